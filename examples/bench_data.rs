//! Writes the benchmark registers as `.qingfeng` files for the browser benchmark, and prints
//! their sizes: `cargo run --release --example bench_data -- <dir> [R500|R5k]` (both sizes when
//! none is named; the browser tests use R500).
//!
//! - `R5k.qingfeng`: 5,000 risk points with 50,000 edits by three members in their history;
//! - `R5k-plus-1k.qingfeng`: a copy of it with 1,000 more changes, to merge;
//! - `R500.qingfeng` and `R500-plus-1k.qingfeng`, the same at a school's size.

use std::path::PathBuf;
use std::time::Instant;

use base64::Engine as _;
use qingfeng::workload::{Rng, Size, edit_one, load_or_build};

fn main() {
    let out = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "target/bench-data".into()));
    let cache = PathBuf::from("target/bench-cache");
    std::fs::create_dir_all(&out).expect("the output folder can be made");
    let only = std::env::args().nth(2);
    for size in [Size::R500, Size::R5K].into_iter().filter(|s| only.as_deref().is_none_or(|o| o == s.name)) {
        let started = Instant::now();
        let mut doc = load_or_build(size, &cache);
        let file = doc.export_file();
        let chars = base64::engine::general_purpose::STANDARD.encode(&file).len();
        std::fs::write(out.join(format!("{}.qingfeng", size.name)), &file).expect("writable");
        println!(
            "{}: {} risk points, {} changes, file {} bytes, {} base64 characters ({:.0}% of localStorage's 5,242,880), ready in {:.1} s",
            size.name,
            doc.register().risks.len(),
            doc.history().len(),
            file.len(),
            chars,
            chars as f64 / 5_242_880.0 * 100.0,
            started.elapsed().as_secs_f64()
        );
        let mut copy = doc.fork();
        let mut rng = Rng::new(7);
        for n in 0..1_000 {
            edit_one(&mut copy, "member-b", n, &mut rng);
        }
        std::fs::write(out.join(format!("{}-plus-1k.qingfeng", size.name)), copy.export_file()).expect("writable");
    }
}
