//! The register engine in a Web Worker: it owns the registers' Automerge documents and their
//! storage, so that loading, saving, merging, importing, history and conflict scans never block
//! the page. The page sends [`ToEngine`] requests and gets [`FromEngine`] replies and events.
//!
//! Every decision is the native [`Core`]'s (`src/engine/core.rs`); this file only carries out
//! its effects, with IndexedDB, timers, the `BroadcastChannel` to other tabs, the compactor Web
//! Locks and `postMessage`, and feeds back what happened. Live sync (the hub) is `live.rs`.

mod live;

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use js_sys::Uint8Array;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::spawn_local;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use crate::doc::DocError;
use crate::engine::Outcome;
use crate::engine::core::{Core, Effect, Input, Timer};
use crate::engine::protocol::{Event, FromEngine, RemoteError, Reply, Request, ToEngine, decode, encode};
use crate::model::Id;
use crate::storage::{BrowserStore, DocStore as _, RoleLock, StorageError};
use crate::sync::TabChannel;

/// The engine's adapter: one per page.
#[derive(Default)]
struct Engine {
    core: RefCell<Core>,
    store: RefCell<Option<BrowserStore>>,
    channel: RefCell<Option<TabChannel>>,
    /// The timers the core set, by name: setting one drops (and so cancels) the one before.
    timers: RefCell<BTreeMap<Timer, Timeout>>,
    /// The compactor locks the core asked for.
    locks: RefCell<BTreeMap<Id, RoleLock>>,
    /// Live sync: the hub's connections (when this worker is the hub) and every register's status.
    hub: RefCell<live::Live>,
    /// The open register's live status as last told to the page.
    live_told: RefCell<Option<(Id, crate::sync::LiveStatus)>>,
    /// Whether the page last said the browser is online.
    network: Cell<Option<bool>>,
}

thread_local! {
    static ENGINE: Rc<Engine> = Rc::default();
}

fn engine() -> Rc<Engine> {
    ENGINE.with(Rc::clone)
}

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

/// Sends a message to the page.
fn post(message: &FromEngine) {
    if let Err(e) = scope().post_message(&Uint8Array::from(encode(message).as_slice())) {
        web_sys::console::error_2(&"the engine could not answer the page".into(), &e);
    }
}

fn event(event: Event) {
    post(&FromEngine::Event(event));
}

fn now_seconds() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

/// Starts the engine: listens to the page and to the other tabs.
pub fn start() {
    console_error_panic_hook::set_once();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(|message: MessageEvent| {
        match message.data().dyn_into::<Uint8Array>().ok().and_then(|b| decode::<ToEngine>(&b.to_vec())) {
            Some(request) => engine().feed(Input::Page(request)),
            None => web_sys::console::warn_1(&"the engine got a message it cannot read".into()),
        }
    });
    scope().set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    let channel = TabChannel::open(|message| {
        let engine = engine();
        engine.hub_receive(&message);
        engine.feed(Input::Tab(message));
    });
    *engine().channel.borrow_mut() = channel;
    engine().start_hub();
    live::watch_network();
    event(Event::Ready);
}

/// How long a store operation may take before it counts as failed: a transaction the browser
/// never finishes (a blocked database) must not leave a register 保存中 for ever.
const STORE_LIMIT_MS: u32 = 30_000;

fn failed(e: &DocError) -> Reply {
    Reply::Failed(RemoteError::from(e))
}

fn keyed(key: &str, detail: String) -> Reply {
    Reply::Failed(RemoteError::Keyed { key: key.to_string(), detail })
}

impl Engine {
    async fn store(&self) -> BrowserStore {
        if let Some(store) = self.store.borrow().clone().filter(|s| !s.is_closed()) {
            return store;
        }
        let store = BrowserStore::open().await;
        *self.store.borrow_mut() = Some(store.clone());
        store
    }

    fn doc_id(&self) -> Option<String> {
        self.core.borrow().open_id().map(str::to_string)
    }

    /// Gives the core what happened and carries out what it decides.
    fn feed(self: &Rc<Self>, input: Input) {
        let before = self.doc_id();
        let effects = self.core.borrow_mut().step(input);
        if self.doc_id() != before {
            self.tell_open_live();
        }
        for effect in effects {
            self.perform(effect);
        }
    }

    fn perform(self: &Rc<Self>, effect: Effect) {
        match effect {
            Effect::Post(message) => post(&message),
            Effect::Load { job, register, preview } => {
                let answer = self.answer_once(move |result| Input::Loaded { job, result });
                let this = self.clone();
                spawn_local(async move {
                    let store = this.store().await;
                    if preview && let Some(copy) = store.view(&register).await {
                        event(Event::Preview(copy));
                    }
                    answer(store.load(&register).await);
                });
            }
            Effect::Apply { job, register, write } => {
                let answer = self.answer_once(move |result| Input::Applied { job, result });
                let this = self.clone();
                spawn_local(async move { answer(this.store().await.apply(&register, &write).await) });
            }
            Effect::PutView { register, bytes } => {
                let this = self.clone();
                spawn_local(async move {
                    if let Err(e) = this.store().await.put_view(&register, &bytes).await {
                        web_sys::console::warn_1(&format!("keeping the view copy failed: {e}").into());
                    }
                });
            }
            Effect::TellTabs(message) => {
                if let Some(channel) = self.channel.borrow().as_ref() {
                    channel.tell(&message);
                }
                self.hub_receive(&message);
            }
            Effect::Fresh { register, changes } => self.send_fresh(&register, changes),
            Effect::SetTimer(timer, ms) => {
                let (this, fired) = (self.clone(), timer.clone());
                let timeout = Timeout::new(ms, move || {
                    this.timers.borrow_mut().remove(&fired);
                    this.feed(Input::Timer(fired));
                });
                self.timers.borrow_mut().insert(timer, timeout);
            }
            Effect::WantLock(register) => {
                let (this, granted) = (self.clone(), register.clone());
                let lock = RoleLock::request(&format!("qingfeng.compact.{register}"), move || {
                    this.feed(Input::LockGranted(granted));
                });
                self.locks.borrow_mut().insert(register, lock);
            }
            Effect::DropLock(register) => {
                self.locks.borrow_mut().remove(&register);
            }
            Effect::Live(ToEngine { id, request }) => {
                let reply = self.live_request(request);
                post(&FromEngine::Reply { id, reply });
            }
            Effect::Join { request, share, journals } => {
                let this = self.clone();
                spawn_local(async move {
                    let result = this.join(share).await;
                    this.feed(Input::Fetched { request, result, journals });
                });
            }
            Effect::Warn(message) => web_sys::console::warn_1(&message.into()),
        }
    }

    /// Feeds the core the outcome of a store operation once: when it ends, or as a failure
    /// after [`STORE_LIMIT_MS`] (a late outcome is then dropped; the core tries again).
    fn answer_once<T: 'static, F: FnOnce(Result<T, StorageError>) -> Input + 'static>(
        self: &Rc<Self>,
        input: F,
    ) -> impl FnOnce(Result<T, StorageError>) + 'static {
        let slot = Rc::new(RefCell::new(Some(input)));
        let (this, late) = (self.clone(), slot.clone());
        Timeout::new(STORE_LIMIT_MS, move || {
            if let Some(input) = late.borrow_mut().take() {
                let timeout = StorageError::Unavailable("the store did not answer in time".into());
                this.feed(input(Err(timeout)));
            }
        })
        .forget();
        let this = self.clone();
        move |result| {
            let input = slot.borrow_mut().take();
            if let Some(input) = input {
                this.feed(input(result));
            }
        }
    }

    /// The requests live sync answers.
    fn live_request(self: &Rc<Self>, request: Request) -> Reply {
        match request {
            Request::Shares(shares) => self.set_shares(shares),
            Request::ReplaceSecret { secret } => self.replace_secret(&secret),
            Request::Network { online } => {
                self.network.set(Some(online));
                if online {
                    self.back_online()
                } else {
                    self.went_offline()
                }
                Reply::Ran(Outcome::Done)
            }
            other => keyed("error.write", format!("not a live-sync request: {other:?}")),
        }
    }
}
