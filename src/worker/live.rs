//! Live sync through relays, in the worker. One worker of the browser is the hub: it holds the
//! Web Lock [`HUB_LOCK`], keeps its own copy of every register the browser shares live (loaded
//! from the store), and carries all those on one relay over one `WebSocket` ([`Link`]). When its
//! page closes, the browser hands the lock to another worker, which takes over.
//!
//! The hub is one more writer of the shared store, like a tab: a tab's edits reach it at once
//! over [`HUB_CHANNEL`] (and again, stored, over the tabs' channel) and go up; what the relay
//! sends it stores, then tells the tabs (its own tab directly). So a register syncs whenever any tab of the app is open, whether or
//! not the register itself is. Statuses go to every worker over [`HUB_CHANNEL`], and each tells
//! its page the one of the register it has open.
//!
//! Also here: the reconnect timer (1 s doubling to 60 s, at once when the browser is online
//! again), and the one-off connection that fetches a register by share link.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use gloo_timers::callback::{Interval, Timeout};
use gloo_timers::future::TimeoutFuture;
use js_sys::{ArrayBuffer, Uint8Array};
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::spawn_local;
use web_sys::{BinaryType, BroadcastChannel, MessageEvent, WebSocket};

use super::{Engine, event, failed, keyed, now_seconds, scope};
use crate::doc::{DocError, MergeReport, RegisterDoc};
use crate::engine::Outcome;
use crate::engine::protocol::{Event, Reply, decode, encode};
use crate::model::Id;
use crate::storage::{DocStore as _, HUB_LOCK, Persistence, RETRY_DELAY_MS, RoleLock, open_stored};
use crate::sync::{Joining, Link, LiveFailure, LiveStatus, REPLY_DELAY_MS, Session, Share, Syncable, TabMessage};

/// The first wait before reconnecting, and the longest.
const FIRST_DELAY_MS: u32 = 1_000;
const LONGEST_DELAY_MS: u32 = 60_000;
/// How long fetching a register by link may take.
const JOIN_LIMIT_MS: u32 = 60_000;
/// A connection that has been waiting this long for the relay (connecting, or with changes
/// going up) counts as lost: a relay that vanished without closing leaves a socket open for
/// hours. The relay answers within milliseconds when it is there.
const SILENCE_LIMIT_MS: f64 = 30_000.0;
const WATCH_EVERY_MS: u32 = 5_000;

/// A WebSocket with its handlers; dropping it closes the socket and silences them.
struct Socket {
    ws: WebSocket,
    _handlers: Vec<Closure<dyn FnMut(web_sys::Event)>>,
}

impl Socket {
    fn open(
        url: &str,
        mut on_open: impl FnMut() + 'static,
        mut on_frame: impl FnMut(Vec<u8>) + 'static,
        mut on_close: impl FnMut() + 'static,
    ) -> Result<Socket, String> {
        let ws = WebSocket::new(url).map_err(|e| format!("{e:?}"))?;
        ws.set_binary_type(BinaryType::Arraybuffer);
        let open = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| on_open());
        let message = Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
            let Some(data) = e.dyn_ref::<MessageEvent>().map(MessageEvent::data) else { return };
            if let Some(buffer) = data.dyn_ref::<ArrayBuffer>() {
                on_frame(Uint8Array::new(buffer).to_vec());
            }
        });
        let close = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| on_close());
        ws.set_onopen(Some(open.as_ref().unchecked_ref()));
        ws.set_onmessage(Some(message.as_ref().unchecked_ref()));
        // An error is always followed by a close: the close handler does the work.
        ws.set_onclose(Some(close.as_ref().unchecked_ref()));
        Ok(Socket { ws, _handlers: vec![open, message, close] })
    }

    fn send(&self, frames: Vec<Vec<u8>>) {
        for frame in frames {
            if self.ws.send_with_u8_array(&frame).is_err() {
                // The close handler follows; the session asks again on reconnecting.
                return;
            }
        }
    }
}

impl Drop for Socket {
    fn drop(&mut self) {
        self.ws.set_onopen(None);
        self.ws.set_onmessage(None);
        self.ws.set_onclose(None);
        let _ = self.ws.close();
    }
}

/// The channel between the workers about live sync.
const HUB_CHANNEL: &str = "qingfeng.hub";

/// What the workers tell each other about live sync.
#[derive(Debug, Serialize, Deserialize)]
enum HubMessage {
    /// Every share this browser keeps live, as a page last said (each page keeps the list in
    /// the browser's own storage; the newest wins).
    Shares(Vec<Share>),
    /// A worker started: the hub says every status again.
    Hello,
    /// The hub: where a register's live sync stands.
    Status { register: Id, status: LiveStatus },
    /// A page asks to replace a register's secret on its relay.
    ReplaceSecret { register: Id, secret: String },
    /// A tab's fresh edit to a shared register, not yet stored (the tab stores it).
    Fresh { register: Id, changes: Vec<u8> },
}

/// This worker's end of [`HUB_CHANNEL`]. Messages stay in this browser, like the tabs' channel.
struct HubChannel {
    channel: BroadcastChannel,
    _listener: Closure<dyn FnMut(MessageEvent)>,
}

impl HubChannel {
    fn open() -> Option<Self> {
        let channel = BroadcastChannel::new(HUB_CHANNEL).ok()?;
        let listener = Closure::<dyn FnMut(MessageEvent)>::new(|message: MessageEvent| {
            let bytes = message.data().dyn_into::<Uint8Array>().ok().map(|b| b.to_vec());
            if let Some(message) = bytes.and_then(|b| decode::<HubMessage>(&b)) {
                super::engine().hub_heard(message);
            }
        });
        channel.set_onmessage(Some(listener.as_ref().unchecked_ref()));
        Some(Self { channel, _listener: listener })
    }

    fn tell(&self, message: &HubMessage) {
        if let Err(e) = self.channel.post_message(&Uint8Array::from(encode(message).as_slice())) {
            web_sys::console::warn_2(&"telling the other workers failed".into(), &e);
        }
    }
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
    socket: Option<Socket>,
    retry: Option<Timeout>,
    /// The sync messages being gathered.
    flush: Option<Timeout>,
    /// The registers that changed here, or whose relay is owed an answer, since the last flush.
    owed: BTreeSet<Id>,
    /// Checks that the relay still answers while it owes an answer.
    watchdog: Option<Interval>,
    /// When the relay was last heard from (`Date.now()`).
    heard: f64,
    delay_ms: u32,
    /// Counts connections, so that a late event of a closed one is ignored.
    generation: u32,
}

impl Relay {
    fn new() -> Self {
        Self {
            link: Link::new(peer_id()),
            socket: None,
            retry: None,
            flush: None,
            owed: BTreeSet::new(),
            watchdog: None,
            heard: 0.0,
            delay_ms: FIRST_DELAY_MS,
            generation: 0,
        }
    }

    /// Forgets the connection: closes the socket and stops watching it.
    fn drop_connection(&mut self) {
        self.socket = None;
        self.watchdog = None;
        self.flush = None;
    }

    fn send(&self, frames: Vec<Vec<u8>>) {
        if let Some(socket) = &self.socket {
            socket.send(frames);
        }
    }
}

/// Live sync in this worker: the hub's part when it holds the lock, every worker's statuses.
#[derive(Default)]
pub(super) struct Hub {
    /// Held (or asked for) for the whole life of the worker.
    lock: Option<RoleLock>,
    /// Whether this worker is the hub.
    active: bool,
    /// Every share this browser keeps live, as the pages last said.
    shares: Vec<Share>,
    /// The hub's copies of the shared registers.
    kept: BTreeMap<Id, Kept>,
    /// Registers being loaded, with what the tabs stored meanwhile.
    loading: BTreeMap<Id, Vec<TabMessage>>,
    /// Registers that could not be loaded (not kept in this browser, or damaged): not tried
    /// again until the shares change.
    unloadable: BTreeSet<Id>,
    /// The connections, by relay address.
    relays: BTreeMap<String, Relay>,
    /// Registers with changes from the relay not yet stored.
    unstored: BTreeSet<Id>,
    storing: bool,
    /// Where each register stands, as the hub last said.
    statuses: BTreeMap<Id, LiveStatus>,
    channel: Option<HubChannel>,
}

/// A peer id for a relay connection: new for each, like an automerge-repo tab's.
fn peer_id() -> String {
    format!("qingfeng-{}", uuid::Uuid::new_v4())
}

/// Whether the browser is online, as the page last said, else as this worker sees it.
fn online() -> bool {
    super::engine().network.get().unwrap_or_else(|| scope().navigator().on_line())
}

impl Engine {
    /// Joins the other workers: asks for the hub's lock, and for the statuses so far.
    pub(super) fn start_hub(self: &Rc<Self>) {
        let channel = HubChannel::open();
        if let Some(channel) = &channel {
            channel.tell(&HubMessage::Hello);
        }
        let this = self.clone();
        let lock = RoleLock::request(HUB_LOCK, move || this.become_hub());
        let mut hub = self.hub.borrow_mut();
        hub.channel = channel;
        hub.lock = Some(lock);
    }

    /// This worker holds the lock now: it syncs every shared register.
    fn become_hub(self: &Rc<Self>) {
        self.hub.borrow_mut().active = true;
        self.sync_shares();
    }

    fn is_hub(&self) -> bool {
        self.hub.borrow().active
    }

    /// The page's list of live shares (sent when the page starts and whenever it changes).
    pub(super) fn set_shares(self: &Rc<Self>, shares: Vec<Share>) -> Reply {
        self.tell_hub(&HubMessage::Shares(shares.clone()));
        self.take_shares(shares);
        self.tell_open_live();
        Reply::Ran(Outcome::Done)
    }

    fn take_shares(self: &Rc<Self>, shares: Vec<Share>) {
        {
            let mut hub = self.hub.borrow_mut();
            if hub.shares == shares {
                return;
            }
            hub.shares = shares;
            hub.unloadable.clear();
        }
        self.sync_shares();
    }

    fn tell_hub(&self, message: &HubMessage) {
        if let Some(channel) = &self.hub.borrow().channel {
            channel.tell(message);
        }
    }

    /// Another worker said something about live sync.
    fn hub_heard(self: &Rc<Self>, message: HubMessage) {
        match message {
            HubMessage::Shares(shares) => self.take_shares(shares),
            HubMessage::Hello => {
                let statuses: Vec<(Id, LiveStatus)> = {
                    let hub = self.hub.borrow();
                    if !hub.active {
                        return;
                    }
                    hub.statuses.iter().map(|(id, s)| (id.clone(), s.clone())).collect()
                };
                for (register, status) in statuses {
                    self.tell_hub(&HubMessage::Status { register, status });
                }
            }
            HubMessage::Status { register, status } => {
                if self.is_hub() {
                    return;
                }
                self.hub.borrow_mut().statuses.insert(register.clone(), status);
                if self.doc_id().as_deref() == Some(register.as_str()) {
                    self.tell_open_live();
                }
            }
            HubMessage::ReplaceSecret { register, secret } => {
                if self.is_hub() {
                    self.hub_replace_secret(&register, &secret);
                }
            }
            HubMessage::Fresh { register, changes } => {
                if self.is_hub() {
                    self.hub_take(&register, &changes, None);
                }
            }
        }
    }

    /// Tells the page where live sync of its open register stands.
    pub(super) fn tell_open_live(&self) {
        let Some(register) = self.doc_id() else { return };
        let status = {
            let hub = self.hub.borrow();
            if !hub.shares.iter().any(|s| s.register == register) {
                LiveStatus::Off
            } else {
                hub.statuses.get(&register).cloned().unwrap_or(LiveStatus::Connecting)
            }
        };
        let mut told = self.live_told.borrow_mut();
        if told.as_ref() != Some(&(register.clone(), status.clone())) {
            *told = Some((register, status.clone()));
            event(Event::Live(status));
        }
    }

    /// The hub: tells every worker the statuses that changed.
    fn tell_statuses(&self) {
        let changed: Vec<(Id, LiveStatus)> = {
            let mut hub = self.hub.borrow_mut();
            let now: Vec<(Id, LiveStatus)> =
                hub.relays.values().flat_map(|r| r.link.statuses().map(|(id, s)| (id.clone(), s.clone()))).collect();
            now.into_iter().filter(|(id, s)| hub.statuses.insert(id.clone(), s.clone()).as_ref() != Some(s)).collect()
        };
        for (register, status) in changed {
            self.tell_hub(&HubMessage::Status { register, status });
        }
        self.tell_open_live();
    }

    /// The hub: follows the shares. A register no longer shared (or moved to another relay) is
    /// let go; a new one is loaded from the store and joins its relay's connection.
    fn sync_shares(self: &Rc<Self>) {
        let (gone, load) = {
            let mut hub = self.hub.borrow_mut();
            if !hub.active {
                return;
            }
            let hub = &mut *hub;
            let wanted: BTreeMap<Id, Share> = hub.shares.iter().map(|s| (s.register.clone(), s.clone())).collect();
            let gone: Vec<Id> = hub
                .kept
                .iter()
                .filter(|(id, kept)| wanted.get(*id).is_none_or(|s| s.relay != kept.relay))
                .map(|(id, _)| id.clone())
                .collect();
            let mut let_go = Vec::new();
            for id in &gone {
                let Some(kept) = hub.kept.remove(id) else { continue };
                hub.statuses.remove(id);
                if let Some(relay) = hub.relays.get_mut(&kept.relay) {
                    relay.link.remove(id);
                    if relay.link.is_empty() {
                        hub.relays.remove(&kept.relay);
                    }
                }
                let_go.push((id.clone(), kept));
            }
            for (id, share) in &wanted {
                if let (Some(kept), Some(relay)) = (hub.kept.get_mut(id), hub.relays.get_mut(&share.relay)) {
                    // Only the secret can differ: kept for the next connection.
                    let _ = relay.link.add(share, kept, now_seconds());
                }
            }
            let load: Vec<Share> = wanted
                .into_values()
                .filter(|s| {
                    !hub.kept.contains_key(&s.register)
                        && !hub.loading.contains_key(&s.register)
                        && !hub.unloadable.contains(&s.register)
                })
                .collect();
            for share in &load {
                hub.loading.insert(share.register.clone(), Vec::new());
            }
            (let_go, load)
        };
        for (register, kept) in gone {
            self.tell_hub(&HubMessage::Status { register, status: LiveStatus::Off });
            // What the relay sent and is not stored yet is stored before the copy goes.
            let this = self.clone();
            spawn_local(async move { this.store_kept(kept).await });
        }
        for share in load {
            let this = self.clone();
            spawn_local(async move { this.load_kept(share).await });
        }
        self.tell_statuses();
    }

    /// The hub: loads its copy of a shared register and puts it on its relay's connection.
    async fn load_kept(self: &Rc<Self>, share: Share) {
        let store = self.store().await;
        let loaded = open_stored(&store, &share.register, &[]).await;
        let early = self.hub.borrow_mut().loading.remove(&share.register).unwrap_or_default();
        let connect = {
            let mut hub = self.hub.borrow_mut();
            let hub = &mut *hub;
            let wanted =
                hub.active && hub.shares.iter().any(|s| s.register == share.register && s.relay == share.relay);
            match loaded {
                Ok(Some((mut doc, mut persistence))) if wanted => {
                    for message in early {
                        if doc.apply_chunk(&message.changes).is_ok() {
                            persistence.stored_elsewhere(&mut doc, &message.heads);
                        }
                    }
                    doc.take_view_patches();
                    let mut kept = Kept { doc, persistence, relay: share.relay.clone() };
                    let fresh = !hub.relays.contains_key(&share.relay);
                    let relay = hub.relays.entry(share.relay.clone()).or_insert_with(Relay::new);
                    match relay.link.add(&share, &mut kept, now_seconds()) {
                        Ok(frames) => relay.send(frames),
                        Err(e) => web_sys::console::warn_1(&format!("cannot share the register: {e}").into()),
                    }
                    hub.kept.insert(share.register.clone(), kept);
                    fresh
                }
                Ok(Some(_)) => false,
                Ok(None) => {
                    web_sys::console::warn_1(&"a shared register is not kept in this browser".into());
                    hub.unloadable.insert(share.register.clone());
                    false
                }
                Err(e) => {
                    web_sys::console::warn_1(&format!("cannot load a shared register: {e}").into());
                    hub.unloadable.insert(share.register.clone());
                    false
                }
            }
        };
        if connect {
            self.relay_connect(&share.relay);
        }
        // The shares may have changed while it loaded.
        self.sync_shares();
    }

    /// The hub: stores what the relay sent for the registers marked unstored, one write each,
    /// and tells the tabs (its own directly).
    fn store_relay_changes(self: &Rc<Self>) {
        if std::mem::replace(&mut self.hub.borrow_mut().storing, true) {
            return;
        }
        let this = self.clone();
        spawn_local(async move {
            let store = this.store().await;
            loop {
                let write = {
                    let mut hub = this.hub.borrow_mut();
                    let hub = &mut *hub;
                    let Some(register) = hub.unstored.pop_first() else { break };
                    let Some(kept) = hub.kept.get_mut(&register) else { continue };
                    kept.persistence.prepare(&mut kept.doc, false).map(|w| (register, w))
                };
                let Some((register, write)) = write else { continue };
                let result = store.apply(&register, &write).await;
                {
                    let mut hub = this.hub.borrow_mut();
                    if let Some(kept) = hub.kept.get_mut(&register) {
                        kept.persistence.written(&write, &result);
                    }
                }
                match result {
                    Ok(()) => this.share_stored(TabMessage { register, changes: write.bytes, heads: write.heads }),
                    Err(e) => {
                        web_sys::console::warn_1(&format!("storing the relay's changes failed: {e}").into());
                        let again = this.clone();
                        Timeout::new(RETRY_DELAY_MS, move || {
                            again.hub.borrow_mut().unstored.insert(register);
                            again.store_relay_changes();
                        })
                        .forget();
                    }
                }
            }
            this.hub.borrow_mut().storing = false;
        });
    }

    /// Stores what is left of a copy the hub lets go.
    async fn store_kept(self: &Rc<Self>, mut kept: Kept) {
        let Some(write) = kept.persistence.prepare(&mut kept.doc, false) else { return };
        let register = kept.persistence.register().to_string();
        match self.store().await.apply(&register, &write).await {
            Ok(()) => self.share_stored(TabMessage { register, changes: write.bytes, heads: write.heads }),
            Err(e) => web_sys::console::warn_1(&format!("storing the relay's changes failed: {e}").into()),
        }
    }

    /// Changes the hub stored: the tabs that have the register open take them.
    fn share_stored(self: &Rc<Self>, message: TabMessage) {
        if let Some(channel) = self.channel.borrow().as_ref() {
            channel.tell(&message);
        }
        self.feed(crate::engine::core::Input::Tab(message));
    }

    /// The hub: a tab stored changes (this worker's own tab included). They go up, unless the
    /// tab sent them fresh already.
    pub(super) fn hub_receive(self: &Rc<Self>, message: &TabMessage) {
        {
            let mut hub = self.hub.borrow_mut();
            if let Some(early) = hub.loading.get_mut(&message.register) {
                early.push(message.clone());
                return;
            }
            // A shared register that was not stored yet when the hub looked is now.
            if !hub.kept.contains_key(&message.register) && hub.unloadable.remove(&message.register) {
                drop(hub);
                self.sync_shares();
                return;
            }
        }
        self.hub_take(&message.register, &message.changes, Some(&message.heads));
    }

    /// A tab's edit to a shared register, before it is stored: sent to the hub at once, so that
    /// it goes up without waiting for the tab's save.
    pub(super) fn send_fresh(self: &Rc<Self>, register: &str, changes: Vec<u8>) {
        if changes.is_empty() {
            return;
        }
        if self.is_hub() {
            self.hub_take(register, &changes, None);
        } else {
            self.tell_hub(&HubMessage::Fresh { register: register.to_string(), changes });
        }
    }

    /// The hub: applies a tab's changes to its copy, and owes them to the relay. `stored`: the
    /// heads up to which the tab has stored everything (none for fresh edits, which the tab
    /// stores itself a moment later).
    fn hub_take(self: &Rc<Self>, register: &str, changes: &[u8], stored: Option<&[automerge::ChangeHash]>) {
        let relay = {
            let mut hub = self.hub.borrow_mut();
            let Some(kept) = hub.kept.get_mut(register) else { return };
            match kept.doc.apply_chunk(changes) {
                Ok(report) => {
                    if let Some(heads) = stored {
                        kept.persistence.stored_elsewhere(&mut kept.doc, heads);
                    }
                    kept.doc.take_view_patches();
                    (report.changes > 0).then(|| kept.relay.clone())
                }
                Err(e) => {
                    web_sys::console::warn_1(&format!("changes from a tab could not be read: {e}").into());
                    None
                }
            }
        };
        if let Some(relay) = relay {
            self.owe(&relay, register);
        }
    }

    /// Register `register` has something for its relay: one sync message a moment later
    /// carries whatever gathered by then.
    fn owe(self: &Rc<Self>, url: &str, register: &str) {
        let mut hub = self.hub.borrow_mut();
        let Some(relay) = hub.relays.get_mut(url) else { return };
        relay.owed.insert(register.to_string());
        if relay.socket.is_none() || relay.flush.is_some() {
            return;
        }
        let (this, url) = (self.clone(), url.to_string());
        relay.flush = Some(Timeout::new(REPLY_DELAY_MS, move || this.relay_flush(&url)));
    }

    fn relay_flush(&self, url: &str) {
        {
            let mut hub = self.hub.borrow_mut();
            let hub = &mut *hub;
            let Some(relay) = hub.relays.get_mut(url) else { return };
            relay.flush = None;
            for register in std::mem::take(&mut relay.owed) {
                if let Some(kept) = hub.kept.get_mut(&register) {
                    let frames = relay.link.changed(&register, kept, now_seconds());
                    relay.send(frames);
                }
            }
        }
        self.tell_statuses();
    }

    /// Runs `f` on relay `url` if `generation` is its current connection's.
    fn current<R>(&self, url: &str, generation: u32, f: impl FnOnce(&mut Relay) -> R) -> Option<R> {
        self.hub.borrow_mut().relays.get_mut(url).filter(|r| r.generation == generation).map(f)
    }

    /// Opens a connection to relay `url` now, unless the browser is offline (then the `online`
    /// event does).
    fn relay_connect(self: &Rc<Self>, url: &str) {
        let generation = {
            let mut hub = self.hub.borrow_mut();
            let Some(relay) = hub.relays.get_mut(url) else { return };
            relay.retry = None;
            relay.drop_connection();
            relay.generation += 1;
            let up = online();
            relay.link.closed(if up { &LiveStatus::Connecting } else { &LiveStatus::Offline });
            up.then_some(relay.generation)
        };
        self.tell_statuses();
        let Some(generation) = generation else { return };
        let (on_open, on_frame, on_close) = (self.clone(), self.clone(), self.clone());
        let (open_url, frame_url, close_url) = (url.to_string(), url.to_string(), url.to_string());
        let socket = Socket::open(
            url,
            move || on_open.relay_opened(&open_url, generation),
            move |bytes| on_frame.relay_frame(&frame_url, generation, &bytes),
            move || on_close.relay_closed(&close_url, generation, None),
        );
        match socket {
            Ok(socket) => {
                let (this, watch_url) = (self.clone(), url.to_string());
                self.current(url, generation, |relay| {
                    relay.socket = Some(socket);
                    relay.heard = js_sys::Date::now();
                    relay.watchdog =
                        Some(Interval::new(WATCH_EVERY_MS, move || this.relay_watch(&watch_url, generation)));
                });
            }
            Err(e) => {
                web_sys::console::warn_1(&format!("cannot open a connection to the relay: {e}").into());
                self.relay_closed(url, generation, Some(LiveFailure::Unreachable));
            }
        }
    }

    /// Closes a connection on which the relay has been silent too long while it owed an answer.
    fn relay_watch(self: &Rc<Self>, url: &str, generation: u32) {
        let lost = self
            .current(url, generation, |relay| {
                relay.socket.is_some() && relay.link.waiting() && js_sys::Date::now() - relay.heard > SILENCE_LIMIT_MS
            })
            .unwrap_or(false);
        if lost {
            self.relay_closed(url, generation, Some(LiveFailure::Unreachable));
        }
    }

    fn relay_opened(self: &Rc<Self>, url: &str, generation: u32) {
        self.current(url, generation, |relay| {
            relay.heard = js_sys::Date::now();
            let frames = relay.link.opened();
            relay.send(frames);
        });
        self.tell_statuses();
    }

    fn relay_frame(self: &Rc<Self>, url: &str, generation: u32, bytes: &[u8]) {
        let result = {
            let mut hub = self.hub.borrow_mut();
            let hub = &mut *hub;
            let Some(relay) = hub.relays.get_mut(url).filter(|r| r.generation == generation) else { return };
            relay.heard = js_sys::Date::now();
            let result = relay.link.received(bytes, &mut hub.kept, now_seconds());
            if let Ok(steps) = &result {
                for (_, step) in steps {
                    if let Ok(step) = step {
                        relay.send(step.send.clone());
                    }
                }
                if relay.link.statuses().any(|(_, s)| matches!(s, LiveStatus::Synced { .. })) {
                    relay.delay_ms = FIRST_DELAY_MS;
                }
            }
            result
        };
        match result {
            Ok(steps) => {
                for (register, step) in steps {
                    let Ok(step) = step else { continue };
                    if step.reply {
                        self.owe(url, &register);
                    }
                    if step.merged.is_some() {
                        self.hub.borrow_mut().unstored.insert(register);
                        self.store_relay_changes();
                    }
                }
                self.tell_statuses();
            }
            Err(failure) => self.relay_closed(url, generation, Some(failure)),
        }
    }

    /// The connection ended (or the relay refused it): try again later unless that cannot help.
    fn relay_closed(self: &Rc<Self>, url: &str, generation: u32, failure: Option<LiveFailure>) {
        let (this, retry_url) = (self.clone(), url.to_string());
        self.current(url, generation, move |relay| {
            relay.drop_connection();
            let failure = failure.unwrap_or(LiveFailure::Unreachable);
            let retry = failure.is_transient();
            relay.link.closed(&if online() { LiveStatus::Failed(failure) } else { LiveStatus::Offline });
            if retry {
                let delay = relay.delay_ms;
                relay.delay_ms = (delay * 2).min(LONGEST_DELAY_MS);
                relay.retry = Some(Timeout::new(delay, move || this.relay_connect(&retry_url)));
            }
        });
        self.tell_statuses();
    }

    /// The browser is online again: reconnect now instead of at the next retry.
    pub(super) fn back_online(self: &Rc<Self>) {
        let waiting: Vec<String> = {
            let mut hub = self.hub.borrow_mut();
            hub.relays
                .iter_mut()
                .filter_map(|(url, relay)| {
                    relay.delay_ms = FIRST_DELAY_MS;
                    let hopeless =
                        relay.link.statuses().all(|(_, s)| matches!(s, LiveStatus::Failed(f) if !f.is_transient()));
                    (relay.socket.is_none() && !hopeless).then(|| url.clone())
                })
                .collect()
        };
        for url in waiting {
            self.relay_connect(&url);
        }
    }

    /// The browser went offline: say so at once (the socket's close may come much later).
    pub(super) fn went_offline(self: &Rc<Self>) {
        for relay in self.hub.borrow_mut().relays.values_mut() {
            relay.generation += 1;
            relay.drop_connection();
            relay.retry = None;
            relay.link.closed(&LiveStatus::Offline);
        }
        self.tell_statuses();
    }

    /// Asks the relay to replace the open register's secret: at once in the hub, else through it.
    pub(super) fn replace_secret(self: &Rc<Self>, secret: &str) -> Reply {
        let Some(register) = self.doc_id() else { return failed(&DocError::NotReady) };
        if self.is_hub() {
            return self.hub_replace_secret(&register, secret);
        }
        let status = self.hub.borrow().statuses.get(&register).cloned();
        match status {
            None | Some(LiveStatus::Off) => keyed("live.not_on", "live sync is off".into()),
            Some(LiveStatus::Synced { .. } | LiveStatus::Syncing { .. }) => {
                self.tell_hub(&HubMessage::ReplaceSecret { register, secret: secret.to_string() });
                Reply::Ran(Outcome::Done)
            }
            Some(_) => keyed("live.not_connected", "not connected to the relay".into()),
        }
    }

    fn hub_replace_secret(&self, register: &str, secret: &str) -> Reply {
        let mut hub = self.hub.borrow_mut();
        let hub = &mut *hub;
        let Some(url) = hub.kept.get(register).map(|k| k.relay.clone()) else {
            return keyed("live.not_on", "live sync is off".into());
        };
        let Some(relay) = hub.relays.get_mut(&url) else { return keyed("live.not_on", "live sync is off".into()) };
        let Some(frames) = relay.link.replace_secret(register, secret) else {
            return keyed("live.not_connected", "not connected to the relay".into());
        };
        relay.send(frames);
        if let Some(share) = hub.shares.iter_mut().find(|s| s.register == register) {
            share.secret = secret.to_string();
        }
        Reply::Ran(Outcome::Done)
    }

    /// Fetches a register by share link, for the core to keep (merged into the copy kept here,
    /// if any). Nothing is kept unless the whole register arrived and checks out.
    pub(super) async fn join(self: &Rc<Self>, share: Share) -> Result<Box<RegisterDoc>, Reply> {
        let session = match Session::new(&share, peer_id(), true) {
            Ok(session) => Rc::new(RefCell::new(session)),
            Err(e) => return Err(keyed(e.label_key(), e.to_string())),
        };
        let joining = Rc::new(RefCell::new(Joining::default()));
        let outcome: Rc<RefCell<Option<Result<(), LiveFailure>>>> = Rc::default();
        let socket: Rc<RefCell<Option<Socket>>> = Rc::default();
        let opened = Socket::open(
            &share.relay,
            {
                let (session, socket) = (session.clone(), socket.clone());
                move || {
                    let frames = session.borrow_mut().opened();
                    if let Some(socket) = socket.borrow().as_ref() {
                        socket.send(frames);
                    }
                }
            },
            {
                let (session, socket, outcome, joining) =
                    (session.clone(), socket.clone(), outcome.clone(), joining.clone());
                move |bytes| {
                    let mut session = session.borrow_mut();
                    let mut joining = joining.borrow_mut();
                    match session.received(&bytes, &mut *joining, now_seconds()) {
                        Ok(step) => {
                            let mut frames = step.send;
                            if step.reply {
                                frames.extend(session.changed(&mut *joining, now_seconds()));
                            }
                            if let Some(socket) = socket.borrow().as_ref() {
                                socket.send(frames);
                            }
                            if session.joined() {
                                outcome.borrow_mut().get_or_insert(Ok(()));
                            }
                        }
                        Err(failure) => {
                            outcome.borrow_mut().get_or_insert(Err(failure));
                        }
                    }
                }
            },
            {
                let outcome = outcome.clone();
                move || {
                    outcome.borrow_mut().get_or_insert(Err(LiveFailure::Unreachable));
                }
            },
        );
        match opened {
            Ok(opened) => *socket.borrow_mut() = Some(opened),
            Err(e) => return Err(keyed("live.unreachable", e)),
        }
        let mut waited = 0;
        while outcome.borrow().is_none() && waited < JOIN_LIMIT_MS {
            TimeoutFuture::new(50).await;
            waited += 50;
        }
        socket.borrow_mut().take();
        let outcome = outcome.borrow_mut().take();
        match outcome {
            Some(Ok(())) => {
                let incoming = joining.borrow_mut().register(&share.register);
                incoming.map(Box::new).map_err(|e| keyed("live.invalid", e.to_string()))
            }
            Some(Err(failure)) => {
                let (key, detail) = failure_key(&failure);
                Err(keyed(key, detail))
            }
            None => Err(keyed("live.timeout", "the relay sent nothing for a minute".into())),
        }
    }
}

/// The locale key and detail of a failure.
fn failure_key(failure: &LiveFailure) -> (&'static str, String) {
    match failure {
        LiveFailure::Refused => ("live.refused", String::new()),
        LiveFailure::Unreachable => ("live.unreachable", String::new()),
        LiveFailure::Closed(reason) => ("live.closed", reason.clone()),
        LiveFailure::Invalid(reason) => ("live.invalid", reason.clone()),
    }
}

/// Listens for the browser going online and offline.
pub(super) fn watch_network() {
    let online = Closure::<dyn FnMut(web_sys::Event)>::new(|_| super::engine().back_online());
    let offline = Closure::<dyn FnMut(web_sys::Event)>::new(|_| super::engine().went_offline());
    let scope = scope();
    let _ = scope.add_event_listener_with_callback("online", online.as_ref().unchecked_ref());
    let _ = scope.add_event_listener_with_callback("offline", offline.as_ref().unchecked_ref());
    online.forget();
    offline.forget();
}
