//! Files people exchange: tables written as Excel workbooks and CSV. The caller translates
//! headers and cells; this crate only lays them out.

pub use rust_xlsxwriter::XlsxError;
use rust_xlsxwriter::{Format, FormatBorder, Workbook};

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

/// A workbook written a row at a time with rows spilled to a temporary file
/// (rust_xlsxwriter's constant-memory mode), then saved to a temporary file to be streamed:
/// a 100,000-row ledger never sits in memory whole.
pub struct XlsxStream {
    book: Workbook,
    next_row: u32,
    columns: u16,
}

impl XlsxStream {
    pub fn new(headers: &[String]) -> Result<Self, XlsxError> {
        let mut book = Workbook::new();
        let sheet = book.add_worksheet_with_constant_memory()?;
        let bold = Format::new()
            .set_bold()
            .set_background_color("DDEBF7")
            .set_border(FormatBorder::Thin);
        for (c, h) in headers.iter().enumerate() {
            sheet.write_with_format(0, col(c), h, &bold)?;
            sheet.set_column_width(col(c), (display_width(h) as f64 + 4.0).clamp(8.0, 40.0))?;
        }
        sheet.set_freeze_panes(1, 0)?;
        Ok(Self {
            book,
            next_row: 1,
            columns: col(headers.len()),
        })
    }

    pub fn row(&mut self, cells: &[String]) -> Result<(), XlsxError> {
        let row = self.next_row;
        let sheet = self.book.worksheet_from_index(0)?;
        for (c, cell) in cells.iter().enumerate() {
            if !cell.is_empty() {
                sheet.write(row, col(c), cell)?;
            }
        }
        self.next_row += 1;
        Ok(())
    }

    /// Finishes the workbook into a temporary file (removed when dropped).
    pub fn finish(mut self) -> Result<tempfile::NamedTempFile, XlsxError> {
        if self.next_row > 1 {
            let last = self.next_row - 1;
            let columns = self.columns.saturating_sub(1);
            self.book
                .worksheet_from_index(0)?
                .autofilter(0, 0, last, columns)?;
        }
        let file = tempfile::NamedTempFile::new().map_err(XlsxError::IoError)?;
        self.book.save(file.path())?;
        Ok(file)
    }
}

/// One CSV line (with CRLF), quoted and with formulas defused as in [`table_csv`].
pub fn csv_line(cells: &[String]) -> String {
    let quoted: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
    let mut line = quoted.join(",");
    line.push_str("\r\n");
    line
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
