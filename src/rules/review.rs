//! The four steps of finding a risk point (自己查 → 群众帮 → 领导提 → 组织审) as a state machine,
//! and who may take each step.

use crate::model::{Id, Register, ReviewAction, ReviewStage, RiskPoint};

/// Why a review step was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ReviewError {
    /// The action does not apply at this stage.
    #[error("{action:?} is not possible at {stage:?}")]
    NotNow {
        /// The stage the point is in.
        stage: ReviewStage,
        /// The refused action.
        action: ReviewAction,
    },
    /// The member's role does not allow it.
    #[error("only {0:?} may do this")]
    NotAllowed(Who),
    /// Returning or rejecting needs reasons.
    #[error("a reason is required")]
    ReasonRequired,
    /// No member is chosen ("who am I").
    #[error("choose who you are first")]
    Anonymous,
}

impl ReviewError {
    /// The locale key of the message shown to the user.
    pub fn label_key(&self) -> &'static str {
        match self {
            ReviewError::NotNow { .. } => "review_error.not_now",
            ReviewError::NotAllowed(Who::DepartmentLeaders) => "review_error.department_leaders",
            ReviewError::NotAllowed(Who::LeadingGroup) => "review_error.leading_group",
            ReviewError::NotAllowed(Who::Anyone) => "review_error.not_now",
            ReviewError::ReasonRequired => "review_error.reason_required",
            ReviewError::Anonymous => "review_error.anonymous",
        }
    }
}

/// Who may take a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    /// Any member.
    Anyone,
    /// The point's department head or leader in charge, or a member of the leading group.
    DepartmentLeaders,
    /// A member of the leading group (组长, 副组长, 成员).
    LeadingGroup,
}

/// The stage `action` leads to from `stage`, and who may take it.
pub fn transition(stage: ReviewStage, action: ReviewAction) -> Result<(ReviewStage, Who), ReviewError> {
    use ReviewAction as A;
    use ReviewStage as S;
    let next = match (stage, action) {
        (S::Draft, A::Adopt) => (S::SelfCheck, Who::Anyone),
        (S::SelfCheck, A::Submit) => (S::Colleagues, Who::Anyone),
        (S::Colleagues | S::Leaders | S::Organisation | S::SelfCheck, A::Remark) => (stage, Who::Anyone),
        (S::Colleagues, A::Advance) => (S::Leaders, Who::Anyone),
        (S::Leaders, A::Advance) => (S::Organisation, Who::DepartmentLeaders),
        (S::Organisation, A::Approve) => (S::Approved, Who::LeadingGroup),
        (S::Organisation, A::Return) => (S::SelfCheck, Who::LeadingGroup),
        (S::Organisation, A::Reject) => (S::Rejected, Who::LeadingGroup),
        _ => return Err(ReviewError::NotNow { stage, action }),
    };
    Ok(next)
}

/// The actions open at `stage`, in the order a page offers them.
pub fn actions_at(stage: ReviewStage) -> Vec<ReviewAction> {
    ReviewAction::ALL.into_iter().filter(|a| transition(stage, *a).is_ok()).collect()
}

/// Whether person `who` is in the leading group.
pub fn in_leading_group(register: &Register, who: &str) -> bool {
    let group = &register.leading_group;
    group.leader.as_deref() == Some(who) || group.deputies.contains_key(who) || group.members.contains_key(who)
}

/// Whether person `who` leads the point's department (head or leader in charge) or the unit.
pub fn leads_department(register: &Register, risk: &RiskPoint, who: &str) -> bool {
    let department = register.risk_department(risk).and_then(|d| register.departments.get(d));
    let leads =
        department.is_some_and(|d| d.head.as_deref() == Some(who) || d.leader_in_charge.as_deref() == Some(who));
    leads || in_leading_group(register, who)
}

/// Checks that `who` may take `action` on `risk` now, with `note`; returns the next stage.
pub fn check_step(
    register: &Register,
    risk: &RiskPoint,
    who: &Id,
    action: ReviewAction,
    note: &str,
) -> Result<ReviewStage, ReviewError> {
    if who.is_empty() {
        return Err(ReviewError::Anonymous);
    }
    let (next, allowed) = transition(risk.review, action)?;
    let permitted = match allowed {
        Who::Anyone => true,
        Who::DepartmentLeaders => leads_department(register, risk, who),
        Who::LeadingGroup => in_leading_group(register, who),
    };
    if !permitted {
        return Err(ReviewError::NotAllowed(allowed));
    }
    if matches!(action, ReviewAction::Return | ReviewAction::Reject | ReviewAction::Remark) && note.trim().is_empty() {
        return Err(ReviewError::ReasonRequired);
    }
    Ok(next)
}

/// Who a point waits for, as a page lists it.
pub fn waiting_for(stage: ReviewStage) -> Option<&'static str> {
    match stage {
        ReviewStage::Draft => Some("waiting.committee"),
        ReviewStage::SelfCheck => Some("waiting.post_holder"),
        ReviewStage::Colleagues => Some("waiting.colleagues"),
        ReviewStage::Leaders => Some("waiting.department_leaders"),
        ReviewStage::Organisation => Some("waiting.leading_group"),
        ReviewStage::Approved | ReviewStage::Rejected => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Department, Person, Scope};
    use ReviewAction as A;
    use ReviewStage as S;

    #[test]
    fn every_legal_transition() {
        let legal = [
            (S::Draft, A::Adopt, S::SelfCheck),
            (S::SelfCheck, A::Submit, S::Colleagues),
            (S::SelfCheck, A::Remark, S::SelfCheck),
            (S::Colleagues, A::Remark, S::Colleagues),
            (S::Colleagues, A::Advance, S::Leaders),
            (S::Leaders, A::Remark, S::Leaders),
            (S::Leaders, A::Advance, S::Organisation),
            (S::Organisation, A::Remark, S::Organisation),
            (S::Organisation, A::Approve, S::Approved),
            (S::Organisation, A::Return, S::SelfCheck),
            (S::Organisation, A::Reject, S::Rejected),
        ];
        for stage in S::ALL {
            for action in A::ALL {
                let expected = legal.iter().find(|(s, a, _)| *s == stage && *a == action).map(|(_, _, next)| *next);
                match (transition(stage, action), expected) {
                    (Ok((next, _)), Some(want)) => assert_eq!(next, want, "{stage:?} {action:?}"),
                    (Err(ReviewError::NotNow { .. }), None) => {}
                    (got, want) => panic!("{stage:?} {action:?}: got {got:?}, want {want:?}"),
                }
            }
        }
        assert_eq!(actions_at(S::Organisation), vec![A::Remark, A::Approve, A::Return, A::Reject]);
        assert!(actions_at(S::Approved).is_empty());
        assert!(actions_at(S::Rejected).is_empty());
    }

    fn school() -> (Register, RiskPoint) {
        let mut r = Register::default();
        for id in ["wang", "zhu", "chen", "teacher"] {
            r.people.insert(id.into(), Person { name: id.into(), ..Person::default() });
        }
        r.leading_group.leader = Some("wang".into());
        r.leading_group.members.insert("chen".into(), true);
        r.departments.insert(
            "fin".into(),
            Department { name: "财务室".into(), head: Some("zhu".into()), ..Department::default() },
        );
        let risk = RiskPoint { scope: Scope::Department, department: Some("fin".into()), ..RiskPoint::default() };
        (r, risk)
    }

    #[test]
    fn roles_decide_who_may_move_a_point() {
        let (r, mut risk) = school();
        let teacher = "teacher".to_string();
        assert_eq!(check_step(&r, &risk, &teacher, A::Submit, ""), Ok(S::Colleagues));
        risk.review = S::Leaders;
        assert_eq!(
            check_step(&r, &risk, &teacher, A::Advance, ""),
            Err(ReviewError::NotAllowed(Who::DepartmentLeaders))
        );
        assert_eq!(check_step(&r, &risk, &"zhu".to_string(), A::Advance, ""), Ok(S::Organisation));
        assert_eq!(check_step(&r, &risk, &"chen".to_string(), A::Advance, ""), Ok(S::Organisation));
        risk.review = S::Organisation;
        assert_eq!(
            check_step(&r, &risk, &"zhu".to_string(), A::Approve, ""),
            Err(ReviewError::NotAllowed(Who::LeadingGroup))
        );
        assert_eq!(check_step(&r, &risk, &"wang".to_string(), A::Approve, ""), Ok(S::Approved));
        assert_eq!(check_step(&r, &risk, &"chen".to_string(), A::Return, " "), Err(ReviewError::ReasonRequired));
        assert_eq!(check_step(&r, &risk, &"chen".to_string(), A::Return, "表述不清"), Ok(S::SelfCheck));
        assert_eq!(check_step(&r, &risk, &String::new(), A::Remark, "好"), Err(ReviewError::Anonymous));
    }
}
