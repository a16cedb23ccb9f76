//! The open register in the browser: its document, who the member at this browser is, its
//! persistence and debounced save, file export and import.

use std::cell::Cell;
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::doc::{Conflict, DocError, MergeReport, RegisterDoc, Stamp};
use crate::model::{Date, Id, Register};
use crate::storage::{BrowserStore, Journal, OpenError, Persistence, Prefs, RegisterEntry, Saved, StorageError};
use crate::sync::{ImportError, export_file_name, read_file};

/// How long after the last edit the register is written to storage.
const SAVE_DELAY_MS: u32 = 300;
/// How long after a failed save it is tried again, if no edit comes first.
const RETRY_DELAY_MS: u32 = 10_000;

/// Where the open register's edits stand with respect to storage.
#[derive(Debug, Clone, PartialEq)]
pub enum SaveStatus {
    /// Everything is stored.
    Saved,
    /// Edits wait for the debounce or are being written.
    Pending,
    /// The last write failed; edits are kept in memory and the next save retries.
    Failed(StorageError),
}

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

/// What importing a file did, for the summary shown after it.
#[derive(Debug, Clone, PartialEq)]
pub enum Imported {
    /// A copy of a register kept here: its changes were merged.
    Merged {
        /// The register's id.
        id: Id,
        /// What came in.
        report: MergeReport,
    },
    /// A register new to this browser was added.
    Added {
        /// The register's id.
        id: Id,
        /// 单位名称
        name: String,
    },
}

/// Save bookkeeping that outlives any one write.
#[derive(Default)]
struct Flags {
    /// A save was asked for while it could not run.
    dirty: Cell<bool>,
    /// Changes went to the closing-time journal while a write was under way.
    journaled: Cell<bool>,
}

/// The open register. Copy: all parts are arena handles.
#[derive(Clone, Copy)]
pub struct Session {
    doc: StoredValue<Option<RegisterDoc>, LocalStorage>,
    store: StoredValue<Option<BrowserStore>, LocalStorage>,
    /// `None` while a write is under way, or before storage is ready.
    persistence: StoredValue<Option<Persistence<BrowserStore>>, LocalStorage>,
    timer: StoredValue<Option<Timeout>, LocalStorage>,
    flags: StoredValue<Rc<Flags>, LocalStorage>,
    changed: Trigger,
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
    /// The open register's conflicted fields. Only merges create conflicts, so this is worked out
    /// after opening and merging, and again after edits while any are open.
    pub conflicts: RwSignal<Vec<Conflict>, LocalStorage>,
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
    /// No register open; `registers` lists those kept in this browser.
    pub fn new(registers: Vec<RegisterEntry>) -> Self {
        let session = Self {
            doc: StoredValue::new_local(None),
            store: StoredValue::new_local(None),
            persistence: StoredValue::new_local(None),
            timer: StoredValue::new_local(None),
            flags: StoredValue::new_local(Rc::default()),
            changed: Trigger::new(),
            open_id: RwSignal::new(None),
            state: RwSignal::new(OpenState::Closed),
            status: RwSignal::new(SaveStatus::Saved),
            registers: RwSignal::new(registers),
            persisted: RwSignal::new(None),
            conflicts: RwSignal::new_local(Vec::new()),
        };
        // An IndexedDB write started as the page closes may never finish: pending edits go to
        // the synchronous journal instead, read back on the next opening.
        let _ = window_event_listener(leptos::ev::pagehide, move |_| session.journal_now());
        spawn_local(async move {
            session.store().await;
            session.persisted.set(ask_persistence().await);
        });
        session
    }

    /// Reads the open register (tracked: reruns when it changes). `None` when nothing is open.
    pub fn with<R>(&self, f: impl FnOnce(&Register) -> R) -> Option<R> {
        self.changed.track();
        self.doc.with_value(|d| d.as_ref().map(|d| f(d.register())))
    }

    /// Reads the open document where reading needs it mutably (history), without changing it.
    pub fn inspect<R>(&self, f: impl FnOnce(&mut RegisterDoc) -> R) -> Option<R> {
        self.changed.track();
        self.doc.try_update_value(|d| d.as_mut().map(f)).flatten()
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

    async fn store(&self) -> BrowserStore {
        if let Some(store) = self.store.get_value() {
            return store;
        }
        let store = BrowserStore::open().await;
        self.store.set_value(Some(store.clone()));
        store
    }

    /// The id of the register whose document is in memory (which, while another is being
    /// opened, is not yet `open_id`).
    fn doc_id(&self) -> Option<String> {
        self.doc.with_value(|d| d.as_ref().map(|d| d.id().to_string()))
    }

    /// Opens register `id` from storage unless it is already open.
    pub fn open(&self, id: String) {
        if self.open_id.get_untracked().as_deref() == Some(id.as_str()) {
            return;
        }
        self.open_id.set(Some(id.clone()));
        self.state.set(OpenState::Loading);
        let this = *self;
        spawn_local(async move {
            if let Err((key, detail)) = this.switch_to_stored(&id).await {
                this.state.set(if key.is_empty() { OpenState::Missing } else { OpenState::Failed(key, detail) });
            }
        });
    }

    /// Writes what is left of the register in memory, then loads register `id` in its place.
    /// The error is a message key and detail ("" for a register storage does not have).
    async fn switch_to_stored(&self, id: &str) -> Result<(), (&'static str, String)> {
        self.flush().await;
        let store = self.store().await;
        match Persistence::open(store, id, Journal::read(id).as_deref()).await {
            Ok(Some((doc, persistence))) => {
                self.adopt(doc);
                self.attach(persistence);
                Ok(())
            }
            Ok(None) => Err(("", String::new())),
            Err(OpenError::Storage(e)) => Err((e.label_key(), e.to_string())),
            Err(OpenError::Doc(e)) => Err((e.label_key(), e.to_string())),
        }
    }

    /// Makes a newly created or imported register the open one, and stores it. The register
    /// open before is written out first.
    pub fn start(&self, doc: RegisterDoc) {
        let id = doc.id().to_string();
        self.open_id.set(Some(id.clone()));
        self.state.set(OpenState::Loading);
        let this = *self;
        spawn_local(async move {
            this.flush().await;
            this.adopt(doc);
            this.flags.with_value(|f| f.dirty.set(true));
            let store = this.store().await;
            this.attach(Persistence::fresh(store, &id));
        });
    }

    fn adopt(&self, doc: RegisterDoc) {
        let id = doc.id().to_string();
        let name = doc.register().unit.name.clone();
        self.persistence.set_value(None);
        self.doc.set_value(Some(doc));
        self.status.set(SaveStatus::Saved);
        self.open_id.set(Some(id.clone()));
        self.state.set(OpenState::Ready);
        self.changed.notify();
        self.conflicts.set(Vec::new());
        // After the first paint: a large register takes a moment to scan.
        self.remember(&id, &name);
        let this = *self;
        spawn_local(async move {
            TimeoutFuture::new(100).await;
            if this.doc_id().as_deref() == Some(id.as_str()) {
                this.refresh_conflicts();
            }
        });
    }

    /// Finds every conflict of the register in memory (after opening or merging).
    fn refresh_conflicts(&self) {
        let found = self.doc.try_update_value(|d| d.as_mut().map(RegisterDoc::conflicts)).flatten().unwrap_or_default();
        self.conflicts.set(found);
    }

    /// Re-checks the conflicts of the entities just written: edits resolve conflicts, only
    /// merges create them.
    fn recheck_conflicts(&self) {
        let Some((written, found)) =
            self.doc.try_update_value(|d| d.as_mut().map(RegisterDoc::written_conflicts)).flatten()
        else {
            return;
        };
        if written.is_empty() {
            return;
        }
        self.conflicts.update(|all| {
            all.retain(|c| !written.iter().any(|(kind, id)| c.kind == *kind && c.id == *id));
            all.extend(found);
        });
    }

    /// Gives the register in memory its persistence, and writes what waited for it.
    fn attach(&self, persistence: Persistence<BrowserStore>) {
        if self.doc_id().as_deref() != Some(persistence.register()) {
            return;
        }
        self.persistence.set_value(Some(persistence));
        if self.flags.with_value(|f| f.dirty.replace(false)) {
            self.save_now();
        }
    }

    /// Applies one change to the open register as the current member, then schedules a save.
    pub fn change<R>(&self, f: impl FnOnce(&mut RegisterDoc, &Stamp) -> Result<R, DocError>) -> Result<R, DocError> {
        let stamp = Stamp::new(self.me().unwrap_or_default(), now_seconds());
        let result = self
            .doc
            .try_update_value(|d| d.as_mut().map(|d| f(d, &stamp)))
            .flatten()
            .ok_or_else(|| DocError::NotARegister("no register is open".into()))??;
        self.changed.notify();
        self.recheck_conflicts();
        if let Some((id, name)) =
            self.doc.with_value(|d| d.as_ref().map(|d| (d.id().to_string(), d.register().unit.name.clone())))
        {
            self.remember(&id, &name);
        }
        self.schedule_save(SAVE_DELAY_MS);
        Ok(result)
    }

    fn schedule_save(&self, delay_ms: u32) {
        if !matches!(self.status.get_untracked(), SaveStatus::Failed(_)) {
            self.status.set(SaveStatus::Pending);
        }
        let this = *self;
        // Replacing the timer drops, and so cancels, the one before: that is the debounce.
        self.timer.set_value(Some(Timeout::new(delay_ms, move || this.save_now())));
    }

    /// Writes what changed, now.
    pub fn save_now(&self) {
        let this = *self;
        spawn_local(async move { this.save().await });
    }

    /// Writes what changed; when a write is under way, it is repeated once that one ends.
    async fn save(&self) {
        self.timer.set_value(None);
        let Some(mut persistence) = self.persistence.try_update_value(Option::take).flatten() else {
            self.flags.with_value(|f| f.dirty.set(true));
            return;
        };
        if self.flags.with_value(|f| f.journaled.replace(false)) {
            persistence.require_snapshot();
        }
        // Taken synchronously: the document is not held while the bytes are written.
        let write = self.doc.try_update_value(|d| d.as_mut().and_then(|d| persistence.prepare(d))).flatten();
        let result = match write {
            Some(write) => Some(persistence.write(write).await),
            None => None,
        };
        // The persistence goes back only to its own register's document.
        let register = persistence.register().to_string();
        let still_open = self.doc_id().as_deref() == Some(register.as_str());
        if still_open {
            self.persistence.set_value(Some(persistence));
        }
        match result {
            Some(Err(e)) => {
                leptos::logging::warn!("saving the register failed: {e}");
                self.status.set(SaveStatus::Failed(e));
                self.schedule_save(RETRY_DELAY_MS);
                return;
            }
            Some(Ok(saved)) if still_open => {
                if matches!(saved, Saved::Snapshot(_)) {
                    Journal::clear(&register);
                }
                self.status.set(SaveStatus::Saved)
            }
            None if still_open => self.status.set(SaveStatus::Saved),
            _ => {}
        }
        if still_open && self.flags.with_value(|f| f.dirty.replace(false)) {
            Box::pin(self.save()).await;
        }
    }

    /// Takes what is not yet stored into the synchronous journal, as the page closes.
    fn journal_now(&self) {
        let Some(id) = self.doc_id() else { return };
        let bytes = self
            .persistence
            .try_update_value(|p| match p {
                Some(p) => {
                    let write = self.doc.try_update_value(|d| d.as_mut().and_then(|d| p.prepare(d))).flatten()?;
                    p.require_snapshot();
                    Some(write.bytes().to_vec())
                }
                // A write is under way: take only what came after it, and let it know.
                None => {
                    let bytes =
                        self.doc.try_update_value(|d| d.as_mut().map(RegisterDoc::save_incremental)).flatten()?;
                    self.flags.with_value(|f| f.journaled.set(true));
                    Some(bytes)
                }
            })
            .flatten();
        if let Some(bytes) = bytes.filter(|b| !b.is_empty())
            && let Err(e) = Journal::append(&id, &bytes)
        {
            leptos::logging::warn!("keeping the last edits as the page closes failed: {e}");
        }
    }

    /// Waits for a write under way, then writes what is left: before another register replaces
    /// the open one.
    async fn flush(&self) {
        if self.doc_id().is_none() {
            return;
        }
        for _ in 0..250 {
            if self.persistence.with_value(Option::is_some) {
                break;
            }
            TimeoutFuture::new(20).await;
        }
        self.save().await;
    }

    /// The open register as a `.qingfeng` file: its name and bytes. Remembers when.
    pub fn export_file(&self) -> Option<(String, Vec<u8>)> {
        let exported = self
            .doc
            .try_update_value(|d| {
                d.as_mut().map(|d| (export_file_name(&d.register().unit.name, today()), d.export_file()))
            })
            .flatten()?;
        let now = now_seconds();
        self.update_entry(|e| e.exported_at = Some(now));
        Some(exported)
    }

    /// The open register as readable JSON (not for importing).
    pub fn export_json(&self) -> Option<(String, String)> {
        self.doc.with_value(|d| {
            d.as_ref().map(|d| {
                let name = export_file_name(&d.register().unit.name, today()).replace(".qingfeng", ".json");
                (name, crate::report::register_json(d.register()))
            })
        })
    }

    /// Imports a file. A copy of the open register is merged into it; a copy of another register
    /// kept here is merged into that one in storage; a register new to this browser is stored and
    /// listed. The open register stays open. On error nothing changes.
    pub async fn import_file(&self, bytes: Vec<u8>) -> Result<Imported, ImportError> {
        let mut incoming = read_file(&bytes)?;
        let id = incoming.id().to_string();
        let name = incoming.register().unit.name.clone();
        if self.doc_id().as_deref() == Some(id.as_str()) {
            let report = self.change(|doc, _| doc.merge(&mut incoming))?;
            self.refresh_conflicts();
            return Ok(Imported::Merged { id, report });
        }
        let store = self.store().await;
        let imported = match Persistence::open(store.clone(), &id, Journal::read(&id).as_deref()).await {
            Ok(Some((mut kept, mut persistence))) => {
                let report = kept.merge(&mut incoming)?;
                persistence.save(&mut kept).await?;
                Imported::Merged { id: id.clone(), report }
            }
            Ok(None) => {
                Persistence::fresh(store, &id).save(&mut incoming).await?;
                Imported::Added { id: id.clone(), name: name.clone() }
            }
            Err(OpenError::Storage(e)) => return Err(e.into()),
            Err(OpenError::Doc(e)) => return Err(e.into()),
        };
        Journal::clear(&id);
        self.remember(&id, &name);
        Ok(imported)
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

/// Asks the browser not to clear this site's data under storage pressure.
async fn ask_persistence() -> Option<bool> {
    let storage = window().navigator().storage();
    let promise = storage.persist().ok()?;
    wasm_bindgen_futures::JsFuture::from(promise).await.ok()?.as_bool()
}
