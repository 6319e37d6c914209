//! Photos of a hazard, before and after: the web layer decodes and re-encodes each (dropping
//! its metadata) and makes the thumbnail; here both are stored by content hash and served only
//! to readers who can see the hazard.

use super::find;
use crate::audit::{Event, now};
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
pub(crate) const MAX_PHOTOS: usize = 30;

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
pub struct PhotoFile {
    pub image: Vec<u8>,
    pub thumbnail: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// A photo to add to a hazard already reported, before or after its rectification.
#[derive(Debug, Clone)]
pub struct NewPhoto {
    pub hazard_id: i64,
    pub stage: String,
    pub file: PhotoFile,
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

/// A photo's files, kept by content hash before the rows that name them are written (a file
/// whose row then fails to commit is an orphan the store can drop, never a row without a file).
#[derive(Clone)]
pub(crate) struct KeptFiles {
    pub(crate) sha256: String,
    pub(crate) thumb_sha256: String,
    pub(crate) size_bytes: i64,
}

/// The row of a photo of `hazard`, inside the caller's transaction: answers its id and the
/// audit record that goes with it, for the caller to write.
pub(crate) async fn insert<'h>(
    conn: &mut Conn<'_>,
    actor: &Actor,
    hazard: &'h super::Hazard,
    stage: &str,
    kept: &KeptFiles,
    (width, height): (u32, u32),
) -> Result<(i64, Event<'h>)> {
    let id = conn
        .insert_id(
            crate::insert::row(
                "hazard_photos",
                [
                    ("hazard_id", hazard.id.into()),
                    ("stage", stage.into()),
                    ("sha256", kept.sha256.as_str().into()),
                    ("thumb_sha256", kept.thumb_sha256.as_str().into()),
                    ("width", i64::from(width).into()),
                    ("height", i64::from(height).into()),
                    ("size_bytes", kept.size_bytes.into()),
                    ("uploaded_at", now().into()),
                    ("uploaded_by", actor.account_id.into()),
                    ("county_code", hazard.county_code.as_str().into()),
                ],
            )
            .returning_col("id"),
        )
        .await?;
    let event = Event {
        chain: &hazard.county_code,
        action: "hazard.photo",
        object_type: "hazard",
        object_id: Some(hazard.id.to_string()),
        detail: json!({ "photo": id, "stage": stage, "sha256": kept.sha256 }),
        outcome: "ok",
    };
    Ok((id, event))
}

impl Store {
    /// Puts a photo's image and thumbnail into the file store.
    pub(crate) async fn keep_photo_files(
        &self,
        image: Vec<u8>,
        thumbnail: Vec<u8>,
    ) -> Result<KeptFiles> {
        let size_bytes = i64::try_from(image.len()).unwrap_or(i64::MAX);
        Ok(KeptFiles {
            sha256: self.files().put(image).await?,
            thumb_sha256: self.files().put(thumbnail).await?,
            size_bytes,
        })
    }

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
            if usize::try_from(n).unwrap_or(usize::MAX) >= MAX_PHOTOS {
                return Err(Violation::new("file", "error.too_many")
                    .with("max", MAX_PHOTOS)
                    .into());
            }
        }
        let kept = self
            .keep_photo_files(new.file.image, new.file.thumbnail)
            .await?;
        let mut tx = self.write().await?;
        let mut conn = tx.conn();
        let h = find(&mut conn, actor, new.hazard_id).await?;
        let size = (new.file.width, new.file.height);
        let (id, event) = insert(&mut conn, actor, &h, &new.stage, &kept, size).await?;
        let photo = of_hazard(&mut conn, new.hazard_id)
            .await?
            .into_iter()
            .find(|p| p.id == id)
            .ok_or(StoreError::NotFound)?;
        tx.commit_audited(actor, event).await?;
        Ok(photo)
    }

    /// Where a photo (or its thumbnail) of a hazard in scope is stored.
    pub async fn hazard_photo_file(
        &self,
        actor: &Actor,
        id: i64,
        thumbnail: bool,
    ) -> Result<PathBuf> {
        self.photo_path(
            ("hazard_photos", "hazard_id"),
            ("hazards", "h"),
            scope::hazards(&actor.scope),
            id,
            thumbnail,
        )
        .await
    }

    /// Where photo `id` of table `photos` (or its thumbnail) is kept, if its owner (joined
    /// on the photo's `owner_key`) is within `scope`: the one lookup behind every served photo.
    pub(crate) async fn photo_path(
        &self,
        (photos, owner_key): (&'static str, &'static str),
        (owner, alias): (&'static str, &'static str),
        scope: sea_query::Cond,
        id: i64,
        thumbnail: bool,
    ) -> Result<PathBuf> {
        let mut c = self.read().await?;
        let (sha, thumb): (String, String) = c
            .conn()
            .one(
                Query::select()
                    .columns([("p", "sha256"), ("p", "thumb_sha256")])
                    .from_as(photos, "p")
                    .join_as(
                        JoinType::InnerJoin,
                        owner,
                        alias,
                        Expr::col((alias, "id")).equals(("p", owner_key)),
                    )
                    .and_where(Expr::col(("p", "id")).eq(id))
                    .cond_where(scope),
            )
            .await?;
        self.files()
            .path(if thumbnail { &thumb } else { &sha })
            .ok_or(StoreError::NotFound)
    }
}
