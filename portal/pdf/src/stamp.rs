//! The signature page: one A4 page appended to a document a citizen signed, with the
//! caller's (already translated) lines, the drawn signature or the TAN note, and a fixed
//! footer with the record's facts (signer, UTC time, method, SHA-256 of the document before
//! signing).
//!
//! Text is set in Helvetica, a standard font every reader has, so nothing is embedded; its
//! WinAnsi encoding covers Western European text, anything else prints as '?'. Documents in
//! other scripts need an embedded font (typst or krilla) instead.

use chrono::{DateTime, SecondsFormat, Utc};
use lopdf::content::{Content, Operation};
use lopdf::{dictionary, Object, Stream, StringFormat};

use crate::font::win_ansi;
use crate::PdfError;

/// A4 in points.
const PAGE: (f32, f32) = (595.28, 841.89);
/// About 2 cm.
const MARGIN: f32 = 56.0;
const FONT_SIZE: f32 = 11.0;
const LEADING: f32 = 15.0;
const FOOTER_SIZE: f32 = 8.0;
const FOOTER_LEADING: f32 = 11.0;
/// Characters per line at 11 pt: Helvetica averages about half an em per character, and
/// the line is the page width less the margins (483 pt).
const WRAP: usize = 85;
/// The box the drawn signature is scaled into.
const BOX: (f32, f32) = (300.0, 100.0);
/// A signature pad sends a few hundred points; far more is no signature but a way to make
/// the PDF huge.
const MAX_POINTS: usize = 20_000;

/// How the citizen signed.
#[derive(Debug, Clone, PartialEq)]
pub enum SignatureMethod {
    /// Drawn on screen: strokes of points in a unit box, (0, 0) the top left corner and
    /// (1, 1) the bottom right, as a canvas reports them (y grows downwards).
    Drawn {
        /// One polyline per pen-down; points outside the box are clamped to its edge.
        strokes: Vec<Vec<(f32, f32)>>,
    },
    /// Confirmed with a one-time code (TAN) sent to the citizen.
    Tan,
}

/// What the signature page records.
#[derive(Debug, Clone, PartialEq)]
pub struct SignatureRecord {
    /// The signer's name as the case knows it.
    pub signer: String,
    /// When the signature was given.
    pub at: DateTime<Utc>,
    /// How it was given.
    pub method: SignatureMethod,
    /// SHA-256 of the document before the page was appended, 64 hex digits (see
    /// [`crate::sha256_hex`]).
    pub sha256_before: String,
    /// The page's text in the citizen's language, one entry per line (long lines wrap),
    /// e.g. "Signed by: …".
    pub lines: Vec<String>,
}

/// Appends the signature page for `sig` to `pdf` and returns the new document, of which
/// `pdf` is a byte-for-byte prefix.
pub fn append_signature_page(pdf: &[u8], sig: &SignatureRecord) -> Result<Vec<u8>, PdfError> {
    if sig.sha256_before.len() != 64 || !sig.sha256_before.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(PdfError::Record("sha256_before is not 64 hex digits"));
    }
    let content = page_content(sig)?;

    let mut update = crate::open(pdf)?;
    let prev = update.get_prev_documents();
    let catalog = crate::catalog_id(prev)?;
    let pages = prev
        .get_dictionary(catalog)?
        .get(b"Pages")
        .and_then(Object::as_reference)
        .map_err(|_| PdfError::Structure("page tree"))?;
    let count = match prev.get_dictionary(pages)?.get(b"Count") {
        Ok(Object::Reference(id)) => prev.get_object(*id)?.as_i64()?,
        Ok(other) => other.as_i64()?,
        Err(_) => return Err(PdfError::Structure("page count")),
    };

    let doc = &mut update.new_document;
    let font = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type1",
        "BaseFont" => "Helvetica",
        "Encoding" => "WinAnsiEncoding",
    });
    let contents = doc.add_object(Stream::new(dictionary! {}, content));
    let media_box: Vec<Object> = vec![
        0.into(),
        0.into(),
        Object::Real(PAGE.0),
        Object::Real(PAGE.1),
    ];
    // Every inheritable attribute is set here, so that nothing of the page tree (a rotation,
    // a crop box, other fonts named F1) changes how this page looks.
    let page = doc.add_object(dictionary! {
        "Type" => "Page",
        "Parent" => pages,
        "MediaBox" => media_box.clone(),
        "CropBox" => media_box,
        "Rotate" => 0,
        "Resources" => dictionary! { "Font" => dictionary! { "F1" => font } },
        "Contents" => contents,
    });

    // The page joins the root of the page tree, whose count covers every page below it.
    crate::push(&mut update, pages, b"Kids", page.into())?;
    crate::edit(&mut update, pages)?.set("Count", count + 1);
    crate::save(&mut update)
}

/// The page's content stream.
fn page_content(sig: &SignatureRecord) -> Result<Vec<u8>, PdfError> {
    let lines: Vec<String> = sig.lines.iter().flat_map(|line| wrap(line, WRAP)).collect();
    let footer = [
        format!("signer: {}", sig.signer),
        format!(
            "time (UTC): {}",
            sig.at.to_rfc3339_opts(SecondsFormat::Secs, true)
        ),
        format!(
            "method: {}",
            match sig.method {
                SignatureMethod::Drawn { .. } => "drawn signature",
                SignatureMethod::Tan => "TAN (one-time code)",
            }
        ),
        format!(
            "SHA-256 before signing: {}",
            sig.sha256_before.to_ascii_lowercase()
        ),
    ];

    let top = PAGE.1 - MARGIN;
    let text_bottom = top - LEADING * lines.len() as f32;
    let box_top = text_bottom - LEADING;
    let footer_top = MARGIN + FOOTER_LEADING * footer.len() as f32;
    if box_top - BOX.1 < footer_top {
        return Err(PdfError::Record("too many lines for one page"));
    }

    let mut ops = Vec::new();
    text_block(&mut ops, &lines, top, FONT_SIZE, LEADING);
    if let SignatureMethod::Drawn { strokes } = &sig.method {
        let points: usize = strokes.iter().map(Vec::len).sum();
        if points > MAX_POINTS {
            return Err(PdfError::Record("too many points in the drawn signature"));
        }
        let area = Rect {
            x: MARGIN,
            y: box_top - BOX.1,
            w: BOX.0,
            h: BOX.1,
        };
        ops.extend([
            op("q", vec![]),
            op("w", vec![Object::Real(0.5)]),
            op(
                "re",
                vec![
                    Object::Real(area.x),
                    Object::Real(area.y),
                    Object::Real(area.w),
                    Object::Real(area.h),
                ],
            ),
            op("S", vec![]),
            op("Q", vec![]),
        ]);
        ops.extend(stroke_ops(strokes, area));
    }
    text_block(&mut ops, &footer, footer_top, FOOTER_SIZE, FOOTER_LEADING);
    Ok(Content { operations: ops }.encode()?)
}

/// A rectangle in page space (origin bottom left).
#[derive(Debug, Clone, Copy)]
struct Rect {
    x: f32,
    y: f32,
    w: f32,
    h: f32,
}

/// A unit-box point (y down) in page space (y up) inside `area`; `None` for NaN or infinity.
fn place((x, y): (f32, f32), area: Rect) -> Option<(f32, f32)> {
    if !x.is_finite() || !y.is_finite() {
        return None;
    }
    let (x, y) = (x.clamp(0.0, 1.0), y.clamp(0.0, 1.0));
    Some((area.x + x * area.w, area.y + (1.0 - y) * area.h))
}

/// The strokes as path operators: round caps and joins, 1.5 pt, a single point as a dot.
fn stroke_ops(strokes: &[Vec<(f32, f32)>], area: Rect) -> Vec<Operation> {
    let mut ops = vec![
        op("q", vec![]),
        op("w", vec![Object::Real(1.5)]),
        op("J", vec![1.into()]),
        op("j", vec![1.into()]),
    ];
    for stroke in strokes {
        let points: Vec<(f32, f32)> = stroke.iter().filter_map(|p| place(*p, area)).collect();
        let Some(&(x, y)) = points.first() else {
            continue;
        };
        ops.push(op("m", vec![Object::Real(x), Object::Real(y)]));
        // A zero-length segment with round caps is how a tap shows as a dot.
        let rest = if points.len() == 1 {
            &points[..]
        } else {
            &points[1..]
        };
        for &(x, y) in rest {
            ops.push(op("l", vec![Object::Real(x), Object::Real(y)]));
        }
        ops.push(op("S", vec![]));
    }
    ops.push(op("Q", vec![]));
    ops
}

fn text_block(ops: &mut Vec<Operation>, lines: &[String], top: f32, size: f32, leading: f32) {
    ops.extend([
        op("BT", vec![]),
        op("Tf", vec!["F1".into(), Object::Real(size)]),
        op("TL", vec![Object::Real(leading)]),
        // The first baseline sits one font size below the top.
        op("Td", vec![Object::Real(MARGIN), Object::Real(top - size)]),
    ]);
    for line in lines {
        ops.push(op(
            "Tj",
            vec![Object::String(win_ansi(line), StringFormat::Literal)],
        ));
        ops.push(op("T*", vec![]));
    }
    ops.push(op("ET", vec![]));
}

fn op(operator: &str, operands: Vec<Object>) -> Operation {
    Operation::new(operator, operands)
}

/// Splits `line` at spaces into lines of at most `width` characters; a word longer than that
/// is cut.
fn wrap(line: &str, width: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for word in line.split(' ') {
        let mut word: Vec<char> = word.chars().collect();
        let used = current.chars().count();
        if used > 0 && used + 1 + word.len() > width {
            out.push(std::mem::take(&mut current));
        }
        while word.len() > width {
            let rest = word.split_off(width);
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            out.push(word.into_iter().collect());
            word = rest;
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.extend(word);
    }
    out.push(current);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const AREA: Rect = Rect {
        x: 56.0,
        y: 500.0,
        w: 300.0,
        h: 100.0,
    };

    #[test]
    fn corners_of_the_unit_box_land_on_the_frame() {
        // Top left on screen is top left on the page, whose y axis points up.
        assert_eq!(place((0.0, 0.0), AREA), Some((56.0, 600.0)));
        assert_eq!(place((1.0, 1.0), AREA), Some((356.0, 500.0)));
        assert_eq!(place((0.5, 0.25), AREA), Some((206.0, 575.0)));
    }

    #[test]
    fn points_outside_are_clamped_and_nan_dropped() {
        assert_eq!(place((-3.0, 7.0), AREA), Some((56.0, 500.0)));
        assert_eq!(place((f32::NAN, 0.5), AREA), None);
        assert_eq!(place((0.5, f32::INFINITY), AREA), None);
    }

    #[test]
    fn strokes_become_move_line_stroke() {
        let strokes = vec![vec![(0.0, 0.0), (1.0, 1.0)], vec![(0.5, 0.5)], vec![]];
        let ops = stroke_ops(&strokes, AREA);
        let names: Vec<&str> = ops.iter().map(|o| o.operator.as_str()).collect();
        assert_eq!(
            names,
            ["q", "w", "J", "j", "m", "l", "S", "m", "l", "S", "Q"]
        );
        assert_eq!(
            ops[5].operands,
            vec![Object::Real(356.0), Object::Real(500.0)]
        );
    }

    #[test]
    fn wrap_breaks_at_spaces_and_cuts_long_words() {
        assert_eq!(wrap("aa bb cc", 5), ["aa bb", "cc"]);
        assert_eq!(wrap("abcdefgh", 3), ["abc", "def", "gh"]);
        assert_eq!(wrap("", 5), [""]);
        // A hash after a label moves to a line of its own, whole.
        let hash = "f".repeat(64);
        let line = format!("Prüfsumme des Dokuments (SHA-256): {hash}");
        assert_eq!(
            wrap(&line, WRAP),
            ["Prüfsumme des Dokuments (SHA-256):", &hash]
        );
    }
}
