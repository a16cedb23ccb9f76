//! The level proposal: the settings' matrix of likelihood × severity, moved by the factors the
//! plans name (党纪条规, 紧急程度, 三重一大, discretion, past misconduct).

use crate::model::{Degree, MajorPart, RiskLevel, Settings};

/// What the rating helper asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Judgement {
    /// 可能性
    pub likelihood: Degree,
    /// 后果
    pub severity: Degree,
    /// The part of a "三重一大" matter it touches: 决策和审批 → 一级, 执行和管理 → at least 二级.
    pub major: Option<MajorPart>,
    /// Large discretionary power: one level higher.
    pub discretion: bool,
    /// Misconduct happened here before: one level higher.
    pub past_misconduct: bool,
    /// 违反党纪条规的程度: 较大 → at least 二级, 极大 → 一级.
    pub discipline: Option<Degree>,
    /// 紧急程度: 较大 or 极大 → one level higher.
    pub urgency: Option<Degree>,
}

fn raise(level: RiskLevel) -> RiskLevel {
    match level {
        RiskLevel::Three => RiskLevel::Two,
        RiskLevel::Two | RiskLevel::One => RiskLevel::One,
    }
}

/// The level proposed for `judgement` under `settings`.
pub fn propose_level(settings: &Settings, judgement: &Judgement) -> RiskLevel {
    let mut level = settings.matrix_level(judgement.likelihood, judgement.severity);
    let great = |d: Option<Degree>| d.is_some_and(|d| d >= Degree::High);
    for raised in [judgement.discretion, judgement.past_misconduct, great(judgement.urgency)] {
        if raised {
            level = raise(level);
        }
    }
    // The floors: the higher level of the two (一级 sorts first).
    let floor = match (judgement.major, judgement.discipline) {
        (Some(MajorPart::Decision), _) | (_, Some(Degree::VeryHigh)) => RiskLevel::One,
        (Some(MajorPart::Execution), _) | (_, Some(Degree::High)) => RiskLevel::Two,
        _ => RiskLevel::Three,
    };
    level.min(floor)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Degree::*;

    fn judge(likelihood: Degree, severity: Degree) -> Judgement {
        Judgement {
            likelihood,
            severity,
            major: None,
            discretion: false,
            past_misconduct: false,
            discipline: None,
            urgency: None,
        }
    }

    #[test]
    fn the_default_matrix() {
        let s = Settings::default();
        let level = |l, v| propose_level(&s, &judge(l, v));
        assert_eq!(level(VeryLow, VeryLow), RiskLevel::Three);
        assert_eq!(level(VeryLow, Low), RiskLevel::Three);
        assert_eq!(level(Low, Low), RiskLevel::Two);
        assert_eq!(level(VeryLow, VeryHigh), RiskLevel::Two);
        assert_eq!(level(High, Low), RiskLevel::Two);
        assert_eq!(level(High, High), RiskLevel::One);
        assert_eq!(level(VeryHigh, VeryHigh), RiskLevel::One);
        assert_eq!(s.level_matrix.len(), 16);
    }

    #[test]
    fn factors_raise_the_proposal() {
        let s = Settings::default();
        let base = judge(VeryLow, VeryLow);
        assert_eq!(propose_level(&s, &Judgement { discretion: true, ..base }), RiskLevel::Two);
        assert_eq!(propose_level(&s, &Judgement { discretion: true, past_misconduct: true, ..base }), RiskLevel::One);
        assert_eq!(propose_level(&s, &Judgement { urgency: Some(High), ..base }), RiskLevel::Two);
        assert_eq!(propose_level(&s, &Judgement { urgency: Some(Low), ..base }), RiskLevel::Three);
        assert_eq!(propose_level(&s, &Judgement { past_misconduct: true, ..judge(High, High) }), RiskLevel::One);
    }

    #[test]
    fn three_major_matters_and_party_rules_set_floors() {
        let s = Settings::default();
        let base = judge(VeryLow, VeryLow);
        let major = |part| propose_level(&s, &Judgement { major: Some(part), ..base });
        assert_eq!(major(MajorPart::Decision), RiskLevel::One, "决策和审批 is 一级");
        assert_eq!(major(MajorPart::Execution), RiskLevel::Two, "执行和管理 is 二级");
        let high = judge(High, High);
        assert_eq!(propose_level(&s, &Judgement { major: Some(MajorPart::Execution), ..high }), RiskLevel::One);
        let discipline = |d| propose_level(&s, &Judgement { discipline: Some(d), ..base });
        assert_eq!(discipline(VeryHigh), RiskLevel::One);
        assert_eq!(discipline(High), RiskLevel::Two);
        assert_eq!(discipline(Low), RiskLevel::Three);
    }

    #[test]
    fn an_edited_matrix_is_followed_and_missing_cells_fall_back() {
        let mut s = Settings::default();
        s.level_matrix.insert(Settings::cell(Low, Low), RiskLevel::Three);
        s.level_matrix.remove(&Settings::cell(VeryHigh, VeryHigh));
        assert_eq!(propose_level(&s, &judge(Low, Low)), RiskLevel::Three);
        assert_eq!(propose_level(&s, &judge(VeryHigh, VeryHigh)), RiskLevel::One);
    }
}
