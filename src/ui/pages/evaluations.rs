//! 廉政评议: each cadre's yearly 100-point score from its weighted parts (自评, 同事互评, 领导评议),
//! 不达标 below the pass mark, the talk (廉政谈话) that is then due, and a warning raised from it.

use leptos::prelude::*;

use crate::model::{Entity, Evaluation, Person};
use crate::rules::{EvaluationForm, below_pass, evaluation_score, score_text, talks_due};
use crate::ui::entity_section::{RowLink, Section, entity_section};
use crate::ui::pages::meetings::RecordRulesCard;
use crate::ui::use_app;
use crate::ui::widgets::{SelectField, TextArea, TextField, lens};

/// `/r/<id>/evaluations`.
#[component]
pub fn EvaluationsPage() -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let rules = move || {
        session
            .with_settings(|s| {
                let w = s.records.weights;
                tr.f(
                    "evaluation.rule",
                    &[
                        ("own", &w.own.to_string()),
                        ("peers", &w.peers.to_string()),
                        ("leaders", &w.leaders.to_string()),
                        ("mark", &s.records.pass_mark.to_string()),
                    ],
                )
            })
            .unwrap_or_default()
    };
    let due = move || {
        session
            .with(|r| {
                talks_due(r)
                    .into_iter()
                    .map(|(_, e)| {
                        let score = evaluation_score(r, e).map(score_text).unwrap_or_default();
                        (r.person_name(&e.person).unwrap_or_default().to_string(), e.year.clone(), score)
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    view! {
        <h1 class="page-title">{move || tr.t("evaluation.title")}</h1>
        <p class="hint" data-testid="evaluation-rule">{rules}</p>
        <section class="card" data-testid="talks-due">
            <h2>{move || tr.t("evaluation.talks_due")}</h2>
            <Show when=move || !due().is_empty() fallback=move || view! { <p class="empty">{move || tr.t("evaluation.no_talks_due")}</p> }>
                <ul class="flag-list">
                    {move || due().into_iter().map(|(name, year, score)| view! {
                        <li data-testid="talk-due-row">{tr.f("evaluation.talk_due", &[("name", &name), ("year", &year), ("score", &score)])}</li>
                    }).collect_view()}
                </ul>
            </Show>
        </section>
        {entity_section::<Evaluation, EvaluationForm>(Section {
            title: "evaluation.list",
            prefix: "evaluation",
            columns: vec![
                ("evaluation.person", |c, e| c.register.person_name(&e.person).unwrap_or_default().to_string()),
                ("evaluation.year", |_, e| e.year.clone()),
                ("evaluation.own", |_, e| e.own.map(|s| s.to_string()).unwrap_or_default()),
                ("evaluation.peers", |_, e| e.peers.map(|s| s.to_string()).unwrap_or_default()),
                ("evaluation.leaders", |_, e| e.leaders.map(|s| s.to_string()).unwrap_or_default()),
                ("evaluation.score", |c, e| evaluation_score(c.register, e).map(score_text).unwrap_or_default()),
                ("evaluation.result", |c, e| {
                    let key = match (evaluation_score(c.register, e), below_pass(c.register, e), &e.talk) {
                        (None, _, _) => "evaluation.pending",
                        (Some(_), false, _) => "evaluation.pass",
                        (Some(_), true, None) => "evaluation.fail_talk_due",
                        (Some(_), true, Some(_)) => "evaluation.fail_talked",
                    };
                    crate::i18n::format(c.locale, key, &[("date", e.talk.as_ref().map(|t| t.date.as_str()).unwrap_or_default())])
                }),
            ],
            order: |c, e| format!("{}{}", e.year, c.register.person_name(&e.person).unwrap_or_default()),
            fields: |form, errors| {
                let session = use_app().session;
                let people = Signal::derive(move || session.with_kind::<Person, _>(Person::choices).unwrap_or_default());
                view! {
                    <SelectField form lens=lens!(person) errors field="person" label="evaluation.person" prefix="evaluation" options=people empty_label="form.choose" required=true/>
                    <TextField form lens=lens!(year) errors field="year" label="evaluation.year" prefix="evaluation" required=true/>
                    <TextField form lens=lens!(own) errors field="own" label="evaluation.own" prefix="evaluation" input_type="number"/>
                    <TextField form lens=lens!(peers) errors field="peers" label="evaluation.peers" prefix="evaluation" input_type="number"/>
                    <TextField form lens=lens!(leaders) errors field="leaders" label="evaluation.leaders" prefix="evaluation" input_type="number"/>
                    <TextField form lens=lens!(talk_date) errors field="talk_date" label="evaluation.talk_date" prefix="evaluation" input_type="date"/>
                    <SelectField form lens=lens!(talk_by) errors field="talk_by" label="evaluation.talk_by" prefix="evaluation" options=people empty_label="form.none"/>
                    <TextArea form lens=lens!(talk_notes) errors field="talk_notes" label="evaluation.talk_notes" prefix="evaluation"/>
                }
                .into_any()
            },
            scope: None,
            link: Some(RowLink {
                label: "evaluation.raise",
                shown: |c, e| e.talk.is_none() && below_pass(c.register, e),
                href: |rid, id| format!("/r/{rid}/warnings/new?evaluation={id}"),
            }),
        })}
        <RecordRulesCard evaluation=true/>
    }
}
