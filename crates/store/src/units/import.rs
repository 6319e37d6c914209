//! Importing units from a spreadsheet's rows: every row checked as a form would be, then all,
//! the good or none written in one transaction.

use super::UnitInput;
use super::write::insert_units;
use crate::audit::Event;
use crate::db::Store;
use crate::{Result, StoreError, scope};
use safegrid_domain::access::{Actor, Scope};
use safegrid_domain::invalid::Violation;
use safegrid_domain::policy::{Object, Verb, may};
use safegrid_domain::region::RegionLevel;
use safegrid_domain::unit::census::{self, Village};
use safegrid_domain::unit::input::NewUnit;
use sea_query::{Expr, ExprTrait, Query};
use serde::Serialize;
use serde_json::json;

/// How an import treats rows with errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportMode {
    /// Check every row, change nothing.
    DryRun,
    /// Import only if every row is good (the default).
    AllOrNothing,
    /// Import the good rows, report the bad.
    ValidRows,
}

impl ImportMode {
    pub fn parse(field: &str, raw: Option<&str>) -> Result<Self, Violation> {
        match raw.map_or("all_or_nothing", str::trim) {
            "dry_run" => Ok(Self::DryRun),
            "all_or_nothing" | "" => Ok(Self::AllOrNothing),
            "valid_rows" => Ok(Self::ValidRows),
            _ => Err(Violation::new(field, "error.import_mode")),
        }
    }
}

/// One refused row: its number in the spreadsheet and what is wrong with it.
#[derive(Debug, Clone, Serialize)]
pub struct RowError {
    pub row: u32,
    pub violation: Violation,
}

#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub total_rows: u32,
    pub imported: u32,
    pub errors: Vec<RowError>,
}

/// A row of an import: its number in the spreadsheet, the unit, and the names of its
/// supervising departments as written in the file.
#[derive(Debug, Clone)]
pub struct ImportRow {
    pub row: u32,
    pub unit: UnitInput,
    pub departments: Vec<String>,
    /// What the file's reader already refused in this row (a sector or status it could not
    /// read): reported with the row's other errors, and the row is never imported.
    pub reader_errors: Vec<Violation>,
}

impl Store {
    /// Imports units from spreadsheet rows: every row is checked as a form would be, against
    /// the account's scope, the file's other rows and the census; then, by the mode, all rows,
    /// the good rows or none are added in one transaction. A row is never half imported.
    pub async fn import_units(
        &self,
        actor: &Actor,
        rows: Vec<ImportRow>,
        mode: ImportMode,
    ) -> Result<ImportReport> {
        if !may(actor, Verb::Write, Object::Unit) || actor.scope == Scope::All {
            return Err(StoreError::Forbidden);
        }
        let county = actor.scope.county().ok_or(StoreError::Forbidden)?;
        let total_rows = u32::try_from(rows.len()).unwrap_or(u32::MAX);
        let mut c = self.read().await?;
        let mut conn = c.conn();
        // What the rows are checked against, read once.
        let region_scope = match &actor.scope {
            Scope::Department { county, .. } => Scope::Region {
                root: county.clone(),
            },
            other => other.clone(),
        };
        let villages = villages_in(&mut conn, &region_scope).await?;
        let departments: Vec<(i64, String, String)> = conn
            .all(
                Query::select()
                    .columns(["id", "name", "short_name"])
                    .from("departments")
                    .and_where(Expr::col("county_code").eq(county.as_str())),
            )
            .await?;
        let sectors: std::collections::HashSet<String> = conn
            .all::<(String,)>(Query::select().column("code").from("sectors"))
            .await?
            .into_iter()
            .map(|r| r.0)
            .collect();
        let known: std::collections::HashSet<(String, String)> = conn
            .all::<(String, Option<String>)>(
                Query::select()
                    .columns(["name", "address"])
                    .from("units")
                    .and_where(Expr::col("county_code").eq(county.as_str())),
            )
            .await?
            .into_iter()
            .filter_map(|(n, a)| a.map(|a| (n, a)))
            .collect();

        let mut errors: Vec<RowError> = Vec::new();
        let mut good: Vec<(NewUnit, Vec<i64>)> = Vec::new();
        let mut seen_uscc = std::collections::HashSet::new();
        let mut seen_place = std::collections::HashSet::new();
        let mut codes: Vec<String> = Vec::new();
        let mut good_rows: Vec<u32> = Vec::new();
        for mut row in rows {
            // Every error of a row is reported at once: the reader's, the fields', and the
            // checks against the county, whichever of them fail.
            let mut ok = row.reader_errors.is_empty();
            // A village may be written by name (新星村, 城关镇新星村) as well as by its code.
            let mut village_refused = None;
            if let Some(written) = row.unit.region.clone().filter(|r| !r.trim().is_empty()) {
                match census::find_village(&written, &villages) {
                    Ok(v) => row.unit.region = Some(v.code.clone()),
                    Err(miss) => {
                        row.unit.region = None;
                        village_refused = Some(match miss {
                            census::VillageMiss::Unknown => {
                                Violation::new("region", "error.village_unknown")
                                    .with("name", written)
                            }
                            census::VillageMiss::Ambiguous => {
                                Violation::new("region", "error.village_ambiguous")
                                    .with("name", written)
                            }
                        });
                    }
                }
            }
            let mut bad = |v: Violation| {
                errors.push(RowError {
                    row: row.row,
                    violation: v,
                });
            };
            row.reader_errors.iter().cloned().for_each(&mut bad);
            if let Some(v) = village_refused.clone() {
                bad(v);
                ok = false;
            }
            let mut supervising = Vec::new();
            for name in row
                .departments
                .iter()
                .map(|n| n.trim())
                .filter(|n| !n.is_empty())
            {
                match departments
                    .iter()
                    .find(|d| census::is_department(name, &d.1, &d.2))
                {
                    Some(d) if !supervising.contains(&d.0) => supervising.push(d.0),
                    Some(_) => {}
                    None => {
                        bad(
                            Violation::new("supervising_departments", "error.department_unknown")
                                .with("id", name),
                        );
                        ok = false;
                    }
                }
            }
            let checked = match NewUnit::parse(&row.unit) {
                Ok(c) => c,
                Err(invalid) => {
                    invalid.0.into_iter().for_each(&mut bad);
                    continue;
                }
            };
            match &checked.region {
                _ if village_refused.is_some() => {}
                Some(code) if !villages.iter().any(|v| &v.code == code) => {
                    bad(Violation::new("region", "error.region_unknown"));
                    ok = false;
                }
                None if !matches!(&actor.scope, Scope::Region { root } if root.level() <= RegionLevel::County) =>
                {
                    bad(Violation::new("region", "error.required"));
                    ok = false;
                }
                _ => {}
            }
            for id in &checked.supervising {
                if !supervising.contains(id) {
                    supervising.push(*id);
                }
            }
            if let Scope::Department { department_id, .. } = actor.scope
                && !supervising.contains(&department_id)
            {
                supervising.push(department_id);
            }
            if let Some(s) = &checked.sector
                && !sectors.contains(s)
            {
                bad(Violation::new("sector", "error.sector_unknown").with("code", s));
                ok = false;
            }
            if let Some(u) = &checked.uscc
                && !seen_uscc.insert(u.clone())
            {
                bad(Violation::new("uscc", "error.uscc.repeated"));
                ok = false;
            }
            if let Some(a) = &checked.address {
                let key = (checked.name.clone(), a.clone());
                if known.contains(&key) || !seen_place.insert(key) {
                    bad(Violation::new("name", "error.unit_duplicate"));
                    ok = false;
                }
            }
            if ok {
                if let Some(u) = &checked.uscc {
                    codes.push(u.clone());
                }
                good_rows.push(row.row);
                good.push((checked, supervising));
            }
        }
        // Codes already in the census, asked in chunks.
        let mut taken = std::collections::HashSet::new();
        for chunk in codes.chunks(500) {
            let rows: Vec<(String,)> = conn
                .all(
                    Query::select()
                        .column("uscc")
                        .from("units")
                        .and_where(Expr::col("uscc").is_in(chunk.iter().cloned())),
                )
                .await?;
            taken.extend(rows.into_iter().map(|r| r.0));
        }
        drop(c);
        let mut keep = Vec::new();
        for ((checked, supervising), row) in good.into_iter().zip(good_rows) {
            if checked.uscc.as_ref().is_some_and(|u| taken.contains(u)) {
                errors.push(RowError {
                    row,
                    violation: Violation::new("uscc", "error.uscc.taken"),
                });
            } else {
                keep.push((checked, supervising));
            }
        }
        errors.sort_by_key(|e| e.row);
        let write = match mode {
            ImportMode::DryRun => false,
            ImportMode::AllOrNothing => errors.is_empty(),
            ImportMode::ValidRows => true,
        };
        let mut imported = 0u32;
        if write && !keep.is_empty() {
            let mut tx = self.write().await?;
            let mut conn = tx.conn();
            imported = insert_units(&mut conn, actor, county.as_str(), &keep).await?;
            tx.commit_audited(
                actor,
                Event {
                    chain: county.as_str(),
                    action: "unit.import",
                    object_type: "unit",
                    object_id: None,
                    detail: json!({ "rows": total_rows, "imported": imported, "refused": errors.len() }),
                    outcome: "ok",
                },
            ).await?;
            self.duties_changed();
            if imported >= 1_000 {
                self.analyze().await?;
            }
        }
        Ok(ImportReport {
            total_rows,
            imported,
            errors,
        })
    }
}

/// The villages of a scope with their towns' names, as a census file may name them.
async fn villages_in(conn: &mut crate::db::Conn<'_>, scope: &Scope) -> Result<Vec<Village>> {
    let rows: Vec<(String, String, String)> = conn
        .all(
            Query::select()
                .column(("r", "code"))
                .column(("r", "name"))
                .column(("t", "name"))
                .from_as("regions", "r")
                .join_as(
                    sea_query::JoinType::InnerJoin,
                    "regions",
                    "t",
                    Expr::col(("t", "code")).equals(("r", "parent_code")),
                )
                .and_where(Expr::col(("r", "level")).eq(RegionLevel::Village.number()))
                .cond_where(scope::region_column(scope, ("r", "code")))
                .order_by(("r", "code"), sea_query::Order::Asc),
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|(code, name, town)| Village { code, name, town })
        .collect())
}

impl Store {
    /// The villages a census file of this account may name, as `城关镇新星村`: the template's
    /// value list.
    pub async fn import_villages(&self, actor: &Actor) -> Result<Vec<String>> {
        if !may(actor, Verb::Write, Object::Unit) {
            return Err(StoreError::Forbidden);
        }
        let scope = match &actor.scope {
            Scope::Department { county, .. } => Scope::Region {
                root: county.clone(),
            },
            other => other.clone(),
        };
        let mut c = self.read().await?;
        Ok(villages_in(&mut c.conn(), &scope)
            .await?
            .into_iter()
            .map(|v| format!("{}{}", v.town, v.name))
            .collect())
    }
}
