//! 公示 rules: a round lasts at least a week; it stores a hash of exactly what it showed, so a
//! later edit of a point shows as "changed since publicity".

use sha2::{Digest, Sha256};

use super::catalogue::catalogue_row;
use crate::i18n::Locale;
use crate::model::{Date, Id, Publicity, Register};

/// The shortest round, in days from the first day to the last (公示时间不少于一周).
pub const MIN_DAYS: i64 = 7;

/// Whether a round from `start` to `end` is long enough.
pub fn window_long_enough(start: Date, end: Date) -> bool {
    end >= start.add_days(MIN_DAYS)
}

/// The hash of what a round shows of point `id`: its catalogue row (in Chinese, the form it is
/// published in), so any later edit that would change the published row changes the hash.
pub fn content_hash(register: &Register, id: &str) -> String {
    let Some(row) = catalogue_row(register, id, Locale::ZhCn) else { return String::new() };
    let shown = [
        row.department.as_str(),
        &row.post,
        &row.power_item,
        &row.kind,
        &row.description,
        &row.manifestations,
        row.level.code(),
        &row.measures,
        &row.head,
        &row.leaders,
    ]
    .join("\u{1f}");
    Sha256::digest(shown.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Where a round stands on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoundState {
    /// Before its first day.
    Scheduled,
    /// Running: opinions are gathered.
    Open,
    /// Past its last day, waiting to be closed.
    Ended,
    /// Closed: its points are publicised.
    Closed,
}

impl RoundState {
    /// The locale key of its name.
    pub fn label_key(self) -> &'static str {
        match self {
            RoundState::Scheduled => "round.scheduled",
            RoundState::Open => "round.open",
            RoundState::Ended => "round.ended",
            RoundState::Closed => "round.closed",
        }
    }
}

/// The state of `round` on `today`.
pub fn round_state(round: &Publicity, today: Date) -> RoundState {
    if round.closed.is_some() {
        return RoundState::Closed;
    }
    match (round.start.parse::<Date>(), round.end.parse::<Date>()) {
        (Ok(start), _) if today < start => RoundState::Scheduled,
        (_, Ok(end)) if today > end => RoundState::Ended,
        _ => RoundState::Open,
    }
}

/// Whether a round may be closed on `today`: not before its last day, so it ran a full week.
pub fn may_close(round: &Publicity, today: Date) -> bool {
    round.closed.is_none() && round.end.parse::<Date>().is_ok_and(|end| today >= end)
}

/// A point's standing in publicity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicityMark {
    /// The latest round that showed it.
    pub round: Id,
    /// Whether that round is closed (the point is publicised).
    pub publicised: bool,
    /// Whether the point changed since the round showed it.
    pub changed: bool,
}

/// The point's latest round (by first day), if any round showed it.
pub fn publicity_mark(register: &Register, id: &str) -> Option<PublicityMark> {
    let (round_id, round) = register
        .publicity
        .iter()
        .filter(|(_, p)| p.archived.is_none() && p.risks.contains_key(id))
        .max_by(|a, b| a.1.start.cmp(&b.1.start).then(a.0.cmp(b.0)))?;
    Some(PublicityMark {
        round: round_id.clone(),
        publicised: round.closed.is_some(),
        changed: round.risks.get(id).is_some_and(|shown| *shown != content_hash(register, id)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Archived, ReviewStage, RiskPoint};
    use autosurgeon::Text;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn a_round_lasts_at_least_a_week() {
        assert!(window_long_enough(d("2026-11-01"), d("2026-11-08")));
        assert!(!window_long_enough(d("2026-11-01"), d("2026-11-07")));
        assert!(!window_long_enough(d("2026-11-08"), d("2026-11-01")));
    }

    #[test]
    fn states_follow_the_calendar_and_closing() {
        let mut round = Publicity { start: "2026-11-01".into(), end: "2026-11-08".into(), ..Publicity::default() };
        assert_eq!(round_state(&round, d("2026-10-31")), RoundState::Scheduled);
        assert_eq!(round_state(&round, d("2026-11-01")), RoundState::Open);
        assert_eq!(round_state(&round, d("2026-11-08")), RoundState::Open);
        assert_eq!(round_state(&round, d("2026-11-09")), RoundState::Ended);
        assert!(!may_close(&round, d("2026-11-07")));
        assert!(may_close(&round, d("2026-11-08")));
        round.closed = Some(Archived { by: String::new(), at: 0 });
        assert_eq!(round_state(&round, d("2026-11-02")), RoundState::Closed);
        assert!(!may_close(&round, d("2026-11-09")));
    }

    #[test]
    fn a_later_edit_flips_changed_since_publicity() {
        let mut r = Register::default();
        r.risks.insert(
            "p".into(),
            RiskPoint {
                review: ReviewStage::Approved,
                description: Text::with_value("采购收受回扣"),
                ..RiskPoint::default()
            },
        );
        let hash = content_hash(&r, "p");
        assert_eq!(hash.len(), 64);
        let mut round = Publicity { start: "2026-11-01".into(), end: "2026-11-08".into(), ..Publicity::default() };
        round.risks.insert("p".into(), hash);
        r.publicity.insert("round".into(), round);
        let mark = publicity_mark(&r, "p").unwrap();
        assert_eq!((mark.publicised, mark.changed), (false, false));

        r.publicity.get_mut("round").unwrap().closed = Some(Archived { by: String::new(), at: 1 });
        assert!(publicity_mark(&r, "p").unwrap().publicised);
        r.risks.get_mut("p").unwrap().description = Text::with_value("采购收受回扣、以次充好");
        assert!(publicity_mark(&r, "p").unwrap().changed);
        assert_eq!(publicity_mark(&r, "other"), None);
    }
}
