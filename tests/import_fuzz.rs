//! Import fuzzing: generated and mutated `.qingfeng` inputs (truncations, bit flips, spliced
//! headers, valid headers over random bodies, other registers' bodies, random bytes) go through
//! the import path against an open register. None may panic; a refused input must leave the
//! open register exactly as it was.
//!
//! CI runs 10,000 inputs. The full run (scripts/bench.sh fuzz) runs a million in release:
//!   QINGFENG_FUZZ_INPUTS=1000000 cargo test --release --test import_fuzz -- --nocapture

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::Instant;

use qingfeng::doc::{RegisterDoc, Stamp};
use qingfeng::model::{Date, Template};
use qingfeng::rules::{PersonForm, RiskForm, UnitForm};
use qingfeng::sync::{ImportOutcome, RegisterFile, import_into};
use qingfeng::workload::Rng;

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn register(name: &str) -> RegisterDoc {
    let today: Date = "2026-11-29".parse().unwrap();
    let unit = UnitForm { name: name.into(), ..UnitForm::default() };
    RegisterDoc::create(&unit, &Template::school(), today, &Stamp::new("", 1)).unwrap()
}

/// The valid files the mutations start from: the open register, a copy of it with edits,
/// and another register.
fn seeds(open: &mut RegisterDoc) -> Vec<Vec<u8>> {
    let mut copy = open.fork();
    let person =
        copy.add_member(&Stamp::new("", 10), &PersonForm { name: "朱忠云".into(), ..PersonForm::default() }).unwrap();
    let kind = copy.register().risk_kinds.keys().next().unwrap().clone();
    let risk = RiskForm {
        scope: "unit".into(),
        kind,
        level: "2".into(),
        description: "大额支出未经民主理财小组审核".into(),
        ..RiskForm::default()
    };
    copy.create_entity(&Stamp::new(person, 11), &risk).unwrap();
    vec![open.export_file(), copy.export_file(), register("王场小学").export_file()]
}

/// One input: a seed, mutated by one of the ways a file goes bad. Returns the way's name too.
fn mutate(rng: &mut Rng, seeds: &[Vec<u8>]) -> (&'static str, Vec<u8>) {
    let seed = rng.pick(seeds).clone();
    let other = rng.pick(seeds).clone();
    let random = |rng: &mut Rng, n: usize| (0..n).map(|_| rng.next_u64() as u8).collect::<Vec<u8>>();
    // The header is the magic, version, id and name before the document: about 64 bytes.
    let header_end = seed.len() - RegisterFile::decode(&seed).map(|f| f.document.len()).unwrap_or(0);
    match rng.below(9) {
        0 => ("truncated", seed[..rng.below(seed.len())].to_vec()),
        1 => {
            let mut bytes = seed;
            for _ in 0..1 + rng.below(8) {
                let at = rng.below(bytes.len());
                bytes[at] ^= 1 << rng.below(8);
            }
            ("bit flips", bytes)
        }
        2 => {
            let mut bytes = seed;
            let at = rng.below(header_end);
            bytes[at] ^= 1 << rng.below(8);
            ("header bit flip", bytes)
        }
        3 => {
            let mut bytes = seed[..header_end].to_vec();
            bytes.extend_from_slice(&other[other.len().min(header_end)..]);
            ("spliced header", bytes)
        }
        4 => {
            let mut bytes = seed[..header_end].to_vec();
            let n = rng.below(4096);
            bytes.extend(random(rng, n));
            ("valid header, random body", bytes)
        }
        5 => {
            let mut bytes = seed[..header_end].to_vec();
            let body = &other[other.len().min(header_end)..];
            bytes.extend_from_slice(&body[..rng.below(body.len().max(1))]);
            ("valid header, part of another body", bytes)
        }
        6 => {
            let mut bytes = seed;
            let at = rng.below(bytes.len());
            let n = rng.below(64);
            let inserted = random(rng, n);
            bytes.splice(at..at, inserted);
            ("bytes inserted", bytes)
        }
        7 => {
            let mut bytes = seed;
            let from = rng.below(bytes.len());
            let to = (from + rng.below(256)).min(bytes.len());
            bytes[from..to].fill(0);
            ("zeroed range", bytes)
        }
        _ => {
            let n = rng.below(2048);
            ("random bytes", random(rng, n))
        }
    }
}

#[test]
fn no_input_panics_or_changes_the_open_register() {
    let inputs = env_number("QINGFENG_FUZZ_INPUTS", 10_000);
    let mut rng = Rng::new(env_number("QINGFENG_FUZZ_SEED", 20261129));
    let mut open = register("高桥小学");
    let original = open.save();
    let seeds = seeds(&mut open);
    let (heads, view) = (open.heads(), open.register().clone());
    let (mut refused, mut merged, mut others) = (0u64, 0u64, 0u64);
    let started = Instant::now();
    for n in 0..inputs {
        let (way, bytes) = mutate(&mut rng, &seeds);
        let outcome = catch_unwind(AssertUnwindSafe(|| import_into(&bytes, Some(&mut open))));
        let Ok(outcome) = outcome else {
            panic!("input {n} ({way}, {} bytes) panicked: {:02x?}", bytes.len(), &bytes[..bytes.len().min(64)]);
        };
        match outcome {
            Err(_) => {
                refused += 1;
                assert_eq!(open.heads(), heads, "input {n} ({way}) was refused but changed the open register");
                if n % 1000 == 0 {
                    assert_eq!(open.register(), &view, "input {n} ({way}) changed the open register's view");
                }
            }
            // A mutation that left a whole copy of this register (a truncation after its last
            // chunk, say) merges like any file: the open register starts over for the next.
            Ok(ImportOutcome::Merged(_)) => {
                merged += 1;
                open = RegisterDoc::load(&original).unwrap();
            }
            Ok(ImportOutcome::Other(doc)) => {
                others += 1;
                assert!(!doc.id().is_empty());
            }
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{inputs} inputs in {seconds:.1} s ({:.0}/s): {refused} refused, {merged} merged, {others} other registers",
        inputs as f64 / seconds
    );
    assert!(refused > inputs / 2, "most mutated inputs are refused");
}
