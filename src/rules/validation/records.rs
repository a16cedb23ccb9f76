//! Forms of the committee's records: the pledge (廉政承诺书), duty cards (勤廉责任卡), funds
//! (资金监管), rules (制度), education activities (廉政教育) and evaluations (廉政评议).

use super::{AMOUNT_MAX, Check, Form, Invalid, LINE_MAX, NAME_MAX, Reason, TEXT_MAX};
use crate::model::{
    Activity, CardStage, Date, Department, DutyCard, EducationKind, Evaluation, Filing, Fund, FundCheck, Id, Person,
    Pledge, Register, Regulation, RuleStatus, Submission, Summary, Talk,
};

/// One version of the pledge. Creating one makes the next version; a version someone signed
/// keeps its words (a revision is a new version).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PledgeForm {
    /// 标题 (required)
    pub title: String,
    /// 发布日期 (required)
    pub issued: String,
    /// 承诺内容 (required)
    pub text: String,
}

impl Form for PledgeForm {
    type Target = Pledge;

    fn from_target(p: &Pledge) -> Self {
        Self { title: p.title.clone(), issued: p.issued.clone(), text: p.text.as_str().to_string() }
    }

    fn apply(&self, pledge: &mut Pledge, register: &Register) -> Result<(), Vec<Invalid>> {
        let mut c = Check::default();
        let title = c.text("title", &self.title, true, NAME_MAX);
        let issued = c.required_date("issued", &self.issued);
        let text = c.text("text", &self.text, true, TEXT_MAX);
        if !pledge.signatures.is_empty() && (text != pledge.text.as_str() || title != pledge.title) {
            c.refuse("text", Reason::Signed);
        }
        c.finish()?;
        if pledge.version == 0 {
            pledge.version = register.pledges.values().map(|p| p.version).max().unwrap_or(0) + 1;
        }
        pledge.title = title;
        pledge.issued = issued.map(|d| d.to_string()).unwrap_or_default();
        pledge.text.update(text);
        Ok(())
    }
}

/// 勤廉责任卡: whose, which year, and what it holds. Its words change only while the cadre
/// fills it in (个人填报); a card under review is sent back first.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CardForm {
    /// The cadre (required).
    pub person: String,
    /// 年度, four digits (required).
    pub year: String,
    /// 岗位职责
    pub duties: String,
    /// 勤廉任务
    pub tasks: String,
    /// 行为准则
    pub conduct: String,
}

impl Form for CardForm {
    type Target = DutyCard;

    fn from_target(c: &DutyCard) -> Self {
        Self {
            person: c.person.clone(),
            year: c.year.clone(),
            duties: c.duties.as_str().to_string(),
            tasks: c.tasks.as_str().to_string(),
            conduct: c.conduct.as_str().to_string(),
        }
    }

    fn apply(&self, card: &mut DutyCard, register: &Register) -> Result<(), Vec<Invalid>> {
        let mut c = Check::default();
        let current = (!card.person.is_empty()).then_some(&card.person);
        let person = c.required_reference::<Person>("person", &self.person, current, register);
        let year = year(&mut c, &self.year);
        let taken = register
            .cards
            .values()
            .any(|other| other.archived.is_none() && other != &*card && other.person == person && other.year == year);
        if taken {
            c.refuse("year", Reason::Duplicate);
        }
        let duties = c.text("duties", &self.duties, true, TEXT_MAX);
        let tasks = c.text("tasks", &self.tasks, true, TEXT_MAX);
        let conduct = c.text("conduct", &self.conduct, false, TEXT_MAX);
        let changed =
            duties != card.duties.as_str() || tasks != card.tasks.as_str() || conduct != card.conduct.as_str();
        if card.stage != CardStage::Filling && changed {
            c.refuse("duties", Reason::Fixed);
        }
        c.finish()?;
        card.person = person;
        card.year = year;
        card.duties.update(duties);
        card.tasks.update(tasks);
        card.conduct.update(conduct);
        Ok(())
    }
}

/// 资金: name, responsible department, amount and notes. Checks are recorded one at a time
/// ([`FundCheckForm`]).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FundForm {
    /// 资金名称 (required, unique among active funds)
    pub name: String,
    /// 责任部门 (optional department id).
    pub department: String,
    /// 金额 in yuan ("" when not known).
    pub amount: String,
    /// 说明
    pub notes: String,
}

impl Form for FundForm {
    type Target = Fund;

    fn from_target(f: &Fund) -> Self {
        Self {
            name: f.name.clone(),
            department: f.department.clone().unwrap_or_default(),
            amount: if f.amount == 0 { String::new() } else { f.amount.to_string() },
            notes: f.notes.as_str().to_string(),
        }
    }

    fn apply(&self, fund: &mut Fund, register: &Register) -> Result<(), Vec<Invalid>> {
        let mut c = Check::default();
        let name = c.text("name", &self.name, true, NAME_MAX);
        c.unique_name("name", &name, register, fund);
        let department = c.reference::<Department>("department", &self.department, fund.department.as_ref(), register);
        let amount = if self.amount.trim().is_empty() { 0 } else { c.number("amount", &self.amount, 0, AMOUNT_MAX) };
        let notes = c.text("notes", &self.notes, false, TEXT_MAX);
        c.finish()?;
        fund.name = name;
        fund.department = department;
        fund.amount = u64::from(amount);
        fund.notes.update(notes);
        Ok(())
    }
}

/// One check of a fund.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FundCheckForm {
    /// 检查日期 (required).
    pub date: String,
    /// 检查人 (optional person id).
    pub checker: String,
    /// 检查发现 (required when a problem was found).
    pub findings: String,
    /// Whether a problem was found.
    pub problem: bool,
}

impl FundCheckForm {
    /// The check as recorded by `by` at `at`, or what is wrong with the form.
    pub fn check(&self, register: &Register, by: &str, at: i64) -> Result<FundCheck, Vec<Invalid>> {
        let mut c = Check::default();
        let date = c.required_date("date", &self.date);
        let checker = c.reference::<Person>("checker", &self.checker, None, register);
        let findings = c.text("findings", &self.findings, self.problem, TEXT_MAX);
        c.finish()?;
        Ok(FundCheck {
            date: date.map(|d| d.to_string()).unwrap_or_default(),
            checker: checker.unwrap_or_default(),
            findings,
            problem: self.problem,
            recorded_by: by.to_string(),
            at,
        })
    }
}

/// 制度: name, where it stands with its dates, and its text or where it is kept.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RegulationForm {
    /// 制度名称 (required, unique among active rules)
    pub name: String,
    /// [`RuleStatus`] code (required).
    pub status: String,
    /// 起草日期
    pub drafted: String,
    /// 施行日期 (required once in force)
    pub in_force: String,
    /// 修订日期 (required once revised)
    pub revised: String,
    /// 制度文本
    pub text: String,
    /// 文号或存放位置
    pub reference: String,
}

impl Form for RegulationForm {
    type Target = Regulation;

    fn from_target(r: &Regulation) -> Self {
        Self {
            name: r.name.clone(),
            status: r.status.code().to_string(),
            drafted: r.drafted.clone(),
            in_force: r.in_force.clone(),
            revised: r.revised.clone(),
            text: r.text.as_str().to_string(),
            reference: r.reference.clone(),
        }
    }

    fn apply(&self, rule: &mut Regulation, register: &Register) -> Result<(), Vec<Invalid>> {
        let mut c = Check::default();
        let name = c.text("name", &self.name, true, NAME_MAX);
        c.unique_name("name", &name, register, rule);
        let status = RuleStatus::from_code(self.status.trim());
        if status.is_none() {
            c.refuse("status", Reason::Choice);
        }
        let drafted = c.date("drafted", &self.drafted);
        let in_force = c.date("in_force", &self.in_force);
        let revised = c.date("revised", &self.revised);
        let status = status.unwrap_or_default();
        if matches!(status, RuleStatus::InForce | RuleStatus::Revised) && in_force.is_none() {
            c.refuse("in_force", Reason::Required);
        }
        if status == RuleStatus::Revised && revised.is_none() {
            c.refuse("revised", Reason::Required);
        }
        if let (Some(from), Some(to)) = (in_force, revised)
            && to < from
        {
            c.refuse("revised", Reason::EndBeforeStart);
        }
        let text = c.text("text", &self.text, false, TEXT_MAX * 4);
        let reference = c.text("reference", &self.reference, false, LINE_MAX);
        c.finish()?;
        let day = |d: Option<Date>| d.map(|d| d.to_string()).unwrap_or_default();
        rule.name = name;
        rule.status = status;
        rule.drafted = day(drafted);
        rule.in_force = day(in_force);
        rule.revised = day(revised);
        rule.text.update(text);
        rule.reference = reference;
        Ok(())
    }
}

/// 廉政教育活动.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ActivityForm {
    /// 日期 (required).
    pub date: String,
    /// [`EducationKind`] code (required).
    pub kind: String,
    /// 主题 (required)
    pub title: String,
    /// 参加人员 (person ids).
    pub participants: Vec<Id>,
    /// 参加人数 in all ("" counts the people chosen).
    pub headcount: String,
    /// 佐证材料
    pub evidence: String,
}

impl Form for ActivityForm {
    type Target = Activity;

    fn from_target(a: &Activity) -> Self {
        Self {
            date: a.date.clone(),
            kind: a.kind.code().to_string(),
            title: a.title.clone(),
            participants: a.participants.keys().cloned().collect(),
            headcount: if a.headcount == 0 { String::new() } else { a.headcount.to_string() },
            evidence: a.evidence.as_str().to_string(),
        }
    }

    fn apply(&self, activity: &mut Activity, register: &Register) -> Result<(), Vec<Invalid>> {
        let mut c = Check::default();
        let date = c.required_date("date", &self.date);
        let kind = EducationKind::from_code(self.kind.trim());
        if kind.is_none() {
            c.refuse("kind", Reason::Choice);
        }
        let title = c.text("title", &self.title, true, LINE_MAX);
        let participants =
            c.reference_set::<Person>("participants", &self.participants, &activity.participants, register);
        let headcount = if self.headcount.trim().is_empty() {
            participants.len() as u32
        } else {
            c.number("headcount", &self.headcount, participants.len() as u32, 100_000)
        };
        let evidence = c.text("evidence", &self.evidence, false, TEXT_MAX);
        c.finish()?;
        activity.date = date.map(|d| d.to_string()).unwrap_or_default();
        activity.kind = kind.unwrap_or_default();
        activity.title = title;
        activity.participants = participants;
        activity.headcount = headcount;
        activity.evidence.update(evidence);
        Ok(())
    }
}

/// 廉政评议 of one cadre for one year: the three part scores, and the talk once held.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct EvaluationForm {
    /// The cadre (required).
    pub person: String,
    /// 年度 (required, four digits; one evaluation per person a year).
    pub year: String,
    /// 自评 (0–100, "" not yet).
    pub own: String,
    /// 同事互评 (0–100).
    pub peers: String,
    /// 领导评议 (0–100).
    pub leaders: String,
    /// 谈话日期 ("" while no talk was held).
    pub talk_date: String,
    /// 谈话人.
    pub talk_by: String,
    /// 谈话内容和整改要求.
    pub talk_notes: String,
}

impl Form for EvaluationForm {
    type Target = Evaluation;

    fn from_target(e: &Evaluation) -> Self {
        let score = |s: Option<u32>| s.map(|s| s.to_string()).unwrap_or_default();
        let talk = e.talk.clone();
        Self {
            person: e.person.clone(),
            year: e.year.clone(),
            own: score(e.own),
            peers: score(e.peers),
            leaders: score(e.leaders),
            talk_date: talk.as_ref().map(|t| t.date.clone()).unwrap_or_default(),
            talk_by: talk.as_ref().map(|t| t.by.clone()).unwrap_or_default(),
            talk_notes: talk.map(|t| t.notes).unwrap_or_default(),
        }
    }

    fn apply(&self, evaluation: &mut Evaluation, register: &Register) -> Result<(), Vec<Invalid>> {
        let mut c = Check::default();
        let current = (!evaluation.person.is_empty()).then_some(&evaluation.person);
        let person = c.required_reference::<Person>("person", &self.person, current, register);
        let year = year(&mut c, &self.year);
        let taken = register.evaluations.values().any(|other| {
            other.archived.is_none() && other != &*evaluation && other.person == person && other.year == year
        });
        if taken {
            c.refuse("year", Reason::Duplicate);
        }
        let mut score = |field, value: &str| (!value.trim().is_empty()).then(|| c.number(field, value, 0, 100));
        let (own, peers, leaders) =
            (score("own", &self.own), score("peers", &self.peers), score("leaders", &self.leaders));
        let talk_date = c.date("talk_date", &self.talk_date);
        let talk_by =
            c.reference::<Person>("talk_by", &self.talk_by, evaluation.talk.as_ref().map(|t| &t.by), register);
        let talk_notes = c.text("talk_notes", &self.talk_notes, talk_date.is_some(), TEXT_MAX);
        if talk_date.is_none() && !(self.talk_by.trim().is_empty() && talk_notes.is_empty()) {
            c.refuse("talk_date", Reason::Required);
        }
        c.finish()?;
        evaluation.person = person;
        evaluation.year = year;
        evaluation.own = own;
        evaluation.peers = peers;
        evaluation.leaders = leaders;
        let talk = talk_date.map(|d| Talk { date: d.to_string(), by: talk_by.unwrap_or_default(), notes: talk_notes });
        if evaluation.talk != talk {
            evaluation.talk = talk;
        }
        Ok(())
    }
}

/// A year of four digits, 2000–2099.
fn year(c: &mut Check, value: &str) -> String {
    let year = value.trim().to_string();
    if year.is_empty() {
        c.refuse("year", Reason::Required);
    } else if year.len() != 4 || !year.starts_with("20") || !year.bytes().all(|b| b.is_ascii_digit()) {
        c.refuse("year", Reason::Range { min: 2000, max: 2099 });
    }
    year
}

/// 自评总结: its title, period and text; the text stays once the summary is frozen.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SummaryForm {
    /// 标题 (required)
    pub title: String,
    /// The period's first day (required).
    pub from: String,
    /// The period's last day (required, not before `from`).
    pub to: String,
    /// 总结正文 (required)
    pub text: String,
}

impl Form for SummaryForm {
    type Target = Summary;

    fn from_target(s: &Summary) -> Self {
        Self { title: s.title.clone(), from: s.from.clone(), to: s.to.clone(), text: s.text.as_str().to_string() }
    }

    fn apply(&self, summary: &mut Summary, _: &Register) -> Result<(), Vec<Invalid>> {
        let mut c = Check::default();
        let title = c.text("title", &self.title, true, LINE_MAX);
        let (from, to) = (c.date("from", &self.from), c.date("to", &self.to));
        for (field, value, day) in [("from", &self.from, from), ("to", &self.to, to)] {
            if day.is_none() && value.trim().is_empty() {
                c.refuse(field, Reason::Required);
            }
        }
        if let (Some(from), Some(to)) = (from, to)
            && to < from
        {
            c.refuse("to", Reason::EndBeforeStart);
        }
        let text = c.text("text", &self.text, true, TEXT_MAX * 4);
        let changed = title != summary.title
            || text != summary.text.as_str()
            || from.map(|d| d.to_string()).unwrap_or_default() != summary.from
            || to.map(|d| d.to_string()).unwrap_or_default() != summary.to;
        if summary.frozen.is_some() && changed {
            c.refuse("text", Reason::Fixed);
        }
        c.finish()?;
        summary.title = title;
        summary.from = from.map(|d| d.to_string()).unwrap_or_default();
        summary.to = to.map(|d| d.to_string()).unwrap_or_default();
        summary.text.update(text);
        Ok(())
    }
}

/// 报送: what, to whom, when, by whom.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SubmissionForm {
    /// 报送日期 (required).
    pub date: String,
    /// 报送材料 (required)
    pub what: String,
    /// 报送单位 (required)
    pub to: String,
    /// 报送人 (optional person id).
    pub by: String,
    /// 文号
    pub reference: String,
}

impl Form for SubmissionForm {
    type Target = Submission;

    fn from_target(s: &Submission) -> Self {
        Self {
            date: s.date.clone(),
            what: s.what.clone(),
            to: s.to.clone(),
            by: s.by.clone().unwrap_or_default(),
            reference: s.reference.clone(),
        }
    }

    fn apply(&self, submission: &mut Submission, register: &Register) -> Result<(), Vec<Invalid>> {
        let mut c = Check::default();
        let date = c.required_date("date", &self.date);
        let what = c.text("what", &self.what, true, LINE_MAX);
        let to = c.text("to", &self.to, true, NAME_MAX);
        let by = c.reference::<Person>("by", &self.by, submission.by.as_ref(), register);
        let reference = c.text("reference", &self.reference, false, LINE_MAX);
        c.finish()?;
        submission.date = date.map(|d| d.to_string()).unwrap_or_default();
        submission.what = what;
        submission.to = to;
        submission.by = by;
        submission.reference = reference;
        Ok(())
    }
}

/// 归档: its name. A filing is made by filing the register (which records the heads); this
/// form only renames one, and is refused for a filing without heads.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FilingForm {
    /// 名称 (required)
    pub name: String,
}

impl Form for FilingForm {
    type Target = Filing;

    fn from_target(f: &Filing) -> Self {
        Self { name: f.name.clone() }
    }

    fn apply(&self, filing: &mut Filing, _: &Register) -> Result<(), Vec<Invalid>> {
        let mut c = Check::default();
        let name = c.text("name", &self.name, true, LINE_MAX);
        if filing.heads.is_empty() {
            c.refuse("name", Reason::Fixed);
        }
        c.finish()?;
        filing.name = name;
        Ok(())
    }
}
