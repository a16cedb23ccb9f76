//! The "三重一大" procedure of a meeting, and the records' thresholds, as document operations.

use super::change_note::{Action, Stamp};
use super::register_doc::{DocError, RegisterDoc};
use crate::model::{Meeting, Procedure, ProcedureStep, new_id};
use crate::rules::{Form, RecordRulesForm, check_procedure_step};

impl RegisterDoc {
    /// Records that the step meeting `id` is at was taken, by `stamp.author`, with `remarks`;
    /// returns the step it is at afterwards.
    pub fn procedure_step(&mut self, stamp: &Stamp, id: &str, remarks: &str) -> Result<Procedure, DocError> {
        let mut meeting = self.fresh_entity::<Meeting>(id)?;
        let next = check_procedure_step(self.register(), &meeting, &stamp.author)?;
        let step = ProcedureStep {
            seq: meeting.trail.len() as u64,
            step: meeting.procedure,
            by: stamp.author.clone(),
            at: stamp.at,
            remarks: remarks.trim().to_string(),
        };
        meeting.trail.insert(new_id(), step);
        meeting.procedure = next;
        self.write_entity(stamp, Action::Review, id, &meeting)?;
        Ok(next)
    }

    /// Sets the thresholds of spending review, tendering and evaluations.
    pub fn update_record_rules(&mut self, stamp: &Stamp, form: &RecordRulesForm) -> Result<(), DocError> {
        self.edit_record_rules(stamp, None, form)
    }

    /// Sets the record rules with a form opened from `base`: what the member did not change
    /// keeps what others saved since.
    pub fn edit_record_rules(
        &mut self,
        stamp: &Stamp,
        base: Option<&RecordRulesForm>,
        form: &RecordRulesForm,
    ) -> Result<(), DocError> {
        let mut settings = self.register().settings.clone();
        let form = crate::rules::resolve(base, || RecordRulesForm::from_target(&settings.records), form, |_| false);
        form.apply(&mut settings.records, self.register()).map_err(DocError::Invalid)?;
        self.write_settings(stamp, &settings, String::new())
    }
}
