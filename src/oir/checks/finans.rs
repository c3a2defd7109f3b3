//! SF1590_A finansbilag: balance (nulsum), at least two postings, and the omsætningstabel
//! look-up of each posting's kontering.

use std::collections::{HashMap, HashSet};

use super::vocab;
use super::{Run, amount, fmt_amount};
use crate::oir::finding::Tekst;
use crate::oir::message::NodeId;
use crate::oir::rules::{BAL_001, BAL_002, MAP_001};
use crate::schema::datatypes::Decimal;

pub fn check(run: &mut Run<'_, '_>) {
    if run.applies(BAL_001) || run.applies(BAL_002) {
        for bilag in run.msg.find_all(vocab::FINANSBILAG) {
            balance(run, bilag);
        }
    }
    if run.applies(MAP_001) {
        mapping(run);
    }
}

/// A posting's signed amount: `Beloeb`, negated when a debet/kredit indicator says kredit.
fn signed_amount(run: &Run<'_, '_>, posting: NodeId) -> Option<Decimal> {
    let b = run.msg.child(posting, vocab::BELOEB)?;
    let v = amount(run.msg, b)?;
    let kredit = run
        .msg
        .child(posting, vocab::DEBET_KREDIT)
        .map(|k| run.msg.text(k).to_ascii_lowercase())
        .is_some_and(|k| matches!(k.as_str(), "kredit" | "k" | "c" | "credit"));
    Some(if kredit { -&v } else { v })
}

fn balance(run: &mut Run<'_, '_>, bilag: NodeId) {
    let postings = run.msg.descendants(bilag, vocab::FINANSPOSTERING);
    if postings.len() < 2 {
        // One posting cannot balance: BAL-002 says why, BAL-001 would only repeat it.
        if run.applies(BAL_002) {
            let n = postings.len();
            run.emit(
                BAL_002,
                bilag,
                Tekst::new(
                    format!("Finansbilaget har {n} postering(er); der skal være mindst 2 (postering og modpostering)."),
                    format!("The finansbilag has {n} posting(s); at least 2 are needed (posting and counter-posting)."),
                ),
                Some(n.to_string()),
                Some(">= 2".into()),
            );
        }
        return;
    }
    if !run.applies(BAL_001) {
        return;
    }
    let mut sum = Decimal::ZERO;
    for p in &postings {
        match signed_amount(run, *p) {
            Some(v) => sum = &sum + &v,
            // An unreadable amount is a schema finding; the sum would be meaningless.
            None => return,
        }
    }
    if !sum.is_zero() {
        let s = fmt_amount(&sum);
        run.emit(
            BAL_001,
            bilag,
            Tekst::new(
                format!(
                    "Finansbilagets {} posteringer summerer til {s}, ikke 0,00: bilaget balancerer ikke.",
                    postings.len()
                ),
                format!(
                    "The finansbilag's {} postings sum to {s}, not 0.00: the voucher does not balance.",
                    postings.len()
                ),
            ),
            Some(s),
            Some("0.00".into()),
        );
    }
}

/// Each posting's kontering must map to an account; each betalingsart to an ERP
/// betalingsart. Only values that are valid in the sortiment are looked up: an unknown or
/// expired value is the sortiment rules' finding, not a mapping gap.
fn mapping(run: &mut Run<'_, '_>) {
    let (Some(table), Some(sortiment)) = (run.table, run.sortiment) else {
        return;
    };
    let mut groups: Vec<NodeId> = Vec::new();
    let mut per_group: Vec<Vec<(String, String)>> = Vec::new();
    let mut unmapped_pay: Vec<(NodeId, String, String)> = Vec::new();
    let mut bad: HashSet<NodeId> = HashSet::new();
    let mut index: HashMap<NodeId, usize> = HashMap::new();
    for c in run.classified().iter() {
        let (n, dim, u) = (c.node, c.dimension.as_str(), c.uuid.clone());
        let holder = run
            .msg
            .parent(n)
            .and_then(|p| run.msg.ancestor(p, vocab::KONTERING_HOLDERS));
        let v = match sortiment.get(&u) {
            Some(v) if v.dimension == dim && v.valid_on(run.use_date(n)) => v,
            // A partial kontering would not match any row: leave the group to the
            // sortiment rules.
            _ => {
                bad.extend(holder);
                continue;
            }
        };
        if dim == "betalingsart" && table.payment_type(&u).is_none() {
            unmapped_pay.push((n, u.clone(), v.label()));
        }
        let Some(holder) = holder else {
            continue;
        };
        match index.get(&holder) {
            Some(&i) => per_group[i].push((dim.to_string(), u)),
            None => {
                index.insert(holder, groups.len());
                groups.push(holder);
                per_group.push(vec![(dim.to_string(), u)]);
            }
        }
    }
    for (holder, kontering) in groups.into_iter().zip(per_group) {
        // Only art/funktion (and what goes with them) make an account.
        if bad.contains(&holder) || !kontering.iter().any(|(d, _)| d == "art" || d == "funktion") {
            continue;
        }
        if table.account_for(&kontering).is_none() {
            let labels: Vec<String> = kontering
                .iter()
                .filter_map(|(d, u)| sortiment.get(u).map(|v| format!("{d} {}", v.label())))
                .collect();
            let l = labels.join(", ");
            run.emit(
                MAP_001,
                holder,
                Tekst::new(
                    format!("Konteringen ({l}) har ingen række i kommunens omsætningstabel, så posteringen kan ikke henføres til en konto i kontoplanen."),
                    format!("The coding ({l}) has no row in the municipality's omsætningstabel, so the posting cannot be assigned to an account of the chart of accounts."),
                ),
                Some(l),
                Some("a row in the omsætningstabel".into()),
            );
        }
    }
    for (n, u, label) in unmapped_pay {
        run.emit(
            MAP_001,
            n,
            Tekst::new(
                format!("Betalingsarten {label} har ingen ERP-betalingsart i kommunens omsætningstabel."),
                format!("The betalingsart {label} has no ERP payment type in the municipality's omsætningstabel."),
            ),
            Some(u),
            Some("a mapped betalingsart".into()),
        );
    }
}
