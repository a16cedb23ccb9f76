//! Translations: every visible string comes from `locales/<code>.json` by key.
//!
//! Simplified Chinese is the default and the reference: a key missing from another locale
//! falls back to Chinese, and a test keeps the files' key sets equal.

use std::collections::HashMap;
use std::sync::LazyLock;

/// A language the UI speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Locale {
    /// 简体中文 (default).
    #[default]
    ZhCn,
    /// English.
    En,
}

impl Locale {
    /// Every locale, default first.
    pub const ALL: [Locale; 2] = [Locale::ZhCn, Locale::En];

    /// The BCP 47 code, as in `<html lang>` and the preference store.
    pub fn code(self) -> &'static str {
        match self {
            Locale::ZhCn => "zh-CN",
            Locale::En => "en",
        }
    }

    /// The locale with `code`, if supported.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.code() == code)
    }

    fn table(self) -> &'static HashMap<String, String> {
        match self {
            Locale::ZhCn => &ZH_CN,
            Locale::En => &EN,
        }
    }
}

fn parse(json: &str) -> HashMap<String, String> {
    serde_json::from_str(json).expect("locale files are flat JSON objects of strings")
}

static ZH_CN: LazyLock<HashMap<String, String>> = LazyLock::new(|| parse(include_str!("../locales/zh-CN.json")));
static EN: LazyLock<HashMap<String, String>> = LazyLock::new(|| parse(include_str!("../locales/en.json")));

/// The text of `key` in `locale`; falls back to Chinese, then to the key itself so a missing
/// translation is visible rather than blank.
pub fn text(locale: Locale, key: &'static str) -> &'static str {
    locale.table().get(key).or_else(|| ZH_CN.get(key)).map(String::as_str).unwrap_or(key)
}

/// The text of `key` when some locale file has it: for keys made at run time.
pub fn lookup(locale: Locale, key: &str) -> Option<&'static str> {
    locale.table().get(key).or_else(|| ZH_CN.get(key)).map(String::as_str)
}

/// `key` as the static key of the locale files, when they have it: for keys that came in a
/// message from the engine's thread.
pub fn static_key(key: &str) -> Option<&'static str> {
    ZH_CN.get_key_value(key).map(|(k, _)| k.as_str())
}

/// The text of `key` with each `{name}` replaced by its value from `args`.
pub fn format(locale: Locale, key: &'static str, args: &[(&str, &str)]) -> String {
    args.iter().fold(text(locale, key).to_string(), |acc, (name, value)| acc.replace(&format!("{{{name}}}"), value))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    use super::*;

    fn keys(locale: Locale) -> BTreeSet<&'static str> {
        locale.table().keys().map(String::as_str).collect()
    }

    #[test]
    fn every_locale_has_the_same_keys() {
        let zh = keys(Locale::ZhCn);
        let en = keys(Locale::En);
        assert_eq!(zh.difference(&en).collect::<Vec<_>>(), Vec::<&&str>::new(), "missing in en");
        assert_eq!(en.difference(&zh).collect::<Vec<_>>(), Vec::<&&str>::new(), "missing in zh-CN");
        for locale in Locale::ALL {
            for (key, value) in locale.table() {
                assert!(!value.trim().is_empty(), "{} has an empty {key}", locale.code());
            }
        }
    }

    /// The rules of `locales/GLOSSARY.md` that a machine can check, on every Chinese string.
    #[test]
    fn chinese_strings_follow_the_glossary() {
        let cjk = |c: char| ('\u{3000}'..='\u{9fff}').contains(&c) || ('\u{ff00}'..='\u{ffef}').contains(&c);
        let latin = |c: char| c.is_ascii_alphanumeric() || matches!(c, '{' | '}');
        let mut wrong = Vec::new();
        for (key, value) in Locale::ZhCn.table() {
            let chars: Vec<char> = value.chars().collect();
            let spaced =
                chars.windows(3).any(|w| w[1] == ' ' && ((cjk(w[0]) && latin(w[2])) || (latin(w[0]) && cjk(w[2]))));
            if spaced {
                wrong.push(format!("{key}: no space between Chinese and numbers: {value}"));
            }
            // 归档 files records for inspection; what leaves the lists is 停用.
            let filing = ["archive.", "filing.", "phase.", "entity.filing"].iter().any(|p| key.starts_with(p));
            if value.contains("归档") && !filing {
                wrong.push(format!("{key}: 归档 is filing, not retiring: {value}"));
            }
            for banned in ["删除", "登记册", "组织架构"] {
                if value.contains(banned) && !key.starts_with("complaint.remove_reporter") && !key.starts_with("help.")
                {
                    wrong.push(format!("{key}: {banned} is not a word of this app: {value}"));
                }
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    /// Every string literal in the sources that looks like a key of a namespace the locale files
    /// use (`"risk.level"`, `"invalid.required"`) must be a key.
    #[test]
    fn every_key_the_code_uses_exists() {
        let zh = keys(Locale::ZhCn);
        let namespaces: BTreeSet<&str> = zh.iter().filter_map(|k| k.split('.').next()).collect();
        let mut missing = Vec::new();
        let mut seen = 0;
        visit(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src")), &mut |source| {
            for literal in source.split('"').skip(1).step_by(2) {
                let looks_like_key = literal.contains('.')
                    && literal.split('.').all(|p| {
                        !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
                    });
                let namespace = literal.split('.').next().unwrap_or_default();
                if looks_like_key && namespaces.contains(namespace) {
                    seen += 1;
                    if !zh.contains(literal) {
                        missing.push(literal.to_string());
                    }
                }
            }
        });
        assert!(seen > 50, "the scan found only {seen} keys");
        assert!(missing.is_empty(), "keys used in src/ but missing from locales: {missing:?}");
    }

    fn visit(dir: &Path, f: &mut dyn FnMut(&str)) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                visit(&path, f);
            } else if path.extension().is_some_and(|e| e == "rs") {
                f(&std::fs::read_to_string(&path).unwrap());
            }
        }
    }

    #[test]
    fn formats_and_falls_back() {
        assert_eq!(text(Locale::ZhCn, "no.such.key"), "no.such.key");
        assert_eq!(format(Locale::ZhCn, "risks.count", &[("n", "12")]), "共12条");
        assert_eq!(format(Locale::En, "invalid.too_long", &[("max", "50")]), "At most 50 characters");
    }
}
