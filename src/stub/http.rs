//! The HTTP face: SOAP endpoints at the services' paths, `?wsdl` on each (the WSDL with
//! its imports pointed at the stub, so a client can load the whole contract from it),
//! the contract files under `/__contract/`, and the admin API under `/__admin/`.

use std::sync::{Arc, LazyLock};

use axum::Router;
use axum::body::Body;
use axum::extract::{Path as UrlPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use regex::Regex;

use super::Stub;
use super::catalog::Service;
use super::pipeline::{self, Incoming, Outgoing, wants_wsdl};
use super::soap::Fault;
use crate::schema::wsdl::SoapVersion;

pub fn router(stub: Arc<Stub>) -> Router {
    Router::new()
        .nest("/__admin", super::admin::routes())
        .route("/__admin/", get(super::admin::index))
        .route("/__contract/{bundle}/{*file}", get(contract_file))
        .fallback(endpoint)
        .with_state(stub)
}

fn respond(o: Outgoing) -> Response {
    let mut r = Response::new(Body::from(o.body));
    *r.status_mut() = StatusCode::from_u16(o.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if let Ok(v) = HeaderValue::from_str(&o.content_type) {
        r.headers_mut().insert(header::CONTENT_TYPE, v);
    }
    for (k, v) in o.headers {
        if let (Ok(k), Ok(v)) = (
            header::HeaderName::from_bytes(k.as_bytes()),
            HeaderValue::from_str(&v),
        ) {
            r.headers_mut().insert(k, v);
        }
    }
    r
}

/// A response whose body fails before its first byte: hyper then closes the connection
/// without sending anything, and the client sees the connection end with no answer.
fn dropped() -> Response {
    struct Fails;
    impl axum::body::HttpBody for Fails {
        type Data = axum::body::Bytes;
        type Error = std::io::Error;
        fn poll_frame(
            self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Result<hyper::body::Frame<Self::Data>, Self::Error>>> {
            std::task::Poll::Ready(Some(Err(std::io::Error::new(
                std::io::ErrorKind::ConnectionAborted,
                "injected connection drop",
            ))))
        }
    }
    Response::new(Body::new(Fails))
}

fn xml(status: StatusCode, text: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/xml; charset=utf-8")],
        text,
    )
        .into_response()
}

/// Every path that is not admin or contract: a SOAP call, or `GET ?wsdl`.
async fn endpoint(State(stub): State<Arc<Stub>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let path = parts.uri.path().to_string();
    if parts.method == axum::http::Method::GET && wants_wsdl(parts.uri.query()) {
        let base = base_url(&stub, &parts.headers);
        return match stub.catalog.service_at(&path) {
            Some(svc) => match wsdl_for_client(svc, &base) {
                Ok(text) => xml(StatusCode::OK, text),
                Err(e) => xml(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    Fault::server("STUB-WSDL", e).envelope(SoapVersion::Soap11),
                ),
            },
            None => xml(
                StatusCode::NOT_FOUND,
                Fault::platform(
                    "SP-ROUTE-001",
                    format!("Der er ingen service på stien {path}."),
                )
                .envelope(SoapVersion::Soap11),
            ),
        };
    }
    let header = |name: &str| {
        parts
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let limit = stub.config.max_body_bytes;
    let declared = header("content-length").and_then(|v| v.trim().parse::<usize>().ok());
    let mut inc = Incoming {
        method: parts.method.to_string(),
        path,
        content_type: header("content-type"),
        soap_action: header("soapaction"),
        body: Vec::new(),
        oversized: None,
        tenant: super::tenant::of(&parts.headers, parts.uri.query(), &parts.extensions),
    };
    // Refuse by the declared length before reading; a chunked body is cut at the limit.
    match declared {
        Some(n) if n > limit => inc.oversized = Some(n),
        _ => match axum::body::to_bytes(body, limit).await {
            Ok(b) => inc.body = b.to_vec(),
            Err(_) => inc.oversized = Some(declared.unwrap_or(limit.saturating_add(1))),
        },
    }
    // Serviceplatformen routing: a municipality's calls go on to its own target.
    if let Some((route, why)) = super::routing::route_for(&stub, &inc) {
        let route = route.clone();
        return respond(super::routing::forward(&stub, &inc, &route, &why).await);
    }
    // Validation and rules are CPU work. A message of ordinary size takes microseconds:
    // it is handled right here (a hand-over to the blocking pool would cost more than the
    // work). Large messages and durable writes (SQLite commits) go to the blocking pool so
    // the I/O threads keep serving.
    let handled = if inc.body.len() <= INLINE_BODY_BYTES && !stub.persistent() {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            pipeline::handle(&stub, inc)
        }))
        .map_err(|p| panic_text(p.as_ref()))
    } else {
        let s = Arc::clone(&stub);
        tokio::task::spawn_blocking(move || pipeline::handle(&s, inc))
            .await
            .map_err(|e| e.to_string())
    };
    match handled {
        Ok(mut o) => {
            for p in std::mem::take(&mut o.callbacks) {
                tokio::spawn(super::callbacks::deliver(Arc::clone(&stub), p));
            }
            if let Some(d) = o.delay {
                // The injected delay itself, not a synchronisation.
                tokio::time::sleep(d).await;
            }
            if o.drop {
                return dropped();
            }
            respond(o)
        }
        Err(e) => xml(
            StatusCode::INTERNAL_SERVER_ERROR,
            Fault::server("STUB-PANIC", format!("Stubben fejlede internt: {e}"))
                .envelope(SoapVersion::Soap11),
        ),
    }
}

/// Bodies up to this size are handled on the I/O thread that read them.
const INLINE_BODY_BYTES: usize = 256 * 1024;

fn panic_text(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".into())
}

/// `http://host:port` as the client addressed the stub (the Host header when it is a
/// plausible host name), else the address the stub listens on.
fn base_url(stub: &Stub, headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.len() <= 255
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        })
        .map(str::to_string);
    let host = host.unwrap_or_else(|| match stub.bound.get() {
        Some(a) => a.to_string(),
        None => stub.config.listen.to_string(),
    });
    let scheme = if stub.config.tls.is_some() {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{host}")
}

static LOCATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"\b(schemaLocation|location)(\s*=\s*)(?:"([^"]*)"|'([^']*)')"#)
        .expect("constant pattern")
});

/// `a/b/../c/./d` → `a/c/d`; `None` when it climbs out of the root.
fn normalize(path: &str) -> Option<String> {
    let mut out: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                out.pop()?;
            }
            s => out.push(s),
        }
    }
    Some(out.join("/"))
}

/// Percent-encode a relative path for a URL (contract folders may contain spaces).
fn encode_path(p: &str) -> String {
    let mut out = String::with_capacity(p.len());
    for b in p.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The service's WSDL with relative imports made absolute URLs into `/__contract/` and
/// the `soap:address` pointed at this stub.
pub fn wsdl_for_client(svc: &Service, base: &str) -> Result<String, String> {
    let text =
        std::fs::read_to_string(&svc.wsdl).map_err(|e| format!("{}: {e}", svc.wsdl.display()))?;
    let dir = svc
        .wsdl_rel
        .rsplit_once('/')
        .map_or(String::new(), |(d, _)| d.to_string());
    let mut out = String::with_capacity(text.len() + 1024);
    let mut last = 0;
    for caps in LOCATION.captures_iter(&text) {
        let Some(m) = caps.get(0) else { continue };
        let value = caps
            .get(3)
            .or_else(|| caps.get(4))
            .map_or("", |v| v.as_str());
        let tag_start = text[..m.start()].rfind('<').unwrap_or(0);
        let tag: String = text[tag_start + 1..]
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != '>' && *c != '/')
            .collect();
        let local = tag.rsplit(':').next().unwrap_or("");
        let new = if local == "address" {
            format!("{base}{}", svc.path)
        } else if value.contains("://") || value.starts_with('/') || value.is_empty() {
            continue;
        } else {
            let joined = if dir.is_empty() {
                value.to_string()
            } else {
                format!("{dir}/{value}")
            };
            match normalize(&joined) {
                Some(rel) => format!("{base}/__contract/{}/{}", svc.bundle, encode_path(&rel)),
                None => continue,
            }
        };
        out.push_str(&text[last..m.start()]);
        out.push_str(&format!(
            "{}{}\"{}\"",
            &caps[1],
            &caps[2],
            super::xmlout::escape_attr(&new)
        ));
        last = m.end();
    }
    out.push_str(&text[last..]);
    Ok(out)
}

/// A file of a served contract (only files the contract loaded).
async fn contract_file(
    State(stub): State<Arc<Stub>>,
    UrlPath((bundle, file)): UrlPath<(String, String)>,
) -> Response {
    let Some(b) = stub.catalog.bundle(&bundle) else {
        return (StatusCode::NOT_FOUND, "no such contract\n").into_response();
    };
    let Some(path) = normalize(&file).and_then(|r| b.file(&r)) else {
        return (StatusCode::NOT_FOUND, "no such contract file\n").into_response();
    };
    match std::fs::read(path) {
        Ok(bytes) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/xml; charset=utf-8")],
            bytes,
        )
            .into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, format!("{e}\n")).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_relative_paths() {
        assert_eq!(
            normalize("wsdl/context/../../sp/x.wsdl").as_deref(),
            Some("sp/x.wsdl")
        );
        assert_eq!(normalize("./a//b").as_deref(), Some("a/b"));
        assert_eq!(normalize("../x"), None);
        assert_eq!(encode_path("a b/æ.xsd"), "a%20b/%C3%A6.xsd");
    }
}
