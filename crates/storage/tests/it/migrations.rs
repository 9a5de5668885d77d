//! The SQLite migrations that rebuild a table, run step by step on a database holding rows.

use rusqlite::Connection;
use std::path::PathBuf;

/// The SQLite migration files in order, as (version, path).
fn sqlite_migrations() -> Vec<(u32, PathBuf)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("migrations/sqlite");
    let mut files: Vec<(u32, PathBuf)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter_map(|p| {
            let name = p.file_name()?.to_str()?.to_string();
            let version = name.split('_').next()?.parse().ok()?;
            Some((version, p))
        })
        .collect();
    files.sort();
    files
}

/// Applies the migrations whose version satisfies `which`.
fn apply(conn: &Connection, which: impl Fn(u32) -> bool) {
    for (version, path) in sqlite_migrations() {
        if which(version) {
            let sql = std::fs::read_to_string(&path).unwrap();
            conn.execute_batch(&sql)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        }
    }
}

fn save(conn: &Connection, outcome: &str) -> rusqlite::Result<i64> {
    conn.query_row(
        "INSERT INTO predictions (session_id, created_at, league_id, home_team_id, away_team_id, \
         p_home, p_draw, p_away, predicted_home_goals, predicted_away_goals, xg_home, xg_away, \
         outcome, confidence) \
         VALUES ('s', '2026-12-03T10:00:00Z', 1, 1, 2, 0.5, 0.3, 0.2, 1, 0, 1.4, 0.9, ?1, 0.5) \
         RETURNING id",
        [outcome],
        |r| r.get(0),
    )
}

/// The SQL of the table's indexes, by name.
fn indexes(conn: &Connection) -> Vec<(String, String)> {
    let mut stmt = conn
        .prepare(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' \
             AND tbl_name = 'predictions' AND sql IS NOT NULL ORDER BY name",
        )
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// Migration 0013 rebuilds `predictions` for a CHECK that SQLite evaluates without a
/// temporary B-tree per row: the rows, every index and the id counter come through, and an
/// unknown outcome is still refused.
#[test]
fn the_outcome_check_rebuild_keeps_rows_indexes_and_the_id_counter() {
    let conn = Connection::open_in_memory().unwrap();
    conn.execute_batch("PRAGMA foreign_keys = ON").unwrap();
    apply(&conn, |v| v < 13);
    conn.execute_batch(
        "INSERT INTO leagues (id, code, name, created_at) VALUES (1, 'E0', 'Premier League', 't');
         INSERT INTO teams (id, league_id, name) VALUES (1, 1, 'Arsenal'), (2, 1, 'Chelsea');",
    )
    .unwrap();
    let ids: Vec<i64> = ["H", "D", "A", "H"]
        .iter()
        .map(|o| save(&conn, o).unwrap())
        .collect();
    // The newest prediction is deleted: its id must not be handed out again.
    conn.execute("DELETE FROM predictions WHERE id = ?1", [ids[3]])
        .unwrap();
    let before = indexes(&conn);
    let plan = |conn: &Connection| {
        let mut stmt = conn
            .prepare(
                "EXPLAIN INSERT INTO predictions (session_id, created_at, league_id, \
                 home_team_id, away_team_id, p_home, p_draw, p_away, predicted_home_goals, \
                 predicted_away_goals, xg_home, xg_away, outcome, confidence) \
                 VALUES ('s', 't', 1, 1, 2, 0.5, 0.3, 0.2, 1, 0, 1.4, 0.9, 'H', 0.5)",
            )
            .unwrap();
        stmt.query_map([], |r| r.get::<_, String>(1))
            .unwrap()
            .map(Result::unwrap)
            .filter(|op| op == "OpenEphemeral")
            .count()
    };
    assert_eq!(plan(&conn), 1, "the old CHECK builds a temporary B-tree");

    apply(&conn, |v| v == 13);

    assert_eq!(plan(&conn), 0, "no temporary B-tree per inserted row");
    let kept: Vec<(i64, String)> = conn
        .prepare("SELECT id, outcome FROM predictions ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        kept,
        vec![
            (ids[0], "H".to_string()),
            (ids[1], "D".to_string()),
            (ids[2], "A".to_string())
        ]
    );
    assert_eq!(
        indexes(&conn),
        before,
        "every index is made again as it was"
    );
    let next = save(&conn, "D").unwrap();
    assert_eq!(next, ids[3] + 1, "a deleted prediction's id is not reused");
    let refused = save(&conn, "X").unwrap_err();
    assert!(
        refused.to_string().contains("CHECK constraint failed"),
        "{refused}"
    );
    let sequences: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_sequence WHERE name LIKE 'predictions%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(sequences, 1, "one id counter, named after the table");
}
