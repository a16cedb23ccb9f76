//! Live sync through relays, in the worker: the adapter of [`Hub`] (`src/engine/hub.rs`), which
//! decides everything. This file opens and closes the WebSockets, reads and writes the store,
//! runs the timers, and carries the hub's messages between the workers over [`HUB_CHANNEL`]; the
//! hub is the worker holding the Web Lock [`HUB_LOCK`]. Also here: the one-off connection that
//! fetches a register by share link.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use gloo_timers::future::TimeoutFuture;
use js_sys::{ArrayBuffer, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::spawn_local;
use web_sys::{BinaryType, BroadcastChannel, MessageEvent, WebSocket};

use super::{Engine, event, keyed, now_seconds, scope};
use crate::doc::RegisterDoc;
use crate::engine::Outcome;
use crate::engine::core::Input;
use crate::engine::hub::{Hub, HubEffect, HubInput, HubMessage, HubTimer};
use crate::engine::protocol::{Event, Reply, decode, encode};
use crate::storage::{DocStore as _, HUB_LOCK, RoleLock};
use crate::sync::{Joining, LiveFailure, Session, Share, TabMessage};

/// How long fetching a register by link may take.
const JOIN_LIMIT_MS: u32 = 60_000;

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

/// The channel between the workers about live sync. Its messages are positional postcard, so
/// the name carries their version (as [`HUB_LOCK`] does): raise both when [`HubMessage`] changes.
const HUB_CHANNEL: &str = "qingfeng.hub.3";

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
                super::engine().feed_hub(HubInput::Heard(message));
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

/// Live sync in this worker: the hub's decisions and the IO that carries them out.
pub(super) struct Live {
    hub: Hub,
    /// The hub's lock, held or asked for.
    lock: Option<RoleLock>,
    channel: Option<HubChannel>,
    /// Open connections, by relay address.
    sockets: BTreeMap<String, Socket>,
    timers: BTreeMap<HubTimer, Timeout>,
}

impl Default for Live {
    fn default() -> Self {
        Self {
            hub: Hub::new(peer_id(), true),
            lock: None,
            channel: None,
            sockets: BTreeMap::new(),
            timers: BTreeMap::new(),
        }
    }
}

/// A peer id for a relay connection: new for each worker, like an automerge-repo tab's.
fn peer_id() -> String {
    format!("qingfeng-{}", uuid::Uuid::new_v4())
}

/// Whether the browser is online, as the page last said, else as this worker sees it.
fn online() -> bool {
    super::engine().network.get().unwrap_or_else(|| scope().navigator().on_line())
}

impl Engine {
    /// Joins the other workers: asks for the statuses so far (the hub's first step asks for
    /// its lock).
    pub(super) fn start_hub(self: &Rc<Self>) {
        let channel = HubChannel::open();
        if let Some(channel) = &channel {
            channel.tell(&HubMessage::Hello);
        }
        self.hub.borrow_mut().channel = channel;
        self.feed_hub(HubInput::Network(online()));
    }

    /// Gives the hub what happened and carries out what it decides.
    pub(super) fn feed_hub(self: &Rc<Self>, input: HubInput) {
        let effects = self.hub.borrow_mut().hub.step(input, js_sys::Date::now());
        for effect in effects {
            self.perform_hub(effect);
        }
        self.tell_open_live();
    }

    fn perform_hub(self: &Rc<Self>, effect: HubEffect) {
        match effect {
            HubEffect::Connect { url, generation } => {
                let (on_open, on_frame, on_close) = (self.clone(), self.clone(), self.clone());
                let (open_url, frame_url, close_url) = (url.clone(), url.clone(), url.clone());
                let socket = Socket::open(
                    &url,
                    move || on_open.feed_hub(HubInput::Opened { url: open_url.clone(), generation }),
                    move |bytes| on_frame.feed_hub(HubInput::Frame { url: frame_url.clone(), generation, bytes }),
                    move || on_close.feed_hub(HubInput::Closed { url: close_url.clone(), generation, failure: None }),
                );
                match socket {
                    Ok(socket) => {
                        self.hub.borrow_mut().sockets.insert(url, socket);
                    }
                    Err(e) => {
                        web_sys::console::warn_1(&format!("cannot open a connection to the relay: {e}").into());
                        let failure = Some(LiveFailure::Unreachable);
                        self.feed_hub(HubInput::Closed { url, generation, failure });
                    }
                }
            }
            HubEffect::Disconnect(url) => {
                let socket = self.hub.borrow_mut().sockets.remove(&url);
                drop(socket);
            }
            HubEffect::Send { url, frames } => {
                if let Some(socket) = self.hub.borrow().sockets.get(&url) {
                    socket.send(frames);
                }
            }
            HubEffect::Load(register) => {
                let this = self.clone();
                spawn_local(async move {
                    let result = this.store().await.load(&register).await;
                    this.feed_hub(HubInput::Loaded { register, result });
                });
            }
            HubEffect::Apply { register, write } => {
                let this = self.clone();
                spawn_local(async move {
                    let result = this.store().await.apply(&register, &write).await;
                    this.feed_hub(HubInput::Written { register, write, result });
                });
            }
            HubEffect::Tell(message) => {
                if let Some(channel) = &self.hub.borrow().channel {
                    channel.tell(&message);
                }
            }
            HubEffect::TellTabs(message) => {
                if let Some(channel) = self.channel.borrow().as_ref() {
                    channel.tell(&message);
                }
                self.feed(Input::Tab(message));
            }
            HubEffect::SetTimer(timer, ms) => {
                let (this, fired) = (self.clone(), timer.clone());
                let timeout = Timeout::new(ms, move || {
                    this.hub.borrow_mut().timers.remove(&fired);
                    this.feed_hub(HubInput::Timer(fired));
                });
                self.hub.borrow_mut().timers.insert(timer, timeout);
            }
            HubEffect::CancelTimer(timer) => {
                let timeout = self.hub.borrow_mut().timers.remove(&timer);
                drop(timeout);
            }
            HubEffect::AskLock { steal } => {
                let (elected, deposed) = (self.clone(), self.clone());
                let lock = RoleLock::ask(
                    HUB_LOCK,
                    steal,
                    move || elected.feed_hub(HubInput::Elected),
                    move || deposed.feed_hub(HubInput::Deposed),
                );
                // A request still queued is given up: the new one replaces it.
                let old = self.hub.borrow_mut().lock.replace(lock);
                drop(old);
            }
            HubEffect::Warn(message) => web_sys::console::warn_1(&message.into()),
        }
    }

    /// The page's list of live shares (sent when the page starts and whenever it changes).
    pub(super) fn set_shares(self: &Rc<Self>, shares: Vec<Share>) -> Reply {
        self.feed_hub(HubInput::Shares(shares));
        Reply::Ran(Outcome::Done)
    }

    /// A tab of this browser stored changes (this worker's own included): the hub sends them up.
    pub(super) fn hub_receive(self: &Rc<Self>, message: &TabMessage) {
        self.feed_hub(HubInput::Stored(message.clone()));
    }

    /// A tab's edit to a shared register, before it is stored: to the hub at once, so that it
    /// goes up without waiting for the tab's save.
    pub(super) fn send_fresh(self: &Rc<Self>, register: &str, changes: Vec<u8>) {
        self.feed_hub(HubInput::Fresh { register: register.to_string(), changes });
    }

    /// Tells the page where live sync of its open register stands.
    pub(super) fn tell_open_live(&self) {
        let Some(register) = self.doc_id() else { return };
        let status = self.hub.borrow().hub.status_of(&register);
        let mut told = self.live_told.borrow_mut();
        if told.as_ref() != Some(&(register.clone(), status.clone())) {
            *told = Some((register, status.clone()));
            event(Event::Live(status));
        }
    }

    pub(super) fn back_online(self: &Rc<Self>) {
        self.feed_hub(HubInput::Network(true));
    }

    pub(super) fn went_offline(self: &Rc<Self>) {
        self.feed_hub(HubInput::Network(false));
    }

    /// Asks the relay to replace the open register's secret: at once in the hub, else through it.
    pub(super) fn replace_secret(self: &Rc<Self>, secret: &str) -> Reply {
        let Some(register) = self.doc_id() else { return super::failed(&crate::doc::DocError::NotReady) };
        let (result, effects) = self.hub.borrow_mut().hub.replace_secret(&register, secret);
        for effect in effects {
            self.perform_hub(effect);
        }
        match result {
            Ok(()) => Reply::Ran(Outcome::Done),
            Err(key) => keyed(key, format!("replacing the secret: {key}")),
        }
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
        LiveFailure::Unstored(e) => (e.label_key(), e.to_string()),
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
