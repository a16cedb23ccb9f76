//! The web app, its SPA fallback, the "not built" page, and `/health`.

mod common;

use std::fs;

use common::{config, get, start};
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

    for path in ["/r/abc/risks", "/r/abc", "/settings?lang=en", "/no-such-file.js"] {
        let reply = get(relay.local_addr(), path).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}");
        assert!(reply.content_type().starts_with("text/html"), "{path}");
        assert_eq!(reply.text(), INDEX, "{path}");
    }

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
