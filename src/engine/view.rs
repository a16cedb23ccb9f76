//! View patches: what a copy of the register's view needs to catch up, entity by entity.

use serde::{Deserialize, Serialize};

use crate::model::{
    Complaint, Department, DutyCard, Entity, EntityKind, Id, LeadingGroup, MatterReport, Measure, Person, Phase,
    Pledge, Post, Publicity, Register, RiskKind, RiskPoint, Settings, SpotCheck, Unit, Warning,
};

/// One entity as it now stands.
// Built, sent and applied once each: boxing the larger entities would only add allocations.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum EntityValue {
    /// 人员
    Person(Person),
    /// 部门
    Department(Department),
    /// 岗位
    Post(Post),
    /// 风险点
    Risk(RiskPoint),
    /// 风险类别
    RiskKind(RiskKind),
    /// 防控措施
    Measure(Measure),
    /// 公示
    Publicity(Publicity),
    /// 实施阶段
    Phase(Phase),
    /// 投诉举报
    Complaint(Complaint),
    /// 预警
    Warning(Warning),
    /// 督查
    Check(SpotCheck),
    /// 重大事项报告
    Matter(MatterReport),
    /// 廉政承诺书
    Pledge(Pledge),
    /// 勤廉责任卡
    Card(DutyCard),
    /// Flowchart
    Flowchart(crate::model::Flowchart),
    /// 归档
    Filing(crate::model::Filing),
    /// 报送记录
    Submission(crate::model::Submission),
    /// 自评总结
    Summary(crate::model::Summary),
    /// 廉政评议
    Evaluation(crate::model::Evaluation),
    /// 廉政教育活动
    Activity(crate::model::Activity),
    /// 制度
    Regulation(crate::model::Regulation),
    /// 资金监管
    Fund(crate::model::Fund),
    /// 实施阶段的任务
    Task(crate::model::Task),
    /// 会议记录
    Meeting(crate::model::Meeting),
    /// 议事机构
    Body(crate::model::Body),
}

/// A change to the view of a register.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ViewPatch {
    /// Entity `id` of `kind` is now `value` (`None`: it is gone, which only a damaged or
    /// hand-edited document can bring about, since entities are archived, never deleted).
    Entity {
        /// Its kind.
        kind: EntityKind,
        /// Its id.
        id: Id,
        /// What it is now.
        value: Option<EntityValue>,
    },
    /// The unit's details.
    Unit(Unit),
    /// The leading group.
    LeadingGroup(LeadingGroup),
    /// The settings.
    Settings(Settings),
    /// Everything (after a merge that replaced whole maps).
    Whole(Box<Register>),
}

fn entity_value<E: Entity>(register: &Register, id: &str, wrap: fn(E) -> EntityValue) -> Option<EntityValue> {
    E::all(register).get(id).cloned().map(wrap)
}

fn put<E: Entity>(register: &mut Register, id: Id, value: Option<E>) {
    match value {
        Some(entity) => E::all_mut(register).insert(id, entity),
        None => E::all_mut(register).remove(&id),
    };
}

impl ViewPatch {
    /// The patch of entity `id` of `kind` as `register` has it.
    pub fn entity(register: &Register, kind: EntityKind, id: &str) -> Self {
        let value = match kind {
            EntityKind::Person => entity_value(register, id, EntityValue::Person),
            EntityKind::Department => entity_value(register, id, EntityValue::Department),
            EntityKind::Post => entity_value(register, id, EntityValue::Post),
            EntityKind::Risk => entity_value(register, id, EntityValue::Risk),
            EntityKind::RiskKind => entity_value(register, id, EntityValue::RiskKind),
            EntityKind::Measure => entity_value(register, id, EntityValue::Measure),
            EntityKind::Publicity => entity_value(register, id, EntityValue::Publicity),
            EntityKind::Phase => entity_value(register, id, EntityValue::Phase),
            EntityKind::Complaint => entity_value(register, id, EntityValue::Complaint),
            EntityKind::Warning => entity_value(register, id, EntityValue::Warning),
            EntityKind::Check => entity_value(register, id, EntityValue::Check),
            EntityKind::Matter => entity_value(register, id, EntityValue::Matter),
            EntityKind::Pledge => entity_value(register, id, EntityValue::Pledge),
            EntityKind::Card => entity_value(register, id, EntityValue::Card),
            EntityKind::Flowchart => entity_value(register, id, EntityValue::Flowchart),
            EntityKind::Filing => entity_value(register, id, EntityValue::Filing),
            EntityKind::Submission => entity_value(register, id, EntityValue::Submission),
            EntityKind::Summary => entity_value(register, id, EntityValue::Summary),
            EntityKind::Evaluation => entity_value(register, id, EntityValue::Evaluation),
            EntityKind::Activity => entity_value(register, id, EntityValue::Activity),
            EntityKind::Regulation => entity_value(register, id, EntityValue::Regulation),
            EntityKind::Fund => entity_value(register, id, EntityValue::Fund),
            EntityKind::Task => entity_value(register, id, EntityValue::Task),
            EntityKind::Meeting => entity_value(register, id, EntityValue::Meeting),
            EntityKind::Body => entity_value(register, id, EntityValue::Body),
        };
        ViewPatch::Entity { kind, id: id.to_string(), value }
    }

    /// Brings `view` up to date with this patch.
    pub fn apply(self, view: &mut Register) {
        match self {
            ViewPatch::Entity { kind, id, value } => match (kind, value) {
                (_, Some(EntityValue::Person(e))) => put(view, id, Some(e)),
                (_, Some(EntityValue::Department(e))) => put(view, id, Some(e)),
                (_, Some(EntityValue::Post(e))) => put(view, id, Some(e)),
                (_, Some(EntityValue::Risk(e))) => put(view, id, Some(e)),
                (_, Some(EntityValue::RiskKind(e))) => put(view, id, Some(e)),
                (_, Some(EntityValue::Measure(e))) => put(view, id, Some(e)),
                (_, Some(EntityValue::Publicity(e))) => put(view, id, Some(e)),
                (_, Some(EntityValue::Phase(e))) => put(view, id, Some(e)),
                (_, Some(EntityValue::Complaint(e))) => put(view, id, Some(e)),
                (_, Some(EntityValue::Warning(e))) => put(view, id, Some(e)),
                (_, Some(EntityValue::Check(e))) => put(view, id, Some(e)),
                (_, Some(EntityValue::Matter(e))) => put(view, id, Some(e)),
                (_, Some(EntityValue::Pledge(e))) => put(view, id, Some(e)),
                (_, Some(EntityValue::Card(e))) => put(view, id, Some(e)),
                (_, Some(EntityValue::Flowchart(e))) => put(view, id, Some(e)),
                (_, Some(EntityValue::Filing(e))) => put(view, id, Some(e)),
                (_, Some(EntityValue::Submission(e))) => put(view, id, Some(e)),
                (_, Some(EntityValue::Summary(e))) => put(view, id, Some(e)),
                (_, Some(EntityValue::Evaluation(e))) => put(view, id, Some(e)),
                (_, Some(EntityValue::Activity(e))) => put(view, id, Some(e)),
                (_, Some(EntityValue::Regulation(e))) => put(view, id, Some(e)),
                (_, Some(EntityValue::Fund(e))) => put(view, id, Some(e)),
                (_, Some(EntityValue::Task(e))) => put(view, id, Some(e)),
                (_, Some(EntityValue::Meeting(e))) => put(view, id, Some(e)),
                (_, Some(EntityValue::Body(e))) => put(view, id, Some(e)),
                (EntityKind::Person, None) => put::<Person>(view, id, None),
                (EntityKind::Department, None) => put::<Department>(view, id, None),
                (EntityKind::Post, None) => put::<Post>(view, id, None),
                (EntityKind::Risk, None) => put::<RiskPoint>(view, id, None),
                (EntityKind::RiskKind, None) => put::<RiskKind>(view, id, None),
                (EntityKind::Measure, None) => put::<Measure>(view, id, None),
                (EntityKind::Publicity, None) => put::<Publicity>(view, id, None),
                (EntityKind::Phase, None) => put::<Phase>(view, id, None),
                (EntityKind::Complaint, None) => put::<Complaint>(view, id, None),
                (EntityKind::Warning, None) => put::<Warning>(view, id, None),
                (EntityKind::Check, None) => put::<SpotCheck>(view, id, None),
                (EntityKind::Matter, None) => put::<MatterReport>(view, id, None),
                (EntityKind::Pledge, None) => put::<Pledge>(view, id, None),
                (EntityKind::Card, None) => put::<DutyCard>(view, id, None),
                (EntityKind::Flowchart, None) => put::<crate::model::Flowchart>(view, id, None),
                (EntityKind::Filing, None) => put::<crate::model::Filing>(view, id, None),
                (EntityKind::Submission, None) => put::<crate::model::Submission>(view, id, None),
                (EntityKind::Summary, None) => put::<crate::model::Summary>(view, id, None),
                (EntityKind::Evaluation, None) => put::<crate::model::Evaluation>(view, id, None),
                (EntityKind::Activity, None) => put::<crate::model::Activity>(view, id, None),
                (EntityKind::Regulation, None) => put::<crate::model::Regulation>(view, id, None),
                (EntityKind::Fund, None) => put::<crate::model::Fund>(view, id, None),
                (EntityKind::Task, None) => put::<crate::model::Task>(view, id, None),
                (EntityKind::Meeting, None) => put::<crate::model::Meeting>(view, id, None),
                (EntityKind::Body, None) => put::<crate::model::Body>(view, id, None),
            },
            ViewPatch::Unit(unit) => view.unit = unit,
            ViewPatch::LeadingGroup(group) => view.leading_group = group,
            ViewPatch::Settings(settings) => view.settings = settings,
            ViewPatch::Whole(register) => *view = *register,
        }
    }
}
