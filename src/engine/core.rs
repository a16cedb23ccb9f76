//! The register engine's decisions, sans-IO (as samod-core is to samod): which registers are in
//! memory, which one the page has open, when each is written, what a write tells the other
//! tabs, what a tab's stored chunk changes here, where an imported or joined register goes, and
//! what the page is told. The Web Worker (`src/worker.rs`) feeds it [`Input`]s (page requests,
//! store results, other tabs' chunks, timer firings, lock grants) and carries out the
//! [`Effect`]s it returns; it holds no policy. `tests/engine_sim.rs` runs several of these cores
//! against an in-memory browser under a seeded scheduler.
//!
//! Every register in memory is a [`Slot`]. The page has one open; a register the page switched
//! away from stays in memory, saving and retrying, until everything it holds is stored: a slow
//! or failed save never loses what was typed before the switch, and every message that names a
//! register (a write's outcome, a status, an unsaved journal) names the one it is about.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use automerge::ChangeHash;

use super::protocol::{Event, FromEngine, Imported, JournalEntry, RemoteError, Reply, Request, ToEngine};
use super::sealing::{Keyring, Locks, reporters, seal_command, unlock};
use super::{Command, Outcome, ViewPatch};
use crate::doc::{Conflict, DocError, MergeReport, RegisterDoc, Stamp};
use crate::model::{EntityKind, Id, Template};
use crate::rules::{Invalid, Reason};
use crate::storage::{Autosave, AutosaveStep, Persistence, SaveStatus, Saved, StorageError, StoredChunk, Write};
use crate::sync::{RegisterFile, TabMessage, read_file};

/// How long after the last save the view copy is rewritten.
pub const PREVIEW_DELAY_MS: u32 = 3_000;

/// Something that happened to the engine.
// Made and consumed at once, one at a time: boxing the page's request would only allocate.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Input {
    /// A request from the page.
    Page(ToEngine),
    /// A load the engine asked for ended.
    Loaded {
        /// The job that asked.
        job: u64,
        /// Every chunk stored for the register, or why they could not be read.
        result: Result<Vec<StoredChunk>, StorageError>,
    },
    /// A write the engine asked for ended.
    Applied {
        /// The job that asked.
        job: u64,
        /// How it went.
        result: Result<(), StorageError>,
    },
    /// Another tab (or this browser's hub) stored changes.
    Tab(TabMessage),
    /// A timer the engine set fired.
    Timer(Timer),
    /// This tab may compact the register (it holds the register's compactor lock).
    LockGranted(Id),
    /// A register fetched by share link, or why it could not be (the hub's join).
    Fetched {
        /// The page's request.
        request: u64,
        /// The register, or the reply to give.
        result: Result<Box<RegisterDoc>, Reply>,
        /// Journals of that register the page sent.
        journals: Vec<JournalEntry>,
    },
}

/// A timer, named by what it is for; setting one replaces the timer of the same name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Timer {
    /// The register's save debounce or retry.
    Save(Id),
    /// Rewrite the register's view copy.
    Preview(Id),
    /// Scan the open register for conflicts (after the page has its view).
    Conflicts(Id),
}

/// What the adapter does.
// As with `Input`: made and carried out at once.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Effect {
    /// Post to the page.
    Post(FromEngine),
    /// Read the register's chunks and answer with [`Input::Loaded`]; with `preview`, first post
    /// the register's view copy to the page as [`Event::Preview`], if one is kept.
    Load {
        /// Named in the answer.
        job: u64,
        /// The register.
        register: Id,
        /// Whether to post the view copy first.
        preview: bool,
    },
    /// Store the write and answer with [`Input::Applied`].
    Apply {
        /// Named in the answer.
        job: u64,
        /// The register.
        register: Id,
        /// What to store.
        write: Write,
    },
    /// Replace the register's view copy (a failure is only logged: it is a cache).
    PutView {
        /// The register.
        register: Id,
        /// `storage::encode_view` bytes.
        bytes: Vec<u8>,
    },
    /// Tell the other tabs, and this browser's hub, what was stored.
    TellTabs(TabMessage),
    /// A shared register's fresh edit, before it is stored: for the hub to send up at once.
    Fresh {
        /// The register.
        register: Id,
        /// The new changes.
        changes: Vec<u8>,
    },
    /// Start (or restart) a timer; answer with [`Input::Timer`].
    SetTimer(Timer, u32),
    /// Ask for the register's compactor lock; answer with [`Input::LockGranted`].
    WantLock(Id),
    /// Let go of the register's compactor lock.
    DropLock(Id),
    /// A request only the live-sync side answers (shares, network, secret): it replies itself.
    Live(ToEngine),
    /// Fetch a register by share link, then answer with [`Input::Fetched`].
    Join {
        /// The page's request.
        request: u64,
        /// The link.
        share: crate::sync::Share,
        /// Journals to hand back with the answer.
        journals: Vec<JournalEntry>,
    },
    /// Something went wrong that nobody waits for: for the console.
    Warn(String),
}

/// One register in memory.
struct Slot {
    doc: RegisterDoc,
    persistence: Persistence,
    autosave: Autosave,
    /// This tab holds the register's compactor lock.
    compactor: bool,
    /// The status last told to the page.
    told: Option<SaveStatus>,
    /// Imports or joins of a register the page has not shown, waiting for its first write to
    /// answer: stored, or refused with nothing kept.
    answers: Vec<(u64, Imported)>,
    /// The page has shown it or a member edited it: what it holds is the member's, kept until
    /// stored, whatever becomes of an import into it.
    precious: bool,
    /// Closed tabs' journals whose changes are in memory here and not yet all stored: the page
    /// deletes them only once they are.
    journals: Vec<String>,
}

impl Slot {
    fn new(doc: RegisterDoc, persistence: Persistence) -> Self {
        Self {
            doc,
            persistence,
            autosave: Autosave::default(),
            compactor: false,
            told: None,
            answers: Vec::new(),
            precious: false,
            journals: Vec::new(),
        }
    }

    fn read_journals(mut self, journals: &[JournalEntry]) -> Self {
        self.journals.extend(journals.iter().map(|(key, _)| key.clone()));
        self
    }
}

/// What a load or write was for.
enum Job {
    /// Opening a register for the page; other tabs' chunks of it that came meanwhile.
    Open { request: u64, register: Id, journals: Vec<JournalEntry>, early: Vec<TabMessage> },
    /// Keeping a register that came from a file or a relay, not in memory here.
    Keep { request: u64, incoming: Box<RegisterDoc>, journals: Vec<JournalEntry> },
    /// Storing what a slot holds; `since`: what was stored before.
    Write { register: Id, since: Vec<ChangeHash>, write: Write },
}

/// The engine of one tab.
#[derive(Default)]
pub struct Core {
    slots: BTreeMap<Id, Slot>,
    /// The register the page has open.
    open: Option<Id>,
    /// Requests waiting for the one being opened.
    queue: VecDeque<ToEngine>,
    /// An opening is under way: requests wait for it.
    parked: bool,
    jobs: BTreeMap<u64, Job>,
    next_job: u64,
    /// The open register's conflicted fields.
    conflicts: Vec<Conflict>,
    /// The keys that open the open register's reporters' names, in memory only.
    keyring: Option<Keyring>,
    /// Registers this browser syncs live.
    shared: BTreeSet<Id>,
    device: String,
    out: Vec<Effect>,
}

fn failed(e: &DocError) -> Reply {
    Reply::Failed(RemoteError::from(e))
}

fn keyed(key: &str, detail: String) -> Reply {
    Reply::Failed(RemoteError::Keyed { key: key.to_string(), detail })
}

fn journal_bytes(journals: &[JournalEntry]) -> Vec<&[u8]> {
    journals.iter().map(|(_, b)| b.as_slice()).collect()
}

impl Core {
    /// The register the page has open, once it is loaded.
    pub fn open_id(&self) -> Option<&str> {
        self.open.as_deref()
    }

    /// The registers in memory.
    pub fn in_memory(&self) -> impl Iterator<Item = &str> {
        self.slots.keys().map(String::as_str)
    }

    /// Feeds one input and returns what to do.
    pub fn step(&mut self, input: Input) -> Vec<Effect> {
        match input {
            Input::Page(request) => {
                self.queue.push_back(request);
                self.drain();
            }
            Input::Loaded { job, result } => {
                match self.jobs.remove(&job) {
                    Some(Job::Open { request, register, journals, early }) => {
                        let reply = self.opened(&register, result, &journals, early);
                        self.reply(request, reply);
                        self.parked = false;
                    }
                    Some(Job::Keep { request, incoming, journals }) => {
                        self.loaded_kept(request, *incoming, journals, result)
                    }
                    // Only writes are answered with `Applied`; a stray answer leaves it waiting.
                    Some(write @ Job::Write { .. }) => {
                        self.jobs.insert(job, write);
                    }
                    None => {}
                }
                self.drain();
            }
            Input::Applied { job, result } => {
                if let Some(Job::Write { register, since, write }) = self.jobs.remove(&job) {
                    self.written(&register, &since, &write, result);
                }
            }
            Input::Tab(message) => self.receive(message),
            Input::Timer(timer) => self.timer(timer),
            Input::LockGranted(register) => {
                if let Some(slot) = self.slots.get_mut(&register) {
                    slot.compactor = true;
                }
            }
            Input::Fetched { request, result, journals } => match result {
                Ok(incoming) => self.keep_incoming(request, *incoming, journals),
                Err(reply) => self.reply(request, reply),
            },
        }
        self.let_go();
        std::mem::take(&mut self.out)
    }

    fn emit(&mut self, effect: Effect) {
        self.out.push(effect);
    }

    fn event(&mut self, event: Event) {
        self.emit(Effect::Post(FromEngine::Event(event)));
    }

    fn reply(&mut self, id: u64, reply: Reply) {
        self.emit(Effect::Post(FromEngine::Reply { id, reply }));
    }

    fn job(&mut self, job: Job) -> u64 {
        self.next_job += 1;
        self.jobs.insert(self.next_job, job);
        self.next_job
    }

    /// Answers requests in order; an opening holds the ones after it until it is done.
    fn drain(&mut self) {
        while !self.parked {
            let Some(ToEngine { id, request }) = self.queue.pop_front() else { break };
            if let Some(reply) = self.handle(id, request) {
                self.reply(id, reply);
            }
        }
    }

    fn stamp(&self, author: Id, at: i64) -> Stamp {
        Stamp::new(author, at).on(&self.device)
    }

    /// Answers a request, or returns `None` when the answer comes later (or from elsewhere).
    fn handle(&mut self, id: u64, request: Request) -> Option<Reply> {
        Some(match request {
            Request::Open { register, journals } => return self.open(id, register, journals),
            Request::Create { unit, template, today, at, founder } => {
                let Ok(today) = today.parse() else {
                    return Some(keyed("error.write", format!("not a date: {today}")));
                };
                let id = qingfeng_wire::founded_register_id(&founder);
                let stamp = self.stamp(String::new(), at);
                match RegisterDoc::create_as(id, &unit, Template::by_code(&template), today, &stamp) {
                    Ok(doc) => {
                        let register = doc.id().to_string();
                        let view = doc.register().clone();
                        self.add_slot(Slot::new(doc, Persistence::fresh(&register)));
                        self.show(&register);
                        // Nothing of it is stored yet: save at once.
                        self.edited(&register);
                        Reply::Opened(Box::new(view))
                    }
                    Err(e) => failed(&e),
                }
            }
            Request::Run { register, command, author, at } => {
                let stamp = self.stamp(author, at);
                match self.run(&register, command, &stamp) {
                    Ok(outcome) => Reply::Ran(outcome),
                    Err(e) => failed(&e),
                }
            }
            Request::History => self.read(|d| Reply::History(d.history())),
            Request::EntityHistory { kind, id } => self.read(|d| Reply::History(d.entity_history(kind, &id))),
            Request::RegisterAt { hash } => self.read(|d| {
                let Some(hash) = d.change_hash(&hash) else { return Reply::Missing };
                let at = d.history().into_iter().find(|e| e.hash == hash).map(|e| e.at).unwrap_or_default();
                d.register_at(hash)
                    .map_or_else(|e| failed(&e), |register| Reply::RegisterAt { at, register: Box::new(register) })
            }),
            Request::RegisterAtHeads { heads } => self.read(|d| {
                d.register_at_heads(&heads)
                    .map_or_else(|e| failed(&e), |register| Reply::RegisterAt { at: 0, register: Box::new(register) })
            }),
            Request::ExportFile => self.read(|d| Reply::File(d.export_file())),
            Request::Xlsx { table, sheet } => match crate::report::to_xlsx(&table, &sheet) {
                Ok(bytes) => Reply::File(bytes),
                Err(e) => keyed("catalogue.xlsx_failed", e.to_string()),
            },
            Request::Import { bytes, journals } => return self.import(id, bytes, journals),
            Request::Shares(shares) => {
                self.shared = shares.iter().map(|s| s.register.clone()).collect();
                self.emit(Effect::Live(ToEngine { id, request: Request::Shares(shares) }));
                return None;
            }
            request @ (Request::ReplaceSecret { .. } | Request::Network { .. }) => {
                self.emit(Effect::Live(ToEngine { id, request }));
                return None;
            }
            Request::Join { share, journals } => {
                self.emit(Effect::Join { request: id, share, journals });
                return None;
            }
            Request::Device(device) => {
                self.device = device;
                Reply::Ran(Outcome::Done)
            }
            Request::StaffPlan { name, bytes, columns } => match crate::sync::read_staff_file(&name, &bytes) {
                Ok(table) => self.read(|d| {
                    let columns = columns.unwrap_or_else(|| crate::sync::guess_columns(&table.headers));
                    let rows = crate::sync::plan_staff(d.register(), &table, &columns);
                    Reply::StaffPlan { headers: table.headers.clone(), columns, rows }
                }),
                Err(e) => keyed(e.label_key(), e.to_string()),
            },
            Request::SetPassphrase { passphrase, author, at } => {
                let stamp = self.stamp(author, at);
                self.set_passphrase(&passphrase.0, &stamp)
            }
            Request::Unlock { passphrase, author, at } => {
                let stamp = self.stamp(author, at);
                self.unlock(&passphrase.0, &stamp)
            }
            Request::Reporters => match self.open.clone().and_then(|open| self.keyring_for(&open).cloned()) {
                Some(keys) => self.read(|d| Reply::Reporters(reporters(d.register(), &keys))),
                None => keyed("seal.locked", "the passphrase was not given".into()),
            },
            Request::Lock => {
                self.keyring = None;
                Reply::Ran(Outcome::Done)
            }
        })
    }

    /// Works on the open document; refused while none is open.
    fn read(&mut self, f: impl FnOnce(&mut RegisterDoc) -> Reply) -> Reply {
        match self.open.as_ref().and_then(|open| self.slots.get_mut(open)) {
            Some(slot) => f(&mut slot.doc),
            None => failed(&DocError::NotReady),
        }
    }

    fn keyring_for(&self, register: &str) -> Option<&Keyring> {
        self.keyring.as_ref().filter(|k| k.register == register)
    }

    /// Sets the first passphrase of the open register; refused once one was set.
    fn set_passphrase(&mut self, passphrase: &str, stamp: &Stamp) -> Reply {
        let Some(register) = self.open.clone() else { return failed(&DocError::NotReady) };
        let set = self.slots.get(&register).is_some_and(|s| Locks::of(s.doc.register()).any());
        if set {
            return failed(&DocError::Invalid(vec![Invalid { field: "passphrase", reason: Reason::Duplicate }]));
        }
        let (lock, check, key) = match crate::seal::new_lock(passphrase, &register) {
            Ok(made) => made,
            Err(e) => return keyed(e.label_key(), e.to_string()),
        };
        match self.run(&register, Command::AddReporterLock { id: lock.clone(), check }, stamp) {
            Ok(outcome) => {
                self.keyring = Some(Keyring::new(&register, lock, key));
                Reply::Ran(outcome)
            }
            Err(e) => failed(&e),
        }
    }

    /// Keeps the keys `passphrase` opens in the open register, after sealing again what the
    /// legacy lock sealed ([`crate::engine::sealing::unlock`]).
    fn unlock(&mut self, passphrase: &str, stamp: &Stamp) -> Reply {
        let Some(register) = self.open.clone() else { return failed(&DocError::NotReady) };
        let Some(slot) = self.slots.get(&register) else { return failed(&DocError::NotReady) };
        let (keys, commands) = match unlock(slot.doc.register(), passphrase) {
            Ok(unlocked) => unlocked,
            Err(e) => return keyed(e.label_key(), e.to_string()),
        };
        for command in commands {
            if let Err(e) = self.run(&register, command, stamp) {
                return failed(&e);
            }
        }
        self.keyring = Some(keys);
        Reply::Ran(Outcome::Done)
    }

    // ---- Opening and switching ----

    /// Opens a register: at once when it is in memory, else after its chunks are read.
    fn open(&mut self, request: u64, register: Id, journals: Vec<JournalEntry>) -> Option<Reply> {
        if self.slots.contains_key(&register) {
            // Journals of closed tabs may hold what this memory lacks.
            self.apply_journals(&register, &journals);
            self.show(&register);
            let view = self.slots.get(&register).map(|s| s.doc.register().clone());
            return view.map(|view| Reply::Opened(Box::new(view)));
        }
        self.parked = true;
        let job = self.job(Job::Open { request, register: register.clone(), journals, early: Vec::new() });
        self.emit(Effect::Load { job, register, preview: true });
        None
    }

    /// The chunks of a register being opened were read.
    fn opened(
        &mut self,
        register: &str,
        chunks: Result<Vec<StoredChunk>, StorageError>,
        journals: &[JournalEntry],
        early: Vec<TabMessage>,
    ) -> Reply {
        let chunks = match chunks {
            Ok(chunks) => chunks,
            Err(e) => return keyed(e.label_key(), e.to_string()),
        };
        if !self.slots.contains_key(register) {
            // From the store alone, then each journal on its own: one an older or newer build
            // wrote that this one cannot read is kept and said, and does not fail the opening.
            // A register closed before its first save exists only in journals.
            let opened = if chunks.is_empty() {
                Persistence::open(register, &chunks, &journal_bytes(journals)).map(|o| o.map(|o| (o, true)))
            } else {
                Persistence::open(register, &chunks, &[]).map(|o| o.map(|o| (o, false)))
            };
            match opened {
                Ok(Some(((doc, persistence), from_journals))) => {
                    let slot = Slot::new(doc, persistence);
                    if from_journals {
                        self.add_slot(slot.read_journals(journals));
                    } else {
                        self.add_slot(slot);
                        self.apply_journals(register, journals);
                    }
                }
                Ok(None) => return Reply::Missing,
                Err(e) => return failed(&e),
            }
        } else {
            self.apply_journals(register, journals);
        }
        for message in early {
            self.receive(message);
        }
        self.show(register);
        let Some(slot) = self.slots.get_mut(register) else { return Reply::Missing };
        // What journals brought, or a load's own fold, is in memory only: store it now.
        if !journals.is_empty() || slot.persistence.wants_compaction() || slot.persistence.is_behind(&mut slot.doc) {
            self.edited(register);
        }
        let view = self.slots.get(register).map(|s| s.doc.register().clone());
        view.map_or(Reply::Missing, |view| Reply::Opened(Box::new(view)))
    }

    fn add_slot(&mut self, slot: Slot) {
        let register = slot.doc.id().to_string();
        self.emit(Effect::WantLock(register.clone()));
        self.slots.insert(register, slot);
    }

    /// Makes `register` (in memory) the page's open one and tells the page where it stands.
    fn show(&mut self, register: &str) {
        if self.open.as_deref() != Some(register) {
            if self.keyring_for(register).is_none() {
                self.keyring = None;
            }
            self.open = Some(register.to_string());
            self.conflicts.clear();
            self.emit(Effect::SetTimer(Timer::Conflicts(register.to_string()), 0));
            self.emit(Effect::SetTimer(Timer::Preview(register.to_string()), PREVIEW_DELAY_MS));
        }
        if let Some(slot) = self.slots.get_mut(register) {
            // Patches of the view the page is about to get are in it already.
            slot.doc.take_view_patches();
            slot.told = None;
            slot.precious = true;
        }
        self.tell_status(register);
        self.tell_unsaved(register);
    }

    /// Lets go of registers the page left once everything they hold is stored.
    fn let_go(&mut self) {
        let done: Vec<Id> = self
            .slots
            .iter()
            .filter(|(id, slot)| {
                self.open.as_ref() != Some(*id) && !slot.autosave.is_dirty() && slot.answers.is_empty()
            })
            .map(|(id, _)| id.clone())
            .collect();
        for register in done {
            self.slots.remove(&register);
            self.emit(Effect::DropLock(register));
        }
    }

    // ---- Commands ----

    /// Runs a command on `register`, which must be in memory (the page made it on that
    /// register's view; another may have been opened since).
    fn run(&mut self, register: &str, command: Command, stamp: &Stamp) -> Result<Outcome, DocError> {
        let merge = matches!(command, Command::MergeFile(_));
        let keys = self.keyring.as_ref().filter(|k| k.register == register);
        let slot = self.slots.get_mut(register).ok_or(DocError::NotReady)?;
        let command = seal_command(command, keys, slot.doc.register())?;
        let shared = self.shared.contains(register);
        slot.precious = true;
        let before = shared.then(|| slot.doc.heads());
        let (outcome, patches) = slot.doc.run(stamp, command)?;
        let fresh = before.map(|before| slot.doc.save_after(&before));
        self.tell_patches(register, patches);
        if let Some(changes) = fresh.filter(|c| !c.is_empty()) {
            self.emit(Effect::Fresh { register: register.to_string(), changes });
        }
        if self.open.as_deref() == Some(register) {
            if merge {
                self.refresh_conflicts();
            } else {
                self.recheck_written();
            }
        } else if let Some(slot) = self.slots.get_mut(register) {
            // Its conflicts are scanned whole when it is opened again.
            slot.doc.take_written();
        }
        self.edited(register);
        Ok(outcome)
    }

    fn tell_patches(&mut self, register: &str, patches: Vec<ViewPatch>) {
        // The patches of a register the page does not show are dropped: it reads the view anew
        // when it opens it.
        if !patches.is_empty() && self.open.as_deref() == Some(register) {
            self.event(Event::Patches { register: register.to_string(), patches });
        }
    }

    fn refresh_conflicts(&mut self) {
        let Some(open) = self.open.clone() else { return };
        let Some(slot) = self.slots.get_mut(&open) else { return };
        self.conflicts = slot.doc.conflicts();
        self.tell_conflicts();
    }

    /// Edits settle conflicts, only merges make them: re-checks the entities local changes wrote.
    fn recheck_written(&mut self) {
        let Some(open) = self.open.clone() else { return };
        let Some(slot) = self.slots.get_mut(&open) else { return };
        let (written, found) = slot.doc.written_conflicts();
        self.replace_conflicts(&written, found);
    }

    fn replace_conflicts(&mut self, entities: &[(EntityKind, Id)], found: Vec<Conflict>) {
        if entities.is_empty() {
            return;
        }
        let before = self.conflicts.len();
        self.conflicts.retain(|c| !entities.iter().any(|(kind, id)| c.kind == *kind && c.id == *id));
        if before == self.conflicts.len() && found.is_empty() {
            return;
        }
        self.conflicts.extend(found);
        self.tell_conflicts();
    }

    fn tell_conflicts(&mut self) {
        if let Some(register) = self.open.clone() {
            let conflicts = self.conflicts.clone();
            self.event(Event::Conflicts { register, conflicts });
        }
    }

    // ---- Saving ----

    /// The register's document changed: the autosave decides when to write; the page learns
    /// what is not yet stored.
    fn edited(&mut self, register: &str) {
        let Some(slot) = self.slots.get_mut(register) else { return };
        let step = slot.autosave.edited();
        self.follow(register, step);
        self.tell_unsaved(register);
    }

    fn follow(&mut self, register: &str, step: AutosaveStep) {
        self.tell_status(register);
        match step {
            AutosaveStep::Idle => {}
            AutosaveStep::Wait(ms) => self.emit(Effect::SetTimer(Timer::Save(register.to_string()), ms)),
            AutosaveStep::Write => self.write(register),
        }
    }

    /// Takes what the register's memory holds and the store lacks, and stores it.
    fn write(&mut self, register: &str) {
        let Some(slot) = self.slots.get_mut(register) else { return };
        let since = slot.persistence.stored_heads().to_vec();
        match slot.persistence.prepare(&mut slot.doc, slot.compactor) {
            Some(write) => {
                let job = self.job(Job::Write { register: register.to_string(), since, write: write.clone() });
                self.emit(Effect::Apply { job, register: register.to_string(), write });
            }
            None => {
                let step = slot.autosave.finished(Ok(Saved::Nothing));
                self.follow(register, step);
                self.tell_unsaved(register);
            }
        }
    }

    /// A write ended: the other tabs learn what it stored, the page where saving stands.
    fn written(&mut self, register: &str, since: &[ChangeHash], write: &Write, result: Result<(), StorageError>) {
        let Some(slot) = self.slots.get_mut(register) else { return };
        slot.persistence.written(write, &result);
        match &result {
            Ok(()) => {
                let changes = if write.is_snapshot() { slot.doc.save_after(since) } else { write.bytes.clone() };
                let message = TabMessage { register: register.to_string(), changes, heads: write.heads.clone() };
                self.emit(Effect::TellTabs(message));
                if self.open.as_deref() == Some(register) {
                    self.emit(Effect::SetTimer(Timer::Preview(register.to_string()), PREVIEW_DELAY_MS));
                }
            }
            Err(e) => self.emit(Effect::Warn(format!("saving register {register} failed: {e}"))),
        }
        let Some(slot) = self.slots.get_mut(register) else { return };
        let (answers, unshown) = (std::mem::take(&mut slot.answers), !slot.precious);
        let answered = !answers.is_empty();
        for (request, imported) in answers {
            let reply = match &result {
                Ok(()) => Reply::Imported(imported),
                Err(e) => keyed(e.label_key(), e.to_string()),
            };
            self.reply(request, reply);
        }
        if answered && unshown && result.is_err() {
            // Registers kept from outside that could not be stored, and that hold nothing
            // else: every import was refused, so nothing of them is kept.
            self.slots.remove(register);
            self.emit(Effect::DropLock(register.to_string()));
            return;
        }
        let Some(slot) = self.slots.get_mut(register) else { return };
        let step = slot.autosave.finished(result.map(|()| write.outcome()));
        self.follow(register, step);
        self.tell_unsaved(register);
    }

    fn tell_status(&mut self, register: &str) {
        let Some(slot) = self.slots.get_mut(register) else { return };
        let status = slot.autosave.status().clone();
        if slot.told.as_ref() != Some(&status) {
            slot.told = Some(status.clone());
            self.event(Event::Status { register: register.to_string(), status });
        }
    }

    /// Tells the page the register's changes not yet stored (empty when all are), for the
    /// journal it writes as it closes.
    fn tell_unsaved(&mut self, register: &str) {
        let Some(slot) = self.slots.get_mut(register) else { return };
        let bytes = slot.persistence.unsaved(&mut slot.doc);
        let stored = if bytes.is_empty() { std::mem::take(&mut slot.journals) } else { Vec::new() };
        self.event(Event::Unsaved { register: register.to_string(), bytes });
        if !stored.is_empty() {
            self.event(Event::JournalsStored(stored));
        }
    }

    fn timer(&mut self, timer: Timer) {
        match timer {
            Timer::Save(register) => {
                let Some(slot) = self.slots.get_mut(&register) else { return };
                if !slot.autosave.is_dirty() {
                    return;
                }
                let step = slot.autosave.due();
                self.follow(&register, step);
            }
            Timer::Preview(register) => {
                let Some(slot) = self.slots.get_mut(&register) else { return };
                let bytes = crate::storage::encode_view(&slot.doc.heads(), slot.doc.register());
                self.emit(Effect::PutView { register, bytes });
            }
            Timer::Conflicts(register) => {
                if self.open.as_deref() == Some(register.as_str()) {
                    self.refresh_conflicts();
                }
            }
        }
    }

    // ---- Changes from elsewhere ----

    /// Another tab (or the hub) stored changes: applied to the register if it is in memory
    /// here, kept for it if it is being opened. They are stored already: not written again.
    fn receive(&mut self, message: TabMessage) {
        let Some(slot) = self.slots.get_mut(&message.register) else {
            for job in self.jobs.values_mut() {
                if let Job::Open { register, early, .. } = job
                    && *register == message.register
                {
                    early.push(message);
                    return;
                }
            }
            return;
        };
        match slot.doc.apply_chunk(&message.changes) {
            Ok(report) => {
                slot.persistence.stored_elsewhere(&mut slot.doc, &message.heads);
                // Reading them may have gathered split maps: a change of this tab's to store.
                let behind = report.changes > 0 && slot.persistence.is_behind(&mut slot.doc);
                self.show_incoming(&message.register, report);
                if behind {
                    self.edited(&message.register);
                }
            }
            Err(e) => self.emit(Effect::Warn(format!("changes from another tab could not be read: {e}"))),
        }
    }

    /// Changes from elsewhere are in the register: the page gets their patches, and the
    /// conflicts of the entities they touched are found again.
    fn show_incoming(&mut self, register: &str, report: MergeReport) {
        let Some(slot) = self.slots.get_mut(register) else { return };
        let patches = slot.doc.take_view_patches();
        if self.open.as_deref() != Some(register) {
            return;
        }
        let entities: Vec<(EntityKind, Id)> = report.entities.into_iter().collect();
        let found = entities.iter().flat_map(|(k, id)| slot.doc.entity_conflicts(*k, id)).collect();
        self.tell_patches(register, patches);
        self.replace_conflicts(&entities, found);
    }

    /// Journals closed tabs left: their changes join the register in memory, and the journals
    /// are deleted once those are stored. One that cannot be read is kept, and said.
    fn apply_journals(&mut self, register: &str, journals: &[JournalEntry]) {
        for (key, bytes) in journals {
            let Some(slot) = self.slots.get_mut(register) else { return };
            match slot.doc.apply_chunk(bytes) {
                Ok(report) => {
                    slot.journals.push(key.clone());
                    self.show_incoming(register, report);
                }
                Err(e) => self.emit(Effect::Warn(format!("journal {key} could not be read: {e}"))),
            }
        }
        if !journals.is_empty() {
            self.edited(register);
        }
    }

    /// Imports a file: merged into the register in memory, or kept in storage; on error
    /// nothing changes.
    fn import(&mut self, request: u64, bytes: Vec<u8>, journals: Vec<JournalEntry>) -> Option<Reply> {
        if let Err(e) = RegisterFile::decode(&bytes) {
            return Some(keyed(e.label_key(), e.to_string()));
        }
        match read_file(&bytes) {
            Ok(incoming) => {
                self.keep_incoming(request, incoming, journals);
                None
            }
            Err(e) => Some(keyed(e.label_key(), e.to_string())),
        }
    }

    /// Keeps a register that came from outside (a file, a relay): merged into the copy in
    /// memory (after the journals of closed tabs, which may hold what memory lacks), or into
    /// the stored copy, or stored as new.
    fn keep_incoming(&mut self, request: u64, mut incoming: RegisterDoc, journals: Vec<JournalEntry>) {
        let register = incoming.id().to_string();
        if let Some(slot) = self.slots.get(&register) {
            let waiting = !slot.answers.is_empty();
            self.apply_journals(&register, &journals);
            match self.merge_into(&register, &mut incoming) {
                // A register waiting for its first write answers with it.
                Ok(report) if waiting => {
                    if let Some(slot) = self.slots.get_mut(&register) {
                        slot.answers.push((request, Imported::Merged { id: register, report }));
                    }
                }
                Ok(report) => self.reply(request, Reply::Imported(Imported::Merged { id: register, report })),
                Err(e) => self.reply(request, failed(&e)),
            }
            return;
        }
        let job = self.job(Job::Keep { request, incoming: Box::new(incoming), journals });
        self.emit(Effect::Load { job, register, preview: false });
    }

    fn merge_into(&mut self, register: &str, incoming: &mut RegisterDoc) -> Result<MergeReport, DocError> {
        let slot = self.slots.get_mut(register).ok_or(DocError::NotReady)?;
        let report = slot.doc.merge(incoming)?;
        self.show_incoming(register, report.clone());
        self.edited(register);
        Ok(report)
    }

    /// The stored copy of a register kept from outside was read: merged with it, then stored;
    /// the answer waits for that write.
    fn loaded_kept(
        &mut self,
        request: u64,
        mut incoming: RegisterDoc,
        journals: Vec<JournalEntry>,
        chunks: Result<Vec<StoredChunk>, StorageError>,
    ) {
        let register = incoming.id().to_string();
        if self.slots.contains_key(&register) {
            // Opened meanwhile.
            return self.keep_incoming(request, incoming, journals);
        }
        let chunks = match chunks {
            Ok(chunks) => chunks,
            Err(e) => return self.reply(request, keyed(e.label_key(), e.to_string())),
        };
        let (slot, imported) = match Persistence::open(&register, &chunks, &journal_bytes(&journals)) {
            Ok(Some((mut kept, persistence))) => match kept.merge(&mut incoming) {
                Ok(report) => (Slot::new(kept, persistence), Imported::Merged { id: register.clone(), report }),
                Err(e) => return self.reply(request, failed(&e)),
            },
            Ok(None) => {
                let name = incoming.register().unit.name.clone();
                (Slot::new(incoming, Persistence::fresh(&register)), Imported::Added { id: register.clone(), name })
            }
            Err(e) => return self.reply(request, failed(&e)),
        };
        let mut slot = slot.read_journals(&journals);
        slot.doc.take_view_patches();
        slot.answers.push((request, imported));
        self.add_slot(slot);
        if let Some(slot) = self.slots.get_mut(&register) {
            slot.autosave.edited();
            let step = slot.autosave.due();
            self.follow(&register, step);
        }
    }
}
