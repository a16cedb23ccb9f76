//! The risk list: rows as the page shows them, filtered and sorted.

use std::cmp::Ordering;

use std::collections::HashSet;

use super::measures::overdue_measures;
use super::publicity::publicity_mark;
use super::responsibility::graded_responsibility;
use super::review::Stages;
use crate::model::{Date, Id, Register, ReviewStage, RiskLevel, RiskPoint};

/// One line of the risk list, with names resolved. Equal rows render the same, so a keyed list
/// can reuse the DOM of every row whose `RiskRow` did not change.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RiskRow {
    /// The risk point's id.
    pub id: Id,
    /// 风险等级
    pub level: RiskLevel,
    /// 风险类别 name.
    pub kind: String,
    /// 部门 name ("" when none).
    pub department: String,
    /// 岗位 name ("" when none).
    pub post: String,
    /// 职权事项
    pub power_item: String,
    /// 风险点描述
    pub description: String,
    /// Names of the accountable people, "、"-joined; unfilled roles are left out.
    pub accountable: String,
    /// Whether some accountable role is unfilled.
    pub accountable_gap: bool,
    /// Whether it is archived.
    pub archived: bool,
    /// Where it stands in the review.
    pub stage: ReviewStage,
    /// Whether one of its measures is overdue.
    pub overdue: bool,
    /// Publicised (its round closed), and whether it changed since.
    pub publicity: Option<(bool, bool)>,
}

/// What the list shows. Empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RiskFilter {
    /// Only this level.
    pub level: Option<RiskLevel>,
    /// Only this kind id.
    pub kind: Option<Id>,
    /// Only this department id.
    pub department: Option<Id>,
    /// Free text, matched case-insensitively in every text column, manifestations and causes.
    pub text: String,
    /// Show archived points instead of active ones.
    pub archived: bool,
    /// Only this review stage; `None` shows every stage but the template's drafts.
    pub stage: Option<ReviewStage>,
}

/// A column to sort by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RiskSort {
    /// 风险等级, 一级 first.
    #[default]
    Level,
    /// 风险类别
    Kind,
    /// 部门
    Department,
    /// 岗位
    Post,
    /// 职权事项
    PowerItem,
    /// 风险点描述
    Description,
    /// 责任人
    Accountable,
}

impl RiskSort {
    /// Every column, in the order the table shows them.
    pub const ALL: [RiskSort; 7] = [
        RiskSort::Level,
        RiskSort::Kind,
        RiskSort::Department,
        RiskSort::Post,
        RiskSort::PowerItem,
        RiskSort::Description,
        RiskSort::Accountable,
    ];

    /// The column's `data-testid` suffix and locale key suffix.
    pub fn code(self) -> &'static str {
        match self {
            RiskSort::Level => "level",
            RiskSort::Kind => "kind",
            RiskSort::Department => "department",
            RiskSort::Post => "post",
            RiskSort::PowerItem => "power_item",
            RiskSort::Description => "description",
            RiskSort::Accountable => "accountable",
        }
    }

    fn compare(self, a: &RiskRow, b: &RiskRow) -> Ordering {
        match self {
            RiskSort::Level => a.level.cmp(&b.level),
            RiskSort::Kind => a.kind.cmp(&b.kind),
            RiskSort::Department => a.department.cmp(&b.department),
            RiskSort::Post => a.post.cmp(&b.post),
            RiskSort::PowerItem => a.power_item.cmp(&b.power_item),
            RiskSort::Description => a.description.cmp(&b.description),
            RiskSort::Accountable => a.accountable.cmp(&b.accountable),
        }
    }
}

/// Sort direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortDir {
    /// A to Z, 一级 to 三级.
    #[default]
    Ascending,
    /// Z to A.
    Descending,
}

fn row(register: &Register, id: &Id, risk: &RiskPoint, late: &HashSet<&str>, stages: &Stages) -> RiskRow {
    let name_of = |map_name: Option<&str>| map_name.unwrap_or_default().to_string();
    let department = register.risk_department(risk).and_then(|d| register.departments.get(d));
    let post = risk.post.as_ref().and_then(|p| register.posts.get(p));
    let duties = graded_responsibility(register, risk);
    let accountable: Vec<&str> =
        duties.duties.iter().filter_map(|d| d.person.as_ref().ok()).filter_map(|p| register.person_name(p)).collect();
    RiskRow {
        id: id.clone(),
        level: risk.level,
        kind: name_of(register.risk_kinds.get(&risk.kind).map(|k| k.name.as_str())),
        department: name_of(department.map(|d| d.name.as_str())),
        post: name_of(post.map(|p| p.name.as_str())),
        power_item: risk.power_item.clone(),
        description: risk.description.as_str().to_string(),
        accountable: accountable.join("、"),
        accountable_gap: duties.has_gaps(),
        archived: risk.archived.is_some(),
        stage: stages.of(id, risk),
        overdue: late.contains(id.as_str()),
        publicity: publicity_mark(register, id).map(|m| (m.publicised, m.changed)),
    }
}

/// One risk point as the filters see it, beside its row.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    row: RiskRow,
    kind: Id,
    department: Option<Id>,
    /// Every searchable text, lower-cased, separated by a character no search contains.
    text: String,
}

/// Every risk point's row, with what the filters look at, built once per change of the
/// register: a keypress in the filter box then only filters and sorts (names, accountable
/// people, overdue measures and publicity are not worked out again for 5,000 points).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RiskIndex {
    entries: Vec<Entry>,
}

/// The index of `register`'s risk points as of `today` (for the overdue marks).
pub fn risk_index(register: &Register, today: Date) -> RiskIndex {
    // Points with an overdue measure, found in one pass over the measures.
    let late: HashSet<&str> = overdue_measures(register, today)
        .into_iter()
        .filter_map(|m| register.measures.get(m))
        .map(|m| m.risk.as_str())
        .collect();
    let stages = Stages::new(register);
    let entries = register
        .risks
        .iter()
        .map(|(id, risk)| {
            let row = row(register, id, risk, &late, &stages);
            let text = [
                row.kind.as_str(),
                row.department.as_str(),
                row.post.as_str(),
                row.power_item.as_str(),
                row.description.as_str(),
                row.accountable.as_str(),
                risk.manifestations.as_str(),
                risk.causes.as_str(),
            ]
            .join("\u{1f}")
            .to_lowercase();
            Entry { kind: risk.kind.clone(), department: register.risk_department(risk).cloned(), text, row }
        })
        .collect();
    RiskIndex { entries }
}

impl RiskIndex {
    fn passes(entry: &Entry, filter: &RiskFilter, needle: &str) -> bool {
        let row = &entry.row;
        row.archived == filter.archived
            && filter.stage.map_or(row.stage != ReviewStage::Draft, |s| s == row.stage)
            && filter.level.is_none_or(|l| l == row.level)
            && filter.kind.as_ref().is_none_or(|k| *k == entry.kind)
            && filter.department.as_ref().is_none_or(|d| Some(d) == entry.department.as_ref())
            && (needle.is_empty() || entry.text.contains(needle))
    }

    /// The rows that pass `filter`, sorted by `sort` (ties by level, then id, so the order is
    /// stable between renders).
    pub fn rows(&self, filter: &RiskFilter, sort: RiskSort, dir: SortDir) -> Vec<&RiskRow> {
        let needle = filter.text.trim().to_lowercase();
        let mut rows: Vec<&RiskRow> =
            self.entries.iter().filter(|e| Self::passes(e, filter, &needle)).map(|e| &e.row).collect();
        rows.sort_by(|a, b| {
            let primary = sort.compare(a, b);
            let primary = if dir == SortDir::Descending { primary.reverse() } else { primary };
            primary.then(a.level.cmp(&b.level)).then(a.id.cmp(&b.id))
        });
        rows
    }
}

/// The rows of the risk list: filtered, then sorted by `sort` (see [`RiskIndex::rows`]).
pub fn risk_rows(register: &Register, filter: &RiskFilter, sort: RiskSort, dir: SortDir, today: Date) -> Vec<RiskRow> {
    risk_index(register, today).rows(filter, sort, dir).into_iter().cloned().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Archived, Department, Person, Post, RiskKind, Scope};
    use autosurgeon::Text;

    fn register() -> Register {
        let mut r = Register::default();
        r.people.insert("zhu".into(), Person { name: "朱忠云".into(), ..Person::default() });
        r.departments.insert(
            "fin".into(),
            Department { name: "财务室".into(), head: Some("zhu".into()), ..Department::default() },
        );
        r.departments.insert("can".into(), Department { name: "食堂".into(), ..Department::default() });
        r.posts.insert("acc".into(), Post { name: "会计".into(), department: "fin".into(), ..Post::default() });
        r.posts.insert("buy".into(), Post { name: "食堂采买".into(), department: "can".into(), ..Post::default() });
        r.risk_kinds.insert("duty".into(), RiskKind { name: "岗位职责风险".into(), archived: None });
        r.risk_kinds.insert("moral".into(), RiskKind { name: "思想道德风险".into(), archived: None });
        let mut add = |id: &str, post: &str, kind: &str, level, text: &str| {
            r.risks.insert(
                id.into(),
                RiskPoint {
                    scope: Scope::Post,
                    post: Some(post.into()),
                    kind: kind.into(),
                    level,
                    description: Text::with_value(text),
                    ..RiskPoint::default()
                },
            );
        };
        add("a", "acc", "duty", RiskLevel::Two, "大额支出未经审核");
        add("b", "buy", "duty", RiskLevel::One, "采购收受回扣");
        add("c", "buy", "moral", RiskLevel::Three, "以次充好");
        r
    }

    fn risk_rows_at(r: &Register, f: &RiskFilter, sort: RiskSort, dir: SortDir) -> Vec<RiskRow> {
        risk_rows(r, f, sort, dir, "2026-11-27".parse().unwrap())
    }

    #[test]
    fn drafts_are_listed_only_when_asked_for() {
        let mut r = register();
        r.risks.get_mut("c").unwrap().review = ReviewStage::Draft;
        assert_eq!(ids(&risk_rows_at(&r, &RiskFilter::default(), RiskSort::Level, SortDir::Ascending)), ["b", "a"]);
        let drafts = RiskFilter { stage: Some(ReviewStage::Draft), ..Default::default() };
        assert_eq!(ids(&risk_rows_at(&r, &drafts, RiskSort::Level, SortDir::Ascending)), ["c"]);
    }

    fn ids(rows: &[RiskRow]) -> Vec<&str> {
        rows.iter().map(|r| r.id.as_str()).collect()
    }

    #[test]
    fn sorts_by_level_by_default_and_by_each_column() {
        let r = register();
        let all = RiskFilter::default();
        assert_eq!(ids(&risk_rows_at(&r, &all, RiskSort::Level, SortDir::Ascending)), ["b", "a", "c"]);
        assert_eq!(ids(&risk_rows_at(&r, &all, RiskSort::Level, SortDir::Descending)), ["c", "a", "b"]);
        // 会计 < 食堂采买 in code point order; ties fall back to level.
        assert_eq!(ids(&risk_rows_at(&r, &all, RiskSort::Post, SortDir::Ascending)), ["a", "b", "c"]);
        assert_eq!(ids(&risk_rows_at(&r, &all, RiskSort::Kind, SortDir::Descending)), ["c", "b", "a"]);
        for sort in RiskSort::ALL {
            assert_eq!(risk_rows_at(&r, &all, sort, SortDir::Ascending).len(), 3);
        }
    }

    #[test]
    fn filters_combine() {
        let r = register();
        let by = |f: RiskFilter| ids(&risk_rows_at(&r, &f, RiskSort::Level, SortDir::Ascending)).join(",");
        assert_eq!(by(RiskFilter { level: Some(RiskLevel::One), ..Default::default() }), "b");
        assert_eq!(by(RiskFilter { kind: Some("duty".into()), ..Default::default() }), "b,a");
        assert_eq!(by(RiskFilter { department: Some("can".into()), ..Default::default() }), "b,c");
        assert_eq!(by(RiskFilter { text: "回扣".into(), ..Default::default() }), "b");
        // Free text reaches resolved names too: the department 财务室.
        assert_eq!(by(RiskFilter { text: "财务".into(), ..Default::default() }), "a");
        assert_eq!(by(RiskFilter { department: Some("can".into()), text: "次".into(), ..Default::default() }), "c");
    }

    #[test]
    fn archived_points_are_listed_apart() {
        let mut r = register();
        r.risks.get_mut("a").unwrap().archived = Some(Archived { by: String::new(), at: 3 });
        assert_eq!(ids(&risk_rows_at(&r, &RiskFilter::default(), RiskSort::Level, SortDir::Ascending)), ["b", "c"]);
        let archived = RiskFilter { archived: true, ..Default::default() };
        assert_eq!(ids(&risk_rows_at(&r, &archived, RiskSort::Level, SortDir::Ascending)), ["a"]);
    }

    #[test]
    fn rows_resolve_names_and_accountable_people() {
        let r = register();
        let rows = risk_rows_at(&r, &RiskFilter::default(), RiskSort::Level, SortDir::Ascending);
        let a = rows.iter().find(|x| x.id == "a").unwrap();
        assert_eq!((a.department.as_str(), a.post.as_str(), a.kind.as_str()), ("财务室", "会计", "岗位职责风险"));
        // 二级: 朱 heads 财务室, nobody is in charge of it.
        assert_eq!(a.accountable, "朱忠云");
        assert!(a.accountable_gap);
    }
}
