//! The invoice (`docs/payments.md` § 3.3, step 2): letterhead, recipient, the invoice's facts
//! (number, date of issue, due date), the fee's lines and total, notes (the tax note), the
//! payment instructions and the EPC QR code ("GiroCode", § 6.2) that a banking app scans to
//! fill in the transfer.
//!
//! The caller passes every text formatted in the reader's language (amounts, dates, the IBAN
//! in groups) and the EPC payload already built and checked, so this crate knows nothing of
//! money or payments; it only sets text and draws the code.

use crate::page::{
    self, Head, InvoiceLine, Pairs, BODY, BODY_LEADING, GAP, LEFT, RIGHT, SMALL, SMALL_LEADING,
};
use crate::pager::Pager;
use crate::qr::Matrix;
use crate::unicode::{Direction, Line, Typesetter, UnicodeFonts, Weight};
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
    /// The direction of the reader's language: right to left, the layout is mirrored.
    pub direction: Direction,
}

/// The invoice as a PDF: A4, as many pages as the lines need (the table's header repeats,
/// the payment block with the QR code is never split), with DejaVu Sans embedded (subset), so
/// that text in any of the office's languages prints.
pub fn invoice_pdf(doc: &InvoiceDoc, fonts: &UnicodeFonts) -> Result<Vec<u8>, PdfError> {
    let code = doc.qr.map(|qr| Matrix::encode(qr.payload)).transpose()?;
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
        |_, _| {},
    )?;
    page::table(&mut pager, doc.columns, doc.lines, doc.total)?;
    pager.down(GAP / 2.0);
    page::paragraphs(&mut pager, doc.notes)?;
    pager.down(GAP);
    payment_block(&mut pager, doc, code.as_ref().zip(doc.qr))?;
    let pages = pager.finish();
    ts.finish(pages)
}

/// The payment instructions at the start side and the QR code at the end side, kept
/// together on one page.
fn payment_block(
    pager: &mut Pager,
    doc: &InvoiceDoc,
    code: Option<(&Matrix, Qr)>,
) -> Result<(), PdfError> {
    // The code's own quiet zone (4 modules, ~13 pt) is the gap: 16 pt more on top of it
    // wrapped a German IBAN in bold DejaVu onto a second line.
    const QR_GAP: f32 = 0.0;
    let dir = pager.dir;
    let width = RIGHT - LEFT;
    let outer = code.map(|(matrix, _)| matrix.outer()).unwrap_or(0.0);
    let pairs_width = if code.is_some() {
        width - outer - QR_GAP
    } else {
        width
    };
    let heading = if doc.payment_heading.is_empty() {
        Vec::new()
    } else {
        pager
            .ts
            .wrap(doc.payment_heading, Weight::Bold, BODY, pairs_width, dir)
    };
    let pairs = Pairs::lay(pager.ts, dir, pairs_width, doc.payment, 120.0);
    let pairs_height = heading.len() as f32 * BODY_LEADING + pairs.height();
    let (label, caption): (Option<Line>, Vec<Line>) = match code {
        Some((_, qr)) => (
            Some(pager.ts.line(qr.label, Weight::Bold, SMALL, dir)),
            if qr.caption.is_empty() {
                Vec::new()
            } else {
                pager
                    .ts
                    .wrap(qr.caption, Weight::Regular, SMALL, outer, dir)
            },
        ),
        None => (None, Vec::new()),
    };
    let code_height = if code.is_some() {
        SMALL_LEADING + outer + caption.len() as f32 * SMALL_LEADING
    } else {
        0.0
    };
    pager.keep(
        pairs_height.max(code_height),
        "the payment instructions and the QR code are taller than a page",
    )?;

    let top = pager.y;
    let (x0, x1) = pager.span(0.0, pairs_width);
    for line in &heading {
        let baseline = pager.y - BODY;
        pager.put(line, x0, x1, baseline);
        pager.down(BODY_LEADING);
    }
    pairs.draw(pager, x0, x1);
    let below_pairs = pager.y;

    if let Some(((matrix, _), label)) = code.zip(label) {
        let (x0, x1) = pager.span(width - outer, width);
        pager.y = top;
        // The label sits above the quiet zone, which stays free of any mark.
        pager.put_center(&label, x0, x1, top - SMALL);
        pager.down(SMALL_LEADING);
        let ops = matrix.draw(x0, pager.y);
        pager.draw(ops);
        pager.down(outer);
        for line in &caption {
            let baseline = pager.y - SMALL;
            pager.put_center(line, x0, x1, baseline);
            pager.down(SMALL_LEADING);
        }
    }
    pager.y = below_pairs.min(pager.y);
    Ok(())
}
