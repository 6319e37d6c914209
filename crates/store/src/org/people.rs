use crate::audit::{Event, now};
use crate::db::{Conn, Store};
use crate::insert;
use crate::{Page, PageRequest, Person, Result, StoreError, scope};
use safegrid_domain::access::{Actor, Scope};
use safegrid_domain::invalid::Invalid;
use safegrid_domain::org::input::NewPerson;
use safegrid_domain::policy::{Object, Verb, may};
use sea_query::{Cond, Expr, ExprTrait, Order, Query, SelectStatement};
use serde_json::json;

fn person_select() -> SelectStatement {
    let mut q = Query::select();
    q.columns(
        [
            "id",
            "county_code",
            "name",
            "phone",
            "job_title",
            "department_id",
            "region_code",
        ]
        .map(|c| ("p", c)),
    )
    .from_as("people", "p");
    q
}

/// People the account can see: those of its region subtree or department, or anyone of the
/// county for county-wide accounts. A unit's manager sees none of the county's staff (names
/// and phone numbers): the people of its unit are on its own grid.
fn people_scope(scope: &Scope) -> Cond {
    match scope {
        Scope::Unit { .. } => scope::nothing(),
        Scope::Department { department_id, .. } => {
            Cond::all().add(Expr::col(("p", "department_id")).eq(*department_id))
        }
        Scope::Region { root } if root.level() == safegrid_domain::region::RegionLevel::County => {
            scope::county_column(scope, ("p", "county_code"))
        }
        Scope::Region { .. } => scope::region_column(scope, ("p", "region_code")),
        other => scope::county_column(other, ("p", "county_code")),
    }
}

impl Store {
    /// People in scope whose name or phone contains `q`, a page at a time.
    pub async fn people(
        &self,
        actor: &Actor,
        q: Option<&str>,
        page: PageRequest,
    ) -> Result<Page<Person>> {
        let mut cond = people_scope(&actor.scope);
        if let Some(q) = q.map(str::trim).filter(|s| !s.is_empty()) {
            let pattern = format!("%{}%", q.replace(['%', '_'], ""));
            cond = cond.add(
                Cond::any()
                    .add(Expr::col(("p", "name")).like(pattern.clone()))
                    .add(Expr::col(("p", "phone")).like(pattern)),
            );
        }
        let mut c = self.read().await?;
        let mut conn = c.conn();
        let mut sel = person_select();
        sel.cond_where(cond)
            .order_by(("p", "name"), Order::Asc)
            .order_by(("p", "id"), Order::Asc);
        conn.page(&sel, page).await
    }

    pub async fn person(&self, actor: &Actor, id: i64) -> Result<Person> {
        let mut c = self.read().await?;
        find_person(&mut c.conn(), actor, id).await
    }

    /// Registers a person in the account's own part of the county.
    pub async fn create_person(&self, actor: &Actor, input: NewPerson) -> Result<Person> {
        let mut tx = self.write().await?;
        let mut conn = tx.conn();
        let id = insert_person(&mut conn, actor, input).await?;
        let person = find_person(&mut conn, &Actor::system(), id).await?;
        tx.commit_audited(actor, person_created(&person)).await?;
        Ok(person)
    }
}

pub(crate) async fn find_person(conn: &mut Conn<'_>, actor: &Actor, id: i64) -> Result<Person> {
    let mut q = person_select();
    q.and_where(Expr::col(("p", "id")).eq(id))
        .cond_where(people_scope(&actor.scope));
    conn.one(&q).await
}

/// Inserts a person belonging to the actor's part of the county (the caller writes the audit
/// record, `person_created`).
pub(crate) async fn insert_person(
    conn: &mut Conn<'_>,
    actor: &Actor,
    input: NewPerson,
) -> Result<i64> {
    if !may(actor, Verb::Write, Object::Person) {
        return Err(StoreError::Forbidden);
    }
    let NewPerson {
        name,
        phone,
        job_title: title,
        region,
        department_id: named_department,
    } = input;
    let (county, department_id, region_code) = match &actor.scope {
        Scope::Department {
            county,
            department_id,
        } => (county.to_string(), Some(*department_id), None),
        Scope::Region { root } => match root.county() {
            Some(c) => (c.to_string(), None, Some(root.to_string())),
            None => return Err(StoreError::Forbidden),
        },
        Scope::All => {
            let region = region.ok_or_else(|| Invalid::one("region_code", "error.required"))?;
            let county = region
                .county()
                .ok_or_else(|| Invalid::one("region_code", "error.county_unknown"))?;
            (
                county.to_string(),
                named_department,
                Some(region.to_string()),
            )
        }
        Scope::Unit { .. } | Scope::Administration => return Err(StoreError::Forbidden),
    };
    let id = conn
        .insert_id(
            insert::row(
                "people",
                [
                    ("county_code", county.clone().into()),
                    ("name", name.clone().into()),
                    ("phone", phone.into()),
                    ("job_title", title.into()),
                    ("department_id", department_id.into()),
                    ("region_code", region_code.into()),
                    ("created_at", now().into()),
                ],
            )
            .returning_col("id"),
        )
        .await?;
    Ok(id)
}

/// The audit record of a person entered in the register.
pub(crate) fn person_created(person: &Person) -> Event<'_> {
    Event {
        chain: &person.county_code,
        action: "person.create",
        object_type: "person",
        object_id: Some(person.id.to_string()),
        detail: json!({ "name": person.name }),
        outcome: "ok",
    }
}
