//! 我是谁: the member at this browser picks their person in the register, or adds themselves,
//! so every change they make carries their name.

use leptos::prelude::*;

use super::use_app;
use super::widgets::{TextField, lens};
use crate::doc::DocError;
use crate::engine::{Command, Outcome};
use crate::model::{Entity, Person};
use crate::rules::{Invalid, PersonForm};

/// Shown on every page of a register until the member has said who they are.
#[component]
pub fn WhoAmI() -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let chosen = RwSignal::new(String::new());
    let form = RwSignal::new(PersonForm::default());
    let errors = RwSignal::new(Vec::<Invalid>::new());
    let people =
        move || -> Vec<(String, String)> { session.with_kind::<Person, _>(Person::choices).unwrap_or_default() };
    let confirm = move |_| {
        let id = chosen.get_untracked();
        if !id.is_empty() {
            session.set_me(Some(id));
        }
    };
    let add_me = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = form.get_untracked();
        session.send(Command::AddMember(input), move |result| match result {
            Ok(Outcome::Created(id)) => {
                errors.set(Vec::new());
                session.set_me(Some(id));
            }
            Ok(other) => leptos::logging::error!("adding the member answered {other:?}"),
            Err(DocError::Invalid(refused)) => errors.set(refused),
            Err(other) => leptos::logging::error!("adding the member failed: {other}"),
        });
    };
    view! {
        <section class="card whoami" data-testid="whoami">
            <h2>{move || tr.t("whoami.title")}</h2>
            <p class="hint">{move || tr.t("whoami.hint")}</p>
            <Show when=move || !people().is_empty()>
                <div class="form">
                    <label class="field">
                        <span class="field-label">{move || tr.t("whoami.pick")}</span>
                        <select data-testid="whoami-select" on:change=move |ev| chosen.set(event_target_value(&ev))>
                            <option value="">{move || tr.t("form.choose")}</option>
                            {move || people().into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                        </select>
                    </label>
                    <div class="actions">
                        <button class="primary" data-testid="whoami-confirm" on:click=confirm>{move || tr.t("whoami.confirm")}</button>
                    </div>
                </div>
            </Show>
            <form class="form" on:submit=add_me data-testid="whoami-add-form">
                <TextField form lens=lens!(name) errors field="name" label="whoami.add_name" prefix="whoami" required=true/>
                <TextField form lens=lens!(title) errors field="title" label="person.title" prefix="whoami"/>
                <div class="actions">
                    <button type="submit" data-testid="whoami-add">{move || tr.t("whoami.add")}</button>
                </div>
            </form>
        </section>
    }
}
