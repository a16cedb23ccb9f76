//! Power-operation flowcharts (权力运行流程图) through the document: the templates' charts laid
//! out, a chart drawn step by step, risk marks linked both ways, and two copies merged.

use qingfeng::doc::{DocError, RegisterDoc, Stamp};
use qingfeng::model::{Date, EntityKind, Flowchart, NodeKind, Place, Template};
use qingfeng::report::{ChartView, ChartWords, chart_svg};
use qingfeng::rules::{
    ChartEdit, ChartLayout, FlowchartForm, Form, NodeForm, PersonForm, Reason, UnitForm, chart_from_template,
    charts_of_risk, layout, text_width,
};

fn today() -> Date {
    "2026-11-29".parse().unwrap()
}

fn stamp(who: &str, at: i64) -> Stamp {
    Stamp::new(who, 1_795_900_000 + at)
}

fn register_of(template: &Template) -> RegisterDoc {
    let unit = UnitForm { name: "高桥小学".into(), ..Default::default() };
    RegisterDoc::create(&unit, template, today(), &stamp("", 0)).unwrap()
}

fn step(label: &str) -> NodeForm {
    NodeForm { kind: "step".into(), label: label.into(), ..Default::default() }
}

fn refusal(result: Result<Option<String>, DocError>) -> Reason {
    match result {
        Err(DocError::Invalid(refused)) => refused[0].reason.clone(),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// What every drawing must be: boxes apart, arrows between boxes that exist, words inside.
fn assert_drawable(chart: &Flowchart, laid: &ChartLayout) {
    let active = chart.active_nodes().len();
    assert_eq!(laid.nodes.len(), active, "{}", chart.title);
    for (i, a) in laid.nodes.iter().enumerate() {
        for b in &laid.nodes[i + 1..] {
            // Where a person put a node is their choice; the layout keeps its own apart.
            let apart =
                a.placed || b.placed || a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y;
            assert!(apart, "{}: {:?} overlaps {:?}", chart.title, a.lines, b.lines);
        }
        let inner = match a.kind {
            // The words' box fits the diamond when its corner is inside: w/2a + h/2b <= 1.
            NodeKind::Decision => a.w / 2.0,
            _ => a.w - 16.0,
        };
        for line in &a.lines {
            assert!(text_width(line) <= inner, "{}: {line} is wider than its box", chart.title);
        }
        assert!(a.x >= 0.0 && a.y >= 0.0 && a.x + a.w <= laid.width && a.y + a.h <= laid.height);
    }
    for edge in &laid.edges {
        let ends = [&edge.from, &edge.to].map(|id| laid.nodes.iter().find(|n| &n.id == id));
        assert!(ends.iter().all(Option::is_some), "{}: an arrow to nowhere", chart.title);
        assert!(edge.points.len() >= 2);
    }
}

#[test]
fn every_template_chart_lays_out_in_ranks_that_follow_its_arrows() {
    for template in [Template::school(), Template::bureau()] {
        let doc = register_of(&template);
        let r = doc.register();
        assert_eq!(r.flowcharts.len(), template.charts.len());
        for chart in r.flowcharts.values() {
            let laid = layout(chart, r);
            assert_drawable(chart, &laid);
            // The templates have no loops: every arrow points down the page.
            for edge in &laid.edges {
                let y = |id: &String| laid.nodes.iter().find(|n| &n.id == id).unwrap().y;
                assert!(y(&edge.to) > y(&edge.from), "{}: an arrow goes up", chart.title);
            }
            // Laying out twice gives the same drawing: two browsers draw one chart alike.
            assert_eq!(layout(chart, r), laid);
            let svg = chart_svg(&laid, &ChartWords::default(), ChartView::default());
            assert_eq!(svg.matches("data-node=").count(), laid.nodes.len());
        }
    }
}

#[test]
fn the_templates_arrive_with_their_marks_on_the_draft_points() {
    let doc = register_of(&Template::school());
    let r = doc.register();
    let (_, major) = r.flowcharts.iter().find(|(_, c)| c.title == "“三重一大”事项决策流程图").unwrap();
    let labels: Vec<&str> = major.active_nodes().iter().map(|(_, n)| n.label.as_str()).collect();
    assert_eq!(labels[1..4], ["议题研究", "征求意见", "请示签报"]);
    assert_eq!(labels.len(), 10);
    let (works_id, works) = r.flowcharts.iter().find(|(_, c)| c.title == "基建维修工程流程图").unwrap();
    let decision = works.active_nodes().into_iter().find(|(_, n)| n.kind == NodeKind::Decision).unwrap();
    let branches: Vec<&str> =
        works.active_edges().iter().filter(|(_, e)| &e.from == decision.0).map(|(_, e)| e.label.as_str()).collect();
    assert_eq!(branches.len(), 2);
    assert!(branches.contains(&"是") && branches.contains(&"否"));
    // Both ways: the chart's step carries the point, and the point lists the chart.
    let (risk, _) = r.risks.iter().find(|(_, p)| p.power_item == "基建维修工程").unwrap();
    assert!(works.marks_risk(risk));
    let listed = charts_of_risk(r, risk);
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].0, works_id);
    assert!(listed[0].2.contains(&"校委会讨论通过"));
    // Every mark of every template names a risk point of the register.
    for chart in r.flowcharts.values() {
        for node in chart.nodes.values() {
            assert!(node.marks.keys().all(|m| r.risks.contains_key(m)), "{}", chart.title);
        }
    }
    assert!(r.flowcharts.values().all(|c| c.nodes.values().any(|n| !n.marks.is_empty())));
}

#[test]
fn a_chart_is_drawn_step_by_step_and_refuses_what_a_flowchart_cannot_be() {
    let mut doc = register_of(&Template::school());
    let wang = doc.add_member(&stamp("", 1), &PersonForm { name: "王家福".into(), ..Default::default() }).unwrap();
    let form = FlowchartForm { title: "教辅资料征订流程图".into(), ..Default::default() };
    let chart = doc.create_entity(&stamp(&wang, 2), &form).unwrap();
    assert!(matches!(doc.create_entity(&stamp(&wang, 3), &form), Err(DocError::Invalid(_))), "titles are unique");
    let edit = |doc: &mut RegisterDoc, at, edit: ChartEdit| doc.chart_edit(&stamp(&wang, at), &chart, &edit);
    let start = NodeForm { kind: "start".into(), label: "开始".into(), ..Default::default() };
    let start = edit(&mut doc, 4, ChartEdit::AddNode { form: start, after: None }).unwrap().unwrap();
    let ask = edit(&mut doc, 5, ChartEdit::AddNode { form: step("拟订征订目录"), after: Some(start.clone()) });
    let ask = ask.unwrap().unwrap();
    let decide = NodeForm { kind: "decision".into(), label: "校委会审定通过？".into(), ..Default::default() };
    let decide = edit(&mut doc, 6, ChartEdit::AddNode { form: decide, after: Some(ask.clone()) }).unwrap().unwrap();
    let publish = edit(&mut doc, 7, ChartEdit::AddNode { form: step("向家长公示，自愿征订"), after: None });
    let publish = publish.unwrap().unwrap();
    let yes = ChartEdit::Connect { from: decide.clone(), to: publish.clone(), label: "是".into() };
    edit(&mut doc, 8, yes.clone()).unwrap();
    edit(&mut doc, 9, ChartEdit::Connect { from: decide.clone(), to: ask.clone(), label: "否".into() }).unwrap();
    let c = &doc.register().flowcharts[&chart];
    assert_eq!((c.active_nodes().len(), c.active_edges().len()), (4, 4));
    // A loop back is allowed and drawn; the drawing holds.
    assert_drawable(c, &layout(c, doc.register()));

    // Refused, with nothing written: a second arrow between the same two, an arrow into the
    // start or to itself, a label too long, a mark of a point that does not exist.
    let before = doc.register().flowcharts[&chart].clone();
    assert_eq!(refusal(edit(&mut doc, 10, yes)), Reason::ArrowTwice);
    let into_start = ChartEdit::Connect { from: publish.clone(), to: start.clone(), label: String::new() };
    assert_eq!(refusal(edit(&mut doc, 11, into_start)), Reason::ArrowEnds);
    let to_itself = ChartEdit::Connect { from: ask.clone(), to: ask.clone(), label: String::new() };
    assert_eq!(refusal(edit(&mut doc, 12, to_itself)), Reason::ArrowEnds);
    let long = NodeForm { label: "很".repeat(61), ..step("") };
    assert!(matches!(
        refusal(edit(&mut doc, 13, ChartEdit::UpdateNode { node: ask.clone(), base: None, form: long })),
        Reason::TooLong { .. }
    ));
    let ghost = ChartEdit::Mark { node: ask.clone(), risk: "no-such-point".into(), on: true };
    assert_eq!(refusal(edit(&mut doc, 14, ghost)), Reason::Unknown);
    assert_eq!(doc.register().flowcharts[&chart], before);

    // A risk mark links the step and the point both ways, and comes off again.
    let risk = doc.register().risks.iter().find(|(_, p)| p.power_item == "书报订购").unwrap().0.clone();
    edit(&mut doc, 15, ChartEdit::Mark { node: ask.clone(), risk: risk.clone(), on: true }).unwrap();
    assert_eq!(charts_of_risk(doc.register(), &risk)[0].2, ["拟订征订目录"]);
    let laid = layout(&doc.register().flowcharts[&chart], doc.register());
    assert_eq!(laid.nodes.iter().find(|n| n.id == ask).unwrap().marks.len(), 1);
    edit(&mut doc, 16, ChartEdit::Mark { node: ask.clone(), risk: risk.clone(), on: false }).unwrap();
    assert!(charts_of_risk(doc.register(), &risk).is_empty());

    // Moved by hand, the step stays where it was put; automatic layout takes it back.
    edit(&mut doc, 17, ChartEdit::MoveNode { node: publish.clone(), place: Some((400, 60)) }).unwrap();
    let laid = layout(&doc.register().flowcharts[&chart], doc.register());
    let placed = laid.nodes.iter().find(|n| n.id == publish).unwrap();
    assert_eq!((placed.x, placed.y, placed.placed), (400.0, 60.0, true));
    edit(&mut doc, 18, ChartEdit::AutoLayout).unwrap();
    assert!(doc.register().flowcharts[&chart].nodes.values().all(|n| n.place.is_empty()));

    // Archiving a step takes its arrows out of the drawing; it stays in the chart's history.
    edit(&mut doc, 19, ChartEdit::ArchiveNode { node: decide.clone() }).unwrap();
    let c = &doc.register().flowcharts[&chart];
    assert_eq!((c.active_nodes().len(), c.active_edges().len()), (3, 1));
    assert!(c.nodes[&decide].archived.is_some());
    let reloaded = RegisterDoc::load(&doc.save()).unwrap();
    assert_eq!(reloaded.register(), doc.register());
}

#[test]
fn two_members_edit_one_chart_apart_and_the_merge_keeps_both() {
    let mut doc = register_of(&Template::school());
    let wang = doc.add_member(&stamp("", 1), &PersonForm { name: "王家福".into(), ..Default::default() }).unwrap();
    let (chart, c) = doc.register().flowcharts.iter().find(|(_, c)| c.title == "食堂食品采购流程图").unwrap();
    let (chart, c) = (chart.clone(), c.clone());
    let nodes: Vec<String> = c.active_nodes().iter().map(|(id, _)| (*id).clone()).collect();
    let mut other = doc.fork();
    // 王家福 adds two steps after the plan; 朱忠云 relabels one step and moves another.
    let a1 = doc.chart_edit(
        &stamp(&wang, 2),
        &chart,
        &ChartEdit::AddNode { form: step("采购计划报总务处审核"), after: Some(nodes[1].clone()) },
    );
    let a1 = a1.unwrap().unwrap();
    doc.chart_edit(
        &stamp(&wang, 3),
        &chart,
        &ChartEdit::AddNode { form: step("公示采购结果"), after: Some(a1.clone()) },
    )
    .unwrap();
    let relabel =
        ChartEdit::UpdateNode { node: nodes[2].clone(), base: None, form: step("每月询价比价，公示价格") };
    other.chart_edit(&stamp("zhu", 4), &chart, &relabel).unwrap();
    other
        .chart_edit(&stamp("zhu", 5), &chart, &ChartEdit::MoveNode { node: nodes[3].clone(), place: Some((300, 200)) })
        .unwrap();
    // Both move one node: a conflict, like any other field.
    doc.chart_edit(&stamp(&wang, 6), &chart, &ChartEdit::MoveNode { node: nodes[4].clone(), place: Some((10, 500)) })
        .unwrap();
    other
        .chart_edit(&stamp("zhu", 7), &chart, &ChartEdit::MoveNode { node: nodes[4].clone(), place: Some((600, 520)) })
        .unwrap();
    doc.merge(&mut other).unwrap();

    let merged = &doc.register().flowcharts[&chart];
    assert_eq!(merged.active_nodes().len(), c.active_nodes().len() + 2);
    assert_eq!(merged.active_edges().len(), c.active_edges().len() + 2);
    assert_eq!(merged.nodes[&nodes[2]].label, "每月询价比价，公示价格");
    assert_eq!(Place::parse(&merged.nodes[&nodes[3]].place), Some(Place { x: 300, y: 200 }));
    assert!(merged.nodes.values().any(|n| n.label == "公示采购结果"));
    assert_drawable(merged, &layout(merged, doc.register()));
    let conflicts = doc.conflicts();
    let moved = conflicts.iter().find(|x| x.kind == EntityKind::Flowchart).expect("a conflict on the moved node");
    assert_eq!(moved.field, format!("nodes.{}.place", nodes[4]));
    let mut values: Vec<&str> = moved.values.iter().map(|v| v.value.as_str()).collect();
    values.sort();
    assert_eq!(values, ["10,500", "600,520"]);
}

#[test]
fn a_template_chart_is_added_again_only_once_its_title_is_free() {
    let mut doc = register_of(&Template::bureau());
    let title = Template::bureau().charts[1].title.clone();
    let again = doc.chart_from_template(&stamp("", 1), &title);
    assert!(matches!(again, Err(DocError::Invalid(_))), "the seeded chart holds the title");
    let (id, _) = doc.register().flowcharts.iter().find(|(_, c)| c.title == title).unwrap();
    let id = id.clone();
    doc.set_archived::<Flowchart>(&stamp("", 2), &id, true).unwrap();
    let fresh = doc.chart_from_template(&stamp("", 3), &title).unwrap();
    let seeded = chart_from_template(&Template::bureau().charts[1], doc.register());
    assert_eq!(doc.register().flowcharts[&fresh].nodes.len(), seeded.nodes.len());
    assert!(matches!(doc.chart_from_template(&stamp("", 4), "没有的流程图"), Err(DocError::Invalid(_))));
    assert_eq!(FlowchartForm::from_target(&doc.register().flowcharts[&fresh]).title, title);
}

#[test]
fn a_node_form_opened_before_another_members_save_keeps_that_change() {
    let mut doc = register_of(&Template::school());
    let (chart, c) = doc.register().flowcharts.iter().find(|(_, c)| c.title == "食堂食品采购流程图").unwrap();
    let chart = chart.clone();
    let (node, n) = c.active_nodes().into_iter().find(|(_, n)| n.kind == NodeKind::Step).unwrap();
    let (node, opened) = (node.clone(), NodeForm::from_node(n));
    // A opens the step's form. Meanwhile B (another tab, a merged file) saves a 依据 and
    // rewords the step.
    let theirs = NodeForm {
        basis: "《学校食堂与学生集体用餐卫生管理规定》".into(),
        label: format!("{}（每周）", opened.label),
        ..opened.clone()
    };
    let update = |base: Option<NodeForm>, form: NodeForm| ChartEdit::UpdateNode { node: node.clone(), base, form };
    doc.chart_edit(&stamp("b", 1), &chart, &update(Some(opened.clone()), theirs.clone())).unwrap();
    // A saves the form as opened, with a 办理时限 and its own words at the start of the step.
    let mine =
        NodeForm { time_limit: "3个工作日".into(), label: format!("总务处{}", opened.label), ..opened.clone() };
    doc.chart_edit(&stamp("a", 2), &chart, &update(Some(opened.clone()), mine)).unwrap();
    let saved = &doc.register().flowcharts[&chart].nodes[&node];
    assert_eq!(saved.basis, theirs.basis, "B's 依据 is kept");
    assert_eq!(saved.time_limit, "3个工作日");
    assert_eq!(saved.label, format!("总务处{}（每周）", opened.label), "both members' words survive");
}
