//! Email addresses confirmed by a single-use link, notifications, and password reset by email
//! without telling who has an account. The mails are read from the outbox (the SMTP delivery
//! is tested in fp-mail).

use crate::common::TestServer;
use fp_storage::Backend;

fn mail_config() -> fp_web::AppConfig {
    fp_web::AppConfig {
        rate_limits: crate::common::generous_limits(),
        mail: fp_web::MailSettings {
            enabled: true,
            public_url: "http://fp.example".into(),
        },
        ..fp_web::AppConfig::default()
    }
}

/// The path of the newest mail's link to `prefix` (waiting up to 5 s for it).
fn link_in_outbox(s: &TestServer, kind: &str, prefix: &str) -> String {
    for _ in 0..100 {
        let mails = s
            .runtime
            .block_on(s.state.store().recent_mails(10))
            .unwrap();
        if let Some(m) = mails.iter().find(|m| m.kind == kind) {
            let at = m.text_body.find(prefix).unwrap();
            let link = m.text_body[at..].split_whitespace().next().unwrap();
            return link.trim_start_matches("http://fp.example").to_string();
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("no {kind} mail");
}

fn address_confirmed_then_password_reset(backend: Backend) {
    let s = TestServer::start_config(backend, mail_config(), None);
    let mut ann = s.visitor();
    let r = ann.post_form(
        "/register",
        &[("username", "ann"), ("password", "vivid otter marble 42")],
    );
    assert_eq!(r.status, 303);
    assert!(ann.get("/account").body.contains("No address yet"));
    assert_eq!(
        ann.post_form("/account/email", &[("email", "not-an-address")])
            .status,
        422
    );
    // Notifications need a confirmed address.
    assert_eq!(
        ann.post_form("/account/notifications", &[("results", "on")])
            .status,
        409
    );
    let r = ann.post_form("/account/email", &[("email", " Ann@Example.ORG ")]);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body.contains("confirmation link to ann@example.org"),
        "{}",
        r.body
    );
    assert!(r.body.contains("waiting for confirmation"));
    let mails = s.runtime.block_on(s.state.store().recent_mails(5)).unwrap();
    assert_eq!(mails.len(), 1);
    assert_eq!(
        (mails[0].recipient.as_str(), mails[0].status.as_str()),
        ("ann@example.org", "pending")
    );
    assert!(
        mails[0]
            .html_body
            .contains("<a href=\"http://fp.example/account/email/confirm?token=")
    );

    // A reset for an address nobody has confirmed yet queues nothing.
    let mut stranger = s.visitor();
    let r = stranger.post_form("/password-reset", &[("email", "ann@example.org")]);
    assert_eq!(r.status, 200);
    let unknown = stranger.post_form("/password-reset", &[("email", "bob@example.org")]);
    assert_eq!(
        r.body.replace("ann@example.org", "X"),
        unknown.body.replace("bob@example.org", "X"),
        "the same answer whether or not an account has the address"
    );

    let confirm = link_in_outbox(&s, "confirm", "http://fp.example/account/email/confirm");
    let r = stranger.get(&confirm);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("ann@example.org is confirmed"));
    assert_eq!(stranger.get(&confirm).status, 404, "a link works once");
    assert_eq!(stranger.get("/account/email/confirm?token=abc").status, 404);
    assert!(ann.get("/account").body.contains("confirmed."));
    let r = ann.post_form("/account/notifications", &[("results", "on")]);
    assert_eq!(r.status, 200);
    let settings = s
        .runtime
        .block_on(s.state.store().email_settings(1))
        .unwrap();
    assert!(settings.notify_results && !settings.notify_weekly);
    let r = ann.post_form(
        "/account/notifications",
        &[("results", "on"), ("weekly", "on")],
    );
    assert_eq!(r.status, 200);
    let subscribers = s
        .runtime
        .block_on(s.state.store().weekly_subscribers())
        .unwrap();
    assert_eq!(subscribers.len(), 1);
    let unsubscribe = format!("/unsubscribe/{}", subscribers[0].2.clone().unwrap());
    let r = stranger.get(&unsubscribe);
    assert!(r.body.contains("Stop all notification mails"), "{}", r.body);
    let after = s
        .runtime
        .block_on(s.state.store().email_settings(1))
        .unwrap();
    assert!(
        after.notify_weekly,
        "opening the link alone changes nothing"
    );
    assert_eq!(stranger.post_form(&unsubscribe, &[]).status, 200);
    let after = s
        .runtime
        .block_on(s.state.store().email_settings(1))
        .unwrap();
    assert!(!after.notify_results && !after.notify_weekly);
    assert_eq!(
        stranger
            .post_form(&format!("/unsubscribe/{}", "0".repeat(64)), &[])
            .status,
        404
    );

    // Now a reset is mailed to the confirmed address.
    let r = stranger.post_form("/password-reset", &[("email", "ANN@example.org")]);
    assert_eq!(r.status, 200);
    let reset = link_in_outbox(&s, "reset", "http://fp.example/password-reset/");
    assert_eq!(stranger.get(&reset).status, 200);
    assert_eq!(stranger.get("/password-reset/0123").status, 404);
    let weak = stranger.post_form(&reset, &[("password", "password1")]);
    assert_eq!(weak.status, 422, "{}", weak.body);
    let r = stranger.post_form(&reset, &[("password", "amber quokka tunnel 7")]);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("password is changed"));
    assert_eq!(
        stranger
            .post_form(&reset, &[("password", "amber quokka tunnel 8")])
            .status,
        404,
        "the link works once"
    );
    // Every session of the account ended; the new password works, the old one not.
    let r = ann.get("/account");
    assert_eq!((r.status, r.header("location")), (303, Some("/login")));
    let mut again = s.visitor();
    let old = again.post_form(
        "/login",
        &[("username", "ann"), ("password", "vivid otter marble 42")],
    );
    assert_eq!(old.status, 401);
    let new = again.post_form(
        "/login",
        &[("username", "ann"), ("password", "amber quokka tunnel 7")],
    );
    assert_eq!(new.status, 303);
}

#[test]
fn address_confirmed_then_password_reset_on_sqlite() {
    address_confirmed_then_password_reset(Backend::Sqlite);
}

#[test]
fn address_confirmed_then_password_reset_on_postgres() {
    address_confirmed_then_password_reset(Backend::Postgres);
}

#[test]
fn without_smtp_the_pages_say_there_is_no_email() {
    let s = TestServer::start(Backend::Sqlite);
    let mut v = s.visitor();
    v.post_form(
        "/register",
        &[("username", "cleo"), ("password", "vivid otter marble 42")],
    );
    assert!(
        v.get("/account")
            .body
            .contains("This server sends no email")
    );
    assert_eq!(
        v.post_form("/account/email", &[("email", "c@example.org")])
            .status,
        409
    );
    assert!(v.get("/password-reset").body.contains("sends no email"));
    assert_eq!(
        v.post_form("/password-reset", &[("email", "c@example.org")])
            .status,
        409
    );
    let mails = s.runtime.block_on(s.state.store().recent_mails(5)).unwrap();
    assert!(mails.is_empty());
}

#[test]
fn address_changes_are_limited() {
    let config = fp_web::AppConfig {
        rate_limits: fp_web::RateLimitConfig {
            login_account: "3/hour".parse().unwrap(),
            ..crate::common::generous_limits()
        },
        ..mail_config()
    };
    let s = TestServer::start_config(Backend::Sqlite, config, None);
    let mut v = s.visitor();
    v.post_form(
        "/register",
        &[("username", "eve"), ("password", "vivid otter marble 42")],
    );
    for i in 0..3 {
        let r = v.post_form(
            "/account/email",
            &[("email", &format!("victim{i}@example.org"))],
        );
        assert_eq!(r.status, 200, "{}", r.body);
    }
    let r = v.post_form("/account/email", &[("email", "victim9@example.org")]);
    assert_eq!(r.status, 429);
    assert!(r.header("retry-after").is_some());
    let mails = s
        .runtime
        .block_on(s.state.store().recent_mails(10))
        .unwrap();
    assert_eq!(mails.len(), 3);
}
