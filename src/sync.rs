//! Exchanging a register with other members: the `.qingfeng` file format and what an import does.

mod file;
mod import;
mod join;
mod live;
mod staff;
#[cfg(target_arch = "wasm32")]
mod tabs;

pub use file::{FILE_EXTENSION, FORMAT_VERSION, FileError, RegisterFile, export_file_name};
pub use import::{ImportError, ImportOutcome, import_into, read_file};
pub use join::{Held, JoinPlan, relay_host};
pub use live::{
    JOIN_PATH, Joining, Link, LinkError, LiveFailure, LiveStatus, REPLY_DELAY_MS, Session, Share, Step, Syncable,
    is_relay_address, relay_for_origin,
};
pub use staff::{
    RowProblem, STAFF_FIELDS, StaffColumns, StaffEntry, StaffFileError, StaffRow, StaffTable, guess_columns,
    plan_staff, read_staff_file,
};
#[cfg(target_arch = "wasm32")]
pub use tabs::TabChannel;

/// Changes one tab (or the hub) stored, for the other tabs of the browser.
#[derive(Debug, Clone, PartialEq)]
pub struct TabMessage {
    /// The register they belong to.
    pub register: String,
    /// The changes, as `RegisterDoc::apply_chunk` reads them.
    pub changes: Vec<u8>,
    /// The heads up to which the sender has stored everything.
    pub heads: Vec<automerge::ChangeHash>,
}
