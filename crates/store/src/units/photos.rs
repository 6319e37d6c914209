//! Photos of a unit's own records: a checked item as it was found, a training's signed
//! attendance sheet. The files are kept by content hash before the transaction (as a hazard's
//! are); the rows are written inside the record's own transaction and served only to those
//! who see the unit.

use crate::audit::now;
use crate::db::{Conn, Store};
use crate::hazards::{KeptFiles, PhotoFile};
use crate::{Result, scope};
use sea_query::{Expr, ExprTrait, Order, Query};
use serde::Serialize;
use sqlx::FromRow;
use std::path::PathBuf;

/// The most photos one check or training keeps.
pub const MAX_RECORD_PHOTOS: usize = 20;

/// A photo kept with a unit's record.
#[derive(Debug, Clone, FromRow, Serialize, utoipa::ToSchema)]
pub struct RecordPhoto {
    pub id: i64,
    /// The checked item it shows (its position in the check), for a check's photo.
    pub item_position: Option<i32>,
    pub width: i32,
    pub height: i32,
}

/// The record a photo belongs to.
#[derive(Debug, Clone, Copy)]
pub(crate) enum PhotoOf {
    CheckItem { check: i64, position: usize },
    Training(i64),
}

/// A photo's files kept, with its size in pixels.
pub(crate) type Kept = (KeptFiles, (u32, u32));

impl Store {
    /// Keeps the files of the photos given (by content hash), before the record's transaction.
    pub(crate) async fn keep_record_photos(
        &self,
        photos: Vec<Option<PhotoFile>>,
    ) -> Result<Vec<Option<Kept>>> {
        let mut kept = Vec::with_capacity(photos.len());
        for photo in photos {
            kept.push(match photo {
                Some(p) => {
                    let size = (p.width, p.height);
                    Some((self.keep_photo_files(p.image, p.thumbnail).await?, size))
                }
                None => None,
            });
        }
        Ok(kept)
    }

    /// Where a photo (or its thumbnail) of a unit's record in scope is stored.
    pub async fn record_photo_file(
        &self,
        actor: &safegrid_domain::access::Actor,
        id: i64,
        thumbnail: bool,
    ) -> Result<PathBuf> {
        self.photo_path(
            ("unit_record_photos", "unit_id"),
            ("units", "u"),
            scope::units(&actor.scope),
            id,
            thumbnail,
        )
        .await
    }
}

/// Writes a photo's row inside the record's transaction.
pub(crate) async fn insert(
    conn: &mut Conn<'_>,
    account: Option<i64>,
    (county, unit): (&str, i64),
    of: PhotoOf,
    (kept, (width, height)): &Kept,
) -> Result<i64> {
    let (check, position, training) = match of {
        PhotoOf::CheckItem { check, position } => (
            Some(check),
            Some(i32::try_from(position).unwrap_or(i32::MAX)),
            None,
        ),
        PhotoOf::Training(id) => (None, None, Some(id)),
    };
    conn.insert_id(
        crate::insert::row(
            "unit_record_photos",
            [
                ("county_code", county.into()),
                ("unit_id", unit.into()),
                ("check_id", check.into()),
                ("item_position", position.into()),
                ("training_id", training.into()),
                ("sha256", kept.sha256.as_str().into()),
                ("thumb_sha256", kept.thumb_sha256.as_str().into()),
                ("width", i64::from(*width).into()),
                ("height", i64::from(*height).into()),
                ("size_bytes", kept.size_bytes.into()),
                ("uploaded_at", now().into()),
                ("uploaded_by", account.into()),
            ],
        )
        .returning_col("id"),
    )
    .await
}

/// The photos of a check (by item) or of a training.
pub(crate) async fn of_record(conn: &mut Conn<'_>, of: PhotoOf) -> Result<Vec<RecordPhoto>> {
    let mut q = Query::select();
    q.columns(["id", "item_position", "width", "height"])
        .from("unit_record_photos");
    match of {
        PhotoOf::CheckItem { check, .. } => q.and_where(Expr::col("check_id").eq(check)),
        PhotoOf::Training(id) => q.and_where(Expr::col("training_id").eq(id)),
    };
    q.order_by("item_position", Order::Asc)
        .order_by("id", Order::Asc);
    conn.all(&q).await
}
