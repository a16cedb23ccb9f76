//! 同步与备份: export the register to a file, import members' files, and see how safe the data
//! in this browser is.

use leptos::prelude::*;

use crate::ui::files::download;
use crate::ui::hooks::{SaveStatus, now_seconds, use_autosave};
use crate::ui::import_zone::ImportZone;
use crate::ui::live::LiveSection;
use crate::ui::use_app;

/// Days after which the page reminds the member to export a copy.
pub const EXPORT_REMINDER_DAYS: i64 = 7;

/// `/r/<id>/sync`.
#[component]
pub fn SyncPage() -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let notice = RwSignal::new(None::<(bool, String)>);
    let export = move |_| {
        session.export_file(move |file| match file {
            Some((name, bytes)) => match download(&name, &bytes, "application/octet-stream") {
                Ok(()) => notice.set(Some((true, tr.f("sync.exported", &[("name", &name)])))),
                Err(e) => notice.set(Some((false, format!("{} {e}", tr.t("sync.download_failed"))))),
            },
            None => notice.set(Some((false, tr.t("error.not_found").to_string()))),
        })
    };
    let export_json = move |_| {
        if let Some((name, json)) = session.export_json()
            && let Err(e) = download(&name, json.as_bytes(), "application/json")
        {
            notice.set(Some((false, format!("{} {e}", tr.t("sync.download_failed")))));
        }
    };
    let days_since_export = move || session.entry().and_then(|e| e.exported_at).map(|t| (now_seconds() - t) / 86_400);
    view! {
        <h1 class="page-title">{move || tr.t("sync.title")}</h1>
        <section class="card">
            <h2>{move || tr.t("sync.export")}</h2>
            <p class="hint">{move || tr.t("sync.export_hint")}</p>
            <div class="actions">
                <button class="primary" data-testid="export-file" on:click=export>{move || tr.t("sync.export_button")}</button>
                <button data-testid="export-json" on:click=export_json>{move || tr.t("sync.export_json")}</button>
            </div>
            <p data-testid="last-export" class:warn=move || days_since_export().is_none_or(|d| d >= EXPORT_REMINDER_DAYS)>
                {move || match days_since_export() {
                    None => tr.t("sync.never_exported").to_string(),
                    Some(0) => tr.t("sync.exported_today").to_string(),
                    Some(days) => tr.f("sync.exported_days_ago", &[("n", &days.to_string())]),
                }}
            </p>
            {move || notice.get().map(|(ok, text)| view! {
                <p class=if ok { "notice ok" } else { "notice error" } data-testid="export-notice">{text}</p>
            })}
        </section>
        <LiveSection/>
        <section class="card">
            <h2>{move || tr.t("sync.import")}</h2>
            <p class="hint">{move || tr.t("sync.import_hint")}</p>
            <ImportZone/>
        </section>
        <section class="card">
            <h2>{move || tr.t("sync.durability")}</h2>
            <ul class="plain">
                <li data-testid="persisted">
                    {move || tr.t(match session.persisted.get() {
                        Some(true) => "sync.persisted_yes",
                        Some(false) => "sync.persisted_no",
                        None => "sync.persisted_unknown",
                    })}
                </li>
                <li data-testid="storage-state">
                    {move || match use_autosave().status.get() {
                        SaveStatus::Failed(e) => format!("{} {}", tr.t(crate::ui::save_failure_key(&e)), tr.t("sync.keep_exporting")),
                        _ => tr.t("sync.storage_ok").to_string(),
                    }}
                </li>
            </ul>
        </section>
    }
}
