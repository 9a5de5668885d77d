//! Charts drawn on the server as SVG (no JavaScript charting library). All text that goes
//! into them is escaped.

use crate::views::escape;
use chrono::NaiveDate;
use std::fmt::Write;

/// Horizontal bars for home/draw/away probabilities.
pub fn probability_bars(labels: [&str; 3], values: [f64; 3]) -> String {
    let mut s = String::from(
        r#"<svg class="bars" viewBox="0 0 400 96" role="img" aria-label="Outcome probabilities">"#,
    );
    for (i, (label, v)) in labels.iter().zip(values).enumerate() {
        let y = i as f64 * 32.0;
        let w = (v.clamp(0.0, 1.0) * 250.0).max(1.0);
        let _ = write!(
            s,
            r#"<text x="0" y="{ty}" class="label">{label}</text><rect x="120" y="{y}" width="{w:.1}" height="24" class="bar bar{i}"/><text x="{tx:.1}" y="{ty}" class="value">{pct:.1}%</text>"#,
            ty = y + 17.0,
            label = escape(label),
            tx = 126.0 + w,
            pct = v * 100.0
        );
    }
    s.push_str("</svg>");
    s
}

/// Score matrix heat map, 0..=max goals each side (home down, away across).
pub fn heat_map(p: impl Fn(usize, usize) -> f64, max: usize, home: &str, away: &str) -> String {
    let cell = 44.0;
    let size = cell * (max as f64 + 1.0) + 40.0;
    let top = (0..=max)
        .flat_map(|i| (0..=max).map(move |j| (i, j)))
        .map(|(i, j)| p(i, j))
        .fold(0.0f64, f64::max);
    let mut s = format!(
        r#"<svg class="heatmap" viewBox="0 0 {size} {size}" role="img" aria-label="Probability of each score, {} goals down, {} goals across">"#,
        escape(home),
        escape(away)
    );
    for k in 0..=max {
        let c = 40.0 + cell * k as f64 + cell / 2.0;
        let _ = write!(
            s,
            r#"<text x="{c}" y="20" class="axis">{k}</text><text x="20" y="{c}" class="axis">{k}</text>"#
        );
    }
    for i in 0..=max {
        for j in 0..=max {
            let v = p(i, j);
            let shade = if top > 0.0 { v / top } else { 0.0 };
            let (x, y) = (40.0 + cell * j as f64, 40.0 + cell * i as f64);
            let _ = write!(
                s,
                r#"<rect x="{x}" y="{y}" width="{cell}" height="{cell}" fill="rgb({r},{g},{b})"><title>{i}-{j}: {pct:.1}%</title></rect><text x="{tx}" y="{ty}" class="cell">{pct:.0}</text>"#,
                r = (255.0 - 200.0 * shade) as u8,
                g = (255.0 - 120.0 * shade) as u8,
                b = (255.0 - 40.0 * shade) as u8,
                tx = x + cell / 2.0,
                ty = y + cell / 2.0 + 5.0,
                pct = v * 100.0
            );
        }
    }
    s.push_str("</svg>");
    s
}

/// A line chart of (date, value) points.
pub fn line_chart(points: &[(NaiveDate, f64)], label: &str) -> String {
    if points.len() < 2 {
        return String::from(r#"<p>Not enough matches for a chart.</p>"#);
    }
    let (w, h, pad) = (640.0, 220.0, 40.0);
    let (d0, d1) = (points[0].0, points[points.len() - 1].0);
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
    format!(
        r#"<svg class="line" viewBox="0 0 {w} {h}" role="img" aria-label="{label}"><path d="{path}" class="series"/><text x="{pad}" y="{ly}" class="axis">{d0}</text><text x="{rx}" y="{ly}" class="axis end">{d1}</text><text x="4" y="{ty}" class="axis">{hi:.0}</text><text x="4" y="{by}" class="axis">{lo:.0}</text></svg>"#,
        label = escape(label),
        ly = h - 10.0,
        rx = w - pad,
        ty = pad,
        by = h - pad,
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn charts_escape_text_and_scale() {
        let s = super::probability_bars(["<Home>", "Draw", "Away"], [0.5, 0.3, 0.2]);
        assert!(s.contains("&lt;Home&gt;") && !s.contains("<Home>"));
        assert!(s.contains("50.0%"));
        let h = super::heat_map(
            |i, j| if i == 1 && j == 0 { 0.2 } else { 0.01 },
            5,
            "A",
            "B",
        );
        assert_eq!(h.matches("<rect").count(), 36);
        assert!(h.contains("1-0: 20.0%"));
    }
}
