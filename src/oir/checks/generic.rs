//! Rules for every integration: periods run forwards, CPR date parts are dates, CVR
//! numbers satisfy modulus 11.

use super::Run;
use super::vocab;
use crate::oir::date::{Date, days_in_month};
use crate::oir::finding::Tekst;
use crate::oir::rules::{CPR_001, CVR_001, PER_001};

pub fn check(run: &mut Run<'_, '_>) {
    let msg = run.msg;
    let (per, cpr_on, cvr_on) = (
        run.applies(PER_001),
        run.applies(CPR_001),
        run.applies(CVR_001),
    );
    for &n in msg.payload_nodes() {
        // Only leaves carry numbers; a `CPRNummerStruktur` wrapper is not one.
        if !msg.children(n).is_empty() {
            if per {
                period(run, n);
            }
            continue;
        }
        let name = msg.local(n);
        if cpr_on && vocab::name_contains(name, "cpr") {
            cpr(run, n);
        } else if cvr_on && vocab::name_contains(name, "cvr") {
            cvr(run, n);
        }
    }
}

fn period(run: &mut Run<'_, '_>, n: usize) {
    for (from, to) in vocab::PERIOD_PAIRS {
        let (Some(f), Some(t)) = (run.msg.child(n, &[from]), run.msg.child(n, &[to])) else {
            continue;
        };
        let (fs, ts) = (run.msg.text(f), run.msg.text(t));
        let (Some(fd), Some(td)) = (Date::parse(&fs), Date::parse(&ts)) else {
            continue;
        };
        if fd > td {
            let what = run.msg.local(n).to_string();
            run.emit(
                PER_001,
                t,
                Tekst::new(
                    format!("Perioden {what} slutter ({td}) før den begynder ({fd})."),
                    format!("The period {what} ends ({td}) before it starts ({fd})."),
                ),
                Some(ts),
                Some(format!(">= {fd}")),
            );
        }
    }
}

/// Birth date of a CPR number from its date part and the century digit (7th digit), per
/// CPR-kontoret's table; `None` when the date does not exist.
pub fn cpr_birth_date(cpr: &str) -> Option<Date> {
    let d: Vec<u32> = cpr.chars().map(|c| c.to_digit(10)).collect::<Option<_>>()?;
    if d.len() != 10 {
        return None;
    }
    let day = u8::try_from(d[0] * 10 + d[1]).ok()?;
    let month = u8::try_from(d[2] * 10 + d[3]).ok()?;
    let yy = i32::try_from(d[4] * 10 + d[5]).ok()?;
    let century = match d[6] {
        0..=3 => 1900,
        4 | 9 if yy <= 36 => 2000,
        4 | 9 => 1900,
        _ if yy <= 57 => 2000,
        _ => 1800,
    };
    let year = century + yy;
    ((1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month))
        .then(|| Date::new(year, month, day))
        .flatten()
}

fn cpr(run: &mut Run<'_, '_>, n: usize) {
    let raw = run.msg.text(n);
    if raw.is_empty() {
        return;
    }
    // `DDMMYY-SSSS` is a common written form; the digits are what count.
    let digits: String = raw.chars().filter(|c| *c != '-').collect();
    if cpr_birth_date(&digits).is_some() {
        return;
    }
    let (da, en) = if digits.len() == 10 && digits.chars().all(|c| c.is_ascii_digit()) {
        (
            format!(
                "CPR-nummeret {raw} har en datodel ({}), der ikke er en gyldig dato.",
                &digits[..6]
            ),
            format!(
                "The CPR number {raw} has a date part ({}) that is not a valid date.",
                &digits[..6]
            ),
        )
    } else {
        (
            format!("CPR-nummeret '{raw}' er ikke 10 cifre."),
            format!("The CPR number '{raw}' is not 10 digits."),
        )
    };
    run.emit(
        CPR_001,
        n,
        Tekst::new(da, en),
        Some(raw),
        Some("DDMMYYSSSS with a real date".into()),
    );
}

/// CVR modulus 11: weights 2,7,6,5,4,3,2,1.
pub fn cvr_ok(cvr: &str) -> bool {
    const W: [u32; 8] = [2, 7, 6, 5, 4, 3, 2, 1];
    let d: Option<Vec<u32>> = cvr.chars().map(|c| c.to_digit(10)).collect();
    match d {
        Some(d) if d.len() == 8 => d.iter().zip(W).map(|(a, w)| a * w).sum::<u32>() % 11 == 0,
        _ => false,
    }
}

fn cvr(run: &mut Run<'_, '_>, n: usize) {
    let raw = run.msg.text(n);
    if raw.is_empty() {
        return;
    }
    // The URN form `urn:oio:cvr-nr:12345678` is used in Serviceplatformen headers.
    let number = raw.rsplit(':').next().unwrap_or(&raw).trim();
    if cvr_ok(number) {
        return;
    }
    let (da, en) = if number.len() == 8 && number.chars().all(|c| c.is_ascii_digit()) {
        (
            format!("CVR-nummeret {number} opfylder ikke modulus 11-kontrollen."),
            format!("The CVR number {number} fails the modulus-11 check."),
        )
    } else {
        (
            format!("CVR-nummeret '{raw}' er ikke 8 cifre."),
            format!("The CVR number '{raw}' is not 8 digits."),
        )
    };
    run.emit(
        CVR_001,
        n,
        Tekst::new(da, en),
        Some(raw),
        Some("8 digits, weighted sum (2,7,6,5,4,3,2,1) divisible by 11".into()),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cvr_modulus_11() {
        for ok in ["58271713", "12345674", "29189722"] {
            assert!(cvr_ok(ok), "{ok}");
        }
        for bad in [
            "11111111",
            "12345678",
            "1234567",
            "123456789",
            "5827171x",
            "",
            "５８２７１７１３",
        ] {
            assert!(!cvr_ok(bad), "{bad}");
        }
    }

    #[test]
    fn cpr_date_part_and_century() {
        assert_eq!(cpr_birth_date("1502851234"), Date::new(1985, 2, 15));
        // Modern CPR numbers need not satisfy modulus 11: only the date counts.
        assert_eq!(cpr_birth_date("0101001001"), Date::new(1900, 1, 1));
        assert_eq!(cpr_birth_date("2902004000"), Date::new(2000, 2, 29)); // 4, yy<=36: 2000, leap
        assert_eq!(cpr_birth_date("2902003000"), None); // 3: 1900, not leap
        assert_eq!(cpr_birth_date("0101585000"), Date::new(1858, 1, 1)); // 5, yy>57: 1800s
        assert_eq!(cpr_birth_date("0101575000"), Date::new(2057, 1, 1));
        assert_eq!(cpr_birth_date("0101379000"), Date::new(1937, 1, 1));
        for bad in [
            "3102851234",
            "0013851234",
            "0001851234",
            "150285123",
            "15028512345",
            "15028512x4",
            "",
        ] {
            assert_eq!(cpr_birth_date(bad), None, "{bad}");
        }
    }
}
