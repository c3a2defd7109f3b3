//! SOAP faults in the three layers of the packs' error design (schemas/README.md):
//! `ServiceplatformFault` for what the platform itself refuses (transport, routing,
//! security context), `TransportKvittering` for a message the receiving system cannot
//! process (schema errors), and plain faults for contracts that declare neither.

use super::xmlout::{escape_attr, escape_text, truncate_chars};
use crate::schema::validate::{SOAP11_NS, SOAP12_NS};
use crate::schema::wsdl::SoapVersion;

pub const SP_FAULT_NS: &str = "http://serviceplatformen.dk/xml/schemas/ServiceplatformFault/1/";
pub const KVITTERING_NS: &str = "http://serviceplatformen.dk/xml/schemas/kvittering/1/";
pub const INVOCATION_CONTEXT_NS: &str =
    "http://serviceplatformen.dk/xml/schemas/InvocationContext/1/";
pub const AUTHORITY_CONTEXT_NS: &str =
    "http://serviceplatformen.dk/xml/schemas/AuthorityContext/1/";

/// Who is at fault (SOAP 1.1 `Client`/`Server`, SOAP 1.2 `Sender`/`Receiver`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Blame {
    Client,
    Server,
}

/// The detail carried by a fault.
#[derive(Debug, Clone)]
pub enum Detail {
    /// `(ErrorCode, ErrorText)` pairs.
    Serviceplatform(Vec<(String, String)>),
    /// Begrundelse and `(FejlKode, FejlTekst)` pairs.
    TransportKvittering(String, Vec<(String, String)>),
    None,
}

#[derive(Debug, Clone)]
pub struct Fault {
    pub blame: Blame,
    /// A stable code for the journal, tests and the runner (`SP-SEC-001` …).
    pub code: String,
    pub text: String,
    pub detail: Detail,
}

impl Fault {
    /// A platform fault with one error.
    pub fn platform(code: &str, text: impl Into<String>) -> Fault {
        let text = text.into();
        Fault {
            blame: Blame::Client,
            code: code.to_string(),
            detail: Detail::Serviceplatform(vec![(code.to_string(), text.clone())]),
            text,
        }
    }

    pub fn server(code: &str, text: impl Into<String>) -> Fault {
        Fault {
            blame: Blame::Server,
            code: code.to_string(),
            text: text.into(),
            detail: Detail::None,
        }
    }

    /// The fault envelope.
    pub fn envelope(&self, soap: SoapVersion) -> String {
        let detail = match &self.detail {
            Detail::None => String::new(),
            Detail::Serviceplatform(errors) => {
                let mut s = format!(
                    "<spf:ServiceplatformFault xmlns:spf=\"{SP_FAULT_NS}\"><spf:ErrorList>"
                );
                for (c, t) in errors {
                    s.push_str(&format!(
                        "<spf:Error><spf:ErrorCode>{}</spf:ErrorCode><spf:ErrorText>{}</spf:ErrorText></spf:Error>",
                        escape_text(c),
                        escape_text(t)
                    ));
                }
                s.push_str("</spf:ErrorList></spf:ServiceplatformFault>");
                s
            }
            Detail::TransportKvittering(why, errors) => {
                let mut s = format!(
                    "<kvit:TransportKvittering xmlns:kvit=\"{KVITTERING_NS}\"><kvit:TransportValideringsKode>FEJL</kvit:TransportValideringsKode><kvit:Begrundelse>{}</kvit:Begrundelse>",
                    escape_text(why)
                );
                if !errors.is_empty() {
                    s.push_str("<kvit:FejlListe>");
                    for (c, t) in errors {
                        s.push_str(&format!(
                            "<kvit:Fejl><kvit:FejlKode>{}</kvit:FejlKode><kvit:FejlTekst>{}</kvit:FejlTekst></kvit:Fejl>",
                            escape_text(c),
                            escape_text(t)
                        ));
                    }
                    s.push_str("</kvit:FejlListe>");
                }
                s.push_str("</kvit:TransportKvittering>");
                s
            }
        };
        // faultstring is free text; keep it readable in logs.
        let text = escape_text(&truncate_chars(&self.text, 4000));
        match soap {
            SoapVersion::Soap11 => {
                let code = match self.blame {
                    Blame::Client => "soapenv:Client",
                    Blame::Server => "soapenv:Server",
                };
                let detail = if detail.is_empty() {
                    String::new()
                } else {
                    format!("\n      <detail>{detail}</detail>")
                };
                format!(
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<soapenv:Envelope xmlns:soapenv=\"{SOAP11_NS}\">\n  <soapenv:Body>\n    <soapenv:Fault>\n      <faultcode>{code}</faultcode>\n      <faultstring xml:lang=\"da\">{text}</faultstring>{detail}\n    </soapenv:Fault>\n  </soapenv:Body>\n</soapenv:Envelope>\n"
                )
            }
            SoapVersion::Soap12 => {
                let code = match self.blame {
                    Blame::Client => "env:Sender",
                    Blame::Server => "env:Receiver",
                };
                let detail = if detail.is_empty() {
                    String::new()
                } else {
                    format!("<env:Detail>{detail}</env:Detail>")
                };
                format!(
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<env:Envelope xmlns:env=\"{SOAP12_NS}\"><env:Body><env:Fault><env:Code><env:Value>{code}</env:Value></env:Code><env:Reason><env:Text xml:lang=\"da\">{text}</env:Text></env:Reason>{detail}</env:Fault></env:Body></env:Envelope>\n"
                )
            }
        }
    }
}

/// The Content-Type of a SOAP message of this version.
pub fn content_type(soap: SoapVersion, action: Option<&str>) -> String {
    match (soap, action) {
        (SoapVersion::Soap11, _) => "text/xml; charset=utf-8".into(),
        (SoapVersion::Soap12, Some(a)) if !a.is_empty() => format!(
            "application/soap+xml; charset=utf-8; action=\"{}\"",
            escape_attr(a)
        ),
        (SoapVersion::Soap12, _) => "application/soap+xml; charset=utf-8".into(),
    }
}

/// Split `type/subtype; k=v; …` into the lowercased media type and its parameters.
pub fn parse_content_type(ct: &str) -> (String, Vec<(String, String)>) {
    let mut parts = ct.split(';');
    let media = parts.next().unwrap_or("").trim().to_ascii_lowercase();
    let params = parts
        .filter_map(|p| {
            let (k, v) = p.split_once('=')?;
            Some((
                k.trim().to_ascii_lowercase(),
                v.trim().trim_matches('"').to_string(),
            ))
        })
        .collect();
    (media, params)
}

/// The SOAPAction header value without its quotes.
pub fn unquote_action(v: &str) -> String {
    let t = v.trim();
    t.strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(t)
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::tree::parse;

    #[test]
    fn faults_are_well_formed_in_both_versions() {
        let f = Fault::platform("SP-SEC-001", "a < b & \"c\"");
        for v in [SoapVersion::Soap11, SoapVersion::Soap12] {
            let x = f.envelope(v);
            let t = parse(x.as_bytes()).unwrap();
            assert!(t.local == "Envelope", "{x}");
            assert!(x.contains("SP-SEC-001"));
        }
        let k = Fault {
            blame: Blame::Client,
            code: "TK".into(),
            text: "t".into(),
            detail: Detail::TransportKvittering("why".into(), vec![("c".into(), "t".into())]),
        };
        assert!(parse(k.envelope(SoapVersion::Soap11).as_bytes()).is_ok());
        assert!(
            parse(
                Fault::server("X", "y")
                    .envelope(SoapVersion::Soap11)
                    .as_bytes()
            )
            .is_ok()
        );
    }

    #[test]
    fn header_values() {
        assert_eq!(unquote_action("\"urn:a\""), "urn:a");
        assert_eq!(unquote_action(" urn:a "), "urn:a");
        assert_eq!(unquote_action("\"\""), "");
        let (m, p) = parse_content_type("Application/SOAP+xml; charset=UTF-8; action=\"urn:x\"");
        assert_eq!(m, "application/soap+xml");
        assert_eq!(p[1], ("action".to_string(), "urn:x".to_string()));
    }
}
