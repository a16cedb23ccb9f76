//! 权力运行流程图: how a power runs, step by step, with its risky steps marked.
//!
//! A chart's nodes and arrows sit in maps keyed by fresh ids, so two members who add steps to
//! one chart on two copies both keep theirs. A node's hand-placed position is one field
//! (`place`), so a node moved by two members at once is one conflict, like any other field.

use std::collections::BTreeMap;

use autosurgeon::{Hydrate, Reconcile, Text};
use serde::{Deserialize, Serialize};

use super::entity::entity;
use super::{Archived, EntityKind, Id};

/// What a node of a chart is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Hydrate, Reconcile, Serialize, Deserialize,
)]
pub enum NodeKind {
    /// 开始
    Start,
    /// 办事环节
    #[default]
    Step,
    /// 判断
    Decision,
    /// 结束
    End,
}
coded!(NodeKind, "node_kind", [Start => "start", Step => "step", Decision => "decision", End => "end"]);

/// A point of a chart, in chart units (CSS pixels at 100 %).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    /// From the left.
    pub x: i32,
    /// From the top.
    pub y: i32,
}

impl Place {
    /// The place as stored (`"x,y"`).
    pub fn code(self) -> String {
        format!("{},{}", self.x, self.y)
    }

    /// The place stored as `"x,y"`; `None` for "" (automatic) or anything else.
    pub fn parse(code: &str) -> Option<Place> {
        let (x, y) = code.split_once(',')?;
        Some(Place { x: x.trim().parse().ok()?, y: y.trim().parse().ok()? })
    }
}

/// One node of a chart: a step, a decision, the start or the end.
#[derive(Debug, Clone, PartialEq, Default, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct ChartNode {
    /// What it is.
    pub kind: NodeKind,
    /// 环节名称 (the words in the box).
    pub label: String,
    /// 办事依据: the rule the step rests on.
    pub basis: String,
    /// 办事时限
    pub time_limit: String,
    /// Where a person put it by hand (`"x,y"`), "" where the automatic layout places it.
    pub place: String,
    /// The order nodes were added in, which the layout keeps among equals.
    pub seq: u32,
    /// 风险警示标识: the risk points marked on this step, as a set of ids.
    pub marks: BTreeMap<Id, bool>,
    /// Set when archived.
    pub archived: Option<Archived>,
}

impl ChartNode {
    /// Whether the node is in the chart (not archived).
    pub fn is_active(&self) -> bool {
        self.archived.is_none()
    }
}

/// An arrow from one node to another, with an optional label (是, 否, 超过5万元).
#[derive(Debug, Clone, PartialEq, Default, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct ChartEdge {
    /// The node it leaves.
    pub from: Id,
    /// The node it enters.
    pub to: Id,
    /// 条件: words on the arrow.
    pub label: String,
    /// Set when archived.
    pub archived: Option<Archived>,
}

/// 权力运行流程图: one chart of how a power runs.
#[derive(Debug, Clone, PartialEq, Default, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct Flowchart {
    /// 流程图名称, e.g. “三重一大”事项决策流程图
    pub title: String,
    /// 责任部门 (optional department id).
    pub department: Option<Id>,
    /// 说明
    #[serde(with = "super::text_serde")]
    pub notes: Text,
    /// Its nodes.
    pub nodes: BTreeMap<Id, ChartNode>,
    /// Its arrows.
    pub edges: BTreeMap<Id, ChartEdge>,
    /// Set when archived.
    pub archived: Option<Archived>,
}
entity!(Flowchart, EntityKind::Flowchart, flowcharts, |c| c.title.clone());

impl Flowchart {
    /// The nodes in the chart, in the order they were added.
    pub fn active_nodes(&self) -> Vec<(&Id, &ChartNode)> {
        let mut nodes: Vec<_> = self.nodes.iter().filter(|(_, n)| n.is_active()).collect();
        nodes.sort_by(|a, b| (a.1.seq, a.0).cmp(&(b.1.seq, b.0)));
        nodes
    }

    /// The arrows in the chart whose both ends are in it.
    pub fn active_edges(&self) -> Vec<(&Id, &ChartEdge)> {
        let live = |id: &Id| self.nodes.get(id).is_some_and(ChartNode::is_active);
        self.edges.iter().filter(|(_, e)| e.archived.is_none() && live(&e.from) && live(&e.to)).collect()
    }

    /// Whether a node in the chart carries a mark of risk point `risk`.
    pub fn marks_risk(&self, risk: &str) -> bool {
        self.nodes.values().any(|n| n.is_active() && n.marks.contains_key(risk))
    }
}
