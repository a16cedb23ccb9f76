//! Forms of the power-operation flowcharts (权力运行流程图): the chart itself, and the edits of
//! its nodes, arrows and risk marks, each checked against the chart before it is written.

use super::{Check, Form, Invalid, LINE_MAX, NAME_MAX, Reason, TEXT_MAX};
use crate::model::{
    Archived, ChartEdge, ChartNode, Department, Flowchart, Id, NodeKind, Place, Register, RiskPoint, new_id,
};

/// The longest words in a node's box.
const LABEL_MAX: usize = 60;
/// How far a node may be put from the chart's origin, in chart units.
const PLACE_MAX: i32 = 20_000;

/// A chart's title, department and notes. Its nodes and arrows change by [`ChartEdit`].
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FlowchartForm {
    /// 流程图名称 (required, unique among active charts)
    pub title: String,
    /// 责任部门 (optional department id)
    pub department: String,
    /// 说明
    pub notes: String,
}

impl Form for FlowchartForm {
    type Target = Flowchart;

    fn from_target(c: &Flowchart) -> Self {
        Self {
            title: c.title.clone(),
            department: c.department.clone().unwrap_or_default(),
            notes: c.notes.as_str().to_string(),
        }
    }

    fn apply(&self, chart: &mut Flowchart, register: &Register) -> Result<(), Vec<Invalid>> {
        let mut c = Check::default();
        let title = c.text("title", &self.title, true, NAME_MAX);
        c.unique_name("title", &title, register, chart);
        let department = c.reference::<Department>("department", &self.department, chart.department.as_ref(), register);
        let notes = c.text("notes", &self.notes, false, TEXT_MAX);
        c.finish()?;
        chart.title = title;
        chart.department = department;
        chart.notes.update(notes);
        Ok(())
    }
}

/// The words of one node: what it is, its label, 办事依据 and 办事时限.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct NodeForm {
    /// [`NodeKind`] code (required).
    pub kind: String,
    /// 环节名称 (required)
    pub label: String,
    /// 办事依据
    pub basis: String,
    /// 办事时限
    pub time_limit: String,
}

impl NodeForm {
    /// The form filled in from a node.
    pub fn from_node(n: &ChartNode) -> Self {
        Self {
            kind: n.kind.code().to_string(),
            label: n.label.clone(),
            basis: n.basis.clone(),
            time_limit: n.time_limit.clone(),
        }
    }

    fn write(&self, node: &mut ChartNode) -> Result<(), Vec<Invalid>> {
        let mut c = Check::default();
        let kind = c.choice("kind", &self.kind, NodeKind::from_code);
        if kind.is_none() && self.kind.trim().is_empty() {
            c.refuse("kind", Reason::Required);
        }
        let label = c.text("label", &self.label, true, LABEL_MAX);
        let basis = c.text("basis", &self.basis, false, LINE_MAX);
        let time_limit = c.text("time_limit", &self.time_limit, false, NAME_MAX);
        c.finish()?;
        node.kind = kind.unwrap_or_default();
        node.label = label;
        node.basis = basis;
        node.time_limit = time_limit;
        Ok(())
    }
}

/// One change to a chart's drawing.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum ChartEdit {
    /// Adds a node; with `after`, also an arrow from that node to the new one.
    AddNode {
        /// Its words.
        form: NodeForm,
        /// The node the new one follows.
        after: Option<Id>,
    },
    /// Changes a node's words.
    UpdateNode {
        /// The node.
        node: Id,
        /// The words the form was opened from: only what the member changed is written, a text
        /// both changed as the member's own edit (`rules::form_merge`). None writes all of them.
        base: Option<NodeForm>,
        /// Its words.
        form: NodeForm,
    },
    /// Puts a node where a person placed it, or back under the automatic layout (`None`).
    MoveNode {
        /// The node.
        node: Id,
        /// Where, in chart units.
        place: Option<(i32, i32)>,
    },
    /// Puts every node back under the automatic layout.
    AutoLayout,
    /// Takes a node and its arrows out of the chart (they stay in its history).
    ArchiveNode {
        /// The node.
        node: Id,
    },
    /// Draws an arrow.
    Connect {
        /// From this node.
        from: Id,
        /// To this node.
        to: Id,
        /// 条件 on the arrow ("" for none).
        label: String,
    },
    /// Changes the words on an arrow.
    LabelEdge {
        /// The arrow.
        edge: Id,
        /// The words ("" for none).
        label: String,
    },
    /// Takes an arrow out of the chart.
    ArchiveEdge {
        /// The arrow.
        edge: Id,
    },
    /// Puts (`on`) or takes off a risk mark of a risk point on a node.
    Mark {
        /// The node.
        node: Id,
        /// The risk point.
        risk: Id,
        /// Whether the mark is there afterwards.
        on: bool,
    },
}

fn refused(field: &'static str, reason: Reason) -> Vec<Invalid> {
    vec![Invalid { field, reason }]
}

fn live_node<'a>(chart: &'a mut Flowchart, id: &str, field: &'static str) -> Result<&'a mut ChartNode, Vec<Invalid>> {
    match chart.nodes.get_mut(id) {
        None => Err(refused(field, Reason::Unknown)),
        Some(n) if !n.is_active() => Err(refused(field, Reason::Archived)),
        Some(n) => Ok(n),
    }
}

impl ChartEdit {
    /// Makes the edit on `chart` by `by` at `at`, or says what is wrong and leaves the chart as
    /// it was. Returns the id of a node or arrow it made.
    pub fn apply(
        &self,
        chart: &mut Flowchart,
        register: &Register,
        by: &str,
        at: i64,
    ) -> Result<Option<Id>, Vec<Invalid>> {
        let archived = || Some(Archived { by: by.to_string(), at });
        match self {
            ChartEdit::AddNode { form, after } => {
                let mut node =
                    ChartNode { seq: chart.nodes.values().map(|n| n.seq + 1).max().unwrap_or(0), ..Default::default() };
                form.write(&mut node)?;
                if let Some(after) = after {
                    live_node(chart, after, "after")?;
                    check_arrow(chart, after, None, node.kind)?;
                }
                let id = new_id();
                chart.nodes.insert(id.clone(), node);
                if let Some(after) = after {
                    let edge = ChartEdge { from: after.clone(), to: id.clone(), ..Default::default() };
                    chart.edges.insert(new_id(), edge);
                }
                Ok(Some(id))
            }
            ChartEdit::UpdateNode { node, base, form } => {
                let mut edited = live_node(chart, node, "node")?.clone();
                let current = || NodeForm::from_node(&edited);
                let form = crate::rules::form_merge::resolve(base.as_ref(), current, form, |field| field != "kind");
                form.write(&mut edited)?;
                let (ins, outs) = arrows_at(chart, node);
                if (edited.kind == NodeKind::Start && ins > 0) || (edited.kind == NodeKind::End && outs > 0) {
                    return Err(refused("kind", Reason::ArrowEnds));
                }
                chart.nodes.insert(node.clone(), edited);
                Ok(None)
            }
            ChartEdit::MoveNode { node, place } => {
                let place = match place {
                    None => String::new(),
                    Some((x, y)) if [x, y].iter().all(|v| (-PLACE_MAX..=PLACE_MAX).contains(*v)) => {
                        Place { x: *x, y: *y }.code()
                    }
                    Some(_) => return Err(refused("place", Reason::Range { min: 0, max: PLACE_MAX as u32 })),
                };
                live_node(chart, node, "node")?.place = place;
                Ok(None)
            }
            ChartEdit::AutoLayout => {
                chart.nodes.values_mut().for_each(|n| n.place.clear());
                Ok(None)
            }
            ChartEdit::ArchiveNode { node } => {
                live_node(chart, node, "node")?.archived = archived();
                Ok(None)
            }
            ChartEdit::Connect { from, to, label } => {
                let mut c = Check::default();
                let label = c.text("label", label, false, NAME_MAX);
                c.finish()?;
                live_node(chart, from, "from")?;
                let to_kind = live_node(chart, to, "to")?.kind;
                if from == to {
                    return Err(refused("to", Reason::ArrowEnds));
                }
                check_arrow(chart, from, Some(to), to_kind)?;
                let id = new_id();
                chart.edges.insert(id.clone(), ChartEdge { from: from.clone(), to: to.clone(), label, archived: None });
                Ok(Some(id))
            }
            ChartEdit::LabelEdge { edge, label } => {
                let mut c = Check::default();
                let label = c.text("label", label, false, NAME_MAX);
                c.finish()?;
                live_edge(chart, edge)?.label = label;
                Ok(None)
            }
            ChartEdit::ArchiveEdge { edge } => {
                live_edge(chart, edge)?.archived = archived();
                Ok(None)
            }
            ChartEdit::Mark { node, risk, on } => {
                let held = chart.nodes.get(node).is_some_and(|n| n.marks.contains_key(risk));
                if *on && !held {
                    let mut c = Check::default();
                    c.required_reference::<RiskPoint>("risk", risk, None, register);
                    c.finish()?;
                }
                let marks = &mut live_node(chart, node, "node")?.marks;
                if *on {
                    marks.insert(risk.clone(), true);
                } else {
                    marks.remove(risk);
                }
                Ok(None)
            }
        }
    }
}

fn live_edge<'a>(chart: &'a mut Flowchart, id: &str) -> Result<&'a mut ChartEdge, Vec<Invalid>> {
    match chart.edges.get_mut(id) {
        None => Err(refused("edge", Reason::Unknown)),
        Some(e) if e.archived.is_some() => Err(refused("edge", Reason::Archived)),
        Some(e) => Ok(e),
    }
}

/// How many active arrows enter and leave node `id`.
fn arrows_at(chart: &Flowchart, id: &str) -> (usize, usize) {
    let edges = chart.active_edges();
    (edges.iter().filter(|(_, e)| e.to == id).count(), edges.iter().filter(|(_, e)| e.from == id).count())
}

/// An arrow from `from` to `to` (`None`: a node being made) of kind `to_kind`: nothing leaves
/// the end, nothing enters the start, and two arrows do not join the same two nodes.
fn check_arrow(chart: &Flowchart, from: &str, to: Option<&Id>, to_kind: NodeKind) -> Result<(), Vec<Invalid>> {
    if chart.nodes.get(from).is_some_and(|n| n.kind == NodeKind::End) {
        return Err(refused("from", Reason::ArrowEnds));
    }
    if to_kind == NodeKind::Start {
        return Err(refused("to", Reason::ArrowEnds));
    }
    if let Some(to) = to
        && chart.active_edges().iter().any(|(_, e)| e.from == from && &e.to == to)
    {
        return Err(refused("to", Reason::ArrowTwice));
    }
    Ok(())
}
