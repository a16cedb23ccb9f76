//! Exchanging a register with other members: the `.qingfeng` file format and what an import does.

mod file;
mod import;
mod live;
mod staff;
#[cfg(target_arch = "wasm32")]
mod tabs;

pub use file::{FILE_EXTENSION, FORMAT_VERSION, FileError, RegisterFile, export_file_name};
pub use import::{ImportError, ImportOutcome, import_into, read_file};
pub use live::{
    JOIN_PATH, Joining, Link, LinkError, LiveFailure, LiveStatus, REPLY_DELAY_MS, Session, Share, Step, Syncable,
    is_relay_address, relay_for_origin,
};
pub use staff::{
    RowProblem, STAFF_FIELDS, StaffColumns, StaffEntry, StaffFileError, StaffRow, StaffTable, guess_columns,
    plan_staff, read_staff_file,
};
#[cfg(target_arch = "wasm32")]
pub use tabs::{TabChannel, TabMessage};
