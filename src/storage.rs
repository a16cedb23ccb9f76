//! Where a register's bytes live between visits.
//!
//! A register is kept as a compacted snapshot plus the incremental chunks saved since, so an
//! edit appends a few hundred bytes instead of rewriting the document. [`Persistence`] decides
//! when to append and when to compact; a [`DocStore`] only stores bytes. A failed write leaves
//! the last good copy in the store and makes the next save a full snapshot, so nothing that was
//! in memory is lost by the failure.

#[cfg(target_arch = "wasm32")]
mod browser;
#[cfg(target_arch = "wasm32")]
mod indexed_db;
#[cfg(target_arch = "wasm32")]
mod local;
mod memory;

#[cfg(target_arch = "wasm32")]
pub use browser::BrowserStore;
#[cfg(target_arch = "wasm32")]
pub use indexed_db::IndexedDbStore;
#[cfg(target_arch = "wasm32")]
pub use local::{Journal, LocalDocStore, Prefs, RegisterEntry};
pub use memory::MemoryStore;

use crate::doc::RegisterDoc;

/// Why bytes could not be stored or read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StorageError {
    /// The browser's quota for this site is used up.
    #[error("storage is full")]
    Full,
    /// Storage is switched off or not offered (private mode, blocked site data).
    #[error("storage is unavailable: {0}")]
    Unavailable(String),
    /// What was stored cannot be read back.
    #[error("stored data is damaged: {0}")]
    Damaged(String),
}

impl StorageError {
    /// The locale key of the message shown to the user.
    pub fn label_key(&self) -> &'static str {
        match self {
            StorageError::Full => "storage.full",
            StorageError::Unavailable(_) => "storage.unavailable",
            StorageError::Damaged(_) => "storage.damaged",
        }
    }
}

/// A place that keeps each register's snapshot and chunks.
#[allow(async_fn_in_trait)] // Used on one thread (the browser's); no Send bound wanted.
pub trait DocStore {
    /// The snapshot followed by every chunk, ready for `RegisterDoc::load`, and the number of
    /// chunks; `None` when nothing is stored for `register`.
    async fn load(&self, register: &str) -> Result<Option<(Vec<u8>, usize)>, StorageError>;

    /// Stores chunk number `index` (0 for the first after the snapshot).
    async fn append(&self, register: &str, index: usize, chunk: &[u8]) -> Result<(), StorageError>;

    /// Replaces snapshot and chunks with one snapshot. On failure the old copy stays.
    async fn replace(&self, register: &str, snapshot: &[u8]) -> Result<(), StorageError>;

    /// Forgets the register.
    async fn remove(&self, register: &str) -> Result<(), StorageError>;
}

/// After this many chunks the next save writes one compacted snapshot instead.
pub const COMPACT_AFTER: usize = 64;

/// What a successful save wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    /// Nothing had changed.
    Nothing,
    /// A chunk of this many bytes was appended.
    Chunk(usize),
    /// A snapshot of this many bytes replaced everything.
    Snapshot(usize),
}

/// Saves one register's changes to a [`DocStore`].
pub struct Persistence<S> {
    store: S,
    register: String,
    chunks: usize,
    needs_snapshot: bool,
}

impl<S: DocStore> Persistence<S> {
    /// For register `register`, just created or brought from elsewhere: the first save writes a
    /// snapshot.
    pub fn fresh(store: S, register: &str) -> Self {
        Self { store, register: register.to_string(), chunks: 0, needs_snapshot: true }
    }

    /// The register it saves.
    pub fn register(&self) -> &str {
        &self.register
    }

    /// Opens the register stored as `register`, returning it and the persistence that continues
    /// its chunks. `journal` holds writes taken when the page was closing that may not have
    /// reached the store; they are read on top of it, and the next save is a full snapshot.
    pub async fn open(
        store: S,
        register: &str,
        journal: Option<&[u8]>,
    ) -> Result<Option<(RegisterDoc, Self)>, OpenError> {
        let (mut bytes, chunks) = match (store.load(register).await?, journal) {
            (Some(stored), _) => stored,
            (None, Some(_)) => (Vec::new(), 0),
            (None, None) => return Ok(None),
        };
        bytes.extend_from_slice(journal.unwrap_or_default());
        let mut doc = RegisterDoc::load(&bytes)?;
        // Loading does not count as saving: without this the first chunk would repeat everything.
        doc.save_incremental();
        let persistence = Self { store, register: register.to_string(), chunks, needs_snapshot: journal.is_some() };
        Ok(Some((doc, persistence)))
    }

    /// Makes the next save a full snapshot (after changes were taken elsewhere, such as into
    /// the journal written when the page closes).
    pub fn require_snapshot(&mut self) {
        self.needs_snapshot = true;
    }

    /// The store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// Takes what changed since the last save out of `doc`, as the write that stores it.
    /// Synchronous, so the document is not held while the write is under way.
    /// Takes nothing from a document of another register.
    pub fn prepare(&mut self, doc: &mut RegisterDoc) -> Option<PendingWrite> {
        if doc.id() != self.register {
            return None;
        }
        let register = self.register.clone();
        if self.needs_snapshot || self.chunks >= COMPACT_AFTER {
            return Some(PendingWrite { register, bytes: doc.save(), snapshot: true });
        }
        let bytes = doc.save_incremental();
        (!bytes.is_empty()).then_some(PendingWrite { register, bytes, snapshot: false })
    }

    /// Stores a prepared write. When it fails, the next write is a full snapshot, because the
    /// document has already moved past the changes this one carried.
    pub async fn write(&mut self, write: PendingWrite) -> Result<Saved, StorageError> {
        let result = if write.snapshot {
            self.store.replace(&write.register, &write.bytes).await
        } else {
            self.store.append(&write.register, self.chunks, &write.bytes).await
        };
        if let Err(e) = result {
            self.needs_snapshot = true;
            return Err(e);
        }
        if write.snapshot {
            self.needs_snapshot = false;
            self.chunks = 0;
            Ok(Saved::Snapshot(write.bytes.len()))
        } else {
            self.chunks += 1;
            Ok(Saved::Chunk(write.bytes.len()))
        }
    }

    /// Prepares and stores what changed since the last successful save.
    pub async fn save(&mut self, doc: &mut RegisterDoc) -> Result<Saved, StorageError> {
        match self.prepare(doc) {
            Some(write) => self.write(write).await,
            None => Ok(Saved::Nothing),
        }
    }
}

/// Bytes taken from a document, waiting to be stored.
#[derive(Debug, Clone)]
pub struct PendingWrite {
    register: String,
    bytes: Vec<u8>,
    snapshot: bool,
}

impl PendingWrite {
    /// The bytes: a snapshot or a chunk, either of which `RegisterDoc::load` reads after what
    /// came before.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }
}

/// Why a stored register could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The store could not be read.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// The stored bytes are not a register this build can read.
    #[error(transparent)]
    Doc(#[from] crate::doc::DocError),
}

#[cfg(test)]
mod tests {
    use futures::executor::block_on;

    use super::*;
    use crate::doc::Stamp;
    use crate::model::{Person, Template};
    use crate::rules::{PersonForm, UnitForm};

    fn new_doc() -> RegisterDoc {
        let unit = UnitForm { name: "实验二小".into(), ..UnitForm::default() };
        RegisterDoc::create(&unit, &Template::school(), "2026-11-27".parse().unwrap(), &Stamp::default()).unwrap()
    }

    fn add_person(doc: &mut RegisterDoc, name: &str) -> String {
        doc.create_entity(&Stamp::default(), &PersonForm { name: name.into(), ..PersonForm::default() }).unwrap()
    }

    #[test]
    fn saves_a_snapshot_first_then_chunks_then_compacts() {
        block_on(async {
            let mut doc = new_doc();
            let mut p = Persistence::fresh(MemoryStore::default(), doc.id());
            assert!(matches!(p.save(&mut doc).await.unwrap(), Saved::Snapshot(_)));
            assert_eq!(p.save(&mut doc).await.unwrap(), Saved::Nothing);
            add_person(&mut doc, "张险峰");
            assert!(matches!(p.save(&mut doc).await.unwrap(), Saved::Chunk(n) if n < 500));
            assert_eq!(p.store().chunk_count(doc.id()), 1);
            for i in 1..COMPACT_AFTER {
                add_person(&mut doc, &format!("教师{i}"));
                p.save(&mut doc).await.unwrap();
            }
            assert_eq!(p.store().chunk_count(doc.id()), COMPACT_AFTER);
            add_person(&mut doc, "姚小勤");
            assert!(matches!(p.save(&mut doc).await.unwrap(), Saved::Snapshot(_)));
            assert_eq!(p.store().chunk_count(doc.id()), 0);

            let (reopened, _) = Persistence::open(p.store().clone(), doc.id(), None).await.unwrap().unwrap();
            assert_eq!(reopened.register(), doc.register());
        });
    }

    #[test]
    fn a_failed_save_keeps_the_last_good_copy_and_the_next_save_catches_up() {
        block_on(async {
            let mut doc = new_doc();
            let store = MemoryStore::default();
            let mut p = Persistence::fresh(store.clone(), doc.id());
            p.save(&mut doc).await.unwrap();
            let good = store.load(doc.id()).await.unwrap().unwrap();

            store.set_full(true);
            let zhang = add_person(&mut doc, "张险峰");
            assert_eq!(p.save(&mut doc).await, Err(StorageError::Full));
            assert_eq!(store.load(doc.id()).await.unwrap().unwrap(), good);
            // The edit is still in memory; a second edit fails too.
            let yao = add_person(&mut doc, "姚小勤");
            assert_eq!(p.save(&mut doc).await, Err(StorageError::Full));

            store.set_full(false);
            assert!(matches!(p.save(&mut doc).await.unwrap(), Saved::Snapshot(_)));
            let (reopened, _) = Persistence::open(store.clone(), doc.id(), None).await.unwrap().unwrap();
            let people = &reopened.register().people;
            assert_eq!(people.get(&zhang).map(|p: &Person| p.name.as_str()), Some("张险峰"));
            assert_eq!(people.get(&yao).map(|p| p.name.as_str()), Some("姚小勤"));
        });
    }

    #[test]
    fn writes_journaled_at_closing_time_are_read_back_and_compacted() {
        block_on(async {
            let mut doc = new_doc();
            let store = MemoryStore::default();
            let mut p = Persistence::fresh(store.clone(), doc.id());
            p.save(&mut doc).await.unwrap();
            // The page closes: the pending chunk goes to the journal instead of the store.
            let zhang = add_person(&mut doc, "张险峰");
            let mut journal = p.prepare(&mut doc).unwrap().bytes().to_vec();
            let yao = add_person(&mut doc, "姚小勤");
            journal.extend(doc.save_incremental());

            let (mut reopened, mut p) =
                Persistence::open(store.clone(), doc.id(), Some(&journal)).await.unwrap().unwrap();
            assert!(reopened.register().people.contains_key(&zhang));
            assert!(reopened.register().people.contains_key(&yao));
            assert!(matches!(p.save(&mut reopened).await.unwrap(), Saved::Snapshot(_)));
            let (again, _) = Persistence::open(store.clone(), doc.id(), None).await.unwrap().unwrap();
            assert_eq!(again.register(), doc.register());
        });
    }

    #[test]
    fn a_register_closed_before_its_first_save_opens_from_the_journal() {
        block_on(async {
            let mut doc = new_doc();
            let mut p = Persistence::fresh(MemoryStore::default(), doc.id());
            let journal = p.prepare(&mut doc).unwrap().bytes().to_vec();
            let (reopened, _) =
                Persistence::open(MemoryStore::default(), doc.id(), Some(&journal)).await.unwrap().unwrap();
            assert_eq!(reopened.register(), doc.register());
        });
    }

    #[test]
    fn damaged_bytes_are_reported_not_loaded() {
        block_on(async {
            let store = MemoryStore::default();
            store.replace("r1", b"\x85\x6f\x4a\x83 garbage").await.unwrap();
            assert!(matches!(Persistence::open(store.clone(), "r1", None).await, Err(OpenError::Doc(_))));
            assert!(Persistence::open(store, "unknown", None).await.unwrap().is_none());
        });
    }
}
