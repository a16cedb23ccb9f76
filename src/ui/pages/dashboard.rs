//! 总览: the register at a glance.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::model::RiskLevel;
use crate::rules::dashboard;
use crate::ui::session::today;
use crate::ui::use_app;

/// `/r/<id>`: counts by level and kind, gaps in responsibility, the current phase.
#[component]
pub fn DashboardPage() -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let figures = Memo::new(move |_| session.with(|r| dashboard(r, today())).unwrap_or_default());
    let unit = move || session.with(|r| r.unit.clone()).unwrap_or_default();
    let current_phase = move || {
        let id = figures.with(|f| f.current_phase.clone())?;
        session
            .with(|r| {
                r.phases
                    .get(&id)
                    .map(|p| tr.f("dashboard.phase_span", &[("name", &p.name), ("start", &p.start), ("end", &p.end)]))
            })
            .flatten()
    };
    let rid = move || session.open_id.get().unwrap_or_default();
    view! {
        <section class="card">
            <h1 data-testid="dashboard-unit">{move || unit().name}</h1>
            <dl class="facts">
                <dt>{move || tr.t("unit.superior")}</dt>
                <dd>{move || unit().superior}</dd>
                <dt>{move || tr.t("unit.hotline")}</dt>
                <dd data-testid="dashboard-hotline">{move || unit().hotline}</dd>
                <dt>{move || tr.t("dashboard.current_phase")}</dt>
                <dd>{move || current_phase().unwrap_or_else(|| tr.t("dashboard.no_current_phase").to_string())}</dd>
            </dl>
        </section>
        <section class="card">
            <h2>{move || tr.t("dashboard.risks_by_level")}</h2>
            <div class="tiles">
                {RiskLevel::ALL
                    .into_iter()
                    .enumerate()
                    .map(|(i, level)| {
                        view! {
                            <div class=format!("tile level-{}", level.code()) data-testid=format!("count-level-{}", level.code())>
                                <span class="tile-figure">{move || figures.with(|f| f.by_level[i])}</span>
                                <span class="tile-label">{move || tr.t(level.label_key())}</span>
                            </div>
                        }
                    })
                    .collect_view()}
                <div class="tile warn" data-testid="count-conflicts">
                    <span class="tile-figure">{move || session.conflicts.with(Vec::len)}</span>
                    <span class="tile-label">{move || tr.t("dashboard.conflicts")}</span>
                </div>
                <div class="tile warn" data-testid="count-gaps">
                    <span class="tile-figure">{move || figures.with(|f| f.responsibility_gaps)}</span>
                    <span class="tile-label">{move || tr.t("dashboard.responsibility_gaps")}</span>
                </div>
            </div>
            <table class="table compact">
                <thead>
                    <tr>
                        <th>{move || tr.t("risk.kind")}</th>
                        {RiskLevel::ALL.into_iter().map(|l| view! { <th class="num">{move || tr.t(l.label_key())}</th> }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {move || {
                        figures
                            .with(|f| f.by_kind.clone())
                            .into_iter()
                            .map(|(name, counts)| {
                                view! {
                                    <tr>
                                        <td>{name}</td>
                                        {counts.into_iter().map(|n| view! { <td class="num">{n}</td> }).collect_view()}
                                    </tr>
                                }
                            })
                            .collect_view()
                    }}
                </tbody>
            </table>
            <p>
                <A href=move || format!("/r/{}/risks", rid())>{move || tr.t("dashboard.open_risks")}</A>
            </p>
        </section>
        <section class="card">
            <h2>{move || tr.t("dashboard.organisation")}</h2>
            <div class="tiles">
                <div class="tile">
                    <span class="tile-figure" data-testid="count-people">{move || figures.with(|f| f.people)}</span>
                    <span class="tile-label">{move || tr.t("org.people")}</span>
                </div>
                <div class="tile">
                    <span class="tile-figure" data-testid="count-departments">{move || figures.with(|f| f.departments)}</span>
                    <span class="tile-label">{move || tr.t("org.departments")}</span>
                </div>
                <div class="tile">
                    <span class="tile-figure" data-testid="count-posts">{move || figures.with(|f| f.posts)}</span>
                    <span class="tile-label">{move || tr.t("org.posts")}</span>
                </div>
            </div>
        </section>
    }
}
