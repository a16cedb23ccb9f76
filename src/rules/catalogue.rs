//! 岗位腐败风险点目录 and 风险点及防控措施自查表: approved points in the order and with the
//! columns of the official templates.

use std::cmp::Ordering;

use super::measures::{MeasuresByRisk, measures_of};
use super::responsibility::{Role, graded_responsibility};
use super::review::{in_force, stage_of};
use crate::i18n::{Locale, text};
use crate::model::{Approval, Id, Measure, MeasureStage, Register, ReviewStage, RiskLevel, RiskPoint, Template};

/// One row of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogueRow {
    /// The risk point.
    pub id: Id,
    /// 序号, from 1.
    pub number: usize,
    /// 单位/科室: the department, or the unit for a unit-wide point.
    pub department: String,
    /// 岗位
    pub post: String,
    /// 职级 of the post (for ordering and the self-check form).
    pub rank: String,
    /// 职权事项
    pub power_item: String,
    /// 风险类别
    pub kind: String,
    /// 风险点描述
    pub description: String,
    /// 表现形式
    pub manifestations: String,
    /// 风险等级
    pub level: RiskLevel,
    /// 防控措施, by stage.
    pub measures: String,
    /// 部门负责人
    pub head: String,
    /// 责任领导: the leader in charge, and for 一级 the principal leader.
    pub leaders: String,
    /// How far the measures have come (for the self-check form).
    pub progress: String,
}

/// Where `rank` stands among the register's template's ranks, senior first; other ranks sort
/// after these, by name.
fn rank_position(ranks: &[String], rank: &str) -> usize {
    ranks.iter().position(|r| r == rank.trim()).unwrap_or(ranks.len())
}

/// The measures of a point as one cell: "前期预防：…；中期监控：…".
pub fn measures_text(register: &Register, risk: &str, locale: Locale) -> String {
    join_measures(&measures_of(register, risk), locale)
}

fn join_measures(measures: &[(&Id, &crate::model::Measure)], locale: Locale) -> String {
    MeasureStage::ALL
        .into_iter()
        .filter_map(|stage| {
            let items: Vec<&str> =
                measures.iter().filter(|(_, m)| m.stage == stage).map(|(_, m)| m.description.as_str()).collect();
            (!items.is_empty()).then(|| {
                format!(
                    "{}{}{}",
                    text(locale, stage.label_key()),
                    text(locale, "punct.colon"),
                    items.join(text(locale, "punct.list"))
                )
            })
        })
        .collect::<Vec<_>>()
        .join(text(locale, "punct.sentence"))
}

fn row(
    register: &Register,
    measures: &[(&Id, &crate::model::Measure)],
    id: &Id,
    risk: &RiskPoint,
    locale: Locale,
) -> CatalogueRow {
    let department = register.risk_department(risk).and_then(|d| register.departments.get(d));
    let post = risk.post.as_ref().and_then(|p| register.posts.get(p));
    let duties = graded_responsibility(register, risk);
    let named = |role: Role| -> Option<String> {
        let duty = duties.duties.iter().find(|d| d.role == role)?;
        let id = duty.person.as_ref().ok()?;
        register.person_name(id).map(str::to_string)
    };
    let mut leaders: Vec<String> = Vec::new();
    // The principal leader may also be the leader in charge: name each person once.
    for name in [Role::LeaderInCharge, Role::PrincipalLeader].into_iter().filter_map(named) {
        if !leaders.contains(&name) {
            leaders.push(name);
        }
    }
    let finished = measures.iter().filter(|(_, m)| m.status.is_finished()).count();
    CatalogueRow {
        id: id.clone(),
        number: 0,
        department: department.map(|d| d.name.clone()).unwrap_or_else(|| register.unit.name.clone()),
        post: post.map(|p| p.name.clone()).unwrap_or_default(),
        rank: post.map(|p| p.rank.clone()).unwrap_or_default(),
        power_item: risk.power_item.clone(),
        kind: register.risk_kinds.get(&risk.kind).map(|k| k.name.clone()).unwrap_or_default(),
        description: risk.description.as_str().to_string(),
        manifestations: risk.manifestations.as_str().to_string(),
        level: risk.level,
        measures: join_measures(measures, locale),
        head: named(Role::DepartmentHead).unwrap_or_default(),
        leaders: leaders.join("、"),
        progress: format!("{finished}/{}", measures.len()),
    }
}

fn order(ranks: &[String], a: &CatalogueRow, b: &CatalogueRow) -> Ordering {
    a.level
        .cmp(&b.level)
        .then_with(|| a.department.cmp(&b.department))
        .then_with(|| rank_position(ranks, &a.rank).cmp(&rank_position(ranks, &b.rank)))
        .then_with(|| a.rank.cmp(&b.rank))
        .then_with(|| a.post.cmp(&b.post))
        .then_with(|| a.id.cmp(&b.id))
}

/// The row of a point whose last approved version is in force while a newer one is reviewed.
fn approved_row(register: &Register, id: &Id, risk: &RiskPoint, approval: &Approval, locale: Locale) -> CatalogueRow {
    let version = &approval.version;
    let point = RiskPoint {
        description: version.description.as_str().into(),
        manifestations: version.manifestations.as_str().into(),
        causes: version.causes.as_str().into(),
        level: version.level,
        ..risk.clone()
    };
    let measures: Vec<(Id, Measure)> = version
        .measures
        .iter()
        .map(|(id, m)| {
            (id.clone(), Measure { stage: m.stage, description: m.description.as_str().into(), ..Measure::default() })
        })
        .collect();
    let measures: Vec<(&Id, &Measure)> = measures.iter().map(|(id, m)| (id, m)).collect();
    row(register, &measures, id, &point, locale)
}

/// The catalogue: the points in force, ordered by level, department, rank and post, numbered
/// from 1. A point edited or sent back since its approval shows as the leading group approved
/// it. With `department`, only that department's points (the self-check form).
pub fn catalogue(register: &Register, department: Option<&str>, locale: Locale) -> Vec<CatalogueRow> {
    let measures = MeasuresByRisk::new(register);
    let mut rows: Vec<CatalogueRow> = register
        .risks
        .iter()
        .filter(|(_, r)| in_force(r))
        .filter(|(_, r)| department.is_none_or(|d| register.risk_department(r).map(String::as_str) == Some(d)))
        .map(|(id, r)| match &r.approved {
            Some(approval) if stage_of(r, measures.of(id)) != ReviewStage::Approved => {
                approved_row(register, id, r, approval, locale)
            }
            _ => row(register, measures.of(id), id, r, locale),
        })
        .collect();
    let ranks = &Template::by_code(&register.settings.template).ranks;
    rows.sort_by(|a, b| order(ranks, a, b));
    for (i, row) in rows.iter_mut().enumerate() {
        row.number = i + 1;
    }
    rows
}

/// The catalogue row of one point, whatever its stage: what a publicity round shows of it.
pub fn catalogue_row(register: &Register, id: &str, locale: Locale) -> Option<CatalogueRow> {
    register.risks.get_key_value(id).map(|(id, r)| row(register, &measures_of(register, id), id, r, locale))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Department, Measure, MeasureStatus, Person, Post, RiskKind, Scope};
    use autosurgeon::Text;

    fn register() -> Register {
        let mut r = Register::default();
        r.unit.name = "高桥小学".into();
        r.settings.template = "bureau".into();
        r.people.insert("zhu".into(), Person { name: "朱忠云".into(), ..Person::default() });
        r.people.insert("wang".into(), Person { name: "王家福".into(), ..Person::default() });
        r.leading_group.leader = Some("wang".into());
        r.departments.insert(
            "a".into(),
            Department { name: "财务室".into(), head: Some("zhu".into()), ..Department::default() },
        );
        r.departments.insert("b".into(), Department { name: "总务处".into(), ..Department::default() });
        r.posts.insert(
            "acc".into(),
            Post { name: "会计".into(), department: "a".into(), rank: "股级".into(), ..Post::default() },
        );
        r.posts.insert(
            "head".into(),
            Post { name: "主任".into(), department: "a".into(), rank: "副科级".into(), ..Post::default() },
        );
        r.risk_kinds.insert("k".into(), RiskKind { name: "岗位职责风险".into(), archived: None });
        let mut add = |id: &str, post: Option<&str>, department: Option<&str>, level, review| {
            r.risks.insert(
                id.into(),
                RiskPoint {
                    scope: if post.is_some() { Scope::Post } else { Scope::Department },
                    post: post.map(str::to_string),
                    department: department.map(str::to_string),
                    kind: "k".into(),
                    level,
                    review,
                    description: Text::with_value(format!("描述{id}")),
                    ..RiskPoint::default()
                },
            );
        };
        add("1", Some("acc"), None, RiskLevel::Two, ReviewStage::Approved);
        add("2", Some("head"), None, RiskLevel::Two, ReviewStage::Approved);
        add("3", None, Some("b"), RiskLevel::Two, ReviewStage::Approved);
        add("4", None, Some("b"), RiskLevel::One, ReviewStage::Approved);
        add("5", None, Some("a"), RiskLevel::One, ReviewStage::Organisation);
        r
    }

    #[test]
    fn only_approved_points_ordered_by_level_department_rank_and_post() {
        let r = register();
        let rows = catalogue(&r, None, Locale::ZhCn);
        let order: Vec<&str> = rows.iter().map(|x| x.id.as_str()).collect();
        // 一级 first; within 二级, departments by code point: 总务处 (总 U+603B) before 财务室 (财 U+8D22).
        assert_eq!(order, ["4", "3", "2", "1"]);
        assert_eq!(rows.iter().map(|x| x.number).collect::<Vec<_>>(), [1, 2, 3, 4]);
        // 副科级 before 股级 within 财务室.
        assert_eq!((rows[2].post.as_str(), rows[3].post.as_str()), ("主任", "会计"));
        assert_eq!(rows[3].head, "朱忠云");
        assert_eq!(rows[0].leaders, "王家福");
        // In charge of the department and principal leader: named once.
        let mut r = r;
        r.departments.get_mut("b").unwrap().leader_in_charge = Some("wang".into());
        assert_eq!(catalogue(&r, None, Locale::ZhCn)[0].leaders, "王家福");
        let own = catalogue(&r, Some("a"), Locale::ZhCn);
        assert_eq!(own.iter().map(|x| x.id.as_str()).collect::<Vec<_>>(), ["2", "1"]);
    }

    #[test]
    fn ranks_follow_the_register_s_template() {
        let mut r = register();
        r.settings.template = "school".into();
        r.posts.get_mut("acc").unwrap().rank = "一般教职工".into();
        r.posts.get_mut("head").unwrap().rank = "中层干部".into();
        let rows = catalogue(&r, Some("a"), Locale::ZhCn);
        // By name 一 (U+4E00) would come before 中 (U+4E2D); the school's ranks put 中层干部 first.
        assert_eq!((rows[0].post.as_str(), rows[1].post.as_str()), ("主任", "会计"));
    }

    #[test]
    fn measures_are_one_cell_by_stage() {
        let mut r = register();
        for (id, stage, text, status) in [
            ("m1", MeasureStage::Monitor, "每月核对", MeasureStatus::Done),
            ("m2", MeasureStage::Prevent, "建立制度", MeasureStatus::Planned),
            ("m3", MeasureStage::Prevent, "公开流程", MeasureStatus::Planned),
        ] {
            r.measures.insert(
                id.into(),
                Measure { risk: "1".into(), stage, description: Text::with_value(text), status, ..Measure::default() },
            );
        }
        let text = measures_text(&r, "1", Locale::ZhCn);
        assert!(text.starts_with("前期预防："), "{text}");
        assert!(
            text.contains("建立制度") && text.contains("公开流程") && text.contains("中期监控：每月核对"),
            "{text}"
        );
        let row = catalogue(&r, None, Locale::ZhCn).into_iter().find(|x| x.id == "1").unwrap();
        assert_eq!(row.progress, "1/3");
    }
}
