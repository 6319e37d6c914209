//! Photos of a hazard, before and after: the web layer decodes and re-encodes each (dropping
//! its metadata) and makes the thumbnail; here both are stored by content hash and served only
//! to readers who can see the hazard.

use super::find;
use crate::audit::{self, Event, now};
use crate::db::{Conn, Store};
use crate::{Result, StoreError, scope};
use chrono::{DateTime, Utc};
use safegrid_domain::access::Actor;
use safegrid_domain::hazard::lifecycle::Party;
use safegrid_domain::invalid::Violation;
use sea_query::{Expr, ExprTrait, JoinType, Order, Query};
use serde::Serialize;
use serde_json::json;
use sqlx::FromRow;
use std::path::PathBuf;

/// The most photos one hazard keeps.
const MAX_PHOTOS: i64 = 30;

#[derive(Debug, Clone, FromRow, Serialize, utoipa::ToSchema)]
pub struct HazardPhoto {
    pub id: i64,
    /// before or after
    pub stage: String,
    pub width: i32,
    pub height: i32,
    pub size_bytes: i64,
    pub uploaded_at: DateTime<Utc>,
    pub uploaded_by_name: Option<String>,
}

/// A photo ready to keep: re-encoded without metadata, with its thumbnail.
#[derive(Debug, Clone)]
pub struct NewPhoto {
    pub hazard_id: i64,
    pub stage: String,
    pub image: Vec<u8>,
    pub thumbnail: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

pub(crate) async fn of_hazard(conn: &mut Conn<'_>, hazard: i64) -> Result<Vec<HazardPhoto>> {
    conn.all(
        Query::select()
            .columns(
                [
                    "id",
                    "stage",
                    "width",
                    "height",
                    "size_bytes",
                    "uploaded_at",
                ]
                .map(|c| ("p", c)),
            )
            .expr_as(Expr::col(("a", "display_name")), "uploaded_by_name")
            .from_as("hazard_photos", "p")
            .join_as(
                JoinType::LeftJoin,
                "accounts",
                "a",
                Expr::col(("a", "id")).equals(("p", "uploaded_by")),
            )
            .and_where(Expr::col(("p", "hazard_id")).eq(hazard))
            .order_by(("p", "uploaded_at"), Order::Asc)
            .order_by(("p", "id"), Order::Asc),
    )
    .await
}

impl Store {
    /// Keeps a photo of a hazard in scope.
    pub async fn add_hazard_photo(&self, actor: &Actor, new: NewPhoto) -> Result<HazardPhoto> {
        if Party::of(actor.role) == Party::Reader {
            return Err(StoreError::Forbidden);
        }
        if !matches!(new.stage.as_str(), "before" | "after") {
            return Err(Violation::new("stage", "error.choice").into());
        }
        {
            let mut c = self.read().await?;
            let mut conn = c.conn();
            let h = find(&mut conn, actor, new.hazard_id).await?;
            if !h.state.is_open() {
                return Err(StoreError::Refused("hazard.refused.finished"));
            }
            let n = conn
                .scalar(
                    Query::select()
                        .expr(Expr::cust("COUNT(*)"))
                        .from("hazard_photos")
                        .and_where(Expr::col("hazard_id").eq(new.hazard_id)),
                )
                .await?;
            if n >= MAX_PHOTOS {
                return Err(Violation::new("file", "error.too_many")
                    .with("max", MAX_PHOTOS)
                    .into());
            }
        }
        let size = new.image.len() as i64;
        let sha = self.files().put(new.image).await?;
        let thumb = self.files().put(new.thumbnail).await?;
        let mut tx = self.write().await?;
        let mut conn = tx.conn();
        let h = find(&mut conn, actor, new.hazard_id).await?;
        let id = conn
            .insert_id(
                Query::insert()
                    .into_table("hazard_photos")
                    .columns([
                        "hazard_id",
                        "stage",
                        "sha256",
                        "thumb_sha256",
                        "width",
                        "height",
                        "size_bytes",
                        "uploaded_at",
                        "uploaded_by",
                        "county_code",
                    ])
                    .values_panic([
                        new.hazard_id.into(),
                        new.stage.clone().into(),
                        sha.clone().into(),
                        thumb.into(),
                        i64::from(new.width).into(),
                        i64::from(new.height).into(),
                        size.into(),
                        now().into(),
                        actor.account_id.into(),
                        h.county_code.as_str().into(),
                    ])
                    .returning_col("id"),
            )
            .await?;
        audit::record(
            &mut conn,
            actor,
            Event {
                chain: &h.county_code,
                action: "hazard.photo",
                object_type: "hazard",
                object_id: Some(new.hazard_id.to_string()),
                detail: json!({ "photo": id, "stage": new.stage, "sha256": sha }),
                outcome: "ok",
            },
        )
        .await?;
        let photo = of_hazard(&mut conn, new.hazard_id)
            .await?
            .into_iter()
            .find(|p| p.id == id)
            .ok_or(StoreError::NotFound)?;
        tx.commit().await?;
        Ok(photo)
    }

    /// Where a photo (or its thumbnail) of a hazard in scope is stored.
    pub async fn hazard_photo_file(
        &self,
        actor: &Actor,
        id: i64,
        thumbnail: bool,
    ) -> Result<PathBuf> {
        let mut c = self.read().await?;
        let (sha, thumb): (String, String) = c
            .conn()
            .one(
                Query::select()
                    .columns([("p", "sha256"), ("p", "thumb_sha256")])
                    .from_as("hazard_photos", "p")
                    .join_as(
                        JoinType::InnerJoin,
                        "hazards",
                        "h",
                        Expr::col(("h", "id")).equals(("p", "hazard_id")),
                    )
                    .and_where(Expr::col(("p", "id")).eq(id))
                    .cond_where(scope::hazards(&actor.scope)),
            )
            .await?;
        self.files()
            .path(if thumbnail { &thumb } else { &sha })
            .ok_or(StoreError::NotFound)
    }
}
