//! History: every change of the register, who made it and what it touched; the register as it
//! was at an earlier change; and putting one entity back as it was.

use automerge::{AutoCommit, ChangeHash, ROOT};
use autosurgeon::{hydrate, hydrate_prop};

use super::change_note::{Action, ChangeNote, Stamp};
use super::register_doc::{DocError, RegisterDoc};
use crate::model::{Entity, EntityKind, Id, Register};
use crate::rules::Form;

/// One change, as the history page lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct HistoryEntry {
    /// The change's hash: the "heads" to view the register as of this change.
    pub hash: ChangeHash,
    /// The member who made it ("" when unknown).
    pub author: Id,
    /// The device it was made on ("" when unknown).
    pub device: String,
    /// Unix seconds, by the author's clock.
    pub at: i64,
    /// What was done; `None` for changes not written by Qingfeng.
    pub action: Option<Action>,
    /// The entity touched, if any.
    pub entity: Option<(EntityKind, Id)>,
    /// The entity's name at the time.
    pub label: String,
}

impl HistoryEntry {
    /// The hash as text, for addresses and markup.
    pub fn hash_hex(&self) -> String {
        self.hash.to_string()
    }
}

/// The history as of `heads`, so each call reads only the changes made since the last.
#[derive(Debug, Clone, Default)]
pub(super) struct HistoryCache {
    heads: Vec<ChangeHash>,
    entries: Vec<HistoryEntry>,
}

impl RegisterDoc {
    /// Every change, newest first (by the authors' clocks; causal order breaks ties).
    pub fn history(&mut self) -> Vec<HistoryEntry> {
        self.current_history().to_vec()
    }

    /// The changes that touched one entity, newest first.
    pub fn entity_history(&mut self, kind: EntityKind, id: &str) -> Vec<HistoryEntry> {
        self.current_history()
            .iter()
            .filter(|e| e.entity.as_ref().is_some_and(|(k, i)| *k == kind && i == id))
            .cloned()
            .collect()
    }

    /// The cached history brought up to date: a large register has tens of thousands of
    /// changes, too many to read again after every edit.
    fn current_history(&mut self) -> &[HistoryEntry] {
        let heads = self.doc.get_heads();
        let cache = &mut self.history_cache;
        if cache.heads != heads {
            // Changes since the cached heads are never causally before the cached ones, so
            // they go first; `get_changes_meta` lists causally, hence the reversal.
            let mut entries: Vec<HistoryEntry> = self
                .doc
                .get_changes_meta(&cache.heads)
                .into_iter()
                .rev()
                .map(|meta| {
                    let note = meta.message.as_deref().and_then(ChangeNote::parse);
                    HistoryEntry {
                        hash: meta.hash,
                        author: note.as_ref().map(|n| n.author.clone()).unwrap_or_default(),
                        device: note.as_ref().map(|n| n.device.clone()).unwrap_or_default(),
                        at: meta.timestamp,
                        action: note.as_ref().map(|n| n.action),
                        entity: note.as_ref().and_then(|n| n.entity.clone()),
                        label: note.map(|n| n.label).unwrap_or_default(),
                    }
                })
                .collect();
            entries.append(&mut cache.entries);
            entries.sort_by_key(|e| std::cmp::Reverse(e.at));
            *cache = HistoryCache { heads, entries };
        }
        &self.history_cache.entries
    }

    /// The hash written as text, if it names a change of this register.
    pub fn change_hash(&mut self, hex: &str) -> Option<ChangeHash> {
        let hash: ChangeHash = hex.parse().ok()?;
        self.doc.get_change_meta_by_hash(&hash).map(|_| hash)
    }

    fn fork_at(&mut self, hash: ChangeHash) -> Result<AutoCommit, DocError> {
        self.fork_at_heads(&[hash])
    }

    /// The document as it was at `heads` (read-only).
    pub(super) fn fork_at_heads(&mut self, heads: &[ChangeHash]) -> Result<AutoCommit, DocError> {
        self.doc.fork_at(heads).map_err(|e| DocError::Write(e.to_string()))
    }

    /// The register as it was just after change `hash` (read-only).
    pub fn register_at(&mut self, hash: ChangeHash) -> Result<Register, DocError> {
        let past = self.fork_at(hash)?;
        hydrate(&past).map_err(|e| DocError::NotARegister(e.to_string()))
    }

    /// Writes entity `id` back as it was just after change `hash`, as a new change by `stamp`.
    /// Goes through the entity's form, so text is diffed and concurrent edits elsewhere survive.
    pub fn restore_entity<F>(&mut self, stamp: &Stamp, id: &str, hash: ChangeHash) -> Result<bool, DocError>
    where
        F: Form,
        F::Target: Entity,
    {
        let past = self.fork_at(hash)?;
        let kind = F::Target::KIND;
        let map = match automerge::ReadDoc::get(&past, ROOT, kind.collection()) {
            Ok(Some((automerge::Value::Object(_), map))) => map,
            _ => {
                return Err(DocError::NotARegister(format!("it has no map `{}`", kind.collection())));
            }
        };
        let old: autosurgeon::MaybeMissing<F::Target> =
            hydrate_prop(&past, &map, id).map_err(|e| DocError::NotARegister(e.to_string()))?;
        let autosurgeon::MaybeMissing::Present(old) = old else {
            return Err(DocError::NotFound { kind, id: id.to_string() });
        };
        let mut changed = self.update_entity(stamp, id, &F::from_target(&old))?;
        let archived_then = !old.is_active();
        if self.register_entity::<F::Target>(id).is_some_and(|e| e.is_active() == archived_then) {
            self.set_archived::<F::Target>(stamp, id, archived_then)?;
            changed = true;
        }
        Ok(changed)
    }

    fn register_entity<E: Entity>(&self, id: &str) -> Option<&E> {
        E::all(self.register()).get(id)
    }
}
