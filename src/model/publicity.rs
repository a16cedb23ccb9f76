//! 公示: a round in which approved risk points are shown to staff for at least a week, with the
//! opinions gathered.

use std::collections::BTreeMap;

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use super::entity::entity;
use super::{Archived, EntityKind, Id};

/// An opinion given during a round (意见征求).
#[derive(Debug, Clone, PartialEq, Eq, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct Opinion {
    /// Who gave it; "" when anonymous.
    pub from: String,
    /// What they said.
    pub text: String,
    /// The committee's answer ("" until answered).
    pub answer: String,
    /// The member who recorded it.
    pub recorded_by: Id,
    /// Unix seconds.
    pub at: i64,
}

/// A publicity round.
#[derive(Debug, Clone, PartialEq, Default, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct Publicity {
    /// 标题, e.g. 2026年岗位廉政风险点公示
    pub title: String,
    /// First day, `YYYY-MM-DD`.
    pub start: String,
    /// Last day, `YYYY-MM-DD`, at least seven days after `start`.
    pub end: String,
    /// The points shown, each with the hash of exactly what was shown.
    pub risks: BTreeMap<Id, String>,
    /// Opinions, keyed by a fresh id so concurrent recordings merge.
    pub opinions: BTreeMap<Id, Opinion>,
    /// Set when the round is closed: its points are then publicised.
    pub closed: Option<Archived>,
    /// Set when archived.
    pub archived: Option<Archived>,
}
entity!(Publicity, EntityKind::Publicity, publicity, |p| p.title.clone());
