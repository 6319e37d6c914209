//! Enforcement documents (执法文书) issued from an inspection: issuing one (numbered in the
//! same transaction), reading one, and the register of them in scope. A document is seen by
//! whoever sees its inspection.

use super::query::InspectionFilter;
use super::rows::{Names, with_names};
use crate::audit::{Event, now};
use crate::db::{Conn, Store};
use crate::{Page, PageRequest, Result, StoreError, insert, scope};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use safegrid_domain::access::{Actor, Scope};
use safegrid_domain::duty::PartyKind;
use safegrid_domain::inspection::document::{
    DocumentInput, DocumentKind, NewDocument, default_prefix, document_number,
};
use safegrid_domain::invalid::Violation;
use safegrid_domain::policy::{self, Object, Verb};
use safegrid_domain::region::RegionLevel;
use safegrid_domain::time::today;
use sea_query::{Cond, Expr, ExprTrait, JoinType, OnConflict, Order, Query, SelectStatement};
use serde::Serialize;
use serde_json::json;
use sqlx::FromRow;

/// An enforcement document, with its inspection's unit, party and inspectors.
#[derive(Debug, Clone, FromRow, Serialize, utoipa::ToSchema)]
pub struct EnforcementDocument {
    pub id: i64,
    pub county_code: String,
    pub inspection_id: i64,
    #[sqlx(try_from = "String")]
    #[schema(value_type = String)]
    pub kind: DocumentKind,
    /// 汉阴应急责改〔2026〕12号
    pub number: String,
    pub issued_on: NaiveDate,
    pub deadline: Option<NaiveDate>,
    pub content: String,
    pub fine_yuan: Option<f64>,
    pub legal_basis: Option<String>,
    /// A review opinion: the rectification order it reviews.
    pub order_id: Option<i64>,
    /// A rectification order: the review opinion issued against it, once reviewed.
    pub reviewed_by: Option<i64>,
    pub unit_id: i64,
    pub unit_name: String,
    pub unit_address: Option<String>,
    pub unit_principal: Option<String>,
    pub region_code: String,
    pub region_name: Option<String>,
    #[sqlx(try_from = "String")]
    #[schema(value_type = String)]
    pub party: PartyKind,
    pub department_id: Option<i64>,
    pub department_name: Option<String>,
    /// The unit's town, whose duty a town's inspection discharges.
    pub town_name: Option<String>,
    pub inspected_on: NaiveDate,
    #[sqlx(try_from = "String")]
    #[schema(value_type = Vec<String>)]
    pub inspectors: Names,
    pub created_at: DateTime<Utc>,
}

/// What the register of documents is narrowed to: the inspection's filters (unit, region,
/// department, party; `from`/`to` on the day of issue) and the kind.
#[derive(Debug, Clone, Default)]
pub struct DocumentFilter {
    pub kind: Option<DocumentKind>,
    pub inspections: InspectionFilter,
}

impl DocumentFilter {
    fn condition(&self) -> Cond {
        let dated = InspectionFilter {
            from: None,
            to: None,
            ..self.inspections.clone()
        };
        let mut c = dated.condition();
        if let Some(k) = self.kind {
            c = c.add(Expr::col(("e", "kind")).eq(k.as_str()));
        }
        if let Some(from) = self.inspections.from {
            c = c.add(Expr::col(("e", "issued_on")).gte(from));
        }
        if let Some(to) = self.inspections.to {
            c = c.add(Expr::col(("e", "issued_on")).lte(to));
        }
        c
    }
}

/// The select every read of a document starts from (`e` the document, `i` its inspection).
fn select() -> SelectStatement {
    let mut q = Query::select()
        .columns(
            [
                "id",
                "county_code",
                "inspection_id",
                "kind",
                "number",
                "issued_on",
                "deadline",
                "content",
                "fine_yuan",
                "legal_basis",
                "order_id",
                "created_at",
            ]
            .map(|c| ("e", c)),
        )
        .expr_as(
            Expr::cust("(SELECT MIN(r.id) FROM enforcement_documents r WHERE r.order_id = e.id)"),
            "reviewed_by",
        )
        .columns(
            [
                "unit_id",
                "region_code",
                "party",
                "department_id",
                "inspected_on",
                "inspectors",
            ]
            .map(|c| ("i", c)),
        )
        .expr_as(Expr::col(("u", "address")), "unit_address")
        .expr_as(Expr::col(("u", "principal")), "unit_principal")
        .from_as("enforcement_documents", "e")
        .join_as(
            JoinType::InnerJoin,
            "inspections",
            "i",
            Expr::col(("i", "id")).equals(("e", "inspection_id")),
        )
        .to_owned();
    with_names(&mut q);
    q
}

/// The inspection facts a document is issued against.
#[derive(FromRow)]
pub(super) struct Issuing {
    pub county_code: String,
    pub unit_id: i64,
    pub inspected_on: NaiveDate,
    pub party: String,
    pub department_id: Option<i64>,
}

/// Numbers and stores a checked document of an inspection in the open transaction; answers
/// its id and the audit detail to record. The caller has checked that the actor may issue.
pub(super) async fn issue_in(
    conn: &mut Conn<'_>,
    actor: &Actor,
    inspection_id: i64,
    inspection: &Issuing,
    new: &NewDocument,
) -> Result<(i64, serde_json::Value)> {
    let order_id = match new.kind {
        DocumentKind::ReviewOpinion => Some(reviewed_order(conn, inspection, new.order_id).await?),
        _ => None,
    };
    let year = new.issued_on.year();
    let sequence = conn
        .insert_id(
            insert::row(
                "enforcement_numbers",
                [
                    ("county_code", inspection.county_code.clone().into()),
                    ("kind", new.kind.as_str().into()),
                    ("year", year.into()),
                    ("last", 1i64.into()),
                ],
            )
            .on_conflict(
                OnConflict::columns(["county_code", "kind", "year"])
                    .value("last", Expr::col(("enforcement_numbers", "last")).add(1i64))
                    .to_owned(),
            )
            .returning_col("last"),
        )
        .await?;
    let county_name: Option<(String,)> = conn
        .optional(
            Query::select()
                .column("name")
                .from("regions")
                .and_where(Expr::col("code").eq(inspection.county_code.as_str())),
        )
        .await?;
    let prefix = default_prefix(county_name.as_ref().map_or("", |(n,)| n.as_str()));
    let number = document_number(&prefix, new.kind, year, sequence);
    let id = conn
        .insert_id(
            insert::row(
                "enforcement_documents",
                [
                    ("county_code", inspection.county_code.clone().into()),
                    ("inspection_id", inspection_id.into()),
                    ("kind", new.kind.as_str().into()),
                    ("year", year.into()),
                    ("sequence", sequence.into()),
                    ("number", number.clone().into()),
                    ("issued_on", new.issued_on.into()),
                    ("deadline", new.deadline.into()),
                    ("content", new.content.clone().into()),
                    ("fine_yuan", new.fine_yuan.into()),
                    ("legal_basis", new.legal_basis.clone().into()),
                    ("order_id", order_id.into()),
                    ("issued_by", actor.account_id.into()),
                    ("created_at", now().into()),
                ],
            )
            .returning_col("id"),
        )
        .await?;
    let detail = json!({
        "inspection": inspection_id,
        "unit": inspection.unit_id,
        "kind": new.kind.as_str(),
        "number": number,
        "deadline": new.deadline,
        "fine_yuan": new.fine_yuan,
        "order": order_id,
    });
    Ok((id, detail))
}

impl Store {
    /// Issues a document from an inspection in scope, numbered in the same transaction. Only
    /// the party that inspected (its department, its town, or the county) issues; a village
    /// does not enforce.
    pub async fn issue_document(
        &self,
        actor: &Actor,
        inspection_id: i64,
        input: DocumentInput,
    ) -> Result<EnforcementDocument> {
        if !policy::may(actor, Verb::Write, Object::Inspection) {
            return Err(StoreError::Forbidden);
        }
        let mut tx = self.write().await?;
        let mut conn = tx.conn();
        let inspection: Issuing = conn
            .one(
                Query::select()
                    .columns(
                        [
                            "county_code",
                            "unit_id",
                            "inspected_on",
                            "party",
                            "department_id",
                        ]
                        .map(|c| ("i", c)),
                    )
                    .from_as("inspections", "i")
                    .and_where(Expr::col(("i", "id")).eq(inspection_id))
                    .cond_where(scope::inspections(&actor.scope)),
            )
            .await?;
        if !may_issue(actor, &inspection) {
            return Err(StoreError::Forbidden);
        }
        let new = NewDocument::parse(&input, inspection.inspected_on, today())?;
        let (id, detail) = issue_in(&mut conn, actor, inspection_id, &inspection, &new).await?;
        let made = document_in(&mut conn, actor, id).await?;
        tx.commit_audited(
            actor,
            Event {
                chain: &inspection.county_code,
                action: "enforcement.issue",
                object_type: "enforcement_document",
                object_id: Some(id.to_string()),
                detail,
                outcome: "ok",
            },
        )
        .await?;
        self.duties_changed();
        Ok(made)
    }

    /// A document in scope; out of scope is not found.
    pub async fn enforcement_document(
        &self,
        actor: &Actor,
        id: i64,
    ) -> Result<EnforcementDocument> {
        if !policy::may(actor, Verb::Read, Object::Inspection) {
            return Err(StoreError::Forbidden);
        }
        let mut c = self.read().await?;
        document_in(&mut c.conn(), actor, id).await
    }

    /// The documents of one inspection in scope, in the order issued.
    pub async fn inspection_documents(
        &self,
        actor: &Actor,
        inspection_id: i64,
    ) -> Result<Vec<EnforcementDocument>> {
        if !policy::may(actor, Verb::Read, Object::Inspection) {
            return Err(StoreError::Forbidden);
        }
        let mut q = select();
        q.and_where(Expr::col(("e", "inspection_id")).eq(inspection_id))
            .cond_where(scope::inspections(&actor.scope))
            .order_by(("e", "id"), Order::Asc);
        let mut c = self.read().await?;
        c.conn().all(&q).await
    }

    /// The register of documents in scope matching the filter, latest first.
    pub async fn enforcement_documents(
        &self,
        actor: &Actor,
        filter: &DocumentFilter,
        page: PageRequest,
    ) -> Result<Page<EnforcementDocument>> {
        if !policy::may(actor, Verb::Read, Object::Inspection) {
            return Err(StoreError::Forbidden);
        }
        let mut q = select();
        q.cond_where(scope::inspections(&actor.scope))
            .cond_where(filter.condition())
            .order_by(("e", "issued_on"), Order::Desc)
            .order_by(("e", "id"), Order::Desc);
        let count = Query::select()
            .expr(Expr::cust("COUNT(*)"))
            .from_as("enforcement_documents", "e")
            .join_as(
                JoinType::InnerJoin,
                "inspections",
                "i",
                Expr::col(("i", "id")).equals(("e", "inspection_id")),
            )
            .cond_where(scope::inspections(&actor.scope))
            .cond_where(filter.condition())
            .to_owned();
        let mut c = self.read().await?;
        c.conn().page_counted(&q, &count, page).await
    }

    /// The next batch of the register in scope after document `after`, oldest first (exports).
    pub async fn enforcement_documents_after(
        &self,
        actor: &Actor,
        filter: &DocumentFilter,
        after: i64,
        limit: u64,
    ) -> Result<Vec<EnforcementDocument>> {
        if !policy::may(actor, Verb::Read, Object::Inspection) {
            return Err(StoreError::Forbidden);
        }
        let mut q = select();
        q.cond_where(scope::inspections(&actor.scope))
            .cond_where(filter.condition())
            .and_where(Expr::col(("e", "id")).gt(after))
            .order_by(("e", "id"), Order::Asc)
            .limit(limit);
        let mut c = self.read().await?;
        c.conn().all(&q).await
    }
}

async fn document_in(conn: &mut Conn<'_>, actor: &Actor, id: i64) -> Result<EnforcementDocument> {
    let mut q = select();
    q.and_where(Expr::col(("e", "id")).eq(id))
        .cond_where(scope::inspections(&actor.scope));
    conn.one(&q).await
}

/// Whether the actor issues documents from this inspection: the county, the department that
/// inspected, or the town whose inspection it was. A village or a unit never does.
pub(super) fn may_issue(actor: &Actor, inspection: &Issuing) -> bool {
    match &actor.scope {
        Scope::All => true,
        Scope::Region { root } => match root.level() {
            level if level <= RegionLevel::County => true,
            RegionLevel::Town => inspection.party == PartyKind::Town.as_str(),
            _ => false,
        },
        Scope::Department { department_id, .. } => inspection.department_id == Some(*department_id),
        Scope::Unit { .. } | Scope::Administration => false,
    }
}

/// The rectification order a review opinion reviews: the one named (an order of the same unit
/// not reviewed yet), or the unit's latest unreviewed order.
async fn reviewed_order(
    conn: &mut Conn<'_>,
    inspection: &Issuing,
    named: Option<i64>,
) -> Result<i64> {
    let mut q = Query::select()
        .column(("e", "id"))
        .from_as("enforcement_documents", "e")
        .join_as(
            JoinType::InnerJoin,
            "inspections",
            "i",
            Expr::col(("i", "id")).equals(("e", "inspection_id")),
        )
        .and_where(Expr::col(("e", "county_code")).eq(inspection.county_code.as_str()))
        .and_where(Expr::col(("e", "kind")).eq(DocumentKind::RectificationOrder.as_str()))
        .and_where(Expr::col(("i", "unit_id")).eq(inspection.unit_id))
        .and_where(Expr::cust(
            "NOT EXISTS (SELECT 1 FROM enforcement_documents r WHERE r.order_id = e.id)",
        ))
        .order_by(("e", "issued_on"), Order::Desc)
        .order_by(("e", "id"), Order::Desc)
        .limit(1)
        .to_owned();
    if let Some(id) = named {
        q.and_where(Expr::col(("e", "id")).eq(id));
    }
    let found: Option<(i64,)> = conn.optional(&q).await?;
    found.map(|(id,)| id).ok_or_else(|| {
        Violation::new(
            "order_id",
            if named.is_some() {
                "error.order_unknown"
            } else {
                "error.order_none"
            },
        )
        .into()
    })
}
