//! The admin page: staff only (403 for other accounts, the login form for visitors), the
//! database figures of the stats job, "Run now", and the record of who did what.

use crate::common::TestServer;
use fp_engine::scheduler::{Job, Jobs};
use fp_storage::Backend;
use std::sync::Arc;

/// The server's stats job, as `serve` builds it.
fn stats_jobs(store: fp_storage::Store) -> Jobs {
    Jobs::new(vec![Job {
        name: "stats",
        schedule: None,
        work: Arc::new(move || {
            let store = store.clone();
            Box::pin(async move {
                let stats = store.stats().await.map_err(|e| e.to_string())?;
                let keep_from = chrono::Utc::now() - chrono::Duration::days(90);
                store
                    .save_stats_snapshot(&(&stats).into(), keep_from)
                    .await
                    .map_err(|e| e.to_string())?;
                Ok("measured".to_string())
            })
        }),
    }])
}

fn admin_page_is_for_staff_only(backend: Backend) {
    let s = TestServer::start(backend);
    s.state.set_jobs(stats_jobs(s.state.store().clone()));
    let mut anonymous = s.visitor();
    let r = anonymous.get("/admin");
    assert_eq!(
        (r.status, r.header("location")),
        (303, Some("/login")),
        "{}",
        r.body
    );

    let mut dora = s.visitor();
    let r = dora.post_form(
        "/register",
        &[("username", "dora"), ("password", "vivid otter marble 42")],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    for _ in 0..3 {
        assert_eq!(dora.predict("E0", "Arsenal", "Chelsea").status, 200);
    }
    let r = dora.get("/admin");
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(r.body.contains("staff accounts only"), "{}", r.body);
    assert!(r.body.contains("<html"), "the styled error page");
    assert_eq!(dora.post_form("/admin/jobs/stats/run", &[]).status, 403);
    let store = s.state.store().clone();
    let actions = s.runtime.block_on(store.admin_actions(10)).unwrap();
    assert!(actions.is_empty(), "a refused action leaves no record");

    assert!(s.runtime.block_on(store.set_staff("dora", true)).unwrap());
    let r = dora.get("/admin");
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("Not measured yet"), "{}", r.body);
    assert_eq!(dora.post_form("/admin/jobs/nope/run", &[]).status, 404);

    let r = dora.post_form("/admin/jobs/stats/run", &[]);
    assert_eq!(
        (r.status, r.header("location")),
        (303, Some("/admin?started=stats"))
    );
    let mut finished = false;
    for _ in 0..100 {
        let runs = s.runtime.block_on(store.job_runs("stats", 1)).unwrap();
        if runs.first().is_some_and(|r| r.finished_at.is_some()) {
            assert_eq!(runs[0].status, "ok", "{:?}", runs[0].message);
            finished = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(finished, "the stats job ran");
    let stats = s.runtime.block_on(store.stats()).unwrap();
    let r = dora.get("/admin?started=stats");
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Started stats"), "{}", r.body);
    let shown = |id: &str| {
        let at = r.body.find(&format!("id=\"{id}\">")).unwrap() + id.len() + 6;
        r.body[at..].split('<').next().unwrap().replace(',', "")
    };
    assert_eq!(shown("active"), stats.predictions.active.to_string());
    assert_eq!(shown("active"), "3");
    assert_eq!(shown("accounts"), stats.rows("users").to_string());
    assert_eq!(shown("sessions"), stats.rows("sessions").to_string());
    assert!(
        r.body.contains("<td>run-job</td><td>stats</td>"),
        "{}",
        r.body
    );
    let actions = s.runtime.block_on(store.admin_actions(10)).unwrap();
    assert_eq!(
        (
            actions.len(),
            actions[0].username.as_str(),
            actions[0].action.as_str()
        ),
        (1, "dora", "run-job")
    );

    // A mail given up on is sent again from the page.
    let mail = fp_storage::NewMail {
        kind: "test".into(),
        recipient: "x@example.org".into(),
        subject: "s".into(),
        text_body: "t".into(),
        html_body: "<p>t</p>".into(),
    };
    s.runtime.block_on(store.enqueue_mail(&mail)).unwrap();
    let claimed = s
        .runtime
        .block_on(store.claim_mails("test", chrono::Duration::seconds(60), 5))
        .unwrap();
    s.runtime
        .block_on(store.mark_mail_attempt_failed(claimed[0].id, "test", "refused", None))
        .unwrap();
    let r = dora.get("/admin");
    assert!(r.body.contains("1 given up"), "{}", r.body);
    assert!(
        r.body
            .contains(&format!("/admin/mails/{}/resend", claimed[0].id))
    );
    let r = dora.post_form(&format!("/admin/mails/{}/resend", claimed[0].id), &[]);
    assert_eq!(r.status, 303);
    assert_eq!(
        dora.post_form(&format!("/admin/mails/{}/resend", claimed[0].id), &[])
            .status,
        404
    );
    let backlog = s.runtime.block_on(store.outbox_backlog()).unwrap();
    assert_eq!((backlog.pending, backlog.failed), (1, 0));
    let actions = s.runtime.block_on(store.admin_actions(10)).unwrap();
    assert_eq!(actions[0].action, "resend-mail");

    // A weekly report: its page with a chart, and its CSV.
    let week = fp_engine::reports::week_of(chrono::Utc::now().date_naive());
    s.runtime
        .block_on(fp_engine::reports::generate_weekly_report(
            &store,
            &week,
            |_, to, _, _| fp_storage::NewMail {
                kind: "report".into(),
                recipient: to.into(),
                subject: "r".into(),
                text_body: String::new(),
                html_body: String::new(),
            },
        ))
        .unwrap();
    let r = dora.get("/admin");
    assert!(
        r.body.contains(&format!("/admin/reports/{week}")),
        "{}",
        r.body
    );
    let r = dora.get(&format!("/admin/reports/{week}"));
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains(&format!("Weekly report {week}")));
    assert!(
        r.body.contains("<strong id=\"made\">3</strong>"),
        "{}",
        r.body
    );
    let csv = dora.get(&format!("/admin/reports/{week}/csv"));
    assert_eq!(csv.status, 200);
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    assert!(
        csv.body
            .contains(&format!("{week},usage,,predictions_made,3")),
        "{}",
        csv.body
    );
    assert_eq!(dora.get("/admin/reports/1999-W01").status, 404);
    let mut anonymous = s.visitor();
    assert_eq!(
        anonymous.get(&format!("/admin/reports/{week}/csv")).status,
        303
    );

    // Staff no more: refused at once.
    assert!(s.runtime.block_on(store.set_staff("dora", false)).unwrap());
    assert_eq!(dora.get("/admin").status, 403);
    assert_eq!(dora.get(&format!("/admin/reports/{week}")).status, 403);
    assert_eq!(dora.get(&format!("/admin/reports/{week}/csv")).status, 403);
}

#[test]
fn admin_page_is_for_staff_only_on_sqlite() {
    admin_page_is_for_staff_only(Backend::Sqlite);
}

#[test]
fn admin_page_is_for_staff_only_on_postgres() {
    admin_page_is_for_staff_only(Backend::Postgres);
}
