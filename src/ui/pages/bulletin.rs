//! 起草通报: choose closed cases, choose whom to name, and print or download the draft.
//! The choice is the page's own: a draft is not a record of the register.

use std::collections::BTreeSet;

use leptos::prelude::*;

use crate::model::{Id, Target};
use crate::report::{bulletin, closed_cases};
use crate::ui::files::download;
use crate::ui::hooks::today;
use crate::ui::use_app;
use crate::ui::widgets::FormNotice;

/// `/r/<id>/bulletin`.
#[component]
pub fn BulletinPage() -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    // Each closed case: id, line, and whether it is about a person (who may be named).
    let cases = Memo::new(move |_| {
        session
            .with(|r| {
                closed_cases(r)
                    .into_iter()
                    .map(|(id, line)| {
                        let person = r.warnings.get(&id).is_some_and(|w| w.target == Target::Person);
                        (id, line, person)
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });
    let chosen = RwSignal::new(BTreeSet::<Id>::new());
    let named = RwSignal::new(BTreeSet::<Id>::new());
    let notice = RwSignal::new(None::<(bool, String)>);
    let draft = Memo::new(move |_| {
        let order: Vec<Id> = cases.with(|c| {
            c.iter().rev().filter(|(id, _, _)| chosen.with(|s| s.contains(id))).map(|(id, _, _)| id.clone()).collect()
        });
        let date = today().to_string();
        session.with(|r| named.with(|named| bulletin(r, &order, named, &date, tr.locale())))
    });
    let toggle = |set: RwSignal<BTreeSet<Id>>, id: Id, on: bool| {
        set.update(|s| {
            if on {
                s.insert(id);
            } else {
                s.remove(&id);
            }
        })
    };
    let save_text = move |_| {
        let Some(text) = draft.with(|d| d.as_ref().map(|d| d.to_text())) else { return };
        let name = format!("{}-{}.txt", tr.t("bulletin.file"), today());
        if let Err(e) = download(&name, text.as_bytes(), "text/plain;charset=utf-8") {
            notice.set(Some((false, format!("{} {e}", tr.t("sync.download_failed")))));
        }
    };
    view! {
        <section class="card no-print">
            <h1>{move || tr.t("bulletin.page_title")}</h1>
            <p class="hint">{move || tr.t("bulletin.hint")}</p>
            <Show when=move || cases.with(Vec::is_empty)>
                <p class="empty" data-testid="bulletin-none">{move || tr.t("bulletin.none")}</p>
            </Show>
            <ul class="plain choice-list">
                <For each=move || cases.get() key=|c| c.clone() children=move |(id, line, person)| {
                    let (pick, name) = (id.clone(), id.clone());
                    let is_chosen = { let id = id.clone(); move || chosen.with(|s| s.contains(&id)) };
                    view! {
                        <li data-testid="bulletin-case">
                            <label class="check">
                                <input type="checkbox" data-testid="bulletin-choose"
                                    prop:checked=is_chosen.clone()
                                    on:change=move |ev| toggle(chosen, pick.clone(), event_target_checked(&ev))/>
                                {line}
                            </label>
                            {person.then(|| view! {
                                <label class="check">
                                    <input type="checkbox" data-testid="bulletin-name"
                                        prop:disabled=move || !is_chosen()
                                        on:change=move |ev| toggle(named, name.clone(), event_target_checked(&ev))/>
                                    {move || tr.t("bulletin.name_person")}
                                </label>
                            })}
                        </li>
                    }
                }/>
            </ul>
            <div class="actions">
                <button class="primary" data-testid="bulletin-print" prop:disabled=move || chosen.with(BTreeSet::is_empty)
                    on:click=move |_| { let _ = window().print(); }>{move || tr.t("bulletin.print")}</button>
                <button data-testid="bulletin-download" prop:disabled=move || chosen.with(BTreeSet::is_empty)
                    on:click=save_text>{move || tr.t("bulletin.download")}</button>
            </div>
            <FormNotice notice testid="bulletin-notice"/>
        </section>
        <Show when=move || !chosen.with(BTreeSet::is_empty)>
            {move || draft.get().map(|d| view! {
                <article class="notice-sheet" data-testid="bulletin-sheet">
                    <h2 class="sheet-title">{d.title.clone()}</h2>
                    {d.paragraphs.iter().enumerate().map(|(n, p)| {
                        let class = if n + 2 >= d.paragraphs.len() { "sheet-sign" } else { "sheet-problem" };
                        view! { <p class=class>{p.clone()}</p> }
                    }).collect_view()}
                </article>
            })}
        </Show>
    }
}
