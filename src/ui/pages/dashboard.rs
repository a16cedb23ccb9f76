//! 总览: the register at a glance.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::model::{ReviewStage, RiskLevel, Unit};
use crate::rules::{dashboard, guide};
use crate::ui::heat_map::HeatMap;
use crate::ui::hooks::today;
use crate::ui::use_app;

/// `/r/<id>`: counts by level and kind, gaps in responsibility, the current phase.
#[component]
pub fn DashboardPage() -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let figures = Memo::new(move |_| session.with(|r| dashboard(r, today())).unwrap_or_default());
    let unit = move || session.with_unit(Unit::clone).unwrap_or_default();
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
    let steps = Memo::new(move |_| session.with(guide).unwrap_or_default());
    let remaining = move || steps.with(|s| s.iter().filter(|s| !s.done).count());
    view! {
        <Show when=move || remaining() != 0>
            <section class="card guide" data-testid="guide">
                <h2>{move || tr.t("guide.title")}</h2>
                <p class="hint">{move || tr.f("guide.left", &[("n", &remaining().to_string())])}</p>
                <ol class="guide-steps">
                    {move || steps.get().into_iter().enumerate().map(|(n, step)| {
                        let (name, hint) = step.keys;
                        view! {
                            <li class:done=step.done data-testid=format!("guide-{}", step.code) data-done=step.done.to_string()>
                                <span class="guide-mark" aria-hidden="true">{if step.done { "✓".to_string() } else { format!("{}.", n + 1) }}</span>
                                <A href=format!("/r/{}{}", rid(), step.page)>{move || tr.t(name)}</A>
                                <span class="sr-only">{move || tr.t(if step.done { "guide.done" } else { "guide.todo" })}</span>
                                <span class="hint">{move || tr.t(hint)}</span>
                            </li>
                        }
                    }).collect_view()}
                </ol>
            </section>
        </Show>
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
            <div class="heat-maps">
                <figure>
                    <figcaption>{move || tr.t("dashboard.kind_by_level")}</figcaption>
                    <HeatMap rows=Signal::derive(move || figures.with(|f| f.by_kind.clone())) testid="heat-kind" label="dashboard.kind_by_level"/>
                </figure>
                <figure>
                    <figcaption>{move || tr.t("dashboard.department_by_level")}</figcaption>
                    <HeatMap rows=Signal::derive(move || figures.with(|f| f.by_department.clone())) testid="heat-department" label="dashboard.department_by_level"/>
                </figure>
            </div>
            <p>
                <A href=move || format!("/r/{}/risks", rid())>{move || tr.t("dashboard.open_risks")}</A>
            </p>
        </section>
        <section class="card">
            <h2>{move || tr.t("dashboard.work")}</h2>
            <div class="tiles">
                <A href=move || format!("/r/{}/review", rid()) attr:class="tile link" attr:data-testid="count-waiting">
                    <span class="tile-figure">{move || figures.with(|f| f.by_stage.iter().filter(|(s, _)| *s == ReviewStage::Organisation).map(|(_, n)| *n).sum::<usize>())}</span>
                    <span class="tile-label">{move || tr.t("dashboard.waiting_approval")}</span>
                </A>
                <A href=move || format!("/r/{}/review", rid()) attr:class="tile link warn" attr:data-testid="count-overdue">
                    <span class="tile-figure">{move || figures.with(|f| f.overdue_measures)}</span>
                    <span class="tile-label">{move || tr.t("dashboard.overdue_measures")}</span>
                </A>
                <A href=move || format!("/r/{}/publicity", rid()) attr:class="tile link" attr:data-testid="count-publicity">
                    <span class="tile-figure">{move || figures.with(|f| f.publicity_open)}</span>
                    <span class="tile-label">{move || tr.t("dashboard.publicity_open")}</span>
                </A>
                <A href=move || format!("/r/{}/warnings", rid()) attr:class="tile link" attr:data-testid="count-open-cases">
                    <span class="tile-figure">{move || figures.with(|f| f.open_cases)}</span>
                    <span class="tile-label">{move || tr.t("dashboard.open_cases")}</span>
                </A>
                <A href=move || format!("/r/{}/warnings", rid()) attr:class="tile link warn" attr:data-testid="count-overdue-answers">
                    <span class="tile-figure">{move || figures.with(|f| f.overdue_answers)}</span>
                    <span class="tile-label">{move || tr.t("dashboard.overdue_answers")}</span>
                </A>
                <A href=move || format!("/r/{}/warnings", rid()) attr:class="tile link warn" attr:data-testid="count-signals">
                    <span class="tile-figure">{move || figures.with(|f| f.signals)}</span>
                    <span class="tile-label">{move || tr.t("dashboard.signals")}</span>
                </A>
                <A href=move || format!("/r/{}/warnings#unchecked", rid()) attr:class="tile link warn" attr:data-testid="count-unchecked">
                    <span class="tile-figure">{move || figures.with(|f| f.unchecked)}</span>
                    <span class="tile-label">{move || tr.t("dashboard.unchecked")}</span>
                </A>
                <A href=move || format!("/r/{}/pledges", rid()) attr:class="tile link warn" attr:data-testid="count-not-signed">
                    <span class="tile-figure">{move || figures.with(|f| f.not_signed)}</span>
                    <span class="tile-label">{move || tr.t("dashboard.not_signed")}</span>
                </A>
                <A href=move || format!("/r/{}/pledges#coverage", rid()) attr:class="tile link warn" attr:data-testid="count-key-gaps">
                    <span class="tile-figure">{move || figures.with(|f| f.key_post_gaps)}</span>
                    <span class="tile-label">{move || tr.t("dashboard.key_post_gaps")}</span>
                </A>
                <A href=move || format!("/r/{}/plan", rid()) attr:class="tile link warn" attr:data-testid="count-overdue-tasks">
                    <span class="tile-figure">{move || figures.with(|f| f.overdue_tasks)}</span>
                    <span class="tile-label">{move || tr.t("dashboard.overdue_tasks")}</span>
                </A>
                <A href=move || format!("/r/{}/meetings", rid()) attr:class="tile link warn" attr:data-testid="count-meeting-flags">
                    <span class="tile-figure">{move || figures.with(|f| f.flagged_meetings)}</span>
                    <span class="tile-label">{move || tr.t("dashboard.flagged_meetings")}</span>
                </A>
                <A href=move || format!("/r/{}/evaluations", rid()) attr:class="tile link warn" attr:data-testid="count-talks-due">
                    <span class="tile-figure">{move || figures.with(|f| f.talks_due)}</span>
                    <span class="tile-label">{move || tr.t("dashboard.talks_due")}</span>
                </A>
                <A href=move || format!("/r/{}/plan", rid()) attr:class="tile link" attr:data-testid="count-phases">
                    <span class="tile-figure">{move || figures.with(|f| format!("{}/{}", f.phases_done.0, f.phases_done.1))}</span>
                    <span class="tile-label">{move || tr.t("dashboard.phases_done")}</span>
                </A>
            </div>
            <table class="table compact stages">
                <tbody>
                    <tr>
                        {move || figures.with(|f| f.by_stage.iter().map(|(stage, n)| {
                            let (stage, n) = (*stage, *n);
                            view! { <td data-testid=format!("count-stage-{}", stage.code())>{move || tr.t(stage.label_key())} " " <strong>{n}</strong></td> }
                        }).collect_view())}
                    </tr>
                </tbody>
            </table>
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
