//! Property: members editing copies of one register offline and exchanging files in any order
//! end with the same register, and no edit is lost unless a later edit (one made knowing it)
//! replaced it. Concurrent edits of one field all stay, as a conflict; text typed on either side
//! of a concurrent text edit survives. Besides edits, the members archive and restore, take
//! review steps, rate points and run publicity rounds; they keep meeting records (三重一大) and
//! duty cards (勤廉责任卡) and take their procedure steps, each of which stays in the trail.
//! Every copy's model, kept up to date piecemeal, equals a fresh full read of its document.

use std::collections::{BTreeSet, HashMap, HashSet};

use automerge::{AutoCommit, ChangeHash};
use proptest::prelude::*;
use qingfeng::doc::{DocError, RegisterDoc, Stamp};
use qingfeng::model::{
    BodyRole, CardAction, CardStage, DutyCard, Entity, EntityKind, Measure, MeasureStatus, Meeting, Person,
    ReviewAction, ReviewStage, RiskLevel, RiskPoint, Template,
};
use qingfeng::rules::{
    CardError, CardForm, Form, LeadingGroupForm, MeasureForm, MeetingForm, PersonForm, ProcedureError, PublicityForm,
    RatingForm, ReviewError, RiskForm, UnitForm, measures_of, stage_of,
};
use qingfeng::sync::{ImportOutcome, import_into, read_file};

/// Which kind of entity an operation aims at.
#[derive(Debug, Clone, Copy)]
enum Target {
    Risk,
    Person,
    Measure,
    Meeting,
    Card,
}

/// One step of the scenario. Indices are taken modulo what exists, so every step applies.
#[derive(Debug, Clone)]
enum Op {
    Add {
        replica: usize,
        target: Target,
        pick: usize,
    },
    /// Edit one field: `field` picks which, `pick` which entity, `level` the enum value.
    Edit {
        replica: usize,
        target: Target,
        pick: usize,
        field: usize,
        level: usize,
    },
    Archive {
        replica: usize,
        target: Target,
        pick: usize,
        archive: bool,
    },
    Exchange {
        from: usize,
        to: usize,
    },
    /// A review step (`action` picks which; steps not open at the point's stage are refused).
    Review {
        replica: usize,
        pick: usize,
        action: usize,
    },
    /// Rates a point with these scores (1–4).
    Rate {
        replica: usize,
        pick: usize,
        likelihood: usize,
        severity: usize,
    },
    /// Opens a publicity round of the approved points, or closes the oldest open one.
    Publicity {
        replica: usize,
        close: bool,
    },
    /// The next step of a meeting's procedure, or a step of a duty card (`action` picks which;
    /// steps not open where the card stands are refused).
    Step {
        replica: usize,
        card: bool,
        pick: usize,
        action: usize,
    },
}

fn target() -> impl Strategy<Value = Target> {
    prop_oneof![
        Just(Target::Risk),
        Just(Target::Person),
        Just(Target::Measure),
        Just(Target::Meeting),
        Just(Target::Card)
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        2 => (any::<usize>(), target(), any::<usize>()).prop_map(|(replica, target, pick)| Op::Add { replica, target, pick }),
        5 => (any::<usize>(), target(), any::<usize>(), 0usize..3, any::<usize>())
            .prop_map(|(replica, target, pick, field, level)| Op::Edit { replica, target, pick, field, level }),
        1 => (any::<usize>(), target(), any::<usize>(), any::<bool>())
            .prop_map(|(replica, target, pick, archive)| Op::Archive { replica, target, pick, archive }),
        3 => (any::<usize>(), any::<usize>()).prop_map(|(from, to)| Op::Exchange { from, to }),
        2 => (any::<usize>(), any::<usize>(), any::<usize>())
            .prop_map(|(replica, pick, action)| Op::Review { replica, pick, action }),
        1 => (any::<usize>(), any::<usize>(), 1usize..=4, 1usize..=4)
            .prop_map(|(replica, pick, likelihood, severity)| Op::Rate { replica, pick, likelihood, severity }),
        1 => (any::<usize>(), any::<bool>()).prop_map(|(replica, close)| Op::Publicity { replica, close }),
        2 => (any::<usize>(), any::<bool>(), any::<usize>(), any::<usize>())
            .prop_map(|(replica, card, pick, action)| Op::Step { replica, card, pick, action }),
    ]
}

/// A scalar write whose survival is checked at the end.
struct Write {
    kind: EntityKind,
    id: String,
    field: &'static str,
    value: String,
    hash: ChangeHash,
}

struct Scenario {
    replicas: Vec<RegisterDoc>,
    writes: Vec<Write>,
    /// Each text typed into a point's description, a meeting's decision or a card's duties,
    /// which must survive every merge.
    typed: Vec<(EntityKind, String, String)>,
    /// Procedure steps taken on each meeting or card, each of which the trail must keep.
    steps: HashMap<(EntityKind, String), usize>,
    /// The 校务会, whose meetings the scenario records.
    council: String,
    counter: usize,
    kind_id: String,
    /// The person each replica's member is: all in the leading group, so every step is theirs.
    members: Vec<String>,
}

impl Scenario {
    fn new(count: usize) -> Self {
        let unit = UnitForm { name: "高桥小学".into(), ..Default::default() };
        // The template's draft points only make every file bigger; the scenario adds its own.
        let template = Template { risks: Vec::new(), ..Template::school() };
        let mut origin =
            RegisterDoc::create(&unit, &template, "2026-11-27".parse().unwrap(), &Stamp::new("m0", 0)).unwrap();
        let kind_id = origin.register().risk_kinds.keys().next().unwrap().clone();
        let council = origin.register().bodies.iter().find(|(_, b)| b.role == BodyRole::Decision).unwrap().0.clone();
        let members: Vec<String> = (0..count)
            .map(|i| {
                let form = PersonForm { name: format!("成员{i}"), ..Default::default() };
                origin.add_member(&Stamp::new("", 0), &form).unwrap()
            })
            .collect();
        let group =
            LeadingGroupForm { leader: members[0].clone(), members: members[1..].to_vec(), ..Default::default() };
        origin.update_leading_group(&Stamp::new(members[0].as_str(), 0), &group).unwrap();
        // Every other member starts from a file of the first one's register.
        let file = origin.export_file();
        let mut replicas = vec![origin];
        replicas.extend((1..count).map(|_| read_file(&file).unwrap()));
        Self {
            replicas,
            writes: Vec::new(),
            typed: Vec::new(),
            steps: HashMap::new(),
            counter: 0,
            kind_id,
            members,
            council,
        }
    }

    fn unique(&mut self, prefix: &str) -> String {
        self.counter += 1;
        format!("{prefix}-{}", self.counter)
    }

    fn stamp(&self, replica: usize) -> Stamp {
        Stamp::new(self.members[replica].as_str(), self.counter as i64)
    }

    fn ids<E: Entity>(doc: &RegisterDoc) -> Vec<String> {
        E::all(doc.register()).keys().cloned().collect()
    }

    fn record(&mut self, replica: usize, kind: EntityKind, id: &str, field: &'static str, value: String) {
        let hash = self.replicas[replica].heads()[0];
        self.writes.push(Write { kind, id: id.to_string(), field, value, hash });
    }

    fn apply(&mut self, op: Op) {
        let n = self.replicas.len();
        match op {
            Op::Add { replica, target, pick } => self.add(replica % n, target, pick),
            Op::Edit { replica, target, pick, field, level } => self.edit(replica % n, target, pick, field, level),
            Op::Archive { replica, target, pick, archive } => {
                let r = replica % n;
                let stamp = self.stamp(r);
                let doc = &mut self.replicas[r];
                let result = match target {
                    Target::Risk => {
                        pick_id::<RiskPoint>(doc, pick).map(|id| doc.set_archived::<RiskPoint>(&stamp, &id, archive))
                    }
                    Target::Person => {
                        pick_id::<Person>(doc, pick).map(|id| doc.set_archived::<Person>(&stamp, &id, archive))
                    }
                    Target::Measure => {
                        pick_id::<Measure>(doc, pick).map(|id| doc.set_archived::<Measure>(&stamp, &id, archive))
                    }
                    Target::Meeting => {
                        pick_id::<Meeting>(doc, pick).map(|id| doc.set_archived::<Meeting>(&stamp, &id, archive))
                    }
                    Target::Card => {
                        pick_id::<DutyCard>(doc, pick).map(|id| doc.set_archived::<DutyCard>(&stamp, &id, archive))
                    }
                };
                if let Some(result) = result {
                    result.unwrap();
                }
            }
            Op::Exchange { from, to } => {
                let (from, to) = (from % n, to % n);
                if from != to {
                    let file = self.replicas[from].export_file();
                    match import_into(&file, Some(&mut self.replicas[to])).unwrap() {
                        ImportOutcome::Merged(_) => {}
                        ImportOutcome::Other(_) => {
                            panic!("a copy of the same register was taken for another")
                        }
                    }
                    assert_fresh(&mut self.replicas[to]);
                }
            }
            Op::Review { replica, pick, action } => {
                let r = replica % n;
                self.counter += 1;
                let stamp = self.stamp(r);
                let doc = &mut self.replicas[r];
                let Some(id) = pick_id::<RiskPoint>(doc, pick) else { return };
                let action = ReviewAction::ALL[action % ReviewAction::ALL.len()];
                match doc.review_step(&stamp, &id, action, "意见") {
                    Ok(_) | Err(DocError::Review(ReviewError::NotNow { .. })) => {}
                    Err(e) => panic!("{action:?} on {id}: {e}"),
                }
            }
            Op::Rate { replica, pick, likelihood, severity } => {
                let r = replica % n;
                self.counter += 1;
                let stamp = self.stamp(r);
                let doc = &mut self.replicas[r];
                let Some(id) = pick_id::<RiskPoint>(doc, pick) else { return };
                // A final level none of the current values has, so the rating writes it (with a
                // reason, for when it is not the proposal).
                let held = doc.field_values(EntityKind::Risk, &id, "level");
                let Some(level) = RiskLevel::ALL.into_iter().find(|l| !held.contains(&format!("{l:?}"))) else {
                    return;
                };
                let form = RatingForm {
                    likelihood: likelihood.to_string(),
                    severity: severity.to_string(),
                    level: level.code().into(),
                    reason: "结合近年情况调整".into(),
                    ..Default::default()
                };
                doc.rate(&stamp, &id, &form).unwrap();
                self.record(r, EntityKind::Risk, &id, "level", format!("{level:?}"));
            }
            Op::Step { replica, card, pick, action } => self.step(replica % n, card, pick, action),
            Op::Publicity { replica, close } => {
                let r = replica % n;
                self.counter += 1;
                let stamp = self.stamp(r);
                let doc = &mut self.replicas[r];
                if close {
                    let open =
                        doc.register().publicity.iter().find(|(_, p)| p.closed.is_none()).map(|(id, _)| id.clone());
                    if let Some(round) = open {
                        doc.close_publicity(&stamp, &round, "2027-01-01".parse().unwrap()).unwrap();
                    }
                    return;
                }
                let register = doc.register();
                let approved: Vec<String> = register
                    .risks
                    .iter()
                    .filter(|(id, p)| p.is_active() && stage_of(p, &measures_of(register, id)) == ReviewStage::Approved)
                    .map(|(id, _)| id.clone())
                    .collect();
                if !approved.is_empty() {
                    let form = PublicityForm {
                        title: format!("公示{}", self.counter),
                        start: "2026-12-01".into(),
                        end: "2026-12-08".into(),
                        risks: approved,
                    };
                    doc.create_entity(&stamp, &form).unwrap();
                }
            }
        }
    }

    fn step(&mut self, r: usize, card: bool, pick: usize, action: usize) {
        self.counter += 1;
        let stamp = self.stamp(r);
        let doc = &mut self.replicas[r];
        let taken = if card {
            let Some(id) = pick_id::<DutyCard>(doc, pick) else { return };
            let action = CardAction::ALL[action % CardAction::ALL.len()];
            match doc.card_step(&stamp, &id, action, "意见") {
                Ok(_) => (EntityKind::Card, id),
                Err(DocError::Card(CardError::NotNow { .. })) => return,
                Err(e) => panic!("{action:?} on {id}: {e}"),
            }
        } else {
            let Some(id) = pick_id::<Meeting>(doc, pick) else { return };
            match doc.procedure_step(&stamp, &id, "办理情况") {
                Ok(_) => (EntityKind::Meeting, id),
                Err(DocError::Procedure(ProcedureError::Finished)) => return,
                Err(e) => panic!("procedure of {id}: {e}"),
            }
        };
        *self.steps.entry(taken).or_default() += 1;
    }

    fn add(&mut self, r: usize, target: Target, pick: usize) {
        self.counter += 1;
        let stamp = self.stamp(r);
        match target {
            Target::Risk => {
                let power_item = self.unique("pi");
                let level = RiskLevel::ALL[pick % 3];
                let form = RiskForm {
                    scope: "unit".into(),
                    kind: self.kind_id.clone(),
                    power_item: power_item.clone(),
                    description: self.unique("描述"),
                    level: level.code().into(),
                    ..Default::default()
                };
                let id = self.replicas[r].create_entity(&stamp, &form).unwrap();
                self.record(r, EntityKind::Risk, &id, "power_item", power_item);
                self.record(r, EntityKind::Risk, &id, "level", format!("{level:?}"));
            }
            Target::Person => {
                let name = self.unique("姓名");
                let form = PersonForm { name: name.clone(), ..Default::default() };
                let id = self.replicas[r].create_entity(&stamp, &form).unwrap();
                self.record(r, EntityKind::Person, &id, "name", name);
                self.record(r, EntityKind::Person, &id, "title", String::new());
            }
            Target::Measure => {
                // A measure can only be put on an active risk point.
                let active: Vec<String> = self.replicas[r]
                    .register()
                    .risks
                    .iter()
                    .filter(|(_, x)| x.is_active())
                    .map(|(id, _)| id.clone())
                    .collect();
                let Some(risk) = (!active.is_empty()).then(|| active[pick % active.len()].clone()) else {
                    return;
                };
                let due = day(self.counter);
                let form = MeasureForm {
                    risk,
                    stage: "prevent".into(),
                    description: self.unique("措施"),
                    due: due.clone(),
                    status: "planned".into(),
                    ..Default::default()
                };
                let id = self.replicas[r].create_entity(&stamp, &form).unwrap();
                self.record(r, EntityKind::Measure, &id, "due", due);
                self.record(r, EntityKind::Measure, &id, "status", "Planned".into());
            }
            Target::Meeting => {
                let topic = self.unique("议题");
                // Members another step archived cannot newly attend.
                let people = &self.replicas[r].register().people;
                let present: Vec<String> = self.members.iter().filter(|m| people[*m].is_active()).cloned().collect();
                let form = MeetingForm {
                    body: self.council.clone(),
                    date: day(self.counter),
                    matter: "decision".into(),
                    topic: topic.clone(),
                    speakers: present.iter().rev().cloned().collect(),
                    attendees: present,
                    decision: self.unique("决定"),
                    ..Default::default()
                };
                let id = self.replicas[r].create_entity(&stamp, &form).unwrap();
                self.record(r, EntityKind::Meeting, &id, "topic", topic);
            }
            Target::Card => {
                // One card a year per person: each card is a new person's.
                let name = self.unique("干部");
                let person =
                    self.replicas[r].create_entity(&stamp, &PersonForm { name, ..Default::default() }).unwrap();
                let form = CardForm {
                    person,
                    year: "2026".into(),
                    duties: self.unique("职责"),
                    tasks: "严格执行财务审核制度".into(),
                    ..Default::default()
                };
                let id = self.replicas[r].create_entity(&stamp, &form).unwrap();
                self.record(r, EntityKind::Card, &id, "year", "2026".into());
            }
        }
    }

    /// `typed` inserted into `text` at its start, its end, or before `marker` (where the
    /// original text starts, so that no earlier token is split).
    fn type_into(text: &str, typed: &str, marker: char, choice: usize) -> String {
        let chars: Vec<char> = text.chars().collect();
        let middle = chars.iter().position(|c| *c == marker).unwrap_or(0);
        let at = [0, chars.len(), middle][choice % 3];
        chars[..at].iter().copied().chain(typed.chars()).chain(chars[at..].iter().copied()).collect()
    }

    fn edit(&mut self, r: usize, target: Target, pick: usize, field: usize, choice: usize) {
        self.counter += 1;
        let stamp = self.stamp(r);
        match target {
            Target::Risk => {
                let Some(id) = pick_id::<RiskPoint>(&self.replicas[r], pick) else {
                    return;
                };
                let mut form = RiskForm::from_target(&self.replicas[r].register().risks[&id]);
                let (name, value) = match field {
                    0 => {
                        form.power_item = self.unique("pi");
                        ("power_item", Some(form.power_item.clone()))
                    }
                    1 => {
                        // A level none of the current values has, so the edit is a real write.
                        let held = self.replicas[r].field_values(EntityKind::Risk, &id, "level");
                        let Some(level) = (0..3)
                            .map(|i| RiskLevel::ALL[(choice + i) % 3])
                            .find(|l| !held.contains(&format!("{l:?}")))
                        else {
                            return;
                        };
                        form.level = level.code().into();
                        ("level", Some(format!("{level:?}")))
                    }
                    _ => {
                        // Text typed at the start, the end or the middle of the description.
                        let typed = self.unique("补充");
                        form.description = Self::type_into(&form.description, &typed, '描', choice);
                        self.typed.push((EntityKind::Risk, id.clone(), typed));
                        ("description", None)
                    }
                };
                self.replicas[r].update_entity(&stamp, &id, &form).unwrap();
                if let Some(value) = value {
                    self.record(r, EntityKind::Risk, &id, name, value);
                }
            }
            Target::Person => {
                let Some(id) = pick_id::<Person>(&self.replicas[r], pick) else {
                    return;
                };
                let mut form = PersonForm::from_target(&self.replicas[r].register().people[&id]);
                let (name, value) = if field == 0 {
                    form.name = self.unique("姓名");
                    ("name", form.name.clone())
                } else {
                    form.title = self.unique("职务");
                    ("title", form.title.clone())
                };
                self.replicas[r].update_entity(&stamp, &id, &form).unwrap();
                self.record(r, EntityKind::Person, &id, name, value);
            }
            Target::Measure => {
                let Some(id) = pick_id::<Measure>(&self.replicas[r], pick) else {
                    return;
                };
                let mut form = MeasureForm::from_target(&self.replicas[r].register().measures[&id]);
                let (name, value) = if field == 0 {
                    form.due = day(self.counter);
                    ("due", form.due.clone())
                } else {
                    let held = self.replicas[r].field_values(EntityKind::Measure, &id, "status");
                    let Some(status) = (0..4)
                        .map(|i| MeasureStatus::ALL[(choice + i) % 4])
                        .find(|s| !held.contains(&format!("{s:?}")))
                    else {
                        return;
                    };
                    form.status = status.code().into();
                    ("status", format!("{status:?}"))
                };
                self.replicas[r].update_entity(&stamp, &id, &form).unwrap();
                self.record(r, EntityKind::Measure, &id, name, value);
            }
            Target::Meeting => {
                let Some(id) = pick_id::<Meeting>(&self.replicas[r], pick) else {
                    return;
                };
                let mut form = MeetingForm::from_target(&self.replicas[r].register().meetings[&id]);
                match field {
                    0 => form.topic = self.unique("议题"),
                    1 => form.amount = (self.counter * 1000).to_string(),
                    _ => {
                        let typed = self.unique("补充");
                        form.decision = Self::type_into(&form.decision, &typed, '决', choice);
                        self.typed.push((EntityKind::Meeting, id.clone(), typed));
                    }
                }
                self.replicas[r].update_entity(&stamp, &id, &form).unwrap();
                match field {
                    0 => self.record(r, EntityKind::Meeting, &id, "topic", form.topic),
                    1 => self.record(r, EntityKind::Meeting, &id, "amount", form.amount),
                    _ => {}
                }
            }
            Target::Card => {
                let Some(id) = pick_id::<DutyCard>(&self.replicas[r], pick) else {
                    return;
                };
                // Its words change only while the cadre fills it in.
                let card = &self.replicas[r].register().cards[&id];
                if card.stage != CardStage::Filling {
                    return;
                }
                let mut form = CardForm::from_target(card);
                let typed = self.unique("补充");
                form.duties = Self::type_into(&form.duties, &typed, '职', choice);
                self.typed.push((EntityKind::Card, id.clone(), typed));
                self.replicas[r].update_entity(&stamp, &id, &form).unwrap();
            }
        }
    }

    /// Everyone exchanges with everyone, then every check of the property.
    fn finish(mut self) {
        let n = self.replicas.len();
        for i in 1..n {
            let file = self.replicas[i].export_file();
            import_into(&file, Some(&mut self.replicas[0])).unwrap();
        }
        let file = self.replicas[0].export_file();
        for i in 1..n {
            import_into(&file, Some(&mut self.replicas[i])).unwrap();
        }

        // Convergence: same changes, same register, same conflicts.
        let heads = self.replicas[0].heads();
        for doc in &mut self.replicas[1..] {
            assert_eq!(doc.heads(), heads);
        }
        let conflicts = self.replicas[0].conflicts();
        let first = self.replicas[0].register().clone();
        for doc in &mut self.replicas[1..] {
            assert_eq!(doc.register(), &first);
            assert_eq!(doc.conflicts(), conflicts);
        }
        for doc in &mut self.replicas {
            assert_fresh(doc);
        }

        // Text typed on any copy is in the merged text, whatever was typed beside it.
        for (kind, id, typed) in &self.typed {
            let text = match kind {
                EntityKind::Risk => first.risks[id].description.as_str(),
                EntityKind::Meeting => first.meetings[id].decision.as_str(),
                _ => first.cards[id].duties.as_str(),
            };
            assert!(text.contains(typed.as_str()), "{typed} lost from {kind:?} {id}: {text}");
        }

        // Every procedure step taken on any copy is in the trail.
        for ((kind, id), taken) in &self.steps {
            let kept = match kind {
                EntityKind::Meeting => first.meetings[id].trail.len(),
                _ => first.cards[id].trail.len(),
            };
            assert_eq!(kept, *taken, "{kind:?} {id}");
        }

        // No loss: for each field, the values left are exactly the writes no later write replaced.
        let graph = Ancestry::of(&mut self.replicas[0]);
        let mut by_field: HashMap<(EntityKind, &str, &str), Vec<&Write>> = HashMap::new();
        for w in &self.writes {
            by_field.entry((w.kind, &w.id, w.field)).or_default().push(w);
        }
        for ((kind, id, field), writes) in by_field {
            let surviving: BTreeSet<&str> = writes
                .iter()
                .filter(|w| !writes.iter().any(|later| later.hash != w.hash && graph.is_ancestor(w.hash, later.hash)))
                .map(|w| w.value.as_str())
                .collect();
            let held = self.replicas[0].field_values(kind, id, field);
            let held: BTreeSet<&str> = held.iter().map(String::as_str).collect();
            assert_eq!(held, surviving, "{kind:?} {id} {field}");
        }
    }
}

/// The model a copy keeps up to date piecemeal equals a fresh full read of its document.
fn assert_fresh(doc: &mut RegisterDoc) {
    let fresh = RegisterDoc::load(&doc.save_snapshot_copy()).unwrap();
    assert_eq!(doc.register(), fresh.register(), "the kept model drifted from the document");
}

fn pick_id<E: Entity>(doc: &RegisterDoc, pick: usize) -> Option<String> {
    let ids = Scenario::ids::<E>(doc);
    (!ids.is_empty()).then(|| ids[pick % ids.len()].clone())
}

/// A distinct valid date per counter value.
fn day(counter: usize) -> String {
    let date: qingfeng::model::Date = "2026-01-01".parse().unwrap();
    date.add_days(counter as i64).to_string()
}

/// Which changes each change knows: its ancestors in the dependency graph.
struct Ancestry {
    ancestors: HashMap<ChangeHash, HashSet<ChangeHash>>,
}

impl Ancestry {
    fn of(doc: &mut RegisterDoc) -> Self {
        let mut am = AutoCommit::load(&doc.save_snapshot_copy()).unwrap();
        let mut ancestors: HashMap<ChangeHash, HashSet<ChangeHash>> = HashMap::new();
        // Changes come in causal order, so every dependency is known before its dependents.
        for meta in am.get_changes_meta(&[]) {
            let mut known = HashSet::new();
            for dep in &meta.deps {
                known.insert(*dep);
                known.extend(ancestors[dep].iter().copied());
            }
            ancestors.insert(meta.hash, known);
        }
        Self { ancestors }
    }

    fn is_ancestor(&self, earlier: ChangeHash, later: ChangeHash) -> bool {
        self.ancestors[&later].contains(&earlier)
    }
}

fn cases() -> u32 {
    std::env::var("QINGFENG_MERGE_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(2000)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), max_shrink_iters: 2000, ..ProptestConfig::default() })]

    #[test]
    fn replicas_converge_and_lose_no_edit(count in 3usize..=5, ops in proptest::collection::vec(op(), 1..40)) {
        let mut scenario = Scenario::new(count);
        for op in ops {
            scenario.apply(op);
        }
        scenario.finish();
    }
}

#[test]
fn a_concurrent_edit_of_the_same_field_on_three_copies_keeps_three_values() {
    let mut s = Scenario::new(3);
    s.apply(Op::Add { replica: 0, target: Target::Person, pick: 0 });
    s.apply(Op::Exchange { from: 0, to: 1 });
    s.apply(Op::Exchange { from: 0, to: 2 });
    for replica in 0..3 {
        s.apply(Op::Edit { replica, target: Target::Person, pick: 0, field: 0, level: 0 });
    }
    let person = s.replicas[0].register().people.keys().next().unwrap().clone();
    s.apply(Op::Exchange { from: 1, to: 0 });
    s.apply(Op::Exchange { from: 2, to: 0 });
    assert_eq!(s.replicas[0].field_values(EntityKind::Person, &person, "name").len(), 3);
    s.finish();
}
