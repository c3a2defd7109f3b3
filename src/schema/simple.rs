//! Simple-type validation: whitespace, lexical space, and facets of every derivation step.
//! Shared by the compiler (facet and default values) and the instance validator.

use std::borrow::Cow;

use super::datatypes::{self, Builtin, Value, WhiteSpace};
use super::model::{Facets, Model, TypeDef, TypeId, Variety};

/// Why a value is not valid for a simple type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimpleError {
    /// XSD constraint name, e.g. `cvc-pattern-valid`.
    pub constraint: &'static str,
    pub message: String,
    pub expected: Option<String>,
}

fn fail(
    constraint: &'static str,
    message: impl Into<String>,
    expected: Option<String>,
) -> SimpleError {
    SimpleError {
        constraint,
        message: message.into(),
        expected,
    }
}

/// A resolver for prefixes in QName values (`""` = default namespace).
pub type PrefixResolver<'a> = &'a dyn Fn(&str) -> Option<String>;

/// Validate `lexical` (as it appears in the document) against simple type `t`.
pub fn validate(
    model: &Model,
    t: TypeId,
    lexical: &str,
    resolve: PrefixResolver<'_>,
) -> Result<Value, SimpleError> {
    let TypeDef::Simple(st) = model.ty(t) else {
        return Err(fail(
            "cvc-type",
            format!("'{}' is not a simple type", model.type_name(t)),
            None,
        ));
    };
    let normalized = datatypes::normalize_whitespace(lexical, st.white_space);
    let value = match (&st.variety, st.builtin) {
        (_, Some(Builtin::AnySimpleType)) => Value::String(normalized.to_string()),
        (Variety::Atomic(_), Some(b)) => {
            datatypes::parse(b, &normalized, resolve).map_err(|m| {
                fail(
                    "cvc-datatype-valid",
                    m,
                    Some(format!("a valid xs:{}", b.local_name())),
                )
            })?
        }
        (Variety::List(item), Some(_)) => parse_list(model, *item, &normalized, resolve)?,
        (_, None) => match st.base {
            // Derived by restriction: the value must first be valid for the base.
            Some(base)
                if matches!(model.ty(base), TypeDef::Simple(_))
                    && !is_list_or_union_root(model, t) =>
            {
                validate(model, base, &normalized, resolve)?
            }
            _ => match &st.variety {
                Variety::List(item) => parse_list(model, *item, &normalized, resolve)?,
                Variety::Union(members) => parse_union(model, members, &normalized, resolve)?,
                Variety::Atomic(b) => datatypes::parse(*b, &normalized, resolve)
                    .map_err(|m| fail("cvc-datatype-valid", m, None))?,
            },
        },
        (Variety::Union(members), Some(_)) => parse_union(model, members, &normalized, resolve)?,
    };
    check_facets(model, t, &st.facets, &value, &normalized)?;
    Ok(value)
}

/// A list or union type defined directly (not restricting another list/union): its
/// value comes from its items/members, not from its base (anySimpleType).
fn is_list_or_union_root(model: &Model, t: TypeId) -> bool {
    let TypeDef::Simple(st) = model.ty(t) else {
        return false;
    };
    match (&st.variety, st.base) {
        (Variety::Atomic(_), _) => false,
        (_, Some(b)) => model.ty(b).name().is_some_and(|n| {
            n.ns.as_deref() == Some(crate::xml::XSD_NS) && &*n.local == "anySimpleType"
        }),
        (_, None) => true,
    }
}

fn parse_list(
    model: &Model,
    item: TypeId,
    normalized: &str,
    resolve: PrefixResolver<'_>,
) -> Result<Value, SimpleError> {
    let mut items = Vec::new();
    for part in normalized.split(' ').filter(|p| !p.is_empty()) {
        let v = validate(model, item, part, resolve).map_err(|e| SimpleError {
            message: format!("list item '{part}': {}", e.message),
            ..e
        })?;
        items.push(v);
    }
    Ok(Value::List(items))
}

fn parse_union(
    model: &Model,
    members: &[TypeId],
    normalized: &str,
    resolve: PrefixResolver<'_>,
) -> Result<Value, SimpleError> {
    for m in members {
        if let Ok(v) = validate(model, *m, normalized, resolve) {
            return Ok(v);
        }
    }
    Err(fail(
        "cvc-datatype-valid",
        format!("'{normalized}' is not valid for any member type of the union"),
        Some(
            members
                .iter()
                .map(|m| model.type_name(*m))
                .collect::<Vec<_>>()
                .join(" | "),
        ),
    ))
}

fn primitive_of(model: &Model, t: TypeId) -> Option<Builtin> {
    match model.ty(t) {
        TypeDef::Simple(st) => match &st.variety {
            Variety::Atomic(b) => Some(b.primitive()),
            _ => None,
        },
        TypeDef::Complex(_) => None,
    }
}

fn is_list(model: &Model, t: TypeId) -> bool {
    matches!(model.ty(t), TypeDef::Simple(st) if matches!(st.variety, Variety::List(_)))
}

pub fn check_facets(
    model: &Model,
    t: TypeId,
    f: &Facets,
    value: &Value,
    normalized: &str,
) -> Result<(), SimpleError> {
    if f.is_empty() {
        return Ok(());
    }
    let prim = primitive_of(model, t);
    // Length facets do not apply to QName/NOTATION (XSD 1.0 errata).
    let len = if is_list(model, t) {
        match value {
            Value::List(items) => Some(items.len() as u64),
            _ => None,
        }
    } else {
        match prim {
            Some(Builtin::QName | Builtin::Notation) => None,
            Some(b) => datatypes::length(b, value),
            None => None,
        }
    };
    if let Some(n) = len {
        check_lengths(f, n, normalized)?;
    }
    check_patterns(f, normalized)?;
    if let Some(en) = &f.enumeration
        && !en.iter().any(|(v, _)| datatypes::equal(v, value))
    {
        let list = en
            .iter()
            .map(|(_, l)| format!("'{l}'"))
            .collect::<Vec<_>>()
            .join(", ");
        return Err(fail(
            "cvc-enumeration-valid",
            format!("'{normalized}' is not one of the allowed values"),
            Some(format!("one of {list}")),
        ));
    }
    use std::cmp::Ordering::*;
    let bound =
        |b: &Option<(Value, String)>, ok: &[std::cmp::Ordering], c: &'static str, what: &str| {
            if let Some((bv, bl)) = b {
                match datatypes::compare(value, bv) {
                    Some(o) if ok.contains(&o) => Ok(()),
                    _ => Err(fail(
                        c,
                        format!("'{normalized}' is not {what} {bl}"),
                        Some(format!("a value {what} {bl}")),
                    )),
                }
            } else {
                Ok(())
            }
        };
    bound(
        &f.min_inclusive,
        &[Greater, Equal],
        "cvc-minInclusive-valid",
        ">=",
    )?;
    bound(
        &f.max_inclusive,
        &[Less, Equal],
        "cvc-maxInclusive-valid",
        "<=",
    )?;
    bound(&f.min_exclusive, &[Greater], "cvc-minExclusive-valid", ">")?;
    bound(&f.max_exclusive, &[Less], "cvc-maxExclusive-valid", "<")?;
    if let Some(td) = f.total_digits
        && let Some(n) = datatypes::total_digits(value)
        && n > td
    {
        return Err(fail(
            "cvc-totalDigits-valid",
            format!("'{normalized}' has {n} digits, more than the {td} allowed"),
            Some(format!("at most {td} digits")),
        ));
    }
    if let Some(fd) = f.fraction_digits
        && let Some(n) = datatypes::fraction_digits(value)
        && n > fd
    {
        return Err(fail(
            "cvc-fractionDigits-valid",
            format!("'{normalized}' has {n} fraction digits, more than the {fd} allowed"),
            Some(format!("at most {fd} fraction digits")),
        ));
    }
    Ok(())
}

/// Normalise as the type's whiteSpace facet says (for defaults and messages).
pub fn normalize<'s>(model: &Model, t: TypeId, s: &'s str) -> Cow<'s, str> {
    match model.ty(t) {
        TypeDef::Simple(st) => datatypes::normalize_whitespace(s, st.white_space),
        TypeDef::Complex(_) => datatypes::normalize_whitespace(s, WhiteSpace::Preserve),
    }
}

/// Does validating against `t` need the typed value (value-based facets, lists, unions)?
/// When it does not, [`check`] can skip building the value. For the string family,
/// lengths and enumerations are judged on the normalised text itself.
pub(crate) fn needs_value(model: &Model, t: TypeId) -> bool {
    let mut cur = t;
    for _ in 0..256 {
        let TypeDef::Simple(st) = model.ty(cur) else {
            return true;
        };
        let Variety::Atomic(b) = st.variety else {
            return true;
        };
        let stringy = b.primitive() == Builtin::String;
        let f = &st.facets;
        if f.min_inclusive.is_some()
            || f.max_inclusive.is_some()
            || f.min_exclusive.is_some()
            || f.max_exclusive.is_some()
            || f.total_digits.is_some()
            || f.fraction_digits.is_some()
            || (!stringy
                && (f.enumeration.is_some()
                    || f.length.is_some()
                    || f.min_length.is_some()
                    || f.max_length.is_some()))
        {
            return true;
        }
        if st.builtin.is_some() {
            return false;
        }
        match st.base {
            Some(b) => cur = b,
            None => return false,
        }
    }
    true
}

/// Like [`validate`] when only the verdict matters: types whose facets can be judged on the
/// text are checked without building the value (no allocation for strings).
pub fn check(
    model: &Model,
    t: TypeId,
    lexical: &str,
    resolve: PrefixResolver<'_>,
) -> Result<(), SimpleError> {
    if model.flags(t).needs_value {
        return validate(model, t, lexical, resolve).map(|_| ());
    }
    check_lexical(model, t, lexical, resolve)
}

fn check_lexical(
    model: &Model,
    t: TypeId,
    lexical: &str,
    resolve: PrefixResolver<'_>,
) -> Result<(), SimpleError> {
    let TypeDef::Simple(st) = model.ty(t) else {
        return validate(model, t, lexical, resolve).map(|_| ());
    };
    let normalized = datatypes::normalize_whitespace(lexical, st.white_space);
    match (st.builtin, st.base) {
        (Some(Builtin::AnySimpleType), _) => {}
        (Some(b), _) => datatypes::validate(b, &normalized, resolve).map_err(|m| {
            fail(
                "cvc-datatype-valid",
                m,
                Some(format!("a valid xs:{}", b.local_name())),
            )
        })?,
        (None, Some(base)) => check_lexical(model, base, &normalized, resolve)?,
        (None, None) => {}
    }
    let f = &st.facets;
    if f.is_empty() {
        return Ok(());
    }
    // What is left (see `needs_value`): patterns, and for strings lengths and enumerations,
    // whose value is the normalised text.
    check_lengths(f, normalized.chars().count() as u64, &normalized)?;
    if f.enumeration.as_ref().is_some_and(|en| {
        !en.iter()
            .any(|(v, _)| matches!(v, Value::String(s) if s.as_str() == normalized.as_ref()))
    }) {
        // Let the full check produce the message with the allowed values.
        return validate(model, t, lexical, resolve).map(|_| ());
    }
    check_patterns(f, &normalized)?;
    Ok(())
}

/// Length facets against a length already measured (characters, octets or items).
fn check_lengths(f: &Facets, n: u64, normalized: &str) -> Result<(), SimpleError> {
    if let Some(l) = f.length
        && n != l
    {
        return Err(fail(
            "cvc-length-valid",
            format!("length {n} of '{normalized}' is not {l}"),
            Some(format!("length {l}")),
        ));
    }
    if let Some(l) = f.min_length
        && n < l
    {
        return Err(fail(
            "cvc-minLength-valid",
            format!("'{normalized}' has length {n}, less than the minimum {l}"),
            Some(format!("length >= {l}")),
        ));
    }
    if let Some(l) = f.max_length
        && n > l
    {
        return Err(fail(
            "cvc-maxLength-valid",
            format!("'{normalized}' has length {n}, more than the maximum {l}"),
            Some(format!("length <= {l}")),
        ));
    }
    Ok(())
}

/// The patterns of one restriction step: one of them must match.
fn check_patterns(f: &Facets, normalized: &str) -> Result<(), SimpleError> {
    if !f.patterns.is_empty() && !f.patterns.iter().any(|p| p.is_match(normalized)) {
        let pats = f
            .patterns
            .iter()
            .map(|p| p.source().to_string())
            .collect::<Vec<_>>()
            .join(" | ");
        return Err(fail(
            "cvc-pattern-valid",
            format!("'{normalized}' does not match the pattern {pats}"),
            Some(format!("a value matching {pats}")),
        ));
    }
    Ok(())
}
