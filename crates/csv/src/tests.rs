use super::*;
use chrono::NaiveDate;
use proptest::prelude::*;

const HEADER: &str =
    "Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,FTR,HTHG,HTAG,HTR,HST,AST,PSH,PSD,PSA,PSCH,PSCD,PSCA";

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

#[test]
fn parses_a_plain_file() {
    let text = format!(
        "{HEADER}\nE0,16/08/2024,Man United,Fulham,1,0,H,0,0,D,5,2,1.63,4.38,5.3,1.6,4.2,5.5\n"
    );
    let rows = parse(text.as_bytes(), "a.csv").unwrap();
    assert_eq!(rows.len(), 1);
    let m = &rows[0];
    assert_eq!(m.league, "E0");
    assert_eq!(m.date, d(2024, 8, 16));
    assert_eq!(m.home_team, "Man United");
    assert_eq!(
        (m.home_goals, m.away_goals, m.result),
        (1, 0, Outcome::Home)
    );
    assert_eq!(m.half_time_result, Some(Outcome::Draw));
    assert_eq!(m.stats.home_shots_on_target, Some(5));
    assert_eq!(
        m.odds.pinnacle_close,
        Some(Odds1x2 {
            home: 1.6,
            draw: 4.2,
            away: 5.5
        })
    );
    assert_eq!(m.line, 2);
    assert_eq!(m.season(), "2024-25");
}

#[test]
fn strips_a_byte_order_mark() {
    let text = format!("\u{feff}{HEADER}\nE0,16/08/2024,A,B,1,1,D,,,,,,,,,,,\n");
    let rows = parse(text.as_bytes(), "bom.csv").unwrap();
    assert_eq!(rows[0].league, "E0");
}

#[test]
fn reads_crlf_line_endings() {
    let text = format!(
        "{HEADER}\r\nE0,16/08/2024,A,B,2,1,H,,,,,,,,,,,\r\nE0,17/08/2024,C,D,0,0,D,,,,,,,,,,,\r\n"
    );
    let rows = parse(text.as_bytes(), "crlf.csv").unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1].away_team, "D");
}

#[test]
fn reads_both_date_formats() {
    let text =
        format!("{HEADER}\nE0,13/08/05,A,B,2,1,H,,,,,,,,,,,\nE0,14/08/2005,C,D,0,0,D,,,,,,,,,,,\n");
    let rows = parse(text.as_bytes(), "dates.csv").unwrap();
    assert_eq!(rows[0].date, d(2005, 8, 13));
    assert_eq!(rows[1].date, d(2005, 8, 14));
    assert_eq!(rows[0].season(), "2005-06");
}

#[test]
fn skips_trailing_empty_rows_and_reads_float_counts() {
    let text = format!(
        "{HEADER}\nE0,24/05/15,A,B,2.0,0.0,H,1.0,0.0,H,9.0,4.0,,,,,,\n,,,,,,,,,,,,,,,,,\n,,,,,,,,,,,,,,,,,\n"
    );
    let rows = parse(text.as_bytes(), "blank.csv").unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0].home_goals, rows[0].away_goals), (2, 0));
    assert_eq!(rows[0].stats.home_shots_on_target, Some(9));
}

#[test]
fn looks_columns_up_by_name_and_tolerates_missing_ones() {
    // Odd order, no statistics, no Pinnacle, older Betbrain average names, empty trailing columns.
    let text = "FTAG,AwayTeam,Date,Div,HomeTeam,FTHG,BbAvH,BbAvD,BbAvA,Unnamed: 70\n\
                1,B,13/08/05,D1,A,3,1.5,4.0,6.5,\n";
    let rows = parse(text.as_bytes(), "order.csv").unwrap();
    let m = &rows[0];
    assert_eq!((m.home_team.as_str(), m.away_team.as_str()), ("A", "B"));
    assert_eq!((m.home_goals, m.away_goals), (3, 1));
    assert_eq!(m.odds.average_open.map(|o| o.draw), Some(4.0));
    assert_eq!(m.odds.pinnacle_close, None);
    assert_eq!(m.stats, MatchStats::default());
}

#[test]
fn empty_or_bad_odds_are_absent_not_errors() {
    let text = format!("{HEADER}\nE0,16/08/2024,A,B,1,1,D,,,,,,,4.0,5.0,x,0,3\n");
    let rows = parse(text.as_bytes(), "odds.csv").unwrap();
    assert_eq!(rows[0].odds.pinnacle_open, None);
    assert_eq!(rows[0].odds.pinnacle_close, None);
}

#[test]
fn sorts_rows_out_of_date_order() {
    let text = format!(
        "{HEADER}\nE0,20/08/2005,A,B,1,1,D,,,,,,,,,,,\nE0,13/08/2005,C,D,0,1,A,,,,,,,,,,,\n"
    );
    let rows = parse(text.as_bytes(), "order.csv").unwrap();
    assert_eq!(rows[0].date, d(2005, 8, 13));
    assert_eq!(rows[0].line, 3);
    assert_eq!(rows[1].line, 2);
}

#[test]
fn rejects_words_for_goals_naming_file_and_line() {
    let text = format!(
        "{HEADER}\nE0,16/08/2024,A,B,1,0,H,,,,,,,,,,,\nE0,17/08/2024,C,D,two,0,H,,,,,,,,,,,\n"
    );
    let err = parse(text.as_bytes(), "broken.csv").unwrap_err();
    assert_eq!(
        err.to_string(),
        "broken.csv:3: FTHG \"two\" is not a number"
    );
}

#[test]
fn rejects_bad_rows_with_clear_messages() {
    let cases = [
        (
            "E0,32/08/2024,A,B,1,0,H",
            "Date \"32/08/2024\" is not a date",
        ),
        ("E0,,A,B,1,0,H", "Date is empty"),
        ("E0,16/08/2024,,B,1,0,H", "HomeTeam is empty"),
        ("E0,16/08/2024,A,A,1,0,H", "both \"A\""),
        (
            "E0,16/08/2024,A,B,1,0,A",
            "FTR \"A\" disagrees with the score 1-0",
        ),
        (
            "E0,16/08/2024,A,B,-1,0,H",
            "FTHG \"-1\" is not a whole number",
        ),
        (
            "E0,16/08/2024,A,B,1.5,0,H",
            "FTHG \"1.5\" is not a whole number",
        ),
        ("E0,16/08/2024,A,B,1,,H", "FTAG is empty"),
        ("E0,16/08/2024,A,B,1,0,X", "FTR \"X\" is not H, D or A"),
        (",16/08/2024,A,B,1,0,H", "Div is empty"),
    ];
    for (row, expected) in cases {
        let text = format!("Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,FTR\n{row}\n");
        let err = parse(text.as_bytes(), "f.csv").unwrap_err();
        assert_eq!(err.line, 2, "{row}");
        assert!(err.message.contains(expected), "{row}: {err}");
    }
}

#[test]
fn rejects_missing_columns_and_duplicates() {
    let err = parse(b"Div,Date,HomeTeam,AwayTeam,FTAG\n", "cols.csv").unwrap_err();
    assert_eq!(err.to_string(), "cols.csv:1: missing column \"FTHG\"");
    let err = parse(b"", "empty.csv").unwrap_err();
    assert_eq!(err.line, 1);
    let text =
        "Div,Date,HomeTeam,AwayTeam,FTHG,FTAG\nE0,16/08/2024,A,B,1,0\nE0,16/08/2024,A,B,2,0\n";
    let err = parse(text.as_bytes(), "dup.csv").unwrap_err();
    assert_eq!(err.line, 3);
    assert!(err.message.contains("duplicate"));
}

#[test]
fn seasons_run_july_to_june() {
    assert_eq!(season_of(d(2024, 7, 1)), "2024-25");
    assert_eq!(season_of(d(2025, 6, 30)), "2024-25");
    assert_eq!(season_of(d(1999, 8, 1)), "1999-00");
}

#[test]
fn parses_every_shared_file() {
    let Some(dir) = fp_testdata::football_data_dir() else {
        return;
    };
    let mut total = 0;
    for league in ["E0", "SP1", "D1"] {
        let mut files: Vec<_> = std::fs::read_dir(dir.join(league))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for path in files {
            let bytes = std::fs::read(&path).unwrap();
            let rows = parse(&bytes, &path.display().to_string()).unwrap();
            assert!(rows.iter().all(|m| m.league == league));
            if !path.to_string_lossy().contains("partial") {
                assert!(rows.len() == 380 || rows.len() == 306, "{path:?}");
            }
            // Pinnacle closing odds exist from 2012-13 on.
            let season = rows[0].season();
            if season.as_str() >= "2012-13" {
                let with = rows
                    .iter()
                    .filter(|m| m.odds.pinnacle_close.is_some())
                    .count();
                assert!(with * 100 >= rows.len() * 99, "{path:?}");
            }
            total += rows.len();
        }
    }
    assert_eq!(total, 21_794);
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = parse(&bytes, "fuzz.csv");
    }

    #[test]
    fn arbitrary_rows_after_a_real_header_never_panic(
        rows in proptest::collection::vec("[0-9A-Za-z/ .,\"\r\n-]{0,80}", 0..8)
    ) {
        let text = format!("{HEADER}\n{}", rows.join("\n"));
        if let Err(e) = parse(text.as_bytes(), "fuzz.csv") {
            prop_assert!(e.line >= 1);
            prop_assert!(e.to_string().starts_with("fuzz.csv:"));
        }
    }

    #[test]
    fn valid_rows_round_trip(
        home in 0u16..15, away in 0u16..15, day in 1u32..28, month in 1u32..12, year in 2000i32..2030,
        long_year in any::<bool>(), float_goals in any::<bool>(),
    ) {
        let date = if long_year { format!("{day:02}/{month:02}/{year}") } else { format!("{day:02}/{month:02}/{:02}", year % 100) };
        let g = |n: u16| if float_goals { format!("{n}.0") } else { n.to_string() };
        let ftr = Outcome::from_goals(home, away).code();
        let text = format!("Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,FTR\nE0,{date},X,Y,{},{},{ftr}\n", g(home), g(away));
        let rows = parse(text.as_bytes(), "p.csv").unwrap();
        prop_assert_eq!(rows[0].home_goals, home);
        prop_assert_eq!(rows[0].away_goals, away);
        prop_assert_eq!(rows[0].date, d(year, month, day));
    }
}

#[test]
fn the_market_reads_the_best_price_each_season_has() {
    // 2005-06: Bet365 and the Betbrain average only; the average wins, with its over/under.
    let old = "Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,B365H,B365D,B365A,BbAvH,BbAvD,BbAvA,BbAv>2.5,BbAv<2.5\n\
               E0,13/08/05,A,B,1,0,2.0,3.0,4.0,2.1,3.2,3.6,1.9,1.9\n";
    let m = parse(old.as_bytes(), "old.csv").unwrap()[0].odds;
    assert_eq!(m.bet365.map(|o| o.home), Some(2.0));
    let p = m.market().unwrap();
    let inv = [1.0 / 2.1, 1.0 / 3.2, 1.0 / 3.6];
    assert!((p.result.home - inv[0] / inv.iter().sum::<f64>()).abs() < 1e-12);
    assert!((p.over_2_5.unwrap() - 0.5).abs() < 1e-12);
    // Only Bet365: still a market, without over/under.
    let b365 =
        "Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,B365H,B365D,B365A\nE0,13/08/05,A,B,1,0,2.0,3.0,4.0\n";
    let p = parse(b365.as_bytes(), "b365.csv").unwrap()[0]
        .odds
        .market()
        .unwrap();
    assert!(p.result.home > p.result.away && p.over_2_5.is_none());
    // A recent season: Pinnacle's closing prices before every other, 1X2 and over/under.
    let new = "Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,B365H,B365D,B365A,PSH,PSD,PSA,AvgH,AvgD,AvgA,P>2.5,P<2.5,Avg>2.5,Avg<2.5,PSCH,PSCD,PSCA,PC>2.5,PC<2.5,AvgC>2.5,AvgC<2.5\n\
               E0,16/08/2024,A,B,1,0,9,9,9,9,9,9,9,9,9,9,9,9,9,2.0,4.0,4.0,1.5,3.0,9,9\n";
    let odds = parse(new.as_bytes(), "new.csv").unwrap()[0].odds;
    assert_eq!(odds.pinnacle_over_under_close.map(|o| o.over), Some(1.5));
    assert_eq!(odds.pinnacle_over_under_open.map(|o| o.under), Some(9.0));
    let p = odds.market().unwrap();
    assert!((p.result.home - 0.5).abs() < 1e-12);
    assert!((p.over_2_5.unwrap() - 2.0 / 3.0).abs() < 1e-12);
    // No valid 1X2 triple: no market, whatever the over/under says.
    let none = "Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,PSCH,PSCD,PSCA,PC>2.5,PC<2.5\nE0,16/08/2024,A,B,1,0,2.0,,4.0,1.9,1.9\n";
    assert_eq!(
        parse(none.as_bytes(), "none.csv").unwrap()[0].odds.market(),
        None
    );
}

#[test]
fn a_fixtures_file_has_no_result_columns() {
    let text = "\u{feff}Div,Date,Time,HomeTeam,AwayTeam,Referee,B365H,B365D,B365A,PSH,PSD,PSA,AvgH,AvgD,AvgA\r\n\
        E0,20/12/2025,15:00,Arsenal,Everton,,1.30,5.50,10.0,1.31,5.60,11.2,1.30,5.40,10.1\r\n\
        SP1,21/12/2025,20:00,Sevilla,Betis,,,,,,,,2.40,3.20,3.00\r\n\
        E0,20/12/2025,12:30,Chelsea,Fulham,,,,,,,,,,\r\n";
    let file = parse_file(text.as_bytes(), "fixtures.csv").unwrap();
    assert!(file.played.is_empty());
    let f = &file.fixtures;
    assert_eq!(f.len(), 3);
    // Sorted by date and kick-off time.
    assert_eq!(
        f.iter().map(|f| f.home_team.as_str()).collect::<Vec<_>>(),
        ["Chelsea", "Arsenal", "Sevilla"]
    );
    assert_eq!(f[1].line, 2);
    assert_eq!(f[1].season(), "2025-26");
    assert_eq!(
        f[1].odds.pinnacle_open,
        Some(Odds1x2 {
            home: 1.31,
            draw: 5.6,
            away: 11.2
        })
    );
    assert!(f[0].odds.market().is_none());
    assert!(f[2].odds.market().is_some());
    assert_eq!(f[2].league, "SP1");
}

#[test]
fn season_rows_without_a_result_are_fixtures() {
    let text = format!(
        "{HEADER}\nE0,16/08/2024,A,B,1,0,H,0,0,D,3,1,2.0,3.5,4.0,2.1,3.4,3.9\n\
         E0,17/08/2024,C,D,,,,,,,,,2.0,3.5,4.0,,,\n"
    );
    let file = parse_file(text.as_bytes(), "season.csv").unwrap();
    assert_eq!(file.played.len(), 1);
    assert_eq!(file.fixtures.len(), 1);
    assert_eq!(file.fixtures[0].home_team, "C");
    assert_eq!(file.fixtures[0].line, 3);
    // `parse` keeps the played matches only.
    assert_eq!(parse(text.as_bytes(), "season.csv").unwrap().len(), 1);
    // Half a score, or a result without a score, is an error, not a fixture.
    for (row, message) in [
        ("E0,17/08/2024,C,D,1,,", "FTAG is empty"),
        ("E0,17/08/2024,C,D,,,H", "FTHG is empty"),
    ] {
        let text = format!("Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,FTR\n{row}\n");
        let e = parse_file(text.as_bytes(), "half.csv").unwrap_err();
        assert_eq!(e.to_string(), format!("half.csv:2: {message}"), "{row}");
    }
    // A fixture may not repeat a played match.
    let text = "Div,Date,HomeTeam,AwayTeam,FTHG,FTAG\nE0,17/08/2024,C,D,1,1\nE0,17/08/2024,C,D,,\n";
    let e = parse_file(text.as_bytes(), "dup.csv").unwrap_err();
    assert_eq!(e.line, 3);
}

proptest! {
    #[test]
    fn every_row_is_either_played_or_a_fixture(
        rows in proptest::collection::vec((any::<bool>(), 0u16..9, 0u16..9), 1..30)
    ) {
        let mut text = String::from("Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,FTR\n");
        for (i, (played, h, a)) in rows.iter().enumerate() {
            let day = 1 + i % 28;
            let month = 1 + i / 28;
            if *played {
                let r = Outcome::from_goals(*h, *a).code();
                text.push_str(&format!("E0,{day:02}/{month:02}/2024,T{i},U{i},{h},{a},{r}\n"));
            } else {
                text.push_str(&format!("E0,{day:02}/{month:02}/2024,T{i},U{i},,,\n"));
            }
        }
        let file = parse_file(text.as_bytes(), "mixed.csv").unwrap();
        let played = rows.iter().filter(|r| r.0).count();
        prop_assert_eq!(file.played.len(), played);
        prop_assert_eq!(file.fixtures.len(), rows.len() - played);
        for f in &file.fixtures {
            prop_assert!(!rows[(f.line - 2) as usize].0);
        }
    }
}

#[test]
fn crlf_lines_are_counted() {
    let text = "Div,Date,HomeTeam,AwayTeam,FTHG,FTAG\r\nE0,01/08/2024,A,B,1,0\r\nE0,02/08/2024,C,D,1,0\r\n";
    let rows = parse(text.as_bytes(), "crlf.csv").unwrap();
    assert_eq!((rows[0].line, rows[1].line), (2, 3));
}
