@sf1590_d @e2e
Feature: SF1590_D End-2-End – an invoice goes out for approval and the answer comes back
  The fakturahåndteringssystem lends an invoice to the fagsystem (explicit routing); the
  fagsystem acknowledges receipt (MODTAGET) and, when approval is required, answers later via
  FakturaInformationSvarAfsend (implicit routing back to the fakturahåndteringssystem).

  @req:SF1590D-GODKENDELSE-SVAR
  Scenario: An invoice requiring approval is received and its approval is called back
    Given a AfsendFakturaInformation request from the example
    When the request is sent
    Then the answer is schema-valid
    And the answer has status "MODTAGET"
    And the value at "//HovedoplysningerSvar/RelateretBeskedUUID" is the request's value at "//Hovedoplysninger/BeskedUUID"
    Then a AfsendFakturaInformationSvar callback for this request is made within 5 seconds
    And the request is schema-valid
    And the request's value at "//FakturaInformationSvar/FakturaUUID" is "fa000000-0000-4000-8000-000000000001"
    And the request's value at "//FakturaInformationSvar/Godkendelsesstatus" is "GODKENDT"

  Scenario: The fagsystem answers (approves) an invoice it received
    Given a AfsendFakturaInformation request from the example
    When the request is sent
    Then the answer has status "MODTAGET"
    Given a AfsendFakturaInformationSvar request from the example
    When the request is sent
    Then the answer is schema-valid
    And the answer is not a SOAP fault
    And the answer does not report the rule "SF1590D-INV-001"

  Scenario: The fagsystem rejects an invoice
    Given a AfsendFakturaInformation request from the example
    When the request is sent
    Then the answer has status "MODTAGET"
    Given a AfsendFakturaInformationSvar request from the example
    And the field "FakturaInformationSvar/Godkendelsesstatus" is "AFVIST"
    When the request is sent
    Then the answer is schema-valid
    And the answer is not a SOAP fault
    And the answer does not report the rule "SF1590D-INV-001"

  @req:SF1590D-INV-001
  Scenario: An answer to an invoice that was never sent for approval is rejected
    Given the rule example "SF1590D-INV-001"
    Then the request is schema-valid
    When the request is sent
    Then the answer is schema-valid
    And the answer has status "AFVIST"
    And the answer reports the rule "SF1590D-INV-001"
    And the answer reports the rule "OIR-D-001"
    And every error in the answer has a code, a text and a remedy

  @req:OIR-SRT-001
  Scenario: An invoice answer with a kontering outside the sortiment is rejected (OIR-SRT-001 in D)
    Given a AfsendFakturaInformationSvar request from the example
    And the field "FakturaInformationSvar/Konteringslinje/Kontering/Art" is "a1000000-0000-4000-8000-0000000000ff"
    Then the request breaks the rule "OIR-SRT-001"
    When the request is sent
    Then the answer has status "AFVIST"
    And the answer reports the rule "OIR-SRT-001"
    And every error in the answer has a code, a text and a remedy

  @req:OIR-CVR-001
  Scenario: An invoice from a supplier whose CVR fails modulus 11 is rejected (OIR-CVR-001 in D)
    Given a AfsendFakturaInformation request from the example
    And the field "FakturaInformation/Leverandoer/CVRNummer" is "12345678"
    Then the request breaks the rule "OIR-CVR-001"
    When the request is sent
    Then the answer reports the rule "OIR-CVR-001"
    And every error in the answer has a code, a text and a remedy
