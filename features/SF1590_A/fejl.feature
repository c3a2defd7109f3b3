# language: da
@sf1590_a @e2e @fejlhaandtering
Egenskab: SF1590_A fejlhåndtering – hver forretningsregel afvises med kode, tekst og afhjælpning
  Hvert regeleksempel bryder netop én regel. Bogføringssystemet skal svare AFVIST med en
  FejlListe, hvis fejl bærer regelens kode (FejlKode), en tekst og en afhjælpning.

  Abstrakt Scenario: <regel> afvises: <hvad>
    Givet regeleksemplet "<regel>"
    Så er anmodningen skemagyldig
    Og bryder anmodningen reglen "<regel>"
    Når anmodningen sendes
    Så er svaret ikke en SOAP-fejl
    Og svaret er skemagyldigt
    Og svaret har status "AFVIST"
    Og svaret melder reglen "<regel>"
    Og svaret melder reglen "<kode>"
    Og har hver fejl i svaret en kode, en tekst og en afhjælpning

    @req:SF1590A-BAL-001
    Eksempler: Balance
      | regel           | kode      | hvad                                  |
      | SF1590A-BAL-001 | OIR-A-001 | posteringerne summerer ikke til 0,00  |

    @req:SF1590A-BAL-002
    Eksempler: Antal posteringer
      | regel           | kode      | hvad                                  |
      | SF1590A-BAL-002 | OIR-A-002 | bilaget har kun én postering          |

    @req:OIR-SRT-001
    Eksempler: Ukendt sortimentsværdi
      | regel       | kode      | hvad                                      |
      | OIR-SRT-001 | OIR-S-001 | værdien findes ikke i fagsystemets sortiment |

    @req:OIR-SRT-002
    Eksempler: Værdi uden for gyldighed
      | regel       | kode      | hvad                                       |
      | OIR-SRT-002 | OIR-S-002 | værdien er ikke gyldig på posteringsdatoen |

    @req:OIR-SRT-003
    Eksempler: Forkert delsortiment
      | regel       | kode      | hvad                                   |
      | OIR-SRT-003 | OIR-S-003 | værdien hører til et andet delsortiment |

    @req:OIR-MAP-001
    Eksempler: Ikke i omsætningstabellen
      | regel       | kode      | hvad                                     |
      | OIR-MAP-001 | OIR-S-004 | konteringen kan ikke omsættes til en konto |

    @req:OIR-PER-001
    Eksempler: Periode
      | regel       | kode      | hvad                          |
      | OIR-PER-001 | OIR-P-001 | periodens fra-dato er efter til-datoen |

    @req:OIR-CPR-001
    Eksempler: CPR
      | regel       | kode      | hvad                               |
      | OIR-CPR-001 | OIR-P-002 | CPR-nummerets datodel er ingen dato |

    @req:OIR-CVR-001
    Eksempler: CVR
      | regel       | kode      | hvad                               |
      | OIR-CVR-001 | OIR-P-003 | CVR-nummeret opfylder ikke modulus 11 |

  # Regeleksemplernes kontekst nævner den tidligere besked (modtagne_beskeder); stubben
  # indlæser den ikke selv, så scenariet sender den først.
  @req:OIR-IDM-001
  Scenarie: OIR-IDM-001 afvises: besked-ID'et er allerede brugt til andet indhold
    Givet en ModtagFinansbilag-anmodning ud fra eksemplet
    Og feltet "Hovedoplysninger/BeskedUUID" er "ae000000-0000-4000-8000-000000000001"
    Når anmodningen sendes
    Så har svaret status "ACCEPTERET"
    Givet regeleksemplet "OIR-IDM-001"
    Så er anmodningen skemagyldig
    Når anmodningen sendes
    Så er svaret skemagyldigt
    Og svaret har status "AFVIST"
    Og svaret melder reglen "OIR-IDM-001"
    Og svaret melder reglen "OIR-I-001"
    Og har hver fejl i svaret en kode, en tekst og en afhjælpning

  @req:OIR-IDM-002
  Scenarie: OIR-IDM-002 – den samme besked igen er idempotent: det første svar, intet afvist
    Givet en ModtagFinansbilag-anmodning ud fra eksemplet
    Og feltet "Hovedoplysninger/BeskedUUID" er "ae000000-0000-4000-8000-000000000001"
    Og anmodningen gemmes som "første"
    Når anmodningen sendes
    Så har svaret status "ACCEPTERET"
    Givet regeleksemplet "OIR-IDM-002"
    Så er anmodningen skemagyldig
    Og bryder anmodningen ingen regel
    Når anmodningen sendes
    Så er svaret skemagyldigt
    Og svaret har status "ACCEPTERET"
    Og svaret melder ikke reglen "OIR-IDM-001"
    Og er svaret det samme som svaret på "første"
    Og er saldoen på konto "5577211010100152" "1250.00"

  @req:SF1590A-BAL-001
  Scenarie: Et ubalanceret bilag afvises også, når beløbet kun afviger med én øre
    Givet en ModtagFinansbilag-anmodning ud fra eksemplet
    Og feltet "Finansbilag/Finanspostering[1]/Beloeb" er "1250.01"
    Så bryder anmodningen reglen "SF1590A-BAL-001"
    Når anmodningen sendes
    Så har svaret status "AFVIST"
    Og svaret melder reglen "OIR-A-001"
    Og har hver fejl i svaret en kode, en tekst og en afhjælpning
