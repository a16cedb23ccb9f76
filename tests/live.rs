//! Live sync, natively: the worker's session logic (`sync::Session`, and `sync::Link` carrying
//! several registers on one connection) drives real WebSockets to a real relay started
//! in-process. Two members converge, a member joins by link from nothing, edits made while one is
//! offline meet after it reconnects, a wrong secret gets nothing, and one connection carries
//! every register a browser shares, a refused one failing alone.

use std::collections::BTreeMap;
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use qingfeng::doc::{RegisterDoc, Stamp};
use qingfeng::engine::{AnyForm, Command};
use qingfeng::model::Template;
use qingfeng::rules::{PersonForm, UnitForm};
use qingfeng::sync::{Joining, Link, LiveFailure, LiveStatus, Session, Share, Syncable};
use qingfeng_relay::{Config, Relay};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

const LIMIT: Duration = Duration::from_secs(10);

async fn relay(dir: &std::path::Path) -> Relay {
    let config = Config {
        addr: "127.0.0.1:0".parse().unwrap(),
        dist: dir.join("dist"),
        data: dir.join("data"),
        ..Config::default()
    };
    Relay::start(config).await.expect("the relay starts")
}

fn register() -> RegisterDoc {
    let unit = UnitForm { name: "清风小学".into(), ..UnitForm::default() };
    RegisterDoc::create(&unit, &Template::school(), "2026-11-29".parse().unwrap(), &Stamp::default()).unwrap()
}

fn add_person(doc: &mut RegisterDoc, name: &str) {
    let command = Command::Create(AnyForm::Person(PersonForm { name: name.into(), ..PersonForm::default() }));
    doc.run(&Stamp::default(), command).expect("the person is added");
}

fn names(doc: &RegisterDoc) -> Vec<String> {
    let mut names: Vec<String> = doc.register().people.values().map(|p| p.name.clone()).collect();
    names.sort();
    names
}

/// A member's connection: its socket and session.
struct Member {
    socket: Socket,
    session: Session,
}

impl Member {
    async fn connect(relay: &Relay, share: &Share, me: &str, joining: bool) -> Member {
        let url = format!("ws://{}/sync", relay.local_addr());
        let (mut socket, _) = tokio_tungstenite::connect_async(url).await.expect("connect");
        let mut session = Session::new(share, me.into(), joining).unwrap();
        for frame in session.opened() {
            socket.send(Message::Binary(frame.into())).await.unwrap();
        }
        Member { socket, session }
    }

    async fn send(&mut self, frames: Vec<Vec<u8>>) {
        for frame in frames {
            self.socket.send(Message::Binary(frame.into())).await.unwrap();
        }
    }

    /// Reads frames until `done` holds, answering as the worker does.
    async fn pump<D: Syncable>(
        &mut self,
        doc: &mut D,
        done: impl Fn(&Session, &mut D) -> bool,
    ) -> Result<(), LiveFailure> {
        tokio::time::timeout(LIMIT, async {
            while !done(&self.session, doc) {
                let Some(Ok(frame)) = self.socket.next().await else { return Err(LiveFailure::Unreachable) };
                let Message::Binary(bytes) = frame else { continue };
                let step = self.session.received(&bytes, doc, 1)?;
                self.send(step.send).await;
                if step.reply {
                    let frames = self.session.changed(doc, 1);
                    self.send(frames).await;
                }
            }
            Ok(())
        })
        .await
        .expect("the session settles in time")
    }

    async fn settle(&mut self, doc: &mut RegisterDoc) {
        self.pump(doc, |s, _| matches!(s.status(), LiveStatus::Synced { .. })).await.expect("synced");
    }
}

#[tokio::test]
async fn members_converge_through_the_relay_and_a_wrong_secret_gets_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let relay = relay(dir.path()).await;

    // A shares the register: the relay gets it.
    let mut a_doc = register();
    add_person(&mut a_doc, "朱忠云");
    let share = Share {
        relay: format!("ws://{}/sync", relay.local_addr()),
        register: a_doc.id().to_string(),
        secret: Share::new_secret(),
        founder: None,
    };
    let mut a = Member::connect(&relay, &share, "a", false).await;
    a.settle(&mut a_doc).await;

    // B opens the link with nothing: the register arrives whole.
    let mut joining = Joining::default();
    let mut b = Member::connect(&relay, &share, "b", true).await;
    b.pump(&mut joining, |s, _| s.joined()).await.expect("joined");
    let mut b_doc = joining.register(&share.register).expect("the register, checked");
    assert_eq!(names(&b_doc), ["朱忠云"]);
    assert_eq!(b_doc.register().unit.name, "清风小学");

    // A live edit in A reaches B.
    add_person(&mut a_doc, "谭小红");
    let frames = a.session.changed(&mut a_doc, 2);
    assert!(matches!(a.session.status(), LiveStatus::Syncing { up: 1.., .. }), "{:?}", a.session.status());
    a.send(frames).await;
    b.pump(&mut b_doc, |_, d| names(d).len() == 2).await.unwrap();
    a.settle(&mut a_doc).await;

    // B goes offline and edits; A edits meanwhile; B comes back: both have both edits.
    drop(b);
    add_person(&mut b_doc, "离线时录入");
    add_person(&mut a_doc, "在线时录入");
    let frames = a.session.changed(&mut a_doc, 3);
    a.send(frames).await;
    a.settle(&mut a_doc).await;
    let mut b = Member::connect(&relay, &share, "b", false).await;
    b.pump(&mut b_doc, |s, d| names(d).len() == 4 && matches!(s.status(), LiveStatus::Synced { .. })).await.unwrap();
    a.pump(&mut a_doc, |_, d| names(d).len() == 4).await.unwrap();
    assert_eq!(names(&a_doc), names(&b_doc));

    // A third browser with a wrong secret: refused, and given nothing.
    let wrong = Share { secret: Share::new_secret(), ..share.clone() };
    let mut joining = Joining::default();
    let mut c = Member::connect(&relay, &wrong, "c", true).await;
    assert_eq!(c.pump(&mut joining, |s, _| s.joined()).await, Err(LiveFailure::Refused));
    assert!(joining.heads().is_empty());

    // A replaces the secret: the old link stops working for newcomers; A goes on.
    let fresh = Share::new_secret();
    let frames = a.session.replace_secret(&fresh);
    a.send(frames).await;
    add_person(&mut a_doc, "换密钥后");
    let frames = a.session.changed(&mut a_doc, 4);
    a.send(frames).await;
    a.settle(&mut a_doc).await;
    let mut joining = Joining::default();
    let mut d = Member::connect(&relay, &share, "d", true).await;
    assert_eq!(d.pump(&mut joining, |s, _| s.joined()).await, Err(LiveFailure::Refused));
    let mut joining = Joining::default();
    let mut e = Member::connect(&relay, &Share { secret: fresh, ..share.clone() }, "e", true).await;
    e.pump(&mut joining, |s, _| s.joined()).await.expect("the new link works");
    assert_eq!(names(&joining.register(&share.register).unwrap()).len(), 5);

    relay.shutdown().await.unwrap();
}

/// A browser's hub: one connection carrying every register it shares on the relay.
struct Hub {
    socket: Socket,
    link: Link,
    docs: BTreeMap<String, RegisterDoc>,
}

impl Hub {
    async fn connect(relay: &Relay, shares: &[Share], docs: Vec<RegisterDoc>) -> Hub {
        let url = format!("ws://{}/sync", relay.local_addr());
        let (socket, _) = tokio_tungstenite::connect_async(url).await.expect("connect");
        let mut docs: BTreeMap<String, RegisterDoc> = docs.into_iter().map(|d| (d.id().to_string(), d)).collect();
        let mut link = Link::new("hub".into());
        for share in shares {
            let frames = link.add(share, docs.get_mut(&share.register).unwrap(), 1).unwrap();
            assert!(frames.is_empty(), "nothing goes before the connection is open");
        }
        let mut hub = Hub { socket, link, docs };
        let frames = hub.link.opened();
        assert_eq!(frames.len(), 1 + shares.len(), "one join, then each register's secret");
        hub.send(frames).await;
        hub
    }

    async fn send(&mut self, frames: Vec<Vec<u8>>) {
        for frame in frames {
            self.socket.send(Message::Binary(frame.into())).await.unwrap();
        }
    }

    fn doc(&mut self, register: &str) -> &mut RegisterDoc {
        self.docs.get_mut(register).unwrap()
    }

    /// Reads frames until `done` holds, answering as the worker's hub does.
    async fn pump(&mut self, done: impl Fn(&Link, &BTreeMap<String, RegisterDoc>) -> bool) {
        tokio::time::timeout(LIMIT, async {
            while !done(&self.link, &self.docs) {
                let Some(Ok(Message::Binary(bytes))) = self.socket.next().await else { continue };
                let steps = self.link.received(&bytes, &mut self.docs, 1).expect("the connection goes on");
                for (register, step) in steps {
                    let Ok(step) = step else { continue };
                    self.send(step.send).await;
                    if step.reply {
                        let frames = self.link.changed(&register, self.docs.get_mut(&register).unwrap(), 1);
                        self.send(frames).await;
                    }
                }
            }
        })
        .await
        .expect("the hub settles in time");
    }

    async fn changed(&mut self, register: &str) {
        let frames = self.link.changed(register, self.docs.get_mut(register).unwrap(), 2);
        self.send(frames).await;
    }
}

fn synced(link: &Link, register: &str) -> bool {
    matches!(link.status(register), Some(LiveStatus::Synced { .. }))
}

fn share_of(relay: &Relay, doc: &RegisterDoc) -> Share {
    Share {
        relay: format!("ws://{}/sync", relay.local_addr()),
        register: doc.id().to_string(),
        secret: Share::new_secret(),
        founder: None,
    }
}

#[tokio::test]
async fn one_connection_carries_every_shared_register_and_a_refused_one_fails_alone() {
    let dir = tempfile::tempdir().unwrap();
    let relay = relay(dir.path()).await;

    // Someone else already shares W with their own secret.
    let mut w_doc = register();
    let w_share = share_of(&relay, &w_doc);
    let mut w_owner = Member::connect(&relay, &w_share, "w-owner", false).await;
    w_owner.settle(&mut w_doc).await;

    // The browser shares X and Y, and asks for W with a secret of its own: one connection.
    let (mut x, mut y) = (register(), register());
    add_person(&mut x, "谭小红");
    add_person(&mut y, "朱忠云");
    let (x_share, y_share) = (share_of(&relay, &x), share_of(&relay, &y));
    let wrong_w = Share { secret: Share::new_secret(), ..w_share.clone() };
    let (x_id, y_id, w_id) = (x_share.register.clone(), y_share.register.clone(), w_share.register.clone());
    let w_copy = RegisterDoc::load(&w_doc.save()).unwrap();
    let mut hub = Hub::connect(&relay, &[x_share.clone(), y_share.clone(), wrong_w], vec![x, y, w_copy]).await;
    hub.pump(|link, _| {
        synced(link, &x_id)
            && synced(link, &y_id)
            && link.status(&w_id) == Some(&LiveStatus::Failed(LiveFailure::Refused))
    })
    .await;

    // Members join X and Y by their links and get them whole.
    let mut joining = Joining::default();
    let mut bx = Member::connect(&relay, &x_share, "bx", true).await;
    bx.pump(&mut joining, |s, _| s.joined()).await.expect("X joined");
    let mut bx_doc = joining.register(&x_id).unwrap();
    assert_eq!(names(&bx_doc), ["谭小红"]);
    let mut joining = Joining::default();
    let mut by = Member::connect(&relay, &y_share, "by", true).await;
    by.pump(&mut joining, |s, _| s.joined()).await.expect("Y joined");
    let mut by_doc = joining.register(&y_id).unwrap();

    // Edits on both sides of both registers cross the one connection.
    add_person(hub.doc(&x_id), "在X录入");
    hub.changed(&x_id).await;
    add_person(hub.doc(&y_id), "在Y录入");
    hub.changed(&y_id).await;
    bx.pump(&mut bx_doc, |_, d| names(d).len() == 2).await.unwrap();
    by.pump(&mut by_doc, |_, d| names(d).len() == 2).await.unwrap();
    add_person(&mut by_doc, "成员在Y录入");
    let frames = by.session.changed(&mut by_doc, 3);
    by.send(frames).await;
    hub.pump(|_, docs| names(&docs[&y_id]).contains(&"成员在Y录入".to_string())).await;
    assert_eq!(names(&hub.docs[&x_id]), names(&bx_doc), "X is untouched by Y's edit");

    // A register shared later joins the open connection.
    let z = register();
    let z_share = share_of(&relay, &z);
    let z_id = z_share.register.clone();
    hub.docs.insert(z_id.clone(), z);
    let frames = hub.link.add(&z_share, hub.docs.get_mut(&z_id).unwrap(), 4).unwrap();
    assert!(!frames.is_empty(), "its secret and first message go at once");
    hub.send(frames).await;
    hub.pump(|link, _| synced(link, &z_id)).await;
    let mut joining = Joining::default();
    let mut bz = Member::connect(&relay, &z_share, "bz", true).await;
    bz.pump(&mut joining, |s, _| s.joined()).await.expect("Z joined");

    // W was refused without costing the others anything, and was given nothing.
    assert_eq!(hub.link.status(&w_id), Some(&LiveStatus::Failed(LiveFailure::Refused)));
    assert!(synced(&hub.link, &x_id) && synced(&hub.link, &y_id));
    assert_eq!(hub.link.registers().count(), 4);
    // A register no longer shared is let go; frames about it are ignored.
    hub.link.remove(&z_id);
    assert_eq!(hub.link.status(&z_id), None);

    relay.shutdown().await.unwrap();
}
