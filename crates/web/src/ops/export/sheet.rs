//! A ledger as the county files it on paper: the form's title over the table, the line of
//! particulars (填报单位（盖章）, 制表人, 制表日期), the sheet named after the form, and page
//! N of M on every printed page. The workbook and the print view (`?print=1`) carry the same
//! heading, built here once per export.

use crate::http::i18n::Tr;
use askama::Template;
use chrono::NaiveDate;
use safegrid_domain::access::{Actor, Scope};
use safegrid_office::Letterhead;
use safegrid_store::Store;

/// Rows a print view holds at most: a paper ledger longer than this is an Excel file.
pub const PRINT_ROWS: usize = 2_000;

/// The name of the reader's part of the county: the county's, town's or village's, the
/// department's, the unit's — the party that files (and stamps) what the reader prints.
pub(crate) async fn scope_name(store: &Store, actor: &Actor) -> String {
    match &actor.scope {
        Scope::Region { root } => store
            .region(actor, root.as_str())
            .await
            .map(|r| r.name)
            .unwrap_or_default(),
        Scope::Department { department_id, .. } => store
            .department(actor, *department_id)
            .await
            .map(|d| d.name)
            .unwrap_or_default(),
        Scope::Unit { unit_id, .. } => store
            .unit(actor, *unit_id)
            .await
            .map(|u| u.unit.name)
            .unwrap_or_default(),
        _ => String::new(),
    }
}

/// A ledger's heading: what it is, who files it, who made it and when.
pub struct Heading {
    pub t: Tr,
    /// The file's ASCII stem, for browsers that cannot take a Chinese file name.
    pub stem: &'static str,
    /// The form's name (隐患排查治理台账), without the filing party.
    pub name: String,
    pub filed_by: String,
    pub made_by: String,
    pub made_on: NaiveDate,
    /// Columns left off the print view (long texts a page cannot hold, e.g. a whole timeline);
    /// the workbook keeps them.
    pub not_printed: Vec<usize>,
}

impl Heading {
    /// The heading of a ledger the reader is exporting now.
    pub async fn of(
        store: &Store,
        actor: &Actor,
        t: Tr,
        stem: &'static str,
        name: &str,
    ) -> Heading {
        let made_by = match store.account_by_username(&actor.username).await {
            Ok(Some(account)) => account.display_name,
            _ => actor.username.clone(),
        };
        Heading {
            t,
            stem,
            name: name.to_owned(),
            filed_by: scope_name(store, actor).await,
            made_by,
            made_on: safegrid_domain::time::today(),
            not_printed: Vec::new(),
        }
    }

    /// Leaves these columns off the print view.
    pub fn not_printing(mut self, columns: &[usize]) -> Heading {
        self.not_printed = columns.to_vec();
        self
    }

    /// The title over the table: the filing party's name before the form's.
    pub fn title(&self) -> String {
        if self.filed_by.is_empty() {
            self.name.clone()
        } else {
            self.t.f(
                "print.title",
                &[
                    ("party", self.filed_by.clone()),
                    ("name", self.name.clone()),
                ],
            )
        }
    }

    /// 填报单位（盖章）：…　制表人：…　制表日期：…
    pub fn particulars(&self) -> Vec<(String, String)> {
        vec![
            (self.t.t("print.filed_by").to_owned(), self.filed_by.clone()),
            (self.t.t("print.made_by").to_owned(), self.made_by.clone()),
            (
                self.t.t("print.made_on").to_owned(),
                self.made_on.to_string(),
            ),
        ]
    }

    pub fn letterhead(&self) -> Letterhead {
        let colon = self.t.t("punct.colon");
        let line: Vec<String> = self
            .particulars()
            .into_iter()
            .map(|(label, value)| format!("{label}{colon}{value}"))
            .collect();
        Letterhead {
            title: self.title(),
            particulars: line.join("　　"),
            sheet_name: self.name.clone(),
            footer: self.t.t("print.footer_xlsx").to_owned(),
        }
    }

    pub(super) fn file_name(&self) -> (&str, &str) {
        (self.stem, &self.name)
    }

    /// The print view of these rows (at most [`PRINT_ROWS`]; `more` when there were more).
    pub(super) fn print_view(
        &self,
        headers: &[String],
        rows: &[Vec<String>],
        more: bool,
    ) -> Result<axum::response::Response, crate::http::error::WebError> {
        let keep = |i: &usize| !self.not_printed.contains(i);
        let pick = |cells: &[String]| -> Vec<String> {
            cells
                .iter()
                .enumerate()
                .filter(|(i, _)| keep(i))
                .map(|(_, c)| c.clone())
                .collect()
        };
        let rows: Vec<Vec<String>> = rows.iter().take(PRINT_ROWS).map(|r| pick(r)).collect();
        crate::pages::render(&PrintView {
            t: self.t,
            title: self.title(),
            particulars: self.particulars(),
            headers: pick(headers),
            more,
            count: rows.len(),
            rows,
        })
    }
}

#[derive(Template)]
#[template(path = "ledger_print.html")]
struct PrintView {
    t: Tr,
    title: String,
    particulars: Vec<(String, String)>,
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
    count: usize,
    more: bool,
}
