//! Pure functions of the register: who is accountable, what input is valid, how lists read.

mod dashboard;
mod listing;
mod responsibility;
mod validation;

pub use dashboard::{Dashboard, dashboard};
pub use listing::{RiskFilter, RiskRow, RiskSort, SortDir, risk_rows};
pub use responsibility::{Duty, Gap, GradedResponsibility, Role, graded_responsibility};
pub use validation::{
    DepartmentForm, Form, Invalid, LeadingGroupForm, MeasureForm, PersonForm, PhaseForm, PostForm, Reason, RiskForm,
    RiskKindForm, UnitForm,
};
