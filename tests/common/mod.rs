//! What the simulations share: a cheap look at a stored register.

use std::collections::BTreeSet;

use automerge::ReadDoc as _;
use qingfeng::storage::StoredChunk;

/// The names of the people in stored chunks, read with Automerge alone (hydrating the whole
/// register for every check would triple a simulation's time).
pub fn stored_people(chunks: &[StoredChunk]) -> Result<BTreeSet<String>, String> {
    let mut doc = automerge::AutoCommit::new();
    let mut chunks: Vec<&StoredChunk> = chunks.iter().collect();
    chunks.sort_by_key(|c| c.bytes.get(8) != Some(&0));
    for chunk in chunks {
        doc.load_incremental(&chunk.bytes).map_err(|e| e.to_string())?;
    }
    Ok(people(&doc))
}

/// The names of the people in a register's document.
pub fn people(doc: &automerge::AutoCommit) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let Ok(Some((_, people))) = doc.get(automerge::ROOT, "people") else { return names };
    for key in doc.keys(&people).collect::<Vec<_>>() {
        if let Ok(Some((_, person))) = doc.get(&people, key.as_str())
            && let Ok(Some((value, _))) = doc.get(&person, "name")
            && let Some(name) = value.as_str()
        {
            names.insert(name.to_string());
        }
    }
    names
}
