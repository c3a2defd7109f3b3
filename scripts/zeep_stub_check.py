#!/usr/bin/env python3
"""Check the oir stub with a real SOAP toolkit (Python's zeep), over HTTP on loopback.

Starts ``oir stub --listen 127.0.0.1:0`` (the binary given as the first argument), then for
every service the stub serves (``GET /__admin/services``):

* zeep loads the WSDL from the stub's own URL (``<path>?wsdl``): the WSDL, every imported
  WSDL and XSD come from the stub (``/__contract/...``), nothing from disk;
* for every operation, zeep builds the call from the pack's example request
  (examples/<operation>.request.xml, turned into kwargs as scripts/zeep_check.py does),
  sends it to the stub (the soap:address the stub put in the WSDL) and parses the answer
  with the operation's output message; the receipt must not be AFVIST/FEJLET. The stub's
  state is reset before each call so every example is judged on its own (a query about
  what another example creates gets that example first: PRECONDITIONS);
* a call without a security context must come back as a SOAP fault that zeep parses,
  with the ServiceplatformFault detail;
* a SOAP fault injected through the admin API (``POST /__admin/faults``, for one tenant
  named by the ``X-Oir-Tenant`` header) is parsed by zeep with its code, and only that
  tenant's call gets it.

Stops the stub with SIGINT and expects exit status 0. One line per check, a closing
"N passed, N failed" line; exit 0 when everything passed, 1 otherwise, 2 when zeep is not
installed or the stub does not start.

    python3 -m venv .venv && .venv/bin/pip install zeep
    cargo build --release
    .venv/bin/python scripts/zeep_stub_check.py target/release/oir
"""

from __future__ import annotations

import argparse
import json
import signal
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

try:
    import zeep
    import zeep.exceptions
    from lxml import etree
    from zeep.helpers import serialize_object
except ImportError:  # pragma: no cover - depends on the machine
    print("zeep is not installed: python3 -m pip install zeep", file=sys.stderr)
    sys.exit(2)

SOAP11_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
START_TIMEOUT = 60.0
CALL_TIMEOUT = 30


def ascii_name(name: str) -> str:
    for a, b in (("æ", "ae"), ("ø", "oe"), ("å", "aa"), ("Æ", "Ae"), ("Ø", "Oe"), ("Å", "Aa")):
        name = name.replace(a, b)
    return name


def pack_of(contract: Path) -> Path | None:
    """<pack>/wsdl/context/<Service>.wsdl -> <pack>"""
    if contract.parent.parent.name == "wsdl":
        return contract.parent.parent.parent
    return None


def body_child(path: Path):
    envelope = etree.parse(str(path)).getroot()
    body = envelope.find(f"{{{SOAP11_ENV}}}Body")
    if body is None or len(body) == 0:
        raise ValueError(f"{path.name} has no SOAP 1.1 Body payload")
    return body[0]


def find_key(obj, key):
    """First value under `key` anywhere in a serialized zeep object."""
    stack = [obj]
    while stack:
        o = stack.pop()
        if isinstance(o, dict):
            if key in o and o[key] is not None:
                return o[key]
            stack.extend(o.values())
        elif isinstance(o, list):
            stack.extend(o)
    return None


class Stub:
    """The `oir stub` process on an ephemeral loopback port."""

    def __init__(self, binary: str, extra: list[str]):
        self.proc = subprocess.Popen(
            [binary, "stub", "--listen", "127.0.0.1:0", "--today", "2025-06-30", *extra],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        line: list[str] = []
        reader = threading.Thread(target=lambda: line.append(self.proc.stdout.readline()), daemon=True)
        reader.start()
        reader.join(START_TIMEOUT)
        if not line or not line[0].startswith("http://"):
            self.proc.kill()
            err = self.proc.stderr.read() if self.proc.stderr else ""
            raise RuntimeError(f"the stub did not start: {err.strip()}")
        self.url = line[0].strip()

    def get_json(self, path: str):
        with urllib.request.urlopen(self.url + path, timeout=CALL_TIMEOUT) as r:
            return json.load(r)

    def send_json(self, method: str, path: str, body, tenant: str | None = None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method)
        req.add_header("content-type", "application/json")
        if tenant:
            req.add_header("x-oir-tenant", tenant)
        with urllib.request.urlopen(req, timeout=CALL_TIMEOUT) as r:
            return json.load(r)

    def post_example(self, path: str, file: Path) -> int:
        """POST an example request as it is (a precondition, not a zeep check)."""
        req = urllib.request.Request(self.url + path, data=file.read_bytes(), method="POST")
        req.add_header("content-type", "text/xml; charset=utf-8")
        with urllib.request.urlopen(req, timeout=CALL_TIMEOUT) as r:
            r.read()
            return r.status

    def reset(self) -> None:
        req = urllib.request.Request(self.url + "/__admin/reset", data=b"", method="POST")
        urllib.request.urlopen(req, timeout=CALL_TIMEOUT).read()

    def stop(self) -> int:
        self.proc.send_signal(signal.SIGINT)
        try:
            return self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return -1


# Operation -> (path, example in the same pack) whose state its example asks about.
PRECONDITIONS = {
    "HentForretningskvittering": (
        "/service/OIR/NKSBetalingsanmodningAfsend/1",
        "AfsendBetalingsanmodning.request.xml",
    ),
    "HentForretningssvar": (
        "/service/OIR/NKSBetalingsanmodningAfsend/1",
        "AfsendBetalingsanmodning.request.xml",
    ),
}


class Checker:
    def __init__(self, stub: Stub):
        self.stub = stub
        self.ok = 0
        self.failures = 0

    def report(self, ok: bool, what: str, detail: str) -> None:
        if ok:
            self.ok += 1
        else:
            self.failures += 1
        print(f"{'OK  ' if ok else 'FAIL'} {what}: {detail}", flush=True)

    def check_service(self, svc: dict) -> None:
        wsdl_url = f"{self.stub.url}{svc['path']}?wsdl"
        what = svc["path"]
        settings = zeep.Settings(strict=True, xml_huge_tree=True)
        transport = zeep.Transport(timeout=CALL_TIMEOUT, operation_timeout=CALL_TIMEOUT)
        try:
            client = zeep.Client(wsdl_url, settings=settings, transport=transport)
        except Exception as e:  # noqa: BLE001 - report whatever zeep raises
            self.report(False, what, f"zeep cannot load the WSDL from {wsdl_url}: {type(e).__name__}: {e}")
            return
        self.report(True, what, f"WSDL and its imports loaded from {wsdl_url}")
        pack = pack_of(Path(svc["contract"]))
        examples = pack / "examples" if pack is not None else None
        for service in client.wsdl.services.values():
            for port in service.ports.values():
                address = port.binding_options.get("address", "")
                if not address.startswith(self.stub.url):
                    self.report(False, f"{what} {port.name}", f"soap:address {address} is not the stub")
                    continue
                proxy = client.bind(service.name, port.name)
                for name, op in port.binding._operations.items():
                    self.check_operation(client, proxy, op, name, examples, what)

    def check_operation(self, client, proxy, op, name, examples, where) -> None:
        what = f"{where} {name}"
        req_file = examples / f"{ascii_name(name)}.request.xml" if examples else None
        if req_file is None or not req_file.exists():
            self.report(False, what, "no example request to build the call from")
            return
        try:
            obj = op.input.body.parse(body_child(req_file), client.wsdl.types)
            kwargs = serialize_object(obj, dict) or {}
        except Exception as e:  # noqa: BLE001
            self.report(False, what, f"cannot read the example: {type(e).__name__}: {e}")
            return
        self.stub.reset()
        # Queries about state another example creates get that example first (the stub
        # answers them from its state, as tests/stub.rs PRECONDITIONS does).
        if name in PRECONDITIONS:
            path, file = PRECONDITIONS[name]
            try:
                self.stub.post_example(path, examples / file)
            except Exception as e:  # noqa: BLE001
                self.report(False, what, f"precondition {file} failed: {type(e).__name__}: {e}")
                return
        try:
            result = getattr(proxy, name)(**kwargs)
        except zeep.exceptions.Fault as f:
            self.report(False, what, f"SOAP fault: {f.message}")
            return
        except Exception as e:  # noqa: BLE001
            self.report(False, what, f"call failed: {type(e).__name__}: {e}")
            return
        answer = serialize_object(result, dict)
        kode = find_key(answer, "ForretningsValideringsKode")
        related = find_key(answer, "RelateretBeskedUUID")
        sent = find_key(kwargs, "BeskedUUID")
        problems = []
        if answer is None:
            problems.append("empty answer")
        if kode in (None, "AFVIST", "FEJLET"):
            problems.append(f"receipt {kode}")
        if related != sent:
            problems.append(f"RelateretBeskedUUID {related} is not the request's {sent}")
        if problems:
            self.report(False, what, "; ".join(problems))
        else:
            self.report(True, what, f"answer parsed by zeep, receipt {kode}")

    def check_fault(self, svc: dict) -> None:
        """A call without a security context: the platform's fault, parsed by zeep."""
        what = f"{svc['path']} fault"
        pack = pack_of(Path(svc["contract"]))
        op = svc["operations"][0]
        req_file = pack / "examples" / f"{ascii_name(op['name'])}.request.xml" if pack else None
        if req_file is None or not req_file.exists():
            self.report(False, what, "no example request")
            return
        client = zeep.Client(f"{self.stub.url}{svc['path']}?wsdl", settings=zeep.Settings(strict=True))
        operation = client.service._binding._operations[op["name"]]
        obj = operation.input.body.parse(body_child(req_file), client.wsdl.types)
        kwargs = serialize_object(obj, dict) or {}
        kwargs.pop("InvocationContext", None)
        try:
            getattr(client.service, op["name"])(**kwargs)
            self.report(False, what, "no fault for a request without a security context")
        except zeep.exceptions.Fault as f:
            detail = etree.tostring(f.detail).decode() if f.detail is not None else ""
            ok = "ServiceplatformFault" in detail and "SP-SEC-001" in detail
            self.report(ok, what, f"zeep parsed the fault: {f.message[:80]}…" if ok else f"unexpected fault {f.message} {detail}")


    def check_injected_fault(self, svc: dict) -> None:
        """An override answers one tenant's call with a SOAP fault; zeep parses it."""
        what = f"{svc['path']} injected fault"
        pack = pack_of(Path(svc["contract"]))
        op = svc["operations"][0]
        req_file = pack / "examples" / f"{ascii_name(op['name'])}.request.xml" if pack else None
        if req_file is None or not req_file.exists():
            self.report(False, what, "no example request")
            return
        tenant = "zeep-fault"
        self.stub.send_json(
            "POST",
            "/__admin/faults",
            {
                "match": {"operation": op["name"]},
                "respond": {"soap_fault": {"code": "ERP-NEDE", "text": "Systemet er lukket (injiceret)"}},
                "times": 1,
            },
            tenant,
        )
        try:
            import requests

            session = requests.Session()
            session.headers["X-Oir-Tenant"] = tenant
            transport = zeep.Transport(session=session, timeout=CALL_TIMEOUT, operation_timeout=CALL_TIMEOUT)
            client = zeep.Client(f"{self.stub.url}{svc['path']}?wsdl", settings=zeep.Settings(strict=True), transport=transport)
            operation = client.service._binding._operations[op["name"]]
            obj = operation.input.body.parse(body_child(req_file), client.wsdl.types)
            kwargs = serialize_object(obj, dict) or {}
            getattr(client.service, op["name"])(**kwargs)
            self.report(False, what, "no fault although an override was set")
        except zeep.exceptions.Fault as f:
            detail = etree.tostring(f.detail).decode() if f.detail is not None else ""
            ok = "ERP-NEDE" in detail or "ERP-NEDE" in (f.message or "")
            self.report(ok, what, f"zeep parsed the injected fault: {f.message[:60]}…" if ok else f"unexpected fault {f.message} {detail}")
        finally:
            self.stub.send_json("DELETE", "/__admin/faults", None, tenant)


def main() -> int:
    ap = argparse.ArgumentParser(description="Call every operation of the oir stub with zeep.")
    ap.add_argument("binary", help="path of the oir binary (target/release/oir or target/debug/oir)")
    ap.add_argument("stub_args", nargs=argparse.REMAINDER, help="extra arguments for `oir stub` (e.g. --seed 7)")
    args = ap.parse_args()
    try:
        stub = Stub(args.binary, args.stub_args)
    except (OSError, RuntimeError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    checker = Checker(stub)
    try:
        services = stub.get_json("/__admin/services")["services"]
        for svc in services:
            checker.check_service(svc)
        if services:
            checker.check_fault(services[0])
            checker.check_injected_fault(services[0])
    finally:
        code = stub.stop()
        checker.report(code == 0, "stop", f"oir stub exited with {code} after SIGINT")
    print(f"{checker.ok} passed, {checker.failures} failed")
    return 1 if checker.failures else 0


if __name__ == "__main__":
    sys.exit(main())
