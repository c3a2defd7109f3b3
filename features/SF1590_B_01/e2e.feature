@sf1590_b_01 @e2e
Feature: SF1590_B_01 End-2-End – claims registered, paid, changed and handed over
  The fagsystem registers a debitorkonto with its claims; payments are covered and reported
  back to the fagsystem (DaekningAfskrivningRegistreringAfsend); the owner changes a claim's
  state along the legal transitions only, and loses its write rights after an ownership change.

  @req:SF1590B-DAEKNING-TILBAGEKALD
  Scenario: A claim is created, paid, and the coverage is called back to the fagsystem
    Given a OpretDebitorkonto request from the example
    When the request is sent
    Then the answer has status "ACCEPTERET"
    And the claim "df000000-0000-4000-8000-000000000001" has state "AKTIV"
    Given a ForetagIndbetaling request from the example
    When the request is sent
    Then the answer is schema-valid
    And the answer has status "ACCEPTERET"
    And the value at "//HovedoplysningerSvar/RelateretBeskedUUID" is the request's value at "//Hovedoplysninger/BeskedUUID"
    Then a RegistrerDaekningAfskrivning callback for this request is made within 5 seconds
    And the request is schema-valid
    And the request's value at "//DaekningAfskrivning/Haendelsestype" is "DAEKNING"
    And the request's value at "//DaekningAfskrivning/DelfordringUUID" is "d0000000-0000-4000-8000-000000000001"
    And the request's value at "//DaekningAfskrivning/Beloeb" is "1200.00"

  @req:SF1590B-TILSTAND
  Scenario: The state of a claim moves along the legal transitions
    Given a OpretDebitorkonto request from the example
    When the request is sent
    Then the answer has status "ACCEPTERET"
    Given a RetFordringTilstand request from the example
    And the field "FordringTilstandsaendring/Tilstand" is "I_BERO"
    When the request is sent
    Then the answer has status "ACCEPTERET"
    And the claim "df000000-0000-4000-8000-000000000001" has state "I_BERO"
    Given a RetFordringTilstand request from the example
    And the field "FordringTilstandsaendring/Tilstand" is "AKTIV"
    When the request is sent
    Then the answer has status "ACCEPTERET"
    And the claim "df000000-0000-4000-8000-000000000001" has state "AKTIV"
    Given a RetFordringTilstand request from the example
    And the field "FordringTilstandsaendring/Tilstand" is "AFSLUTTET"
    When the request is sent
    Then the answer has status "ACCEPTERET"
    And the claim "df000000-0000-4000-8000-000000000001" has state "AFSLUTTET"

  @req:SF1590B-STA-001
  Scenario Outline: An illegal transition <from> → <to> is rejected and the state stays
    Given a OpretDebitorkonto request from the example
    When the request is sent
    Then the answer has status "ACCEPTERET"
    Given a RetFordringTilstand request from the example
    And the field "FordringTilstandsaendring/Tilstand" is "<from>"
    When the request is sent
    Then the answer has status "ACCEPTERET"
    Given a RetFordringTilstand request from the example
    And the field "FordringTilstandsaendring/Tilstand" is "<to>"
    When the request is sent
    Then the answer has status "AFVIST"
    And the answer reports the rule "SF1590B-STA-001"
    And every error in the answer has a code, a text and a remedy
    And the claim "df000000-0000-4000-8000-000000000001" has state "<from>"

    Examples:
      | from                         | to                           |
      | AFSLUTTET                    | AKTIV                        |
      | AFSLUTTET                    | I_BERO                       |
      | I_BERO                       | TIL_INDDRIVELSE              |
      | OVERDRAGET_TIL_DEBITORSYSTEM | AKTIV                        |
      | OVERDRAGET_TIL_DEBITORSYSTEM | I_BERO                       |
      | TIL_INDDRIVELSE              | OVERDRAGET_TIL_DEBITORSYSTEM |

  @req:SF1590B-OWN-001
  Scenario: After an ownership change the former owner can no longer change the claim
    Given a OpretDebitorkonto request from the example
    When the request is sent
    Then the answer has status "ACCEPTERET"
    Given a RegistrerEjerskifte request from the example
    When the request is sent
    Then the answer is schema-valid
    And the answer has status "ACCEPTERET"
    Given a RetFordringTilstand request from the example
    When the request is sent
    Then the answer has status "AFVIST"
    And the answer reports the rule "SF1590B-OWN-001"
    And every error in the answer has a code, a text and a remedy
    And the claim "df000000-0000-4000-8000-000000000001" has state "AKTIV"

  @req:SF1590B-OWN-001
  Scenario: Another fagsystem cannot change a claim it does not own
    Given a OpretDebitorkonto request from the example
    When the request is sent
    Then the answer has status "ACCEPTERET"
    Given a RetFordringTilstand request from the example
    And the request fields:
      | Hovedoplysninger/AfsenderSystemUUID | 6a000000-0000-4000-8000-000000000002 |
      | InvocationContext/UserSystemUUID    | 6a000000-0000-4000-8000-000000000002 |
    When the request is sent
    Then the answer has status "AFVIST"
    And the answer reports the rule "SF1590B-OWN-001"
    And the claim "df000000-0000-4000-8000-000000000001" has state "AKTIV"

  @req:SF1590B-PAY-001
  Scenario: A payment above what is payable on the claim is rejected
    Given a OpretDebitorkonto request from the example
    When the request is sent
    Then the answer has status "ACCEPTERET"
    Given a ForetagIndbetaling request from the example
    And the request fields:
      | Indbetaling/Beloeb                  | 5000.00 |
      | Indbetaling/Anvendelse[1]/Beloeb    | 4700.00 |
    When the request is sent
    Then the answer has status "AFVIST"
    And the answer reports the rule "SF1590B-PAY-001"
    And every error in the answer has a code, a text and a remedy

  @req:SF1590B-ANMODNING-SVAR
  Scenario: A request to the debitorsystem is answered, and its result is called back
    Given a OpretDebitorkonto request from the example
    When the request is sent
    Then the answer has status "ACCEPTERET"
    Given a AnmodOmAfskrivning request from the example
    When the request is sent
    Then the answer is schema-valid
    And the answer is not a SOAP fault
    Then a RegistrerDebitorkontoAnmodningSvar callback for this request is made within 5 seconds
    And the request is schema-valid

  Scenario: A resent registration gets the first answer and registers nothing twice
    Given a OpretDebitorkonto request from the example
    And the request is saved as "first"
    When the request is sent
    Then the answer has status "ACCEPTERET"
    When the request "first" is sent again
    Then the answer is the same as the answer to "first"
    And the claim "df000000-0000-4000-8000-000000000001" has state "AKTIV"
