"""A small, self-contained XML Schema 1.0 model for the differential fixtures.

Python 3.11 standard library only. It is *not* a validator we trust: it exists so that
`generate.py` can walk corpus schemas (elements, content models, simple types and
facets), build valid instances and mutate them, and so that each generated document
carries an independent "intent" verdict that is compared with libxml2's recorded verdict
(`record-libxml2.sh` reports every document where the two differ).

Supported: include/import (every import is followed, unlike libxml2), global and local
element/attribute declarations, named and anonymous complex/simple types, sequence/
choice/all, element refs, groups and attribute groups, xs:any / xs:anyAttribute,
complexContent extension/restriction, simpleContent extension/restriction, simple type
restriction/list/union, the facets length/minLength/maxLength/pattern/enumeration/
whiteSpace/min|max Inclusive|Exclusive/totalDigits/fractionDigits, fixed values.
Not supported (not used by the chosen corpus schemas): redefine, substitution groups,
identity constraints, xsi:type.
"""

from __future__ import annotations

import base64
import os
import re
import xml.etree.ElementTree as ET
from decimal import Decimal, InvalidOperation

XS = "http://www.w3.org/2001/XMLSchema"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XML_NS = "http://www.w3.org/XML/1998/namespace"


def xs(local: str) -> str:
    return "{%s}%s" % (XS, local)


class SchemaError(Exception):
    pass


# --------------------------------------------------------------------------------------
# Schema documents
# --------------------------------------------------------------------------------------


class SchemaDoc:
    def __init__(self, path: str):
        self.path = path
        self.nsmaps: dict[ET.Element, dict[str, str]] = {}
        stack: list[dict[str, str]] = [{"xml": XML_NS}]
        pending: dict[str, str] = {}
        it = ET.iterparse(path, events=("start-ns", "start", "end"))
        for ev, obj in it:
            if ev == "start-ns":
                prefix, uri = obj
                pending[prefix or ""] = uri
            elif ev == "start":
                m = dict(stack[-1])
                m.update(pending)
                pending = {}
                stack.append(m)
                self.nsmaps[obj] = m
            else:
                stack.pop()
        self.root = it.root
        if self.root.tag != xs("schema"):
            raise SchemaError(f"{path}: not an xs:schema document")
        self.tns = self.root.get("targetNamespace") or ""
        self.efd = self.root.get("elementFormDefault", "unqualified")
        self.afd = self.root.get("attributeFormDefault", "unqualified")

    def qname(self, elem: ET.Element, value: str) -> tuple[str, str]:
        """Resolve a QName-valued attribute in the scope of `elem`."""
        value = value.strip()
        nsmap = self.nsmaps[elem]
        if ":" in value:
            prefix, local = value.split(":", 1)
            if prefix not in nsmap:
                raise SchemaError(f"{self.path}: unknown prefix {prefix!r} in {value!r}")
            return (nsmap[prefix], local)
        return (nsmap.get("", ""), value)


# --------------------------------------------------------------------------------------
# Components
# --------------------------------------------------------------------------------------


class SimpleType:
    """A simple type. `builtin` is the nearest built-in ancestor's local name."""

    def __init__(self, name=None, doc=None):
        self.name = name  # (ns, local) or None
        self.doc = doc
        self.variety = "atomic"
        self.builtin = "anySimpleType"
        self.base: SimpleType | None = None
        self.item: SimpleType | None = None
        self.members: list[SimpleType] = []
        # facets of this level only; see all_facets()
        self.own: dict[str, object] = {}
        self.own_patterns: list[str] = []
        self.own_enums: list[str] = []
        self.whitespace = None
        self.decl_hint = None  # element/attribute name for anonymous types

    def label(self) -> str:
        if self.name:
            return self.name[1]
        if self.decl_hint:
            return self.decl_hint
        return "anon"

    def chain(self):
        t = self
        while t is not None:
            yield t
            t = t.base

    def facet(self, name):
        for t in self.chain():
            if name in t.own:
                return t.own[name]
        return None

    def pattern_levels(self) -> list[list[str]]:
        return [t.own_patterns for t in self.chain() if t.own_patterns]

    def enum_levels(self) -> list[list[str]]:
        return [t.own_enums for t in self.chain() if t.own_enums]

    def ws(self) -> str:
        for t in self.chain():
            if t.whitespace:
                return t.whitespace
        if self.variety in ("list",):
            return "collapse"
        if self.variety == "union":
            return "preserve"
        return BUILTIN_WS.get(self.builtin, "collapse")

    def primitive(self) -> str:
        return BUILTIN_PRIMITIVE.get(self.builtin, self.builtin)

    def is_builtin(self) -> bool:
        return self.name is not None and self.name[0] == XS


class ElemDecl:
    def __init__(self, qname, doc, is_global):
        self.qname = qname
        self.doc = doc
        self.is_global = is_global
        self.type = None  # SimpleType | ComplexType
        self.fixed = None
        self.default = None
        self.nillable = False
        self.abstract = False

    def label(self):
        return self.qname[1]


class AttrUse:
    def __init__(self, qname, type_, required=False, fixed=None, default=None, prohibited=False):
        self.qname = qname
        self.type = type_
        self.required = required
        self.fixed = fixed
        self.default = default
        self.prohibited = prohibited


class Wildcard:
    def __init__(self, constraint: str, tns: str, process: str):
        self.constraint = constraint.split() if constraint else ["##any"]
        self.tns = tns
        self.process = process

    def allows(self, ns: str) -> bool:
        c = self.constraint
        if c == ["##any"]:
            return True
        if c == ["##other"]:
            return ns != self.tns and ns != ""
        allowed = set()
        for tok in c:
            if tok == "##targetNamespace":
                allowed.add(self.tns)
            elif tok == "##local":
                allowed.add("")
            else:
                allowed.add(tok)
        return ns in allowed


class Group:
    def __init__(self, kind, particles):
        self.kind = kind  # sequence | choice | all
        self.particles = particles


class Particle:
    def __init__(self, min_, max_, term):
        self.min = min_
        self.max = max_  # None = unbounded
        self.term = term  # ElemDecl | Group | Wildcard


class ComplexType:
    def __init__(self, name=None, doc=None):
        self.name = name
        self.doc = doc
        self.mixed = False
        self.particle: Particle | None = None
        self.simple: SimpleType | None = None  # simple content
        self.attrs: dict[tuple[str, str], AttrUse] = {}
        self.attr_wildcard: Wildcard | None = None
        self.is_anytype = False
        self.decl_hint = None

    @property
    def content(self):
        if self.is_anytype:
            return "mixed"
        if self.simple is not None:
            return "simple"
        if self.particle is None or particle_is_empty(self.particle):
            return "mixed" if self.mixed else "empty"
        return "mixed" if self.mixed else "elements"

    def label(self):
        if self.name:
            return self.name[1]
        return self.decl_hint or "anon"


def particle_is_empty(p: Particle) -> bool:
    if p.max == 0:
        return True
    t = p.term
    if isinstance(t, Group):
        return all(particle_is_empty(c) for c in t.particles)
    return False


# --------------------------------------------------------------------------------------
# Built-in types
# --------------------------------------------------------------------------------------

BUILTIN_PARENT = {
    "anySimpleType": None,
    "string": "anySimpleType",
    "normalizedString": "string",
    "token": "normalizedString",
    "language": "token",
    "Name": "token",
    "NMTOKEN": "token",
    "NCName": "Name",
    "ID": "NCName",
    "IDREF": "NCName",
    "ENTITY": "NCName",
    "boolean": "anySimpleType",
    "decimal": "anySimpleType",
    "integer": "decimal",
    "nonPositiveInteger": "integer",
    "negativeInteger": "nonPositiveInteger",
    "long": "integer",
    "int": "long",
    "short": "int",
    "byte": "short",
    "nonNegativeInteger": "integer",
    "unsignedLong": "nonNegativeInteger",
    "unsignedInt": "unsignedLong",
    "unsignedShort": "unsignedInt",
    "unsignedByte": "unsignedShort",
    "positiveInteger": "nonNegativeInteger",
    "float": "anySimpleType",
    "double": "anySimpleType",
    "duration": "anySimpleType",
    "dateTime": "anySimpleType",
    "time": "anySimpleType",
    "date": "anySimpleType",
    "gYearMonth": "anySimpleType",
    "gYear": "anySimpleType",
    "gMonthDay": "anySimpleType",
    "gDay": "anySimpleType",
    "gMonth": "anySimpleType",
    "hexBinary": "anySimpleType",
    "base64Binary": "anySimpleType",
    "anyURI": "anySimpleType",
    "QName": "anySimpleType",
    "NOTATION": "anySimpleType",
}
BUILTIN_LISTS = {"NMTOKENS": "NMTOKEN", "IDREFS": "IDREF", "ENTITIES": "ENTITY"}


def _primitive(name):
    while BUILTIN_PARENT.get(name) not in (None, "anySimpleType"):
        name = BUILTIN_PARENT[name]
    return name


BUILTIN_PRIMITIVE = {n: _primitive(n) for n in BUILTIN_PARENT}
BUILTIN_WS = {n: "collapse" for n in BUILTIN_PARENT}
BUILTIN_WS["string"] = "preserve"
BUILTIN_WS["anySimpleType"] = "preserve"
BUILTIN_WS["normalizedString"] = "replace"

INTEGER_BOUNDS = {
    "nonPositiveInteger": (None, 0),
    "negativeInteger": (None, -1),
    "long": (-(2**63), 2**63 - 1),
    "int": (-(2**31), 2**31 - 1),
    "short": (-(2**15), 2**15 - 1),
    "byte": (-128, 127),
    "nonNegativeInteger": (0, None),
    "unsignedLong": (0, 2**64 - 1),
    "unsignedInt": (0, 2**32 - 1),
    "unsignedShort": (0, 2**16 - 1),
    "unsignedByte": (0, 255),
    "positiveInteger": (1, None),
}


def builtin_ancestors(name):
    while name is not None:
        yield name
        name = BUILTIN_PARENT.get(name)


# --------------------------------------------------------------------------------------
# The schema set
# --------------------------------------------------------------------------------------


class SchemaSet:
    def __init__(self, entry: str):
        self.entry = os.path.abspath(entry)
        self.docs: dict[str, SchemaDoc] = {}
        self.raw: dict[str, dict[tuple[str, str], tuple[ET.Element, SchemaDoc]]] = {
            k: {} for k in ("element", "type", "group", "attributeGroup", "attribute")
        }
        self.elements: dict[tuple[str, str], ElemDecl] = {}
        self.types: dict[tuple[str, str], object] = {}
        self._groups: dict[tuple[str, str], Particle] = {}
        self._attr_groups: dict = {}
        self._attributes: dict = {}
        self._building: set = set()
        self.prefixes: dict[str, str] = {}
        self.anytype = ComplexType(name=(XS, "anyType"))
        self.anytype.is_anytype = True
        self.anytype.mixed = True
        self.types[(XS, "anyType")] = self.anytype
        self._load(self.entry)
        for q in list(self.raw["element"]):
            self.element(q)

    # ---- loading ----

    def _load(self, path):
        path = os.path.abspath(path)
        if path in self.docs:
            return
        doc = SchemaDoc(path)
        self.docs[path] = doc
        for pfx, uri in doc.nsmaps[doc.root].items():
            if pfx and pfx != "xml" and uri not in self.prefixes:
                self.prefixes[uri] = pfx
        base = os.path.dirname(path)
        for child in doc.root:
            tag = child.tag
            if not isinstance(tag, str):
                continue
            if tag in (xs("include"), xs("import")):
                loc = child.get("schemaLocation")
                if loc:
                    self._load(os.path.join(base, loc))
            elif tag == xs("redefine"):
                raise SchemaError(f"{path}: xs:redefine is not supported")
            elif tag in (xs("element"), xs("complexType"), xs("simpleType"), xs("group"),
                         xs("attributeGroup"), xs("attribute")):
                kind = tag.split("}")[1]
                if kind in ("complexType", "simpleType"):
                    kind = "type"
                q = (doc.tns, child.get("name"))
                self.raw[kind].setdefault(q, (child, doc))

    # ---- resolution ----

    def element(self, q) -> ElemDecl:
        if q in self.elements:
            return self.elements[q]
        if q not in self.raw["element"]:
            raise SchemaError(f"no global element {q}")
        node, doc = self.raw["element"][q]
        decl = ElemDecl(q, doc, True)
        self.elements[q] = decl
        self._fill_element(decl, node, doc)
        return decl

    def type(self, q):
        if q in self.types:
            return self.types[q]
        if q[0] == XS:
            return self._builtin(q[1])
        if q not in self.raw["type"]:
            raise SchemaError(f"no type {q}")
        node, doc = self.raw["type"][q]
        if node.tag == xs("simpleType"):
            t = SimpleType(q, doc)
            self.types[q] = t
            self._fill_simple(t, node, doc)
        else:
            t = ComplexType(q, doc)
            self.types[q] = t
            self._fill_complex(t, node, doc)
        return t

    def _builtin(self, local):
        q = (XS, local)
        if local in BUILTIN_LISTS:
            t = SimpleType(q)
            t.variety = "list"
            t.item = self._builtin(BUILTIN_LISTS[local])
            self.types[q] = t
            return t
        if local not in BUILTIN_PARENT:
            raise SchemaError(f"unknown built-in type xs:{local}")
        t = SimpleType(q)
        t.builtin = local
        self.types[q] = t
        return t

    def _fill_element(self, decl, node, doc):
        decl.fixed = node.get("fixed")
        decl.default = node.get("default")
        decl.nillable = node.get("nillable") in ("true", "1")
        decl.abstract = node.get("abstract") in ("true", "1")
        if node.get("substitutionGroup"):
            raise SchemaError("substitution groups are not supported")
        if node.get("type"):
            decl.type = self.type(doc.qname(node, node.get("type")))
            return
        for c in node:
            if c.tag == xs("simpleType"):
                t = SimpleType(None, doc)
                t.decl_hint = decl.qname[1]
                self._fill_simple(t, c, doc)
                decl.type = t
                return
            if c.tag == xs("complexType"):
                t = ComplexType(None, doc)
                t.decl_hint = decl.qname[1]
                self._fill_complex(t, c, doc)
                decl.type = t
                return
        decl.type = self.anytype

    def _fill_simple(self, t: SimpleType, node, doc):
        for c in node:
            if c.tag == xs("restriction"):
                if c.get("base"):
                    base = self.type(doc.qname(c, c.get("base")))
                else:
                    base = SimpleType(None, doc)
                    sub = c.find(xs("simpleType"))
                    self._fill_simple(base, sub, doc)
                if not isinstance(base, SimpleType):
                    raise SchemaError("simple type restricting a complex type")
                t.base = base
                t.variety = base.variety
                t.builtin = base.builtin
                t.item = base.item
                t.members = base.members
                self._read_facets(t, c, doc)
                return
            if c.tag == xs("list"):
                t.variety = "list"
                if c.get("itemType"):
                    t.item = self.type(doc.qname(c, c.get("itemType")))
                else:
                    it = SimpleType(None, doc)
                    self._fill_simple(it, c.find(xs("simpleType")), doc)
                    t.item = it
                return
            if c.tag == xs("union"):
                t.variety = "union"
                for m in (c.get("memberTypes") or "").split():
                    t.members.append(self.type(doc.qname(c, m)))
                for sub in c.findall(xs("simpleType")):
                    mt = SimpleType(None, doc)
                    self._fill_simple(mt, sub, doc)
                    t.members.append(mt)
                return

    def _read_facets(self, t, node, doc):
        for f in node:
            if not isinstance(f.tag, str) or not f.tag.startswith("{%s}" % XS):
                continue
            name = f.tag.split("}")[1]
            v = f.get("value")
            if name == "pattern":
                t.own_patterns.append(v)
            elif name == "enumeration":
                t.own_enums.append(v)
            elif name == "whiteSpace":
                t.whitespace = v
            elif name in ("length", "minLength", "maxLength", "totalDigits", "fractionDigits"):
                t.own[name] = int(v)
            elif name in ("minInclusive", "maxInclusive", "minExclusive", "maxExclusive"):
                t.own[name] = v
            elif name in ("annotation", "simpleType"):
                pass
            else:
                raise SchemaError(f"unknown facet {name}")

    def _fill_complex(self, t: ComplexType, node, doc):
        t.mixed = node.get("mixed") in ("true", "1")
        own_particle = None
        for c in node:
            if not isinstance(c.tag, str):
                continue
            if c.tag == xs("simpleContent"):
                self._fill_simple_content(t, c, doc)
                return
            if c.tag == xs("complexContent"):
                if c.get("mixed") in ("true", "1"):
                    t.mixed = True
                self._fill_complex_content(t, c, doc)
                return
            if c.tag in (xs("sequence"), xs("choice"), xs("all"), xs("group")):
                own_particle = self._particle(c, doc)
        t.particle = own_particle
        self._read_attrs(t, node, doc)

    def _fill_complex_content(self, t, cc, doc):
        for d in cc:
            if d.tag not in (xs("extension"), xs("restriction")):
                continue
            base = self.type(doc.qname(d, d.get("base")))
            own = None
            for c in d:
                if c.tag in (xs("sequence"), xs("choice"), xs("all"), xs("group")):
                    own = self._particle(c, doc)
            if d.tag == xs("extension"):
                if not isinstance(base, ComplexType):
                    raise SchemaError("complexContent extension of a simple type")
                if base.is_anytype:
                    t.particle = own
                elif base.particle is None or particle_is_empty(base.particle):
                    t.particle = own
                elif own is None or particle_is_empty(own):
                    t.particle = base.particle
                else:
                    t.particle = Particle(1, 1, Group("sequence", [base.particle, own]))
                t.attrs.update(base.attrs)
                t.attr_wildcard = base.attr_wildcard
                t.mixed = t.mixed or base.mixed
            else:
                t.particle = own
                if isinstance(base, ComplexType):
                    t.attrs.update(base.attrs)
                    t.attr_wildcard = base.attr_wildcard
            self._read_attrs(t, d, doc)
            return

    def _fill_simple_content(self, t, sc, doc):
        for d in sc:
            if d.tag not in (xs("extension"), xs("restriction")):
                continue
            base = self.type(doc.qname(d, d.get("base")))
            if isinstance(base, SimpleType):
                st = base
            else:
                if base.simple is None:
                    raise SchemaError("simpleContent over a non-simple complex type")
                st = base.simple
                t.attrs.update(base.attrs)
                t.attr_wildcard = base.attr_wildcard
            if d.tag == xs("restriction"):
                nst = SimpleType(None, doc)
                nst.base = st
                nst.variety = st.variety
                nst.builtin = st.builtin
                nst.item = st.item
                nst.members = st.members
                nst.decl_hint = t.decl_hint or (t.name[1] if t.name else None)
                self._read_facets(nst, d, doc)
                st = nst
            t.simple = st
            self._read_attrs(t, d, doc)
            return

    def _read_attrs(self, t, node, doc):
        for c in node:
            if c.tag == xs("attribute"):
                u = self._attr_use(c, doc)
                if u.prohibited:
                    t.attrs.pop(u.qname, None)
                else:
                    t.attrs[u.qname] = u
            elif c.tag == xs("attributeGroup"):
                for u in self._attr_group(doc.qname(c, c.get("ref"))):
                    t.attrs[u.qname] = u
            elif c.tag == xs("anyAttribute"):
                t.attr_wildcard = Wildcard(c.get("namespace", "##any"), doc.tns,
                                           c.get("processContents", "strict"))

    def _attr_group(self, q):
        if q in self._attr_groups:
            return self._attr_groups[q]
        node, doc = self.raw["attributeGroup"][q]
        holder = ComplexType()
        self._read_attrs(holder, node, doc)
        self._attr_groups[q] = list(holder.attrs.values())
        return self._attr_groups[q]

    def _attr_use(self, c, doc):
        use = c.get("use", "optional")
        if c.get("ref"):
            q = doc.qname(c, c.get("ref"))
            gnode, gdoc = self.raw["attribute"][q]
            typ = self._attr_type(gnode, gdoc)
            fixed = c.get("fixed", gnode.get("fixed"))
            default = c.get("default", gnode.get("default"))
        else:
            form = c.get("form", doc.afd)
            q = (doc.tns if form == "qualified" else "", c.get("name"))
            typ = self._attr_type(c, doc)
            fixed, default = c.get("fixed"), c.get("default")
        if isinstance(typ, SimpleType) and typ.name is None:
            typ.decl_hint = "@" + q[1]
        return AttrUse(q, typ, use == "required", fixed, default, use == "prohibited")

    def _attr_type(self, node, doc):
        if node.get("type"):
            return self.type(doc.qname(node, node.get("type")))
        st = node.find(xs("simpleType"))
        if st is not None:
            t = SimpleType(None, doc)
            self._fill_simple(t, st, doc)
            return t
        return self.type((XS, "anySimpleType"))

    def _particle(self, c, doc) -> Particle:
        mn = int(c.get("minOccurs", "1"))
        mxs = c.get("maxOccurs", "1")
        mx = None if mxs == "unbounded" else int(mxs)
        tag = c.tag
        if tag == xs("element"):
            if c.get("ref"):
                decl = self.element(doc.qname(c, c.get("ref")))
            else:
                form = c.get("form", doc.efd)
                q = (doc.tns if form == "qualified" else "", c.get("name"))
                decl = ElemDecl(q, doc, False)
                self._fill_element(decl, c, doc)
            return Particle(mn, mx, decl)
        if tag == xs("any"):
            return Particle(mn, mx, Wildcard(c.get("namespace", "##any"), doc.tns,
                                             c.get("processContents", "strict")))
        if tag == xs("group"):
            q = doc.qname(c, c.get("ref"))
            if q not in self._groups:
                gnode, gdoc = self.raw["group"][q]
                for gc in gnode:
                    if gc.tag in (xs("sequence"), xs("choice"), xs("all")):
                        self._groups[q] = self._particle(gc, gdoc)
            inner = self._groups[q]
            return Particle(mn, mx, inner.term)
        kind = tag.split("}")[1]
        parts = [self._particle(x, doc) for x in c
                 if x.tag in (xs("element"), xs("any"), xs("group"), xs("sequence"), xs("choice"))]
        return Particle(mn, mx, Group(kind, parts))

    # ---- queries ----

    def global_elements_named(self, local):
        return [d for q, d in self.elements.items() if q[1] == local]


# --------------------------------------------------------------------------------------
# XSD regular expressions: translation to Python and example generation
# --------------------------------------------------------------------------------------

_CLASS_ESC = {
    "d": "0-9",
    "s": " \\t\\n\\r",
    "w": "\\w",
    "i": "A-Za-z_:",
    "c": "-.0-9A-Za-z_:",
}


def xsd_regex_to_python(pat: str) -> str:
    """Translate the XSD regex subset used by the corpus to a Python regex (fullmatch)."""
    out = []
    i = 0
    in_class = False
    while i < len(pat):
        ch = pat[i]
        if ch == "\\":
            nx = pat[i + 1]
            if nx in "dsiwc" and not in_class:
                out.append("[" + _CLASS_ESC[nx] + "]")
            elif nx in "dsiwc":
                out.append(_CLASS_ESC[nx])
            elif nx in "DSIWC":
                if in_class:
                    raise SchemaError("negated class escape inside a class")
                out.append("[^" + _CLASS_ESC[nx.lower()] + "]")
            elif nx in "pP":
                raise SchemaError("\\p{} is not supported")
            elif nx == "n":
                out.append("\\n")
            elif nx == "r":
                out.append("\\r")
            elif nx == "t":
                out.append("\\t")
            else:
                out.append("\\" + nx)
            i += 2
            continue
        if in_class:
            if ch == "]":
                in_class = False
            elif ch == "[":
                raise SchemaError("character class subtraction is not supported")
            out.append(ch)
        else:
            if ch == "[":
                in_class = True
                out.append(ch)
                if i + 1 < len(pat) and pat[i + 1] == "^":
                    out.append("^")
                    i += 1
            elif ch in "^$":
                out.append("\\" + ch)
            else:
                out.append(ch)
        i += 1
    return "(?:" + "".join(out) + ")"


def pattern_matches(pat: str, value: str) -> bool:
    return re.fullmatch(xsd_regex_to_python(pat), value, flags=re.DOTALL) is not None


class _RegexParser:
    """Parses the XSD regex subset into a tiny AST for generating example strings."""

    def __init__(self, pat):
        self.p = pat
        self.i = 0

    def parse(self):
        node = self.alt()
        if self.i != len(self.p):
            raise SchemaError(f"cannot parse pattern {self.p!r}")
        return node

    def alt(self):
        branches = [self.seq()]
        while self.i < len(self.p) and self.p[self.i] == "|":
            self.i += 1
            branches.append(self.seq())
        return ("alt", branches)

    def seq(self):
        items = []
        while self.i < len(self.p) and self.p[self.i] not in "|)":
            atom = self.atom()
            mn, mx = self.quant()
            items.append((atom, mn, mx))
        return ("seq", items)

    def quant(self):
        if self.i >= len(self.p):
            return 1, 1
        c = self.p[self.i]
        if c == "?":
            self.i += 1
            return 0, 1
        if c == "*":
            self.i += 1
            return 0, None
        if c == "+":
            self.i += 1
            return 1, None
        if c == "{":
            j = self.p.index("}", self.i)
            body = self.p[self.i + 1:j]
            self.i = j + 1
            if "," in body:
                a, b = body.split(",", 1)
                return int(a), (int(b) if b else None)
            return int(body), int(body)
        return 1, 1

    def atom(self):
        c = self.p[self.i]
        if c == "(":
            self.i += 1
            node = self.alt()
            if self.p[self.i] != ")":
                raise SchemaError("unbalanced (")
            self.i += 1
            return node
        if c == "[":
            return self.klass()
        if c == "\\":
            e = self.p[self.i + 1]
            self.i += 2
            if e == "d":
                return ("class", _chars("0-9"), False)
            if e == "s":
                return ("class", [" ", "\t", "\n", "\r"], False)
            if e == "S":
                return ("class", [" ", "\t", "\n", "\r"], True)
            if e == "D":
                return ("class", _chars("0-9"), True)
            if e == "w":
                return ("class", _chars("a-zA-Z0-9"), False)
            return ("char", {"n": "\n", "r": "\r", "t": "\t"}.get(e, e))
        if c == ".":
            self.i += 1
            return ("class", ["\n", "\r"], True)
        self.i += 1
        return ("char", c)

    def klass(self):
        self.i += 1
        neg = False
        if self.p[self.i] == "^":
            neg = True
            self.i += 1
        chars = []
        first = True
        while first or self.p[self.i] != "]":
            first = False
            c = self.p[self.i]
            if c == "\\":
                e = self.p[self.i + 1]
                self.i += 2
                if e == "d":
                    chars += _chars("0-9")
                    continue
                if e == "s":
                    chars += [" ", "\t", "\n", "\r"]
                    continue
                lit = {"n": "\n", "r": "\r", "t": "\t"}.get(e, e)
            else:
                lit = c
                self.i += 1
            if self.p[self.i] == "-" and self.p[self.i + 1] != "]":
                hi = self.p[self.i + 1]
                if hi == "\\":
                    hi = self.p[self.i + 2]
                    self.i += 3
                else:
                    self.i += 2
                chars += [chr(x) for x in range(ord(lit), ord(hi) + 1)]
            else:
                chars.append(lit)
        self.i += 1
        return ("class", chars, neg)


def _chars(spec):
    out = []
    i = 0
    while i < len(spec):
        if i + 2 < len(spec) and spec[i + 1] == "-":
            out += [chr(x) for x in range(ord(spec[i]), ord(spec[i + 2]) + 1)]
            i += 3
        else:
            out.append(spec[i])
            i += 1
    return out


_NEG_POOL = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ.-_"


def regex_branches(pat):
    ast = _RegexParser(pat).parse()
    return ast[1]


def regex_example(pat: str, branch: int = 0, seed: int = 0) -> str:
    """A deterministic example string for `pat`, using top-level alternative `branch`."""
    ast = _RegexParser(pat).parse()
    branches = ast[1]
    counter = [seed]

    def gen(node):
        kind = node[0]
        if kind == "alt":
            return gen(node[1][0])
        if kind == "seq":
            out = []
            for atom, mn, mx in node[1]:
                n = mn
                if mn == 0 and (mx is None or mx > 1):
                    n = 1
                for _ in range(n):
                    out.append(gen(atom))
            return "".join(out)
        if kind == "char":
            return node[1]
        if kind == "class":
            chars, neg = node[1], node[2]
            pool = [c for c in _NEG_POOL if c not in chars] if neg else [c for c in chars if c.isalnum()] or chars
            c = pool[counter[0] % len(pool)]
            counter[0] += 1
            return c
        raise SchemaError(kind)

    return gen(branches[branch])


# --------------------------------------------------------------------------------------
# Simple value checking (the generator's own "intent" oracle)
# --------------------------------------------------------------------------------------


def normalize_ws(value: str, ws: str) -> str:
    if ws == "preserve":
        return value
    v = re.sub(r"[\t\n\r]", " ", value)
    if ws == "collapse":
        v = re.sub(r" +", " ", v).strip(" ")
    return v


_DEC_RE = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_INT_RE = re.compile(r"[+-]?\d+")
_TZ = r"(Z|[+-](\d\d):(\d\d))?"
_DATE_RE = re.compile(r"(-?)(\d{4,})-(\d\d)-(\d\d)" + _TZ)
_DT_RE = re.compile(r"(-?)(\d{4,})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(\.\d+)?" + _TZ)
_B64_RE = re.compile(
    r"((([A-Za-z0-9+/] ?){4})*(([A-Za-z0-9+/] ?){3}[A-Za-z0-9+/]|([A-Za-z0-9+/] ?){2}"
    r"[AEIMQUYcgkosw048] ?=|[A-Za-z0-9+/] ?[AQgw] ?= ?=))?")
_NCNAME_RE = re.compile(r"[A-Za-z_][-.A-Za-z0-9_\u00b7\u00c0-\uffff]*")


def _days_in_month(y, m):
    if m == 2:
        leap = (y % 4 == 0 and y % 100 != 0) or y % 400 == 0
        return 29 if leap else 28
    return 30 if m in (4, 6, 9, 11) else 31


def _tz_ok(m, base):
    if m.group(base) in (None, "Z"):
        return True
    hh, mm = int(m.group(base + 1)), int(m.group(base + 2))
    return (hh < 14 and mm < 60) or (hh == 14 and mm == 0)


def check_builtin(builtin: str, v: str) -> str | None:
    """Return a problem description if `v` (already whitespace-normalised) is not in the
    lexical space of the built-in type, else None."""
    anc = list(builtin_ancestors(builtin))
    prim = BUILTIN_PRIMITIVE.get(builtin, builtin)
    if prim in ("string", "anySimpleType"):
        if "NCName" in anc and not _NCNAME_RE.fullmatch(v):
            return f"not an NCName: {v!r}"
        return None
    if prim == "boolean":
        return None if v in ("true", "false", "1", "0") else f"not a boolean: {v!r}"
    if prim == "decimal":
        if "integer" in anc:
            if not _INT_RE.fullmatch(v):
                return f"not an integer: {v!r}"
            n = int(v)
            lo, hi = INTEGER_BOUNDS.get(builtin, (None, None))
            for a in anc:
                if a in INTEGER_BOUNDS:
                    lo, hi = INTEGER_BOUNDS[a]
                    break
            if lo is not None and n < lo or hi is not None and n > hi:
                return f"{v} outside the range of xs:{builtin}"
            return None
        return None if _DEC_RE.fullmatch(v) else f"not a decimal: {v!r}"
    if prim == "date":
        m = _DATE_RE.fullmatch(v)
        if not m:
            return f"not a date: {v!r}"
        y, mo, d = int(m.group(2)), int(m.group(3)), int(m.group(4))
        if y == 0 or not 1 <= mo <= 12 or not 1 <= d <= _days_in_month(y, mo) or not _tz_ok(m, 5):
            return f"not a date: {v!r}"
        return None
    if prim == "dateTime":
        m = _DT_RE.fullmatch(v)
        if not m:
            return f"not a dateTime: {v!r}"
        y, mo, d = int(m.group(2)), int(m.group(3)), int(m.group(4))
        hh, mi, ss = int(m.group(5)), int(m.group(6)), int(m.group(7))
        frac = m.group(8)
        if y == 0 or not 1 <= mo <= 12 or not 1 <= d <= _days_in_month(y, mo):
            return f"not a dateTime: {v!r}"
        if hh == 24:
            if mi != 0 or ss != 0 or (frac and int(frac[1:]) != 0):
                return f"not a dateTime: {v!r}"
        elif hh > 23 or mi > 59 or ss > 59:
            return f"not a dateTime: {v!r}"
        if not _tz_ok(m, 9):
            return f"not a dateTime: {v!r}"
        return None
    if prim == "base64Binary":
        return None if _B64_RE.fullmatch(v) else f"not base64: {v!r}"
    if prim == "hexBinary":
        return None if re.fullmatch(r"([0-9a-fA-F]{2})*", v) else f"not hex: {v!r}"
    if prim == "anyURI":
        return None
    if prim in ("float", "double"):
        ok = re.fullmatch(r"(\+|-)?(\d+(\.\d*)?|\.\d+)([Ee](\+|-)?\d+)?|-?INF|NaN", v)
        return None if ok else f"not a {prim}: {v!r}"
    return None


def _value_key(builtin, v):
    prim = BUILTIN_PRIMITIVE.get(builtin, builtin)
    if prim == "decimal":
        try:
            return ("num", Decimal(v))
        except InvalidOperation:
            return ("str", v)
    if prim == "boolean":
        return ("bool", v in ("true", "1"))
    if prim == "base64Binary":
        try:
            return ("bin", base64.b64decode(v.replace(" ", "")))
        except Exception:
            return ("str", v)
    return ("str", v)


def _length_of(st: SimpleType, v: str) -> int:
    prim = st.primitive()
    if prim == "base64Binary":
        return len(base64.b64decode(v.replace(" ", "")))
    if prim == "hexBinary":
        return len(v) // 2
    return len(v)


def check_simple(st: SimpleType, raw: str) -> list[str]:
    """Problems of `raw` against simple type `st` (empty list = valid)."""
    v = normalize_ws(raw, st.ws())
    if st.variety == "union":
        for m in st.members:
            if not check_simple(m, raw):
                break
        else:
            return [f"{v!r} matches no member of the union"]
        return _check_facets(st, v, None)
    if st.variety == "list":
        items = v.split(" ") if v else []
        probs = []
        for it in items:
            probs += check_simple(st.item, it)
        probs += _check_facets(st, v, len(items))
        return probs
    p = check_builtin(st.builtin, v)
    if p:
        return [p]
    return _check_facets(st, v, None)


def _check_facets(st: SimpleType, v: str, list_len) -> list[str]:
    probs = []
    length = list_len
    if length is None and st.variety == "atomic":
        prim = st.primitive()
        if prim in ("string", "anyURI", "base64Binary", "hexBinary", "anySimpleType", "QName"):
            length = _length_of(st, v)
    for t in st.chain():
        o = t.own
        if length is not None:
            if "length" in o and length != o["length"]:
                probs.append(f"length {length} != {o['length']}")
            if "minLength" in o and length < o["minLength"]:
                probs.append(f"length {length} < minLength {o['minLength']}")
            if "maxLength" in o and length > o["maxLength"]:
                probs.append(f"length {length} > maxLength {o['maxLength']}")
        if st.variety == "atomic" and st.primitive() == "decimal":
            try:
                n = Decimal(v)
            except InvalidOperation:
                n = None
            if n is not None:
                if "minInclusive" in o and n < Decimal(o["minInclusive"]):
                    probs.append(f"{v} < minInclusive {o['minInclusive']}")
                if "maxInclusive" in o and n > Decimal(o["maxInclusive"]):
                    probs.append(f"{v} > maxInclusive {o['maxInclusive']}")
                if "minExclusive" in o and n <= Decimal(o["minExclusive"]):
                    probs.append(f"{v} <= minExclusive {o['minExclusive']}")
                if "maxExclusive" in o and n >= Decimal(o["maxExclusive"]):
                    probs.append(f"{v} >= maxExclusive {o['maxExclusive']}")
                digits = v.lstrip("+-")
                ip, _, fp = digits.partition(".")
                fp = fp.rstrip("0")
                ip = ip.lstrip("0")
                if "totalDigits" in o and len(ip) + len(fp) > o["totalDigits"]:
                    probs.append(f"{v} has more than {o['totalDigits']} digits")
                if "fractionDigits" in o and len(fp) > o["fractionDigits"]:
                    probs.append(f"{v} has more than {o['fractionDigits']} fraction digits")
    for level in st.pattern_levels():
        if not any(pattern_matches(p, v) for p in level):
            probs.append(f"{v!r} does not match pattern {' | '.join(level)}")
    for level in st.enum_levels():
        key = _value_key(st.builtin, v)
        if key not in [_value_key(st.builtin, e) for e in level]:
            probs.append(f"{v!r} not in enumeration")
    return probs


def values_equal(st: SimpleType, a: str, b: str) -> bool:
    a = normalize_ws(a, st.ws())
    b = normalize_ws(b, st.ws())
    if st.variety != "atomic":
        return a == b
    return _value_key(st.builtin, a) == _value_key(st.builtin, b)


# --------------------------------------------------------------------------------------
# Instance trees
# --------------------------------------------------------------------------------------


class Node:
    __slots__ = ("ns", "local", "attrs", "children", "text", "raw")

    def __init__(self, ns, local, text=None, children=None, attrs=None, raw=None):
        self.ns = ns
        self.local = local
        self.text = text  # simple content / mixed leading text (the logical character data)
        self.raw = raw  # if set: the serialised form of `text` (markup such as comments/CDATA)
        self.children: list[Node] = children if children is not None else []
        self.attrs: list[tuple[str, str, str]] = attrs if attrs is not None else []

    @property
    def qname(self):
        return (self.ns, self.local)

    def copy(self):
        return Node(self.ns, self.local, self.text, [c.copy() for c in self.children], list(self.attrs),
                    self.raw)


# --------------------------------------------------------------------------------------
# Content-model matching (intent oracle)
# --------------------------------------------------------------------------------------


def _match_particle(p: Particle, seq, i, limit=None) -> set[int]:
    results = set()
    if p.min == 0:
        results.add(i)
    frontier = {i}
    count = 0
    cap = len(seq) + 2
    while frontier and (p.max is None or count < p.max) and count <= cap:
        count += 1
        new = set()
        for j in frontier:
            new |= _match_term(p.term, seq, j)
        if count >= p.min:
            results |= new
        if new == frontier:
            break
        frontier = new
    return results


def _match_term(t, seq, i) -> set[int]:
    if isinstance(t, ElemDecl):
        return {i + 1} if i < len(seq) and seq[i].qname == t.qname else set()
    if isinstance(t, Wildcard):
        return {i + 1} if i < len(seq) and t.allows(seq[i].ns) else set()
    if t.kind == "sequence":
        pos = {i}
        for c in t.particles:
            nxt = set()
            for j in pos:
                nxt |= _match_particle(c, seq, j)
            pos = nxt
            if not pos:
                break
        return pos
    if t.kind == "choice":
        out = set()
        for c in t.particles:
            out |= _match_particle(c, seq, i)
        return out
    # all
    out = set()

    def rec(j, remaining):
        if all(c.min == 0 for c in remaining):
            out.add(j)
        if j >= len(seq):
            return
        for c in remaining:
            if c.term.qname == seq[j].qname:
                rec(j + 1, [r for r in remaining if r is not c])
                break

    rec(i, list(t.particles))
    return out


def local_decls(p: Particle | None, out=None):
    """Element declarations and wildcards reachable in a content model (by qname)."""
    if out is None:
        out = ({}, [])
    if p is None:
        return out
    t = p.term
    if isinstance(t, ElemDecl):
        out[0].setdefault(t.qname, t)
    elif isinstance(t, Wildcard):
        out[1].append(t)
    else:
        for c in t.particles:
            local_decls(c, out)
    return out


class Checker:
    """Validates a Node tree against a SchemaSet. Returns a list of problem strings."""

    def __init__(self, schema: SchemaSet):
        self.s = schema

    def document(self, root: Node) -> list[str]:
        decl = self.s.elements.get(root.qname)
        if decl is None:
            return [f"no global declaration for root {root.qname}"]
        return self.element(root, decl, "/" + root.local)

    def element(self, node: Node, decl: ElemDecl, path) -> list[str]:
        probs = []
        t = decl.type
        for (ans, al, av) in node.attrs:
            if ans == XSI and al == "nil":
                if not decl.nillable:
                    probs.append(f"{path}: xsi:nil on an element that is not nillable")
                elif av.strip() in ("true", "1") and (node.children or node.text):
                    probs.append(f"{path}: xsi:nil='true' element has content")
            elif ans == XSI:
                probs.append(f"{path}: xsi:{al} is not supported by this oracle")
        if isinstance(t, SimpleType):
            if node.children:
                probs.append(f"{path}: element children in a simple-typed element")
            probs += self._attrs(node, None, path)
            text = node.text or ""
            if decl.fixed is not None and text == "" :
                text = decl.fixed
            if decl.default is not None and text == "":
                text = decl.default
            probs += [f"{path}: {p}" for p in check_simple(t, text)]
            if decl.fixed is not None and not check_simple(t, text) and not values_equal(t, text, decl.fixed):
                probs.append(f"{path}: value {text!r} differs from fixed {decl.fixed!r}")
            return probs
        # complex type
        probs += self._attrs(node, t, path)
        if t.is_anytype:
            for c in node.children:
                d = self.s.elements.get(c.qname)
                if d is not None:
                    probs += self.element(c, d, f"{path}/{c.local}")
            return probs
        content = t.content
        if content == "simple":
            if node.children:
                probs.append(f"{path}: element children in simple content")
            text = node.text or ""
            if decl.fixed is not None and text == "":
                text = decl.fixed
            probs += [f"{path}: {p}" for p in check_simple(t.simple, text)]
            return probs
        if content in ("empty", "elements") and node.text and node.text.strip():
            probs.append(f"{path}: character data in element-only content")
        if content == "empty":
            if node.children:
                probs.append(f"{path}: element children in empty content")
            return probs
        seq = node.children
        if len(seq) not in _match_particle(t.particle, seq, 0):
            probs.append(f"{path}: children {[c.local for c in seq]} do not match the content model")
            return probs
        decls, wildcards = local_decls(t.particle)
        for c in seq:
            cp = f"{path}/{c.local}"
            d = decls.get(c.qname)
            if d is not None:
                probs += self.element(c, d, cp)
                continue
            w = next((w for w in wildcards if w.allows(c.ns)), None)
            if w is None:
                probs.append(f"{cp}: not allowed")
                continue
            g = self.s.elements.get(c.qname)
            if w.process == "skip":
                continue
            if g is None:
                if w.process == "strict":
                    probs.append(f"{cp}: strict wildcard but no global declaration")
                continue
            probs += self.element(c, g, cp)
        return probs

    def _attrs(self, node: Node, t, path) -> list[str]:
        probs = []
        uses = t.attrs if t is not None else {}
        seen = set()
        for (ans, al, av) in node.attrs:
            if ans == XSI:
                continue
            q = (ans, al)
            seen.add(q)
            u = uses.get(q)
            if u is None:
                w = t.attr_wildcard if t is not None else None
                if w is None or not w.allows(ans):
                    probs.append(f"{path}/@{al}: attribute not allowed")
                continue
            probs += [f"{path}/@{al}: {p}" for p in check_simple(u.type, av)]
            if u.fixed is not None and not values_equal(u.type, av, u.fixed):
                probs.append(f"{path}/@{al}: differs from fixed value")
        for q, u in uses.items():
            if u.required and q not in seen:
                probs.append(f"{path}: required attribute {q[1]} missing")
        return probs
