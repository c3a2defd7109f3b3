@sf1590_e @kildeintegration
Feature: SF1590_E kildeintegrationstest – Betalingsanmodning til NemKonto against the contracts
  NKSBetalingsanmodningAfsend and NKSForretningssvarHent: request and answer valid against the
  contracts; boundary cases of the payment request; delivery control.

  Scenario Outline: <operation>: request and answer are schema-valid
    Given a <operation> request from the example
    Then the request is schema-valid
    And the request breaks no rule
    When the request is sent
    Then the answer is not a SOAP fault
    And the answer is schema-valid
    And the value at "//HovedoplysningerSvar/RelateretBeskedUUID" is the request's value at "//Hovedoplysninger/BeskedUUID"

    Examples:
      | operation                 |
      | AfsendBetalingsanmodning  |
      | HentForretningssvar       |
      | HentForretningskvittering |

  @boundaries
  Scenario Outline: Boundary cases of <path> in AfsendBetalingsanmodning
    Given a AfsendBetalingsanmodning request from the example
    Then the boundary cases of "<path>" are accepted or rejected as the facets say

    Examples:
      | path                                   |
      | Betalingstransaktion/Beloeb            |
      | Betalingstransaktion/Betalingstype     |
      | Betalingstransaktion/Posteringstekst   |
      | Betalingstransaktion/Advislinje        |
      | Gruppehoved/Kontrolsum                 |

  @boundaries
  Scenario: Boundary cases of the whole HentForretningssvar request
    Given a HentForretningssvar request from the example
    Then the boundary cases are accepted or rejected as the facets say

  @leverancekontrol @req:SP-SEC-001
  Scenario: Without a security context a payment request is refused by the platform (SP-SEC-001)
    Given a AfsendBetalingsanmodning request from the example
    And the request has no security context
    When the request is sent
    Then the answer is a SOAP fault with code "SP-SEC-001"
    And every error in the answer has a code, a text and a remedy

  @leverancekontrol @req:SP-ROUTE-002
  Scenario: A payment request sent with the fetch operation's SOAPAction is refused (SP-ROUTE-002)
    Given a AfsendBetalingsanmodning request from the example
    And the SOAPAction is "http://serviceplatformen.dk/xml/wsdl/soap11/OIR/NKSForretningssvarHent/1/HentForretningssvar"
    When the request is sent
    Then the answer is a SOAP fault with code "SP-ROUTE-002"

  @leverancekontrol @req:SP-XML-001
  Scenario: A malformed envelope is refused (SP-XML-001)
    Given a HentForretningssvar request from the example
    And the request body is:
      """
      not xml at all
      """
    When the request is sent
    Then the answer is a SOAP fault with code "SP-XML-001"
