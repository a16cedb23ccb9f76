//! A heat map of counts per level, drawn as SVG: darker cells hold more points.

use leptos::prelude::*;

use super::use_app;
use crate::model::RiskLevel;
use crate::rules::LevelCounts;

const CELL_W: f64 = 72.0;
const CELL_H: f64 = 28.0;
const LABEL_W: f64 = 170.0;

/// Rows of (name, counts per level) as a grid of shaded cells with the counts written in.
#[component]
pub fn HeatMap(
    #[prop(into)] rows: Signal<Vec<(String, LevelCounts)>>,
    testid: &'static str,
    /// Locale key of what it shows, read out for the image.
    label: &'static str,
) -> impl IntoView {
    let tr = use_app().tr;
    let height = move || CELL_H * (rows.with(Vec::len) as f64 + 1.0);
    let max = move || rows.with(|r| r.iter().flat_map(|(_, c)| c.iter().copied()).max().unwrap_or(0)).max(1);
    view! {
        <svg class="heat-map" data-testid=testid width=LABEL_W + CELL_W * 3.0 height=height
             viewBox=move || format!("0 0 {} {}", LABEL_W + CELL_W * 3.0, height()) role="img" aria-label=move || tr.t(label)>
            {RiskLevel::ALL.into_iter().enumerate().map(|(i, level)| view! {
                <text x=LABEL_W + CELL_W * (i as f64 + 0.5) y=CELL_H * 0.65 text-anchor="middle" class="heat-head">
                    {move || tr.t(level.label_key())}
                </text>
            }).collect_view()}
            {move || rows.get().into_iter().enumerate().map(|(r, (name, counts))| {
                let y = CELL_H * (r as f64 + 1.0);
                let max = max();
                view! {
                    <text x=LABEL_W - 8.0 y=y + CELL_H * 0.65 text-anchor="end" class="heat-label">{name}</text>
                    {counts.into_iter().enumerate().map(|(c, n)| {
                        let shade = if n == 0 { 0.0 } else { 0.15 + 0.85 * n as f64 / max as f64 };
                        let count_class = if shade > 0.6 { "heat-count light" } else { "heat-count" };
                        view! {
                            <rect x=LABEL_W + CELL_W * c as f64 + 1.0 y=y + 1.0 width=CELL_W - 2.0 height=CELL_H - 2.0
                                  class=format!("heat level-{}", c + 1) fill-opacity=shade data-count=n></rect>
                            <text x=LABEL_W + CELL_W * (c as f64 + 0.5) y=y + CELL_H * 0.65 text-anchor="middle"
                                  class=count_class>{n}</text>
                        }
                    }).collect_view()}
                }
            }).collect_view()}
        </svg>
    }
}
