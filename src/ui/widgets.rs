//! Form fields that show their refusal beside them, and small shared pieces.

use std::collections::BTreeMap;

use leptos::prelude::*;
use serde::Serialize;
use serde_json::Value;

use super::use_app;
use crate::engine::{Command, EntityForm};
use crate::rules::{Edit, Invalid, Reason, changed_fields};

/// Reads and writes one text field of a form value held in a signal.
pub struct Lens<F> {
    /// The field's current text.
    pub get: fn(&F) -> String,
    /// Sets the field.
    pub set: fn(&mut F, String),
}

impl<F> Clone for Lens<F> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<F> Copy for Lens<F> {}

/// A [`Lens`] on the `String` field `$field`.
macro_rules! lens {
    ($field:ident) => {
        $crate::ui::widgets::Lens { get: |f| f.$field.clone(), set: |f, v| f.$field = v }
    };
}
pub(crate) use lens;

/// The choices of a coded enum for a drop-down: (code, name in the current language).
pub fn options<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    key: fn(T) -> &'static str,
    tr: super::tr::Tr,
) -> Vec<(String, String)> {
    all.iter().map(|v| (code(*v).to_string(), tr.t(key(*v)).to_string())).collect()
}

/// A form that follows the record it edits, remembering the values it was opened from: a save
/// sends them as its base, so only what the member changed is written, and the fields others
/// changed since are shown beside the form's fields.
pub struct Followed<F: Send + Sync + 'static> {
    form: RwSignal<F>,
    /// The stored record's form as this form was opened from it (or last saved it).
    base: RwSignal<Option<F>>,
    /// The stored record's form as it reads now.
    latest: RwSignal<Option<F>>,
}

impl<F: Send + Sync + 'static> Clone for Followed<F> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<F: Send + Sync + 'static> Copy for Followed<F> {}

impl<F: Clone + PartialEq + Send + Sync + 'static> Followed<F> {
    /// The values the form was opened from, to send with a save.
    pub fn base(&self) -> Option<F> {
        self.base.get_untracked()
    }

    /// After a save of the form as it read at `sent` succeeded: the form starts again from the
    /// record as saved (with anything merged into it), unless the member typed on meanwhile.
    pub fn saved(&self, sent: &F) {
        let latest = self.latest.get_untracked();
        if let Some(latest) = &latest
            && self.form.with_untracked(|now| now == sent)
        {
            self.form.set(latest.clone());
        }
        self.base.set(latest);
    }
}

/// The fields of a form that others changed in the stored record since the form was opened
/// (serde keys, with the stored value), for the field widgets of that form to show.
struct OthersChanged<F: Send + Sync + 'static> {
    form: RwSignal<F>,
    fields: Memo<BTreeMap<String, Value>>,
}

impl<F: Send + Sync + 'static> Clone for OthersChanged<F> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<F: Send + Sync + 'static> Copy for OthersChanged<F> {}

/// Keeps `form` in step with the record it edits. `source` gives the record's key and the form
/// as the stored record reads. When the record changes underneath (a merge, a restore, a chosen
/// conflict value), the form follows, unless the person has typed into it since, so unsaved
/// typing is never thrown away; the values it was opened from then stay its base, and the
/// fields others changed are shown beside the form's fields. `on_switch` runs when the form
/// moves to another record.
pub fn follow_record<K, F>(
    form: RwSignal<F>,
    source: impl Fn() -> Option<(K, F)> + 'static,
    on_switch: impl Fn() + 'static,
) -> Followed<F>
where
    K: PartialEq + 'static,
    F: Clone + PartialEq + Serialize + Send + Sync + 'static,
{
    let key = StoredValue::new_local(None::<K>);
    let base = RwSignal::new(None::<F>);
    let latest = RwSignal::new(None::<F>);
    Effect::new(move || {
        let Some((now, stored)) = source() else { return };
        let same_record = key.with_value(|k| k.as_ref() == Some(&now));
        let typed = same_record && base.with_untracked(|b| form.with_untracked(|f| b.as_ref() != Some(f)));
        if !typed {
            form.set(stored.clone());
            base.set(Some(stored.clone()));
        }
        if !same_record {
            key.set_value(Some(now));
            on_switch();
        }
        latest.set(Some(stored));
    });
    // A field is flagged when the stored value moved away from the base and the form does not
    // already hold it (after the member's own save, before the base catches up, say).
    let fields = Memo::new(move |_| {
        base.with(|b| {
            latest.with(|l| match (b, l) {
                (Some(b), Some(l)) if b != l => {
                    let mine = form.with(|f| serde_json::to_value(f).ok());
                    changed_fields(b, l)
                        .into_iter()
                        .filter(|(k, v)| mine.as_ref().and_then(|m| m.get(k)) != Some(v))
                        .collect()
                }
                _ => BTreeMap::new(),
            })
        })
    });
    provide_context(OthersChanged { form, fields });
    Followed { form, base, latest }
}

/// The stored value of `field` when others changed it since `form` was opened.
fn others_value<F: Send + Sync + 'static>(form: RwSignal<F>, field: &'static str) -> impl Fn() -> Option<Value> + Copy {
    let others = use_context::<OthersChanged<F>>().filter(|o| o.form == form);
    move || others.and_then(|o| o.fields.with(|f| f.get(field).cloned()))
}

/// 他人已修改：<value> beside a field, while others' change is not in the form.
#[component]
fn OthersNote(#[prop(into)] value: Signal<Option<String>>, testid: String) -> impl IntoView {
    let tr = use_app().tr;
    view! {
        <Show when=move || value.with(Option::is_some)>
            <p class="field-others" role="note" data-testid=format!("{testid}-others")>
                {move || {
                    let value = value.get().unwrap_or_default();
                    let value = if value.is_empty() { tr.t("form.others_empty").to_string() } else { value };
                    tr.f("form.others_changed", &[("value", &value)])
                }}
            </p>
        </Show>
    }
}

/// A stored value as words: a text as it is, a choice or a list by the names `options` give.
fn value_words(value: &Value, options: Option<&[(String, String)]>, tr: super::tr::Tr) -> String {
    let name = |id: &str| {
        options.and_then(|o| o.iter().find(|(v, _)| v == id).map(|(_, t)| t.clone())).unwrap_or_else(|| id.to_string())
    };
    match value {
        Value::String(s) if s.is_empty() => String::new(),
        Value::String(s) => name(s),
        Value::Bool(b) => tr.t(if *b { "conflict.yes" } else { "conflict.no" }).to_string(),
        Value::Array(items) => items.iter().map(|v| value_words(v, options, tr)).collect::<Vec<_>>().join("、"),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Shows why a form's command was refused: each refused field beside it and a line asking to
/// fix them, or what else went wrong.
pub fn show_refusal(
    tr: super::tr::Tr,
    error: crate::doc::DocError,
    errors: RwSignal<Vec<Invalid>>,
    notice: RwSignal<Option<(bool, String)>>,
) {
    match error {
        crate::doc::DocError::Invalid(refused) => {
            errors.set(refused);
            notice.set(Some((false, tr.t("form.fix_fields").to_string())));
        }
        other => notice.set(Some((false, tr.t(other.label_key()).to_string()))),
    }
}

/// Saves an entity's form: an edit of `id` with the values `followed` was opened from as its
/// base, or a new record when `id` is `None`. Shows 已保存 or the refusal beside the fields; on
/// success the form starts again from the saved record, and `saved` gets the new record's id
/// (`None` after an edit).
#[allow(clippy::too_many_arguments)]
pub fn save_entity<F: EntityForm + Clone + PartialEq + Send + Sync + 'static>(
    tr: super::tr::Tr,
    session: super::hooks::Session,
    id: Option<crate::model::Id>,
    followed: Followed<F>,
    form: F,
    errors: RwSignal<Vec<Invalid>>,
    notice: RwSignal<Option<(bool, String)>>,
    saved: impl FnOnce(Option<crate::model::Id>) + 'static,
) {
    let sent = followed.form.get_untracked();
    let command = match id {
        Some(id) => {
            Command::Update { id, base: followed.base().map(|b| Box::new(b.into_any())), form: form.into_any() }
        }
        None => Command::Create(form.into_any()),
    };
    session.send(command, move |result| match result {
        Ok(outcome) => {
            errors.set(Vec::new());
            notice.set(Some((true, tr.t("form.saved").to_string())));
            match outcome {
                crate::engine::Outcome::Created(id) => saved(Some(id)),
                _ => {
                    followed.saved(&sent);
                    saved(None)
                }
            }
        }
        Err(e) => show_refusal(tr, e, errors, notice),
    });
}

/// The submit handler of a form that is not an entity (the unit, the leading group, settings):
/// writes it with `command`, with the values `followed` was opened from as its base (none for
/// a form that makes a new record), and shows 已保存 or the refusal.
pub fn save_with<F: Clone + PartialEq + Send + Sync + 'static>(
    form: RwSignal<F>,
    followed: Option<Followed<F>>,
    errors: RwSignal<Vec<Invalid>>,
    notice: RwSignal<Option<(bool, String)>>,
    command: fn(Edit<F>) -> Command,
) -> impl Fn(leptos::ev::SubmitEvent) + Copy {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    move |ev| {
        ev.prevent_default();
        let sent = form.get_untracked();
        let edit = Edit { base: followed.and_then(|f| f.base()), form: sent.clone() };
        session.send(command(edit), move |result| match result {
            Ok(_) => {
                errors.set(Vec::new());
                notice.set(Some((true, tr.t("form.saved").to_string())));
                if let Some(followed) = followed {
                    followed.saved(&sent);
                }
            }
            Err(e) => show_refusal(tr, e, errors, notice),
        });
    }
}

/// The message for a refused field, in the current language.
pub fn reason_text(reason: &Reason) -> String {
    reason_words(use_app().tr, reason)
}

/// Why a field was refused, in `tr`'s language (outside a component, where there is no app).
pub fn reason_words(tr: super::tr::Tr, reason: &Reason) -> String {
    match reason {
        Reason::TooLong { max } => tr.f(reason.label_key(), &[("max", &max.to_string())]),
        Reason::TooShort { days } | Reason::TooLate { days } => {
            tr.f(reason.label_key(), &[("days", &days.to_string())])
        }
        Reason::Range { min, max } => tr.f(reason.label_key(), &[("min", &min.to_string()), ("max", &max.to_string())]),
        other => tr.t(other.label_key()).to_string(),
    }
}

/// The refusal of `field` beside it, if any.
#[component]
pub fn FieldError(errors: RwSignal<Vec<Invalid>>, field: &'static str, testid: String) -> impl IntoView {
    let message = move || errors.with(|e| e.iter().find(|i| i.field == field).map(|i| reason_text(&i.reason)));
    view! {
        <Show when=move || message().is_some()>
            <p class="field-error" role="alert" data-testid=format!("{testid}-error")>{message}</p>
        </Show>
    }
}

fn has_error(errors: RwSignal<Vec<Invalid>>, field: &'static str) -> bool {
    errors.with(|e| e.iter().any(|i| i.field == field))
}

/// A labelled one-line text input bound to a form field.
#[component]
pub fn TextField<F: Send + Sync + 'static>(
    form: RwSignal<F>,
    lens: Lens<F>,
    errors: RwSignal<Vec<Invalid>>,
    field: &'static str,
    label: &'static str,
    prefix: &'static str,
    #[prop(optional)] required: bool,
    #[prop(optional)] input_type: Option<&'static str>,
) -> impl IntoView {
    let tr = use_app().tr;
    let testid = format!("{prefix}-{field}");
    let others = others_value(form, field);
    view! {
        <label class="field" class:invalid=move || has_error(errors, field)>
            <span class="field-label">{move || tr.t(label)}{required.then_some(" *")}</span>
            <input
                type=input_type.unwrap_or("text")
                data-testid=testid.clone()
                prop:value=move || form.with(lens.get)
                on:input=move |ev| form.update(|f| (lens.set)(f, event_target_value(&ev)))
            />
            <OthersNote value=Signal::derive(move || others().map(|v| value_words(&v, None, tr))) testid=testid.clone()/>
            <FieldError errors field testid/>
        </label>
    }
}

/// A labelled multi-line text area bound to a form field.
#[component]
pub fn TextArea<F: Send + Sync + 'static>(
    form: RwSignal<F>,
    lens: Lens<F>,
    errors: RwSignal<Vec<Invalid>>,
    field: &'static str,
    label: &'static str,
    prefix: &'static str,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    let tr = use_app().tr;
    let testid = format!("{prefix}-{field}");
    let others = others_value(form, field);
    view! {
        <label class="field wide" class:invalid=move || has_error(errors, field)>
            <span class="field-label">{move || tr.t(label)}{required.then_some(" *")}</span>
            <textarea
                rows="3"
                data-testid=testid.clone()
                prop:value=move || form.with(lens.get)
                on:input=move |ev| form.update(|f| (lens.set)(f, event_target_value(&ev)))
            ></textarea>
            <OthersNote value=Signal::derive(move || others().map(|v| value_words(&v, None, tr))) testid=testid.clone()/>
            <FieldError errors field testid/>
        </label>
    }
}

/// A labelled drop-down bound to a form field. `options` are (value, label) pairs; an empty
/// first choice is offered with `empty_label` when given.
#[component]
pub fn SelectField<F: Send + Sync + 'static>(
    form: RwSignal<F>,
    lens: Lens<F>,
    errors: RwSignal<Vec<Invalid>>,
    field: &'static str,
    label: &'static str,
    prefix: &'static str,
    #[prop(into)] options: Signal<Vec<(String, String)>>,
    #[prop(optional)] empty_label: Option<&'static str>,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    let tr = use_app().tr;
    let testid = format!("{prefix}-{field}");
    let others = others_value(form, field);
    view! {
        <label class="field" class:invalid=move || has_error(errors, field)>
            <span class="field-label">{move || tr.t(label)}{required.then_some(" *")}</span>
            <select
                data-testid=testid.clone()
                prop:value=move || form.with(lens.get)
                on:change=move |ev| form.update(|f| (lens.set)(f, event_target_value(&ev)))
            >
                {empty_label.map(|key| view! { <option value="">{move || tr.t(key)}</option> })}
                <For
                    each=move || options.get()
                    key=|option| option.clone()
                    children=move |(value, text)| {
                        let selected = value.clone();
                        view! {
                            <option value=value selected=move || form.with(lens.get) == selected>{text}</option>
                        }
                    }
                />
            </select>
            <OthersNote value=Signal::derive(move || others().map(|v| options.with(|o| value_words(&v, Some(o), tr)))) testid=testid.clone()/>
            <FieldError errors field testid/>
        </label>
    }
}

/// A labelled set of checkboxes choosing several ids (holders, group members).
#[component]
pub fn CheckList<F: Send + Sync + 'static>(
    form: RwSignal<F>,
    get: fn(&F) -> Vec<String>,
    set: fn(&mut F, Vec<String>),
    errors: RwSignal<Vec<Invalid>>,
    field: &'static str,
    label: &'static str,
    prefix: &'static str,
    #[prop(into)] options: Signal<Vec<(String, String)>>,
) -> impl IntoView {
    let tr = use_app().tr;
    let testid = format!("{prefix}-{field}");
    let others = others_value(form, field);
    let fieldset_testid = testid.clone();
    let toggle = move |id: String, on: bool| {
        form.update(|f| {
            let mut ids = get(f);
            ids.retain(|x| *x != id);
            if on {
                ids.push(id);
            }
            set(f, ids);
        })
    };
    view! {
        <fieldset class="field wide checklist" data-testid=fieldset_testid class:invalid=move || has_error(errors, field)>
            <legend class="field-label">{move || tr.t(label)}</legend>
            <For
                each=move || options.get()
                key=|option| option.clone()
                children=move |(value, text)| {
                    let id = value.clone();
                    let checked = move || form.with(|f| get(f).contains(&id));
                    let id = value.clone();
                    view! {
                        <label class="check">
                            <input
                                type="checkbox"
                                data-testid=format!("{prefix}-{field}-{value}")
                                prop:checked=checked
                                on:change=move |ev| toggle(id.clone(), event_target_checked(&ev))
                            />
                            {text}
                        </label>
                    }
                }
            />
            <OthersNote value=Signal::derive(move || others().map(|v| options.with(|o| value_words(&v, Some(o), tr)))) testid=testid.clone()/>
            <FieldError errors field testid/>
        </fieldset>
    }
}

/// A yes/no field.
#[component]
pub fn CheckField<F: Send + Sync + 'static>(
    form: RwSignal<F>,
    get: fn(&F) -> bool,
    set: fn(&mut F, bool),
    field: &'static str,
    label: &'static str,
    prefix: &'static str,
) -> impl IntoView {
    let tr = use_app().tr;
    let testid = format!("{prefix}-{field}");
    let others = others_value(form, field);
    view! {
        <label class="field check">
            <input
                type="checkbox"
                data-testid=testid.clone()
                prop:checked=move || form.with(get)
                on:change=move |ev| form.update(|f| set(f, event_target_checked(&ev)))
            />
            {move || tr.t(label)}
            <OthersNote value=Signal::derive(move || others().map(|v| value_words(&v, None, tr))) testid=testid/>
        </label>
    }
}

/// A notice that a form was saved or refused as a whole.
#[component]
pub fn FormNotice(notice: RwSignal<Option<(bool, String)>>, #[prop(into)] testid: String) -> impl IntoView {
    view! {
        {move || {
            notice
                .get()
                .map(|(ok, text)| {
                    view! {
                        <p class=if ok { "notice ok" } else { "notice error" } role="status" data-testid=testid.clone()>
                            {text}
                        </p>
                    }
                })
        }}
    }
}

/// 归档 or 恢复 for a stored record: records are never deleted, only archived.
#[component]
pub fn ArchiveButton(
    kind: crate::model::EntityKind,
    #[prop(into)] id: Signal<Option<crate::model::Id>>,
    #[prop(into)] archived: Signal<bool>,
    notice: RwSignal<Option<(bool, String)>>,
    prefix: &'static str,
) -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let set = move |archive: bool| {
        let Some(id) = id.get_untracked() else { return };
        session.send(crate::engine::Command::SetArchived { kind, id, archived: archive }, move |result| {
            notice.set(Some(match result {
                Ok(_) => (true, tr.t(if archive { "form.archived" } else { "form.restored" }).to_string()),
                Err(e) => (false, tr.t(e.label_key()).to_string()),
            }))
        });
    };
    view! {
        <Show when=move || id.get().is_some()>
            {move || if archived.get() {
                view! { <button type="button" data-testid=format!("{prefix}-restore") on:click=move |_| set(false)>{move || tr.t("form.restore")}</button> }.into_any()
            } else {
                view! { <button type="button" data-testid=format!("{prefix}-archive") on:click=move |_| set(true)>{move || tr.t("form.archive")}</button> }.into_any()
            }}
        </Show>
    }
}

/// An ordered list of ids chosen from `options` (who spoke, in order): each can be moved up,
/// down or taken out with its buttons, and the next is added from a drop-down. Keyboard only
/// works throughout, since every control is a button or a select.
#[component]
pub fn OrderField<F: Send + Sync + 'static>(
    form: RwSignal<F>,
    get: fn(&F) -> Vec<String>,
    set: fn(&mut F, Vec<String>),
    errors: RwSignal<Vec<Invalid>>,
    field: &'static str,
    label: &'static str,
    prefix: &'static str,
    #[prop(into)] options: Signal<Vec<(String, String)>>,
) -> impl IntoView {
    let tr = use_app().tr;
    let testid = format!("{prefix}-{field}");
    let others = others_value(form, field);
    let chosen = RwSignal::new(String::new());
    let name = move |id: &str| options.with(|o| o.iter().find(|(v, _)| v == id).map(|(_, t)| t.clone()));
    let change = move |f: &dyn Fn(&mut Vec<String>)| {
        form.update(|form| {
            let mut ids = get(form);
            f(&mut ids);
            set(form, ids);
        })
    };
    let add = move |_| {
        let id = chosen.get_untracked();
        if !id.is_empty() {
            change(&|ids| {
                if !ids.contains(&id) {
                    ids.push(id.clone())
                }
            });
            chosen.set(String::new());
        }
    };
    let remaining = move || {
        let taken = form.with(get);
        options.get().into_iter().filter(|(v, _)| !taken.contains(v)).collect::<Vec<_>>()
    };
    let list_testid = testid.clone();
    let select_testid = format!("{testid}-add");
    view! {
        <fieldset class="field wide order-field" class:invalid=move || has_error(errors, field)>
            <legend class="field-label">{move || tr.t(label)}</legend>
            <ol data-testid=list_testid>
                {move || {
                    let ids = form.with(get);
                    let last = ids.len().saturating_sub(1);
                    ids.into_iter().enumerate().map(|(i, id)| {
                        let text = name(&id).unwrap_or_else(|| id.clone());
                        let (up, down, out) = (id.clone(), id.clone(), id.clone());
                        let swap = move |ids: &mut Vec<String>, id: &str, by: isize| {
                            if let Some(at) = ids.iter().position(|x| x == id) {
                                let to = at as isize + by;
                                if (0..ids.len() as isize).contains(&to) {
                                    ids.swap(at, to as usize);
                                }
                            }
                        };
                        view! {
                            <li data-testid=format!("{prefix}-{field}-item") data-id=id.clone()>
                                <span>{text}</span>
                                <button type="button" class="link" disabled=i == 0 aria-label=move || tr.t("order.up")
                                    on:click=move |_| change(&|ids| swap(ids, &up, -1))>"↑"</button>
                                <button type="button" class="link" disabled=i == last aria-label=move || tr.t("order.down")
                                    on:click=move |_| change(&|ids| swap(ids, &down, 1))>"↓"</button>
                                <button type="button" class="link" aria-label=move || tr.t("order.remove")
                                    on:click=move |_| change(&|ids| ids.retain(|x| *x != out))>"✕"</button>
                            </li>
                        }
                    }).collect_view()
                }}
            </ol>
            <div class="inline-add">
                <select data-testid=select_testid aria-label=move || tr.t(label)
                    prop:value=move || chosen.get() on:change=move |ev| chosen.set(event_target_value(&ev))>
                    <option value="">{move || tr.t("order.choose")}</option>
                    {move || remaining().into_iter().map(|(value, text)| view! { <option value=value>{text}</option> }).collect_view()}
                </select>
                <button type="button" data-testid=format!("{testid}-add-button") on:click=add>{move || tr.t("order.add")}</button>
            </div>
            <OthersNote value=Signal::derive(move || others().map(|v| options.with(|o| value_words(&v, Some(o), tr)))) testid=testid.clone()/>
            <FieldError errors field testid/>
        </fieldset>
    }
}
