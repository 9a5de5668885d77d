//! Cell parsers. Each returns a message that names the column and quotes the bad value.

use chrono::NaiveDate;

pub(crate) fn text(cell: &[u8], column: &str) -> Result<String, String> {
    std::str::from_utf8(cell)
        .map(|s| s.trim().to_string())
        .map_err(|_| format!("{column} is not valid UTF-8"))
}

pub(crate) fn required_text(cell: &[u8], column: &str) -> Result<String, String> {
    let s = text(cell, column)?;
    if s.is_empty() {
        Err(format!("{column} is empty"))
    } else {
        Ok(s)
    }
}

/// `dd/mm/yy` (8 characters) or `dd/mm/yyyy` (10 characters).
pub(crate) fn date(cell: &[u8]) -> Result<NaiveDate, String> {
    let s = text(cell, "Date")?;
    let parsed = match s.len() {
        8 => NaiveDate::parse_from_str(&s, "%d/%m/%y").ok(),
        10 => NaiveDate::parse_from_str(&s, "%d/%m/%Y").ok(),
        _ => None,
    };
    parsed.ok_or_else(|| {
        if s.is_empty() {
            "Date is empty".to_string()
        } else {
            format!("Date \"{s}\" is not a date (expected dd/mm/yy or dd/mm/yyyy)")
        }
    })
}

/// `HH:MM` kick-off time, or nothing.
pub(crate) fn time(cell: &[u8]) -> Result<Option<String>, String> {
    let s = text(cell, "Time")?;
    if s.is_empty() {
        return Ok(None);
    }
    chrono::NaiveTime::parse_from_str(&s, "%H:%M")
        .map(|t| Some(t.format("%H:%M").to_string()))
        .map_err(|_| format!("Time \"{s}\" is not a time (expected HH:MM)"))
}

/// A non-negative whole number, also when written as `2.0`.
pub(crate) fn count(cell: &[u8], column: &str) -> Result<u16, String> {
    let s = text(cell, column)?;
    if s.is_empty() {
        return Err(format!("{column} is empty"));
    }
    let v: f64 = s
        .parse()
        .map_err(|_| format!("{column} \"{s}\" is not a number"))?;
    if !v.is_finite() || v < 0.0 || v.fract() != 0.0 || v > f64::from(u16::MAX) {
        return Err(format!(
            "{column} \"{s}\" is not a whole number of 0 or more"
        ));
    }
    Ok(v as u16)
}

pub(crate) fn optional_count(cell: Option<&[u8]>, column: &str) -> Result<Option<u16>, String> {
    match cell {
        None => Ok(None),
        Some(c) if c.iter().all(u8::is_ascii_whitespace) => Ok(None),
        Some(c) => count(c, column).map(Some),
    }
}

/// Decimal odds. Empty or unusable prices (bookmakers that stopped quoting write blanks, a few
/// write zeros) are simply absent: odds never reject a file.
pub(crate) fn odds(cell: Option<&[u8]>) -> Option<f64> {
    let s = std::str::from_utf8(cell?).ok()?.trim();
    let v: f64 = s.parse().ok()?;
    (v.is_finite() && v > 1.0).then_some(v)
}
