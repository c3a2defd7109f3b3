//! The rule engine: runs the catalogue's checks over one message with the reference data
//! (sortiment, omsætningstabel) and a context, and — with a WSDL contract — puts the
//! schema findings and the rule findings into one report.

use std::path::Path;

use serde::Serialize;

use super::checks::{self, Run};
use super::context::Context;
use super::finding::{self, Finding, Source, Tekst};
use super::message::Message;
use super::sortiment::{DataError, Omsaetningstabel, Sortiment};
use crate::schema::validate::{SOAP11_NS, SOAP12_NS};
use crate::schema::wsdl::{Contract, Direction};
use crate::xml::tree;

/// What is known about a message before the rules run.
#[derive(Debug, Clone, Default)]
pub struct MessageInfo {
    /// `SF1590_A`, `SF1590_B_01` …; `None` = unknown, every rule runs.
    pub integration: Option<String>,
    pub operation: Option<String>,
    pub direction: Option<Direction>,
}

/// Reference data the rules check against. Without a sortiment the sortiment rules are
/// silent; without an omsætningstabel the mapping rule is.
#[derive(Debug, Clone, Default)]
pub struct Engine {
    pub sortiment: Option<Sortiment>,
    pub table: Option<Omsaetningstabel>,
}

impl Engine {
    pub fn new(sortiment: Option<Sortiment>, table: Option<Omsaetningstabel>) -> Engine {
        Engine { sortiment, table }
    }

    /// The shipped test data (`schemas/data/`).
    pub fn with_default_data() -> Result<Engine, DataError> {
        let d = super::sortiment::default_data_dir();
        Ok(Engine {
            sortiment: Some(Sortiment::load(&d.join("sortiment.yaml"))?),
            table: Some(Omsaetningstabel::load(&d.join("omsaetningstabel.yaml"))?),
        })
    }

    /// Run every applicable rule over a parsed message. When the message is accepted (no
    /// failing finding) its IDs are remembered in `ctx.seen`, so a later message in the same
    /// run is judged against it.
    pub fn check_tree(
        &self,
        root: &tree::Element,
        info: &MessageInfo,
        ctx: &mut Context,
    ) -> Vec<Finding> {
        self.check_tree_hashed(root, info, ctx, None)
    }

    /// [`Engine::check_tree`] given a payload element's content hash (skipping the security
    /// contexts), so the idempotency check does not compute it again.
    pub fn check_tree_hashed(
        &self,
        root: &tree::Element,
        info: &MessageInfo,
        ctx: &mut Context,
        payload_hash: Option<(&tree::Element, &str)>,
    ) -> Vec<Finding> {
        let msg = Message::new(root);
        let integration = info
            .integration
            .clone()
            .or_else(|| integration_from_namespaces(&msg));
        let mut run = Run {
            msg: &msg,
            sortiment: self.sortiment.as_ref(),
            table: self.table.as_ref(),
            ctx,
            integration: integration.as_deref(),
            operation: info.operation.as_deref(),
            direction: info.direction,
            findings: Vec::new(),
            sent: Default::default(),
            id_keys: None,
            known_payload_hash: payload_hash,
            classified: Default::default(),
        };
        checks::finans::check(&mut run);
        checks::sortiment::check(&mut run);
        checks::generic::check(&mut run);
        checks::debitor::check(&mut run);
        checks::faktura::check(&mut run);
        checks::idempotens::check(&mut run);
        let mut findings = run.findings;
        let known = run.id_keys;
        findings.sort_by(|a, b| (a.line, a.column, &a.rule).cmp(&(b.line, b.column, &b.rule)));
        let request = !matches!(info.direction, Some(Direction::Response | Direction::Fault));
        if request && !finding::any_failing(&findings) {
            checks::idempotens::record(&msg, known, &mut ctx.seen);
        }
        findings
    }

    /// Parse and check; a document that is not well-formed XML is one finding (no rule can
    /// judge it).
    pub fn check_bytes(&self, bytes: &[u8], info: &MessageInfo, ctx: &mut Context) -> Vec<Finding> {
        // The rules work on a tree; a pathologically deep document is refused before one is
        // built (real ØiR messages are a few dozen levels deep).
        match tree::parse_bounded(bytes, MAX_DEPTH) {
            Ok(root) => self.check_tree(&root, info, ctx),
            Err(tree::Bounded::TooDeep(_)) => vec![too_deep()],
            Err(tree::Bounded::Xml(e)) => vec![not_xml(&e)],
        }
    }

    /// Register the IDs of earlier messages named by the context (`modtagne_beskeder`).
    pub fn absorb_earlier(&self, ctx: &mut Context) -> Result<(), DataError> {
        for p in ctx.earlier_messages.clone() {
            let bytes = std::fs::read(&p).map_err(|e| DataError {
                file: p.display().to_string(),
                message: e.to_string(),
            })?;
            let root = tree::parse(&bytes).map_err(|e| DataError {
                file: p.display().to_string(),
                message: e.to_string(),
            })?;
            checks::idempotens::record(&Message::new(&root), None, &mut ctx.seen);
        }
        Ok(())
    }
}

/// Deepest nesting the rules accept.
pub const MAX_DEPTH: usize = 256;

fn too_deep() -> Finding {
    let mut f = not_xml(&crate::xml::XmlError {
        pos: crate::xml::Pos::default(),
        message: String::new(),
    });
    f.code = "too-deep".into();
    f.message = format!(
        "the document nests elements more than {MAX_DEPTH} levels deep; the rules were not run"
    );
    f.message_da = format!(
        "Dokumentet har elementer indlejret mere end {MAX_DEPTH} niveauer; reglerne er ikke kørt"
    );
    f.consequence = Tekst::new(
        "Beskeden kan ikke vurderes efter forretningsreglerne.",
        "The message cannot be judged by the business rules.",
    );
    f
}

fn not_xml(e: &crate::xml::XmlError) -> Finding {
    Finding {
        source: Source::Schema,
        rule: None,
        code: "not-well-formed".into(),
        severity: finding::Severity::Fejl,
        line: e.pos.line,
        column: e.pos.column,
        path: "/".into(),
        message: format!("not well-formed XML: {}", e.message),
        message_da: format!("Beskeden er ikke velformet XML: {}", e.message),
        consequence: Tekst::new(
            "Modtageren kan ikke læse beskeden og afviser den.",
            "The receiver cannot read the message and rejects it.",
        ),
        remedy: Tekst::new(
            "Ret det afsendende systems XML-dannelse.",
            "Fix how the sending system produces XML.",
        ),
        audience: finding::Audience::FagsystemLeverandoer,
        value: None,
        expected: None,
    }
}

/// `SF1590_A`, `SF1590_B_01` … named in a path or namespace (service packs live in
/// `schemas/SF1590_<X>/`).
pub fn integration_in(s: &str) -> Option<String> {
    let up = s.to_ascii_uppercase();
    // The last mention wins: the pack folder is nearer the file than any parent folder.
    up.match_indices("SF1590")
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .find_map(|(i, _)| integration_at(&up[i + 6..]))
}

/// `_B_01…` → `SF1590_B_01` (the text after `SF1590`).
fn integration_at(rest: &str) -> Option<String> {
    let rest = rest.strip_prefix(['_', '-']).unwrap_or(rest);
    let mut it = rest.chars();
    let letter = it.next().filter(|c| matches!(c, 'A' | 'B' | 'D' | 'E'))?;
    let mut out = format!("SF1590_{letter}");
    if letter == 'B' {
        let tail: String = it.collect();
        let tail = tail.strip_prefix(['_', '-']).unwrap_or(&tail);
        let digits: String = tail.chars().take_while(char::is_ascii_digit).collect();
        if digits.len() == 2 {
            out.push('_');
            out.push_str(&digits);
        }
    }
    Some(out)
}

fn integration_from_namespaces(msg: &Message<'_>) -> Option<String> {
    msg.payloads
        .iter()
        .filter_map(|&p| msg.el(p).ns.as_deref())
        .find_map(integration_in)
}

/// Schema and rule findings of one document, for reports.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentReport {
    pub file: String,
    pub operation: Option<String>,
    pub direction: Option<Direction>,
    pub integration: Option<String>,
    /// No finding that fails (info findings do not).
    pub conforms: bool,
    pub findings: Vec<Finding>,
}

/// Validate a message against the contract and run the rules: the function `oir validate`
/// (or a runner) can call to show both kinds of finding together.
pub fn check_document(
    engine: &Engine,
    contract: &Contract,
    wsdl_path: &Path,
    file: &str,
    bytes: &[u8],
    ctx: &mut Context,
) -> DocumentReport {
    let mut info = MessageInfo {
        integration: integration_in(&wsdl_path.to_string_lossy()),
        ..Default::default()
    };
    let (validation, env) = contract.schemas.validate_soap(bytes);
    let is_soap = env
        .soap_ns
        .as_deref()
        .is_some_and(|ns| ns == SOAP11_NS || ns == SOAP12_NS);
    let mut findings: Vec<Finding> = Vec::new();
    if is_soap {
        findings.extend(validation.findings.into_iter().map(Finding::from));
        for (ns, local) in &env.body_children {
            if let Some((op, dir)) = contract.operation_for_payload(ns.as_deref(), local) {
                info.operation = Some(op.name.clone());
                info.direction = Some(dir);
            }
        }
    } else {
        let v = contract.schemas.validate_document(bytes);
        findings.extend(v.findings.into_iter().map(Finding::from));
    }
    findings.extend(engine.check_bytes(bytes, &info, ctx));
    findings.sort_by_key(|a| (a.line, a.column));
    findings.dedup_by(|a, b| a.code == "not-well-formed" && b.code == "not-well-formed");
    DocumentReport {
        file: file.to_string(),
        conforms: !finding::any_failing(&findings),
        operation: info.operation,
        direction: info.direction,
        integration: info.integration,
        findings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oir::date::Date;

    const ART_52: &str = "a1000000-0000-4000-8000-000000000001";
    const ART_91: &str = "a1000000-0000-4000-8000-000000000004";
    const FUN_SDP: &str = "f1000000-0000-4000-8000-000000000001";
    const FUN_BANK: &str = "f1000000-0000-4000-8000-000000000003";
    const YDL_ENDED: &str = "e1000000-0000-4000-8000-000000000003";
    const KYS: &str = "6a000000-0000-4000-8000-000000000001";
    const BIB: &str = "6a000000-0000-4000-8000-000000000002";

    fn envelope(body: &str) -> String {
        format!(
            r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>
{body}
</s:Body></s:Envelope>"#
        )
    }

    fn posting(amount: &str, art: &str, funktion: &str) -> String {
        format!(
            "<f:Finanspostering><f:Beloeb>{amount}</f:Beloeb><f:Art>{art}</f:Art><f:Funktion>{funktion}</f:Funktion></f:Finanspostering>"
        )
    }

    fn bilag(id: &str, postings: &[String]) -> String {
        envelope(&format!(
            r#"<f:ModtagFinansbilagRequest xmlns:f="urn:test:finans"><f:Finansbilag><f:FinansbilagId>{id}</f:FinansbilagId><f:Bilagsdato>2025-03-03</f:Bilagsdato>{}</f:Finansbilag></f:ModtagFinansbilagRequest>"#,
            postings.concat()
        ))
    }

    fn ctx() -> Context {
        Context::new(Date::new(2025, 6, 30).unwrap())
    }

    fn run(xml: &str, ctx: &mut Context) -> Vec<(String, String)> {
        let e = Engine::with_default_data().unwrap();
        e.check_bytes(xml.as_bytes(), &MessageInfo::default(), ctx)
            .into_iter()
            .map(|f| (f.rule.unwrap_or(f.code), f.path))
            .collect()
    }

    fn balanced(id: &str) -> String {
        bilag(
            id,
            &[
                posting("1250.00", ART_52, FUN_SDP),
                posting("-1250.00", ART_91, FUN_BANK),
            ],
        )
    }

    const B: &str = "/s:Envelope/s:Body/f:ModtagFinansbilagRequest/f:Finansbilag";

    #[test]
    fn balanced_voucher_has_no_finding() {
        assert_eq!(run(&balanced("b-1"), &mut ctx()), vec![]);
    }

    #[test]
    fn unbalanced_voucher() {
        let x = bilag(
            "b-2",
            &[
                posting("1250.00", ART_52, FUN_SDP),
                posting("-1240.00", ART_91, FUN_BANK),
            ],
        );
        assert_eq!(
            run(&x, &mut ctx()),
            vec![("SF1590A-BAL-001".into(), B.into())]
        );
        // A kredit indicator turns the sign.
        let dk = bilag(
            "b-3",
            &[
                posting("10.00", ART_52, FUN_SDP),
                "<f:Finanspostering><f:Beloeb>10.00</f:Beloeb><f:DebetKredit>Kredit</f:DebetKredit><f:Funktion>f1000000-0000-4000-8000-000000000003</f:Funktion></f:Finanspostering>".into(),
            ],
        );
        assert_eq!(run(&dk, &mut ctx()), vec![]);
    }

    #[test]
    fn single_posting_is_bal_002_only() {
        let x = bilag("b-4", &[posting("1250.00", ART_52, FUN_SDP)]);
        assert_eq!(
            run(&x, &mut ctx()),
            vec![("SF1590A-BAL-002".into(), B.into())]
        );
    }

    #[test]
    fn sortiment_rules() {
        let unknown = "a1000000-0000-4000-8000-0000000000ff";
        let x = bilag(
            "b-5",
            &[
                posting("1.00", unknown, FUN_SDP),
                posting("-1.00", ART_91, FUN_BANK),
            ],
        );
        assert_eq!(
            run(&x, &mut ctx()),
            vec![("OIR-SRT-001".into(), format!("{B}/f:Finanspostering/f:Art"))]
        );
        let wrong_dim = bilag(
            "b-6",
            &[
                posting("1.00", FUN_SDP, FUN_SDP),
                posting("-1.00", ART_91, FUN_BANK),
            ],
        );
        assert_eq!(
            run(&wrong_dim, &mut ctx()),
            vec![("OIR-SRT-003".into(), format!("{B}/f:Finanspostering/f:Art"))]
        );
        let ended = bilag(
            "b-7",
            &[
                format!(
                    "<f:Finanspostering><f:Beloeb>1.00</f:Beloeb><f:Art>{ART_52}</f:Art><f:Funktion>{FUN_SDP}</f:Funktion><f:Ydelsestype>{YDL_ENDED}</f:Ydelsestype></f:Finanspostering>"
                ),
                posting("-1.00", ART_91, FUN_BANK),
            ],
        );
        assert_eq!(
            run(&ended, &mut ctx()),
            vec![(
                "OIR-SRT-002".into(),
                format!("{B}/f:Finanspostering/f:Ydelsestype")
            )]
        );
    }

    #[test]
    fn unmapped_kontering() {
        // 5.2 on the bank funktion is valid in the sortiment but the table has no row for
        // (art 4.9, funktion 5.57.72).
        let x = bilag(
            "b-8",
            &[
                posting("1.00", "a1000000-0000-4000-8000-000000000003", FUN_SDP),
                posting("-1.00", ART_91, FUN_BANK),
            ],
        );
        assert_eq!(
            run(&x, &mut ctx()),
            vec![("OIR-MAP-001".into(), format!("{B}/f:Finanspostering"))]
        );
    }

    #[test]
    fn resend_and_duplicate() {
        let mut c = ctx();
        assert_eq!(run(&balanced("b-9"), &mut c), vec![]);
        let id_path = format!("{B}/f:FinansbilagId");
        assert_eq!(
            run(&balanced("b-9"), &mut c),
            vec![("OIR-IDM-002".into(), id_path.clone())]
        );
        let changed = bilag(
            "b-9",
            &[
                posting("1000.00", ART_52, FUN_SDP),
                posting("-1000.00", ART_91, FUN_BANK),
            ],
        );
        assert_eq!(run(&changed, &mut c), vec![("OIR-IDM-001".into(), id_path)]);
        // A rejected message does not reserve its ID.
        let mut c = ctx();
        let bad = bilag("b-10", &[posting("1.00", ART_52, FUN_SDP)]);
        assert_eq!(run(&bad, &mut c).len(), 1);
        assert_eq!(run(&balanced("b-10"), &mut c), vec![]);
    }

    #[test]
    fn identifiers_and_periods() {
        let x = envelope(
            r#"<d:R xmlns:d="urn:test:debitor"><d:Part><d:CPRNummer>3102851234</d:CPRNummer></d:Part><d:Part><d:CPRNummer>1502851234</d:CPRNummer></d:Part><d:Virksomhed><d:CVRNummer>12345678</d:CVRNummer></d:Virksomhed><d:V><d:CVRNummer>urn:oio:cvr-nr:58271713</d:CVRNummer></d:V><d:Periode><d:Fra>2025-02-01</d:Fra><d:Til>2025-01-31</d:Til></d:Periode></d:R>"#,
        );
        assert_eq!(
            run(&x, &mut ctx()),
            vec![
                (
                    "OIR-CPR-001".into(),
                    "/s:Envelope/s:Body/d:R/d:Part/d:CPRNummer".into()
                ),
                (
                    "OIR-CVR-001".into(),
                    "/s:Envelope/s:Body/d:R/d:Virksomhed/d:CVRNummer".into()
                ),
                (
                    "OIR-PER-001".into(),
                    "/s:Envelope/s:Body/d:R/d:Periode/d:Til".into()
                ),
            ]
        );
    }

    fn debitor(body: &str) -> String {
        envelope(&format!(
            r#"<d:Req xmlns:d="urn:test:debitor"><d:AfsenderSystem>{KYS}</d:AfsenderSystem>{body}</d:Req>"#
        ))
    }

    fn state_ctx() -> Context {
        let mut c = ctx();
        c.accounts.insert(
            "11000000-0000-4000-8000-000000000001".into(),
            crate::oir::context::Account {
                owner: Some(BIB.into()),
                state: Some("Aktiv".into()),
            },
        );
        c.claims.insert(
            "12000000-0000-4000-8000-000000000001".into(),
            crate::oir::context::Claim {
                owner: Some(KYS.into()),
                state: Some("Afsluttet".into()),
                payable: Some(crate::schema::datatypes::Decimal::parse("500.00").unwrap()),
                ..Default::default()
            },
        );
        c
    }

    #[test]
    fn debitor_rules() {
        let own =
            debitor("<d:DebitorkontoId>11000000-0000-4000-8000-000000000001</d:DebitorkontoId>");
        assert_eq!(
            run(&own, &mut state_ctx()),
            vec![(
                "SF1590B-OWN-001".into(),
                "/s:Envelope/s:Body/d:Req/d:DebitorkontoId".into()
            )]
        );
        let sta = debitor(
            "<d:Fordring><d:FordringId>12000000-0000-4000-8000-000000000001</d:FordringId><d:NyTilstand>Aktiv</d:NyTilstand></d:Fordring>",
        );
        assert_eq!(
            run(&sta, &mut state_ctx()),
            vec![(
                "SF1590B-STA-001".into(),
                "/s:Envelope/s:Body/d:Req/d:Fordring/d:NyTilstand".into()
            )]
        );
        let no_ja = debitor(
            "<d:Fordring><d:FordringId>x</d:FordringId><d:Hovedstol>200.00</d:Hovedstol><d:Haeftelse><d:Rolle>JuridiskMedhaefter</d:Rolle><d:CPRNummer>1502851234</d:CPRNummer></d:Haeftelse></d:Fordring>",
        );
        assert_eq!(
            run(&no_ja, &mut ctx()),
            vec![(
                "SF1590B-HAE-001".into(),
                "/s:Envelope/s:Body/d:Req/d:Fordring".into()
            )]
        );
        let ja = no_ja.replace("JuridiskMedhaefter", "Juridisk ansvarlig");
        assert_eq!(run(&ja, &mut ctx()), vec![]);
        let early = debitor(
            "<d:Fordring><d:Hovedstol>200.00</d:Hovedstol><d:SidsteRettidigeBetalingsdato>2025-07-01</d:SidsteRettidigeBetalingsdato><d:JuridiskAnsvarlig><d:CPRNummer>1502851234</d:CPRNummer></d:JuridiskAnsvarlig><d:OverdragTilInddrivelse>true</d:OverdragTilInddrivelse></d:Fordring>",
        );
        assert_eq!(
            run(&early, &mut ctx()),
            vec![(
                "SF1590B-PSRM-001".into(),
                "/s:Envelope/s:Body/d:Req/d:Fordring/d:OverdragTilInddrivelse".into()
            )]
        );
        let small = early.replace("2025-07-01", "2025-02-01").replace(
            "<d:Hovedstol>200.00</d:Hovedstol>",
            "<d:Hovedstol>60.00</d:Hovedstol><d:Renter>20.00</d:Renter><d:Gebyr>19.99</d:Gebyr>",
        );
        assert_eq!(
            run(&small, &mut ctx()),
            vec![(
                "SF1590B-PSRM-002".into(),
                "/s:Envelope/s:Body/d:Req/d:Fordring/d:OverdragTilInddrivelse".into()
            )]
        );
        let enough = small.replace("19.99", "20.00");
        assert_eq!(run(&enough, &mut ctx()), vec![]);
    }

    #[test]
    fn payment_within_payable() {
        let pay = |a: &str| {
            debitor(&format!(
                "<d:Indbetaling><d:Daekning><d:FordringId>12000000-0000-4000-8000-000000000001</d:FordringId><d:Beloeb>{a}</d:Beloeb></d:Daekning></d:Indbetaling>"
            ))
        };
        assert_eq!(run(&pay("500.00"), &mut state_ctx()), vec![]);
        assert_eq!(
            run(&pay("500.01"), &mut state_ctx()),
            vec![(
                "SF1590B-PAY-001".into(),
                "/s:Envelope/s:Body/d:Req/d:Indbetaling/d:Daekning/d:Beloeb".into()
            )]
        );
    }

    #[test]
    fn invoice_answer_refers_to_known_invoice() {
        let x = envelope(
            r#"<i:FakturaInformationSvar xmlns:i="urn:test:faktura"><i:FakturaId>13000000-0000-4000-8000-000000000001</i:FakturaId></i:FakturaInformationSvar>"#,
        );
        // Silent without a list of invoices.
        assert_eq!(run(&x, &mut ctx()), vec![]);
        let mut c = ctx();
        c.invoices_given = true;
        assert_eq!(
            run(&x, &mut c),
            vec![(
                "SF1590D-INV-001".into(),
                "/s:Envelope/s:Body/i:FakturaInformationSvar/i:FakturaId".into()
            )]
        );
        c.invoices
            .insert("13000000-0000-4000-8000-000000000001".into());
        assert_eq!(run(&x, &mut c), vec![]);
    }

    #[test]
    fn supplementary_values_take_their_delsortiment_from_the_uuid_beside_them() {
        let supp = |ds: &str, v: &str| {
            bilag(
                "b-11",
                &[
                    format!(
                        "<f:Finanspostering><f:Beloeb>1.00</f:Beloeb><f:Art>{ART_52}</f:Art><f:Funktion>{FUN_SDP}</f:Funktion><f:SupplerendeKonteringselement><f:DelsortimentUUID>{ds}</f:DelsortimentUUID><f:Vaerdi>{v}</f:Vaerdi></f:SupplerendeKonteringselement></f:Finanspostering>"
                    ),
                    posting("-1.00", ART_91, FUN_BANK),
                ],
            )
        };
        let ydelsestyper = "5d000000-0000-4000-8000-000000000004";
        let sdp = "e1000000-0000-4000-8000-000000000001";
        assert_eq!(run(&supp(ydelsestyper, sdp), &mut ctx()), vec![]);
        let at = format!("{B}/f:Finanspostering/f:SupplerendeKonteringselement/f:Vaerdi");
        // A funktion under the ydelsestype delsortiment.
        assert_eq!(
            run(&supp(ydelsestyper, FUN_SDP), &mut ctx()),
            vec![("OIR-SRT-003".into(), at.clone())]
        );
        // A delsortiment the sortiment does not have.
        assert_eq!(
            run(
                &supp("5d000000-0000-4000-8000-0000000000ff", sdp),
                &mut ctx()
            ),
            vec![("OIR-SRT-001".into(), at)]
        );
    }

    #[test]
    fn operations_outside_a_rule_are_not_judged() {
        // Paying on another system's claim is allowed (B_03): OWN-001 is not about payments.
        let e = Engine::with_default_data().unwrap();
        let x =
            debitor("<d:DebitorkontoId>11000000-0000-4000-8000-000000000001</d:DebitorkontoId>");
        let info = |op: &str| MessageInfo {
            integration: Some("SF1590_B_01".into()),
            operation: Some(op.into()),
            direction: Some(Direction::Request),
        };
        let rules_of = |op: &str| -> Vec<Option<String>> {
            e.check_bytes(x.as_bytes(), &info(op), &mut state_ctx())
                .into_iter()
                .map(|f| f.rule)
                .collect()
        };
        assert_eq!(rules_of("ForetagIndbetaling"), Vec::<Option<String>>::new());
        assert_eq!(
            rules_of("RetFordringTilstand"),
            vec![Some("SF1590B-OWN-001".to_string())]
        );
        // Answers are never judged for ownership or idempotency.
        let answer = MessageInfo {
            direction: Some(Direction::Response),
            ..info("RetFordringTilstand")
        };
        assert!(
            e.check_bytes(x.as_bytes(), &answer, &mut state_ctx())
                .is_empty()
        );
    }

    #[test]
    fn odd_input_does_not_panic() {
        let e = Engine::with_default_data().unwrap();
        for x in [
            "",
            "<",
            "not xml",
            "<a/>",
            "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"/>",
            "<f:Finansbilag xmlns:f=\"u\"><f:Finanspostering><f:Beloeb>1e5</f:Beloeb></f:Finanspostering><f:Finanspostering/></f:Finansbilag>",
            "<CPRNummer>ÆØÅ</CPRNummer>",
            "<CVRNummer>:</CVRNummer>",
            "<Fordring><OverdragTilInddrivelse>true</OverdragTilInddrivelse><Hovedstol>x</Hovedstol></Fordring>",
            &"<a>".repeat(100_000),
        ] {
            let _ = e.check_bytes(x.as_bytes(), &MessageInfo::default(), &mut ctx());
        }
        let f = e.check_bytes(b"<", &MessageInfo::default(), &mut ctx());
        assert_eq!(f[0].code, "not-well-formed");
        let deep = format!("{}{}", "<a>".repeat(300), "</a>".repeat(300));
        let f = e.check_bytes(deep.as_bytes(), &MessageInfo::default(), &mut ctx());
        assert_eq!(f[0].code, "too-deep");
    }

    #[test]
    fn integration_names() {
        assert_eq!(
            integration_in("schemas/SF1590_A/wsdl/x.wsdl").as_deref(),
            Some("SF1590_A")
        );
        assert_eq!(
            integration_in("/w/schemas/SF1590_B_01/contract.wsdl").as_deref(),
            Some("SF1590_B_01")
        );
        assert_eq!(
            integration_in("urn:oio:sf1590-b-03:1").as_deref(),
            Some("SF1590_B_03")
        );
        assert_eq!(integration_in("SF1590_E").as_deref(), Some("SF1590_E"));
        assert_eq!(integration_in("SF1590_C"), None);
        assert_eq!(
            integration_in("/home/sf1590-tests/schemas/SF1590_D/x.wsdl").as_deref(),
            Some("SF1590_D")
        );
        assert_eq!(integration_in("nothing"), None);
    }
}
