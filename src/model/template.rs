//! Built-in templates a new register starts from.

use std::sync::LazyLock;

use serde::Deserialize;

use super::Date;

/// A phase as a template gives it: dates follow from the register's creation day.
#[derive(Debug, Clone, Deserialize)]
pub struct TemplatePhase {
    /// 阶段名称
    pub name: String,
    /// How long it usually takes.
    pub weeks: i64,
    /// 主要任务, one task a line (a line ending in “：” heads the lines after it).
    pub tasks: String,
    /// The “4有” evidence the phase's study collects, each a task of its own.
    #[serde(default)]
    pub four_have: Vec<TemplateFourHave>,
}

/// A task that evidences one of the “4有”.
#[derive(Debug, Clone, Deserialize)]
pub struct TemplateFourHave {
    /// A [`FourHave`](super::FourHave) code.
    pub four: String,
    /// 任务
    pub what: String,
}

/// A post the template sets up.
#[derive(Debug, Clone, Deserialize)]
pub struct TemplatePost {
    /// 岗位名称
    pub name: String,
    /// The department's (or subordinate unit's) name in the template.
    pub department: String,
    /// 职级: one of the template's ranks.
    pub rank: String,
    /// A key post (重点对象).
    pub key: bool,
    /// 岗位职责, one per line.
    pub duties: String,
}

/// A typical risk point the template suggests, with its measures by stage.
#[derive(Debug, Clone, Deserialize)]
pub struct TemplateRisk {
    /// 层级: "post", "department" or "unit".
    pub scope: String,
    /// The post's name in the template, for a post's point.
    #[serde(default)]
    pub post: String,
    /// The department's name in the template ("" for some unit points).
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

/// The pledge's first version (廉政承诺书), as the seed gives it.
#[derive(Debug, Clone, Deserialize)]
pub struct TemplatePledge {
    /// 标题
    pub title: String,
    /// 承诺内容
    pub text: String,
}

/// A body the unit keeps besides the leading group (校务会, 民主理财小组, …).
#[derive(Debug, Clone, Deserialize)]
pub struct TemplateBody {
    /// 名称
    pub name: String,
    /// A [`BodyRole`](super::BodyRole) code.
    pub role: String,
}

/// A fund the unit supervises, with its responsible department.
#[derive(Debug, Clone, Deserialize)]
pub struct TemplateFund {
    /// 资金名称
    pub name: String,
    /// The department's name in the template.
    pub department: String,
}

/// A node of a template's flowchart.
#[derive(Debug, Clone, Deserialize)]
pub struct TemplateNode {
    /// Its key within the chart, which the arrows name.
    pub key: String,
    /// A [`NodeKind`](super::NodeKind) code.
    pub kind: String,
    /// 环节名称
    pub label: String,
    /// 办事依据
    #[serde(default)]
    pub basis: String,
    /// 办事时限
    #[serde(default)]
    pub time_limit: String,
    /// The 职权事项 of the template's risk points marked on it.
    #[serde(default)]
    pub risks: Vec<String>,
}

/// An arrow of a template's flowchart.
#[derive(Debug, Clone, Deserialize)]
pub struct TemplateEdge {
    /// The key of the node it leaves.
    pub from: String,
    /// The key of the node it enters.
    pub to: String,
    /// 条件
    #[serde(default)]
    pub label: String,
}

/// A power-operation flowchart the template proposes (权力运行流程图).
#[derive(Debug, Clone, Deserialize)]
pub struct TemplateChart {
    /// 流程图名称
    pub title: String,
    /// The responsible department's name in the template ("" for the whole unit).
    #[serde(default)]
    pub department: String,
    /// Its nodes.
    pub nodes: Vec<TemplateNode>,
    /// Its arrows.
    pub edges: Vec<TemplateEdge>,
}

/// What a new register is seeded with.
#[derive(Debug, Clone, Deserialize)]
pub struct Template {
    /// Which built-in template: "school" or "bureau".
    pub code: String,
    /// Department names.
    pub departments: Vec<String>,
    /// Subordinate units (局属二级单位), kept as departments of their own kind.
    pub subordinate_units: Vec<String>,
    /// The ranks (职级) in use, senior first: the catalogue's order.
    pub ranks: Vec<String>,
    /// The posts it sets up, key posts marked.
    pub posts: Vec<TemplatePost>,
    /// The editable list of risk kinds.
    pub risk_kinds: Vec<String>,
    /// The plan's phases, in order.
    pub phases: Vec<TemplatePhase>,
    /// The pledge every cadre signs.
    pub pledge: TemplatePledge,
    /// The bodies that meet and keep records.
    pub bodies: Vec<TemplateBody>,
    /// The funds the plan supervises (资金监管全覆盖).
    pub funds: Vec<TemplateFund>,
    /// The rules the plan calls for, as a checklist (制度体系).
    pub regulations: Vec<String>,
    /// Typical risk points, seeded as drafts the committee adopts, edits or archives.
    pub risks: Vec<TemplateRisk>,
    /// The power-operation flowcharts, with their risk marks.
    #[serde(default)]
    pub charts: Vec<TemplateChart>,
}

impl Template {
    /// The codes of the built-in templates, the default first.
    pub const CODES: [&str; 2] = ["school", "bureau"];

    /// The primary-school template (DOMAIN.md §1–4).
    pub fn school() -> Self {
        Self::by_code("school").clone()
    }

    /// The county bureau template, from the forestry bureau's plan (DOMAIN.md §7).
    pub fn bureau() -> Self {
        Self::by_code("bureau").clone()
    }

    /// The built-in template of `code`, read once; a register made before templates were
    /// named is a school's.
    pub fn by_code(code: &str) -> &'static Template {
        static SCHOOL: LazyLock<Template> = LazyLock::new(|| {
            serde_json::from_str(include_str!("../../templates/school.json")).expect("the school template is valid")
        });
        static BUREAU: LazyLock<Template> = LazyLock::new(|| {
            serde_json::from_str(include_str!("../../templates/bureau.json")).expect("the bureau template is valid")
        });
        match code {
            "bureau" => &BUREAU,
            _ => &SCHOOL,
        }
    }

    /// The locale key of its name.
    pub fn label_key(code: &str) -> &'static str {
        match code {
            "bureau" => "template.bureau",
            _ => "template.school",
        }
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
    use crate::model::{BodyRole, FourHave, MeasureStage, RiskLevel, Scope};

    #[test]
    fn the_school_template_has_the_standard_departments_and_phases() {
        let t = Template::school();
        assert_eq!(t.code, "school");
        assert_eq!(t.departments[..5], ["党支部", "办公室", "总务处", "财务室", "教务处"]);
        for added in ["工会", "教科室", "德育处", "食堂"] {
            assert!(t.departments.iter().any(|d| d == added), "{added}");
        }
        assert_eq!(t.risk_kinds, ["思想道德风险", "岗位职责风险", "制度机制风险"]);
        assert_eq!(t.phases.len(), 6);
        let four: Vec<_> = t.phases[0].four_have.iter().map(|f| FourHave::from_code(&f.four).unwrap()).collect();
        assert_eq!(four, FourHave::ALL);
        let dates = t.phase_dates("2026-11-27".parse().unwrap());
        assert_eq!(dates[0].0.to_string(), "2026-11-27");
        assert_eq!(dates[0].1.to_string(), "2026-12-17");
        assert_eq!(dates[1].0.to_string(), "2026-12-18");
        let funds: Vec<_> = t.funds.iter().map(|f| f.name.as_str()).collect();
        for fund in ["贫困生生活补助资金", "生均公用经费", "教师绩效工资资金", "校舍维修长效机制资金"]
        {
            assert!(funds.contains(&fund), "{fund}");
        }
        assert!(t.regulations.iter().any(|r| r == "“一把手”末位表态制度"));
        for key in ["学校领导", "会计", "出纳", "食堂采买"] {
            assert!(t.posts.iter().any(|p| p.name == key && p.key), "{key} is a key post");
        }
    }

    #[test]
    fn the_bureau_template_follows_the_forestry_plan() {
        let t = Template::bureau();
        assert_eq!(t.code, "bureau");
        assert_eq!(t.ranks, ["正科级", "副科级", "股级", "一般干部"]);
        for body in ["局领导班子", "党组", "办公室", "计财股", "人事股", "林政股", "造林股"] {
            assert!(t.departments.iter().any(|d| d == body), "{body}");
        }
        assert!(!t.subordinate_units.is_empty());
        for area in ["林木采伐", "林地征占用", "木材运输", "项目资金", "行政处罚", "人事任免", "资金调拨", "设备采购"]
        {
            assert!(t.risks.iter().any(|r| r.power_item.contains(area) || r.description.contains(area)), "{area}");
        }
        let tasks: String = t.phases.iter().map(|p| p.tasks.as_str()).collect();
        assert_eq!(t.regulations.len(), 10, "the ten rules");
        for rule in ["重大事项民主决策制度", "党组议事规则", "责任追究制度", "廉政评议", "廉情通报"]
        {
            assert!(tasks.contains(rule), "{rule}");
        }
        // 重点对象: the leadership, the heads of offices, the subordinate units' cadres.
        assert!(t.posts.iter().filter(|p| p.department == "局领导班子").all(|p| p.key));
        assert!(t.posts.iter().any(|p| p.key && t.subordinate_units.contains(&p.department)));
    }

    #[test]
    fn every_template_names_only_its_own_departments_posts_ranks_kinds_and_stages() {
        for code in Template::CODES {
            let t = Template::by_code(code);
            let places = |name: &str| t.departments.iter().chain(&t.subordinate_units).any(|d| d == name);
            for post in &t.posts {
                assert!(places(&post.department), "{code}: {}", post.department);
                assert!(t.ranks.contains(&post.rank), "{code}: {}", post.rank);
            }
            let mut scopes = Vec::new();
            for risk in &t.risks {
                let scope = Scope::from_code(&risk.scope).unwrap_or_else(|| panic!("{code}: scope {}", risk.scope));
                scopes.push(scope);
                match scope {
                    Scope::Post => assert!(
                        t.posts.iter().any(|p| p.name == risk.post && p.department == risk.department),
                        "{code}: post {} in {}",
                        risk.post,
                        risk.department
                    ),
                    Scope::Department => assert!(places(&risk.department), "{code}: {}", risk.department),
                    Scope::Unit => assert!(risk.department.is_empty() || places(&risk.department)),
                }
                assert!(t.risk_kinds.contains(&risk.kind), "{code}: {}", risk.kind);
                assert!(RiskLevel::from_code(&risk.level).is_some());
                for stage in risk.measures.keys() {
                    assert!(MeasureStage::from_code(stage).is_some(), "{stage}");
                }
            }
            for scope in Scope::ALL {
                assert!(scopes.contains(&scope), "{code} has a {scope:?} point");
            }
            let roles: Vec<_> = t.bodies.iter().map(|b| BodyRole::from_code(&b.role).expect("a role")).collect();
            for role in [BodyRole::Decision, BodyRole::Finance, BodyRole::Openness] {
                assert!(roles.contains(&role), "{code} keeps a {role:?} body");
            }
            for fund in &t.funds {
                assert!(places(&fund.department), "{code}: {}", fund.department);
            }
            for kind in &t.risk_kinds {
                assert!(t.risks.iter().any(|r| &r.kind == kind), "{code} has a point of {kind}");
            }
        }
    }
}
