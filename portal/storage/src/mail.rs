//! Outgoing e-mail: real SMTP through lettre, or an outbox folder when no server is set.
use std::path::PathBuf;

use lettre::address::Envelope;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// Mail delivery errors.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// The configured SMTP URL cannot be used.
    #[error("SMTP configuration: {0}")]
    Config(String),
    /// The message could not be built (bad address).
    #[error("message: {0}")]
    Build(String),
    /// The SMTP conversation failed: `permanent` when the server refused the message for
    /// good (5xx), otherwise worth another try later; `code` is the server's reply code.
    #[error("SMTP delivery failed ({}, code {})", if *permanent { "refused" } else { "try again" }, code.as_deref().unwrap_or("none"))]
    Smtp {
        /// The server refused the message for good.
        permanent: bool,
        /// The reply code, if the server answered.
        code: Option<String>,
    },
    /// The outbox file could not be written.
    #[error("outbox: {0}")]
    Outbox(#[from] std::io::Error),
}

enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Outbox(PathBuf),
}

/// Sends the portal's e-mails.
pub struct Mailer {
    transport: Transport,
    from: Mailbox,
}

/// An e-mail to send.
pub struct Mail {
    /// Recipient address.
    pub to: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub body: String,
    /// A calendar file (`.ics`) to attach: (file name, contents).
    pub calendar: Option<(String, String)>,
}

impl Mailer {
    /// A mailer over SMTP (`smtp_url`) or, without one, writing to `outbox`.
    pub fn new(smtp_url: Option<&str>, outbox: PathBuf, from: Mailbox) -> Result<Self, MailError> {
        let transport = match smtp_url {
            Some(url) => Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| MailError::Config(e.to_string()))?
                    .build(),
            ),
            None => Transport::Outbox(outbox),
        };
        Ok(Self { transport, from })
    }

    /// Whether mails go to the outbox folder instead of a server.
    pub fn outbox(&self) -> Option<&PathBuf> {
        match &self.transport {
            Transport::Outbox(p) => Some(p),
            Transport::Smtp(_) => None,
        }
    }

    /// Builds the message for `mail`: its recipient's address and the whole RFC 5322 text
    /// (7-bit: lettre encodes bodies and headers as it writes them).
    pub fn compose(&self, mail: Mail) -> Result<Composed, MailError> {
        let to: Mailbox = mail
            .to
            .parse()
            .map_err(|e: lettre::address::AddressError| MailError::Build(e.to_string()))?;
        // A Message-ID (`<random@host>`) lets mail clients thread and spam filters trust the
        // message; MIME-Version is required by RFC 2045 for the plain single-part mails too
        // (lettre adds it to multipart ones only): both were missing in the opt-in mail.
        let builder = Message::builder()
            .from(self.from.clone())
            .to(to.clone())
            .subject(mail.subject)
            .message_id(None)
            .header(lettre::message::header::MIME_VERSION_1_0);
        let message = match mail.calendar {
            None => builder.header(ContentType::TEXT_PLAIN).body(mail.body),
            Some((name, ics)) => {
                let calendar = ContentType::parse("text/calendar; charset=utf-8; method=PUBLISH")
                    .map_err(|e| MailError::Build(e.to_string()))?;
                builder.multipart(
                    MultiPart::mixed()
                        .singlepart(SinglePart::plain(mail.body))
                        .singlepart(Attachment::new(name).body(ics, calendar)),
                )
            }
        }
        .map_err(|e| MailError::Build(e.to_string()))?;
        let text = String::from_utf8(message.formatted())
            .map_err(|_| MailError::Build("message is not 7-bit text".into()))?;
        Ok(Composed {
            to: to.email.to_string(),
            text,
        })
    }

    /// Hands a composed message to the SMTP server, or writes it to the outbox folder.
    /// `reference` names it in logs and outbox file names (a booking ID, never the
    /// address).
    pub async fn transmit(&self, composed: &Composed, reference: &str) -> Result<(), MailError> {
        match &self.transport {
            Transport::Smtp(smtp) => {
                let to: Address = composed
                    .to
                    .parse()
                    .map_err(|e: lettre::address::AddressError| MailError::Build(e.to_string()))?;
                let envelope = Envelope::new(Some(self.from.email.clone()), vec![to])
                    .map_err(|e| MailError::Build(e.to_string()))?;
                smtp.send_raw(&envelope, composed.text.as_bytes())
                    .await
                    .map_err(|e| MailError::Smtp {
                        permanent: e.is_permanent(),
                        // The code only: a server's text may repeat the address.
                        code: e.status().map(|c| c.to_string()),
                    })?;
                tracing::info!(reference, "mail delivered to SMTP server");
            }
            Transport::Outbox(dir) => {
                crate::private_file::dir(dir)?;
                let name = format!(
                    "{}-{}.eml",
                    chrono::Utc::now().format("%Y%m%dT%H%M%S%.3f"),
                    reference
                );
                let path = dir.join(name);
                crate::private_file::write(&path, composed.text.as_bytes()).await?;
                tracing::info!(reference, path = %path.display(), "no SMTP server configured: mail written to outbox");
            }
        }
        Ok(())
    }
}

/// A message ready to go: whom to, and its text.
#[derive(Debug, Clone)]
pub struct Composed {
    /// The recipient's address (the envelope's).
    pub to: String,
    /// The message, headers and body, as sent.
    pub text: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mailer() -> Mailer {
        let from: Mailbox = "Bürgeramt <termine@example.org>".parse().expect("from");
        Mailer::new(None, PathBuf::from("/nonexistent"), from).expect("mailer")
    }

    fn header_count(text: &str, name: &str) -> usize {
        text.lines()
            .take_while(|l| !l.is_empty())
            .filter(|l| {
                l.to_ascii_lowercase()
                    .starts_with(&format!("{}:", name.to_ascii_lowercase()))
            })
            .count()
    }

    #[test]
    fn every_mail_has_one_message_id_and_mime_version() {
        for calendar in [
            None,
            Some((
                "termin.ics".to_owned(),
                "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n".to_owned(),
            )),
        ] {
            let composed = mailer()
                .compose(Mail {
                    to: "erika@example.org".into(),
                    subject: "Bitte bestätigen Sie Ihren Termin".into(),
                    body: "Grüß Gott".into(),
                    calendar,
                })
                .expect("composed");
            assert_eq!(
                header_count(&composed.text, "Message-ID"),
                1,
                "{}",
                composed.text
            );
            assert_eq!(
                header_count(&composed.text, "MIME-Version"),
                1,
                "{}",
                composed.text
            );
            assert!(composed.text.contains("MIME-Version: 1.0"));
        }
        let a = mailer()
            .compose(Mail {
                to: "a@example.org".into(),
                subject: "x".into(),
                body: "y".into(),
                calendar: None,
            })
            .expect("a");
        let b = mailer()
            .compose(Mail {
                to: "a@example.org".into(),
                subject: "x".into(),
                body: "y".into(),
                calendar: None,
            })
            .expect("b");
        let id = |t: &str| {
            t.lines()
                .find(|l| l.starts_with("Message-ID:"))
                .map(str::to_owned)
        };
        assert_ne!(id(&a.text), id(&b.text), "each message its own ID");
    }
}
