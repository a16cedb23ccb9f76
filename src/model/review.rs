//! 查找方式 as a review trail: 自己查 → 群众帮 → 领导提 → 组织审, and the rating of a point.

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use std::collections::BTreeMap;

use super::{Id, MeasureStage, RiskLevel};

/// Where a risk point stands in the four steps of finding and review.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Hydrate, Reconcile, Serialize, Deserialize,
)]
pub enum ReviewStage {
    /// A typical point the template suggests, not yet taken up by the committee.
    Draft,
    /// 自己查: proposed by the post holder.
    #[default]
    SelfCheck,
    /// 群众帮: colleagues add remarks.
    Colleagues,
    /// 领导提: the department head or a leader adds or amends.
    Leaders,
    /// 组织审: waiting for the leading group.
    Organisation,
    /// Approved by the leading group: in the catalogue.
    Approved,
    /// Rejected by the leading group.
    Rejected,
}

impl ReviewStage {
    /// In the order a point moves through them.
    pub const ALL: [ReviewStage; 7] = [
        ReviewStage::Draft,
        ReviewStage::SelfCheck,
        ReviewStage::Colleagues,
        ReviewStage::Leaders,
        ReviewStage::Organisation,
        ReviewStage::Approved,
        ReviewStage::Rejected,
    ];

    /// A stable name for forms and markup.
    pub fn code(self) -> &'static str {
        match self {
            ReviewStage::Draft => "draft",
            ReviewStage::SelfCheck => "self_check",
            ReviewStage::Colleagues => "colleagues",
            ReviewStage::Leaders => "leaders",
            ReviewStage::Organisation => "organisation",
            ReviewStage::Approved => "approved",
            ReviewStage::Rejected => "rejected",
        }
    }

    /// The stage named `code`.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The locale key of its name.
    pub fn label_key(self) -> &'static str {
        match self {
            ReviewStage::Draft => "stage_review.draft",
            ReviewStage::SelfCheck => "stage_review.self_check",
            ReviewStage::Colleagues => "stage_review.colleagues",
            ReviewStage::Leaders => "stage_review.leaders",
            ReviewStage::Organisation => "stage_review.organisation",
            ReviewStage::Approved => "stage_review.approved",
            ReviewStage::Rejected => "stage_review.rejected",
        }
    }
}

/// What a member does to a point in review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Hydrate, Reconcile, Serialize, Deserialize)]
pub enum ReviewAction {
    /// Takes up a template draft as the committee's own point (→ 自己查).
    Adopt,
    /// The post holder hands the point to colleagues (自己查 → 群众帮).
    Submit,
    /// A remark, without moving the point.
    Remark,
    /// Moves the point to the next step (群众帮 → 领导提 → 组织审).
    Advance,
    /// The leading group approves it (组织审 → approved).
    Approve,
    /// The leading group sends it back to 自己查, with reasons.
    Return,
    /// The leading group rejects it, with reasons.
    Reject,
}

impl ReviewAction {
    /// Every action.
    pub const ALL: [ReviewAction; 7] = [
        ReviewAction::Adopt,
        ReviewAction::Submit,
        ReviewAction::Remark,
        ReviewAction::Advance,
        ReviewAction::Approve,
        ReviewAction::Return,
        ReviewAction::Reject,
    ];

    /// A stable name for markup.
    pub fn code(self) -> &'static str {
        match self {
            ReviewAction::Adopt => "adopt",
            ReviewAction::Submit => "submit",
            ReviewAction::Remark => "remark",
            ReviewAction::Advance => "advance",
            ReviewAction::Approve => "approve",
            ReviewAction::Return => "return",
            ReviewAction::Reject => "reject",
        }
    }

    /// The locale key of its name.
    pub fn label_key(self) -> &'static str {
        match self {
            ReviewAction::Adopt => "review.adopt",
            ReviewAction::Submit => "review.submit",
            ReviewAction::Remark => "review.remark",
            ReviewAction::Advance => "review.advance",
            ReviewAction::Approve => "review.approve",
            ReviewAction::Return => "review.return",
            ReviewAction::Reject => "review.reject",
        }
    }
}

/// One step of the trail: who did what at which stage, and what they said.
#[derive(Debug, Clone, PartialEq, Eq, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct ReviewEntry {
    /// How many steps the member saw before this one: orders the trail even when clocks
    /// disagree or two steps fall in the same second.
    pub seq: u64,
    /// The stage the point was in.
    pub stage: ReviewStage,
    /// What was done.
    pub action: ReviewAction,
    /// The member (person id).
    pub by: Id,
    /// Unix seconds.
    pub at: i64,
    /// What they said.
    pub note: String,
}

/// 可能性 or 后果, on the four-step scale the plans use.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Hydrate, Reconcile, Serialize, Deserialize,
)]
pub enum Degree {
    /// 极小
    #[default]
    VeryLow,
    /// 较小
    Low,
    /// 较大
    High,
    /// 极大
    VeryHigh,
}

impl Degree {
    /// Lowest first.
    pub const ALL: [Degree; 4] = [Degree::VeryLow, Degree::Low, Degree::High, Degree::VeryHigh];

    /// 1 (极小) to 4 (极大).
    pub fn score(self) -> u8 {
        match self {
            Degree::VeryLow => 1,
            Degree::Low => 2,
            Degree::High => 3,
            Degree::VeryHigh => 4,
        }
    }

    /// The degree of score `code` ("1"–"4").
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.score().to_string() == code)
    }

    /// The locale key of its name.
    pub fn label_key(self) -> &'static str {
        match self {
            Degree::VeryLow => "degree.very_low",
            Degree::Low => "degree.low",
            Degree::High => "degree.high",
            Degree::VeryHigh => "degree.very_high",
        }
    }
}

/// Which part of a "三重一大" matter a point touches: the seed rates 决策和审批 as 一级 and
/// 执行和管理 as 二级.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MajorPart {
    /// 决策和审批
    Decision,
    /// 执行和管理
    Execution,
}

impl MajorPart {
    /// Both parts.
    pub const ALL: [MajorPart; 2] = [MajorPart::Decision, MajorPart::Execution];

    /// The form value.
    pub fn code(self) -> &'static str {
        match self {
            MajorPart::Decision => "decision",
            MajorPart::Execution => "execution",
        }
    }

    /// The part whose form value is `code`.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.code() == code)
    }

    /// The locale key of its name.
    pub fn label_key(self) -> &'static str {
        match self {
            MajorPart::Decision => "rating.major.decision",
            MajorPart::Execution => "rating.major.execution",
        }
    }
}

fn yes() -> bool {
    true
}

/// The rating of a point: what was judged, what the matrix proposed, what was decided and why.
#[derive(Debug, Clone, PartialEq, Eq, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct Rating {
    /// 可能性
    pub likelihood: Degree,
    /// 后果
    pub severity: Degree,
    /// Touches the decision and approval of a "三重一大" matter (一级).
    pub major_decision: bool,
    /// Touches the execution and management of a "三重一大" matter (at least 二级).
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub major_execution: bool,
    /// Large discretionary power (自由裁量权).
    pub discretion: bool,
    /// Misconduct happened here before.
    pub past_misconduct: bool,
    /// 违反党纪条规的程度, when judged.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub discipline: Option<Degree>,
    /// 紧急程度, when judged.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub urgency: Option<Degree>,
    /// The level the matrix proposed.
    pub proposed: RiskLevel,
    /// The reviewer's reason, required when the final level differs from the proposal.
    pub reason: String,
    /// Whether a member of the leading group rated it (评定); another member's rating is a
    /// proposal until the leading group approves the point. Ratings made before the rule were
    /// all the committee's.
    #[autosurgeon(missing = "yes")]
    #[serde(default = "yes")]
    pub settled: bool,
    /// The reviewer.
    pub by: Id,
    /// Unix seconds.
    pub at: i64,
}

impl Rating {
    /// The "三重一大" part the rating judged, if any.
    pub fn major(&self) -> Option<MajorPart> {
        if self.major_decision {
            Some(MajorPart::Decision)
        } else if self.major_execution {
            Some(MajorPart::Execution)
        } else {
            None
        }
    }
}

/// One measure as the leading group approved it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct ApprovedMeasure {
    /// 阶段
    pub stage: MeasureStage,
    /// 措施内容
    pub description: String,
}

/// What 动态管理 watches in a point: the fields the leading group approves.
#[derive(Debug, Clone, PartialEq, Eq, Default, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct Substance {
    /// 风险点描述
    pub description: String,
    /// 表现形式
    pub manifestations: String,
    /// 诱因
    pub causes: String,
    /// 风险等级
    pub level: RiskLevel,
    /// The active measures, by id.
    pub measures: BTreeMap<Id, ApprovedMeasure>,
}

/// The version of a point the leading group last approved, and who approved it. A later edit
/// of its substance sends the point back to 组织审 while this version stays in force.
#[derive(Debug, Clone, PartialEq, Eq, Default, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct Approval {
    /// What was approved.
    pub version: Substance,
    /// The member of the leading group.
    pub by: Id,
    /// Unix seconds.
    pub at: i64,
}
