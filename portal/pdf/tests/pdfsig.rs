//! The seal and the signature page checked by tools that are not ours: poppler's pdfsig
//! verifies the signatures, pdftotext and pdfinfo read the pages back, and PDFs written by
//! cairo and qpdf stand in for documents the office did not make. A missing tool fails the
//! test (scripts/install-deps test installs them); it is never skipped.

use std::path::Path;
use std::process::Command;

use chrono::{DateTime, Utc};
use der::Encode;
use lopdf::content::{Content, Operation};
use lopdf::{dictionary, Document, Object, Stream, StringFormat};
use vamt_pdf::{
    append_signature_page, demo_sealer, seal, sha256_hex, Sealer, SignatureMethod, SignatureRecord,
};

const AUTHORITY: &str = "Stadt Musterhausen";

fn at() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-12-07T10:30:00Z")
        .expect("a fixed date")
        .with_timezone(&Utc)
}

fn sealer() -> Sealer {
    let (cert, key) = demo_sealer(AUTHORITY).expect("demo certificate");
    Sealer::from_pem(&cert, &key).expect("the demo pair is a sealer")
}

/// The signed bytes (both ranges of /ByteRange, joined) and the DER of the CMS signature.
fn split_signature(pdf: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let at = pdf
        .windows(11)
        .position(|w| w == b"/ByteRange[" || w == b"/ByteRange ")
        .expect("a /ByteRange");
    let rest = &pdf[at + 10..];
    let close = rest
        .iter()
        .position(|&b| b == b']')
        .expect("the array's end");
    let numbers: Vec<usize> = String::from_utf8_lossy(&rest[..close])
        .trim_start_matches([' ', '['])
        .split_whitespace()
        .map(|n| n.parse().expect("an offset"))
        .collect();
    let [a, b, c, d] = numbers[..] else {
        panic!("/ByteRange has {} numbers", numbers.len())
    };
    assert_eq!(a, 0);
    let mut signed = pdf[..b].to_vec();
    signed.extend_from_slice(&pdf[c..c + d]);
    assert_eq!(
        c + d,
        pdf.len(),
        "the signature does not reach the end of the file"
    );
    let hex = std::str::from_utf8(&pdf[b + 1..c - 1]).expect("hex digits");
    let der = hex::decode(hex).expect("hex");
    // DER's own length (a SEQUENCE with a long-form length) tells where the zeros begin.
    assert_eq!(der[0], 0x30);
    let len_bytes = usize::from(der[1] & 0x7F);
    let len = der[2..2 + len_bytes]
        .iter()
        .fold(0usize, |n, &b| (n << 8) | usize::from(b));
    (signed, der[..2 + len_bytes + len].to_vec())
}

/// Runs a poppler (or qpdf) tool and returns what it printed on stdout and stderr.
fn run(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool).args(args).output().unwrap_or_else(|e| {
        panic!("cannot run {tool} ({e}): install it with `scripts/install-deps test`")
    });
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn pdfsig(path: &Path) -> String {
    run("pdfsig", &[path_str(path)])
}

fn pdfinfo_pages(path: &Path) -> usize {
    let info = run("pdfinfo", &[path_str(path)]);
    info.lines()
        .find_map(|line| line.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("pdfinfo shows no page count:\n{info}"))
}

fn path_str(path: &Path) -> &str {
    path.to_str()
        .expect("the temporary directory's path is UTF-8")
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write the PDF");
    path
}

/// A one-page PDF with the given text, written by lopdf.
fn simple_pdf(text: &str) -> Vec<u8> {
    let mut doc = Document::with_version("1.7");
    let pages = doc.new_object_id();
    let font = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type1",
        "BaseFont" => "Helvetica",
    });
    let content = Content {
        operations: vec![
            Operation::new("BT", vec![]),
            Operation::new("Tf", vec!["F1".into(), 14.into()]),
            Operation::new("Td", vec![72.into(), 720.into()]),
            Operation::new(
                "Tj",
                vec![Object::String(
                    text.as_bytes().to_vec(),
                    StringFormat::Literal,
                )],
            ),
            Operation::new("ET", vec![]),
        ],
    };
    let contents = doc.add_object(Stream::new(
        dictionary! {},
        content.encode().expect("content"),
    ));
    let page = doc.add_object(dictionary! {
        "Type" => "Page",
        "Parent" => pages,
        "Contents" => contents,
        "Resources" => dictionary! { "Font" => dictionary! { "F1" => font } },
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
    });
    doc.objects.insert(
        pages,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => vec![page.into()],
            "Count" => 1,
        }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("save");
    out
}

const VALID: &str = "Signature Validation: Signature is Valid.";

fn assert_valid(report: &str) {
    assert!(
        report.contains(VALID),
        "pdfsig does not call it valid:\n{report}"
    );
    assert!(
        report.contains(&format!(
            "Signer Certificate Common Name: {AUTHORITY} — DEMO SEAL, NOT VALID FOR OFFICIAL USE"
        )),
        "pdfsig does not show the demo seal's name:\n{report}"
    );
    assert!(
        report.contains("Signature Type: ETSI.CAdES.detached"),
        "not a PAdES signature:\n{report}"
    );
    assert!(
        report.contains("Total document signed"),
        "the signature does not cover the whole file:\n{report}"
    );
}

#[test]
fn a_sealed_pdf_verifies_and_a_changed_byte_breaks_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sealed = seal(
        &simple_pdf("Antrag auf Wohngeld"),
        &sealer(),
        at(),
        "Bescheid der Stadt – amtlich gesiegelt",
    )
    .expect("seal");
    let report = pdfsig(&write(dir.path(), "sealed.pdf", &sealed));
    println!("pdfsig, sealed:\n{report}");
    assert_valid(&report);
    assert!(
        report.contains("Signing Time: Dec 07 2026 10:30:00"),
        "pdfsig does not show /M:\n{report}"
    );

    // One letter of the page's text, inside the signed range.
    let at_text = sealed
        .windows(6)
        .position(|w| w == b"Antrag")
        .expect("the content stream is not compressed");
    let mut changed = sealed.clone();
    changed[at_text] = b'B';
    let report = pdfsig(&write(dir.path(), "changed.pdf", &changed));
    println!("pdfsig, one byte changed:\n{report}");
    assert!(
        report.contains("Signature Validation:"),
        "no signature found:\n{report}"
    );
    assert!(
        !report.contains(VALID),
        "a changed PDF still verifies:\n{report}"
    );
}

#[test]
fn pdfs_from_other_producers_can_be_sealed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let original = write(
        dir.path(),
        "original.pdf",
        &simple_pdf("Meldebescheinigung"),
    );

    // cairo (through poppler) rewrites the page in its own way.
    let cairo = dir.path().join("cairo.pdf");
    let report = run(
        "pdftocairo",
        &["-pdf", path_str(&original), path_str(&cairo)],
    );
    let cairo = std::fs::read(&cairo).unwrap_or_else(|e| panic!("pdftocairo: {e}\n{report}"));
    assert!(contains(&cairo, b"cairo"), "not written by cairo");

    // qpdf with object streams: a cross-reference stream instead of a table, and objects
    // packed into compressed object streams, as many office suites write them.
    let streams = dir.path().join("streams.pdf");
    let report = run(
        "qpdf",
        &[
            "--object-streams=generate",
            path_str(&original),
            path_str(&streams),
        ],
    );
    let streams = std::fs::read(&streams).unwrap_or_else(|e| panic!("qpdf: {e}\n{report}"));
    assert!(
        contains(&streams, b"/Type /XRef") && contains(&streams, b"/Type /ObjStm"),
        "qpdf wrote no cross-reference stream"
    );

    for (name, pdf) in [("cairo", cairo), ("streams", streams)] {
        let sealed = seal(&pdf, &sealer(), at(), "Test").expect(name);
        let path = write(dir.path(), &format!("{name}-sealed.pdf"), &sealed);
        let report = pdfsig(&path);
        println!("pdfsig, {name}:\n{report}");
        assert_valid(&report);
        assert_eq!(pdfinfo_pages(&path), 1, "{name}");
    }
}

#[test]
fn the_signature_page_is_appended_readable_and_sealable() {
    let dir = tempfile::tempdir().expect("tempdir");
    let original = simple_pdf("Antrag auf Wohngeld");
    let before = sha256_hex(&original);
    for (name, method) in [
        (
            "drawn",
            SignatureMethod::Drawn {
                strokes: vec![
                    vec![(0.1, 0.8), (0.2, 0.2), (0.3, 0.8), (0.4, 0.2)],
                    vec![(0.6, 0.5)],
                ],
            },
        ),
        ("tan", SignatureMethod::Tan),
    ] {
        let record = SignatureRecord {
            signer: "Zoë Müller-Łukasiewicz".into(),
            at: at(),
            method,
            sha256_before: before.clone(),
            lines: vec![
                "Unterschrieben von: Zoë Müller-Łukasiewicz".into(),
                "Am: 7. Dezember 2026, 11:30 Uhr".into(),
                format!("Prüfsumme des Dokuments (SHA-256): {before}"),
            ],
        };
        let signed = append_signature_page(&original, &record).expect("signature page");
        let path = write(dir.path(), &format!("{name}.pdf"), &signed);
        let text = run("pdftotext", &["-layout", path_str(&path), "-"]);
        println!("pdftotext, {name}:\n{text}");
        // Ł is outside WinAnsi and prints as '?'; the rest of the name survives.
        assert!(text.contains("Zoë Müller-?ukasiewicz"), "{name}: {text}");
        assert!(
            text.contains(&before),
            "{name}: the hash is missing:\n{text}"
        );
        assert!(
            text.contains("time (UTC): 2026-12-07T10:30:00Z"),
            "{name}: {text}"
        );
        match name {
            "tan" => assert!(text.contains("TAN (one-time code)"), "{text}"),
            _ => assert!(text.contains("drawn signature"), "{text}"),
        }

        let before_path = write(dir.path(), "before.pdf", &original);
        assert_eq!(pdfinfo_pages(&path), pdfinfo_pages(&before_path) + 1);

        let sealed = seal(&signed, &sealer(), at(), "Unterschrift").expect("seal");
        assert_valid(&pdfsig(&write(
            dir.path(),
            &format!("{name}-sealed.pdf"),
            &sealed,
        )));
    }
}

/// Page `page` of the PDF at `path`, rendered by poppler at 72 dpi in grey: one byte a point.
fn render(path: &Path, page: usize) -> Vec<u8> {
    let page = page.to_string();
    let out = path.with_extension("render");
    let report = run(
        "pdftoppm",
        &[
            "-gray",
            "-r",
            "72",
            "-f",
            &page,
            "-l",
            &page,
            "-singlefile",
            path_str(path),
            path_str(&out),
        ],
    );
    // -singlefile names the image ROOT.pgm.
    let pgm = std::fs::read(format!("{}.pgm", path_str(&out)))
        .unwrap_or_else(|e| panic!("pdftoppm wrote nothing ({e}):\n{report}"));
    // Binary PGM: "P5", width, height, maxval, one whitespace byte, then the pixels.
    let mut fields = 0;
    let mut in_token = false;
    let start = pgm
        .iter()
        .position(|b| {
            if b.is_ascii_whitespace() {
                if in_token {
                    fields += 1;
                }
                in_token = false;
                fields == 4
            } else {
                in_token = true;
                false
            }
        })
        .expect("a PGM header");
    pgm[start + 1..].to_vec()
}

#[test]
fn the_drawn_strokes_are_on_the_page() {
    let dir = tempfile::tempdir().expect("tempdir");
    let original = simple_pdf("Antrag");
    let record = |strokes| SignatureRecord {
        signer: "A. Muster".into(),
        at: at(),
        method: SignatureMethod::Drawn { strokes },
        sha256_before: sha256_hex(&original),
        lines: vec!["Unterschrift".into()],
    };
    let zigzag = vec![vec![
        (0.0, 0.0),
        (0.25, 1.0),
        (0.5, 0.0),
        (0.75, 1.0),
        (1.0, 0.0),
    ]];
    let drawn = append_signature_page(&original, &record(zigzag)).expect("drawn");
    let empty = append_signature_page(&original, &record(vec![])).expect("empty");
    let drawn = render(&write(dir.path(), "drawn.pdf", &drawn), 2);
    let empty = render(&write(dir.path(), "empty.pdf", &empty), 2);
    assert_eq!(drawn.len(), empty.len());
    // Four diagonals across the 300 × 100 pt box, 500 pt of line 1.5 pt wide: some 750
    // pixels darker (more with antialiasing), and none lighter.
    let diff = |a: u8, b: u8| i32::from(a) - i32::from(b);
    let darker = drawn
        .iter()
        .zip(&empty)
        .filter(|(d, e)| diff(**e, **d) > 64)
        .count();
    let lighter = drawn
        .iter()
        .zip(&empty)
        .filter(|(d, e)| diff(**d, **e) > 64)
        .count();
    assert!(darker > 500, "only {darker} pixels show the strokes");
    assert_eq!(lighter, 0);
}

/// The same one-page PDF as written by lopdf, by cairo, by qpdf with object streams and an
/// xref stream, and by qpdf linearized (two cross-reference sections, the first with /Prev).
fn producers(dir: &Path) -> Vec<(&'static str, Vec<u8>)> {
    let original = write(dir, "original.pdf", &simple_pdf("Meldebescheinigung"));
    let mut out = vec![("lopdf", std::fs::read(&original).expect("read"))];
    for (name, tool, args) in [
        ("cairo", "pdftocairo", &["-pdf"][..]),
        ("qpdf-streams", "qpdf", &["--object-streams=generate"][..]),
        ("qpdf-linearized", "qpdf", &["--linearize"][..]),
    ] {
        let target = dir.join(format!("{name}.pdf"));
        let mut all: Vec<&str> = args.to_vec();
        all.extend([path_str(&original), path_str(&target)]);
        let report = run(tool, &all);
        let bytes = std::fs::read(&target).unwrap_or_else(|e| panic!("{tool}: {e}\n{report}"));
        out.push((name, bytes));
    }
    out
}

/// qpdf's structural check: poppler quietly rebuilds a broken cross-reference table, qpdf
/// says so.
fn assert_undamaged(dir: &Path, name: &str, pdf: &[u8]) {
    let path = write(dir, &format!("{name}-check.pdf"), pdf);
    let report = run("qpdf", &["--check", path_str(&path)]);
    assert!(
        report.contains("No syntax or stream encoding errors found") && !report.contains("WARNING"),
        "{name}: qpdf finds damage:\n{report}"
    );
}

#[test]
fn updates_append_and_keep_earlier_signatures_valid() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, original) in producers(dir.path()) {
        assert_undamaged(dir.path(), name, &original);
        let record = SignatureRecord {
            signer: "A. Muster".into(),
            at: at(),
            method: SignatureMethod::Tan,
            sha256_before: sha256_hex(&original),
            lines: vec!["Unterschrieben".into()],
        };
        let signed = append_signature_page(&original, &record).expect("signature page");
        // The document as it was is the start of the signed one, so the hash on the page
        // can be checked against the file itself.
        assert!(signed.starts_with(&original), "{name}");
        assert_undamaged(dir.path(), &format!("{name}-signed"), &signed);

        let once = seal(&signed, &sealer(), at(), "Erstes Siegel").expect("seal");
        assert!(once.starts_with(&signed), "{name}");
        assert_undamaged(dir.path(), &format!("{name}-sealed"), &once);
        let twice = seal(&once, &sealer(), at(), "Zweites Siegel").expect("seal again");
        assert_undamaged(dir.path(), &format!("{name}-sealed-twice"), &twice);

        let path = write(dir.path(), &format!("{name}-twice.pdf"), &twice);
        let report = pdfsig(&path);
        assert_eq!(report.matches(VALID).count(), 2, "{name}:\n{report}");
        // The first seal covers the file as it was, the second all of it.
        assert!(
            report.contains("Not total document signed")
                && report.contains("  - Total document signed"),
            "{name}:\n{report}"
        );
        assert_eq!(pdfinfo_pages(&path), 2, "{name}");
    }
}

#[test]
fn openssl_verifies_the_cms_and_its_signing_certificate_attribute() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (cert, key) = demo_sealer(AUTHORITY).expect("demo");
    let sealer = Sealer::from_pem(&cert, &key).expect("sealer");
    let sealed = seal(&simple_pdf("Bescheid"), &sealer, at(), "Test").expect("seal");
    let (signed, der) = split_signature(&sealed);
    let content = write(dir.path(), "signed.bin", &signed);
    let signature = write(dir.path(), "signature.der", &der);
    let anchor = write(dir.path(), "demo.pem", cert.as_bytes());

    // The demo certificate as the trust anchor: signature, chain and key usage. (OpenSSL 3.0
    // does not compare the ESS hash with the certificate; that is checked below.)
    let verified = run(
        "openssl",
        &[
            "cms",
            "-verify",
            "-binary",
            "-inform",
            "DER",
            "-in",
            path_str(&signature),
            "-content",
            path_str(&content),
            "-CAfile",
            path_str(&anchor),
            "-purpose",
            "any",
            "-out",
            "/dev/null",
        ],
    );
    assert!(verified.contains("Verification successful"), "{verified}");

    let printed = run(
        "openssl",
        &[
            "cms",
            "-cmsout",
            "-print",
            "-inform",
            "DER",
            "-in",
            path_str(&signature),
        ],
    );
    for attribute in [
        "contentType",
        "messageDigest",
        "id-smime-aa-signingCertificateV2",
    ] {
        assert!(printed.contains(attribute), "no {attribute}:\n{printed}");
    }
    // signing-certificate-v2 holds the SHA-256 of the signer's certificate, read by
    // OpenSSL's parser: the first OCTET STRING after the attribute's type.
    let parsed = run(
        "openssl",
        &["asn1parse", "-inform", "DER", "-in", path_str(&signature)],
    );
    let ess_hash = parsed
        .lines()
        .skip_while(|line| !line.contains(":id-smime-aa-signingCertificateV2"))
        .find(|line| line.contains("OCTET STRING"))
        .and_then(|line| line.split("[HEX DUMP]:").nth(1))
        .unwrap_or_else(|| panic!("no ESS certificate hash:\n{parsed}"));
    let certificate = sealer.certificate().to_der().expect("certificate DER");
    assert_eq!(
        ess_hash.trim().to_ascii_lowercase(),
        sha256_hex(&certificate)
    );
    // PAdES keeps the time in /M; a CMS signing-time would contradict it.
    assert!(!printed.contains("signingTime"), "{printed}");
    assert!(
        printed.contains("eContent: <ABSENT>"),
        "not detached:\n{printed}"
    );

    // The demo certificate as promised: for signatures only, no CA, ten years.
    let text = run(
        "openssl",
        &["x509", "-noout", "-text", "-in", path_str(&anchor)],
    );
    for expected in [
        "Digital Signature, Non Repudiation",
        "CA:FALSE",
        "DEMO SEAL, NOT VALID FOR OFFICIAL USE",
        "ASN1 OID: prime256v1",
    ] {
        assert!(text.contains(expected), "no {expected}:\n{text}");
    }
    let year = |label: &str| -> i32 {
        text.lines()
            .find_map(|line| line.trim().strip_prefix(label))
            .and_then(|date| date.split_whitespace().nth(3))
            .and_then(|year| year.parse().ok())
            .unwrap_or_else(|| panic!("no {label}:\n{text}"))
    };
    assert_eq!(year("Not After :") - year("Not Before:"), 10);

    let mut changed = signed.clone();
    changed[10] ^= 1;
    let content = write(dir.path(), "changed.bin", &changed);
    let refused = run(
        "openssl",
        &[
            "cms",
            "-verify",
            "-binary",
            "-inform",
            "DER",
            "-in",
            path_str(&signature),
            "-content",
            path_str(&content),
            "-CAfile",
            path_str(&anchor),
            "-purpose",
            "any",
            "-out",
            "/dev/null",
        ],
    );
    assert!(!refused.contains("Verification successful"), "{refused}");
}

#[test]
fn a_key_that_is_not_the_certificates_is_refused() {
    let (cert, _) = demo_sealer(AUTHORITY).expect("demo");
    let (_, other_key) = demo_sealer(AUTHORITY).expect("demo");
    assert!(matches!(
        Sealer::from_pem(&cert, &other_key),
        Err(vamt_pdf::PdfError::KeyMismatch)
    ));
    assert!(Sealer::from_pem("not a certificate", &other_key).is_err());
}

#[test]
fn garbage_is_an_error_not_a_panic() {
    assert!(seal(b"%PDF-1.7\nnot really", &sealer(), at(), "x").is_err());
    let record = SignatureRecord {
        signer: "A".into(),
        at: at(),
        method: SignatureMethod::Tan,
        sha256_before: "not hex".into(),
        lines: vec![],
    };
    assert!(append_signature_page(&simple_pdf("x"), &record).is_err());
}
