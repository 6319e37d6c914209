//! Files people exchange: tables written as Excel workbooks and CSV. The caller translates
//! headers and cells; this crate only lays them out.

use rust_xlsxwriter::{Format, FormatBorder, Workbook, XlsxError};

/// A titled table as an `.xlsx` workbook: a merged title row, a bold header row frozen in
/// place, an autofilter, and columns sized to their content.
pub fn table_xlsx(
    title: &str,
    headers: &[String],
    rows: &[Vec<String>],
) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let title_format = Format::new().set_bold().set_font_size(14);
    let header_format = Format::new()
        .set_bold()
        .set_background_color("DDEBF7")
        .set_border(FormatBorder::Thin);
    let last_col = u16::try_from(headers.len().saturating_sub(1)).unwrap_or(u16::MAX);
    if last_col > 0 {
        sheet.merge_range(0, 0, 0, last_col, title, &title_format)?;
    } else {
        sheet.write_with_format(0, 0, title, &title_format)?;
    }
    let mut widths: Vec<usize> = headers.iter().map(|h| display_width(h)).collect();
    for (c, h) in headers.iter().enumerate() {
        sheet.write_with_format(1, col(c), h, &header_format)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = u32::try_from(r + 2).unwrap_or(u32::MAX);
        for (c, cell) in row.iter().enumerate() {
            sheet.write(r, col(c), cell)?;
            if let Some(w) = widths.get_mut(c) {
                *w = (*w).max(display_width(cell));
            }
        }
    }
    for (c, w) in widths.iter().enumerate() {
        sheet.set_column_width(col(c), (*w as f64 + 2.0).min(60.0))?;
    }
    sheet.set_freeze_panes(2, 0)?;
    let last_row = u32::try_from(rows.len() + 1).unwrap_or(u32::MAX);
    sheet.autofilter(1, 0, last_row, last_col)?;
    book.save_to_buffer()
}

fn col(c: usize) -> u16 {
    u16::try_from(c).unwrap_or(u16::MAX)
}

/// Width in spreadsheet columns: CJK characters take two.
fn display_width(s: &str) -> usize {
    s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

/// A table as CSV with a UTF-8 byte-order mark, so Excel on Chinese Windows reads it right.
pub fn table_csv(headers: &[String], rows: &[Vec<String>]) -> Vec<u8> {
    let mut out = String::from("\u{feff}");
    let mut line = |cells: &[String]| {
        let quoted: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
        out.push_str(&quoted.join(","));
        out.push_str("\r\n");
    };
    line(headers);
    for row in rows {
        line(row);
    }
    out.into_bytes()
}

fn csv_cell(s: &str) -> String {
    // A leading = + - @ would make a spreadsheet run the cell as a formula.
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_owned()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_and_defuses_formulas() {
        let csv = table_csv(
            &["名称".into(), "备注".into()],
            &[
                vec!["城关镇".into(), "a,\"b\"".into()],
                vec!["=1+1".into(), String::new()],
            ],
        );
        let text = String::from_utf8(csv).unwrap();
        assert!(text.starts_with('\u{feff}'));
        assert!(text.contains("城关镇,\"a,\"\"b\"\"\""));
        assert!(text.contains("'=1+1,"));
    }

    #[test]
    fn xlsx_is_a_zip() {
        let bytes = table_xlsx(
            "台账",
            &["a".into(), "b".into()],
            &[vec!["1".into(), "二".into()]],
        )
        .unwrap();
        assert_eq!(&bytes[..2], b"PK");
    }
}
