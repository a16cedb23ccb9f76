//! 查找与审核: the point's review stage, its trail, and the steps open to the member.

use leptos::prelude::*;

use crate::engine::{Command, Outcome};
use crate::model::{ReviewAction, ReviewStage, RiskPoint};
use crate::rules::{actions_at, in_force, measures_of, publicity_mark, stage_of, waiting_for};
use crate::ui::time::format_time;
use crate::ui::use_app;

/// The review of risk point `id`.
#[component]
pub fn ReviewPanel(#[prop(into)] id: Signal<Option<String>>) -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let note = RwSignal::new(String::new());
    let notice = RwSignal::new(None::<(bool, String)>);
    let risk = move || id.get().and_then(|id| session.entity::<RiskPoint>(&id));
    let mark = move || id.get().and_then(|id| session.with(|r| publicity_mark(r, &id)).flatten());
    let person = move |pid: &str| {
        session
            .with(|r| r.person_name(pid).map(str::to_string))
            .flatten()
            .unwrap_or_else(|| tr.t("history.unknown_author").to_string())
    };
    let act = move |action: ReviewAction| {
        let Some(id) = id.get_untracked() else { return };
        let text = note.get_untracked();
        session.send(Command::ReviewStep { risk: id, action, note: text }, move |result| match result {
            Ok(Outcome::Reviewed(stage)) => {
                note.set(String::new());
                notice.set(Some((true, tr.f("review.done", &[("stage", tr.t(stage.label_key()))]))));
            }
            Ok(_) => {}
            Err(e) => notice.set(Some((false, tr.t(e.label_key()).to_string()))),
        });
    };
    view! {
        {move || risk().zip(id.get()).map(|(risk, id)| {
            let stage = session.with(|r| stage_of(&risk, &measures_of(r, &id))).unwrap_or(risk.review);
            let amended = stage != risk.review;
            // While a newer version is reviewed, the approved one stays in force: show it.
            let in_force = risk.approved.clone().filter(|_| stage != ReviewStage::Approved && in_force(&risk));
            let trail: Vec<_> = risk.trail_in_order().into_iter().map(|(_, e)| e.clone()).collect();
            view! {
                <section class="card" data-testid="review-panel">
                    <h2>{move || tr.t("review.title")}</h2>
                    <p>
                        <span class=format!("badge stage-{}", stage.code()) data-testid="review-stage" data-stage=stage.code()>
                            {move || tr.t(stage.label_key())}
                        </span>
                        " "
                        {waiting_for(stage).map(|key| view! { <span class="hint">{move || tr.t(key)}</span> })}
                        {amended.then(|| view! {
                            <span class="badge warn" data-testid="review-amended">{move || tr.t("review.amended")}</span>
                        })}
                        {move || mark().map(|m| view! {
                            <span class=if m.changed { "badge warn" } else { "badge" } data-testid="risk-publicity"
                                  data-changed=m.changed.to_string()>
                                {move || tr.t(match (m.publicised, m.changed) {
                                    (_, true) => "publicity.changed_since",
                                    (true, false) => "publicity.publicised",
                                    (false, false) => "publicity.in_round",
                                })}
                            </span>
                        })}
                    </p>
                    {in_force.map(|approval| {
                        let version = approval.version;
                        let who = person(&approval.by);
                        let measures: Vec<_> = version.measures.into_values().collect();
                        view! {
                            <details class="approved-version" data-testid="approved-version">
                                <summary>{move || tr.f("review.approved_version", &[("who", &who), ("time", &format_time(approval.at))])}</summary>
                                <dl>
                                    {[("risk.description", version.description), ("risk.manifestations", version.manifestations), ("risk.causes", version.causes)]
                                        .into_iter()
                                        .filter(|(_, text)| !text.is_empty())
                                        .map(|(label, text)| view! { <dt>{move || tr.t(label)}</dt><dd>{text}</dd> })
                                        .collect_view()}
                                    <dt>{move || tr.t("risk.level")}</dt><dd>{move || tr.t(version.level.label_key())}</dd>
                                    {(!measures.is_empty()).then(|| view! {
                                        <dt>{move || tr.t("measures.title")}</dt>
                                        <dd><ul>{measures.into_iter().map(|m| view! {
                                            <li>{move || tr.t(m.stage.label_key())} {move || tr.t("punct.colon")} {m.description.clone()}</li>
                                        }).collect_view()}</ul></dd>
                                    })}
                                </dl>
                            </details>
                        }
                    })}
                    <ol class="trail">
                        {trail.into_iter().map(|e| {
                            let who = person(&e.by);
                            view! {
                                <li data-testid="review-entry">
                                    <span class="when">{format_time(e.at)}</span> " "
                                    <strong>{who}</strong> " · "
                                    {move || tr.t(e.stage.label_key())} " · "
                                    {move || tr.t(e.action.label_key())}
                                    {(!e.note.is_empty()).then(|| view! { <span class="note">"：" {e.note.clone()}</span> })}
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                    {(!actions_at(stage).is_empty()).then(|| view! {
                        <label class="field wide">
                            <span class="field-label">{move || tr.t("review.note")}</span>
                            <textarea rows="2" data-testid="review-note" prop:value=move || note.get()
                                on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                        </label>
                        <div class="actions wrap">
                            {actions_at(stage).into_iter().map(|action| view! {
                                <button class=if action == ReviewAction::Approve { "primary" } else { "" }
                                    data-testid=format!("review-{}", action.code()) on:click=move |_| act(action)>
                                    {move || tr.t(action.label_key())}
                                </button>
                            }).collect_view()}
                        </div>
                    })}
                    {move || notice.get().map(|(ok, text)| view! {
                        <p class=if ok { "notice ok" } else { "notice error" } data-testid="review-notice">{text}</p>
                    })}
                </section>
            }
        })}
    }
}
