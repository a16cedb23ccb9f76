//! The four steps of finding a risk point (自己查 → 群众帮 → 领导提 → 组织审) as a state machine,
//! and who may take each step.

use std::collections::BTreeMap;

use super::measures::measures_of;
use crate::model::{ApprovedMeasure, Id, Measure, Register, ReviewAction, ReviewStage, RiskPoint, Substance};

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

/// What the leading group approves of `risk`, whose active measures are `measures`.
pub fn substance(risk: &RiskPoint, measures: &[(&Id, &Measure)]) -> Substance {
    Substance {
        description: risk.description.as_str().to_string(),
        manifestations: risk.manifestations.as_str().to_string(),
        causes: risk.causes.as_str().to_string(),
        level: risk.level,
        measures: measures
            .iter()
            .map(|(id, m)| {
                ((*id).clone(), ApprovedMeasure { stage: m.stage, description: m.description.as_str().to_string() })
            })
            .collect::<BTreeMap<_, _>>(),
    }
}

/// Whether an approved point's substance was edited since the leading group approved it
/// (动态管理): by a form, a rating, a measure, a restored version or another member's merged
/// edit alike. Points approved before approvals were kept have nothing to compare with.
pub fn amended(risk: &RiskPoint, measures: &[(&Id, &Measure)]) -> bool {
    risk.review == ReviewStage::Approved
        && risk.approved.as_ref().is_some_and(|approval| approval.version != substance(risk, measures))
}

/// Where a point stands in review: its recorded stage, except that an amended approved point
/// waits for the leading group again (组织审).
pub fn stage_of(risk: &RiskPoint, measures: &[(&Id, &Measure)]) -> ReviewStage {
    if amended(risk, measures) { ReviewStage::Organisation } else { risk.review }
}

/// Every point's review stage over a whole register. The measures are gathered (one pass) only
/// when some point has an approved version to compare with.
pub struct Stages<'a>(Option<super::measures::MeasuresByRisk<'a>>);

impl<'a> Stages<'a> {
    /// The stages of `register`'s points.
    pub fn new(register: &'a Register) -> Self {
        let compared = register.risks.values().any(|r| r.review == ReviewStage::Approved && r.approved.is_some());
        Self(compared.then(|| super::measures::MeasuresByRisk::new(register)))
    }

    /// The stage of point `id`, as [`stage_of`] gives it.
    pub fn of(&self, id: &str, risk: &RiskPoint) -> ReviewStage {
        match &self.0 {
            Some(measures) => stage_of(risk, measures.of(id)),
            None => risk.review,
        }
    }
}

/// Whether the point is in the catalogue in the version the leading group approved: approved,
/// or amended or sent back since and not rejected. Its last approved version stays in force
/// until the leading group decides on the new one.
pub fn in_force(risk: &RiskPoint) -> bool {
    risk.archived.is_none()
        && (risk.review == ReviewStage::Approved
            || (risk.approved.is_some() && !matches!(risk.review, ReviewStage::Rejected | ReviewStage::Draft)))
}

/// Checks that `who` may take `action` on point `id` now, with `note`; returns the next stage.
pub fn check_step(
    register: &Register,
    id: &str,
    risk: &RiskPoint,
    who: &Id,
    action: ReviewAction,
    note: &str,
) -> Result<ReviewStage, ReviewError> {
    if who.is_empty() {
        return Err(ReviewError::Anonymous);
    }
    let (next, allowed) = transition(stage_of(risk, &measures_of(register, id)), action)?;
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
    use crate::model::{Department, Measure, Person, Scope};
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
        assert_eq!(check_step(&r, "p", &risk, &teacher, A::Submit, ""), Ok(S::Colleagues));
        risk.review = S::Leaders;
        assert_eq!(
            check_step(&r, "p", &risk, &teacher, A::Advance, ""),
            Err(ReviewError::NotAllowed(Who::DepartmentLeaders))
        );
        assert_eq!(check_step(&r, "p", &risk, &"zhu".to_string(), A::Advance, ""), Ok(S::Organisation));
        assert_eq!(check_step(&r, "p", &risk, &"chen".to_string(), A::Advance, ""), Ok(S::Organisation));
        risk.review = S::Organisation;
        assert_eq!(
            check_step(&r, "p", &risk, &"zhu".to_string(), A::Approve, ""),
            Err(ReviewError::NotAllowed(Who::LeadingGroup))
        );
        assert_eq!(check_step(&r, "p", &risk, &"wang".to_string(), A::Approve, ""), Ok(S::Approved));
        assert_eq!(check_step(&r, "p", &risk, &"chen".to_string(), A::Return, " "), Err(ReviewError::ReasonRequired));
        assert_eq!(check_step(&r, "p", &risk, &"chen".to_string(), A::Return, "表述不清"), Ok(S::SelfCheck));
        assert_eq!(check_step(&r, "p", &risk, &String::new(), A::Remark, "好"), Err(ReviewError::Anonymous));
    }

    #[test]
    fn an_edit_after_approval_waits_for_the_leading_group_with_the_approved_version_in_force() {
        let (mut r, mut risk) = school();
        risk.review = S::Organisation;
        risk.description = autosurgeon::Text::with_value("报销把关不严");
        r.measures.insert(
            "m".into(),
            Measure {
                risk: "p".into(), description: autosurgeon::Text::with_value("双人复核"), ..Measure::default()
            },
        );
        assert_eq!(check_step(&r, "p", &risk, &"wang".to_string(), A::Approve, ""), Ok(S::Approved));
        risk.review = S::Approved;
        let version = substance(&risk, &measures_of(&r, "p"));
        risk.approved = Some(crate::model::Approval { version, by: "wang".into(), at: 1 });
        r.risks.insert("p".into(), risk.clone());
        let stage = |r: &Register| stage_of(&r.risks["p"], &measures_of(r, "p"));
        assert_eq!(stage(&r), S::Approved);

        // A measure's progress is not substance; its content is.
        r.measures.get_mut("m").unwrap().status = crate::model::MeasureStatus::Done;
        assert_eq!(stage(&r), S::Approved);
        r.measures.get_mut("m").unwrap().description = autosurgeon::Text::with_value("双人复核、定期抽查");
        assert_eq!(stage(&r), S::Organisation);
        assert!(in_force(&r.risks["p"]));
        assert_eq!(
            check_step(&r, "p", &r.risks["p"], &"zhu".to_string(), A::Approve, ""),
            Err(ReviewError::NotAllowed(Who::LeadingGroup))
        );
        assert_eq!(check_step(&r, "p", &r.risks["p"], &"chen".to_string(), A::Approve, ""), Ok(S::Approved));

        // Sent back, the approved version stays in force; rejected, it leaves the catalogue.
        let mut returned = r.risks["p"].clone();
        returned.review = S::SelfCheck;
        assert!(in_force(&returned));
        returned.review = S::Rejected;
        assert!(!in_force(&returned));

        // A point approved before approvals were kept is never "amended".
        let mut old = r.risks["p"].clone();
        old.approved = None;
        assert_eq!(stage_of(&old, &measures_of(&r, "p")), S::Approved);
    }
}
