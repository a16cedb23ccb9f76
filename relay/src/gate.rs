//! The gate between one peer's WebSocket and the samod repo. It reads every message the peer
//! sends and decides: pass it on, answer it itself, or close this one peer. It is where the
//! relay enforces
//! - per-register secrets ([`Message::Auth`], checked against [`Access`]): a request or sync
//!   for a document without its secret is answered `doc-unavailable`, exactly as for a
//!   document the relay does not hold; the first secret brought claims a document, and for a
//!   founded register only with its founder's proof, so knowing a register's id is not enough
//!   to take it first;
//! - the limits of [`Limits`] (frame size is set on the WebSocket itself);
//! - the journal ([`Journal`]): changes are on disk before samod sees them.
//!
//! Malformed CBOR, an unknown message type, a sync for a document the peer gave no secret
//! for, or a peer that stops answering pings closes that peer with a log line; the others
//! are unaffected. Secrets are never logged.

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::extract::ws::{Message as Frame, WebSocket};
use futures::channel::mpsc;
use futures::{SinkExt, StreamExt};
use qingfeng_wire::Message;
use samod::{AcceptorHandle, Transport};

use crate::access::{Access, Check};
use crate::config::Limits;
use crate::journal::Journal;

/// What every connection shares.
pub(crate) struct Shared {
    pub(crate) access: Access,
    pub(crate) journal: Journal,
    pub(crate) limits: Limits,
    /// The relay's peer id, to answer in its name.
    pub(crate) relay_peer: String,
    /// Bytes under `--data`, as last counted plus what was journaled since (twice: the journal
    /// and samod's copy).
    pub(crate) storage_used: AtomicU64,
    /// How many connected peers hold each document.
    pub(crate) peers: Mutex<HashMap<String, usize>>,
    /// Documents whose secret changed (a member replaced it, or the operator locked it): every
    /// connection holding one checks its secret again at once.
    pub(crate) replaced: tokio::sync::broadcast::Sender<String>,
    /// Connections open now: in all, and by address.
    pub(crate) open: Mutex<(usize, HashMap<std::net::IpAddr, usize>)>,
    /// Claims made lately, by address: a bucket each ([`Limits::claims_per_minute`]).
    pub(crate) claims: Mutex<HashMap<std::net::IpAddr, Bucket>>,
}

/// A token bucket: `rate` tokens a second, up to `burst`; each message (or claim) takes one,
/// each byte of a frame one of the byte bucket's.
pub(crate) struct Bucket {
    tokens: f64,
    at: Instant,
}

impl Bucket {
    fn full(burst: f64) -> Self {
        Self { tokens: burst, at: Instant::now() }
    }

    /// The tokens there would be now.
    fn level(&self, rate: f64, burst: f64, now: Instant) -> f64 {
        (self.tokens + now.duration_since(self.at).as_secs_f64() * rate).min(burst)
    }

    /// Takes a token, if there is one.
    fn take(&mut self, rate: f64, burst: f64) -> bool {
        self.take_n(1.0, rate, burst)
    }

    /// Takes `n` tokens, if there are so many.
    fn take_n(&mut self, n: f64, rate: f64, burst: f64) -> bool {
        let now = Instant::now();
        self.tokens = self.level(rate, burst, now);
        self.at = now;
        let taken = self.tokens >= n;
        if taken {
            self.tokens -= n;
        }
        taken
    }
}

/// What a claim's file takes on disk, for the storage count.
const CLAIM_BYTES: u64 = 4096;

/// A connection's place among [`Shared::open`], given back when it ends.
pub(crate) struct Admitted {
    shared: Arc<Shared>,
    ip: Option<std::net::IpAddr>,
}

impl Shared {
    /// Whether `ip` may claim one more register now (peers without an address always may).
    fn may_claim(&self, ip: Option<std::net::IpAddr>) -> bool {
        let Some(ip) = ip else { return true };
        let per_minute = f64::from(self.limits.claims_per_minute);
        let (rate, burst) = (per_minute / 60.0, per_minute);
        let mut claims = self.claims.lock().expect("claim counts");
        // Addresses whose bucket is full again are forgotten, so the map stays small.
        let now = Instant::now();
        claims.retain(|_, bucket| bucket.level(rate, burst, now) < burst);
        claims.entry(ip).or_insert_with(|| Bucket::full(burst)).take(rate, burst)
    }

    /// Admits one more connection from `ip`, or says which limit it is over.
    pub(crate) fn admit(self: &Arc<Self>, ip: Option<std::net::IpAddr>) -> Result<Admitted, &'static str> {
        let mut open = self.open.lock().expect("connection counts");
        if open.0 >= self.limits.connections {
            return Err("the relay has as many connections as it takes; try again later");
        }
        if let Some(ip) = ip {
            let from = open.1.entry(ip).or_default();
            if *from >= self.limits.connections_per_ip {
                return Err("too many connections from this address; try again later");
            }
            *from += 1;
        }
        open.0 += 1;
        Ok(Admitted { shared: self.clone(), ip })
    }
}

impl Drop for Admitted {
    fn drop(&mut self) {
        let mut open = self.shared.open.lock().expect("connection counts");
        open.0 = open.0.saturating_sub(1);
        if let Some(ip) = self.ip
            && let Some(from) = open.1.get_mut(&ip)
        {
            *from -= 1;
            if *from == 0 {
                open.1.remove(&ip);
            }
        }
    }
}

/// How long one frame may take to reach a peer: a peer that stops reading is closed, instead of
/// its connection holding everything the repo queues for it.
const SEND_LIMIT: std::time::Duration = std::time::Duration::from_secs(10);

/// Messages from one peer waiting for the repo.
const INBOUND_QUEUE: usize = 64;

/// The byte bucket's size: a largest frame (a register's first sync), or two seconds at the
/// byte rate, whichever is more.
fn byte_burst(limits: &Limits) -> f64 {
    (limits.max_frame as f64).max(limits.bytes_per_second as f64 * 2.0)
}

/// Message types passed on for a document the peer holds; anything else unknown closes it.
const PASSED: [&str; 4] = ["ephemeral", "remote-subscription-change", "remote-heads-changed", "leave"];

/// What to do with one message from the peer.
enum Verdict {
    Forward,
    Answer(Message),
    Drop,
    Close(String),
}

/// One peer's state.
struct Peer {
    shared: Arc<Shared>,
    remote: Option<SocketAddr>,
    peer_id: Option<String>,
    /// Secrets the peer gave, by document.
    secrets: HashMap<String, String>,
    /// Founder proofs the peer gave, by document: a founded register is claimed with its proof.
    founders: HashMap<String, String>,
    /// Documents the peer may sync.
    granted: HashSet<String>,
    /// The message rate's bucket.
    messages: Bucket,
    /// The byte rate's bucket.
    bytes: Bucket,
}

/// Serves one peer until it leaves, breaks a rule or stops answering; `_admitted` holds its
/// place among the open connections until then.
pub(crate) async fn serve(
    socket: WebSocket,
    acceptor: AcceptorHandle,
    shared: Arc<Shared>,
    remote: Option<SocketAddr>,
    _admitted: Admitted,
) {
    // Into the repo, bounded: a peer that sends faster than the repo takes waits (its socket
    // is not read meanwhile). Out of the repo, unbounded: samod queues for each connection
    // without a bound of its own anyway, and a peer that stops reading is closed after
    // SEND_LIMIT, which drops that queue.
    let (mut to_repo, from_peer) = mpsc::channel::<Vec<u8>>(INBOUND_QUEUE);
    let (to_peer, mut from_repo) = mpsc::unbounded::<Vec<u8>>();
    let transport = Transport::new(from_peer.map(Ok::<_, std::io::Error>), to_peer);
    if acceptor.accept(transport).is_err() {
        tracing::warn!(?remote, "sync repo is stopping; WebSocket dropped");
        return;
    }
    let messages = Bucket::full(f64::from(shared.limits.messages_per_second) * 2.0);
    let bytes = Bucket::full(byte_burst(&shared.limits));
    let mut peer = Peer {
        shared,
        remote,
        peer_id: None,
        secrets: HashMap::new(),
        founders: HashMap::new(),
        granted: HashSet::new(),
        messages,
        bytes,
    };
    let idle = peer.shared.limits.idle;
    let mut ping = tokio::time::interval(idle / 3);
    ping.tick().await;
    let mut replaced = peer.shared.replaced.subscribe();
    let mut heard = Instant::now();
    let (mut sink, mut stream) = socket.split();
    // Sends one frame within SEND_LIMIT; false when the peer is gone or stopped reading.
    async fn deliver(sink: &mut futures::stream::SplitSink<WebSocket, Frame>, frame: Frame) -> Result<(), String> {
        match tokio::time::timeout(SEND_LIMIT, sink.send(frame)).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(_)) => Err(String::new()),
            Err(_) => Err(format!("did not read for {} s", SEND_LIMIT.as_secs())),
        }
    }
    let ended: Option<String> = loop {
        // What the peer sent first: a relay too busy to run this loop for a while finds the
        // peer's frames before its idle check, and does not take a slow relay for a dead peer.
        tokio::select! {
            biased;
            frame = stream.next() => {
                heard = Instant::now();
                let bytes = match frame {
                    None | Some(Ok(Frame::Close(_))) => break None,
                    Some(Ok(Frame::Binary(bytes))) => bytes,
                    // Pings and pongs count against the message rate like any message.
                    Some(Ok(Frame::Ping(_) | Frame::Pong(_))) => {
                        if peer.take_token() {
                            continue;
                        }
                        break Some(peer.over_rate());
                    }
                    Some(Ok(Frame::Text(_))) => break Some("sent a text frame; the protocol is binary CBOR".into()),
                    Some(Err(e)) => {
                        let e = e.to_string();
                        if e.contains("Space limit") || e.contains("too long") {
                            break Some(format!("oversized frame: {e}"));
                        }
                        // The peer went away without a closing handshake: nothing it did wrong.
                        tracing::debug!(remote = ?peer.remote, error = %e, "a peer's connection broke");
                        break None;
                    }
                };
                if !peer.take_bytes(bytes.len()) {
                    break Some(peer.over_byte_rate());
                }
                match peer.judge(&bytes).await {
                    Verdict::Forward => match tokio::time::timeout(SEND_LIMIT, to_repo.send(bytes.to_vec())).await {
                        Ok(Ok(())) => {}
                        Ok(Err(_)) => break Some("the sync repo closed the connection".into()),
                        Err(_) => break Some(format!("the sync repo took nothing for {} s", SEND_LIMIT.as_secs())),
                    },
                    Verdict::Answer(answer) => {
                        if let Err(e) = deliver(&mut sink, Frame::Binary(answer.encode().into())).await {
                            break (!e.is_empty()).then_some(e);
                        }
                    }
                    Verdict::Drop => {}
                    Verdict::Close(reason) => break Some(reason),
                }
            }
            out = from_repo.next() => match out {
                Some(bytes) => {
                    if let Err(e) = deliver(&mut sink, Frame::Binary(bytes.into())).await {
                        break (!e.is_empty()).then_some(e);
                    }
                }
                None => break None,
            },
            document = replaced.recv() => {
                let lost = match document {
                    Ok(document) => peer.granted.contains(&document) && !peer.still_granted(&document),
                    Err(_) => peer.lost_any(),
                };
                if lost {
                    break Some(SECRET_REPLACED.into());
                }
            }
            _ = ping.tick() => {
                if heard.elapsed() > idle {
                    break Some(format!("no answer for {} s (half-open connection)", idle.as_secs()));
                }
                if let Err(e) = deliver(&mut sink, Frame::Ping(Default::default())).await {
                    break (!e.is_empty()).then_some(e);
                }
            }
        }
    };
    if let Some(reason) = ended {
        tracing::warn!(remote = ?peer.remote, peer = ?peer.peer_id, %reason, "closed a peer");
        let error = Message::Error { message: reason };
        let _ = sink.send(Frame::Binary(error.encode().into())).await;
    }
    let _ = sink.send(Frame::Close(None)).await;
    peer.leave();
}

/// Why a connection holding a replaced or revoked secret is closed. The browser reconnects, and
/// the document is refused alone; the other registers on the connection go on.
const SECRET_REPLACED: &str = "the secret of a register on this connection was replaced or revoked; reconnecting";

impl Peer {
    /// Whether the peer's secret for `document` is still the document's.
    fn still_granted(&self, document: &str) -> bool {
        let Some(secret) = self.secrets.get(document) else { return false };
        matches!(self.shared.access.check(document, secret), Ok(Check::Granted))
    }

    /// Whether the peer lost any document it syncs.
    fn lost_any(&self) -> bool {
        self.granted.iter().any(|document| !self.still_granted(document))
    }

    async fn judge(&mut self, bytes: &[u8]) -> Verdict {
        if !self.take_token() {
            return Verdict::Close(self.over_rate());
        }
        let message = match Message::decode(bytes) {
            Ok(message) => message,
            Err(e) => return Verdict::Close(format!("unreadable message: {e}")),
        };
        if let Some(document) = message.document_id()
            && !qingfeng_wire::is_document_id(document)
        {
            return Verdict::Close(format!("{} for a malformed document id", message.kind()));
        }
        match message {
            Message::Join { sender_id, .. } => {
                if self.peer_id.is_some() {
                    return Verdict::Close("joined twice".into());
                }
                self.peer_id = Some(sender_id);
                Verdict::Forward
            }
            Message::Auth { document_id, secret, new_secret, founder } => {
                if let Some(founder) = founder {
                    self.founders.insert(document_id.clone(), founder);
                }
                self.auth(document_id, secret, new_secret)
            }
            Message::Request { document_id, data, .. } => self.sync(document_id, &data, true).await,
            Message::Sync { document_id, data, .. } => self.sync(document_id, &data, false).await,
            Message::DocUnavailable { document_id, .. } => {
                if self.granted.contains(&document_id) {
                    Verdict::Forward
                } else {
                    Verdict::Drop
                }
            }
            Message::Other { kind, document_id } if PASSED.contains(&kind.as_str()) => match document_id {
                Some(document) if !self.granted.contains(&document) => Verdict::Drop,
                _ => Verdict::Forward,
            },
            Message::Error { message } => {
                Verdict::Close(format!("the peer reported an error: {}", message.chars().take(200).collect::<String>()))
            }
            Message::Peer { .. } => Verdict::Close("sent a peer message; only the relay answers joins".into()),
            Message::Other { kind, .. } => {
                Verdict::Close(format!("unknown message type {:?}", kind.chars().take(40).collect::<String>()))
            }
        }
    }

    fn over_rate(&self) -> String {
        format!("over {} messages per second; reconnect later", self.shared.limits.messages_per_second)
    }

    fn over_byte_rate(&self) -> String {
        format!("over {} bytes per second; reconnect later", self.shared.limits.bytes_per_second)
    }

    fn take_bytes(&mut self, n: usize) -> bool {
        let rate = self.shared.limits.bytes_per_second as f64;
        self.bytes.take_n(n as f64, rate, byte_burst(&self.shared.limits))
    }

    fn take_token(&mut self) -> bool {
        let rate = f64::from(self.shared.limits.messages_per_second);
        self.messages.take(rate, rate * 2.0)
    }

    /// Keeps a secret for later requests; with `new_secret`, replaces the document's secret if
    /// `secret` is the current one (or the document is unclaimed). Never answers, so a prober
    /// learns nothing.
    fn auth(&mut self, document: String, secret: String, new_secret: Option<String>) -> Verdict {
        let Some(new_secret) = new_secret else {
            self.secrets.insert(document, secret);
            return Verdict::Drop;
        };
        // Replacing the secret of an unclaimed document claims it: a founded one only with its
        // proof.
        if !self.founder_proved(&document)
            && matches!(self.shared.access.check(&document, &secret), Ok(Check::Unclaimed))
        {
            tracing::warn!(document = %document, peer = ?self.peer_id, "refused a claim without the founder's proof");
            return Verdict::Drop;
        }
        match self.shared.access.replace(&document, &secret, &new_secret) {
            Ok(true) => {
                tracing::info!(document = %document, peer = ?self.peer_id, "a member replaced the document's secret");
                self.secrets.insert(document.clone(), new_secret);
                // Nobody may be listening: then nobody holds the old secret either.
                let _ = self.shared.replaced.send(document);
                return Verdict::Drop;
            }
            Ok(false) => tracing::info!(
                document = %document, peer = ?self.peer_id, "refused to replace a secret: the old one is not the document's"
            ),
            Err(e) => tracing::error!(document = %document, error = %e, "cannot store a new secret"),
        }
        self.secrets.insert(document, new_secret);
        Verdict::Drop
    }

    /// A request or sync: admitted with the document's secret, answered `doc-unavailable`
    /// without it; changes go to the journal before samod sees them.
    async fn sync(&mut self, document: String, data: &[u8], request: bool) -> Verdict {
        let Some(peer_id) = self.peer_id.clone() else {
            return Verdict::Close("sync before join".into());
        };
        if !self.granted.contains(&document) {
            let Some(secret) = self.secrets.get(&document) else {
                if request {
                    return self.unavailable(document, peer_id);
                }
                return Verdict::Close("sync for a document the peer never joined (gave no secret for)".into());
            };
            // Over the limit, this document is refused alone (before anything is claimed): a
            // browser carries every register it shares on one connection, and the others go on.
            if self.granted.len() >= self.shared.limits.documents_per_peer {
                tracing::warn!(
                    peer = %peer_id,
                    limit = self.shared.limits.documents_per_peer,
                    "refused a document: over the documents one connection may sync"
                );
                return self.unavailable(document, peer_id);
            }
            // The first peer that brings the document claims it; asking for it claims nothing.
            // A claim costs two flushed writes: off the async threads, and a few a minute from
            // one address (refused, it stays unclaimed).
            let (shared, id, secret, ip) = (self.shared.clone(), document.clone(), secret.clone(), self.remote);
            let proved = self.founder_proved(&document);
            let decided = tokio::task::spawn_blocking(move || -> std::io::Result<(Check, bool)> {
                let check = shared.access.check(&id, &secret)?;
                if request || check != Check::Unclaimed {
                    return Ok((check, false));
                }
                if !proved {
                    tracing::warn!(document = %id, remote = ?ip, "refused a claim without the founder's proof");
                    return Ok((check, false));
                }
                if !shared.may_claim(ip.map(|r| r.ip())) {
                    tracing::warn!(remote = ?ip, "refused a claim: too many from this address");
                    return Ok((check, false));
                }
                Ok((shared.access.check_or_claim(&id, &secret)?, true))
            })
            .await
            .unwrap_or_else(|e| Err(std::io::Error::other(e.to_string())));
            match decided {
                Ok((Check::Granted, claimed)) => {
                    if claimed {
                        // A claim is a small file under --data: counted like the changes.
                        self.shared.storage_used.fetch_add(CLAIM_BYTES, Ordering::Relaxed);
                    }
                }
                Ok((Check::Unclaimed | Check::Refused, _)) => return self.unavailable(document, peer_id),
                Err(e) => {
                    tracing::error!(document = %document, error = %e, "cannot read or store the document's claim");
                    return self.unavailable(document, peer_id);
                }
            }
            self.granted.insert(document.clone());
            *self.shared.peers.lock().expect("peer counts").entry(document.clone()).or_default() += 1;
        }
        self.journal(document, data).await
    }

    /// Whether this peer may claim `document` if it is unclaimed: a founded register only with
    /// its founder's proof (`qingfeng_wire::proves_founder`); an older one as it always was.
    fn founder_proved(&self, document: &str) -> bool {
        !qingfeng_wire::needs_founder(document)
            || self.founders.get(document).is_some_and(|proof| qingfeng_wire::proves_founder(document, proof))
    }

    fn unavailable(&self, document_id: String, target_id: String) -> Verdict {
        Verdict::Answer(Message::DocUnavailable { document_id, sender_id: self.shared.relay_peer.clone(), target_id })
    }

    /// Writes the message's changes to the journal (flushed) and lets it through.
    async fn journal(&self, document: String, data: &[u8]) -> Verdict {
        let message = match automerge::sync::Message::decode(data) {
            Ok(message) => message,
            Err(e) => return Verdict::Close(format!("unreadable automerge sync message: {e}")),
        };
        if message.changes.is_empty() {
            return Verdict::Forward;
        }
        let size: u64 = message.changes.iter().map(|c| c.len() as u64).sum();
        let used = self.shared.storage_used.load(Ordering::Relaxed);
        if used.saturating_add(2 * size) > self.shared.limits.max_storage {
            return Verdict::Close(format!(
                "the relay's storage is full ({used} of {} bytes); ask its operator",
                self.shared.limits.max_storage
            ));
        }
        let shared = self.shared.clone();
        let written = tokio::task::spawn_blocking(move || {
            let chunks: Vec<&[u8]> = message.changes.iter().collect();
            shared.journal.append(&document, &chunks)
        })
        .await;
        match written {
            Ok(Ok(bytes)) => {
                self.shared.storage_used.fetch_add(2 * bytes, Ordering::Relaxed);
                Verdict::Forward
            }
            // A chunk that does not read is refused before the journal, where it would stop a
            // crash replay from reading the entries after it.
            Ok(Err(e)) if e.kind() == std::io::ErrorKind::InvalidData => {
                Verdict::Close(format!("a change in the sync message cannot be read: {e}"))
            }
            Ok(Err(e)) => {
                tracing::error!(error = %e, "cannot write the journal");
                Verdict::Close("the relay cannot store changes right now".into())
            }
            Err(e) => Verdict::Close(format!("the relay's journal task failed: {e}")),
        }
    }

    fn leave(&self) {
        let mut peers = self.shared.peers.lock().expect("peer counts");
        for document in &self.granted {
            if let Some(count) = peers.get_mut(document) {
                *count = count.saturating_sub(1);
                if *count == 0 {
                    peers.remove(document);
                }
            }
        }
    }
}

/// Counts the bytes under `dir`.
pub(crate) fn disk_usage(dir: &std::path::Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    entries
        .flatten()
        .map(|entry| match entry.metadata() {
            Ok(meta) if meta.is_dir() => disk_usage(&entry.path()),
            Ok(meta) => meta.len(),
            Err(_) => 0,
        })
        .sum()
}
