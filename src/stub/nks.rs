//! SF1590_E Udbetaling: the NemKonto payment requests the stub received and the business
//! answers "the bank" gives to them, so `HentForretningssvar` and
//! `HentForretningskvittering` report on the requests the client really sent (not on the
//! example's). What the bank makes of a transaction:
//!
//! * a `DanskKonto` with registration number 9999 (no such bank, as in the pack's example)
//!   is `AFVIST` with NKS-0217, pointing at the transaction's `Modtagerkonto`;
//! * a transaction whose `Udbetalingsdato` is after the stub's today is `UNDER_BEHANDLING`
//!   (the answer is asynchronous: ask again after the day, or set `today`);
//! * every other transaction is `GENNEMFOERT`.
//!
//! Each request has a KVITTERINGSSVAR1 (MODTAGET) and a RETURSVAR2 whose status sums its
//! transactions up (ACCEPTERET, DELVIST_ACCEPTERET or AFVIST).

use serde::{Deserialize, Serialize};

use super::answer::{add_seconds, child_indent, reindent, seeded_uuid};
use super::state::{find_all, text_of};
use super::xmlout::{child, child_mut, element_like, set_text};
use crate::oir::date::Date;
use crate::oir::sortiment::norm_uuid;
use crate::schema::datatypes::{self, Builtin};
use crate::xml::tree::{Element, Node};

/// The registration number of a bank that does not exist.
const NO_SUCH_BANK: &str = "9999";

/// One `Betalingsanmodning` as received.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaymentRequest {
    /// `Gruppehoved/LeveranceUUID`, normalised.
    pub leverance: String,
    /// As written in the request (for answers that echo it).
    pub leverance_text: String,
    /// `Hovedoplysninger/Afsendelsestidspunkt` of the message that carried it.
    pub received: Option<String>,
    pub transactions: Vec<Transaction>,
    /// Journal entry of the message.
    pub journal: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Transaction {
    pub uuid: String,
    /// Positions (1-based) of its `Betalingsinformation` and of it within that.
    pub info: usize,
    pub index: usize,
    pub due: Option<String>,
    /// Paid to a Danish account the bank does not know.
    pub unknown_account: bool,
}

/// What the answer to an NKS query reports, read from the state.
#[derive(Debug, Clone)]
pub enum Report {
    /// `HentForretningssvar`: the answers matching the criteria, and whether more matched
    /// than `MaksAntal` allowed.
    Answers(Vec<Answer>, bool),
    /// `HentForretningskvittering`: the request's receipt (`None`: no such delivery).
    Receipt(Option<PaymentRequest>),
}

#[derive(Debug, Clone)]
pub struct Answer {
    pub kind: &'static str,
    pub request: PaymentRequest,
    pub at: Option<String>,
    /// Empty for a KVITTERINGSSVAR1.
    pub statuses: Vec<(Transaction, &'static str)>,
}

/// The payment requests in a payload (an `AfsendBetalingsanmodning`).
pub fn received(payload: &Element, sent: Option<&str>, journal: u64) -> Vec<PaymentRequest> {
    let mut out = Vec::new();
    for anm in find_all(payload, "Betalingsanmodning") {
        let Some(lev) = anm
            .elements()
            .find(|e| e.local == "Gruppehoved")
            .and_then(|g| text_of(g, "LeveranceUUID"))
        else {
            continue;
        };
        let mut transactions = Vec::new();
        let infos = anm.elements().filter(|e| e.local == "Betalingsinformation");
        for (i, info) in infos.enumerate() {
            let due = text_of(info, "Udbetalingsdato");
            let txs = info
                .elements()
                .filter(|e| e.local == "Betalingstransaktion");
            for (j, tx) in txs.enumerate() {
                let Some(uuid) = text_of(tx, "BetalingstransaktionUUID") else {
                    continue;
                };
                let unknown_account = find_all(tx, "DanskKonto")
                    .iter()
                    .any(|k| text_of(k, "Registreringsnummer").as_deref() == Some(NO_SUCH_BANK));
                transactions.push(Transaction {
                    uuid,
                    info: i + 1,
                    index: j + 1,
                    due: due.clone(),
                    unknown_account,
                });
            }
        }
        out.push(PaymentRequest {
            leverance: norm_uuid(&lev),
            leverance_text: lev,
            received: sent.map(str::to_string),
            transactions,
            journal,
        });
    }
    out
}

/// What an NKS query asks about, answered from the requests received (oldest first).
/// `None` for any other payload: the criteria are children of the payload, so every other
/// message costs one look at its children (this runs for every accepted message).
pub fn report(payload: &Element, requests: &[PaymentRequest], today: Date) -> Option<Report> {
    let criteria = |local: &str| payload.elements().find(|e| e.local == local);
    if let Some(k) = criteria("ForretningskvitteringKriterier") {
        let lev = text_of(k, "LeveranceUUID").map(|l| norm_uuid(&l));
        let found = requests
            .iter()
            .rev()
            .find(|r| Some(&r.leverance) == lev.as_ref());
        return Some(Report::Receipt(found.cloned()));
    }
    let k = criteria("ForretningssvarKriterier")?;
    let lev = text_of(k, "LeveranceUUID").map(|l| norm_uuid(&l));
    let tx = text_of(k, "BetalingstransaktionUUID").map(|t| norm_uuid(&t));
    let since = text_of(k, "SvarSiden");
    let max = text_of(k, "MaksAntal")
        .and_then(|m| m.parse::<usize>().ok())
        .unwrap_or(500)
        .min(500);
    let mut answers = Vec::new();
    for r in requests {
        if lev.as_ref().is_some_and(|l| *l != r.leverance) {
            continue;
        }
        if let Some(t) = &tx
            && !r.transactions.iter().any(|x| norm_uuid(&x.uuid) == *t)
        {
            continue;
        }
        let statuses: Vec<(Transaction, &'static str)> = r
            .transactions
            .iter()
            .filter(|x| tx.as_ref().is_none_or(|t| norm_uuid(&x.uuid) == *t))
            .map(|x| (x.clone(), status(x, today)))
            .collect();
        let at = |secs| r.received.as_deref().and_then(|s| add_seconds(s, secs));
        for (kind, at, statuses) in [
            ("KVITTERINGSSVAR1", at(300), Vec::new()),
            ("RETURSVAR2", at(3600), statuses),
        ] {
            if let (Some(since), Some(at)) = (&since, &at)
                && later(since, at)
            {
                continue;
            }
            answers.push(Answer {
                kind,
                request: r.clone(),
                at,
                statuses,
            });
        }
    }
    let more = answers.len() > max;
    answers.truncate(max);
    Some(Report::Answers(answers, more))
}

fn status(t: &Transaction, today: Date) -> &'static str {
    if t.unknown_account {
        return "AFVIST";
    }
    match t.due.as_deref().and_then(Date::parse) {
        Some(d) if d > today => "UNDER_BEHANDLING",
        _ => "GENNEMFOERT",
    }
}

/// `a` is after `b` (two xs:dateTime values; incomparable counts as not after).
fn later(a: &str, b: &str) -> bool {
    let none = |_: &str| None;
    let (Ok(x), Ok(y)) = (
        datatypes::parse(Builtin::DateTime, a, &none),
        datatypes::parse(Builtin::DateTime, b, &none),
    ) else {
        return false;
    };
    datatypes::compare(&x, &y) == Some(std::cmp::Ordering::Greater)
}

/// Write the report into the answer built from the pack's example: the example's entries
/// serve as the shapes (a KVITTERINGSSVAR1, a RETURSVAR2 with a plain and a rejected
/// Transaktionssvar).
pub fn fill(payload: &mut Element, report: &Report, seed: u64) {
    match report {
        Report::Receipt(found) => fill_receipt(payload, found.as_ref()),
        Report::Answers(answers, more) => {
            let Some(list) = child_mut(payload, "NKSForretningssvarListe") else {
                return;
            };
            let shapes: Vec<Element> = list
                .elements()
                .filter(|e| e.local == "NKSForretningssvar")
                .cloned()
                .collect();
            let (Some(plain), Some(with_tx)) = (
                shapes
                    .iter()
                    .find(|s| child(s, "Transaktionssvar").is_none()),
                shapes
                    .iter()
                    .find(|s| child(s, "Transaktionssvar").is_some()),
            ) else {
                return;
            };
            let indent = child_indent(list);
            let rest: Vec<Node> = std::mem::take(&mut list.children)
                .into_iter()
                .filter(|n| matches!(n, Node::Element(e) if e.local != "NKSForretningssvar"))
                .collect();
            list.children = answers
                .iter()
                .map(|a| {
                    let shape = if a.statuses.is_empty() {
                        plain
                    } else {
                        with_tx
                    };
                    Node::Element(answer_element(shape, a, seed))
                })
                .chain(rest)
                .collect();
            if let Some(f) = child_mut(list, "FlereResultater") {
                set_text(f, if *more { "true" } else { "false" });
            }
            if let Some(indent) = indent {
                reindent(list, &indent);
            }
        }
    }
}

fn fill_receipt(payload: &mut Element, found: Option<&PaymentRequest>) {
    let Some(k) = child_mut(payload, "BetalingsanmodningKvittering") else {
        return;
    };
    if let Some(r) = found {
        if let (Some(t), Some(at)) = (
            child_mut(k, "Modtagelsestidspunkt"),
            r.received.as_deref().and_then(|s| add_seconds(s, 2)),
        ) {
            set_text(t, &at);
        }
        return;
    }
    // Unknown delivery: the receipt says AFVIST and why (Begrundelse follows the code).
    let Some(f) = child_mut(k, "Forretningskvittering") else {
        return;
    };
    let indent = child_indent(f);
    f.children
        .retain(|n| matches!(n, Node::Element(e) if e.local == "ForretningsValideringsKode"));
    let Some(code) = child_mut(f, "ForretningsValideringsKode") else {
        return;
    };
    set_text(code, "AFVIST");
    let why = element_like(
        f,
        "Begrundelse",
        Some("Leverancen er ukendt: ingen betalingsanmodning med dette LeveranceUUID er modtaget."),
    );
    f.children.push(Node::Element(why));
    if let Some(indent) = indent {
        reindent(f, &indent);
    }
}

fn answer_element(shape: &Element, a: &Answer, seed: u64) -> Element {
    let mut e = shape.clone();
    let lev = a.request.leverance.as_str();
    let set = |e: &mut Element, local: &str, v: &str| {
        if let Some(c) = child_mut(e, local) {
            set_text(c, v);
        }
    };
    set(&mut e, "SvarUUID", &seeded_uuid(seed, &[lev, a.kind]));
    set(&mut e, "Svartype", a.kind);
    set(&mut e, "LeveranceUUID", &a.request.leverance_text);
    if let Some(at) = &a.at {
        set(&mut e, "Svartidspunkt", at);
    }
    if a.statuses.is_empty() {
        set(&mut e, "Status", "MODTAGET");
        return e;
    }
    let rejected = a.statuses.iter().filter(|(_, s)| *s == "AFVIST").count();
    let status = match rejected {
        0 => "ACCEPTERET",
        n if n == a.statuses.len() => "AFVIST",
        _ => "DELVIST_ACCEPTERET",
    };
    set(&mut e, "Status", status);
    let shapes: Vec<Element> = e
        .elements()
        .filter(|c| c.local == "Transaktionssvar")
        .cloned()
        .collect();
    let plain = shapes.iter().find(|s| child(s, "FejlListe").is_none());
    let failed = shapes.iter().find(|s| child(s, "FejlListe").is_some());
    let mut built = Vec::new();
    for (t, s) in &a.statuses {
        let Some(shape) = (if *s == "AFVIST" { failed } else { plain }).or(shapes.first()) else {
            continue;
        };
        let mut x = shape.clone();
        set(&mut x, "BetalingstransaktionUUID", &t.uuid);
        set(&mut x, "Transaktionsstatus", s);
        if *s == "AFVIST" {
            if let Some(sti) = child_mut(&mut x, "FejlListe")
                .and_then(|f| child_mut(f, "Fejl"))
                .and_then(|f| child_mut(f, "ElementSti"))
            {
                set_text(
                    sti,
                    &format!(
                        "/Betalingsanmodning/Betalingsinformation[{}]/Betalingstransaktion[{}]/Modtagerkonto",
                        t.info, t.index
                    ),
                );
            }
        } else {
            x.children
                .retain(|n| !matches!(n, Node::Element(c) if c.local == "FejlListe"));
        }
        built.push(Node::Element(x));
    }
    // Transaktionssvar come last in the sequence: keep the other children, then these.
    let indent = child_indent(&e);
    e.children
        .retain(|n| matches!(n, Node::Element(c) if c.local != "Transaktionssvar"));
    e.children.extend(built);
    if let Some(indent) = indent {
        reindent(&mut e, &indent);
    }
    e
}
