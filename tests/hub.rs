//! The hub's decisions (`engine::hub`), natively: a relay answering as automerge-repo peers do,
//! a store that can be made full, and timers fired by hand.

use std::collections::BTreeMap;

use automerge::sync::SyncDoc as _;
use qingfeng::doc::{RegisterDoc, Stamp};
use qingfeng::engine::hub::{
    BEAT_EVERY_MS, FIRST_DELAY_MS, HUB_SILENCE_MS, Hub, HubEffect, HubInput, HubMessage, HubTimer, LONGEST_DELAY_MS,
};
use qingfeng::engine::{AnyForm, Command};
use qingfeng::model::Template;
use qingfeng::rules::{PersonForm, UnitForm};
use qingfeng::storage::{ChunkKey, StorageError, StoredChunk};
use qingfeng::sync::{LiveFailure, LiveStatus, Share, TabMessage};
use qingfeng_wire::Message;

const URL: &str = "ws://127.0.0.1:9/sync";

/// A relay holding one register, answering sync messages at once (or, `silent`, never).
struct Relay {
    doc: automerge::AutoCommit,
    state: automerge::sync::State,
    document: String,
    silent: bool,
}

impl Relay {
    /// What the relay sends back for one frame from the hub.
    fn answer(&mut self, frame: &[u8]) -> Vec<Vec<u8>> {
        if self.silent {
            return Vec::new();
        }
        match Message::decode(frame).expect("the hub speaks the protocol") {
            Message::Join { sender_id, .. } => {
                vec![Message::Peer { sender_id: "relay".into(), target_id: sender_id, version: "1".into() }.encode()]
            }
            Message::Sync { data, sender_id, .. } | Message::Request { data, sender_id, .. } => {
                let message = automerge::sync::Message::decode(&data).unwrap();
                self.doc.sync().receive_sync_message(&mut self.state, message).unwrap();
                self.reply(&sender_id)
            }
            _ => Vec::new(),
        }
    }

    fn reply(&mut self, to: &str) -> Vec<Vec<u8>> {
        let Some(message) = self.doc.sync().generate_sync_message(&mut self.state) else { return Vec::new() };
        let (document_id, target_id) = (self.document.clone(), to.to_string());
        vec![Message::Sync { document_id, sender_id: "relay".into(), target_id, data: message.encode() }.encode()]
    }

    fn has_person(&self, name: &str) -> bool {
        let doc = RegisterDoc::load(&self.doc.clone().save()).unwrap();
        doc.register().people.values().any(|p| p.name == name)
    }
}

/// A browser's hub with its store, the relay, and what it told.
struct World {
    hub: Hub,
    relay: Relay,
    store: BTreeMap<ChunkKey, Vec<u8>>,
    full: bool,
    register: String,
    now: f64,
    timers: Vec<(HubTimer, u32)>,
    told_tabs: Vec<TabMessage>,
    connects: u32,
    disconnects: u32,
    hub_id: String,
    /// The hub's lock requests: `true` to take it from its holder.
    asked_lock: Vec<bool>,
}

fn person(name: &str) -> Command {
    Command::Create(AnyForm::Person(PersonForm { name: name.into(), ..PersonForm::default() }))
}

impl World {
    fn new() -> (Self, RegisterDoc) {
        let unit = UnitForm { name: "高桥小学".into(), ..UnitForm::default() };
        let template = Template { risks: Vec::new(), charts: Vec::new(), phases: Vec::new(), ..Template::school() };
        let mut doc = RegisterDoc::create(&unit, &template, "2026-12-07".parse().unwrap(), &Stamp::default()).unwrap();
        let bytes = doc.save();
        let register = doc.id().to_string();
        let relay = Relay {
            doc: automerge::AutoCommit::load(&bytes).unwrap(),
            state: automerge::sync::State::new(),
            document: qingfeng_wire::document_id(&register).unwrap(),
            silent: false,
        };
        let mut store = BTreeMap::new();
        store.insert(ChunkKey::snapshot(&bytes), bytes);
        let world = Self {
            hub: Hub::new("hub".into(), true),
            relay,
            store,
            full: false,
            register,
            now: 1_000_000.0,
            timers: Vec::new(),
            told_tabs: Vec::new(),
            connects: 0,
            disconnects: 0,
            hub_id: "hub".into(),
            asked_lock: Vec::new(),
        };
        (world, doc)
    }

    fn share(&self) -> Share {
        Share {
            relay: URL.into(),
            register: self.register.clone(),
            secret: "0123456789abcdefghij".into(),
            founder: None,
        }
    }

    /// Feeds an input and everything that follows from it, relay answers included.
    fn feed(&mut self, input: HubInput) {
        let mut queue = vec![input];
        while let Some(input) = queue.pop() {
            for effect in self.hub.step(input, self.now) {
                match effect {
                    HubEffect::Connect { url, generation } => {
                        self.connects += 1;
                        // A new connection: the relay starts a new sync state for it.
                        self.relay.state = automerge::sync::State::new();
                        queue.insert(0, HubInput::Opened { url, generation });
                    }
                    HubEffect::Disconnect(_) => self.disconnects += 1,
                    HubEffect::Send { url, frames } => {
                        let generation = self.connects;
                        for frame in frames {
                            for answer in self.relay.answer(&frame) {
                                queue.insert(0, HubInput::Frame { url: url.clone(), generation, bytes: answer });
                            }
                        }
                    }
                    HubEffect::Load(register) => {
                        let chunks = self
                            .store
                            .iter()
                            .map(|(key, bytes)| StoredChunk { key: key.clone(), bytes: bytes.clone() });
                        queue.insert(0, HubInput::Loaded { register, result: Ok(chunks.collect()) });
                    }
                    HubEffect::Apply { register, write } => {
                        let result = if self.full {
                            Err(StorageError::Full)
                        } else {
                            self.store.insert(write.key.clone(), write.bytes.clone());
                            Ok(())
                        };
                        queue.insert(0, HubInput::Written { register, write, result });
                    }
                    HubEffect::TellTabs(message) => self.told_tabs.push(message),
                    HubEffect::SetTimer(timer, ms) => {
                        self.timers.retain(|(t, _)| *t != timer);
                        self.timers.push((timer, ms));
                    }
                    HubEffect::CancelTimer(timer) => self.timers.retain(|(t, _)| *t != timer),
                    HubEffect::AskLock { steal } => self.asked_lock.push(steal),
                    HubEffect::Tell(_) | HubEffect::Warn(_) => {}
                }
            }
        }
    }

    /// Fires the timer of that kind, `after` its delay.
    fn fire(&mut self, kind: fn(&HubTimer) -> bool) -> u32 {
        let at = self.timers.iter().position(|(t, _)| kind(t)).expect("the timer is set");
        let (timer, ms) = self.timers.remove(at);
        self.now += f64::from(ms);
        self.feed(HubInput::Timer(timer));
        ms
    }

    fn status(&self) -> LiveStatus {
        self.hub.status_of(&self.register)
    }

    fn stored(&self) -> RegisterDoc {
        let chunks: Vec<StoredChunk> =
            self.store.iter().map(|(key, bytes)| StoredChunk { key: key.clone(), bytes: bytes.clone() }).collect();
        qingfeng::storage::Persistence::open(&self.register, &chunks, &[]).unwrap().unwrap().0
    }

    /// A colleague adds `name` through the relay, which sends it while this browser's store is
    /// full.
    fn colleague_adds_while_full(&mut self, name: &str) {
        let mut colleague = RegisterDoc::load(&self.relay.doc.save()).unwrap();
        colleague.run(&Stamp::default(), person(name)).unwrap();
        self.relay.doc.merge(&mut automerge::AutoCommit::load(&colleague.save()).unwrap()).unwrap();
        self.full = true;
        let generation = self.connects;
        for bytes in self.relay.reply(&self.hub_id.clone()) {
            self.feed(HubInput::Frame { url: URL.into(), generation, bytes });
        }
    }

    fn start(&mut self) {
        self.feed(HubInput::Elected);
        let share = self.share();
        self.feed(HubInput::Shares(vec![share]));
    }
}

fn has(doc: &RegisterDoc, name: &str) -> bool {
    doc.register().people.values().any(|p| p.name == name)
}

#[test]
fn a_hub_that_cannot_store_the_relays_changes_never_shows_synced_and_stores_them_later() {
    let (mut world, _) = World::new();
    world.start();
    assert!(matches!(world.status(), LiveStatus::Synced { .. }), "{:?}", world.status());
    // A colleague's change reaches the relay while this browser's store is full.
    world.colleague_adds_while_full("黄军华");
    assert_eq!(world.status(), LiveStatus::Failed(LiveFailure::Unstored(StorageError::Full)));
    assert!(world.told_tabs.is_empty(), "the tabs hear only of what is stored");
    // Room again: the retry stores it, the tabs hear of it, and the status is true again.
    world.full = false;
    world.fire(|t| *t == HubTimer::Store);
    assert!(has(&world.stored(), "黄军华"));
    assert_eq!(world.told_tabs.len(), 1);
    assert!(matches!(world.status(), LiveStatus::Synced { .. }), "{:?}", world.status());
}

#[test]
fn a_lost_connection_is_retried_after_1_s_doubling_to_60_s_and_at_once_when_online() {
    let (mut world, _) = World::new();
    world.relay.silent = true;
    world.start();
    let mut waits = Vec::new();
    for _ in 0..9 {
        let generation = world.connects;
        world.feed(HubInput::Closed { url: URL.into(), generation, failure: None });
        assert_eq!(world.status(), LiveStatus::Failed(LiveFailure::Unreachable));
        waits.push(world.fire(|t| matches!(t, HubTimer::Retry(_))));
    }
    assert_eq!(waits, [1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000]);
    assert_eq!(FIRST_DELAY_MS, 1_000);
    assert_eq!(LONGEST_DELAY_MS, 60_000);
    // Offline: said at once; online again: connects at once, not at the next retry.
    world.feed(HubInput::Network(false));
    assert_eq!(world.status(), LiveStatus::Offline);
    let before = world.connects;
    world.feed(HubInput::Network(true));
    assert_eq!(world.connects, before + 1);
    // A refusal is not retried: a new secret is needed.
    let generation = world.connects;
    world.feed(HubInput::Closed { url: URL.into(), generation, failure: Some(LiveFailure::Refused) });
    assert!(!world.timers.iter().any(|(t, _)| matches!(t, HubTimer::Retry(_))));
}

#[test]
fn a_relay_silent_for_30_s_while_owing_an_answer_counts_as_lost() {
    let (mut world, _) = World::new();
    world.relay.silent = true;
    world.start();
    assert_eq!(world.status(), LiveStatus::Connecting);
    let disconnects = world.disconnects;
    // Checked every 5 s; lost once more than 30 s have passed.
    for _ in 0..7 {
        world.fire(|t| matches!(t, HubTimer::Watch(..)));
    }
    assert_eq!(world.disconnects, disconnects + 1, "closed after 30 s of silence");
    assert_eq!(world.status(), LiveStatus::Failed(LiveFailure::Unreachable));
    assert!(world.timers.iter().any(|(t, _)| matches!(t, HubTimer::Retry(_))));
}

#[test]
fn a_tabs_chunk_stored_while_the_hub_loads_goes_up_once_loaded() {
    let (mut world, mut doc) = World::new();
    world.feed(HubInput::Elected);
    // Hold the load: the shares arrive, a tab stores an edit, then the store answers.
    let share = world.share();
    let effects = world.hub.step(HubInput::Shares(vec![share]), world.now);
    let load = effects.into_iter().find_map(|e| match e {
        HubEffect::Load(register) => Some(register),
        _ => None,
    });
    let before = doc.heads();
    doc.run(&Stamp::default(), person("陈继荣")).unwrap();
    let changes = doc.save_after(&before);
    let heads = doc.heads();
    world.feed(HubInput::Stored(TabMessage { register: world.register.clone(), changes, heads }));
    let chunks = world.store.iter().map(|(key, bytes)| StoredChunk { key: key.clone(), bytes: bytes.clone() });
    world.feed(HubInput::Loaded { register: load.expect("the hub loads"), result: Ok(chunks.collect()) });
    world.fire(|t| matches!(t, HubTimer::Flush(_)));
    assert!(world.relay.has_person("陈继荣"));
    assert!(matches!(world.status(), LiveStatus::Synced { .. }), "{:?}", world.status());
}

#[test]
fn a_register_no_longer_shared_is_let_go_and_its_connection_closed() {
    let (mut world, _) = World::new();
    world.start();
    let disconnects = world.disconnects;
    world.feed(HubInput::Shares(Vec::new()));
    assert_eq!(world.status(), LiveStatus::Off);
    assert_eq!(world.disconnects, disconnects + 1);
}

/// What a worker told the others.
fn told(effects: Vec<HubEffect>) -> Vec<HubMessage> {
    effects
        .into_iter()
        .filter_map(|e| match e {
            HubEffect::Tell(message) => Some(message),
            _ => None,
        })
        .collect()
}

fn steals(effects: &[HubEffect]) -> bool {
    effects.iter().any(|e| matches!(e, HubEffect::AskLock { steal: true }))
}

#[test]
fn a_hub_silent_for_20_s_has_its_lock_taken_by_another_worker() {
    // Two workers of one browser: the hub, and one waiting for the lock.
    let mut now = 1.0e12;
    let mut hub = Hub::new("hub".into(), true);
    let mut other = Hub::new("other".into(), true);
    let first = other.step(HubInput::Network(true), now);
    assert!(first.iter().any(|e| matches!(e, HubEffect::AskLock { steal: false })), "a worker asks for the lock");
    for message in told(hub.step(HubInput::Elected, now)) {
        other.step(HubInput::Heard(message), now);
    }
    // While the hub beats, the other worker waits, however long.
    for _ in 0..20 {
        now += f64::from(BEAT_EVERY_MS);
        for message in told(hub.step(HubInput::Timer(HubTimer::Beat), now)) {
            assert!(!steals(&other.step(HubInput::Heard(message), now)));
        }
        assert!(!steals(&other.step(HubInput::Timer(HubTimer::Beat), now)));
    }
    // The hub's tab is frozen: 20 s of silence, then the other worker takes the lock.
    let frozen_at = now;
    let mut took = None;
    for _ in 0..6 {
        now += f64::from(BEAT_EVERY_MS);
        if steals(&other.step(HubInput::Timer(HubTimer::Beat), now)) {
            took.get_or_insert(now - frozen_at);
        }
    }
    assert_eq!(took, Some(HUB_SILENCE_MS + f64::from(BEAT_EVERY_MS)), "taken at the first check after 20 s");
    assert!(!other.is_hub(), "a hub only once the lock is granted");
    other.step(HubInput::Elected, now);
    assert!(other.is_hub());
}

#[test]
fn a_hub_whose_lock_was_taken_stores_what_it_holds_closes_its_connection_and_queues_again() {
    let (mut world, _) = World::new();
    world.start();
    assert!(matches!(world.status(), LiveStatus::Synced { .. }), "{:?}", world.status());
    // A colleague's change arrives and the store is full: it is held in the hub's copy.
    world.colleague_adds_while_full("黄军华");
    assert!(!has(&world.stored(), "黄军华"));
    // The tab thaws: another worker took the lock meanwhile. The store has room again.
    world.full = false;
    let (disconnects, asked) = (world.disconnects, world.asked_lock.len());
    world.feed(HubInput::Deposed);
    assert!(!world.hub.is_hub());
    assert_eq!(world.disconnects, disconnects + 1, "its connection closes");
    assert!(has(&world.stored(), "黄军华"), "what the relay sent is stored before the copy goes");
    assert_eq!(world.asked_lock[asked..], [false], "it waits for the lock again");
    assert!(world.timers.iter().all(|(t, _)| matches!(t, HubTimer::Beat | HubTimer::Watch(..))));
}

#[test]
fn a_refused_register_reconnects_at_once_with_a_new_secret() {
    let (mut world, _) = World::new();
    world.start();
    let generation = world.connects;
    world.feed(HubInput::Closed { url: URL.into(), generation, failure: Some(LiveFailure::Refused) });
    assert_eq!(world.status(), LiveStatus::Failed(LiveFailure::Refused));
    assert!(!world.timers.iter().any(|(t, _)| matches!(t, HubTimer::Retry(_))), "a refusal is not retried");
    // The member pastes the new link: its secret is tried now, not after a reload.
    let before = world.connects;
    let renewed = Share { secret: "a-new-secret-from-the-leader".into(), ..world.share() };
    world.feed(HubInput::Shares(vec![renewed]));
    assert_eq!(world.connects, before + 1);
    assert!(matches!(world.status(), LiveStatus::Synced { .. }), "{:?}", world.status());
}

#[test]
fn a_register_refused_on_an_open_connection_tries_a_new_secret_at_once() {
    let (mut world, _) = World::new();
    world.start();
    // The relay refuses this register alone (its secret was replaced); the connection stays.
    let document = qingfeng_wire::document_id(&world.register).unwrap();
    let refusal =
        Message::DocUnavailable { document_id: document.clone(), sender_id: "relay".into(), target_id: "hub".into() };
    let generation = world.connects;
    world.feed(HubInput::Frame { url: URL.into(), generation, bytes: refusal.encode() });
    assert_eq!(world.status(), LiveStatus::Failed(LiveFailure::Refused));
    // The member pastes the new link: the register asks again on the same connection.
    let connects = world.connects;
    let renewed = Share { secret: "a-new-secret-from-the-leader".into(), ..world.share() };
    let sent = world.hub.step(HubInput::Shares(vec![renewed]), world.now);
    let auth = sent.iter().find_map(|e| match e {
        HubEffect::Send { frames, .. } => frames.iter().find_map(|f| match Message::decode(f) {
            Ok(Message::Auth { document_id, secret, .. }) if document_id == document => Some(secret),
            _ => None,
        }),
        _ => None,
    });
    assert_eq!(auth.as_deref(), Some("a-new-secret-from-the-leader"));
    let sync = sent.iter().any(|e| match e {
        HubEffect::Send { frames, .. } => frames
            .iter()
            .any(|f| matches!(Message::decode(f), Ok(Message::Sync { document_id, .. }) if document_id == document)),
        _ => false,
    });
    assert!(sync, "and its first sync message, to the relay's peer id it already knows");
    assert_eq!(world.connects, connects, "no new connection was needed");
}
