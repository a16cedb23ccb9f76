//! Opens the register the address names, then shows the page inside it.

use leptos::prelude::*;
use leptos_router::components::{A, Outlet};
use leptos_router::hooks::use_params_map;

use crate::model::Person;
use crate::ui::hooks::OpenState;
use crate::ui::use_app;
use crate::ui::who_am_i::WhoAmI;

/// The frame of every page of one register: `/r/<id>/…`.
#[component]
pub fn RegisterShell() -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let params = use_params_map();
    Effect::new(move || {
        if let Some(rid) = params.with(|p| p.get("rid")) {
            session.open(rid);
        }
    });
    let ready =
        move || session.state.get() == OpenState::Ready && session.open_id.get() == params.with(|p| p.get("rid"));
    view! {
        <Show
            when=ready
            fallback=move || {
                match session.state.get() {
                    OpenState::Missing => {
                        view! {
                            <section class="card" data-testid="register-missing">
                                <h1>{move || tr.t("register.missing")}</h1>
                                <p>{move || tr.t("register.missing_hint")}</p>
                                <A href="/">{move || tr.t("nav.registers")}</A>
                            </section>
                        }
                            .into_any()
                    }
                    OpenState::Failed(key, detail) => {
                        view! {
                            <section class="card error" data-testid="register-open-error">
                                <h1>{move || tr.t("register.open_failed")}</h1>
                                <p>{move || tr.t(key)}</p>
                                <p class="detail">{detail.clone()}</p>
                            </section>
                        }
                            .into_any()
                    }
                    _ => view! { <p class="loading">{move || tr.t("register.loading")}</p> }.into_any(),
                }
            }
        >
            <Show when=move || session.me().is_none_or(|me| session.entity::<Person>(&me).is_none())>
                <WhoAmI/>
            </Show>
            <Outlet/>
        </Show>
    }
}
