//! The step library: one table, every step in English and Danish, one example each
//! (features/README.md is generated from the same table by `oir steps --markdown`). A step
//! is usable after any keyword (Given/When/Then/And/But and their Danish forms): the
//! keyword is for the reader, the text decides.

mod build;
mod check;
mod exchange;
mod flows;

use std::sync::OnceLock;
use std::time::Instant;

use cucumber::step::Context;
use futures::future::LocalBoxFuture;
use regex::Regex;

use super::events::StepStatus;
use super::world::OirWorld;

/// What a step does (one arm of [`execute`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    FromExample,
    FromRuleExample,
    FromTemplate,
    SetFields,
    SetField,
    NoSecurityContext,
    SoapAction,
    NoSoapAction,
    ContentType,
    RawBody,
    SaveRequest,
    FreshIds,
    Send,
    SendSaved,
    ReceiveFromSut,
    RequestSchemaValid,
    RequestBreaksRule,
    RequestBreaksNoRule,
    AnswerSchemaValid,
    AnswerStatus,
    AnswerIsFault,
    AnswerIsNotFault,
    AnswerReportsRule,
    AnswerDoesNotReportRule,
    ErrorsAreComplete,
    ValueIs,
    ValueMatches,
    CountIs,
    AnswerWithin,
    SameAnswerAs,
    LedgerBalance,
    LedgerNetsToZero,
    PostingsOnMappedAccounts,
    ClaimState,
    CallbackArrives,
    Boundaries,
    ManualCheckpoint,
    ValueIsRequests,
    RequestValueIs,
    CallbackForRequest,
}

/// One step: its English and Danish phrasing (anchored regexes), what it does, and an
/// example of each for the documentation.
pub struct StepDef {
    pub action: Action,
    pub en: &'static str,
    /// Danish phrasings: the plain order (after Og/Givet/Når) and the inverted one after Så.
    pub da: &'static [&'static str],
    pub doc: &'static str,
    pub example_en: &'static str,
    pub example_da: &'static str,
}

/// Every step of the library. Order matters only for documentation.
pub static STEPS: &[StepDef] = &[
    StepDef {
        action: Action::FromExample,
        en: r#"^an? (\w+) request(?: of (SF1590_\w+))? from the example$"#,
        da: &[r#"^en (\w+)-anmodning(?: fra (SF1590_\w+))? ud fra eksemplet$"#],
        doc: "Start a request from the operation's example in its service pack (a fresh BeskedUUID).",
        example_en: "Given a ModtagFinansbilag request from the example",
        example_da: "Givet en ModtagFinansbilag-anmodning ud fra eksemplet",
    },
    StepDef {
        action: Action::FromRuleExample,
        en: r#"^the rule example "([^"]+)"$"#,
        da: &[r#"^regeleksemplet "([^"]+)"$"#],
        doc: "Start a request from the pack's example that breaks a business rule (schemas/<pack>/rule-examples/<code>.xml); its context (earlier messages, known accounts) is given to the stub.",
        example_en: "Given the rule example \"SF1590A-BAL-001\"",
        example_da: "Givet regeleksemplet \"SF1590A-BAL-001\"",
    },
    StepDef {
        action: Action::FromTemplate,
        en: r#"^an? (\w+) request(?: of (SF1590_\w+))? from the template "([^"]+)"$"#,
        da: &[r#"^en (\w+)-anmodning(?: fra (SF1590_\w+))? ud fra skabelonen "([^"]+)"$"#],
        doc: "Start a request from an XML file (a SOAP envelope), relative to the feature file.",
        example_en: "Given a ModtagFinansbilag request from the template \"templates/voucher.xml\"",
        example_da: "Givet en ModtagFinansbilag-anmodning ud fra skabelonen \"templates/voucher.xml\"",
    },
    StepDef {
        action: Action::SetFields,
        en: r#"^the request fields(?: are)?:?$"#,
        da: &[r#"^anmodningens felter(?: er)?:?$"#],
        doc: "Override values by path (table: path | value). Paths are local names under the payload (`Finansbilag/Finanspostering[2]/Beloeb`, `//BeskedUUID`, `Part/@type`); values `<absent>`, `<empty>`, `<new-uuid>`, `<today>` are special.",
        example_en: "And the request fields:\n  | Finansbilag/Bilagstekst | Test |",
        example_da: "Og anmodningens felter:\n  | Finansbilag/Bilagstekst | Test |",
    },
    StepDef {
        action: Action::SetField,
        en: r#"^the field "([^"]+)" is "([^"]*)"$"#,
        da: &[
            r#"^feltet "([^"]+)" er "([^"]*)"$"#,
            r#"^er feltet "([^"]+)" "([^"]*)"$"#,
        ],
        doc: "Override one value by path (same paths and special values as the table form).",
        example_en: "And the field \"Finansbilag/Finanspostering[1]/Beloeb\" is \"1250.01\"",
        example_da: "Og feltet \"Finansbilag/Finanspostering[1]/Beloeb\" er \"1250.01\"",
    },
    StepDef {
        action: Action::NoSecurityContext,
        en: r#"^the request has no security context$"#,
        da: &[
            r#"^anmodningen har ingen sikkerhedskontekst$"#,
            r#"^har anmodningen ingen sikkerhedskontekst$"#,
        ],
        doc: "Remove the InvocationContext/AuthorityContext (delivery control: the platform must refuse).",
        example_en: "And the request has no security context",
        example_da: "Og anmodningen har ingen sikkerhedskontekst",
    },
    StepDef {
        action: Action::SoapAction,
        en: r#"^the SOAPAction is "([^"]*)"$"#,
        da: &[
            r#"^SOAPAction er "([^"]*)"$"#,
            r#"^er SOAPAction "([^"]*)"$"#,
        ],
        doc: "Send this SOAPAction instead of the contract's.",
        example_en: "And the SOAPAction is \"urn:wrong\"",
        example_da: "Og SOAPAction er \"urn:forkert\"",
    },
    StepDef {
        action: Action::NoSoapAction,
        en: r#"^the request has no SOAPAction$"#,
        da: &[
            r#"^anmodningen har ingen SOAPAction$"#,
            r#"^har anmodningen ingen SOAPAction$"#,
        ],
        doc: "Send no SOAPAction at all.",
        example_en: "And the request has no SOAPAction",
        example_da: "Og anmodningen har ingen SOAPAction",
    },
    StepDef {
        action: Action::ContentType,
        en: r#"^the content type is "([^"]+)"$"#,
        da: &[
            r#"^indholdstypen er "([^"]+)"$"#,
            r#"^er indholdstypen "([^"]+)"$"#,
        ],
        doc: "Send this Content-Type header instead of the SOAP version's.",
        example_en: "And the content type is \"application/json\"",
        example_da: "Og indholdstypen er \"application/json\"",
    },
    StepDef {
        action: Action::RawBody,
        en: r#"^the request body is:$"#,
        da: &[r#"^anmodningens krop er:$"#, r#"^er anmodningens krop:$"#],
        doc: "Send the doc string as the body, byte for byte (malformed envelopes).",
        example_en: "And the request body is:\n  \"\"\"\n  <soapenv:Envelope\n  \"\"\"",
        example_da: "Og anmodningens krop er:\n  \"\"\"\n  <soapenv:Envelope\n  \"\"\"",
    },
    StepDef {
        action: Action::SaveRequest,
        en: r#"^the request is saved as "([^"]+)"$"#,
        da: &[
            r#"^anmodningen gemmes som "([^"]+)"$"#,
            r#"^gemmes anmodningen som "([^"]+)"$"#,
        ],
        doc: "Keep the request being built under a name (to send it again later).",
        example_en: "And the request is saved as \"first\"",
        example_da: "Og anmodningen gemmes som \"første\"",
    },
    StepDef {
        action: Action::FreshIds,
        en: r#"^the request gets fresh identifiers$"#,
        da: &[
            r#"^anmodningen får nye identifikatorer$"#,
            r#"^får anmodningen nye identifikatorer$"#,
        ],
        doc: "New values for the message's own identifiers (BeskedUUID and every <X>UUID inside an element <X>), so a real system sees a new message.",
        example_en: "And the request gets fresh identifiers",
        example_da: "Og anmodningen får nye identifikatorer",
    },
    StepDef {
        action: Action::Send,
        en: r#"^the request is sent$"#,
        da: &[r#"^anmodningen sendes$"#, r#"^sendes anmodningen$"#],
        doc: "Send the request to its service on the target and keep the answer.",
        example_en: "When the request is sent",
        example_da: "Når anmodningen sendes",
    },
    StepDef {
        action: Action::SendSaved,
        en: r#"^the request "([^"]+)" is sent again$"#,
        da: &[
            r#"^anmodningen "([^"]+)" sendes igen$"#,
            r#"^sendes anmodningen "([^"]+)" igen$"#,
        ],
        doc: "Send a saved request again, unchanged (idempotency); its answer is kept under the same name.",
        example_en: "When the request \"first\" is sent again",
        example_da: "Når anmodningen \"første\" sendes igen",
    },
    StepDef {
        action: Action::ReceiveFromSut,
        en: r#"^the system under test sends an? (\w+) request within (\d+) seconds$"#,
        da: &[
            r#"^systemet under test sender en (\w+)-anmodning inden for (\d+) sekunder$"#,
            r#"^sender systemet under test en (\w+)-anmodning inden for (\d+) sekunder$"#,
        ],
        doc: "oir plays the ERP: wait until the fagsystem under test sends the operation to the stub (run by the environment's trigger command, or by a person); the received request becomes the request the next steps judge.",
        example_en: "When the system under test sends a ModtagFinansbilag request within 60 seconds",
        example_da: "Når systemet under test sender en ModtagFinansbilag-anmodning inden for 60 sekunder",
    },
    StepDef {
        action: Action::RequestSchemaValid,
        en: r#"^the request is schema-valid$"#,
        da: &[
            r#"^anmodningen er skemagyldig$"#,
            r#"^er anmodningen skemagyldig$"#,
        ],
        doc: "The request (built or received) is valid against the contract.",
        example_en: "Then the request is schema-valid",
        example_da: "Så er anmodningen skemagyldig",
    },
    StepDef {
        action: Action::RequestBreaksRule,
        en: r#"^the request breaks the rule "([^"]+)"$"#,
        da: &[
            r#"^anmodningen bryder reglen "([^"]+)"$"#,
            r#"^bryder anmodningen reglen "([^"]+)"$"#,
        ],
        doc: "oir's own rule engine finds this rule code in the request (no exchange).",
        example_en: "Then the request breaks the rule \"SF1590A-BAL-001\"",
        example_da: "Så bryder anmodningen reglen \"SF1590A-BAL-001\"",
    },
    StepDef {
        action: Action::RequestBreaksNoRule,
        en: r#"^the request breaks no rule$"#,
        da: &[
            r#"^anmodningen bryder ingen regel$"#,
            r#"^bryder anmodningen ingen regel$"#,
        ],
        doc: "oir's rule engine finds no error in the request.",
        example_en: "Then the request breaks no rule",
        example_da: "Så bryder anmodningen ingen regel",
    },
    StepDef {
        action: Action::AnswerSchemaValid,
        en: r#"^the answer is schema-valid$"#,
        da: &[r#"^svaret er skemagyldigt$"#, r#"^er svaret skemagyldigt$"#],
        doc: "The answer is a SOAP envelope whose payload is valid against the contract.",
        example_en: "Then the answer is schema-valid",
        example_da: "Så er svaret skemagyldigt",
    },
    StepDef {
        action: Action::AnswerStatus,
        en: r#"^the answer has status "([^"]+)"$"#,
        da: &[
            r#"^svaret har status "([^"]+)"$"#,
            r#"^har svaret status "([^"]+)"$"#,
        ],
        doc: "The receipt's status (ForretningsValideringsKode, else TransportValideringsKode or Status) is this value.",
        example_en: "Then the answer has status \"ACCEPTERET\"",
        example_da: "Så har svaret status \"ACCEPTERET\"",
    },
    StepDef {
        action: Action::AnswerIsFault,
        en: r#"^the answer is a SOAP fault(?: with code "([^"]+)")?$"#,
        da: &[
            r#"^svaret er en SOAP-fejl(?: med koden "([^"]+)")?$"#,
            r#"^er svaret en SOAP-fejl(?: med koden "([^"]+)")?$"#,
        ],
        doc: "The answer is a SOAP Fault; with a code: the fault code or an error code in its detail is this one.",
        example_en: "Then the answer is a SOAP fault with code \"SP-SEC-001\"",
        example_da: "Så er svaret en SOAP-fejl med koden \"SP-SEC-001\"",
    },
    StepDef {
        action: Action::AnswerIsNotFault,
        en: r#"^the answer is not a SOAP fault$"#,
        da: &[
            r#"^svaret er ikke en SOAP-fejl$"#,
            r#"^er svaret ikke en SOAP-fejl$"#,
        ],
        doc: "The answer is a normal answer (HTTP 2xx, no Fault).",
        example_en: "Then the answer is not a SOAP fault",
        example_da: "Så er svaret ikke en SOAP-fejl",
    },
    StepDef {
        action: Action::AnswerReportsRule,
        en: r#"^the answer reports the rule "([^"]+)"$"#,
        da: &[
            r#"^svaret melder reglen "([^"]+)"$"#,
            r#"^melder svaret reglen "([^"]+)"$"#,
        ],
        doc: "An error code in the answer (FejlKode, ErrorCode, fault code) is this rule code.",
        example_en: "Then the answer reports the rule \"SF1590A-BAL-001\"",
        example_da: "Så melder svaret reglen \"SF1590A-BAL-001\"",
    },
    StepDef {
        action: Action::AnswerDoesNotReportRule,
        en: r#"^the answer does not report the rule "([^"]+)"$"#,
        da: &[
            r#"^svaret melder ikke reglen "([^"]+)"$"#,
            r#"^melder svaret ikke reglen "([^"]+)"$"#,
        ],
        doc: "No error code in the answer is this rule code.",
        example_en: "Then the answer does not report the rule \"SF1590A-BAL-001\"",
        example_da: "Så melder svaret ikke reglen \"SF1590A-BAL-001\"",
    },
    StepDef {
        action: Action::ErrorsAreComplete,
        en: r#"^every error in the answer has a code, a text and a remedy$"#,
        da: &[
            r#"^hver fejl i svaret har en kode, en tekst og en afhjælpning$"#,
            r#"^har hver fejl i svaret en kode, en tekst og en afhjælpning$"#,
        ],
        doc: "Each business error (Fejl) carries FejlKode, FejlTekst and Afhjaelpning; each platform error ErrorCode and ErrorText; and there is at least one error.",
        example_en: "Then every error in the answer has a code, a text and a remedy",
        example_da: "Så har hver fejl i svaret en kode, en tekst og en afhjælpning",
    },
    StepDef {
        action: Action::ValueIs,
        en: r#"^the value at "([^"]+)" is "([^"]*)"$"#,
        da: &[
            r#"^værdien ved "([^"]+)" er "([^"]*)"$"#,
            r#"^er værdien ved "([^"]+)" "([^"]*)"$"#,
        ],
        doc: "The answer's value at the path (the first, when several) is exactly this; `<request:PATH>` compares with the request's value.",
        example_en: "Then the value at \"//RelateretBeskedUUID\" is \"<request://BeskedUUID>\"",
        example_da: "Så er værdien ved \"//RelateretBeskedUUID\" \"<request://BeskedUUID>\"",
    },
    StepDef {
        action: Action::ValueMatches,
        en: r#"^the value at "([^"]+)" matches "([^"]+)"$"#,
        da: &[
            r#"^værdien ved "([^"]+)" matcher "([^"]+)"$"#,
            r#"^matcher værdien ved "([^"]+)" "([^"]+)"$"#,
        ],
        doc: "The answer's value at the path matches the regular expression (whole value).",
        example_en: "Then the value at \"//Svartidspunkt\" matches \"\\d{4}-\\d{2}-\\d{2}T.*\"",
        example_da: "Så matcher værdien ved \"//Svartidspunkt\" \"\\d{4}-\\d{2}-\\d{2}T.*\"",
    },
    StepDef {
        action: Action::CountIs,
        en: r#"^there (?:is|are) (\d+) elements? at "([^"]+)"$"#,
        da: &[
            r#"^der er (\d+) element(?:er)? ved "([^"]+)"$"#,
            r#"^er der (\d+) element(?:er)? ved "([^"]+)"$"#,
        ],
        doc: "The answer has exactly this many elements at the path.",
        example_en: "Then there is 1 element at \"//Forretningskvittering\"",
        example_da: "Så er der 1 element ved \"//Forretningskvittering\"",
    },
    StepDef {
        action: Action::AnswerWithin,
        en: r#"^the answer arrived within (\d+) ms$"#,
        da: &[
            r#"^svaret kom inden for (\d+) ms$"#,
            r#"^kom svaret inden for (\d+) ms$"#,
        ],
        doc: "The last exchange took at most this long.",
        example_en: "Then the answer arrived within 2000 ms",
        example_da: "Så kom svaret inden for 2000 ms",
    },
    StepDef {
        action: Action::SameAnswerAs,
        en: r#"^the answer is the same as the answer to "([^"]+)"$"#,
        da: &[
            r#"^svaret er det samme som svaret på "([^"]+)"$"#,
            r#"^er svaret det samme som svaret på "([^"]+)"$"#,
        ],
        doc: "Idempotency: the last answer equals the answer kept under the name (a resent message gets the first answer).",
        example_en: "Then the answer is the same as the answer to \"first\"",
        example_da: "Så er svaret det samme som svaret på \"første\"",
    },
    StepDef {
        action: Action::LedgerBalance,
        en: r#"^the ledger balance of account "([^"]+)" is "([^"]+)"$"#,
        da: &[
            r#"^saldoen på konto "([^"]+)" er "([^"]+)"$"#,
            r#"^er saldoen på konto "([^"]+)" "([^"]+)"$"#,
        ],
        doc: "Against a stub: the account's balance in the stub's ledger (this scenario's tenant).",
        example_en: "Then the ledger balance of account \"22010001\" is \"1250.00\"",
        example_da: "Så er saldoen på konto \"22010001\" \"1250.00\"",
    },
    StepDef {
        action: Action::LedgerNetsToZero,
        en: r#"^the ledger nets to zero$"#,
        da: &[r#"^hovedbogen går i nul$"#, r#"^går hovedbogen i nul$"#],
        doc: "Against a stub: the sum over all accounts is 0.00 and something was booked.",
        example_en: "Then the ledger nets to zero",
        example_da: "Så går hovedbogen i nul",
    },
    StepDef {
        action: Action::PostingsOnMappedAccounts,
        en: r#"^each posting is booked on the account the omsætningstabel names$"#,
        da: &[
            r#"^hver postering er bogført på den konto omsætningstabellen angiver$"#,
            r#"^er hver postering bogført på den konto omsætningstabellen angiver$"#,
        ],
        doc: "Nulsumsposteringstest: against a stub, the ledger has each posting of the last voucher on the account the omsætningstabel maps its kontering to; against a real ERP, a manual checkpoint lists the expected accounts for a person to confirm.",
        example_en: "Then each posting is booked on the account the omsætningstabel names",
        example_da: "Så er hver postering bogført på den konto omsætningstabellen angiver",
    },
    StepDef {
        action: Action::ClaimState,
        en: r#"^the claim "([^"]+)" has state "([^"]+)"$"#,
        da: &[
            r#"^fordringen "([^"]+)" har tilstanden "([^"]+)"$"#,
            r#"^har fordringen "([^"]+)" tilstanden "([^"]+)"$"#,
        ],
        doc: "Against a stub: the claim (fordring UUID, or `<request:PATH>`) has this state.",
        example_en: "Then the claim \"<request://FordringUUID>\" has state \"AKTIV\"",
        example_da: "Så har fordringen \"<request://FordringUUID>\" tilstanden \"AKTIV\"",
    },
    StepDef {
        action: Action::CallbackArrives,
        en: r#"^an? (\w+) callback is made within (\d+) seconds$"#,
        da: &[
            r#"^et (\w+)-tilbagekald foretages inden for (\d+) sekunder$"#,
            r#"^foretages et (\w+)-tilbagekald inden for (\d+) sekunder$"#,
        ],
        doc: "The ERP side (the stub) calls the fagsystem's operation within the time; the callback's request is judged (schema) and becomes the request for the next steps.",
        example_en: "Then a DaekningAfskrivningRegistreringAfsend callback is made within 5 seconds",
        example_da: "Så foretages et DaekningAfskrivningRegistreringAfsend-tilbagekald inden for 5 sekunder",
    },
    StepDef {
        action: Action::Boundaries,
        en: r#"^the boundary cases(?: of "([^"]+)")? are accepted or rejected as the facets say$"#,
        da: &[
            r#"^grænseværdierne(?: for "([^"]+)")? godtages eller afvises som facetterne siger$"#,
            r#"^godtages eller afvises grænseværdierne(?: for "([^"]+)")? som facetterne siger$"#,
        ],
        doc: "Derive the boundary cases of the request (all constrained elements, or those under the path) from the XSD facets, send each from the request as base, and judge: a valid case must not be refused as invalid (no SOAP fault), an invalid one must be (a fault or a rejection). Each case is a sub-result.",
        example_en: "Then the boundary cases of \"Finansbilag/Bilagstekst\" are accepted or rejected as the facets say",
        example_da: "Så godtages eller afvises grænseværdierne for \"Finansbilag/Bilagstekst\" som facetterne siger",
    },
    StepDef {
        action: Action::ManualCheckpoint,
        en: r#"^a person confirms "([^"]+)"$"#,
        da: &[
            r#"^en person bekræfter "([^"]+)"$"#,
            r#"^bekræfter en person "([^"]+)"$"#,
        ],
        doc: "A manual checkpoint: the scenario ends as 'awaiting confirmation' with this text in the report and the conformance statement.",
        example_en: "Then a person confirms \"the voucher is visible in the ERP's journal\"",
        example_da: "Så bekræfter en person \"bilaget kan ses i ERP-systemets kassekladde\"",
    },
    StepDef {
        action: Action::ValueIsRequests,
        en: r#"^the value at "([^"]+)" is the request's value at "([^"]+)"$"#,
        da: &[
            r#"^værdien ved "([^"]+)" er anmodningens værdi ved "([^"]+)"$"#,
            r#"^er værdien ved "([^"]+)" anmodningens værdi ved "([^"]+)"$"#,
        ],
        doc: "The answer's value at the first path equals the request's value at the second (the form for Scenario Outlines, where `<…>` is a placeholder).",
        example_en: "Then the value at \"//RelateretBeskedUUID\" is the request's value at \"//BeskedUUID\"",
        example_da: "Så er værdien ved \"//RelateretBeskedUUID\" anmodningens værdi ved \"//BeskedUUID\"",
    },
    StepDef {
        action: Action::RequestValueIs,
        en: r#"^the request's value at "([^"]+)" is "([^"]*)"$"#,
        da: &[
            r#"^anmodningens værdi ved "([^"]+)" er "([^"]*)"$"#,
            r#"^er anmodningens værdi ved "([^"]+)" "([^"]*)"$"#,
        ],
        doc: "The request being judged (built, received from the system under test, or called back) has exactly this value at the path (the first, when several).",
        example_en: "Then the request's value at \"//Daekning/DelfordringUUID\" is \"d0000000-0000-4000-8000-000000000001\"",
        example_da: "Så er anmodningens værdi ved \"//Daekning/DelfordringUUID\" \"d0000000-0000-4000-8000-000000000001\"",
    },
    StepDef {
        action: Action::CallbackForRequest,
        en: r#"^an? (\w+) callback for this request is made within (\d+) seconds$"#,
        da: &[
            r#"^et (\w+)-tilbagekald for denne anmodning foretages inden for (\d+) sekunder$"#,
            r#"^foretages et (\w+)-tilbagekald for denne anmodning inden for (\d+) sekunder$"#,
        ],
        doc: "Against a stub: the ERP side made the callback for the request just sent (triggered by its operation, not suppressed or failed) within the time; the callback's request becomes the request for the next steps.",
        example_en: "Then a RegistrerDaekningAfskrivning callback for this request is made within 5 seconds",
        example_da: "Så foretages et RegistrerDaekningAfskrivning-tilbagekald for denne anmodning inden for 5 sekunder",
    },
];

struct Compiled {
    en: Regex,
    da: Vec<Regex>,
}

fn compiled() -> &'static [Compiled] {
    static C: OnceLock<Vec<Compiled>> = OnceLock::new();
    C.get_or_init(|| {
        STEPS
            .iter()
            .map(|d| Compiled {
                en: Regex::new(d.en).expect("step pattern"),
                da: d
                    .da
                    .iter()
                    .map(|p| Regex::new(p).expect("step pattern"))
                    .collect(),
            })
            .collect()
    })
}

/// The step definition a text matches, with its captures ("" for an absent optional group).
pub fn find(text: &str) -> Option<(&'static StepDef, Vec<String>)> {
    for (def, c) in STEPS.iter().zip(compiled()) {
        for re in std::iter::once(&c.en).chain(&c.da) {
            if let Some(caps) = re.captures(text) {
                let args = caps
                    .iter()
                    .skip(1)
                    .map(|m| m.map(|m| m.as_str().to_string()).unwrap_or_default())
                    .collect();
                return Some((def, args));
            }
        }
    }
    None
}

/// The regexes to register with cucumber (every phrasing, for every keyword).
pub fn patterns() -> Vec<Regex> {
    compiled()
        .iter()
        .flat_map(|c| std::iter::once(c.en.clone()).chain(c.da.iter().cloned()))
        .collect()
}

/// The arguments a step gets.
pub struct Args {
    pub caps: Vec<String>,
    pub table: Vec<Vec<String>>,
    pub docstring: Option<String>,
}

impl Args {
    pub fn cap(&self, i: usize) -> &str {
        self.caps.get(i).map(String::as_str).unwrap_or("")
    }

    /// An optional capture: `None` when the group did not take part.
    pub fn opt(&self, i: usize) -> Option<&str> {
        Some(self.cap(i)).filter(|s| !s.is_empty())
    }
}

/// A step's failure: a headline (and more lines), and the compared values when there were.
#[derive(Debug, Clone)]
pub struct Failure {
    pub message: String,
    pub expected_actual: Option<(String, String)>,
}

impl From<String> for Failure {
    fn from(message: String) -> Failure {
        Failure {
            message,
            expected_actual: None,
        }
    }
}

impl From<&str> for Failure {
    fn from(message: &str) -> Failure {
        Failure::from(message.to_string())
    }
}

pub type Outcome = Result<(), Failure>;

/// Compare and fail with both values when they differ.
pub fn expect_eq(what: &str, expected: &str, actual: &str) -> Outcome {
    if expected == actual {
        Ok(())
    } else {
        Err(Failure {
            message: format!("{what}: expected '{expected}', got '{actual}'"),
            expected_actual: Some((expected.to_string(), actual.to_string())),
        })
    }
}

async fn execute(w: &mut OirWorld, action: Action, a: &Args) -> Outcome {
    use Action as A;
    match action {
        A::FromExample => build::from_example(w, a),
        A::FromRuleExample => build::from_rule_example(w, a).await,
        A::FromTemplate => build::from_template(w, a),
        A::SetFields => build::set_fields(w, a),
        A::SetField => build::set_field(w, a),
        A::NoSecurityContext => build::no_security_context(w),
        A::SoapAction => build::soap_action(w, Some(a.cap(0).to_string())),
        A::NoSoapAction => build::soap_action(w, None),
        A::ContentType => build::content_type(w, a),
        A::RawBody => build::raw_body(w, a),
        A::SaveRequest => build::save(w, a),
        A::FreshIds => build::fresh_ids(w),
        A::Send => exchange::send(w).await,
        A::SendSaved => exchange::send_saved(w, a).await,
        A::ReceiveFromSut => exchange::receive(w, a).await,
        A::RequestSchemaValid => check::request_schema_valid(w),
        A::RequestBreaksRule => check::request_rule(w, a, true),
        A::RequestBreaksNoRule => check::request_rule(w, a, false),
        A::AnswerSchemaValid => check::answer_schema_valid(w),
        A::AnswerStatus => check::status(w, a),
        A::AnswerIsFault => check::is_fault(w, a),
        A::AnswerIsNotFault => check::is_not_fault(w),
        A::AnswerReportsRule => check::reports_rule(w, a, true),
        A::AnswerDoesNotReportRule => check::reports_rule(w, a, false),
        A::ErrorsAreComplete => check::errors_complete(w),
        A::ValueIs => check::value_is(w, a),
        A::ValueMatches => check::value_matches(w, a),
        A::CountIs => check::count_is(w, a),
        A::AnswerWithin => check::within(w, a),
        A::SameAnswerAs => check::same_answer(w, a),
        A::LedgerBalance => check::ledger_balance(w, a).await,
        A::LedgerNetsToZero => check::ledger_zero(w).await,
        A::PostingsOnMappedAccounts => check::postings_mapped(w).await,
        A::ClaimState => check::claim_state(w, a).await,
        A::CallbackArrives => exchange::callback(w, a).await,
        A::Boundaries => exchange::boundaries(w, a).await,
        A::ManualCheckpoint => {
            w.step.checkpoint = Some(a.cap(0).to_string());
            Ok(())
        }
        A::ValueIsRequests => flows::value_is_requests(w, a),
        A::RequestValueIs => flows::request_value_is(w, a),
        A::CallbackForRequest => flows::callback_for_request(w, a).await,
    }
}

/// The one function cucumber calls for every step: find the definition, run it, record
/// what it did, and fail (panic, as cucumber expects) with the step's message.
pub fn dispatch(w: &mut OirWorld, ctx: Context) -> LocalBoxFuture<'_, ()> {
    Box::pin(async move {
        let started = Instant::now();
        w.step = Default::default();
        let text = ctx.step.value.clone();
        let outcome = match find(&text) {
            Some((def, caps)) => {
                let args = Args {
                    caps,
                    table: ctx
                        .step
                        .table
                        .as_ref()
                        .map(|t| t.rows.clone())
                        .unwrap_or_default(),
                    docstring: ctx.step.docstring.clone(),
                };
                execute(w, def.action, &args).await
            }
            None => Err(Failure::from(format!("no step matches '{text}'"))),
        };
        let mut rec = std::mem::take(&mut w.step);
        rec.duration = started.elapsed();
        let failure = match outcome {
            Ok(()) => {
                rec.status = Some(StepStatus::Passed);
                None
            }
            Err(f) => {
                rec.status = Some(StepStatus::Failed);
                rec.message = Some(f.message.clone());
                rec.expected_actual = f.expected_actual;
                Some(f.message)
            }
        };
        w.run.recorder.push(&w.scenario_id, rec);
        if let Some(m) = failure {
            // cucumber marks the step failed with this text; the record carries the detail.
            std::panic::resume_unwind(Box::new(m));
        }
    })
}

/// `features/README.md`'s step table, generated from [`STEPS`].
pub fn markdown() -> String {
    let mut s = String::new();
    for d in STEPS {
        s.push_str(&format!(
            "### {}\n\n{}\n\n```gherkin\n{}\n```\n\n```gherkin\n# language: da\n{}\n```\n\n",
            d.example_en.lines().next().unwrap_or(""),
            d.doc,
            d.example_en,
            d.example_da
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_example_matches_its_own_step_in_both_languages() {
        let keywords = [
            "Given ", "When ", "Then ", "And ", "Givet ", "Når ", "Så ", "Og ",
        ];
        for d in STEPS {
            for ex in [d.example_en, d.example_da] {
                let first = ex.lines().next().unwrap();
                let text = keywords
                    .iter()
                    .find_map(|k| first.strip_prefix(k))
                    .unwrap_or(first);
                let (found, _) = find(text).unwrap_or_else(|| panic!("no step for '{text}'"));
                assert_eq!(found.action, d.action, "'{text}'");
            }
        }
    }

    #[test]
    fn no_text_matches_two_steps() {
        let c = compiled();
        for d in STEPS {
            for ex in [d.example_en, d.example_da] {
                let first = ex.lines().next().unwrap();
                let text = first.split_once(' ').map(|x| x.1).unwrap_or(first);
                let n = c
                    .iter()
                    .filter(|c| c.en.is_match(text) || c.da.iter().any(|r| r.is_match(text)))
                    .count();
                assert_eq!(n, 1, "'{text}' matches {n} steps");
            }
        }
    }
}
