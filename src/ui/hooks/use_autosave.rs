//! The open register's save status as the page shows it, and the closing-time journal.
//!
//! The worker saves (`storage::Autosave` decides when, natively tested); the page shows what it
//! tells, never 已保存 while a command is on its way, and keeps what the worker has not stored
//! in a synchronous localStorage journal as the page closes (a worker cannot reach
//! localStorage, and an IndexedDB write started at closing time may never finish).

use std::collections::BTreeMap;

use leptos::prelude::*;

use crate::model::{Id, new_id};
use crate::storage::{Journal, SaveStatus, StorageError};

/// The save status and journal of the open register. Copy: all parts are arena handles.
#[derive(Clone, Copy)]
pub struct Autosave {
    /// Save state, shown in the header.
    pub status: RwSignal<SaveStatus>,
    /// The last save status the worker told: shown again after a command it refused.
    told: StoredValue<SaveStatus>,
    /// The changes the worker has not stored yet, of each register it keeps in memory (the open
    /// one, and any the page left before they were stored).
    unsaved: StoredValue<BTreeMap<Id, Vec<u8>>, LocalStorage>,
    /// This page's name for its closing-time journal.
    tab: StoredValue<String>,
}

/// The open register's save status and journal.
pub fn use_autosave() -> Autosave {
    super::use_register().autosave
}

impl Autosave {
    /// Nothing to save yet; writes the journal whenever the page closes.
    pub fn new() -> Self {
        let autosave = Self {
            status: RwSignal::new(SaveStatus::Saved),
            told: StoredValue::new(SaveStatus::Saved),
            unsaved: StoredValue::new_local(BTreeMap::new()),
            tab: StoredValue::new(new_id()),
        };
        let _ = window_event_listener(leptos::ev::pagehide, move |_| autosave.journal_now());
        // A phone discards a hidden tab without `pagehide`: hiding is the last sure moment.
        let _ = window_event_listener(leptos::ev::visibilitychange, move |_| {
            if document().hidden() {
                autosave.journal_now();
            }
        });
        autosave
    }

    /// The worker's save status.
    pub fn told(&self, status: SaveStatus) {
        self.told.set_value(status.clone());
        self.status.set(status);
    }

    /// A command is on its way to the worker: never 已保存 until the worker says it is stored.
    pub fn pending(&self) {
        if !matches!(self.status.get_untracked(), SaveStatus::Failed(_)) {
            self.status.set(SaveStatus::Pending);
        }
    }

    /// The worker refused a command: nothing was written, the status is what it last said.
    pub fn refused(&self) {
        self.status.set(self.told.get_value());
    }

    /// The worker stopped: nothing more will be stored.
    pub fn engine_stopped(&self, why: String) {
        self.status.set(SaveStatus::Failed(StorageError::Unavailable(why)));
    }

    /// What the worker has not stored of `register` (empty: everything is stored, and this
    /// tab's journal of it is no longer needed).
    pub fn unsaved(&self, register: Id, bytes: Vec<u8>) {
        if bytes.is_empty() {
            Journal::clear(&register, &self.tab.get_value());
            self.unsaved.update_value(|unsaved| {
                unsaved.remove(&register);
            });
        } else {
            self.unsaved.update_value(|unsaved| {
                unsaved.insert(register, bytes);
            });
        }
    }

    /// Keeps what the worker has not stored, of every register, in this tab's synchronous
    /// journals.
    fn journal_now(&self) {
        let tab = self.tab.get_value();
        self.unsaved.with_value(|unsaved| {
            for (register, bytes) in unsaved {
                if let Err(e) = Journal::write(register, &tab, bytes) {
                    leptos::logging::warn!("keeping the last edits as the page closes failed: {e}");
                }
            }
        });
    }
}
