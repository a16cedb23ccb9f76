//! 上手指引: the first steps of a new register, in the plan's order, each ticked off from the
//! register's own data rather than by hand, so that the list never claims what is not done.

use crate::model::{Entity, Register, ReviewStage};

/// One step of the guide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GuideStep {
    /// Its name in test ids.
    pub code: &'static str,
    /// The locale keys of its name and of what it asks.
    pub keys: (&'static str, &'static str),
    /// The page that does it, after `/r/<id>`.
    pub page: &'static str,
    /// Whether the register shows it done.
    pub done: bool,
}

/// The guide for `register`: 录入人员 → 设置部门负责人和分管领导 → 设置领导小组 → 设置岗位 →
/// 审阅模板风险点 → 提交审核 → 公示.
pub fn guide(register: &Register) -> Vec<GuideStep> {
    let departments: Vec<_> = register.departments.values().filter(|d| d.is_active()).collect();
    let people = register.people.values().filter(|p| p.is_active()).count();
    let risks = || register.risks.values().filter(|r| r.is_active());
    let group = &register.leading_group;
    let step = |code, keys, page, done| GuideStep { code, keys, page, done };
    vec![
        // At least one person for each department: the staff list, not only the member.
        step("people", ("guide.people", "guide.people_hint"), "/org", people >= departments.len().max(2)),
        step(
            "departments",
            ("guide.departments", "guide.departments_hint"),
            "/org",
            !departments.is_empty() && departments.iter().all(|d| d.head.is_some() && d.leader_in_charge.is_some()),
        ),
        step(
            "group",
            ("guide.group", "guide.group_hint"),
            "/org",
            group.leader.is_some() && group.deputies.values().chain(group.members.values()).any(|in_group| *in_group),
        ),
        // The template brings the posts; the step is to say who holds them, key posts first.
        step("posts", ("guide.posts", "guide.posts_hint"), "/org", {
            let posts: Vec<_> = register.posts.values().filter(|p| p.is_active()).collect();
            posts.iter().any(|p| !p.holders.is_empty()) && posts.iter().all(|p| !p.key || !p.holders.is_empty())
        }),
        // The template's typical points are each taken up or archived.
        step(
            "drafts",
            ("guide.drafts", "guide.drafts_hint"),
            "/risks",
            risks().all(|r| r.review != ReviewStage::Draft),
        ),
        step(
            "review",
            ("guide.review", "guide.review_hint"),
            "/review",
            risks()
                .any(|r| matches!(r.review, ReviewStage::Organisation | ReviewStage::Approved | ReviewStage::Rejected)),
        ),
        step(
            "publicity",
            ("guide.publicity", "guide.publicity_hint"),
            "/publicity",
            register.publicity.values().any(|p| p.is_active()),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Department, LeadingGroup, Person, Post, Publicity, RiskPoint};

    fn done(register: &Register) -> Vec<&'static str> {
        guide(register).into_iter().filter(|s| s.done).map(|s| s.code).collect()
    }

    #[test]
    fn each_step_ticks_off_from_the_register() {
        let mut r = Register::default();
        r.departments.insert("d".into(), Department { name: "财务室".into(), ..Department::default() });
        r.risks.insert("t".into(), RiskPoint { review: ReviewStage::Draft, ..RiskPoint::default() });
        assert_eq!(done(&r), Vec::<&str>::new());

        // One person is only the member who opened the register.
        r.people.insert("a".into(), Person { name: "王家福".into(), ..Person::default() });
        assert!(!done(&r).contains(&"people"));
        r.people.insert("b".into(), Person { name: "朱忠云".into(), ..Person::default() });
        r.departments.get_mut("d").unwrap().head = Some("b".into());
        assert_eq!(done(&r), ["people"]);
        r.departments.get_mut("d").unwrap().leader_in_charge = Some("a".into());
        r.leading_group = LeadingGroup { leader: Some("a".into()), ..LeadingGroup::default() };
        assert_eq!(done(&r), ["people", "departments"]);
        r.leading_group.members.insert("b".into(), true);
        // Posts as the template brings them: a key post nobody holds yet.
        let key = Post { name: "会计".into(), department: "d".into(), key: true, ..Post::default() };
        r.posts.insert("p".into(), key);
        assert_eq!(done(&r), ["people", "departments", "group"]);
        r.posts.get_mut("p").unwrap().holders.insert("b".into(), true);
        assert_eq!(done(&r), ["people", "departments", "group", "posts"]);

        // The template's draft taken up; then one point sent to the leading group; a round published.
        r.risks.get_mut("t").unwrap().review = ReviewStage::SelfCheck;
        assert!(done(&r).contains(&"drafts") && !done(&r).contains(&"review"));
        r.risks.get_mut("t").unwrap().review = ReviewStage::Organisation;
        r.publicity.insert("x".into(), Publicity::default());
        assert_eq!(guide(&r).iter().filter(|s| s.done).count(), 7);
    }
}
