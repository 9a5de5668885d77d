//! Column lookup by name. The set of columns changes from season to season, so nothing is
//! ever read by position.

use std::collections::HashMap;

/// Indices of the columns the parser reads; `None` when a file does not have that column.
#[derive(Debug, Default)]
pub(crate) struct Columns {
    pub div: usize,
    pub date: usize,
    pub time: Option<usize>,
    pub home: usize,
    pub away: usize,
    /// Missing in a fixtures file (`fixtures.csv` has no result columns).
    pub fthg: Option<usize>,
    pub ftag: Option<usize>,
    pub ftr: Option<usize>,
    pub hthg: Option<usize>,
    pub htag: Option<usize>,
    pub htr: Option<usize>,
    pub hs: Option<usize>,
    pub as_: Option<usize>,
    pub hst: Option<usize>,
    pub ast: Option<usize>,
    pub hc: Option<usize>,
    pub ac: Option<usize>,
    pub hy: Option<usize>,
    pub ay: Option<usize>,
    pub hr: Option<usize>,
    pub ar: Option<usize>,
    pub pinnacle_open: [Option<usize>; 3],
    pub pinnacle_close: [Option<usize>; 3],
    pub average_open: [Option<usize>; 3],
    pub average_close: [Option<usize>; 3],
    pub max_open: [Option<usize>; 3],
    pub bet365: [Option<usize>; 3],
    pub pinnacle_over_under_open: [Option<usize>; 2],
    pub pinnacle_over_under_close: [Option<usize>; 2],
    pub over_under_open: [Option<usize>; 2],
    pub over_under_close: [Option<usize>; 2],
}

impl Columns {
    pub(crate) fn from_headers(headers: &csv::ByteRecord) -> Result<Self, String> {
        let mut index: HashMap<&str, usize> = HashMap::new();
        for (i, h) in headers.iter().enumerate() {
            if let Ok(name) = std::str::from_utf8(h) {
                index.entry(name.trim()).or_insert(i);
            }
        }
        // First name that exists wins: current names before the older or alternative ones.
        let find = |names: &[&str]| names.iter().find_map(|n| index.get(n).copied());
        let need =
            |names: &[&str]| find(names).ok_or_else(|| format!("missing column \"{}\"", names[0]));
        let three = |h: &[&str], d: &[&str], a: &[&str]| [find(h), find(d), find(a)];

        let (fthg, ftag) = (find(&["FTHG", "HG"]), find(&["FTAG", "AG"]));
        // A results file has both score columns; a fixtures file neither.
        if fthg.is_some() != ftag.is_some() {
            need(&["FTHG", "HG"])?;
            need(&["FTAG", "AG"])?;
        }
        Ok(Columns {
            div: need(&["Div"])?,
            date: need(&["Date"])?,
            time: find(&["Time"]),
            home: need(&["HomeTeam", "Home", "HT"])?,
            away: need(&["AwayTeam", "Away", "AT"])?,
            fthg,
            ftag,
            ftr: find(&["FTR", "Res"]),
            hthg: find(&["HTHG"]),
            htag: find(&["HTAG"]),
            htr: find(&["HTR"]),
            hs: find(&["HS"]),
            as_: find(&["AS"]),
            hst: find(&["HST"]),
            ast: find(&["AST"]),
            hc: find(&["HC"]),
            ac: find(&["AC"]),
            hy: find(&["HY"]),
            ay: find(&["AY"]),
            hr: find(&["HR"]),
            ar: find(&["AR"]),
            pinnacle_open: three(&["PSH", "PH"], &["PSD", "PD"], &["PSA", "PA"]),
            pinnacle_close: three(&["PSCH", "PCH"], &["PSCD", "PCD"], &["PSCA", "PCA"]),
            average_open: three(&["AvgH", "BbAvH"], &["AvgD", "BbAvD"], &["AvgA", "BbAvA"]),
            average_close: three(&["AvgCH"], &["AvgCD"], &["AvgCA"]),
            max_open: three(&["MaxH", "BbMxH"], &["MaxD", "BbMxD"], &["MaxA", "BbMxA"]),
            bet365: three(&["B365H"], &["B365D"], &["B365A"]),
            pinnacle_over_under_open: [find(&["P>2.5"]), find(&["P<2.5"])],
            pinnacle_over_under_close: [find(&["PC>2.5"]), find(&["PC<2.5"])],
            over_under_open: [
                find(&["Avg>2.5", "BbAv>2.5"]),
                find(&["Avg<2.5", "BbAv<2.5"]),
            ],
            over_under_close: [find(&["AvgC>2.5"]), find(&["AvgC<2.5"])],
        })
    }
}
