# The oir service packs: services, operations, payload elements and example bodies.
from spec_common import *

def kontering(p, art, funk, omk=None, ydt=None, bet=None):
    s = f"<{p}:Kontering>\n  <{p}:Art>{art}</{p}:Art>\n  <{p}:Funktion>{funk}</{p}:Funktion>\n"
    if omk: s += f"  <{p}:Omkostningssted>{omk}</{p}:Omkostningssted>\n"
    if ydt: s += f"  <{p}:Ydelsestype>{ydt}</{p}:Ydelsestype>\n"
    if bet: s += f"  <{p}:Betalingsart>{bet}</{p}:Betalingsart>\n"
    return s + f"</{p}:Kontering>"

def adresse(p, tag="Adresse"):
    return (f"<{p}:{tag}>\n  <{p}:Vejnavn>Testvej</{p}:Vejnavn>\n  <{p}:Husnummer>1</{p}:Husnummer>\n"
            f"  <{p}:Postnummer>9999</{p}:Postnummer>\n  <{p}:Bynavn>Korsbæk</{p}:Bynavn>\n"
            f"  <{p}:Landekode>DK</{p}:Landekode>\n</{p}:{tag}>")

def indent(s, n):
    pad = " " * n
    return "\n".join(pad + l if l else l for l in s.split("\n"))

def kvit(p, kode="ACCEPTERET"):
    return (f"<{p}:Forretningskvittering>\n  <{p}:ForretningsValideringsKode>{kode}</{p}:ForretningsValideringsKode>\n"
            f"</{p}:Forretningskvittering>")

# ------------------------------------------------------------------------------ SF1590_A

FINANSBILAG = f"""<fin:Finansbilag>
  <fin:FinansbilagUUID>{u('fb', 1)}</fin:FinansbilagUUID>
  <fin:FagsystemBilagsnummer>KYS-2025-000123</fin:FagsystemBilagsnummer>
  <fin:Bilagsdato>2025-03-03</fin:Bilagsdato>
  <fin:Bilagstekst>Udbetaling af sygedagpenge uge 9</fin:Bilagstekst>
  <fin:SortimentUUID>{SORTIMENT}</fin:SortimentUUID>
  <fin:Finanspostering>
    <fin:FinansposteringUUID>{u('fc', 1)}</fin:FinansposteringUUID>
    <fin:Posteringsdato>2025-03-03</fin:Posteringsdato>
    <fin:Beloeb>1250.00</fin:Beloeb>
    <fin:Posteringstekst>Sygedagpenge uge 9</fin:Posteringstekst>
{indent(kontering('fin', ART_OVERFOERSLER, FUNK_SDP, OMK_JOB, YDT_SDP), 4)}
    <fin:Periode>
      <fin:FraDato>2025-02-24</fin:FraDato>
      <fin:TilDato>2025-03-02</fin:TilDato>
    </fin:Periode>
    <fin:Part>
      <fin:CPRNummer>{CPR1}</fin:CPRNummer>
    </fin:Part>
    <fin:Sagsreference>SAG-2025-0042</fin:Sagsreference>
  </fin:Finanspostering>
  <fin:Finanspostering>
    <fin:FinansposteringUUID>{u('fc', 2)}</fin:FinansposteringUUID>
    <fin:Posteringsdato>2025-03-03</fin:Posteringsdato>
    <fin:Beloeb>-1250.00</fin:Beloeb>
    <fin:Posteringstekst>Udbetalt via NemKonto</fin:Posteringstekst>
{indent(kontering('fin', ART_STATUS, FUNK_BANK, OMK_YDL), 4)}
  </fin:Finanspostering>
</fin:Finansbilag>"""

def finansbilag_n(n, beloeb, tekst):
    return f"""<fin:Finansbilag>
  <fin:FinansbilagUUID>{u('fb', n)}</fin:FinansbilagUUID>
  <fin:Bilagsdato>2025-03-03</fin:Bilagsdato>
  <fin:Bilagstekst>{tekst}</fin:Bilagstekst>
  <fin:SortimentUUID>{SORTIMENT}</fin:SortimentUUID>
  <fin:Finanspostering>
    <fin:FinansposteringUUID>{u('fc', 2 * n - 1)}</fin:FinansposteringUUID>
    <fin:Posteringsdato>2025-03-03</fin:Posteringsdato>
    <fin:Beloeb>{beloeb}</fin:Beloeb>
    <fin:Posteringstekst>{tekst}</fin:Posteringstekst>
{indent(kontering('fin', ART_OVERFOERSLER, FUNK_SDP, OMK_JOB, YDT_SDP), 4)}
  </fin:Finanspostering>
  <fin:Finanspostering>
    <fin:FinansposteringUUID>{u('fc', 2 * n)}</fin:FinansposteringUUID>
    <fin:Posteringsdato>2025-03-03</fin:Posteringsdato>
    <fin:Beloeb>-{beloeb}</fin:Beloeb>
    <fin:Posteringstekst>Udbetalt via NemKonto</fin:Posteringstekst>
{indent(kontering('fin', ART_STATUS, FUNK_BANK, OMK_YDL), 4)}
  </fin:Finanspostering>
</fin:Finansbilag>"""

MASSELEVERANCE = f"""<?xml version="1.0" encoding="UTF-8"?>
<!-- Example SF1590_A masseleverance file (fictitious data): two balanced vouchers. -->
<fin:FinansbilagMasseleverance xmlns:fin="urn:oio:oir:finans:2">
  <fin:Leverancehoved>
    <fin:LeveranceUUID>{u('1f', 1)}</fin:LeveranceUUID>
    <fin:AfsenderSystemUUID>{FAGSYSTEM}</fin:AfsenderSystemUUID>
    <fin:MyndighedCVR>{MYNDIGHED}</fin:MyndighedCVR>
    <fin:Dannelsestidspunkt>2025-03-03T22:00:00+01:00</fin:Dannelsestidspunkt>
    <fin:AntalFinansbilag>2</fin:AntalFinansbilag>
    <fin:AntalFinansposteringer>4</fin:AntalFinansposteringer>
    <fin:SumDebetBeloeb>2230.50</fin:SumDebetBeloeb>
  </fin:Leverancehoved>
{indent(finansbilag_n(11, '1250.00', 'Sygedagpenge uge 9, borger 1'), 2)}
{indent(finansbilag_n(12, '980.50', 'Sygedagpenge uge 9, borger 2'), 2)}
</fin:FinansbilagMasseleverance>
"""

MASSELEVERANCE_KVIT = f"""<?xml version="1.0" encoding="UTF-8"?>
<!-- Example receipt file for the masseleverance above: one voucher accepted, one rejected. -->
<fin:FinansbilagMasseleveranceKvittering xmlns:fin="urn:oio:oir:finans:2">
  <fin:LeveranceUUID>{u('1f', 1)}</fin:LeveranceUUID>
  <fin:Behandlingstidspunkt>2025-03-04T02:10:00+01:00</fin:Behandlingstidspunkt>
  <fin:Leverancestatus>DELVIST_ACCEPTERET</fin:Leverancestatus>
  <fin:AntalAccepteredeFinansbilag>1</fin:AntalAccepteredeFinansbilag>
  <fin:AntalAfvisteFinansbilag>1</fin:AntalAfvisteFinansbilag>
  <fin:Forretningskvittering>
    <fin:ForretningsValideringsKode>AFVIST</fin:ForretningsValideringsKode>
    <fin:Begrundelse>1 af 2 finansbilag er afvist, se FinansbilagKvittering.</fin:Begrundelse>
  </fin:Forretningskvittering>
  <fin:FinansbilagKvittering>
    <fin:FinansbilagUUID>{u('fb', 11)}</fin:FinansbilagUUID>
    <fin:Forretningskvittering>
      <fin:ForretningsValideringsKode>ACCEPTERET</fin:ForretningsValideringsKode>
    </fin:Forretningskvittering>
    <fin:BogfoeringssystemBilagsreference>ERP-2025-778801</fin:BogfoeringssystemBilagsreference>
  </fin:FinansbilagKvittering>
  <fin:FinansbilagKvittering>
    <fin:FinansbilagUUID>{u('fb', 12)}</fin:FinansbilagUUID>
    <fin:Forretningskvittering>
      <fin:ForretningsValideringsKode>AFVIST</fin:ForretningsValideringsKode>
      <fin:FejlListe>
        <fin:Fejl>
          <fin:FejlKode>OIR-A-010</fin:FejlKode>
          <fin:FejlTekst>Sortimentværdien for omkostningssted er ikke mappet i omsætningstabellen.</fin:FejlTekst>
          <fin:Alvorlighed>FEJL</fin:Alvorlighed>
          <fin:ElementSti>/FinansbilagMasseleverance/Finansbilag[2]/Finanspostering[2]/Kontering/Omkostningssted</fin:ElementSti>
          <fin:Konsekvens>Finansbilaget er ikke bogført.</fin:Konsekvens>
          <fin:Afhjaelpning>Kommunens økonomiafdeling mapper værdien i omsætningstabellen; fagsystemet sender derefter bilaget igen med samme FinansbilagUUID.</fin:Afhjaelpning>
        </fin:Fejl>
      </fin:FejlListe>
    </fin:Forretningskvittering>
  </fin:FinansbilagKvittering>
</fin:FinansbilagMasseleveranceKvittering>
"""

FINANSBILAG_AFVIST = f"""<fin:FinansbilagKvittering>
  <fin:FinansbilagUUID>{u('fb', 1)}</fin:FinansbilagUUID>
  <fin:Forretningskvittering>
    <fin:ForretningsValideringsKode>AFVIST</fin:ForretningsValideringsKode>
    <fin:Begrundelse>Finansbilaget balancerer ikke.</fin:Begrundelse>
    <fin:FejlListe>
      <fin:Fejl>
        <fin:FejlKode>OIR-A-001</fin:FejlKode>
        <fin:FejlTekst>Summen af finansposteringernes beløb er 0.01, men skal være 0.00.</fin:FejlTekst>
        <fin:Alvorlighed>FEJL</fin:Alvorlighed>
        <fin:ElementSti>/Finansbilag/Finanspostering[2]/Beloeb</fin:ElementSti>
        <fin:Konsekvens>Finansbilaget er ikke bogført.</fin:Konsekvens>
        <fin:Afhjaelpning>Fagsystemet retter posteringerne, så de går i nul, og sender bilaget igen med et nyt FinansbilagUUID.</fin:Afhjaelpning>
      </fin:Fejl>
    </fin:FejlListe>
  </fin:Forretningskvittering>
</fin:FinansbilagKvittering>"""

PACK_A = {
    "pack": "SF1590_A",
    "title": "SF1590_A Afsend økonomipostering (Finans)",
    "domain": ("fin", "urn:oio:oir:finans:2", "FinansTypes.xsd"),
    "xsd": ["OIRFaellesTypes.xsd", "FinansTypes.xsd", "FinansbilagMasseleveranceTypes.xsd"],
    "extra_examples": {
        "FinansbilagMasseleverance.xml": ("xsd/FinansbilagMasseleveranceTypes.xsd", MASSELEVERANCE),
        "FinansbilagMasseleveranceKvittering.xml": ("xsd/FinansbilagMasseleveranceTypes.xsd", MASSELEVERANCE_KVIT),
    },
    "services": [{
        "name": "ModtagFinansbilag", "major": 2,
        "uuid": "63610af5-3a70-4ff2-b04f-b5e6d13fd8b9", "uuid_confirmed": True,
        "caller": FAGSYSTEM,
        "doc": "ØiR ModtagFinansbilag v2 [C]: the fagsystem delivers a finansbilag with postings (straksleverance) "
               "to the municipality's bogføringssystem and gets a synchronous forretningskvittering. "
               "Caller: fagsystem. Provider: bogføringssystem (ERP), reached through Serviceplatformen.",
        "ops": [{
            "name": "ModtagFinansbilag", "confirmed": True,
            "doc": "Deliver one finansbilag; synchronous forretningskvittering (ACCEPTERET or AFVIST).",
            "req": [("Finansbilag", "FinansbilagType", 1, 1)],
            "resp": [("FinansbilagKvittering", "FinansbilagKvitteringType", 1, 1)],
            "req_x": FINANSBILAG,
            "resp_x": f"""<fin:FinansbilagKvittering>
  <fin:FinansbilagUUID>{u('fb', 1)}</fin:FinansbilagUUID>
{indent(kvit('fin'), 2)}
  <fin:BogfoeringssystemBilagsreference>ERP-2025-778800</fin:BogfoeringssystemBilagsreference>
</fin:FinansbilagKvittering>""",
            "extra_resp": {"response-afvist": FINANSBILAG_AFVIST},
        }],
    }],
}

# ------------------------------------------------------------------------------ debitor helpers

DK1 = u('de', 1)      # own debitorkonto
DK2 = u('de', 2)      # another system's debitorkonto
FORDRING1 = u('df', 1)
FORDRING2 = u('df', 2)
DELF1 = u('d0', 1)
DELF2 = u('d0', 2)
DELF3 = u('d0', 3)

def hovedstol_fordring():
    return f"""<deb:Fordring>
  <deb:FordringUUID>{FORDRING1}</deb:FordringUUID>
  <deb:Fordringstype>{FTYPE_SDP_TB}</deb:Fordringstype>
  <deb:Fordringstekst>Tilbagebetaling af for meget udbetalte sygedagpenge, januar 2025</deb:Fordringstekst>
  <deb:Hovedstol>4200.00</deb:Hovedstol>
  <deb:Periode>
    <deb:FraDato>2025-01-01</deb:FraDato>
    <deb:TilDato>2025-01-31</deb:TilDato>
  </deb:Periode>
  <deb:Stiftelsesdato>2025-01-15</deb:Stiftelsesdato>
  <deb:Forfaldsdato>2025-01-20</deb:Forfaldsdato>
  <deb:SidsteRettidigeBetalingsdato>2025-02-01</deb:SidsteRettidigeBetalingsdato>
  <deb:Foelsomhedsniveau>{FOELS_FLS}</deb:Foelsomhedsniveau>
  <deb:Haeftelse>
    <deb:HaeftelseUUID>{u('d9', 1)}</deb:HaeftelseUUID>
    <deb:Haeftelsestype>JURIDISK_ANSVARLIG</deb:Haeftelsestype>
    <deb:Part>
      <deb:CPRNummer>{CPR1}</deb:CPRNummer>
    </deb:Part>
    <deb:Startdato>2025-01-15</deb:Startdato>
  </deb:Haeftelse>
  <deb:Delfordring>
    <deb:DelfordringUUID>{DELF1}</deb:DelfordringUUID>
    <deb:Delfordringstype>HOVEDSTOL</deb:Delfordringstype>
    <deb:Beloeb>4200.00</deb:Beloeb>
    <deb:Virkningsdato>2025-01-15</deb:Virkningsdato>
    <deb:Forfaldsdato>2025-01-20</deb:Forfaldsdato>
{indent(kontering('deb', ART_SALG, FUNK_SDP, OMK_JOB, YDT_SDP_TB), 4)}
  </deb:Delfordring>
</deb:Fordring>"""

def rolle_indhold(cpr, n, navn):
    return f"""<deb:Part>
  <deb:CPRNummer>{cpr}</deb:CPRNummer>
  <deb:Navn>{navn}</deb:Navn>
</deb:Part>
<deb:Startdato>2025-01-15</deb:Startdato>
<deb:GaeldendeAdresse>
  <deb:GaeldendeAdresseUUID>{u('d7', n)}</deb:GaeldendeAdresseUUID>
{indent(adresse('deb'), 2)}
  <deb:Startdato>2025-01-15</deb:Startdato>
</deb:GaeldendeAdresse>
<deb:Materialeabonnement>
  <deb:MaterialeabonnementUUID>{u('d8', n)}</deb:MaterialeabonnementUUID>
  <deb:Materialetype>ALT_MATERIALE</deb:Materialetype>
  <deb:Forsendelseskanal>DIGITAL_POST</deb:Forsendelseskanal>
  <deb:Startdato>2025-01-15</deb:Startdato>
</deb:Materialeabonnement>"""

DEBITORKONTO = f"""<deb:Debitorkonto>
  <deb:DebitorkontoUUID>{DK1}</deb:DebitorkontoUUID>
  <deb:SortimentUUID>{SORTIMENT}</deb:SortimentUUID>
  <deb:DebitorkontoType>{DKTYPE_YDELSE}</deb:DebitorkontoType>
  <deb:Startdato>2025-01-15</deb:Startdato>
  <deb:DebitorkontoSpecifikation>
    <deb:Kontobetegnelse>Sygedagpenge, tilbagebetaling</deb:Kontobetegnelse>
    <deb:Sagsreference>SAG-2025-0042</deb:Sagsreference>
    <deb:Foelsomhedsniveau>{FOELS_FLS}</deb:Foelsomhedsniveau>
  </deb:DebitorkontoSpecifikation>
  <deb:JuridiskAnsvarlig>
    <deb:JuridiskAnsvarligUUID>{u('d3', 1)}</deb:JuridiskAnsvarligUUID>
{indent(rolle_indhold(CPR1, 1, 'Borger Testesen'), 4)}
  </deb:JuridiskAnsvarlig>
  <deb:JuridiskMedhaefter>
    <deb:JuridiskMedhaefterUUID>{u('d4', 1)}</deb:JuridiskMedhaefterUUID>
{indent(rolle_indhold(CPR2, 2, 'Medborger Testesen'), 4)}
  </deb:JuridiskMedhaefter>
  <deb:Administrator>
    <deb:AdministratorUUID>{u('d5', 1)}</deb:AdministratorUUID>
    <deb:Administratortype>FULDMAGTSHAVER</deb:Administratortype>
    <deb:Part>
      <deb:CVRNummer>{CVR_FIRMA}</deb:CVRNummer>
      <deb:Navn>Korsbæk Inkasso- og Rådgivning ApS</deb:Navn>
    </deb:Part>
    <deb:Startdato>2025-01-15</deb:Startdato>
  </deb:Administrator>
  <deb:Ligestillingspartner>
    <deb:LigestillingspartnerUUID>{u('d6', 1)}</deb:LigestillingspartnerUUID>
    <deb:Part>
      <deb:CPRNummer>{CPR2}</deb:CPRNummer>
    </deb:Part>
    <deb:Startdato>2025-01-15</deb:Startdato>
  </deb:Ligestillingspartner>
  <deb:Opkraevning>
    <deb:Betalingsart>{BET_FI71}</deb:Betalingsart>
    <deb:Opkraevningsfrekvens>ENGANG</deb:Opkraevningsfrekvens>
  </deb:Opkraevning>
{indent(hovedstol_fordring(), 2)}
</deb:Debitorkonto>"""

def afslut(elem, fields):
    body = "\n".join(f"  <deb:{k}>{v}</deb:{k}>" for k, v in fields)
    return f"<deb:{elem}>\n  <deb:DebitorkontoUUID>{DK1}</deb:DebitorkontoUUID>\n{body}\n  <deb:Slutdato>2025-03-31</deb:Slutdato>\n</deb:{elem}>"

REG_RESP = kvit('deb')

def reg_op(name, elem, typ, xml, doc, confirmed=True):
    return {"name": name, "confirmed": confirmed, "doc": doc,
            "req": [(elem, typ, 1, 1)], "resp": [("Forretningskvittering", None, 1, 1)],
            "req_x": xml, "resp_x": REG_RESP}

AFSLUT_OPS = [
    ("AfslutGældendeAdresseAdministrator", "GaeldendeAdresseAdministratorAfslutning", "GaeldendeAdresseAfslutningType",
     [("GaeldendeAdresseUUID", u('d7', 3))], "Close the current address of an administrator (end date)."),
    ("AfslutGældendeAdresseJuridiskAnsvarlig", "GaeldendeAdresseJuridiskAnsvarligAfslutning", "GaeldendeAdresseAfslutningType",
     [("GaeldendeAdresseUUID", u('d7', 1))], "Close the current address of the juridisk ansvarlig (end date)."),
    ("AfslutGældendeAdresseJuridiskMedhæfter", "GaeldendeAdresseJuridiskMedhaefterAfslutning", "GaeldendeAdresseAfslutningType",
     [("GaeldendeAdresseUUID", u('d7', 2))], "Close the current address of a juridisk medhæfter (end date)."),
    ("AfslutHæftelse", "HaeftelseAfslutning", "HaeftelseAfslutningType",
     [("FordringUUID", FORDRING1), ("HaeftelseUUID", u('d9', 2))], "Close a hæftelse (liability) on a fordring (end date)."),
    ("AfslutLigestillingspartner", "LigestillingspartnerAfslutning", "LigestillingspartnerAfslutningType",
     [("LigestillingspartnerUUID", u('d6', 1))], "Close a ligestillingspartner (end date)."),
    ("AfslutAdministrator", "AdministratorAfslutning", "AdministratorAfslutningType",
     [("AdministratorUUID", u('d5', 1))], "Close an administrator (end date)."),
    ("AfslutMaterialeabonnementAdministrator", "MaterialeabonnementAdministratorAfslutning", "MaterialeabonnementAfslutningType",
     [("MaterialeabonnementUUID", u('d8', 3))], "Close a materialeabonnement of an administrator (end date)."),
    ("AfslutMaterialeabonnementJuridiskAnsvarlig", "MaterialeabonnementJuridiskAnsvarligAfslutning", "MaterialeabonnementAfslutningType",
     [("MaterialeabonnementUUID", u('d8', 1))], "Close a materialeabonnement of the juridisk ansvarlig (end date)."),
    ("AfslutMaterialeabonnementJuridiskMedhæfter", "MaterialeabonnementJuridiskMedhaefterAfslutning", "MaterialeabonnementAfslutningType",
     [("MaterialeabonnementUUID", u('d8', 2))], "Close a materialeabonnement of a juridisk medhæfter (end date)."),
]

INDBETALING_REQ = f"""<deb:Indbetaling>
  <deb:IndbetalingUUID>{u('ec', 1)}</deb:IndbetalingUUID>
  <deb:Indbetalingsdato>2025-03-03</deb:Indbetalingsdato>
  <deb:Valoerdato>2025-03-03</deb:Valoerdato>
  <deb:Beloeb>1500.00</deb:Beloeb>
  <deb:Betalingsart>{BET_KASSE}</deb:Betalingsart>
  <deb:Indbetaler>
    <deb:CPRNummer>{CPR1}</deb:CPRNummer>
  </deb:Indbetaler>
  <deb:Kassereference>KASSE-01-2025-0311</deb:Kassereference>
  <deb:Anvendelse>
    <deb:DelfordringUUID>{DELF1}</deb:DelfordringUUID>
    <deb:Beloeb>1200.00</deb:Beloeb>
  </deb:Anvendelse>
  <deb:Anvendelse>
    <deb:DelfordringUUID>{DELF3}</deb:DelfordringUUID>
    <deb:Beloeb>300.00</deb:Beloeb>
  </deb:Anvendelse>
</deb:Indbetaling>"""

INDBETALING_RESP = f"""{kvit('deb')}
<deb:IndbetalingSvar>
  <deb:IndbetalingUUID>{u('ec', 1)}</deb:IndbetalingUUID>
  <deb:Daekning>
    <deb:DebitorkontoUUID>{DK1}</deb:DebitorkontoUUID>
    <deb:FordringUUID>{FORDRING1}</deb:FordringUUID>
    <deb:DelfordringUUID>{DELF1}</deb:DelfordringUUID>
    <deb:DaekketBeloeb>1200.00</deb:DaekketBeloeb>
    <deb:RestBeloeb>3000.00</deb:RestBeloeb>
  </deb:Daekning>
  <deb:Daekning>
    <deb:DebitorkontoUUID>{DK2}</deb:DebitorkontoUUID>
    <deb:FordringUUID>{FORDRING2}</deb:FordringUUID>
    <deb:DelfordringUUID>{DELF3}</deb:DelfordringUUID>
    <deb:DaekketBeloeb>300.00</deb:DaekketBeloeb>
    <deb:RestBeloeb>0.00</deb:RestBeloeb>
  </deb:Daekning>
  <deb:IkkeAnvendtBeloeb>0.00</deb:IkkeAnvendtBeloeb>
  <deb:Restance>
    <deb:RestanceBeloeb>3000.00</deb:RestanceBeloeb>
    <deb:AeldsteForfaldsdato>2025-01-20</deb:AeldsteForfaldsdato>
  </deb:Restance>
</deb:IndbetalingSvar>"""

SOEG_REQ = f"""<deb:DelfordringTilIndbetalingKriterier>
  <deb:Part>
    <deb:CPRNummer>{CPR1}</deb:CPRNummer>
  </deb:Part>
  <deb:KunEgneFordringer>false</deb:KunEgneFordringer>
  <deb:InklusivRestance>true</deb:InklusivRestance>
  <deb:MaksAntal>100</deb:MaksAntal>
</deb:DelfordringTilIndbetalingKriterier>"""

def delfordring_til_indbetaling(p="deb"):
    return f"""<{p}:DelfordringTilIndbetaling>
  <{p}:DebitorkontoUUID>{DK1}</{p}:DebitorkontoUUID>
  <{p}:EjerSystemUUID>{FAGSYSTEM}</{p}:EjerSystemUUID>
  <{p}:FordringUUID>{FORDRING1}</{p}:FordringUUID>
  <{p}:DelfordringUUID>{DELF1}</{p}:DelfordringUUID>
  <{p}:Fordringstype>{FTYPE_SDP_TB}</{p}:Fordringstype>
  <{p}:Fordringstekst>Tilbagebetaling af for meget udbetalte sygedagpenge, januar 2025</{p}:Fordringstekst>
  <{p}:Delfordringstype>HOVEDSTOL</{p}:Delfordringstype>
  <{p}:Forfaldsdato>2025-01-20</{p}:Forfaldsdato>
  <{p}:SidsteRettidigeBetalingsdato>2025-02-01</{p}:SidsteRettidigeBetalingsdato>
  <{p}:RestBeloeb>4200.00</{p}:RestBeloeb>
  <{p}:Restance>true</{p}:Restance>
  <{p}:Betalingsreference>710000000000012</{p}:Betalingsreference>
</{p}:DelfordringTilIndbetaling>
<{p}:DelfordringTilIndbetaling>
  <{p}:DebitorkontoUUID>{DK2}</{p}:DebitorkontoUUID>
  <{p}:EjerSystemUUID>{FAGSYSTEM2}</{p}:EjerSystemUUID>
  <{p}:FordringUUID>{FORDRING2}</{p}:FordringUUID>
  <{p}:DelfordringUUID>{DELF3}</{p}:DelfordringUUID>
  <{p}:Delfordringstype>GEBYR</{p}:Delfordringstype>
  <{p}:Forfaldsdato>2025-04-01</{p}:Forfaldsdato>
  <{p}:RestBeloeb>300.00</{p}:RestBeloeb>
  <{p}:Restance>false</{p}:Restance>
</{p}:DelfordringTilIndbetaling>"""

SOEG_RESP = f"""{kvit('deb')}
<deb:DelfordringTilIndbetalingListe>
{indent(delfordring_til_indbetaling(), 2)}
  <deb:FlereResultater>false</deb:FlereResultater>
</deb:DelfordringTilIndbetalingListe>"""

def payment_ops(confirmed, note):
    return [
        {"name": "ForetagIndbetaling", "confirmed": confirmed,
         "doc": "Register a payment on claims of the sender's own or of other systems; the forretningssvar tells how it was applied and the restance after it. " + note,
         "req": [("Indbetaling", "IndbetalingType", 1, 1)],
         "resp": [("Forretningskvittering", None, 1, 1), ("IndbetalingSvar", "IndbetalingSvarType", 0, 1)],
         "req_x": INDBETALING_REQ, "resp_x": INDBETALING_RESP},
        {"name": "SøgDelfordringTilIndbetaling", "confirmed": confirmed,
         "doc": "Search the sub-claims that can be paid (incl. restance), own and other systems' claims. " + note,
         "req": [("DelfordringTilIndbetalingKriterier", "DelfordringTilIndbetalingKriterierType", 1, 1)],
         "resp": [("Forretningskvittering", None, 1, 1), ("DelfordringTilIndbetalingListe", "DelfordringTilIndbetalingListeType", 0, 1)],
         "req_x": SOEG_REQ, "resp_x": SOEG_RESP},
    ]

def anmodning(elem, extra, n):
    return f"""<deb:{elem}>
  <deb:AnmodningUUID>{u('aa', n)}</deb:AnmodningUUID>
  <deb:DebitorkontoUUID>{DK1}</deb:DebitorkontoUUID>
  <deb:FordringUUID>{FORDRING1}</deb:FordringUUID>
  <deb:Begrundelse>Sagsbehandlers vurdering, jf. sag SAG-2025-0042.</deb:Begrundelse>
{indent(extra, 2)}
</deb:{elem}>"""

def anmodning_kvit(n, kode):
    return f"""<deb:AnmodningKvittering>
  <deb:AnmodningUUID>{u('aa', n)}</deb:AnmodningUUID>
{indent(kvit('deb', kode), 2)}
</deb:AnmodningKvittering>"""

PACK_B01 = {
    "pack": "SF1590_B_01",
    "title": "SF1590_B_01 Afsend DebitorRegistrering",
    "domain": ("deb", "urn:oio:oir:debitor:3", "DebitorTypes.xsd"),
    "xsd": ["OIRFaellesTypes.xsd", "DebitorTypes.xsd"],
    "services": [
        {
            "name": "DebitorRegistreringAfsend", "major": 1,
            "uuid": "e354a6d1-500b-49c6-916a-510623e12fba", "uuid_confirmed": True,
            "caller": FAGSYSTEM,
            "doc": "DebitorRegistreringAfsend 1.1 [C], part of SF1590_B_01_V3: the fagsystem registers and maintains its own "
                   "debitorkonti and claims (fordringer, hæftelser, administrators ...), incl. change of ownership. "
                   "Caller: fagsystem. Provider: debitorsystem (ERP), dynamic routing on Serviceplatformen. "
                   "The public page of ModtagDebitorregistreringStraksleverance 3.0 lists OpretDebitorkonto, the Afslut* "
                   "operations and RetFordringTilstand; which WSDL holds which operation is not public (see schemas/README.md).",
            "ops": [
                reg_op("OpretDebitorkonto", "Debitorkonto", "DebitorkontoStrukturType", DEBITORKONTO,
                       "Create a debitorkonto or further objects on it (roles, opkrævning, fordringer with delfordringer)."),
                *[reg_op(n, e, t, afslut(e, f), d) for (n, e, t, f, d) in AFSLUT_OPS],
                reg_op("RetFordringTilstand", "FordringTilstandsaendring", "FordringTilstandsaendringType",
                       f"""<deb:FordringTilstandsaendring>
  <deb:DebitorkontoUUID>{DK1}</deb:DebitorkontoUUID>
  <deb:FordringUUID>{FORDRING1}</deb:FordringUUID>
  <deb:Tilstand>I_BERO</deb:Tilstand>
  <deb:Virkningsdato>2025-03-03</deb:Virkningsdato>
  <deb:Begrundelse>Klage over afgørelsen er under behandling.</deb:Begrundelse>
</deb:FordringTilstandsaendring>""", "Change the state (tilstand) of a fordring on the sender's debitorkonto."),
                reg_op("RegistrerEjerskifte", "Ejerskifte", "EjerskifteType",
                       f"""<deb:Ejerskifte>
  <deb:DebitorkontoUUID>{DK1}</deb:DebitorkontoUUID>
  <deb:FordringUUID>{FORDRING1}</deb:FordringUUID>
  <deb:NyEjerSystemUUID>{ERP}</deb:NyEjerSystemUUID>
  <deb:Virkningsdato>2025-03-31</deb:Virkningsdato>
  <deb:Begrundelse>Sagen er afsluttet i fagsystemet; fordringen overdrages til debitorsystemet.</deb:Begrundelse>
</deb:Ejerskifte>""", "Change of ownership (ejerskifte) of claims or of the whole account, e.g. hand-over to the debitorsystem.", confirmed=False),
                reg_op("NedskrivFordring", "Nedskrivning", "NedskrivningType",
                       f"""<deb:Nedskrivning>
  <deb:NedskrivningUUID>{u('ad', 1)}</deb:NedskrivningUUID>
  <deb:DebitorkontoUUID>{DK1}</deb:DebitorkontoUUID>
  <deb:FordringUUID>{FORDRING1}</deb:FordringUUID>
  <deb:DelfordringUUID>{DELF1}</deb:DelfordringUUID>
  <deb:Beloeb>200.00</deb:Beloeb>
  <deb:Virkningsdato>2025-03-03</deb:Virkningsdato>
  <deb:Aarsagskode>FEJL</deb:Aarsagskode>
  <deb:Begrundelse>Genberegning af ydelsen for januar 2025.</deb:Begrundelse>
</deb:Nedskrivning>""", "Write a claim down (nedskrivning) with a reason code.", confirmed=False),
                reg_op("TilbagekaldFordring", "Tilbagekaldelse", "TilbagekaldelseType",
                       f"""<deb:Tilbagekaldelse>
  <deb:DebitorkontoUUID>{DK1}</deb:DebitorkontoUUID>
  <deb:FordringUUID>{FORDRING1}</deb:FordringUUID>
  <deb:Virkningsdato>2025-03-03</deb:Virkningsdato>
  <deb:Aarsagskode>KLAG</deb:Aarsagskode>
  <deb:Begrundelse>Klage over afgørelsen har opsættende virkning.</deb:Begrundelse>
</deb:Tilbagekaldelse>""", "Recall a claim (tilbagekaldelse), e.g. from collection.", confirmed=False),
            ],
        },
        {
            "name": "ModtagDebitorregistreringStraksleverance", "major": 3,
            "uuid": "232ac854-eb7b-45b9-b44d-71f772c929f2", "uuid_confirmed": True,
            "caller": FAGSYSTEM,
            "doc": "ModtagDebitorregistreringStraksleverance 3.0 [C] (integrationsbeskrivelse 3.8; view group MONOPOLBRUD): "
                   "create, update and query debitorregistreringer and make payments on claims of the sender or of other systems. "
                   "This pack carries its payment operations ForetagIndbetaling and SøgDelfordringTilIndbetaling [C, 3.8.0 change log]. "
                   "Caller: fagsystem. Provider: debitorsystem (ERP).",
            "ops": payment_ops(True, "[C] name from the 3.8.0 change log; structure modelled."),
        },
        {
            "name": "DebitorkontoAnmodningAfsend", "major": 1,
            "uuid": u('5e', 1), "uuid_confirmed": False,
            "caller": FAGSYSTEM,
            "doc": "DebitorkontoAnmodningAfsend [C service name and purpose]: the fagsystem requests an action that only the "
                   "debitorsystem may perform on the fagsystem's debitorkonti. The synchronous answer says whether the request is "
                   "accepted and, for immediate actions, the result (ACCEPTERET); otherwise MODTAGET and the result follows via "
                   "DebitorkontoAnmodningSvarAfsend. Operations MODELLED. Caller: fagsystem. Provider: debitorsystem (ERP).",
            "ops": [
                {"name": "AnmodOmAfskrivning", "confirmed": False, "doc": "Ask the debitorsystem to write off claims on the account.",
                 "req": [("AfskrivningAnmodning", "AfskrivningAnmodningType", 1, 1)],
                 "resp": [("AnmodningKvittering", "AnmodningKvitteringType", 1, 1)],
                 "req_x": anmodning("AfskrivningAnmodning", "<deb:Beloeb>4200.00</deb:Beloeb>\n<deb:Afskrivningsaarsag>UERHOLDELIG</deb:Afskrivningsaarsag>", 1),
                 "resp_x": anmodning_kvit(1, "MODTAGET")},
                {"name": "AnmodOmOverdragelseTilInddrivelse", "confirmed": False,
                 "doc": "Ask the debitorsystem to hand claims over to Gældsstyrelsen (PSRM) for collection.",
                 "req": [("OverdragelseTilInddrivelseAnmodning", "OverdragelseTilInddrivelseAnmodningType", 1, 1)],
                 "resp": [("AnmodningKvittering", "AnmodningKvitteringType", 1, 1)],
                 "req_x": anmodning("OverdragelseTilInddrivelseAnmodning", "<deb:UnderretningsDato>2025-02-10</deb:UnderretningsDato>", 2),
                 "resp_x": anmodning_kvit(2, "MODTAGET")},
                {"name": "AnmodOmHenstand", "confirmed": False, "doc": "Ask the debitorsystem for a deferment (henstand) of collection.",
                 "req": [("HenstandAnmodning", "HenstandAnmodningType", 1, 1)],
                 "resp": [("AnmodningKvittering", "AnmodningKvitteringType", 1, 1)],
                 "req_x": anmodning("HenstandAnmodning", "<deb:Henstandsperiode>\n  <deb:FraDato>2025-03-03</deb:FraDato>\n  <deb:TilDato>2025-05-31</deb:TilDato>\n</deb:Henstandsperiode>", 3),
                 "resp_x": anmodning_kvit(3, "ACCEPTERET")},
            ],
        },
        {
            "name": "DebitorkontoAnmodningSvarAfsend", "major": 1,
            "uuid": u('5e', 2), "uuid_confirmed": False,
            "caller": ERP,
            "doc": "MODELLED callback service: the debitorsystem sends the later result of a DebitorkontoAnmodning that was "
                   "answered MODTAGET (the public text says the result is sent later 'in a separate message'). "
                   "Exposed by the fagsystem. Caller: debitorsystem (ERP) through Serviceplatformen.",
            "ops": [
                {"name": "RegistrerDebitorkontoAnmodningSvar", "confirmed": False,
                 "doc": "Receive the result (ACCEPTERET = performed, AFVIST = refused) of an earlier anmodning.",
                 "req": [("DebitorkontoAnmodningSvar", "DebitorkontoAnmodningSvarType", 1, 1)],
                 "resp": [("Forretningskvittering", None, 1, 1)],
                 "req_x": f"""<deb:DebitorkontoAnmodningSvar>
  <deb:AnmodningUUID>{u('aa', 1)}</deb:AnmodningUUID>
  <deb:DebitorkontoUUID>{DK1}</deb:DebitorkontoUUID>
  <deb:Behandlingstidspunkt>2025-03-05T09:30:00+01:00</deb:Behandlingstidspunkt>
{indent(kvit('deb'), 2)}
</deb:DebitorkontoAnmodningSvar>""",
                 "resp_x": kvit('deb')},
            ],
        },
        {
            "name": "DaekningAfskrivningRegistreringAfsend", "major": 1,
            "uuid": "67275f52-f9a2-484e-a869-92cad1a5572c", "uuid_confirmed": True,
            "caller": ERP,
            "doc": "DækningAfskrivningRegistreringAfsend 1.1 [C], part of SF1590_B_01_V3: callback from the debitorsystem to the "
                   "fagsystem about payments (dækning) and write-offs (afskrivning) on the fagsystem's claims. Exposed by the "
                   "fagsystem; Serviceplatformen calls it with its SP_[miljø]_Callback certificate. Operation MODELLED.",
            "ops": [
                {"name": "RegistrerDaekningAfskrivning", "confirmed": False,
                 "doc": "Receive coverages and write-offs on sub-claims, with the remaining amount.",
                 "req": [("DaekningAfskrivning", "DaekningAfskrivningType", 1, 1000)],
                 "resp": [("Forretningskvittering", None, 1, 1)],
                 "req_x": f"""<deb:DaekningAfskrivning>
  <deb:HaendelseUUID>{u('ab', 1)}</deb:HaendelseUUID>
  <deb:Haendelsestype>DAEKNING</deb:Haendelsestype>
  <deb:DebitorkontoUUID>{DK1}</deb:DebitorkontoUUID>
  <deb:FordringUUID>{FORDRING1}</deb:FordringUUID>
  <deb:DelfordringUUID>{DELF1}</deb:DelfordringUUID>
  <deb:Beloeb>1200.00</deb:Beloeb>
  <deb:Virkningsdato>2025-03-03</deb:Virkningsdato>
  <deb:Registreringsdato>2025-03-03</deb:Registreringsdato>
  <deb:IndbetalingUUID>{u('ec', 1)}</deb:IndbetalingUUID>
  <deb:Betalingsart>{BET_KASSE}</deb:Betalingsart>
  <deb:RestBeloeb>3000.00</deb:RestBeloeb>
</deb:DaekningAfskrivning>
<deb:DaekningAfskrivning>
  <deb:HaendelseUUID>{u('ab', 2)}</deb:HaendelseUUID>
  <deb:Haendelsestype>AFSKRIVNING</deb:Haendelsestype>
  <deb:DebitorkontoUUID>{DK1}</deb:DebitorkontoUUID>
  <deb:FordringUUID>{FORDRING1}</deb:FordringUUID>
  <deb:DelfordringUUID>{DELF1}</deb:DelfordringUUID>
  <deb:Beloeb>3000.00</deb:Beloeb>
  <deb:Virkningsdato>2025-03-05</deb:Virkningsdato>
  <deb:Registreringsdato>2025-03-05</deb:Registreringsdato>
  <deb:Afskrivningsaarsag>Uerholdelig, jf. anmodning fra fagsystemet</deb:Afskrivningsaarsag>
  <deb:RestBeloeb>0.00</deb:RestBeloeb>
</deb:DaekningAfskrivning>""",
                 "resp_x": kvit('deb')},
            ],
        },
    ],
}

# ------------------------------------------------------------------------------ SF1590_B_02

OVERSIGT = f"""<deb:DebitorkontoOversigt>
  <deb:DebitorkontoUUID>{DK1}</deb:DebitorkontoUUID>
  <deb:DebitorsystemKontonummer>D-100200</deb:DebitorsystemKontonummer>
  <deb:DebitorkontoType>{DKTYPE_YDELSE}</deb:DebitorkontoType>
  <deb:EjerSystemUUID>{FAGSYSTEM}</deb:EjerSystemUUID>
  <deb:Kilde>OIR</deb:Kilde>
  <deb:Tilstand>AKTIV</deb:Tilstand>
  <deb:JuridiskAnsvarlig>
    <deb:CPRNummer>{CPR1}</deb:CPRNummer>
    <deb:Navn>Borger Testesen</deb:Navn>
  </deb:JuridiskAnsvarlig>
  <deb:Saldo>
    <deb:Saldo>3000.00</deb:Saldo>
    <deb:RestanceBeloeb>3000.00</deb:RestanceBeloeb>
    <deb:Saldodato>2025-03-03</deb:Saldodato>
  </deb:Saldo>
</deb:DebitorkontoOversigt>
<deb:DebitorkontoOversigt>
  <deb:DebitorkontoUUID>{DK2}</deb:DebitorkontoUUID>
  <deb:DebitorsystemKontonummer>D-000017</deb:DebitorsystemKontonummer>
  <deb:EjerSystemUUID>{FAGSYSTEM2}</deb:EjerSystemUUID>
  <deb:Kilde>G19_KONVERTERET</deb:Kilde>
  <deb:Tilstand>AKTIV</deb:Tilstand>
  <deb:JuridiskAnsvarlig>
    <deb:CPRNummer>{CPR1}</deb:CPRNummer>
  </deb:JuridiskAnsvarlig>
  <deb:Saldo>
    <deb:Saldo>300.00</deb:Saldo>
    <deb:RestanceBeloeb>0.00</deb:RestanceBeloeb>
    <deb:Saldodato>2025-03-03</deb:Saldodato>
  </deb:Saldo>
</deb:DebitorkontoOversigt>"""

DETALJE = f"""<deb:DebitorkontoDetalje>
  <deb:DebitorkontoUUID>{DK1}</deb:DebitorkontoUUID>
  <deb:DebitorsystemKontonummer>D-100200</deb:DebitorsystemKontonummer>
  <deb:DebitorkontoType>{DKTYPE_YDELSE}</deb:DebitorkontoType>
  <deb:EjerSystemUUID>{FAGSYSTEM}</deb:EjerSystemUUID>
  <deb:SortimentUUID>{SORTIMENT}</deb:SortimentUUID>
  <deb:Kilde>OIR</deb:Kilde>
  <deb:Tilstand>AKTIV</deb:Tilstand>
  <deb:Startdato>2025-01-15</deb:Startdato>
  <deb:JuridiskAnsvarlig>
    <deb:JuridiskAnsvarligUUID>{u('d3', 1)}</deb:JuridiskAnsvarligUUID>
{indent(rolle_indhold(CPR1, 1, 'Borger Testesen'), 4)}
  </deb:JuridiskAnsvarlig>
  <deb:Saldo>
    <deb:Saldo>3000.00</deb:Saldo>
    <deb:RestanceBeloeb>3000.00</deb:RestanceBeloeb>
    <deb:Saldodato>2025-03-03</deb:Saldodato>
  </deb:Saldo>
  <deb:FordringDetalje>
    <deb:FordringUUID>{FORDRING1}</deb:FordringUUID>
    <deb:DebitorsystemFordringsnummer>F-5501</deb:DebitorsystemFordringsnummer>
    <deb:Kilde>OIR</deb:Kilde>
    <deb:Fordringstype>{FTYPE_SDP_TB}</deb:Fordringstype>
    <deb:Fordringstekst>Tilbagebetaling af for meget udbetalte sygedagpenge, januar 2025</deb:Fordringstekst>
    <deb:Hovedstol>4200.00</deb:Hovedstol>
    <deb:Stiftelsesdato>2025-01-15</deb:Stiftelsesdato>
    <deb:Forfaldsdato>2025-01-20</deb:Forfaldsdato>
    <deb:SidsteRettidigeBetalingsdato>2025-02-01</deb:SidsteRettidigeBetalingsdato>
    <deb:Tilstand>AKTIV</deb:Tilstand>
    <deb:RestBeloeb>3000.00</deb:RestBeloeb>
    <deb:DelfordringDetalje>
      <deb:DelfordringUUID>{DELF1}</deb:DelfordringUUID>
      <deb:Delfordringstype>HOVEDSTOL</deb:Delfordringstype>
      <deb:Beloeb>4200.00</deb:Beloeb>
      <deb:RestBeloeb>2800.00</deb:RestBeloeb>
      <deb:Virkningsdato>2025-01-15</deb:Virkningsdato>
    </deb:DelfordringDetalje>
    <deb:DelfordringDetalje>
      <deb:DelfordringUUID>{DELF2}</deb:DelfordringUUID>
      <deb:Delfordringstype>GEBYR</deb:Delfordringstype>
      <deb:Beloeb>100.00</deb:Beloeb>
      <deb:RestBeloeb>100.00</deb:RestBeloeb>
      <deb:Virkningsdato>2025-02-15</deb:Virkningsdato>
    </deb:DelfordringDetalje>
    <deb:DelfordringDetalje>
      <deb:Delfordringstype>RENTE</deb:Delfordringstype>
      <deb:Beloeb>100.00</deb:Beloeb>
      <deb:RestBeloeb>100.00</deb:RestBeloeb>
      <deb:Virkningsdato>2025-03-01</deb:Virkningsdato>
    </deb:DelfordringDetalje>
    <deb:Daekning>
      <deb:Virkningsdato>2025-03-03</deb:Virkningsdato>
      <deb:Beloeb>1200.00</deb:Beloeb>
      <deb:DelfordringUUID>{DELF1}</deb:DelfordringUUID>
      <deb:IndbetalingUUID>{u('ec', 1)}</deb:IndbetalingUUID>
    </deb:Daekning>
    <deb:Nedregulering>
      <deb:Virkningsdato>2025-03-03</deb:Virkningsdato>
      <deb:Beloeb>200.00</deb:Beloeb>
      <deb:DelfordringUUID>{DELF1}</deb:DelfordringUUID>
      <deb:Tekst>Genberegning af ydelsen</deb:Tekst>
    </deb:Nedregulering>
    <deb:Rente>
      <deb:Virkningsdato>2025-03-01</deb:Virkningsdato>
      <deb:Beloeb>100.00</deb:Beloeb>
      <deb:Tekst>Morarente februar 2025</deb:Tekst>
    </deb:Rente>
    <deb:Rykkergebyr>
      <deb:Virkningsdato>2025-02-15</deb:Virkningsdato>
      <deb:Beloeb>100.00</deb:Beloeb>
      <deb:DelfordringUUID>{DELF2}</deb:DelfordringUUID>
      <deb:Tekst>Rykker 1</deb:Tekst>
    </deb:Rykkergebyr>
  </deb:FordringDetalje>
  <deb:Indbetaling>
    <deb:IndbetalingUUID>{u('ec', 1)}</deb:IndbetalingUUID>
    <deb:Indbetalingsdato>2025-03-03</deb:Indbetalingsdato>
    <deb:Beloeb>1200.00</deb:Beloeb>
    <deb:Betalingsart>{BET_KASSE}</deb:Betalingsart>
    <deb:IkkeAnvendtBeloeb>0.00</deb:IkkeAnvendtBeloeb>
  </deb:Indbetaling>
</deb:DebitorkontoDetalje>
<deb:DebitorkontoDetalje>
  <deb:DebitorkontoUUID>{DK2}</deb:DebitorkontoUUID>
  <deb:DebitorsystemKontonummer>D-000017</deb:DebitorsystemKontonummer>
  <deb:Kilde>G19_KONVERTERET</deb:Kilde>
  <deb:Tilstand>AKTIV</deb:Tilstand>
  <deb:JuridiskAnsvarlig>
    <deb:JuridiskAnsvarligUUID>{u('d3', 2)}</deb:JuridiskAnsvarligUUID>
    <deb:Part>
      <deb:CPRNummer>{CPR1}</deb:CPRNummer>
    </deb:Part>
    <deb:Startdato>2014-06-01</deb:Startdato>
  </deb:JuridiskAnsvarlig>
  <deb:Saldo>
    <deb:Saldo>300.00</deb:Saldo>
    <deb:RestanceBeloeb>0.00</deb:RestanceBeloeb>
    <deb:Saldodato>2025-03-03</deb:Saldodato>
  </deb:Saldo>
  <deb:FordringDetalje>
    <deb:DebitorsystemFordringsnummer>G19-0000481</deb:DebitorsystemFordringsnummer>
    <deb:Kilde>G19_KONVERTERET</deb:Kilde>
    <deb:G19Oplysninger>
      <deb:G19Fordringsart>0042</deb:G19Fordringsart>
      <deb:G19Reference>KMD-G19-2014-000481</deb:G19Reference>
      <deb:Konverteringsdato>2019-07-01</deb:Konverteringsdato>
    </deb:G19Oplysninger>
    <deb:Hovedstol>300.00</deb:Hovedstol>
    <deb:Forfaldsdato>2025-04-01</deb:Forfaldsdato>
    <deb:Tilstand>AKTIV</deb:Tilstand>
    <deb:RestBeloeb>300.00</deb:RestBeloeb>
  </deb:FordringDetalje>
</deb:DebitorkontoDetalje>"""

PACK_B02 = {
    "pack": "SF1590_B_02",
    "title": "SF1590_B_02 Afsend DebitorForespørgsel",
    "domain": ("deb", "urn:oio:oir:debitor:3", "DebitorTypes.xsd"),
    "xsd": ["OIRFaellesTypes.xsd", "DebitorTypes.xsd"],
    "services": [{
        "name": "DebitorForespoergselAfsend", "major": 1,
        "uuid": u('5e', 3), "uuid_confirmed": False,
        "caller": FAGSYSTEM,
        "doc": "SF1590_B_02 Afsend DebitorForespørgsel 3.10 [C purpose]: list debitorkonti or look up one debitorkonto in the "
               "debitorsystem with full detail (payments, write-offs, write-downs, interest and reminder fees); own and other "
               "systems' registrations, incl. legacy claims converted from KMD G19. Service name and operations MODELLED "
               "(no public service page). Caller: fagsystem. Provider: debitorsystem (ERP).",
        "ops": [
            {"name": "ListDebitorkonti", "confirmed": False,
             "doc": "List debitorkonti of an owner system and/or a party, page by page.",
             "req": [("DebitorkontoListeKriterier", "DebitorkontoListeKriterierType", 1, 1)],
             "resp": [("Forretningskvittering", None, 1, 1), ("DebitorkontoListe", "DebitorkontoOversigtListeType", 0, 1)],
             "req_x": f"""<deb:DebitorkontoListeKriterier>
  <deb:Part>
    <deb:CPRNummer>{CPR1}</deb:CPRNummer>
  </deb:Part>
  <deb:Tilstand>AKTIV</deb:Tilstand>
  <deb:Sideinddeling>
    <deb:Sidenummer>1</deb:Sidenummer>
    <deb:Sidestoerrelse>50</deb:Sidestoerrelse>
  </deb:Sideinddeling>
</deb:DebitorkontoListeKriterier>""",
             "resp_x": f"""{kvit('deb')}
<deb:DebitorkontoListe>
{indent(OVERSIGT, 2)}
  <deb:FlereResultater>false</deb:FlereResultater>
</deb:DebitorkontoListe>"""},
            {"name": "SøgDebitorkonto", "confirmed": False,
             "doc": "Search debitorkonti by party, claim, case reference, claim type, due period or source (OIR / G19).",
             "req": [("DebitorkontoSoegekriterier", "DebitorkontoSoegekriterierType", 1, 1)],
             "resp": [("Forretningskvittering", None, 1, 1), ("DebitorkontoSoegeresultat", "DebitorkontoOversigtListeType", 0, 1)],
             "req_x": f"""<deb:DebitorkontoSoegekriterier>
  <deb:Part>
    <deb:CPRNummer>{CPR1}</deb:CPRNummer>
  </deb:Part>
  <deb:Forfaldsperiode>
    <deb:FraDato>2014-01-01</deb:FraDato>
    <deb:TilDato>2025-12-31</deb:TilDato>
  </deb:Forfaldsperiode>
  <deb:InklusivAfsluttede>false</deb:InklusivAfsluttede>
  <deb:MaksAntal>100</deb:MaksAntal>
</deb:DebitorkontoSoegekriterier>""",
             "resp_x": f"""{kvit('deb')}
<deb:DebitorkontoSoegeresultat>
{indent(OVERSIGT, 2)}
  <deb:FlereResultater>false</deb:FlereResultater>
</deb:DebitorkontoSoegeresultat>"""},
            {"name": "HentDebitorkonto", "confirmed": False,
             "doc": "Fetch debitorkonti with full detail, by UUID or by the debitorsystem's account number (legacy G19 accounts).",
             "req": [("DebitorkontoHentKriterier", "DebitorkontoHentKriterierType", 1, 1)],
             "resp": [("Forretningskvittering", None, 1, 1), ("DebitorkontoDetalje", "DebitorkontoDetaljeType", 0, 20)],
             "req_x": f"""<deb:DebitorkontoHentKriterier>
  <deb:DebitorkontoUUID>{DK1}</deb:DebitorkontoUUID>
  <deb:DebitorkontoUUID>{DK2}</deb:DebitorkontoUUID>
</deb:DebitorkontoHentKriterier>""",
             "resp_x": f"{kvit('deb')}\n{DETALJE}"},
        ],
    }],
}

# ------------------------------------------------------------------------------ SF1590_B_03

FORDRING_TIL_INDBETALING = f"""<?xml version="1.0" encoding="UTF-8"?>
<!-- Example FordringTilIndbetaling notice (fictitious data), the Beskeddata of a Beskedfordeler message. -->
<deb:FordringTilIndbetaling xmlns:deb="urn:oio:oir:debitor:3">
  <deb:BeskedUUID>{u('ae', 901)}</deb:BeskedUUID>
  <deb:Dannelsestidspunkt>2025-03-03T06:00:00+01:00</deb:Dannelsestidspunkt>
  <deb:MyndighedCVR>{MYNDIGHED}</deb:MyndighedCVR>
  <deb:Skyldner>
    <deb:CPRNummer>{CPR1}</deb:CPRNummer>
  </deb:Skyldner>
{indent(delfordring_til_indbetaling(), 2)}
</deb:FordringTilIndbetaling>
"""

PACK_B03 = {
    "pack": "SF1590_B_03",
    "title": "SF1590_B_03 Afsend DebitorIndbetaling",
    "domain": ("deb", "urn:oio:oir:debitor:3", "DebitorTypes.xsd"),
    "xsd": ["OIRFaellesTypes.xsd", "DebitorTypes.xsd", "FordringTilIndbetalingTypes.xsd"],
    "extra_examples": {
        "FordringTilIndbetaling.besked.xml": ("xsd/FordringTilIndbetalingTypes.xsd", FORDRING_TIL_INDBETALING),
    },
    "services": [{
        "name": "DebitorIndbetalingAfsend", "major": 1,
        "uuid": "d0ed926d-be52-4b12-bf4a-0513b594eed5", "uuid_confirmed": True,
        "caller": FAGSYSTEM,
        "doc": "DebitorIndbetalingAfsend [C] (SF1590_B_03 3.10; entityID http://oir.serviceplatformen.dk/service/debitorindbetalingafsend/1): "
               "make payments on claims in the debitorsystem (own and other systems' claims) and search claims that can be paid. "
               "Operation names by analogy with SF1590_B_01 3.8.0, structure MODELLED. Caller: fagsystem / cash or payment "
               "solution. Provider: debitorsystem (ERP). Often used with the beskedservice FordringTilIndbetalingHent/-Modtag "
               "(message type FordringTilIndbetaling, schema xsd/FordringTilIndbetalingTypes.xsd).",
        "ops": payment_ops(False, "Name by analogy with SF1590_B_01 3.8.0; structure modelled."),
    }],
}

# ------------------------------------------------------------------------------ SF1590_D

FAKTURA = f"""<fak:FakturaInformation>
  <fak:FakturaUUID>{u('fa', 1)}</fak:FakturaUUID>
  <fak:ModtagendeSystemUUID>{FAGSYSTEM}</fak:ModtagendeSystemUUID>
  <fak:Fakturanummer>2025-10077</fak:Fakturanummer>
  <fak:Fakturatype>FAKTURA</fak:Fakturatype>
  <fak:Fakturadato>2025-03-01</fak:Fakturadato>
  <fak:Forfaldsdato>2025-03-31</fak:Forfaldsdato>
  <fak:Leverandoer>
    <fak:CVRNummer>{CVR_FIRMA}</fak:CVRNummer>
    <fak:Navn>Korsbæk Lægeerklæringer ApS</fak:Navn>
    <fak:EANNummer>5790000000005</fak:EANNummer>
  </fak:Leverandoer>
  <fak:ModtagerEANNummer>5798000000012</fak:ModtagerEANNummer>
  <fak:Sagsreference>SAG-2025-0042</fak:Sagsreference>
  <fak:Valuta>DKK</fak:Valuta>
  <fak:BeloebEksklMoms>1000.00</fak:BeloebEksklMoms>
  <fak:MomsBeloeb>250.00</fak:MomsBeloeb>
  <fak:BeloebInklMoms>1250.00</fak:BeloebInklMoms>
  <fak:Fakturalinje>
    <fak:Linjenummer>1</fak:Linjenummer>
    <fak:Varebeskrivelse>Lægeattest til brug i sygedagpengesag</fak:Varebeskrivelse>
    <fak:Antal>2</fak:Antal>
    <fak:Enhed>EA</fak:Enhed>
    <fak:Enhedspris>500.0000</fak:Enhedspris>
    <fak:LinjeBeloebEksklMoms>1000.00</fak:LinjeBeloebEksklMoms>
    <fak:Momssats>25.00</fak:Momssats>
  </fak:Fakturalinje>
  <fak:GodkendelseKraevet>true</fak:GodkendelseKraevet>
  <fak:SvarFrist>2025-03-20</fak:SvarFrist>
  <fak:Bilag>
    <fak:Filnavn>faktura-2025-10077.pdf</fak:Filnavn>
    <fak:MimeType>application/pdf</fak:MimeType>
    <fak:Indhold>JVBERi0xLjQKJSBmaWt0aXZ0IGVrc2VtcGVsCg==</fak:Indhold>
  </fak:Bilag>
</fak:FakturaInformation>"""

PACK_D = {
    "pack": "SF1590_D",
    "title": "SF1590_D Afsend Faktura til Godkendelse",
    "domain": ("fak", "urn:oio:oir:faktura:2", "FakturaTypes.xsd"),
    "xsd": ["OIRFaellesTypes.xsd", "FakturaTypes.xsd"],
    "services": [
        {
            "name": "FakturaInformationAfsend", "major": 1,
            "uuid": u('5e', 4), "uuid_confirmed": False,
            "caller": ERP,
            "doc": "FakturaInformationAfsend 1.0 [C]: exposed BY THE FAGSYSTEM; the fakturahåndteringssystem (ERP) lends an "
                   "invoice to the fagsystem for approval, with explicit routing to the target fagsystem; receipt of delivery "
                   "in the synchronous response (MODTAGET). Operation and structure MODELLED.",
            "ops": [{
                "name": "AfsendFakturaInformation", "confirmed": False,
                "doc": "Lend an invoice to the fagsystem; synchronous receipt of delivery.",
                "req": [("FakturaInformation", "FakturaInformationType", 1, 1)],
                "resp": [("Forretningskvittering", None, 1, 1)],
                "req_x": FAKTURA, "resp_x": kvit('fak', 'MODTAGET'),
            }],
        },
        {
            "name": "FakturaInformationSvarAfsend", "major": 1,
            "uuid": u('5e', 5), "uuid_confirmed": False,
            "caller": FAGSYSTEM,
            "doc": "FakturaInformationSvarAfsend [C]: called by the fagsystem after processing when the fakturahåndteringssystem "
                   "asked for approval/rejection; Serviceplatformen routes implicitly to the municipality's "
                   "fakturahåndteringssystem. Operation and structure (incl. posting designation) MODELLED.",
            "ops": [{
                "name": "AfsendFakturaInformationSvar", "confirmed": False,
                "doc": "Approve or reject a lent invoice, with the posting designation (kontering) when the specialist area designates it.",
                "req": [("FakturaInformationSvar", "FakturaInformationSvarType", 1, 1)],
                "resp": [("Forretningskvittering", None, 1, 1)],
                "req_x": f"""<fak:FakturaInformationSvar>
  <fak:FakturaUUID>{u('fa', 1)}</fak:FakturaUUID>
  <fak:Fakturanummer>2025-10077</fak:Fakturanummer>
  <fak:Godkendelsesstatus>GODKENDT</fak:Godkendelsesstatus>
  <fak:BehandletAf>Sagsbehandler Testesen</fak:BehandletAf>
  <fak:Behandlingstidspunkt>2025-03-04T11:20:00+01:00</fak:Behandlingstidspunkt>
  <fak:Konteringsansvar>FAGOMRAADE</fak:Konteringsansvar>
  <fak:SortimentUUID>{SORTIMENT}</fak:SortimentUUID>
  <fak:Konteringslinje>
    <fak:Beloeb>1000.00</fak:Beloeb>
{indent(kontering('fak', ART_TJENESTEYDELSER, FUNK_SEKRETARIAT, OMK_JOB), 4)}
    <fak:Posteringstekst>Lægeattester, sygedagpengesager</fak:Posteringstekst>
  </fak:Konteringslinje>
</fak:FakturaInformationSvar>""",
                "resp_x": kvit('fak'),
            }],
        },
    ],
}

# ------------------------------------------------------------------------------ SF1590_E

BETALINGSANMODNING = f"""<udb:Betalingsanmodning>
  <udb:Gruppehoved>
    <udb:LeveranceUUID>{u('ee', 1)}</udb:LeveranceUUID>
    <udb:Dannelsestidspunkt>2025-03-03T08:00:00+01:00</udb:Dannelsestidspunkt>
    <udb:AntalTransaktioner>2</udb:AntalTransaktioner>
    <udb:Kontrolsum>2250.00</udb:Kontrolsum>
  </udb:Gruppehoved>
  <udb:Betalingsinformation>
    <udb:BetalingsinformationUUID>{u('ef', 1)}</udb:BetalingsinformationUUID>
    <udb:BetalerCVRNummer>{MYNDIGHED}</udb:BetalerCVRNummer>
    <udb:Udbetalingsdato>2025-03-05</udb:Udbetalingsdato>
    <udb:Betalingstransaktion>
      <udb:BetalingstransaktionUUID>{u('e9', 1)}</udb:BetalingstransaktionUUID>
      <udb:Betalingstype>UKOMPLET</udb:Betalingstype>
      <udb:Beloeb>1250.00</udb:Beloeb>
      <udb:Valuta>DKK</udb:Valuta>
      <udb:Modtager>
        <udb:CPRNummer>{CPR1}</udb:CPRNummer>
      </udb:Modtager>
      <udb:Posteringstekst>Sygedagpenge uge 9</udb:Posteringstekst>
      <udb:Advislinje>Sygedagpenge for perioden 24.02.2025 - 02.03.2025</udb:Advislinje>
      <udb:Advislinje>Korsbæk Kommune, Jobcenter</udb:Advislinje>
    </udb:Betalingstransaktion>
    <udb:Betalingstransaktion>
      <udb:BetalingstransaktionUUID>{u('e9', 2)}</udb:BetalingstransaktionUUID>
      <udb:Betalingstype>KOMPLET</udb:Betalingstype>
      <udb:Beloeb>1000.00</udb:Beloeb>
      <udb:Valuta>DKK</udb:Valuta>
      <udb:Modtager>
        <udb:CVRNummer>{CVR_FIRMA}</udb:CVRNummer>
        <udb:Navn>Korsbæk Lægeerklæringer ApS</udb:Navn>
      </udb:Modtager>
      <udb:Modtagerkonto>
        <udb:DanskKonto>
          <udb:Registreringsnummer>9999</udb:Registreringsnummer>
          <udb:Kontonummer>0000123456</udb:Kontonummer>
        </udb:DanskKonto>
      </udb:Modtagerkonto>
      <udb:Posteringstekst>Faktura 2025-10077</udb:Posteringstekst>
      <udb:Fakturanummer>2025-10077</udb:Fakturanummer>
    </udb:Betalingstransaktion>
  </udb:Betalingsinformation>
</udb:Betalingsanmodning>"""

def ba_kvit():
    return f"""<udb:BetalingsanmodningKvittering>
  <udb:LeveranceUUID>{u('ee', 1)}</udb:LeveranceUUID>
  <udb:Modtagelsestidspunkt>2025-03-03T08:00:02+01:00</udb:Modtagelsestidspunkt>
{indent(kvit('udb', 'MODTAGET'), 2)}
</udb:BetalingsanmodningKvittering>"""

PACK_E = {
    "pack": "SF1590_E",
    "title": "SF1590_E Afsend Betalingsanmodning til NemKonto",
    "domain": ("udb", "urn:oio:oir:udbetaling:1", "UdbetalingTypes.xsd"),
    "xsd": ["OIRFaellesTypes.xsd", "UdbetalingTypes.xsd"],
    "services": [
        {
            "name": "NKSBetalingsanmodningAfsend", "major": 1,
            "uuid": u('5e', 6), "uuid_confirmed": False,
            "caller": FAGSYSTEM,
            "doc": "NKSBetalingsanmodningAfsend 1.0 [C]: the fagsystem sends payment requests (complete and incomplete "
                   "payments) that are passed unchanged to the NemKonto system (NKS); asynchronous: the synchronous answer is "
                   "the forretningskvittering of reception (MODTAGET), NKS's business answers are fetched with "
                   "NKSForretningssvarHent. Operation and structure MODELLED.",
            "ops": [{
                "name": "AfsendBetalingsanmodning", "confirmed": False,
                "doc": "Send a bundle of payment requests to NKS.",
                "req": [("Betalingsanmodning", "BetalingsanmodningType", 1, 1)],
                "resp": [("BetalingsanmodningKvittering", "BetalingsanmodningKvitteringType", 1, 1)],
                "req_x": BETALINGSANMODNING, "resp_x": ba_kvit(),
            }],
        },
        {
            "name": "NKSForretningssvarHent", "major": 1,
            "uuid": u('5e', 7), "uuid_confirmed": False,
            "caller": FAGSYSTEM,
            "doc": "NKSForretningssvarHent [C]: the fagsystem fetches NKS's business answers on its payment requests; since "
                   "SF1590_E 1.1 it can also re-request a lost forretningskvittering. Operations and structure MODELLED.",
            "ops": [
                {"name": "HentForretningssvar", "confirmed": False,
                 "doc": "Fetch NKS business answers (Kvitteringssvar / Retursvar) by bundle, transaction or time.",
                 "req": [("ForretningssvarKriterier", "ForretningssvarKriterierType", 1, 1)],
                 "resp": [("Forretningskvittering", None, 1, 1), ("NKSForretningssvarListe", "NKSForretningssvarListeType", 0, 1)],
                 "req_x": f"""<udb:ForretningssvarKriterier>
  <udb:LeveranceUUID>{u('ee', 1)}</udb:LeveranceUUID>
  <udb:MaksAntal>100</udb:MaksAntal>
</udb:ForretningssvarKriterier>""",
                 "resp_x": f"""{kvit('udb')}
<udb:NKSForretningssvarListe>
  <udb:NKSForretningssvar>
    <udb:SvarUUID>{u('e8', 1)}</udb:SvarUUID>
    <udb:Svartype>KVITTERINGSSVAR1</udb:Svartype>
    <udb:LeveranceUUID>{u('ee', 1)}</udb:LeveranceUUID>
    <udb:Svartidspunkt>2025-03-03T08:05:00+01:00</udb:Svartidspunkt>
    <udb:Status>MODTAGET</udb:Status>
  </udb:NKSForretningssvar>
  <udb:NKSForretningssvar>
    <udb:SvarUUID>{u('e8', 2)}</udb:SvarUUID>
    <udb:Svartype>RETURSVAR2</udb:Svartype>
    <udb:LeveranceUUID>{u('ee', 1)}</udb:LeveranceUUID>
    <udb:Svartidspunkt>2025-03-03T09:00:00+01:00</udb:Svartidspunkt>
    <udb:Status>DELVIST_ACCEPTERET</udb:Status>
    <udb:Transaktionssvar>
      <udb:BetalingstransaktionUUID>{u('e9', 1)}</udb:BetalingstransaktionUUID>
      <udb:Transaktionsstatus>UNDER_BEHANDLING</udb:Transaktionsstatus>
    </udb:Transaktionssvar>
    <udb:Transaktionssvar>
      <udb:BetalingstransaktionUUID>{u('e9', 2)}</udb:BetalingstransaktionUUID>
      <udb:Transaktionsstatus>AFVIST</udb:Transaktionsstatus>
      <udb:FejlListe>
        <udb:Fejl>
          <udb:FejlKode>NKS-0217</udb:FejlKode>
          <udb:FejlTekst>Kontonummeret findes ikke i det angivne pengeinstitut.</udb:FejlTekst>
          <udb:Alvorlighed>FEJL</udb:Alvorlighed>
          <udb:ElementSti>/Betalingsanmodning/Betalingsinformation[1]/Betalingstransaktion[2]/Modtagerkonto</udb:ElementSti>
          <udb:Konsekvens>Beløbet er ikke udbetalt.</udb:Konsekvens>
          <udb:Afhjaelpning>Send betalingen igen som ukomplet betaling (NemKonto) eller med rettet kontonummer.</udb:Afhjaelpning>
        </udb:Fejl>
      </udb:FejlListe>
    </udb:Transaktionssvar>
  </udb:NKSForretningssvar>
  <udb:FlereResultater>false</udb:FlereResultater>
</udb:NKSForretningssvarListe>"""},
                {"name": "HentForretningskvittering", "confirmed": False,
                 "doc": "Re-fetch the forretningskvittering of an earlier AfsendBetalingsanmodning (lost receipt, SF1590_E 1.1).",
                 "req": [("ForretningskvitteringKriterier", "ForretningskvitteringKriterierType", 1, 1)],
                 "resp": [("BetalingsanmodningKvittering", "BetalingsanmodningKvitteringType", 1, 1)],
                 "req_x": f"""<udb:ForretningskvitteringKriterier>
  <udb:LeveranceUUID>{u('ee', 1)}</udb:LeveranceUUID>
</udb:ForretningskvitteringKriterier>""",
                 "resp_x": ba_kvit()},
            ],
        },
    ],
}

PACKS = [PACK_A, PACK_B01, PACK_B02, PACK_B03, PACK_D, PACK_E]
