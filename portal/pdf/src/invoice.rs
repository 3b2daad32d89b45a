//! The invoice (`docs/payments.md` § 3.3, step 2): letterhead, recipient, the invoice's facts
//! (number, date of issue, due date), the fee's lines and total, notes (the tax note), the
//! payment instructions and the EPC QR code ("GiroCode", § 6.2) that a banking app scans to
//! fill in the transfer.
//!
//! The caller passes every text formatted in the reader's language (amounts, dates, the IBAN
//! in groups) and the EPC payload already built and checked, so this crate knows nothing of
//! money or payments; it only sets text and draws the code.

use crate::font::Font;
use crate::page::{
    self, Align, Head, InvoiceLine, Sheet, BODY, BODY_LEADING, GAP, LEFT, RIGHT, SMALL,
    SMALL_LEADING,
};
use crate::qr::Matrix;
use crate::PdfError;

/// The EPC QR code on an invoice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Qr<'a> {
    /// The EPC payload exactly as it is to be scanned (`BCD\n002\n1\nSCT\n…`), at most 331
    /// bytes; encoded in byte mode at error-correction level M.
    pub payload: &'a str,
    /// The label above the code: "GiroCode".
    pub label: &'a str,
    /// A line under the code, e.g. "Scan with your banking app"; may be empty.
    pub caption: &'a str,
}

/// What an invoice shows, every text already in the reader's language.
#[derive(Debug, Clone, Copy)]
pub struct InvoiceDoc<'a> {
    /// The sender: the authority's name (set in bold), its address.
    pub letterhead: &'a [String],
    /// Phone, e-mail, opening hours: small, at the top right.
    pub contact: &'a [String],
    /// The recipient's name and, if known, postal address; placed for a window envelope.
    pub recipient: &'a [String],
    /// "Rechnung" / "Invoice".
    pub title: &'a str,
    /// Label/value rows beside the address: invoice number, date of issue, due date,
    /// appointment.
    pub facts: &'a [(String, String)],
    /// The table's headers: quantity, description, unit price, amount.
    pub columns: [&'a str; 4],
    /// The table's rows.
    pub lines: &'a [InvoiceLine],
    /// The total's label and amount, e.g. ("Gesamt", "29,00 €").
    pub total: (&'a str, &'a str),
    /// Paragraphs under the total, e.g. the note that fees are exempt from VAT.
    pub notes: &'a [String],
    /// A heading over the payment instructions, e.g. "Bitte überweisen Sie"; may be empty.
    pub payment_heading: &'a str,
    /// The payment instructions as label/value rows: creditor, IBAN (grouped), BIC, amount,
    /// reference (the RF reference, grouped), due date.
    pub payment: &'a [(String, String)],
    /// The EPC QR code beside the payment instructions; `None` where there is none (an
    /// amount not in euro).
    pub qr: Option<Qr<'a>>,
    /// Lines at the bottom of every page: bank details, legal notes.
    pub footer: &'a [String],
}

/// The invoice as a PDF: A4, as many pages as the lines need (the table's header repeats,
/// the payment block with the QR code is never split).
pub fn invoice_pdf(doc: &InvoiceDoc) -> Result<Vec<u8>, PdfError> {
    let code = doc.qr.map(|qr| Matrix::encode(qr.payload)).transpose()?;
    let mut sheet = Sheet::new(doc.footer);
    page::head(
        &mut sheet,
        &Head {
            letterhead: doc.letterhead,
            contact: doc.contact,
            recipient: doc.recipient,
            facts: doc.facts,
            title: doc.title,
        },
        |_, _| {},
    )?;
    page::table(&mut sheet, doc.columns, doc.lines, doc.total)?;
    sheet.down(GAP / 2.0);
    page::paragraphs(&mut sheet, doc.notes)?;
    sheet.down(GAP);
    payment_block(&mut sheet, doc, code.as_ref().zip(doc.qr))?;
    sheet.finish()
}

/// The payment instructions at the left and the QR code at the right, kept together on one
/// page.
fn payment_block(
    sheet: &mut Sheet,
    doc: &InvoiceDoc,
    code: Option<(&Matrix, Qr)>,
) -> Result<(), PdfError> {
    const QR_GAP: f32 = 16.0;
    let outer = code.map(|(matrix, _)| matrix.outer()).unwrap_or(0.0);
    let pairs_right = if code.is_some() {
        RIGHT - outer - QR_GAP
    } else {
        RIGHT
    };
    let heading = if doc.payment_heading.is_empty() {
        Vec::new()
    } else {
        Font::Bold.wrap(doc.payment_heading, BODY, pairs_right - LEFT)
    };
    let pairs_height = heading.len() as f32 * BODY_LEADING
        + page::pairs_height(LEFT, pairs_right, doc.payment, BODY, BODY_LEADING, 120.0);
    let caption = code
        .map(|(_, qr)| {
            if qr.caption.is_empty() {
                Vec::new()
            } else {
                Font::Regular.wrap(qr.caption, SMALL, outer)
            }
        })
        .unwrap_or_default();
    let code_height = if code.is_some() {
        SMALL_LEADING + outer + caption.len() as f32 * SMALL_LEADING
    } else {
        0.0
    };
    sheet.keep(
        pairs_height.max(code_height),
        "the payment instructions and the QR code are taller than a page",
    )?;

    let top = sheet.y();
    sheet.lines(LEFT, &heading, Font::Bold, BODY, BODY_LEADING, Align::Left);
    page::pairs(
        sheet,
        LEFT,
        pairs_right,
        doc.payment,
        BODY,
        BODY_LEADING,
        120.0,
    );
    let below_pairs = sheet.y();

    if let Some((matrix, qr)) = code {
        let x = RIGHT - outer;
        let middle = x + outer / 2.0;
        sheet.set_y(top);
        // The label sits above the quiet zone, which stays free of any mark.
        sheet.lines(
            middle,
            &[qr.label.to_owned()],
            Font::Bold,
            SMALL,
            SMALL_LEADING,
            Align::Center,
        );
        sheet.draw(matrix.draw(x, sheet.y()));
        sheet.down(outer);
        sheet.lines(
            middle,
            &caption,
            Font::Regular,
            SMALL,
            SMALL_LEADING,
            Align::Center,
        );
    }
    sheet.set_y(below_pairs.min(sheet.y()));
    Ok(())
}
