//! The relay's gate: per-register secrets, limits and bad peers, with real WebSockets. Raw
//! clients speak the protocol message by message (with `qingfeng-wire`); samod clients play
//! members.

mod common;

use std::time::Duration;

use automerge::sync::SyncDoc;
use automerge::{Automerge, sync};
use common::{SECRET, client, client_with_secret, config, get, put, read, start, sync_url, within};
use futures::{SinkExt, StreamExt};
use hyper::StatusCode;
use qingfeng_relay::{Config, Limits, Relay};
use qingfeng_wire::Message as Wire;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

const ME: &str = "raw-test-peer";

async fn relay_with(limits: Limits) -> (Relay, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let relay = start(Config { limits, ..config(dir.path(), &dir.path().join("data"), None) }).await;
    (relay, dir)
}

/// A raw peer that has joined: the relay's peer id comes back.
async fn joined(relay: &Relay) -> (Socket, String) {
    let url = sync_url(relay.local_addr(), None);
    let (mut socket, _) = within("connect", tokio_tungstenite::connect_async(url.as_str())).await.unwrap();
    send(
        &mut socket,
        &Wire::Join { sender_id: ME.into(), storage_id: None, ephemeral: true, versions: vec!["1".into()] },
    )
    .await;
    match next(&mut socket).await {
        Some(Wire::Peer { sender_id, target_id, .. }) if target_id == ME => (socket, sender_id),
        other => panic!("expected a peer message, got {other:?}"),
    }
}

async fn send(socket: &mut Socket, message: &Wire) {
    socket.send(Message::Binary(message.encode().into())).await.expect("send");
}

/// The next protocol message, or `None` once the relay closed the connection.
async fn next(socket: &mut Socket) -> Option<Wire> {
    within("a message from the relay", async {
        loop {
            match socket.next().await {
                Some(Ok(Message::Binary(bytes))) => {
                    return Some(Wire::decode(&bytes).expect("the relay sends valid CBOR"));
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return None,
                Some(Ok(_)) => {}
            }
        }
    })
    .await
}

/// Reads until the relay closes; returns the reason of its error message.
async fn closed_with(socket: &mut Socket) -> String {
    let mut reason = None;
    while let Some(message) = next(socket).await {
        if let Wire::Error { message } = message {
            reason = Some(message);
        }
    }
    reason.expect("the relay says why it closes")
}

fn document() -> String {
    qingfeng_wire::document_id(&uuid_like()).unwrap()
}

fn uuid_like() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).unwrap();
    // A version-4 UUID, as registers made before founder proofs have (version 8 is founded).
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    format!(
        "{}-{}-{}-{}-{}",
        hex(&bytes[..4]),
        hex(&bytes[4..6]),
        hex(&bytes[6..8]),
        hex(&bytes[8..10]),
        hex(&bytes[10..])
    )
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A sync message that carries changes (the third of a local exchange).
fn sync_with_changes(size: usize) -> Vec<u8> {
    let mut a = Automerge::new();
    // Random text: Automerge compresses large changes, and repeated text would shrink to nothing.
    let payload: String = std::iter::repeat_with(uuid_like).take(size / 36 + 1).collect();
    put(&mut a, "payload", &payload);
    let mut b = Automerge::new();
    let (mut sa, mut sb) = (sync::State::new(), sync::State::new());
    let first = a.generate_sync_message(&mut sa).unwrap();
    b.receive_sync_message(&mut sb, first).unwrap();
    let second = b.generate_sync_message(&mut sb).unwrap();
    a.receive_sync_message(&mut sa, second).unwrap();
    let third = a.generate_sync_message(&mut sa).unwrap();
    assert!(!third.changes.is_empty());
    third.encode()
}

fn request(document: &str, relay_peer: &str) -> Wire {
    let empty = Automerge::new().generate_sync_message(&mut sync::State::new()).unwrap().encode();
    Wire::Request { document_id: document.into(), sender_id: ME.into(), target_id: relay_peer.into(), data: empty }
}

#[tokio::test]
async fn a_register_is_claimed_by_its_first_secret_and_refused_without_it() {
    let (relay, _dir) = relay_with(Limits::default()).await;
    let url = sync_url(relay.local_addr(), None);

    // A member brings a register with its secret: that claims it.
    let (repo_a, dialer_a) = client(&url).await;
    let doc_a = within("create", repo_a.create(Automerge::new())).await.unwrap();
    doc_a.with_document(|doc| put(doc, "unit", "清风小学"));
    within("relay has it", doc_a.they_have_our_changes(dialer_a.connection_id().unwrap())).await;
    let id = doc_a.document_id().to_string();

    // The same secret finds it; a wrong one does not.
    let (repo_b, _) = client(&url).await;
    let found = within("find", repo_b.find(id.parse().unwrap())).await.unwrap().expect("right secret");
    assert_eq!(found.with_document(|doc| read(doc, "unit")).as_deref(), Some("清风小学"));
    let (repo_c, _) = client_with_secret(&url, "a guess").await;
    assert!(within("find", repo_c.find(id.parse().unwrap())).await.unwrap().is_none(), "wrong secret gets nothing");

    // Refused and unknown look exactly the same to a prober.
    let (mut raw, relay_peer) = joined(&relay).await;
    let unknown = document();
    for (document, secret) in [(id.as_str(), "wrong"), (unknown.as_str(), "wrong")] {
        send(
            &mut raw,
            &Wire::Auth { document_id: document.into(), secret: secret.into(), new_secret: None, founder: None },
        )
        .await;
        send(&mut raw, &request(document, &relay_peer)).await;
        assert_eq!(
            next(&mut raw).await,
            Some(Wire::DocUnavailable {
                document_id: document.into(),
                sender_id: relay_peer.clone(),
                target_id: ME.into()
            })
        );
    }
    // Asking without any secret: the same answer again.
    send(&mut raw, &request(&id, &relay_peer)).await;
    assert!(matches!(next(&mut raw).await, Some(Wire::DocUnavailable { .. })));
    // Asking for an unknown document with a secret claims nothing.
    let (repo_d, _) = client_with_secret(&url, "mine now").await;
    assert!(within("find", repo_d.find(unknown.parse().unwrap())).await.unwrap().is_none());
    assert_eq!(qingfeng_relay::documents(&_dir.path().join("data")).iter().filter(|d| d.claimed).count(), 1);

    for repo in [repo_a, repo_b, repo_c, repo_d] {
        repo.stop().await;
    }
    relay.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_new_secret_shuts_out_the_old_link_at_once_and_the_operator_can_lock_a_register() {
    let (relay, dir) = relay_with(Limits::default()).await;
    let data = dir.path().join("data");
    let url = sync_url(relay.local_addr(), None);
    let (repo_a, dialer_a) = client(&url).await;
    let doc = within("create", repo_a.create(Automerge::new())).await.unwrap();
    doc.with_document(|doc| put(doc, "k", "v"));
    within("relay has it", doc.they_have_our_changes(dialer_a.connection_id().unwrap())).await;
    let id = doc.document_id().to_string();

    // A member replaces the secret; a wrong old secret cannot.
    let (mut raw, _) = joined(&relay).await;
    let rotate = |old: &str, new: &str| Wire::Auth {
        document_id: id.clone(),
        secret: old.into(),
        new_secret: Some(new.into()),
        founder: None,
    };
    send(&mut raw, &rotate("not it", "hijack")).await;
    send(&mut raw, &rotate(SECRET, "fresh")).await;
    // The relay never answers an access message; wait until it has read them.
    send(&mut raw, &Wire::Other { kind: "leave".into(), document_id: None }).await;
    tokio::time::sleep(Duration::from_millis(200)).await;

    let (old_link, _) = client(&url).await;
    assert!(within("find", old_link.find(id.parse().unwrap())).await.unwrap().is_none(), "the old secret is out");
    let (hijacker, _) = client_with_secret(&url, "hijack").await;
    assert!(within("find", hijacker.find(id.parse().unwrap())).await.unwrap().is_none());
    let (new_link, dialer_new) = client_with_secret(&url, "fresh").await;
    let kept = within("find", new_link.find(id.parse().unwrap())).await.unwrap().expect("the new secret works");

    // The member still connected with the old secret hears nothing more: its connection was
    // closed when the secret was replaced.
    kept.with_document(|doc| put(doc, "after", "the new secret"));
    within("relay has it", kept.they_have_our_changes(dialer_new.connection_id().unwrap())).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(doc.with_document(|doc| read(doc, "after")), None, "the old secret's connection hears nothing");

    // The operator locks the register with a secret of their own (another process, while the
    // relay runs): the new link's connection is out within seconds, the operator's secret in.
    let listed = qingfeng_relay::documents(&data);
    assert!(listed.iter().any(|d| d.id == id && d.claimed && d.size > 0), "{listed:?}");
    let register = qingfeng_wire::register_id(&id).unwrap();
    assert!(qingfeng_relay::revoke(&data, &register, Some("short")).is_err(), "a secret has 16 characters or more");
    let (_, locked) = qingfeng_relay::revoke(&data, &register, Some("the operators own secret")).unwrap();
    assert_eq!(locked, "the operators own secret");
    tokio::time::sleep(Duration::from_secs(4)).await;
    let (operator, dialer_op) = client_with_secret(&url, "the operators own secret").await;
    let theirs = within("find", operator.find(id.parse().unwrap())).await.unwrap().expect("the operator's secret");
    theirs.with_document(|doc| put(doc, "locked", "yes"));
    within("relay has it", theirs.they_have_our_changes(dialer_op.connection_id().unwrap())).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(kept.with_document(|doc| read(doc, "locked")), None, "the replaced link hears nothing");
    let (stranger, _) = client_with_secret(&url, "fresh").await;
    assert!(within("find", stranger.find(id.parse().unwrap())).await.unwrap().is_none(), "never unclaimed");
    assert!(qingfeng_relay::documents(&data).iter().any(|d| d.id == id && d.claimed));

    for repo in [repo_a, old_link, hijacker, new_link, operator, stranger] {
        repo.stop().await;
    }
    relay.shutdown().await.unwrap();
}

#[tokio::test]
async fn bad_peers_are_closed_one_by_one_and_the_relay_stays_up() {
    let (relay, _dir) = relay_with(Limits { idle: Duration::from_secs(1), ..Limits::default() }).await;

    // Malformed CBOR.
    let (mut socket, _) = joined(&relay).await;
    socket.send(Message::Binary(vec![0xa1, 0x64, 0x74].into())).await.unwrap();
    assert!(closed_with(&mut socket).await.contains("unreadable message"));

    // An unknown message type.
    let (mut socket, _) = joined(&relay).await;
    send(&mut socket, &Wire::Other { kind: "take-over".into(), document_id: None }).await;
    assert!(closed_with(&mut socket).await.contains("unknown message type"));

    // A sync for a document the peer never gave a secret for.
    let (mut socket, relay_peer) = joined(&relay).await;
    let sync = Wire::Sync {
        document_id: document(),
        sender_id: ME.into(),
        target_id: relay_peer,
        data: sync_with_changes(10),
    };
    send(&mut socket, &sync).await;
    assert!(closed_with(&mut socket).await.contains("never joined"));

    // A change that cannot be read, among good ones: refused before the journal, where it would
    // stop a crash replay from reading the entries after it.
    let (mut socket, relay_peer) = joined(&relay).await;
    let damaged = document();
    send(
        &mut socket,
        &Wire::Auth { document_id: damaged.clone(), secret: "our secret".into(), new_secret: None, founder: None },
    )
    .await;
    let mut message = sync::Message::decode(&sync_with_changes(10)).unwrap();
    let mut changes: Vec<Vec<u8>> = message.changes.iter().map(<[u8]>::to_vec).collect();
    changes.push(b"\x85\x6f\x4a\x83 not a change".to_vec());
    message.changes = changes.into();
    let sync = Wire::Sync { document_id: damaged, sender_id: ME.into(), target_id: relay_peer, data: message.encode() };
    send(&mut socket, &sync).await;
    assert!(closed_with(&mut socket).await.contains("cannot be read"));
    let journals = _dir.path().join("data").join("_qingfeng").join("journal");
    assert_eq!(std::fs::read_dir(&journals).map(Iterator::count).unwrap_or(0), 0, "nothing journaled");

    // A text frame.
    let (mut socket, _) = joined(&relay).await;
    socket.send(Message::Text("hello".into())).await.unwrap();
    assert!(closed_with(&mut socket).await.contains("text frame"));

    // Through all this the relay serves others.
    assert_eq!(get(relay.local_addr(), "/health").await.status, StatusCode::OK);
    let url = sync_url(relay.local_addr(), None);
    let (repo, dialer) = client(&url).await;
    let doc = within("create", repo.create(Automerge::new())).await.unwrap();
    doc.with_document(|doc| put(doc, "still", "works"));
    within("relay has it", doc.they_have_our_changes(dialer.connection_id().unwrap())).await;
    repo.stop().await;
    relay.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_silent_peer_is_closed_after_the_idle_time() {
    let (relay, _dir) = relay_with(Limits { idle: Duration::from_secs(1), ..Limits::default() }).await;
    let (mut silent, _) = joined(&relay).await;
    // Not reading for a while means not answering pings. (Its first read answers the queued
    // pings, which fails on the closed socket, so the relay's reason may not be readable.)
    tokio::time::sleep(Duration::from_millis(2500)).await;
    while let Some(message) = next(&mut silent).await {
        assert!(!matches!(message, Wire::Error { ref message } if !message.contains("half-open")), "{message:?}");
    }
    relay.shutdown().await.unwrap();
}

#[tokio::test]
async fn each_limit_stops_only_what_is_over_it() {
    // Messages per second.
    let (relay, _dir) = relay_with(Limits { messages_per_second: 5, ..Limits::default() }).await;
    let (mut calm, relay_peer) = joined(&relay).await;
    let (mut noisy, _) = joined(&relay).await;
    for _ in 0..40 {
        let _ = noisy.send(Message::Binary(request(&document(), &relay_peer).encode().into())).await;
    }
    assert!(closed_with(&mut noisy).await.contains("messages per second"));
    // Pings count too: they cost the relay a pong each.
    let (mut pinging, _) = joined(&relay).await;
    for _ in 0..40 {
        let _ = pinging.send(Message::Ping(Vec::new().into())).await;
    }
    assert!(closed_with(&mut pinging).await.contains("messages per second"));
    send(&mut calm, &request(&document(), &relay_peer)).await;
    assert!(matches!(next(&mut calm).await, Some(Wire::DocUnavailable { .. })), "the calm peer is served");
    relay.shutdown().await.unwrap();

    // Bytes per second: large messages within the burst (32 KiB here) pass, the one beyond it
    // does not. (No more is sent after it: unread bytes would reset the connection before the
    // relay's reason is read.)
    let limits = Limits { bytes_per_second: 16 << 10, max_frame: 16 << 10, ..Limits::default() };
    let (relay, _dir) = relay_with(limits).await;
    let (mut calm, relay_peer) = joined(&relay).await;
    let (mut heavy, _) = joined(&relay).await;
    let large = |document: &str| Wire::Request {
        document_id: document.into(),
        sender_id: ME.into(),
        target_id: relay_peer.clone(),
        data: vec![0; 8 << 10],
    };
    for _ in 0..4 {
        send(&mut heavy, &large(&document())).await;
    }
    assert!(closed_with(&mut heavy).await.contains("bytes per second"));
    send(&mut calm, &large(&document())).await;
    assert!(matches!(next(&mut calm).await, Some(Wire::DocUnavailable { .. })), "the calm peer is served");
    relay.shutdown().await.unwrap();

    // Connections from one address, and in all.
    let (relay, _dir) = relay_with(Limits { connections_per_ip: 2, connections: 3, ..Limits::default() }).await;
    let url = sync_url(relay.local_addr(), None);
    let connect = || tokio_tungstenite::connect_async(url.as_str());
    let (first, second) = (connect().await.unwrap(), connect().await.unwrap());
    match connect().await {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => assert_eq!(response.status().as_u16(), 503),
        other => panic!("a third connection from one address is refused, got {:?}", other.map(|_| ())),
    }
    drop(first);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let third = within("a place is free again", connect()).await.expect("admitted once one closed");
    drop((second, third));
    relay.shutdown().await.unwrap();

    // An unknown field nested a million deep: refused at once, the relay unharmed.
    let (relay, _dir) = relay_with(Limits::default()).await;
    let (mut nested, _) = joined(&relay).await;
    let mut frame = vec![0xa2, 0x64, b't', b'y', b'p', b'e', 0x65, b'l', b'e', b'a', b'v', b'e', 0x61, b'x'];
    frame.extend(std::iter::repeat_n(0x81, 1_000_000));
    frame.push(0x00);
    nested.send(Message::Binary(frame.into())).await.unwrap();
    assert!(closed_with(&mut nested).await.contains("deeper than"));
    assert_eq!(get(relay.local_addr(), "/health").await.status, StatusCode::OK);
    relay.shutdown().await.unwrap();

    // Documents per connection.
    // The one over the limit is refused alone: the connection and the first document go on.
    let (relay, _dir) = relay_with(Limits { documents_per_peer: 1, ..Limits::default() }).await;
    let (mut socket, relay_peer) = joined(&relay).await;
    let documents = [document(), document()];
    for document in &documents {
        send(
            &mut socket,
            &Wire::Auth { document_id: document.clone(), secret: "s".into(), new_secret: None, founder: None },
        )
        .await;
        let data = sync_with_changes(10);
        send(
            &mut socket,
            &Wire::Sync { document_id: document.clone(), sender_id: ME.into(), target_id: relay_peer.clone(), data },
        )
        .await;
    }
    let mut answered = Vec::new();
    while answered.len() < 2 {
        match next(&mut socket).await.expect("the connection stays open") {
            Wire::DocUnavailable { document_id, .. } => answered.push(("unavailable", document_id)),
            Wire::Sync { document_id, .. } if !answered.iter().any(|(_, d)| *d == document_id) => {
                answered.push(("sync", document_id));
            }
            _ => {}
        }
    }
    answered.sort();
    assert_eq!(answered, [("sync", documents[0].clone()), ("unavailable", documents[1].clone())]);
    send(
        &mut socket,
        &Wire::Sync {
            document_id: documents[0].clone(),
            sender_id: ME.into(),
            target_id: relay_peer.clone(),
            data: sync_with_changes(3),
        },
    )
    .await;
    assert!(
        matches!(next(&mut socket).await, Some(Wire::Sync { document_id, .. }) if document_id == documents[0]),
        "the first document still syncs"
    );
    relay.shutdown().await.unwrap();

    // Frame size.
    let (relay, _dir) = relay_with(Limits { max_frame: 1024, ..Limits::default() }).await;
    let (mut socket, _) = joined(&relay).await;
    let _ = socket.send(Message::Binary(vec![0u8; 4096].into())).await;
    assert!(closed_with(&mut socket).await.contains("oversized"), "an oversized frame closes the peer");
    let (_other, _) = joined(&relay).await;
    relay.shutdown().await.unwrap();

    // Storage.
    let (relay, _dir) = relay_with(Limits { max_storage: 1024, ..Limits::default() }).await;
    let (mut socket, relay_peer) = joined(&relay).await;
    let document = document();
    send(
        &mut socket,
        &Wire::Auth { document_id: document.clone(), secret: "s".into(), new_secret: None, founder: None },
    )
    .await;
    let data = sync_with_changes(4096);
    send(&mut socket, &Wire::Sync { document_id: document, sender_id: ME.into(), target_id: relay_peer, data }).await;
    assert!(closed_with(&mut socket).await.contains("storage is full"));
    relay.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_stored_register_without_a_secret_is_locked_at_start_up() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let relay = start(config(dir.path(), &data, None)).await;
    let url = sync_url(relay.local_addr(), None);
    let (repo, dialer) = client(&url).await;
    let doc = within("create", repo.create(Automerge::new())).await.unwrap();
    doc.with_document(|doc| put(doc, "unit", "清风小学"));
    within("relay has it", doc.they_have_our_changes(dialer.connection_id().unwrap())).await;
    let id = doc.document_id().to_string();
    repo.stop().await;
    relay.shutdown().await.unwrap();

    // A data folder from before claims: the register is stored, its claim is not.
    std::fs::remove_file(data.join("_qingfeng").join("access").join(&id)).unwrap();
    assert!(!qingfeng_relay::documents(&data).iter().any(|d| d.id == id && d.claimed));
    let relay = start(config(dir.path(), &data, None)).await;
    assert!(qingfeng_relay::documents(&data).iter().any(|d| d.id == id && d.claimed), "locked at start-up");
    // Whoever brings it first with a secret of their own does not claim it.
    let (mut raw, relay_peer) = joined(&relay).await;
    send(
        &mut raw,
        &Wire::Auth { document_id: id.clone(), secret: "whoever comes first".into(), new_secret: None, founder: None },
    )
    .await;
    let sync = Wire::Sync {
        document_id: id.clone(),
        sender_id: ME.into(),
        target_id: relay_peer,
        data: sync_with_changes(10),
    };
    send(&mut raw, &sync).await;
    assert!(matches!(next(&mut raw).await, Some(Wire::DocUnavailable { .. })), "nobody claims it");
    relay.shutdown().await.unwrap();
}

#[tokio::test]
async fn one_address_claims_a_few_registers_a_minute() {
    let (relay, dir) = relay_with(Limits::default()).await;
    let (mut socket, relay_peer) = joined(&relay).await;
    let documents: Vec<String> = (0..25).map(|_| document()).collect();
    for document in &documents {
        send(
            &mut socket,
            &Wire::Auth { document_id: document.clone(), secret: "s".into(), new_secret: None, founder: None },
        )
        .await;
        let data = sync_with_changes(10);
        let sync =
            Wire::Sync { document_id: document.clone(), sender_id: ME.into(), target_id: relay_peer.clone(), data };
        send(&mut socket, &sync).await;
    }
    let mut refused = std::collections::BTreeSet::new();
    let mut answered = std::collections::BTreeSet::new();
    while answered.len() + refused.len() < documents.len() {
        match next(&mut socket).await.expect("the connection stays open") {
            Wire::DocUnavailable { document_id, .. } => {
                refused.insert(document_id);
            }
            Wire::Sync { document_id, .. } => {
                answered.insert(document_id);
            }
            _ => {}
        }
    }
    assert_eq!((answered.len(), refused.len()), (20, 5), "twenty claims, then refusals");
    let claimed = qingfeng_relay::documents(&dir.path().join("data")).iter().filter(|d| d.claimed).count();
    assert!(claimed <= 20, "{claimed} claimed");
    relay.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_founded_register_is_claimed_by_its_founder_only() {
    let (relay, dir) = relay_with(Limits::default()).await;
    let proof = "the founder's proof, kept in the founding browser";
    let id = qingfeng_wire::document_id(&qingfeng_wire::founded_register_id(proof)).unwrap();
    let auth = |secret: &str, new_secret: Option<&str>, founder: Option<&str>| Wire::Auth {
        document_id: id.clone(),
        secret: secret.into(),
        new_secret: new_secret.map(str::to_string),
        founder: founder.map(str::to_string),
    };
    let sync = |relay_peer: &str| Wire::Sync {
        document_id: id.clone(),
        sender_id: ME.into(),
        target_id: relay_peer.into(),
        data: sync_with_changes(3),
    };

    // Someone who knows the id (from a file, an export, an address) tries to take it first:
    // with a secret of their own, with a guessed proof, and by "replacing" its secret.
    let (mut thief, relay_peer) = joined(&relay).await;
    for founder in [None, Some("a guess")] {
        send(&mut thief, &auth("the thief's secret", None, founder)).await;
        send(&mut thief, &sync(&relay_peer)).await;
        assert!(matches!(next(&mut thief).await, Some(Wire::DocUnavailable { .. })), "not claimed");
    }
    send(&mut thief, &auth("x", Some("the thief's secret"), None)).await;
    send(&mut thief, &sync(&relay_peer)).await;
    assert!(matches!(next(&mut thief).await, Some(Wire::DocUnavailable { .. })), "not claimed by a replacement");
    assert!(!qingfeng_relay::documents(&dir.path().join("data")).iter().any(|d| d.id == id && d.claimed));

    // The founder brings it with the proof: claimed, and then the thief's secret opens nothing.
    let (mut founder, relay_peer) = joined(&relay).await;
    send(&mut founder, &auth("the register's secret", None, Some(proof))).await;
    send(&mut founder, &sync(&relay_peer)).await;
    assert!(matches!(next(&mut founder).await, Some(Wire::Sync { .. })), "the founder syncs");
    let (mut member, relay_peer) = joined(&relay).await;
    send(&mut member, &auth("the register's secret", None, None)).await;
    send(&mut member, &sync(&relay_peer)).await;
    assert!(
        matches!(next(&mut member).await, Some(Wire::Sync { .. })),
        "a member with the secret syncs, no proof needed"
    );
    send(&mut thief, &sync(&relay_peer)).await;
    assert!(matches!(next(&mut thief).await, Some(Wire::DocUnavailable { .. })));
    relay.shutdown().await.unwrap();
}
