//! A unit's training records: written with, for a pre-shift briefing, the day's bit in the
//! month's rollup row (`unit_check_months.briefings`), in one transaction.

use super::find_unit;
use super::photos::{self, PhotoOf};
use crate::audit::{Event, now};
use crate::db::Store;
use crate::hazards::PhotoFile;
use crate::{Page, PageRequest, Result, StoreError, insert};
use chrono::{DateTime, NaiveDate, Utc};
use safegrid_domain::access::Actor;
use safegrid_domain::hazard::lifecycle::Party;
use safegrid_domain::policy::{Object, Verb, may};
use safegrid_domain::time::{local_date, today};
use safegrid_domain::unit::check::{CheckedDays, month_key};
use safegrid_domain::unit::training::{NewTraining, TrainingInput, TrainingKind};
use sea_query::{Expr, ExprTrait, OnConflict, Order, Query};
use serde::Serialize;
use serde_json::json;
use sqlx::FromRow;

/// A training's columns, as read into [`Training`].
const COLUMNS: [&str; 10] = [
    "id",
    "unit_id",
    "kind",
    "held_on",
    "topic",
    "hours",
    "attendee_count",
    "attendees",
    "scores",
    "created_at",
];

/// A training as recorded.
#[derive(Debug, Clone, FromRow, Serialize, utoipa::ToSchema)]
pub struct Training {
    pub id: i64,
    pub unit_id: i64,
    /// pre_shift, monthly_exam, publicity or three_post
    pub kind: String,
    pub held_on: NaiveDate,
    pub topic: String,
    pub hours: f64,
    pub attendee_count: i64,
    /// The attendees' names, as a JSON array.
    pub attendees: String,
    /// Exam scores, as a JSON array.
    pub scores: String,
    pub created_at: DateTime<Utc>,
    /// The photo of the signed attendance sheet (`/api/v1/unit-photos/{id}`), if one was taken.
    pub sign_in_sheet_photo: Option<i64>,
}

/// A training as read, with its attendance sheet's photo.
fn listed() -> sea_query::SelectStatement {
    Query::select()
        .columns(COLUMNS.map(|c| ("t", c)))
        .expr_as(
            Expr::cust("(SELECT MIN(p.id) FROM unit_record_photos p WHERE p.training_id = t.id)"),
            "sign_in_sheet_photo",
        )
        .from_as("trainings", "t")
        .to_owned()
}

impl Store {
    /// Records a unit's training: by the unit itself or by those who keep the unit ledger.
    pub async fn add_training(
        &self,
        actor: &Actor,
        unit_id: i64,
        input: TrainingInput,
    ) -> Result<Training> {
        self.add_training_with_sheet(actor, unit_id, input, None)
            .await
    }

    /// Records a training as [`Store::add_training`] does, with the photo of its signed
    /// attendance sheet kept in the same transaction.
    pub async fn add_training_with_sheet(
        &self,
        actor: &Actor,
        unit_id: i64,
        input: TrainingInput,
        sheet: Option<PhotoFile>,
    ) -> Result<Training> {
        let sheet = self.keep_record_photos(vec![sheet]).await?;
        let mut tx = self.write().await?;
        let mut conn = tx.conn();
        let unit = find_unit(&mut conn, actor, unit_id).await?;
        if Party::of(actor.role) != Party::Unit && !may(actor, Verb::Write, Object::Unit) {
            return Err(StoreError::Forbidden);
        }
        let (created,): (DateTime<Utc>,) = conn
            .one(
                Query::select()
                    .column("created_at")
                    .from("units")
                    .and_where(Expr::col("id").eq(unit.id)),
            )
            .await?;
        let new = NewTraining::parse(&input, today(), local_date(created))?;
        let attendees = serde_json::to_string(&new.attendees).map_err(std::io::Error::other)?;
        let scores = serde_json::to_string(&new.scores).map_err(std::io::Error::other)?;
        let id = conn
            .insert_id(
                insert::row(
                    "trainings",
                    [
                        ("county_code", unit.county_code.clone().into()),
                        ("unit_id", unit.id.into()),
                        ("kind", new.kind.as_str().into()),
                        ("held_on", new.held_on.into()),
                        ("topic", new.topic.clone().into()),
                        ("hours", new.hours.into()),
                        ("attendee_count", new.attendee_count.into()),
                        ("attendees", attendees.into()),
                        ("scores", scores.into()),
                        ("recorded_by", actor.account_id.into()),
                        ("created_at", now().into()),
                    ],
                )
                .returning_col("id"),
            )
            .await?;
        if new.kind == TrainingKind::PreShift {
            conn.insert(
                insert::row(
                    "unit_check_months",
                    [
                        ("unit_id", unit.id.into()),
                        ("month", month_key(new.held_on).into()),
                        ("county_code", unit.county_code.clone().into()),
                        ("days", 0i64.into()),
                        ("briefings", CheckedDays::bit(new.held_on).into()),
                    ],
                )
                .on_conflict(
                    OnConflict::columns(["unit_id", "month"])
                        .value(
                            "briefings",
                            Expr::cust("unit_check_months.briefings | excluded.briefings"),
                        )
                        .to_owned(),
                ),
            )
            .await?;
        }
        for kept in sheet.iter().flatten() {
            let place = (unit.county_code.as_str(), unit.id);
            photos::insert(
                &mut conn,
                actor.account_id,
                place,
                PhotoOf::Training(id),
                kept,
            )
            .await?;
        }
        let made: Training = conn
            .one(listed().and_where(Expr::col(("t", "id")).eq(id)))
            .await?;
        tx.commit_audited(
            actor,
            Event {
                chain: &unit.county_code,
                action: "training.add",
                object_type: "unit",
                object_id: Some(unit.id.to_string()),
                detail: json!({ "training": id, "kind": new.kind.as_str(), "held_on": new.held_on, "attendees": new.attendee_count }),
                outcome: "ok",
            },
        )
        .await?;
        self.duties_changed();
        Ok(made)
    }

    /// A unit's trainings in scope, newest first.
    pub async fn trainings(
        &self,
        actor: &Actor,
        unit_id: i64,
        page: PageRequest,
    ) -> Result<Page<Training>> {
        let mut c = self.read().await?;
        let mut conn = c.conn();
        let unit = find_unit(&mut conn, actor, unit_id).await?;
        let q = listed()
            .and_where(Expr::col(("t", "unit_id")).eq(unit.id))
            .order_by(("t", "held_on"), Order::Desc)
            .order_by(("t", "id"), Order::Desc)
            .to_owned();
        conn.page(&q, page).await
    }
}
