//! Sortiment rules: every classification value in the payload exists in the fagsystem's
//! sortiment, in the delsortiment its field names, and is valid on the date it is used.

use super::Run;
use crate::oir::finding::Tekst;
use crate::oir::rules::{SRT_001, SRT_002, SRT_003};

pub fn check(run: &mut Run<'_, '_>) {
    let Some(sortiment) = run.sortiment else {
        return;
    };
    if !(run.applies(SRT_001) || run.applies(SRT_002) || run.applies(SRT_003)) {
        return;
    }
    // A field holding a code rather than a UUID is the schema's business: only UUIDs are here.
    for c in run.classified().iter() {
        let (n, dim, u) = (c.node, c.dimension.as_str(), c.uuid.clone());
        match sortiment.get(&u) {
            None => run.emit(
                SRT_001,
                n,
                Tekst::new(
                    format!("Værdien {u} ({dim}) findes ikke i sortimentet '{}'.", sortiment.title),
                    format!("The value {u} ({dim}) is not in the sortiment '{}'.", sortiment.title),
                ),
                Some(u),
                Some(format!("a {dim} value of sortiment {}", sortiment.uuid)),
            ),
            Some(v) if dim.starts_with("delsortiment ") => run.emit(
                SRT_001,
                n,
                Tekst::new(
                    format!("Værdien {u} er angivet under et {dim}, som ikke findes i sortimentet '{}'.", sortiment.title),
                    format!("The value {u} is given under a {dim} that is not in the sortiment '{}'.", sortiment.title),
                ),
                Some(v.uuid.clone()),
                Some(format!("a delsortiment of sortiment {}", sortiment.uuid)),
            ),
            Some(v) if v.dimension != dim => run.emit(
                SRT_003,
                n,
                Tekst::new(
                    format!(
                        "Værdien {} ({}) hører til delsortimentet '{}', men står i et felt for '{dim}'.",
                        v.uuid, v.label(), v.dimension
                    ),
                    format!(
                        "The value {} ({}) belongs to the delsortiment '{}' but is given in a '{dim}' field.",
                        v.uuid, v.label(), v.dimension
                    ),
                ),
                Some(u),
                Some(format!("a {dim} value")),
            ),
            Some(v) => {
                let d = run.use_date(n);
                if !v.valid_on(d) {
                    let (da, en) = if d < v.from {
                        ("er endnu ikke gyldig", "is not valid yet")
                    } else {
                        ("er udløbet", "has ended")
                    };
                    run.emit(
                        SRT_002,
                        n,
                        Tekst::new(
                            format!(
                                "Værdien {} ({}, {dim}) {da} den {d}: den gælder {}.",
                                v.uuid,
                                v.label(),
                                v.period()
                            ),
                            format!(
                                "The value {} ({}, {dim}) {en} on {d}: it is valid {}.",
                                v.uuid,
                                v.label(),
                                v.period()
                            ),
                        ),
                        Some(u),
                        Some(format!("valid on {d} ({})", v.period())),
                    );
                }
            }
        }
    }
}
