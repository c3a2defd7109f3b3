#!/usr/bin/env python3
"""Writes the oir service packs into <repo>/schemas/SF1590_*/ from spec.py (python3 scripts/packgen/gen.py [OUT])."""
import os, shutil, sys, textwrap
from spec_common import *
from spec import PACKS, indent

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "src")
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "schemas")

def wrap(text, width=96, pad="  "):
    return "\n".join(textwrap.wrap(text, width=width, initial_indent=pad, subsequent_indent=pad))

def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

def occurs(mn, mx):
    a = "" if mn == 1 else f' minOccurs="{mn}"'
    b = "" if mx == 1 else f' maxOccurs="{mx}"'
    return a + b

def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)

def types_xsd(pack, svc):
    p, ns, domfile = pack["domain"]
    lines = []
    seen = {}
    for op in svc["ops"]:
        for direction in ("req", "resp"):
            for (el, typ, mn, mx) in op[direction]:
                if typ is None:
                    continue
                if el in seen:
                    assert seen[el] == typ, (el, typ)
                    continue
                seen[el] = typ
                lines.append(f'    <xsd:element name="{el}" type="{p}:{typ}"/>')
    body = "\n".join(lines)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!--
  {svc['name']}Types.xsd: the payload elements of the {svc['name']} operations ({pack['pack']}).
  Their types are declared in {domfile}; the request and response wrappers are in
  ../{svc['name']}Msg.xsd.
{wrap(svc['doc'])}
-->
<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema"
            xmlns:{p}="{ns}"
            targetNamespace="{ns}"
            elementFormDefault="qualified"
            attributeFormDefault="unqualified"
            version="1.0">

    <xsd:include schemaLocation="{domfile}"/>

{body}
</xsd:schema>
"""

def status(op):
    return "confirmed operation name" if op["confirmed"] else "MODELLED operation"

def msg_xsd(pack, svc):
    p, ns, _ = pack["domain"]
    tns = svc_ns(svc["name"], svc["major"])
    parts = []
    for op in svc["ops"]:
        a = ascii_name(op["name"])
        req = "\n".join(f'            <xsd:element ref="{p}:{el}"{occurs(mn, mx)}/>' for (el, _, mn, mx) in op["req"])
        resp = "\n".join(f'            <xsd:element ref="{p}:{el}"{occurs(mn, mx)}/>' for (el, _, mn, mx) in op["resp"])
        parts.append(f"""    <!-- ==================== {op['name']} ({status(op)}): {esc(op['doc'])} -->

    <xsd:element name="{a}Request" type="tns:{a}RequestType"/>
    <xsd:complexType name="{a}RequestType">
        <xsd:sequence>
            <xsd:element ref="invctx:InvocationContext" minOccurs="0"/>
            <xsd:element ref="authctx:AuthorityContext" minOccurs="0"/>
            <xsd:element ref="callctx:CallContext" minOccurs="0"/>
            <xsd:element ref="{p}:Hovedoplysninger"/>
{req}
        </xsd:sequence>
    </xsd:complexType>

    <xsd:element name="{a}Response" type="tns:{a}ResponseType"/>
    <xsd:complexType name="{a}ResponseType">
        <xsd:sequence>
            <xsd:element ref="{p}:HovedoplysningerSvar"/>
{resp}
        </xsd:sequence>
    </xsd:complexType>
""")
    body = "\n".join(parts)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!--
  {svc['name']}Msg.xsd: request and response elements of {svc['name']} ({pack['pack']}).
{wrap(svc['doc'])}

  Every request carries the Serviceplatformen security context as its first child (one of
  InvocationContext, AuthorityContext, CallContext, as in the real Serviceplatformen
  contracts), then Hovedoplysninger (BeskedUUID = idempotency key), then the payload. Every
  response starts with HovedoplysningerSvar. The payload is in namespace {ns}.
-->
<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema"
            xmlns:tns="{tns}"
            xmlns:invctx="{INVCTX}"
            xmlns:authctx="{AUTHCTX}"
            xmlns:callctx="{CALLCTX}"
            xmlns:{p}="{ns}"
            targetNamespace="{tns}"
            elementFormDefault="qualified"
            attributeFormDefault="unqualified"
            version="1.0">

    <xsd:import namespace="{INVCTX}" schemaLocation="sp/InvocationContext_1.xsd"/>
    <xsd:import namespace="{AUTHCTX}" schemaLocation="sp/AuthorityContext_1.xsd"/>
    <xsd:import namespace="{CALLCTX}" schemaLocation="sp/CallContext_1.xsd"/>
    <xsd:import namespace="{ns}" schemaLocation="xsd/{svc['name']}Types.xsd"/>

{body}</xsd:schema>
"""

def endpoint(svc):
    return f"https://exttest.serviceplatformen.dk/service/OIR/{svc['name']}/{svc['major']}"

def wsdl(pack, svc):
    tns = svc_ns(svc["name"], svc["major"])
    n = svc["name"]
    msgs, pt_ops, b_ops = [], [], []
    for op in svc["ops"]:
        a = ascii_name(op["name"])
        msgs.append(f"""    <wsdl:message name="{a}RequestMessage">
        <wsdl:part name="request" element="tns:{a}Request"/>
    </wsdl:message>
    <wsdl:message name="{a}ResponseMessage">
        <wsdl:part name="response" element="tns:{a}Response"/>
    </wsdl:message>""")
        pt_ops.append(f"""        <wsdl:operation name="{op['name']}">
            <wsdl:documentation>{esc(op['doc'])} ({status(op)})</wsdl:documentation>
            <wsdl:input message="tns:{a}RequestMessage"/>
            <wsdl:output message="tns:{a}ResponseMessage"/>
            <wsdl:fault name="ServiceplatformFault" message="spf:ServiceplatformFault"/>
            <wsdl:fault name="TransportKvitteringFault" message="kvit:TransportKvitteringFault"/>
        </wsdl:operation>""")
        b_ops.append(f"""        <wsdl:operation name="{op['name']}">
            <soap:operation soapAction="{tns}{a}" style="document"/>
            <wsdl:input>
                <soap:body use="literal"/>
            </wsdl:input>
            <wsdl:output>
                <soap:body use="literal"/>
            </wsdl:output>
            <wsdl:fault name="ServiceplatformFault">
                <soap:fault name="ServiceplatformFault" use="literal"/>
            </wsdl:fault>
            <wsdl:fault name="TransportKvitteringFault">
                <soap:fault name="TransportKvitteringFault" use="literal"/>
            </wsdl:fault>
        </wsdl:operation>""")
    uuid_note = "" if svc["uuid_confirmed"] else " (MODELLED: the real service UUID is not public)"
    doc = (f"{svc['doc']} Service UUID {svc['uuid']}{uuid_note}. "
           f"SOAP 1.1, document/literal; context security model (wsdl/context). "
           f"Written by the oir project (schemas/README.md says what is confirmed and what is modelled); "
           f"replace with the official integration package when available.")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<wsdl:definitions name="{n}"
                  xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/"
                  xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
                  xmlns:xsd="http://www.w3.org/2001/XMLSchema"
                  xmlns:wsp="http://schemas.xmlsoap.org/ws/2004/09/policy"
                  xmlns:spf="{SPF}"
                  xmlns:kvit="{KVIT}"
                  xmlns:tns="{tns}"
                  targetNamespace="{tns}">

    <wsdl:documentation>
{wrap(esc(doc), 92, "        ")}
    </wsdl:documentation>

    <wsdl:import namespace="{POLICY}" location="policies.wsdl"/>
    <wsdl:import namespace="{SPF}" location="../../sp/ServiceplatformFaultMessage_1.wsdl"/>
    <wsdl:import namespace="{KVIT}" location="../../sp/TransportKvitteringFaultMessage_1.wsdl"/>

    <wsdl:types>
        <xsd:schema targetNamespace="{tns}">
            <xsd:include schemaLocation="../../{n}Msg.xsd"/>
        </xsd:schema>
    </wsdl:types>

{chr(10).join(msgs)}

    <wsdl:portType name="{n}PortType">
{chr(10).join(pt_ops)}
    </wsdl:portType>

    <wsdl:binding name="{n}Binding" type="tns:{n}PortType">
        <wsp:PolicyReference URI="policies.wsdl#ServiceplatformBindingPolicy"/>
        <soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
{chr(10).join(b_ops)}
    </wsdl:binding>

    <wsdl:service name="{n}">
        <wsdl:port name="{n}Port" binding="tns:{n}Binding">
            <soap:address location="{endpoint(svc)}"/>
        </wsdl:port>
    </wsdl:service>
</wsdl:definitions>
"""

counter = [0]

def envelope(pack, svc, svc_idx, op, kind, payload, comment):
    p, ns, _ = pack["domain"]
    tns = svc_ns(svc["name"], svc["major"])
    a = ascii_name(op["name"])
    k = counter[0]
    if kind == "request":
        counter[0] += 1
        k = counter[0]
        inner = f"""<invctx:InvocationContext>
  <invctx:ServiceAgreementUUID>{u('7a', svc_idx)}</invctx:ServiceAgreementUUID>
  <invctx:UserSystemUUID>{svc['caller']}</invctx:UserSystemUUID>
  <invctx:UserUUID>{USER}</invctx:UserUUID>
  <invctx:ServiceUUID>{svc['uuid']}</invctx:ServiceUUID>
</invctx:InvocationContext>
<{p}:Hovedoplysninger>
  <{p}:BeskedUUID>{u('ae', k)}</{p}:BeskedUUID>
  <{p}:AfsenderSystemUUID>{svc['caller']}</{p}:AfsenderSystemUUID>
  <{p}:MyndighedCVR>{MYNDIGHED}</{p}:MyndighedCVR>
  <{p}:Afsendelsestidspunkt>2025-03-03T10:15:00+01:00</{p}:Afsendelsestidspunkt>
</{p}:Hovedoplysninger>
{payload}"""
        root = f"{a}Request"
        decls = f'xmlns:svc="{tns}" xmlns:invctx="{INVCTX}" xmlns:{p}="{ns}"'
    else:
        inner = f"""<{p}:HovedoplysningerSvar>
  <{p}:BeskedUUID>{u('af', k)}</{p}:BeskedUUID>
  <{p}:RelateretBeskedUUID>{u('ae', k)}</{p}:RelateretBeskedUUID>
  <{p}:Svartidspunkt>2025-03-03T10:15:01+01:00</{p}:Svartidspunkt>
</{p}:HovedoplysningerSvar>
{payload}"""
        root = f"{a}Response"
        decls = f'xmlns:svc="{tns}" xmlns:{p}="{ns}"'
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!-- {comment} Fictitious test data (schemas/data/README.md). -->
<soapenv:Envelope xmlns:soapenv="{SOAP11}">
  <soapenv:Header/>
  <soapenv:Body>
    <svc:{root} {decls}>
{indent(inner, 6)}
    </svc:{root}>
  </soapenv:Body>
</soapenv:Envelope>
"""

def main():
    svc_idx = 0
    for pack in PACKS:
        root = os.path.join(OUT, pack["pack"])
        # Remove only what this generator writes: teammates add e.g. rule-examples/.
        for sub in ("sp", "wsdl", "xsd", "examples"):
            if os.path.isdir(os.path.join(root, sub)):
                shutil.rmtree(os.path.join(root, sub))
        if os.path.isdir(root):
            for f in os.listdir(root):
                if f.endswith("Msg.xsd"):
                    os.remove(os.path.join(root, f))
        os.makedirs(f"{root}/sp")
        for f in sorted(os.listdir(f"{SRC}/sp")):
            shutil.copy(f"{SRC}/sp/{f}", f"{root}/sp/{f}")
        os.makedirs(f"{root}/wsdl/context", exist_ok=True)
        shutil.copy(f"{SRC}/wsdl/policies.wsdl", f"{root}/wsdl/context/policies.wsdl")
        os.makedirs(f"{root}/xsd", exist_ok=True)
        for f in pack["xsd"]:
            shutil.copy(f"{SRC}/xsd/{f}", f"{root}/xsd/{f}")
        for svc in pack["services"]:
            svc_idx += 1
            n = svc["name"]
            write(f"{root}/xsd/{n}Types.xsd", types_xsd(pack, svc))
            write(f"{root}/{n}Msg.xsd", msg_xsd(pack, svc))
            write(f"{root}/wsdl/context/{n}.wsdl", wsdl(pack, svc))
            for op in svc["ops"]:
                a = ascii_name(op["name"])
                write(f"{root}/examples/{a}.request.xml",
                      envelope(pack, svc, svc_idx, op, "request", op["req_x"], f"Operation {op['name']} of wsdl/context/{n}.wsdl: request."))
                write(f"{root}/examples/{a}.response.xml",
                      envelope(pack, svc, svc_idx, op, "response", op["resp_x"], f"Operation {op['name']} of wsdl/context/{n}.wsdl: response."))
                for suffix, x in op.get("extra_resp", {}).items():
                    write(f"{root}/examples/{a}.{suffix}.xml",
                          envelope(pack, svc, svc_idx, op, "response", x, f"Operation {op['name']} of wsdl/context/{n}.wsdl: {suffix}."))
        for fname, (xsd, text) in pack.get("extra_examples", {}).items():
            write(f"{root}/examples/documents/{fname}", text)
    print("written to", OUT)

main()
