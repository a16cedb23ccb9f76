//! The `--token` check on the `/sync` WebSocket upgrade.

mod common;

use automerge::Automerge;
use common::{client, config, get, put, read, start, sync_url, within};
use hyper::StatusCode;
use tokio_tungstenite::tungstenite;

const TOKEN: &str = "s3cret token/+&";

/// Tries a WebSocket upgrade; `Ok` carries the handshake status, `Err` the
/// refusal's status and body.
async fn upgrade(url: &samod::Url) -> Result<u16, (u16, String)> {
    match within("WebSocket upgrade", tokio_tungstenite::connect_async(url.as_str())).await {
        Ok((_socket, response)) => Ok(response.status().as_u16()),
        Err(tungstenite::Error::Http(response)) => Err((
            response.status().as_u16(),
            String::from_utf8_lossy(response.body().as_deref().unwrap_or_default()).into_owned(),
        )),
        Err(other) => panic!("unexpected WebSocket error: {other}"),
    }
}

#[tokio::test]
async fn upgrade_without_token_is_refused_with_401() {
    let dir = tempfile::tempdir().unwrap();
    let relay = start(config(dir.path(), &dir.path().join("data"), Some(TOKEN))).await;

    let (status, body) = upgrade(&sync_url(relay.local_addr(), None)).await.expect_err("no token, no upgrade");
    assert_eq!(status, 401);
    assert!(body.contains("requires an access token"), "{body}");

    relay.shutdown().await.unwrap();
}

#[tokio::test]
async fn upgrade_with_wrong_token_is_refused_with_401() {
    let dir = tempfile::tempdir().unwrap();
    let relay = start(config(dir.path(), &dir.path().join("data"), Some(TOKEN))).await;

    for wrong in ["", "s3cret", "s3cret token/+&x"] {
        let (status, body) =
            upgrade(&sync_url(relay.local_addr(), Some(wrong))).await.expect_err("wrong token, no upgrade");
        assert_eq!(status, 401, "{wrong:?}");
        assert!(body.contains("token"), "{body}");
    }

    relay.shutdown().await.unwrap();
}

#[tokio::test]
async fn upgrade_with_token_succeeds_and_syncs() {
    let dir = tempfile::tempdir().unwrap();
    let relay = start(config(dir.path(), &dir.path().join("data"), Some(TOKEN))).await;
    let url = sync_url(relay.local_addr(), Some(TOKEN));

    assert_eq!(upgrade(&url).await, Ok(101));
    // Through the token gate, a document goes up and a second client finds it.
    let (repo, dialer) = client(&url).await;
    let doc = within("create", repo.create(Automerge::new())).await.unwrap();
    doc.with_document(|d| put(d, "title", "高桥小学"));
    within("the relay has it", doc.they_have_our_changes(dialer.connection_id().expect("connected"))).await;
    let (other, _) = client(&url).await;
    let found = within("found", other.find(doc.document_id().clone())).await.unwrap().expect("the relay holds it");
    assert_eq!(found.with_document(|d| read(d, "title")).as_deref(), Some("高桥小学"));

    other.stop().await;
    repo.stop().await;
    relay.shutdown().await.unwrap();
}

#[tokio::test]
async fn without_configured_token_anyone_may_upgrade() {
    let dir = tempfile::tempdir().unwrap();
    let relay = start(config(dir.path(), &dir.path().join("data"), None)).await;

    assert_eq!(upgrade(&sync_url(relay.local_addr(), None)).await, Ok(101));
    assert_eq!(upgrade(&sync_url(relay.local_addr(), Some("anything"))).await, Ok(101));

    relay.shutdown().await.unwrap();
}

#[tokio::test]
async fn token_does_not_guard_the_app_or_health() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("index.html"), "app").unwrap();
    let relay = start(config(dir.path(), &dir.path().join("data"), Some(TOKEN))).await;

    assert_eq!(get(relay.local_addr(), "/").await.status, StatusCode::OK);
    assert_eq!(get(relay.local_addr(), "/health").await.status, StatusCode::OK);

    relay.shutdown().await.unwrap();
}
