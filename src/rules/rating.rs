//! The level proposal: the settings' matrix of likelihood × severity, raised by the factors the
//! plans name (三重一大, discretion, past misconduct).

use crate::model::{Degree, RiskLevel, Settings};

/// What the rating helper asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Judgement {
    /// 可能性
    pub likelihood: Degree,
    /// 后果
    pub severity: Degree,
    /// Touches "三重一大" decisions: always 一级.
    pub major_decision: bool,
    /// Large discretionary power: one level higher.
    pub discretion: bool,
    /// Misconduct happened here before: one level higher.
    pub past_misconduct: bool,
}

fn raise(level: RiskLevel) -> RiskLevel {
    match level {
        RiskLevel::Three => RiskLevel::Two,
        RiskLevel::Two | RiskLevel::One => RiskLevel::One,
    }
}

/// The level proposed for `judgement` under `settings`.
pub fn propose_level(settings: &Settings, judgement: &Judgement) -> RiskLevel {
    if judgement.major_decision {
        return RiskLevel::One;
    }
    let mut level = settings.matrix_level(judgement.likelihood, judgement.severity);
    if judgement.discretion {
        level = raise(level);
    }
    if judgement.past_misconduct {
        level = raise(level);
    }
    level
}

#[cfg(test)]
mod tests {
    use super::*;
    use Degree::*;

    fn judge(likelihood: Degree, severity: Degree) -> Judgement {
        Judgement { likelihood, severity, major_decision: false, discretion: false, past_misconduct: false }
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
        assert_eq!(propose_level(&s, &Judgement { major_decision: true, ..base }), RiskLevel::One);
        assert_eq!(propose_level(&s, &Judgement { past_misconduct: true, ..judge(High, High) }), RiskLevel::One);
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
