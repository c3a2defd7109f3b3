# Generates schemas/<pack>/rule-examples from the valid examples of the service packs:
# python3 scripts/gen_rule_examples.py (each example says in a comment what it changed).
import os, re
R = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "schemas")
ENV = "/soapenv:Envelope/soapenv:Body"

def make(pack, src, name, rule, code, path, changes, why, ctx=None, schema=None):
    text = open(f"{R}/{pack}/examples/{src}", encoding="utf-8").read()
    for old, new in changes:
        assert text.count(old) >= 1, (name, old)
        text = text.replace(old, new, 1)
    head = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    assert text.startswith(head), name
    body = text[len(head):]
    # drop the source's own descriptive comment line
    body = re.sub(r"^<!--[^\n]*-->\n", "", body, count=1)
    comment = (f"<!-- Rule example for {rule} ({code}), derived from examples/{src}.\n"
               f"     Change: {why}\n"
               f"     Everything else is as in the valid example; the message stays schema-valid"
               + (" EXCEPT as noted by expect-schema." if schema else ".") + " -->\n"
               f"<!-- expect: {rule} {code} {path} -->\n")
    if schema:
        comment += f"<!-- expect-schema: {schema} -->\n"
    out = f"{R}/{pack}/rule-examples/{name}.xml"
    os.makedirs(os.path.dirname(out), exist_ok=True)
    open(out, "w", encoding="utf-8").write(head + comment + body)
    if ctx:
        open(f"{R}/{pack}/rule-examples/{name}.context.yaml", "w", encoding="utf-8").write(ctx)

A = "ModtagFinansbilag.request.xml"
FB = f"{ENV}/svc:ModtagFinansbilagRequest/fin:Finansbilag"
P1 = f"{FB}/fin:Finanspostering"
make("SF1590_A", A, "SF1590A-BAL-001", "SF1590A-BAL-001", "OIR-A-001", FB,
     [("<fin:Beloeb>-1250.00</fin:Beloeb>", "<fin:Beloeb>-1240.00</fin:Beloeb>")],
     "the bank posting is -1240.00, so the voucher sums to 10.00.")
second = re.search(r"\n        <fin:Finanspostering>\n          <fin:FinansposteringUUID>fc000000-0000-4000-8000-000000000002.*?</fin:Finanspostering>",
                   open(f"{R}/SF1590_A/examples/{A}", encoding="utf-8").read(), re.S).group(0)
make("SF1590_A", A, "SF1590A-BAL-002", "SF1590A-BAL-002", "OIR-A-002", FB,
     [(second, "")],
     "the counter-posting (bank) is removed, leaving one posting. The XSD allows a single posting "
     "(an ERP could derive the counter-posting), so the rule is what rejects it, with the business "
     "text and the remedy.")
make("SF1590_A", A, "OIR-SRT-001", "OIR-SRT-001", "OIR-S-001", f"{P1}/fin:Kontering/fin:Art",
     [("<fin:Art>a1000000-0000-4000-8000-000000000001</fin:Art>", "<fin:Art>a1000000-0000-4000-8000-0000000000ff</fin:Art>")],
     "the expense posting's Art is a UUID that is not in the sortiment.")
make("SF1590_A", A, "OIR-SRT-002", "OIR-SRT-002", "OIR-S-002", f"{P1}/fin:Kontering/fin:Ydelsestype",
     [("<fin:Ydelsestype>e1000000-0000-4000-8000-000000000001</fin:Ydelsestype>", "<fin:Ydelsestype>e1000000-0000-4000-8000-000000000003</fin:Ydelsestype>")],
     "Ydelsestype is 'Udfaset ydelse' (UDF), valid 2015-01-01 to 2019-12-31, on a posting dated 2025-03-03.")
make("SF1590_A", A, "OIR-SRT-002.ikke-gyldig-endnu", "OIR-SRT-002", "OIR-S-002", f"{P1}/fin:Kontering/fin:Ydelsestype",
     [("<fin:Ydelsestype>e1000000-0000-4000-8000-000000000001</fin:Ydelsestype>", "<fin:Ydelsestype>e1000000-0000-4000-8000-000000000004</fin:Ydelsestype>")],
     "Ydelsestype is 'Ny ydelse' (NY31), valid from 2031-01-01, on a posting dated 2025-03-03.")
make("SF1590_A", A, "OIR-SRT-003", "OIR-SRT-003", "OIR-S-003", f"{P1}/fin:Kontering/fin:Art",
     [("<fin:Art>a1000000-0000-4000-8000-000000000001</fin:Art>", "<fin:Art>f1000000-0000-4000-8000-000000000001</fin:Art>")],
     "the expense posting's Art field holds the funktion 5.57.72 Sygedagpenge.")
make("SF1590_A", A, "OIR-MAP-001", "OIR-MAP-001", "OIR-S-004", f"{P1}/fin:Kontering",
     [("<fin:Art>a1000000-0000-4000-8000-000000000001</fin:Art>", "<fin:Art>a1000000-0000-4000-8000-000000000003</fin:Art>")],
     "the expense posting combines art 4.9 with funktion 5.57.72: both are valid sortiment values, but "
     "the omsætningstabel has no row for the combination.")
make("SF1590_A", A, "OIR-PER-001", "OIR-PER-001", "OIR-P-001", f"{P1}/fin:Periode/fin:TilDato",
     [("<fin:TilDato>2025-03-02</fin:TilDato>", "<fin:TilDato>2025-02-23</fin:TilDato>")],
     "the posting's period runs from 2025-02-24 to 2025-02-23.")
CTX_SEEN = """# The receiver has already accepted the valid example message.
kontekst:
  dato: 2025-06-30
  modtagne_beskeder:
    - ../examples/ModtagFinansbilag.request.xml
"""
make("SF1590_A", A, "OIR-IDM-001", "OIR-IDM-001", "OIR-I-001", f"{FB}/fin:FinansbilagUUID",
     [("<fin:BeskedUUID>ae000000-0000-4000-8000-000000000001</fin:BeskedUUID>", "<fin:BeskedUUID>ae000000-0000-4000-8000-000000000101</fin:BeskedUUID>"),
      ("<fin:Beloeb>1250.00</fin:Beloeb>", "<fin:Beloeb>1300.00</fin:Beloeb>"),
      ("<fin:Beloeb>-1250.00</fin:Beloeb>", "<fin:Beloeb>-1300.00</fin:Beloeb>")],
     "a new message (new BeskedUUID) re-uses the FinansbilagUUID of the already received voucher "
     "with other amounts (1300.00 instead of 1250.00); the context says that voucher was received.",
     ctx=CTX_SEEN)
make("SF1590_A", A, "OIR-IDM-002", "OIR-IDM-002", "OIR-I-002", f"{ENV}/svc:ModtagFinansbilagRequest/fin:Hovedoplysninger/fin:BeskedUUID",
     [],
     "none: the exact valid message is sent again (e.g. after a lost receipt); the context says it "
     "was received. An info finding: the message still conforms.",
     ctx=CTX_SEEN)
make("SF1590_A", A, "OIR-CPR-001", "OIR-CPR-001", "OIR-P-002", f"{P1}/fin:Part/fin:CPRNummer",
     [("<fin:CPRNummer>0101700000</fin:CPRNummer>", "<fin:CPRNummer>3102851234</fin:CPRNummer>")],
     "the posting's CPR number has the date part 310285 (31 February).")
make("SF1590_A", A, "OIR-CVR-001", "OIR-CVR-001", "OIR-P-003", f"{ENV}/svc:ModtagFinansbilagRequest/fin:Hovedoplysninger/fin:MyndighedCVR",
     [("<fin:MyndighedCVR>58271713</fin:MyndighedCVR>", "<fin:MyndighedCVR>12345678</fin:MyndighedCVR>")],
     "MyndighedCVR is 12345678, whose weighted sum (114) is not divisible by 11.")

# ---- SF1590_B_01
RET = "RetFordringTilstand.request.xml"
FT = f"{ENV}/svc:RetFordringTilstandRequest/deb:FordringTilstandsaendring"
make("SF1590_B_01", RET, "SF1590B-OWN-001", "SF1590B-OWN-001", "OIR-B-001", f"{FT}/deb:DebitorkontoUUID",
     [],
     "none in the message; the context says the debitorkonto is owned by Korsbæk Bibliotekssystem "
     "(6a…02), not by the sender Korsbæk Ydelsessystem (6a…01).",
     ctx="""# The debitorsystem's state: the account belongs to another fagsystem.
kontekst:
  dato: 2025-06-30
  debitorkonti:
    - id: de000000-0000-4000-8000-000000000001
      ejer: 6a000000-0000-4000-8000-000000000002
      tilstand: AKTIV
  fordringer:
    - id: df000000-0000-4000-8000-000000000001
      debitorkonto: de000000-0000-4000-8000-000000000001
      tilstand: AKTIV
""")
make("SF1590_B_01", RET, "SF1590B-STA-001", "SF1590B-STA-001", "OIR-B-002", f"{FT}/deb:Tilstand",
     [],
     "none in the message (new state I_BERO); the context says the fordring is already AFSLUTTET, a "
     "final state.",
     ctx="""# The debitorsystem's state: the fordring is closed.
kontekst:
  dato: 2025-06-30
  debitorkonti:
    - id: de000000-0000-4000-8000-000000000001
      ejer: 6a000000-0000-4000-8000-000000000001
      tilstand: AKTIV
  fordringer:
    - id: df000000-0000-4000-8000-000000000001
      debitorkonto: de000000-0000-4000-8000-000000000001
      tilstand: AFSLUTTET
""")
make("SF1590_B_01", RET, "SF1590B-PSRM-001", "SF1590B-PSRM-001", "OIR-B-004", f"{FT}/deb:Tilstand",
     [("<deb:Tilstand>I_BERO</deb:Tilstand>", "<deb:Tilstand>TIL_INDDRIVELSE</deb:Tilstand>"),
      ("<deb:Begrundelse>Klage over afgørelsen er under behandling.</deb:Begrundelse>", "<deb:Begrundelse>Restance efter rykker.</deb:Begrundelse>")],
     "the fordring is handed over for collection (Tilstand TIL_INDDRIVELSE, Virkningsdato 2025-03-03) "
     "while the context gives its last timely payment date as 2025-03-10.",
     ctx="""# The debitorsystem's state: deadline not yet passed on the hand-over date.
kontekst:
  dato: 2025-06-30
  debitorkonti:
    - id: de000000-0000-4000-8000-000000000001
      ejer: 6a000000-0000-4000-8000-000000000001
      tilstand: AKTIV
  fordringer:
    - id: df000000-0000-4000-8000-000000000001
      debitorkonto: de000000-0000-4000-8000-000000000001
      tilstand: AKTIV
      beloeb_i_alt: "4200.00"
      sidste_rettidige_betalingsdato: 2025-03-10
""")
ANM = "AnmodOmOverdragelseTilInddrivelse.request.xml"
make("SF1590_B_01", ANM, "SF1590B-PSRM-002", "SF1590B-PSRM-002", "OIR-B-005",
     f"{ENV}/svc:AnmodOmOverdragelseTilInddrivelseRequest/deb:OverdragelseTilInddrivelseAnmodning",
     [],
     "none in the message; the context gives the fordring's amount incl. renter and gebyrer as 99.99.",
     ctx="""# The debitorsystem's state: the claim is below the PSRM threshold of DKK 100.
kontekst:
  dato: 2025-06-30
  debitorkonti:
    - id: de000000-0000-4000-8000-000000000001
      ejer: 6a000000-0000-4000-8000-000000000001
      tilstand: AKTIV
  fordringer:
    - id: df000000-0000-4000-8000-000000000001
      debitorkonto: de000000-0000-4000-8000-000000000001
      tilstand: AKTIV
      beloeb_i_alt: "99.99"
      sidste_rettidige_betalingsdato: 2025-02-01
""")
OPR = "OpretDebitorkonto.request.xml"
make("SF1590_B_01", OPR, "SF1590B-HAE-001", "SF1590B-HAE-001", "OIR-B-003",
     f"{ENV}/svc:OpretDebitorkontoRequest/deb:Debitorkonto/deb:Fordring",
     [("<deb:Haeftelsestype>JURIDISK_ANSVARLIG</deb:Haeftelsestype>", "<deb:Haeftelsestype>JURIDISK_MEDHAEFTER</deb:Haeftelsestype>")],
     "the fordring's only hæftelse is of type JURIDISK_MEDHAEFTER: nobody is juridisk ansvarlig for it.")
PAY_CTX = """# The debitorsystem's state: what can be paid on each delfordring now.
kontekst:
  dato: 2025-06-30
  fordringer:
    - id: d0000000-0000-4000-8000-000000000001
      til_betaling: "1000.00"
    - id: d0000000-0000-4000-8000-000000000003
      til_betaling: "300.00"
"""
make("SF1590_B_01", "ForetagIndbetaling.request.xml", "SF1590B-PAY-001.straksleverance",
     "SF1590B-PAY-001", "OIR-B-006", f"{ENV}/svc:ForetagIndbetalingRequest/deb:Indbetaling/deb:Anvendelse/deb:Beloeb",
     [],
     "none in the message (1200.00 applied to delfordring d0…01); the context says only 1000.00 can be paid on it.",
     ctx=PAY_CTX)

# ---- SF1590_B_03
make("SF1590_B_03", "ForetagIndbetaling.request.xml", "SF1590B-PAY-001",
     "SF1590B-PAY-001", "OIR-B-006", f"{ENV}/svc:ForetagIndbetalingRequest/deb:Indbetaling/deb:Anvendelse/deb:Beloeb",
     [],
     "none in the message (1200.00 applied to delfordring d0…01); the context says only 1000.00 can be paid on it.",
     ctx=PAY_CTX)

# ---- SF1590_D
make("SF1590_D", "AfsendFakturaInformationSvar.request.xml", "SF1590D-INV-001",
     "SF1590D-INV-001", "OIR-D-001", f"{ENV}/svc:AfsendFakturaInformationSvarRequest/fak:FakturaInformationSvar/fak:FakturaUUID",
     [("<fak:FakturaUUID>fa000000-0000-4000-8000-000000000001</fak:FakturaUUID>", "<fak:FakturaUUID>fa000000-0000-4000-8000-000000000099</fak:FakturaUUID>")],
     "the answer names invoice fa…99; the context lists only fa…01 as lent to the fagsystem.",
     ctx="""# The invoices the fakturahåndteringssystem has lent to the fagsystem for approval.
kontekst:
  dato: 2025-06-30
  fakturaer:
    - id: fa000000-0000-4000-8000-000000000001
""")

# ---- SF1590_E: identifiers in a payout
make("SF1590_E", "AfsendBetalingsanmodning.request.xml", "OIR-CVR-001",
     "OIR-CVR-001", "OIR-P-003",
     f"{ENV}/svc:AfsendBetalingsanmodningRequest/udb:Betalingsanmodning/udb:Betalingsinformation/udb:Betalingstransaktion[2]/udb:Modtager/udb:CVRNummer",
     [("<udb:CVRNummer>12345674</udb:CVRNummer>", "<udb:CVRNummer>12345678</udb:CVRNummer>")],
     "the second payee's CVR number is 12345678, which fails modulus 11.")
print("ok")
