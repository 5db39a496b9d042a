//! The report's date as `yyyy-mm-dd`: `--date`, else `SOURCE_DATE_EPOCH` (reproducible
//! builds and tests), else the system clock. UTC, without a date crate.

use std::time::{SystemTime, UNIX_EPOCH};

/// (year, month 1–12, day 1–31) of a day count since 1970-01-01
/// (Howard Hinnant's `civil_from_days`, valid far beyond any survey's lifetime).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11], March-based
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// `yyyy-mm-dd` (UTC) of seconds since the Unix epoch.
pub fn date_of_epoch_seconds(secs: i64) -> String {
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    format!("{y:04}-{m:02}-{d:02}")
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

/// Checks a `yyyy-mm-dd` date given by the user (a real calendar day).
pub fn parse_date(s: &str) -> Result<String, String> {
    let bad = || format!("invalid date `{s}`: expected yyyy-mm-dd, e.g. 2025-03-31");
    let parts: Vec<&str> = s.split('-').collect();
    if parts.len() != 3
        || parts[0].len() != 4
        || parts[1].len() != 2
        || parts[2].len() != 2
        || !s.chars().all(|c| c.is_ascii_digit() || c == '-')
    {
        return Err(bad());
    }
    let (y, m, d): (i64, u32, u32) = (
        parts[0].parse().map_err(|_| bad())?,
        parts[1].parse().map_err(|_| bad())?,
        parts[2].parse().map_err(|_| bad())?,
    );
    let days_in_month = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => return Err(bad()),
    };
    if d == 0 || d > days_in_month {
        return Err(bad());
    }
    Ok(s.to_string())
}

/// The date to print: `given` (from `--date`), else `source_date_epoch` (the
/// environment variable's value), else `now`.
pub fn report_date(
    given: Option<&str>,
    source_date_epoch: Option<&str>,
    now: SystemTime,
) -> Result<String, String> {
    if let Some(g) = given {
        return parse_date(g);
    }
    if let Some(e) = source_date_epoch {
        let secs: i64 = e.trim().parse().map_err(|_| {
            format!("invalid SOURCE_DATE_EPOCH `{e}`: expected seconds since 1970-01-01")
        })?;
        return Ok(date_of_epoch_seconds(secs));
    }
    let secs = match now.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_secs() as i64,
        Err(e) => -(e.duration().as_secs() as i64),
    };
    Ok(date_of_epoch_seconds(secs))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn known_days() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(11_017), (2000, 3, 1));
        assert_eq!(date_of_epoch_seconds(1_700_000_000), "2023-11-14");
        assert_eq!(date_of_epoch_seconds(1_709_164_800), "2024-02-29");
        assert_eq!(date_of_epoch_seconds(951_782_399), "2000-02-28");
    }

    #[test]
    fn every_day_follows_the_previous_one() {
        // 1900..2100: each day is the next calendar day after the one before.
        let mut prev = civil_from_days(-25_567);
        assert_eq!(prev, (1900, 1, 1));
        for days in -25_566..47_482 {
            let cur = civil_from_days(days);
            let next_in_month = (prev.0, prev.1, prev.2 + 1);
            let next_month = if prev.1 == 12 {
                (prev.0 + 1, 1, 1)
            } else {
                (prev.0, prev.1 + 1, 1)
            };
            assert!(
                cur == next_in_month || cur == next_month,
                "{prev:?} -> {cur:?}"
            );
            assert!(
                parse_date(&format!("{:04}-{:02}-{:02}", cur.0, cur.1, cur.2)).is_ok(),
                "{cur:?}"
            );
            prev = cur;
        }
        assert_eq!(prev, (2099, 12, 31));
    }

    #[test]
    fn date_sources_in_order() {
        let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(
            report_date(Some("2025-01-31"), Some("0"), now).unwrap(),
            "2025-01-31"
        );
        assert_eq!(report_date(None, Some("86400"), now).unwrap(), "1970-01-02");
        assert_eq!(report_date(None, None, now).unwrap(), "2023-11-14");
        assert!(report_date(None, Some("i går"), now)
            .unwrap_err()
            .contains("SOURCE_DATE_EPOCH"));
    }

    #[test]
    fn bad_dates_are_rejected() {
        for bad in [
            "2025-02-29",
            "2025-13-01",
            "2025-00-10",
            "2025-1-1",
            "25-01-01",
            "2025/01/01",
            "2025-01-32",
            "2025-01-0x",
            "",
        ] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
        assert!(parse_date("2024-02-29").is_ok());
    }
}
