//! 预警处置: the board of cases by where they stand, the warning signals the register proposes,
//! the complaints taken in, and the passphrase that opens reporters' names.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

use crate::doc::DocError;
use crate::engine::sealing::Locks;
use crate::engine::{AnyForm, Command, Outcome};
use crate::model::{Complaint, Entity, LockRecord, Person, RiskLevel, RiskPoint, SpotCheck};
use crate::rules::{
    BoardColumn, Case, CaseSettingsForm, Form, Invalid, Signal as WarningSignal, SpotCheckForm, WarningForm, signals,
    target_name, unchecked_risks,
};
use crate::ui::entity_section::{RowLink, Section, entity_section};
use crate::ui::hooks::today;
use crate::ui::time::format_time;
use crate::ui::tr::Tr;
use crate::ui::use_app;
use crate::ui::widgets::{FormNotice, SelectField, TextArea, TextField, follow_record, lens, save_with};

/// `/r/<id>/warnings`.
#[component]
pub fn WarningsPage() -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let rid = move || session.open_id.get().unwrap_or_default();
    view! {
        <div class="title-row">
            <h1 class="page-title">{move || tr.t("warnings.title")}</h1>
            <div class="actions">
                <A href=move || format!("/r/{}/matters", rid()) attr:class="button" attr:data-testid="open-matters">
                    {move || tr.t("matter.title")}
                </A>
                <A href=move || format!("/r/{}/bulletin", rid()) attr:class="button" attr:data-testid="open-bulletin">
                    {move || tr.t("bulletin.page_title")}
                </A>
                <A href=move || format!("/r/{}/complaints/new", rid()) attr:class="button" attr:data-testid="add-complaint">
                    {move || tr.t("complaints.add")}
                </A>
                <A href=move || format!("/r/{}/warnings/new", rid()) attr:class="button primary" attr:data-testid="add-warning">
                    {move || tr.t("warnings.add")}
                </A>
            </div>
        </div>
        <Board/>
        <Signals/>
        <Complaints/>
        {spot_checks()}
        <ReporterLockCard/>
        <CaseSettings/>
    }
}

/// 督查: spot checks planned and done, and the 一级 and 二级 points not checked within the year.
fn spot_checks() -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let unchecked = Memo::new(move |_| {
        session
            .with(|r| {
                unchecked_risks(r, today())
                    .iter()
                    .filter_map(|id| r.risks.get(id))
                    .map(Entity::label)
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });
    view! {
        <section class="card" id="unchecked" data-testid="unchecked">
            <h2>{move || tr.t("check.unchecked_title")}</h2>
            <p class="hint">{move || tr.t("check.rule")}</p>
            <Show when=move || unchecked.with(Vec::is_empty)>
                <p class="empty" data-testid="unchecked-none">{move || tr.t("check.all_checked")}</p>
            </Show>
            <ul class="plain">
                {move || unchecked.get().into_iter().map(|label| view! { <li data-testid="unchecked-risk">{label}</li> }).collect_view()}
            </ul>
        </section>
        {entity_section::<SpotCheck, SpotCheckForm>(Section {
            title: "check.title",
            prefix: "check",
            columns: vec![
                ("check.risk", |c, x| c.register.risks.get(&x.risk).map(Entity::label).unwrap_or_default()),
                ("check.planned", |_, x| x.planned.clone()),
                ("check.done", |_, x| x.done.clone()),
                ("check.by", |c, x| c.register.person_name(&x.by).unwrap_or_default().to_string()),
                ("check.what", |_, x| x.what.as_str().to_string()),
                ("check.findings", |_, x| x.findings.as_str().to_string()),
            ],
            order: |_, x| if x.done.is_empty() { x.planned.clone() } else { x.done.clone() },
            fields: |form, errors| {
                let session = use_app().session;
                let risks = Signal::derive(move || session.with_kind::<RiskPoint, _>(RiskPoint::choices).unwrap_or_default());
                let people = Signal::derive(move || session.with_kind::<Person, _>(Person::choices).unwrap_or_default());
                view! {
                    <SelectField form lens=lens!(risk) errors field="risk" label="check.risk" prefix="check" options=risks empty_label="form.choose" required=true/>
                    <TextField form lens=lens!(planned) errors field="planned" label="check.planned" prefix="check" input_type="date"/>
                    <TextField form lens=lens!(done) errors field="done" label="check.done" prefix="check" input_type="date"/>
                    <SelectField form lens=lens!(by) errors field="by" label="check.by" prefix="check" options=people empty_label="form.none"/>
                    <TextArea form lens=lens!(what) errors field="what" label="check.what" prefix="check" required=true/>
                    <TextArea form lens=lens!(findings) errors field="findings" label="check.findings" prefix="check"/>
                    <TextField form lens=lens!(follow_up) errors field="follow_up" label="check.follow_up" prefix="check"/>
                }
                .into_any()
            },
            scope: None,
            link: Some(RowLink {
                label: "check.raise",
                shown: |_, c| !c.done.is_empty() && !c.findings.as_str().trim().is_empty(),
                href: |rid, id| format!("/r/{rid}/warnings/new?check={id}"),
            }),
        })}
    }
}

/// 预警设置: the answer's deadline, the signals' thresholds, the disposal list, the holidays.
#[component]
fn CaseSettings() -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let form = RwSignal::new(CaseSettingsForm::default());
    let errors = RwSignal::new(Vec::<Invalid>::new());
    let notice = RwSignal::new(None::<(bool, String)>);
    let followed = follow_record(
        form,
        move || session.with_settings(CaseSettingsForm::from_target).map(|f| ((), f)),
        move || errors.set(Vec::new()),
    );
    let save = save_with(form, Some(followed), errors, notice, Command::UpdateCaseSettings);
    view! {
        <details class="card" data-testid="case-settings">
            <summary><h2 class="inline">{move || tr.t("case_settings.title")}</h2></summary>
            <form class="form" on:submit=save>
                <TextField form lens=lens!(answer_days) errors field="answer_days" label="case_settings.answer_days" prefix="settings" input_type="number"/>
                <TextField form lens=lens!(overdue_days) errors field="overdue_days" label="case_settings.overdue_days" prefix="settings" input_type="number"/>
                <TextField form lens=lens!(complaints) errors field="complaints" label="case_settings.complaints" prefix="settings" input_type="number"/>
                <TextField form lens=lens!(complaint_months) errors field="complaint_months" label="case_settings.complaint_months" prefix="settings" input_type="number"/>
                <TextArea form lens=lens!(disposals) errors field="disposals" label="case_settings.disposals" prefix="settings"/>
                <TextArea form lens=lens!(holidays) errors field="holidays" label="case_settings.holidays" prefix="settings"/>
                <TextArea form lens=lens!(worked) errors field="worked" label="case_settings.worked" prefix="settings"/>
                <div class="actions">
                    <button type="submit" class="primary" data-testid="settings-save">{move || tr.t("form.save")}</button>
                </div>
                <FormNotice notice testid="settings-notice"/>
            </form>
        </details>
    }
}

/// The cases by column.
#[component]
fn Board() -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let rid = move || session.open_id.get().unwrap_or_default();
    let cases = Memo::new(move |_| {
        let now = today();
        session
            .with(|r| {
                let calendar = r.settings.calendar();
                let mut cases: Vec<(BoardColumn, String, String, String, String, Option<i64>)> = r
                    .warnings
                    .iter()
                    .filter(|(_, w)| w.is_active())
                    .map(|(id, w)| {
                        let case = Case::of(w);
                        let name = target_name(r, w.target, &w.target_id);
                        let level = case.level.code().to_string();
                        (case.column(now), id.clone(), level, name, w.label(), case.days_left(now, &calendar))
                    })
                    .collect();
                cases.sort_by(|a, b| (a.0, &a.2, &a.1).cmp(&(b.0, &b.2, &b.1)));
                cases
            })
            .unwrap_or_default()
    });
    view! {
        <section class="card">
            <h2>{move || tr.t("warnings.board")}</h2>
            <div class="board" data-testid="warning-board">
                {BoardColumn::ALL.into_iter().map(|column| view! {
                    <div class="board-column" data-testid=format!("board-{}", column.code())>
                        <h3>
                            {move || tr.t(column.label_key())}
                            " "
                            <span class="count">{move || cases.with(|c| c.iter().filter(|x| x.0 == column).count())}</span>
                        </h3>
                        {move || cases.with(|c| c.iter().filter(|x| x.0 == column).cloned().collect::<Vec<_>>()).into_iter().map(|(_, id, level, name, label, days)| view! {
                            <A href=format!("/r/{}/warnings/{id}", rid()) attr:class="case-card" attr:data-testid="case-card">
                                <span class=format!("badge level-{level}")>{let key = warning_level_key(&level); move || tr.t(key)}</span>
                                " " <strong>{name}</strong>
                                <span class="case-problem">{label}</span>
                                {days.map(|d| view! {
                                    <span class=if d < 0 { "badge warn" } else { "badge" } data-testid="case-days">
                                        {move || if d < 0 {
                                            tr.f("case.overdue_by", &[("n", &(-d).to_string())])
                                        } else {
                                            tr.f("case.days_left", &[("n", &d.to_string())])
                                        }}
                                    </span>
                                })}
                            </A>
                        }).collect_view()}
                    </div>
                }).collect_view()}
            </div>
        </section>
    }
}

/// The locale key of a warning level's name ("1" → 一级预警).
pub fn warning_level_key(code: &str) -> &'static str {
    RiskLevel::from_code(code).unwrap_or_default().warning_key()
}

/// A signal's reason in the page's language.
fn reason(tr: Tr, signal: &WarningSignal) -> String {
    let args: Vec<(&str, &str)> = signal.reason.1.iter().map(|(k, v)| (*k, v.as_str())).collect();
    tr.f(signal.reason.0, &args)
}

/// The signals the register proposes, each raised or dismissed with one click.
#[component]
fn Signals() -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let navigate = StoredValue::new(use_navigate());
    let found = Memo::new(move |_| session.with(|r| signals(r, today())).unwrap_or_default());
    let notice = RwSignal::new(None::<(bool, String)>);
    let raise = move |signal: WarningSignal| {
        let form = WarningForm {
            level: signal.level.code().into(),
            source: signal.source.code().into(),
            source_id: signal.source_id.clone(),
            target: signal.target.code().into(),
            target_id: signal.target_id.clone(),
            problem: reason(tr, &signal),
            raised: today().to_string(),
        };
        session.send(Command::Create(AnyForm::Warning(form)), move |result| match result {
            Ok(Outcome::Created(id)) => {
                let rid = session.open_id.get_untracked().unwrap_or_default();
                navigate.with_value(|n| n(&format!("/r/{rid}/warnings/{id}"), Default::default()));
            }
            Ok(_) => {}
            Err(e) => notice.set(Some((false, tr.t(e.label_key()).to_string()))),
        });
    };
    view! {
        <section class="card">
            <h2>{move || tr.t("signals.title")}</h2>
            <p class="hint">{move || tr.t("signals.hint")}</p>
            <Show when=move || found.with(Vec::is_empty)>
                <p class="empty" data-testid="signals-empty">{move || tr.t("signals.none")}</p>
            </Show>
            <ul class="plain signals">
                {move || found.get().into_iter().map(|signal| {
                    let text = reason(tr, &signal);
                    let level = signal.level.code().to_string();
                    let key = signal.key.clone();
                    let dismissing = RwSignal::new(false);
                    let why = RwSignal::new(String::new());
                    let dismiss = move |_| {
                        let command = Command::DismissSignal { key: key.clone(), reason: why.get_untracked() };
                        session.send(command, move |result| {
                            if let Err(e) = result {
                                let message = match &e {
                                    DocError::Invalid(_) => tr.t("signals.reason_required"),
                                    other => tr.t(other.label_key()),
                                };
                                notice.set(Some((false, message.to_string())));
                            }
                        });
                    };
                    let raise_this = signal.clone();
                    view! {
                        <li data-testid="signal">
                            <span class=format!("badge level-{level}")>{let key = warning_level_key(&level); move || tr.t(key)}</span>
                            " " <span data-testid="signal-reason">{text}</span>
                            <span class="row-actions">
                                <button class="primary" data-testid="signal-raise" on:click=move |_| raise(raise_this.clone())>{move || tr.t("signals.raise")}</button>
                                <button data-testid="signal-dismiss" on:click=move |_| dismissing.set(true)>{move || tr.t("signals.dismiss")}</button>
                            </span>
                            <Show when=move || dismissing.get()>
                                <div class="inline-form">
                                    <input data-testid="signal-reason-input" placeholder=move || tr.t("signals.reason") prop:value=move || why.get() on:input=move |ev| why.set(event_target_value(&ev))/>
                                    <button data-testid="signal-dismiss-confirm" on:click=dismiss.clone()>{move || tr.t("signals.dismiss_confirm")}</button>
                                </div>
                            </Show>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <FormNotice notice testid="signals-notice"/>
        </section>
    }
}

/// The complaints taken in, newest first; the reporter shown only once the passphrase is given.
#[component]
fn Complaints() -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let rid = move || session.open_id.get().unwrap_or_default();
    let reporters = session.reporters();
    let rows = move || {
        session
            .with(|r| {
                let mut rows: Vec<(String, Complaint, String)> = r
                    .complaints
                    .iter()
                    .filter(|(_, c)| c.is_active())
                    .map(|(id, c)| {
                        let about = match (r.person_name(&c.person), r.departments.get(&c.department)) {
                            (Some(p), Some(d)) => format!("{p}（{}）", d.name),
                            (Some(p), None) => p.to_string(),
                            (None, Some(d)) => d.name.clone(),
                            (None, None) => String::new(),
                        };
                        (id.clone(), c.clone(), about)
                    })
                    .collect();
                rows.sort_by(|a, b| b.1.received.cmp(&a.1.received).then(a.0.cmp(&b.0)));
                rows
            })
            .unwrap_or_default()
    };
    view! {
        <section class="card">
            <h2>{move || tr.t("complaints.title")}</h2>
            <div class="table-wrap">
                <table class="table compact" data-testid="complaint-table">
                    <thead><tr>
                        <th>{move || tr.t("complaint.received")}</th>
                        <th>{move || tr.t("complaint.channel")}</th>
                        <th>{move || tr.t("complaint.about")}</th>
                        <th>{move || tr.t("complaint.content")}</th>
                        <th>{move || tr.t("complaint.reporter")}</th>
                        <th></th>
                    </tr></thead>
                    <tbody>
                        {move || rows().into_iter().map(|(id, c, about)| {
                            let channel = c.channel;
                            let sealed = c.reporter.is_some();
                            let shown = {
                                let id = id.clone();
                                move || reporters.with(|names| names.as_ref().and_then(|n| n.get(&id)).map(|r| format!("{} {}", r.name, r.contact)))
                            };
                            let content = c.content.as_str().to_string();
                            view! {
                                <tr data-testid="complaint-row">
                                    <td>{c.received.clone()}</td>
                                    <td>{move || tr.t(channel.label_key())}</td>
                                    <td>{about}</td>
                                    <td class="description">
                                        <A href=format!("/r/{}/complaints/{id}", rid()) attr:data-testid="complaint-link">{content}</A>
                                    </td>
                                    <td data-testid="complaint-reporter">
                                        {move || match (sealed, shown()) {
                                            (false, _) => tr.t("complaint.anonymous").to_string(),
                                            (true, Some(name)) => name,
                                            (true, None) => tr.t("complaint.sealed").to_string(),
                                        }}
                                    </td>
                                    <td class="row-actions">
                                        <A href=format!("/r/{}/warnings/new?complaint={id}", rid()) attr:data-testid="complaint-raise">{move || tr.t("complaints.raise")}</A>
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

/// The passphrase that seals reporters' names: set it once, give it to see the names.
#[component]
pub fn ReporterLockCard() -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let locks = Memo::new(move |_| session.with(Locks::of).unwrap_or_default());
    let has_lock = move || locks.with(Locks::any);
    let passphrase = RwSignal::new(String::new());
    let generated = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<(bool, String)>);
    let done = move |ok_key: &'static str| {
        move |result: Result<(), DocError>| {
            passphrase.set(String::new());
            generated.set(None);
            notice.set(Some(match result {
                Ok(()) => (true, tr.t(ok_key).to_string()),
                Err(e) => (false, tr.t(e.label_key()).to_string()),
            }))
        }
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let given = passphrase.get_untracked();
        if has_lock() {
            session.unlock(given, done("lock.unlocked"));
        } else {
            session.set_passphrase(given, done("lock.set"));
        }
    };
    let generate = move |_| match crate::seal::generate_passphrase() {
        Ok(made) => {
            passphrase.set(made.clone());
            generated.set(Some(made));
        }
        Err(e) => notice.set(Some((false, tr.t(e.label_key()).to_string()))),
    };
    let strength = move || {
        let bits = crate::seal::strength_bits(&passphrase.get()).to_string();
        tr.f("lock.strength", &[("bits", &bits), ("min", &crate::seal::MIN_BITS.to_string())])
    };
    let set_by = move |record: &Option<LockRecord>| match record {
        Some(r) => tr.f(
            "lock.set_by",
            &[
                ("who", &session.person_name(&r.by).unwrap_or_else(|| tr.t("lock.someone").into())),
                ("when", &format_time(r.at)),
            ],
        ),
        None => tr.t("lock.no_record").to_string(),
    };
    view! {
        <section class="card" data-testid="reporter-lock">
            <h2>{move || tr.t("lock.title")}</h2>
            <p class="hint">{move || tr.t(if has_lock() { "lock.hint_unlock" } else { "lock.hint_set" })}</p>
            <Show when=move || !has_lock()>
                <p class="notice warn" data-testid="lock-warning">{move || tr.t("lock.loss")}</p>
            </Show>
            <Show when=move || locks.with(|l| l.passphrases() > 1)>
                <div class="notice warn" data-testid="lock-several">
                    <p>{move || tr.f("lock.several", &[("count", &locks.with(Locks::passphrases).to_string())])}</p>
                    <ul>
                        {move || locks.with(|l| l.locks.values().map(|r| view! { <li>{set_by(r)}</li> }).collect_view())}
                    </ul>
                </div>
            </Show>
            <Show when=move || locks.with(|l| l.unrecorded() > 0 && l.passphrases() == 1)>
                <p class="notice warn" data-testid="lock-unrecorded">{move || tr.t("lock.unrecorded")}</p>
            </Show>
            <Show when=move || locks.with(|l| l.legacy_values > 0)>
                <p class="hint" data-testid="lock-legacy">{move || tr.t("lock.legacy")}</p>
            </Show>
            <Show
                when=move || !session.unlocked.get()
                fallback=move || view! {
                    <p data-testid="lock-open">{move || tr.t("lock.is_open")}
                        " " <button data-testid="lock-close" on:click=move |_| session.lock()>{move || tr.t("lock.close")}</button>
                    </p>
                }
            >
                <form class="form inline" on:submit=submit data-testid="lock-form">
                    <label class="field">
                        <span class="field-label">{move || tr.t("lock.passphrase")}</span>
                        <input type="password" autocomplete="off" data-testid="lock-passphrase" prop:value=move || passphrase.get()
                            on:input=move |ev| { generated.set(None); passphrase.set(event_target_value(&ev)) }/>
                        <Show when=move || !has_lock() && !passphrase.with(String::is_empty)>
                            <span class="hint" data-testid="lock-strength">{strength}</span>
                        </Show>
                    </label>
                    <div class="actions">
                        <Show when=move || !has_lock()>
                            <button type="button" data-testid="lock-generate" on:click=generate>{move || tr.t("lock.generate")}</button>
                        </Show>
                        <button type="submit" class="primary" data-testid="lock-submit">
                            {move || tr.t(if has_lock() { "lock.unlock" } else { "lock.set_button" })}
                        </button>
                    </div>
                    {move || generated.get().map(|made| view! {
                        <p class="notice" data-testid="lock-generated">
                            {move || tr.t("lock.generated")} " " <strong class="passphrase">{made}</strong>
                        </p>
                    })}
                </form>
            </Show>
            <FormNotice notice testid="lock-notice"/>
        </section>
    }
}
