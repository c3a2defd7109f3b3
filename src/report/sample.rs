//! Fixed event sequences for the report writers' golden tests, the benchmark
//! (`examples/report_bench.rs`) and the browser check (`scripts/html_check.sh`): no clock,
//! no randomness, so every writer's output is byte-for-byte reproducible.

use crate::run::events::{
    Event, Exchange, Finding, RunInfo, ScenarioInfo, StepResult, StepStatus, SubResult, Summary,
    Verdict,
};

/// CPR numbers the sample carries (unmasked), so tests can check none survives masking.
pub const SAMPLE_CPRS: [&str; 3] = ["0101011234", "010101-1234", "2512894321"];

pub fn run_info(planned: usize) -> RunInfo {
    RunInfo {
        tool: "oir".into(),
        tool_version: "0.1.0".into(),
        started_at: "2025-01-15T09:30:00.000Z".into(),
        target: "built-in stub (http://127.0.0.1:41234)".into(),
        environment: None,
        side_under_test: "stub".into(),
        seed: 42,
        suite_hash: "5d41402abc4b2a76b9719d911017c592ae2b1d8a3e6e9b0d0c5f6f1e2d3c4b5a".into(),
        schema_hash: "9e107d9d372bb6826bd81d3542a419d6e0d1c2b3a4f5e6d7c8b9a0f1e2d3c4b5".into(),
        features: "built-in".into(),
        filters: vec![],
        scenarios_planned: planned,
        masked: true,
    }
}

fn scenario(
    path: &str,
    feature: &str,
    line: usize,
    name: &str,
    tags: &[&str],
    lang: &str,
) -> ScenarioInfo {
    let tags: Vec<String> = tags.iter().map(|t| t.to_string()).collect();
    let integration = tags
        .iter()
        .find_map(|t| t.strip_prefix("sf1590_"))
        .map(|s| format!("SF1590_{}", s.to_uppercase()));
    let level = tags
        .iter()
        .find(|t| ["kildeintegration", "e2e", "nulsum"].contains(&t.as_str()))
        .cloned();
    let requirements = tags
        .iter()
        .filter_map(|t| t.strip_prefix("req:"))
        .map(str::to_string)
        .collect();
    ScenarioInfo {
        id: format!("{path}:{line}"),
        feature_path: path.into(),
        feature_name: feature.into(),
        rule: None,
        name: name.into(),
        line,
        tags,
        integration,
        level,
        requirements,
        language: lang.into(),
    }
}

fn step(keyword: &str, text: &str, line: usize, status: StepStatus, ms: f64) -> StepResult {
    StepResult {
        keyword: keyword.into(),
        text: text.into(),
        line,
        status,
        message: None,
        expected_actual: None,
        duration_ms: ms,
        exchanges: vec![],
        findings: vec![],
        subresults: vec![],
        checkpoint: None,
        table: vec![],
        docstring: None,
    }
}

const FINANSBILAG_OK: &str = r#"<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><fb:ModtagFinansbilagRequest xmlns:fb="urn:oio:kombit:oir:finans:1"><fb:Finansbilag><fb:BilagUUID>fb000000-0000-4000-8000-000000000001</fb:BilagUUID><fb:CPRNummer>0101011234</fb:CPRNummer><fb:Finanspostering><fb:Konto>1234</fb:Konto><fb:Beloeb>100.00</fb:Beloeb></fb:Finanspostering><fb:Finanspostering><fb:Konto>5678</fb:Konto><fb:Beloeb>-100.00</fb:Beloeb></fb:Finanspostering></fb:Finansbilag></fb:ModtagFinansbilagRequest></soap:Body></soap:Envelope>"#;

const KVITTERING_OK: &str = r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><fb:ModtagFinansbilagResponse xmlns:fb="urn:oio:kombit:oir:finans:1"><fb:ForretningsValideringsKode>GODKENDT</fb:ForretningsValideringsKode></fb:ModtagFinansbilagResponse></soap:Body></soap:Envelope>"#;

const FINANSBILAG_UNBALANCED: &str = r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><fb:ModtagFinansbilagRequest xmlns:fb="urn:oio:kombit:oir:finans:1"><fb:Finansbilag><fb:BilagUUID>fb000000-0000-4000-8000-000000000002</fb:BilagUUID><fb:Finanspostering><fb:Konto>1234</fb:Konto><fb:Beloeb>100.00</fb:Beloeb></fb:Finanspostering><fb:Finanspostering><fb:Konto>5678</fb:Konto><fb:Beloeb>-99.00</fb:Beloeb></fb:Finanspostering></fb:Finansbilag></fb:ModtagFinansbilagRequest></soap:Body></soap:Envelope>"#;

fn exchange(
    request: &str,
    response: Option<&str>,
    status: Option<u16>,
    ms: f64,
    error: Option<&str>,
) -> Exchange {
    Exchange {
        direction: "outbound".into(),
        operation: "ModtagFinansbilag".into(),
        url: "http://127.0.0.1:41234/service/OIR/ModtagFinansbilag/2".into(),
        soap_action: Some("http://kombit.dk/oir/ModtagFinansbilag".into()),
        request: request.into(),
        response: response.map(str::to_string),
        http_status: status,
        duration_ms: ms,
        error: error.map(str::to_string),
    }
}

fn finished(id: &str, attempt: u32, verdict: Verdict, final_attempt: bool, ms: f64) -> Event {
    Event::ScenarioFinished {
        scenario_id: id.into(),
        attempt,
        verdict,
        final_attempt,
        duration_ms: ms,
    }
}

fn steps(id: &str, attempt: u32, steps: Vec<StepResult>) -> Vec<Event> {
    steps
        .into_iter()
        .map(|step| Event::StepFinished {
            scenario_id: id.into(),
            attempt,
            step,
        })
        .collect()
}

/// The golden sequence: two integrations (SF1590_A, SF1590_B); a pass carrying CPR numbers
/// in a data table, a step text and a request; a failure with findings, a diff and an
/// exchange; a flaky scenario (timeout, then pass); boundary sub-results; a manual
/// checkpoint (Danish keywords); a feature file that cannot be parsed.
pub fn events() -> Vec<Event> {
    let mut ev = vec![Event::RunStarted(run_info(5))];
    let a_tags = ["sf1590_a", "kildeintegration"];

    // 1. pass (CPR in table, text, request)
    let s1 = scenario(
        "SF1590_A/kildeintegration.feature",
        "Finansbilag fra kildesystem",
        10,
        "Balanced voucher is accepted",
        &[&a_tags[..], &["req:SF1590A-BAL-001"]].concat(),
        "en",
    );
    let id1 = s1.id.clone();
    ev.push(Event::ScenarioStarted {
        scenario: s1,
        attempt: 1,
    });
    let mut g = step(
        "Given",
        "a finansbilag from the example of ModtagFinansbilag",
        11,
        StepStatus::Passed,
        1.25,
    );
    g.table = vec![
        vec!["path".into(), "value".into()],
        vec!["CPRNummer".into(), "0101011234".into()],
    ];
    let mut w = step(
        "When",
        "it is sent for borger 010101-1234",
        14,
        StepStatus::Passed,
        12.5,
    );
    w.exchanges = vec![exchange(
        FINANSBILAG_OK,
        Some(KVITTERING_OK),
        Some(200),
        12.0,
        None,
    )];
    let t = step(
        "Then",
        "the kvittering status is \"GODKENDT\"",
        15,
        StepStatus::Passed,
        0.5,
    );
    ev.extend(steps(&id1, 1, vec![g, w, t]));
    ev.push(finished(&id1, 1, Verdict::Passed, true, 14.25));

    // 2. failure with findings, expected/actual, exchange
    let s2 = scenario(
        "SF1590_A/kildeintegration.feature",
        "Finansbilag fra kildesystem",
        20,
        "Unbalanced voucher is rejected",
        &[&a_tags[..], &["req:SF1590A-BAL-001", "req:SF1590A-BAL-002"]].concat(),
        "en",
    );
    let id2 = s2.id.clone();
    ev.push(Event::ScenarioStarted {
        scenario: s2,
        attempt: 1,
    });
    let g = step(
        "Given",
        "a finansbilag whose postings sum to 1.00",
        21,
        StepStatus::Passed,
        1.0,
    );
    let mut w = step("When", "it is sent", 22, StepStatus::Passed, 10.0);
    w.exchanges = vec![exchange(
        FINANSBILAG_UNBALANCED,
        Some(KVITTERING_OK),
        Some(200),
        9.5,
        None,
    )];
    let mut t = step(
        "Then",
        "the kvittering status is \"AFVIST\"",
        23,
        StepStatus::Failed,
        0.25,
    );
    t.message = Some("kvittering status is GODKENDT, expected AFVIST\nThe ERP accepted a voucher that does not balance.".into());
    t.expected_actual = Some(("AFVIST".into(), "GODKENDT".into()));
    t.findings = vec![Finding {
        code: "SF1590A-BAL-001".into(),
        message: "the postings sum to 1.00, not 0.00".into(),
        path: Some("/fb:Finansbilag/fb:Finanspostering[2]/fb:Beloeb".into()),
        line: Some(1),
    }];
    t.exchanges = vec![exchange(
        FINANSBILAG_UNBALANCED,
        Some(KVITTERING_OK),
        Some(200),
        9.5,
        None,
    )];
    let a = step(
        "And",
        "the answer lists rule code \"SF1590A-BAL-001\"",
        24,
        StepStatus::Skipped,
        0.0,
    );
    ev.extend(steps(&id2, 1, vec![g, w, t, a]));
    ev.push(finished(&id2, 1, Verdict::Failed, true, 11.25));

    // 3. flaky: attempt 1 times out, attempt 2 passes
    let s3 = scenario(
        "SF1590_A/kildeintegration.feature",
        "Finansbilag fra kildesystem",
        30,
        "Resend with the same BeskedUUID is idempotent",
        &[&a_tags[..], &["req:OIR-I-001"]].concat(),
        "en",
    );
    let id3 = s3.id.clone();
    ev.push(Event::ScenarioStarted {
        scenario: s3.clone(),
        attempt: 1,
    });
    let mut w = step(
        "When",
        "the same finansbilag is sent twice",
        31,
        StepStatus::Failed,
        5000.0,
    );
    w.message = Some("no answer within 5 s (timeout)".into());
    w.exchanges = vec![exchange(
        FINANSBILAG_OK,
        None,
        None,
        5000.0,
        Some("timed out after 5000 ms"),
    )];
    let t = step(
        "Then",
        "both answers are identical",
        32,
        StepStatus::Skipped,
        0.0,
    );
    ev.extend(steps(&id3, 1, vec![w, t]));
    ev.push(finished(&id3, 1, Verdict::Failed, false, 5000.0));
    ev.push(Event::ScenarioStarted {
        scenario: s3,
        attempt: 2,
    });
    let mut w = step(
        "When",
        "the same finansbilag is sent twice",
        31,
        StepStatus::Passed,
        20.0,
    );
    w.exchanges = vec![
        exchange(FINANSBILAG_OK, Some(KVITTERING_OK), Some(200), 10.0, None),
        exchange(FINANSBILAG_OK, Some(KVITTERING_OK), Some(200), 9.0, None),
    ];
    let t = step(
        "Then",
        "both answers are identical",
        32,
        StepStatus::Passed,
        0.25,
    );
    ev.extend(steps(&id3, 2, vec![w, t]));
    ev.push(finished(&id3, 2, Verdict::Passed, true, 20.25));

    // 4. boundary sub-results
    let s4 = scenario(
        "SF1590_A/graensevaerdier.feature",
        "Grænseværdier for Finansbilag",
        5,
        "Beloeb boundary values",
        &[&a_tags[..], &["req:SF1590A-SCH-004"]].concat(),
        "en",
    );
    let id4 = s4.id.clone();
    ev.push(Event::ScenarioStarted {
        scenario: s4,
        attempt: 1,
    });
    let mut b = step(
        "Then",
        "every boundary case of \"Beloeb\" is judged as the schema says",
        6,
        StepStatus::Passed,
        42.0,
    );
    b.subresults = vec![
        SubResult {
            name: "totalDigits 15 (max)".into(),
            passed: true,
            message: None,
        },
        SubResult {
            name: "totalDigits 16 (max+1)".into(),
            passed: true,
            message: Some("rejected: cvc-totalDigits-valid".into()),
        },
        SubResult {
            name: "fractionDigits 2".into(),
            passed: true,
            message: None,
        },
        SubResult {
            name: "fractionDigits 3".into(),
            passed: true,
            message: Some("rejected: cvc-fractionDigits-valid".into()),
        },
    ];
    ev.extend(steps(&id4, 1, vec![b]));
    ev.push(finished(&id4, 1, Verdict::Passed, true, 42.0));

    // 5. manual checkpoint (Danish), SF1590_B
    let s5 = scenario(
        "SF1590_B/debitor_e2e.feature",
        "Debitorkonto oprettes i ERP",
        8,
        "Debitorkonto for borger 2512894321 vises i ERP",
        &["sf1590_b", "e2e", "req:SF1590B-DEB-001"],
        "da",
    );
    let id5 = s5.id.clone();
    ev.push(Event::ScenarioStarted {
        scenario: s5,
        attempt: 1,
    });
    let mut g = step(
        "Givet",
        "en OpretDebitorkonto for CPR 2512894321",
        9,
        StepStatus::Passed,
        2.0,
    );
    g.docstring = Some("<CPRNummer>2512894321</CPRNummer>".into());
    let mut m = step(
        "Så",
        "bekræfter en person at debitorkontoen vises i ERP",
        10,
        StepStatus::Passed,
        0.0,
    );
    m.checkpoint = Some("Debitorkontoen for 251289-4321 vises i ERP'ets brugerflade".into());
    ev.extend(steps(&id5, 1, vec![g, m]));
    ev.push(finished(&id5, 1, Verdict::AwaitingConfirmation, true, 2.0));

    ev.push(Event::ParseError {
        path: "SF1590_D/faktura.feature".into(),
        line: Some(7),
        message: "expected a step keyword, found \"Scenarie Outline\"".into(),
    });

    ev.push(Event::RunFinished(Summary {
        scenarios: 5,
        passed: 3,
        failed: 1,
        awaiting_confirmation: 1,
        flaky: 1,
        cases: 4,
        cases_failed: 0,
        steps: 12,
        parse_errors: 1,
        duration_ms: 5089.75,
        exit_code: 1,
        interrupted: false,
    }));
    ev
}

/// A large run for the benchmark: `n` scenarios over four integrations, each with three
/// steps and one realistic exchange (≈ 1.5 KB request, 0.5 KB answer); every 20th fails with
/// a finding, every 50th has 12 boundary cases.
pub fn large(n: usize) -> Vec<Event> {
    let mut ev = vec![Event::RunStarted(run_info(n))];
    let integrations = ["sf1590_a", "sf1590_b", "sf1590_d", "sf1590_e"];
    let levels = ["kildeintegration", "e2e", "nulsum"];
    for k in 0..n {
        let integ = integrations[k % 4];
        let level = levels[(k / 4) % 3];
        let path = format!("{}/{}_{:03}.feature", integ.to_uppercase(), level, k / 100);
        let req = format!(
            "req:{}-R-{:03}",
            integ.to_uppercase().replace('_', ""),
            k % 40
        );
        let s = scenario(
            &path,
            &format!("Feature {}", k / 100),
            10 + (k % 100) * 10,
            &format!("Scenario number {k} sends a finansbilag and checks the kvittering"),
            &[integ, level, &req],
            "en",
        );
        let id = s.id.clone();
        ev.push(Event::ScenarioStarted {
            scenario: s,
            attempt: 1,
        });
        let postings: String = (0..6)
            .map(|p| {
                format!(
                    "<fb:Finanspostering><fb:Konto>{:04}</fb:Konto><fb:Beloeb>{}.{:02}</fb:Beloeb><fb:Tekst>Posting {p} of voucher {k}</fb:Tekst></fb:Finanspostering>",
                    1000 + (k * 7 + p * 13) % 9000,
                    (k * 31 + p * 17) % 5000,
                    (k + p) % 100
                )
            })
            .collect();
        let request = format!(
            "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Header><ic:InvocationContext xmlns:ic=\"http://serviceplatformen.dk/xml/schemas/InvocationContext/1/\"><ic:ServiceAgreementUUID>fb000000-0000-4000-8000-{k:012}</ic:ServiceAgreementUUID></ic:InvocationContext></soap:Header><soap:Body><fb:ModtagFinansbilagRequest xmlns:fb=\"urn:oio:kombit:oir:finans:1\"><fb:Finansbilag><fb:BilagUUID>fb000000-0000-4000-8000-{k:012}</fb:BilagUUID>{postings}</fb:Finansbilag></fb:ModtagFinansbilagRequest></soap:Body></soap:Envelope>"
        );
        let failed = k % 20 == 7;
        let mut g = step(
            "Given",
            "a finansbilag from the example of ModtagFinansbilag",
            11,
            StepStatus::Passed,
            1.0,
        );
        g.table = vec![
            vec!["path".into(), "value".into()],
            vec!["Beloeb".into(), format!("{k}.00")],
        ];
        let mut w = step(
            "When",
            "it is sent",
            12,
            StepStatus::Passed,
            8.0 + (k % 10) as f64,
        );
        w.exchanges = vec![exchange(
            &request,
            Some(KVITTERING_OK),
            Some(200),
            8.0,
            None,
        )];
        let mut t = step(
            "Then",
            "the kvittering status is \"GODKENDT\"",
            13,
            if failed {
                StepStatus::Failed
            } else {
                StepStatus::Passed
            },
            0.2,
        );
        if failed {
            t.message = Some("kvittering status is AFVIST, expected GODKENDT".into());
            t.expected_actual = Some(("GODKENDT".into(), "AFVIST".into()));
            t.findings = vec![Finding {
                code: "SF1590A-BAL-001".into(),
                message: "the postings do not balance".into(),
                path: Some("/fb:Finansbilag/fb:Finanspostering[3]/fb:Beloeb".into()),
                line: Some(1),
            }];
        }
        if k % 50 == 0 {
            t.subresults = (0..12)
                .map(|c| SubResult {
                    name: format!("boundary case {c}"),
                    passed: true,
                    message: None,
                })
                .collect();
        }
        ev.extend(steps(&id, 1, vec![g, w, t]));
        ev.push(finished(
            &id,
            1,
            if failed {
                Verdict::Failed
            } else {
                Verdict::Passed
            },
            true,
            10.0,
        ));
    }
    let failed = (0..n).filter(|k| k % 20 == 7).count();
    ev.push(Event::RunFinished(Summary {
        scenarios: n,
        passed: n - failed,
        failed,
        steps: 3 * n,
        duration_ms: 10.0 * n as f64,
        exit_code: if failed > 0 { 1 } else { 0 },
        ..Summary::default()
    }));
    ev
}
