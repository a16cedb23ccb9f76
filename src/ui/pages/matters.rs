//! 重大事项报告 and 廉政提醒卡 (廉政提醒机制): major matters reported a week before they are
//! carried out, each answered with a reminder card to the person in charge, printed on A4.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::model::{Date, Entity, MatterKind, MatterReport, Person};
use crate::rules::{MatterForm, reported_in_time};
use crate::ui::entity_section::{RowLink, Section, entity_section};
use crate::ui::hooks::today;
use crate::ui::use_app;
use crate::ui::widgets::{CheckField, SelectField, TextArea, TextField, lens};

/// `/r/<id>/matters`.
#[component]
pub fn MattersPage() -> impl IntoView {
    let tr = use_app().tr;
    view! {
        <h1 class="page-title">{move || tr.t("matter.title")}</h1>
        <p class="hint">{move || tr.t("matter.rule")}</p>
        {entity_section::<MatterReport, MatterForm>(Section {
            title: "matter.list",
            prefix: "matter",
            columns: vec![
                ("matter.kind", |c, m| crate::i18n::text(c.locale, m.kind.label_key()).to_string()),
                ("matter.topic", |_, m| m.topic.clone()),
                ("matter.person", |c, m| c.register.person_name(&m.person).unwrap_or_default().to_string()),
                ("matter.reported", |_, m| m.reported.clone()),
                ("matter.planned", |_, m| m.planned.clone()),
                ("matter.ahead", |c, m| {
                    let days = |d: &str| d.parse::<Date>().ok();
                    match (days(&m.reported), days(&m.planned)) {
                        (Some(r), Some(p)) if !reported_in_time(r, p) => {
                            crate::i18n::format(c.locale, "matter.urgent_late", &[("reason", &m.urgent_reason)])
                        }
                        (Some(r), Some(p)) => {
                            crate::i18n::format(c.locale, "matter.days_ahead", &[("n", &r.days_until(p).to_string())])
                        }
                        _ => String::new(),
                    }
                }),
                ("matter.issued", |_, m| m.issued.clone()),
            ],
            order: |_, m| m.planned.clone(),
            fields: |form, errors| {
                let app = use_app();
                let (tr, session) = (app.tr, app.session);
                let kinds = Signal::derive(move || {
                    MatterKind::ALL.iter().map(|k| (k.code().to_string(), tr.t(k.label_key()).to_string())).collect()
                });
                let people = Signal::derive(move || session.with_kind::<Person, _>(Person::choices).unwrap_or_default());
                view! {
                    <SelectField form lens=lens!(kind) errors field="kind" label="matter.kind" prefix="matter" options=kinds empty_label="form.choose" required=true/>
                    <TextField form lens=lens!(topic) errors field="topic" label="matter.topic" prefix="matter" required=true/>
                    <SelectField form lens=lens!(person) errors field="person" label="matter.person" prefix="matter" options=people empty_label="form.choose" required=true/>
                    <TextField form lens=lens!(reported) errors field="reported" label="matter.reported" prefix="matter" input_type="date" required=true/>
                    <TextField form lens=lens!(planned) errors field="planned" label="matter.planned" prefix="matter" input_type="date" required=true/>
                    <CheckField form get=|f| f.urgent set=|f, v| f.urgent = v field="urgent" label="matter.urgent" prefix="matter"/>
                    <TextField form lens=lens!(urgent_reason) errors field="urgent_reason" label="matter.urgent_reason" prefix="matter"/>
                    <TextArea form lens=lens!(reminders) errors field="reminders" label="matter.reminders" prefix="matter"/>
                    <TextField form lens=lens!(issued) errors field="issued" label="matter.issued" prefix="matter" input_type="date"/>
                }
                .into_any()
            },
            scope: None,
            link: Some(RowLink {
                label: "matter.card",
                shown: |_, _| true,
                href: |rid, id| format!("/r/{rid}/matters/{id}"),
            }),
        })}
    }
}

/// `/r/<id>/matters/<matter id>`: the 廉政提醒卡, printed on A4.
#[component]
pub fn MatterCardPage() -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let params = use_params_map();
    let card = Memo::new(move |_| {
        let id = params.with(|p| p.get("id"))?;
        let matter = session.entity::<MatterReport>(&id)?;
        let person = session.person_name(&matter.person).unwrap_or_default();
        let unit = session.with_unit(|u| u.name.clone()).unwrap_or_default();
        Some((matter, person, unit))
    });
    view! {
        <Show
            when=move || card.with(Option::is_some)
            fallback=move || view! { <section class="card" data-testid="matter-missing"><h1>{move || tr.t("matter.missing")}</h1></section> }
        >
            <div class="actions no-print">
                <button class="primary" data-testid="matter-print" on:click=move |_| { let _ = window().print(); }>{move || tr.t("matter.print")}</button>
            </div>
            {move || card.get().map(|(m, person, unit)| {
                let kind = tr.t(m.kind.label_key());
                let extra: Vec<String> =
                    m.reminders.as_str().lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect();
                let date = if m.issued.is_empty() { today().to_string() } else { m.issued.clone() };
                view! {
                    <article class="notice-sheet" data-testid="matter-card">
                        <h2 class="sheet-title">{move || tr.t("matter.card")}</h2>
                        <p><strong>{person.clone()}</strong> {move || tr.t("matter.comrade")}</p>
                        <p class="sheet-problem">
                            {move || tr.f("matter.card_body", &[("kind", kind), ("topic", &m.topic), ("planned", &m.planned), ("reported", &m.reported)])}
                        </p>
                        <ol class="card-points">
                            <li>{move || tr.t(standard_reminder(m.kind))}</li>
                            {extra.into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}
                        </ol>
                        <p class="sheet-problem">{move || tr.t("matter.card_warning")}</p>
                        <p class="sheet-sign">{move || tr.f("bulletin.issuer", &[("unit", &unit)])}</p>
                        <p class="sheet-sign">{date}</p>
                    </article>
                }
            })}
        </Show>
    }
}

/// The locale key of the standard reminder for a kind of matter.
fn standard_reminder(kind: MatterKind) -> &'static str {
    match kind {
        MatterKind::Decision => "matter.remind.decision",
        MatterKind::Appointment => "matter.remind.appointment",
        MatterKind::Project => "matter.remind.project",
        MatterKind::Funds => "matter.remind.funds",
        MatterKind::Other => "matter.remind.other",
    }
}
