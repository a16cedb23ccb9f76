//! 自评总结 and 迎接验收材料: the figures a self-evaluation summary states, its first draft, and
//! the inspection packet: every record of a period, in order, as tables under one contents page.

use super::table::{Table, catalogue_table};
use super::warnings::warning_summary;
use crate::i18n::{Locale, format, text};
use crate::model::{Date, MeasureStatus, Register};
use crate::rules::{
    BoardColumn, Case, card_ledger, dashboard, evaluation_score, fund_coverage, in_register, meeting_flags, must_sign,
    not_signed, phase_progress, phases_in_order, score_text, talks_due, yuan,
};

/// What a summary states, as the rules count it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SummaryFigures {
    /// Points in the register per level (一级, 二级, 三级).
    pub points: [usize; 3],
    /// Per risk kind, its points per level.
    pub by_kind: Vec<(String, [usize; 3])>,
    /// Measures of those points done (已完成 or 已核验), and all of them.
    pub measures: (usize, usize),
    /// Warnings raised in the period whose case is closed, and all raised in it.
    pub warnings: (usize, usize),
    /// Phases complete (every task done), and all phases.
    pub phases: (usize, usize),
    /// People who signed the pledge in force, and all who must.
    pub pledges: (usize, usize),
    /// Approved duty cards.
    pub cards: usize,
    /// Evaluations of the period's last year scored, and of them below the pass mark.
    pub evaluations: (usize, usize),
    /// Funds checked in the period's last year, and all funds.
    pub funds: (usize, usize),
    /// Meetings held in the period, and of them flagged.
    pub meetings: (usize, usize),
}

/// The figures of a summary of `from`–`to`, as of `today`.
pub fn summary_figures(register: &Register, from: Date, to: Date, today: Date) -> SummaryFigures {
    let overview = dashboard(register, today);
    let year = to.year().to_string();
    let in_period = |day: &str| day.parse::<Date>().is_ok_and(|d| d >= from && d <= to);
    let measures: Vec<_> = register
        .measures
        .values()
        .filter(|m| {
            m.archived.is_none() && register.risks.get(&m.risk).is_some_and(|r| in_register(r) && r.archived.is_none())
        })
        .collect();
    let done = measures.iter().filter(|m| matches!(m.status, MeasureStatus::Done | MeasureStatus::Verified)).count();
    let warnings: Vec<_> =
        register.warnings.values().filter(|w| w.archived.is_none() && in_period(&w.raised)).collect();
    let closed = warnings.iter().filter(|w| Case::of(w).column(today) == BoardColumn::Closed).count();
    let evaluations: Vec<_> =
        register.evaluations.values().filter(|e| e.archived.is_none() && e.year == year).collect();
    let scored: Vec<u32> = evaluations.iter().filter_map(|e| evaluation_score(register, e)).collect();
    let pass = register.settings.records.pass_mark * 10;
    let meetings: Vec<_> = register.meetings.values().filter(|m| m.archived.is_none() && in_period(&m.date)).collect();
    let must = must_sign(register).len();
    SummaryFigures {
        points: overview.by_level,
        by_kind: overview.by_kind,
        measures: (done, measures.len()),
        warnings: (closed, warnings.len()),
        phases: overview.phases_done,
        pledges: (must - not_signed(register).len(), must),
        cards: card_ledger(register).len(),
        evaluations: (scored.len(), scored.iter().filter(|s| **s < pass).count()),
        funds: fund_coverage(register, &year),
        meetings: (meetings.len(), meetings.iter().filter(|m| !meeting_flags(register, m).is_empty()).count()),
    }
}

/// A first draft of the summary's text from its figures, in `locale`: the committee edits it
/// before freezing it.
pub fn summary_draft(register: &Register, figures: &SummaryFigures, from: Date, to: Date, locale: Locale) -> String {
    let n = |v: usize| v.to_string();
    let [one, two, three] = figures.points;
    let kinds = figures
        .by_kind
        .iter()
        .map(|(name, c)| format(locale, "selfreview.kind_line", &[("kind", name), ("n", &n(c.iter().sum()))]))
        .collect::<Vec<_>>()
        .join(text(locale, "selfreview.separator"));
    [
        format(
            locale,
            "selfreview.opening",
            &[("unit", &register.unit.name), ("from", &from.to_string()), ("to", &to.to_string())],
        ),
        format(
            locale,
            "selfreview.points",
            &[
                ("all", &n(one + two + three)),
                ("one", &n(one)),
                ("two", &n(two)),
                ("three", &n(three)),
                ("kinds", &kinds),
            ],
        ),
        format(locale, "selfreview.measures", &[("done", &n(figures.measures.0)), ("all", &n(figures.measures.1))]),
        format(locale, "selfreview.warnings", &[("closed", &n(figures.warnings.0)), ("all", &n(figures.warnings.1))]),
        format(locale, "selfreview.phases", &[("done", &n(figures.phases.0)), ("all", &n(figures.phases.1))]),
        format(
            locale,
            "selfreview.records",
            &[
                ("signed", &n(figures.pledges.0)),
                ("must", &n(figures.pledges.1)),
                ("cards", &n(figures.cards)),
                ("scored", &n(figures.evaluations.0)),
                ("below", &n(figures.evaluations.1)),
            ],
        ),
        format(
            locale,
            "selfreview.funds",
            &[
                ("checked", &n(figures.funds.0)),
                ("all", &n(figures.funds.1)),
                ("meetings", &n(figures.meetings.0)),
                ("flagged", &n(figures.meetings.1)),
            ],
        ),
        text(locale, "selfreview.closing").to_string(),
    ]
    .join("\n\n")
}

fn table(locale: Locale, title: &'static str, headers: &[&'static str], rows: Vec<Vec<String>>) -> Table {
    Table {
        title: text(locale, title).to_string(),
        headers: headers.iter().map(|h| text(locale, h).to_string()).collect(),
        rows,
    }
}

/// 迎接验收材料: the records of `from`–`to` in the order the plan keeps them, one table each.
/// Dated records (meetings, checks, activities, warnings, submissions) are those of the period;
/// standing ones (the organisation, the catalogue, rules, cards) are as they stand.
pub fn packet(register: &Register, from: Date, to: Date, today: Date, locale: Locale) -> Vec<Table> {
    let in_period = |day: &str| day.parse::<Date>().is_ok_and(|d| d >= from && d <= to);
    let name = |id: &str| register.person_name(id).unwrap_or_default().to_string();
    let names = |ids: &mut dyn Iterator<Item = &String>| ids.map(|id| name(id)).collect::<Vec<_>>().join("、");
    let group = &register.leading_group;
    let mut tables = Vec::new();

    tables.push(table(
        locale,
        "packet.group",
        &["packet.role", "packet.people"],
        vec![
            vec![text(locale, "group.leader").to_string(), group.leader.as_deref().map(name).unwrap_or_default()],
            vec![text(locale, "group.deputies").to_string(), names(&mut group.deputies.keys())],
            vec![text(locale, "group.members").to_string(), names(&mut group.members.keys())],
        ],
    ));

    let mut tasks = Vec::new();
    for (id, phase) in phases_in_order(register) {
        let progress = phase_progress(register, id, today);
        for (_, task) in crate::rules::tasks_of(register, id) {
            tasks.push(vec![
                phase.name.clone(),
                task.what.clone(),
                task.owner.as_deref().map(name).unwrap_or_default(),
                task.due.clone(),
                task.done.clone(),
                [task.evidence.as_str(), task.reference.as_str()]
                    .iter()
                    .filter(|s| !s.is_empty())
                    .copied()
                    .collect::<Vec<_>>()
                    .join("；"),
            ]);
        }
        if progress.tasks == 0 {
            tasks.push(vec![
                phase.name.clone(),
                String::new(),
                String::new(),
                phase.end.clone(),
                String::new(),
                String::new(),
            ]);
        }
    }
    tables.push(table(
        locale,
        "packet.plan",
        &["task.phase", "task.what", "task.owner", "task.due", "task.done", "task.evidence"],
        tasks,
    ));

    let mut catalogue = catalogue_table(register, locale);
    catalogue.title = text(locale, "catalogue.title").to_string();
    tables.push(catalogue);

    let mut warnings = warning_summary(register, from, to, today, locale);
    warnings.title = text(locale, "summary.title").to_string();
    tables.push(warnings);

    let current = crate::rules::current_pledge(register);
    let mut signatures: Vec<Vec<String>> = current
        .map(|(_, p)| p.signatures.iter().map(|(person, s)| vec![name(person), s.date.clone()]).collect())
        .unwrap_or_default();
    signatures.sort_by(|a, b| a[1].cmp(&b[1]));
    tables.push(table(locale, "packet.pledges", &["pledge.person", "pledge.date"], signatures));

    let cards = card_ledger(register)
        .into_iter()
        .map(|(_, c)| {
            vec![name(&c.person), c.year.clone(), c.duties.as_str().to_string(), c.tasks.as_str().to_string()]
        })
        .collect();
    tables.push(table(locale, "card.ledger", &["card.person", "card.year", "card.duties", "card.tasks"], cards));

    let mut meetings: Vec<_> =
        register.meetings.values().filter(|m| m.archived.is_none() && in_period(&m.date)).collect();
    meetings.sort_by(|a, b| a.date.cmp(&b.date));
    let meetings = meetings
        .into_iter()
        .map(|m| {
            vec![
                m.date.clone(),
                register.bodies.get(&m.body).map(|b| b.name.clone()).unwrap_or_default(),
                m.matter.map(|k| text(locale, k.label_key())).unwrap_or(text(locale, "meeting.ordinary")).to_string(),
                m.topic.clone(),
                m.speaking_order().into_iter().map(|p| name(p)).collect::<Vec<_>>().join("→"),
                m.decision.as_str().to_string(),
                meeting_flags(register, m)
                    .into_iter()
                    .map(|f| text(locale, f.label_key()))
                    .collect::<Vec<_>>()
                    .join("；"),
            ]
        })
        .collect();
    tables.push(table(
        locale,
        "packet.meetings",
        &[
            "meeting.date",
            "meeting.body",
            "meeting.matter",
            "meeting.topic",
            "meeting.speakers",
            "meeting.decision",
            "meeting.flags",
        ],
        meetings,
    ));

    let mut checks = Vec::new();
    for fund in register.funds.values().filter(|f| f.archived.is_none()) {
        let department = fund.department.as_ref().and_then(|d| register.departments.get(d)).map(|d| d.name.clone());
        let amount = if fund.amount == 0 { String::new() } else { yuan(fund.amount) };
        let dated: Vec<_> = fund.checks.values().filter(|c| in_period(&c.date)).collect();
        if dated.is_empty() {
            checks.push(vec![
                fund.name.clone(),
                department.clone().unwrap_or_default(),
                amount.clone(),
                String::new(),
                text(locale, "fund.never_checked").to_string(),
            ]);
        }
        for check in dated {
            let findings = if check.findings.is_empty() {
                text(locale, "fund_check.no_problem").to_string()
            } else {
                check.findings.clone()
            };
            checks.push(vec![
                fund.name.clone(),
                department.clone().unwrap_or_default(),
                amount.clone(),
                check.date.clone(),
                findings,
            ]);
        }
    }
    tables.push(table(
        locale,
        "fund.title",
        &["fund.name", "fund.department", "fund.amount", "fund_check.date", "fund_check.findings"],
        checks,
    ));

    let mut rules: Vec<_> = register.regulations.values().filter(|r| r.archived.is_none()).collect();
    rules.sort_by(|a, b| a.name.cmp(&b.name));
    let rules = rules
        .into_iter()
        .map(|r| {
            vec![
                r.name.clone(),
                text(locale, r.status.label_key()).to_string(),
                r.in_force.clone(),
                r.revised.clone(),
                r.reference.clone(),
            ]
        })
        .collect();
    tables.push(table(
        locale,
        "rule.list",
        &["rule.name", "rule.status", "rule.in_force", "rule.revised", "rule.reference"],
        rules,
    ));

    let mut activities: Vec<_> =
        register.activities.values().filter(|a| a.archived.is_none() && in_period(&a.date)).collect();
    activities.sort_by(|a, b| a.date.cmp(&b.date));
    let activities = activities
        .into_iter()
        .map(|a| {
            vec![
                a.date.clone(),
                text(locale, a.kind.label_key()).to_string(),
                a.title.clone(),
                a.headcount.to_string(),
                a.evidence.as_str().to_string(),
            ]
        })
        .collect();
    tables.push(table(
        locale,
        "education.list",
        &["activity.date", "activity.kind", "activity.title", "activity.headcount", "activity.evidence"],
        activities,
    ));

    let mut evaluations: Vec<_> = register.evaluations.values().filter(|e| e.archived.is_none()).collect();
    evaluations.sort_by(|a, b| (&a.year, name(&a.person)).cmp(&(&b.year, name(&b.person))));
    let due: Vec<_> = talks_due(register).into_iter().map(|(_, e)| e).collect();
    let evaluations = evaluations
        .into_iter()
        .map(|e| {
            let talk = match &e.talk {
                Some(t) => format(locale, "evaluation.fail_talked", &[("date", &t.date)]),
                None if due.contains(&e) => text(locale, "evaluation.fail_talk_due").to_string(),
                None => String::new(),
            };
            vec![
                name(&e.person),
                e.year.clone(),
                evaluation_score(register, e).map(score_text).unwrap_or_default(),
                talk,
            ]
        })
        .collect();
    tables.push(table(
        locale,
        "evaluation.title",
        &["evaluation.person", "evaluation.year", "evaluation.score", "evaluation.result"],
        evaluations,
    ));

    let mut submissions: Vec<_> =
        register.submissions.values().filter(|s| s.archived.is_none() && in_period(&s.date)).collect();
    submissions.sort_by(|a, b| a.date.cmp(&b.date));
    let submissions = submissions
        .into_iter()
        .map(|s| {
            vec![
                s.date.clone(),
                s.what.clone(),
                s.to.clone(),
                s.by.as_deref().map(name).unwrap_or_default(),
                s.reference.clone(),
            ]
        })
        .collect();
    tables.push(table(
        locale,
        "submission.list",
        &["submission.date", "submission.what", "submission.to", "submission.by", "submission.reference"],
        submissions,
    ));

    let mut summaries: Vec<_> =
        register.summaries.values().filter(|s| s.archived.is_none() && in_period(&s.to)).collect();
    summaries.sort_by(|a, b| a.to.cmp(&b.to));
    let summaries = summaries.into_iter().map(|s| vec![s.title.clone(), s.text.as_str().to_string()]).collect();
    tables.push(table(locale, "selfreview.title", &["selfreview.name", "selfreview.text"], summaries));
    tables
}
