//! The stub's memory: what the business rules know (a [`Context`]: accounts, claims,
//! invoices, IDs received), what the receiving systems did with accepted messages (the
//! ledger booked through the omsætningstabel, debitorkonti and fordringer, payments,
//! invoices), the answers already given (for idempotent resends) and the journal.
//!
//! Everything here is plain data behind one lock per stub; there is one `State` per tenant
//! ([`super::tenant`]), and with `--state` it is written to disk after every change
//! ([`super::persist`]).

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

use serde::{Deserialize, Serialize};

use crate::oir::checks::fmt_amount;
use crate::oir::context::{Account, Claim, Context};
use crate::oir::date::Date;
use crate::oir::engine::Engine;
use crate::oir::sortiment::{DIMENSIONS, norm_uuid};
use crate::schema::datatypes::Decimal;
use crate::xml::tree::Element;

/// Name of the ledger account for postings the omsætningstabel does not map (only when
/// the stub runs without a table: with one, such a voucher is rejected by OIR-MAP-001).
pub const UNMAPPED: &str = "UMAPPET";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LedgerPosting {
    pub bilag: Option<String>,
    pub postering: Option<String>,
    pub dato: Option<String>,
    pub beloeb: String,
    pub tekst: Option<String>,
    /// Journal entry of the message that delivered it.
    pub journal: u64,
}

#[derive(Debug, Clone)]
pub struct LedgerAccount {
    pub title: Option<String>,
    /// Exact: every posting ever booked counts, also those no longer listed.
    pub balance: Decimal,
    /// The newest postings (the state window keeps the list bounded).
    pub postings: Vec<LedgerPosting>,
    /// Postings booked in all.
    pub postings_total: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Voucher {
    pub bilag: Option<String>,
    pub bilagsdato: Option<String>,
    pub posteringer: usize,
    pub konti: Vec<String>,
    pub journal: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Application {
    pub delfordring: String,
    pub anvendt: String,
    /// What is left to pay on the delfordring afterwards (`None`: not known to the stub).
    pub rest: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Payment {
    pub indbetaling: Option<String>,
    pub dato: Option<String>,
    pub beloeb: Option<String>,
    pub anvendelser: Vec<Application>,
    pub journal: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Invoice {
    pub faktura: String,
    pub fakturanummer: Option<String>,
    pub journal: u64,
}

/// An answer given to an accepted request, returned again for a resend.
#[derive(Debug, Clone)]
pub struct Cached {
    pub hash: String,
    pub status: u16,
    pub content_type: String,
    pub body: Vec<u8>,
    pub journal: u64,
}

/// A finding as the journal shows it.
#[derive(Debug, Clone, Serialize)]
pub struct FindingView {
    pub source: String,
    pub rule: Option<String>,
    pub code: String,
    pub severity: String,
    pub line: u32,
    pub column: u32,
    pub path: String,
    pub message: String,
}

impl From<&crate::oir::finding::Finding> for FindingView {
    fn from(f: &crate::oir::finding::Finding) -> Self {
        FindingView {
            source: format!("{:?}", f.source).to_lowercase(),
            rule: f.rule.clone(),
            code: f.code.clone(),
            severity: f.severity.da().to_string(),
            line: f.line,
            column: f.column,
            path: f.path.clone(),
            message: f.message.clone(),
        }
    }
}

/// How an exchange ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Answered with the operation's normal receipt.
    Accepted,
    /// Answered with a receipt AFVIST + FejlListe (business rules).
    Rejected,
    /// The same message again: the first answer, unchanged.
    Resend,
    /// A SOAP fault (platform, transport/schema or stub error).
    Fault,
    /// Not a SOAP call: WSDL, contract file, admin.
    Other,
    /// An override answered instead of the stub (fault injection: `super::faults`).
    Injected,
    /// An outbound callback the receiver acknowledged (HTTP 2xx).
    Delivered,
    /// An outbound callback that failed after every retry.
    Undelivered,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Accepted => "accepted",
            Outcome::Rejected => "rejected",
            Outcome::Resend => "resend",
            Outcome::Fault => "fault",
            Outcome::Other => "other",
            Outcome::Injected => "injected",
            Outcome::Delivered => "delivered",
            Outcome::Undelivered => "undelivered",
        }
    }
}

/// Which way an exchange went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Inbound,
    Outbound,
}

/// One exchange: request, answer, verdicts, timing.
#[derive(Debug, Clone, Serialize)]
pub struct JournalEntry {
    pub seq: u64,
    /// `inbound` (a call to the stub) or `outbound` (a callback the stub made).
    pub direction: Direction,
    /// UTC, `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    pub received: String,
    pub duration_us: u64,
    pub method: String,
    pub path: String,
    pub service: Option<String>,
    pub operation: Option<String>,
    pub soap_action: Option<String>,
    pub status: u16,
    pub outcome: Outcome,
    pub fault_code: Option<String>,
    pub findings: Vec<FindingView>,
    pub effects: Vec<String>,
    /// `None` when answers are not validated (release default).
    pub answer_valid: Option<bool>,
    pub answer_findings: Vec<String>,
    pub request_bytes: usize,
    /// The request and the answer as text (cut at [`JOURNAL_BODY_LIMIT`] bytes).
    pub request: String,
    pub response: String,
}

impl JournalEntry {
    /// The entry as it may be shown: CPR numbers masked in every text. The journal keeps
    /// what was exchanged and masks when it is read, so the hot path does not scan every
    /// message for CPR numbers that nobody may ever look at.
    pub fn masked(mut self, mask: impl Fn(&str) -> std::borrow::Cow<'_, str>) -> JournalEntry {
        let m = |t: &mut String| {
            if let std::borrow::Cow::Owned(o) = mask(t) {
                *t = o;
            }
        };
        for f in &mut self.findings {
            m(&mut f.message);
        }
        self.effects.iter_mut().for_each(m);
        self.answer_findings.iter_mut().for_each(m);
        m(&mut self.request);
        m(&mut self.response);
        self
    }
}

/// Bodies longer than this are cut in the journal (the limit on requests is larger).
pub const JOURNAL_BODY_LIMIT: usize = 64 * 1024;

pub fn journal_text(bytes: &[u8]) -> String {
    let cut = &bytes[..bytes.len().min(JOURNAL_BODY_LIMIT)];
    let mut s = String::from_utf8_lossy(cut).into_owned();
    if bytes.len() > JOURNAL_BODY_LIMIT {
        s.push_str(&format!("… [{} bytes in all]", bytes.len()));
    }
    s
}

/// [`journal_text`] of a body the caller gives up: no copy when it is short UTF-8.
pub fn journal_text_owned(bytes: Vec<u8>) -> String {
    if bytes.len() <= JOURNAL_BODY_LIMIT {
        match String::from_utf8(bytes) {
            Ok(s) => s,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        }
    } else {
        journal_text(&bytes)
    }
}

/// What an accepted request did (for the answer and the journal).
#[derive(Debug, Clone, Default)]
pub struct Effects {
    pub notes: Vec<String>,
    /// Payment applications by delfordring (normalised UUID): (applied, rest).
    pub applied: HashMap<String, (Decimal, Option<Decimal>)>,
    pub unapplied: Option<Decimal>,
    /// What an NKS query (SF1590_E) reports on the payment requests received.
    pub nks: Option<super::nks::Report>,
}

#[derive(Debug, Clone)]
pub struct State {
    pub ctx: Context,
    pub ledger: BTreeMap<String, LedgerAccount>,
    pub vouchers: Vec<Voucher>,
    pub payments: Vec<Payment>,
    pub invoices: Vec<Invoice>,
    /// NemKonto payment requests received (SF1590_E), the newest (see [`State::keep_window`]).
    pub payment_requests: Vec<super::nks::PaymentRequest>,
    /// Payment requests received in all.
    pub payment_requests_total: u64,
    /// Delfordring → its fordring (for payments).
    pub parents: HashMap<String, String>,
    /// Normalised BeskedUUID → the answer given (the newest, see [`State::keep_window`]).
    pub answers: HashMap<String, Cached>,
    /// Keys of `answers`, oldest first.
    pub answer_order: VecDeque<String>,
    /// Vouchers booked in all (`vouchers` lists the newest).
    pub vouchers_total: u64,
    /// Payments and invoices received in all (the lists hold the newest).
    pub payments_total: u64,
    pub invoices_total: u64,
    /// What changed since `--state` last wrote this state.
    pub changes: Changes,
    pub journal: VecDeque<JournalEntry>,
    pub next_seq: u64,
    /// Callbacks planned and made (not persisted).
    pub callbacks: Vec<super::callbacks::CallbackRecord>,
    pub next_callback: u64,
}

/// The keyed parts of a [`State`] changed since it was last written (`--state` writes only
/// these; the lists it tells apart by their totals). Cleared once written, or at once
/// without a state file.
#[derive(Debug, Clone, Default)]
pub struct Changes {
    /// Write every keyed part (a new state: the reference state it starts from).
    pub all: bool,
    pub accounts: HashSet<String>,
    pub claims: HashSet<String>,
    pub parents: HashSet<String>,
    pub invoices: HashSet<String>,
    /// Keys of answers dropped (by the window, or a save that failed).
    pub answers_dropped: Vec<String>,
}

impl Changes {
    pub fn clear(&mut self) {
        *self = Changes::default();
    }
}

/// How an accepted request is carried out (misbehaviours can bend it).
#[derive(Debug, Clone, Default)]
pub struct ApplyOptions {
    /// Book every posting on this account instead of the mapped one.
    pub book_on: Option<String>,
}

impl State {
    pub fn new(ctx: Context) -> State {
        State {
            ctx,
            ledger: BTreeMap::new(),
            vouchers: Vec::new(),
            payments: Vec::new(),
            invoices: Vec::new(),
            payment_requests: Vec::new(),
            payment_requests_total: 0,
            parents: HashMap::new(),
            answers: HashMap::new(),
            answer_order: VecDeque::new(),
            vouchers_total: 0,
            payments_total: 0,
            invoices_total: 0,
            changes: Changes {
                all: true,
                ..Changes::default()
            },
            journal: VecDeque::new(),
            next_seq: 1,
            callbacks: Vec::new(),
            next_callback: 1,
        }
    }

    /// Remember the answer to a message for resends.
    pub fn remember_answer(&mut self, key: String, c: Cached) {
        if self.answers.insert(key.clone(), c).is_none() {
            self.answer_order.push_back(key);
        }
    }

    /// Forget a remembered answer (its message was not durably accepted after all).
    pub fn forget_answer(&mut self, key: &str) {
        if self.answers.remove(key).is_some() {
            // An earlier answer to the same key may be on disk.
            self.changes.answers_dropped.push(key.to_string());
            if let Some(i) = self.answer_order.iter().rposition(|k| k == key) {
                self.answer_order.remove(i);
            }
        }
    }

    /// Bound what grows with every accepted message to the newest `window` messages: the
    /// answers kept for resends, the IDs the duplicate rules know, the vouchers and each
    /// account's postings, the payments and the invoices listed. Balances and totals stay
    /// exact. 0 = keep everything.
    /// Lists are cut in batches (at 1/8 over the window) so the cost is spread.
    pub fn keep_window(&mut self, window: usize) {
        self.ctx.seen.set_limit(window);
        if window == 0 {
            return;
        }
        while self.answers.len() > window {
            match self.answer_order.pop_front() {
                Some(k) => {
                    self.answers.remove(&k);
                    self.changes.answers_dropped.push(k);
                }
                None => break,
            }
        }
        fn cut<T>(list: &mut Vec<T>, window: usize) {
            if list.len() > window + window / 8 {
                list.drain(..list.len() - window);
            }
        }
        cut(&mut self.vouchers, window);
        cut(&mut self.payments, window);
        cut(&mut self.invoices, window);
        cut(&mut self.payment_requests, window);
        for acc in self.ledger.values_mut() {
            cut(&mut acc.postings, window);
        }
    }

    /// Keep at most `limit` entries (the oldest go first).
    pub fn push_journal(&mut self, e: JournalEntry, limit: usize) {
        self.journal.push_back(e);
        while self.journal.len() > limit.max(1) {
            self.journal.pop_front();
        }
    }

    /// Merge reference state (a rule example's `kontekst`) into the rules' context.
    pub fn merge_context(&mut self, other: &Context, with_today: bool) {
        if with_today {
            self.ctx.today = other.today;
        }
        if other.sender.is_some() {
            self.ctx.sender.clone_from(&other.sender);
        }
        for (k, v) in &other.accounts {
            self.ctx.accounts.insert(k.clone(), v.clone());
            self.changes.accounts.insert(k.clone());
        }
        for (k, v) in &other.claims {
            self.ctx.claims.insert(k.clone(), v.clone());
            self.changes.claims.insert(k.clone());
        }
        for i in &other.invoices {
            self.ctx.invoices.insert(i.clone());
            self.changes.invoices.insert(i.clone());
        }
        self.ctx.invoices_given |= other.invoices_given;
        for (id, h) in other.seen.entries() {
            self.ctx.seen.record(id, h);
        }
    }

    /// Carry out an accepted request: book, register, pay. Matching is by local element
    /// name (the vocabulary of the packs, as in `oir::checks::vocab`).
    pub fn apply(
        &mut self,
        payload: &Element,
        sender: Option<&str>,
        engine: &Engine,
        journal: u64,
        opts: &ApplyOptions,
    ) -> Effects {
        let mut fx = Effects::default();
        for bilag in find_all(payload, "Finansbilag") {
            self.book(bilag, engine, journal, opts, &mut fx);
        }
        for konto in find_all(payload, "Debitorkonto") {
            self.register_account(konto, sender, &mut fx);
        }
        for t in find_all(payload, "FordringTilstandsaendring") {
            let state = text_of(t, "Tilstand");
            if let (Some(id), Some(s)) = (text_of(t, "FordringUUID"), state.clone()) {
                let key = norm_uuid(&id);
                self.changes.claims.insert(key.clone());
                let c = self.ctx.claims.entry(key).or_default();
                c.state = Some(s.clone());
                fx.notes.push(format!("fordring {id}: tilstand {s}"));
            } else if let (Some(id), Some(s)) = (text_of(t, "DebitorkontoUUID"), state) {
                let key = norm_uuid(&id);
                self.changes.accounts.insert(key.clone());
                let a = self.ctx.accounts.entry(key).or_default();
                a.state = Some(s.clone());
                fx.notes.push(format!("debitorkonto {id}: tilstand {s}"));
            }
        }
        for e in find_all(payload, "Ejerskifte") {
            let Some(new) = text_of(e, "NyEjerSystemUUID") else {
                continue;
            };
            if let Some(id) = text_of(e, "FordringUUID") {
                let key = norm_uuid(&id);
                self.changes.claims.insert(key.clone());
                self.ctx.claims.entry(key).or_default().owner = Some(norm_uuid(&new));
                fx.notes.push(format!("fordring {id}: ny ejer {new}"));
            } else if let Some(id) = text_of(e, "DebitorkontoUUID") {
                let key = norm_uuid(&id);
                self.changes.accounts.insert(key.clone());
                self.ctx.accounts.entry(key).or_default().owner = Some(norm_uuid(&new));
                fx.notes.push(format!("debitorkonto {id}: ny ejer {new}"));
            }
        }
        for ind in find_all(payload, "Indbetaling") {
            self.pay(ind, journal, &mut fx);
        }
        let sent = payload
            .elements()
            .find(|e| e.local == "Hovedoplysninger")
            .and_then(|h| text_of(h, "Afsendelsestidspunkt"));
        for r in super::nks::received(payload, sent.as_deref(), journal) {
            fx.notes.push(format!(
                "betalingsanmodning {} modtaget: {} transaktion(er)",
                r.leverance_text,
                r.transactions.len()
            ));
            self.payment_requests.push(r);
            self.payment_requests_total += 1;
        }
        fx.nks = super::nks::report(payload, &self.payment_requests, self.ctx.today);
        for f in find_all(payload, "FakturaInformation") {
            if let Some(id) = text_of(f, "FakturaUUID") {
                self.ctx.invoices.insert(norm_uuid(&id));
                self.changes.invoices.insert(norm_uuid(&id));
                self.invoices_total += 1;
                self.invoices.push(Invoice {
                    faktura: norm_uuid(&id),
                    fakturanummer: text_of(f, "Fakturanummer"),
                    journal,
                });
                fx.notes.push(format!("faktura {id} modtaget"));
            }
        }
        fx
    }

    fn book(
        &mut self,
        bilag: &Element,
        engine: &Engine,
        journal: u64,
        opts: &ApplyOptions,
        fx: &mut Effects,
    ) {
        let bilag_id = text_of(bilag, "FinansbilagUUID");
        let mut konti = Vec::new();
        let postings = find_all(bilag, "Finanspostering");
        for p in &postings {
            let Some(mut amount) = text_of(p, "Beloeb").and_then(|t| Decimal::parse(&t)) else {
                continue;
            };
            let kredit = text_of(p, "DebetKredit")
                .map(|k| k.to_ascii_lowercase())
                .is_some_and(|k| matches!(k.as_str(), "kredit" | "k" | "c" | "credit"));
            if kredit {
                amount = -&amount;
            }
            let dims = kontering(p, engine);
            let mapped = engine.table.as_ref().and_then(|t| t.account_for(&dims));
            let (konto, title) = match (&opts.book_on, mapped) {
                (Some(other), _) => (other.clone(), None),
                (None, Some(row)) => (row.account.clone(), row.title.clone()),
                (None, None) => (UNMAPPED.to_string(), None),
            };
            let acc = self
                .ledger
                .entry(konto.clone())
                .or_insert_with(|| LedgerAccount {
                    title,
                    balance: Decimal::ZERO,
                    postings: Vec::new(),
                    postings_total: 0,
                });
            acc.balance = &acc.balance + &amount;
            acc.postings_total += 1;
            acc.postings.push(LedgerPosting {
                bilag: bilag_id.clone(),
                postering: text_of(p, "FinansposteringUUID"),
                dato: text_of(p, "Posteringsdato"),
                beloeb: fmt_amount(&amount),
                tekst: text_of(p, "Posteringstekst"),
                journal,
            });
            if !konti.contains(&konto) {
                konti.push(konto);
            }
        }
        fx.notes.push(format!(
            "finansbilag {} bogført: {} posteringer på {} konti",
            bilag_id.as_deref().unwrap_or("?"),
            postings.len(),
            konti.len()
        ));
        self.vouchers_total += 1;
        self.vouchers.push(Voucher {
            bilag: bilag_id,
            bilagsdato: text_of(bilag, "Bilagsdato"),
            posteringer: postings.len(),
            konti,
            journal,
        });
    }

    fn register_account(&mut self, konto: &Element, sender: Option<&str>, fx: &mut Effects) {
        let Some(id) = text_of(konto, "DebitorkontoUUID") else {
            return;
        };
        let key = norm_uuid(&id);
        self.changes.accounts.insert(key.clone());
        // A registration on a known account keeps its owner (ejerskifte changes it).
        let acc = self
            .ctx
            .accounts
            .entry(key.clone())
            .or_insert_with(|| Account {
                owner: sender.map(norm_uuid),
                state: Some("AKTIV".into()),
            });
        if acc.state.is_none() {
            acc.state = Some("AKTIV".into());
        }
        let mut n = 0;
        for f in konto.elements().filter(|e| e.local == "Fordring") {
            let Some(fid) = text_of(f, "FordringUUID") else {
                continue;
            };
            let hovedstol = text_of(f, "Hovedstol").and_then(|t| Decimal::parse(&t));
            self.changes.claims.insert(norm_uuid(&fid));
            self.ctx.claims.insert(
                norm_uuid(&fid),
                Claim {
                    owner: None,
                    state: Some("AKTIV".into()),
                    payable: hovedstol.clone(),
                    total: hovedstol,
                    last_timely: text_of(f, "SidsteRettidigeBetalingsdato")
                        .and_then(|d| Date::parse(&d)),
                    account: Some(key.clone()),
                },
            );
            n += 1;
            for d in f.elements().filter(|e| e.local == "Delfordring") {
                let Some(did) = text_of(d, "DelfordringUUID") else {
                    continue;
                };
                let beloeb = text_of(d, "Beloeb").and_then(|t| Decimal::parse(&t));
                self.changes.claims.insert(norm_uuid(&did));
                self.changes.parents.insert(norm_uuid(&did));
                self.ctx.claims.insert(
                    norm_uuid(&did),
                    Claim {
                        owner: None,
                        state: Some("AKTIV".into()),
                        payable: beloeb.clone(),
                        total: beloeb,
                        last_timely: None,
                        account: Some(key.clone()),
                    },
                );
                self.parents.insert(norm_uuid(&did), norm_uuid(&fid));
            }
        }
        fx.notes.push(format!(
            "debitorkonto {id} registreret med {n} fordring(er)"
        ));
    }

    fn pay(&mut self, ind: &Element, journal: u64, fx: &mut Effects) {
        let total = text_of(ind, "Beloeb").and_then(|t| Decimal::parse(&t));
        let mut used = Decimal::ZERO;
        let mut apps = Vec::new();
        for a in ind.elements().filter(|e| e.local == "Anvendelse") {
            let (Some(did), Some(amount)) = (
                text_of(a, "DelfordringUUID"),
                text_of(a, "Beloeb").and_then(|t| Decimal::parse(&t)),
            ) else {
                continue;
            };
            let key = norm_uuid(&did);
            self.changes.claims.insert(key.clone());
            let rest = match self.ctx.claims.get_mut(&key) {
                Some(c) => c.payable.as_mut().map(|p| {
                    // PAY-001 has refused overpayment; never go below zero all the same.
                    let applied = if amount > *p {
                        p.clone()
                    } else {
                        amount.clone()
                    };
                    *p = &*p - &applied;
                    p.clone()
                }),
                None => None,
            };
            if let Some(parent) = self.parents.get(&key).cloned()
                && let Some(p) = self
                    .ctx
                    .claims
                    .get_mut(&parent)
                    .and_then(|c| c.payable.as_mut())
            {
                let applied = if amount > *p {
                    p.clone()
                } else {
                    amount.clone()
                };
                *p = &*p - &applied;
                self.changes.claims.insert(parent);
            }
            used = &used + &amount;
            fx.applied
                .insert(key.clone(), (amount.clone(), rest.clone()));
            apps.push(Application {
                delfordring: key,
                anvendt: fmt_amount(&amount),
                rest: rest.as_ref().map(fmt_amount),
            });
        }
        if apps.is_empty() {
            return;
        }
        fx.unapplied = total.as_ref().map(|t| {
            let left = t - &used;
            if left.is_negative() {
                Decimal::ZERO
            } else {
                left
            }
        });
        let id = text_of(ind, "IndbetalingUUID");
        fx.notes.push(format!(
            "indbetaling {} anvendt på {} delfordring(er)",
            id.as_deref().unwrap_or("?"),
            apps.len()
        ));
        self.payments_total += 1;
        self.payments.push(Payment {
            indbetaling: id,
            dato: text_of(ind, "Indbetalingsdato"),
            beloeb: total.as_ref().map(fmt_amount),
            anvendelser: apps,
            journal,
        });
    }
}

/// A posting's kontering as (dimension, value UUID) pairs for the omsætningstabel.
pub fn kontering(posting: &Element, engine: &Engine) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack: Vec<&Element> = posting.elements().collect();
    let mut budget = 10_000usize;
    while let Some(e) = stack.pop() {
        budget = budget.saturating_sub(1);
        if budget == 0 {
            break;
        }
        if e.local == "SupplerendeKonteringselement" {
            if let (Some(ds), Some(v)) = (text_of(e, "DelsortimentUUID"), text_of(e, "Vaerdi"))
                && let Some(dim) = engine.sortiment.as_ref().and_then(|s| s.delsortiment(&ds))
            {
                out.push((dim.to_string(), norm_uuid(&v)));
            }
            continue;
        }
        let lower = e.local.to_ascii_lowercase();
        if DIMENSIONS.contains(&lower.as_str()) && e.elements().next().is_none() {
            out.push((lower, norm_uuid(&e.text())));
        } else {
            stack.extend(e.elements());
        }
    }
    out
}

/// Every descendant (not the element itself) with this local name, in document order.
pub fn find_all<'e>(root: &'e Element, local: &str) -> Vec<&'e Element> {
    let mut out = Vec::new();
    // Children pushed in reverse so they pop in document order.
    let mut stack: Vec<&Element> = root.elements().rev().collect();
    while let Some(e) = stack.pop() {
        if e.local == local {
            out.push(e);
        }
        stack.extend(e.elements().rev());
    }
    out
}

/// The trimmed text of the first child with this local name.
pub fn text_of(e: &Element, local: &str) -> Option<String> {
    e.elements()
        .find(|c| c.local == local)
        .map(|c| c.text().trim().to_string())
        .filter(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oir::context::Seen;
    use crate::xml::tree::parse;

    #[test]
    fn the_state_window_bounds_memory_but_keeps_balances_and_totals_exact() {
        let engine = Engine::with_default_data().unwrap();
        let mut s = State::new(Context::new(Date::new(2025, 6, 30).unwrap()));
        let window = 8;
        for i in 0..100u32 {
            let bilag = parse(
                format!(
                    r#"<R xmlns="urn:x"><Finansbilag><FinansbilagUUID>fb{i}</FinansbilagUUID>
<Finanspostering><Beloeb>{i}.50</Beloeb><Kontering><Art>a1000000-0000-4000-8000-000000000001</Art><Funktion>f1000000-0000-4000-8000-000000000001</Funktion></Kontering></Finanspostering>
<Finanspostering><Beloeb>-{i}.50</Beloeb><Kontering><Art>a1000000-0000-4000-8000-000000000004</Art><Funktion>f1000000-0000-4000-8000-000000000003</Funktion></Kontering></Finanspostering>
</Finansbilag></R>"#
                )
                .as_bytes(),
            )
            .unwrap();
            s.apply(
                &bilag,
                None,
                &engine,
                u64::from(i),
                &ApplyOptions::default(),
            );
            s.ctx.seen.record(&format!("id-{i}"), "sha256:x");
            let c = Cached {
                hash: format!("h{i}"),
                status: 200,
                content_type: "text/xml".into(),
                body: b"<a/>".to_vec(),
                journal: u64::from(i),
            };
            s.remember_answer(format!("id-{i}"), c);
            s.keep_window(window);
            assert!(s.answers.len() <= window && s.ctx.seen.len() <= window);
            assert!(s.vouchers.len() <= window + window / 8);
        }
        // The newest are kept, the oldest forgotten.
        assert!(s.answers.contains_key("id-99") && !s.answers.contains_key("id-0"));
        assert_eq!(s.ctx.seen.check("id-99", "sha256:x"), Seen::Resend);
        assert_eq!(s.ctx.seen.check("id-0", "sha256:x"), Seen::New);
        assert_eq!(s.vouchers.last().unwrap().bilag.as_deref(), Some("fb99"));
        // Balances and totals count every posting ever booked.
        assert_eq!(s.vouchers_total, 100);
        let total: u64 = s.ledger.values().map(|a| a.postings_total).sum();
        assert_eq!(total, 200);
        let balances: Vec<String> = s.ledger.values().map(|a| fmt_amount(&a.balance)).collect();
        // 0.50 + 1.50 + … + 99.50 = 5000.00 on each side.
        assert_eq!(balances.len(), 2);
        assert!(balances.contains(&"5000.00".to_string()), "{balances:?}");
        assert!(balances.contains(&"-5000.00".to_string()), "{balances:?}");
        assert!(
            s.ledger
                .values()
                .all(|a| a.postings.len() <= window + window / 8)
        );
        // A forgotten answer leaves its order too.
        s.forget_answer("id-99");
        assert!(!s.answers.contains_key("id-99"));
        assert!(!s.answer_order.iter().any(|k| k == "id-99"));
    }

    #[test]
    fn books_a_voucher_and_pays_a_claim() {
        let engine = Engine::with_default_data().unwrap();
        let mut s = State::new(Context::new(Date::new(2025, 6, 30).unwrap()));
        let bilag = parse(
            br#"<R xmlns="urn:x"><Finansbilag><FinansbilagUUID>fb</FinansbilagUUID>
<Finanspostering><Beloeb>10.00</Beloeb><Kontering><Art>a1000000-0000-4000-8000-000000000001</Art><Funktion>f1000000-0000-4000-8000-000000000001</Funktion></Kontering></Finanspostering>
<Finanspostering><Beloeb>-10.00</Beloeb><Kontering><Art>a1000000-0000-4000-8000-000000000004</Art><Funktion>f1000000-0000-4000-8000-000000000003</Funktion></Kontering></Finanspostering>
</Finansbilag></R>"#,
        )
        .unwrap();
        s.apply(&bilag, None, &engine, 1, &ApplyOptions::default());
        assert_eq!(s.ledger.len(), 2);
        let net = s
            .ledger
            .values()
            .fold(Decimal::ZERO, |a, l| &a + &l.balance);
        assert!(net.is_zero());
        assert!(s.ledger.keys().all(|k| k != UNMAPPED));

        let reg = parse(
            br#"<R><Debitorkonto><DebitorkontoUUID>DE</DebitorkontoUUID><Fordring><FordringUUID>df</FordringUUID><Hovedstol>100.00</Hovedstol><Delfordring><DelfordringUUID>d0</DelfordringUUID><Beloeb>100.00</Beloeb></Delfordring></Fordring></Debitorkonto></R>"#,
        )
        .unwrap();
        s.apply(&reg, Some("SYS"), &engine, 2, &ApplyOptions::default());
        assert_eq!(s.ctx.account("de").unwrap().owner.as_deref(), Some("sys"));
        let pay = parse(
            br#"<R><Indbetaling><IndbetalingUUID>ec</IndbetalingUUID><Beloeb>50.00</Beloeb><Anvendelse><DelfordringUUID>d0</DelfordringUUID><Beloeb>40.00</Beloeb></Anvendelse></Indbetaling></R>"#,
        )
        .unwrap();
        let fx = s.apply(&pay, Some("SYS"), &engine, 3, &ApplyOptions::default());
        let rest = s.ctx.claim("d0").unwrap().payable.clone().unwrap();
        assert_eq!(fmt_amount(&rest), "60.00");
        assert_eq!(
            fmt_amount(&s.ctx.claim("df").unwrap().payable.clone().unwrap()),
            "60.00"
        );
        assert_eq!(fmt_amount(fx.unapplied.as_ref().unwrap()), "10.00");
        assert_eq!(s.payments.len(), 1);
    }
}
