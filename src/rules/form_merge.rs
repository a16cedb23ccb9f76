//! A form is a diff from the values it was opened from, not a snapshot: saving merges the
//! member's form three ways with the record as it now stands, so fields the member did not touch
//! keep what others saved since, and a free text both changed keeps both members' words.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use similar::{ChangeTag, TextDiff};

/// A form as a member saves it, with the values it was opened from.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Edit<F> {
    /// The form as the stored record read when the member opened it (or last saved it); `None`
    /// writes every field, for callers that never showed the record (imports, tests).
    pub base: Option<F>,
    /// The form as the member saves it.
    pub form: F,
}

impl<F> Edit<F> {
    /// A form written whole, with no base.
    pub fn new(form: F) -> Self {
        Self { base: None, form }
    }

    /// A form opened from `base`.
    pub fn from_base(base: F, form: F) -> Self {
        Self { base: Some(base), form }
    }
}

impl<F> From<F> for Edit<F> {
    fn from(form: F) -> Self {
        Self::new(form)
    }
}

/// The form to write over a record that `current` reads as now: `form` as it is without a
/// base, else the three-way [`merge_form`].
pub fn resolve<'a, F>(
    base: Option<&F>,
    current: impl FnOnce() -> F,
    form: &'a F,
    is_text: impl Fn(&str) -> bool,
) -> Cow<'a, F>
where
    F: Serialize + DeserializeOwned + Clone,
{
    match base {
        Some(base) => Cow::Owned(merge_form(base, &current(), form, is_text)),
        None => Cow::Borrowed(form),
    }
}

/// The form to write: `mine` where the member changed a field from `base`, `current` (the record
/// as it now stands) everywhere else. A field both changed takes `mine`, except a free text
/// (`is_text` names it by its serde key), which takes the member's own edits rebased onto
/// `current`. Lists, numbers and choices are atomic.
pub fn merge_form<F>(base: &F, current: &F, mine: &F, is_text: impl Fn(&str) -> bool) -> F
where
    F: Serialize + DeserializeOwned + Clone,
{
    let (Ok(Value::Object(base)), Ok(Value::Object(current)), Ok(Value::Object(mine_map))) =
        (serde_json::to_value(base), serde_json::to_value(current), serde_json::to_value(mine))
    else {
        return mine.clone();
    };
    let mut merged = current.clone();
    for (key, m) in &mine_map {
        let b = base.get(key).unwrap_or(&Value::Null);
        let c = current.get(key).unwrap_or(&Value::Null);
        let value = if m == b {
            c.clone()
        } else if c == b || c == m {
            m.clone()
        } else {
            match (b, c, m) {
                (Value::String(b), Value::String(c), Value::String(m)) if is_text(key) => {
                    Value::String(merge_text(b, c, m))
                }
                _ => m.clone(),
            }
        };
        merged.insert(key.clone(), value);
    }
    serde_json::from_value(Value::Object(merged)).unwrap_or_else(|_| mine.clone())
}

/// The serde keys of the fields whose value differs between `a` and `b`, with `b`'s value.
pub fn changed_fields<F: Serialize>(a: &F, b: &F) -> BTreeMap<String, Value> {
    match (serde_json::to_value(a), serde_json::to_value(b)) {
        (Ok(Value::Object(a)), Ok(Value::Object(b))) => {
            b.into_iter().filter(|(key, value)| a.get(key) != Some(value)).collect()
        }
        _ => BTreeMap::new(),
    }
}

/// `mine`'s edits of `base`, rebased onto `current` (another member's edits of the same base):
/// a character either of them deleted is gone, and what each inserted is kept, at its place in
/// the base; where both inserted at one place, `current`'s words come first. Works on
/// characters, so Chinese text is never cut inside a character.
pub fn merge_text(base: &str, current: &str, mine: &str) -> String {
    if mine == base || mine == current {
        return current.to_string();
    }
    if current == base {
        return mine.to_string();
    }
    let theirs = Edits::of(base, current);
    let ours = Edits::of(base, mine);
    let mut out = String::with_capacity(current.len() + mine.len());
    for (i, c) in base.chars().enumerate() {
        out.push_str(&theirs.inserted[i]);
        out.push_str(&ours.inserted[i]);
        if !theirs.deleted[i] && !ours.deleted[i] {
            out.push(c);
        }
    }
    let end = theirs.deleted.len();
    out.push_str(&theirs.inserted[end]);
    out.push_str(&ours.inserted[end]);
    out
}

/// One side's edits of a base text: which base characters it deleted, and what it inserted
/// before each base character (the last slot: at the end).
struct Edits {
    deleted: Vec<bool>,
    inserted: Vec<String>,
}

impl Edits {
    fn of(base: &str, edited: &str) -> Self {
        let n = base.chars().count();
        let mut edits = Edits { deleted: vec![false; n], inserted: vec![String::new(); n + 1] };
        let mut at = 0;
        for change in TextDiff::from_chars(base, edited).iter_all_changes() {
            match change.tag() {
                ChangeTag::Equal => at += 1,
                ChangeTag::Delete => {
                    edits.deleted[at] = true;
                    at += 1;
                }
                ChangeTag::Insert => edits.inserted[at].push_str(change.value()),
            }
        }
        edits
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{RiskForm, UnitForm};

    #[test]
    fn texts_keep_both_members_words() {
        // Insertions at both ends, in Chinese.
        assert_eq!(merge_text("采购不公开", "大宗采购不公开", "采购不公开，未比价"), "大宗采购不公开，未比价");
        // Both insert at the same place: the other member's words first, then mine.
        assert_eq!(merge_text("审批", "审批A", "审批B"), "审批AB");
        // A deletion on one side and an insertion inside the deleted part on the other.
        assert_eq!(merge_text("一二三四五", "一五", "一二三甲四五"), "一甲五");
        // Both delete the same character: it is deleted once.
        assert_eq!(merge_text("甲乙丙", "甲丙", "甲丙丁"), "甲丙丁");
        // Either side unchanged, or both the same: no duplication.
        assert_eq!(merge_text("基", "基础", "基础"), "基础");
        assert_eq!(merge_text("基", "基", "基础"), "基础");
        assert_eq!(merge_text("基", "础", "基"), "础");
        // Empty base: both texts kept.
        assert_eq!(merge_text("", "前", "后"), "前后");
    }

    #[test]
    fn untouched_fields_keep_the_record_as_it_now_stands() {
        let base = RiskForm {
            causes: "制度不健全".into(),
            manifestations: "虚报".into(),
            level: "1".into(),
            ..Default::default()
        };
        let current = RiskForm { causes: "制度不健全，监督缺位".into(), level: "2".into(), ..base.clone() };
        let mine = RiskForm { manifestations: "虚报冒领".into(), ..base.clone() };
        let merged = merge_form(&base, &current, &mine, |_| true);
        assert_eq!(merged, RiskForm { manifestations: "虚报冒领".into(), ..current.clone() });
    }

    #[test]
    fn a_field_both_changed_is_mine_or_both_texts() {
        let base = RiskForm { causes: "制度不健全".into(), level: "1".into(), ..Default::default() };
        let current = RiskForm { causes: "制度不健全，监督缺位".into(), level: "2".into(), ..base.clone() };
        let mine = RiskForm { causes: "主要是制度不健全".into(), level: "3".into(), ..base.clone() };
        let texts = |key: &str| key == "causes";
        let merged = merge_form(&base, &current, &mine, texts);
        assert_eq!(merged.causes, "主要是制度不健全，监督缺位");
        assert_eq!(merged.level, "3");
        // A choice is never merged as text, even when it is a string.
        let merged = merge_form(&base, &current, &mine, |_| false);
        assert_eq!(merged.causes, "主要是制度不健全");
    }

    #[test]
    fn changed_fields_names_serde_keys() {
        let a = UnitForm { name: "一中".into(), ..Default::default() };
        let b = UnitForm { name: "二中".into(), hotline: "12388".into(), ..a.clone() };
        let changed = changed_fields(&a, &b);
        assert_eq!(changed.keys().collect::<Vec<_>>(), ["hotline", "name"]);
        assert_eq!(changed["name"], Value::String("二中".into()));
    }

    mod props {
        use proptest::prelude::*;

        use super::super::merge_text;

        /// A base of distinct characters, so that each side's diff from it is unambiguous.
        fn base() -> impl Strategy<Value = String> {
            (0usize..9).prop_map(|n| "甲乙丙丁戊己庚辛壬".chars().take(n).collect())
        }

        fn words() -> impl Strategy<Value = String> {
            proptest::collection::vec(prop_oneof![Just('a'), Just('审'), Just('，')], 1..5)
                .prop_map(|c| c.into_iter().collect())
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(200))]

            /// One member writes at the start, the other at the end: both are kept.
            #[test]
            fn both_ends(base in base(), before in words(), after in words()) {
                let current = format!("{before}{base}");
                let mine = format!("{base}{after}");
                // The same edit made by both is kept once.
                prop_assume!(current != mine);
                prop_assert_eq!(merge_text(&base, &current, &mine), format!("{before}{base}{after}"));
                prop_assert_eq!(merge_text(&base, &base, &mine), mine.clone());
                prop_assert_eq!(merge_text(&base, &current, &base), current.clone());
            }

            /// One member deletes a stretch, the other inserts anywhere: the stretch is gone and
            /// the insertion is kept where it was made.
            #[test]
            fn deletion_and_insertion(base in base(), words in words(), cut in any::<(u8, u8, u8)>()) {
                let chars: Vec<char> = base.chars().collect();
                let n = chars.len();
                let (mut from, mut to) = (cut.0 as usize % (n + 1), cut.1 as usize % (n + 1));
                if from > to {
                    std::mem::swap(&mut from, &mut to);
                }
                let at = cut.2 as usize % (n + 1);
                let current: String = chars[..from].iter().chain(&chars[to..]).collect();
                let mine: String = chars[..at].iter().collect::<String>() + &words + &chars[at..].iter().collect::<String>();
                let kept = |range: std::ops::Range<usize>| -> String {
                    range.filter(|i| !(from..to).contains(i)).map(|i| chars[i]).collect()
                };
                let expected = kept(0..at) + &words + &kept(at..n);
                prop_assert_eq!(merge_text(&base, &current, &mine), expected);
            }
        }
    }
}
