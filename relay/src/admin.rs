//! The operator's commands on a data folder: list the documents, lock one with a new secret.

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::access::{Access, OWN_DIR};
use crate::gate::disk_usage;

/// The file where a running relay writes how many peers hold each document.
const PEERS_FILE: &str = "peers";
/// A peers file older than this is from a relay that is not running.
const PEERS_FRESH: Duration = Duration::from_secs(15);

/// One document under `--data`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// The automerge-repo document id.
    pub id: String,
    /// The register id it stands for.
    pub register: Option<String>,
    /// Bytes on disk.
    pub size: u64,
    /// When it last changed on disk.
    pub changed: Option<SystemTime>,
    /// Whether a secret guards it.
    pub claimed: bool,
    /// Peers connected to it now, if a relay is running on this folder.
    pub peers: Option<usize>,
}

/// The documents stored under `data`, by id.
pub fn documents(data: &Path) -> Vec<Document> {
    let access = Access::new(data);
    let peers = read_peers(data);
    let mut found = Vec::new();
    for outer in std::fs::read_dir(data).into_iter().flatten().flatten() {
        let first = outer.file_name().to_string_lossy().to_string();
        if first == OWN_DIR || !outer.path().is_dir() {
            continue;
        }
        for inner in std::fs::read_dir(outer.path()).into_iter().flatten().flatten() {
            let id = format!("{first}{}", inner.file_name().to_string_lossy());
            if !qingfeng_wire::is_document_id(&id) {
                continue;
            }
            found.push(Document {
                register: qingfeng_wire::register_id(&id),
                size: disk_usage(&inner.path()),
                changed: newest(&inner.path()),
                claimed: access.is_claimed(&id),
                peers: peers.as_ref().map(|peers| peers.get(&id).copied().unwrap_or(0)),
                id,
            });
        }
    }
    found.sort_by(|a, b| a.id.cmp(&b.id));
    found
}

/// The table `qingfeng-relay documents` prints.
pub fn documents_table(data: &Path) -> String {
    let documents = documents(data);
    let mut out = format!(
        "{:<30} {:<36} {:>10}  {:<20} {:<7} {}\n",
        "document", "register", "bytes", "last change (UTC)", "secret", "peers"
    );
    for d in &documents {
        let changed = d.changed.map(utc).unwrap_or_else(|| "-".into());
        let peers = d.peers.map_or_else(|| "-".to_string(), |n| n.to_string());
        out += &format!(
            "{:<30} {:<36} {:>10}  {:<20} {:<7} {}\n",
            d.id,
            d.register.as_deref().unwrap_or("-"),
            d.size,
            changed,
            if d.claimed { "yes" } else { "no" },
            peers
        );
    }
    out += &format!("{} documents", documents.len());
    if documents.iter().all(|d| d.peers.is_none()) {
        out += " (no relay is running on this folder: peers are unknown)";
    }
    out + "\n"
}

/// Locks `id` (a document id or a register id) with `secret`, or with a new random one: whoever
/// held the old secret is out within seconds, on a running relay too. Returns the document id
/// and the secret to give the members who keep access.
pub fn revoke(data: &Path, id: &str, secret: Option<&str>) -> Result<(String, String), String> {
    let document = if qingfeng_wire::is_document_id(id) {
        id.to_string()
    } else {
        qingfeng_wire::document_id(id).ok_or_else(|| format!("{id:?} is neither a document id nor a register id"))?
    };
    let secret = match secret {
        Some(secret) if secret.len() >= 16 => secret.to_string(),
        Some(_) => return Err("a secret must have at least 16 characters".into()),
        None => random_secret(),
    };
    Access::new(data).lock(&document, &secret).map_err(|e| format!("cannot store the secret: {e}"))?;
    Ok((document, secret))
}

/// Locks every stored document that has no claim (a data folder from before claims, or one
/// revoked by an older relay) with a random secret nobody holds. Returns how many.
pub fn lock_unclaimed(data: &Path) -> std::io::Result<usize> {
    let access = Access::new(data);
    let mut locked = 0;
    for document in documents(data).into_iter().filter(|d| !d.claimed) {
        access.lock(&document.id, &random_secret())?;
        locked += 1;
    }
    Ok(locked)
}

/// 128 random bits, URL-safe, as the app makes them.
fn random_secret() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the system has randomness");
    crate::access::hex(&bytes)
}

/// Writes the peer counts a running relay knows, for `documents`.
pub(crate) fn write_peers(data: &Path, peers: &HashMap<String, usize>) -> std::io::Result<()> {
    let dir = data.join(OWN_DIR);
    std::fs::create_dir_all(&dir)?;
    let mut text = String::new();
    for (document, count) in peers {
        text += &format!("{document} {count}\n");
    }
    let temporary = dir.join(".peers.tmp");
    std::fs::write(&temporary, text)?;
    std::fs::rename(temporary, dir.join(PEERS_FILE))
}

fn read_peers(data: &Path) -> Option<HashMap<String, usize>> {
    let path = data.join(OWN_DIR).join(PEERS_FILE);
    let written = std::fs::metadata(&path).ok()?.modified().ok()?;
    if written.elapsed().unwrap_or_default() > PEERS_FRESH {
        return None;
    }
    let text = std::fs::read_to_string(path).ok()?;
    Some(
        text.lines()
            .filter_map(|line| {
                let (document, count) = line.split_once(' ')?;
                Some((document.to_string(), count.parse().ok()?))
            })
            .collect(),
    )
}

fn newest(dir: &Path) -> Option<SystemTime> {
    let mut latest = None;
    for entry in std::fs::read_dir(dir).ok()?.flatten() {
        let when = if entry.path().is_dir() { newest(&entry.path()) } else { entry.metadata().ok()?.modified().ok() };
        latest = latest.max(when);
    }
    latest
}

/// `YYYY-MM-DD HH:MM:SS` in UTC.
fn utc(time: SystemTime) -> String {
    let secs = time.duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}", rest / 3600, rest % 3600 / 60, rest % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_dates() {
        assert_eq!(utc(UNIX_EPOCH), "1970-01-01 00:00:00");
        assert_eq!(utc(UNIX_EPOCH + Duration::from_secs(1_795_924_800)), "2026-11-29 04:00:00");
    }
}
