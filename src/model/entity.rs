//! What every kind of record in the register has in common.

use std::collections::BTreeMap;

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use super::Register;

/// The key of an entity in its map: a UUID string, unique across all copies of a register.
pub type Id = String;

/// A fresh random id for a new entity.
pub fn new_id() -> Id {
    uuid::Uuid::new_v4().to_string()
}

/// Who archived an entity and when. Archived entities stay in the document and can be restored.
#[derive(Debug, Clone, PartialEq, Eq, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct Archived {
    /// The person id of the member who archived it ("" when no member was chosen).
    pub by: Id,
    /// Unix time in seconds.
    pub at: i64,
}

/// The kinds of entity, each a map at the document root.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum EntityKind {
    /// 人员
    Person,
    /// 部门
    Department,
    /// 岗位
    Post,
    /// 风险点
    Risk,
    /// 风险类别 (an editable list)
    RiskKind,
    /// 防控措施
    Measure,
    /// 公示
    Publicity,
    /// 实施阶段
    Phase,
    /// 投诉举报
    Complaint,
    /// 预警
    Warning,
    /// 督查
    Check,
    /// 重大事项报告
    Matter,
    /// 廉政承诺书 (a version, with its signatures)
    Pledge,
    /// 勤廉责任卡
    Card,
    /// 议事机构 (校务会, 民主理财小组, …)
    Body,
    /// 会议记录
    Meeting,
    /// 实施阶段的任务
    Task,
    /// 资金监管
    Fund,
    /// 制度
    Regulation,
    /// 廉政教育活动
    Activity,
    /// 廉政评议
    Evaluation,
    /// 自评总结
    Summary,
    /// 报送记录
    Submission,
    /// 归档
    Filing,
    /// 权力运行流程图
    Flowchart,
}

impl EntityKind {
    /// Every kind, in the order pages list them.
    pub const ALL: [EntityKind; 25] = [
        EntityKind::Person,
        EntityKind::Department,
        EntityKind::Post,
        EntityKind::Risk,
        EntityKind::Measure,
        EntityKind::Publicity,
        EntityKind::RiskKind,
        EntityKind::Phase,
        EntityKind::Complaint,
        EntityKind::Warning,
        EntityKind::Check,
        EntityKind::Matter,
        EntityKind::Pledge,
        EntityKind::Card,
        EntityKind::Body,
        EntityKind::Meeting,
        EntityKind::Task,
        EntityKind::Fund,
        EntityKind::Regulation,
        EntityKind::Activity,
        EntityKind::Evaluation,
        EntityKind::Summary,
        EntityKind::Submission,
        EntityKind::Filing,
        EntityKind::Flowchart,
    ];

    /// The key of this kind's map at the document root.
    pub fn collection(self) -> &'static str {
        match self {
            EntityKind::Person => "people",
            EntityKind::Department => "departments",
            EntityKind::Post => "posts",
            EntityKind::Risk => "risks",
            EntityKind::RiskKind => "risk_kinds",
            EntityKind::Measure => "measures",
            EntityKind::Publicity => "publicity",
            EntityKind::Phase => "phases",
            EntityKind::Complaint => "complaints",
            EntityKind::Warning => "warnings",
            EntityKind::Check => "checks",
            EntityKind::Matter => "matters",
            EntityKind::Pledge => "pledges",
            EntityKind::Card => "cards",
            EntityKind::Body => "bodies",
            EntityKind::Meeting => "meetings",
            EntityKind::Task => "tasks",
            EntityKind::Fund => "funds",
            EntityKind::Regulation => "regulations",
            EntityKind::Activity => "activities",
            EntityKind::Evaluation => "evaluations",
            EntityKind::Summary => "summaries",
            EntityKind::Submission => "submissions",
            EntityKind::Filing => "filings",
            EntityKind::Flowchart => "flowcharts",
        }
    }

    /// The kind whose map is at `collection`, if any.
    pub fn from_collection(collection: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.collection() == collection)
    }

    /// The locale key of this kind's name.
    pub fn label_key(self) -> &'static str {
        match self {
            EntityKind::Person => "entity.person",
            EntityKind::Department => "entity.department",
            EntityKind::Post => "entity.post",
            EntityKind::Risk => "entity.risk",
            EntityKind::RiskKind => "entity.risk_kind",
            EntityKind::Measure => "entity.measure",
            EntityKind::Publicity => "entity.publicity",
            EntityKind::Phase => "entity.phase",
            EntityKind::Complaint => "entity.complaint",
            EntityKind::Warning => "entity.warning",
            EntityKind::Check => "entity.check",
            EntityKind::Matter => "entity.matter",
            EntityKind::Pledge => "entity.pledge",
            EntityKind::Card => "entity.card",
            EntityKind::Body => "entity.body",
            EntityKind::Meeting => "entity.meeting",
            EntityKind::Task => "entity.task",
            EntityKind::Fund => "entity.fund",
            EntityKind::Regulation => "entity.regulation",
            EntityKind::Activity => "entity.activity",
            EntityKind::Evaluation => "entity.evaluation",
            EntityKind::Summary => "entity.summary",
            EntityKind::Submission => "entity.submission",
            EntityKind::Filing => "entity.filing",
            EntityKind::Flowchart => "entity.flowchart",
        }
    }
}

/// A record kept in one of the register's maps.
pub trait Entity: Hydrate + Reconcile + Clone + PartialEq + Default {
    /// Which map it lives in.
    const KIND: EntityKind;

    /// All entities of this kind in `register`.
    fn all(register: &Register) -> &BTreeMap<Id, Self>;

    /// All entities of this kind in `register`, for writing.
    fn all_mut(register: &mut Register) -> &mut BTreeMap<Id, Self>;

    /// Whether, by whom and when it was archived.
    fn archived(&self) -> Option<&Archived>;

    /// Archive (`Some`) or restore (`None`).
    fn set_archived(&mut self, archived: Option<Archived>);

    /// A short human name for lists and history lines.
    fn label(&self) -> String;

    /// Whether it is active, i.e. not archived.
    fn is_active(&self) -> bool {
        self.archived().is_none()
    }

    /// The active entities of this kind in `register` as (id, label) pairs, for a choice list.
    fn choices(register: &Register) -> Vec<(Id, String)> {
        Self::all(register).iter().filter(|(_, e)| e.is_active()).map(|(id, e)| (id.clone(), e.label())).collect()
    }
}

/// Implements [`Entity`] for a struct with an `archived: Option<Archived>` field.
macro_rules! entity {
    ($ty:ty, $kind:expr, $field:ident, |$me:ident| $label:expr) => {
        impl $crate::model::Entity for $ty {
            const KIND: $crate::model::EntityKind = $kind;

            fn all(register: &$crate::model::Register) -> &std::collections::BTreeMap<$crate::model::Id, Self> {
                &register.$field
            }

            fn all_mut(
                register: &mut $crate::model::Register,
            ) -> &mut std::collections::BTreeMap<$crate::model::Id, Self> {
                &mut register.$field
            }

            fn archived(&self) -> Option<&$crate::model::Archived> {
                self.archived.as_ref()
            }

            fn set_archived(&mut self, archived: Option<$crate::model::Archived>) {
                self.archived = archived;
            }

            fn label(&self) -> String {
                let $me = self;
                $label
            }
        }
    };
}
pub(crate) use entity;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Department;

    #[test]
    fn choices_list_active_entities_by_label() {
        let mut register = Register::default();
        let department =
            |name: &str, archived: Option<Archived>| Department { name: name.into(), archived, ..Default::default() };
        register.departments.insert("a".into(), department("财务室", None));
        register.departments.insert("b".into(), department("食堂", Some(Archived { by: "wang".into(), at: 1 })));
        register.departments.insert("c".into(), department("总务处", None));
        assert_eq!(Department::choices(&register), [("a".into(), "财务室".into()), ("c".into(), "总务处".into())]);
    }
}
