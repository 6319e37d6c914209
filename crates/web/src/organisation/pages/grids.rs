//! Grids: the list with filters, and a grid's page with its posts, holders and history, where
//! people are appointed, replaced and posts left vacant.

use crate::http::answer::parse_id;
use crate::http::auth::CsrfForm;
use crate::http::auth::PageUser;
use crate::http::error::WebError;
use crate::http::extract::QueryArgs;
use crate::http::i18n::Tr;
use crate::http::state::AppState;
use crate::organisation::{AsOfQuery, GridQuery};
use crate::pages::choices::RegionFilter;
use crate::pages::{Chrome, FormErrors, Pager, Shown, outcome, query_of, render, see_other};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use chrono::NaiveDate;
use safegrid_domain::org::input::{AppointmentInput, PersonInput, ReplacementInput, VacancyInput};
use safegrid_domain::org::{GridKind, StaffingGap};
use safegrid_domain::policy::{GridRef, may_manage_posts};
use safegrid_domain::region::RegionCode;
use safegrid_domain::time::today;
use safegrid_store::{Department, Grid, GridListItem, Holding, PageRequest, Person, Post};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "grids.html")]
struct GridsPage {
    t: Tr,
    chrome: Chrome,
    grids: Vec<GridListItem>,
    pager: Pager,
    departments: Vec<Department>,
    grid_kinds: Vec<(&'static str, String)>,
    region_filter: RegionFilter,
    q: GridQuery,
}

pub async fn list(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
    QueryArgs(q): QueryArgs<GridQuery>,
) -> Result<Response, WebError> {
    let page = state
        .store
        .grids(
            &user.actor,
            &q.filter()?,
            PageRequest::new(q.page, Some(50)),
        )
        .await?;
    let pager = Pager::new(&page, query_of(&q));
    render(&GridsPage {
        chrome: Chrome::new(&t, &user, "grids"),
        departments: state.store.departments(&user.actor).await?,
        grid_kinds: GridKind::ALL
            .iter()
            .map(|k| (k.as_str(), t.label("grid_kind", k.as_str())))
            .collect(),
        region_filter: RegionFilter::load(&state, &user, q.region.shown()).await?,
        t,
        grids: page.items,
        pager,
        q,
    })
}

/// A post as the grid page shows it.
pub struct PostBlock {
    pub post: Post,
    pub duties: String,
    pub current: Vec<Holding>,
    pub history: Vec<Holding>,
    pub free_seats: i32,
    pub short: bool,
}

/// A form on the grid page that was refused, to show again with its messages and values.
#[derive(Default)]
pub struct Refused {
    /// `appoint-<post>`, `replace-<holding>` or `end-<holding>`.
    pub form: String,
    pub errors: FormErrors,
    pub values: PersonForm,
}

impl Refused {
    /// Whether the refused form is `<action>-<id>`.
    pub fn is(&self, action: &str, id: &i64) -> bool {
        self.form == format!("{action}-{id}")
    }
}

#[derive(Template)]
#[template(path = "grid.html")]
struct GridPage {
    t: Tr,
    chrome: Chrome,
    grid: Grid,
    trail: Vec<safegrid_store::Region>,
    posts: Vec<PostBlock>,
    gaps: Vec<StaffingGap>,
    can_manage: bool,
    people: Vec<Person>,
    as_of: NaiveDate,
    is_today: bool,
    today: NaiveDate,
    done: String,
    refused: Refused,
}

/// What was just done on the grid page, to say so (`?done=appointed`).
#[derive(Deserialize, Default)]
pub struct DoneQuery {
    done: Option<String>,
}

async fn grid_page(
    state: &AppState,
    t: Tr,
    user: &PageUser,
    id: i64,
    as_of: NaiveDate,
    done: String,
    refused: Refused,
) -> Result<GridPage, WebError> {
    let detail = state.store.grid(&user.actor, id, as_of).await?;
    let grid = detail.grid;
    let region = RegionCode::parse("region", &grid.region_code)?;
    let kind = grid.kind;
    let can_manage = may_manage_posts(
        &user.actor,
        &GridRef {
            kind,
            region: &region,
            department_id: grid.department_id,
        },
    );
    let posts = detail
        .posts
        .into_iter()
        .map(|p| {
            let current: Vec<Holding> = p.holders_on(as_of).cloned().collect();
            let held = i32::try_from(current.len()).unwrap_or(i32::MAX);
            PostBlock {
                duties: p
                    .post
                    .duties
                    .clone()
                    .unwrap_or_else(|| t.label("duty", p.post.kind)),
                free_seats: (p.post.seats - held).max(0),
                short: held < p.post.required,
                current,
                history: p.holdings,
                post: p.post,
            }
        })
        .collect();
    let people = if can_manage {
        state
            .store
            .people(
                &user.actor,
                None,
                PageRequest::new(Some(1), Some(PageRequest::MAX_PER_PAGE)),
            )
            .await?
            .items
    } else {
        Vec::new()
    };
    let trail = state
        .store
        .region_trail(&user.actor, &grid.region_code)
        .await
        .unwrap_or_default();
    let today = today();
    Ok(GridPage {
        chrome: Chrome::new(&t, user, "grids"),
        t,
        grid,
        trail,
        posts,
        gaps: detail.gaps,
        can_manage,
        people,
        is_today: as_of == today,
        as_of,
        today,
        done,
        refused,
    })
}

pub async fn show(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
    Path(id): Path<String>,
    QueryArgs(q): QueryArgs<AsOfQuery>,
    QueryArgs(done): QueryArgs<DoneQuery>,
) -> Result<Response, WebError> {
    let as_of = q.date()?;
    let done = done.done.unwrap_or_default();
    let page = grid_page(
        &state,
        t,
        &user,
        parse_id(&id)?,
        as_of,
        done,
        Refused::default(),
    )
    .await?;
    render(&page)
}

/// The person part of the appoint and replace forms: someone registered, or a new person.
#[derive(Deserialize, Default, Clone)]
pub struct PersonForm {
    #[serde(default)]
    pub person_id: String,
    #[serde(default)]
    pub person_name: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub job_title: String,
    #[serde(default)]
    pub started_on: String,
    #[serde(default)]
    pub ended_on: String,
    #[serde(default)]
    pub on: String,
    #[serde(default)]
    pub note: String,
}

impl PersonForm {
    /// The person as the API takes it: a new person when a name is typed, else the one chosen.
    fn person(&self) -> (Option<i64>, Option<PersonInput>) {
        if self.person_name.trim().is_empty() {
            (self.person_id.trim().parse().ok(), None)
        } else {
            let person = PersonInput {
                name: self.person_name.clone(),
                phone: Some(self.phone.clone()),
                job_title: Some(self.job_title.clone()),
            };
            (None, Some(person))
        }
    }

    fn appointment(&self) -> AppointmentInput {
        let (person_id, person) = self.person();
        AppointmentInput {
            person_id,
            person,
            started_on: self.started_on.clone(),
            ended_on: Some(self.ended_on.clone()),
            note: Some(self.note.clone()),
        }
    }

    fn replacement(&self) -> ReplacementInput {
        let (person_id, person) = self.person();
        ReplacementInput {
            person_id,
            person,
            on: self.on.clone(),
            note: Some(self.note.clone()),
        }
    }

    fn vacancy(&self) -> VacancyInput {
        VacancyInput {
            ended_on: self.ended_on.clone(),
            note: Some(self.note.clone()),
        }
    }
}

/// Which form of which grid a change came from, and what to say when it is done.
struct FormTarget {
    grid_id: i64,
    /// `appoint-<post>`, `replace-<holding>` or `end-<holding>`.
    form: String,
    done: &'static str,
}

/// Runs a change from the grid page: on success back to the grid, on refused input the grid
/// page again with the form's messages and values (422).
async fn change<F, Fut>(
    state: &AppState,
    t: Tr,
    user: &PageUser,
    target: FormTarget,
    form: PersonForm,
    run: F,
) -> Result<Response, WebError>
where
    F: FnOnce(PersonForm) -> Fut,
    Fut: std::future::Future<Output = Result<(), WebError>>,
{
    let result = run(form.clone()).await;
    outcome(
        t,
        result,
        async |()| see_other(format!("/grids/{}?done={}", target.grid_id, target.done)),
        async |errors| {
            let refused = Refused {
                form: target.form.clone(),
                errors,
                values: form,
            };
            let page = grid_page(
                state,
                t,
                user,
                target.grid_id,
                today(),
                String::new(),
                refused,
            )
            .await?;
            render(&page)
        },
    )
    .await
}

/// The holding must belong to the grid in the path, so a crafted URL cannot reach another.
async fn check_holding_in_grid(
    state: &AppState,
    user: &PageUser,
    grid_id: i64,
    holding_id: i64,
) -> Result<(), WebError> {
    let (_, grid) = state.store.holding(&user.actor, holding_id).await?;
    if grid.id == grid_id {
        Ok(())
    } else {
        Err(WebError::NotFound)
    }
}

pub async fn appoint(
    State(state): State<AppState>,
    t: Tr,
    Path((id, post)): Path<(String, String)>,
    CsrfForm { user, form }: CsrfForm<PersonForm>,
) -> Result<Response, WebError> {
    let (grid_id, post_id) = (parse_id(&id)?, parse_id(&post)?);
    let detail = state.store.grid(&user.actor, grid_id, today()).await?;
    if !detail.posts.iter().any(|p| p.post.id == post_id) {
        return Err(WebError::NotFound);
    }
    let store = state.store.clone();
    let actor = user.actor.clone();
    change(
        &state,
        t,
        &user,
        FormTarget {
            grid_id,
            form: format!("appoint-{post_id}"),
            done: "appointed",
        },
        form,
        |f| async move {
            let appointment = f.appointment().parse()?;
            store
                .appoint(&actor, post_id, appointment)
                .await
                .map(|_| ())
                .map_err(WebError::from)
        },
    )
    .await
}

pub async fn replace(
    State(state): State<AppState>,
    t: Tr,
    Path((id, holding)): Path<(String, String)>,
    CsrfForm { user, form }: CsrfForm<PersonForm>,
) -> Result<Response, WebError> {
    let (grid_id, holding_id) = (parse_id(&id)?, parse_id(&holding)?);
    check_holding_in_grid(&state, &user, grid_id, holding_id).await?;
    let store = state.store.clone();
    let actor = user.actor.clone();
    change(
        &state,
        t,
        &user,
        FormTarget {
            grid_id,
            form: format!("replace-{holding_id}"),
            done: "replaced",
        },
        form,
        |f| async move {
            let replacement = f.replacement().parse()?;
            store
                .replace_holder(&actor, holding_id, replacement)
                .await
                .map(|_| ())
                .map_err(WebError::from)
        },
    )
    .await
}

pub async fn end(
    State(state): State<AppState>,
    t: Tr,
    Path((id, holding)): Path<(String, String)>,
    CsrfForm { user, form }: CsrfForm<PersonForm>,
) -> Result<Response, WebError> {
    let (grid_id, holding_id) = (parse_id(&id)?, parse_id(&holding)?);
    check_holding_in_grid(&state, &user, grid_id, holding_id).await?;
    let store = state.store.clone();
    let actor = user.actor.clone();
    change(
        &state,
        t,
        &user,
        FormTarget {
            grid_id,
            form: format!("end-{holding_id}"),
            done: "ended",
        },
        form,
        |f| async move {
            let vacancy = f.vacancy().parse()?;
            store
                .end_holding(&actor, holding_id, vacancy)
                .await
                .map(|_| ())
                .map_err(WebError::from)
        },
    )
    .await
}
