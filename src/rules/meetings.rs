//! The rules a meeting record is checked against (DOMAIN.md §6, the seed's 议事规则):
//! - 末位表态: at a decision, the principal leader speaks last;
//! - 民主理财: spending above the register's threshold is reviewed by the 民主理财小组;
//! - 招标: building or purchasing above 50,000 yuan (the threshold is a setting) is tendered;
//!
//! and the "三重一大" procedure, a step at a time.

use super::review::in_leading_group;
use crate::model::{BodyRole, Id, Meeting, Procedure, Register};

/// Something a meeting record shows that the rules forbid or that is missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MeetingFlag {
    /// The principal leader attended a decision and did not speak last (末位表态).
    LastWord,
    /// A "三重一大" decision with no speaking order recorded, so 末位表态 cannot be shown.
    NoSpeakingOrder,
    /// Spending above the threshold with no 民主理财小组 review.
    NoFinanceReview,
    /// Building or purchasing above the tender threshold, not tendered.
    NoTender,
}

impl MeetingFlag {
    /// A stable name for markup.
    pub fn code(self) -> &'static str {
        match self {
            MeetingFlag::LastWord => "last_word",
            MeetingFlag::NoSpeakingOrder => "no_order",
            MeetingFlag::NoFinanceReview => "finance_review",
            MeetingFlag::NoTender => "tender",
        }
    }

    /// The locale key of what is wrong.
    pub fn label_key(self) -> &'static str {
        match self {
            MeetingFlag::LastWord => "meeting_flag.last_word",
            MeetingFlag::NoSpeakingOrder => "meeting_flag.no_order",
            MeetingFlag::NoFinanceReview => "meeting_flag.finance_review",
            MeetingFlag::NoTender => "meeting_flag.tender",
        }
    }
}

/// The principal leader of a meeting: its body's chair, else the leading group's 组长.
pub fn principal_of<'a>(register: &'a Register, meeting: &Meeting) -> Option<&'a Id> {
    register.bodies.get(&meeting.body).and_then(|b| b.chair.as_ref()).or(register.leading_group.leader.as_ref())
}

/// Whether `meeting` was held by a 民主理财小组.
fn is_finance_meeting(register: &Register, meeting: &Meeting) -> bool {
    register.bodies.get(&meeting.body).is_some_and(|b| b.role == BodyRole::Finance)
}

/// What is wrong with `meeting`, in a fixed order.
pub fn meeting_flags(register: &Register, meeting: &Meeting) -> Vec<MeetingFlag> {
    let mut flags = Vec::new();
    let decided = !meeting.decision.as_str().trim().is_empty();
    let order = meeting.speaking_order();
    if decided && let Some(principal) = principal_of(register, meeting) {
        let present = meeting.attendees.contains_key(principal) || order.contains(&principal);
        if present && !order.is_empty() && order.last() != Some(&principal) {
            flags.push(MeetingFlag::LastWord);
        }
    }
    if decided && meeting.matter.is_some() && order.is_empty() {
        flags.push(MeetingFlag::NoSpeakingOrder);
    }
    let rules = &register.settings.records;
    let reviewed = meeting
        .finance_review
        .as_ref()
        .and_then(|id| register.meetings.get(id))
        .is_some_and(|review| review.archived.is_none() && is_finance_meeting(register, review));
    if meeting.amount > rules.finance_review_yuan && !reviewed && !is_finance_meeting(register, meeting) {
        flags.push(MeetingFlag::NoFinanceReview);
    }
    if meeting.spending.needs_tender() && meeting.amount > rules.tender_yuan && !meeting.tendered {
        flags.push(MeetingFlag::NoTender);
    }
    flags
}

/// Every active meeting with something wrong, newest first.
pub fn flagged_meetings(register: &Register) -> Vec<(&Id, &Meeting, Vec<MeetingFlag>)> {
    let mut flagged: Vec<_> = register
        .meetings
        .iter()
        .filter(|(_, m)| m.archived.is_none())
        .map(|(id, m)| (id, m, meeting_flags(register, m)))
        .filter(|(_, _, flags)| !flags.is_empty())
        .collect();
    flagged.sort_by(|a, b| b.1.date.cmp(&a.1.date).then(a.0.cmp(b.0)));
    flagged
}

/// The 民主理财小组 meetings a spending decision may name as its review: active, newest first.
pub fn finance_reviews(register: &Register) -> Vec<(Id, String)> {
    let mut reviews: Vec<_> = register
        .meetings
        .iter()
        .filter(|(_, m)| m.archived.is_none() && is_finance_meeting(register, m))
        .map(|(id, m)| (id.clone(), format!("{} {}", m.date, m.topic)))
        .collect();
    reviews.sort_by(|a, b| b.1.cmp(&a.1));
    reviews
}

/// Why a procedure step was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ProcedureError {
    /// Only "三重一大" matters go through the procedure.
    #[error("not a 三重一大 matter")]
    NotMajor,
    /// Every step is taken.
    #[error("the procedure is finished")]
    Finished,
    /// Only the body's members and the leading group record the steps.
    #[error("only the body's members or the leading group")]
    NotAllowed,
    /// No member is chosen.
    #[error("choose who you are first")]
    Anonymous,
}

impl ProcedureError {
    /// The locale key of the message shown to the user.
    pub fn label_key(&self) -> &'static str {
        match self {
            ProcedureError::NotMajor => "procedure_error.not_major",
            ProcedureError::Finished => "procedure_error.finished",
            ProcedureError::NotAllowed => "procedure_error.not_allowed",
            ProcedureError::Anonymous => "review_error.anonymous",
        }
    }
}

/// Checks that `who` may record the step `meeting` is at; returns the step after it.
pub fn check_procedure_step(register: &Register, meeting: &Meeting, who: &str) -> Result<Procedure, ProcedureError> {
    if who.is_empty() {
        return Err(ProcedureError::Anonymous);
    }
    if meeting.matter.is_none() {
        return Err(ProcedureError::NotMajor);
    }
    if meeting.procedure == Procedure::Done {
        return Err(ProcedureError::Finished);
    }
    let body = register.bodies.get(&meeting.body);
    let member = body.is_some_and(|b| b.chair.as_deref() == Some(who) || b.members.contains_key(who));
    if !member && !in_leading_group(register, who) {
        return Err(ProcedureError::NotAllowed);
    }
    Ok(meeting.procedure.next())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Body, MajorMatter, Person, Spending};

    fn register() -> Register {
        let mut r = Register::default();
        for id in ["wang", "li", "zhao", "qian"] {
            r.people.insert(id.into(), Person { name: id.into(), ..Person::default() });
        }
        r.leading_group.leader = Some("wang".into());
        let members = ["wang", "li", "zhao"].map(|p| (p.to_string(), true)).into();
        let council = Body { name: "校务会".into(), chair: Some("wang".into()), members, ..Body::default() };
        r.bodies.insert("council".into(), council);
        let finance = Body { name: "民主理财小组".into(), role: BodyRole::Finance, ..Body::default() };
        r.bodies.insert("finance".into(), finance);
        r
    }

    fn decision(speakers: &[&str]) -> Meeting {
        Meeting {
            body: "council".into(),
            date: "2026-11-20".into(),
            matter: Some(MajorMatter::Decision),
            topic: "食堂承包".into(),
            attendees: ["wang", "li", "zhao"].map(|p| (p.to_string(), true)).into(),
            speakers: speakers.iter().map(|s| s.to_string()).collect(),
            decision: "同意".into(),
            ..Meeting::default()
        }
    }

    #[test]
    fn the_principal_leader_speaks_last() {
        let r = register();
        assert_eq!(meeting_flags(&r, &decision(&["li", "zhao", "wang"])), []);
        assert_eq!(meeting_flags(&r, &decision(&["wang", "li", "zhao"])), [MeetingFlag::LastWord]);
        // Attended and kept silent while others decided: not the last word either.
        assert_eq!(meeting_flags(&r, &decision(&["li", "zhao"])), [MeetingFlag::LastWord]);
        // A merge that repeats a speaker counts the first time each spoke.
        assert_eq!(meeting_flags(&r, &decision(&["li", "wang", "zhao", "wang"])), [MeetingFlag::LastWord]);
        // No decision taken yet: nothing to flag.
        let mut open = decision(&["wang", "li"]);
        open.decision = "".into();
        assert_eq!(meeting_flags(&r, &open), []);
        // The principal absent: the meeting is not flagged for it.
        let mut absent = decision(&["li", "zhao"]);
        absent.attendees.remove("wang");
        assert_eq!(meeting_flags(&r, &absent), []);
        assert_eq!(meeting_flags(&r, &decision(&[])), [MeetingFlag::NoSpeakingOrder]);
        // Without a chair, the leading group's 组长 is the principal.
        let mut r = r;
        r.bodies.get_mut("council").unwrap().chair = None;
        assert_eq!(meeting_flags(&r, &decision(&["wang", "li"])), [MeetingFlag::LastWord]);
    }

    #[test]
    fn large_spending_needs_the_finance_group_and_building_above_the_threshold_a_tender() {
        let mut r = register();
        let mut spend = decision(&["li", "wang"]);
        spend.matter = Some(MajorMatter::Funds);
        spend.spending = Spending::Building;
        spend.amount = 10_000;
        assert_eq!(meeting_flags(&r, &spend), [], "at the threshold is not above it");
        spend.amount = 60_000;
        assert_eq!(meeting_flags(&r, &spend), [MeetingFlag::NoFinanceReview, MeetingFlag::NoTender]);
        spend.tendered = true;
        let review = Meeting { body: "finance".into(), date: "2026-11-18".into(), ..Meeting::default() };
        r.meetings.insert("review".into(), review);
        spend.finance_review = Some("review".into());
        assert_eq!(meeting_flags(&r, &spend), []);
        // A review by a body that is not a 民主理财小组, or an archived one, does not count.
        r.meetings.get_mut("review").unwrap().body = "council".into();
        assert_eq!(meeting_flags(&r, &spend), [MeetingFlag::NoFinanceReview]);
        // Other spending needs no tender; the thresholds are the register's.
        spend.spending = Spending::Other;
        spend.tendered = false;
        r.settings.records.finance_review_yuan = 100_000;
        assert_eq!(meeting_flags(&r, &spend), []);
        spend.spending = Spending::Purchase;
        assert_eq!(meeting_flags(&r, &spend), [MeetingFlag::NoTender]);
        r.settings.records.tender_yuan = 60_000;
        assert_eq!(meeting_flags(&r, &spend), []);
    }

    #[test]
    fn the_procedure_goes_step_by_step_for_members_of_the_body() {
        let r = register();
        let mut m = decision(&[]);
        assert_eq!(check_procedure_step(&r, &m, ""), Err(ProcedureError::Anonymous));
        assert_eq!(check_procedure_step(&r, &m, "qian"), Err(ProcedureError::NotAllowed));
        let mut seen = vec![m.procedure];
        while m.procedure != Procedure::Done {
            m.procedure = check_procedure_step(&r, &m, "li").unwrap();
            seen.push(m.procedure);
        }
        assert_eq!(seen, Procedure::ALL);
        assert_eq!(check_procedure_step(&r, &m, "li"), Err(ProcedureError::Finished));
        m.matter = None;
        assert_eq!(check_procedure_step(&r, &m, "li"), Err(ProcedureError::NotMajor));
    }
}
