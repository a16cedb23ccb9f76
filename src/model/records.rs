//! The committee's other records: funds under supervision (资金监管), the rules (制度体系),
//! education activities (廉政教育) and the yearly evaluation of each cadre (廉政评议).

use std::collections::BTreeMap;

use autosurgeon::{Hydrate, Reconcile, Text};
use serde::{Deserialize, Serialize};

use super::entity::entity;
use super::{Archived, EntityKind, Id};

/// One check of a fund: when, by whom, and what it found.
#[derive(Debug, Clone, PartialEq, Eq, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct FundCheck {
    /// 检查日期, `YYYY-MM-DD`
    pub date: String,
    /// 检查人 (person id, "" when not named).
    pub checker: Id,
    /// 检查发现: what was found ("" or 未发现问题 when nothing).
    pub findings: String,
    /// Whether the check found a problem.
    pub problem: bool,
    /// The member who recorded it, and when (Unix seconds).
    pub recorded_by: Id,
    /// Unix seconds.
    pub at: i64,
}

/// 资金: one fund the unit receives and spends, and its checks.
#[derive(Debug, Clone, PartialEq, Default, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct Fund {
    /// 资金名称, e.g. 生均公用经费
    pub name: String,
    /// 责任部门
    pub department: Option<Id>,
    /// 金额 in whole yuan (0 when not known).
    pub amount: u64,
    /// 说明: where it comes from and what it may pay for.
    #[serde(with = "super::text_serde")]
    pub notes: Text,
    /// Its checks, keyed by a fresh id so checks recorded on two copies both stay.
    pub checks: BTreeMap<Id, FundCheck>,
    /// Set when archived.
    pub archived: Option<Archived>,
}
entity!(Fund, EntityKind::Fund, funds, |f| f.name.clone());

/// Where a rule stands.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Hydrate, Reconcile, Serialize, Deserialize,
)]
pub enum RuleStatus {
    /// 未建立
    #[default]
    Missing,
    /// 已起草
    Drafted,
    /// 已施行
    InForce,
    /// 已修订
    Revised,
}
coded!(RuleStatus, "rule_status", [Missing => "missing", Drafted => "drafted", InForce => "in_force", Revised => "revised"]);

/// 制度: one rule of the unit's rulebook.
#[derive(Debug, Clone, PartialEq, Default, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct Regulation {
    /// 制度名称, e.g. 重大事项民主决策制度
    pub name: String,
    /// Where it stands.
    pub status: RuleStatus,
    /// 起草日期
    pub drafted: String,
    /// 施行日期
    pub in_force: String,
    /// 修订日期
    pub revised: String,
    /// 制度文本
    #[serde(with = "super::text_serde")]
    pub text: Text,
    /// 文号 or where the text is kept.
    pub reference: String,
    /// Set when archived.
    pub archived: Option<Archived>,
}
entity!(Regulation, EntityKind::Regulation, regulations, |r| r.name.clone());

/// The kinds of education activity the seed names.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Hydrate, Reconcile, Serialize, Deserialize,
)]
pub enum EducationKind {
    /// 廉政党课
    #[default]
    PartyLesson,
    /// 廉政知识竞赛
    Quiz,
    /// 宣传专栏 (网站、公开栏、广播)
    Column,
    /// 警示教育
    Warning,
    /// 其他
    Other,
}
coded!(EducationKind, "education", [PartyLesson => "party_lesson", Quiz => "quiz", Column => "column", Warning => "warning", Other => "other"]);

/// 廉政教育活动: one activity of the education log.
#[derive(Debug, Clone, PartialEq, Default, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct Activity {
    /// 日期, `YYYY-MM-DD`
    pub date: String,
    /// What kind.
    pub kind: EducationKind,
    /// 主题
    pub title: String,
    /// 参加人员 among the register's people, as a set.
    pub participants: BTreeMap<Id, bool>,
    /// 参加人数 in all (teachers, students, parents the register does not list).
    pub headcount: u32,
    /// 佐证材料: what shows it took place.
    #[serde(with = "super::text_serde")]
    pub evidence: Text,
    /// Set when archived.
    pub archived: Option<Archived>,
}
entity!(Activity, EntityKind::Activity, activities, |a| format!("{} {}", a.date, a.title));

/// 廉政谈话: the talk held with a cadre below the pass mark.
#[derive(Debug, Clone, PartialEq, Eq, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct Talk {
    /// 谈话日期
    pub date: String,
    /// 谈话人 (person id).
    pub by: Id,
    /// 谈话内容和整改要求
    pub notes: String,
}

/// 廉政评议: one cadre's score for one year, from its weighted parts (each out of 100).
#[derive(Debug, Clone, PartialEq, Default, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct Evaluation {
    /// The cadre (person id).
    pub person: Id,
    /// 年度, e.g. 2026
    pub year: String,
    /// 自评 (0–100), `None` until given.
    pub own: Option<u32>,
    /// 同事互评 (0–100).
    pub peers: Option<u32>,
    /// 领导评议 (0–100).
    pub leaders: Option<u32>,
    /// The talk, once held.
    pub talk: Option<Talk>,
    /// Set when archived.
    pub archived: Option<Archived>,
}
entity!(Evaluation, EntityKind::Evaluation, evaluations, |e| e.year.clone());

/// Who froze a summary, and when.
#[derive(Debug, Clone, PartialEq, Eq, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct Frozen {
    /// The member (person id).
    pub by: Id,
    /// Unix seconds.
    pub at: i64,
}

/// 自评总结: the self-evaluation summary of a period, assembled from the register and edited;
/// frozen once final, when its words stay as they are.
#[derive(Debug, Clone, PartialEq, Default, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct Summary {
    /// 标题
    pub title: String,
    /// The period's first day, `YYYY-MM-DD`.
    pub from: String,
    /// The period's last day.
    pub to: String,
    /// 总结正文
    #[serde(with = "super::text_serde")]
    pub text: Text,
    /// Set once final.
    pub frozen: Option<Frozen>,
    /// Set when archived.
    pub archived: Option<Archived>,
}
entity!(Summary, EntityKind::Summary, summaries, |s| s.title.clone());

/// 报送: what went to which body, and when.
#[derive(Debug, Clone, PartialEq, Default, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct Submission {
    /// 报送日期
    pub date: String,
    /// 报送材料, e.g. 实施方案, 流程图, 评议结果
    pub what: String,
    /// 报送单位, e.g. 县纪委监委, 县教育局防控办
    pub to: String,
    /// 报送人 (person id).
    pub by: Option<Id>,
    /// 文号
    pub reference: String,
    /// Set when archived.
    pub archived: Option<Archived>,
}
entity!(Submission, EntityKind::Submission, submissions, |s| format!("{} {}", s.date, s.what));

/// 归档: the register frozen at the heads it had, under a name. The document keeps all its
/// history, so the register as it was then can always be read back, whatever came after.
#[derive(Debug, Clone, PartialEq, Default, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct Filing {
    /// 名称, e.g. 2026年度腐败风险预警防控工作资料
    pub name: String,
    /// The document's heads when it was filed, as hex.
    pub heads: Vec<String>,
    /// The member who filed it (person id).
    pub by: Id,
    /// Unix seconds.
    pub at: i64,
    /// Set when archived (taken out of the list; the filing itself never changes).
    pub archived: Option<Archived>,
}
entity!(Filing, EntityKind::Filing, filings, |f| f.name.clone());
