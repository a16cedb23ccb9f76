//! 三重一大 and 会议记录: the bodies that meet (校务会, 民主理财小组, 校务公开领导小组), their
//! meetings with who spoke in which order and the decision with its vote, the flags the rules
//! raise (末位表态, 民主理财, 招标), and one meeting's record and procedure, printed on A4.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::engine::{AnyForm, Command, Outcome};
use crate::model::{Body, BodyRole, Entity, MajorMatter, Meeting, Person, Procedure, Spending, Template};
use crate::rules::{
    BodyForm, Form, Invalid, MeetingForm, RecordRulesForm, finance_reviews, flagged_meetings, meeting_flags,
    principal_of, yuan,
};
use crate::ui::entity_section::{RowLink, Section, entity_section, newest_first};
use crate::ui::time::format_time;
use crate::ui::use_app;
use crate::ui::widgets::{
    CheckField, CheckList, FormNotice, OrderField, SelectField, TextArea, TextField, follow_record, lens, options,
    save_with,
};

/// `/r/<id>/meetings`.
#[component]
pub fn MeetingsPage() -> impl IntoView {
    let tr = use_app().tr;
    view! {
        <h1 class="page-title">{move || tr.t("meeting.title")}</h1>
        <p class="hint">{move || tr.t("meeting.rule")}</p>
        <Flags/>
        {entity_section::<Meeting, MeetingForm>(Section {
            title: "meeting.list",
            prefix: "meeting",
            columns: vec![
                ("meeting.date", |_, m| m.date.clone()),
                ("meeting.body", |c, m| c.register.bodies.get(&m.body).map(|b| b.name.clone()).unwrap_or_default()),
                ("meeting.matter", |c, m| match m.matter {
                    Some(matter) => crate::i18n::text(c.locale, matter.label_key()).to_string(),
                    None => crate::i18n::text(c.locale, "meeting.ordinary").to_string(),
                }),
                ("meeting.topic", |_, m| m.topic.clone()),
                ("meeting.flags", |c, m| match meeting_flags(c.register, m).len() {
                    0 => String::new(),
                    n => crate::i18n::format(c.locale, "meeting.flag_count", &[("n", &n.to_string())]),
                }),
            ],
            // Newest first.
            order: |_, m| newest_first(&m.date),
            fields: meeting_fields,
            scope: None,
            link: Some(RowLink { label: "meeting.open", shown: |_, _| true, href: |rid, id| format!("/r/{rid}/meetings/{id}") }),
        })}
        <Bodies/>
        <RecordRulesCard/>
    }
}

fn meeting_fields(form: RwSignal<MeetingForm>, errors: RwSignal<Vec<Invalid>>) -> AnyView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let bodies = Signal::derive(move || session.with_kind::<Body, _>(Body::choices).unwrap_or_default());
    let people = Signal::derive(move || session.with_kind::<Person, _>(Person::choices).unwrap_or_default());
    // Speakers come from the attendees; one no longer ticked as attending keeps their name in
    // the order until taken out (the save is refused beside the field until then).
    let attending = Signal::derive(move || {
        let chosen = form.with(|f| [f.attendees.clone(), f.speakers.clone()].concat());
        people.get().into_iter().filter(|(id, _)| chosen.contains(id)).collect::<Vec<_>>()
    });
    let matters = Signal::derive(move || {
        let mut all = vec![(String::new(), tr.t("meeting.ordinary").to_string())];
        all.extend(options(MajorMatter::ALL, MajorMatter::code, MajorMatter::label_key, tr));
        all
    });
    // No spending is the empty choice, as a new form has it.
    let spendings = Signal::derive(move || {
        let mut all = options(Spending::ALL, Spending::code, Spending::label_key, tr);
        all[0].0 = String::new();
        all
    });
    let reviews = Signal::derive(move || session.with_kind::<Meeting, _>(finance_reviews).unwrap_or_default());
    view! {
        <SelectField form lens=lens!(body) errors field="body" label="meeting.body" prefix="meeting" options=bodies empty_label="form.choose" required=true/>
        <TextField form lens=lens!(date) errors field="date" label="meeting.date" prefix="meeting" input_type="date" required=true/>
        <SelectField form lens=lens!(matter) errors field="matter" label="meeting.matter" prefix="meeting" options=matters/>
        <TextField form lens=lens!(topic) errors field="topic" label="meeting.topic" prefix="meeting" required=true/>
        <CheckList form get=|f: &MeetingForm| f.attendees.clone() set=|f, v| f.attendees = v errors field="attendees" label="meeting.attendees" prefix="meeting" options=people/>
        <OrderField form get=|f: &MeetingForm| f.speakers.clone() set=|f, v| f.speakers = v errors field="speakers" label="meeting.speakers" prefix="meeting" options=attending/>
        <TextArea form lens=lens!(decision) errors field="decision" label="meeting.decision" prefix="meeting"/>
        <TextField form lens=lens!(votes_for) errors field="votes_for" label="meeting.votes_for" prefix="meeting" input_type="number"/>
        <TextField form lens=lens!(votes_against) errors field="votes_against" label="meeting.votes_against" prefix="meeting" input_type="number"/>
        <TextField form lens=lens!(votes_abstain) errors field="votes_abstain" label="meeting.votes_abstain" prefix="meeting" input_type="number"/>
        <SelectField form lens=lens!(spending) errors field="spending" label="meeting.spending" prefix="meeting" options=spendings/>
        <TextField form lens=lens!(amount) errors field="amount" label="meeting.amount" prefix="meeting"/>
        <CheckField form get=|f: &MeetingForm| f.tendered set=|f, v| f.tendered = v field="tendered" label="meeting.tendered" prefix="meeting"/>
        <SelectField form lens=lens!(finance_review) errors field="finance_review" label="meeting.finance_review" prefix="meeting" options=reviews empty_label="meeting.no_review"/>
    }
    .into_any()
}

/// The meetings the rules flag, with what is wrong with each.
#[component]
fn Flags() -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let rid = move || session.open_id.get().unwrap_or_default();
    let flagged = move || {
        session
            .with(|r| {
                flagged_meetings(r)
                    .into_iter()
                    .map(|(id, m, flags)| (id.clone(), format!("{} {}", m.date, m.topic), flags))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    view! {
        <section class="card" data-testid="meeting-flags">
            <h2>{move || tr.t("meeting.flagged")}</h2>
            <Show when=move || !flagged().is_empty() fallback=move || view! { <p class="empty">{move || tr.t("meeting.none_flagged")}</p> }>
                <ul class="flag-list">
                    {move || flagged().into_iter().map(|(id, label, flags)| view! {
                        <li data-testid="meeting-flag-row" data-id=id.clone()>
                            <A href=format!("/r/{}/meetings/{id}", rid())>{label}</A> " — "
                            {flags.into_iter().map(|f| view! {
                                <span class="badge flag" data-flag=f.code()>{move || tr.t(f.label_key())}</span>
                            }).collect_view()}
                        </li>
                    }).collect_view()}
                </ul>
            </Show>
        </section>
    }
}

/// 议事机构, with the template's bodies for a register made before they were kept.
#[component]
fn Bodies() -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let none = move || session.with_kind::<Body, _>(|r| r.bodies.is_empty()).unwrap_or(false);
    let notice = RwSignal::new(None::<(bool, String)>);
    let start = move |_| {
        let Some(bodies) = session.with_settings(|s| Template::by_code(&s.template).bodies.clone()) else { return };
        for body in bodies {
            let form = BodyForm { name: body.name, role: body.role, ..BodyForm::default() };
            session.send(Command::Create(AnyForm::Body(form)), move |result| {
                if let Err(e) = result {
                    notice.set(Some((false, tr.t(e.label_key()).to_string())));
                }
            });
        }
    };
    view! {
        <Show when=none>
            <section class="card" data-testid="body-none">
                <p>{move || tr.t("body.none")}</p>
                <button class="primary" data-testid="body-start" on:click=start>{move || tr.t("body.start")}</button>
                <FormNotice notice testid="body-start-notice"/>
            </section>
        </Show>
        {entity_section::<Body, BodyForm>(Section {
            title: "body.list",
            prefix: "body",
            columns: vec![
                ("body.name", |_, b| b.name.clone()),
                ("body.role", |c, b| crate::i18n::text(c.locale, b.role.label_key()).to_string()),
                ("body.chair", |c, b| b.chair.as_deref().and_then(|p| c.register.person_name(p)).unwrap_or_default().to_string()),
                ("body.members", |c, b| {
                    b.members.keys().filter_map(|p| c.register.person_name(p)).collect::<Vec<_>>().join("、")
                }),
            ],
            order: |_, b| format!("{:?}{}", b.role, b.name),
            fields: |form, errors| {
                let app = use_app();
                let (tr, session) = (app.tr, app.session);
                let people = Signal::derive(move || session.with_kind::<Person, _>(Person::choices).unwrap_or_default());
                let roles = Signal::derive(move || options(BodyRole::ALL, BodyRole::code, BodyRole::label_key, tr));
                view! {
                    <TextField form lens=lens!(name) errors field="name" label="body.name" prefix="body" required=true/>
                    <SelectField form lens=lens!(role) errors field="role" label="body.role" prefix="body" options=roles empty_label="form.choose" required=true/>
                    <SelectField form lens=lens!(chair) errors field="chair" label="body.chair" prefix="body" options=people empty_label="form.none"/>
                    <CheckList form get=|f: &BodyForm| f.members.clone() set=|f, v| f.members = v errors field="members" label="body.members" prefix="body" options=people/>
                }
                .into_any()
            },
            scope: None,
            link: None,
        })}
    }
}

/// The thresholds of the records: on the meetings page the spending the 民主理财小组 reviews and
/// the building or buying that is tendered; on the evaluations page the parts' weights and the
/// pass mark. One form, so a save on either page keeps the other's values.
#[component]
pub fn RecordRulesCard(#[prop(optional)] evaluation: bool) -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let form = RwSignal::new(RecordRulesForm::default());
    let errors = RwSignal::new(Vec::<Invalid>::new());
    let notice = RwSignal::new(None::<(bool, String)>);
    let followed = follow_record(
        form,
        move || session.with_settings(|s| RecordRulesForm::from_target(&s.records)).map(|f| ((), f)),
        move || errors.set(Vec::new()),
    );
    let save = save_with(form, Some(followed), errors, notice, Command::UpdateRecordRules);
    let fields = if evaluation {
        view! {
            <TextField form lens=lens!(weight_own) errors field="weight_own" label="record_rules.weight_own" prefix="rules" input_type="number"/>
            <TextField form lens=lens!(weight_peers) errors field="weight_peers" label="record_rules.weight_peers" prefix="rules" input_type="number"/>
            <TextField form lens=lens!(weight_leaders) errors field="weight_leaders" label="record_rules.weight_leaders" prefix="rules" input_type="number"/>
            <TextField form lens=lens!(pass_mark) errors field="pass_mark" label="record_rules.pass_mark" prefix="rules" input_type="number"/>
        }
        .into_any()
    } else {
        view! {
            <TextField form lens=lens!(finance_review_yuan) errors field="finance_review_yuan" label="record_rules.finance_review_yuan" prefix="rules" input_type="number"/>
            <TextField form lens=lens!(tender_yuan) errors field="tender_yuan" label="record_rules.tender_yuan" prefix="rules" input_type="number"/>
        }
        .into_any()
    };
    view! {
        <details class="card" data-testid="record-rules">
            <summary><h2 class="inline">{move || tr.t(if evaluation { "evaluation.weights" } else { "record_rules.title" })}</h2></summary>
            <form class="form" on:submit=save>
                {fields}
                <div class="actions">
                    <button type="submit" class="primary" data-testid="rules-save">{move || tr.t("form.save")}</button>
                </div>
                <FormNotice notice testid="rules-notice"/>
            </form>
        </details>
    }
}

/// `/r/<id>/meetings/<meeting id>`: the record as it prints, its flags, and the procedure.
#[component]
pub fn MeetingPage() -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id")));
    let meeting = move || id.get().and_then(|id| session.entity::<Meeting>(&id));
    let remarks = RwSignal::new(String::new());
    let notice = RwSignal::new(None::<(bool, String)>);
    let step = move |_| {
        let Some(meeting) = id.get_untracked() else { return };
        session.send(
            Command::ProcedureStep { meeting, remarks: remarks.get_untracked() },
            move |result| match result {
                Ok(Outcome::Procedure(now)) => {
                    remarks.set(String::new());
                    notice.set(Some((true, tr.f("procedure.now", &[("step", tr.t(now.label_key()))]))));
                }
                Ok(_) => {}
                Err(e) => notice.set(Some((false, tr.t(e.label_key()).to_string()))),
            },
        );
    };
    let name_of = move |pid: &str| session.person_name(pid).unwrap_or_default();
    view! {
        {move || match meeting() {
            None => view! { <section class="card"><h1>{move || tr.t("meeting.missing")}</h1></section> }.into_any(),
            Some(m) => {
                let (flags, principal, body, review) = session
                    .with(|r| {
                        let review = m.finance_review.as_ref().and_then(|id| r.meetings.get(id)).map(|v| format!("{} {}", v.date, v.topic));
                        (meeting_flags(r, &m), principal_of(r, &m).cloned(), r.bodies.get(&m.body).map(|b| b.name.clone()), review)
                    })
                    .unwrap_or_default();
                let unit = session.with_unit(|u| u.name.clone()).unwrap_or_default();
                let matter = m.matter;
                let attendees = m.attendees.keys().map(|p| name_of(p)).collect::<Vec<_>>().join("、");
                let order: Vec<_> = m.speaking_order().into_iter().cloned().collect();
                let trail: Vec<_> = m.trail_in_order().into_iter().cloned().collect();
                let at = m.procedure;
                let spending = m.spending;
                let votes = tr.f("meeting.votes_line", &[
                    ("for", &m.votes_for.to_string()), ("against", &m.votes_against.to_string()), ("abstain", &m.votes_abstain.to_string()),
                ]);
                view! {
                    <article class="card print-sheet" data-testid="meeting-record">
                        <h2 class="sheet-title">{format!("{unit}{}", tr.t("meeting.sheet_title"))}</h2>
                        <dl class="card-fields">
                            <dt>{move || tr.t("meeting.body")}</dt><dd>{body.unwrap_or_default()}</dd>
                            <dt>{move || tr.t("meeting.date")}</dt><dd>{m.date.clone()}</dd>
                            <dt>{move || tr.t("meeting.matter")}</dt>
                            <dd>{move || tr.t(matter.map(MajorMatter::label_key).unwrap_or("meeting.ordinary"))}</dd>
                            <dt>{move || tr.t("meeting.topic")}</dt><dd data-testid="meeting-topic">{m.topic.clone()}</dd>
                            <dt>{move || tr.t("meeting.attendees")}</dt><dd>{attendees}</dd>
                            <dt>{move || tr.t("meeting.speakers")}</dt>
                            <dd>
                                <ol class="speakers" data-testid="meeting-order">
                                    {order.into_iter().map(|p| {
                                        let main = principal.as_deref() == Some(p.as_str());
                                        view! {
                                            <li>{name_of(&p)}{main.then(|| view! { <span class="badge">{move || tr.t("meeting.principal")}</span> })}</li>
                                        }
                                    }).collect_view()}
                                </ol>
                            </dd>
                            <dt>{move || tr.t("meeting.decision")}</dt><dd class="pre">{m.decision.as_str().to_string()}</dd>
                            <dt>{move || tr.t("meeting.votes")}</dt><dd>{votes}</dd>
                            {(spending != Spending::None).then(|| view! {
                                <dt>{move || tr.t("meeting.spending")}</dt>
                                <dd>
                                    {move || tr.t(spending.label_key())} " · "
                                    {tr.f("meeting.yuan", &[("n", &yuan(m.amount))])} " · "
                                    {move || tr.t(if m.tendered { "meeting.tendered" } else { "meeting.not_tendered" })}
                                </dd>
                                <dt>{move || tr.t("meeting.finance_review")}</dt>
                                <dd>{review.clone().unwrap_or_else(|| tr.t("meeting.no_review").to_string())}</dd>
                            })}
                        </dl>
                        {(!flags.is_empty()).then(|| view! {
                            <ul class="flag-list" data-testid="meeting-record-flags">
                                {flags.into_iter().map(|f| view! {
                                    <li class="badge flag" data-flag=f.code()>{move || tr.t(f.label_key())}</li>
                                }).collect_view()}
                            </ul>
                        })}
                        {matter.is_some().then(|| view! {
                            <h3>{move || tr.t("procedure.title")}</h3>
                            <ol class="procedure" data-testid="procedure">
                                {Procedure::ALL[..8].iter().map(|p| {
                                    let done = *p < at;
                                    let current = *p == at;
                                    view! {
                                        <li class:done=done class:current=current data-step=p.code() aria-current=current.then_some("step")>
                                            {move || tr.t(p.label_key())}
                                        </li>
                                    }
                                }).collect_view()}
                            </ol>
                            <ol class="trail">
                                {trail.into_iter().map(|s| view! {
                                    <li data-testid="procedure-step">
                                        <span class="when">{format_time(s.at)}</span> " "
                                        <strong>{name_of(&s.by)}</strong> " · " {move || tr.t(s.step.label_key())}
                                        {(!s.remarks.is_empty()).then(|| view! { <span class="note">"：" {s.remarks.clone()}</span> })}
                                    </li>
                                }).collect_view()}
                            </ol>
                        })}
                    </article>
                    <section class="card no-print">
                        {(matter.is_some() && at != Procedure::Done).then(|| view! {
                            <label class="field wide">
                                <span class="field-label">{move || tr.f("procedure.remarks", &[("step", tr.t(at.label_key()))])}</span>
                                <textarea rows="2" data-testid="procedure-remarks" prop:value=move || remarks.get()
                                    on:input=move |ev| remarks.set(event_target_value(&ev))></textarea>
                            </label>
                            <div class="actions">
                                <button class="primary" data-testid="procedure-next" on:click=step>
                                    {move || tr.f("procedure.complete", &[("step", tr.t(at.label_key()))])}
                                </button>
                            </div>
                        })}
                        <div class="actions">
                            <button type="button" data-testid="meeting-print" on:click=move |_| { let _ = window().print(); }>{move || tr.t("meeting.print")}</button>
                        </div>
                        <FormNotice notice testid="meeting-step-notice"/>
                    </section>
                }.into_any()
            }
        }}
    }
}
