//! The figures of the overview page.

use super::measures::overdue_measures;
use super::meetings::flagged_meetings;
use super::plan::{overdue_tasks, phase_progress};
use super::pledges::{key_post_gaps, not_signed};
use super::publicity::{RoundState, round_state};
use super::records::talks_due;
use super::responsibility::graded_responsibility;
use super::review::Stages;
use super::signals::{signals, unchecked_risks};
use super::warning::{BoardColumn, Case};
use crate::model::{Date, Id, Register, ReviewStage, RiskLevel, RiskPoint};

/// Counts per level: 一级, 二级, 三级.
pub type LevelCounts = [usize; 3];

/// Counts of active records, and where the register needs attention.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Dashboard {
    /// Points in the register (adopted, not rejected, not archived) per level.
    pub by_level: LevelCounts,
    /// Per active risk kind (name, counts per level), in the kinds' name order.
    pub by_kind: Vec<(String, LevelCounts)>,
    /// Per active department (name, counts per level), in name order; points of no department
    /// are under the unit's name.
    pub by_department: Vec<(String, LevelCounts)>,
    /// Points where some accountable role is unfilled.
    pub responsibility_gaps: usize,
    /// Points in each review stage, in [`ReviewStage::ALL`] order.
    pub by_stage: Vec<(ReviewStage, usize)>,
    /// Overdue measures.
    pub overdue_measures: usize,
    /// Publicity rounds running or ended but not closed.
    pub publicity_open: usize,
    /// Active people.
    pub people: usize,
    /// Active departments.
    pub departments: usize,
    /// Active posts.
    pub posts: usize,
    /// The phase whose dates contain `today`, if any.
    pub current_phase: Option<Id>,
    /// Phases whose tasks are all done, and all phases.
    pub phases_done: (usize, usize),
    /// Tasks of the phases past their time limit and not done.
    pub overdue_tasks: usize,
    /// Meeting records the rules flag (末位表态, 民主理财, 招标).
    pub flagged_meetings: usize,
    /// Evaluations below the pass mark with no talk yet (廉政谈话).
    pub talks_due: usize,
    /// Warnings whose case is not closed.
    pub open_cases: usize,
    /// Of those, cases whose written answer is overdue.
    pub overdue_answers: usize,
    /// Warning signals waiting to be raised or dismissed.
    pub signals: usize,
    /// 一级 and 二级 points not spot-checked within the year (每年至少抽查一次).
    pub unchecked: usize,
    /// Key posts (重点对象) that lack a holder, a risk point, a measure or signed pledges.
    pub key_post_gaps: usize,
    /// People who must sign the pledge in force and have not.
    pub not_signed: usize,
}

/// The index of a level in [`LevelCounts`].
pub fn level_index(level: RiskLevel) -> usize {
    match level {
        RiskLevel::One => 0,
        RiskLevel::Two => 1,
        RiskLevel::Three => 2,
    }
}

/// Whether a point counts in the register's figures: adopted, not rejected, not archived.
pub fn in_register(risk: &RiskPoint) -> bool {
    risk.archived.is_none() && !matches!(risk.review, ReviewStage::Draft | ReviewStage::Rejected)
}

fn tally(groups: &mut Vec<(String, LevelCounts)>, name: &str, level: RiskLevel) {
    match groups.iter_mut().find(|(n, _)| n == name) {
        Some((_, counts)) => counts[level_index(level)] += 1,
        None => {
            let mut counts = [0; 3];
            counts[level_index(level)] = 1;
            groups.push((name.to_string(), counts));
        }
    }
}

/// The overview of `register` on `today`.
pub fn dashboard(register: &Register, today: Date) -> Dashboard {
    let mut d = Dashboard::default();
    let mut kinds: Vec<(String, LevelCounts)> =
        register.risk_kinds.values().filter(|k| k.archived.is_none()).map(|k| (k.name.clone(), [0; 3])).collect();
    let mut departments: Vec<(String, LevelCounts)> =
        register.departments.values().filter(|x| x.archived.is_none()).map(|x| (x.name.clone(), [0; 3])).collect();
    let mut stages = vec![0usize; ReviewStage::ALL.len()];
    let review = Stages::new(register);
    for (id, risk) in register.risks.iter().filter(|(_, r)| r.archived.is_none()) {
        let stage = review.of(id, risk);
        stages[ReviewStage::ALL.iter().position(|s| *s == stage).unwrap_or(0)] += 1;
        if !in_register(risk) {
            continue;
        }
        d.by_level[level_index(risk.level)] += 1;
        if let Some(kind) = register.risk_kinds.get(&risk.kind) {
            tally(&mut kinds, &kind.name, risk.level);
        }
        let department = register.risk_department(risk).and_then(|id| register.departments.get(id));
        tally(&mut departments, department.map_or(register.unit.name.as_str(), |x| x.name.as_str()), risk.level);
        if graded_responsibility(register, risk).has_gaps() {
            d.responsibility_gaps += 1;
        }
    }
    kinds.sort();
    departments.sort();
    d.by_kind = kinds;
    d.by_department = departments;
    d.by_stage = ReviewStage::ALL.into_iter().zip(stages).collect();
    d.overdue_measures = overdue_measures(register, today).len();
    d.publicity_open = register
        .publicity
        .values()
        .filter(|p| p.archived.is_none() && matches!(round_state(p, today), RoundState::Open | RoundState::Ended))
        .count();
    d.people = register.people.values().filter(|p| p.archived.is_none()).count();
    d.departments = register.departments.values().filter(|x| x.archived.is_none()).count();
    d.posts = register.posts.values().filter(|x| x.archived.is_none()).count();
    let phases: Vec<_> = register.phases.iter().filter(|(_, p)| p.archived.is_none()).collect();
    d.current_phase = phases
        .iter()
        .find(|(_, p)| matches!((p.start.parse::<Date>(), p.end.parse::<Date>()), (Ok(s), Ok(e)) if s <= today && today <= e))
        .map(|(id, _)| (*id).clone());
    let done = phases.iter().filter(|(id, _)| phase_progress(register, id, today).complete()).count();
    d.phases_done = (done, phases.len());
    d.overdue_tasks = overdue_tasks(register, today).len();
    d.flagged_meetings = flagged_meetings(register).len();
    d.talks_due = talks_due(register).len();
    for warning in register.warnings.values().filter(|w| w.archived.is_none()) {
        match Case::of(warning).column(today) {
            BoardColumn::Closed => {}
            BoardColumn::Overdue => {
                d.open_cases += 1;
                d.overdue_answers += 1;
            }
            _ => d.open_cases += 1,
        }
    }
    d.signals = signals(register, today).len();
    d.unchecked = unchecked_risks(register, today).len();
    d.key_post_gaps = key_post_gaps(register).len();
    d.not_signed = not_signed(register).len();
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Archived, Department, Measure, Phase, Publicity, RiskKind, Step, StepKind, Warning};

    fn risk(kind: &str, department: &str, level: RiskLevel, review: ReviewStage) -> RiskPoint {
        RiskPoint { kind: kind.into(), department: Some(department.into()), level, review, ..RiskPoint::default() }
    }

    #[test]
    fn counts_points_in_the_register_by_level_kind_department_and_stage() {
        let mut r = Register::default();
        r.risk_kinds.insert("k1".into(), RiskKind { name: "岗位职责风险".into(), archived: None });
        r.risk_kinds.insert("k2".into(), RiskKind { name: "思想道德风险".into(), archived: None });
        r.departments.insert("d1".into(), Department { name: "财务室".into(), ..Department::default() });
        r.departments.insert("d2".into(), Department { name: "食堂".into(), ..Department::default() });
        r.risks.insert("a".into(), risk("k1", "d1", RiskLevel::One, ReviewStage::Approved));
        r.risks.insert("b".into(), risk("k1", "d2", RiskLevel::Three, ReviewStage::Organisation));
        r.risks.insert("c".into(), risk("k2", "d2", RiskLevel::Three, ReviewStage::SelfCheck));
        r.risks.insert("draft".into(), risk("k2", "d2", RiskLevel::One, ReviewStage::Draft));
        r.risks.insert("no".into(), risk("k2", "d2", RiskLevel::One, ReviewStage::Rejected));
        let mut gone = risk("k2", "d2", RiskLevel::Three, ReviewStage::Approved);
        gone.archived = Some(Archived { by: String::new(), at: 0 });
        r.risks.insert("gone".into(), gone);
        r.measures.insert("m".into(), Measure { risk: "a".into(), due: "2026-11-01".into(), ..Measure::default() });
        r.phases
            .insert("p1".into(), Phase { start: "2026-10-01".into(), end: "2026-10-31".into(), ..Phase::default() });
        r.phases
            .insert("p2".into(), Phase { start: "2026-11-01".into(), end: "2026-11-30".into(), ..Phase::default() });
        r.publicity.insert(
            "open".into(),
            Publicity { start: "2026-11-20".into(), end: "2026-11-28".into(), ..Publicity::default() },
        );

        let d = dashboard(&r, "2026-11-27".parse().unwrap());
        assert_eq!(d.by_level, [1, 0, 2]);
        assert_eq!(d.by_kind, vec![("岗位职责风险".to_string(), [1, 0, 1]), ("思想道德风险".to_string(), [0, 0, 1])]);
        assert_eq!(d.by_department, vec![("财务室".to_string(), [1, 0, 0]), ("食堂".to_string(), [0, 0, 2])]);
        let stage = |s| d.by_stage.iter().find(|(x, _)| *x == s).unwrap().1;
        assert_eq!(
            (stage(ReviewStage::Draft), stage(ReviewStage::Organisation), stage(ReviewStage::Approved)),
            (1, 1, 1)
        );
        assert_eq!(d.responsibility_gaps, 3);
        assert_eq!(d.overdue_measures, 1);
        assert_eq!(d.publicity_open, 1);
        assert_eq!(d.current_phase.as_deref(), Some("p2"));
        // The first phase's dates have passed, but it has no task done: not complete.
        assert_eq!(d.phases_done, (0, 2));
        let mut with_task = r.clone();
        let task = crate::model::Task { phase: "p1".into(), due: "2026-10-30".into(), ..Default::default() };
        with_task.tasks.insert("t".into(), task);
        let open = dashboard(&with_task, "2026-11-27".parse().unwrap());
        assert_eq!((open.phases_done, open.overdue_tasks), ((0, 2), 1));
        with_task.tasks.get_mut("t").unwrap().done = "2026-10-29".into();
        let done = dashboard(&with_task, "2026-11-27".parse().unwrap());
        assert_eq!((done.phases_done, done.overdue_tasks), ((1, 2), 0));
        // The 一级 point has had no spot check this year: one signal.
        assert_eq!((d.open_cases, d.overdue_answers, d.signals, d.unchecked), (0, 0, 1, 1));

        // One case awaiting its answer, one overdue, one closed; a measure 40 days late signals.
        let step = |kind, seq, due: &str| Step { kind, seq, due: due.into(), ..Step::default() };
        let case = |steps: Vec<Step>| Warning {
            steps: steps.into_iter().enumerate().map(|(n, s)| (n.to_string(), s)).collect(),
            ..Warning::default()
        };
        r.warnings.insert("new".into(), case(vec![]));
        r.warnings.insert("late".into(), case(vec![step(StepKind::Dispose, 0, "2026-11-20")]));
        let closed = vec![
            step(StepKind::Dispose, 0, "2026-11-20"),
            step(StepKind::Answer, 1, ""),
            step(StepKind::Accept, 2, ""),
        ];
        r.warnings.insert("closed".into(), case(closed));
        r.measures.get_mut("m").unwrap().due = "2026-10-18".into();
        let d = dashboard(&r, "2026-11-27".parse().unwrap());
        assert_eq!((d.open_cases, d.overdue_answers, d.signals), (2, 1, 2));
    }
}
