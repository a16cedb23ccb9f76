//! Checks of a fund (资金监管), freezing the summary (自评总结) and filing the register (归档)
//! as document operations.

use super::change_note::{Action, Stamp};
use super::register_doc::{DocError, RegisterDoc};
use automerge::ChangeHash;

use crate::model::{Filing, Frozen, Fund, Id, Register, Summary, new_id};
use crate::rules::{FilingForm, Form, FundCheckForm, Invalid, Reason};

impl RegisterDoc {
    /// Records a check of fund `id`, by `stamp.author`.
    pub fn record_fund_check(&mut self, stamp: &Stamp, id: &str, form: &FundCheckForm) -> Result<(), DocError> {
        let mut fund = self.fresh_entity::<Fund>(id)?;
        let check = form.check(self.register(), &stamp.author, stamp.at).map_err(DocError::Invalid)?;
        fund.checks.insert(new_id(), check);
        self.write_entity(stamp, Action::Update, id, &fund)
    }
}

impl RegisterDoc {
    /// Files the register as it now stands under `name` (归档): records the document's heads,
    /// from which the register as it is now can be read back whatever comes later.
    pub fn file_register(&mut self, stamp: &Stamp, name: &str) -> Result<Id, DocError> {
        let heads = self.heads().iter().map(ToString::to_string).collect();
        let mut filing = Filing { heads, by: stamp.author.clone(), at: stamp.at, ..Filing::default() };
        FilingForm { name: name.to_string() }.apply(&mut filing, self.register()).map_err(DocError::Invalid)?;
        let id = new_id();
        self.write_entity(stamp, Action::Create, &id, &filing)?;
        Ok(id)
    }

    /// Makes summary `id` final (its words stay), then files the register under `name` with the
    /// summary in it. Returns the filing's id.
    pub fn freeze_summary(&mut self, stamp: &Stamp, id: &str, name: &str) -> Result<Id, DocError> {
        let mut summary = self.fresh_entity::<Summary>(id)?;
        if summary.frozen.is_some() {
            return Err(DocError::Invalid(vec![Invalid { field: "text", reason: Reason::Fixed }]));
        }
        summary.frozen = Some(Frozen { by: stamp.author.clone(), at: stamp.at });
        self.write_entity(stamp, Action::Update, id, &summary)?;
        self.file_register(stamp, name)
    }

    /// The register as it stood at `heads` (hex), read-only.
    pub fn register_at_heads(&mut self, heads: &[String]) -> Result<Register, DocError> {
        let heads = heads
            .iter()
            .map(|h| h.parse::<ChangeHash>().map_err(|_| DocError::Write(format!("not a change: {h}"))))
            .collect::<Result<Vec<_>, _>>()?;
        let past = self.fork_at_heads(&heads)?;
        autosurgeon::hydrate(&past).map_err(|e| DocError::NotARegister(e.to_string()))
    }
}
