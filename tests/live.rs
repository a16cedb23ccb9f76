//! Live sync, natively: the worker's session logic (`sync::Session`) drives real WebSockets to
//! a real relay started in-process. Two members converge, a member joins by link from nothing,
//! edits made while one is offline meet after it reconnects, and a wrong secret gets nothing.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use qingfeng::doc::{RegisterDoc, Stamp};
use qingfeng::engine::{AnyForm, Command};
use qingfeng::model::Template;
use qingfeng::rules::{PersonForm, UnitForm};
use qingfeng::sync::{Joining, LiveFailure, LiveStatus, Session, Share, Syncable};
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
