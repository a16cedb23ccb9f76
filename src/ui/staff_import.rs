//! 批量导入人员和岗位: choose the staff list, match its columns, see every row as it would be
//! imported (new, duplicate, or what is wrong), and only then write the new ones.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::files::read_bytes;
use super::use_app;
use super::widgets::FormNotice;
use crate::engine::{Command, Outcome};
use crate::sync::{STAFF_FIELDS, StaffColumns, StaffRow};

/// What was read: the file (to read again with other columns), its headers, the columns, the rows.
#[derive(Clone)]
struct Plan {
    name: String,
    bytes: Vec<u8>,
    headers: Vec<String>,
    columns: StaffColumns,
    rows: Vec<StaffRow>,
}

/// The import card of 机构人员.
#[component]
pub fn StaffImport() -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let plan = RwSignal::new(None::<Plan>);
    let notice = RwSignal::new(None::<(bool, String)>);
    let read = move |name: String, bytes: Vec<u8>, columns: Option<StaffColumns>| {
        let kept = bytes.clone();
        session.staff_plan(name.clone(), bytes, columns, move |result| match result {
            Ok((headers, columns, rows)) => {
                notice.set(None);
                plan.set(Some(Plan { name, bytes: kept, headers, columns, rows }));
            }
            Err(key) => {
                plan.set(None);
                notice.set(Some((false, tr.t(key).to_string())));
            }
        });
    };
    let choose = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = ev.target().expect("an input").unchecked_into();
        let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
        input.set_value("");
        leptos::task::spawn_local(async move {
            match read_bytes(&file).await {
                Ok(bytes) => read(file.name(), bytes, None),
                Err(e) => notice.set(Some((false, format!("{} {e}", tr.t("staff.unreadable"))))),
            }
        });
    };
    let rematch = move |field: &'static str, value: String| {
        let Some(mut current) = plan.get_untracked() else { return };
        current.columns.set(field, value.parse().ok());
        read(current.name, current.bytes, Some(current.columns));
    };
    // Rows to import, duplicates, rows with errors.
    let counts = Memo::new(move |_| {
        plan.with(|p| {
            p.as_ref().map_or((0, 0, 0), |p| {
                let new = p.rows.iter().filter(|r| r.problem.is_none()).count();
                let duplicates = p.rows.iter().filter(|r| r.problem.as_ref().is_some_and(|x| x.is_duplicate())).count();
                (new, duplicates, p.rows.len() - new - duplicates)
            })
        })
    });
    let ready = move || counts.with(|c| c.0);
    let confirm = move |_| {
        let Some(current) = plan.get_untracked() else { return };
        let entries = current.rows.into_iter().filter(|r| r.problem.is_none()).map(|r| r.entry).collect();
        session.send(Command::ImportStaff(entries), move |result| match result {
            Ok(Outcome::Staff { people, posts }) => {
                plan.set(None);
                let text = tr.f("staff.done", &[("people", &people.to_string()), ("posts", &posts.to_string())]);
                notice.set(Some((true, text)));
            }
            Ok(_) => plan.set(None),
            Err(e) => notice.set(Some((false, tr.t(e.label_key()).to_string()))),
        });
    };
    view! {
        <section class="card" data-testid="staff-import">
            <h2>{move || tr.t("staff.title")}</h2>
            <p class="hint">{move || tr.t("staff.hint")}</p>
            <label class="field">
                <span class="field-label">{move || tr.t("staff.file")}</span>
                <input type="file" accept=".xlsx,.xls,.csv" data-testid="staff-file" on:change=choose/>
            </label>
            <FormNotice notice testid="staff-notice"/>
            {move || plan.get().map(|p| {
                let options = p.headers.clone();
                view! {
                    <fieldset class="field-group" data-testid="staff-columns">
                        <legend>{move || tr.t("staff.columns")}</legend>
                        {STAFF_FIELDS.iter().map(|&(field, label, _)| {
                            let chosen = p.columns.get(field);
                            view! {
                                <label class="field">
                                    <span class="field-label">{move || tr.t(label)}</span>
                                    <select data-testid=format!("staff-column-{field}") on:change=move |ev| rematch(field, event_target_value(&ev))>
                                        <option value="" selected=chosen.is_none()>{move || tr.t("staff.no_column")}</option>
                                        {options.iter().enumerate().map(|(i, h)| view! {
                                            <option value=i.to_string() selected=chosen == Some(i)>{h.clone()}</option>
                                        }).collect_view()}
                                    </select>
                                </label>
                            }
                        }).collect_view()}
                    </fieldset>
                    <p data-testid="staff-summary">{move || {
                        let (new, duplicates, errors) = counts.get();
                        tr.f("staff.summary", &[("new", &new.to_string()), ("duplicates", &duplicates.to_string()), ("errors", &errors.to_string())])
                    }}</p>
                    <div class="actions">
                        <button class="primary" data-testid="staff-confirm" prop:disabled=move || ready() == 0 on:click=confirm>
                            {move || tr.f("staff.confirm", &[("n", &ready().to_string())])}
                        </button>
                        <button data-testid="staff-cancel" on:click=move |_| plan.set(None)>{move || tr.t("form.cancel")}</button>
                    </div>
                    <div class="table-wrap">
                        <table class="table compact">
                            <thead><tr>
                                <th>{move || tr.t("staff.line")}</th>
                                <th>{move || tr.t("staff.field.name")}</th>
                                <th>{move || tr.t("staff.field.department")}</th>
                                <th>{move || tr.t("staff.field.post")}</th>
                                <th>{move || tr.t("staff.field.title")}</th>
                                <th>{move || tr.t("staff.status")}</th>
                            </tr></thead>
                            <tbody>
                                {p.rows.into_iter().map(|row| {
                                    let status = match &row.problem {
                                        None => tr.t("staff.new").to_string(),
                                        Some(problem) => tr.f(problem.label_key(), &[("detail", &problem.detail())]),
                                    };
                                    let class = match &row.problem {
                                        None => "staff-new",
                                        Some(p) if p.is_duplicate() => "staff-duplicate",
                                        Some(_) => "staff-error",
                                    };
                                    view! {
                                        <tr data-testid="staff-row" class=class>
                                            <td>{row.line}</td>
                                            <td>{row.entry.person.name.clone()}</td>
                                            <td>{row.department_name.clone()}</td>
                                            <td>{row.entry.post.clone()}</td>
                                            <td>{row.entry.person.title.clone()}</td>
                                            <td>{status}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }
            })}
        </section>
    }
}
