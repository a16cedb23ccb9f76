//! The relay's promise on a crash: a change it has passed on (to its repo, and so to any other
//! peer, or back to the sender as "I have it") was first written to this journal and flushed to
//! disk. samod's own storage writes without flushing, in the background; the journal covers the
//! gap. On start, every journal is turned into an ordinary samod chunk (flushed) and removed; on a
//! clean stop, samod's files are flushed and the journals removed.
//!
//! A journal is `<data>/_qingfeng/journal/<document id>`: entries of a little-endian `u32`
//! length and that many bytes of one Automerge chunk (a change, or a whole document as a sync
//! message may carry). A torn last entry (a crash while appending) was never acknowledged and is
//! dropped. Only chunks that read are journaled ([`Journal::append`] checks); replay skips one
//! that does not (a journal of an older relay), keeping those after it.

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
    /// written. `document` must be a valid document id (the caller checks). A chunk that does
    /// not read refuses the whole message (`InvalidData`), and nothing is written.
    pub fn append(&self, document: &str, chunks: &[&[u8]]) -> io::Result<u64> {
        if let Some(e) = chunks.iter().find_map(|c| readable(c).err()) {
            return Err(io::Error::new(io::ErrorKind::InvalidData, e));
        }
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

/// The changes of every whole entry that reads as one, concatenated (as `load_incremental`
/// takes them).
fn complete_entries(bytes: &[u8]) -> Vec<u8> {
    let mut changes = Vec::new();
    let mut rest = bytes;
    while let Some((len, after)) = rest.split_first_chunk::<4>() {
        let len = u32::from_le_bytes(*len) as usize;
        let Some(chunk) = after.get(..len) else { break };
        match readable(chunk) {
            Ok(()) => changes.extend_from_slice(chunk),
            Err(e) => tracing::warn!(error = %e, "a journaled chunk cannot be read; skipped"),
        }
        rest = &after[len..];
    }
    changes
}

/// Whether `bytes` read as Automerge data: chunks in a row, each a change (plain or compressed)
/// or a whole document, whole and with its checksum right. Changes whose dependencies are
/// elsewhere read too: only the bytes are judged.
fn readable(bytes: &[u8]) -> Result<(), String> {
    const MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];
    let mut rest = bytes;
    if rest.is_empty() {
        return Err("no chunk".into());
    }
    while !rest.is_empty() {
        // Magic, checksum, type, then the length of what follows as unsigned LEB128.
        if rest.len() < 9 || rest[..4] != MAGIC {
            return Err("not an Automerge chunk".into());
        }
        let (mut length, mut shift, mut at) = (0usize, 0u32, 9);
        loop {
            let byte = *rest.get(at).ok_or("a chunk's length is cut off")?;
            at += 1;
            length |= usize::from(byte & 0x7f).checked_shl(shift).ok_or("a chunk's length is too long")?;
            shift += 7;
            if byte & 0x80 == 0 {
                break;
            }
            if shift > 56 {
                return Err("a chunk's length is too long".into());
            }
        }
        let end = at.checked_add(length).filter(|&end| end <= rest.len()).ok_or("a chunk is cut off")?;
        let chunk = &rest[..end];
        match rest[8] {
            0 => automerge::Automerge::load(chunk).map(drop).map_err(|e| e.to_string())?,
            _ => automerge::Change::from_bytes(chunk.to_vec()).map(drop).map_err(|e| e.to_string())?,
        }
        rest = &rest[end..];
    }
    Ok(())
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
        let [a, b, c] = changes();
        // What a sync message may carry reads: one change, several in a row, a change whose
        // dependencies are elsewhere; bytes that are not Automerge's do not.
        for chunk in [a.clone(), [a.clone(), b.clone()].concat(), c.clone()] {
            readable(&chunk).unwrap();
        }
        assert!(readable(b"not a change").is_err());
        assert!(readable(&a[..a.len() - 1]).is_err(), "a torn change");
        assert!(readable(&[a.clone(), b"junk".to_vec()].concat()).is_err(), "a good change, then junk");
        let mut flipped = a.clone();
        *flipped.last_mut().unwrap() ^= 1;
        assert!(readable(&flipped).is_err(), "a checksum that does not match");
        readable(&automerge::AutoCommit::new().save()).unwrap();
        assert_eq!(journal.append(&doc, &[&a, &b]).unwrap(), (8 + a.len() + b.len()) as u64);
        // A chunk that does not read is refused whole; one written by an older relay, which did
        // not check, is skipped at replay, not the entries after it.
        let refused = journal.append(&doc, &[&c, b"not a change"]).unwrap_err();
        assert_eq!(refused.kind(), io::ErrorKind::InvalidData);
        let path = data.path().join(OWN_DIR).join("journal").join(&doc);
        let damaged = [&12u32.to_le_bytes()[..], b"not a change"].concat();
        std::fs::OpenOptions::new().append(true).open(&path).unwrap().write_all(&damaged).unwrap();
        journal.append(&doc, &[&c]).unwrap();
        // A crash in the middle of an append.
        let mut file = std::fs::OpenOptions::new().append(true).open(&path).unwrap();
        file.write_all(&[9, 0, 0, 0, b'x']).unwrap();
        assert_eq!(journal.replay(data.path()).unwrap(), 1);
        assert!(!path.exists());
        let chunks = data.path().join(&doc[..2]).join(&doc[2..]).join("incremental");
        let files: Vec<_> = std::fs::read_dir(chunks).unwrap().map(|e| e.unwrap().path()).collect();
        assert_eq!(files.len(), 1);
        assert_eq!(std::fs::read(&files[0]).unwrap(), [a, b, c].concat());
        assert_eq!(journal.replay(data.path()).unwrap(), 0);
    }

    /// Three successive changes of one document, as a peer sends them.
    fn changes() -> [Vec<u8>; 3] {
        use automerge::transaction::Transactable as _;
        let mut doc = automerge::AutoCommit::new();
        let mut out = Vec::new();
        for n in 0..3_i64 {
            doc.put(automerge::ROOT, "n", n).unwrap();
            doc.commit();
            out.push(doc.get_last_local_change().unwrap().raw_bytes().to_vec());
        }
        out.try_into().unwrap()
    }
}
