//! The EPC QR code ("GiroCode") of an invoice, as vector rectangles.
//!
//! EPC069-12 as `docs/payments.md` § 6.2 reads it: the payload in byte mode, error-correction
//! level M, a quiet zone of 4 modules, printed at least 46 mm wide. Banking apps scan the
//! code from paper and from screens, so it is drawn as filled squares (sharp at any zoom and
//! print resolution) rather than as a raster image.

use lopdf::content::Operation;
use lopdf::Object;
use qrcode::bits::Bits;
use qrcode::types::{Color, EcLevel, Version};
use qrcode::QrCode;

use crate::PdfError;

/// The EPC guideline's limit on the whole payload, in bytes.
pub(crate) const MAX_PAYLOAD: usize = 331;
/// Modules of light margin on each side that a scanner needs to find the code.
pub(crate) const QUIET_ZONE: usize = 4;
/// The printed width of the symbol itself (without the quiet zone): 48 mm, a little above
/// the guideline's 46 mm so that rounding in a print driver cannot take it below.
pub(crate) const SYMBOL_WIDTH: f32 = 48.0 * 72.0 / 25.4;

/// A QR code's dark modules: `width` × `width`, row by row from the top.
#[derive(Debug, Clone)]
pub(crate) struct Matrix {
    width: usize,
    dark: Vec<bool>,
    /// The printed width of the symbol in points.
    symbol: f32,
}

impl Matrix {
    /// Encodes `payload` in byte mode at level M in the smallest version that holds it.
    ///
    /// The `qrcode` crate's automatic mode would switch to numeric or alphanumeric
    /// segments for runs like the IBAN; the EPC guideline asks for byte mode, and some
    /// banking apps read nothing else, so the bits are assembled here.
    pub(crate) fn encode(payload: &str) -> Result<Self, PdfError> {
        let data = payload.as_bytes();
        if data.is_empty() {
            return Err(PdfError::Content("the QR payload is empty"));
        }
        if data.len() > MAX_PAYLOAD {
            return Err(PdfError::Content(
                "the QR payload is longer than the 331 bytes an EPC QR code holds",
            ));
        }
        Self::byte_mode(data, SYMBOL_WIDTH)
    }

    /// Encodes a URL (a login link on a letter) in byte mode at level M, printed `symbol`
    /// points wide. One byte-mode segment, as for the EPC code: a URL has lower-case letters
    /// that the denser modes cannot hold anyway, and one segment is what every scanner reads.
    pub(crate) fn url(url: &str, symbol: f32) -> Result<Self, PdfError> {
        if url.is_empty() {
            return Err(PdfError::Content("the QR payload is empty"));
        }
        Self::byte_mode(url.as_bytes(), symbol)
    }

    fn byte_mode(data: &[u8], symbol: f32) -> Result<Self, PdfError> {
        for version in 1..=40 {
            let mut bits = Bits::new(Version::Normal(version));
            // Too long for this version: the next one is larger.
            if bits.push_byte_data(data).is_err() || bits.push_terminator(EcLevel::M).is_err() {
                continue;
            }
            let code = QrCode::with_bits(bits, EcLevel::M)
                .map_err(|_| PdfError::Content("the QR payload cannot be encoded"))?;
            return Ok(Matrix {
                width: code.width(),
                dark: code
                    .to_colors()
                    .into_iter()
                    .map(|c| c == Color::Dark)
                    .collect(),
                symbol,
            });
        }
        Err(PdfError::Content("the QR payload does not fit a QR code"))
    }

    /// The side of one module in points.
    pub(crate) fn module(&self) -> f32 {
        self.symbol / self.width as f32
    }

    /// The side of the code with its quiet zone, in points.
    pub(crate) fn outer(&self) -> f32 {
        self.module() * (self.width + 2 * QUIET_ZONE) as f32
    }

    /// Fill operators for the dark modules of the code whose quiet zone's top left corner
    /// is at (`x`, `top`) in page space. Each row's runs of dark modules are one rectangle,
    /// and all of them are filled as one path, so a renderer shows no seams between
    /// neighbouring modules.
    pub(crate) fn draw(&self, x: f32, top: f32) -> Vec<Operation> {
        let module = self.module();
        let left = x + module * QUIET_ZONE as f32;
        let upper = top - module * QUIET_ZONE as f32;
        let mut ops = vec![
            Operation::new("q", vec![]),
            Operation::new("g", vec![Object::Integer(0)]),
        ];
        for (row, cells) in self.dark.chunks(self.width).enumerate() {
            let mut column = 0;
            while column < cells.len() {
                if !cells[column] {
                    column += 1;
                    continue;
                }
                let start = column;
                while column < cells.len() && cells[column] {
                    column += 1;
                }
                ops.push(Operation::new(
                    "re",
                    vec![
                        Object::Real(left + module * start as f32),
                        Object::Real(upper - module * (row + 1) as f32),
                        Object::Real(module * (column - start) as f32),
                        Object::Real(module),
                    ],
                ));
            }
        }
        ops.push(Operation::new("f", vec![]));
        ops.push(Operation::new("Q", vec![]));
        ops
    }

    #[cfg(test)]
    fn is_dark(&self, x: usize, y: usize) -> bool {
        self.dark[y * self.width + x]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EPC: &str = "BCD\n002\n1\nSCT\nCOBADEFFXXX\nStadtkasse Musterstadt\n\
                       DE89370400440532013000\nEUR29.00\n\nRF022026000042";

    #[test]
    fn the_example_payload_is_version_6_in_byte_mode() {
        // 96 bytes: version 5 at level M holds 84 in byte mode, version 6 holds 106.
        let code = Matrix::encode(EPC).expect("encodes");
        assert_eq!(code.width, 41);
        // Finder patterns in three corners, the fourth corner light.
        assert!(code.is_dark(0, 0) && code.is_dark(40, 0) && code.is_dark(0, 40));
        assert!(!code.is_dark(7, 7));
    }

    #[test]
    fn the_symbol_is_at_least_46_mm_and_the_quiet_zone_4_modules() {
        let code = Matrix::encode(EPC).expect("encodes");
        assert!(code.module() * code.width as f32 >= 46.0 * 72.0 / 25.4);
        let quiet = code.outer() - SYMBOL_WIDTH;
        assert!((quiet - 8.0 * code.module()).abs() < 1e-3);
    }

    #[test]
    fn the_largest_epc_payload_fits_and_a_larger_one_is_refused() {
        assert!(Matrix::encode(&"x".repeat(MAX_PAYLOAD)).is_ok());
        assert!(matches!(
            Matrix::encode(&"x".repeat(MAX_PAYLOAD + 1)),
            Err(PdfError::Content(_))
        ));
        assert!(matches!(Matrix::encode(""), Err(PdfError::Content(_))));
    }

    #[test]
    fn dark_runs_become_rectangles_inside_the_quiet_zone() {
        let code = Matrix::encode("x").expect("encodes");
        let ops = code.draw(100.0, 500.0);
        let module = code.module();
        // The top row starts with the finder's 7 dark modules: one rectangle.
        let first = &ops[2];
        assert_eq!(first.operator, "re");
        let numbers: Vec<f32> = first
            .operands
            .iter()
            .map(|o| o.as_float().expect("a number"))
            .collect();
        let expected = [
            100.0 + 4.0 * module,
            500.0 - 5.0 * module,
            7.0 * module,
            module,
        ];
        for (got, want) in numbers.iter().zip(expected) {
            assert!((got - want).abs() < 1e-3, "{numbers:?} vs {expected:?}");
        }
        assert_eq!(ops[ops.len() - 2].operator, "f");
    }
}
