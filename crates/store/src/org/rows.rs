//! The organisation's rows as the store returns them: divisions, departments, people, grids,
//! posts and their holders, the responsibility ledger and the leadership group.

use chrono::NaiveDate;
use safegrid_domain::org::{GridKind, PostKind};
use safegrid_domain::region::RegionKind;
use serde::Serialize;
use sqlx::FromRow;

#[derive(Debug, Clone, FromRow, Serialize, utoipa::ToSchema)]
pub struct Region {
    pub code: String,
    pub parent_code: Option<String>,
    pub county_code: Option<String>,
    pub name: String,
    #[sqlx(try_from = "String")]
    pub kind: RegionKind,
    pub level: i32,
    pub path: String,
    pub sort_order: i32,
}

/// A division with how many divisions and grids sit directly under it.
#[derive(Debug, Clone, FromRow, Serialize, utoipa::ToSchema)]
pub struct RegionNode {
    pub code: String,
    pub parent_code: Option<String>,
    pub name: String,
    #[sqlx(try_from = "String")]
    pub kind: RegionKind,
    pub level: i32,
    pub children: i64,
    pub grids: i64,
}

#[derive(Debug, Clone, FromRow, Serialize, utoipa::ToSchema)]
pub struct Sector {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub is_key: bool,
    pub is_high_risk: bool,
}

#[derive(Debug, Clone, FromRow, Serialize, utoipa::ToSchema)]
pub struct Department {
    pub id: i64,
    pub county_code: String,
    pub name: String,
    pub short_name: String,
    pub is_committee_office: bool,
    pub sort_order: i32,
}

/// A department's supervised sector.
#[derive(Debug, Clone, FromRow, Serialize, utoipa::ToSchema)]
pub struct DepartmentSector {
    pub department_id: i64,
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
}

#[derive(Debug, Clone, FromRow, Serialize, utoipa::ToSchema)]
pub struct Person {
    pub id: i64,
    pub county_code: String,
    pub name: String,
    pub phone: Option<String>,
    pub job_title: Option<String>,
    pub department_id: Option<i64>,
    pub region_code: Option<String>,
}

/// A grid as listed: where it is, whose it is, and how many posts are short of people today.
#[derive(Debug, Clone, FromRow, Serialize, utoipa::ToSchema)]
pub struct Grid {
    pub id: i64,
    pub county_code: String,
    #[sqlx(try_from = "String")]
    pub kind: GridKind,
    pub level: i32,
    pub name: String,
    pub region_code: String,
    pub region_name: String,
    pub department_id: Option<i64>,
    pub department_name: Option<String>,
    pub duties: Option<String>,
}

#[derive(Debug, Clone, FromRow, Serialize, utoipa::ToSchema)]
pub struct Post {
    pub id: i64,
    pub grid_id: i64,
    #[sqlx(try_from = "String")]
    pub kind: PostKind,
    pub required: i32,
    pub seats: i32,
    pub duties: Option<String>,
    pub sort_order: i32,
}

/// One person's holding of one post, with the person's contact.
#[derive(Debug, Clone, FromRow, Serialize, utoipa::ToSchema)]
pub struct Holding {
    pub id: i64,
    pub post_id: i64,
    pub person_id: i64,
    pub person_name: String,
    pub phone: Option<String>,
    pub job_title: Option<String>,
    pub started_on: NaiveDate,
    /// Exclusive: the first day no longer held.
    pub ended_on: Option<NaiveDate>,
    pub note: Option<String>,
}

impl Holding {
    pub fn held_on(&self, date: NaiveDate) -> bool {
        self.started_on <= date && self.ended_on.is_none_or(|end| date < end)
    }
}

/// A post with its whole history of holders, newest first.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PostWithHolders {
    #[serde(flatten)]
    pub post: Post,
    pub holdings: Vec<Holding>,
}

impl PostWithHolders {
    pub fn holders_on(&self, date: NaiveDate) -> impl Iterator<Item = &Holding> {
        self.holdings.iter().filter(move |h| h.held_on(date))
    }
}

/// A grid with all its posts and holders, and its staffing gaps as of a date.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct GridDetail {
    #[serde(flatten)]
    pub grid: Grid,
    pub posts: Vec<PostWithHolders>,
    pub gaps: Vec<safegrid_domain::org::StaffingGap>,
}

/// A grid in a list, with the number of its posts short of people today.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct GridListItem {
    #[serde(flatten)]
    pub grid: Grid,
    pub gaps: Vec<safegrid_domain::org::StaffingGap>,
}

/// One line of the responsibility ledger (监管责任台账): a current holder of a post.
#[derive(Debug, Clone, FromRow, Serialize, utoipa::ToSchema)]
pub struct LedgerLine {
    pub grid_id: i64,
    pub grid_name: String,
    #[sqlx(try_from = "String")]
    pub grid_kind: GridKind,
    pub grid_level: i32,
    pub region_code: String,
    pub region_name: String,
    pub department_name: Option<String>,
    #[sqlx(try_from = "String")]
    pub post_kind: PostKind,
    pub post_duties: Option<String>,
    pub person_name: Option<String>,
    pub phone: Option<String>,
    pub job_title: Option<String>,
    pub started_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, FromRow, Serialize, utoipa::ToSchema)]
pub struct LeadershipMember {
    pub id: i64,
    pub person_id: i64,
    pub person_name: String,
    pub group_role: String,
    pub government_post: String,
    pub committee_post: Option<String>,
    pub sort_order: i32,
}

#[derive(Debug, Clone, FromRow, Serialize, utoipa::ToSchema)]
pub struct Portfolio {
    pub member_id: i64,
    pub department_id: i64,
    pub department_name: String,
}

#[derive(Debug, Clone, FromRow, Serialize, utoipa::ToSchema)]
pub struct LeadershipOffice {
    pub department_id: i64,
    pub department_name: String,
    pub director_name: Option<String>,
}

/// The county's leadership group (领导小组), its office and the deputies' portfolios.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Leadership {
    pub members: Vec<LeadershipMember>,
    pub portfolios: Vec<Portfolio>,
    pub office: Option<LeadershipOffice>,
}
