@sf1590_d @kildeintegration
Feature: SF1590_D kildeintegrationstest – Faktura til godkendelse against the contracts
  FakturaInformationAfsend (the fakturahåndteringssystem calls the fagsystem) and
  FakturaInformationSvarAfsend (the fagsystem answers): request and answer valid against the
  contracts; the full boundary expansion of the invoice; delivery control.

  Scenario Outline: <operation>: request and answer are schema-valid
    Given a <operation> request from the example
    Then the request is schema-valid
    And the request breaks no rule
    When the request is sent
    Then the answer is not a SOAP fault
    And the answer is schema-valid
    And the value at "//HovedoplysningerSvar/RelateretBeskedUUID" is the request's value at "//Hovedoplysninger/BeskedUUID"

    Examples:
      | operation                    |
      | AfsendFakturaInformation     |
      | AfsendFakturaInformationSvar |

  @boundaries
  Scenario: Boundary cases of the whole AfsendFakturaInformation request
    Given a AfsendFakturaInformation request from the example
    Then the boundary cases are accepted or rejected as the facets say

  @boundaries
  Scenario Outline: Boundary cases of <path> in AfsendFakturaInformationSvar
    Given a AfsendFakturaInformationSvar request from the example
    Then the boundary cases of "<path>" are accepted or rejected as the facets say

    Examples:
      | path                                      |
      | FakturaInformationSvar/Godkendelsesstatus |
      | FakturaInformationSvar/Konteringsansvar   |
      | Konteringslinje/Beloeb                    |

  @leverancekontrol @req:SP-SEC-001
  Scenario Outline: Without a security context <operation> is refused by the platform (SP-SEC-001)
    Given a <operation> request from the example
    And the request has no security context
    When the request is sent
    Then the answer is a SOAP fault with code "SP-SEC-001"
    And every error in the answer has a code, a text and a remedy

    Examples:
      | operation                    |
      | AfsendFakturaInformation     |
      | AfsendFakturaInformationSvar |

  @leverancekontrol @req:SP-ROUTE-002
  Scenario: The answer's SOAPAction sent to the invoice service is refused (SP-ROUTE-002)
    Given a AfsendFakturaInformation request from the example
    And the SOAPAction is "http://serviceplatformen.dk/xml/wsdl/soap11/OIR/FakturaInformationSvarAfsend/1/AfsendFakturaInformationSvar"
    When the request is sent
    Then the answer is a SOAP fault with code "SP-ROUTE-002"

  @leverancekontrol @req:SP-HTTP-415
  Scenario: A wrong content type is refused (SP-HTTP-415)
    Given a AfsendFakturaInformation request from the example
    And the content type is "application/xml"
    When the request is sent
    Then the answer is a SOAP fault with code "SP-HTTP-415"
