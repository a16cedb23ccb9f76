//! The Leptos app. Components render the model and dispatch to `doc`; every rule lives in
//! `rules`, every string in `locales/`.

mod app_update;
mod conflicts;
mod engine_link;
mod entity_history;
mod entity_section;
mod files;
mod heat_map;
mod hooks;
mod import_zone;
mod layout;
mod live;
mod pages;
mod staff_import;
mod time;
mod tr;
mod who_am_i;
mod widgets;

use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

use crate::storage::Prefs;
use hooks::Session;
use tr::Tr;

/// State shared by every page.
#[derive(Clone, Copy)]
pub struct AppState {
    /// The UI language.
    pub tr: Tr,
    /// The open register.
    pub session: Session,
}

/// The app state from context.
pub fn use_app() -> AppState {
    expect_context::<AppState>()
}

/// Whether the page was opened from a file (the one-file copy, `scripts/single-file.sh`) rather
/// than served: it then has no service worker and no relay of its own.
pub fn opened_from_file() -> bool {
    window().location().protocol().is_ok_and(|protocol| protocol == "file:")
}

/// The words for a failed save. A browser that refuses storage to a page opened from a file does
/// so by rule, not by private mode: those words say so and point to export.
pub fn save_failure_key(error: &crate::storage::StorageError) -> &'static str {
    match error {
        crate::storage::StorageError::Unavailable(_) if opened_from_file() => "storage.unavailable_file",
        error => error.label_key(),
    }
}

/// Starts the app in `<body>`.
pub fn mount() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
}

#[component]
fn App() -> impl IntoView {
    let tr = Tr::new(Prefs::locale().unwrap_or_default());
    let state = AppState { tr, session: Session::new(Prefs::registers()) };
    provide_context(state);
    let update = app_update::AppUpdate::start();
    view! {
        <Router>
            <layout::Header/>
            <app_update::UpdateBanner update/>
            <main class="page">
                <Routes fallback=|| view! { <pages::NotFound/> }>
                    <Route path=path!("/") view=pages::RegistersPage/>
                    <Route path=path!("/help") view=pages::HelpPage/>
                    <Route path=path!("/join") view=live::JoinPage/>
                    <ParentRoute path=path!("/r/:rid") view=pages::RegisterShell>
                        <Route path=path!("") view=pages::DashboardPage/>
                        <Route path=path!("risks") view=pages::RisksPage/>
                        <Route path=path!("risks/:id") view=pages::RiskPage/>
                        <Route path=path!("org") view=pages::OrgPage/>
                        <Route path=path!("plan") view=pages::PlanPage/>
                        <Route path=path!("history") view=pages::HistoryPage/>
                        <Route path=path!("history/:hash") view=pages::AsOfPage/>
                        <Route path=path!("sync") view=pages::SyncPage/>
                        <Route path=path!("review") view=pages::ReviewPage/>
                        <Route path=path!("publicity") view=pages::PublicityPage/>
                        <Route path=path!("catalogue") view=pages::CataloguePage/>
                        <Route path=path!("warnings") view=pages::WarningsPage/>
                        <Route path=path!("bulletin") view=pages::BulletinPage/>
                        <Route path=path!("matters") view=pages::MattersPage/>
                        <Route path=path!("pledges") view=pages::PledgesPage/>
                        <Route path=path!("cards") view=pages::CardsPage/>
                        <Route path=path!("cards/:id") view=pages::CardPage/>
                        <Route path=path!("meetings") view=pages::MeetingsPage/>
                        <Route path=path!("meetings/:id") view=pages::MeetingPage/>
                        <Route path=path!("charts") view=pages::ChartsPage/>
                        <Route path=path!("charts/:id") view=pages::ChartPage/>
                        <Route path=path!("records") view=pages::RecordsPage/>
                        <Route path=path!("funds") view=pages::FundsPage/>
                        <Route path=path!("rules") view=pages::RulesPage/>
                        <Route path=path!("evaluations") view=pages::EvaluationsPage/>
                        <Route path=path!("summary") view=pages::SummaryPage/>
                        <Route path=path!("summary/:id") view=pages::SummarySheetPage/>
                        <Route path=path!("packet") view=pages::PacketPage/>
                        <Route path=path!("filings/:id") view=pages::FilingPage/>
                        <Route path=path!("matters/:id") view=pages::MatterCardPage/>
                        <Route path=path!("warnings/:id") view=pages::CasePage/>
                        <Route path=path!("complaints/:id") view=pages::ComplaintPage/>
                    </ParentRoute>
                </Routes>
            </main>
        </Router>
    }
}
