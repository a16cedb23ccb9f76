//! 资金监管: each fund with its responsible department and its checks, and how many were
//! checked this year out of all (资金监管全覆盖).

use leptos::prelude::*;

use crate::engine::Command;
use crate::model::{Department, Entity, Fund, Person};
use crate::rules::{FundCheckForm, FundForm, Invalid, checked_in, fund_coverage, yuan};
use crate::ui::entity_section::{Section, entity_section};
use crate::ui::hooks::today;
use crate::ui::use_app;
use crate::ui::widgets::{CheckField, FormNotice, SelectField, TextArea, TextField, lens, show_refusal};

/// `/r/<id>/funds`.
#[component]
pub fn FundsPage() -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let year = today().year().to_string();
    let coverage = {
        let year = year.clone();
        move || session.with_kind::<Fund, _>(|r| fund_coverage(r, &year)).unwrap_or_default()
    };
    view! {
        <h1 class="page-title">{move || tr.t("fund.title")}</h1>
        <p class="hint">{move || tr.t("fund.rule")}</p>
        <section class="card">
            <p class="coverage" data-testid="fund-coverage">
                {move || { let (checked, all) = coverage(); tr.f("fund.coverage", &[("year", &year), ("checked", &checked.to_string()), ("all", &all.to_string())]) }}
            </p>
        </section>
        {entity_section::<Fund, FundForm>(Section {
            title: "fund.list",
            prefix: "fund",
            columns: vec![
                ("fund.name", |_, f| f.name.clone()),
                ("fund.department", |c, f| f.department.as_ref().and_then(|d| c.register.departments.get(d)).map(|d| d.name.clone()).unwrap_or_default()),
                ("fund.amount", |_, f| if f.amount == 0 { String::new() } else { yuan(f.amount) }),
                ("fund.last_check", |c, f| {
                    let last = f.checks.values().max_by(|a, b| a.date.cmp(&b.date));
                    let this_year = checked_in(f, &c.today.year().to_string());
                    match last {
                        None => crate::i18n::text(c.locale, "fund.never_checked").to_string(),
                        Some(check) => crate::i18n::format(c.locale, if this_year { "fund.checked_on" } else { "fund.not_this_year" }, &[("date", &check.date)]),
                    }
                }),
            ],
            order: |_, f| f.name.clone(),
            fields: |form, errors| {
                let session = use_app().session;
                let departments = Signal::derive(move || session.with_kind::<Department, _>(Department::choices).unwrap_or_default());
                view! {
                    <TextField form lens=lens!(name) errors field="name" label="fund.name" prefix="fund" required=true/>
                    <SelectField form lens=lens!(department) errors field="department" label="fund.department" prefix="fund" options=departments empty_label="form.none"/>
                    <TextField form lens=lens!(amount) errors field="amount" label="fund.amount" prefix="fund"/>
                    <TextArea form lens=lens!(notes) errors field="notes" label="fund.notes" prefix="fund"/>
                }
                .into_any()
            },
            scope: None,
            link: None,
        })}
        <CheckCard/>
    }
}

/// Records a check of one fund, and lists the checks of all funds, newest first.
#[component]
fn CheckCard() -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let fund = RwSignal::new(String::new());
    let form = RwSignal::new(FundCheckForm { date: today().to_string(), ..FundCheckForm::default() });
    let errors = RwSignal::new(Vec::<Invalid>::new());
    let notice = RwSignal::new(None::<(bool, String)>);
    let funds = Signal::derive(move || session.with_kind::<Fund, _>(Fund::choices).unwrap_or_default());
    let people = Signal::derive(move || session.with_kind::<Person, _>(Person::choices).unwrap_or_default());
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let chosen = fund.get_untracked();
        if chosen.is_empty() {
            notice.set(Some((false, tr.t("fund.choose_fund").to_string())));
            return;
        }
        session.send(Command::FundCheck { fund: chosen, form: form.get_untracked() }, move |result| match result {
            Ok(_) => {
                errors.set(Vec::new());
                form.set(FundCheckForm { date: today().to_string(), ..FundCheckForm::default() });
                notice.set(Some((true, tr.t("fund.check_saved").to_string())));
            }
            Err(e) => show_refusal(tr, e, errors, notice),
        });
    };
    let checks = move || {
        session
            .with_kind::<Fund, _>(|r| {
                let mut all: Vec<_> = r
                    .funds
                    .values()
                    .filter(|f| f.archived.is_none())
                    .flat_map(|f| f.checks.values().map(move |c| (f.name.clone(), c.clone())))
                    .collect();
                all.sort_by(|a, b| b.1.date.cmp(&a.1.date));
                all.into_iter()
                    .map(|(name, c)| {
                        (name, c.date, r.person_name(&c.checker).unwrap_or_default().to_string(), c.findings, c.problem)
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    view! {
        <section class="card" data-testid="fund-checks">
            <h2>{move || tr.t("fund.checks")}</h2>
            <div class="table-wrap">
                <table class="table compact">
                    <thead><tr>
                        <th>{move || tr.t("fund.name")}</th>
                        <th>{move || tr.t("fund_check.date")}</th>
                        <th>{move || tr.t("fund_check.checker")}</th>
                        <th>{move || tr.t("fund_check.findings")}</th>
                    </tr></thead>
                    <tbody>
                        {move || checks().into_iter().map(|(name, date, checker, findings, problem)| view! {
                            <tr data-testid="fund-check-row">
                                <td>{name}</td><td>{date}</td><td>{checker}</td>
                                <td>
                                    {problem.then(|| view! { <span class="badge flag">{move || tr.t("fund_check.problem")}</span> " " })}
                                    {if findings.is_empty() { tr.t("fund_check.no_problem").to_string() } else { findings }}
                                </td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <form class="form" on:submit=save data-testid="fund-check-form">
                <h3>{move || tr.t("fund.record_check")}</h3>
                <label class="field">
                    <span class="field-label">{move || tr.t("fund.name")}" *"</span>
                    <select data-testid="fund-check-fund" prop:value=move || fund.get() on:change=move |ev| fund.set(event_target_value(&ev))>
                        <option value="">{move || tr.t("form.choose")}</option>
                        {move || funds.get().into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                    </select>
                </label>
                <TextField form lens=lens!(date) errors field="date" label="fund_check.date" prefix="fund-check" input_type="date" required=true/>
                <SelectField form lens=lens!(checker) errors field="checker" label="fund_check.checker" prefix="fund-check" options=people empty_label="form.none"/>
                <CheckField form get=|f: &FundCheckForm| f.problem set=|f, v| f.problem = v field="problem" label="fund_check.problem_found" prefix="fund-check"/>
                <TextArea form lens=lens!(findings) errors field="findings" label="fund_check.findings" prefix="fund-check"/>
                <div class="actions">
                    <button type="submit" class="primary" data-testid="fund-check-save">{move || tr.t("fund.record_check")}</button>
                </div>
                <FormNotice notice testid="fund-check-notice"/>
            </form>
        </section>
    }
}
