//! What the relay promises on a crash: a change it passed on to any peer was on disk first.
//! The built binary is killed with SIGKILL in the middle of heavy sync, restarted on the same
//! data folder, and must still hold every change a watching peer had received. Loopback only,
//! a bounded number of edits.

mod common;

use std::net::{SocketAddr, TcpListener};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use automerge::Automerge;
use common::{client, eventually, get, put, read, sync_url, within};
use hyper::StatusCode;

/// Edits the writer makes at most.
const EDITS: u32 = 400;
/// The watcher must have seen this many before the kill.
const BEFORE_KILL: u32 = 60;

fn free_addr() -> SocketAddr {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap()
}

async fn spawn(addr: SocketAddr, data: &std::path::Path, log: &std::path::Path) -> Child {
    let log = std::fs::OpenOptions::new().create(true).append(true).open(log).unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_qingfeng-relay"))
        .args(["--addr", &addr.to_string(), "--dist", "/nonexistent", "--data"])
        .arg(data)
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("the relay binary starts");
    within("the relay answers /health", async {
        loop {
            if tokio::net::TcpStream::connect(addr).await.is_ok() && get(addr, "/health").await.status == StatusCode::OK
            {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
    child
}

fn counter(doc: &Automerge) -> u32 {
    read(doc, "n").and_then(|n| n.parse().ok()).unwrap_or(0)
}

#[tokio::test]
async fn kill_9_during_sync_loses_nothing_a_peer_received() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let log = dir.path().join("relay.log");
    let addr = free_addr();
    let mut relay = spawn(addr, &data, &log).await;
    let url = sync_url(addr, None);

    let (writer, dialer) = client(&url).await;
    let doc = within("create", writer.create(Automerge::new())).await.unwrap();
    doc.with_document(|d| put(d, "n", "0"));
    within("relay has it", doc.they_have_our_changes(dialer.connection_id().unwrap())).await;
    let id = doc.document_id().clone();
    let (watcher, _) = client(&url).await;
    let watched = within("watcher finds it", watcher.find(id.clone())).await.unwrap().expect("found");

    let writing = tokio::spawn({
        let doc = doc.clone();
        async move {
            for n in 1..=EDITS {
                doc.with_document(|d| put(d, "n", &n.to_string()));
                tokio::time::sleep(Duration::from_millis(3)).await;
            }
        }
    });
    eventually("the watcher receives edits", || watched.with_document(|d| counter(d)) >= BEFORE_KILL).await;
    relay.kill().expect("SIGKILL");
    relay.wait().unwrap();
    let seen = watched.with_document(|d| counter(d));
    writing.abort();
    watcher.stop().await;
    writer.stop().await;

    let mut relay = spawn(addr, &data, &log).await;
    let (reader, _) = client(&url).await;
    let found = within("find after restart", reader.find(id)).await.unwrap().expect("the document survived");
    let recovered = found.with_document(|d| counter(d));
    assert!(recovered >= seen, "the watcher had seen edit {seen}, the restarted relay has only {recovered}");
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.contains("recovered journaled changes"), "the journal was replayed:\n{text}");
    reader.stop().await;
    relay.kill().unwrap();
    relay.wait().unwrap();
}
