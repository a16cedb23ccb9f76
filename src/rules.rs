//! Pure functions of the register: who is accountable, what input is valid, how lists read.

mod cards;
mod catalogue;
mod charts;
mod dashboard;
mod form_merge;
mod listing;
mod measures;
mod meetings;
mod onboarding;
mod plan;
mod pledges;
mod publicity;
mod rating;
mod records;
mod responsibility;
mod review;
mod signals;
mod validation;
mod warning;
mod working_days;

pub use cards::{CardError, card_actions_at, card_ledger, card_transition, check_card_step, has_approved_card};
pub use catalogue::{CatalogueRow, catalogue, catalogue_row, measures_text};
pub use charts::{
    ChartLayout, EdgePath, FONT, LABEL_FONT, LINE, MARGIN, MARK, NodeBox, chart_from_template, charts_of_risk, layout,
    text_width, wrap,
};
pub use dashboard::{Dashboard, LevelCounts, dashboard, in_register, level_index};
pub use form_merge::{Edit, changed_fields, merge_form, merge_text, resolve};
pub use listing::{RiskFilter, RiskIndex, RiskRow, RiskSort, SortDir, risk_index, risk_rows};
pub use measures::{MeasuresByRisk, is_overdue, measures_of, overdue_measures};
pub use meetings::{
    MeetingFlag, ProcedureError, check_procedure_step, finance_reviews, flagged_meetings, meeting_flags, principal_of,
};
pub use onboarding::{GuideStep, guide};
pub use plan::{
    PhaseProgress, Timeline, TimelineBar, four_have, overdue_tasks, phase_progress, phases_in_order, task_lines,
    task_overdue, tasks_of, timeline,
};
pub use pledges::{Missing, current_pledge, key_post_gaps, must_sign, not_signed};
pub use publicity::{
    MIN_DAYS, PublicityMark, RoundState, changed_since, content_hash, may_close, publicity_mark, round_state,
    window_long_enough,
};
pub use rating::{Judgement, propose_level};
pub use records::{
    below_pass, checked_in, evaluation_score, fund_coverage, rules_by_status, score_text, talks_due, yuan,
};
pub use responsibility::{Duty, Gap, GradedResponsibility, Role, graded_responsibility};
pub use review::{
    ReviewError, Stages, Who, actions_at, amended, check_step, in_force, in_leading_group, leads_department, stage_of,
    substance, transition, waiting_for,
};
pub use signals::{Signal, signals, unchecked_risks};
pub use validation::{
    ActivityForm, BodyForm, CardForm, CaseSettingsForm, ChartEdit, ComplaintForm, DepartmentForm, DisposalForm,
    EvaluationForm, FilingForm, FlowchartForm, Form, FundCheckForm, FundForm, Invalid, LeadingGroupForm,
    MATTER_NOTICE_DAYS, MatterForm, MeasureForm, MeetingForm, NAME_MAX, NodeForm, OpinionForm, PersonForm, PhaseForm,
    PledgeForm, PostForm, PublicityForm, RatingForm, Reason, RecordRulesForm, RegulationForm, ReporterInput, RiskForm,
    RiskKindForm, SpotCheckForm, StepForm, SubmissionForm, SummaryForm, TaskForm, UnitForm, WarningForm,
    reported_in_time, reporter_of,
};
pub use warning::{BoardColumn, Case, CaseState, TimelineStep, case_handlers, raised, target_name, warning_department};
pub use working_days::WorkCalendar;
