//! Idempotency: a message or voucher ID seen before with the same content is a resend
//! (info), with other content a duplicate (error). IDs are remembered only when the
//! message is accepted (no failing finding), because a rejected message was never
//! processed and may be corrected under the same ID.

use std::collections::HashMap;

use super::vocab;
use super::{Run, uuid_in};
use crate::oir::context::{IdStore, Seen, content_hash, content_hash_skipping};
use crate::oir::finding::Tekst;
use crate::oir::message::{Message, NodeId};
use crate::oir::rules::{IDM_001, IDM_002};

/// Every (ID node, ID, content hash) in the message: message-level IDs hash the whole
/// payload, object-level IDs hash their parent element.
/// Security contexts travel inside the payload but are not business content.
const CONTEXTS: &[&str] = &["InvocationContext", "AuthorityContext", "CallContext"];

pub fn ids(msg: &Message<'_>) -> Vec<(NodeId, String, String)> {
    let mut out = Vec::new();
    for &p in &msg.payloads {
        for n in msg.descendants(p, vocab::MESSAGE_IDS) {
            if let Some(id) = id_text(msg, n) {
                out.push((n, id, content_hash_skipping(msg.el(p), CONTEXTS)));
            }
        }
        for n in msg.descendants(p, vocab::OBJECT_IDS) {
            let scope = msg.parent(n).unwrap_or(p);
            if let Some(id) = id_text(msg, n) {
                out.push((n, id, content_hash(msg.el(scope))));
            }
        }
    }
    out
}

fn id_text(msg: &Message<'_>, n: NodeId) -> Option<String> {
    uuid_in(msg, n).or_else(|| {
        let t = msg.text(n);
        (!t.is_empty()).then_some(t)
    })
}

pub fn check(run: &mut Run<'_, '_>) {
    if !(run.applies(IDM_001) || run.applies(IDM_002)) {
        return;
    }
    // IDs met earlier in this same message count too.
    let mut local: HashMap<String, String> = HashMap::new();
    for (n, id, hash) in ids(run.msg) {
        let seen = match run.ctx.seen.check(&id, &hash) {
            Seen::New => match local.get(&id.to_ascii_lowercase()) {
                None => Seen::New,
                Some(h) if *h == hash => Seen::Resend,
                Some(h) => Seen::Conflict(h.clone()),
            },
            s => s,
        };
        local
            .entry(id.to_ascii_lowercase())
            .or_insert_with(|| hash.clone());
        let what = run.msg.local(n).to_string();
        match seen {
            Seen::New => {}
            Seen::Resend => run.emit(
                IDM_002,
                n,
                Tekst::new(
                    format!("{what} {id} er modtaget før med samme indhold: genfremsendelse, ikke dublet."),
                    format!("{what} {id} was received before with the same content: a resend, not a duplicate."),
                ),
                Some(hash),
                None,
            ),
            Seen::Conflict(prev) => run.emit(
                IDM_001,
                n,
                Tekst::new(
                    format!("{what} {id} er modtaget før med andet indhold: beskeden er en dublet."),
                    format!("{what} {id} was received before with other content: the message is a duplicate."),
                ),
                Some(hash),
                Some(format!("new ID, or the original content ({prev})")),
            ),
        }
    }
}

/// Remember the message's IDs (call when the message is accepted).
pub fn record(msg: &Message<'_>, store: &mut IdStore) {
    for (_, id, hash) in ids(msg) {
        store.record(&id, &hash);
    }
}
