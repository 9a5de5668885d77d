use super::Nav;
use super::charts::CalibrationChart;
use crate::dto::TrackRecordFigures;
use askama::Template;

/// One track record in words and a calibration chart.
pub struct RecordView {
    pub graded: usize,
    pub favourite_won: String,
    pub mean_rps: String,
    /// "On the N matches with closing odds: yours 0.195, the market's 0.190".
    pub market: Option<String>,
    pub chart: String,
}

impl RecordView {
    pub fn of(f: &TrackRecordFigures, label: &str) -> Self {
        let bins: Vec<(f64, f64, usize)> = f
            .calibration
            .iter()
            .map(|b| (b.mean_forecast, b.observed_frequency, b.n))
            .collect();
        RecordView {
            graded: f.graded,
            favourite_won: format!("{:.1}%", f.favourite_won * 100.0),
            mean_rps: format!("{:.4}", f.mean_rps),
            market: f.market.map(|m| {
                format!(
                    "On the {} of them with closing odds: mean RPS {:.4} against the market's {:.4} \
                     (its favourite won {:.1}%).",
                    m.matches,
                    m.mean_rps,
                    m.market_mean_rps,
                    m.market_favourite_won * 100.0
                )
            }),
            chart: CalibrationChart::new(&bins, label)
                .render()
                .unwrap_or_default(),
        }
    }
}

#[derive(Template)]
#[template(path = "track_record.html")]
pub struct TrackRecordPage {
    pub nav: Nav,
    pub yours: RecordView,
    pub model: RecordView,
}
