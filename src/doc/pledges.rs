//! Recording who signed the 廉政承诺书.

use super::change_note::{Action, Stamp};
use super::register_doc::{DocError, RegisterDoc};
use crate::model::{Entity as _, Pledge, Signature};
use crate::rules::{Invalid, Reason};

impl RegisterDoc {
    /// Records that `person` signed pledge version `pledge` on `date` (`YYYY-MM-DD`), as the
    /// member `stamp.author` saw on paper. Signing again corrects the date.
    pub fn sign_pledge(&mut self, stamp: &Stamp, pledge: &str, person: &str, date: &str) -> Result<(), DocError> {
        let mut version = self.fresh_entity::<Pledge>(pledge)?;
        let mut refused = Vec::new();
        if !self.register().people.get(person).is_some_and(|p| p.is_active()) {
            refused.push(Invalid { field: "person", reason: Reason::Unknown });
        }
        let date = match date.trim().parse::<crate::model::Date>() {
            Ok(day) => day.to_string(),
            Err(e) => {
                refused.push(Invalid { field: "date", reason: Reason::from(e) });
                String::new()
            }
        };
        if version.archived.is_some() {
            refused.push(Invalid { field: "pledge", reason: Reason::Archived });
        }
        if !refused.is_empty() {
            return Err(DocError::Invalid(refused));
        }
        version
            .signatures
            .insert(person.to_string(), Signature { date, recorded_by: stamp.author.clone(), at: stamp.at });
        self.write_entity(stamp, Action::Sign, pledge, &version)
    }
}
