#!/usr/bin/env python3
"""Generate the differential-test documents in tests/differential/docs/.

Usage (from anywhere; Python 3.11, standard library only, deterministic):

    python3 tests/differential/generate.py            # corpus at $OIR_SHARED/corpus or ../shared/corpus
    python3 tests/differential/generate.py --shared /path/to/shared

For every schema in SCHEMAS it loads the corpus XSDs in place (nothing is copied into
the repository), builds small valid instances of the chosen root elements and applies
systematic mutations. Each case's *intent* (valid/invalid) is part of its file name and is
checked by the independent oracle in xsdmodel.py before the document is written; a
mutation that does not do what its class claims is not emitted. libxml2's verdict is
recorded separately by record-libxml2.sh (which also lists where libxml2 disagrees with
the intent).

Outputs (all rewritten on each run):
    docs/<schema-short>/<intent>.<class>.<site>[.<detail>].xml
    cases.tsv   doc, schema, root, class, intent, description
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import xml.etree.ElementTree as ET
from collections import Counter, OrderedDict

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from xsdmodel import (  # noqa: E402
    XS, XSI, Checker, ComplexType, ElemDecl, Group, Node, Particle, SchemaError, SchemaSet,
    SimpleType, Wildcard, check_simple, local_decls, pattern_matches, regex_branches,
    regex_example,
)

SF1500 = "itk-dev__serviceplatformen/resources/sf1500/Tekniske specifikationer (v6.0 Services)/v6_0_0_0/xsd"
SDI6 = "kombit__kosdy_infrastructureSamples-java/src/main/resources/wsdl/SagDokumentIndeks/wsdl/xsd"
DEMO = "Serviceplatformen__demoservice-client-java/demoservice-context-client/src/main/resources/contracts"

# short name, schema path relative to the corpus root, root elements (local names in the
# entry file's target namespace), cap on structural sites, cap on optional-inclusion docs.
SCHEMAS = [
    dict(short="kombit-requestheader", path=f"{SF1500}/common/RequestHeader.xsd",
         roots=["RequestHeader"]),
    dict(short="demoservice", path=f"{DEMO}/DemoServiceMsg.xsd",
         roots=["CallDemoServiceRequest", "CallDemoServiceResponse"]),
    dict(short="sp-fault", path="itk-dev__serviceplatformen/resources/sf1600/sp/ServiceplatformFault_1.xsd",
         roots=["ServiceplatformFault"]),
    dict(short="sf1500-organisation", path=f"{SF1500}/6.0.STS-0/OrganisationOperationer.xsd",
         struct_target=70,
         roots=["OpretInput", "RetInput", "SoegInput", "LaesInput", "ListInput", "ImportInput",
                "PassiverInput", "LaesOutput", "ListOutput", "SoegOutput", "OpretOutput"]),
    dict(short="sf1500-klasse", path=f"{SF1500}/6.0.STS-0/KlasseOperationer.xsd",
         struct_target=35,
         roots=["OpretInput", "RetInput", "SoegInput", "ImportInput", "LaesOutput"]),
    dict(short="sf1500-virksomhed", path=f"{SF1500}/6.0.STS-0/VirksomhedOperationer.xsd",
         struct_target=25,
         roots=["OpretInput", "SoegInput"]),
    dict(short="sf1600-print", path="itk-dev__serviceplatformen/resources/sf1600/PrintServiceMsg.xsd",
         struct_target=85,
         roots=["PrintAfsendBrevRequest", "PrintSpoergTilmeldingRequest", "PrintAfsendBrevResponse"]),
    dict(short="sagdokumentindeks", path=f"{SDI6}/6.0.STS-0/SagDokumentIndeksOperationer.xsd",
         struct_target=75,
         roots=["ImporterSagDokumentIndeksInput", "OpdaterSagDokumentIndeksInput",
                "FremsoegSagDokumentIndeksInput", "FjernSagDokumentIndeksInput",
                "FremsoegSagDokumentIndeksOutput"]),
    dict(short="xmldsig", path=f"{SF1500}/cached/xmldsig-core-schema.xsd",
         struct_target=60,
         roots=["Signature", "KeyInfo", "Manifest", "SignatureProperties", "Object"]),
]

WRONG_NS = "urn:oir:differential:wrong-namespace"
EXT_NS = "urn:oir:differential:extension"
MAX_DEPTH = 12
# at most this many sites per (parent complex type, structural mutation class), across all
# schemas (the SF1500 schemas share SagDokObjekt.xsd, for example)
STRUCT_BUDGET = 1
STRUCTURAL = {"optional-included", "missing-required", "max-occurs-exceeded", "max-occurs", "extra-element",
              "wrong-order", "wrong-namespace", "text-in-element-only"}


def find_corpus(arg):
    if arg:
        shared = arg
    elif os.environ.get("OIR_SHARED"):
        shared = os.environ["OIR_SHARED"]
    else:
        shared = os.path.join(HERE, "..", "..", "..", "shared")
    corpus = os.path.join(shared, "corpus")
    if not os.path.isdir(corpus):
        sys.exit(f"corpus not found at {corpus} (set OIR_SHARED or pass --shared)")
    return os.path.normpath(corpus)


# --------------------------------------------------------------------------------------
# Sample values
# --------------------------------------------------------------------------------------

DEFAULTS = {
    "string": "tekst",
    "anySimpleType": "tekst",
    "boolean": "true",
    "decimal": "12.5",
    "integer": "42",
    "float": "1.5",
    "double": "1.5",
    "date": "2024-05-17",
    "dateTime": "2024-05-17T10:15:00",
    "time": "10:15:00",
    "base64Binary": "QUJDRA==",
    "hexBinary": "0A1B",
    "anyURI": "http://example.dk/ressource",
    "NCName": "navn",
    "ID": "id-1",
    "IDREF": "id-1",
    "duration": "P1D",
    "gYear": "2024",
    "QName": "navn",
}


def sample(st: SimpleType, avoid=()) -> str:
    """A valid value for simple type st (checked with the oracle)."""
    cands = []
    if st.variety == "union":
        for m in st.members:
            cands.append(sample(m))
    elif st.variety == "list":
        cands.append(sample(st.item))
    else:
        for level in st.enum_levels()[:1]:
            cands += level
        for level in st.pattern_levels()[:1]:
            for p in level:
                for b in range(len(regex_branches(p))):
                    cands.append(regex_example(p, b))
        b = st.builtin
        while b not in DEFAULTS:
            b = {"token": "string", "normalizedString": "string", "language": "string",
                 "Name": "NCName", "NMTOKEN": "string"}.get(b) or _parent(b)
        base = DEFAULTS[b]
        lo = st.facet("minInclusive") or st.facet("minExclusive")
        if lo is not None and st.primitive() == "decimal":
            cands.append(str(int(lo) + (1 if st.facet("minExclusive") is not None else 0)))
        ln = st.facet("length")
        mn = st.facet("minLength") or 0
        mx = st.facet("maxLength")
        if ln is not None:
            cands.append("a" * ln)
        if mx is not None and mx < len(base):
            cands.append("a" * max(mx, mn))
        if mn > len(base):
            cands.append("a" * mn)
        cands.append(base)
    for c in cands:
        if c not in avoid and not check_simple(st, c):
            return c
    raise SchemaError(f"no valid sample for simple type {st.label()}: tried {cands}")


def _parent(b):
    from xsdmodel import BUILTIN_PARENT
    return BUILTIN_PARENT[b]


# --------------------------------------------------------------------------------------
# Building instances
# --------------------------------------------------------------------------------------


class Built:
    def __init__(self, root):
        self.root = root
        self.target = None
        self.parent = None


class Builder:
    """Builds the smallest valid instance of a root element, optionally forcing one path
    (a list of steps; a step is the chain of particles from a complex type's content model
    down to one element particle) so that a deep optional element is present."""

    def __init__(self, schema: SchemaSet):
        self.s = schema
        self._cost = {}

    # ---- cost of the smallest instance (to pick choice branches) ----

    def cost_particle(self, p: Particle, depth=0) -> int:
        if p.min == 0:
            return 0
        return p.min * self.cost_term(p.term, depth)

    def cost_term(self, t, depth=0) -> int:
        if depth > MAX_DEPTH:
            return 10**6
        key = id(t)
        if key in self._cost:
            return self._cost[key]
        if isinstance(t, ElemDecl):
            c = 1 + self.cost_type(t.type, depth + 1)
        elif isinstance(t, Wildcard) and t.process != "strict" and t.allows(EXT_NS):
            c = 1
        elif isinstance(t, Wildcard):
            c = 1 + min((self.cost_type(d.type, depth + 1) for d in self.wild_candidates(t)), default=10**6)
        elif t.kind == "choice":
            c = min((self.cost_particle(x, depth) for x in t.particles), default=0)
        else:
            c = sum(self.cost_particle(x, depth) for x in t.particles)
        self._cost[key] = c
        return c

    def cost_type(self, t, depth):
        if isinstance(t, ComplexType) and t.particle is not None and t.simple is None and not t.is_anytype:
            return self.cost_particle(t.particle, depth) + len([u for u in t.attrs.values() if u.required])
        return 0

    def wild_candidates(self, w: Wildcard):
        out = [d for q, d in self.s.elements.items() if w.allows(q[0]) and q[0] != XS]
        return out

    # ---- building ----

    def document(self, root_decl: ElemDecl, plan=()) -> Built:
        b = Built(None)
        b.root = self.element(root_decl, list(plan), b, 0)
        if plan and b.target is None:
            raise SchemaError("forced path not realised")
        return b

    def element(self, decl: ElemDecl, plan, built, depth) -> Node:
        if depth > MAX_DEPTH:
            raise SchemaError("instance too deep")
        n = Node(decl.qname[0], decl.qname[1])
        t = decl.type
        if isinstance(t, SimpleType):
            n.text = decl.fixed if decl.fixed is not None else sample(t)
            return n
        for u in t.attrs.values():
            if u.required:
                n.attrs.append((u.qname[0], u.qname[1], u.fixed if u.fixed is not None else sample(u.type)))
        if t.is_anytype:
            return n
        if t.simple is not None:
            n.text = decl.fixed if decl.fixed is not None else sample(t.simple)
            return n
        if t.particle is not None:
            step = plan[0] if plan else ()
            n.children = self.particle(t.particle, step, plan[1:], built, n, depth)
        return n

    def particle(self, p: Particle, step, rest, built, parent, depth):
        forced = bool(step) and step[0] is p
        count = max(p.min, 1 if forced else 0)
        out = []
        for i in range(count):
            sub = step[1:] if (forced and i == 0) else ()
            out += self.term(p.term, sub, rest if (forced and i == 0) else [], built, parent, depth,
                             is_target=forced and i == 0 and len(step) == 1)
        return out

    def term(self, t, step, rest, built, parent, depth, is_target):
        if isinstance(t, ElemDecl):
            node = self.element(t, rest if is_target else [], built, depth + 1)
            if is_target and not rest:
                built.target = node
                built.parent = parent
            return [node]
        if isinstance(t, Wildcard) and t.process != "strict" and t.allows(EXT_NS):
            node = Node(EXT_NS, "Udvidelse", "x")
            if is_target and not rest:
                built.target = node
                built.parent = parent
            return [node]
        if isinstance(t, Wildcard):
            cands = sorted(self.wild_candidates(t), key=lambda d: (self.cost_type(d.type, depth), d.qname))
            if not cands:
                raise SchemaError("wildcard with no candidate element")
            node = self.element(cands[0], [], built, depth + 1)
            if is_target and not rest:
                built.target = node
                built.parent = parent
            return [node]
        if t.kind == "choice":
            if step:
                chosen = step[0]
            else:
                chosen = min(t.particles, key=lambda x: self.cost_particle(x, depth))
                if not t.particles:
                    return []
            return self.particle(chosen, step if step else (), rest, built, parent, depth)
        out = []
        for c in t.particles:
            out += self.particle(c, step if (step and step[0] is c) else (), rest, built, parent, depth)
        return out


def walk_particles(p: Particle, chain=()):
    """Yield (chain, particle) for every element/wildcard particle in a content model."""
    chain = chain + (p,)
    t = p.term
    if isinstance(t, (ElemDecl, Wildcard)):
        yield chain
    else:
        for c in t.particles:
            yield from walk_particles(c, chain)


class Site:
    def __init__(self, root_decl, plan, particle, parent_type, path):
        self.root_decl = root_decl
        self.plan = plan  # list of steps
        self.particle = particle
        self.parent_type = parent_type
        self.path = path  # list of local names from the root

    @property
    def decl(self):
        return self.particle.term


def enumerate_sites(schema: SchemaSet, root_decl: ElemDecl, seen_particles: set):
    """Breadth-first: every element particle reachable from root_decl once (shortest path)."""
    out = []
    queue = [(root_decl, [], [root_decl.qname[1]], 0)]
    seen_types = set()
    while queue:
        decl, plan, path, depth = queue.pop(0)
        t = decl.type
        if not isinstance(t, ComplexType) or t.particle is None or t.simple is not None:
            continue
        if id(t) in seen_types or depth > 8:
            continue
        seen_types.add(id(t))
        for chain in walk_particles(t.particle):
            p = chain[-1]
            if id(p) in seen_particles:
                continue
            seen_particles.add(id(p))
            step = chain
            if isinstance(p.term, Wildcard):
                out.append(Site(root_decl, plan + [step], p, t, path + ["any"]))
                continue
            site = Site(root_decl, plan + [step], p, t, path + [p.term.qname[1]])
            out.append(site)
            queue.append((p.term, plan + [step], path + [p.term.qname[1]], depth + 1))
    return out


# --------------------------------------------------------------------------------------
# Serialisation
# --------------------------------------------------------------------------------------


def esc_text(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def esc_attr(s):
    return (s.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
            .replace("\t", "&#9;").replace("\n", "&#10;").replace("\r", "&#13;"))


def serialize(root: Node, prefixes: dict, comment: str, style: str = "prefixed",
              encoding: str = "UTF-8") -> str:
    """Serialise a Node tree. Styles (all denote the same infoset):
    prefixed         every namespace gets a prefix, all declared on the root (the default)
    default-root     the root's namespace is the default namespace (unprefixed elements)
    renamed-prefixes arbitrary prefixes p0, p1, ... instead of the schema's own
    local-decls      each namespace declared on the outermost element that uses it, per subtree
    """
    used = []

    def collect(n):
        if n.ns and n.ns not in used:
            used.append(n.ns)
        for a in n.attrs:
            if a[0] and a[0] not in used:
                used.append(a[0])
        for c in n.children:
            collect(c)

    collect(root)
    pmap = {}
    taken = set()
    for k, ns in enumerate(used):
        if ns == XSI:
            p = "xsi"
        elif style == "renamed-prefixes":
            p = f"p{k}"
        elif ns == WRONG_NS:
            p = "wrong"
        elif ns == EXT_NS:
            p = "ext"
        else:
            p = prefixes.get(ns) or "ns"
        base, k2 = p, 1
        while p in taken:
            k2 += 1
            p = f"{base}{k2}"
        taken.add(p)
        pmap[ns] = p
    default_ns = root.ns if style == "default-root" and root.ns else None
    if default_ns is not None and any(a[0] == default_ns for n in _walk(root) for a in n.attrs):
        default_ns = None  # attributes cannot use the default namespace
    if default_ns is not None and any(n.ns == "" for n in _walk(root)):
        default_ns = None

    def qn(ns, local, is_attr=False):
        if not ns:
            return local
        if ns == default_ns and not is_attr:
            return local
        return f"{pmap[ns]}:{local}"

    lines = [f'<?xml version="1.0" encoding="{encoding}"?>']
    comment = comment.replace("--", "- -").replace("\n", " ")
    lines.append(f"<!-- {comment} -->")

    def needed(n):
        out = []
        if n.ns:
            out.append(n.ns)
        for a in n.attrs:
            if a[0] and a[0] not in out:
                out.append(a[0])
        return out

    def emit(n, indent, in_scope):
        attrs = ""
        if in_scope is None:  # root
            in_scope = set()
            if default_ns is not None:
                attrs += f' xmlns="{esc_attr(default_ns)}"'
                in_scope.add(("", default_ns))
            decl = used if style != "local-decls" else needed(n)
        else:
            decl = needed(n) if style == "local-decls" else []
        scope = set(in_scope)
        for ns in decl:
            if ns == default_ns and ("", ns) in scope and not any(a[0] == ns for a in n.attrs):
                continue
            if (pmap[ns], ns) not in scope:
                attrs += f' xmlns:{pmap[ns]}="{esc_attr(ns)}"'
                scope.add((pmap[ns], ns))
        for (ans, al, av) in n.attrs:
            attrs += f' {qn(ans, al, True)}="{esc_attr(av)}"'
        tag = qn(n.ns, n.local)
        pad = "  " * indent
        body = n.raw if n.raw is not None else (esc_text(n.text) if n.text else "")
        if not n.children:
            if body == "":
                lines.append(f"{pad}<{tag}{attrs}/>")
            else:
                lines.append(f"{pad}<{tag}{attrs}>{body}</{tag}>")
            return
        lead = body
        lines.append(f"{pad}<{tag}{attrs}>{lead}")
        for c in n.children:
            emit(c, indent + 1, scope)
        lines.append(f"{pad}</{tag}>")

    emit(root, 0, None)
    return "\n".join(lines) + "\n"


def et_to_node(e) -> Node:
    ns, _, local = e.tag[1:].partition("}") if e.tag.startswith("{") else ("", "", e.tag)
    attrs = []
    for k, v in e.attrib.items():
        ans, _, al = k[1:].partition("}") if k.startswith("{") else ("", "", k)
        attrs.append((ans, al, v))
    kids = [et_to_node(c) for c in e if isinstance(c.tag, str)]
    for c in e:
        if c.tail and c.tail.strip():
            raise SchemaError("mixed content in a hand-written document is not supported")
    return Node(ns if e.tag.startswith("{") else "", local, e.text, kids, attrs)


def _walk(n):
    yield n
    for c in n.children:
        yield from _walk(c)


# --------------------------------------------------------------------------------------
# Cases
# --------------------------------------------------------------------------------------


class Case:
    def __init__(self, schema_cfg, root_decl, cls, intent, site_label, detail, doc_root, description):
        self.schema_cfg = schema_cfg
        self.root_decl = root_decl
        self.cls = cls
        self.intent = intent
        self.site_label = site_label
        self.detail = detail
        self.root = doc_root
        self.description = description
        self.filename = None
        self.style = "prefixed"
        self.encoding = "UTF-8"
        self.verbatim = None  # bytes of a hand-written document


def slug(s, keep_dots=False):
    s = re.sub(r"[^A-Za-z0-9_.-]+" if keep_dots else r"[^A-Za-z0-9_-]+", "_", s)
    return s.strip("_")[:80] or "x"


def near_miss_values(pat: str, good: str):
    """Values close to `good` that do not match `pat` (each checked with Python's re)."""
    cands = []
    if good:
        cands.append(("one-char-longer", good + good[-1]))
        cands.append(("one-char-shorter", good[:-1]))
        for bad in ("x", "G", "-", "A", "9", " "):
            if bad != good[0]:
                v = bad + good[1:]
                cands.append((f"first-char-{'space' if bad == ' ' else bad}", v))
                break
        for bad in ("g", "x", "Z", "!", "0"):
            v = good[:-1] + bad
            cands.append((f"last-char-{bad}", v))
        if good.upper() != good:
            cands.append(("uppercased", good.upper()))
        cands.append(("leading-space", " " + good))
    seen = set()
    out = []
    for name, v in cands:
        if v in seen or pattern_matches(pat, v):
            continue
        seen.add(v)
        out.append((name, v))
    return out


# Hand-picked values for notable corpus patterns (the intent is computed by the oracle).
PATTERN_PROBES = {
    # CPR number: DDMMYY + 4 digits, with per-month day limits (no leap-year rule)
    "((((0[1-9]|1[0-9]|2[0-9]|3[0-1])(01|03|05|07|08|10|12))|((0[1-9]|1[0-9]|2[0-9]|30)(04|06|09|11))|"
    "((0[1-9]|1[0-9]|2[0-9])(02)))[0-9]{6})|0000000000": [
        ("day-31-february", "3102851234"), ("day-29-february", "2902851234"), ("day-31-april", "3104851234"),
        ("day-30-june", "3006851234"), ("all-zero", "0000000000"), ("eleven-digits", "17058512345"),
    ],
    # e-mail address (XKOM_EmailAddressIdentifier)
    "([^>\\(\\)\\[\\]\\\\,;:@\\s]{0,191}@[^>\\(\\)\\[\\]\\\\,;:@\\s]{1,64})": [
        ("plain", "digitalpost@aarhus.dk"), ("empty-local-part", "@aarhus.dk"), ("space", "jens hansen@aarhus.dk"),
        ("two-at-signs", "jens@aarhus@dk"), ("non-ascii", "søren@ærø.dk"), ("tab", "jens@aarhus\tdk"),
    ],
    # floor: 1-99, KL/ST in either case, k2-k9
    "[1-9]|[1-9][0-9]|KL|ST|kl|st|k[2-9]|K[2-9]": [
        ("mixed-case-Kl", "Kl"), ("k1", "k1"), ("zero", "0"), ("hundred", "100"), ("K9", "K9"),
    ],
    # house number: 1-999 with an optional capital letter
    "([1-9]|[1-9][0-9]|[1-9][0-9]{2})|([1-9][A-Z]|[1-9][0-9][A-Z]|[1-9][0-9]{2}[A-Z])": [
        ("zero", "0"), ("999Z", "999Z"), ("thousand", "1000"), ("lowercase-letter", "12a"), ("leading-zero", "012"),
    ],
}

BAD_LEXICAL = {
    "boolean": [("yes", "yes"), ("uppercase-TRUE", "TRUE"), ("empty", "")],
    "integer": [("letters", "abc"), ("fraction", "1.5"), ("exponent", "1e3"), ("empty", "")],
    "decimal": [("letters", "abc"), ("comma-decimal", "12,5")],
    "date": [("letters", "abc"), ("day-30-feb", "2023-02-30"), ("single-digit-month", "2024-5-17"),
             ("danish-order", "17-05-2024"), ("with-time", "2024-05-17T10:00:00")],
    "dateTime": [("date-only", "2024-05-17"), ("hour-25", "2024-05-17T25:00:00"),
                 ("space-separator", "2024-05-17 10:15:00"), ("no-seconds", "2024-05-17T10:15")],
    "base64Binary": [("bad-chars", "@@@@"), ("bad-length", "QUJDR")],
    "NCName": [("leading-digit", "1abc"), ("contains-colon", "a:b")],
}

VALID_LEXICAL = {
    "boolean": [("one", "1"), ("zero", "0"), ("false", "false")],
    "integer": [("plus-leading-zeros", "+0042"), ("surrounding-whitespace", "  42\n"), ("negative", "-7")],
    "date": [("timezone-Z", "2024-05-17Z"), ("timezone-offset", "2024-05-17+02:00"),
             ("leap-day", "2024-02-29")],
    "dateTime": [("timezone-Z", "2024-05-17T10:15:00Z"), ("fraction-offset", "2024-05-17T10:15:00.123+01:00"),
                 ("midnight-24", "2024-05-17T24:00:00"), ("surrounding-whitespace", " 2024-05-17T10:15:00 ")],
    "base64Binary": [("with-whitespace", "QUJD\n RA=="), ("empty", "")],
}


class Generator:
    def __init__(self, corpus):
        self.corpus = corpus
        self.cases: list[Case] = []
        self.value_seen = set()  # (schema file, type label, class detail) dedupe across schemas
        self.problems = []
        self.struct_budget = Counter()
        self.global_counts = Counter()
        self.struct_seen_types = set()
        self.unqualified_seen = set()
        self.attr_seen_types = set()

    def run(self):
        for cfg in SCHEMAS:
            self.schema(cfg)

    # ---- per schema ----

    def schema(self, cfg):
        path = os.path.join(self.corpus, cfg["path"])
        s = SchemaSet(path)
        self.s = s
        self.cfg = cfg
        self.builder = Builder(s)
        self.checker = Checker(s)
        tns = s.docs[s.entry].tns
        seen_particles = set()
        self.per_schema = Counter()
        first = len(self.cases)
        for i, rname in enumerate(cfg["roots"]):
            root = s.elements[(tns, rname)]
            self.root_cases(root, full=i < 2)
            for site in enumerate_sites(s, root, seen_particles):
                self.site_cases(site)
        self.thin(first, cfg.get("struct_target"))
        self.syntax_variants(first)
        self.handwritten()

    def handwritten(self):
        """Hand-written base documents in base/<schema-short>.<name>.xml, copied verbatim."""
        base = os.path.join(HERE, "base")
        prefix = self.cfg["short"] + "."
        for name in sorted(os.listdir(base)) if os.path.isdir(base) else []:
            if not (name.startswith(prefix) and name.endswith(".xml")):
                continue
            path = os.path.join(base, name)
            root = et_to_node(ET.parse(path).getroot())
            decl = self.s.elements.get(root.qname)
            if decl is None:
                sys.exit(f"{path}: root {root.qname} is not a global element of {self.cfg['path']}")
            problems = self.checker.document(root)
            if problems:
                sys.exit(f"{path}: hand-written base document is not valid: {problems}")
            c = Case(self.cfg, decl, "handwritten", "valid", name[len(prefix):-4], "", root,
                     f"hand-written base document base/{name}")
            with open(path, "rb") as fh:
                c.verbatim = fh.read()
            self.cases.append(c)

    def syntax_variants(self, first):
        """The richest valid document of this schema again, in other namespace syntaxes, and
        (once overall) one document in other encodings. Same infoset, so still valid."""
        mine = [c for c in self.cases[first:] if c.intent == "valid" and c.cls not in
                ("markup-in-value", "markup-in-element-only")]
        if not mine:
            return

        def nss(c):
            return len({n.ns for n in _walk(c.root)}), sum(1 for _ in _walk(c.root))

        best = max(mine, key=nss)
        for style, desc in [("default-root", "the root's namespace as the default namespace"),
                            ("renamed-prefixes", "arbitrary prefixes p0, p1, ... for every namespace"),
                            ("local-decls", "namespaces declared on the outermost element using them")]:
            c = Case(self.cfg, best.root_decl, "namespace-syntax", "valid", best.site_label, style,
                     best.root.copy(), f"same document as {best.cls} {best.site_label}, written with {desc}")
            c.style = style
            self.cases.append(c)
        if self.global_counts["encodings"] == 0:
            nonascii = [c for c in mine if any(ord(ch) > 127 for n in _walk(c.root) for ch in (n.text or ""))
                        and sum(len(n.text or "") for n in _walk(c.root)) < 600]
            if nonascii:
                self.global_counts["encodings"] += 1
                src = nonascii[0]
                for enc in ("ISO-8859-1", "UTF-16", "UTF-8-BOM"):
                    c = Case(self.cfg, src.root_decl, "document-encoding", "valid", src.site_label, enc,
                             src.root.copy(), f"same document as {src.cls} {src.site_label} (non-ASCII "
                                              f"characters), encoded as {enc}")
                    c.encoding = enc
                    self.cases.append(c)

    def thin(self, first, target):
        """Keep at most `target` structural cases of this schema: every class keeps at least
        two cases, the rest proportionally, evenly spaced in generation order."""
        mine = self.cases[first:]
        struct = [c for c in mine if c.cls in STRUCTURAL]
        if target is None or len(struct) <= target:
            return
        groups = OrderedDict()
        for c in struct:
            groups.setdefault((c.cls, c.intent), []).append(c)
        quota = {k: min(len(v), 2) for k, v in groups.items()}
        spare = target - sum(quota.values())
        total_rest = sum(len(v) - quota[k] for k, v in groups.items())
        for k, v in groups.items():
            if total_rest > 0 and spare > 0:
                quota[k] += (len(v) - quota[k]) * spare // total_rest
        keep = set()
        for k, v in groups.items():
            n = quota[k]
            for j in range(n):
                keep.add(id(v[j * len(v) // n]))
        self.cases[first:] = [c for c in mine if c.cls not in STRUCTURAL or id(c) in keep]

    def emit(self, root_decl, cls, intent, site_label, detail, built_root, description):
        problems = self.checker.document(built_root)
        actual = "invalid" if problems else "valid"
        if actual != intent:
            self.problems.append(f"{self.cfg['short']}: skipped {intent}.{cls}.{site_label}.{detail}: oracle says "
                                 f"{actual} ({'; '.join(problems)[:200]})")
            return
        if intent == "invalid":
            description += " | oracle: " + problems[0]
        self.cases.append(Case(self.cfg, root_decl, cls, intent, site_label, detail, built_root, description))

    def build(self, root_decl, plan=()):
        return self.builder.document(root_decl, plan)

    # ---- root level ----

    def root_cases(self, root, full):
        r = root.qname[1]
        b = self.build(root)
        self.emit(root, "minimal", "valid", r, "", b.root, f"smallest valid {r}: required content only")
        if not full:
            return
        b = self.build(root)
        b.root.ns = WRONG_NS
        self.emit(root, "root-wrong-namespace", "invalid", r, "", b.root,
                  f"root {r} in namespace {WRONG_NS}: no global declaration matches")
        b = self.build(root)
        b.root.local = r + "X"
        self.emit(root, "root-undeclared", "invalid", r, "", b.root, f"root renamed to {r}X (undeclared)")
        if isinstance(root.type, ComplexType) and root.type.content == "elements":
            b = self.build(root)
            b.root.text = "uventet tekst"
            self.emit(root, "text-in-element-only", "invalid", r, "", b.root,
                      "character data directly inside element-only content")
            if b.root.children and self.per_schema["markup-root"] < 1:
                self.per_schema["markup-root"] += 1
                g = self.global_counts
                b = self.build(root)
                b.root.text = "\n  "
                b.root.raw = "<!-- kommentar --><?oir pi?>\n  "
                self.emit(root, "markup-in-element-only", "valid", r, "comment-pi", b.root,
                          "a comment and a processing instruction inside element-only content")
                if g["whitespace-cdata"] < 2:
                    g["whitespace-cdata"] += 1
                    b = self.build(root)
                    b.root.text = " \n "
                    b.root.raw = "<![CDATA[ \n ]]>"
                    self.emit(root, "markup-in-element-only", "valid", r, "whitespace-cdata", b.root,
                              "a whitespace-only CDATA section inside element-only content (XSD: whitespace "
                              "character information items are allowed; CDATA is only syntax)")
                if g["cdata-text"] < 3:
                    g["cdata-text"] += 1
                    b = self.build(root)
                    b.root.text = "x"
                    b.root.raw = "<![CDATA[x]]>"
                    self.emit(root, "markup-in-element-only", "invalid", r, "cdata-text", b.root,
                              "non-whitespace CDATA inside element-only content")
        self.attr_cases(root, (), r, "/" + r)

    # ---- per element site ----

    def site_cases(self, site: Site):
        root = site.root_decl
        decl = site.decl
        p = site.particle
        label = f"{root.qname[1]}.{'-'.join(site.path[-2:])}"
        where = "/" + "/".join(site.path)
        if isinstance(p.term, Wildcard):
            self.wildcard_cases(site, label, where)
            return
        try:
            base = self.build(root, site.plan)
        except SchemaError as e:
            self.problems.append(f"{self.cfg['short']}: cannot build {where}: {e}")
            return
        tgt, par = base.target, base.parent
        siblings = par.children
        idx = siblings.index(tgt)

        pt = site.parent_type
        ptkey = (pt.doc.path if pt.doc else "", pt.label())

        def allow(cls):
            k = (ptkey, cls)
            if self.struct_budget[k] >= STRUCT_BUDGET:
                return False
            self.struct_budget[k] += 1
            return True

        def verdict(r):
            return "invalid" if self.checker.document(r) else "valid"

        # valid variation: optional element present
        if p.min == 0 and allow("optional-included"):
            self.emit(root, "optional-included", "valid", label, "", base.root,
                      f"optional {where} present (minOccurs=0)")

        # missing required
        if p.min >= 1:
            b = self.build(root, site.plan)
            b.parent.children = [c for c in b.parent.children if c is not b.target]
            if verdict(b.root) == "invalid":
                if allow("missing-required"):
                    self.emit(root, "missing-required", "invalid", label, "", b.root,
                              f"required {where} (minOccurs={p.min}) removed")
            else:
                self.emit(root, "required-in-emptiable-choice", "valid", label, "", b.root,
                          f"{where} (minOccurs={p.min}) removed, but it sits in a choice that has an "
                          f"emptiable branch, so the content is still valid")

        # max occurs
        mx = p.max
        if mx is not None and allow("max-occurs-exceeded"):
            b = self.build(root, site.plan)
            i = b.parent.children.index(b.target)
            count = sum(1 for c in b.parent.children if c.qname == b.target.qname)
            extra = [b.target.copy() for _ in range(mx + 1 - count)]
            b.parent.children[i + 1:i + 1] = extra
            if verdict(b.root) == "invalid":
                self.emit(root, "max-occurs-exceeded", "invalid", label, "", b.root,
                          f"{where} repeated {mx + 1} times (maxOccurs={mx})")
            else:
                self.emit(root, "repeat-via-enclosing-group", "valid", label, "", b.root,
                          f"{where} repeated {mx + 1} times (maxOccurs={mx}), allowed because an "
                          f"enclosing group repeats")
        if (mx is None or mx > 1) and allow("max-occurs"):
            n = 3 if mx is None else mx
            b = self.build(root, site.plan)
            i = b.parent.children.index(b.target)
            extra = [b.target.copy() for _ in range(n - 1)]
            b.parent.children[i + 1:i + 1] = extra
            self.emit(root, "max-occurs", "valid", label, "", b.root,
                      f"{where} repeated {n} times (maxOccurs={'unbounded' if mx is None else mx})")

        # extra elements
        if allow("extra-element"):
            b = self.build(root, site.plan)
            i = b.parent.children.index(b.target)
            b.parent.children.insert(i + 1, Node(b.target.ns or "", "UnexpectedElement", "x"))
            self.emit(root, "extra-element", "invalid", label, "undeclared", b.root,
                      f"undeclared element UnexpectedElement inserted after {where}")

        known = self.declared_outsider(site)
        if known is not None and allow("extra-element-declared"):
            b = self.build(root, site.plan)
            i = b.parent.children.index(b.target)
            b.parent.children.insert(i + 1, self.builder.element(known, [], b, 0))
            self.emit(root, "extra-element", "invalid", label, f"declared-{known.qname[1]}", b.root,
                      f"globally declared {known.qname[1]} inserted after {where}, not allowed there")

        if idx + 1 < len(siblings) and siblings[idx + 1].qname != tgt.qname and allow("wrong-order"):
            b = self.build(root, site.plan)
            ch = b.parent.children
            i = ch.index(b.target)
            ch[i], ch[i + 1] = ch[i + 1], ch[i]
            nxt = ch[i].local
            kind = pt.particle.term.kind if isinstance(pt.particle.term, Group) else ""
            intent = verdict(b.root)
            cls = "all-any-order" if intent == "valid" else "wrong-order"
            self.emit(root, cls, intent, label, "", b.root,
                      f"{where} swapped with following sibling {nxt} ({kind} group)")

        if allow("wrong-namespace"):
            b = self.build(root, site.plan)
            same_local = [d for d in self.s.global_elements_named(decl.qname[1]) if d.qname != decl.qname]
            if same_local:
                b.target.ns = same_local[0].qname[0]
                detail, desc = "declared-elsewhere", (
                    f"{where} put in namespace {same_local[0].qname[0]}, where a different global "
                    f"{decl.qname[1]} is declared")
            else:
                b.target.ns = WRONG_NS
                detail, desc = "", f"{where} put in foreign namespace {WRONG_NS}"
            if verdict(b.root) == "invalid":
                self.emit(root, "wrong-namespace", "invalid", label, detail, b.root, desc)
            elif allow("wildcard-foreign"):
                self.emit(root, "wildcard-foreign-element", "valid", label, "", b.root,
                          desc + "; a lax wildcard of the parent accepts it")
        if decl.qname[0] and decl.doc.path not in self.unqualified_seen and \
                self.per_schema["unqualified"] < 3:
            self.per_schema["unqualified"] += 1
            self.unqualified_seen.add(decl.doc.path)
            b = self.build(root, site.plan)
            b.target.ns = ""
            self.emit(root, "wrong-namespace", "invalid", label, "unqualified", b.root,
                      f"{where} written without namespace (elementFormDefault=qualified)")

        t = decl.type
        tkey = ("text-in-element-only", t.doc.path if t.doc else "")
        if isinstance(t, ComplexType) and t.content == "elements" and tkey not in self.struct_seen_types \
                and self.per_schema["text-in-element-only"] < 3:
            self.per_schema["text-in-element-only"] += 1
            self.struct_seen_types.add(tkey)
            b = self.build(root, site.plan)
            b.target.text = "uventet tekst"
            self.emit(root, "text-in-element-only", "invalid", label, "", b.root,
                      f"character data inside element-only {where} (type {t.label()})")
            if self.builder.cost_particle(t.particle) > 0:
                b = self.build(root, site.plan)
                b.target.children = []
                self.emit(root, "missing-required", "invalid", label, "all-children", b.root,
                          f"{where} left empty although its content model requires children")

        # values
        if isinstance(t, SimpleType):
            self.value_cases(site, label, where, t, decl)
            key = ("child-in-simple", self.cfg["short"])
            if key not in self.value_seen:
                self.value_seen.add(key)
                b = self.build(root, site.plan)
                b.target.children = [Node(b.target.ns, "Barn", "x")]
                b.target.text = ""
                self.emit(root, "element-in-simple-content", "invalid", label, "", b.root,
                          f"child element inside simple-typed {where}")
        elif isinstance(t, ComplexType) and t.simple is not None:
            self.value_cases(site, label, where, t.simple, decl)
        if isinstance(t, ComplexType):
            self.attr_cases(root, site.plan, label, where)

    def declared_outsider(self, site):
        """A global element of the target's namespace that the parent does not allow."""
        decls, wilds = local_decls(site.parent_type.particle)
        if wilds:
            return None
        ns = site.decl.qname[0]
        cands = sorted((d for q, d in self.s.elements.items()
                        if q[0] == ns and q not in decls and isinstance(d.type, SimpleType)),
                       key=lambda d: d.qname[1])
        if not cands:
            return None
        self.per_schema["outsider"] += 1
        return cands[(self.per_schema["outsider"] * 7) % len(cands)]

    def wildcard_cases(self, site, label, where):
        """xs:any: a declared foreign element (valid under strict), an undeclared one, and one
        from an excluded namespace."""
        root = site.root_decl
        w = site.particle.term
        if self.per_schema["wildcard"] >= 2:
            return
        self.per_schema["wildcard"] += 1
        try:
            self.build(root, site.plan)
        except SchemaError as e:
            self.problems.append(f"{self.cfg['short']}: cannot build {where}: {e}")
            return
        desc = f"xs:any namespace={' '.join(w.constraint)} processContents={w.process} at {where}"

        def replace(node):
            b = self.build(root, site.plan)
            i = b.parent.children.index(b.target)
            b.parent.children[i] = node
            return b.root

        if w.process == "strict":
            cands = sorted(self.builder.wild_candidates(w),
                           key=lambda d: (self.builder.cost_type(d.type, 0), d.qname))
            if cands:
                d = cands[len(cands) // 2]
                b0 = Built(None)
                node = self.builder.element(d, [], b0, 0)
                self.emit(root, "wildcard-strict", "valid", label, d.qname[1], replace(node),
                          f"{desc}: globally declared {d.qname[1]} of namespace {d.qname[0]}")
                bad = node.copy()
                bad.children = []
                bad.text = "uventet tekst" if isinstance(d.type, ComplexType) and d.type.content == "elements" \
                    else None
                if bad.text is not None:
                    self.emit(root, "wildcard-strict", "invalid", label, d.qname[1] + "-invalid-content",
                              replace(bad), f"{desc}: {d.qname[1]} matched by the wildcard is validated "
                                            f"against its declaration, and its content is wrong")
            self.emit(root, "wildcard-strict", "invalid", label, "undeclared",
                      replace(Node(EXT_NS, "Udvidelse", "x")),
                      f"{desc}: element of namespace {EXT_NS} has no global declaration")
        if "##other" in w.constraint:
            self.emit(root, "wildcard-namespace", "invalid", label, "target-namespace",
                      replace(Node(w.tns, "Udvidelse", "x")),
                      f"{desc}: an element of the schema's own target namespace is excluded by ##other")
            self.emit(root, "wildcard-namespace", "invalid", label, "no-namespace",
                      replace(Node("", "Udvidelse", "x")),
                      f"{desc}: an unqualified element is excluded by ##other")

    # ---- values ----

    def value_cases(self, site, label, where, st: SimpleType, decl):
        root = site.root_decl
        tkey = (st.doc.path if st.doc else "builtin", st.label(), decl.qname if st.name is None else None)

        fkey = (st.doc.path if st.doc else "builtin",)

        def once(k, by_file=False):
            key = (() if by_file else tkey) + (k,)
            if key in self.value_seen:
                return False
            self.value_seen.add(key)
            return True

        def put(cls, intent, detail, value, desc):
            b = self.build(root, site.plan)
            b.target.text = value
            self.emit(root, cls, intent, label, detail, b.root, f"{where} (type {st.label()}): {desc}")

        if decl.fixed is not None:
            if once("fixed"):
                other = {"true": "false", "false": "true"}.get(decl.fixed, decl.fixed + "x")
                put("fixed-value", "invalid", "", other, f"value {other!r} but fixed={decl.fixed!r}")
                if st.primitive() == "boolean" and decl.fixed in ("true", "false"):
                    alt = "1" if decl.fixed == "true" else "0"
                    put("fixed-value", "valid", "same-value-other-lexical", alt,
                        f"{alt!r} equals fixed {decl.fixed!r} in the value space")
            return

        good = sample(st)
        if len(good) >= 2 and self.per_schema["markup"] < 1:
            self.per_schema["markup"] += 1
            self.markup_cases(site, label, where, st, good)
        for t in st.chain():
            o = t.own
            if "maxLength" in o and once(f"maxLength{o['maxLength']}", by_file=True):
                n = o["maxLength"]
                put("facet-maxLength", "invalid", f"{n + 1}", self.fill(st, good, n + 1),
                    f"maxLength={n}, value has {n + 1} characters")
                v = self.fill(st, good, n, nonascii=True)
                put("facet-maxLength", "valid", f"boundary-{n}", v,
                    f"maxLength={n}, value has exactly {n} characters (non-ASCII, more bytes than characters)")
            if "minLength" in o and once(f"minLength{o['minLength']}", by_file=True):
                n = o["minLength"]
                if n > 0:
                    put("facet-minLength", "invalid", f"{n - 1}", self.fill(st, good, n - 1),
                        f"minLength={n}, value has {n - 1} characters")
                put("facet-minLength", "valid", f"boundary-{n}", self.fill(st, good, n),
                    f"minLength={n}, value has exactly {n} characters")
            if "length" in o and once(f"length{o['length']}", by_file=True):
                n = o["length"]
                put("facet-length", "invalid", f"{n + 1}", self.fill(st, good, n + 1), f"length={n}, value longer")
                put("facet-length", "invalid", f"{n - 1}", self.fill(st, good, n - 1), f"length={n}, value shorter")
                put("facet-length", "valid", f"boundary-{n}", self.fill(st, good, n, nonascii=True),
                    f"length={n}, value has exactly {n} characters (non-ASCII, more bytes than characters)")
            for f in ("minInclusive", "maxInclusive", "minExclusive", "maxExclusive"):
                if f in o and once(f + str(o[f]), by_file=True):
                    lim = int(o[f])
                    delta = -1 if f.startswith("min") else 1
                    inclusive = "Inclusive" in f
                    bad = lim + delta if inclusive else lim
                    ok = lim if inclusive else lim - delta
                    put(f"facet-{f}", "invalid", str(bad), str(bad), f"{f}={lim}, value {bad}")
                    put(f"facet-{f}", "valid", f"boundary-{ok}", str(ok), f"{f}={lim}, boundary value {ok}")
            for f in ("totalDigits", "fractionDigits"):
                if f in o and once(f + str(o[f]), by_file=True):
                    n = o[f]
                    v = "1" * (n + 1) if f == "totalDigits" else "1." + "1" * (n + 1)
                    put(f"facet-{f}", "invalid", str(n + 1), v, f"{f}={n}, value {v}")
        levels = st.pattern_levels()
        if levels and once(("pattern",) + tuple(levels[0]), by_file=True) and \
                ("pattern",) + tuple(levels[0]) not in self.value_seen:
            self.value_seen.add(("pattern",) + tuple(levels[0]))
            pats = levels[0]
            for pat in pats:
                branches = regex_branches(pat)
                for bi in range(len(branches)):
                    ex = regex_example(pat, bi, seed=bi)
                    if check_simple(st, ex):
                        continue
                    if len(branches) > 1 or len(pats) > 1:
                        put("facet-pattern", "valid", f"branch{bi + 1}", ex,
                            f"matches alternative {bi + 1} of pattern {pat!r}")
                    for name, v in near_miss_values(pat, ex)[:4 if bi == 0 else 1]:
                        put("facet-pattern", "invalid", f"b{bi + 1}-{name}", v,
                            f"near miss of pattern {pat!r}: {name}")
                    if bi >= 3:
                        break
                for name, v in PATTERN_PROBES.get(pat, []):
                    intent = "invalid" if check_simple(st, v) else "valid"
                    put("facet-pattern", intent, name, v,
                        f"{'matches' if intent == 'valid' else 'does not match'} pattern {pat!r}: {name}")
        enums = st.enum_levels()
        if enums and once("enumeration"):
            values = enums[0]
            picks = [values[0]] + ([values[-1]] if len(values) > 1 else [])
            for v in picks:
                put("facet-enumeration", "valid", slug(v), v, f"enumeration value {v!r}")
            outsider = values[0] + "X"
            put("facet-enumeration", "invalid", "outsider", outsider, f"{outsider!r} is not enumerated")
            first = ("enum-variants", self.cfg["short"]) not in self.value_seen
            self.value_seen.add(("enum-variants", self.cfg["short"]))
            case_v = values[0].lower() if values[0].lower() != values[0] else values[0].upper()
            if first and case_v not in values and case_v != values[0]:
                put("facet-enumeration", "invalid", "case-variant", case_v, f"{case_v!r}: wrong case")
            if first and st.ws() == "preserve":
                put("facet-enumeration", "invalid", "trailing-space", values[0] + " ",
                    f"{values[0] + ' '!r}: whitespace is preserved for xs:string")
            elif first:
                put("facet-enumeration", "valid", "collapsed-whitespace", f" {values[0]} ",
                    f"' {values[0]} ': whitespace is collapsed for xs:{st.builtin}")
        prim = st.primitive()
        bkey = st.builtin if st.builtin in BAD_LEXICAL else prim
        if st.builtin in ("ID", "IDREF", "NCName"):
            bkey = "NCName"
        if bkey in BAD_LEXICAL and once("lexical"):
            for name, v in BAD_LEXICAL[bkey]:
                put(f"bad-datatype-{bkey}", "invalid", name, v, f"{v!r} is not a lexical xs:{st.builtin}")
            for name, v in VALID_LEXICAL.get(bkey, []):
                if not check_simple(st, v):
                    put(f"datatype-{bkey}", "valid", name, v, f"{v!r} is a valid lexical xs:{st.builtin}")
            if st.builtin == "nonNegativeInteger":
                put("bad-datatype-integer", "invalid", "negative", "-1", "nonNegativeInteger: -1")
            if st.builtin == "positiveInteger":
                put("bad-datatype-integer", "invalid", "zero", "0", "positiveInteger: 0")

    def markup_cases(self, site, label, where, st, good):
        """The same value written with markup the XML parser must see through."""
        root = site.root_decl
        h = len(good) // 2
        variants = [
            ("comment-inside", esc_text(good[:h]) + "<!-- c -->" + esc_text(good[h:]),
             "a comment splits the value; character data around it joins"),
            ("pi-inside", esc_text(good[:h]) + "<?oir x?>" + esc_text(good[h:]),
             "a processing instruction splits the value"),
            ("cdata", "<![CDATA[" + good + "]]>", "the value in a CDATA section"),
            ("char-references", "".join(f"&#x{ord(c):X};" for c in good[:2]) + esc_text(good[2:]),
             "the first characters as character references"),
        ]
        for name, raw, desc in variants:
            b = self.build(root, site.plan)
            b.target.text = good
            b.target.raw = raw
            self.emit(root, "markup-in-value", "valid", label, name, b.root,
                      f"{where} (type {st.label()}) = {good!r}: {desc}")
        b = self.build(root, site.plan)
        b.target.text = good[:h] + " " + good[h:]
        b.target.raw = esc_text(good[:h]) + "<!-- c --> " + esc_text(good[h:])
        if check_simple(st, b.target.text):
            self.emit(root, "markup-in-value", "invalid", label, "comment-and-space", b.root,
                      f"{where} (type {st.label()}): comment plus a space inside the value; the space counts")
        # xsi:nil on an element that is not nillable
        decl = site.decl
        if not decl.nillable:
            b = self.build(root, site.plan)
            b.target.text = ""
            b.target.attrs.append((XSI, "nil", "true"))
            self.emit(root, "xsi-nil", "invalid", label, "not-nillable", b.root,
                      f"xsi:nil='true' on {where}, which is not nillable")

    def fill(self, st, good, n, nonascii=False):
        """A value of exactly n characters, kept close to the type's other facets."""
        if n <= 0:
            return ""
        levels = st.pattern_levels()
        ch = "æ" if nonascii else "a"
        if levels:
            # keep the pattern's character classes where the pattern allows repetition
            base = good
            filler = good[-1] if good else ch
            v = (base + filler * n)[:n]
            return v
        if st.primitive() != "string":
            return (good * n)[:n]
        return ch * n

    # ---- attributes ----

    def attr_cases(self, root, plan, label, where):
        decl = self._decl_of(root, plan)
        t = decl.type
        akey = (t.doc.path if t.doc else "", t.label())
        if not isinstance(t, ComplexType) or akey in self.attr_seen_types:
            return
        self.attr_seen_types.add(akey)

        def mutate(fn):
            b = self.build(root, plan)
            fn(b.target if plan else b.root)
            return b.root

        for q, u in t.attrs.items():
            if u.required:
                r = mutate(lambda n, q=q: n.attrs.__setitem__(slice(None), [a for a in n.attrs if (a[0], a[1]) != q]))
                self.per_schema["optional-attribute"] += 0
                self.emit(root, "missing-required-attribute", "invalid", label, q[1], r,
                          f"required attribute {q[1]} removed from {where}")
            elif self.per_schema["optional-attribute"] < 4:
                self.per_schema["optional-attribute"] += 1
                v = sample(u.type)
                r = mutate(lambda n, q=q, v=v: n.attrs.append((q[0], q[1], v)))
                self.emit(root, "optional-attribute", "valid", label, q[1], r,
                          f"optional attribute {q[1]}={v!r} on {where}")
            if q[0] == "" and t.attr_wildcard is None:
                v = sample(u.type)

                def qualify(n, q=q, v=v):
                    n.attrs[:] = [a for a in n.attrs if (a[0], a[1]) != q]
                    n.attrs.append((n.ns or WRONG_NS, q[1], v))
                r = mutate(qualify)
                if u.required:
                    self.emit(root, "attribute-wrong-namespace", "invalid", label, q[1], r,
                              f"attribute {q[1]} namespace-qualified on {where} (attributeFormDefault=unqualified)")
            # attribute values
            self.attr_value_cases(root, plan, label, where, q, u, mutate)
        if t.attr_wildcard is None and (t.attrs or t.content in ("simple", "empty")) and \
                self.per_schema["extra-attribute"] < 4:
            self.per_schema["extra-attribute"] += 1
            r = mutate(lambda n: n.attrs.append(("", "uventet", "x")))
            self.emit(root, "extra-attribute", "invalid", label, "", r,
                      f"undeclared attribute uventet on {where}")

    def attr_value_cases(self, root, plan, label, where, q, u, mutate):
        st = u.type
        key = ("attr", st.doc.path if st.doc else "builtin", st.label(), q)
        if key in self.value_seen:
            return
        self.value_seen.add(key)

        def put(cls, intent, detail, value, desc):
            def setv(n):
                n.attrs[:] = [a for a in n.attrs if (a[0], a[1]) != q]
                n.attrs.append((q[0], q[1], value))
            self.emit(root, cls, intent, label, f"{q[1]}-{detail}", mutate(setv),
                      f"attribute {q[1]} of {where}: {desc}")

        enums = st.enum_levels()
        if enums:
            vals = enums[0]
            for v in vals[:4]:
                put("attribute-enumeration", "valid", slug(v), v, f"enumeration value {v!r}")
            put("attribute-enumeration", "invalid", "outsider", vals[0] + "X", "not enumerated")
            put("attribute-enumeration", "invalid", "trailing-space", vals[0] + " ",
                "trailing space (xs:string preserves whitespace)")
        if st.builtin == "ID":
            put("attribute-datatype-ID", "invalid", "leading-digit", "1abc", "'1abc' is not an NCName")
        if st.builtin == "anyURI" and self.per_schema["anyURI"] < 2:
            self.per_schema["anyURI"] += 1
            put("attribute-datatype-anyURI", "valid", "relative", "a/b", "relative URI reference")

    def _decl_of(self, root, plan):
        if not plan:
            return root
        return plan[-1][-1].term

    # ---- output ----

    def write(self, outdir):
        docs = os.path.join(outdir, "docs")
        if os.path.isdir(docs):
            shutil.rmtree(docs)
        names = Counter()
        rows = []
        seen_bodies = set()
        for c in self.cases:
            if c.verbatim is None:
                # identical documents (e.g. an enumeration's first value is also the sample
                # value of the minimal document) are written once, under the first case
                body = serialize(c.root, self.prefixes_for(c), "", c.style, c.encoding)
                key = (c.schema_cfg["short"], c.encoding, body)
                if key in seen_bodies:
                    continue
                seen_bodies.add(key)
            parts = [c.intent, c.cls, c.site_label] + ([slug(c.detail)] if c.detail else [])
            stem = ".".join(slug(x, keep_dots=(i == 2)) if i > 0 else x for i, x in enumerate(parts))
            names[(c.schema_cfg["short"], stem)] += 1
            k = names[(c.schema_cfg["short"], stem)]
            if k > 1:
                stem += f".{k}"
            rel = f"{c.schema_cfg['short']}/{stem}.xml"
            c.filename = rel
            text = serialize(c.root, self.prefixes_for(c), f"differential case: intent={c.intent} "
                                                            f"class={c.cls} - {c.description}",
                             c.style, c.encoding)
            full = os.path.join(docs, rel)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            codec = {"UTF-8": "utf-8", "UTF-8-BOM": "utf-8-sig", "ISO-8859-1": "iso-8859-1",
                     "UTF-16": "utf-16"}[c.encoding]
            if c.encoding == "UTF-8-BOM":
                text = text.replace('encoding="UTF-8-BOM"', 'encoding="UTF-8"', 1)
            with open(full, "wb") as fh:
                fh.write(c.verbatim if c.verbatim is not None else text.encode(codec))
            rows.append((rel, c.schema_cfg["path"], c.root_decl.qname[1], c.cls, c.intent,
                         c.description.replace("\t", " ").replace("\n", " ")))
        with open(os.path.join(outdir, "cases.tsv"), "w", encoding="utf-8", newline="\n") as fh:
            fh.write("doc\tschema\troot\tclass\tintent\tdescription\n")
            for r in sorted(rows):
                fh.write("\t".join(r) + "\n")
        return rows

    def prefixes_for(self, case):
        return self._prefixes[case.schema_cfg["short"]]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", help="the shared folder (default: $OIR_SHARED or ../shared)")
    ap.add_argument("--out", default=HERE, help="output folder (default: this script's folder)")
    ap.add_argument("--verbose", action="store_true", help="print skipped mutations")
    ap.add_argument("--summary", action="store_true",
                    help="print Markdown count tables from cases.tsv and libxml2-verdicts.tsv (for README.md)")
    args = ap.parse_args()
    if args.summary:
        summary(args.out)
        return
    corpus = find_corpus(args.shared)
    g = Generator(corpus)
    g._prefixes = {}
    for cfg in SCHEMAS:
        g.schema(cfg)
        g._prefixes[cfg["short"]] = dict(g.s.prefixes)
    rows = g.write(args.out)
    per = OrderedDict()
    for rel, schema, root, cls, intent, _ in rows:
        short = rel.split("/")[0]
        per.setdefault(short, Counter())[intent] += 1
    for short, c in per.items():
        print(f"{short:24} {c['valid']:4} valid  {c['invalid']:4} invalid")
    print(f"{'total':24} {sum(c['valid'] for c in per.values()):4} valid  "
          f"{sum(c['invalid'] for c in per.values()):4} invalid  ({len(rows)} documents)")
    if args.verbose:
        for p in g.problems:
            print("note:", p)
    elif g.problems:
        print(f"({len(g.problems)} mutations skipped because the oracle disagreed with their class; --verbose lists them)")


def summary(outdir):
    cases = {}
    with open(os.path.join(outdir, "cases.tsv"), encoding="utf-8") as fh:
        next(fh)
        for line in fh:
            doc, schema, root, cls, intent, _ = line.rstrip("\n").split("\t")
            cases[doc] = (schema, cls, intent)
    verdicts = {}
    path = os.path.join(outdir, "libxml2-verdicts.tsv")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("#") or line.startswith("doc\t"):
                    continue
                f = line.rstrip("\n").split("\t")
                verdicts[f[0]] = f[2]
    shorts = [c["short"] for c in SCHEMAS]
    print("| schema | corpus path | documents | libxml2 valid | libxml2 invalid |")
    print("| --- | --- | ---: | ---: | ---: |")
    for cfg in SCHEMAS:
        docs = [d for d in cases if d.startswith(cfg["short"] + "/")]
        v = sum(1 for d in docs if verdicts.get(d) == "valid")
        i = sum(1 for d in docs if verdicts.get(d) == "invalid")
        print(f"| {cfg['short']} | `{cfg['path']}` | {len(docs)} | {v} | {i} |")
    tv = sum(1 for d in cases if verdicts.get(d) == "valid")
    ti = sum(1 for d in cases if verdicts.get(d) == "invalid")
    print(f"| **total** | | **{len(cases)}** | **{tv}** | **{ti}** |")
    print()
    abbrev = {s: "".join(w[0] for w in s.replace("sf1500-", "o-").split("-"))[:4] for s in shorts}
    abbrev = {"kombit-requestheader": "rh", "demoservice": "demo", "sp-fault": "fault",
              "sf1500-organisation": "org", "sf1500-klasse": "kla", "sf1500-virksomhed": "virk",
              "sf1600-print": "print", "sagdokumentindeks": "sdi", "xmldsig": "dsig"}
    print("| class | intent | " + " | ".join(abbrev[s] for s in shorts) + " | total |")
    print("| --- | --- | " + " | ".join("---:" for _ in shorts) + " | ---: |")
    keys = sorted({(c[1], c[2]) for c in cases.values()})
    for cls, intent in keys:
        row = []
        for s_ in shorts:
            row.append(sum(1 for d, c in cases.items() if d.startswith(s_ + "/") and c[1] == cls and c[2] == intent))
        print(f"| {cls} | {intent} | " + " | ".join(str(x) if x else "" for x in row) + f" | {sum(row)} |")


if __name__ == "__main__":
    main()
