//! The unit census in (摸底统计): a downloadable template, and reading a filled one — messy as
//! real spreadsheets are — into rows the store checks and imports.

use crate::http::i18n::{Locale, Tr};
use crate::ops::export::UNIT_COLUMNS;
use safegrid_domain::Violation;
use safegrid_store::{ImportRow, Sector, UnitInput};

/// The template's columns: the export's, and the supervising departments by name.
pub fn template_columns() -> Vec<(&'static str, &'static str)> {
    let mut cols: Vec<(&str, &str)> = UNIT_COLUMNS
        .iter()
        .copied()
        .filter(|(f, _)| *f != "region_name")
        // The template asks for the village, by name or code.
        .map(|(f, key)| match f {
            "region" => (f, "units.village_column"),
            _ => (f, key),
        })
        .collect();
    cols.push((
        "supervising_departments",
        "field.supervising_department_ids",
    ));
    cols
}

/// Full-width to half-width, no spaces, no required-field stars, lower case: how a header or a
/// coded value is compared.
fn fold(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '*' | '＊' | '\u{3000}'))
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// A cell's text, trimmed, with full-width spaces gone.
fn clean(s: &str) -> String {
    s.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}')
        .to_owned()
}

/// Which field each column holds, from the header row: the Chinese or English label, or the
/// field's own name.
fn header_fields(row: &[String]) -> Vec<Option<&'static str>> {
    let zh = Tr::new(Locale::ZhCn);
    let en = Tr::new(Locale::En);
    let columns = template_columns();
    row.iter()
        .map(|cell| {
            let f = fold(cell);
            if f.is_empty() {
                return None;
            }
            columns
                .iter()
                .find(|(field, key)| {
                    f == fold(field) || f == fold(zh.t(key)) || f == fold(en.t(key))
                })
                .map(|(field, _)| *field)
                .or_else(|| {
                    let village_headers = [
                        zh.t("units.village_code"),
                        en.t("units.village_code"),
                        "所在村",
                        "所属村（社区）",
                        "村（社区）",
                    ];
                    if f == fold("单位名称") || f == fold("企业名称") {
                        Some("name")
                    } else if village_headers.iter().any(|h| f == fold(h)) {
                        Some("region")
                    } else {
                        None
                    }
                })
        })
        .collect()
}

/// A value given as one of a set of codes or their labels in either language.
fn coded(
    field: &str,
    value: &str,
    codes: &[&str],
    prefix: &str,
    key: &'static str,
) -> Result<String, Violation> {
    let f = fold(value);
    let zh = Tr::new(Locale::ZhCn);
    let en = Tr::new(Locale::En);
    codes
        .iter()
        .find(|c| {
            f == fold(c) || f == fold(&zh.label(prefix, c)) || f == fold(&en.label(prefix, c))
        })
        .map(|c| (*c).to_owned())
        .ok_or_else(|| Violation::new(field, key))
}

/// Reads a table into import rows. The header row is the first of the top rows that names
/// the unit's name column, so a merged title row above it is skipped; empty rows are skipped;
/// values are normalised where that is unambiguous, and what cannot be read goes with the row
/// (`reader_errors`) to be reported beside the store's checks.
pub fn rows(table: &[Vec<String>], sectors: &[Sector]) -> Result<Vec<ImportRow>, Violation> {
    let (header_at, fields) = table
        .iter()
        .take(10)
        .enumerate()
        .map(|(i, row)| (i, header_fields(row)))
        .find(|(_, f)| f.contains(&Some("name")))
        .ok_or_else(|| Violation::new("file", "error.import_no_header"))?;
    let mut out = Vec::new();
    for (i, row) in table.iter().enumerate().skip(header_at + 1) {
        let number = u32::try_from(i + 1).unwrap_or(u32::MAX);
        // Empty rows, and the 合计 row a county's spreadsheet closes with, are not units.
        if row.iter().all(|c| clean(c).is_empty())
            || safegrid_domain::unit::census::is_total_row(row)
        {
            continue;
        }
        let mut unit = UnitInput::default();
        let mut departments = Vec::new();
        let mut reader_errors = Vec::new();
        let mut bad = |v: Violation| reader_errors.push(v);
        for (cell, field) in row.iter().zip(&fields) {
            let Some(field) = field else { continue };
            let value = clean(cell);
            if value.is_empty() {
                continue;
            }
            match *field {
                "name" => unit.name = Some(value),
                "uscc" => unit.uscc = Some(value),
                "no_uscc_reason" => unit.no_uscc_reason = Some(value),
                "legal_rep" => unit.legal_rep = Some(value),
                "principal" => unit.principal = Some(value),
                "safety_manager" => unit.safety_manager = Some(value),
                "phone" => unit.phone = Some(fold(&value)),
                "address" => unit.address = Some(value),
                // A code, or a village's name (with or without its town): the store finds it.
                "region" => unit.region = Some(fold(&value)),
                "industry" => unit.industry = Some(fold(&value)),
                "sector" => {
                    let f = fold(&value);
                    match sectors.iter().find(|s| {
                        f == fold(&s.code) || f == fold(&s.name_zh) || f == fold(&s.name_en)
                    }) {
                        Some(s) => unit.sector = Some(s.code.clone()),
                        None => {
                            bad(Violation::new("sector", "error.sector_unknown")
                                .with("code", value));
                        }
                    }
                }
                "employees" => match fold(&value).parse::<f64>() {
                    Ok(n) if n.fract() == 0.0 => unit.employees = Some(n as i64),
                    _ => bad(Violation::new("employees", "error.number")),
                },
                "standardisation" => match coded(
                    "standardisation",
                    &value,
                    &safegrid_domain::unit::record::STANDARDISATION,
                    "standardisation",
                    "error.standardisation",
                ) {
                    Ok(v) => unit.standardisation = Some(v),
                    Err(v) => bad(v),
                },
                "status" => match coded(
                    "status",
                    &value,
                    &["operating", "suspended", "closed", "moved"],
                    "unit_status",
                    "error.unit_status",
                ) {
                    Ok(v) => unit.status = Some(v),
                    Err(v) => bad(v),
                },
                "supervision_grade" => {
                    unit.supervision_grade = fold(&value)
                        .chars()
                        .next()
                        .map(|c| c.to_ascii_uppercase().to_string());
                }
                "is_key" => match fold(&value).as_str() {
                    "是" | "y" | "yes" | "true" | "1" | "重点" => unit.is_key = Some(true),
                    "否" | "n" | "no" | "false" | "0" => unit.is_key = Some(false),
                    _ => bad(Violation::new("is_key", "error.yes_no")),
                },
                "key_reason" => unit.key_reason = Some(value),
                "supervising_departments" => departments.extend(
                    value
                        .split(['、', ',', '，', ';', '；', '/'])
                        .map(clean)
                        .filter(|s| !s.is_empty()),
                ),
                _ => {}
            }
        }
        // A grade in the file is the county's own judgement; the file is its reason.
        if unit.supervision_grade.is_some() {
            unit.grade_reason = Some(Tr::new(Locale::ZhCn).t("units.imported_grade").to_owned());
        }
        out.push(ImportRow {
            row: number,
            unit,
            departments,
            reader_errors,
        });
    }
    Ok(out)
}

/// Imports under way and the last import's whole error list, per account: one import at a
/// time per account, and every error of a large file downloadable after the answer has shown
/// the first ones.
#[derive(Default)]
pub struct ImportDesk {
    running: std::sync::Mutex<std::collections::HashSet<i64>>,
    reports: std::sync::Mutex<std::collections::VecDeque<(i64, Vec<crate::units::ImportRowError>)>>,
}

/// Accounts whose last error list is kept; the oldest goes first.
const REPORTS_KEPT: usize = 50;

/// Rows whose errors an import's answer lists; the rest are counted and downloadable.
pub const ERROR_ROWS_SHOWN: usize = 1_000;

/// An account's import under way: the account may start another once this is dropped.
pub struct ImportTicket {
    desk: std::sync::Arc<ImportDesk>,
    account: i64,
}

impl Drop for ImportTicket {
    fn drop(&mut self) {
        self.desk
            .running
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(&self.account);
    }
}

impl ImportDesk {
    /// Starts an import for `account`, unless one of its imports is still running.
    pub fn start(desk: &std::sync::Arc<Self>, account: i64) -> Option<ImportTicket> {
        let fresh = desk
            .running
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(account);
        fresh.then(|| ImportTicket {
            desk: desk.clone(),
            account,
        })
    }

    /// A place among the imports read at once on this server (two: one per core), waited for
    /// a while; each takes up to about 150 MB while its file is read, so this bounds them all.
    pub async fn slot()
    -> Result<tokio::sync::SemaphorePermit<'static>, crate::http::error::WebError> {
        static SLOTS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);
        tokio::time::timeout(std::time::Duration::from_secs(30), SLOTS.acquire())
            .await
            .map_err(|_| crate::http::error::WebError::Busy {
                retry_after_secs: 30,
            })?
            .map_err(|_| crate::http::error::WebError::Internal)
    }

    /// Keeps an account's whole error list, replacing its last one.
    pub fn keep(&self, account: i64, errors: Vec<crate::units::ImportRowError>) {
        let mut reports = self
            .reports
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        reports.retain(|(a, _)| *a != account);
        if reports.len() >= REPORTS_KEPT {
            reports.pop_front();
        }
        reports.push_back((account, errors));
    }

    /// The account's last error list, as rows of a table.
    pub fn report(&self, account: i64) -> Option<Vec<Vec<String>>> {
        let reports = self
            .reports
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        reports.iter().find(|(a, _)| *a == account).map(|(_, e)| {
            e.iter()
                .map(|e| vec![e.row.to_string(), e.field.clone(), e.message.clone()])
                .collect()
        })
    }
}

#[cfg(test)]
mod desk_tests {
    use super::*;

    #[test]
    fn one_import_per_account_at_a_time() {
        let desk = std::sync::Arc::new(ImportDesk::default());
        let first = ImportDesk::start(&desk, 7).expect("the first starts");
        assert!(ImportDesk::start(&desk, 7).is_none(), "not a second");
        let other = ImportDesk::start(&desk, 8);
        assert!(other.is_some(), "another account is not held up");
        drop(first);
        assert!(
            ImportDesk::start(&desk, 7).is_some(),
            "again once the first is done"
        );
    }

    #[test]
    fn error_lists_are_kept_per_account_and_bounded() {
        let desk = ImportDesk::default();
        let error = |row| crate::units::ImportRowError {
            row,
            field: "uscc".into(),
            message: "x".into(),
        };
        desk.keep(1, vec![error(2), error(3)]);
        desk.keep(1, vec![error(4)]);
        assert_eq!(
            desk.report(1).map(|r| r.len()),
            Some(1),
            "the last list only"
        );
        for account in 2..=(REPORTS_KEPT as i64 + 1) {
            desk.keep(account, vec![error(2)]);
        }
        assert!(desk.report(1).is_none(), "the oldest list went first");
        assert!(desk.report(REPORTS_KEPT as i64 + 1).is_some());
    }
}
