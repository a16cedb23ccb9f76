//! Working days (工作日), for deadlines such as the written answer (回告) to a warning:
//! weekends are off, so are the register's holidays, and 调休 weekend days are worked.

use std::collections::BTreeSet;

use crate::model::Date;

/// The 2026 public holidays as the State Council's notice sets them (国办发明电〔2025〕7号):
/// 元旦, 春节, 清明节, 劳动节, 端午节, 中秋节, 国庆节, as inclusive ranges. A register keeps
/// its own editable copy; these only fill a new one.
pub const HOLIDAYS_2026: [(&str, &str); 7] = [
    ("2026-01-01", "2026-01-03"),
    ("2026-02-15", "2026-02-23"),
    ("2026-04-04", "2026-04-06"),
    ("2026-05-01", "2026-05-05"),
    ("2026-06-19", "2026-06-21"),
    ("2026-09-25", "2026-09-27"),
    ("2026-10-01", "2026-10-07"),
];

/// The weekend days worked in 2026 (调休上班), by the same notice.
pub const WORKED_WEEKENDS_2026: [&str; 6] =
    ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"];

/// Which days are worked.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WorkCalendar {
    /// Days off although they are weekdays (and weekend days inside a holiday, harmlessly).
    pub holidays: BTreeSet<Date>,
    /// Weekend days that are worked (调休).
    pub worked: BTreeSet<Date>,
}

/// 0 for Monday … 6 for Sunday.
pub fn weekday(date: Date) -> u8 {
    // 1970-01-01 was a Thursday.
    (date.days_since_epoch() + 3).rem_euclid(7) as u8
}

impl WorkCalendar {
    /// The calendar of the 2026 notice.
    pub fn china_2026() -> Self {
        let day = |s: &str| s.parse::<Date>().expect("a valid built-in date");
        let mut holidays = BTreeSet::new();
        for (first, last) in HOLIDAYS_2026 {
            let (first, last) = (day(first), day(last));
            holidays.extend((0..=first.days_until(last)).map(|n| first.add_days(n)));
        }
        Self { holidays, worked: WORKED_WEEKENDS_2026.into_iter().map(day).collect() }
    }

    /// Whether `date` is a working day.
    pub fn is_working(&self, date: Date) -> bool {
        if self.worked.contains(&date) {
            return true;
        }
        weekday(date) < 5 && !self.holidays.contains(&date)
    }

    /// The `n`th working day after `start` (`start` itself does not count): a deadline of
    /// `n` working days from `start`. `n = 0` is `start`.
    pub fn add_working_days(&self, start: Date, n: u32) -> Date {
        let mut date = start;
        let mut left = n;
        while left > 0 {
            date = date.add_days(1);
            if self.is_working(date) {
                left -= 1;
            }
        }
        date
    }

    /// Working days after `from` up to and including `to` (negative when `to` is earlier):
    /// how many working days are left until a deadline, or how many it is overdue.
    pub fn working_days_between(&self, from: Date, to: Date) -> i64 {
        let (a, b, sign) = if from <= to { (from, to, 1) } else { (to, from, -1) };
        let count = (1..=a.days_until(b)).filter(|&n| self.is_working(a.add_days(n))).count() as i64;
        sign * count
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn weekdays_are_counted_from_a_known_day() {
        assert_eq!(weekday(d("2026-11-28")), 5, "a Saturday");
        assert_eq!(weekday(d("2026-11-30")), 0, "a Monday");
        assert_eq!(weekday(d("1970-01-01")), 3, "a Thursday");
        assert_eq!(weekday(d("1969-12-28")), 6, "a Sunday before the epoch");
    }

    #[test]
    fn weekends_are_skipped() {
        let plain = WorkCalendar::default();
        // Friday + 1 working day is Monday; + 5 is the next Friday.
        assert_eq!(plain.add_working_days(d("2026-11-27"), 1), d("2026-11-30"));
        assert_eq!(plain.add_working_days(d("2026-11-27"), 5), d("2026-12-04"));
        // Counting from a Saturday: Monday is the first working day.
        assert_eq!(plain.add_working_days(d("2026-11-28"), 1), d("2026-11-30"));
        assert_eq!(plain.add_working_days(d("2026-11-28"), 0), d("2026-11-28"));
    }

    #[test]
    fn holidays_are_skipped_and_worked_weekends_count() {
        let calendar = WorkCalendar::china_2026();
        assert!(!calendar.is_working(d("2026-10-05")), "国庆, a Monday");
        assert!(calendar.is_working(d("2026-10-10")), "调休, a Saturday");
        assert!(calendar.is_working(d("2026-02-14")), "调休 before 春节");
        assert!(!calendar.is_working(d("2026-02-16")), "春节, a Monday");
        // 5 working days from Wednesday 30 September: 8, 9, 10 (a worked Saturday), 12, 13 October.
        assert_eq!(calendar.add_working_days(d("2026-09-30"), 5), d("2026-10-13"));
        // From Friday 13 February: Saturday 14th is worked, then 春节 until the 23rd.
        assert_eq!(calendar.add_working_days(d("2026-02-13"), 1), d("2026-02-14"));
        assert_eq!(calendar.add_working_days(d("2026-02-13"), 2), d("2026-02-24"));
        // 元旦: 1–3 January off, Sunday 4th worked.
        assert_eq!(calendar.add_working_days(d("2025-12-31"), 1), d("2026-01-04"));
    }

    #[test]
    fn days_between_count_forward_and_back() {
        let calendar = WorkCalendar::china_2026();
        assert_eq!(calendar.working_days_between(d("2026-09-30"), d("2026-10-13")), 5);
        assert_eq!(calendar.working_days_between(d("2026-10-13"), d("2026-09-30")), -5);
        assert_eq!(calendar.working_days_between(d("2026-11-27"), d("2026-11-27")), 0);
        assert_eq!(calendar.working_days_between(d("2026-11-27"), d("2026-11-29")), 0);
        for n in 0..30 {
            let due = calendar.add_working_days(d("2026-09-15"), n);
            assert_eq!(calendar.working_days_between(d("2026-09-15"), due), n as i64);
        }
    }
}
