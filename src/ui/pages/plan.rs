//! 实施方案: the plan's phases and their dates.

use leptos::prelude::*;

use crate::model::Phase;
use crate::rules::PhaseForm;
use crate::ui::entity_section::{Section, entity_section};
use crate::ui::use_app;
use crate::ui::widgets::{TextArea, TextField, lens};

/// `/r/<id>/plan`.
#[component]
pub fn PlanPage() -> impl IntoView {
    let tr = use_app().tr;
    view! {
        <h1 class="page-title">{move || tr.t("plan.title")}</h1>
        {entity_section::<Phase, PhaseForm>(Section {
            title: "plan.phases",
            prefix: "phase",
            columns: vec![
                ("phase.name", |_, p| p.name.clone()),
                ("phase.start", |_, p| p.start.clone()),
                ("phase.end", |_, p| p.end.clone()),
                ("phase.tasks", |_, p| p.tasks.as_str().to_string()),
            ],
            order: |p| format!("{:04}{}", p.order, p.start),
            fields: |form, errors| {
                view! {
                    <TextField form lens=lens!(name) errors field="name" label="phase.name" prefix="phase" required=true/>
                    <TextField form lens=lens!(start) errors field="start" label="phase.start" prefix="phase" input_type="date"/>
                    <TextField form lens=lens!(end) errors field="end" label="phase.end" prefix="phase" input_type="date"/>
                    <TextArea form lens=lens!(tasks) errors field="tasks" label="phase.tasks" prefix="phase"/>
                }
                    .into_any()
            },
            scope: None,
            link: None,
        })}
    }
}
