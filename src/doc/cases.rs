//! 预警处置 as document operations: the steps of a warning's case, dismissed signals, and the
//! lock of the passphrase that seals reporters' names.

use automerge::ROOT;
use autosurgeon::reconcile_prop;

use super::change_note::{Action, Stamp};
use super::keep_conflicts::KeepConflicts;
use super::register_doc::{DocError, RegisterDoc};
use std::collections::BTreeMap;

use crate::model::{Complaint, Dismissed, EntityKind, Id, LockRecord, Sealed, Step, Warning, new_id};
use crate::rules::{Case, CaseSettingsForm, Form, Invalid, Reason, StepForm};

impl RegisterDoc {
    /// Records a step of warning `warning`'s case; refused when the case does not allow it
    /// where it stands. Returns the step's id.
    pub fn case_step(&mut self, stamp: &Stamp, warning: &str, form: &StepForm) -> Result<Id, DocError> {
        let mut entry = self.fresh_entity::<Warning>(warning)?;
        let step = form.check(self.register(), &stamp.author, stamp.at).map_err(DocError::Invalid)?;
        if !Case::of(&entry).allows(step.kind) {
            return Err(DocError::Invalid(vec![Invalid { field: "kind", reason: Reason::NotNow }]));
        }
        let id = new_id();
        entry.steps.insert(id.clone(), Step { seq: entry.steps.len() as u64, ..step });
        self.write_entity(stamp, Action::CaseStep, warning, &entry)?;
        Ok(id)
    }

    /// Dismisses warning signal `key` with `reason` (required).
    pub fn dismiss_signal(&mut self, stamp: &Stamp, key: &str, reason: &str) -> Result<(), DocError> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(DocError::Invalid(vec![Invalid { field: "reason", reason: Reason::Required }]));
        }
        let mut settings = self.register().settings.clone();
        let dismissed = Dismissed { reason: reason.to_string(), by: stamp.author.clone(), at: stamp.at };
        settings.dismissed_signals.insert(key.to_string(), dismissed);
        self.write_settings(stamp, &settings, key.to_string())
    }

    /// Sets the answer's deadline, the signals' thresholds, the disposal list and the holidays.
    pub fn update_case_settings(&mut self, stamp: &Stamp, form: &CaseSettingsForm) -> Result<(), DocError> {
        self.edit_case_settings(stamp, None, form)
    }

    /// Sets the case settings with a form opened from `base`: what the member did not change
    /// keeps what others saved since.
    pub fn edit_case_settings(
        &mut self,
        stamp: &Stamp,
        base: Option<&CaseSettingsForm>,
        form: &CaseSettingsForm,
    ) -> Result<(), DocError> {
        let mut settings = self.register().settings.clone();
        let form = crate::rules::resolve(base, || CaseSettingsForm::from_target(&settings), form, |_| false);
        form.apply(&mut settings, self.register()).map_err(DocError::Invalid)?;
        self.write_settings(stamp, &settings, String::new())
    }

    /// Adds the lock `id` of a passphrase that seals reporters' names, with its check value;
    /// set by `stamp`'s member at its time. Once: a second lock would leave each member seeing
    /// only the names sealed under their own, so it is refused while one exists (beside the
    /// legacy lock, whose names are then sealed again under it: [`RegisterDoc::reseal`]).
    pub fn add_reporter_lock(&mut self, stamp: &Stamp, id: &str, check: Sealed) -> Result<(), DocError> {
        if !self.register().settings.reporter_locks.is_empty() || crate::seal::Kdf::of(id).is_none() {
            return Err(DocError::Invalid(vec![Invalid { field: "passphrase", reason: Reason::Duplicate }]));
        }
        let mut settings = self.register().settings.clone();
        settings.reporter_locks.insert(id.to_string(), LockRecord { check, by: stamp.author.clone(), at: stamp.at });
        self.write_settings(stamp, &settings, String::new())
    }

    /// Replaces the sealed reporters of the complaints in `sealed` (sealed again under a new
    /// lock), as one change.
    pub fn reseal(&mut self, stamp: &Stamp, sealed: &BTreeMap<Id, Sealed>) -> Result<(), DocError> {
        let map = self.collection_for_write(EntityKind::Complaint)?;
        for (id, value) in sealed {
            let mut complaint = self.fresh_entity::<Complaint>(id)?;
            complaint.reporter = Some(value.clone());
            reconcile_prop(&mut KeepConflicts(&mut self.doc), &map, id.as_str(), &complaint)
                .map_err(|e| DocError::Write(e.to_string()))?;
        }
        self.commit(stamp, Action::Reseal, None, String::new());
        let touched = sealed.keys().map(|id| (EntityKind::Complaint, id.clone()));
        self.written.extend(touched.clone());
        self.unviewed.entities.extend(touched);
        sealed.keys().try_for_each(|id| self.reload_entity::<Complaint>(id))
    }

    /// Reconciles the settings and commits them as one change labelled `label`.
    pub(super) fn write_settings(
        &mut self,
        stamp: &Stamp,
        settings: &crate::model::Settings,
        label: String,
    ) -> Result<(), DocError> {
        reconcile_prop(&mut KeepConflicts(&mut self.doc), ROOT, "settings", settings)
            .map_err(|e| DocError::Write(e.to_string()))?;
        self.commit(stamp, Action::UpdateSettings, None, label);
        // As the document now has them (a conflicted field keeps the value it shows).
        self.register_mut().settings = autosurgeon::hydrate_prop(&self.doc, ROOT, "settings")
            .map_err(|e| DocError::NotARegister(e.to_string()))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{StepKind, Target, Template};
    use crate::rules::{BoardColumn, CaseState, DisposalForm, UnitForm, WarningForm};

    fn doc() -> (RegisterDoc, Id) {
        let unit = UnitForm { name: "一中".into(), ..UnitForm::default() };
        let mut doc =
            RegisterDoc::create(&unit, &Template::school(), "2026-11-02".parse().unwrap(), &Stamp::default()).unwrap();
        let department = doc.register().departments.keys().next().unwrap().clone();
        let form = WarningForm {
            level: "3".into(),
            source: "manual".into(),
            target: Target::Department.code().into(),
            target_id: department,
            problem: "食堂采购未公示".into(),
            raised: "2026-11-02".into(),
            ..WarningForm::default()
        };
        let id = doc.create_entity(&Stamp::new("wang", 1), &form).unwrap();
        (doc, id)
    }

    fn step(kind: StepKind, date: &str, text: &str) -> StepForm {
        let measures = match kind {
            StepKind::Dispose => vec![DisposalForm { measure: "批评教育".into(), ..DisposalForm::default() }],
            _ => Vec::new(),
        };
        StepForm { kind: kind.code().into(), date: date.into(), text: text.into(), measures }
    }

    fn case(doc: &RegisterDoc, id: &str) -> Case {
        Case::of(&doc.register().warnings[id])
    }

    #[test]
    fn a_case_goes_from_disposal_to_answer_to_acceptance() {
        let (mut doc, id) = doc();
        let at = |n| Stamp::new("wang", n);
        // An answer before any disposal is refused, and nothing is written.
        let refused = doc.case_step(&at(2), &id, &step(StepKind::Answer, "2026-11-03", "已整改"));
        assert!(matches!(refused, Err(DocError::Invalid(ref i)) if i[0].reason == Reason::NotNow));
        assert!(doc.register().warnings[&id].steps.is_empty());

        doc.case_step(&at(3), &id, &step(StepKind::Dispose, "2026-11-02", "")).unwrap();
        // Five working days from Monday 2 November 2026.
        assert_eq!(case(&doc, &id).state, CaseState::AwaitingAnswer { due: "2026-11-09".parse().ok() });
        assert_eq!(case(&doc, &id).column("2026-11-10".parse().unwrap()), BoardColumn::Overdue);
        doc.case_step(&at(4), &id, &step(StepKind::Answer, "2026-11-06", "原因分析与整改情况")).unwrap();
        assert_eq!(case(&doc, &id).state, CaseState::Answered);
        doc.case_step(&at(5), &id, &step(StepKind::Accept, "2026-11-09", "")).unwrap();
        assert_eq!(case(&doc, &id).state, CaseState::Closed);
        assert!(doc.case_step(&at(6), &id, &step(StepKind::Reject, "2026-11-09", "再改")).is_err());
    }

    #[test]
    fn a_warning_raised_from_a_spot_check_names_it_and_an_unknown_one_is_refused() {
        let (mut doc, _) = doc();
        let risk = doc.register().risks.keys().next().unwrap().clone();
        let check = crate::rules::SpotCheckForm {
            risk: risk.clone(),
            done: "2026-11-10".into(),
            what: "食堂采购台账".into(),
            findings: "三笔采购无验收签字".into(),
            ..crate::rules::SpotCheckForm::default()
        };
        let check = doc.create_entity(&Stamp::new("wang", 2), &check).unwrap();
        let form = |source_id: &str| WarningForm {
            level: "2".into(),
            source: "check".into(),
            source_id: source_id.into(),
            target: Target::Risk.code().into(),
            target_id: risk.clone(),
            problem: "三笔采购无验收签字".into(),
            raised: "2026-11-11".into(),
        };
        let refused = doc.create_entity(&Stamp::new("wang", 3), &form("no-such-check"));
        assert!(matches!(refused, Err(DocError::Invalid(ref i)) if i[0].field == "source_id"));
        let id = doc.create_entity(&Stamp::new("wang", 4), &form(&check)).unwrap();
        let warning = &doc.register().warnings[&id];
        assert_eq!((warning.source, warning.source_id.as_str()), (crate::model::Source::Check, check.as_str()));
    }

    #[test]
    fn a_major_matter_is_reported_a_week_ahead_unless_urgent_with_a_reason() {
        let (mut doc, _) = doc();
        let person = doc
            .create_entity(&Stamp::default(), &crate::rules::PersonForm { name: "王校长".into(), ..Default::default() })
            .unwrap();
        let form = |planned: &str, urgent: bool, reason: &str| crate::rules::MatterForm {
            kind: "funds".into(),
            topic: "校舍维修资金使用".into(),
            person: person.clone(),
            reported: "2026-11-02".into(),
            planned: planned.into(),
            urgent,
            urgent_reason: reason.into(),
            ..Default::default()
        };
        let refused = |doc: &mut RegisterDoc, f| match doc.create_entity(&Stamp::default(), &f) {
            Err(DocError::Invalid(i)) => i.into_iter().map(|i| (i.field, i.reason)).collect::<Vec<_>>(),
            other => panic!("{other:?}"),
        };
        // Six days ahead is late; so is a matter carried out before it was reported.
        assert_eq!(refused(&mut doc, form("2026-11-08", false, "")), [("planned", Reason::TooLate { days: 7 })]);
        assert_eq!(refused(&mut doc, form("2026-11-01", false, "")), [("planned", Reason::TooLate { days: 7 })]);
        // Urgent, but with no reason given.
        assert_eq!(refused(&mut doc, form("2026-11-08", true, " ")), [("urgent_reason", Reason::Required)]);
        assert!(doc.register().matters.is_empty());
        // Seven days ahead is in time; a late one marked urgent with its reason is taken.
        doc.create_entity(&Stamp::default(), &form("2026-11-09", false, "")).unwrap();
        doc.create_entity(&Stamp::default(), &form("2026-11-04", true, "上级要求本周内完成")).unwrap();
        assert_eq!(doc.register().matters.len(), 2);
        assert!(crate::rules::reported_in_time("2026-11-02".parse().unwrap(), "2026-11-09".parse().unwrap()));
    }

    #[test]
    fn a_second_sending_back_raises_the_warning_a_level() {
        let (mut doc, id) = doc();
        // All within one second: the order is the order they were taken in.
        let take = |doc: &mut RegisterDoc, kind, text: &str| {
            doc.case_step(&Stamp::new("wang", 7), &id, &step(kind, "2026-11-03", text))
        };
        take(&mut doc, StepKind::Dispose, "").unwrap();
        take(&mut doc, StepKind::Answer, "第一次回告").unwrap();
        // Reasons are required to send an answer back.
        assert!(take(&mut doc, StepKind::Reject, "").is_err());
        take(&mut doc, StepKind::Reject, "原因分析不深入").unwrap();
        let after_first = case(&doc, &id);
        assert!(matches!(after_first.state, CaseState::AwaitingAnswer { .. }));
        assert_eq!(after_first.level, crate::model::RiskLevel::Three);
        take(&mut doc, StepKind::Answer, "第二次回告").unwrap();
        take(&mut doc, StepKind::Reject, "仍未整改到位").unwrap();
        let after_second = case(&doc, &id);
        assert_eq!((after_second.state, after_second.level), (CaseState::New, crate::model::RiskLevel::Two));
        assert_eq!(after_second.timeline.last().unwrap().raised_to, Some(crate::model::RiskLevel::Two));
        // At the new level the case starts again from disposal.
        take(&mut doc, StepKind::Dispose, "").unwrap();
        assert!(matches!(case(&doc, &id).state, CaseState::AwaitingAnswer { .. }));
    }

    #[test]
    fn disposal_and_answer_recorded_at_once_on_two_copies_both_stay() {
        let (mut doc, id) = doc();
        doc.case_step(&Stamp::new("wang", 2), &id, &step(StepKind::Dispose, "2026-11-02", "")).unwrap();
        let mut other = doc.fork();
        // One member adds a further disposal, the other records the answer, neither seeing the other.
        doc.case_step(&Stamp::new("wang", 3), &id, &step(StepKind::Dispose, "2026-11-03", "加谈话")).unwrap();
        other.case_step(&Stamp::new("li", 4), &id, &step(StepKind::Answer, "2026-11-04", "书面回告")).unwrap();
        doc.merge(&mut other).unwrap();
        let merged = case(&doc, &id);
        assert_eq!(merged.timeline.len(), 3, "every step is kept");
        assert!(merged.timeline.iter().all(|s| s.applied));
        assert_eq!(merged.state, CaseState::Answered);
    }

    #[test]
    fn a_dismissed_signal_and_the_lock_are_settings() {
        let (mut doc, _) = doc();
        assert!(doc.dismiss_signal(&Stamp::default(), "measure:x", " ").is_err());
        doc.dismiss_signal(&Stamp::default(), "measure:x", "已完成，未及时登记").unwrap();
        assert_eq!(doc.register().settings.dismissed_signals["measure:x"].reason, "已完成，未及时登记");
        let (lock, check, _) = crate::seal::new_lock("一二三四五六七八", &doc.register().id).unwrap();
        doc.add_reporter_lock(&Stamp::new("wang", 7), &lock, check.clone()).unwrap();
        let (other, other_check, _) = crate::seal::new_lock("一二三四五六七八", &doc.register().id).unwrap();
        assert!(doc.add_reporter_lock(&Stamp::default(), &other, other_check).is_err(), "one lock");
        let reopened = RegisterDoc::load(&doc.save()).unwrap();
        let record = LockRecord { check, by: "wang".into(), at: 7 };
        assert_eq!(reopened.register().settings.reporter_locks, BTreeMap::from([(lock, record)]));
        assert_eq!(reopened.register().settings.answer_days, 5);
    }

    #[test]
    fn the_settings_form_round_trips_and_moves_the_deadline() {
        let (mut doc, id) = doc();
        let mut form = CaseSettingsForm::from_target(&doc.register().settings);
        let mut unchanged = doc.register().settings.clone();
        form.apply(&mut unchanged, doc.register()).unwrap();
        assert_eq!(unchanged, doc.register().settings, "the form reads back what it shows");

        form.answer_days = "0".into();
        form.disposals = " \n".into();
        form.holidays = "2026-11-05\n不是日期".into();
        let refused = doc.update_case_settings(&Stamp::default(), &form).unwrap_err();
        let DocError::Invalid(fields) = refused else { panic!("{refused:?}") };
        let names: Vec<&str> = fields.iter().map(|i| i.field).collect();
        assert_eq!(names, ["answer_days", "disposals", "holidays"]);

        // Three working days, and 4 November a holiday: Monday 2 November + 3 is Friday the 6th.
        form.answer_days = "3".into();
        form.disposals = "谈心疏导\n限期整改".into();
        form.holidays = "2026-11-04".into();
        form.worked = String::new();
        doc.update_case_settings(&Stamp::default(), &form).unwrap();
        assert_eq!(doc.register().settings.disposals, ["谈心疏导", "限期整改"]);
        doc.case_step(&Stamp::new("wang", 2), &id, &step(StepKind::Dispose, "2026-11-02", "")).unwrap();
        assert_eq!(case(&doc, &id).state, CaseState::AwaitingAnswer { due: "2026-11-06".parse().ok() });
    }
}
