//! The register: the whole of one unit's document.

use std::collections::BTreeMap;

use autosurgeon::{Hydrate, Reconcile};
use reactive_stores::Store;
use serde::{Deserialize, Serialize};

use super::{
    Activity, Body, Complaint, Department, DutyCard, Entity, EntityKind, Evaluation, Filing, Flowchart, Fund, Id,
    LeadingGroup, MatterReport, Measure, Meeting, Person, Phase, Pledge, Post, Publicity, Regulation, RiskKind,
    RiskPoint, Settings, SpotCheck, Submission, Summary, Task, Unit, Warning,
};

/// The version of the document layout this build writes; a newer one is refused on load.
pub const SCHEMA_VERSION: u64 = 1;

/// 风险防控台账: one unit's register, hydrated from its Automerge document.
///
/// The page keeps its view of the register in a `reactive_stores` store keyed by entity id
/// (`engine::view_store`), so that a change to one entity re-runs only what reads it.
#[derive(Debug, Clone, PartialEq, Default, Hydrate, Reconcile, Serialize, Deserialize, Store)]
pub struct Register {
    /// Layout version ([`SCHEMA_VERSION`]).
    pub schema: u64,
    /// The register's id, shared by every copy; names it in files and storage.
    pub id: Id,
    /// 单位
    pub unit: Unit,
    /// 领导小组
    pub leading_group: LeadingGroup,
    /// 人员
    #[store(key: Id = |(id, _)| id.clone())]
    pub people: BTreeMap<Id, Person>,
    /// 部门
    #[store(key: Id = |(id, _)| id.clone())]
    pub departments: BTreeMap<Id, Department>,
    /// 岗位
    #[store(key: Id = |(id, _)| id.clone())]
    pub posts: BTreeMap<Id, Post>,
    /// 风险点
    #[store(key: Id = |(id, _)| id.clone())]
    pub risks: BTreeMap<Id, RiskPoint>,
    /// 防控措施
    #[store(key: Id = |(id, _)| id.clone())]
    pub measures: BTreeMap<Id, Measure>,
    /// 风险类别
    #[store(key: Id = |(id, _)| id.clone())]
    pub risk_kinds: BTreeMap<Id, RiskKind>,
    /// 实施阶段
    #[store(key: Id = |(id, _)| id.clone())]
    pub phases: BTreeMap<Id, Phase>,
    /// 公示 rounds
    #[store(key: Id = |(id, _)| id.clone())]
    pub publicity: BTreeMap<Id, Publicity>,
    /// 投诉举报
    #[store(key: Id = |(id, _)| id.clone())]
    #[autosurgeon(missing = "BTreeMap::new")]
    #[serde(default)]
    pub complaints: BTreeMap<Id, Complaint>,
    /// 预警
    #[store(key: Id = |(id, _)| id.clone())]
    #[autosurgeon(missing = "BTreeMap::new")]
    #[serde(default)]
    pub warnings: BTreeMap<Id, Warning>,
    /// 督查 spot checks
    #[store(key: Id = |(id, _)| id.clone())]
    #[autosurgeon(missing = "BTreeMap::new")]
    #[serde(default)]
    pub checks: BTreeMap<Id, SpotCheck>,
    /// 重大事项报告
    #[store(key: Id = |(id, _)| id.clone())]
    #[autosurgeon(missing = "BTreeMap::new")]
    #[serde(default)]
    pub matters: BTreeMap<Id, MatterReport>,
    /// 廉政承诺书, by version
    #[store(key: Id = |(id, _)| id.clone())]
    #[autosurgeon(missing = "BTreeMap::new")]
    #[serde(default)]
    pub pledges: BTreeMap<Id, Pledge>,
    /// 勤廉责任卡
    #[store(key: Id = |(id, _)| id.clone())]
    #[autosurgeon(missing = "BTreeMap::new")]
    #[serde(default)]
    pub cards: BTreeMap<Id, DutyCard>,
    /// 议事机构
    #[store(key: Id = |(id, _)| id.clone())]
    #[autosurgeon(missing = "BTreeMap::new")]
    #[serde(default)]
    pub bodies: BTreeMap<Id, Body>,
    /// 会议记录
    #[store(key: Id = |(id, _)| id.clone())]
    #[autosurgeon(missing = "BTreeMap::new")]
    #[serde(default)]
    pub meetings: BTreeMap<Id, Meeting>,
    /// 实施阶段的任务
    #[store(key: Id = |(id, _)| id.clone())]
    #[autosurgeon(missing = "BTreeMap::new")]
    #[serde(default)]
    pub tasks: BTreeMap<Id, Task>,
    /// 资金监管
    #[store(key: Id = |(id, _)| id.clone())]
    #[autosurgeon(missing = "BTreeMap::new")]
    #[serde(default)]
    pub funds: BTreeMap<Id, Fund>,
    /// 制度
    #[store(key: Id = |(id, _)| id.clone())]
    #[autosurgeon(missing = "BTreeMap::new")]
    #[serde(default)]
    pub regulations: BTreeMap<Id, Regulation>,
    /// 廉政教育活动
    #[store(key: Id = |(id, _)| id.clone())]
    #[autosurgeon(missing = "BTreeMap::new")]
    #[serde(default)]
    pub activities: BTreeMap<Id, Activity>,
    /// 廉政评议
    #[store(key: Id = |(id, _)| id.clone())]
    #[autosurgeon(missing = "BTreeMap::new")]
    #[serde(default)]
    pub evaluations: BTreeMap<Id, Evaluation>,
    /// 自评总结
    #[store(key: Id = |(id, _)| id.clone())]
    #[autosurgeon(missing = "BTreeMap::new")]
    #[serde(default)]
    pub summaries: BTreeMap<Id, Summary>,
    /// 报送记录
    #[store(key: Id = |(id, _)| id.clone())]
    #[autosurgeon(missing = "BTreeMap::new")]
    #[serde(default)]
    pub submissions: BTreeMap<Id, Submission>,
    /// 归档
    #[store(key: Id = |(id, _)| id.clone())]
    #[autosurgeon(missing = "BTreeMap::new")]
    #[serde(default)]
    pub filings: BTreeMap<Id, Filing>,
    /// 权力运行流程图
    #[store(key: Id = |(id, _)| id.clone())]
    #[autosurgeon(missing = "BTreeMap::new")]
    #[serde(default)]
    pub flowcharts: BTreeMap<Id, Flowchart>,
    /// The committee's settings.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub settings: Settings,
}

impl Register {
    /// The name of the person `id`, if there is one.
    pub fn person_name(&self, id: &str) -> Option<&str> {
        self.people.get(id).map(|p| p.name.as_str())
    }

    /// The current name of entity `id` of `kind` ("" when there is none).
    pub fn entity_label(&self, kind: EntityKind, id: &str) -> String {
        fn label<E: Entity>(r: &Register, id: &str) -> String {
            E::all(r).get(id).map(Entity::label).unwrap_or_default()
        }
        match kind {
            EntityKind::Person => label::<Person>(self, id),
            EntityKind::Department => label::<Department>(self, id),
            EntityKind::Post => label::<Post>(self, id),
            EntityKind::Risk => label::<RiskPoint>(self, id),
            EntityKind::Measure => label::<Measure>(self, id),
            EntityKind::Publicity => label::<Publicity>(self, id),
            EntityKind::RiskKind => label::<RiskKind>(self, id),
            EntityKind::Phase => label::<Phase>(self, id),
            EntityKind::Complaint => label::<Complaint>(self, id),
            EntityKind::Warning => label::<Warning>(self, id),
            EntityKind::Check => label::<SpotCheck>(self, id),
            EntityKind::Matter => label::<MatterReport>(self, id),
            EntityKind::Pledge => label::<Pledge>(self, id),
            EntityKind::Card => label::<DutyCard>(self, id),
            EntityKind::Body => label::<Body>(self, id),
            EntityKind::Meeting => label::<Meeting>(self, id),
            EntityKind::Task => label::<Task>(self, id),
            EntityKind::Fund => label::<Fund>(self, id),
            EntityKind::Regulation => label::<Regulation>(self, id),
            EntityKind::Activity => label::<Activity>(self, id),
            EntityKind::Evaluation => label::<Evaluation>(self, id),
            EntityKind::Summary => label::<Summary>(self, id),
            EntityKind::Submission => label::<Submission>(self, id),
            EntityKind::Filing => label::<Filing>(self, id),
            EntityKind::Flowchart => label::<Flowchart>(self, id),
        }
    }

    /// The department a risk point belongs to: its own, or its post's.
    pub fn risk_department<'a>(&'a self, risk: &'a RiskPoint) -> Option<&'a Id> {
        risk.department.as_ref().or_else(|| risk.post.as_ref().and_then(|p| self.posts.get(p)).map(|p| &p.department))
    }
}
