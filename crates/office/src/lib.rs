//! Files people exchange: tables written as Excel workbooks and CSV. The caller translates
//! headers and cells; this crate only lays them out.

pub mod photo;
pub use rust_xlsxwriter::XlsxError;
use rust_xlsxwriter::{Format, FormatBorder, Workbook};

/// The heading of a ledger as it is filed on paper: the form's title over the table, a line of
/// particulars under it (填报单位（盖章）, 制表人, 制表日期 — written by the caller in the
/// reader's language), the sheet's name, and the footer every printed page carries.
#[derive(Debug, Clone)]
pub struct Letterhead {
    pub title: String,
    pub particulars: String,
    /// The sheet's tab name (cut to Excel's 31 characters, its forbidden characters dropped).
    pub sheet_name: String,
    /// Excel's header/footer codes: `&P` the page, `&N` the pages, e.g. `第 &P 页，共 &N 页`.
    pub footer: String,
}

/// Rows above the header: the title and the particulars.
const HEADING_ROWS: u32 = 2;

impl Letterhead {
    fn sheet_name(&self) -> String {
        let name: String = self
            .sheet_name
            .chars()
            .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
            .take(31)
            .collect();
        let name = name.trim_matches('\'');
        if name.trim().is_empty() {
            "Sheet1".to_owned()
        } else {
            name.to_owned()
        }
    }

    /// Writes the title and particulars, names the sheet and sets it to print as the paper
    /// form: A4 landscape, one page wide, the header row repeated, page N of M in the footer.
    fn put_on(
        &self,
        sheet: &mut rust_xlsxwriter::Worksheet,
        columns: u16,
    ) -> Result<(), XlsxError> {
        let last_col = columns.saturating_sub(1);
        let title_format = Format::new()
            .set_bold()
            .set_font_size(16)
            .set_align(rust_xlsxwriter::FormatAlign::Center);
        let plain = Format::new();
        if last_col > 0 {
            sheet.merge_range(0, 0, 0, last_col, &self.title, &title_format)?;
            sheet.merge_range(1, 0, 1, last_col, &self.particulars, &plain)?;
        } else {
            sheet.write_with_format(0, 0, &self.title, &title_format)?;
            sheet.write(1, 0, &self.particulars)?;
        }
        sheet.set_row_height(0, 28)?;
        sheet.set_name(self.sheet_name())?;
        sheet.set_landscape();
        sheet.set_paper_size(9); // A4
        sheet.set_print_fit_to_pages(1, 0);
        sheet.set_repeat_rows(HEADING_ROWS, HEADING_ROWS)?;
        sheet.set_footer(format!("&C{}", self.footer));
        sheet.set_freeze_panes(HEADING_ROWS + 1, 0)?;
        Ok(())
    }
}

fn header_format() -> Format {
    Format::new()
        .set_bold()
        .set_background_color("DDEBF7")
        .set_border(FormatBorder::Thin)
}

/// A ledger as an `.xlsx` workbook under its letterhead: a bold header row frozen in place,
/// an autofilter, and columns sized to their content.
pub fn table_xlsx(
    head: &Letterhead,
    headers: &[String],
    rows: &[Vec<String>],
) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    head.put_on(sheet, col(headers.len()))?;
    let header_format = header_format();
    let mut widths: Vec<usize> = headers.iter().map(|h| display_width(h)).collect();
    for (c, h) in headers.iter().enumerate() {
        sheet.write_with_format(HEADING_ROWS, col(c), h, &header_format)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = u32::try_from(r).map_or(u32::MAX, |r| r.saturating_add(HEADING_ROWS + 1));
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
    let last_row = u32::try_from(rows.len()).map_or(u32::MAX, |r| r.saturating_add(HEADING_ROWS));
    let last_col = col(headers.len().saturating_sub(1));
    sheet.autofilter(HEADING_ROWS, 0, last_row, last_col)?;
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
    pub fn new(head: &Letterhead, headers: &[String]) -> Result<Self, XlsxError> {
        let mut book = Workbook::new();
        let sheet = book.add_worksheet_with_constant_memory()?;
        head.put_on(sheet, col(headers.len()))?;
        let bold = header_format();
        for (c, h) in headers.iter().enumerate() {
            sheet.write_with_format(HEADING_ROWS, col(c), h, &bold)?;
            sheet.set_column_width(col(c), (display_width(h) as f64 + 4.0).clamp(8.0, 40.0))?;
        }
        Ok(Self {
            book,
            next_row: HEADING_ROWS + 1,
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
        if self.next_row > HEADING_ROWS + 1 {
            let last = self.next_row - 1;
            let columns = self.columns.saturating_sub(1);
            self.book
                .worksheet_from_index(0)?
                .autofilter(HEADING_ROWS, 0, last, columns)?;
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
            &head("台账"),
            &["a".into(), "b".into()],
            &[vec!["1".into(), "二".into()]],
        )
        .unwrap();
        assert_eq!(&bytes[..2], b"PK");
    }

    pub(crate) fn head(title: &str) -> Letterhead {
        Letterhead {
            title: title.into(),
            particulars: "填报单位（盖章）：汉阴县　制表人：王芳　制表日期：2026-12-03".into(),
            sheet_name: format!("{title}[2026]/明细"),
            footer: "第 &P 页，共 &N 页".into(),
        }
    }

    #[test]
    fn a_ledger_sheet_is_named_and_headed_like_the_paper_form() {
        let bytes = table_xlsx(
            &head("隐患排查治理台账"),
            &["名称".into(), "人数".into()],
            &[vec!["甲厂".into(), "12".into()]],
        )
        .unwrap();
        let rows = read_sheet(&bytes, "隐患排查治理台账2026明细").unwrap();
        assert_eq!(rows[0][0], "隐患排查治理台账");
        assert!(rows[1][0].starts_with("填报单位（盖章）"));
        assert_eq!(rows[2], vec!["名称", "人数"]);
        assert_eq!(rows[3], vec!["甲厂", "12"]);
        let mut stream = XlsxStream::new(&head("单位台账"), &["名称".into()]).unwrap();
        stream.row(&["乙厂".into()]).unwrap();
        let file = stream.finish().unwrap();
        let rows = read_sheet(&std::fs::read(file.path()).unwrap(), "单位台账2026明细").unwrap();
        assert_eq!(rows[2], vec!["名称"]);
        assert_eq!(rows[3], vec!["乙厂"]);
    }
}

/// Why a spreadsheet could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("the file is not a spreadsheet this system reads (.xlsx or .csv)")]
    Unreadable,
    #[error("the workbook has no sheet")]
    Empty,
    /// More than the import takes: rows, columns, cells or the workbook's unpacked size. It is
    /// refused before the rest is read, so a small file cannot fill the server's memory.
    #[error("the file holds more than {limit} {what}")]
    TooLarge { what: &'static str, limit: u64 },
}

/// What one import reads at most. A county's census is a few thousand rows of about twenty
/// columns; these leave room for a whole city's while bounding the memory a file can take.
pub mod limits {
    /// Rows of a sheet, title and header rows included.
    pub const ROWS: u64 = 100_000;
    /// Columns of a sheet.
    pub const COLUMNS: u64 = 64;
    /// Non-empty cells of a sheet.
    pub const CELLS: u64 = 2_000_000;
    /// The workbook's parts unpacked, as its zip directory declares them.
    pub const UNPACKED_BYTES: u64 = 128 * 1024 * 1024;
}

/// The cells of a file's first sheet as text, row by row: `.xlsx` (recognised by content) or
/// CSV in UTF-8 (with or without a byte-order mark) or GB 18030, as Chinese Excel saves it.
/// Numbers that are whole come out without a fraction (`12`, not `12.0`). At most
/// [`limits`] are read.
pub fn read_table(bytes: &[u8]) -> Result<Vec<Vec<String>>, ReadError> {
    if bytes.starts_with(b"PK") {
        return read_xlsx(bytes);
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(s) => s.trim_start_matches('\u{feff}').to_owned(),
        Err(_) => {
            let (decoded, _, bad) = encoding_rs::GB18030.decode(bytes);
            if bad {
                return Err(ReadError::Unreadable);
            }
            decoded.into_owned()
        }
    };
    if text.contains('\0') {
        return Err(ReadError::Unreadable);
    }
    parse_csv(&text)
}

/// Refuses a workbook whose parts unpack to more than the limit, from its zip directory alone
/// (nothing is inflated to find out).
fn check_unpacked_size(bytes: &[u8]) -> Result<(), ReadError> {
    let mut archive =
        zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|_| ReadError::Unreadable)?;
    let mut total = 0u64;
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(|_| ReadError::Unreadable)?;
        total = total.saturating_add(entry.size());
    }
    if total > limits::UNPACKED_BYTES {
        return Err(ReadError::TooLarge {
            what: "bytes unpacked",
            limit: limits::UNPACKED_BYTES,
        });
    }
    Ok(())
}

/// Cells gathered into rows within the limits, as they arrive.
#[derive(Default)]
struct Rows {
    rows: Vec<Vec<String>>,
    cells: u64,
}

impl Rows {
    fn put(&mut self, row: u64, column: u64, text: String) -> Result<(), ReadError> {
        if row >= limits::ROWS {
            return Err(ReadError::TooLarge {
                what: "rows",
                limit: limits::ROWS,
            });
        }
        if column >= limits::COLUMNS {
            return Err(ReadError::TooLarge {
                what: "columns",
                limit: limits::COLUMNS,
            });
        }
        self.cells += 1;
        if self.cells > limits::CELLS {
            return Err(ReadError::TooLarge {
                what: "cells",
                limit: limits::CELLS,
            });
        }
        // Both bounded by the limits just checked.
        let (row, column) = (row as usize, column as usize);
        if self.rows.len() <= row {
            self.rows.resize_with(row + 1, Vec::new);
        }
        let cells = &mut self.rows[row];
        if cells.len() <= column {
            cells.resize(column + 1, String::new());
        }
        cells[column] = text;
        Ok(())
    }
}

fn read_xlsx(bytes: &[u8]) -> Result<Vec<Vec<String>>, ReadError> {
    read_xlsx_sheet(bytes, None)
}

/// The cells of a workbook's sheet of this name as text, row by row (within [`limits`]).
pub fn read_sheet(bytes: &[u8], name: &str) -> Result<Vec<Vec<String>>, ReadError> {
    read_xlsx_sheet(bytes, Some(name))
}

fn read_xlsx_sheet(bytes: &[u8], name: Option<&str>) -> Result<Vec<Vec<String>>, ReadError> {
    use calamine::{DataRef, Reader, Xlsx};
    check_unpacked_size(bytes)?;
    let mut book: Xlsx<_> =
        Xlsx::new(std::io::Cursor::new(bytes)).map_err(|_| ReadError::Unreadable)?;
    let first = match name {
        Some(n) => book
            .sheet_names()
            .into_iter()
            .find(|s| s == n)
            .ok_or(ReadError::Empty)?,
        None => book
            .sheet_names()
            .first()
            .cloned()
            .ok_or(ReadError::Empty)?,
    };
    // Cell by cell rather than as a range: a range is as large as the box around every cell,
    // so one cell at XFD1048576 would ask for seventeen billion.
    let mut cells = book
        .worksheet_cells_reader(&first)
        .map_err(|_| ReadError::Unreadable)?;
    let mut rows = Rows::default();
    while let Some(cell) = cells.next_cell().map_err(|_| ReadError::Unreadable)? {
        let (row, column) = cell.get_position();
        let text = match cell.get_value() {
            DataRef::Empty | DataRef::Error(_) => continue,
            DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
            DataRef::SharedString(s) => (*s).to_owned(),
            DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
            DataRef::Float(f) => f.to_string(),
            DataRef::Int(i) => i.to_string(),
            DataRef::Bool(b) => b.to_string(),
            DataRef::DateTime(d) => excel_date(d.as_f64()),
        };
        rows.put(u64::from(row), u64::from(column), text)?;
    }
    Ok(rows.rows)
}

/// An Excel serial date (days since 1899-12-30) as `YYYY-MM-DD`.
fn excel_date(serial: f64) -> String {
    let days = serial.floor() as i64;
    chrono::NaiveDate::from_ymd_opt(1899, 12, 30)
        .and_then(|base| base.checked_add_signed(chrono::Duration::days(days)))
        .map(|d| d.to_string())
        .unwrap_or_default()
}

/// A small RFC 4180 reader: quoted fields may hold commas, quotes (doubled) and line breaks.
fn parse_csv(text: &str) -> Result<Vec<Vec<String>>, ReadError> {
    let mut rows = Rows::default();
    let (mut row, mut column) = (0u64, 0u64);
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', true) => quoted = false,
            ('"', false) if field.is_empty() => quoted = true,
            (',', false) => {
                rows.put(row, column, std::mem::take(&mut field))?;
                column += 1;
            }
            ('\r', false) => {}
            ('\n', false) => {
                rows.put(row, column, std::mem::take(&mut field))?;
                row += 1;
                column = 0;
            }
            (c, _) => field.push(c),
        }
    }
    if !field.is_empty() || column > 0 {
        rows.put(row, column, field)?;
    }
    Ok(rows.rows)
}

/// An import template: a header row, and list validations on the columns that take one of a
/// few values, so a spreadsheet cannot be filled with what the import will refuse.
pub fn template_xlsx(
    headers: &[String],
    lists: &[(usize, Vec<String>)],
    sheet_lists: &[(usize, Vec<String>)],
) -> Result<Vec<u8>, XlsxError> {
    use rust_xlsxwriter::DataValidation;
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let bold = Format::new()
        .set_bold()
        .set_background_color("DDEBF7")
        .set_border(FormatBorder::Thin);
    for (c, h) in headers.iter().enumerate() {
        sheet.write_with_format(0, col(c), h, &bold)?;
        sheet.set_column_width(col(c), (display_width(h) as f64 + 4.0).clamp(10.0, 40.0))?;
    }
    // A list of more than Excel's 255 characters, and those asked for there (places, which
    // grow), are kept on a hidden sheet of choices and named by its range.
    let mut long_lists = Vec::new();
    let in_sheet = sheet_lists.iter().map(|(c, v)| (c, v, true));
    for (c, values, to_sheet) in lists.iter().map(|(c, v)| (c, v, false)).chain(in_sheet) {
        let validation = if !to_sheet && values.iter().map(|v| v.len() + 1).sum::<usize>() <= 255 {
            DataValidation::new().allow_list_strings(values)?
        } else {
            let choice_col = u16::try_from(long_lists.len()).unwrap_or(u16::MAX);
            long_lists.push(values);
            let letter = rust_xlsxwriter::utility::column_number_to_name(choice_col);
            let last = values.len().max(1);
            DataValidation::new().allow_list_formula(
                format!("=选项!${letter}$1:${letter}${last}")
                    .as_str()
                    .into(),
            )
        };
        sheet.add_data_validation(1, col(*c), 10_000, col(*c), &validation)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    if !long_lists.is_empty() {
        let choices = book.add_worksheet().set_name("选项")?;
        for (c, values) in long_lists.iter().enumerate() {
            for (r, v) in values.iter().enumerate() {
                choices.write(u32::try_from(r).unwrap_or(u32::MAX), col(c), v.as_str())?;
            }
        }
        choices.set_hidden(true);
    }
    book.save_to_buffer()
}

#[cfg(test)]
mod read_tests {
    use super::*;

    #[test]
    fn csv_with_quotes_breaks_and_bom() {
        let rows =
            read_table("\u{feff}名称,备注\r\n\"甲,厂\",\"说\"\"明\"\n乙厂,\"两\n行\"\n".as_bytes())
                .unwrap();
        assert_eq!(
            rows,
            vec![
                vec!["名称", "备注"],
                vec!["甲,厂", "说\"明"],
                vec!["乙厂", "两\n行"]
            ]
        );
    }

    #[test]
    fn gb18030_csv() {
        let (bytes, _, _) = encoding_rs::GB18030.encode("单位名称,地址\n汉阴县甲厂,城关镇\n");
        let rows = read_table(&bytes).unwrap();
        assert_eq!(rows[1], vec!["汉阴县甲厂", "城关镇"]);
    }

    #[test]
    fn a_long_value_list_is_kept_on_a_hidden_sheet() {
        let villages: Vec<String> = (0..150).map(|i| format!("城关镇第{i}村")).collect();
        let short = vec!["A".to_owned(), "B".to_owned()];
        let bytes = template_xlsx(
            &["名称".into(), "村".into(), "等级".into()],
            &[(1, villages.clone()), (2, short)],
            &[],
        )
        .unwrap();
        assert_eq!(read_table(&bytes).unwrap()[0], vec!["名称", "村", "等级"]);
        let choices = read_sheet(&bytes, "选项").unwrap();
        assert_eq!(choices.len(), 150);
        assert_eq!(choices[149][0], "城关镇第149村");
    }

    #[test]
    fn xlsx_round_trip() {
        let bytes = table_xlsx(
            &super::tests::head("标题"),
            &["名称".into(), "人数".into()],
            &[vec!["甲厂".into(), "12".into()]],
        )
        .unwrap();
        let rows = read_table(&bytes).unwrap();
        assert_eq!(rows[2], vec!["名称", "人数"]);
        assert_eq!(rows[3], vec!["甲厂", "12"]);
        assert!(read_table(b"\0\0\0garbage").is_err());
    }
}
