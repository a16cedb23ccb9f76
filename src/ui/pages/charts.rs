//! 权力运行流程图: the unit's charts of how its powers run, each drawn with the mouse or the
//! keyboard, its risky steps marked with the points' level colours, printed on A4 for the wall
//! and exported as SVG or PNG.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};
use wasm_bindgen::JsCast;

use crate::engine::{Command, Outcome};
use crate::model::{Department, Entity, EntityKind, Flowchart, Id, NodeKind, RiskLevel, RiskPoint, Template};
use crate::report::{ChartView, ChartWords, chart_svg, level_colour};
use crate::rules::{ChartEdit, ChartLayout, FlowchartForm, Invalid, NodeForm, charts_of_risk, layout};
use crate::ui::conflicts::ConflictPanel;
use crate::ui::entity_section::{RowLink, Section, entity_section};
use crate::ui::files::download;
use crate::ui::hooks::today;
use crate::ui::tr::Tr;
use crate::ui::use_app;
use crate::ui::widgets::{FormNotice, SelectField, TextArea, TextField, lens, options, reason_words, show_refusal};

/// How far an arrow key moves the focused step, in chart units (with Shift, four times as far).
const NUDGE: i32 = 10;

/// `/r/<id>/charts`.
#[component]
pub fn ChartsPage() -> impl IntoView {
    let tr = use_app().tr;
    view! {
        <h1 class="page-title">{move || tr.t("chart.page_title")}</h1>
        <p class="hint">{move || tr.t("chart.rule")}</p>
        {entity_section::<Flowchart, FlowchartForm>(Section {
            title: "chart.list",
            prefix: "chart",
            columns: vec![
                ("chart.name", |_, c| c.title.clone()),
                ("chart.department", |c, f| f.department.as_ref().and_then(|d| c.register.departments.get(d)).map(|d| d.name.clone()).unwrap_or_default()),
                ("chart.steps", |_, c| c.active_nodes().iter().filter(|(_, n)| matches!(n.kind, NodeKind::Step | NodeKind::Decision)).count().to_string()),
                ("chart.marks", |_, c| c.active_nodes().iter().map(|(_, n)| n.marks.len()).sum::<usize>().to_string()),
            ],
            order: |_, c| c.title.clone(),
            fields: |form, errors| {
                let session = use_app().session;
                let departments = Signal::derive(move || session.with_kind::<Department, _>(Department::choices).unwrap_or_default());
                view! {
                    <TextField form lens=lens!(title) errors field="title" label="chart.name" prefix="chart" required=true/>
                    <SelectField form lens=lens!(department) errors field="department" label="chart.department" prefix="chart" options=departments empty_label="form.none"/>
                    <TextArea form lens=lens!(notes) errors field="notes" label="chart.notes" prefix="chart"/>
                }
                .into_any()
            },
            scope: None,
            link: Some(RowLink { label: "chart.open", shown: |_, _| true, href: |rid, id| format!("/r/{rid}/charts/{id}") }),
        })}
        <FromTemplate/>
    }
}

/// Adds one of the template's charts the register does not hold, with its risk marks.
#[component]
fn FromTemplate() -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let navigate = StoredValue::new(use_navigate());
    let chosen = RwSignal::new(String::new());
    let notice = RwSignal::new(None::<(bool, String)>);
    let missing = move || {
        session
            .with_kind::<Flowchart, _>(|r| {
                let held = |title: &str| r.flowcharts.values().any(|c| c.archived.is_none() && c.title == title);
                let template = Template::by_code(&r.settings.template);
                template.charts.iter().map(|c| c.title.clone()).filter(|t| !held(t)).collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    let add = move |_| {
        let title = chosen.get_untracked();
        if title.is_empty() {
            return;
        }
        session.send(Command::ChartFromTemplate { title }, move |result| match result {
            Ok(Outcome::Created(id)) => {
                let rid = session.open_id.get_untracked().unwrap_or_default();
                navigate.with_value(|go| go(&format!("/r/{rid}/charts/{id}"), Default::default()));
            }
            Ok(_) => {}
            Err(e) => notice.set(Some((false, tr.t(e.label_key()).to_string()))),
        });
    };
    view! {
        <section class="card" data-testid="chart-templates">
            <h2>{move || tr.t("chart.from_template")}</h2>
            <p class="hint">{move || tr.t("chart.from_template_hint")}</p>
            {move || {
                let titles = missing();
                if titles.is_empty() {
                    return view! { <p class="empty">{move || tr.t("chart.templates_all_in")}</p> }.into_any();
                }
                view! {
                    <div class="chart-row">
                        <Choice label="chart.template" testid="chart-template" value=chosen empty="form.choose"
                            options=Signal::derive(move || titles.iter().map(|t| (t.clone(), t.clone())).collect())/>
                        <button type="button" data-testid="chart-template-add" on:click=add>{move || tr.t("chart.add_template")}</button>
                    </div>
                }
                .into_any()
            }}
            <FormNotice notice testid="chart-template-notice"/>
        </section>
    }
}

/// The words the drawing needs, in the reader's language.
fn chart_words(tr: Tr, chart: &Flowchart, risks: &std::collections::BTreeMap<Id, RiskPoint>) -> ChartWords {
    let levels = RiskLevel::ALL.map(|l| tr.f("chart.level_mark", &[("level", tr.t(l.label_key()))]));
    let risk_names = chart
        .nodes
        .values()
        .flat_map(|n| n.marks.keys())
        .filter_map(|id| risks.get(id).map(|r| (id.clone(), format!("{} {}", tr.t(r.level.label_key()), r.label()))))
        .collect();
    ChartWords { title: chart.title.clone(), legend: tr.t("chart.legend").to_string(), levels, risk_names }
}

/// Sends the edits of one chart, and says what was refused.
#[derive(Clone, Copy)]
struct Editor {
    id: Memo<String>,
    tr: Tr,
    session: crate::ui::hooks::Session,
    notice: RwSignal<Option<(bool, String)>>,
}

impl Editor {
    /// Makes `edit`; `then` gets the id of a node or arrow it made.
    fn send(self, edit: ChartEdit, then: impl FnOnce(Option<Id>) + 'static) {
        let Editor { id, tr, session, notice } = self;
        session.send(Command::ChartEdit { chart: id.get_untracked(), edit }, move |result| match result {
            Ok(Outcome::Created(made)) => then(Some(made)),
            Ok(_) => then(None),
            Err(e) => notice.set(Some((false, refusal_text(tr, &e)))),
        });
    }

    /// Makes the edit a form asked for: refusals go beside the form's fields.
    fn send_form(self, edit: ChartEdit, errors: RwSignal<Vec<Invalid>>, then: impl FnOnce(Option<Id>) + 'static) {
        let Editor { id, tr, session, notice } = self;
        session.send(Command::ChartEdit { chart: id.get_untracked(), edit }, move |result| match result {
            Ok(outcome) => {
                errors.set(Vec::new());
                then(if let Outcome::Created(made) = outcome { Some(made) } else { None });
            }
            Err(e) => show_refusal(tr, e, errors, notice),
        });
    }
}

/// A node being dragged: where the pointer went down and where the node was.
#[derive(Clone, Copy)]
struct Drag {
    start: (i32, i32),
    origin: (f64, f64),
    moved: bool,
}

/// `/r/<id>/charts/<chart id>`: the drawing, the selected step's words, marks and arrows.
#[component]
pub fn ChartPage() -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let params = use_params_map();
    let navigate = StoredValue::new(use_navigate());
    let id = Memo::new(move |_| params.with(|p| p.get("id")).unwrap_or_default());
    let chart = Memo::new(move |_| session.entity::<Flowchart>(&id.get()));
    // The drawing follows the chart and the levels of its points.
    let laid = Memo::new(move |_| {
        let chart = chart.get()?;
        session.with_kind::<RiskPoint, _>(|r| (layout(&chart, r), chart_words(tr, &chart, &r.risks)))
    });
    let selected = RwSignal::new(None::<Id>);
    let connecting = RwSignal::new(false);
    let notice = RwSignal::new(None::<(bool, String)>);
    let drag = StoredValue::new(None::<(Id, Drag)>);
    let canvas = NodeRef::<leptos::html::Div>::new();

    let editor = Editor { id, tr, session, notice };
    let svg = move || {
        let (laid, words) = laid.get()?;
        let selected = selected.get();
        let view = ChartView { interactive: true, selected: selected.as_deref() };
        Some(chart_svg(&laid, &words, view).replace("<svg ", r#"<svg class="chart-svg" "#))
    };
    // Focus stays on the chosen step when the drawing is redrawn after an edit.
    Effect::new(move || {
        let _ = svg();
        let Some(node) = selected.get_untracked() else { return };
        request_animation_frame(move || focus_node(canvas, &node));
    });
    let node_box = move |node: &str| {
        laid.with_untracked(|l| l.as_ref().and_then(|(l, _)| l.nodes.iter().find(|n| n.id == node).map(|n| (n.x, n.y))))
    };
    let chosen = move |node: Id| {
        if connecting.get_untracked() {
            connecting.set(false);
            if let Some(from) = selected.get_untracked().filter(|from| *from != node) {
                let to = node.clone();
                editor.send(ChartEdit::Connect { from, to, label: String::new() }, move |_| selected.set(Some(node)));
                return;
            }
        }
        selected.set(Some(node));
    };
    let move_to = move |node: Id, x: f64, y: f64| {
        let place = Some((x.round() as i32, y.round() as i32));
        editor.send(ChartEdit::MoveNode { node, place }, |_| ());
    };

    // A press on a step starts a drag; let go where it was, it chooses the step. A press on a
    // risk mark is left to the click that opens the point.
    let on_pointerdown = move |ev: leptos::ev::PointerEvent| {
        let Some((node, None)) = target_of(&ev) else { return };
        let Some(origin) = node_box(&node) else { return };
        drag.set_value(Some((node, Drag { start: (ev.client_x(), ev.client_y()), origin, moved: false })));
        if let Some(div) = canvas.get_untracked() {
            let _ = div.set_pointer_capture(ev.pointer_id());
        }
    };
    let on_pointermove = move |ev: leptos::ev::PointerEvent| {
        drag.update_value(|d| {
            let Some((node, d)) = d else { return };
            let (dx, dy) = (ev.client_x() - d.start.0, ev.client_y() - d.start.1);
            d.moved |= dx.abs() + dy.abs() > 3;
            if d.moved {
                let (x, y) = (d.origin.0 + f64::from(dx), d.origin.1 + f64::from(dy));
                draw_at(canvas, node, x, y);
            }
        });
    };
    let on_pointerup = move |ev: leptos::ev::PointerEvent| {
        let Some((node, d)) = drag.get_value() else { return };
        drag.set_value(None);
        if d.moved {
            let (dx, dy) = (ev.client_x() - d.start.0, ev.client_y() - d.start.1);
            move_to(node.clone(), (d.origin.0 + f64::from(dx)).max(0.0), (d.origin.1 + f64::from(dy)).max(0.0));
            selected.set(Some(node));
        } else {
            chosen(node);
        }
    };
    // A drag the browser took over (a touch turned into a scroll) puts the step back.
    let on_pointercancel = move |_: leptos::ev::PointerEvent| {
        if let Some((node, d)) = drag.get_value() {
            drag.set_value(None);
            draw_at(canvas, &node, d.origin.0, d.origin.1);
        }
    };
    let on_click = move |ev: leptos::ev::MouseEvent| {
        if let Some((_, Some(risk))) = target_of(&ev) {
            let rid = session.open_id.get_untracked().unwrap_or_default();
            navigate.with_value(|go| go(&format!("/r/{rid}/risks/{risk}"), Default::default()));
        }
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        let Some((node, _)) = target_of(&ev) else { return };
        let step = if ev.shift_key() { NUDGE * 4 } else { NUDGE };
        let delta = match ev.key().as_str() {
            "Enter" | " " => {
                ev.prevent_default();
                chosen(node);
                return;
            }
            "Escape" => {
                connecting.set(false);
                return;
            }
            "ArrowUp" => (0, -step),
            "ArrowDown" => (0, step),
            "ArrowLeft" => (-step, 0),
            "ArrowRight" => (step, 0),
            _ => return,
        };
        ev.prevent_default();
        if let Some((x, y)) = node_box(&node) {
            selected.set(Some(node.clone()));
            move_to(node, (x + f64::from(delta.0)).max(0.0), (y + f64::from(delta.1)).max(0.0));
        }
    };
    let on_focusin = move |ev: leptos::ev::FocusEvent| {
        if let Some((node, None)) = target_of(&ev) {
            // The first step reached chooses itself, so the panel has something to show; after
            // that, Enter chooses and focus alone only shows where the keyboard is.
            if selected.get_untracked().is_none() {
                selected.set(Some(node));
            }
        }
    };

    let exists = Memo::new(move |_| chart.with(Option::is_some));
    let title = move || chart.with(|c| c.as_ref().map(|c| c.title.clone()));
    let department = move || {
        let id = chart.with(|c| c.as_ref().and_then(|c| c.department.clone()))?;
        session.entity::<Department>(&id).map(|d| d.name)
    };
    let unit = move || session.with_unit(|u| u.name.clone()).unwrap_or_default();
    let landscape = move || laid.with(|l| l.as_ref().is_some_and(|(l, _)| l.width > l.height));
    view! {
        // Built once per chart: an edit redraws the drawing, not the panels (and what is typed in them).
        {move || match exists.get() {
            false => view! { <section class="card"><h1>{move || tr.t("chart.missing")}</h1></section> }.into_any(),
            true => {
                view! {
                    <style>{move || format!("@media print {{ @page {{ size: A4 {}; margin: 12mm; }} }}", if landscape() { "landscape" } else { "portrait" })}</style>
                    <div class="title-row no-print">
                        <h1 class="page-title">{title}</h1>
                        <div class="actions">
                            <button type="button" data-testid="chart-auto" on:click=move |_| editor.send(ChartEdit::AutoLayout, |_| ())>{move || tr.t("chart.auto_layout")}</button>
                            <button type="button" data-testid="chart-print" on:click=move |_| { let _ = window().print(); }>{move || tr.t("chart.print")}</button>
                            <button type="button" data-testid="chart-export-svg" on:click=move |_| export(laid, tr, false, notice)>{move || tr.t("chart.export_svg")}</button>
                            <button type="button" data-testid="chart-export-png" on:click=move |_| export(laid, tr, true, notice)>{move || tr.t("chart.export_png")}</button>
                        </div>
                    </div>
                    <p class="hint no-print">{move || tr.t("chart.how_to")}</p>
                    <FormNotice notice testid="chart-notice"/>
                    <article class="card print-sheet chart-sheet" data-testid="chart-sheet">
                        <header class="chart-head">
                            <p class="sheet-unit">{unit}</p>
                            <h1 data-testid="chart-heading">{title}</h1>
                            <p class="sheet-meta">
                                <span>{move || department().map(|d| tr.f("chart.by_department", &[("name", &d)]))}</span>
                                <span>{move || tr.f("chart.printed_on", &[("date", &today().to_string())])}</span>
                            </p>
                        </header>
                        <Show when=move || connecting.get()>
                            <p class="badge flag no-print" data-testid="chart-connecting">{move || tr.t("chart.connecting")}</p>
                        </Show>
                        <div class="chart-canvas" node_ref=canvas data-testid="chart-canvas"
                            on:pointerdown=on_pointerdown on:pointermove=on_pointermove on:pointerup=on_pointerup on:pointercancel=on_pointercancel
                            on:click=on_click on:keydown=on_keydown on:focusin=on_focusin
                            inner_html=move || svg().unwrap_or_default()>
                        </div>
                        <StepTable chart/>
                    </article>
                    <div class="split no-print">
                        <NodePanel chart selected connecting editor/>
                        <div class="chart-panel">
                            <ConflictPanel kind=EntityKind::Flowchart id=Signal::derive(move || Some(id.get()))/>
                            <AddNode chart selected editor/>
                        </div>
                    </div>
                }
                .into_any()
            }
        }}
    }
}

/// The node `ev` happened on, and the risk mark when it was one.
fn target_of(ev: &web_sys::Event) -> Option<(Id, Option<Id>)> {
    let element: web_sys::Element = ev.target()?.dyn_into().ok()?;
    let node = element.closest("[data-node]").ok()??.get_attribute("data-node")?;
    let risk = element.closest("[data-risk]").ok().flatten().and_then(|m| m.get_attribute("data-risk"));
    Some((node, risk))
}

fn node_element(canvas: NodeRef<leptos::html::Div>, node: &str) -> Option<web_sys::Element> {
    let div = canvas.get_untracked()?;
    div.query_selector(&format!(r#"[data-node="{node}"]"#)).ok()?
}

/// Shows the step `node` at (x, y) in the drawing while it is dragged; the document moves it on
/// release.
fn draw_at(canvas: NodeRef<leptos::html::Div>, node: &str, x: f64, y: f64) {
    if let Some(g) = node_element(canvas, node) {
        let _ = g.set_attribute("transform", &format!("translate({x:.1},{y:.1})"));
    }
}

fn focus_node(canvas: NodeRef<leptos::html::Div>, node: &str) {
    let focused_inside = canvas.get_untracked().is_some_and(|div| {
        document().active_element().is_some_and(|a| div.contains(Some(&a)) || a.tag_name() == "BODY")
    });
    if let (true, Some(g)) = (focused_inside, node_element(canvas, node))
        && let Ok(g) = g.dyn_into::<web_sys::SvgElement>()
    {
        let _ = g.focus();
    }
}

/// What the engine refused, in words.
fn refusal_text(tr: Tr, error: &crate::doc::DocError) -> String {
    match error {
        crate::doc::DocError::Invalid(refused) => refused
            .iter()
            .map(|i| {
                let field = crate::i18n::lookup(tr.locale(), &format!("chart_edit.{}", i.field)).unwrap_or(i.field);
                format!("{field}：{}", reason_words(tr, &i.reason))
            })
            .collect::<Vec<_>>()
            .join("；"),
        other => tr.t(other.label_key()).to_string(),
    }
}

/// Offers the drawing as an `.svg` file, or drawn at twice its size into a `.png`.
fn export(laid: Memo<Option<(ChartLayout, ChartWords)>>, tr: Tr, png: bool, notice: RwSignal<Option<(bool, String)>>) {
    let Some((l, words)) = laid.get_untracked() else { return };
    let svg = chart_svg(&l, &words, ChartView::default());
    let name = format!("{}.{}", words.title, if png { "png" } else { "svg" });
    let failed = move |e: String| notice.set(Some((false, format!("{} {e}", tr.t("chart.export_failed")))));
    if !png {
        if let Err(e) = download(&name, svg.as_bytes(), "image/svg+xml") {
            failed(e);
        }
        return;
    }
    leptos::task::spawn_local(async move {
        match crate::ui::files::svg_to_png(&svg, l.width, l.height + 40.0, 2.0).await {
            Ok(bytes) => {
                if let Err(e) = download(&name, &bytes, "image/png") {
                    failed(e);
                }
            }
            Err(e) => failed(e),
        }
    });
}

/// 办事环节, 办事依据, 办事时限 and 风险点 of each step: the words the boxes cannot hold.
#[component]
fn StepTable(chart: Memo<Option<Flowchart>>) -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let rows = move || {
        let chart = chart.get()?;
        session.with_kind::<RiskPoint, _>(|r| {
            chart
                .active_nodes()
                .into_iter()
                .filter(|(_, n)| matches!(n.kind, NodeKind::Step | NodeKind::Decision))
                .map(|(_, n)| {
                    let marks: Vec<_> = n
                        .marks
                        .keys()
                        .filter_map(|m| r.risks.get(m).filter(|p| p.archived.is_none()))
                        .map(|p| (p.level, p.label()))
                        .collect();
                    (n.label.clone(), n.basis.clone(), n.time_limit.clone(), marks)
                })
                .collect::<Vec<_>>()
        })
    };
    view! {
        <div class="table-wrap">
            <table class="table compact chart-steps" data-testid="chart-steps">
                <thead><tr>
                    <th>{move || tr.t("chart.step")}</th>
                    <th>{move || tr.t("chart_node.basis")}</th>
                    <th>{move || tr.t("chart_node.time_limit")}</th>
                    <th>{move || tr.t("chart.risks")}</th>
                </tr></thead>
                <tbody>
                    {move || rows().unwrap_or_default().into_iter().map(|(label, basis, limit, marks)| view! {
                        <tr>
                            <td>{label}</td><td>{basis}</td><td>{limit}</td>
                            <td>{marks.into_iter().map(|(level, name)| view! {
                                <span class="risk-mark" style=format!("--mark: {}", level_colour(level))>{move || tr.t(level.label_key())}</span>
                                " " {name} <br/>
                            }).collect_view()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// Adds a step, a decision, the start or the end, after the chosen step or on its own.
#[component]
fn AddNode(chart: Memo<Option<Flowchart>>, selected: RwSignal<Option<Id>>, editor: Editor) -> impl IntoView {
    let tr = use_app().tr;
    let form = RwSignal::new(NodeForm { kind: NodeKind::Step.code().into(), ..NodeForm::default() });
    let errors = RwSignal::new(Vec::<Invalid>::new());
    let after = RwSignal::new(String::new());
    Effect::new(move || after.set(selected.get().unwrap_or_default()));
    let kinds = Signal::derive(move || options(NodeKind::ALL, NodeKind::code, NodeKind::label_key, tr));
    let nodes = Signal::derive(move || node_choices(chart));
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let after = Some(after.get_untracked()).filter(|a| !a.is_empty());
        editor.send_form(ChartEdit::AddNode { form: form.get_untracked(), after }, errors, move |made| {
            form.update(|f| f.label.clear());
            selected.set(made);
        });
    };
    view! {
        <section class="card chart-panel" data-testid="chart-add">
            <h2>{move || tr.t("chart.add_node")}</h2>
            <form class="form" on:submit=add>
                <SelectField form lens=lens!(kind) errors field="kind" label="chart_node.kind" prefix="chart-add" options=kinds required=true/>
                <TextField form lens=lens!(label) errors field="label" label="chart_node.label" prefix="chart-add" required=true/>
                <Choice label="chart.after" testid="chart-add-after" value=after empty="chart.after_none" options=nodes/>
                <div class="actions">
                    <button type="submit" class="primary" data-testid="chart-add-save">{move || tr.t("chart.add_node")}</button>
                </div>
            </form>
        </section>
    }
}

fn node_choices(chart: Memo<Option<Flowchart>>) -> Vec<(Id, String)> {
    chart.with(|c| {
        c.as_ref()
            .map(|c| c.active_nodes().into_iter().map(|(id, n)| (id.clone(), n.label.clone())).collect())
            .unwrap_or_default()
    })
}

/// The chosen step: its words, where it stands, its arrows out and its risk marks.
#[component]
fn NodePanel(
    chart: Memo<Option<Flowchart>>,
    selected: RwSignal<Option<Id>>,
    connecting: RwSignal<bool>,
    editor: Editor,
) -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    // The panel is drawn again when the chosen node changes, not when another one does.
    let node = Memo::new(move |_| {
        let id = selected.get()?;
        chart.with(|c| c.as_ref()?.nodes.get(&id).filter(|n| n.is_active()).cloned()).map(|n| (id, n))
    });
    // The arrows out of it, in the order their targets were added.
    let outgoing = move || {
        let id = selected.get().unwrap_or_default();
        chart.with(|c| {
            let Some(c) = c else { return Vec::new() };
            let mut out: Vec<_> = c
                .active_edges()
                .into_iter()
                .filter(|(_, e)| e.from == id)
                .filter_map(|(eid, e)| {
                    c.nodes.get(&e.to).map(|t| (t.seq, eid.clone(), t.label.clone(), e.label.clone()))
                })
                .collect();
            out.sort();
            out.into_iter().map(|(_, eid, to, label)| (eid, to, label)).collect::<Vec<_>>()
        })
    };
    let form = RwSignal::new(NodeForm::default());
    let errors = RwSignal::new(Vec::<Invalid>::new());
    let followed = crate::ui::widgets::follow_record(
        form,
        move || node.get().map(|(id, n)| (id, NodeForm::from_node(&n))),
        move || errors.set(Vec::new()),
    );
    let kinds = Signal::derive(move || options(NodeKind::ALL, NodeKind::code, NodeKind::label_key, tr));
    let targets = Signal::derive(move || {
        let me = selected.get().unwrap_or_default();
        node_choices(chart).into_iter().filter(|(id, _)| *id != me).collect::<Vec<_>>()
    });
    let risks = Signal::derive(move || {
        session
            .with_kind::<RiskPoint, _>(|r| {
                let mut all: Vec<_> = r
                    .risks
                    .iter()
                    .filter(|(_, p)| p.archived.is_none())
                    .map(|(id, p)| (id.clone(), format!("{} {}", tr.t(p.level.label_key()), p.label())))
                    .collect();
                all.sort_by(|a, b| a.1.cmp(&b.1));
                all
            })
            .unwrap_or_default()
    });
    let target = RwSignal::new(String::new());
    let arrow_label = RwSignal::new(String::new());
    let risk = RwSignal::new(String::new());
    let with_node = move |f: &dyn Fn(Id) -> ChartEdit| {
        if let Some(id) = selected.get_untracked() {
            editor.send(f(id), |_| ());
        }
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(node) = selected.get_untracked() else { return };
        let notice = editor.notice;
        let sent = form.get_untracked();
        let edit = ChartEdit::UpdateNode { node, base: followed.base(), form: sent.clone() };
        editor.send_form(edit, errors, move |_| {
            followed.saved(&sent);
            notice.set(Some((true, tr.t("chart.node_saved").to_string())));
        });
    };
    let connect = move |_| {
        let (Some(from), to) = (selected.get_untracked(), target.get_untracked()) else { return };
        if to.is_empty() {
            return;
        }
        editor.send(ChartEdit::Connect { from, to, label: arrow_label.get_untracked() }, move |_| {
            arrow_label.set(String::new())
        });
    };
    let mark = move |_| {
        let (Some(node), chosen) = (selected.get_untracked(), risk.get_untracked()) else { return };
        if !chosen.is_empty() {
            editor.send(ChartEdit::Mark { node, risk: chosen, on: true }, move |_| risk.set(String::new()));
        }
    };
    view! {
        <section class="card chart-panel" data-testid="chart-node">
            {move || match node.get() {
                None => view! { <p class="empty" data-testid="chart-node-none">{move || tr.t("chart.choose_node")}</p> }.into_any(),
                Some((_, n)) => {
                    let placed = !n.place.is_empty();
                    let marks: Vec<(Id, Option<RiskPoint>)> = n.marks.keys().map(|m| (m.clone(), session.entity::<RiskPoint>(m))).collect();
                    view! {
                        <h2>{move || tr.t("chart.node")} " · " {n.label.clone()}</h2>
                        <form class="form" on:submit=save data-testid="chart-node-form">
                            <SelectField form lens=lens!(kind) errors field="kind" label="chart_node.kind" prefix="chart-node" options=kinds required=true/>
                            <TextField form lens=lens!(label) errors field="label" label="chart_node.label" prefix="chart-node" required=true/>
                            <TextField form lens=lens!(basis) errors field="basis" label="chart_node.basis" prefix="chart-node"/>
                            <TextField form lens=lens!(time_limit) errors field="time_limit" label="chart_node.time_limit" prefix="chart-node"/>
                            <div class="actions">
                                <button type="submit" class="primary" data-testid="chart-node-save">{move || tr.t("form.save")}</button>
                                <button type="button" data-testid="chart-node-connect-mouse" on:click=move |_| connecting.set(true)>{move || tr.t("chart.connect_by_click")}</button>
                                {placed.then(|| view! {
                                    <button type="button" data-testid="chart-node-unplace" on:click=move |_| with_node(&|node| ChartEdit::MoveNode { node, place: None })>{move || tr.t("chart.back_to_auto")}</button>
                                })}
                                <button type="button" class="danger" data-testid="chart-node-archive" on:click=move |_| { with_node(&|node| ChartEdit::ArchiveNode { node }); selected.set(None); }>{move || tr.t("chart.archive_node")}</button>
                            </div>
                        </form>
                        <h3>{move || tr.t("chart.arrows_out")}</h3>
                        <ul class="plain" data-testid="chart-arrows">
                            {move || outgoing().into_iter().map(|(eid, to, label)| view! { <ArrowRow edge=eid to label editor/> }).collect_view()}
                        </ul>
                        <div class="chart-row">
                            <Choice label="chart.connect_to" testid="chart-connect-to" value=target empty="form.choose" options=targets/>
                            <label class="field">
                                <span class="field-label">{move || tr.t("chart_edge.label")}</span>
                                <input data-testid="chart-connect-label" prop:value=move || arrow_label.get() on:input=move |ev| arrow_label.set(event_target_value(&ev))/>
                            </label>
                            <button type="button" data-testid="chart-connect" on:click=connect>{move || tr.t("chart.connect")}</button>
                        </div>
                        <h3>{move || tr.t("chart.risks")}</h3>
                        <ul class="plain chart-marks" data-testid="chart-marks">
                            {marks.into_iter().map(|(risk_id, point)| {
                                let rid = session.open_id.get_untracked().unwrap_or_default();
                                let (name, level) = point.map(|p| (p.label(), Some(p.level))).unwrap_or_else(|| (tr.t("chart.mark_gone").to_string(), None));
                                let off = risk_id.clone();
                                view! {
                                    <li data-testid="chart-mark">
                                        {level.map(|l| view! { <span class="risk-mark" style=format!("--mark: {}", level_colour(l))>{move || tr.t(l.label_key())}</span> " " })}
                                        <a href=format!("/r/{rid}/risks/{risk_id}") data-testid="chart-mark-link">{name}</a> " "
                                        <button type="button" data-testid="chart-mark-remove" on:click=move |_| with_node(&|node| ChartEdit::Mark { node, risk: off.clone(), on: false })>{move || tr.t("chart.unmark")}</button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                        <div class="chart-row">
                            <Choice label="chart.mark_risk" testid="chart-mark-risk" value=risk empty="form.choose" options=risks/>
                            <button type="button" data-testid="chart-mark-add" on:click=mark>{move || tr.t("chart.mark")}</button>
                        </div>
                    }
                    .into_any()
                }
            }}
        </section>
    }
}

/// One arrow out of the chosen step: where it goes, its words, and a way to take it out.
#[component]
fn ArrowRow(edge: Id, to: String, label: String, editor: Editor) -> impl IntoView {
    let tr = editor.tr;
    let words = RwSignal::new(label);
    let edge = StoredValue::new(edge);
    view! {
        <li class="chart-row" data-testid="chart-arrow">
            <span>"→ " {to}</span>
            <label class="field">
                <span class="field-label">{move || tr.t("chart_edge.label")}</span>
                <input data-testid="chart-arrow-label" prop:value=move || words.get() on:input=move |ev| words.set(event_target_value(&ev))/>
            </label>
            <button type="button" data-testid="chart-arrow-save" on:click=move |_| editor.send(ChartEdit::LabelEdge { edge: edge.get_value(), label: words.get_untracked() }, |_| ())>{move || tr.t("form.save")}</button>
            <button type="button" data-testid="chart-arrow-archive" on:click=move |_| editor.send(ChartEdit::ArchiveEdge { edge: edge.get_value() }, |_| ())>{move || tr.t("chart.archive_arrow")}</button>
        </li>
    }
}

/// The charts risk point `risk` is marked on, with the steps that carry it (on the point's page).
#[component]
pub fn ChartsOfRisk(#[prop(into)] risk: Signal<Option<Id>>) -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let found = move || {
        let risk = risk.get()?;
        let rid = session.open_id.get()?;
        session.with_kind::<Flowchart, _>(|r| {
            charts_of_risk(r, &risk)
                .into_iter()
                .map(|(id, c, steps)| (format!("/r/{rid}/charts/{id}"), c.title.clone(), steps.join("、")))
                .collect::<Vec<_>>()
        })
    };
    view! {
        <section class="card" data-testid="risk-charts">
            <h2>{move || tr.t("chart.on_charts")}</h2>
            {move || match found().unwrap_or_default() {
                charts if charts.is_empty() => view! { <p class="empty">{move || tr.t("chart.on_no_chart")}</p> }.into_any(),
                charts => view! {
                    <ul class="plain">
                        {charts.into_iter().map(|(href, title, steps)| view! {
                            <li data-testid="risk-chart">
                                <leptos_router::components::A href=href>{title}</leptos_router::components::A>
                                <span class="hint">" · " {steps}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </section>
    }
}

/// A labelled choice that is not a form's field: which template, after which step, to which step.
#[component]
fn Choice(
    label: &'static str,
    testid: &'static str,
    value: RwSignal<String>,
    empty: &'static str,
    #[prop(into)] options: Signal<Vec<(String, String)>>,
) -> impl IntoView {
    let tr = use_app().tr;
    view! {
        <label class="field">
            <span class="field-label">{move || tr.t(label)}</span>
            <select data-testid=testid prop:value=move || value.get() on:change=move |ev| value.set(event_target_value(&ev))>
                <option value="">{move || tr.t(empty)}</option>
                {move || options.get().into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
            </select>
        </label>
    }
}
