//! Mutual TLS end to end over loopback sockets: the real stub app served by
//! `oir::tls::serve` with required client certificates, called by the runner's client
//! (`oir::tls::reqwest_client…`) with PEM, modern PKCS#12 and legacy PKCS#12 (RC2-40/3DES,
//! a committed fixture made with the openssl CLI: tests/fixtures/tls/README.md) identities;
//! refusals (no certificate, another CA) with clear errors on both sides; hostile
//! handshakes that do not stop the server; load errors that name the file or variable.
//!
//! Certificates are generated at test time with rcgen (a CA, a server certificate for
//! 127.0.0.1/localhost, clients with OCES-like subjects) into a per-process folder under
//! cargo's test temp dir.

use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::Extension;
use axum::routing::get;
use oir::tls::{
    ClientIdentity, HandshakeLog, Identity, LoadedIdentity, PeerIdentity, ServeOptions, ServerTls,
    TlsError,
};
mod common;

use common::pki::{P12_PASSWORD, fixture, pki};

const MF_PATH: &str = "/service/OIR/ModtagFinansbilag/2";
const MF_ACTION: &str =
    "http://serviceplatformen.dk/xml/wsdl/soap11/OIR/ModtagFinansbilag/2/ModtagFinansbilag";
const P12_VAR: &str = "OIR_TLS_TEST_P12_PASSWORD";
/// The legacy fixture's password (tests/fixtures/tls/README.md).
const LEGACY_PASSWORD: &str = "legacy-test";
/// Never set anywhere: the missing-variable case reads the real process environment.
const UNSET_VAR: &str = "OIR_TLS_TEST_VARIABLE_THAT_IS_NEVER_SET_3F9A";
/// Bounds every wait in these tests.
const BOUND: Duration = Duration::from_secs(20);

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The environment the PKCS#12 tests see (no process-wide `set_var` in a threaded test).
fn test_env(name: &str) -> Option<OsString> {
    match name {
        P12_VAR => Some(P12_PASSWORD.into()),
        "OIR_TLS_TEST_LEGACY_PASSWORD" => Some(LEGACY_PASSWORD.into()),
        "OIR_TLS_TEST_WRONG_PASSWORD" => Some("not-the-password".into()),
        _ => None,
    }
}

fn pem_identity() -> ClientIdentity {
    let p = pki();
    Identity::Pem {
        cert: p.client_cert.clone(),
        key: p.client_key.clone(),
    }
}

// ---------------------------------------------------------------------------------------
// The stub over TLS
// ---------------------------------------------------------------------------------------

fn stub() -> Arc<oir::stub::Stub> {
    static STUB: OnceLock<Arc<oir::stub::Stub>> = OnceLock::new();
    Arc::clone(STUB.get_or_init(|| {
        let config = oir::stub::StubConfig {
            // The examples' dates are in 2025.
            today: oir::oir::date::Date::new(2025, 6, 30),
            ..oir::stub::StubConfig::default()
        };
        Arc::new(oir::stub::Stub::load(config).unwrap_or_else(|e| panic!("stub loads: {e}")))
    }))
}

/// Echoes the caller's identity as the handler sees it (`null` without one).
async fn peer(peer: Option<Extension<PeerIdentity>>) -> String {
    let v = match peer {
        Some(Extension(p)) => serde_json::json!({
            "cn": p.common_name,
            "o": p.organization,
            "serial": p.serial_number,
            "tenant": p.tenant(),
            "cvr": p.cvr(),
            "subject": p.subject,
            "remote_known": p.remote.is_some(),
        }),
        None => serde_json::Value::Null,
    };
    v.to_string()
}

struct Server {
    url: String,
    log: Arc<HandshakeLog>,
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Server {
    async fn start(config: Arc<rustls::ServerConfig>, handshake_timeout: Duration) -> Server {
        let app = oir::stub::app(stub()).route("/__test/peer", get(peer));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let url = format!("https://{}", listener.local_addr().expect("address"));
        let log = Arc::new(HandshakeLog::default());
        let options = ServeOptions {
            handshake_timeout,
            drain_timeout: Duration::from_secs(5),
            log: Some(Arc::clone(&log)),
            stderr: false,
        };
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(oir::tls::serve_with(
            listener,
            app,
            config,
            async {
                let _ = stopped.await;
            },
            options,
        ));
        Server {
            url,
            log,
            stop,
            task,
        }
    }

    async fn mtls() -> Server {
        let p = pki();
        let config = ServerTls::load(&p.server_cert, &p.server_key, Some(&p.client_cas))
            .unwrap_or_else(|e| panic!("server TLS: {e}"));
        Server::start(config, Duration::from_secs(10)).await
    }

    /// Graceful shutdown: the serve future ends, and the port no longer accepts.
    async fn stop(self) {
        let addr = self.url.trim_start_matches("https://").to_string();
        let _ = self.stop.send(());
        tokio::time::timeout(BOUND, self.task)
            .await
            .expect("the server stops within the bound")
            .expect("the server task did not panic")
            .expect("serve returns Ok");
        assert!(
            tokio::net::TcpStream::connect(&addr).await.is_err(),
            "{addr} still accepts after shutdown"
        );
    }
}

fn client_with(identity: Option<LoadedIdentity>) -> reqwest::Client {
    let roots = oir::tls::load_ca_bundle(&pki().ca).expect("CA bundle");
    oir::tls::reqwest_builder_with(Some(roots), identity)
        .unwrap_or_else(|e| panic!("client: {e}"))
        .timeout(BOUND)
        .build()
        .expect("reqwest client")
}

struct Reply {
    status: u16,
    version: reqwest::Version,
    body: String,
}

async fn soap(client: &reqwest::Client, server: &Server) -> Result<Reply, String> {
    let body =
        std::fs::read(root().join("schemas/SF1590_A/examples/ModtagFinansbilag.request.xml"))
            .expect("example request");
    let r = client
        .post(format!("{}{MF_PATH}", server.url))
        .header("content-type", "text/xml; charset=utf-8")
        .header("soapaction", format!("\"{MF_ACTION}\""))
        .body(body)
        .send()
        .await
        .map_err(|e| oir::tls::explain(&e))?;
    let status = r.status().as_u16();
    let version = r.version();
    let body = r.text().await.map_err(|e| oir::tls::explain(&e))?;
    Ok(Reply {
        status,
        version,
        body,
    })
}

async fn whoami(client: &reqwest::Client, server: &Server) -> serde_json::Value {
    let r = client
        .get(format!("{}/__test/peer", server.url))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{}", oir::tls::explain(&e)));
    assert_eq!(r.status(), 200);
    serde_json::from_str(&r.text().await.expect("body")).expect("JSON")
}

fn assert_accepted(reply: &Reply) {
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(
        reply.body.contains("ModtagFinansbilagResponse"),
        "not the operation's answer: {}",
        reply.body
    );
}

// ---------------------------------------------------------------------------------------
// The cases
// ---------------------------------------------------------------------------------------

/// (1) and (7): a PEM identity gets the stub's answer, and the handler sees who called.
/// The runner's client speaks HTTP/1.1; the server offers HTTP/2 too (ALPN).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pem_identity_is_answered_and_the_handler_sees_the_caller() {
    let p = pki();
    let server = Server::mtls().await;
    let client = oir::tls::reqwest_client(Some(&p.ca), Some(&pem_identity()), BOUND)
        .unwrap_or_else(|e| panic!("{e}"));

    let reply = soap(&client, &server)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_accepted(&reply);
    assert_eq!(reply.version, reqwest::Version::HTTP_11);

    let who = whoami(&client, &server).await;
    assert_eq!(who["cn"], "Test Kommune Systembruger");
    assert_eq!(who["o"], "Test Kommune");
    assert_eq!(who["serial"], "CVR:12345678-FID:1234");
    assert_eq!(who["tenant"], "CVR:12345678-FID:1234");
    assert_eq!(who["cvr"], "12345678");
    assert_eq!(who["remote_known"], true);
    assert!(
        who["subject"]
            .as_str()
            .is_some_and(|s| s.contains("CN=Test Kommune Systembruger")),
        "{who}"
    );

    // An HTTP/2 client (rustls configuration from client_config, ALPN h2) is served too.
    let mut h2 = oir::tls::client_config(Some(&p.ca), Some(&pem_identity()))
        .unwrap_or_else(|e| panic!("{e}"));
    h2.alpn_protocols = vec![b"h2".to_vec()];
    let h2 = reqwest::Client::builder()
        .tls_backend_preconfigured(h2)
        .timeout(BOUND)
        .build()
        .expect("h2 client");
    let reply = soap(&h2, &server).await.unwrap_or_else(|e| panic!("{e}"));
    assert_accepted(&reply);
    assert_eq!(reply.version, reqwest::Version::HTTP_2);
    assert_eq!(
        whoami(&h2, &server).await["tenant"],
        "CVR:12345678-FID:1234"
    );

    assert_eq!(
        server.log.counts().failed,
        0,
        "{:?}",
        server.log.recent_failures()
    );
    server.stop().await;
}

/// (2) A modern PKCS#12 (PBES2/AES, written by p12-keystore) on the client, and the server's
/// own identity loaded from PKCS#12 as well.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn modern_pkcs12_identity_is_answered() {
    let p = pki();
    let server_id = Identity::Pkcs12 {
        file: p.server_p12.clone(),
        password_env: P12_VAR.into(),
    }
    .load_with_env(test_env)
    .unwrap_or_else(|e| panic!("{e}"));
    let config =
        ServerTls::with_identity(server_id, Some(&p.client_cas)).unwrap_or_else(|e| panic!("{e}"));
    let server = Server::start(config, Duration::from_secs(10)).await;

    let id = Identity::Pkcs12 {
        file: p.client_p12.clone(),
        password_env: P12_VAR.into(),
    }
    .load_with_env(test_env)
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(id.chain.len(), 2, "leaf and CA from the file");
    assert_eq!(id.subject().tenant(), "CVR:12345678-FID:1234");
    let client = client_with(Some(id));
    assert_accepted(
        &soap(&client, &server)
            .await
            .unwrap_or_else(|e| panic!("{e}")),
    );
    assert_eq!(
        whoami(&client, &server).await["tenant"],
        "CVR:12345678-FID:1234"
    );
    server.stop().await;
}

/// (3) A legacy PKCS#12 (RC2-40 certificates, 3DES key, SHA-1 MAC) as older OCES/FOCES
/// exports are: the committed fixture.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn legacy_pkcs12_identity_is_answered() {
    let file = fixture("legacy-client.p12");
    // The fixture really is legacy: the PKCS#12 PBE OIDs for RC2-40 and 3DES are in it,
    // PBES2 (1.2.840.113549.1.5.13) is not.
    let der = std::fs::read(&file).expect("fixture");
    let has = |oid: &[u8]| der.windows(oid.len()).any(|w| w == oid);
    let pkcs12_pbe = [
        0x06, 0x0a, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c, 0x01,
    ];
    assert!(
        has(&[&pkcs12_pbe[..], &[0x06]].concat()),
        "pbeWithSHAAnd40BitRC2-CBC"
    );
    assert!(
        has(&[&pkcs12_pbe[..], &[0x03]].concat()),
        "pbeWithSHAAnd3-KeyTripleDES-CBC"
    );
    assert!(!has(&[
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0d
    ]));

    let server = Server::mtls().await;
    let id = Identity::Pkcs12 {
        file,
        password_env: "OIR_TLS_TEST_LEGACY_PASSWORD".into(),
    }
    .load_with_env(test_env)
    .unwrap_or_else(|e| panic!("{e}"));
    let client = client_with(Some(id));
    assert_accepted(
        &soap(&client, &server)
            .await
            .unwrap_or_else(|e| panic!("{e}")),
    );
    let who = whoami(&client, &server).await;
    assert_eq!(who["tenant"], "CVR:99999999-FID:4242");
    assert_eq!(who["cn"], "Fiktiv Kommune Systembruger");
    server.stop().await;
}

/// (4) No client certificate: refused, the client's error says why, the server logs it and
/// keeps serving.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_without_a_certificate_is_refused() {
    let p = pki();
    let server = Server::mtls().await;
    let anonymous = oir::tls::reqwest_client(Some(&p.ca), None, BOUND).expect("client");
    let err = match soap(&anonymous, &server).await {
        Ok(r) => panic!("answered without a client certificate: {}", r.status),
        Err(e) => e,
    };
    // The alert itself when it reaches the request, else the TLS 1.3 explanation (which
    // of the two depends on whether the alert beats the request onto the wire).
    assert!(
        err.contains("requires a client certificate and none was sent")
            || err.contains("refuses a missing or untrusted"),
        "unclear client error: {err}"
    );
    // Over HTTP/2 hyper reports only a closed connection: explain() says what it means.
    let mut h2 = oir::tls::client_config(Some(&p.ca), None).expect("client config");
    h2.alpn_protocols = vec![b"h2".to_vec()];
    let h2 = reqwest::Client::builder()
        .tls_backend_preconfigured(h2)
        .timeout(BOUND)
        .build()
        .expect("h2 client");
    let err = match soap(&h2, &server).await {
        Ok(r) => panic!("answered without a client certificate: {}", r.status),
        Err(e) => e,
    };
    assert!(
        err.contains("requires a client certificate and none was sent")
            || err.contains("refuses a missing or untrusted"),
        "unclear client error over HTTP/2: {err}"
    );

    let counts = tokio::time::timeout(BOUND, server.log.wait_until(|c| c.failed >= 2))
        .await
        .expect("the server records both refusals");
    assert_eq!(counts.accepted, 0);
    let log = server.log.recent_failures();
    assert!(
        log.iter().any(|l| l.contains("no certificates")),
        "server log: {log:?}"
    );

    // The server still serves.
    let client = client_with(Some(pem_identity().load().expect("PEM identity")));
    assert_accepted(
        &soap(&client, &server)
            .await
            .unwrap_or_else(|e| panic!("{e}")),
    );
    server.stop().await;
}

/// (5) A client certificate from a CA the server does not trust: refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_certificate_from_another_ca_is_refused() {
    let p = pki();
    let server = Server::mtls().await;
    let stranger = Identity::Pem {
        cert: p.stranger_cert.clone(),
        key: p.stranger_key.clone(),
    };
    let client = oir::tls::reqwest_client(Some(&p.ca), Some(&stranger), BOUND).expect("client");
    let err = match soap(&client, &server).await {
        Ok(r) => panic!("answered a stranger: {}", r.status),
        Err(e) => e,
    };
    assert!(
        err.contains("does not trust the client certificate's issuer")
            || err.contains("refuses a missing or untrusted"),
        "unclear client error: {err}"
    );
    tokio::time::timeout(BOUND, server.log.wait_until(|c| c.failed >= 1))
        .await
        .expect("the server records the refusal");
    let log = server.log.recent_failures();
    assert!(
        log.iter().any(|l| l.contains("UnknownIssuer")),
        "server log: {log:?}"
    );
    server.stop().await;
}

/// Slow and garbage handshakes are bounded and logged; the server keeps serving.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_handshakes_do_not_stop_the_server() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let p = pki();
    let config =
        ServerTls::load(&p.server_cert, &p.server_key, Some(&p.client_cas)).expect("server TLS");
    let server = Server::start(config, Duration::from_millis(300)).await;
    let addr = server.url.trim_start_matches("https://").to_string();

    // Connects and says nothing: dropped after the handshake timeout.
    let mut silent = tokio::net::TcpStream::connect(&addr)
        .await
        .expect("connect");
    let counts = tokio::time::timeout(BOUND, server.log.wait_until(|c| c.timed_out >= 1))
        .await
        .expect("the silent handshake times out");
    assert_eq!(counts.timed_out, 1);
    let mut buf = [0u8; 16];
    let n = tokio::time::timeout(BOUND, silent.read(&mut buf))
        .await
        .expect("closed by the server")
        .unwrap_or(0);
    assert_eq!(n, 0, "the server closed the silent connection");

    // Plain HTTP on the TLS port: refused.
    let mut plain = tokio::net::TcpStream::connect(&addr)
        .await
        .expect("connect");
    plain
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .expect("write");
    tokio::time::timeout(BOUND, server.log.wait_until(|c| c.failed >= 1))
        .await
        .expect("the plain-text handshake fails");

    let client =
        oir::tls::reqwest_client(Some(&p.ca), Some(&pem_identity()), BOUND).expect("client");
    assert_accepted(
        &soap(&client, &server)
            .await
            .unwrap_or_else(|e| panic!("{e}")),
    );
    server.stop().await;
}

/// Without a client CA the server asks for no certificate, and handlers see no identity.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_client_ca_no_certificate_is_asked_for() {
    let p = pki();
    let config = ServerTls::load(&p.server_cert, &p.server_key, None).expect("server TLS");
    let server = Server::start(config, Duration::from_secs(10)).await;
    let client = oir::tls::reqwest_client(Some(&p.ca), None, BOUND).expect("client");
    assert_accepted(
        &soap(&client, &server)
            .await
            .unwrap_or_else(|e| panic!("{e}")),
    );
    assert_eq!(whoami(&client, &server).await, serde_json::Value::Null);
    server.stop().await;
}

/// (6) Load errors name the file or variable and say what is wrong.
#[test]
fn load_errors_name_the_file_or_variable() {
    let p = pki();
    let show = |e: TlsError| e.to_string();

    // Wrong PKCS#12 password (from the named variable).
    let e = Identity::Pkcs12 {
        file: p.client_p12.clone(),
        password_env: "OIR_TLS_TEST_WRONG_PASSWORD".into(),
    }
    .load_with_env(test_env)
    .expect_err("wrong password");
    assert!(matches!(e, TlsError::WrongPassword { .. }), "{e:?}");
    let m = show(e);
    assert!(
        m.contains("client.p12") && m.contains("wrong password"),
        "{m}"
    );
    assert!(m.contains("OIR_TLS_TEST_WRONG_PASSWORD"), "{m}");

    // The same for the legacy file (its MAC is SHA-1).
    let e = LoadedIdentity::from_pkcs12_file(&fixture("legacy-client.p12"), "nope")
        .expect_err("wrong password");
    assert!(matches!(e, TlsError::WrongPassword { .. }), "{e:?}");

    // Missing variable: through the public client API and the real process environment.
    let id = Identity::Pkcs12 {
        file: p.client_p12.clone(),
        password_env: UNSET_VAR.into(),
    };
    let e = oir::tls::client_config(Some(&p.ca), Some(&id)).expect_err("unset variable");
    let m = show(e);
    assert!(m.contains(UNSET_VAR) && m.contains("is not set"), "{m}");
    assert!(m.contains("client.p12"), "{m}");
    let e = oir::tls::reqwest_client(Some(&p.ca), Some(&id), BOUND).expect_err("unset variable");
    assert!(show(e).contains(UNSET_VAR));

    // A PKCS#12 file given as a PEM certificate.
    let e = LoadedIdentity::from_pem_files(&p.client_p12, &p.client_key).expect_err("not PEM");
    let m = show(e);
    assert!(
        m.contains("client.p12") && m.contains("not a PEM file"),
        "{m}"
    );
    assert!(m.contains("PKCS#12"), "the hint: {m}");

    // A certificate where the key should be.
    let e = LoadedIdentity::from_pem_files(&p.client_cert, &p.client_cert).expect_err("no key");
    let m = show(e);
    assert!(
        m.contains("client.pem") && m.contains("no private key"),
        "{m}"
    );

    // A key where the certificate should be.
    let e = LoadedIdentity::from_pem_files(&p.client_key, &p.client_key).expect_err("no cert");
    assert!(matches!(e, TlsError::NoCertificate { .. }), "{e:?}");

    // The key of another certificate.
    let e = LoadedIdentity::from_pem_files(&p.client_cert, &p.stranger_key).expect_err("mismatch");
    let m = show(e);
    assert!(
        m.contains("stranger.key") && m.contains("does not belong"),
        "{m}"
    );

    // An expired certificate.
    let e = LoadedIdentity::from_pem_files(&p.expired_cert, &p.expired_key).expect_err("expired");
    let m = show(e);
    assert!(m.contains("expired.pem") && m.contains("expired on"), "{m}");
    assert!(m.contains("Gammel Systembruger"), "{m}");

    // A missing file.
    let gone = p.dir.join("does-not-exist.pem");
    let e = ServerTls::load(&gone, &p.server_key, None).expect_err("missing");
    let m = show(e);
    assert!(
        m.contains("does-not-exist.pem") && m.contains("cannot read"),
        "{m}"
    );

    // A client CA bundle that is not one.
    let e = ServerTls::load(&p.server_cert, &p.server_key, Some(&p.server_key))
        .expect_err("not a CA bundle");
    let m = show(e);
    assert!(m.contains("CA bundle") && m.contains("server.key"), "{m}");

    // A rustls client configuration needs a CA bundle.
    let e = oir::tls::client_config(None, Some(&pem_identity())).expect_err("no bundle");
    assert!(matches!(e, TlsError::NoCaBundle), "{e:?}");
}

/// Without a CA bundle the runner's client uses the system's trust store and still
/// presents the identity (reqwest's own rustls path, from the identity as PEM).
#[test]
fn reqwest_client_without_a_bundle_takes_the_identity() {
    let id = Identity::Pkcs12 {
        file: fixture("legacy-client.p12"),
        password_env: "OIR_TLS_TEST_LEGACY_PASSWORD".into(),
    }
    .load_with_env(test_env)
    .expect("legacy identity");
    oir::tls::reqwest_builder_with(None, Some(id))
        .expect("reqwest reads the identity")
        .build()
        .expect("client");
}
