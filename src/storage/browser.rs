//! The store the app uses: IndexedDB where the browser offers it, else localStorage.

use super::{DocStore, IndexedDbStore, LocalDocStore, StorageError};

/// IndexedDB, or localStorage when IndexedDB cannot be opened.
#[derive(Clone)]
pub enum BrowserStore {
    /// The normal case.
    IndexedDb(IndexedDbStore),
    /// Browsers or modes without IndexedDB.
    Local(LocalDocStore),
}

impl BrowserStore {
    /// The best store this browser offers.
    pub async fn open() -> Self {
        match IndexedDbStore::open().await {
            Ok(store) => Self::IndexedDb(store),
            Err(e) => {
                leptos::logging::warn!("IndexedDB unavailable ({e}); keeping registers in localStorage");
                Self::Local(LocalDocStore)
            }
        }
    }
}

impl DocStore for BrowserStore {
    async fn load(&self, register: &str) -> Result<Option<(Vec<u8>, usize)>, StorageError> {
        match self {
            Self::IndexedDb(s) => s.load(register).await,
            Self::Local(s) => s.load(register).await,
        }
    }

    async fn append(&self, register: &str, index: usize, chunk: &[u8]) -> Result<(), StorageError> {
        match self {
            Self::IndexedDb(s) => s.append(register, index, chunk).await,
            Self::Local(s) => s.append(register, index, chunk).await,
        }
    }

    async fn replace(&self, register: &str, snapshot: &[u8]) -> Result<(), StorageError> {
        match self {
            Self::IndexedDb(s) => s.replace(register, snapshot).await,
            Self::Local(s) => s.replace(register, snapshot).await,
        }
    }

    async fn remove(&self, register: &str) -> Result<(), StorageError> {
        match self {
            Self::IndexedDb(s) => s.remove(register).await,
            Self::Local(s) => s.remove(register).await,
        }
    }
}
