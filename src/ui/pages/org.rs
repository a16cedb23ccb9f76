//! 组织: the unit, its leading group, departments, posts, people and the list of risk kinds.

use leptos::prelude::*;

use crate::engine::Command;
use crate::i18n::text;
use crate::model::{Department, Entity, Person, Post, Register, RiskKind};
use crate::rules::{DepartmentForm, Form, LeadingGroupForm, PersonForm, PostForm, RiskKindForm, UnitForm};
use crate::ui::entity_section::{Section, entity_section};
use crate::ui::use_app;
use crate::ui::widgets::{
    CheckField, CheckList, FormNotice, SelectField, TextArea, TextField, follow_record, lens, save_with,
};

fn name_of(r: &Register, id: &Option<String>) -> String {
    id.as_deref().and_then(|id| r.person_name(id)).unwrap_or_default().to_string()
}

fn names_of<'a>(r: &Register, ids: impl Iterator<Item = &'a String>) -> String {
    ids.filter_map(|id| r.person_name(id)).collect::<Vec<_>>().join("、")
}

/// Active people as (id, name) choices.
fn people_options() -> Signal<Vec<(String, String)>> {
    let session = use_app().session;
    Signal::derive(move || session.with_kind::<Person, _>(Person::choices).unwrap_or_default())
}

/// `/r/<id>/org`.
#[component]
pub fn OrgPage() -> impl IntoView {
    let tr = use_app().tr;
    view! {
        <h1 class="page-title">{move || tr.t("org.title")}</h1>
        <UnitSection/>
        <LeadingGroupSection/>
        <crate::ui::staff_import::StaffImport/>
        {entity_section::<Person, PersonForm>(Section {
            title: "org.people",
            prefix: "person",
            columns: vec![
                ("person.name", |_, p| p.name.clone()),
                ("person.title", |_, p| p.title.clone()),
                ("person.party_member", |_, p| if p.party_member { "✓".into() } else { String::new() }),
                ("person.cadre", |_, p| if p.cadre { "✓".into() } else { String::new() }),
            ],
            order: |_, p| p.name.clone(),
            fields: |form, errors| {
                view! {
                    <TextField form lens=lens!(name) errors field="name" label="person.name" prefix="person" required=true/>
                    <TextField form lens=lens!(title) errors field="title" label="person.title" prefix="person"/>
                    <CheckField form get=|f| f.party_member set=|f, v| f.party_member = v field="party_member" label="person.party_member" prefix="person"/>
                    <CheckField form get=|f| f.cadre set=|f, v| f.cadre = v field="cadre" label="person.cadre" prefix="person"/>
                }
                    .into_any()
            },
            scope: None,
            link: None,
        })}
        {entity_section::<Department, DepartmentForm>(Section {
            title: "org.departments",
            prefix: "department",
            columns: vec![
                ("department.name", |_, d| d.name.clone()),
                ("department.head", |c, d| name_of(c.register, &d.head)),
                ("department.leader_in_charge", |c, d| name_of(c.register, &d.leader_in_charge)),
                ("department.kind", |c, d| {
                    text(c.locale, if d.subordinate { "department.subordinate" } else { "department.internal" }).to_string()
                }),
            ],
            order: |_, d| d.name.clone(),
            fields: |form, errors| {
                let people = people_options();
                view! {
                    <TextField form lens=lens!(name) errors field="name" label="department.name" prefix="department" required=true/>
                    <SelectField form lens=lens!(head) errors field="head" label="department.head" prefix="department" options=people empty_label="form.none"/>
                    <SelectField form lens=lens!(leader_in_charge) errors field="leader_in_charge" label="department.leader_in_charge" prefix="department" options=people empty_label="form.none"/>
                    <CheckField form get=|f| f.subordinate set=|f, v| f.subordinate = v field="subordinate" label="department.subordinate" prefix="department"/>
                }
                    .into_any()
            },
            scope: None,
            link: None,
        })}
        {entity_section::<Post, PostForm>(Section {
            title: "org.posts",
            prefix: "post",
            columns: vec![
                ("post.name", |_, p| p.name.clone()),
                ("post.department", |c, p| c.register.departments.get(&p.department).map(|d| d.name.clone()).unwrap_or_default()),
                ("post.rank", |_, p| p.rank.clone()),
                ("post.holders", |c, p| names_of(c.register, p.holders.keys())),
                ("post.key", |c, p| if p.key { text(c.locale, "post.key_mark").to_string() } else { String::new() }),
            ],
            order: |_, p| p.name.clone(),
            fields: |form, errors| {
                let session = use_app().session;
                let departments = Signal::derive(move || session.with_kind::<Department, _>(Department::choices).unwrap_or_default());
                view! {
                    <TextField form lens=lens!(name) errors field="name" label="post.name" prefix="post" required=true/>
                    <SelectField form lens=lens!(department) errors field="department" label="post.department" prefix="post" options=departments empty_label="form.choose" required=true/>
                    <TextField form lens=lens!(rank) errors field="rank" label="post.rank" prefix="post"/>
                    <CheckField form get=|f| f.key set=|f, v| f.key = v field="key" label="post.key" prefix="post"/>
                    <TextArea form lens=lens!(duties) errors field="duties" label="post.duties" prefix="post"/>
                    <CheckList form get=|f| f.holders.clone() set=|f, v| f.holders = v errors field="holders" label="post.holders" prefix="post" options=people_options()/>
                }
                    .into_any()
            },
            scope: None,
            link: None,
        })}
        {entity_section::<RiskKind, RiskKindForm>(Section {
            title: "org.risk_kinds",
            prefix: "kind",
            columns: vec![("kind.name", |_, k| k.name.clone())],
            order: |_, k| k.name.clone(),
            fields: |form, errors| {
                view! { <TextField form lens=lens!(name) errors field="name" label="kind.name" prefix="kind" required=true/> }.into_any()
            },
            scope: None,
            link: None,
        })}
    }
}

/// 单位信息.
#[component]
fn UnitSection() -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let form = RwSignal::new(session.with_unit(UnitForm::from_target).unwrap_or_default());
    let errors = RwSignal::new(Vec::new());
    let notice = RwSignal::new(None);
    let followed = follow_record(form, move || session.with_unit(UnitForm::from_target).map(|f| ((), f)), || {});
    let save = save_with(form, Some(followed), errors, notice, Command::UpdateUnit);
    view! {
        <section class="card" data-testid="unit-section">
            <h2>{move || tr.t("org.unit")}</h2>
            <form class="form" on:submit=save data-testid="unit-form">
                <TextField form lens=lens!(name) errors field="name" label="unit.name" prefix="unit" required=true/>
                <TextField form lens=lens!(superior) errors field="superior" label="unit.superior" prefix="unit"/>
                <TextField form lens=lens!(hotline) errors field="hotline" label="unit.hotline" prefix="unit"/>
                <TextField form lens=lens!(address) errors field="address" label="unit.address" prefix="unit"/>
                <div class="actions">
                    <button type="submit" class="primary" data-testid="unit-save">{move || tr.t("form.save")}</button>
                </div>
                <FormNotice notice testid="unit-notice"/>
            </form>
        </section>
    }
}

/// 领导小组.
#[component]
fn LeadingGroupSection() -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let form = RwSignal::new(session.with(|r| LeadingGroupForm::from_target(&r.leading_group)).unwrap_or_default());
    let errors = RwSignal::new(Vec::new());
    let notice = RwSignal::new(None);
    let followed = follow_record(
        form,
        move || session.with(|r| LeadingGroupForm::from_target(&r.leading_group)).map(|f| ((), f)),
        || {},
    );
    let save = save_with(form, Some(followed), errors, notice, Command::UpdateLeadingGroup);
    let people = people_options();
    view! {
        <section class="card" data-testid="group-section">
            <h2>{move || tr.t("org.leading_group")}</h2>
            <form class="form" on:submit=save data-testid="group-form">
                <SelectField form lens=lens!(leader) errors field="leader" label="group.leader" prefix="group" options=people empty_label="form.none"/>
                <CheckList form get=|f| f.deputies.clone() set=|f, v| f.deputies = v errors field="deputies" label="group.deputies" prefix="group" options=people/>
                <CheckList form get=|f| f.members.clone() set=|f, v| f.members = v errors field="members" label="group.members" prefix="group" options=people/>
                <div class="actions">
                    <button type="submit" class="primary" data-testid="group-save">{move || tr.t("form.save")}</button>
                </div>
                <FormNotice notice testid="group-notice"/>
            </form>
        </section>
    }
}
