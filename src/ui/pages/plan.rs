//! 实施方案: the plan's phases with their dates and tasks, the timeline with today's line, the
//! tasks past their time limit, and the “4有” of the study.

use leptos::prelude::*;

use crate::engine::{AnyForm, Command};
use crate::model::{Entity, FourHave, Meeting, Person, Phase, Task};
use crate::rules::{PhaseForm, TaskForm, Timeline, four_have, phases_in_order, task_lines, task_overdue, timeline};
use crate::ui::entity_section::{Section, entity_section};
use crate::ui::hooks::today;
use crate::ui::use_app;
use crate::ui::widgets::{FormNotice, SelectField, TextArea, TextField, lens, options};

/// `/r/<id>/plan`.
#[component]
pub fn PlanPage() -> impl IntoView {
    let tr = use_app().tr;
    view! {
        <h1 class="page-title">{move || tr.t("plan.title")}</h1>
        <p class="hint">{move || tr.t("plan.rule")}</p>
        <TimelineCard/>
        <FourHaveCard/>
        {entity_section::<Task, TaskForm>(Section {
            title: "plan.tasks",
            prefix: "task",
            columns: vec![
                ("task.phase", |c, t| c.register.phases.get(&t.phase).map(|p| p.name.clone()).unwrap_or_default()),
                ("task.what", |_, t| t.what.clone()),
                ("task.owner", |c, t| t.owner.as_deref().and_then(|p| c.register.person_name(p)).unwrap_or_default().to_string()),
                ("task.due", |_, t| t.due.clone()),
                ("task.state", |c, t| {
                    let key = if !t.done.is_empty() {
                        "task.done_on"
                    } else if task_overdue(t, c.today) {
                        "task.overdue"
                    } else {
                        "task.open"
                    };
                    crate::i18n::format(c.locale, key, &[("date", &t.done)])
                }),
            ],
            // By phase in plan order, then time limit.
            order: |c, t| {
                let phase = c.register.phases.get(&t.phase).map(|p| p.order).unwrap_or(i64::MAX);
                format!("{phase:020}{}{}", if t.due.is_empty() { "9" } else { &t.due }, t.what)
            },
            fields: |form, errors| {
                let app = use_app();
                let (tr, session) = (app.tr, app.session);
                let phases = Signal::derive(move || {
                    session.with_kind::<Phase, _>(|r| {
                        phases_in_order(r).into_iter().map(|(id, p)| (id.clone(), p.name.clone())).collect::<Vec<_>>()
                    }).unwrap_or_default()
                });
                let people = Signal::derive(move || session.with_kind::<Person, _>(Person::choices).unwrap_or_default());
                let meetings = Signal::derive(move || session.with_kind::<Meeting, _>(Meeting::choices).unwrap_or_default());
                let kinds = Signal::derive(move || options(FourHave::ALL, FourHave::code, FourHave::label_key, tr));
                view! {
                    <SelectField form lens=lens!(phase) errors field="phase" label="task.phase" prefix="task" options=phases empty_label="form.choose" required=true/>
                    <TextField form lens=lens!(what) errors field="what" label="task.what" prefix="task" required=true/>
                    <SelectField form lens=lens!(owner) errors field="owner" label="task.owner" prefix="task" options=people empty_label="form.none"/>
                    <TextField form lens=lens!(due) errors field="due" label="task.due" prefix="task" input_type="date"/>
                    <TextField form lens=lens!(done) errors field="done" label="task.done" prefix="task" input_type="date"/>
                    <TextArea form lens=lens!(evidence) errors field="evidence" label="task.evidence" prefix="task"/>
                    <TextField form lens=lens!(reference) errors field="reference" label="task.reference" prefix="task"/>
                    <SelectField form lens=lens!(meeting) errors field="meeting" label="task.meeting" prefix="task" options=meetings empty_label="form.none"/>
                    <SelectField form lens=lens!(four) errors field="four" label="task.four" prefix="task" options=kinds empty_label="form.none"/>
                }
                .into_any()
            },
            scope: None,
            link: None,
        })}
        {entity_section::<Phase, PhaseForm>(Section {
            title: "plan.phases",
            prefix: "phase",
            columns: vec![
                ("phase.name", |_, p| p.name.clone()),
                ("phase.start", |_, p| p.start.clone()),
                ("phase.end", |_, p| p.end.clone()),
                ("phase.tasks", |_, p| p.tasks.as_str().to_string()),
            ],
            order: |_, p| format!("{:04}{}", p.order, p.start),
            fields: |form, errors| {
                view! {
                    <TextField form lens=lens!(name) errors field="name" label="phase.name" prefix="phase" required=true/>
                    <TextField form lens=lens!(start) errors field="start" label="phase.start" prefix="phase" input_type="date"/>
                    <TextField form lens=lens!(end) errors field="end" label="phase.end" prefix="phase" input_type="date"/>
                    <TextArea form lens=lens!(tasks) errors field="tasks" label="phase.tasks" prefix="phase"/>
                }
                    .into_any()
            },
            scope: None,
            link: None,
        })}
    }
}

/// Pixels a day takes on the timeline, and the height of one phase's row.
const DAY: f64 = 6.0;
const ROW: f64 = 34.0;
const LABEL: f64 = 150.0;

/// The phases as bars across their dates, each task a dot at its time limit, and today's line;
/// each phase says how many of its tasks are done.
#[component]
fn TimelineCard() -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let notice = RwSignal::new(None::<(bool, String)>);
    let plan = Memo::new(move |_| session.with(|r| timeline(r, today())).flatten());
    let no_tasks = move || session.with_kind::<Task, _>(|r| r.tasks.values().all(|t| !t.is_active())).unwrap_or(false);
    // Registers made before phases held tasks: each line of a phase's 主要任务 becomes one.
    let start = move |_| {
        let forms = session
            .with(|r| {
                phases_in_order(r)
                    .into_iter()
                    .flat_map(|(id, p)| {
                        task_lines(p.tasks.as_str()).into_iter().map(|what| TaskForm {
                            phase: id.clone(),
                            what,
                            due: p.end.clone(),
                            ..TaskForm::default()
                        })
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        for form in forms {
            session.send(Command::Create(AnyForm::Task(form)), move |result| {
                if let Err(e) = result {
                    notice.set(Some((false, tr.t(e.label_key()).to_string())));
                }
            });
        }
    };
    view! {
        <section class="card" data-testid="plan-timeline">
            <h2>{move || tr.t("plan.timeline")}</h2>
            <Show when=no_tasks>
                <p>{move || tr.t("plan.no_tasks")}</p>
                <button class="primary" data-testid="tasks-start" on:click=start>{move || tr.t("plan.tasks_start")}</button>
                <FormNotice notice testid="tasks-start-notice"/>
            </Show>
            {move || match plan.get() {
                None => view! { <p class="empty">{move || tr.t("plan.no_dates")}</p> }.into_any(),
                Some(t) => view! { {progress_table(&t, tr)} {timeline_svg(t, tr)} }.into_any(),
            }}
        </section>
    }
}

/// The timeline's phases as a table: the same facts in words, for reading and for print.
fn progress_table(t: &Timeline, tr: crate::ui::tr::Tr) -> impl IntoView {
    let rows: Vec<_> = t
        .bars
        .iter()
        .map(|bar| {
            let from = t.start.add_days(bar.from);
            let to = from.add_days(bar.days - 1);
            (bar.name.clone(), format!("{from} — {to}"), bar.progress)
        })
        .collect();
    view! {
        <div class="table-wrap">
            <table class="table compact">
                <thead><tr>
                    <th>{move || tr.t("phase.name")}</th>
                    <th>{move || tr.t("plan.dates")}</th>
                    <th>{move || tr.t("plan.progress_title")}</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|(name, dates, progress)| {
                        let complete = progress.complete();
                        let done = tr.f("plan.progress", &[("done", &progress.done.to_string()), ("all", &progress.tasks.to_string())]);
                        let overdue = (progress.overdue > 0).then(|| tr.f("plan.overdue_count", &[("n", &progress.overdue.to_string())]));
                        view! {
                            <tr data-testid="phase-progress-row" data-complete=complete.to_string()>
                                <td>{name}</td>
                                <td>{dates}</td>
                                <td>
                                    {done}
                                    {complete.then(|| view! { " " <span class="badge stage-approved">{move || tr.t("plan.complete")}</span> })}
                                    {overdue.map(|text| view! { " " <span class="badge flag">{text}</span> })}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

fn timeline_svg(t: Timeline, tr: crate::ui::tr::Tr) -> impl IntoView {
    let width = LABEL + t.days as f64 * DAY + 20.0;
    let height = 28.0 + t.bars.len() as f64 * ROW;
    let x = move |day: i64| LABEL + day as f64 * DAY;
    // A tick on the first of each month, and on the first day when no month starts soon after.
    let firsts = (0..t.days).filter(|d| t.start.add_days(*d).day() == 1);
    let ticks: Vec<(f64, String)> = std::iter::once(0)
        .filter(|_| (0..t.days).find(|d| t.start.add_days(*d).day() == 1).is_none_or(|d| d > 12))
        .chain(firsts)
        .map(|d| {
            let date = t.start.add_days(d);
            (x(d), format!("{}-{:02}", date.year(), date.month()))
        })
        .collect();
    let today_x = x(t.today) + DAY / 2.0;
    view! {
        <div class="timeline-wrap">
            <svg class="timeline" width=width height=height viewBox=format!("0 0 {width} {height}") role="img"
                aria-label=move || tr.t("plan.timeline")>
                {ticks.into_iter().map(|(tx, label)| view! {
                    <line class="tick" x1=tx x2=tx y1=18 y2=height></line>
                    <text class="tick-label" x=tx + 2.0 y=12>{label}</text>
                }).collect_view()}
                {t.bars.into_iter().enumerate().map(|(i, bar)| {
                    let y = 24.0 + i as f64 * ROW;
                    let complete = bar.progress.complete();
                    let count = tr.f("plan.progress", &[("done", &bar.progress.done.to_string()), ("all", &bar.progress.tasks.to_string())]);
                    view! {
                        <g data-testid="timeline-phase" data-complete=complete.to_string()>
                            <text class="bar-label" x=4 y=y + 12.0>{bar.name.clone()}</text>
                            <text class="bar-count" x=4 y=y + 26.0>{count}</text>
                            <rect class="bar" class:complete=complete x=x(bar.from) y=y + 2.0 width=bar.days as f64 * DAY height=ROW - 12.0 rx=3></rect>
                            {bar.tasks.into_iter().map(|(day, done, overdue)| view! {
                                <circle class="task-dot" class:done=done class:overdue=overdue cx=x(day) + DAY / 2.0 cy=y + 13.0 r=4></circle>
                            }).collect_view()}
                        </g>
                    }
                }).collect_view()}
                <line class="today" data-testid="timeline-today" x1=today_x x2=today_x y1=16 y2=height></line>
                <text class="today-label" x=today_x + 3.0 y=height - 4.0>{move || tr.t("plan.today")}</text>
            </svg>
        </div>
    }
}

/// The “4有” of the study: each ticked when a done task of its kind names its evidence.
#[component]
fn FourHaveCard() -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let items = move || session.with_kind::<Task, _>(four_have).unwrap_or_default();
    view! {
        <section class="card" data-testid="four-have">
            <h2>{move || tr.t("plan.four_have")}</h2>
            <p class="hint">{move || tr.t("plan.four_have_rule")}</p>
            <ul class="guide-steps four-have">
                {move || items().into_iter().map(|(kind, has)| view! {
                    <li class:done=has data-testid="four-have-item" data-done=has.to_string()>
                        <span class="guide-mark" aria-hidden="true">{if has { "✓" } else { "○" }}</span>
                        <span>{move || tr.t(kind.label_key())}</span>
                        <span class="hint">{move || tr.t(if has { "plan.four_have_yes" } else { "plan.four_have_no" })}</span>
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
}
