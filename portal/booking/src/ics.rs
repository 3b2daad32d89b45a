//! The calendar file sent with a confirmation (iCalendar, RFC 5545): one event with the
//! appointment, the join link and a reminder. Pure text building.
use chrono::{DateTime, Utc};

/// One appointment as a calendar event.
#[derive(Debug, Clone)]
pub struct Event<'a> {
    /// Stable across updates of the same appointment (the booking ID and the host).
    pub uid: &'a str,
    /// Start.
    pub start: DateTime<Utc>,
    /// End.
    pub end: DateTime<Utc>,
    /// Title (the service).
    pub summary: &'a str,
    /// Text (what to have ready, how to join).
    pub description: &'a str,
    /// Where: the join link.
    pub url: &'a str,
    /// When the file was made.
    pub stamp: DateTime<Utc>,
}

/// 2020-01-01T00:00:00Z, where SEQUENCE counts from.
const SEQUENCE_EPOCH: i64 = 1_577_836_800;

/// The `.ics` file: CRLF line ends, long lines folded at 75 octets, text escaped.
pub fn calendar(e: &Event<'_>) -> String {
    let lines = [
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        "PRODID:-//vamt//virtuelles Amt//DE".to_owned(),
        "CALSCALE:GREGORIAN".to_owned(),
        "METHOD:PUBLISH".to_owned(),
        "BEGIN:VEVENT".to_owned(),
        format!("UID:{}", escape(e.uid)),
        format!("DTSTAMP:{}", utc(e.stamp)),
        // An update (a moved appointment) must carry a higher SEQUENCE than the file it
        // replaces (RFC 5545 §3.8.7.4) for calendars to move the entry: the second the file
        // was made, counted from 2020 (fits the 32-bit integers calendars use until 2088),
        // grows with every update and needs no stored counter.
        format!("SEQUENCE:{}", (e.stamp.timestamp() - SEQUENCE_EPOCH).max(0)),
        format!("DTSTART:{}", utc(e.start)),
        format!("DTEND:{}", utc(e.end)),
        format!("SUMMARY:{}", escape(e.summary)),
        format!("DESCRIPTION:{}", escape(e.description)),
        format!("LOCATION:{}", escape(e.url)),
        format!("URL:{}", e.url),
        "STATUS:CONFIRMED".to_owned(),
        "TRANSP:OPAQUE".to_owned(),
        // A reminder a quarter of an hour before, when the waiting room opens.
        "BEGIN:VALARM".to_owned(),
        "ACTION:DISPLAY".to_owned(),
        format!("DESCRIPTION:{}", escape(e.summary)),
        "TRIGGER:-PT15M".to_owned(),
        "END:VALARM".to_owned(),
        "END:VEVENT".to_owned(),
        "END:VCALENDAR".to_owned(),
    ];
    let mut out = String::new();
    for line in &lines {
        fold(line, &mut out);
    }
    out
}

fn utc(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// TEXT values (RFC 5545 §3.3.11): backslash, semicolon, comma and line breaks escaped.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends `line` folded into lines of at most 75 octets (RFC 5545 §3.1), never inside a
/// UTF-8 character; continuation lines start with a space.
fn fold(line: &str, out: &mut String) {
    let mut width = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event<'a>(description: &'a str, summary: &'a str) -> Event<'a> {
        Event {
            uid: "BK_abc@termine.example.de",
            start: "2026-12-03T09:00:00Z".parse().expect("time"),
            end: "2026-12-03T09:20:00Z".parse().expect("time"),
            summary,
            description,
            url: "https://termine.example.de/call/BK_abc?key=k&lang=de",
            stamp: "2026-12-01T12:00:00Z".parse().expect("time"),
        }
    }

    #[test]
    fn lines_are_crlf_folded_at_75_octets_and_text_is_escaped() {
        let long = "Personalausweis oder Reisepass, Wohnungsgeberbestätigung; bitte\nbereithalten: ä ö ü ß".repeat(3);
        let ics = calendar(&event(&long, "Wohnsitzummeldung, virtuell"));
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"));
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        for line in ics.split("\r\n") {
            assert!(line.len() <= 75, "{} octets: {line}", line.len());
        }
        assert!(!ics.replace("\r\n", "").contains('\n'), "bare line feeds");
        assert!(ics.contains("SUMMARY:Wohnsitzummeldung\\, virtuell\r\n"));
        assert!(ics.contains("DTSTART:20261203T090000Z\r\n"));
        assert!(ics.contains("DTEND:20261203T092000Z\r\n"));
        // Unfolded, the description is the escaped text, every character intact.
        let unfolded = ics.replace("\r\n ", "");
        let desc = unfolded
            .lines()
            .find(|l| l.starts_with("DESCRIPTION:Personal"))
            .expect("description");
        assert_eq!(&desc["DESCRIPTION:".len()..], escape(&long));
        assert!(desc.contains("\\; bitte\\nbereithalten"));
    }

    #[test]
    fn it_parses_back_as_one_event_with_the_appointment() {
        use icalendar::{Calendar, CalendarComponent, Component};
        let ics = calendar(&event("Bitte Ausweis bereithalten.", "Meldebescheinigung"));
        let parsed: Calendar = ics.parse().expect("valid iCalendar");
        let events: Vec<_> = parsed
            .components
            .iter()
            .filter_map(|c| match c {
                CalendarComponent::Event(e) => Some(e),
                _ => None,
            })
            .collect();
        assert_eq!(events.len(), 1);
        let e = events[0];
        assert_eq!(e.get_summary(), Some("Meldebescheinigung"));
        assert_eq!(e.get_uid(), Some("BK_abc@termine.example.de"));
        assert_eq!(e.get_description(), Some("Bitte Ausweis bereithalten."));
        assert!(e
            .property_value("DTSTART")
            .is_some_and(|v| v == "20261203T090000Z"));
    }
}
