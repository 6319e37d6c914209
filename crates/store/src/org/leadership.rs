//! The leadership group for grid supervision (领导小组, R-ORG-1), its office, and the deputy
//! county heads' portfolios of departments (一岗双责, R-ORG-2).

use crate::audit::Event;
use crate::db::Store;
use crate::insert;
use crate::{Leadership, LeadershipMember, LeadershipOffice, Portfolio, Result, StoreError, scope};
use safegrid_domain::access::Actor;
use safegrid_domain::invalid::Invalid;
use safegrid_domain::org::input::NewLeadershipMember;
use safegrid_domain::policy::{Object, Verb, may};
use sea_query::{Expr, ExprTrait, JoinType, Order, Query};
use serde_json::json;

/// The county's leadership-group office (领导小组办公室): the department that hosts it and its
/// director.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct NewOffice {
    pub department_id: i64,
    pub director_person_id: Option<i64>,
}

impl Store {
    /// The leadership group of the account's county.
    pub async fn leadership(&self, actor: &Actor) -> Result<Leadership> {
        let mut c = self.read().await?;
        let mut conn = c.conn();
        let members: Vec<LeadershipMember> = conn
            .all(
                Query::select()
                    .columns(
                        [
                            "id",
                            "person_id",
                            "group_role",
                            "government_post",
                            "committee_post",
                            "sort_order",
                        ]
                        .map(|c| ("m", c)),
                    )
                    .expr_as(Expr::col(("p", "name")), "person_name")
                    .from_as("leadership_members", "m")
                    .join_as(
                        JoinType::InnerJoin,
                        "people",
                        "p",
                        Expr::col(("p", "id")).equals(("m", "person_id")),
                    )
                    .cond_where(scope::county_column(&actor.scope, ("m", "county_code")))
                    .order_by(("m", "sort_order"), Order::Asc)
                    .order_by(("m", "id"), Order::Asc),
            )
            .await?;
        let ids: Vec<i64> = members.iter().map(|m| m.id).collect();
        let portfolios: Vec<Portfolio> = if ids.is_empty() {
            Vec::new()
        } else {
            conn.all(
                Query::select()
                    .columns([("f", "member_id"), ("f", "department_id")])
                    .expr_as(Expr::col(("d", "short_name")), "department_name")
                    .from_as("portfolios", "f")
                    .join_as(
                        JoinType::InnerJoin,
                        "departments",
                        "d",
                        Expr::col(("d", "id")).equals(("f", "department_id")),
                    )
                    .and_where(Expr::col(("f", "member_id")).is_in(ids))
                    .order_by(("d", "sort_order"), Order::Asc),
            )
            .await?
        };
        let office: Option<LeadershipOffice> = conn
            .optional(
                Query::select()
                    .column(("o", "department_id"))
                    .expr_as(Expr::col(("d", "name")), "department_name")
                    .expr_as(Expr::col(("p", "name")), "director_name")
                    .from_as("leadership_offices", "o")
                    .join_as(
                        JoinType::InnerJoin,
                        "departments",
                        "d",
                        Expr::col(("d", "id")).equals(("o", "department_id")),
                    )
                    .join_as(
                        JoinType::LeftJoin,
                        "people",
                        "p",
                        Expr::col(("p", "id")).equals(("o", "director_person_id")),
                    )
                    .cond_where(scope::county_column(&actor.scope, ("o", "county_code"))),
            )
            .await?;
        Ok(Leadership {
            members,
            portfolios,
            office,
        })
    }

    /// Adds a member to the county's leadership group (with a deputy's portfolio).
    pub async fn add_leadership_member(
        &self,
        actor: &Actor,
        input: NewLeadershipMember,
    ) -> Result<i64> {
        if !may(actor, Verb::Write, Object::Organisation) {
            return Err(StoreError::Forbidden);
        }
        let post = input.government_post.clone();
        let committee = input.committee_post.clone();
        let mut tx = self.write().await?;
        let mut conn = tx.conn();
        let person = super::people::find_person(&mut conn, actor, input.person_id)
            .await
            .map_err(|e| match e {
                StoreError::NotFound => Invalid::one("person_id", "error.person_unknown").into(),
                e => e,
            })?;
        if person.county_code != input.county.as_str() {
            return Err(Invalid::one("county_code", "error.county_unknown").into());
        }
        let id = conn
            .insert_id(
                insert::row(
                    "leadership_members",
                    [
                        ("county_code", input.county.as_str().into()),
                        ("person_id", input.person_id.into()),
                        ("group_role", input.group_role.as_str().into()),
                        ("government_post", post.into()),
                        ("committee_post", committee.into()),
                        ("sort_order", input.sort_order.into()),
                    ],
                )
                .returning_col("id"),
            )
            .await?;
        for department in &input.portfolio {
            conn.insert(insert::row(
                "portfolios",
                [
                    ("member_id", id.into()),
                    ("department_id", (*department).into()),
                    ("county_code", input.county.as_str().into()),
                ],
            ))
            .await?;
        }
        tx.commit_audited(
            actor,
            Event {
                chain: input.county.as_str(),
                action: "leadership.add_member",
                object_type: "leadership_member",
                object_id: Some(id.to_string()),
                detail: json!({ "person": input.person_id, "role": input.group_role, "portfolio": input.portfolio }),
                outcome: "ok",
            },
        ).await?;
        Ok(id)
    }

    /// Sets the department that hosts the leadership group's office, and its director.
    pub async fn set_leadership_office(&self, actor: &Actor, input: NewOffice) -> Result<()> {
        if !may(actor, Verb::Write, Object::Organisation) {
            return Err(StoreError::Forbidden);
        }
        let department =
            self.department(actor, input.department_id)
                .await
                .map_err(|e| match e {
                    StoreError::NotFound => {
                        Invalid::one("department_id", "error.department_unknown").into()
                    }
                    e => e,
                })?;
        let mut tx = self.write().await?;
        let mut conn = tx.conn();
        conn.delete(
            Query::delete()
                .from_table("leadership_offices")
                .and_where(Expr::col("county_code").eq(department.county_code.as_str())),
        )
        .await?;
        conn.insert(insert::row(
            "leadership_offices",
            [
                ("county_code", department.county_code.as_str().into()),
                ("department_id", department.id.into()),
                ("director_person_id", input.director_person_id.into()),
            ],
        ))
        .await?;
        tx.commit_audited(
            actor,
            Event {
                chain: &department.county_code,
                action: "leadership.set_office",
                object_type: "leadership_office",
                object_id: Some(department.county_code.clone()),
                detail: json!({ "department": department.id, "director": input.director_person_id }),
                outcome: "ok",
            },
        ).await
    }
}
