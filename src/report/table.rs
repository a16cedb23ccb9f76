//! The official forms as plain tables: a title, column headers, rows of text.

use crate::i18n::{Locale, text};
use crate::model::Register;
use crate::rules::catalogue;

/// A printable, exportable table.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Table {
    /// The form's title, e.g. 高桥小学岗位腐败风险点目录.
    pub title: String,
    /// Column headers.
    pub headers: Vec<String>,
    /// Rows, each as long as `headers`.
    pub rows: Vec<Vec<String>>,
}

fn headers(locale: Locale, keys: &[&'static str]) -> Vec<String> {
    keys.iter().map(|k| text(locale, k).to_string()).collect()
}

/// 岗位腐败风险点目录: approved points, with the columns of the official template.
pub fn catalogue_table(register: &Register, locale: Locale) -> Table {
    let rows = catalogue(register, None, locale)
        .into_iter()
        .map(|r| {
            vec![
                r.number.to_string(),
                r.department,
                r.post,
                r.power_item,
                r.kind,
                r.description,
                r.manifestations,
                text(locale, r.level.label_key()).to_string(),
                r.measures,
                r.head,
                r.leaders,
            ]
        })
        .collect();
    Table {
        title: format!("{}{}", register.unit.name, text(locale, "catalogue.title")),
        headers: headers(
            locale,
            &[
                "catalogue.number",
                "catalogue.department",
                "catalogue.post",
                "catalogue.power_item",
                "catalogue.kind",
                "catalogue.description",
                "catalogue.manifestations",
                "catalogue.level",
                "catalogue.measures",
                "catalogue.head",
                "catalogue.leaders",
            ],
        ),
        rows,
    }
}

/// 风险点及防控措施自查表 of one department: its approved points, with room for the check.
pub fn self_check_table(register: &Register, department: &str, locale: Locale) -> Table {
    let name = register.departments.get(department).map(|d| d.name.clone()).unwrap_or_default();
    let rows = catalogue(register, Some(department), locale)
        .into_iter()
        .map(|r| {
            vec![
                r.number.to_string(),
                r.post,
                r.power_item,
                r.description,
                text(locale, r.level.label_key()).to_string(),
                r.measures,
                r.head,
                r.progress,
                String::new(),
            ]
        })
        .collect();
    Table {
        title: format!("{}{}{}", register.unit.name, name, text(locale, "self_check.title")),
        headers: headers(
            locale,
            &[
                "catalogue.number",
                "catalogue.post",
                "catalogue.power_item",
                "catalogue.description",
                "catalogue.level",
                "catalogue.measures",
                "self_check.owner",
                "self_check.progress",
                "self_check.finding",
            ],
        ),
        rows,
    }
}
