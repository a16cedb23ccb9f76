//! Forms of the bodies (议事机构), their meetings (会议记录), and the thresholds the records
//! are checked against.

use super::{Check, Form, Invalid, LINE_MAX, NAME_MAX, Reason, TEXT_MAX};
use crate::model::{Body, BodyRole, Id, MajorMatter, Meeting, Person, RecordRules, Register, Spending, Weights};

/// 议事机构.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct BodyForm {
    /// 名称 (required, unique among active bodies)
    pub name: String,
    /// [`BodyRole`] code (required).
    pub role: String,
    /// 主持人 (optional person id).
    pub chair: String,
    /// 成员 (person ids).
    pub members: Vec<Id>,
}

impl Form for BodyForm {
    type Target = Body;

    fn from_target(b: &Body) -> Self {
        Self {
            name: b.name.clone(),
            role: b.role.code().to_string(),
            chair: b.chair.clone().unwrap_or_default(),
            members: b.members.keys().cloned().collect(),
        }
    }

    fn apply(&self, body: &mut Body, register: &Register) -> Result<(), Vec<Invalid>> {
        let mut c = Check::default();
        let name = c.text("name", &self.name, true, NAME_MAX);
        c.unique_name("name", &name, register, body);
        let role = BodyRole::from_code(self.role.trim());
        if role.is_none() {
            c.refuse("role", Reason::Choice);
        }
        let chair = c.reference::<Person>("chair", &self.chair, body.chair.as_ref(), register);
        let members = c.reference_set::<Person>("members", &self.members, &body.members, register);
        c.finish()?;
        body.name = name;
        body.role = role.unwrap_or_default();
        body.chair = chair;
        body.members = members;
        Ok(())
    }
}

/// 会议记录. Who spoke must have attended; a review must be a meeting of a 民主理财小组.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MeetingForm {
    /// The body (required).
    pub body: String,
    /// 会议日期 (required).
    pub date: String,
    /// [`MajorMatter`] code, or "" for an ordinary matter.
    pub matter: String,
    /// 议题 (required)
    pub topic: String,
    /// 参会人员 (person ids).
    pub attendees: Vec<Id>,
    /// 发言顺序 (person ids, first speaker first).
    pub speakers: Vec<Id>,
    /// 会议决定
    pub decision: String,
    /// 同意
    pub votes_for: String,
    /// 反对
    pub votes_against: String,
    /// 弃权
    pub votes_abstain: String,
    /// [`Spending`] code, "" for none.
    pub spending: String,
    /// 金额 in yuan ("" when nothing is spent).
    pub amount: String,
    /// 已招标
    pub tendered: bool,
    /// The reviewing 民主理财小组 meeting's id, or "".
    pub finance_review: String,
}

/// The most yuan an amount may state.
pub(super) const AMOUNT_MAX: u32 = 999_999_999;
/// The most votes of one kind.
const VOTES_MAX: u32 = 999;

impl Form for MeetingForm {
    type Target = Meeting;

    fn from_target(m: &Meeting) -> Self {
        let count = |n: u32| if n == 0 { String::new() } else { n.to_string() };
        Self {
            body: m.body.clone(),
            date: m.date.clone(),
            matter: m.matter.map(|k| k.code().to_string()).unwrap_or_default(),
            topic: m.topic.clone(),
            attendees: m.attendees.keys().cloned().collect(),
            speakers: m.speaking_order().into_iter().cloned().collect(),
            decision: m.decision.as_str().to_string(),
            votes_for: count(m.votes_for),
            votes_against: count(m.votes_against),
            votes_abstain: count(m.votes_abstain),
            spending: if m.spending == Spending::None { String::new() } else { m.spending.code().to_string() },
            amount: if m.amount == 0 { String::new() } else { m.amount.to_string() },
            tendered: m.tendered,
            finance_review: m.finance_review.clone().unwrap_or_default(),
        }
    }

    fn apply(&self, meeting: &mut Meeting, register: &Register) -> Result<(), Vec<Invalid>> {
        let mut c = Check::default();
        let current = (!meeting.body.is_empty()).then_some(&meeting.body);
        let body = c.required_reference::<Body>("body", &self.body, current, register);
        let date = c.required_date("date", &self.date);
        let matter = c.choice("matter", &self.matter, MajorMatter::from_code);
        let topic = c.text("topic", &self.topic, true, LINE_MAX);
        let attendees = c.reference_set::<Person>("attendees", &self.attendees, &meeting.attendees, register);
        let mut speakers: Vec<Id> = Vec::new();
        for id in &self.speakers {
            let id = id.trim();
            if !attendees.contains_key(id) {
                c.refuse("speakers", Reason::NotAttending);
            } else if !speakers.iter().any(|s| s == id) {
                speakers.push(id.to_string());
            }
        }
        let decision = c.text("decision", &self.decision, false, TEXT_MAX);
        let votes = |c: &mut Check, field, value: &str| {
            if value.trim().is_empty() { 0 } else { c.number(field, value, 0, VOTES_MAX) }
        };
        let votes_for = votes(&mut c, "votes_for", &self.votes_for);
        let votes_against = votes(&mut c, "votes_against", &self.votes_against);
        let votes_abstain = votes(&mut c, "votes_abstain", &self.votes_abstain);
        let spending = c.choice("spending", &self.spending, Spending::from_code).unwrap_or_default();
        let amount = if self.amount.trim().is_empty() { 0 } else { c.number("amount", &self.amount, 0, AMOUNT_MAX) };
        if spending != Spending::None && amount == 0 {
            c.refuse("amount", Reason::Required);
        }
        let finance_review =
            c.reference::<Meeting>("finance_review", &self.finance_review, meeting.finance_review.as_ref(), register);
        if let Some(review) = finance_review.as_ref().and_then(|id| register.meetings.get(id))
            && register.bodies.get(&review.body).map(|b| b.role) != Some(BodyRole::Finance)
        {
            c.refuse("finance_review", Reason::Choice);
        }
        c.finish()?;
        meeting.body = body;
        meeting.date = date.map(|d| d.to_string()).unwrap_or_default();
        meeting.matter = matter;
        meeting.topic = topic;
        meeting.attendees = attendees;
        // Rewritten only when the order changed, so an unchanged order never conflicts.
        if meeting.speaking_order().into_iter().ne(speakers.iter()) {
            meeting.speakers = speakers;
        }
        meeting.decision.update(decision);
        meeting.votes_for = votes_for;
        meeting.votes_against = votes_against;
        meeting.votes_abstain = votes_abstain;
        meeting.spending = spending;
        meeting.amount = u64::from(amount);
        meeting.tendered = self.tendered;
        meeting.finance_review = finance_review;
        Ok(())
    }
}

/// The thresholds of the records: spending review, tendering, and the evaluation's weights and
/// pass mark.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RecordRulesForm {
    /// 民主理财小组审核起点 (yuan).
    pub finance_review_yuan: String,
    /// 招标起点 (yuan).
    pub tender_yuan: String,
    /// 自评 weight (percent).
    pub weight_own: String,
    /// 同事互评 weight (percent).
    pub weight_peers: String,
    /// 领导评议 weight (percent).
    pub weight_leaders: String,
    /// 达标分数 (0–100).
    pub pass_mark: String,
}

impl Form for RecordRulesForm {
    type Target = RecordRules;

    fn from_target(r: &RecordRules) -> Self {
        Self {
            finance_review_yuan: r.finance_review_yuan.to_string(),
            tender_yuan: r.tender_yuan.to_string(),
            weight_own: r.weights.own.to_string(),
            weight_peers: r.weights.peers.to_string(),
            weight_leaders: r.weights.leaders.to_string(),
            pass_mark: r.pass_mark.to_string(),
        }
    }

    fn apply(&self, rules: &mut RecordRules, _: &Register) -> Result<(), Vec<Invalid>> {
        let mut c = Check::default();
        let finance_review_yuan = c.number("finance_review_yuan", &self.finance_review_yuan, 1, AMOUNT_MAX);
        let tender_yuan = c.number("tender_yuan", &self.tender_yuan, 1, AMOUNT_MAX);
        let own = c.number("weight_own", &self.weight_own, 0, 100);
        let peers = c.number("weight_peers", &self.weight_peers, 0, 100);
        let leaders = c.number("weight_leaders", &self.weight_leaders, 0, 100);
        if c.refused.is_empty() && own + peers + leaders != 100 {
            c.refuse("weight_leaders", Reason::WeightsSum);
        }
        let pass_mark = c.number("pass_mark", &self.pass_mark, 1, 100);
        c.finish()?;
        *rules = RecordRules {
            finance_review_yuan: u64::from(finance_review_yuan),
            tender_yuan: u64::from(tender_yuan),
            weights: Weights { own, peers, leaders },
            pass_mark,
        };
        Ok(())
    }
}
