//! Choosing or dropping a `.qingfeng` file, and the summary of what its import did.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use super::files::read_bytes;
use super::hooks::Imported;
use super::use_app;

/// A file picker that is also a drop target. After an import into a register other than the
/// open one, the summary links to it.
#[component]
pub fn ImportZone() -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let summary = RwSignal::new(None::<(bool, String)>);
    let elsewhere = RwSignal::new(None::<String>);
    // Counts finished imports, so a reader can tell a new summary from the last one.
    let finished = RwSignal::new(0u32);
    let dragging = RwSignal::new(false);

    let import = move |file: web_sys::File| {
        spawn_local(async move {
            let bytes = match read_bytes(&file).await {
                Ok(bytes) => bytes,
                Err(e) => {
                    summary.set(Some((false, format!("{} {e}", tr.t("import.unreadable")))));
                    finished.update(|n| *n += 1);
                    return;
                }
            };
            let before = session.open_id.get_untracked();
            let result = session.import_file(bytes).await;
            summary.set(Some(match &result {
                Err(e) => (false, format!("{} {}", tr.t("import.failed"), tr.t(e.label_key()))),
                Ok(Imported::Added { name, .. }) => (true, tr.f("import.added", &[("name", name)])),
                Ok(Imported::Merged { report, .. }) if report.changes == 0 => {
                    (true, tr.t("import.nothing_new").to_string())
                }
                Ok(Imported::Merged { report, .. }) => {
                    let (authors, entities) = session
                        .with(|r| {
                            let authors: Vec<String> = report
                                .authors
                                .iter()
                                .map(|a| {
                                    r.person_name(a)
                                        .map(str::to_string)
                                        .unwrap_or_else(|| tr.t("history.unknown_author").to_string())
                                })
                                .collect();
                            let entities: Vec<String> = report
                                .entities
                                .iter()
                                .map(|(kind, id)| {
                                    tr.f(
                                        "import.entity",
                                        &[("kind", tr.t(kind.label_key())), ("name", &r.entity_label(*kind, id))],
                                    )
                                })
                                .collect();
                            (authors.join("、"), entities.join("、"))
                        })
                        .unwrap_or_default();
                    (
                        true,
                        tr.f(
                            "import.merged",
                            &[("n", &report.changes.to_string()), ("authors", &authors), ("entities", &entities)],
                        ),
                    )
                }
            }));
            elsewhere.set(match result {
                Ok(Imported::Added { id, .. } | Imported::Merged { id, .. })
                    if before.as_deref() != Some(id.as_str()) =>
                {
                    Some(id)
                }
                _ => None,
            });
            finished.update(|n| *n += 1);
        });
    };
    let on_change = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        if let Some(file) = input.files().and_then(|files| files.get(0)) {
            import(file);
        }
        input.set_value("");
    };
    let on_drop = move |ev: web_sys::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        if let Some(file) = ev.data_transfer().and_then(|d| d.files()).and_then(|files| files.get(0)) {
            import(file);
        }
    };
    view! {
        <div
            class="drop-zone"
            class:dragging=move || dragging.get()
            data-testid="import-zone"
            on:dragover=move |ev: web_sys::DragEvent| {
                ev.prevent_default();
                dragging.set(true);
            }
            on:dragleave=move |_| dragging.set(false)
            on:drop=on_drop
        >
            <label class="button">
                {move || tr.t("import.choose")}
                <input type="file" accept=".qingfeng" class="visually-hidden" data-testid="import-file" on:change=on_change/>
            </label>
            <span class="hint">{move || tr.t("import.drop_hint")}</span>
        </div>
        {move || summary.get().map(|(ok, text)| view! {
            <p class=if ok { "notice ok" } else { "notice error" } role="status" data-imports=finished.get()
               data-testid=if ok { "import-summary" } else { "import-error" }>{text}</p>
        })}
        {move || elsewhere.get().map(|id| view! {
            <p><A href=format!("/r/{id}") attr:data-testid="import-open">{move || tr.t("import.open")}</A></p>
        })}
    }
}
