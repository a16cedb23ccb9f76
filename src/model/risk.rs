//! 风险点: the places where power could be abused, and their kinds.

use autosurgeon::{Hydrate, Reconcile, Text};
use serde::{Deserialize, Serialize};

use std::collections::BTreeMap;

use super::entity::entity;
use super::{Approval, Archived, EntityKind, Id, Rating, ReviewEntry, ReviewStage};

/// 风险等级. Graded responsibility follows from it (see `rules::responsibility`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Hydrate, Reconcile, Serialize, Deserialize,
)]
pub enum RiskLevel {
    /// 一级 (high): touches "三重一大" decisions and approvals.
    One,
    /// 二级 (medium).
    Two,
    /// 三级 (low).
    #[default]
    Three,
}

impl RiskLevel {
    /// From high to low.
    pub const ALL: [RiskLevel; 3] = [RiskLevel::One, RiskLevel::Two, RiskLevel::Three];

    /// The form value: "1", "2" or "3".
    pub fn code(self) -> &'static str {
        match self {
            RiskLevel::One => "1",
            RiskLevel::Two => "2",
            RiskLevel::Three => "3",
        }
    }

    /// The level whose form value is `code`.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.code() == code)
    }

    /// The locale key of its name.
    pub fn label_key(self) -> &'static str {
        match self {
            RiskLevel::One => "level.one",
            RiskLevel::Two => "level.two",
            RiskLevel::Three => "level.three",
        }
    }

    /// The locale key of the warning of this level: 一级预警 ….
    pub fn warning_key(self) -> &'static str {
        match self {
            RiskLevel::One => "warning.level.1",
            RiskLevel::Two => "warning.level.2",
            RiskLevel::Three => "warning.level.3",
        }
    }
}

/// 层级: whose risk it is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Hydrate, Reconcile, Serialize, Deserialize,
)]
pub enum Scope {
    /// 岗位/个人
    #[default]
    Post,
    /// 部门
    Department,
    /// 单位
    Unit,
}

impl Scope {
    /// Every scope, narrow to wide.
    pub const ALL: [Scope; 3] = [Scope::Post, Scope::Department, Scope::Unit];

    /// The form value.
    pub fn code(self) -> &'static str {
        match self {
            Scope::Post => "post",
            Scope::Department => "department",
            Scope::Unit => "unit",
        }
    }

    /// The scope whose form value is `code`.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The locale key of its name.
    pub fn label_key(self) -> &'static str {
        match self {
            Scope::Post => "scope.post",
            Scope::Department => "scope.department",
            Scope::Unit => "scope.unit",
        }
    }
}

/// 风险类别: an entry of the register's editable list of kinds.
#[derive(Debug, Clone, PartialEq, Default, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct RiskKind {
    /// e.g. 思想道德风险
    pub name: String,
    /// Set when archived.
    pub archived: Option<Archived>,
}
entity!(RiskKind, EntityKind::RiskKind, risk_kinds, |k| k.name.clone());

/// 风险点.
#[derive(Debug, Clone, PartialEq, Default, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct RiskPoint {
    /// 层级
    pub scope: Scope,
    /// The post, when the scope is a post.
    pub post: Option<Id>,
    /// The department: the post's for a post risk, required for a department risk,
    /// optional for a unit risk.
    pub department: Option<Id>,
    /// 类别: a key of `risk_kinds`.
    pub kind: Id,
    /// 职权事项
    pub power_item: String,
    /// 风险点描述
    #[serde(with = "super::text_serde")]
    pub description: Text,
    /// 表现形式
    #[serde(with = "super::text_serde")]
    pub manifestations: Text,
    /// 诱因
    #[serde(with = "super::text_serde")]
    pub causes: Text,
    /// 风险等级: the final level.
    pub level: RiskLevel,
    /// Where it stands in 自己查 → 群众帮 → 领导提 → 组织审.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub review: ReviewStage,
    /// Who did what in the review, keyed by a fresh id so concurrent steps merge.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub trail: BTreeMap<Id, ReviewEntry>,
    /// How the level was judged.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub rating: Option<Rating>,
    /// The version the leading group last approved (动态管理).
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub approved: Option<Approval>,
    /// Set when archived.
    pub archived: Option<Archived>,
}

impl RiskPoint {
    /// The review trail, oldest first.
    pub fn trail_in_order(&self) -> Vec<(&Id, &ReviewEntry)> {
        let mut steps: Vec<_> = self.trail.iter().collect();
        steps.sort_by(|a, b| a.1.seq.cmp(&b.1.seq).then(a.1.at.cmp(&b.1.at)).then(a.0.cmp(b.0)));
        steps
    }
}
entity!(RiskPoint, EntityKind::Risk, risks, |r| {
    let text = r.description.as_str();
    match text.char_indices().nth(40) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
});
