//! Who signs the 廉政承诺书, and who has not yet signed the version in force.

use super::cards::has_approved_card;
use super::measures::MeasuresByRisk;
use crate::model::{Id, Pledge, Register, ReviewStage};

/// The version in force: the highest version not archived (two made at once on two copies:
/// the later issue date, then the id, decides).
pub fn current_pledge(register: &Register) -> Option<(&Id, &Pledge)> {
    register
        .pledges
        .iter()
        .filter(|(_, p)| p.archived.is_none())
        .max_by(|a, b| a.1.version.cmp(&b.1.version).then(a.1.issued.cmp(&b.1.issued)).then(a.0.cmp(b.0)))
}

/// Who must sign: every active cadre (干部), and whoever holds an active key post (重点对象).
pub fn must_sign(register: &Register) -> Vec<&Id> {
    let key_holders: Vec<&Id> = register
        .posts
        .values()
        .filter(|p| p.archived.is_none() && p.key)
        .flat_map(|p| p.holders.iter().filter(|(_, held)| **held).map(|(id, _)| id))
        .collect();
    let mut people: Vec<(&Id, &str)> = register
        .people
        .iter()
        .filter(|(id, p)| p.archived.is_none() && (p.cadre || key_holders.contains(id)))
        .map(|(id, p)| (id, p.name.as_str()))
        .collect();
    people.sort_by(|a, b| a.1.cmp(b.1).then(a.0.cmp(b.0)));
    people.into_iter().map(|(id, _)| id).collect()
}

/// Who must sign and has not signed the version in force (everyone who must, when there is
/// none yet).
pub fn not_signed(register: &Register) -> Vec<&Id> {
    let current = current_pledge(register).map(|(_, p)| p);
    must_sign(register).into_iter().filter(|id| current.is_none_or(|p| !p.signatures.contains_key(*id))).collect()
}

/// What a key post (重点对象) still lacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// Nobody holds it.
    Holder,
    /// No risk point of the post is adopted (beyond a template draft) and not rejected.
    RiskPoint,
    /// None of its risk points has a measure.
    Measure,
    /// Someone who holds it has not signed the pledge in force.
    Pledge,
    /// Someone who holds it has no approved duty card (勤廉责任卡).
    Card,
}

impl Missing {
    /// The locale key of its name.
    pub fn label_key(self) -> &'static str {
        match self {
            Missing::Holder => "coverage.holder",
            Missing::RiskPoint => "coverage.risk",
            Missing::Measure => "coverage.measure",
            Missing::Pledge => "coverage.pledge",
            Missing::Card => "coverage.card",
        }
    }
}

/// Every active key post that lacks a holder, a risk point, a measure, its holders' signatures
/// or their approved duty cards, with what it lacks; in the order of the posts' names.
pub fn key_post_gaps(register: &Register) -> Vec<(&Id, Vec<Missing>)> {
    let unsigned = not_signed(register);
    let measures = MeasuresByRisk::new(register);
    let mut gaps: Vec<(&Id, Vec<Missing>)> = register
        .posts
        .iter()
        .filter(|(_, p)| p.archived.is_none() && p.key)
        .filter_map(|(id, post)| {
            let holders: Vec<&Id> = post.holders.iter().filter(|(_, held)| **held).map(|(h, _)| h).collect();
            let risks: Vec<&Id> = register
                .risks
                .iter()
                .filter(|(_, r)| {
                    r.archived.is_none()
                        && r.post.as_ref() == Some(id)
                        && !matches!(r.review, ReviewStage::Draft | ReviewStage::Rejected)
                })
                .map(|(rid, _)| rid)
                .collect();
            let measured = risks.iter().any(|risk| !measures.of(risk).is_empty());
            let mut missing = Vec::new();
            if holders.is_empty() {
                missing.push(Missing::Holder);
            }
            if risks.is_empty() {
                missing.push(Missing::RiskPoint);
            }
            if !measured {
                missing.push(Missing::Measure);
            }
            if holders.iter().any(|h| unsigned.contains(h)) {
                missing.push(Missing::Pledge);
            }
            if holders.iter().any(|h| !has_approved_card(register, h)) {
                missing.push(Missing::Card);
            }
            (!missing.is_empty()).then_some((id, missing))
        })
        .collect();
    gaps.sort_by(|a, b| register.posts[a.0].name.cmp(&register.posts[b.0].name).then(a.0.cmp(b.0)));
    gaps
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Person, Post, Signature};

    fn register() -> Register {
        let mut r = Register::default();
        for (id, name, cadre) in [("wang", "王家福", true), ("zhu", "朱忠云", false), ("li", "李明", false)] {
            r.people.insert(id.into(), Person { name: name.into(), cadre, ..Person::default() });
        }
        let mut post = Post { name: "会计".into(), key: true, ..Post::default() };
        post.holders.insert("zhu".into(), true);
        r.posts.insert("acc".into(), post);
        r.posts.insert(
            "clerk".into(),
            Post { name: "文印".into(), holders: [("li".into(), true)].into(), ..Post::default() },
        );
        r
    }

    fn signed(date: &str) -> Signature {
        Signature { date: date.into(), recorded_by: "wang".into(), at: 0 }
    }

    #[test]
    fn cadres_and_key_post_holders_sign_the_version_in_force() {
        let mut r = register();
        assert_eq!(must_sign(&r), ["zhu", "wang"], "by name: 朱 (U+6731) before 王 (U+738B)");
        assert_eq!(not_signed(&r), ["zhu", "wang"]);
        let mut first = Pledge { title: "党员干部廉政承诺书".into(), version: 1, ..Pledge::default() };
        first.signatures.insert("wang".into(), signed("2026-11-20"));
        r.pledges.insert("v1".into(), first);
        assert_eq!(not_signed(&r), ["zhu"]);
        // A new version: everyone signs again.
        r.pledges.insert("v2".into(), Pledge { version: 2, ..Pledge::default() });
        assert_eq!(current_pledge(&r).map(|(id, _)| id.as_str()), Some("v2"));
        assert_eq!(not_signed(&r), ["zhu", "wang"]);
        r.pledges.get_mut("v2").unwrap().signatures.insert("zhu".into(), signed("2026-11-29"));
        assert_eq!(not_signed(&r), ["wang"]);
        // A key post that is retired no longer calls its holder to sign.
        r.posts.get_mut("acc").unwrap().archived = Some(crate::model::Archived { by: String::new(), at: 0 });
        assert_eq!(must_sign(&r), ["wang"]);
    }

    #[test]
    fn a_key_post_is_covered_by_a_holder_a_point_a_measure_and_signatures() {
        use crate::model::{Measure, RiskPoint};
        let mut r = register();
        r.pledges.insert("v1".into(), Pledge { version: 1, ..Pledge::default() });
        let mut cook = Post { name: "食堂采买".into(), key: true, ..Post::default() };
        cook.holders.clear();
        r.posts.insert("cook".into(), cook);
        let gaps = |r: &Register| -> Vec<(String, Vec<Missing>)> {
            key_post_gaps(r).into_iter().map(|(id, m)| (id.clone(), m)).collect()
        };
        use Missing::{Card as NoCard, Holder, Measure as NoMeasure, Pledge as Unsigned, RiskPoint as NoPoint};
        assert_eq!(
            gaps(&r),
            [
                ("acc".into(), vec![NoPoint, NoMeasure, Unsigned, NoCard]),
                ("cook".into(), vec![Holder, NoPoint, NoMeasure])
            ]
        );
        // A template draft does not cover it; an adopted point with a measure does.
        r.risks.insert(
            "p".into(),
            RiskPoint { post: Some("acc".into()), review: ReviewStage::Draft, ..RiskPoint::default() },
        );
        assert_eq!(gaps(&r)[0].1, [NoPoint, NoMeasure, Unsigned, NoCard]);
        r.risks.get_mut("p").unwrap().review = ReviewStage::SelfCheck;
        r.measures.insert("m".into(), Measure { risk: "p".into(), ..Measure::default() });
        r.pledges.get_mut("v1").unwrap().signatures.insert("zhu".into(), signed("2026-11-29"));
        assert_eq!(gaps(&r)[0].1, [NoCard]);
        let card = crate::model::DutyCard {
            person: "zhu".into(),
            stage: crate::model::CardStage::Approved,
            ..Default::default()
        };
        r.cards.insert("c".into(), card);
        assert_eq!(gaps(&r), [("cook".into(), vec![Holder, NoPoint, NoMeasure])]);
    }
}
