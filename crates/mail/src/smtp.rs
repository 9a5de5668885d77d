use fp_storage::OutboxMail;
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;

/// Why mail cannot be set up or sent.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("SMTP_URL {url}: {message}")]
    BadUrl { url: String, message: String },
    #[error("SMTP_CA_FILE: {0}")]
    BadCa(String),
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
    /// address; `ca_pem`: a certificate (PEM) to trust besides the public roots, for a server
    /// with a private certificate authority (`SMTP_CA_FILE`).
    pub fn new(url: &str, from: &str, ca_pem: Option<&[u8]>) -> Result<Mailer, MailError> {
        let bad_url = |message: String| MailError::BadUrl {
            url: fp_secrets::redact_url(url),
            message,
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| bad_url(e.to_string()))?
            .timeout(Some(Duration::from_secs(20)));
        if let Some(pem) = ca_pem {
            use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
            let (wrapper, starttls, host) =
                tls_mode(url).ok_or_else(|| bad_url("no host".into()))?;
            let ca = Certificate::from_pem(pem).map_err(|e| MailError::BadCa(e.to_string()))?;
            let params = TlsParameters::builder(host)
                .add_root_certificate(ca)
                .build_rustls()
                .map_err(|e| MailError::BadCa(e.to_string()))?;
            if wrapper {
                builder = builder.tls(Tls::Wrapper(params));
            } else if let Some(required) = starttls {
                builder = builder.tls(if required {
                    Tls::Required(params)
                } else {
                    Tls::Opportunistic(params)
                });
            }
        }
        let transport = builder.build();
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
        // One Message-ID per outbox row: a mail sent again (an instance died after the SMTP
        // server took it but before the row was marked) is the same message to its reader.
        let message = Message::builder()
            .message_id(Some(format!(
                "<fp-outbox-{}@{}>",
                mail.id,
                self.from.email.domain()
            )))
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

/// From an SMTP URL: TLS from the start (`smtps`), STARTTLS (`Some(required)` from
/// `?tls=required|opportunistic`), and the host the certificate must name.
fn tls_mode(url: &str) -> Option<(bool, Option<bool>, String)> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?']).next()?;
    let host_port = authority.rsplit('@').next()?;
    let host = match host_port.strip_prefix('[') {
        Some(v6) => v6.split(']').next()?.to_string(),
        None => host_port.split(':').next()?.to_string(),
    };
    let tls = rest
        .split_once('?')
        .map(|(_, q)| q)
        .unwrap_or("")
        .split('&')
        .find_map(|kv| kv.strip_prefix("tls="));
    let starttls = match tls {
        Some("required") => Some(true),
        Some("opportunistic") => Some(false),
        _ => None,
    };
    Some((scheme == "smtps", starttls, host))
}

#[cfg(test)]
mod tests {
    use super::tls_mode;

    #[test]
    fn tls_modes_come_from_the_url() {
        assert_eq!(
            tls_mode("smtps://u:p@mail.example.org"),
            Some((true, None, "mail.example.org".into()))
        );
        assert_eq!(
            tls_mode("smtp://mail.example.org:587?tls=required"),
            Some((false, Some(true), "mail.example.org".into()))
        );
        assert_eq!(
            tls_mode("smtp://localhost:2525"),
            Some((false, None, "localhost".into()))
        );
        assert_eq!(
            tls_mode("smtp://[::1]:25?tls=opportunistic"),
            Some((false, Some(false), "::1".into()))
        );
    }
}
