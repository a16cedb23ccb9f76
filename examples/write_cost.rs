//! Times single edits on a register of a given size (development aid).
use qingfeng::doc::Stamp;
use qingfeng::rules::{Form, RiskForm};
use qingfeng::workload::{Size, build};
use std::time::Instant;

fn main() {
    let mut doc = build(Size::R500.without_edits(), 1);
    let ids: Vec<String> = doc.register().risks.keys().take(200).cloned().collect();
    let t = Instant::now();
    for (n, id) in ids.iter().enumerate() {
        let form = RiskForm { power_item: format!("x{n}"), ..RiskForm::from_target(&doc.register().risks[id]) };
        doc.update_entity(&Stamp::new("", 0), id, &form).unwrap();
    }
    println!("update: {:.3} ms each", t.elapsed().as_secs_f64() * 1000.0 / ids.len() as f64);
}
