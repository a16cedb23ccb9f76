//! The register's Automerge document: create, change (with author and time), save, load,
//! fork, merge and hydrate.
//!
//! A [`RegisterDoc`] pairs the document with the [`Register`](crate::model::Register) hydrated
//! from it. Every write goes hydrate → change → reconcile → commit in one step, at the key of
//! the one entity it touches, so its cost follows the size of the change and not of the register.

mod cards;
mod cases;
mod change_note;
mod charts;
mod conflicts;
mod fold;
mod history;
mod keep_conflicts;
mod lifecycle;
mod materialise;
mod meetings;
mod pledges;
mod records;
mod refresh;
mod register_doc;
mod staff;

pub use change_note::{Action, ChangeNote, Stamp};
pub use conflicts::{Conflict, ConflictValue};
pub use history::HistoryEntry;
pub use materialise::materialise;
pub use register_doc::{DocError, MergeReport, RegisterDoc};
