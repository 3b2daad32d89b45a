//! The receipt (`docs/payments.md` § 1.1, step 7): made when a payment becomes paid, with the
//! office, the payment's facts (payment id, date paid, way of payment, the provider's
//! reference), the lines and total, and a mark that says the amount is paid.
//!
//! Like the invoice it is built from text the caller formatted, and from nothing else (no
//! clock): the same stored data gives the same bytes, so a lost receipt can be made again.

use lopdf::Object;

use crate::font::Font;
use crate::page::{self, op, Align, Head, InvoiceLine, Sheet, GAP, RIGHT};
use crate::PdfError;

/// What a receipt shows, every text already in the reader's language.
#[derive(Debug, Clone, Copy)]
pub struct ReceiptDoc<'a> {
    /// The sender: the authority's name (set in bold), its address.
    pub letterhead: &'a [String],
    /// Phone, e-mail, opening hours: small, at the top right.
    pub contact: &'a [String],
    /// The payer's name and, if known, postal address.
    pub recipient: &'a [String],
    /// "Quittung" / "Receipt".
    pub title: &'a str,
    /// The mark beside the title, in a frame: "Bezahlt" / "PAID".
    pub paid_mark: &'a str,
    /// Label/value rows beside the address: payment id, date paid, way of payment, the
    /// provider's reference (the invoice number for an invoice).
    pub facts: &'a [(String, String)],
    /// The table's headers: quantity, description, unit price, amount.
    pub columns: [&'a str; 4],
    /// The table's rows.
    pub lines: &'a [InvoiceLine],
    /// The total's label and amount, e.g. ("Bezahlt", "29,00 €").
    pub total: (&'a str, &'a str),
    /// Paragraphs under the total, e.g. the note that fees are exempt from VAT.
    pub notes: &'a [String],
    /// Lines at the bottom of every page.
    pub footer: &'a [String],
}

/// The receipt as a PDF: A4, as many pages as the lines need.
pub fn receipt_pdf(doc: &ReceiptDoc) -> Result<Vec<u8>, PdfError> {
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
        |sheet, baseline| paid_mark(sheet, doc.paid_mark, baseline),
    )?;
    page::table(&mut sheet, doc.columns, doc.lines, doc.total)?;
    sheet.down(GAP / 2.0);
    page::paragraphs(&mut sheet, doc.notes)?;
    sheet.finish()
}

/// The paid mark: bold capitals' size, dark green, framed, right-aligned on the title's
/// baseline, so that it is the first thing seen and survives a black-and-white print.
fn paid_mark(sheet: &mut Sheet, mark: &str, baseline: f32) {
    const SIZE: f32 = 14.0;
    const PAD: f32 = 5.0;
    if mark.is_empty() {
        return;
    }
    let width = Font::Bold.width(mark, SIZE);
    let green = || vec![Object::Real(0.0), Object::Real(0.42), Object::Real(0.2)];
    sheet.draw([
        op("q", vec![]),
        op("rg", green()),
        op("RG", green()),
        op("w", vec![Object::Real(1.5)]),
        op(
            "re",
            vec![
                Object::Real(RIGHT - width - 2.0 * PAD),
                Object::Real(baseline - PAD),
                Object::Real(width + 2.0 * PAD),
                Object::Real(SIZE + 2.0 * PAD - 2.0),
            ],
        ),
        op("S", vec![]),
    ]);
    sheet.text(RIGHT - PAD, baseline, Font::Bold, SIZE, mark, Align::Right);
    sheet.draw([op("Q", vec![])]);
}
