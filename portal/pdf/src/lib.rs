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
//! [`invoice_pdf`] and [`receipt_pdf`] make the invoice (with its EPC QR code) and the receipt
//! of a fee from text the caller has formatted in the reader's language.
//!
//! [`letter_pdf`], [`letters_pdf`] and [`hearing_receipt_pdf`] make the online hearing's
//! letter and receipt.
//!
//! All five are set in any of the office's languages, Greek, Cyrillic, Arabic and Farsi
//! included: their text is shaped and set in embedded TrueType fonts ([`UnicodeFonts`]).
//!
//! [`demo_sealer`] makes a self-signed certificate that says in its name that it is a demo, for
//! installations that have no certificate from a trust service yet.
//!
//! Both append to the PDF as an incremental update, so the document as it was stays a
//! byte-for-byte prefix of the result: its SHA-256 on the signature page can be checked
//! against the file, and the citizen's document is sealed without being rewritten.
//!
//! The page and the seal are pure functions from bytes to bytes: no files, no clock, no
//! network. Only [`demo_sealer`] reads the clock (the certificate's validity) and the random
//! source (the key).
#![forbid(unsafe_code)]

mod demo;
mod font;
mod hearing;
mod invoice;
mod page;
mod pager;
mod qr;
mod receipt;
mod seal;
mod stamp;
mod unicode;

pub use demo::demo_sealer;
pub use hearing::{hearing_receipt_pdf, letter_pdf, letters_pdf, HearingReceiptDoc, LetterDoc};
pub use invoice::{invoice_pdf, InvoiceDoc, Qr};
pub use page::InvoiceLine;
pub use receipt::{receipt_pdf, ReceiptDoc};
pub use seal::{seal, Sealer};
pub use stamp::{append_signature_page, SignatureMethod, SignatureRecord};
pub use unicode::{Direction, UnicodeFonts, DEFAULT_FONT_DIR};

use std::path::PathBuf;

use lopdf::{Dictionary, Document, IncrementalDocument, Object, ObjectId};
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
    /// An invoice's or receipt's content cannot be laid out: a block taller than a page, a
    /// QR payload too long for an EPC QR code.
    #[error("document content: {0}")]
    Content(&'static str),
    /// A font of [`UnicodeFonts`] cannot be read.
    #[error("font {}: {source}; it comes with the Debian package {package}", path.display())]
    FontMissing {
        /// The file that was looked for.
        path: PathBuf,
        /// The Debian package that installs it.
        package: &'static str,
        /// Why reading failed.
        source: std::io::Error,
    },
    /// A font file is there but is not a TrueType font that can be shaped with.
    #[error("font {}: not a TrueType font", path.display())]
    FontInvalid {
        /// The file.
        path: PathBuf,
    },
    /// The font could not be subset for embedding.
    #[error("font subset: {0}")]
    FontSubset(String),
}

/// The SHA-256 of `bytes`, in lower-case hex: what [`SignatureRecord::sha256_before`] holds.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Opens a PDF for an incremental update (ISO 32000-1 § 7.5.6): the original bytes stay as
/// they are, changed and new objects are appended after them with a cross-reference section
/// and trailer of their own. A signature already in the file therefore stays valid, and the
/// original is a byte-for-byte prefix of the result.
fn open(pdf: &[u8]) -> Result<IncrementalDocument, PdfError> {
    let doc = Document::load_mem(pdf)?;
    if doc.trailer.get(b"Encrypt").is_ok() {
        return Err(PdfError::Encrypted);
    }
    let mut update = IncrementalDocument::create_from(pdf.to_vec(), doc);
    // The new trailer starts as a copy of the last one; what described that section's own
    // layout (an xref stream's /W, /Index, /Filter, a hybrid file's /XRefStm) must not carry
    // over. lopdf sets /Prev, /Size and, for an xref stream, /Type, /W, /Index, /Length.
    for key in [
        &b"Type"[..],
        b"W",
        b"Index",
        b"XRefStm",
        b"Filter",
        b"DecodeParms",
        b"Length",
        b"DL",
    ] {
        update.new_document.trailer.remove(key);
    }
    Ok(update)
}

/// The original followed by the update.
fn save(update: &mut IncrementalDocument) -> Result<Vec<u8>, PdfError> {
    let mut out = Vec::new();
    update.save_to(&mut out).map_err(lopdf::Error::from)?;
    Ok(out)
}

/// The document catalog's object id.
fn catalog_id(doc: &Document) -> Result<ObjectId, PdfError> {
    doc.trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .map_err(|_| PdfError::Structure("catalog"))
}

/// The dictionary `id`, copied into the update so that it can be changed there.
fn edit(update: &mut IncrementalDocument, id: ObjectId) -> Result<&mut Dictionary, PdfError> {
    update.opt_clone_object_to_new_document(id)?;
    Ok(update.new_document.get_dictionary_mut(id)?)
}

/// Appends `item` to the array under `key` of the dictionary `holder`, wherever that array
/// lives (in the dictionary or as an object of its own), creating it if missing.
fn push(
    update: &mut IncrementalDocument,
    holder: ObjectId,
    key: &[u8],
    item: Object,
) -> Result<(), PdfError> {
    match edit(update, holder)?.get(key).ok().cloned() {
        Some(Object::Reference(id)) => {
            update.opt_clone_object_to_new_document(id)?;
            update
                .new_document
                .get_object_mut(id)?
                .as_array_mut()?
                .push(item);
        }
        Some(Object::Array(mut items)) => {
            items.push(item);
            edit(update, holder)?.set(key, items);
        }
        _ => edit(update, holder)?.set(key, vec![item]),
    }
    Ok(())
}

/// The object id of the dictionary under `key` of `holder`, made an object of its own in the
/// update if it was inline or missing, so callers change it in one way.
fn dictionary_object(
    update: &mut IncrementalDocument,
    holder: ObjectId,
    key: &[u8],
) -> Result<ObjectId, PdfError> {
    let id = match edit(update, holder)?.get(key).ok().cloned() {
        Some(Object::Reference(id)) => id,
        Some(Object::Dictionary(inline)) => update.new_document.add_object(inline),
        _ => update.new_document.add_object(Dictionary::new()),
    };
    edit(update, holder)?.set(key, id);
    edit(update, id)?;
    Ok(id)
}
