//! Deterministic registers of a given size, for benchmarks and size measurements.
//!
//! The content follows a fixed seed; ids and actor ids are random as in real use, so sizes vary
//! by a few bytes between runs.

use crate::doc::{RegisterDoc, Stamp};
use crate::model::{Entity, MeasureStage, MeasureStatus, RiskLevel, Scope, Template};
use crate::rules::{DepartmentForm, Form, MeasureForm, PersonForm, PostForm, RiskForm, UnitForm};

/// How big a generated register is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size {
    /// A short name for reports.
    pub name: &'static str,
    /// 风险点
    pub risks: usize,
    /// 人员
    pub people: usize,
    /// 部门 (the template's six included)
    pub departments: usize,
    /// 岗位
    pub posts: usize,
    /// 防控措施 per risk point
    pub measures_per_risk: usize,
    /// Edits made afterwards by three members on forked copies, then merged.
    pub edits: usize,
    /// One change per record, as members typing them in make; else records arrive in bulk
    /// changes of a thousand, as a county roll-up imports them.
    pub change_per_record: bool,
}

impl Size {
    /// A real school's size.
    pub const R500: Size = Size {
        name: "R500",
        risks: 500,
        people: 60,
        departments: 8,
        posts: 40,
        measures_per_risk: 3,
        edits: 5_000,
        change_per_record: true,
    };
    /// A large unit.
    pub const R5K: Size = Size {
        name: "R5k",
        risks: 5_000,
        people: 200,
        departments: 20,
        posts: 400,
        measures_per_risk: 3,
        edits: 50_000,
        change_per_record: true,
    };
    /// A county roll-up of many schools.
    pub const R50K: Size = Size {
        name: "R50k",
        risks: 50_000,
        people: 2_000,
        departments: 200,
        posts: 4_000,
        measures_per_risk: 3,
        edits: 0,
        change_per_record: false,
    };

    /// The same register without the later edits.
    pub fn without_edits(self) -> Size {
        Size { edits: 0, ..self }
    }
}

/// SplitMix64: small, fast, and the same everywhere.
pub struct Rng(u64);

impl Rng {
    /// A generator from `seed`.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next number.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// True `percent` times in a hundred.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }

    /// A number below `n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// One of `items`.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const SURNAMES: [&str; 12] = ["王", "朱", "陈", "黄", "张", "姚", "李", "刘", "周", "吴", "郑", "孙"];
const GIVEN: [&str; 12] =
    ["家福", "忠云", "继荣", "军华", "险峰", "小勤", "建国", "秀英", "志强", "丽华", "海燕", "明"];
const POWERS: [&str; 8] =
    ["基建维修", "食品采购", "办公用品采购", "书报订购", "招生", "财务报销", "评优评先", "收费管理"];
const DESCRIPTIONS: [&str; 8] = [
    "五万元以上工程未经招标，分段验收不严，未验收先付款",
    "采购食品以次充好、收受回扣",
    "大额支出未经民主理财小组审核",
    "书报征订中搭车推销、收取好处费",
    "招生中优亲厚友、违规择校",
    "虚开发票、套取公款",
    "评优评先中暗箱操作",
    "“一把手”直接分管基建、采购，决策时未末位表态",
];
const MEASURES: [&str; 4] =
    ["建立采购询价比价制度", "每月公开财务收支", "民主理财小组逐笔审核大额支出", "重大事项集体决策，“一把手”末位表态"];

/// A register of `size`, built through the same operations the app uses (one change per
/// record), then edited by three members on forked copies and merged.
pub fn build(size: Size, seed: u64) -> RegisterDoc {
    let mut rng = Rng::new(seed);
    let unit =
        UnitForm { name: format!("{} 测试学校", size.name), hotline: "8573065".into(), ..UnitForm::default() };
    let today = "2026-11-27".parse().expect("a valid date");
    // The template's draft risk points and posts would blur the counts: every one here is
    // generated. Its first six departments, as registers had when the benchmarks began.
    let school = Template::school();
    let template =
        Template { risks: Vec::new(), posts: Vec::new(), departments: school.departments[..6].to_vec(), ..school };
    let mut doc = RegisterDoc::create(&unit, &template, today, &Stamp::new("", 0)).expect("a valid unit");

    let people_forms: Vec<PersonForm> = (0..size.people)
        .map(|i| PersonForm {
            name: format!("{}{}{}", rng.pick(&SURNAMES), rng.pick(&GIVEN), i),
            title: "教师".into(),
            party_member: rng.below(2) == 0,
            cadre: rng.below(4) == 0,
        })
        .collect();
    let people = create(&mut doc, people_forms, size.change_per_record);
    let extra: Vec<DepartmentForm> = (doc.register().departments.len()..size.departments)
        .map(|i| DepartmentForm { name: format!("部门{i}"), ..DepartmentForm::default() })
        .collect();
    create(&mut doc, extra, size.change_per_record);
    let departments: Vec<String> = doc.register().departments.keys().cloned().collect();
    for (n, id) in departments.iter().enumerate() {
        let form = DepartmentForm {
            head: rng.pick(&people).clone(),
            leader_in_charge: rng.pick(&people).clone(),
            ..DepartmentForm::from_target(&doc.register().departments[id])
        };
        doc.update_entity(&Stamp::new("", n as i64), id, &form).expect("a valid department");
    }
    let post_forms: Vec<PostForm> = (0..size.posts)
        .map(|i| PostForm {
            name: format!("岗位{i}"),
            department: rng.pick(&departments).clone(),
            rank: rng.pick(&["股级", "副科级", "科级"]).to_string(),
            duties: "履行岗位职责\n遵守廉洁纪律".into(),
            holders: vec![rng.pick(&people).clone()],
            key: i % 10 == 0,
        })
        .collect();
    let posts = create(&mut doc, post_forms, size.change_per_record);
    let kinds: Vec<String> = doc.register().risk_kinds.keys().cloned().collect();
    let risk_forms: Vec<RiskForm> = (0..size.risks)
        .map(|i| RiskForm {
            scope: Scope::Post.code().into(),
            post: rng.pick(&posts).clone(),
            kind: rng.pick(&kinds).clone(),
            power_item: rng.pick(&POWERS).to_string(),
            description: format!("{}（{i}）", rng.pick(&DESCRIPTIONS)),
            manifestations: "违反规定程序办理".into(),
            causes: "制度执行不严，监督不到位".into(),
            level: rng.pick(&RiskLevel::ALL).code().into(),
            ..RiskForm::default()
        })
        .collect();
    let risks = create(&mut doc, risk_forms, size.change_per_record);
    let measure_forms: Vec<MeasureForm> = risks
        .iter()
        .flat_map(|risk| MeasureStage::ALL.iter().cycle().take(size.measures_per_risk).map(move |stage| (risk, stage)))
        .map(|(risk, stage)| MeasureForm {
            risk: risk.clone(),
            stage: stage.code().into(),
            description: rng.pick(&MEASURES).to_string(),
            owner: rng.pick(&people).clone(),
            due: format!("2027-{:02}-{:02}", 1 + rng.below(12), 1 + rng.below(28)),
            status: rng.pick(&MeasureStatus::ALL).code().into(),
            evidence: String::new(),
        })
        .collect();
    create(&mut doc, measure_forms, size.change_per_record);
    if size.edits > 0 {
        edit_concurrently(&mut doc, size.edits, &mut rng);
    }
    doc
}

/// Writes `forms` one change each, or in changes of a thousand.
fn create<F>(doc: &mut RegisterDoc, forms: Vec<F>, change_per_record: bool) -> Vec<String>
where
    F: Form,
    F::Target: Entity,
{
    if change_per_record {
        forms
            .iter()
            .enumerate()
            .map(|(n, form)| doc.create_entity(&Stamp::new("", n as i64), form).expect("a valid record"))
            .collect()
    } else {
        forms
            .chunks(1_000)
            .enumerate()
            .flat_map(|(n, batch)| doc.create_entities(&Stamp::new("", n as i64), batch).expect("valid records"))
            .collect()
    }
}

/// `count` edits split among three forked copies (members), merged back into `doc`.
pub fn edit_concurrently(doc: &mut RegisterDoc, count: usize, rng: &mut Rng) {
    let mut members: Vec<RegisterDoc> = (0..3).map(|_| doc.fork()).collect();
    for (m, member) in members.iter_mut().enumerate() {
        for i in 0..count / 3 {
            edit_one(member, &format!("member{m}"), i, rng);
        }
    }
    for member in &mut members {
        doc.merge(member).expect("copies of one register");
    }
}

/// One edit of a random risk point or measure, as a person would make it through a form.
pub fn edit_one(doc: &mut RegisterDoc, author: &str, n: usize, rng: &mut Rng) {
    let stamp = Stamp::new(author, n as i64);
    if rng.below(3) == 0 && !doc.register().measures.is_empty() {
        let id = nth_key(doc.register().measures.keys(), rng.below(doc.register().measures.len()));
        let mut form = MeasureForm::from_target(&doc.register().measures[&id]);
        form.status = rng.pick(&MeasureStatus::ALL).code().into();
        form.evidence = format!("{}；第{n}次检查", form.evidence);
        doc.update_entity(&stamp, &id, &form).expect("a valid measure");
        return;
    }
    let id = nth_key(doc.register().risks.keys(), rng.below(doc.register().risks.len()));
    let risk = &doc.register().risks[&id];
    let mut form = RiskForm::from_target(risk);
    match rng.below(3) {
        0 => form.level = rng.pick(&RiskLevel::ALL).code().into(),
        1 => form.power_item = format!("{}{n}", rng.pick(&POWERS)),
        _ => form.description = format!("{}；补充{n}", form.description),
    }
    if risk.is_active() {
        doc.update_entity(&stamp, &id, &form).expect("a valid risk point");
    }
}

fn nth_key<'a>(mut keys: impl Iterator<Item = &'a String>, n: usize) -> String {
    keys.nth(n).cloned().unwrap_or_default()
}

/// The register of `size` from `dir` when it was built before, else built (seed 42) and kept
/// there as `<name>.am`: generating R5k takes minutes, benchmarks run many times.
#[cfg(not(target_arch = "wasm32"))]
pub fn load_or_build(size: Size, dir: &std::path::Path) -> RegisterDoc {
    let path = dir.join(format!("{}.am", size.name));
    if let Ok(bytes) = std::fs::read(&path)
        && let Ok(doc) = RegisterDoc::load(&bytes)
    {
        return doc;
    }
    let mut doc = build(size, 42);
    // A cache that cannot be written only costs the next run the same wait.
    let _ = std::fs::create_dir_all(dir).and_then(|()| std::fs::write(&path, doc.save()));
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_a_small_register_of_the_asked_size() {
        for change_per_record in [true, false] {
            let size = Size {
                name: "tiny",
                risks: 20,
                people: 5,
                departments: 7,
                posts: 4,
                measures_per_risk: 3,
                edits: 30,
                change_per_record,
            };
            let mut doc = build(size, 7);
            let r = doc.register();
            assert_eq!((r.risks.len(), r.people.len(), r.departments.len(), r.posts.len()), (20, 5, 7, 4));
            assert_eq!(r.measures.len(), 60);
            assert!(RegisterDoc::load(&doc.save()).is_ok());
        }
        assert_eq!(Rng::new(1).next_u64(), Rng::new(1).next_u64());
    }
}
