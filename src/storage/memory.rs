//! An in-memory [`DocStore`] for tests, with a switch that makes it behave as a full quota.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

use super::{ChunkKey, DocStore, StorageError, StoredChunk, Write};

#[derive(Default)]
struct Inner {
    registers: HashMap<String, BTreeMap<ChunkKey, Vec<u8>>>,
    full: bool,
}

/// Keeps bytes in memory; clones share the same contents.
#[derive(Clone, Default)]
pub struct MemoryStore(Rc<RefCell<Inner>>);

impl MemoryStore {
    /// Makes every write fail with [`StorageError::Full`] until switched back.
    pub fn set_full(&self, full: bool) {
        self.0.borrow_mut().full = full;
    }

    /// How many chunks are stored for `register`.
    pub fn chunk_count(&self, register: &str) -> usize {
        self.0.borrow().registers.get(register).map_or(0, BTreeMap::len)
    }
}

impl DocStore for MemoryStore {
    async fn load(&self, register: &str) -> Result<Vec<StoredChunk>, StorageError> {
        Ok(self.0.borrow().registers.get(register).map_or_else(Vec::new, |chunks| {
            chunks.iter().map(|(key, bytes)| StoredChunk { key: key.clone(), bytes: bytes.clone() }).collect()
        }))
    }

    async fn apply(&self, register: &str, write: &Write) -> Result<(), StorageError> {
        let mut inner = self.0.borrow_mut();
        if inner.full {
            return Err(StorageError::Full);
        }
        let chunks = inner.registers.entry(register.to_string()).or_default();
        for folded in &write.folds {
            chunks.remove(folded);
        }
        chunks.insert(write.key.clone(), write.bytes.clone());
        Ok(())
    }

    async fn remove(&self, register: &str) -> Result<(), StorageError> {
        self.0.borrow_mut().registers.remove(register);
        Ok(())
    }
}
