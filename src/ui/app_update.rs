//! The app's offline copy: registers the service worker (`public/sw.js`), and when a newer build
//! has been cached, offers it (有新版本，点击更新). Taking it waits until every edit is stored,
//! then lets the new build take over and reloads. When another tab took it, this page keeps
//! running its build (the service worker keeps the previous build's files) and offers to reload
//! once its edits are stored.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{ServiceWorker, ServiceWorkerRegistration, ServiceWorkerState};

use super::use_app;
use crate::storage::SaveStatus;

/// The message the service worker takes as "take over now".
const TAKE_OVER: &str = "qingfeng-update";

/// How often an open page asks whether a new build was deployed.
const CHECK_EVERY_MS: i32 = 60 * 60 * 1000;

/// A waiting build, once there is one.
#[derive(Clone, Copy)]
pub struct AppUpdate {
    waiting: RwSignal<Option<ServiceWorker>, LocalStorage>,
    /// Another tab took a new build: this page runs an older one.
    elsewhere: RwSignal<bool>,
    taking: RwSignal<bool>,
}

impl AppUpdate {
    /// Registers the service worker; `waiting` fills when a new build is ready.
    pub fn start() -> Self {
        let update =
            Self { waiting: RwSignal::new_local(None), elsewhere: RwSignal::new(false), taking: RwSignal::new(false) };
        let navigator = window().navigator();
        // Absent in browsers without service workers, and refused on file:// (the one-file copy,
        // which needs no offline copy): the app runs as it is.
        if crate::ui::opened_from_file() || !js_sys::Reflect::has(&navigator, &"serviceWorker".into()).unwrap_or(false)
        {
            return update;
        }
        let container = navigator.service_worker();
        // A page that had a controller gets a new one only when a new build takes over.
        let had_controller = container.controller().is_some();
        let reload = Closure::<dyn FnMut()>::new(move || {
            if update.taking.get_untracked() {
                let _ = window().location().reload();
            } else if had_controller {
                update.waiting.set(None);
                update.elsewhere.set(true);
            }
        });
        container.set_oncontrollerchange(Some(reload.as_ref().unchecked_ref()));
        reload.forget();
        let registering = container.register("/sw.js");
        leptos::task::spawn_local(async move {
            match wasm_bindgen_futures::JsFuture::from(registering).await {
                Ok(registration) => update.watch(registration.unchecked_into()),
                Err(e) => leptos::logging::warn!("the offline copy could not be set up: {e:?}"),
            }
        });
        update
    }

    /// Follows `registration` for a build that has installed while an older one runs the page.
    fn watch(self, registration: ServiceWorkerRegistration) {
        let controlled = || window().navigator().service_worker().controller().is_some();
        if let Some(waiting) = registration.waiting().filter(|_| controlled()) {
            self.waiting.set(Some(waiting));
        }
        let on_found = {
            let registration = registration.clone();
            Closure::<dyn FnMut()>::new(move || {
                let Some(installing) = registration.installing() else { return };
                let worker = installing.clone();
                let on_state = Closure::<dyn FnMut()>::new(move || {
                    if worker.state() == ServiceWorkerState::Installed && controlled() {
                        self.waiting.set(Some(worker.clone()));
                    }
                });
                installing.set_onstatechange(Some(on_state.as_ref().unchecked_ref()));
                on_state.forget();
            })
        };
        registration.set_onupdatefound(Some(on_found.as_ref().unchecked_ref()));
        on_found.forget();
        let check = Closure::<dyn FnMut()>::new(move || {
            let _ = registration.update();
        });
        let _ = window()
            .set_interval_with_callback_and_timeout_and_arguments_0(check.as_ref().unchecked_ref(), CHECK_EVERY_MS);
        check.forget();
    }
}

/// The banner offering a new build; taking it waits for the edits to be stored.
#[component]
pub fn UpdateBanner(update: AppUpdate) -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    // With no register open there is nothing to store; a failed save keeps the update waiting,
    // since the edits it holds live only in this page.
    let stored = move || session.open_id.get().is_none() || session.autosave.status.get() == SaveStatus::Saved;
    Effect::new(move |_| {
        if !update.taking.get() || !stored() {
            return;
        }
        if update.elsewhere.get_untracked() {
            let _ = window().location().reload();
        } else if let Some(worker) = update.waiting.get_untracked() {
            let _ = worker.post_message(&TAKE_OVER.into());
        }
    });
    let text = move || match (update.taking.get(), update.elsewhere.get()) {
        (true, _) => "update.saving",
        (false, true) => "update.elsewhere",
        (false, false) => "update.ready",
    };
    view! {
        <Show when=move || update.waiting.with(Option::is_some) || update.elsewhere.get()>
            <div class="update-banner no-print" role="status" data-testid="app-update">
                <span>{move || tr.t(text())}</span>
                <button class="primary" data-testid="app-update-take" prop:disabled=move || update.taking.get()
                    on:click=move |_| update.taking.set(true)>
                    {move || tr.t("update.take")}
                </button>
            </div>
        </Show>
    }
}
