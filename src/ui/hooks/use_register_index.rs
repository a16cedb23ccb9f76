//! The risk list's index of the open register: built once per change of the register, so that a
//! keypress in the list's filter only filters and sorts it.

use leptos::prelude::*;

use crate::rules::{RiskIndex, risk_index};
use crate::ui::hooks::today;

/// The open register's risk index (empty while nothing is open).
pub fn use_register_index() -> Memo<RiskIndex> {
    let session = super::use_register();
    Memo::new(move |_| session.with(|r| risk_index(r, today())).unwrap_or_default())
}
