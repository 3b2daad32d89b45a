//! A demo seal: a self-signed certificate for installations that have none from a trust
//! service yet. Its name says it is a demo, so that nobody mistakes a sealed document for an
//! official one, and no reader trusts it (it is its own issuer).

use std::time::Duration;

use der::asn1::{SetOfVec, Utf8StringRef};
use der::pem::LineEnding;
use der::{Any, EncodePem};
use p256::ecdsa::{DerSignature, SigningKey};
use p256::pkcs8::EncodePrivateKey;
use rand::Rng;
use spki::{ObjectIdentifier, SubjectPublicKeyInfoOwned};
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::builder::{Builder, CertificateBuilder, Profile};
use x509_cert::name::{Name, RdnSequence, RelativeDistinguishedName};
use x509_cert::serial_number::SerialNumber;
use x509_cert::time::Validity;

use crate::PdfError;

const ID_AT_COMMON_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.3");
const ID_AT_ORGANIZATION: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.10");

/// Ten years, counted in days of which two or three are leap days.
const VALIDITY: Duration = Duration::from_secs(3653 * 24 * 60 * 60);

/// A self-signed P-256 certificate and its PKCS#8 private key, both PEM, for `authority`:
/// CN "`authority` — DEMO SEAL, NOT VALID FOR OFFICIAL USE", O `authority`, valid for ten
/// years from now, for digital signatures and non-repudiation only.
///
/// Feed the pair to [`crate::Sealer::from_pem`].
pub fn demo_sealer(authority: &str) -> Result<(String, String), PdfError> {
    let key = random_key();
    let subject = Name::from(RdnSequence(vec![
        rdn(ID_AT_ORGANIZATION, authority)?,
        rdn(
            ID_AT_COMMON_NAME,
            &format!("{authority} — DEMO SEAL, NOT VALID FOR OFFICIAL USE"),
        )?,
    ]));
    let public = SubjectPublicKeyInfoOwned::from_key(*key.verifying_key())
        .map_err(|e| PdfError::Demo(e.to_string()))?;
    let validity = Validity::from_now(VALIDITY)?;
    // A self-signed end-entity certificate: the Leaf profile with the subject as its own
    // issuer gives key usage digitalSignature + nonRepudiation and no CA rights.
    let profile = Profile::Leaf {
        issuer: subject.clone(),
        enable_key_agreement: false,
        enable_key_encipherment: false,
    };
    let builder =
        CertificateBuilder::new(profile, serial_number()?, validity, subject, public, &key)
            .map_err(|e| PdfError::Demo(e.to_string()))?;
    let certificate = builder
        .build::<DerSignature>()
        .map_err(|e| PdfError::Demo(e.to_string()))?;
    let cert_pem = certificate.to_pem(LineEnding::LF)?;
    let key_pem = key
        .to_pkcs8_pem(LineEnding::LF)
        .map_err(|e| PdfError::Demo(e.to_string()))?;
    Ok((cert_pem, key_pem.to_string()))
}

fn rdn(oid: ObjectIdentifier, value: &str) -> Result<RelativeDistinguishedName, PdfError> {
    let value = Any::from(Utf8StringRef::new(value)?);
    Ok(RelativeDistinguishedName(SetOfVec::try_from(vec![
        AttributeTypeAndValue { oid, value },
    ])?))
}

/// A P-256 key from rand's thread-local CSPRNG, which the operating system seeds.
fn random_key() -> SigningKey {
    let mut rng = rand::rng();
    loop {
        let bytes: [u8; 32] = rng.random();
        // Zero and values at or above the group order are no keys; the chance is about 2^-32.
        if let Ok(key) = SigningKey::from_bytes(&bytes.into()) {
            return key;
        }
    }
}

/// A random 16-byte positive serial number (RFC 5280 § 4.1.2.2 allows up to 20 bytes).
fn serial_number() -> Result<SerialNumber, PdfError> {
    let mut bytes: [u8; 16] = rand::rng().random();
    // Positive and without a leading zero byte, so DER needs no padding byte.
    bytes[0] = (bytes[0] & 0x7F) | 0x40;
    Ok(SerialNumber::new(&bytes)?)
}
