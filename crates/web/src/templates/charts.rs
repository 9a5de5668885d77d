//! Charts drawn on the server as SVG (no JavaScript charting library), as askama templates:
//! every text in them is escaped like any page text. The numbers are laid out here.

use askama::Template;
use chrono::NaiveDate;
use std::fmt::Write;

/// One bar of [`ProbabilityBars`].
pub struct Bar {
    pub label: String,
    pub class: usize,
    pub y: f64,
    pub text_y: f64,
    pub width: String,
    pub value_x: String,
    pub percent: String,
}

/// Horizontal bars for home/draw/away probabilities.
#[derive(Template)]
#[template(path = "charts/bars.svg", escape = "html")]
pub struct ProbabilityBars {
    pub bars: Vec<Bar>,
}

impl ProbabilityBars {
    pub fn new(labels: [&str; 3], values: [f64; 3]) -> Self {
        let bars = labels
            .iter()
            .zip(values)
            .enumerate()
            .map(|(i, (label, v))| {
                let y = i as f64 * 32.0;
                let w = (v.clamp(0.0, 1.0) * 250.0).max(1.0);
                Bar {
                    label: (*label).to_string(),
                    class: i,
                    y,
                    text_y: y + 17.0,
                    width: format!("{w:.1}"),
                    value_x: format!("{:.1}", 126.0 + w),
                    percent: format!("{:.1}%", v * 100.0),
                }
            })
            .collect();
        ProbabilityBars { bars }
    }
}

/// One cell of [`HeatMap`].
pub struct Cell {
    pub home: usize,
    pub away: usize,
    pub x: f64,
    pub y: f64,
    pub fill: String,
    pub text_x: f64,
    pub text_y: f64,
    pub percent: String,
    pub rounded: String,
}

/// An axis label of [`HeatMap`].
pub struct Tick {
    pub goals: usize,
    pub at: f64,
}

/// Score matrix heat map, 0..=max goals each side (home down, away across).
#[derive(Template)]
#[template(path = "charts/heatmap.svg", escape = "html")]
pub struct HeatMap {
    pub size: f64,
    pub cell: f64,
    pub home: String,
    pub away: String,
    pub ticks: Vec<Tick>,
    pub cells: Vec<Cell>,
}

impl HeatMap {
    pub fn new(p: impl Fn(usize, usize) -> f64, max: usize, home: &str, away: &str) -> Self {
        let cell = 44.0;
        let size = cell * (max as f64 + 1.0) + 40.0;
        let top = (0..=max)
            .flat_map(|i| (0..=max).map(move |j| (i, j)))
            .map(|(i, j)| p(i, j))
            .fold(0.0f64, f64::max);
        let ticks = (0..=max)
            .map(|k| Tick {
                goals: k,
                at: 40.0 + cell * k as f64 + cell / 2.0,
            })
            .collect();
        let mut cells = Vec::with_capacity((max + 1) * (max + 1));
        for i in 0..=max {
            for j in 0..=max {
                let v = p(i, j);
                let shade = if top > 0.0 { v / top } else { 0.0 };
                let (x, y) = (40.0 + cell * j as f64, 40.0 + cell * i as f64);
                cells.push(Cell {
                    home: i,
                    away: j,
                    x,
                    y,
                    fill: format!(
                        "rgb({},{},{})",
                        (255.0 - 200.0 * shade) as u8,
                        (255.0 - 120.0 * shade) as u8,
                        (255.0 - 40.0 * shade) as u8
                    ),
                    text_x: x + cell / 2.0,
                    text_y: y + cell / 2.0 + 5.0,
                    percent: format!("{:.1}%", v * 100.0),
                    rounded: format!("{:.0}", v * 100.0),
                });
            }
        }
        HeatMap {
            size,
            cell,
            home: home.to_string(),
            away: away.to_string(),
            ticks,
            cells,
        }
    }
}

/// A line chart of (date, value) points; fewer than two points say so instead.
#[derive(Template)]
#[template(path = "charts/line.svg", escape = "html")]
pub struct LineChart {
    pub label: String,
    /// The series as an SVG path (numbers only), or `None` with too few points.
    pub path: Option<String>,
    pub width: f64,
    pub height: f64,
    pub pad: f64,
    pub first: String,
    pub last: String,
    pub high: String,
    pub low: String,
}

impl LineChart {
    pub fn new(points: &[(NaiveDate, f64)], label: &str) -> Self {
        let (w, h, pad) = (640.0, 220.0, 40.0);
        let mut chart = LineChart {
            label: label.to_string(),
            path: None,
            width: w,
            height: h,
            pad,
            first: String::new(),
            last: String::new(),
            high: String::new(),
            low: String::new(),
        };
        let (Some(&(d0, _)), Some(&(d1, _))) = (points.first(), points.last()) else {
            return chart;
        };
        if points.len() < 2 {
            return chart;
        }
        let span = ((d1 - d0).num_days().max(1)) as f64;
        let lo = points.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
        let hi = points.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max);
        let range = (hi - lo).max(1.0);
        let x = |d: NaiveDate| pad + (w - 2.0 * pad) * (d - d0).num_days() as f64 / span;
        let y = |v: f64| h - pad - (h - 2.0 * pad) * (v - lo) / range;
        let mut path = String::new();
        for (i, (d, v)) in points.iter().enumerate() {
            let _ = write!(
                path,
                "{}{:.1},{:.1} ",
                if i == 0 { "M" } else { "L" },
                x(*d),
                y(*v)
            );
        }
        chart.path = Some(path);
        chart.first = d0.to_string();
        chart.last = d1.to_string();
        chart.high = format!("{hi:.0}");
        chart.low = format!("{lo:.0}");
        chart
    }
}

/// One bin of [`CalibrationChart`].
pub struct CalibrationPoint {
    pub x: String,
    pub y: String,
    pub r: String,
    pub title: String,
}

/// A reliability diagram: mean forecast against observed frequency per bin, dot area by the
/// number of forecasts; on the diagonal, forecasts mean what they say.
#[derive(Template)]
#[template(path = "charts/calibration.svg", escape = "html")]
pub struct CalibrationChart {
    pub label: String,
    pub points: Vec<CalibrationPoint>,
    pub size: f64,
    pub pad: f64,
    pub inner: f64,
}

impl CalibrationChart {
    /// `bins`: (mean forecast, observed frequency, forecasts) of each non-empty bin.
    pub fn new(bins: &[(f64, f64, usize)], label: &str) -> Self {
        let (size, pad) = (320.0, 36.0);
        let inner = size - 2.0 * pad;
        let most = bins.iter().map(|b| b.2).max().unwrap_or(1).max(1) as f64;
        let points = bins
            .iter()
            .filter(|b| b.2 > 0)
            .map(|&(f, o, n)| CalibrationPoint {
                x: format!("{:.1}", pad + inner * f.clamp(0.0, 1.0)),
                y: format!("{:.1}", size - pad - inner * o.clamp(0.0, 1.0)),
                r: format!("{:.1}", 2.0 + 7.0 * (n as f64 / most).sqrt()),
                title: format!(
                    "forecast {:.1}%, observed {:.1}%, {n} forecasts",
                    f * 100.0,
                    o * 100.0
                ),
            })
            .collect();
        CalibrationChart {
            label: label.to_string(),
            points,
            size,
            pad,
            inner,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calibration_dots_sit_where_forecast_meets_observation() {
        let c = CalibrationChart::new(&[(0.25, 0.25, 100), (0.5, 0.75, 25), (0.9, 0.0, 0)], "c");
        assert_eq!(c.points.len(), 2, "empty bins are not drawn");
        // (0.25, 0.25) lies on the diagonal: x from the left equals y from the bottom.
        let x: f64 = c.points[0].x.parse().unwrap();
        let y: f64 = c.points[0].y.parse().unwrap();
        assert!(((x - c.pad) - (c.size - c.pad - y)).abs() < 0.11);
        assert!(c.points[0].r.parse::<f64>().unwrap() > c.points[1].r.parse::<f64>().unwrap());
        let svg = c.render().unwrap();
        assert!(svg.contains("<circle") && svg.contains("observed 75.0%"));
        assert!(
            CalibrationChart::new(&[], "c")
                .render()
                .unwrap()
                .contains("No out-of-sample")
        );
    }

    #[test]
    fn charts_escape_text_and_scale() {
        let s = ProbabilityBars::new(["<Home>", "Draw", "Away"], [0.5, 0.3, 0.2])
            .render()
            .unwrap();
        assert!(
            s.contains("&#60;Home&#62;") || s.contains("&lt;Home&gt;"),
            "{s}"
        );
        assert!(!s.contains("<Home>"));
        assert!(s.contains("50.0%"));
        let h = HeatMap::new(
            |i, j| if i == 1 && j == 0 { 0.2 } else { 0.01 },
            5,
            "A&B",
            "B",
        )
        .render()
        .unwrap();
        assert_eq!(h.matches("<rect").count(), 36);
        assert!(h.contains("1-0: 20.0%"));
        assert!(!h.contains("A&B"));
        let few = LineChart::new(&[], "x").render().unwrap();
        assert!(few.contains("Not enough matches"));
        let d = |m| NaiveDate::from_ymd_opt(2024, m, 1).unwrap();
        let line = LineChart::new(&[(d(1), 1500.0), (d(2), 1520.0)], "Elo \"x\"")
            .render()
            .unwrap();
        assert!(line.contains("M40.0,180.0 L600.0,40.0"), "{line}");
        assert!(!line.contains("\"x\""));
    }
}
