//! The header: brand, the open register and its pages, language switch, save state.

use leptos::prelude::*;
use leptos_router::components::A;

use super::hooks::{SaveStatus, now_seconds, use_autosave};
use super::pages::EXPORT_REMINDER_DAYS;
use super::use_app;
use crate::i18n::Locale;

/// The top bar of every page.
#[component]
pub fn Header() -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let unit_name = move || session.with_unit(|u| u.name.clone());
    // On a phone the sections fold into a menu (菜单); choosing one folds it again.
    let menu_open = RwSignal::new(false);
    let nav = move || {
        session.open_id.get().map(|rid| {
            let link = move |path: &str, key: &'static str, testid: &'static str| {
                // The overview's address prefixes every other page's: mark it current only there.
                let exact = path.is_empty();
                view! { <A href=format!("/r/{rid}{path}") exact attr:data-testid=testid>{move || tr.t(key)}</A> }
            };
            view! {
                <button type="button" class="menu-toggle" data-testid="menu-toggle" aria-controls="site-nav"
                    aria-expanded=move || menu_open.get().to_string() on:click=move |_| menu_open.update(|o| *o = !*o)>
                    {move || tr.t("nav.menu")}
                </button>
                <nav class="nav" id="site-nav" class:open=move || menu_open.get() on:click=move |_| menu_open.set(false)>
                    {link("", "nav.dashboard", "nav-dashboard")}
                    {link("/risks", "nav.risks", "nav-risks")}
                    {link("/review", "nav.review", "nav-review")}
                    {link("/publicity", "nav.publicity", "nav-publicity")}
                    {link("/warnings", "nav.warnings", "nav-warnings")}
                    {link("/catalogue", "nav.catalogue", "nav-catalogue")}
                    {link("/charts", "nav.charts", "nav-charts")}
                    {link("/org", "nav.org", "nav-org")}
                    {link("/plan", "nav.plan", "nav-plan")}
                    {link("/records", "nav.records", "nav-records")}
                    {link("/history", "nav.history", "nav-history")}
                    {link("/sync", "nav.sync", "nav-sync")}
                </nav>
            }
        })
    };
    let autosave = use_autosave();
    let status = move || match autosave.status.get() {
        SaveStatus::Saved => ("saved", tr.t("save.saved").to_string()),
        SaveStatus::Pending => ("pending", tr.t("save.pending").to_string()),
        SaveStatus::Failed(e) => {
            ("failed", format!("{} {}", tr.t(crate::ui::save_failure_key(&e)), tr.t("save.kept_in_memory")))
        }
    };
    view! {
        <header class="header">
            <A href="/" attr:class="brand" attr:data-testid="nav-registers">
                <span class="brand-mark">{move || tr.t("app.name")}</span>
                <span class="brand-sub">{move || tr.t("app.tagline")}</span>
            </A>
            <span class="unit-name" data-testid="current-unit">{unit_name}</span>
            {nav}
            <span class="spacer"></span>
            <Show when=move || session.updating.get()>
                <span class="updating" data-testid="updating">{move || tr.t("view.updating")}</span>
            </Show>
            {move || {
                let me = session.me()?;
                let name = session.person_name(&me)?;
                Some(view! {
                    <span class="me" data-testid="me">
                        {move || tr.t("whoami.me")} " " {name}
                        <button class="link" data-testid="me-switch" on:click=move |_| session.set_me(None)>
                            {move || tr.t("whoami.switch")}
                        </button>
                    </span>
                })
            }}
            {move || {
                let entry = session.entry()?;
                let since = entry.exported_at.or(entry.added_at)?;
                let overdue = now_seconds() - since >= EXPORT_REMINDER_DAYS * 86_400;
                let rid = entry.id.clone();
                overdue.then(|| view! {
                    <A href=format!("/r/{rid}/sync") attr:class="reminder" attr:data-testid="export-reminder">
                        {move || tr.t("sync.reminder")}
                    </A>
                })
            }}
            <super::live::LiveBadge/>
            <Show when=move || session.open_id.get().is_some()>
                <span
                    class=move || format!("save-status {}", status().0)
                    data-testid="save-status"
                    data-state=move || status().0
                    role="status"
                >
                    {move || status().1}
                </span>
            </Show>
            <A href="/help" attr:class="help-link" attr:data-testid="nav-help">{move || tr.t("help.link")}</A>
            <select
                class="lang"
                data-testid="lang-switch"
                aria-label=move || tr.t("app.language")
                on:change=move |ev| {
                    if let Some(locale) = Locale::from_code(&event_target_value(&ev)) {
                        tr.set_locale(locale);
                    }
                }
            >
                {Locale::ALL
                    .into_iter()
                    .map(|l| {
                        view! {
                            <option value=l.code() selected=move || tr.locale() == l>
                                {move || {
                                    tr.t(
                                        match l {
                                            Locale::ZhCn => "language.zh_cn",
                                            Locale::En => "language.en",
                                        },
                                    )
                                }}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </header>
    }
}
