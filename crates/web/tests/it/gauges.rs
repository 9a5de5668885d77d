//! The database gauges of `/metrics` come from the stats job's stored measurement.

use crate::common::TestServer;
use fp_storage::Backend;
use fp_storage::testing::TestDb;

#[test]
fn metrics_show_the_latest_database_measurement() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let db = runtime.block_on(TestDb::new(Backend::Sqlite));
    let stats = runtime.block_on(db.store.stats()).unwrap();
    runtime
        .block_on(db.store.save_stats_snapshot(
            &(&stats).into(),
            chrono::Utc::now() - chrono::Duration::days(1),
        ))
        .unwrap();
    let s = TestServer::start_config(
        Backend::Sqlite,
        fp_web::AppConfig {
            rate_limits: crate::common::generous_limits(),
            ..fp_web::AppConfig::default()
        },
        Some(db.url.clone()),
    );
    let mut v = s.visitor();
    let mut body = String::new();
    for _ in 0..50 {
        body = v.get("/metrics").body;
        if body.contains("database_size_bytes ") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let value = |name: &str| {
        body.lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.rsplit(' ').next())
            .and_then(|v| v.parse::<f64>().ok())
    };
    assert_eq!(
        value("database_size_bytes "),
        Some(stats.size.total_bytes as f64),
        "{body}"
    );
    assert!(body.contains("table_rows{table=\"predictions\"}"), "{body}");
    assert!(
        body.contains("predictions_stored{state=\"active\"}"),
        "{body}"
    );
    drop(s);
    runtime.block_on(db.cleanup());
}
