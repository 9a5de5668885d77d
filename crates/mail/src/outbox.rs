use crate::smtp::{MailError, Mailer};
use fp_storage::Store;
use std::time::Duration;

/// How the outbox is worked off.
#[derive(Debug, Clone)]
pub struct OutboxSettings {
    /// How often due mails are looked for.
    pub every: Duration,
    /// Mails claimed at a time.
    pub batch: i64,
    /// How long a claim holds: another instance takes a mail over only after this (when the
    /// one that claimed it died mid-send).
    pub lease: Duration,
    /// The wait before the first retry; it doubles with each failed attempt, up to an hour.
    pub first_retry: Duration,
    /// Attempts before a mail is given up on.
    pub max_attempts: i32,
}

impl Default for OutboxSettings {
    fn default() -> Self {
        OutboxSettings {
            every: Duration::from_secs(5),
            batch: 20,
            lease: Duration::from_secs(120),
            first_retry: Duration::from_secs(30),
            max_attempts: 10,
        }
    }
}

impl OutboxSettings {
    /// When to try again after `attempts` failed attempts, or `None` to give up.
    fn retry_in(&self, attempts: i32) -> Option<Duration> {
        if attempts >= self.max_attempts {
            return None;
        }
        let factor = 2u32.saturating_pow(u32::try_from(attempts.max(1) - 1).unwrap_or(0));
        Some(
            self.first_retry
                .saturating_mul(factor)
                .min(Duration::from_secs(3600)),
        )
    }
}

/// What one pass over the outbox did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DeliveryReport {
    pub sent: usize,
    pub failed: usize,
    pub given_up: usize,
}

/// Claims the due mails (one batch) and sends them.
pub async fn deliver_due(
    store: &Store,
    mailer: &Mailer,
    instance: &str,
    settings: &OutboxSettings,
) -> Result<DeliveryReport, fp_storage::StorageError> {
    let lease = chrono::Duration::from_std(settings.lease).unwrap_or(chrono::Duration::minutes(2));
    let mails = store.claim_mails(instance, lease, settings.batch).await?;
    let mut report = DeliveryReport::default();
    for mail in mails {
        match mailer.send(&mail).await {
            Ok(()) => {
                store.mark_mail_sent(mail.id, instance).await?;
                metrics::counter!("mails_total", "result" => "sent").increment(1);
                report.sent += 1;
            }
            Err(e) => {
                // A malformed address will not get better; anything else may.
                let attempts = mail.attempts + 1;
                let retry = match e {
                    MailError::BadRecipient { .. } | MailError::Build(_) => None,
                    _ => settings.retry_in(attempts),
                };
                let retry_at = retry.and_then(|d| {
                    chrono::Duration::from_std(d)
                        .ok()
                        .map(|d| chrono::Utc::now() + d)
                });
                if retry_at.is_none() {
                    report.given_up += 1;
                    metrics::counter!("mails_total", "result" => "given_up").increment(1);
                    tracing::error!(mail = mail.id, kind = mail.kind, attempts, error = %e, "mail given up");
                } else {
                    metrics::counter!("mails_total", "result" => "retry").increment(1);
                    tracing::warn!(mail = mail.id, kind = mail.kind, attempts, error = %e, "mail not sent; will retry");
                }
                store
                    .mark_mail_attempt_failed(mail.id, instance, &e.to_string(), retry_at)
                    .await?;
                report.failed += 1;
            }
        }
    }
    Ok(report)
}

/// Works the outbox off every `settings.every`, for as long as the process runs.
pub fn spawn_worker(
    store: Store,
    mailer: Mailer,
    instance: String,
    settings: OutboxSettings,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(settings.every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            // A full batch: there may be more due at once.
            loop {
                match deliver_due(&store, &mailer, &instance, &settings).await {
                    Ok(r) if r.sent + r.failed >= usize::try_from(settings.batch).unwrap_or(1) => {
                        continue;
                    }
                    Ok(_) => break,
                    Err(e) => {
                        tracing::error!(error = %e, "the outbox cannot be read");
                        break;
                    }
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_and_stop() {
        let s = OutboxSettings::default();
        assert_eq!(s.retry_in(1), Some(Duration::from_secs(30)));
        assert_eq!(s.retry_in(2), Some(Duration::from_secs(60)));
        assert_eq!(s.retry_in(4), Some(Duration::from_secs(240)));
        assert_eq!(s.retry_in(9), Some(Duration::from_secs(3600)));
        assert_eq!(s.retry_in(10), None);
    }
}
