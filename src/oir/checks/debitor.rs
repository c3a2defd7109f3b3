//! SF1590_B debitor rules: ownership of debitorkonti, legal state transitions, a juridisk
//! ansvarlig on every fordring, the PSRM hand-over conditions, and payments within the
//! payable amount. Rules that need state are silent when the context does not give it:
//! an unknown account is not judged.

use std::collections::{HashMap, HashSet};

use super::vocab::{self, fold};
use super::{Run, amount, fmt_amount, uuid_in};
use crate::oir::date::Date;
use crate::oir::finding::Tekst;
use crate::oir::message::NodeId;
use crate::oir::rules::{HAE_001, OWN_001, PAY_001, PSRM_001, PSRM_002, STA_001};
use crate::schema::datatypes::Decimal;

pub fn check(run: &mut Run<'_, '_>) {
    // Answers and callbacks come from the debitorsystem: ownership is not theirs to prove.
    let from_fagsystem = run.is_request()
        && !run
            .msg
            .payloads
            .iter()
            .any(|&p| fold(run.msg.local(p)).contains("daekningafskrivning"));
    if from_fagsystem && run.applies(OWN_001) {
        ownership(run);
    }
    if from_fagsystem && run.applies(STA_001) {
        transitions(run);
    }
    if from_fagsystem && run.applies(HAE_001) {
        liability(run);
    }
    if from_fagsystem && (run.applies(PSRM_001) || run.applies(PSRM_002)) {
        psrm(run);
    }
    if run.applies(PAY_001) {
        payments(run);
    }
}

/// The owner the debitorsystem has on record for an account, or for a claim whose owner
/// differs from its account's (after an ejerskifte); a claim without its own owner is
/// judged through its account, so one cause gives one finding.
fn owner_of(run: &Run<'_, '_>, id: &str) -> Option<String> {
    if let Some(a) = run.ctx.account(id) {
        return a.owner.clone();
    }
    run.ctx.claim(id)?.owner.clone()
}

fn ownership(run: &mut Run<'_, '_>) {
    let Some(sender) = run.sender() else {
        return;
    };
    let mut done = HashSet::new();
    let refs = [vocab::DEBITORKONTO_REFS, vocab::FORDRING_REFS].concat();
    for n in run.msg.find_all(&refs) {
        let Some(id) = uuid_in(run.msg, n) else {
            continue;
        };
        if !done.insert(id.clone()) {
            continue;
        }
        if let Some(owner) = owner_of(run, &id)
            && owner != sender
        {
            let what = run.msg.local(n).to_string();
            run.emit(
                OWN_001,
                n,
                Tekst::new(
                    format!("{what} {id} ejes af it-systemet {owner}, ikke af afsenderen {sender}; afsenderen må ikke ændre den."),
                    format!("{what} {id} is owned by the it-system {owner}, not by the sender {sender}; the sender may not change it."),
                ),
                Some(sender.clone()),
                Some(owner),
            );
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Oprettet,
    Aktiv,
    /// Paused (e.g. henstand or a pending complaint).
    IBero,
    Overdraget,
    TilInddrivelse,
    Afsluttet,
}

/// Read a state name, tolerating case, spacing and the usual synonyms.
pub fn parse_state(s: &str) -> Option<State> {
    let f: String = fold(s)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    Some(match f.as_str() {
        "oprettet" | "ny" => State::Oprettet,
        "aktiv" | "aaben" | "aben" | "genaabnet" => State::Aktiv,
        "ibero" | "bero" | "henstand" => State::IBero,
        "overdraget" | "overdragettildebitorsystem" | "overdragettildebitor" => State::Overdraget,
        "tilinddrivelse" | "inddrivelse" | "overdragettilinddrivelse" | "psrm" => {
            State::TilInddrivelse
        }
        "afsluttet" | "lukket" | "afskrevet" | "indfriet" => State::Afsluttet,
        _ => return None,
    })
}

/// The legal transitions (domain brief §3.3.7). Staying in a state is not a transition.
pub fn legal(from: State, to: State) -> bool {
    use State::*;
    from == to
        || matches!(
            (from, to),
            (Oprettet, Aktiv | Afsluttet)
                | (Aktiv, IBero | Overdraget | TilInddrivelse | Afsluttet)
                | (IBero, Aktiv | Overdraget | Afsluttet)
                | (Overdraget, TilInddrivelse | Afsluttet)
                | (TilInddrivelse, Aktiv | Afsluttet)
        )
}

/// The claim or account a node inside the message is about.
fn target(run: &Run<'_, '_>, n: NodeId) -> Option<(String, NodeId)> {
    for refs in [
        vocab::DELFORDRING_REFS,
        vocab::FORDRING_REFS,
        vocab::DEBITORKONTO_REFS,
    ] {
        if let Some(r) = run.msg.inherited(n, refs)
            && let Some(id) = uuid_in(run.msg, r)
        {
            return Some((id, r));
        }
    }
    None
}

fn current_state(run: &Run<'_, '_>, id: &str) -> Option<String> {
    run.ctx
        .claim(id)
        .and_then(|c| c.state.clone())
        .or_else(|| run.ctx.account(id).and_then(|a| a.state.clone()))
}

fn transitions(run: &mut Run<'_, '_>) {
    for n in run.msg.find_all(vocab::STATE) {
        let new = run.msg.text(n);
        let Some(to) = parse_state(&new) else {
            continue;
        };
        let Some((id, _)) = target(run, n) else {
            continue;
        };
        let Some(cur) = current_state(run, &id) else {
            continue;
        };
        let Some(from) = parse_state(&cur) else {
            continue;
        };
        if !legal(from, to) {
            run.emit(
                STA_001,
                n,
                Tekst::new(
                    format!("{id} kan ikke skifte tilstand fra {cur} til {new}: overgangen er ikke tilladt."),
                    format!("{id} cannot change state from {cur} to {new}: the transition is not allowed."),
                ),
                Some(new),
                Some(format!("a legal successor of {cur}")),
            );
        }
    }
}

/// Does the subtree of `n` name a juridisk ansvarlig (not looking into other fordringer
/// when `skip_fordringer`)?
fn names_ja(run: &Run<'_, '_>, n: NodeId, skip_fordringer: bool) -> bool {
    let mut stack: Vec<NodeId> = run.msg.children(n).to_vec();
    while let Some(c) = stack.pop() {
        let local = run.msg.local(c);
        if skip_fordringer && crate::oir::message::name_in(local, vocab::FORDRING) {
            continue;
        }
        if crate::oir::message::name_in(local, vocab::JURIDISK_ANSVARLIG) && has_party(run, c) {
            return true;
        }
        if crate::oir::message::name_in(local, vocab::HAEFTELSE) {
            let role = run
                .msg
                .child(c, vocab::HAEFTELSE_ROLE)
                .map(|r| fold(&run.msg.text(r)).replace([' ', '_', '-'], ""));
            let ja_child = run.msg.child(c, vocab::JURIDISK_ANSVARLIG);
            if (role.as_deref() == Some("juridiskansvarlig") && has_party(run, c))
                || ja_child.is_some_and(|j| has_party(run, j))
            {
                return true;
            }
        }
        stack.extend(run.msg.children(c).iter().copied());
    }
    false
}

/// A party is identified (CPR, CVR, AKR …) with a non-empty value.
fn has_party(run: &Run<'_, '_>, n: NodeId) -> bool {
    run.msg
        .descendants(n, vocab::PARTY_IDS)
        .iter()
        .any(|&p| !run.msg.text(p).is_empty())
}

/// A fordring element that registers a claim (not just refers to one).
fn registers_claim(run: &Run<'_, '_>, f: NodeId) -> bool {
    run.msg.children(f).iter().any(|&c| {
        let l = run.msg.local(c);
        vocab::dimension_of(l) == Some("fordringstype")
            || crate::oir::message::name_in(l, vocab::DELFORDRING)
            || l.eq_ignore_ascii_case("Hovedstol")
    })
}

fn liability(run: &mut Run<'_, '_>) {
    for f in run.msg.find_all(vocab::FORDRING) {
        if !registers_claim(run, f) || names_ja(run, f, false) {
            continue;
        }
        // A fordring's own hæftelser decide; only a fordring without any falls back on the
        // debitorkonto's juridisk ansvarlig.
        let own_haeftelser = !run.msg.descendants(f, vocab::HAEFTELSE).is_empty();
        let mut found = false;
        let mut up = if own_haeftelser {
            None
        } else {
            run.msg.parent(f)
        };
        while let Some(a) = up {
            if names_ja(run, a, true) {
                found = true;
                break;
            }
            up = run.msg.parent(a);
        }
        if !found {
            let id = run
                .msg
                .child(f, vocab::FORDRING_REFS)
                .map(|r| run.msg.text(r))
                .unwrap_or_default();
            let what = if own_haeftelser {
                (
                    "ingen af dens hæftelser har typen juridisk ansvarlig",
                    "none of its liabilities is of the type juridisk ansvarlig",
                )
            } else {
                (
                    "den har ingen hæftelse, og debitorkontoen ingen juridisk ansvarlig",
                    "it has no liability and the debitorkonto no juridisk ansvarlig",
                )
            };
            run.emit(
                HAE_001,
                f,
                Tekst::new(
                    format!("Fordringen {id} har ingen juridisk ansvarlig: {}.", what.0),
                    format!("The claim {id} has no juridisk ansvarlig: {}.", what.1),
                ),
                None,
                Some("a Hæftelse with role juridisk ansvarlig".into()),
            );
        }
    }
}

fn is_true(s: &str) -> bool {
    matches!(fold(s).as_str(), "true" | "1" | "ja")
}

/// Hand-overs to collection: a hand-over request, a flag set to true, or a new state
/// TilInddrivelse.
fn handovers(run: &Run<'_, '_>) -> Vec<NodeId> {
    let mut out: Vec<NodeId> = run.msg.find_all(vocab::HANDOVER_REQUESTS);
    out.extend(
        run.msg
            .find_all(vocab::HANDOVER_FLAGS)
            .into_iter()
            .filter(|&n| is_true(&run.msg.text(n))),
    );
    out.extend(
        run.msg
            .find_all(vocab::STATE)
            .into_iter()
            .filter(|&n| parse_state(&run.msg.text(n)) == Some(State::TilInddrivelse)),
    );
    out
}

/// The claim's amount incl. renter and gebyrer: from the context, else from the message
/// (its delfordringer's amounts, else its own principal, interest and fee fields).
fn claim_total(run: &Run<'_, '_>, n: NodeId, id: Option<&str>) -> Option<Decimal> {
    if let Some(t) = id
        .and_then(|i| run.ctx.claim(i))
        .and_then(|c| c.total.clone())
    {
        return Some(t);
    }
    let f = run.msg.ancestor(n, vocab::FORDRING)?;
    let dels = run.msg.descendants(f, vocab::DELFORDRING);
    let mut sum = Decimal::ZERO;
    let mut any = false;
    if dels.is_empty() {
        for &c in run.msg.children(f) {
            if crate::oir::message::name_in(run.msg.local(c), vocab::CLAIM_AMOUNTS) {
                sum = &sum + &amount(run.msg, c)?;
                any = true;
            }
        }
    } else {
        for d in dels {
            if let Some(b) = run.msg.child(d, vocab::CLAIM_AMOUNTS) {
                sum = &sum + &amount(run.msg, b)?;
                any = true;
            }
        }
    }
    any.then_some(sum)
}

fn psrm(run: &mut Run<'_, '_>) {
    let limit = Decimal::from_i128(100);
    for n in handovers(run) {
        let id = target(run, n).map(|(i, _)| i);
        let handover: Date = run
            .msg
            .inherited(n, vocab::ACTION_DATES)
            .and_then(|d| Date::parse(&run.msg.text(d)))
            .unwrap_or_else(|| run.message_date());
        let last = run
            .msg
            .inherited(n, vocab::LAST_TIMELY)
            .and_then(|d| Date::parse(&run.msg.text(d)))
            .or_else(|| {
                id.as_deref()
                    .and_then(|i| run.ctx.claim(i))
                    .and_then(|c| c.last_timely)
            });
        let label = id.clone().unwrap_or_default();
        if let Some(last) = last
            && handover <= last
            && run.applies(PSRM_001)
        {
            run.emit(
                PSRM_001,
                n,
                Tekst::new(
                    format!("Fordringen {label} overdrages til inddrivelse den {handover}, men sidste rettidige betalingsdato er {last}: fristen er ikke udløbet."),
                    format!("The claim {label} is handed over for collection on {handover}, but its last timely payment date is {last}: the deadline has not passed."),
                ),
                Some(handover.to_string()),
                Some(format!("after {last}")),
            );
        }
        if let Some(total) = claim_total(run, n, id.as_deref())
            && total < limit
            && run.applies(PSRM_002)
        {
            let s = fmt_amount(&total);
            run.emit(
                PSRM_002,
                n,
                Tekst::new(
                    format!("Fordringen {label} er på {s} kr. inkl. renter og gebyrer; under 100,00 kr. kan den ikke overdrages til inddrivelse."),
                    format!("The claim {label} amounts to DKK {s} incl. interest and fees; below DKK 100.00 it cannot be handed over for collection."),
                ),
                Some(s),
                Some(">= 100.00".into()),
            );
        }
    }
}

fn payments(run: &mut Run<'_, '_>) {
    let refs = [vocab::DELFORDRING_REFS, vocab::FORDRING_REFS].concat();
    // claim id → (total paid, last amount node)
    let mut paid: HashMap<String, (Decimal, NodeId)> = HashMap::new();
    let mut order = Vec::new();
    for &n in run.msg.payload_nodes() {
        if run.msg.ancestor(n, vocab::INDBETALING).is_none() {
            continue;
        }
        let (Some(r), Some(b)) = (run.msg.child(n, &refs), run.msg.child(n, vocab::BELOEB)) else {
            continue;
        };
        let (Some(id), Some(v)) = (uuid_in(run.msg, r), amount(run.msg, b)) else {
            continue;
        };
        let e = paid.entry(id.clone()).or_insert_with(|| {
            order.push(id.clone());
            (Decimal::ZERO, b)
        });
        e.0 = &e.0 + &v;
        e.1 = b;
    }
    for id in order {
        let Some((total, node)) = paid.get(&id).cloned() else {
            continue;
        };
        let Some(payable) = run.ctx.claim(&id).and_then(|c| c.payable.clone()) else {
            continue;
        };
        if total > payable {
            let (t, p) = (fmt_amount(&total), fmt_amount(&payable));
            run.emit(
                PAY_001,
                node,
                Tekst::new(
                    format!("Der indbetales {t} kr. på {id}, men der kan højst betales {p} kr."),
                    format!("DKK {t} is paid on {id}, but at most DKK {p} is payable."),
                ),
                Some(t),
                Some(format!("<= {p}")),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_and_transitions() {
        assert_eq!(parse_state("Til inddrivelse"), Some(State::TilInddrivelse));
        assert_eq!(parse_state("AFSLUTTET"), Some(State::Afsluttet));
        assert_eq!(parse_state("Åben"), Some(State::Aktiv));
        assert_eq!(parse_state("ukendt"), None);
        assert!(legal(State::Aktiv, State::TilInddrivelse));
        assert!(legal(State::TilInddrivelse, State::Aktiv));
        assert!(!legal(State::Afsluttet, State::Aktiv));
        assert!(!legal(State::Overdraget, State::Aktiv));
        assert!(legal(State::Aktiv, State::Aktiv));
    }
}
