//! WinAnsi, the encoding of the standard font (Helvetica) the signature page is set in: so
//! `pdftotext` and screen readers get its text back, umlauts and the euro sign included.
//! Helvetica is among the 14 fonts every PDF reader has, so nothing is embedded; WinAnsi
//! covers Western European text, anything else prints as '?'. The office's other documents
//! are set in embedded fonts (`unicode.rs`).

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
}
