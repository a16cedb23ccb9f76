//! The relay's promise on a crash: a change it has passed on (to its repo, and so to any other
//! peer, or back to the sender as "I have it") was first written to this journal and flushed to
//! disk. samod's own storage writes without flushing, in the background; the journal covers the
//! gap. On start, every journal is turned into an ordinary samod chunk (flushed) and removed; on a
//! clean stop, samod's files are flushed and the journals removed.
//!
//! A journal is `<data>/_qingfeng/journal/<document id>`: entries of a little-endian `u32`
//! length and that many bytes of Automerge changes. A torn last entry (a crash while appending)
//! was never acknowledged and is dropped.

use std::collections::HashMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};

use crate::access::{OWN_DIR, hex, sync_dir, write_durably};

/// The journals of one data folder.
#[derive(Debug, Default)]
pub struct Journal {
    dir: PathBuf,
    /// One lock per document, so that two peers' entries never interleave.
    locks: Mutex<HashMap<String, Arc<Mutex<()>>>>,
}

impl Journal {
    /// The journals kept under `data`.
    pub fn new(data: &Path) -> Self {
        Self { dir: data.join(OWN_DIR).join("journal"), locks: Mutex::default() }
    }

    /// Appends the change chunks of one sync message and flushes them to disk. Returns the bytes
    /// written. `document` must be a valid document id (the caller checks).
    pub fn append(&self, document: &str, chunks: &[&[u8]]) -> io::Result<u64> {
        let mut entry = Vec::new();
        for chunk in chunks {
            let len = u32::try_from(chunk.len()).map_err(|_| io::Error::other("a change chunk over 4 GiB"))?;
            entry.extend_from_slice(&len.to_le_bytes());
            entry.extend_from_slice(chunk);
        }
        if entry.is_empty() {
            return Ok(0);
        }
        let lock = self.locks.lock().expect("journal locks").entry(document.to_string()).or_default().clone();
        let _held = lock.lock().expect("journal lock");
        std::fs::create_dir_all(&self.dir)?;
        let path = self.dir.join(document);
        let new = !path.exists();
        let mut file = std::fs::OpenOptions::new().create(true).append(true).open(&path)?;
        file.write_all(&entry)?;
        file.sync_data()?;
        if new {
            sync_dir(&self.dir)?;
        }
        Ok(entry.len() as u64)
    }

    /// Turns every journal into a samod chunk of its document under `data`, flushed, then
    /// removes the journal. Returns how many documents had one. Run before the repo starts.
    pub fn replay(&self, data: &Path) -> io::Result<usize> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else { return Ok(0) };
        let mut replayed = 0;
        for entry in entries {
            let entry = entry?;
            let Some(document) = entry.file_name().to_str().map(str::to_string) else { continue };
            if !qingfeng_wire::is_document_id(&document) {
                continue;
            }
            let bytes = std::fs::read(entry.path())?;
            let changes = complete_entries(&bytes);
            if !changes.is_empty() {
                write_chunk(data, &document, &changes)?;
                replayed += 1;
            }
            std::fs::remove_file(entry.path())?;
        }
        sync_dir(&self.dir)?;
        Ok(replayed)
    }

    /// After samod stopped cleanly: flushes every file it wrote, then removes the journals,
    /// which they now cover.
    pub fn retire(&self, data: &Path) -> io::Result<()> {
        flush_tree(data, &data.join(OWN_DIR))?;
        let Ok(entries) = std::fs::read_dir(&self.dir) else { return Ok(()) };
        for entry in entries {
            std::fs::remove_file(entry?.path())?;
        }
        sync_dir(&self.dir)
    }
}

/// The changes of every whole entry, concatenated (as `load_incremental` takes them).
fn complete_entries(bytes: &[u8]) -> Vec<u8> {
    let mut changes = Vec::new();
    let mut rest = bytes;
    while let Some((len, after)) = rest.split_first_chunk::<4>() {
        let len = u32::from_le_bytes(*len) as usize;
        let Some(chunk) = after.get(..len) else { break };
        changes.extend_from_slice(chunk);
        rest = &after[len..];
    }
    changes
}

/// Writes `changes` where samod's filesystem storage looks for the document's incremental
/// chunks (`<first two characters>/<rest>/incremental/<hash>`), flushed.
fn write_chunk(data: &Path, document: &str, changes: &[u8]) -> io::Result<()> {
    let (first, rest) = document.split_at(2);
    let dir = data.join(first).join(rest).join("incremental");
    std::fs::create_dir_all(&dir)?;
    write_durably(&dir, &hex(&Sha256::digest(changes)), changes)
}

/// Flushes every file and folder under `dir`, except `skip`.
fn flush_tree(dir: &Path, skip: &Path) -> io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path == skip {
            continue;
        }
        if path.is_dir() {
            flush_tree(&path, skip)?;
        } else {
            std::fs::File::open(&path)?.sync_all()?;
        }
    }
    sync_dir(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_entries_survive_and_a_torn_one_is_dropped() {
        let data = tempfile::tempdir().unwrap();
        let journal = Journal::new(data.path());
        let doc = qingfeng_wire::document_id("0e9f6c2a-7d1b-4f5e-9a3c-2b8d4e6f1a0c").unwrap();
        assert_eq!(journal.append(&doc, &[b"abc", b"de"]).unwrap(), 13);
        journal.append(&doc, &[b"fgh"]).unwrap();
        // A crash in the middle of an append.
        let path = data.path().join(OWN_DIR).join("journal").join(&doc);
        let mut file = std::fs::OpenOptions::new().append(true).open(&path).unwrap();
        file.write_all(&[9, 0, 0, 0, b'x']).unwrap();
        assert_eq!(journal.replay(data.path()).unwrap(), 1);
        assert!(!path.exists());
        let chunks = data.path().join(&doc[..2]).join(&doc[2..]).join("incremental");
        let files: Vec<_> = std::fs::read_dir(chunks).unwrap().map(|e| e.unwrap().path()).collect();
        assert_eq!(files.len(), 1);
        assert_eq!(std::fs::read(&files[0]).unwrap(), b"abcdefgh");
        assert_eq!(journal.replay(data.path()).unwrap(), 0);
    }
}
