//! 岗位腐败风险点目录, the per-department 自查表 and the 预警处置情况统计 for reporting upward:
//! shown as the official forms, printed on A4 landscape, exported to CSV and XLSX.

use leptos::prelude::*;

use crate::model::{Date, Department, Entity};
use crate::report::{Table, catalogue_table, self_check_table, to_csv, warning_summary};
use crate::ui::files::download;
use crate::ui::hooks::today;
use crate::ui::use_app;

/// The choice of form that shows the warning summary.
const WARNINGS: &str = "warnings";

/// `/r/<id>/catalogue`.
#[component]
pub fn CataloguePage() -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    // "" shows the catalogue; WARNINGS the warning summary; a department id shows that
    // department's self-check form.
    let department = RwSignal::new(String::new());
    let year_start = Date::new(today().year(), 1, 1).unwrap_or_else(|_| today());
    let from = RwSignal::new(year_start.to_string());
    let to = RwSignal::new(today().to_string());
    let notice = RwSignal::new(None::<String>);
    let table = Memo::new(move |_| {
        let locale = tr.locale();
        let chosen = department.get();
        let day = |d: RwSignal<String>, or: Date| d.with(|d| d.parse().unwrap_or(or));
        let (from, to) = (day(from, year_start), day(to, today()));
        session
            .with(|r| match chosen.as_str() {
                "" => catalogue_table(r, locale),
                WARNINGS => warning_summary(r, from, to, today(), locale),
                department => self_check_table(r, department, locale),
            })
            .unwrap_or(Table { title: String::new(), headers: Vec::new(), rows: Vec::new() })
    });
    let departments = move || session.with_kind::<Department, _>(Department::choices).unwrap_or_default();
    let file_name = move |extension: &str| format!("{}-{}.{extension}", table.with(|t| t.title.clone()), today());
    let export_csv = move |_| {
        let bytes = table.with(to_csv);
        if let Err(e) = download(&file_name("csv"), &bytes, "text/csv;charset=utf-8") {
            notice.set(Some(format!("{} {e}", tr.t("sync.download_failed"))));
        }
    };
    let export_xlsx = move |_| {
        let sheet = tr.t(match department.get_untracked().as_str() {
            "" => "catalogue.sheet",
            WARNINGS => "summary.sheet",
            _ => "self_check.sheet",
        });
        let name = file_name("xlsx");
        session.xlsx(table.get_untracked(), sheet, move |result| match result {
            Ok(bytes) => {
                let mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
                if let Err(e) = download(&name, &bytes, mime) {
                    notice.set(Some(format!("{} {e}", tr.t("sync.download_failed"))));
                }
            }
            Err(e) => notice.set(Some(format!("{} {e}", tr.t("catalogue.xlsx_failed")))),
        });
    };
    let print = move |_| {
        let _ = window().print();
    };
    let unit = move || session.with_unit(|u| u.name.clone()).unwrap_or_default();
    view! {
        <section class="card no-print">
            <div class="filters">
                <label class="field">
                    <span class="field-label">{move || tr.t("catalogue.form")}</span>
                    <select data-testid="catalogue-department" on:change=move |ev| department.set(event_target_value(&ev))>
                        <option value="">{move || tr.t("catalogue.whole")}</option>
                        <option value=WARNINGS>{move || tr.t("summary.title")}</option>
                        {move || departments().into_iter().map(|(id, name)| view! {
                            <option value=id>{move || tr.f("catalogue.self_check_of", &[("department", &name)])}</option>
                        }).collect_view()}
                    </select>
                </label>
                <Show when=move || department.get() == WARNINGS>
                    <label class="field">
                        <span class="field-label">{move || tr.t("summary.from")}</span>
                        <input type="date" data-testid="summary-from" prop:value=move || from.get() on:change=move |ev| from.set(event_target_value(&ev))/>
                    </label>
                    <label class="field">
                        <span class="field-label">{move || tr.t("summary.to")}</span>
                        <input type="date" data-testid="summary-to" prop:value=move || to.get() on:change=move |ev| to.set(event_target_value(&ev))/>
                    </label>
                </Show>
                <div class="actions">
                    <button data-testid="catalogue-print" on:click=print>{move || tr.t("catalogue.print")}</button>
                    <button data-testid="catalogue-csv" on:click=export_csv>{move || tr.t("catalogue.csv")}</button>
                    <button data-testid="catalogue-xlsx" on:click=export_xlsx>{move || tr.t("catalogue.xlsx")}</button>
                </div>
            </div>
            {move || notice.get().map(|n| view! { <p class="notice error">{n}</p> })}
        </section>
        <article class="print-sheet" data-testid="catalogue">
            <header class="sheet-head">
                <h1 data-testid="catalogue-title">{move || table.with(|t| t.title.clone())}</h1>
                <p class="sheet-meta">
                    <span>{move || tr.f("catalogue.unit", &[("unit", &unit())])}</span>
                    <span>{move || tr.f("catalogue.date", &[("date", &today().to_string())])}</span>
                </p>
            </header>
            <div class="table-wrap"><table class="table form-table" data-testid="catalogue-table">
                <thead>
                    <tr>{move || table.with(|t| t.headers.iter().map(|h| view! { <th>{h.clone()}</th> }).collect_view())}</tr>
                </thead>
                <tbody>
                    {move || table.with(|t| t.rows.iter().map(|row| view! {
                        <tr data-testid="catalogue-row">{row.iter().map(|cell| view! { <td>{cell.clone()}</td> }).collect_view()}</tr>
                    }).collect_view())}
                </tbody>
            </table></div>
            <Show when=move || table.with(|t| t.rows.is_empty())>
                <p class="empty" data-testid="catalogue-empty">{move || tr.t("catalogue.empty")}</p>
            </Show>
        </article>
    }
}
