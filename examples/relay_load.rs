//! Load test of the relay (not run in CI): `scripts/bench.sh relay`.
//!
//! Starts the release relay binary on loopback, then 50 clients, 5 per register (10 registers,
//! as a county's units), each making 100 edits, 10 a second. Each client is the browser's own
//! session logic (`sync::Session`) over a real WebSocket. Every edit carries the time it was
//! made; each client notes when every other client's edit reaches it. Stops by itself when all
//! edits have reached all peers, or after two minutes. Prints throughput, edit-to-peer latency
//! p50/p95/p99 and the relay's peak memory.

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

fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status.lines().find(|l| l.starts_with("VmHWM:"))?.split_whitespace().nth(1)?.parse().ok()
}

#[tokio::main]
async fn main() {
    let bin = std::env::var("QINGFENG_RELAY_BIN").unwrap_or_else(|_| "target/release/qingfeng-relay".into());
    let data = tempfile::tempdir().unwrap();
    let addr = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let mut relay = std::process::Command::new(&bin)
        .args(["--addr", &addr.to_string(), "--dist", "/nonexistent", "--data"])
        .arg(data.path())
        .env("RUST_LOG", "warn")
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {bin}: {e} (build it with cargo build --release -p qingfeng-relay)"));
    let url = format!("ws://{addr}/sync");
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(addr).await.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let started = Instant::now();
    let mut clients = Vec::new();
    for register in 0..REGISTERS {
        let share =
            Share { relay: url.clone(), register: uuid::Uuid::new_v4().to_string(), secret: Share::new_secret() };
        let mut start = AutoCommit::new();
        start.put(ROOT, "register", register as i64).unwrap();
        let start = start.save();
        for n in 0..PER_REGISTER {
            clients.push(tokio::spawn(client(url.clone(), share.clone(), register * PER_REGISTER + n, start.clone())));
        }
    }
    let all = tokio::time::timeout(LIMIT, futures::future::join_all(clients)).await;
    let elapsed = started.elapsed();
    let rss = peak_rss_kib(relay.id());
    let _ = relay.kill();
    let _ = relay.wait();
    let Ok(results) = all else {
        eprintln!("the load test did not finish within {LIMIT:?}");
        let mut progress = PROGRESS.lock().unwrap().clone();
        progress.sort();
        for (client, made, fewest) in progress.iter().filter(|p| p.1 < EDITS || p.2 < EDITS) {
            eprintln!("client {client}: made {made}, has seen at least {fewest} of each other's");
        }
        std::process::exit(1);
    };
    let mut latencies: Vec<u64> = results.into_iter().flat_map(|r| r.expect("a client failed")).collect();
    latencies.sort_unstable();
    let edits = REGISTERS * PER_REGISTER * EDITS as usize;
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
    match rss {
        Some(kib) => println!("relay peak RSS: {:.1} MiB", kib as f64 / 1024.0),
        None => println!("relay peak RSS: unknown (no /proc)"),
    }
}
