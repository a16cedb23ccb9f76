//! An in-memory [`DocStore`] for tests, with a switch that makes it behave as a full quota.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use super::{DocStore, StorageError};

#[derive(Default)]
struct Inner {
    registers: HashMap<String, (Vec<u8>, Vec<Vec<u8>>)>,
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

    /// How many chunks follow the snapshot of `register`.
    pub fn chunk_count(&self, register: &str) -> usize {
        self.0.borrow().registers.get(register).map_or(0, |(_, chunks)| chunks.len())
    }

    fn writable(&self) -> Result<std::cell::RefMut<'_, Inner>, StorageError> {
        let inner = self.0.borrow_mut();
        if inner.full { Err(StorageError::Full) } else { Ok(inner) }
    }
}

impl DocStore for MemoryStore {
    async fn load(&self, register: &str) -> Result<Option<(Vec<u8>, usize)>, StorageError> {
        Ok(self.0.borrow().registers.get(register).map(|(snapshot, chunks)| {
            let mut bytes = snapshot.clone();
            chunks.iter().for_each(|c| bytes.extend_from_slice(c));
            (bytes, chunks.len())
        }))
    }

    async fn append(&self, register: &str, index: usize, chunk: &[u8]) -> Result<(), StorageError> {
        let mut inner = self.writable()?;
        let entry = inner
            .registers
            .get_mut(register)
            .ok_or_else(|| StorageError::Damaged("no snapshot to append to".into()))?;
        entry.1.truncate(index);
        entry.1.push(chunk.to_vec());
        Ok(())
    }

    async fn replace(&self, register: &str, snapshot: &[u8]) -> Result<(), StorageError> {
        self.writable()?.registers.insert(register.to_string(), (snapshot.to_vec(), Vec::new()));
        Ok(())
    }

    async fn remove(&self, register: &str) -> Result<(), StorageError> {
        self.0.borrow_mut().registers.remove(register);
        Ok(())
    }
}
