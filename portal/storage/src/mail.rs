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
        let builder = Message::builder()
            .from(self.from.clone())
            .to(to.clone())
            .subject(mail.subject);
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
