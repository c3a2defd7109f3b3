# Shared constants for the oir pack generator (scratch tool, not part of the repository).
SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
INVCTX = "http://serviceplatformen.dk/xml/schemas/InvocationContext/1/"
AUTHCTX = "http://serviceplatformen.dk/xml/schemas/AuthorityContext/1/"
CALLCTX = "http://serviceplatformen.dk/xml/schemas/CallContext/1/"
SPF = "http://serviceplatformen.dk/xml/schemas/ServiceplatformFault/1/"
KVIT = "http://serviceplatformen.dk/xml/schemas/kvittering/1/"
POLICY = "http://serviceplatformen.dk/xml/wsdl/soap11/Security/Policy"

FAGSYSTEM = "6a000000-0000-4000-8000-000000000001"
FAGSYSTEM2 = "6a000000-0000-4000-8000-000000000002"
ERP = "6a000000-0000-4000-8000-000000000003"
MYNDIGHED = "58271713"
SORTIMENT = "50000000-0000-4000-8000-000000000001"
USER = "7b000000-0000-4000-8000-000000000001"

def svc_ns(name, major):
    return f"http://serviceplatformen.dk/xml/wsdl/soap11/OIR/{name}/{major}/"

def ascii_name(s):
    for a, b in (("æ", "ae"), ("ø", "oe"), ("å", "aa"), ("Æ", "Ae"), ("Ø", "Oe"), ("Å", "Aa")):
        s = s.replace(a, b)
    assert s.isascii(), s
    return s

def u(prefix, n):
    """A readable fictitious UUID: 'fb' , 3 -> fb000000-0000-4000-8000-000000000003."""
    return f"{prefix}{'0' * (8 - len(prefix))}-0000-4000-8000-{n:012d}"

# Artikel values from schemas/data/sortiment.yaml (teammate's file).
ART_OVERFOERSLER = "a1000000-0000-4000-8000-000000000001"      # 5.2
ART_SALG = "a1000000-0000-4000-8000-000000000002"              # 7.2
ART_TJENESTEYDELSER = "a1000000-0000-4000-8000-000000000003"   # 4.9
ART_STATUS = "a1000000-0000-4000-8000-000000000004"            # 9.1
FUNK_SDP = "f1000000-0000-4000-8000-000000000001"              # 5.57.72
FUNK_SEKRETARIAT = "f1000000-0000-4000-8000-000000000002"      # 6.45.51
FUNK_BANK = "f1000000-0000-4000-8000-000000000003"             # 8.22.05
FUNK_DEBITORER = "f1000000-0000-4000-8000-000000000004"        # 8.32.23
OMK_JOB = "c1000000-0000-4000-8000-000000000001"
OMK_YDL = "c1000000-0000-4000-8000-000000000002"
YDT_SDP = "e1000000-0000-4000-8000-000000000001"
YDT_SDP_TB = "e1000000-0000-4000-8000-000000000002"
BET_NKS = "b1000000-0000-4000-8000-000000000001"
BET_FI71 = "b1000000-0000-4000-8000-000000000002"
BET_KASSE = "b1000000-0000-4000-8000-000000000004"
FTYPE_SDP_TB = "d1000000-0000-4000-8000-000000000001"
FTYPE_GEBYR = "d1000000-0000-4000-8000-000000000002"
DKTYPE_YDELSE = "d2000000-0000-4000-8000-000000000001"
FOELS_FLS = "51000000-0000-4000-8000-000000000003"

CPR1 = "0101700000"   # fictitious: 1 Jan 1970, sequence 0000, fails modulus 11
CPR2 = "0101710000"   # fictitious: 1 Jan 1971, sequence 0000, fails modulus 11
CVR_FIRMA = "12345674"
