//! Conflicts: fields two members changed at the same time. Automerge keeps every concurrent
//! value; the model shows one. Here we find them all, with who wrote each, so a person can pick.

use automerge::transaction::Transactable as _;
use std::collections::HashMap;

use automerge::{Automerge, ChangeHash, ObjId, ObjType, PatchAction, Prop, ReadDoc as _, ScalarValue, Value};

use super::change_note::{Action, ChangeNote, Stamp};
use super::register_doc::{DocError, RegisterDoc};
use crate::model::{EntityKind, Id};

/// One of the values a conflicted field holds.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ConflictValue {
    /// The value as text ("" for an empty value or an object).
    pub value: String,
    /// The member who wrote it ("" when unknown).
    pub author: Id,
    /// When, in Unix seconds (0 when unknown).
    pub at: i64,
    /// Whether it is the value the register currently shows.
    pub shown: bool,
    /// The value as stored, to write back when a person picks it (kept where the document is).
    #[serde(skip)]
    raw: Option<ScalarValue>,
}

/// A field of an entity with more than one concurrent value.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Conflict {
    /// The entity's kind.
    pub kind: EntityKind,
    /// The entity's id.
    pub id: Id,
    /// The field, with `.` between nested keys (`archived.by`).
    pub field: String,
    /// Every value, the shown one first.
    pub values: Vec<ConflictValue>,
}

fn scalar_text(value: &ScalarValue) -> String {
    match value {
        ScalarValue::Str(s) => s.to_string(),
        ScalarValue::Null => String::new(),
        other => other.to_string(),
    }
}

impl RegisterDoc {
    /// Every conflicted field of every entity. Found from one diff of the whole document, which
    /// flags conflicted keys as it goes: asking every key of a large register for its values
    /// one by one costs minutes.
    pub fn conflicts(&mut self) -> Vec<Conflict> {
        let heads = self.doc.get_heads();
        let mut places: Vec<(EntityKind, String, ObjId, String, String)> = Vec::new();
        for patch in self.doc.diff(&[], &heads) {
            let PatchAction::PutMap { key, conflict: true, .. } = &patch.action else { continue };
            let mut path = patch.path.iter().map(|(_, prop)| match prop {
                Prop::Map(k) => k.clone(),
                Prop::Seq(i) => i.to_string(),
            });
            let (Some(kind), Some(id)) = (path.next().and_then(|c| EntityKind::from_collection(&c)), path.next())
            else {
                continue;
            };
            let mut field: Vec<String> = path.collect();
            field.push(key.clone());
            places.push((kind, id, patch.obj.clone(), key.clone(), field.join(".")));
        }
        if places.is_empty() {
            return Vec::new();
        }
        let authors = self.change_authors();
        let doc = self.doc.document();
        places
            .into_iter()
            .filter_map(|(kind, id, obj, key, field)| conflict_at(doc, kind, &id, &obj, &key, field, &authors))
            .collect()
    }

    /// Who made each change and when, from one pass over the changes' metadata: looking each
    /// change up by hash decodes it, which costs too much for the many values of a big merge.
    fn change_authors(&mut self) -> HashMap<ChangeHash, (Id, i64)> {
        self.doc
            .get_changes_meta(&[])
            .into_iter()
            .map(|meta| {
                let author = meta.message.as_deref().and_then(ChangeNote::parse).map(|n| n.author).unwrap_or_default();
                (meta.hash, (author, meta.timestamp))
            })
            .collect()
    }

    /// The entities local changes wrote since the last call (see [`RegisterDoc::take_written`]),
    /// with their conflicts as they are now.
    pub fn written_conflicts(&mut self) -> (Vec<(EntityKind, Id)>, Vec<Conflict>) {
        let written = self.take_written();
        let found = written.iter().flat_map(|(kind, id)| self.entity_conflicts(*kind, id)).collect();
        (written, found)
    }

    /// The conflicts of one entity.
    pub fn entity_conflicts(&mut self, kind: EntityKind, id: &str) -> Vec<Conflict> {
        let mut found = Vec::new();
        if let Ok(map) = self.collection(kind) {
            let doc = self.doc.document();
            if let Ok(Some((Value::Object(ObjType::Map), entity))) = doc.get(&map, id) {
                collect_conflicts(doc, kind, id, &entity, "", &HashMap::new(), &mut found);
            }
        }
        found
    }

    /// Every value field `field` of entity `id` holds: one normally, several in a conflict.
    /// Values as text, as in [`ConflictValue::value`].
    pub fn field_values(&self, kind: EntityKind, id: &str, field: &str) -> Vec<String> {
        let Ok(map) = self.collection(kind) else {
            return Vec::new();
        };
        let Ok(Some((Value::Object(ObjType::Map), entity))) = self.doc.get(&map, id) else {
            return Vec::new();
        };
        self.doc
            .get_all(&entity, field)
            .unwrap_or_default()
            .into_iter()
            .map(|(value, _)| match value {
                Value::Scalar(s) => scalar_text(&s),
                Value::Object(_) => String::new(),
            })
            .collect()
    }

    /// Settles a conflicted field on the value at `choice` in its [`Conflict::values`], as a new
    /// change by `stamp` that supersedes every other concurrent value.
    pub fn resolve_conflict(
        &mut self,
        stamp: &Stamp,
        kind: EntityKind,
        id: &str,
        field: &str,
        choice: usize,
    ) -> Result<(), DocError> {
        let not_found = || DocError::NotFound { kind, id: id.to_string() };
        let conflict = self.entity_conflicts(kind, id).into_iter().find(|c| c.field == field).ok_or_else(not_found)?;
        let chosen = conflict.values.get(choice).and_then(|v| v.raw.clone()).ok_or_else(not_found)?;
        let map = self.collection(kind)?;
        let mut obj = match self.doc.get(&map, id) {
            Ok(Some((Value::Object(ObjType::Map), entity))) => entity,
            _ => return Err(not_found()),
        };
        let mut path: Vec<&str> = field.split('.').collect();
        let key = path.pop().ok_or_else(not_found)?;
        for step in path {
            obj = match self.doc.get(&obj, step) {
                Ok(Some((Value::Object(ObjType::Map), child))) => child,
                _ => return Err(not_found()),
            };
        }
        // A plain put, not through `KeepConflicts`: superseding the other values is the point.
        self.doc.put(&obj, key, chosen).map_err(|e| DocError::Write(e.to_string()))?;
        let label = self.register().entity_label(kind, id);
        self.commit(stamp, Action::Update, Some((kind, id.to_string())), label);
        self.rehydrate()
    }
}

fn collect_conflicts(
    doc: &Automerge,
    kind: EntityKind,
    id: &str,
    obj: &ObjId,
    prefix: &str,
    authors: &HashMap<ChangeHash, (Id, i64)>,
    found: &mut Vec<Conflict>,
) {
    for key in doc.keys(obj) {
        let field = format!("{prefix}{key}");
        if let Some(conflict) = conflict_at(doc, kind, id, obj, &key, field.clone(), authors) {
            found.push(conflict);
        } else if let Ok(Some((Value::Object(ObjType::Map), child))) = doc.get(obj, &key) {
            collect_conflicts(doc, kind, id, &child, &format!("{field}."), authors, found);
        }
    }
}

/// The conflict at `key` of `obj`, if it holds more than one value. Authors come from
/// `authors` when it knows the change, else from the change's metadata (decoding the whole
/// change would cost far more).
fn conflict_at(
    doc: &Automerge,
    kind: EntityKind,
    id: &str,
    obj: &ObjId,
    key: &str,
    field: String,
    authors: &HashMap<ChangeHash, (Id, i64)>,
) -> Option<Conflict> {
    let values = doc.get_all(obj, key).ok()?;
    if values.len() < 2 {
        return None;
    }
    // The last of the concurrent values is the one the register shows.
    let shown = values.last().map(|(_, op)| op.clone());
    let mut values: Vec<ConflictValue> = values
        .iter()
        .map(|(value, op)| {
            let hash = doc.hash_for_opid(op);
            let (author, at) = match hash.and_then(|h| authors.get(&h)) {
                Some(known) => known.clone(),
                None => hash.and_then(|h| doc.get_change_meta_by_hash(&h)).map_or((String::new(), 0), |meta| {
                    let author =
                        meta.message.as_deref().and_then(ChangeNote::parse).map(|n| n.author).unwrap_or_default();
                    (author, meta.timestamp)
                }),
            };
            let raw = match value {
                Value::Scalar(s) => Some(s.clone().into_owned()),
                Value::Object(_) => None,
            };
            ConflictValue {
                value: raw.as_ref().map(scalar_text).unwrap_or_default(),
                raw,
                author,
                at,
                shown: shown.as_ref() == Some(op),
            }
        })
        .collect();
    values.sort_by_key(|v| !v.shown);
    Some(Conflict { kind, id: id.to_string(), field, values })
}
