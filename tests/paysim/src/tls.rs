//! The mTLS mode of the XBezahldienste simulator (§5.2): a CA made for the run, a server
//! certificate for `127.0.0.1`, a client certificate, and a rustls server that requires it.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::server::WebPkiClientVerifier;
use rustls::{RootCertStore, ServerConfig};

use crate::{SetupError, XbdTls};

fn tls(e: impl std::fmt::Display) -> SetupError {
    SetupError::Tls(e.to_string())
}

fn write(dir: &Path, name: &str, content: &str) -> Result<PathBuf, SetupError> {
    let path = dir.join(name);
    std::fs::write(&path, content).map_err(|e| SetupError::Write(path.clone(), e))?;
    Ok(path)
}

/// Makes the CA and both certificates, writes them into `dir`, and returns the server's
/// TLS configuration.
pub(crate) fn mtls_files(dir: &Path) -> Result<(Arc<ServerConfig>, XbdTls), SetupError> {
    std::fs::create_dir_all(dir).map_err(|e| SetupError::Write(dir.to_owned(), e))?;

    let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(tls)?;
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "vamt paysim test CA");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca =
        CertifiedIssuer::self_signed(ca_params, KeyPair::generate().map_err(tls)?).map_err(tls)?;

    let server_key = KeyPair::generate().map_err(tls)?;
    let mut server_params =
        CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
            .map_err(tls)?;
    server_params
        .distinguished_name
        .push(DnType::CommonName, "XBezahldienste simulator");
    server_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let server_cert = server_params.signed_by(&server_key, &ca).map_err(tls)?;

    let client_key = KeyPair::generate().map_err(tls)?;
    let mut client_params = CertificateParams::new(Vec::<String>::new()).map_err(tls)?;
    client_params
        .distinguished_name
        .push(DnType::CommonName, "vamt test client");
    client_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    let client_cert = client_params.signed_by(&client_key, &ca).map_err(tls)?;

    let files = XbdTls {
        ca_pem: write(dir, "ca.pem", &ca.pem())?,
        server_cert_pem: write(dir, "server.pem", &server_cert.pem())?,
        client_cert_pem: write(dir, "client.pem", &client_cert.pem())?,
        client_key_pem: write(dir, "client-key.pem", &client_key.serialize_pem())?,
    };

    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut roots = RootCertStore::empty();
    roots.add(ca.der().clone()).map_err(tls)?;
    let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .build()
        .map_err(tls)?;
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(tls)?
        .with_client_cert_verifier(verifier)
        .with_single_cert(
            vec![server_cert.der().clone()],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_key.serialize_der())),
        )
        .map_err(tls)?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok((Arc::new(config), files))
}
