//! `--state FILE`: the stub's state in an embedded SQLite database, so a restart (even
//! after `kill -9`) continues where it stopped. The in-memory [`State`] stays the working
//! copy; after every exchange that changed it, and before the answer leaves, the tenant's
//! state is written in one transaction (WAL, `synchronous=FULL`): an acknowledged write is
//! on disk.
//!
//! Layout: one row per tenant with a JSON snapshot of what the business rules and the
//! admin API need (accounts, claims, invoices, IDs seen, ledger, vouchers, payments), and
//! one row per answer given (for idempotent resends), so the large answer bodies are
//! written once, not with every snapshot. The journal and the callback log are not kept.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Mutex;

use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};

use super::state::{Cached, Invoice, LedgerAccount, LedgerPosting, Payment, State, Voucher};
use crate::oir::context::{Account, Claim, Context};
use crate::oir::date::Date;
use crate::schema::datatypes::Decimal;

/// Bump when the snapshot format changes incompatibly.
const FORMAT: i64 = 1;

pub struct Store {
    conn: Mutex<Connection>,
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

impl Store {
    /// Open (or create) the database.
    pub fn open(path: &Path) -> Result<Store, PersistError> {
        let conn =
            Connection::open(path).map_err(|e| PersistError(format!("{}: {e}", path.display())))?;
        // WAL + FULL: a committed transaction survives a crash of the process or the OS.
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(err)?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(err)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(err)?;
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
             CREATE TABLE IF NOT EXISTS tenant_state (
                 tenant TEXT PRIMARY KEY, snapshot TEXT NOT NULL, updated TEXT NOT NULL);
             CREATE TABLE IF NOT EXISTS answers (
                 tenant TEXT NOT NULL, key TEXT NOT NULL, hash TEXT NOT NULL,
                 status INTEGER NOT NULL, content_type TEXT NOT NULL, body BLOB NOT NULL,
                 journal INTEGER NOT NULL, PRIMARY KEY (tenant, key));",
        )
        .map_err(err)?;
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
                .map_err(err)?;
            }
            Some(FORMAT) => {}
            Some(other) => {
                return Err(PersistError(format!(
                    "{}: written in format {other}, this oir reads format {FORMAT}",
                    path.display()
                )));
            }
        }
        Ok(Store {
            conn: Mutex::new(conn),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Every tenant's state, built on `initial` (whose `today` is kept: "today" is the
    /// configuration's, not the day the file was written).
    pub fn load(&self, initial: &Context) -> Result<HashMap<String, State>, PersistError> {
        let conn = self.lock();
        let mut out = HashMap::new();
        let mut st = conn
            .prepare("SELECT tenant, snapshot FROM tenant_state")
            .map_err(err)?;
        let rows = st
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .map_err(err)?;
        for row in rows {
            let (tenant, json) = row.map_err(err)?;
            let snap: Snapshot = serde_json::from_str(&json)
                .map_err(|e| PersistError(format!("tenant '{tenant}': {e}")))?;
            out.insert(tenant, snap.into_state(initial.today)?);
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
        Ok(out)
    }

    /// Write a tenant's state, and the answer just given when there is one, in one
    /// transaction. Returns when the transaction is durable.
    pub fn save(
        &self,
        tenant: &str,
        state: &State,
        answer: Option<(&str, &Cached)>,
    ) -> Result<(), PersistError> {
        let json = serde_json::to_string(&Snapshot::of(state)).map_err(err)?;
        let mut conn = self.lock();
        let tx = conn.transaction().map_err(err)?;
        tx.execute(
            "INSERT INTO tenant_state (tenant, snapshot, updated) VALUES (?1, ?2, ?3)
             ON CONFLICT(tenant) DO UPDATE SET snapshot = excluded.snapshot, updated = excluded.updated",
            params![tenant, json, super::utc_now()],
        )
        .map_err(err)?;
        if let Some((key, c)) = answer {
            tx.execute(
                "INSERT OR REPLACE INTO answers (tenant, key, hash, status, content_type, body, journal)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    tenant,
                    key,
                    c.hash,
                    c.status,
                    c.content_type,
                    c.body,
                    i64::try_from(c.journal).unwrap_or(i64::MAX)
                ],
            )
            .map_err(err)?;
        }
        tx.commit().map_err(err)
    }

    /// Forget a tenant (reset).
    pub fn forget(&self, tenant: &str) -> Result<(), PersistError> {
        let mut conn = self.lock();
        let tx = conn.transaction().map_err(err)?;
        tx.execute(
            "DELETE FROM tenant_state WHERE tenant = ?1",
            params![tenant],
        )
        .map_err(err)?;
        tx.execute("DELETE FROM answers WHERE tenant = ?1", params![tenant])
            .map_err(err)?;
        tx.commit().map_err(err)
    }
}

/// The persisted part of a [`State`], with amounts and dates as text.
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

impl Snapshot {
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
            let last_timely = match &c.last_timely {
                Some(d) => Some(
                    Date::parse(d).ok_or_else(|| PersistError(format!("'{d}' is not a date")))?,
                ),
                None => None,
            };
            ctx.claims.insert(
                k,
                Claim {
                    owner: c.owner,
                    state: c.state,
                    payable: amount(&c.payable)?,
                    total: amount(&c.total)?,
                    last_timely,
                    account: c.account,
                },
            );
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
        s.payments = self.payments;
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
    use crate::xml::tree::parse;

    #[test]
    fn a_saved_state_loads_back() {
        let dir = std::env::temp_dir().join(format!("oir-persist-unit-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("state.db");
        let _ = std::fs::remove_file(&file);
        let today = Date::new(2025, 6, 30).unwrap();
        let engine = Engine::with_default_data().unwrap();
        let mut s = State::new(Context::new(today));
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
        {
            let store = Store::open(&file).unwrap();
            store.save("t1", &s, Some(("id-1", &cached))).unwrap();
        }
        let store = Store::open(&file).unwrap();
        let all = store.load(&Context::new(today)).unwrap();
        let back = &all["t1"];
        assert_eq!(back.ctx.claim("df").unwrap(), s.ctx.claim("df").unwrap());
        assert_eq!(back.ctx.account("de"), s.ctx.account("de"));
        assert_eq!(back.ctx.seen.entries(), s.ctx.seen.entries());
        assert_eq!(back.answers["id-1"].body, b"<a/>");
        assert_eq!(back.next_seq, 5);
        store.forget("t1").unwrap();
        assert!(store.load(&Context::new(today)).unwrap().is_empty());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
