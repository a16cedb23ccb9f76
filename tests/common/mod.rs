//! What the simulations share: a seeded random source and a cheap look at a stored register.

use std::collections::BTreeSet;

use automerge::ReadDoc as _;
use qingfeng::storage::StoredChunk;

/// splitmix64: small, seedable, good enough to pick schedules.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

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
