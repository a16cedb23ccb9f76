//! 风险评级: likelihood, severity and the plans' factors give a proposal from the register's
//! matrix; the reviewer sets the final level, with a reason when it differs.

use leptos::prelude::*;

use crate::doc::DocError;
use crate::engine::{Command, Outcome};
use crate::model::{Degree, MajorPart, RiskLevel, RiskPoint};
use crate::rules::{Invalid, RatingForm, in_leading_group};
use crate::ui::time::format_time;
use crate::ui::use_app;
use crate::ui::widgets::{CheckField, FormNotice, SelectField, TextField, follow_record, lens};

/// The rating of risk point `id`.
#[component]
pub fn RatingPanel(#[prop(into)] id: Signal<Option<String>>) -> impl IntoView {
    let app = use_app();
    let (tr, session) = (app.tr, app.session);
    let form = RwSignal::new(RatingForm::default());
    let errors = RwSignal::new(Vec::<Invalid>::new());
    let notice = RwSignal::new(None::<(bool, String)>);
    let rating = move || id.get().and_then(|id| session.entity::<RiskPoint>(&id)).and_then(|p| p.rating);
    // Start from the stored rating, if any, and follow it while the member has not typed.
    let followed = follow_record(
        form,
        move || {
            let id = id.get()?;
            let point = session.entity::<RiskPoint>(&id);
            let stored = point.and_then(|p| p.rating.map(|r| RatingForm::from_rating(&r, p.level)));
            Some((id, stored.unwrap_or_default()))
        },
        move || errors.set(Vec::new()),
    );
    let proposal = move || form.with(|f| session.with(|r| f.proposal(r)).flatten());
    let degrees = Signal::derive(move || {
        Degree::ALL.iter().map(|d| (d.score().to_string(), tr.t(d.label_key()).to_string())).collect()
    });
    let parts = Signal::derive(move || {
        MajorPart::ALL.iter().map(|p| (p.code().to_string(), tr.t(p.label_key()).to_string())).collect()
    });
    // Only the leading group rates (评定); another member's rating is a proposal.
    let settles = move || session.me().is_some_and(|me| session.with(|r| in_leading_group(r, &me)).unwrap_or(false));
    let levels = Signal::derive(move || {
        RiskLevel::ALL.iter().map(|l| (l.code().to_string(), tr.t(l.label_key()).to_string())).collect()
    });
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(id) = id.get_untracked() else { return };
        let sent = form.get_untracked();
        let mut input = sent.clone();
        // An unchosen final level takes the proposal.
        if input.level.is_empty()
            && let Some(level) = proposal()
        {
            input.level = level.code().to_string();
        }
        let saved = if settles() { "rating.saved" } else { "rating.proposed" };
        session.send(Command::Rate { risk: id, base: followed.base(), form: input }, move |result| match result {
            Ok(Outcome::Rated(level)) => {
                errors.set(Vec::new());
                // The form now shows the rating as stored, with the level it set.
                followed.saved(&sent);
                notice.set(Some((true, tr.f(saved, &[("level", tr.t(level.label_key()))]))));
            }
            Ok(_) => {}
            Err(DocError::Invalid(refused)) => errors.set(refused),
            Err(other) => notice.set(Some((false, tr.t(other.label_key()).to_string()))),
        });
    };
    view! {
        <section class="card" data-testid="rating-panel">
            <h2>{move || tr.t("rating.title")}</h2>
            <form class="form" on:submit=save data-testid="rating-form">
                <SelectField form lens=lens!(likelihood) errors field="likelihood" label="rating.likelihood" prefix="rating" options=degrees empty_label="form.choose" required=true/>
                <SelectField form lens=lens!(severity) errors field="severity" label="rating.severity" prefix="rating" options=degrees empty_label="form.choose" required=true/>
                <SelectField form lens=lens!(discipline) errors field="discipline" label="rating.discipline" prefix="rating" options=degrees empty_label="rating.not_judged"/>
                <SelectField form lens=lens!(urgency) errors field="urgency" label="rating.urgency" prefix="rating" options=degrees empty_label="rating.not_judged"/>
                <SelectField form lens=lens!(major) errors field="major" label="rating.major" prefix="rating" options=parts empty_label="rating.major.none"/>
                <CheckField form get=|f| f.discretion set=|f, v| f.discretion = v field="discretion" label="rating.discretion" prefix="rating"/>
                <CheckField form get=|f| f.past_misconduct set=|f, v| f.past_misconduct = v field="past_misconduct" label="rating.past_misconduct" prefix="rating"/>
                <p class="wide proposal" data-testid="rating-proposal" data-level=move || proposal().map(|l| l.code()).unwrap_or("")>
                    {move || match proposal() {
                        Some(level) => tr.f("rating.proposal", &[("level", tr.t(level.label_key()))]),
                        None => tr.t("rating.answer_first").to_string(),
                    }}
                </p>
                <SelectField form lens=lens!(level) errors field="level" label="rating.final_level" prefix="rating" options=levels empty_label="rating.take_proposal"/>
                <TextField form lens=lens!(reason) errors field="reason" label="rating.reason" prefix="rating"/>
                <div class="actions">
                    <button type="submit" class="primary" data-testid="rating-save">
                        {move || tr.t(if settles() { "rating.save" } else { "rating.propose" })}
                    </button>
                </div>
                <FormNotice notice testid="rating-notice"/>
            </form>
            {move || rating().map(|r| {
                let who = session.person_name(&r.by).unwrap_or_default();
                let key = if r.settled { "rating.record" } else { "rating.record_proposed" };
                view! {
                    <p class="hint" data-testid="rating-record" data-settled=r.settled.to_string()>
                        {move || tr.f(key, &[("who", &who), ("time", &format_time(r.at))])}
                    </p>
                }
            })}
        </section>
    }
}
