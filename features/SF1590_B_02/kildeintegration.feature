@sf1590_b_02 @kildeintegration
Feature: SF1590_B_02 kildeintegrationstest – DebitorForespørgsel against the contract
  The three queries of DebitorForespoergselAfsend: request and answer valid against the
  contract, the answer relates to the query; boundary cases of the search criteria; delivery
  control.

  Scenario Outline: <operation>: request and answer are schema-valid
    Given a <operation> request from the template "../../schemas/SF1590_B_02/examples/<file>.request.xml"
    Then the request is schema-valid
    When the request is sent
    Then the answer is not a SOAP fault
    And the answer is schema-valid
    And the value at "//HovedoplysningerSvar/RelateretBeskedUUID" is the request's value at "//Hovedoplysninger/BeskedUUID"

    Examples:
      | operation        | file             |
      | ListDebitorkonti | ListDebitorkonti |
      | HentDebitorkonto | HentDebitorkonto |
      | SøgDebitorkonto  | SoegDebitorkonto |

  @boundaries
  Scenario: Boundary cases of the whole ListDebitorkonti request
    Given a ListDebitorkonti request from the example
    Then the boundary cases are accepted or rejected as the facets say

  @boundaries
  Scenario: Boundary cases of the account IDs of HentDebitorkonto
    Given a HentDebitorkonto request from the example
    Then the boundary cases of "DebitorkontoHentKriterier/DebitorkontoUUID" are accepted or rejected as the facets say

  @leverancekontrol @req:SP-SEC-001
  Scenario: Without a security context a query is refused by the platform (SP-SEC-001)
    Given a HentDebitorkonto request from the example
    And the request has no security context
    When the request is sent
    Then the answer is a SOAP fault with code "SP-SEC-001"
    And every error in the answer has a code, a text and a remedy

  @leverancekontrol @req:SP-ROUTE-002
  Scenario: A wrong SOAPAction is refused (SP-ROUTE-002)
    Given a HentDebitorkonto request from the example
    And the SOAPAction is "urn:oir:forkert"
    When the request is sent
    Then the answer is a SOAP fault with code "SP-ROUTE-002"

  @leverancekontrol @req:SP-HTTP-415
  Scenario: A wrong content type is refused (SP-HTTP-415)
    Given a ListDebitorkonti request from the example
    And the content type is "application/soap+xml"
    When the request is sent
    Then the answer is a SOAP fault with code "SP-HTTP-415"
