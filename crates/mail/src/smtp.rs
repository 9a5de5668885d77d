use fp_storage::OutboxMail;
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;

/// Why mail cannot be set up or sent.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("SMTP_URL {url}: {message}")]
    BadUrl { url: String, message: String },
    #[error("MAIL_FROM \"{0}\" is not an email address")]
    BadFrom(String),
    #[error("\"{address}\" is not an email address: {message}")]
    BadRecipient { address: String, message: String },
    #[error("the message cannot be built: {0}")]
    Build(String),
    #[error("the SMTP server refused or did not answer: {0}")]
    Send(String),
}

/// An SMTP connection and the sender's address.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    /// `url`: `smtp://host:port` (plain), `smtp://host:port?tls=required` (STARTTLS),
    /// `smtps://user:pass@host` (TLS from the start, rustls); `from`: `Name <address>` or an
    /// address.
    pub fn new(url: &str, from: &str) -> Result<Mailer, MailError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| MailError::BadUrl {
                url: fp_secrets::redact_url(url),
                message: e.to_string(),
            })?
            .timeout(Some(Duration::from_secs(20)))
            .build();
        let from = from
            .parse::<Mailbox>()
            .map_err(|_| MailError::BadFrom(from.to_string()))?;
        Ok(Mailer { transport, from })
    }

    /// Sends one mail of the outbox.
    pub async fn send(&self, mail: &OutboxMail) -> Result<(), MailError> {
        let to = mail
            .recipient
            .parse::<Mailbox>()
            .map_err(|e| MailError::BadRecipient {
                address: mail.recipient.clone(),
                message: e.to_string(),
            })?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .multipart(MultiPart::alternative_plain_html(
                mail.text_body.clone(),
                mail.html_body.clone(),
            ))
            .map_err(|e| MailError::Build(e.to_string()))?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| MailError::Send(e.to_string()))
    }
}
