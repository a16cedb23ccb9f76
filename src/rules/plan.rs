//! The plan's progress: a phase is done when its tasks are done (not when its dates have
//! passed); a task past its time limit and not done is overdue; the “4有” of the study; and the
//! timeline drawn from phases and tasks.

use crate::model::{Date, FourHave, Id, Phase, Register, Task};

/// The tasks a phase's 主要任务 text lists: one a line, leaving out blank lines and the
/// headings that end in “：” (the lines after them are the tasks).
pub fn task_lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.ends_with('：') && !l.ends_with(':'))
        .map(|l| l.chars().take(200).collect())
        .collect()
}

/// Whether `task` is past its time limit on `today` and not done.
pub fn task_overdue(task: &Task, today: Date) -> bool {
    task.done.is_empty() && task.due.parse::<Date>().is_ok_and(|due| due < today)
}

/// Where a phase stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PhaseProgress {
    /// Active tasks.
    pub tasks: usize,
    /// Of them, done.
    pub done: usize,
    /// Of them, overdue.
    pub overdue: usize,
}

impl PhaseProgress {
    /// Done when it has tasks and every one is done.
    pub fn complete(&self) -> bool {
        self.tasks > 0 && self.done == self.tasks
    }
}

/// The active tasks of phase `phase`, by time limit then name.
pub fn tasks_of<'a>(register: &'a Register, phase: &str) -> Vec<(&'a Id, &'a Task)> {
    let mut tasks: Vec<_> = register.tasks.iter().filter(|(_, t)| t.archived.is_none() && t.phase == phase).collect();
    tasks.sort_by(|a, b| (a.1.due.is_empty(), &a.1.due, &a.1.what).cmp(&(b.1.due.is_empty(), &b.1.due, &b.1.what)));
    tasks
}

/// How far phase `phase` has come on `today`.
pub fn phase_progress(register: &Register, phase: &str, today: Date) -> PhaseProgress {
    let mut progress = PhaseProgress::default();
    for (_, task) in tasks_of(register, phase) {
        progress.tasks += 1;
        progress.done += usize::from(!task.done.is_empty());
        progress.overdue += usize::from(task_overdue(task, today));
    }
    progress
}

/// The active phases in plan order.
pub fn phases_in_order(register: &Register) -> Vec<(&Id, &Phase)> {
    let mut phases: Vec<_> = register.phases.iter().filter(|(_, p)| p.archived.is_none()).collect();
    phases.sort_by(|a, b| (a.1.order, &a.1.start, a.0).cmp(&(b.1.order, &b.1.start, b.0)));
    phases
}

/// Every active task past its time limit and not done, oldest limit first.
pub fn overdue_tasks(register: &Register, today: Date) -> Vec<(&Id, &Task)> {
    let mut tasks: Vec<_> =
        register.tasks.iter().filter(|(_, t)| t.archived.is_none() && task_overdue(t, today)).collect();
    tasks.sort_by(|a, b| a.1.due.cmp(&b.1.due).then(a.0.cmp(b.0)));
    tasks
}

/// Each of the “4有” with whether the study has it: an active task of that kind, done, with its
/// evidence or a document named.
pub fn four_have(register: &Register) -> Vec<(FourHave, bool)> {
    FourHave::ALL
        .iter()
        .map(|&kind| {
            let evidenced = register.tasks.values().any(|t| {
                t.archived.is_none()
                    && t.four == Some(kind)
                    && !t.done.is_empty()
                    && !(t.evidence.as_str().trim().is_empty() && t.reference.trim().is_empty())
            });
            (kind, evidenced)
        })
        .collect()
}

/// A bar of the timeline: one phase across its dates.
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineBar {
    /// The phase.
    pub id: Id,
    /// Its name.
    pub name: String,
    /// Left edge and width, in days from the timeline's first day.
    pub from: i64,
    /// Width in days (at least one).
    pub days: i64,
    /// Where it stands.
    pub progress: PhaseProgress,
    /// Its tasks' time limits, in days from the first day, with whether each is done and
    /// whether it is overdue.
    pub tasks: Vec<(i64, bool, bool)>,
}

/// The timeline: the phases that have dates, from the first day of the first to the last day
/// of the last (widened to take in today), and where today falls.
#[derive(Debug, Clone, PartialEq)]
pub struct Timeline {
    /// The first day.
    pub start: Date,
    /// Days shown.
    pub days: i64,
    /// One bar per dated phase, in plan order.
    pub bars: Vec<TimelineBar>,
    /// Today, in days from the first day.
    pub today: i64,
}

/// The timeline on `today`; `None` when no phase has both dates.
pub fn timeline(register: &Register, today: Date) -> Option<Timeline> {
    let dated: Vec<_> = phases_in_order(register)
        .into_iter()
        .filter_map(|(id, p)| Some((id, p, p.start.parse::<Date>().ok()?, p.end.parse::<Date>().ok()?)))
        .collect();
    let first = dated.iter().map(|d| d.2).min()?;
    let last = dated.iter().map(|d| d.3).max()?;
    let (start, end) = (first.min(today), last.max(today));
    let bars = dated
        .into_iter()
        .map(|(id, phase, from, to)| TimelineBar {
            id: id.clone(),
            name: phase.name.clone(),
            from: start.days_until(from),
            days: from.days_until(to) + 1,
            progress: phase_progress(register, id, today),
            tasks: tasks_of(register, id)
                .into_iter()
                .filter_map(|(_, t)| {
                    let due = t.due.parse::<Date>().ok()?;
                    Some((start.days_until(due), !t.done.is_empty(), task_overdue(t, today)))
                })
                .collect(),
        })
        .collect();
    Some(Timeline { start, days: start.days_until(end) + 1, bars, today: start.days_until(today) })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn register() -> Register {
        let mut r = Register::default();
        let phase = |order, name: &str, start: &str, end: &str| Phase {
            order,
            name: name.into(),
            start: start.into(),
            end: end.into(),
            ..Phase::default()
        };
        r.phases.insert("p1".into(), phase(1, "组织动员", "2026-11-01", "2026-11-21"));
        r.phases.insert("p2".into(), phase(2, "清权明责", "2026-11-22", "2026-12-12"));
        let task = |phase: &str, what: &str, due: &str, done: &str| Task {
            phase: phase.into(),
            what: what.into(),
            due: due.into(),
            done: done.into(),
            ..Task::default()
        };
        r.tasks.insert("t1".into(), task("p1", "召开动员会", "2026-11-05", "2026-11-04"));
        r.tasks.insert("t2".into(), task("p1", "组织学习", "2026-11-20", ""));
        r.tasks.insert("t3".into(), task("p2", "清理职权", "2026-12-10", ""));
        r
    }

    #[test]
    fn a_phase_is_done_when_its_tasks_are_not_when_its_dates_pass() {
        let mut r = register();
        let today = day("2026-11-25");
        // The first phase's dates have passed, but one task is open (and overdue).
        assert_eq!(phase_progress(&r, "p1", today), PhaseProgress { tasks: 2, done: 1, overdue: 1 });
        assert!(!phase_progress(&r, "p1", today).complete());
        assert_eq!(overdue_tasks(&r, today).into_iter().map(|(id, _)| id.as_str()).collect::<Vec<_>>(), ["t2"]);
        r.tasks.get_mut("t2").unwrap().done = "2026-11-26".into();
        assert!(phase_progress(&r, "p1", today).complete());
        // A phase with no task is not done, whatever its dates.
        r.tasks.get_mut("t3").unwrap().archived = Some(crate::model::Archived { by: "".into(), at: 0 });
        assert!(!phase_progress(&r, "p2", day("2027-01-01")).complete());
        // On its time limit a task is not yet overdue.
        assert!(!task_overdue(&r.tasks["t3"], day("2026-12-10")));
    }

    #[test]
    fn the_four_have_need_a_done_task_with_evidence() {
        let mut r = register();
        assert!(four_have(&r).iter().all(|(_, has)| !has));
        let t = r.tasks.get_mut("t1").unwrap();
        t.four = Some(FourHave::Notes);
        assert!(!four_have(&r)[2].1, "done but without evidence");
        r.tasks.get_mut("t1").unwrap().reference = "学习笔记（2026年11月）".into();
        assert_eq!(four_have(&r).into_iter().map(|(_, has)| has).collect::<Vec<_>>(), [false, false, true, false]);
    }

    #[test]
    fn each_line_of_the_main_tasks_is_a_task_and_headings_are_not() {
        let text = "召开动员会。\n\n完善以下十项制度：\n（1）重大事项民主决策制度\n  组织学习  ";
        assert_eq!(task_lines(text), ["召开动员会。", "（1）重大事项民主决策制度", "组织学习"]);
    }

    #[test]
    fn the_timeline_spans_the_phases_and_today() {
        let r = register();
        let t = timeline(&r, day("2026-11-25")).unwrap();
        assert_eq!((t.start, t.days, t.today), (day("2026-11-01"), 42, 24));
        assert_eq!(
            t.bars.iter().map(|b| (b.name.as_str(), b.from, b.days)).collect::<Vec<_>>(),
            [("组织动员", 0, 21), ("清权明责", 21, 21)]
        );
        assert_eq!(t.bars[0].tasks, [(4, true, false), (19, false, true)]);
        // Today before the plan widens it to the left.
        let early = timeline(&r, day("2026-10-30")).unwrap();
        assert_eq!((early.start, early.today, early.bars[0].from), (day("2026-10-30"), 0, 2));
        assert!(timeline(&Register::default(), day("2026-11-25")).is_none());
    }
}
