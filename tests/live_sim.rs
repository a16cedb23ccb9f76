//! A deterministic simulation of live sync: several browsers, each with one to three workers
//! (a tab's engine core and its hub, `engine::core` and `engine::hub`, real ones) sharing one
//! store, the tabs' and the hubs' channels and the hub's Web Lock, and a relay that answers as an
//! automerge-repo server does, all in memory. A seeded scheduler delivers frames up and down each
//! connection and messages between workers in order but interleaved at random, lets time pass,
//! drops connections, takes a browser offline, fills its store, restarts a worker (with and
//! without its closing journal; sometimes as the next build, as a tab reloaded after an update
//! is, whose hub has a lock and channel of its own) and freezes one (a background tab the
//! browser froze: it does nothing until it thaws, and keeps its lock), while members edit.
//!
//! Checked: 已保存 shown means stored; 已同步 shown by the hub means the relay has every edit
//! the browser showed as saved; once the network is back and the system is quiet, with frozen
//! workers still frozen (another worker must have taken over), every edit any browser showed as
//! saved is in every browser's store; and again once every worker has thawed.
//!
//! `QINGFENG_LIVE_SCHEDULES=n` runs n schedules; `QINGFENG_LIVE_SEED=s` replays one, and with
//! `QINGFENG_LIVE_TRACE=1` its failure shows every hub input and status before it.

mod common;

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use qingfeng::workload::Rng;

use automerge::sync::SyncDoc as _;
use qingfeng::doc::{RegisterDoc, Stamp};
use qingfeng::engine::core::{Core, Effect, Input, Timer};
use qingfeng::engine::hub::{BEAT_EVERY_MS, Hub, HubEffect, HubInput, HubMessage, HubTimer};
use qingfeng::engine::protocol::{Event, FromEngine, Reply, Request, ToEngine};
use qingfeng::engine::{AnyForm, Command};
use qingfeng::model::Template;
use qingfeng::rules::{PersonForm, UnitForm};
use qingfeng::storage::{ChunkKey, SaveStatus, StorageError, StoredChunk, Write};
use qingfeng::sync::{LiveStatus, Share, TabMessage};
use qingfeng_wire::Message;

const SCHEDULES: u64 = 300;
const STEPS: usize = 150;
const URL: &str = "ws://relay.test/sync";

/// One connection between a worker's hub and the relay: frames each way, in order.
struct Connection {
    browser: usize,
    worker: usize,
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

    fn drop_worker(&mut self, b: usize, w: usize) {
        self.connections.retain(|c| (c.browser, c.worker) != (b, w));
    }

    fn people(&self) -> BTreeSet<String> {
        common::people(&self.doc)
    }
}

/// What reaches a worker from the others of its browser, in order.
enum Note {
    /// On the tabs' channel: a tab stored changes.
    Tab(TabMessage),
    /// On the hubs' channel.
    Hub(HubMessage),
    /// The hub's lock is granted.
    Elected,
    /// Another worker took the hub's lock.
    Deposed,
    /// The hub's connection closed.
    Closed(u32),
}

/// A worker: one tab's engine core and its hub.
struct Worker {
    core: Core,
    hub: Hub,
    unsaved: Vec<u8>,
    /// Store operations under way, answered in any order.
    ops: Vec<Op>,
    timers: BTreeSet<Timer>,
    hub_timers: BTreeSet<HubTimer>,
    posts: VecDeque<FromEngine>,
    inbox: VecDeque<Note>,
    next: u64,
    /// Edits asked for, by request id.
    asked: BTreeMap<u64, String>,
    ready: bool,
    /// Edits the engine said were done, not yet seen stored.
    done: Vec<String>,
    /// Edits this tab showed as 已保存.
    saved: BTreeSet<String>,
    /// Frozen by the browser: it runs nothing until it thaws.
    frozen: bool,
    /// The app's build it runs (0, or 1 after an update): each build's hubs have their own lock
    /// and channel (`qingfeng.hub.N`); the tabs' channel and the store are shared.
    build: usize,
}

impl Worker {
    fn new(hub: Hub) -> Self {
        Self {
            core: Core::default(),
            hub,
            unsaved: Vec::new(),
            ops: Vec::new(),
            timers: BTreeSet::new(),
            hub_timers: BTreeSet::new(),
            posts: VecDeque::new(),
            inbox: VecDeque::new(),
            next: 0,
            asked: BTreeMap::new(),
            ready: false,
            done: Vec::new(),
            saved: BTreeSet::new(),
            frozen: false,
            build: 0,
        }
    }
}

/// A browser: its workers, one store, localStorage's journals and the hub's Web Lock.
struct Browser {
    workers: Vec<Worker>,
    store: BTreeMap<ChunkKey, Vec<u8>>,
    full: bool,
    journals: BTreeMap<String, Vec<u8>>,
    online: bool,
    /// Each build's hub lock.
    locks: [Lock; 2],
}

/// A Web Lock: the worker holding it, and those waiting for it in order.
#[derive(Default)]
struct Lock {
    holder: Option<usize>,
    queue: VecDeque<usize>,
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
    /// Edits some tab showed as 已保存.
    saved: BTreeSet<String>,
    names: usize,
    /// Hubs replaced after going silent.
    takeovers: usize,
    /// Log every hub input and status too (`QINGFENG_LIVE_TRACE=1`, with a replayed seed).
    trace: bool,
    now: f64,
    log: Vec<String>,
}

fn share(register: &str) -> Share {
    Share { relay: URL.into(), register: register.into(), secret: "0123456789abcdefghij".into(), founder: None }
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
            names: 0,
            takeovers: 0,
            trace: std::env::var_os("QINGFENG_LIVE_TRACE").is_some(),
            now: 1.0e12,
            log: Vec::new(),
        };
        for b in 0..3 {
            let mut store = BTreeMap::new();
            store.insert(ChunkKey::snapshot(bytes), bytes.to_vec());
            let workers = 1 + world.rng.below(3);
            world.browsers.push(Browser {
                workers: (0..workers).map(|_| Worker::new(Hub::new(String::new(), true))).collect(),
                store,
                full: false,
                journals: BTreeMap::new(),
                online: true,
                locks: Default::default(),
            });
            for w in 0..workers {
                world.start(b, w, 0);
            }
        }
        world
    }

    fn fail(&self, why: &str) -> ! {
        let tail: Vec<&String> = self
            .log
            .iter()
            .rev()
            .take(if self.trace { 400 } else { 40 })
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        panic!(
            "seed {}: {why}\nreplay: QINGFENG_LIVE_SEED={} cargo test --test live_sim\nlast steps:\n{}",
            self.seed,
            self.seed,
            tail.iter().map(|s| format!("  {s}")).collect::<Vec<_>>().join("\n")
        );
    }

    /// A worker starts: it shares the register and opens it, with the journals closed tabs left.
    fn start(&mut self, b: usize, w: usize, build: usize) {
        let online = self.browsers[b].online;
        let hub = Hub::new(format!("browser-{b}-{w}-{}", self.rng.next_u64()), online);
        self.browsers[b].workers[w] = Worker { build, ..Worker::new(hub) };
        self.hub(b, w, HubInput::Network(online));
        self.ask(b, w, Request::Shares(vec![share(&self.register)]));
        let journals: Vec<(String, Vec<u8>)> =
            self.browsers[b].journals.iter().map(|(k, j)| (k.clone(), j.clone())).collect();
        self.ask(b, w, Request::Open { register: self.register.clone(), journals });
    }

    fn ask(&mut self, b: usize, w: usize, request: Request) -> u64 {
        let worker = &mut self.browsers[b].workers[w];
        worker.next += 1;
        let id = worker.next;
        self.core(b, w, Input::Page(ToEngine { id, request }));
        id
    }

    /// Tells every other worker of browser `b` (`hubs`: of the same build, on the hubs' channel).
    fn tell_others(&mut self, b: usize, w: usize, hubs: bool, note: impl Fn() -> Note) {
        let build = self.browsers[b].workers[w].build;
        for (other, worker) in self.browsers[b].workers.iter_mut().enumerate() {
            if other != w && (!hubs || worker.build == build) {
                worker.inbox.push_back(note());
            }
        }
    }

    fn core(&mut self, b: usize, w: usize, input: Input) {
        let effects = self.browsers[b].workers[w].core.step(input);
        for effect in effects {
            let worker = &mut self.browsers[b].workers[w];
            match effect {
                Effect::Post(message) => worker.posts.push_back(message),
                Effect::Load { job, .. } => worker.ops.push(Op::CoreLoad(job)),
                Effect::Apply { job, write, .. } => worker.ops.push(Op::CoreApply(job, write)),
                Effect::TellTabs(message) => {
                    self.tell_others(b, w, false, || Note::Tab(message.clone()));
                    self.hub(b, w, HubInput::Stored(message));
                }
                Effect::Fresh { register, changes } => self.hub(b, w, HubInput::Fresh { register, changes }),
                Effect::SetTimer(timer, _) => {
                    worker.timers.insert(timer);
                }
                // Concurrent compactions are safe (chunk keys): every tab compacts here.
                Effect::WantLock(register) => self.core(b, w, Input::LockGranted(register)),
                Effect::Live(ToEngine { id, request: Request::Shares(shares) }) => {
                    worker
                        .posts
                        .push_back(FromEngine::Reply { id, reply: Reply::Ran(qingfeng::engine::Outcome::Done) });
                    self.hub(b, w, HubInput::Shares(shares));
                }
                Effect::PutView { .. }
                | Effect::DropLock(_)
                | Effect::Warn(_)
                | Effect::Live(_)
                | Effect::Join { .. } => {}
            }
        }
    }

    fn hub(&mut self, b: usize, w: usize, input: HubInput) {
        if self.trace {
            let text = format!("{input:?}");
            self.log.push(format!("hub {b}.{w} <- {}", text.chars().take(120).collect::<String>()));
        }
        let effects = self.browsers[b].workers[w].hub.step(input, self.now);
        if self.trace {
            let status = self.browsers[b].workers[w].hub.status_of(&self.register);
            self.log.push(format!("hub {b}.{w} is {status:?}"));
        }
        for effect in effects {
            match effect {
                HubEffect::Connect { generation, .. } => {
                    self.relay.drop_worker(b, w);
                    self.relay.connections.push(Connection {
                        browser: b,
                        worker: w,
                        generation,
                        peer: None,
                        up: VecDeque::new(),
                        down: VecDeque::new(),
                        state: automerge::sync::State::new(),
                        opened: false,
                    });
                }
                HubEffect::Disconnect(_) => self.relay.drop_worker(b, w),
                HubEffect::Send { frames, .. } => {
                    if let Some(c) = self.relay.connections.iter_mut().find(|c| (c.browser, c.worker) == (b, w)) {
                        c.up.extend(frames);
                    }
                }
                HubEffect::Load(_) => self.browsers[b].workers[w].ops.push(Op::HubLoad),
                HubEffect::Apply { write, .. } => self.browsers[b].workers[w].ops.push(Op::HubApply(write)),
                HubEffect::TellTabs(message) => {
                    self.tell_others(b, w, false, || Note::Tab(message.clone()));
                    self.core(b, w, Input::Tab(message));
                }
                HubEffect::Tell(message) => self.tell_others(b, w, true, || Note::Hub(message.clone())),
                HubEffect::SetTimer(timer, _) => {
                    self.browsers[b].workers[w].hub_timers.insert(timer);
                }
                HubEffect::CancelTimer(timer) => {
                    self.browsers[b].workers[w].hub_timers.remove(&timer);
                }
                HubEffect::AskLock { steal } => self.ask_lock(b, w, steal),
                HubEffect::Warn(_) => {}
            }
        }
        self.check_synced(b, w);
    }

    /// The hub's Web Lock of the worker's build: granted in order, or taken from its holder.
    fn ask_lock(&mut self, b: usize, w: usize, steal: bool) {
        let browser = &mut self.browsers[b];
        let lock = &mut browser.locks[browser.workers[w].build];
        lock.queue.retain(|&q| q != w);
        match lock.holder {
            None => {
                lock.holder = Some(w);
                browser.workers[w].inbox.push_back(Note::Elected);
            }
            Some(h) if h == w => {}
            Some(h) if steal => {
                self.log.push(format!("browser {b}: worker {w} takes the hub's lock from worker {h}"));
                lock.holder = Some(w);
                browser.workers[h].inbox.push_back(Note::Deposed);
                browser.workers[w].inbox.push_back(Note::Elected);
                self.takeovers += 1;
            }
            Some(_) => lock.queue.push_back(w),
        }
    }

    /// A worker ended: its lock goes to the next in line.
    fn release_lock(&mut self, b: usize, w: usize) {
        let browser = &mut self.browsers[b];
        let lock = &mut browser.locks[browser.workers[w].build];
        lock.queue.retain(|&q| q != w);
        if lock.holder == Some(w) {
            lock.holder = lock.queue.pop_front();
            if let Some(next) = lock.holder {
                browser.workers[next].inbox.push_back(Note::Elected);
            }
        }
    }

    /// 已同步 is true when a tab shows it: the relay has every edit the tab showed as saved.
    fn check_synced(&mut self, b: usize, w: usize) {
        let worker = &self.browsers[b].workers[w];
        if !matches!(worker.hub.status_of(&self.register), LiveStatus::Synced { .. }) {
            return;
        }
        let relay = self.relay.people();
        if let Some(name) = worker.saved.iter().find(|n| !relay.contains(*n)) {
            self.fail(&format!("browser {b} worker {w} shows 已同步 but the relay lacks {name}"));
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

    fn page(&mut self, b: usize, w: usize, message: FromEngine) {
        let journal = format!("{}.{w}", self.register);
        match message {
            FromEngine::Reply { reply: Reply::Opened(_), .. } => self.browsers[b].workers[w].ready = true,
            FromEngine::Reply { id, reply: Reply::Ran(_) } => {
                let worker = &mut self.browsers[b].workers[w];
                if let Some(name) = worker.asked.remove(&id) {
                    worker.done.push(name);
                }
            }
            FromEngine::Event(Event::Status { status: SaveStatus::Saved, .. }) => {
                let done = std::mem::take(&mut self.browsers[b].workers[w].done);
                let stored = self.stored_people(b);
                if let Some(name) = done.iter().find(|n| !stored.contains(*n)) {
                    self.fail(&format!("browser {b} worker {w} showed 已保存 without {name} in its store"));
                }
                self.saved.extend(done.iter().cloned());
                self.browsers[b].workers[w].saved.extend(done);
                self.check_synced(b, w);
            }
            FromEngine::Event(Event::Unsaved { bytes, .. }) => {
                if bytes.is_empty() {
                    self.browsers[b].journals.remove(&journal);
                }
                self.browsers[b].workers[w].unsaved = bytes;
            }
            FromEngine::Event(Event::JournalsStored(keys)) => {
                for key in keys {
                    self.browsers[b].journals.remove(&key);
                }
            }
            _ => {}
        }
    }

    /// Whether browser `b` waits on time passing: a frozen hub that another worker of its build
    /// could replace.
    fn stalled(&self, b: usize) -> bool {
        let browser = &self.browsers[b];
        (0..browser.locks.len()).any(|build| {
            browser.locks[build].holder.is_some_and(|h| browser.workers[h].frozen)
                && browser.workers.iter().any(|w| w.build == build && !w.frozen)
        })
    }

    /// Five seconds pass: what the workers told each other has arrived (a channel takes
    /// milliseconds), then every worker's heartbeat and watchdog fire.
    fn tick(&mut self) {
        self.now += f64::from(BEAT_EVERY_MS);
        for b in 0..self.browsers.len() {
            for w in 0..self.browsers[b].workers.len() {
                while !self.browsers[b].workers[w].frozen
                    && let Some(note) = self.browsers[b].workers[w].inbox.pop_front()
                {
                    self.deliver(b, w, note);
                }
            }
        }
        for b in 0..self.browsers.len() {
            for w in 0..self.browsers[b].workers.len() {
                if self.browsers[b].workers[w].frozen {
                    continue;
                }
                let due: Vec<HubTimer> = self.browsers[b].workers[w]
                    .hub_timers
                    .iter()
                    .filter(|t| matches!(t, HubTimer::Beat | HubTimer::Watch(..)))
                    .cloned()
                    .collect();
                for timer in due {
                    self.browsers[b].workers[w].hub_timers.remove(&timer);
                    self.hub(b, w, HubInput::Timer(timer));
                }
            }
        }
    }

    /// Members act, or one thing waiting happens.
    fn step(&mut self, acting: bool) -> bool {
        self.now += 100.0;
        if acting && self.rng.chance(30) {
            self.act();
            return true;
        }
        // Time passing (heartbeats, watchdogs): while members act, or while a frozen hub stalls
        // a browser (another worker must take over).
        let ticking = acting || (0..self.browsers.len()).any(|b| self.stalled(b));
        if ticking && self.rng.chance(5) {
            self.tick();
            return true;
        }
        let mut waiting: Vec<(usize, usize, u8)> = Vec::new();
        for (b, browser) in self.browsers.iter().enumerate() {
            for (w, worker) in browser.workers.iter().enumerate() {
                if worker.frozen {
                    continue;
                }
                if !worker.posts.is_empty() {
                    waiting.push((b, w, 0));
                }
                if !worker.ops.is_empty() {
                    waiting.push((b, w, 1));
                }
                if !worker.timers.is_empty() {
                    waiting.push((b, w, 2));
                }
                if worker.hub_timers.iter().any(|t| !matches!(t, HubTimer::Watch(..) | HubTimer::Beat)) {
                    waiting.push((b, w, 3));
                }
                if !worker.inbox.is_empty() {
                    waiting.push((b, w, 6));
                }
            }
        }
        for (c, connection) in self.relay.connections.iter().enumerate() {
            let frozen = self.browsers[connection.browser].workers[connection.worker].frozen;
            if (!connection.opened && !frozen) || !connection.up.is_empty() {
                waiting.push((c, 0, 4));
            }
            if !connection.down.is_empty() && !frozen {
                waiting.push((c, 0, 5));
            }
        }
        if waiting.is_empty() {
            return ticking;
        }
        let (i, w, kind) = waiting[self.rng.below(waiting.len())];
        match kind {
            0 => {
                let message = self.browsers[i].workers[w].posts.pop_front().expect("waiting");
                self.page(i, w, message);
            }
            1 => {
                let at = self.rng.below(self.browsers[i].workers[w].ops.len());
                match self.browsers[i].workers[w].ops.remove(at) {
                    Op::CoreLoad(job) => {
                        let result = Ok(self.chunks(i));
                        self.core(i, w, Input::Loaded { job, result });
                    }
                    Op::CoreApply(job, write) => {
                        let result = self.apply(i, &write);
                        self.core(i, w, Input::Applied { job, result });
                    }
                    Op::HubLoad => {
                        let result = Ok(self.chunks(i));
                        self.hub(i, w, HubInput::Loaded { register: self.register.clone(), result });
                    }
                    Op::HubApply(write) => {
                        let result = self.apply(i, &write);
                        self.hub(i, w, HubInput::Written { register: self.register.clone(), write, result });
                    }
                }
            }
            2 => {
                let timers: Vec<Timer> = self.browsers[i].workers[w].timers.iter().cloned().collect();
                let timer = timers[self.rng.below(timers.len())].clone();
                self.browsers[i].workers[w].timers.remove(&timer);
                self.core(i, w, Input::Timer(timer));
            }
            3 => {
                let timers: Vec<HubTimer> = self.browsers[i].workers[w]
                    .hub_timers
                    .iter()
                    .filter(|t| !matches!(t, HubTimer::Watch(..) | HubTimer::Beat))
                    .cloned()
                    .collect();
                let timer = timers[self.rng.below(timers.len())].clone();
                self.browsers[i].workers[w].hub_timers.remove(&timer);
                self.hub(i, w, HubInput::Timer(timer));
            }
            4 => {
                let connection = &mut self.relay.connections[i];
                if !connection.opened && !self.browsers[connection.browser].workers[connection.worker].frozen {
                    connection.opened = true;
                    let (b, w, generation) = (connection.browser, connection.worker, connection.generation);
                    self.hub(b, w, HubInput::Opened { url: URL.into(), generation });
                } else {
                    self.relay.receive(i);
                }
            }
            5 => {
                let connection = &mut self.relay.connections[i];
                let bytes = connection.down.pop_front().expect("waiting");
                let (b, w, generation) = (connection.browser, connection.worker, connection.generation);
                self.hub(b, w, HubInput::Frame { url: URL.into(), generation, bytes });
            }
            _ => {
                let note = self.browsers[i].workers[w].inbox.pop_front().expect("waiting");
                self.deliver(i, w, note);
            }
        }
        true
    }

    fn deliver(&mut self, b: usize, w: usize, note: Note) {
        match note {
            Note::Tab(message) => {
                self.hub(b, w, HubInput::Stored(message.clone()));
                self.core(b, w, Input::Tab(message));
            }
            Note::Hub(message) => self.hub(b, w, HubInput::Heard(message)),
            Note::Elected => {
                self.log.push(format!("browser {b} worker {w} is the hub"));
                self.hub(b, w, HubInput::Elected);
            }
            Note::Deposed => {
                self.log.push(format!("browser {b} worker {w} hears it was deposed"));
                self.hub(b, w, HubInput::Deposed);
            }
            Note::Closed(generation) => self.hub(b, w, HubInput::Closed { url: URL.into(), generation, failure: None }),
        }
    }

    fn act(&mut self) {
        let b = self.rng.below(self.browsers.len());
        let w = self.rng.below(self.browsers[b].workers.len());
        let frozen = self.browsers[b].workers[w].frozen;
        match self.rng.below(100) {
            0..=59 if self.browsers[b].workers[w].ready && !frozen => {
                self.names += 1;
                let name = format!("b{b}w{w}-{}", self.names);
                self.log.push(format!("browser {b} worker {w} adds {name}"));
                let command =
                    Command::Create(AnyForm::Person(PersonForm { name: name.clone(), ..PersonForm::default() }));
                let id = self.ask(
                    b,
                    w,
                    Request::Run { register: self.register.clone(), command, author: String::new(), at: 1 },
                );
                self.browsers[b].workers[w].asked.insert(id, name);
            }
            60..=67 => {
                let connection = self.relay.connections.iter().position(|c| c.browser == b);
                if let Some(c) = connection {
                    let Connection { worker, generation, .. } = self.relay.connections.remove(c);
                    self.log.push(format!("browser {b}'s connection drops"));
                    // A frozen worker hears of it when it thaws.
                    self.browsers[b].workers[worker].inbox.push_back(Note::Closed(generation));
                }
            }
            68..=74 => {
                let online = !self.browsers[b].online;
                self.browsers[b].online = online;
                self.log.push(format!("browser {b} goes {}", if online { "online" } else { "offline" }));
                if !online {
                    // The sockets close; a frozen worker hears of it when it thaws.
                    let gone: Vec<Connection> = self.relay.connections.extract_if(.., |c| c.browser == b).collect();
                    for c in gone {
                        self.browsers[b].workers[c.worker].inbox.push_back(Note::Closed(c.generation));
                    }
                }
                for w in 0..self.browsers[b].workers.len() {
                    if !self.browsers[b].workers[w].frozen {
                        self.hub(b, w, HubInput::Network(online));
                    }
                }
            }
            75..=81 => {
                self.browsers[b].full = !self.browsers[b].full;
                self.log
                    .push(format!("browser {b}'s store is {}", if self.browsers[b].full { "full" } else { "free" }));
            }
            82..=85 => {
                let pagehide = self.rng.chance(60) && !frozen;
                self.log.push(format!(
                    "browser {b} worker {w} restarts{}",
                    if pagehide { "" } else { " without pagehide" }
                ));
                let unsaved = std::mem::take(&mut self.browsers[b].workers[w].unsaved);
                if pagehide && !unsaved.is_empty() {
                    self.browsers[b].journals.insert(format!("{}.{w}", self.register), unsaved);
                }
                self.relay.drop_worker(b, w);
                self.release_lock(b, w);
                // A reloaded tab may come back as the next build.
                let build = if self.rng.chance(30) { 1 } else { self.browsers[b].workers[w].build };
                self.start(b, w, build);
            }
            86..=91 if self.browsers[b].workers.len() > 1 => {
                let worker = &mut self.browsers[b].workers[w];
                worker.frozen = !worker.frozen;
                let frozen = worker.frozen;
                self.log.push(format!("browser {b} worker {w} {}", if frozen { "freezes" } else { "thaws" }));
                // A thawed worker sees whether the browser is online now.
                if !frozen {
                    let online = self.browsers[b].online;
                    self.hub(b, w, HubInput::Network(online));
                }
            }
            _ => {}
        }
    }

    fn quiesce(&mut self) {
        for _ in 0..100_000 {
            if !self.step(false) {
                return;
            }
        }
        self.fail("live sync never became quiet");
    }

    /// The network comes back and stores are freed; frozen workers stay frozen, except one
    /// where a browser has no other (a member looking at one of its tabs).
    fn settle(&mut self) {
        self.log.push("quiet".into());
        for b in 0..self.browsers.len() {
            self.browsers[b].full = false;
            if self.browsers[b].workers.iter().all(|w| w.frozen) {
                self.browsers[b].workers[0].frozen = false;
                let online = self.browsers[b].online;
                self.hub(b, 0, HubInput::Network(online));
            }
            if !self.browsers[b].online {
                self.browsers[b].online = true;
                for w in 0..self.browsers[b].workers.len() {
                    if !self.browsers[b].workers[w].frozen {
                        self.hub(b, w, HubInput::Network(true));
                    }
                }
            }
        }
        self.quiesce();
    }

    /// Every frozen worker thaws (learning then what changed while it slept).
    fn thaw(&mut self) {
        self.log.push("every worker thaws".into());
        for b in 0..self.browsers.len() {
            for w in 0..self.browsers[b].workers.len() {
                if std::mem::replace(&mut self.browsers[b].workers[w].frozen, false) {
                    let online = self.browsers[b].online;
                    self.hub(b, w, HubInput::Network(online));
                }
            }
        }
        self.quiesce();
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

/// Runs one schedule: the edits made, and the hubs replaced.
fn run(seed: u64, bytes: &[u8]) -> (usize, usize) {
    let mut world = World::new(seed, bytes);
    for _ in 0..STEPS {
        world.step(true);
    }
    world.settle();
    world.check();
    world.thaw();
    world.check();
    (world.names, world.takeovers)
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
    let (edits, takeovers) =
        (0..schedules).map(|seed| run(seed, &bytes)).fold((0, 0), |(e, t), (edits, taken)| (e + edits, t + taken));
    eprintln!(
        "{schedules} schedules, {edits} edits, {takeovers} silent hubs replaced in {:.1} s",
        start.elapsed().as_secs_f64()
    );
}
