//! What the page and the engine's Web Worker say to each other: requests with an id, answered by
//! a reply with the same id, and events the engine sends on its own (patches from other tabs,
//! the save status, conflicts). Every message is postcard bytes.

use serde::{Deserialize, Serialize};

use super::{Command, Outcome, ViewPatch};
use crate::doc::{Conflict, DocError, HistoryEntry, MergeReport};
use crate::model::{EntityKind, Id, Register};
use crate::rules::{Invalid, UnitForm};
use crate::storage::SaveStatus;

/// A journal a closed tab left in localStorage (which a worker cannot read): its key and bytes.
pub type JournalEntry = (String, Vec<u8>);

/// What the page asks.
// Built, sent and read once each: boxing the larger commands would only add allocations.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Request {
    /// Open a stored register, with the journals closed tabs left for it.
    Open {
        /// The register.
        register: Id,
        /// Its journals.
        journals: Vec<JournalEntry>,
    },
    /// Create a register from a built-in template and open it.
    Create {
        /// 单位
        unit: UnitForm,
        /// The template's code ([`crate::model::Template::CODES`]).
        template: String,
        /// Today, `YYYY-MM-DD`, to date the plan's phases.
        today: String,
        /// Now, Unix seconds.
        at: i64,
        /// The founder's proof the page made and keeps (`crate::sync::Share::new_founder`): the
        /// register's id is made from it, so that only this browser can claim it on a relay.
        founder: String,
    },
    /// Run a command on `register` as `author`.
    Run {
        /// The register the page showed when the command was made.
        register: Id,
        /// The command.
        command: Command,
        /// The member (person id, "" when not chosen).
        author: Id,
        /// Now, Unix seconds.
        at: i64,
    },
    /// Every change, newest first.
    History,
    /// The changes of one entity.
    EntityHistory {
        /// Its kind.
        kind: EntityKind,
        /// Its id.
        id: Id,
    },
    /// The register as it was just after change `hash` (hex).
    RegisterAt {
        /// The change.
        hash: String,
    },
    /// The register as it stood at `heads` (hex): a filing (归档).
    RegisterAtHeads {
        /// The heads.
        heads: Vec<String>,
    },
    /// The open register as a `.qingfeng` file.
    ExportFile,
    /// A table as an XLSX workbook (built here: the XLSX writer is too large for the page).
    Xlsx {
        /// The table.
        table: crate::report::Table,
        /// The worksheet's name.
        sheet: String,
    },
    /// Sets the passphrase that seals reporters' names (the engine keeps the key in memory).
    SetPassphrase {
        /// The passphrase.
        passphrase: crate::seal::Passphrase,
        /// The member setting it.
        author: Id,
        /// Unix seconds.
        at: i64,
    },
    /// Gives the engine the passphrase: it keeps the keys that open the reporters' names, and
    /// seals names sealed before lock ids again under a new lock, as this member.
    Unlock {
        /// The passphrase.
        passphrase: crate::seal::Passphrase,
        /// The member giving it.
        author: Id,
        /// Unix seconds.
        at: i64,
    },
    /// Forgets the key: names are hidden again.
    Lock,
    /// The reporters the kept key opens.
    Reporters,
    /// Read a staff list (`.xlsx`, `.xls`, `.csv`) and check its rows against the open register,
    /// through `columns`, or through the columns its headers name.
    StaffPlan {
        /// The file's name.
        name: String,
        /// Its bytes.
        bytes: Vec<u8>,
        /// The columns chosen on the page.
        columns: Option<crate::sync::StaffColumns>,
    },
    /// Every register this browser syncs live, with its relay and secret: sent when the page
    /// starts and whenever the list changes. The hub worker syncs exactly these.
    Shares(Vec<crate::sync::Share>),
    /// Ask the relay to replace the open register's secret with `secret`.
    ReplaceSecret {
        /// The new secret.
        secret: String,
    },
    /// The browser's device id, kept by the page: every change the engine makes records it.
    Device(String),
    /// The page's window went online or offline (a worker may not hear it itself).
    Network {
        /// Whether the browser is online.
        online: bool,
    },
    /// Fetch a register by share link and keep it in this browser.
    Join {
        /// The link's relay, register and secret.
        share: crate::sync::Share,
        /// Journals of that register.
        journals: Vec<JournalEntry>,
    },
    /// Import a `.qingfeng` file, with the journals of the register it holds.
    Import {
        /// The file.
        bytes: Vec<u8>,
        /// Journals of that register.
        journals: Vec<JournalEntry>,
    },
}

/// A failure, as the page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum RemoteError {
    /// Fields of a form were refused.
    Invalid(Vec<Invalid>),
    /// Anything else: the message's locale key and a detail for the log.
    Keyed {
        /// The locale key.
        key: String,
        /// For the log.
        detail: String,
    },
}

impl From<&DocError> for RemoteError {
    fn from(e: &DocError) -> Self {
        match e {
            DocError::Invalid(fields) => RemoteError::Invalid(fields.clone()),
            other => RemoteError::Keyed { key: other.label_key().to_string(), detail: other.to_string() },
        }
    }
}

impl RemoteError {
    /// The failure as the page handles errors of the document.
    pub fn into_doc_error(self) -> DocError {
        match self {
            RemoteError::Invalid(fields) => DocError::Invalid(fields),
            RemoteError::Keyed { key, detail } => {
                DocError::Remote { key: crate::i18n::static_key(&key).unwrap_or("error.write"), detail }
            }
        }
    }
}

/// What importing a file did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Imported {
    /// A copy of a register kept here: its changes were merged.
    Merged {
        /// The register's id.
        id: Id,
        /// What came in.
        report: MergeReport,
    },
    /// A register new to this browser was added.
    Added {
        /// The register's id.
        id: Id,
        /// 单位名称
        name: String,
    },
}

/// The answer to a request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Reply {
    /// The register is open: its view.
    Opened(Box<Register>),
    /// No register with that id is stored here.
    Missing,
    /// The request failed.
    Failed(RemoteError),
    /// What a command did (its patches come as an event just before).
    Ran(Outcome),
    /// History entries.
    History(Vec<HistoryEntry>),
    /// A past state of the register, with the time of the change it follows.
    RegisterAt {
        /// Unix seconds, by the author's clock.
        at: i64,
        /// The register then.
        register: Box<Register>,
    },
    /// A file.
    File(Vec<u8>),
    /// What an import did.
    Imported(Imported),
    /// The reporters the passphrase opens, by complaint id.
    Reporters(std::collections::BTreeMap<Id, crate::engine::sealing::Reporter>),
    /// A staff list as it would be imported.
    StaffPlan {
        /// The file's header row.
        headers: Vec<String>,
        /// The columns used.
        columns: crate::sync::StaffColumns,
        /// Each row, checked.
        rows: Vec<crate::sync::StaffRow>,
    },
}

/// What the engine says on its own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Event {
    /// The engine listens: requests posted before this would have been lost (a worker drops
    /// messages that arrive while its wasm is still loading), so the page holds them until then.
    Ready,
    /// The register is being opened: its view copy (`storage::encode_view` bytes) to show
    /// while the document loads.
    Preview(Vec<u8>),
    /// The open register changed (a command, another tab, a merge).
    Patches {
        /// The register.
        register: Id,
        /// What changed.
        patches: Vec<ViewPatch>,
    },
    /// Where saving a register stands (the open one, or one the page left that still has
    /// changes to store).
    Status {
        /// The register.
        register: Id,
        /// Its status.
        status: SaveStatus,
    },
    /// Every conflicted field of the open register.
    Conflicts {
        /// The register.
        register: Id,
        /// Its conflicts.
        conflicts: Vec<Conflict>,
    },
    /// Where live sync of the open register stands.
    Live(crate::sync::LiveStatus),
    /// The changes not yet stored, for the journal the page writes as it closes (empty once
    /// everything is stored: this page's journal of the register can then go).
    Unsaved {
        /// The register.
        register: Id,
        /// The changes.
        bytes: Vec<u8>,
    },
    /// Closed tabs' journals the page sent whose changes are all stored now: they can go.
    JournalsStored(Vec<String>),
}

/// A message from the page to the engine.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToEngine {
    /// Answered with the same id.
    pub id: u64,
    /// What is asked.
    pub request: Request,
}

/// A message from the engine to the page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FromEngine {
    /// The answer to request `id`.
    Reply {
        /// The request's id.
        id: u64,
        /// The answer.
        reply: Reply,
    },
    /// Something the page should know.
    Event(Event),
}

/// A message as bytes.
pub fn encode<T: Serialize>(message: &T) -> Vec<u8> {
    // Plain data into a Vec cannot fail.
    postcard::to_allocvec(message).unwrap_or_default()
}

/// Bytes as a message; `None` for bytes that are not one.
pub fn decode<T: for<'de> Deserialize<'de>>(bytes: &[u8]) -> Option<T> {
    postcard::from_bytes(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::{RegisterDoc, Stamp};
    use crate::engine::AnyForm;
    use crate::model::Template;
    use crate::rules::{PersonForm, Reason};

    #[test]
    fn messages_travel_as_bytes() {
        let unit = UnitForm { name: "咸丰县林业局".into(), ..UnitForm::default() };
        let mut doc =
            RegisterDoc::create(&unit, &Template::school(), "2026-11-28".parse().unwrap(), &Stamp::default()).unwrap();
        let command =
            Command::Create(AnyForm::Person(PersonForm { name: "朱忠云".into(), ..PersonForm::default() }));
        let (outcome, patches) = doc.run(&Stamp::default(), command.clone()).unwrap();
        let messages = [
            FromEngine::Reply { id: 7, reply: Reply::Opened(Box::new(doc.register().clone())) },
            FromEngine::Event(Event::Patches { register: doc.id().to_string(), patches }),
            FromEngine::Reply { id: 8, reply: Reply::Ran(outcome) },
            FromEngine::Reply { id: 9, reply: Reply::History(doc.history()) },
            FromEngine::Reply {
                id: 10,
                reply: Reply::Failed(RemoteError::Invalid(vec![Invalid { field: "name", reason: Reason::Required }])),
            },
            FromEngine::Event(Event::Status {
                register: doc.id().to_string(),
                status: SaveStatus::Failed(crate::storage::StorageError::Full),
            }),
        ];
        for message in messages {
            assert_eq!(decode::<FromEngine>(&encode(&message)), Some(message));
        }
        let request = ToEngine {
            id: 1,
            request: Request::Run { register: doc.id().to_string(), command, author: String::new(), at: 1 },
        };
        assert_eq!(decode::<ToEngine>(&encode(&request)), Some(request));
        assert_eq!(decode::<ToEngine>(b"\xff\xff garbage"), None);
    }
}
