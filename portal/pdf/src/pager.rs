//! Pages of one Unicode document being filled from the top ([`Pager`]), mirrored for
//! right-to-left languages: the hearing's letter and receipt, the invoice and the payment
//! receipt share it, so that every document of the office has the same footer, page numbers
//! and label/value layout.

use lopdf::content::Operation;
use lopdf::Object;

use crate::page::{op, BODY, BODY_LEADING, GAP, LEFT, PAGE, RIGHT, SMALL, SMALL_LEADING, TOP};
use crate::unicode::{Direction, Line, Typesetter, Weight};
use crate::PdfError;

/// The bottom of the footer: 15 mm.
const BOTTOM: f32 = 42.52;
/// Where the recipient's address starts: 50 mm from the top, in the window of a DIN C6/5
/// or DL envelope when the page is printed and folded.
pub(crate) const RECIPIENT_TOP: f32 = PAGE.1 - 141.73;
/// The width of the address: that window is 85 mm wide.
pub(crate) const RECIPIENT_WIDTH: f32 = 230.0;
const TITLE: f32 = 14.0;
const TITLE_LEADING: f32 = 18.0;
/// The space between a label and its value.
pub(crate) const LABEL_GAP: f32 = 12.0;
/// The room the page number ("2 / 3") takes at the end of the footer.
const NUMBER_ROOM: f32 = 50.0;

/// Pages of one document being filled from the top, mirrored for right-to-left languages.
pub(crate) struct Pager<'t, 'f> {
    pub(crate) ts: &'t mut Typesetter<'f>,
    pub(crate) dir: Direction,
    pages: Vec<Vec<Operation>>,
    /// The top of the next line box on the current page.
    pub(crate) y: f32,
    /// The lowest a line box may reach: above the footer.
    bottom: f32,
    footer: Vec<Line>,
}

impl<'t, 'f> Pager<'t, 'f> {
    pub(crate) fn new(ts: &'t mut Typesetter<'f>, dir: Direction, footer: &[String]) -> Self {
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

    pub(crate) fn down(&mut self, by: f32) {
        self.y -= by;
    }

    /// Starts a new page unless `height` points still fit on this one; a block taller than
    /// an empty page is refused with `what`. Returns whether a page was started.
    pub(crate) fn keep(&mut self, height: f32, what: &'static str) -> Result<bool, PdfError> {
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

    pub(crate) fn draw(&mut self, ops: Vec<Operation>) {
        if let Some(page) = self.pages.last_mut() {
            page.extend(ops);
        }
    }

    /// The span from `from` to `to` points away from the edge lines start at, in page space.
    pub(crate) fn span(&self, from: f32, to: f32) -> (f32, f32) {
        match self.dir {
            Direction::Ltr => (LEFT + from, LEFT + to),
            Direction::Rtl => (RIGHT - to, RIGHT - from),
        }
    }

    /// `line` in the column `x0`..`x1`, at its left end or, right-to-left, at its right end.
    pub(crate) fn put(&mut self, line: &Line, x0: f32, x1: f32, baseline: f32) {
        let x = match self.dir {
            Direction::Ltr => x0,
            Direction::Rtl => x1 - line.width,
        };
        let ops = self.ts.draw(line, x, baseline);
        self.draw(ops);
    }

    /// `line` in the column `x0`..`x1` at its end: right-aligned, or left-aligned right to
    /// left; where the amounts of a table line up.
    pub(crate) fn put_end(&mut self, line: &Line, x0: f32, x1: f32, baseline: f32) {
        let x = match self.dir {
            Direction::Ltr => x1 - line.width,
            Direction::Rtl => x0,
        };
        let ops = self.ts.draw(line, x, baseline);
        self.draw(ops);
    }

    /// `line` centred in the column `x0`..`x1`.
    pub(crate) fn put_center(&mut self, line: &Line, x0: f32, x1: f32, baseline: f32) {
        let ops = self
            .ts
            .draw(line, x0 + (x1 - x0 - line.width) / 2.0, baseline);
        self.draw(ops);
    }

    /// The authority's name in bold, the other lines below it.
    pub(crate) fn letterhead(&mut self, lines: &[String]) {
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

    pub(crate) fn title(&mut self, text: &str) -> Result<(), PdfError> {
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
    pub(crate) fn paragraph(
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
    pub(crate) fn facts(&mut self, rows: &[(String, String)]) -> Result<(), PdfError> {
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
    /// The pages with the footer and, on documents of more than one page, the page number.
    pub(crate) fn finish(self) -> Vec<Vec<Operation>> {
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
                    ops.extend(rule(LEFT, RIGHT, top + 4.0, 0.5));
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

pub(crate) fn rule(x0: f32, x1: f32, y: f32, width: f32) -> Vec<Operation> {
    vec![
        op("q", vec![]),
        op("w", vec![Object::Real(width)]),
        op("m", vec![Object::Real(x0), Object::Real(y)]),
        op("l", vec![Object::Real(x1), Object::Real(y)]),
        op("S", vec![]),
        op("Q", vec![]),
    ]
}
