//! Forms of 预警处置: a complaint, a warning, a step of its case.

use super::{Check, Form, Invalid, LINE_MAX, NAME_MAX, Reason, TEXT_MAX};
use crate::model::{
    Channel, Complaint, Date, Department, Disposal, MatterKind, MatterReport, Person, Register, RiskLevel, RiskPoint,
    Sealed, Source, SpotCheck, Step, StepKind, Target, Warning,
};

/// The reporter of a complaint, as the form carries it. Its `Debug` never shows a typed name.
#[derive(Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum ReporterInput {
    /// Leave the reporter as recorded (an edit of other fields).
    #[default]
    Keep,
    /// Anonymous: no reporter is recorded (an existing one is removed).
    Anonymous,
    /// Typed on the page. The engine seals it before the form reaches the document; a form
    /// still holding plain text is refused, so a name can never be written in the clear.
    Plain {
        /// 姓名
        name: String,
        /// 联系方式
        contact: String,
    },
    /// Sealed by the engine with the register's passphrase key.
    Sealed(Sealed),
}

impl std::fmt::Debug for ReporterInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReporterInput::Keep => f.write_str("Keep"),
            ReporterInput::Anonymous => f.write_str("Anonymous"),
            ReporterInput::Plain { .. } => f.write_str("Plain { .. }"),
            ReporterInput::Sealed(sealed) => f.debug_tuple("Sealed").field(sealed).finish(),
        }
    }
}

/// 投诉举报登记.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ComplaintForm {
    /// Channel code.
    pub channel: String,
    /// 受理日期 (required).
    pub received: String,
    /// 被反映人: a person id or "".
    pub person: String,
    /// 涉及部门: a department id or "".
    pub department: String,
    /// 反映内容 (required).
    pub content: String,
    /// 举报人.
    pub reporter: ReporterInput,
}

impl ComplaintForm {
    /// The reporter's name and contact as one text to seal, when typed.
    pub fn reporter_text(&self) -> Option<String> {
        match &self.reporter {
            ReporterInput::Plain { name, contact } if !name.trim().is_empty() || !contact.trim().is_empty() => {
                Some(serde_json::json!({ "name": name.trim(), "contact": contact.trim() }).to_string())
            }
            _ => None,
        }
    }
}

/// A reporter's name and contact, as [`ComplaintForm::reporter_text`] sealed them.
pub fn reporter_of(text: &str) -> Option<(String, String)> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    let field = |name: &str| value.get(name).and_then(|v| v.as_str()).unwrap_or_default().to_string();
    Some((field("name"), field("contact")))
}

impl Form for ComplaintForm {
    type Target = Complaint;

    fn from_target(c: &Complaint) -> Self {
        Self {
            channel: c.channel.code().to_string(),
            received: c.received.clone(),
            person: c.person.clone(),
            department: c.department.clone(),
            content: c.content.as_str().to_string(),
            reporter: ReporterInput::Keep,
        }
    }

    fn apply(&self, complaint: &mut Complaint, register: &Register) -> Result<(), Vec<Invalid>> {
        let mut c = Check::default();
        let channel = Channel::from_code(self.channel.trim());
        if channel.is_none() {
            c.refuse("channel", Reason::Choice);
        }
        let received = c.required_date("received", &self.received);
        let current_person = (!complaint.person.is_empty()).then_some(&complaint.person);
        let person = c.reference::<Person>("person", &self.person, current_person, register);
        let current_department = (!complaint.department.is_empty()).then_some(&complaint.department);
        let department = c.reference::<Department>("department", &self.department, current_department, register);
        let content = c.text("content", &self.content, true, TEXT_MAX);
        let reporter = match &self.reporter {
            ReporterInput::Keep => complaint.reporter.clone(),
            ReporterInput::Anonymous => None,
            ReporterInput::Plain { name, contact } => {
                c.text("reporter_name", name, false, NAME_MAX);
                c.text("reporter_contact", contact, false, LINE_MAX);
                if self.reporter_text().is_some() {
                    c.refuse("reporter_name", Reason::Locked);
                }
                None
            }
            ReporterInput::Sealed(sealed) => Some(sealed.clone()),
        };
        c.finish()?;
        complaint.channel = channel.unwrap_or_default();
        complaint.received = received.map(|d| d.to_string()).unwrap_or_default();
        complaint.person = person.unwrap_or_default();
        complaint.department = department.unwrap_or_default();
        complaint.content.update(content);
        complaint.reporter = reporter;
        Ok(())
    }
}

/// 预警: raising a warning, or editing what it says.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct WarningForm {
    /// Level code "1", "2" or "3".
    pub level: String,
    /// Source code.
    pub source: String,
    /// The complaint, measure or signal it came from.
    pub source_id: String,
    /// Target code.
    pub target: String,
    /// The person, department or risk point (required).
    pub target_id: String,
    /// 预警问题 (required).
    pub problem: String,
    /// 预警日期 (required).
    pub raised: String,
}

impl Form for WarningForm {
    type Target = Warning;

    fn from_target(w: &Warning) -> Self {
        Self {
            level: w.level.code().to_string(),
            source: w.source.code().to_string(),
            source_id: w.source_id.clone(),
            target: w.target.code().to_string(),
            target_id: w.target_id.clone(),
            problem: w.problem.as_str().to_string(),
            raised: w.raised.clone(),
        }
    }

    fn apply(&self, warning: &mut Warning, register: &Register) -> Result<(), Vec<Invalid>> {
        let mut c = Check::default();
        let level = RiskLevel::from_code(self.level.trim());
        if level.is_none() {
            c.refuse("level", Reason::Level);
        }
        let source = Source::from_code(self.source.trim());
        if source.is_none() {
            c.refuse("source", Reason::Choice);
        }
        let source_id = self.source_id.trim();
        let known = match source {
            Some(Source::Complaint) => register.complaints.contains_key(source_id),
            Some(Source::Check) => source_id.is_empty() || register.checks.contains_key(source_id),
            Some(Source::Evaluation) => register.evaluations.contains_key(source_id),
            _ => true,
        };
        if !known {
            c.refuse("source_id", Reason::Unknown);
        }
        let target = Target::from_code(self.target.trim());
        let current = (!warning.target_id.is_empty()).then_some(&warning.target_id);
        let target_id = match target {
            Some(Target::Person) => c.required_reference::<Person>("target_id", &self.target_id, current, register),
            Some(Target::Department) => {
                c.required_reference::<Department>("target_id", &self.target_id, current, register)
            }
            Some(Target::Risk) => c.required_reference::<RiskPoint>("target_id", &self.target_id, current, register),
            None => {
                c.refuse("target", Reason::Choice);
                String::new()
            }
        };
        let problem = c.text("problem", &self.problem, true, TEXT_MAX);
        let raised = c.required_date("raised", &self.raised);
        c.finish()?;
        warning.level = level.unwrap_or_default();
        warning.source = source.unwrap_or_default();
        warning.source_id = self.source_id.trim().to_string();
        warning.target = target.unwrap_or_default();
        warning.target_id = target_id;
        warning.problem.update(problem);
        warning.raised = raised.map(|d| d.to_string()).unwrap_or_default();
        Ok(())
    }
}

/// One disposal measure as typed.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DisposalForm {
    /// 处置措施 (required).
    pub measure: String,
    /// 落实人: a person id or "".
    pub who: String,
    /// 落实时间, `YYYY-MM-DD` or "".
    pub when: String,
}

/// A step of a case: 处置, 回告, 采纳 or 退回.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StepForm {
    /// Step code.
    pub kind: String,
    /// The day it is taken (required).
    pub date: String,
    /// The answer (回告, required), the reasons (退回, required), or remarks.
    pub text: String,
    /// For 处置: at least one measure.
    pub measures: Vec<DisposalForm>,
}

impl StepForm {
    /// The checked step, recorded by `by` at `at`; `due` is the answer's deadline the
    /// register's calendar gives from the step's date.
    pub fn check(&self, register: &Register, by: &str, at: i64) -> Result<Step, Vec<Invalid>> {
        let mut c = Check::default();
        let kind = StepKind::from_code(self.kind.trim());
        if kind.is_none() {
            c.refuse("kind", Reason::Choice);
        }
        let date = c.required_date("date", &self.date);
        let needs_text = matches!(kind, Some(StepKind::Answer | StepKind::Reject));
        let text = c.text("text", &self.text, needs_text, TEXT_MAX);
        let mut measures = Vec::new();
        if kind == Some(StepKind::Dispose) {
            if self.measures.iter().all(|m| m.measure.trim().is_empty()) {
                c.refuse("measures", Reason::NoneChosen);
            }
            for m in self.measures.iter().filter(|m| !m.measure.trim().is_empty()) {
                let measure = c.text("measures", &m.measure, true, LINE_MAX);
                let who = c.reference::<Person>("measures", &m.who, None, register).unwrap_or_default();
                let when = c.date("measures", &m.when).map(|d| d.to_string()).unwrap_or_default();
                measures.push(Disposal { measure, who, when });
            }
        }
        c.finish()?;
        let (kind, date) = (kind.unwrap_or_default(), date.unwrap_or(Date::from_days_since_epoch(0)));
        let due = match kind {
            StepKind::Dispose | StepKind::Reject => {
                register.settings.calendar().add_working_days(date, register.settings.answer_days).to_string()
            }
            StepKind::Answer | StepKind::Accept => String::new(),
        };
        Ok(Step { kind, date: date.to_string(), by: by.to_string(), seq: 0, at, text, measures, due })
    }
}

/// 预警设置: the answer's deadline, the signals' thresholds, the disposal list and the holidays.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CaseSettingsForm {
    /// 回告期限 in working days (1–30).
    pub answer_days: String,
    /// A measure this many days overdue is signalled (1–365).
    pub overdue_days: String,
    /// This many complaints about one person (2–20) …
    pub complaints: String,
    /// … within this many months are signalled (1–24).
    pub complaint_months: String,
    /// 处置措施, one per line (at least one).
    pub disposals: String,
    /// 放假日期, one `YYYY-MM-DD` per line.
    pub holidays: String,
    /// 调休上班日期, one `YYYY-MM-DD` per line.
    pub worked: String,
}

impl CaseSettingsForm {
    fn dates(c: &mut Check, field: &'static str, value: &str) -> Vec<String> {
        value.lines().filter(|l| !l.trim().is_empty()).filter_map(|l| c.date(field, l)).map(|d| d.to_string()).collect()
    }
}

impl Form for CaseSettingsForm {
    type Target = crate::model::Settings;

    fn from_target(s: &crate::model::Settings) -> Self {
        let days = |off: bool| {
            s.holidays.iter().filter(|(_, o)| **o == off).map(|(d, _)| d.as_str()).collect::<Vec<_>>().join("\n")
        };
        Self {
            answer_days: s.answer_days.to_string(),
            overdue_days: s.signals.overdue_days.to_string(),
            complaints: s.signals.complaints.to_string(),
            complaint_months: s.signals.complaint_months.to_string(),
            disposals: s.disposals.join("\n"),
            holidays: days(true),
            worked: days(false),
        }
    }

    fn apply(&self, settings: &mut crate::model::Settings, _: &Register) -> Result<(), Vec<Invalid>> {
        let mut c = Check::default();
        let answer_days = c.number("answer_days", &self.answer_days, 1, 30);
        let overdue_days = c.number("overdue_days", &self.overdue_days, 1, 365);
        let complaints = c.number("complaints", &self.complaints, 2, 20);
        let complaint_months = c.number("complaint_months", &self.complaint_months, 1, 24);
        let disposals: Vec<String> =
            self.disposals.lines().map(|l| c.text("disposals", l, false, LINE_MAX)).filter(|l| !l.is_empty()).collect();
        if disposals.is_empty() {
            c.refuse("disposals", Reason::NoneChosen);
        }
        let holidays = Self::dates(&mut c, "holidays", &self.holidays);
        let worked = Self::dates(&mut c, "worked", &self.worked);
        c.finish()?;
        settings.answer_days = answer_days;
        settings.signals = crate::model::SignalThresholds { overdue_days, complaints, complaint_months };
        settings.disposals = disposals;
        settings.holidays =
            holidays.into_iter().map(|d| (d, true)).chain(worked.into_iter().map(|d| (d, false))).collect();
        Ok(())
    }
}

/// 督查: a spot check, planned or done.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SpotCheckForm {
    /// The risk point checked (required).
    pub risk: String,
    /// 计划日期.
    pub planned: String,
    /// 完成日期 (a planned date or a done date is required).
    pub done: String,
    /// 督查人: a person id or "".
    pub by: String,
    /// 督查内容 (required).
    pub what: String,
    /// 发现问题.
    pub findings: String,
    /// 整改跟进.
    pub follow_up: String,
}

impl Form for SpotCheckForm {
    type Target = SpotCheck;

    fn from_target(c: &SpotCheck) -> Self {
        Self {
            risk: c.risk.clone(),
            planned: c.planned.clone(),
            done: c.done.clone(),
            by: c.by.clone(),
            what: c.what.as_str().to_string(),
            findings: c.findings.as_str().to_string(),
            follow_up: c.follow_up.clone(),
        }
    }

    fn apply(&self, check: &mut SpotCheck, register: &Register) -> Result<(), Vec<Invalid>> {
        let mut c = Check::default();
        let current = (!check.risk.is_empty()).then_some(&check.risk);
        let risk = c.required_reference::<RiskPoint>("risk", &self.risk, current, register);
        let planned = c.date("planned", &self.planned);
        let done = c.date("done", &self.done);
        if self.planned.trim().is_empty() && self.done.trim().is_empty() {
            c.refuse("planned", Reason::Required);
        }
        let current_by = (!check.by.is_empty()).then_some(&check.by);
        let by = c.reference::<Person>("by", &self.by, current_by, register);
        let what = c.text("what", &self.what, true, TEXT_MAX);
        let findings = c.text("findings", &self.findings, false, TEXT_MAX);
        let follow_up = c.text("follow_up", &self.follow_up, false, LINE_MAX);
        c.finish()?;
        check.risk = risk;
        check.planned = planned.map(|d| d.to_string()).unwrap_or_default();
        check.done = done.map(|d| d.to_string()).unwrap_or_default();
        check.by = by.unwrap_or_default();
        check.what.update(what);
        check.findings.update(findings);
        check.follow_up = follow_up;
        Ok(())
    }
}

/// How many days before it is carried out a major matter must be reported (实施一周前).
pub const MATTER_NOTICE_DAYS: i64 = 7;

/// Whether a matter reported on `reported` for `planned` was reported a week ahead.
pub fn reported_in_time(reported: Date, planned: Date) -> bool {
    reported.days_until(planned) >= MATTER_NOTICE_DAYS
}

/// 重大事项报告: a major matter reported ahead.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MatterForm {
    /// The kind's code (required).
    pub kind: String,
    /// 事项 (required).
    pub topic: String,
    /// 负责人: a person id (required: the card is addressed to them).
    pub person: String,
    /// 报告日期 (required).
    pub reported: String,
    /// 拟实施日期 (required, a week after the report unless urgent).
    pub planned: String,
    /// 紧急事项.
    pub urgent: bool,
    /// 紧急理由 (required when urgent and late).
    pub urgent_reason: String,
    /// 提醒意见, beyond the standard ones.
    pub reminders: String,
    /// 提醒卡回复日期.
    pub issued: String,
}

impl Form for MatterForm {
    type Target = MatterReport;

    fn from_target(m: &MatterReport) -> Self {
        Self {
            kind: m.kind.code().to_string(),
            topic: m.topic.clone(),
            person: m.person.clone(),
            reported: m.reported.clone(),
            planned: m.planned.clone(),
            urgent: m.urgent,
            urgent_reason: m.urgent_reason.clone(),
            reminders: m.reminders.as_str().to_string(),
            issued: m.issued.clone(),
        }
    }

    fn apply(&self, matter: &mut MatterReport, register: &Register) -> Result<(), Vec<Invalid>> {
        let mut c = Check::default();
        let kind = MatterKind::from_code(self.kind.trim());
        if kind.is_none() {
            c.refuse("kind", Reason::Choice);
        }
        let topic = c.text("topic", &self.topic, true, LINE_MAX);
        let current = (!matter.person.is_empty()).then_some(&matter.person);
        let person = c.required_reference::<Person>("person", &self.person, current, register);
        let reported = c.date("reported", &self.reported);
        if self.reported.trim().is_empty() {
            c.refuse("reported", Reason::Required);
        }
        let planned = c.date("planned", &self.planned);
        if self.planned.trim().is_empty() {
            c.refuse("planned", Reason::Required);
        }
        let urgent_reason = c.text("urgent_reason", &self.urgent_reason, false, LINE_MAX);
        if let (Some(reported), Some(planned)) = (reported, planned)
            && !reported_in_time(reported, planned)
        {
            if !self.urgent {
                c.refuse("planned", Reason::TooLate { days: MATTER_NOTICE_DAYS });
            } else if urgent_reason.is_empty() {
                c.refuse("urgent_reason", Reason::Required);
            }
        }
        let reminders = c.text("reminders", &self.reminders, false, TEXT_MAX);
        let issued = c.date("issued", &self.issued);
        if let (Some(reported), Some(issued)) = (reported, issued)
            && issued < reported
        {
            c.refuse("issued", Reason::EndBeforeStart);
        }
        c.finish()?;
        matter.kind = kind.unwrap_or_default();
        matter.topic = topic;
        matter.person = person;
        matter.reported = reported.map(|d| d.to_string()).unwrap_or_default();
        matter.planned = planned.map(|d| d.to_string()).unwrap_or_default();
        matter.urgent = self.urgent;
        matter.urgent_reason = urgent_reason;
        matter.reminders.update(reminders);
        matter.issued = issued.map(|d| d.to_string()).unwrap_or_default();
        Ok(())
    }
}
