//! What a change says about itself: who made it, to what, and what they did. Kept in the
//! Automerge change message so every copy of the register carries its own history.

use crate::model::{EntityKind, Id};

/// Who makes a change, on which device, and when. The person is whoever the member said they
/// are (not authenticated); the device is a random id the browser keeps, so history can tell
/// two browsers apart that chose the same name.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Stamp {
    /// The person id of the member making the change ("" before anyone chose who they are).
    pub author: Id,
    /// Unix time in seconds.
    pub at: i64,
    /// The browser's device id ("" when unknown: tests, older builds).
    pub device: String,
}

impl Stamp {
    /// A stamp for `author` at `at` seconds, on no known device.
    pub fn new(author: impl Into<Id>, at: i64) -> Self {
        Self { author: author.into(), at, device: String::new() }
    }

    /// The same stamp, made on `device`.
    pub fn on(self, device: &str) -> Self {
        Self { device: device.to_string(), ..self }
    }
}

/// What a change did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Action {
    /// The register was created.
    CreateRegister,
    /// The unit's details changed.
    UpdateUnit,
    /// The leading group changed.
    UpdateLeadingGroup,
    /// An entity was added.
    Create,
    /// An entity was edited.
    Update,
    /// An entity was archived.
    Archive,
    /// An archived entity was restored.
    Restore,
    /// A review step was taken on a risk point.
    Review,
    /// A risk point was rated.
    Rate,
    /// The register's settings changed.
    UpdateSettings,
    /// A publicity round was closed.
    Close,
    /// A step of a warning's case was recorded.
    CaseStep,
    /// Records of a map two copies made at once were gathered into one after a merge.
    Fold,
    /// A signature of the pledge was recorded.
    Sign,
    /// Reporters sealed under the legacy lock were sealed again under a new one.
    Reseal,
}

impl Action {
    const CODES: [(Action, &'static str); 15] = [
        (Action::CreateRegister, "create-register"),
        (Action::UpdateUnit, "update-unit"),
        (Action::UpdateLeadingGroup, "update-leading-group"),
        (Action::Create, "create"),
        (Action::Update, "update"),
        (Action::Archive, "archive"),
        (Action::Restore, "restore"),
        (Action::Review, "review"),
        (Action::Rate, "rate"),
        (Action::UpdateSettings, "update-settings"),
        (Action::Close, "close"),
        (Action::CaseStep, "case-step"),
        (Action::Fold, "fold"),
        (Action::Sign, "sign"),
        (Action::Reseal, "reseal"),
    ];

    fn code(self) -> &'static str {
        Self::CODES.iter().find(|(a, _)| *a == self).map(|(_, c)| *c).unwrap_or_default()
    }

    fn from_code(code: &str) -> Option<Self> {
        Self::CODES.iter().find(|(_, c)| *c == code).map(|(a, _)| *a)
    }

    /// The locale key of a history line for this action.
    pub fn label_key(self) -> &'static str {
        match self {
            Action::CreateRegister => "history.create_register",
            Action::UpdateUnit => "history.update_unit",
            Action::UpdateLeadingGroup => "history.update_leading_group",
            Action::Create => "history.create",
            Action::Update => "history.update",
            Action::Archive => "history.archive",
            Action::Restore => "history.restore",
            Action::Review => "history.review",
            Action::Rate => "history.rate",
            Action::UpdateSettings => "history.update_settings",
            Action::Close => "history.close",
            Action::Sign => "history.sign",
            Action::CaseStep => "history.case_step",
            Action::Fold => "history.fold",
            Action::Reseal => "history.reseal",
        }
    }
}

/// The message of one change: `key=value` lines, `author=<person id>` first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeNote {
    /// The member who made it.
    pub author: Id,
    /// The device it was made on ("" when unknown).
    pub device: String,
    /// What was done.
    pub action: Action,
    /// The entity touched, if any.
    pub entity: Option<(EntityKind, Id)>,
    /// The entity's name at the time, for history lines.
    pub label: String,
}

impl ChangeNote {
    /// The text stored in the change message.
    pub fn encode(&self) -> String {
        let mut text = format!("author={}\naction={}", one_line(&self.author), self.action.code());
        if let Some((kind, id)) = &self.entity {
            text.push_str(&format!("\nentity={}/{}", kind.collection(), one_line(id)));
        }
        if !self.label.is_empty() {
            text.push_str(&format!("\nlabel={}", one_line(&self.label)));
        }
        if !self.device.is_empty() {
            text.push_str(&format!("\ndevice={}", one_line(&self.device)));
        }
        text
    }

    /// The note in a change message, or `None` when the message was not written by Qingfeng.
    pub fn parse(message: &str) -> Option<Self> {
        let mut author = None;
        let mut action = None;
        let mut entity = None;
        let mut label = String::new();
        let mut device = String::new();
        for line in message.lines() {
            let (key, value) = line.split_once('=')?;
            match key {
                "author" => author = Some(value.to_string()),
                "action" => action = Action::from_code(value),
                "entity" => {
                    let (collection, id) = value.split_once('/')?;
                    entity = Some((EntityKind::from_collection(collection)?, id.to_string()));
                }
                "label" => label = value.to_string(),
                "device" => device = value.to_string(),
                _ => {}
            }
        }
        Some(Self { author: author?, device, action: action?, entity, label })
    }
}

fn one_line(text: &str) -> String {
    text.replace(['\n', '\r'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_keeps_to_one_line_per_key() {
        let note = ChangeNote {
            author: "p-1".into(),
            device: "d-7".into(),
            action: Action::Update,
            entity: Some((EntityKind::Risk, "r-9".into())),
            label: "采购\n收受回扣".into(),
        };
        let text = note.encode();
        assert!(text.starts_with("author=p-1\n"));
        let back = ChangeNote::parse(&text).unwrap();
        assert_eq!(back.label, "采购 收受回扣");
        assert_eq!(back.device, "d-7");
        // Notes written before devices were recorded still read, with no device.
        assert_eq!(ChangeNote::parse("author=p-1\naction=update").unwrap().device, "");
        assert_eq!((back.author, back.action, back.entity), (note.author, note.action, note.entity));
    }

    #[test]
    fn foreign_messages_are_not_notes() {
        assert_eq!(ChangeNote::parse("Initial commit"), None);
        assert_eq!(ChangeNote::parse("author=x\naction=explode"), None);
        assert_eq!(ChangeNote::parse("author=x\naction=update\nentity=spaceships/1"), None);
    }
}
