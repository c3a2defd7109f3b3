# language: da
@sf1590_a @kildeintegration
Egenskab: SF1590_A kildeintegrationstest – ModtagFinansbilag mod kontrakten
  Fagsystemet sender finansbilag til bogføringssystemet (ModtagFinansbilag). Anmodning og svar
  skal overholde kontrakten (WSDL/XSD), hvert element skal håndtere sine grænseværdier som
  facetterne siger, og leverancekontrollen skal afvise det, platformen ikke kan tage imod.

  Scenarie: Anmodning og svar for ModtagFinansbilag er skemagyldige
    Givet en ModtagFinansbilag-anmodning ud fra eksemplet
    Så er anmodningen skemagyldig
    Og anmodningen bryder ingen regel
    Når anmodningen sendes
    Så er svaret ikke en SOAP-fejl
    Og svaret er skemagyldigt
    Og svaret har status "ACCEPTERET"
    Og værdien ved "//HovedoplysningerSvar/RelateretBeskedUUID" er "<request://Hovedoplysninger/BeskedUUID>"
    Og værdien ved "//FinansbilagKvittering/FinansbilagUUID" er "<request://Finansbilag/FinansbilagUUID>"
    Og matcher værdien ved "//Svartidspunkt" "\d{4}-\d{2}-\d{2}T.*"
    Og der er 1 element ved "//Forretningskvittering"
    Og svaret kom inden for 5000 ms

  Scenarie: Afvisningssvaret (AFVIST med FejlListe) er skemagyldigt
    Givet regeleksemplet "SF1590A-BAL-001"
    Så er anmodningen skemagyldig
    Når anmodningen sendes
    Så er svaret skemagyldigt
    Og svaret har status "AFVIST"
    Og værdien ved "//FinansbilagKvittering/FinansbilagUUID" er "<request://Finansbilag/FinansbilagUUID>"

  @boundaries
  Scenarie: Grænseværdier for hele ModtagFinansbilag-anmodningen
    Givet en ModtagFinansbilag-anmodning ud fra eksemplet
    Så godtages eller afvises grænseværdierne som facetterne siger

  @leverancekontrol @req:SP-SEC-001
  Scenarie: Uden sikkerhedskontekst afviser platformen kaldet (SP-SEC-001)
    Givet en ModtagFinansbilag-anmodning ud fra eksemplet
    Og anmodningen har ingen sikkerhedskontekst
    Når anmodningen sendes
    Så er svaret en SOAP-fejl med koden "SP-SEC-001"
    Og har hver fejl i svaret en kode, en tekst og en afhjælpning
    Og svaret melder ikke reglen "SF1590A-BAL-001"

  @leverancekontrol @req:SP-SEC-002
  Scenarie: En ugyldig sikkerhedskontekst afvises af platformen (SP-SEC-002)
    Givet en ModtagFinansbilag-anmodning ud fra eksemplet
    Og feltet "InvocationContext/ServiceUUID" er "ikke-en-uuid"
    Når anmodningen sendes
    Så er svaret en SOAP-fejl med koden "SP-SEC-002"

  @leverancekontrol @req:SP-ROUTE-002
  Scenarie: En forkert SOAPAction afvises (SP-ROUTE-002)
    Givet en ModtagFinansbilag-anmodning ud fra eksemplet
    Og SOAPAction er "http://serviceplatformen.dk/xml/wsdl/soap11/OIR/ModtagFinansbilag/2/ModtagFinansbilagForkert"
    Når anmodningen sendes
    Så er svaret en SOAP-fejl med koden "SP-ROUTE-002"

  @leverancekontrol @req:SP-HTTP-415
  Scenarie: En forkert indholdstype afvises (SP-HTTP-415)
    Givet en ModtagFinansbilag-anmodning ud fra eksemplet
    Og indholdstypen er "application/json"
    Når anmodningen sendes
    Så er svaret en SOAP-fejl med koden "SP-HTTP-415"

  @leverancekontrol @req:SP-SOAP-001
  Scenarie: En SOAP 1.2-konvolut afvises af en SOAP 1.1-service (SP-SOAP-001)
    Givet en ModtagFinansbilag-anmodning ud fra eksemplet
    Og anmodningens krop er:
      """
      <env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body/></env:Envelope>
      """
    Når anmodningen sendes
    Så er svaret en SOAP-fejl med koden "SP-SOAP-001"

  @leverancekontrol @req:SP-XML-001
  Scenarie: En konvolut, der ikke er velformet XML, afvises (SP-XML-001)
    Givet en ModtagFinansbilag-anmodning ud fra eksemplet
    Og anmodningens krop er:
      """
      <soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><svc:ModtagFinansbilagRequest
      """
    Når anmodningen sendes
    Så er svaret en SOAP-fejl med koden "SP-XML-001"

  @leverancekontrol @req:SP-XML-002
  Scenarie: En besked med DTD afvises (SP-XML-002, ingen entitetsudvidelse)
    Givet en ModtagFinansbilag-anmodning ud fra eksemplet
    Og anmodningens krop er:
      """
      <?xml version="1.0"?>
      <!DOCTYPE lol [<!ENTITY a "aaaaaaaaaa">]>
      <soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>&a;</soapenv:Body></soapenv:Envelope>
      """
    Når anmodningen sendes
    Så er svaret en SOAP-fejl med koden "SP-XML-002"

  @leverancekontrol @req:SP-SOAP-002
  Scenarie: En konvolut med to elementer i Body afvises (SP-SOAP-002)
    Givet en ModtagFinansbilag-anmodning ud fra eksemplet
    Og anmodningens krop er:
      """
      <soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><a/><b/></soapenv:Body></soapenv:Envelope>
      """
    Når anmodningen sendes
    Så er svaret en SOAP-fejl med koden "SP-SOAP-002"

  @leverancekontrol @req:TK-SCHEMA
  Scenarie: Et skemafejlbehæftet finansbilag afvises med en teknisk kvittering, før forretningsreglerne
    Givet en ModtagFinansbilag-anmodning ud fra eksemplet
    Og feltet "Finansbilag/Bilagsdato" er "2025-02-30"
    Når anmodningen sendes
    Så er svaret en SOAP-fejl med koden "cvc-datatype-valid"
    Og har hver fejl i svaret en kode, en tekst og en afhjælpning
    Og svaret er skemagyldigt
