//! Scope filters as query conditions: the one place that turns a `Scope` into SQL.

use safegrid_domain::access::Scope;
use sea_query::{Cond, Expr, ExprTrait};

/// Rows whose region column lies in the scope's region subtree.
pub(crate) fn region_column(scope: &Scope, column: (&'static str, &'static str)) -> Cond {
    match scope {
        Scope::All => Cond::all(),
        Scope::Region { root } => {
            let (low, high) = root.subtree_bounds();
            Cond::all().add(Expr::col(column).between(low, high))
        }
        // Department staff see the whole county's divisions (they supervise across its towns).
        Scope::Department { county, .. } => {
            let (low, high) = county.subtree_bounds();
            Cond::all().add(Expr::col(column).between(low, high))
        }
        Scope::Unit { .. } | Scope::Administration => nothing(),
    }
}

/// Grids the scope may see: a region subtree's grids, or a department's own grids.
pub(crate) fn grids(scope: &Scope) -> Cond {
    match scope {
        Scope::Department { department_id, .. } => {
            Cond::all().add(Expr::col(("g", "department_id")).eq(*department_id))
        }
        other => region_column(other, ("g", "region_code")),
    }
}

/// Rows keyed by county: the scope's county, or nothing.
pub(crate) fn county_column(scope: &Scope, column: (&'static str, &'static str)) -> Cond {
    match scope {
        Scope::All => Cond::all(),
        Scope::Administration => nothing(),
        other => match other.county() {
            Some(county) => Cond::all().add(Expr::col(column).eq(county.as_str())),
            None => nothing(),
        },
    }
}

/// A condition no row meets.
pub(crate) fn nothing() -> Cond {
    Cond::all().add(Expr::val(1).eq(0))
}
