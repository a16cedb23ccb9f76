//! Where a warning's case stands: its steps, folded in order.
//!
//! A case goes 新预警 → (处置) 待回告 → (回告) 待审核 → (采纳) 已办结. The leading group may
//! send an answer back once; a second sending back raises the warning one level and the case
//! starts again from disposal. Steps are kept in a map keyed by fresh ids, so two members'
//! steps always merge; a step that no longer fits where the case stands once they are merged
//! (two disposals at once, say) stays in the timeline, marked as not applied.

use crate::model::{Date, Entity, Id, Register, RiskLevel, RiskPoint, Scope, Step, StepKind, Target, Warning};
use crate::rules::{GradedResponsibility, WorkCalendar, graded_responsibility};

/// Where a case stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseState {
    /// Raised, not yet disposed (or raised a level after a second sending back).
    New,
    /// Disposed: the written answer is due.
    AwaitingAnswer {
        /// The day it is due.
        due: Option<Date>,
    },
    /// Answered: the leading group is to accept it or send it back.
    Answered,
    /// Accepted: the case is closed.
    Closed,
}

/// A case's column on the 预警 board.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BoardColumn {
    /// 新预警
    New,
    /// 待回告
    AwaitingAnswer,
    /// 回告逾期
    Overdue,
    /// 待审核回告
    Answered,
    /// 已办结
    Closed,
}

impl BoardColumn {
    /// In board order.
    pub const ALL: [BoardColumn; 5] = [
        BoardColumn::New,
        BoardColumn::AwaitingAnswer,
        BoardColumn::Overdue,
        BoardColumn::Answered,
        BoardColumn::Closed,
    ];

    /// The locale key of its name.
    pub fn label_key(self) -> &'static str {
        match self {
            BoardColumn::New => "case.new",
            BoardColumn::AwaitingAnswer => "case.awaiting_answer",
            BoardColumn::Overdue => "case.overdue",
            BoardColumn::Answered => "case.answered",
            BoardColumn::Closed => "case.closed",
        }
    }

    /// The stored code, for test ids.
    pub fn code(self) -> &'static str {
        match self {
            BoardColumn::New => "new",
            BoardColumn::AwaitingAnswer => "awaiting_answer",
            BoardColumn::Overdue => "overdue",
            BoardColumn::Answered => "answered",
            BoardColumn::Closed => "closed",
        }
    }
}

/// One step in a case's timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineStep {
    /// Its id in the warning's steps.
    pub id: String,
    /// The step as recorded.
    pub step: Step,
    /// Whether it moved the case (false: it did not fit where the case then stood).
    pub applied: bool,
    /// The level the warning rose to with this step, if it did.
    pub raised_to: Option<RiskLevel>,
}

/// A warning's case, folded from its steps.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    /// Where it stands.
    pub state: CaseState,
    /// Its level now, after any raising.
    pub level: RiskLevel,
    /// Answers sent back since the last raising.
    pub sent_back: u32,
    /// Every step, in order.
    pub timeline: Vec<TimelineStep>,
}

/// The name of a warning's target: a person's or department's name, a risk point's label.
pub fn target_name(r: &Register, target: Target, id: &str) -> String {
    match target {
        Target::Person => r.person_name(id).unwrap_or_default().to_string(),
        Target::Department => r.departments.get(id).map(|d| d.name.clone()).unwrap_or_default(),
        Target::Risk => r.risks.get(id).map(Entity::label).unwrap_or_default(),
    }
}

/// One level higher: 三级 → 二级 → 一级 (一级 stays).
pub fn raised(level: RiskLevel) -> RiskLevel {
    match level {
        RiskLevel::Three => RiskLevel::Two,
        _ => RiskLevel::One,
    }
}

impl Case {
    /// The case of `warning`.
    pub fn of(warning: &Warning) -> Self {
        let mut steps: Vec<(&String, &Step)> = warning.steps.iter().collect();
        steps.sort_by(|a, b| (a.1.seq, a.1.at, a.0).cmp(&(b.1.seq, b.1.at, b.0)));
        let mut case = Case { state: CaseState::New, level: warning.level, sent_back: 0, timeline: Vec::new() };
        for (id, step) in steps {
            let taken = case.take(step);
            let (applied, raised_to) = (taken.is_some(), taken.flatten());
            case.timeline.push(TimelineStep { id: id.clone(), step: step.clone(), applied, raised_to });
        }
        case
    }

    /// Whether `kind` may be recorded now.
    pub fn allows(&self, kind: StepKind) -> bool {
        matches!(
            (self.state, kind),
            (CaseState::New | CaseState::AwaitingAnswer { .. }, StepKind::Dispose)
                | (CaseState::AwaitingAnswer { .. }, StepKind::Answer)
                | (CaseState::Answered, StepKind::Accept | StepKind::Reject)
        )
    }

    /// Its column on the board on `today`.
    pub fn column(&self, today: Date) -> BoardColumn {
        match self.state {
            CaseState::New => BoardColumn::New,
            CaseState::AwaitingAnswer { due: Some(due) } if today > due => BoardColumn::Overdue,
            CaseState::AwaitingAnswer { .. } => BoardColumn::AwaitingAnswer,
            CaseState::Answered => BoardColumn::Answered,
            CaseState::Closed => BoardColumn::Closed,
        }
    }

    /// Working days left until the answer is due (negative: overdue by that many), while an
    /// answer is awaited.
    pub fn days_left(&self, today: Date, calendar: &WorkCalendar) -> Option<i64> {
        match self.state {
            CaseState::AwaitingAnswer { due: Some(due) } => Some(calendar.working_days_between(today, due)),
            _ => None,
        }
    }
}

impl Case {
    /// Applies `step` if it fits where the case stands: `None` when it does not, else
    /// `Some(the level the warning rose to, if it rose)`.
    fn take(&mut self, step: &Step) -> Option<Option<RiskLevel>> {
        if !self.allows(step.kind) {
            return None;
        }
        let due = step.due.parse().ok();
        let mut rose = None;
        self.state = match step.kind {
            StepKind::Dispose => CaseState::AwaitingAnswer { due },
            StepKind::Answer => CaseState::Answered,
            StepKind::Accept => CaseState::Closed,
            StepKind::Reject if self.sent_back == 0 => {
                self.sent_back = 1;
                CaseState::AwaitingAnswer { due }
            }
            StepKind::Reject => {
                self.sent_back = 0;
                self.level = raised(self.level);
                rose = Some(self.level);
                CaseState::New
            }
        };
        Some(rose)
    }
}

/// The department a warning concerns: the department itself, the risk point's, or the one
/// where the person holds a post.
pub fn warning_department<'a>(register: &'a Register, warning: &'a Warning) -> Option<&'a Id> {
    match warning.target {
        Target::Department => Some(&warning.target_id),
        Target::Risk => register.risks.get(&warning.target_id).and_then(|r| register.risk_department(r)),
        Target::Person => register
            .posts
            .values()
            .find(|p| p.archived.is_none() && p.holders.contains_key(&warning.target_id))
            .map(|p| &p.department),
    }
}

/// Who must handle a warning at `level`, as for a risk point of that level in its department:
/// 三级 the department head, 二级 also the leader in charge, 一级 also the principal leader.
pub fn case_handlers(register: &Register, warning: &Warning, level: RiskLevel) -> GradedResponsibility {
    let as_risk = RiskPoint {
        scope: Scope::Department,
        department: warning_department(register, warning).cloned(),
        level,
        ..RiskPoint::default()
    };
    graded_responsibility(register, &as_risk)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Department, Person, Post};
    use crate::rules::Role;

    fn step(kind: StepKind, seq: u64, due: &str) -> Step {
        Step { kind, seq, date: "2026-11-02".into(), due: due.into(), ..Step::default() }
    }

    fn warning(steps: &[(&str, Step)]) -> Warning {
        Warning { steps: steps.iter().map(|(id, s)| (id.to_string(), s.clone())).collect(), ..Warning::default() }
    }

    #[test]
    fn every_step_is_allowed_only_where_the_case_stands() {
        use StepKind::*;
        let table = [
            (CaseState::New, [true, false, false, false]),
            (CaseState::AwaitingAnswer { due: None }, [true, true, false, false]),
            (CaseState::Answered, [false, false, true, true]),
            (CaseState::Closed, [false, false, false, false]),
        ];
        for (state, allowed) in table {
            let case = Case { state, level: RiskLevel::Three, sent_back: 0, timeline: Vec::new() };
            for (kind, expected) in [Dispose, Answer, Accept, Reject].into_iter().zip(allowed) {
                assert_eq!(case.allows(kind), expected, "{kind:?} in {state:?}");
            }
        }
    }

    #[test]
    fn steps_that_no_longer_fit_are_kept_but_not_applied() {
        // Two members accepted and sent back the same answer at once: the earlier counts.
        let w = warning(&[
            ("a", step(StepKind::Dispose, 1, "2026-11-09")),
            ("b", step(StepKind::Answer, 2, "")),
            ("c", step(StepKind::Accept, 3, "")),
            ("d", step(StepKind::Reject, 4, "2026-11-16")),
        ]);
        let case = Case::of(&w);
        assert_eq!(case.state, CaseState::Closed);
        assert_eq!(case.timeline.iter().map(|s| s.applied).collect::<Vec<_>>(), [true, true, true, false]);
    }

    #[test]
    fn the_board_flags_an_overdue_answer_and_counts_working_days() {
        let case = Case::of(&warning(&[("a", step(StepKind::Dispose, 1, "2026-11-09"))]));
        let calendar = WorkCalendar::default();
        assert_eq!(case.column("2026-11-09".parse().unwrap()), BoardColumn::AwaitingAnswer);
        assert_eq!(case.column("2026-11-10".parse().unwrap()), BoardColumn::Overdue);
        assert_eq!(case.days_left("2026-11-06".parse().unwrap(), &calendar), Some(1));
        assert_eq!(case.days_left("2026-11-11".parse().unwrap(), &calendar), Some(-2));
        assert_eq!(raised(RiskLevel::One), RiskLevel::One);
    }

    #[test]
    fn handlers_follow_the_level_and_the_target_department() {
        let mut r = Register::default();
        for id in ["head", "charge", "principal", "clerk"] {
            r.people.insert(id.into(), Person { name: id.into(), ..Person::default() });
        }
        r.leading_group.leader = Some("principal".into());
        let department =
            Department { head: Some("head".into()), leader_in_charge: Some("charge".into()), ..Department::default() };
        r.departments.insert("d".into(), department);
        let mut post = Post { department: "d".into(), ..Post::default() };
        post.holders.insert("clerk".into(), true);
        r.posts.insert("p".into(), post);
        let w = Warning { target: Target::Person, target_id: "clerk".into(), ..Warning::default() };
        assert_eq!(warning_department(&r, &w), Some(&"d".to_string()));
        let roles = |level| {
            case_handlers(&r, &w, level).duties.into_iter().map(|d| (d.role, d.person.ok())).collect::<Vec<_>>()
        };
        assert_eq!(roles(RiskLevel::Three), [(Role::DepartmentHead, Some("head".into()))]);
        assert_eq!(roles(RiskLevel::One).last(), Some(&(Role::PrincipalLeader, Some("principal".into()))));
    }
}
