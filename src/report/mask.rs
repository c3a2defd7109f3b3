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

/// Something that could be a CPR number anywhere in a serialized event: a cheap pre-check
/// (digits and `-` are never escaped in JSON, so a CPR number in any string shows here).
fn cpr_candidate() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"[0-9]{6}-?[0-9]{4}").expect("constant pattern"))
}

fn mask_value(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::String(s) => {
            if let Cow::Owned(m) = mask_cpr(s) {
                *s = m;
            }
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(mask_value),
        serde_json::Value::Object(o) => o.values_mut().for_each(mask_value),
        _ => {}
    }
}

/// The event with CPR numbers masked in every string it carries (requests, responses,
/// messages, table cells, step text, names, …) — every field, including ones added later,
/// because the walk goes over the event's serialized form.
pub fn mask_event(event: &crate::run::events::Event) -> Cow<'_, crate::run::events::Event> {
    let Ok(text) = serde_json::to_string(event) else {
        return Cow::Borrowed(event);
    };
    // Fast path: no candidate anywhere (most events).
    if !cpr_candidate().is_match(&text) {
        return Cow::Borrowed(event);
    }
    let Ok(mut value) = serde_json::from_str::<serde_json::Value>(&text) else {
        return Cow::Owned(unmaskable());
    };
    mask_value(&mut value);
    match serde_json::from_value(value) {
        Ok(e) => Cow::Owned(e),
        // Cannot happen (the value came from the event); never let it through unmasked.
        Err(_) => Cow::Owned(unmaskable()),
    }
}

/// Stands in for an event that could not be masked (cannot happen: the JSON came from the
/// event), so nothing unmasked ever gets through.
fn unmaskable() -> crate::run::events::Event {
    crate::run::events::Event::ParseError {
        path: String::new(),
        line: None,
        message: "event could not be masked".into(),
    }
}

/// A writer that sees every event with CPR numbers masked.
pub struct Masked<W>(pub W);

impl<W: super::Writer> super::Writer for Masked<W> {
    fn event(&mut self, event: &crate::run::events::Event) -> std::io::Result<()> {
        self.0.event(&mask_event(event))
    }
}

#[cfg(test)]
mod tests {
    use super::{mask_cpr, mask_event};

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

    #[test]
    fn every_string_of_an_event_is_masked() {
        for e in crate::report::sample::events() {
            let m = mask_event(&e);
            let text = serde_json::to_string(&*m).unwrap();
            assert_eq!(mask_cpr(&text), text);
            for cpr in crate::report::sample::SAMPLE_CPRS {
                assert!(!text.contains(cpr), "{text}");
            }
        }
    }
}
