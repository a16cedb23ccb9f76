//! The 勤廉责任卡 procedure: 个人填报 → 领导审核 → 集中评议 → 领导小组审批, who may take each
//! step, and the ledger of approved cards.

use super::review::{Who, in_leading_group};
use crate::model::{CardAction, CardStage, DutyCard, Id, Register};

/// Why a card step was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CardError {
    /// The action does not apply at this stage.
    #[error("{action:?} is not possible at {stage:?}")]
    NotNow {
        /// Where the card is.
        stage: CardStage,
        /// The refused action.
        action: CardAction,
    },
    /// The member may not take this step.
    #[error("only {0:?} may do this")]
    NotAllowed(Who),
    /// Sending back, and the appraisal, need remarks.
    #[error("remarks are required")]
    RemarksRequired,
    /// No member is chosen.
    #[error("choose who you are first")]
    Anonymous,
}

impl CardError {
    /// The locale key of the message shown to the user.
    pub fn label_key(&self) -> &'static str {
        match self {
            CardError::NotNow { .. } => "review_error.not_now",
            CardError::NotAllowed(Who::DepartmentLeaders) => "card_error.leaders",
            CardError::NotAllowed(Who::LeadingGroup) => "review_error.leading_group",
            CardError::NotAllowed(Who::Anyone) => "card_error.own",
            CardError::RemarksRequired => "card_error.remarks",
            CardError::Anonymous => "review_error.anonymous",
        }
    }
}

/// The stage `action` leads to from `stage`, and who may take it (`Anyone` at 个人填报 means
/// the cadre, or the leading group entering it for them).
pub fn card_transition(stage: CardStage, action: CardAction) -> Result<(CardStage, Who), CardError> {
    use CardAction as A;
    use CardStage as S;
    Ok(match (stage, action) {
        (S::Filling, A::Submit) => (S::LeaderReview, Who::Anyone),
        (S::LeaderReview, A::Pass) => (S::Appraisal, Who::DepartmentLeaders),
        (S::LeaderReview, A::Return) => (S::Filling, Who::DepartmentLeaders),
        (S::Appraisal, A::Pass) => (S::Approval, Who::LeadingGroup),
        (S::Appraisal, A::Return) => (S::Filling, Who::LeadingGroup),
        (S::Approval, A::Pass) => (S::Approved, Who::LeadingGroup),
        (S::Approval, A::Return) => (S::Filling, Who::LeadingGroup),
        _ => return Err(CardError::NotNow { stage, action }),
    })
}

/// The actions open at `stage`.
pub fn card_actions_at(stage: CardStage) -> Vec<CardAction> {
    CardAction::ALL.into_iter().filter(|a| card_transition(stage, *a).is_ok()).collect()
}

/// Whether `who` leads a department where the card's cadre holds a post (its head or leader in
/// charge), or is in the leading group.
fn leads_cadre(register: &Register, card: &DutyCard, who: &str) -> bool {
    let leads =
        register.posts.values().filter(|p| p.archived.is_none() && p.holders.contains_key(&card.person)).any(|p| {
            register
                .departments
                .get(&p.department)
                .is_some_and(|d| d.head.as_deref() == Some(who) || d.leader_in_charge.as_deref() == Some(who))
        });
    leads || in_leading_group(register, who)
}

/// Checks that `who` may take `action` on `card` with `remarks`; returns the next stage. The
/// collective appraisal (集中评议) is recorded with its remarks, and a card is sent back with
/// reasons.
pub fn check_card_step(
    register: &Register,
    card: &DutyCard,
    who: &Id,
    action: CardAction,
    remarks: &str,
) -> Result<CardStage, CardError> {
    if who.is_empty() {
        return Err(CardError::Anonymous);
    }
    let (next, allowed) = card_transition(card.stage, action)?;
    let permitted = match allowed {
        Who::Anyone => *who == card.person || in_leading_group(register, who),
        Who::DepartmentLeaders => leads_cadre(register, card, who),
        Who::LeadingGroup => in_leading_group(register, who),
    };
    if !permitted {
        return Err(CardError::NotAllowed(allowed));
    }
    let needs_remarks = action == CardAction::Return || card.stage == CardStage::Appraisal;
    if needs_remarks && remarks.trim().is_empty() {
        return Err(CardError::RemarksRequired);
    }
    Ok(next)
}

/// The ledger (勤廉责任台账): approved, active cards, by year then the cadre's name.
pub fn card_ledger(register: &Register) -> Vec<(&Id, &DutyCard)> {
    let mut cards: Vec<(&Id, &DutyCard)> =
        register.cards.iter().filter(|(_, c)| c.archived.is_none() && c.stage == CardStage::Approved).collect();
    let name = |c: &DutyCard| register.person_name(&c.person).unwrap_or_default().to_string();
    cards.sort_by(|a, b| b.1.year.cmp(&a.1.year).then_with(|| name(a.1).cmp(&name(b.1))).then(a.0.cmp(b.0)));
    cards
}

/// Whether `person` has an approved, active card.
pub fn has_approved_card(register: &Register, person: &str) -> bool {
    register.cards.values().any(|c| c.archived.is_none() && c.stage == CardStage::Approved && c.person == person)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Department, Person, Post};
    use CardAction as A;
    use CardStage as S;

    #[test]
    fn every_legal_step() {
        let legal = [
            (S::Filling, A::Submit, S::LeaderReview),
            (S::LeaderReview, A::Pass, S::Appraisal),
            (S::LeaderReview, A::Return, S::Filling),
            (S::Appraisal, A::Pass, S::Approval),
            (S::Appraisal, A::Return, S::Filling),
            (S::Approval, A::Pass, S::Approved),
            (S::Approval, A::Return, S::Filling),
        ];
        for stage in S::ALL {
            for action in A::ALL {
                let want = legal.iter().find(|(s, a, _)| *s == stage && *a == action).map(|(_, _, n)| *n);
                assert_eq!(card_transition(stage, action).ok().map(|(n, _)| n), want, "{stage:?} {action:?}");
            }
        }
        assert!(card_actions_at(S::Approved).is_empty());
    }

    #[test]
    fn the_cadre_submits_the_leaders_review_the_group_approves() {
        let mut r = Register::default();
        for id in ["wang", "zhu", "yao", "li"] {
            r.people.insert(id.into(), Person { name: id.into(), ..Person::default() });
        }
        r.leading_group.leader = Some("wang".into());
        r.departments.insert("fin".into(), Department { head: Some("zhu".into()), ..Department::default() });
        let mut post = Post { department: "fin".into(), ..Post::default() };
        post.holders.insert("yao".into(), true);
        r.posts.insert("acc".into(), post);
        let mut card = DutyCard { person: "yao".into(), ..DutyCard::default() };
        let (yao, zhu, wang, li) = ("yao".to_string(), "zhu".to_string(), "wang".to_string(), "li".to_string());

        assert_eq!(check_card_step(&r, &card, &li, A::Submit, ""), Err(CardError::NotAllowed(Who::Anyone)));
        assert_eq!(check_card_step(&r, &card, &yao, A::Submit, ""), Ok(S::LeaderReview));
        card.stage = S::LeaderReview;
        assert_eq!(check_card_step(&r, &card, &li, A::Pass, ""), Err(CardError::NotAllowed(Who::DepartmentLeaders)));
        assert_eq!(check_card_step(&r, &card, &zhu, A::Return, " "), Err(CardError::RemarksRequired));
        assert_eq!(check_card_step(&r, &card, &zhu, A::Pass, ""), Ok(S::Appraisal));
        card.stage = S::Appraisal;
        assert_eq!(check_card_step(&r, &card, &wang, A::Pass, ""), Err(CardError::RemarksRequired));
        assert_eq!(check_card_step(&r, &card, &wang, A::Pass, "评议通过"), Ok(S::Approval));
        card.stage = S::Approval;
        assert_eq!(check_card_step(&r, &card, &zhu, A::Pass, ""), Err(CardError::NotAllowed(Who::LeadingGroup)));
        assert_eq!(check_card_step(&r, &card, &wang, A::Pass, ""), Ok(S::Approved));
        assert_eq!(check_card_step(&r, &card, &String::new(), A::Pass, ""), Err(CardError::Anonymous));
    }
}
