//! The register document: round trips, merges of forked copies, conflicts kept, bad bytes refused.

use automerge::transaction::Transactable as _;
use qingfeng::doc::{DocError, RegisterDoc, Stamp};
use qingfeng::model::{Date, EntityKind, Person, ReviewStage, RiskLevel, RiskPoint, Scope, Template};
use qingfeng::rules::{DepartmentForm, Form, PersonForm, PostForm, RiskForm, UnitForm};

const T0: i64 = 1_795_797_000;

fn stamp(author: &str, offset: i64) -> Stamp {
    Stamp::new(author, T0 + offset)
}

fn today() -> Date {
    "2026-11-27".parse().unwrap()
}

/// A school register with one accountant post and one risk point on it.
struct School {
    doc: RegisterDoc,
    wang: String,
    risk: String,
}

fn school() -> School {
    let unit = UnitForm {
        name: "高桥小学".into(),
        superior: "沙洋县教育局".into(),
        hotline: "8573065".into(),
        ..Default::default()
    };
    let mut doc = RegisterDoc::create(&unit, &Template::school(), today(), &stamp("", 0)).unwrap();
    let wang = doc
        .create_entity(&stamp("", 1), &PersonForm { name: "王家福".into(), title: "校长".into(), ..Default::default() })
        .unwrap();
    let finance = department_id(&doc, "财务室");
    doc.update_entity(
        &stamp(&wang, 2),
        &finance,
        &DepartmentForm { name: "财务室".into(), head: wang.clone(), ..Default::default() },
    )
    .unwrap();
    let post = doc
        .create_entity(&stamp(&wang, 3), &PostForm { name: "会计".into(), department: finance, ..Default::default() })
        .unwrap();
    let kind = doc.register().risk_kinds.iter().find(|(_, k)| k.name == "岗位职责风险").unwrap().0.clone();
    let risk = doc
        .create_entity(
            &stamp(&wang, 4),
            &RiskForm {
                scope: "post".into(),
                post,
                kind,
                power_item: "财务报销".into(),
                description: "大额支出未经民主理财小组审核".into(),
                level: "2".into(),
                ..Default::default()
            },
        )
        .unwrap();
    School { doc, wang, risk }
}

fn department_id(doc: &RegisterDoc, name: &str) -> String {
    doc.register().departments.iter().find(|(_, d)| d.name == name).unwrap().0.clone()
}

fn risk_form(doc: &RegisterDoc, id: &str) -> RiskForm {
    RiskForm::from_target(&doc.register().risks[id])
}

fn add_risk(doc: &mut RegisterDoc, author: &str, description: &str) -> String {
    let template = doc.register().risks.values().next().unwrap().clone();
    let form = RiskForm { description: description.into(), ..RiskForm::from_target(&template) };
    doc.create_entity(&stamp(author, 10), &form).unwrap()
}

#[test]
fn a_new_register_has_the_template_and_one_first_change() {
    let unit = UnitForm { name: "王场小学".into(), ..Default::default() };
    let mut doc = RegisterDoc::create(&unit, &Template::school(), today(), &stamp("", 0)).unwrap();
    let r = doc.register();
    assert_eq!(r.unit.name, "王场小学");
    assert_eq!(r.schema, 1);
    assert_eq!(r.departments.len(), Template::school().departments.len());
    assert_eq!(r.risk_kinds.len(), 3);
    assert_eq!(r.settings.template, "school");
    let mut phases: Vec<_> = r.phases.values().collect();
    phases.sort_by_key(|p| p.order);
    assert_eq!(phases[0].name, "组织动员");
    assert_eq!(phases[0].start, "2026-11-27");
    // The typical points arrive as drafts, with a measure for each stage.
    let drafts: Vec<_> = r.risks.values().filter(|p| p.review == ReviewStage::Draft).collect();
    assert_eq!(drafts.len(), Template::school().risks.len());
    assert!(drafts.iter().all(|p| !p.kind.is_empty()));
    assert!(drafts.iter().all(|p| p.scope == Scope::Unit || p.department.is_some()));
    assert_eq!(r.measures.len(), 3 * drafts.len());
    assert_eq!(doc.heads().len(), 1);
}

#[test]
fn a_bureau_register_has_its_offices_subordinate_units_key_posts_and_post_drafts() {
    let unit = UnitForm { name: "咸丰县林业局".into(), ..Default::default() };
    let template = Template::bureau();
    let doc = RegisterDoc::create(&unit, &template, today(), &stamp("", 0)).unwrap();
    let r = doc.register();
    assert_eq!(r.settings.template, "bureau");
    let subordinate: Vec<&str> = r.departments.values().filter(|d| d.subordinate).map(|d| d.name.as_str()).collect();
    assert_eq!(subordinate.len(), template.subordinate_units.len());
    assert!(subordinate.iter().all(|name| template.subordinate_units.iter().any(|u| u == name)));
    let key: Vec<&str> = r.posts.values().filter(|p| p.key).map(|p| p.name.as_str()).collect();
    assert!(key.contains(&"局长"), "{key:?}");
    // Every post sits in one of its departments, with a rank of the template.
    for post in r.posts.values() {
        assert!(r.departments.contains_key(&post.department), "{}", post.name);
        assert!(template.ranks.contains(&post.rank), "{}", post.rank);
    }
    // A post's draft names its post and that post's department.
    let post_drafts: Vec<&RiskPoint> = r.risks.values().filter(|p| p.scope == Scope::Post).collect();
    assert!(!post_drafts.is_empty());
    for draft in post_drafts {
        let post = &r.posts[draft.post.as_ref().expect("a post")];
        assert_eq!(draft.department.as_ref(), Some(&post.department));
    }
}

#[test]
fn a_register_without_a_name_is_not_created() {
    let unit = UnitForm { name: " ".into(), ..Default::default() };
    let err = RegisterDoc::create(&unit, &Template::school(), today(), &stamp("", 0)).err().unwrap();
    assert!(matches!(err, DocError::Invalid(ref fields) if fields[0].field == "name"));
}

#[test]
fn save_then_load_gives_the_same_register() {
    let mut s = school();
    let bytes = s.doc.save();
    let loaded = RegisterDoc::load(&bytes).unwrap();
    assert_eq!(loaded.register(), s.doc.register());
}

#[test]
fn a_snapshot_followed_by_incremental_chunks_loads() {
    let mut s = school();
    let mut saved = s.doc.save();
    let form = RiskForm { causes: "制度不健全".into(), ..risk_form(&s.doc, &s.risk) };
    s.doc.update_entity(&stamp(&s.wang, 20), &s.risk, &form).unwrap();
    saved.extend(s.doc.save_incremental());
    add_risk(&mut s.doc, &s.wang, "食堂采购以次充好");
    saved.extend(s.doc.save_incremental());
    assert!(s.doc.save_incremental().is_empty());
    let loaded = RegisterDoc::load(&saved).unwrap();
    assert_eq!(loaded.register(), s.doc.register());
    assert_eq!(loaded.register().risks[&s.risk].causes.as_str(), "制度不健全");
}

#[test]
fn invalid_input_writes_nothing() {
    let mut s = school();
    let heads = s.doc.heads();
    let form = RiskForm { level: "4".into(), description: String::new(), ..risk_form(&s.doc, &s.risk) };
    let err = s.doc.update_entity(&stamp(&s.wang, 30), &s.risk, &form).unwrap_err();
    let DocError::Invalid(fields) = err else { panic!("expected invalid fields") };
    let names: Vec<_> = fields.iter().map(|f| f.field).collect();
    assert_eq!(names, ["description", "level"]);
    assert_eq!(s.doc.heads(), heads);
    assert_eq!(s.doc.register().risks[&s.risk].level, RiskLevel::Two);
}

#[test]
fn unchanged_forms_make_no_change() {
    let mut s = school();
    let heads = s.doc.heads();
    assert!(!s.doc.update_entity(&stamp(&s.wang, 30), &s.risk, &risk_form(&s.doc, &s.risk)).unwrap());
    assert_eq!(s.doc.heads(), heads);
}

#[test]
fn archive_and_restore_keep_the_entity() {
    let mut s = school();
    s.doc.set_archived::<RiskPoint>(&stamp(&s.wang, 40), &s.risk, true).unwrap();
    let archived = s.doc.register().risks[&s.risk].archived.clone().unwrap();
    assert_eq!((archived.by.as_str(), archived.at), (s.wang.as_str(), T0 + 40));
    s.doc.set_archived::<RiskPoint>(&stamp(&s.wang, 41), &s.risk, false).unwrap();
    assert!(s.doc.register().risks[&s.risk].archived.is_none());
    assert_eq!(s.doc.register().risks[&s.risk].description.as_str(), "大额支出未经民主理财小组审核");
    let missing = s.doc.set_archived::<Person>(&stamp("", 42), "no-such-id", true).unwrap_err();
    assert!(matches!(missing, DocError::NotFound { kind: EntityKind::Person, .. }), "{missing:?}");
}

#[test]
fn concurrent_edits_to_different_risk_points_both_survive() {
    let mut a = school();
    let other = add_risk(&mut a.doc, &a.wang, "食堂采购以次充好");
    let mut b = a.doc.fork();

    let form = RiskForm { level: "1".into(), ..risk_form(&a.doc, &a.risk) };
    a.doc.update_entity(&stamp("alice", 50), &a.risk, &form).unwrap();
    let form = RiskForm { causes: "采买一人经手".into(), ..risk_form(&b, &other) };
    b.update_entity(&stamp("bob", 51), &other, &form).unwrap();

    let report = a.doc.merge(&mut b).unwrap();
    assert_eq!(report.changes, 1);
    assert!(report.authors.contains("bob"));
    assert!(report.entities.contains(&(EntityKind::Risk, other.clone())));
    b.merge(&mut a.doc).unwrap();
    for doc in [&a.doc, &b] {
        assert_eq!(doc.register().risks[&a.risk].level, RiskLevel::One);
        assert_eq!(doc.register().risks[&other].causes.as_str(), "采买一人经手");
    }
    assert_eq!(a.doc.register(), b.register());
    assert!(a.doc.conflicts().is_empty());
}

#[test]
fn concurrent_edits_to_the_same_field_keep_both_values() {
    let mut a = school();
    let mut b = a.doc.fork();
    let form = RiskForm { power_item: "报销审批".into(), ..risk_form(&a.doc, &a.risk) };
    a.doc.update_entity(&stamp("alice", 60), &a.risk, &form).unwrap();
    let form = RiskForm { power_item: "资金支付".into(), ..risk_form(&b, &a.risk) };
    b.update_entity(&stamp("bob", 61), &a.risk, &form).unwrap();
    a.doc.merge(&mut b).unwrap();
    b.merge(&mut a.doc).unwrap();

    // Both copies show the same winner, and both values stay in the document.
    let shown = a.doc.register().risks[&a.risk].power_item.clone();
    assert_eq!(b.register().risks[&a.risk].power_item, shown);
    let conflicts = a.doc.conflicts();
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    let c = &conflicts[0];
    assert_eq!((c.kind, c.id.as_str(), c.field.as_str()), (EntityKind::Risk, a.risk.as_str(), "power_item"));
    let mut values: Vec<_> = c.values.iter().map(|v| (v.value.as_str(), v.author.as_str())).collect();
    values.sort();
    assert_eq!(values, [("报销审批", "alice"), ("资金支付", "bob")]);
    assert!(c.values[0].shown && c.values[0].value == shown);
    assert_eq!(b.conflicts(), conflicts);

    // Saving another field of the same risk point does not quietly pick the shown value.
    let form = RiskForm { causes: "审批把关不严".into(), ..risk_form(&a.doc, &a.risk) };
    a.doc.take_written();
    a.doc.update_entity(&stamp("alice", 62), &a.risk, &form).unwrap();
    // The page re-checks only what a local change wrote.
    let (written, still) = a.doc.written_conflicts();
    assert_eq!(written, [(EntityKind::Risk, a.risk.clone())]);
    assert!(a.doc.take_written().is_empty());
    assert_eq!(still.len(), 1);
    assert_eq!(still, conflicts, "authors and values read from one entity match the whole scan");
    assert_eq!(a.doc.entity_conflicts(EntityKind::Risk, &a.risk), conflicts);
    assert_eq!(a.doc.register().risks[&a.risk].causes.as_str(), "审批把关不严");

    // Typing a new value is a choice: it replaces both.
    let form = RiskForm { power_item: "财务报销审批".into(), ..risk_form(&a.doc, &a.risk) };
    a.doc.update_entity(&stamp("alice", 63), &a.risk, &form).unwrap();
    assert!(a.doc.conflicts().is_empty());
}

#[test]
fn concurrent_chinese_text_edits_interleave_without_garbling() {
    let mut a = school();
    let mut b = a.doc.fork();
    let form = RiskForm {
        description: "【重点】大额支出未经民主理财小组审核".into(), ..risk_form(&a.doc, &a.risk)
    };
    a.doc.update_entity(&stamp("alice", 70), &a.risk, &form).unwrap();
    let form = RiskForm {
        description: "大额支出未经民主理财小组集体审核，事后补签".into(), ..risk_form(&b, &a.risk)
    };
    b.update_entity(&stamp("bob", 71), &a.risk, &form).unwrap();
    a.doc.merge(&mut b).unwrap();
    assert_eq!(
        a.doc.register().risks[&a.risk].description.as_str(),
        "【重点】大额支出未经民主理财小组集体审核，事后补签"
    );
}

#[test]
fn bytes_that_are_not_a_register_are_refused_with_distinct_errors() {
    assert!(matches!(RegisterDoc::load(b"PK\x03\x04 not automerge"), Err(DocError::NotAutomerge(_))));
    let mut s = school();
    let bytes = s.doc.save();
    assert!(matches!(RegisterDoc::load(&bytes[..bytes.len() / 2]), Err(DocError::NotAutomerge(_))));

    let mut plain = automerge::AutoCommit::new();
    plain.put(automerge::ROOT, "title", "shopping list").unwrap();
    assert!(matches!(RegisterDoc::load(&plain.save()), Err(DocError::NotARegister(_))));

    let mut newer = automerge::AutoCommit::load(&bytes).unwrap();
    newer.put(automerge::ROOT, "schema", 99_u64).unwrap();
    assert!(matches!(RegisterDoc::load(&newer.save()), Err(DocError::NewerSchema(99))));
    // A merge checks the layout as loading does, and changes nothing when it refuses.
    let before = s.doc.register().clone();
    let heads = s.doc.save();
    assert!(matches!(s.doc.merge_bytes(&newer.save()), Err(DocError::NewerSchema(99))));
    assert_eq!(s.doc.register(), &before);
    assert_eq!(s.doc.save(), heads);
}

#[test]
fn copies_of_different_registers_do_not_merge() {
    let mut a = school();
    let mut b = school();
    let before = a.doc.register().clone();
    assert!(matches!(a.doc.merge(&mut b.doc), Err(DocError::DifferentRegister)));
    assert!(matches!(a.doc.merge_bytes(&b.doc.save()), Err(DocError::DifferentRegister)));
    assert_eq!(a.doc.register(), &before);
}

/// Syncs `from` into `to` with automerge's sync protocol, as a relay would, until both are done
/// or `to` refuses what came.
fn sync_into(to: &mut RegisterDoc, from: &mut automerge::AutoCommit) -> Result<(), DocError> {
    use automerge::sync::{State, SyncDoc as _};
    let (mut ours, mut theirs) = (State::new(), State::new());
    for _ in 0..10 {
        let (asked, sent) = (to.sync_message(&mut ours), from.sync().generate_sync_message(&mut theirs));
        if asked.is_none() && sent.is_none() {
            break;
        }
        if let Some(asked) = asked {
            from.sync().receive_sync_message(&mut theirs, asked).unwrap();
        }
        if let Some(sent) = sent {
            to.receive_sync(&mut ours, sent)?;
        }
    }
    Ok(())
}

#[test]
fn changes_a_peer_syncs_that_are_refused_leave_nothing_behind() {
    let mut s = school();
    s.doc.take_view_patches();
    let (before, heads) = (s.doc.register().clone(), s.doc.heads());
    let mut newer = automerge::AutoCommit::load(&s.doc.save()).unwrap();
    newer.put(automerge::ROOT, "schema", 99_u64).unwrap();
    assert!(matches!(sync_into(&mut s.doc, &mut newer), Err(DocError::NewerSchema(99))));
    assert_eq!(s.doc.heads(), heads);
    assert_eq!(s.doc.register(), &before);

    // A peer that turns this copy into another register, with a person added on the way.
    let mut other = automerge::AutoCommit::load(&s.doc.save()).unwrap();
    other.put(automerge::ROOT, "id", "0e9f5a52-0000-4000-8000-000000000000").unwrap();
    let mut other = RegisterDoc::load(&other.save()).unwrap();
    other.create_entity(&stamp("x", 1), &PersonForm { name: "外人".into(), ..Default::default() }).unwrap();
    let mut other = automerge::AutoCommit::load(&other.save()).unwrap();
    assert!(matches!(sync_into(&mut s.doc, &mut other), Err(DocError::DifferentRegister)));
    assert_eq!(s.doc.heads(), heads);
    assert_eq!(s.doc.register(), &before);
    assert!(s.doc.take_view_patches().is_empty());

    // The copy goes on: an edit here, saved and read back, holds nothing that was refused.
    s.doc.create_entity(&stamp("", 9), &PersonForm { name: "陈继荣".into(), ..Default::default() }).unwrap();
    let names = |doc: &RegisterDoc| doc.register().people.values().map(|p| p.name.clone()).collect::<Vec<_>>();
    let reloaded = RegisterDoc::load(&s.doc.save()).unwrap();
    assert_eq!(reloaded.register(), s.doc.register());
    assert!(names(&reloaded).contains(&"陈继荣".to_string()) && !names(&reloaded).contains(&"外人".to_string()));
}

#[test]
fn merging_the_same_changes_twice_changes_nothing() {
    let mut a = school();
    let before = a.doc.register().risks.len();
    let mut b = a.doc.fork();
    add_risk(&mut b, "bob", "招生中优亲厚友");
    let bytes = b.save();
    assert_eq!(a.doc.merge_bytes(&bytes).unwrap().changes, 1);
    assert_eq!(a.doc.merge_bytes(&bytes).unwrap().changes, 0);
    assert_eq!(a.doc.register().risks.len(), before + 1);
}

#[test]
fn many_entities_arrive_in_one_change_or_not_at_all() {
    let mut s = school();
    let heads = s.doc.heads();
    let people: Vec<PersonForm> =
        ["甲", "乙", "丙"].iter().map(|n| PersonForm { name: (*n).into(), ..Default::default() }).collect();
    let ids = s.doc.create_entities(&stamp("", 80), &people).unwrap();
    assert_eq!(ids.len(), 3);
    assert_eq!(s.doc.heads().len(), 1);
    assert_ne!(s.doc.heads(), heads);
    assert!(ids.iter().all(|id| s.doc.register().people.contains_key(id)));
    let heads = s.doc.heads();
    let with_blank = vec![PersonForm { name: "丁".into(), ..Default::default() }, PersonForm::default()];
    assert!(matches!(s.doc.create_entities(&stamp("", 81), &with_blank), Err(DocError::Invalid(_))));
    assert_eq!(s.doc.heads(), heads);
    assert_eq!(RegisterDoc::load(&s.doc.save()).unwrap().register(), s.doc.register());
}
