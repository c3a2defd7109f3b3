//! Read-only views of the model for generators (boundary values, stub answers) and
//! inspectors: built-in bases, facets per restriction step, flattened children.

use super::content_model::Particle;
use super::datatypes::Builtin;
use super::model::*;

/// The facets one restriction step declares.
#[derive(Debug, Clone, Copy)]
pub struct FacetStep<'m> {
    pub type_id: TypeId,
    pub name: Option<&'m QName>,
    pub facets: &'m Facets,
}

/// A child element position of a complex type, with occurrences multiplied through the
/// groups around it.
#[derive(Debug, Clone)]
pub struct ChildInfo {
    /// The declaration (None for a wildcard).
    pub elem: Option<ElemId>,
    pub name: Option<QName>,
    pub min: u32,
    pub max: Option<u32>,
    /// Inside a choice: one of several alternatives.
    pub in_choice: bool,
}

impl Model {
    /// The simple type that governs an element's text: the type itself, or a complex
    /// type's simple content.
    pub fn value_type(&self, t: TypeId) -> Option<TypeId> {
        match self.ty(t) {
            TypeDef::Simple(_) => Some(t),
            TypeDef::Complex(c) => match c.content {
                Content::Simple(s) => Some(s),
                _ => None,
            },
        }
    }

    /// The nearest built-in ancestor of a simple type (or of a complex type's simple content).
    pub fn base_builtin(&self, t: TypeId) -> Option<Builtin> {
        let mut cur = self.value_type(t)?;
        for _ in 0..256 {
            let TypeDef::Simple(st) = self.ty(cur) else {
                return None;
            };
            if let Some(b) = st.builtin {
                return Some(b);
            }
            cur = st.base?;
        }
        None
    }

    /// Restriction steps from the most derived type to the built-in, those with facets only.
    /// Patterns are OR-ed within a step and AND-ed across steps.
    pub fn restriction_steps(&self, t: TypeId) -> Vec<FacetStep<'_>> {
        let mut out = Vec::new();
        let Some(mut cur) = self.value_type(t) else {
            return out;
        };
        for _ in 0..256 {
            let TypeDef::Simple(st) = self.ty(cur) else {
                break;
            };
            if !st.facets.is_empty() || st.facets.white_space.is_some() {
                out.push(FacetStep {
                    type_id: cur,
                    name: st.name.as_ref(),
                    facets: &st.facets,
                });
            }
            match st.base {
                Some(b) if b != cur => cur = b,
                _ => break,
            }
        }
        out
    }

    /// The enumeration that applies (the most derived one), as lexical values.
    pub fn enumeration(&self, t: TypeId) -> Option<Vec<&str>> {
        self.restriction_steps(t)
            .into_iter()
            .find_map(|s| s.facets.enumeration.as_ref())
            .map(|e| e.iter().map(|(_, l)| l.as_str()).collect())
    }

    /// Patterns per step: every inner list must have a match (OR inside, AND outside).
    pub fn patterns(&self, t: TypeId) -> Vec<Vec<&str>> {
        self.restriction_steps(t)
            .into_iter()
            .filter(|s| !s.facets.patterns.is_empty())
            .map(|s| s.facets.patterns.iter().map(|p| p.source()).collect())
            .collect()
    }

    /// The child element positions of a complex type in document order.
    pub fn children(&self, t: TypeId) -> Vec<ChildInfo> {
        let mut out = Vec::new();
        if let TypeDef::Complex(c) = self.ty(t)
            && let Content::Elements {
                particle: Some(p), ..
            } = &c.content
        {
            self.flatten(p, 1, Some(1), false, &mut out);
        }
        out
    }

    fn flatten(
        &self,
        p: &Particle,
        min_f: u32,
        max_f: Option<u32>,
        in_choice: bool,
        out: &mut Vec<ChildInfo>,
    ) {
        let mul = |a: Option<u32>, b: Option<u32>| match (a, b) {
            (Some(x), Some(y)) => Some(x.saturating_mul(y)),
            _ => None,
        };
        match p {
            Particle::Term { term, min, max } => {
                let (elem, name) = match &self.terms[*term as usize] {
                    Term::Element { decl, .. } => {
                        (Some(*decl), Some(self.element(*decl).name.clone()))
                    }
                    Term::Wildcard(_) => (None, None),
                };
                out.push(ChildInfo {
                    elem,
                    name,
                    min: min.saturating_mul(min_f),
                    max: mul(*max, max_f),
                    in_choice,
                });
            }
            Particle::Sequence { items, min, max } | Particle::All { items, min, max } => {
                for i in items {
                    self.flatten(
                        i,
                        min.saturating_mul(min_f),
                        mul(*max, max_f),
                        in_choice,
                        out,
                    );
                }
            }
            Particle::Choice { items, min, max } => {
                let min_here = if items.len() > 1 {
                    0
                } else {
                    min.saturating_mul(min_f)
                };
                for i in items {
                    self.flatten(
                        i,
                        min_here,
                        mul(*max, max_f),
                        items.len() > 1 || in_choice,
                        out,
                    );
                }
            }
        }
    }
}
