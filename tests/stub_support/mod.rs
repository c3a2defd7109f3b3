//! Helpers shared by the stub test files (`tests/stub_*.rs`): a loaded stub, calls through
//! the axum app in-process, the pack examples.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::http::Request;
use http_body_util::BodyExt;
use oir::stub::{Stub, StubConfig};
use tower::ServiceExt;

pub const MF_PATH: &str = "/service/OIR/ModtagFinansbilag/2";
pub const MF_ACTION: &str =
    "http://serviceplatformen.dk/xml/wsdl/soap11/OIR/ModtagFinansbilag/2/ModtagFinansbilag";
pub const REG_PATH: &str = "/service/OIR/DebitorRegistreringAfsend/1";
pub const PAY_PATH: &str = "/service/OIR/ModtagDebitorregistreringStraksleverance/3";

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn pack(name: &str) -> PathBuf {
    root().join("schemas").join(name)
}

pub fn example(pack_name: &str, file: &str) -> String {
    std::fs::read_to_string(pack(pack_name).join("examples").join(file)).unwrap()
}

pub fn mf_request() -> String {
    example("SF1590_A", "ModtagFinansbilag.request.xml")
}

pub fn config(packs: Vec<PathBuf>) -> StubConfig {
    StubConfig {
        packs,
        // The examples' dates are in 2025.
        today: oir::oir::date::Date::new(2025, 6, 30),
        validate_answers: true,
        ..StubConfig::default()
    }
}

pub fn load(c: StubConfig) -> Arc<Stub> {
    Arc::new(Stub::load(c).unwrap_or_else(|e| panic!("stub loads: {e}")))
}

/// A fresh temporary folder for one test.
pub fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("oir-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

pub struct Answer {
    pub status: u16,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

pub async fn send(app: &Router, req: Request<Body>) -> Answer {
    let r = app.clone().oneshot(req).await.expect("infallible");
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    let bytes = r.into_body().collect().await.expect("body").to_bytes();
    Answer {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// A SOAP 1.1 call, optionally as a tenant.
pub async fn post_as(
    app: &Router,
    tenant: Option<&str>,
    path: &str,
    action: Option<&str>,
    body: impl Into<Vec<u8>>,
) -> Answer {
    let mut b = Request::post(path).header("content-type", "text/xml; charset=utf-8");
    if let Some(a) = action {
        b = b.header("soapaction", format!("\"{a}\""));
    }
    if let Some(t) = tenant {
        b = b.header("x-oir-tenant", t);
    }
    send(app, b.body(Body::from(body.into())).unwrap()).await
}

pub async fn post(
    app: &Router,
    path: &str,
    action: Option<&str>,
    body: impl Into<Vec<u8>>,
) -> Answer {
    post_as(app, None, path, action, body).await
}

/// An admin call with a JSON (or empty) body, optionally as a tenant.
pub async fn admin(
    app: &Router,
    method: &str,
    uri: &str,
    tenant: Option<&str>,
    body: Option<serde_json::Value>,
) -> Answer {
    let mut b = Request::builder().method(method).uri(uri);
    if let Some(t) = tenant {
        b = b.header("x-oir-tenant", t);
    }
    let body = match body {
        Some(v) => Body::from(v.to_string()),
        None => Body::empty(),
    };
    send(app, b.body(body).unwrap()).await
}

pub async fn admin_json(app: &Router, uri: &str, tenant: Option<&str>) -> serde_json::Value {
    let a = admin(app, "GET", uri, tenant, None).await;
    assert_eq!(a.status, 200, "{uri}: {}", a.body);
    a.json()
}

/// Poll `f` until it returns `Some`, for at most `limit` (bounded: tests never hang).
pub async fn eventually<T, F, Fut>(limit: Duration, mut f: F) -> Option<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let start = Instant::now();
    loop {
        if let Some(v) = f().await {
            return Some(v);
        }
        if start.elapsed() > limit {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
