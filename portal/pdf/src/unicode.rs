//! Text in every script the office writes in (Latin, Greek, Cyrillic, Arabic, Farsi):
//! shaped with rustybuzz, put in visual order with the Unicode bidirectional algorithm, and
//! set in embedded TrueType fonts (DejaVu Sans) rather than in the standard fonts, whose
//! WinAnsi encoding has no Greek, Cyrillic or Arabic.
//!
//! Shaping is what makes Arabic readable: a letter takes a different form at the start, in the
//! middle and at the end of a word, and lam followed by alef is one ligature. The shaped glyph
//! ids go into the page as two-byte codes of a Type0 font (Identity-H, CID = glyph id of the
//! subset), and a ToUnicode CMap maps every glyph back to the characters it was shaped from, so
//! `pdftotext`, copy and paste and screen readers get the text rather than glyph numbers.
//!
//! The fonts are subset to the glyphs a document uses (subsetter): DejaVu Sans is about
//! 740 KB, a letter's subset a few dozen KB.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use lopdf::content::{Content, Operation};
use lopdf::{dictionary, Document, Object, ObjectId, Stream, StringFormat};
use rustybuzz::ttf_parser::GlyphId;
use rustybuzz::{Face, UnicodeBuffer};
use sha2::{Digest, Sha256};
use subsetter::GlyphRemapper;
use unicode_bidi::{Level, ParagraphBidiInfo};

use crate::page::op;
use crate::PdfError;

/// Where Debian's `fonts-dejavu-core` puts DejaVu Sans.
pub const DEFAULT_FONT_DIR: &str = "/usr/share/fonts/truetype/dejavu";
/// The Debian package a missing font comes with, named in the error.
const PACKAGE: &str = "fonts-dejavu-core";

/// The direction of a paragraph, given by the caller from the reader's language: the
/// bidirectional algorithm alone would guess it from the first strong character, which in an
/// Arabic sentence may be a Latin case number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Left to right: lines start at the left edge.
    Ltr,
    /// Right to left (Arabic, Farsi): lines are right-aligned, the layout is mirrored.
    Rtl,
}

/// The faces of DejaVu the Unicode documents are set in (Sans, Sans Bold, and Sans Mono Bold
/// for codes a reader types in), read once and shared by every document made with them.
pub struct UnicodeFonts {
    regular: FontFile,
    bold: FontFile,
    mono: FontFile,
}

struct FontFile {
    /// The PostScript name, as `BaseFont` gives it (with a subset tag in front).
    name: &'static str,
    data: Vec<u8>,
}

impl fmt::Debug for UnicodeFonts {
    // The font programs are hundreds of KB: their sizes say enough.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnicodeFonts")
            .field("regular", &(self.regular.name, self.regular.data.len()))
            .field("bold", &(self.bold.name, self.bold.data.len()))
            .field("mono", &(self.mono.name, self.mono.data.len()))
            .finish()
    }
}

impl UnicodeFonts {
    /// Reads `DejaVuSans.ttf`, `DejaVuSans-Bold.ttf` and `DejaVuSansMono-Bold.ttf` from `dir` (usually
    /// [`DEFAULT_FONT_DIR`]). A missing or unreadable file is [`PdfError::FontMissing`],
    /// naming the file and the Debian package that installs it.
    pub fn load(dir: impl AsRef<Path>) -> Result<Self, PdfError> {
        let dir = dir.as_ref();
        Ok(UnicodeFonts {
            regular: FontFile::read(dir.join("DejaVuSans.ttf"), "DejaVuSans")?,
            bold: FontFile::read(dir.join("DejaVuSans-Bold.ttf"), "DejaVuSans-Bold")?,
            mono: FontFile::read(dir.join("DejaVuSansMono-Bold.ttf"), "DejaVuSansMono-Bold")?,
        })
    }
}

impl FontFile {
    fn read(path: PathBuf, name: &'static str) -> Result<Self, PdfError> {
        let data = match std::fs::read(&path) {
            Ok(data) => data,
            Err(source) => {
                return Err(PdfError::FontMissing {
                    path,
                    package: PACKAGE,
                    source,
                })
            }
        };
        // Checked here so that a document never fails halfway for a broken file.
        if Face::from_slice(&data, 0).is_none() {
            return Err(PdfError::FontInvalid { path });
        }
        Ok(FontFile { name, data })
    }
}

/// Which face a line is set in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Weight {
    Regular,
    Bold,
    /// Monospaced bold: an access code, whose characters a reader counts and types in.
    Mono,
}

impl Weight {
    const ALL: [Weight; 3] = [Weight::Regular, Weight::Bold, Weight::Mono];

    fn index(self) -> usize {
        match self {
            Weight::Regular => 0,
            Weight::Bold => 1,
            Weight::Mono => 2,
        }
    }
}

/// One shaped glyph, in font units.
#[derive(Debug, Clone)]
struct Glyph {
    /// The glyph id in the full font.
    id: u16,
    advance: i32,
    dx: i32,
    dy: i32,
    /// The characters this glyph was shaped from; empty for the second and later glyphs of
    /// a cluster, which the first one already accounts for.
    text: String,
}

/// One line of shaped text in visual order, ready to be drawn.
#[derive(Debug, Clone)]
pub(crate) struct Line {
    glyphs: Vec<Glyph>,
    weight: Weight,
    size: f32,
    /// In points.
    pub(crate) width: f32,
}

struct Shaper<'f> {
    face: Face<'f>,
    data: &'f [u8],
    name: &'static str,
    units_per_em: f32,
    /// Glyph ids of the full font to those of the subset, in the order first drawn.
    remapper: GlyphRemapper,
    /// Per subset glyph id: its advance (font units) and the characters it stands for.
    used: BTreeMap<u16, (i32, String)>,
}

/// Shapes, measures and draws text for one PDF, and writes the PDF with the fonts it used.
pub(crate) struct Typesetter<'f> {
    shapers: [Shaper<'f>; 3],
}

impl<'f> Typesetter<'f> {
    pub(crate) fn new(fonts: &'f UnicodeFonts) -> Result<Self, PdfError> {
        let shaper = |file: &'f FontFile| -> Result<Shaper<'f>, PdfError> {
            let face = Face::from_slice(&file.data, 0).ok_or_else(|| PdfError::FontInvalid {
                path: PathBuf::from(file.name),
            })?;
            let units_per_em = face.units_per_em().max(1) as f32;
            Ok(Shaper {
                face,
                data: &file.data,
                name: file.name,
                units_per_em,
                remapper: GlyphRemapper::new(),
                used: BTreeMap::new(),
            })
        };
        Ok(Typesetter {
            shapers: [
                shaper(&fonts.regular)?,
                shaper(&fonts.bold)?,
                shaper(&fonts.mono)?,
            ],
        })
    }

    /// Shapes `text` as one run; `rtl` forces the direction (from the bidi levels), `None`
    /// lets rustybuzz take it from the script.
    fn shape(&self, weight: Weight, text: &str, rtl: Option<bool>) -> Vec<Glyph> {
        let shaper = &self.shapers[weight.index()];
        let mut buffer = UnicodeBuffer::new();
        buffer.push_str(text);
        if let Some(rtl) = rtl {
            buffer.set_direction(if rtl {
                rustybuzz::Direction::RightToLeft
            } else {
                rustybuzz::Direction::LeftToRight
            });
        }
        buffer.guess_segment_properties();
        let shaped = rustybuzz::shape(&shaper.face, &[], buffer);
        let starts: BTreeSet<usize> = shaped
            .glyph_infos()
            .iter()
            .map(|info| info.cluster as usize)
            .collect();
        let mut given = BTreeSet::new();
        shaped
            .glyph_infos()
            .iter()
            .zip(shaped.glyph_positions())
            .map(|(info, position)| {
                let start = info.cluster as usize;
                let end = starts
                    .range(start + 1..)
                    .next()
                    .copied()
                    .unwrap_or(text.len());
                let source = if given.insert(start) {
                    let source = text.get(start..end).unwrap_or_default();
                    // The page holds glyphs in visual order, and a reader that extracts text
                    // reverses a right-to-left run character by character, the characters of
                    // a ligature (lam-alef) or of a letter with its marks included: so they
                    // are given in visual order too, and come out in logical order.
                    if rtl == Some(true) {
                        source.chars().rev().collect()
                    } else {
                        source.to_owned()
                    }
                } else {
                    String::new()
                };
                Glyph {
                    id: u16::try_from(info.glyph_id).unwrap_or(0),
                    advance: position.x_advance,
                    dx: position.x_offset,
                    dy: position.y_offset,
                    text: source,
                }
            })
            .collect()
    }

    fn units(glyphs: &[Glyph]) -> i32 {
        glyphs.iter().map(|g| g.advance).sum()
    }

    fn to_points(&self, weight: Weight, units: i32, size: f32) -> f32 {
        units as f32 * size / self.shapers[weight.index()].units_per_em
    }

    /// The width of `text` on one line, in points.
    pub(crate) fn width(&self, text: &str, weight: Weight, size: f32) -> f32 {
        self.line(text, weight, size, Direction::Ltr).width
    }

    /// `text` as one line, however long.
    pub(crate) fn line(&self, text: &str, weight: Weight, size: f32, dir: Direction) -> Line {
        let text = clean(text);
        let bidi = ParagraphBidiInfo::new(&text, Some(level(dir)));
        self.visual_line(&text, &bidi, 0..text.len(), weight, size)
    }

    /// `text` as one line in the direction of its first strong character: an amount, an
    /// IBAN or a reference in a right-to-left document stays a left-to-right run, in its
    /// order, wherever it stands.
    pub(crate) fn line_auto(&self, text: &str, weight: Weight, size: f32) -> Line {
        let text = clean(text);
        let bidi = ParagraphBidiInfo::new(&text, None);
        self.visual_line(&text, &bidi, 0..text.len(), weight, size)
    }

    /// Splits `text` at spaces into lines no wider than `width` points, each in visual order;
    /// a word wider than that is cut between characters. An empty text is one empty line.
    pub(crate) fn wrap(
        &self,
        text: &str,
        weight: Weight,
        size: f32,
        width: f32,
        dir: Direction,
    ) -> Vec<Line> {
        self.wrap_at(text, weight, size, width, Some(level(dir)))
    }

    /// As [`Self::wrap`], the direction taken from the text's first strong character: for
    /// lines that are not in the document's language, such as a German postal address on
    /// an Arabic letter ("12345 Musterstadt" must not become "Musterstadt 12345").
    pub(crate) fn wrap_auto(&self, text: &str, weight: Weight, size: f32, width: f32) -> Vec<Line> {
        self.wrap_at(text, weight, size, width, None)
    }

    fn wrap_at(
        &self,
        text: &str,
        weight: Weight,
        size: f32,
        width: f32,
        level: Option<Level>,
    ) -> Vec<Line> {
        let text = clean(text);
        let limit = (width * self.shapers[weight.index()].units_per_em / size) as i32;
        let space = Self::units(&self.shape(weight, " ", None));
        let mut ranges: Vec<Range<usize>> = Vec::new();
        // The line being filled: its byte range and width in font units.
        let mut current: Option<(Range<usize>, i32)> = None;
        for word in words(&text) {
            let word_units = Self::units(&self.shape(weight, &text[word.clone()], None));
            if let Some((range, used)) = current.take() {
                if used + space + word_units <= limit {
                    current = Some((range.start..word.end, used + space + word_units));
                    continue;
                }
                ranges.push(range);
            }
            if word_units <= limit {
                current = Some((word, word_units));
                continue;
            }
            // Cut where it overflows, at least one character per line so that even a column
            // narrower than a glyph makes progress.
            let mut start = word.start;
            let mut used = 0;
            for (offset, c) in text[word.clone()].char_indices() {
                let at = word.start + offset;
                let mut buf = [0u8; 4];
                let advance = Self::units(&self.shape(weight, c.encode_utf8(&mut buf), None));
                if at > start && used + advance > limit {
                    ranges.push(start..at);
                    start = at;
                    used = 0;
                }
                used += advance;
            }
            current = Some((start..word.end, used));
        }
        if let Some((range, _)) = current {
            ranges.push(range);
        }
        if ranges.is_empty() {
            ranges.push(0..0);
        }
        let bidi = ParagraphBidiInfo::new(&text, level);
        ranges
            .into_iter()
            .map(|range| self.visual_line(&text, &bidi, range, weight, size))
            .collect()
    }

    /// The line `range` of `text`: its runs in visual order, each shaped in its direction.
    fn visual_line(
        &self,
        text: &str,
        bidi: &ParagraphBidiInfo,
        range: Range<usize>,
        weight: Weight,
        size: f32,
    ) -> Line {
        let mut glyphs = Vec::new();
        if !range.is_empty() {
            let (levels, runs) = bidi.visual_runs(range);
            for run in runs {
                let rtl = levels.get(run.start).is_some_and(|l| l.is_rtl());
                if let Some(part) = text.get(run) {
                    glyphs.extend(self.shape(weight, part, Some(rtl)));
                }
            }
        }
        let width = self.to_points(weight, Self::units(&glyphs), size);
        Line {
            glyphs,
            weight,
            size,
            width,
        }
    }

    /// Operators that draw `line` starting at `x` (its left end) on `baseline`, and records
    /// the glyphs for the font's subset, widths and ToUnicode map.
    pub(crate) fn draw(&mut self, line: &Line, x: f32, baseline: f32) -> Vec<Operation> {
        if line.glyphs.is_empty() {
            return Vec::new();
        }
        let shaper = &mut self.shapers[line.weight.index()];
        let scale = 1000.0 / shaper.units_per_em;
        let mut ops = vec![
            op("BT", vec![]),
            op(
                "Tf",
                vec![resource(line.weight).into(), Object::Real(line.size)],
            ),
            op("Td", vec![Object::Real(x), Object::Real(baseline)]),
        ];
        let mut items: Vec<Object> = Vec::new();
        let mut codes: Vec<u8> = Vec::new();
        let mut rise = 0;
        let flush_codes = |codes: &mut Vec<u8>, items: &mut Vec<Object>| {
            if !codes.is_empty() {
                items.push(Object::String(
                    std::mem::take(codes),
                    StringFormat::Hexadecimal,
                ));
            }
        };
        for glyph in &line.glyphs {
            if glyph.dy != rise {
                flush_codes(&mut codes, &mut items);
                if !items.is_empty() {
                    ops.push(op("TJ", vec![Object::Array(std::mem::take(&mut items))]));
                }
                rise = glyph.dy;
                ops.push(op(
                    "Ts",
                    vec![Object::Real(rise as f32 * line.size / shaper.units_per_em)],
                ));
            }
            let id = shaper.remapper.remap(glyph.id);
            // The PDF advances by the width in W, the font's own advance; the shaper's
            // (kerning, marks of zero width) and offsets are the difference, set as TJ
            // adjustments in thousandths of an em, positive to the left.
            let own = i32::from(
                shaper
                    .face
                    .glyph_hor_advance(GlyphId(glyph.id))
                    .unwrap_or(0),
            );
            let entry = shaper.used.entry(id).or_insert((own, String::new()));
            if entry.1.is_empty() && !glyph.text.is_empty() {
                entry.1 = glyph.text.clone();
            }
            if glyph.dx != 0 {
                flush_codes(&mut codes, &mut items);
                items.push(Object::Real(-(glyph.dx as f32) * scale));
            }
            codes.extend(id.to_be_bytes());
            let after = glyph.advance - own - glyph.dx;
            if after != 0 {
                flush_codes(&mut codes, &mut items);
                items.push(Object::Real(-(after as f32) * scale));
            }
        }
        flush_codes(&mut codes, &mut items);
        if !items.is_empty() {
            ops.push(op("TJ", vec![Object::Array(items)]));
        }
        if rise != 0 {
            // The text rise is graphics state and outlives ET.
            ops.push(op("Ts", vec![Object::Integer(0)]));
        }
        ops.push(op("ET", vec![]));
        ops
    }

    /// The PDF of `pages` (A4, each a list of operators), with the fonts they use embedded.
    pub(crate) fn finish(self, pages: Vec<Vec<Operation>>) -> Result<Vec<u8>, PdfError> {
        if pages.is_empty() {
            return Err(PdfError::Content("a document needs at least one page"));
        }
        let mut doc = Document::with_version("1.7");
        let pages_id = doc.new_object_id();
        let mut fonts = lopdf::Dictionary::new();
        for (shaper, weight) in self.shapers.iter().zip(Weight::ALL) {
            if shaper.used.is_empty() {
                continue;
            }
            let id = embed(&mut doc, shaper)?;
            fonts.set(resource(weight), id);
        }
        let fonts = doc.add_object(fonts);
        let count = pages.len();
        let mut kids = Vec::with_capacity(count);
        for ops in pages {
            let mut stream = Stream::new(dictionary! {}, Content { operations: ops }.encode()?);
            stream.compress()?;
            let contents = doc.add_object(stream);
            let media_box: Vec<Object> = vec![
                0.into(),
                0.into(),
                Object::Real(crate::page::PAGE.0),
                Object::Real(crate::page::PAGE.1),
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

/// The name of a face in a page's resources; distinct from the standard fonts' `/F1`, `/F2`.
fn resource(weight: Weight) -> &'static str {
    match weight {
        Weight::Regular => "U1",
        Weight::Bold => "U2",
        Weight::Mono => "U3",
    }
}

fn level(dir: Direction) -> Level {
    match dir {
        Direction::Ltr => Level::ltr(),
        Direction::Rtl => Level::rtl(),
    }
}

/// Control characters (a tab, a line break) and the paragraph separators become spaces: a
/// line is one paragraph to the bidi algorithm, and no code without a glyph reaches the font.
fn clean(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\0'..='\u{1F}' | '\u{7F}'..='\u{9F}' | '\u{2028}' | '\u{2029}' => ' ',
            c => c,
        })
        .collect()
}

/// The byte ranges of the words of `text` between spaces; runs of spaces give no words.
fn words(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (at, c) in text.char_indices() {
        if c == ' ' {
            if at > start {
                out.push(start..at);
            }
            start = at + 1;
        }
    }
    if text.len() > start {
        out.push(start..text.len());
    }
    out
}

/// Writes the Type0 font of `shaper`'s glyphs (ISO 32000-1 § 9.7): a CIDFontType2 descendant
/// with the subset as FontFile2, Identity-H codes that are the subset's glyph ids, their
/// widths, and the ToUnicode map. Returns the Type0 font's id.
fn embed(doc: &mut Document, shaper: &Shaper) -> Result<ObjectId, PdfError> {
    let program = subsetter::subset(shaper.data, 0, &shaper.remapper)
        .map_err(|e| PdfError::FontSubset(format!("{e:?}")))?;
    let scale = 1000.0 / shaper.units_per_em;
    let units = |v: f32| Object::Integer((v * scale).round() as i64);
    let face = &shaper.face;
    // A subset's name carries a tag of six capitals (§ 9.6.4), here from its glyph set, so
    // the same text gives the same bytes.
    let mut hash = Sha256::new();
    for id in shaper.used.keys() {
        hash.update(id.to_be_bytes());
    }
    hash.update(shaper.name.as_bytes());
    let tag: String = hash.finalize()[..6]
        .iter()
        .map(|b| char::from(b'A' + b % 26))
        .collect();
    let base_font = format!("{tag}+{}", shaper.name);

    let length1 = program.len() as i64;
    let mut file = Stream::new(dictionary! { "Length1" => length1 }, program);
    file.compress()?;
    let file = doc.add_object(file);
    let bbox = face.global_bounding_box();
    let descriptor = doc.add_object(dictionary! {
        "Type" => "FontDescriptor",
        "FontName" => Object::Name(base_font.clone().into_bytes()),
        // Symbolic: the glyphs are outside the standard Latin set.
        "Flags" => 4,
        "FontBBox" => vec![
            units(f32::from(bbox.x_min)),
            units(f32::from(bbox.y_min)),
            units(f32::from(bbox.x_max)),
            units(f32::from(bbox.y_max)),
        ],
        "ItalicAngle" => 0,
        "Ascent" => units(f32::from(face.ascender())),
        "Descent" => units(f32::from(face.descender())),
        "CapHeight" => units(f32::from(face.capital_height().unwrap_or(face.ascender()))),
        "StemV" => 80,
        "FontFile2" => file,
    });
    let mut widths: Vec<Object> = Vec::with_capacity(shaper.used.len() * 2);
    for (id, (advance, _)) in &shaper.used {
        widths.push(Object::Integer(i64::from(*id)));
        widths.push(Object::Array(vec![units(*advance as f32)]));
    }
    let cid_font = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "CIDFontType2",
        "BaseFont" => Object::Name(base_font.clone().into_bytes()),
        "CIDSystemInfo" => dictionary! {
            "Registry" => Object::string_literal("Adobe"),
            "Ordering" => Object::string_literal("Identity"),
            "Supplement" => 0,
        },
        "FontDescriptor" => descriptor,
        "W" => widths,
        "CIDToGIDMap" => "Identity",
    });
    let mut cmap = Stream::new(dictionary! {}, to_unicode(&shaper.used).into_bytes());
    cmap.compress()?;
    let cmap = doc.add_object(cmap);
    Ok(doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type0",
        "BaseFont" => Object::Name(base_font.into_bytes()),
        "Encoding" => "Identity-H",
        "DescendantFonts" => vec![Object::from(cid_font)],
        "ToUnicode" => cmap,
    }))
}

/// The ToUnicode CMap (§ 9.10.3): each glyph to the characters it was shaped from, in UTF-16BE.
fn to_unicode(used: &BTreeMap<u16, (i32, String)>) -> String {
    let entries: Vec<String> = used
        .iter()
        .filter(|(_, (_, text))| !text.is_empty())
        .map(|(id, (_, text))| {
            let utf16: String = text.encode_utf16().map(|u| format!("{u:04X}")).collect();
            format!("<{id:04X}> <{utf16}>")
        })
        .collect();
    let mut out = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    // At most 100 entries per block (§ 9.10.3).
    for chunk in entries.chunks(100) {
        out.push_str(&format!("{} beginbfchar\n", chunk.len()));
        for entry in chunk {
            out.push_str(entry);
            out.push('\n');
        }
        out.push_str("endbfchar\n");
    }
    out.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fonts() -> UnicodeFonts {
        UnicodeFonts::load(DEFAULT_FONT_DIR).expect("DejaVu Sans (fonts-dejavu-core)")
    }

    #[test]
    fn a_missing_font_names_the_file_and_the_package() {
        let err = UnicodeFonts::load("/nonexistent").expect_err("no fonts there");
        let message = err.to_string();
        assert!(message.contains("/nonexistent/DejaVuSans.ttf"), "{message}");
        assert!(message.contains("fonts-dejavu-core"), "{message}");
    }

    #[test]
    fn lam_alef_is_one_glyph_that_maps_back_to_both_letters() {
        let fonts = fonts();
        let ts = Typesetter::new(&fonts).expect("faces");
        let glyphs = ts.shape(Weight::Regular, "لا", Some(true));
        assert_eq!(glyphs.len(), 1, "{glyphs:?}");
        // In visual order, as the glyph stands on the page: alef left of lam.
        assert_eq!(glyphs[0].text, "ال");
    }

    #[test]
    fn arabic_letters_take_their_joining_forms() {
        let fonts = fonts();
        let ts = Typesetter::new(&fonts).expect("faces");
        // Beh alone and beh in the middle of a word are different glyphs.
        let alone = ts.shape(Weight::Regular, "ب", Some(true));
        let joined = ts.shape(Weight::Regular, "ببب", Some(true));
        assert_eq!(joined.len(), 3);
        assert_ne!(alone[0].id, joined[1].id);
    }

    #[test]
    fn a_latin_number_in_an_rtl_line_keeps_its_order() {
        let fonts = fonts();
        let ts = Typesetter::new(&fonts).expect("faces");
        let line = ts.line(
            "رقم OWI-2026-004711 هنا",
            Weight::Regular,
            10.0,
            Direction::Rtl,
        );
        let visual: String = line.glyphs.iter().map(|g| g.text.as_str()).collect();
        assert!(visual.contains("OWI-2026-004711"), "{visual}");
        // The Arabic word that comes last in logical order is leftmost.
        assert!(
            visual.starts_with("هنا") || visual.starts_with('ا'),
            "{visual}"
        );
    }

    #[test]
    fn the_office_languages_have_glyphs_in_every_face() {
        let fonts = fonts();
        let ts = Typesetter::new(&fonts).expect("faces");
        // A sample of each script and the letters particular to each language: German,
        // French, Spanish, Italian, Turkish, Polish, Romanian, Croatian, Albanian, Greek,
        // Russian, Ukrainian, Arabic, Farsi (with its digits), and the euro.
        let sample = "ÄÖÜäöüß àâçéèêëîïôùûÿœ ñ¿¡ ğĞışŞİ ąćęłńśźż ăâîșț čćđšž ëç \
                      αβγδεζηθικλμνξοπρστυφχψωάέήίόύώ ЁЖЩЪЫЭЮЯёжщъыэюя їєґІЇЄҐ \
                      أبتثجحخدذرزسشصضطظعغفقكلمنهوي ءآإئؤة پچژگکی ۰۱۲۳۴۵۶۷۸۹ €";
        for weight in [Weight::Regular, Weight::Bold] {
            for glyph in ts.shape(weight, sample, None) {
                assert_ne!(glyph.id, 0, "no glyph for {:?} in {weight:?}", glyph.text);
            }
        }
        for glyph in ts.shape(Weight::Mono, "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789-", None) {
            assert_ne!(
                glyph.id, 0,
                "no glyph for {:?} in the code's face",
                glyph.text
            );
        }
    }

    #[test]
    fn marks_sit_on_their_letters() {
        let fonts = fonts();
        let mut ts = Typesetter::new(&fonts).expect("faces");
        // Kasra and sukun: positioned marks, which the drawing must offset rather than
        // advance over.
        let line = ts.line("بِسْمِ", Weight::Regular, 12.0, Direction::Rtl);
        assert!(
            line.glyphs.iter().any(|g| g.dx != 0 || g.dy != 0),
            "{line:?}"
        );
        let ops = ts.draw(&line, 100.0, 500.0);
        assert!(ops.iter().any(|o| o.operator == "TJ"));
        assert_eq!(ops.last().map(|o| o.operator.as_str()), Some("ET"));
    }

    #[test]
    fn wrapping_keeps_lines_within_the_width() {
        let fonts = fonts();
        let ts = Typesetter::new(&fonts).expect("faces");
        let text = "Αγαπητέ πολίτη, σας ενημερώνουμε για την παράβαση που καταγράφηκε \
                    στο όχημά σας και για το δικαίωμά σας να απαντήσετε.";
        let lines = ts.wrap(text, Weight::Regular, 10.0, 200.0, Direction::Ltr);
        assert!(lines.len() > 2);
        for line in &lines {
            assert!(line.width <= 200.0 + 0.5, "{}", line.width);
        }
        let long = ts.wrap(&"ж".repeat(200), Weight::Bold, 10.0, 100.0, Direction::Ltr);
        assert!(long.len() > 5 && long.iter().all(|l| l.width <= 100.5));
    }
}
