//! 公示: rounds in which approved points are shown for at least a week, the opinions gathered,
//! and closing a round.

use leptos::prelude::*;

use crate::doc::DocError;
use crate::engine::{AnyForm, Command, Outcome};
use crate::model::{Entity, Publicity, ReviewStage};
use crate::rules::{Invalid, OpinionForm, PublicityForm, changed_since, may_close, measures_of, round_state, stage_of};
use crate::ui::hooks::today;
use crate::ui::use_app;
use crate::ui::widgets::{CheckList, FormNotice, TextArea, TextField, lens};

/// `/r/<id>/publicity`.
#[component]
pub fn PublicityPage() -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let chosen = RwSignal::new(None::<String>);
    let rounds = move || {
        let mut rounds: Vec<(String, Publicity)> = session
            .with(|r| {
                r.publicity.iter().filter(|(_, p)| p.is_active()).map(|(id, p)| (id.clone(), p.clone())).collect()
            })
            .unwrap_or_default();
        rounds.sort_by(|a, b| b.1.start.cmp(&a.1.start));
        rounds
    };
    view! {
        <h1 class="page-title">{move || tr.t("publicity.title")}</h1>
        <section class="card">
            <h2>{move || tr.t("publicity.rounds")}</h2>
            <div class="table-wrap"><table class="table compact" data-testid="publicity-table">
                <thead><tr>
                    <th>{move || tr.t("publicity.round_title")}</th>
                    <th>{move || tr.t("phase.start")}</th>
                    <th>{move || tr.t("phase.end")}</th>
                    <th>{move || tr.t("publicity.state")}</th>
                    <th>{move || tr.t("publicity.points")}</th>
                    <th>{move || tr.t("publicity.opinions")}</th>
                    <th></th>
                </tr></thead>
                <tbody>
                    {move || rounds().into_iter().map(|(id, round)| {
                        let state = round_state(&round, today());
                        view! {
                            <tr data-testid="publicity-row">
                                <td>{round.title.clone()}</td>
                                <td>{round.start.clone()}</td>
                                <td>{round.end.clone()}</td>
                                <td data-testid="publicity-state">{move || tr.t(state.label_key())}</td>
                                <td>{round.risks.len()}</td>
                                <td>{round.opinions.len()}</td>
                                <td class="row-actions">
                                    <button data-testid="publicity-open" on:click=move |_| chosen.set(Some(id.clone()))>{move || tr.t("publicity.view")}</button>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table></div>
        </section>
        {move || chosen.get().map(|id| view! { <RoundDetail id/> })}
        <NewRound chosen/>
    }
}

/// The form that opens a round.
#[component]
fn NewRound(chosen: RwSignal<Option<String>>) -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let form = RwSignal::new(PublicityForm::default());
    let errors = RwSignal::new(Vec::<Invalid>::new());
    let notice = RwSignal::new(None::<(bool, String)>);
    let approved = Signal::derive(move || {
        session
            .with(|r| {
                r.risks
                    .iter()
                    .filter(|(id, p)| p.is_active() && stage_of(p, &measures_of(r, id)) == ReviewStage::Approved)
                    .map(|(id, p)| (id.clone(), p.label()))
                    .collect()
            })
            .unwrap_or_default()
    });
    let open = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = AnyForm::Publicity(form.get_untracked());
        session.send(Command::Create(input), move |result| match result {
            Ok(outcome) => {
                errors.set(Vec::new());
                form.set(PublicityForm::default());
                notice.set(Some((true, tr.t("publicity.opened").to_string())));
                if let Outcome::Created(id) = outcome {
                    chosen.set(Some(id));
                }
            }
            Err(DocError::Invalid(refused)) => errors.set(refused),
            Err(other) => notice.set(Some((false, tr.t(other.label_key()).to_string()))),
        });
    };
    view! {
        <section class="card">
            <h2>{move || tr.t("publicity.new")}</h2>
            <p class="hint">{move || tr.t("publicity.new_hint")}</p>
            <form class="form" on:submit=open data-testid="publicity-form">
                <TextField form lens=lens!(title) errors field="title" label="publicity.round_title" prefix="publicity" required=true/>
                <TextField form lens=lens!(start) errors field="start" label="phase.start" prefix="publicity" input_type="date" required=true/>
                <TextField form lens=lens!(end) errors field="end" label="phase.end" prefix="publicity" input_type="date" required=true/>
                <CheckList form get=|f| f.risks.clone() set=|f, v| f.risks = v errors field="risks" label="publicity.choose_points" prefix="publicity" options=approved/>
                <div class="actions">
                    <button type="submit" class="primary" data-testid="publicity-save">{move || tr.t("publicity.open_round")}</button>
                </div>
                <FormNotice notice testid="publicity-notice"/>
            </form>
        </section>
    }
}

/// One round: its points, opinions and answers, and closing.
#[component]
fn RoundDetail(id: String) -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let round_id = StoredValue::new(id);
    let round = move || round_id.with_value(|id| session.entity::<Publicity>(id));
    let opinion = RwSignal::new(OpinionForm::default());
    let errors = RwSignal::new(Vec::<Invalid>::new());
    let notice = RwSignal::new(None::<(bool, String)>);
    let record = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let command = Command::RecordOpinion { round: round_id.get_value(), form: opinion.get_untracked() };
        session.send(command, move |result| match result {
            Ok(_) => {
                errors.set(Vec::new());
                opinion.set(OpinionForm::default());
            }
            Err(DocError::Invalid(refused)) => errors.set(refused),
            Err(other) => notice.set(Some((false, tr.t(other.label_key()).to_string()))),
        });
    };
    let answer = move |opinion_id: String, text: String| {
        let command = Command::AnswerOpinion { round: round_id.get_value(), opinion: opinion_id, answer: text };
        session.send(command, move |result| {
            if let Err(e) = result {
                notice.set(Some((false, tr.t(e.label_key()).to_string())));
            }
        });
    };
    let close = move |_| {
        let command = Command::ClosePublicity { round: round_id.get_value(), today: today().to_string() };
        session.send(command, move |result| {
            notice.set(Some(match result {
                Ok(_) => (true, tr.t("publicity.closed_now").to_string()),
                Err(e) => (false, tr.t(e.label_key()).to_string()),
            }))
        });
    };
    view! {
        {move || round().map(|round| {
            let state = round_state(&round, today());
            let closable = may_close(&round, today());
            let points: Vec<(String, bool)> = session
                .with(|r| round.risks.iter().map(|(id, shown)| {
                    let label = r.risks.get(id).map(|p| p.label()).unwrap_or_default();
                    (label, changed_since(r, id, shown))
                }).collect())
                .unwrap_or_default();
            let mut opinions: Vec<_> = round.opinions.clone().into_iter().collect();
            opinions.sort_by_key(|(_, o)| o.at);
            view! {
                <section class="card" data-testid="round-detail">
                    <h2>{round.title.clone()} " · " <span data-testid="round-state">{move || tr.t(state.label_key())}</span></h2>
                    <p class="hint">{format!("{} — {}", round.start, round.end)}</p>
                    <h3>{move || tr.t("publicity.points")}</h3>
                    <ul class="plain">
                        {points.into_iter().map(|(label, changed)| view! {
                            <li data-testid="round-point">{label}
                                {changed.then(|| view! { " " <span class="badge warn" data-testid="round-point-changed">{move || tr.t("publicity.changed_since")}</span> })}
                            </li>
                        }).collect_view()}
                    </ul>
                    <h3>{move || tr.t("publicity.opinions")}</h3>
                    <ul class="plain">
                        {opinions.into_iter().map(|(oid, o)| {
                            let draft = RwSignal::new(o.answer.clone());
                            let from = if o.from.is_empty() { tr.t("publicity.anonymous").to_string() } else { o.from.clone() };
                            view! {
                                <li data-testid="opinion">
                                    <strong>{from}</strong> "：" {o.text.clone()}
                                    <div class="answer">
                                        <input data-testid="opinion-answer" prop:value=move || draft.get()
                                            placeholder=move || tr.t("publicity.answer")
                                            on:input=move |ev| draft.set(event_target_value(&ev))/>
                                        <button data-testid="opinion-answer-save" on:click=move |_| answer(oid.clone(), draft.get_untracked())>
                                            {move || tr.t("form.save")}
                                        </button>
                                    </div>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    {(state != crate::rules::RoundState::Closed).then(|| view! {
                        <form class="form" on:submit=record data-testid="opinion-form">
                            <TextField form=opinion lens=lens!(from) errors field="from" label="publicity.from" prefix="opinion"/>
                            <TextArea form=opinion lens=lens!(text) errors field="text" label="publicity.opinion" prefix="opinion" required=true/>
                            <div class="actions">
                                <button type="submit" data-testid="opinion-save">{move || tr.t("publicity.record")}</button>
                                <button type="button" class="primary" data-testid="publicity-close" disabled=!closable on:click=close>
                                    {move || tr.t("publicity.close")}
                                </button>
                            </div>
                        </form>
                    })}
                    {move || notice.get().map(|(ok, text)| view! {
                        <p class=if ok { "notice ok" } else { "notice error" } data-testid="round-notice">{text}</p>
                    })}
                </section>
            }
        })}
    }
}
