//! When a measure is overdue.

use crate::model::{Date, Id, Measure, Register};

/// Whether `measure` is past its due date and not finished, on `today`. A measure without a
/// due date, or with one that does not parse, is never overdue.
pub fn is_overdue(measure: &Measure, today: Date) -> bool {
    measure.archived.is_none()
        && !measure.status.is_finished()
        && measure.due.parse::<Date>().is_ok_and(|due| due < today)
}

/// The active measures of active risk points that are overdue on `today`, by id.
pub fn overdue_measures(register: &Register, today: Date) -> Vec<&Id> {
    register
        .measures
        .iter()
        .filter(|(_, m)| register.risks.get(&m.risk).is_some_and(|r| r.archived.is_none()))
        .filter(|(_, m)| is_overdue(m, today))
        .map(|(id, _)| id)
        .collect()
}

/// The active measures of risk point `risk`, by stage then due date.
pub fn measures_of<'a>(register: &'a Register, risk: &str) -> Vec<(&'a Id, &'a Measure)> {
    let mut found: Vec<_> = register.measures.iter().filter(|(_, m)| m.risk == risk && m.archived.is_none()).collect();
    found.sort_by(|a, b| a.1.stage.cmp(&b.1.stage).then(a.1.due.cmp(&b.1.due)).then(a.0.cmp(b.0)));
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Archived, MeasureStatus, RiskPoint};

    fn measure(due: &str, status: MeasureStatus) -> Measure {
        Measure { risk: "r".into(), due: due.into(), status, ..Measure::default() }
    }

    #[test]
    fn overdue_means_past_due_and_unfinished() {
        let today: Date = "2026-11-27".parse().unwrap();
        assert!(is_overdue(&measure("2026-11-26", MeasureStatus::Planned), today));
        assert!(is_overdue(&measure("2026-01-01", MeasureStatus::InProgress), today));
        assert!(!is_overdue(&measure("2026-11-27", MeasureStatus::Planned), today), "due today is not late");
        assert!(!is_overdue(&measure("2026-11-26", MeasureStatus::Done), today));
        assert!(!is_overdue(&measure("2026-11-26", MeasureStatus::Verified), today));
        assert!(!is_overdue(&measure("", MeasureStatus::Planned), today));
        let mut archived = measure("2026-11-26", MeasureStatus::Planned);
        archived.archived = Some(Archived { by: String::new(), at: 0 });
        assert!(!is_overdue(&archived, today));
    }

    #[test]
    fn measures_of_archived_points_are_not_counted() {
        let today: Date = "2026-11-27".parse().unwrap();
        let mut r = Register::default();
        r.risks.insert("r".into(), RiskPoint::default());
        r.measures.insert("m1".into(), measure("2026-11-01", MeasureStatus::Planned));
        r.measures.insert("m2".into(), measure("2026-12-01", MeasureStatus::Planned));
        assert_eq!(overdue_measures(&r, today), vec!["m1"]);
        r.risks.get_mut("r").unwrap().archived = Some(Archived { by: String::new(), at: 0 });
        assert!(overdue_measures(&r, today).is_empty());
    }
}
