//! CSV for Excel and WPS: UTF-8 with a byte-order mark, so both open Chinese text correctly.

use super::Table;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A cell as CSV. A cell that Excel or WPS would run as a formula (it starts with `=`, `+`, `-`,
/// `@`, a tab or a carriage return: text typed by anyone, perhaps in a merged file) gets a leading
/// `'`, so it shows as the text it is.
fn field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_string() };
    if text.contains([',', '"', '\n', '\r']) { format!("\"{}\"", text.replace('"', "\"\"")) } else { text }
}

/// The table as CSV bytes (RFC 4180 quoting, CRLF line ends, BOM first). The title is not a
/// row: a CSV file is for sorting and filtering, its name says what it is.
pub fn to_csv(table: &Table) -> Vec<u8> {
    let mut out = BOM.to_vec();
    for row in std::iter::once(&table.headers).chain(&table.rows) {
        let line: Vec<String> = row.iter().map(|cell| field(cell)).collect();
        out.extend_from_slice(line.join(",").as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_quoting_kept() {
        let table = Table {
            title: "t".into(),
            headers: vec!["描述".into(), "备注".into()],
            rows: vec![
                vec!["=HYPERLINK(\"http://x\",\"点我\")".into(), "+1".into()],
                vec!["-2+3".into(), "@SUM(A1)".into()],
                vec!["\tcmd".into(), "\r=1".into()],
                vec!["食堂采购".into(), "a,b".into()],
            ],
        };
        let csv = String::from_utf8(to_csv(&table)).unwrap();
        let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').split("\r\n").collect();
        assert_eq!(lines[0], "描述,备注");
        assert_eq!(lines[1], "\"'=HYPERLINK(\"\"http://x\"\",\"\"点我\"\")\",'+1");
        assert_eq!(lines[2], "'-2+3,'@SUM(A1)");
        assert_eq!(lines[3], "'\tcmd,\"'\r=1\"");
        assert_eq!(lines[4], "食堂采购,\"a,b\"");
    }
}
