//! Steps that build the request: from an operation's example, a rule example or a
//! template, then values overridden by path.

use std::path::{Path, PathBuf};

use super::{Args, Outcome};
use crate::run::message::Message;
use crate::run::world::OirWorld;
use crate::stub::catalog::pack_of;

/// Start a draft of `op` from the envelope in `file`.
fn start(w: &mut OirWorld, op: &str, hint: Option<&str>, file: &Path) -> Outcome {
    let hint = hint.map(str::to_string).or_else(|| w.integration.clone());
    let bytes = std::fs::read(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let message = Message::parse(&bytes).map_err(|e| format!("{}: {e}", file.display()))?;
    w.draft = Some(w.run.draft(op, hint.as_deref(), message)?);
    Ok(())
}

fn pack_dir(w: &OirWorld, op: &str, hint: Option<&str>) -> Result<PathBuf, String> {
    let hint = hint.map(str::to_string).or_else(|| w.integration.clone());
    let (svc, _) = w.run.operation(op, hint.as_deref())?;
    pack_of(&svc.wsdl).ok_or_else(|| {
        format!(
            "operation {op} is served from {} (not a service pack): use a template",
            svc.wsdl.display()
        )
    })
}

pub fn from_example(w: &mut OirWorld, a: &Args) -> Outcome {
    let op = a.cap(0);
    let pack = pack_dir(w, op, a.opt(1))?;
    let mut file = pack.join("examples").join(format!("{op}.request.xml"));
    if !file.is_file() {
        // Example files are named in ASCII (AfslutHaeftelse for AfslutHæftelse).
        let ascii: String = op
            .chars()
            .map(|c| match c {
                'æ' => "ae".to_string(),
                'ø' => "oe".to_string(),
                'å' => "aa".to_string(),
                'Æ' => "Ae".to_string(),
                'Ø' => "Oe".to_string(),
                'Å' => "Aa".to_string(),
                c => c.to_string(),
            })
            .collect();
        file = pack.join("examples").join(format!("{ascii}.request.xml"));
    }
    if !file.is_file() {
        return Err(format!("the pack has no example {}", file.display()).into());
    }
    start(w, op, a.opt(1), &file)?;
    // A new message: a new message ID (a real system would otherwise see a resend).
    let id = w.fresh_uuid();
    let d = w.draft_mut()?;
    if d.message.count("//BeskedUUID").unwrap_or(0) > 0 {
        d.message.set("//Hovedoplysninger/BeskedUUID", &id).ok();
    }
    Ok(())
}

pub async fn from_rule_example(w: &mut OirWorld, a: &Args) -> Outcome {
    let code = a.cap(0);
    let packs: Vec<PathBuf> = w
        .run
        .knowledge
        .catalog
        .services
        .iter()
        .filter_map(|s| pack_of(&s.wsdl))
        .collect();
    let mut candidates: Vec<PathBuf> = packs
        .iter()
        .map(|p| p.join("rule-examples").join(format!("{code}.xml")))
        .filter(|p| p.is_file())
        .collect();
    candidates.sort();
    candidates.dedup();
    if let Some(i) = &w.integration {
        candidates.sort_by_key(|p| !p.to_string_lossy().contains(i.as_str()));
    }
    let file = candidates
        .first()
        .ok_or_else(|| format!("no rule example {code}.xml in any pack's rule-examples folder"))?
        .clone();
    let bytes = std::fs::read(&file).map_err(|e| format!("{}: {e}", file.display()))?;
    let msg = Message::parse(&bytes).map_err(|e| format!("{}: {e}", file.display()))?;
    let payload = msg
        .payload()
        .ok_or_else(|| format!("{}: no payload in the Body", file.display()))?;
    // The operation whose input element the example carries.
    let op = w
        .run
        .knowledge
        .catalog
        .services
        .iter()
        .filter(|s| pack_of(&s.wsdl).is_some_and(|p| file.starts_with(&p)))
        .flat_map(|s| s.operations.iter())
        .find(|o| {
            o.op.input
                .as_ref()
                .is_some_and(|q| *q.local == *payload.local)
        })
        .map(|o| o.op.name.clone())
        .ok_or_else(|| {
            format!(
                "{}: no operation of its pack takes {}",
                file.display(),
                payload.local
            )
        })?;
    let integration = file
        .components()
        .filter_map(|c| c.as_os_str().to_str())
        .find(|c| c.starts_with("SF1590_"))
        .map(str::to_string);
    start(w, &op, integration.as_deref(), &file)?;
    // Its context (known accounts, earlier messages) goes to the stub, for this scenario.
    let ctx_file = file.with_file_name(format!("{code}.context.yaml"));
    if ctx_file.is_file() {
        let text = std::fs::read_to_string(&ctx_file)
            .map_err(|e| format!("{}: {e}", ctx_file.display()))?;
        if w.run.target.admin.is_none() {
            return Err(format!(
                "{} needs earlier state ({}); against a real system set that state up and start from a template instead",
                code,
                ctx_file.display()
            )
            .into());
        }
        let tenant = w.tenant.clone();
        w.run
            .target
            .admin_post("context", &tenant, &text, "application/yaml")
            .await
            .map_err(|e| format!("giving the stub the context {}: {e}", ctx_file.display()))?;
    }
    Ok(())
}

pub fn from_template(w: &mut OirWorld, a: &Args) -> Outcome {
    let file = w.feature_dir.join(a.cap(2));
    if !file.is_file() {
        return Err(format!(
            "template {} does not exist (relative to the feature's folder {})",
            file.display(),
            w.feature_dir.display()
        )
        .into());
    }
    start(w, a.cap(0), a.opt(1), &file)
}

/// Special values of the field steps.
fn resolve_value(w: &mut OirWorld, v: &str) -> String {
    match v {
        "<new-uuid>" => w.fresh_uuid(),
        "<today>" => w.run.knowledge.with_state(|s| s.ctx.today.to_string()),
        _ => v.to_string(),
    }
}

fn set_one(w: &mut OirWorld, path: &str, value: &str) -> Outcome {
    let v = resolve_value(w, value);
    w.draft_mut()?
        .message
        .set(path, &v)
        .map_err(|e| format!("setting '{path}': {e}"))?;
    Ok(())
}

pub fn set_fields(w: &mut OirWorld, a: &Args) -> Outcome {
    if a.table.is_empty() {
        return Err("the step needs a table: | path | value |".into());
    }
    for (i, row) in a.table.iter().enumerate() {
        if row.len() != 2 {
            return Err(format!(
                "table row {}: expected two cells (path | value), got {}",
                i + 1,
                row.len()
            )
            .into());
        }
        // A header row is allowed.
        if i == 0 && (row[0].eq_ignore_ascii_case("path") || row[0].eq_ignore_ascii_case("sti")) {
            continue;
        }
        set_one(w, &row[0], &row[1])?;
    }
    Ok(())
}

pub fn set_field(w: &mut OirWorld, a: &Args) -> Outcome {
    set_one(w, a.cap(0), a.cap(1))
}

pub fn no_security_context(w: &mut OirWorld) -> Outcome {
    let d = w.draft_mut()?;
    let n = d.message.remove_all("InvocationContext") + d.message.remove_all("AuthorityContext");
    if n == 0 {
        return Err(
            "the request carries no InvocationContext or AuthorityContext to remove".into(),
        );
    }
    Ok(())
}

pub fn soap_action(w: &mut OirWorld, action: Option<String>) -> Outcome {
    w.draft_mut()?.soap_action = Some(action);
    Ok(())
}

pub fn content_type(w: &mut OirWorld, a: &Args) -> Outcome {
    w.draft_mut()?.content_type = Some(a.cap(0).to_string());
    Ok(())
}

pub fn raw_body(w: &mut OirWorld, a: &Args) -> Outcome {
    let body = a
        .docstring
        .clone()
        .ok_or("the step needs a doc string (\"\"\" … \"\"\") with the body")?;
    w.draft_mut()?.raw_body = Some(body);
    Ok(())
}

pub fn save(w: &mut OirWorld, a: &Args) -> Outcome {
    let d = w.draft()?.clone();
    w.saved.insert(a.cap(0).to_string(), d);
    Ok(())
}

/// New values for the message ID and every object's own ID (`<X><XUUID>`).
pub fn fresh_ids(w: &mut OirWorld) -> Outcome {
    let mut targets: Vec<String> = Vec::new();
    fn walk(e: &crate::xml::tree::Element, path: &str, out: &mut Vec<String>) {
        let mut seen: std::collections::HashMap<&str, usize> = Default::default();
        for c in e.elements() {
            let k = seen.entry(c.local.as_str()).or_insert(0);
            *k += 1;
            let p = format!("{path}/{}[{}]", c.local, k);
            let own_id = c.local == "BeskedUUID" || c.local == format!("{}UUID", e.local);
            if own_id && c.elements().next().is_none() {
                out.push(p.clone());
            }
            walk(c, &p, out);
        }
    }
    {
        let d = w.draft()?;
        let payload = d.message.payload().ok_or("the request has no payload")?;
        walk(payload, "", &mut targets);
    }
    for t in targets {
        let id = w.fresh_uuid();
        w.draft_mut()?.message.set(&t, &id)?;
    }
    Ok(())
}
