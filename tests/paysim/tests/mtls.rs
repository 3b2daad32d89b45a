//! The XBezahldienste simulator in mTLS mode: a client certificate of the simulator's CA is
//! required, and then no bearer token is.

mod common;

use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use rustls::{ClientConfig, RootCertStore};
use serde_json::Value;
use vamt_paysim::{xbezahldienste_mtls, XbdConfig, XbdTls};

type Error = Box<dyn std::error::Error + Send + Sync>;

/// One request over TLS, with or without the client certificate.
async fn request(
    base: &str,
    files: &XbdTls,
    with_cert: bool,
    method: &str,
    path: &str,
    body: &str,
) -> Result<(u16, Value), Error> {
    let mut roots = RootCertStore::empty();
    roots.add(CertificateDer::from_pem_file(&files.ca_pem)?)?;
    let builder = ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()?
    .with_root_certificates(roots);
    let config = if with_cert {
        builder.with_client_auth_cert(
            vec![CertificateDer::from_pem_file(&files.client_cert_pem)?],
            PrivateKeyDer::from_pem_file(&files.client_key_pem)?,
        )?
    } else {
        builder.with_no_client_auth()
    };
    let addr = base.strip_prefix("https://").ok_or("https URL")?;
    let tcp = tokio::net::TcpStream::connect(addr).await?;
    let tls = tokio_rustls::TlsConnector::from(Arc::new(config))
        .connect(ServerName::try_from("127.0.0.1")?, tcp)
        .await?;
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(tls)).await?;
    tokio::spawn(conn);
    let req = hyper::Request::builder()
        .method(method)
        .uri(path)
        .header("host", addr)
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body.to_owned())))?;
    let resp = sender.send_request(req).await?;
    let status = resp.status().as_u16();
    let bytes = resp.into_body().collect().await?.to_bytes();
    Ok((
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    ))
}

#[tokio::test]
async fn client_certificate_required() -> Result<(), Error> {
    let dir = tempfile::tempdir()?;
    let (sim, files) = xbezahldienste_mtls(
        XbdConfig {
            originator_id: "o1".into(),
            endpoint_id: "e1".into(),
            client_id: "unused".into(),
            client_secret: "unused".into(),
        },
        dir.path(),
    )
    .await?;
    let base = sim.url().to_owned();
    assert!(base.starts_with("https://127.0.0.1:"), "{base}");
    for f in [
        &files.ca_pem,
        &files.server_cert_pem,
        &files.client_cert_pem,
        &files.client_key_pem,
    ] {
        assert!(std::fs::read_to_string(f)?.contains("-----BEGIN "), "{f:?}");
    }

    // With the certificate and without any token: served.
    let (status, body) = request(&base, &files, true, "GET", "/status/o1/e1", "").await?;
    assert_eq!(status, 200, "{body}");
    let create = r#"{"requestId":"AT-tls","currency":"EUR","grosAmount":5.00,
        "redirectUrl":"https://vamt.example/pay/return/PY_1?k=a",
        "items":[{"id":"1","quantity":1,"totalNetAmount":5.00,"totalTaxAmount":0}]}"#;
    let (status, body) = request(
        &base,
        &files,
        true,
        "POST",
        "/paymenttransaction/o1/e1",
        create,
    )
    .await?;
    assert_eq!(status, 200, "{body}");
    let redirect = body["paymentInformation"]["transactionRedirectUrl"]
        .as_str()
        .unwrap_or_default();
    // The pay page is plain HTTP on a listener of its own (the browser has no certificate).
    assert!(redirect.starts_with("http://127.0.0.1:"), "{redirect}");
    let page = common::get(redirect, &[]).await?;
    assert_eq!(page.status, 200);
    assert!(page.text().contains("id=\"pay\""));
    let id = body["paymentInformation"]["transactionId"]
        .as_str()
        .unwrap_or_default();
    let page_base = redirect.split("/pay/").next().unwrap_or_default();
    let r = common::send("POST", &format!("{page_base}/pay/{id}/pay"), &[], "").await?;
    assert_eq!(r.status, 303);
    let (_, status) = request(
        &base,
        &files,
        true,
        "GET",
        &format!("/paymenttransaction/o1/e1/{id}"),
        "",
    )
    .await?;
    assert_eq!(status["paymentInformation"]["status"], "PAYED");
    // The API is not on the plain listener.
    let r = common::get(&format!("{page_base}/status/o1/e1"), &[]).await?;
    assert_eq!(r.status, 404);

    // Without a client certificate: no answer at all.
    assert!(request(&base, &files, false, "GET", "/status/o1/e1", "")
        .await
        .is_err());
    // status, create, status query, the 404 on the page listener; not the refused one.
    assert_eq!(
        sim.requests().len(),
        4,
        "the refused connection never became a request"
    );
    Ok(())
}
