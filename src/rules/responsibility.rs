//! Graded responsibility (分级负责): who answers for a risk point, derived from its level and
//! department, never typed in.

use crate::model::{Id, Register, RiskLevel, RiskPoint, Scope};

/// A role that answers for risk points of some level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// 部门负责人: every level.
    DepartmentHead,
    /// 分管领导: 二级 and 一级.
    LeaderInCharge,
    /// 主要领导 (组长 of the leading group): 一级.
    PrincipalLeader,
}

impl Role {
    /// A stable name for markup and tests.
    pub fn code(self) -> &'static str {
        match self {
            Role::DepartmentHead => "department_head",
            Role::LeaderInCharge => "leader_in_charge",
            Role::PrincipalLeader => "principal_leader",
        }
    }

    /// The locale key of the role's name.
    pub fn label_key(self) -> &'static str {
        match self {
            Role::DepartmentHead => "role.department_head",
            Role::LeaderInCharge => "role.leader_in_charge",
            Role::PrincipalLeader => "role.principal_leader",
        }
    }
}

/// Why nobody can be named for a role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Gap {
    /// The risk point has no department, so it has no head or leader in charge.
    NoDepartment,
    /// The role is not filled in the department or the leading group.
    NotAssigned,
    /// The person named has been archived.
    PersonArchived(Id),
    /// The id names no person of this register.
    UnknownPerson(Id),
}

impl Gap {
    /// The locale key of the explanation.
    pub fn label_key(&self) -> &'static str {
        match self {
            Gap::NoDepartment => "gap.no_department",
            Gap::NotAssigned => "gap.not_assigned",
            Gap::PersonArchived(_) => "gap.person_archived",
            Gap::UnknownPerson(_) => "gap.unknown_person",
        }
    }
}

/// One accountable role and who fills it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duty {
    /// The role.
    pub role: Role,
    /// The person, or why there is none.
    pub person: Result<Id, Gap>,
}

/// Everyone accountable for one risk point, most junior first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GradedResponsibility {
    /// One entry per role the level calls for.
    pub duties: Vec<Duty>,
}

impl GradedResponsibility {
    /// Whether some role has nobody to fill it.
    pub fn has_gaps(&self) -> bool {
        self.duties.iter().any(|d| d.person.is_err())
    }
}

/// The roles a level calls for: 三级 → head; 二级 → plus leader in charge; 一级 → plus principal.
pub fn roles_for(level: RiskLevel) -> &'static [Role] {
    match level {
        RiskLevel::Three => &[Role::DepartmentHead],
        RiskLevel::Two => &[Role::DepartmentHead, Role::LeaderInCharge],
        RiskLevel::One => &[Role::DepartmentHead, Role::LeaderInCharge, Role::PrincipalLeader],
    }
}

/// Who answers for `risk` in `register`. A point of the whole unit (a unit-wide 三重一大 point,
/// say) has no department: the principal leader answers for it, at any level.
pub fn graded_responsibility(register: &Register, risk: &RiskPoint) -> GradedResponsibility {
    let department = register.risk_department(risk).and_then(|id| register.departments.get(id));
    let roles = if risk.scope == Scope::Unit { &[Role::PrincipalLeader][..] } else { roles_for(risk.level) };
    let duties = roles
        .iter()
        .map(|&role| {
            let named = match role {
                Role::DepartmentHead => department.map(|d| d.head.as_ref()).ok_or(Gap::NoDepartment),
                Role::LeaderInCharge => department.map(|d| d.leader_in_charge.as_ref()).ok_or(Gap::NoDepartment),
                Role::PrincipalLeader => Ok(register.leading_group.leader.as_ref()),
            };
            let person = named.and_then(|id| {
                let id = id.ok_or(Gap::NotAssigned)?;
                match register.people.get(id) {
                    None => Err(Gap::UnknownPerson(id.clone())),
                    Some(p) if p.archived.is_some() => Err(Gap::PersonArchived(id.clone())),
                    Some(_) => Ok(id.clone()),
                }
            });
            Duty { role, person }
        })
        .collect();
    GradedResponsibility { duties }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Archived, Department, Person, Post};

    fn person(name: &str) -> Person {
        Person { name: name.into(), ..Person::default() }
    }

    /// A school with 王 as 组长, 朱 heading 总务处 and 陈 in charge of it.
    fn school() -> Register {
        let mut r = Register::default();
        for (id, name) in [("wang", "王家福"), ("zhu", "朱忠云"), ("chen", "陈继荣")] {
            r.people.insert(id.into(), person(name));
        }
        r.leading_group.leader = Some("wang".into());
        r.departments.insert(
            "general".into(),
            Department {
                name: "总务处".into(),
                head: Some("zhu".into()),
                leader_in_charge: Some("chen".into()),
                ..Department::default()
            },
        );
        r.posts
            .insert("buyer".into(), Post { name: "食堂采买".into(), department: "general".into(), ..Post::default() });
        r
    }

    fn risk(level: RiskLevel) -> RiskPoint {
        RiskPoint { scope: Scope::Post, post: Some("buyer".into()), level, ..RiskPoint::default() }
    }

    fn people(g: &GradedResponsibility) -> Vec<(Role, Result<&str, Gap>)> {
        g.duties.iter().map(|d| (d.role, d.person.as_deref().map_err(Clone::clone))).collect()
    }

    #[test]
    fn each_level_adds_the_next_leader() {
        let r = school();
        assert_eq!(
            people(&graded_responsibility(&r, &risk(RiskLevel::Three))),
            vec![(Role::DepartmentHead, Ok("zhu"))]
        );
        assert_eq!(
            people(&graded_responsibility(&r, &risk(RiskLevel::Two))),
            vec![(Role::DepartmentHead, Ok("zhu")), (Role::LeaderInCharge, Ok("chen"))]
        );
        assert_eq!(
            people(&graded_responsibility(&r, &risk(RiskLevel::One))),
            vec![
                (Role::DepartmentHead, Ok("zhu")),
                (Role::LeaderInCharge, Ok("chen")),
                (Role::PrincipalLeader, Ok("wang")),
            ]
        );
    }

    #[test]
    fn a_department_risk_uses_its_own_department() {
        let r = school();
        let risk = RiskPoint {
            scope: Scope::Department,
            department: Some("general".into()),
            level: RiskLevel::Two,
            ..RiskPoint::default()
        };
        let g = graded_responsibility(&r, &risk);
        assert!(!g.has_gaps());
        assert_eq!(g.duties[1].person, Ok("chen".into()));
    }

    #[test]
    fn missing_people_are_named_as_gaps() {
        let mut r = school();
        r.departments.get_mut("general").unwrap().leader_in_charge = None;
        r.people.get_mut("zhu").unwrap().archived = Some(Archived { by: String::new(), at: 0 });
        r.leading_group.leader = Some("nobody".into());
        let g = graded_responsibility(&r, &risk(RiskLevel::One));
        assert!(g.has_gaps());
        assert_eq!(
            people(&g),
            vec![
                (Role::DepartmentHead, Err(Gap::PersonArchived("zhu".into()))),
                (Role::LeaderInCharge, Err(Gap::NotAssigned)),
                (Role::PrincipalLeader, Err(Gap::UnknownPerson("nobody".into()))),
            ]
        );
    }

    #[test]
    fn a_unit_risk_is_the_principal_leaders_at_every_level_and_no_gap() {
        let mut r = school();
        for level in RiskLevel::ALL {
            let risk = RiskPoint { scope: Scope::Unit, level, ..RiskPoint::default() };
            let g = graded_responsibility(&r, &risk);
            assert_eq!(people(&g), vec![(Role::PrincipalLeader, Ok("wang"))], "{level:?}");
            assert!(!g.has_gaps());
        }
        // With no 组长 set, that is the gap.
        r.leading_group.leader = None;
        let risk = RiskPoint { scope: Scope::Unit, level: RiskLevel::Three, ..RiskPoint::default() };
        assert_eq!(people(&graded_responsibility(&r, &risk)), vec![(Role::PrincipalLeader, Err(Gap::NotAssigned))]);
    }

    #[test]
    fn a_post_that_no_longer_exists_leaves_no_department() {
        let r = school();
        let risk = RiskPoint { post: Some("gone".into()), level: RiskLevel::Three, ..RiskPoint::default() };
        assert_eq!(graded_responsibility(&r, &risk).duties[0].person, Err(Gap::NoDepartment));
    }

    #[test]
    fn no_principal_leader_is_a_gap() {
        let mut r = school();
        r.leading_group.leader = None;
        let g = graded_responsibility(&r, &risk(RiskLevel::One));
        assert_eq!(g.duties[2].person, Err(Gap::NotAssigned));
    }
}
