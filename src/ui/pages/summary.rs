//! 总结归档: the self-evaluation summary drafted from the register, edited and then frozen;
//! the submissions log (报送); the filings (归档), each the register as it stood, read-only and
//! printable; and the inspection packet (迎接验收材料) of a period on A4 with a contents page.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

use crate::engine::{AnyForm, Command, Outcome};
use crate::model::{Date, Entity, Filing, Person, Register, Submission, Summary};
use crate::report::{Table, packet, summary_draft, summary_figures};
use crate::rules::{SubmissionForm, SummaryForm};
use crate::ui::entity_section::{RowLink, Section, entity_section, newest_first};
use crate::ui::hooks::today;
use crate::ui::time::format_time;
use crate::ui::use_app;
use crate::ui::widgets::{FormNotice, SelectField, TextArea, TextField, lens};

/// This year's first and last day.
fn this_year() -> (String, String) {
    let year = today().year();
    (format!("{year}-01-01"), format!("{year}-12-31"))
}

/// `/r/<id>/summary`.
#[component]
pub fn SummaryPage() -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let (first, last) = this_year();
    let from = RwSignal::new(first);
    let to = RwSignal::new(last);
    let notice = RwSignal::new(None::<(bool, String)>);
    let navigate = StoredValue::new(use_navigate());
    let rid = move || session.open_id.get().unwrap_or_default();
    let period = move || Some((from.get().parse::<Date>().ok()?, to.get().parse::<Date>().ok()?));
    let draft = move |_| {
        let Some((start, end)) = period().filter(|(a, b)| a <= b) else {
            notice.set(Some((false, tr.t("selfreview.bad_period").to_string())));
            return;
        };
        let locale = tr.locale();
        let Some(text) =
            session.with(|r| summary_draft(r, &summary_figures(r, start, end, today()), start, end, locale))
        else {
            return;
        };
        let title = tr.f("selfreview.default_title", &[("year", &end.year().to_string())]);
        let form = SummaryForm { title, from: start.to_string(), to: end.to_string(), text };
        session.send(Command::Create(AnyForm::Summary(form)), move |result| match result {
            Ok(Outcome::Created(id)) => {
                let rid = session.open_id.get_untracked().unwrap_or_default();
                navigate.with_value(|n| n(&format!("/r/{rid}/summary/{id}"), Default::default()));
            }
            Ok(_) => {}
            Err(e) => notice.set(Some((false, tr.t(e.label_key()).to_string()))),
        });
    };
    view! {
        <h1 class="page-title">{move || tr.t("filing.page_title")}</h1>
        <p class="hint">{move || tr.t("filing.summary_hint")}</p>
        <section class="card" data-testid="summary-period">
            <h2>{move || tr.t("selfreview.period")}</h2>
            <div class="form">
                <label class="field">
                    <span class="field-label">{move || tr.t("selfreview.from")}</span>
                    <input type="date" data-testid="summary-from" prop:value=move || from.get() on:input=move |ev| from.set(event_target_value(&ev))/>
                </label>
                <label class="field">
                    <span class="field-label">{move || tr.t("selfreview.to")}</span>
                    <input type="date" data-testid="summary-to" prop:value=move || to.get() on:input=move |ev| to.set(event_target_value(&ev))/>
                </label>
            </div>
            <div class="actions wrap">
                <button class="primary" data-testid="summary-draft" on:click=draft>{move || tr.t("selfreview.draft")}</button>
                <A href=move || format!("/r/{}/packet?from={}&to={}", rid(), from.get(), to.get()) attr:class="button" attr:data-testid="open-packet">
                    {move || tr.t("packet.open")}
                </A>
            </div>
            <FormNotice notice testid="summary-notice"/>
        </section>
        {entity_section::<Summary, SummaryForm>(Section {
            title: "selfreview.list",
            prefix: "summary",
            columns: vec![
                ("selfreview.name", |_, s| s.title.clone()),
                ("selfreview.period", |_, s| format!("{} — {}", s.from, s.to)),
                ("selfreview.state", |c, s| match &s.frozen {
                    Some(f) => crate::i18n::format(c.locale, "selfreview.frozen_on", &[("date", &Date::from_unix_seconds_china(f.at).to_string())]),
                    None => crate::i18n::text(c.locale, "selfreview.draft_state").to_string(),
                }),
            ],
            order: |_, s| newest_first(&s.to),
            fields: |form, errors| view! {
                <TextField form lens=lens!(title) errors field="title" label="selfreview.name" prefix="summary" required=true/>
                <TextField form lens=lens!(from) errors field="from" label="selfreview.from" prefix="summary" input_type="date" required=true/>
                <TextField form lens=lens!(to) errors field="to" label="selfreview.to" prefix="summary" input_type="date" required=true/>
                <TextArea form lens=lens!(text) errors field="text" label="selfreview.text" prefix="summary" required=true/>
            }
            .into_any(),
            scope: None,
            link: Some(RowLink { label: "selfreview.open", shown: |_, _| true, href: |rid, id| format!("/r/{rid}/summary/{id}") }),
        })}
        {entity_section::<Submission, SubmissionForm>(Section {
            title: "submission.list",
            prefix: "submission",
            columns: vec![
                ("submission.date", |_, s| s.date.clone()),
                ("submission.what", |_, s| s.what.clone()),
                ("submission.to", |_, s| s.to.clone()),
                ("submission.by", |c, s| s.by.as_deref().and_then(|p| c.register.person_name(p)).unwrap_or_default().to_string()),
                ("submission.reference", |_, s| s.reference.clone()),
            ],
            order: |_, s| newest_first(&s.date),
            fields: |form, errors| {
                let session = use_app().session;
                let people = Signal::derive(move || session.with_kind::<Person, _>(Person::choices).unwrap_or_default());
                view! {
                    <TextField form lens=lens!(date) errors field="date" label="submission.date" prefix="submission" input_type="date" required=true/>
                    <TextField form lens=lens!(what) errors field="what" label="submission.what" prefix="submission" required=true/>
                    <TextField form lens=lens!(to) errors field="to" label="submission.to" prefix="submission" required=true/>
                    <SelectField form lens=lens!(by) errors field="by" label="submission.by" prefix="submission" options=people empty_label="form.none"/>
                    <TextField form lens=lens!(reference) errors field="reference" label="submission.reference" prefix="submission"/>
                }
                .into_any()
            },
            scope: None,
            link: None,
        })}
        <Filings/>
    }
}

/// The filings (归档), newest first, each opening the register as it was filed.
#[component]
fn Filings() -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let rid = move || session.open_id.get().unwrap_or_default();
    let rows = move || {
        session
            .with_kind::<Filing, _>(|r| {
                let mut rows: Vec<_> = r
                    .filings
                    .iter()
                    .filter(|(_, f)| f.is_active())
                    .map(|(id, f)| {
                        (f.at, id.clone(), f.name.clone(), r.person_name(&f.by).unwrap_or_default().to_string())
                    })
                    .collect();
                rows.sort_by_key(|row| std::cmp::Reverse(row.0));
                rows
            })
            .unwrap_or_default()
    };
    view! {
        <section class="card" data-testid="filings">
            <h2>{move || tr.t("filing.list")}</h2>
            <p class="hint">{move || tr.t("filing.hint")}</p>
            <Show when=move || !rows().is_empty() fallback=move || view! { <p class="empty">{move || tr.t("filing.none")}</p> }>
                <ul class="filing-list">
                    {move || rows().into_iter().map(|(at, id, name, by)| view! {
                        <li data-testid="filing-row">
                            <A href=format!("/r/{}/filings/{id}", rid())>{name}</A>
                            " · " {format_time(at)} " · " {by}
                        </li>
                    }).collect_view()}
                </ul>
            </Show>
        </section>
    }
}

/// `/r/<id>/summary/<summary id>`: the summary as it prints, and 定稿并归档 while it is a draft.
#[component]
pub fn SummarySheetPage() -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let params = use_params_map();
    let navigate = StoredValue::new(use_navigate());
    let id = Memo::new(move |_| params.with(|p| p.get("id")));
    let summary = move || id.get().and_then(|id| session.entity::<Summary>(&id));
    let notice = RwSignal::new(None::<(bool, String)>);
    let freeze = move |_| {
        let (Some(summary_id), Some(s)) = (id.get_untracked(), summary()) else { return };
        let name = tr.f("filing.default_name", &[("title", &s.title)]);
        session.send(Command::FreezeSummary { summary: summary_id, name }, move |result| match result {
            Ok(Outcome::Created(filing)) => {
                let rid = session.open_id.get_untracked().unwrap_or_default();
                navigate.with_value(|n| n(&format!("/r/{rid}/filings/{filing}"), Default::default()));
            }
            Ok(_) => {}
            Err(e) => notice.set(Some((false, tr.t(e.label_key()).to_string()))),
        });
    };
    let unit = move || session.with_unit(|u| u.name.clone()).unwrap_or_default();
    view! {
        {move || match summary() {
            None => view! { <section class="card"><h1>{move || tr.t("selfreview.missing")}</h1></section> }.into_any(),
            Some(s) => {
                let frozen = s.frozen.is_some();
                view! {
                    <article class="card print-sheet summary-sheet" data-testid="summary-sheet">
                        <h2 class="sheet-title">{unit()}{s.title.clone()}</h2>
                        <p class="hint">{format!("{} — {}", s.from, s.to)}</p>
                        <div class="pre summary-text" data-testid="summary-text">{s.text.as_str().to_string()}</div>
                    </article>
                    <section class="card no-print">
                        <div class="actions wrap">
                            {(!frozen).then(|| view! {
                                <button class="primary" data-testid="summary-freeze" on:click=freeze>{move || tr.t("filing.freeze")}</button>
                            })}
                            <button type="button" data-testid="summary-print" on:click=move |_| { let _ = window().print(); }>{move || tr.t("selfreview.print")}</button>
                        </div>
                        <p class="hint">{move || tr.t(if frozen { "selfreview.frozen_hint" } else { "filing.freeze_hint" })}</p>
                        <FormNotice notice testid="summary-sheet-notice"/>
                    </section>
                }.into_any()
            }
        }}
    }
}

/// `/r/<id>/packet?from=&to=`: the inspection packet of the open register.
#[component]
pub fn PacketPage() -> impl IntoView {
    let app = use_app();
    let session = app.session;
    let query = use_query_map();
    let period = move || {
        let (first, last) = this_year();
        let day = |key: &str, or: String| query.with(|q| q.get(key)).unwrap_or(or).parse::<Date>().ok();
        Some((day("from", first)?, day("to", last)?))
    };
    view! {
        {move || {
            let (from, to) = period()?;
            let register = session.with(Clone::clone)?;
            Some(view! { <Packet register from to filed=None/> })
        }}
    }
}

/// `/r/<id>/filings/<filing id>`: the register as it stood when filed, as its packet.
#[component]
pub fn FilingPage() -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let params = use_params_map();
    let filing = move || params.with(|p| p.get("id")).and_then(|id| session.entity::<Filing>(&id));
    let past = session.register_at_heads(move || filing().map(|f| f.heads));
    view! {
        {move || match (filing(), past.get()) {
            (None, _) => view! { <section class="card" data-testid="filing-missing"><h1>{move || tr.t("filing.missing")}</h1></section> }.into_any(),
            (Some(_), None) => view! { <p class="empty">{move || tr.t("view.updating")}</p> }.into_any(),
            (Some(f), Some((_, register))) => {
                // The period: the latest summary's in it, else the year it was filed in.
                let year = Date::from_unix_seconds_china(f.at).year();
                let period = register
                    .summaries
                    .values()
                    .filter(|s| s.frozen.is_some())
                    .max_by(|a, b| a.to.cmp(&b.to))
                    .and_then(|s| Some((s.from.parse::<Date>().ok()?, s.to.parse::<Date>().ok()?)))
                    .unwrap_or_else(|| (Date::new(year, 1, 1).unwrap_or(today()), Date::new(year, 12, 31).unwrap_or(today())));
                view! { <Packet register from=period.0 to=period.1 filed=Some((f.name.clone(), f.at))/> }.into_any()
            }
        }}
    }
}

/// The packet of `register` for `from`–`to`: a cover and contents page, then each record's
/// table on its own A4 page. `filed` names the filing it was read from.
#[component]
fn Packet(register: Register, from: Date, to: Date, filed: Option<(String, i64)>) -> impl IntoView {
    let tr = use_app().tr;
    let tables: Vec<Table> = packet(&register, from, to, today(), tr.locale());
    let unit = register.unit.name.clone();
    let contents: Vec<(usize, String)> = tables.iter().enumerate().map(|(i, t)| (i + 1, t.title.clone())).collect();
    // A filing exports as the packet's tables, with what was filed and when: read-only data.
    let export = filed.clone().map(|(name, at)| {
        let json = serde_json::json!({
            "unit": unit,
            "filing": name,
            "filed_at": format_time(at),
            "period": [from.to_string(), to.to_string()],
            "tables": tables,
        });
        (format!("{unit}-{name}.json"), serde_json::to_string_pretty(&json).unwrap_or_default())
    });
    let notice = RwSignal::new(None::<(bool, String)>);
    view! {
        <div class="no-print actions">
            <button type="button" class="primary" data-testid="packet-print" on:click=move |_| { let _ = window().print(); }>{move || tr.t("packet.print")}</button>
            {export.map(|(file, json)| view! {
                <button type="button" data-testid="filing-export" on:click=move |_| {
                    if let Err(e) = crate::ui::files::download(&file, json.as_bytes(), "application/json") {
                        notice.set(Some((false, e)));
                    }
                }>{move || tr.t("filing.export")}</button>
            })}
        </div>
        <div class="no-print"><FormNotice notice testid="filing-export-notice"/></div>
        {filed.map(|(name, at)| view! {
            <p class="notice ok no-print" data-testid="filing-banner">{tr.f("filing.read_only", &[("name", &name), ("time", &format_time(at))])}</p>
        })}
        <article class="card print-sheet packet" data-testid="packet">
            <section class="packet-cover">
                <h1 class="sheet-title">{unit}</h1>
                <h2 class="sheet-title">{move || tr.t("packet.title")}</h2>
                <p class="sheet-period">{format!("{from} — {to}")}</p>
                <h3>{move || tr.t("packet.contents")}</h3>
                <ol class="packet-contents" data-testid="packet-contents">
                    {contents.into_iter().map(|(n, title)| view! { <li><a href=format!("#packet-{n}")>{title}</a></li> }).collect_view()}
                </ol>
            </section>
            {tables.into_iter().enumerate().map(|(i, t)| view! {
                <section class="packet-section" id=format!("packet-{}", i + 1) data-testid="packet-section">
                    <h2>{format!("{}、{}", i + 1, t.title)}</h2>
                    {if t.rows.is_empty() {
                        view! { <p class="empty">{move || tr.t("packet.empty")}</p> }.into_any()
                    } else {
                        view! {
                            <table class="table form-table">
                                <thead><tr>{t.headers.into_iter().map(|h| view! { <th>{h}</th> }).collect_view()}</tr></thead>
                                <tbody>
                                    {t.rows.into_iter().map(|row| view! {
                                        <tr>{row.into_iter().map(|cell| view! { <td class="pre">{cell}</td> }).collect_view()}</tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any()
                    }}
                </section>
            }).collect_view()}
        </article>
    }
}
