//! The backtest on the real data: per-match file and quality against the published anchors.

use std::process::Command;

/// RPS of the anchor models on the same protocol (both teams ≥ 5 matches in the window):
/// Elo + ordered logit and penaltyblog's Dixon-Coles; the better (lower) of the two.
const ANCHORS: [(&str, f64); 3] = [("E0", 0.2007), ("SP1", 0.1969), ("D1", 0.2045)];

#[test]
fn backtest_writes_every_match_and_beats_the_anchor_models() {
    let Some(data) = fp_testdata::football_data_dir() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("bt.csv");
    let summary = dir.path().join("summary.json");
    let run = Command::new(env!("CARGO_BIN_EXE_football-predictor"))
        .args([
            "backtest",
            "--leagues",
            "E0,SP1,D1",
            "--seasons",
            "2022-23,2023-24,2024-25",
        ])
        .arg("--data")
        .arg(&data)
        .arg("--output")
        .arg(&out)
        .arg("--summary-json")
        .arg(&summary)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let table = String::from_utf8_lossy(&run.stdout);
    assert!(table.contains("PS RPS"), "{table}");
    assert!(table.contains("calibration"), "{table}");

    let text = std::fs::read_to_string(&out).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(
        &header[..8],
        [
            "league",
            "date",
            "home_team",
            "away_team",
            "p_home",
            "p_draw",
            "p_away",
            "result"
        ]
    );
    let rows: Vec<Vec<String>> = lines
        .map(|l| l.split(',').map(String::from).collect())
        .collect();
    // Every match of the three seasons, promoted teams included.
    assert_eq!(rows.len(), 3 * 380 + 3 * 380 + 3 * 306);
    for r in &rows {
        let p: f64 = r[4..7].iter().map(|v| v.parse::<f64>().unwrap()).sum();
        assert!((p - 1.0).abs() < 1e-4);
        assert!(["H", "D", "A"].contains(&r[7].as_str()));
        assert_eq!(r[1].len(), 10);
    }
    assert!(
        rows.iter()
            .any(|r| r[2] == "Ipswich" && r[1].starts_with("2024-08"))
    );

    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&summary).unwrap()).unwrap();
    for (league, anchor) in ANCHORS {
        let row = json
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["league"] == league && r["season"] == "all" && r["subset"] == "both>=5")
            .unwrap();
        let rps = row["model"]["rps"].as_f64().unwrap();
        let pinnacle = row["pinnacle_close"]["rps"].as_f64().unwrap();
        assert!(
            rps < anchor,
            "{league}: RPS {rps} does not beat the anchor {anchor}"
        );
        assert!(
            pinnacle < rps,
            "{league}: the closing odds should still be better"
        );
    }
}
