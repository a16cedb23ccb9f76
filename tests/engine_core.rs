//! The findings of issue 26, each as the steps that lost or mixed up an edit, run against the
//! native engine core in a browser simulated step by step (no scheduler: every effect is
//! carried out in order, except what a test holds back). `tests/engine_sim.rs` runs the same
//! core under random schedules.

use std::collections::{BTreeMap, VecDeque};

use qingfeng::doc::{RegisterDoc, Stamp};
use qingfeng::engine::core::{Core, Effect, Input, Timer};
use qingfeng::engine::protocol::{Event, FromEngine, Reply, Request, ToEngine};
use qingfeng::engine::{AnyForm, Command};
use qingfeng::model::Template;
use qingfeng::rules::{PersonForm, UnitForm};
use qingfeng::storage::{ChunkKey, Persistence, SaveStatus, StorageError, Write};

/// One tab: its core, what it posted to its page, and its timers.
#[derive(Default)]
struct Tab {
    core: Core,
    posts: Vec<FromEngine>,
    timers: Vec<Timer>,
    next: u64,
    /// The page's unsaved changes, by register, as `use_autosave` keeps them.
    unsaved: BTreeMap<String, Vec<u8>>,
}

/// A browser: its tabs, store, localStorage journals, and writes held back by a test.
#[derive(Default)]
struct Browser {
    tabs: Vec<Tab>,
    store: BTreeMap<String, BTreeMap<ChunkKey, Vec<u8>>>,
    full: bool,
    journals: BTreeMap<String, Vec<u8>>,
    /// Store writes a test holds back: (tab, job, register, write).
    held: Option<Vec<(usize, u64, String, Write)>>,
}

impl Browser {
    fn tab(&mut self) -> usize {
        self.tabs.push(Tab::default());
        self.tabs.len() - 1
    }

    /// Sends a request and carries out everything that follows; the reply.
    fn ask(&mut self, tab: usize, request: Request) -> Reply {
        self.tabs[tab].next += 1;
        let id = self.tabs[tab].next;
        self.feed(tab, Input::Page(ToEngine { id, request }));
        self.tabs[tab]
            .posts
            .iter()
            .rev()
            .find_map(|p| match p {
                FromEngine::Reply { id: i, reply } if *i == id => Some(reply.clone()),
                _ => None,
            })
            .expect("the engine answered")
    }

    fn feed(&mut self, tab: usize, input: Input) {
        let mut queue: VecDeque<(usize, Input)> = VecDeque::from([(tab, input)]);
        while let Some((tab, input)) = queue.pop_front() {
            for effect in self.tabs[tab].core.step(input) {
                match effect {
                    Effect::Post(message) => {
                        if let FromEngine::Event(Event::Unsaved { register, bytes }) = &message {
                            self.tabs[tab].unsaved.insert(register.clone(), bytes.clone());
                        }
                        if let FromEngine::Event(Event::JournalsStored(keys)) = &message {
                            keys.iter().for_each(|k| drop(self.journals.remove(k)));
                        }
                        self.tabs[tab].posts.push(message);
                    }
                    Effect::Load { job, register, .. } => {
                        let chunks = self.store.get(&register).cloned().unwrap_or_default();
                        let chunks = chunks
                            .into_iter()
                            .map(|(key, bytes)| qingfeng::storage::StoredChunk { key, bytes })
                            .collect();
                        queue.push_back((tab, Input::Loaded { job, result: Ok(chunks) }));
                    }
                    Effect::Apply { job, register, write } => match &mut self.held {
                        Some(held) => held.push((tab, job, register, write)),
                        None => {
                            let result = self.apply(&register, &write);
                            queue.push_back((tab, Input::Applied { job, result }));
                        }
                    },
                    Effect::TellTabs(message) => {
                        for other in (0..self.tabs.len()).filter(|o| *o != tab) {
                            queue.push_back((other, Input::Tab(message.clone())));
                        }
                    }
                    Effect::SetTimer(timer, _) => self.tabs[tab].timers.push(timer),
                    Effect::WantLock(register) if tab == 0 => queue.push_back((tab, Input::LockGranted(register))),
                    _ => {}
                }
            }
        }
    }

    fn apply(&mut self, register: &str, write: &Write) -> Result<(), StorageError> {
        if self.full {
            return Err(StorageError::Full);
        }
        let chunks = self.store.entry(register.to_string()).or_default();
        chunks.insert(write.key.clone(), write.bytes.clone());
        write.folds.iter().for_each(|k| drop(chunks.remove(k)));
        Ok(())
    }

    /// Fires every timer of every tab until none is left.
    fn wait(&mut self) {
        for _ in 0..50 {
            let Some(tab) = (0..self.tabs.len()).find(|t| !self.tabs[*t].timers.is_empty()) else { return };
            let timer = self.tabs[tab].timers.remove(0);
            self.feed(tab, Input::Timer(timer));
        }
    }

    /// The tab closes: with `pagehide`, its page journals what it holds unsaved.
    fn close(&mut self, tab: usize) {
        for (register, bytes) in std::mem::take(&mut self.tabs[tab].unsaved) {
            if !bytes.is_empty() {
                self.journals.insert(format!("qingfeng.journal.{register}.t{tab}"), bytes);
            }
        }
        self.tabs[tab] = Tab::default();
    }

    fn journals_of(&self, register: &str) -> Vec<(String, Vec<u8>)> {
        self.journals.iter().filter(|(k, _)| k.contains(register)).map(|(k, b)| (k.clone(), b.clone())).collect()
    }

    fn open(&mut self, tab: usize, register: &str) -> Reply {
        let journals = self.journals_of(register);
        self.ask(tab, Request::Open { register: register.into(), journals })
    }

    fn create(&mut self, tab: usize, name: &str) -> String {
        let unit = UnitForm { name: name.into(), ..UnitForm::default() };
        let request = Request::Create {
            unit,
            template: "school".into(),
            today: "2026-12-07".into(),
            at: 1,
            founder: format!("founder of {name}"),
        };
        match self.ask(tab, request) {
            Reply::Opened(view) => view.id.clone(),
            other => panic!("creating answered {other:?}"),
        }
    }

    fn add(&mut self, tab: usize, register: &str, name: &str) {
        let command = person(name);
        let reply = self.ask(tab, Request::Run { register: register.into(), command, author: String::new(), at: 1 });
        assert!(matches!(reply, Reply::Ran(_)), "{reply:?}");
    }

    /// The register as a new tab reads it from the store and the journals.
    fn stored(&self, register: &str) -> RegisterDoc {
        let chunks: Vec<_> = self.store[register]
            .iter()
            .map(|(key, bytes)| qingfeng::storage::StoredChunk { key: key.clone(), bytes: bytes.clone() })
            .collect();
        let journals = self.journals_of(register);
        let bytes: Vec<&[u8]> = journals.iter().map(|(_, b)| b.as_slice()).collect();
        Persistence::open(register, &chunks, &bytes).unwrap().unwrap().0
    }

    fn last_status(&self, tab: usize, register: &str) -> Option<SaveStatus> {
        self.tabs[tab].posts.iter().rev().find_map(|p| match p {
            FromEngine::Event(Event::Status { register: r, status }) if r == register => Some(status.clone()),
            _ => None,
        })
    }
}

/// Adding a person named `name`.
fn person(name: &str) -> Command {
    Command::Create(AnyForm::Person(PersonForm { name: name.into(), ..PersonForm::default() }))
}

fn has(doc: &RegisterDoc, name: &str) -> bool {
    doc.register().people.values().any(|p| p.name == name)
}

#[test]
fn finding_2_switching_away_from_a_register_that_cannot_be_saved_keeps_its_edits() {
    let mut browser = Browser::default();
    let tab = browser.tab();
    let a = browser.create(tab, "高桥小学");
    browser.wait();
    browser.full = true;
    browser.add(tab, &a, "朱忠云");
    browser.wait();
    assert_eq!(browser.last_status(tab, &a), Some(SaveStatus::Failed(StorageError::Full)));
    // The member opens another register while the store is still full.
    let b = browser.create(tab, "王场小学");
    assert_eq!(browser.tabs[tab].core.open_id(), Some(b.as_str()));
    assert!(browser.tabs[tab].core.in_memory().any(|r| r == a), "A stays in memory until stored");
    assert!(!browser.tabs[tab].unsaved[&a].is_empty(), "the page can still journal A's edit");
    browser.full = false;
    browser.wait();
    assert!(has(&browser.stored(&a), "朱忠云"));
    assert!(!browser.tabs[tab].core.in_memory().any(|r| r == a), "A is let go once stored");
    // A status of A never reaches the page as B's.
    match browser.open(tab, &a) {
        Reply::Opened(view) => assert!(view.people.values().any(|p| p.name == "朱忠云")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn finding_2_a_tab_closed_while_the_switched_register_is_unsaved_journals_it() {
    let mut browser = Browser::default();
    let tab = browser.tab();
    let a = browser.create(tab, "高桥小学");
    browser.wait();
    browser.full = true;
    browser.add(tab, &a, "朱忠云");
    browser.create(tab, "王场小学");
    browser.close(tab);
    browser.full = false;
    let tab = browser.tab();
    browser.open(tab, &a);
    browser.wait();
    assert!(has(&browser.stored(&a), "朱忠云"));
    assert!(browser.journals_of(&a).is_empty(), "the journal goes once its edit is stored");
}

#[test]
fn finding_3_importing_the_open_register_applies_closed_tabs_journals_first() {
    let mut browser = Browser::default();
    let (one, two) = (browser.tab(), browser.tab());
    let r = browser.create(one, "高桥小学");
    browser.wait();
    browser.open(two, &r);
    // Tab 2 adds a person and closes inside the save debounce: only its journal holds it.
    browser.add(two, &r, "陈继荣");
    browser.close(two);
    let mut colleague = browser.stored(&r).fork();
    colleague.run(&Stamp::default(), person("黄军华")).unwrap();
    let journals = browser.journals_of(&r);
    assert_eq!(journals.len(), 1);
    let reply = browser.ask(one, Request::Import { bytes: colleague.export_file(), journals });
    assert!(matches!(reply, Reply::Imported(_)), "{reply:?}");
    browser.wait();
    assert!(browser.journals.is_empty(), "deleted once stored, not before");
    let stored = browser.stored(&r);
    assert!(has(&stored, "陈继荣") && has(&stored, "黄军华"));
}

#[test]
fn finding_4_a_write_that_ends_after_a_switch_tells_the_tabs_its_own_register() {
    let mut browser = Browser::default();
    let (one, two) = (browser.tab(), browser.tab());
    let a = browser.create(one, "高桥小学");
    browser.wait();
    browser.open(two, &a);
    browser.add(one, &a, "朱忠云");
    // The write of A is slow; meanwhile tab 1 creates register B.
    browser.held = Some(Vec::new());
    browser.wait();
    let b = browser.create(one, "王场小学");
    let held = browser.held.take().unwrap();
    for (tab, job, register, write) in held {
        let result = browser.apply(&register, &write);
        browser.feed(tab, Input::Applied { job, result });
    }
    browser.wait();
    // Tab 2, which has A open, holds A's edit and nothing of B.
    match browser.ask(two, Request::ExportFile) {
        Reply::File(bytes) => {
            let doc = qingfeng::sync::read_file(&bytes).unwrap();
            assert_eq!(doc.id(), a);
            assert!(has(&doc, "朱忠云"));
            assert_eq!(doc.register().unit.name, "高桥小学");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(browser.stored(&b).register().unit.name, "王场小学");
}

#[test]
fn finding_4_a_chunk_of_another_register_is_refused_and_changes_nothing() {
    let unit = |name: &str| UnitForm { name: name.into(), ..UnitForm::default() };
    let today = "2026-12-07".parse().unwrap();
    let mut a = RegisterDoc::create(&unit("高桥小学"), &Template::school(), today, &Stamp::default()).unwrap();
    let mut b = RegisterDoc::create(&unit("王场小学"), &Template::school(), today, &Stamp::default()).unwrap();
    let (before, people) = (a.heads(), a.register().people.len());
    assert!(a.apply_chunk(&b.save()).is_err());
    assert_eq!(a.heads(), before);
    assert_eq!(a.register().people.len(), people);
    assert_eq!(a.register().unit.name, "高桥小学");
}

#[test]
fn finding_11_a_damaged_journal_does_not_fail_the_opening() {
    let mut browser = Browser::default();
    let tab = browser.tab();
    let r = browser.create(tab, "高桥小学");
    browser.wait();
    browser.add(tab, &r, "朱忠云");
    browser.close(tab);
    let good = format!("qingfeng.journal.{r}.t{tab}");
    let bad = format!("qingfeng.journal.{r}.damaged");
    browser.journals.insert(bad, b"\x85\x6f\x4a\x83 half written".to_vec());
    let tab = browser.tab();
    match browser.open(tab, &r) {
        Reply::Opened(view) => assert!(view.people.values().any(|p| p.name == "朱忠云")),
        other => panic!("{other:?}"),
    }
    browser.wait();
    assert!(!browser.journals.contains_key(&good), "the journal read is deleted once stored");
}
