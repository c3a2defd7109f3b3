@sf1590_b_02 @e2e
Feature: SF1590_B_02 End-2-End – a fagsystem queries its own and other systems' debitorkonti
  A fagsystem may list and look up its own debitorkonti and those of other systems (the
  query answers with full detail: payments, write-offs, interest, fees).

  Scenario: The fagsystem looks up its own debitorkonto
    Given a HentDebitorkonto request from the example
    When the request is sent
    Then the answer is schema-valid
    And the answer is not a SOAP fault
    And the value at "//HovedoplysningerSvar/RelateretBeskedUUID" is the request's value at "//Hovedoplysninger/BeskedUUID"
    And the answer does not report the rule "SF1590B-OWN-001"

  Scenario: A fagsystem may look up another system's debitorkonto (no ownership rule on queries)
    Given a HentDebitorkonto request from the example
    And the request fields:
      | Hovedoplysninger/AfsenderSystemUUID | 6a000000-0000-4000-8000-000000000002 |
      | InvocationContext/UserSystemUUID    | 6a000000-0000-4000-8000-000000000002 |
    Then the request breaks no rule
    When the request is sent
    Then the answer is schema-valid
    And the answer is not a SOAP fault
    And the answer does not report the rule "SF1590B-OWN-001"

  Scenario: The fagsystem lists the debitorkonti of a person, page by page
    Given a ListDebitorkonti request from the example
    When the request is sent
    Then the answer is schema-valid
    And the answer is not a SOAP fault

  @req:OIR-PER-001
  Scenario: A search whose due-date period ends before it starts is rejected (OIR-PER-001 in B_02)
    Given a SøgDebitorkonto request from the template "../../schemas/SF1590_B_02/examples/SoegDebitorkonto.request.xml"
    And the request fields:
      | DebitorkontoSoegekriterier/Forfaldsperiode/FraDato | 2025-12-31 |
      | DebitorkontoSoegekriterier/Forfaldsperiode/TilDato | 2014-01-01 |
    Then the request breaks the rule "OIR-PER-001"
    When the request is sent
    Then the answer reports the rule "OIR-PER-001"
    And every error in the answer has a code, a text and a remedy

  @req:OIR-CPR-001
  Scenario: A search for a CPR number with an impossible date is rejected (OIR-CPR-001 in B_02)
    Given a ListDebitorkonti request from the example
    And the field "DebitorkontoListeKriterier/Part/CPRNummer" is "3102851234"
    Then the request breaks the rule "OIR-CPR-001"
    When the request is sent
    Then the answer reports the rule "OIR-CPR-001"
    And every error in the answer has a code, a text and a remedy
