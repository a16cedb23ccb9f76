//! Where a register's bytes live between visits.
//!
//! A register is kept as chunks: compacted snapshots and the incremental saves made since. Every
//! chunk is stored under a key named by what it holds (a hash of its bytes), as automerge-repo's
//! storage subsystem and samod do, so any number of writers (tabs, workers) can save into one
//! store without overwriting each other, and a compaction deletes exactly the chunks it folded.
//!
//! [`Persistence`] decides what to write and is sans-IO: `prepare` takes a [`Write`] from the
//! document synchronously, the caller hands it to a [`DocStore`], and `written` is told how that
//! went. A failed write leaves the last good copy in the store and the next write carries the
//! same changes again, so nothing that was in memory is lost by the failure.

mod autosave;
#[cfg(target_arch = "wasm32")]
mod browser;
#[cfg(target_arch = "wasm32")]
mod indexed_db;
#[cfg(target_arch = "wasm32")]
mod local;
mod memory;
#[cfg(target_arch = "wasm32")]
mod role_lock;
mod view_snapshot;

use std::collections::BTreeSet;
use std::fmt;

use automerge::ChangeHash;
use sha2::{Digest, Sha256};

pub use autosave::{Autosave, AutosaveStep, RETRY_DELAY_MS, SAVE_DELAY_MS, SaveStatus};
#[cfg(target_arch = "wasm32")]
pub use browser::BrowserStore;
#[cfg(target_arch = "wasm32")]
pub use indexed_db::IndexedDbStore;
#[cfg(target_arch = "wasm32")]
pub use local::{Journal, LocalDocStore, Prefs, RegisterEntry};
pub use memory::MemoryStore;
#[cfg(target_arch = "wasm32")]
pub use role_lock::{HUB_LOCK, RoleLock};
pub use view_snapshot::{decode_view, encode_view};

use crate::doc::RegisterDoc;

/// Why bytes could not be stored or read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize)]
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

/// The name of one stored chunk of a register.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ChunkKey {
    /// A compacted document; the hash of its bytes.
    Snapshot(String),
    /// Changes saved since some snapshot; the hash of its bytes.
    Incremental(String),
    /// A chunk stored by an earlier Qingfeng under its position (0 for the snapshot); read and
    /// then folded away by the first compaction.
    Legacy(u32),
}

impl ChunkKey {
    /// The key of a snapshot with these bytes.
    pub fn snapshot(bytes: &[u8]) -> Self {
        Self::Snapshot(content_hash(bytes))
    }

    /// The key of an incremental chunk with these bytes.
    pub fn incremental(bytes: &[u8]) -> Self {
        Self::Incremental(content_hash(bytes))
    }

    /// The key as text: `s.<hash>`, `i.<hash>` or `n.<position>`, for stores keyed by strings.
    pub fn encode(&self) -> String {
        match self {
            Self::Snapshot(hash) => format!("s.{hash}"),
            Self::Incremental(hash) => format!("i.{hash}"),
            Self::Legacy(n) => format!("n.{n}"),
        }
    }

    /// Reads [`ChunkKey::encode`]'s text back.
    pub fn decode(text: &str) -> Option<Self> {
        let (kind, rest) = text.split_once('.')?;
        match kind {
            "s" => Some(Self::Snapshot(rest.to_string())),
            "i" => Some(Self::Incremental(rest.to_string())),
            "n" => rest.parse().ok().map(Self::Legacy),
            _ => None,
        }
    }
}

impl fmt::Display for ChunkKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.encode())
    }
}

/// SHA-256 of `bytes` in hex, shortened to 128 bits: plenty to tell chunks of one register apart.
fn content_hash(bytes: &[u8]) -> String {
    Sha256::digest(bytes)[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// One stored chunk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredChunk {
    /// Its name.
    pub key: ChunkKey,
    /// What it holds.
    pub bytes: Vec<u8>,
}

/// A place that keeps each register's chunks.
#[allow(async_fn_in_trait)] // Used on one thread (the browser's); no Send bound wanted.
pub trait DocStore {
    /// Every chunk stored for `register` (empty when there are none).
    async fn load(&self, register: &str) -> Result<Vec<StoredChunk>, StorageError>;

    /// Stores the write: puts its chunk and deletes the keys it folded, all or nothing.
    async fn apply(&self, register: &str, write: &Write) -> Result<(), StorageError>;

    /// Forgets the register.
    async fn remove(&self, register: &str) -> Result<(), StorageError>;
}

/// After this many chunks known to a writer, its next save folds them into one snapshot.
pub const COMPACT_AFTER: usize = 64;

/// What a successful save wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    /// Nothing had changed.
    Nothing,
    /// A chunk of this many bytes was added.
    Chunk(usize),
    /// A snapshot of this many bytes replaced the chunks it folded.
    Snapshot(usize),
}

/// Bytes taken from a document, to be stored as one chunk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Write {
    /// The chunk's key.
    pub key: ChunkKey,
    /// The chunk.
    pub bytes: Vec<u8>,
    /// Keys this write folds into its snapshot, deleted with it (empty for incremental chunks).
    pub folds: Vec<ChunkKey>,
    /// The document's heads when the write was taken: once stored, every change up to them is.
    pub heads: Vec<ChangeHash>,
}

impl Write {
    /// Whether it is a compaction.
    pub fn is_snapshot(&self) -> bool {
        matches!(self.key, ChunkKey::Snapshot(_))
    }

    /// What storing it did.
    pub fn outcome(&self) -> Saved {
        if self.is_snapshot() { Saved::Snapshot(self.bytes.len()) } else { Saved::Chunk(self.bytes.len()) }
    }
}

/// Decides what of one register's document to store, for one writer (a tab or a worker).
///
/// It knows which chunks it read or wrote (`known`) and up to which heads everything is stored
/// (`stored`). An incremental save writes every change not under `stored`; a compaction writes
/// the whole document and deletes only `known`, never a chunk another writer added unseen.
#[derive(Debug)]
pub struct Persistence {
    register: String,
    known: BTreeSet<ChunkKey>,
    stored: Vec<ChangeHash>,
    compact_after: usize,
    /// A write taken and not yet reported back.
    in_flight: bool,
    /// The store lacks changes some loaded chunk depends on: never compact, so the chunks that
    /// hold what could not be read stay in the store.
    incomplete: bool,
    /// The last compaction was refused for want of space: write only the changes until a write
    /// succeeds, so that a full store still takes a small edit.
    small_writes: bool,
}

impl Persistence {
    /// For a register just created or brought from elsewhere: nothing of it is stored yet.
    pub fn fresh(register: &str) -> Self {
        Self {
            register: register.to_string(),
            known: BTreeSet::new(),
            stored: Vec::new(),
            compact_after: COMPACT_AFTER,
            in_flight: false,
            incomplete: false,
            small_writes: false,
        }
    }

    /// Opens the register from its stored chunks and the closing-time journals of writers that
    /// did not finish their last write. `None` when there is nothing at all.
    pub fn open(
        register: &str,
        chunks: &[StoredChunk],
        journals: &[&[u8]],
    ) -> Result<Option<(RegisterDoc, Self)>, crate::doc::DocError> {
        if chunks.is_empty() && journals.is_empty() {
            return Ok(None);
        }
        let mut this = Self::fresh(register);
        let mut doc = if chunks.is_empty() {
            RegisterDoc::load_chunks(journals.iter().copied())?
        } else {
            let mut doc = RegisterDoc::load_chunks(chunks.iter().map(|c| c.bytes.as_slice()))?;
            this.known = chunks.iter().map(|c| c.key.clone()).collect();
            // Not `doc.heads()`: a change made while loading (gathering split maps) is not stored.
            this.stored = doc.loaded_heads().to_vec();
            for journal in journals {
                doc.apply_chunk(journal)?;
            }
            doc
        };
        this.incomplete = doc.is_missing_changes();
        if doc.id() != register {
            return Err(crate::doc::DocError::NotARegister(format!("the store of {register} holds {}", doc.id())));
        }
        Ok(Some((doc, this)))
    }

    /// The register it saves.
    pub fn register(&self) -> &str {
        &self.register
    }

    /// Folds after `n` known chunks instead of [`COMPACT_AFTER`] (tests and benchmarks).
    pub fn compact_after(mut self, n: usize) -> Self {
        self.compact_after = n.max(1);
        self
    }

    /// The heads up to which everything is stored.
    pub fn stored_heads(&self) -> &[ChangeHash] {
        &self.stored
    }

    /// Whether the next write would be a compaction.
    pub fn wants_compaction(&self) -> bool {
        !self.incomplete && !self.small_writes && (self.stored.is_empty() || self.known.len() >= self.compact_after)
    }

    /// Whether `doc` holds changes the store lacks.
    pub fn is_behind(&self, doc: &mut RegisterDoc) -> bool {
        !self.holds_all(doc) && !doc.save_after(&self.stored).is_empty()
    }

    /// Whether the store holds everything `doc` has: each of its heads is one under which
    /// everything is stored. Cheap, unlike `save_after`, whose first call makes Automerge
    /// rebuild the register's whole change history (a second and 270 MB for R5k).
    fn holds_all(&self, doc: &mut RegisterDoc) -> bool {
        doc.heads().iter().all(|h| self.stored.contains(h))
    }

    /// Takes what is not yet stored out of `doc`, as one write. A compaction only when
    /// `may_compact` (the one writer allowed to, when several share the store) and due.
    /// `None` when everything is stored, or a write is already under way.
    pub fn prepare(&mut self, doc: &mut RegisterDoc, may_compact: bool) -> Option<Write> {
        if doc.id() != self.register || self.in_flight {
            return None;
        }
        let heads = doc.heads();
        let all_stored = self.holds_all(doc);
        // A register with nothing stored by this writer folds nothing: its first write is a
        // snapshot (compressed, quick to load) whether or not it holds the compactor lock yet.
        let may_compact = may_compact || self.known.is_empty();
        let write = if may_compact && self.wants_compaction() && (!all_stored || self.known.len() > 1) {
            let bytes = doc.save();
            Write { key: ChunkKey::snapshot(&bytes), bytes, folds: self.known.iter().cloned().collect(), heads }
        } else {
            if all_stored {
                return None;
            }
            let bytes = doc.save_after(&self.stored);
            if bytes.is_empty() {
                self.stored = heads;
                return None;
            }
            Write { key: ChunkKey::incremental(&bytes), bytes, folds: Vec::new(), heads }
        };
        self.in_flight = true;
        Some(write)
    }

    /// Takes the changes not yet stored, for the journal written as the page closes, without
    /// starting a write. Empty when everything is stored.
    pub fn unsaved(&self, doc: &mut RegisterDoc) -> Vec<u8> {
        if doc.id() != self.register || self.holds_all(doc) { Vec::new() } else { doc.save_after(&self.stored) }
    }

    /// Records how the write went. After a failure the next write carries its changes again.
    pub fn written(&mut self, write: &Write, result: &Result<(), StorageError>) {
        self.in_flight = false;
        if let Err(e) = result {
            self.small_writes |= write.is_snapshot() && *e == StorageError::Full;
            return;
        }
        self.small_writes = false;
        for folded in &write.folds {
            self.known.remove(folded);
        }
        self.known.insert(write.key.clone());
        self.stored = union(&self.stored, &write.heads);
    }

    /// Takes note of a chunk another writer of this store wrote (and told us about), whose
    /// changes `doc` now holds: they need not be written again. Its key is not adopted, so
    /// this writer never deletes what it did not read itself.
    pub fn stored_elsewhere(&mut self, doc: &mut RegisterDoc, heads: &[ChangeHash]) {
        if doc.has_changes(heads) {
            self.stored = union(&self.stored, heads);
        }
    }
}

/// Heads that stand for everything under `a` and under `b` (ancestors may stay listed; Automerge
/// reads such a list correctly).
fn union(a: &[ChangeHash], b: &[ChangeHash]) -> Vec<ChangeHash> {
    let mut all: Vec<ChangeHash> = a.iter().chain(b).copied().collect();
    all.sort_unstable();
    all.dedup();
    all
}

/// Loads a register from a store: the document and the persistence that continues it.
pub async fn open_stored<S: DocStore>(
    store: &S,
    register: &str,
    journals: &[&[u8]],
) -> Result<Option<(RegisterDoc, Persistence)>, OpenError> {
    let chunks = store.load(register).await?;
    Ok(Persistence::open(register, &chunks, journals)?)
}

/// Prepares and stores, in one go, what of `doc` is not yet stored (imports, tests).
pub async fn save_now<S: DocStore>(
    store: &S,
    persistence: &mut Persistence,
    doc: &mut RegisterDoc,
) -> Result<Saved, StorageError> {
    let Some(write) = persistence.prepare(doc, true) else { return Ok(Saved::Nothing) };
    let result = store.apply(persistence.register(), &write).await;
    persistence.written(&write, &result);
    result.map(|()| write.outcome())
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

impl OpenError {
    /// The locale key of the message shown to the user.
    pub fn label_key(&self) -> &'static str {
        match self {
            OpenError::Storage(e) => e.label_key(),
            OpenError::Doc(e) => e.label_key(),
        }
    }
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

    async fn reopen(store: &MemoryStore, id: &str) -> (RegisterDoc, Persistence) {
        open_stored(store, id, &[]).await.unwrap().unwrap()
    }

    #[test]
    fn saves_a_snapshot_first_then_chunks_then_compacts() {
        block_on(async {
            let mut doc = new_doc();
            let store = MemoryStore::default();
            let mut p = Persistence::fresh(doc.id());
            assert!(matches!(save_now(&store, &mut p, &mut doc).await.unwrap(), Saved::Snapshot(_)));
            assert_eq!(save_now(&store, &mut p, &mut doc).await.unwrap(), Saved::Nothing);
            add_person(&mut doc, "张险峰");
            assert!(matches!(save_now(&store, &mut p, &mut doc).await.unwrap(), Saved::Chunk(n) if n < 500));
            assert_eq!(store.chunk_count(doc.id()), 2);
            for i in 2..COMPACT_AFTER {
                add_person(&mut doc, &format!("教师{i}"));
                save_now(&store, &mut p, &mut doc).await.unwrap();
            }
            assert_eq!(store.chunk_count(doc.id()), COMPACT_AFTER);
            add_person(&mut doc, "姚小勤");
            assert!(matches!(save_now(&store, &mut p, &mut doc).await.unwrap(), Saved::Snapshot(_)));
            assert_eq!(store.chunk_count(doc.id()), 1);

            let (reopened, _) = reopen(&store, doc.id()).await;
            assert_eq!(reopened.register(), doc.register());
        });
    }

    #[test]
    fn a_failed_save_keeps_the_last_good_copy_and_the_next_save_catches_up() {
        block_on(async {
            let mut doc = new_doc();
            let store = MemoryStore::default();
            let mut p = Persistence::fresh(doc.id());
            save_now(&store, &mut p, &mut doc).await.unwrap();
            let good = store.load(doc.id()).await.unwrap();

            store.set_full(true);
            let zhang = add_person(&mut doc, "张险峰");
            assert_eq!(save_now(&store, &mut p, &mut doc).await, Err(StorageError::Full));
            assert_eq!(store.load(doc.id()).await.unwrap(), good);
            // The edit is still in memory; a second edit fails too.
            let yao = add_person(&mut doc, "姚小勤");
            assert_eq!(save_now(&store, &mut p, &mut doc).await, Err(StorageError::Full));

            store.set_full(false);
            assert!(matches!(save_now(&store, &mut p, &mut doc).await.unwrap(), Saved::Chunk(_)));
            let (reopened, _) = reopen(&store, doc.id()).await;
            let people = &reopened.register().people;
            assert_eq!(people.get(&zhang).map(|p: &Person| p.name.as_str()), Some("张险峰"));
            assert_eq!(people.get(&yao).map(|p| p.name.as_str()), Some("姚小勤"));
        });
    }

    #[test]
    fn writes_journaled_at_closing_time_are_read_back_and_then_stored() {
        block_on(async {
            let mut doc = new_doc();
            let store = MemoryStore::default();
            let mut p = Persistence::fresh(doc.id());
            save_now(&store, &mut p, &mut doc).await.unwrap();
            // The page closes: what is unsaved goes to the journal, only that.
            let zhang = add_person(&mut doc, "张险峰");
            let yao = add_person(&mut doc, "姚小勤");
            let journal = p.unsaved(&mut doc);
            assert!(journal.len() < 2_000, "the journal holds only the unsaved changes");

            let (mut reopened, mut p) = open_stored(&store, doc.id(), &[&journal]).await.unwrap().unwrap();
            assert!(reopened.register().people.contains_key(&zhang));
            assert!(reopened.register().people.contains_key(&yao));
            assert!(matches!(save_now(&store, &mut p, &mut reopened).await.unwrap(), Saved::Chunk(_)));
            let (again, _) = reopen(&store, doc.id()).await;
            assert_eq!(again.register(), doc.register());
        });
    }

    #[test]
    fn a_register_closed_before_its_first_save_opens_from_the_journal() {
        let mut doc = new_doc();
        let p = Persistence::fresh(doc.id());
        let journal = p.unsaved(&mut doc);
        let (reopened, _) = block_on(open_stored(&MemoryStore::default(), doc.id(), &[&journal])).unwrap().unwrap();
        assert_eq!(reopened.register(), doc.register());
    }

    #[test]
    fn damaged_bytes_are_reported_not_loaded() {
        block_on(async {
            let store = MemoryStore::default();
            let garbage = b"\x85\x6f\x4a\x83 garbage".to_vec();
            let write = Write { key: ChunkKey::snapshot(&garbage), bytes: garbage, folds: vec![], heads: vec![] };
            store.apply("r1", &write).await.unwrap();
            assert!(matches!(open_stored(&store, "r1", &[]).await, Err(OpenError::Doc(_))));
            assert!(open_stored(&store, "unknown", &[]).await.unwrap().is_none());
        });
    }

    #[test]
    fn two_writers_on_one_store_lose_nothing() {
        // The bug this layout fixes: two tabs each numbered their chunks from their own counter
        // and overwrote the other's; a compaction deleted chunks it had never read.
        block_on(async {
            let mut doc = new_doc();
            let store = MemoryStore::default();
            let mut p = Persistence::fresh(doc.id());
            save_now(&store, &mut p, &mut doc).await.unwrap();
            let (mut tab1, p1) = reopen(&store, doc.id()).await;
            let (mut tab2, p2) = reopen(&store, doc.id()).await;
            let (mut p1, mut p2) = (p1.compact_after(2), p2.compact_after(2));
            let a = add_person(&mut tab1, "朱忠云");
            let b = add_person(&mut tab1, "陈继荣");
            save_now(&store, &mut p1, &mut tab1).await.unwrap();
            let c = add_person(&mut tab2, "黄军华");
            save_now(&store, &mut p2, &mut tab2).await.unwrap();
            // Tab 1 compacts: tab 2's chunk, which it never read, stays.
            let d = add_person(&mut tab1, "张险峰");
            assert!(matches!(save_now(&store, &mut p1, &mut tab1).await.unwrap(), Saved::Snapshot(_)));
            let (all, _) = reopen(&store, doc.id()).await;
            for id in [a, b, c, d] {
                assert!(all.register().people.contains_key(&id));
            }
        });
    }

    #[test]
    fn a_full_store_refusing_a_compaction_still_takes_the_next_small_edit() {
        block_on(async {
            let mut doc = new_doc();
            let store = MemoryStore::default();
            let mut p = Persistence::fresh(doc.id()).compact_after(2);
            save_now(&store, &mut p, &mut doc).await.unwrap();
            add_person(&mut doc, "朱忠云");
            save_now(&store, &mut p, &mut doc).await.unwrap();
            // The next save would compact the whole register; the quota only has room for a chunk.
            store.set_full(true);
            add_person(&mut doc, "陈继荣");
            assert!(p.wants_compaction());
            assert_eq!(save_now(&store, &mut p, &mut doc).await, Err(StorageError::Full));
            assert!(!p.wants_compaction(), "after a refused compaction, only the changes are written");
            let write = p.prepare(&mut doc, true).unwrap();
            assert!(!write.is_snapshot() && write.bytes.len() < 2_000);
            p.written(&write, &Ok(()));
            assert!(p.wants_compaction(), "compacting resumes once a write succeeds");
        });
    }

    #[test]
    fn a_first_save_is_a_snapshot_even_before_the_compactor_lock_is_granted() {
        // An import or a new register is written at once, before the lock's grant arrives; as
        // a chunk of all its changes it would load several times slower, and hold its history.
        let mut doc = new_doc();
        let mut p = Persistence::fresh(doc.id());
        assert!(p.prepare(&mut doc, false).is_some_and(|w| w.is_snapshot() && w.folds.is_empty()));
    }

    #[test]
    fn chunk_keys_read_back_from_text() {
        for key in [ChunkKey::snapshot(b"x"), ChunkKey::incremental(b"y"), ChunkKey::Legacy(3)] {
            assert_eq!(ChunkKey::decode(&key.encode()), Some(key));
        }
        assert_eq!(ChunkKey::decode("chunk.3"), None);
    }
}
