//! The receipt (`docs/payments.md` § 1.1, step 7): made when a payment becomes paid, with the
//! office, the payment's facts (payment id, date paid, way of payment, the provider's
//! reference), the lines and total, and a mark that says the amount is paid.
//!
//! Like the invoice it is built from text the caller formatted, and from nothing else (no
//! clock): the same stored data gives the same bytes, so a lost receipt can be made again.

use lopdf::Object;

use crate::page::{self, op, Head, InvoiceLine, GAP, LEFT, RIGHT};
use crate::pager::Pager;
use crate::unicode::{Direction, Typesetter, UnicodeFonts, Weight};
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
    /// The direction of the reader's language: right to left, the layout is mirrored.
    pub direction: Direction,
}

/// The receipt as a PDF: A4, as many pages as the lines need, with DejaVu Sans embedded
/// (subset), so that text in any of the office's languages prints.
pub fn receipt_pdf(doc: &ReceiptDoc, fonts: &UnicodeFonts) -> Result<Vec<u8>, PdfError> {
    let mut ts = Typesetter::new(fonts)?;
    let mut pager = Pager::new(&mut ts, doc.direction, doc.footer);
    page::head(
        &mut pager,
        &Head {
            letterhead: doc.letterhead,
            contact: doc.contact,
            recipient: doc.recipient,
            facts: doc.facts,
            title: doc.title,
        },
        |pager, baseline| paid_mark(pager, doc.paid_mark, baseline),
    )?;
    page::table(&mut pager, doc.columns, doc.lines, doc.total)?;
    pager.down(GAP / 2.0);
    page::paragraphs(&mut pager, doc.notes)?;
    let pages = pager.finish();
    ts.finish(pages)
}

/// The paid mark: bold, dark green, framed, at the end of the title's line (the right, or
/// the left right to left), so that it is the first thing seen and survives a
/// black-and-white print.
fn paid_mark(pager: &mut Pager, mark: &str, baseline: f32) {
    const SIZE: f32 = 14.0;
    const PAD: f32 = 5.0;
    if mark.is_empty() {
        return;
    }
    let line = pager.ts.line(mark, Weight::Bold, SIZE, pager.dir);
    let frame_x = match pager.dir {
        Direction::Ltr => RIGHT - line.width - 2.0 * PAD,
        Direction::Rtl => LEFT,
    };
    let green = || vec![Object::Real(0.0), Object::Real(0.42), Object::Real(0.2)];
    pager.draw(vec![
        op("q", vec![]),
        op("rg", green()),
        op("RG", green()),
        op("w", vec![Object::Real(1.5)]),
        op(
            "re",
            vec![
                Object::Real(frame_x),
                Object::Real(baseline - PAD),
                Object::Real(line.width + 2.0 * PAD),
                Object::Real(SIZE + 2.0 * PAD - 2.0),
            ],
        ),
        op("S", vec![]),
    ]);
    let ops = pager.ts.draw(&line, frame_x + PAD, baseline);
    pager.draw(ops);
    pager.draw(vec![op("Q", vec![])]);
}
