//! The weekly report against figures worked out by hand, on both backends.

use chrono::{Datelike, Utc};
use fp_engine::reports::{generate_weekly_report, report_csv, week_of, week_range};
use fp_storage::testing::TestDb;
use fp_storage::{Backend, NewMail, NewPrediction, Owner};

async fn report_of_a_week(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = &db.store;
    let week = week_of(Utc::now().date_naive());
    let (monday, next) = week_range(&week).unwrap();
    let day = |d: chrono::NaiveDate| d.format("%d/%m/%Y").to_string();
    // Last season's meetings make the league and teams.
    store
        .import_matches(&fp_storage::testing::matches_from_text(&format!(
            "Div,Date,HomeTeam,AwayTeam,FTHG,FTAG\nE0,{},Arsenal,Chelsea,1,1\nE0,{},Everton,Fulham,0,0\n",
            day(monday - chrono::Duration::days(200)),
            day(monday - chrono::Duration::days(199)),
        )))
        .await
        .unwrap();
    let league = store.league("E0").await.unwrap().unwrap();
    let id = |name: &'static str| async move {
        store
            .team_by_name(league.id, name)
            .await
            .unwrap()
            .unwrap()
            .id
    };
    let (ars, che, eve, ful) = (
        id("Arsenal").await,
        id("Chelsea").await,
        id("Everton").await,
        id("Fulham").await,
    );
    let ann = store.create_user("ann", "h").await.unwrap().unwrap();
    let bob = store.create_user("bob", "h").await.unwrap().unwrap();
    let made = monday.and_hms_opt(0, 10, 0).unwrap().and_utc();
    let predict = |owner: i64, home: i64, away: i64| NewPrediction {
        owner: Owner::User(owner),
        created_at: made,
        league_id: league.id,
        home_team_id: home,
        away_team_id: away,
        p_home: 0.55,
        p_draw: 0.25,
        p_away: 0.20,
        predicted_home_goals: 1,
        predicted_away_goals: 0,
        xg_home: 1.4,
        xg_away: 0.9,
        outcome: fp_model::Outcome::Home,
        confidence: 0.55,
        model_version_id: None,
        fixture_id: None,
    };
    store
        .insert_predictions(&[predict(ann, ars, che), predict(bob, eve, ful)])
        .await
        .unwrap();
    // This week's results: Arsenal win (ann right), Fulham win (bob wrong).
    let tuesday = monday + chrono::Duration::days(1);
    store
        .import_matches(&fp_storage::testing::matches_from_text(&format!(
            "Div,Date,HomeTeam,AwayTeam,FTHG,FTAG\nE0,{d},Arsenal,Chelsea,2,0\nE0,{d},Everton,Fulham,0,1\n",
            d = day(tuesday)
        )))
        .await
        .unwrap();
    let run = store
        .claim_job_run("sync", "test", "here")
        .await
        .unwrap()
        .unwrap();
    store
        .finish_job_run(run, "failed", "no network")
        .await
        .unwrap();
    // Ann wants the report; she is staff.
    let token = fp_storage::NewEmailToken {
        token_hash: "t".into(),
        user_id: ann,
        purpose: fp_storage::TokenPurpose::ConfirmEmail,
        email: "ann@example.org".into(),
        expires_at: Utc::now() + chrono::Duration::hours(1),
    };
    let confirm = NewMail {
        kind: "confirm".into(),
        recipient: "ann@example.org".into(),
        subject: "c".into(),
        text_body: "c".into(),
        html_body: "c".into(),
    };
    store.request_email_change(&token, &confirm).await.unwrap();
    store.confirm_email(ann, "ann@example.org").await.unwrap();
    store
        .set_notifications_with_token(ann, false, true, "u-ann")
        .await
        .unwrap();
    store.set_staff("ann", true).await.unwrap();

    let (r, mails) = generate_weekly_report(store, &week, |r, to, staff, unsub| {
        fp_mail_stub(r, to, staff, unsub)
    })
    .await
    .unwrap();
    assert_eq!((r.from, r.to), (monday, next));
    assert_eq!(r.leagues.len(), 1);
    let e0 = &r.leagues[0];
    assert_eq!((e0.league.as_str(), e0.graded, e0.right), ("E0", 2, 1));
    // RPS: 0.5 × ((0.55 − 1)² + (0.80 − 1)²) = 0.12125 and 0.5 × (0.55² + 0.80²) = 0.47125.
    assert!((e0.mean_rps - 0.29625).abs() < 1e-9, "{}", e0.mean_rps);
    assert_eq!(e0.calibration, vec![(5, 2, 1)]);
    assert_eq!(
        (r.predictions_made, r.active_accounts, r.active_sessions),
        (2, 2, 0)
    );
    assert_eq!(r.freshness[0].newest_result, Some(tuesday));
    assert_eq!(r.job_failures.len(), 1);
    assert_eq!(
        (r.job_failures[0].job.as_str(), r.job_failures[0].failures),
        ("sync", 1)
    );
    assert_eq!(mails, 1);
    let queued = store.recent_mails(5).await.unwrap();
    let report_mail = queued.iter().find(|m| m.kind == "report").unwrap();
    assert_eq!(report_mail.recipient, "ann@example.org");
    assert_eq!(report_mail.subject, format!("staff {week}"));
    // Stored, and the same when read back.
    assert_eq!(store.report(&week).await.unwrap().as_ref(), Some(&r));
    assert_eq!(store.report_weeks(5).await.unwrap(), vec![week.clone()]);
    // Made again: replaced, not doubled.
    generate_weekly_report(store, &week, fp_mail_stub)
        .await
        .unwrap();
    assert_eq!(store.report_weeks(5).await.unwrap().len(), 1);

    let csv = report_csv(&r).unwrap();
    assert!(csv.starts_with("week,section,league,measure,value\n"));
    assert!(csv.contains(&format!("{week},model,E0,right,1\n")));
    assert!(csv.contains(&format!("{week},model,E0,calibration_50_60,1/2\n")));
    assert!(csv.contains(&format!("{week},jobs,,failed_sync,1\n")));
    assert!(monday.weekday() == chrono::Weekday::Mon);
    db.cleanup().await;
}

fn fp_mail_stub(r: &fp_storage::WeeklyReport, to: &str, staff: bool, _: Option<&str>) -> NewMail {
    NewMail {
        kind: "report".into(),
        recipient: to.into(),
        subject: format!("{} {}", if staff { "staff" } else { "public" }, r.week),
        text_body: String::new(),
        html_body: String::new(),
    }
}

#[tokio::test]
async fn report_of_a_week_on_sqlite() {
    report_of_a_week(Backend::Sqlite).await;
}

#[tokio::test]
async fn report_of_a_week_on_postgres() {
    report_of_a_week(Backend::Postgres).await;
}
