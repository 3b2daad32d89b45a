//! The two standard fonts the office's documents are set in, Helvetica and Helvetica-Bold:
//! their WinAnsi encoding (so `pdftotext` and screen readers get the text back, umlauts and
//! the euro sign included) and their glyph widths (so amounts can be right-aligned and long
//! text wrapped at the column's edge rather than at a guessed number of characters).
//!
//! Both are among the 14 fonts every PDF reader has, so nothing is embedded. WinAnsi covers
//! Western European text; anything else prints as '?'.

use lopdf::{dictionary, Dictionary};

/// A face of Helvetica, named in a page's resources as `/F1` and `/F2`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Font {
    /// Helvetica.
    Regular,
    /// Helvetica-Bold.
    Bold,
}

impl Font {
    /// The name under which [`resources`] lists this face.
    pub(crate) fn resource(self) -> &'static str {
        match self {
            Font::Regular => "F1",
            Font::Bold => "F2",
        }
    }

    /// The width of `text` set in this face at `size` points.
    pub(crate) fn width(self, text: &str, size: f32) -> f32 {
        let table = match self {
            Font::Regular => &HELVETICA,
            Font::Bold => &HELVETICA_BOLD,
        };
        let units: u32 = win_ansi(text)
            .into_iter()
            .map(|b| u32::from(table[usize::from(b.saturating_sub(32))]))
            .sum();
        units as f32 * size / 1000.0
    }

    /// Splits `text` at spaces into lines no wider than `width` points; a word wider than
    /// that is cut between characters. An empty text is one empty line.
    pub(crate) fn wrap(self, text: &str, size: f32, width: f32) -> Vec<String> {
        let mut out = Vec::new();
        let mut current = String::new();
        for word in text.split(' ') {
            let joined = if current.is_empty() {
                word.to_owned()
            } else {
                format!("{current} {word}")
            };
            if self.width(&joined, size) <= width {
                current = joined;
                continue;
            }
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            // The word alone: cut it where it overflows, keeping at least one character per
            // line so that even a column narrower than a glyph makes progress. The width is
            // summed as it grows, so a long word costs one pass.
            let mut used = 0.0;
            let mut buf = [0u8; 4];
            for c in word.chars() {
                let advance = self.width(c.encode_utf8(&mut buf), size);
                if !current.is_empty() && used + advance > width {
                    out.push(std::mem::take(&mut current));
                    used = 0.0;
                }
                current.push(c);
                used += advance;
            }
        }
        out.push(current);
        out
    }
}

/// The font resources of a page: `/F1` Helvetica and `/F2` Helvetica-Bold, in WinAnsi.
pub(crate) fn resources() -> Dictionary {
    let face = |name: &str| {
        dictionary! {
            "Type" => "Font",
            "Subtype" => "Type1",
            "BaseFont" => name.to_owned(),
            "Encoding" => "WinAnsiEncoding",
        }
    };
    dictionary! {
        "F1" => face("Helvetica"),
        "F2" => face("Helvetica-Bold"),
    }
}

/// `text` in WinAnsiEncoding (ISO 32000-1 Annex D): Latin-1 plus the typographic marks
/// Windows-1252 puts at 0x80–0x9F (German quotes, dashes, the euro); '?' for the rest.
/// Control characters (a tab, a stray line break) become spaces, so a caller's text cannot
/// produce codes the fonts have no glyph for.
pub(crate) fn win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            ' '..='~' | '\u{A0}'..='\u{FF}' => c as u8,
            '\0'..='\u{1F}' | '\u{7F}' => b' ',
            '€' => 0x80,
            '‚' => 0x82,
            'ƒ' => 0x83,
            '„' => 0x84,
            '…' => 0x85,
            '†' => 0x86,
            '‡' => 0x87,
            'ˆ' => 0x88,
            '‰' => 0x89,
            'Š' => 0x8A,
            '‹' => 0x8B,
            'Œ' => 0x8C,
            'Ž' => 0x8E,
            '\u{2018}' => 0x91,
            '\u{2019}' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '•' => 0x95,
            '–' => 0x96,
            '—' => 0x97,
            '˜' => 0x98,
            '™' => 0x99,
            'š' => 0x9A,
            '›' => 0x9B,
            'œ' => 0x9C,
            'ž' => 0x9E,
            'Ÿ' => 0x9F,
            // The narrow no-break space (CLDR's group separator in some locales) and the
            // thin space look like a space.
            '\u{202F}' | '\u{2009}' => 0xA0,
            _ => b'?',
        })
        .collect()
}

/// Helvetica's advance widths in 1/1000 em for the WinAnsi codes 32–255, from Adobe's AFM
/// (as shipped with groff); 0 for the five codes WinAnsi leaves undefined, which
/// [`win_ansi`] never produces.
#[rustfmt::skip]
const HELVETICA: [u16; 224] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, 0,
    556, 0, 222, 556, 333, 1000, 556, 556, 333, 1000, 667, 333, 1000, 0, 611, 0,
    0, 222, 222, 333, 333, 350, 556, 1000, 333, 1000, 500, 333, 944, 0, 500, 667,
    278, 333, 556, 556, 556, 556, 260, 556, 333, 737, 370, 556, 584, 333, 737, 333,
    400, 584, 333, 333, 333, 578, 537, 278, 333, 333, 365, 556, 834, 834, 834, 611,
    667, 667, 667, 667, 667, 667, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278,
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611,
    556, 556, 556, 556, 556, 556, 889, 500, 556, 556, 556, 556, 278, 278, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 584, 611, 556, 556, 556, 556, 500, 556, 500,
];

/// Helvetica-Bold's advance widths, as [`HELVETICA`].
#[rustfmt::skip]
const HELVETICA_BOLD: [u16; 224] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611,
    975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556,
    333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611,
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584, 0,
    556, 0, 278, 556, 500, 1000, 556, 556, 333, 1000, 667, 333, 1000, 0, 611, 0,
    0, 278, 278, 500, 500, 350, 556, 1000, 333, 1000, 556, 333, 944, 0, 500, 667,
    278, 333, 556, 556, 556, 556, 280, 556, 333, 737, 370, 556, 584, 333, 737, 333,
    400, 584, 333, 333, 333, 611, 556, 278, 333, 333, 365, 556, 834, 834, 834, 611,
    722, 722, 722, 722, 722, 722, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278,
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611,
    556, 556, 556, 556, 556, 556, 889, 556, 556, 556, 556, 556, 278, 278, 278, 278,
    611, 611, 611, 611, 611, 611, 611, 584, 611, 611, 611, 611, 611, 556, 611, 556,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn win_ansi_keeps_latin1_and_marks() {
        assert_eq!(
            win_ansi("Müller „ok“ – 5 €"),
            b"M\xFCller \x84ok\x93 \x96 5 \x80"
        );
        assert_eq!(win_ansi("Ωmega 東"), b"?mega ?");
        assert_eq!(win_ansi("a\tb\nc"), b"a b c");
    }

    #[test]
    fn widths_follow_the_afm() {
        // "Hi" = H 722 + i 222; bold: H 722 + i 278.
        assert_eq!(Font::Regular.width("Hi", 10.0), 9.44);
        assert_eq!(Font::Bold.width("Hi", 10.0), 10.0);
        // The euro and the umlaut have widths of their own, not the '?' fallback's.
        assert_eq!(Font::Regular.width("€ä", 1000.0), 1112.0);
    }

    #[test]
    fn wrap_breaks_at_spaces_within_the_width() {
        // "aa" is 1112 units: at 1 pt, two of them and a space (278) take 2.502 pt.
        assert_eq!(Font::Regular.wrap("aa aa aa", 1.0, 2.5), ["aa", "aa", "aa"]);
        assert_eq!(Font::Regular.wrap("aa aa", 1.0, 2.6), ["aa aa"]);
        // "cc" is narrower (1000): it joins where "aa" would not.
        assert_eq!(Font::Regular.wrap("aa aa cc", 1.0, 2.5), ["aa", "aa cc"]);
        assert_eq!(Font::Regular.wrap("", 10.0, 100.0), [""]);
        // A word wider than the column is cut; every line keeps at least one character.
        assert_eq!(Font::Regular.wrap("aaaaa", 1.0, 1.2), ["aa", "aa", "a"]);
        assert_eq!(Font::Regular.wrap("ab", 1.0, 0.1), ["a", "b"]);
    }
}
