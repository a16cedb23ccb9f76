//! Steps of a 勤廉责任卡 as document operations.

use super::change_note::{Action, Stamp};
use super::register_doc::{DocError, RegisterDoc};
use crate::model::{CardAction, CardStage, CardStep, DutyCard, new_id};
use crate::rules::check_card_step;

impl RegisterDoc {
    /// Takes step `action` on duty card `id` as `stamp.author`, with `remarks`; records it in
    /// the card's trail. Returns the stage the card is in afterwards.
    pub fn card_step(
        &mut self,
        stamp: &Stamp,
        id: &str,
        action: CardAction,
        remarks: &str,
    ) -> Result<CardStage, DocError> {
        let mut card = self.fresh_entity::<DutyCard>(id)?;
        let next = check_card_step(self.register(), &card, &stamp.author, action, remarks)?;
        let step = CardStep {
            seq: card.trail.len() as u64,
            stage: card.stage,
            action,
            by: stamp.author.clone(),
            at: stamp.at,
            remarks: remarks.trim().to_string(),
        };
        card.trail.insert(new_id(), step);
        card.stage = next;
        self.write_entity(stamp, Action::Review, id, &card)?;
        Ok(next)
    }
}
