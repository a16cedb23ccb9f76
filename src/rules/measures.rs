//! When a measure is overdue.

use std::collections::HashMap;

use crate::model::{Date, Id, Measure, Register};

/// Whether `measure` is past its due date and not finished, on `today`. A measure without a
/// due date, or with one that does not parse, is never overdue.
pub fn is_overdue(measure: &Measure, today: Date) -> bool {
    measure.archived.is_none() && !measure.status.is_finished() && due_before(&measure.due, &today.to_string())
}

/// Whether stored due date `due` is before `today` (`YYYY-MM-DD`). Forms store dates in that
/// form, where text order is date order, so lists of thousands compare without parsing.
fn due_before(due: &str, today: &str) -> bool {
    if due.len() == 10 && due.as_bytes()[4] == b'-' {
        due < today
    } else {
        due.parse::<Date>().is_ok_and(|d| d.to_string().as_str() < today)
    }
}

/// The active measures of active risk points that are overdue on `today`, by id.
pub fn overdue_measures(register: &Register, today: Date) -> Vec<&Id> {
    let today = today.to_string();
    register
        .measures
        .iter()
        .filter(|(_, m)| m.archived.is_none() && !m.status.is_finished() && due_before(&m.due, &today))
        .filter(|(_, m)| register.risks.get(&m.risk).is_some_and(|r| r.archived.is_none()))
        .map(|(id, _)| id)
        .collect()
}

fn by_stage_then_due(a: &(&Id, &Measure), b: &(&Id, &Measure)) -> std::cmp::Ordering {
    a.1.stage.cmp(&b.1.stage).then(a.1.due.cmp(&b.1.due)).then(a.0.cmp(b.0))
}

/// The active measures of risk point `risk`, by stage then due date.
pub fn measures_of<'a>(register: &'a Register, risk: &str) -> Vec<(&'a Id, &'a Measure)> {
    let mut found: Vec<_> = register.measures.iter().filter(|(_, m)| m.risk == risk && m.archived.is_none()).collect();
    found.sort_by(by_stage_then_due);
    found
}

/// Every risk point's active measures, gathered in one pass: for pages over all points, where
/// asking [`measures_of`] per point would scan every measure once per point.
pub struct MeasuresByRisk<'a>(HashMap<&'a str, Vec<(&'a Id, &'a Measure)>>);

impl<'a> MeasuresByRisk<'a> {
    /// The index of `register`'s measures.
    pub fn new(register: &'a Register) -> Self {
        let mut index: HashMap<&str, Vec<(&Id, &Measure)>> = HashMap::new();
        for (id, m) in register.measures.iter().filter(|(_, m)| m.archived.is_none()) {
            index.entry(m.risk.as_str()).or_default().push((id, m));
        }
        index.values_mut().for_each(|list| list.sort_by(by_stage_then_due));
        Self(index)
    }

    /// The measures of `risk`, by stage then due date.
    pub fn of(&self, risk: &str) -> &[(&'a Id, &'a Measure)] {
        self.0.get(risk).map_or(&[], Vec::as_slice)
    }
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
