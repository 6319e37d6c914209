//! Documents on a unit's file (档案): the key unit's archive, its management systems' texts,
//! post responsibility letters and operating procedures (R-UNIT-2), and the papers of a major
//! hazard source. The content goes to the file store first; only then is the row written, in
//! one transaction with its audit record, so an acknowledged upload is never lost. Documents
//! are withdrawn with a reason, never deleted.

use super::find_unit;
use crate::audit::{Event, now};
use crate::db::{Conn, Store};
use crate::insert;
use crate::{Result, StoreError, scope};
use chrono::{DateTime, Utc};
use safegrid_domain::access::Actor;
use safegrid_domain::invalid::{Violation, required_text};
use safegrid_domain::policy::{Object, Verb, may};
use safegrid_domain::unit::documents::DocumentKind;
use safegrid_domain::unit::documents::{DocumentFacts, DocumentInput};
use sea_query::{Expr, ExprTrait, JoinType, Order, Query, SelectStatement};
use serde::Serialize;
use serde_json::json;
use sqlx::FromRow;
use std::path::PathBuf;

/// The most documents listed for one unit (newest first); a unit's file holds far fewer.
const MAX_LISTED: u64 = 500;

#[derive(Debug, Clone, FromRow, Serialize, utoipa::ToSchema)]
pub struct Document {
    pub id: i64,
    pub unit_id: i64,
    /// archive, system, letter, procedure, hazard_source
    pub kind: String,
    /// For a system's document: the system's code.
    pub system: Option<String>,
    /// For a responsibility letter or procedure: the post, area or equipment of the unit's grid.
    pub node_id: Option<i64>,
    pub hazard_source_id: Option<i64>,
    pub title: String,
    pub file_name: String,
    pub media_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub uploaded_at: DateTime<Utc>,
    pub uploaded_by_name: Option<String>,
    pub withdrawn_at: Option<DateTime<Utc>>,
    pub withdrawn_reason: Option<String>,
}

/// An upload: the sniffed media type comes from the web layer, which reads the content.
#[derive(Debug, Clone)]
pub struct NewDocument {
    pub unit_id: i64,
    pub kind: String,
    pub system: Option<String>,
    pub node_id: Option<i64>,
    pub hazard_source_id: Option<i64>,
    pub title: Option<String>,
    pub file_name: String,
    pub media_type: Option<String>,
    pub bytes: Vec<u8>,
}

fn select() -> SelectStatement {
    Query::select()
        .columns(
            [
                "id",
                "unit_id",
                "kind",
                "system",
                "node_id",
                "hazard_source_id",
                "title",
                "file_name",
                "media_type",
                "size_bytes",
                "sha256",
                "uploaded_at",
                "withdrawn_at",
                "withdrawn_reason",
            ]
            .map(|c| ("d", c)),
        )
        .expr_as(Expr::col(("a", "display_name")), "uploaded_by_name")
        .from_as("documents", "d")
        .join_as(
            JoinType::InnerJoin,
            "units",
            "u",
            Expr::col(("u", "id")).equals(("d", "unit_id")),
        )
        .join_as(
            JoinType::LeftJoin,
            "accounts",
            "a",
            Expr::col(("a", "id")).equals(("d", "uploaded_by")),
        )
        .to_owned()
}

async fn document(conn: &mut Conn<'_>, actor: &Actor, id: i64) -> Result<Document> {
    let mut q = select();
    q.and_where(Expr::col(("d", "id")).eq(id))
        .cond_where(scope::units(&actor.scope));
    conn.one(&q).await
}

/// Whether `id` is a row of `table` belonging to the unit.
async fn belongs(conn: &mut Conn<'_>, table: &'static str, id: i64, unit: i64) -> Result<bool> {
    let n = conn
        .scalar(
            Query::select()
                .expr(Expr::cust("COUNT(*)"))
                .from(table)
                .and_where(Expr::col("id").eq(id))
                .and_where(Expr::col("unit_id").eq(unit)),
        )
        .await?;
    Ok(n > 0)
}

impl Store {
    /// The unit's documents, newest first, withdrawn ones included (marked).
    pub async fn documents(&self, actor: &Actor, unit: i64) -> Result<Vec<Document>> {
        let mut c = self.read().await?;
        let mut conn = c.conn();
        find_unit(&mut conn, actor, unit).await?;
        let mut q = select();
        q.and_where(Expr::col(("d", "unit_id")).eq(unit))
            .order_by(("d", "uploaded_at"), Order::Desc)
            .order_by(("d", "id"), Order::Desc)
            .limit(MAX_LISTED);
        conn.all(&q).await
    }

    /// One document in scope and where its content is stored.
    pub async fn document_file(&self, actor: &Actor, id: i64) -> Result<(Document, PathBuf)> {
        let mut c = self.read().await?;
        let doc = document(&mut c.conn(), actor, id).await?;
        let path = self.files().path(&doc.sha256).ok_or(StoreError::NotFound)?;
        Ok((doc, path))
    }

    /// Puts a document on the unit's file.
    pub async fn add_document(&self, actor: &Actor, new: NewDocument) -> Result<Document> {
        if !may(actor, Verb::Write, Object::UnitRecord) {
            return Err(StoreError::Forbidden);
        }
        let DocumentFacts {
            kind,
            system,
            title,
            file_name,
            media_type,
        } = DocumentInput {
            kind: &new.kind,
            system: new.system.as_deref(),
            title: new.title.as_deref(),
            file_name: &new.file_name,
            media_type: new.media_type.as_deref(),
            size: new.bytes.len(),
        }
        .parse()?;
        // Check the unit and what the document belongs to before storing anything.
        {
            let mut c = self.read().await?;
            let mut conn = c.conn();
            find_unit(&mut conn, actor, new.unit_id).await?;
            if let Some(node) = new.node_id
                && !belongs(&mut conn, "unit_grid_nodes", node, new.unit_id).await?
            {
                return Err(Violation::new("node_id", "error.choice").into());
            }
            match (kind, new.hazard_source_id) {
                (DocumentKind::HazardSource, None) => {
                    return Err(Violation::new("hazard_source_id", "error.required").into());
                }
                (_, Some(source))
                    if !belongs(&mut conn, "hazard_sources", source, new.unit_id).await? =>
                {
                    return Err(Violation::new("hazard_source_id", "error.choice").into());
                }
                _ => {}
            }
        }
        let size = new.bytes.len() as i64;
        let sha = self.files().put(new.bytes).await?;
        let mut tx = self.write().await?;
        let mut conn = tx.conn();
        let unit = find_unit(&mut conn, actor, new.unit_id).await?;
        let id = conn
            .insert_id(
                insert::row(
                    "documents",
                    [
                        ("unit_id", new.unit_id.into()),
                        ("kind", kind.as_str().into()),
                        ("system", system.into()),
                        ("node_id", new.node_id.into()),
                        ("hazard_source_id", new.hazard_source_id.into()),
                        ("title", title.clone().into()),
                        ("file_name", file_name.clone().into()),
                        ("media_type", media_type.clone().into()),
                        ("size_bytes", size.into()),
                        ("sha256", sha.clone().into()),
                        ("uploaded_at", now().into()),
                        ("uploaded_by", actor.account_id.into()),
                        ("county_code", unit.county_code.as_str().into()),
                    ],
                )
                .returning_col("id"),
            )
            .await?;
        let out = document(&mut conn, actor, id).await?;
        tx.commit_audited(
            actor,
            Event {
                chain: &unit.county_code,
                action: "document.add",
                object_type: "document",
                object_id: Some(id.to_string()),
                detail: json!({ "unit": new.unit_id, "kind": kind.as_str(), "title": title, "sha256": sha, "size": size }),
                outcome: "ok",
            },
        ).await?;
        Ok(out)
    }

    /// Withdraws a document (superseded, uploaded by mistake); it stays on record.
    pub async fn withdraw_document(
        &self,
        actor: &Actor,
        id: i64,
        reason: Option<&str>,
    ) -> Result<Document> {
        if !may(actor, Verb::Write, Object::UnitRecord) {
            return Err(StoreError::Forbidden);
        }
        let reason = required_text("reason", reason.unwrap_or_default(), 200)?;
        let mut tx = self.write().await?;
        let mut conn = tx.conn();
        let doc = document(&mut conn, actor, id).await?;
        if doc.withdrawn_at.is_some() {
            return Err(Violation::new("reason", "error.already_retired").into());
        }
        let unit = find_unit(&mut conn, actor, doc.unit_id).await?;
        conn.update(
            Query::update()
                .table("documents")
                .values([
                    ("withdrawn_at", now().into()),
                    ("withdrawn_reason", reason.clone().into()),
                ])
                .and_where(Expr::col("id").eq(id)),
        )
        .await?;
        let out = document(&mut conn, actor, id).await?;
        tx.commit_audited(
            actor,
            Event {
                chain: &unit.county_code,
                action: "document.withdraw",
                object_type: "document",
                object_id: Some(id.to_string()),
                detail: json!({ "reason": reason }),
                outcome: "ok",
            },
        )
        .await?;
        Ok(out)
    }
}
