@sf1590_b_01 @e2e @fejlhaandtering
Feature: SF1590_B_01 error handling – every debitor rule is rejected with code, text and remedy
  Each rule example breaks exactly one rule (its context gives the stub the state it needs, so
  the judge is the receiver's answer, not oir's own rules on the bare request).
  The debitorsystem must answer AFVIST with a FejlListe whose errors carry the rule's code,
  a text and a remedy.

  Scenario Outline: <rule> is rejected: <what>
    Given the rule example "<rule>"
    Then the request is schema-valid
    When the request is sent
    Then the answer is not a SOAP fault
    And the answer is schema-valid
    And the answer has status "AFVIST"
    And the answer reports the rule "<rule>"
    And the answer reports the rule "<code>"
    And every error in the answer has a code, a text and a remedy
    And the value at "//HovedoplysningerSvar/RelateretBeskedUUID" is the request's value at "//Hovedoplysninger/BeskedUUID"

    @req:SF1590B-OWN-001
    Examples: Ownership
      | rule            | code      | what                                     |
      | SF1590B-OWN-001 | OIR-B-001 | the fagsystem changes another's account |

    @req:SF1590B-STA-001
    Examples: State
      | rule            | code      | what                           |
      | SF1590B-STA-001 | OIR-B-002 | a closed claim is reopened     |

    @req:SF1590B-HAE-001
    Examples: Liability
      | rule            | code      | what                                 |
      | SF1590B-HAE-001 | OIR-B-003 | a claim without a juridisk ansvarlig |

    @req:SF1590B-PSRM-001
    Examples: PSRM deadline
      | rule             | code      | what                                          |
      | SF1590B-PSRM-001 | OIR-B-004 | handed over before the last timely payment date |

    @req:SF1590B-PSRM-002
    Examples: PSRM threshold
      | rule             | code      | what                              |
      | SF1590B-PSRM-002 | OIR-B-005 | a claim under DKK 100 handed over |

  @req:OIR-SRT-001
  Scenario: A fordringstype outside the sortiment is rejected (OIR-SRT-001 in B_01)
    Given a OpretDebitorkonto request from the example
    And the field "Debitorkonto/Fordring/Fordringstype" is "d1000000-0000-4000-8000-0000000000ff"
    Then the request breaks the rule "OIR-SRT-001"
    When the request is sent
    Then the answer has status "AFVIST"
    And the answer reports the rule "OIR-SRT-001"
    And every error in the answer has a code, a text and a remedy

  @req:OIR-CPR-001
  Scenario: A liable party with an impossible CPR date is rejected (OIR-CPR-001 in B_01)
    Given a OpretDebitorkonto request from the example
    And the field "Debitorkonto/JuridiskAnsvarlig/Part/CPRNummer" is "3102851234"
    Then the request breaks the rule "OIR-CPR-001"
    When the request is sent
    Then the answer has status "AFVIST"
    And the answer reports the rule "OIR-P-002"
    And every error in the answer has a code, a text and a remedy

  @req:OIR-PER-001
  Scenario: A claim period that ends before it starts is rejected (OIR-PER-001 in B_01)
    Given a OpretDebitorkonto request from the example
    And the request fields:
      | Debitorkonto/Fordring/Periode/FraDato | 2025-02-01 |
      | Debitorkonto/Fordring/Periode/TilDato | 2025-01-01 |
    Then the request breaks the rule "OIR-PER-001"
    When the request is sent
    Then the answer has status "AFVIST"
    And the answer reports the rule "OIR-PER-001"
    And every error in the answer has a code, a text and a remedy
