//! Live sync's decisions, sans-IO: what the hub does. One worker of the browser is the hub (it
//! holds the Web Lock `qingfeng.hub.3`): it keeps its own copy of every register the browser
//! shares live, loaded from the store, carries them all on one connection per relay (a
//! [`Link`]), stores what the relays send and tells the tabs, and sends up what the tabs store
//! or type. Every worker hears the hub's statuses.
//!
//! [`Hub`] takes [`HubInput`]s (the shares, tabs' chunks and fresh edits, store results, relay
//! frames and closes, timers, the network) and returns [`HubEffect`]s (connect, send, load,
//! store, tell the tabs and the other workers, set timers); `src/worker/live.rs` carries them
//! out with WebSockets, IndexedDB, a `BroadcastChannel` and timers.
//!
//! Pacing: changes gather for [`REPLY_DELAY_MS`] and go up in one message per register.
//! Backoff: a lost connection is retried after 1 s, doubling to 60 s, at once when the browser
//! is online again. A connection on which the relay has been silent for 30 s while it owed an
//! answer counts as lost. What the relay sends is stored before the tabs hear of it; a failed
//! write is retried, and meanwhile the register shows that it is not stored (never 已同步).
//!
//! Liveness: the hub says it is alive every [`BEAT_EVERY_MS`]. A worker that has not heard the
//! hub for [`HUB_SILENCE_MS`] (its tab frozen in the background, its thread stuck) takes the
//! lock from it ([`HubEffect::AskLock`] with `steal`) and becomes the hub; the old hub, when it
//! runs again, hears that it lost the lock ([`HubInput::Deposed`]), stores what it holds, closes
//! its connections and waits in the queue like any other worker.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::doc::{DocError, MergeReport, RegisterDoc};
use crate::model::Id;
use crate::storage::{Persistence, RETRY_DELAY_MS, StorageError, StoredChunk, Write};
use crate::sync::{Link, LiveFailure, LiveStatus, REPLY_DELAY_MS, Share, Syncable, TabMessage};

/// The first wait before reconnecting, and the longest.
pub const FIRST_DELAY_MS: u32 = 1_000;
/// The longest wait before reconnecting.
pub const LONGEST_DELAY_MS: u32 = 60_000;
/// A connection that has been waiting this long for the relay (connecting, or with changes
/// going up) counts as lost: a relay that vanished without closing leaves a socket open for
/// hours. The relay answers within milliseconds when it is there.
pub const SILENCE_LIMIT_MS: f64 = 30_000.0;
/// How often a connection's silence is checked.
pub const WATCH_EVERY_MS: u32 = 5_000;
/// How often the hub tells the other workers it is alive, and they check that it is.
pub const BEAT_EVERY_MS: u32 = 5_000;
/// A hub not heard from for this long counts as gone: another worker takes its lock.
pub const HUB_SILENCE_MS: f64 = 20_000.0;

/// What the workers tell each other about live sync (positional postcard: the channel's name
/// carries the version).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum HubMessage {
    /// Every share this browser keeps live, as a page last said (the newest wins).
    Shares(Vec<Share>),
    /// A worker started: the hub says every status again.
    Hello,
    /// The hub: where a register's live sync stands.
    Status {
        /// The register.
        register: Id,
        /// Its status.
        status: LiveStatus,
    },
    /// A page asks to replace a register's secret on its relay.
    ReplaceSecret {
        /// The register.
        register: Id,
        /// The new secret.
        secret: String,
    },
    /// A tab's fresh edit to a shared register, not yet stored (the tab stores it).
    Fresh {
        /// The register.
        register: Id,
        /// The changes.
        changes: Vec<u8>,
        /// The worker sending it.
        from: String,
        /// Its count of edits sent, acknowledged by [`HubMessage::Took`].
        seq: u64,
    },
    /// The relay has a worker's fresh edit `seq` (the hub took it, and its status before this
    /// says 已同步).
    Took {
        /// The worker.
        to: String,
        /// Its edit.
        seq: u64,
    },
    /// The hub, named, is alive (every [`BEAT_EVERY_MS`]).
    Alive(String),
}

/// Something that happened to live sync.
#[derive(Debug)]
pub enum HubInput {
    /// This worker holds the hub's lock now.
    Elected,
    /// Another worker took the hub's lock from this one.
    Deposed,
    /// Another worker said something.
    Heard(HubMessage),
    /// This worker's page sent its list of shares.
    Shares(Vec<Share>),
    /// A tab of this browser (this worker's own included) stored changes.
    Stored(TabMessage),
    /// This worker's tab made a fresh edit to a shared register.
    Fresh {
        /// The register.
        register: Id,
        /// The changes.
        changes: Vec<u8>,
    },
    /// A register's chunks were read.
    Loaded {
        /// The register.
        register: Id,
        /// Its chunks.
        result: Result<Vec<StoredChunk>, StorageError>,
    },
    /// A write ended.
    Written {
        /// The register.
        register: Id,
        /// What was written.
        write: Write,
        /// How it went.
        result: Result<(), StorageError>,
    },
    /// A connection opened.
    Opened {
        /// The relay.
        url: String,
        /// The connection.
        generation: u32,
    },
    /// A frame came.
    Frame {
        /// The relay.
        url: String,
        /// The connection.
        generation: u32,
        /// The frame.
        bytes: Vec<u8>,
    },
    /// A connection closed (or could not be opened: `Unreachable`).
    Closed {
        /// The relay.
        url: String,
        /// The connection.
        generation: u32,
        /// Why, when known.
        failure: Option<LiveFailure>,
    },
    /// A timer fired.
    Timer(HubTimer),
    /// The browser went online or offline.
    Network(bool),
}

/// The hub's timers; setting one replaces the one of the same name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum HubTimer {
    /// Reconnect to a relay.
    Retry(String),
    /// Send what gathered for a relay.
    Flush(String),
    /// Check that a relay still answers (repeats while the connection lives).
    Watch(String, u32),
    /// Try again to store what the relays sent.
    Store,
    /// The hub: say it is alive; another worker: check that the hub is (repeats).
    Beat,
}

/// What the adapter does.
#[derive(Debug)]
pub enum HubEffect {
    /// Open a connection to the relay; answer with `Opened`, `Frame`s and `Closed`.
    Connect {
        /// The relay.
        url: String,
        /// Named in the answers.
        generation: u32,
    },
    /// Close the relay's connection (its late events are ignored by generation).
    Disconnect(String),
    /// Send frames on the relay's connection.
    Send {
        /// The relay.
        url: String,
        /// The frames.
        frames: Vec<Vec<u8>>,
    },
    /// Read a register's chunks; answer with `Loaded`.
    Load(Id),
    /// Store a write; answer with `Written`.
    Apply {
        /// The register.
        register: Id,
        /// What to store.
        write: Write,
    },
    /// Tell the other workers.
    Tell(HubMessage),
    /// Tell every tab (this worker's own included) what the hub stored.
    TellTabs(TabMessage),
    /// Start or restart a timer.
    SetTimer(HubTimer, u32),
    /// Stop a timer.
    CancelTimer(HubTimer),
    /// Ask for the hub's lock (once at start and after being deposed), or take it (`steal`)
    /// from a hub that went silent; answer with `Elected` once held, `Deposed` if taken away.
    AskLock {
        /// Take it from its holder instead of queueing.
        steal: bool,
    },
    /// For the console.
    Warn(String),
}

/// A register the hub keeps in sync: its own copy, and how it stores what the relay sends.
struct Kept {
    doc: RegisterDoc,
    persistence: Persistence,
    /// The relay it syncs with.
    relay: String,
}

impl Syncable for Kept {
    fn sync_message(&mut self, state: &mut automerge::sync::State) -> Option<automerge::sync::Message> {
        self.doc.sync_message(state)
    }
    fn receive(
        &mut self,
        state: &mut automerge::sync::State,
        message: automerge::sync::Message,
    ) -> Result<MergeReport, DocError> {
        let report = self.doc.receive_sync(state, message);
        // The hub shows nothing: the tabs get the changes once they are stored.
        self.doc.take_view_patches();
        report
    }
    fn heads(&mut self) -> Vec<automerge::ChangeHash> {
        self.doc.heads()
    }
    fn changes_after(&mut self, heads: &[automerge::ChangeHash]) -> usize {
        self.doc.changes_after(heads)
    }
}

/// One relay's connection, carrying every register shared on it.
struct Relay {
    link: Link,
    connected: bool,
    /// Counts connections, so that a late event of a closed one is ignored.
    generation: u32,
    delay_ms: u32,
    /// A flush is due: changes gather until then.
    flushing: bool,
    /// The registers that changed here, or whose relay is owed an answer, since the last flush.
    owed: BTreeSet<Id>,
    /// Changes taken from the tabs since the last flush, by register: until they go up, the
    /// register is not 已同步 whatever the relay last said.
    fresh: BTreeMap<Id, usize>,
    /// When the relay was last heard from (ms).
    heard: f64,
}

/// Live sync in one worker: the hub's part when it is the hub, every worker's statuses.
pub struct Hub {
    me: String,
    active: bool,
    online: bool,
    shares: Vec<Share>,
    kept: BTreeMap<Id, Kept>,
    /// Registers being loaded, with what the tabs stored or sent fresh meanwhile.
    loading: BTreeMap<Id, Vec<TabMessage>>,
    /// Registers that could not be loaded: not tried again until the shares change.
    unloadable: BTreeSet<Id>,
    relays: BTreeMap<String, Relay>,
    /// Registers with changes from the relay not yet stored.
    unstored: BTreeSet<Id>,
    /// The register whose relay changes are being written: one write at a time.
    storing: Option<Id>,
    /// Registers whose relay changes could not be stored, and why.
    refused: BTreeMap<Id, StorageError>,
    /// Where each register stands, as the hub last said.
    statuses: BTreeMap<Id, LiveStatus>,
    /// When the hub was last heard from (this worker's first step, before any).
    hub_heard: Option<f64>,
    /// The hub last heard from.
    hub_id: Option<String>,
    /// This worker's fresh edits by number, until the relay has them (the hub says so with
    /// [`HubMessage::Took`]): the hub's 已同步 does not cover them before. Sent again to a new
    /// hub, since one that was deposed may never have sent them up.
    unacked: BTreeMap<u64, (Id, Vec<u8>)>,
    /// Fresh edits sent so far.
    sent: u64,
    /// The hub: workers' fresh edits taken, by register, acknowledged once the relay has them.
    owed_acks: BTreeMap<Id, Vec<(String, u64)>>,
    out: Vec<HubEffect>,
}

impl Hub {
    /// A worker's live sync; `me` names it to relays (a new id per worker, like a tab's).
    pub fn new(me: String, online: bool) -> Self {
        Self {
            me,
            active: false,
            online,
            shares: Vec::new(),
            kept: BTreeMap::new(),
            loading: BTreeMap::new(),
            unloadable: BTreeSet::new(),
            relays: BTreeMap::new(),
            unstored: BTreeSet::new(),
            storing: None,
            refused: BTreeMap::new(),
            statuses: BTreeMap::new(),
            hub_heard: None,
            hub_id: None,
            unacked: BTreeMap::new(),
            sent: 0,
            owed_acks: BTreeMap::new(),
            out: Vec::new(),
        }
    }

    /// Whether this worker is the hub.
    pub fn is_hub(&self) -> bool {
        self.active
    }

    /// Where live sync of `register` stands, as this worker's page shows it.
    pub fn status_of(&self, register: &str) -> LiveStatus {
        if !self.shares.iter().any(|s| s.register == register) {
            return LiveStatus::Off;
        }
        let status = self.statuses.get(register).cloned().unwrap_or(LiveStatus::Connecting);
        let up = self.unacked.values().filter(|(r, _)| r == register).count();
        match status {
            LiveStatus::Synced { .. } if up > 0 => LiveStatus::Syncing { up, down: 0 },
            status => status,
        }
    }

    /// Feeds one input at `now` (ms since the epoch) and returns what to do.
    pub fn step(&mut self, input: HubInput, now: f64) -> Vec<HubEffect> {
        let seconds = (now / 1000.0) as i64;
        if self.hub_heard.is_none() {
            // A worker's first step: it asks for the lock and starts its heartbeat.
            self.hub_heard = Some(now);
            self.emit(HubEffect::AskLock { steal: false });
            self.emit(HubEffect::SetTimer(HubTimer::Beat, BEAT_EVERY_MS));
        }
        match input {
            HubInput::Elected => {
                self.active = true;
                // What other hubs said is told again as this one sees it.
                self.statuses.clear();
                self.emit(HubEffect::Tell(HubMessage::Alive(self.me.clone())));
                self.sync_shares(now);
                // This worker's fresh edits that no hub took go into its own copies (its tab
                // may not have stored them yet), and count until the relay has them.
                let own: Vec<(Id, Vec<u8>)> = self.unacked.values().cloned().collect();
                for (register, changes) in own {
                    self.take_fresh(register, changes);
                }
            }
            HubInput::Deposed => self.step_down(now),
            HubInput::Shares(shares) => {
                self.emit(HubEffect::Tell(HubMessage::Shares(shares.clone())));
                self.take_shares(shares, now);
            }
            HubInput::Heard(message) => self.heard(message, now),
            HubInput::Stored(message) => self.stored(message, now),
            HubInput::Fresh { register, changes } if !changes.is_empty() => {
                // Kept until the relay has it (this is the hub) or the hub took it: a hub that
                // is deposed first hands it to the next.
                self.sent += 1;
                self.unacked.insert(self.sent, (register.clone(), changes.clone()));
                if self.active {
                    self.take_fresh(register, changes);
                } else {
                    let (from, seq) = (self.me.clone(), self.sent);
                    self.emit(HubEffect::Tell(HubMessage::Fresh { register, changes, from, seq }));
                }
            }
            HubInput::Fresh { .. } => {}
            HubInput::Loaded { register, result } => self.loaded(register, result, now),
            HubInput::Written { register, write, result } => self.written(&register, &write, result),
            HubInput::Opened { url, generation } => {
                if let Some(relay) = self.current(&url, generation) {
                    relay.heard = now;
                    let frames = relay.link.opened();
                    self.emit(HubEffect::Send { url, frames });
                }
            }
            HubInput::Frame { url, generation, bytes } => self.frame(&url, generation, &bytes, now, seconds),
            HubInput::Closed { url, generation, failure } => self.closed(&url, generation, failure),
            HubInput::Timer(timer) => self.timer(timer, now, seconds),
            HubInput::Network(online) => {
                self.online = online;
                if online { self.back_online(now) } else { self.went_offline() }
            }
        }
        self.tell_statuses();
        std::mem::take(&mut self.out)
    }

    /// Asks for `register`'s secret to be replaced: at once when this is the hub, else
    /// through it. `Err` with the locale key of why not.
    pub fn replace_secret(&mut self, register: &str, secret: &str) -> (Result<(), &'static str>, Vec<HubEffect>) {
        let result = if self.active {
            self.replace_here(register, secret)
        } else {
            match self.statuses.get(register) {
                None | Some(LiveStatus::Off) => Err("live.not_on"),
                Some(LiveStatus::Synced { .. } | LiveStatus::Syncing { .. }) => {
                    let message = HubMessage::ReplaceSecret { register: register.into(), secret: secret.into() };
                    self.emit(HubEffect::Tell(message));
                    Ok(())
                }
                Some(_) => Err("live.not_connected"),
            }
        };
        (result, std::mem::take(&mut self.out))
    }

    fn emit(&mut self, effect: HubEffect) {
        self.out.push(effect);
    }

    fn current(&mut self, url: &str, generation: u32) -> Option<&mut Relay> {
        self.relays.get_mut(url).filter(|r| r.generation == generation)
    }

    fn heard(&mut self, message: HubMessage, now: f64) {
        if !self.active && matches!(message, HubMessage::Alive(_) | HubMessage::Status { .. } | HubMessage::Took { .. })
        {
            self.hub_heard = Some(now);
        }
        match message {
            HubMessage::Alive(hub) => {
                // A new hub has not seen the edits sent to the old one: they go again; what the
                // old one said no longer holds, and the new one says its own.
                if !self.active && self.hub_id.as_ref() != Some(&hub) {
                    self.hub_id = Some(hub);
                    self.statuses.clear();
                    let again: Vec<(u64, Id, Vec<u8>)> =
                        self.unacked.iter().map(|(seq, (r, c))| (*seq, r.clone(), c.clone())).collect();
                    for (seq, register, changes) in again {
                        let from = self.me.clone();
                        self.emit(HubEffect::Tell(HubMessage::Fresh { register, changes, from, seq }));
                    }
                }
            }
            HubMessage::Took { to, seq } => {
                if to == self.me {
                    self.unacked.remove(&seq);
                }
            }
            HubMessage::Shares(shares) => self.take_shares(shares, now),
            HubMessage::Hello => {
                if self.active {
                    self.emit(HubEffect::Tell(HubMessage::Alive(self.me.clone())));
                    let all: Vec<(Id, LiveStatus)> =
                        self.statuses.iter().map(|(id, s)| (id.clone(), s.clone())).collect();
                    for (register, status) in all {
                        self.emit(HubEffect::Tell(HubMessage::Status { register, status }));
                    }
                }
            }
            HubMessage::Status { register, status } => {
                if !self.active {
                    self.statuses.insert(register, status);
                }
            }
            HubMessage::ReplaceSecret { register, secret } => {
                if self.active
                    && let Err(key) = self.replace_here(&register, &secret)
                {
                    self.emit(HubEffect::Warn(format!("replacing the secret of {register} failed: {key}")));
                }
            }
            HubMessage::Fresh { register, changes, from, seq } => {
                if self.active && self.take_fresh(register.clone(), changes) {
                    self.owed_acks.entry(register).or_default().push((from, seq));
                }
            }
        }
    }

    fn take_shares(&mut self, shares: Vec<Share>, now: f64) {
        if self.shares == shares {
            return;
        }
        // A new secret (a member pasted the new link after being refused) is tried at once.
        let renewed: BTreeSet<String> = shares
            .iter()
            .filter(|s| self.shares.iter().any(|old| old.register == s.register && old.secret != s.secret))
            .map(|s| s.relay.clone())
            .collect();
        self.shares = shares;
        self.unloadable.clear();
        self.sync_shares(now);
        for url in renewed {
            if self.relays.get(&url).is_some_and(|r| !r.connected) {
                self.connect(&url, now);
            }
        }
    }

    /// The hub follows the shares: a register no longer shared (or moved to another relay) is
    /// let go, after what the relay sent is stored; a new one is loaded and joins its relay's
    /// connection.
    fn sync_shares(&mut self, now: f64) {
        if !self.active {
            return;
        }
        let wanted: BTreeMap<Id, Share> = self.shares.iter().map(|s| (s.register.clone(), s.clone())).collect();
        let gone: Vec<Id> = self
            .kept
            .iter()
            .filter(|(id, kept)| wanted.get(*id).is_none_or(|s| s.relay != kept.relay))
            .map(|(id, _)| id.clone())
            .collect();
        for id in gone {
            let Some(mut kept) = self.kept.remove(&id) else { continue };
            self.statuses.remove(&id);
            self.emit(HubEffect::Tell(HubMessage::Status { register: id.clone(), status: LiveStatus::Off }));
            if let Some(relay) = self.relays.get_mut(&kept.relay) {
                relay.link.remove(&id);
                if relay.link.is_empty() {
                    self.relays.remove(&kept.relay);
                    self.emit(HubEffect::Disconnect(kept.relay.clone()));
                }
            }
            // What the relay sent and is not stored yet is stored before the copy goes.
            if let Some(write) = kept.persistence.prepare(&mut kept.doc, false) {
                self.emit(HubEffect::Apply { register: id, write });
            }
        }
        for (id, share) in &wanted {
            if let (Some(kept), Some(relay)) = (self.kept.get_mut(id), self.relays.get_mut(&share.relay)) {
                // Only the secret can differ: a refused register tries it at once.
                if let Ok(frames) = relay.link.add(share, kept, (now / 1000.0) as i64)
                    && !frames.is_empty()
                {
                    self.out.push(HubEffect::Send { url: share.relay.clone(), frames });
                }
            }
        }
        for share in wanted.into_values() {
            let register = share.register;
            if !self.kept.contains_key(&register)
                && !self.loading.contains_key(&register)
                && !self.unloadable.contains(&register)
            {
                self.loading.insert(register.clone(), Vec::new());
                self.emit(HubEffect::Load(register));
            }
        }
    }

    /// A shared register's copy was read: it joins its relay's connection.
    fn loaded(&mut self, register: Id, result: Result<Vec<StoredChunk>, StorageError>, now: f64) {
        let early = self.loading.remove(&register).unwrap_or_default();
        let share = self.shares.iter().find(|s| s.register == register).cloned();
        let opened = result
            .map_err(|e| e.to_string())
            .and_then(|chunks| Persistence::open(&register, &chunks, &[]).map_err(|e: DocError| e.to_string()));
        match (opened, share) {
            (Ok(Some((mut doc, mut persistence))), Some(share)) if self.active => {
                for message in early {
                    if doc.apply_chunk(&message.changes).is_ok() {
                        persistence.stored_elsewhere(&mut doc, &message.heads);
                    }
                }
                doc.take_view_patches();
                let mut kept = Kept { doc, persistence, relay: share.relay.clone() };
                let fresh = !self.relays.contains_key(&share.relay);
                let me = self.me.clone();
                let relay = self.relays.entry(share.relay.clone()).or_insert_with(|| Relay {
                    link: Link::new(me),
                    connected: false,
                    generation: 0,
                    delay_ms: FIRST_DELAY_MS,
                    flushing: false,
                    owed: BTreeSet::new(),
                    fresh: BTreeMap::new(),
                    heard: 0.0,
                });
                match relay.link.add(&share, &mut kept, (now / 1000.0) as i64) {
                    Ok(frames) if relay.connected => self.emit(HubEffect::Send { url: share.relay.clone(), frames }),
                    Ok(_) => {}
                    Err(e) => self.emit(HubEffect::Warn(format!("cannot share the register: {e}"))),
                }
                self.kept.insert(register, kept);
                if fresh {
                    self.connect(&share.relay, now);
                }
            }
            (Ok(Some(_)), _) => {}
            (Ok(None), _) => {
                self.emit(HubEffect::Warn(format!("shared register {register} is not kept in this browser")));
                self.unloadable.insert(register);
            }
            (Err(e), _) => {
                self.emit(HubEffect::Warn(format!("cannot load shared register {register}: {e}")));
                self.unloadable.insert(register);
            }
        }
        // The shares may have changed while it loaded.
        self.sync_shares(now);
    }

    /// A tab stored changes (this worker's own tab included). They go up, unless the tab sent
    /// them fresh already.
    fn stored(&mut self, message: TabMessage, now: f64) {
        if let Some(early) = self.loading.get_mut(&message.register) {
            early.push(message);
            return;
        }
        // A shared register that was not stored yet when the hub looked is now.
        if !self.kept.contains_key(&message.register) && self.unloadable.remove(&message.register) {
            self.sync_shares(now);
            return;
        }
        self.take(&message.register, &message.changes, Some(&message.heads));
    }

    /// A tab's fresh edit: into the hub's copy, or kept for it while it loads. False when the
    /// hub keeps no copy of the register.
    fn take_fresh(&mut self, register: Id, changes: Vec<u8>) -> bool {
        if let Some(early) = self.loading.get_mut(&register) {
            early.push(TabMessage { register, changes, heads: Vec::new() });
            return true;
        }
        let kept = self.kept.contains_key(&register);
        if kept {
            self.take(&register, &changes, None);
        }
        kept
    }

    /// Applies a tab's changes to the hub's copy, and owes them to the relay. `stored`: the heads
    /// up to which the tab has stored everything (none for fresh edits, which the tab stores a
    /// moment later).
    fn take(&mut self, register: &str, changes: &[u8], stored: Option<&[automerge::ChangeHash]>) {
        let Some(kept) = self.kept.get_mut(register) else { return };
        match kept.doc.apply_chunk(changes) {
            Ok(report) => {
                if let Some(heads) = stored {
                    kept.persistence.stored_elsewhere(&mut kept.doc, heads);
                }
                kept.doc.take_view_patches();
                if report.changes > 0 {
                    let url = kept.relay.clone();
                    if let Some(relay) = self.relays.get_mut(&url) {
                        *relay.fresh.entry(register.to_string()).or_default() += report.changes;
                    }
                    self.owe(&url, register);
                }
            }
            Err(e) => self.emit(HubEffect::Warn(format!("changes from a tab could not be read: {e}"))),
        }
    }

    /// The relay is owed something about `register`: one sync message a moment later carries
    /// whatever gathered by then.
    fn owe(&mut self, url: &str, register: &str) {
        let Some(relay) = self.relays.get_mut(url) else { return };
        relay.owed.insert(register.to_string());
        if relay.connected && !relay.flushing {
            relay.flushing = true;
            self.emit(HubEffect::SetTimer(HubTimer::Flush(url.to_string()), REPLY_DELAY_MS));
        }
    }

    fn flush(&mut self, url: &str, seconds: i64) {
        let Some(relay) = self.relays.get_mut(url) else { return };
        relay.flushing = false;
        relay.fresh.clear();
        let mut frames = Vec::new();
        for register in std::mem::take(&mut relay.owed) {
            if let Some(kept) = self.kept.get_mut(&register) {
                frames.extend(relay.link.changed(&register, kept, seconds));
            }
        }
        if !frames.is_empty() {
            self.emit(HubEffect::Send { url: url.to_string(), frames });
        }
    }

    /// Opens a connection to relay `url` now, unless the browser is offline (then going
    /// online does).
    fn connect(&mut self, url: &str, now: f64) {
        let online = self.online;
        let Some(relay) = self.relays.get_mut(url) else { return };
        self.out.push(HubEffect::CancelTimer(HubTimer::Retry(url.to_string())));
        if relay.connected {
            self.out.push(HubEffect::Disconnect(url.to_string()));
        }
        relay.connected = false;
        relay.flushing = false;
        relay.generation += 1;
        relay.link.closed(if online { &LiveStatus::Connecting } else { &LiveStatus::Offline });
        if !online {
            return;
        }
        relay.connected = true;
        relay.heard = now;
        let generation = relay.generation;
        self.emit(HubEffect::Connect { url: url.to_string(), generation });
        self.emit(HubEffect::SetTimer(HubTimer::Watch(url.to_string(), generation), WATCH_EVERY_MS));
    }

    fn frame(&mut self, url: &str, generation: u32, bytes: &[u8], now: f64, seconds: i64) {
        let Some(relay) = self.relays.get_mut(url).filter(|r| r.generation == generation) else { return };
        relay.heard = now;
        let received = relay.link.received(bytes, &mut self.kept, seconds);
        if relay.link.statuses().any(|(_, s)| matches!(s, LiveStatus::Synced { .. })) {
            relay.delay_ms = FIRST_DELAY_MS;
        }
        let steps = match received {
            Ok(steps) => steps,
            Err(failure) => return self.closed(url, generation, Some(failure)),
        };
        let frames: Vec<Vec<u8>> =
            steps.iter().filter_map(|(_, s)| s.as_ref().ok()).flat_map(|s| s.send.clone()).collect();
        if !frames.is_empty() {
            self.emit(HubEffect::Send { url: url.to_string(), frames });
        }
        for (register, step) in steps {
            let Ok(step) = step else { continue };
            if step.reply {
                self.owe(url, &register);
            }
            if step.merged.is_some() {
                self.unstored.insert(register);
            }
        }
        self.store_relay_changes();
    }

    /// Stores what the relays sent, one register at a time, then tells the tabs.
    fn store_relay_changes(&mut self) {
        if self.storing.is_some() {
            return;
        }
        while let Some(register) = self.unstored.pop_first() {
            let Some(kept) = self.kept.get_mut(&register) else { continue };
            if let Some(write) = kept.persistence.prepare(&mut kept.doc, false) {
                self.storing = Some(register.clone());
                self.emit(HubEffect::Apply { register, write });
                return;
            }
        }
    }

    fn written(&mut self, register: &str, write: &Write, result: Result<(), StorageError>) {
        // The write of a copy let go meanwhile ends too: the next one may start.
        let relay_changes = self.storing.as_deref() == Some(register);
        if relay_changes {
            self.storing = None;
        }
        let kept = self.kept.get_mut(register);
        let ours = kept.is_some();
        if let Some(kept) = kept {
            kept.persistence.written(write, &result);
        }
        match result {
            Ok(()) => {
                self.refused.remove(register);
                let message = TabMessage {
                    register: register.to_string(),
                    changes: write.bytes.clone(),
                    heads: write.heads.clone(),
                };
                self.emit(HubEffect::TellTabs(message));
                if relay_changes {
                    self.store_relay_changes();
                }
            }
            // Tried again after a while, not at once: a full store refuses at once every time.
            Err(e) => {
                self.emit(HubEffect::Warn(format!("storing the relay's changes to {register} failed: {e}")));
                if ours {
                    self.refused.insert(register.to_string(), e);
                    self.unstored.insert(register.to_string());
                    self.emit(HubEffect::SetTimer(HubTimer::Store, RETRY_DELAY_MS));
                }
            }
        }
    }

    /// The connection ended (or the relay refused it): try again later unless that cannot help.
    fn closed(&mut self, url: &str, generation: u32, failure: Option<LiveFailure>) {
        let online = self.online;
        let Some(relay) = self.relays.get_mut(url).filter(|r| r.generation == generation) else { return };
        let was = std::mem::replace(&mut relay.connected, false);
        relay.flushing = false;
        let failure = failure.unwrap_or(LiveFailure::Unreachable);
        let retry = failure.is_transient();
        relay.link.closed(&if online { LiveStatus::Failed(failure) } else { LiveStatus::Offline });
        let delay = relay.delay_ms;
        if retry {
            relay.delay_ms = (delay * 2).min(LONGEST_DELAY_MS);
        }
        if was {
            self.emit(HubEffect::Disconnect(url.to_string()));
        }
        self.emit(HubEffect::CancelTimer(HubTimer::Flush(url.to_string())));
        if retry {
            self.emit(HubEffect::SetTimer(HubTimer::Retry(url.to_string()), delay));
        }
    }

    fn timer(&mut self, timer: HubTimer, now: f64, seconds: i64) {
        match timer {
            HubTimer::Retry(url) => self.connect(&url, now),
            HubTimer::Flush(url) => self.flush(&url, seconds),
            HubTimer::Watch(url, generation) => {
                let Some(relay) = self.current(&url, generation) else { return };
                if !relay.connected {
                    return;
                }
                if relay.link.waiting() && now - relay.heard > SILENCE_LIMIT_MS {
                    self.closed(&url, generation, Some(LiveFailure::Unreachable));
                } else {
                    self.emit(HubEffect::SetTimer(HubTimer::Watch(url, generation), WATCH_EVERY_MS));
                }
            }
            HubTimer::Store => self.store_relay_changes(),
            HubTimer::Beat => {
                self.emit(HubEffect::SetTimer(HubTimer::Beat, BEAT_EVERY_MS));
                if self.active {
                    self.emit(HubEffect::Tell(HubMessage::Alive(self.me.clone())));
                } else if self.hub_heard.is_some_and(|heard| now - heard > HUB_SILENCE_MS) {
                    // The hub's statuses are old news: say nothing is known until a hub speaks.
                    self.hub_heard = Some(now);
                    for status in self.statuses.values_mut() {
                        *status = LiveStatus::Connecting;
                    }
                    self.emit(HubEffect::Warn("the hub has been silent: taking over live sync".into()));
                    self.emit(HubEffect::AskLock { steal: true });
                }
            }
        }
    }

    /// Another worker took the lock: this one stores what the relays sent, lets every copy and
    /// connection go, and waits for the lock again.
    fn step_down(&mut self, now: f64) {
        if !self.active {
            return;
        }
        self.active = false;
        self.hub_heard = Some(now);
        for (url, relay) in std::mem::take(&mut self.relays) {
            if relay.connected {
                self.emit(HubEffect::Disconnect(url.clone()));
            }
            self.emit(HubEffect::CancelTimer(HubTimer::Retry(url.clone())));
            self.emit(HubEffect::CancelTimer(HubTimer::Flush(url)));
        }
        for (register, mut kept) in std::mem::take(&mut self.kept) {
            if let Some(write) = kept.persistence.prepare(&mut kept.doc, false) {
                self.emit(HubEffect::Apply { register, write });
            }
        }
        self.loading.clear();
        self.unloadable.clear();
        self.unstored.clear();
        self.refused.clear();
        // Their workers send them again to the next hub.
        self.owed_acks.clear();
        self.emit(HubEffect::CancelTimer(HubTimer::Store));
        self.emit(HubEffect::AskLock { steal: false });
    }

    /// The browser is online again: reconnect now instead of at the next retry.
    fn back_online(&mut self, now: f64) {
        let waiting: Vec<String> = self
            .relays
            .iter_mut()
            .filter_map(|(url, relay)| {
                relay.delay_ms = FIRST_DELAY_MS;
                let hopeless =
                    relay.link.statuses().all(|(_, s)| matches!(s, LiveStatus::Failed(f) if !f.is_transient()));
                (!relay.connected && !hopeless).then(|| url.clone())
            })
            .collect();
        for url in waiting {
            self.connect(&url, now);
        }
    }

    /// The browser went offline: say so at once (the socket's close may come much later).
    fn went_offline(&mut self) {
        let urls: Vec<String> = self.relays.keys().cloned().collect();
        for url in urls {
            let Some(relay) = self.relays.get_mut(&url) else { continue };
            relay.generation += 1;
            relay.link.closed(&LiveStatus::Offline);
            if std::mem::replace(&mut relay.connected, false) {
                self.out.push(HubEffect::Disconnect(url.clone()));
            }
            relay.flushing = false;
            self.out.push(HubEffect::CancelTimer(HubTimer::Retry(url)));
        }
    }

    fn replace_here(&mut self, register: &str, secret: &str) -> Result<(), &'static str> {
        let url = self.kept.get(register).map(|k| k.relay.clone()).ok_or("live.not_on")?;
        let relay = self.relays.get_mut(&url).ok_or("live.not_on")?;
        if !relay.connected {
            return Err("live.not_connected");
        }
        let frames = relay.link.replace_secret(register, secret).ok_or("live.not_connected")?;
        self.emit(HubEffect::Send { url, frames });
        if let Some(share) = self.shares.iter_mut().find(|s| s.register == register) {
            share.secret = secret.to_string();
        }
        Ok(())
    }

    /// The hub tells every worker the statuses that changed. A register whose relay changes
    /// cannot be stored is not 已同步, whatever the relay says.
    fn tell_statuses(&mut self) {
        if !self.active {
            return;
        }
        let now: Vec<(Id, LiveStatus)> = self
            .relays
            .values()
            .flat_map(|r| {
                r.link.statuses().map(|(id, s)| match (s, r.fresh.get(id)) {
                    (LiveStatus::Synced { .. }, Some(&up)) => (id.clone(), LiveStatus::Syncing { up, down: 0 }),
                    _ => (id.clone(), s.clone()),
                })
            })
            .map(|(id, s)| match self.refused.get(&id) {
                Some(e) => (id, LiveStatus::Failed(LiveFailure::Unstored(e.clone()))),
                None => (id, s),
            })
            .collect();
        let mut synced = Vec::new();
        for (register, status) in now {
            if matches!(status, LiveStatus::Synced { .. }) {
                self.unacked.retain(|_, (r, _)| *r != register);
                synced.push(register.clone());
            }
            if self.statuses.insert(register.clone(), status.clone()).as_ref() != Some(&status) {
                self.emit(HubEffect::Tell(HubMessage::Status { register, status }));
            }
        }
        // The relay has every fresh edit taken for these: said after the status that says so.
        for register in synced {
            for (to, seq) in self.owed_acks.remove(&register).unwrap_or_default() {
                self.emit(HubEffect::Tell(HubMessage::Took { to, seq }));
            }
        }
    }
}
