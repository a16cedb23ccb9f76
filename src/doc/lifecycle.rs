//! The risk-point lifecycle as document operations: review steps, rating, the level matrix,
//! publicity rounds and the opinions gathered in them.

use automerge::ROOT;
use autosurgeon::reconcile_prop;

use super::change_note::{Action, Stamp};
use super::keep_conflicts::KeepConflicts;
use super::register_doc::{DocError, RegisterDoc};
use crate::model::{
    Approval, Archived, Date, Degree, Id, Publicity, ReviewAction, ReviewEntry, ReviewStage, RiskLevel, RiskPoint,
    Settings, new_id,
};
use crate::rules::{OpinionForm, RatingForm, check_step, in_leading_group, may_close, measures_of, substance};

impl RegisterDoc {
    /// Takes review step `action` on risk point `id` as `stamp.author`, with `note`; records it
    /// in the point's trail. Returns the stage the point is in afterwards.
    pub fn review_step(
        &mut self,
        stamp: &Stamp,
        id: &str,
        action: ReviewAction,
        note: &str,
    ) -> Result<ReviewStage, DocError> {
        let mut risk = self.fresh_entity::<RiskPoint>(id)?;
        let next = check_step(self.register(), id, &risk, &stamp.author, action, note)?;
        let entry = ReviewEntry {
            seq: risk.trail.len() as u64,
            stage: risk.review,
            action,
            by: stamp.author.clone(),
            at: stamp.at,
            note: note.trim().to_string(),
        };
        risk.trail.insert(new_id(), entry);
        risk.review = next;
        if action == ReviewAction::Approve {
            let version = substance(&risk, &measures_of(self.register(), id));
            risk.approved = Some(Approval { version, by: stamp.author.clone(), at: stamp.at });
        }
        self.write_entity(stamp, Action::Review, id, &risk)?;
        Ok(next)
    }

    /// Rates risk point `id`: the judgement, the proposal it gave, and the final level.
    pub fn rate(&mut self, stamp: &Stamp, id: &str, form: &RatingForm) -> Result<RiskLevel, DocError> {
        self.rate_from(stamp, id, None, form)
    }

    /// Rates risk point `id` with a rating form opened from `base`: the answers the member did
    /// not change keep what another member rated since.
    pub fn rate_from(
        &mut self,
        stamp: &Stamp,
        id: &str,
        base: Option<&RatingForm>,
        form: &RatingForm,
    ) -> Result<RiskLevel, DocError> {
        let mut risk = self.fresh_entity::<RiskPoint>(id)?;
        let current = || risk.rating.as_ref().map(|r| RatingForm::from_rating(r, risk.level)).unwrap_or_default();
        let form = crate::rules::resolve(base, current, form, |_| false);
        let (mut rating, level) = form.check(self.register()).map_err(DocError::Invalid)?;
        rating.by = stamp.author.clone();
        rating.at = stamp.at;
        rating.settled = in_leading_group(self.register(), &stamp.author);
        risk.rating = Some(rating);
        risk.level = level;
        self.write_entity(stamp, Action::Rate, id, &risk)?;
        Ok(level)
    }

    /// Sets one cell of the level matrix.
    pub fn set_matrix_cell(
        &mut self,
        stamp: &Stamp,
        likelihood: Degree,
        severity: Degree,
        level: RiskLevel,
    ) -> Result<(), DocError> {
        let mut settings = self.register().settings.clone();
        settings.level_matrix.insert(Settings::cell(likelihood, severity), level);
        reconcile_prop(&mut KeepConflicts(&mut self.doc), ROOT, "settings", &settings)
            .map_err(|e| DocError::Write(e.to_string()))?;
        self.commit(stamp, Action::UpdateSettings, None, Settings::cell(likelihood, severity));
        self.rehydrate()
    }

    /// Records an opinion gathered during publicity round `round`.
    pub fn record_opinion(&mut self, stamp: &Stamp, round: &str, form: &OpinionForm) -> Result<Id, DocError> {
        let mut publicity = self.fresh_entity::<Publicity>(round)?;
        let opinion = form.check(&stamp.author, stamp.at).map_err(DocError::Invalid)?;
        let id = new_id();
        publicity.opinions.insert(id.clone(), opinion);
        self.write_entity(stamp, Action::Update, round, &publicity)?;
        Ok(id)
    }

    /// Answers opinion `opinion` of round `round`.
    pub fn answer_opinion(&mut self, stamp: &Stamp, round: &str, opinion: &str, answer: &str) -> Result<(), DocError> {
        let mut publicity = self.fresh_entity::<Publicity>(round)?;
        let entry = publicity
            .opinions
            .get_mut(opinion)
            .ok_or_else(|| DocError::NotFound { kind: crate::model::EntityKind::Publicity, id: opinion.to_string() })?;
        entry.answer = answer.trim().to_string();
        self.write_entity(stamp, Action::Update, round, &publicity)
    }

    /// Closes round `round` on `today` (not before its last day): its points are publicised.
    pub fn close_publicity(&mut self, stamp: &Stamp, round: &str, today: Date) -> Result<(), DocError> {
        let mut publicity = self.fresh_entity::<Publicity>(round)?;
        if !may_close(&publicity, today) {
            return Err(DocError::TooEarlyToClose);
        }
        publicity.closed = Some(Archived { by: stamp.author.clone(), at: stamp.at });
        self.write_entity(stamp, Action::Close, round, &publicity)
    }
}
