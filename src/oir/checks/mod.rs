//! The checks behind the catalogue's rules, grouped by subject. Each check reads the
//! [`Message`] and the [`Run`]'s reference data and context and emits findings through
//! [`Run::emit`], which fills in everything the catalogue says about the rule.

pub mod debitor;
pub mod faktura;
pub mod finans;
pub mod generic;
pub mod idempotens;
pub mod sortiment;
pub mod vocab;

use super::context::Context;
use super::date::Date;
use super::finding::{Finding, Source, Tekst};
use super::message::{Message, NodeId};
use super::rules::{self, Rule};
use super::sortiment::{Omsaetningstabel, Sortiment, is_uuid, norm_uuid};
use crate::schema::datatypes::Decimal;
use crate::schema::wsdl::Direction;

/// One rule run over one message.
pub struct Run<'r, 'm> {
    pub msg: &'r Message<'m>,
    pub sortiment: Option<&'r Sortiment>,
    pub table: Option<&'r Omsaetningstabel>,
    pub ctx: &'r Context,
    /// The integration the message belongs to (`SF1590_A` …), when known.
    pub integration: Option<&'r str>,
    /// The WSDL operation and direction, when known.
    pub operation: Option<&'r str>,
    pub direction: Option<Direction>,
    pub findings: Vec<Finding>,
    /// [`Run::message_date`], computed once.
    pub sent: std::cell::OnceCell<Date>,
    /// The message's idempotency keys (ID, content hash), once the idempotency check
    /// found them: remembered when the message is accepted.
    pub id_keys: Option<Vec<(String, String)>>,
    /// A payload's content hash the caller already computed (see [`idempotens::ids_with`]).
    pub known_payload_hash: Option<(&'r crate::xml::tree::Element, &'r str)>,
    /// [`Run::classified`], computed once (the sortiment and mapping checks both walk it).
    pub classified: std::cell::OnceCell<std::rc::Rc<[Classified]>>,
}

/// A payload node holding a sortiment value: its dimension and the value's UUID.
pub struct Classified {
    pub node: NodeId,
    pub dimension: String,
    pub uuid: String,
}

impl Run<'_, '_> {
    /// Does the rule apply to this message's integration and operation? (What is unknown
    /// does not exclude: the message's structure decides.)
    pub fn applies(&self, rule_id: &str) -> bool {
        let Some(r) = rules::rule(rule_id) else {
            return false;
        };
        let integration_ok = self.integration.is_none_or(|i| r.integrations.contains(&i));
        let operation_ok =
            r.operations.is_empty() || self.operation.is_none_or(|o| r.operations.contains(&o));
        integration_ok && operation_ok
    }

    /// A request from the fagsystem (not an answer or a fault).
    pub fn is_request(&self) -> bool {
        !matches!(self.direction, Some(Direction::Response | Direction::Fault))
    }

    /// Report a finding of `rule_id` at `node`.
    pub fn emit(
        &mut self,
        rule_id: &str,
        node: NodeId,
        text: Tekst,
        value: Option<String>,
        expected: Option<String>,
    ) {
        let Some(rule) = rules::rule(rule_id) else {
            return;
        };
        let pos = self.msg.pos(node);
        self.findings.push(rule_finding(
            rule,
            pos.line,
            pos.column,
            self.msg.path(node),
            text,
            value,
            expected,
        ));
    }

    /// The date a value at `node` is used on: the nearest use date up the tree, else the
    /// date the message was sent, else today.
    pub fn use_date(&self, node: NodeId) -> Date {
        self.msg
            .inherited(node, vocab::USE_DATES)
            .and_then(|d| Date::parse(&self.msg.text(d)))
            .unwrap_or_else(|| self.message_date())
    }

    /// When the message was sent (`Hovedoplysninger/Afsendelsestidspunkt`), else today.
    pub fn message_date(&self) -> Date {
        *self.sent.get_or_init(|| {
            self.msg
                .find_all(vocab::SENT)
                .into_iter()
                .find_map(|d| Date::parse(&self.msg.text(d)))
                .unwrap_or(self.ctx.today)
        })
    }

    /// The sortiment dimension a node holds a value of: named by its element, or — for a
    /// supplementary value — by the delsortiment UUID next to it.
    pub fn dimension_at(&self, node: NodeId) -> Option<String> {
        let local = self.msg.local(node);
        if let Some(d) = vocab::dimension_of(local) {
            return Some(d.to_string());
        }
        if !crate::oir::message::name_in(local, vocab::SUPPLEMENT_VALUE) {
            return None;
        }
        let parent = self.msg.parent(node)?;
        let ds = self.msg.child(parent, vocab::SUPPLEMENT_DELSORTIMENT)?;
        let uuid = self.msg.text(ds);
        match self.sortiment.and_then(|s| s.delsortiment(&uuid)) {
            Some(d) => Some(d.to_string()),
            // An unknown delsortiment: the value cannot be in it.
            None => Some(format!("delsortiment {uuid}")),
        }
    }

    /// Every payload node that holds a sortiment value (a dimension and a UUID), in document
    /// order.
    pub fn classified(&self) -> std::rc::Rc<[Classified]> {
        self.classified
            .get_or_init(|| {
                self.msg
                    .payload_nodes()
                    .iter()
                    .filter_map(|&node| {
                        let dimension = self.dimension_at(node)?;
                        let uuid = uuid_in(self.msg, node)?;
                        Some(Classified {
                            node,
                            dimension,
                            uuid,
                        })
                    })
                    .collect()
            })
            .clone()
    }

    /// The sending it-system: named in the payload, else the InvocationContext, else the
    /// context file.
    pub fn sender(&self) -> Option<String> {
        for names in [vocab::SENDER, vocab::INVOCATION_SENDER] {
            for n in self.msg.find_all(names) {
                if let Some(u) = uuid_in(self.msg, n) {
                    return Some(u);
                }
            }
        }
        self.ctx.sender.clone()
    }
}

/// Build a rule finding from the catalogue entry plus the specific text.
pub fn rule_finding(
    rule: &Rule,
    line: u32,
    column: u32,
    path: String,
    text: Tekst,
    value: Option<String>,
    expected: Option<String>,
) -> Finding {
    Finding {
        source: Source::Rule,
        rule: Some(rule.id.to_string()),
        code: rule.code.to_string(),
        severity: rule.severity,
        line,
        column,
        path,
        message: text.en,
        message_da: text.da,
        consequence: Tekst::new(rule.consequence.da, rule.consequence.en),
        remedy: Tekst::new(rule.remedy.da, rule.remedy.en),
        audience: rule.audience,
        value,
        expected,
    }
}

/// The UUID an element carries: its own text, else the first descendant whose text is one.
pub fn uuid_in(msg: &Message<'_>, node: NodeId) -> Option<String> {
    let own = msg.text(node);
    if is_uuid(&own) {
        return Some(norm_uuid(&own));
    }
    let mut stack: Vec<NodeId> = msg.children(node).to_vec();
    while let Some(n) = stack.pop() {
        if msg.children(n).is_empty() {
            let t = msg.text(n);
            if is_uuid(&t) {
                return Some(norm_uuid(&t));
            }
        }
        stack.extend(msg.children(n).iter().copied());
    }
    None
}

/// An element's text as an amount.
pub fn amount(msg: &Message<'_>, node: NodeId) -> Option<Decimal> {
    Decimal::parse(&msg.text(node))
}

/// `1250.5` → `1250.50`: amounts are shown with two decimals, as in the messages.
pub fn fmt_amount(d: &Decimal) -> String {
    let s = d.to_string();
    match s.split_once('.') {
        None => format!("{s}.00"),
        Some((_, f)) if f.len() == 1 => format!("{s}0"),
        Some(_) => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_print_with_two_decimals() {
        let d = |s: &str| Decimal::parse(s).unwrap();
        assert_eq!(fmt_amount(&d("10")), "10.00");
        assert_eq!(fmt_amount(&d("-0.5")), "-0.50");
        assert_eq!(fmt_amount(&d("1.234")), "1.234");
        assert_eq!(fmt_amount(&d("0")), "0.00");
    }
}
