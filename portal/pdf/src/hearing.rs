//! The online hearing's two documents, in any of the office's languages (set with
//! [`UnicodeFonts`], shaped and in bidi order, right-to-left languages mirrored):
//!
//! - the letter that tells the holder of a vehicle of an offence and invites them to answer
//!   online: the facts, how to answer, the access code and a QR code of the login link;
//!   [`letters_pdf`] puts a batch of them into one print file.
//! - the receipt of an answer given online: when it came in, what was answered, the statement,
//!   a named driver, the documents uploaded.
//!
//! Every text comes in already translated and formatted; nothing here reads a clock, so the
//! same input gives the same bytes.

use lopdf::content::Operation;

use crate::page::{BODY, BODY_LEADING, GAP, LEFT, RIGHT, SMALL, SMALL_LEADING};
use crate::pager::{Pager, RECIPIENT_TOP, RECIPIENT_WIDTH};
use crate::qr::Matrix;
use crate::unicode::{Direction, Line, Typesetter, UnicodeFonts, Weight};
use crate::PdfError;

/// A hearing letter, every text in the recipient's language.
#[derive(Debug, Clone, Copy)]
pub struct LetterDoc<'a> {
    /// The authority: its name (set in bold), its address.
    pub letterhead: &'a [String],
    /// The holder's name and postal address; placed for a window envelope.
    pub recipient: &'a [String],
    /// "Anhörung im Bußgeldverfahren".
    pub title: &'a str,
    /// The paragraph under the title.
    pub intro: &'a str,
    /// Label/value rows: case number, offence, time, place, vehicle plate, legal basis,
    /// sanction and amount. A value may hold several lines separated by `\n`.
    pub facts: &'a [(String, String)],
    /// How to answer, with the address of the portal.
    pub respond: &'a str,
    /// The label over the access code, e.g. "Ihr Zugangscode".
    pub access_code_label: &'a str,
    /// The access code, printed large in a monospaced bold face, where 0 and O, 1 and l
    /// differ and the characters can be counted.
    pub access_code: &'a str,
    /// The login link the QR code holds, byte for byte.
    pub login_url: &'a str,
    /// A line under the QR code, e.g. "Mit dem Smartphone scannen"; may be empty.
    pub qr_caption: &'a str,
    /// The closing note: keep this letter, the code is personal.
    pub keep_note: &'a str,
    /// Lines at the bottom of every page.
    pub footer: &'a [String],
    /// The direction of the recipient's language.
    pub direction: Direction,
}

/// The receipt of an answer given online, every text in the citizen's language.
#[derive(Debug, Clone, Copy)]
pub struct HearingReceiptDoc<'a> {
    /// The authority: its name (set in bold), its address.
    pub letterhead: &'a [String],
    /// "Eingangsbestätigung".
    pub title: &'a str,
    /// The paragraph under the title.
    pub intro: &'a str,
    /// Label/value rows: received at, the kind of answer, the statement, a named driver, the
    /// documents. A value's paragraphs or list items are separated by `\n`; a value taller
    /// than a page continues on the next.
    pub facts: &'a [(String, String)],
    /// Lines at the bottom of every page.
    pub footer: &'a [String],
    /// The direction of the citizen's language.
    pub direction: Direction,
}

/// The hearing letter as a PDF: A4, with DejaVu Sans embedded (subset).
pub fn letter_pdf(doc: &LetterDoc, fonts: &UnicodeFonts) -> Result<Vec<u8>, PdfError> {
    let mut ts = Typesetter::new(fonts)?;
    let pages = lay_letter(&mut ts, doc)?;
    ts.finish(pages)
}

/// Several letters as one print file: each starts on a new page, so the pages of two letters
/// never share a sheet side; page numbers ("1 / 2") count within a letter. The fonts are
/// embedded once for all.
pub fn letters_pdf(docs: &[LetterDoc], fonts: &UnicodeFonts) -> Result<Vec<u8>, PdfError> {
    if docs.is_empty() {
        return Err(PdfError::Content("a print file needs at least one letter"));
    }
    let mut ts = Typesetter::new(fonts)?;
    let mut pages = Vec::new();
    for doc in docs {
        pages.extend(lay_letter(&mut ts, doc)?);
    }
    ts.finish(pages)
}

/// The receipt as a PDF: A4, as many pages as the statement needs.
pub fn hearing_receipt_pdf(
    doc: &HearingReceiptDoc,
    fonts: &UnicodeFonts,
) -> Result<Vec<u8>, PdfError> {
    let mut ts = Typesetter::new(fonts)?;
    let mut pager = Pager::new(&mut ts, doc.direction, doc.footer);
    pager.letterhead(doc.letterhead);
    pager.down(GAP);
    pager.title(doc.title)?;
    pager.paragraph(doc.intro, Weight::Regular, BODY, BODY_LEADING)?;
    pager.down(GAP);
    pager.facts(doc.facts)?;
    let pages = pager.finish();
    ts.finish(pages)
}

/// The access code's size: read off paper and typed in, character by character.
const CODE: f32 = 20.0;
/// The QR code's printed width: 30 mm, which phone cameras read from arm's length.
const QR_WIDTH: f32 = 30.0 * 72.0 / 25.4;

fn lay_letter(ts: &mut Typesetter, doc: &LetterDoc) -> Result<Vec<Vec<Operation>>, PdfError> {
    let code = Matrix::url(doc.login_url, QR_WIDTH)?;
    let mut pager = Pager::new(ts, doc.direction, doc.footer);
    pager.letterhead(doc.letterhead);

    // The address stays in the envelope's window on the left in either direction; within
    // it, lines align with the language, and each line takes its own direction: the name may
    // be in Arabic, the postal address is in German.
    pager.y = RECIPIENT_TOP.min(pager.y - GAP);
    let recipient: Vec<Line> = doc
        .recipient
        .iter()
        .flat_map(|line| {
            pager
                .ts
                .wrap_auto(line, Weight::Regular, BODY, RECIPIENT_WIDTH)
        })
        .collect();
    for line in &recipient {
        let baseline = pager.y - BODY;
        pager.put(line, LEFT, LEFT + RECIPIENT_WIDTH, baseline);
        pager.down(BODY_LEADING);
    }
    pager.down(2.0 * GAP);

    pager.title(doc.title)?;
    pager.paragraph(doc.intro, Weight::Regular, BODY, BODY_LEADING)?;
    pager.down(GAP / 2.0);
    pager.facts(doc.facts)?;
    pager.down(GAP / 2.0);
    pager.paragraph(doc.respond, Weight::Regular, BODY, BODY_LEADING)?;
    pager.down(GAP / 2.0);
    pager.access(
        doc.access_code_label,
        doc.access_code,
        &code,
        doc.qr_caption,
    )?;
    pager.down(GAP / 2.0);
    pager.paragraph(doc.keep_note, Weight::Regular, SMALL, SMALL_LEADING)?;
    Ok(pager.finish())
}

/// The hearing letter's own block; the rest of its layout is the pager's.
impl Pager<'_, '_> {
    /// The access code under its label at the start side, the QR code of the login link at
    /// the end side, kept together on one page.
    fn access(
        &mut self,
        label: &str,
        code_text: &str,
        qr: &Matrix,
        caption: &str,
    ) -> Result<(), PdfError> {
        let width = RIGHT - LEFT;
        let text_width = width - qr.outer() - GAP;
        let labels = self
            .ts
            .wrap(label, Weight::Regular, BODY, text_width, self.dir);
        let captions = if caption.is_empty() {
            Vec::new()
        } else {
            self.ts
                .wrap(caption, Weight::Regular, SMALL, qr.outer(), self.dir)
        };
        let text_height = labels.len() as f32 * BODY_LEADING + CODE * 1.6;
        let qr_height = qr.outer() + captions.len() as f32 * SMALL_LEADING;
        self.keep(
            text_height.max(qr_height),
            "the access code and QR code do not fit on a page",
        )?;
        let top = self.y;

        let (text_x0, text_x1) = self.span(0.0, text_width);
        for line in &labels {
            let baseline = self.y - BODY;
            self.put(line, text_x0, text_x1, baseline);
            self.down(BODY_LEADING);
        }
        // Monospaced, so that a reader can count the characters; always left to right.
        let code = self.ts.line(code_text, Weight::Mono, CODE, Direction::Ltr);
        let x = match self.dir {
            Direction::Ltr => text_x0,
            Direction::Rtl => text_x1 - code.width,
        };
        let ops = self.ts.draw(&code, x, self.y - CODE * 1.2);
        self.draw(ops);

        let (qr_x0, qr_x1) = self.span(width - qr.outer(), width);
        self.draw(qr.draw(qr_x0, top));
        let mut y = top - qr.outer();
        for line in &captions {
            // Centred under the code.
            let x = qr_x0 + (qr_x1 - qr_x0 - line.width) / 2.0;
            let ops = self.ts.draw(line, x, y - SMALL);
            self.draw(ops);
            y -= SMALL_LEADING;
        }
        self.y = (top - text_height).min(y);
        Ok(())
    }
}
