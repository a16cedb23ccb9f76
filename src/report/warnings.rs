//! 预警处置情况统计: the summary reported upward, counts of warnings raised in a date range by
//! level, source and where their cases stand. No names: counts only.

use super::Table;
use crate::i18n::{Locale, text};
use crate::model::{Date, Entity, Register, RiskLevel, Source};
use crate::rules::{BoardColumn, Case};

const SOURCES: [Source; 6] =
    [Source::Complaint, Source::Check, Source::Evaluation, Source::OverdueMeasure, Source::Signal, Source::Manual];

/// The summary of warnings raised from `from` to `to` (inclusive), their cases as of `today`.
pub fn warning_summary(register: &Register, from: Date, to: Date, today: Date, locale: Locale) -> Table {
    let raised: Vec<(&crate::model::Warning, Case)> = register
        .warnings
        .values()
        .filter(|w| w.is_active())
        .filter(|w| w.raised.parse::<Date>().is_ok_and(|d| d >= from && d <= to))
        .map(|w| (w, Case::of(w)))
        .collect();
    let row = |label: String, level: Option<RiskLevel>| {
        let of_level: Vec<&(&crate::model::Warning, Case)> =
            raised.iter().filter(|(_, c)| level.is_none_or(|l| c.level == l)).collect();
        let mut cells = vec![label, of_level.len().to_string()];
        cells.extend(SOURCES.iter().map(|s| of_level.iter().filter(|(w, _)| w.source == *s).count().to_string()));
        cells.extend(
            BoardColumn::ALL
                .iter()
                .map(|col| of_level.iter().filter(|(_, c)| c.column(today) == *col).count().to_string()),
        );
        cells
    };
    let mut rows: Vec<Vec<String>> =
        RiskLevel::ALL.iter().map(|l| row(text(locale, l.warning_key()).to_string(), Some(*l))).collect();
    rows.push(row(text(locale, "summary.total").to_string(), None));
    let mut headers = vec![text(locale, "warning.level").to_string(), text(locale, "summary.count").to_string()];
    headers.extend(SOURCES.iter().map(|s| text(locale, s.label_key()).to_string()));
    headers.extend(BoardColumn::ALL.iter().map(|c| text(locale, c.label_key()).to_string()));
    let title = text(locale, "summary.title");
    Table { title: format!("{}{title}（{from} — {to}）", register.unit.name), headers, rows }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Step, StepKind, Warning};

    #[test]
    fn counts_by_level_source_and_state_within_the_range() {
        let mut r = Register::default();
        r.unit.name = "高桥小学".into();
        let warning = |raised: &str, level, source, steps: &[(StepKind, &str)]| Warning {
            raised: raised.into(),
            level,
            source,
            steps: steps
                .iter()
                .enumerate()
                .map(|(n, (kind, due))| {
                    (n.to_string(), Step { kind: *kind, seq: n as u64, due: due.to_string(), ..Step::default() })
                })
                .collect(),
            ..Warning::default()
        };
        r.warnings.insert("a".into(), warning("2026-03-01", RiskLevel::Two, Source::Complaint, &[]));
        r.warnings.insert(
            "b".into(),
            warning("2026-04-01", RiskLevel::Three, Source::Signal, &[(StepKind::Dispose, "2026-04-08")]),
        );
        r.warnings.insert(
            "c".into(),
            warning(
                "2026-05-01",
                RiskLevel::Two,
                Source::Complaint,
                &[(StepKind::Dispose, "2026-05-08"), (StepKind::Answer, ""), (StepKind::Accept, "")],
            ),
        );
        r.warnings.insert("outside".into(), warning("2025-12-31", RiskLevel::One, Source::Manual, &[]));
        let d = |s: &str| s.parse::<Date>().unwrap();
        let table = warning_summary(&r, d("2026-01-01"), d("2026-12-31"), d("2026-11-28"), Locale::ZhCn);
        assert!(table.title.starts_with("高桥小学"));
        assert_eq!(table.headers.len(), 2 + 6 + 5);
        assert!(table.rows.iter().all(|row| row.len() == table.headers.len()));
        // 二级: two, both from complaints; one new, one closed.
        assert_eq!(table.rows[1][..3], ["二级预警", "2", "2"]);
        assert_eq!(table.rows[1][8..], ["1", "0", "0", "0", "1"]);
        // 三级: one from a signal, its answer overdue.
        assert_eq!(table.rows[2][1], "1");
        assert_eq!(table.rows[2][10], "1");
        // 一级: the one raised in 2025 is outside the range. The total counts three.
        assert_eq!(table.rows[0][1], "0");
        assert_eq!(table.rows[3][1], "3");
    }
}
