//! One file per page, named by what it shows.

mod bulletin;
mod cards;
mod case;
mod catalogue;
mod charts;
mod complaint;
mod dashboard;
mod evaluations;
mod funds;
mod help;
mod history;
mod matters;
mod meetings;
mod org;
mod plan;
mod pledges;
mod publicity;
mod records;
mod register_shell;
mod registers;
mod review;
mod risk;
mod risks;
mod rules;
mod summary;
mod sync;
mod warnings;

pub use bulletin::BulletinPage;
pub use cards::{CardPage, CardsPage};
pub use case::CasePage;
pub use catalogue::CataloguePage;
pub use charts::{ChartPage, ChartsOfRisk, ChartsPage};
pub use complaint::ComplaintPage;
pub use dashboard::DashboardPage;
pub use evaluations::EvaluationsPage;
pub use funds::FundsPage;
pub use help::HelpPage;
pub use history::{AsOfPage, HistoryPage};
pub use matters::{MatterCardPage, MattersPage};
pub use meetings::{MeetingPage, MeetingsPage};
pub use org::OrgPage;
pub use plan::PlanPage;
pub use pledges::PledgesPage;
pub use publicity::PublicityPage;
pub use records::RecordsPage;
pub use register_shell::RegisterShell;
pub use registers::RegistersPage;
pub use review::ReviewPage;
pub use risk::RiskPage;
pub use risks::RisksPage;
pub use rules::RulesPage;
pub use summary::{FilingPage, PacketPage, SummaryPage, SummarySheetPage};
pub use sync::{EXPORT_REMINDER_DAYS, SyncPage};
pub use warnings::WarningsPage;

use leptos::prelude::*;
use leptos_router::components::A;

use super::use_app;

/// Shown for an address that is no page.
#[component]
pub fn NotFound() -> impl IntoView {
    let tr = use_app().tr;
    view! {
        <section class="card" data-testid="not-found">
            <h1>{move || tr.t("page.not_found")}</h1>
            <A href="/">{move || tr.t("nav.registers")}</A>
        </section>
    }
}
