//! Per-register access: the first peer that brings a document with a secret claims it, and the
//! relay keeps only a salted SHA-256 of that secret, one small file per document in
//! `<data>/_qingfeng/access/`. Files are read on every check, and the relay looks at the folder
//! every few seconds for claims written by another process, so `qingfeng-relay revoke` takes
//! effect on a running relay at once. A document is never unclaimed once stored: revoking locks it with a new
//! secret, and a document found stored without a claim (an old data folder) is locked at
//! start-up.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use sha2::{Digest, Sha256};

/// The relay's own folder inside `--data`. `_` is not a base58 character, so samod never takes
/// it for a document.
pub const OWN_DIR: &str = "_qingfeng";

/// What the relay knows about a document's secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// Nobody has claimed the document.
    Unclaimed,
    /// The secret is the document's.
    Granted,
    /// The document is claimed with another secret.
    Refused,
}

/// The claims of one data folder.
#[derive(Debug)]
pub struct Access {
    dir: PathBuf,
    /// Held from a check to the write it decides, so that two peers bringing one document at
    /// once cannot both claim it.
    writing: Mutex<()>,
}

impl Access {
    /// The claims kept under `data`.
    pub fn new(data: &Path) -> Self {
        Self { dir: data.join(OWN_DIR).join("access"), writing: Mutex::default() }
    }

    /// Checks `secret`; an unclaimed document is claimed for it (and then granted).
    pub fn check_or_claim(&self, document: &str, secret: &str) -> io::Result<Check> {
        let _held = self.writing.lock().expect("claims lock");
        match self.check(document, secret)? {
            Check::Unclaimed => self.write(document, secret).map(|()| Check::Granted),
            known => Ok(known),
        }
    }

    /// Replaces the secret if `old` is the current one. Returns whether it did.
    pub fn replace(&self, document: &str, old: &str, new: &str) -> io::Result<bool> {
        let _held = self.writing.lock().expect("claims lock");
        if self.check(document, old)? != Check::Granted {
            return Ok(false);
        }
        self.write(document, new).map(|()| true)
    }

    fn path(&self, document: &str) -> PathBuf {
        self.dir.join(document)
    }

    /// Checks `secret` against the document's claim. `document` must be a valid document id
    /// (the caller checks), so it is a safe file name.
    pub fn check(&self, document: &str, secret: &str) -> io::Result<Check> {
        let stored = match std::fs::read_to_string(self.path(document)) {
            Ok(stored) => stored,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Check::Unclaimed),
            Err(e) => return Err(e),
        };
        let mut parts = stored.split_whitespace();
        let (Some("v1"), Some(salt), Some(hash)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(io::Error::new(io::ErrorKind::InvalidData, format!("unreadable claim for {document}")));
        };
        Ok(if same(&digest(salt, secret), hash) { Check::Granted } else { Check::Refused })
    }

    /// Claims the document for `secret`, replacing any claim: written to a temporary file,
    /// flushed to disk and renamed, so a crash leaves the old claim or the new one.
    fn write(&self, document: &str, secret: &str) -> io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt).map_err(|e| io::Error::other(e.to_string()))?;
        let salt = hex(&salt);
        let line = format!("v1 {salt} {}\n", digest(&salt, secret));
        write_durably(&self.dir, document, line.as_bytes())
    }

    /// Locks the document with `secret`, whatever its claim was: only holders of `secret` get it
    /// from now on. Returns whether it was claimed before.
    pub fn lock(&self, document: &str, secret: &str) -> io::Result<bool> {
        let _held = self.writing.lock().expect("claims lock");
        let had = self.is_claimed(document);
        self.write(document, secret)?;
        Ok(had)
    }

    /// When each document's claim was last written, by document: the relay compares these to
    /// find claims changed by another process (`qingfeng-relay revoke`).
    pub fn stamps(&self) -> std::collections::HashMap<String, std::time::SystemTime> {
        let entries = std::fs::read_dir(&self.dir).into_iter().flatten().flatten();
        entries
            .filter_map(|e| Some((e.file_name().to_str()?.to_string(), e.metadata().ok()?.modified().ok()?)))
            .collect()
    }

    /// Whether the document is claimed.
    pub fn is_claimed(&self, document: &str) -> bool {
        self.path(document).is_file()
    }
}

fn digest(salt: &str, secret: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(salt.as_bytes());
    hasher.update([0]);
    hasher.update(secret.as_bytes());
    hex(&hasher.finalize())
}

/// Bytes as lower-case hexadecimal.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares without stopping at the first difference.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
}

/// Writes `bytes` as `dir/name` through a flushed temporary file and a rename, so a crash
/// leaves the old file or the new one, never half of one.
pub fn write_durably(dir: &Path, name: &str, bytes: &[u8]) -> io::Result<()> {
    let mut salt = [0u8; 8];
    getrandom::fill(&mut salt).map_err(|e| io::Error::other(e.to_string()))?;
    let temporary = dir.join(format!(".{name}.{}.tmp", hex(&salt)));
    let mut file = std::fs::File::create(&temporary)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    std::fs::rename(&temporary, dir.join(name))?;
    sync_dir(dir)
}

/// Makes a rename or removal in `dir` durable.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    std::fs::File::open(dir)?.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claim_check_and_revoke() {
        let data = tempfile::tempdir().unwrap();
        let access = Access::new(data.path());
        let doc = "2xM1QpGWtPGGzXXgPwyDs3HM4VWb";
        assert_eq!(access.check(doc, "s").unwrap(), Check::Unclaimed);
        assert_eq!(access.check_or_claim(doc, "right").unwrap(), Check::Granted);
        assert_eq!(access.check_or_claim(doc, "second").unwrap(), Check::Refused, "the first claim stands");
        assert_eq!(access.check(doc, "right").unwrap(), Check::Granted);
        assert_eq!(access.check(doc, "wrong").unwrap(), Check::Refused);
        assert_eq!(access.check(doc, "").unwrap(), Check::Refused);
        let stored = std::fs::read_to_string(data.path().join(OWN_DIR).join("access").join(doc)).unwrap();
        assert!(!stored.contains("right"), "only a hash is kept: {stored}");
        // A replaced secret is salted afresh; a wrong old secret replaces nothing.
        assert!(!access.replace(doc, "wrong", "x").unwrap());
        assert!(access.replace(doc, "right", "right").unwrap());
        let again = std::fs::read_to_string(data.path().join(OWN_DIR).join("access").join(doc)).unwrap();
        assert_ne!(stored, again);
        // Many peers bringing one document at once: exactly one secret wins.
        let other = "3xM1QpGWtPGGzXXgPwyDs3HM4VWb";
        let access = std::sync::Arc::new(access);
        let granted: usize = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..8)
                .map(|n| {
                    let access = access.clone();
                    scope.spawn(move || access.check_or_claim(other, &format!("secret {n}")).unwrap() == Check::Granted)
                })
                .collect();
            handles.into_iter().map(|h| usize::from(h.join().unwrap())).sum()
        });
        assert_eq!(granted, 1);
        // Locking replaces whatever claim there was; a lock is never an unclaimed document.
        assert!(access.lock(doc, "the operator's").unwrap());
        assert_eq!(access.check(doc, "right").unwrap(), Check::Refused);
        assert_eq!(access.check(doc, "the operator's").unwrap(), Check::Granted);
        let unclaimed = "4xM1QpGWtPGGzXXgPwyDs3HM4VWb";
        assert!(!access.lock(unclaimed, "the operator's").unwrap());
        assert_eq!(access.check_or_claim(unclaimed, "first comer").unwrap(), Check::Refused);
    }
}
