//! The page's view of a register as a reactive store keyed by entity id (`reactive_stores`).
//!
//! A patch to one entity notifies only the readers of that entity and the readers of the whole
//! register (a dashboard, the risk list's index); a reader of another entity, of one kind's
//! choices or of the unit's name does not re-run. Adding or removing an entity notifies the
//! readers of its kind, since the kind's membership changed.
//!
//! Plain Rust, tested natively: the reactive graph runs without a browser.

use std::collections::BTreeMap;

use reactive_stores::{AtKeyed, KeyedSubfield, Store};

use super::view::{EntityValue, ViewPatch};
use crate::model::{
    Complaint, Department, DutyCard, Entity, EntityKind, Id, MatterReport, Measure, Person, Phase, Pledge, Post,
    Publicity, Register, RegisterStoreFields, RiskKind, RiskPoint, SpotCheck, Warning,
};
use leptos::prelude::{GetUntracked, Set, Track, WithUntracked, Write};

/// The store holding the page's view of the open register.
pub type ViewStore = Store<Register>;

/// One kind's entities in the store, keyed by id.
pub type KindField<E> = KeyedSubfield<ViewStore, Register, Id, BTreeMap<Id, E>>;

/// An entity kind the store keeps keyed by id.
pub trait StoredEntity: Entity + Clone + Send + Sync + 'static {
    /// This kind's entities in `store`.
    fn field(store: ViewStore) -> KindField<Self>;
}

macro_rules! stored {
    ($($ty:ty => $field:ident),* $(,)?) => {
        $(impl StoredEntity for $ty {
            fn field(store: ViewStore) -> KindField<Self> {
                store.$field()
            }
        })*

        /// Brings every kind's record of its keys up to date after the whole register was set.
        fn refresh_keys(store: ViewStore) {
            $(store.$field().update_keys();)*
        }
    };
}

stored!(
    Person => people,
    Department => departments,
    Post => posts,
    RiskPoint => risks,
    RiskKind => risk_kinds,
    Measure => measures,
    Publicity => publicity,
    Phase => phases,
    Complaint => complaints,
    Warning => warnings,
    SpotCheck => checks,
    MatterReport => matters,
    Pledge => pledges,
    DutyCard => cards,
    crate::model::Flowchart => flowcharts,
    crate::model::Filing => filings,
    crate::model::Submission => submissions,
    crate::model::Summary => summaries,
    crate::model::Evaluation => evaluations,
    crate::model::Activity => activities,
    crate::model::Regulation => regulations,
    crate::model::Fund => funds,
    crate::model::Task => tasks,
    crate::model::Meeting => meetings,
    crate::model::Body => bodies,
);

/// Entity `id` of kind `E` (tracked: re-runs when that entity changes, or its kind gains or
/// loses a member). `None` when there is no such entity.
pub fn entity<E: StoredEntity>(store: ViewStore, id: &str) -> Option<E> {
    let field = E::field(store);
    let at = AtKeyed::new(field, id.to_string());
    // An entity that is there is tracked by itself, with its kind's membership; one that is
    // not, by its whole kind, since it may come.
    at.track();
    field.with_untracked(|all| all.get(id).cloned())
}

/// Reads the register, re-run only when kind `E` changes (one of its entities, or its members).
pub fn with_kind<E: StoredEntity, R>(store: ViewStore, f: impl FnOnce(&Register) -> R) -> R {
    E::field(store).track();
    store.with_untracked(f)
}

/// Brings the store up to date with `patch`, notifying only what it touches.
pub fn apply(store: ViewStore, patch: ViewPatch) {
    match patch {
        ViewPatch::Entity { kind, id, value } => match value {
            Some(EntityValue::Person(e)) => put(store, id, e),
            Some(EntityValue::Department(e)) => put(store, id, e),
            Some(EntityValue::Post(e)) => put(store, id, e),
            Some(EntityValue::Risk(e)) => put(store, id, e),
            Some(EntityValue::RiskKind(e)) => put(store, id, e),
            Some(EntityValue::Measure(e)) => put(store, id, e),
            Some(EntityValue::Publicity(e)) => put(store, id, e),
            Some(EntityValue::Phase(e)) => put(store, id, e),
            Some(EntityValue::Complaint(e)) => put(store, id, e),
            Some(EntityValue::Warning(e)) => put(store, id, e),
            Some(EntityValue::Check(e)) => put(store, id, e),
            Some(EntityValue::Matter(e)) => put(store, id, e),
            Some(EntityValue::Pledge(e)) => put(store, id, e),
            Some(EntityValue::Card(e)) => put(store, id, e),
            Some(EntityValue::Flowchart(e)) => put(store, id, e),
            Some(EntityValue::Filing(e)) => put(store, id, e),
            Some(EntityValue::Submission(e)) => put(store, id, e),
            Some(EntityValue::Summary(e)) => put(store, id, e),
            Some(EntityValue::Evaluation(e)) => put(store, id, e),
            Some(EntityValue::Activity(e)) => put(store, id, e),
            Some(EntityValue::Regulation(e)) => put(store, id, e),
            Some(EntityValue::Fund(e)) => put(store, id, e),
            Some(EntityValue::Task(e)) => put(store, id, e),
            Some(EntityValue::Meeting(e)) => put(store, id, e),
            Some(EntityValue::Body(e)) => put(store, id, e),
            None => match kind {
                EntityKind::Person => remove::<Person>(store, &id),
                EntityKind::Department => remove::<Department>(store, &id),
                EntityKind::Post => remove::<Post>(store, &id),
                EntityKind::Risk => remove::<RiskPoint>(store, &id),
                EntityKind::RiskKind => remove::<RiskKind>(store, &id),
                EntityKind::Measure => remove::<Measure>(store, &id),
                EntityKind::Publicity => remove::<Publicity>(store, &id),
                EntityKind::Phase => remove::<Phase>(store, &id),
                EntityKind::Complaint => remove::<Complaint>(store, &id),
                EntityKind::Warning => remove::<Warning>(store, &id),
                EntityKind::Check => remove::<SpotCheck>(store, &id),
                EntityKind::Matter => remove::<MatterReport>(store, &id),
                EntityKind::Pledge => remove::<Pledge>(store, &id),
                EntityKind::Card => remove::<DutyCard>(store, &id),
                EntityKind::Flowchart => remove::<crate::model::Flowchart>(store, &id),
                EntityKind::Filing => remove::<crate::model::Filing>(store, &id),
                EntityKind::Submission => remove::<crate::model::Submission>(store, &id),
                EntityKind::Summary => remove::<crate::model::Summary>(store, &id),
                EntityKind::Evaluation => remove::<crate::model::Evaluation>(store, &id),
                EntityKind::Activity => remove::<crate::model::Activity>(store, &id),
                EntityKind::Regulation => remove::<crate::model::Regulation>(store, &id),
                EntityKind::Fund => remove::<crate::model::Fund>(store, &id),
                EntityKind::Task => remove::<crate::model::Task>(store, &id),
                EntityKind::Meeting => remove::<crate::model::Meeting>(store, &id),
                EntityKind::Body => remove::<crate::model::Body>(store, &id),
            },
        },
        ViewPatch::Unit(unit) => store.unit().set(unit),
        ViewPatch::LeadingGroup(group) => store.leading_group().set(group),
        ViewPatch::Settings(settings) => store.settings().set(settings),
        ViewPatch::Whole(register) => replace(store, *register),
    }
}

/// Replaces the whole view (a register opened, or a merge that replaced whole maps).
pub fn replace(store: ViewStore, register: Register) {
    store.set(register);
    refresh_keys(store);
}

fn put<E: StoredEntity + PartialEq>(store: ViewStore, id: Id, value: E) {
    let field = E::field(store);
    let at = AtKeyed::new(field, id.clone());
    // Read through the key, not the map: the first reading records the kind's keys, which a
    // write through the key needs.
    match at.try_with_untracked(|old| *old == value) {
        // Unchanged (the patch of an entity another change touched only in its history).
        Some(true) => {}
        Some(false) => at.set(value),
        // A new member: the kind's keys change.
        None => {
            field.write().insert(id, value);
        }
    }
}

fn remove<E: StoredEntity>(store: ViewStore, id: &str) {
    let field = E::field(store);
    if field.with_untracked(|all| all.contains_key(id)) {
        field.write().remove(id);
    }
}

/// The id of the register the store holds.
pub fn register_id(store: ViewStore) -> Id {
    store.id().get_untracked()
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};

    use leptos::prelude::{Get, Memo, With, untrack};

    use super::*;

    fn register() -> Register {
        let mut register = Register { id: "r".into(), ..Default::default() };
        for (id, description) in [("a", "收受回扣"), ("b", "虚报冒领")] {
            register.risks.insert(id.into(), RiskPoint { description: description.into(), ..Default::default() });
        }
        register.people.insert("p".into(), Person { name: "王家福".into(), ..Default::default() });
        register
    }

    /// A memo over `read`, and how many times it ran.
    fn counting<T: Clone + PartialEq + Send + Sync + 'static>(
        read: impl Fn() -> T + Send + Sync + 'static,
    ) -> (Memo<T>, Arc<AtomicU32>) {
        let runs = Arc::new(AtomicU32::new(0));
        let counter = runs.clone();
        let memo = Memo::new(move |_| {
            counter.fetch_add(1, Ordering::Relaxed);
            read()
        });
        (memo, runs)
    }

    fn risk_patch(id: &str, risk: RiskPoint) -> ViewPatch {
        ViewPatch::Entity { kind: EntityKind::Risk, id: id.into(), value: Some(EntityValue::Risk(risk)) }
    }

    #[test]
    fn a_patch_re_runs_only_the_readers_of_what_it_touches() {
        let register = register();
        let store = Store::new(register.clone());
        let (read_a, runs_a) = counting(move || entity::<RiskPoint>(store, "a"));
        let (read_b, runs_b) = counting(move || entity::<RiskPoint>(store, "b"));
        let (people, runs_people) = counting(move || with_kind::<Person, _>(store, Person::choices));
        let (count, runs_count) = counting(move || store.with(|r| r.risks.len()));
        let read_all = || {
            read_a.get();
            read_b.get();
            people.get();
            count.get();
        };
        let runs = || [&runs_a, &runs_b, &runs_people, &runs_count].map(|r| r.load(Ordering::Relaxed));
        read_all();
        assert_eq!(runs(), [1, 1, 1, 1]);

        let mut changed = register.risks["a"].clone();
        changed.description = "改过的描述".into();
        apply(store, risk_patch("a", changed.clone()));
        assert_eq!(read_a.get(), Some(changed));
        assert_eq!(read_b.get(), register.risks.get("b").cloned());
        read_all();
        assert_eq!(runs(), [2, 1, 1, 2]);

        // A new risk point changes the kind's members: its readers re-run, another kind's do not.
        let new = RiskPoint { description: "新的风险点".into(), ..Default::default() };
        apply(store, risk_patch("new", new.clone()));
        assert_eq!(untrack(|| entity::<RiskPoint>(store, "new")), Some(new));
        assert_eq!(count.get(), 3);
        read_all();
        assert_eq!(runs()[2], 1);

        // A patch that changes nothing notifies nobody; a removal notifies the kind.
        let before = runs();
        apply(store, risk_patch("b", register.risks["b"].clone()));
        read_all();
        assert_eq!(runs(), before);
        apply(store, ViewPatch::Entity { kind: EntityKind::Risk, id: "new".into(), value: None });
        assert_eq!(count.get(), 2);
        assert_eq!(untrack(|| entity::<RiskPoint>(store, "new")), None);
    }

    #[test]
    fn the_store_ends_where_the_register_does() {
        let register = register();
        let store = Store::new(register.clone());
        let mut edited = register.clone();
        edited.risks.get_mut("a").unwrap().power_item = "招生".into();
        edited.people.remove("p");
        edited.unit.name = "二中".into();
        let mut view = register.clone();
        for patch in [
            ViewPatch::entity(&edited, EntityKind::Risk, "a"),
            ViewPatch::entity(&edited, EntityKind::Person, "p"),
            ViewPatch::Unit(edited.unit.clone()),
        ] {
            patch.clone().apply(&mut view);
            apply(store, patch);
        }
        assert_eq!(view, edited);
        assert_eq!(store.get_untracked(), edited);
        apply(store, ViewPatch::Whole(Box::new(register.clone())));
        assert_eq!(store.get_untracked(), register);
        assert_eq!(register_id(store), "r");
    }
}
