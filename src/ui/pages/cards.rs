//! 勤廉责任卡: each cadre's card, its four steps (个人填报 → 领导审核 → 集中评议 → 领导小组审批),
//! and the ledger of approved cards (勤廉责任台账), printed as a table.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::engine::{Command, Outcome};
use crate::model::{CardStage, DutyCard, Entity, Person};
use crate::rules::{CardForm, card_actions_at, card_ledger};
use crate::ui::entity_section::{RowLink, Section, entity_section};
use crate::ui::time::format_time;
use crate::ui::use_app;
use crate::ui::widgets::{SelectField, TextArea, TextField, lens};

/// `/r/<id>/cards`.
#[component]
pub fn CardsPage() -> impl IntoView {
    let app = use_app();
    let tr = app.tr;
    view! {
        <h1 class="page-title no-print">{move || tr.t("card.title")}</h1>
        <p class="hint no-print">{move || tr.t("card.rule")}</p>
        <div class="no-print">
            {entity_section::<DutyCard, CardForm>(Section {
                title: "card.list",
                prefix: "card",
                columns: vec![
                    ("card.person", |c, card| c.register.person_name(&card.person).unwrap_or_default().to_string()),
                    ("card.year", |_, card| card.year.clone()),
                    ("card.stage", |c, card| crate::i18n::text(c.locale, card.stage.label_key()).to_string()),
                ],
                order: |_, card| card.year.clone(),
                fields: |form, errors| {
                    let session = use_app().session;
                    let people = Signal::derive(move || session.with_kind::<Person, _>(Person::choices).unwrap_or_default());
                    view! {
                        <SelectField form lens=lens!(person) errors field="person" label="card.person" prefix="card" options=people empty_label="form.choose" required=true/>
                        <TextField form lens=lens!(year) errors field="year" label="card.year" prefix="card" required=true/>
                        <TextArea form lens=lens!(duties) errors field="duties" label="card.duties" prefix="card" required=true/>
                        <TextArea form lens=lens!(tasks) errors field="tasks" label="card.tasks" prefix="card" required=true/>
                        <TextArea form lens=lens!(conduct) errors field="conduct" label="card.conduct" prefix="card"/>
                    }
                    .into_any()
                },
                scope: None,
                link: Some(RowLink { label: "card.open", shown: |_, _| true, href: |rid, id| format!("/r/{rid}/cards/{id}") }),
            })}
        </div>
        <Ledger/>
    }
}

/// The approved cards as one table, printed on A4.
#[component]
fn Ledger() -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let rows = move || {
        session
            .with(|r| {
                card_ledger(r)
                    .into_iter()
                    .map(|(_, c)| {
                        let name = r.person_name(&c.person).unwrap_or_default().to_string();
                        (
                            name,
                            c.year.clone(),
                            c.duties.as_str().to_string(),
                            c.tasks.as_str().to_string(),
                            c.conduct.as_str().to_string(),
                        )
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    let unit = move || session.with_unit(|u| u.name.clone()).unwrap_or_default();
    view! {
        <section class="card print-sheet" data-testid="card-ledger">
            <h2>{move || format!("{}{}", unit(), tr.t("card.ledger"))}</h2>
            <Show
                when=move || !rows().is_empty()
                fallback=move || view! { <p class="empty">{move || tr.t("card.ledger_empty")}</p> }
            >
                <div class="actions no-print">
                    <button type="button" data-testid="card-ledger-print" on:click=move |_| { let _ = window().print(); }>
                        {move || tr.t("card.print_ledger")}
                    </button>
                </div>
                <div class="table-wrap">
                    <table class="table form-table">
                        <thead><tr>
                            <th>{move || tr.t("card.person")}</th>
                            <th>{move || tr.t("card.year")}</th>
                            <th>{move || tr.t("card.duties")}</th>
                            <th>{move || tr.t("card.tasks")}</th>
                            <th>{move || tr.t("card.conduct")}</th>
                        </tr></thead>
                        <tbody>
                            {move || rows().into_iter().map(|(name, year, duties, tasks, conduct)| view! {
                                <tr data-testid="card-ledger-row">
                                    <td>{name}</td><td>{year}</td>
                                    <td class="pre">{duties}</td><td class="pre">{tasks}</td><td class="pre">{conduct}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            </Show>
        </section>
    }
}

/// `/r/<id>/cards/<card id>`: one card, its trail and the steps open to the member; prints alone.
#[component]
pub fn CardPage() -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id")));
    let card = move || id.get().and_then(|id| session.entity::<DutyCard>(&id));
    let remarks = RwSignal::new(String::new());
    let notice = RwSignal::new(None::<(bool, String)>);
    let act = move |action| {
        let Some(card) = id.get_untracked() else { return };
        let command = Command::CardStep { card, action, remarks: remarks.get_untracked() };
        session.send(command, move |result| match result {
            Ok(Outcome::Card(stage)) => {
                remarks.set(String::new());
                notice.set(Some((true, tr.f("card.done", &[("stage", tr.t(stage.label_key()))]))));
            }
            Ok(_) => {}
            Err(e) => notice.set(Some((false, tr.t(e.label_key()).to_string()))),
        });
    };
    let name_of = move |pid: &str| session.person_name(pid).unwrap_or_default();
    view! {
        {move || match card() {
            None => view! { <section class="card"><h1>{move || tr.t("card.missing")}</h1></section> }.into_any(),
            Some(card) => {
                let stage = card.stage;
                let actions = card_actions_at(stage);
                let trail: Vec<_> = card.trail_in_order().into_iter().cloned().collect();
                let unit = session.with_unit(|u| u.name.clone()).unwrap_or_default();
                let person = name_of(&card.person);
                view! {
                    <article class="card print-sheet" data-testid="duty-card">
                        <h2 class="sheet-title">{format!("{unit}{}", tr.t("card.sheet_title"))}</h2>
                        <p>
                            <strong data-testid="card-person">{person}</strong> " · " {card.year.clone()} " · "
                            <span class=format!("badge card-{}", stage.code()) data-testid="card-stage" data-stage=stage.code()>
                                {move || tr.t(stage.label_key())}
                            </span>
                        </p>
                        <dl class="card-fields">
                            <dt>{move || tr.t("card.duties")}</dt><dd class="pre">{card.duties.as_str().to_string()}</dd>
                            <dt>{move || tr.t("card.tasks")}</dt><dd class="pre">{card.tasks.as_str().to_string()}</dd>
                            <dt>{move || tr.t("card.conduct")}</dt><dd class="pre">{card.conduct.as_str().to_string()}</dd>
                        </dl>
                        <ol class="trail">
                            {trail.into_iter().map(|step| view! {
                                <li data-testid="card-step">
                                    <span class="when">{format_time(step.at)}</span> " "
                                    <strong>{name_of(&step.by)}</strong> " · "
                                    {move || tr.t(step.stage.label_key())} " · "
                                    {move || tr.t(step.action.label_key())}
                                    {(!step.remarks.is_empty()).then(|| view! { <span class="note">"：" {step.remarks.clone()}</span> })}
                                </li>
                            }).collect_view()}
                        </ol>
                    </article>
                    <section class="card no-print">
                        {(!actions.is_empty()).then(|| view! {
                            <label class="field wide">
                                <span class="field-label">{move || tr.t(if stage == CardStage::Appraisal { "card.appraisal_remarks" } else { "card.remarks" })}</span>
                                <textarea rows="2" data-testid="card-remarks" prop:value=move || remarks.get()
                                    on:input=move |ev| remarks.set(event_target_value(&ev))></textarea>
                            </label>
                            <div class="actions wrap">
                                {actions.into_iter().map(|action| view! {
                                    <button class=if action == crate::model::CardAction::Return { "" } else { "primary" }
                                        data-testid=format!("card-{}", action.code()) on:click=move |_| act(action)>
                                        {move || tr.t(action.label_key())}
                                    </button>
                                }).collect_view()}
                            </div>
                        })}
                        <div class="actions">
                            <button type="button" data-testid="card-print" on:click=move |_| { let _ = window().print(); }>{move || tr.t("card.print")}</button>
                        </div>
                        {move || notice.get().map(|(ok, text)| view! {
                            <p class=if ok { "notice ok" } else { "notice error" } data-testid="card-notice">{text}</p>
                        })}
                    </section>
                }.into_any()
            }
        }}
    }
}
