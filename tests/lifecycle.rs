//! The risk-point lifecycle through the document: four review steps by different members,
//! rating, measures, publicity, and the catalogue and its CSV and XLSX exports.

use std::io::Cursor;

use calamine::{Reader, Xlsx};
use qingfeng::doc::{DocError, RegisterDoc, Stamp};
use qingfeng::i18n::Locale;
use qingfeng::model::Template;
use qingfeng::model::{Date, Degree, ReviewAction, ReviewStage, RiskLevel};
use qingfeng::report::{catalogue_table, self_check_table, to_csv, to_xlsx};
use qingfeng::rules::{
    DepartmentForm, Form, LeadingGroupForm, MeasureForm, OpinionForm, PersonForm, PostForm, PublicityForm, RatingForm,
    ReviewError, RiskForm, UnitForm, catalogue, measures_of, overdue_measures, publicity_mark, stage_of,
};

const T0: i64 = 1_795_797_000;

struct School {
    doc: RegisterDoc,
    wang: String,
    zhu: String,
    teacher: String,
    finance: String,
    risk: String,
}

fn stamp(who: &str, t: i64) -> Stamp {
    Stamp::new(who, T0 + t)
}

fn today() -> Date {
    "2026-11-27".parse().unwrap()
}

/// 王 leads the group, 朱 heads 财务室, a teacher holds the accountant's post and proposes a point.
fn school() -> School {
    let unit = UnitForm { name: "高桥小学".into(), ..Default::default() };
    let mut doc = RegisterDoc::create(&unit, &Template::school(), today(), &Stamp::new("", T0)).unwrap();
    let person = |doc: &mut RegisterDoc, name: &str| {
        doc.add_member(&Stamp::new("", T0), &PersonForm { name: name.into(), ..Default::default() }).unwrap()
    };
    let wang = person(&mut doc, "王家福");
    let zhu = person(&mut doc, "朱忠云");
    let teacher = person(&mut doc, "姚小勤");
    doc.update_leading_group(&stamp(&wang, 1), &LeadingGroupForm { leader: wang.clone(), ..Default::default() })
        .unwrap();
    let finance = doc.register().departments.iter().find(|(_, d)| d.name == "财务室").unwrap().0.clone();
    let form = DepartmentForm { name: "财务室".into(), head: zhu.clone(), ..Default::default() };
    doc.update_entity(&stamp(&wang, 2), &finance, &form).unwrap();
    let post = doc
        .create_entity(
            &stamp(&wang, 3),
            &PostForm {
                name: "会计".into(),
                department: finance.clone(),
                rank: "股级".into(),
                holders: vec![teacher.clone()],
                ..Default::default()
            },
        )
        .unwrap();
    let kind = doc.register().risk_kinds.iter().find(|(_, k)| k.name == "岗位职责风险").unwrap().0.clone();
    let form = RiskForm {
        scope: "post".into(),
        post,
        kind,
        power_item: "财务报销".into(),
        description: "大额支出未经民主理财小组审核".into(),
        manifestations: "先支付后补签".into(),
        level: "3".into(),
        ..Default::default()
    };
    let risk = doc.create_entity(&stamp(&teacher, 4), &form).unwrap();
    School { doc, wang, zhu, teacher, finance, risk }
}

#[test]
fn a_point_walks_the_four_steps_with_the_right_people() {
    let mut s = school();
    let step = |s: &mut School, who: &str, action, note: &str| {
        s.doc.review_step(&stamp(who, 10), &s.risk.clone(), action, note)
    };
    assert_eq!(s.doc.register().risks[&s.risk].review, ReviewStage::SelfCheck);
    let teacher = s.teacher.clone();
    assert_eq!(step(&mut s, &teacher, ReviewAction::Submit, "请大家帮查").unwrap(), ReviewStage::Colleagues);
    assert!(matches!(
        step(&mut s, &teacher, ReviewAction::Approve, ""),
        Err(DocError::Review(ReviewError::NotNow { .. }))
    ));
    assert_eq!(step(&mut s, &teacher, ReviewAction::Remark, "还应包括报销单据审核").unwrap(), ReviewStage::Colleagues);
    assert!(matches!(step(&mut s, "", ReviewAction::Remark, "匿名"), Err(DocError::Review(ReviewError::Anonymous))));
    assert_eq!(step(&mut s, &teacher, ReviewAction::Advance, "").unwrap(), ReviewStage::Leaders);
    assert!(matches!(
        step(&mut s, &teacher, ReviewAction::Advance, ""),
        Err(DocError::Review(ReviewError::NotAllowed(_)))
    ));
    let zhu = s.zhu.clone();
    assert_eq!(step(&mut s, &zhu, ReviewAction::Advance, "同意，报领导小组").unwrap(), ReviewStage::Organisation);
    assert!(matches!(step(&mut s, &zhu, ReviewAction::Approve, ""), Err(DocError::Review(ReviewError::NotAllowed(_)))));
    let wang = s.wang.clone();
    assert!(matches!(
        step(&mut s, &wang, ReviewAction::Return, ""),
        Err(DocError::Review(ReviewError::ReasonRequired))
    ));
    assert_eq!(step(&mut s, &wang, ReviewAction::Approve, "审定").unwrap(), ReviewStage::Approved);

    let trail: Vec<_> =
        s.doc.register().risks[&s.risk].trail_in_order().into_iter().map(|(_, e)| (e.action, e.by.clone())).collect();
    assert_eq!(
        trail,
        [
            (ReviewAction::Submit, s.teacher.clone()),
            (ReviewAction::Remark, s.teacher.clone()),
            (ReviewAction::Advance, s.teacher.clone()),
            (ReviewAction::Advance, s.zhu.clone()),
            (ReviewAction::Approve, s.wang.clone()),
        ]
    );
    assert_eq!(catalogue_table(s.doc.register(), Locale::ZhCn).rows.len(), 1);
}

#[test]
fn a_returned_point_starts_again_and_is_not_catalogued() {
    let mut s = school();
    let (risk, teacher, zhu, wang) = (s.risk.clone(), s.teacher.clone(), s.zhu.clone(), s.wang.clone());
    for (who, action) in
        [(&teacher, ReviewAction::Submit), (&teacher, ReviewAction::Advance), (&zhu, ReviewAction::Advance)]
    {
        s.doc.review_step(&stamp(who, 10), &risk, action, "").unwrap();
    }
    assert_eq!(
        s.doc.review_step(&stamp(&wang, 11), &risk, ReviewAction::Return, "表述不清").unwrap(),
        ReviewStage::SelfCheck
    );
    assert!(catalogue_table(s.doc.register(), Locale::ZhCn).rows.is_empty());
}

#[test]
fn a_template_draft_is_adopted_into_the_review() {
    let mut s = school();
    let draft = s.doc.register().risks.iter().find(|(_, r)| r.review == ReviewStage::Draft).unwrap().0.clone();
    let teacher = s.teacher.clone();
    assert_eq!(
        s.doc.review_step(&stamp(&teacher, 5), &draft, ReviewAction::Adopt, "").unwrap(),
        ReviewStage::SelfCheck
    );
}

#[test]
fn rating_proposes_from_the_matrix_and_the_reviewer_decides() {
    let mut s = school();
    let (risk, wang) = (s.risk.clone(), s.wang.clone());
    let form = RatingForm { likelihood: "3".into(), severity: "3".into(), level: "1".into(), ..Default::default() };
    assert_eq!(s.doc.rate(&stamp(&wang, 20), &risk, &form).unwrap(), RiskLevel::One);
    let rating = s.doc.register().risks[&risk].rating.clone().unwrap();
    assert_eq!((rating.proposed, rating.by.as_str()), (RiskLevel::One, wang.as_str()));
    // The committee edits its matrix; the proposal follows.
    s.doc.set_matrix_cell(&stamp(&wang, 21), Degree::High, Degree::High, RiskLevel::Two).unwrap();
    assert_eq!(form.proposal(s.doc.register()), Some(RiskLevel::Two));
    assert!(
        matches!(s.doc.rate(&stamp(&wang, 22), &risk, &form), Err(DocError::Invalid(_))),
        "overriding needs a reason"
    );
}

#[test]
fn publicity_is_a_week_long_and_notices_later_edits() {
    let mut s = school();
    walk_to_approval(&mut s);
    let (risk, wang) = (s.risk.clone(), s.wang.clone());
    let short = PublicityForm {
        title: "公示".into(),
        start: "2026-11-20".into(),
        end: "2026-11-26".into(),
        risks: vec![risk.clone()],
    };
    assert!(matches!(s.doc.create_entity(&stamp(&wang, 30), &short), Err(DocError::Invalid(_))));
    let form = PublicityForm { end: "2026-11-27".into(), ..short };
    let round = s.doc.create_entity(&stamp(&wang, 31), &form).unwrap();
    s.doc
        .record_opinion(
            &stamp(&wang, 32),
            &round,
            &OpinionForm { text: "建议写明审核金额".into(), ..Default::default() },
        )
        .unwrap();
    assert!(matches!(
        s.doc.close_publicity(&stamp(&wang, 33), &round, "2026-11-26".parse().unwrap()),
        Err(DocError::TooEarlyToClose)
    ));
    s.doc.close_publicity(&stamp(&wang, 34), &round, today()).unwrap();
    let mark = publicity_mark(s.doc.register(), &risk).unwrap();
    assert!(mark.publicised && !mark.changed);
    let opinion = s.doc.register().publicity[&round].opinions.values().next().unwrap().clone();
    assert_eq!((opinion.from.as_str(), opinion.recorded_by.as_str()), ("", wang.as_str()));

    let edited = RiskForm {
        description: "大额支出（五千元以上）未经民主理财小组审核".into(),
        ..RiskForm::from_target(&s.doc.register().risks[&risk])
    };
    s.doc.update_entity(&stamp(&wang, 40), &risk, &edited).unwrap();
    assert!(publicity_mark(s.doc.register(), &risk).unwrap().changed);

    // The one-pass load reads review trails, ratings and rounds as autosurgeon does.
    let am = automerge::Automerge::load(&s.doc.save()).unwrap();
    let by_key: qingfeng::model::Register = autosurgeon::hydrate(&am).unwrap();
    assert_eq!(qingfeng::doc::materialise(&am).unwrap(), by_key);
    assert!(!by_key.risks[&risk].trail.is_empty());
}

#[test]
fn overdue_measures_are_found_by_date() {
    let mut s = school();
    let (risk, zhu) = (s.risk.clone(), s.zhu.clone());
    let mut add = |due: &str, status: &str| {
        let form = MeasureForm {
            risk: risk.clone(),
            stage: "monitor".into(),
            description: "每月核对".into(),
            owner: zhu.clone(),
            due: due.into(),
            status: status.into(),
            ..Default::default()
        };
        s.doc.create_entity(&stamp(&zhu, 50), &form).unwrap()
    };
    let late = add("2026-11-01", "in_progress");
    add("2026-11-01", "done");
    add("2026-12-31", "planned");
    let late_now: Vec<String> = overdue_measures(s.doc.register(), today()).into_iter().cloned().collect();
    assert_eq!(late_now, [late]);
}

/// Takes the school's risk point through the four review steps to approval.
fn walk_to_approval(s: &mut School) {
    let (risk, teacher, zhu, wang) = (s.risk.clone(), s.teacher.clone(), s.zhu.clone(), s.wang.clone());
    for (who, action) in [
        (&teacher, ReviewAction::Submit),
        (&teacher, ReviewAction::Advance),
        (&zhu, ReviewAction::Advance),
        (&wang, ReviewAction::Approve),
    ] {
        s.doc.review_step(&stamp(who, 10), &risk, action, "审定").unwrap();
    }
}

fn approved_school() -> School {
    let mut s = school();
    let (risk, zhu) = (s.risk.clone(), s.zhu.clone());
    let form = MeasureForm {
        risk: risk.clone(),
        stage: "prevent".into(),
        description: "大额支出经民主理财小组审核, \"逐笔\"签字".into(),
        status: "planned".into(),
        ..Default::default()
    };
    s.doc.create_entity(&stamp(&zhu, 5), &form).unwrap();
    walk_to_approval(&mut s);
    s
}

#[test]
fn only_the_leading_group_rates_others_propose() {
    let mut s = school();
    let (risk, wang, teacher) = (s.risk.clone(), s.wang.clone(), s.teacher.clone());
    let form = RatingForm {
        likelihood: "1".into(),
        severity: "1".into(),
        major: "execution".into(),
        urgency: "4".into(),
        ..Default::default()
    };
    assert_eq!(form.proposal(s.doc.register()), Some(RiskLevel::Two), "三级 raised by urgency; 执行和管理 is 二级");
    let form = RatingForm { level: "2".into(), ..form };
    s.doc.rate(&stamp(&teacher, 20), &risk, &form).unwrap();
    let rating = s.doc.register().risks[&risk].rating.clone().unwrap();
    assert!(!rating.settled, "the post holder proposes");
    assert_eq!((rating.major_execution, rating.urgency), (true, Some(Degree::VeryHigh)));
    s.doc.rate(&stamp(&wang, 21), &risk, &form).unwrap();
    assert!(s.doc.register().risks[&risk].rating.as_ref().unwrap().settled, "the leading group rates");
    let odd = RatingForm { discipline: "9".into(), ..form };
    assert!(matches!(s.doc.rate(&stamp(&wang, 22), &risk, &odd), Err(DocError::Invalid(_))));
}

#[test]
fn an_approved_point_edited_goes_back_to_the_leading_group_and_its_approved_version_stays_in_force() {
    let mut s = approved_school();
    let (risk, wang, zhu, teacher) = (s.risk.clone(), s.wang.clone(), s.zhu.clone(), s.teacher.clone());
    let stage = |doc: &RegisterDoc| stage_of(&doc.register().risks[&risk], &measures_of(doc.register(), &risk));
    let described = |doc: &RegisterDoc| {
        let rows = catalogue(doc.register(), None, Locale::ZhCn);
        assert_eq!(rows.len(), 1, "the point stays in the catalogue");
        rows[0].description.clone()
    };
    assert_eq!(stage(&s.doc), ReviewStage::Approved);
    let old = described(&s.doc);

    // Another member's copy, offline, edits the point's measure; this one edits its description.
    let mut other = s.doc.fork();
    let measure = measures_of(other.register(), &risk)[0].0.clone();
    let form = MeasureForm {
        description: "大额支出经民主理财小组审核、逐笔签字、每月公开".into(),
        ..MeasureForm::from_target(&other.register().measures[&measure])
    };
    other.update_entity(&stamp(&zhu, 70), &measure, &form).unwrap();
    let form = RiskForm {
        description: "五千元以上支出未经民主理财小组审核".into(),
        ..RiskForm::from_target(&s.doc.register().risks[&risk])
    };
    s.doc.update_entity(&stamp(&teacher, 71), &risk, &form).unwrap();
    assert_eq!(stage(&s.doc), ReviewStage::Organisation);
    assert_eq!(described(&s.doc), old, "the approved version is in force until the group decides");

    // A member outside the group cannot approve the new version; the leader can.
    assert!(matches!(
        s.doc.review_step(&stamp(&zhu, 72), &risk, ReviewAction::Approve, ""),
        Err(DocError::Review(ReviewError::NotAllowed(_)))
    ));
    s.doc.review_step(&stamp(&wang, 73), &risk, ReviewAction::Approve, "同意修改").unwrap();
    assert_eq!(stage(&s.doc), ReviewStage::Approved);
    assert_eq!(described(&s.doc), "五千元以上支出未经民主理财小组审核");

    // The other copy's measure edit arrives after that approval: the point waits again, and
    // the catalogue shows the measure as approved.
    s.doc.merge(&mut other).unwrap();
    assert_eq!(stage(&s.doc), ReviewStage::Organisation);
    let rows = catalogue(s.doc.register(), None, Locale::ZhCn);
    assert!(rows[0].measures.ends_with("\"逐笔\"签字"), "{}", rows[0].measures);

    // Sent back to 自己查, the approved version still stands; rejected, the point leaves.
    s.doc.review_step(&stamp(&wang, 74), &risk, ReviewAction::Return, "措施再细化").unwrap();
    assert_eq!(catalogue(s.doc.register(), None, Locale::ZhCn).len(), 1);
    for (who, action) in [
        (&teacher, ReviewAction::Submit),
        (&teacher, ReviewAction::Advance),
        (&zhu, ReviewAction::Advance),
        (&wang, ReviewAction::Reject),
    ] {
        s.doc.review_step(&stamp(who, 80), &risk, action, "不予认定").unwrap();
    }
    assert!(catalogue(s.doc.register(), None, Locale::ZhCn).is_empty());
}

#[test]
fn csv_starts_with_a_bom_and_round_trips() {
    let s = approved_school();
    let table = catalogue_table(s.doc.register(), Locale::ZhCn);
    assert_eq!(table.title, "高桥小学岗位腐败风险点目录");
    let bytes = to_csv(&table);
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF");
    let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(&bytes[3..]);
    let headers: Vec<String> = reader.headers().unwrap().iter().map(str::to_string).collect();
    assert_eq!(headers, table.headers);
    assert_eq!(headers[0], "序号");
    let rows: Vec<Vec<String>> = reader.records().map(|r| r.unwrap().iter().map(str::to_string).collect()).collect();
    assert_eq!(rows, table.rows);
    assert!(rows[0][8].contains("\"逐笔\""), "{:?}", rows[0][8]);
    assert_eq!(rows[0][9], "朱忠云");
}

#[test]
fn xlsx_opens_with_a_reader_and_has_the_rows() {
    let s = approved_school();
    let table = catalogue_table(s.doc.register(), Locale::ZhCn);
    let bytes = to_xlsx(&table, "风险点目录").unwrap();
    let mut workbook: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    let range = workbook.worksheet_range("风险点目录").unwrap();
    let cell = |r: u32, c: u32| range.get_value((r, c)).map(|v| v.to_string()).unwrap_or_default();
    assert_eq!(cell(0, 0), "高桥小学岗位腐败风险点目录");
    assert_eq!(cell(1, 0), "序号");
    assert_eq!(cell(2, 5), "大额支出未经民主理财小组审核");
    assert_eq!(cell(2, 7), "三级");
}

#[test]
fn the_self_check_form_is_per_department() {
    let s = approved_school();
    let table = self_check_table(s.doc.register(), &s.finance, Locale::ZhCn);
    assert_eq!(table.title, "高桥小学财务室腐败风险点及防控措施自查表");
    assert_eq!(table.rows.len(), 1);
    assert_eq!(table.rows[0][7], "0/1");
    let other = s.doc.register().departments.iter().find(|(_, d)| d.name == "食堂").unwrap().0.clone();
    assert!(self_check_table(s.doc.register(), &other, Locale::ZhCn).rows.is_empty());
}
