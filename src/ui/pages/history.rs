//! 历史: every change of the register, filtered by person and by kind of record; and the
//! register as it was at one of them, read-only.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::doc::HistoryEntry;
use crate::model::{EntityKind, RiskLevel};
use crate::rules::{RiskFilter, RiskSort, SortDir, risk_rows};
use crate::storage::Prefs;
use crate::ui::hooks::today;
use crate::ui::time::format_time;
use crate::ui::use_app;

/// Entries shown at first; more on request.
const PAGE_SIZE: usize = 200;

/// `/r/<id>/history`.
#[component]
pub fn HistoryPage() -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let author = RwSignal::new(None::<String>);
    let kind = RwSignal::new(None::<EntityKind>);
    let shown = RwSignal::new(PAGE_SIZE);
    let history = session.history();
    let entries = move || {
        let (author, kind) = (author.get(), kind.get());
        history.with(|all| {
            all.iter()
                .flatten()
                .filter(|e| author.as_ref().is_none_or(|a| *a == e.author))
                .filter(|e| kind.is_none_or(|k| e.entity.as_ref().is_some_and(|(ek, _)| *ek == k)))
                .cloned()
                .collect::<Vec<HistoryEntry>>()
        })
    };
    let authors = move || {
        let mut ids: Vec<String> = history.with(|all| all.iter().flatten().map(|e| e.author.clone()).collect());
        ids.sort();
        ids.dedup();
        ids.into_iter().map(|id| (id.clone(), author_name(&id))).collect::<Vec<_>>()
    };
    let rid = move || session.open_id.get().unwrap_or_default();
    let here = Prefs::device();
    let more_left = move || entries().len() > shown.get();
    view! {
        <h1 class="page-title">{move || tr.t("history.title")}</h1>
        <section class="card">
            <div class="filters">
                <label class="field">
                    <span class="field-label">{move || tr.t("history.by_person")}</span>
                    <select data-testid="history-author" on:change=move |ev| {
                        let v = event_target_value(&ev);
                        author.set((v != "*").then_some(v));
                    }>
                        <option value="*">{move || tr.t("filter.all")}</option>
                        {move || authors().into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                    </select>
                </label>
                <label class="field">
                    <span class="field-label">{move || tr.t("history.by_kind")}</span>
                    <select data-testid="history-kind" on:change=move |ev| {
                        kind.set(EntityKind::from_collection(&event_target_value(&ev)));
                    }>
                        <option value="">{move || tr.t("filter.all")}</option>
                        {EntityKind::ALL.into_iter().map(|k| view! {
                            <option value=k.collection()>{move || tr.t(k.label_key())}</option>
                        }).collect_view()}
                    </select>
                </label>
            </div>
            <p class="hint">{move || tr.t("history.names_hint")}</p>
            <div class="table-wrap">
            <table class="table compact" data-testid="history-table">
                <thead>
                    <tr>
                        <th>{move || tr.t("history.when")}</th>
                        <th>{move || tr.t("history.who")}</th>
                        <th>{move || tr.t("history.device")}</th>
                        <th>{move || tr.t("history.what")}</th>
                        <th></th>
                    </tr>
                </thead>
                <tbody>
                    {move || entries().into_iter().take(shown.get()).map(|e| {
                        let here = here.clone();
                        let action = e.action.map(|a| a.label_key()).unwrap_or("history.other");
                        let entity = e.entity.as_ref().map(|(k, _)| k.label_key());
                        let hash = e.hash_hex();
                        view! {
                            <tr data-testid="history-row">
                                <td>{format_time(e.at)}</td>
                                <td data-testid="history-row-author">{author_name(&e.author)}</td>
                                <td data-testid="history-row-device" title=e.device.clone()>{device_label(&e.device, &here)}</td>
                                <td>
                                    {move || tr.t(action)} " "
                                    {entity.map(|k| move || tr.t(k))} " "
                                    <span class="label">{e.label.clone()}</span>
                                </td>
                                <td class="row-actions">
                                    <A href=format!("/r/{}/history/{hash}", rid()) attr:data-testid="view-as-of">
                                        {move || tr.t("history.view_as_of")}
                                    </A>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            </div>
            <Show when=more_left>
                <button on:click=move |_| shown.update(|n| *n += PAGE_SIZE)>{move || tr.t("history.more")}</button>
            </Show>
        </section>
    }
}

/// A change's device as the table shows it: this browser, or the start of its id.
fn device_label(device: &str, here: &str) -> String {
    let tr = use_app().tr;
    match device {
        "" => tr.t("history.unknown_device").to_string(),
        d if d == here => tr.t("history.this_device").to_string(),
        d => d.chars().take(8).collect(),
    }
}

/// The name of a change's author, as a reactive text.
fn author_name(id: &str) -> String {
    let app = use_app();
    app.session
        .with(|r| r.person_name(id).map(str::to_string))
        .flatten()
        .unwrap_or_else(|| app.tr.t("history.unknown_author").to_string())
}

/// `/r/<id>/history/<change hash>`: the register just after that change, read-only.
#[component]
pub fn AsOfPage() -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let params = use_params_map();
    let past = session.register_at(move || params.with(|p| p.get("hash")));
    let rid = move || session.open_id.get().unwrap_or_default();
    view! {
        {move || match past.get() {
            None => view! { <section class="card" data-testid="as-of-missing"><h1>{move || tr.t("history.no_such_change")}</h1></section> }.into_any(),
            Some((at, register)) => {
                let rows = risk_rows(&register, &RiskFilter::default(), RiskSort::Level, SortDir::Ascending, today());
                let people: Vec<String> = register.people.values().filter(|p| p.archived.is_none()).map(|p| p.name.clone()).collect();
                view! {
                    <section class="card as-of" data-testid="as-of">
                        <div class="title-row">
                            <h1>{move || tr.f("history.as_of_title", &[("time", &format_time(at))])}</h1>
                            <A href=format!("/r/{}/history", rid())>{move || tr.t("history.back")}</A>
                        </div>
                        <p class="hint">{move || tr.t("history.read_only")}</p>
                        <h2>{move || tr.t("org.people")}</h2>
                        <p data-testid="as-of-people">{people.join("、")}</p>
                        <h2>{move || tr.t("risks.title")}</h2>
                        <table class="table compact" data-testid="as-of-risks">
                            <thead><tr>
                                <th>{move || tr.t("risk.level")}</th>
                                <th>{move || tr.t("risk.department")}</th>
                                <th>{move || tr.t("risk.post")}</th>
                                <th>{move || tr.t("risk.description")}</th>
                            </tr></thead>
                            <tbody>
                                {rows.into_iter().map(|row| {
                                    let level: RiskLevel = row.level;
                                    view! {
                                        <tr data-testid="as-of-risk-row">
                                            <td>{move || tr.t(level.label_key())}</td>
                                            <td>{row.department}</td>
                                            <td>{row.post}</td>
                                            <td>{row.description}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </section>
                }.into_any()
            }
        }}
    }
}
