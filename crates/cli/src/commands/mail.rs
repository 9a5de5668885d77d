//! Email settings of `serve`, and the outbox worker.

use anyhow::Context;
use clap::Args;
use std::time::Duration;

#[derive(Debug, Clone, Args)]
pub struct MailArgs {
    /// SMTP server for email: smtp://host:port (plain), smtp://host:port?tls=required
    /// (STARTTLS), smtps://user:pass@host (TLS); unset: no email, and the pages say so
    #[arg(long, env = "SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// A certificate (PEM) to trust for the SMTP server besides the public roots (a private
    /// certificate authority)
    #[arg(long, env = "SMTP_CA_FILE")]
    pub smtp_ca_file: Option<std::path::PathBuf>,
    /// The sender of every mail, e.g. "Football Predictor <noreply@example.org>"
    #[arg(
        long,
        env = "MAIL_FROM",
        default_value = "Football Predictor <noreply@localhost>"
    )]
    pub mail_from: String,
    /// The address visitors reach the site at, for the links in mails (default: from BIND)
    #[arg(long, env = "PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Seconds between two looks at the outbox
    #[arg(long, env = "MAIL_POLL_SECONDS", default_value_t = 5)]
    pub mail_poll_seconds: u64,
}

impl MailArgs {
    pub fn smtp_url(&self) -> Option<&str> {
        self.smtp_url.as_deref().filter(|u| !u.trim().is_empty())
    }

    /// What the pages need to know.
    pub fn settings(&self, bind: &str) -> fp_web::MailSettings {
        let public_url = self
            .public_url
            .clone()
            .filter(|u| !u.trim().is_empty())
            .unwrap_or_else(|| format!("http://{bind}"));
        fp_web::MailSettings {
            enabled: self.smtp_url().is_some(),
            public_url: public_url.trim_end_matches('/').to_string(),
        }
    }

    /// Starts sending the outbox when SMTP is set up.
    pub fn start(&self, store: &fp_storage::Store) -> anyhow::Result<()> {
        let Some(url) = self.smtp_url() else {
            return Ok(());
        };
        let ca = match &self.smtp_ca_file {
            Some(file) => Some(
                std::fs::read(file)
                    .with_context(|| format!("cannot read SMTP_CA_FILE {}", file.display()))?,
            ),
            None => None,
        };
        let mailer = fp_mail::Mailer::new(url, &self.mail_from, ca.as_deref())?;
        let settings = fp_mail::OutboxSettings {
            every: Duration::from_secs(self.mail_poll_seconds.max(1)),
            ..fp_mail::OutboxSettings::default()
        };
        fp_mail::spawn_worker(
            store.clone(),
            mailer,
            fp_engine::scheduler::instance_name(),
            settings,
        );
        Ok(())
    }
}
