//! The HTTP ceiling of this machine: how many requests per second a server on one core can
//! answer when it does no work at all, with the same keep-alive load and the same 2.8 KB
//! POST as `benches/stub_load.sh` sends to `oir stub`. The stub cannot beat these figures;
//! they show how much of a request's time budget is left for validation, rules and answers.
//!
//!     cargo build --release --example http_ceiling
//!     MODES=ceiling benches/stub_load.sh          # starts it pinned and loads it like the stub
//!
//! Kinds (first argument), each answering every POST with the same small SOAP envelope:
//! - `raw`:   tokio only; finds the end of the headers and the Content-Length by hand
//! - `hyper`: hyper's HTTP/1.1 server with a service that reads the body (no router)
//! - `axum`:  the stub's own stack (axum fallback handler reading the body to bytes)
//!
//! Second argument: the listen address (default 127.0.0.1:0). The first stdout line is the
//! URL, as `oir stub` prints it, so the bench script starts both the same way.

use std::convert::Infallible;

use axum::body::{Body, Bytes};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const ENVELOPE: &str = "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>\
<Kvittering xmlns=\"urn:oio:ceiling\"><Status>MODTAGET</Status></Kvittering></s:Body></s:Envelope>";

fn main() {
    let mut args = std::env::args().skip(1);
    let kind = args.next().unwrap_or_else(|| "raw".into());
    let listen = args.next().unwrap_or_else(|| "127.0.0.1:0".into());
    if !matches!(kind.as_str(), "raw" | "hyper" | "axum") {
        eprintln!("usage: http_ceiling raw|hyper|axum [ADDR]");
        std::process::exit(2);
    }
    // The same runtime as `oir stub` (multi-thread; pinned to one core it has one worker).
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    rt.block_on(async move {
        let listener = TcpListener::bind(&listen).await.expect("listen address");
        println!("http://{}", listener.local_addr().expect("bound address"));
        if kind == "axum" {
            let app = axum::Router::new().fallback(|body: Bytes| async move {
                std::hint::black_box(body.len());
                ([("content-type", "text/xml; charset=utf-8")], ENVELOPE)
            });
            axum::serve(listener, app).await.expect("serve");
            return;
        }
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let _ = stream.set_nodelay(true);
            if kind == "raw" {
                tokio::spawn(raw(stream));
            } else {
                tokio::spawn(hyper_conn(stream));
            }
        }
    });
}

async fn hyper_conn(stream: TcpStream) {
    let service = hyper::service::service_fn(|req: hyper::Request<hyper::body::Incoming>| async {
        let body = axum::body::to_bytes(Body::new(req.into_body()), usize::MAX).await;
        std::hint::black_box(body.map(|b| b.len()).unwrap_or(0));
        let mut resp = hyper::Response::new(Body::from(ENVELOPE));
        resp.headers_mut().insert(
            "content-type",
            hyper::header::HeaderValue::from_static("text/xml; charset=utf-8"),
        );
        Ok::<_, Infallible>(resp)
    });
    let _ = hyper::server::conn::http1::Builder::new()
        .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
        .await;
}

/// Keep-alive HTTP/1.1 with the least possible parsing: enough to frame the requests.
async fn raw(mut stream: TcpStream) {
    let response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: text/xml; charset=utf-8\r\ncontent-length: {}\r\n\r\n{ENVELOPE}",
        ENVELOPE.len()
    );
    let mut buf = vec![0u8; 64 * 1024];
    let mut have = 0;
    loop {
        let consumed = loop {
            if let Some(len) = request_len(&buf[..have])
                && have >= len
            {
                break len;
            }
            if have == buf.len() {
                return; // a request larger than the buffer: not this benchmark's load
            }
            match stream.read(&mut buf[have..]).await {
                Ok(0) | Err(_) => return,
                Ok(n) => have += n,
            }
        };
        buf.copy_within(consumed..have, 0);
        have -= consumed;
        if stream.write_all(response.as_bytes()).await.is_err() {
            return;
        }
    }
}

/// Header length plus Content-Length, once the headers are complete.
fn request_len(buf: &[u8]) -> Option<usize> {
    let end = buf.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&buf[..end]).ok()?;
    let body = head
        .lines()
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse::<usize>().ok())
        .unwrap_or(0);
    Some(end + 4 + body)
}
