//! The web app, its SPA fallback, the "not built" page, and `/health`.

mod common;

use std::fs;

use common::{config, get, get_with, start};
use hyper::StatusCode;

const INDEX: &str = "<!doctype html><title>清风</title><body>qingfeng-index</body>";
const WASM: &[u8] = b"\0asm\x01\0\0\0";

fn built_app() -> tempfile::TempDir {
    let dist = tempfile::tempdir().expect("temp dir");
    fs::write(dist.path().join("index.html"), INDEX).expect("write index");
    fs::write(dist.path().join("qingfeng_bg.wasm"), WASM).expect("write wasm");
    fs::write(dist.path().join("style.css"), "body{}").expect("write css");
    fs::write(dist.path().join("qingfeng.js"), "export {}").expect("write js");
    fs::write(dist.path().join("manifest.webmanifest"), "{}").expect("write manifest");
    dist
}

#[tokio::test]
async fn serves_index_at_root() {
    let (dist, data) = (built_app(), tempfile::tempdir().unwrap());
    let relay = start(config(dist.path(), data.path(), None)).await;

    let reply = get(relay.local_addr(), "/").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.content_type().starts_with("text/html"), "{}", reply.content_type());
    assert_eq!(reply.text(), INDEX);

    relay.shutdown().await.unwrap();
}

#[tokio::test]
async fn serves_files_with_their_content_types() {
    let (dist, data) = (built_app(), tempfile::tempdir().unwrap());
    let relay = start(config(dist.path(), data.path(), None)).await;

    let wasm = get(relay.local_addr(), "/qingfeng_bg.wasm").await;
    assert_eq!(wasm.status, StatusCode::OK);
    assert_eq!(wasm.content_type(), "application/wasm");
    assert_eq!(wasm.body, WASM);

    let css = get(relay.local_addr(), "/style.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(css.content_type().starts_with("text/css"), "{}", css.content_type());

    relay.shutdown().await.unwrap();
}

#[tokio::test]
async fn client_side_routes_get_the_index() {
    let (dist, data) = (built_app(), tempfile::tempdir().unwrap());
    let relay = start(config(dist.path(), data.path(), None)).await;

    for path in ["/r/abc/risks", "/r/abc", "/settings?lang=en"] {
        let reply = get(relay.local_addr(), path).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}");
        assert!(reply.content_type().starts_with("text/html"), "{path}");
        assert_eq!(reply.text(), INDEX, "{path}");
    }

    relay.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_missing_file_is_404_not_the_page() {
    let (dist, data) = (built_app(), tempfile::tempdir().unwrap());
    let relay = start(config(dist.path(), data.path(), None)).await;

    for path in ["/qingfeng-0123456789abcdef_bg.wasm", "/no-such-file.js", "/r/abc/missing.css"] {
        let reply = get(relay.local_addr(), path).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{path}");
        assert!(!reply.text().contains("qingfeng-index"), "{path}");
        assert_eq!(reply.headers["cache-control"], "no-cache", "{path}");
    }

    relay.shutdown().await.unwrap();
}

#[tokio::test]
async fn hashed_files_are_cached_for_a_year_and_the_rest_revalidated() {
    let (dist, data) = (built_app(), tempfile::tempdir().unwrap());
    fs::write(dist.path().join("app-0123456789abcdef.css"), "body{}").unwrap();
    fs::write(dist.path().join("sw.js"), "// service worker").unwrap();
    let relay = start(config(dist.path(), data.path(), None)).await;

    let cache = |reply: &common::Reply| reply.headers["cache-control"].to_str().unwrap().to_string();
    let hashed = get(relay.local_addr(), "/app-0123456789abcdef.css").await;
    assert_eq!(cache(&hashed), "public, max-age=31536000, immutable");
    for path in ["/", "/index.html", "/sw.js", "/qingfeng.js", "/r/abc/risks"] {
        let reply = get(relay.local_addr(), path).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}");
        assert_eq!(cache(&reply), "no-cache", "{path}");
    }

    relay.shutdown().await.unwrap();
}

#[tokio::test]
async fn precompressed_copies_are_served_to_browsers_that_accept_them() {
    let (dist, data) = (built_app(), tempfile::tempdir().unwrap());
    let js = "export const 清风 = 1;\n".repeat(500);
    fs::write(dist.path().join("qingfeng-0123456789abcdef.js"), &js).unwrap();
    qingfeng_relay::precompress_dir(dist.path()).unwrap();
    let relay = start(config(dist.path(), data.path(), None)).await;
    let path = "/qingfeng-0123456789abcdef.js";

    let br = get_with(relay.local_addr(), path, &[("accept-encoding", "gzip, deflate, br")]).await;
    assert_eq!(br.status, StatusCode::OK);
    assert_eq!(br.headers["content-encoding"], "br");
    assert!(br.content_type().starts_with("text/javascript"), "{}", br.content_type());
    assert_eq!(br.body, fs::read(dist.path().join("qingfeng-0123456789abcdef.js.br")).unwrap());
    assert!(br.body.len() < js.len() / 10);
    assert_eq!(br.headers["cache-control"], "public, max-age=31536000, immutable");

    let gz = get_with(relay.local_addr(), path, &[("accept-encoding", "gzip")]).await;
    assert_eq!(gz.headers["content-encoding"], "gzip");
    let plain = get(relay.local_addr(), path).await;
    assert!(plain.headers.get("content-encoding").is_none());
    assert_eq!(plain.text(), js);

    relay.shutdown().await.unwrap();
}

#[tokio::test]
async fn paths_cannot_escape_the_app_folder() {
    let parent = tempfile::tempdir().unwrap();
    let dist = parent.path().join("dist");
    fs::create_dir_all(&dist).unwrap();
    fs::write(dist.join("index.html"), INDEX).unwrap();
    fs::write(parent.path().join("private.txt"), "outside").unwrap();
    let relay = start(config(&dist, &parent.path().join("data"), None)).await;

    for path in ["/../private.txt", "/%2e%2e/private.txt", "/..%2fprivate.txt"] {
        let reply = get(relay.local_addr(), path).await;
        assert!(!reply.text().contains("outside"), "{path} escaped the app folder");
    }

    relay.shutdown().await.unwrap();
}

#[tokio::test]
async fn missing_app_answers_503_with_an_explanation() {
    let parent = tempfile::tempdir().unwrap();
    let dist = parent.path().join("dist-not-built");
    let data = parent.path().join("data");
    let relay = start(config(&dist, &data, None)).await;

    for path in ["/", "/r/abc/risks", "/index.html"] {
        let reply = get(relay.local_addr(), path).await;
        assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE, "{path}");
        assert!(reply.content_type().starts_with("text/plain"), "{path}");
        let text = reply.text();
        assert!(text.contains("not built yet"), "{text}");
        assert!(text.contains("README"), "{text}");
    }
    let health = get(relay.local_addr(), "/health").await;
    assert_eq!(health.status, StatusCode::OK);

    relay.shutdown().await.unwrap();
}

#[tokio::test]
async fn app_built_while_running_is_served() {
    let parent = tempfile::tempdir().unwrap();
    let dist = parent.path().join("dist");
    let relay = start(config(&dist, &parent.path().join("data"), None)).await;
    assert_eq!(get(relay.local_addr(), "/").await.status, StatusCode::SERVICE_UNAVAILABLE);

    fs::create_dir_all(&dist).unwrap();
    fs::write(dist.join("index.html"), INDEX).unwrap();
    assert_eq!(get(relay.local_addr(), "/").await.text(), INDEX);
    assert_eq!(get(relay.local_addr(), "/r/x/risks").await.text(), INDEX);

    relay.shutdown().await.unwrap();
}

#[tokio::test]
async fn health_reports_ok_and_version() {
    let (dist, data) = (built_app(), tempfile::tempdir().unwrap());
    let relay = start(config(dist.path(), data.path(), Some("secret"))).await;

    let reply = get(relay.local_addr(), "/health").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.content_type().starts_with("application/json"));
    let json: serde_json::Value = serde_json::from_slice(&reply.body).expect("JSON body");
    assert_eq!(json["status"], "ok");
    assert_eq!(json["version"], env!("CARGO_PKG_VERSION"));

    relay.shutdown().await.unwrap();
}

#[tokio::test]
async fn unusable_data_folder_is_a_clear_error() {
    let parent = tempfile::tempdir().unwrap();
    let file = parent.path().join("not-a-folder");
    fs::write(&file, "x").unwrap();
    let error = match qingfeng_relay::Relay::start(config(parent.path(), &file, None)).await {
        Ok(_) => panic!("a file is not a data folder"),
        Err(error) => error,
    };
    assert!(matches!(error, qingfeng_relay::RelayError::DataDir { .. }), "{error}");
    assert!(error.to_string().contains("not-a-folder"), "{error}");
}

#[tokio::test]
async fn every_response_carries_a_strict_policy_and_errors_echo_nothing() {
    let (dist, data) = (built_app(), tempfile::tempdir().unwrap());
    let script = "import init from '/qingfeng.js'; init();";
    fs::write(dist.path().join("index.html"), format!("<!doctype html><script type=\"module\">{script}</script>"))
        .unwrap();
    let relay = start(config(dist.path(), data.path(), None)).await;

    for path in ["/", "/r/abc/risks", "/qingfeng.js", "/health", "/no-such-file.js"] {
        let reply = get(relay.local_addr(), path).await;
        let csp = reply.headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("script-src 'self' 'wasm-unsafe-eval' 'sha256-"), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'") && csp.contains("object-src 'none'"), "{csp}");
        assert!(!csp.contains("'unsafe-eval'"), "{csp}");
        assert_eq!(reply.headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(reply.headers["referrer-policy"], "no-referrer", "{path}");
        assert_eq!(reply.headers["x-frame-options"], "DENY", "{path}");
    }
    // The inline script's hash is the one the browser computes.
    use base64::Engine as _;
    use sha2::Digest as _;
    let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(script));
    let csp = get(relay.local_addr(), "/").await.headers["content-security-policy"].to_str().unwrap().to_string();
    assert!(csp.contains(&format!("'sha256-{hash}'")), "{csp}");
    // A 404 says nothing of the path asked or of the folders.
    let missing = get(relay.local_addr(), "/%3Cscript%3Ealert(1)%3C/script%3E.js").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(
        !missing.text().contains("script")
            && !missing.text().contains("%3C")
            && !missing.text().contains(&dist.path().display().to_string())
    );
    relay.shutdown().await.unwrap();

    // Not built: the explanation names no folder.
    let parent = tempfile::tempdir().unwrap();
    let relay = start(config(&parent.path().join("dist-not-built"), &parent.path().join("data"), None)).await;
    let text = get(relay.local_addr(), "/").await.text();
    assert!(!text.contains(&parent.path().display().to_string()), "{text}");
    relay.shutdown().await.unwrap();
}

#[tokio::test]
async fn sync_refuses_pages_of_other_sites() {
    let (dist, data) = (built_app(), tempfile::tempdir().unwrap());
    let relay = start(config(dist.path(), data.path(), None)).await;
    let addr = relay.local_addr();
    let upgrade = |origin: &'static str| {
        let mut headers = vec![
            ("connection", "upgrade"),
            ("upgrade", "websocket"),
            ("sec-websocket-version", "13"),
            ("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ=="),
        ];
        if !origin.is_empty() {
            headers.push(("origin", origin));
        }
        async move { get_with(addr, "/sync", &headers).await.status }
    };
    assert_eq!(upgrade("https://evil.example").await, StatusCode::FORBIDDEN);
    assert_eq!(upgrade("null").await, StatusCode::SWITCHING_PROTOCOLS, "a one-file copy");
    assert_eq!(upgrade("").await, StatusCode::SWITCHING_PROTOCOLS, "a peer outside a browser");
    let own = format!("http://{addr}");
    let own: &'static str = Box::leak(own.into_boxed_str());
    assert_eq!(upgrade(own).await, StatusCode::SWITCHING_PROTOCOLS, "the relay's own pages");
    relay.shutdown().await.unwrap();
}
