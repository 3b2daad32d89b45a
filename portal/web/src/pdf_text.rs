//! What every PDF the portal writes needs from the web side: the fonts, read once, and the
//! page language's direction. Invoices, payment receipts, hearing letters and receipts all
//! set their text with them (vamt-pdf's Unicode path).

/// The fonts of every PDF, read once (three files, ~1.5 MB). Without them (Debian's
/// `fonts-dejavu-core`), every PDF route fails; `vamt serve` says so at start.
pub(crate) fn fonts() -> Result<&'static vamt_pdf::UnicodeFonts, String> {
    static FONTS: std::sync::LazyLock<Result<vamt_pdf::UnicodeFonts, String>> =
        std::sync::LazyLock::new(|| {
            vamt_pdf::UnicodeFonts::load(vamt_pdf::DEFAULT_FONT_DIR).map_err(|e| e.to_string())
        });
    FONTS.as_ref().map_err(Clone::clone)
}

/// Whether the PDF fonts load; the reason (the file and the package to install) if not.
pub fn fonts_missing() -> Option<String> {
    fonts().err()
}

/// The direction a PDF in `lang` is set in: the page's (`dir`).
pub(crate) fn direction(lang: &str) -> vamt_pdf::Direction {
    if super::page::direction(lang) == "rtl" {
        vamt_pdf::Direction::Rtl
    } else {
        vamt_pdf::Direction::Ltr
    }
}
