//! The browser's localStorage, through gloo-storage: register bytes as base64 text, the
//! register index and preferences as JSON.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use gloo_storage::{LocalStorage, Storage as _};
use serde::{Deserialize, Serialize};

use super::{DocStore, StorageError};
use crate::i18n::Locale;

/// Whether localStorage can be used at all (it throws in some private modes).
fn check_available() -> Result<(), StorageError> {
    match web_sys::window().map(|w| w.local_storage()) {
        Some(Ok(Some(_))) => Ok(()),
        _ => Err(StorageError::Unavailable("localStorage is not available".into())),
    }
}

fn write_error(e: gloo_storage::errors::StorageError) -> StorageError {
    match e {
        gloo_storage::errors::StorageError::JsError(js) if js.name == "QuotaExceededError" => StorageError::Full,
        other => StorageError::Unavailable(other.to_string()),
    }
}

fn set<T: Serialize>(key: &str, value: T) -> Result<(), StorageError> {
    check_available()?;
    LocalStorage::set(key, value).map_err(write_error)
}

fn get<T: for<'de> Deserialize<'de>>(key: &str) -> Option<T> {
    check_available().ok()?;
    LocalStorage::get(key).ok()
}

fn delete(key: &str) {
    if check_available().is_ok() {
        LocalStorage::delete(key);
    }
}

fn snapshot_key(register: &str) -> String {
    format!("qingfeng.doc.{register}.snapshot")
}

fn chunks_key(register: &str) -> String {
    format!("qingfeng.doc.{register}.chunks")
}

fn chunk_key(register: &str, n: usize) -> String {
    format!("qingfeng.doc.{register}.chunk.{n}")
}

fn decode(key: &str) -> Result<Vec<u8>, StorageError> {
    let text: String = get(key).ok_or_else(|| StorageError::Damaged(format!("{key} is missing")))?;
    BASE64.decode(text).map_err(|e| StorageError::Damaged(format!("{key}: {e}")))
}

/// Register documents in localStorage, for browsers without IndexedDB:
/// `qingfeng.doc.<id>.snapshot`, `.chunks` (a count) and `.chunk.<n>`. Holds registers up to
/// about 3.9 MB of Automerge bytes (the 5,242,880-character quota, less base64's third).
#[derive(Clone, Copy, Default)]
pub struct LocalDocStore;

impl DocStore for LocalDocStore {
    async fn load(&self, register: &str) -> Result<Option<(Vec<u8>, usize)>, StorageError> {
        check_available()?;
        if get::<String>(&snapshot_key(register)).is_none() {
            return Ok(None);
        }
        let mut bytes = decode(&snapshot_key(register))?;
        let chunks: usize = get(&chunks_key(register)).unwrap_or(0);
        for n in 0..chunks {
            bytes.extend(decode(&chunk_key(register, n))?);
        }
        Ok(Some((bytes, chunks)))
    }

    async fn append(&self, register: &str, index: usize, chunk: &[u8]) -> Result<(), StorageError> {
        set(&chunk_key(register, index), BASE64.encode(chunk))?;
        set(&chunks_key(register), index + 1)
    }

    async fn replace(&self, register: &str, snapshot: &[u8]) -> Result<(), StorageError> {
        let old_chunks: usize = get(&chunks_key(register)).unwrap_or(0);
        // The snapshot key is overwritten in place: when the write fails, the old snapshot and
        // its chunks stay as the last good copy. Only then are the chunks, now inside the new
        // snapshot, removed.
        let encoded = BASE64.encode(snapshot);
        let result = set(&snapshot_key(register), &encoded);
        if result.is_ok() {
            set(&chunks_key(register), 0_usize)?;
            (0..old_chunks).for_each(|n| delete(&chunk_key(register, n)));
        }
        result
    }

    async fn remove(&self, register: &str) -> Result<(), StorageError> {
        let chunks: usize = get(&chunks_key(register)).unwrap_or(0);
        (0..chunks).for_each(|n| delete(&chunk_key(register, n)));
        delete(&chunks_key(register));
        delete(&snapshot_key(register));
        Ok(())
    }
}

/// Writes taken from a register as the page closes, kept synchronously in localStorage because
/// an IndexedDB write started then may never finish. Read back on the next opening.
pub struct Journal;

impl Journal {
    fn key(register: &str) -> String {
        format!("qingfeng.journal.{register}")
    }

    /// The journaled bytes of `register`, if any.
    pub fn read(register: &str) -> Option<Vec<u8>> {
        let text: String = get(&Self::key(register))?;
        BASE64.decode(text).ok()
    }

    /// Adds bytes after those already journaled.
    pub fn append(register: &str, bytes: &[u8]) -> Result<(), StorageError> {
        let mut all = Self::read(register).unwrap_or_default();
        all.extend_from_slice(bytes);
        set(&Self::key(register), BASE64.encode(all))
    }

    /// Forgets the journal, once a snapshot holding it is stored.
    pub fn clear(register: &str) {
        delete(&Self::key(register));
    }
}

/// A register kept in this browser, as the register list shows it, with this browser's
/// choices about it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RegisterEntry {
    /// The register's id.
    pub id: String,
    /// 单位名称, as last seen.
    pub name: String,
    /// Who the person at this browser is in this register (a person id).
    #[serde(default)]
    pub me: Option<String>,
    /// When the register was last exported to a file here (Unix seconds).
    #[serde(default)]
    pub exported_at: Option<i64>,
    /// When this browser first kept it (Unix seconds).
    #[serde(default)]
    pub added_at: Option<i64>,
}

/// Preferences and the register index, kept in localStorage as JSON.
pub struct Prefs;

impl Prefs {
    /// The chosen language, if any.
    pub fn locale() -> Option<Locale> {
        get::<String>("qingfeng.locale").and_then(|c| Locale::from_code(&c))
    }

    /// Remembers the chosen language.
    pub fn set_locale(locale: Locale) -> Result<(), StorageError> {
        set("qingfeng.locale", locale.code())
    }

    /// The registers kept in this browser.
    pub fn registers() -> Vec<RegisterEntry> {
        get("qingfeng.registers").unwrap_or_default()
    }

    /// Replaces the register index.
    pub fn set_registers(entries: &[RegisterEntry]) -> Result<(), StorageError> {
        set("qingfeng.registers", entries)
    }
}
