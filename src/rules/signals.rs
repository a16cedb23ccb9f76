//! 预警信号: warnings the register itself suggests, each with its reason, for the committee to
//! raise or dismiss with a reason. The thresholds are the register's settings.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{Date, Entity, Id, Register, RiskLevel, Source, Target};
use crate::rules::in_register;

/// A warning the register suggests.
#[derive(Debug, Clone, PartialEq)]
pub struct Signal {
    /// Stable while its cause lasts: a dismissal or a warning raised from it names this key.
    pub key: String,
    /// The level proposed.
    pub level: RiskLevel,
    /// Whom it is about.
    pub target: Target,
    /// The person, department or risk point.
    pub target_id: Id,
    /// What a warning raised from it records as its source …
    pub source: Source,
    /// … and source id: the measure's id for an overdue measure, otherwise the signal's key.
    /// A warning with this source and id means the signal was raised.
    pub source_id: String,
    /// The locale key of its reason, and the reason's arguments.
    pub reason: (&'static str, Vec<(&'static str, String)>),
}

/// The 一级 and 二级 risk points in the register that no spot check has covered in the year up
/// to `today` (每年至少抽查一次).
pub fn unchecked_risks(register: &Register, today: Date) -> Vec<Id> {
    let since = today.add_months(-12);
    let checked: BTreeSet<&Id> = register
        .checks
        .values()
        .filter(|c| c.is_active() && c.done.parse::<Date>().is_ok_and(|d| d > since && d <= today))
        .map(|c| &c.risk)
        .collect();
    register
        .risks
        .iter()
        .filter(|(id, r)| {
            r.is_active()
                && in_register(r)
                && matches!(r.level, RiskLevel::One | RiskLevel::Two)
                && !checked.contains(id)
        })
        .map(|(id, _)| id.clone())
        .collect()
}

/// The signals of `register` on `today`, minus those already raised or dismissed.
pub fn signals(register: &Register, today: Date) -> Vec<Signal> {
    let thresholds = &register.settings.signals;
    let mut found = Vec::new();

    // A measure overdue more than the threshold → 三级 to its risk point's department.
    for (id, measure) in register.measures.iter().filter(|(_, m)| m.is_active() && !m.status.is_finished()) {
        let Ok(due) = measure.due.parse::<Date>() else { continue };
        let late = due.days_until(today);
        let Some(risk) = register.risks.get(&measure.risk).filter(|r| r.is_active()) else { continue };
        if late > i64::from(thresholds.overdue_days)
            && let Some(department) = risk.department.clone()
        {
            found.push(Signal {
                key: format!("measure:{id}"),
                level: RiskLevel::Three,
                target: Target::Department,
                target_id: department,
                source: Source::OverdueMeasure,
                source_id: id.clone(),
                reason: ("signal.overdue_measure", vec![("measure", measure.label()), ("days", late.to_string())]),
            });
        }
    }

    // Several complaints about one person within the window → 二级.
    let since = today.add_months(-(thresholds.complaint_months as i32));
    let mut about: BTreeMap<&str, Vec<(Date, &Id)>> = BTreeMap::new();
    for (id, complaint) in register.complaints.iter().filter(|(_, c)| c.is_active() && !c.person.is_empty()) {
        if let Ok(received) = complaint.received.parse::<Date>()
            && received >= since
            && received <= today
        {
            about.entry(complaint.person.as_str()).or_default().push((received, id));
        }
    }
    for (person, mut complaints) in about {
        if complaints.len() >= thresholds.complaints as usize {
            complaints.sort();
            let newest = complaints.last().map(|(_, id)| id.as_str()).unwrap_or_default();
            let key = format!("complaints:{person}:{newest}");
            found.push(Signal {
                key: key.clone(),
                level: RiskLevel::Two,
                target: Target::Person,
                target_id: person.to_string(),
                source: Source::Signal,
                source_id: key,
                reason: (
                    "signal.complaints",
                    vec![
                        ("person", register.person_name(person).unwrap_or_default().to_string()),
                        ("n", complaints.len().to_string()),
                        ("months", thresholds.complaint_months.to_string()),
                    ],
                ),
            });
        }
    }

    // A closed publicity round with an opinion never answered → 三级 to the group's leader.
    if let Some(leader) = &register.leading_group.leader {
        for (id, round) in register.publicity.iter().filter(|(_, p)| p.is_active() && p.closed.is_some()) {
            let unanswered = round.opinions.values().filter(|o| o.answer.trim().is_empty()).count();
            if unanswered > 0 {
                let key = format!("publicity:{id}");
                found.push(Signal {
                    key: key.clone(),
                    level: RiskLevel::Three,
                    target: Target::Person,
                    target_id: leader.clone(),
                    source: Source::Signal,
                    source_id: key,
                    reason: (
                        "signal.unanswered_opinions",
                        vec![("round", round.title.clone()), ("n", unanswered.to_string())],
                    ),
                });
            }
        }
    }

    // A 一级 or 二级 point not checked within the year → 三级 to its department.
    for id in unchecked_risks(register, today) {
        let risk = &register.risks[&id];
        let Some(department) = register.risk_department(risk).cloned() else { continue };
        let key = format!("unchecked:{id}:{}", today.year());
        found.push(Signal {
            key: key.clone(),
            level: RiskLevel::Three,
            target: Target::Department,
            target_id: department,
            source: Source::Signal,
            source_id: key,
            reason: ("signal.unchecked", vec![("risk", risk.label())]),
        });
    }

    let raised: BTreeSet<(Source, &str)> =
        register.warnings.values().map(|w| (w.source, w.source_id.as_str())).collect();
    found.retain(|s| {
        !register.settings.dismissed_signals.contains_key(&s.key) && !raised.contains(&(s.source, s.source_id.as_str()))
    });
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        Archived, Complaint, Department, Dismissed, Measure, MeasureStatus, Opinion, Person, Publicity, RiskPoint,
        Warning,
    };

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn register() -> Register {
        let mut r = Register::default();
        r.departments.insert("caiwu".into(), Department { name: "财务室".into(), ..Default::default() });
        r.people.insert("wang".into(), Person { name: "王会计".into(), ..Default::default() });
        r.risks.insert("risk".into(), RiskPoint { department: Some("caiwu".into()), ..Default::default() });
        r
    }

    fn keys(register: &Register, today: &str) -> Vec<String> {
        signals(register, d(today)).into_iter().map(|s| s.key).collect()
    }

    #[test]
    fn a_measure_overdue_past_the_threshold_signals_its_department() {
        let mut r = register();
        let measure = Measure { risk: "risk".into(), due: "2026-10-01".into(), ..Default::default() };
        r.measures.insert("m".into(), measure);
        assert!(keys(&r, "2026-10-31").is_empty(), "30 days late is not yet more than 30");
        let found = signals(&r, d("2026-11-01"));
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].level, found[0].target, found[0].target_id.as_str()),
            (RiskLevel::Three, Target::Department, "caiwu")
        );
        // Done, archived, or raised already: no signal.
        r.measures.get_mut("m").unwrap().status = MeasureStatus::Done;
        assert!(keys(&r, "2026-11-01").is_empty());
        r.measures.get_mut("m").unwrap().status = MeasureStatus::InProgress;
        let warning = Warning { source: Source::OverdueMeasure, source_id: "m".into(), ..Default::default() };
        r.warnings.insert("w".into(), warning);
        assert!(keys(&r, "2026-11-01").is_empty());
    }

    #[test]
    fn two_complaints_about_one_person_within_six_months_signal_level_two() {
        let mut r = register();
        let complaint =
            |received: &str| Complaint { person: "wang".into(), received: received.into(), ..Default::default() };
        r.complaints.insert("c1".into(), complaint("2026-03-01"));
        r.complaints.insert("c2".into(), complaint("2026-10-01"));
        assert!(keys(&r, "2026-11-28").is_empty(), "March is more than six months before November");
        r.complaints.insert("c3".into(), complaint("2026-11-20"));
        let found = signals(&r, d("2026-11-28"));
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].level, found[0].target_id.as_str()), (RiskLevel::Two, "wang"));
        assert_eq!(found[0].key, "complaints:wang:c3");
        // Dismissed with a reason: gone until a newer complaint comes.
        let dismissed = Dismissed { reason: "已核实，不属实".into(), by: String::new(), at: 0 };
        r.settings.dismissed_signals.insert("complaints:wang:c3".into(), dismissed);
        assert!(keys(&r, "2026-11-28").is_empty());
        r.complaints.insert("c4".into(), complaint("2026-11-25"));
        assert_eq!(keys(&r, "2026-11-28"), ["complaints:wang:c4"]);
        // Raised: gone too.
        let raised = Warning { source: Source::Signal, source_id: "complaints:wang:c4".into(), ..Default::default() };
        r.warnings.insert("w".into(), raised);
        assert!(keys(&r, "2026-11-28").is_empty());
        r.warnings.clear();
        // Archived complaints do not count.
        for c in r.complaints.values_mut() {
            c.archived = Some(Archived { by: String::new(), at: 0 });
        }
        assert!(keys(&r, "2026-11-28").is_empty());
    }

    #[test]
    fn a_closed_round_with_unanswered_opinions_signals_the_leader() {
        let mut r = register();
        r.leading_group.leader = Some("wang".into());
        let opinion = Opinion {
            from: String::new(),
            text: "公示时间太短".into(),
            answer: String::new(),
            recorded_by: String::new(),
            at: 0,
        };
        let mut round = Publicity { title: "2026年公示".into(), ..Default::default() };
        round.opinions.insert("o".into(), opinion);
        r.publicity.insert("p".into(), round);
        assert!(keys(&r, "2026-11-28").is_empty(), "an open round may still answer");
        r.publicity.get_mut("p").unwrap().closed = Some(Archived { by: String::new(), at: 0 });
        assert_eq!(keys(&r, "2026-11-28"), ["publicity:p"]);
        r.publicity.get_mut("p").unwrap().opinions.get_mut("o").unwrap().answer = "已延长".into();
        assert!(keys(&r, "2026-11-28").is_empty());
    }

    #[test]
    fn a_level_one_or_two_point_unchecked_for_a_year_signals_its_department() {
        use crate::model::{ReviewStage, SpotCheck};
        let mut r = register();
        let point = |level| RiskPoint {
            department: Some("caiwu".into()),
            level,
            review: ReviewStage::Approved,
            ..Default::default()
        };
        r.risks.insert("high".into(), point(RiskLevel::One));
        r.risks.insert("low".into(), point(RiskLevel::Three));
        assert_eq!(unchecked_risks(&r, d("2026-11-28")), ["high"]);
        assert_eq!(keys(&r, "2026-11-28"), ["unchecked:high:2026"]);
        // A check planned but not done does not count; one done within the year does.
        let check = |done: &str| SpotCheck {
            risk: "high".into(),
            planned: "2026-11-01".into(),
            done: done.into(),
            ..Default::default()
        };
        r.checks.insert("planned".into(), check(""));
        assert_eq!(unchecked_risks(&r, d("2026-11-28")), ["high"]);
        r.checks.insert("done".into(), check("2025-12-01"));
        assert!(unchecked_risks(&r, d("2026-11-28")).is_empty());
        assert_eq!(unchecked_risks(&r, d("2026-12-02")), ["high"], "a year later it is due again");
    }
}
