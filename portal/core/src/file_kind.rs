//! What a file is, judged by its bytes, never by its name: a PDF, a JPEG or a PNG, whole.
//! A renamed executable has none of their signatures; a cut-off file lacks its format's end
//! marker (PDF's `%%EOF`, JPEG's end-of-image, PNG's `IEND` chunk).
use serde::Serialize;

/// The file kinds the office accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    /// `application/pdf`
    Pdf,
    /// `image/jpeg`
    Jpeg,
    /// `image/png`
    Png,
}

/// Why a file's bytes are not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NotAccepted {
    /// None of the accepted formats' signatures.
    #[error("not a PDF, JPEG or PNG file")]
    Unknown,
    /// The signature of `0` but not its end: the file was cut off.
    #[error("the {0:?} file is incomplete (its end is missing)")]
    Truncated(FileKind),
}

/// How many bytes of the end [`FileKind::sniff`] wants: PDF writers may put a few bytes
/// after `%%EOF` (a newline, padding), the specification allows the marker "within the last
/// 1024 bytes".
pub const TAIL: usize = 1024;

/// How many bytes of the start [`FileKind::sniff`] wants.
pub const HEAD: usize = 16;

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
/// The `IEND` chunk: its type and its fixed CRC.
const PNG_END: &[u8] = b"IEND\xae\x42\x60\x82";

impl FileKind {
    /// The word stored and shown for this kind.
    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Pdf => "pdf",
            FileKind::Jpeg => "jpeg",
            FileKind::Png => "png",
        }
    }

    /// The kind a stored word names.
    pub fn parse(word: &str) -> Option<FileKind> {
        Some(match word {
            "pdf" => FileKind::Pdf,
            "jpeg" => FileKind::Jpeg,
            "png" => FileKind::Png,
            _ => return None,
        })
    }

    /// The media type the file is served as.
    pub fn media_type(self) -> &'static str {
        match self {
            FileKind::Pdf => "application/pdf",
            FileKind::Jpeg => "image/jpeg",
            FileKind::Png => "image/png",
        }
    }

    /// The kind of a whole file from its first [`HEAD`] and last [`TAIL`] bytes (or all of
    /// it, if shorter).
    pub fn sniff(head: &[u8], tail: &[u8]) -> Result<FileKind, NotAccepted> {
        let kind = if head.starts_with(b"%PDF-") {
            FileKind::Pdf
        } else if head.starts_with(b"\xff\xd8\xff") {
            FileKind::Jpeg
        } else if head.starts_with(PNG_SIGNATURE) {
            FileKind::Png
        } else {
            return Err(NotAccepted::Unknown);
        };
        let ends = match kind {
            FileKind::Pdf => contains(tail, b"%%EOF"),
            // Cameras and editors leave a few padding bytes after the end-of-image marker.
            FileKind::Jpeg => contains(last(tail, 32), b"\xff\xd9"),
            FileKind::Png => contains(last(tail, 16), PNG_END),
        };
        if ends {
            Ok(kind)
        } else {
            Err(NotAccepted::Truncated(kind))
        }
    }
}

fn last(bytes: &[u8], n: usize) -> &[u8] {
    &bytes[bytes.len().saturating_sub(n)..]
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sniff(file: &[u8]) -> Result<FileKind, NotAccepted> {
        FileKind::sniff(&file[..file.len().min(HEAD)], last(file, TAIL))
    }

    #[test]
    fn whole_files_are_known_by_their_bytes() {
        let pdf = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n";
        assert_eq!(sniff(pdf), Ok(FileKind::Pdf));
        let jpeg = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\xff\xd9";
        assert_eq!(sniff(jpeg), Ok(FileKind::Jpeg));
        let mut png = PNG_SIGNATURE.to_vec();
        png.extend_from_slice(b"\x00\x00\x00\x00");
        png.extend_from_slice(PNG_END);
        assert_eq!(sniff(&png), Ok(FileKind::Png));
    }

    #[test]
    fn a_renamed_executable_and_a_cut_file_are_refused() {
        assert_eq!(
            sniff(b"MZ\x90\x00\x03\x00\x00\x00"),
            Err(NotAccepted::Unknown)
        );
        assert_eq!(sniff(b"\x7fELF\x02\x01\x01"), Err(NotAccepted::Unknown));
        assert_eq!(sniff(b""), Err(NotAccepted::Unknown));
        let cut = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n";
        assert_eq!(sniff(cut), Err(NotAccepted::Truncated(FileKind::Pdf)));
        assert_eq!(
            sniff(b"\xff\xd8\xff\xe0\x00\x10JFIF"),
            Err(NotAccepted::Truncated(FileKind::Jpeg))
        );
        assert_eq!(
            sniff(PNG_SIGNATURE),
            Err(NotAccepted::Truncated(FileKind::Png))
        );
    }

    #[test]
    fn words_round_trip() {
        for k in [FileKind::Pdf, FileKind::Jpeg, FileKind::Png] {
            assert_eq!(FileKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(FileKind::parse("exe"), None);
    }
}
