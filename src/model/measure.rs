//! 防控措施: the controls put on a risk point, in three stages.

use autosurgeon::{Hydrate, Reconcile, Text};
use serde::{Deserialize, Serialize};

use super::entity::entity;
use super::{Archived, EntityKind, Id};

/// When in the life of a risk a measure acts.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Hydrate, Reconcile, Serialize, Deserialize,
)]
pub enum MeasureStage {
    /// 前期预防
    #[default]
    Prevent,
    /// 中期监控
    Monitor,
    /// 后期处置
    Handle,
}

impl MeasureStage {
    /// In the order they act.
    pub const ALL: [MeasureStage; 3] = [MeasureStage::Prevent, MeasureStage::Monitor, MeasureStage::Handle];

    /// The form value.
    pub fn code(self) -> &'static str {
        match self {
            MeasureStage::Prevent => "prevent",
            MeasureStage::Monitor => "monitor",
            MeasureStage::Handle => "handle",
        }
    }

    /// The stage whose form value is `code`.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The locale key of its name.
    pub fn label_key(self) -> &'static str {
        match self {
            MeasureStage::Prevent => "stage.prevent",
            MeasureStage::Monitor => "stage.monitor",
            MeasureStage::Handle => "stage.handle",
        }
    }
}

/// How far a measure has come.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Hydrate, Reconcile, Serialize, Deserialize,
)]
pub enum MeasureStatus {
    /// 计划
    #[default]
    Planned,
    /// 进行中
    InProgress,
    /// 已完成
    Done,
    /// 已核验
    Verified,
}

impl MeasureStatus {
    /// In the order they are reached.
    pub const ALL: [MeasureStatus; 4] =
        [MeasureStatus::Planned, MeasureStatus::InProgress, MeasureStatus::Done, MeasureStatus::Verified];

    /// The form value.
    pub fn code(self) -> &'static str {
        match self {
            MeasureStatus::Planned => "planned",
            MeasureStatus::InProgress => "in_progress",
            MeasureStatus::Done => "done",
            MeasureStatus::Verified => "verified",
        }
    }

    /// The status whose form value is `code`.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The locale key of its name.
    pub fn label_key(self) -> &'static str {
        match self {
            MeasureStatus::Planned => "status.planned",
            MeasureStatus::InProgress => "status.in_progress",
            MeasureStatus::Done => "status.done",
            MeasureStatus::Verified => "status.verified",
        }
    }

    /// Whether the work is finished (done or verified), so it can no longer be overdue.
    pub fn is_finished(self) -> bool {
        matches!(self, MeasureStatus::Done | MeasureStatus::Verified)
    }
}

/// 防控措施.
#[derive(Debug, Clone, PartialEq, Default, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct Measure {
    /// The risk point it controls.
    pub risk: Id,
    /// 阶段
    pub stage: MeasureStage,
    /// 措施内容
    #[serde(with = "super::text_serde")]
    pub description: Text,
    /// 责任人: a person id.
    pub owner: Option<Id>,
    /// 完成期限, `YYYY-MM-DD` ("" when none).
    pub due: String,
    /// 状态
    pub status: MeasureStatus,
    /// 佐证材料: notes on the evidence kept.
    #[serde(with = "super::text_serde")]
    pub evidence: Text,
    /// Set when archived.
    pub archived: Option<Archived>,
}
entity!(Measure, EntityKind::Measure, measures, |m| {
    let text = m.description.as_str();
    match text.char_indices().nth(40) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
});
