//! TLS for both sides of an exchange: the stub's HTTPS with *required* client certificates
//! (as Serviceplatformen demands of its callers) and the runner's mutual-TLS client.
//!
//! - **Server:** [`ServerTls::load`] (PEM) or [`ServerTls::from_identity`] (PEM or PKCS#12)
//!   builds a rustls [`ServerConfig`]; with a client CA bundle, a client certificate issued
//!   by it is required. [`serve`] accepts TLS connections and serves an axum [`Router`]; every
//!   request then carries a [`PeerIdentity`] extension (CN, O, `serialNumber` such as
//!   `CVR:12345678-FID:1234`, and a stable [`PeerIdentity::tenant`]).
//! - **Client:** an [`Identity`] (alias [`ClientIdentity`]) is a PEM certificate and key or a
//!   PKCS#12 file whose password comes from a named environment variable (never from a
//!   file). [`client_config`] gives a rustls [`ClientConfig`], [`reqwest_client`] the HTTP
//!   client the runner uses.
//! - PKCS#12 is read by `p12-keystore`: modern PBES2/AES files and legacy PBES1 files
//!   (RC2-40 for the certificates, 3DES for the key, SHA-1 MAC), as older OCES/FOCES
//!   exports are. OpenSSL is not involved.
//!
//! Every error names the file (or the environment variable) and what is wrong with it.
//!
//! ```no_run
//! use std::path::{Path, PathBuf};
//! use std::time::Duration;
//! use oir::tls::{ClientIdentity, ServerTls};
//!
//! # async fn demo(router: axum::Router) -> Result<(), Box<dyn std::error::Error>> {
//! // Server: HTTPS, client certificates from the given CA required.
//! let config = ServerTls::load(
//!     Path::new("stub.crt.pem"),
//!     Path::new("stub.key.pem"),
//!     Some(Path::new("clients-ca.pem")),
//! )?;
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8443").await?;
//! let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
//! let server = tokio::spawn(oir::tls::serve(listener, router, config, async {
//!     let _ = stopped.await;
//! }));
//!
//! // Client: a PKCS#12 identity whose password is in $OIR_CLIENT_P12_PASSWORD.
//! let identity = ClientIdentity::Pkcs12 {
//!     file: PathBuf::from("kommune-systembruger.p12"),
//!     password_env: "OIR_CLIENT_P12_PASSWORD".into(),
//! };
//! let client = oir::tls::reqwest_client(
//!     Some(Path::new("server-ca.pem")),
//!     Some(&identity),
//!     Duration::from_secs(30),
//! )?;
//! let answer = client
//!     .post("https://127.0.0.1:8443/service/OIR/ModtagFinansbilag/2")
//!     .body("<soap:Envelope …/>")
//!     .send()
//!     .await
//!     .map_err(|e| oir::tls::explain(&e))?;
//! println!("{}", answer.status());
//!
//! let _ = stop.send(());
//! server.await??;
//! # Ok(()) }
//! ```
//!
//! In a handler, the caller's identity (only present when client certificates are required):
//!
//! ```
//! use axum::Extension;
//! use oir::tls::PeerIdentity;
//!
//! async fn who(peer: Option<Extension<PeerIdentity>>) -> String {
//!     peer.map_or("anonymous".into(), |Extension(p)| p.tenant().to_string())
//! }
//! let app: axum::Router = axum::Router::new().route("/who", axum::routing::get(who));
//! ```

use std::collections::VecDeque;
use std::ffi::OsString;
use std::fmt;
use std::future::Future;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, Once};
use std::time::Duration;

use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use rustls::pki_types::pem::{self, PemObject};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::server::WebPkiClientVerifier;
use rustls::{ClientConfig, RootCertStore, ServerConfig};
use sha2::{Digest, Sha256};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

/// How long a client may take to complete the TLS handshake before the connection is dropped.
pub const DEFAULT_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// How long [`serve`] waits for exchanges in flight after the shutdown signal.
pub const DEFAULT_DRAIN_TIMEOUT: Duration = Duration::from_secs(30);
/// How long an HTTP/1 client may take to send a request's headers.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("cannot read {}: {err}", file.display())]
    Read { file: PathBuf, err: std::io::Error },
    #[error("{}: not a PEM file ({detail})", file.display())]
    NotPem { file: PathBuf, detail: String },
    #[error("{}: no certificate in it (expected a PEM block `BEGIN CERTIFICATE`)", file.display())]
    NoCertificate { file: PathBuf },
    #[error("{}: {detail}", file.display())]
    NoKey { file: PathBuf, detail: String },
    #[error("{}: not a usable X.509 certificate: {detail}", file.display())]
    BadCertificate { file: PathBuf, detail: String },
    #[error("{}: the certificate {subject} expired on {not_after}", file.display())]
    Expired {
        file: PathBuf,
        subject: String,
        not_after: String,
    },
    #[error("{}: the certificate {subject} is not valid before {not_before}", file.display())]
    NotYetValid {
        file: PathBuf,
        subject: String,
        not_before: String,
    },
    #[error("{}: the private key does not belong to the certificate: {detail}", file.display())]
    KeyMismatch { file: PathBuf, detail: String },
    #[error(
        "PKCS#12 {}: the password environment variable {var} is not set",
        file.display()
    )]
    PasswordEnvMissing { file: PathBuf, var: String },
    #[error(
        "PKCS#12 {}: the password environment variable {var} is not valid UTF-8",
        file.display()
    )]
    PasswordEnvNotUnicode { file: PathBuf, var: String },
    #[error("PKCS#12 {}: wrong password{} (the integrity check failed)", file.display(), from_var(var))]
    WrongPassword { file: PathBuf, var: Option<String> },
    #[error("PKCS#12 {}: {detail}", file.display())]
    Pkcs12 { file: PathBuf, detail: String },
    #[error("CA bundle {}: {detail}", file.display())]
    CaBundle { file: PathBuf, detail: String },
    #[error(
        "no CA bundle given: a rustls client configuration needs the CA certificates that \
         issued the server's certificate (reqwest_client without a bundle uses the system's)"
    )]
    NoCaBundle,
    #[error("TLS configuration: {0}")]
    Config(String),
    #[error("HTTP client: {0}")]
    Client(String),
}

fn from_var(var: &Option<String>) -> String {
    var.as_ref()
        .map(|v| format!(" in ${v}"))
        .unwrap_or_default()
}

/// Install aws-lc-rs as the process's rustls crypto provider, once. Idempotent and
/// harmless if another provider was installed first; every builder in this module calls
/// it, and `main` may call it too.
pub fn install_crypto_provider() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    });
}

// ---------------------------------------------------------------------------------------
// Identities (certificate chain + private key)
// ---------------------------------------------------------------------------------------

/// Where a certificate and its private key come from. The same type serves the stub's
/// server identity and the runner's client identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Identity {
    /// PEM files: `cert` holds the certificate (then any intermediates), `key` the private
    /// key (PKCS#8, PKCS#1 or SEC1, unencrypted). Both may be the same file.
    Pem { cert: PathBuf, key: PathBuf },
    /// A PKCS#12 file (`.p12`/`.pfx`, modern or legacy encryption); the password is the
    /// value of the environment variable `password_env`.
    Pkcs12 { file: PathBuf, password_env: String },
}

/// The runner's client identity (an [`Identity`]).
pub type ClientIdentity = Identity;
/// The stub's server identity (an [`Identity`]).
pub type ServerIdentity = Identity;

impl Identity {
    /// Read the files (and the PKCS#12 password from the process environment).
    pub fn load(&self) -> Result<LoadedIdentity, TlsError> {
        self.load_with_env(|name| std::env::var_os(name))
    }

    /// As [`Identity::load`], with the environment looked up through `env` (a map from an
    /// environment file, or a test's own values).
    pub fn load_with_env(
        &self,
        env: impl Fn(&str) -> Option<OsString>,
    ) -> Result<LoadedIdentity, TlsError> {
        match self {
            Identity::Pem { cert, key } => LoadedIdentity::from_pem_files(cert, key),
            Identity::Pkcs12 { file, password_env } => {
                let password = env(password_env).ok_or_else(|| TlsError::PasswordEnvMissing {
                    file: file.clone(),
                    var: password_env.clone(),
                })?;
                let password =
                    password
                        .into_string()
                        .map_err(|_| TlsError::PasswordEnvNotUnicode {
                            file: file.clone(),
                            var: password_env.clone(),
                        })?;
                LoadedIdentity::from_pkcs12_file(file, &password).map_err(|e| match e {
                    TlsError::WrongPassword { file, .. } => TlsError::WrongPassword {
                        file,
                        var: Some(password_env.clone()),
                    },
                    e => e,
                })
            }
        }
    }
}

/// A certificate chain (leaf first) with its private key, checked: the leaf parses, is
/// valid today, and the key belongs to it.
#[derive(Debug)]
pub struct LoadedIdentity {
    pub chain: Vec<CertificateDer<'static>>,
    pub key: PrivateKeyDer<'static>,
    /// The file the certificate came from (for messages).
    pub origin: PathBuf,
}

impl Clone for LoadedIdentity {
    fn clone(&self) -> Self {
        LoadedIdentity {
            chain: self.chain.clone(),
            key: self.key.clone_key(),
            origin: self.origin.clone(),
        }
    }
}

impl LoadedIdentity {
    /// A PEM certificate chain and a PEM private key (may be the same file).
    pub fn from_pem_files(cert: &Path, key: &Path) -> Result<LoadedIdentity, TlsError> {
        let chain = read_pem_certs(cert)?;
        let key_der = read_pem_key(key)?;
        let id = LoadedIdentity {
            chain,
            key: key_der,
            origin: cert.to_path_buf(),
        };
        id.check(key)?;
        Ok(id)
    }

    /// A PKCS#12 file with its password (PBES2/AES or legacy PBES1 RC2-40/3DES).
    pub fn from_pkcs12_file(file: &Path, password: &str) -> Result<LoadedIdentity, TlsError> {
        let data = read(file)?;
        let store = p12_keystore::KeyStore::from_pkcs12(
            &data,
            password,
            p12_keystore::Pkcs12ImportPolicy::Strict,
        )
        .map_err(|e| match e {
            p12_keystore::error::Error::MacError(_) => TlsError::WrongPassword {
                file: file.to_path_buf(),
                var: None,
            },
            e => TlsError::Pkcs12 {
                file: file.to_path_buf(),
                detail: format!("not a readable PKCS#12 file ({e})"),
            },
        })?;
        let Some((_, chain)) = store.private_key_chain() else {
            return Err(TlsError::Pkcs12 {
                file: file.to_path_buf(),
                detail: "no private key with its certificate in it".into(),
            });
        };
        let certs: Vec<CertificateDer<'static>> = chain
            .certs()
            .iter()
            .map(|c| CertificateDer::from(c.as_der().to_vec()))
            .collect();
        if certs.is_empty() {
            return Err(TlsError::Pkcs12 {
                file: file.to_path_buf(),
                detail: "the private key has no certificate".into(),
            });
        }
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(chain.key().as_der().to_vec()));
        let id = LoadedIdentity {
            chain: certs,
            key,
            origin: file.to_path_buf(),
        };
        id.check(file)?;
        Ok(id)
    }

    /// The leaf certificate's subject, parsed as [`serve`] parses a peer's.
    pub fn subject(&self) -> PeerIdentity {
        PeerIdentity::from_der(&self.chain[0], None)
    }

    /// The leaf is a valid certificate today and `key` belongs to it.
    fn check(&self, key_file: &Path) -> Result<(), TlsError> {
        check_validity(&self.origin, &self.chain[0])?;
        install_crypto_provider();
        let provider = provider();
        rustls::sign::CertifiedKey::from_der(self.chain.clone(), self.key.clone_key(), &provider)
            .map_err(|e| TlsError::KeyMismatch {
            file: key_file.to_path_buf(),
            detail: e.to_string(),
        })?;
        Ok(())
    }

    /// Certificates and key as one PEM text (what `reqwest::Identity::from_pem` reads).
    fn to_pem(&self) -> Vec<u8> {
        let mut out = String::new();
        for c in &self.chain {
            pem_block(&mut out, "CERTIFICATE", c.as_ref());
        }
        let (label, der) = match &self.key {
            PrivateKeyDer::Pkcs1(k) => ("RSA PRIVATE KEY", k.secret_pkcs1_der()),
            PrivateKeyDer::Sec1(k) => ("EC PRIVATE KEY", k.secret_sec1_der()),
            PrivateKeyDer::Pkcs8(k) => ("PRIVATE KEY", k.secret_pkcs8_der()),
            _ => ("PRIVATE KEY", &[][..]),
        };
        pem_block(&mut out, label, der);
        out.into_bytes()
    }
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    rustls::crypto::CryptoProvider::get_default()
        .cloned()
        .unwrap_or_else(|| Arc::new(rustls::crypto::aws_lc_rs::default_provider()))
}

fn read(file: &Path) -> Result<Vec<u8>, TlsError> {
    std::fs::read(file).map_err(|err| TlsError::Read {
        file: file.to_path_buf(),
        err,
    })
}

fn looks_pem(data: &[u8]) -> bool {
    data.windows(11).any(|w| w == b"-----BEGIN ")
}

fn not_pem(file: &Path, data: &[u8]) -> TlsError {
    let detail = if data.first() == Some(&0x30) {
        "it looks like DER or PKCS#12; for a .p12/.pfx file use a PKCS#12 identity, \
         or convert DER with `openssl x509 -inform der`"
    } else {
        "no `-----BEGIN …-----` block"
    };
    TlsError::NotPem {
        file: file.to_path_buf(),
        detail: detail.into(),
    }
}

fn pem_error(file: &Path, e: pem::Error) -> TlsError {
    TlsError::NotPem {
        file: file.to_path_buf(),
        detail: format!("damaged PEM: {e}"),
    }
}

/// Every certificate in a PEM file, in order.
fn read_pem_certs(file: &Path) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let data = read(file)?;
    if !looks_pem(&data) {
        return Err(not_pem(file, &data));
    }
    let certs = CertificateDer::pem_slice_iter(&data)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| pem_error(file, e))?;
    if certs.is_empty() {
        return Err(TlsError::NoCertificate {
            file: file.to_path_buf(),
        });
    }
    Ok(certs)
}

fn read_pem_key(file: &Path) -> Result<PrivateKeyDer<'static>, TlsError> {
    let data = read(file)?;
    if !looks_pem(&data) {
        return Err(not_pem(file, &data));
    }
    match PrivateKeyDer::from_pem_slice(&data) {
        Ok(k) => Ok(k),
        Err(pem::Error::NoItemsFound) => {
            let text = String::from_utf8_lossy(&data);
            let detail = if text.contains("BEGIN ENCRYPTED PRIVATE KEY")
                || text.contains("Proc-Type: 4,ENCRYPTED")
            {
                "the private key is encrypted; give an unencrypted PEM key \
                 (`openssl pkey -in KEY -out PLAIN`) or a PKCS#12 file with its password \
                 in an environment variable"
            } else {
                "no private key in it (expected a PEM block `BEGIN PRIVATE KEY`, \
                 `BEGIN RSA PRIVATE KEY` or `BEGIN EC PRIVATE KEY`)"
            };
            Err(TlsError::NoKey {
                file: file.to_path_buf(),
                detail: detail.into(),
            })
        }
        Err(e) => Err(pem_error(file, e)),
    }
}

fn check_validity(file: &Path, der: &CertificateDer<'_>) -> Result<(), TlsError> {
    use x509_parser::prelude::{ASN1Time, FromDer, X509Certificate};
    let (_, cert) =
        X509Certificate::from_der(der.as_ref()).map_err(|e| TlsError::BadCertificate {
            file: file.to_path_buf(),
            detail: e.to_string(),
        })?;
    let v = cert.validity();
    let now = ASN1Time::now();
    if now > v.not_after {
        return Err(TlsError::Expired {
            file: file.to_path_buf(),
            subject: cert.subject().to_string(),
            not_after: v.not_after.to_string(),
        });
    }
    if now < v.not_before {
        return Err(TlsError::NotYetValid {
            file: file.to_path_buf(),
            subject: cert.subject().to_string(),
            not_before: v.not_before.to_string(),
        });
    }
    Ok(())
}

/// The trust anchors in a PEM bundle (one or more `BEGIN CERTIFICATE` blocks).
pub fn load_ca_bundle(file: &Path) -> Result<RootCertStore, TlsError> {
    let certs = read_pem_certs(file).map_err(|e| match e {
        TlsError::Read { .. } => e,
        e => TlsError::CaBundle {
            file: file.to_path_buf(),
            detail: e.to_string(),
        },
    })?;
    let mut roots = RootCertStore::empty();
    for (i, c) in certs.into_iter().enumerate() {
        roots.add(c).map_err(|e| TlsError::CaBundle {
            file: file.to_path_buf(),
            detail: format!("certificate {} is not a usable trust anchor: {e}", i + 1),
        })?;
    }
    Ok(roots)
}

// ---------------------------------------------------------------------------------------
// Server side
// ---------------------------------------------------------------------------------------

/// Builders of the stub's rustls [`ServerConfig`] (ALPN `h2` and `http/1.1`).
pub struct ServerTls;

impl ServerTls {
    /// PEM certificate chain and key. With `client_ca`, a client certificate issued by one
    /// of its CAs is **required**; without it, no client certificate is asked for.
    pub fn load(
        cert_pem: &Path,
        key_pem: &Path,
        client_ca: Option<&Path>,
    ) -> Result<Arc<ServerConfig>, TlsError> {
        Self::with_identity(
            LoadedIdentity::from_pem_files(cert_pem, key_pem)?,
            client_ca,
        )
    }

    /// As [`ServerTls::load`], from PEM files or a PKCS#12 file (password from its
    /// environment variable).
    pub fn from_identity(
        identity: &ServerIdentity,
        client_ca: Option<&Path>,
    ) -> Result<Arc<ServerConfig>, TlsError> {
        Self::with_identity(identity.load()?, client_ca)
    }

    /// As [`ServerTls::load`], from an identity already loaded.
    pub fn with_identity(
        identity: LoadedIdentity,
        client_ca: Option<&Path>,
    ) -> Result<Arc<ServerConfig>, TlsError> {
        install_crypto_provider();
        let builder = ServerConfig::builder();
        let builder = match client_ca {
            Some(ca) => {
                let roots = load_ca_bundle(ca)?;
                let verifier = WebPkiClientVerifier::builder(Arc::new(roots))
                    .build()
                    .map_err(|e| TlsError::CaBundle {
                        file: ca.to_path_buf(),
                        detail: e.to_string(),
                    })?;
                builder.with_client_cert_verifier(verifier)
            }
            None => builder.with_no_client_auth(),
        };
        let origin = identity.origin.clone();
        let mut config = builder
            .with_single_cert(identity.chain, identity.key)
            .map_err(|e| TlsError::KeyMismatch {
                file: origin,
                detail: e.to_string(),
            })?;
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Ok(Arc::new(config))
    }
}

/// Who called: the subject of the client certificate the TLS handshake verified. Inserted
/// by [`serve`] as a request extension (`Extension<PeerIdentity>`) when the server
/// requires client certificates.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PeerIdentity {
    /// The whole subject, RFC 4514 style (`C=DK, O=…, CN=…, serialNumber=…`).
    pub subject: String,
    pub common_name: Option<String>,
    pub organization: Option<String>,
    /// OCES2 `serialNumber`, e.g. `CVR:12345678-FID:1234` (system) or `…-UID:…`.
    pub serial_number: Option<String>,
    /// OCES3 `organizationIdentifier` (2.5.4.97), e.g. `NTRDK-12345678`.
    pub organization_identifier: Option<String>,
    pub issuer: String,
    /// SHA-256 of the certificate, lowercase hex.
    pub fingerprint_sha256: String,
    /// The peer's socket address, when known.
    pub remote: Option<SocketAddr>,
    tenant: String,
}

impl PeerIdentity {
    /// Parse a certificate (DER). Fields the certificate lacks are `None`; an unparsable
    /// certificate gives an identity with only the fingerprint (and that as the tenant).
    pub fn from_der(der: &[u8], remote: Option<SocketAddr>) -> PeerIdentity {
        use x509_parser::prelude::{FromDer, X509Certificate};
        let fingerprint: String = Sha256::digest(der)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let mut p = PeerIdentity {
            subject: String::new(),
            common_name: None,
            organization: None,
            serial_number: None,
            organization_identifier: None,
            issuer: String::new(),
            fingerprint_sha256: fingerprint,
            remote,
            tenant: String::new(),
        };
        if let Ok((_, cert)) = X509Certificate::from_der(der) {
            let name = cert.subject();
            let first = |oid: &str| {
                name.iter_attributes()
                    .find(|a| a.attr_type().to_id_string() == oid)
                    .and_then(|a| a.as_str().ok())
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
            };
            p.subject = name.to_string();
            p.common_name = first("2.5.4.3");
            p.organization = first("2.5.4.10");
            p.serial_number = first("2.5.4.5");
            p.organization_identifier = first("2.5.4.97");
            p.issuer = cert.issuer().to_string();
        }
        p.tenant = p.derive_tenant();
        p
    }

    /// The tenant this caller belongs to, stable for the same certificate subject (a
    /// renewed certificate keeps its tenant): the `serialNumber` when present (OCES2:
    /// `CVR:12345678-FID:1234`); else `organizationIdentifier/CN` (OCES3); else the whole
    /// subject; else `sha256:<fingerprint>`.
    pub fn tenant(&self) -> &str {
        &self.tenant
    }

    fn derive_tenant(&self) -> String {
        if let Some(s) = &self.serial_number {
            return s.clone();
        }
        if let Some(o) = &self.organization_identifier {
            return match &self.common_name {
                Some(cn) => format!("{o}/{cn}"),
                None => o.clone(),
            };
        }
        if !self.subject.is_empty() {
            return self.subject.clone();
        }
        format!("sha256:{}", self.fingerprint_sha256)
    }

    /// The organisation's CVR number: from `serialNumber` `CVR:nnnnnnnn-…` or
    /// `organizationIdentifier` `NTRDK-nnnnnnnn`.
    pub fn cvr(&self) -> Option<&str> {
        let digits = |s: &'static str, v: &'_ str| -> Option<usize> {
            let rest = v.strip_prefix(s)?;
            let n = rest.bytes().take_while(u8::is_ascii_digit).count();
            (n == 8).then_some(s.len() + n)
        };
        if let Some(sn) = &self.serial_number
            && let Some(end) = digits("CVR:", sn)
        {
            return Some(&sn[4..end]);
        }
        if let Some(oi) = &self.organization_identifier
            && let Some(end) = digits("NTRDK-", oi)
        {
            return Some(&oi[6..end]);
        }
        None
    }
}

impl fmt::Display for PeerIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (tenant {})", self.subject, self.tenant)
    }
}

/// Counts of TLS handshakes seen by [`serve_with`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HandshakeCounts {
    pub accepted: u64,
    /// Refused or broken handshakes (no or untrusted client certificate, not TLS, …).
    pub failed: u64,
    /// Handshakes that did not finish within the handshake timeout.
    pub timed_out: u64,
}

/// What [`serve_with`] saw of handshakes: counts, the most recent failures (at most
/// [`HandshakeLog::KEEP`]), and a way to wait for a count without polling.
#[derive(Debug)]
pub struct HandshakeLog {
    counts: tokio::sync::watch::Sender<HandshakeCounts>,
    recent: Mutex<VecDeque<String>>,
}

impl Default for HandshakeLog {
    fn default() -> Self {
        HandshakeLog {
            counts: tokio::sync::watch::Sender::new(HandshakeCounts::default()),
            recent: Mutex::new(VecDeque::new()),
        }
    }
}

impl HandshakeLog {
    pub const KEEP: usize = 32;

    pub fn counts(&self) -> HandshakeCounts {
        *self.counts.borrow()
    }

    /// The most recent failures, oldest first (`<peer address>: <reason>`).
    pub fn recent_failures(&self) -> Vec<String> {
        let g = self.recent.lock().unwrap_or_else(|p| p.into_inner());
        g.iter().cloned().collect()
    }

    /// Wait until `ready` holds for the counts (returns them). Bound it with a timeout.
    pub async fn wait_until(
        &self,
        mut ready: impl FnMut(&HandshakeCounts) -> bool,
    ) -> HandshakeCounts {
        let mut rx = self.counts.subscribe();
        match rx.wait_for(|c| ready(c)).await {
            Ok(c) => *c,
            Err(_) => self.counts(),
        }
    }

    fn failure(&self, timed_out: bool, message: String) {
        {
            let mut g = self.recent.lock().unwrap_or_else(|p| p.into_inner());
            if g.len() == Self::KEEP {
                g.pop_front();
            }
            g.push_back(message);
        }
        self.counts.send_modify(|c| {
            if timed_out {
                c.timed_out += 1;
            } else {
                c.failed += 1;
            }
        });
    }

    fn accepted(&self) {
        self.counts.send_modify(|c| c.accepted += 1);
    }
}

/// Settings of [`serve_with`].
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub handshake_timeout: Duration,
    /// After the shutdown signal, how long exchanges in flight may take to finish.
    pub drain_timeout: Duration,
    /// Record handshakes here (the caller keeps a clone of the `Arc` to read it).
    pub log: Option<Arc<HandshakeLog>>,
    /// Print each handshake failure on stderr (`oir tls: …`).
    pub stderr: bool,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            handshake_timeout: DEFAULT_HANDSHAKE_TIMEOUT,
            drain_timeout: DEFAULT_DRAIN_TIMEOUT,
            log: None,
            stderr: true,
        }
    }
}

/// Serve `router` over TLS on `listener` until `shutdown` completes, then stop accepting,
/// let exchanges in flight finish (up to [`DEFAULT_DRAIN_TIMEOUT`]) and return. HTTP/1.1
/// and HTTP/2 (ALPN). Handshake failures are printed on stderr and never stop the server;
/// a handshake is bounded by [`DEFAULT_HANDSHAKE_TIMEOUT`]. Each request carries an
/// `Extension<PeerIdentity>` when the client presented a certificate.
///
/// The result type matches `axum::serve(…).with_graceful_shutdown(…)`; it is `Ok` unless
/// the server cannot run at all.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    config: Arc<ServerConfig>,
    shutdown: impl Future<Output = ()> + Send,
) -> std::io::Result<()> {
    serve_with(listener, router, config, shutdown, ServeOptions::default()).await
}

/// [`serve`] with explicit timeouts and a [`HandshakeLog`].
pub async fn serve_with(
    listener: TcpListener,
    router: Router,
    config: Arc<ServerConfig>,
    shutdown: impl Future<Output = ()> + Send,
    options: ServeOptions,
) -> std::io::Result<()> {
    let acceptor = TlsAcceptor::from(config);
    let log = options.log.clone().unwrap_or_default();
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (tcp, remote) = tokio::select! {
            biased;
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors, a connection reset before accept, …: keep
                    // serving, without spinning.
                    if options.stderr {
                        eprintln!("oir tls: accept failed: {e}");
                    }
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
            },
        };
        let _ = tcp.set_nodelay(true);
        // Subscribe before the handshake: a connection that completes it after the
        // shutdown signal is closed at once instead of being served.
        let watcher = graceful.watcher();
        let acceptor = acceptor.clone();
        let router = router.clone();
        let log = Arc::clone(&log);
        let options = options.clone();
        tokio::spawn(async move {
            let tls =
                match tokio::time::timeout(options.handshake_timeout, acceptor.accept(tcp)).await {
                    Ok(Ok(tls)) => tls,
                    Ok(Err(e)) => {
                        let msg = format!("{remote}: TLS handshake refused: {}", io_detail(&e));
                        if options.stderr {
                            eprintln!("oir tls: {msg}");
                        }
                        log.failure(false, msg);
                        return;
                    }
                    Err(_) => {
                        let msg = format!(
                            "{remote}: TLS handshake not finished within {:?}",
                            options.handshake_timeout
                        );
                        if options.stderr {
                            eprintln!("oir tls: {msg}");
                        }
                        log.failure(true, msg);
                        return;
                    }
                };
            log.accepted();
            let peer = tls
                .get_ref()
                .1
                .peer_certificates()
                .and_then(|c| c.first())
                .map(|c| PeerIdentity::from_der(c.as_ref(), Some(remote)));
            let inner = TowerToHyperService::new(router);
            let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
                if let Some(p) = &peer {
                    req.extensions_mut().insert(p.clone());
                }
                hyper::service::Service::call(&inner, req)
            });
            let mut builder = auto::Builder::new(TokioExecutor::new());
            builder
                .http1()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_READ_TIMEOUT);
            let conn = builder
                .serve_connection_with_upgrades(TokioIo::new(tls), service)
                .into_owned();
            // A client that resets or vanishes mid-exchange is its own business.
            let _ = watcher.watch(conn).await;
        });
    }
    drop(listener);
    if tokio::time::timeout(options.drain_timeout, graceful.shutdown())
        .await
        .is_err()
        && options.stderr
    {
        eprintln!(
            "oir tls: exchanges still in flight after {:?}; stopping anyway",
            options.drain_timeout
        );
    }
    Ok(())
}

/// The TLS reason inside an I/O error, if it carries one.
fn io_detail(e: &std::io::Error) -> String {
    match e.get_ref() {
        Some(inner) => inner.to_string(),
        None => e.to_string(),
    }
}

// ---------------------------------------------------------------------------------------
// Client side
// ---------------------------------------------------------------------------------------

/// A rustls client configuration trusting exactly the CAs in `ca_bundle` (PEM) and, when
/// given, presenting `identity` to servers that ask for a client certificate. The
/// PKCS#12 password is read from the identity's environment variable.
///
/// `ca_bundle` is required (`None` is [`TlsError::NoCaBundle`]); for the system's trust
/// store use [`reqwest_client`] without a bundle.
pub fn client_config(
    ca_bundle: Option<&Path>,
    identity: Option<&ClientIdentity>,
) -> Result<ClientConfig, TlsError> {
    let ca = ca_bundle.ok_or(TlsError::NoCaBundle)?;
    let roots = load_ca_bundle(ca)?;
    let identity = identity.map(Identity::load).transpose()?;
    client_config_with(roots, identity)
}

/// As [`client_config`], from trust anchors and an identity already loaded.
pub fn client_config_with(
    roots: RootCertStore,
    identity: Option<LoadedIdentity>,
) -> Result<ClientConfig, TlsError> {
    install_crypto_provider();
    let builder = ClientConfig::builder().with_root_certificates(roots);
    match identity {
        Some(id) => {
            let origin = id.origin.clone();
            builder
                .with_client_auth_cert(id.chain, id.key)
                .map_err(|e| TlsError::KeyMismatch {
                    file: origin,
                    detail: e.to_string(),
                })
        }
        None => Ok(builder.with_no_client_auth()),
    }
}

/// A reqwest client builder for systems under test: with `ca_bundle`, only its CAs are
/// trusted (Serviceplatformen's own chain); without, the system's trust store. The
/// identity (if any) is presented when the server asks for a client certificate. HTTP/1.1
/// only (see the source for why). Add timeouts, proxies, a user agent … and `build()`;
/// pass errors through [`explain`] for messages that say why a connection was refused.
pub fn reqwest_builder(
    ca_bundle: Option<&Path>,
    identity: Option<&ClientIdentity>,
) -> Result<reqwest::ClientBuilder, TlsError> {
    let roots = ca_bundle.map(load_ca_bundle).transpose()?;
    let identity = identity.map(Identity::load).transpose()?;
    reqwest_builder_with(roots, identity)
}

/// As [`reqwest_builder`], from trust anchors and an identity already loaded.
pub fn reqwest_builder_with(
    roots: Option<RootCertStore>,
    identity: Option<LoadedIdentity>,
) -> Result<reqwest::ClientBuilder, TlsError> {
    install_crypto_provider();
    // HTTP/1.1 only: SOAP on Serviceplatformen is HTTP/1.1, and under TLS 1.3 a server
    // refuses a client certificate only after the handshake; over HTTP/1.1 that refusal
    // (`received fatal alert: CertificateRequired`) reaches the request's error, while over
    // HTTP/2 hyper reports just "connection closed".
    let builder = reqwest::Client::builder().http1_only();
    Ok(match (roots, identity) {
        (Some(roots), identity) => {
            let mut config = client_config_with(roots, identity)?;
            config.alpn_protocols = vec![b"http/1.1".to_vec()];
            builder.tls_backend_preconfigured(config)
        }
        (None, Some(id)) => {
            let pem = id.to_pem();
            let rid = reqwest::Identity::from_pem(&pem).map_err(|e| {
                TlsError::Client(format!("client identity {}: {e}", id.origin.display()))
            })?;
            builder.identity(rid)
        }
        (None, None) => builder,
    })
}

/// The runner's HTTP client: [`reqwest_builder`] with a total `timeout` per request (and
/// the connection phase bounded by it too).
pub fn reqwest_client(
    ca_bundle: Option<&Path>,
    identity: Option<&ClientIdentity>,
    timeout: Duration,
) -> Result<reqwest::Client, TlsError> {
    reqwest_builder(ca_bundle, identity)?
        .timeout(timeout)
        .connect_timeout(timeout)
        .build()
        .map_err(|e| TlsError::Client(explain(&e)))
}

/// An error with its whole chain of causes on one line, and, when the TLS layer says why
/// the connection failed, what that means for a caller: `error sending request for url
/// (…): … — the server requires a client certificate and none was sent`. When an HTTPS
/// connection closed without a reason (TLS 1.3 refusals can arrive that way), the hint
/// says that a refused client certificate is a likely cause.
pub fn explain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = String::new();
    let mut hint = None;
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(err);
    // Bounded: error chains are short, but a cyclic one must not hang a report.
    for _ in 0..32 {
        let Some(e) = cur else { break };
        if let Some(t) = e.downcast_ref::<rustls::Error>() {
            hint = hint.or_else(|| tls_hint(t));
        }
        let s = e.to_string();
        if !text.contains(&s) {
            if !text.is_empty() {
                text.push_str(": ");
            }
            text.push_str(&s);
        }
        // io::Error's source() skips the error it wraps: look inside explicitly.
        cur = match e
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            Some(inner) => Some(inner),
            None => e.source(),
        };
    }
    // Some layers (h2) keep only the message of the TLS error, not the error itself.
    if hint.is_none() {
        hint = ALERTS
            .iter()
            .find(|(alert, _)| text.contains(&format!("received fatal alert: {alert}")))
            .map(|(_, h)| *h);
    }
    // Under TLS 1.3 a server judges the client certificate after the client has finished
    // its handshake; when its alert arrives before the request is on the wire, hyper
    // reports only that the connection closed.
    let https = err
        .downcast_ref::<reqwest::Error>()
        .and_then(reqwest::Error::url)
        .is_some_and(|u| u.scheme() == "https");
    if hint.is_none() && https && CLOSED.iter().any(|c| text.contains(c)) {
        hint = Some(
            "the server closed the connection before answering; if it requires client \
             certificates, this is how TLS 1.3 refuses a missing or untrusted one: check the \
             client identity and that the server trusts its issuer",
        );
    }
    if let Some(h) = hint {
        text.push_str(" — ");
        text.push_str(h);
    }
    text
}

/// How hyper and the OS say a connection ended without an answer.
const CLOSED: &[&str] = &[
    "connection closed",
    "connection was not ready",
    "onnection reset",
    "unexpected end of file",
    "unexpected EOF",
    "roken pipe",
    "channel closed",
];

/// Alerts a server sends about the client's certificate (as rustls names them), and what
/// they mean for the caller.
const ALERTS: &[(&str, &str)] = &[
    (
        "CertificateRequired",
        "the server requires a client certificate and none was sent (configure a client identity)",
    ),
    (
        "UnknownCA",
        "the server does not trust the client certificate's issuer",
    ),
    (
        "BadCertificate",
        "the server refused the client certificate",
    ),
    (
        "UnsupportedCertificate",
        "the server refused the client certificate",
    ),
    (
        "CertificateExpired",
        "the server says the client certificate has expired",
    ),
    (
        "CertificateRevoked",
        "the server says the client certificate is revoked",
    ),
];

fn tls_hint(e: &rustls::Error) -> Option<&'static str> {
    use rustls::CertificateError as C;
    Some(match e {
        rustls::Error::AlertReceived(a) => {
            let name = format!("{a:?}");
            return ALERTS.iter().find(|(n, _)| *n == name).map(|(_, h)| *h);
        }
        rustls::Error::InvalidCertificate(C::UnknownIssuer) => {
            "the server's certificate is not issued by a CA in the CA bundle"
        }
        rustls::Error::InvalidCertificate(
            C::NotValidForName | C::NotValidForNameContext { .. },
        ) => "the server's certificate is not valid for the host name in the URL",
        rustls::Error::InvalidCertificate(C::Expired | C::ExpiredContext { .. }) => {
            "the server's certificate has expired"
        }
        _ => return None,
    })
}

fn pem_block(out: &mut String, label: &str, der: &[u8]) {
    const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    out.push_str("-----BEGIN ");
    out.push_str(label);
    out.push_str("-----\n");
    let mut line = 0;
    for chunk in der.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            let c = if i <= chunk.len() {
                B64[((n >> (18 - 6 * i)) & 63) as usize]
            } else {
                b'='
            };
            out.push(char::from(c));
        }
        line += 4;
        if line == 64 {
            out.push('\n');
            line = 0;
        }
    }
    if line != 0 {
        out.push('\n');
    }
    out.push_str("-----END ");
    out.push_str(label);
    out.push_str("-----\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pem_block_round_trips_through_pki_types() {
        for len in [0usize, 1, 2, 3, 47, 48, 49, 100] {
            let der: Vec<u8> = (0..len).map(|i| (i * 37 % 256) as u8).collect();
            let mut s = String::new();
            pem_block(&mut s, "CERTIFICATE", &der);
            let back = CertificateDer::from_pem_slice(s.as_bytes()).expect("parses");
            assert_eq!(back.as_ref(), &der[..], "length {len}:\n{s}");
        }
    }

    #[test]
    fn cvr_from_oces2_serial_and_oces3_organization_identifier() {
        let mut p = PeerIdentity::from_der(b"not a certificate", None);
        assert!(p.tenant().starts_with("sha256:"));
        assert_eq!(p.cvr(), None);
        p.serial_number = Some("CVR:12345678-FID:1234".into());
        assert_eq!(p.cvr(), Some("12345678"));
        p.serial_number = Some("CVR:1234567-FID:1".into());
        assert_eq!(p.cvr(), None);
        p.serial_number = None;
        p.organization_identifier = Some("NTRDK-87654321".into());
        assert_eq!(p.cvr(), Some("87654321"));
    }
}
