//! The figures of the overview page.

use super::responsibility::graded_responsibility;
use crate::model::{Date, Id, Register, RiskLevel};

/// Counts of active records, and where the register needs attention.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Dashboard {
    /// Active risk points per level: 一级, 二级, 三级.
    pub by_level: [usize; 3],
    /// Per active risk kind (name, counts per level), in the kinds' name order.
    pub by_kind: Vec<(String, [usize; 3])>,
    /// Active risk points where some accountable role is unfilled.
    pub responsibility_gaps: usize,
    /// Active people, departments and posts.
    pub people: usize,
    /// Active departments.
    pub departments: usize,
    /// Active posts.
    pub posts: usize,
    /// The phase whose dates contain `today`, if any.
    pub current_phase: Option<Id>,
}

fn level_index(level: RiskLevel) -> usize {
    match level {
        RiskLevel::One => 0,
        RiskLevel::Two => 1,
        RiskLevel::Three => 2,
    }
}

/// The overview of `register` on `today`.
pub fn dashboard(register: &Register, today: Date) -> Dashboard {
    let mut d = Dashboard::default();
    let mut kinds: Vec<(&Id, String, [usize; 3])> = register
        .risk_kinds
        .iter()
        .filter(|(_, k)| k.archived.is_none())
        .map(|(id, k)| (id, k.name.clone(), [0; 3]))
        .collect();
    for risk in register.risks.values().filter(|r| r.archived.is_none()) {
        let level = level_index(risk.level);
        d.by_level[level] += 1;
        if let Some(kind) = kinds.iter_mut().find(|(id, _, _)| **id == risk.kind) {
            kind.2[level] += 1;
        }
        if graded_responsibility(register, risk).has_gaps() {
            d.responsibility_gaps += 1;
        }
    }
    kinds.sort_by(|a, b| a.1.cmp(&b.1));
    d.by_kind = kinds.into_iter().map(|(_, name, counts)| (name, counts)).collect();
    d.people = register.people.values().filter(|p| p.archived.is_none()).count();
    d.departments = register.departments.values().filter(|x| x.archived.is_none()).count();
    d.posts = register.posts.values().filter(|x| x.archived.is_none()).count();
    d.current_phase = register
        .phases
        .iter()
        .filter(|(_, p)| p.archived.is_none())
        .find(|(_, p)| {
            let (Ok(start), Ok(end)) = (p.start.parse::<Date>(), p.end.parse::<Date>()) else {
                return false;
            };
            start <= today && today <= end
        })
        .map(|(id, _)| id.clone());
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Archived, Phase, RiskKind, RiskPoint};

    #[test]
    fn counts_active_risks_by_level_and_kind() {
        let mut r = Register::default();
        r.risk_kinds.insert("k1".into(), RiskKind { name: "岗位职责风险".into(), archived: None });
        r.risk_kinds.insert("k2".into(), RiskKind { name: "思想道德风险".into(), archived: None });
        for (id, kind, level, archived) in [
            ("a", "k1", RiskLevel::One, false),
            ("b", "k1", RiskLevel::Three, false),
            ("c", "k2", RiskLevel::Three, false),
            ("d", "k2", RiskLevel::Three, true),
        ] {
            r.risks.insert(
                id.into(),
                RiskPoint {
                    kind: kind.into(),
                    level,
                    archived: archived.then(|| Archived { by: String::new(), at: 0 }),
                    ..RiskPoint::default()
                },
            );
        }
        r.phases.insert(
            "p".into(),
            Phase {
                name: "查找风险点".into(),
                start: "2026-11-01".into(),
                end: "2026-11-30".into(),
                ..Phase::default()
            },
        );
        let d = dashboard(&r, "2026-11-27".parse().unwrap());
        assert_eq!(d.by_level, [1, 0, 2]);
        assert_eq!(d.by_kind, vec![("岗位职责风险".to_string(), [1, 0, 1]), ("思想道德风险".to_string(), [0, 0, 1])]);
        // None of them has a department, so each lacks its head.
        assert_eq!(d.responsibility_gaps, 3);
        assert_eq!(d.current_phase.as_deref(), Some("p"));
        assert_eq!(dashboard(&r, "2026-12-01".parse().unwrap()).current_phase, None);
    }
}
