//! 公示 rules: a round lasts at least a week; it stores a hash of exactly what it showed, so a
//! later edit of a point shows as "changed since publicity".

use sha2::{Digest, Sha256};

use super::catalogue::catalogue_row;
use super::measures::measures_of;
use super::responsibility::graded_responsibility;
use crate::i18n::Locale;
use crate::model::{Date, Id, MeasureStage, Publicity, Register};

/// The shortest round, in days from the first day to the last (公示时间不少于一周).
pub const MIN_DAYS: i64 = 7;

/// Whether a round from `start` to `end` is long enough.
pub fn window_long_enough(start: Date, end: Date) -> bool {
    end >= start.add_days(MIN_DAYS)
}

/// The prefix of a hash in the current, canonical form. A stored hash without it was written
/// by an earlier build (see [`legacy_hash`]).
const CANONICAL: &str = "2:";

/// The hash of what a round shows of point `id`: a canonical encoding of the data the published
/// row is made of (the point's own fields, its measures, and who answers for it, by id), so an
/// edit of the point changes it and rewording a label of the app, or another locale, does not.
pub fn content_hash(register: &Register, id: &str) -> String {
    let Some(risk) = register.risks.get(id) else { return String::new() };
    let mut fields: Vec<&str> = vec![
        risk.scope.code(),
        risk.post.as_deref().unwrap_or(""),
        register.risk_department(risk).map(String::as_str).unwrap_or(""),
        &risk.power_item,
        &risk.kind,
        risk.description.as_str(),
        risk.manifestations.as_str(),
        risk.level.code(),
    ];
    let measures = measures_of(register, id);
    fields.push("measures");
    for (_, measure) in &measures {
        fields.extend([measure.stage.code(), measure.description.as_str()]);
    }
    let duties = graded_responsibility(register, risk);
    fields.push("duties");
    for duty in &duties.duties {
        fields.extend([duty.role.code(), duty.person.as_deref().unwrap_or("")]);
    }
    let mut hasher = Sha256::new();
    for field in fields {
        // Each field with its length first: no two lists of fields encode alike.
        hasher.update((field.len() as u64).to_le_bytes());
        hasher.update(field.as_bytes());
    }
    format!("{CANONICAL}{}", hex(&hasher.finalize()))
}

/// Whether point `id` differs from what a round showed, stored as `shown`. Rounds stored before
/// the canonical form hold [`legacy_hash`]es and are compared with that.
pub fn changed_since(register: &Register, id: &str, shown: &str) -> bool {
    if shown.starts_with(CANONICAL) { shown != content_hash(register, id) } else { shown != legacy_hash(register, id) }
}

/// The hash earlier builds stored: the catalogue row as the Chinese locale then worded it. Frozen
/// here with those words, so rewording the locale never flips a round stored with it.
fn legacy_hash(register: &Register, id: &str) -> String {
    let Some(row) = catalogue_row(register, id, Locale::ZhCn) else { return String::new() };
    let measures = measures_of(register, id);
    let stages = MeasureStage::ALL.into_iter().filter_map(|stage| {
        let items: Vec<&str> =
            measures.iter().filter(|(_, m)| m.stage == stage).map(|(_, m)| m.description.as_str()).collect();
        let label = match stage {
            MeasureStage::Prevent => "前期预防",
            MeasureStage::Monitor => "中期监控",
            MeasureStage::Handle => "后期处置",
        };
        (!items.is_empty()).then(|| format!("{label}：{}", items.join("；")))
    });
    let measures = stages.collect::<Vec<_>>().join("。");
    let shown = [
        row.department.as_str(),
        &row.post,
        &row.power_item,
        &row.kind,
        &row.description,
        &row.manifestations,
        row.level.code(),
        &measures,
        &row.head,
        &row.leaders,
    ]
    .join("\u{1f}");
    hex(&Sha256::digest(shown.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
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
        changed: round.risks.get(id).is_some_and(|shown| changed_since(register, id, shown)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Archived, Measure, ReviewStage, RiskPoint};
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
        assert_eq!(hash.len(), 66);
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

    fn with_measures() -> Register {
        let mut r = Register::default();
        r.unit.name = "高桥小学".into();
        r.risk_kinds.insert("k".into(), crate::model::RiskKind { name: "岗位职责风险".into(), archived: None });
        r.risks.insert(
            "p".into(),
            RiskPoint {
                kind: "k".into(),
                review: ReviewStage::Approved,
                description: Text::with_value("采购收受回扣"),
                ..RiskPoint::default()
            },
        );
        for (id, stage, text) in [("m1", MeasureStage::Prevent, "集体研究"), ("m2", MeasureStage::Handle, "责任追究")]
        {
            let measure =
                Measure { risk: "p".into(), stage, description: Text::with_value(text), ..Measure::default() };
            r.measures.insert(id.into(), measure);
        }
        r
    }

    #[test]
    fn the_canonical_hash_is_pinned_and_follows_data_not_names() {
        let mut r = with_measures();
        let shown = content_hash(&r, "p");
        // The encoding is part of every stored round: changing it would flip every one.
        assert_eq!(shown, "2:875af0aec4dc5ec4a4cb8cd089bb8b61dacc24fdeb7413ed07b75f1f4bebad56");
        assert!(!changed_since(&r, "p", &shown));
        r.risk_kinds.get_mut("k").unwrap().name = "廉政风险".into();
        r.unit.name = "高桥镇中心小学".into();
        assert!(!changed_since(&r, "p", &shown), "renaming what the point refers to is not an edit of it");
        r.measures.get_mut("m2").unwrap().description = Text::with_value("责任追究、通报");
        assert!(changed_since(&r, "p", &shown));
        let mut r = with_measures();
        r.risks.get_mut("p").unwrap().level = crate::model::RiskLevel::One;
        assert!(changed_since(&r, "p", &shown), "a new level changes it, and who answers for it");
    }

    #[test]
    fn rounds_stored_by_earlier_builds_still_compare() {
        // What an earlier build stored for this point (its row joined in the words of that time).
        let stored = "c1d0b4c0263ce8b401dfc864652990016352a3d6ea487bd03a78d0d08dba4bc1";
        let mut r = with_measures();
        assert!(!changed_since(&r, "p", stored));
        let mut round = Publicity { start: "2026-11-01".into(), end: "2026-11-08".into(), ..Publicity::default() };
        round.risks.insert("p".into(), stored.into());
        r.publicity.insert("round".into(), round);
        assert!(!publicity_mark(&r, "p").unwrap().changed);
        r.risks.get_mut("p").unwrap().description = Text::with_value("采购收受回扣、虚报冒领");
        assert!(publicity_mark(&r, "p").unwrap().changed);
    }
}
