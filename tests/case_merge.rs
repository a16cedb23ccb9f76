//! Property: two members working one warning's case on their own copies (disposing, answering,
//! accepting, sending back, each seeing only their own steps) lose nothing when the copies
//! merge: every step either recorded is in the merged case, both copies fold it the same way,
//! and the folded case is one the rules allow.

use proptest::prelude::*;
use qingfeng::doc::{RegisterDoc, Stamp};
use qingfeng::model::{StepKind, Target, Template};
use qingfeng::rules::{Case, DisposalForm, StepForm, UnitForm, WarningForm};

fn step(kind: StepKind) -> StepForm {
    StepForm {
        kind: kind.code().into(),
        date: "2026-11-03".into(),
        text: format!("{} 的说明", kind.code()),
        measures: vec![DisposalForm { measure: "谈心疏导".into(), ..DisposalForm::default() }],
    }
}

fn kind() -> impl Strategy<Value = StepKind> {
    prop_oneof![Just(StepKind::Dispose), Just(StepKind::Answer), Just(StepKind::Accept), Just(StepKind::Reject)]
}

/// Takes the steps a member tries on `doc`; returns the ids of those the case allowed.
fn work(doc: &mut RegisterDoc, warning: &str, member: &str, tries: &[StepKind], at: i64) -> Vec<String> {
    tries
        .iter()
        .enumerate()
        .filter_map(|(n, kind)| doc.case_step(&Stamp::new(member, at + n as i64), warning, &step(*kind)).ok())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("QINGFENG_CASE_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(200)
    ))]

    #[test]
    fn concurrent_steps_of_one_case_all_survive_a_merge(
        before in prop::collection::vec(kind(), 0..4),
        ours in prop::collection::vec(kind(), 1..5),
        theirs in prop::collection::vec(kind(), 1..5),
    ) {
        let unit = UnitForm { name: "高桥小学".into(), ..UnitForm::default() };
        let mut doc = RegisterDoc::create(&unit, &Template::school(), "2026-11-02".parse().unwrap(), &Stamp::default()).unwrap();
        let department = doc.register().departments.keys().next().unwrap().clone();
        let form = WarningForm {
            level: "3".into(),
            source: "manual".into(),
            target: Target::Department.code().into(),
            target_id: department,
            problem: "食堂账目不清".into(),
            raised: "2026-11-02".into(),
            ..WarningForm::default()
        };
        let warning = doc.create_entity(&Stamp::new("wang", 1), &form).unwrap();
        work(&mut doc, &warning, "wang", &before, 10);
        let mut other = doc.fork();
        let mine = work(&mut doc, &warning, "wang", &ours, 100);
        let yours = work(&mut other, &warning, "zhu", &theirs, 100);

        doc.merge(&mut other).unwrap();
        other.merge(&mut doc).unwrap();
        let (a, b) = (&doc.register().warnings[&warning], &other.register().warnings[&warning]);
        prop_assert_eq!(a, b, "both copies hold the same case");
        for id in mine.iter().chain(&yours) {
            prop_assert!(a.steps.contains_key(id), "step {} was lost", id);
        }
        let case = Case::of(a);
        prop_assert_eq!(&case, &Case::of(b));
        prop_assert_eq!(case.timeline.len(), a.steps.len());
        // Replaying only the applied steps gives the same state: the fold is consistent.
        let mut replay = a.clone();
        replay.steps.retain(|id, _| case.timeline.iter().any(|s| s.applied && &s.id == id));
        prop_assert_eq!(Case::of(&replay).state, case.state);
    }
}
