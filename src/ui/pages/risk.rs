//! One risk point: its form, who is accountable for it, its review, rating and measures,
//! archive and restore.

mod measures;
mod rating;
mod review;

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};

use crate::model::{Department, Entity, EntityKind, Post, Register, RiskKind, RiskLevel, RiskPoint, Scope};
use crate::rules::{Form, Gap, Invalid, RiskForm, graded_responsibility};
use crate::ui::conflicts::ConflictPanel;
use crate::ui::entity_history::entity_history;
use crate::ui::use_app;
use crate::ui::widgets::{
    ArchiveButton, FormNotice, SelectField, TextArea, TextField, follow_record, lens, save_entity,
};

/// `/r/<id>/risks/<risk id>`, or `/r/<id>/risks/new` for a new one.
#[component]
pub fn RiskPage() -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let params = use_params_map();
    let navigate = use_navigate();
    let risk_id = move || params.with(|p| p.get("id")).filter(|id| id != "new");
    let form = RwSignal::new(RiskForm::default());
    let errors = RwSignal::new(Vec::<Invalid>::new());
    let notice = RwSignal::new(None::<(bool, String)>);

    let followed = follow_record(
        form,
        move || match risk_id() {
            Some(id) => session.entity::<RiskPoint>(&id).map(|r| (Some(id), RiskForm::from_target(&r))),
            None => Some((None, RiskForm { scope: Scope::Post.code().into(), ..RiskForm::default() })),
        },
        move || {
            errors.set(Vec::new());
            notice.set(None);
        },
    );

    let stored = move || risk_id().and_then(|id| session.entity::<RiskPoint>(&id));
    let exists = move || risk_id().is_none() || stored().is_some();
    let archived = move || stored().is_some_and(|r: RiskPoint| !r.is_active());
    let scope = move || form.with(|f| Scope::from_code(&f.scope));

    let scopes = Signal::derive(move || {
        Scope::ALL.iter().map(|s| (s.code().to_string(), tr.t(s.label_key()).to_string())).collect()
    });
    let levels = Signal::derive(move || {
        RiskLevel::ALL.iter().map(|l| (l.code().to_string(), tr.t(l.label_key()).to_string())).collect()
    });
    // Each list reruns only when the kinds it shows change.
    let posts = Signal::derive(move || {
        session.with_kind::<Department, _>(|_| ());
        session.with_kind::<Post, _>(post_choices).unwrap_or_default()
    });
    let departments =
        Signal::derive(move || session.with_kind::<Department, _>(Department::choices).unwrap_or_default());
    let kinds = Signal::derive(move || session.with_kind::<RiskKind, _>(RiskKind::choices).unwrap_or_default());

    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let navigate = navigate.clone();
        save_entity(tr, session, risk_id(), followed, form.get_untracked(), errors, notice, move |created| {
            if let Some(id) = created {
                let rid = session.open_id.get_untracked().unwrap_or_default();
                navigate(&format!("/r/{rid}/risks/{id}"), Default::default());
            }
        });
    };
    view! {
        <Show
            when=exists
            fallback=move || view! { <section class="card" data-testid="risk-missing"><h1>{move || tr.t("risk.missing")}</h1></section> }
        >
            <div class="split">
                <section class="card">
                    <h1>
                        {move || tr.t(if risk_id().is_some() { "risk.edit_title" } else { "risk.new_title" })}
                        <Show when=archived>
                            <span class="badge archived" data-testid="risk-archived-badge">{move || tr.t("form.archived_badge")}</span>
                        </Show>
                    </h1>
                    <form class="form" on:submit=save.clone() data-testid="risk-form">
                        <SelectField form lens=lens!(scope) errors field="scope" label="risk.scope" prefix="risk" options=scopes required=true/>
                        <Show when=move || scope() == Some(Scope::Post)>
                            <SelectField form lens=lens!(post) errors field="post" label="risk.post" prefix="risk" options=posts empty_label="form.choose" required=true/>
                        </Show>
                        <Show when=move || scope() != Some(Scope::Post)>
                            <SelectField
                                form
                                lens=lens!(department)
                                errors
                                field="department"
                                label="risk.department"
                                prefix="risk"
                                options=departments
                                empty_label="form.none"
                            />
                        </Show>
                        <SelectField form lens=lens!(kind) errors field="kind" label="risk.kind" prefix="risk" options=kinds empty_label="form.choose" required=true/>
                        <SelectField form lens=lens!(level) errors field="level" label="risk.level" prefix="risk" options=levels empty_label="form.choose" required=true/>
                        <TextField form lens=lens!(power_item) errors field="power_item" label="risk.power_item" prefix="risk"/>
                        <TextArea form lens=lens!(description) errors field="description" label="risk.description" prefix="risk" required=true/>
                        <TextArea form lens=lens!(manifestations) errors field="manifestations" label="risk.manifestations" prefix="risk"/>
                        <TextArea form lens=lens!(causes) errors field="causes" label="risk.causes" prefix="risk"/>
                        <div class="actions">
                            <button type="submit" class="primary" data-testid="risk-save">{move || tr.t("form.save")}</button>
                            <ArchiveButton kind=EntityKind::Risk id=Signal::derive(risk_id) archived=Signal::derive(archived) notice prefix="risk"/>
                        </div>
                        <FormNotice notice testid="risk-notice"/>
                    </form>
                </section>
                <div>
                    <Accountable form/>
                    <Show when=move || risk_id().is_some()>
                        <super::ChartsOfRisk risk=Signal::derive(risk_id)/>
                    </Show>
                    <ConflictPanel kind=EntityKind::Risk id=Signal::derive(risk_id)/>
                    <review::ReviewPanel id=Signal::derive(risk_id)/>
                </div>
            </div>
            <Show when=move || risk_id().is_some()>
                <rating::RatingPanel id=Signal::derive(risk_id)/>
                {measures::measures_panel(Signal::derive(risk_id))}
                {entity_history::<RiskForm>(Signal::derive(risk_id))}
            </Show>
        </Show>
    }
}

/// Who answers for the risk point as the form now stands (分级负责), derived, never typed.
#[component]
fn Accountable(form: RwSignal<RiskForm>) -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let duties = move || {
        let preview = form.with(RiskForm::preview)?;
        session.with(|r| {
            graded_responsibility(r, &preview)
                .duties
                .into_iter()
                .map(|duty| {
                    let who = match duty.person {
                        Ok(id) => Ok(r.person_name(&id).unwrap_or_default().to_string()),
                        Err(gap) => {
                            let name = match &gap {
                                Gap::PersonArchived(id) | Gap::UnknownPerson(id) => r.person_name(id).unwrap_or(id),
                                Gap::NoDepartment | Gap::NotAssigned => "",
                            };
                            Err((gap.clone(), name.to_string()))
                        }
                    };
                    (duty.role, who)
                })
                .collect::<Vec<_>>()
        })
    };
    view! {
        <aside class="card accountable" data-testid="accountable">
            <h2>{move || tr.t("risk.accountable")}</h2>
            <p class="hint">{move || tr.t("risk.accountable_hint")}</p>
            {move || match duties() {
                None => view! { <p class="empty" data-testid="accountable-none">{move || tr.t("risk.choose_level_first")}</p> }.into_any(),
                Some(duties) => {
                    view! {
                        <dl class="facts">
                            {duties
                                .into_iter()
                                .map(|(role, who)| {
                                    let testid = format!("duty-{}", role.code());
                                    view! {
                                        <dt>{move || tr.t(role.label_key())}</dt>
                                        {match who {
                                            Ok(name) => view! { <dd data-testid=testid>{name}</dd> }.into_any(),
                                            Err((gap, name)) => {
                                                view! {
                                                    <dd class="gap" data-testid=testid data-gap="true">
                                                        {name}
                                                        " "
                                                        {move || tr.t(gap.label_key())}
                                                    </dd>
                                                }
                                                    .into_any()
                                            }
                                        }}
                                    }
                                })
                                .collect_view()}
                        </dl>
                    }
                        .into_any()
                }
            }}
        </aside>
    }
}

/// The active posts as (id, "部门 · 岗位") choices.
fn post_choices(r: &Register) -> Vec<(String, String)> {
    r.posts
        .iter()
        .filter(|(_, p)| p.is_active())
        .map(|(id, p)| {
            let department = r.departments.get(&p.department).map(|d| d.name.as_str()).unwrap_or_default();
            (id.clone(), format!("{department} · {}", p.name))
        })
        .collect()
}
