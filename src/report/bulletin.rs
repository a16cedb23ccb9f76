//! 通报: a draft notification, to the unit's staff, of cases the leading group has closed.
//! People's names are masked (朱某某) unless the committee chose to name the person a case is
//! about; complaints and reporters never appear, only what the 预警通知书 itself states.

use std::collections::BTreeSet;

use crate::i18n::{Locale, format, text};
use crate::model::{Entity, Id, Register, StepKind, Target, Warning};
use crate::rules::{Case, CaseState, target_name};

/// A draft 通报: its title and its paragraphs, in order (the last two are the issuer and date).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bulletin {
    /// 关于……的通报
    pub title: String,
    /// The text, one paragraph each.
    pub paragraphs: Vec<String>,
}

impl Bulletin {
    /// The whole draft as plain text, to paste into the unit's own document.
    pub fn to_text(&self) -> String {
        std::iter::once(self.title.as_str())
            .chain(self.paragraphs.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join("\n\n")
    }
}

/// The closed cases a 通报 may report, newest first: id, and a line naming the target.
pub fn closed_cases(register: &Register) -> Vec<(Id, String)> {
    let mut cases: Vec<(&String, Id, String)> = register
        .warnings
        .iter()
        .filter(|(_, w)| w.is_active() && Case::of(w).state == CaseState::Closed)
        .map(|(id, w)| {
            (
                &w.raised,
                id.clone(),
                format!("{} {} {}", w.raised, target_name(register, w.target, &w.target_id), w.label()),
            )
        })
        .collect();
    cases.sort_by(|a, b| b.0.cmp(a.0).then_with(|| a.1.cmp(&b.1)));
    cases.into_iter().map(|(_, id, line)| (id, line)).collect()
}

/// The 通报 of the closed cases `chosen` (others are left out), dated `date`. The person a case
/// is about is named when the case is in `named`; every other name of the register's people,
/// in the target or the problem's text, is masked.
pub fn bulletin(register: &Register, chosen: &[Id], named: &BTreeSet<Id>, date: &str, locale: Locale) -> Bulletin {
    let unit = register.unit.name.as_str();
    let cases: Vec<(&Id, &Warning, Case)> = chosen
        .iter()
        .filter_map(|id| register.warnings.get_key_value(id))
        .filter(|(_, w)| w.is_active())
        .map(|(id, w)| (id, w, Case::of(w)))
        .filter(|(_, _, case)| case.state == CaseState::Closed)
        .collect();
    let mut paragraphs = vec![format(locale, "bulletin.intro", &[("n", &cases.len().to_string())])];
    for (n, (id, warning, case)) in cases.iter().enumerate() {
        let shown = (warning.target == Target::Person && named.contains(*id)).then_some(warning.target_id.as_str());
        let mask = |text: &str| mask_names(register, text, shown);
        let applied = || case.timeline.iter().filter(|s| s.applied);
        let measures: Vec<&str> = applied()
            .filter(|s| s.step.kind == StepKind::Dispose)
            .flat_map(|s| s.step.measures.iter().map(|m| m.measure.as_str()))
            .collect();
        let closed = applied().filter(|s| s.step.kind == StepKind::Accept).map(|s| s.step.date.as_str()).next_back();
        paragraphs.push(format(
            locale,
            "bulletin.case",
            &[
                ("n", &ordinal(n + 1, locale)),
                ("target", &mask(&target_name(register, warning.target, &warning.target_id))),
                ("problem", mask(warning.problem.as_str()).trim_end_matches(['。', '.'])),
                ("raised", &warning.raised),
                ("level", text(locale, case.level.warning_key())),
                ("measures", &measures.join(text(locale, "bulletin.and"))),
                ("closed", closed.unwrap_or_default()),
            ],
        ));
    }
    paragraphs.push(text(locale, "bulletin.closing").to_string());
    paragraphs.push(format(locale, "bulletin.issuer", &[("unit", unit)]));
    paragraphs.push(date.to_string());
    Bulletin { title: format(locale, "bulletin.title", &[("unit", unit)]), paragraphs }
}

/// `text` with the names of the register's people masked, except person `shown`'s. Longer
/// names first, so that 欧阳明 is not masked as 欧阳 plus a letter.
fn mask_names(register: &Register, text: &str, shown: Option<&str>) -> String {
    let mut names: Vec<&str> = register
        .people
        .iter()
        .filter(|(id, _)| Some(id.as_str()) != shown)
        .map(|(_, p)| p.name.trim())
        .filter(|name| name.chars().count() >= 2)
        .collect();
    names.sort_by_key(|name| std::cmp::Reverse(name.chars().count()));
    let shown_name = shown.and_then(|id| register.person_name(id)).map(str::trim).unwrap_or_default();
    names
        .into_iter()
        .filter(|name| *name != shown_name)
        .fold(text.to_string(), |text, name| text.replace(name, &mask(name)))
}

/// A name as a 通报 writes it unnamed: the surname and 某 for each other character (朱某某,
/// 张某); a name in Latin letters keeps its first letter.
pub fn mask(name: &str) -> String {
    let mut chars = name.trim().chars();
    let Some(first) = chars.next() else { return String::new() };
    if first.is_ascii_alphabetic() {
        return format!("{first}.");
    }
    std::iter::once(first).chain(chars.map(|_| '某')).collect()
}

/// The number of a paragraph: 一、二、… in Chinese, 1. 2. … in English.
fn ordinal(n: usize, locale: Locale) -> String {
    const DIGITS: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match locale {
        Locale::En => format!("{n}."),
        Locale::ZhCn => {
            let (tens, ones) = (n / 10, n % 10);
            let tens = match tens {
                0 => String::new(),
                1 => "十".to_string(),
                t if t < 10 => format!("{}十", DIGITS[t]),
                _ => return format!("{n}、"),
            };
            format!("{tens}{}、", DIGITS[ones])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::{RegisterDoc, Stamp};
    use crate::model::Template;
    use crate::rules::{DisposalForm, PersonForm, StepForm, UnitForm, WarningForm};

    fn step(doc: &mut RegisterDoc, id: &str, kind: StepKind, date: &str) {
        let measures = match kind {
            StepKind::Dispose => vec![DisposalForm { measure: "诫勉谈话".into(), ..DisposalForm::default() }],
            _ => Vec::new(),
        };
        let form = StepForm { kind: kind.code().into(), date: date.into(), text: "整改".into(), measures };
        doc.case_step(&Stamp::new("wang", 1), id, &form).unwrap();
    }

    #[test]
    fn names_are_masked_unless_chosen_and_only_closed_cases_are_reported() {
        let unit = UnitForm { name: "城关小学".into(), ..UnitForm::default() };
        let mut doc =
            RegisterDoc::create(&unit, &Template::school(), "2026-11-02".parse().unwrap(), &Stamp::default()).unwrap();
        let person = |doc: &mut RegisterDoc, name: &str| {
            let form = PersonForm { name: name.into(), ..PersonForm::default() };
            doc.create_entity(&Stamp::default(), &form).unwrap()
        };
        let zhu = person(&mut doc, "朱忠云");
        let ouyang = person(&mut doc, "欧阳明");
        let warning = |doc: &mut RegisterDoc, target: &str, problem: &str| {
            let form = WarningForm {
                level: "2".into(),
                source: "manual".into(),
                target: Target::Person.code().into(),
                target_id: target.into(),
                problem: problem.into(),
                raised: "2026-11-03".into(),
                ..WarningForm::default()
            };
            doc.create_entity(&Stamp::default(), &form).unwrap()
        };
        let first = warning(&mut doc, &zhu, "朱忠云经手的食堂采购未经验收，欧阳明签字报销。");
        let second = warning(&mut doc, &ouyang, "欧阳明未按规定公示补助名单");
        let open = warning(&mut doc, &zhu, "尚在处置");
        for id in [&first, &second] {
            step(&mut doc, id, StepKind::Dispose, "2026-11-04");
            step(&mut doc, id, StepKind::Answer, "2026-11-06");
            step(&mut doc, id, StepKind::Accept, "2026-11-09");
        }
        let r = doc.register();
        let closed: Vec<Id> = closed_cases(r).into_iter().map(|(id, _)| id).collect();
        assert_eq!(closed.len(), 2);
        assert!(!closed.contains(&open));

        let chosen = [first.clone(), second.clone(), open.clone()];
        let named = BTreeSet::from([second.clone()]);
        let b = bulletin(r, &chosen, &named, "2026-11-28", Locale::ZhCn);
        let whole = b.to_text();
        assert!(b.title.starts_with("城关小学"), "{}", b.title);
        // The open case is left out; two cases, numbered 一、 and 二、.
        assert!(whole.contains("2 起") || whole.contains("2起"), "{whole}");
        assert!(!whole.contains("尚在处置"));
        assert!(whole.contains("一、朱某某") && whole.contains("二、欧阳明"), "{whole}");
        // Masked: 朱忠云 everywhere; 欧阳明 in the first case, which does not name him.
        assert!(!whole.contains("朱忠云"), "{whole}");
        assert!(whole.contains("欧某某签字报销"), "{whole}");
        assert!(whole.contains("诫勉谈话") && whole.contains("2026-11-09"), "{whole}");
        assert_eq!(b.paragraphs.last().map(String::as_str), Some("2026-11-28"));

        let en = bulletin(r, &chosen, &BTreeSet::new(), "2026-11-28", Locale::En).to_text();
        assert!(en.contains("1. 朱某某") && en.contains("2. 欧某某"), "{en}");
    }

    #[test]
    fn masks_and_numbers() {
        assert_eq!(mask("朱忠云"), "朱某某");
        assert_eq!(mask("张三"), "张某");
        assert_eq!(mask(" Li Wei "), "L.");
        assert_eq!(mask(""), "");
        assert_eq!(ordinal(1, Locale::ZhCn), "一、");
        assert_eq!(ordinal(10, Locale::ZhCn), "十、");
        assert_eq!(ordinal(23, Locale::ZhCn), "二十三、");
        assert_eq!(ordinal(3, Locale::En), "3.");
    }
}
