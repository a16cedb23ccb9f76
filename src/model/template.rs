//! Built-in templates a new register starts from.

use serde::Deserialize;

use super::Date;

/// A phase as a template gives it: dates follow from the register's creation day.
#[derive(Debug, Clone, Deserialize)]
pub struct TemplatePhase {
    /// 阶段名称
    pub name: String,
    /// How long it usually takes.
    pub weeks: i64,
    /// 主要任务
    pub tasks: String,
}

/// What a new register is seeded with.
#[derive(Debug, Clone, Deserialize)]
pub struct Template {
    /// Department names.
    pub departments: Vec<String>,
    /// The editable list of risk kinds.
    pub risk_kinds: Vec<String>,
    /// The plan's phases, in order.
    pub phases: Vec<TemplatePhase>,
}

impl Template {
    /// The primary-school template (DOMAIN.md §1–3).
    pub fn school() -> Self {
        serde_json::from_str(include_str!("../../templates/school.json"))
            .expect("the built-in school template is valid JSON")
    }

    /// Each phase with its first and last day, back to back from `start`.
    pub fn phase_dates(&self, start: Date) -> Vec<(Date, Date)> {
        let mut from = start;
        self.phases
            .iter()
            .map(|p| {
                let to = from.add_days(p.weeks * 7 - 1);
                let dates = (from, to);
                from = to.add_days(1);
                dates
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_school_template_has_the_standard_departments_and_phases() {
        let t = Template::school();
        assert_eq!(t.departments, ["党支部", "办公室", "总务处", "财务室", "教务处", "食堂"]);
        assert!(t.risk_kinds.iter().any(|k| k == "思想道德风险"));
        assert_eq!(t.phases.len(), 6);
        let dates = t.phase_dates("2026-11-27".parse().unwrap());
        assert_eq!(dates[0].0.to_string(), "2026-11-27");
        assert_eq!(dates[0].1.to_string(), "2026-12-17");
        assert_eq!(dates[1].0.to_string(), "2026-12-18");
    }
}
