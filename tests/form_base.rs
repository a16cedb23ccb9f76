//! A form is a diff from the values it was opened from (issue 26, finding 1): two members with
//! their own copies of a register, one saving a form opened before the other's saved change,
//! keep both edits: fields the later member did not touch are not reverted, and a text both
//! changed keeps both members' words.

use qingfeng::doc::{RegisterDoc, Stamp};
use qingfeng::engine::{AnyForm, Command};
use qingfeng::model::{EntityKind, Template};
use qingfeng::rules::{Edit, Form, LeadingGroupForm, PersonForm, RatingForm, RiskForm, UnitForm};
use qingfeng::sync::read_file;

const T0: i64 = 1_795_797_000;

/// Two members' copies of one register (B starts from A's file, so both share the first
/// change), with a risk point whose 诱因 and 表现形式 are filled in.
struct Pair {
    a: RegisterDoc,
    b: RegisterDoc,
    risk: String,
    people: Vec<String>,
}

fn pair() -> Pair {
    let unit = UnitForm { name: "高桥小学".into(), hotline: "8573065".into(), ..Default::default() };
    let template = Template { risks: Vec::new(), ..Template::school() };
    let mut a = RegisterDoc::create(&unit, &template, "2026-11-27".parse().unwrap(), &Stamp::new("", T0)).unwrap();
    let people = ["王家福", "李明", "张华"]
        .iter()
        .map(|name| a.create_entity(&Stamp::new("", T0), &PersonForm { name: (*name).into(), ..Default::default() }))
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let kind = a.register().risk_kinds.keys().next().unwrap().clone();
    let risk = a
        .create_entity(
            &Stamp::new("", T0),
            &RiskForm {
                scope: "unit".into(),
                kind,
                description: "大额支出未经民主理财小组审核".into(),
                manifestations: "拆分报销".into(),
                causes: "制度不健全".into(),
                level: "2".into(),
                ..Default::default()
            },
        )
        .unwrap();
    let b = read_file(&a.export_file()).unwrap();
    Pair { a, b, risk, people }
}

impl Pair {
    fn form(doc: &RegisterDoc, risk: &str) -> RiskForm {
        RiskForm::from_target(&doc.register().risks[risk])
    }

    /// Saves `form` on `doc`, opened from `base`, through the command as the page sends it.
    fn save(doc: &mut RegisterDoc, who: &str, risk: &str, base: Option<RiskForm>, form: RiskForm) {
        let command = Command::Update {
            id: risk.into(),
            base: base.map(|b| Box::new(AnyForm::Risk(b))),
            form: AnyForm::Risk(form),
        };
        doc.run(&Stamp::new(who, T0 + 60), command).unwrap();
    }

    /// Both copies bring in each other's changes.
    fn exchange(&mut self) {
        self.b.merge(&mut self.a).unwrap();
        self.a.merge(&mut self.b).unwrap();
    }

    /// A field of the risk point, the same on both copies.
    fn both(&self, field: fn(&RiskForm) -> String) -> String {
        let (a, b) = (field(&Self::form(&self.a, &self.risk)), field(&Self::form(&self.b, &self.risk)));
        assert_eq!(a, b, "the copies differ");
        a
    }
}

#[test]
fn a_form_opened_before_a_colleagues_saved_change_keeps_that_change() {
    let mut p = pair();
    // B opens the risk point and starts typing in 表现形式.
    let b_base = Pair::form(&p.b, &p.risk);
    // A changes 诱因 and saves; B's browser receives it (live, another tab, or a file).
    let a_base = Pair::form(&p.a, &p.risk);
    let a_form = RiskForm { causes: "制度不健全，监督缺位".into(), ..a_base.clone() };
    Pair::save(&mut p.a, "a", &p.risk, Some(a_base), a_form);
    p.b.merge(&mut p.a).unwrap();
    // B's open form still shows the old 诱因; B saves it with the base it was opened from.
    let b_form = RiskForm { manifestations: "拆分报销，虚开发票".into(), ..b_base.clone() };
    Pair::save(&mut p.b, "b", &p.risk, Some(b_base), b_form);
    assert_eq!(Pair::form(&p.b, &p.risk).causes, "制度不健全，监督缺位");
    p.exchange();
    assert_eq!(p.both(|f| f.causes.clone()), "制度不健全，监督缺位");
    assert_eq!(p.both(|f| f.manifestations.clone()), "拆分报销，虚开发票");
    assert!(p.a.conflicts().is_empty());
}

#[test]
fn edits_saved_on_both_copies_before_they_meet_both_survive() {
    let mut p = pair();
    let (a_base, b_base) = (Pair::form(&p.a, &p.risk), Pair::form(&p.b, &p.risk));
    Pair::save(
        &mut p.a,
        "a",
        &p.risk,
        Some(a_base.clone()),
        RiskForm { causes: "制度不健全，监督缺位".into(), ..a_base },
    );
    Pair::save(&mut p.b, "b", &p.risk, Some(b_base.clone()), RiskForm { manifestations: "虚开发票".into(), ..b_base });
    p.exchange();
    assert_eq!(p.both(|f| f.causes.clone()), "制度不健全，监督缺位");
    assert_eq!(p.both(|f| f.manifestations.clone()), "虚开发票");
}

#[test]
fn both_members_words_in_one_text_survive() {
    let mut p = pair();
    let b_base = Pair::form(&p.b, &p.risk);
    let a_base = Pair::form(&p.a, &p.risk);
    Pair::save(
        &mut p.a,
        "a",
        &p.risk,
        Some(a_base.clone()),
        RiskForm { causes: "制度不健全，监督缺位".into(), ..a_base },
    );
    p.b.merge(&mut p.a).unwrap();
    Pair::save(&mut p.b, "b", &p.risk, Some(b_base.clone()), RiskForm { causes: "财务制度不健全".into(), ..b_base });
    assert_eq!(Pair::form(&p.b, &p.risk).causes, "财务制度不健全，监督缺位");
    p.exchange();
    assert_eq!(p.both(|f| f.causes.clone()), "财务制度不健全，监督缺位");
}

#[test]
fn a_choice_both_changed_is_the_later_savers_on_his_copy_and_a_conflict_after_merging() {
    let mut p = pair();
    let (a_base, b_base) = (Pair::form(&p.a, &p.risk), Pair::form(&p.b, &p.risk));
    Pair::save(&mut p.a, "a", &p.risk, Some(a_base.clone()), RiskForm { level: "3".into(), ..a_base });
    Pair::save(&mut p.b, "b", &p.risk, Some(b_base.clone()), RiskForm { level: "1".into(), ..b_base.clone() });
    assert_eq!(Pair::form(&p.b, &p.risk).level, "1");
    p.exchange();
    for doc in [&mut p.a, &mut p.b] {
        let conflicts = doc.conflicts();
        let level = conflicts.iter().find(|c| c.kind == EntityKind::Risk && c.id == p.risk && c.field == "level");
        assert_eq!(level.map(|c| c.values.len()), Some(2), "{conflicts:?}");
    }
    // Saved knowing A's level (a stale form, on a copy that has it), B's choice replaces it.
    let mut p = pair();
    let b_base = Pair::form(&p.b, &p.risk);
    let a_base = Pair::form(&p.a, &p.risk);
    Pair::save(&mut p.a, "a", &p.risk, Some(a_base.clone()), RiskForm { level: "3".into(), ..a_base });
    p.b.merge(&mut p.a).unwrap();
    Pair::save(&mut p.b, "b", &p.risk, Some(b_base.clone()), RiskForm { level: "1".into(), ..b_base });
    p.exchange();
    assert_eq!(p.both(|f| f.level.clone()), "1");
    assert!(p.a.conflicts().is_empty());
}

#[test]
fn without_a_base_the_whole_form_is_written_as_before() {
    let mut p = pair();
    let b_base = Pair::form(&p.b, &p.risk);
    let a_base = Pair::form(&p.a, &p.risk);
    Pair::save(&mut p.a, "a", &p.risk, Some(a_base.clone()), RiskForm { causes: "监督缺位".into(), ..a_base });
    p.b.merge(&mut p.a).unwrap();
    Pair::save(&mut p.b, "b", &p.risk, None, RiskForm { manifestations: "虚开发票".into(), ..b_base });
    p.exchange();
    assert_eq!(p.both(|f| f.causes.clone()), "制度不健全");
    assert_eq!(p.both(|f| f.manifestations.clone()), "虚开发票");
}

#[test]
fn a_stale_unit_form_keeps_a_colleagues_fields() {
    let mut p = pair();
    let b_base = UnitForm::from_target(&p.b.register().unit);
    let a_base = UnitForm::from_target(&p.a.register().unit);
    let a_form = UnitForm { hotline: "0724-8573065".into(), ..a_base.clone() };
    p.a.run(&Stamp::new("a", T0), Command::UpdateUnit(Edit::from_base(a_base, a_form))).unwrap();
    p.b.merge(&mut p.a).unwrap();
    let b_form = UnitForm { address: "沙洋县高桥镇".into(), ..b_base.clone() };
    p.b.run(&Stamp::new("b", T0), Command::UpdateUnit(Edit::from_base(b_base, b_form))).unwrap();
    p.exchange();
    for doc in [&p.a, &p.b] {
        assert_eq!(doc.register().unit.hotline, "0724-8573065");
        assert_eq!(doc.register().unit.address, "沙洋县高桥镇");
    }
}

#[test]
fn a_stale_leading_group_form_keeps_a_colleagues_members() {
    let mut p = pair();
    let group = LeadingGroupForm { leader: p.people[0].clone(), ..Default::default() };
    p.a.update_leading_group(&Stamp::new("a", T0), &group).unwrap();
    p.exchange();
    let b_base = LeadingGroupForm::from_target(&p.b.register().leading_group);
    let a_base = LeadingGroupForm::from_target(&p.a.register().leading_group);
    let a_form = LeadingGroupForm { members: vec![p.people[1].clone()], ..a_base.clone() };
    p.a.run(&Stamp::new("a", T0), Command::UpdateLeadingGroup(Edit::from_base(a_base, a_form))).unwrap();
    p.b.merge(&mut p.a).unwrap();
    let b_form = LeadingGroupForm { deputies: vec![p.people[2].clone()], ..b_base.clone() };
    p.b.run(&Stamp::new("b", T0), Command::UpdateLeadingGroup(Edit::from_base(b_base, b_form))).unwrap();
    p.exchange();
    for doc in [&p.a, &p.b] {
        let group = &doc.register().leading_group;
        assert_eq!(group.leader.as_ref(), Some(&p.people[0]));
        assert!(group.members.contains_key(&p.people[1]), "{group:?}");
        assert!(group.deputies.contains_key(&p.people[2]), "{group:?}");
    }
}

#[test]
fn a_stale_rating_form_keeps_a_colleagues_answers() {
    let mut p = pair();
    let mut rating = RatingForm { likelihood: "2".into(), severity: "2".into(), ..Default::default() };
    rating.level = rating.proposal(p.a.register()).unwrap().code().into();
    p.a.rate(&Stamp::new("a", T0), &p.risk, &rating).unwrap();
    p.exchange();
    let id = p.risk.clone();
    let stored = |doc: &RegisterDoc| {
        let risk = &doc.register().risks[&id];
        RatingForm::from_rating(risk.rating.as_ref().unwrap(), risk.level)
    };
    let b_base = stored(&p.b);
    // A sets the final level by hand, with the reason; B judges the discipline part.
    let a_form = RatingForm { level: "1".into(), reason: "经集体研究".into(), ..stored(&p.a) };
    p.a.run(&Stamp::new("a", T0), Command::Rate { risk: p.risk.clone(), base: Some(stored(&p.a)), form: a_form })
        .unwrap();
    p.b.merge(&mut p.a).unwrap();
    let b_form = RatingForm { discipline: "1".into(), ..b_base.clone() };
    p.b.run(&Stamp::new("b", T0), Command::Rate { risk: p.risk.clone(), base: Some(b_base), form: b_form }).unwrap();
    p.exchange();
    for doc in [&p.a, &p.b] {
        let rating = stored(doc);
        assert_eq!(
            (rating.level.as_str(), rating.reason.as_str(), rating.discipline.as_str()),
            ("1", "经集体研究", "1")
        );
    }
}
