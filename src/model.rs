//! The register's domain types (DOMAIN.md), as they live in the Automerge document.
//!
//! Plain data with `autosurgeon` derives, and serde derives that mirror the same layout (for the
//! one-pass load in `doc::materialise` and for views sent between threads): no browser, no UI. Entities sit in maps keyed by a
//! UUID string, and are archived instead of deleted so concurrent edits inside them survive.

/// Implements `ALL`, `code`, `from_code` and `label_key` for a field-less enum.
macro_rules! coded {
    ($ty:ident, $prefix:literal, [$($variant:ident => $code:literal),* $(,)?]) => {
        impl $ty {
            /// Every value, in the order forms list them.
            pub const ALL: &'static [$ty] = &[$($ty::$variant),*];

            /// The stored and form value.
            pub fn code(self) -> &'static str {
                match self {
                    $($ty::$variant => $code,)*
                }
            }

            /// The value whose code is `code`.
            pub fn from_code(code: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.code() == code)
            }

            /// The locale key of its name.
            pub fn label_key(self) -> &'static str {
                match self {
                    $($ty::$variant => concat!($prefix, ".", $code),)*
                }
            }
        }
    };
}

mod card;
mod chart;
mod date;
mod entity;
mod measure;
mod meeting;
mod org;
mod plan;
mod pledge;
mod publicity;
mod records;
mod register;
mod review;
mod risk;
mod settings;
mod template;
mod text_serde;
mod warning;

pub use card::{CardAction, CardStage, CardStep, DutyCard};
pub use chart::{ChartEdge, ChartNode, Flowchart, NodeKind, Place};
pub use date::{Date, DateError};
pub use entity::{Archived, Entity, EntityKind, Id, new_id};
pub use measure::{Measure, MeasureStage, MeasureStatus};
pub use meeting::{Body, BodyRole, MajorMatter, Meeting, Procedure, ProcedureStep, Spending};
pub use org::{Department, LeadingGroup, Person, Post, Unit};
pub use plan::{FourHave, Phase, Task};
pub use pledge::{Pledge, Signature};
pub use publicity::{Opinion, Publicity};
pub use records::{
    Activity, EducationKind, Evaluation, Filing, Frozen, Fund, FundCheck, Regulation, RuleStatus, Submission, Summary,
    Talk,
};
pub use register::{Register, RegisterStoreFields, SCHEMA_VERSION};
pub use review::{
    Approval, ApprovedMeasure, Degree, MajorPart, Rating, ReviewAction, ReviewEntry, ReviewStage, Substance,
};
pub use risk::{RiskKind, RiskLevel, RiskPoint, Scope};
pub use settings::{Dismissed, LockRecord, RecordRules, ReporterLock, Settings, SignalThresholds, Weights};
pub use template::{
    Template, TemplateBody, TemplateChart, TemplateEdge, TemplateFourHave, TemplateFund, TemplateNode, TemplatePhase,
    TemplatePledge, TemplatePost, TemplateRisk,
};
pub use warning::{
    Channel, Complaint, Disposal, MatterKind, MatterReport, Sealed, Source, SpotCheck, Step, StepKind, Target, Warning,
};
