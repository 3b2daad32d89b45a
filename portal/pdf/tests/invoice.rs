//! The invoice and the receipt as a reader sees them: poppler's `pdftotext` must read the text
//! back (umlauts and the euro sign included, Russian and Arabic too, with amounts and the
//! IBAN intact), `pdffonts` must see embedded CID TrueType fonts, and the EPC QR code on
//! poppler's rendering of the page must decode, with an independent decoder (rqrr), to the
//! payload byte for byte.
//!
//! These tests need poppler-utils (`scripts/install-deps` installs it); without it they fail
//! and say so, rather than pass without having looked.

use std::ffi::OsStr;
use std::path::Path;
use std::process::Command;

use lopdf::Document;
use unicode_normalization::UnicodeNormalization;
use vamt_pdf::{
    invoice_pdf, receipt_pdf, Direction, InvoiceDoc, InvoiceLine, PdfError, Qr, ReceiptDoc,
    UnicodeFonts, DEFAULT_FONT_DIR,
};

/// The example of `docs/payments.md` § 6.2: 29.00 € on invoice 2026-000042.
const EPC: &str = "BCD\n002\n1\nSCT\nCOBADEFFXXX\nStadtkasse Musterstadt\n\
                   DE89370400440532013000\nEUR29.00\n\nRF022026000042";

fn fonts() -> UnicodeFonts {
    UnicodeFonts::load(DEFAULT_FONT_DIR).expect("DejaVu Sans (fonts-dejavu-core)")
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

fn line(quantity: &str, description: &str, unit: &str, amount: &str) -> InvoiceLine {
    InvoiceLine {
        quantity: quantity.to_owned(),
        description: description.to_owned(),
        unit: unit.to_owned(),
        amount: amount.to_owned(),
    }
}

struct Fixture {
    letterhead: Vec<String>,
    contact: Vec<String>,
    recipient: Vec<String>,
    facts: Vec<(String, String)>,
    lines: Vec<InvoiceLine>,
    notes: Vec<String>,
    payment: Vec<(String, String)>,
    footer: Vec<String>,
}

fn fixture(lines: Vec<InvoiceLine>) -> Fixture {
    Fixture {
        letterhead: strings(&[
            "Stadt Musterstadt – Bürgeramt",
            "Rathausplatz 1, 12345 Musterstadt",
        ]),
        contact: strings(&[
            "Telefon 01234 5678-0",
            "buergeramt@musterstadt.example",
            "Mo–Fr 8–16 Uhr",
        ]),
        recipient: strings(&["Jürgen Müßig", "Weg 3", "12345 Musterstadt"]),
        facts: pairs(&[
            ("Rechnungsnummer", "2026-000042"),
            ("Rechnungsdatum", "07.12.2026"),
            ("Fällig am", "21.12.2026"),
            ("Termin", "07.12.2026, 10:30 Uhr, Videoberatung Meldewesen"),
        ]),
        lines,
        notes: strings(&[
            "Gebühren sind nach § 2 Abs. 3 UStG nicht umsatzsteuerbar (Gebührenfrei von der Umsatzsteuer).",
        ]),
        payment: pairs(&[
            ("Empfänger", "Stadtkasse Musterstadt"),
            ("IBAN", "DE89 3704 0044 0532 0130 00"),
            ("BIC", "COBADEFFXXX"),
            ("Betrag", "29,00 €"),
            ("Verwendungszweck", "RF02 2026 0000 42"),
            ("Zahlbar bis", "21.12.2026"),
        ]),
        footer: strings(&[
            "Stadtkasse Musterstadt · Commerzbank · IBAN DE89 3704 0044 0532 0130 00 · BIC COBADEFFXXX",
        ]),
    }
}

fn few_lines() -> Vec<InvoiceLine> {
    vec![
        line("1", "Meldebescheinigung", "10,00 €", "10,00 €"),
        line(
            "2",
            "Beglaubigte Kopie eines Dokuments aus dem Melderegister, mit Siegel der Meldebehörde und \
             Unterschrift, zur Vorlage bei einer ausländischen Stelle",
            "9,50 €",
            "19,00 €",
        ),
    ]
}

fn invoice(f: &Fixture) -> Result<Vec<u8>, PdfError> {
    invoice_pdf(
        &InvoiceDoc {
            letterhead: &f.letterhead,
            contact: &f.contact,
            recipient: &f.recipient,
            title: "Rechnung",
            facts: &f.facts,
            columns: ["Menge", "Leistung", "Einzelpreis", "Betrag"],
            lines: &f.lines,
            total: ("Gesamt", "29,00 €"),
            notes: &f.notes,
            payment_heading: "Bitte überweisen Sie den Betrag",
            payment: &f.payment,
            qr: Some(Qr {
                payload: EPC,
                label: "GiroCode",
                caption: "Mit der Banking-App scannen",
            }),
            footer: &f.footer,
            direction: Direction::Ltr,
        },
        &fonts(),
    )
}

/// Runs a poppler tool, failing the test with a clear message if it is not installed.
fn poppler(tool: &str, args: &[&OsStr]) -> Vec<u8> {
    let out = Command::new(tool).args(args).output().unwrap_or_else(|e| {
        panic!(
            "`{tool}` could not be run ({e}): these tests need poppler-utils \
             (scripts/install-deps, or apt-get install poppler-utils)"
        )
    });
    assert!(
        out.status.success(),
        "{tool} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn write(dir: &Path, name: &str, pdf: &[u8]) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, pdf).expect("write the PDF");
    path
}

/// The text of the whole document, as `pdftotext -layout` reads it.
fn text(pdf: &Path) -> String {
    let out = poppler(
        "pdftotext",
        &[
            OsStr::new("-layout"),
            OsStr::new("-enc"),
            OsStr::new("UTF-8"),
            pdf.as_os_str(),
            OsStr::new("-"),
        ],
    );
    String::from_utf8(out).expect("pdftotext writes UTF-8")
}

/// A word as `pdftotext -bbox` places it on the page, in points from the top left.
struct Word {
    x_max: f64,
    y_min: f64,
    text: String,
}

/// Every word of the document with its box.
fn words(pdf: &Path) -> Vec<Word> {
    let out = poppler(
        "pdftotext",
        &[OsStr::new("-bbox"), pdf.as_os_str(), OsStr::new("-")],
    );
    let html = String::from_utf8(out).expect("pdftotext writes UTF-8");
    let attribute = |line: &str, name: &str| -> Option<f64> {
        let start = line.find(&format!("{name}=\""))? + name.len() + 2;
        let end = start + line[start..].find('"')?;
        line[start..end].parse().ok()
    };
    html.lines()
        .filter_map(|line| {
            let line = line.trim();
            let text = line.strip_prefix("<word ")?.split_once('>')?.1;
            let text = text.strip_suffix("</word>")?;
            Some(Word {
                x_max: attribute(line, "xMax")?,
                y_min: attribute(line, "yMin")?,
                text: text.to_owned(),
            })
        })
        .collect()
}

/// Page `page` rendered at 150 dpi in grey: (width, height, pixels row by row).
fn render(pdf: &Path, page: usize, dir: &Path) -> (usize, usize, Vec<u8>) {
    let prefix = dir.join(format!("page{page}"));
    let page = page.to_string();
    poppler(
        "pdftoppm",
        &[
            OsStr::new("-r"),
            OsStr::new("150"),
            OsStr::new("-gray"),
            OsStr::new("-f"),
            OsStr::new(&page),
            OsStr::new("-l"),
            OsStr::new(&page),
            OsStr::new("-singlefile"),
            pdf.as_os_str(),
            prefix.as_os_str(),
        ],
    );
    let pgm = std::fs::read(prefix.with_extension("pgm")).expect("pdftoppm wrote the page");
    parse_pgm(&pgm)
}

/// A binary PGM (P5, 8 bits): the header is four whitespace-separated fields, comments
/// start with '#'.
fn parse_pgm(data: &[u8]) -> (usize, usize, Vec<u8>) {
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        while data[at].is_ascii_whitespace() {
            at += 1;
        }
        if data[at] == b'#' {
            while data[at] != b'\n' {
                at += 1;
            }
            continue;
        }
        let start = at;
        while !data[at].is_ascii_whitespace() {
            at += 1;
        }
        fields.push(String::from_utf8_lossy(&data[start..at]).into_owned());
    }
    assert_eq!(fields[0], "P5", "a binary greymap");
    assert_eq!(fields[3], "255", "8 bits per pixel");
    let width: usize = fields[1].parse().expect("width");
    let height: usize = fields[2].parse().expect("height");
    // One whitespace byte ends the header.
    let pixels = data[at + 1..].to_vec();
    assert_eq!(pixels.len(), width * height);
    (width, height, pixels)
}

/// Every QR code on the image, decoded to bytes, with its version and level.
fn decode(width: usize, height: usize, pixels: &[u8]) -> Vec<(Vec<u8>, usize, u16)> {
    let mut image =
        rqrr::PreparedImage::prepare_from_greyscale(width, height, |x, y| pixels[y * width + x]);
    image
        .detect_grids()
        .into_iter()
        .map(|grid| {
            let mut bytes = Vec::new();
            let meta = grid.decode_to(&mut bytes).expect("the QR code decodes");
            (bytes, meta.version.0, meta.ecc_level)
        })
        .collect()
}

fn page_count(pdf: &[u8]) -> usize {
    let doc = Document::load_mem(pdf).expect("lopdf reads the PDF");
    doc.get_pages().len()
}

#[test]
fn the_invoice_reads_back_and_its_code_scans() {
    let f = fixture(few_lines());
    let pdf = invoice(&f).expect("the invoice renders");
    assert_eq!(page_count(&pdf), 1);
    // Nothing reads a clock: the same data gives the same bytes.
    assert_eq!(invoice(&f).expect("renders again"), pdf);

    let dir = tempfile::tempdir().expect("temp dir");
    let path = write(dir.path(), "invoice.pdf", &pdf);
    let text = text(&path);
    for needle in [
        "Rechnung",
        "2026-000042",
        "29,00 €",
        "RF02 2026 0000 42",
        "Meldebescheinigung",
        "Jürgen Müßig",
        "Fällig am",
        "DE89 3704 0044 0532 0130 00",
        "GiroCode",
        "Gebührenfrei von der Umsatzsteuer",
        "Stadt Musterstadt – Bürgeramt",
    ] {
        assert!(text.contains(needle), "{needle:?} not in:\n{text}");
    }
    // The long description wrapped: its start and its end are on different lines.
    let start = text.lines().position(|l| l.contains("Beglaubigte Kopie"));
    let end = text
        .lines()
        .position(|l| l.contains("ausländischen Stelle"));
    assert!(
        matches!((start, end), (Some(s), Some(e)) if e > s),
        "{text}"
    );
    // Amounts are right-aligned: the line's amount and the total end in the same column.
    // Measured on the page, to a point: `pdftotext -layout` counts characters, and the total
    // is set larger than the rows, so its characters are fewer per inch.
    let words = words(&path);
    let right_end = |needle: &str| {
        let y = words.iter().find(|w| w.text == needle).map(|w| w.y_min);
        y.map(|y| {
            words
                .iter()
                .filter(|w| (w.y_min - y).abs() < 1.0)
                .map(|w| w.x_max)
                .fold(f64::MIN, f64::max)
        })
    };
    let (row, total) = (right_end("Meldebescheinigung"), right_end("Gesamt"));
    assert!(
        matches!((row, total), (Some(r), Some(t)) if (r - t).abs() <= 0.5),
        "{row:?} {total:?}\n{text}"
    );

    let (width, height, pixels) = render(&path, 1, dir.path());
    let codes = decode(width, height, &pixels);
    assert_eq!(codes.len(), 1, "one QR code on the page");
    let (bytes, version, level) = &codes[0];
    assert_eq!(bytes, EPC.as_bytes(), "the payload, byte for byte");
    // 96 bytes in byte mode at level M (0 in the format bits) need version 6.
    assert_eq!((*version, *level), (6, 0));
}

#[test]
fn the_code_is_at_least_46_mm_wide() {
    let f = fixture(few_lines());
    let pdf = invoice(&f).expect("the invoice renders");
    let dir = tempfile::tempdir().expect("temp dir");
    let path = write(dir.path(), "invoice.pdf", &pdf);
    let (width, height, pixels) = render(&path, 1, dir.path());
    let mut image =
        rqrr::PreparedImage::prepare_from_greyscale(width, height, |x, y| pixels[y * width + x]);
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1);
    // The bounds are the corners of the symbol (without the quiet zone), in pixels at 150 dpi.
    let [top_left, top_right, _, bottom_left] = grids[0].bounds;
    let mm = |a: rqrr::Point, b: rqrr::Point| {
        let (dx, dy) = ((b.x - a.x) as f64, (b.y - a.y) as f64);
        (dx * dx + dy * dy).sqrt() / 150.0 * 25.4
    };
    let across = mm(top_left, top_right);
    let down = mm(top_left, bottom_left);
    assert!(across >= 46.0 && down >= 46.0, "{across} × {down} mm");
}

#[test]
fn many_lines_flow_onto_a_second_page() {
    // About 28 rows fit on the first page under the head, the rest and the payment block
    // (kept together, about 190 pt with the code) on the second.
    let lines: Vec<InvoiceLine> = (1..=50)
        .map(|i| line("1", &format!("Leistung Nummer {i}"), "0,50 €", "0,50 €"))
        .collect();
    let f = fixture(lines);
    let pdf = invoice(&f).expect("the invoice renders");
    assert_eq!(page_count(&pdf), 2);

    let dir = tempfile::tempdir().expect("temp dir");
    let path = write(dir.path(), "long.pdf", &pdf);
    let text = text(&path);
    // pdftotext separates pages with a form feed.
    let pages: Vec<&str> = text.split('\u{c}').collect();
    assert!(pages[0].contains("Leistung Nummer 1 "), "{text}");
    assert!(pages[1].contains("Leistung Nummer 50"), "{text}");
    // The table's header repeats on the second page, and the pages are numbered.
    assert!(pages[1].contains("Einzelpreis"), "{text}");
    // (pdftotext reads the narrow spaces around the slash as none.)
    let numbered = |page: &str, n: usize| page.replace(' ', "").contains(&format!("{n}/2"));
    assert!(numbered(pages[0], 1) && numbered(pages[1], 2), "{text}");

    // The payment block and its code end the invoice, on the last page.
    let (width, height, pixels) = render(&path, 2, dir.path());
    let codes = decode(width, height, &pixels);
    assert_eq!(codes.len(), 1, "the QR code is on the second page");
    assert_eq!(codes[0].0, EPC.as_bytes());
}

#[test]
fn an_invoice_without_a_code_has_none() {
    let f = fixture(few_lines());
    let pdf = invoice_pdf(
        &InvoiceDoc {
            letterhead: &f.letterhead,
            contact: &f.contact,
            recipient: &f.recipient,
            title: "Invoice",
            facts: &f.facts,
            columns: ["Qty", "Service", "Unit price", "Amount"],
            lines: &f.lines,
            total: ("Total", "CHF 29.00"),
            notes: &f.notes,
            payment_heading: "",
            payment: &f.payment,
            qr: None,
            footer: &[],
            direction: Direction::Ltr,
        },
        &fonts(),
    )
    .expect("renders");
    let dir = tempfile::tempdir().expect("temp dir");
    let path = write(dir.path(), "plain.pdf", &pdf);
    assert!(text(&path).contains("CHF 29.00"));
    let (width, height, pixels) = render(&path, 1, dir.path());
    assert!(decode(width, height, &pixels).is_empty());
}

#[test]
fn a_payload_too_long_for_an_epc_code_is_refused() {
    let f = fixture(few_lines());
    let long = "x".repeat(400);
    let result = invoice_pdf(
        &InvoiceDoc {
            letterhead: &f.letterhead,
            contact: &f.contact,
            recipient: &f.recipient,
            title: "Rechnung",
            facts: &f.facts,
            columns: ["Menge", "Leistung", "Einzelpreis", "Betrag"],
            lines: &f.lines,
            total: ("Gesamt", "29,00 €"),
            notes: &f.notes,
            payment_heading: "",
            payment: &f.payment,
            qr: Some(Qr {
                payload: &long,
                label: "GiroCode",
                caption: "",
            }),
            footer: &f.footer,
            direction: Direction::Ltr,
        },
        &fonts(),
    );
    assert!(matches!(result, Err(PdfError::Content(_))), "{result:?}");
}

#[test]
fn the_receipt_says_paid() {
    let f = fixture(few_lines());
    let facts = pairs(&[
        ("Zahlungsnummer", "pay_01JEXAMPLE"),
        ("Bezahlt am", "07.12.2026"),
        ("Zahlungsweg", "Rechnung (Überweisung)"),
        ("Referenz", "2026-000042"),
    ]);
    let doc = ReceiptDoc {
        letterhead: &f.letterhead,
        contact: &f.contact,
        recipient: &f.recipient,
        title: "Quittung",
        paid_mark: "BEZAHLT",
        facts: &facts,
        columns: ["Menge", "Leistung", "Einzelpreis", "Betrag"],
        lines: &f.lines,
        total: ("Gesamt", "29,00 €"),
        notes: &f.notes,
        footer: &f.footer,
        direction: Direction::Ltr,
    };
    let fonts = fonts();
    let pdf = receipt_pdf(&doc, &fonts).expect("the receipt renders");
    assert_eq!(page_count(&pdf), 1);
    // Rebuilt from the same stored data, the receipt is the same file.
    assert_eq!(receipt_pdf(&doc, &fonts).expect("renders again"), pdf);

    let dir = tempfile::tempdir().expect("temp dir");
    let path = write(dir.path(), "receipt.pdf", &pdf);
    let text = text(&path);
    for needle in [
        "Quittung",
        "BEZAHLT",
        "29,00 €",
        "pay_01JEXAMPLE",
        "Überweisung",
        "Meldebescheinigung",
    ] {
        assert!(text.contains(needle), "{needle:?} not in:\n{text}");
    }
    let (width, height, pixels) = render(&path, 1, dir.path());
    assert!(
        decode(width, height, &pixels).is_empty(),
        "a receipt has no code"
    );
}

/// `text` with presentation forms folded to letters, without the bidi controls pdftotext
/// puts around runs, and with whitespace collapsed.
fn normal(text: &str) -> String {
    text.nfkc()
        .filter(|c| {
            !matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The texts of an invoice and a receipt in one language; the amounts, the IBAN, the
/// reference and the numbers are the caller's, as the portal formats them.
struct Language {
    name: &'static str,
    direction: Direction,
    letterhead: Vec<String>,
    contact: Vec<String>,
    recipient: Vec<String>,
    invoice_title: &'static str,
    receipt_title: &'static str,
    paid: &'static str,
    facts: Vec<(String, String)>,
    receipt_facts: Vec<(String, String)>,
    columns: [&'static str; 4],
    lines: Vec<InvoiceLine>,
    total: &'static str,
    notes: Vec<String>,
    payment_heading: &'static str,
    payment: Vec<(String, String)>,
    qr_caption: &'static str,
    footer: Vec<String>,
    /// Words of the language that must come back from pdftotext.
    words: Vec<&'static str>,
}

fn russian() -> Language {
    Language {
        name: "ru",
        direction: Direction::Ltr,
        letterhead: strings(&["Город Мустерштадт – Бюро граждан", "Ратушная площадь 1"]),
        contact: strings(&["Телефон 01234 5678-0", "buergeramt@musterstadt.example"]),
        recipient: strings(&["Иван Петров", "Weg 3", "12345 Musterstadt"]),
        invoice_title: "Счёт",
        receipt_title: "Квитанция",
        paid: "ОПЛАЧЕНО",
        facts: pairs(&[
            ("Номер счёта", "2026-000042"),
            ("Дата счёта", "07.12.2026"),
            ("Оплатить до", "21.12.2026"),
        ]),
        receipt_facts: pairs(&[
            ("Номер платежа", "pay_01JEXAMPLE"),
            ("Дата оплаты", "07.12.2026"),
            ("Ссылка", "2026-000042"),
        ]),
        columns: ["Кол-во", "Услуга", "Цена", "Сумма"],
        lines: vec![
            line("1", "Справка о регистрации", "10,00 €", "10,00 €"),
            line("2", "Заверенная копия документа", "9,50 €", "19,00 €"),
        ],
        total: "Итого",
        notes: strings(&["Пошлины не облагаются налогом на добавленную стоимость."]),
        payment_heading: "Пожалуйста, переведите сумму",
        payment: pairs(&[
            ("Получатель", "Stadtkasse Musterstadt"),
            ("IBAN", "DE89 3704 0044 0532 0130 00"),
            ("BIC", "COBADEFFXXX"),
            ("Сумма", "29,00 €"),
            ("Назначение платежа", "RF02 2026 0000 42"),
        ]),
        qr_caption: "Сканируйте банковским приложением",
        footer: strings(&["Stadtkasse Musterstadt · IBAN DE89 3704 0044 0532 0130 00"]),
        words: vec![
            "Город Мустерштадт – Бюро граждан",
            "Иван Петров",
            "Справка о регистрации",
            "Заверенная копия документа",
            "Итого",
            "Назначение",
            "Пошлины не облагаются налогом",
        ],
    }
}

fn arabic() -> Language {
    Language {
        name: "ar",
        direction: Direction::Rtl,
        letterhead: strings(&["مدينة موسترشتات – مكتب المواطنين", "ساحة البلدية 1"]),
        contact: strings(&["هاتف 01234 5678-0", "buergeramt@musterstadt.example"]),
        recipient: strings(&["أحمد خليل", "Weg 3", "12345 Musterstadt"]),
        invoice_title: "فاتورة",
        receipt_title: "إيصال",
        paid: "مدفوع",
        facts: pairs(&[
            ("رقم الفاتورة", "2026-000042"),
            ("تاريخ الفاتورة", "07.12.2026"),
            ("تاريخ الاستحقاق", "21.12.2026"),
        ]),
        receipt_facts: pairs(&[
            ("رقم الدفعة", "pay_01JEXAMPLE"),
            ("تاريخ الدفع", "07.12.2026"),
            ("المرجع", "2026-000042"),
        ]),
        columns: ["الكمية", "الخدمة", "سعر الوحدة", "المبلغ"],
        lines: vec![
            line("1", "شهادة تسجيل", "10,00 €", "10,00 €"),
            line("2", "نسخة مصدقة من وثيقة", "9,50 €", "19,00 €"),
        ],
        total: "المجموع",
        notes: strings(&["الرسوم معفاة من ضريبة القيمة المضافة."]),
        payment_heading: "يرجى تحويل المبلغ",
        payment: pairs(&[
            ("المستفيد", "Stadtkasse Musterstadt"),
            ("IBAN", "DE89 3704 0044 0532 0130 00"),
            ("BIC", "COBADEFFXXX"),
            ("المبلغ", "29,00 €"),
            ("المرجع", "RF02 2026 0000 42"),
        ]),
        qr_caption: "امسح الرمز بتطبيق البنك",
        footer: strings(&["Stadtkasse Musterstadt · IBAN DE89 3704 0044 0532 0130 00"]),
        words: vec![
            "مدينة موسترشتات",
            "أحمد خليل",
            "شهادة تسجيل",
            "نسخة مصدقة من وثيقة",
            "المجموع",
            "يرجى تحويل المبلغ",
            "معفاة من ضريبة القيمة المضافة",
        ],
    }
}

/// The fonts poppler lists: every one DejaVu, embedded as a subset CID TrueType font with
/// a ToUnicode map; no standard font, whose WinAnsi would have dropped the script.
fn assert_embedded_cid_truetype(path: &Path) {
    let out = String::from_utf8(poppler("pdffonts", &[path.as_os_str()])).expect("UTF-8");
    let fonts: Vec<&str> = out.lines().skip(2).collect();
    assert!(!fonts.is_empty(), "{out}");
    for font in fonts {
        assert!(font.contains("DejaVuSans"), "{font}");
        assert!(font.contains("CID TrueType"), "{font}");
        // Columns: emb sub uni; all three yes.
        assert!(font.contains("yes yes yes"), "{font}");
    }
}

#[test]
fn russian_and_arabic_invoices_read_back_and_their_codes_scan() {
    let fonts = fonts();
    let dir = tempfile::tempdir().expect("temp dir");
    for t in [russian(), arabic()] {
        let doc = InvoiceDoc {
            letterhead: &t.letterhead,
            contact: &t.contact,
            recipient: &t.recipient,
            title: t.invoice_title,
            facts: &t.facts,
            columns: t.columns,
            lines: &t.lines,
            total: (t.total, "29,00 €"),
            notes: &t.notes,
            payment_heading: t.payment_heading,
            payment: &t.payment,
            qr: Some(Qr {
                payload: EPC,
                label: "GiroCode",
                caption: t.qr_caption,
            }),
            footer: &t.footer,
            direction: t.direction,
        };
        let pdf = invoice_pdf(&doc, &fonts).expect("the invoice renders");
        assert_eq!(page_count(&pdf), 1, "{}", t.name);
        assert_eq!(invoice_pdf(&doc, &fonts).expect("renders again"), pdf);
        let path = write(dir.path(), &format!("invoice-{}.pdf", t.name), &pdf);
        let got = normal(&text(&path));
        for expected in t.words.iter().chain(&[
            t.invoice_title,
            "2026-000042",
            "21.12.2026",
            "10,00 €",
            "19,00 €",
            "29,00 €",
            "DE89 3704 0044 0532 0130 00",
            "RF02 2026 0000 42",
            "COBADEFFXXX",
            "12345 Musterstadt",
            "GiroCode",
        ]) {
            assert!(
                got.contains(expected),
                "{}: {expected:?} not in {got}",
                t.name
            );
        }
        assert_embedded_cid_truetype(&path);
        let (width, height, pixels) = render(&path, 1, dir.path());
        let codes = decode(width, height, &pixels);
        assert_eq!(codes.len(), 1, "{}: one QR code", t.name);
        assert_eq!(codes[0].0, EPC.as_bytes(), "{}", t.name);
    }
}

#[test]
fn russian_and_arabic_receipts_read_back() {
    let fonts = fonts();
    let dir = tempfile::tempdir().expect("temp dir");
    for t in [russian(), arabic()] {
        let doc = ReceiptDoc {
            letterhead: &t.letterhead,
            contact: &t.contact,
            recipient: &t.recipient,
            title: t.receipt_title,
            paid_mark: t.paid,
            facts: &t.receipt_facts,
            columns: t.columns,
            lines: &t.lines,
            total: (t.total, "29,00 €"),
            notes: &t.notes,
            footer: &t.footer,
            direction: t.direction,
        };
        let pdf = receipt_pdf(&doc, &fonts).expect("the receipt renders");
        assert_eq!(page_count(&pdf), 1, "{}", t.name);
        let path = write(dir.path(), &format!("receipt-{}.pdf", t.name), &pdf);
        let got = normal(&text(&path));
        for expected in t.words.iter().take(5).chain(&[
            t.receipt_title,
            t.paid,
            "pay_01JEXAMPLE",
            "2026-000042",
            "10,00 €",
            "29,00 €",
            "DE89 3704 0044 0532 0130 00",
        ]) {
            assert!(
                got.contains(expected),
                "{}: {expected:?} not in {got}",
                t.name
            );
        }
        assert_embedded_cid_truetype(&path);
    }
}

#[test]
fn the_arabic_invoice_is_mirrored() {
    let fonts = fonts();
    let t = arabic();
    let doc = InvoiceDoc {
        letterhead: &t.letterhead,
        contact: &t.contact,
        recipient: &t.recipient,
        title: t.invoice_title,
        facts: &t.facts,
        columns: t.columns,
        lines: &t.lines,
        total: (t.total, "29,00 €"),
        notes: &t.notes,
        payment_heading: t.payment_heading,
        payment: &t.payment,
        qr: None,
        footer: &t.footer,
        direction: Direction::Rtl,
    };
    let pdf = invoice_pdf(&doc, &fonts).expect("the invoice renders");
    let dir = tempfile::tempdir().expect("temp dir");
    let path = write(dir.path(), "mirrored.pdf", &pdf);
    let layout = text(&path);
    // The table's first column (the quantity) is at the right, the amount at the left:
    // on the row of the first service, the amount comes before the description.
    let row = layout
        .lines()
        .map(normal)
        .find(|l| l.contains("شهادة تسجيل"))
        .unwrap_or_default();
    let amount = row.find("10,00 €");
    let description = row.find("شهادة تسجيل");
    assert!(
        matches!((amount, description), (Some(a), Some(d)) if a < d),
        "{row:?}\n{layout}"
    );
}
