//! A list of one kind of entity with its add/edit form, archive and restore: the shape every
//! organisation and plan section shares.

use leptos::prelude::*;
use leptos_router::components::A;

use super::conflicts::ConflictPanel;
use super::entity_history::entity_history;
use super::hooks::today;
use super::use_app;
use super::widgets::{FormNotice, follow_record, save_entity};
use crate::engine::view_store::StoredEntity;
use crate::engine::{Command, EntityForm};
use crate::i18n::Locale;
use crate::model::{Date, Id, Register};
use crate::rules::{Form, Invalid};

/// What a cell may read besides its entity.
pub struct CellContext<'a> {
    /// The register.
    pub register: &'a Register,
    /// The page's language, for labels of stored codes.
    pub locale: Locale,
    /// Today, for flags such as overdue.
    pub today: Date,
}

/// A sort key that lists `YYYY-MM-DD` dates newest first (each digit inverted).
pub fn newest_first(date: &str) -> String {
    date.chars().map(|c| if c.is_ascii_digit() { (b'9' - c as u8 + b'0') as char } else { c }).collect()
}

/// A column: its header's locale key and how a cell reads.
pub type Column<E> = (&'static str, fn(&CellContext, &E) -> String);

/// The fields of the form, given the form and its refusals.
pub type Fields<F> = fn(RwSignal<F>, RwSignal<Vec<Invalid>>) -> AnyView;

/// Limits a section to the entities belonging to one owner (the measures of one risk point).
pub struct Scope<E, F> {
    /// The owner's id.
    pub owner: Signal<Option<Id>>,
    /// Whether an entity belongs to `owner`.
    pub belongs: fn(&E, &str) -> bool,
    /// A new form already tied to `owner`.
    pub blank: fn(&str) -> F,
}

/// A link on the rows it is `shown` for: its label's locale key, and its address given the
/// register's id and the entity's.
pub struct RowLink<E> {
    /// Locale key of the label.
    pub label: &'static str,
    /// Whether a row gets the link.
    pub shown: fn(&CellContext, &E) -> bool,
    /// The address.
    pub href: fn(&str, &str) -> String,
}

/// A section listing entities of kind `E`, edited through form `F`.
pub struct Section<E: 'static, F: 'static> {
    /// Locale key of the heading.
    pub title: &'static str,
    /// Test ids start with it: `{prefix}-row`, `{prefix}-edit`, `{prefix}-save`, ….
    pub prefix: &'static str,
    /// The table's columns.
    pub columns: Vec<Column<E>>,
    /// The sort key of a row.
    pub order: fn(&CellContext, &E) -> String,
    /// The form's fields.
    pub fields: Fields<F>,
    /// `None` lists every entity of the kind.
    pub scope: Option<Scope<E, F>>,
    /// A link on some rows to another page (raise a warning from a spot check's findings).
    pub link: Option<RowLink<E>>,
}

/// The section's list, its add/edit form, archive and restore, and the edited entity's
/// conflicts and history.
pub fn entity_section<E, F>(section: Section<E, F>) -> impl IntoView
where
    E: StoredEntity,
    F: EntityForm + Form<Target = E> + Default + Clone + PartialEq + serde::Serialize + Send + Sync + 'static,
{
    let Section { title, prefix, columns, order, fields, scope, link } = section;
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let columns = StoredValue::new(columns);
    let form = RwSignal::new(F::default());
    let errors = RwSignal::new(Vec::<Invalid>::new());
    let notice = RwSignal::new(None::<(bool, String)>);
    let editing = RwSignal::new(None::<Id>);
    let show_archived = RwSignal::new(false);

    let link_label = link.as_ref().map(|l| l.label);
    let link = StoredValue::new(link);
    let scope = StoredValue::new(scope.map(|s| (s.owner, s.belongs, s.blank)));
    let owner = move || scope.with_value(|s| s.as_ref().map(|(owner, _, _)| owner.get()));
    let blank = move || match scope.with_value(|s| s.as_ref().map(|(owner, _, blank)| (owner.get(), *blank))) {
        Some((Some(owner), blank)) => blank(&owner),
        _ => F::default(),
    };
    let rows = move || {
        let archived = show_archived.get();
        let locale = tr.locale();
        let owner = owner();
        let belongs = scope.with_value(|s| s.as_ref().map(|(_, belongs, _)| *belongs));
        let rid = session.open_id.get().unwrap_or_default();
        session
            .with(|register| {
                let context = CellContext { register, locale, today: today() };
                let mut rows: Vec<(String, Id, Vec<String>, Option<String>)> = E::all(register)
                    .iter()
                    .filter(|(_, e)| e.is_active() != archived)
                    .filter(|(_, e)| match (&owner, belongs) {
                        (Some(Some(owner)), Some(belongs)) => belongs(e, owner),
                        (Some(None), _) => false,
                        _ => true,
                    })
                    .map(|(id, e)| {
                        let cells = columns.with_value(|c| c.iter().map(|(_, cell)| cell(&context, e)).collect());
                        let href = link.with_value(|link| {
                            link.as_ref().filter(|l| (l.shown)(&context, e)).map(|l| (l.href)(&rid, id))
                        });
                        (order(&context, e), id.clone(), cells, href)
                    })
                    .collect();
                rows.sort();
                rows
            })
            .unwrap_or_default()
    };
    let reset = move || {
        editing.set(None);
        form.set(blank());
    };
    let followed = follow_record(
        form,
        move || match editing.get() {
            Some(id) => session.entity::<E>(&id).map(|e| (Some(id), F::from_target(&e))),
            None => Some((None, blank())),
        },
        move || errors.set(Vec::new()),
    );
    let edit = move |id: Id| editing.set(Some(id));
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save_entity(tr, session, editing.get_untracked(), followed, form.get_untracked(), errors, notice, move |_| {
            reset()
        });
    };
    let set_archived = move |id: Id, archive: bool| {
        if editing.get_untracked().as_deref() == Some(id.as_str()) {
            reset();
        }
        session.send(Command::SetArchived { kind: E::KIND, id, archived: archive }, move |result| {
            notice.set(Some(match result {
                Ok(_) => (true, tr.t(if archive { "form.archived" } else { "form.restored" }).to_string()),
                Err(e) => (false, tr.t(e.label_key()).to_string()),
            }))
        });
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
                            children=move |(_, id, cells, href)| {
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
                                            {href.zip(link_label).map(|(href, label)| view! {
                                                <A href=href attr:class="button" attr:data-testid=format!("{prefix}-link")>{move || tr.t(label)}</A>
                                            })}
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
