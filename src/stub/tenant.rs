//! Tenants: every caller sees its own state and journal. A tenant is named by the
//! caller's identity — the client certificate when the stub is served over mutual TLS —
//! and/or the `X-Oir-Tenant` header (or `?tenant=`). No name is the default tenant `""`.
//!
//! The runner gives each scenario its own tenant, so scenarios running at the same time
//! do not see each other's ledger.

use axum::http::HeaderMap;

/// The header that names the tenant of a call.
pub const TENANT_HEADER: &str = "x-oir-tenant";
/// The tenant of calls that name none.
pub const DEFAULT_TENANT: &str = "";
/// Longest tenant name accepted (longer names are cut: they are keys, not data).
pub const MAX_TENANT_LEN: usize = 200;

/// The tenant a request names, if any: one place decides, for SOAP and admin calls alike.
///
/// Over mutual TLS the client certificate's identity (`oir::tls::PeerIdentity`, put on
/// the request by the TLS listener) names the tenant; a header or `?tenant=` then names a
/// sub-tenant `<certificate>/<name>`, so one client can still separate its scenarios but
/// never reach another certificate's state. Without TLS the header or query names it.
pub fn requested(
    headers: &HeaderMap,
    query: Option<&str>,
    extensions: &axum::http::Extensions,
) -> Option<String> {
    // TLS peer identity goes here: authenticated, so it comes first.
    let peer = extensions
        .get::<crate::tls::PeerIdentity>()
        .map(|p| p.tenant().to_string())
        .filter(|t| !t.is_empty());
    let named = headers
        .get(TENANT_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .or_else(|| query_value(query, "tenant"));
    let tenant = match (peer, named) {
        (Some(p), Some(n)) => format!("{p}/{n}"),
        (Some(p), None) => p,
        (None, Some(n)) => n,
        (None, None) => return None,
    };
    Some(cut(tenant))
}

/// Tenant names are keys, not data: long ones are cut.
fn cut(mut t: String) -> String {
    if t.len() > MAX_TENANT_LEN {
        let mut end = MAX_TENANT_LEN;
        while !t.is_char_boundary(end) {
            end -= 1;
        }
        t.truncate(end);
    }
    t
}

/// The tenant of a request: the one it names, else the default tenant.
pub fn of(headers: &HeaderMap, query: Option<&str>, extensions: &axum::http::Extensions) -> String {
    requested(headers, query, extensions).unwrap_or_else(|| DEFAULT_TENANT.to_string())
}

/// `key=value` from a raw query string (percent-decoded; `+` is a space).
pub fn query_value(query: Option<&str>, key: &str) -> Option<String> {
    query?.split('&').find_map(|p| {
        let (k, v) = p.split_once('=')?;
        (k == key)
            .then(|| percent_decode(v))
            .filter(|v| !v.is_empty())
    })
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => match b
                .get(i + 1..i + 3)
                .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
            {
                Some(h) => {
                    let hex = std::str::from_utf8(h).unwrap_or("0");
                    out.push(u8::from_str_radix(hex, 16).unwrap_or(b'?'));
                    i += 3;
                }
                None => {
                    out.push(b'%');
                    i += 1;
                }
            },
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_then_query_then_default() {
        let ext = axum::http::Extensions::new();
        let mut h = HeaderMap::new();
        assert_eq!(of(&h, None, &ext), "");
        assert_eq!(of(&h, Some("a=1&tenant=sc%C3%A6n+1"), &ext), "scæn 1");
        h.insert(TENANT_HEADER, "t-1".parse().unwrap());
        assert_eq!(of(&h, Some("tenant=other"), &ext), "t-1");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(of(&h, None, &ext).len(), 3);
        let long = "x".repeat(MAX_TENANT_LEN + 10);
        assert_eq!(
            of(&HeaderMap::new(), Some(&format!("tenant={long}")), &ext).len(),
            MAX_TENANT_LEN
        );
    }

    #[test]
    fn a_client_certificate_names_the_tenant_and_the_header_a_sub_tenant() {
        let cert = rcgen::generate_simple_self_signed(vec!["fagsystem.test".to_string()])
            .expect("certificate");
        let peer = crate::tls::PeerIdentity::from_der(cert.cert.der(), None);
        let mut ext = axum::http::Extensions::new();
        ext.insert(peer.clone());
        let mut h = HeaderMap::new();
        assert_eq!(of(&h, None, &ext), peer.tenant());
        h.insert(TENANT_HEADER, "scenarie-1".parse().unwrap());
        assert_eq!(of(&h, None, &ext), format!("{}/scenarie-1", peer.tenant()));
        assert_eq!(percent_decode("%4"), "%4");
    }
}
