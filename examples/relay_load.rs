//! Load test of the relay (not run in CI): `scripts/bench.sh relay`.
//!
//! Starts the release relay binary on loopback, then
//! 1. 50 clients, 5 per register (10 registers, as a county's units), each making 100 edits, 10
//!    a second. Each client is the browser's own session logic (`sync::Session`) over a real
//!    WebSocket. Every edit carries the time it was made; each client notes when every other
//!    client's edit reaches it. Stops by itself when all edits have reached all peers, or after
//!    two minutes;
//! 2. a county's worth of stored registers: 500 new registers (the school template, as a unit
//!    creates one), each brought by a member who leaves once it is synced;
//! 3. 1,000 idle members, two on each stored register, connected and synced, answering pings;
//! 4. the edits of 1 again, with the idle members still connected.
//!
//! Prints throughput, edit-to-peer latency p50/p95/p99 for 1 and 4, and the relay's memory
//! (resident now, and peak) after each step.

use std::collections::HashMap;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ROOT, ReadDoc};
use futures::{SinkExt, StreamExt};
use qingfeng::sync::{Joining, Session, Share};
use tokio_tungstenite::tungstenite::Message;

const REGISTERS: usize = 10;
const PER_REGISTER: usize = 5;
const EDITS: u32 = 100;
const EDIT_EVERY: Duration = Duration::from_millis(100);
const LIMIT: Duration = Duration::from_secs(120);

fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_millis() as u64
}

/// One client: edits its own key, and records the delay of every other client's edits.
/// Each client's edits made and the fewest it has seen of any other client, for a run that
/// does not finish.
static PROGRESS: std::sync::Mutex<Vec<(usize, u32, u32)>> = std::sync::Mutex::new(Vec::new());

async fn client(relay: String, share: Share, me: usize, start: Vec<u8>) -> Vec<u64> {
    let (mut socket, _) = tokio_tungstenite::connect_async(&relay).await.expect("connect");
    let mut session = Session::new(&share, format!("load-{me}"), false).unwrap();
    let mut doc = Joining(AutoCommit::load(&start).unwrap());
    for frame in session.opened() {
        socket.send(Message::Binary(frame.into())).await.unwrap();
    }
    let mut latencies = Vec::new();
    let mut seen: HashMap<String, u32> = HashMap::new();
    let mut made = 0;
    let mut tick = tokio::time::interval(EDIT_EVERY);
    // Answers and edits gathered into one message, as the worker does.
    let mut flush = tokio::time::interval(Duration::from_millis(u64::from(qingfeng::sync::REPLY_DELAY_MS)));
    let mut owed = false;

    let key = format!("c{me}");
    // Done when every edit was made and the relay has them all, and every other client's last
    // edit has arrived.
    let done = |seen: &HashMap<String, u32>, made: u32, owed: bool, session: &Session| {
        made == EDITS
            && !owed
            && matches!(session.status(), qingfeng::sync::LiveStatus::Synced { .. })
            && seen.len() == PER_REGISTER - 1
            && seen.values().all(|&n| n == EDITS)
    };
    while !done(&seen, made, owed, &session) {
        {
            let fewest = if seen.len() == PER_REGISTER - 1 { seen.values().copied().min().unwrap_or(0) } else { 0 };
            let mut progress = PROGRESS.lock().unwrap();
            progress.retain(|p| p.0 != me);
            progress.push((me, made, fewest));
        }
        tokio::select! {
            _ = tick.tick(), if made < EDITS => {
                made += 1;
                doc.0.put(ROOT, &key, format!("{made}:{}", now_ms())).unwrap();
                owed = true;
            }
            _ = flush.tick(), if owed => {
                owed = false;
                for frame in session.changed(&mut doc, 0) {
                    socket.send(Message::Binary(frame.into())).await.unwrap();
                }
            }
            frame = socket.next() => {
                let bytes = match frame {
                    Some(Ok(Message::Binary(bytes))) => bytes,
                    Some(Ok(_)) => continue,
                    other => panic!("client {me}: the relay closed the connection: {other:?}"),
                };
                let step = session.received(&bytes, &mut doc, 0).expect("the relay answers");
                for frame in step.send {
                    socket.send(Message::Binary(frame.into())).await.unwrap();
                }
                owed |= step.reply;
                if step.merged.is_none() {
                    continue;
                }
                let at = now_ms();
                let others: Vec<(String, String)> = doc
                    .0
                    .keys(ROOT)
                    .filter(|other| other.starts_with('c') && *other != key)
                    .filter_map(|other| {
                        let (value, _) = doc.0.get(ROOT, &other).ok()??;
                        Some((other, value.as_str()?.to_string()))
                    })
                    .collect();
                for (other, value) in others {
                    let Some((n, sent)) = value.split_once(':') else { continue };
                    let (n, sent): (u32, u64) = (n.parse().unwrap(), sent.parse().unwrap());
                    let last = seen.entry(other).or_default();
                    if n > *last {
                        latencies.push(at.saturating_sub(sent));
                        *last = n;
                    }
                }
            }
        }
    }
    PROGRESS.lock().unwrap().retain(|p| p.0 != me);
    latencies
}

fn percentile(sorted: &[u64], p: f64) -> u64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// The relay's resident and peak memory, in MiB.
fn memory(pid: u32) -> String {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| -> Option<f64> {
        let kib: f64 = status.lines().find(|l| l.starts_with(name))?.split_whitespace().nth(1)?.parse().ok()?;
        Some(kib / 1024.0)
    };
    match (field("VmRSS:"), field("VmHWM:")) {
        (Some(now), Some(peak)) => format!("relay resident {now:.1} MiB, peak {peak:.1} MiB"),
        _ => "relay memory unknown (no /proc)".into(),
    }
}

/// A member with register `share` connects, syncs `start` with the relay, and stays (answering
/// pings) until `leave` fires; without one, leaves once synced. An error when the relay closed
/// the connection, with its reason.
async fn member(
    relay: String,
    share: Share,
    me: String,
    start: Vec<u8>,
    leave: Option<tokio::sync::watch::Receiver<bool>>,
) -> Result<(), String> {
    let (mut socket, _) = tokio_tungstenite::connect_async(&relay).await.map_err(|e| format!("connecting: {e}"))?;
    let mut session = Session::new(&share, me, false).unwrap();
    let mut doc = Joining(AutoCommit::load(&start).unwrap());
    for frame in session.opened() {
        socket.send(Message::Binary(frame.into())).await.unwrap();
    }
    for frame in session.changed(&mut doc, 0) {
        socket.send(Message::Binary(frame.into())).await.unwrap();
    }
    let mut leave = leave;
    loop {
        let synced = matches!(session.status(), qingfeng::sync::LiveStatus::Synced { .. });
        if synced && leave.as_ref().is_none_or(|l| *l.borrow()) {
            return Ok(());
        }
        let frame = match &mut leave {
            Some(leave) if synced => tokio::select! {
                frame = socket.next() => frame,
                _ = leave.changed() => continue,
            },
            _ => socket.next().await,
        };
        let bytes = match frame {
            Some(Ok(Message::Binary(bytes))) => bytes,
            Some(Ok(_)) => continue,
            other => return Err(format!("the connection ended: {other:?}")),
        };
        let step = session.received(&bytes, &mut doc, 0).map_err(|e| format!("{e:?}"))?;
        for frame in step.send.into_iter().chain(step.reply.then(|| session.changed(&mut doc, 0)).into_iter().flatten())
        {
            socket.send(Message::Binary(frame.into())).await.unwrap();
        }
    }
}

/// Runs the 50 clients' edits; prints what they measured.
async fn edits(url: &str, title: &str, pid: u32) {
    let started = Instant::now();
    let mut clients = Vec::new();
    for register in 0..REGISTERS {
        let id = uuid::Uuid::new_v4().to_string();
        let share = Share { relay: url.to_string(), register: id, secret: Share::new_secret(), founder: None };
        let mut start = AutoCommit::new();
        start.put(ROOT, "register", register as i64).unwrap();
        let start = start.save();
        for n in 0..PER_REGISTER {
            clients.push(tokio::spawn(client(
                url.to_string(),
                share.clone(),
                register * PER_REGISTER + n,
                start.clone(),
            )));
        }
    }
    let all = tokio::time::timeout(LIMIT, futures::future::join_all(clients)).await;
    let elapsed = started.elapsed();
    let Ok(results) = all else {
        eprintln!("the load test did not finish within {LIMIT:?}");
        let mut progress = PROGRESS.lock().unwrap().clone();
        progress.sort();
        for (client, made, fewest) in progress.iter().filter(|p| p.1 < EDITS || p.2 < EDITS) {
            eprintln!("client {client}: made {made}, has seen at least {fewest} of each other's");
        }
        panic!("the load test did not finish");
    };
    let mut latencies: Vec<u64> = results.into_iter().flat_map(|r| r.expect("a client failed")).collect();
    latencies.sort_unstable();
    let edits = REGISTERS * PER_REGISTER * EDITS as usize;
    println!("## {title}");
    println!(
        "clients: {} ({REGISTERS} registers x {PER_REGISTER}), edits: {edits}, one every {EDIT_EVERY:?} per client",
        REGISTERS * PER_REGISTER
    );
    println!(
        "wall time: {:.1} s, throughput: {:.0} edits/s in, {:.0} edit deliveries/s out",
        elapsed.as_secs_f64(),
        edits as f64 / elapsed.as_secs_f64(),
        latencies.len() as f64 / elapsed.as_secs_f64()
    );
    println!(
        "edit-to-peer latency: p50 {} ms, p95 {} ms, p99 {} ms, max {} ms ({} deliveries seen)",
        percentile(&latencies, 0.50),
        percentile(&latencies, 0.95),
        percentile(&latencies, 0.99),
        latencies.last().unwrap(),
        latencies.len()
    );
    println!("{}", memory(pid));
}

/// Stored registers, and idle members on them.
const STORED: usize = 500;
const IDLE: usize = 1_000;
/// Members connecting at once while the registers are stored and the idle ones join.
const AT_ONCE: usize = 25;

#[tokio::main]
async fn main() {
    let bin = std::env::var("QINGFENG_RELAY_BIN").unwrap_or_else(|_| "target/release/qingfeng-relay".into());
    let data = tempfile::tempdir().unwrap();
    let addr = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    // Every client is on loopback: one address brings all the registers and connections.
    let args = ["--max-connections-per-ip", "2000", "--max-claims", "1000", "--dist", "/nonexistent"];
    let relay = std::process::Command::new(&bin)
        .args(["--addr", &addr.to_string()])
        .args(args)
        .arg("--data")
        .arg(data.path())
        .env("RUST_LOG", "warn")
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {bin}: {e} (build it with cargo build --release -p qingfeng-relay)"));
    let relay = Stopped(relay);
    let pid = relay.0.id();
    let url = format!("ws://{addr}/sync");
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(addr).await.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    println!("started: {}", memory(pid));
    edits(&url, "edits, 50 clients", pid).await;

    // A county's registers, each brought once by its creator.
    let started = Instant::now();
    let unit = qingfeng::rules::UnitForm { name: "负载测试小学".into(), ..Default::default() };
    let today = "2026-12-08".parse().unwrap();
    let stamp = qingfeng::doc::Stamp::default();
    let template = qingfeng::model::Template::school();
    let mut stored = Vec::new();
    let mut bytes = 0;
    for chunk in (0..STORED).collect::<Vec<_>>().chunks(AT_ONCE) {
        let mut members = Vec::new();
        for &n in chunk {
            // Made as the app makes one: its id from a founder's proof, which claims it.
            let founder = Share::new_founder();
            let id = qingfeng_wire::founded_register_id(&founder);
            let mut doc = qingfeng::doc::RegisterDoc::create_as(id, &unit, &template, today, &stamp).unwrap();
            let register = doc.register().id.clone();
            let share = Share { relay: url.clone(), register, secret: Share::new_secret(), founder: Some(founder) };
            let start = doc.save();
            bytes += start.len();
            members.push(tokio::spawn(member(url.clone(), share.clone(), format!("creator-{n}"), start.clone(), None)));
            stored.push((Share { founder: None, ..share }, start));
        }
        for result in futures::future::join_all(members).await {
            result.expect("a member's task").expect("a register is stored");
        }
    }
    println!(
        "## {STORED} registers stored ({} KiB each) in {:.1} s",
        bytes / STORED / 1024,
        started.elapsed().as_secs_f64()
    );
    println!("{}", memory(pid));

    // Idle members: two on each register, synced, then quiet.
    let started = Instant::now();
    let (leave, stay) = tokio::sync::watch::channel(false);
    let mut idle = Vec::new();
    for chunk in (0..IDLE).collect::<Vec<_>>().chunks(AT_ONCE) {
        let before = idle.len();
        for &n in chunk {
            let (share, start) = &stored[n % STORED];
            idle.push(tokio::spawn(member(
                url.clone(),
                share.clone(),
                format!("idle-{n}"),
                start.clone(),
                Some(stay.clone()),
            )));
        }
        // Each batch connects before the next starts.
        tokio::time::sleep(Duration::from_millis(20 * (idle.len() - before) as u64)).await;
    }
    tokio::time::sleep(Duration::from_secs(5)).await;
    println!("## {IDLE} idle members connected in {:.1} s", started.elapsed().as_secs_f64());
    println!("{}", memory(pid));

    edits(&url, "edits, 50 clients, with the idle members connected", pid).await;
    // A minute of idling: pings go out and are answered.
    tokio::time::sleep(Duration::from_secs(30)).await;
    println!("## after 30 s more of idling\n{}", memory(pid));
    leave.send(true).unwrap();
    let finished = futures::future::join_all(idle).await;
    let closed: Vec<String> = finished.into_iter().filter_map(|r| r.expect("a member's task").err()).collect();
    println!("idle members that could not connect or were closed: {} {:?}", closed.len(), closed.first());
    drop(relay);
}

/// The relay process, stopped when the test ends, a failed one too.
struct Stopped(std::process::Child);

impl Drop for Stopped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
