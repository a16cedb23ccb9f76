//! Root maps that two copies made at once. A register made by an older version lacks the maps
//! of kinds added since; the first member to record such a record makes the map. If two members
//! do so before exchanging files, Automerge keeps both maps as conflicting values of one key and
//! shows one: the other copy's records would vanish behind it. After every merge the hidden
//! maps' records are copied into the shown one, so nothing recorded is lost.

use automerge::transaction::Transactable as _;
use automerge::{AutoCommit, AutomergeError, ObjId, ObjType, ROOT, ReadDoc as _, Value};

use super::change_note::{Action, Stamp};
use super::register_doc::{COLLECTIONS, DocError, RegisterDoc, write_error};

impl RegisterDoc {
    /// Copies the records of hidden root maps into the shown ones, as one change at `at`.
    /// Returns whether anything was copied.
    pub(super) fn fold_split_maps(&mut self, at: i64) -> Result<bool, DocError> {
        let mut copied = 0usize;
        for name in COLLECTIONS {
            let all = self.doc.get_all(ROOT, name).map_err(write_error)?;
            if all.len() < 2 {
                continue;
            }
            let Some((_, shown)) = self.doc.get(ROOT, name).map_err(write_error)? else { continue };
            let hidden: Vec<ObjId> = all
                .into_iter()
                .filter(|(value, id)| matches!(value, Value::Object(ObjType::Map)) && *id != shown)
                .map(|(_, id)| id)
                .collect();
            for map in hidden {
                let keys: Vec<String> = self.doc.keys(&map).collect();
                for key in keys {
                    if self.doc.get(&shown, key.as_str()).map_err(write_error)?.is_none() {
                        copy_prop(&mut self.doc, &map, &key, &shown).map_err(write_error)?;
                        copied += 1;
                    }
                }
            }
        }
        if copied > 0 {
            self.commit(&Stamp::new(String::new(), at), Action::Fold, None, copied.to_string());
        }
        Ok(copied > 0)
    }
}

/// Copies `key` of map `from` into map `to`, deep.
fn copy_prop(doc: &mut AutoCommit, from: &ObjId, key: &str, to: &ObjId) -> Result<(), AutomergeError> {
    let value = doc.get(from, key)?.map(|(value, id)| (value.to_owned(), id));
    match value {
        Some((Value::Scalar(scalar), _)) => doc.put(to, key, scalar.into_owned()),
        Some((Value::Object(kind), id)) => {
            let copy = doc.put_object(to, key, kind)?;
            copy_contents(doc, &id, kind, &copy)
        }
        None => Ok(()),
    }
}

/// Copies everything inside object `from` (of `kind`) into the new object `to`.
fn copy_contents(doc: &mut AutoCommit, from: &ObjId, kind: ObjType, to: &ObjId) -> Result<(), AutomergeError> {
    match kind {
        ObjType::Map | ObjType::Table => {
            let keys: Vec<String> = doc.keys(from).collect();
            for key in keys {
                copy_prop(doc, from, &key, to)?;
            }
        }
        ObjType::List => {
            for index in 0..doc.length(from) {
                let value = doc.get(from, index)?.map(|(value, id)| (value.to_owned(), id));
                match value {
                    Some((Value::Scalar(scalar), _)) => doc.insert(to, index, scalar.into_owned())?,
                    Some((Value::Object(kind), id)) => {
                        let copy = doc.insert_object(to, index, kind)?;
                        copy_contents(doc, &id, kind, &copy)?;
                    }
                    None => {}
                }
            }
        }
        ObjType::Text => {
            let text = doc.text(from)?;
            doc.splice_text(to, 0, 0, &text)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use automerge::transaction::Transactable as _;
    use automerge::{ROOT, ReadDoc as _};

    use crate::doc::{RegisterDoc, Stamp};
    use crate::model::Template;
    use crate::rules::{SpotCheckForm, UnitForm};

    /// A register from before spot checks existed (no `checks` map), forked, and a risk point of it.
    fn old_register_and_a_copy() -> (RegisterDoc, RegisterDoc, String) {
        let unit = UnitForm { name: "高桥小学".into(), ..UnitForm::default() };
        let mut doc =
            RegisterDoc::create(&unit, &Template::school(), "2026-11-02".parse().unwrap(), &Stamp::default()).unwrap();
        doc.doc.delete(ROOT, "checks").unwrap();
        doc.commit(&Stamp::default(), super::Action::UpdateSettings, None, String::new());
        let risk = doc.register().risks.keys().next().unwrap().clone();
        let other = doc.fork();
        (doc, other, risk)
    }

    fn check(risk: &str, what: &str) -> SpotCheckForm {
        SpotCheckForm { risk: risk.into(), done: "2026-11-10".into(), what: what.into(), ..SpotCheckForm::default() }
    }

    #[test]
    fn records_of_a_map_two_copies_made_at_once_all_survive_the_merge() {
        let (mut doc, mut other, risk) = old_register_and_a_copy();
        let ours = doc.create_entity(&Stamp::new("wang", 10), &check(&risk, "抽查食堂采购台账")).unwrap();
        let theirs = other.create_entity(&Stamp::new("zhu", 11), &check(&risk, "抽查报销凭证")).unwrap();
        assert_eq!(doc.doc.get_all(ROOT, "checks").unwrap().len(), 1);

        doc.merge(&mut other).unwrap();
        other.merge(&mut doc).unwrap();
        for copy in [&doc, &other] {
            let checks = &copy.register().checks;
            assert!(checks.contains_key(&ours) && checks.contains_key(&theirs), "{checks:?}");
            assert_eq!(checks[&theirs].what.as_str(), "抽查报销凭证");
        }
        // Folding again copies nothing, and a saved copy reads the same.
        assert!(!doc.fold_split_maps(20).unwrap());
        let reopened = RegisterDoc::load(&doc.save()).unwrap();
        assert_eq!(reopened.register().checks.len(), 2);
        assert_eq!(reopened.register().risks, doc.register().risks);
    }

    #[test]
    fn stored_chunks_of_two_copies_are_gathered_at_opening() {
        let (mut doc, mut other, risk) = old_register_and_a_copy();
        doc.create_entity(&Stamp::new("wang", 10), &check(&risk, "甲")).unwrap();
        other.create_entity(&Stamp::new("zhu", 11), &check(&risk, "乙")).unwrap();
        // Both copies' changes side by side in storage, never merged through a RegisterDoc.
        let both = [doc.save(), other.save()];
        let chunks: Vec<&[u8]> = both.iter().map(Vec::as_slice).collect();
        let opened = RegisterDoc::load_chunks(chunks).unwrap();
        let found: Vec<&str> = opened.register().checks.values().map(|c| c.what.as_str()).collect();
        assert_eq!(found.len(), 2, "{found:?}");
    }

    #[test]
    fn a_fold_made_while_opening_a_store_is_saved_with_the_next_edit() {
        use futures::executor::block_on;

        use crate::rules::PersonForm;
        use crate::storage::{ChunkKey, DocStore as _, MemoryStore, Write, open_stored, save_now};

        let (mut doc, mut other, risk) = old_register_and_a_copy();
        doc.create_entity(&Stamp::new("wang", 10), &check(&risk, "甲")).unwrap();
        other.create_entity(&Stamp::new("zhu", 11), &check(&risk, "乙")).unwrap();
        let id = doc.id().to_string();
        let store = MemoryStore::default();
        block_on(async {
            for bytes in [doc.save(), other.save()] {
                let write = Write { key: ChunkKey::snapshot(&bytes), bytes, folds: vec![], heads: vec![] };
                store.apply(&id, &write).await.unwrap();
            }
            // Opening gathers the split maps in a change of its own; an edit then depends on it.
            let (mut opened, mut persistence) = open_stored(&store, &id, &[]).await.unwrap().unwrap();
            let person = opened
                .create_entity(&Stamp::new("wang", 12), &PersonForm { name: "姚小勤".into(), ..PersonForm::default() })
                .unwrap();
            save_now(&store, &mut persistence, &mut opened).await.unwrap();
            let (reopened, _) = open_stored(&store, &id, &[]).await.unwrap().unwrap();
            assert!(reopened.register().people.contains_key(&person), "the edit waits for a fold never stored");
            assert_eq!(reopened.register().checks.len(), 2);
        });
    }
}
