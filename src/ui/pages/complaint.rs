//! 投诉举报登记: one complaint. The reporter's name and contact are sealed by the engine before
//! they reach the register, and can be typed only once the passphrase is given.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};

use super::warnings::ReporterLockCard;
use crate::model::{Channel, Complaint, Department, Entity, EntityKind, Person};
use crate::rules::{ComplaintForm, Form, Invalid, ReporterInput};
use crate::ui::conflicts::ConflictPanel;
use crate::ui::hooks::today;
use crate::ui::use_app;
use crate::ui::widgets::{
    ArchiveButton, FieldError, FormNotice, SelectField, TextArea, TextField, follow_record, lens, save_entity,
};

/// `/r/<id>/complaints/<complaint id>`, or `/r/<id>/complaints/new`.
#[component]
pub fn ComplaintPage() -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let params = use_params_map();
    let navigate = StoredValue::new(use_navigate());
    let complaint_id = move || params.with(|p| p.get("id")).filter(|id| id != "new");
    let form = RwSignal::new(ComplaintForm::default());
    let errors = RwSignal::new(Vec::<Invalid>::new());
    let notice = RwSignal::new(None::<(bool, String)>);
    let reporter = RwSignal::new((String::new(), String::new()));
    let followed = follow_record(
        form,
        move || match complaint_id() {
            Some(id) => session.entity::<Complaint>(&id).map(|c| (Some(id), ComplaintForm::from_target(&c))),
            None => Some((
                None,
                ComplaintForm {
                    channel: Channel::Hotline.code().into(),
                    received: today().to_string(),
                    ..ComplaintForm::default()
                },
            )),
        },
        move || {
            errors.set(Vec::new());
            reporter.set((String::new(), String::new()));
        },
    );
    let stored = move || complaint_id().and_then(|id| session.entity::<Complaint>(&id));
    let exists = move || complaint_id().is_none() || stored().is_some();
    let sealed = move || stored().is_some_and(|c| c.reporter.is_some());
    let channels = Signal::derive(move || {
        Channel::ALL.iter().map(|c| (c.code().to_string(), tr.t(c.label_key()).to_string())).collect()
    });
    let people = Signal::derive(move || session.with_kind::<Person, _>(Person::choices).unwrap_or_default());
    let departments =
        Signal::derive(move || session.with_kind::<Department, _>(Department::choices).unwrap_or_default());
    let hotline = move || session.with_unit(|u| u.hotline.clone()).unwrap_or_default();
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut input = form.get_untracked();
        let (name, contact) = reporter.get_untracked();
        if !name.trim().is_empty() || !contact.trim().is_empty() {
            input.reporter = ReporterInput::Plain { name, contact };
        } else if complaint_id().is_none() {
            input.reporter = ReporterInput::Anonymous;
        }
        save_entity(tr, session, complaint_id(), followed, input, errors, notice, move |created| {
            reporter.set((String::new(), String::new()));
            if let Some(id) = created {
                let rid = session.open_id.get_untracked().unwrap_or_default();
                navigate.with_value(|n| n(&format!("/r/{rid}/complaints/{id}"), Default::default()));
            }
        });
    };
    let remove_reporter = move |_| {
        let Some(id) = complaint_id() else { return };
        if !window().confirm_with_message(tr.t("complaint.remove_reporter_confirm")).unwrap_or(false) {
            return;
        }
        let input = ComplaintForm { reporter: ReporterInput::Anonymous, ..form.get_untracked() };
        save_entity(tr, session, Some(id), followed, input, errors, notice, |_| {});
    };
    view! {
        <Show
            when=exists
            fallback=move || view! { <section class="card" data-testid="complaint-missing"><h1>{move || tr.t("complaint.missing")}</h1></section> }
        >
            <div class="split">
                <section class="card">
                    <h1>{move || tr.t(if complaint_id().is_some() { "complaint.edit_title" } else { "complaint.new_title" })}</h1>
                    <p class="hint" data-testid="complaint-hotline">
                        {move || tr.f("complaint.hotline", &[("number", &hotline())])}
                    </p>
                    <form class="form" on:submit=save data-testid="complaint-form">
                        <SelectField form lens=lens!(channel) errors field="channel" label="complaint.channel" prefix="complaint" options=channels required=true/>
                        <TextField form lens=lens!(received) errors field="received" label="complaint.received" prefix="complaint" input_type="date" required=true/>
                        <SelectField form lens=lens!(person) errors field="person" label="complaint.person" prefix="complaint" options=people empty_label="form.none"/>
                        <SelectField form lens=lens!(department) errors field="department" label="complaint.department" prefix="complaint" options=departments empty_label="form.none"/>
                        <TextArea form lens=lens!(content) errors field="content" label="complaint.content" prefix="complaint" required=true/>
                        <fieldset class="field-group confidential" data-testid="complaint-reporter-fields">
                            <legend>{move || tr.t("complaint.reporter")}</legend>
                            <p class="hint">
                                {move || tr.t(match (session.unlocked.get(), sealed()) {
                                    (false, true) => "complaint.reporter_sealed",
                                    (false, false) => "complaint.reporter_locked",
                                    (true, true) => "complaint.reporter_replace",
                                    (true, false) => "complaint.reporter_open",
                                })}
                            </p>
                            <label class="field">
                                <span class="field-label">{move || tr.t("complaint.reporter_name")}</span>
                                <input
                                    data-testid="complaint-reporter_name"
                                    autocomplete="off"
                                    prop:disabled=move || !session.unlocked.get()
                                    prop:value=move || reporter.with(|r| r.0.clone())
                                    on:input=move |ev| reporter.update(|r| r.0 = event_target_value(&ev))
                                />
                                <FieldError errors field="reporter_name" testid="complaint-reporter_name".to_string()/>
                            </label>
                            <label class="field">
                                <span class="field-label">{move || tr.t("complaint.reporter_contact")}</span>
                                <input
                                    data-testid="complaint-reporter_contact"
                                    autocomplete="off"
                                    prop:disabled=move || !session.unlocked.get()
                                    prop:value=move || reporter.with(|r| r.1.clone())
                                    on:input=move |ev| reporter.update(|r| r.1 = event_target_value(&ev))
                                />
                            </label>
                            <Show when=move || session.unlocked.get() && sealed()>
                                <button type="button" data-testid="complaint-remove-reporter" on:click=remove_reporter>
                                    {move || tr.t("complaint.remove_reporter")}
                                </button>
                                <p class="hint">{move || tr.t("complaint.remove_reporter_hint")}</p>
                            </Show>
                        </fieldset>
                        <div class="actions">
                            <button type="submit" class="primary" data-testid="complaint-save">{move || tr.t("form.save")}</button>
                            <ArchiveButton kind=EntityKind::Complaint id=Signal::derive(complaint_id) archived=Signal::derive(move || stored().is_some_and(|c| !c.is_active())) notice prefix="complaint"/>
                        </div>
                        <FormNotice notice testid="complaint-notice"/>
                    </form>
                </section>
                <div>
                    <ReporterLockCard/>
                    <ConflictPanel kind=EntityKind::Complaint id=Signal::derive(complaint_id)/>
                </div>
            </div>
        </Show>
    }
}
