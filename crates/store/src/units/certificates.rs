//! The three posts' certificates: recorded for a unit (a newer one of the same holder, kind and
//! category renewing the older), listed by when they fall due, and read by the duty calendar as
//! `certificate_review` duties.

use super::find_unit;
use crate::audit::{Event, now};
use crate::db::Store;
use crate::{Page, PageRequest, Result, StoreError, insert, scope};
use chrono::{DateTime, NaiveDate, Utc};
use safegrid_domain::access::Actor;
use safegrid_domain::hazard::lifecycle::Party;
use safegrid_domain::policy::{Object, Verb, may};
use safegrid_domain::region::RegionCode;
use safegrid_domain::time::today;
use safegrid_domain::unit::certificate::{CertificateInput, NewCertificate};
use sea_query::{Cond, Expr, ExprTrait, JoinType, Order, Query, SelectStatement};
use serde::Serialize;
use serde_json::json;
use sqlx::FromRow;

/// A certificate as recorded, with when it falls due.
#[derive(Debug, Clone, FromRow, Serialize, utoipa::ToSchema)]
pub struct Certificate {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub region_name: Option<String>,
    pub holder: String,
    /// principal, safety_manager or special_operation
    pub kind: String,
    pub category: Option<String>,
    pub number: String,
    pub issued_on: NaiveDate,
    pub expires_on: NaiveDate,
    /// The day it falls due for review (or expires, if sooner).
    pub review_due: NaiveDate,
    /// The certificate that renewed it, if one has.
    pub renewed_by: Option<i64>,
    pub created_at: DateTime<Utc>,
}

/// Which certificates to list.
#[derive(Debug, Clone, Default)]
pub struct CertificateFilter {
    /// Due for review or expiring within this many days (overdue ones included).
    pub due_within_days: Option<u32>,
    pub region: Option<RegionCode>,
    pub unit_id: Option<i64>,
}

fn select() -> SelectStatement {
    Query::select()
        .columns(
            [
                "id",
                "unit_id",
                "holder",
                "kind",
                "category",
                "number",
                "issued_on",
                "expires_on",
                "review_due",
                "renewed_by",
                "created_at",
            ]
            .map(|c| ("c", c)),
        )
        .expr_as(Expr::col(("u", "name")), "unit_name")
        .expr_as(Expr::col(("g", "name")), "region_name")
        .from_as("certificates", "c")
        .join_as(
            JoinType::InnerJoin,
            "units",
            "u",
            Expr::col(("u", "id")).equals(("c", "unit_id")),
        )
        .join_as(
            JoinType::LeftJoin,
            "regions",
            "g",
            Expr::col(("g", "code")).equals(("u", "region_code")),
        )
        .to_owned()
}

impl Store {
    /// Records a certificate of a unit in scope: by the unit itself or by those who keep the
    /// unit ledger. It renews the earlier certificates of the same holder, kind and category.
    pub async fn add_certificate(
        &self,
        actor: &Actor,
        unit_id: i64,
        input: CertificateInput,
    ) -> Result<Certificate> {
        let mut tx = self.write().await?;
        let mut conn = tx.conn();
        let unit = find_unit(&mut conn, actor, unit_id).await?;
        if Party::of(actor.role) != Party::Unit && !may(actor, Verb::Write, Object::Unit) {
            return Err(StoreError::Forbidden);
        }
        let new = NewCertificate::parse(&input, today())?;
        let category = new
            .category
            .map(safegrid_domain::unit::certificate::SpecialOperation::as_str);
        let id = conn
            .insert_id(
                insert::row(
                    "certificates",
                    [
                        ("county_code", unit.county_code.clone().into()),
                        ("unit_id", unit.id.into()),
                        ("holder", new.holder.clone().into()),
                        ("kind", new.kind.as_str().into()),
                        ("category", category.into()),
                        ("number", new.number.clone().into()),
                        ("issued_on", new.issued_on.into()),
                        ("expires_on", new.expires_on.into()),
                        ("review_due", new.review_due.into()),
                        ("recorded_by", actor.account_id.into()),
                        ("created_at", now().into()),
                    ],
                )
                .returning_col("id"),
            )
            .await?;
        let same_category = match category {
            Some(c) => Expr::col("category").eq(c),
            None => Expr::col("category").is_null(),
        };
        conn.update(
            Query::update()
                .table("certificates")
                .value("renewed_by", id)
                .and_where(Expr::col("unit_id").eq(unit.id))
                .and_where(Expr::col("holder").eq(new.holder.as_str()))
                .and_where(Expr::col("kind").eq(new.kind.as_str()))
                .and_where(same_category)
                .and_where(Expr::col("issued_on").lt(new.issued_on))
                .and_where(Expr::col("renewed_by").is_null()),
        )
        .await?;
        let made: Certificate = conn
            .one(select().and_where(Expr::col(("c", "id")).eq(id)))
            .await?;
        tx.commit_audited(
            actor,
            Event {
                chain: &unit.county_code,
                action: "certificate.add",
                object_type: "unit",
                object_id: Some(unit.id.to_string()),
                detail: json!({ "certificate": id, "holder": new.holder, "kind": new.kind.as_str(), "review_due": new.review_due }),
                outcome: "ok",
            },
        )
        .await?;
        self.duties_changed();
        Ok(made)
    }

    /// The current certificates in scope (not yet renewed), soonest due first.
    pub async fn certificates(
        &self,
        actor: &Actor,
        filter: &CertificateFilter,
        page: PageRequest,
    ) -> Result<Page<Certificate>> {
        let mut cond = Cond::all()
            .add(scope::units(&actor.scope))
            .add(Expr::col(("c", "renewed_by")).is_null());
        if let Some(days) = filter.due_within_days {
            cond = cond.add(
                Expr::col(("c", "review_due")).lte(today() + chrono::Days::new(u64::from(days))),
            );
        }
        if let Some(r) = &filter.region {
            cond = cond.add(scope::division(r, "u"));
        }
        if let Some(u) = filter.unit_id {
            cond = cond.add(Expr::col(("c", "unit_id")).eq(u));
        }
        let q = select()
            .cond_where(cond)
            .order_by(("c", "review_due"), Order::Asc)
            .order_by(("c", "id"), Order::Asc)
            .to_owned();
        let mut c = self.read().await?;
        c.conn().page(&q, page).await
    }
}
