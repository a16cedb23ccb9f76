//! 预警处置: complaints and reports (投诉举报), warnings (预警) and each case's steps.
//!
//! A reporter's name and contact never enter the document as text: only [`Sealed`] bytes do,
//! encrypted with a key the worker derives from the committee's passphrase (`crate::seal`).

use std::collections::BTreeMap;

use autosurgeon::{Hydrate, Reconcile, Text};
use serde::{Deserialize, Serialize};

use super::entity::entity;
use super::{Archived, EntityKind, Id, RiskLevel};

/// How a complaint came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hydrate, Reconcile, Serialize, Deserialize)]
pub enum Channel {
    /// 举报电话
    #[default]
    Hotline,
    /// 来信
    Letter,
    /// 来访
    Visit,
    /// 意见箱
    Mailbox,
    /// 网络举报
    Online,
}
coded!(Channel, "channel", [Hotline => "hotline", Letter => "letter", Visit => "visit", Mailbox => "mailbox", Online => "online"]);

/// Bytes encrypted with the register's passphrase key: XChaCha20-Poly1305, base64.
#[derive(Debug, Clone, PartialEq, Eq, Default, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct Sealed {
    /// The 24-byte nonce.
    pub nonce: String,
    /// The ciphertext with its 16-byte tag.
    pub data: String,
    /// The id of the lock whose key sealed it (`crate::seal`); empty for the legacy lock.
    #[autosurgeon(missing = "String::new")]
    #[serde(default)]
    pub lock: String,
}

/// 投诉举报: a complaint or report.
#[derive(Debug, Clone, PartialEq, Default, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct Complaint {
    /// How it came in.
    pub channel: Channel,
    /// When, `YYYY-MM-DD`.
    pub received: String,
    /// The person it concerns ("" when none is named).
    pub person: Id,
    /// The department it concerns ("" when none).
    pub department: Id,
    /// What it says.
    #[serde(with = "super::text_serde")]
    pub content: Text,
    /// The reporter's name and contact, sealed; `None` when anonymous.
    pub reporter: Option<Sealed>,
    /// Set when archived.
    pub archived: Option<Archived>,
}
entity!(Complaint, EntityKind::Complaint, complaints, |c| {
    let text = c.content.as_str();
    let short: String = text.chars().take(30).collect();
    if short.len() < text.len() { format!("{} {short}…", c.received) } else { format!("{} {short}", c.received) }
});

/// Where a warning came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Hydrate, Reconcile, Serialize, Deserialize)]
pub enum Source {
    /// Raised by hand.
    #[default]
    Manual,
    /// From a complaint (`source_id` is its id).
    Complaint,
    /// From a 督查 finding.
    Check,
    /// From a measure past its deadline (`source_id` is the measure's id).
    OverdueMeasure,
    /// From a warning signal the app proposed (`source_id` is the signal's key).
    Signal,
    /// From a 廉政评议 below the pass mark (`source_id` is the evaluation's id).
    Evaluation,
}
coded!(Source, "source", [Manual => "manual", Complaint => "complaint", Check => "check", OverdueMeasure => "overdue_measure", Signal => "signal", Evaluation => "evaluation"]);

/// Whom a warning is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hydrate, Reconcile, Serialize, Deserialize)]
pub enum Target {
    /// A person.
    #[default]
    Person,
    /// A department.
    Department,
    /// A risk point.
    Risk,
}
coded!(Target, "target", [Person => "person", Department => "department", Risk => "risk"]);

/// What a step of a case does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hydrate, Reconcile, Serialize, Deserialize)]
pub enum StepKind {
    /// 处置: measures chosen, and the written answer due.
    #[default]
    Dispose,
    /// 回告: the target's written answer.
    Answer,
    /// The leading group accepts the answer: the case is closed.
    Accept,
    /// The leading group sends the answer back with reasons.
    Reject,
}
coded!(StepKind, "step", [Dispose => "dispose", Answer => "answer", Accept => "accept", Reject => "reject"]);

/// One disposal measure (处置措施) of a case.
#[derive(Debug, Clone, PartialEq, Eq, Default, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct Disposal {
    /// 谈心疏导, 批评教育 … (one of the register's list, or typed).
    pub measure: String,
    /// Who carries it out: a person id.
    pub who: Id,
    /// When, `YYYY-MM-DD`.
    pub when: String,
}

/// A step of a case, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Default, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct Step {
    /// What it does.
    pub kind: StepKind,
    /// The day it was taken, `YYYY-MM-DD`.
    pub date: String,
    /// The member who recorded it.
    pub by: Id,
    /// How many steps the case had when this one was recorded: orders the steps (two taken
    /// at once on two copies share it, and are then ordered by time and id).
    pub seq: u64,
    /// Unix seconds when it was recorded.
    pub at: i64,
    /// The answer's text, or the reasons, or remarks.
    pub text: String,
    /// For a disposal: the measures.
    pub measures: Vec<Disposal>,
    /// For a disposal, or an answer sent back: the day the written answer is due.
    pub due: String,
}

/// 预警: a warning and its case.
#[derive(Debug, Clone, PartialEq, Default, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct Warning {
    /// The level it was raised at (a case sent back twice rises from here).
    pub level: RiskLevel,
    /// Where it came from.
    pub source: Source,
    /// The complaint, measure or signal it came from ("" when raised by hand).
    pub source_id: String,
    /// Whom it is about.
    pub target: Target,
    /// The person, department or risk point.
    pub target_id: Id,
    /// The problem, as the notice states it.
    #[serde(with = "super::text_serde")]
    pub problem: Text,
    /// When it was raised, `YYYY-MM-DD`.
    pub raised: String,
    /// The member who raised it.
    pub raised_by: Id,
    /// The case's steps, keyed by a fresh id so that two members' steps merge.
    pub steps: BTreeMap<Id, Step>,
    /// Set when archived.
    pub archived: Option<Archived>,
}
entity!(Warning, EntityKind::Warning, warnings, |w| {
    let text = w.problem.as_str();
    let short: String = text.chars().take(30).collect();
    if short.len() < text.len() { format!("{short}…") } else { short }
});

/// 督查: a spot check of a risk point's controls, planned and then done.
#[derive(Debug, Clone, PartialEq, Default, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct SpotCheck {
    /// The risk point checked.
    pub risk: Id,
    /// The day it is planned for, `YYYY-MM-DD` ("" when not planned ahead).
    pub planned: String,
    /// The day it was done, `YYYY-MM-DD` ("" until done).
    pub done: String,
    /// Who checked: a person id ("" when not named).
    pub by: Id,
    /// What was checked.
    #[serde(with = "super::text_serde")]
    pub what: Text,
    /// What was found.
    #[serde(with = "super::text_serde")]
    pub findings: Text,
    /// The follow-up decided.
    pub follow_up: String,
    /// Set when archived.
    pub archived: Option<Archived>,
}
entity!(SpotCheck, EntityKind::Check, checks, |c| {
    let text = c.what.as_str();
    let short: String = text.chars().take(30).collect();
    if short.len() < text.len() { format!("{short}…") } else { short }
});

/// The kind of a major matter (三重一大, and the other matters the plans name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hydrate, Reconcile, Serialize, Deserialize)]
pub enum MatterKind {
    /// 重大事项决策
    #[default]
    Decision,
    /// 重要人事任免
    Appointment,
    /// 重大项目安排
    Project,
    /// 大额资金使用
    Funds,
    /// 其他重要事项 (出国出境考察、公车购置 …)
    Other,
}
coded!(MatterKind, "matter_kind", [Decision => "decision", Appointment => "appointment", Project => "project", Funds => "funds", Other => "other"]);

/// 重大事项报告: a major matter reported before it is carried out, answered with a
/// 廉政提醒卡 to the person in charge (廉政提醒机制).
#[derive(Debug, Clone, PartialEq, Default, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct MatterReport {
    /// What kind of matter.
    pub kind: MatterKind,
    /// 事项: what is to be done.
    pub topic: String,
    /// The person in charge, who receives the card.
    pub person: Id,
    /// The day it was reported, `YYYY-MM-DD`.
    pub reported: String,
    /// The day it is to be carried out, `YYYY-MM-DD`.
    pub planned: String,
    /// Reported less than a week ahead because it could not wait.
    pub urgent: bool,
    /// Why it could not wait.
    pub urgent_reason: String,
    /// The leading group's reminders beyond the standard ones for its kind.
    #[serde(with = "super::text_serde")]
    pub reminders: Text,
    /// The day the 廉政提醒卡 was issued ("" until then).
    pub issued: String,
    /// Set when archived.
    pub archived: Option<Archived>,
}
entity!(MatterReport, EntityKind::Matter, matters, |m| m.topic.clone());
