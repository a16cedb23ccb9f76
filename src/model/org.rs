//! The unit and its organisation: people, departments, posts, the leading group.

use std::collections::BTreeMap;

use autosurgeon::{Hydrate, Reconcile, Text};
use serde::{Deserialize, Serialize};

use super::entity::entity;
use super::{Archived, EntityKind, Id};

/// 单位: the school or bureau that owns the register.
#[derive(Debug, Clone, PartialEq, Default, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct Unit {
    /// 单位名称
    pub name: String,
    /// 上级主管部门, e.g. 县教育局
    pub superior: String,
    /// 举报电话
    pub hotline: String,
    /// 地址
    pub address: String,
}

/// 人员: a member of staff.
#[derive(Debug, Clone, PartialEq, Default, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct Person {
    /// 姓名
    pub name: String,
    /// 职务, e.g. 校长, 会计
    pub title: String,
    /// 党员
    pub party_member: bool,
    /// 干部
    pub cadre: bool,
    /// Set when archived.
    pub archived: Option<Archived>,
}
entity!(Person, EntityKind::Person, people, |p| p.name.clone());

/// 部门 / 处室 / 科室.
#[derive(Debug, Clone, PartialEq, Default, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct Department {
    /// 部门名称
    pub name: String,
    /// 负责人: the person who manages its risk points.
    pub head: Option<Id>,
    /// 分管领导: the deputy leader in charge.
    pub leader_in_charge: Option<Id>,
    /// A subordinate unit (局属二级单位) with its own leaders, not an internal office.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub subordinate: bool,
    /// Set when archived.
    pub archived: Option<Archived>,
}
entity!(Department, EntityKind::Department, departments, |d| d.name.clone());

/// 岗位: a position in a department.
#[derive(Debug, Clone, PartialEq, Default, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct Post {
    /// 岗位名称, e.g. 会计, 食堂采买
    pub name: String,
    /// The department it belongs to.
    pub department: Id,
    /// 职级
    pub rank: String,
    /// 岗位职责清单, one duty per line.
    #[serde(with = "super::text_serde")]
    pub duties: Text,
    /// The people who hold it, as a set (person id → true) so concurrent additions merge.
    pub holders: BTreeMap<Id, bool>,
    /// A key post (重点对象): 学校领导, 会计, 食堂采买; a bureau's leaders and section heads.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub key: bool,
    /// Set when archived.
    pub archived: Option<Archived>,
}
entity!(Post, EntityKind::Post, posts, |p| p.name.clone());

/// 领导小组: the leading group of the unit's risk prevention work.
#[derive(Debug, Clone, PartialEq, Default, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct LeadingGroup {
    /// 组长: the principal leader, accountable for every 一级 risk point.
    pub leader: Option<Id>,
    /// 副组长, as a set.
    pub deputies: BTreeMap<Id, bool>,
    /// 成员, as a set.
    pub members: BTreeMap<Id, bool>,
}
