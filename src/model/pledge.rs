//! 廉政承诺书: the pledge's text in versions, and who signed which version when.

use std::collections::BTreeMap;

use autosurgeon::{Hydrate, Reconcile, Text};
use serde::{Deserialize, Serialize};

use super::entity::entity;
use super::{Archived, EntityKind, Id};

/// A signature, recorded by a member from the signed paper.
#[derive(Debug, Clone, PartialEq, Eq, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct Signature {
    /// The day signed, `YYYY-MM-DD`.
    pub date: String,
    /// The member who recorded it.
    pub recorded_by: Id,
    /// Unix seconds.
    pub at: i64,
}

/// One version of the pledge. A signed version's text is never changed: a revised text is a
/// new version, which everyone signs again.
#[derive(Debug, Clone, PartialEq, Default, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct Pledge {
    /// 标题, e.g. 党员干部廉政承诺书
    pub title: String,
    /// 版本: 1 for the first; a new version takes the highest so far plus one.
    pub version: u32,
    /// 发布日期, `YYYY-MM-DD`.
    pub issued: String,
    /// 承诺内容
    #[serde(with = "super::text_serde")]
    pub text: Text,
    /// Who signed it, keyed by person id so concurrent recordings merge.
    pub signatures: BTreeMap<Id, Signature>,
    /// Set when archived.
    pub archived: Option<Archived>,
}
entity!(Pledge, EntityKind::Pledge, pledges, |p| format!("{}（第{}版）", p.title, p.version));
