//! The open register in the browser: its document, its persistence, and the debounced save.

use std::cell::Cell;
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::doc::{DocError, RegisterDoc, Stamp};
use crate::model::{Date, Register};
use crate::storage::{
    LocalDocStore, OpenError, PendingWrite, Persistence, Prefs, RegisterEntry, StorageError,
};

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

/// The open register. Copy: all parts are arena handles.
#[derive(Clone, Copy)]
pub struct Session {
    doc: StoredValue<Option<RegisterDoc>, LocalStorage>,
    persistence: StoredValue<Option<Persistence<LocalDocStore>>, LocalStorage>,
    timer: StoredValue<Option<Timeout>, LocalStorage>,
    /// Set when an edit arrives while a write is under way.
    dirty: StoredValue<Rc<Cell<bool>>, LocalStorage>,
    changed: Trigger,
    /// The id of the open register.
    pub open_id: RwSignal<Option<String>>,
    /// Loading state of the register the route asks for.
    pub state: RwSignal<OpenState>,
    /// Save state, shown in the header.
    pub status: RwSignal<SaveStatus>,
    /// The registers kept in this browser.
    pub registers: RwSignal<Vec<RegisterEntry>>,
}

/// Now, in Unix seconds.
pub fn now_seconds() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

/// Today in the browser's time zone.
pub fn today() -> Date {
    let now = js_sys::Date::new_0();
    Date::new(
        now.get_full_year() as i32,
        now.get_month() as u8 + 1,
        now.get_date() as u8,
    )
    .unwrap_or_else(|_| Date::from_unix_seconds_china(now_seconds()))
}

impl Session {
    /// No register open; `registers` lists those kept in this browser.
    pub fn new(registers: Vec<RegisterEntry>) -> Self {
        let session = Self {
            doc: StoredValue::new_local(None),
            persistence: StoredValue::new_local(None),
            timer: StoredValue::new_local(None),
            dirty: StoredValue::new_local(Rc::new(Cell::new(false))),
            changed: Trigger::new(),
            open_id: RwSignal::new(None),
            state: RwSignal::new(OpenState::Closed),
            status: RwSignal::new(SaveStatus::Saved),
            registers: RwSignal::new(registers),
        };
        // Leaving the page writes pending edits at once instead of after the debounce.
        let flush = leptos::ev::pagehide;
        let _ = window_event_listener(flush, move |_| session.save_now());
        session
    }

    /// Reads the open register (tracked: reruns when it changes). `None` when nothing is open.
    pub fn with<R>(&self, f: impl FnOnce(&Register) -> R) -> Option<R> {
        self.changed.track();
        self.doc.with_value(|d| d.as_ref().map(|d| f(d.register())))
    }

    /// Opens register `id` from storage unless it is already open.
    pub fn open(&self, id: String) {
        if self.open_id.get_untracked().as_deref() == Some(id.as_str()) {
            return;
        }
        self.save_now();
        self.state.set(OpenState::Loading);
        let this = *self;
        spawn_local(async move {
            match Persistence::open(LocalDocStore, &id).await {
                Ok(Some((doc, persistence))) => this.adopt(doc, persistence),
                Ok(None) => this.state.set(OpenState::Missing),
                Err(OpenError::Storage(e)) => this
                    .state
                    .set(OpenState::Failed(e.label_key(), e.to_string())),
                Err(OpenError::Doc(e)) => this
                    .state
                    .set(OpenState::Failed(e.label_key(), e.to_string())),
            }
        });
    }

    /// Makes a newly created or imported register the open one, and stores it.
    pub fn start(&self, doc: RegisterDoc) {
        self.adopt(doc, Persistence::fresh(LocalDocStore));
        self.save_now();
    }

    fn adopt(&self, doc: RegisterDoc, persistence: Persistence<LocalDocStore>) {
        let id = doc.id().to_string();
        let name = doc.register().unit.name.clone();
        self.doc.set_value(Some(doc));
        self.persistence.set_value(Some(persistence));
        self.status.set(SaveStatus::Saved);
        self.open_id.set(Some(id.clone()));
        self.state.set(OpenState::Ready);
        self.changed.notify();
        self.remember(id, name);
    }

    /// Applies one change to the open register as the current member, then schedules a save.
    pub fn change<R>(
        &self,
        f: impl FnOnce(&mut RegisterDoc, &Stamp) -> Result<R, DocError>,
    ) -> Result<R, DocError> {
        let stamp = Stamp::new("", now_seconds());
        let result = self
            .doc
            .try_update_value(|d| d.as_mut().map(|d| f(d, &stamp)))
            .flatten()
            .ok_or_else(|| DocError::NotARegister("no register is open".into()))?;
        let result = result?;
        self.changed.notify();
        if let Some((id, name)) = self.doc.with_value(|d| {
            d.as_ref()
                .map(|d| (d.id().to_string(), d.register().unit.name.clone()))
        }) {
            self.remember(id, name);
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
        self.timer
            .set_value(Some(Timeout::new(delay_ms, move || this.save_now())));
    }

    /// Writes what changed now. If a write is under way, it is repeated when that one ends.
    pub fn save_now(&self) {
        self.timer.set_value(None);
        let Some(mut persistence) = self.persistence.try_update_value(Option::take).flatten()
        else {
            self.dirty.with_value(|d| d.set(true));
            return;
        };
        let write: Option<PendingWrite> = self
            .doc
            .try_update_value(|d| d.as_mut().and_then(|d| persistence.prepare(d)))
            .flatten();
        let Some(write) = write else {
            self.persistence.set_value(Some(persistence));
            if !matches!(self.status.get_untracked(), SaveStatus::Failed(_)) {
                self.status.set(SaveStatus::Saved);
            }
            return;
        };
        let this = *self;
        spawn_local(async move {
            let result = persistence.write(write).await;
            this.persistence.set_value(Some(persistence));
            match result {
                Ok(_) => this.status.set(SaveStatus::Saved),
                Err(e) => {
                    leptos::logging::warn!("saving the register failed: {e}");
                    this.status.set(SaveStatus::Failed(e));
                    this.schedule_save(RETRY_DELAY_MS);
                }
            }
            if this.dirty.with_value(|d| d.replace(false)) {
                this.save_now();
            }
        });
    }

    /// Adds or renames the register in this browser's register list.
    fn remember(&self, id: String, name: String) {
        let entry = RegisterEntry { id, name };
        let changed =
            self.registers
                .try_update(|list| match list.iter_mut().find(|e| e.id == entry.id) {
                    Some(existing) if *existing == entry => false,
                    Some(existing) => {
                        *existing = entry;
                        true
                    }
                    None => {
                        list.push(entry);
                        true
                    }
                });
        if changed == Some(true) {
            // The index is small; if it cannot be written the register itself still saves.
            let _ = self
                .registers
                .with_untracked(|list| Prefs::set_registers(list));
        }
    }
}
