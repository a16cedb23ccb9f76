//! 廉政承诺书: the version in force, who must still sign it, signatures recorded from the
//! signed paper, a new version, and the pledge printed on A4 for one person.

use leptos::prelude::*;

use crate::engine::{AnyForm, Command};
use crate::model::{Id, Pledge, Template};
use crate::rules::{Form, Invalid, PledgeForm, current_pledge, key_post_gaps, must_sign, not_signed};
use crate::ui::hooks::{Session, today};
use crate::ui::use_app;
use crate::ui::widgets::{FormNotice, TextArea, TextField, lens, save_with};

/// `/r/<id>/pledges`.
#[component]
pub fn PledgesPage() -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let current =
        Memo::new(move |_| session.with(|r| current_pledge(r).map(|(id, p)| (id.clone(), p.clone()))).flatten());
    // The person whose pledge is printed.
    let printing = RwSignal::new(None::<Id>);
    let notice = RwSignal::new(None::<(bool, String)>);
    let name_of = move |id: &str| session.person_name(id).unwrap_or_default();
    let sign = move |pledge: Id, person: Id, date: String| {
        let command = Command::SignPledge { pledge, person, date };
        session.send(command, move |result| match result {
            Ok(_) => notice.set(Some((true, tr.t("pledge.signed_now").to_string()))),
            Err(e) => notice.set(Some((false, tr.t(e.label_key()).to_string()))),
        });
    };
    let start = move |_| {
        let Some(template) = session.with_settings(|s| Template::by_code(&s.template).pledge.clone()) else { return };
        let form = PledgeForm { title: template.title, issued: today().to_string(), text: template.text };
        session.send(Command::Create(AnyForm::Pledge(form)), move |result| {
            if let Err(e) = result {
                notice.set(Some((false, tr.t(e.label_key()).to_string())));
            }
        });
    };
    view! {
        <h1 class="page-title no-print">{move || tr.t("pledge.title")}</h1>
        <p class="hint no-print">{move || tr.t("pledge.rule")}</p>
        <div class="no-print"><FormNotice notice testid="pledge-notice"/></div>
        {move || match current.get() {
            None => view! {
                <section class="card no-print" data-testid="pledge-none">
                    <p>{move || tr.t("pledge.none")}</p>
                    <button class="primary" data-testid="pledge-start" on:click=start>{move || tr.t("pledge.start")}</button>
                </section>
            }.into_any(),
            Some((id, pledge)) => {
                let unsigned = unsigned_people(session);
                let waiting = unsigned.len().to_string();
                let required = session.with(|r| must_sign(r).len()).unwrap_or_default();
                let mut signed: Vec<(Id, String, String)> = pledge
                    .signatures
                    .iter()
                    .map(|(person, s)| (person.clone(), s.date.clone(), name_of(&s.recorded_by)))
                    .collect();
                signed.sort_by(|a, b| a.1.cmp(&b.1));
                let text = pledge.text.as_str().to_string();
                let signed_count = pledge.signatures.len().to_string();
                view! {
                    <section class="card no-print" data-testid="pledge-current">
                        <h2>{format!("{}（{}）", pledge.title, tr.f("pledge.version", &[("n", &pledge.version.to_string()), ("date", &pledge.issued)]))}</h2>
                        <div class="pledge-text">{text}</div>
                    </section>
                    <section class="card no-print">
                        <h2 data-testid="pledge-unsigned-title">
                            {move || tr.f("pledge.unsigned", &[("n", &waiting), ("of", &required.to_string())])}
                        </h2>
                        <UnsignedTable pledge=id.clone() people=unsigned sign printing/>
                    </section>
                    <section class="card no-print">
                        <h2>{move || tr.f("pledge.signed", &[("n", &signed_count)])}</h2>
                        <div class="table-wrap">
                            <table class="table compact">
                                <thead><tr>
                                    <th>{move || tr.t("pledge.person")}</th>
                                    <th>{move || tr.t("pledge.date")}</th>
                                    <th>{move || tr.t("pledge.recorded_by")}</th>
                                    <th></th>
                                </tr></thead>
                                <tbody>
                                    {signed.into_iter().map(|(person, date, by)| {
                                        let who = name_of(&person);
                                        view! {
                                            <tr data-testid="pledge-signed-row">
                                                <td>{who}</td><td>{date}</td><td>{by}</td>
                                                <td class="row-actions">
                                                    <button type="button" on:click=move |_| print_for(printing, person.clone())>
                                                        {move || tr.t("pledge.print")}
                                                    </button>
                                                </td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    </section>
                    <NewVersion current=pledge.clone()/>
                    <Sheet pledge printing/>
                }.into_any()
            }
        }}
        <Versions/>
        <Coverage/>
    }
}

/// 重点对象: the key posts that still lack something, and what.
#[component]
fn Coverage() -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let gaps = move || {
        session
            .with(|r| {
                key_post_gaps(r)
                    .into_iter()
                    .map(|(id, missing)| {
                        let post = &r.posts[id];
                        let department =
                            r.departments.get(&post.department).map(|d| d.name.clone()).unwrap_or_default();
                        (post.name.clone(), department, missing)
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    view! {
        <section class="card no-print" id="coverage" data-testid="coverage">
            <h2>{move || tr.t("coverage.title")}</h2>
            <p class="hint">{move || tr.t("coverage.hint")}</p>
            <Show
                when=move || !gaps().is_empty()
                fallback=move || view! { <p class="empty" data-testid="coverage-complete">{move || tr.t("coverage.complete")}</p> }
            >
                <div class="table-wrap">
                    <table class="table compact">
                        <thead><tr>
                            <th>{move || tr.t("post.name")}</th>
                            <th>{move || tr.t("post.department")}</th>
                            <th>{move || tr.t("coverage.missing")}</th>
                        </tr></thead>
                        <tbody>
                            {move || gaps().into_iter().map(|(post, department, missing)| view! {
                                <tr data-testid="coverage-row">
                                    <td>{post}</td>
                                    <td>{department}</td>
                                    <td>{missing.iter().map(|m| tr.t(m.label_key())).collect::<Vec<_>>().join(tr.t("punct.list"))}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            </Show>
        </section>
    }
}

/// Who must still sign, with their names and posts, in the order `not_signed` gives.
fn unsigned_people(session: Session) -> Vec<(Id, String, String)> {
    session
        .with(|r| {
            not_signed(r)
                .into_iter()
                .map(|id| {
                    let posts: Vec<&str> = r
                        .posts
                        .values()
                        .filter(|p| p.archived.is_none() && p.holders.contains_key(id))
                        .map(|p| p.name.as_str())
                        .collect();
                    (id.clone(), r.person_name(id).unwrap_or_default().to_string(), posts.join("、"))
                })
                .collect()
        })
        .unwrap_or_default()
}

fn print_for(printing: RwSignal<Option<Id>>, person: Id) {
    printing.set(Some(person));
    // Print once the sheet shows the person.
    request_animation_frame(move || {
        let _ = window().print();
    });
}

/// The people who have not signed, each with a day and a button that records the signature.
#[component]
fn UnsignedTable(
    pledge: Id,
    people: Vec<(Id, String, String)>,
    sign: impl Fn(Id, Id, String) + Copy + 'static,
    printing: RwSignal<Option<Id>>,
) -> impl IntoView {
    let tr = use_app().tr;
    if people.is_empty() {
        return view! { <p class="empty" data-testid="pledge-all-signed">{move || tr.t("pledge.all_signed")}</p> }
            .into_any();
    }
    view! {
        <div class="table-wrap">
            <table class="table compact">
                <thead><tr>
                    <th>{move || tr.t("pledge.person")}</th>
                    <th>{move || tr.t("pledge.posts")}</th>
                    <th>{move || tr.t("pledge.date")}</th>
                    <th></th>
                </tr></thead>
                <tbody>
                    {people.into_iter().map(|(person, name, posts)| {
                        let date = RwSignal::new(today().to_string());
                        let (pledge, for_sign, for_print) = (pledge.clone(), person.clone(), person.clone());
                        view! {
                            <tr data-testid="pledge-unsigned-row">
                                <td>{name.clone()}</td>
                                <td>{posts}</td>
                                <td>
                                    <input type="date" aria-label=move || tr.f("pledge.date_of", &[("name", &name)])
                                        data-testid="pledge-sign-date" prop:value=move || date.get()
                                        on:input=move |ev| date.set(event_target_value(&ev))/>
                                </td>
                                <td class="row-actions">
                                    <button type="button" on:click=move |_| print_for(printing, for_print.clone())>
                                        {move || tr.t("pledge.print")}
                                    </button>
                                    <button type="button" class="primary" data-testid="pledge-sign"
                                        on:click=move |_| sign(pledge.clone(), for_sign.clone(), date.get_untracked())>
                                        {move || tr.t("pledge.sign")}
                                    </button>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

/// A new version of the text: starts from the one in force.
#[component]
fn NewVersion(current: Pledge) -> impl IntoView {
    let tr = use_app().tr;
    let start = PledgeForm { issued: today().to_string(), ..PledgeForm::from_target(&current) };
    let form = RwSignal::new(start);
    let errors = RwSignal::new(Vec::<Invalid>::new());
    let notice = RwSignal::new(None::<(bool, String)>);
    let save = save_with(form, None, errors, notice, |edit| Command::Create(AnyForm::Pledge(edit.form)));
    view! {
        <details class="card no-print" data-testid="pledge-new-version">
            <summary>{move || tr.t("pledge.new_version")}</summary>
            <p class="hint">{move || tr.t("pledge.new_version_hint")}</p>
            <form class="form" on:submit=save>
                <TextField form lens=lens!(title) errors field="title" label="pledge.form_title" prefix="pledge" required=true/>
                <TextField form lens=lens!(issued) errors field="issued" label="pledge.issued" prefix="pledge" input_type="date" required=true/>
                <TextArea form lens=lens!(text) errors field="text" label="pledge.text" prefix="pledge" required=true/>
                <div class="actions">
                    <button type="submit" class="primary" data-testid="pledge-save">{move || tr.t("pledge.publish")}</button>
                </div>
                <FormNotice notice testid="pledge-form-notice"/>
            </form>
        </details>
    }
}

/// Every version, newest first, with how many signed it.
#[component]
fn Versions() -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let versions = move || {
        let mut all: Vec<Pledge> = session.with(|r| r.pledges.values().cloned().collect()).unwrap_or_default();
        all.sort_by_key(|p| std::cmp::Reverse(p.version));
        all
    };
    view! {
        <Show when=move || { versions().len() > 1 }>
            <section class="card no-print" data-testid="pledge-versions">
                <h2>{move || tr.t("pledge.versions")}</h2>
                <ul>
                    {move || versions().into_iter().map(|p| view! {
                        <li>{tr.f("pledge.version_line", &[("n", &p.version.to_string()), ("date", &p.issued), ("signed", &p.signatures.len().to_string())])}</li>
                    }).collect_view()}
                </ul>
            </section>
        </Show>
    }
}

/// The pledge as printed for one person: A4, with the signature and date lines.
#[component]
fn Sheet(pledge: Pledge, printing: RwSignal<Option<Id>>) -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let unit = session.with_unit(|u| u.name.clone()).unwrap_or_default();
    let lines: Vec<String> = pledge.text.as_str().lines().map(str::to_string).collect();
    view! {
        <article class="print-sheet pledge-sheet only-print" data-testid="pledge-sheet">
            <h2 class="sheet-title">{format!("{unit}{}", pledge.title)}</h2>
            {lines.into_iter().map(|line| view! { <p>{line}</p> }).collect_view()}
            <p class="sheet-sign">
                {move || tr.t("pledge.signer")}
                <span class="sign-line">{move || printing.get().and_then(|id| session.person_name(&id)).unwrap_or_default()}</span>
            </p>
            <p class="sheet-sign">{move || tr.t("pledge.sign_date")}</p>
        </article>
    }
}
