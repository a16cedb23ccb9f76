//! Live sync through a relay, without I/O: the share link, one register's session with a relay
//! (automerge-repo messages in, messages out, the status the header shows), and the [`Link`]
//! that carries every register a browser shares on one connection. The worker owns the
//! WebSocket, the timers and the documents; this decides what to send and what the status is,
//! and is tested natively against a real relay.

use std::collections::BTreeMap;

use automerge::ChangeHash;
use automerge::sync::{Message as SyncMessage, State as SyncState};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use qingfeng_wire::{Message, PROTOCOL_VERSION};
use serde::{Deserialize, Serialize};

use crate::doc::{DocError, MergeReport, RegisterDoc};
use crate::model::Id;

/// The path of the page that takes a share link.
pub const JOIN_PATH: &str = "/join";

/// What a device keeps to sync one register live. Kept in this browser only: the secret never
/// enters the register (whose history is forever), a log, or a URL sent over the network.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Share {
    /// The relay's WebSocket address, `ws://host:port/sync` or `wss://…`.
    pub relay: String,
    /// The register.
    pub register: Id,
    /// The register's secret on that relay.
    pub secret: String,
    /// The proof that this browser founded the register (`qingfeng_wire::founded_register_id`),
    /// given to the relay with the secret so that it may claim the register there. Only in
    /// the founding browser; never in a link.
    #[serde(default)]
    pub founder: Option<String>,
}

/// Why a share link cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    /// Not a Qingfeng share link, or a part is missing.
    #[error("not a share link: it needs relay, r and k after #")]
    NotALink,
    /// The relay address is not a `ws://` or `wss://` address.
    #[error("the relay address is not ws:// or wss://")]
    BadRelay,
    /// The register id is not one.
    #[error("the register id is not valid")]
    BadRegister,
}

impl LinkError {
    /// The message's locale key.
    pub fn label_key(self) -> &'static str {
        match self {
            LinkError::NotALink => "live.link_not_a_link",
            LinkError::BadRelay => "live.link_bad_relay",
            LinkError::BadRegister => "live.link_bad_register",
        }
    }
}

impl Share {
    /// A fresh secret: 128 random bits, URL-safe.
    pub fn new_secret() -> String {
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes).expect("the system has randomness");
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// A fresh founder proof for a register about to be made: 256 random bits, URL-safe.
    pub fn new_founder() -> String {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).expect("the system has randomness");
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// The link another member opens: the app's address, then everything after `#`, which a
    /// browser never sends to a server. The page that takes it removes it from the address bar.
    /// The app's address is the page's (`page_origin`) when it was served; a page opened from a
    /// file (the one-file copy) points to the app the relay serves instead.
    pub fn link(&self, page_origin: &str) -> String {
        let app = match relay_for_origin(page_origin) {
            Some(_) => page_origin.trim_end_matches('/').to_string(),
            None => {
                let server = self.relay.trim_end_matches('/').trim_end_matches("/sync");
                server.replacen("wss://", "https://", 1).replacen("ws://", "http://", 1)
            }
        };
        format!(
            "{app}{JOIN_PATH}#relay={}&r={}&k={}",
            escape(&self.relay),
            escape(&self.register),
            escape(&self.secret)
        )
    }

    /// Reads a link (or just the part after `#`).
    pub fn parse_link(text: &str) -> Result<Share, LinkError> {
        let text = text.trim();
        let fragment = text.split_once('#').map_or(text, |(_, fragment)| fragment);
        let (mut relay, mut register, mut secret) = (None, None, None);
        for pair in fragment.split('&') {
            let Some((key, value)) = pair.split_once('=') else { continue };
            let value = unescape(value).ok_or(LinkError::NotALink)?;
            match key {
                "relay" => relay = Some(value),
                "r" => register = Some(value),
                "k" => secret = Some(value),
                _ => {}
            }
        }
        let (Some(relay), Some(register), Some(secret)) = (relay, register, secret) else {
            return Err(LinkError::NotALink);
        };
        if !(relay.starts_with("ws://") || relay.starts_with("wss://")) || relay.contains(char::is_whitespace) {
            return Err(LinkError::BadRelay);
        }
        if qingfeng_wire::document_id(&register).is_none() {
            return Err(LinkError::BadRegister);
        }
        if secret.len() < 16 {
            return Err(LinkError::NotALink);
        }
        Ok(Share { relay, register, secret, founder: None })
    }
}

/// The relay of the server at `origin` (`http://host:port`): `ws://host:port/sync`.
pub fn relay_for_origin(origin: &str) -> Option<String> {
    let origin = origin.trim_end_matches('/');
    if let Some(rest) = origin.strip_prefix("https://") {
        Some(format!("wss://{rest}/sync"))
    } else {
        origin.strip_prefix("http://").map(|rest| format!("ws://{rest}/sync"))
    }
}

/// Whether `text` is a relay address the app can use.
pub fn is_relay_address(text: &str) -> bool {
    let text = text.trim();
    (text.starts_with("ws://") || text.starts_with("wss://")) && text.len() > 6 && !text.contains(char::is_whitespace)
}

/// Percent-encodes everything but unreserved characters.
fn escape(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            out.push(byte as char);
        } else {
            out += &format!("%{byte:02X}");
        }
    }
    out
}

fn unescape(text: &str) -> Option<String> {
    let mut bytes = Vec::new();
    let mut rest = text.as_bytes();
    while let Some((&first, after)) = rest.split_first() {
        if first == b'%' {
            let hex = std::str::from_utf8(after.get(..2)?).ok()?;
            bytes.push(u8::from_str_radix(hex, 16).ok()?);
            rest = &after[2..];
        } else {
            bytes.push(first);
            rest = after;
        }
    }
    String::from_utf8(bytes).ok()
}

/// Where live sync of the open register stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum LiveStatus {
    /// Live sync is off for this register.
    #[default]
    Off,
    /// Connecting to the relay.
    Connecting,
    /// Changes are going up (`up`) and coming down (`down`, so far in this exchange).
    Syncing {
        /// Changes here the relay lacks.
        up: usize,
        /// Changes received in this exchange.
        down: usize,
    },
    /// The relay has everything this copy has, and the other way round.
    Synced {
        /// Unix seconds of the last exchange.
        at: i64,
    },
    /// No network: edits are kept here and go up when it returns.
    Offline,
    /// The relay cannot be used.
    Failed(LiveFailure),
}

/// Why live sync cannot go on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum LiveFailure {
    /// The relay does not give this register with this secret (a wrong or replaced secret, or
    /// a relay that does not hold it: by design the two look the same).
    Refused,
    /// The relay does not answer.
    Unreachable,
    /// The relay closed the connection, with its reason.
    Closed(String),
    /// What came from the relay is not this register (or is from a newer Qingfeng).
    Invalid(String),
    /// What the relay sent cannot be stored in this browser (a full quota): tried again.
    Unstored(crate::storage::StorageError),
}

impl LiveFailure {
    /// Whether trying again later may help.
    pub fn is_transient(&self) -> bool {
        matches!(self, LiveFailure::Unreachable | LiveFailure::Closed(_) | LiveFailure::Unstored(_))
    }
}

/// A document a session syncs: the open register, or the empty copy a member joins with.
pub trait Syncable {
    /// The next sync message for the relay, if any.
    fn sync_message(&mut self, state: &mut SyncState) -> Option<SyncMessage>;
    /// Applies the relay's sync message; returns what it brought.
    fn receive(&mut self, state: &mut SyncState, message: SyncMessage) -> Result<MergeReport, DocError>;
    /// The heads of this copy.
    fn heads(&mut self) -> Vec<ChangeHash>;
    /// How many changes this copy has beyond `heads`.
    fn changes_after(&mut self, heads: &[ChangeHash]) -> usize;
}

impl Syncable for RegisterDoc {
    fn sync_message(&mut self, state: &mut SyncState) -> Option<SyncMessage> {
        RegisterDoc::sync_message(self, state)
    }
    fn receive(&mut self, state: &mut SyncState, message: SyncMessage) -> Result<MergeReport, DocError> {
        self.receive_sync(state, message)
    }
    fn heads(&mut self) -> Vec<ChangeHash> {
        RegisterDoc::heads(self)
    }
    fn changes_after(&mut self, heads: &[ChangeHash]) -> usize {
        RegisterDoc::changes_after(self, heads)
    }
}

/// The empty copy a member starts from when joining by link.
#[derive(Default)]
pub struct Joining(pub automerge::AutoCommit);

impl Syncable for Joining {
    fn sync_message(&mut self, state: &mut SyncState) -> Option<SyncMessage> {
        use automerge::sync::SyncDoc as _;
        self.0.sync().generate_sync_message(state)
    }
    fn receive(&mut self, state: &mut SyncState, message: SyncMessage) -> Result<MergeReport, DocError> {
        use automerge::sync::SyncDoc as _;
        let before = self.0.get_heads();
        self.0.sync().receive_sync_message(state, message).map_err(DocError::NotAutomerge)?;
        Ok(MergeReport { changes: self.0.get_changes(&before).len(), ..MergeReport::default() })
    }
    fn heads(&mut self) -> Vec<ChangeHash> {
        self.0.get_heads()
    }
    fn changes_after(&mut self, heads: &[ChangeHash]) -> usize {
        self.0.get_changes(heads).len()
    }
}

impl Joining {
    /// The register, once the relay has sent it: loaded and checked like a file.
    pub fn register(&mut self, expected: &str) -> Result<RegisterDoc, DocError> {
        let doc = RegisterDoc::load(&self.0.save())?;
        if doc.id() != expected {
            return Err(DocError::DifferentRegister);
        }
        Ok(doc)
    }
}

/// What one incoming message asks the worker to do.
#[derive(Debug, Default)]
pub struct Step {
    /// Frames to send to the relay now.
    pub send: Vec<Vec<u8>>,
    /// The relay is owed an answer: call [`Session::changed`] soon. Answers are the driver's to
    /// pace: answering every message at once lets two busy peers ping-pong as fast as the
    /// network allows, so the worker gathers them ([`REPLY_DELAY_MS`]).
    pub reply: bool,
    /// What the relay's changes did to the document (`None` when it sent none).
    pub merged: Option<MergeReport>,
}

/// How long the worker gathers answers and local edits before sending one sync message.
pub const REPLY_DELAY_MS: u32 = 30;

/// One register's session with one relay, across reconnects.
pub struct Session {
    me: String,
    document: String,
    secret: String,
    /// The founder's proof, in the founding browser.
    founder: Option<String>,
    relay_peer: Option<String>,
    state: SyncState,
    /// The copy is still empty: the first message is a request.
    joining: bool,
    /// The secret being replaced, until the relay has answered a sync under the new one: every
    /// connection asks for the replacement again, so a frame lost with its connection cannot
    /// lock this browser out.
    replacing: Option<String>,
    status: LiveStatus,
    down: usize,
}

impl Session {
    /// A session for `share`, as peer `me`; `joining` when this browser has no copy yet.
    pub fn new(share: &Share, me: String, joining: bool) -> Result<Self, LinkError> {
        let document = qingfeng_wire::document_id(&share.register).ok_or(LinkError::BadRegister)?;
        Ok(Self {
            me,
            document,
            secret: share.secret.clone(),
            founder: share.founder.clone(),
            relay_peer: None,
            state: SyncState::new(),
            joining,
            replacing: None,
            status: LiveStatus::Connecting,
            down: 0,
        })
    }

    /// Where the session stands.
    pub fn status(&self) -> &LiveStatus {
        &self.status
    }

    /// The socket is open and carries only this session: join, and give the secret.
    pub fn opened(&mut self) -> Vec<Vec<u8>> {
        vec![join_frame(&self.me), self.begin()]
    }

    /// The socket is open (and joined): the access message for this document.
    fn begin(&mut self) -> Vec<u8> {
        self.status = LiveStatus::Connecting;
        self.auth()
    }

    /// The access message: the secret, or the replacement still unconfirmed (the relay takes
    /// it only from the old secret's holder; once done, the old one is refused and the new one
    /// given, so asking twice is harmless); in the founding browser, with the founder's proof,
    /// which lets the first of them claim the register on the relay.
    fn auth(&self) -> Vec<u8> {
        let (document_id, founder) = (self.document.clone(), self.founder.clone());
        match &self.replacing {
            Some(old) => {
                Message::Auth { document_id, secret: old.clone(), new_secret: Some(self.secret.clone()), founder }
            }
            None => Message::Auth { document_id, secret: self.secret.clone(), new_secret: None, founder },
        }
        .encode()
    }

    /// Asks the relay to replace the secret, on this connection and the next ones until the
    /// relay syncs under the new one.
    pub fn replace_secret(&mut self, new_secret: &str) -> Vec<Vec<u8>> {
        let old = std::mem::replace(&mut self.secret, new_secret.to_string());
        self.replacing.get_or_insert(old);
        if self.relay_peer.is_some() { vec![self.auth()] } else { Vec::new() }
    }

    /// The socket closed: the relay's state of us is kept (what we both had), the rest is
    /// asked again on the next connection.
    pub fn closed(&mut self, status: LiveStatus) {
        self.relay_peer = None;
        self.state = SyncState::decode(&self.state.encode()).unwrap_or_default();
        self.status = status;
    }

    /// The document changed here: what to send.
    pub fn changed(&mut self, doc: &mut impl Syncable, now: i64) -> Vec<Vec<u8>> {
        if self.relay_peer.is_none() {
            return Vec::new();
        }
        let send = self.next_message(doc).into_iter().collect();
        self.update_status(doc, now);
        send
    }

    /// One frame from the relay.
    pub fn received(&mut self, bytes: &[u8], doc: &mut impl Syncable, now: i64) -> Result<Step, LiveFailure> {
        let message = Message::decode(bytes).map_err(|e| LiveFailure::Invalid(e.to_string()))?;
        self.received_message(message, doc, now)
    }

    fn received_message(&mut self, message: Message, doc: &mut impl Syncable, now: i64) -> Result<Step, LiveFailure> {
        let mut step = Step::default();
        match message {
            Message::Peer { sender_id, .. } => {
                self.relay_peer = Some(sender_id);
                step.send.extend(self.next_message(doc));
            }
            Message::Sync { document_id, data, .. } | Message::Request { document_id, data, .. }
                if document_id == self.document =>
            {
                let message = SyncMessage::decode(&data).map_err(|e| LiveFailure::Invalid(e.to_string()))?;
                // The relay syncs with us: whatever secret we gave last is the document's.
                self.replacing = None;
                let report = doc.receive(&mut self.state, message).map_err(|e| {
                    // The document dropped what came; so does the state, which now claims it.
                    self.state = SyncState::new();
                    LiveFailure::Invalid(e.to_string())
                })?;
                self.down += report.changes;
                if report.changes > 0 {
                    self.joining = false;
                    step.merged = Some(report);
                }
                step.reply = true;
            }
            Message::DocUnavailable { document_id, .. } if document_id == self.document => {
                return Err(LiveFailure::Refused);
            }
            Message::Error { message } => return Err(LiveFailure::Closed(message)),
            _ => {}
        }
        self.update_status(doc, now);
        Ok(step)
    }

    fn next_message(&mut self, doc: &mut impl Syncable) -> Option<Vec<u8>> {
        let relay = self.relay_peer.clone()?;
        let data = doc.sync_message(&mut self.state)?.encode();
        let (document_id, sender_id) = (self.document.clone(), self.me.clone());
        Some(
            if self.joining {
                Message::Request { document_id, sender_id, target_id: relay, data }
            } else {
                Message::Sync { document_id, sender_id, target_id: relay, data }
            }
            .encode(),
        )
    }

    fn update_status(&mut self, doc: &mut impl Syncable, now: i64) {
        if self.relay_peer.is_none() {
            return;
        }
        let ours = doc.heads();
        let mut theirs = self.state.their_heads.clone();
        if let Some(theirs) = theirs.as_mut() {
            theirs.sort();
        }
        let mut sorted = ours.clone();
        sorted.sort();
        if theirs.as_ref() == Some(&sorted) && !self.joining {
            self.down = 0;
            self.status = LiveStatus::Synced { at: now };
        } else {
            let up = doc.changes_after(theirs.as_deref().unwrap_or_default());
            self.status = LiveStatus::Syncing { up, down: self.down };
        }
    }

    /// Whether a joining copy has everything the relay has.
    pub fn joined(&self) -> bool {
        !self.joining && matches!(self.status, LiveStatus::Synced { .. })
    }
}

/// The first message on a connection: peer `me` joins.
fn join_frame(me: &str) -> Vec<u8> {
    Message::Join {
        sender_id: me.to_string(),
        storage_id: None,
        ephemeral: true,
        versions: vec![PROTOCOL_VERSION.to_string()],
    }
    .encode()
}

/// Every register a browser shares on one relay, carried by one connection: one join, then each
/// register's access message and sync messages, told apart by their document id. A register the
/// relay refuses (or sends nonsense for) fails alone; the others go on.
pub struct Link {
    me: String,
    /// The sessions by register id.
    sessions: BTreeMap<Id, Session>,
    /// The relay's peer id, once it answered the join on the current connection.
    relay_peer: Option<String>,
    /// Whether a connection is open (the join was sent).
    open: bool,
}

impl Link {
    /// A link for peer `me`, carrying nothing yet.
    pub fn new(me: String) -> Self {
        Self { me, sessions: BTreeMap::new(), relay_peer: None, open: false }
    }

    /// Whether it carries no register.
    pub fn is_empty(&self) -> bool {
        self.sessions.is_empty()
    }

    /// The registers it carries.
    pub fn registers(&self) -> impl Iterator<Item = &Id> {
        self.sessions.keys()
    }

    /// Where register `register` stands.
    pub fn status(&self, register: &str) -> Option<&LiveStatus> {
        self.sessions.get(register).map(Session::status)
    }

    /// Every register's status.
    pub fn statuses(&self) -> impl Iterator<Item = (&Id, &LiveStatus)> {
        self.sessions.iter().map(|(id, session)| (id, session.status()))
    }

    /// Whether some register is waiting for the relay (connecting, or with changes going up).
    pub fn waiting(&self) -> bool {
        self.sessions.values().any(|s| matches!(s.status, LiveStatus::Connecting | LiveStatus::Syncing { .. }))
    }

    /// Carries `share`'s register too (a copy of it is `doc`): on an open connection, its access
    /// message goes at once, and its first sync message once the relay has answered the join.
    /// A register already carried keeps its session and takes the share's secret; one the relay
    /// refused tries a new secret at once on the open connection (a member pasted the new link).
    pub fn add(&mut self, share: &Share, doc: &mut impl Syncable, now: i64) -> Result<Vec<Vec<u8>>, LinkError> {
        if let Some(session) = self.sessions.get_mut(&share.register) {
            let renewed = session.secret != share.secret;
            session.secret.clone_from(&share.secret);
            if !(renewed && self.open && matches!(session.status, LiveStatus::Failed(_))) {
                return Ok(Vec::new());
            }
            session.state = SyncState::new();
            let mut send = vec![session.begin()];
            // Its refusal let go of the relay's peer id; the connection still has it.
            session.relay_peer.clone_from(&self.relay_peer);
            send.extend(session.next_message(doc));
            session.update_status(doc, now);
            return Ok(send);
        }
        let mut session = Session::new(share, self.me.clone(), false)?;
        let mut send = Vec::new();
        if self.open {
            send.push(session.begin());
            session.relay_peer.clone_from(&self.relay_peer);
            send.extend(session.next_message(doc));
            session.update_status(doc, now);
        } else {
            session.status = LiveStatus::Offline;
        }
        self.sessions.insert(share.register.clone(), session);
        Ok(send)
    }

    /// Stops carrying `register`. The relay keeps what it has; frames about it are ignored.
    pub fn remove(&mut self, register: &str) {
        self.sessions.remove(register);
    }

    /// The socket is open: join, and give every register's secret.
    pub fn opened(&mut self) -> Vec<Vec<u8>> {
        self.open = true;
        self.relay_peer = None;
        let mut frames = vec![join_frame(&self.me)];
        frames.extend(self.sessions.values_mut().map(Session::begin));
        frames
    }

    /// The socket closed (or never opened): every register shows `status`; what the relay
    /// has of each is asked again on the next connection.
    pub fn closed(&mut self, status: &LiveStatus) {
        self.open = false;
        self.relay_peer = None;
        for session in self.sessions.values_mut() {
            session.closed(status.clone());
        }
    }

    /// One frame from the relay. `docs` holds the copy of every register the link carries.
    /// An error closes the connection; a register's own failure is in its entry of the answer
    /// and leaves it silent until the next connection.
    #[allow(clippy::type_complexity)]
    pub fn received<D: Syncable>(
        &mut self,
        bytes: &[u8],
        docs: &mut BTreeMap<Id, D>,
        now: i64,
    ) -> Result<Vec<(Id, Result<Step, LiveFailure>)>, LiveFailure> {
        let message = Message::decode(bytes).map_err(|e| LiveFailure::Invalid(e.to_string()))?;
        if let Message::Error { message } = message {
            return Err(LiveFailure::Closed(message));
        }
        if let Message::Peer { sender_id, .. } = &message {
            self.relay_peer = Some(sender_id.clone());
        }
        let about = message.document_id().and_then(qingfeng_wire::register_id);
        let mut steps = Vec::new();
        for (register, session) in &mut self.sessions {
            if about.as_ref().is_some_and(|about| about != register) {
                continue;
            }
            let Some(doc) = docs.get_mut(register) else { continue };
            let result = session.received_message(message.clone(), doc, now);
            if let Err(failure) = &result {
                session.closed(LiveStatus::Failed(failure.clone()));
            }
            steps.push((register.clone(), result));
        }
        Ok(steps)
    }

    /// Register `register` changed here, or the relay is owed an answer: what to send.
    pub fn changed(&mut self, register: &str, doc: &mut impl Syncable, now: i64) -> Vec<Vec<u8>> {
        self.sessions.get_mut(register).map(|s| s.changed(doc, now)).unwrap_or_default()
    }

    /// Asks the relay to replace `register`'s secret; `None` when the connection is not up.
    pub fn replace_secret(&mut self, register: &str, secret: &str) -> Option<Vec<Vec<u8>>> {
        let session = self.sessions.get_mut(register).filter(|s| s.relay_peer.is_some())?;
        Some(session.replace_secret(secret))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_round_trip_and_bad_ones_are_refused() {
        let share = Share {
            relay: "wss://relay.example.cn:8443/sync".into(),
            register: "0e9f6c2a-7d1b-4f5e-9a3c-2b8d4e6f1a0c".into(),
            secret: Share::new_secret(),
            founder: Some(Share::new_founder()),
        };
        let link = share.link("https://qingfeng.example.cn/");
        assert!(link.starts_with("https://qingfeng.example.cn/join#relay=wss%3A%2F%2F"), "{link}");
        // The founder's proof stays in the founding browser: a link never carries it.
        assert!(!link.contains(share.founder.as_deref().unwrap()), "{link}");
        let share = Share { founder: None, ..share };
        assert_eq!(Share::parse_link(&link), Ok(share.clone()));
        assert_eq!(Share::parse_link(&format!("  {link}\n")), Ok(share.clone()));
        assert_eq!(Share::parse_link(link.split_once('#').unwrap().1), Ok(share.clone()));
        assert_eq!(Share::parse_link("https://example.cn/"), Err(LinkError::NotALink));
        assert_eq!(Share::parse_link(&link.replace("wss%3A", "http%3A")), Err(LinkError::BadRelay));
        assert_eq!(Share::parse_link(&link.replace("r=0e9f", "r=zz9f")), Err(LinkError::BadRegister));
        assert_eq!(Share::parse_link(&link.replace("%2F", "%G")), Err(LinkError::NotALink));
        assert_ne!(Share::new_secret(), Share::new_secret());
        assert_eq!(Share::new_secret().len(), 22);
    }

    #[test]
    fn the_relay_is_the_servers_own() {
        assert_eq!(relay_for_origin("http://127.0.0.1:8080").as_deref(), Some("ws://127.0.0.1:8080/sync"));
        assert_eq!(relay_for_origin("https://qf.example.cn/").as_deref(), Some("wss://qf.example.cn/sync"));
        assert_eq!(relay_for_origin("file://"), None);
        let share = Share {
            relay: "wss://qf.example.cn/sync".into(),
            register: String::new(),
            secret: String::new(),
            founder: None,
        };
        assert!(share.link("file://").starts_with("https://qf.example.cn/join#relay=wss%3A"));
        assert!(share.link("http://10.0.0.2:8080").starts_with("http://10.0.0.2:8080/join#"));
        assert!(
            is_relay_address("ws://10.0.0.2:8080/sync") && !is_relay_address("http://x") && !is_relay_address("ws://")
        );
    }
}
