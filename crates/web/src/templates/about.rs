use super::Nav;
use super::charts::CalibrationChart;
use askama::Template;

#[derive(Template)]
#[template(path = "about.html")]
pub struct AboutPage {
    pub nav: Nav,
    pub leagues: Vec<AboutRow>,
    /// Reliability of every league's out-of-sample probabilities, pooled.
    pub calibration: String,
    /// The served models on every fixture played since it was announced.
    pub graded: super::RecordView,
}

pub struct AboutRow {
    pub name: String,
    pub model_rps: String,
    pub odds_rps: String,
    pub matches: String,
    /// `market` or `blend`.
    pub model: String,
    pub model_log_loss: String,
    pub odds_log_loss: String,
    pub model_brier: String,
    pub odds_brier: String,
}

impl AboutPage {
    /// Pools the leagues' calibration bins (weighted by their forecasts) into one chart.
    pub fn calibration_chart(bins: &[fp_model::metrics::CalibrationBin]) -> String {
        let mut pooled = [(0.0, 0.0, 0usize); 10];
        for b in bins {
            let k = ((b.lower * 10.0).round() as usize).min(9);
            let n = b.n as f64;
            pooled[k].0 += b.mean_forecast * n;
            pooled[k].1 += b.observed_frequency * n;
            pooled[k].2 += b.n;
        }
        let points: Vec<(f64, f64, usize)> = pooled
            .iter()
            .filter(|p| p.2 > 0)
            .map(|&(f, o, n)| (f / n as f64, o / n as f64, n))
            .collect();
        CalibrationChart::new(
            &points,
            "Calibration: forecast probability against observed frequency",
        )
        .render()
        .unwrap_or_default()
    }
}
