//! The open register as the page sees it. The document lives in a Web Worker (`crate::worker`);
//! the page keeps a view of the register, built from the worker's replies and patched entity by
//! entity, and asks the worker for everything else: commands, history, files. It also keeps who
//! the member at this browser is, the register list, the save status, and the closing-time
//! journal (localStorage, which a worker cannot reach).

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use js_sys::Uint8Array;
use leptos::prelude::*;
use reactive_stores::Store;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{MessageEvent, Worker};

use crate::doc::{Conflict, DocError, HistoryEntry};
pub use crate::engine::protocol::Imported;
use crate::engine::protocol::{Event, FromEngine, Reply, Request, ToEngine, decode, encode};
use crate::engine::view_store::{self, StoredEntity, ViewStore};
use crate::engine::{Command, Outcome};
use crate::model::{Date, EntityKind, Id, Person, Register, RegisterStoreFields, Settings, Unit, new_id};
use crate::rules::UnitForm;
pub use crate::storage::SaveStatus;
use crate::storage::{Journal, Prefs, RegisterEntry, decode_view};
use crate::sync::{ImportError, RegisterFile, export_file_name};

/// Whether the register the route names is ready.
#[derive(Debug, Clone, PartialEq)]
pub enum OpenState {
    /// Nothing asked yet.
    Closed,
    /// Reading storage.
    Loading,
    /// Open and shown.
    Ready,
    /// This browser has no register with that id.
    Missing,
    /// Storage held it, but it could not be read; the message key and detail.
    Failed(&'static str, String),
}

/// What to do with the reply to a request.
type OnReply = Box<dyn FnOnce(Reply)>;

/// The page's end of the engine's worker: requests waiting for their replies.
struct EngineLink {
    worker: Worker,
    /// Requests made before the worker said it listens.
    held: RefCell<Option<Vec<Vec<u8>>>>,
    next: Cell<u64>,
    waiting: RefCell<HashMap<u64, OnReply>>,
    _listener: Closure<dyn FnMut(MessageEvent)>,
}

impl EngineLink {
    fn post(&self, bytes: &[u8]) {
        if let Err(e) = self.worker.post_message(&Uint8Array::from(bytes)) {
            leptos::logging::error!("the page could not reach the register engine: {e:?}");
        }
    }

    /// The worker listens: send what waited.
    fn ready(&self) {
        for bytes in self.held.borrow_mut().take().unwrap_or_default() {
            self.post(&bytes);
        }
    }
}

/// The open register. Copy: all parts are arena handles.
#[derive(Clone, Copy)]
pub struct Session {
    link: StoredValue<Option<Rc<EngineLink>>, LocalStorage>,
    /// The view of the open register, keyed by entity id: a patch re-runs only what reads the
    /// entities it touches. Holds a default register until one is opened.
    view: ViewStore,
    /// The open register's changes the worker has not stored yet, for the closing-time journal.
    unsaved: StoredValue<Option<(Id, Vec<u8>)>, LocalStorage>,
    /// Journals of closed tabs sent with the opening, deleted once the worker has stored them.
    read_journals: StoredValue<Vec<String>, LocalStorage>,
    /// This page's name for its closing-time journal.
    tab: StoredValue<String>,
    /// The last save status the worker told: shown again after a command it refused.
    told: StoredValue<SaveStatus>,
    /// The page shows the view copy: it may be behind the document, which is still loading.
    pub updating: RwSignal<bool>,
    /// The id of the open register.
    pub open_id: RwSignal<Option<String>>,
    /// Loading state of the register the route asks for.
    pub state: RwSignal<OpenState>,
    /// Save state, shown in the header.
    pub status: RwSignal<SaveStatus>,
    /// The registers kept in this browser, with this browser's choices about each.
    pub registers: RwSignal<Vec<RegisterEntry>>,
    /// Whether the browser promised not to clear this site's data (`navigator.storage.persist()`).
    pub persisted: RwSignal<Option<bool>>,
    /// The open register's conflicted fields, as the worker found them.
    pub conflicts: RwSignal<Vec<Conflict>, LocalStorage>,
}

/// Where Trunk puts the worker's loader (`data-type="worker"` in index.html).
const WORKER_URL: &str = "/worker_loader.js";

/// Now, in Unix seconds.
pub fn now_seconds() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

/// Today in the browser's time zone.
pub fn today() -> Date {
    let now = js_sys::Date::new_0();
    Date::new(now.get_full_year() as i32, now.get_month() as u8 + 1, now.get_date() as u8)
        .unwrap_or_else(|_| Date::from_unix_seconds_china(now_seconds()))
}

impl Session {
    /// No register open; `registers` lists those kept in this browser. Starts the worker.
    pub fn new(registers: Vec<RegisterEntry>) -> Self {
        let session = Self {
            link: StoredValue::new_local(None),
            view: Store::new(Register::default()),
            unsaved: StoredValue::new_local(None),
            read_journals: StoredValue::new_local(Vec::new()),
            tab: StoredValue::new(new_id()),
            told: StoredValue::new(SaveStatus::Saved),
            updating: RwSignal::new(false),
            open_id: RwSignal::new(None),
            state: RwSignal::new(OpenState::Closed),
            status: RwSignal::new(SaveStatus::Saved),
            registers: RwSignal::new(registers),
            persisted: RwSignal::new(None),
            conflicts: RwSignal::new_local(Vec::new()),
        };
        session.link.set_value(session.start_worker());
        // An IndexedDB write started as the page closes may never finish: what the worker has
        // not stored goes to the synchronous journal instead, read back on the next opening.
        let _ = window_event_listener(leptos::ev::pagehide, move |_| session.journal_now());
        leptos::task::spawn_local(async move { session.persisted.set(ask_persistence().await) });
        session
    }

    fn start_worker(&self) -> Option<Rc<EngineLink>> {
        let worker = match Worker::new(WORKER_URL) {
            Ok(worker) => worker,
            Err(e) => {
                leptos::logging::error!("the register engine could not start: {e:?}");
                return None;
            }
        };
        let this = *self;
        let listener = Closure::<dyn FnMut(MessageEvent)>::new(move |message: MessageEvent| {
            let Some(message) =
                message.data().dyn_into::<Uint8Array>().ok().and_then(|b| decode::<FromEngine>(&b.to_vec()))
            else {
                leptos::logging::warn!("the register engine sent a message the page cannot read");
                return;
            };
            match message {
                FromEngine::Reply { id, reply } => {
                    let waiting = this.link.with_value(|l| l.as_ref().and_then(|l| l.waiting.borrow_mut().remove(&id)));
                    if let Some(callback) = waiting {
                        callback(reply);
                    }
                }
                FromEngine::Event(event) => this.on_event(event),
            }
        });
        worker.set_onmessage(Some(listener.as_ref().unchecked_ref()));
        // A worker that fails (its wasm did not load, a bug) answers nothing more: say so in
        // the header instead of showing 已保存; the page keeps what it shows.
        let on_error = Closure::<dyn FnMut(web_sys::ErrorEvent)>::new(move |e: web_sys::ErrorEvent| {
            leptos::logging::error!("the register engine stopped: {}", e.message());
            this.status.set(SaveStatus::Failed(crate::storage::StorageError::Unavailable(e.message())));
        });
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        on_error.forget();
        Some(Rc::new(EngineLink {
            worker,
            held: RefCell::new(Some(Vec::new())),
            next: Cell::new(0),
            waiting: RefCell::default(),
            _listener: listener,
        }))
    }

    /// Asks the worker; `callback` gets the reply.
    fn request(&self, request: Request, callback: impl FnOnce(Reply) + 'static) {
        let Some(link) = self.link.get_value() else {
            callback(Reply::Failed(crate::engine::protocol::RemoteError::Keyed {
                key: "storage.unavailable".into(),
                detail: "the register engine did not start".into(),
            }));
            return;
        };
        let id = link.next.get() + 1;
        link.next.set(id);
        link.waiting.borrow_mut().insert(id, Box::new(callback));
        let bytes = encode(&ToEngine { id, request });
        match link.held.borrow_mut().as_mut() {
            Some(held) => held.push(bytes),
            None => link.post(&bytes),
        }
    }

    /// Asks the worker and waits for the reply.
    async fn ask(&self, request: Request) -> Reply {
        let answer: Rc<RefCell<Option<Reply>>> = Rc::default();
        let kept = answer.clone();
        let done = js_sys::Promise::new(&mut |resolve, _| {
            let kept = kept.clone();
            self.request(request.clone(), move |reply| {
                *kept.borrow_mut() = Some(reply);
                let _ = resolve.call0(&JsValue::NULL);
            });
        });
        let _ = wasm_bindgen_futures::JsFuture::from(done).await;
        answer.borrow_mut().take().unwrap_or(Reply::Missing)
    }

    fn on_event(&self, event: Event) {
        match event {
            Event::Ready => self.link.with_value(|l| l.as_ref().map(|l| l.ready())).unwrap_or_default(),
            Event::Preview(bytes) => {
                let Some((_, register)) = decode_view(&bytes) else { return };
                if self.state.get_untracked() != OpenState::Loading
                    || self.open_id.get_untracked().as_deref() != Some(register.id.as_str())
                {
                    return;
                }
                view_store::replace(self.view, register);
                self.updating.set(true);
                self.state.set(OpenState::Ready);
            }
            Event::Patches { register, patches } => {
                if view_store::register_id(self.view) != register {
                    return;
                }
                for patch in patches {
                    view_store::apply(self.view, patch);
                }
                self.remember(&register, &self.view.unit().with_untracked(|u| u.name.clone()));
            }
            Event::Status(status) => {
                self.told.set_value(status.clone());
                self.status.set(status);
            }
            Event::Conflicts { register, conflicts } => {
                if self.open_id.get_untracked().as_deref() == Some(register.as_str()) {
                    self.conflicts.set(conflicts);
                }
            }
            Event::Unsaved { register, bytes } => {
                if bytes.is_empty() {
                    // Everything is stored: the journals are no longer needed.
                    Journal::clear(&register, &self.tab.get_value());
                    if self.open_id.get_untracked().as_deref() == Some(register.as_str()) {
                        Journal::clear_keys(&self.read_journals.try_update_value(std::mem::take).unwrap_or_default());
                    }
                }
                self.unsaved.set_value(Some((register, bytes)));
            }
        }
    }

    /// Whether the view holds the register the route names (not the one before it).
    fn shows_open(&self) -> bool {
        let open = self.open_id.get_untracked();
        self.view.id().with_untracked(|id| Some(id.as_str()) == open.as_deref())
    }

    /// Reads the open register (tracked: reruns whenever any of it changes). `None` when
    /// nothing is open. Prefer the narrower readers below where they fit.
    pub fn with<R>(&self, f: impl FnOnce(&Register) -> R) -> Option<R> {
        self.view.track();
        self.shows_open().then(|| self.view.with_untracked(f))
    }

    /// Entity `id` of kind `E` in the open register (tracked: reruns when that entity changes,
    /// or its kind gains or loses one).
    pub fn entity<E: StoredEntity>(&self, id: &str) -> Option<E> {
        let entity = view_store::entity::<E>(self.view, id);
        self.shows_open().then_some(entity).flatten()
    }

    /// The name of person `id` (tracked as [`Session::entity`]).
    pub fn person_name(&self, id: &str) -> Option<String> {
        self.entity::<Person>(id).map(|p| p.name)
    }

    /// Reads the open register, rerun only when kind `E` changes: for choice lists.
    pub fn with_kind<E: StoredEntity, R>(&self, f: impl FnOnce(&Register) -> R) -> Option<R> {
        let read = view_store::with_kind::<E, _>(self.view, f);
        self.shows_open().then_some(read)
    }

    /// Reads the unit's details (tracked: reruns when they change).
    pub fn with_unit<R>(&self, f: impl FnOnce(&Unit) -> R) -> Option<R> {
        let read = self.view.unit().with(f);
        self.shows_open().then_some(read)
    }

    /// Reads the committee's settings (tracked: reruns when they change).
    pub fn with_settings<R>(&self, f: impl FnOnce(&Settings) -> R) -> Option<R> {
        let read = self.view.settings().with(f);
        self.shows_open().then_some(read)
    }

    /// The reply to `request()`, asked again whenever the register changes; `None` until it
    /// comes, or when `request()` is `None`.
    pub fn ask_tracked<T: 'static>(
        &self,
        request: impl Fn() -> Option<Request> + 'static,
        pick: fn(Reply) -> Option<T>,
    ) -> RwSignal<Option<T>, LocalStorage> {
        let answer = RwSignal::new_local(None);
        let this = *self;
        Effect::new(move || {
            this.view.track();
            match request() {
                Some(request) => this.request(request, move |reply| answer.set(pick(reply))),
                None => answer.set(None),
            }
        });
        answer
    }

    /// This browser's entry for the open register (tracked).
    pub fn entry(&self) -> Option<RegisterEntry> {
        let id = self.open_id.get()?;
        self.registers.with(|list| list.iter().find(|e| e.id == id).cloned())
    }

    /// Who the member at this browser is in the open register (tracked).
    pub fn me(&self) -> Option<Id> {
        self.entry()?.me
    }

    /// Records who the member at this browser is.
    pub fn set_me(&self, person: Option<Id>) {
        self.update_entry(|e| e.me = person);
    }

    /// Opens register `id` unless it is already open. The worker sends its view copy first
    /// (shown as "updating"), then the document's view.
    pub fn open(&self, id: String) {
        if self.open_id.get_untracked().as_deref() == Some(id.as_str()) {
            return;
        }
        self.open_id.set(Some(id.clone()));
        self.state.set(OpenState::Loading);
        self.conflicts.set(Vec::new());
        let journals = Journal::read_all(&id);
        self.read_journals.set_value(journals.iter().map(|(key, _)| key.clone()).collect());
        let this = *self;
        self.request(Request::Open { register: id.clone(), journals }, move |reply| {
            // A test hook: e2e tests slow the opening down to see the view copy (never set otherwise).
            match <gloo_storage::LocalStorage as gloo_storage::Storage>::get::<u32>("qingfeng.test.open_delay_ms") {
                Ok(ms) => {
                    gloo_timers::callback::Timeout::new(ms, move || this.opened(&id, reply)).forget();
                }
                Err(_) => this.opened(&id, reply),
            }
        });
    }

    /// The worker's answer to opening `id`.
    fn opened(&self, id: &str, reply: Reply) {
        // A later opening replaced this one: its reply is not for the page.
        if self.open_id.get_untracked().as_deref() != Some(id) {
            return;
        }
        self.updating.set(false);
        match reply {
            Reply::Opened(view) => self.show(*view),
            Reply::Missing => self.state.set(OpenState::Missing),
            Reply::Failed(e) => {
                let e = e.into_doc_error();
                self.state.set(OpenState::Failed(e.label_key(), e.to_string()));
            }
            other => leptos::logging::warn!("opening answered {other:?}"),
        }
    }

    /// Shows the view of the register just opened or created.
    fn show(&self, view: Register) {
        let (id, name) = (view.id.clone(), view.unit.name.clone());
        view_store::replace(self.view, view);
        self.open_id.set(Some(id.clone()));
        self.state.set(OpenState::Ready);
        self.remember(&id, &name);
    }

    /// Creates a register from the school template and opens it; `done` gets its id, or the
    /// refused fields.
    pub fn create(&self, unit: UnitForm, done: impl FnOnce(Result<Id, DocError>) + 'static) {
        let this = *self;
        let request = Request::Create { unit, today: today().to_string(), at: now_seconds() };
        self.request(request, move |reply| match reply {
            Reply::Opened(view) => {
                let id = view.id.clone();
                this.conflicts.set(Vec::new());
                this.show(*view);
                done(Ok(id));
            }
            Reply::Failed(e) => done(Err(e.into_doc_error())),
            other => done(Err(DocError::Write(format!("creating answered {other:?}")))),
        });
    }

    /// Runs a command on the open register as the current member; `reply` gets what it did,
    /// after the view has taken its patches.
    pub fn send(&self, command: Command, reply: impl FnOnce(Result<Outcome, DocError>) + 'static) {
        if self.updating.get_untracked() || self.with(|_| ()).is_none() {
            reply(Err(DocError::NotReady));
            return;
        }
        // Never 已保存 while a command is on its way: the worker's events say when it is stored.
        if !matches!(self.status.get_untracked(), SaveStatus::Failed(_)) {
            self.status.set(SaveStatus::Pending);
        }
        let request = Request::Run { command, author: self.me().unwrap_or_default(), at: now_seconds() };
        let this = *self;
        self.request(request, move |answer| {
            let result = match answer {
                Reply::Ran(outcome) => Ok(outcome),
                Reply::Failed(e) => Err(e.into_doc_error()),
                other => Err(DocError::Write(format!("a command answered {other:?}"))),
            };
            if result.is_err() {
                // Nothing was written: the status is what the worker last said.
                this.status.set(this.told.get_value());
            }
            reply(result)
        });
    }

    /// Every change of the open register, newest first (asked again after each change).
    pub fn history(&self) -> RwSignal<Option<Vec<HistoryEntry>>, LocalStorage> {
        let this = *self;
        self.ask_tracked(move || this.with(|_| Request::History), history_of)
    }

    /// The changes of one entity, newest first.
    pub fn entity_history(
        &self,
        kind: EntityKind,
        id: impl Fn() -> Option<Id> + 'static,
    ) -> RwSignal<Option<Vec<HistoryEntry>>, LocalStorage> {
        self.ask_tracked(move || id().map(|id| Request::EntityHistory { kind, id }), history_of)
    }

    /// The register just after change `hash()` and that change's time.
    pub fn register_at(
        &self,
        hash: impl Fn() -> Option<String> + 'static,
    ) -> RwSignal<Option<(i64, Register)>, LocalStorage> {
        self.ask_tracked(
            move || hash().map(|hash| Request::RegisterAt { hash }),
            |reply| match reply {
                Reply::RegisterAt { at, register } => Some((at, *register)),
                _ => None,
            },
        )
    }

    /// Keeps what the worker has not stored in this tab's synchronous journal, as the page
    /// closes.
    fn journal_now(&self) {
        let Some((register, bytes)) = self.unsaved.get_value() else { return };
        if !bytes.is_empty()
            && let Err(e) = Journal::write(&register, &self.tab.get_value(), &bytes)
        {
            leptos::logging::warn!("keeping the last edits as the page closes failed: {e}");
        }
    }

    /// The open register as a `.qingfeng` file, handed to `done` with its name. Remembers when.
    pub fn export_file(&self, done: impl FnOnce(Option<(String, Vec<u8>)>) + 'static) {
        let Some(name) = self.with(|r| export_file_name(&r.unit.name, today())) else {
            done(None);
            return;
        };
        let this = *self;
        self.request(Request::ExportFile, move |reply| match reply {
            Reply::File(bytes) => {
                let now = now_seconds();
                this.update_entry(|e| e.exported_at = Some(now));
                done(Some((name, bytes)));
            }
            _ => done(None),
        });
    }

    /// `table` as an XLSX workbook with one sheet named `sheet`, handed to `done` (or why not).
    pub fn xlsx(&self, table: crate::report::Table, sheet: &str, done: impl FnOnce(Result<Vec<u8>, String>) + 'static) {
        self.request(Request::Xlsx { table, sheet: sheet.to_string() }, move |reply| {
            done(match reply {
                Reply::File(bytes) => Ok(bytes),
                Reply::Failed(e) => Err(e.into_doc_error().to_string()),
                other => Err(format!("{other:?}")),
            })
        });
    }

    /// The open register as readable JSON (not for importing).
    pub fn export_json(&self) -> Option<(String, String)> {
        self.shows_open().then(|| {
            self.view.with_untracked(|r| {
                let name = export_file_name(&r.unit.name, today()).replace(".qingfeng", ".json");
                (name, crate::report::register_json(r))
            })
        })
    }

    /// Imports a file. A copy of the open register is merged into it; a copy of another register
    /// kept here is merged into that one in storage; a register new to this browser is stored and
    /// listed. The open register stays open. On error nothing changes.
    pub async fn import_file(&self, bytes: Vec<u8>) -> Result<Imported, ImportError> {
        let header = RegisterFile::decode(&bytes)?;
        let journals = Journal::read_all(&header.register_id);
        let keys: Vec<String> = journals.iter().map(|(key, _)| key.clone()).collect();
        match self.ask(Request::Import { bytes, journals }).await {
            Reply::Imported(imported) => {
                Journal::clear_keys(&keys);
                match &imported {
                    Imported::Added { id, name } => self.remember(id, name),
                    Imported::Merged { id, .. } => self.remember(id, &header.register_name),
                }
                Ok(imported)
            }
            Reply::Failed(e) => Err(ImportError::Doc(e.into_doc_error())),
            other => Err(ImportError::Doc(DocError::Write(format!("importing answered {other:?}")))),
        }
    }

    fn update_entry(&self, f: impl FnOnce(&mut RegisterEntry)) {
        let Some(id) = self.open_id.get_untracked() else { return };
        self.registers.update(|list| {
            if let Some(entry) = list.iter_mut().find(|e| e.id == id) {
                f(entry);
            }
        });
        // The index is small; if it cannot be written the register itself still saves.
        let _ = self.registers.with_untracked(|list| Prefs::set_registers(list));
    }

    /// Adds the register to this browser's list, or updates its name there.
    fn remember(&self, id: &str, name: &str) {
        let changed = self.registers.try_update(|list| match list.iter_mut().find(|e| e.id == id) {
            Some(existing) if existing.name == name => false,
            Some(existing) => {
                existing.name = name.to_string();
                true
            }
            None => {
                list.push(RegisterEntry {
                    id: id.to_string(),
                    name: name.to_string(),
                    added_at: Some(now_seconds()),
                    ..RegisterEntry::default()
                });
                true
            }
        });
        if changed == Some(true) {
            let _ = self.registers.with_untracked(|list| Prefs::set_registers(list));
        }
    }
}

fn history_of(reply: Reply) -> Option<Vec<HistoryEntry>> {
    match reply {
        Reply::History(entries) => Some(entries),
        _ => None,
    }
}

/// Asks the browser not to clear this site's data under storage pressure.
async fn ask_persistence() -> Option<bool> {
    let storage = window().navigator().storage();
    let promise = storage.persist().ok()?;
    wasm_bindgen_futures::JsFuture::from(promise).await.ok()?.as_bool()
}
