@sf1590_b_03 @e2e
Feature: SF1590_B_03 End-2-End – a cash solution finds payable claims and pays them
  Another it-system (cash desk) searches the sub-claims that can be paid (own and others'),
  pays them, and the debitorsystem covers the claims and never takes more than is payable.

  Scenario: Payable sub-claims are found and paid; the payment is covered
    Given a OpretDebitorkonto request of SF1590_B_01 from the example
    When the request is sent
    Then the answer has status "ACCEPTERET"
    Given a SøgDelfordringTilIndbetaling request from the template "../../schemas/SF1590_B_03/examples/SoegDelfordringTilIndbetaling.request.xml"
    When the request is sent
    Then the answer is schema-valid
    And the answer is not a SOAP fault
    Given a ForetagIndbetaling request from the example
    When the request is sent
    Then the answer is schema-valid
    And the answer has status "ACCEPTERET"
    And the value at "//HovedoplysningerSvar/RelateretBeskedUUID" is the request's value at "//Hovedoplysninger/BeskedUUID"

  Scenario: The cash solution may pay on another system's claims
    Given a OpretDebitorkonto request of SF1590_B_01 from the example
    When the request is sent
    Then the answer has status "ACCEPTERET"
    Given a ForetagIndbetaling request from the example
    And the request fields:
      | Hovedoplysninger/AfsenderSystemUUID | 6a000000-0000-4000-8000-000000000002 |
      | InvocationContext/UserSystemUUID    | 6a000000-0000-4000-8000-000000000002 |
    When the request is sent
    Then the answer has status "ACCEPTERET"
    And the answer does not report the rule "SF1590B-OWN-001"

  @req:SF1590B-PAY-001
  Scenario: A payment above what is payable is rejected with code, text and remedy (rule example)
    Given the rule example "SF1590B-PAY-001"
    Then the request is schema-valid
    When the request is sent
    Then the answer is schema-valid
    And the answer has status "AFVIST"
    And the answer reports the rule "SF1590B-PAY-001"
    And the answer reports the rule "OIR-B-006"
    And every error in the answer has a code, a text and a remedy

  @req:OIR-SRT-001
  Scenario: A payment with a betalingsart outside the sortiment is rejected (OIR-SRT-001 in B_03)
    Given a ForetagIndbetaling request from the example
    And the field "Indbetaling/Betalingsart" is "b1000000-0000-4000-8000-0000000000ff"
    Then the request breaks the rule "OIR-SRT-001"
    When the request is sent
    Then the answer has status "AFVIST"
    And the answer reports the rule "OIR-SRT-001"
    And every error in the answer has a code, a text and a remedy
