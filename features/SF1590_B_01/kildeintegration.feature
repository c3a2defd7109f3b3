@sf1590_b_01 @kildeintegration
Feature: SF1590_B_01 kildeintegrationstest – DebitorRegistrering against the contracts
  Every operation of the five B_01 services: the request built from the pack's example and
  the answer are valid against the contract, the answer relates to the request; the largest
  request (OpretDebitorkonto) gets the full boundary expansion; delivery control refuses what
  the platform cannot take.

  Scenario Outline: <operation>: request and answer are schema-valid
    Given a <operation> request from the example
    Then the request is schema-valid
    When the request is sent
    Then the answer is not a SOAP fault
    And the answer is schema-valid
    And the value at "//HovedoplysningerSvar/RelateretBeskedUUID" is the request's value at "//Hovedoplysninger/BeskedUUID"

    Examples: DebitorRegistreringAfsend
      | operation                  |
      | OpretDebitorkonto          |
      | RetFordringTilstand        |
      | NedskrivFordring           |
      | TilbagekaldFordring        |
      | RegistrerEjerskifte        |
      | AfslutAdministrator        |
      | AfslutLigestillingspartner |

    Examples: DebitorkontoAnmodningAfsend
      | operation                         |
      | AnmodOmAfskrivning                |
      | AnmodOmHenstand                   |
      | AnmodOmOverdragelseTilInddrivelse |

    Examples: ModtagDebitorregistreringStraksleverance
      | operation          |
      | ForetagIndbetaling |

    Examples: the fagsystem's side (DaekningAfskrivningRegistreringAfsend, DebitorkontoAnmodningSvarAfsend)
      | operation                          |
      | RegistrerDaekningAfskrivning       |
      | RegistrerDebitorkontoAnmodningSvar |

  # Operation names with æ/ø/å: the example file is named after the US-ASCII SOAPAction
  # (AfslutHaeftelse), so these start from the pack's example as a template.
  Scenario Outline: <operation>: request and answer are schema-valid
    Given a <operation> request from the template "../../schemas/SF1590_B_01/examples/<file>.request.xml"
    Then the request is schema-valid
    When the request is sent
    Then the answer is not a SOAP fault
    And the answer is schema-valid
    And the value at "//HovedoplysningerSvar/RelateretBeskedUUID" is the request's value at "//Hovedoplysninger/BeskedUUID"

    Examples:
      | operation                                   | file                                        |
      | AfslutHæftelse                              | AfslutHaeftelse                             |
      | AfslutGældendeAdresseAdministrator          | AfslutGaeldendeAdresseAdministrator         |
      | AfslutGældendeAdresseJuridiskAnsvarlig      | AfslutGaeldendeAdresseJuridiskAnsvarlig     |
      | AfslutGældendeAdresseJuridiskMedhæfter      | AfslutGaeldendeAdresseJuridiskMedhaefter    |
      | AfslutMaterialeabonnementAdministrator      | AfslutMaterialeabonnementAdministrator      |
      | AfslutMaterialeabonnementJuridiskAnsvarlig  | AfslutMaterialeabonnementJuridiskAnsvarlig  |
      | AfslutMaterialeabonnementJuridiskMedhæfter  | AfslutMaterialeabonnementJuridiskMedhaefter |
      | SøgDelfordringTilIndbetaling                | SoegDelfordringTilIndbetaling               |

  # OpretDebitorkonto has ~760 cases; the step derives all of them for any path, so the
  # full run expands the claim's key elements only (`oir boundaries` lists the rest).
  @boundaries
  Scenario Outline: Boundary cases of <path> in OpretDebitorkonto
    Given a OpretDebitorkonto request from the example
    Then the boundary cases of "<path>" are accepted or rejected as the facets say

    Examples:
      | path                                  |
      | Fordring/Hovedstol                    |
      | Fordring/SidsteRettidigeBetalingsdato |
      | Delfordring/Delfordringstype          |

  @boundaries
  Scenario Outline: Boundary cases of <path> in RetFordringTilstand
    Given a RetFordringTilstand request from the example
    Then the boundary cases of "<path>" are accepted or rejected as the facets say

    Examples:
      | path                                 |
      | FordringTilstandsaendring/Tilstand    |
      | FordringTilstandsaendring/Virkningsdato |
      | FordringTilstandsaendring/Begrundelse |

  @leverancekontrol @req:SP-SEC-001
  Scenario Outline: Without a security context <operation> is refused by the platform (SP-SEC-001)
    Given a <operation> request from the example
    And the request has no security context
    When the request is sent
    Then the answer is a SOAP fault with code "SP-SEC-001"
    And every error in the answer has a code, a text and a remedy

    Examples:
      | operation          |
      | OpretDebitorkonto  |
      | ForetagIndbetaling |
      | AnmodOmAfskrivning |

  @leverancekontrol @req:SP-ROUTE-002
  Scenario: A SOAPAction of another service is refused (SP-ROUTE-002)
    Given a OpretDebitorkonto request from the example
    And the SOAPAction is "http://serviceplatformen.dk/xml/wsdl/soap11/OIR/ModtagFinansbilag/2/ModtagFinansbilag"
    When the request is sent
    Then the answer is a SOAP fault with code "SP-ROUTE-002"

  @leverancekontrol @req:SP-ROUTE-003
  Scenario: The SOAPAction of another operation of the service does not fit the Body (SP-ROUTE-003)
    Given a OpretDebitorkonto request from the example
    And the SOAPAction is "http://serviceplatformen.dk/xml/wsdl/soap11/OIR/DebitorRegistreringAfsend/1/RetFordringTilstand"
    When the request is sent
    Then the answer is a SOAP fault with code "SP-ROUTE-003"

  @leverancekontrol @req:SP-HTTP-415
  Scenario: A wrong content type is refused (SP-HTTP-415)
    Given a OpretDebitorkonto request from the example
    And the content type is "text/plain"
    When the request is sent
    Then the answer is a SOAP fault with code "SP-HTTP-415"

  @leverancekontrol @req:SP-XML-001
  Scenario: A malformed envelope is refused (SP-XML-001)
    Given a OpretDebitorkonto request from the example
    And the request body is:
      """
      <soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body></soapenv:Envelop>
      """
    When the request is sent
    Then the answer is a SOAP fault with code "SP-XML-001"

  @leverancekontrol @req:TK-SCHEMA
  Scenario: A schema-invalid claim is refused with a transport receipt naming the constraint
    Given a OpretDebitorkonto request from the example
    And the field "Debitorkonto/Fordring/Hovedstol" is "-1.00"
    When the request is sent
    Then the answer is a SOAP fault
    And every error in the answer has a code, a text and a remedy
