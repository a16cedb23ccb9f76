//! History, viewing the past, restoring an entity, resolving a conflict.

use qingfeng::doc::{Action, RegisterDoc, Stamp};
use qingfeng::model::{Date, EntityKind, Person, RiskPoint, Template};
use qingfeng::rules::{Form, PersonForm, RiskForm, UnitForm};

const T0: i64 = 1_795_797_000;

fn register() -> RegisterDoc {
    let unit = UnitForm { name: "高桥小学".into(), ..Default::default() };
    let today: Date = "2026-11-27".parse().unwrap();
    RegisterDoc::create(&unit, &Template::school(), today, &Stamp::new("wang", T0)).unwrap()
}

fn add_person(doc: &mut RegisterDoc, author: &str, at: i64, name: &str) -> String {
    doc.create_entity(&Stamp::new(author, T0 + at), &PersonForm { name: name.into(), ..Default::default() }).unwrap()
}

fn rename(doc: &mut RegisterDoc, author: &str, at: i64, id: &str, name: &str) {
    let form = PersonForm { name: name.into(), ..PersonForm::from_target(&doc.register().people[id]) };
    doc.update_entity(&Stamp::new(author, T0 + at), id, &form).unwrap();
}

#[test]
fn history_lists_every_change_newest_first_with_author_and_entity() {
    let mut doc = register();
    let zhu = add_person(&mut doc, "wang", 10, "朱忠云");
    rename(&mut doc, "zhu", 20, &zhu, "朱忠云（会计）");
    doc.set_archived::<Person>(&Stamp::new("wang", T0 + 30), &zhu, true).unwrap();

    let history = doc.history();
    let lines: Vec<_> = history.iter().map(|e| (e.author.as_str(), e.action, e.label.as_str())).collect();
    assert_eq!(
        lines,
        [
            ("wang", Some(Action::Archive), "朱忠云（会计）"),
            ("zhu", Some(Action::Update), "朱忠云（会计）"),
            ("wang", Some(Action::Create), "朱忠云"),
            ("wang", Some(Action::CreateRegister), "高桥小学"),
        ]
    );
    assert_eq!(history[1].at, T0 + 20);
    assert_eq!(doc.entity_history(EntityKind::Person, &zhu).len(), 3);
    assert!(doc.entity_history(EntityKind::Risk, &zhu).is_empty());
}

#[test]
fn a_member_adding_themselves_signs_that_change() {
    let mut doc = register();
    let stamp = Stamp::new("", T0 + 5).on("browser-a");
    let me = doc.add_member(&stamp, &PersonForm { name: "朱忠云".into(), ..Default::default() }).unwrap();
    let latest = &doc.history()[0];
    assert_eq!((latest.author.as_str(), latest.at, latest.device.as_str()), (me.as_str(), T0 + 5, "browser-a"));
    assert_eq!(doc.register().people[&me].name, "朱忠云");
}

#[test]
fn history_tells_two_devices_apart_that_chose_the_same_name() {
    let mut doc = register();
    let zhu = add_person(&mut doc, "wang", 10, "朱忠云");
    let mut other = doc.fork();
    let form = |name: &str| PersonForm { name: name.into(), ..Default::default() };
    doc.update_entity(&Stamp::new(zhu.as_str(), T0 + 20).on("browser-a"), &zhu, &form("朱忠云（会计）")).unwrap();
    other.create_entity(&Stamp::new(zhu.as_str(), T0 + 21).on("browser-b"), &form("陈继荣")).unwrap();
    doc.merge(&mut other).unwrap();
    let by_zhu: Vec<String> = doc.history().iter().filter(|e| e.author == zhu).map(|e| e.device.clone()).collect();
    assert_eq!(by_zhu, ["browser-b", "browser-a"]);
}

#[test]
fn the_register_can_be_seen_as_of_an_earlier_change() {
    let mut doc = register();
    let zhu = add_person(&mut doc, "wang", 10, "朱忠云");
    let before_rename = doc.history()[0].hash;
    rename(&mut doc, "wang", 20, &zhu, "朱忠云（会计）");
    add_person(&mut doc, "wang", 30, "陈继荣");

    let past = doc.register_at(before_rename).unwrap();
    assert_eq!(past.people.len(), 1);
    assert_eq!(past.people[&zhu].name, "朱忠云");
    assert_eq!(doc.register().people.len(), 2);
    let hex = doc.history()[2].hash_hex();
    assert_eq!(doc.change_hash(&hex), Some(before_rename));
    assert_eq!(doc.change_hash("not-a-hash"), None);
}

#[test]
fn restoring_an_entity_writes_its_old_state_as_a_new_change() {
    let mut doc = register();
    let zhu = add_person(&mut doc, "wang", 10, "朱忠云");
    let original = doc.history()[0].hash;
    rename(&mut doc, "wang", 20, &zhu, "错误的名字");
    doc.set_archived::<Person>(&Stamp::new("wang", T0 + 30), &zhu, true).unwrap();

    assert!(doc.restore_entity::<PersonForm>(&Stamp::new("chen", T0 + 40), &zhu, original).unwrap());
    let person = &doc.register().people[&zhu];
    assert_eq!(person.name, "朱忠云");
    assert!(person.archived.is_none());
    assert_eq!(doc.history()[0].author, "chen");
    // Restoring again changes nothing.
    assert!(!doc.restore_entity::<PersonForm>(&Stamp::new("chen", T0 + 50), &zhu, original).unwrap());
}

#[test]
fn restoring_old_text_keeps_a_concurrent_edit_to_another_field() {
    let mut doc = register();
    let kind = doc.register().risk_kinds.keys().next().unwrap().clone();
    let form = RiskForm {
        scope: "unit".into(),
        kind,
        description: "食堂采购以次充好".into(),
        level: "2".into(),
        ..Default::default()
    };
    let risk = doc.create_entity(&Stamp::new("wang", T0 + 10), &form).unwrap();
    let first = doc.history()[0].hash;
    let form = RiskForm { description: "写错了".into(), ..RiskForm::from_target(&doc.register().risks[&risk]) };
    doc.update_entity(&Stamp::new("wang", T0 + 20), &risk, &form).unwrap();

    let mut other = doc.fork();
    let form =
        RiskForm { causes: "采买一人经手".into(), ..RiskForm::from_target(&other.register().risks[&risk]) };
    other.update_entity(&Stamp::new("zhu", T0 + 30), &risk, &form).unwrap();

    doc.restore_entity::<RiskForm>(&Stamp::new("wang", T0 + 31), &risk, first).unwrap();
    doc.merge(&mut other).unwrap();
    let restored: &RiskPoint = &doc.register().risks[&risk];
    assert_eq!(restored.description.as_str(), "食堂采购以次充好");
    assert_eq!(restored.causes.as_str(), "采买一人经手");
}

#[test]
fn a_conflict_is_resolved_by_picking_either_value() {
    for pick_shown in [true, false] {
        let mut a = register();
        let zhu = add_person(&mut a, "wang", 10, "朱忠云");
        let mut b = a.fork();
        rename(&mut a, "alice", 20, &zhu, "朱忠云（会计）");
        rename(&mut b, "bob", 21, &zhu, "朱中云");
        a.merge(&mut b).unwrap();
        let conflict = a.entity_conflicts(EntityKind::Person, &zhu).pop().unwrap();
        assert_eq!(conflict.field, "name");
        let choice = if pick_shown { 0 } else { 1 };
        let picked = conflict.values[choice].value.clone();
        a.resolve_conflict(&Stamp::new("chen", T0 + 30), EntityKind::Person, &zhu, "name", choice).unwrap();
        assert!(a.conflicts().is_empty(), "picking the {} value", if pick_shown { "shown" } else { "other" });
        assert_eq!(a.register().people[&zhu].name, picked);
        // The choice travels: the other copy sees it resolved too.
        b.merge(&mut a).unwrap();
        assert!(b.conflicts().is_empty());
        assert_eq!(b.register().people[&zhu].name, picked);
    }
}

#[test]
fn history_kept_up_to_date_across_edits_and_merges_matches_a_fresh_read() {
    let mut doc = register();
    let zhu = add_person(&mut doc, "wang", 10, "朱忠云");
    assert_eq!(doc.history().len(), 2);
    let mut other = doc.fork();
    rename(&mut doc, "wang", 20, &zhu, "朱忠云（会计）");
    add_person(&mut other, "li", 15, "李敏");
    assert_eq!(doc.entity_history(EntityKind::Person, &zhu).len(), 2);
    doc.merge(&mut other).unwrap();
    add_person(&mut doc, "wang", 30, "张华");

    let fresh = RegisterDoc::load(&doc.save()).unwrap().history();
    assert_eq!(doc.history(), fresh);
    let times: Vec<i64> = fresh.iter().map(|e| e.at - T0).collect();
    assert_eq!(times, [30, 20, 15, 10, 0]);
}
