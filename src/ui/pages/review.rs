//! 审核: what waits for whom, department by department; the template's drafts to adopt or drop;
//! the level matrix the rating helper proposes from.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::engine::Command;
use crate::model::{Degree, Entity, EntityKind, ReviewAction, ReviewStage, RiskLevel};
use crate::rules::{Stages, overdue_measures, waiting_for};
use crate::ui::hooks::today;
use crate::ui::use_app;

/// One point waiting in review, as the department view lists it.
#[derive(Clone, PartialEq)]
struct Waiting {
    id: String,
    description: String,
    stage: ReviewStage,
}

/// `/r/<id>/review`.
#[component]
pub fn ReviewPage() -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let rid = move || session.open_id.get().unwrap_or_default();
    // Department name → points in review, and its overdue measures.
    let departments = move || {
        session
            .with(|r| {
                let overdue = overdue_measures(r, today());
                let mut groups: Vec<(String, Vec<Waiting>, usize)> = Vec::new();
                let stages = Stages::new(r);
                for (id, risk) in r.risks.iter().filter(|(_, p)| p.is_active()) {
                    let stage = stages.of(id, risk);
                    if matches!(stage, ReviewStage::Draft | ReviewStage::Approved | ReviewStage::Rejected) {
                        continue;
                    }
                    let name = r
                        .risk_department(risk)
                        .and_then(|d| r.departments.get(d))
                        .map_or(r.unit.name.clone(), |d| d.name.clone());
                    let waiting = Waiting { id: id.clone(), description: risk.description.as_str().to_string(), stage };
                    match groups.iter_mut().find(|(n, _, _)| *n == name) {
                        Some((_, list, _)) => list.push(waiting),
                        None => groups.push((name, vec![waiting], 0)),
                    }
                }
                for measure in overdue.iter().filter_map(|m| r.measures.get(*m)) {
                    let name = r
                        .risks
                        .get(&measure.risk)
                        .and_then(|p| r.risk_department(p))
                        .and_then(|d| r.departments.get(d))
                        .map_or(r.unit.name.clone(), |d| d.name.clone());
                    match groups.iter_mut().find(|(n, _, _)| *n == name) {
                        Some((_, _, late)) => *late += 1,
                        None => groups.push((name, Vec::new(), 1)),
                    }
                }
                for (_, list, _) in &mut groups {
                    list.sort_by(|a, b| b.stage.cmp(&a.stage).then(a.description.cmp(&b.description)));
                }
                groups.sort_by(|a, b| a.0.cmp(&b.0));
                groups
            })
            .unwrap_or_default()
    };
    let drafts = move || {
        session
            .with(|r| {
                r.risks
                    .iter()
                    .filter(|(_, p)| p.is_active() && p.review == ReviewStage::Draft)
                    .map(|(id, p)| (id.clone(), p.description.as_str().to_string()))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    let notice = RwSignal::new(None::<(bool, String)>);
    let adopt = move |id: String| {
        let command = Command::ReviewStep { risk: id, action: ReviewAction::Adopt, note: String::new() };
        session.send(command, move |result| {
            notice.set(Some(match result {
                Ok(_) => (true, tr.t("drafts.adopted").to_string()),
                Err(e) => (false, tr.t(e.label_key()).to_string()),
            }))
        });
    };
    let drop_draft = move |id: String| {
        session.send(Command::SetArchived { kind: EntityKind::Risk, id, archived: true }, move |result| {
            notice.set(Some(match result {
                Ok(_) => (true, tr.t("drafts.dropped").to_string()),
                Err(e) => (false, tr.t(e.label_key()).to_string()),
            }))
        });
    };
    view! {
        <h1 class="page-title">{move || tr.t("review_page.title")}</h1>
        <section class="card" data-testid="department-view">
            <h2>{move || tr.t("review_page.waiting")}</h2>
            {move || {
                let groups = departments();
                if groups.is_empty() {
                    return view! { <p class="empty">{move || tr.t("review_page.nothing_waiting")}</p> }.into_any();
                }
                groups
                    .into_iter()
                    .map(|(name, points, late)| view! {
                        <div class="department-group" data-testid="department-group">
                            <h3>{name.clone()}
                                {(late > 0).then(|| view! {
                                    " " <span class="badge warn" data-testid="department-overdue">{move || tr.f("review_page.overdue", &[("n", &late.to_string())])}</span>
                                })}
                            </h3>
                            <ul class="plain">
                                {points.into_iter().map(|p| {
                                    let waiting = waiting_for(p.stage).unwrap_or("");
                                    view! {
                                        <li data-testid="waiting-point" data-stage=p.stage.code()>
                                            <span class=format!("badge stage-{}", p.stage.code())>{move || tr.t(p.stage.label_key())}</span> " "
                                            <A href=format!("/r/{}/risks/{}", rid(), p.id)>{p.description.clone()}</A>
                                            " — " <span class="hint">{move || tr.t(waiting)}</span>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        </div>
                    })
                    .collect_view()
                    .into_any()
            }}
        </section>
        <section class="card" data-testid="drafts">
            <h2>{move || tr.t("drafts.title")}</h2>
            <p class="hint">{move || tr.t("drafts.hint")}</p>
            <ul class="plain">
                {move || drafts().into_iter().map(|(id, description)| {
                    let (adopt_id, drop_id) = (id.clone(), id.clone());
                    view! {
                        <li data-testid="draft">
                            <A href=format!("/r/{}/risks/{id}", rid())>{description}</A> " "
                            <button data-testid="draft-adopt" on:click=move |_| adopt(adopt_id.clone())>{move || tr.t("drafts.adopt")}</button>
                            <button data-testid="draft-drop" on:click=move |_| drop_draft(drop_id.clone())>{move || tr.t("drafts.drop")}</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            {move || notice.get().map(|(ok, text)| view! {
                <p class=if ok { "notice ok" } else { "notice error" } data-testid="drafts-notice">{text}</p>
            })}
        </section>
        <LevelMatrix/>
    }
}

/// The editable likelihood × severity matrix.
#[component]
fn LevelMatrix() -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let set = move |l: Degree, s: Degree, code: String| {
        if let Some(level) = RiskLevel::from_code(&code) {
            session.send(Command::SetMatrixCell { likelihood: l, severity: s, level }, |_| {});
        }
    };
    view! {
        <section class="card" data-testid="level-matrix">
            <h2>{move || tr.t("matrix.title")}</h2>
            <p class="hint">{move || tr.t("matrix.hint")}</p>
            <div class="table-wrap"><table class="table compact matrix">
                <thead>
                    <tr>
                        <th>{move || tr.t("matrix.corner")}</th>
                        {Degree::ALL.into_iter().map(|s| view! { <th>{move || tr.t(s.label_key())}</th> }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {Degree::ALL.into_iter().map(|l| view! {
                        <tr>
                            <th>{move || tr.t(l.label_key())}</th>
                            {Degree::ALL.into_iter().map(|s| {
                                let current = move || session.with_settings(|settings| settings.matrix_level(l, s)).unwrap_or(RiskLevel::Three);
                                view! {
                                    <td>
                                        <select data-testid=format!("matrix-{}x{}", l.score(), s.score())
                                            aria-label=move || tr.f("matrix.cell", &[("likelihood", tr.t(l.label_key())), ("severity", tr.t(s.label_key()))])
                                            class=move || format!("level-{}", current().code())
                                            on:change=move |ev| set(l, s, event_target_value(&ev))>
                                            {RiskLevel::ALL.into_iter().map(|level| view! {
                                                <option value=level.code() selected=move || current() == level>{move || tr.t(level.label_key())}</option>
                                            }).collect_view()}
                                        </select>
                                    </td>
                                }
                            }).collect_view()}
                        </tr>
                    }).collect_view()}
                </tbody>
            </table></div>
        </section>
    }
}
