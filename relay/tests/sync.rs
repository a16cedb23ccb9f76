//! Real sync through the relay: samod client repos (in-memory storage) dial
//! the relay over `ws://`, exchange a document, and find it again after the
//! relay restarts on the same data folder.

mod common;

use std::path::Path;

use automerge::Automerge;
use common::{client, config, eventually, get, put, read, start, sync_url, within};
use futures::SinkExt;
use hyper::StatusCode;
use samod::Repo;
use tokio_tungstenite::tungstenite::Message;

/// Counts the files below `dir`.
fn files_under(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|entry| {
                    let path = entry.path();
                    if path.is_dir() { files_under(&path) } else { 1 }
                })
                .sum()
        })
        .unwrap_or(0)
}

#[tokio::test]
async fn two_clients_sync_through_the_relay_and_data_survives_a_restart() {
    let dist = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let relay = start(config(dist.path(), data.path(), None)).await;
    let url = sync_url(relay.local_addr(), None);

    // Client A creates a document and writes a value.
    let (repo_a, dialer_a) = client(&url).await;
    let doc_a = within("create", repo_a.create(Automerge::new())).await.unwrap();
    doc_a.with_document(|doc| put(doc, "title", "清风 register"));
    let to_relay = dialer_a.connection_id().expect("A is connected");
    within("relay has A's document", doc_a.they_have_our_changes(to_relay)).await;
    let id = doc_a.document_id().clone();

    // Client B finds the same document through the relay.
    let (repo_b, _dialer_b) = client(&url).await;
    let doc_b =
        within("B finds the document", repo_b.find(id.clone())).await.unwrap().expect("the relay has the document");
    assert_eq!(doc_b.with_document(|doc| read(doc, "title")).as_deref(), Some("清风 register"));

    // Later edits flow both ways while both stay connected.
    doc_a.with_document(|doc| put(doc, "title", "edited by A"));
    eventually("B sees A's edit", || doc_b.with_document(|doc| read(doc, "title")).as_deref() == Some("edited by A"))
        .await;
    doc_b.with_document(|doc| put(doc, "note", "from B"));
    eventually("A sees B's edit", || doc_a.with_document(|doc| read(doc, "note")).as_deref() == Some("from B")).await;
    within("relay has everything", doc_a.they_have_our_changes(to_relay)).await;

    // Restart the relay on the same data folder.
    within("client A stops", repo_a.stop()).await;
    within("client B stops", repo_b.stop()).await;
    within("relay shuts down", relay.shutdown()).await.unwrap();
    assert!(files_under(data.path()) > 0, "nothing written to the data folder");

    let relay = start(config(dist.path(), data.path(), None)).await;
    let (repo_c, _dialer_c) = client(&sync_url(relay.local_addr(), None)).await;
    let doc_c = within("C finds the document after the restart", repo_c.find(id))
        .await
        .unwrap()
        .expect("the relay persisted the document");
    doc_c.with_document(|doc| {
        assert_eq!(read(doc, "title").as_deref(), Some("edited by A"));
        assert_eq!(read(doc, "note").as_deref(), Some("from B"));
    });

    within("client C stops", repo_c.stop()).await;
    relay.shutdown().await.unwrap();
}

#[tokio::test]
async fn unknown_document_is_reported_unavailable() {
    let dir = tempfile::tempdir().unwrap();
    let relay = start(config(dir.path(), &dir.path().join("data"), None)).await;
    let (repo, _dialer) = client(&sync_url(relay.local_addr(), None)).await;

    let stranger = Repo::build_tokio().load().await;
    let unknown = within("create elsewhere", stranger.create(Automerge::new())).await.unwrap();
    let found = within("find unknown", repo.find(unknown.document_id().clone())).await.unwrap();
    assert!(found.is_none());

    repo.stop().await;
    stranger.stop().await;
    relay.shutdown().await.unwrap();
}

#[tokio::test]
async fn broken_and_dropped_connections_do_not_take_the_relay_down() {
    let dir = tempfile::tempdir().unwrap();
    let relay = start(config(dir.path(), &dir.path().join("data"), None)).await;
    let url = sync_url(relay.local_addr(), None);

    // Garbage on the wire, then vanish without a close frame.
    for message in [Message::Text("hello".into()), Message::Binary(vec![0xff, 0x00, 0x13, 0x37].into())] {
        let (mut socket, _) = within("connect", tokio_tungstenite::connect_async(url.as_str())).await.unwrap();
        let _ = socket.send(message).await;
        drop(socket);
    }
    // A raw TCP connection that starts a request and disappears.
    {
        use tokio::io::AsyncWriteExt;
        let mut tcp = tokio::net::TcpStream::connect(relay.local_addr()).await.unwrap();
        tcp.write_all(b"GET /sync HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n").await.unwrap();
    }
    // A samod client that is cut off mid-session.
    {
        let (repo, _dialer) = client(&url).await;
        let doc = repo.create(Automerge::new()).await.unwrap();
        doc.with_document(|doc| put(doc, "k", "v"));
        repo.stop().await;
    }

    assert_eq!(get(relay.local_addr(), "/health").await.status, StatusCode::OK);
    let (repo_a, dialer_a) = client(&url).await;
    let (repo_b, _dialer_b) = client(&url).await;
    let doc = repo_a.create(Automerge::new()).await.unwrap();
    doc.with_document(|doc| put(doc, "still", "works"));
    within("relay has the document", doc.they_have_our_changes(dialer_a.connection_id().unwrap())).await;
    let found =
        within("B finds it", repo_b.find(doc.document_id().clone())).await.unwrap().expect("relay still relays");
    assert_eq!(found.with_document(|doc| read(doc, "still")).as_deref(), Some("works"));

    repo_a.stop().await;
    repo_b.stop().await;
    relay.shutdown().await.unwrap();
}

#[tokio::test]
async fn documents_are_not_pushed_to_peers_that_did_not_ask() {
    let dir = tempfile::tempdir().unwrap();
    let relay = start(config(dir.path(), &dir.path().join("data"), None)).await;
    let url = sync_url(relay.local_addr(), None);
    let (bystander, _dialer_x) = client(&url).await;
    let (repo_a, dialer_a) = client(&url).await;

    let doc = repo_a.create(Automerge::new()).await.unwrap();
    doc.with_document(|doc| put(doc, "secret", "unit A only"));
    within("relay has A's document", doc.they_have_our_changes(dialer_a.connection_id().unwrap())).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;

    let (connections, _) = bystander.connected_peers();
    assert_eq!(connections.len(), 1);
    assert!(
        !connections[0].docs.contains_key(doc.document_id()),
        "the relay announced another unit's document to a bystander"
    );

    repo_a.stop().await;
    bystander.stop().await;
    relay.shutdown().await.unwrap();
}
