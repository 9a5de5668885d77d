//! Two instances sharing a database run each slot once; outcomes are recorded.

use chrono::{TimeZone, Utc};
use fp_engine::scheduler::{Job, JobFn, Jobs, parse_schedule, run_slot};
use fp_storage::Backend;
use fp_storage::testing::TestDb;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

fn counting_job(counter: Arc<AtomicU32>, fail: bool) -> JobFn {
    Arc::new(move || {
        let counter = counter.clone();
        Box::pin(async move {
            counter.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            if fail {
                Err("boom".to_string())
            } else {
                Ok("done".to_string())
            }
        })
    })
}

async fn one_run_per_slot(backend: Backend) {
    let db = TestDb::new(backend).await;
    let runs = Arc::new(AtomicU32::new(0));
    let job = counting_job(runs.clone(), false);
    for minute in 0..3 {
        let slot = Utc
            .with_ymd_and_hms(2026, 1, 1, 2, minute, 0)
            .unwrap()
            .to_rfc3339();
        let slot = slot.as_str();
        // Two instances race for the same slot.
        let (a, b) = tokio::join!(
            run_slot(&db.store, "cleanup", slot, "instance-a", &job),
            run_slot(&db.store, "cleanup", slot, "instance-b", &job),
        );
        assert!(
            a.unwrap().is_some() ^ b.unwrap().is_some(),
            "exactly one instance runs slot {minute}"
        );
    }
    assert_eq!(runs.load(Ordering::SeqCst), 3);
    let recorded = db.store.job_runs("cleanup", 10).await.unwrap();
    assert_eq!(recorded.len(), 3);
    assert!(
        recorded
            .iter()
            .all(|r| r.status == "ok" && r.finished_at.is_some())
    );

    let failing = counting_job(Arc::new(AtomicU32::new(0)), true);
    let slot = Utc
        .with_ymd_and_hms(2026, 1, 2, 2, 0, 0)
        .unwrap()
        .to_rfc3339();
    let outcome = run_slot(&db.store, "refit", &slot, "instance-a", &failing)
        .await
        .unwrap()
        .expect("the only instance runs it");
    assert_eq!(
        (outcome.status, outcome.message.as_str()),
        ("failed", "boom")
    );
    let r = &db.store.job_runs("refit", 1).await.unwrap()[0];
    assert_eq!(
        (r.status.as_str(), r.message.as_deref()),
        ("failed", Some("boom"))
    );
    db.cleanup().await;
}

#[tokio::test]
async fn one_run_per_slot_on_sqlite() {
    one_run_per_slot(Backend::Sqlite).await;
}

#[tokio::test]
async fn one_run_per_slot_on_postgres() {
    one_run_per_slot(Backend::Postgres).await;
}

async fn runs_by_hand_are_recorded_each_time(backend: Backend) {
    let db = TestDb::new(backend).await;
    let runs = Arc::new(AtomicU32::new(0));
    let jobs = Jobs::new(vec![Job {
        name: "stats",
        schedule: None,
        work: counting_job(runs.clone(), false),
    }]);
    for _ in 0..2 {
        let outcome = jobs.run_now(&db.store, "stats", "admin").await.unwrap();
        assert_eq!(outcome.map(|o| o.status), Some("ok"));
    }
    assert_eq!(
        jobs.run_now(&db.store, "nope", "admin").await.unwrap(),
        None
    );
    assert_eq!(runs.load(Ordering::SeqCst), 2);
    let recorded = db.store.job_runs("stats", 10).await.unwrap();
    assert_eq!(recorded.len(), 2);
    assert!(recorded.iter().all(|r| r.slot.starts_with("manual ")));
    db.cleanup().await;
}

#[tokio::test]
async fn runs_by_hand_on_sqlite() {
    runs_by_hand_are_recorded_each_time(Backend::Sqlite).await;
}

#[tokio::test]
async fn runs_by_hand_on_postgres() {
    runs_by_hand_are_recorded_each_time(Backend::Postgres).await;
}

#[test]
fn cron_schedules_parse_and_bad_ones_are_refused() {
    let s = parse_schedule("0 0 2 * * *").unwrap();
    let after = Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap();
    let next = s.after(&after).next().unwrap();
    assert_eq!(next, Utc.with_ymd_and_hms(2026, 3, 2, 2, 0, 0).unwrap());
    assert!(parse_schedule("every day").is_err());
}
