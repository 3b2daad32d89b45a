//! The authority's seal: a PAdES baseline signature (`ETSI.CAdES.detached`) over the whole
//! PDF, made with ECDSA P-256 and SHA-256.
//!
//! An incremental update adds an empty signature dictionary whose /Contents is a fixed-size
//! run of zeros; the bytes around that run (the whole file otherwise) are hashed, the CMS
//! signature over the hash goes into the run, and the real /ByteRange replaces its
//! placeholder of equal length.

use chrono::{DateTime, Utc};
use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{
    CertificateSet, EncapsulatedContentInfo, SignedData, SignerIdentifier, SignerInfo, SignerInfos,
};
use der::asn1::{ObjectIdentifier, OctetString, SetOfVec};
use der::{Any, DecodePem, Encode};
use lopdf::{dictionary, Object, StringFormat};
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{DerSignature, SigningKey, VerifyingKey};
use p256::pkcs8::DecodePrivateKey;
use sha2::{Digest, Sha256};
use spki::AlgorithmIdentifierOwned;
use x509_cert::attr::Attribute;
use x509_cert::Certificate;

use crate::PdfError;

/// Bytes reserved for the DER-encoded CMS signature (written as twice as many hex digits).
/// One P-256 certificate and signature take about 1 KiB; the rest leaves room for a chain
/// from a trust service and, later, a timestamp token, without changing the layout.
pub(crate) const CONTENTS_BYTES: usize = 16_384;

/// The placeholder offsets of /ByteRange: ten digits each, so any real offset of a file below
/// 10 GB fits in its place.
const BYTE_RANGE_PLACEHOLDER: i64 = 9_999_999_999;

const ID_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
const ID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
const ID_CONTENT_TYPE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
const ID_MESSAGE_DIGEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");
/// id-aa-signingCertificateV2 (RFC 5035).
const ID_SIGNING_CERTIFICATE_V2: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.47");
const ID_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const ECDSA_WITH_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
const ID_EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");

/// ESSCertIDv2 (RFC 5035) without its optional parts: the hash algorithm is left out because
/// SHA-256 is its DEFAULT (DER omits defaults), and issuerSerial because the CAdES baseline
/// profile (ETSI EN 319 122-1) advises against it.
#[derive(der::Sequence)]
struct EssCertIdV2 {
    cert_hash: OctetString,
}

/// SigningCertificateV2 (RFC 5035), without policies.
#[derive(der::Sequence)]
struct SigningCertificateV2 {
    certs: Vec<EssCertIdV2>,
}

/// The authority's certificate and its private key: what seals a document.
pub struct Sealer {
    certificate: Certificate,
    key: SigningKey,
}

impl std::fmt::Debug for Sealer {
    // The key stays out of logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sealer")
            .field(
                "subject",
                &self.certificate.tbs_certificate.subject.to_string(),
            )
            .finish_non_exhaustive()
    }
}

impl Sealer {
    /// A sealer from a PEM certificate and its PEM PKCS#8 P-256 private key; fails when the
    /// key is not the certificate's, which would make every seal invalid.
    pub fn from_pem(cert_pem: &str, key_pem: &str) -> Result<Self, PdfError> {
        let certificate = Certificate::from_pem(cert_pem).map_err(PdfError::Certificate)?;
        let key = SigningKey::from_pkcs8_pem(key_pem).map_err(PdfError::Key)?;
        let spki = &certificate.tbs_certificate.subject_public_key_info;
        if spki.algorithm.oid != ID_EC_PUBLIC_KEY {
            return Err(PdfError::CertificateKey);
        }
        let public = VerifyingKey::from_sec1_bytes(spki.subject_public_key.raw_bytes())
            .map_err(|_| PdfError::CertificateKey)?;
        if &public != key.verifying_key() {
            return Err(PdfError::KeyMismatch);
        }
        Ok(Self { certificate, key })
    }

    /// The certificate the seals carry.
    pub fn certificate(&self) -> &Certificate {
        &self.certificate
    }

    /// The certificate's subject as RFC 4514 text, e.g. for the configuration check.
    pub fn subject(&self) -> String {
        self.certificate.tbs_certificate.subject.to_string()
    }
}

/// Seals `pdf` with the authority's certificate: an invisible signature field on the first
/// page whose PAdES signature covers the whole file as written.
///
/// `at` becomes the signature's /M (PAdES carries the claimed signing time there, not in
/// the CMS); `reason` is shown by readers next to the signature.
///
/// `pdf` is kept byte for byte and the seal appended as an incremental update, so earlier
/// signatures stay valid (each covering the file as it was when it was made).
pub fn seal(
    pdf: &[u8],
    sealer: &Sealer,
    at: DateTime<Utc>,
    reason: &str,
) -> Result<Vec<u8>, PdfError> {
    let mut update = crate::open(pdf)?;
    let prev = update.get_prev_documents();
    let page = prev
        .get_pages()
        .values()
        .next()
        .copied()
        .ok_or(PdfError::Structure("page"))?;
    let catalog = crate::catalog_id(prev)?;

    let placeholder = Object::Integer(BYTE_RANGE_PLACEHOLDER);
    let signature = update.new_document.add_object(dictionary! {
        "Type" => "Sig",
        "Filter" => "Adobe.PPKLite",
        "SubFilter" => "ETSI.CAdES.detached",
        "M" => Object::string_literal(pdf_date(at)),
        "Reason" => text_string(reason),
        "ByteRange" => vec![Object::Integer(0), placeholder.clone(), placeholder.clone(), placeholder],
        "Contents" => Object::String(vec![0; CONTENTS_BYTES], StringFormat::Hexadecimal),
    });
    // Flags 132 = Print + Locked: an invisible widget that a reader must not move or delete.
    // The object number makes the field name unique among earlier seals.
    let field = update.new_document.add_object(dictionary! {
        "Type" => "Annot",
        "Subtype" => "Widget",
        "FT" => "Sig",
        "T" => Object::string_literal(format!("Seal{}", signature.0)),
        "V" => signature,
        "Rect" => vec![0.into(), 0.into(), 0.into(), 0.into()],
        "F" => 132,
        "P" => page,
    });
    crate::push(&mut update, page, b"Annots", field.into())?;
    let form = crate::dictionary_object(&mut update, catalog, b"AcroForm")?;
    crate::push(&mut update, form, b"Fields", field.into())?;
    // 3 = SignaturesExist + AppendOnly: readers then save changes as incremental updates,
    // which keep this signature verifiable.
    crate::edit(&mut update, form)?.set("SigFlags", 3);

    let mut out = crate::save(&mut update)?;
    let (start, end) = contents_span(&out)?;
    let ranges = [0, start, end, out.len() - end];
    let byte_range = find_unique(&out, &byte_range_placeholder(), "/ByteRange")?;
    let text = byte_range_text(ranges, byte_range_placeholder().len())?;
    out[byte_range..byte_range + text.len()].copy_from_slice(&text);

    let mut hasher = Sha256::new();
    hasher.update(&out[..start]);
    hasher.update(&out[end..]);
    let der = cms_signature(sealer, &hasher.finalize())?;
    if der.len() > CONTENTS_BYTES {
        return Err(PdfError::SignatureTooLarge {
            needed: der.len(),
            reserved: CONTENTS_BYTES,
        });
    }
    // After the '<': the hex digits, the rest of the run stays zeros (DER ignores them).
    let hex = hex::encode_upper(der);
    out[start + 1..start + 1 + hex.len()].copy_from_slice(hex.as_bytes());
    Ok(out)
}

/// The span of the /Contents placeholder including its angle brackets: the part of the file
/// the signature does not cover.
fn contents_span(pdf: &[u8]) -> Result<(usize, usize), PdfError> {
    let mut needle = Vec::with_capacity(CONTENTS_BYTES * 2 + 2);
    needle.push(b'<');
    needle.resize(CONTENTS_BYTES * 2 + 1, b'0');
    needle.push(b'>');
    let start = find_unique(pdf, &needle, "/Contents")?;
    Ok((start, start + needle.len()))
}

/// The text lopdf writes for the /ByteRange placeholder.
fn byte_range_placeholder() -> Vec<u8> {
    let p = BYTE_RANGE_PLACEHOLDER;
    format!("[0 {p} {p} {p}]").into_bytes()
}

/// The real /ByteRange, padded with spaces before the `]` to exactly `width` bytes so that no
/// offset in the file moves.
fn byte_range_text(ranges: [usize; 4], width: usize) -> Result<Vec<u8>, PdfError> {
    let [a, b, c, d] = ranges;
    let mut text = format!("[{a} {b} {c} {d}").into_bytes();
    if text.len() + 1 > width {
        return Err(PdfError::Placeholder("/ByteRange"));
    }
    text.resize(width - 1, b' ');
    text.push(b']');
    Ok(text)
}

/// Where `needle` is in `haystack`, if it is there exactly once.
fn find_unique(haystack: &[u8], needle: &[u8], what: &'static str) -> Result<usize, PdfError> {
    let find = |from: usize| {
        haystack
            .get(from..)
            .and_then(|rest| rest.windows(needle.len()).position(|w| w == needle))
            .map(|at| at + from)
    };
    let first = find(0).ok_or(PdfError::Placeholder(what))?;
    if find(first + 1).is_some() {
        return Err(PdfError::Placeholder(what));
    }
    Ok(first)
}

/// The detached CMS SignedData over `digest` (RFC 5652), with the signed attributes PAdES
/// baseline B-B asks for: content-type, message-digest and signing-certificate-v2. No
/// signing-time: PAdES puts the time in the signature dictionary's /M instead.
fn cms_signature(sealer: &Sealer, digest: &[u8]) -> Result<Vec<u8>, PdfError> {
    let sha256 = AlgorithmIdentifierOwned {
        oid: ID_SHA256,
        parameters: None,
    };
    let certificate_hash = Sha256::digest(sealer.certificate.to_der()?);
    let signing_certificate = SigningCertificateV2 {
        certs: vec![EssCertIdV2 {
            cert_hash: OctetString::new(certificate_hash.to_vec())?,
        }],
    };
    let signed_attrs = SetOfVec::try_from(vec![
        attribute(ID_CONTENT_TYPE, Any::encode_from(&ID_DATA)?)?,
        attribute(
            ID_MESSAGE_DIGEST,
            Any::encode_from(&OctetString::new(digest.to_vec())?)?,
        )?,
        attribute(
            ID_SIGNING_CERTIFICATE_V2,
            Any::encode_from(&signing_certificate)?,
        )?,
    ])?;
    // RFC 5652 § 5.4: the signature is over the DER of the attributes as a SET OF, which is
    // what encoding the SetOfVec gives (not the [0] IMPLICIT form they have in SignerInfo).
    let signature: DerSignature = sealer.key.try_sign(&signed_attrs.to_der()?)?;
    let tbs = &sealer.certificate.tbs_certificate;
    let signer_info = SignerInfo {
        version: CmsVersion::V1,
        sid: SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
            issuer: tbs.issuer.clone(),
            serial_number: tbs.serial_number.clone(),
        }),
        digest_alg: sha256.clone(),
        signed_attrs: Some(signed_attrs),
        signature_algorithm: AlgorithmIdentifierOwned {
            oid: ECDSA_WITH_SHA256,
            parameters: None,
        },
        signature: OctetString::new(signature.as_bytes())?,
        unsigned_attrs: None,
    };
    let signed_data = SignedData {
        version: CmsVersion::V1,
        digest_algorithms: SetOfVec::try_from(vec![sha256])?,
        encap_content_info: EncapsulatedContentInfo {
            econtent_type: ID_DATA,
            econtent: None,
        },
        certificates: Some(CertificateSet(SetOfVec::try_from(vec![
            CertificateChoices::Certificate(sealer.certificate.clone()),
        ])?)),
        crls: None,
        signer_infos: SignerInfos(SetOfVec::try_from(vec![signer_info])?),
    };
    Ok(ContentInfo {
        content_type: ID_SIGNED_DATA,
        content: Any::encode_from(&signed_data)?,
    }
    .to_der()?)
}

fn attribute(oid: ObjectIdentifier, value: Any) -> Result<Attribute, PdfError> {
    Ok(Attribute {
        oid,
        values: SetOfVec::try_from(vec![value])?,
    })
}

/// A PDF date (ISO 32000-1 § 7.9.4) in UTC.
fn pdf_date(at: DateTime<Utc>) -> String {
    at.format("D:%Y%m%d%H%M%S+00'00'").to_string()
}

/// A PDF text string: plain bytes when ASCII, otherwise UTF-16BE with its byte order mark
/// (ISO 32000-1 § 7.9.2.2), since PDFDocEncoding lacks most of the world's letters.
fn text_string(text: &str) -> Object {
    if text.is_ascii() {
        return Object::string_literal(text);
    }
    let mut bytes = vec![0xFE, 0xFF];
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&unit.to_be_bytes());
    }
    Object::String(bytes, StringFormat::Hexadecimal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_range_keeps_the_placeholder_length() {
        let width = byte_range_placeholder().len();
        let text = byte_range_text([0, 1234, 34_002, 987], width).unwrap();
        assert_eq!(text.len(), width);
        assert!(text.starts_with(b"[0 1234 34002 987 "));
        assert_eq!(text.last(), Some(&b']'));
    }

    #[test]
    fn byte_range_of_the_largest_offsets_still_fits() {
        let width = byte_range_placeholder().len();
        let big = BYTE_RANGE_PLACEHOLDER as usize;
        let text = byte_range_text([0, big, big, big], width).unwrap();
        assert_eq!(text, byte_range_placeholder());
    }

    #[test]
    fn find_unique_rejects_a_second_occurrence() {
        assert_eq!(find_unique(b"ab<00>cd", b"<00>", "x").unwrap(), 2);
        assert!(find_unique(b"<00><00>", b"<00>", "x").is_err());
        assert!(find_unique(b"abc", b"<00>", "x").is_err());
    }

    #[test]
    fn dates_and_text_strings() {
        let at = DateTime::parse_from_rfc3339("2026-12-07T11:05:09Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(pdf_date(at), "D:20261207110509+00'00'");
        assert_eq!(text_string("ok"), Object::string_literal("ok"));
        assert_eq!(
            text_string("ä"),
            Object::String(vec![0xFE, 0xFF, 0x00, 0xE4], StringFormat::Hexadecimal)
        );
    }
}
