//! 岗位腐败风险点目录 and the per-department 自查表: shown as the official forms, printed on A4
//! landscape, exported to CSV and XLSX.

use leptos::prelude::*;

use crate::model::{Department, Entity};
use crate::report::{Table, catalogue_table, self_check_table, to_csv};
use crate::ui::files::download;
use crate::ui::hooks::today;
use crate::ui::use_app;

/// `/r/<id>/catalogue`.
#[component]
pub fn CataloguePage() -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    // "" shows the catalogue; a department id shows that department's self-check form.
    let department = RwSignal::new(String::new());
    let notice = RwSignal::new(None::<String>);
    let table = Memo::new(move |_| {
        let locale = tr.locale();
        let chosen = department.get();
        session
            .with(|r| if chosen.is_empty() { catalogue_table(r, locale) } else { self_check_table(r, &chosen, locale) })
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
        let sheet = tr.t(if department.get_untracked().is_empty() { "catalogue.sheet" } else { "self_check.sheet" });
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
                        {move || departments().into_iter().map(|(id, name)| view! {
                            <option value=id>{move || tr.f("catalogue.self_check_of", &[("department", &name)])}</option>
                        }).collect_view()}
                    </select>
                </label>
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
            <table class="table form-table" data-testid="catalogue-table">
                <thead>
                    <tr>{move || table.with(|t| t.headers.iter().map(|h| view! { <th>{h.clone()}</th> }).collect_view())}</tr>
                </thead>
                <tbody>
                    {move || table.with(|t| t.rows.iter().map(|row| view! {
                        <tr data-testid="catalogue-row">{row.iter().map(|cell| view! { <td>{cell.clone()}</td> }).collect_view()}</tr>
                    }).collect_view())}
                </tbody>
            </table>
            <Show when=move || table.with(|t| t.rows.is_empty())>
                <p class="empty" data-testid="catalogue-empty">{move || tr.t("catalogue.empty")}</p>
            </Show>
        </article>
    }
}
