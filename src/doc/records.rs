//! Checks of a fund (资金监管) as document operations.

use super::change_note::{Action, Stamp};
use super::register_doc::{DocError, RegisterDoc};
use crate::model::{Fund, new_id};
use crate::rules::FundCheckForm;

impl RegisterDoc {
    /// Records a check of fund `id`, by `stamp.author`.
    pub fn record_fund_check(&mut self, stamp: &Stamp, id: &str, form: &FundCheckForm) -> Result<(), DocError> {
        let mut fund = self.fresh_entity::<Fund>(id)?;
        let check = form.check(self.register(), &stamp.author, stamp.at).map_err(DocError::Invalid)?;
        fund.checks.insert(new_id(), check);
        self.write_entity(stamp, Action::Update, id, &fund)
    }
}
