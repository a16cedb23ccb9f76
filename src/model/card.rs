//! 勤廉责任卡: each cadre's post duties, integrity tasks and code of conduct, through 个人填报 →
//! 领导审核 → 集中评议 → 领导小组审批. Approved cards form the ledger (勤廉责任台账).

use std::collections::BTreeMap;

use autosurgeon::{Hydrate, Reconcile, Text};
use serde::{Deserialize, Serialize};

use super::entity::entity;
use super::{Archived, EntityKind, Id};

/// Where a card stands.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Hydrate, Reconcile, Serialize, Deserialize,
)]
pub enum CardStage {
    /// 个人填报: the cadre fills it in (or it was sent back).
    #[default]
    Filling,
    /// 领导审核: the cadre's department leaders, or the leading group, check it.
    LeaderReview,
    /// 集中评议: appraised together at a meeting.
    Appraisal,
    /// 领导小组审批: waits for the leading group.
    Approval,
    /// 已审批: in the ledger.
    Approved,
}

impl CardStage {
    /// In order.
    pub const ALL: [CardStage; 5] =
        [CardStage::Filling, CardStage::LeaderReview, CardStage::Appraisal, CardStage::Approval, CardStage::Approved];

    /// A stable name for markup.
    pub fn code(self) -> &'static str {
        match self {
            CardStage::Filling => "filling",
            CardStage::LeaderReview => "leader_review",
            CardStage::Appraisal => "appraisal",
            CardStage::Approval => "approval",
            CardStage::Approved => "approved",
        }
    }

    /// The locale key of its name.
    pub fn label_key(self) -> &'static str {
        match self {
            CardStage::Filling => "card_stage.filling",
            CardStage::LeaderReview => "card_stage.leader_review",
            CardStage::Appraisal => "card_stage.appraisal",
            CardStage::Approval => "card_stage.approval",
            CardStage::Approved => "card_stage.approved",
        }
    }
}

/// What a member does to a card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Hydrate, Reconcile, Serialize, Deserialize)]
pub enum CardAction {
    /// Hands the filled card on (个人填报 → 领导审核).
    Submit,
    /// Passes the step it is at (领导审核 → 集中评议 → 领导小组审批 → 已审批).
    Pass,
    /// Sends it back to 个人填报, with reasons.
    Return,
}

impl CardAction {
    /// Every action.
    pub const ALL: [CardAction; 3] = [CardAction::Submit, CardAction::Pass, CardAction::Return];

    /// A stable name for markup.
    pub fn code(self) -> &'static str {
        match self {
            CardAction::Submit => "submit",
            CardAction::Pass => "pass",
            CardAction::Return => "return",
        }
    }

    /// The locale key of its name.
    pub fn label_key(self) -> &'static str {
        match self {
            CardAction::Submit => "card_action.submit",
            CardAction::Pass => "card_action.pass",
            CardAction::Return => "card_action.return",
        }
    }
}

/// One step of a card's trail: who did what at which stage, when, and the remarks.
#[derive(Debug, Clone, PartialEq, Eq, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct CardStep {
    /// Steps seen before this one, to order the trail.
    pub seq: u64,
    /// The stage the card was at.
    pub stage: CardStage,
    /// What was done.
    pub action: CardAction,
    /// The member (person id).
    pub by: Id,
    /// Unix seconds.
    pub at: i64,
    /// 意见
    pub remarks: String,
}

/// 勤廉责任卡 of one cadre for one year.
#[derive(Debug, Clone, PartialEq, Default, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct DutyCard {
    /// The cadre (person id).
    pub person: Id,
    /// 年度, e.g. 2026
    pub year: String,
    /// 岗位职责
    #[serde(with = "super::text_serde")]
    pub duties: Text,
    /// 勤廉任务
    #[serde(with = "super::text_serde")]
    pub tasks: Text,
    /// 行为准则
    #[serde(with = "super::text_serde")]
    pub conduct: Text,
    /// Where it stands.
    pub stage: CardStage,
    /// The trail, keyed by a fresh id so concurrent steps merge.
    pub trail: BTreeMap<Id, CardStep>,
    /// Set when archived.
    pub archived: Option<Archived>,
}
entity!(DutyCard, EntityKind::Card, cards, |c| c.year.clone());

impl DutyCard {
    /// The trail, oldest first.
    pub fn trail_in_order(&self) -> Vec<&CardStep> {
        let mut steps: Vec<_> = self.trail.values().collect();
        steps.sort_by(|a, b| a.seq.cmp(&b.seq).then(a.at.cmp(&b.at)));
        steps
    }
}
