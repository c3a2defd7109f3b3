//! What the rules know besides the message: "today", the sender, a snapshot of the
//! receiving system's state (debitorkonti with owner and state, fordringer with payable
//! amounts and deadlines, known invoices) and the store of message/voucher IDs already
//! received. Loaded from a small YAML file (see `schemas/*/rule-examples/*.context.yaml`):
//!
//! ```yaml
//! kontekst:
//!   dato: 2025-06-30                 # "today"; default: the system date
//!   afsender: 6a000000-0000-4000-8000-000000000001
//!   debitorkonti: [{id: …, ejer: …, tilstand: Aktiv}]
//!   fordringer: [{id: …, ejer: …, tilstand: Aktiv, til_betaling: "1250.00",
//!                 sidste_rettidige_betalingsdato: 2025-02-01}]
//!   fakturaer: [{id: …}]
//!   modtagne_beskeder: [earlier-message.xml]   # relative to this file
//!   sete_id: [{id: …, hash: "sha256:…"}]
//! ```

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::date::Date;
use super::sortiment::{DataError, norm_uuid, read_yaml};
use crate::schema::datatypes::Decimal;
use crate::xml::tree::{Element, Node};

/// A debitorkonto as the debitorsystem knows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Account {
    /// The owning it-system (UUID).
    pub owner: Option<String>,
    pub state: Option<String>,
}

/// A fordring or delfordring as the debitorsystem knows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Claim {
    pub owner: Option<String>,
    pub state: Option<String>,
    /// What can be paid on it now (restance incl. renter and gebyrer).
    pub payable: Option<Decimal>,
    /// Total incl. renter and gebyrer (for the PSRM threshold).
    pub total: Option<Decimal>,
    pub last_timely: Option<Date>,
    pub account: Option<String>,
}

/// What the store says about an ID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seen {
    New,
    /// Same ID, same content: an idempotent resend.
    Resend,
    /// Same ID, other content: a duplicate. Carries the earlier content hash.
    Conflict(String),
}

/// The IDs already received with the hash of the content each identified. With a limit
/// (the stub's state window) only the newest IDs are kept.
#[derive(Debug, Clone, Default)]
pub struct IdStore {
    ids: HashMap<String, String>,
    /// Insertion order (the oldest go first when there is a limit; `--state` writes the
    /// IDs as a list numbered in this order).
    order: std::collections::VecDeque<String>,
    /// 0 = keep every ID.
    limit: usize,
    /// IDs recorded in all: `order[i]` is number `recorded - order.len() + i`.
    recorded: u64,
}

impl IdStore {
    pub fn check(&self, id: &str, hash: &str) -> Seen {
        match self.ids.get(&norm_uuid(id)) {
            None => Seen::New,
            Some(h) if h == hash => Seen::Resend,
            Some(h) => Seen::Conflict(h.clone()),
        }
    }

    /// Remember an accepted ID (the first content wins: a later conflicting message is
    /// rejected, so it never replaces what was accepted).
    pub fn record(&mut self, id: &str, hash: &str) {
        let key = norm_uuid(id);
        if self.ids.contains_key(&key) {
            return;
        }
        self.order.push_back(key.clone());
        self.recorded += 1;
        self.ids.insert(key, hash.to_string());
        self.trim();
    }

    /// Keep only the newest `limit` IDs from now on (0 = all).
    pub fn set_limit(&mut self, limit: usize) {
        self.limit = limit;
        self.trim();
    }

    /// IDs recorded in all (also those forgotten since): the number the next one gets.
    pub fn recorded(&self) -> u64 {
        self.recorded
    }

    /// The number of the oldest ID kept.
    pub fn oldest(&self) -> u64 {
        self.recorded - self.order.len() as u64
    }

    /// (number, id, hash) of the IDs kept from number `from` on, oldest first.
    pub fn numbered_from(&self, from: u64) -> impl Iterator<Item = (u64, &str, &str)> {
        let first = self.oldest();
        let skip = usize::try_from(from.saturating_sub(first))
            .unwrap_or(usize::MAX)
            .min(self.order.len());
        // `range` starts there at once (the store writes one new ID at a time).
        self.order
            .range(skip..)
            .enumerate()
            .map(move |(j, k)| (first + (skip + j) as u64, k.as_str(), self.ids[k].as_str()))
    }

    /// Continue the numbering at `recorded` (a state read back from disk, whose oldest IDs
    /// were forgotten before it was written).
    pub fn set_recorded(&mut self, recorded: u64) {
        self.recorded = self.recorded.max(recorded);
    }

    fn trim(&mut self) {
        while self.limit > 0 && self.ids.len() > self.limit {
            match self.order.pop_front() {
                Some(old) => {
                    self.ids.remove(&old);
                }
                None => break,
            }
        }
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// (id, hash) pairs, sorted.
    pub fn entries(&self) -> Vec<(&str, &str)> {
        let mut v: Vec<(&str, &str)> = self
            .ids
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        v.sort();
        v
    }
}

/// The content hash of a business object: SHA-256 over a canonical form (namespace and
/// local names, attributes sorted, trimmed text), so prefixes, namespace declarations,
/// indentation and attribute order do not count as a change but any value does.
pub fn content_hash(el: &Element) -> String {
    content_hash_skipping(el, &[])
}

/// [`content_hash`] leaving out descendants with the given local names (e.g. the security
/// context, which may differ between a message and its resend).
pub fn content_hash_skipping(el: &Element, skip: &[&str]) -> String {
    content_hashes(el, skip, &[]).0
}

/// The content hash of `el` (leaving out `skip`, as [`content_hash_skipping`]) and of each
/// element of `within` (each as [`content_hash`] would hash it alone), from one walk: an
/// element's canonical form is a span of its ancestor's. `None` for an element that is not
/// inside `el`, or that has a skipped element inside it (its span lacks that element).
pub fn content_hashes(
    el: &Element,
    skip: &[&str],
    within: &[&Element],
) -> (String, Vec<Option<String>>) {
    // The canonical form is written to one buffer and hashed in one go: feeding the hasher
    // three tiny slices per item cost more than the hashing itself.
    let mut buf: Vec<u8> = Vec::with_capacity(4096);
    fn feed(buf: &mut Vec<u8>, tag: u8, s: &str) {
        buf.push(tag);
        buf.extend_from_slice(&(s.len() as u64).to_be_bytes());
        buf.extend_from_slice(s.as_bytes());
    }
    // Iterative walk (no recursion on deep input): open, attributes, children, close.
    enum Step<'a> {
        Open(&'a Element),
        Text(&'a str),
        /// Closes the element; `Some(range)`: the entries of `by_addr` that name it.
        Close(Option<std::ops::Range<usize>>),
    }
    // Per element of `within`: where its span starts, and the skips seen before it opened.
    let mut spans: Vec<Option<(usize, usize)>> = vec![None; within.len()];
    let mut opened: Vec<(usize, usize)> = vec![(0, 0); within.len()];
    let mut skipped = 0usize;
    // `within` by address (sorted, so a message with thousands of identified objects does not
    // compare each opened element with every one of them).
    let mut by_addr: Vec<(usize, usize)> = within
        .iter()
        .enumerate()
        .map(|(i, e)| (std::ptr::from_ref::<Element>(e) as usize, i))
        .collect();
    by_addr.sort_unstable();
    let mut stack = vec![Step::Open(el)];
    let mut attrs: Vec<(&str, &str, &str)> = Vec::new();
    while let Some(step) = stack.pop() {
        match step {
            Step::Close(w) => {
                feed(&mut buf, b')', "");
                for &(_, i) in w.map_or(&[][..], |r| &by_addr[r]) {
                    if opened[i].1 == skipped {
                        spans[i] = Some((opened[i].0, buf.len()));
                    }
                }
            }
            Step::Text(t) => feed(&mut buf, b't', t),
            Step::Open(e) => {
                let addr = std::ptr::from_ref::<Element>(e) as usize;
                let lo = by_addr.partition_point(|&(a, _)| a < addr);
                let hi = lo + by_addr[lo..].partition_point(|&(a, _)| a == addr);
                for &(_, i) in &by_addr[lo..hi] {
                    opened[i] = (buf.len(), skipped);
                }
                let w = (lo < hi).then_some(lo..hi);
                feed(&mut buf, b'(', e.ns.as_deref().unwrap_or(""));
                feed(&mut buf, b'n', &e.local);
                attrs.clear();
                attrs.extend(e.attrs.iter().map(|a| {
                    (
                        a.ns.as_deref().unwrap_or(""),
                        a.local.as_str(),
                        a.value.as_str(),
                    )
                }));
                attrs.sort_unstable();
                for &(ns, l, v) in &attrs {
                    feed(&mut buf, b'@', ns);
                    feed(&mut buf, b'a', l);
                    feed(&mut buf, b'v', v);
                }
                stack.push(Step::Close(w));
                for c in e.children.iter().rev() {
                    match c {
                        Node::Element(ce) if skip.contains(&ce.local.as_str()) => skipped += 1,
                        Node::Element(ce) => stack.push(Step::Open(ce)),
                        Node::Text(t) => {
                            let t = t.trim();
                            if !t.is_empty() {
                                stack.push(Step::Text(t));
                            }
                        }
                    }
                }
            }
        }
    }
    let parts = spans
        .into_iter()
        .map(|s| s.map(|(a, b)| hex_digest(&buf[a..b])))
        .collect();
    (hex_digest(&buf), parts)
}

/// `sha256:` and the lowercase hex SHA-256 of `bytes`.
fn hex_digest(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digest = Sha256::digest(bytes);
    let mut s = String::with_capacity(7 + 64);
    s.push_str("sha256:");
    for b in digest.iter() {
        s.push(char::from(HEX[usize::from(b >> 4)]));
        s.push(char::from(HEX[usize::from(b & 0xf)]));
    }
    s
}

/// Everything the rules know besides the message.
#[derive(Debug, Clone)]
pub struct Context {
    pub today: Date,
    /// The sending it-system, when the message itself does not name it.
    pub sender: Option<String>,
    pub accounts: HashMap<String, Account>,
    pub claims: HashMap<String, Claim>,
    pub invoices: HashSet<String>,
    /// The context lists the invoices sent for approval (else invoice rules are silent).
    pub invoices_given: bool,
    pub seen: IdStore,
    /// Earlier messages whose IDs count as received (resolved by the engine).
    pub earlier_messages: Vec<PathBuf>,
}

impl Context {
    pub fn new(today: Date) -> Context {
        Context {
            today,
            sender: None,
            accounts: HashMap::new(),
            claims: HashMap::new(),
            invoices: HashSet::new(),
            invoices_given: false,
            seen: IdStore::default(),
            earlier_messages: Vec::new(),
        }
    }

    pub fn account(&self, id: &str) -> Option<&Account> {
        self.accounts.get(&norm_uuid(id))
    }

    pub fn claim(&self, id: &str) -> Option<&Claim> {
        self.claims.get(&norm_uuid(id))
    }

    pub fn knows_invoice(&self, id: &str) -> bool {
        self.invoices.contains(&norm_uuid(id))
    }

    pub fn load(path: &Path) -> Result<Context, DataError> {
        let raw: RawFile = read_yaml(path)?;
        let base = path.parent().unwrap_or(Path::new("."));
        Self::from_raw(&path.display().to_string(), raw.kontekst, base)
    }

    pub fn from_yaml(file: &str, text: &str, base: &Path) -> Result<Context, DataError> {
        let raw: RawFile = serde_saphyr::from_str(text).map_err(|e| DataError {
            file: file.to_string(),
            message: e.to_string(),
        })?;
        Self::from_raw(file, raw.kontekst, base)
    }

    fn from_raw(file: &str, raw: RawContext, base: &Path) -> Result<Context, DataError> {
        let err = |m: String| DataError {
            file: file.to_string(),
            message: m,
        };
        let date = |what: &str, s: &str| {
            Date::parse(s).ok_or_else(|| err(format!("{what}: '{s}' is not a date (YYYY-MM-DD)")))
        };
        let amount = |what: &str, s: &str| {
            Decimal::parse(s.trim()).ok_or_else(|| err(format!("{what}: '{s}' is not an amount")))
        };
        let today = match &raw.dato {
            Some(d) => date("dato", d)?,
            None => system_today(),
        };
        let mut ctx = Context::new(today);
        ctx.sender = raw.afsender.as_deref().map(norm_uuid);
        for a in raw.debitorkonti {
            ctx.accounts.insert(
                norm_uuid(&a.id),
                Account {
                    owner: a.ejer.as_deref().map(norm_uuid),
                    state: a.tilstand,
                },
            );
        }
        for c in raw.fordringer {
            let what = format!("fordring {}", c.id);
            let claim = Claim {
                owner: c.ejer.as_deref().map(norm_uuid),
                state: c.tilstand,
                payable: match &c.til_betaling {
                    Some(s) => Some(amount(&format!("{what} til_betaling"), s)?),
                    None => None,
                },
                total: match &c.beloeb_i_alt {
                    Some(s) => Some(amount(&format!("{what} beloeb_i_alt"), s)?),
                    None => None,
                },
                last_timely: match &c.sidste_rettidige_betalingsdato {
                    Some(s) => Some(date(&format!("{what} sidste_rettidige_betalingsdato"), s)?),
                    None => None,
                },
                account: c.debitorkonto.as_deref().map(norm_uuid),
            };
            ctx.claims.insert(norm_uuid(&c.id), claim);
        }
        if let Some(list) = raw.fakturaer {
            ctx.invoices_given = true;
            for f in list {
                ctx.invoices.insert(norm_uuid(&f.id));
            }
        }
        for s in raw.sete_id {
            ctx.seen.record(&s.id, &s.hash);
        }
        ctx.earlier_messages = raw.modtagne_beskeder.iter().map(|p| base.join(p)).collect();
        Ok(ctx)
    }
}

/// Today's date from the system clock (UTC).
pub fn system_today() -> Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    civil_from_days(i64::try_from(secs / 86_400).unwrap_or(0))
}

/// Days since 1970-01-01 → date (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> Date {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let y = yoe + era * 400 + i64::from(m <= 2);
    Date {
        year: i32::try_from(y).unwrap_or(1970),
        month: m,
        day: d,
    }
}

#[derive(Deserialize)]
struct RawFile {
    kontekst: RawContext,
}

#[derive(Deserialize, Default)]
struct RawContext {
    #[serde(default)]
    dato: Option<String>,
    #[serde(default)]
    afsender: Option<String>,
    #[serde(default)]
    debitorkonti: Vec<RawAccount>,
    #[serde(default)]
    fordringer: Vec<RawClaim>,
    #[serde(default)]
    fakturaer: Option<Vec<RawInvoice>>,
    #[serde(default)]
    modtagne_beskeder: Vec<String>,
    #[serde(default)]
    sete_id: Vec<RawSeen>,
}

#[derive(Deserialize)]
struct RawAccount {
    id: String,
    #[serde(default)]
    ejer: Option<String>,
    #[serde(default)]
    tilstand: Option<String>,
}

#[derive(Deserialize)]
struct RawClaim {
    id: String,
    #[serde(default)]
    ejer: Option<String>,
    #[serde(default)]
    tilstand: Option<String>,
    #[serde(default)]
    debitorkonto: Option<String>,
    #[serde(default)]
    til_betaling: Option<String>,
    #[serde(default)]
    beloeb_i_alt: Option<String>,
    #[serde(default)]
    sidste_rettidige_betalingsdato: Option<String>,
}

#[derive(Deserialize)]
struct RawInvoice {
    id: String,
}

#[derive(Deserialize)]
struct RawSeen {
    id: String,
    hash: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::tree::parse;

    #[test]
    fn hash_ignores_form_but_not_content() {
        let a = parse(br#"<f:B xmlns:f="urn:f" x="1" y="2"><f:C>1.00</f:C></f:B>"#).unwrap();
        let b =
            parse(b"<g:B xmlns:g=\"urn:f\" y=\"2\" x=\"1\">\n  <g:C> 1.00 </g:C>\n</g:B>").unwrap();
        let c = parse(br#"<f:B xmlns:f="urn:f" x="1" y="2"><f:C>1.01</f:C></f:B>"#).unwrap();
        let d = parse(br#"<f:B xmlns:f="urn:other" x="1" y="2"><f:C>1.00</f:C></f:B>"#).unwrap();
        assert_eq!(content_hash(&a), content_hash(&b));
        assert_ne!(content_hash(&a), content_hash(&c));
        assert_ne!(content_hash(&a), content_hash(&d));
        assert!(content_hash(&a).starts_with("sha256:"));
        assert_eq!(content_hash(&a).len(), 7 + 64);
    }

    /// The canonical form is a stored format: hashes of accepted IDs live in `--state`
    /// databases and context files, so a resend after an upgrade must hash the same. The
    /// expected value is SHA-256 over the documented form, computed independently.
    #[test]
    fn hash_of_the_canonical_form_is_stable() {
        let e = parse(br#"<p:a xmlns:p="urn:x" z="2" k="v"> <p:b>1</p:b><c/>  x </p:a>"#).unwrap();
        assert_eq!(
            content_hash(&e),
            "sha256:bb61830e81ee79d14e96de0c91a7d9b43986077da86a60b420c5e59841528eed"
        );
    }

    #[test]
    fn hashes_of_inner_elements_equal_their_own() {
        let root = parse(
            br#"<r xmlns="urn:r"><Ctx><U>1</U></Ctx><B x="1"><P><V>1</V></P><P><V>2</V></P></B><D><Ctx/></D></r>"#,
        )
        .unwrap();
        let b = root.elements().find(|e| e.local == "B").unwrap();
        let d = root.elements().find(|e| e.local == "D").unwrap();
        let ps: Vec<&Element> = b.elements().collect();
        let outside = parse(b"<P/>").unwrap();
        let (all, parts) = content_hashes(&root, &["Ctx"], &[b, ps[1], ps[0], d, &outside, b]);
        assert_eq!(all, content_hash_skipping(&root, &["Ctx"]));
        assert_eq!(parts[0].as_deref(), Some(content_hash(b).as_str()));
        assert_eq!(parts[1].as_deref(), Some(content_hash(ps[1]).as_str()));
        assert_eq!(parts[2].as_deref(), Some(content_hash(ps[0]).as_str()));
        assert_ne!(parts[1], parts[2]);
        // D holds a skipped element: its span is not its own hash.
        assert_eq!(parts[3], None);
        assert_eq!(parts[4], None);
        // An element named twice (two IDs in one object) gets its hash twice.
        assert_eq!(parts[5], parts[0]);
    }

    #[test]
    fn store_tells_resend_from_duplicate() {
        let mut s = IdStore::default();
        assert_eq!(s.check("A1", "h1"), Seen::New);
        s.record("A1", "h1");
        assert_eq!(s.check("a1", "h1"), Seen::Resend);
        assert_eq!(s.check("a1", "h2"), Seen::Conflict("h1".into()));
        s.record("a1", "h2");
        assert_eq!(s.check("a1", "h1"), Seen::Resend);
    }

    #[test]
    fn loads_context_yaml() {
        let y = r#"
kontekst:
  dato: 2025-06-30
  afsender: 6A000000-0000-4000-8000-000000000001
  debitorkonti:
    - {id: 11111111-0000-4000-8000-000000000001, ejer: 6a000000-0000-4000-8000-000000000002, tilstand: Aktiv}
  fordringer:
    - id: 22222222-0000-4000-8000-000000000001
      til_betaling: "100.50"
      sidste_rettidige_betalingsdato: 2025-02-01
  fakturaer: [{id: 33333333-0000-4000-8000-000000000001}]
  sete_id: [{id: X, hash: "sha256:00"}]
"#;
        let c = Context::from_yaml("c.yaml", y, Path::new(".")).unwrap();
        assert_eq!(c.today, Date::new(2025, 6, 30).unwrap());
        assert_eq!(
            c.sender.as_deref(),
            Some("6a000000-0000-4000-8000-000000000001")
        );
        let a = c.account("11111111-0000-4000-8000-000000000001").unwrap();
        assert_eq!(a.state.as_deref(), Some("Aktiv"));
        let cl = c.claim("22222222-0000-4000-8000-000000000001").unwrap();
        assert_eq!(cl.payable, Decimal::parse("100.5"));
        assert!(c.knows_invoice("33333333-0000-4000-8000-000000000001"));
        assert_eq!(c.seen.check("x", "sha256:00"), Seen::Resend);
        for bad in [
            "kontekst: {dato: 2025-02-30}",
            "kontekst: {fordringer: [{id: a, til_betaling: 'ti kroner'}]}",
            "nope: 1",
        ] {
            assert!(
                Context::from_yaml("c.yaml", bad, Path::new(".")).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), Date::new(1970, 1, 1).unwrap());
        assert_eq!(civil_from_days(19_723), Date::new(2024, 1, 1).unwrap());
        assert!(system_today().year >= 2024);
    }
}
