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

/// A typical risk point the template suggests, with its measures by stage.
#[derive(Debug, Clone, Deserialize)]
pub struct TemplateRisk {
    /// The department's name in the template.
    pub department: String,
    /// The risk kind's name in the template.
    pub kind: String,
    /// Suggested level code, "1"–"3".
    pub level: String,
    /// 职权事项
    pub power_item: String,
    /// 风险点描述
    pub description: String,
    /// 表现形式
    pub manifestations: String,
    /// 诱因
    pub causes: String,
    /// One measure per stage code ("prevent", "monitor", "handle").
    pub measures: std::collections::BTreeMap<String, String>,
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
    /// Typical risk points, seeded as drafts the committee adopts, edits or archives.
    #[serde(default)]
    pub risks: Vec<TemplateRisk>,
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

    #[test]
    fn the_template_risks_name_its_own_departments_kinds_and_stages() {
        let t = Template::school();
        assert!(t.risks.len() >= 10);
        for risk in &t.risks {
            assert!(t.departments.contains(&risk.department), "{}", risk.department);
            assert!(t.risk_kinds.contains(&risk.kind), "{}", risk.kind);
            assert!(crate::model::RiskLevel::from_code(&risk.level).is_some());
            for stage in risk.measures.keys() {
                assert!(crate::model::MeasureStage::from_code(stage).is_some(), "{stage}");
            }
        }
    }
}
