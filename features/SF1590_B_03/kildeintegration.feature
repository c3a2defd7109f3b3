@sf1590_b_03 @kildeintegration
Feature: SF1590_B_03 kildeintegrationstest – DebitorIndbetaling against the contract
  Both operations of DebitorIndbetalingAfsend: request and answer valid against the contract;
  boundary cases of the payment; delivery control.

  Scenario: ForetagIndbetaling: request and answer are schema-valid
    Given a ForetagIndbetaling request from the example
    Then the request is schema-valid
    When the request is sent
    Then the answer is not a SOAP fault
    And the answer is schema-valid
    And the value at "//HovedoplysningerSvar/RelateretBeskedUUID" is the request's value at "//Hovedoplysninger/BeskedUUID"

  Scenario: SøgDelfordringTilIndbetaling: request and answer are schema-valid
    Given a SøgDelfordringTilIndbetaling request from the template "../../schemas/SF1590_B_03/examples/SoegDelfordringTilIndbetaling.request.xml"
    Then the request is schema-valid
    When the request is sent
    Then the answer is not a SOAP fault
    And the answer is schema-valid
    And the value at "//HovedoplysningerSvar/RelateretBeskedUUID" is the request's value at "//Hovedoplysninger/BeskedUUID"

  @boundaries
  Scenario: Boundary cases of the whole ForetagIndbetaling request
    Given a ForetagIndbetaling request from the example
    Then the boundary cases are accepted or rejected as the facets say

  @leverancekontrol @req:SP-SEC-001
  Scenario: Without a security context a payment is refused by the platform (SP-SEC-001)
    Given a ForetagIndbetaling request from the example
    And the request has no security context
    When the request is sent
    Then the answer is a SOAP fault with code "SP-SEC-001"
    And every error in the answer has a code, a text and a remedy

  @leverancekontrol @req:SP-ROUTE-002
  Scenario: A wrong SOAPAction is refused (SP-ROUTE-002)
    Given a ForetagIndbetaling request from the example
    And the SOAPAction is "http://serviceplatformen.dk/xml/wsdl/soap11/OIR/DebitorIndbetalingAfsend/1/Betal"
    When the request is sent
    Then the answer is a SOAP fault with code "SP-ROUTE-002"

  @leverancekontrol @req:SP-XML-001
  Scenario: A malformed envelope is refused (SP-XML-001)
    Given a ForetagIndbetaling request from the example
    And the request body is:
      """
      <soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><
      """
    When the request is sent
    Then the answer is a SOAP fault with code "SP-XML-001"
