//! The store the app uses: IndexedDB where the browser offers it, else localStorage in a page.
//! A worker has no localStorage: there, a store that cannot be opened answers every operation
//! with IndexedDB's own reason, and is opened again at the next one (a database blocked by
//! another tab's upgrade opens a moment later).

use super::{DocStore, IndexedDbStore, LocalDocStore, StorageError, StoredChunk, Write};

/// IndexedDB, or localStorage when IndexedDB cannot be opened.
#[derive(Clone)]
pub enum BrowserStore {
    /// The normal case.
    IndexedDb(IndexedDbStore),
    /// Browsers or modes without IndexedDB, in a page.
    Local(LocalDocStore),
    /// In a worker, when IndexedDB could not be opened: why.
    Unavailable(StorageError),
}

impl BrowserStore {
    /// The best store this browser offers.
    pub async fn open() -> Self {
        match IndexedDbStore::open().await {
            Ok(store) => Self::IndexedDb(store),
            Err(e) if web_sys::window().is_some() => {
                leptos::logging::warn!("IndexedDB unavailable ({e}); keeping registers in localStorage");
                Self::Local(LocalDocStore)
            }
            Err(e) => {
                leptos::logging::warn!("IndexedDB unavailable ({e}); trying again at the next store operation");
                Self::Unavailable(e)
            }
        }
    }
}

impl BrowserStore {
    /// Whether this store's connection is gone and a new one must be opened.
    pub fn is_closed(&self) -> bool {
        match self {
            Self::IndexedDb(s) => s.is_closed(),
            Self::Local(_) => false,
            Self::Unavailable(_) => true,
        }
    }

    /// The view copy of `register` to paint from while its document loads. Only IndexedDB
    /// keeps one: localStorage has no room to spare.
    pub async fn view(&self, register: &str) -> Option<Vec<u8>> {
        match self {
            Self::IndexedDb(s) => s.view(register).await.ok().flatten(),
            Self::Local(_) | Self::Unavailable(_) => None,
        }
    }

    /// Replaces the view copy of `register` (nothing in localStorage).
    pub async fn put_view(&self, register: &str, bytes: &[u8]) -> Result<(), StorageError> {
        match self {
            Self::IndexedDb(s) => s.put_view(register, bytes).await,
            Self::Local(_) => Ok(()),
            Self::Unavailable(e) => Err(e.clone()),
        }
    }
}

impl DocStore for BrowserStore {
    async fn load(&self, register: &str) -> Result<Vec<StoredChunk>, StorageError> {
        match self {
            Self::IndexedDb(s) => s.load(register).await,
            Self::Local(s) => s.load(register).await,
            Self::Unavailable(e) => Err(e.clone()),
        }
    }

    async fn apply(&self, register: &str, write: &Write) -> Result<(), StorageError> {
        match self {
            Self::IndexedDb(s) => s.apply(register, write).await,
            Self::Local(s) => s.apply(register, write).await,
            Self::Unavailable(e) => Err(e.clone()),
        }
    }

    async fn remove(&self, register: &str) -> Result<(), StorageError> {
        match self {
            Self::IndexedDb(s) => s.remove(register).await,
            Self::Local(s) => s.remove(register).await,
            Self::Unavailable(e) => Err(e.clone()),
        }
    }
}
