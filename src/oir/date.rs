//! Calendar dates for validity periods and deadlines. Messages carry `xs:date` or
//! `xs:dateTime`; rules compare days only, so the time and time zone are dropped.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

pub fn is_leap(y: i32) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

pub fn days_in_month(y: i32, m: u8) -> u8 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl Date {
    /// A real calendar date, or `None`.
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        ((1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month))
            .then_some(Date { year, month, day })
    }

    /// `YYYY-MM-DD`, optionally followed by a time and/or zone (`T10:00:00Z`, `+01:00`, `Z`):
    /// the date part of an `xs:date` or `xs:dateTime`.
    pub fn parse(s: &str) -> Option<Date> {
        let s = s.trim();
        let b = s.as_bytes();
        if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<u32> {
            let part = s.get(r)?;
            part.bytes()
                .all(|c| c.is_ascii_digit())
                .then(|| part.parse().ok())?
        };
        let year = i32::try_from(num(0..4)?).ok()?;
        let month = u8::try_from(num(5..7)?).ok()?;
        let day = u8::try_from(num(8..10)?).ok()?;
        match &s[10..] {
            "" | "Z" => {}
            rest if rest.starts_with(['T', '+', '-']) => {}
            _ => return None,
        }
        Date::new(year, month, day)
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
    fn parses_date_and_datetime() {
        assert_eq!(Date::parse("2025-03-03"), Date::new(2025, 3, 3));
        assert_eq!(Date::parse("2025-03-03T10:00:00Z"), Date::new(2025, 3, 3));
        assert_eq!(Date::parse("2025-03-03+01:00"), Date::new(2025, 3, 3));
        assert_eq!(Date::parse(" 2024-02-29 "), Date::new(2024, 2, 29));
    }

    #[test]
    fn rejects_odd_input() {
        for s in [
            "",
            "2025",
            "2025-02-29",
            "2025-13-01",
            "2025-00-10",
            "20x5-01-01",
            "2025-01-01x",
            "2025-1-01",
            "ÆØÅÆ-01-01",
            "2025-01-0é",
        ] {
            assert_eq!(Date::parse(s), None, "{s}");
        }
    }

    #[test]
    fn orders_and_prints() {
        let a = Date::parse("2019-12-31").unwrap();
        let b = Date::parse("2020-01-01").unwrap();
        assert!(a < b);
        assert_eq!(b.to_string(), "2020-01-01");
    }
}
