//! The office's documents as PDFs.
//!
//! Two things happen to a PDF on its way out of a case:
//!
//! - [`append_signature_page`]: when a citizen signs a document (drawn on screen, or confirmed
//!   with a TAN), one A4 page is appended that records who signed, when, how, and the SHA-256
//!   of the document as it was before signing.
//! - [`seal`]: the authority seals the result with its certificate: a PAdES signature
//!   (`ETSI.CAdES.detached`, ECDSA P-256 with SHA-256) that any PDF reader can check, and that
//!   breaks when a single byte of the document changes.
//!
//! [`demo_sealer`] makes a self-signed certificate that says in its name that it is a demo, for
//! installations that have no certificate from a trust service yet.
//!
//! Everything here is a pure function from bytes to bytes: no files, no clock, no network.
#![forbid(unsafe_code)]

mod demo;
mod seal;
mod stamp;

pub use demo::demo_sealer;
pub use seal::{seal, Sealer};
pub use stamp::{append_signature_page, SignatureMethod, SignatureRecord};

use lopdf::{Document, Object};
use sha2::{Digest, Sha256};

/// What can go wrong making or sealing a PDF.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// The input is not a PDF that can be read, or the result could not be written.
    #[error("PDF: {0}")]
    Pdf(#[from] lopdf::Error),
    /// The PDF is encrypted; it would have to be decrypted before it can be changed.
    #[error("the PDF is encrypted")]
    Encrypted,
    /// The PDF parses but lacks a part every document needs (a catalog, a page tree, a page).
    #[error("the PDF has no {0}")]
    Structure(&'static str),
    /// The certificate is not a PEM-encoded X.509 certificate.
    #[error("certificate: {0}")]
    Certificate(der::Error),
    /// The certificate's key is not a P-256 key.
    #[error("the certificate's key is not an ECDSA P-256 key")]
    CertificateKey,
    /// The private key is not a PEM-encoded PKCS#8 P-256 key.
    #[error("private key: {0}")]
    Key(p256::pkcs8::Error),
    /// The private key does not belong to the certificate.
    #[error("the private key does not belong to the certificate")]
    KeyMismatch,
    /// Encoding the signature's ASN.1 failed.
    #[error("ASN.1: {0}")]
    Asn1(#[from] der::Error),
    /// The ECDSA signature could not be made.
    #[error("signing: {0}")]
    Signing(#[from] p256::ecdsa::Error),
    /// The signature does not fit the space reserved for it.
    #[error("the signature needs {needed} bytes, {reserved} are reserved")]
    SignatureTooLarge {
        /// DER bytes of the CMS signature.
        needed: usize,
        /// Bytes reserved in the signature dictionary.
        reserved: usize,
    },
    /// The written PDF does not contain the reserved signature space exactly once.
    #[error("the signature placeholder ({0}) is not in the written PDF exactly once")]
    Placeholder(&'static str),
    /// A field of the signature record is unusable.
    #[error("signature record: {0}")]
    Record(&'static str),
    /// The demo certificate could not be made.
    #[error("demo certificate: {0}")]
    Demo(String),
}

/// The SHA-256 of `bytes`, in lower-case hex: what [`SignatureRecord::sha256_before`] holds.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Loads a PDF for rewriting in full.
///
/// lopdf writes one classic cross-reference table, so what described the old file's layout
/// (an xref stream's /W and /Index, /Prev of an incremental update, the xref and object
/// streams themselves, whose objects lopdf has already unpacked) must go: left in, /Prev
/// would point a reader at an offset that no longer holds a table.
fn load(pdf: &[u8]) -> Result<Document, PdfError> {
    let mut doc = Document::load_mem(pdf)?;
    if doc.trailer.get(b"Encrypt").is_ok() {
        return Err(PdfError::Encrypted);
    }
    for key in [
        &b"Type"[..],
        b"W",
        b"Index",
        b"Prev",
        b"XRefStm",
        b"Filter",
        b"DecodeParms",
        b"Length",
        b"DL",
    ] {
        doc.trailer.remove(key);
    }
    let layout: Vec<_> = doc
        .objects
        .iter()
        .filter(|(_, object)| match object {
            Object::Stream(stream) => matches!(
                stream.dict.get(b"Type").and_then(Object::as_name),
                Ok(b"XRef") | Ok(b"ObjStm")
            ),
            _ => false,
        })
        .map(|(id, _)| *id)
        .collect();
    for id in layout {
        doc.objects.remove(&id);
    }
    Ok(doc)
}

/// Writes the whole document.
fn save(doc: &mut Document) -> Result<Vec<u8>, PdfError> {
    let mut out = Vec::new();
    doc.save_to(&mut out).map_err(lopdf::Error::from)?;
    Ok(out)
}

/// The document catalog's object id.
fn catalog_id(doc: &Document) -> Result<lopdf::ObjectId, PdfError> {
    doc.trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .map_err(|_| PdfError::Structure("catalog"))
}

/// The object id of the array under `key` of the dictionary `holder`, made an indirect object
/// (and created empty) if it is not one yet, so callers can push to it in one way.
fn indirect_array(
    doc: &mut Document,
    holder: lopdf::ObjectId,
    key: &[u8],
) -> Result<lopdf::ObjectId, PdfError> {
    let current = doc.get_dictionary(holder)?.get(key).ok().cloned();
    match current {
        Some(Object::Reference(id)) => {
            doc.get_object(id)?.as_array()?;
            Ok(id)
        }
        Some(Object::Array(items)) => {
            let id = doc.add_object(Object::Array(items));
            doc.get_dictionary_mut(holder)?.set(key, id);
            Ok(id)
        }
        _ => {
            let id = doc.add_object(Object::Array(Vec::new()));
            doc.get_dictionary_mut(holder)?.set(key, id);
            Ok(id)
        }
    }
}

/// Like [`indirect_array`], for a dictionary.
fn indirect_dictionary(
    doc: &mut Document,
    holder: lopdf::ObjectId,
    key: &[u8],
) -> Result<lopdf::ObjectId, PdfError> {
    let current = doc.get_dictionary(holder)?.get(key).ok().cloned();
    match current {
        Some(Object::Reference(id)) => {
            doc.get_dictionary(id)?;
            Ok(id)
        }
        Some(Object::Dictionary(dict)) => {
            let id = doc.add_object(Object::Dictionary(dict));
            doc.get_dictionary_mut(holder)?.set(key, id);
            Ok(id)
        }
        _ => {
            let id = doc.add_object(Object::Dictionary(lopdf::Dictionary::new()));
            doc.get_dictionary_mut(holder)?.set(key, id);
            Ok(id)
        }
    }
}
