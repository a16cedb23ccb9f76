//! Property: any number of writers (tabs, workers) saving one register into one store, with
//! edits, saves, compactions, failed writes, writes finishing out of order, tabs telling each
//! other what they stored, crashes and reopenings in any interleaving, lose nothing: after a
//! final reopen, every change any writer saved is there.

use std::collections::BTreeSet;

use futures::executor::block_on;
use proptest::prelude::*;
use qingfeng::doc::{RegisterDoc, Stamp};
use qingfeng::model::Template;
use qingfeng::rules::{PersonForm, UnitForm};
use qingfeng::storage::{DocStore, MemoryStore, Persistence, Write, open_stored};

/// One step. Writer indices are taken modulo the number of writers.
#[derive(Debug, Clone)]
enum Op {
    /// The writer adds a person.
    Edit(usize),
    /// The writer takes a write (a compaction when `compact` and due).
    Prepare(usize, bool),
    /// The writer's write reaches the store, or fails as if the quota were full.
    Finish(usize, bool),
    /// The writer tells the others what its last stored write held (BroadcastChannel).
    Tell(usize),
    /// The writer's tab crashes: its unsaved edits and its write under way are gone; it
    /// opens again from the store.
    Reopen(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => any::<usize>().prop_map(Op::Edit),
        3 => (any::<usize>(), any::<bool>()).prop_map(|(w, c)| Op::Prepare(w, c)),
        3 => (any::<usize>(), prop::bool::weighted(0.8)).prop_map(|(w, ok)| Op::Finish(w, ok)),
        2 => any::<usize>().prop_map(Op::Tell),
        1 => any::<usize>().prop_map(Op::Reopen),
    ]
}

struct Writer {
    doc: RegisterDoc,
    persistence: Persistence,
    /// The write taken and not yet finished, with the people it stores.
    in_flight: Option<(Write, BTreeSet<String>)>,
    /// The last write this writer stored, to tell the others about.
    last_stored: Option<Write>,
}

fn open(store: &MemoryStore, id: &str, compact_after: usize) -> Writer {
    let (doc, persistence) = block_on(open_stored(store, id, &[])).unwrap().expect("the register is stored");
    Writer { doc, persistence: persistence.compact_after(compact_after), in_flight: None, last_stored: None }
}

fn people(doc: &RegisterDoc) -> BTreeSet<String> {
    doc.register().people.keys().cloned().collect()
}

fn run(writers: usize, compact_after: usize, ops: Vec<Op>) -> Result<(), TestCaseError> {
    let unit = UnitForm { name: "王场小学".into(), ..UnitForm::default() };
    let mut first = RegisterDoc::create(&unit, &Template::school(), "2026-11-28".parse().unwrap(), &Stamp::default())
        .expect("a new register");
    let id = first.id().to_string();
    let store = MemoryStore::default();
    let mut p = Persistence::fresh(&id);
    block_on(qingfeng::storage::save_now(&store, &mut p, &mut first)).unwrap();

    let mut tabs: Vec<Writer> = (0..writers).map(|_| open(&store, &id, compact_after)).collect();
    // Every person whose creation a successful write reported as stored.
    let mut saved: BTreeSet<String> = BTreeSet::new();
    let mut counter = 0;
    for op in ops {
        match op {
            Op::Edit(w) => {
                counter += 1;
                let form = PersonForm { name: format!("教师{counter}"), ..PersonForm::default() };
                let tab = &mut tabs[w % writers];
                tab.doc.create_entity(&Stamp::new(String::new(), counter as i64), &form).unwrap();
            }
            Op::Prepare(w, compact) => {
                let tab = &mut tabs[w % writers];
                if tab.in_flight.is_none()
                    && let Some(write) = tab.persistence.prepare(&mut tab.doc, compact)
                {
                    tab.in_flight = Some((write, people(&tab.doc)));
                }
            }
            Op::Finish(w, ok) => {
                let tab = &mut tabs[w % writers];
                if let Some((write, holds)) = tab.in_flight.take() {
                    store.set_full(!ok);
                    let result = block_on(store.apply(&id, &write));
                    store.set_full(false);
                    tab.persistence.written(&write, &result);
                    if result.is_ok() {
                        saved.extend(holds);
                        tab.last_stored = Some(write);
                    }
                }
            }
            Op::Tell(w) => {
                let Some(write) = tabs[w % writers].last_stored.take() else { continue };
                for (i, tab) in tabs.iter_mut().enumerate() {
                    if i != w % writers {
                        tab.doc.apply_chunk(&write.bytes).unwrap();
                        tab.persistence.stored_elsewhere(&mut tab.doc, &write.heads);
                    }
                }
            }
            Op::Reopen(w) => tabs[w % writers] = open(&store, &id, compact_after),
        }
    }
    let (last, _) = block_on(open_stored(&store, &id, &[])).unwrap().expect("the register is stored");
    let found = people(&last);
    let lost: Vec<_> = saved.difference(&found).collect();
    prop_assert!(lost.is_empty(), "saved and then lost: {lost:?}");
    // Every writer, saving what it has left, leaves a store that holds its whole register.
    for tab in &mut tabs {
        if let Some((write, _)) = tab.in_flight.take() {
            let result = block_on(store.apply(&id, &write));
            tab.persistence.written(&write, &result);
        }
        let expected = people(&tab.doc);
        block_on(qingfeng::storage::save_now(&store, &mut tab.persistence, &mut tab.doc)).unwrap();
        let (reread, _) = block_on(open_stored(&store, &id, &[])).unwrap().unwrap();
        prop_assert!(people(&reread).is_superset(&expected));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("QINGFENG_STORAGE_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(200)
    ))]

    #[test]
    fn writers_sharing_a_store_lose_no_saved_change(
        writers in 2usize..=4,
        compact_after in 1usize..6,
        ops in prop::collection::vec(op(), 1..80),
    ) {
        run(writers, compact_after, ops)?;
    }
}
