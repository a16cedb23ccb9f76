//! 使用帮助: plain answers for members who are not technical, in the page's language.

use leptos::prelude::*;

use crate::ui::use_app;

/// Each section: its heading and its paragraphs, as locale keys.
const SECTIONS: [(&str, &[&str]); 10] = [
    ("help.start.title", &["help.start.p1", "help.start.p2"]),
    ("help.rating.title", &["help.rating.p1", "help.rating.p2", "help.rating.p3"]),
    ("help.share.title", &["help.share.p1", "help.share.p2", "help.share.p3"]),
    ("help.live.title", &["help.live.p1", "help.live.p2", "help.live.p3"]),
    ("help.backup.title", &["help.backup.p1", "help.backup.p2"]),
    ("help.conflict.title", &["help.conflict.p1", "help.conflict.p2"]),
    ("help.offline.title", &["help.offline.p1", "help.offline.p2", "help.offline.p3"]),
    ("help.single.title", &["help.single.p1", "help.single.p2", "help.single.p3"]),
    ("help.full.title", &["help.full.p1", "help.full.p2"]),
    ("help.browser.title", &["help.browser.p1", "help.browser.p2"]),
];

/// `/help`.
#[component]
pub fn HelpPage() -> impl IntoView {
    let tr = use_app().tr;
    view! {
        <article class="card help" data-testid="help">
            <h1>{move || tr.t("help.title")}</h1>
            <nav class="help-toc" aria-label=move || tr.t("help.contents")>
                <ol>
                    {SECTIONS.iter().enumerate().map(|(n, (title, _))| view! {
                        <li><a href=format!("#help-{n}")>{move || tr.t(title)}</a></li>
                    }).collect_view()}
                </ol>
            </nav>
            {SECTIONS.iter().enumerate().map(|(n, (title, paragraphs))| view! {
                <section id=format!("help-{n}")>
                    <h2>{move || tr.t(title)}</h2>
                    {paragraphs.iter().map(|p| view! { <p>{move || tr.t(p)}</p> }).collect_view()}
                </section>
            }).collect_view()}
        </article>
    }
}
