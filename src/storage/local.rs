//! The browser's localStorage, through gloo-storage: register bytes as base64 text, the
//! register index and preferences as JSON.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use gloo_storage::{LocalStorage, Storage as _};
use serde::{Deserialize, Serialize};

use super::{ChunkKey, DocStore, StorageError, StoredChunk, Write};
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

fn prefix(register: &str) -> String {
    format!("qingfeng.doc.{register}.")
}

/// The localStorage key of a chunk. Chunks an earlier Qingfeng numbered were called
/// `.snapshot` and `.chunk.<n>`.
fn chunk_key(register: &str, key: &ChunkKey) -> String {
    match key {
        ChunkKey::Legacy(0) => format!("{}snapshot", prefix(register)),
        ChunkKey::Legacy(n) => format!("{}chunk.{}", prefix(register), n - 1),
        named => format!("{}{}", prefix(register), named.encode()),
    }
}

/// The chunk a localStorage key names, if it is one of `register`'s.
fn parse_chunk_key(register: &str, key: &str) -> Option<ChunkKey> {
    let rest = key.strip_prefix(&prefix(register))?;
    match rest {
        "snapshot" => Some(ChunkKey::Legacy(0)),
        _ => match rest.strip_prefix("chunk.") {
            Some(n) => n.parse::<u32>().ok().map(|n| ChunkKey::Legacy(n + 1)),
            None => ChunkKey::decode(rest),
        },
    }
}

/// Every localStorage key that starts with `prefix`.
fn keys_with_prefix(prefix: &str) -> Vec<String> {
    let Some(Ok(Some(storage))) = web_sys::window().map(|w| w.local_storage()) else { return Vec::new() };
    let count = storage.length().unwrap_or(0);
    (0..count).filter_map(|i| storage.key(i).ok().flatten()).filter(|k| k.starts_with(prefix)).collect()
}

fn decode(key: &str) -> Result<Vec<u8>, StorageError> {
    let text: String = get(key).ok_or_else(|| StorageError::Damaged(format!("{key} is missing")))?;
    BASE64.decode(text).map_err(|e| StorageError::Damaged(format!("{key}: {e}")))
}

/// Register documents in localStorage, for browsers without IndexedDB: one key per chunk,
/// `qingfeng.doc.<id>.<chunk key>`. Holds registers up to about 3.9 MB of Automerge bytes (the
/// 5,242,880-character quota, less base64's third).
#[derive(Clone, Copy, Default)]
pub struct LocalDocStore;

impl DocStore for LocalDocStore {
    async fn load(&self, register: &str) -> Result<Vec<StoredChunk>, StorageError> {
        check_available()?;
        keys_with_prefix(&prefix(register))
            .into_iter()
            .filter_map(|k| parse_chunk_key(register, &k).map(|key| (k, key)))
            .map(|(k, key)| Ok(StoredChunk { key, bytes: decode(&k)? }))
            .collect()
    }

    async fn apply(&self, register: &str, write: &Write) -> Result<(), StorageError> {
        // The new chunk first: when it does not fit, what it would fold stays as the last good copy.
        set(&chunk_key(register, &write.key), BASE64.encode(&write.bytes))?;
        for folded in write.folds.iter().filter(|k| **k != write.key) {
            delete(&chunk_key(register, folded));
        }
        if write.folds.contains(&ChunkKey::Legacy(0)) {
            delete(&format!("{}chunks", prefix(register)));
        }
        Ok(())
    }

    async fn remove(&self, register: &str) -> Result<(), StorageError> {
        keys_with_prefix(&prefix(register)).iter().for_each(|k| delete(k));
        Ok(())
    }
}

/// Changes not yet stored, kept synchronously in localStorage as a page closes, because an
/// IndexedDB write started then may never finish. One entry per tab
/// (`qingfeng.journal.<register>.<tab>`), so that tabs closing together do not overwrite each
/// other; the next opening reads them all and deletes those it has stored.
pub struct Journal;

impl Journal {
    fn key(register: &str, tab: &str) -> String {
        format!("qingfeng.journal.{register}.{tab}")
    }

    /// Every journal of `register`, with its key (an earlier Qingfeng's single
    /// `qingfeng.journal.<register>` included).
    pub fn read_all(register: &str) -> Vec<(String, Vec<u8>)> {
        let single = format!("qingfeng.journal.{register}");
        keys_with_prefix(&single)
            .into_iter()
            .filter(|k| *k == single || k.starts_with(&format!("{single}.")))
            .filter_map(|k| {
                let text: String = get(&k)?;
                let bytes = BASE64.decode(text).ok()?;
                Some((k, bytes))
            })
            .collect()
    }

    /// Keeps this tab's unsaved changes (all of them: it replaces what the tab journaled before).
    pub fn write(register: &str, tab: &str, bytes: &[u8]) -> Result<(), StorageError> {
        set(&Self::key(register, tab), BASE64.encode(bytes))
    }

    /// Forgets this tab's journal.
    pub fn clear(register: &str, tab: &str) {
        delete(&Self::key(register, tab));
    }

    /// Forgets journals read at opening, once a write holding them is stored.
    pub fn clear_keys(keys: &[String]) {
        keys.iter().for_each(|k| delete(k));
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
    /// The relay and secret it is shared with, once shared or joined (kept in this browser
    /// only, never in the register).
    #[serde(default)]
    pub share: Option<crate::sync::Share>,
    /// Whether live sync is on here.
    #[serde(default)]
    pub live: bool,
    /// The proof that this browser founded the register (`crate::sync::Share::founder`): kept
    /// here only, given to a relay the first time the register is shared there.
    #[serde(default)]
    pub founder: Option<String>,
}

/// Preferences and the register index, kept in localStorage as JSON.
pub struct Prefs;

impl Prefs {
    /// The `localStorage` key of this browser's list of registers.
    pub const REGISTERS_KEY: &str = "qingfeng.registers";

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
        get(Self::REGISTERS_KEY).unwrap_or_default()
    }

    /// Replaces the register index.
    pub fn set_registers(entries: &[RegisterEntry]) -> Result<(), StorageError> {
        set(Self::REGISTERS_KEY, entries)
    }

    /// This browser's device id: made once and kept, recorded with every change so history
    /// tells browsers apart (a name is only what a member says they are). When it cannot be
    /// kept, this visit's changes name a device of their own.
    pub fn device() -> String {
        get::<String>("qingfeng.device").unwrap_or_else(|| {
            let id = crate::model::new_id();
            let _ = set("qingfeng.device", &id);
            id
        })
    }
}
