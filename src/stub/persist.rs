//! `--state FILE`: the stub's state in an embedded SQLite database, so a restart (even
//! after `kill -9`) continues where it stopped. The in-memory [`State`] stays the working
//! copy; after every exchange that changed it, and before the answer leaves, what changed
//! is written in one transaction (WAL, `synchronous=FULL`): an acknowledged write is on
//! disk.
//!
//! Layout (format 2), so that a save costs what the exchange changed, not the size of the
//! state:
//! - `tenants`: one small row per tenant with the scalars (sender, counters, totals),
//!   rewritten by every save;
//! - `keyed_rows`: one row per debitorkonto, fordring, delfordring's parent, known invoice
//!   and ledger account (balance, title, postings in all); a save writes the keys the
//!   exchange touched ([`Changes`]) and the ledger accounts whose postings total moved;
//! - `list_rows`: the window-bounded lists (vouchers, payments, invoices received, IDs
//!   seen, each ledger account's postings), one row per item numbered by its position in
//!   all ever added (the state's totals tell which items are new); a save inserts the new
//!   ones and deletes those the window cut, with one range delete per list;
//! - `answers`: one row per answer given (for idempotent resends), deleted when the window
//!   drops the answer.
//!
//! Format 1 (one JSON snapshot per tenant) is migrated on open. The journal and the
//! callback log are not kept.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Mutex;

use rusqlite::{Connection, Transaction, params};
use serde::{Deserialize, Serialize};

use super::state::{
    Cached, Changes, Invoice, LedgerAccount, LedgerPosting, Payment, State, Voucher,
};
use crate::oir::context::{Account, Claim, Context};
use crate::oir::date::Date;
use crate::schema::datatypes::Decimal;

/// Bump when the layout changes incompatibly (and migrate the older one in `open`).
const FORMAT: i64 = 2;

/// What the last save wrote: rows and bytes handed to SQLite (for tests and benchmarks:
/// a save's cost must not grow with the state).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SaveStats {
    pub statements: usize,
    /// Rows inserted, replaced or deleted.
    pub rows: usize,
    /// Bytes of text and blobs bound to the statements.
    pub bytes: usize,
}

/// Per list: the item numbers on disk, `lo..hi`.
type ListMarks = HashMap<String, (u64, u64)>;
/// Per tenant.
type Marks = HashMap<String, ListMarks>;

struct Inner {
    conn: Connection,
    marks: Marks,
    last: SaveStats,
}

pub struct Store {
    inner: Mutex<Inner>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Store")
    }
}

#[derive(Debug, thiserror::Error)]
#[error("state file: {0}")]
pub struct PersistError(pub String);

fn err(e: impl std::fmt::Display) -> PersistError {
    PersistError(e.to_string())
}

const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
     CREATE TABLE IF NOT EXISTS tenants (
         tenant TEXT PRIMARY KEY, scalars TEXT NOT NULL, updated TEXT NOT NULL);
     CREATE TABLE IF NOT EXISTS keyed_rows (
         tenant TEXT NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
         PRIMARY KEY (tenant, kind, key)) WITHOUT ROWID;
     CREATE TABLE IF NOT EXISTS list_rows (
         tenant TEXT NOT NULL, list TEXT NOT NULL, seq INTEGER NOT NULL, value TEXT NOT NULL,
         PRIMARY KEY (tenant, list, seq)) WITHOUT ROWID;
     CREATE TABLE IF NOT EXISTS answers (
         tenant TEXT NOT NULL, key TEXT NOT NULL, hash TEXT NOT NULL,
         status INTEGER NOT NULL, content_type TEXT NOT NULL, body BLOB NOT NULL,
         journal INTEGER NOT NULL, PRIMARY KEY (tenant, key));";

/// Keyed row kinds.
const ACCOUNT: &str = "account";
const CLAIM: &str = "claim";
const PARENT: &str = "parent";
const INVOICE: &str = "invoice";
const LEDGER: &str = "ledger";
/// List names (each ledger account's postings: `POSTINGS` + account).
const VOUCHERS: &str = "vouchers";
const PAYMENTS: &str = "payments";
const INVOICES: &str = "invoices";
const PAYMENT_REQUESTS: &str = "payment_requests";
const SEEN: &str = "seen";
const POSTINGS: &str = "postings:";

/// The tenant's row: what is neither keyed nor listed.
#[derive(Serialize, Deserialize)]
struct Scalars {
    sender: Option<String>,
    invoices_given: bool,
    next_seq: u64,
    vouchers_total: u64,
    payments_total: u64,
    invoices_total: u64,
    #[serde(default)]
    payment_requests_total: u64,
    seen_recorded: u64,
}

/// A ledger account's row (its postings are a list).
#[derive(Serialize, Deserialize)]
struct SLedgerHead {
    title: Option<String>,
    balance: String,
    postings_total: u64,
}

fn json<T: Serialize>(v: &T) -> Result<String, PersistError> {
    serde_json::to_string(v).map_err(err)
}

fn parse_json<'a, T: Deserialize<'a>>(what: &str, text: &'a str) -> Result<T, PersistError> {
    serde_json::from_str(text).map_err(|e| PersistError(format!("{what}: {e}")))
}

/// One save's statements, counted.
struct Writer<'t> {
    tx: &'t Transaction<'t>,
    tenant: &'t str,
    stats: SaveStats,
}

impl Writer<'_> {
    fn put(&mut self, kind: &str, key: &str, value: &str) -> Result<(), PersistError> {
        self.stats.statements += 1;
        self.stats.bytes += key.len() + value.len();
        self.stats.rows += self
            .tx
            .prepare_cached(
                "INSERT OR REPLACE INTO keyed_rows (tenant, kind, key, value) VALUES (?1, ?2, ?3, ?4)",
            )
            .and_then(|mut st| st.execute(params![self.tenant, kind, key, value]))
            .map_err(err)?;
        Ok(())
    }

    /// The current value of a key, or its deletion when the state no longer has it.
    fn put_or_drop(
        &mut self,
        kind: &str,
        key: &str,
        value: Option<String>,
    ) -> Result<(), PersistError> {
        match value {
            Some(v) => self.put(kind, key, &v),
            None => {
                self.stats.statements += 1;
                self.stats.bytes += key.len();
                self.stats.rows += self
                    .tx
                    .prepare_cached(
                        "DELETE FROM keyed_rows WHERE tenant = ?1 AND kind = ?2 AND key = ?3",
                    )
                    .and_then(|mut st| st.execute(params![self.tenant, kind, key]))
                    .map_err(err)?;
                Ok(())
            }
        }
    }

    /// Bring a list on disk (items `mark.0..mark.1`) to the state's: items
    /// `total - len..total`, `item(n)` giving number n as JSON. Returns the new mark.
    fn sync_list(
        &mut self,
        list: &str,
        len: usize,
        total: u64,
        mark: (u64, u64),
        mut item: impl FnMut(u64) -> Result<String, PersistError>,
    ) -> Result<(u64, u64), PersistError> {
        let first = total - len as u64;
        let (lo, mut hi) = mark;
        if hi > total {
            // The disk is ahead of the state: not the same history (cannot happen short
            // of a reset, which clears the disk too); start the list over.
            self.delete_list_below(list, u64::MAX)?;
            hi = first;
        } else if lo < hi && lo < first {
            self.delete_list_below(list, first)?;
        }
        for n in hi.max(first)..total {
            let v = item(n)?;
            self.stats.statements += 1;
            self.stats.bytes += v.len();
            self.stats.rows += self
                .tx
                .prepare_cached(
                    "INSERT OR REPLACE INTO list_rows (tenant, list, seq, value) VALUES (?1, ?2, ?3, ?4)",
                )
                .and_then(|mut st| st.execute(params![self.tenant, list, seq(n), v]))
                .map_err(err)?;
        }
        Ok((first, total))
    }

    /// [`Writer::sync_list`] for a list the state holds as a `Vec` of its newest items.
    fn sync_vec<T: Serialize>(
        &mut self,
        list: &str,
        items: &[T],
        total: u64,
        marks: &ListMarks,
        out: &mut ListMarks,
    ) -> Result<(), PersistError> {
        let first = total - items.len() as u64;
        let mark = marks.get(list).copied().unwrap_or((0, 0));
        let m = self.sync_list(list, items.len(), total, mark, |n| {
            json(&items[(n - first) as usize])
        })?;
        out.insert(list.to_string(), m);
        Ok(())
    }

    fn delete_list_below(&mut self, list: &str, below: u64) -> Result<(), PersistError> {
        self.stats.statements += 1;
        self.stats.rows += self
            .tx
            .prepare_cached("DELETE FROM list_rows WHERE tenant = ?1 AND list = ?2 AND seq < ?3")
            .and_then(|mut st| st.execute(params![self.tenant, list, seq(below)]))
            .map_err(err)?;
        Ok(())
    }
}

fn seq(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn account_json(a: &Account) -> Result<String, PersistError> {
    json(&SAccount {
        owner: a.owner.clone(),
        state: a.state.clone(),
    })
}

fn claim_json(c: &Claim) -> Result<String, PersistError> {
    json(&SClaim {
        owner: c.owner.clone(),
        state: c.state.clone(),
        payable: c.payable.as_ref().map(ToString::to_string),
        total: c.total.as_ref().map(ToString::to_string),
        last_timely: c.last_timely.map(|d| d.to_string()),
        account: c.account.clone(),
    })
}

fn ledger_json(l: &LedgerAccount) -> Result<String, PersistError> {
    json(&SLedgerHead {
        title: l.title.clone(),
        balance: l.balance.to_string(),
        postings_total: l.postings_total,
    })
}

/// Write what changed in a tenant's state since `marks` (the lists on disk) and
/// `state.changes`; returns the new marks. The caller commits.
fn write_changes(
    tx: &Transaction<'_>,
    tenant: &str,
    state: &State,
    marks: &ListMarks,
) -> Result<(ListMarks, SaveStats), PersistError> {
    let mut w = Writer {
        tx,
        tenant,
        stats: SaveStats::default(),
    };
    let c = &state.ctx;
    let ch: &Changes = &state.changes;
    let scalars = json(&Scalars {
        sender: c.sender.clone(),
        invoices_given: c.invoices_given,
        next_seq: state.next_seq,
        vouchers_total: state.vouchers_total,
        payments_total: state.payments_total,
        invoices_total: state.invoices_total,
        payment_requests_total: state.payment_requests_total,
        seen_recorded: c.seen.recorded(),
    })?;
    w.stats.statements += 1;
    w.stats.bytes += scalars.len();
    w.stats.rows += tx
        .prepare_cached(
            "INSERT INTO tenants (tenant, scalars, updated) VALUES (?1, ?2, ?3)
             ON CONFLICT(tenant) DO UPDATE SET scalars = excluded.scalars, updated = excluded.updated",
        )
        .and_then(|mut st| st.execute(params![tenant, scalars, super::utc_now()]))
        .map_err(err)?;

    if ch.all {
        w.stats.statements += 1;
        w.stats.rows += tx
            .execute("DELETE FROM keyed_rows WHERE tenant = ?1", params![tenant])
            .map_err(err)?;
        for (k, a) in &c.accounts {
            w.put(ACCOUNT, k, &account_json(a)?)?;
        }
        for (k, cl) in &c.claims {
            w.put(CLAIM, k, &claim_json(cl)?)?;
        }
        for (k, p) in &state.parents {
            w.put(PARENT, k, p)?;
        }
        for k in &c.invoices {
            w.put(INVOICE, k, "")?;
        }
    } else {
        for k in &ch.accounts {
            let v = c.accounts.get(k).map(account_json).transpose()?;
            w.put_or_drop(ACCOUNT, k, v)?;
        }
        for k in &ch.claims {
            let v = c.claims.get(k).map(claim_json).transpose()?;
            w.put_or_drop(CLAIM, k, v)?;
        }
        for k in &ch.parents {
            w.put_or_drop(PARENT, k, state.parents.get(k).cloned())?;
        }
        for k in &ch.invoices {
            w.put_or_drop(INVOICE, k, c.invoices.contains(k).then(String::new))?;
        }
    }

    let mark = |list: &str| marks.get(list).copied().unwrap_or((0, 0));
    let mut out = HashMap::new();
    w.sync_vec(
        VOUCHERS,
        &state.vouchers,
        state.vouchers_total,
        marks,
        &mut out,
    )?;
    w.sync_vec(
        PAYMENTS,
        &state.payments,
        state.payments_total,
        marks,
        &mut out,
    )?;
    w.sync_vec(
        INVOICES,
        &state.invoices,
        state.invoices_total,
        marks,
        &mut out,
    )?;
    w.sync_vec(
        PAYMENT_REQUESTS,
        &state.payment_requests,
        state.payment_requests_total,
        marks,
        &mut out,
    )?;
    let m = w.sync_list(
        SEEN,
        c.seen.len(),
        c.seen.recorded(),
        mark(SEEN),
        |n| match c.seen.numbered_from(n).next() {
            Some((m, id, hash)) if m == n => json(&(id, hash)),
            _ => Err(PersistError(format!(
                "ID number {n} is not in the id store"
            ))),
        },
    )?;
    out.insert(SEEN.to_string(), m);
    for (k, l) in &state.ledger {
        let list = format!("{POSTINGS}{k}");
        let before = mark(&list);
        // Balance and total move only with a posting.
        if ch.all || before.1 != l.postings_total {
            w.put(LEDGER, k, &ledger_json(l)?)?;
        }
        w.sync_vec(&list, &l.postings, l.postings_total, marks, &mut out)?;
    }

    for k in &ch.answers_dropped {
        if !state.answers.contains_key(k) {
            w.stats.statements += 1;
            w.stats.bytes += k.len();
            w.stats.rows += tx
                .prepare_cached("DELETE FROM answers WHERE tenant = ?1 AND key = ?2")
                .and_then(|mut st| st.execute(params![tenant, k]))
                .map_err(err)?;
        }
    }
    Ok((out, w.stats))
}

fn put_answer(
    tx: &Transaction<'_>,
    tenant: &str,
    key: &str,
    c: &Cached,
    stats: &mut SaveStats,
) -> Result<(), PersistError> {
    stats.statements += 1;
    stats.bytes += key.len() + c.hash.len() + c.content_type.len() + c.body.len();
    stats.rows += tx
        .prepare_cached(
            "INSERT OR REPLACE INTO answers (tenant, key, hash, status, content_type, body, journal)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )
        .and_then(|mut st| {
            st.execute(params![
                tenant,
                key,
                c.hash,
                c.status,
                c.content_type,
                c.body,
                seq(c.journal)
            ])
        })
        .map_err(err)?;
    Ok(())
}

fn forget_tenant(tx: &Transaction<'_>, tenant: &str) -> Result<(), PersistError> {
    for table in ["tenants", "keyed_rows", "list_rows", "answers"] {
        tx.execute(
            &format!("DELETE FROM {table} WHERE tenant = ?1"),
            params![tenant],
        )
        .map_err(err)?;
    }
    Ok(())
}

impl Store {
    /// Open (or create) the database; a format-1 file is migrated in place.
    pub fn open(path: &Path) -> Result<Store, PersistError> {
        let at = |e: rusqlite::Error| PersistError(format!("{}: {e}", path.display()));
        let mut conn = Connection::open(path).map_err(at)?;
        // WAL + FULL: a committed transaction survives a crash of the process or the OS.
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(at)?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(at)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(at)?;
        conn.execute_batch(SCHEMA).map_err(at)?;
        let format: Option<i64> = conn
            .query_row("SELECT value FROM meta WHERE key = 'format'", [], |r| {
                r.get::<_, String>(0)
            })
            .ok()
            .and_then(|s| s.parse().ok());
        match format {
            None => {
                conn.execute(
                    "INSERT OR REPLACE INTO meta (key, value) VALUES ('format', ?1)",
                    params![FORMAT.to_string()],
                )
                .map_err(at)?;
            }
            Some(FORMAT) => {}
            Some(1) => migrate_1(&mut conn).map_err(|e| {
                PersistError(format!(
                    "{}: migrating from format 1 failed (the file is unchanged; start with a new file or use the oir that wrote it): {}",
                    path.display(),
                    e.0
                ))
            })?,
            Some(other) => {
                return Err(PersistError(format!(
                    "{}: written in format {other}, this oir reads format {FORMAT} (and migrates format 1); use the oir that wrote it, or start with a new file",
                    path.display()
                )));
            }
        }
        Ok(Store {
            inner: Mutex::new(Inner {
                conn,
                marks: HashMap::new(),
                last: SaveStats::default(),
            }),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// What the last successful save wrote.
    pub fn last_save(&self) -> SaveStats {
        self.lock().last
    }

    /// Every tenant's state, built on `initial` (whose `today` is kept: "today" is the
    /// configuration's, not the day the file was written).
    pub fn load(&self, initial: &Context) -> Result<HashMap<String, State>, PersistError> {
        let mut inner = self.lock();
        let (out, marks) = read_all(&inner.conn, initial)?;
        inner.marks = marks;
        Ok(out)
    }

    /// Write what changed in a tenant's state, and the answer just given when there is
    /// one, in one transaction. Returns when the transaction is durable; then the state's
    /// changes are cleared (after a failure they stay, for the next save).
    pub fn save(
        &self,
        tenant: &str,
        state: &mut State,
        answer: Option<(&str, &Cached)>,
    ) -> Result<(), PersistError> {
        let mut guard = self.lock();
        let inner = &mut *guard;
        let empty = HashMap::new();
        let before = inner.marks.get(tenant).unwrap_or(&empty);
        let tx = inner.conn.transaction().map_err(err)?;
        let (marks, mut stats) = write_changes(&tx, tenant, state, before)?;
        if let Some((key, c)) = answer {
            put_answer(&tx, tenant, key, c, &mut stats)?;
        }
        tx.commit().map_err(err)?;
        inner.marks.insert(tenant.to_string(), marks);
        inner.last = stats;
        state.changes.clear();
        Ok(())
    }

    /// Forget a tenant (reset).
    pub fn forget(&self, tenant: &str) -> Result<(), PersistError> {
        let mut guard = self.lock();
        let inner = &mut *guard;
        let tx = inner.conn.transaction().map_err(err)?;
        forget_tenant(&tx, tenant)?;
        tx.commit().map_err(err)?;
        inner.marks.remove(tenant);
        Ok(())
    }
}

/// Read every tenant's state and the marks of its lists.
fn read_all(
    conn: &Connection,
    initial: &Context,
) -> Result<(HashMap<String, State>, Marks), PersistError> {
    let mut out: HashMap<String, State> = HashMap::new();
    let mut marks: Marks = HashMap::new();
    let mut st = conn
        .prepare("SELECT tenant, scalars FROM tenants")
        .map_err(err)?;
    let rows = st
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
        .map_err(err)?;
    let mut scalars: HashMap<String, Scalars> = HashMap::new();
    for row in rows {
        let (tenant, text) = row.map_err(err)?;
        let sc: Scalars = parse_json(&format!("tenant '{tenant}'"), &text)?;
        let mut ctx = Context::new(initial.today);
        ctx.sender.clone_from(&sc.sender);
        ctx.invoices_given = sc.invoices_given;
        let mut s = State::new(ctx);
        s.next_seq = sc.next_seq.max(1);
        s.vouchers_total = sc.vouchers_total;
        s.payments_total = sc.payments_total;
        s.invoices_total = sc.invoices_total;
        s.payment_requests_total = sc.payment_requests_total;
        out.insert(tenant.clone(), s);
        scalars.insert(tenant, sc);
    }

    let mut st = conn
        .prepare("SELECT tenant, kind, key, value FROM keyed_rows")
        .map_err(err)?;
    let mut rows = st.query([]).map_err(err)?;
    while let Some(r) = rows.next().map_err(err)? {
        let tenant: String = r.get(0).map_err(err)?;
        let kind: String = r.get(1).map_err(err)?;
        let key: String = r.get(2).map_err(err)?;
        let value: String = r.get(3).map_err(err)?;
        let Some(s) = out.get_mut(&tenant) else {
            continue;
        };
        let what = format!("tenant '{tenant}' {kind} '{key}'");
        match kind.as_str() {
            ACCOUNT => {
                let a: SAccount = parse_json(&what, &value)?;
                s.ctx.accounts.insert(
                    key,
                    Account {
                        owner: a.owner,
                        state: a.state,
                    },
                );
            }
            CLAIM => {
                let c: SClaim = parse_json(&what, &value)?;
                s.ctx.claims.insert(key, c.into_claim()?);
            }
            PARENT => {
                s.parents.insert(key, value);
            }
            INVOICE => {
                s.ctx.invoices.insert(key);
            }
            LEDGER => {
                let l: SLedgerHead = parse_json(&what, &value)?;
                let balance = Decimal::parse(&l.balance).ok_or_else(|| {
                    PersistError(format!("{what}: '{}' is not an amount", l.balance))
                })?;
                let acc = s.ledger.entry(key).or_insert_with(|| LedgerAccount {
                    title: None,
                    balance: Decimal::ZERO,
                    postings: Vec::new(),
                    postings_total: 0,
                });
                acc.title = l.title;
                acc.balance = balance;
                acc.postings_total = l.postings_total;
            }
            other => return Err(PersistError(format!("{what}: unknown kind '{other}'"))),
        }
    }

    // Lists come in number order; each must end at its total without a gap.
    let mut st = conn
        .prepare("SELECT tenant, list, seq, value FROM list_rows ORDER BY tenant, list, seq")
        .map_err(err)?;
    let mut rows = st.query([]).map_err(err)?;
    let mut expect: Option<(String, String, u64)> = None;
    while let Some(r) = rows.next().map_err(err)? {
        let tenant: String = r.get(0).map_err(err)?;
        let list: String = r.get(1).map_err(err)?;
        let n = u64::try_from(r.get::<_, i64>(2).map_err(err)?).unwrap_or(0);
        let value: String = r.get(3).map_err(err)?;
        let Some(s) = out.get_mut(&tenant) else {
            continue;
        };
        let what = format!("tenant '{tenant}' {list} #{n}");
        match &expect {
            Some((t, l, next)) if *t == tenant && *l == list && *next != n => {
                return Err(PersistError(format!("{what}: expected #{next}")));
            }
            _ => {}
        }
        expect = Some((tenant.clone(), list.clone(), n + 1));
        let m = marks
            .entry(tenant.clone())
            .or_default()
            .entry(list.clone())
            .or_insert((n, n));
        m.1 = n + 1;
        match list.as_str() {
            VOUCHERS => s.vouchers.push(parse_json(&what, &value)?),
            PAYMENTS => s.payments.push(parse_json(&what, &value)?),
            INVOICES => s.invoices.push(parse_json(&what, &value)?),
            PAYMENT_REQUESTS => s.payment_requests.push(parse_json(&what, &value)?),
            SEEN => {
                let (id, hash): (String, String) = parse_json(&what, &value)?;
                s.ctx.seen.record(&id, &hash);
            }
            _ => match list.strip_prefix(POSTINGS) {
                Some(k) => match s.ledger.get_mut(k) {
                    Some(acc) => acc.postings.push(parse_json(&what, &value)?),
                    None => return Err(PersistError(format!("{what}: no ledger account"))),
                },
                None => return Err(PersistError(format!("{what}: unknown list"))),
            },
        }
    }

    for (tenant, s) in &mut out {
        let sc = &scalars[tenant];
        s.ctx.seen.set_recorded(sc.seen_recorded);
        let m = marks.entry(tenant.clone()).or_default();
        // Each list ends at its total (the numbering continues from there).
        let mut check = |list: &str, len: usize, total: u64| -> Result<(), PersistError> {
            let end = m.get(list).map_or(total, |x| x.1);
            if end != total || (len as u64) > total {
                return Err(PersistError(format!(
                    "tenant '{tenant}' {list}: {len} items ending at #{end}, but {total} in all"
                )));
            }
            m.entry(list.to_string()).or_insert((total, total));
            Ok(())
        };
        check(VOUCHERS, s.vouchers.len(), s.vouchers_total)?;
        check(PAYMENTS, s.payments.len(), s.payments_total)?;
        check(INVOICES, s.invoices.len(), s.invoices_total)?;
        check(
            PAYMENT_REQUESTS,
            s.payment_requests.len(),
            s.payment_requests_total,
        )?;
        check(SEEN, s.ctx.seen.len(), s.ctx.seen.recorded())?;
        for (k, l) in &s.ledger {
            check(
                &format!("{POSTINGS}{k}"),
                l.postings.len(),
                l.postings_total,
            )?;
        }
        // As on disk: nothing to write.
        s.changes.clear();
    }

    let mut st = conn
        .prepare("SELECT tenant, key, hash, status, content_type, body, journal FROM answers ORDER BY journal")
        .map_err(err)?;
    let rows = st
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                Cached {
                    hash: r.get(2)?,
                    status: r.get(3)?,
                    content_type: r.get(4)?,
                    body: r.get(5)?,
                    journal: u64::try_from(r.get::<_, i64>(6)?).unwrap_or(0),
                },
            ))
        })
        .map_err(err)?;
    for row in rows {
        let (tenant, key, cached) = row.map_err(err)?;
        out.entry(tenant)
            .or_insert_with(|| State::new(initial.clone()))
            .remember_answer(key, cached);
    }
    Ok((out, marks))
}

/// Format 1 → 2 in one transaction: each tenant's snapshot written as rows, the snapshot
/// table dropped. The answers table is the same in both.
fn migrate_1(conn: &mut Connection) -> Result<(), PersistError> {
    let tx = conn.transaction().map_err(err)?;
    let snapshots: Vec<(String, String)> = {
        let mut st = tx
            .prepare("SELECT tenant, snapshot FROM tenant_state")
            .map_err(err)?;
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(err)?
            .collect::<Result<_, _>>()
            .map_err(err)?
    };
    // "today" is not stored; any date does.
    let today = Date::new(2000, 1, 1).expect("a date");
    for (tenant, text) in snapshots {
        let snap: Snapshot = parse_json(&format!("tenant '{tenant}'"), &text)?;
        let mut state = snap.into_state(today)?;
        state.changes.all = true;
        write_changes(&tx, &tenant, &state, &HashMap::new())?;
    }
    tx.execute_batch(
        "DROP TABLE tenant_state;
         INSERT OR REPLACE INTO meta (key, value) VALUES ('format', '2');",
    )
    .map_err(err)?;
    tx.commit().map_err(err)
}

/// Format 1: the persisted part of a [`State`] as one snapshot, amounts and dates as text
/// (read to migrate; the tests also compare states by it).
#[derive(Serialize, Deserialize)]
struct Snapshot {
    sender: Option<String>,
    accounts: BTreeMap<String, SAccount>,
    claims: BTreeMap<String, SClaim>,
    invoices_known: Vec<String>,
    invoices_given: bool,
    seen: Vec<(String, String)>,
    ledger: BTreeMap<String, SLedger>,
    vouchers: Vec<Voucher>,
    #[serde(default)]
    vouchers_total: u64,
    payments: Vec<Payment>,
    invoices: Vec<Invoice>,
    parents: BTreeMap<String, String>,
    next_seq: u64,
}

#[derive(Serialize, Deserialize)]
struct SAccount {
    owner: Option<String>,
    state: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct SClaim {
    owner: Option<String>,
    state: Option<String>,
    payable: Option<String>,
    total: Option<String>,
    last_timely: Option<String>,
    account: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct SLedger {
    title: Option<String>,
    balance: String,
    postings: Vec<LedgerPosting>,
    #[serde(default)]
    postings_total: u64,
}

fn amount(s: &Option<String>) -> Result<Option<Decimal>, PersistError> {
    s.as_deref()
        .map(|t| Decimal::parse(t).ok_or_else(|| PersistError(format!("'{t}' is not an amount"))))
        .transpose()
}

impl SClaim {
    fn into_claim(self) -> Result<Claim, PersistError> {
        let last_timely = match &self.last_timely {
            Some(d) => {
                Some(Date::parse(d).ok_or_else(|| PersistError(format!("'{d}' is not a date")))?)
            }
            None => None,
        };
        Ok(Claim {
            owner: self.owner,
            state: self.state,
            payable: amount(&self.payable)?,
            total: amount(&self.total)?,
            last_timely,
            account: self.account,
        })
    }
}

impl Snapshot {
    #[cfg(test)]
    fn of(s: &State) -> Snapshot {
        let c = &s.ctx;
        let mut invoices_known: Vec<String> = c.invoices.iter().cloned().collect();
        invoices_known.sort();
        Snapshot {
            sender: c.sender.clone(),
            accounts: c
                .accounts
                .iter()
                .map(|(k, a)| {
                    (
                        k.clone(),
                        SAccount {
                            owner: a.owner.clone(),
                            state: a.state.clone(),
                        },
                    )
                })
                .collect(),
            claims: c
                .claims
                .iter()
                .map(|(k, cl)| {
                    (
                        k.clone(),
                        SClaim {
                            owner: cl.owner.clone(),
                            state: cl.state.clone(),
                            payable: cl.payable.as_ref().map(ToString::to_string),
                            total: cl.total.as_ref().map(ToString::to_string),
                            last_timely: cl.last_timely.map(|d| d.to_string()),
                            account: cl.account.clone(),
                        },
                    )
                })
                .collect(),
            invoices_known,
            invoices_given: c.invoices_given,
            seen: c
                .seen
                .entries()
                .into_iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
            ledger: s
                .ledger
                .iter()
                .map(|(k, l)| {
                    (
                        k.clone(),
                        SLedger {
                            title: l.title.clone(),
                            balance: l.balance.to_string(),
                            postings: l.postings.clone(),
                            postings_total: l.postings_total,
                        },
                    )
                })
                .collect(),
            vouchers: s.vouchers.clone(),
            vouchers_total: s.vouchers_total,
            payments: s.payments.clone(),
            invoices: s.invoices.clone(),
            parents: s
                .parents
                .iter()
                .map(|(a, b)| (a.clone(), b.clone()))
                .collect(),
            next_seq: s.next_seq,
        }
    }

    fn into_state(self, today: Date) -> Result<State, PersistError> {
        let mut ctx = Context::new(today);
        ctx.sender = self.sender;
        for (k, a) in self.accounts {
            ctx.accounts.insert(
                k,
                Account {
                    owner: a.owner,
                    state: a.state,
                },
            );
        }
        for (k, c) in self.claims {
            ctx.claims.insert(k, c.into_claim()?);
        }
        ctx.invoices.extend(self.invoices_known);
        ctx.invoices_given = self.invoices_given;
        for (id, h) in &self.seen {
            ctx.seen.record(id, h);
        }
        let mut s = State::new(ctx);
        for (k, l) in self.ledger {
            let balance = Decimal::parse(&l.balance)
                .ok_or_else(|| PersistError(format!("'{}' is not an amount", l.balance)))?;
            s.ledger.insert(
                k,
                LedgerAccount {
                    title: l.title,
                    balance,
                    postings_total: l.postings_total.max(l.postings.len() as u64),
                    postings: l.postings,
                },
            );
        }
        s.vouchers_total = self.vouchers_total.max(self.vouchers.len() as u64);
        s.vouchers = self.vouchers;
        // Format 1 kept every payment and invoice.
        s.payments_total = self.payments.len() as u64;
        s.payments = self.payments;
        s.invoices_total = self.invoices.len() as u64;
        s.invoices = self.invoices;
        s.parents = self.parents.into_iter().collect();
        s.next_seq = self.next_seq.max(1);
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oir::engine::Engine;
    use crate::stub::state::ApplyOptions;
    use crate::xml::tree::parse;

    fn today() -> Date {
        Date::new(2025, 6, 30).unwrap()
    }

    fn temp_file(name: &str) -> (std::path::PathBuf, std::path::PathBuf) {
        let dir = std::env::temp_dir().join(format!("oir-persist-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        (dir.join("state.db"), dir)
    }

    /// Everything `--state` keeps, in a comparable form (order of the windowed lists, the
    /// IDs and the answers included).
    fn canon(s: &State) -> serde_json::Value {
        let answers: Vec<serde_json::Value> = s
            .answer_order
            .iter()
            .map(|k| {
                let c = &s.answers[k];
                serde_json::json!([k, c.hash, c.status, c.content_type, c.body, c.journal])
            })
            .collect();
        let ids: Vec<(u64, &str, &str)> = s.ctx.seen.numbered_from(0).collect();
        serde_json::json!({
            "snapshot": serde_json::to_value(Snapshot::of(s)).unwrap(),
            "ids": ids,
            "ids_recorded": s.ctx.seen.recorded(),
            "totals": [s.vouchers_total, s.payments_total, s.invoices_total, s.payment_requests_total],
            "payment_requests": serde_json::to_value(&s.payment_requests).unwrap(),
            "answers": answers,
        })
    }

    /// Message `i` of a mixed stream: a voucher every time, a registration, a payment, an
    /// invoice, a payment request, a change of state and of owner now and then.
    fn message(i: u32) -> Vec<u8> {
        let mut x = format!(
            r#"<R><Finansbilag><FinansbilagUUID>fb{i:06}</FinansbilagUUID><Bilagsdato>2025-06-01</Bilagsdato>
<Finanspostering><FinansposteringUUID>p{i:06}a</FinansposteringUUID><Beloeb>{i}.25</Beloeb><Kontering><Art>a1000000-0000-4000-8000-000000000001</Art><Funktion>f1000000-0000-4000-8000-000000000001</Funktion></Kontering></Finanspostering>
<Finanspostering><FinansposteringUUID>p{i:06}b</FinansposteringUUID><Beloeb>-{i}.25</Beloeb><Kontering><Art>a1000000-0000-4000-8000-000000000004</Art><Funktion>f1000000-0000-4000-8000-000000000003</Funktion></Kontering></Finanspostering>
</Finansbilag>"#
        );
        if i.is_multiple_of(3) {
            x += &format!(
                "<Debitorkonto><DebitorkontoUUID>de{i:06}</DebitorkontoUUID><Fordring><FordringUUID>df{i:06}</FordringUUID><Hovedstol>100.00</Hovedstol><SidsteRettidigeBetalingsdato>2025-07-01</SidsteRettidigeBetalingsdato><Delfordring><DelfordringUUID>dd{i:06}</DelfordringUUID><Beloeb>100.00</Beloeb></Delfordring></Fordring></Debitorkonto>"
            );
        }
        if i % 4 == 1 && i > 3 {
            let d = (i / 3 - 1) * 3;
            x += &format!(
                "<Indbetaling><IndbetalingUUID>in{i:06}</IndbetalingUUID><Beloeb>7.00</Beloeb><Anvendelse><DelfordringUUID>dd{d:06}</DelfordringUUID><Beloeb>7.00</Beloeb></Anvendelse></Indbetaling>"
            );
        }
        if i % 5 == 2 {
            x += &format!(
                "<FakturaInformation><FakturaUUID>fa{i:06}</FakturaUUID><Fakturanummer>{i}</Fakturanummer></FakturaInformation>"
            );
        }
        if i % 6 == 5 {
            x += &format!(
                "<Betalingsanmodning><Gruppehoved><LeveranceUUID>ee{i:06}</LeveranceUUID></Gruppehoved><Betalingsinformation><Udbetalingsdato>2025-07-01</Udbetalingsdato><Betalingstransaktion><BetalingstransaktionUUID>e9{i:06}</BetalingstransaktionUUID><Modtagerkonto><DanskKonto><Registreringsnummer>9999</Registreringsnummer></DanskKonto></Modtagerkonto></Betalingstransaktion></Betalingsinformation></Betalingsanmodning>"
            );
        }
        if i % 7 == 6 {
            x += &format!(
                "<FordringTilstandsaendring><FordringUUID>df{:06}</FordringUUID><Tilstand>STANDSET</Tilstand></FordringTilstandsaendring><Ejerskifte><DebitorkontoUUID>de{:06}</DebitorkontoUUID><NyEjerSystemUUID>ny{i}</NyEjerSystemUUID></Ejerskifte>",
                i / 3 * 3,
                i / 3 * 3
            );
        }
        x += "</R>";
        x.into_bytes()
    }

    /// One accepted exchange as the pipeline does it: rules record the IDs, the state
    /// books, the answer is remembered, the window cuts. Returns the answer to save.
    fn exchange(s: &mut State, engine: &Engine, i: u32, window: usize) -> (String, Cached) {
        let el = parse(&message(i)).unwrap();
        s.ctx
            .seen
            .record(&format!("id-{i:06}"), &format!("sha256:{i}"));
        s.ctx
            .seen
            .record(&format!("fb{i:06}"), &format!("sha256:{i}"));
        let seq = s.next_seq;
        s.next_seq += 1;
        s.apply(&el, Some("SYS"), engine, seq, &ApplyOptions::default());
        let key = format!("id-{i:06}");
        let c = Cached {
            hash: format!("h{i:06}"),
            status: 200,
            content_type: "text/xml".into(),
            body: format!("<a n=\"{i:06}\"/>").into_bytes(),
            journal: seq,
        };
        s.remember_answer(key.clone(), c.clone());
        s.keep_window(window);
        (key, c)
    }

    fn load_one(file: &Path, tenant: &str) -> State {
        let store = Store::open(file).unwrap();
        let mut all = store.load(&Context::new(today())).unwrap();
        all.remove(tenant).expect("the tenant is on disk")
    }

    #[test]
    fn a_saved_state_loads_back() {
        let (file, dir) = temp_file("unit");
        let engine = Engine::with_default_data().unwrap();
        let mut s = State::new(Context::new(today()));
        let reg = parse(br#"<R><Debitorkonto><DebitorkontoUUID>DE</DebitorkontoUUID><Fordring><FordringUUID>df</FordringUUID><Hovedstol>100.00</Hovedstol><SidsteRettidigeBetalingsdato>2025-07-01</SidsteRettidigeBetalingsdato></Fordring></Debitorkonto></R>"#).unwrap();
        s.apply(&reg, Some("SYS"), &engine, 1, &Default::default());
        s.ctx.seen.record("ID-1", "sha256:x");
        s.next_seq = 5;
        let cached = Cached {
            hash: "h".into(),
            status: 200,
            content_type: "text/xml".into(),
            body: b"<a/>".to_vec(),
            journal: 1,
        };
        s.remember_answer("id-1".into(), cached.clone());
        {
            let store = Store::open(&file).unwrap();
            store.save("t1", &mut s, Some(("id-1", &cached))).unwrap();
        }
        let store = Store::open(&file).unwrap();
        let all = store.load(&Context::new(today())).unwrap();
        let back = &all["t1"];
        assert_eq!(canon(back), canon(&s));
        assert_eq!(back.ctx.claim("df").unwrap(), s.ctx.claim("df").unwrap());
        assert_eq!(back.answers["id-1"].body, b"<a/>");
        assert_eq!(back.next_seq, 5);
        store.forget("t1").unwrap();
        assert!(store.load(&Context::new(today())).unwrap().is_empty());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn saves_of_only_the_changes_load_back_exactly_across_window_cuts_failures_and_restarts() {
        let (file, dir) = temp_file("exact");
        let engine = Engine::with_default_data().unwrap();
        let window = 16;
        let mut ctx = Context::new(today());
        // Reference state a new tenant starts from: written by its first save.
        ctx.claims.insert(
            "start".into(),
            Claim {
                payable: Decimal::parse("5.00"),
                ..Claim::default()
            },
        );
        ctx.seen.record("start-id", "sha256:s");
        let mut s = State::new(ctx);
        let mut store = Store::open(&file).unwrap();
        {
            // A save that fails (as a full disk would) must leave the changes for the next.
            let g = store.lock();
            g.conn
                .execute_batch(
                    "CREATE TRIGGER boom BEFORE INSERT ON answers WHEN NEW.key = 'id-000042'
                     BEGIN SELECT RAISE(ABORT, 'boom'); END;",
                )
                .unwrap();
        }
        for i in 0..150u32 {
            if i == 90 {
                // A restart: the state read back goes on from where it was.
                drop(store);
                s = load_one(&file, "t");
                store = Store::open(&file).unwrap();
                assert_eq!(store.load(&Context::new(today())).unwrap().len(), 1);
            }
            if i == 60 {
                let mut other = Context::new(today());
                other.sender = Some("afs".into());
                other.invoices_given = true;
                other.accounts.insert("merged".into(), Account::default());
                other.invoices.insert("fa-merged".into());
                s.merge_context(&other, false);
            }
            let (k, c) = exchange(&mut s, &engine, i, window);
            match store.save("t", &mut s, Some((&k, &c))) {
                Ok(()) => assert!(i != 42),
                Err(e) => {
                    assert_eq!(i, 42, "{e}");
                    s.forget_answer(&k);
                }
            }
            if i % 25 == 0 || i == 43 || i == 149 {
                assert_eq!(canon(&load_one(&file, "t")), canon(&s), "after message {i}");
            }
        }
        // The window did cut every list, and the stream touched every kind of row.
        assert!(s.vouchers_total > 100 && s.vouchers.len() <= window + window / 8);
        assert!(s.payments_total > window as u64 && s.invoices_total > window as u64);
        assert!(
            s.payment_requests_total > window as u64
                && s.payment_requests.len() <= window + window / 8
        );
        assert!(s.ctx.accounts.contains_key("merged") && s.ctx.claims.contains_key("start"));
        assert!(!s.answers.contains_key("id-000042"));
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// Loops of hundreds of saves test what is written, not durability: no fsync.
    fn no_sync(store: &Store) {
        store
            .lock()
            .conn
            .pragma_update(None, "synchronous", "OFF")
            .unwrap();
    }

    fn count(store: &Store, sql: &str) -> usize {
        store
            .lock()
            .conn
            .query_row(sql, [], |r| r.get::<_, i64>(0))
            .map(|n| usize::try_from(n).unwrap())
            .unwrap()
    }

    #[test]
    fn rows_on_disk_stay_within_the_window() {
        let (file, dir) = temp_file("bounded");
        let engine = Engine::with_default_data().unwrap();
        let window = 24;
        let slack = window + window / 8;
        let mut s = State::new(Context::new(today()));
        let store = Store::open(&file).unwrap();
        no_sync(&store);
        for i in 0..240u32 {
            let (k, c) = exchange(&mut s, &engine, i, window);
            store.save("t", &mut s, Some((&k, &c))).unwrap();
            let answers = count(&store, "SELECT count(*) FROM answers");
            assert!(answers <= window, "message {i}: {answers} answers");
            let longest = count(
                &store,
                "SELECT max(n) FROM (SELECT count(*) AS n FROM list_rows GROUP BY list)",
            );
            assert!(longest <= slack, "message {i}: a list of {longest} rows");
        }
        // Every list was cut at least once: more went through than any list holds.
        assert!(s.vouchers_total as usize > 2 * slack);
        assert_eq!(count(&store, "SELECT count(*) FROM answers"), window);
        let seen = count(&store, "SELECT count(*) FROM list_rows WHERE list = 'seen'");
        assert_eq!(seen, window);
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// The save of one more message on a state of `n` messages.
    fn one_more_at(n: u32, window: usize) -> SaveStats {
        let (file, dir) = temp_file(&format!("cost-{n}"));
        let engine = Engine::with_default_data().unwrap();
        let mut s = State::new(Context::new(today()));
        for i in 0..n {
            exchange(&mut s, &engine, i, window);
        }
        let store = Store::open(&file).unwrap();
        store.save("t", &mut s, None).unwrap();
        let full = store.last_save();
        // Message n is a plain voucher (no registration, payment or invoice) for both.
        assert!(!n.is_multiple_of(3) && n % 4 != 1 && n % 5 != 2 && n % 6 != 5 && n % 7 != 6);
        let (k, c) = exchange(&mut s, &engine, n, window);
        store.save("t", &mut s, Some((&k, &c))).unwrap();
        let one = store.last_save();
        assert!(full.bytes > one.bytes, "the first save writes it all");
        let _ = std::fs::remove_dir_all(&dir);
        one
    }

    #[test]
    fn a_save_costs_what_the_message_changed_not_the_size_of_the_state() {
        let small = one_more_at(100, 5000);
        let big = one_more_at(4999, 5000);
        // A voucher, two postings, two ledger accounts, two IDs, the answer, the tenant.
        assert_eq!(small.rows, 9, "{small:?}");
        assert!(small.bytes < 2048, "{small:?}");
        // The same at a full window, but for the two oldest IDs the window (of IDs, two a
        // message here) drops: one range delete. Bytes differ by the digits of numbers.
        assert_eq!(big.rows, small.rows + 2, "{small:?} {big:?}");
        assert_eq!(big.statements, small.statements + 1, "{small:?} {big:?}");
        assert!(big.bytes <= small.bytes + 32, "{small:?} {big:?}");
    }

    #[test]
    fn a_window_cut_is_one_statement_per_list() {
        let (file, dir) = temp_file("cut");
        let engine = Engine::with_default_data().unwrap();
        let window = 400;
        let mut s = State::new(Context::new(today()));
        let store = Store::open(&file).unwrap();
        no_sync(&store);
        let mut most = 0;
        for i in 0..1000u32 {
            let (k, c) = exchange(&mut s, &engine, i, window);
            store.save("t", &mut s, Some((&k, &c))).unwrap();
            if i > 0 {
                most = most.max(store.last_save().statements);
            }
        }
        // Each list was cut by 50 rows at a time (1/8 of the window) at least once...
        assert!(s.vouchers_total > 2 * (window + window / 8) as u64);
        // ...yet no save took more than: the tenant, a registration (account, 2 claims, a
        // parent), a payment (2 claims), an invoice, a voucher, a payment, an invoice, 2 IDs,
        // 2 ledger accounts with a posting each, the answer, the answer the window dropped
        // and a range delete per list (6) = 25.
        assert!(most <= 25, "{most} statements in one save");
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A state file as format 1 wrote it.
    fn write_format_1(file: &Path, tenant: &str, s: &State) {
        let conn = Connection::open(file).unwrap();
        conn.execute_batch(
            "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
             CREATE TABLE tenant_state (
                 tenant TEXT PRIMARY KEY, snapshot TEXT NOT NULL, updated TEXT NOT NULL);
             CREATE TABLE answers (
                 tenant TEXT NOT NULL, key TEXT NOT NULL, hash TEXT NOT NULL,
                 status INTEGER NOT NULL, content_type TEXT NOT NULL, body BLOB NOT NULL,
                 journal INTEGER NOT NULL, PRIMARY KEY (tenant, key));
             INSERT INTO meta VALUES ('format', '1');",
        )
        .unwrap();
        conn.execute(
            "INSERT INTO tenant_state VALUES (?1, ?2, 'x')",
            params![tenant, serde_json::to_string(&Snapshot::of(s)).unwrap()],
        )
        .unwrap();
        for k in &s.answer_order {
            let c = &s.answers[k];
            conn.execute(
                "INSERT INTO answers VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    tenant,
                    k,
                    c.hash,
                    c.status,
                    c.content_type,
                    c.body,
                    seq(c.journal)
                ],
            )
            .unwrap();
        }
    }

    #[test]
    fn a_format_1_file_is_migrated_on_open() {
        let (file, dir) = temp_file("format1");
        let engine = Engine::with_default_data().unwrap();
        let mut s = State::new(Context::new(today()));
        // No window: format 1 kept every payment and invoice (and IDs sorted, as here).
        for i in 0..30u32 {
            exchange(&mut s, &engine, i, 0);
        }
        // Format 1 predates the payment requests (SF1590_E): such files have none.
        s.payment_requests.clear();
        s.payment_requests_total = 0;
        write_format_1(&file, "t", &s);
        let store = Store::open(&file).unwrap();
        let mut back = store
            .load(&Context::new(today()))
            .unwrap()
            .remove("t")
            .unwrap();
        // Format 1 kept the IDs sorted, not in the order received.
        let without_order = |s: &State| {
            let mut v = canon(s);
            v["ids"] = serde_json::json!(s.ctx.seen.entries());
            v
        };
        assert_eq!(without_order(&back), without_order(&s));
        assert_eq!(back.ctx.seen.recorded(), 60);
        let format: String = store
            .lock()
            .conn
            .query_row("SELECT value FROM meta WHERE key = 'format'", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(format, FORMAT.to_string());
        let old = count(
            &store,
            "SELECT count(*) FROM sqlite_master WHERE name = 'tenant_state'",
        );
        assert_eq!(old, 0);
        // It goes on in the new format.
        let (k, c) = exchange(&mut back, &engine, 30, 0);
        store.save("t", &mut back, Some((&k, &c))).unwrap();
        drop(store);
        assert_eq!(canon(&load_one(&file, "t")), canon(&back));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_file_of_an_unknown_format_is_refused_naming_the_file() {
        let (file, dir) = temp_file("format9");
        {
            let conn = Connection::open(&file).unwrap();
            conn.execute_batch(
                "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                 INSERT INTO meta VALUES ('format', '9');",
            )
            .unwrap();
        }
        let e = Store::open(&file).unwrap_err().to_string();
        assert!(e.contains(&file.display().to_string()), "{e}");
        assert!(e.contains("format 9") && e.contains("new file"), "{e}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
