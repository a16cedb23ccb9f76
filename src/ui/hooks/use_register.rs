//! The open register as the page sees it. The document lives in a Web Worker (`crate::worker`,
//! reached through `ui::engine_link`); the page keeps a view of the register, built from the
//! worker's replies and patched entity by entity, and asks the worker for everything else:
//! commands, history, files. It also keeps who the member at this browser is and the register
//! list; the save status and closing-time journal are `use_autosave`'s.

use std::collections::BTreeMap;
use std::rc::Rc;

use leptos::prelude::*;
use reactive_stores::Store;

use super::Autosave;
use crate::doc::{Conflict, DocError, HistoryEntry};
pub use crate::engine::protocol::Imported;
use crate::engine::protocol::{Event, Reply, Request};
use crate::engine::sealing::Reporter;
use crate::engine::view_store::{self, StoredEntity, ViewStore};
use crate::engine::{Command, Outcome};
use crate::model::{Date, EntityKind, Id, Person, Register, RegisterStoreFields, Settings, Unit};
use crate::rules::UnitForm;
use crate::seal::Passphrase;
pub use crate::storage::SaveStatus;
use crate::storage::{Journal, Prefs, RegisterEntry, decode_view};
use crate::sync::{ImportError, LiveStatus, RegisterFile, Share, export_file_name};
use crate::ui::engine_link::{self, EngineLink};

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

/// The open register. Copy: all parts are arena handles.
#[derive(Clone, Copy)]
pub struct Session {
    link: StoredValue<Option<Rc<EngineLink>>, LocalStorage>,
    /// The save status and closing-time journal.
    pub autosave: Autosave,
    /// The view of the open register, keyed by entity id: a patch re-runs only what reads the
    /// entities it touches. Holds a default register until one is opened.
    view: ViewStore,
    /// The page shows the view copy: it may be behind the document, which is still loading.
    pub updating: RwSignal<bool>,
    /// The id of the open register.
    pub open_id: RwSignal<Option<String>>,
    /// Loading state of the register the route asks for.
    pub state: RwSignal<OpenState>,
    /// The registers kept in this browser, with this browser's choices about each.
    pub registers: RwSignal<Vec<RegisterEntry>>,
    /// Whether the browser promised not to clear this site's data (`navigator.storage.persist()`).
    pub persisted: RwSignal<Option<bool>>,
    /// Whether the worker holds the key that opens the open register's reporters' names.
    pub unlocked: RwSignal<bool>,
    /// The open register's conflicted fields, as the worker found them.
    pub conflicts: RwSignal<Vec<Conflict>, LocalStorage>,
    /// Where live sync of the open register stands.
    pub live: RwSignal<LiveStatus>,
}

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
            autosave: Autosave::new(),
            updating: RwSignal::new(false),
            open_id: RwSignal::new(None),
            state: RwSignal::new(OpenState::Closed),
            registers: RwSignal::new(registers),
            persisted: RwSignal::new(None),
            conflicts: RwSignal::new_local(Vec::new()),
            unlocked: RwSignal::new(false),
            live: RwSignal::new(LiveStatus::Off),
        };
        let on_failure = move |why| session.autosave.engine_stopped(why);
        session.link.set_value(EngineLink::start(move |event| session.on_event(event), on_failure));
        session.request(Request::Device(Prefs::device()), |_| {});
        leptos::task::spawn_local(async move { session.persisted.set(ask_persistence().await) });
        for (name, online) in [("online", true), ("offline", false)] {
            let tell = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || {
                session.request(Request::Network { online }, |_| {});
            });
            let _ = window().add_event_listener_with_callback(name, wasm_bindgen::JsCast::unchecked_ref(tell.as_ref()));
            tell.forget();
        }
        session.request(Request::Network { online: window().navigator().on_line() }, |_| {});
        // Another tab changed the list of registers (a name, live sync turned on or off).
        let refresh =
            wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::StorageEvent)>::new(move |e: web_sys::StorageEvent| {
                if e.key().is_none_or(|key| key == Prefs::REGISTERS_KEY) {
                    session.registers.set(Prefs::registers());
                }
            });
        let _ =
            window().add_event_listener_with_callback("storage", wasm_bindgen::JsCast::unchecked_ref(refresh.as_ref()));
        refresh.forget();
        // The worker that syncs live (whichever tab's it is) learns every share the list holds.
        Effect::new(move || {
            let shares: Vec<Share> =
                session.registers.with(|list| list.iter().filter(|e| e.live).filter_map(|e| e.share.clone()).collect());
            session.request(Request::Shares(shares), |_| {});
        });
        session
    }

    /// Asks the worker; `callback` gets the reply.
    fn request(&self, request: Request, callback: impl FnOnce(Reply) + 'static) {
        engine_link::request(self.link.get_value().as_deref(), request, callback);
    }

    /// Asks the worker and waits for the reply.
    async fn ask(&self, request: Request) -> Reply {
        engine_link::ask(self.link.get_value(), request).await
    }

    fn on_event(&self, event: Event) {
        match event {
            // The link answers it.
            Event::Ready => {}
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
            Event::Status { register, status } => {
                if self.open_id.get_untracked().as_deref() == Some(register.as_str()) {
                    self.autosave.told(status);
                }
            }
            Event::Live(status) => self.live.set(status),
            Event::Conflicts { register, conflicts } => {
                if self.open_id.get_untracked().as_deref() == Some(register.as_str()) {
                    self.conflicts.set(conflicts);
                }
            }
            Event::Unsaved { register, bytes } => self.autosave.unsaved(register, bytes),
            // The worker has stored what these journals held.
            Event::JournalsStored(keys) => Journal::clear_keys(&keys),
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
        self.unlocked.set(false);
        self.state.set(OpenState::Loading);
        self.conflicts.set(Vec::new());
        let journals = Journal::read_all(&id);
        let this = *self;
        self.request(Request::Open { register: id.clone(), journals }, move |reply| {
            // A test hook: e2e tests slow the opening down, of every register or of one, to see
            // the view copy or to make an earlier opening finish last (never set otherwise).
            let delay = |key: &str| <gloo_storage::LocalStorage as gloo_storage::Storage>::get::<u32>(key);
            match delay(&format!("qingfeng.test.open_delay_ms.{id}")).or_else(|_| delay("qingfeng.test.open_delay_ms"))
            {
                Ok(ms) => {
                    gloo_timers::callback::Timeout::new(ms, move || {
                        this.opened(&id, reply);
                        // Tells the test the slowed reply has been dealt with.
                        if let Some(body) = document().body() {
                            let _ = body.set_attribute("data-delayed-open", &id);
                        }
                    })
                    .forget();
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

    /// Shows the view of the register just opened or created, and turns live sync on if this
    /// browser keeps it on for the register.
    fn show(&self, view: Register) {
        let (id, name) = (view.id.clone(), view.unit.name.clone());
        view_store::replace(self.view, view);
        self.open_id.set(Some(id.clone()));
        self.state.set(OpenState::Ready);
        self.remember(&id, &name);
    }

    /// Turns live sync of the open register on through `relay` (keeping the secret it already
    /// has there, or making one), or off. The worker that syncs live follows the list.
    pub fn set_live(&self, relay: Option<String>, done: impl FnOnce(Result<(), DocError>) + 'static) {
        let Some(entry) = self.entry() else { return done(Err(DocError::NotReady)) };
        let share = relay.map(|relay| match entry.share {
            Some(share) if share.relay == relay => share,
            _ => {
                Share { relay, register: entry.id.clone(), secret: Share::new_secret(), founder: entry.founder.clone() }
            }
        });
        self.update_entry(|entry| {
            entry.live = share.is_some();
            if share.is_some() {
                entry.share = share;
            }
        });
        done(Ok(()));
    }

    /// Replaces the open register's secret on its relay: the old link stops working for
    /// members who have not joined yet.
    pub fn replace_secret(&self, done: impl FnOnce(Result<(), DocError>) + 'static) {
        let secret = Share::new_secret();
        let this = *self;
        self.request(Request::ReplaceSecret { secret: secret.clone() }, move |reply| match reply {
            Reply::Ran(_) => {
                this.update_entry(|entry| {
                    if let Some(share) = entry.share.as_mut() {
                        share.secret = secret;
                    }
                });
                done(Ok(()));
            }
            Reply::Failed(e) => done(Err(e.into_doc_error())),
            other => done(Err(DocError::Write(format!("replacing the secret answered {other:?}")))),
        });
    }

    /// Fetches a register by share link and keeps it here with live sync on; `done` gets its id.
    pub fn join(&self, share: Share, done: impl FnOnce(Result<Id, DocError>) + 'static) {
        let journals = Journal::read_all(&share.register);
        let this = *self;
        self.request(Request::Join { share: share.clone(), journals }, move |reply| match reply {
            Reply::Imported(Imported::Added { id, name }) => {
                this.keep_joined(&id, &name, share);
                done(Ok(id));
            }
            Reply::Imported(Imported::Merged { id, .. }) => {
                let name = this.registers.with_untracked(|list| {
                    list.iter().find(|e| e.id == id).map(|e| e.name.clone()).unwrap_or_default()
                });
                this.keep_joined(&id, &name, share);
                done(Ok(id));
            }
            Reply::Failed(e) => done(Err(e.into_doc_error())),
            other => done(Err(DocError::Write(format!("joining answered {other:?}")))),
        });
    }

    fn keep_joined(&self, id: &str, name: &str, share: Share) {
        self.remember(id, name);
        self.update_entry_of(id, |entry| {
            entry.share = Some(share);
            entry.live = true;
        });
    }

    /// Creates a register from built-in template `template` and opens it; `done` gets its id,
    /// or the refused fields.
    pub fn create(&self, unit: UnitForm, template: String, done: impl FnOnce(Result<Id, DocError>) + 'static) {
        let this = *self;
        let founder = Share::new_founder();
        let request =
            Request::Create { unit, template, today: today().to_string(), at: now_seconds(), founder: founder.clone() };
        self.request(request, move |reply| match reply {
            Reply::Opened(view) => {
                let id = view.id.clone();
                this.conflicts.set(Vec::new());
                this.show(*view);
                this.update_entry_of(&id, |entry| entry.founder = Some(founder));
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
        self.autosave.pending();
        // The register the page shows, which the command was made on (another may be opening).
        let register = self.view.id().get_untracked();
        let request = Request::Run { register, command, author: self.me().unwrap_or_default(), at: now_seconds() };
        let this = *self;
        self.request(request, move |answer| {
            let result = match answer {
                Reply::Ran(outcome) => Ok(outcome),
                Reply::Failed(e) => Err(e.into_doc_error()),
                other => Err(DocError::Write(format!("a command answered {other:?}"))),
            };
            if result.is_err() {
                this.autosave.refused();
            }
            reply(result)
        });
    }

    /// Sets the passphrase that seals reporters' names; the worker keeps its key.
    pub fn set_passphrase(&self, passphrase: String, done: impl FnOnce(Result<(), DocError>) + 'static) {
        let request = Request::SetPassphrase {
            passphrase: Passphrase(passphrase),
            author: self.me().unwrap_or_default(),
            at: now_seconds(),
        };
        self.take_key(request, done);
    }

    /// Gives the worker the passphrase; a wrong one changes nothing. Once it is taken,
    /// [`Session::reporters`] asks for the names.
    pub fn unlock(&self, passphrase: String, done: impl FnOnce(Result<(), DocError>) + 'static) {
        let request = Request::Unlock {
            passphrase: Passphrase(passphrase),
            author: self.me().unwrap_or_default(),
            at: now_seconds(),
        };
        self.take_key(request, done);
    }

    /// Sends a request that leaves the worker holding the key, and says so when it did.
    fn take_key(&self, request: Request, done: impl FnOnce(Result<(), DocError>) + 'static) {
        let this = *self;
        self.request(request, move |reply| match reply {
            Reply::Ran(_) => {
                this.unlocked.set(true);
                done(Ok(()))
            }
            Reply::Failed(e) => done(Err(e.into_doc_error())),
            other => done(Err(DocError::Write(format!("the passphrase was answered {other:?}")))),
        });
    }

    /// Has the worker forget the key: names are hidden again.
    pub fn lock(&self) {
        self.unlocked.set(false);
        self.request(Request::Lock, |_| {});
    }

    /// The reporters' names the passphrase opens, by complaint id (asked again after each
    /// change; `None` while locked).
    pub fn reporters(&self) -> RwSignal<Option<BTreeMap<Id, Reporter>>, LocalStorage> {
        let this = *self;
        self.ask_tracked(
            move || this.unlocked.get().then_some(Request::Reporters),
            |reply| match reply {
                Reply::Reporters(names) => Some(names),
                _ => None,
            },
        )
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

    /// The register as it stood at `heads()` (a filing).
    pub fn register_at_heads(
        &self,
        heads: impl Fn() -> Option<Vec<String>> + 'static,
    ) -> RwSignal<Option<(i64, Register)>, LocalStorage> {
        self.ask_tracked(
            move || heads().map(|heads| Request::RegisterAtHeads { heads }),
            |reply| match reply {
                Reply::RegisterAt { at, register } => Some((at, *register)),
                _ => None,
            },
        )
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

    /// The staff list `name` read and checked against the open register, through `columns` or
    /// the columns its headers name: (headers, columns, rows), or the locale key of why not.
    pub fn staff_plan(
        &self,
        name: String,
        bytes: Vec<u8>,
        columns: Option<crate::sync::StaffColumns>,
        done: impl FnOnce(Result<(Vec<String>, crate::sync::StaffColumns, Vec<crate::sync::StaffRow>), &'static str>)
        + 'static,
    ) {
        self.request(Request::StaffPlan { name, bytes, columns }, move |reply| {
            done(match reply {
                Reply::StaffPlan { headers, columns, rows } => Ok((headers, columns, rows)),
                Reply::Failed(e) => Err(e.into_doc_error().label_key()),
                _ => Err("staff.unreadable"),
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
        match self.ask(Request::Import { bytes, journals }).await {
            Reply::Imported(imported) => {
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
        if let Some(id) = self.open_id.get_untracked() {
            self.update_entry_of(&id, f);
        }
    }

    fn update_entry_of(&self, id: &str, f: impl FnOnce(&mut RegisterEntry)) {
        self.edit_registers(|list| {
            if let Some(entry) = list.iter_mut().find(|e| e.id == id) {
                f(entry);
            }
            true
        });
    }

    /// Adds the register to this browser's list, or updates its name there.
    fn remember(&self, id: &str, name: &str) {
        self.edit_registers(|list| match list.iter_mut().find(|e| e.id == id) {
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
    }

    /// Changes the list of registers as the browser keeps it now (another tab may have changed
    /// it since this one read it), when `f` says it changed something.
    fn edit_registers(&self, f: impl FnOnce(&mut Vec<RegisterEntry>) -> bool) {
        let mut list = Prefs::registers();
        if list.is_empty() {
            // Storage refused (a file copy with site data blocked): the list in memory is all there is.
            list = self.registers.get_untracked();
        }
        if f(&mut list) {
            // The index is small; if it cannot be written the register itself still saves.
            let _ = Prefs::set_registers(&list);
            self.registers.set(list);
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

/// The open register (from context).
pub fn use_register() -> Session {
    crate::ui::use_app().session
}
