//! XLSX workbooks, laid out for A4 landscape printing like the official forms.

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, XlsxError};

use super::Table;

/// Column widths, in characters, for columns holding long text.
fn width(header_len: usize, longest: usize) -> f64 {
    (longest.max(header_len).clamp(4, 40) + 2) as f64
}

/// The table as an XLSX workbook: title across the top, bold headers repeated on every printed
/// page, wrapped text, A4 landscape, fitted to the page width.
pub fn to_xlsx(table: &Table, sheet_name: &str) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(sheet_name)?;
    let title = Format::new().set_bold().set_font_size(16).set_align(FormatAlign::Center);
    let header = Format::new().set_bold().set_border(FormatBorder::Thin).set_text_wrap().set_align(FormatAlign::Center);
    let cell = Format::new().set_border(FormatBorder::Thin).set_text_wrap().set_align(FormatAlign::Top);
    let last_column = table.headers.len().saturating_sub(1) as u16;
    sheet.merge_range(0, 0, 0, last_column, &table.title, &title)?;
    for (c, text) in table.headers.iter().enumerate() {
        sheet.write_string_with_format(1, c as u16, text, &header)?;
        let longest = table.rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0);
        sheet.set_column_width(c as u16, width(text.chars().count(), longest))?;
    }
    for (r, row) in table.rows.iter().enumerate() {
        for (c, text) in row.iter().enumerate() {
            sheet.write_string_with_format(r as u32 + 2, c as u16, text, &cell)?;
        }
    }
    sheet.set_landscape();
    sheet.set_paper_size(9); // A4
    sheet.set_repeat_rows(1, 1)?;
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_footer("&C&P / &N");
    workbook.save_to_buffer()
}
