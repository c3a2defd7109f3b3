//! Answers built from the pack's example answer of the operation: the receipt header says
//! which request it answers, values the example copied from its request are copied from
//! the live request instead, values the receiver makes up vary with the seed, and a
//! rejection turns the receipt into AFVIST with a FejlListe of the rules broken.
//!
//! Operations without an example get their answer from the schema generator
//! ([`generated`], `crate::schema::generate`).

use std::collections::HashMap;

use sha2::{Digest, Sha256};

use super::catalog::OpEntry;
use super::state::Effects;
use super::xmlout::{child, child_mut, element_like, is_leaf, set_text, truncate_chars};
use crate::oir::checks::fmt_amount;
use crate::oir::finding::{Finding, Severity};
use crate::schema::generate::{GenOptions, generate_element};
use crate::schema::wsdl::{Contract, SoapVersion};
use crate::xml::tree::{Element, Node};

/// What an answer needs from the request.
pub struct Request<'a> {
    pub payload: &'a Element,
    /// `Hovedoplysninger/BeskedUUID`.
    pub besked_uuid: Option<String>,
    /// `Hovedoplysninger/Afsendelsestidspunkt`.
    pub sent: Option<String>,
    /// Content hash of the payload (security context left out).
    pub hash: String,
}

/// 64 bits from the seed and some parts, stable across runs and platforms.
pub fn mix(seed: u64, parts: &[&str]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(seed.to_be_bytes());
    for p in parts {
        h.update((p.len() as u64).to_be_bytes());
        h.update(p.as_bytes());
    }
    h.finalize().into()
}

/// A lowercase version-4-shaped UUID derived from the seed and parts.
pub fn seeded_uuid(seed: u64, parts: &[&str]) -> String {
    let mut b = mix(seed, parts);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b[..16].iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// Where an answer comes from when the pack has no example: the schema generator
/// (`crate::schema::generate`), a minimal schema-valid instance of the operation's output
/// element for the seed, in an envelope. It then gets the same treatment as an example
/// ([`accepted`]); a receipt status the generator happened to pick is set to ACCEPTERET.
pub fn generated(
    contract: &Contract,
    entry: &OpEntry,
    soap: SoapVersion,
    seed: u64,
) -> Result<Element, String> {
    let out = entry
        .op
        .output
        .as_ref()
        .ok_or_else(|| format!("operation {} has no output message", entry.op.name))?;
    let model = contract.schemas.model();
    let id = model
        .global_element(out.ns_str(), &out.local)
        .ok_or_else(|| format!("no global element {out}"))?;
    let opts = GenOptions {
        seed,
        ..GenOptions::default()
    };
    let fragment = generate_element(model, id, &opts).map_err(|e| e.to_string())?;
    let text = format!(
        "<soapenv:Envelope xmlns:soapenv=\"{}\"><soapenv:Body>{fragment}</soapenv:Body></soapenv:Envelope>",
        soap.envelope_ns()
    );
    let mut env = crate::xml::tree::parse(text.as_bytes()).map_err(|e| e.to_string())?;
    if let Some(payload) = payload_mut(&mut env) {
        let mut stack: Vec<&mut Element> = vec![payload];
        while let Some(e) = stack.pop() {
            if e.local == "ForretningsValideringsKode"
                && matches!(e.text().trim(), "AFVIST" | "FEJLET")
            {
                set_text(e, "ACCEPTERET");
            }
            for c in e.children.iter_mut() {
                if let Node::Element(ce) = c {
                    stack.push(ce);
                }
            }
        }
    }
    Ok(env)
}

/// Local-name path of an element below the payload, with positions among same-named
/// siblings.
pub type Path = Vec<(String, usize)>;

/// Leaves of an example request: (local name, text) → first path.
pub type EchoIndex = HashMap<(String, String), Path>;

/// Leaves of the example request: (local name, text) → first path.
pub fn leaf_index(payload: &Element) -> EchoIndex {
    let mut out = HashMap::new();
    let mut stack: Vec<(&Element, Path)> = vec![(payload, Vec::new())];
    while let Some((e, path)) = stack.pop() {
        let mut counts: HashMap<&str, usize> = HashMap::new();
        let kids: Vec<&Element> = e.elements().collect();
        let mut next = Vec::new();
        for k in kids {
            let n = counts.entry(k.local.as_str()).or_default();
            let mut p = path.clone();
            p.push((k.local.clone(), *n));
            *n += 1;
            if is_leaf(k) {
                out.entry((k.local.clone(), k.text().trim().to_string()))
                    .or_insert(p);
            } else {
                next.push((k, p));
            }
        }
        next.reverse();
        stack.extend(next);
    }
    out
}

/// The element at a path below `payload` (iterative: the live request is untrusted).
fn at_path<'e>(payload: &'e Element, path: &Path) -> Option<&'e Element> {
    let mut cur = payload;
    for (local, idx) in path {
        cur = cur.elements().filter(|e| &e.local == local).nth(*idx)?;
    }
    Some(cur)
}

/// `2025-03-03T10:15:00+01:00` plus a few seconds, with carries through the calendar.
pub fn add_seconds(dt: &str, secs: u32) -> Option<String> {
    let s = dt.trim();
    let b = s.as_bytes();
    if b.len() < 19 || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let p = s.get(r)?;
        p.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| p.parse().ok())?
    };
    let date = crate::oir::date::Date::parse(&s[..10])?;
    let (h, m, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if h > 23 || m > 59 || sec > 59 {
        return None;
    }
    let rest = &s[19..];
    let mut total = ((h * 60 + m) * 60 + sec) + secs;
    let mut date = date;
    while total >= 86_400 {
        total -= 86_400;
        date = next_day(date);
    }
    Some(format!(
        "{date}T{:02}:{:02}:{:02}{rest}",
        total / 3600,
        total / 60 % 60,
        total % 60
    ))
}

fn next_day(d: crate::oir::date::Date) -> crate::oir::date::Date {
    use crate::oir::date::{Date, days_in_month};
    if d.day < days_in_month(d.year, d.month) {
        Date {
            day: d.day + 1,
            ..d
        }
    } else if d.month < 12 {
        Date {
            month: d.month + 1,
            day: 1,
            ..d
        }
    } else {
        Date {
            year: d.year + 1,
            month: 1,
            day: 1,
        }
    }
}

/// Replace the last run of digits with seeded digits of the same length
/// (`ERP-2025-778800` → `ERP-2025-402917`): same shape, so the same facets hold.
fn vary_digits(s: &str, bytes: &[u8; 32]) -> String {
    let chars: Vec<char> = s.chars().collect();
    let Some(end) = chars.iter().rposition(char::is_ascii_digit) else {
        return s.to_string();
    };
    let mut start = end;
    while start > 0 && chars[start - 1].is_ascii_digit() {
        start -= 1;
    }
    let mut out: String = chars[..start].iter().collect();
    for (i, _) in chars[start..=end].iter().enumerate() {
        out.push(char::from(b'0' + bytes[i % 32] % 10));
    }
    out.extend(&chars[end + 1..]);
    out
}

/// The template envelope with request-specific values: the accepted answer.
pub fn accepted(
    template: &Element,
    entry: &OpEntry,
    req: &Request<'_>,
    seed: u64,
    fx: &Effects,
) -> Element {
    let mut env = template.clone();
    if let Some(payload) = payload_mut(&mut env) {
        fill(payload, &entry.echo, req, seed);
        if !fx.applied.is_empty() {
            apply_payments(payload, fx);
        }
        if let Some(report) = &fx.nks {
            super::nks::fill(payload, report, seed);
        }
    }
    env
}

fn payload_mut(env: &mut Element) -> Option<&mut Element> {
    let body = env.children.iter_mut().find_map(|n| match n {
        Node::Element(e) if e.local == "Body" => Some(e),
        _ => None,
    })?;
    body.children.iter_mut().find_map(|n| match n {
        Node::Element(e) => Some(e),
        Node::Text(_) => None,
    })
}

fn fill(
    payload: &mut Element,
    echo: &HashMap<(String, String), Path>,
    req: &Request<'_>,
    seed: u64,
) {
    let hash = req.hash.as_str();
    // Depth-first over the template (our own example file: small and trusted).
    let mut stack: Vec<(&mut Element, bool)> = vec![(payload, false)];
    while let Some((e, in_header)) = stack.pop() {
        let header = in_header || e.local == "HovedoplysningerSvar";
        if is_leaf(e) {
            let text = e.text().trim().to_string();
            if in_header {
                match e.local.as_str() {
                    "BeskedUUID" => set_text(e, &seeded_uuid(seed, &[hash, "BeskedUUID"])),
                    "RelateretBeskedUUID" => {
                        if let Some(id) = &req.besked_uuid {
                            set_text(e, id);
                        }
                    }
                    "Svartidspunkt" => {
                        let delay = 1 + u32::from(mix(seed, &[hash, "delay"])[0] % 3);
                        if let Some(t) = req.sent.as_deref().and_then(|s| add_seconds(s, delay)) {
                            set_text(e, &t);
                        }
                    }
                    _ => {}
                }
                continue;
            }
            if let Some(path) = echo.get(&(e.local.clone(), text.clone())) {
                if let Some(v) = at_path(req.payload, path).filter(|v| is_leaf(v)) {
                    set_text(e, v.text().trim());
                }
                continue;
            }
            if e.local.to_ascii_lowercase().ends_with("reference") {
                let bytes = mix(seed, &[hash, &e.local]);
                set_text(e, &vary_digits(&text, &bytes));
            }
            continue;
        }
        for c in e.children.iter_mut() {
            if let Node::Element(ce) = c {
                stack.push((ce, header));
            }
        }
    }
}

/// Payments the stub carried out: covered and remaining amounts per delfordring.
fn apply_payments(payload: &mut Element, fx: &Effects) {
    let mut stack: Vec<&mut Element> = vec![payload];
    while let Some(e) = stack.pop() {
        if e.local == "Daekning" {
            let id = child(e, "DelfordringUUID").map(|d| d.text().trim().to_ascii_lowercase());
            if let Some((applied, rest)) = id.and_then(|i| fx.applied.get(&i)) {
                if let Some(d) = child_mut(e, "DaekketBeloeb") {
                    set_text(d, &fmt_amount(applied));
                }
                if let (Some(r), Some(rest)) = (child_mut(e, "RestBeloeb"), rest) {
                    set_text(r, &fmt_amount(rest));
                }
            }
            continue;
        }
        if e.local == "IkkeAnvendtBeloeb"
            && let Some(u) = &fx.unapplied
        {
            set_text(e, &fmt_amount(u));
            continue;
        }
        for c in e.children.iter_mut() {
            if let Node::Element(ce) = c {
                stack.push(ce);
            }
        }
    }
}

/// Turn an answer into a rejection: the receipt says AFVIST with a Begrundelse and a
/// FejlListe of the failing findings; with `drop_result` the content after the receipt
/// (what an accepted answer reports: references, results) is left out. `None` when the
/// answer has no Forretningskvittering.
pub fn rejected(answer: &Element, findings: &[Finding], drop_result: bool) -> Option<Element> {
    let mut env = answer.clone();
    let payload = payload_mut(&mut env)?;
    // Child-index path from the payload to the first Forretningskvittering.
    let path = find_path(payload, "Forretningskvittering")?;
    let failing: Vec<&Finding> = findings.iter().filter(|f| f.severity.fails()).collect();
    let mut cur: &mut Element = payload;
    for (depth, &i) in path.iter().enumerate() {
        if drop_result {
            // Drop element siblings after the receipt (and after its ancestors).
            let mut k = 0;
            cur.children.retain(|n| {
                let keep = k <= i || matches!(n, Node::Text(_));
                k += 1;
                keep
            });
        }
        let Some(Node::Element(next)) = cur.children.get_mut(i) else {
            return None;
        };
        cur = next;
        if depth + 1 == path.len() {
            break;
        }
    }
    let kode = child(cur, "ForretningsValideringsKode")?.clone();
    // The indentation the template uses inside the receipt, to keep the answer readable.
    let indent = child_indent(cur).unwrap_or_default();
    cur.children.retain(|n| match n {
        Node::Element(e) => e.local != "Begrundelse" && e.local != "FejlListe",
        Node::Text(t) => !t.trim().is_empty(),
    });
    if let Some(k) = child_mut(cur, "ForretningsValideringsKode") {
        set_text(k, "AFVIST");
    }
    let codes: Vec<&str> = failing.iter().map(|f| f.code.as_str()).collect();
    let why = truncate_chars(
        &format!(
            "Beskeden er afvist efter forretningsreglerne: {} fejl ({}).",
            failing.len(),
            codes.join(", ")
        ),
        2000,
    );
    cur.children.push(Node::Element(element_like(
        &kode,
        "Begrundelse",
        Some(&why),
    )));
    let mut liste = element_like(&kode, "FejlListe", None);
    // A bounded list: the first hundred errors say enough.
    for f in failing.iter().take(100) {
        let mut fejl = element_like(&kode, "Fejl", None);
        let text = match &f.rule {
            Some(r) => format!("{} [regel {r}]", f.message_da),
            None => f.message_da.clone(),
        };
        let sev = match f.severity {
            Severity::Fejl => "FEJL",
            Severity::Advarsel => "ADVARSEL",
            Severity::Info => "INFORMATION",
        };
        for (name, value) in [
            ("FejlKode", truncate_chars(&f.code, 20)),
            ("FejlTekst", truncate_chars(&text, 2048)),
            ("Alvorlighed", sev.to_string()),
            ("ElementSti", truncate_chars(&f.path, 1024)),
            ("Konsekvens", truncate_chars(&f.consequence.da, 2048)),
            ("Afhjaelpning", truncate_chars(&f.remedy.da, 2048)),
        ] {
            if !value.is_empty() {
                fejl.children
                    .push(Node::Element(element_like(&kode, name, Some(&value))));
            }
        }
        liste.children.push(Node::Element(fejl));
    }
    cur.children.push(Node::Element(liste));
    if !indent.is_empty() {
        reindent(cur, &indent);
    }
    Some(env)
}

/// The indentation of `e`'s children in the template (its first whitespace-only line break).
pub(super) fn child_indent(e: &Element) -> Option<String> {
    e.children.iter().find_map(|n| match n {
        Node::Text(t) if t.trim().is_empty() && t.contains('\n') => Some(t.clone()),
        _ => None,
    })
}

/// Put every element child of `e` (and of its new descendants) on its own line.
pub(super) fn reindent(e: &mut Element, indent: &str) {
    let closing = indent
        .strip_suffix("  ")
        .unwrap_or(indent.trim_end_matches(' '))
        .to_string();
    let old = std::mem::take(&mut e.children);
    let has_elements = old.iter().any(|n| matches!(n, Node::Element(_)));
    for n in old {
        match n {
            Node::Element(mut c) => {
                if !is_leaf(&c)
                    && c.children
                        .iter()
                        .all(|k| !matches!(k, Node::Text(t) if !t.trim().is_empty()))
                {
                    reindent(&mut c, &format!("{indent}  "));
                }
                e.children.push(Node::Text(indent.to_string()));
                e.children.push(Node::Element(c));
            }
            Node::Text(t) if !t.trim().is_empty() || !has_elements => {
                e.children.push(Node::Text(t))
            }
            Node::Text(_) => {}
        }
    }
    if has_elements {
        e.children.push(Node::Text(closing));
    }
}

/// Child indices (into `children`, text nodes counted) from `root` to the first
/// descendant with this local name, breadth-first so the shallowest wins.
fn find_path(root: &Element, local: &str) -> Option<Vec<usize>> {
    let mut queue: std::collections::VecDeque<(&Element, Vec<usize>)> =
        std::collections::VecDeque::from([(root, Vec::new())]);
    while let Some((e, p)) = queue.pop_front() {
        for (i, c) in e.children.iter().enumerate() {
            if let Node::Element(ce) = c {
                let mut q = p.clone();
                q.push(i);
                if ce.local == local {
                    return Some(q);
                }
                queue.push_back((ce, q));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_values_are_stable_and_vary_with_the_seed() {
        let a = seeded_uuid(1, &["x"]);
        assert_eq!(a, seeded_uuid(1, &["x"]));
        assert_ne!(a, seeded_uuid(2, &["x"]));
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
        assert!(a.chars().all(|c| c == '-' || c.is_ascii_hexdigit()));
        assert!(!a.chars().any(|c| c.is_ascii_uppercase()));
        let v = vary_digits("ERP-2025-778800", &mix(1, &[]));
        assert!(v.starts_with("ERP-2025-") && v.len() == 15, "{v}");
        assert_eq!(vary_digits("none", &mix(1, &[])), "none");
    }

    #[test]
    fn seconds_carry_through_the_calendar() {
        assert_eq!(
            add_seconds("2025-03-03T10:15:00+01:00", 2).as_deref(),
            Some("2025-03-03T10:15:02+01:00")
        );
        assert_eq!(
            add_seconds("2024-12-31T23:59:59.5Z", 2).as_deref(),
            Some("2025-01-01T00:00:01.5Z")
        );
        assert_eq!(
            add_seconds("2024-02-28T23:59:59", 1).as_deref(),
            Some("2024-02-29T00:00:00")
        );
        assert_eq!(add_seconds("2025-03-03", 1), None);
        assert_eq!(add_seconds("2025-03-03T25:00:00", 1), None);
    }
}
