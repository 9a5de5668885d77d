//! Email: the SMTP connection (`SMTP_URL`, `MAIL_FROM`) and the delivery of the outbox.
//!
//! Every mail is a row of the outbox table (see `fp_storage::email`), written in the same
//! transaction as its cause. [`deliver_due`] claims due rows for a lease, sends each as a
//! plain-text + HTML message, and marks it sent, or schedules a retry with exponential backoff
//! (given up after [`OutboxSettings::max_attempts`], then visible on the admin page, where
//! staff can send it again). Instances sharing a database never hold the same row at once;
//! while the SMTP server is down the rows wait, so nothing is lost.

pub mod compose;
mod outbox;
mod smtp;
#[cfg(feature = "testing")]
pub mod testing;

pub use outbox::{DeliveryReport, OutboxSettings, deliver_due, spawn_worker};
pub use smtp::{MailError, Mailer};
