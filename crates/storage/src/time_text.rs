//! Times as RFC 3339 text, exactly as chrono writes them with `SecondsFormat::AutoSi` (the
//! format SQLite rows hold and `serde_json` writes for a `DateTime<Utc>`), without chrono's
//! formatter machinery: every saved prediction writes its time twice (the stored row, the
//! answer), and chrono's general formatter costs more than the rest of building the answer.

use chrono::{DateTime, Datelike, SecondsFormat, Timelike, Utc};

/// How UTC is written after the time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    /// `Z`, as `serde_json` writes a `DateTime<Utc>`.
    Z,
    /// `+00:00`, as SQLite rows hold times (as sqlx writes them).
    Offset,
}

/// The text of one time, on the stack.
#[derive(Clone, Copy)]
pub struct TimeText {
    buf: [u8; 40],
    len: usize,
}

impl TimeText {
    /// The text's bytes, for a caller that writes bytes (no UTF-8 check).
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII is ever written (digits, `-:.TZ+`), or chrono's own text.
        std::str::from_utf8(self.as_bytes()).unwrap_or_default()
    }

    fn push(&mut self, bytes: &[u8]) {
        let end = (self.len + bytes.len()).min(self.buf.len());
        self.buf[self.len..end].copy_from_slice(&bytes[..end - self.len]);
        self.len = end;
    }

    /// `n` as `width` digits, zero-padded (`n` has at most `width` digits).
    fn digits(&mut self, mut n: u32, width: usize) {
        let mut out = [b'0'; 9];
        for d in out[..width].iter_mut().rev() {
            *d = b'0' + (n % 10) as u8;
            n /= 10;
        }
        self.push(&out[..width]);
    }
}

impl std::fmt::Debug for TimeText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `t` as `t.to_rfc3339_opts(SecondsFormat::AutoSi, zone == Zone::Z)` writes it: the fraction
/// with as many digits (none, 3, 6 or 9) as it needs.
pub fn rfc3339(t: &DateTime<Utc>, zone: Zone) -> TimeText {
    let mut out = TimeText {
        buf: [0; 40],
        len: 0,
    };
    // The fields of the naive time: `DateTime`'s own accessors add the (zero) offset each.
    let n = t.naive_utc();
    let nanos = n.nanosecond();
    let year = n.year();
    // A leap second, or a year chrono writes with a sign: its own formatter.
    if nanos >= 1_000_000_000 || !(0..=9999).contains(&year) {
        out.push(
            t.to_rfc3339_opts(SecondsFormat::AutoSi, zone == Zone::Z)
                .as_bytes(),
        );
        return out;
    }
    out.digits(year as u32, 4);
    out.push(b"-");
    out.digits(n.month(), 2);
    out.push(b"-");
    out.digits(n.day(), 2);
    out.push(b"T");
    out.digits(n.hour(), 2);
    out.push(b":");
    out.digits(n.minute(), 2);
    out.push(b":");
    out.digits(n.second(), 2);
    if nanos != 0 {
        out.push(b".");
        if nanos.is_multiple_of(1_000_000) {
            out.digits(nanos / 1_000_000, 3);
        } else if nanos.is_multiple_of(1_000) {
            out.digits(nanos / 1_000, 6);
        } else {
            out.digits(nanos, 9);
        }
    }
    out.push(match zone {
        Zone::Z => b"Z",
        Zone::Offset => b"+00:00",
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn chrono_text(t: &DateTime<Utc>, zone: Zone) -> String {
        t.to_rfc3339_opts(SecondsFormat::AutoSi, zone == Zone::Z)
    }

    #[test]
    fn every_fraction_width_and_the_edges_read_as_chrono_writes_them() {
        let base = DateTime::parse_from_rfc3339("2026-12-07T23:05:09Z")
            .unwrap()
            .with_timezone(&Utc);
        for nanos in [0, 120_000_000, 123_456_000, 123_456_789, 5, 1_500_000_000] {
            let t = base.with_nanosecond(nanos).unwrap();
            for zone in [Zone::Z, Zone::Offset] {
                assert_eq!(rfc3339(&t, zone).as_str(), chrono_text(&t, zone));
            }
        }
        // Years chrono writes with four digits, and those it writes with a sign.
        for year in [0, 1, 9999, 10_000, -1, 262_000] {
            let t = chrono::NaiveDate::from_ymd_opt(year, 6, 30)
                .and_then(|d| d.and_hms_nano_opt(12, 0, 0, 250_000_000))
                .unwrap()
                .and_utc();
            for zone in [Zone::Z, Zone::Offset] {
                assert_eq!(rfc3339(&t, zone).as_str(), chrono_text(&t, zone));
            }
        }
    }

    proptest! {
        /// Any time chrono can hold reads the same as chrono writes it, in both zones.
        #[test]
        fn times_read_as_chrono_writes_them(
            secs in -8_000_000_000_000i64..8_000_000_000_000,
            nanos in prop_oneof![
                Just(0u32),
                (0u32..1000).prop_map(|n| n * 1_000_000),
                (0u32..1_000_000).prop_map(|n| n * 1_000),
                0u32..1_000_000_000,
            ],
        ) {
            let t = DateTime::from_timestamp(secs, nanos).unwrap();
            for zone in [Zone::Z, Zone::Offset] {
                let ours = rfc3339(&t, zone);
                prop_assert_eq!(ours.as_str(), chrono_text(&t, zone));
            }
        }
    }
}
