//! Native benchmarks of the register core: `cargo bench --bench register`.
//!
//! Registers come from `qingfeng::workload` and are cached in `target/bench-cache` (building
//! R5k takes minutes the first time). Figures and how to read them: BENCHMARKS.md.

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use automerge::sync::{self, SyncDoc as _};
use automerge::{AutoCommit, ChangeHash};
use autosurgeon::hydrate;
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use qingfeng::doc::{RegisterDoc, Stamp};
use qingfeng::i18n::Locale;
use qingfeng::model::{Approval, Date, Register, ReviewStage, Substance, Template};
use qingfeng::report::{ChartView, ChartWords, chart_svg};
use qingfeng::rules::{
    ChartEdit, FlowchartForm, Form, MeasuresByRisk, NodeForm, RiskFilter, RiskForm, RiskSort, SortDir, UnitForm,
    catalogue, dashboard, layout, overdue_measures, risk_index, risk_rows, substance,
};
use qingfeng::workload::{Rng, Size, edit_one, load_or_build};

fn cache() -> &'static Path {
    Path::new("target/bench-cache")
}

fn today() -> Date {
    "2026-11-27".parse().unwrap()
}

fn sizes() -> Vec<Size> {
    // QINGFENG_BENCH_SIZES=R500,R5k limits the run; R50k's first build takes a while.
    let wanted = std::env::var("QINGFENG_BENCH_SIZES").unwrap_or_else(|_| "R500,R5k,R50k".into());
    [Size::R500, Size::R5K, Size::R50K].into_iter().filter(|s| wanted.split(',').any(|w| w == s.name)).collect()
}

/// Save, load (parse and materialise), Automerge's load alone, and reading the model alone, key by
/// key (autosurgeon) and in one pass.
fn open_and_save(c: &mut Criterion) {
    for size in sizes() {
        let started = Instant::now();
        let mut doc = load_or_build(size, cache());
        eprintln!("{}: ready in {:.1} s ({} changes)", size.name, started.elapsed().as_secs_f64(), doc.history().len());
        let bytes = doc.save();
        eprintln!("{}: saved {} bytes", size.name, bytes.len());
        let mut group = c.benchmark_group(format!("open/{}", size.name));
        group.sample_size(10).measurement_time(Duration::from_secs(20));
        group.bench_function("save", |b| b.iter(|| black_box(doc.save())));
        group.bench_function("load_and_hydrate", |b| b.iter(|| black_box(RegisterDoc::load(&bytes).unwrap())));
        group.bench_function("automerge_load", |b| b.iter(|| black_box(AutoCommit::load(&bytes).unwrap())));
        let mut am = AutoCommit::load(&bytes).unwrap();
        // Key by key through autosurgeon (what loading did before), and the one-pass reading.
        group.bench_function("hydrate", |b| b.iter(|| black_box(hydrate::<_, Register>(&am).unwrap())));
        let whole = am.document();
        group.bench_function("materialise", |b| b.iter(|| black_box(qingfeng::doc::materialise(whole).unwrap())));
        group.finish();
    }
}

/// Two copies of R5k that each made `k` edits since they parted.
fn diverged(k: usize) -> (Vec<u8>, Vec<u8>) {
    let dir = cache();
    let path_a = dir.join(format!("R5k-diverged-{k}-a.am"));
    let path_b = dir.join(format!("R5k-diverged-{k}-b.am"));
    if let (Ok(a), Ok(b)) = (std::fs::read(&path_a), std::fs::read(&path_b)) {
        return (a, b);
    }
    let mut base = load_or_build(Size::R5K, dir);
    let mut a = base.fork();
    let mut b = base.fork();
    let mut rng = Rng::new(k as u64);
    for n in 0..k {
        edit_one(&mut a, "member-a", n, &mut rng);
        edit_one(&mut b, "member-b", n, &mut rng);
    }
    let (a, b) = (a.save(), b.save());
    let _ = std::fs::write(&path_a, &a).and_then(|()| std::fs::write(&path_b, &b));
    (a, b)
}

/// Merging a copy with `k` divergent changes on each side, and the sync protocol between them.
fn merge_and_sync(c: &mut Criterion) {
    for k in [1_000, 10_000] {
        let (a, b) = diverged(k);
        let mut group = c.benchmark_group(format!("merge/R5k/K={k}"));
        group.sample_size(10).measurement_time(Duration::from_secs(30));
        group.bench_function("merge_and_rehydrate", |bench| {
            bench.iter_batched(
                || (RegisterDoc::load(&a).unwrap(), RegisterDoc::load(&b).unwrap()),
                |(mut a, mut b)| black_box(a.merge(&mut b).unwrap()),
                BatchSize::PerIteration,
            )
        });
        group.bench_function("automerge_merge", |bench| {
            bench.iter_batched(
                || (AutoCommit::load(&a).unwrap(), AutoCommit::load(&b).unwrap()),
                |(mut a, mut b)| black_box(a.merge(&mut b).unwrap()),
                BatchSize::PerIteration,
            )
        });
        let (rounds, bytes) = sync_pair(&mut AutoCommit::load(&a).unwrap(), &mut AutoCommit::load(&b).unwrap());
        eprintln!("sync R5k K={k}: {rounds} messages, {bytes} bytes");
        group.bench_function("sync_protocol", |bench| {
            bench.iter_batched(
                || (AutoCommit::load(&a).unwrap(), AutoCommit::load(&b).unwrap()),
                |(mut a, mut b)| black_box(sync_pair(&mut a, &mut b)),
                BatchSize::PerIteration,
            )
        });
        group.finish();
    }
}

/// Runs Automerge's sync protocol between two copies until neither has more to say; returns
/// the number of messages and their bytes.
fn sync_pair(a: &mut AutoCommit, b: &mut AutoCommit) -> (usize, usize) {
    let (mut sa, mut sb) = (sync::State::new(), sync::State::new());
    let (mut messages, mut bytes) = (0, 0);
    loop {
        let mut quiet = true;
        if let Some(m) = a.sync().generate_sync_message(&mut sa) {
            let encoded = m.encode();
            (messages, bytes, quiet) = (messages + 1, bytes + encoded.len(), false);
            b.sync().receive_sync_message(&mut sb, sync::Message::decode(&encoded).unwrap()).unwrap();
        }
        if let Some(m) = b.sync().generate_sync_message(&mut sb) {
            let encoded = m.encode();
            (messages, bytes, quiet) = (messages + 1, bytes + encoded.len(), false);
            a.sync().receive_sync_message(&mut sa, sync::Message::decode(&encoded).unwrap()).unwrap();
        }
        if quiet {
            let heads: Vec<ChangeHash> = a.get_heads();
            assert_eq!(heads, b.get_heads(), "sync converged");
            return (messages, bytes);
        }
    }
}

/// One edit of R5k, as a save in the risk form makes it.
fn edit(c: &mut Criterion) {
    let mut doc = load_or_build(Size::R5K, cache());
    let ids: Vec<String> = doc.register().risks.keys().take(1_000).cloned().collect();
    let mut n = 0;
    c.bench_function("edit/R5k/update_risk", |b| {
        b.iter(|| {
            let id = &ids[n % ids.len()];
            n += 1;
            let form =
                RiskForm { power_item: format!("事项{n}"), ..RiskForm::from_target(&doc.register().risks[id]) };
            black_box(doc.update_entity(&Stamp::new("bench", n as i64), id, &form).unwrap())
        })
    });
}

/// The rules over the whole register: what the list, catalogue and overview compute.
fn rules(c: &mut Criterion) {
    let mut doc = load_or_build(Size::R5K, cache());
    let register = doc.register().clone();
    let r = &register;
    let mut group = c.benchmark_group("rules/R5k");
    group.bench_function("risk_list", |b| {
        b.iter(|| black_box(risk_rows(r, &RiskFilter::default(), RiskSort::Level, SortDir::Ascending, today())))
    });
    let filter = RiskFilter { text: "回扣".into(), ..RiskFilter::default() };
    group.bench_function("risk_list_text_filter", |b| {
        b.iter(|| black_box(risk_rows(r, &filter, RiskSort::Department, SortDir::Ascending, today())))
    });
    // What a keypress in the filter box costs now: the index is built once per register change.
    let index = risk_index(r, today());
    group.bench_function("risk_index", |b| b.iter(|| black_box(risk_index(r, today()))));
    group.bench_function("keypress_filter_over_index", |b| {
        b.iter(|| black_box(index.rows(&filter, RiskSort::Department, SortDir::Ascending).len()))
    });
    group.bench_function("catalogue", |b| b.iter(|| black_box(catalogue(r, None, Locale::ZhCn))));
    group.bench_function("dashboard", |b| b.iter(|| black_box(dashboard(r, today()))));
    group.bench_function("overdue", |b| b.iter(|| black_box(overdue_measures(r, today()))));
    // 动态管理: every point approved with its approved version kept, then every one edited since.
    let mut approved = register.clone();
    let versions: Vec<(String, Substance)> = {
        let measures = MeasuresByRisk::new(&approved);
        approved.risks.iter().map(|(id, p)| (id.clone(), substance(p, measures.of(id)))).collect()
    };
    for (id, version) in versions {
        let point = approved.risks.get_mut(&id).unwrap();
        point.review = ReviewStage::Approved;
        point.approved = Some(Approval { version, by: String::new(), at: 0 });
    }
    let mut amended = approved.clone();
    for point in amended.risks.values_mut() {
        point.description = format!("{}（修订）", point.description.as_str()).as_str().into();
    }
    for (name, r) in [("all_approved", &approved), ("all_amended", &amended)] {
        group.bench_function(format!("risk_index_{name}"), |b| b.iter(|| black_box(risk_index(r, today()))));
        group.bench_function(format!("catalogue_{name}"), |b| b.iter(|| black_box(catalogue(r, None, Locale::ZhCn))));
        group.bench_function(format!("dashboard_{name}"), |b| b.iter(|| black_box(dashboard(r, today()))));
    }
    group.finish();
    let mut group = c.benchmark_group("conflicts/R5k");
    group.sample_size(10);
    eprintln!("R5k: {} conflicted fields", doc.conflicts().len());
    group.bench_function("scan", |b| b.iter(|| black_box(doc.conflicts())));
    group.finish();
}

/// A flowchart laid out and drawn: the template's building-works chart (11 nodes, a decision)
/// and a 60-step chart with a decision every fifth step and a way back from each.
fn charts(c: &mut Criterion) {
    let unit = UnitForm { name: "高桥小学".into(), ..Default::default() };
    let mut doc = RegisterDoc::create(&unit, &Template::school(), today(), &Stamp::new("", 0)).unwrap();
    let works = doc.register().flowcharts.values().find(|c| c.title == "基建维修工程流程图").unwrap().clone();
    let big = doc.create_entity(&Stamp::new("", 1), &FlowchartForm { title: "六十环节".into(), ..Default::default() });
    let big = big.unwrap();
    let mut made: Vec<String> = Vec::new();
    for n in 0..60 {
        let kind = if n % 5 == 4 { "decision" } else { "step" };
        let form =
            NodeForm {
                kind: kind.into(), label: format!("第{n}个环节：审核材料并签署意见"), ..Default::default()
            };
        let add = ChartEdit::AddNode { form, after: made.last().cloned() };
        made.push(doc.chart_edit(&Stamp::new("", 2 + n), &big, &add).unwrap().unwrap());
        if kind == "decision" {
            let back = ChartEdit::Connect {
                from: made[n as usize].clone(),
                to: made[n as usize - 3].clone(),
                label: "否".into(),
            };
            doc.chart_edit(&Stamp::new("", 100 + n), &big, &back).unwrap();
        }
    }
    let r = doc.register().clone();
    let big = r.flowcharts[&big].clone();
    let mut group = c.benchmark_group("charts");
    for (name, chart) in [("works_11", &works), ("steps_60", &big)] {
        group.bench_function(format!("layout_{name}"), |b| b.iter(|| black_box(layout(chart, &r))));
        let laid = layout(chart, &r);
        let words = ChartWords::default();
        group.bench_function(format!("svg_{name}"), |b| {
            b.iter(|| black_box(chart_svg(&laid, &words, ChartView::default()).len()))
        });
    }
    group.finish();
}

criterion_group!(benches, charts, rules, edit, open_and_save, merge_and_sync);
criterion_main!(benches);
