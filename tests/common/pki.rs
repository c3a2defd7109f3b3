//! A test PKI, generated once per test binary with rcgen: a CA, a server certificate for
//! 127.0.0.1/localhost, an OCES-like client certificate (PEM and PKCS#12), one from a
//! stranger CA and an expired one. Shared by the TLS tests and the runner's mTLS test.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose,
};

/// The password of the PKCS#12 files written here.
pub const P12_PASSWORD: &str = "modern-test-password";

pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/tls")
        .join(name)
}

pub struct Pki {
    pub dir: PathBuf,
    /// Our CA alone: what clients trust for the server.
    pub ca: PathBuf,
    /// Our CA and the legacy fixture's CA: what the server trusts for clients.
    pub client_cas: PathBuf,
    pub server_cert: PathBuf,
    pub server_key: PathBuf,
    /// Test Kommune's system certificate (CVR:12345678-FID:1234), PEM.
    pub client_cert: PathBuf,
    pub client_key: PathBuf,
    /// The same identity as a PKCS#12 file written by p12-keystore (PBES2/AES-256).
    pub client_p12: PathBuf,
    /// The server identity as PKCS#12 (for a server loaded from PKCS#12).
    pub server_p12: PathBuf,
    /// Issued by a CA the server does not trust.
    pub stranger_cert: PathBuf,
    pub stranger_key: PathBuf,
    /// Issued by our CA, expired in 2001.
    pub expired_cert: PathBuf,
    pub expired_key: PathBuf,
}

fn dn(cn: &str, o: &str, serial: Option<&str>) -> DistinguishedName {
    let mut d = DistinguishedName::new();
    d.push(DnType::CountryName, "DK");
    d.push(DnType::OrganizationName, o);
    d.push(DnType::CommonName, cn);
    if let Some(s) = serial {
        d.push(DnType::CustomDnType(vec![2, 5, 4, 5]), s);
    }
    d
}

fn new_ca(cn: &str) -> (rcgen::Certificate, Issuer<'static, KeyPair>) {
    let key = KeyPair::generate().expect("key");
    let mut p = CertificateParams::new(Vec::<String>::new()).expect("params");
    p.distinguished_name = dn(cn, "Fiktiv Test CA (kun test)", None);
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let cert = p.self_signed(&key).expect("CA certificate");
    (cert, Issuer::new(p, key))
}

fn leaf(
    issuer: &Issuer<'static, KeyPair>,
    names: &[&str],
    subject: DistinguishedName,
    eku: ExtendedKeyUsagePurpose,
) -> (rcgen::Certificate, KeyPair, CertificateParams) {
    let key = KeyPair::generate().expect("key");
    let mut p = CertificateParams::new(names.iter().map(|s| s.to_string()).collect::<Vec<_>>())
        .expect("params");
    p.distinguished_name = subject;
    p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    p.extended_key_usages = vec![eku];
    let cert = p.signed_by(&key, issuer).expect("leaf certificate");
    (cert, key, p)
}

fn write(dir: &Path, name: &str, data: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, data).unwrap_or_else(|e| panic!("write {}: {e}", p.display()));
    p
}

fn p12(cert: &rcgen::Certificate, key: &KeyPair, ca: &rcgen::Certificate) -> Vec<u8> {
    use p12_keystore::{Certificate, KeyStore, KeyStoreEntry, PrivateKey, PrivateKeyChain};
    let chain = PrivateKeyChain::new(
        b"test-key-1".as_slice(),
        PrivateKey::from_der(&key.serialize_der()).expect("PKCS#8 key"),
        [
            Certificate::from_der(cert.der()).expect("leaf"),
            Certificate::from_der(ca.der()).expect("CA"),
        ],
    );
    let mut store = KeyStore::new();
    store.add_entry("test", KeyStoreEntry::PrivateKeyChain(chain));
    // The writer's default: PBES2 with HMAC-SHA256 and AES-256-CBC, HMAC-SHA256 MAC.
    store.writer(P12_PASSWORD).write().expect("PKCS#12")
}

pub fn pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("tls-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");

        let (ca, issuer) = new_ca("OIR Test CA");
        let (server, server_key, _) = leaf(
            &issuer,
            &["127.0.0.1", "localhost"],
            dn("oir stub", "OIR test", None),
            ExtendedKeyUsagePurpose::ServerAuth,
        );
        let (client, client_key, _) = leaf(
            &issuer,
            &[],
            dn(
                "Test Kommune Systembruger",
                "Test Kommune",
                Some("CVR:12345678-FID:1234"),
            ),
            ExtendedKeyUsagePurpose::ClientAuth,
        );
        let (expired_key, expired) = {
            let key = KeyPair::generate().expect("key");
            let mut p = CertificateParams::new(Vec::<String>::new()).expect("params");
            p.distinguished_name = dn(
                "Gammel Systembruger",
                "Test Kommune",
                Some("CVR:12345678-FID:9"),
            );
            p.not_before = rcgen::date_time_ymd(2000, 1, 1);
            p.not_after = rcgen::date_time_ymd(2001, 1, 1);
            let c = p.signed_by(&key, &issuer).expect("expired certificate");
            (key, c)
        };
        let (_, stranger_issuer) = new_ca("Stranger CA");
        let (stranger, stranger_key, _) = leaf(
            &stranger_issuer,
            &[],
            dn(
                "Fremmed Systembruger",
                "Fremmed Kommune",
                Some("CVR:11111111-FID:1"),
            ),
            ExtendedKeyUsagePurpose::ClientAuth,
        );
        let legacy_ca = std::fs::read_to_string(fixture("legacy-ca.pem")).expect("legacy CA");
        Pki {
            ca: write(&dir, "ca.pem", ca.pem()),
            client_cas: write(&dir, "client-cas.pem", format!("{}{legacy_ca}", ca.pem())),
            server_cert: write(&dir, "server.pem", format!("{}{}", server.pem(), ca.pem())),
            server_key: write(&dir, "server.key", server_key.serialize_pem()),
            client_cert: write(&dir, "client.pem", client.pem()),
            client_key: write(&dir, "client.key", client_key.serialize_pem()),
            client_p12: write(&dir, "client.p12", p12(&client, &client_key, &ca)),
            server_p12: write(&dir, "server.p12", p12(&server, &server_key, &ca)),
            stranger_cert: write(&dir, "stranger.pem", stranger.pem()),
            stranger_key: write(&dir, "stranger.key", stranger_key.serialize_pem()),
            expired_cert: write(&dir, "expired.pem", expired.pem()),
            expired_key: write(&dir, "expired.key", expired_key.serialize_pem()),
            dir,
        }
    })
}
