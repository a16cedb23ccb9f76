//! 防控措施 of one risk point, in three stages, with owners, due dates and status.

use leptos::prelude::*;

use crate::i18n;
use crate::model::{Entity, Measure, MeasureStage, MeasureStatus, Person};
use crate::rules::{MeasureForm, is_overdue};
use crate::ui::entity_section::{Scope, Section, entity_section};
use crate::ui::use_app;
use crate::ui::widgets::{SelectField, TextArea, TextField, lens};

/// The measures of risk point `id`.
pub fn measures_panel(id: Signal<Option<String>>) -> impl IntoView {
    entity_section::<Measure, MeasureForm>(Section {
        title: "measures.title",
        prefix: "measure",
        columns: vec![
            ("measure.stage", |c, m| i18n::text(c.locale, m.stage.label_key()).to_string()),
            ("measure.description", |_, m| m.description.as_str().to_string()),
            ("measure.owner", |c, m| {
                m.owner.as_deref().and_then(|o| c.register.person_name(o)).unwrap_or_default().to_string()
            }),
            ("measure.due", |c, m| {
                if is_overdue(m, c.today) {
                    format!("{} {}", m.due, i18n::text(c.locale, "measure.overdue"))
                } else {
                    m.due.clone()
                }
            }),
            ("measure.status", |c, m| i18n::text(c.locale, m.status.label_key()).to_string()),
            ("measure.evidence", |_, m| m.evidence.as_str().to_string()),
        ],
        order: |_, m| format!("{:?}{}", m.stage, m.due),
        fields: |form, errors| {
            let app = use_app();
            let (tr, session) = (app.tr, app.session);
            let stages = Signal::derive(move || {
                MeasureStage::ALL.iter().map(|s| (s.code().to_string(), tr.t(s.label_key()).to_string())).collect()
            });
            let statuses = Signal::derive(move || {
                MeasureStatus::ALL.iter().map(|s| (s.code().to_string(), tr.t(s.label_key()).to_string())).collect()
            });
            let people = Signal::derive(move || session.with_kind::<Person, _>(Person::choices).unwrap_or_default());
            view! {
                <SelectField form lens=lens!(stage) errors field="stage" label="measure.stage" prefix="measure" options=stages required=true/>
                <SelectField form lens=lens!(owner) errors field="owner" label="measure.owner" prefix="measure" options=people empty_label="form.none"/>
                <TextField form lens=lens!(due) errors field="due" label="measure.due" prefix="measure" input_type="date"/>
                <SelectField form lens=lens!(status) errors field="status" label="measure.status" prefix="measure" options=statuses required=true/>
                <TextArea form lens=lens!(description) errors field="description" label="measure.description" prefix="measure" required=true/>
                <TextArea form lens=lens!(evidence) errors field="evidence" label="measure.evidence" prefix="measure"/>
            }
            .into_any()
        },
        scope: Some(Scope {
            owner: id,
            belongs: |m, risk| m.risk == risk,
            blank: |risk| MeasureForm {
                risk: risk.to_string(),
                stage: MeasureStage::Prevent.code().into(),
                status: MeasureStatus::Planned.code().into(),
                ..MeasureForm::default()
            },
        }),
        link: None,
    })
}
