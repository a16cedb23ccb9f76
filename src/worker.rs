//! The register engine in a Web Worker: it owns the open register's Automerge document and its
//! storage, so that loading, saving, merging, importing, history and conflict scans never block
//! the page. The page sends [`ToEngine`] requests and gets [`FromEngine`] replies and events
//! (view patches, save status, conflicts, the unsaved changes for its closing-time journal).
//!
//! Every change enters the document here: a command from the page, a file, another tab's stored
//! chunk. The decisions (what to write, when to save) are the sans-IO `storage::Persistence`
//! and `storage::Autosave`; this file only does what they say, with IndexedDB, timers, the
//! `BroadcastChannel` to other tabs and the compactor Web Lock.

mod live;

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use gloo_timers::future::TimeoutFuture;
use js_sys::Uint8Array;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::spawn_local;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use crate::doc::{Conflict, DocError, RegisterDoc, Stamp};
use crate::engine::protocol::{
    Event, FromEngine, Imported, JournalEntry, RemoteError, Reply, Request, ToEngine, decode, encode,
};
use crate::engine::sealing::{reporters, seal_command};
use crate::engine::{Command, Outcome};
use crate::model::{EntityKind, Id, Template};
use crate::seal::SealKey;
use crate::storage::{
    Autosave, AutosaveStep, BrowserStore, DocStore as _, Persistence, RoleLock, SaveStatus, Saved, Write, encode_view,
    open_stored, save_now,
};
use crate::sync::{RegisterFile, TabChannel, TabMessage, read_file};

/// How long after the last save the view copy is rewritten.
const PREVIEW_DELAY_MS: u32 = 3_000;

/// How the open register is being saved.
#[derive(Default)]
struct Saving {
    persistence: Option<Persistence>,
    autosave: Autosave,
    timer: Option<Timeout>,
    /// Held by the one tab that compacts this register.
    lock: Option<RoleLock>,
    /// Messages from other tabs that came while the register was being opened.
    early: Vec<TabMessage>,
    /// The last status told to the page.
    told: Option<SaveStatus>,
}

/// The engine: one per page, one open register at a time.
#[derive(Default)]
struct Engine {
    store: RefCell<Option<BrowserStore>>,
    doc: RefCell<Option<RegisterDoc>>,
    saving: RefCell<Saving>,
    conflicts: RefCell<Vec<Conflict>>,
    channel: RefCell<Option<TabChannel>>,
    preview_timer: RefCell<Option<Timeout>>,
    queue: RefCell<VecDeque<ToEngine>>,
    busy: Cell<bool>,
    /// The key that opens the open register's reporters' names, once a member gave the
    /// passphrase: in memory only, forgotten when another register opens.
    seal_key: RefCell<Option<(Id, SealKey)>>,
    /// Live sync: the hub's connections (when this worker is the hub) and every register's status.
    hub: RefCell<live::Hub>,
    /// The open register's live status as last told to the page.
    live_told: RefCell<Option<(Id, crate::sync::LiveStatus)>>,
    /// Whether the page last said the browser is online.
    network: Cell<Option<bool>>,
    /// The browser's device id, from the page.
    device: RefCell<String>,
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
        let Some(request) = message.data().dyn_into::<Uint8Array>().ok().and_then(|b| decode::<ToEngine>(&b.to_vec()))
        else {
            web_sys::console::warn_1(&"the engine got a message it cannot read".into());
            return;
        };
        let engine = engine();
        engine.queue.borrow_mut().push_back(request);
        if !engine.busy.replace(true) {
            spawn_local(async move {
                loop {
                    let next = engine.queue.borrow_mut().pop_front();
                    let Some(ToEngine { id, request }) = next else { break };
                    let reply = engine.handle(request).await;
                    post(&FromEngine::Reply { id, reply });
                }
                engine.busy.set(false);
            });
        }
    });
    scope().set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    let channel = TabChannel::open(|message| {
        let engine = engine();
        engine.hub_receive(&message);
        engine.receive(message);
    });
    *engine().channel.borrow_mut() = channel;
    engine().start_hub();
    live::watch_network();
    event(Event::Ready);
}

fn failed(e: &DocError) -> Reply {
    Reply::Failed(RemoteError::from(e))
}

fn keyed(key: &str, detail: String) -> Reply {
    Reply::Failed(RemoteError::Keyed { key: key.to_string(), detail })
}

impl Engine {
    async fn store(&self) -> BrowserStore {
        if let Some(store) = self.store.borrow().clone() {
            return store;
        }
        let store = BrowserStore::open().await;
        *self.store.borrow_mut() = Some(store.clone());
        store
    }

    /// A stamp for `author` at `at`, on this browser's device.
    fn stamp(&self, author: Id, at: i64) -> Stamp {
        Stamp::new(author, at).on(&self.device.borrow())
    }

    fn doc_id(&self) -> Option<String> {
        self.doc.borrow().as_ref().map(|d| d.id().to_string())
    }

    async fn handle(self: &Rc<Self>, request: Request) -> Reply {
        match request {
            Request::Open { register, journals } => self.open(&register, journals).await,
            Request::Create { unit, template, today, at } => {
                self.flush().await;
                let Ok(today) = today.parse() else { return keyed("error.write", format!("not a date: {today}")) };
                match RegisterDoc::create(&unit, Template::by_code(&template), today, &self.stamp(String::new(), at)) {
                    Ok(doc) => {
                        let persistence = Persistence::fresh(doc.id());
                        let view = doc.register().clone();
                        self.adopt(doc);
                        self.attach(persistence);
                        Reply::Opened(Box::new(view))
                    }
                    Err(e) => failed(&e),
                }
            }
            Request::Run { command, author, at } => match self.run(command, &self.stamp(author, at)) {
                Ok(outcome) => Reply::Ran(outcome),
                Err(e) => failed(&e),
            },
            Request::History => self.read(|d| Reply::History(d.history())),
            Request::EntityHistory { kind, id } => self.read(|d| Reply::History(d.entity_history(kind, &id))),
            Request::RegisterAt { hash } => self.read(|d| {
                let Some(hash) = d.change_hash(&hash) else { return Reply::Missing };
                let at = d.history().into_iter().find(|e| e.hash == hash).map(|e| e.at).unwrap_or_default();
                d.register_at(hash)
                    .map_or_else(|e| failed(&e), |register| Reply::RegisterAt { at, register: Box::new(register) })
            }),
            Request::RegisterAtHeads { heads } => self.read(|d| {
                d.register_at_heads(&heads)
                    .map_or_else(|e| failed(&e), |register| Reply::RegisterAt { at: 0, register: Box::new(register) })
            }),
            Request::ExportFile => self.read(|d| Reply::File(d.export_file())),
            Request::Xlsx { table, sheet } => match crate::report::to_xlsx(&table, &sheet) {
                Ok(bytes) => Reply::File(bytes),
                Err(e) => keyed("catalogue.xlsx_failed", e.to_string()),
            },
            Request::Import { bytes, journals } => self.import(bytes, journals).await,
            Request::Shares(shares) => self.set_shares(shares),
            Request::ReplaceSecret { secret } => self.replace_secret(&secret),
            Request::Device(device) => {
                *self.device.borrow_mut() = device;
                Reply::Ran(Outcome::Done)
            }
            Request::Network { online } => {
                self.network.set(Some(online));
                if online {
                    self.back_online()
                } else {
                    self.went_offline()
                }
                Reply::Ran(Outcome::Done)
            }
            Request::Join { share, journals } => self.join(share, journals).await,
            Request::StaffPlan { name, bytes, columns } => match crate::sync::read_staff_file(&name, &bytes) {
                Ok(table) => self.read(|d| {
                    let columns = columns.unwrap_or_else(|| crate::sync::guess_columns(&table.headers));
                    let rows = crate::sync::plan_staff(d.register(), &table, &columns);
                    Reply::StaffPlan { headers: table.headers.clone(), columns, rows }
                }),
                Err(e) => keyed(e.label_key(), e.to_string()),
            },
            Request::SetPassphrase { passphrase, author, at } => {
                self.set_passphrase(&passphrase.0, &self.stamp(author, at))
            }
            Request::Unlock { passphrase } => self.unlock(&passphrase.0),
            Request::Reporters => self.read(|d| match self.key_for(&d.register().id) {
                Some(key) => Reply::Reporters(reporters(d.register(), &key)),
                None => keyed("seal.locked", "the passphrase was not given".into()),
            }),
            Request::Lock => {
                self.seal_key.borrow_mut().take();
                Reply::Ran(Outcome::Done)
            }
        }
    }

    /// The seal key, if it is the open register's.
    fn key_for(&self, register: &str) -> Option<SealKey> {
        self.seal_key.borrow().as_ref().filter(|(id, _)| id == register).map(|(_, key)| key.clone())
    }

    /// Sets the passphrase that seals reporters' names (once per register) and keeps its key.
    fn set_passphrase(self: &Rc<Self>, passphrase: &str, stamp: &Stamp) -> Reply {
        let Some(register) = self.doc.borrow().as_ref().map(|d| d.register().id.clone()) else {
            return failed(&DocError::NotReady);
        };
        let (lock, key) = match crate::seal::new_lock(passphrase, &register) {
            Ok(made) => made,
            Err(e) => return keyed(e.label_key(), e.to_string()),
        };
        match self.run(Command::SetReporterLock(lock), stamp) {
            Ok(outcome) => {
                *self.seal_key.borrow_mut() = Some((register, key));
                Reply::Ran(outcome)
            }
            Err(e) => failed(&e),
        }
    }

    /// Keeps the key of `passphrase` if it opens the open register's lock (the page then asks
    /// for the names); a wrong passphrase changes nothing.
    fn unlock(&self, passphrase: &str) -> Reply {
        let doc = self.doc.borrow();
        let Some(register) = doc.as_ref().map(RegisterDoc::register) else { return failed(&DocError::NotReady) };
        let Some(lock) = &register.settings.reporter_lock else {
            return keyed("seal.no_lock", "no passphrase is set".into());
        };
        match crate::seal::unlock(lock, passphrase, &register.id) {
            Ok(key) => {
                *self.seal_key.borrow_mut() = Some((register.id.clone(), key));
                Reply::Ran(Outcome::Done)
            }
            Err(e) => keyed(e.label_key(), e.to_string()),
        }
    }

    /// Works on the open document; refused while none is open.
    fn read(&self, f: impl FnOnce(&mut RegisterDoc) -> Reply) -> Reply {
        match self.doc.borrow_mut().as_mut() {
            Some(doc) => f(doc),
            None => failed(&DocError::NotReady),
        }
    }

    /// Opens a stored register: its view copy first, then the document with the journals.
    async fn open(self: &Rc<Self>, register: &str, journals: Vec<JournalEntry>) -> Reply {
        self.flush().await;
        let store = self.store().await;
        if let Some(copy) = store.view(register).await {
            event(Event::Preview(copy));
        }
        let bytes: Vec<&[u8]> = journals.iter().map(|(_, b)| b.as_slice()).collect();
        match open_stored(&store, register, &bytes).await {
            Ok(Some((doc, persistence))) => {
                let view = doc.register().clone();
                self.adopt(doc);
                self.attach(persistence);
                if !journals.is_empty() {
                    // What closed tabs journaled is in the document now, not yet in the store.
                    self.note_edit();
                }
                self.schedule_preview();
                let this = self.clone();
                spawn_local(async move {
                    // After the page has the view: a large register takes a moment to scan.
                    TimeoutFuture::new(0).await;
                    this.refresh_conflicts();
                });
                Reply::Opened(Box::new(view))
            }
            Ok(None) => Reply::Missing,
            Err(e) => keyed(e.label_key(), e.to_string()),
        }
    }

    fn adopt(&self, doc: RegisterDoc) {
        if self.key_for(&doc.register().id).is_none() {
            self.seal_key.borrow_mut().take();
        }
        *self.saving.borrow_mut() = Saving::default();
        *self.doc.borrow_mut() = Some(doc);
        self.conflicts.borrow_mut().clear();
        self.tell_status();
        self.tell_open_live();
    }

    /// Gives the document its persistence and the compactor request, applies what other tabs
    /// stored while it was being opened, and saves at once what only memory holds.
    fn attach(self: &Rc<Self>, persistence: Persistence) {
        let register = persistence.register().to_string();
        let first_save = persistence.wants_compaction();
        let early = {
            let mut saving = self.saving.borrow_mut();
            saving.persistence = Some(persistence);
            saving.lock = Some(RoleLock::compactor(&register));
            std::mem::take(&mut saving.early)
        };
        for message in early {
            self.receive(message);
        }
        if first_save {
            self.note_edit();
        }
    }

    fn run(self: &Rc<Self>, command: Command, stamp: &Stamp) -> Result<Outcome, DocError> {
        let merge = matches!(command, Command::MergeFile(_));
        let register = self.doc.borrow().as_ref().map(|d| d.register().id.clone()).ok_or(DocError::NotReady)?;
        let command = seal_command(command, self.key_for(&register).as_ref(), &register)?;
        let (outcome, patches, fresh) = {
            let mut doc = self.doc.borrow_mut();
            let doc = doc.as_mut().ok_or(DocError::NotReady)?;
            let before = self.is_shared(&register).then(|| doc.heads());
            let (outcome, patches) = doc.run(stamp, command)?;
            (outcome, patches, before.map(|before| doc.save_after(&before)))
        };
        if !patches.is_empty() {
            self.tell_patches(patches);
        }
        if let Some(fresh) = fresh {
            self.send_fresh(&register, fresh);
        }
        if merge {
            self.refresh_conflicts();
        } else {
            self.recheck_written();
        }
        self.note_edit();
        Ok(outcome)
    }

    /// Finds every conflict (after opening and merging) and tells the page.
    fn refresh_conflicts(&self) {
        let Some(found) = self.doc.borrow_mut().as_mut().map(RegisterDoc::conflicts) else { return };
        *self.conflicts.borrow_mut() = found.clone();
        self.tell_conflicts(found);
    }

    /// Re-checks the conflicts of the entities local changes wrote: edits settle conflicts,
    /// only merges make them.
    fn recheck_written(&self) {
        let Some((written, found)) = self.doc.borrow_mut().as_mut().map(RegisterDoc::written_conflicts) else {
            return;
        };
        self.replace_conflicts(&written, found);
    }

    fn replace_conflicts(&self, entities: &[(EntityKind, Id)], found: Vec<Conflict>) {
        if entities.is_empty() {
            return;
        }
        let all = {
            let mut all = self.conflicts.borrow_mut();
            let before = all.len();
            all.retain(|c| !entities.iter().any(|(kind, id)| c.kind == *kind && c.id == *id));
            if before == all.len() && found.is_empty() {
                return;
            }
            all.extend(found);
            all.clone()
        };
        self.tell_conflicts(all);
    }

    fn tell_conflicts(&self, conflicts: Vec<Conflict>) {
        if let Some(register) = self.doc_id() {
            event(Event::Conflicts { register, conflicts });
        }
    }

    fn tell_patches(&self, patches: Vec<crate::engine::ViewPatch>) {
        if let Some(register) = self.doc_id() {
            event(Event::Patches { register, patches });
        }
    }

    /// The document changed: the autosave decides when to write; the page learns what is
    /// not yet stored.
    fn note_edit(self: &Rc<Self>) {
        let step = self.saving.borrow_mut().autosave.edited();
        self.follow(step);
        self.tell_unsaved();
    }

    fn tell_status(&self) {
        let mut saving = self.saving.borrow_mut();
        let status = saving.autosave.status().clone();
        if saving.told.as_ref() != Some(&status) {
            saving.told = Some(status.clone());
            event(Event::Status(status));
        }
    }

    /// Tells the page the changes not yet stored (empty when all are).
    fn tell_unsaved(&self) {
        let saving = self.saving.borrow();
        let Some(p) = saving.persistence.as_ref() else { return };
        let Some((register, bytes)) = self.doc.borrow_mut().as_mut().map(|d| (d.id().to_string(), p.unsaved(d))) else {
            return;
        };
        event(Event::Unsaved { register, bytes });
    }

    /// Does what the autosave decided.
    fn follow(self: &Rc<Self>, step: AutosaveStep) {
        self.tell_status();
        match step {
            AutosaveStep::Idle => {}
            // Replacing the timer drops, and so cancels, the one before: that is the debounce.
            AutosaveStep::Wait(ms) => {
                let this = self.clone();
                let timer = Timeout::new(ms, move || this.due());
                self.saving.borrow_mut().timer = Some(timer);
            }
            AutosaveStep::Write => {
                let this = self.clone();
                spawn_local(async move { this.write().await });
            }
        }
    }

    fn due(self: &Rc<Self>) {
        let step = {
            let mut saving = self.saving.borrow_mut();
            saving.timer = None;
            saving.autosave.due()
        };
        self.follow(step);
    }

    /// Takes what is not yet stored, stores it, tells the other tabs, and reports to the
    /// autosave.
    async fn write(self: &Rc<Self>) {
        let store = self.store().await;
        let taken = {
            let mut saving = self.saving.borrow_mut();
            let may_compact = saving.lock.as_ref().is_some_and(RoleLock::is_held);
            saving.persistence.as_mut().and_then(|p| {
                let write = self.doc.borrow_mut().as_mut().and_then(|d| p.prepare(d, may_compact))?;
                Some((p.register().to_string(), p.stored_heads().to_vec(), write))
            })
        };
        let result = match taken {
            None => Ok(Saved::Nothing),
            Some((register, since, write)) => {
                let result = store.apply(&register, &write).await;
                if let Some(p) = self.saving.borrow_mut().persistence.as_mut().filter(|p| p.register() == register) {
                    p.written(&write, &result);
                }
                match &result {
                    Err(e) => web_sys::console::warn_1(&format!("saving the register failed: {e}").into()),
                    Ok(()) => {
                        self.tell_tabs(&register, &since, &write);
                        self.schedule_preview();
                    }
                }
                result.map(|()| write.outcome())
            }
        };
        let step = self.saving.borrow_mut().autosave.finished(result);
        self.follow(step);
        self.tell_unsaved();
    }

    /// Tells the other tabs what a write stored: a chunk as it is; for a snapshot, only the
    /// changes that were not stored before it.
    fn tell_tabs(self: &Rc<Self>, register: &str, since: &[automerge::ChangeHash], write: &Write) {
        let changes = if write.is_snapshot() {
            self.doc.borrow_mut().as_mut().map(|d| d.save_after(since)).unwrap_or_default()
        } else {
            write.bytes.clone()
        };
        let message = TabMessage { register: register.to_string(), changes, heads: write.heads.clone() };
        if let Some(channel) = self.channel.borrow().as_ref() {
            channel.tell(&message);
        }
        self.hub_receive(&message);
    }

    /// Another tab stored changes: apply them if that register is open here. They are stored
    /// already, so this tab does not write them again.
    fn receive(self: &Rc<Self>, message: TabMessage) {
        if self.doc_id().as_deref() != Some(message.register.as_str()) {
            return;
        }
        let mut saving = self.saving.borrow_mut();
        let Some(p) = saving.persistence.as_mut() else {
            saving.early.push(message);
            return;
        };
        let mut doc = self.doc.borrow_mut();
        let Some(d) = doc.as_mut() else { return };
        match d.apply_chunk(&message.changes) {
            Ok(report) => {
                p.stored_elsewhere(d, &message.heads);
                if report.changes == 0 {
                    d.take_view_patches();
                    return;
                }
                drop(doc);
                drop(saving);
                self.show_incoming(report);
            }
            Err(e) => web_sys::console::warn_1(&format!("changes from another tab could not be read: {e}").into()),
        }
    }

    /// Changes from elsewhere (another tab, the relay) are in the document: the page gets their
    /// patches, and the conflicts of the entities they touched are found again.
    fn show_incoming(&self, report: crate::doc::MergeReport) {
        let (patches, entities, found) = {
            let mut doc = self.doc.borrow_mut();
            let Some(d) = doc.as_mut() else { return };
            let entities: Vec<(EntityKind, Id)> = report.entities.into_iter().collect();
            let found = entities.iter().flat_map(|(k, id)| d.entity_conflicts(*k, id)).collect();
            (d.take_view_patches(), entities, found)
        };
        if !patches.is_empty() {
            self.tell_patches(patches);
        }
        self.replace_conflicts(&entities, found);
    }

    /// Waits for a write under way, then writes what is left: before another register replaces
    /// the open one.
    async fn flush(self: &Rc<Self>) {
        if self.doc_id().is_none() {
            return;
        }
        for _ in 0..250 {
            if !self.saving.borrow().autosave.is_writing() {
                break;
            }
            TimeoutFuture::new(20).await;
        }
        let due = {
            let mut saving = self.saving.borrow_mut();
            saving.autosave.is_dirty() && saving.autosave.due() == AutosaveStep::Write
        };
        if due {
            self.write().await;
        }
    }

    /// Writes the open register's view copy a few seconds after the last save (or the
    /// opening), so that the next opening paints at once.
    fn schedule_preview(self: &Rc<Self>) {
        let this = self.clone();
        let timer = Timeout::new(PREVIEW_DELAY_MS, move || {
            let Some((id, bytes)) =
                this.doc.borrow_mut().as_mut().map(|d| (d.id().to_string(), encode_view(&d.heads(), d.register())))
            else {
                return;
            };
            spawn_local(async move {
                if let Err(e) = this.store().await.put_view(&id, &bytes).await {
                    web_sys::console::warn_1(&format!("keeping the view copy failed: {e}").into());
                }
            });
        });
        *self.preview_timer.borrow_mut() = Some(timer);
    }

    /// Imports a file. A copy of the open register is merged into it; a copy of another
    /// register kept here is merged into that one in storage; a register new to this browser
    /// is stored. On error nothing changes.
    async fn import(self: &Rc<Self>, bytes: Vec<u8>, journals: Vec<JournalEntry>) -> Reply {
        let header = match RegisterFile::decode(&bytes) {
            Ok(header) => header,
            Err(e) => return keyed(e.label_key(), e.to_string()),
        };
        if self.doc_id().as_deref() == Some(header.register_id.as_str()) {
            let at = now_seconds();
            return match self.run(Command::MergeFile(bytes), &self.stamp(String::new(), at)) {
                Ok(Outcome::Merged(report)) => Reply::Imported(Imported::Merged { id: header.register_id, report }),
                Ok(other) => keyed("error.write", format!("a merge answered {other:?}")),
                Err(e) => failed(&e),
            };
        }
        let incoming = match read_file(&bytes) {
            Ok(doc) => doc,
            Err(e) => return keyed(e.label_key(), e.to_string()),
        };
        self.keep_incoming(incoming, journals).await
    }

    /// Keeps a register that came from outside (a file, a relay) and is not the open one:
    /// merged into the copy kept here, or stored as new. On error nothing changes.
    async fn keep_incoming(self: &Rc<Self>, mut incoming: RegisterDoc, journals: Vec<JournalEntry>) -> Reply {
        if self.doc_id().as_deref() == Some(incoming.id()) {
            let at = now_seconds();
            let file = incoming.export_file();
            return match self.run(Command::MergeFile(file), &self.stamp(String::new(), at)) {
                Ok(Outcome::Merged(report)) => {
                    Reply::Imported(Imported::Merged { id: incoming.id().to_string(), report })
                }
                Ok(other) => keyed("error.write", format!("a merge answered {other:?}")),
                Err(e) => failed(&e),
            };
        }
        let id = incoming.id().to_string();
        let name = incoming.register().unit.name.clone();
        let store = self.store().await;
        let journal_bytes: Vec<&[u8]> = journals.iter().map(|(_, b)| b.as_slice()).collect();
        let (mut kept, mut persistence, imported) = match open_stored(&store, &id, &journal_bytes).await {
            Ok(Some((mut kept, persistence))) => match kept.merge(&mut incoming) {
                Ok(report) => (kept, persistence, Imported::Merged { id: id.clone(), report }),
                Err(e) => return failed(&e),
            },
            Ok(None) => (incoming, Persistence::fresh(&id), Imported::Added { id: id.clone(), name }),
            Err(e) => return keyed(e.label_key(), e.to_string()),
        };
        if let Err(e) = save_now(&store, &mut persistence, &mut kept).await {
            return keyed(e.label_key(), e.to_string());
        }
        // Tabs that have this register open take the file's changes too.
        let message = TabMessage { register: id, changes: kept.save_snapshot_copy(), heads: kept.heads() };
        if let Some(channel) = self.channel.borrow().as_ref() {
            channel.tell(&message);
        }
        self.hub_receive(&message);
        Reply::Imported(imported)
    }
}
