//! Reading accounts: by name, a page for the administrators, and one an administrator may
//! act on.

use super::login_name;
use super::rows::{Account, account_select};
use crate::db::Store;
use crate::{Page, PageRequest, Result, StoreError};
use safegrid_domain::access::{
    AccountAction, AccountTarget, Actor, Scope, may_act_on, may_manage_accounts,
};
use safegrid_domain::invalid::Invalid;
use sea_query::{Expr, ExprTrait, Order, Query};

impl Store {
    pub async fn account_by_username(&self, username: &str) -> Result<Option<Account>> {
        let mut c = self.read().await?;
        c.conn()
            .optional(account_select().and_where(Expr::col("username").eq(login_name(username))))
            .await
    }

    /// Accounts, a page at a time, for the system and security administrators.
    pub async fn accounts(&self, actor: &Actor, page: PageRequest) -> Result<Page<Account>> {
        if !may_manage_accounts(actor.role) && actor.scope != Scope::All {
            return Err(StoreError::Forbidden);
        }
        let mut c = self.read().await?;
        c.conn()
            .page(account_select().order_by("id", Order::Asc), page)
            .await
    }

    pub(super) async fn account(&self, id: i64) -> Result<Account> {
        let mut c = self.read().await?;
        c.conn()
            .one(account_select().and_where(Expr::col("id").eq(id)))
            .await
    }

    /// An account an administrator is about to act on, if the table of who may do what to
    /// which account (`access::may_act_on`) lets this actor take `action` on it. Never one's
    /// own account: that is changed with the old password (`change_own_password`).
    pub async fn account_to_act_on(
        &self,
        actor: &Actor,
        id: i64,
        action: AccountAction,
    ) -> Result<Account> {
        if !may_manage_accounts(actor.role) && actor.scope != Scope::All {
            return Err(StoreError::Forbidden);
        }
        let account = self.account(id).await?;
        let target = AccountTarget {
            id,
            role: account.role,
        };
        if !may_act_on(actor, action, target) {
            return Err(if actor.account_id == Some(id) {
                Invalid::one("id", "error.own_account").into()
            } else {
                StoreError::Forbidden
            });
        }
        Ok(account)
    }

    /// Whether any account exists (a fresh database needs the demo or an admin).
    pub async fn has_accounts(&self) -> Result<bool> {
        let mut c = self.read().await?;
        let n = c
            .conn()
            .scalar(
                Query::select()
                    .expr(Expr::col("id").count())
                    .from("accounts"),
            )
            .await?;
        Ok(n > 0)
    }
}
