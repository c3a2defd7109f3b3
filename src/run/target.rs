//! The system a run talks to: SOAP endpoints per service, an HTTP client with the
//! environment's TLS identity, timeout and answer-size limit, and (for stubs) the admin API
//! that state steps read. A misbehaving peer (hangs, resets, garbage, gigabytes) becomes a
//! clear error for the scenario, within the timeout and size limit.

use std::time::{Duration, Instant};

use crate::schema::wsdl::SoapVersion;
use crate::tls::explain;

/// What came back from one SOAP call.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
    pub elapsed: Duration,
}

/// How a call failed without an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallError {
    /// No connection: refused, no route, DNS, TLS handshake refused.
    Unreachable(String),
    Timeout(u64),
    /// The connection broke before a whole answer arrived.
    Broken(String),
    TooLarge(usize),
}

impl std::fmt::Display for CallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CallError::Unreachable(m) => write!(f, "cannot reach the target: {m}"),
            CallError::Timeout(ms) => write!(f, "no answer within {ms} ms (timeout)"),
            CallError::Broken(m) => write!(
                f,
                "the connection broke before the answer was complete: {m}"
            ),
            CallError::TooLarge(n) => write!(
                f,
                "the answer is larger than the limit of {n} bytes; reading stopped"
            ),
        }
    }
}

#[derive(Clone)]
pub struct Target {
    client: reqwest::Client,
    pub timeout_ms: u64,
    pub max_response_bytes: usize,
    /// Send `X-Oir-Tenant` so a stub keeps each scenario's state apart.
    pub tenant_header: bool,
    /// Base URL of a stub's admin API (`http://127.0.0.1:8088/__admin`), for state steps.
    pub admin: Option<String>,
}

impl Target {
    pub fn new(client: reqwest::Client, timeout_ms: u64, max_response_bytes: usize) -> Target {
        Target {
            client,
            timeout_ms,
            max_response_bytes,
            tenant_header: false,
            admin: None,
        }
    }

    /// A plain client (no TLS identity) with the timeout.
    pub fn plain_client(timeout_ms: u64) -> Result<reqwest::Client, String> {
        reqwest::Client::builder()
            .timeout(Duration::from_millis(timeout_ms))
            .connect_timeout(Duration::from_millis(timeout_ms.min(5_000)))
            .pool_max_idle_per_host(64)
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {}", explain(&e)))
    }

    /// POST a SOAP message.
    pub async fn call(
        &self,
        url: &str,
        soap: SoapVersion,
        action: Option<&str>,
        content_type: Option<&str>,
        body: Vec<u8>,
        tenant: &str,
    ) -> Result<Reply, CallError> {
        let started = Instant::now();
        let mut req = self.client.post(url);
        let ct = match (content_type, soap) {
            (Some(ct), _) => ct.to_string(),
            (None, SoapVersion::Soap12) => match action {
                Some(a) => format!("application/soap+xml; charset=utf-8; action=\"{a}\""),
                None => "application/soap+xml; charset=utf-8".to_string(),
            },
            (None, SoapVersion::Soap11) => "text/xml; charset=utf-8".to_string(),
        };
        req = req.header("content-type", ct);
        if soap == SoapVersion::Soap11 {
            req = req.header("soapaction", format!("\"{}\"", action.unwrap_or("")));
        }
        if self.tenant_header {
            req = req.header("x-oir-tenant", tenant);
        }
        let resp = req.body(body).send().await.map_err(|e| self.classify(&e))?;
        let status = resp.status().as_u16();
        let content_type = resp
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let body = self.read_limited(resp).await?;
        Ok(Reply {
            status,
            content_type,
            body,
            elapsed: started.elapsed(),
        })
    }

    async fn read_limited(&self, mut resp: reqwest::Response) -> Result<Vec<u8>, CallError> {
        if let Some(n) = resp.content_length()
            && n as usize > self.max_response_bytes
        {
            return Err(CallError::TooLarge(self.max_response_bytes));
        }
        let mut body = Vec::new();
        loop {
            match resp.chunk().await {
                Ok(Some(c)) => {
                    if body.len() + c.len() > self.max_response_bytes {
                        return Err(CallError::TooLarge(self.max_response_bytes));
                    }
                    body.extend_from_slice(&c);
                }
                Ok(None) => return Ok(body),
                Err(e) => return Err(self.classify(&e)),
            }
        }
    }

    fn classify(&self, e: &reqwest::Error) -> CallError {
        let msg = explain(e);
        if e.is_timeout() {
            CallError::Timeout(self.timeout_ms)
        } else if e.is_connect() {
            CallError::Unreachable(msg)
        } else {
            CallError::Broken(msg)
        }
    }

    /// Send an admin request to the stub for this tenant; the answer's text, or an error
    /// naming the URL (HTTP errors with the start of their body).
    async fn admin_call(
        &self,
        post: Option<(&str, &str)>,
        resource: &str,
        tenant: &str,
    ) -> Result<String, String> {
        let base = self.admin.as_deref().ok_or_else(|| {
            "this step needs a stub's admin API, but the environment names no stub (stub_admin)"
                .to_string()
        })?;
        let url = format!(
            "{}/{}",
            base.trim_end_matches('/'),
            resource.trim_start_matches('/')
        );
        let req = match post {
            Some((body, content_type)) => self
                .client
                .post(&url)
                .header("content-type", content_type)
                .body(body.to_string()),
            None => self.client.get(&url),
        };
        let resp = req
            .header("x-oir-tenant", tenant)
            .send()
            .await
            .map_err(|e| format!("{url}: {}", explain(&e)))?;
        let status = resp.status();
        let text = resp
            .text()
            .await
            .map_err(|e| format!("{url}: {}", explain(&e)))?;
        if !status.is_success() {
            return Err(format!(
                "{url}: HTTP {status}: {}",
                text.chars().take(300).collect::<String>()
            ));
        }
        Ok(text)
    }

    /// GET an admin resource of a stub as JSON.
    pub async fn admin_get(
        &self,
        resource: &str,
        tenant: &str,
    ) -> Result<serde_json::Value, String> {
        let text = self.admin_call(None, resource, tenant).await?;
        serde_json::from_str(&text).map_err(|e| format!("{resource}: not JSON ({e})"))
    }

    /// POST to an admin resource of a stub.
    pub async fn admin_post(
        &self,
        resource: &str,
        tenant: &str,
        body: &str,
        content_type: &str,
    ) -> Result<(), String> {
        self.admin_call(Some((body, content_type)), resource, tenant)
            .await
            .map(|_| ())
    }

    /// Can a TCP connection be opened to the URL's host and port? (pre-flight: exit code 3)
    pub async fn reachable(url: &str, timeout_ms: u64) -> Result<(), String> {
        let rest = url
            .split_once("://")
            .map(|(_, r)| r)
            .ok_or_else(|| format!("'{url}' is not a URL"))?;
        let hostport = rest.split('/').next().unwrap_or(rest);
        let default_port = if url.starts_with("https://") { 443 } else { 80 };
        let addr = if hostport.contains(':') && !hostport.ends_with(']') {
            hostport.to_string()
        } else {
            format!("{hostport}:{default_port}")
        };
        match tokio::time::timeout(
            Duration::from_millis(timeout_ms.min(5_000)),
            tokio::net::TcpStream::connect(&addr),
        )
        .await
        {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => Err(format!("{addr}: {e}")),
            Err(_) => Err(format!(
                "{addr}: no connection within {} ms",
                timeout_ms.min(5_000)
            )),
        }
    }
}
