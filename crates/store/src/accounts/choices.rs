//! What an account's scope can be chosen from, for the administrator who creates accounts:
//! the divisions, the departments and the units by name. The administrator sees no supervision
//! data; names and places are what a scope is chosen by, and nothing more is read.

use crate::db::Store;
use crate::{PageRequest, Result, StoreError, UnitFilter};
use safegrid_domain::access::Actor;
use safegrid_domain::policy::{Object, Verb, may};
use sea_query::{Expr, ExprTrait, Order, Query};
use serde::Serialize;
use sqlx::FromRow;

/// A division a scope may be: the county, a town or a village.
#[derive(Debug, Clone, FromRow, Serialize)]
pub struct ScopeRegion {
    pub code: String,
    pub parent_code: Option<String>,
    pub name: String,
    pub level: i32,
}

/// A unit to give a manager's account to.
#[derive(Debug, Clone, Serialize)]
pub struct ScopeUnit {
    pub id: i64,
    pub name: String,
    pub place: String,
}

impl Store {
    /// Counties, towns and villages in the tree's order: towns after their county, villages
    /// after their town.
    pub async fn regions_to_assign(&self, actor: &Actor) -> Result<Vec<ScopeRegion>> {
        if !may(actor, Verb::Write, Object::Account) {
            return Err(StoreError::Forbidden);
        }
        let mut c = self.read().await?;
        c.conn()
            .all(
                Query::select()
                    .columns(["code", "parent_code", "name", "level"])
                    .from("regions")
                    .and_where(Expr::col("level").gte(3))
                    .order_by("code", Order::Asc),
            )
            .await
    }

    /// Units whose name, address, credit code or pinyin initials match, at most 20.
    pub async fn units_to_assign(&self, actor: &Actor, query: &str) -> Result<Vec<ScopeUnit>> {
        if !may(actor, Verb::Write, Object::Account) {
            return Err(StoreError::Forbidden);
        }
        let query = query.trim();
        if query.is_empty() {
            return Ok(Vec::new());
        }
        let filter = UnitFilter {
            q: Some(query.to_owned()),
            ..Default::default()
        };
        let page = self
            .units(
                &Actor::system(),
                &filter,
                PageRequest::new(Some(1), Some(20)),
            )
            .await?;
        Ok(page
            .items
            .into_iter()
            .map(|u| ScopeUnit {
                id: u.id,
                place: u.region_name.or(u.address).unwrap_or_default(),
                name: u.name,
            })
            .collect())
    }

    /// The names of these units, for a list of accounts.
    pub async fn unit_names(&self, actor: &Actor, ids: &[i64]) -> Result<Vec<(i64, String)>> {
        if !may(actor, Verb::Write, Object::Account) {
            return Err(StoreError::Forbidden);
        }
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut c = self.read().await?;
        c.conn()
            .all(
                Query::select()
                    .columns(["id", "name"])
                    .from("units")
                    .and_where(Expr::col("id").is_in(ids.iter().copied())),
            )
            .await
    }
}
