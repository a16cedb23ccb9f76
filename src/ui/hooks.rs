//! Small hooks, one file each (as leptos-use does): the open register, its save status and
//! journal, and its risk index.

mod use_autosave;
mod use_register;
mod use_register_index;

pub use use_autosave::{Autosave, use_autosave};
pub use use_register::{Imported, OpenState, SaveStatus, Session, now_seconds, today, use_register};
pub use use_register_index::use_register_index;
