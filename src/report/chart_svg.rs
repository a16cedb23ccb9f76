//! A flowchart as SVG: one drawing for the page, the printed wall sheet and the exported
//! `.svg` and `.png` files. Colours are attributes, not styles, so the file stands alone.

use std::fmt::Write as _;

use crate::model::{NodeKind, RiskLevel};
use crate::rules::{ChartLayout, FONT, LABEL_FONT, LINE, MARGIN, MARK, NodeBox, text_width};

/// The colour of a risk mark of `level`: 一级 red, 二级 orange, 三级 yellow.
pub fn level_colour(level: RiskLevel) -> &'static str {
    match level {
        RiskLevel::One => "#d62728",
        RiskLevel::Two => "#f28e2b",
        RiskLevel::Three => "#f2c94c",
    }
}

/// The words the drawing needs in the reader's language.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChartWords {
    /// 流程图名称, read out by screen readers.
    pub title: String,
    /// The legend's heading (风险等级).
    pub legend: String,
    /// The names of the three levels, 一级 first.
    pub levels: [String; 3],
    /// The name of each marked risk point, by id, shown as the mark's tooltip.
    pub risk_names: Vec<(String, String)>,
}

/// Where the drawing is shown: on the page nodes can be focused and one can be selected.
#[derive(Debug, Clone, Copy, Default)]
pub struct ChartView<'a> {
    /// Nodes are focusable buttons (the page), not plain shapes (files, paper).
    pub interactive: bool,
    /// The selected node, ringed.
    pub selected: Option<&'a str>,
}

const INK: &str = "#1f2933";
const LEGEND: f64 = 36.0;

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// `layout` as an SVG document, its legend under the drawing.
pub fn chart_svg(layout: &ChartLayout, words: &ChartWords, view: ChartView) -> String {
    let width = layout.width.max(legend_width(words) + 2.0 * MARGIN);
    let height = layout.height + LEGEND;
    let mut svg = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0} {height:.0}" width="{width:.0}" height="{height:.0}" font-family="'Noto Sans CJK SC','Microsoft YaHei','PingFang SC',sans-serif" font-size="{FONT}" role="group" aria-label="{title}"><title>{title}</title><defs><marker id="qf-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="{INK}"/></marker></defs><rect width="100%" height="100%" fill="#fff"/>"##,
        title = escape(&words.title),
    );
    for edge in &layout.edges {
        let points: Vec<String> = edge.points.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect();
        let _ = write!(
            svg,
            r#"<g data-edge="{id}"><polyline points="{points}" fill="none" stroke="{INK}" stroke-width="1.5" marker-end="url(#qf-arrow)"/>"#,
            id = escape(&edge.id),
            points = points.join(" "),
        );
        if !edge.label.is_empty() {
            let (x, y) = edge.label_at;
            let _ = write!(
                svg,
                r##"<text x="{x:.1}" y="{y:.1}" font-size="{LABEL_FONT}" fill="{INK}" stroke="#fff" stroke-width="3" paint-order="stroke">{}</text>"##,
                escape(&edge.label)
            );
        }
        svg += "</g>";
    }
    for node in &layout.nodes {
        node_svg(&mut svg, node, words, view);
    }
    legend(&mut svg, words, layout.height);
    svg += "</svg>";
    svg
}

fn node_svg(svg: &mut String, node: &NodeBox, words: &ChartWords, view: ChartView) {
    let (w, h) = (node.w, node.h);
    let label = escape(&node.lines.concat());
    let focus =
        if view.interactive { format!(r#" tabindex="0" role="button" aria-label="{label}""#) } else { String::new() };
    let _ = write!(
        svg,
        r#"<g data-node="{id}" transform="translate({x:.1},{y:.1})"{focus}>"#,
        id = escape(&node.id),
        x = node.x,
        y = node.y
    );
    let stroke = node.marks.first().map_or(INK, |(_, level)| level_colour(*level));
    let weight = if node.marks.is_empty() { 1.5 } else { 2.5 };
    let shape = match node.kind {
        NodeKind::Decision => format!(
            r#"<polygon points="{:.1},0 {w:.1},{:.1} {:.1},{h:.1} 0,{:.1}""#,
            w / 2.0,
            h / 2.0,
            w / 2.0,
            h / 2.0
        ),
        NodeKind::Start | NodeKind::End => format!(r#"<rect width="{w:.1}" height="{h:.1}" rx="{:.1}""#, h / 2.0),
        NodeKind::Step => format!(r#"<rect width="{w:.1}" height="{h:.1}" rx="3""#),
    };
    let fill = if matches!(node.kind, NodeKind::Start | NodeKind::End) { "#eef2f7" } else { "#fff" };
    let _ = write!(svg, r#"{shape} fill="{fill}" stroke="{stroke}" stroke-width="{weight}"/>"#);
    if view.selected == Some(node.id.as_str()) {
        let _ = write!(
            svg,
            r##"<rect class="qf-selected" x="-5" y="-5" width="{:.1}" height="{:.1}" rx="6" fill="none" stroke="#1d4ed8" stroke-width="2" stroke-dasharray="5 3"/>"##,
            w + 10.0,
            h + 10.0
        );
    }
    let top = h / 2.0 - node.lines.len() as f64 * LINE / 2.0 + LINE * 0.72;
    let _ = write!(svg, r#"<text text-anchor="middle" fill="{INK}">"#);
    for (i, line) in node.lines.iter().enumerate() {
        let _ = write!(svg, r#"<tspan x="{:.1}" y="{:.1}">{}</tspan>"#, w / 2.0, top + i as f64 * LINE, escape(line));
    }
    svg.push_str("</text>");
    for (i, (risk, level)) in node.marks.iter().enumerate() {
        let x = w + 2.0 + i as f64 * (MARK + 2.0);
        let name = words.risk_names.iter().find(|(id, _)| id == risk).map(|(_, n)| n.as_str()).unwrap_or_default();
        let _ = write!(
            svg,
            r#"<g data-risk="{id}" transform="translate({x:.1},0)"><title>{name}</title><polygon points="{half:.1},0 {MARK:.1},{MARK:.1} 0,{MARK:.1}" fill="{colour}" stroke="{INK}" stroke-width="1"/><text x="{half:.1}" y="{tip:.1}" text-anchor="middle" font-size="12" font-weight="bold" fill="{INK}">!</text></g>"#,
            id = escape(risk),
            name = escape(name),
            half = MARK / 2.0,
            colour = level_colour(*level),
            tip = MARK - 3.0,
        );
    }
    svg.push_str("</g>");
}

/// The width of the legend's words at the legend's size.
fn small(text: &str) -> f64 {
    text_width(text) * LABEL_FONT / FONT
}

fn legend_width(words: &ChartWords) -> f64 {
    small(&words.legend) + 12.0 + words.levels.iter().map(|name| MARK + 12.0 + small(name)).sum::<f64>()
}

fn legend(svg: &mut String, words: &ChartWords, top: f64) {
    let y = top + 8.0;
    let _ = write!(
        svg,
        r#"<g data-legend=""><text x="{MARGIN:.1}" y="{:.1}" font-size="12" fill="{INK}">{}</text>"#,
        y + 13.0,
        escape(&words.legend)
    );
    let mut x = MARGIN + small(&words.legend) + 12.0;
    for (level, name) in RiskLevel::ALL.into_iter().zip(&words.levels) {
        let _ = write!(
            svg,
            r#"<polygon points="{:.1},{y:.1} {:.1},{:.1} {x:.1},{:.1}" fill="{}" stroke="{INK}"/><text x="{:.1}" y="{:.1}" font-size="12" fill="{INK}">{}</text>"#,
            x + MARK / 2.0,
            x + MARK,
            y + MARK,
            y + MARK,
            level_colour(level),
            x + MARK + 4.0,
            y + 13.0,
            escape(name),
        );
        x += MARK + 12.0 + small(name);
    }
    svg.push_str("</g>");
}
