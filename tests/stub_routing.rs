//! Serviceplatformen emulation: the stub passes a call on to the target its service
//! agreement (or municipality) is routed to, and brings the answer back.

use std::path::Path;

use oir::stub::routing::Route;
use oir::stub::{StubConfig, start};

const PATH: &str = "/service/OIR/ModtagFinansbilag/2";
const ACTION: &str =
    "\"http://serviceplatformen.dk/xml/wsdl/soap11/OIR/ModtagFinansbilag/2/ModtagFinansbilag\"";
const AGREEMENT: &str = "7a000000-0000-4000-8000-000000000001";

fn example() -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("schemas/SF1590_A/examples/ModtagFinansbilag.request.xml"),
    )
    .unwrap()
}

fn local() -> StubConfig {
    StubConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        ..StubConfig::default()
    }
}

async fn post(url: &str, body: String) -> (u16, Option<String>, String) {
    let r = reqwest::Client::new()
        .post(format!("{url}{PATH}"))
        .header("content-type", "text/xml; charset=utf-8")
        .header("soapaction", ACTION)
        .body(body)
        .send()
        .await
        .unwrap();
    let routed = r
        .headers()
        .get("x-oir-routed-to")
        .map(|v| v.to_str().unwrap().to_string());
    (r.status().as_u16(), routed, r.text().await.unwrap())
}

async fn journal(url: &str) -> Vec<serde_json::Value> {
    let text = reqwest::get(format!("{url}/__admin/journal"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["entries"].as_array().unwrap().clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_routed_service_agreement_is_answered_by_its_target() {
    let municipality = start(local()).await.unwrap();
    let dead = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let platform = start(StubConfig {
        routes: vec![
            Route {
                municipality_cvr: None,
                service_agreement: Some(AGREEMENT.to_uppercase()),
                target: municipality.url(),
            },
            Route {
                municipality_cvr: None,
                service_agreement: Some("7a000000-0000-4000-8000-00000000dead".into()),
                target: format!("http://{dead}"),
            },
        ],
        ..local()
    })
    .await
    .unwrap();

    // Routed: the municipality's stub judged and answered it.
    let (status, routed, body) = post(&platform.url(), example()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        routed.as_deref(),
        Some(format!("{}{PATH}", municipality.url()).as_str())
    );
    assert!(body.contains("ACCEPTERET"), "{body}");
    let there = journal(&municipality.url()).await;
    assert_eq!(there.len(), 1);
    assert_eq!(there[0]["operation"], "ModtagFinansbilag");
    let here = journal(&platform.url()).await;
    assert!(
        here[0]["effects"][0]
            .as_str()
            .unwrap()
            .contains("routet til"),
        "{here:?}"
    );

    // Another agreement: not routed, the platform stub answers itself.
    let other = example().replace(AGREEMENT, "7a000000-0000-4000-8000-000000000002");
    let (status, routed, _) = post(&platform.url(), other).await;
    assert_eq!((status, routed), (200, None));
    assert_eq!(journal(&municipality.url()).await.len(), 1);

    // A target that is down: the platform's fault, and the stub goes on serving.
    let down = example().replace(AGREEMENT, "7a000000-0000-4000-8000-00000000dead");
    let (status, _, body) = post(&platform.url(), down).await;
    assert_eq!(status, 500);
    assert!(body.contains("SP-ROUTE-004"), "{body}");
    let (status, _, _) = post(&platform.url(), example()).await;
    assert_eq!(status, 200);

    platform.shutdown().await.unwrap();
    municipality.shutdown().await.unwrap();
}

#[test]
fn routes_are_checked_when_the_config_is_read() {
    let e = StubConfig::from_yaml(
        "stub:\n  routes:\n    - target: http://127.0.0.1:1\n",
        Path::new("."),
    )
    .unwrap_err();
    assert!(
        e.contains("routes[0]") && e.contains("municipality_cvr"),
        "{e}"
    );
    let c = StubConfig::from_yaml(
        "stub:\n  routes:\n    - municipality_cvr: \"29189846\"\n      target: http://127.0.0.1:9000\n",
        Path::new("."),
    )
    .unwrap();
    assert_eq!(c.routes[0].municipality_cvr.as_deref(), Some("29189846"));
}

/// A request nested 9,997 levels deep (under the tokenizer's own limit of 10,000) at a stub
/// with routes: refused as SP-XML-003 like anywhere else, and the stub lives on. Before the
/// routing looked at the depth, building its tree for the route lookup overflowed the
/// worker's stack and aborted the whole process.
#[tokio::test(flavor = "multi_thread")]
async fn a_pathologically_deep_request_at_a_routing_stub_is_refused_not_a_crash() {
    let platform = start(StubConfig {
        routes: vec![Route {
            municipality_cvr: None,
            service_agreement: Some(AGREEMENT.into()),
            target: "http://127.0.0.1:9".into(),
        }],
        ..local()
    })
    .await
    .unwrap();
    let url = platform.url();
    let depth = 9_997;
    let deep = format!(
        "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\"><soapenv:Body>{}{}</soapenv:Body></soapenv:Envelope>",
        "<d>".repeat(depth),
        "</d>".repeat(depth)
    );
    let (status, routed, body) = post(&url, deep).await;
    assert_eq!((status, routed), (500, None), "{body}");
    assert!(body.contains("SP-XML-003"), "{body}");
    // Still serving.
    let (status, _, body) = post(&url, "<not-soap/>".into()).await;
    assert_eq!(status, 500, "{body}");
    assert!(body.contains("SP-SOAP-001"), "{body}");
    platform.shutdown().await.unwrap();
}
