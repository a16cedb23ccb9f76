//! A deterministic simulation of live sync: several browsers, each a real engine core and a
//! real hub (`engine::core`, `engine::hub`) with its own store, and a relay that answers as an
//! automerge-repo server does, all in memory. A seeded scheduler delivers frames up and down
//! each connection in order but interleaved at random, drops connections, takes a browser
//! offline, fills its store, and restarts a browser's worker (with and without its closing
//! journal), while members edit.
//!
//! Checked: 已保存 shown means stored; 已同步 shown means the relay has every edit the browser
//! showed as saved; once the network is back and the system is quiet, every edit any browser
//! showed as saved is in every browser's store.
//!
//! `QINGFENG_LIVE_SCHEDULES=n` runs n schedules; `QINGFENG_LIVE_SEED=s` replays one.

mod common;

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use qingfeng::workload::Rng;

use automerge::sync::SyncDoc as _;
use qingfeng::doc::{RegisterDoc, Stamp};
use qingfeng::engine::core::{Core, Effect, Input, Timer};
use qingfeng::engine::hub::{Hub, HubEffect, HubInput, HubTimer};
use qingfeng::engine::protocol::{Event, FromEngine, Reply, Request, ToEngine};
use qingfeng::engine::{AnyForm, Command};
use qingfeng::model::Template;
use qingfeng::rules::{PersonForm, UnitForm};
use qingfeng::storage::{ChunkKey, SaveStatus, StorageError, StoredChunk, Write};
use qingfeng::sync::{LiveStatus, Share};
use qingfeng_wire::Message;

const SCHEDULES: u64 = 300;
const STEPS: usize = 150;
const URL: &str = "ws://relay.test/sync";

/// One connection between a browser's hub and the relay: frames each way, in order.
struct Connection {
    browser: usize,
    generation: u32,
    peer: Option<String>,
    up: VecDeque<Vec<u8>>,
    down: VecDeque<Vec<u8>>,
    state: automerge::sync::State,
    opened: bool,
}

/// The relay: one document, a sync state per connection.
struct Relay {
    doc: automerge::AutoCommit,
    document: String,
    connections: Vec<Connection>,
}

impl Relay {
    /// The relay reads the next frame a hub sent on connection `c`.
    fn receive(&mut self, c: usize) {
        let Some(frame) = self.connections[c].up.pop_front() else { return };
        match Message::decode(&frame).expect("the hub speaks the protocol") {
            Message::Join { sender_id, .. } => {
                let peer =
                    Message::Peer { sender_id: "relay".into(), target_id: sender_id.clone(), version: "1".into() };
                self.connections[c].peer = Some(sender_id);
                self.connections[c].down.push_back(peer.encode());
            }
            Message::Sync { data, .. } | Message::Request { data, .. } => {
                let message = automerge::sync::Message::decode(&data).expect("a sync message");
                let before = self.doc.get_heads();
                self.doc
                    .sync()
                    .receive_sync_message(&mut self.connections[c].state, message)
                    .expect("the relay takes it");
                self.answer(c);
                if self.doc.get_heads() != before {
                    for other in 0..self.connections.len() {
                        if other != c {
                            self.answer(other);
                        }
                    }
                }
            }
            _ => {}
        }
    }

    fn answer(&mut self, c: usize) {
        let connection = &mut self.connections[c];
        let Some(peer) = connection.peer.clone() else { return };
        if let Some(message) = self.doc.sync().generate_sync_message(&mut connection.state) {
            let frame = Message::Sync {
                document_id: self.document.clone(),
                sender_id: "relay".into(),
                target_id: peer,
                data: message.encode(),
            };
            connection.down.push_back(frame.encode());
        }
    }

    fn people(&self) -> BTreeSet<String> {
        common::people(&self.doc)
    }
}

/// A browser: one tab's engine core and the hub in the same worker, its store and journal.
struct Browser {
    core: Core,
    hub: Hub,
    store: BTreeMap<ChunkKey, Vec<u8>>,
    full: bool,
    journal: Option<Vec<u8>>,
    unsaved: Vec<u8>,
    /// Store operations under way, answered in any order.
    ops: Vec<Op>,
    timers: BTreeSet<Timer>,
    hub_timers: BTreeSet<HubTimer>,
    posts: VecDeque<FromEngine>,
    next: u64,
    /// Edits asked for, by request id.
    asked: BTreeMap<u64, String>,
    ready: bool,
    /// Edits the engine said were done, not yet seen stored.
    done: Vec<String>,
    online: bool,
}

enum Op {
    CoreLoad(u64),
    CoreApply(u64, Write),
    HubLoad,
    HubApply(Write),
}

struct World {
    rng: Rng,
    seed: u64,
    register: String,
    relay: Relay,
    browsers: Vec<Browser>,
    /// Edits some browser showed as 已保存.
    saved: BTreeSet<String>,
    /// Edits each browser showed as 已保存.
    saved_by: Vec<BTreeSet<String>>,
    names: usize,
    now: f64,
    log: Vec<String>,
}

fn share(register: &str) -> Share {
    Share { relay: URL.into(), register: register.into(), secret: "0123456789abcdefghij".into() }
}

impl World {
    fn new(seed: u64, bytes: &[u8]) -> Self {
        let register = RegisterDoc::load(bytes).unwrap().id().to_string();
        let relay = Relay {
            doc: automerge::AutoCommit::load(bytes).unwrap(),
            document: qingfeng_wire::document_id(&register).unwrap(),
            connections: Vec::new(),
        };
        let mut world = Self {
            rng: Rng::new(seed),
            seed,
            register,
            relay,
            browsers: Vec::new(),
            saved: BTreeSet::new(),
            saved_by: Vec::new(),
            names: 0,
            now: 1.0e12,
            log: Vec::new(),
        };
        for _ in 0..3 {
            let mut store = BTreeMap::new();
            store.insert(ChunkKey::snapshot(bytes), bytes.to_vec());
            let browser = Browser {
                core: Core::default(),
                hub: Hub::new(String::new(), true),
                store,
                full: false,
                journal: None,
                unsaved: Vec::new(),
                ops: Vec::new(),
                timers: BTreeSet::new(),
                hub_timers: BTreeSet::new(),
                posts: VecDeque::new(),
                next: 0,
                asked: BTreeMap::new(),
                ready: false,
                done: Vec::new(),
                online: true,
            };
            world.browsers.push(browser);
            world.saved_by.push(BTreeSet::new());
            let b = world.browsers.len() - 1;
            world.start(b);
        }
        world
    }

    fn fail(&self, why: &str) -> ! {
        let tail: Vec<&String> = self.log.iter().rev().take(40).collect::<Vec<_>>().into_iter().rev().collect();
        panic!(
            "seed {}: {why}\nreplay: QINGFENG_LIVE_SEED={} cargo test --test live_sim\nlast steps:\n{}",
            self.seed,
            self.seed,
            tail.iter().map(|s| format!("  {s}")).collect::<Vec<_>>().join("\n")
        );
    }

    /// A worker starts: it is the browser's hub, shares the register, and opens it.
    fn start(&mut self, b: usize) {
        let online = self.browsers[b].online;
        self.browsers[b].core = Core::default();
        self.browsers[b].hub = Hub::new(format!("browser-{b}-{}", self.rng.next_u64()), online);
        self.browsers[b].ready = false;
        self.browsers[b].done.clear();
        self.browsers[b].asked.clear();
        self.hub(b, HubInput::Elected);
        self.ask(b, Request::Shares(vec![share(&self.register)]));
        let journals: Vec<(String, Vec<u8>)> =
            self.browsers[b].journal.iter().map(|j| (format!("journal.{b}"), j.clone())).collect();
        self.ask(b, Request::Open { register: self.register.clone(), journals });
    }

    fn ask(&mut self, b: usize, request: Request) -> u64 {
        self.browsers[b].next += 1;
        let id = self.browsers[b].next;
        self.core(b, Input::Page(ToEngine { id, request }));
        id
    }

    fn core(&mut self, b: usize, input: Input) {
        let effects = self.browsers[b].core.step(input);
        for effect in effects {
            match effect {
                Effect::Post(message) => self.browsers[b].posts.push_back(message),
                Effect::Load { job, .. } => self.browsers[b].ops.push(Op::CoreLoad(job)),
                Effect::Apply { job, write, .. } => self.browsers[b].ops.push(Op::CoreApply(job, write)),
                Effect::TellTabs(message) => self.hub(b, HubInput::Stored(message)),
                Effect::Fresh { register, changes } => self.hub(b, HubInput::Fresh { register, changes }),
                Effect::SetTimer(timer, _) => {
                    self.browsers[b].timers.insert(timer);
                }
                Effect::WantLock(register) => self.core(b, Input::LockGranted(register)),
                Effect::Live(ToEngine { id, request: Request::Shares(shares) }) => {
                    self.hub(b, HubInput::Shares(shares));
                    self.browsers[b]
                        .posts
                        .push_back(FromEngine::Reply { id, reply: Reply::Ran(qingfeng::engine::Outcome::Done) });
                }
                Effect::PutView { .. }
                | Effect::DropLock(_)
                | Effect::Warn(_)
                | Effect::Live(_)
                | Effect::Join { .. } => {}
            }
        }
    }

    fn hub(&mut self, b: usize, input: HubInput) {
        let effects = self.browsers[b].hub.step(input, self.now);
        for effect in effects {
            match effect {
                HubEffect::Connect { generation, .. } => {
                    self.relay.connections.retain(|c| c.browser != b);
                    self.relay.connections.push(Connection {
                        browser: b,
                        generation,
                        peer: None,
                        up: VecDeque::new(),
                        down: VecDeque::new(),
                        state: automerge::sync::State::new(),
                        opened: false,
                    });
                }
                HubEffect::Disconnect(_) => self.relay.connections.retain(|c| c.browser != b),
                HubEffect::Send { frames, .. } => {
                    if let Some(c) = self.relay.connections.iter_mut().find(|c| c.browser == b) {
                        c.up.extend(frames);
                    }
                }
                HubEffect::Load(_) => self.browsers[b].ops.push(Op::HubLoad),
                HubEffect::Apply { write, .. } => self.browsers[b].ops.push(Op::HubApply(write)),
                HubEffect::TellTabs(message) => self.core(b, Input::Tab(message)),
                HubEffect::SetTimer(timer, _) => {
                    self.browsers[b].hub_timers.insert(timer);
                }
                HubEffect::CancelTimer(timer) => {
                    self.browsers[b].hub_timers.remove(&timer);
                }
                HubEffect::Tell(_) | HubEffect::Warn(_) => {}
            }
        }
        self.check_synced(b);
    }

    /// 已同步 is true when shown: the relay has every edit this browser showed as saved.
    fn check_synced(&mut self, b: usize) {
        if !matches!(self.browsers[b].hub.status_of(&self.register), LiveStatus::Synced { .. }) {
            return;
        }
        let relay = self.relay.people();
        if let Some(name) = self.saved_by[b].iter().find(|n| !relay.contains(*n)) {
            self.fail(&format!("browser {b} shows 已同步 but the relay lacks {name}"));
        }
    }

    fn chunks(&self, b: usize) -> Vec<StoredChunk> {
        self.browsers[b]
            .store
            .iter()
            .map(|(key, bytes)| StoredChunk { key: key.clone(), bytes: bytes.clone() })
            .collect()
    }

    fn apply(&mut self, b: usize, write: &Write) -> Result<(), StorageError> {
        let browser = &mut self.browsers[b];
        if browser.full && write.bytes.len() > 2_000 {
            return Err(StorageError::Full);
        }
        browser.store.insert(write.key.clone(), write.bytes.clone());
        for folded in &write.folds {
            browser.store.remove(folded);
        }
        Ok(())
    }

    fn stored_people(&self, b: usize) -> BTreeSet<String> {
        common::stored_people(&self.chunks(b)).unwrap_or_else(|e| self.fail(&format!("browser {b}'s store: {e}")))
    }

    fn page(&mut self, b: usize, message: FromEngine) {
        match message {
            FromEngine::Reply { reply: Reply::Opened(_), .. } => self.browsers[b].ready = true,
            FromEngine::Reply { id, reply: Reply::Ran(_) } => {
                if let Some(name) = self.browsers[b].asked.remove(&id) {
                    self.browsers[b].done.push(name);
                }
            }
            FromEngine::Event(Event::Status { status: SaveStatus::Saved, .. }) => {
                let done = std::mem::take(&mut self.browsers[b].done);
                let stored = self.stored_people(b);
                if let Some(name) = done.iter().find(|n| !stored.contains(*n)) {
                    self.fail(&format!("browser {b} showed 已保存 without {name} in its store"));
                }
                self.saved.extend(done.iter().cloned());
                self.saved_by[b].extend(done);
                self.check_synced(b);
            }
            FromEngine::Event(Event::Unsaved { bytes, .. }) => {
                if bytes.is_empty() {
                    self.browsers[b].journal = None;
                }
                self.browsers[b].unsaved = bytes;
            }
            FromEngine::Event(Event::JournalsStored(_)) => self.browsers[b].journal = None,
            _ => {}
        }
    }

    /// Members act, or one thing waiting happens.
    fn step(&mut self, acting: bool) -> bool {
        self.now += 100.0;
        if acting && self.rng.chance(30) {
            self.act();
            return true;
        }
        let mut waiting: Vec<(usize, u8)> = Vec::new();
        for (b, browser) in self.browsers.iter().enumerate() {
            if !browser.posts.is_empty() {
                waiting.push((b, 0));
            }
            if !browser.ops.is_empty() {
                waiting.push((b, 1));
            }
            if !browser.timers.is_empty() {
                waiting.push((b, 2));
            }
            // The silence watchdog repeats for ever: only while members act.
            if browser.hub_timers.iter().any(|t| acting || !matches!(t, HubTimer::Watch(..))) {
                waiting.push((b, 3));
            }
        }
        for (c, connection) in self.relay.connections.iter().enumerate() {
            if !connection.opened || !connection.up.is_empty() {
                waiting.push((c, 4));
            }
            if !connection.down.is_empty() {
                waiting.push((c, 5));
            }
        }
        if waiting.is_empty() {
            return false;
        }
        let (i, kind) = waiting[self.rng.below(waiting.len())];
        match kind {
            0 => {
                let message = self.browsers[i].posts.pop_front().expect("waiting");
                self.page(i, message);
            }
            1 => {
                let at = self.rng.below(self.browsers[i].ops.len());
                match self.browsers[i].ops.remove(at) {
                    Op::CoreLoad(job) => {
                        let result = Ok(self.chunks(i));
                        self.core(i, Input::Loaded { job, result });
                    }
                    Op::CoreApply(job, write) => {
                        let result = self.apply(i, &write);
                        self.core(i, Input::Applied { job, result });
                    }
                    Op::HubLoad => {
                        let result = Ok(self.chunks(i));
                        self.hub(i, HubInput::Loaded { register: self.register.clone(), result });
                    }
                    Op::HubApply(write) => {
                        let result = self.apply(i, &write);
                        self.hub(i, HubInput::Written { register: self.register.clone(), write, result });
                    }
                }
            }
            2 => {
                let timers: Vec<Timer> = self.browsers[i].timers.iter().cloned().collect();
                let timer = timers[self.rng.below(timers.len())].clone();
                self.browsers[i].timers.remove(&timer);
                self.core(i, Input::Timer(timer));
            }
            3 => {
                let timers: Vec<HubTimer> = self.browsers[i]
                    .hub_timers
                    .iter()
                    .filter(|t| acting || !matches!(t, HubTimer::Watch(..)))
                    .cloned()
                    .collect();
                let timer = timers[self.rng.below(timers.len())].clone();
                self.browsers[i].hub_timers.remove(&timer);
                if matches!(timer, HubTimer::Watch(..)) {
                    self.now += 31_000.0;
                }
                self.hub(i, HubInput::Timer(timer));
            }
            4 => {
                let connection = &mut self.relay.connections[i];
                if !connection.opened {
                    connection.opened = true;
                    let (b, generation) = (connection.browser, connection.generation);
                    self.hub(b, HubInput::Opened { url: URL.into(), generation });
                } else {
                    self.relay.receive(i);
                }
            }
            _ => {
                let connection = &mut self.relay.connections[i];
                let bytes = connection.down.pop_front().expect("waiting");
                let (b, generation) = (connection.browser, connection.generation);
                self.hub(b, HubInput::Frame { url: URL.into(), generation, bytes });
            }
        }
        true
    }

    fn act(&mut self) {
        let b = self.rng.below(self.browsers.len());
        match self.rng.below(100) {
            0..=59 if self.browsers[b].ready => {
                self.names += 1;
                let name = format!("b{b}-{}", self.names);
                self.log.push(format!("browser {b} adds {name}"));
                let command =
                    Command::Create(AnyForm::Person(PersonForm { name: name.clone(), ..PersonForm::default() }));
                let id = self
                    .ask(b, Request::Run { register: self.register.clone(), command, author: String::new(), at: 1 });
                self.browsers[b].asked.insert(id, name);
            }
            60..=69 => {
                if let Some(c) = self.relay.connections.iter().position(|c| c.browser == b) {
                    let generation = self.relay.connections[c].generation;
                    self.relay.connections.remove(c);
                    self.log.push(format!("browser {b}'s connection drops"));
                    self.hub(b, HubInput::Closed { url: URL.into(), generation, failure: None });
                }
            }
            70..=77 => {
                let online = !self.browsers[b].online;
                self.browsers[b].online = online;
                self.log.push(format!("browser {b} goes {}", if online { "online" } else { "offline" }));
                if !online {
                    self.relay.connections.retain(|c| c.browser != b);
                }
                self.hub(b, HubInput::Network(online));
            }
            78..=85 => {
                self.browsers[b].full = !self.browsers[b].full;
                self.log
                    .push(format!("browser {b}'s store is {}", if self.browsers[b].full { "full" } else { "free" }));
            }
            86..=89 => {
                let pagehide = self.rng.chance(60);
                self.log.push(format!("browser {b} restarts{}", if pagehide { "" } else { " without pagehide" }));
                if pagehide && !self.browsers[b].unsaved.is_empty() {
                    self.browsers[b].journal = Some(self.browsers[b].unsaved.clone());
                }
                self.relay.connections.retain(|c| c.browser != b);
                let browser = &mut self.browsers[b];
                browser.ops.clear();
                browser.timers.clear();
                browser.hub_timers.clear();
                browser.posts.clear();
                self.start(b);
            }
            _ => {}
        }
    }

    fn quiesce(&mut self) {
        self.log.push("quiet".into());
        for b in 0..self.browsers.len() {
            self.browsers[b].full = false;
            if !self.browsers[b].online {
                self.browsers[b].online = true;
                self.hub(b, HubInput::Network(true));
            }
        }
        for _ in 0..100_000 {
            if !self.step(false) {
                return;
            }
        }
        self.fail("live sync never became quiet");
    }

    fn check(&self) {
        for b in 0..self.browsers.len() {
            let stored = self.stored_people(b);
            if let Some(name) = self.saved.iter().find(|n| !stored.contains(*n)) {
                self.fail(&format!("{name} never reached browser {b}'s store"));
            }
        }
    }
}

fn run(seed: u64, bytes: &[u8]) -> usize {
    let mut world = World::new(seed, bytes);
    for _ in 0..STEPS {
        world.step(true);
    }
    world.quiesce();
    world.check();
    world.names
}

fn register() -> Vec<u8> {
    let unit = UnitForm { name: "高桥小学".into(), ..UnitForm::default() };
    let template = Template { risks: Vec::new(), charts: Vec::new(), phases: Vec::new(), ..Template::school() };
    let mut doc = RegisterDoc::create(&unit, &template, "2026-12-07".parse().unwrap(), &Stamp::default()).unwrap();
    doc.save()
}

#[test]
fn live_sync_loses_nothing_and_its_statuses_are_true() {
    let bytes = register();
    if let Ok(seed) = std::env::var("QINGFENG_LIVE_SEED") {
        run(seed.parse().expect("a seed is a number"), &bytes);
        return;
    }
    let schedules: u64 =
        std::env::var("QINGFENG_LIVE_SCHEDULES").ok().and_then(|n| n.parse().ok()).unwrap_or(SCHEDULES);
    let start = std::time::Instant::now();
    let edits: usize = (0..schedules).map(|seed| run(seed, &bytes)).sum();
    eprintln!("{schedules} schedules, {edits} edits in {:.1} s", start.elapsed().as_secs_f64());
}
