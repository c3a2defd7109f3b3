@sf1590_e @e2e
Feature: SF1590_E End-2-End – a payout via NemKonto, its business answer, and its bookkeeping
  The fagsystem sends a payment request (synchronous receipt MODTAGET), fetches NKS's
  asynchronous business answer, re-fetches a lost receipt (version 1.1), and then books the
  payout via SF1590_A (E then A).

  @req:SF1590E-KVITTERING-GENHENT
  Scenario: A payment request is received, its business answer fetched and a lost receipt re-fetched
    Given a AfsendBetalingsanmodning request from the example
    When the request is sent
    Then the answer is schema-valid
    And the answer has status "MODTAGET"
    Given a HentForretningssvar request from the example
    When the request is sent
    Then the answer is schema-valid
    And the answer is not a SOAP fault
    And the value at "//HovedoplysningerSvar/RelateretBeskedUUID" is the request's value at "//Hovedoplysninger/BeskedUUID"
    # The second transaction pays to registration number 9999: no such bank.
    And the value at "//NKSForretningssvar[2]/Status" is "DELVIST_ACCEPTERET"
    And the value at "//Transaktionssvar[2]/Transaktionsstatus" is "AFVIST"
    And the value at "//Transaktionssvar[2]/FejlListe/Fejl/FejlKode" is "NKS-0217"
    Given a HentForretningskvittering request from the example
    When the request is sent
    Then the answer is schema-valid
    And the answer has status "MODTAGET"
    And the value at "//HovedoplysningerSvar/RelateretBeskedUUID" is the request's value at "//Hovedoplysninger/BeskedUUID"

  Scenario: The business answers report only on deliveries that were sent
    Given a HentForretningskvittering request from the example
    When the request is sent
    Then the answer is schema-valid
    And the answer has status "AFVIST"
    Given a HentForretningssvar request from the example
    When the request is sent
    Then the answer is schema-valid
    And the value at "//FlereResultater" is "false"

  Scenario: A resent payment request gets the first receipt and is not paid twice
    Given a AfsendBetalingsanmodning request from the example
    And the request is saved as "first"
    When the request is sent
    Then the answer has status "MODTAGET"
    When the request "first" is sent again
    Then the answer is the same as the answer to "first"

  @req:SF1590E-DEREFTER-A
  Scenario: E then A – the payout is requested, then its bookkeeping is booked and nets to zero
    Given a AfsendBetalingsanmodning request from the example
    When the request is sent
    Then the answer has status "MODTAGET"
    Given a ModtagFinansbilag request of SF1590_A from the example
    When the request is sent
    Then the answer has status "ACCEPTERET"
    And the ledger balance of account "5577211010100152" is "1250.00"
    And the ledger balance of account "8220571000000191" is "-1250.00"
    And the ledger nets to zero
    And each posting is booked on the account the omsætningstabel names

  @req:OIR-CVR-001
  Scenario: A payment request with a payee CVR failing modulus 11 is rejected (rule example)
    Given the rule example "OIR-CVR-001"
    Then the request is schema-valid
    And the request breaks the rule "OIR-CVR-001"
    When the request is sent
    Then the answer is schema-valid
    And the answer reports the rule "OIR-CVR-001"
    And the answer reports the rule "OIR-P-003"
    And every error in the answer has a code, a text and a remedy
