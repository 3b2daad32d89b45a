//! Outgoing e-mail: real SMTP through lettre, or an outbox folder when no server is set.
use std::path::PathBuf;

use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// Mail delivery errors.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// The configured SMTP URL cannot be used.
    #[error("SMTP configuration: {0}")]
    Config(String),
    /// The message could not be built (bad address).
    #[error("message: {0}")]
    Build(String),
    /// The SMTP conversation failed.
    #[error("SMTP delivery: {0}")]
    Smtp(String),
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

    /// Sends one mail. `reference` names it in logs and outbox file names (a booking ID,
    /// never the address).
    pub async fn send(&self, mail: Mail, reference: &str) -> Result<(), MailError> {
        let to: Mailbox = mail
            .to
            .parse()
            .map_err(|e: lettre::address::AddressError| MailError::Build(e.to_string()))?;
        let builder = Message::builder()
            .from(self.from.clone())
            .to(to)
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
        match &self.transport {
            Transport::Smtp(smtp) => {
                smtp.send(message)
                    .await
                    .map_err(|e| MailError::Smtp(e.to_string()))?;
                tracing::info!(reference, "mail delivered to SMTP server");
            }
            Transport::Outbox(dir) => {
                tokio::fs::create_dir_all(dir).await?;
                let name = format!(
                    "{}-{}.eml",
                    chrono::Utc::now().format("%Y%m%dT%H%M%S%.3f"),
                    reference
                );
                let path = dir.join(name);
                tokio::fs::write(&path, message.formatted()).await?;
                tracing::info!(reference, path = %path.display(), "no SMTP server configured: mail written to outbox");
            }
        }
        Ok(())
    }
}
