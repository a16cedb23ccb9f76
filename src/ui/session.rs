//! The open register in the browser: its document, who the member at this browser is, its
//! persistence and debounced save (decided by `storage::Autosave` and `storage::Persistence`,
//! done here), the other tabs of the same register, file export and import.

use gloo_timers::callback::Timeout;
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::doc::{Conflict, DocError, MergeReport, RegisterDoc, Stamp};
use crate::engine::{Command, Outcome};
use crate::model::{Date, EntityKind, Id, Register, new_id};
pub use crate::storage::SaveStatus;
use crate::storage::{
    Autosave, AutosaveStep, BrowserStore, CompactorLock, DocStore as _, Journal, OpenError, Persistence, Prefs,
    RegisterEntry, decode_view, encode_view, open_stored, save_now,
};
use crate::sync::{ImportError, RegisterFile, TabChannel, TabMessage, export_file_name, read_file};

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

/// How the open register is being saved, outside the reactive graph.
#[derive(Default)]
struct Saving {
    /// For the document in memory; `None` while it is being opened.
    persistence: Option<Persistence>,
    autosave: Autosave,
    timer: Option<Timeout>,
    /// Held by the one tab that compacts this register.
    lock: Option<CompactorLock>,
    /// Journals of closed tabs read at opening, deleted once a write holding them is stored.
    read_journals: Vec<String>,
    /// Counts this tab's journal writes; a write taken before the last one cannot clear it.
    journaled: u64,
    /// `journaled` when the write under way was taken.
    write_taken_at: u64,
    /// Messages from other tabs that came while the register was being opened.
    early: Vec<TabMessage>,
}

/// The open register. Copy: all parts are arena handles.
#[derive(Clone, Copy)]
pub struct Session {
    doc: StoredValue<Option<RegisterDoc>, LocalStorage>,
    store: StoredValue<Option<BrowserStore>, LocalStorage>,
    saving: StoredValue<Saving, LocalStorage>,
    /// This page's name for its closing-time journal.
    tab: StoredValue<String>,
    channel: StoredValue<Option<TabChannel>, LocalStorage>,
    /// The open register's view copy, shown while its document loads.
    preview: StoredValue<Option<Register>, LocalStorage>,
    /// Writes a fresh view copy a while after the last save.
    preview_timer: StoredValue<Option<Timeout>, LocalStorage>,
    changed: Trigger,
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
    /// The open register's conflicted fields. Only merges create conflicts, so this is worked out
    /// after opening and merging, and again after edits while any are open.
    pub conflicts: RwSignal<Vec<Conflict>, LocalStorage>,
}

/// How long after the last save the view copy is rewritten.
const PREVIEW_DELAY_MS: u32 = 3_000;

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
            saving: StoredValue::new_local(Saving::default()),
            tab: StoredValue::new(new_id()),
            channel: StoredValue::new_local(None),
            preview: StoredValue::new_local(None),
            preview_timer: StoredValue::new_local(None),
            updating: RwSignal::new(false),
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
        session.channel.set_value(TabChannel::open(move |message| session.receive(message)));
        spawn_local(async move {
            session.store().await;
            session.persisted.set(ask_persistence().await);
        });
        session
    }

    /// Reads the open register (tracked: reruns when it changes): its document's, or while
    /// that loads, its view copy's. `None` when nothing is open.
    pub fn with<R>(&self, f: impl FnOnce(&Register) -> R) -> Option<R> {
        self.changed.track();
        let open = self.open_id.get_untracked();
        let mut f = Some(f);
        let from_doc = self.doc.with_value(|d| match d {
            Some(d) if Some(d.id()) == open.as_deref() => f.take().map(|f| f(d.register())),
            _ => None,
        });
        from_doc.or_else(|| {
            self.preview.with_value(|p| match p {
                Some(r) if Some(r.id.as_str()) == open.as_deref() => f.take().map(|f| f(r)),
                _ => None,
            })
        })
    }

    /// Reads the open document where reading needs it mutably (history), without changing it.
    /// `None` while it loads.
    pub fn inspect<R>(&self, f: impl FnOnce(&mut RegisterDoc) -> R) -> Option<R> {
        self.changed.track();
        self.open_doc(f)
    }

    /// Works on the document of the open register; `None` while another register's document
    /// is still the one in memory.
    fn open_doc<R>(&self, f: impl FnOnce(&mut RegisterDoc) -> R) -> Option<R> {
        let open = self.open_id.get_untracked()?;
        self.doc.try_update_value(|d| d.as_mut().filter(|d| d.id() == open).map(f)).flatten()
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
            this.show_preview(&id).await;
            let result = this.switch_to_stored(&id).await;
            if this.open_id.get_untracked().as_deref() != Some(id.as_str()) {
                return;
            }
            this.preview.set_value(None);
            this.updating.set(false);
            this.schedule_preview();
            if let Err((key, detail)) = result {
                this.state.set(if key.is_empty() { OpenState::Missing } else { OpenState::Failed(key, detail) });
            }
        });
    }

    /// Paints register `id` from its view copy, if one is kept, and lets the browser show it
    /// before the document's load takes the thread.
    async fn show_preview(&self, id: &str) {
        let store = self.store().await;
        let Some((_, register)) = store.view(id).await.as_deref().and_then(decode_view) else { return };
        if self.open_id.get_untracked().as_deref() != Some(id) || register.id != id {
            return;
        }
        self.preview.set_value(Some(register));
        self.updating.set(true);
        self.state.set(OpenState::Ready);
        self.changed.notify();
        next_paint().await;
        // A test hook: e2e tests slow the opening down to see the view copy (never set otherwise).
        if let Ok(ms) = <gloo_storage::LocalStorage as gloo_storage::Storage>::get::<u32>("qingfeng.test.open_delay_ms")
        {
            TimeoutFuture::new(ms).await;
        }
    }

    /// Writes the open register's view copy a few seconds after the last save (or the opening),
    /// so that the next opening paints at once.
    fn schedule_preview(&self) {
        let this = *self;
        let timer = Timeout::new(PREVIEW_DELAY_MS, move || {
            let Some((id, bytes)) = this.open_doc(|d| (d.id().to_string(), encode_view(&d.heads(), d.register())))
            else {
                return;
            };
            spawn_local(async move {
                if let Err(e) = this.store().await.put_view(&id, &bytes).await {
                    leptos::logging::warn!("keeping the view copy failed: {e}");
                }
            });
        });
        self.preview_timer.set_value(Some(timer));
    }

    /// Writes what is left of the register in memory, then loads register `id` in its place,
    /// with what closed tabs journaled. The error is a message key and detail ("" for a
    /// register storage does not have).
    async fn switch_to_stored(&self, id: &str) -> Result<(), (&'static str, String)> {
        self.flush().await;
        let store = self.store().await;
        let journals = Journal::read_all(id);
        let bytes: Vec<&[u8]> = journals.iter().map(|(_, b)| b.as_slice()).collect();
        match open_stored(&store, id, &bytes).await {
            Ok(Some((doc, persistence))) => {
                self.adopt(doc);
                self.attach(persistence, journals.into_iter().map(|(key, _)| key).collect());
                Ok(())
            }
            Ok(None) => Err(("", String::new())),
            Err(e) => Err((e.label_key(), e.to_string())),
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
            this.attach(Persistence::fresh(&id), Vec::new());
        });
    }

    fn adopt(&self, doc: RegisterDoc) {
        let id = doc.id().to_string();
        let name = doc.register().unit.name.clone();
        self.saving.update_value(|s| {
            s.persistence = None;
            s.lock = None;
            s.timer = None;
            s.autosave = Autosave::default();
        });
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
        self.replace_conflicts(&written, found);
    }

    /// Replaces the listed conflicts of `entities` by `found`, their conflicts as they are now.
    fn replace_conflicts(&self, entities: &[(EntityKind, Id)], found: Vec<Conflict>) {
        if entities.is_empty() {
            return;
        }
        self.conflicts.update(|all| {
            all.retain(|c| !entities.iter().any(|(kind, id)| c.kind == *kind && c.id == *id));
            all.extend(found);
        });
    }

    /// Gives the register in memory its persistence and the compactor request, and applies
    /// what other tabs stored while it was being opened. `journals` were read on top of the
    /// store: they are written at once.
    fn attach(&self, persistence: Persistence, journals: Vec<String>) {
        let register = persistence.register().to_string();
        if self.doc_id().as_deref() != Some(register.as_str()) {
            return;
        }
        let first_save = persistence.wants_compaction() || !journals.is_empty();
        let early = self.saving.try_update_value(|s| {
            s.persistence = Some(persistence);
            s.lock = Some(CompactorLock::request(&register));
            s.read_journals = journals;
            std::mem::take(&mut s.early)
        });
        for message in early.into_iter().flatten() {
            self.receive(message);
        }
        if first_save {
            self.note_edit();
        }
    }

    /// Runs a command on the open register as the current member and schedules a save;
    /// `reply` gets what it did. The reply may come later than the call (it will, once the
    /// document lives in a worker): callers show its outcome from the callback.
    pub fn send(&self, command: Command, reply: impl FnOnce(Result<Outcome, DocError>) + 'static) {
        reply(self.run(command));
    }

    fn run(&self, command: Command) -> Result<Outcome, DocError> {
        let stamp = Stamp::new(self.me().unwrap_or_default(), now_seconds());
        // The page reads the register from the document itself for now: the patches are for a
        // view kept apart from it.
        let (result, _patches) = self.open_doc(|d| d.run(&stamp, command)).ok_or(DocError::NotReady)??;
        self.changed.notify();
        self.recheck_conflicts();
        if let Some((id, name)) =
            self.doc.with_value(|d| d.as_ref().map(|d| (d.id().to_string(), d.register().unit.name.clone())))
        {
            self.remember(&id, &name);
        }
        self.note_edit();
        Ok(result)
    }

    /// Tells the autosave that the document changed.
    fn note_edit(&self) {
        let step = self.saving.try_update_value(|s| s.autosave.edited());
        self.follow(step.unwrap_or(AutosaveStep::Idle));
    }

    /// Does what the autosave decided.
    fn follow(&self, step: AutosaveStep) {
        let status = self.saving.with_value(|s| s.autosave.status().clone());
        if self.status.get_untracked() != status {
            self.status.set(status);
        }
        let this = *self;
        match step {
            AutosaveStep::Idle => {}
            // Replacing the timer drops, and so cancels, the one before: that is the debounce.
            AutosaveStep::Wait(ms) => {
                let timer = Timeout::new(ms, move || this.due());
                self.saving.update_value(|s| s.timer = Some(timer));
            }
            AutosaveStep::Write => spawn_local(async move { this.write().await }),
        }
    }

    /// The debounce or retry timer fired.
    fn due(&self) {
        let step = self.saving.try_update_value(|s| {
            s.timer = None;
            s.autosave.due()
        });
        self.follow(step.unwrap_or(AutosaveStep::Idle));
    }

    /// Takes what is not yet stored from the document, stores it, tells the other tabs, and
    /// reports to the autosave.
    async fn write(&self) {
        let store = self.store().await;
        let taken = self
            .saving
            .try_update_value(|s| {
                s.write_taken_at = s.journaled;
                let may_compact = s.lock.as_ref().is_some_and(CompactorLock::is_held);
                let p = s.persistence.as_mut()?;
                let write = self.doc.try_update_value(|d| d.as_mut().and_then(|d| p.prepare(d, may_compact)))??;
                Some((p.register().to_string(), p.stored_heads().to_vec(), write))
            })
            .flatten();
        let result = match taken {
            None => Ok(crate::storage::Saved::Nothing),
            Some((register, since, write)) => {
                let result = store.apply(&register, &write).await;
                self.saving.update_value(|s| {
                    if let Some(p) = s.persistence.as_mut().filter(|p| p.register() == register) {
                        p.written(&write, &result);
                    }
                    if result.is_ok() {
                        Journal::clear_keys(&std::mem::take(&mut s.read_journals));
                        if s.write_taken_at == s.journaled {
                            Journal::clear(&register, &self.tab.get_value());
                        }
                    }
                });
                if let Err(e) = &result {
                    leptos::logging::warn!("saving the register failed: {e}");
                } else {
                    self.tell_tabs(&register, &since, &write);
                    self.schedule_preview();
                }
                result.map(|()| write.outcome())
            }
        };
        let step = self.saving.try_update_value(|s| s.autosave.finished(result));
        self.follow(step.unwrap_or(AutosaveStep::Idle));
    }

    /// Tells the other tabs what a write stored: a chunk as it is; for a snapshot, only the
    /// changes that were not stored before it.
    fn tell_tabs(&self, register: &str, since: &[automerge::ChangeHash], write: &crate::storage::Write) {
        let changes = if write.is_snapshot() {
            self.doc.try_update_value(|d| d.as_mut().map(|d| d.save_after(since))).flatten().unwrap_or_default()
        } else {
            write.bytes.clone()
        };
        let message = TabMessage { register: register.to_string(), changes, heads: write.heads.clone() };
        self.channel.with_value(|c| c.as_ref().map(|c| c.tell(&message)));
    }

    /// Another tab stored changes: apply them if that register is open here. They are stored
    /// already, so this tab does not write them again.
    fn receive(&self, message: TabMessage) {
        if self.open_id.get_untracked().as_deref() != Some(message.register.as_str()) {
            return;
        }
        let attached = self.saving.with_value(|s| s.persistence.as_ref().map(|p| p.register() == message.register));
        if attached != Some(true) {
            self.saving.update_value(|s| s.early.push(message));
            return;
        }
        let applied = self.doc.try_update_value(|d| {
            let d = d.as_mut()?;
            let report = d.apply_chunk(&message.changes);
            d.take_view_patches();
            self.saving.update_value(|s| {
                if let Some(p) = s.persistence.as_mut() {
                    p.stored_elsewhere(d, &message.heads);
                }
            });
            Some(report)
        });
        match applied.flatten() {
            Some(Ok(report)) if report.changes > 0 => {
                self.changed.notify();
                let entities: Vec<(EntityKind, Id)> = report.entities.into_iter().collect();
                let found = self
                    .doc
                    .try_update_value(|d| {
                        d.as_mut().map(|d| entities.iter().flat_map(|(k, id)| d.entity_conflicts(*k, id)).collect())
                    })
                    .flatten()
                    .unwrap_or_default();
                self.replace_conflicts(&entities, found);
            }
            Some(Err(e)) => leptos::logging::warn!("changes from another tab could not be read: {e}"),
            _ => {}
        }
    }

    /// Keeps what is not yet stored in this tab's synchronous journal, as the page closes.
    fn journal_now(&self) {
        let Some(id) = self.doc_id() else { return };
        let bytes = self
            .saving
            .try_update_value(|s| {
                let p = s.persistence.as_ref()?;
                let bytes = self.doc.try_update_value(|d| d.as_mut().map(|d| p.unsaved(d)))??;
                s.journaled += 1;
                Some(bytes)
            })
            .flatten();
        if let Some(bytes) = bytes.filter(|b| !b.is_empty())
            && let Err(e) = Journal::write(&id, &self.tab.get_value(), &bytes)
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
            if !self.saving.with_value(|s| s.autosave.is_writing()) {
                break;
            }
            TimeoutFuture::new(20).await;
        }
        if self.saving.with_value(|s| s.autosave.is_dirty())
            && self.saving.try_update_value(|s| s.autosave.due()) == Some(AutosaveStep::Write)
        {
            self.write().await;
        }
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
        let header = RegisterFile::decode(&bytes)?;
        if self.doc_id().as_deref() == Some(header.register_id.as_str()) {
            let id = header.register_id;
            let Outcome::Merged(report) = self.run(Command::MergeFile(bytes))? else {
                return Err(DocError::Write("a merge answered without its report".into()).into());
            };
            self.refresh_conflicts();
            return Ok(Imported::Merged { id, report });
        }
        let mut incoming = read_file(&bytes)?;
        let id = incoming.id().to_string();
        let name = incoming.register().unit.name.clone();
        let store = self.store().await;
        let journals = Journal::read_all(&id);
        let journal_bytes: Vec<&[u8]> = journals.iter().map(|(_, b)| b.as_slice()).collect();
        let (mut kept, mut persistence, imported) = match open_stored(&store, &id, &journal_bytes).await {
            Ok(Some((mut kept, persistence))) => {
                let report = kept.merge(&mut incoming)?;
                (kept, persistence, Imported::Merged { id: id.clone(), report })
            }
            Ok(None) => (incoming, Persistence::fresh(&id), Imported::Added { id: id.clone(), name: name.clone() }),
            Err(OpenError::Storage(e)) => return Err(e.into()),
            Err(OpenError::Doc(e)) => return Err(e.into()),
        };
        save_now(&store, &mut persistence, &mut kept).await?;
        Journal::clear_keys(&journals.into_iter().map(|(key, _)| key).collect::<Vec<_>>());
        // Tabs that have this register open take the file's changes too.
        let message = TabMessage { register: id.clone(), changes: kept.save_snapshot_copy(), heads: kept.heads() };
        self.channel.with_value(|c| c.as_ref().map(|c| c.tell(&message)));
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

/// Resolves after the browser has painted the next frame.
async fn next_paint() {
    let frame = js_sys::Promise::new(&mut |resolve, _| {
        let _ = window().request_animation_frame(&resolve);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(frame).await;
    // The frame callback runs before that frame's paint: one more turn lets it happen.
    TimeoutFuture::new(0).await;
}
