//! Register bytes in the browser's IndexedDB: database `qingfeng`, object store `chunks`,
//! keys `[register id, n]` with the snapshot at 0 and the incremental chunks after it.
//!
//! localStorage holds about 5,242,880 characters per site, and base64 adds a third: a register
//! of 5,000 risk points with its history is 4.4 MB of Automerge bytes, 5.9 M characters, so
//! documents live here and localStorage keeps only the register index and preferences.
//! Replacing the chunks by a snapshot is one transaction, so a failure leaves the old copy whole.
//!
//! A thin adapter over web-sys rather than a wrapper crate: four requests are all we need, and
//! each dependency costs bytes in the wasm every user downloads.

use js_sys::{Array, Promise, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbKeyRange, IdbObjectStore, IdbRequest, IdbTransaction, IdbTransactionMode};

use super::{DocStore, StorageError};

const DATABASE: &str = "qingfeng";
const STORE: &str = "chunks";

/// Register documents in IndexedDB.
#[derive(Clone)]
pub struct IndexedDbStore {
    db: IdbDatabase,
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
        let on_error = Closure::once_into_js(move |_: web_sys::Event| {
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
        let on_error = Closure::once_into_js(move |_: web_sys::Event| {
            let error = failed.error().map(JsValue::from).unwrap_or(JsValue::UNDEFINED);
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

fn key(register: &str, n: usize) -> JsValue {
    Array::of2(&JsValue::from_str(register), &JsValue::from_f64(n as f64)).into()
}

/// Every key of `register`: `[id, 0]` up to `[id, ∞]`.
fn all_of(register: &str) -> Result<JsValue, StorageError> {
    let upper: JsValue = Array::of2(&JsValue::from_str(register), &JsValue::from_f64(f64::INFINITY)).into();
    IdbKeyRange::bound(&key(register, 0), &upper).map(JsValue::from).map_err(error_of)
}

impl IndexedDbStore {
    /// Opens (creating on first use) the database.
    pub async fn open() -> Result<Self, StorageError> {
        let unavailable = || StorageError::Unavailable("IndexedDB is not available".into());
        let factory = web_sys::window().and_then(|w| w.indexed_db().ok().flatten()).ok_or_else(unavailable)?;
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
        Ok(Self { db })
    }

    fn store(&self, mode: IdbTransactionMode) -> Result<(IdbTransaction, IdbObjectStore), StorageError> {
        let tx = self.db.transaction_with_str_and_mode(STORE, mode).map_err(error_of)?;
        let store = tx.object_store(STORE).map_err(error_of)?;
        Ok((tx, store))
    }
}

impl DocStore for IndexedDbStore {
    async fn load(&self, register: &str) -> Result<Option<(Vec<u8>, usize)>, StorageError> {
        let (_, store) = self.store(IdbTransactionMode::Readonly)?;
        let request = store.get_all_with_key(&all_of(register)?).map_err(error_of)?;
        let records: Array = finished(&request).await?.unchecked_into();
        if records.length() == 0 {
            return Ok(None);
        }
        let mut bytes = Vec::new();
        for record in records.iter() {
            let chunk = record
                .dyn_into::<Uint8Array>()
                .map_err(|_| StorageError::Damaged(format!("a record of {register} is not bytes")))?;
            bytes.extend(chunk.to_vec());
        }
        Ok(Some((bytes, records.length() as usize - 1)))
    }

    async fn append(&self, register: &str, index: usize, chunk: &[u8]) -> Result<(), StorageError> {
        let (tx, store) = self.store(IdbTransactionMode::Readwrite)?;
        store.put_with_key(&Uint8Array::from(chunk), &key(register, index + 1)).map_err(error_of)?;
        committed(&tx).await
    }

    async fn replace(&self, register: &str, snapshot: &[u8]) -> Result<(), StorageError> {
        let (tx, store) = self.store(IdbTransactionMode::Readwrite)?;
        store.delete(&all_of(register)?).map_err(error_of)?;
        store.put_with_key(&Uint8Array::from(snapshot), &key(register, 0)).map_err(error_of)?;
        committed(&tx).await
    }

    async fn remove(&self, register: &str) -> Result<(), StorageError> {
        let (tx, store) = self.store(IdbTransactionMode::Readwrite)?;
        store.delete(&all_of(register)?).map_err(error_of)?;
        committed(&tx).await
    }
}
