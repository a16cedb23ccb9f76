//! 工作台账: the committee's records in one place, each with where it stands, as the inspectors
//! (迎接验收) will ask for them.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::model::RuleStatus;
use crate::rules::{
    card_ledger, flagged_meetings, fund_coverage, must_sign, not_signed, overdue_tasks, rules_by_status, talks_due,
};
use crate::ui::hooks::today;
use crate::ui::use_app;

/// `/r/<id>/records`.
#[component]
pub fn RecordsPage() -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let rid = move || session.open_id.get().unwrap_or_default();
    // (path, title key, test id, what it says now)
    let entries = move || {
        let day = today();
        let year = day.year().to_string();
        session
            .with(|r| {
                let n = |v: usize| v.to_string();
                let in_force = rules_by_status(r)
                    .into_iter()
                    .filter(|(s, _)| matches!(s, RuleStatus::InForce | RuleStatus::Revised))
                    .map(|(_, n)| n)
                    .sum::<usize>();
                let rules = r.regulations.values().filter(|x| x.archived.is_none()).count();
                let (checked, funds) = fund_coverage(r, &year);
                let activities =
                    r.activities.values().filter(|a| a.archived.is_none() && a.date.starts_with(&year)).count();
                vec![
                    (
                        "/plan",
                        "records.plan",
                        "records-plan",
                        tr.f("records.plan_state", &[("n", &n(overdue_tasks(r, day).len()))]),
                    ),
                    (
                        "/pledges",
                        "nav.pledges",
                        "records-pledges",
                        tr.f(
                            "records.pledges_state",
                            &[("n", &n(not_signed(r).len())), ("of", &n(must_sign(r).len()))],
                        ),
                    ),
                    (
                        "/cards",
                        "nav.cards",
                        "records-cards",
                        tr.f("records.cards_state", &[("n", &n(card_ledger(r).len()))]),
                    ),
                    (
                        "/meetings",
                        "meeting.title",
                        "records-meetings",
                        tr.f("records.meetings_state", &[("n", &n(flagged_meetings(r).len()))]),
                    ),
                    (
                        "/funds",
                        "fund.title",
                        "records-funds",
                        tr.f("fund.coverage", &[("year", &year), ("checked", &n(checked)), ("all", &n(funds))]),
                    ),
                    (
                        "/rules",
                        "rule.title",
                        "records-rules",
                        tr.f(
                            "records.rules_state",
                            &[("n", &n(in_force)), ("of", &n(rules)), ("activities", &n(activities)), ("year", &year)],
                        ),
                    ),
                    (
                        "/evaluations",
                        "evaluation.title",
                        "records-evaluations",
                        tr.f("records.evaluations_state", &[("n", &n(talks_due(r).len()))]),
                    ),
                    (
                        "/summary",
                        "filing.page_title",
                        "records-summary",
                        tr.f("filing.count", &[("n", &n(r.filings.values().filter(|f| f.archived.is_none()).count()))]),
                    ),
                ]
            })
            .unwrap_or_default()
    };
    view! {
        <h1 class="page-title">{move || tr.t("records.title")}</h1>
        <p class="hint">{move || tr.t("records.hint")}</p>
        <div class="records-grid">
            {move || entries().into_iter().map(|(path, title, testid, state)| view! {
                <A href=format!("/r/{}{path}", rid()) attr:class="card record-link" attr:data-testid=testid>
                    <strong>{move || tr.t(title)}</strong>
                    <span class="hint">{state}</span>
                </A>
            }).collect_view()}
        </div>
    }
}
