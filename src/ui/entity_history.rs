//! The history of one entity, with "restore this version".

use leptos::prelude::*;

use super::time::format_time;
use super::use_app;
use crate::engine::{Command, Outcome};
use crate::model::Entity;
use crate::rules::Form;

/// The changes of entity `id`, newest first; each can be restored as a new change.
pub fn entity_history<F>(id: Signal<Option<String>>) -> impl IntoView
where
    F: Form + 'static,
    F::Target: Entity,
{
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let kind = F::Target::KIND;
    let notice = RwSignal::new(None::<(bool, String)>);
    let history = session.entity_history(kind, move || id.get());
    let entries = move || Some((id.get()?, history.get()?));
    let restore = move |id: String, hash: automerge::ChangeHash| {
        let command = Command::RestoreVersion { kind, id, hash: hash.to_string() };
        session.send(command, move |result| {
            notice.set(Some(match result {
                Ok(Outcome::Changed(false)) => (true, tr.t("history.already_so").to_string()),
                Ok(_) => (true, tr.t("history.restored").to_string()),
                Err(e) => (false, tr.t(e.label_key()).to_string()),
            }))
        });
    };
    view! {
        {move || entries().map(|(id, entries)| view! {
            <section class="card" data-testid="entity-history">
                <h2>{move || tr.t("history.of_entity")}</h2>
                <table class="table compact">
                    <tbody>
                        {entries.into_iter().enumerate().map(|(i, e)| {
                            let author = e.author.clone();
                            let who = move || session.person_name(&author)
                                .unwrap_or_else(|| tr.t("history.unknown_author").to_string());
                            let action = e.action.map(|a| a.label_key()).unwrap_or("history.other");
                            let id = id.clone();
                            let hash = e.hash;
                            view! {
                                <tr data-testid="entity-history-row">
                                    <td>{format_time(e.at)}</td>
                                    <td data-testid="entity-history-author">{who}</td>
                                    <td>{move || tr.t(action)}</td>
                                    <td>{e.label.clone()}</td>
                                    <td class="row-actions">
                                        {(i > 0).then(|| view! {
                                            <button data-testid="restore-version" on:click=move |_| restore(id.clone(), hash)>
                                                {move || tr.t("history.restore_version")}
                                            </button>
                                        })}
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
                {move || notice.get().map(|(ok, text)| view! {
                    <p class=if ok { "notice ok" } else { "notice error" } data-testid="history-notice">{text}</p>
                })}
            </section>
        })}
    }
}
