//! The committee's records through the document: the pledge (廉政承诺书) in versions, duty
//! cards, meetings and their flags, funds, rules, education, evaluations, and the summary
//! frozen and filed; recorded on two copies at once and merged.

use qingfeng::doc::{DocError, RegisterDoc, Stamp};
use qingfeng::i18n::Locale;
use qingfeng::model::{BodyRole, CardAction, CardStage, Date, Procedure, RuleStatus, Template};
use qingfeng::report::{packet, summary_draft, summary_figures};
use qingfeng::rules::{
    ActivityForm, BodyForm, CardForm, DepartmentForm, EvaluationForm, Form, FundCheckForm, LeadingGroupForm,
    MeetingFlag, MeetingForm, PersonForm, PledgeForm, PostForm, RegulationForm, SummaryForm, UnitForm, WarningForm,
    card_ledger, current_pledge, dashboard, evaluation_score, flagged_meetings, fund_coverage, has_approved_card,
    meeting_flags, must_sign, not_signed, phase_progress, phases_in_order, rules_by_status, talks_due,
};

fn today() -> Date {
    "2026-11-29".parse().unwrap()
}

fn stamp(who: &str, at: i64) -> Stamp {
    Stamp::new(who, 1_795_900_000 + at)
}

#[test]
fn the_template_pledge_is_signed_and_revised_into_a_new_version() {
    let unit = UnitForm { name: "高桥小学".into(), ..Default::default() };
    let mut doc = RegisterDoc::create(&unit, &Template::school(), today(), &stamp("", 0)).unwrap();
    // The seed's pledge is version 1, in force from the day the register is made.
    let (first, pledge) = current_pledge(doc.register()).map(|(id, p)| (id.clone(), p.clone())).unwrap();
    assert_eq!((pledge.version, pledge.issued.as_str()), (1, "2026-11-29"));
    assert!(pledge.text.as_str().contains("自觉廉洁从教"));

    let wang = doc
        .add_member(&stamp("", 1), &PersonForm { name: "王家福".into(), cadre: true, ..Default::default() })
        .unwrap();
    let zhu = doc.create_entity(&stamp(&wang, 2), &PersonForm { name: "朱忠云".into(), ..Default::default() }).unwrap();
    // 朱 holds a key post of the template (会计), so must sign too.
    let accountant = doc.register().posts.iter().find(|(_, p)| p.name == "会计").unwrap().0.clone();
    let form = PostForm { holders: vec![zhu.clone()], ..PostForm::from_target(&doc.register().posts[&accountant]) };
    doc.update_entity(&stamp(&wang, 3), &accountant, &form).unwrap();
    assert_eq!(must_sign(doc.register()), [&zhu, &wang]);

    // Two members record signatures on their own copies; the merge keeps both.
    let mut other = doc.fork();
    doc.sign_pledge(&stamp(&wang, 4), &first, &wang, "2026-11-30").unwrap();
    other.sign_pledge(&stamp(&zhu, 5), &first, &zhu, "2026-12-01").unwrap();
    doc.merge(&mut other).unwrap();
    assert!(not_signed(doc.register()).is_empty());
    let signatures = &doc.register().pledges[&first].signatures;
    assert_eq!((signatures[&wang].date.as_str(), signatures[&zhu].recorded_by.as_str()), ("2026-11-30", zhu.as_str()));

    // Signed words stay: a changed text is refused, and nothing is written.
    let heads = doc.heads();
    let reworded =
        PledgeForm { text: "新的承诺内容".into(), ..PledgeForm::from_target(&doc.register().pledges[&first]) };
    assert!(matches!(doc.update_entity(&stamp(&wang, 6), &first, &reworded), Err(DocError::Invalid(_))));
    assert_eq!(doc.heads(), heads);

    // A revision is version 2: it is in force and everyone signs again.
    let second = doc.create_entity(&stamp(&wang, 7), &PledgeForm { issued: "2027-01-05".into(), ..reworded }).unwrap();
    assert_eq!(current_pledge(doc.register()).map(|(id, p)| (id, p.version)), Some((&second, 2)));
    assert_eq!(not_signed(doc.register()), [&zhu, &wang]);
    assert_eq!(doc.register().pledges[&first].signatures.len(), 2, "version 1 keeps its signatures");

    // A bad day or an unknown person is refused.
    assert!(matches!(doc.sign_pledge(&stamp(&wang, 8), &second, &wang, "2027-02-30"), Err(DocError::Invalid(_))));
    assert!(matches!(doc.sign_pledge(&stamp(&wang, 9), &second, "nobody", "2027-01-06"), Err(DocError::Invalid(_))));
    let reloaded = RegisterDoc::load(&doc.save()).unwrap();
    assert_eq!(reloaded.register(), doc.register());
}

#[test]
fn a_duty_card_goes_through_its_four_steps_and_into_the_ledger() {
    let unit = UnitForm { name: "咸丰县林业局".into(), ..Default::default() };
    let mut doc = RegisterDoc::create(&unit, &Template::bureau(), today(), &stamp("", 0)).unwrap();
    let person = |doc: &mut RegisterDoc, name: &str| {
        doc.add_member(&stamp("", 1), &PersonForm { name: name.into(), cadre: true, ..Default::default() }).unwrap()
    };
    let (chief, head, clerk) = (person(&mut doc, "局长"), person(&mut doc, "股长"), person(&mut doc, "会计"));
    doc.update_leading_group(&stamp(&chief, 2), &LeadingGroupForm { leader: chief.clone(), ..Default::default() })
        .unwrap();
    let finance = doc.register().departments.iter().find(|(_, d)| d.name == "计财股").unwrap().0.clone();
    let form =
        DepartmentForm { head: head.clone(), ..DepartmentForm::from_target(&doc.register().departments[&finance]) };
    doc.update_entity(&stamp(&chief, 3), &finance, &form).unwrap();
    let post =
        doc.register().posts.iter().find(|(_, p)| p.department == finance && p.name == "会计").unwrap().0.clone();
    let form = PostForm { holders: vec![clerk.clone()], ..PostForm::from_target(&doc.register().posts[&post]) };
    doc.update_entity(&stamp(&chief, 4), &post, &form).unwrap();

    let card = CardForm {
        person: clerk.clone(),
        year: "2026".into(),
        duties: "会计核算\n报账审核".into(),
        tasks: "严格执行财务审核制度".into(),
        conduct: "不做假账".into(),
    };
    let id = doc.create_entity(&stamp(&clerk, 5), &card).unwrap();
    assert!(matches!(doc.create_entity(&stamp(&clerk, 6), &card), Err(DocError::Invalid(_))), "one card a year");

    assert_eq!(doc.card_step(&stamp(&clerk, 7), &id, CardAction::Submit, "").unwrap(), CardStage::LeaderReview);
    // Under review, its words stay.
    let edited = CardForm { tasks: "改过的任务".into(), ..card.clone() };
    assert!(matches!(doc.update_entity(&stamp(&clerk, 8), &id, &edited), Err(DocError::Invalid(_))));
    assert!(matches!(doc.card_step(&stamp(&clerk, 9), &id, CardAction::Pass, ""), Err(DocError::Card(_))));

    // The head of 计财股 passes it on one copy while the leader remarks on another: both stay.
    let mut other = doc.fork();
    assert_eq!(doc.card_step(&stamp(&head, 10), &id, CardAction::Pass, "同意").unwrap(), CardStage::Appraisal);
    other.card_step(&stamp(&chief, 11), &id, CardAction::Return, "任务不具体").unwrap();
    doc.merge(&mut other).unwrap();
    assert_eq!(doc.register().cards[&id].trail.len(), 3, "every step recorded on either copy is kept");
    assert!(doc.conflicts().iter().any(|c| c.id == id), "the two stages are a conflict to settle");

    // Next year's card walks all four steps into the ledger.
    let mut fresh = doc.fork();
    let id2 = fresh.create_entity(&stamp(&clerk, 12), &CardForm { year: "2027".into(), ..card }).unwrap();
    for (who, action, remarks, stage) in [
        (&clerk, CardAction::Submit, "", CardStage::LeaderReview),
        (&head, CardAction::Pass, "同意", CardStage::Appraisal),
        (&chief, CardAction::Pass, "集中评议通过", CardStage::Approval),
        (&chief, CardAction::Pass, "", CardStage::Approved),
    ] {
        assert_eq!(fresh.card_step(&stamp(who, 13), &id2, action, remarks).unwrap(), stage);
    }
    let ledger: Vec<&str> = card_ledger(fresh.register()).into_iter().map(|(_, c)| c.year.as_str()).collect();
    assert_eq!(ledger, ["2027"]);
    assert!(has_approved_card(fresh.register(), &clerk));
    assert!(!has_approved_card(fresh.register(), &head));
}

#[test]
fn a_meeting_where_the_principal_spoke_first_is_flagged_until_the_record_is_corrected() {
    let unit = UnitForm { name: "高桥小学".into(), ..Default::default() };
    let mut doc = RegisterDoc::create(&unit, &Template::school(), today(), &stamp("", 0)).unwrap();
    let person = |doc: &mut RegisterDoc, name: &str| {
        doc.add_member(&stamp("", 1), &PersonForm { name: name.into(), cadre: true, ..Default::default() }).unwrap()
    };
    let (head, deputy, accountant) = (person(&mut doc, "王家福"), person(&mut doc, "李明"), person(&mut doc, "朱忠云"));
    let body_named = |doc: &RegisterDoc, name: &str| {
        doc.register().bodies.iter().find(|(_, b)| b.name == name).map(|(id, _)| id.clone()).unwrap()
    };
    // The template keeps the 校务会, the 民主理财小组 and the 校务公开领导小组.
    let (council, finance) = (body_named(&doc, "校务会"), body_named(&doc, "民主理财小组"));
    assert_eq!(doc.register().bodies[&finance].role, BodyRole::Finance);
    assert!(doc.register().bodies.values().any(|b| b.role == BodyRole::Openness));
    let chaired = BodyForm {
        chair: head.clone(),
        members: vec![head.clone(), deputy.clone(), accountant.clone()],
        ..BodyForm::from_target(&doc.register().bodies[&council])
    };
    doc.update_entity(&stamp(&head, 2), &council, &chaired).unwrap();

    let meeting = MeetingForm {
        body: council.clone(),
        date: "2026-12-02".into(),
        matter: "funds".into(),
        topic: "教学楼维修".into(),
        attendees: vec![head.clone(), deputy.clone(), accountant.clone()],
        speakers: vec![head.clone(), deputy.clone(), accountant.clone()],
        decision: "同意维修，公开招标".into(),
        votes_for: "3".into(),
        spending: "building".into(),
        amount: "80,000".into(),
        ..MeetingForm::default()
    };
    let id = doc.create_entity(&stamp(&deputy, 3), &meeting).unwrap();
    let flags = |doc: &RegisterDoc| meeting_flags(doc.register(), &doc.register().meetings[&id]);
    assert_eq!(doc.register().meetings[&id].amount, 80_000);
    assert_eq!(flags(&doc), [MeetingFlag::LastWord, MeetingFlag::NoFinanceReview, MeetingFlag::NoTender]);
    assert_eq!(flagged_meetings(doc.register()).len(), 1);

    // Someone who did not attend cannot be recorded as speaking.
    let stranger = person(&mut doc, "外人");
    let wrong = MeetingForm { speakers: vec![stranger.clone()], ..meeting.clone() };
    assert!(matches!(doc.update_entity(&stamp(&deputy, 4), &id, &wrong), Err(DocError::Invalid(_))));

    // The 民主理财小组 reviews it; the tender is held; the order is corrected: nothing is flagged.
    let review = MeetingForm {
        body: finance,
        date: "2026-11-30".into(),
        topic: "审核教学楼维修资金".into(),
        decision: "同意".into(),
        ..MeetingForm::default()
    };
    let review = doc.create_entity(&stamp(&accountant, 5), &review).unwrap();
    let corrected = MeetingForm {
        speakers: vec![deputy.clone(), accountant.clone(), head.clone()],
        tendered: true,
        finance_review: review,
        ..meeting
    };
    doc.update_entity(&stamp(&deputy, 6), &id, &corrected).unwrap();
    assert_eq!(flags(&doc), []);

    // The procedure on two copies: a step on one, the decision reworded on the other; both stay.
    let mut other = doc.fork();
    assert_eq!(doc.procedure_step(&stamp(&head, 7), &id, "学校提出维修方案").unwrap(), Procedure::Consult);
    let reworded = MeetingForm { decision: "同意维修，公开招标，分期付款".into(), ..corrected };
    other.update_entity(&stamp(&deputy, 8), &id, &reworded).unwrap();
    doc.merge(&mut other).unwrap();
    let merged = &doc.register().meetings[&id];
    assert_eq!((merged.procedure, merged.trail.len()), (Procedure::Consult, 1));
    assert_eq!(merged.decision.as_str(), "同意维修，公开招标，分期付款");
    assert!(matches!(doc.procedure_step(&stamp(&stranger, 9), &id, ""), Err(DocError::Procedure(_))));
    let reloaded = RegisterDoc::load(&doc.save()).unwrap();
    assert_eq!(reloaded.register(), doc.register());
}

#[test]
fn funds_rules_education_and_evaluations_are_kept_and_merged() {
    let unit = UnitForm { name: "高桥小学".into(), ..Default::default() };
    let mut doc = RegisterDoc::create(&unit, &Template::school(), today(), &stamp("", 0)).unwrap();
    let wang = doc.add_member(&stamp("", 1), &PersonForm { name: "王家福".into(), ..Default::default() }).unwrap();
    let zhu = doc.create_entity(&stamp(&wang, 2), &PersonForm { name: "朱忠云".into(), ..Default::default() }).unwrap();
    let r = doc.register();
    // The template's funds (with their departments), its rules to put in force, and a task for
    // each line of the phases' main tasks, the “4有” among them.
    assert_eq!(fund_coverage(r, "2026"), (0, 5));
    assert!(r.funds.values().all(|f| f.department.is_some()));
    assert!(r.regulations.values().all(|x| x.status == RuleStatus::Missing));
    assert_eq!(r.tasks.values().filter(|t| t.four.is_some()).count(), 4);
    let phase = phases_in_order(r)[0].0.clone();
    assert_eq!(phase_progress(r, &phase, today()).tasks, 6);

    // Two members record checks of one fund on their own copies: both stay.
    let fund = r.funds.iter().find(|(_, f)| f.name == "生均公用经费").unwrap().0.clone();
    let mut other = doc.fork();
    let check = |date: &str, findings: &str, problem| FundCheckForm {
        date: date.into(),
        checker: String::new(),
        findings: findings.into(),
        problem,
    };
    doc.record_fund_check(&stamp(&wang, 3), &fund, &check("2026-06-01", "", false)).unwrap();
    other.record_fund_check(&stamp(&zhu, 4), &fund, &check("2026-09-10", "个别报销凭证不全", true)).unwrap();
    doc.merge(&mut other).unwrap();
    assert_eq!(doc.register().funds[&fund].checks.len(), 2);
    assert_eq!(fund_coverage(doc.register(), "2026"), (1, 5));
    // A problem must be described; nothing is written.
    let refused = doc.record_fund_check(&stamp(&wang, 5), &fund, &check("2026-10-01", " ", true));
    assert!(matches!(refused, Err(DocError::Invalid(_))));

    // A rule put in force needs its date.
    let rule = doc.register().regulations.iter().find(|(_, x)| x.name == "校务会记录制度").unwrap().0.clone();
    let form =
        RegulationForm { status: "in_force".into(), ..RegulationForm::from_target(&doc.register().regulations[&rule]) };
    assert!(matches!(doc.update_entity(&stamp(&wang, 6), &rule, &form), Err(DocError::Invalid(_))));
    doc.update_entity(&stamp(&wang, 7), &rule, &RegulationForm { in_force: "2026-09-01".into(), ..form }).unwrap();
    assert_eq!(rules_by_status(doc.register())[2], (RuleStatus::InForce, 1));

    // An activity counts the people chosen when no headcount is given.
    let activity = ActivityForm {
        date: "2026-10-12".into(),
        kind: "party_lesson".into(),
        title: "廉政党课：守住底线".into(),
        participants: vec![wang.clone(), zhu.clone()],
        ..Default::default()
    };
    let id = doc.create_entity(&stamp(&wang, 8), &activity).unwrap();
    assert_eq!(doc.register().activities[&id].headcount, 2);

    // 朱忠云 scores 79.8: below 80, a talk is due, and a warning can be raised from it.
    let evaluation = EvaluationForm {
        person: zhu.clone(),
        year: "2026".into(),
        own: "81".into(),
        peers: "79".into(),
        leaders: "80".into(),
        ..Default::default()
    };
    let e = doc.create_entity(&stamp(&wang, 9), &evaluation).unwrap();
    assert_eq!(evaluation_score(doc.register(), &doc.register().evaluations[&e]), Some(798));
    assert_eq!(talks_due(doc.register()).len(), 1);
    assert!(matches!(doc.create_entity(&stamp(&wang, 10), &evaluation), Err(DocError::Invalid(_))), "one a year");
    let warning = WarningForm {
        level: "3".into(),
        source: "evaluation".into(),
        source_id: e.clone(),
        target: "person".into(),
        target_id: zhu.clone(),
        problem: "2026年度廉政评议得分79.8分，低于达标分数80分。".into(),
        raised: "2026-12-20".into(),
    };
    doc.create_entity(&stamp(&wang, 11), &warning).unwrap();
    let talked = EvaluationForm {
        talk_date: "2026-12-22".into(),
        talk_by: wang.clone(),
        talk_notes: "提醒告诫，限期整改".into(),
        ..evaluation
    };
    doc.update_entity(&stamp(&wang, 12), &e, &talked).unwrap();
    assert!(talks_due(doc.register()).is_empty());
    let reloaded = RegisterDoc::load(&doc.save()).unwrap();
    assert_eq!(reloaded.register(), doc.register());
}

#[test]
fn the_summary_states_what_the_rules_count_and_its_filing_never_changes() {
    let unit = UnitForm { name: "高桥小学".into(), ..Default::default() };
    let mut doc = RegisterDoc::create(&unit, &Template::school(), today(), &stamp("", 0)).unwrap();
    let wang = doc.add_member(&stamp("", 1), &PersonForm { name: "王家福".into(), ..Default::default() }).unwrap();
    let fund = doc.register().funds.keys().next().unwrap().clone();
    let check = FundCheckForm { date: "2026-11-02".into(), ..Default::default() };
    doc.record_fund_check(&stamp(&wang, 2), &fund, &check).unwrap();
    let (from, to): (Date, Date) = ("2026-01-01".parse().unwrap(), "2026-12-31".parse().unwrap());

    // The figures are the rules' own counts, and the draft states them.
    let figures = summary_figures(doc.register(), from, to, today());
    let overview = dashboard(doc.register(), today());
    assert_eq!((figures.points, figures.phases), (overview.by_level, overview.phases_done));
    assert_eq!(figures.funds, fund_coverage(doc.register(), "2026"));
    assert_eq!(figures.funds, (1, 5));
    assert_eq!(figures.pledges, (0, must_sign(doc.register()).len()));
    let draft = summary_draft(doc.register(), &figures, from, to, Locale::ZhCn);
    assert!(draft.contains("高桥小学") && draft.contains("纳入监管的资金5项，已检查1项"), "{draft}");

    let form =
        SummaryForm { title: "2026年度自评总结".into(), from: from.to_string(), to: to.to_string(), text: draft };
    let summary = doc.create_entity(&stamp(&wang, 3), &form).unwrap();
    let filing = doc.freeze_summary(&stamp(&wang, 4), &summary, "2026年度工作资料").unwrap();
    let filed = doc.register().clone();
    let heads = doc.register().filings[&filing].heads.clone();
    // Frozen: its words stay, and it cannot be frozen twice.
    let edited = SummaryForm { text: "改过的总结".into(), ..form };
    assert!(matches!(doc.update_entity(&stamp(&wang, 5), &summary, &edited), Err(DocError::Invalid(_))));
    assert!(doc.freeze_summary(&stamp(&wang, 6), &summary, "again").is_err());

    // Later edits here and on another copy, merged: the filing reads back exactly as filed.
    let mut other = doc.fork();
    other.create_entity(&stamp(&wang, 7), &PersonForm { name: "朱忠云".into(), ..Default::default() }).unwrap();
    doc.record_fund_check(&stamp(&wang, 8), &fund, &FundCheckForm { date: "2026-12-01".into(), ..Default::default() })
        .unwrap();
    doc.merge(&mut other).unwrap();
    let reloaded = &mut RegisterDoc::load(&doc.save()).unwrap();
    let then = reloaded.register_at_heads(&heads).unwrap();
    let mut without_filing = filed.clone();
    without_filing.filings.clear();
    assert_eq!(then, without_filing, "the register as it was when filed (the filing itself came after)");
    let bytes = |r: &qingfeng::model::Register| serde_json::to_vec(r).unwrap();
    assert_eq!(bytes(&then), bytes(&doc.register_at_heads(&heads).unwrap()));
    assert_ne!(doc.register(), &filed);

    // The packet of the filed register holds its summary and the fund's one check of the time.
    let tables = packet(&then, from, to, today(), Locale::ZhCn);
    assert!(tables.iter().any(|t| t.rows.iter().any(|r| r.contains(&"2026年度自评总结".to_string()))));
    let funds = tables.iter().find(|t| t.title == "资金监管").unwrap();
    assert_eq!(funds.rows.iter().filter(|r| !r[3].is_empty()).count(), 1);
}
