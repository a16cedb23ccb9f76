//! Calendar dates without a time zone, stored as `YYYY-MM-DD` text.

use std::fmt;
use std::str::FromStr;

/// A calendar date (proleptic Gregorian), used for plan phases, due dates and publicity windows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

/// Why a text is not a date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize)]
pub enum DateError {
    /// Not of the form `YYYY-MM-DD`.
    #[error("not a date of the form YYYY-MM-DD")]
    Format,
    /// A month or day that does not exist (2026-02-30).
    #[error("no such day in the calendar")]
    OutOfRange,
}

impl Date {
    /// The date of `year`-`month`-`day`, if it exists.
    pub fn new(year: i32, month: u8, day: u8) -> Result<Self, DateError> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return Err(DateError::OutOfRange);
        }
        Ok(Self { year, month, day })
    }

    /// The date `days` after 1970-01-01 (negative for earlier dates).
    pub fn from_days_since_epoch(days: i64) -> Self {
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Self { year, month, day }
    }

    /// The date of a Unix time in seconds, in UTC+8 (China Standard Time, the users' clock).
    pub fn from_unix_seconds_china(seconds: i64) -> Self {
        Self::from_days_since_epoch((seconds + 8 * 3_600).div_euclid(86_400))
    }

    /// Days since 1970-01-01.
    pub fn days_since_epoch(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y.rem_euclid(400);
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` later (earlier when negative).
    pub fn add_days(self, days: i64) -> Self {
        Self::from_days_since_epoch(self.days_since_epoch() + days)
    }

    /// The same day `months` later, clamped to the month's last day.
    pub fn add_months(self, months: i32) -> Self {
        let index = self.year * 12 + i32::from(self.month) - 1 + months;
        let year = index.div_euclid(12);
        let month = (index.rem_euclid(12) + 1) as u8;
        let day = self.day.min(days_in_month(year, month));
        Self { year, month, day }
    }

    /// Days from `self` to `later` (negative when `later` is earlier).
    pub fn days_until(self, later: Date) -> i64 {
        later.days_since_epoch() - self.days_since_epoch()
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.year
    }

    /// The month, 1–12.
    pub fn month(self) -> u8 {
        self.month
    }

    /// The day of the month.
    pub fn day(self) -> u8 {
        self.day
    }
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl FromStr for Date {
    type Err = DateError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut parts = s.trim().splitn(3, '-');
        let mut number = |len: usize| -> Result<u32, DateError> {
            let part = parts.next().ok_or(DateError::Format)?;
            if part.len() != len || !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(DateError::Format);
            }
            part.parse().map_err(|_| DateError::Format)
        };
        let year = number(4)? as i32;
        let month = number(2)? as u8;
        let day = number(2)? as u8;
        Self::new(year, month, day)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints() {
        let d: Date = "2026-02-28".parse().unwrap();
        assert_eq!(d.to_string(), "2026-02-28");
        assert_eq!("2026-02-29".parse::<Date>(), Err(DateError::OutOfRange));
        assert_eq!("2024-02-29".parse::<Date>().unwrap().day(), 29);
        assert_eq!("2026-2-1".parse::<Date>(), Err(DateError::Format));
        assert_eq!("二〇二六-01-01".parse::<Date>(), Err(DateError::Format));
        assert_eq!("".parse::<Date>(), Err(DateError::Format));
    }

    #[test]
    fn day_arithmetic_round_trips() {
        for days in [-800_000, -1, 0, 1, 19_000, 20_419, 2_000_000] {
            assert_eq!(Date::from_days_since_epoch(days).days_since_epoch(), days);
        }
        let d: Date = "2026-11-27".parse().unwrap();
        assert_eq!(d.add_days(7).to_string(), "2026-12-04");
        assert_eq!(d.add_months(3).to_string(), "2027-02-27");
        assert_eq!("2026-01-31".parse::<Date>().unwrap().add_months(1).to_string(), "2026-02-28");
        assert_eq!(d.days_until(d.add_days(-3)), -3);
    }

    #[test]
    fn china_time_decides_the_day() {
        // 2026-11-27 16:30 UTC is 2026-11-28 00:30 in Beijing.
        assert_eq!(Date::from_unix_seconds_china(1_795_797_000).to_string(), "2026-11-28");
    }
}
