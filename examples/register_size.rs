//! Prints how large a saved register is, against localStorage's 5,242,880-character quota:
//! `cargo run --release --example register_size [R500|R5k|R50k]`.

use std::time::Instant;

use base64::Engine as _;
use qingfeng::workload::{Size, build};

fn main() {
    let wanted = std::env::args().nth(1).unwrap_or_else(|| "R5k".into());
    let size = [Size::R500, Size::R5K, Size::R50K].into_iter().find(|s| s.name == wanted).expect("R500, R5k or R50k");
    let started = Instant::now();
    let mut doc = build(size, 42);
    let built = started.elapsed();
    let bytes = doc.save();
    let base64 = base64::engine::general_purpose::STANDARD.encode(&bytes).len();
    let changes = doc.history().len();
    println!(
        "{}: {} changes, saved {} bytes, {} base64 characters ({:.0}% of localStorage's 5,242,880), built in {:.1} s",
        size.name,
        changes,
        bytes.len(),
        base64,
        base64 as f64 / 5_242_880.0 * 100.0,
        built.as_secs_f64()
    );
}
