//! 实时同步 on the page: the status in the header, the section of 同步备份 that turns it on and
//! shows the share link with its QR code, and joining a register by link (the `/join` page and
//! the field on the start page). The worker does the syncing (`worker::live`).

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::report::qr_svg;
use crate::sync::{Held, JoinPlan, LinkError, LiveFailure, LiveStatus, Share, is_relay_address, relay_for_origin};
use crate::ui::time::format_time;
use crate::ui::use_app;

/// The header's live sync status (nothing while live sync is off).
#[component]
pub fn LiveBadge() -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let shown = move || {
        let (state, text) = match session.live.get() {
            LiveStatus::Off => return None,
            LiveStatus::Connecting => ("connecting", tr.t("live.connecting").to_string()),
            LiveStatus::Syncing { up, down } => {
                ("syncing", tr.f("live.syncing", &[("up", &up.to_string()), ("down", &down.to_string())]))
            }
            LiveStatus::Synced { at } => ("synced", tr.f("live.synced", &[("time", &format_time(at)[11..])])),
            LiveStatus::Offline => ("offline", tr.t("live.offline").to_string()),
            LiveStatus::Failed(failure) => ("failed", failure_text(tr, &failure)),
        };
        Some(view! {
            <span class=format!("live-status {state}") data-testid="live-status" data-state=state role="status">{text}</span>
        })
    };
    view! { {shown} }
}

fn failure_text(tr: crate::ui::tr::Tr, failure: &LiveFailure) -> String {
    match failure {
        LiveFailure::Refused => tr.t("live.failed_refused").to_string(),
        LiveFailure::Unreachable => tr.t("live.failed_unreachable").to_string(),
        LiveFailure::Closed(reason) => tr.f("live.failed_closed", &[("reason", reason)]),
        LiveFailure::Invalid(reason) => tr.f("live.failed_invalid", &[("reason", reason)]),
        LiveFailure::Unstored(e) => tr.f("live.failed_unstored", &[("reason", tr.t(e.label_key()))]),
    }
}

/// The address the app was served from, e.g. `http://127.0.0.1:8080`.
fn origin() -> String {
    window().location().origin().unwrap_or_default()
}

/// The relay of the server the app came from, if it answers `/health`. The one-file copy, on
/// `file://`, came from no server: it has no relay of its own, and asks nothing.
async fn own_relay() -> Option<String> {
    let relay = relay_for_origin(&origin())?;
    let response = wasm_bindgen_futures::JsFuture::from(window().fetch_with_str("/health")).await.ok()?;
    let response: web_sys::Response = wasm_bindgen::JsCast::dyn_into(response).ok()?;
    response.ok().then_some(relay)
}

/// 同步备份 → 实时同步.
#[component]
pub fn LiveSection() -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let relay = RwSignal::new(String::new());
    let notice = RwSignal::new(None::<(bool, String)>);
    leptos::task::spawn_local(async move {
        let kept = session.entry().and_then(|e| e.share).map(|s| s.relay);
        if let Some(address) = kept.or(own_relay().await) {
            relay.set(address);
        }
    });
    let on = move || session.entry().is_some_and(|e| e.live);
    let share = move || session.entry().filter(|e| e.live).and_then(|e| e.share);
    let link = move || share().map(|share| share.link(&origin()));
    let report = move |ok_key: &'static str| {
        move |result: Result<(), crate::doc::DocError>| match result {
            Ok(()) => notice.set(Some((true, tr.t(ok_key).to_string()))),
            Err(e) => notice.set(Some((false, tr.t(e.label_key()).to_string()))),
        }
    };
    let turn_on = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let address = relay.get_untracked().trim().to_string();
        if !is_relay_address(&address) {
            notice.set(Some((false, tr.t("live.bad_relay").to_string())));
            return;
        }
        session.set_live(Some(address), report("live.turned_on"));
    };
    let turn_off = move |_| session.set_live(None, report("live.turned_off"));
    let replace = move |_| {
        if window().confirm_with_message(tr.t("live.new_secret_confirm")).unwrap_or(false) {
            session.replace_secret(report("live.new_secret_done"));
        }
    };
    let copy = move |_| {
        if let Some(link) = link() {
            let _ = window().navigator().clipboard().write_text(&link);
            notice.set(Some((true, tr.t("live.copied").to_string())));
        }
    };
    view! {
        <section class="card" data-testid="live-section">
            <h2>{move || tr.t("live.title")}</h2>
            <p class="hint">{move || tr.t("live.hint")}</p>
            <Show
                when=on
                fallback=move || view! {
                    <form class="live-form" on:submit=turn_on>
                        <label>
                            <span>{move || tr.t("live.relay")}</span>
                            <input type="text" data-testid="live-relay" inputmode="url" spellcheck="false"
                                placeholder="ws://192.168.1.10:8080/sync"
                                prop:value=move || relay.get() on:input=move |ev| relay.set(event_target_value(&ev))/>
                        </label>
                        <p class="hint">{move || tr.t("live.relay_hint")}</p>
                        <button class="primary" type="submit" data-testid="live-on">{move || tr.t("live.turn_on")}</button>
                    </form>
                }
            >
                <p>{move || tr.t("live.link_label")}</p>
                <div class="share-link">
                    <input type="text" readonly data-testid="share-link" aria-label=move || tr.t("live.link_label")
                        prop:value=move || link().unwrap_or_default()
                        on:focus=move |ev| {
                            if let Some(input) = wasm_bindgen::JsCast::dyn_ref::<web_sys::HtmlInputElement>(&event_target::<web_sys::Element>(&ev)) {
                                input.select();
                            }
                        }/>
                    <button type="button" data-testid="share-copy" on:click=copy>{move || tr.t("live.copy")}</button>
                </div>
                <div class="share-qr" data-testid="share-qr" role="img" aria-label=move || tr.t("live.qr_label")
                    inner_html=move || link().and_then(|l| qr_svg(&l)).unwrap_or_default()></div>
                <p class="hint">{move || tr.t("live.link_hint")}</p>
                <div class="actions">
                    <button type="button" data-testid="live-off" on:click=turn_off>{move || tr.t("live.turn_off")}</button>
                    <button type="button" data-testid="new-secret" on:click=replace>{move || tr.t("live.new_secret")}</button>
                </div>
            </Show>
            {move || notice.get().map(|(ok, text)| view! {
                <p class=if ok { "notice ok" } else { "notice error" } data-testid="live-notice">{text}</p>
            })}
        </section>
    }
}

/// Reads a link and weighs it against what this browser holds: nothing is sent until the member
/// confirms ([`JoinConfirm`]).
fn plan_join(text: &str) -> Result<JoinPlan, &'static str> {
    let share = Share::parse_link(text).map_err(LinkError::label_key)?;
    let origin = window().location().origin().unwrap_or_default();
    let registers = use_app().session.registers;
    Ok(registers.with_untracked(|list| {
        let held = list.iter().find(|e| e.id == share.register);
        let held = held.map(|e| (e.name.as_str(), e.share.as_ref().filter(|_| e.live)));
        JoinPlan::new(share.clone(), &origin, held)
    }))
}

/// Joins the register of a confirmed plan; shows progress and errors in `state`, then opens it.
fn join(share: Share, state: RwSignal<Option<(bool, String)>>, navigate: impl Fn(&str) + 'static) {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    state.set(Some((true, tr.t("live.joining").to_string())));
    session.join(share, move |result| match result {
        Ok(id) => {
            state.set(None);
            navigate(&format!("/r/{id}"));
        }
        Err(e) => state.set(Some((false, tr.t(e.label_key()).to_string()))),
    });
}

/// What a share link would do, to confirm or cancel: the relay's host, the register, and what
/// changes for a register this browser holds. A relay other than the app's own is confirmed by
/// typing its host.
#[component]
fn JoinConfirm(plan: RwSignal<Option<JoinPlan>>, state: RwSignal<Option<(bool, String)>>) -> impl IntoView {
    let tr = use_app().tr;
    let typed = RwSignal::new(String::new());
    let navigate = use_navigate();
    let confirm = move |_| {
        let Some(chosen) = plan.get_untracked().filter(|p| p.confirmed_by(&typed.get_untracked())) else { return };
        plan.set(None);
        let navigate = navigate.clone();
        join(chosen.share, state, move |path| navigate(path, Default::default()));
    };
    let cancel = move |_| {
        plan.set(None);
        state.set(Some((true, tr.t("join.cancelled").to_string())));
    };
    move || {
        plan.get().map(|p| {
            let held = match &p.held {
                Held::No => tr.t("join.held_no").to_string(),
                Held::Same { name } | Held::NewSecret { name } | Held::Unshared { name } => {
                    tr.f("join.held", &[("name", name)])
                }
                Held::OtherRelay { name, from } => tr.f("join.held_elsewhere", &[("name", name), ("from", from)]),
            };
            let needs_host = p.needs_typed_host();
            let host = p.host.clone();
            let ready = {
                let p = p.clone();
                move || p.confirmed_by(&typed.get())
            };
            view! {
                <div class="join-confirm" data-testid="join-confirm" role="alertdialog" aria-labelledby="join-confirm-title">
                    <h2 id="join-confirm-title">{tr.t("join.confirm_title")}</h2>
                    <dl class="join-facts">
                        <dt>{tr.t("join.relay")}</dt>
                        <dd data-testid="join-host">{p.host.clone()}{p.own_relay.then(|| format!("（{}）", tr.t("join.own_relay")))}</dd>
                        <dt>{tr.t("join.register")}</dt>
                        <dd data-testid="join-register"><code>{p.share.register.clone()}</code><br/>{held}</dd>
                    </dl>
                    {p.warnings().into_iter().map(|key| view! {
                        <p class="notice error" data-testid="join-warning">{tr.f(key, &[("host", &p.host)])}</p>
                    }).collect_view()}
                    <Show when=move || needs_host>
                        <label class="join-typed">
                            <span>{tr.f("join.type_host", &[("host", &host)])}</span>
                            <input type="text" data-testid="join-typed-host" spellcheck="false" autocomplete="off"
                                prop:value=move || typed.get() on:input=move |ev| typed.set(event_target_value(&ev))/>
                        </label>
                    </Show>
                    <div class="actions">
                        <button type="button" class="primary" data-testid="join-confirm-ok"
                            prop:disabled=move || !ready() on:click=confirm.clone()>{tr.t("join.confirm")}</button>
                        <button type="button" data-testid="join-cancel" on:click=cancel>{tr.t("join.cancel")}</button>
                    </div>
                </div>
            }
        })
    }
}

/// The field for a share link, with what it would do (to confirm) and the progress or error of
/// joining. On the join page, `plan` and `state` come from the link that opened it.
#[component]
pub fn JoinForm(
    #[prop(optional)] plan: Option<RwSignal<Option<JoinPlan>>>,
    #[prop(optional)] state: Option<RwSignal<Option<(bool, String)>>>,
) -> impl IntoView {
    let tr = use_app().tr;
    let text = RwSignal::new(String::new());
    let plan = plan.unwrap_or_else(|| RwSignal::new(None));
    let state = state.unwrap_or_else(|| RwSignal::new(None));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match plan_join(&text.get_untracked()) {
            Ok(weighed) => {
                state.set(None);
                plan.set(Some(weighed));
            }
            Err(key) => state.set(Some((false, tr.t(key).to_string()))),
        }
    };
    view! {
        // While a link waits for confirmation, only the confirmation shows.
        <Show when=move || plan.with(Option::is_none)>
            <form class="join-form" on:submit=submit>
                <label>
                    <span>{move || tr.t("live.join_label")}</span>
                    <input type="text" data-testid="join-link" spellcheck="false" placeholder="http://…/join#relay=…"
                        prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))/>
                </label>
                <button type="submit" data-testid="join-submit">{move || tr.t("live.join")}</button>
            </form>
        </Show>
        <JoinConfirm plan state/>
        {move || state.get().map(|(ok, message)| view! {
            <p class=if ok { "notice ok" } else { "notice error" } data-testid="join-state" role="status">{message}</p>
        })}
    }
}

/// `/join#relay=…&r=…&k=…`: takes the link out of the address bar (so the secret stays out of
/// the history) and asks the member to confirm what it would do; nothing is fetched or sent
/// before that.
#[component]
pub fn JoinPage() -> impl IntoView {
    let tr = use_app().tr;
    let location = window().location();
    let fragment = location.hash().unwrap_or_default();
    if let Ok(history) = window().history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(crate::sync::JOIN_PATH));
    }
    let (plan, state) = match plan_join(&fragment) {
        Ok(weighed) => (RwSignal::new(Some(weighed)), RwSignal::new(None)),
        Err(key) => (RwSignal::new(None), RwSignal::new(Some((false, tr.t(key).to_string())))),
    };
    view! {
        <section class="card" data-testid="join-page">
            <h1>{move || tr.t("live.join_title")}</h1>
            <JoinForm plan state/>
        </section>
    }
}
