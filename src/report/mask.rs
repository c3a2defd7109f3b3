//! Masking of personal data in everything a run writes (reports, journals): CPR numbers by
//! default (`0101011234` / `010101-1234` → `010101-****`), plus configured patterns.
//! Masking is on unless turned off explicitly for local debugging.

use std::borrow::Cow;
use std::sync::OnceLock;

use regex::Regex;

/// Ten digits (optionally `DDMMYY-NNNN`) whose first six are a plausible date, not part of
/// a longer number. UUIDs, amounts and CVR numbers (8 digits) do not match.
fn cpr_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(^|[^0-9A-Za-z.-])((?:0[1-9]|[12][0-9]|3[01])(?:0[1-9]|1[0-2])[0-9]{2})-?([0-9]{4})($|[^0-9A-Za-z.-]|\.$|\.[^0-9])")
            .expect("constant pattern")
    })
}

/// Masks CPR numbers: the birth date stays (it helps reading a report), the sequence
/// number becomes `****`.
pub fn mask_cpr(text: &str) -> Cow<'_, str> {
    let re = cpr_regex();
    if !re.is_match(text) {
        return Cow::Borrowed(text);
    }
    // Matches may share their delimiter (`0101011234,0101011234`): loop until stable.
    let mut out = text.to_string();
    loop {
        let next = re.replace_all(&out, "${1}${2}-****${4}").into_owned();
        if next == out {
            return Cow::Owned(out);
        }
        out = next;
    }
}

#[cfg(test)]
mod tests {
    use super::mask_cpr;

    #[test]
    fn cpr_numbers_are_masked_in_xml_and_text() {
        assert_eq!(
            mask_cpr("<CPRNummer>0101011234</CPRNummer>"),
            "<CPRNummer>010101-****</CPRNummer>"
        );
        assert_eq!(mask_cpr("cpr 311299-4321."), "cpr 311299-****.");
        assert_eq!(mask_cpr("0101011234,0202021234"), "010101-****,020202-****");
    }

    #[test]
    fn other_numbers_are_left_alone() {
        for s in [
            "58271713",
            "fb000000-0000-4000-8000-000000000001",
            "12345678901",
            "1250.00",
            "9999999999",
            "KYS-2025-000123",
        ] {
            assert_eq!(mask_cpr(s), s, "{s}");
        }
    }
}
