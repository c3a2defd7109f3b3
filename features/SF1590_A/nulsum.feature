# language: da
@sf1590_a @nulsum
Egenskab: SF1590_A nulsumsposteringstest – sortimentet er omsat i bogføringssystemet
  For hver sortimentsværdi, omsætningstabellen omsætter, sendes et lille bilag, der går i nul.
  Bogføringssystemet skal tage imod det og bogføre hver postering på den konto,
  omsætningstabellen angiver (mod en rigtig ERP: et manuelt kontrolpunkt med de forventede konti).

  @req:NULSUM-OMSAETNING
  Abstrakt Scenario: Nulsumsbilag for <værdi>
    Givet en ModtagFinansbilag-anmodning ud fra eksemplet
    Og anmodningens felter:
      | sti                                               | værdi      |
      | Finansbilag/Bilagstekst                           | Nulsum <værdi> |
      | Finansbilag/Finanspostering[1]/Beloeb             | <beløb>    |
      | Finansbilag/Finanspostering[1]/Kontering/Art      | <art1>     |
      | Finansbilag/Finanspostering[1]/Kontering/Funktion | <funktion1> |
      | Finansbilag/Finanspostering[2]/Beloeb             | -<beløb>   |
      | Finansbilag/Finanspostering[2]/Kontering/Art      | <art2>     |
      | Finansbilag/Finanspostering[2]/Kontering/Funktion | <funktion2> |
    Så bryder anmodningen ingen regel
    Når anmodningen sendes
    Så har svaret status "ACCEPTERET"
    Og er hver postering bogført på den konto omsætningstabellen angiver
    Og er saldoen på konto "<konto1>" "<beløb>"
    Og er saldoen på konto "<konto2>" "-<beløb>"
    Og går hovedbogen i nul

    Eksempler:
      | værdi                                  | art1                                 | funktion1                            | konto1           | art2                                 | funktion2                            | konto2           | beløb  |
      | funktion 5.57.72 / art 5.2 (udgift)    | a1000000-0000-4000-8000-000000000001 | f1000000-0000-4000-8000-000000000001 | 5577211010100152 | a1000000-0000-4000-8000-000000000004 | f1000000-0000-4000-8000-000000000003 | 8220571000000191 | 0.01   |
      | funktion 5.57.72 / art 7.2 (indtægt)   | a1000000-0000-4000-8000-000000000002 | f1000000-0000-4000-8000-000000000001 | 5577211010100272 | a1000000-0000-4000-8000-000000000004 | f1000000-0000-4000-8000-000000000003 | 8220571000000191 | 1.00   |
      | funktion 6.45.51 / art 4.9             | a1000000-0000-4000-8000-000000000003 | f1000000-0000-4000-8000-000000000002 | 6455111020000149 | a1000000-0000-4000-8000-000000000004 | f1000000-0000-4000-8000-000000000003 | 8220571000000191 | 1.00   |
      | funktion 8.22.05 / art 9.1 (bank)      | a1000000-0000-4000-8000-000000000004 | f1000000-0000-4000-8000-000000000003 | 8220571000000191 | a1000000-0000-4000-8000-000000000004 | f1000000-0000-4000-8000-000000000004 | 8322371000000191 | 1.00   |
      | funktion 8.32.23 / art 9.1 (debitorer) | a1000000-0000-4000-8000-000000000004 | f1000000-0000-4000-8000-000000000004 | 8322371000000191 | a1000000-0000-4000-8000-000000000004 | f1000000-0000-4000-8000-000000000003 | 8220571000000191 | 1.00   |

  @req:NULSUM-OMSAETNING
  Abstrakt Scenario: Nulsumsbilag for betalingsart <betalingsart>
    Givet en ModtagFinansbilag-anmodning ud fra skabelonen "templates/nulsum-betalingsart.xml"
    Og anmodningens felter:
      | sti                                                   | værdi          |
      | Finansbilag/Bilagstekst                               | Nulsum <betalingsart> |
      | Finansbilag/Finanspostering[1]/Beloeb                 | 1.00           |
      | Finansbilag/Finanspostering[2]/Beloeb                 | -1.00          |
      | Finansbilag/Finanspostering[2]/Kontering/Betalingsart | <uuid>         |
    Så er anmodningen skemagyldig
    Og bryder anmodningen ingen regel
    Når anmodningen sendes
    Så har svaret status "ACCEPTERET"
    Og er hver postering bogført på den konto omsætningstabellen angiver
    Og er saldoen på konto "8220571000000191" "-1.00"
    Og går hovedbogen i nul

    Eksempler:
      | betalingsart  | uuid                                 |
      | NKS           | b1000000-0000-4000-8000-000000000001 |
      | FI71          | b1000000-0000-4000-8000-000000000002 |
      | BS            | b1000000-0000-4000-8000-000000000003 |
      | KASSE         | b1000000-0000-4000-8000-000000000004 |

  @req:OIR-MAP-001
  Scenarie: En værdi, omsætningstabellen ikke omsætter, bogføres ikke på en gættet konto
    Givet en ModtagFinansbilag-anmodning ud fra eksemplet
    Og anmodningens felter:
      | sti                                               | værdi                                |
      | Finansbilag/Finanspostering[1]/Kontering/Art      | a1000000-0000-4000-8000-000000000003 |
      | Finansbilag/Finanspostering[1]/Kontering/Funktion | f1000000-0000-4000-8000-000000000001 |
    Så bryder anmodningen reglen "OIR-MAP-001"
    Når anmodningen sendes
    Så har svaret status "AFVIST"
    Og svaret melder reglen "OIR-MAP-001"
    Og har hver fejl i svaret en kode, en tekst og en afhjælpning
