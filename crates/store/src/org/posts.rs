//! Appointing people to posts, replacing them and leaving posts vacant. History is never
//! overwritten: a replacement ends the old holding on the day the new one starts.

use super::grids::find_grid;
use super::people::{find_person, insert_person, person_created};
use crate::audit::{self, Event};
use crate::db::{Conn, Store, county_of};
use crate::insert;
use crate::{Grid, Holding, Post, Result, StoreError};
use chrono::NaiveDate;
use safegrid_domain::access::Actor;
use safegrid_domain::invalid::{Invalid, Violation};
use safegrid_domain::policy::{GridRef, may_manage_posts};
use safegrid_domain::region::RegionCode;
use safegrid_domain::tenure::Tenure;
use sea_query::{Cond, Expr, ExprTrait, JoinType, LockType, Query};
use serde_json::json;

use safegrid_domain::org::input::{Appointment, PersonChoice, Replacement, Vacancy};

/// A post and its grid, loaded for a change and checked against the actor's rights.
async fn post_for_change(conn: &mut Conn<'_>, actor: &Actor, post_id: i64) -> Result<(Post, Grid)> {
    let post: Post = conn
        .one(
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
                .and_where(Expr::col("id").eq(post_id))
                // Holds the post's row until commit on PostgreSQL, so two appointments to the
                // same post are checked one after the other.
                .lock(LockType::Update),
        )
        .await?;
    let grid = find_grid(conn, actor, post.grid_id).await?;
    let kind = grid.kind;
    let region = RegionCode::parse("region", &grid.region_code)?;
    let grid_ref = GridRef {
        kind,
        region: &region,
        department_id: grid.department_id,
    };
    if !may_manage_posts(actor, &grid_ref) {
        return Err(StoreError::Forbidden);
    }
    Ok((post, grid))
}

/// How many holdings of the post overlap the tenure (optionally leaving one out), and whether
/// the person is among them.
async fn overlapping(
    conn: &mut Conn<'_>,
    post_id: i64,
    tenure: &Tenure,
    person_id: i64,
    except: Option<i64>,
) -> Result<(i32, bool)> {
    let mut cond = Cond::all().add(Expr::col("post_id").eq(post_id)).add(
        Cond::any()
            .add(Expr::col("ended_on").is_null())
            .add(Expr::col("ended_on").gt(tenure.started_on)),
    );
    if let Some(end) = tenure.ended_on {
        cond = cond.add(Expr::col("started_on").lt(end));
    }
    if let Some(id) = except {
        cond = cond.add(Expr::col("id").ne(id));
    }
    let rows: Vec<(i64, i64)> = conn
        .all(
            Query::select()
                .columns(["id", "person_id"])
                .from("holdings")
                .cond_where(cond),
        )
        .await?;
    let count = i32::try_from(rows.len()).unwrap_or(i32::MAX);
    Ok((count, rows.iter().any(|r| r.1 == person_id)))
}

async fn resolve_person(conn: &mut Conn<'_>, actor: &Actor, choice: PersonChoice) -> Result<i64> {
    match choice {
        PersonChoice::Existing(id) => match find_person(conn, actor, id).await {
            Ok(p) => Ok(p.id),
            Err(StoreError::NotFound) => {
                Err(Invalid::one("person_id", "error.person_unknown").into())
            }
            Err(e) => Err(e),
        },
        PersonChoice::New(new) => {
            let id = insert_person(conn, actor, new).await?;
            let person = find_person(conn, &Actor::system(), id).await?;
            audit::record(conn, actor, person_created(&person)).await?;
            Ok(id)
        }
    }
}

async fn insert_holding(
    conn: &mut Conn<'_>,
    actor: &Actor,
    post_id: i64,
    person_id: i64,
    tenure: &Tenure,
    note: Option<String>,
) -> Result<i64> {
    conn.insert_id(
        insert::row(
            "holdings",
            [
                ("post_id", post_id.into()),
                ("person_id", person_id.into()),
                ("started_on", tenure.started_on.into()),
                ("ended_on", tenure.ended_on.into()),
                ("note", note.into()),
                ("created_at", audit::now().into()),
                ("created_by", actor.account_id.into()),
                ("county_code", county_of("posts", post_id)),
            ],
        )
        .returning_col("id"),
    )
    .await
}

fn check_room(post: &Post, taken: i32, already: bool) -> Result<()> {
    if already {
        return Err(Invalid::one("person_id", "error.already_holds").into());
    }
    if taken >= post.seats {
        return Err(Violation::new("person_id", "error.post_full")
            .with("seats", post.seats)
            .into());
    }
    Ok(())
}

impl Store {
    /// Appoints a person to a post with free seats over the tenure.
    pub async fn appoint(
        &self,
        actor: &Actor,
        post_id: i64,
        input: Appointment,
    ) -> Result<Holding> {
        let tenure = input.tenure;
        let note = input.note;
        let mut tx = self.write().await?;
        let mut conn = tx.conn();
        let (post, grid) = post_for_change(&mut conn, actor, post_id).await?;
        let person_id = resolve_person(&mut conn, actor, input.person).await?;
        let (taken, already) = overlapping(&mut conn, post.id, &tenure, person_id, None).await?;
        check_room(&post, taken, already)?;
        let id = insert_holding(&mut conn, actor, post.id, person_id, &tenure, note).await?;
        let holding = find_holding(&mut conn, id).await?;
        tx.commit_audited(
            actor,
            Event {
                chain: &grid.county_code,
                action: "post.appoint",
                object_type: "post",
                object_id: Some(post.id.to_string()),
                detail: json!({ "grid": grid.id, "post": post.kind, "person": person_id, "holding": id,
                    "started_on": tenure.started_on, "ended_on": tenure.ended_on }),
                outcome: "ok",
            },
        ).await?;
        Ok(holding)
    }

    /// Hands a holding over to another person on a date: the old holding ends that day and
    /// the new one starts it, keeping the old one's planned end, if any.
    pub async fn replace_holder(
        &self,
        actor: &Actor,
        holding_id: i64,
        input: Replacement,
    ) -> Result<Holding> {
        let on = input.on;
        let note = input.note;
        let mut tx = self.write().await?;
        let mut conn = tx.conn();
        let old = find_holding(&mut conn, holding_id).await?;
        let (post, grid) = post_for_change(&mut conn, actor, old.post_id).await?;
        let old_tenure = Tenure {
            started_on: old.started_on,
            ended_on: old.ended_on,
        };
        if !old_tenure.covers(on) {
            let key = if on < old.started_on {
                "error.replace_before_start"
            } else {
                "error.replace_after_end"
            };
            return Err(Violation::new("on", key)
                .with("date", old.started_on)
                .into());
        }
        let ended_old = old_tenure.end_on(on)?;
        let person_id = resolve_person(&mut conn, actor, input.person).await?;
        if person_id == old.person_id {
            return Err(Invalid::one("person_id", "error.same_person").into());
        }
        let tenure = Tenure::new(on, old.ended_on)?;
        let (taken, already) =
            overlapping(&mut conn, post.id, &tenure, person_id, Some(old.id)).await?;
        check_room(&post, taken, already)?;
        set_end(&mut conn, old.id, ended_old.ended_on).await?;
        let id = insert_holding(&mut conn, actor, post.id, person_id, &tenure, note).await?;
        let holding = find_holding(&mut conn, id).await?;
        tx.commit_audited(
            actor,
            Event {
                chain: &grid.county_code,
                action: "post.replace",
                object_type: "post",
                object_id: Some(post.id.to_string()),
                detail: json!({ "grid": grid.id, "post": post.kind, "from_person": old.person_id,
                    "to_person": person_id, "on": on, "ended_holding": old.id, "holding": id }),
                outcome: "ok",
            },
        )
        .await?;
        Ok(holding)
    }

    /// Ends a holding without a successor (the post becomes vacant from that day).
    pub async fn end_holding(
        &self,
        actor: &Actor,
        holding_id: i64,
        input: Vacancy,
    ) -> Result<Holding> {
        let ended_on = input.ended_on;
        let mut tx = self.write().await?;
        let mut conn = tx.conn();
        let old = find_holding(&mut conn, holding_id).await?;
        let (post, grid) = post_for_change(&mut conn, actor, old.post_id).await?;
        if old.ended_on.is_some() {
            return Err(Invalid::one("ended_on", "error.already_ended").into());
        }
        let tenure = Tenure::new(old.started_on, Some(ended_on))?;
        set_end(&mut conn, old.id, tenure.ended_on).await?;
        let holding = find_holding(&mut conn, old.id).await?;
        tx.commit_audited(
            actor,
            Event {
                chain: &grid.county_code,
                action: "post.vacate",
                object_type: "post",
                object_id: Some(post.id.to_string()),
                detail: json!({ "grid": grid.id, "post": post.kind, "person": old.person_id, "holding": old.id, "ended_on": ended_on }),
                outcome: "ok",
            },
        ).await?;
        Ok(holding)
    }

    /// The holding a change refers to, if its grid is in scope (for the forms that show it).
    pub async fn holding(&self, actor: &Actor, holding_id: i64) -> Result<(Holding, Grid)> {
        let mut c = self.read().await?;
        let mut conn = c.conn();
        let holding = find_holding(&mut conn, holding_id).await?;
        let (grid_id,): (i64,) = conn
            .one(
                Query::select()
                    .column("grid_id")
                    .from("posts")
                    .and_where(Expr::col("id").eq(holding.post_id)),
            )
            .await?;
        let grid = find_grid(&mut conn, actor, grid_id).await?;
        Ok((holding, grid))
    }
}

async fn set_end(conn: &mut Conn<'_>, holding_id: i64, ended_on: Option<NaiveDate>) -> Result<()> {
    conn.update(
        Query::update()
            .table("holdings")
            .value("ended_on", ended_on)
            .and_where(Expr::col("id").eq(holding_id)),
    )
    .await?;
    Ok(())
}

/// A holding by id (callers check the scope through its grid).
async fn find_holding(conn: &mut Conn<'_>, id: i64) -> Result<Holding> {
    conn.one(
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
            .and_where(Expr::col(("h", "id")).eq(id)),
    )
    .await
}
