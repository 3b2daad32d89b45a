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
use lopdf::Object;

use crate::page::{op, BODY, BODY_LEADING, GAP, LEFT, PAGE, RIGHT, SMALL, SMALL_LEADING, TOP};
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

/// The bottom of the footer: 15 mm.
const BOTTOM: f32 = 42.52;
/// Where the recipient's address starts: 50 mm from the top, in the window of a DIN C6/5
/// or DL envelope when the page is printed and folded.
const RECIPIENT_TOP: f32 = PAGE.1 - 141.73;
/// The width of the address: that window is 85 mm wide.
const RECIPIENT_WIDTH: f32 = 230.0;
const TITLE: f32 = 14.0;
const TITLE_LEADING: f32 = 18.0;
/// The access code's size: read off paper and typed in, character by character.
const CODE: f32 = 20.0;
/// The QR code's printed width: 30 mm, which phone cameras read from arm's length.
const QR_WIDTH: f32 = 30.0 * 72.0 / 25.4;
/// The space between a label and its value.
const LABEL_GAP: f32 = 12.0;
/// The room the page number ("2 / 3") takes at the end of the footer.
const NUMBER_ROOM: f32 = 50.0;

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

/// Pages of one document being filled from the top, mirrored for right-to-left languages.
struct Pager<'t, 'f> {
    ts: &'t mut Typesetter<'f>,
    dir: Direction,
    pages: Vec<Vec<Operation>>,
    /// The top of the next line box on the current page.
    y: f32,
    /// The lowest a line box may reach: above the footer.
    bottom: f32,
    footer: Vec<Line>,
}

impl<'t, 'f> Pager<'t, 'f> {
    fn new(ts: &'t mut Typesetter<'f>, dir: Direction, footer: &[String]) -> Self {
        let footer: Vec<Line> = footer
            .iter()
            .flat_map(|line| {
                ts.wrap(
                    line,
                    Weight::Regular,
                    SMALL,
                    RIGHT - LEFT - NUMBER_ROOM,
                    dir,
                )
            })
            .collect();
        let bottom = BOTTOM + SMALL_LEADING * footer.len().max(1) as f32 + GAP;
        Pager {
            ts,
            dir,
            pages: vec![Vec::new()],
            y: TOP,
            bottom,
            footer,
        }
    }

    fn down(&mut self, by: f32) {
        self.y -= by;
    }

    /// Starts a new page unless `height` points still fit on this one; a block taller than
    /// an empty page is refused with `what`. Returns whether a page was started.
    fn keep(&mut self, height: f32, what: &'static str) -> Result<bool, PdfError> {
        if height > TOP - self.bottom {
            return Err(PdfError::Content(what));
        }
        if self.y - height >= self.bottom {
            return Ok(false);
        }
        self.pages.push(Vec::new());
        self.y = TOP;
        Ok(true)
    }

    fn draw(&mut self, ops: Vec<Operation>) {
        if let Some(page) = self.pages.last_mut() {
            page.extend(ops);
        }
    }

    /// The span from `from` to `to` points away from the edge lines start at, in page space.
    fn span(&self, from: f32, to: f32) -> (f32, f32) {
        match self.dir {
            Direction::Ltr => (LEFT + from, LEFT + to),
            Direction::Rtl => (RIGHT - to, RIGHT - from),
        }
    }

    /// `line` in the column `x0`..`x1`, at its left end or, right-to-left, at its right end.
    fn put(&mut self, line: &Line, x0: f32, x1: f32, baseline: f32) {
        let x = match self.dir {
            Direction::Ltr => x0,
            Direction::Rtl => x1 - line.width,
        };
        let ops = self.ts.draw(line, x, baseline);
        self.draw(ops);
    }

    /// The authority's name in bold, the other lines below it.
    fn letterhead(&mut self, lines: &[String]) {
        for (index, text) in lines.iter().enumerate() {
            let (weight, size, leading) = if index == 0 {
                (Weight::Bold, 12.0, 15.0)
            } else {
                (Weight::Regular, BODY, BODY_LEADING)
            };
            for line in self.ts.wrap(text, weight, size, RIGHT - LEFT, self.dir) {
                let baseline = self.y - size;
                self.put(&line, LEFT, RIGHT, baseline);
                self.down(leading);
            }
        }
    }

    fn title(&mut self, text: &str) -> Result<(), PdfError> {
        let lines = self
            .ts
            .wrap(text, Weight::Bold, TITLE, RIGHT - LEFT, self.dir);
        // The title stays with the first lines of what it introduces.
        self.keep(
            lines.len() as f32 * TITLE_LEADING + 3.0 * BODY_LEADING,
            "the title is taller than a page",
        )?;
        for line in &lines {
            let baseline = self.y - TITLE;
            self.put(line, LEFT, RIGHT, baseline);
            self.down(TITLE_LEADING);
        }
        self.down(GAP / 2.0);
        Ok(())
    }

    /// A paragraph across the full width, breaking pages between lines.
    fn paragraph(
        &mut self,
        text: &str,
        weight: Weight,
        size: f32,
        leading: f32,
    ) -> Result<(), PdfError> {
        for line in self.ts.wrap(text, weight, size, RIGHT - LEFT, self.dir) {
            self.keep(leading, "a line is taller than a page")?;
            let baseline = self.y - size;
            self.put(&line, LEFT, RIGHT, baseline);
            self.down(leading);
        }
        Ok(())
    }

    /// Label/value rows: labels in regular, values in bold, each wrapped in its column; the
    /// label column is as wide as the widest label, at most 40 % of the width. A row is kept
    /// on one page when it is short; a long one (a statement) breaks between lines.
    fn facts(&mut self, rows: &[(String, String)]) -> Result<(), PdfError> {
        let width = RIGHT - LEFT;
        let widest = rows
            .iter()
            .map(|(label, _)| self.ts.width(label, Weight::Regular, BODY))
            .fold(0.0, f32::max);
        let label_width = (widest + LABEL_GAP).min(width * 0.4);
        let (label_x0, label_x1) = self.span(0.0, label_width - LABEL_GAP);
        let (value_x0, value_x1) = self.span(label_width, width);
        for (label, value) in rows {
            let labels = self.ts.wrap(
                label,
                Weight::Regular,
                BODY,
                label_width - LABEL_GAP,
                self.dir,
            );
            let values: Vec<Line> = value
                .split('\n')
                .flat_map(|part| {
                    self.ts
                        .wrap(part, Weight::Bold, BODY, width - label_width, self.dir)
                })
                .collect();
            let count = labels.len().max(values.len());
            let height = count as f32 * BODY_LEADING;
            if height <= 8.0 * BODY_LEADING {
                self.keep(height, "a fact is taller than a page")?;
            }
            for index in 0..count {
                self.keep(BODY_LEADING, "a line is taller than a page")?;
                let baseline = self.y - BODY;
                if let Some(line) = labels.get(index) {
                    self.put(line, label_x0, label_x1, baseline);
                }
                if let Some(line) = values.get(index) {
                    self.put(line, value_x0, value_x1, baseline);
                }
                self.down(BODY_LEADING);
            }
            self.down(3.0);
        }
        Ok(())
    }

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

    /// The pages with the footer and, on documents of more than one page, the page number.
    fn finish(self) -> Vec<Vec<Operation>> {
        let Pager {
            ts,
            dir,
            pages,
            footer,
            ..
        } = self;
        let count = pages.len();
        let top = BOTTOM + SMALL_LEADING * footer.len().max(1) as f32;
        pages
            .into_iter()
            .enumerate()
            .map(|(index, mut ops)| {
                if !footer.is_empty() {
                    ops.extend(rule(LEFT, RIGHT, top + 4.0));
                }
                let mut y = top;
                for line in &footer {
                    let x = match dir {
                        Direction::Ltr => LEFT,
                        Direction::Rtl => RIGHT - line.width,
                    };
                    ops.extend(ts.draw(line, x, y - SMALL));
                    y -= SMALL_LEADING;
                }
                if count > 1 {
                    // Digits and a slash read the same in every language.
                    let number = ts.line(
                        &format!("{} / {count}", index + 1),
                        Weight::Regular,
                        SMALL,
                        Direction::Ltr,
                    );
                    let x = match dir {
                        Direction::Ltr => RIGHT - number.width,
                        Direction::Rtl => LEFT,
                    };
                    ops.extend(ts.draw(&number, x, BOTTOM + SMALL_LEADING - SMALL));
                }
                ops
            })
            .collect()
    }
}

fn rule(x0: f32, x1: f32, y: f32) -> Vec<Operation> {
    vec![
        op("q", vec![]),
        op("w", vec![Object::Real(0.5)]),
        op("m", vec![Object::Real(x0), Object::Real(y)]),
        op("l", vec![Object::Real(x1), Object::Real(y)]),
        op("S", vec![]),
        op("Q", vec![]),
    ]
}
