//! What every response of the web app says to the browser about itself, and which pages may open
//! `/sync`.
//!
//! - A strict Content-Security-Policy: scripts only from this server (the two inline scripts of
//!   `index.html` by their SHA-256, read from the served file), WebAssembly compiled from them
//!   (`'wasm-unsafe-eval'`), connections to this server and to relays (`ws:`/`wss:`: a register
//!   may sync with another relay the member confirmed), no plugins, no framing.
//! - `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer`, `X-Frame-Options: DENY`.
//! - `/sync` takes pages of its own origin, the one-file copy (`Origin: null`), clients that send
//!   no Origin (automerge-repo peers outside a browser), and the origins of `--allow-origin`.

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::SystemTime;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine as _;
use sha2::{Digest, Sha256};

/// The policy, rebuilt when `index.html` changes (a deploy while the relay runs).
pub(crate) struct Policy {
    index: PathBuf,
    cached: Mutex<Option<(SystemTime, HeaderValue)>>,
    /// The relay serves TLS itself: browsers are told to use nothing else for a year.
    hsts: bool,
}

impl Policy {
    pub(crate) fn new(dist: &std::path::Path, hsts: bool) -> Self {
        Self { index: dist.join("index.html"), cached: Mutex::default(), hsts }
    }

    fn csp(&self) -> HeaderValue {
        let modified = std::fs::metadata(&self.index).and_then(|m| m.modified()).ok();
        let mut cached = self.cached.lock().expect("policy cache");
        if let (Some(modified), Some((at, value))) = (modified, cached.as_ref())
            && *at == modified
        {
            return value.clone();
        }
        let html = std::fs::read_to_string(&self.index).unwrap_or_default();
        let value = HeaderValue::from_str(&content_security_policy(&html)).expect("the policy is ASCII");
        if let Some(modified) = modified {
            *cached = Some((modified, value.clone()));
        }
        value
    }
}

/// The Content-Security-Policy for a page whose inline scripts are those of `html`.
pub fn content_security_policy(html: &str) -> String {
    let hashes: String = inline_scripts(html)
        .iter()
        .map(|script| format!(" 'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(Sha256::digest(script))))
        .collect();
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data: blob:; connect-src 'self' ws: wss:; worker-src 'self'; object-src 'none'; \
         base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
}

/// The text of every `<script>` without `src` in `html`.
fn inline_scripts(html: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find("<script") {
        let Some(open_end) = rest[at..].find('>') else { break };
        let open = &rest[at..at + open_end];
        let body_start = at + open_end + 1;
        let Some(close) = rest[body_start..].find("</script>") else { break };
        if !open.contains(" src=") {
            found.push(&rest[body_start..body_start + close]);
        }
        rest = &rest[body_start + close + "</script>".len()..];
    }
    found
}

/// Adds the headers to every response.
pub(crate) async fn security_headers(
    State(policy): State<std::sync::Arc<Policy>>,
    request: Request,
    next: Next,
) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, policy.csp());
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if policy.hsts {
        headers.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000"));
    }
    response
}

/// Whether a WebSocket upgrade with these headers may open `/sync`.
pub(crate) fn origin_allowed(headers: &HeaderMap, allowed: &[String]) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) else { return true };
    if origin == "null" || allowed.iter().any(|a| a.trim_end_matches('/').eq_ignore_ascii_case(origin)) {
        return true;
    }
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or_default();
    origin.split_once("://").is_some_and(|(_, rest)| !host.is_empty() && rest.eq_ignore_ascii_case(host))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_are_hashed_and_others_are_not() {
        let html = r#"<head><script type="module">import init from '/a.js';</script><script src="/x.js"></script>
            <script>if (!window.WebAssembly) {}</script></head>"#;
        assert_eq!(inline_scripts(html), ["import init from '/a.js';", "if (!window.WebAssembly) {}"]);
        let csp = content_security_policy(html);
        assert_eq!(csp.matches("'sha256-").count(), 2);
        assert!(csp.contains("'wasm-unsafe-eval'") && csp.contains("frame-ancestors 'none'"));
        assert!(!csp.contains("'unsafe-eval'") && !csp.contains("script-src 'self' 'unsafe-inline'"));
    }

    #[test]
    fn sync_takes_its_own_pages_file_copies_and_listed_origins() {
        let with = |origin: Option<&str>| {
            let mut headers = HeaderMap::new();
            headers.insert(header::HOST, HeaderValue::from_static("jw.example.cn:8443"));
            if let Some(origin) = origin {
                headers.insert(header::ORIGIN, HeaderValue::from_str(origin).unwrap());
            }
            headers
        };
        let listed = vec!["https://county.example.cn".to_string()];
        assert!(origin_allowed(&with(Some("https://jw.example.cn:8443")), &[]));
        assert!(origin_allowed(&with(Some("null")), &[]));
        assert!(origin_allowed(&with(None), &[]));
        assert!(!origin_allowed(&with(Some("https://evil.example")), &listed));
        assert!(origin_allowed(&with(Some("https://county.example.cn")), &listed));
    }
}
