//! Commands: every change a member can ask of a register, as data.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::doc::{DocError, MergeReport, RegisterDoc, Stamp};
use crate::model::{
    CardAction, CardStage, Degree, Entity, EntityKind, Id, Procedure, ReviewAction, ReviewStage, RiskLevel, Sealed,
};
use crate::rules::Edit;
use crate::rules::{
    ActivityForm, BodyForm, CardForm, CaseSettingsForm, ChartEdit, ComplaintForm, DepartmentForm, EvaluationForm,
    FilingForm, FlowchartForm, Form, FundCheckForm, FundForm, LeadingGroupForm, MatterForm, MeasureForm, MeetingForm,
    OpinionForm, PersonForm, PhaseForm, PledgeForm, PostForm, PublicityForm, RatingForm, RecordRulesForm,
    RegulationForm, RiskForm, RiskKindForm, SpotCheckForm, StepForm, SubmissionForm, SummaryForm, TaskForm, UnitForm,
    WarningForm,
};

/// Calls `$body` with `$e` as the entity type of `$kind`.
macro_rules! with_kind {
    ($kind:expr, $e:ident => $body:expr) => {
        match $kind {
            EntityKind::Person => {
                type $e = crate::model::Person;
                $body
            }
            EntityKind::Department => {
                type $e = crate::model::Department;
                $body
            }
            EntityKind::Post => {
                type $e = crate::model::Post;
                $body
            }
            EntityKind::Risk => {
                type $e = crate::model::RiskPoint;
                $body
            }
            EntityKind::RiskKind => {
                type $e = crate::model::RiskKind;
                $body
            }
            EntityKind::Measure => {
                type $e = crate::model::Measure;
                $body
            }
            EntityKind::Publicity => {
                type $e = crate::model::Publicity;
                $body
            }
            EntityKind::Phase => {
                type $e = crate::model::Phase;
                $body
            }
            EntityKind::Complaint => {
                type $e = crate::model::Complaint;
                $body
            }
            EntityKind::Warning => {
                type $e = crate::model::Warning;
                $body
            }
            EntityKind::Check => {
                type $e = crate::model::SpotCheck;
                $body
            }
            EntityKind::Matter => {
                type $e = crate::model::MatterReport;
                $body
            }
            EntityKind::Pledge => {
                type $e = crate::model::Pledge;
                $body
            }
            EntityKind::Card => {
                type $e = crate::model::DutyCard;
                $body
            }
            EntityKind::Flowchart => {
                type $e = crate::model::Flowchart;
                $body
            }
            EntityKind::Filing => {
                type $e = crate::model::Filing;
                $body
            }
            EntityKind::Submission => {
                type $e = crate::model::Submission;
                $body
            }
            EntityKind::Summary => {
                type $e = crate::model::Summary;
                $body
            }
            EntityKind::Evaluation => {
                type $e = crate::model::Evaluation;
                $body
            }
            EntityKind::Activity => {
                type $e = crate::model::Activity;
                $body
            }
            EntityKind::Regulation => {
                type $e = crate::model::Regulation;
                $body
            }
            EntityKind::Fund => {
                type $e = crate::model::Fund;
                $body
            }
            EntityKind::Task => {
                type $e = crate::model::Task;
                $body
            }
            EntityKind::Meeting => {
                type $e = crate::model::Meeting;
                $body
            }
            EntityKind::Body => {
                type $e = crate::model::Body;
                $body
            }
        }
    };
}

/// The form of one entity kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum AnyForm {
    /// 人员
    Person(PersonForm),
    /// 部门
    Department(DepartmentForm),
    /// 岗位
    Post(PostForm),
    /// 风险点
    Risk(RiskForm),
    /// 风险类别
    RiskKind(RiskKindForm),
    /// 防控措施
    Measure(MeasureForm),
    /// 公示
    Publicity(PublicityForm),
    /// 实施阶段
    Phase(PhaseForm),
    /// 投诉举报
    Complaint(ComplaintForm),
    /// 预警
    Warning(WarningForm),
    /// 督查
    Check(SpotCheckForm),
    /// 重大事项报告
    Matter(MatterForm),
    /// 廉政承诺书 (a version)
    Pledge(PledgeForm),
    /// 勤廉责任卡
    Card(CardForm),
    /// Flowchart
    Flowchart(crate::rules::FlowchartForm),
    /// 归档
    Filing(FilingForm),
    /// 报送记录
    Submission(SubmissionForm),
    /// 自评总结
    Summary(SummaryForm),
    /// 廉政评议
    Evaluation(EvaluationForm),
    /// 廉政教育活动
    Activity(ActivityForm),
    /// 制度
    Regulation(RegulationForm),
    /// 资金监管
    Fund(FundForm),
    /// 实施阶段的任务
    Task(TaskForm),
    /// 会议记录
    Meeting(MeetingForm),
    /// 议事机构
    Body(BodyForm),
}

/// Forms that edit an entity, and so travel as an [`AnyForm`].
pub trait EntityForm: Form<Target: Entity> + Sized {
    /// The form as data.
    fn into_any(self) -> AnyForm;

    /// The form inside `any`, if it is of this kind.
    fn from_any(any: AnyForm) -> Option<Self>;
}

macro_rules! entity_forms {
    ($($form:ident => $variant:ident),* $(,)?) => {
        $(impl EntityForm for $form {
            fn into_any(self) -> AnyForm {
                AnyForm::$variant(self)
            }

            fn from_any(any: AnyForm) -> Option<Self> {
                match any {
                    AnyForm::$variant(f) => Some(f),
                    _ => None,
                }
            }
        })*

        /// Calls `$body` with the concrete form inside an [`AnyForm`], as `$f`.
        macro_rules! with_form {
            ($any:expr, $f:ident => $body:expr) => {
                match $any {
                    $(AnyForm::$variant($f) => $body,)*
                }
            };
        }
    };
}

entity_forms! {
    PersonForm => Person,
    DepartmentForm => Department,
    PostForm => Post,
    RiskForm => Risk,
    RiskKindForm => RiskKind,
    MeasureForm => Measure,
    PublicityForm => Publicity,
    PhaseForm => Phase,
    ComplaintForm => Complaint,
    WarningForm => Warning,
    SpotCheckForm => Check,
    MatterForm => Matter,
    PledgeForm => Pledge,
    CardForm => Card,
    FlowchartForm => Flowchart,
    FilingForm => Filing,
    SubmissionForm => Submission,
    SummaryForm => Summary,
    EvaluationForm => Evaluation,
    ActivityForm => Activity,
    RegulationForm => Regulation,
    FundForm => Fund,
    TaskForm => Task,
    MeetingForm => Meeting,
    BodyForm => Body,
}

/// A change asked of the register.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Command {
    /// Adds an entity from a valid form.
    Create(AnyForm),
    /// Edits entity `id` with a valid form.
    Update {
        /// The entity.
        id: Id,
        /// The form as the record read when the member opened it: only the fields changed from
        /// it are written. `None` writes every field (imports, tests). Boxed: a command is
        /// mostly moved around, and two forms inline would double its size.
        base: Option<Box<AnyForm>>,
        /// Its new fields.
        form: AnyForm,
    },
    /// Archives or restores an entity.
    SetArchived {
        /// Its kind.
        kind: EntityKind,
        /// The entity.
        id: Id,
        /// Archive (`true`) or restore (`false`).
        archived: bool,
    },
    /// Brings back an entity as it was after change `hash` (hex).
    RestoreVersion {
        /// Its kind.
        kind: EntityKind,
        /// The entity.
        id: Id,
        /// The change, as hex.
        hash: String,
    },
    /// Settles a conflicted field on one of its values.
    ResolveConflict {
        /// The entity's kind.
        kind: EntityKind,
        /// The entity.
        id: Id,
        /// The field.
        field: String,
        /// The index of the chosen value.
        choice: usize,
    },
    /// Adds the member at this browser as a person, the change signed by that person.
    AddMember(PersonForm),
    /// Adds a staff list's people and their posts as one change.
    ImportStaff(Vec<crate::sync::StaffEntry>),
    /// Edits the unit's details.
    UpdateUnit(Edit<UnitForm>),
    /// Sets the leading group.
    UpdateLeadingGroup(Edit<LeadingGroupForm>),
    /// A review step on a risk point.
    ReviewStep {
        /// The risk point.
        risk: Id,
        /// What is done.
        action: ReviewAction,
        /// What the member says.
        note: String,
    },
    /// Rates a risk point.
    Rate {
        /// The risk point.
        risk: Id,
        /// The rating form as the stored rating read when the member opened it (see `Update`).
        base: Option<RatingForm>,
        /// The judgement.
        form: RatingForm,
    },
    /// Sets one cell of the level matrix.
    SetMatrixCell {
        /// 可能性
        likelihood: Degree,
        /// 后果
        severity: Degree,
        /// The level proposed there.
        level: RiskLevel,
    },
    /// Records an opinion collected during a publicity round.
    RecordOpinion {
        /// The round.
        round: Id,
        /// The opinion.
        form: OpinionForm,
    },
    /// Answers an opinion.
    AnswerOpinion {
        /// The round.
        round: Id,
        /// The opinion.
        opinion: Id,
        /// The answer.
        answer: String,
    },
    /// Closes a publicity round that has run its time.
    ClosePublicity {
        /// The round.
        round: Id,
        /// Today, `YYYY-MM-DD`.
        today: String,
    },
    /// Records a step of a warning's case.
    CaseStep {
        /// The warning.
        warning: Id,
        /// The step.
        form: StepForm,
    },
    /// Dismisses a warning signal, with the reason.
    DismissSignal {
        /// The signal's key.
        key: String,
        /// Why.
        reason: String,
    },
    /// Sets the answer's deadline, the signals' thresholds, the disposal list and the holidays.
    UpdateCaseSettings(Edit<CaseSettingsForm>),
    /// Adds the lock of the passphrase that seals reporters' names (the engine makes it from
    /// the passphrase; only its id, naming the salt and cost, and a check value travel).
    AddReporterLock {
        /// The lock id (`crate::seal::Kdf`).
        id: String,
        /// The check value.
        check: Sealed,
    },
    /// Replaces the sealed reporters of these complaints: the legacy lock's values sealed again
    /// under a new lock (the engine does it when a member gives the passphrase).
    Reseal(BTreeMap<Id, Sealed>),
    /// Adds a complaint under an id chosen before: the engine's, when it sealed the typed
    /// reporter for that id.
    CreateComplaint {
        /// The complaint's id.
        id: Id,
        /// Its fields, the reporter sealed.
        form: ComplaintForm,
    },
    /// Records that a person signed a version of the pledge on a day.
    SignPledge {
        /// The version.
        pledge: Id,
        /// The person who signed.
        person: Id,
        /// The day, `YYYY-MM-DD`.
        date: String,
    },
    /// A step of a duty card: submit, pass or send back, with remarks.
    CardStep {
        /// The card.
        card: Id,
        /// What is done.
        action: CardAction,
        /// 意见
        remarks: String,
    },
    /// Records that the step a "三重一大" meeting is at was taken.
    ProcedureStep {
        /// The meeting.
        meeting: Id,
        /// What was done, with a reference to the document.
        remarks: String,
    },
    /// Sets the thresholds of spending review, tendering and evaluations.
    UpdateRecordRules(Edit<RecordRulesForm>),
    /// Makes a summary final and files the register with it (归档) under `name`.
    FreezeSummary {
        /// The summary.
        summary: Id,
        /// The filing's name.
        name: String,
    },
    /// Files the register as it now stands under `name` (归档).
    FileRegister {
        /// The filing's name.
        name: String,
    },
    /// Records a check of a fund.
    FundCheck {
        /// The fund.
        fund: Id,
        /// The check.
        form: FundCheckForm,
    },
    /// Changes the drawing of a flowchart.
    ChartEdit {
        /// The chart.
        chart: Id,
        /// The change.
        edit: ChartEdit,
    },
    /// Adds the template's flowchart `title`, with its risk marks on the register's points.
    ChartFromTemplate {
        /// The chart's title in the template.
        title: String,
    },
    /// Merges a `.qingfeng` file of this register.
    MergeFile(Vec<u8>),
}

/// `base` as a form of `form`'s kind; a base of another kind is ignored (the whole form is written).
fn same_kind<F: EntityForm>(_form: &F, base: AnyForm) -> Option<F> {
    F::from_any(base)
}

/// What a command did, beyond the patches.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Outcome {
    /// Done.
    Done,
    /// An entity was added, with this id.
    Created(Id),
    /// Whether anything changed (an edit equal to what was there writes nothing).
    Changed(bool),
    /// The level a rating set.
    Rated(RiskLevel),
    /// Where the review step left the point.
    Reviewed(ReviewStage),
    /// Where the step left the duty card.
    Card(CardStage),
    /// Where the step left the meeting's procedure.
    Procedure(Procedure),
    /// What a merged file brought.
    Merged(MergeReport),
    /// A staff list was imported: how many people, and how many new posts.
    Staff {
        /// People added.
        people: usize,
        /// Posts made.
        posts: usize,
    },
}

impl RegisterDoc {
    /// Applies `command` as `stamp`'s member, and returns what it did and the view patches of
    /// everything that changed in the register since the last patches were taken (this
    /// command's, and any merge's before it).
    pub fn run(&mut self, stamp: &Stamp, command: Command) -> Result<(Outcome, Vec<super::ViewPatch>), DocError> {
        let outcome = self.apply_command(stamp, command)?;
        Ok((outcome, self.take_view_patches()))
    }

    fn apply_command(&mut self, stamp: &Stamp, command: Command) -> Result<Outcome, DocError> {
        Ok(match command {
            Command::Create(form) => Outcome::Created(with_form!(form, f => self.create_entity(stamp, &f))?),
            Command::Update { id, base, form } => Outcome::Changed(with_form!(form, f => {
                let base = base.and_then(|b| same_kind(&f, *b));
                self.edit_entity(stamp, &id, base.as_ref(), &f)
            })?),
            Command::SetArchived { kind, id, archived } => {
                with_kind!(kind, E => self.set_archived::<E>(stamp, &id, archived))?;
                Outcome::Done
            }
            Command::RestoreVersion { kind, id, hash } => {
                let hash = hash.parse().map_err(|_| DocError::NotFound { kind, id: id.clone() })?;
                Outcome::Changed(match kind {
                    EntityKind::Person => self.restore_entity::<PersonForm>(stamp, &id, hash),
                    EntityKind::Department => self.restore_entity::<DepartmentForm>(stamp, &id, hash),
                    EntityKind::Post => self.restore_entity::<PostForm>(stamp, &id, hash),
                    EntityKind::Risk => self.restore_entity::<RiskForm>(stamp, &id, hash),
                    EntityKind::RiskKind => self.restore_entity::<RiskKindForm>(stamp, &id, hash),
                    EntityKind::Measure => self.restore_entity::<MeasureForm>(stamp, &id, hash),
                    EntityKind::Publicity => self.restore_entity::<PublicityForm>(stamp, &id, hash),
                    EntityKind::Phase => self.restore_entity::<PhaseForm>(stamp, &id, hash),
                    EntityKind::Complaint => self.restore_entity::<ComplaintForm>(stamp, &id, hash),
                    EntityKind::Warning => self.restore_entity::<WarningForm>(stamp, &id, hash),
                    EntityKind::Check => self.restore_entity::<SpotCheckForm>(stamp, &id, hash),
                    EntityKind::Matter => self.restore_entity::<MatterForm>(stamp, &id, hash),
                    EntityKind::Pledge => self.restore_entity::<PledgeForm>(stamp, &id, hash),
                    EntityKind::Card => self.restore_entity::<CardForm>(stamp, &id, hash),
                    EntityKind::Flowchart => self.restore_entity::<crate::rules::FlowchartForm>(stamp, &id, hash),
                    EntityKind::Filing => self.restore_entity::<FilingForm>(stamp, &id, hash),
                    EntityKind::Submission => self.restore_entity::<SubmissionForm>(stamp, &id, hash),
                    EntityKind::Summary => self.restore_entity::<SummaryForm>(stamp, &id, hash),
                    EntityKind::Evaluation => self.restore_entity::<EvaluationForm>(stamp, &id, hash),
                    EntityKind::Activity => self.restore_entity::<ActivityForm>(stamp, &id, hash),
                    EntityKind::Regulation => self.restore_entity::<RegulationForm>(stamp, &id, hash),
                    EntityKind::Fund => self.restore_entity::<FundForm>(stamp, &id, hash),
                    EntityKind::Task => self.restore_entity::<TaskForm>(stamp, &id, hash),
                    EntityKind::Meeting => self.restore_entity::<MeetingForm>(stamp, &id, hash),
                    EntityKind::Body => self.restore_entity::<BodyForm>(stamp, &id, hash),
                }?)
            }
            Command::ResolveConflict { kind, id, field, choice } => {
                self.resolve_conflict(stamp, kind, &id, &field, choice)?;
                Outcome::Done
            }
            Command::AddMember(form) => Outcome::Created(self.add_member(stamp, &form)?),
            Command::ImportStaff(entries) => {
                let (people, posts) = self.import_staff(stamp, &entries)?;
                Outcome::Staff { people, posts }
            }
            Command::UpdateUnit(Edit { base, form }) => {
                self.edit_unit(stamp, base.as_ref(), &form)?;
                Outcome::Done
            }
            Command::UpdateLeadingGroup(Edit { base, form }) => {
                self.edit_leading_group(stamp, base.as_ref(), &form)?;
                Outcome::Done
            }
            Command::ReviewStep { risk, action, note } => {
                Outcome::Reviewed(self.review_step(stamp, &risk, action, &note)?)
            }
            Command::Rate { risk, base, form } => Outcome::Rated(self.rate_from(stamp, &risk, base.as_ref(), &form)?),
            Command::SetMatrixCell { likelihood, severity, level } => {
                self.set_matrix_cell(stamp, likelihood, severity, level)?;
                Outcome::Done
            }
            Command::RecordOpinion { round, form } => Outcome::Created(self.record_opinion(stamp, &round, &form)?),
            Command::AnswerOpinion { round, opinion, answer } => {
                self.answer_opinion(stamp, &round, &opinion, &answer)?;
                Outcome::Done
            }
            Command::ClosePublicity { round, today } => {
                let today = today.parse().map_err(|_| DocError::Write(format!("not a date: {today}")))?;
                self.close_publicity(stamp, &round, today)?;
                Outcome::Done
            }
            Command::CaseStep { warning, form } => Outcome::Created(self.case_step(stamp, &warning, &form)?),
            Command::DismissSignal { key, reason } => {
                self.dismiss_signal(stamp, &key, &reason)?;
                Outcome::Done
            }
            Command::UpdateCaseSettings(Edit { base, form }) => {
                self.edit_case_settings(stamp, base.as_ref(), &form)?;
                Outcome::Done
            }
            Command::AddReporterLock { id, check } => {
                self.add_reporter_lock(stamp, &id, check)?;
                Outcome::Done
            }
            Command::Reseal(sealed) => {
                self.reseal(stamp, &sealed)?;
                Outcome::Done
            }
            Command::CreateComplaint { id, form } => {
                self.create_entity_as(stamp, &id, &form)?;
                Outcome::Created(id)
            }
            Command::CardStep { card, action, remarks } => {
                Outcome::Card(self.card_step(stamp, &card, action, &remarks)?)
            }
            Command::ProcedureStep { meeting, remarks } => {
                Outcome::Procedure(self.procedure_step(stamp, &meeting, &remarks)?)
            }
            Command::FreezeSummary { summary, name } => Outcome::Created(self.freeze_summary(stamp, &summary, &name)?),
            Command::FileRegister { name } => Outcome::Created(self.file_register(stamp, &name)?),
            Command::FundCheck { fund, form } => {
                self.record_fund_check(stamp, &fund, &form)?;
                Outcome::Done
            }
            Command::ChartEdit { chart, edit } => match self.chart_edit(stamp, &chart, &edit)? {
                Some(id) => Outcome::Created(id),
                None => Outcome::Done,
            },
            Command::ChartFromTemplate { title } => Outcome::Created(self.chart_from_template(stamp, &title)?),
            Command::UpdateRecordRules(Edit { base, form }) => {
                self.edit_record_rules(stamp, base.as_ref(), &form)?;
                Outcome::Done
            }
            Command::SignPledge { pledge, person, date } => {
                self.sign_pledge(stamp, &pledge, &person, &date)?;
                Outcome::Done
            }
            // The import path the merge property test runs.
            Command::MergeFile(bytes) => match crate::sync::import_into(&bytes, Some(self))? {
                crate::sync::ImportOutcome::Merged(report) => Outcome::Merged(report),
                crate::sync::ImportOutcome::Other(_) => return Err(DocError::DifferentRegister),
            },
        })
    }
}
