use crate::audit::{self, Event, now};
use crate::db::{Conn, Store};
use crate::insert;
use crate::{Region, RegionNode, Result, StoreError, scope};
use safegrid_domain::access::Actor;
use safegrid_domain::invalid::Invalid;
use safegrid_domain::org::GridKind;
use safegrid_domain::org::input::NewRegion;
use safegrid_domain::policy::{Object, Verb, may};
use safegrid_domain::region::{RegionCode, RegionKind, RegionLevel, check_child};
use sea_query::{Expr, ExprTrait, Order, Query, SelectStatement};
use serde_json::json;

const REGION_COLUMNS: [&str; 8] = [
    "code",
    "parent_code",
    "county_code",
    "name",
    "kind",
    "level",
    "path",
    "sort_order",
];

fn region_select() -> SelectStatement {
    let mut q = Query::select();
    q.columns(REGION_COLUMNS.map(|c| ("r", c)))
        .from_as("regions", "r");
    q
}

impl Store {
    /// One division in scope.
    pub async fn region(&self, actor: &Actor, code: &str) -> Result<Region> {
        let code = RegionCode::parse("code", code).map_err(|_| StoreError::NotFound)?;
        let mut c = self.read().await?;
        find_region(&mut c.conn(), actor, &code)
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// The divisions directly under `parent` (or the top of the account's scope when `None`),
    /// each with counts of what sits under it.
    pub async fn region_children(
        &self,
        actor: &Actor,
        parent: Option<&str>,
    ) -> Result<Vec<RegionNode>> {
        let mut q = Query::select();
        q.columns([
            ("r", "code"),
            ("r", "parent_code"),
            ("r", "name"),
            ("r", "kind"),
            ("r", "level"),
        ])
        .expr_as(
            Expr::cust("(SELECT COUNT(*) FROM regions c WHERE c.parent_code = r.code)"),
            "children",
        )
        .expr_as(
            Expr::cust("(SELECT COUNT(*) FROM grids g WHERE g.region_code = r.code)"),
            "grids",
        )
        .from_as("regions", "r")
        .cond_where(scope::region_column(&actor.scope, ("r", "code")))
        .order_by(("r", "sort_order"), Order::Asc)
        .order_by(("r", "code"), Order::Asc);
        match parent {
            Some(p) => {
                let code = RegionCode::parse("parent", p).map_err(|_| StoreError::NotFound)?;
                q.and_where(Expr::col(("r", "parent_code")).eq(code.as_str()));
            }
            None => {
                // The roots of what the account sees: divisions whose parent is out of scope.
                let top = self.scope_roots(actor).await?;
                q.and_where(Expr::col(("r", "code")).is_in(top));
            }
        }
        let mut c = self.read().await?;
        c.conn().all(&q).await
    }

    /// The codes at the top of an account's view of the tree.
    async fn scope_roots(&self, actor: &Actor) -> Result<Vec<String>> {
        use safegrid_domain::access::Scope;
        Ok(match &actor.scope {
            Scope::Region { root } => vec![root.to_string()],
            Scope::Department { county, .. } => vec![county.to_string()],
            Scope::All => {
                let mut c = self.read().await?;
                let rows: Vec<(String,)> = c
                    .conn()
                    .all(
                        Query::select()
                            .column("code")
                            .from("regions")
                            .and_where(Expr::col("parent_code").is_null()),
                    )
                    .await?;
                rows.into_iter().map(|r| r.0).collect()
            }
            Scope::Unit { .. } | Scope::Administration => Vec::new(),
        })
    }

    /// The towns and villages an account may filter by, in code order, so each town comes
    /// just before its villages (a village's code starts with its town's nine digits). One
    /// read for every list page's town → village choice.
    pub async fn region_choices(&self, actor: &Actor) -> Result<Vec<crate::ScopeRegion>> {
        let mut c = self.read().await?;
        c.conn()
            .all(
                Query::select()
                    .columns([
                        ("r", "code"),
                        ("r", "parent_code"),
                        ("r", "name"),
                        ("r", "level"),
                    ])
                    .from_as("regions", "r")
                    .cond_where(scope::region_column(&actor.scope, ("r", "code")))
                    .and_where(
                        Expr::col(("r", "level"))
                            .is_in([RegionLevel::Town as i32, RegionLevel::Village as i32]),
                    )
                    .order_by(("r", "code"), Order::Asc),
            )
            .await
    }

    /// The chain from the top of the account's scope down to `code` (for breadcrumbs).
    pub async fn region_trail(&self, actor: &Actor, code: &str) -> Result<Vec<Region>> {
        let region = self.region(actor, code).await?;
        let codes: Vec<String> = region
            .path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        let mut q = region_select();
        q.and_where(Expr::col(("r", "code")).is_in(codes))
            .cond_where(scope::region_column(&actor.scope, ("r", "code")))
            .order_by(("r", "level"), Order::Asc);
        let mut c = self.read().await?;
        c.conn().all(&q).await
    }

    /// Adds a division under its parent, with the grids such a division has (a town its town
    /// grid and the departments' grids for it; a village its village grid and town zone).
    pub async fn create_region(&self, actor: &Actor, input: NewRegion) -> Result<Region> {
        if !may(actor, Verb::Write, Object::Organisation) {
            return Err(StoreError::Forbidden);
        }
        let NewRegion {
            code,
            parent_code,
            name,
            kind,
            sort_order,
        } = input;

        let mut tx = self.write().await?;
        let mut conn = tx.conn();
        let parent = match &parent_code {
            Some(p) => Some(
                find_region(&mut conn, actor, p)
                    .await?
                    .ok_or_else(|| Invalid::one("parent_code", "error.region_parent_unknown"))?,
            ),
            None if actor.scope == safegrid_domain::access::Scope::All => None,
            None => return Err(Invalid::one("parent_code", "error.region_parent_required").into()),
        };
        let parent_level = parent
            .as_ref()
            .and_then(|p| RegionLevel::from_number(p.level));
        let parent_ref = match (&parent_code, parent_level) {
            (Some(c), Some(l)) => Some((c, l)),
            _ => None,
        };
        check_child(&code, kind, parent_ref).map_err(Invalid::from)?;
        if find_region(&mut conn, &Actor::system(), &code)
            .await?
            .is_some()
        {
            return Err(Invalid::one("code", "error.region_code.taken").into());
        }

        let path = format!(
            "{}{}/",
            parent.as_ref().map_or("/", |p| p.path.as_str()),
            code
        );
        let county = code.county().map(|c| c.to_string());
        conn.insert(insert::row(
            "regions",
            [
                ("code", code.as_str().into()),
                (
                    "parent_code",
                    parent_code
                        .as_ref()
                        .map(std::string::ToString::to_string)
                        .into(),
                ),
                ("county_code", county.clone().into()),
                ("name", name.clone().into()),
                ("kind", kind.as_str().into()),
                ("level", code.level().number().into()),
                ("path", path.clone().into()),
                ("sort_order", sort_order.into()),
                ("created_at", now().into()),
            ],
        ))
        .await
        .map_err(|e| e.unique_as("code", "error.region_code.taken"))?;

        let grid_kinds: &[GridKind] = match kind {
            RegionKind::County => &[GridKind::County],
            RegionKind::Town | RegionKind::Street => &[GridKind::Town],
            RegionKind::Park => &[GridKind::Park],
            RegionKind::Village | RegionKind::Community => &[GridKind::TownZone, GridKind::Village],
            RegionKind::Province | RegionKind::City => &[],
        };
        if let Some(county) = &county {
            for &grid_kind in grid_kinds {
                super::grids::insert_grid(&mut conn, county, grid_kind, &name, code.as_str(), None)
                    .await?;
            }
            if matches!(
                kind,
                RegionKind::Town | RegionKind::Street | RegionKind::Park
            ) {
                super::departments::add_department_grids_for_town(
                    &mut conn,
                    county,
                    code.as_str(),
                    &name,
                )
                .await?;
            }
        }
        let region = find_region(&mut conn, &Actor::system(), &code)
            .await?
            .ok_or(StoreError::NotFound)?;
        tx.commit_audited(
            actor,
            Event {
                chain: county.as_deref().unwrap_or(audit::SYSTEM_CHAIN),
                action: "region.create",
                object_type: "region",
                object_id: Some(code.to_string()),
                detail: json!({ "name": name, "kind": kind.as_str(), "parent": parent_code.as_ref().map(std::string::ToString::to_string) }),
                outcome: "ok",
            },
        ).await?;
        Ok(region)
    }
}

/// A division if it exists and is in the actor's scope.
pub(crate) async fn find_region(
    conn: &mut Conn<'_>,
    actor: &Actor,
    code: &RegionCode,
) -> Result<Option<Region>> {
    let mut q = region_select();
    q.and_where(Expr::col(("r", "code")).eq(code.as_str()))
        .cond_where(scope::region_column(&actor.scope, ("r", "code")));
    conn.optional(&q).await
}
