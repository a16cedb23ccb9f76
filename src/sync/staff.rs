//! 批量导入人员和岗位: the staff list every school already keeps in WPS or Excel, read as a
//! table (`.xlsx`, `.xls`, `.csv` in UTF-8 with or without BOM, or GBK as WPS writes it), its
//! columns matched to our fields, and each row checked against the register before anything is
//! written: a name already in the register or earlier in the file is a duplicate, a department
//! the register lacks is an error. Only the rows the member confirms are written, as one change.

use std::collections::BTreeSet;
use std::io::Cursor;

use serde::{Deserialize, Serialize};

use crate::model::{Entity, Id, Register};
use crate::rules::{NAME_MAX, PersonForm};

/// Why a staff file cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StaffFileError {
    /// Not a workbook or CSV this reads, or damaged.
    #[error("not a readable .xlsx, .xls or .csv file: {0}")]
    Unreadable(String),
    /// No row with any text.
    #[error("the file has no rows")]
    Empty,
}

impl StaffFileError {
    /// The locale key of the message.
    pub fn label_key(&self) -> &'static str {
        match self {
            StaffFileError::Unreadable(_) => "staff.unreadable",
            StaffFileError::Empty => "staff.empty",
        }
    }
}

/// A staff list as a table: its header row and the rows under it, as text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffTable {
    /// The first row with text.
    pub headers: Vec<String>,
    /// The rows after it, each with its line number in the file (1-based).
    pub rows: Vec<(usize, Vec<String>)>,
}

/// Reads `bytes` of the file named `name`: a workbook's first sheet with text, or CSV.
pub fn read_staff_file(name: &str, bytes: &[u8]) -> Result<StaffTable, StaffFileError> {
    let lower = name.to_lowercase();
    let lines = if lower.ends_with(".xlsx") || lower.ends_with(".xls") || bytes.starts_with(b"PK\x03\x04") {
        workbook_rows(bytes)?
    } else {
        csv_rows(&decode_text(bytes))?
    };
    let mut numbered = lines
        .into_iter()
        .enumerate()
        .map(|(n, row)| (n + 1, row.into_iter().map(|c| c.trim().to_string()).collect::<Vec<_>>()))
        .filter(|(_, row)| row.iter().any(|c| !c.is_empty()));
    let (_, headers) = numbered.next().ok_or(StaffFileError::Empty)?;
    Ok(StaffTable { headers, rows: numbered.collect() })
}

fn workbook_rows(bytes: &[u8]) -> Result<Vec<Vec<String>>, StaffFileError> {
    use calamine::{Data, Reader, open_workbook_auto_from_rs};
    let mut workbook =
        open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| StaffFileError::Unreadable(e.to_string()))?;
    for sheet in workbook.sheet_names() {
        let range = workbook.worksheet_range(&sheet).map_err(|e| StaffFileError::Unreadable(e.to_string()))?;
        let rows: Vec<Vec<String>> = range
            .rows()
            .map(|row| {
                row.iter()
                    .map(|cell| match cell {
                        // Whole numbers as typed (工号 12, not 12.0).
                        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
                        other => other.to_string(),
                    })
                    .collect()
            })
            .collect();
        if rows.iter().flatten().any(|c| !c.trim().is_empty()) {
            return Ok(rows);
        }
    }
    Err(StaffFileError::Empty)
}

/// Text of a CSV file: UTF-8 (a byte-order mark is dropped), else GBK, as WPS and older Excel
/// write Chinese CSV.
fn decode_text(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => encoding_rs::GBK.decode(bytes).0.into_owned(),
    }
}

fn csv_rows(text: &str) -> Result<Vec<Vec<String>>, StaffFileError> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    reader
        .records()
        .map(|r| r.map(|record| record.iter().map(str::to_string).collect()))
        .collect::<Result<_, _>>()
        .map_err(|e| StaffFileError::Unreadable(e.to_string()))
}

/// Which column holds each field (`None`: not in the file).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffColumns {
    /// 姓名 (needed).
    pub name: Option<usize>,
    /// 职务
    pub title: Option<usize>,
    /// 部门
    pub department: Option<usize>,
    /// 岗位
    pub post: Option<usize>,
    /// 职级
    pub rank: Option<usize>,
    /// 党员 / 政治面貌
    pub party_member: Option<usize>,
    /// 干部
    pub cadre: Option<usize>,
}

/// The fields a column can be matched to: each with the locale key of its name and the header
/// words that name it in a file.
pub const STAFF_FIELDS: [(&str, &str, &[&str]); 7] = [
    ("name", "staff.field.name", &["姓名", "名字", "教师姓名", "职工姓名", "name"]),
    ("title", "staff.field.title", &["职务", "现任职务", "title"]),
    ("department", "staff.field.department", &["部门", "科室", "处室", "股室", "所在部门", "所在科室", "department"]),
    ("post", "staff.field.post", &["岗位", "工作岗位", "岗位名称", "post"]),
    ("rank", "staff.field.rank", &["职级", "级别", "rank"]),
    ("party_member", "staff.field.party_member", &["政治面貌", "党员", "是否党员", "party"]),
    ("cadre", "staff.field.cadre", &["干部", "是否干部", "中层干部", "cadre"]),
];

impl StaffColumns {
    /// The column of `field` (one of [`STAFF_FIELDS`]).
    pub fn get(&self, field: &str) -> Option<usize> {
        match field {
            "name" => self.name,
            "title" => self.title,
            "department" => self.department,
            "post" => self.post,
            "rank" => self.rank,
            "party_member" => self.party_member,
            _ => self.cadre,
        }
    }

    /// Sets the column of `field`.
    pub fn set(&mut self, field: &str, column: Option<usize>) {
        let slot = match field {
            "name" => &mut self.name,
            "title" => &mut self.title,
            "department" => &mut self.department,
            "post" => &mut self.post,
            "rank" => &mut self.rank,
            "party_member" => &mut self.party_member,
            _ => &mut self.cadre,
        };
        *slot = column;
    }
}

/// The columns whose headers name our fields (a header matches a field when it equals one of
/// its words, ignoring spaces and case; the first match wins).
pub fn guess_columns(headers: &[String]) -> StaffColumns {
    let mut columns = StaffColumns::default();
    for (field, _, words) in STAFF_FIELDS {
        let found = headers.iter().position(|h| {
            let h: String = h.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_lowercase();
            words.iter().any(|w| h == *w)
        });
        columns.set(field, found);
    }
    columns
}

/// What is wrong with a row: it is not imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RowProblem {
    /// No name.
    NoName,
    /// A name longer than a person's name may be.
    NameTooLong,
    /// The register already has an active person of this name.
    InRegister,
    /// An earlier line of the file has this name.
    EarlierLine(usize),
    /// The register has no active department of this name.
    UnknownDepartment(String),
    /// A post with no department to put it in.
    PostWithoutDepartment,
}

impl RowProblem {
    /// The locale key of its explanation.
    pub fn label_key(&self) -> &'static str {
        match self {
            RowProblem::NoName => "staff.no_name",
            RowProblem::NameTooLong => "staff.name_too_long",
            RowProblem::InRegister => "staff.in_register",
            RowProblem::EarlierLine(_) => "staff.earlier_line",
            RowProblem::UnknownDepartment(_) => "staff.unknown_department",
            RowProblem::PostWithoutDepartment => "staff.post_without_department",
        }
    }

    /// What its message names: the earlier line, or the department as written ("" otherwise).
    pub fn detail(&self) -> String {
        match self {
            RowProblem::EarlierLine(line) => line.to_string(),
            RowProblem::UnknownDepartment(name) => name.clone(),
            _ => String::new(),
        }
    }

    /// Whether it is a duplicate rather than an error in the row.
    pub fn is_duplicate(&self) -> bool {
        matches!(self, RowProblem::InRegister | RowProblem::EarlierLine(_))
    }
}

/// One person to add, with the post they hold, if any.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StaffEntry {
    /// The person.
    pub person: PersonForm,
    /// The department of their post (`None`: no post).
    pub department: Option<Id>,
    /// 岗位 ("" when none): joined when the department has an active post of this name, else made.
    pub post: String,
    /// 职级 of a post made for them.
    pub rank: String,
}

/// One row of the file as it would be imported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffRow {
    /// Its line in the file.
    pub line: usize,
    /// The department as written.
    pub department_name: String,
    /// What would be written.
    pub entry: StaffEntry,
    /// Why it would not be (`None`: it would).
    pub problem: Option<RowProblem>,
}

/// Each row of `table` read through `columns`, checked against `register`.
pub fn plan_staff(register: &Register, table: &StaffTable, columns: &StaffColumns) -> Vec<StaffRow> {
    let existing: BTreeSet<&str> = register.people.values().filter(|p| p.is_active()).map(|p| p.name.trim()).collect();
    let mut seen: Vec<(String, usize)> = Vec::new();
    table
        .rows
        .iter()
        .map(|(line, row)| {
            let cell = |column: Option<usize>| column.and_then(|c| row.get(c)).map(|c| c.trim()).unwrap_or_default();
            let name = cell(columns.name).to_string();
            let department_name = cell(columns.department).to_string();
            let department = register
                .departments
                .iter()
                .find(|(_, d)| d.is_active() && d.name.trim() == department_name)
                .map(|(id, _)| id.clone());
            let post = cell(columns.post).to_string();
            let earlier = seen.iter().find(|(n, _)| *n == name).map(|(_, l)| *l);
            let problem = if name.is_empty() {
                Some(RowProblem::NoName)
            } else if name.chars().count() > NAME_MAX {
                Some(RowProblem::NameTooLong)
            } else if existing.contains(name.as_str()) {
                Some(RowProblem::InRegister)
            } else if let Some(line) = earlier {
                Some(RowProblem::EarlierLine(line))
            } else if !department_name.is_empty() && department.is_none() {
                Some(RowProblem::UnknownDepartment(department_name.clone()))
            } else if !post.is_empty() && department.is_none() {
                Some(RowProblem::PostWithoutDepartment)
            } else {
                None
            };
            if !name.is_empty() && earlier.is_none() {
                seen.push((name.clone(), *line));
            }
            let person = PersonForm {
                name,
                title: cell(columns.title).to_string(),
                party_member: yes(cell(columns.party_member), &["党员", "中共党员", "中国共产党党员", "预备党员"]),
                cadre: yes(cell(columns.cadre), &["干部", "中层干部"]),
            };
            let entry = StaffEntry {
                person,
                department: department.filter(|_| !post.is_empty()),
                post,
                rank: cell(columns.rank).to_string(),
            };
            StaffRow { line: *line, department_name, entry, problem }
        })
        .collect()
}

/// Whether a cell says yes: 是, Y, 1, √, true, or one of `also` (政治面貌 中共党员).
fn yes(cell: &str, also: &[&str]) -> bool {
    let cell = cell.trim();
    ["是", "y", "yes", "1", "√", "✓", "true"].iter().any(|w| cell.eq_ignore_ascii_case(w)) || also.contains(&cell)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Department, Person};

    fn register() -> Register {
        let mut r = Register::default();
        r.departments.insert("fin".into(), Department { name: "财务室".into(), ..Department::default() });
        r.departments.insert("can".into(), Department { name: "食堂".into(), ..Department::default() });
        r.people.insert("p".into(), Person { name: "王家福".into(), ..Person::default() });
        r
    }

    const CSV: &str = "序号,姓名,部门,岗位,职务,政治面貌,职级\n1,朱忠云,财务室,会计,会计,中共党员,股级\n2,陈继荣,食堂,,,群众,\n3,,财务室,出纳,,,\n4,王家福,财务室,,,,\n5,李明,后勤处,采购,,,\n6,朱忠云,食堂,,,,\n";

    #[test]
    fn a_utf8_csv_with_bom_and_the_same_in_gbk_read_alike() {
        let mut with_bom = b"\xEF\xBB\xBF".to_vec();
        with_bom.extend_from_slice(CSV.as_bytes());
        let utf8 = read_staff_file("名单.csv", &with_bom).unwrap();
        let (gbk, _, unmappable) = encoding_rs::GBK.encode(CSV);
        assert!(!unmappable);
        assert!(std::str::from_utf8(&gbk).is_err(), "the GBK bytes are not UTF-8");
        assert_eq!(read_staff_file("名单.csv", &gbk).unwrap(), utf8);
        assert_eq!(utf8.headers[1], "姓名");
        assert_eq!(utf8.rows.len(), 6);
        assert_eq!(
            utf8.rows[0],
            (2, ["1", "朱忠云", "财务室", "会计", "会计", "中共党员", "股级"].map(String::from).to_vec())
        );
    }

    #[test]
    fn an_xlsx_reads_its_first_sheet_with_text() {
        let mut book = rust_xlsxwriter::Workbook::new();
        book.add_worksheet();
        let sheet = book.add_worksheet();
        for (r, line) in CSV.lines().enumerate() {
            for (c, cell) in line.split(',').enumerate() {
                match cell.parse::<f64>() {
                    Ok(n) => sheet.write_number(r as u32, c as u16, n).unwrap(),
                    Err(_) => sheet.write_string(r as u32, c as u16, cell).unwrap(),
                };
            }
        }
        let bytes = book.save_to_buffer().unwrap();
        let table = read_staff_file("名单.xlsx", &bytes).unwrap();
        let csv = read_staff_file("名单.csv", CSV.as_bytes()).unwrap();
        assert_eq!(table.headers, csv.headers);
        // Empty cells of a row end where the sheet ends them; the text is the same.
        assert_eq!(table.rows[0].1, csv.rows[0].1);
        assert_eq!(table.rows[0].1[0], "1", "a whole number reads as typed");
    }

    #[test]
    fn bad_files_are_refused_with_a_reason() {
        assert_eq!(read_staff_file("a.csv", b"\n , \n"), Err(StaffFileError::Empty));
        assert!(matches!(read_staff_file("a.xlsx", b"PK\x03\x04 broken"), Err(StaffFileError::Unreadable(_))));
    }

    #[test]
    fn columns_are_matched_by_header_and_rows_checked_against_the_register() {
        let table = read_staff_file("名单.csv", CSV.as_bytes()).unwrap();
        let columns = guess_columns(&table.headers);
        assert_eq!(
            columns,
            StaffColumns {
                name: Some(1),
                title: Some(4),
                department: Some(2),
                post: Some(3),
                rank: Some(6),
                party_member: Some(5),
                cadre: None
            }
        );
        let rows = plan_staff(&register(), &table, &columns);
        let problems: Vec<(usize, Option<RowProblem>)> = rows.iter().map(|r| (r.line, r.problem.clone())).collect();
        assert_eq!(
            problems,
            [
                (2, None),
                (3, None),
                (4, Some(RowProblem::NoName)),
                (5, Some(RowProblem::InRegister)),
                (6, Some(RowProblem::UnknownDepartment("后勤处".into()))),
                (7, Some(RowProblem::EarlierLine(2))),
            ]
        );
        let zhu = &rows[0].entry;
        assert_eq!(
            (zhu.person.name.as_str(), zhu.person.party_member, zhu.person.title.as_str()),
            ("朱忠云", true, "会计")
        );
        assert_eq!((zhu.department.as_deref(), zhu.post.as_str(), zhu.rank.as_str()), (Some("fin"), "会计", "股级"));
        // No post: no department kept for one.
        let chen = &rows[1].entry;
        assert_eq!((chen.department.as_deref(), chen.person.party_member), (None, false));
    }
}
