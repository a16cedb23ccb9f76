//! A list of one kind of entity with its add/edit form, archive and restore: the shape every
//! organisation and plan section shares.

use leptos::prelude::*;

use super::conflicts::ConflictPanel;
use super::entity_history::entity_history;
use super::use_app;
use super::widgets::{FormNotice, follow_record};
use crate::doc::DocError;
use crate::model::{Entity, Id, Register};
use crate::rules::{Form, Invalid};

/// A column: its header's locale key and how a cell reads.
pub type Column<E> = (&'static str, fn(&Register, &E) -> String);

/// The fields of the form, given the form and its refusals.
pub type Fields<F> = fn(RwSignal<F>, RwSignal<Vec<Invalid>>) -> AnyView;

/// A section listing entities of kind `E`, edited through form `F`.
/// Test ids start with `prefix`: `{prefix}-row`, `{prefix}-edit`, `{prefix}-save`, ….
pub fn entity_section<E, F>(
    title: &'static str,
    prefix: &'static str,
    columns: Vec<Column<E>>,
    order: fn(&E) -> String,
    fields: Fields<F>,
) -> impl IntoView
where
    E: Entity + 'static,
    F: Form<Target = E> + Default + Clone + PartialEq + Send + Sync + 'static,
{
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let columns = StoredValue::new(columns);
    let form = RwSignal::new(F::default());
    let errors = RwSignal::new(Vec::<Invalid>::new());
    let notice = RwSignal::new(None::<(bool, String)>);
    let editing = RwSignal::new(None::<Id>);
    let show_archived = RwSignal::new(false);

    let rows = move || {
        let archived = show_archived.get();
        session
            .with(|r| {
                let mut rows: Vec<(String, Id, Vec<String>)> = E::all(r)
                    .iter()
                    .filter(|(_, e)| e.is_active() != archived)
                    .map(|(id, e)| {
                        (order(e), id.clone(), columns.with_value(|c| c.iter().map(|(_, cell)| cell(r, e)).collect()))
                    })
                    .collect();
                rows.sort();
                rows
            })
            .unwrap_or_default()
    };
    let reset = move || {
        editing.set(None);
        form.set(F::default());
    };
    follow_record(
        form,
        move || match editing.get() {
            Some(id) => session.with(|r| E::all(r).get(&id).map(F::from_target)).flatten().map(|f| (Some(id), f)),
            None => Some((None, F::default())),
        },
        move || errors.set(Vec::new()),
    );
    let edit = move |id: Id| editing.set(Some(id));
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = form.get_untracked();
        let result = match editing.get_untracked() {
            Some(id) => session.change(|doc, stamp| doc.update_entity(stamp, &id, &input).map(|_| ())),
            None => session.change(|doc, stamp| doc.create_entity(stamp, &input).map(|_| ())),
        };
        match result {
            Ok(()) => {
                reset();
                notice.set(Some((true, tr.t("form.saved").to_string())));
            }
            Err(DocError::Invalid(refused)) => {
                errors.set(refused);
                notice.set(Some((false, tr.t("form.fix_fields").to_string())));
            }
            Err(other) => notice.set(Some((false, tr.t(other.label_key()).to_string()))),
        }
    };
    let set_archived = move |id: Id, archive: bool| {
        let result = session.change(|doc, stamp| doc.set_archived::<E>(stamp, &id, archive));
        notice.set(Some(match result {
            Ok(()) => (true, tr.t(if archive { "form.archived" } else { "form.restored" }).to_string()),
            Err(e) => (false, tr.t(e.label_key()).to_string()),
        }));
        if editing.get_untracked().as_deref() == Some(id.as_str()) {
            reset();
        }
    };

    view! {
        <section class="card" data-testid=format!("{prefix}-section")>
            <div class="title-row">
                <h2>{move || tr.t(title)}</h2>
                <label class="check">
                    <input
                        type="checkbox"
                        data-testid=format!("{prefix}-show-archived")
                        prop:checked=move || show_archived.get()
                        on:change=move |ev| show_archived.set(event_target_checked(&ev))
                    />
                    {move || tr.t("filter.archived")}
                </label>
            </div>
            <div class="table-wrap">
                <table class="table compact">
                    <thead>
                        <tr>
                            {columns.with_value(|c| c.iter().map(|(key, _)| { let key = *key; view! { <th>{move || tr.t(key)}</th> } }).collect_view())}
                            <th></th>
                            <th></th>
                        </tr>
                    </thead>
                    <tbody>
                        <For
                            each=rows
                            key=|row| row.clone()
                            children=move |(_, id, cells)| {
                                let (edit_id, archive_id) = (id.clone(), id.clone());
                                let archived = show_archived.get_untracked();
                                let conflicted = {
                                    let id = id.clone();
                                    move || session.conflicts.with(|all| all.iter().any(|c| c.kind == E::KIND && c.id == id))
                                };
                                view! {
                                    <tr data-testid=format!("{prefix}-row") data-id=id.clone()>
                                        {cells.into_iter().map(|c| view! { <td>{c}</td> }).collect_view()}
                                        <td>
                                            <Show when=conflicted.clone()>
                                                <span class="badge conflict-badge" data-testid="conflict-badge">
                                                    {move || tr.t("conflict.badge")}
                                                </span>
                                            </Show>
                                        </td>
                                        <td class="row-actions">
                                            <Show when=move || !archived>
                                                <button type="button" data-testid=format!("{prefix}-edit") on:click={
                                                    let id = edit_id.clone();
                                                    move |_| edit(id.clone())
                                                }>{move || tr.t("form.edit")}</button>
                                            </Show>
                                            <button
                                                type="button"
                                                data-testid=format!("{prefix}-{}", if archived { "restore" } else { "archive" })
                                                on:click={
                                                    let id = archive_id.clone();
                                                    move |_| set_archived(id.clone(), !archived)
                                                }
                                            >
                                                {move || tr.t(if archived { "form.restore" } else { "form.archive" })}
                                            </button>
                                        </td>
                                    </tr>
                                }
                            }
                        />
                    </tbody>
                </table>
            </div>
            <form class="form" on:submit=save data-testid=format!("{prefix}-form")>
                <h3>{move || tr.t(if editing.get().is_some() { "form.editing" } else { "form.adding" })}</h3>
                {fields(form, errors)}
                <div class="actions">
                    <button type="submit" class="primary" data-testid=format!("{prefix}-save")>{move || tr.t("form.save")}</button>
                    <Show when=move || editing.get().is_some()>
                        <button type="button" data-testid=format!("{prefix}-cancel") on:click=move |_| reset()>
                            {move || tr.t("form.cancel")}
                        </button>
                    </Show>
                </div>
                <FormNotice notice testid=format!("{prefix}-notice")/>
            </form>
            <ConflictPanel kind=E::KIND id=Signal::derive(move || editing.get())/>
            {entity_history::<F>(Signal::derive(move || editing.get()))}
        </section>
    }
}
