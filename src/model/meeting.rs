//! 议事机构 and their meetings: the 校务会 (or 党组会) records of "三重一大" matters, with the
//! order in which members spoke and the decision with its vote; and the other bodies the plans
//! set up, the 民主理财小组 (reviews large spending) and the 校务公开领导小组.

use std::collections::BTreeMap;

use autosurgeon::{Hydrate, Reconcile, Text};
use serde::{Deserialize, Serialize};

use super::entity::entity;
use super::{Archived, EntityKind, Id};

/// What a body is for.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Hydrate, Reconcile, Serialize, Deserialize,
)]
pub enum BodyRole {
    /// 议事决策: 校务会, 党组会, 局长办公会 decide the "三重一大" matters.
    #[default]
    Decision,
    /// 民主理财小组: reviews large and important spending.
    Finance,
    /// 校务公开领导小组: reviews and files what is made public.
    Openness,
    /// Any other body.
    Other,
}

coded!(BodyRole, "body_role", [Decision => "decision", Finance => "finance", Openness => "openness", Other => "other"]);

/// 议事机构: a body that meets and keeps records.
#[derive(Debug, Clone, PartialEq, Default, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct Body {
    /// 名称, e.g. 校务会, 民主理财小组
    pub name: String,
    /// What it is for.
    pub role: BodyRole,
    /// 主持人: for a deciding body, the principal leader who must speak last (末位表态).
    pub chair: Option<Id>,
    /// 成员, as a set.
    pub members: BTreeMap<Id, bool>,
    /// Set when archived.
    pub archived: Option<Archived>,
}
entity!(Body, EntityKind::Body, bodies, |b| b.name.clone());

/// The four "三重一大" matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Hydrate, Reconcile, Serialize, Deserialize)]
pub enum MajorMatter {
    /// 重大事项决策
    Decision,
    /// 重要人事任免
    Personnel,
    /// 重大项目安排
    Project,
    /// 大额资金使用
    Funds,
}

coded!(MajorMatter, "major", [Decision => "decision", Personnel => "personnel", Project => "project", Funds => "funds"]);

/// What money a meeting's decision spends, if any.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Hydrate, Reconcile, Serialize, Deserialize,
)]
pub enum Spending {
    /// No spending.
    #[default]
    None,
    /// 基建维修: building, repair, renovation.
    Building,
    /// 物品采购: purchasing.
    Purchase,
    /// Other spending.
    Other,
}

impl Spending {
    /// Building and purchasing above the tender threshold must be tendered (招标).
    pub fn needs_tender(self) -> bool {
        matches!(self, Spending::Building | Spending::Purchase)
    }
}

coded!(Spending, "spending", [None => "none", Building => "building", Purchase => "purchase", Other => "other"]);

/// The "三重一大" procedure, a step at a time; `Done` after 执行.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Hydrate, Reconcile, Serialize, Deserialize,
)]
pub enum Procedure {
    /// 议题研究
    #[default]
    Study,
    /// 征求意见
    Consult,
    /// 请示签报
    Request,
    /// 议题讨论
    Discuss,
    /// 会议决定
    Decide,
    /// 会议记录
    Minutes,
    /// 纪要签发
    Issue,
    /// 执行
    Execute,
    /// Every step taken.
    Done,
}

impl Procedure {
    /// The step after this one (`Done` stays `Done`).
    pub fn next(self) -> Self {
        let i = Self::ALL.iter().position(|p| *p == self).unwrap_or(0);
        Self::ALL[(i + 1).min(Self::ALL.len() - 1)]
    }
}
coded!(Procedure, "procedure", [
    Study => "study",
    Consult => "consult",
    Request => "request",
    Discuss => "discuss",
    Decide => "decide",
    Minutes => "minutes",
    Issue => "issue",
    Execute => "execute",
    Done => "done",
]);

/// One step of the procedure taken: which, who, when, and what was noted.
#[derive(Debug, Clone, PartialEq, Eq, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct ProcedureStep {
    /// Steps recorded before this one, to order the trail.
    pub seq: u64,
    /// The step taken.
    pub step: Procedure,
    /// The member (person id).
    pub by: Id,
    /// Unix seconds.
    pub at: i64,
    /// 说明: what was done, with a reference to the document.
    pub remarks: String,
}

/// 会议记录: one meeting of a body on one matter.
#[derive(Debug, Clone, PartialEq, Default, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct Meeting {
    /// The body that met.
    pub body: Id,
    /// 会议日期, `YYYY-MM-DD`
    pub date: String,
    /// The "三重一大" matter it decides, if it is one.
    pub matter: Option<MajorMatter>,
    /// 议题
    pub topic: String,
    /// 参会人员, as a set.
    pub attendees: BTreeMap<Id, bool>,
    /// 发言顺序: person ids in the order they spoke.
    pub speakers: Vec<Id>,
    /// 会议决定
    #[serde(with = "super::text_serde")]
    pub decision: Text,
    /// 表决: 同意
    pub votes_for: u32,
    /// 表决: 反对
    pub votes_against: u32,
    /// 表决: 弃权
    pub votes_abstain: u32,
    /// What the decision spends.
    pub spending: Spending,
    /// 金额 in whole yuan (0 when nothing is spent).
    pub amount: u64,
    /// 已招标: the work or purchase was put out to tender.
    pub tendered: bool,
    /// The 民主理财小组 meeting that reviewed the spending.
    pub finance_review: Option<Id>,
    /// Where the "三重一大" procedure stands.
    pub procedure: Procedure,
    /// The procedure's trail, keyed by a fresh id so concurrent steps merge.
    pub trail: BTreeMap<Id, ProcedureStep>,
    /// Set when archived.
    pub archived: Option<Archived>,
}
entity!(Meeting, EntityKind::Meeting, meetings, |m| format!("{} {}", m.date, m.topic));

impl Meeting {
    /// The speakers in order, each once (a merge of two edits of the order may repeat one).
    pub fn speaking_order(&self) -> Vec<&Id> {
        let mut seen = std::collections::BTreeSet::new();
        self.speakers.iter().filter(|id| seen.insert(id.as_str())).collect()
    }

    /// The procedure's trail, oldest first.
    pub fn trail_in_order(&self) -> Vec<&ProcedureStep> {
        let mut steps: Vec<_> = self.trail.values().collect();
        steps.sort_by(|a, b| a.seq.cmp(&b.seq).then(a.at.cmp(&b.at)));
        steps
    }
}
