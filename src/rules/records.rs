//! The committee's records, counted: funds checked this year (资金监管全覆盖), the rules by
//! status, and each cadre's evaluation score with the talk it calls for (廉政评议).

use crate::model::{Evaluation, Fund, Id, Register, RuleStatus};

/// Whether `fund` was checked in `year` (four digits).
pub fn checked_in(fund: &Fund, year: &str) -> bool {
    fund.checks.values().any(|c| c.date.split('-').next() == Some(year))
}

/// Funds checked in `year` out of all active funds.
pub fn fund_coverage(register: &Register, year: &str) -> (usize, usize) {
    let active: Vec<&Fund> = register.funds.values().filter(|f| f.archived.is_none()).collect();
    (active.iter().filter(|f| checked_in(f, year)).count(), active.len())
}

/// The active rules in each status, in the order of [`RuleStatus::ALL`].
pub fn rules_by_status(register: &Register) -> Vec<(RuleStatus, usize)> {
    RuleStatus::ALL
        .iter()
        .map(|&s| (s, register.regulations.values().filter(|r| r.archived.is_none() && r.status == s).count()))
        .collect()
}

/// An evaluation's total out of 100, in tenths (853 is 85.3), from its parts and the
/// register's weights; `None` while a part with weight is missing.
pub fn evaluation_score(register: &Register, evaluation: &Evaluation) -> Option<u32> {
    let w = register.settings.records.weights;
    let part = |score: Option<u32>, weight: u32| if weight == 0 { Some(0) } else { score.map(|s| s * weight) };
    let sum = part(evaluation.own, w.own)? + part(evaluation.peers, w.peers)? + part(evaluation.leaders, w.leaders)?;
    // Weights add up to 100: the sum is the score × 100; round to tenths.
    Some((sum + 5) / 10)
}

/// Whether a scored evaluation is below the register's pass mark (不达标).
pub fn below_pass(register: &Register, evaluation: &Evaluation) -> bool {
    evaluation_score(register, evaluation).is_some_and(|tenths| tenths < register.settings.records.pass_mark * 10)
}

/// Active evaluations below the pass mark with no talk recorded yet: the talks that are due.
pub fn talks_due(register: &Register) -> Vec<(&Id, &Evaluation)> {
    let mut due: Vec<_> = register
        .evaluations
        .iter()
        .filter(|(_, e)| e.archived.is_none() && e.talk.is_none() && below_pass(register, e))
        .collect();
    due.sort_by(|a, b| b.1.year.cmp(&a.1.year).then(a.0.cmp(b.0)));
    due
}

/// Whole yuan with thousands separators: 60,000.
pub fn yuan(amount: u64) -> String {
    let digits = amount.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A score in tenths as people write it: 85.3.
pub fn score_text(tenths: u32) -> String {
    format!("{}.{}", tenths / 10, tenths % 10)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{FundCheck, Regulation, Talk};

    fn check(date: &str) -> FundCheck {
        FundCheck {
            date: date.into(),
            checker: String::new(),
            findings: String::new(),
            problem: false,
            recorded_by: String::new(),
            at: 0,
        }
    }

    #[test]
    fn funds_checked_this_year_out_of_all() {
        let mut r = Register::default();
        for (id, name) in [("a", "生均公用经费"), ("b", "贫困生生活补助资金"), ("c", "教师绩效工资资金")]
        {
            r.funds.insert(id.into(), Fund { name: name.into(), ..Fund::default() });
        }
        r.funds.get_mut("a").unwrap().checks.insert("x".into(), check("2026-03-01"));
        r.funds.get_mut("b").unwrap().checks.insert("y".into(), check("2025-12-20"));
        assert_eq!(fund_coverage(&r, "2026"), (1, 3));
        assert_eq!(fund_coverage(&r, "2025"), (1, 3));
        r.funds.get_mut("c").unwrap().archived = Some(crate::model::Archived { by: String::new(), at: 0 });
        assert_eq!(fund_coverage(&r, "2026"), (1, 2));
        assert!(!checked_in(&r.funds["a"], "202"));
    }

    #[test]
    fn the_score_weighs_its_parts_and_below_the_pass_mark_a_talk_is_due() {
        let mut r = Register::default();
        let e = |own, peers, leaders| Evaluation {
            person: "p".into(),
            year: "2026".into(),
            own: Some(own),
            peers: Some(peers),
            leaders: Some(leaders),
            ..Evaluation::default()
        };
        // Default weights 20/40/40.
        assert_eq!(evaluation_score(&r, &e(90, 85, 80)), Some(840));
        assert_eq!(score_text(840), "84.0");
        assert_eq!(evaluation_score(&r, &e(81, 79, 80)), Some(798));
        assert_eq!(evaluation_score(&r, &Evaluation { leaders: None, ..e(90, 90, 90) }), None);
        r.evaluations.insert("low".into(), e(81, 79, 80));
        r.evaluations.insert("ok".into(), e(80, 80, 80));
        assert_eq!(talks_due(&r).into_iter().map(|(id, _)| id.as_str()).collect::<Vec<_>>(), ["low"]);
        r.evaluations.get_mut("low").unwrap().talk =
            Some(Talk { date: "2027-01-10".into(), by: "w".into(), notes: "提醒告诫".into() });
        assert!(talks_due(&r).is_empty());
        // Other weights and pass mark are the register's.
        r.settings.records.weights.own = 0;
        r.settings.records.weights.peers = 50;
        r.settings.records.weights.leaders = 50;
        r.settings.records.pass_mark = 85;
        assert_eq!(evaluation_score(&r, &Evaluation { own: None, ..e(0, 84, 86) }), Some(850));
        assert!(below_pass(&r, &e(100, 84, 85)));
    }

    #[test]
    fn yuan_are_grouped_by_thousands() {
        assert_eq!([0, 999, 1000, 60_000, 1_234_567].map(yuan), ["0", "999", "1,000", "60,000", "1,234,567"]);
    }

    #[test]
    fn rules_are_counted_by_status() {
        let mut r = Register::default();
        let rule = |status| Regulation { status, ..Regulation::default() };
        r.regulations.insert("a".into(), rule(RuleStatus::InForce));
        r.regulations.insert("b".into(), rule(RuleStatus::Missing));
        r.regulations.insert("c".into(), rule(RuleStatus::InForce));
        assert_eq!(
            rules_by_status(&r),
            [(RuleStatus::Missing, 1), (RuleStatus::Drafted, 0), (RuleStatus::InForce, 2), (RuleStatus::Revised, 0)]
        );
    }
}
