//! The open register's connection to a relay, in the worker: a `WebSocket`, the reconnect
//! timer (1 s doubling to 60 s, at once when the browser says it is online again) and the
//! session of `sync::live`, which decides what to send. Changes from the relay enter the
//! document like another tab's: the page gets their patches, the autosave stores them.
//! Also the one-off connection that fetches a register by share link.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_timers::callback::{Interval, Timeout};
use gloo_timers::future::TimeoutFuture;
use js_sys::{ArrayBuffer, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{BinaryType, MessageEvent, WebSocket};

use super::{Engine, event, failed, keyed, now_seconds, scope};
use crate::doc::{DocError, MergeReport};
use crate::engine::Outcome;
use crate::engine::protocol::{Event, JournalEntry, Reply};
use crate::sync::{Joining, LiveFailure, LiveStatus, REPLY_DELAY_MS, Session, Share, Step};

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

/// Live sync of the open register.
pub(super) struct Live {
    share: Share,
    session: Session,
    socket: Option<Socket>,
    retry: Option<Timeout>,
    /// The sync message being gathered.
    flush: Option<Timeout>,
    /// Checks that the relay still answers while it owes an answer.
    watchdog: Option<Interval>,
    /// When the relay was last heard from (`Date.now()`).
    heard: f64,
    delay_ms: u32,
    /// Counts connections, so that a late event of a closed one is ignored.
    generation: u32,
    told: Option<LiveStatus>,
}

impl Live {
    /// Forgets the connection: closes the socket and stops watching it.
    fn drop_connection(&mut self) {
        self.socket = None;
        self.watchdog = None;
    }
}

/// This worker's peer id for the relay: new for each worker, like an automerge-repo tab.
fn peer_id() -> String {
    format!("qingfeng-{}", uuid::Uuid::new_v4())
}

/// Whether the browser is online, as the page last said, else as this worker sees it.
fn online() -> bool {
    super::engine().network.get().unwrap_or_else(|| scope().navigator().on_line())
}

impl Engine {
    /// Starts live sync of the open register with `share`, or stops it (`None`).
    pub(super) fn set_live(self: &Rc<Self>, share: Option<Share>) -> Reply {
        self.live.borrow_mut().take();
        let Some(share) = share else {
            event(Event::Live(LiveStatus::Off));
            return Reply::Ran(Outcome::Done);
        };
        if self.doc_id().as_deref() != Some(share.register.as_str()) {
            return failed(&DocError::NotReady);
        }
        let session = match Session::new(&share, peer_id(), false) {
            Ok(session) => session,
            Err(e) => return keyed(e.label_key(), e.to_string()),
        };
        *self.live.borrow_mut() = Some(Live {
            share,
            session,
            socket: None,
            retry: None,
            flush: None,
            watchdog: None,
            heard: 0.0,
            delay_ms: FIRST_DELAY_MS,
            generation: 0,
            told: None,
        });
        self.live_connect();
        Reply::Ran(Outcome::Done)
    }

    /// Asks the relay to replace the open register's secret.
    pub(super) fn replace_secret(&self, secret: &str) -> Reply {
        let mut live = self.live.borrow_mut();
        let Some(live) = live.as_mut() else { return keyed("live.not_on", "live sync is off".into()) };
        if live.socket.is_none() || live.session.status() == &LiveStatus::Connecting {
            return keyed("live.not_connected", "not connected to the relay".into());
        }
        let frames = live.session.replace_secret(secret);
        live.share.secret = secret.to_string();
        if let Some(socket) = &live.socket {
            socket.send(frames);
        }
        Reply::Ran(Outcome::Done)
    }

    /// Opens a connection now, unless the browser is offline (then the `online` event does).
    fn live_connect(self: &Rc<Self>) {
        let generation = {
            let mut live = self.live.borrow_mut();
            let Some(live) = live.as_mut() else { return };
            live.retry = None;
            live.drop_connection();
            live.generation += 1;
            if !online() {
                live.session.closed(LiveStatus::Offline);
                None
            } else {
                live.session.closed(LiveStatus::Connecting);
                Some((live.generation, live.share.relay.clone()))
            }
        };
        self.tell_live();
        let Some((generation, url)) = generation else { return };
        let (on_open, on_frame, on_close) = (self.clone(), self.clone(), self.clone());
        let socket = Socket::open(
            &url,
            move || on_open.live_opened(generation),
            move |bytes| on_frame.live_frame(generation, &bytes),
            move || on_close.live_closed(generation, None),
        );
        match socket {
            Ok(socket) => {
                let this = self.clone();
                if let Some(live) = self.live.borrow_mut().as_mut() {
                    live.socket = Some(socket);
                    live.heard = js_sys::Date::now();
                    live.watchdog = Some(Interval::new(WATCH_EVERY_MS, move || this.live_watch(generation)));
                }
            }
            Err(e) => {
                web_sys::console::warn_1(&format!("cannot open a connection to the relay: {e}").into());
                self.live_closed(generation, Some(LiveFailure::Unreachable));
            }
        }
    }

    /// Closes a connection on which the relay has been silent too long while it owed an answer.
    fn live_watch(self: &Rc<Self>, generation: u32) {
        let lost = self
            .current(generation, |live| {
                let waiting = matches!(live.session.status(), LiveStatus::Connecting | LiveStatus::Syncing { .. });
                live.socket.is_some() && waiting && js_sys::Date::now() - live.heard > SILENCE_LIMIT_MS
            })
            .unwrap_or(false);
        if lost {
            self.live_closed(generation, Some(LiveFailure::Unreachable));
        }
    }

    /// Runs `f` on the live state if `generation` is the current connection's.
    fn current<R>(&self, generation: u32, f: impl FnOnce(&mut Live) -> R) -> Option<R> {
        self.live.borrow_mut().as_mut().filter(|live| live.generation == generation).map(f)
    }

    fn live_opened(self: &Rc<Self>, generation: u32) {
        self.current(generation, |live| {
            live.heard = js_sys::Date::now();
            let frames = live.session.opened();
            if let Some(socket) = &live.socket {
                socket.send(frames);
            }
        });
        self.tell_live();
    }

    fn live_frame(self: &Rc<Self>, generation: u32, bytes: &[u8]) {
        let result = {
            let mut doc = self.doc.borrow_mut();
            let Some(doc) = doc.as_mut() else { return };
            self.current(generation, |live| {
                live.heard = js_sys::Date::now();
                let mut result = live.session.received(bytes, doc, now_seconds());
                if let (Ok(Step { send, .. }), Some(socket)) = (&mut result, &live.socket) {
                    socket.send(std::mem::take(send));
                }
                if matches!(live.session.status(), LiveStatus::Synced { .. }) {
                    live.delay_ms = FIRST_DELAY_MS;
                }
                result
            })
        };
        match result {
            None => {}
            Some(Ok(step)) => {
                if step.reply {
                    self.live_changed();
                }
                match step.merged {
                    Some(report) => self.took_from_relay(report),
                    None => self.tell_live(),
                }
            }
            Some(Err(failure)) => self.live_closed(generation, Some(failure)),
        }
    }

    /// The relay's changes are in the document: the page gets them, the autosave stores them
    /// (and tells the other tabs).
    fn took_from_relay(self: &Rc<Self>, report: MergeReport) {
        self.show_incoming(report);
        self.note_edit();
        self.tell_live();
    }

    /// The connection ended (or the relay refused): try again later unless it cannot help.
    fn live_closed(self: &Rc<Self>, generation: u32, failure: Option<LiveFailure>) {
        let this = self.clone();
        self.current(generation, move |live| {
            live.drop_connection();
            let failure = failure.unwrap_or(LiveFailure::Unreachable);
            let retry = failure.is_transient();
            live.session.closed(if online() { LiveStatus::Failed(failure) } else { LiveStatus::Offline });
            if retry {
                let delay = live.delay_ms;
                live.delay_ms = (delay * 2).min(LONGEST_DELAY_MS);
                live.retry = Some(Timeout::new(delay, move || this.live_connect()));
            }
        });
        self.tell_live();
    }

    /// The browser is online again: reconnect now instead of at the next retry.
    pub(super) fn back_online(self: &Rc<Self>) {
        let waiting = self.live.borrow_mut().as_mut().is_some_and(|live| {
            live.delay_ms = FIRST_DELAY_MS;
            live.socket.is_none() && !matches!(live.session.status(), LiveStatus::Failed(f) if !f.is_transient())
        });
        if waiting {
            self.live_connect();
        }
    }

    /// The browser went offline: say so at once (the socket's close may come much later).
    pub(super) fn went_offline(self: &Rc<Self>) {
        if let Some(live) = self.live.borrow_mut().as_mut() {
            live.generation += 1;
            live.drop_connection();
            live.retry = None;
            live.session.closed(LiveStatus::Offline);
        }
        self.tell_live();
    }

    /// The document changed here (a command, another tab), or the relay is owed an answer:
    /// one sync message a moment later carries whatever gathered by then.
    pub(super) fn live_changed(self: &Rc<Self>) {
        let mut live = self.live.borrow_mut();
        let Some(live) = live.as_mut() else { return };
        if live.socket.is_none() || live.flush.is_some() {
            return;
        }
        let this = self.clone();
        live.flush = Some(Timeout::new(REPLY_DELAY_MS, move || this.live_flush()));
    }

    fn live_flush(&self) {
        {
            if let Some(live) = self.live.borrow_mut().as_mut() {
                live.flush = None;
            }
            let mut doc = self.doc.borrow_mut();
            let Some(doc) = doc.as_mut() else { return };
            let mut live = self.live.borrow_mut();
            let Some(live) = live.as_mut() else { return };
            let frames = live.session.changed(doc, now_seconds());
            if let Some(socket) = &live.socket {
                socket.send(frames);
            }
        }
        self.tell_live();
    }

    fn tell_live(&self) {
        let status = {
            let mut live = self.live.borrow_mut();
            let Some(live) = live.as_mut() else { return };
            let status = live.session.status().clone();
            if live.told.as_ref() == Some(&status) {
                return;
            }
            live.told = Some(status.clone());
            status
        };
        event(Event::Live(status));
    }

    /// Fetches a register by share link and keeps it here (merged into the copy kept here, if
    /// any). Nothing is stored unless the whole register arrived and checks out.
    pub(super) async fn join(self: &Rc<Self>, share: Share, journals: Vec<JournalEntry>) -> Reply {
        let session = match Session::new(&share, peer_id(), true) {
            Ok(session) => Rc::new(RefCell::new(session)),
            Err(e) => return keyed(e.label_key(), e.to_string()),
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
            Err(e) => return keyed("live.unreachable", e),
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
                match incoming {
                    Ok(incoming) => self.keep_incoming(incoming, journals).await,
                    Err(e) => keyed("live.invalid", e.to_string()),
                }
            }
            Some(Err(failure)) => {
                let (key, detail) = failure_key(&failure);
                keyed(key, detail)
            }
            None => keyed("live.timeout", "the relay sent nothing for a minute".into()),
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
