//! 实施方案: the plan and its phases.

use autosurgeon::{Hydrate, Reconcile, Text};
use serde::{Deserialize, Serialize};

use super::entity::entity;
use super::{Archived, EntityKind};

/// A phase of the plan (组织动员, 清权明责, …) with its date range.
#[derive(Debug, Clone, PartialEq, Default, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct Phase {
    /// Position in the plan, 1 first.
    pub order: i64,
    /// 阶段名称
    pub name: String,
    /// First day, `YYYY-MM-DD` ("" when not yet planned).
    pub start: String,
    /// Last day, `YYYY-MM-DD` ("" when not yet planned).
    pub end: String,
    /// 主要任务
    #[serde(with = "super::text_serde")]
    pub tasks: Text,
    /// Set when archived.
    pub archived: Option<Archived>,
}
entity!(Phase, EntityKind::Phase, phases, |p| p.name.clone());
