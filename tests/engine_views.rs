//! Property: a view of the register kept only from the engine's patches (as the page keeps it
//! while the document lives elsewhere) always equals the register, whatever commands, merged
//! files and other tabs' changes come in, and equals a fresh one-pass reading of the document;
//! so does the page's reactive store kept from the same patches.

use leptos::prelude::GetUntracked;
use proptest::prelude::*;
use qingfeng::doc::{RegisterDoc, Stamp, materialise};
use qingfeng::engine::view_store::{self, ViewStore};
use qingfeng::engine::{AnyForm, Command, Outcome, ViewPatch};
use qingfeng::model::{Degree, EntityKind, Register, RiskLevel, Template};
use qingfeng::rules::{Form, LeadingGroupForm, PersonForm, RiskForm, UnitForm};
use reactive_stores::Store;

#[derive(Debug, Clone)]
enum Op {
    AddPerson,
    AddRisk,
    EditRisk(usize),
    Archive(usize, bool),
    Unit,
    Leader(usize),
    Matrix(usize),
    /// Another member's file, with edits of their own, is merged.
    MergeFile,
    /// Another tab's stored changes come in.
    FromTab,
    /// A command that is refused changes nothing.
    Invalid,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => Just(Op::AddPerson),
        3 => Just(Op::AddRisk),
        4 => any::<usize>().prop_map(Op::EditRisk),
        1 => (any::<usize>(), any::<bool>()).prop_map(|(p, a)| Op::Archive(p, a)),
        1 => Just(Op::Unit),
        1 => any::<usize>().prop_map(Op::Leader),
        1 => any::<usize>().prop_map(Op::Matrix),
        2 => Just(Op::MergeFile),
        2 => Just(Op::FromTab),
        1 => Just(Op::Invalid),
    ]
}

fn nth<T: Clone>(items: impl Iterator<Item = T>, pick: usize) -> Option<T> {
    let all: Vec<T> = items.collect();
    (!all.is_empty()).then(|| all[pick % all.len()].clone())
}

fn risk_form(register: &Register, n: usize) -> RiskForm {
    RiskForm {
        scope: "unit".into(),
        kind: register.risk_kinds.keys().next().cloned().unwrap_or_default(),
        power_item: format!("职权{n}"),
        description: format!("风险描述{n}"),
        level: "2".into(),
        ..RiskForm::default()
    }
}

/// The two views a page can keep from patches: a plain register, and the page's reactive store.
struct Views {
    plain: Register,
    store: ViewStore,
}

impl Views {
    fn new(register: &Register) -> Self {
        Self { plain: register.clone(), store: Store::new(register.clone()) }
    }

    fn take(&mut self, patches: Vec<ViewPatch>) {
        for patch in patches {
            view_store::apply(self.store, patch.clone());
            patch.apply(&mut self.plain);
        }
    }

    fn check(&self, register: &Register) -> Result<(), TestCaseError> {
        prop_assert_eq!(&self.plain, register);
        prop_assert_eq!(&self.store.get_untracked(), register);
        Ok(())
    }
}

/// Runs a command, applies its patches to the views, and checks they agree.
fn run(doc: &mut RegisterDoc, view: &mut Views, stamp: &Stamp, command: Command) -> Result<Outcome, TestCaseError> {
    let result = doc.run(stamp, command);
    let outcome = match result {
        Ok((outcome, patches)) => {
            view.take(patches);
            outcome
        }
        Err(_) => {
            prop_assert!(doc.take_view_patches().is_empty(), "a refused command changed the register");
            Outcome::Done
        }
    };
    view.check(doc.register())?;
    Ok(outcome)
}

fn scenario(ops: Vec<Op>) -> Result<(), TestCaseError> {
    let unit = UnitForm { name: "咸丰县林业局".into(), ..UnitForm::default() };
    let mut doc = RegisterDoc::create(&unit, &Template::school(), "2026-11-28".parse().unwrap(), &Stamp::default())
        .expect("a new register");
    let mut view = Views::new(doc.register());
    let mut other = doc.fork();
    let mut n = 0;
    for op in ops {
        n += 1;
        let stamp = Stamp::new(String::new(), n as i64);
        let command = match op {
            Op::AddPerson => {
                Command::Create(AnyForm::Person(PersonForm { name: format!("干部{n}"), ..PersonForm::default() }))
            }
            Op::AddRisk => Command::Create(AnyForm::Risk(risk_form(doc.register(), n))),
            Op::EditRisk(pick) => {
                let Some((id, risk)) = nth(doc.register().risks.iter().map(|(i, r)| (i.clone(), r.clone())), pick)
                else {
                    continue;
                };
                let form = RiskForm { power_item: format!("修改{n}"), ..RiskForm::from_target(&risk) };
                Command::Update { id, base: None, form: AnyForm::Risk(form) }
            }
            Op::Archive(pick, archived) => {
                let Some(id) = nth(doc.register().people.keys().cloned(), pick) else { continue };
                Command::SetArchived { kind: EntityKind::Person, id, archived }
            }
            Op::Unit => Command::UpdateUnit(UnitForm { name: format!("单位{n}"), ..UnitForm::default() }.into()),
            Op::Leader(pick) => {
                let Some(leader) = nth(doc.register().people.keys().cloned(), pick) else { continue };
                Command::UpdateLeadingGroup(LeadingGroupForm { leader, ..LeadingGroupForm::default() }.into())
            }
            Op::Matrix(pick) => Command::SetMatrixCell {
                likelihood: Degree::ALL[pick % 4],
                severity: Degree::ALL[(pick / 4) % 4],
                level: RiskLevel::ALL[pick % 3],
            },
            Op::MergeFile => {
                // The other member adds and edits too, then hands over a file.
                let form = PersonForm { name: format!("成员{n}"), ..PersonForm::default() };
                other.create_entity(&stamp, &form).unwrap();
                let risk = risk_form(other.register(), n);
                other.create_entity(&stamp, &risk).unwrap();
                other.update_unit(&stamp, &UnitForm { name: format!("合并{n}"), ..UnitForm::default() }).unwrap();
                let file = other.export_file();
                Command::MergeFile(file)
            }
            Op::FromTab => {
                let mut tab = doc.fork();
                let before = tab.heads();
                tab.create_entity(&stamp, &PersonForm { name: format!("标签{n}"), ..PersonForm::default() }).unwrap();
                let chunk = tab.save_after(&before);
                doc.apply_chunk(&chunk).unwrap();
                view.take(doc.take_view_patches());
                view.check(doc.register())?;
                continue;
            }
            Op::Invalid => Command::Create(AnyForm::Risk(RiskForm::default())),
        };
        run(&mut doc, &mut view, &stamp, command)?;
    }
    let fresh = materialise(&automerge::Automerge::load(&doc.save()).unwrap()).unwrap();
    view.check(&fresh)?;
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("QINGFENG_ENGINE_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(100)
    ))]

    #[test]
    fn a_view_kept_from_patches_equals_the_register(ops in prop::collection::vec(op(), 1..40)) {
        scenario(ops)?;
    }
}

#[test]
fn commands_and_patches_travel_as_data() {
    let command = Command::Update {
        id: "r1".into(),
        base: Some(Box::new(AnyForm::Risk(RiskForm::default()))),
        form: AnyForm::Risk(RiskForm { description: "采买人员收受回扣".into(), ..RiskForm::default() }),
    };
    let text = serde_json::to_string(&command).unwrap();
    assert_eq!(serde_json::from_str::<Command>(&text).unwrap(), command);

    let unit = UnitForm { name: "实验二小".into(), ..UnitForm::default() };
    let mut doc =
        RegisterDoc::create(&unit, &Template::school(), "2026-11-28".parse().unwrap(), &Stamp::default()).unwrap();
    let form = RiskForm { description: "工程超过五万元未招标".into(), ..risk_form(doc.register(), 1) };
    let (outcome, patches) = doc.run(&Stamp::default(), Command::Create(AnyForm::Risk(form))).unwrap();
    let Outcome::Created(id) = outcome else { panic!("expected an id, got {outcome:?}") };
    assert_eq!(patches.len(), 1);
    let sent: Vec<ViewPatch> = serde_json::from_str(&serde_json::to_string(&patches).unwrap()).unwrap();
    assert_eq!(sent, patches);
    let ViewPatch::Entity { kind, id: patched, value: Some(_) } = &sent[0] else { panic!("{sent:?}") };
    assert_eq!((*kind, patched.as_str()), (EntityKind::Risk, id.as_str()));
}
