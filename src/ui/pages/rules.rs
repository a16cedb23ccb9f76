//! 制度体系 and 廉政教育: the rules the plan calls for as a checklist with their status and
//! dates, and the log of education activities.

use leptos::prelude::*;

use crate::model::{Activity, EducationKind, Entity, Person, Regulation, RuleStatus};
use crate::rules::{ActivityForm, RegulationForm, rules_by_status};
use crate::ui::entity_section::{Section, entity_section, newest_first};
use crate::ui::use_app;
use crate::ui::widgets::{CheckList, SelectField, TextArea, TextField, lens, options};

/// `/r/<id>/rules`.
#[component]
pub fn RulesPage() -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let counts = move || session.with_kind::<Regulation, _>(rules_by_status).unwrap_or_default();
    view! {
        <h1 class="page-title">{move || tr.t("rule.title")}</h1>
        <p class="hint">{move || tr.t("rule.hint")}</p>
        <section class="card">
            <p class="coverage" data-testid="rule-counts">
                {move || counts().into_iter().map(|(status, n)| view! {
                    <span class=format!("badge rule-{}", status.code()) data-status=status.code()>{move || tr.t(status.label_key())} " " {n}</span> " "
                }).collect_view()}
            </p>
        </section>
        {entity_section::<Regulation, RegulationForm>(Section {
            title: "rule.list",
            prefix: "rule",
            columns: vec![
                ("rule.name", |_, r| r.name.clone()),
                ("rule.status", |c, r| crate::i18n::text(c.locale, r.status.label_key()).to_string()),
                ("rule.in_force", |_, r| r.in_force.clone()),
                ("rule.revised", |_, r| r.revised.clone()),
                ("rule.reference", |_, r| r.reference.clone()),
            ],
            // Missing first, so what is still to do heads the list.
            order: |_, r| format!("{:?}{}", r.status, r.name),
            fields: |form, errors| {
                let tr = use_app().tr;
                let statuses = Signal::derive(move || options(RuleStatus::ALL, RuleStatus::code, RuleStatus::label_key, tr));
                view! {
                    <TextField form lens=lens!(name) errors field="name" label="rule.name" prefix="rule" required=true/>
                    <SelectField form lens=lens!(status) errors field="status" label="rule.status" prefix="rule" options=statuses required=true/>
                    <TextField form lens=lens!(drafted) errors field="drafted" label="rule.drafted" prefix="rule" input_type="date"/>
                    <TextField form lens=lens!(in_force) errors field="in_force" label="rule.in_force" prefix="rule" input_type="date"/>
                    <TextField form lens=lens!(revised) errors field="revised" label="rule.revised" prefix="rule" input_type="date"/>
                    <TextField form lens=lens!(reference) errors field="reference" label="rule.reference" prefix="rule"/>
                    <TextArea form lens=lens!(text) errors field="text" label="rule.text" prefix="rule"/>
                }
                .into_any()
            },
            scope: None,
            link: None,
        })}
        {entity_section::<Activity, ActivityForm>(Section {
            title: "education.list",
            prefix: "activity",
            columns: vec![
                ("activity.date", |_, a| a.date.clone()),
                ("activity.kind", |c, a| crate::i18n::text(c.locale, a.kind.label_key()).to_string()),
                ("activity.title", |_, a| a.title.clone()),
                ("activity.headcount", |_, a| a.headcount.to_string()),
            ],
            // Newest first.
            order: |_, a| newest_first(&a.date),
            fields: |form, errors| {
                let app = use_app();
                let (tr, session) = (app.tr, app.session);
                let kinds = Signal::derive(move || options(EducationKind::ALL, EducationKind::code, EducationKind::label_key, tr));
                let people = Signal::derive(move || session.with_kind::<Person, _>(Person::choices).unwrap_or_default());
                view! {
                    <TextField form lens=lens!(date) errors field="date" label="activity.date" prefix="activity" input_type="date" required=true/>
                    <SelectField form lens=lens!(kind) errors field="kind" label="activity.kind" prefix="activity" options=kinds empty_label="form.choose" required=true/>
                    <TextField form lens=lens!(title) errors field="title" label="activity.title" prefix="activity" required=true/>
                    <CheckList form get=|f: &ActivityForm| f.participants.clone() set=|f, v| f.participants = v errors field="participants" label="activity.participants" prefix="activity" options=people/>
                    <TextField form lens=lens!(headcount) errors field="headcount" label="activity.headcount" prefix="activity" input_type="number"/>
                    <TextArea form lens=lens!(evidence) errors field="evidence" label="activity.evidence" prefix="activity"/>
                }
                .into_any()
            },
            scope: None,
            link: None,
        })}
    }
}
