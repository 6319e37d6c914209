use crate::audit::now;
use crate::db::{Conn, Store};
use crate::insert;
use crate::{
    Grid, GridDetail, GridListItem, Holding, Page, PageRequest, Post, PostWithHolders, Result,
    scope,
};
use chrono::NaiveDate;
use safegrid_domain::access::Actor;
use safegrid_domain::org::{
    GridKind, PostKind, PostStaffing, StaffingGap, default_posts, staffing_gaps,
};
use safegrid_domain::region::RegionCode;
use sea_query::{Cond, Expr, ExprTrait, JoinType, Order, Query, SelectStatement};
use std::collections::HashMap;

/// Which grids to list. Every filter narrows; none widens past the account's scope.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct GridFilter {
    /// Grids in this division's subtree.
    pub region: Option<String>,
    pub department: Option<i64>,
    pub kind: Option<String>,
    pub level: Option<i32>,
    /// Only grids with a post short of people today.
    #[serde(default)]
    pub gaps_only: bool,
}

pub(crate) fn grid_select() -> SelectStatement {
    let mut q = Query::select();
    q.columns(
        [
            "id",
            "county_code",
            "kind",
            "level",
            "name",
            "region_code",
            "department_id",
            "duties",
        ]
        .map(|c| ("g", c)),
    )
    .expr_as(Expr::col(("r", "name")), "region_name")
    .expr_as(Expr::col(("d", "short_name")), "department_name")
    .from_as("grids", "g")
    .join_as(
        JoinType::InnerJoin,
        "regions",
        "r",
        Expr::col(("r", "code")).equals(("g", "region_code")),
    )
    .join_as(
        JoinType::LeftJoin,
        "departments",
        "d",
        Expr::col(("d", "id")).equals(("g", "department_id")),
    );
    q
}

/// A grid that is short of people on `date`: some post has fewer holders than it requires.
pub(crate) fn understaffed_on(date: NaiveDate) -> Expr {
    Expr::exists(
        Query::select()
            .expr(Expr::val(1))
            .from_as("posts", "p")
            .and_where(Expr::col(("p", "grid_id")).equals(("g", "id")))
            .and_where(Expr::col(("p", "required")).gt(holders_on(date)))
            .to_owned(),
    )
}

/// How many people hold the post `p` on `date`, as a correlated subquery.
fn holders_on(date: NaiveDate) -> Expr {
    let count = Query::select()
        .expr(Expr::cust("COUNT(*)"))
        .from_as("holdings", "h")
        .and_where(Expr::col(("h", "post_id")).equals(("p", "id")))
        .and_where(Expr::col(("h", "started_on")).lte(date))
        .cond_where(
            Cond::any()
                .add(Expr::col(("h", "ended_on")).is_null())
                .add(Expr::col(("h", "ended_on")).gt(date)),
        )
        .to_owned();
    Expr::SubQuery(None, Box::new(count.into()))
}

impl GridFilter {
    /// The filter as a condition; a malformed filter value matches nothing rather than erroring,
    /// as a link with a stale parameter should show an empty list.
    pub(crate) fn condition(&self, today: NaiveDate) -> Cond {
        let mut cond = Cond::all();
        if let Some(region) = self.region.as_deref().filter(|s| !s.is_empty()) {
            match RegionCode::parse("region", region) {
                Ok(code) => {
                    let (low, high) = code.subtree_bounds();
                    cond = cond.add(Expr::col(("g", "region_code")).between(low, high));
                }
                Err(_) => cond = cond.add(scope::nothing()),
            }
        }
        if let Some(d) = self.department {
            cond = cond.add(Expr::col(("g", "department_id")).eq(d));
        }
        if let Some(kind) = self.kind.as_deref().filter(|s| !s.is_empty()) {
            cond = cond.add(Expr::col(("g", "kind")).eq(kind));
        }
        if let Some(level) = self.level {
            cond = cond.add(Expr::col(("g", "level")).eq(level));
        }
        if self.gaps_only {
            cond = cond.add(understaffed_on(today));
        }
        cond
    }
}

impl Store {
    /// Grids in scope matching the filter, a page at a time, each with its staffing gaps today.
    pub async fn grids(
        &self,
        actor: &Actor,
        filter: &GridFilter,
        page: PageRequest,
    ) -> Result<Page<GridListItem>> {
        let today = safegrid_domain::time::today();
        let cond = Cond::all()
            .add(scope::grids(&actor.scope))
            .add(filter.condition(today));
        let mut c = self.read().await?;
        let mut conn = c.conn();
        let cond_count = cond.clone();
        let mut q = grid_select();
        q.cond_where(cond)
            .order_by(("g", "level"), Order::Asc)
            .order_by(("g", "region_code"), Order::Asc)
            .order_by(("g", "kind"), Order::Asc)
            .order_by(("g", "id"), Order::Asc);
        let count = Query::select()
            .expr(Expr::cust("COUNT(*)"))
            .from_as("grids", "g")
            .cond_where(cond_count)
            .to_owned();
        let found: Page<Grid> = conn.page_counted(&q, &count, page).await?;
        let total = found.total;
        let grids = found.items;
        let ids: Vec<i64> = grids.iter().map(|g| g.id).collect();
        let mut gaps = gaps_of(&mut conn, &ids, today).await?;
        let items = grids
            .into_iter()
            .map(|grid| GridListItem {
                gaps: gaps.remove(&grid.id).unwrap_or_default(),
                grid,
            })
            .collect();
        Ok(Page {
            items,
            total,
            page: page.page,
            per_page: page.per_page,
        })
    }

    /// One grid with every post and the whole history of its holders, and its gaps on `date`.
    pub async fn grid(&self, actor: &Actor, id: i64, date: NaiveDate) -> Result<GridDetail> {
        let mut c = self.read().await?;
        let mut conn = c.conn();
        let grid = find_grid(&mut conn, actor, id).await?;
        let posts: Vec<Post> = conn
            .all(
                Query::select()
                    .columns([
                        "id",
                        "grid_id",
                        "kind",
                        "required",
                        "seats",
                        "duties",
                        "sort_order",
                    ])
                    .from("posts")
                    .and_where(Expr::col("grid_id").eq(id))
                    .order_by("sort_order", Order::Asc),
            )
            .await?;
        let holdings = holdings_of(&mut conn, posts.iter().map(|p| p.id).collect()).await?;
        let mut by_post: HashMap<i64, Vec<Holding>> = HashMap::new();
        for h in holdings {
            by_post.entry(h.post_id).or_default().push(h);
        }
        let posts: Vec<PostWithHolders> = posts
            .into_iter()
            .map(|post| PostWithHolders {
                holdings: by_post.remove(&post.id).unwrap_or_default(),
                post,
            })
            .collect();
        let staffing: Vec<PostStaffing> = posts.iter().map(|p| staffing_row(p, date)).collect();
        Ok(GridDetail {
            gaps: staffing_gaps(&staffing),
            grid,
            posts,
        })
    }
}

fn staffing_row(p: &PostWithHolders, date: NaiveDate) -> PostStaffing {
    PostStaffing {
        post: p.post.kind,
        required: p.post.required,
        seats: p.post.seats,
        holders: i32::try_from(p.holders_on(date).count()).unwrap_or(i32::MAX),
    }
}

/// A grid if it exists and is in scope.
pub(crate) async fn find_grid(conn: &mut Conn<'_>, actor: &Actor, id: i64) -> Result<Grid> {
    let mut q = grid_select();
    q.and_where(Expr::col(("g", "id")).eq(id))
        .cond_where(scope::grids(&actor.scope));
    conn.one(&q).await
}

/// Holdings of the given posts, newest first, with the people's names and contacts.
pub(crate) async fn holdings_of(conn: &mut Conn<'_>, post_ids: Vec<i64>) -> Result<Vec<Holding>> {
    if post_ids.is_empty() {
        return Ok(Vec::new());
    }
    conn.all(
        Query::select()
            .columns(
                [
                    "id",
                    "post_id",
                    "person_id",
                    "started_on",
                    "ended_on",
                    "note",
                ]
                .map(|c| ("h", c)),
            )
            .expr_as(Expr::col(("p", "name")), "person_name")
            .columns([("p", "phone"), ("p", "job_title")])
            .from_as("holdings", "h")
            .join_as(
                JoinType::InnerJoin,
                "people",
                "p",
                Expr::col(("p", "id")).equals(("h", "person_id")),
            )
            .and_where(Expr::col(("h", "post_id")).is_in(post_ids))
            .order_by(("h", "post_id"), Order::Asc)
            .order_by(("h", "started_on"), Order::Desc)
            .order_by(("h", "id"), Order::Desc),
    )
    .await
}

#[derive(sqlx::FromRow)]
struct GapRow {
    grid_id: i64,
    kind: String,
    required: i32,
    holders: i64,
}

/// The staffing gaps of the given grids on `date`, in one query that returns only the posts
/// short of people (a list of grids is mostly fully staffed, so few rows come back).
pub(crate) async fn gaps_of(
    conn: &mut Conn<'_>,
    grid_ids: &[i64],
    date: NaiveDate,
) -> Result<HashMap<i64, Vec<StaffingGap>>> {
    let mut out: HashMap<i64, Vec<StaffingGap>> = HashMap::new();
    if grid_ids.is_empty() {
        return Ok(out);
    }
    let rows: Vec<GapRow> = conn
        .all(
            Query::select()
                .columns([("p", "grid_id"), ("p", "kind"), ("p", "required")])
                .expr_as(holders_on(date), "holders")
                .from_as("posts", "p")
                .and_where(Expr::col(("p", "grid_id")).is_in(grid_ids.iter().copied()))
                .and_where(Expr::col(("p", "required")).gt(holders_on(date)))
                .order_by(("p", "grid_id"), Order::Asc)
                .order_by(("p", "sort_order"), Order::Asc),
        )
        .await?;
    for r in rows {
        if let Ok(post) = PostKind::parse("kind", &r.kind) {
            out.entry(r.grid_id).or_default().push(StaffingGap {
                post,
                required: r.required,
                holders: i32::try_from(r.holders).unwrap_or(i32::MAX),
            });
        }
    }
    Ok(out)
}

/// Creates a grid with the posts its kind is set up with.
pub(crate) async fn insert_grid(
    conn: &mut Conn<'_>,
    county: &str,
    kind: GridKind,
    name: &str,
    region_code: &str,
    department_id: Option<i64>,
) -> Result<i64> {
    let id = conn
        .insert_id(
            insert::row(
                "grids",
                [
                    ("county_code", county.into()),
                    ("kind", kind.as_str().into()),
                    ("level", kind.level().into()),
                    ("name", name.into()),
                    ("region_code", region_code.into()),
                    ("department_id", department_id.into()),
                    ("created_at", now().into()),
                ],
            )
            .returning_col("id"),
        )
        .await?;
    for (i, rule) in default_posts(kind).iter().enumerate() {
        conn.insert(insert::row(
            "posts",
            [
                ("grid_id", id.into()),
                ("kind", rule.post.as_str().into()),
                ("required", rule.required.into()),
                ("seats", rule.seats.into()),
                ("sort_order", i32::try_from(i).unwrap_or(0).into()),
                ("county_code", county.into()),
            ],
        ))
        .await?;
    }
    Ok(id)
}
