//! One warning (预警): what it says and whom it concerns, who must handle it, its case's
//! timeline, the next step (处置, 回告, 采纳 or 退回), and the printable 预警通知书.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

use super::warnings::warning_level_key;
use crate::engine::{AnyForm, Command, Outcome};
use crate::model::{
    Complaint, Department, Entity, EntityKind, Evaluation, Person, RiskLevel, RiskPoint, Source, SpotCheck, StepKind,
    Target, Warning,
};
use crate::rules::{
    Case, CaseState, DisposalForm, Form, Invalid, StepForm, WarningForm, case_handlers, evaluation_score, score_text,
    target_name, warning_department,
};
use crate::ui::conflicts::ConflictPanel;
use crate::ui::entity_history::entity_history;
use crate::ui::hooks::today;
use crate::ui::use_app;
use crate::ui::widgets::{
    ArchiveButton, FormNotice, Lens, SelectField, TextArea, TextField, follow_record, lens, save_entity, show_refusal,
};

/// `/r/<id>/warnings/<warning id>`, or `/r/<id>/warnings/new` (`?complaint=<id>` raises it
/// from a complaint, `?check=<id>` from a spot check's findings, `?evaluation=<id>` from a
/// 廉政评议 below the pass mark).
#[component]
pub fn CasePage() -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let params = use_params_map();
    let query = use_query_map();
    let navigate = StoredValue::new(use_navigate());
    let warning_id = move || params.with(|p| p.get("id")).filter(|id| id != "new");
    let form = RwSignal::new(WarningForm::default());
    let errors = RwSignal::new(Vec::<Invalid>::new());
    let notice = RwSignal::new(None::<(bool, String)>);
    let followed = follow_record(
        form,
        move || match warning_id() {
            Some(id) => session.entity::<Warning>(&id).map(|w| (Some(id), WarningForm::from_target(&w))),
            None => {
                let from = |key: &str| query.with(|q| q.get(key));
                let blank = match (from("complaint"), from("check"), from("evaluation")) {
                    (Some(id), _, _) => session.entity::<Complaint>(&id).map(|c| from_complaint(id, &c)),
                    (None, Some(id), _) => session
                        .entity::<SpotCheck>(&id)
                        .map(|c| from_check(id, &c, session.entity::<RiskPoint>(&c.risk).map(|r| r.level))),
                    (None, None, Some(id)) => session.entity::<Evaluation>(&id).map(|e| {
                        let score =
                            session.with(|r| evaluation_score(r, &e)).flatten().map(score_text).unwrap_or_default();
                        let mark = session.with_settings(|s| s.records.pass_mark).unwrap_or_default().to_string();
                        let problem = tr
                            .f("evaluation.warning_problem", &[("year", &e.year), ("score", &score), ("mark", &mark)]);
                        from_evaluation(id, &e, problem)
                    }),
                    _ => None,
                }
                .unwrap_or_else(|| WarningForm {
                    source: Source::Manual.code().into(),
                    target: Target::Person.code().into(),
                    ..WarningForm::default()
                });
                let blank = WarningForm { raised: today().to_string(), ..blank };
                Some((None, blank))
            }
        },
        move || errors.set(Vec::new()),
    );
    let stored = move || warning_id().and_then(|id| session.entity::<Warning>(&id));
    let exists = move || warning_id().is_none() || stored().is_some();
    let levels = Signal::derive(move || {
        RiskLevel::ALL.iter().map(|l| (l.code().to_string(), tr.t(warning_level_key(l.code())).to_string())).collect()
    });
    let targets = Signal::derive(move || {
        Target::ALL.iter().map(|t| (t.code().to_string(), tr.t(t.label_key()).to_string())).collect()
    });
    let target_choices = Signal::derive(move || match form.with(|f| Target::from_code(&f.target)) {
        Some(Target::Person) => session.with_kind::<Person, _>(Person::choices).unwrap_or_default(),
        Some(Target::Department) => session.with_kind::<Department, _>(Department::choices).unwrap_or_default(),
        Some(Target::Risk) => session.with_kind::<RiskPoint, _>(RiskPoint::choices).unwrap_or_default(),
        None => Vec::new(),
    });
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save_entity(tr, session, warning_id(), followed, form.get_untracked(), errors, notice, move |created| {
            if let Some(id) = created {
                let rid = session.open_id.get_untracked().unwrap_or_default();
                navigate.with_value(|n| n(&format!("/r/{rid}/warnings/{id}"), Default::default()));
            }
        });
    };
    view! {
        <Show
            when=exists
            fallback=move || view! { <section class="card" data-testid="case-missing"><h1>{move || tr.t("case.missing")}</h1></section> }
        >
            <div class="split no-print">
                <section class="card">
                    <h1>{move || tr.t(if warning_id().is_some() { "case.edit_title" } else { "case.new_title" })}</h1>
                    <form class="form" on:submit=save data-testid="warning-form">
                        <SelectField form lens=lens!(level) errors field="level" label="warning.level" prefix="warning" options=levels empty_label="form.choose" required=true/>
                        <p class="hint">{move || tr.t("warning.level_guide")}</p>
                        <SelectField form lens=lens!(target) errors field="target" label="warning.target" prefix="warning" options=targets required=true/>
                        <SelectField form lens=lens!(target_id) errors field="target_id" label="warning.target_id" prefix="warning" options=target_choices empty_label="form.choose" required=true/>
                        <TextArea form lens=lens!(problem) errors field="problem" label="warning.problem" prefix="warning" required=true/>
                        <TextField form lens=lens!(raised) errors field="raised" label="warning.raised" prefix="warning" input_type="date" required=true/>
                        <p class="hint" data-testid="warning-source">
                            {move || form.with(|f| Source::from_code(&f.source)).map(|s| tr.t(s.label_key())).unwrap_or_default()}
                        </p>
                        <div class="actions">
                            <button type="submit" class="primary" data-testid="warning-save">{move || tr.t(if warning_id().is_some() { "form.save" } else { "warning.raise" })}</button>
                            <ArchiveButton kind=EntityKind::Warning id=Signal::derive(warning_id) archived=Signal::derive(move || stored().is_some_and(|w| !w.is_active())) notice prefix="warning"/>
                        </div>
                        <FormNotice notice testid="warning-notice"/>
                    </form>
                </section>
                <div>
                    {move || stored().map(|w| view! { <Handlers warning=w/> })}
                    <ConflictPanel kind=EntityKind::Warning id=Signal::derive(warning_id)/>
                </div>
            </div>
            {move || warning_id().map(|id| view! {
                <Timeline id=id.clone()/>
                <NextStep id=id.clone()/>
                <Notice id/>
            })}
            <div class="no-print">{entity_history::<WarningForm>(Signal::derive(warning_id))}</div>
        </Show>
    }
}

/// A warning raised from complaint `id`: 二级 by default, about the person it names, or else its
/// department, stating what it says.
fn from_complaint(id: String, c: &Complaint) -> WarningForm {
    let (target, target_id) =
        if c.person.is_empty() { (Target::Department, &c.department) } else { (Target::Person, &c.person) };
    WarningForm {
        level: RiskLevel::Two.code().into(),
        source: Source::Complaint.code().into(),
        source_id: id,
        target: target.code().into(),
        target_id: target_id.clone(),
        problem: c.content.as_str().to_string(),
        ..WarningForm::default()
    }
}

/// A warning raised from spot check `id`'s findings: about the risk point checked, at that
/// point's level.
fn from_check(id: String, c: &SpotCheck, level: Option<RiskLevel>) -> WarningForm {
    WarningForm {
        level: level.map(|l| l.code().to_string()).unwrap_or_default(),
        source: Source::Check.code().into(),
        source_id: id,
        target: Target::Risk.code().into(),
        target_id: c.risk.clone(),
        problem: c.findings.as_str().to_string(),
        ..WarningForm::default()
    }
}

/// A 三级 warning about the cadre whose evaluation is below the pass mark.
fn from_evaluation(id: String, e: &Evaluation, problem: String) -> WarningForm {
    WarningForm {
        level: RiskLevel::Three.code().into(),
        source: Source::Evaluation.code().into(),
        source_id: id,
        target: Target::Person.code().into(),
        target_id: e.person.clone(),
        problem,
        ..WarningForm::default()
    }
}

/// Who must handle the warning at its present level; and, when the case shows a risk the
/// register lacks, one click to draft it as a risk point of the department concerned.
#[component]
fn Handlers(warning: Warning) -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let navigate = StoredValue::new(use_navigate());
    let notice = RwSignal::new(None::<(bool, String)>);
    let level = Case::of(&warning).level;
    let draft = session
        .with(|r| {
            let kind = r.risk_kinds.iter().find(|(_, k)| k.is_active()).map(|(id, _)| id.clone()).unwrap_or_default();
            crate::rules::RiskForm {
                scope: crate::model::Scope::Department.code().into(),
                department: warning_department(r, &warning).cloned().unwrap_or_default(),
                kind,
                level: level.code().into(),
                description: warning.problem.as_str().to_string(),
                ..crate::rules::RiskForm::default()
            }
        })
        .unwrap_or_default();
    let add_risk = move |_| {
        session.send(Command::Create(AnyForm::Risk(draft.clone())), move |result| match result {
            Ok(Outcome::Created(id)) => {
                let rid = session.open_id.get_untracked().unwrap_or_default();
                navigate.with_value(|n| n(&format!("/r/{rid}/risks/{id}"), Default::default()));
            }
            Ok(_) => {}
            Err(e) => notice.set(Some((false, tr.t(e.label_key()).to_string()))),
        });
    };
    let duties = session
        .with(|r| {
            case_handlers(r, &warning, level)
                .duties
                .into_iter()
                .map(|d| (d.role.label_key(), d.person.ok().and_then(|id| r.person_name(&id).map(str::to_string))))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    view! {
        <section class="card" data-testid="case-handlers">
            <h2>{move || tr.t("case.handlers")}</h2>
            <ul class="plain">
                {duties.into_iter().map(|(role, name)| view! {
                    <li>{move || tr.t(role)} "：" {name.clone().unwrap_or_else(|| tr.t("case.unassigned").to_string())}</li>
                }).collect_view()}
            </ul>
            <p class="hint">{move || tr.t("case.new_risk_hint")}</p>
            <button data-testid="case-new-risk" on:click=add_risk>{move || tr.t("case.new_risk")}</button>
            <FormNotice notice testid="case-new-risk-notice"/>
        </section>
    }
}

/// The case's steps in order, with who recorded each and when.
#[component]
fn Timeline(id: String) -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let case = Memo::new(move |_| session.entity::<Warning>(&id).map(|w| (Case::of(&w), w.raised.clone())));
    view! {
        <section class="card no-print">
            <h2>{move || tr.t("case.timeline")}</h2>
            <ol class="timeline" data-testid="case-timeline">
                {move || case.get().map(|(case, raised)| {
                    let raised_line = view! { <li data-testid="timeline-step">{raised} " · " {move || tr.t("case.raised")}</li> };
                    let steps = case.timeline.into_iter().map(|entry| {
                        let step = entry.step;
                        let who = session.person_name(&step.by).unwrap_or_else(|| tr.t("history.unknown_author").to_string());
                        let measures = step.measures.iter().map(|m| {
                            let who = session.person_name(&m.who).unwrap_or_default();
                            format!("{} {} {}", m.measure, who, m.when).trim().to_string()
                        }).collect::<Vec<_>>().join("；");
                        let kind = step.kind;
                        view! {
                            <li data-testid="timeline-step" class:not-applied=!entry.applied>
                                {step.date.clone()} " · " <strong>{move || tr.t(kind.label_key())}</strong> " · " {who}
                                {(!measures.is_empty()).then(|| view! { <div>{measures.clone()}</div> })}
                                {(!step.text.is_empty()).then(|| view! { <div class="step-text">{step.text.clone()}</div> })}
                                {(!step.due.is_empty()).then(|| view! { <div class="hint">{move || tr.f("case.due", &[("date", &step.due)])}</div> })}
                                {entry.raised_to.map(|l| view! { <div class="badge warn">{move || tr.f("case.raised_to", &[("level", tr.t(warning_level_key(l.code())))])}</div> })}
                                {(!entry.applied).then(|| view! { <div class="hint">{move || tr.t("case.not_applied")}</div> })}
                            </li>
                        }
                    }).collect_view();
                    view! { {raised_line} {steps} }
                })}
            </ol>
        </section>
    }
}

/// The form of the step the case allows now.
#[component]
fn NextStep(id: String) -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let warning = StoredValue::new(id.clone());
    let state = Memo::new(move |_| session.entity::<Warning>(&id).map(|w| Case::of(&w).state));
    let form = RwSignal::new(blank_step());
    let errors = RwSignal::new(Vec::<Invalid>::new());
    let notice = RwSignal::new(None::<(bool, String)>);
    let disposals = Signal::derive(move || {
        session.with_settings(|s| s.disposals.iter().map(|d| (d.clone(), d.clone())).collect()).unwrap_or_default()
    });
    let people = Signal::derive(move || session.with_kind::<Person, _>(Person::choices).unwrap_or_default());
    let record = move |kind: StepKind| {
        let mut step = form.get_untracked();
        step.kind = kind.code().into();
        if step.date.is_empty() {
            step.date = today().to_string();
        }
        session.send(Command::CaseStep { warning: warning.get_value(), form: step }, move |result| match result {
            Ok(_) => {
                errors.set(Vec::new());
                form.set(blank_step());
                notice.set(Some((true, tr.t("case.step_recorded").to_string())));
            }
            Err(e) => show_refusal(tr, e, errors, notice),
        });
    };
    view! {
        <section class="card no-print" data-testid="case-next">
            <h2>{move || tr.t("case.next")}</h2>
            {move || state.get().map(|state| view! {
                    <form class="form" on:submit=move |ev| ev.prevent_default()>
                        <TextField form lens=lens!(date) errors field="date" label="step.date" prefix="step" input_type="date"/>
                        <Show when=move || matches!(state, CaseState::New | CaseState::AwaitingAnswer { .. })>
                            <div class="field-group" data-testid="step-measures">
                                <SelectField form lens=MEASURE errors field="measures" label="step.measure" prefix="step" options=disposals empty_label="form.choose"/>
                                <SelectField form lens=MEASURE_WHO errors field="measures_who" label="step.who" prefix="step" options=people empty_label="form.none"/>
                            </div>
                        </Show>
                        <TextArea form lens=lens!(text) errors field="text" label=if matches!(state, CaseState::Answered) { "step.reasons" } else { "step.text" } prefix="step"/>
                        <div class="actions">
                            {match state {
                                CaseState::New => view! {
                                    <button type="button" class="primary" data-testid="step-dispose" on:click=move |_| record(StepKind::Dispose)>{move || tr.t("step.dispose")}</button>
                                }.into_any(),
                                CaseState::AwaitingAnswer { .. } => view! {
                                    <button type="button" class="primary" data-testid="step-answer" on:click=move |_| record(StepKind::Answer)>{move || tr.t("step.answer")}</button>
                                    <button type="button" data-testid="step-dispose" on:click=move |_| record(StepKind::Dispose)>{move || tr.t("step.dispose_more")}</button>
                                }.into_any(),
                                CaseState::Answered => view! {
                                    <button type="button" class="primary" data-testid="step-accept" on:click=move |_| record(StepKind::Accept)>{move || tr.t("step.accept")}</button>
                                    <button type="button" data-testid="step-reject" on:click=move |_| record(StepKind::Reject)>{move || tr.t("step.reject")}</button>
                                }.into_any(),
                                CaseState::Closed => view! { <p data-testid="case-closed">{move || tr.t("case.closed_note")}</p> }.into_any(),
                            }}
                        </div>
                        <FormNotice notice testid="step-notice"/>
                    </form>
                })}
        </section>
    }
}

/// A step form with one disposal measure to fill in.
fn blank_step() -> StepForm {
    StepForm { measures: vec![DisposalForm::default()], ..StepForm::default() }
}

/// The first disposal measure's fields, as the step form shows one.
const MEASURE: Lens<StepForm> = Lens {
    get: |f| f.measures.first().map(|m| m.measure.clone()).unwrap_or_default(),
    set: |f, v| first_measure(f).measure = v,
};
const MEASURE_WHO: Lens<StepForm> = Lens {
    get: |f| f.measures.first().map(|m| m.who.clone()).unwrap_or_default(),
    set: |f, v| first_measure(f).who = v,
};

fn first_measure(f: &mut StepForm) -> &mut DisposalForm {
    if f.measures.is_empty() {
        f.measures.push(DisposalForm::default());
    }
    &mut f.measures[0]
}

/// 预警通知书, printed on A4: the unit, number, target, problem, measures, deadline and the
/// issuing leader. Never the complaint or its reporter.
#[component]
fn Notice(id: String) -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let notice = Memo::new(move |_| {
        session
            .with(|r| {
                let w = r.warnings.get(&id)?;
                let case = Case::of(w);
                let year = w.raised.get(..4).unwrap_or_default().to_string();
                let mut same_year: Vec<(&String, &String)> = r
                    .warnings
                    .iter()
                    .filter(|(_, o)| o.raised.starts_with(&year))
                    .map(|(i, o)| (&o.raised, i))
                    .collect();
                same_year.sort();
                let number = same_year.iter().position(|(_, i)| **i == id).map_or(0, |n| n + 1);
                // The notice states the measures and the deadline: until the case is disposed
                // there is nothing to notify.
                let disposal = case.timeline.iter().rev().find(|s| s.applied && s.step.kind == StepKind::Dispose)?;
                let measures = disposal.step.measures.iter().map(|m| m.measure.clone()).collect::<Vec<_>>().join("、");
                let due = disposal.step.due.clone();
                let leader =
                    r.leading_group.leader.as_ref().and_then(|l| r.person_name(l)).unwrap_or_default().to_string();
                Some((
                    r.unit.name.clone(),
                    format!("{year}-{number:03}"),
                    target_name(r, w.target, &w.target_id),
                    w.problem.as_str().to_string(),
                    measures,
                    due,
                    leader,
                    case.level.code().to_string(),
                ))
            })
            .flatten()
    });
    view! {
        <section class="card">
            <Show
                when=move || notice.with(Option::is_some)
                fallback=move || view! { <p class="hint no-print" data-testid="notice-pending">{move || tr.t("notice.pending")}</p> }
            >
                <div class="actions no-print">
                    <button data-testid="notice-print" on:click=move |_| { let _ = window().print(); }>{move || tr.t("notice.print")}</button>
                </div>
            </Show>
            {move || notice.get().map(|(unit, number, target, problem, measures, due, leader, level)| view! {
                <article class="notice-sheet print-only-page" data-testid="notice-sheet">
                    <h2 class="sheet-title">{unit.clone()} " " {move || tr.t("notice.title")}</h2>
                    <p class="sheet-number">{move || tr.f("notice.number", &[("n", &number)])}</p>
                    <p><strong>{target.clone()}</strong> "："</p>
                    <p>{move || tr.f("notice.body", &[("level", tr.t(warning_level_key(&level)))])}</p>
                    <p class="sheet-problem">{problem.clone()}</p>
                    <p>{move || tr.f("notice.measures", &[("measures", &measures)])}</p>
                    <p>{move || tr.f("notice.due", &[("date", &due)])}</p>
                    <p class="sheet-sign">{move || tr.f("notice.issuer", &[("unit", &unit), ("leader", &leader)])}</p>
                    <p class="sheet-sign">{today().to_string()}</p>
                </article>
            })}
        </section>
    }
}
