//! Register bytes in the browser's IndexedDB: database `qingfeng`, object store `chunks`, one
//! record per chunk under `[register id, "s" | "i", content hash]` (see [`ChunkKey`]).
//!
//! localStorage holds about 5,242,880 characters per site, and base64 adds a third: a register
//! of 5,000 risk points with its history is 4.4 MB of Automerge bytes, 5.9 M characters, so
//! documents live here and localStorage keeps only the register index and preferences.
//! A compaction (its snapshot put, the chunks it folded deleted) is one transaction, so a failure
//! leaves the old copy whole.
//!
//! A thin adapter over web-sys rather than a wrapper crate: four requests are all we need, and
//! each dependency costs bytes in the wasm every user downloads.

use std::cell::Cell;
use std::rc::Rc;

use js_sys::{Array, Promise, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbKeyRange, IdbObjectStore, IdbRequest, IdbTransaction, IdbTransactionMode};

use super::{ChunkKey, DocStore, StorageError, StoredChunk, Write};

const DATABASE: &str = "qingfeng";
const STORE: &str = "chunks";

/// Register documents in IndexedDB.
#[derive(Clone)]
pub struct IndexedDbStore {
    db: IdbDatabase,
    /// The connection was closed: by the browser, or because another page deletes or upgrades
    /// the database. The engine then opens a new one.
    closed: Rc<Cell<bool>>,
}

fn error_of(value: JsValue) -> StorageError {
    match value.dyn_ref::<web_sys::DomException>() {
        Some(e) if e.name() == "QuotaExceededError" => StorageError::Full,
        Some(e) => StorageError::Unavailable(format!("{}: {}", e.name(), e.message())),
        None => StorageError::Unavailable(format!("{value:?}")),
    }
}

/// Resolves when `request` succeeds, with its result.
async fn finished(request: &IdbRequest) -> Result<JsValue, StorageError> {
    let promise = Promise::new(&mut |resolve, reject| {
        let ok = request.clone();
        let on_success = Closure::once_into_js(move |_: web_sys::Event| {
            let _ = resolve.call1(&JsValue::NULL, &ok.result().unwrap_or(JsValue::UNDEFINED));
        });
        let failed = request.clone();
        let on_error = Closure::once_into_js(move |event: web_sys::Event| {
            // Handled here: the error does not go on to abort the transaction unseen.
            event.prevent_default();
            let error = failed.error().ok().flatten().map(JsValue::from).unwrap_or(JsValue::UNDEFINED);
            let _ = reject.call1(&JsValue::NULL, &error);
        });
        request.set_onsuccess(Some(on_success.unchecked_ref()));
        request.set_onerror(Some(on_error.unchecked_ref()));
    });
    JsFuture::from(promise).await.map_err(error_of)
}

/// Resolves when `tx` has committed: only then are the bytes durable.
async fn committed(tx: &IdbTransaction) -> Result<(), StorageError> {
    let promise = Promise::new(&mut |resolve, reject| {
        let on_complete = Closure::once_into_js(move |_: web_sys::Event| {
            let _ = resolve.call0(&JsValue::NULL);
        });
        let failed = tx.clone();
        let reject_abort = reject.clone();
        let aborted = tx.clone();
        // The failing request's own error (a full quota) when the transaction has none yet.
        let on_error = Closure::once_into_js(move |event: web_sys::Event| {
            let from_request =
                event.target().and_then(|t| t.dyn_into::<IdbRequest>().ok()).and_then(|r| r.error().ok().flatten());
            let error = from_request.or_else(|| failed.error()).map(JsValue::from).unwrap_or(JsValue::UNDEFINED);
            let _ = reject.call1(&JsValue::NULL, &error);
        });
        let on_abort = Closure::once_into_js(move |_: web_sys::Event| {
            let error = aborted.error().map(JsValue::from).unwrap_or(JsValue::UNDEFINED);
            let _ = reject_abort.call1(&JsValue::NULL, &error);
        });
        tx.set_oncomplete(Some(on_complete.unchecked_ref()));
        tx.set_onerror(Some(on_error.unchecked_ref()));
        tx.set_onabort(Some(on_abort.unchecked_ref()));
    });
    JsFuture::from(promise).await.map(|_| ()).map_err(error_of)
}

/// `[register, "s" | "i", hash]` for chunks named by content, `[register, n]` for the chunks an
/// earlier Qingfeng numbered.
fn key(register: &str, key: &ChunkKey) -> JsValue {
    let register = JsValue::from_str(register);
    match key {
        ChunkKey::Snapshot(hash) => Array::of3(&register, &"s".into(), &JsValue::from_str(hash)).into(),
        ChunkKey::Incremental(hash) => Array::of3(&register, &"i".into(), &JsValue::from_str(hash)).into(),
        ChunkKey::Legacy(n) => Array::of2(&register, &JsValue::from_f64(f64::from(*n))).into(),
    }
}

/// Reads a stored key back; `None` for a key this build does not know.
fn parse_key(value: &JsValue) -> Option<ChunkKey> {
    let parts: Array = value.clone().dyn_into().ok()?;
    let second = parts.get(1);
    if let Some(n) = second.as_f64() {
        return Some(ChunkKey::Legacy(n as u32));
    }
    let hash = parts.get(2).as_string()?;
    match second.as_string()?.as_str() {
        "s" => Some(ChunkKey::Snapshot(hash)),
        "i" => Some(ChunkKey::Incremental(hash)),
        _ => None,
    }
}

/// `["view", register]`: outside every register's chunk range, since no register id is "view".
fn view_key(register: &str) -> JsValue {
    Array::of2(&"view".into(), &JsValue::from_str(register)).into()
}

/// Every key of `register`: from `[id]` up to `[id, []]` (arrays sort after numbers and strings).
fn all_of(register: &str) -> Result<JsValue, StorageError> {
    let lower: JsValue = Array::of1(&JsValue::from_str(register)).into();
    let upper: JsValue = Array::of2(&JsValue::from_str(register), &Array::new()).into();
    IdbKeyRange::bound(&lower, &upper).map(JsValue::from).map_err(error_of)
}

/// The IndexedDB factory of the page or of the worker this code runs in.
fn indexed_db_factory() -> Option<web_sys::IdbFactory> {
    let global = js_sys::global();
    if let Some(window) = global.dyn_ref::<web_sys::Window>() {
        return window.indexed_db().ok().flatten();
    }
    global.dyn_ref::<web_sys::WorkerGlobalScope>()?.indexed_db().ok().flatten()
}

impl IndexedDbStore {
    /// Opens (creating on first use) the database.
    pub async fn open() -> Result<Self, StorageError> {
        let unavailable = || StorageError::Unavailable("IndexedDB is not available".into());
        let factory = indexed_db_factory().ok_or_else(unavailable)?;
        let request = factory.open_with_u32(DATABASE, 1).map_err(error_of)?;
        let upgrading = request.clone();
        let on_upgrade = Closure::once_into_js(move |_: web_sys::Event| {
            if let Ok(result) = upgrading.result()
                && let Ok(db) = result.dyn_into::<IdbDatabase>()
                && !db.object_store_names().contains(STORE)
            {
                let _ = db.create_object_store(STORE);
            }
        });
        request.set_onupgradeneeded(Some(on_upgrade.unchecked_ref()));
        let db = finished(&request).await?.dyn_into::<IdbDatabase>().map_err(|_| unavailable())?;
        let closed = Rc::new(Cell::new(false));
        // Another page deleting or upgrading the database waits for this connection: close it
        // (the next use opens a new one) rather than leave that page, and then this one, stuck.
        let (closing, on_close_flag) = (db.clone(), closed.clone());
        let on_version_change = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
            on_close_flag.set(true);
            closing.close();
        });
        db.set_onversionchange(Some(on_version_change.as_ref().unchecked_ref()));
        on_version_change.forget();
        let flag = closed.clone();
        let on_close = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| flag.set(true));
        db.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        on_close.forget();
        Ok(Self { db, closed })
    }

    /// Whether the connection is closed and a new one is needed.
    pub fn is_closed(&self) -> bool {
        self.closed.get()
    }

    /// The view copy stored for `register` (see `storage::encode_view`), if any.
    pub async fn view(&self, register: &str) -> Result<Option<Vec<u8>>, StorageError> {
        let (_, store) = self.store(IdbTransactionMode::Readonly)?;
        let found = finished(&store.get(&view_key(register)).map_err(error_of)?).await?;
        Ok(found.dyn_into::<Uint8Array>().ok().map(|bytes| bytes.to_vec()))
    }

    /// Replaces the view copy of `register`.
    pub async fn put_view(&self, register: &str, bytes: &[u8]) -> Result<(), StorageError> {
        let (tx, store) = self.store(IdbTransactionMode::Readwrite)?;
        store.put_with_key(&Uint8Array::from(bytes), &view_key(register)).map_err(error_of)?;
        committed(&tx).await
    }

    fn store(&self, mode: IdbTransactionMode) -> Result<(IdbTransaction, IdbObjectStore), StorageError> {
        let tx = self.db.transaction_with_str_and_mode(STORE, mode).map_err(error_of)?;
        let store = tx.object_store(STORE).map_err(error_of)?;
        Ok((tx, store))
    }
}

impl DocStore for IndexedDbStore {
    async fn load(&self, register: &str) -> Result<Vec<StoredChunk>, StorageError> {
        let (_, store) = self.store(IdbTransactionMode::Readonly)?;
        // Both requests in one transaction: the keys and the values come in the same order.
        let keys = store.get_all_keys_with_key(&all_of(register)?).map_err(error_of)?;
        let values = store.get_all_with_key(&all_of(register)?).map_err(error_of)?;
        let keys: Array = finished(&keys).await?.unchecked_into();
        let values: Array = finished(&values).await?.unchecked_into();
        let damaged = || StorageError::Damaged(format!("a record of {register} is not a chunk"));
        keys.iter()
            .zip(values.iter())
            .map(|(key, value)| {
                let key = parse_key(&key).ok_or_else(damaged)?;
                let bytes = value.dyn_into::<Uint8Array>().map_err(|_| damaged())?.to_vec();
                Ok(StoredChunk { key, bytes })
            })
            .collect()
    }

    async fn apply(&self, register: &str, write: &Write) -> Result<(), StorageError> {
        let (tx, store) = self.store(IdbTransactionMode::Readwrite)?;
        let requested = (|| {
            for folded in &write.folds {
                store.delete(&key(register, folded))?;
            }
            store.put_with_key(&Uint8Array::from(write.bytes.as_slice()), &key(register, &write.key))
        })();
        abort_on_throw(&tx, requested)?;
        committed(&tx).await
    }

    async fn remove(&self, register: &str) -> Result<(), StorageError> {
        let (tx, store) = self.store(IdbTransactionMode::Readwrite)?;
        let requested = (|| {
            store.delete(&all_of(register).map_err(|e| JsValue::from_str(&e.to_string()))?)?;
            store.delete(&view_key(register))
        })();
        abort_on_throw(&tx, requested)?;
        committed(&tx).await
    }
}

/// A request that throws at once (a full quota, a closing connection) leaves its transaction
/// open with the requests before it: abort it, so that nothing of a half-made write commits.
fn abort_on_throw<T>(tx: &IdbTransaction, requested: Result<T, JsValue>) -> Result<(), StorageError> {
    requested.map(drop).map_err(|e| {
        let _ = tx.abort();
        error_of(e)
    })
}
