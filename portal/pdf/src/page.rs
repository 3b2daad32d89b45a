//! The page layout the invoice and the receipt share, on a [`Pager`]: the head (letterhead,
//! contact, recipient, facts, title), the table of lines with its total, notes, and
//! label/value rows. Right to left, the layout is mirrored: labels and the table's first
//! column at the right, amounts at the left, but amounts, IBANs and references keep their
//! own left-to-right order.
//!
//! Everything is positioned in points, in page space (origin bottom left, y up).

use lopdf::content::Operation;
use lopdf::Object;

use crate::pager::{rule, Pager, LABEL_GAP, RECIPIENT_TOP, RECIPIENT_WIDTH};
use crate::unicode::{Direction, Line, Typesetter, Weight};
use crate::PdfError;

/// A4 in points.
pub(crate) const PAGE: (f32, f32) = (595.28, 841.89);
/// The left edge of the text: 25 mm, as DIN 5008 has it for business letters.
pub(crate) const LEFT: f32 = 70.87;
/// The right edge of the text: 20 mm from the paper's edge.
pub(crate) const RIGHT: f32 = PAGE.0 - 56.69;
/// The top of the first line: 15 mm from the paper's edge.
pub(crate) const TOP: f32 = PAGE.1 - 42.52;
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
/// The invoice's and receipt's title, one line.
const TITLE: f32 = 16.0;
/// The total under the table.
const TOTAL: f32 = 11.0;
/// Where the facts (number, dates) start, right of the address.
const FACTS_X: f32 = LEFT + RECIPIENT_WIDTH + 20.0;

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

/// The block the invoice and the receipt start with, on their first page.
pub(crate) struct Head<'a> {
    pub(crate) letterhead: &'a [String],
    pub(crate) contact: &'a [String],
    pub(crate) recipient: &'a [String],
    pub(crate) facts: &'a [(String, String)],
    pub(crate) title: &'a str,
}

/// Draws the letterhead (at the start side) and contact lines (at the end side), the
/// recipient and the facts beside it, and the title; `beside_title` draws something on the
/// title's line at the end side (the receipt's paid mark) given the title's baseline. Leaves
/// the cursor below.
pub(crate) fn head(
    pager: &mut Pager,
    head: &Head,
    beside_title: impl FnOnce(&mut Pager, f32),
) -> Result<(), PdfError> {
    let width = RIGHT - LEFT;
    let dir = pager.dir;
    let top = pager.y;
    let (x0, x1) = pager.span(0.0, width * 0.58);
    for (index, text) in head.letterhead.iter().enumerate() {
        // The authority's name, the first line, stands out.
        let (weight, size, leading) = if index == 0 {
            (Weight::Bold, 12.0, 15.0)
        } else {
            (Weight::Regular, BODY, BODY_LEADING)
        };
        for line in pager.ts.wrap(text, weight, size, width * 0.58, dir) {
            let baseline = pager.y - size;
            pager.put(&line, x0, x1, baseline);
            pager.down(leading);
        }
    }
    let below_letterhead = pager.y;

    pager.y = top;
    let (x0, x1) = pager.span(width * 0.62, width);
    for text in head.contact {
        for line in pager
            .ts
            .wrap(text, Weight::Regular, SMALL, width * 0.38, dir)
        {
            let baseline = pager.y - SMALL;
            pager.put_end(&line, x0, x1, baseline);
            pager.down(SMALL_LEADING);
        }
    }
    let below_top = below_letterhead.min(pager.y);

    // The address stays in the envelope's window on the left in either direction; each of
    // its lines takes its own direction (an Arabic name, a German postal address).
    let block_top = RECIPIENT_TOP.min(below_top - 2.0 * GAP);
    pager.y = block_top;
    let recipient: Vec<Line> = head
        .recipient
        .iter()
        .flat_map(|text| {
            pager
                .ts
                .wrap_auto(text, Weight::Regular, BODY, RECIPIENT_WIDTH)
        })
        .collect();
    for line in &recipient {
        let baseline = pager.y - BODY;
        pager.put(line, LEFT, LEFT + RECIPIENT_WIDTH, baseline);
        pager.down(BODY_LEADING);
    }
    let below_recipient = pager.y;
    pager.y = block_top;
    Pairs::lay(pager.ts, dir, RIGHT - FACTS_X, head.facts, 125.0).draw(pager, FACTS_X, RIGHT);
    let below = below_recipient.min(pager.y);

    // The head is drawn on the first page and must end there, with room for the title.
    pager.y = below - 2.0 * GAP;
    if pager.keep(TITLE * 1.5, "the head does not fit on the first page")? {
        return Err(PdfError::Content(
            "the letterhead, recipient and facts do not fit on the first page",
        ));
    }
    let baseline = pager.y - TITLE;
    let title = pager.ts.line(head.title, Weight::Bold, TITLE, dir);
    pager.put(&title, LEFT, RIGHT, baseline);
    beside_title(pager, baseline);
    pager.down(TITLE * 1.5 + GAP);
    Ok(())
}

/// Label/value rows laid out for a column `width` points wide: labels in regular in the
/// document's direction, values in bold each in its own (an IBAN stays left to right in an
/// Arabic invoice); the label column is as wide as the widest label, up to `max_label` and
/// 55 % of the width.
pub(crate) struct Pairs {
    label_width: f32,
    rows: Vec<(Vec<Line>, Vec<Line>)>,
}

impl Pairs {
    pub(crate) fn lay(
        ts: &Typesetter,
        dir: Direction,
        width: f32,
        rows: &[(String, String)],
        max_label: f32,
    ) -> Self {
        let widest = rows
            .iter()
            .map(|(label, _)| ts.width(label, Weight::Regular, BODY))
            .fold(0.0, f32::max);
        // A little over half the column: DejaVu is wide, and a German label such as
        // "Rechnungsnummer" beside the address would otherwise be cut.
        let label_width = (widest + LABEL_GAP).min(max_label).min(width * 0.55);
        let rows = rows
            .iter()
            .map(|(label, value)| {
                (
                    ts.wrap(label, Weight::Regular, BODY, label_width - LABEL_GAP, dir),
                    ts.wrap_auto(value, Weight::Bold, BODY, width - label_width),
                )
            })
            .collect();
        Pairs { label_width, rows }
    }

    /// The height [`Self::draw`] takes.
    pub(crate) fn height(&self) -> f32 {
        self.rows
            .iter()
            .map(|(labels, values)| labels.len().max(values.len()) as f32 * BODY_LEADING + 2.0)
            .sum()
    }

    /// Draws the rows from the cursor down between `x0` and `x1`, labels at the start side.
    /// Does not break pages: callers keep the block together with [`Self::height`].
    pub(crate) fn draw(self, pager: &mut Pager, x0: f32, x1: f32) {
        let ((l0, l1), (v0, v1)) = match pager.dir {
            Direction::Ltr => (
                (x0, x0 + self.label_width - LABEL_GAP),
                (x0 + self.label_width, x1),
            ),
            Direction::Rtl => (
                (x1 - self.label_width + LABEL_GAP, x1),
                (x0, x1 - self.label_width),
            ),
        };
        for (labels, values) in &self.rows {
            let top = pager.y;
            for (index, line) in labels.iter().enumerate() {
                pager.put(line, l0, l1, top - BODY - index as f32 * BODY_LEADING);
            }
            for (index, line) in values.iter().enumerate() {
                pager.put(line, v0, v1, top - BODY - index as f32 * BODY_LEADING);
            }
            pager.y = top - labels.len().max(values.len()) as f32 * BODY_LEADING - 2.0;
        }
    }
}

/// The table of lines: a header row (repeated on every page the table continues on), the
/// rows, and the total under a rule. Quantities and amounts are aligned at their columns'
/// end in columns as wide as their widest entry; the description takes the rest and wraps.
pub(crate) fn table(
    pager: &mut Pager,
    columns: [&str; 4],
    lines: &[InvoiceLine],
    total: (&str, &str),
) -> Result<(), PdfError> {
    let dir = pager.dir;
    let ts = &*pager.ts;
    let width = RIGHT - LEFT;
    let header: Vec<Line> = [columns[0], columns[2], columns[3]]
        .iter()
        .map(|text| ts.line(text, Weight::Bold, BODY, dir))
        .collect();
    // Numbers and amounts each in their own direction, so "29,00 €" reads the same in
    // every language.
    let cells: Vec<[Line; 3]> = lines
        .iter()
        .map(|l| {
            [&l.quantity, &l.unit, &l.amount].map(|text| ts.line_auto(text, Weight::Regular, BODY))
        })
        .collect();
    let total_label = ts.line(total.0, Weight::Bold, TOTAL, dir);
    let total_amount = ts.line_auto(total.1, Weight::Bold, TOTAL);
    let widest = |column: usize| {
        cells
            .iter()
            .map(|row| row[column].width)
            .fold(header[column].width, f32::max)
    };
    let quantity_width = widest(0);
    let unit_width = widest(1);
    let amount_width = widest(2).max(total_amount.width);
    // Offsets from the start edge; mirrored right to left by the pager's span.
    let description_from = quantity_width + GUTTER;
    let amount_from = width - amount_width;
    let unit_to = amount_from - GUTTER;
    let unit_from = unit_to - unit_width;
    let description_width = unit_from - GUTTER - description_from;
    if description_width < MIN_DESCRIPTION {
        return Err(PdfError::Content(
            "the quantities and amounts leave too little room for the descriptions",
        ));
    }
    let header_description = ts.wrap(columns[1], Weight::Bold, BODY, description_width, dir);
    let descriptions: Vec<Vec<Line>> = lines
        .iter()
        .map(|l| {
            ts.wrap(
                &l.description,
                Weight::Regular,
                BODY,
                description_width,
                dir,
            )
        })
        .collect();
    let quantity = pager.span(0.0, quantity_width);
    let description = pager.span(description_from, description_from + description_width);
    let unit = pager.span(unit_from, unit_to);
    let amount = pager.span(amount_from, width);

    let header_height = header_description.len() as f32 * BODY_LEADING + 6.0;
    let draw_header = |pager: &mut Pager| {
        let baseline = pager.y - BODY;
        for (line, (x0, x1)) in header.iter().zip([quantity, unit, amount]) {
            pager.put_end(line, x0, x1, baseline);
        }
        for line in &header_description {
            let baseline = pager.y - BODY;
            pager.put(line, description.0, description.1, baseline);
            pager.down(BODY_LEADING);
        }
        let y = pager.y - 1.0;
        pager.draw(rule(LEFT, RIGHT, y, 0.75));
        pager.down(5.0);
    };

    // The header and the first row start on the same page.
    let first = descriptions.first().map(|d| row_height(d)).unwrap_or(0.0);
    pager.keep(
        header_height + first,
        "the table's header is taller than a page",
    )?;
    draw_header(pager);
    for (row, description_lines) in cells.iter().zip(&descriptions) {
        let height = row_height(description_lines);
        if pager.keep(height, "an invoice line is taller than a page")? {
            draw_header(pager);
        }
        let top = pager.y;
        for (line, (x0, x1)) in row.iter().zip([quantity, unit, amount]) {
            pager.put_end(line, x0, x1, top - BODY);
        }
        for (index, line) in description_lines.iter().enumerate() {
            let baseline = top - BODY - index as f32 * BODY_LEADING;
            pager.put(line, description.0, description.1, baseline);
        }
        pager.y = top - height;
    }

    pager.keep(TOTAL * 2.0 + 6.0, "the total is taller than a page")?;
    let y = pager.y - 1.0;
    pager.draw(rule(LEFT, RIGHT, y, 0.75));
    pager.down(6.0);
    let baseline = pager.y - TOTAL;
    pager.put_end(&total_label, unit.0, unit.1, baseline);
    pager.put_end(&total_amount, amount.0, amount.1, baseline);
    pager.down(TOTAL * 1.6);
    Ok(())
}

/// A table row's height: its description lines and a little air below.
fn row_height(description: &[Line]) -> f32 {
    description.len().max(1) as f32 * BODY_LEADING + 3.0
}

/// Wrapped paragraphs in the small size across the full width, breaking pages between
/// lines.
pub(crate) fn paragraphs(pager: &mut Pager, texts: &[String]) -> Result<(), PdfError> {
    for text in texts {
        pager.paragraph(text, Weight::Regular, SMALL, SMALL_LEADING)?;
        pager.down(3.0);
    }
    Ok(())
}

pub(crate) fn op(operator: &str, operands: Vec<Object>) -> Operation {
    Operation::new(operator, operands)
}
