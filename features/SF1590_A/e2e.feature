# language: da
@sf1590_a @e2e
Egenskab: SF1590_A End-2-End – finansbilag bogføres i bogføringssystemet
  Et balanceret finansbilag modtages, kvitteres med ACCEPTERET og bogføres på de konti,
  omsætningstabellen angiver. En genfremsendelse (samme BeskedUUID, samme indhold) giver det
  første svar igen og bogfører intet to gange; et genbrugt ID med andet indhold afvises.

  Scenarie: Et balanceret finansbilag bogføres og kvitteres
    Givet en ModtagFinansbilag-anmodning ud fra eksemplet
    Når anmodningen sendes
    Så har svaret status "ACCEPTERET"
    Og værdien ved "//FinansbilagKvittering/FinansbilagUUID" er "<request://Finansbilag/FinansbilagUUID>"
    Og matcher værdien ved "//BogfoeringssystemBilagsreference" ".+"
    Og er saldoen på konto "5577211010100152" "1250.00"
    Og er saldoen på konto "8220571000000191" "-1250.00"
    Og går hovedbogen i nul
    Og er hver postering bogført på den konto omsætningstabellen angiver

  @req:OIR-IDM-002
  Scenarie: En genfremsendt besked får det første svar, og intet bogføres to gange
    Givet en ModtagFinansbilag-anmodning ud fra eksemplet
    Og anmodningen gemmes som "første"
    Når anmodningen sendes
    Så har svaret status "ACCEPTERET"
    Når anmodningen "første" sendes igen
    Så er svaret det samme som svaret på "første"
    Og er saldoen på konto "5577211010100152" "1250.00"
    Og går hovedbogen i nul

  @req:OIR-IDM-001
  Scenarie: Et genbrugt besked-ID med andet indhold afvises, og det første bilag står urørt
    Givet en ModtagFinansbilag-anmodning ud fra eksemplet
    Og anmodningen gemmes som "første"
    Når anmodningen sendes
    Så har svaret status "ACCEPTERET"
    Givet feltet "Finansbilag/Bilagstekst" er "Andet indhold med samme BeskedUUID"
    Når anmodningen sendes
    Så har svaret status "AFVIST"
    Og svaret melder reglen "OIR-IDM-001"
    Og har hver fejl i svaret en kode, en tekst og en afhjælpning
    Og er saldoen på konto "5577211010100152" "1250.00"

  Scenarie: Et nyt bilag med nye identifikatorer bogføres ved siden af det første
    Givet en ModtagFinansbilag-anmodning ud fra eksemplet
    Når anmodningen sendes
    Så har svaret status "ACCEPTERET"
    Givet anmodningen får nye identifikatorer
    Når anmodningen sendes
    Så har svaret status "ACCEPTERET"
    Og er saldoen på konto "5577211010100152" "2500.00"
    Og går hovedbogen i nul

  Scenarie: Et afvist bilag bogføres ikke
    Givet regeleksemplet "SF1590A-BAL-001"
    Når anmodningen sendes
    Så har svaret status "AFVIST"
    Givet en ModtagFinansbilag-anmodning ud fra eksemplet
    Når anmodningen sendes
    Så har svaret status "ACCEPTERET"
    Og er saldoen på konto "5577211010100152" "1250.00"
    Og går hovedbogen i nul
