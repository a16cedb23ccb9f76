//! 风险点: the register's risk points, filtered and sorted.

use std::collections::HashMap;

use leptos::prelude::*;
use leptos_router::components::A;

use crate::model::{Department, Entity, ReviewStage, RiskKind, RiskLevel};
use crate::rules::{RiskFilter, RiskRow, RiskSort, SortDir};
use crate::ui::hooks::use_register_index;
use crate::ui::use_app;

/// Rows shown per page; more are a click away, so a large register renders quickly.
const PAGE_SIZE: usize = 100;

/// `/r/<id>/risks`.
#[component]
pub fn RisksPage() -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let filter = RwSignal::new(RiskFilter::default());
    let sort = RwSignal::new((RiskSort::Level, SortDir::Ascending));
    let shown = RwSignal::new(PAGE_SIZE);
    // Rebuilt when the register changes; a keypress in the filter only filters and sorts it.
    let index = use_register_index();
    let rows = Memo::new(move |_| {
        let (by, dir) = sort.get();
        filter.with(|f| index.with(|i| i.rows(f, by, dir).into_iter().cloned().collect::<Vec<_>>()))
    });
    // Where each row stands in `rows`, so that a row keyed by id finds its content at once.
    let positions = Memo::new(move |_| {
        rows.with(|rows| rows.iter().enumerate().map(|(i, row)| (row.id.clone(), i)).collect::<HashMap<_, _>>())
    });
    Effect::new(move || {
        filter.track();
        shown.set(PAGE_SIZE);
    });
    let rid = move || session.open_id.get().unwrap_or_default();
    let kinds = move || session.with_kind::<RiskKind, _>(RiskKind::choices).unwrap_or_default();
    let departments = move || session.with_kind::<Department, _>(Department::choices).unwrap_or_default();
    let set_level = move |code: String| filter.update(|f| f.level = RiskLevel::from_code(&code));
    let set_kind = move |id: String| filter.update(|f| f.kind = (!id.is_empty()).then_some(id));
    let set_department = move |id: String| filter.update(|f| f.department = (!id.is_empty()).then_some(id));
    let sort_by = move |column: RiskSort| {
        sort.update(|(by, dir)| {
            if *by == column {
                *dir = if *dir == SortDir::Ascending { SortDir::Descending } else { SortDir::Ascending };
            } else {
                *by = column;
                *dir = SortDir::Ascending;
            }
        })
    };
    view! {
        <section class="card">
            <div class="title-row">
                <h1>{move || tr.t("risks.title")}</h1>
                <A href=move || format!("/r/{}/risks/new", rid()) attr:class="button primary" attr:data-testid="add-risk">
                    {move || tr.t("risks.add")}
                </A>
            </div>
            <div class="filters" role="search">
                <label class="field">
                    <span class="field-label">{move || tr.t("risk.level")}</span>
                    <select data-testid="filter-level" on:change=move |ev| set_level(event_target_value(&ev))>
                        <option value="">{move || tr.t("filter.all")}</option>
                        {RiskLevel::ALL
                            .into_iter()
                            .map(|l| view! { <option value=l.code()>{move || tr.t(l.label_key())}</option> })
                            .collect_view()}
                    </select>
                </label>
                <label class="field">
                    <span class="field-label">{move || tr.t("risk.kind")}</span>
                    <select data-testid="filter-kind" on:change=move |ev| set_kind(event_target_value(&ev))>
                        <option value="">{move || tr.t("filter.all")}</option>
                        {move || {
                            kinds()
                                .into_iter()
                                .map(|(id, name): (String, String)| view! { <option value=id>{name}</option> })
                                .collect_view()
                        }}
                    </select>
                </label>
                <label class="field">
                    <span class="field-label">{move || tr.t("risk.department")}</span>
                    <select data-testid="filter-department" on:change=move |ev| set_department(event_target_value(&ev))>
                        <option value="">{move || tr.t("filter.all")}</option>
                        {move || {
                            departments()
                                .into_iter()
                                .map(|(id, name): (String, String)| view! { <option value=id>{name}</option> })
                                .collect_view()
                        }}
                    </select>
                </label>
                <label class="field">
                    <span class="field-label">{move || tr.t("risk.stage")}</span>
                    <select data-testid="filter-stage" on:change=move |ev| {
                        filter.update(|f| f.stage = ReviewStage::from_code(&event_target_value(&ev)))
                    }>
                        <option value="">{move || tr.t("filter.all_adopted")}</option>
                        {ReviewStage::ALL
                            .into_iter()
                            .map(|s| view! { <option value=s.code()>{move || tr.t(s.label_key())}</option> })
                            .collect_view()}
                    </select>
                </label>
                <label class="field grow">
                    <span class="field-label">{move || tr.t("filter.text")}</span>
                    <input
                        type="search"
                        data-testid="filter-text"
                        placeholder=move || tr.t("filter.text_placeholder")
                        on:input=move |ev| filter.update(|f| f.text = event_target_value(&ev))
                    />
                </label>
                <label class="field check">
                    <input
                        type="checkbox"
                        data-testid="filter-archived"
                        on:change=move |ev| filter.update(|f| f.archived = event_target_checked(&ev))
                    />
                    {move || tr.t("filter.archived")}
                </label>
            </div>
            <p class="count" data-testid="risk-count">
                {move || tr.f("risks.count", &[("n", &rows.with(Vec::len).to_string())])}
            </p>
            <div class="table-wrap">
                <table class="table" data-testid="risk-table">
                    <thead>
                        <tr>
                            {RiskSort::ALL
                                .into_iter()
                                .map(|column| {
                                    let arrow = move || {
                                        let (by, dir) = sort.get();
                                        match (by == column, dir) {
                                            (false, _) => "",
                                            (true, SortDir::Ascending) => " ▲",
                                            (true, SortDir::Descending) => " ▼",
                                        }
                                    };
                                    view! {
                                        <th>
                                            <button
                                                class="sort"
                                                data-testid=format!("sort-{}", column.code())
                                                on:click=move |_| sort_by(column)
                                            >
                                                {move || tr.t(column_key(column))}
                                                {arrow}
                                            </button>
                                        </th>
                                    }
                                })
                                .collect_view()}
                            <th>{move || tr.t("risk.stage")}</th>
                        </tr>
                    </thead>
                    <tbody>
                        <For
                            each=move || rows.with(|r| r.iter().take(shown.get()).map(|row| row.id.clone()).collect::<Vec<_>>())
                            key=|id| id.clone()
                            children=move |id| {
                                // Re-rendered only when this row's content changes.
                                let row = Memo::new(move |_| {
                                    positions.with(|p| p.get(&id).and_then(|&i| rows.with(|r| r.get(i).cloned())))
                                });
                                move || row.get().map(|row| view! { <RiskRowView row rid=rid()/> })
                            }
                        />
                    </tbody>
                </table>
            </div>
            <Show when=move || rows.with(Vec::len) == 0>
                <p class="empty" data-testid="risks-empty">{move || tr.t("risks.empty")}</p>
            </Show>
            <Show when=move || { rows.with(Vec::len) > shown.get() }>
                <button data-testid="show-more" on:click=move |_| shown.update(|n| *n += PAGE_SIZE)>
                    {move || tr.f("risks.show_more", &[("n", &(rows.with(Vec::len) - shown.get()).to_string())])}
                </button>
            </Show>
        </section>
    }
}

fn column_key(column: RiskSort) -> &'static str {
    match column {
        RiskSort::Level => "risk.level",
        RiskSort::Kind => "risk.kind",
        RiskSort::Department => "risk.department",
        RiskSort::Post => "risk.post",
        RiskSort::PowerItem => "risk.power_item",
        RiskSort::Description => "risk.description",
        RiskSort::Accountable => "risk.accountable",
    }
}

/// One line of the table.
#[component]
fn RiskRowView(row: RiskRow, rid: String) -> impl IntoView {
    let tr = use_app().tr;
    let level = row.level;
    view! {
        <tr data-testid="risk-row" data-id=row.id.clone()>
            <td>
                <span class=format!("badge level-{}", level.code()) data-testid="risk-row-level">
                    {move || tr.t(level.label_key())}
                </span>
            </td>
            <td>{row.kind}</td>
            <td>{row.department}</td>
            <td>{row.post}</td>
            <td>{row.power_item}</td>
            <td class="description">
                <A href=format!("/r/{rid}/risks/{}", row.id) attr:data-testid="risk-row-link">{row.description}</A>
                {row.overdue.then(|| view! { " " <span class="badge warn" data-testid="risk-row-overdue">{move || tr.t("measure.overdue")}</span> })}
                {row.publicity.map(|(publicised, changed)| view! {
                    " "
                    <span class=if changed { "badge warn" } else { "badge" } data-testid="risk-row-publicity">
                        {move || tr.t(match (publicised, changed) {
                            (_, true) => "publicity.changed_since",
                            (true, false) => "publicity.publicised",
                            (false, false) => "publicity.in_round",
                        })}
                    </span>
                })}
            </td>
            <td>
                {row.accountable}
                {row.accountable_gap.then(|| view! { <span class="gap" title=move || tr.t("risk.gap_hint")>" ⚠"</span> })}
            </td>
            <td>
                <span class=format!("badge stage-{}", row.stage.code()) data-testid="risk-row-stage">{move || tr.t(row.stage.label_key())}</span>
            </td>
        </tr>
    }
}
