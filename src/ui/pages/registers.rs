//! The registers kept in this browser, and the form that creates one.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

use crate::doc::DocError;
use crate::model::Template;
use crate::rules::{Invalid, UnitForm};
use crate::ui::import_zone::ImportZone;
use crate::ui::live::JoinForm;
use crate::ui::use_app;
use crate::ui::widgets::{TextField, lens};

/// `/`: pick a register or create one.
#[component]
pub fn RegistersPage() -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let form = RwSignal::new(UnitForm::default());
    let template = RwSignal::new(Template::CODES[0].to_string());
    let errors = RwSignal::new(Vec::<Invalid>::new());
    let navigate = use_navigate();
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let navigate = navigate.clone();
        session.create(form.get_untracked(), template.get_untracked(), move |result| match result {
            Ok(id) => {
                errors.set(Vec::new());
                form.set(UnitForm::default());
                navigate(&format!("/r/{id}"), Default::default());
            }
            Err(DocError::Invalid(refused)) => errors.set(refused),
            Err(other) => leptos::logging::error!("creating a register failed: {other}"),
        });
    };
    view! {
        <section class="card">
            <h1>{move || tr.t("registers.title")}</h1>
            <Show
                when=move || !session.registers.with(Vec::is_empty)
                fallback=move || view! { <p class="empty" data-testid="registers-empty">{move || tr.t("registers.empty")}</p> }
            >
                <ul class="register-list" data-testid="register-list">
                    <For
                        each=move || session.registers.get()
                        key=|entry| (entry.id.clone(), entry.name.clone())
                        children=move |entry| {
                            let current = entry.id.clone();
                            view! {
                                <li data-testid="register-item" class:current=move || session.open_id.get().as_deref() == Some(current.as_str())>
                                    <A href=format!("/r/{}", entry.id)>{entry.name.clone()}</A>
                                </li>
                            }
                        }
                    />
                </ul>
            </Show>
        </section>
        <section class="card">
            <h2>{move || tr.t("registers.import")}</h2>
            <p class="hint">{move || tr.t("registers.import_hint")}</p>
            <ImportZone/>
        </section>
        <section class="card">
            <h2>{move || tr.t("live.join_title")}</h2>
            <p class="hint">{move || tr.t("live.join_hint")}</p>
            <JoinForm/>
        </section>
        <section class="card">
            <h2>{move || tr.t("registers.create")}</h2>
            <p class="hint">{move || tr.t("registers.template_hint")}</p>
            <form class="form" on:submit=create data-testid="create-register-form">
                <fieldset class="field wide choice" data-testid="create-template">
                    <legend class="field-label">{move || tr.t("registers.template")}</legend>
                    {Template::CODES.into_iter().map(|code| view! {
                        <label class="check">
                            <input type="radio" name="template" value=code data-testid=format!("template-{code}")
                                prop:checked=move || template.get() == code
                                on:change=move |_| template.set(code.to_string())/>
                            {move || tr.t(Template::label_key(code))}
                        </label>
                    }).collect_view()}
                </fieldset>
                <TextField form lens=lens!(name) errors field="name" label="unit.name" prefix="unit" required=true/>
                <TextField form lens=lens!(superior) errors field="superior" label="unit.superior" prefix="unit"/>
                <TextField form lens=lens!(hotline) errors field="hotline" label="unit.hotline" prefix="unit"/>
                <TextField form lens=lens!(address) errors field="address" label="unit.address" prefix="unit"/>
                <div class="actions">
                    <button type="submit" class="primary" data-testid="create-register">
                        {move || tr.t("registers.create_button")}
                    </button>
                </div>
            </form>
        </section>
    }
}
