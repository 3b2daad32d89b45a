//! What a citizen types, checked: a name and an e-mail address, as the booking form, the
//! waiting list, the clerk's phone booking and the API take them.
//!
//! Kept free of the rest of the portal (no `crate::` paths) so that `portal/fuzz` compiles
//! this very file into its fuzz target without building the portal's database, media and
//! TLS stack (see portal/fuzz/Cargo.toml).

/// The longest name taken, in characters.
pub const NAME_MAX_CHARS: usize = 100;

/// The longest address taken, in bytes: RFC 5321's limit for a path.
pub const EMAIL_MAX_BYTES: usize = 254;

/// A name as given, trimmed; `None` if empty, over [`NAME_MAX_CHARS`], or with control
/// characters.
pub fn name(name: &str) -> Option<String> {
    let name = name.trim();
    let ok = !name.is_empty()
        && name.chars().count() <= NAME_MAX_CHARS
        && !name.chars().any(|c| c.is_control() || is_bidi_control(c));
    ok.then(|| name.to_owned())
}

/// Characters that change the direction of the text around them (embeddings, overrides,
/// isolates). No name needs one (a right-to-left name is right-to-left by its letters), and
/// one in a name could reorder the labels around it wherever it is shown.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// An e-mail address as given, trimmed; `None` unless the portal can send mail to it.
///
/// The address is parsed by lettre exactly as the sender does (`mail::Mailer::compose`
/// reads it as a `Mailbox`, `transmit` as an `Address`), so an address taken here never
/// fails there, which left its booking held, unconfirmable, until the hold lapsed. On top,
/// our own rules: a bare address (no display name, nothing lettre's mailbox parser would
/// skip), a domain with a dot (no mail to a host of the local network), at most
/// [`EMAIL_MAX_BYTES`].
pub fn email(email: &str) -> Option<String> {
    let e = email.trim();
    let (_, domain) = e.rsplit_once('@')?;
    let ours = e.len() <= EMAIL_MAX_BYTES
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.');
    let sendable = e.parse::<lettre::Address>().is_ok()
        && e.parse::<lettre::message::Mailbox>()
            .is_ok_and(|m| m.name.is_none() && AsRef::<str>::as_ref(&m.email) == e);
    (ours && sendable).then(|| e.to_owned())
}

#[cfg(test)]
mod tests {
    use super::{email, name};

    #[test]
    fn addresses_mail_can_be_sent_to_are_taken() {
        for ok in [
            "erika.mustermann@example.org",
            "a+b@sub.example.de",
            "o'brien@example.ie",
        ] {
            assert_eq!(email(ok).as_deref(), Some(ok), "{ok}");
        }
        assert_eq!(
            email("  ada@example.org\n").as_deref(),
            Some("ada@example.org")
        );
    }

    #[test]
    fn junk_and_what_lettre_refuses_are_not() {
        for bad in [
            "",
            "no-at",
            "@example.org",
            "a@b",
            "a b@example.org",
            "a@example.",
            "a@.org",
            "x@y.z,evil@z.org",
            "x<y>@example.org",
            // Taken by an earlier check of our own, refused by lettre when the mail was
            // composed: the booking stayed held until it lapsed.
            "a;b@example.org",
            "a(b)@example.org",
            "a..b@example.org",
            "Ada <ada@example.org>",
            "a@example.org\r\nBcc: x@example.org",
        ] {
            assert_eq!(email(bad), None, "{bad:?}");
        }
        let long = format!("{}@example.org", "a".repeat(250));
        assert_eq!(email(&long), None);
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(name("  Ada Lovelace ").as_deref(), Some("Ada Lovelace"));
        assert_eq!(name("Ünal Çelik").as_deref(), Some("Ünal Çelik"));
        assert_eq!(name("مريم حداد").as_deref(), Some("مريم حداد"));
        for bad in [
            "",
            "   ",
            "Ada\u{0}",
            "Ada\nBcc",
            "\u{202E}ecilA",
            "Ali\u{2067}ce",
            "Bob\u{200F}",
        ] {
            assert_eq!(name(bad), None, "{bad:?}");
        }
        assert!(name(&"x".repeat(100)).is_some());
        assert_eq!(name(&"x".repeat(101)), None);
    }
}
