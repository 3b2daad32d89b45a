//! The page layout the invoice and the receipt share: A4 pages filled from the top, a footer
//! on every page, the letterhead block, and the table of lines with its total.
//!
//! A [`Sheet`] is a cursor over pages: blocks are measured first (text is wrapped with the
//! fonts' real widths), then drawn where they fit; a block that does not fit in what is left
//! of a page starts the next one. Everything is positioned in points, in page space (origin
//! bottom left, y up).

use lopdf::content::{Content, Operation};
use lopdf::{dictionary, Document, Object, Stream, StringFormat};

use crate::font::{self, win_ansi, Font};
use crate::PdfError;

/// A4 in points.
pub(crate) const PAGE: (f32, f32) = (595.28, 841.89);
/// The left edge of the text: 25 mm, as DIN 5008 has it for business letters.
pub(crate) const LEFT: f32 = 70.87;
/// The right edge of the text: 20 mm from the paper's edge.
pub(crate) const RIGHT: f32 = PAGE.0 - 56.69;
/// The top of the first line: 15 mm from the paper's edge.
pub(crate) const TOP: f32 = PAGE.1 - 42.52;
/// The bottom of the footer: 15 mm.
const BOTTOM: f32 = 42.52;
/// Body text.
pub(crate) const BODY: f32 = 10.0;
pub(crate) const BODY_LEADING: f32 = 13.0;
/// Contact lines, notes, the footer: the smallest size used anywhere.
pub(crate) const SMALL: f32 = 9.0;
pub(crate) const SMALL_LEADING: f32 = 11.5;
/// The space between blocks.
pub(crate) const GAP: f32 = 16.0;
/// The space between two table columns.
const GUTTER: f32 = 14.0;
/// The narrowest description column that still reads as one.
const MIN_DESCRIPTION: f32 = 100.0;

/// Where a text's `x` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    /// `x` is the start of the text.
    Left,
    /// `x` is the end of the text.
    Right,
    /// `x` is the middle of the text.
    Center,
}

/// One row of an invoice or a receipt: what was charged, formatted by the caller in the
/// reader's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceLine {
    /// How many, e.g. "2".
    pub quantity: String,
    /// What, e.g. "Beglaubigte Kopie"; long text wraps within its column.
    pub description: String,
    /// The price of one, e.g. "5,00 €".
    pub unit: String,
    /// The row's amount, e.g. "10,00 €".
    pub amount: String,
}

/// Pages being filled from the top.
pub(crate) struct Sheet {
    pages: Vec<Vec<Operation>>,
    /// The top of the next line box on the current page.
    y: f32,
    /// The lowest a line box may reach: above the footer.
    bottom: f32,
    /// The footer, already wrapped.
    footer: Vec<String>,
}

impl Sheet {
    /// One empty page; `footer` is repeated at the bottom of every page.
    pub(crate) fn new(footer: &[String]) -> Self {
        // The page number ("2 / 3") sits at the footer's right end: the lines keep clear.
        let width = RIGHT - LEFT - 50.0;
        let footer: Vec<String> = footer
            .iter()
            .flat_map(|line| Font::Regular.wrap(line, SMALL, width))
            .collect();
        let bottom = BOTTOM + SMALL_LEADING * footer.len().max(1) as f32 + GAP;
        Sheet {
            pages: vec![Vec::new()],
            y: TOP,
            bottom,
            footer,
        }
    }

    /// The top of the next line box.
    pub(crate) fn y(&self) -> f32 {
        self.y
    }

    /// Moves the cursor down by `by` points.
    pub(crate) fn down(&mut self, by: f32) {
        self.y -= by;
    }

    /// Sets the cursor (within the current page).
    pub(crate) fn set_y(&mut self, y: f32) {
        self.y = y;
    }

    /// Starts a new page, unless a block of `height` points still fits on this one. A block
    /// taller than an empty page can never fit and is refused with `what`.
    /// Returns whether a page was started.
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

    /// Appends operators to the current page.
    pub(crate) fn draw(&mut self, ops: impl IntoIterator<Item = Operation>) {
        if let Some(page) = self.pages.last_mut() {
            page.extend(ops);
        }
    }

    /// One line of text with its baseline at `baseline`.
    pub(crate) fn text(
        &mut self,
        x: f32,
        baseline: f32,
        font: Font,
        size: f32,
        text: &str,
        align: Align,
    ) {
        self.draw(text_ops(x, baseline, font, size, text, align));
    }

    /// Lines of text from the cursor down, `leading` apart; moves the cursor below them.
    pub(crate) fn lines(
        &mut self,
        x: f32,
        lines: &[String],
        font: Font,
        size: f32,
        leading: f32,
        align: Align,
    ) {
        for line in lines {
            self.text(x, self.y - size, font, size, line, align);
            self.y -= leading;
        }
    }

    /// A horizontal line from `x0` to `x1` at `y`.
    pub(crate) fn rule(&mut self, x0: f32, x1: f32, y: f32, width: f32) {
        self.draw(rule_ops(x0, x1, y, width));
    }

    /// The finished document: the footer and, on documents of more than one page, the page
    /// number on every page.
    pub(crate) fn finish(mut self) -> Result<Vec<u8>, PdfError> {
        let count = self.pages.len();
        let footer = std::mem::take(&mut self.footer);
        let mut doc = Document::with_version("1.7");
        let pages_id = doc.new_object_id();
        let fonts = doc.add_object(font::resources());
        let mut kids = Vec::with_capacity(count);
        for (index, mut ops) in std::mem::take(&mut self.pages).into_iter().enumerate() {
            let top = BOTTOM + SMALL_LEADING * footer.len().max(1) as f32;
            if !footer.is_empty() {
                ops.extend(rule_ops(LEFT, RIGHT, top + 4.0, 0.5));
            }
            let mut y = top;
            for line in &footer {
                ops.extend(text_ops(
                    LEFT,
                    y - SMALL,
                    Font::Regular,
                    SMALL,
                    line,
                    Align::Left,
                ));
                y -= SMALL_LEADING;
            }
            if count > 1 {
                // Digits and a slash read the same in every language.
                let number = format!("{} / {count}", index + 1);
                ops.extend(text_ops(
                    RIGHT,
                    BOTTOM + SMALL_LEADING - SMALL,
                    Font::Regular,
                    SMALL,
                    &number,
                    Align::Right,
                ));
            }
            let mut stream = Stream::new(dictionary! {}, Content { operations: ops }.encode()?);
            stream.compress()?;
            let contents = doc.add_object(stream);
            let media_box: Vec<Object> = vec![
                0.into(),
                0.into(),
                Object::Real(PAGE.0),
                Object::Real(PAGE.1),
            ];
            let page = doc.add_object(dictionary! {
                "Type" => "Page",
                "Parent" => pages_id,
                "MediaBox" => media_box,
                "Resources" => dictionary! { "Font" => fonts },
                "Contents" => contents,
            });
            kids.push(Object::from(page));
        }
        doc.objects.insert(
            pages_id,
            Object::Dictionary(dictionary! {
                "Type" => "Pages",
                "Kids" => kids,
                "Count" => count as i64,
            }),
        );
        let catalog = doc.add_object(dictionary! {
            "Type" => "Catalog",
            "Pages" => pages_id,
        });
        doc.trailer.set("Root", catalog);
        let mut out = Vec::new();
        doc.save_to(&mut out).map_err(lopdf::Error::from)?;
        Ok(out)
    }
}

/// The block every document of the office starts with, on its first page.
pub(crate) struct Head<'a> {
    pub(crate) letterhead: &'a [String],
    pub(crate) contact: &'a [String],
    pub(crate) recipient: &'a [String],
    pub(crate) facts: &'a [(String, String)],
    pub(crate) title: &'a str,
}

/// Where the recipient's address starts: 50 mm from the top, in the window of a DIN C6/5
/// or DL envelope when the page is printed and folded.
const RECIPIENT_TOP: f32 = PAGE.1 - 141.73;
/// The width of the address: that window is 85 mm wide.
const RECIPIENT_WIDTH: f32 = 230.0;
/// Where the facts (number, dates) start, right of the address.
const FACTS_X: f32 = LEFT + RECIPIENT_WIDTH + 20.0;
const TITLE: f32 = 16.0;

/// Draws the letterhead (top left) and contact lines (top right), the recipient and the
/// facts beside it, and the title; `beside_title` draws something on the title's line at the
/// right (the receipt's paid mark) given the title's baseline. Leaves the cursor below.
pub(crate) fn head(
    sheet: &mut Sheet,
    head: &Head,
    beside_title: impl FnOnce(&mut Sheet, f32),
) -> Result<(), PdfError> {
    let width = RIGHT - LEFT;
    let mut letterhead = Vec::new();
    for (index, line) in head.letterhead.iter().enumerate() {
        // The authority's name, the first line, stands out.
        let (font, size, leading) = if index == 0 {
            (Font::Bold, 12.0, 15.0)
        } else {
            (Font::Regular, BODY, BODY_LEADING)
        };
        for part in font.wrap(line, size, width * 0.58) {
            letterhead.push((part, font, size, leading));
        }
    }
    let contact: Vec<String> = head
        .contact
        .iter()
        .flat_map(|line| Font::Regular.wrap(line, SMALL, width * 0.38))
        .collect();

    let top = sheet.y();
    for (line, font, size, leading) in &letterhead {
        sheet.text(LEFT, sheet.y() - size, *font, *size, line, Align::Left);
        sheet.down(*leading);
    }
    let below_letterhead = sheet.y();
    sheet.set_y(top);
    sheet.lines(
        RIGHT,
        &contact,
        Font::Regular,
        SMALL,
        SMALL_LEADING,
        Align::Right,
    );
    let below_top = below_letterhead.min(sheet.y());

    let recipient: Vec<String> = head
        .recipient
        .iter()
        .flat_map(|line| Font::Regular.wrap(line, BODY, RECIPIENT_WIDTH))
        .collect();
    let block_top = RECIPIENT_TOP.min(below_top - 2.0 * GAP);
    sheet.set_y(block_top);
    sheet.lines(
        LEFT,
        &recipient,
        Font::Regular,
        BODY,
        BODY_LEADING,
        Align::Left,
    );
    let below_recipient = sheet.y();
    sheet.set_y(block_top);
    pairs(sheet, FACTS_X, RIGHT, head.facts, BODY, BODY_LEADING, 110.0);
    let below = below_recipient.min(sheet.y());

    // The head is drawn on the first page and must end there, with room for the title.
    sheet.set_y(below - 2.0 * GAP);
    if sheet.keep(TITLE * 1.5, "the head does not fit on the first page")? {
        return Err(PdfError::Content(
            "the letterhead, recipient and facts do not fit on the first page",
        ));
    }
    let baseline = sheet.y() - TITLE;
    sheet.text(LEFT, baseline, Font::Bold, TITLE, head.title, Align::Left);
    beside_title(sheet, baseline);
    sheet.down(TITLE * 1.5 + GAP);
    Ok(())
}

/// Label/value rows from the cursor down between `x0` and `x1`: labels in regular, values in
/// bold, each wrapped within its column; the label column is as wide as the widest label,
/// up to `max_label`. Leaves the cursor below. Does not break pages: callers keep the
/// block together with [`pairs_height`].
pub(crate) fn pairs(
    sheet: &mut Sheet,
    x0: f32,
    x1: f32,
    rows: &[(String, String)],
    size: f32,
    leading: f32,
    max_label: f32,
) {
    let (label_width, laid) = lay_pairs(x0, x1, rows, size, max_label);
    for (labels, values) in laid {
        let top = sheet.y();
        sheet.lines(x0, &labels, Font::Regular, size, leading, Align::Left);
        let below = sheet.y();
        sheet.set_y(top);
        sheet.lines(
            x0 + label_width,
            &values,
            Font::Bold,
            size,
            leading,
            Align::Left,
        );
        sheet.set_y(below.min(sheet.y()) - 2.0);
    }
}

/// The height [`pairs`] takes for the same arguments.
pub(crate) fn pairs_height(
    x0: f32,
    x1: f32,
    rows: &[(String, String)],
    size: f32,
    leading: f32,
    max_label: f32,
) -> f32 {
    let (_, laid) = lay_pairs(x0, x1, rows, size, max_label);
    laid.iter()
        .map(|(labels, values)| labels.len().max(values.len()) as f32 * leading + 2.0)
        .sum()
}

/// The space between a label and its value.
const LABEL_GAP: f32 = 12.0;

type LaidPairs = Vec<(Vec<String>, Vec<String>)>;

fn lay_pairs(
    x0: f32,
    x1: f32,
    rows: &[(String, String)],
    size: f32,
    max_label: f32,
) -> (f32, LaidPairs) {
    let widest_label = rows
        .iter()
        .map(|(label, _)| Font::Regular.width(label, size))
        .fold(0.0, f32::max);
    let label_width = (widest_label + LABEL_GAP)
        .min(max_label)
        .min((x1 - x0) / 2.0);
    let value_width = x1 - x0 - label_width;
    let laid = rows
        .iter()
        .map(|(label, value)| {
            (
                Font::Regular.wrap(label, size, label_width - LABEL_GAP),
                Font::Bold.wrap(value, size, value_width),
            )
        })
        .collect();
    (label_width, laid)
}

/// Wrapped paragraphs in the small size across the full width, breaking pages between
/// lines.
pub(crate) fn paragraphs(sheet: &mut Sheet, texts: &[String]) -> Result<(), PdfError> {
    for text in texts {
        for line in Font::Regular.wrap(text, SMALL, RIGHT - LEFT) {
            sheet.keep(SMALL_LEADING, "a note line is taller than a page")?;
            sheet.lines(
                LEFT,
                &[line],
                Font::Regular,
                SMALL,
                SMALL_LEADING,
                Align::Left,
            );
        }
        sheet.down(3.0);
    }
    Ok(())
}

/// The table of lines: a header row (repeated on every page the table continues on), the
/// rows, and the total under a rule. Quantities and amounts are right-aligned in columns as
/// wide as their widest entry; the description takes the rest and wraps.
pub(crate) fn table(
    sheet: &mut Sheet,
    columns: [&str; 4],
    lines: &[InvoiceLine],
    total: (&str, &str),
) -> Result<(), PdfError> {
    const TOTAL: f32 = 11.0;
    let quantity_width = widest(columns[0], lines.iter().map(|l| l.quantity.as_str()));
    let unit_width = widest(columns[2], lines.iter().map(|l| l.unit.as_str()));
    let amount_width = widest(columns[3], lines.iter().map(|l| l.amount.as_str()))
        .max(Font::Bold.width(total.1, TOTAL));
    let quantity_right = LEFT + quantity_width;
    let description_x = quantity_right + GUTTER;
    let amount_right = RIGHT;
    let unit_right = amount_right - amount_width - GUTTER;
    let description_width = unit_right - unit_width - GUTTER - description_x;
    if description_width < MIN_DESCRIPTION {
        return Err(PdfError::Content(
            "the quantities and amounts leave too little room for the descriptions",
        ));
    }

    let header_lines = Font::Bold.wrap(columns[1], BODY, description_width);
    let header_height = header_lines.len() as f32 * BODY_LEADING + 6.0;
    let header = |sheet: &mut Sheet| {
        let baseline = sheet.y() - BODY;
        sheet.text(
            quantity_right,
            baseline,
            Font::Bold,
            BODY,
            columns[0],
            Align::Right,
        );
        sheet.text(
            unit_right,
            baseline,
            Font::Bold,
            BODY,
            columns[2],
            Align::Right,
        );
        sheet.text(
            amount_right,
            baseline,
            Font::Bold,
            BODY,
            columns[3],
            Align::Right,
        );
        sheet.lines(
            description_x,
            &header_lines,
            Font::Bold,
            BODY,
            BODY_LEADING,
            Align::Left,
        );
        let y = sheet.y() - 1.0;
        sheet.rule(LEFT, RIGHT, y, 0.75);
        sheet.down(5.0);
    };

    // The header and the first row start on the same page.
    let first = lines
        .first()
        .map(|l| row_height(&Font::Regular.wrap(&l.description, BODY, description_width)))
        .unwrap_or(0.0);
    sheet.keep(
        header_height + first,
        "the table's header is taller than a page",
    )?;
    header(sheet);
    for line in lines {
        let description = Font::Regular.wrap(&line.description, BODY, description_width);
        let height = row_height(&description);
        if sheet.keep(height, "an invoice line is taller than a page")? {
            header(sheet);
        }
        let baseline = sheet.y() - BODY;
        sheet.text(
            quantity_right,
            baseline,
            Font::Regular,
            BODY,
            &line.quantity,
            Align::Right,
        );
        sheet.text(
            unit_right,
            baseline,
            Font::Regular,
            BODY,
            &line.unit,
            Align::Right,
        );
        sheet.text(
            amount_right,
            baseline,
            Font::Regular,
            BODY,
            &line.amount,
            Align::Right,
        );
        sheet.lines(
            description_x,
            &description,
            Font::Regular,
            BODY,
            BODY_LEADING,
            Align::Left,
        );
        sheet.down(height - description.len() as f32 * BODY_LEADING);
    }

    sheet.keep(TOTAL * 2.0 + 6.0, "the total is taller than a page")?;
    let y = sheet.y() - 1.0;
    sheet.rule(LEFT, RIGHT, y, 0.75);
    sheet.down(6.0);
    let baseline = sheet.y() - TOTAL;
    sheet.text(
        unit_right,
        baseline,
        Font::Bold,
        TOTAL,
        total.0,
        Align::Right,
    );
    sheet.text(
        amount_right,
        baseline,
        Font::Bold,
        TOTAL,
        total.1,
        Align::Right,
    );
    sheet.down(TOTAL * 1.6);
    Ok(())
}

/// The width of a column: its bold header or its widest cell.
fn widest<'a>(header: &str, cells: impl Iterator<Item = &'a str>) -> f32 {
    cells
        .map(|cell| Font::Regular.width(cell, BODY))
        .fold(Font::Bold.width(header, BODY), f32::max)
}

/// A table row's height: its description lines and a little air below.
fn row_height(description: &[String]) -> f32 {
    description.len() as f32 * BODY_LEADING + 3.0
}

fn text_ops(
    x: f32,
    baseline: f32,
    font: Font,
    size: f32,
    text: &str,
    align: Align,
) -> Vec<Operation> {
    let width = font.width(text, size);
    let x = match align {
        Align::Left => x,
        Align::Right => x - width,
        Align::Center => x - width / 2.0,
    };
    vec![
        op("BT", vec![]),
        op("Tf", vec![font.resource().into(), Object::Real(size)]),
        op("Td", vec![Object::Real(x), Object::Real(baseline)]),
        op(
            "Tj",
            vec![Object::String(win_ansi(text), StringFormat::Literal)],
        ),
        op("ET", vec![]),
    ]
}

fn rule_ops(x0: f32, x1: f32, y: f32, width: f32) -> Vec<Operation> {
    vec![
        op("q", vec![]),
        op("w", vec![Object::Real(width)]),
        op("m", vec![Object::Real(x0), Object::Real(y)]),
        op("l", vec![Object::Real(x1), Object::Real(y)]),
        op("S", vec![]),
        op("Q", vec![]),
    ]
}

pub(crate) fn op(operator: &str, operands: Vec<Object>) -> Operation {
    Operation::new(operator, operands)
}
