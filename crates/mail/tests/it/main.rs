//! Delivery of the outbox to a real SMTP server (a small one these tests start).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use fp_mail::testing::SmtpServer;
use fp_mail::{Mailer, OutboxSettings, deliver_due};
use fp_storage::testing::TestDb;
use fp_storage::{Backend, NewMail};
use std::time::Duration;

fn mail(n: usize) -> NewMail {
    NewMail {
        kind: "test".into(),
        recipient: format!("user{n}@example.org"),
        subject: format!("Mail number {n}"),
        text_body: format!("Plain text of mail {n}."),
        html_body: format!("<p>HTML of mail {n}.</p>"),
    }
}

fn fast() -> OutboxSettings {
    OutboxSettings {
        every: Duration::from_millis(20),
        batch: 5,
        lease: Duration::from_secs(30),
        first_retry: Duration::from_millis(50),
        max_attempts: 100,
    }
}

/// Each subject's count among what the server received.
fn counts(server: &SmtpServer, n: usize) -> Vec<usize> {
    let got = server.messages();
    (0..n)
        .map(|i| {
            got.iter()
                .filter(|m| m.contains(&format!("Subject: Mail number {i}\n")))
                .count()
        })
        .collect()
}

async fn wait_until_sent(db: &TestDb, total: i64) {
    for _ in 0..300 {
        let b = db.store.outbox_backlog().await.unwrap();
        if b.sent == total {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!(
        "not all sent: {:?}",
        db.store.outbox_backlog().await.unwrap()
    );
}

async fn every_mail_arrives_once_though_the_server_stops_midway(backend: Backend) {
    let db = TestDb::new(backend).await;
    let mut server = SmtpServer::start().await;
    let mailer = Mailer::new(
        &server.url(),
        "Football Predictor <noreply@example.org>",
        None,
    )
    .unwrap();
    for i in 0..6 {
        db.store.enqueue_mail(&mail(i)).await.unwrap();
    }
    let first = deliver_due(&db.store, &mailer, "a", &fast()).await.unwrap();
    assert_eq!(first.sent, 5, "{first:?}");
    server.stop().await;
    for i in 6..12 {
        db.store.enqueue_mail(&mail(i)).await.unwrap();
    }
    // The server is down: attempts fail and are scheduled again; nothing is lost.
    let down = deliver_due(&db.store, &mailer, "a", &fast()).await.unwrap();
    assert_eq!((down.sent, down.given_up), (0, 0), "{down:?}");
    assert!(down.failed > 0);
    let backlog = db.store.outbox_backlog().await.unwrap();
    assert_eq!((backlog.pending, backlog.sent), (7, 5));
    server.restart().await;
    // Two instances work the outbox off together.
    let workers = ["a", "b"]
        .map(|name| fp_mail::spawn_worker(db.store.clone(), mailer.clone(), name.into(), fast()));
    wait_until_sent(&db, 12).await;
    for w in workers {
        w.abort();
    }
    assert_eq!(counts(&server, 12), vec![1; 12], "each mail exactly once");
    let sent = server.messages();
    let one = sent
        .iter()
        .find(|m| m.contains("Subject: Mail number 3\n"))
        .unwrap();
    assert!(one.contains("To: user3@example.org"), "{one}");
    assert!(one.contains("multipart/alternative"), "{one}");
    assert!(one.contains("Message-ID: <fp-outbox-"), "{one}");
    assert!(
        one.contains("text/plain") && one.contains("text/html"),
        "{one}"
    );
    let failed_once = db.store.recent_mails(20).await.unwrap();
    assert!(
        failed_once
            .iter()
            .any(|m| m.attempts > 1 && m.last_error.is_some() && m.sent_at.is_some())
    );
    server.stop().await;
    db.cleanup().await;
}

#[tokio::test]
async fn every_mail_arrives_once_on_sqlite() {
    every_mail_arrives_once_though_the_server_stops_midway(Backend::Sqlite).await;
}

#[tokio::test]
async fn every_mail_arrives_once_on_postgres() {
    every_mail_arrives_once_though_the_server_stops_midway(Backend::Postgres).await;
}

async fn two_instances_never_send_one_mail_twice(backend: Backend) {
    let db = TestDb::new(backend).await;
    let server = SmtpServer::start().await;
    let mailer = Mailer::new(&server.url(), "noreply@example.org", None).unwrap();
    for i in 0..40 {
        db.store.enqueue_mail(&mail(i)).await.unwrap();
    }
    let workers: Vec<_> = ["a", "b", "c"]
        .into_iter()
        .map(|name| fp_mail::spawn_worker(db.store.clone(), mailer.clone(), name.into(), fast()))
        .collect();
    wait_until_sent(&db, 40).await;
    for w in workers {
        w.abort();
    }
    assert_eq!(counts(&server, 40), vec![1; 40]);
    db.cleanup().await;
}

#[tokio::test]
async fn two_instances_never_send_one_mail_twice_on_sqlite() {
    two_instances_never_send_one_mail_twice(Backend::Sqlite).await;
}

#[tokio::test]
async fn two_instances_never_send_one_mail_twice_on_postgres() {
    two_instances_never_send_one_mail_twice(Backend::Postgres).await;
}

#[tokio::test]
async fn a_bad_address_is_given_up_at_once_and_can_be_sent_again() {
    let db = TestDb::new(Backend::Sqlite).await;
    let server = SmtpServer::start().await;
    let mailer = Mailer::new(&server.url(), "noreply@example.org", None).unwrap();
    let mut bad = mail(0);
    bad.recipient = "not an address".into();
    db.store.enqueue_mail(&bad).await.unwrap();
    let r = deliver_due(&db.store, &mailer, "a", &fast()).await.unwrap();
    assert_eq!(r.given_up, 1);
    let backlog = db.store.outbox_backlog().await.unwrap();
    assert_eq!((backlog.pending, backlog.failed), (0, 1));
    let id = db.store.recent_mails(1).await.unwrap()[0].id;
    assert!(db.store.resend_mail(id).await.unwrap());
    assert!(
        !db.store.resend_mail(id).await.unwrap(),
        "only a failed mail"
    );
    assert_eq!(db.store.outbox_backlog().await.unwrap().pending, 1);
    db.cleanup().await;
}

#[test]
fn bad_settings_are_named() {
    let e = Mailer::new("ftp://x", "a@b.org", None).err().unwrap();
    assert!(e.to_string().contains("SMTP_URL"), "{e}");
    let e = Mailer::new("smtp://127.0.0.1:2525", "nobody", None)
        .err()
        .unwrap();
    assert!(e.to_string().contains("MAIL_FROM"), "{e}");
    let e = Mailer::new("smtps://user:secret@host", "a@b.org", None);
    assert!(e.is_ok());
}

async fn delivered_over(security: fp_mail::testing::Security) {
    let db = TestDb::new(Backend::Sqlite).await;
    let server = SmtpServer::start_with(security).await;
    let ca = server.ca_pem().unwrap().as_bytes().to_vec();
    // Without the server's certificate trusted, nothing goes out (and nothing is lost).
    let untrusting = Mailer::new(&server.url(), "noreply@example.org", None).unwrap();
    db.store.enqueue_mail(&mail(0)).await.unwrap();
    let refused = deliver_due(&db.store, &untrusting, "a", &fast())
        .await
        .unwrap();
    assert_eq!((refused.sent, refused.failed), (0, 1), "{refused:?}");
    assert!(server.messages().is_empty());
    let mailer = Mailer::new(&server.url(), "noreply@example.org", Some(&ca)).unwrap();
    wait_for_retry().await;
    let sent = deliver_due(&db.store, &mailer, "a", &fast()).await.unwrap();
    assert_eq!(sent.sent, 1, "{sent:?}");
    assert_eq!(counts(&server, 1), vec![1]);
    db.cleanup().await;
}

async fn wait_for_retry() {
    tokio::time::sleep(fast().first_retry * 2).await;
}

#[tokio::test]
async fn mail_goes_over_tls_from_the_start() {
    delivered_over(fp_mail::testing::Security::Implicit).await;
}

#[tokio::test]
async fn mail_goes_over_starttls() {
    delivered_over(fp_mail::testing::Security::StartTls).await;
}
