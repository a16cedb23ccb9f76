//! 实施方案: the plan and its phases.

use autosurgeon::{Hydrate, Reconcile, Text};
use serde::{Deserialize, Serialize};

use super::entity::entity;
use super::{Archived, EntityKind, Id};

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

/// The seed's “4有” of the study in the first phase: 有学习资料、有学习记录、有学习笔记、
/// 有心得体会文章.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Hydrate, Reconcile, Serialize, Deserialize)]
pub enum FourHave {
    /// 学习资料
    Materials,
    /// 学习记录
    Record,
    /// 学习笔记
    Notes,
    /// 心得体会文章
    Reflections,
}

coded!(FourHave, "four_have", [Materials => "materials", Record => "record", Notes => "notes", Reflections => "reflections"]);

/// A task of a phase: what, who, by when, when it was done, and the evidence.
#[derive(Debug, Clone, PartialEq, Default, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct Task {
    /// The phase it belongs to.
    pub phase: Id,
    /// 任务
    pub what: String,
    /// 责任人
    pub owner: Option<Id>,
    /// 完成时限, `YYYY-MM-DD` or "".
    pub due: String,
    /// 完成日期, `YYYY-MM-DD`; "" while open.
    pub done: String,
    /// 佐证材料: what shows it was done.
    #[serde(with = "super::text_serde")]
    pub evidence: Text,
    /// 文件或文号: the document the evidence is in.
    pub reference: String,
    /// The meeting that did or decided it.
    pub meeting: Option<Id>,
    /// Which of the “4有” it evidences, if any.
    pub four: Option<FourHave>,
    /// Set when archived.
    pub archived: Option<Archived>,
}
entity!(Task, EntityKind::Task, tasks, |t| t.what.clone());
