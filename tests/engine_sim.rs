//! A deterministic simulation of the register engine (in the spirit of FoundationDB's
//! simulation testing and TigerBeetle's VOPR): one browser with several tabs, each a real
//! [`Core`] with a page that behaves as `ui/hooks/use_register.rs` and `use_autosave.rs` do,
//! sharing one store, one localStorage of journals, one `BroadcastChannel` and the compactor
//! locks, all in memory. A seeded scheduler delivers messages, store results, timers and lock
//! grants in any order the browser allows, and meanwhile members edit, switch and create
//! registers, import colleagues' files, fill and free the quota, and close tabs with and
//! without `pagehide`.
//!
//! Checked: when a page shows 已保存 for a register, the store holds every edit that page was
//! told was done; once the system is quiet, every such edit is in the register (and every edit
//! of a tab still open), and no register holds another register's records.
//!
//! `QINGFENG_SIM_SCHEDULES=n` runs n schedules (CI runs the default); `QINGFENG_SIM_SEED=s`
//! replays one. A failure prints its seed.

mod common;

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use qingfeng::workload::Rng;

use qingfeng::doc::{RegisterDoc, Stamp};
use qingfeng::engine::core::{Core, Effect, Input, Timer};
use qingfeng::engine::protocol::{Event, FromEngine, Imported, JournalEntry, RemoteError, Reply, Request, ToEngine};
use qingfeng::engine::{AnyForm, Command};
use qingfeng::model::{Register, Template};
use qingfeng::rules::{Form as _, PersonForm, UnitForm};
use qingfeng::storage::{ChunkKey, Persistence, SaveStatus, StorageError, StoredChunk, Write};
use qingfeng::sync::{Share, TabMessage};

/// Schedules run by default (CI); the bench runs many more.
const SCHEDULES: u64 = 2_000;
/// Steps of one schedule before it is brought to quiet.
const STEPS: usize = 80;

/// The browser's store: every register's chunks by key.
#[derive(Default)]
struct Store {
    chunks: BTreeMap<String, BTreeMap<ChunkKey, Vec<u8>>>,
    full: bool,
}

impl Store {
    fn load(&self, register: &str) -> Vec<StoredChunk> {
        self.chunks
            .get(register)
            .map(|c| c.iter().map(|(key, bytes)| StoredChunk { key: key.clone(), bytes: bytes.clone() }).collect())
            .unwrap_or_default()
    }

    fn apply(&mut self, register: &str, write: &Write) -> Result<(), StorageError> {
        // A full quota still takes a small write, as browsers' quotas do; not a snapshot.
        if self.full && write.bytes.len() > 2_000 {
            return Err(StorageError::Full);
        }
        let chunks = self.chunks.entry(register.to_string()).or_default();
        chunks.insert(write.key.clone(), write.bytes.clone());
        for folded in &write.folds {
            chunks.remove(folded);
        }
        Ok(())
    }

    /// The names of the people the store holds for `register`.
    fn people(&self, register: &str) -> Result<BTreeSet<String>, String> {
        common::stored_people(&self.load(register))
    }

    /// The register as a fresh opening reads it from the store alone.
    fn read(&self, register: &str) -> Result<Option<RegisterDoc>, String> {
        Persistence::open(register, &self.load(register), &[]).map(|o| o.map(|(doc, _)| doc)).map_err(|e| e.to_string())
    }
}

/// What a page asked and waits for.
#[derive(Debug, Clone)]
enum Asked {
    Open(String),
    Create,
    Edit {
        register: String,
        name: String,
    },
    /// A form's save that changed only the person's 职务 (title).
    Retitle {
        register: String,
        person: String,
        title: String,
    },
    Import {
        register: String,
        names: Vec<String>,
    },
    Other,
}

/// A page, as `use_register` and `use_autosave` keep it.
#[derive(Default)]
struct Page {
    /// The register the page shows, once it is opened.
    open: Option<String>,
    /// The register asked to be opened.
    opening: Option<String>,
    asked: BTreeMap<u64, Asked>,
    next_id: u64,
    /// Edits the engine said were done and this page has not yet seen stored.
    done: BTreeMap<String, Vec<String>>,
    /// Titles saved through a form, likewise.
    titles: BTreeMap<String, Vec<(String, String)>>,
    unsaved: BTreeMap<String, Vec<u8>>,
    /// The register as the page shows it (its opening's view, then the patches).
    view: Option<Register>,
    /// Person forms open on the page: the person and the values the form was opened with.
    forms: Vec<(String, PersonForm)>,
}

/// A tab: its page, its engine, and what travels between them and the browser.
struct Tab {
    name: String,
    core: Core,
    page: Page,
    /// Page → engine, in order.
    requests: VecDeque<ToEngine>,
    /// Engine → page, in order.
    posts: VecDeque<FromEngine>,
    /// Other tabs' messages to this one, per sender, each in order.
    channel: BTreeMap<usize, VecDeque<TabMessage>>,
    /// Store operations under way.
    loads: Vec<(u64, String)>,
    applies: Vec<(u64, String, Write)>,
    /// Timers armed.
    timers: BTreeSet<Timer>,
    /// Locks granted and not yet told.
    granted: Vec<String>,
    /// Registers being fetched by share link: the request, the relay's copy as it will arrive,
    /// and the journals to hand back.
    fetches: Vec<(u64, RegisterDoc, Vec<JournalEntry>)>,
    alive: bool,
}

impl Tab {
    fn new(name: String) -> Self {
        Self {
            name,
            core: Core::default(),
            page: Page::default(),
            requests: VecDeque::new(),
            posts: VecDeque::new(),
            channel: BTreeMap::new(),
            loads: Vec::new(),
            applies: Vec::new(),
            timers: BTreeSet::new(),
            granted: Vec::new(),
            fetches: Vec::new(),
            alive: true,
        }
    }

    fn ask(&mut self, request: Request, asked: Asked) {
        self.page.next_id += 1;
        self.page.asked.insert(self.page.next_id, asked);
        self.requests.push_back(ToEngine { id: self.page.next_id, request });
    }
}

/// A colleague's copy of a register, edited elsewhere and brought as a file.
struct Outside {
    doc: RegisterDoc,
    names: Vec<String>,
}

/// The whole browser.
struct World {
    rng: Rng,
    seed: u64,
    store: Store,
    /// localStorage journals: key → bytes.
    journals: BTreeMap<String, Vec<u8>>,
    tabs: Vec<Tab>,
    /// Compactor locks: register → holder, then waiters.
    locks: BTreeMap<String, VecDeque<usize>>,
    /// Registers in this browser, with the tag their records carry.
    registers: Vec<(String, String)>,
    outside: BTreeMap<String, Outside>,
    /// Edits some page showed as 已保存: they must never be lost.
    saved: BTreeMap<String, BTreeSet<String>>,
    /// Titles some page showed as 已保存, by register and person: no later save of a form that
    /// did not change the title may revert it.
    titles: BTreeMap<(String, String), String>,
    next_name: usize,
    log: Vec<String>,
}

fn unit(name: &str) -> UnitForm {
    UnitForm { name: name.into(), ..UnitForm::default() }
}

fn person(name: &str) -> Command {
    Command::Create(AnyForm::Person(PersonForm { name: name.into(), ..PersonForm::default() }))
}

fn has_person(doc: &RegisterDoc, name: &str) -> bool {
    doc.register().people.values().any(|p| p.name == name)
}

impl World {
    fn new(seed: u64, registers: &[Vec<u8>]) -> Self {
        let mut world = Self {
            rng: Rng::new(seed),
            seed,
            store: Store::default(),
            journals: BTreeMap::new(),
            tabs: Vec::new(),
            locks: BTreeMap::new(),
            registers: Vec::new(),
            outside: BTreeMap::new(),
            saved: BTreeMap::new(),
            titles: BTreeMap::new(),
            next_name: 0,
            log: Vec::new(),
        };
        for bytes in registers {
            let mut doc = RegisterDoc::load(bytes).expect("a register loads");
            let id = doc.id().to_string();
            let write =
                Write { key: ChunkKey::snapshot(bytes), bytes: bytes.clone(), folds: vec![], heads: doc.heads() };
            world.store.apply(&id, &write).expect("an empty store takes it");
            world.adopt(id);
        }
        world.new_tab();
        world.new_tab();
        world
    }

    fn note(&mut self, what: String) {
        self.log.push(what);
    }

    fn fail(&self, why: &str) -> ! {
        let tail: Vec<&String> = self.log.iter().rev().take(40).collect::<Vec<_>>().into_iter().rev().collect();
        panic!(
            "seed {}: {why}\nreplay: QINGFENG_SIM_SEED={} cargo test --test engine_sim\nlast steps:\n{}",
            self.seed,
            self.seed,
            tail.iter().map(|s| format!("  {s}")).collect::<Vec<_>>().join("\n")
        );
    }

    /// A register new to the browser: its tag, and a colleague's copy of it.
    fn adopt(&mut self, id: String) {
        if self.registers.iter().any(|(r, _)| *r == id) {
            return;
        }
        let tag = format!("r{}", self.registers.len());
        if let Ok(Some(mut doc)) = self.store.read(&id) {
            self.outside.insert(id.clone(), Outside { doc: doc.fork(), names: Vec::new() });
        }
        self.registers.push((id, tag));
    }

    fn tag(&self, register: &str) -> String {
        self.registers.iter().find(|(r, _)| r == register).map(|(_, t)| t.clone()).unwrap_or_default()
    }

    fn new_tab(&mut self) {
        let index = self.tabs.len();
        let mut tab = Tab::new(format!("t{index}"));
        tab.ask(Request::Device(format!("device-{index}")), Asked::Other);
        self.tabs.push(tab);
        let register = self.registers[self.rng.below(self.registers.len())].0.clone();
        self.open(index, register);
        self.note(format!("tab {index} starts"));
    }

    fn alive(&self) -> Vec<usize> {
        (0..self.tabs.len()).filter(|i| self.tabs[*i].alive).collect()
    }

    fn read_journals(&self, register: &str) -> Vec<JournalEntry> {
        let prefix = format!("{register}.");
        self.journals.iter().filter(|(k, _)| k.starts_with(&prefix)).map(|(k, b)| (k.clone(), b.clone())).collect()
    }

    fn open(&mut self, tab: usize, register: String) {
        let journals = self.read_journals(&register);
        let t = &mut self.tabs[tab];
        t.page.opening = Some(register.clone());
        t.ask(Request::Open { register: register.clone(), journals }, Asked::Open(register));
    }

    // ---- The members ----

    fn act(&mut self) {
        let alive = self.alive();
        let choice = self.rng.below(100);
        let tab = (!alive.is_empty()).then(|| alive[self.rng.below(alive.len())]);
        match (choice, tab) {
            (0..=19, Some(tab)) => self.edit(tab),
            (20..=32, Some(tab)) => self.open_form(tab),
            (33..=44, Some(tab)) => self.save_form(tab),
            (45..=54, Some(tab)) => {
                let register = self.registers[self.rng.below(self.registers.len())].0.clone();
                self.note(format!("tab {tab} opens {}", self.tag(&register)));
                self.open(tab, register);
            }
            // Rare: a new register carries the whole template, and every later load pays for it.
            (55, Some(tab)) if self.registers.len() < 4 && self.rng.chance(50) => {
                self.note(format!("tab {tab} creates a register"));
                let request = Request::Create {
                    unit: unit("新单位"),
                    template: "school".into(),
                    today: "2026-12-07".into(),
                    at: 1,
                    founder: Share::new_founder(),
                };
                self.tabs[tab].page.opening = None;
                self.tabs[tab].ask(request, Asked::Create);
            }
            (58..=63, Some(tab)) => self.import(tab, false),
            (64..=66, Some(tab)) => self.import(tab, true),
            (67..=72, Some(tab)) => self.close(tab),
            (73..=76, _) if alive.len() < 4 => self.new_tab(),
            (77..=81, _) => {
                self.store.full = !self.store.full;
                self.note(format!("the quota is {}", if self.store.full { "full" } else { "free" }));
            }
            _ => {}
        }
    }

    fn edit(&mut self, tab: usize) {
        let Some(register) = self.tabs[tab].page.open.clone() else { return };
        self.next_name += 1;
        let name = format!("{}-{}", self.tag(&register), self.next_name);
        self.note(format!("tab {tab} adds {name}"));
        let request = Request::Run { register: register.clone(), command: person(&name), author: String::new(), at: 1 };
        self.tabs[tab].ask(request, Asked::Edit { register, name });
    }

    /// The member opens a person's form: it remembers the values it was opened with.
    fn open_form(&mut self, tab: usize) {
        let page = &self.tabs[tab].page;
        let Some(view) = page.view.as_ref().filter(|v| page.open.as_deref() == Some(v.id.as_str())) else { return };
        let people: Vec<(&String, &qingfeng::model::Person)> = view.people.iter().collect();
        if people.is_empty() {
            return;
        }
        let (id, person) = people[self.rng.below(people.len())];
        let form = (id.clone(), PersonForm::from_target(person));
        self.tabs[tab].page.forms.push(form);
    }

    /// The member saves a form opened a while ago, perhaps before others' saves: once per
    /// person its 职务, otherwise only 党员 changed.
    fn save_form(&mut self, tab: usize) {
        let Some(register) = self.tabs[tab].page.open.clone() else { return };
        let forms = &self.tabs[tab].page.forms;
        if forms.is_empty() {
            return;
        }
        let (person, base) = forms[self.rng.below(forms.len())].clone();
        let mut form = base.clone();
        let key = (register.clone(), person.clone());
        let asked = if !self.titles.contains_key(&key) && !self.tabs.iter().any(|t| retitling(t, &person)) {
            self.next_name += 1;
            form.title = format!("职务{}", self.next_name);
            self.note(format!("tab {tab} saves {} as title of {}", form.title, base.name));
            Asked::Retitle { register: register.clone(), person: person.clone(), title: form.title.clone() }
        } else {
            form.party_member = !form.party_member;
            self.note(format!("tab {tab} saves an old form of {} with 党员 changed", base.name));
            Asked::Other
        };
        let command =
            Command::Update { id: person, base: Some(Box::new(AnyForm::Person(base))), form: AnyForm::Person(form) };
        let request = Request::Run { register, command, author: String::new(), at: 1 };
        self.tabs[tab].ask(request, asked);
    }

    /// A colleague's copy of a register arrives: a `.qingfeng` file, or (`join`) fetched from a
    /// relay by share link, which takes a while and may fail.
    fn import(&mut self, tab: usize, join: bool) {
        let register = self.registers[self.rng.below(self.registers.len())].0.clone();
        let tag = self.tag(&register);
        let Some(outside) = self.outside.get_mut(&register) else { return };
        self.next_name += 1;
        let name = format!("{tag}-out{}", self.next_name);
        outside.doc.run(&Stamp::default(), person(&name)).expect("a colleague's edit");
        outside.names.push(name.clone());
        let (bytes, names) = (outside.doc.export_file(), outside.names.clone());
        let journals = self.read_journals(&register);
        let asked = Asked::Import { register: register.clone(), names };
        if join {
            self.note(format!("tab {tab} joins {tag} by link, with {name}"));
            let share = Share {
                relay: "ws://relay.test/sync".into(),
                register,
                secret: "0123456789abcdefghij".into(),
                founder: None,
            };
            self.tabs[tab].ask(Request::Join { share, journals }, asked);
        } else {
            self.note(format!("tab {tab} imports a file of {tag} with {name}"));
            self.tabs[tab].ask(Request::Import { bytes, journals }, asked);
        }
    }

    fn close(&mut self, tab: usize) {
        let pagehide = self.rng.chance(60);
        self.note(format!("tab {tab} closes{}", if pagehide { "" } else { " without pagehide" }));
        if pagehide {
            let name = self.tabs[tab].name.clone();
            let unsaved: Vec<(String, Vec<u8>)> =
                self.tabs[tab].page.unsaved.iter().map(|(r, b)| (r.clone(), b.clone())).collect();
            for (register, bytes) in unsaved {
                self.journals.insert(format!("{register}.{name}"), bytes);
            }
        }
        let t = &mut self.tabs[tab];
        t.alive = false;
        // A write under way when a page closes may or may not finish.
        let finishing: Vec<(u64, String, Write)> = std::mem::take(&mut t.applies);
        for (_, register, write) in finishing {
            if self.rng.chance(50) {
                let _ = self.store.apply(&register, &write);
            }
        }
        for holders in self.locks.values_mut() {
            holders.retain(|h| *h != tab);
        }
        self.grant_locks();
    }

    // ---- The browser ----

    fn grant_locks(&mut self) {
        for (register, holders) in &self.locks {
            if let Some(&holder) = holders.front() {
                let t = &mut self.tabs[holder];
                if !t.granted.contains(register) && t.alive {
                    t.granted.push(register.clone());
                }
            }
        }
    }

    fn perform(&mut self, tab: usize, effects: Vec<Effect>) {
        for effect in effects {
            match effect {
                Effect::Post(message) => self.tabs[tab].posts.push_back(message),
                Effect::Load { job, register, .. } => self.tabs[tab].loads.push((job, register)),
                Effect::Apply { job, register, write } => self.tabs[tab].applies.push((job, register, write)),
                Effect::PutView { .. } | Effect::Fresh { .. } | Effect::Warn(_) => {}
                Effect::TellTabs(message) => {
                    for other in self.alive() {
                        if other != tab {
                            self.tabs[other].channel.entry(tab).or_default().push_back(message.clone());
                        }
                    }
                }
                Effect::SetTimer(timer, _) => {
                    self.tabs[tab].timers.insert(timer);
                }
                Effect::WantLock(register) => {
                    self.locks.entry(register).or_default().push_back(tab);
                    self.grant_locks();
                }
                Effect::DropLock(register) => {
                    if let Some(holders) = self.locks.get_mut(&register) {
                        // Granted or waiting, this tab's one request for the lock goes.
                        if let Some(at) = holders.iter().position(|h| *h == tab) {
                            holders.remove(at);
                        }
                    }
                    self.tabs[tab].granted.retain(|r| *r != register);
                    self.grant_locks();
                }
                Effect::Live(ToEngine { id, .. }) => self.tabs[tab]
                    .posts
                    .push_back(FromEngine::Reply { id, reply: Reply::Ran(qingfeng::engine::Outcome::Done) }),
                Effect::Join { request, share, journals } => {
                    // The relay's copy as it stands now, arriving later.
                    let copy = self.outside.get_mut(&share.register).expect("joined from outside").doc.fork();
                    self.tabs[tab].fetches.push((request, copy, journals));
                }
            }
        }
    }

    fn feed(&mut self, tab: usize, input: Input) {
        let effects = self.tabs[tab].core.step(input);
        self.perform(tab, effects);
    }

    /// Delivers one thing that is waiting; `false` when nothing is.
    fn deliver(&mut self) -> bool {
        let mut waiting: Vec<(usize, u8)> = Vec::new();
        for (i, t) in self.tabs.iter().enumerate().filter(|(_, t)| t.alive) {
            let kinds = [
                !t.requests.is_empty(),
                !t.posts.is_empty(),
                t.channel.values().any(|q| !q.is_empty()),
                !t.loads.is_empty(),
                !t.applies.is_empty(),
                !t.timers.is_empty(),
                !t.granted.is_empty(),
                !t.fetches.is_empty(),
            ];
            waiting.extend(kinds.iter().enumerate().filter(|(_, w)| **w).map(|(k, _)| (i, k as u8)));
        }
        if waiting.is_empty() {
            return false;
        }
        let (tab, kind) = waiting[self.rng.below(waiting.len())];
        match kind {
            0 => {
                let request = self.tabs[tab].requests.pop_front().expect("waiting");
                self.feed(tab, Input::Page(request));
            }
            1 => {
                let message = self.tabs[tab].posts.pop_front().expect("waiting");
                self.page_receives(tab, message);
            }
            2 => {
                let senders: Vec<usize> =
                    self.tabs[tab].channel.iter().filter(|(_, q)| !q.is_empty()).map(|(s, _)| *s).collect();
                let sender = senders[self.rng.below(senders.len())];
                let message = self.tabs[tab].channel.get_mut(&sender).and_then(VecDeque::pop_front).expect("waiting");
                self.feed(tab, Input::Tab(message));
            }
            3 => {
                let at = self.rng.below(self.tabs[tab].loads.len());
                let (job, register) = self.tabs[tab].loads.remove(at);
                let result = if self.rng.chance(3) {
                    Err(StorageError::Unavailable("the database is busy".into()))
                } else {
                    Ok(self.store.load(&register))
                };
                self.feed(tab, Input::Loaded { job, result });
            }
            4 => {
                let at = self.rng.below(self.tabs[tab].applies.len());
                let (job, register, write) = self.tabs[tab].applies.remove(at);
                let result = if self.rng.chance(5) {
                    Err(StorageError::Unavailable("the transaction was aborted".into()))
                } else {
                    self.store.apply(&register, &write)
                };
                self.note(format!("tab {tab} stored {} of {}: {result:?}", write.key, self.tag(&register)));
                self.feed(tab, Input::Applied { job, result });
            }
            5 => {
                let timers: Vec<Timer> = self.tabs[tab].timers.iter().cloned().collect();
                let timer = timers[self.rng.below(timers.len())].clone();
                self.tabs[tab].timers.remove(&timer);
                self.feed(tab, Input::Timer(timer));
            }
            6 => {
                let register = self.tabs[tab].granted.remove(0);
                self.feed(tab, Input::LockGranted(register));
            }
            _ => {
                let at = self.rng.below(self.tabs[tab].fetches.len());
                let (request, copy, journals) = self.tabs[tab].fetches.remove(at);
                let result = if self.rng.chance(15) {
                    let detail = "the relay closed the connection".to_string();
                    Err(Reply::Failed(RemoteError::Keyed { key: "live.unreachable".into(), detail }))
                } else {
                    Ok(Box::new(copy))
                };
                self.note(format!(
                    "tab {tab}'s fetch by link ends: {}",
                    if result.is_ok() { "arrived" } else { "failed" }
                ));
                self.feed(tab, Input::Fetched { request, result, journals });
            }
        }
        true
    }

    /// The page reads what its engine said, as `use_register` does, and checks that it is true.
    fn page_receives(&mut self, tab: usize, message: FromEngine) {
        match message {
            FromEngine::Reply { id, reply } => {
                let asked = self.tabs[tab].page.asked.remove(&id).unwrap_or(Asked::Other);
                let answer = match &reply {
                    Reply::Failed(e) => format!("failed: {e:?}"),
                    Reply::Opened(_) => "opened".into(),
                    Reply::Imported(_) => "imported".into(),
                    _ => "done".into(),
                };
                self.note(format!("tab {tab} hears {asked:?}: {answer}"));
                match (asked, reply) {
                    (Asked::Open(register), Reply::Opened(view)) => {
                        if view.id != register {
                            self.fail(&format!("opening {} showed {}", self.tag(&register), self.tag(&view.id)));
                        }
                        let page = &mut self.tabs[tab].page;
                        if page.opening.as_deref() == Some(register.as_str()) {
                            page.open = Some(register);
                            page.opening = None;
                            page.view = Some(*view);
                            page.forms.clear();
                        }
                    }
                    (Asked::Create, Reply::Opened(view)) => {
                        let register = view.id.clone();
                        let page = &mut self.tabs[tab].page;
                        if page.opening.is_none() {
                            page.open = Some(register.clone());
                            page.view = Some(*view);
                            page.forms.clear();
                        }
                        self.pending_adopt(register);
                    }
                    (Asked::Edit { register, name }, Reply::Ran(_)) => {
                        self.tabs[tab].page.done.entry(register).or_default().push(name);
                    }
                    (Asked::Retitle { register, person, title }, Reply::Ran(_)) => {
                        self.tabs[tab].page.titles.entry(register).or_default().push((person, title));
                    }
                    (Asked::Import { register, names }, Reply::Imported(imported)) => {
                        let id = match &imported {
                            Imported::Merged { id, .. } | Imported::Added { id, .. } => id.clone(),
                        };
                        if id != register {
                            self.fail("an import went into another register");
                        }
                        self.tabs[tab].page.done.entry(register).or_default().extend(names);
                    }
                    (_, Reply::Failed(_)) => {}
                    (asked, reply) => {
                        if !matches!(asked, Asked::Other | Asked::Open(_)) {
                            self.fail(&format!("{asked:?} answered {reply:?}"));
                        }
                    }
                }
            }
            FromEngine::Event(Event::Status { register, status }) => {
                self.note(format!("tab {tab} hears {} is {status:?}", self.tag(&register)));
                if status == SaveStatus::Saved && self.tabs[tab].page.open.as_deref() == Some(register.as_str()) {
                    self.shown_saved(tab, &register);
                }
            }
            FromEngine::Event(Event::Unsaved { register, bytes }) => {
                let name = self.tabs[tab].name.clone();
                let page = &mut self.tabs[tab].page;
                if bytes.is_empty() {
                    page.unsaved.remove(&register);
                    self.journals.remove(&format!("{register}.{name}"));
                } else {
                    page.unsaved.insert(register, bytes);
                }
            }
            FromEngine::Event(Event::Patches { register, patches }) => {
                if let Some(view) = self.tabs[tab].page.view.as_mut().filter(|v| v.id == register) {
                    for patch in patches {
                        patch.apply(view);
                    }
                }
            }
            FromEngine::Event(Event::JournalsStored(keys)) => {
                for key in keys {
                    self.journals.remove(&key);
                }
            }
            FromEngine::Event(_) => {}
        }
    }

    fn pending_adopt(&mut self, register: String) {
        // The store holds it only after its first write; adopt it then (see `shown_saved`).
        if !self.registers.iter().any(|(r, _)| *r == register) {
            let tag = format!("r{}", self.registers.len());
            self.registers.push((register, tag));
        }
    }

    /// The page shows 已保存: every edit it was told was done is in the store.
    fn shown_saved(&mut self, tab: usize, register: &str) {
        let done = self.tabs[tab].page.done.remove(register).unwrap_or_default();
        let titles = self.tabs[tab].page.titles.remove(register).unwrap_or_default();
        for (person, title) in titles {
            self.titles.insert((register.to_string(), person), title);
        }
        if done.is_empty() {
            return;
        }
        let people = match self.store.people(register) {
            Ok(people) => people,
            Err(e) => self.fail(&format!("the store of {} does not read back: {e}", self.tag(register))),
        };
        for name in &done {
            if !people.contains(name) {
                self.fail(&format!("tab {tab} showed 已保存 for {} without {name} in the store", self.tag(register)));
            }
        }
        self.saved.entry(register.to_string()).or_default().extend(done);
        if !self.outside.contains_key(register)
            && let Ok(Some(mut doc)) = self.store.read(register)
        {
            self.outside.insert(register.to_string(), Outside { doc: doc.fork(), names: Vec::new() });
        }
    }

    /// No more members' actions: everything under way finishes, with the quota free.
    fn quiesce(&mut self) {
        self.store.full = false;
        self.note("quiet".into());
        for _ in 0..20_000 {
            if !self.deliver() {
                return;
            }
        }
        self.fail("the engine never became quiet");
    }

    /// Every edit shown as 已保存, and every edit a tab still open was told was done, is in its
    /// register as a new tab opens it (with the journals closed tabs left); no register holds
    /// another's records.
    fn check(&mut self) {
        let registers = self.registers.clone();
        for (register, tag) in &registers {
            let journals = self.read_journals(register);
            let bytes: Vec<&[u8]> = journals.iter().map(|(_, b)| b.as_slice()).collect();
            let Some((doc, _)) = Persistence::open(register, &self.store.load(register), &bytes)
                .unwrap_or_else(|e| self.fail(&format!("{tag} does not open: {e}")))
            else {
                if self.saved.contains_key(register) {
                    self.fail(&format!("{tag} is gone"));
                }
                continue;
            };
            let mut owed: BTreeSet<String> = self.saved.get(register).cloned().unwrap_or_default();
            for t in self.tabs.iter().filter(|t| t.alive) {
                owed.extend(t.page.done.get(register).into_iter().flatten().cloned());
            }
            for name in &owed {
                if !has_person(&doc, name) {
                    self.fail(&format!("{name} was lost from {tag}"));
                }
            }
            let mut titles: Vec<(String, String)> = self
                .titles
                .iter()
                .filter(|((r, _), _)| r == register)
                .map(|((_, person), title)| (person.clone(), title.clone()))
                .collect();
            for t in self.tabs.iter().filter(|t| t.alive) {
                titles.extend(t.page.titles.get(register).into_iter().flatten().cloned());
            }
            for (person, title) in titles {
                let now = doc.register().people.get(&person).map(|p| p.title.clone()).unwrap_or_default();
                if now != title {
                    self.fail(&format!("the title {title} saved in {tag} became {now:?}: an old form reverted it"));
                }
            }
            for p in doc.register().people.values() {
                if let Some((prefix, _)) = p.name.split_once('-')
                    && prefix.starts_with('r')
                    && prefix != tag
                {
                    self.fail(&format!("{tag} holds {} of another register", p.name));
                }
            }
        }
    }
}

/// Whether a tab has a title save of `person` on its way.
fn retitling(tab: &Tab, person: &str) -> bool {
    tab.page.asked.values().any(|a| matches!(a, Asked::Retitle { person: p, .. } if p == person))
        || tab.page.titles.values().flatten().any(|(p, _)| p == person)
}

fn run(seed: u64, registers: &[Vec<u8>]) -> usize {
    let mut world = World::new(seed, registers);
    let mut steps = 0;
    for _ in 0..STEPS {
        if world.rng.chance(25) {
            world.act();
        } else {
            world.deliver();
        }
        steps += 1;
    }
    world.quiesce();
    world.check();
    steps
}

/// Two registers with the school's departments and kinds but without its typical points,
/// charts and phases: every schedule loads them many times, and what is tested is the engine.
fn registers() -> Vec<Vec<u8>> {
    let template = Template { risks: Vec::new(), charts: Vec::new(), phases: Vec::new(), ..Template::school() };
    ["高桥小学", "王场小学"]
        .iter()
        .map(|name| {
            let today = "2026-12-07".parse().unwrap();
            let mut doc = RegisterDoc::create(&unit(name), &template, today, &Stamp::default()).expect("a register");
            doc.save()
        })
        .collect()
}

#[test]
fn no_schedule_loses_a_saved_edit() {
    let first = registers();
    if let Ok(seed) = std::env::var("QINGFENG_SIM_SEED") {
        run(seed.parse().expect("a seed is a number"), &first);
        return;
    }
    let schedules: u64 = std::env::var("QINGFENG_SIM_SCHEDULES").ok().and_then(|n| n.parse().ok()).unwrap_or(SCHEDULES);
    let threads: u64 = std::thread::available_parallelism().map_or(1, |n| n.get() as u64);
    let start = std::time::Instant::now();
    let steps: usize = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                let first = &first;
                scope
                    .spawn(move || (t..schedules).step_by(threads as usize).map(|seed| run(seed, first)).sum::<usize>())
            })
            .collect();
        workers.into_iter().map(|w| w.join().expect("a schedule failed: its seed is printed above")).sum()
    });
    let seconds = start.elapsed().as_secs_f64();
    eprintln!("{schedules} schedules, {steps} steps in {seconds:.1} s: {:.0} schedules/s", schedules as f64 / seconds);
}
