//! What the units' own duties rest on (checks, briefings, training, certificates): the monthly
//! rollup rows, the trainings of the window's years with the current certificate holders, and
//! the certificates falling due — each one read for the units in scope.

use crate::Result;
use crate::db::Conn;
use chrono::NaiveDate;
use safegrid_domain::duty::certificate::CertificateFacts;
use safegrid_domain::duty::own_check::{CheckMonth, CheckMonths};
use safegrid_domain::duty::training::TrainingMark;
use safegrid_domain::duty::{Cadence, Period};
use safegrid_domain::unit::check::CheckedDays;
use safegrid_domain::unit::training::TrainingKind;
use sea_query::{Cond, Expr, ExprTrait, JoinType, Query};
use std::collections::HashMap;

/// The rollup of the units' own checks for the months of the window.
pub(super) async fn check_months(
    conn: &mut Conn<'_>,
    units_in: &Cond,
    window: Period,
) -> Result<CheckMonths> {
    let months: Vec<String> = window
        .periods_of(Cadence::Monthly)
        .into_iter()
        .map(Period::code)
        .collect();
    let rows: Vec<(i64, String, i64, Option<i64>, i64)> = conn
        .all(
            Query::select()
                .columns(["unit_id", "month", "days", "patrol_id", "briefings"].map(|c| ("m", c)))
                .from_as("unit_check_months", "m")
                .join_as(
                    JoinType::InnerJoin,
                    "units",
                    "u",
                    Expr::col(("u", "id")).equals(("m", "unit_id")),
                )
                .cond_where(units_in.clone())
                .and_where(Expr::col(("m", "month")).is_in(months)),
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|(unit, month, days, patrol, briefings)| {
            (
                (unit, month),
                CheckMonth {
                    days: CheckedDays(days),
                    patrol,
                    briefings: CheckedDays(briefings),
                },
            )
        })
        .collect())
}

/// The trainings of the units in scope held in the window's years (a three-post training
/// counts for its whole year), and each unit's current certificate holders.
pub(super) async fn trainings_held(
    conn: &mut Conn<'_>,
    units_in: &Cond,
    window: Period,
) -> Result<(Vec<TrainingMark>, HashMap<i64, Vec<String>>)> {
    let from = Period::of(Cadence::Yearly, window.first_day()).first_day();
    let to = Period::of(Cadence::Yearly, window.last_day()).last_day();
    let rows: Vec<(i64, i64, String, NaiveDate, String)> = conn
        .all(
            Query::select()
                .columns(["id", "unit_id", "kind", "held_on", "attendees"].map(|c| ("t", c)))
                .from_as("trainings", "t")
                .join_as(
                    JoinType::InnerJoin,
                    "units",
                    "u",
                    Expr::col(("u", "id")).equals(("t", "unit_id")),
                )
                .cond_where(units_in.clone())
                .and_where(Expr::col(("t", "kind")).ne(TrainingKind::PreShift.as_str()))
                .and_where(Expr::col(("t", "held_on")).gte(from))
                .and_where(Expr::col(("t", "held_on")).lte(to)),
        )
        .await?;
    let marks = rows
        .into_iter()
        .filter_map(|(id, unit_id, kind, held_on, attendees)| {
            Some(TrainingMark {
                id,
                unit_id,
                kind: TrainingKind::parse("kind", &kind).ok()?,
                held_on,
                attendees: serde_json::from_str(&attendees).unwrap_or_default(),
            })
        })
        .collect();
    let holders: Vec<(i64, String)> = conn
        .all(
            certificates_in(units_in)
                .distinct()
                .columns([("c", "unit_id"), ("c", "holder")])
                .and_where(Expr::col(("c", "renewed_by")).is_null()),
        )
        .await?;
    let mut by_unit: HashMap<i64, Vec<String>> = HashMap::new();
    for (unit, holder) in holders {
        by_unit.entry(unit).or_default().push(holder);
    }
    Ok((marks, by_unit))
}

/// The certificates (`c`) of the units (`u`) in scope.
fn certificates_in(units_in: &Cond) -> sea_query::SelectStatement {
    Query::select()
        .from_as("certificates", "c")
        .join_as(
            JoinType::InnerJoin,
            "units",
            "u",
            Expr::col(("u", "id")).equals(("c", "unit_id")),
        )
        .cond_where(units_in.clone())
        .to_owned()
}

/// The certificates of the units in scope falling due in the window.
pub(super) async fn certificates_due(
    conn: &mut Conn<'_>,
    units_in: &Cond,
    window: Period,
) -> Result<Vec<CertificateFacts>> {
    let rows: Vec<(i64, i64, NaiveDate, Option<i64>)> = conn
        .all(
            certificates_in(units_in)
                .columns(["id", "unit_id", "review_due", "renewed_by"].map(|c| ("c", c)))
                .and_where(Expr::col(("c", "review_due")).gte(window.first_day()))
                .and_where(Expr::col(("c", "review_due")).lte(window.last_day())),
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, unit_id, review_due, renewed_by)| CertificateFacts {
            id,
            unit_id,
            review_due,
            renewed_by,
        })
        .collect())
}
