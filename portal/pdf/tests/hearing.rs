//! The hearing letter and receipt in German, Greek, Russian and Arabic, as a reader sees
//! them: poppler's `pdftotext` reads the text back, `pdffonts` sees the embedded CID TrueType
//! fonts, `pdfinfo` counts the merged file's pages, and the QR code on poppler's rendering
//! decodes (rqrr) to the login link byte for byte.
//!
//! They need poppler-utils and fonts-dejavu-core (`scripts/install-deps test`); without them
//! they fail and say so, rather than pass without having looked.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

use unicode_normalization::UnicodeNormalization;
use vamt_pdf::{
    hearing_receipt_pdf, letter_pdf, letters_pdf, Direction, HearingReceiptDoc, LetterDoc,
    PdfError, UnicodeFonts, DEFAULT_FONT_DIR,
};

const CASE: &str = "OWI-2026-004711";
const URL: &str = "https://amt.example/anhoerung/login?code=K7QX-M2PA-9WTZ";

fn fonts() -> UnicodeFonts {
    UnicodeFonts::load(DEFAULT_FONT_DIR)
        .unwrap_or_else(|e| panic!("{e} (scripts/install-deps installs fonts-dejavu-core)"))
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

/// One language's texts for a letter.
struct Texts {
    letterhead: Vec<String>,
    recipient: Vec<String>,
    title: &'static str,
    intro: &'static str,
    facts: Vec<(String, String)>,
    respond: &'static str,
    code_label: &'static str,
    caption: &'static str,
    keep: &'static str,
    footer: Vec<String>,
    direction: Direction,
}

impl Texts {
    fn doc(&self) -> LetterDoc<'_> {
        LetterDoc {
            letterhead: &self.letterhead,
            recipient: &self.recipient,
            title: self.title,
            intro: self.intro,
            facts: &self.facts,
            respond: self.respond,
            access_code_label: self.code_label,
            access_code: "K7QX-M2PA-9WTZ",
            login_url: URL,
            qr_caption: self.caption,
            keep_note: self.keep,
            footer: &self.footer,
            direction: self.direction,
        }
    }
}

fn german() -> Texts {
    Texts {
        letterhead: strings(&["Stadt Musterstadt – Bußgeldstelle", "Rathausplatz 1, 12345 Musterstadt"]),
        recipient: strings(&["Jürgen Müßig", "Weg 3", "12345 Musterstadt"]),
        title: "Anhörung im Bußgeldverfahren",
        intro: "Sehr geehrter Herr Müßig, mit Ihrem Fahrzeug wurde die unten beschriebene \
                Ordnungswidrigkeit festgestellt. Sie haben Gelegenheit, sich zu äußern.",
        facts: pairs(&[
            ("Aktenzeichen", CASE),
            ("Tatvorwurf", "Überschreitung der zulässigen Höchstgeschwindigkeit innerhalb geschlossener Ortschaften um 21 km/h"),
            ("Tatzeit", "03.12.2026, 14:12 Uhr"),
            ("Tatort", "Musterstadt, Hauptstraße 12, Fahrtrichtung Süd"),
            ("Kennzeichen", "M-AB 1234"),
            ("Rechtsgrundlage", "§ 41 Abs. 1 i. V. m. Anlage 2, § 49 StVO; § 24 StVG"),
            ("Sanktion", "Verwarnungsgeld 70,00 €"),
        ]),
        respond: "Antworten Sie bitte innerhalb einer Woche online unter https://amt.example/anhoerung \
                  mit dem folgenden Zugangscode oder scannen Sie den QR-Code.",
        code_label: "Ihr Zugangscode",
        caption: "Mit dem Smartphone scannen",
        keep: "Bitte bewahren Sie dieses Schreiben auf. Der Zugangscode ist persönlich.",
        footer: strings(&["Stadt Musterstadt · Bußgeldstelle · Telefon 01234 5678-0"]),
        direction: Direction::Ltr,
    }
}

fn greek() -> Texts {
    Texts {
        letterhead: strings(&["Δήμος Musterstadt – Υπηρεσία Προστίμων"]),
        recipient: strings(&["Γιώργος Παπαδόπουλος", "Weg 3", "12345 Musterstadt"]),
        title: "Ακρόαση στη διαδικασία προστίμου",
        intro: "Αγαπητέ κύριε, με το όχημά σας διαπιστώθηκε η παράβαση που περιγράφεται παρακάτω.",
        facts: pairs(&[("Αριθμός υπόθεσης", CASE), ("Πρόστιμο", "70,00 €")]),
        respond: "Απαντήστε ηλεκτρονικά στη διεύθυνση https://amt.example/anhoerung.",
        code_label: "Ο κωδικός πρόσβασής σας",
        caption: "Σαρώστε με το κινητό",
        keep: "Φυλάξτε αυτή την επιστολή.",
        footer: strings(&["Δήμος Musterstadt"]),
        direction: Direction::Ltr,
    }
}

fn russian() -> Texts {
    Texts {
        letterhead: strings(&["Город Мустерштадт – Отдел штрафов"]),
        recipient: strings(&["Иван Петров", "Weg 3", "12345 Musterstadt"]),
        title: "Слушание по делу об административном правонарушении",
        intro: "Уважаемый господин Петров, на вашем транспортном средстве зафиксировано нарушение.",
        facts: pairs(&[("Номер дела", CASE), ("Штраф", "70,00 €")]),
        respond: "Ответьте онлайн по адресу https://amt.example/anhoerung.",
        code_label: "Ваш код доступа",
        caption: "Сканируйте смартфоном",
        keep: "Сохраните это письмо.",
        footer: strings(&["Город Мустерштадт"]),
        direction: Direction::Ltr,
    }
}

const ARABIC_TITLE: &str = "جلسة استماع في إجراءات الغرامة";
const ARABIC_WORDS: [&str; 4] = ["جلسة", "استماع", "الغرامة", "المخالفة"];

fn arabic() -> Texts {
    Texts {
        letterhead: strings(&["مدينة موسترشتات – مكتب الغرامات"]),
        recipient: strings(&["أحمد علي", "Weg 3", "12345 Musterstadt"]),
        title: ARABIC_TITLE,
        intro: "السيد المحترم، تم رصد المخالفة الموضحة أدناه بمركبتك. لا داعي للقلق.",
        facts: pairs(&[
            ("رقم القضية", CASE),
            ("المخالفة", "تجاوز السرعة المسموح بها بمقدار 21 كم/س"),
            ("الغرامة", "70,00 €"),
        ]),
        respond: "يرجى الرد عبر الإنترنت على https://amt.example/anhoerung خلال أسبوع.",
        code_label: "رمز الدخول الخاص بك",
        caption: "امسح الرمز بهاتفك",
        keep: "يرجى الاحتفاظ بهذه الرسالة.",
        footer: strings(&["مدينة موسترشتات"]),
        direction: Direction::Rtl,
    }
}

/// Runs a poppler tool, failing the test with a clear message if it is not installed.
fn poppler(tool: &str, args: &[&OsStr]) -> String {
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
    String::from_utf8(out.stdout).expect("poppler writes UTF-8")
}

fn write(dir: &Path, name: &str, pdf: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, pdf).expect("write the PDF");
    path
}

fn text(pdf: &Path) -> String {
    poppler(
        "pdftotext",
        &[
            OsStr::new("-enc"),
            OsStr::new("UTF-8"),
            pdf.as_os_str(),
            OsStr::new("-"),
        ],
    )
}

fn pages(pdf: &Path) -> usize {
    let info = poppler("pdfinfo", &[pdf.as_os_str()]);
    info.lines()
        .find_map(|line| line.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("pdfinfo reports the pages")
}

/// Page `page` rendered at 150 dpi in grey, into `prefix`.png-less PGM: (width, height, pixels).
fn render(pdf: &Path, page: usize, prefix: &Path) -> (usize, usize, Vec<u8>) {
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

/// A binary PGM (P5, 8 bits): four whitespace-separated header fields.
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
    let width: usize = fields[1].parse().expect("width");
    let height: usize = fields[2].parse().expect("height");
    let pixels = data[at + 1..].to_vec();
    assert_eq!(pixels.len(), width * height);
    (width, height, pixels)
}

fn qr_codes(width: usize, height: usize, pixels: &[u8]) -> Vec<Vec<u8>> {
    let mut image =
        rqrr::PreparedImage::prepare_from_greyscale(width, height, |x, y| pixels[y * width + x]);
    image
        .detect_grids()
        .into_iter()
        .map(|grid| {
            let mut bytes = Vec::new();
            grid.decode_to(&mut bytes).expect("the QR code decodes");
            bytes
        })
        .collect()
}

/// `text` with presentation forms folded to letters, without the bidi controls pdftotext
/// puts around runs, and with whitespace collapsed.
fn normal(text: &str) -> String {
    text.nfkc()
        .filter(|c| !matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'))
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("hearing");
    std::fs::create_dir_all(&dir).expect("a folder in CARGO_TARGET_TMPDIR");
    dir
}

#[test]
fn the_german_letter_reads_back_and_its_code_scans() {
    let fonts = fonts();
    let t = german();
    let pdf = letter_pdf(&t.doc(), &fonts).expect("the letter renders");
    // Nothing reads a clock: the same data gives the same bytes.
    assert_eq!(letter_pdf(&t.doc(), &fonts).expect("renders again"), pdf);

    let dir = dir();
    let path = write(&dir, "letter-de.pdf", &pdf);
    let got = normal(&text(&path));
    for expected in [
        "Stadt Musterstadt – Bußgeldstelle",
        "Jürgen Müßig",
        "Anhörung im Bußgeldverfahren",
        CASE,
        "Verwarnungsgeld 70,00 €",
        "§ 41 Abs. 1",
        "https://amt.example/anhoerung",
        "Ihr Zugangscode",
        "K7QX-M2PA-9WTZ",
        "Der Zugangscode ist persönlich.",
    ] {
        assert!(got.contains(expected), "{expected:?} not in {got}");
    }

    let (width, height, pixels) = render(&path, 1, &dir.join("letter-de"));
    assert_eq!(
        qr_codes(width, height, &pixels),
        vec![URL.as_bytes().to_vec()]
    );

    let fonts = poppler("pdffonts", &[path.as_os_str()]);
    let embedded: Vec<&str> = fonts
        .lines()
        .filter(|line| line.contains("DejaVuSans"))
        .collect();
    // Regular, bold, and the monospaced bold of the access code.
    assert_eq!(embedded.len(), 3, "{fonts}");
    for line in embedded {
        assert!(line.contains("CID TrueType"), "{line}");
        // Columns: emb sub uni; all three yes.
        assert!(line.contains("yes yes yes"), "{line}");
    }
}

#[test]
fn greek_and_russian_letters_read_back() {
    let fonts = fonts();
    let dir = dir();
    for (name, t, words) in [
        (
            "el",
            greek(),
            &[
                "Ακρόαση στη διαδικασία προστίμου",
                "Γιώργος Παπαδόπουλος",
                "Φυλάξτε",
            ][..],
        ),
        (
            "ru",
            russian(),
            &["Слушание по делу", "Иван Петров", "Сохраните это письмо."][..],
        ),
    ] {
        let pdf = letter_pdf(&t.doc(), &fonts).expect("the letter renders");
        let path = write(&dir, &format!("letter-{name}.pdf"), &pdf);
        let got = normal(&text(&path));
        for expected in words.iter().chain([&CASE, &"70,00 €"]) {
            assert!(got.contains(expected), "{name}: {expected:?} not in {got}");
        }
    }
}

#[test]
fn the_arabic_letter_reads_back_with_the_case_number_intact() {
    let fonts = fonts();
    let t = arabic();
    let pdf = letter_pdf(&t.doc(), &fonts).expect("the letter renders");
    let dir = dir();
    let path = write(&dir, "letter-ar.pdf", &pdf);
    let got = normal(&text(&path));
    for word in ARABIC_WORDS {
        assert!(got.contains(word), "{word:?} not in {got}");
    }
    // Lam-alef is one glyph; it maps back to both letters.
    assert!(got.contains("لا داعي"), "lam-alef not in {got}");
    assert!(got.contains("الإنترنت") && got.contains("الاحتفاظ"), "{got}");
    assert!(got.contains(CASE), "{CASE} not in {got}");
    assert!(got.contains("https://amt.example/anhoerung"), "{got}");
    assert!(got.contains("K7QX-M2PA-9WTZ"), "{got}");
    assert!(
        got.contains("12345 Musterstadt"),
        "the postal address in its order: {got}"
    );

    // Kept for a look: the Arabic page as poppler draws it.
    poppler(
        "pdftoppm",
        &[
            OsStr::new("-r"),
            OsStr::new("100"),
            OsStr::new("-png"),
            OsStr::new("-singlefile"),
            path.as_os_str(),
            dir.join("letter-ar").as_os_str(),
        ],
    );
    let (width, height, pixels) = render(&path, 1, &dir.join("letter-ar-grey"));
    assert_eq!(
        qr_codes(width, height, &pixels),
        vec![URL.as_bytes().to_vec()]
    );
}

#[test]
fn the_print_file_has_every_letters_pages() {
    let fonts = fonts();
    let dir = dir();
    let mut long = german();
    // A statement of offences long enough for a second page.
    let many: String = (1..=40)
        .map(|n| format!("Punkt {n}: zusätzliche Angabe zur Tat."))
        .collect::<Vec<_>>()
        .join("\n");
    long.facts.push(("Hinweise".to_owned(), many));
    let texts = [german(), long, arabic(), greek()];
    let docs: Vec<LetterDoc> = texts.iter().map(Texts::doc).collect();
    let mut sum = 0;
    for (index, doc) in docs.iter().enumerate() {
        let pdf = letter_pdf(doc, &fonts).expect("the letter renders");
        sum += pages(&write(&dir, &format!("single-{index}.pdf"), &pdf));
    }
    assert!(sum > docs.len(), "the long letter takes two pages");
    let merged = letters_pdf(&docs, &fonts).expect("the print file renders");
    let path = write(&dir, "letters.pdf", &merged);
    assert_eq!(pages(&path), sum);
    // Every letter's first page carries its title; the Arabic letter starts after the
    // long one's last page.
    let first_pages: Vec<String> = (1..=sum)
        .map(|page| {
            let page = page.to_string();
            normal(&poppler(
                "pdftotext",
                &[
                    OsStr::new("-f"),
                    OsStr::new(&page),
                    OsStr::new("-l"),
                    OsStr::new(&page),
                    path.as_os_str(),
                    OsStr::new("-"),
                ],
            ))
        })
        .collect();
    let with_title = |title: &str| {
        first_pages
            .iter()
            .filter(|page| page.contains(&normal(title)))
            .count()
    };
    assert_eq!(with_title("Anhörung im Bußgeldverfahren"), 2);
    assert_eq!(with_title(ARABIC_TITLE), 1);
    assert!(matches!(
        letters_pdf(&[], &fonts),
        Err(PdfError::Content(_))
    ));
}

#[test]
fn the_receipt_reads_back_across_pages() {
    let fonts = fonts();
    let statement: String = (1..=30)
        .map(|n| {
            format!(
                "Absatz {n}: Ich war zur Tatzeit nicht der Fahrer, mein Fahrzeug war verliehen."
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    let facts = pairs(&[
        ("Eingegangen am", "07.12.2026, 18:04 Uhr"),
        ("Art der Antwort", "Ich benenne den Fahrer"),
        ("Stellungnahme", &statement),
        (
            "Benannter Fahrer",
            "Erika Mustermann, Weg 5, 12345 Musterstadt",
        ),
        ("Unterlagen", "Mietvertrag.pdf\nFoto-Übergabe.jpg"),
    ]);
    let letterhead = strings(&["Stadt Musterstadt – Bußgeldstelle"]);
    let footer = strings(&["Aktenzeichen OWI-2026-004711"]);
    let doc = HearingReceiptDoc {
        letterhead: &letterhead,
        title: "Eingangsbestätigung",
        intro: "Ihre Antwort ist bei uns eingegangen.",
        facts: &facts,
        footer: &footer,
        direction: Direction::Ltr,
    };
    let pdf = hearing_receipt_pdf(&doc, &fonts).expect("the receipt renders");
    assert_eq!(hearing_receipt_pdf(&doc, &fonts).expect("again"), pdf);
    let dir = dir();
    let path = write(&dir, "receipt-de.pdf", &pdf);
    assert!(pages(&path) >= 2);
    let got = normal(&text(&path));
    for expected in [
        "Eingangsbestätigung",
        "Absatz 1:",
        "Absatz 30:",
        "Erika Mustermann",
        "Foto-Übergabe.jpg",
    ] {
        assert!(got.contains(expected), "{expected:?} not in {got}");
    }
    // pdftotext drops the narrow spaces around the slash.
    assert!(
        got.replace(' ', "").contains("2/2"),
        "no page number in {got}"
    );

    // Farsi: its own letters (pe, che, gaf, the Farsi yeh and kaf) and digits.
    let farsi_facts = pairs(&[
        ("نوع پاسخ", "من راننده نبودم"),
        ("شماره پرونده", CASE),
        ("مدارک", "قرارداد اجاره.pdf"),
    ]);
    let farsi = HearingReceiptDoc {
        letterhead: &letterhead,
        title: "تأیید دریافت پاسخ",
        intro: "پاسخ شما در تاریخ ۱۴۰۵/۰۹/۱۶ دریافت شد. لطفاً این برگه را نگه دارید.",
        facts: &farsi_facts,
        footer: &footer,
        direction: Direction::Rtl,
    };
    let path = write(
        &dir,
        "receipt-fa.pdf",
        &hearing_receipt_pdf(&farsi, &fonts).expect("the Farsi receipt renders"),
    );
    let got = normal(&text(&path));
    for expected in ["تأیید دریافت پاسخ", "راننده", "پرونده", "نگه", CASE]
    {
        assert!(got.contains(expected), "{expected:?} not in {got}");
    }
}
