//! Reading inspections: one with its items and findings, and the ledger of them in scope.

use super::rows::{Inspection, InspectionDetail, InspectionItem, select};
use crate::db::{Conn, Store};
use crate::{Page, PageRequest, Result, StoreError, scope};
use chrono::NaiveDate;
use safegrid_domain::access::Actor;
use safegrid_domain::duty::PartyKind;
use safegrid_domain::policy::{self, Object, Verb};
use sea_query::{Cond, Expr, ExprTrait, Order, Query};

/// What an inspection ledger is narrowed to.
#[derive(Debug, Clone, Default)]
pub struct InspectionFilter {
    pub unit_id: Option<i64>,
    /// A town or village: inspections of the units there.
    pub region: Option<safegrid_domain::region::RegionCode>,
    /// Inspections a department made.
    pub department_id: Option<i64>,
    pub party: Option<PartyKind>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl InspectionFilter {
    pub(super) fn condition(&self) -> Cond {
        let mut c = Cond::all();
        if let Some(u) = self.unit_id {
            c = c.add(Expr::col(("i", "unit_id")).eq(u));
        }
        if let Some(r) = &self.region {
            c = c.add(scope::division(r, "i"));
        }
        if let Some(d) = self.department_id {
            c = c.add(Expr::col(("i", "department_id")).eq(d));
        }
        if let Some(p) = self.party {
            c = c.add(Expr::col(("i", "party")).eq(p.as_str()));
        }
        if let Some(from) = self.from {
            c = c.add(Expr::col(("i", "inspected_on")).gte(from));
        }
        if let Some(to) = self.to {
            c = c.add(Expr::col(("i", "inspected_on")).lte(to));
        }
        c
    }
}

impl Store {
    /// An inspection in scope, with its items and the hazards it found; out of scope is not
    /// found.
    pub async fn inspection(&self, actor: &Actor, id: i64) -> Result<InspectionDetail> {
        if !policy::may(actor, Verb::Read, Object::Inspection) {
            return Err(StoreError::Forbidden);
        }
        let mut c = self.read().await?;
        detail(&mut c.conn(), actor, id).await
    }

    /// Inspections in scope matching the filter, latest first.
    pub async fn inspections(
        &self,
        actor: &Actor,
        filter: &InspectionFilter,
        page: PageRequest,
    ) -> Result<Page<Inspection>> {
        if !policy::may(actor, Verb::Read, Object::Inspection) {
            return Err(StoreError::Forbidden);
        }
        let mut q = select();
        q.cond_where(scope::inspections(&actor.scope))
            .cond_where(filter.condition())
            .order_by(("i", "inspected_on"), Order::Desc)
            .order_by(("i", "id"), Order::Desc);
        let count = Query::select()
            .expr(Expr::cust("COUNT(*)"))
            .from_as("inspections", "i")
            .cond_where(scope::inspections(&actor.scope))
            .cond_where(filter.condition())
            .to_owned();
        let mut c = self.read().await?;
        c.conn().page_counted(&q, &count, page).await
    }
}

impl Store {
    /// The next batch of the ledger in scope after inspection `after`, oldest first (exports).
    pub async fn inspections_after(
        &self,
        actor: &Actor,
        filter: &InspectionFilter,
        after: i64,
        limit: u64,
    ) -> Result<Vec<Inspection>> {
        if !policy::may(actor, Verb::Read, Object::Inspection) {
            return Err(StoreError::Forbidden);
        }
        let mut q = select();
        q.cond_where(scope::inspections(&actor.scope))
            .cond_where(filter.condition())
            .and_where(Expr::col(("i", "id")).gt(after))
            .order_by(("i", "id"), Order::Asc)
            .limit(limit);
        let mut c = self.read().await?;
        c.conn().all(&q).await
    }
}

/// An inspection in the actor's scope with its items and findings.
pub(super) async fn detail(
    conn: &mut Conn<'_>,
    actor: &Actor,
    id: i64,
) -> Result<InspectionDetail> {
    let mut q = select();
    q.and_where(Expr::col(("i", "id")).eq(id))
        .cond_where(scope::inspections(&actor.scope));
    let inspection: Inspection = conn.one(&q).await?;
    let items: Vec<InspectionItem> = conn
        .all(
            Query::select()
                .columns(["position", "checklist_item_id", "item", "result", "note"])
                .from("inspection_items")
                .and_where(Expr::col("inspection_id").eq(id))
                .order_by("position", Order::Asc),
        )
        .await?;
    let hazards: Vec<(i64,)> = conn
        .all(
            Query::select()
                .column("id")
                .from("hazards")
                .and_where(Expr::col("inspection_id").eq(id))
                .order_by("id", Order::Asc),
        )
        .await?;
    let documents: Vec<(i64,)> = conn
        .all(
            Query::select()
                .column("id")
                .from("enforcement_documents")
                .and_where(Expr::col("inspection_id").eq(id))
                .order_by("id", Order::Asc),
        )
        .await?;
    Ok(InspectionDetail {
        inspection,
        items,
        hazard_ids: hazards.into_iter().map(|(h,)| h).collect(),
        document_ids: documents.into_iter().map(|(d,)| d).collect(),
    })
}
