//! Power-operation flowcharts (权力运行流程图): the words fitted into boxes, the layered layout,
//! the arrows' routes, the template charts and the links between charts and risk points.

use std::collections::{BTreeMap, HashMap};

use crate::model::{ChartEdge, ChartNode, Flowchart, Id, NodeKind, Place, Register, RiskLevel, TemplateChart, new_id};

/// A point of the drawing, in chart units.
type Point = (f64, f64);

/// The font size the chart draws its words at, in chart units.
pub const FONT: f64 = 14.0;
/// The font size of the words on arrows.
pub const LABEL_FONT: f64 = 12.0;
/// The height of a line of words.
pub const LINE: f64 = 20.0;
/// The widest line in a step's box before the words wrap.
const STEP_TEXT: f64 = 168.0;
/// The widest line in a decision's diamond before the words wrap.
const DECISION_TEXT: f64 = 100.0;
/// Room between the words and a box's edge.
const PAD: f64 = 12.0;
/// The side of a risk mark, drawn to the right of its node.
pub const MARK: f64 = 18.0;
/// Room between ranks, and between nodes of a rank.
const RANK_GAP: f64 = 56.0;
const NODE_GAP: f64 = 48.0;
/// The margin around the drawing.
pub const MARGIN: f64 = 24.0;

/// The width of `c` at [`FONT`]: full width for Chinese and full-width punctuation, about
/// six tenths of it for Latin letters, digits and their punctuation.
fn char_width(c: char) -> f64 {
    match c {
        ' ' => FONT * 0.3,
        'i' | 'l' | 'j' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' => FONT * 0.3,
        'M' | 'W' | 'm' | 'w' | '@' | '%' => FONT * 0.9,
        c if c.is_ascii() => FONT * 0.62,
        _ => FONT,
    }
}

/// The width of a line of words at [`FONT`].
pub fn text_width(line: &str) -> f64 {
    line.chars().map(char_width).sum()
}

/// Punctuation that must not start a line (避头点).
fn closes(c: char) -> bool {
    "，。、；：？！）》」』”’,.;:?!)%".contains(c)
}

/// `text` broken into lines no wider than `max`, as even as the fewest lines allow: between
/// any two Chinese characters, at spaces between Latin words, never before closing punctuation.
pub fn wrap(text: &str, max: f64) -> Vec<String> {
    let greedy = wrap_at(text, max);
    if greedy.len() < 2 || text.lines().count() > 1 {
        return greedy;
    }
    // The narrowest width that still gives as few lines: no lone character on the last line.
    let mut width = text_width(text.trim()) / greedy.len() as f64;
    while width < max {
        let even = wrap_at(text, width);
        if even.len() == greedy.len() {
            return even;
        }
        width += FONT / 2.0;
    }
    greedy
}

fn wrap_at(text: &str, max: f64) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.lines() {
        let mut line = String::new();
        for c in paragraph.trim().chars() {
            if !line.is_empty() && text_width(&line) + char_width(c) > max && !closes(c) {
                let cut = latin_break(&line, c);
                let rest = line.split_off(cut);
                lines.push(line.trim_end().to_string());
                line = rest.trim_start().to_string();
            }
            line.push(c);
        }
        if !line.is_empty() {
            lines.push(line);
        }
    }
    if lines.is_empty() {
        lines.push(String::new());
    }
    lines
}

/// Where to cut `line` before `next`: at its last space when the cut would split a Latin word
/// (and a space is there), else at its end.
fn latin_break(line: &str, next: char) -> usize {
    let in_word = next.is_ascii_alphanumeric() && line.chars().last().is_some_and(|c| c.is_ascii_alphanumeric());
    match line.rfind(' ') {
        Some(space) if in_word && space > 0 => space + 1,
        _ => line.len(),
    }
}

/// A node as drawn: its box (top-left corner and size), its words and its marks.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeBox {
    /// The node's id.
    pub id: Id,
    /// What it is.
    pub kind: NodeKind,
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width of the box (the marks sit to its right, outside it).
    pub w: f64,
    /// Height of the box.
    pub h: f64,
    /// The words, one line each.
    pub lines: Vec<String>,
    /// The risk points marked on it that are in the register, with their levels, highest first.
    pub marks: Vec<(Id, RiskLevel)>,
    /// Whether a person placed it by hand.
    pub placed: bool,
}

impl NodeBox {
    /// The centre of the box.
    pub fn centre(&self) -> (f64, f64) {
        (self.x + self.w / 2.0, self.y + self.h / 2.0)
    }

    /// The width of its marks, drawn to the right of the box.
    fn strip(&self) -> f64 {
        self.marks.len() as f64 * (MARK + 2.0)
    }

    /// The width the layout keeps for it: the box in the middle, room for its marks each side,
    /// so that arrows between boxes one above the other run straight.
    fn room(&self) -> f64 {
        self.w + 2.0 * self.strip()
    }
}

/// An arrow as drawn: its route, and where its words go.
#[derive(Debug, Clone, PartialEq)]
pub struct EdgePath {
    /// The arrow's id.
    pub id: Id,
    /// The node it leaves.
    pub from: Id,
    /// The node it enters.
    pub to: Id,
    /// The route, from the source's edge to the target's edge (the arrowhead's tip last).
    pub points: Vec<(f64, f64)>,
    /// 条件
    pub label: String,
    /// Where the words' start goes.
    pub label_at: (f64, f64),
}

/// A chart laid out: every node's box and every arrow's route, and the drawing's size.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ChartLayout {
    /// The nodes, in the order they were added.
    pub nodes: Vec<NodeBox>,
    /// The arrows.
    pub edges: Vec<EdgePath>,
    /// The drawing's width.
    pub width: f64,
    /// The drawing's height.
    pub height: f64,
}

/// The box of `node`, sized to its words and with its marks, before it is placed.
fn sized(id: &Id, node: &ChartNode, register: &Register) -> NodeBox {
    let (lines, w, h) = match node.kind {
        NodeKind::Decision => {
            let lines = wrap(&node.label, DECISION_TEXT);
            let (tw, th) = text_extent(&lines);
            // A diamond twice the words' size holds them: w/2a + h/2b = 1 at its edge.
            (lines, (2.0 * tw + PAD * 2.0).max(120.0), (2.0 * th + PAD).max(64.0))
        }
        _ => {
            let lines = wrap(&node.label, STEP_TEXT);
            let (tw, th) = text_extent(&lines);
            (lines, (tw + PAD * 2.0).max(96.0), th + PAD * 1.5)
        }
    };
    let mut marks: Vec<(Id, RiskLevel)> = node
        .marks
        .keys()
        .filter_map(|risk| register.risks.get(risk).filter(|r| r.archived.is_none()).map(|r| (risk.clone(), r.level)))
        .collect();
    marks.sort_by_key(|(id, level)| (*level, id.clone()));
    NodeBox { id: id.clone(), kind: node.kind, x: 0.0, y: 0.0, w, h, lines, marks, placed: false }
}

fn text_extent(lines: &[String]) -> (f64, f64) {
    let width = lines.iter().map(|l| text_width(l)).fold(0.0, f64::max);
    (width, lines.len() as f64 * LINE)
}

/// The chart laid out top to bottom in layers: the automatic layout for nodes no one placed,
/// the stored place for the others, and orthogonal routes for the arrows.
pub fn layout(chart: &Flowchart, register: &Register) -> ChartLayout {
    let nodes = chart.active_nodes();
    let mut boxes: Vec<NodeBox> = nodes.iter().map(|(id, n)| sized(id, n, register)).collect();
    let edges = chart.active_edges();
    let index: HashMap<&str, usize> = boxes.iter().enumerate().map(|(i, b)| (b.id.as_str(), i)).collect();
    let pairs: Vec<(usize, usize)> =
        edges.iter().map(|(_, e)| (index[e.from.as_str()], index[e.to.as_str()])).collect();
    let sizes: Vec<(f64, f64)> = boxes.iter().map(|b| (b.room(), b.h)).collect();
    let (corners, mut bends) = layered(&sizes, &pairs);
    for (b, (x, y)) in boxes.iter_mut().zip(corners) {
        (b.x, b.y) = (x + b.strip(), y);
    }
    // Shift the automatic layout so that it starts at the margin; hand-placed nodes stay put.
    let left = boxes.iter().map(|b| b.x - b.strip()).fold(f64::INFINITY, f64::min);
    let top = boxes.iter().map(|b| b.y).fold(f64::INFINITY, f64::min);
    let (dx, dy) = if left.is_finite() { (MARGIN - left, MARGIN - top) } else { (0.0, 0.0) };
    for b in &mut boxes {
        (b.x, b.y) = (b.x + dx, b.y + dy);
    }
    bends.iter_mut().flatten().for_each(|p| *p = (p.0 + dx, p.1 + dy));
    for (b, (_, node)) in boxes.iter_mut().zip(&nodes) {
        if let Some(Place { x, y }) = Place::parse(&node.place) {
            (b.x, b.y, b.placed) = (f64::from(x), f64::from(y), true);
        }
    }
    let right = boxes.iter().map(|b| b.x + b.w + b.strip()).fold(0.0, f64::max);
    let mut lanes = 0;
    let routes: Vec<EdgePath> = edges
        .iter()
        .zip(&pairs)
        .zip(bends)
        .map(|(((id, e), &(from, to)), bends)| {
            let (a, b) = (&boxes[from], &boxes[to]);
            let points =
                if a.placed || b.placed { square_route(a, b, right, &mut lanes) } else { direct_route(a, b, bends) };
            let label_at = label_place(points[0], points[1], &e.label);
            EdgePath {
                id: (*id).clone(),
                from: e.from.clone(),
                to: e.to.clone(),
                points,
                label: e.label.clone(),
                label_at,
            }
        })
        .collect();
    let width = routes.iter().flat_map(|r| r.points.iter().map(|p| p.0)).fold(right, f64::max) + MARGIN;
    let height = boxes.iter().map(|b| b.y + b.h).fold(0.0, f64::max) + MARGIN;
    ChartLayout { nodes: boxes, edges: routes, width, height }
}

/// Where an arrow's words start: a third of the way along its first stretch, beside the line
/// on the side it turns away from (left of a line going left, right of any other).
fn label_place(p: Point, q: Point, label: &str) -> Point {
    let (x, y) = (p.0 + (q.0 - p.0) * 0.35, p.1 + (q.1 - p.1) * 0.35);
    if q.0 < p.0 - 1.0 { (x - 6.0 - text_width(label) * LABEL_FONT / FONT, y + 4.0) } else { (x + 6.0, y + 4.0) }
}

/// Where the line from the centre of `b` towards `p` leaves its shape (a diamond for a
/// decision, the box otherwise).
fn clip(b: &NodeBox, p: (f64, f64)) -> (f64, f64) {
    let (cx, cy) = b.centre();
    let (dx, dy) = (p.0 - cx, p.1 - cy);
    let (a, h) = (b.w / 2.0, b.h / 2.0);
    let t = match b.kind {
        NodeKind::Decision => 1.0 / (dx.abs() / a + dy.abs() / h),
        _ => (a / dx.abs()).min(h / dy.abs()),
    };
    if t.is_finite() && t < 1.0 { (cx + t * dx, cy + t * dy) } else { (cx, cy) }
}

/// The automatic layout's route: from shape to shape through the layout's bends.
fn direct_route(a: &NodeBox, b: &NodeBox, bends: Vec<(f64, f64)>) -> Vec<(f64, f64)> {
    let first = bends.first().copied().unwrap_or_else(|| b.centre());
    let last = bends.last().copied().unwrap_or_else(|| a.centre());
    let mut points = vec![clip(a, first)];
    points.extend(bends);
    points.push(clip(b, last));
    points
}

/// The route of an arrow between nodes a person placed: down from the bottom when `b` lies
/// below, out of a decision's side when `b` lies to that side, and round the right of the
/// drawing (in a lane of its own) when it goes back up.
fn square_route(a: &NodeBox, b: &NodeBox, right: f64, lanes: &mut usize) -> Vec<(f64, f64)> {
    let (ax, ay) = a.centre();
    let (bx, by) = b.centre();
    if b.y >= a.y + a.h + 8.0 {
        if a.kind == NodeKind::Decision && (bx - ax).abs() > a.w / 2.0 {
            let sx = if bx > ax { a.x + a.w } else { a.x };
            vec![(sx, ay), (bx, ay), (bx, b.y)]
        } else if (bx - ax).abs() < 1.0 {
            vec![(ax, a.y + a.h), (bx, b.y)]
        } else {
            let mid = (a.y + a.h + b.y) / 2.0;
            vec![(ax, a.y + a.h), (ax, mid), (bx, mid), (bx, b.y)]
        }
    } else {
        *lanes += 1;
        let lane = right + 16.0 * *lanes as f64;
        vec![(a.x + a.w + a.strip(), ay), (lane, ay), (lane, by), (b.x + b.w + b.strip(), by)]
    }
}

/// Top-left corners for boxes of `sizes` (width, height) joined by `pairs` (from, to), in
/// layers from top to bottom (dagre's network-simplex ranking and crossing reduction), and
/// the bends of each arrow that skips a layer.
fn layered(sizes: &[(f64, f64)], pairs: &[(usize, usize)]) -> (Vec<Point>, Vec<Vec<Point>>) {
    use dagre::graph::{Graph, GraphOptions};
    use dagre::{EdgeLabel, LayoutOptions, NodeLabel};
    let mut graph: Graph<NodeLabel, EdgeLabel> =
        Graph::with_options(GraphOptions { directed: true, multigraph: true, compound: false });
    for (i, &(width, height)) in sizes.iter().enumerate() {
        graph.set_node(i.to_string(), Some(NodeLabel { width, height, ..Default::default() }));
    }
    for (n, &(from, to)) in pairs.iter().enumerate() {
        graph.set_edge(from.to_string(), to.to_string(), Some(EdgeLabel::default()), Some(&n.to_string()));
    }
    let options = LayoutOptions { nodesep: NODE_GAP, ranksep: RANK_GAP, ..Default::default() };
    dagre::layout(&mut graph, Some(options));
    let corners = sizes
        .iter()
        .enumerate()
        .map(|(i, &(w, h))| {
            let node = graph.node(&i.to_string());
            let (x, y) = node.map_or((0.0, 0.0), |n| (n.x.unwrap_or(0.0), n.y.unwrap_or(0.0)));
            (x - w / 2.0, y - h / 2.0)
        })
        .collect();
    let bends = pairs
        .iter()
        .enumerate()
        .map(|(n, &(from, to))| {
            let edge = graph.edge(&from.to_string(), &to.to_string(), Some(&n.to_string()));
            let points: Vec<(f64, f64)> =
                edge.map(|e| e.points.iter().map(|p| (p.x, p.y)).collect()).unwrap_or_default();
            // The first and last points touch the boxes: the route is drawn to the shapes.
            points.get(1..points.len().saturating_sub(1)).map(<[_]>::to_vec).unwrap_or_default()
        })
        .collect();
    (corners, bends)
}

/// The template's chart as a new chart of `register`: fresh ids, the department by name, and
/// each mark on the register's active risk point of that 职权事项.
pub fn chart_from_template(template: &TemplateChart, register: &Register) -> Flowchart {
    let department = register
        .departments
        .iter()
        .find(|(_, d)| d.archived.is_none() && d.name == template.department)
        .map(|(id, _)| id.clone());
    let risk_of = |item: &str| {
        register.risks.iter().find(|(_, r)| r.archived.is_none() && r.power_item == item).map(|(id, _)| id.clone())
    };
    let mut ids = BTreeMap::new();
    let mut chart = Flowchart { title: template.title.clone(), department, ..Flowchart::default() };
    for (seq, n) in template.nodes.iter().enumerate() {
        let id = new_id();
        ids.insert(n.key.as_str(), id.clone());
        let node = ChartNode {
            kind: NodeKind::from_code(&n.kind).unwrap_or_default(),
            label: n.label.clone(),
            basis: n.basis.clone(),
            time_limit: n.time_limit.clone(),
            seq: seq as u32,
            marks: n.risks.iter().filter_map(|item| risk_of(item)).map(|id| (id, true)).collect(),
            ..ChartNode::default()
        };
        chart.nodes.insert(id, node);
    }
    for e in &template.edges {
        if let (Some(from), Some(to)) = (ids.get(e.from.as_str()), ids.get(e.to.as_str())) {
            let edge = ChartEdge { from: from.clone(), to: to.clone(), label: e.label.clone(), archived: None };
            chart.edges.insert(new_id(), edge);
        }
    }
    chart
}

/// The active charts that mark risk point `risk`, by title, with the steps that carry it.
pub fn charts_of_risk<'a>(register: &'a Register, risk: &str) -> Vec<(&'a Id, &'a Flowchart, Vec<&'a str>)> {
    let mut found: Vec<_> = register
        .flowcharts
        .iter()
        .filter(|(_, c)| c.archived.is_none())
        .filter_map(|(id, c)| {
            let steps: Vec<&str> = c
                .active_nodes()
                .into_iter()
                .filter(|(_, n)| n.marks.contains_key(risk))
                .map(|(_, n)| n.label.as_str())
                .collect();
            (!steps.is_empty()).then_some((id, c, steps))
        })
        .collect();
    found.sort_by(|a, b| a.1.title.cmp(&b.1.title));
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_wrap_evenly_and_never_start_a_line_with_closing_punctuation() {
        assert_eq!(wrap("开始", 168.0), ["开始"]);
        // 15 characters in lines of at most 12: eight and seven, not twelve and three.
        assert_eq!(wrap("按设计图纸和技术标准施工隐蔽工", 168.0), ["按设计图纸和技术", "标准施工隐蔽工"]);
        for line in wrap("审核，审批，公示，备案，归档，执行，检查，", 100.0) {
            assert!(text_width(&line) <= 100.0 + FONT, "{line}");
            assert!(!line.starts_with('，'), "{line}");
        }
        assert_eq!(wrap("Review the tender documents", 120.0)[0], "Review the");
        assert_eq!(wrap("", 100.0), [""]);
    }
}
