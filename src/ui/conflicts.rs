//! Conflicts on one entity: each field two members changed at once, with every value and who
//! wrote it, and a button to keep one of them.

use leptos::prelude::*;

use super::time::format_time;
use super::use_app;
use crate::engine::Command;
use crate::i18n;
use crate::model::{
    BodyRole, EntityKind, Flowchart, FourHave, MajorMatter, MatterKind, MeasureStage, MeasureStatus, Register,
    RiskLevel, Scope, Spending,
};

/// The locale prefix of an entity kind's field names (`risk.power_item`).
fn field_prefix(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Person => "person",
        EntityKind::Department => "department",
        EntityKind::Post => "post",
        EntityKind::Risk => "risk",
        EntityKind::Measure => "measure",
        EntityKind::RiskKind => "kind",
        EntityKind::Phase => "phase",
        EntityKind::Publicity => "publicity",
        EntityKind::Complaint => "complaint",
        EntityKind::Warning => "warning",
        EntityKind::Check => "check",
        EntityKind::Matter => "matter",
        EntityKind::Pledge => "pledge",
        EntityKind::Card => "card",
        EntityKind::Body => "body",
        EntityKind::Meeting => "meeting",
        EntityKind::Task => "task",
        EntityKind::Fund => "fund",
        EntityKind::Regulation => "regulation",
        EntityKind::Activity => "activity",
        EntityKind::Evaluation => "evaluation",
        EntityKind::Summary => "summary",
        EntityKind::Submission => "submission",
        EntityKind::Filing => "filing",
        EntityKind::Flowchart => "chart",
    }
}

/// The locale key of a conflicted field's name, and for a chart's step or arrow
/// (`nodes.<id>.place`) which group and id it belongs to.
fn field_key(kind: EntityKind, field: &str) -> (String, Option<(String, String)>) {
    match field.split('.').collect::<Vec<_>>()[..] {
        [group @ ("nodes" | "edges"), id, name, ..] if kind == EntityKind::Flowchart => {
            let prefix = if group == "nodes" { "chart_node" } else { "chart_edge" };
            (format!("{prefix}.{name}"), Some((group.to_string(), id.to_string())))
        }
        _ => (format!("{}.{}", field_prefix(kind), field), None),
    }
}

/// A stored value as a person reads it: names for ids, labels for enum variants.
fn describe(r: &Register, field: &str, raw: &str, tr: super::tr::Tr) -> String {
    let person = || r.person_name(raw).map(str::to_string);
    let named = match field {
        "head" | "leader_in_charge" | "owner" | "leader" | "by" | "person" | "who" | "chair" => person(),
        "phase" => r.phases.get(raw).map(|p| p.name.clone()),
        "meeting" => r.meetings.get(raw).map(|m| format!("{} {}", m.date, m.topic)),
        "four" => FourHave::ALL.iter().find(|m| format!("{m:?}") == raw).map(|m| tr.t(m.label_key()).to_string()),
        "body" => r.bodies.get(raw).map(|b| b.name.clone()),
        "finance_review" => r.meetings.get(raw).map(|m| format!("{} {}", m.date, m.topic)),
        "matter" => MajorMatter::ALL.iter().find(|m| format!("{m:?}") == raw).map(|m| tr.t(m.label_key()).to_string()),
        "spending" => Spending::ALL.iter().find(|m| format!("{m:?}") == raw).map(|m| tr.t(m.label_key()).to_string()),
        "role" => BodyRole::ALL.iter().find(|m| format!("{m:?}") == raw).map(|m| tr.t(m.label_key()).to_string()),
        "department" => r.departments.get(raw).map(|d| d.name.clone()),
        "post" => r.posts.get(raw).map(|p| p.name.clone()),
        "kind" => r.risk_kinds.get(raw).map(|k| k.name.clone()).or_else(|| {
            MatterKind::ALL.iter().find(|k| format!("{k:?}") == raw).map(|k| tr.t(k.label_key()).to_string())
        }),
        "level" => {
            RiskLevel::ALL.into_iter().find(|l| format!("{l:?}") == raw).map(|l| tr.t(l.label_key()).to_string())
        }
        "scope" => Scope::ALL.into_iter().find(|s| format!("{s:?}") == raw).map(|s| tr.t(s.label_key()).to_string()),
        "stage" => {
            MeasureStage::ALL.into_iter().find(|s| format!("{s:?}") == raw).map(|s| tr.t(s.label_key()).to_string())
        }
        "status" => {
            MeasureStatus::ALL.into_iter().find(|s| format!("{s:?}") == raw).map(|s| tr.t(s.label_key()).to_string())
        }
        _ => None,
    };
    match (named, raw) {
        (Some(name), _) => name,
        (None, "") => tr.t("conflict.empty").to_string(),
        (None, "true") => tr.t("conflict.yes").to_string(),
        (None, "false") => tr.t("conflict.no").to_string(),
        (None, other) => other.to_string(),
    }
}

/// The conflicts of entity `id` of `kind`, each with its values and a choice.
#[component]
pub fn ConflictPanel(kind: EntityKind, #[prop(into)] id: Signal<Option<String>>) -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let notice = RwSignal::new(None::<String>);
    let mine = move || {
        let id = id.get()?;
        let found: Vec<_> =
            session.conflicts.with(|all| all.iter().filter(|c| c.kind == kind && c.id == id).cloned().collect());
        (!found.is_empty()).then_some((id, found))
    };
    let pick = move |id: String, field: String, choice: usize| {
        session.send(Command::ResolveConflict { kind, id, field, choice }, move |result| {
            if let Err(e) = result {
                notice.set(Some(tr.t(e.label_key()).to_string()));
            }
        });
    };
    view! {
        {move || mine().map(|(id, conflicts)| view! {
            <section class="card conflict" data-testid="conflict-panel">
                <h2><span class="badge conflict-badge" data-testid="conflict-badge">{move || tr.t("conflict.badge")}</span>
                    " " {move || tr.t("conflict.title")}</h2>
                <p class="hint">{move || tr.t("conflict.hint")}</p>
                {conflicts.into_iter().map(|c| {
                    let (key, part) = field_key(kind, &c.field);
                    let field = c.field.clone();
                    let fallback = c.field.clone();
                    let chart = id.clone();
                    let field_label = move || {
                        let name = i18n::lookup(tr.locale(), &key).map(str::to_string).unwrap_or_else(|| fallback.clone());
                        // A step or arrow of a chart: say which.
                        let part = part.as_ref().and_then(|(group, pid)| {
                            let c = session.entity::<Flowchart>(&chart)?;
                            match group.as_str() {
                                "nodes" => c.nodes.get(pid).map(|n| n.label.clone()),
                                _ => c.edges.get(pid).map(|e| {
                                    let end = |n: &str| c.nodes.get(n).map(|n| n.label.clone()).unwrap_or_default();
                                    format!("{} → {}", end(&e.from), end(&e.to))
                                }),
                            }
                        });
                        match part {
                            Some(part) => format!("{part} · {name}"),
                            None => name,
                        }
                    };
                    let id = id.clone();
                    view! {
                        <div class="conflict-field" data-testid=format!("conflict-{}", c.field)>
                            <h3>{field_label}</h3>
                            <ul class="plain">
                                {c.values.iter().enumerate().map(|(choice, v)| {
                                    let (field, id) = (field.clone(), id.clone());
                                    let (raw, author, at, shown) = (v.value.clone(), v.author.clone(), v.at, v.shown);
                                    let described = {
                                        let (raw, field) = (raw.clone(), field.clone());
                                        move || session.with(|r| describe(r, field.rsplit('.').next().unwrap_or(&field), &raw, tr)).unwrap_or_default()
                                    };
                                    let who = move || session.person_name(&author)
                                        .unwrap_or_else(|| tr.t("history.unknown_author").to_string());
                                    view! {
                                        <li data-testid="conflict-value">
                                            <strong data-testid="conflict-value-text">{described}</strong>
                                            " — " <span data-testid="conflict-value-author">{who}</span>
                                            " · " {format_time(at)}
                                            {shown.then(|| view! { <span class="badge">{move || tr.t("conflict.shown")}</span> })}
                                            " "
                                            <button data-testid="conflict-pick" on:click=move |_| pick(id.clone(), field.clone(), choice)>
                                                {move || tr.t("conflict.pick")}
                                            </button>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        </div>
                    }
                }).collect_view()}
                {move || notice.get().map(|n| view! { <p class="notice error">{n}</p> })}
            </section>
        })}
    }
}
