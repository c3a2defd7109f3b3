//! Idempotency: a message or voucher ID seen before with the same content is a resend
//! (info), with other content a duplicate (error). IDs are remembered only when the
//! message is accepted (no failing finding), because a rejected message was never
//! processed and may be corrected under the same ID.

use std::collections::HashMap;

use super::vocab;
use super::{Run, uuid_in};
use crate::oir::context::{IdStore, Seen, content_hash, content_hashes};
use crate::oir::finding::Tekst;
use crate::oir::message::{Message, NodeId};
use crate::oir::rules::{IDM_001, IDM_002};
use crate::xml::tree::Element;

/// Security contexts travel inside the payload but are not business content.
pub const CONTEXTS: &[&str] = &["InvocationContext", "AuthorityContext", "CallContext"];

/// An idempotency key found in a message.
pub struct Key {
    pub node: NodeId,
    pub id: String,
    /// Content hash of what the key identifies.
    pub hash: String,
    /// The payload it belongs to.
    pub payload: NodeId,
    /// Message-level (identifies the whole payload) or object-level (its parent element).
    pub message_level: bool,
}

/// Every idempotency key of the message: message IDs in the header (`Hovedoplysninger`)
/// hash the whole payload without its security context; object IDs hash their parent.
pub fn ids(msg: &Message<'_>) -> Vec<Key> {
    ids_with(msg, None)
}

/// [`ids`], given the content hash of a payload when the caller already has it (the stub
/// hashes the payload for its answer cache before the rules run).
pub fn ids_with(msg: &Message<'_>, known: Option<(&Element, &str)>) -> Vec<Key> {
    let mut out = Vec::new();
    for &p in &msg.payloads {
        let message_ids: Vec<(NodeId, String)> = msg
            .descendants(p, vocab::MESSAGE_IDS)
            .into_iter()
            .filter(|&n| {
                let parent = msg.parent(n).unwrap_or(p);
                parent == p || msg.local(parent).eq_ignore_ascii_case("Hovedoplysninger")
            })
            .filter_map(|n| Some((n, id_text(msg, n)?)))
            .collect();
        let object_ids: Vec<(NodeId, NodeId, String)> = msg
            .descendants(p, vocab::OBJECT_IDS)
            .into_iter()
            .filter_map(|n| Some((n, msg.parent(n).unwrap_or(p), id_text(msg, n)?)))
            .collect();
        if message_ids.is_empty() && object_ids.is_empty() {
            continue;
        }
        // One walk of the payload hashes it and every identified object inside it.
        let scopes: Vec<&Element> = object_ids.iter().map(|&(_, s, _)| msg.el(s)).collect();
        let (walked, parts) = content_hashes(msg.el(p), CONTEXTS, &scopes);
        let payload_hash = match known {
            Some((el, h)) if std::ptr::eq(el, msg.el(p)) => h.to_string(),
            _ => walked,
        };
        for (node, id) in message_ids {
            out.push(Key {
                node,
                id,
                hash: payload_hash.clone(),
                payload: p,
                message_level: true,
            });
        }
        for ((node, scope, id), part) in object_ids.into_iter().zip(parts) {
            out.push(Key {
                node,
                id,
                hash: part.unwrap_or_else(|| content_hash(msg.el(scope))),
                payload: p,
                message_level: false,
            });
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
    // Answers carry the request's IDs back; only requests are deliveries.
    if !run.is_request() || !(run.applies(IDM_001) || run.applies(IDM_002)) {
        return;
    }
    // IDs met earlier in this same message count too.
    let mut local: HashMap<String, String> = HashMap::new();
    // A resent or duplicated message is one finding, not one per voucher inside it.
    let mut judged_payloads: Vec<NodeId> = Vec::new();
    let keys = ids_with(run.msg, run.known_payload_hash);
    run.id_keys = Some(
        keys.iter()
            .map(|k| (k.id.clone(), k.hash.clone()))
            .collect(),
    );
    for k in keys {
        if !k.message_level && judged_payloads.contains(&k.payload) {
            continue;
        }
        let key = k.id.to_ascii_lowercase();
        let seen = match run.ctx.seen.check(&k.id, &k.hash) {
            Seen::New => match local.get(&key) {
                None => Seen::New,
                Some(h) if *h == k.hash => Seen::Resend,
                Some(h) => Seen::Conflict(h.clone()),
            },
            s => s,
        };
        local.entry(key).or_insert_with(|| k.hash.clone());
        if seen != Seen::New && k.message_level {
            judged_payloads.push(k.payload);
        }
        let what = run.msg.local(k.node).to_string();
        let id = &k.id;
        match seen {
            Seen::New => {}
            Seen::Resend => run.emit(
                IDM_002,
                k.node,
                Tekst::new(
                    format!("{what} {id} er modtaget før med samme indhold: genfremsendelse, ikke dublet."),
                    format!("{what} {id} was received before with the same content: a resend, not a duplicate."),
                ),
                Some(k.hash),
                None,
            ),
            Seen::Conflict(prev) => run.emit(
                IDM_001,
                k.node,
                Tekst::new(
                    format!("{what} {id} er modtaget før med andet indhold: beskeden er en dublet."),
                    format!("{what} {id} was received before with other content: the message is a duplicate."),
                ),
                Some(k.hash),
                Some(format!("new ID, or the original content ({prev})")),
            ),
        }
    }
}

/// Remember the message's IDs (call when a request is accepted). `known`: the keys
/// [`check`] already found in this message (so they are not hashed twice).
pub fn record(msg: &Message<'_>, known: Option<Vec<(String, String)>>, store: &mut IdStore) {
    let keys = known.unwrap_or_else(|| ids(msg).into_iter().map(|k| (k.id, k.hash)).collect());
    for (id, hash) in keys {
        store.record(&id, &hash);
    }
}
