#!/usr/bin/env python3
"""Check that a real SOAP toolkit (Python's zeep) accepts the oir service packs.

For every WSDL under schemas/ (or the paths given):

* the WSDL loads in zeep (strict mode, no network: every import is a relative file);
* for every operation of every SOAP binding:
  - the binding is SOAP 1.1, document/literal, and the soapAction is US-ASCII and equals
    target namespace + operation name with æ/ø/å spelled ae/oe/aa;
  - zeep builds a request with ``client.create_message(client.service, op, **kwargs)``,
    where kwargs are read from the pack's example request
    (examples/<operation>.request.xml, æøå spelled ae/oe/aa) through zeep's own parser;
  - zeep's request body equals the example (element names and values, in order) and
    validates (lxml/libxml2) against the service's <Service>Msg.xsd;
  - zeep parses the example response(s) with the operation's output message.

An operation without an example request (e.g. in an official package) is built from a
skeleton instead: every required element with a placeholder of its built-in type (zeep does
not keep facets, so such a request is not checked against the XSD). --skeleton forces this for
every operation.

WSDLs without a service (policies.wsdl, sp/*FaultMessage_1.wsdl) are loaded and reported.
Finally the files every pack shares (sp/, wsdl/context/policies.wsdl, xsd/OIRFaellesTypes.xsd,
xsd/DebitorTypes.xsd) must be byte-identical across the packs that have them.

One line per operation (OK / FAIL); exit status 0 when everything passed, 1 otherwise,
2 when zeep is not installed.

    python3 -m pip install zeep        # or in a venv: python3 -m venv .venv && .venv/bin/pip install zeep
    python3 scripts/zeep_check.py      # every pack under schemas/
    python3 scripts/zeep_check.py schemas/SF1590_A schemas/SF1590_E/wsdl/context/NKSForretningssvarHent.wsdl
    python3 scripts/zeep_check.py --skeleton ~/kombit/SF1590_B_01_V3   # an official package
"""

from __future__ import annotations

import argparse
import filecmp
import sys
from pathlib import Path

try:
    import zeep
    from lxml import etree
    from zeep.helpers import serialize_object
except ImportError:  # pragma: no cover - depends on the machine
    print("zeep is not installed: python3 -m pip install zeep", file=sys.stderr)
    sys.exit(2)

SOAP11_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
SHARED = [
    "sp/AuthorityContext_1.xsd",
    "sp/CallContext_1.xsd",
    "sp/InvocationContext_1.xsd",
    "sp/Kvittering_1.xsd",
    "sp/ServiceplatformFaultMessage_1.wsdl",
    "sp/ServiceplatformFault_1.xsd",
    "sp/TransportKvitteringFaultMessage_1.wsdl",
    "wsdl/context/policies.wsdl",
    "xsd/OIRFaellesTypes.xsd",
    "xsd/DebitorTypes.xsd",
]


def ascii_name(name: str) -> str:
    for a, b in (("æ", "ae"), ("ø", "oe"), ("å", "aa"), ("Æ", "Ae"), ("Ø", "Oe"), ("Å", "Aa")):
        name = name.replace(a, b)
    return name


def first_difference(expected, actual) -> str | None:
    """Compare two element trees by names and text (prefixes and whitespace ignored)."""

    def items(root):
        return [
            (etree.QName(e).text, (e.text or "").strip())
            for e in root.iter()
            if isinstance(e.tag, str)
        ]

    a, b = items(expected), items(actual)
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return f"element {i + 1}: example {x}, zeep {y}"
    if len(a) != len(b):
        return f"example has {len(a)} elements, zeep rendered {len(b)}"
    return None


PLACEHOLDERS = {
    "boolean": True,
    "date": "2025-01-01",
    "dateTime": "2025-01-01T12:00:00+01:00",
    "decimal": "1.00",
    "integer": 1,
    "positiveInteger": 1,
    "nonNegativeInteger": 0,
    "int": 1,
    "long": 1,
    "base64Binary": b"x",
}


def skeleton(xsd_type, depth: int = 0):
    """kwargs for a complex type: every required element with a placeholder value."""
    from zeep.xsd import Choice, Element, Group, Sequence

    def value_of(element):
        t = element.type
        if hasattr(t, "elements_nested"):
            return skeleton(t, depth + 1) if depth < 40 else {}
        name = getattr(t, "_default_qname", None) or getattr(t, "qname", None)
        local = name.localname if name is not None else ""
        for cls in type(t).__mro__:
            qn = getattr(cls, "_default_qname", None)
            if qn is not None and qn.localname in PLACEHOLDERS:
                return PLACEHOLDERS[qn.localname]
        return PLACEHOLDERS.get(local, "x")

    def fill(out, name, part):
        if isinstance(part, Element):
            if part.min_occurs == 0:
                return
            v = value_of(part)
            out[name] = [v] * part.min_occurs if part.max_occurs != 1 else v
        elif isinstance(part, Choice):
            if part.min_occurs == 0:
                return
            first_name, first = part.elements[0]
            fill(out, first_name, first)
        elif isinstance(part, (Sequence, Group)):
            if part.min_occurs == 0:
                return
            for n, p in part.elements:
                fill(out, n, p)

    out: dict = {}
    for name, part in xsd_type.elements_nested:
        fill(out, name, part)
    return out


def find_wsdls(paths: list[Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(p.rglob("*.wsdl")))
        else:
            out.append(p)
    return out


def pack_of(wsdl: Path) -> Path | None:
    """The service pack folder of a service WSDL at <pack>/wsdl/context/<Service>.wsdl."""
    if wsdl.parent.name in ("context", "token") and wsdl.parent.parent.name == "wsdl":
        return wsdl.parent.parent.parent
    return None


class Checker:
    def __init__(self, root: Path, force_skeleton: bool = False):
        self.root = root
        self.force_skeleton = force_skeleton
        self.failures = 0
        self.ok = 0

    def rel(self, p: Path) -> str:
        try:
            return str(p.resolve().relative_to(self.root.resolve()))
        except ValueError:
            return str(p)

    def report(self, ok: bool, what: str, detail: str) -> None:
        if ok:
            self.ok += 1
        else:
            self.failures += 1
        print(f"{'OK  ' if ok else 'FAIL'} {what}: {detail}")

    def check_wsdl(self, wsdl: Path) -> None:
        settings = zeep.Settings(strict=True, xml_huge_tree=True)
        try:
            client = zeep.Client(str(wsdl), settings=settings)
        except Exception as e:  # noqa: BLE001 - report whatever zeep raises
            self.report(False, self.rel(wsdl), f"zeep cannot load it: {type(e).__name__}: {e}")
            return
        if not client.wsdl.services:
            self.report(True, self.rel(wsdl), "loaded (no service: policy or fault-message WSDL)")
            return
        pack = pack_of(wsdl)
        msg_schema = None
        if pack is not None:
            msg_xsd = pack / f"{wsdl.stem}Msg.xsd"
            if msg_xsd.exists():
                try:
                    msg_schema = etree.XMLSchema(etree.parse(str(msg_xsd)))
                except etree.XMLSchemaParseError as e:
                    self.report(False, self.rel(msg_xsd), f"libxml2 cannot compile it: {e}")
        for service in client.wsdl.services.values():
            for port in service.ports.values():
                binding = port.binding
                if not isinstance(binding, zeep.wsdl.bindings.Soap11Binding):
                    self.report(False, f"{self.rel(wsdl)} {port.name}", f"binding {binding.name} is not SOAP 1.1")
                    continue
                client_service = client.bind(service.name, port.name)
                for name, op in binding._operations.items():
                    self.check_operation(client, client_service, wsdl, pack, msg_schema, name, op)

    def check_operation(self, client, client_service, wsdl, pack, msg_schema, name, op) -> None:
        what = f"{self.rel(wsdl)} {name}"
        problems: list[str] = []
        action = op.soapaction or ""
        definitions_tns = op.binding.name.namespace
        if not action.isascii():
            problems.append(f"soapAction is not US-ASCII: {action!r}")
        expected_action = f"{definitions_tns}{ascii_name(name)}"
        if action != expected_action:
            problems.append(f"soapAction {action!r} != {expected_action!r}")
        if op.style != "document":
            problems.append(f"style {op.style!r}, expected document")
        if "ServiceplatformFault" not in op.faults:
            problems.append("no ServiceplatformFault fault")

        examples = pack / "examples" if pack is not None and not self.force_skeleton else None
        req_file = examples / f"{ascii_name(name)}.request.xml" if examples else None
        body_len = 0
        built_from = "example"
        if req_file is None or not req_file.exists():
            built_from = "skeleton"
            try:
                kwargs = skeleton(op.input.body.type)
                message = client.create_message(client_service, name, **kwargs)
                body_len = len(etree.tostring(message.find(f"{{{SOAP11_ENV}}}Body")[0]))
            except Exception as e:  # noqa: BLE001
                problems.append(f"request from skeleton: {type(e).__name__}: {e}")
        else:
            try:
                payload = self.body_child(req_file)
                input_element = op.input.body
                obj = input_element.parse(payload, client.wsdl.types)
                kwargs = serialize_object(obj, dict)
                message = client.create_message(client_service, name, **(kwargs or {}))
                body = message.find(f"{{{SOAP11_ENV}}}Body")
                rendered = body[0]
                body_len = len(etree.tostring(rendered))
                if msg_schema is not None and not msg_schema.validate(etree.ElementTree(rendered)):
                    problems.append(f"zeep's request does not validate: {msg_schema.error_log.last_error}")
                diff = first_difference(payload, rendered)
                if diff:
                    problems.append(f"zeep's request differs from the example: {diff}")
            except Exception as e:  # noqa: BLE001
                problems.append(f"request: {type(e).__name__}: {e}")
        responses = sorted(examples.glob(f"{ascii_name(name)}.response*.xml")) if examples else []
        if not responses and built_from == "example":
            problems.append("no example response")
        for resp in responses:
            try:
                envelope = etree.parse(str(resp)).getroot()
                op.output.deserialize(envelope)
            except Exception as e:  # noqa: BLE001
                problems.append(f"{resp.name}: {type(e).__name__}: {e}")
        if problems:
            self.report(False, what, "; ".join(problems))
        else:
            self.report(
                True,
                what,
                f"soapAction {action}; request built from {built_from} ({body_len} bytes), "
                f"{len(responses)} response(s) parsed",
            )

    @staticmethod
    def body_child(path: Path):
        envelope = etree.parse(str(path)).getroot()
        body = envelope.find(f"{{{SOAP11_ENV}}}Body")
        if body is None or len(body) == 0:
            raise ValueError(f"{path.name} has no SOAP 1.1 Body payload")
        return body[0]

    def check_shared(self, packs: list[Path]) -> None:
        for rel in SHARED:
            having = [p for p in packs if (p / rel).exists()]
            if len(having) < 2:
                continue
            first = having[0] / rel
            differ = [self.rel(p) for p in having[1:] if not filecmp.cmp(first, p / rel, shallow=False)]
            if differ:
                self.report(False, f"shared {rel}", f"differs from {self.rel(having[0])} in: {', '.join(differ)}")
            else:
                self.report(True, f"shared {rel}", f"identical in {len(having)} packs")


def main() -> int:
    repo = Path(__file__).resolve().parent.parent
    ap = argparse.ArgumentParser(description="Load every WSDL in zeep and build a request per operation.")
    ap.add_argument("paths", nargs="*", type=Path, help="WSDL files or folders (default: schemas/)")
    ap.add_argument("--skeleton", action="store_true", help="ignore examples: build every request from a skeleton")
    args = ap.parse_args()
    paths = args.paths or [repo / "schemas"]
    checker = Checker(repo, force_skeleton=args.skeleton)
    wsdls = find_wsdls(paths)
    if not wsdls:
        print("no WSDL found", file=sys.stderr)
        return 1
    for w in wsdls:
        checker.check_wsdl(w)
    packs = sorted({p for w in wsdls if (p := pack_of(w)) is not None})
    checker.check_shared(packs)
    print(f"{checker.ok} passed, {checker.failures} failed")
    return 1 if checker.failures else 0


if __name__ == "__main__":
    sys.exit(main())
