//! CSV for Excel and WPS: UTF-8 with a byte-order mark, so both open Chinese text correctly.

use super::Table;

const BOM: &[u8] = b"\xEF\xBB\xBF";

fn field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) { format!("\"{}\"", text.replace('"', "\"\"")) } else { text.to_string() }
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
