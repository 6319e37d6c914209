//! The daily list on a phone (今日自查): the key areas, equipment and processes of the unit's
//! own grid with their named persons, each ticked 符合 / 存在隐患 / 不适用 with an optional photo;
//! the form reads into the API's `CheckInput` and is kept by the same operation.

use crate::http::auth::PageUser;
use crate::http::error::WebError;
use crate::http::i18n::Tr;
use crate::http::state::AppState;
use crate::pages::Chrome;
use askama::Template;
use axum::extract::State;
use axum::response::Response;

/// Kinds of node of a unit's own grid that are checked each day: its key areas, equipment
/// and processes (the company, workshop and team nodes only hold them).
const CHECKED_NODES: [&str; 6] = ["area", "place", "part", "link", "equipment", "process"];

/// What a unit without its own grid yet checks each day.
const DEFAULT_ITEMS: [&str; 5] = [
    "消防通道、安全出口畅通",
    "灭火器、消防栓完好有效",
    "配电箱、电气线路无私拉乱接",
    "燃气、易燃物品存放安全",
    "作业人员按规程作业、佩戴防护用品",
];

/// One line of the daily list: a node of the unit's own grid (with its person) or a default.
pub struct ListItem {
    /// The form's key for the line: `n<node id>` or `d<index>`.
    pub key: String,
    pub node_id: Option<i64>,
    pub name: String,
    pub person: Option<String>,
}

#[derive(Template)]
#[template(path = "check_new.html")]
struct CheckForm {
    t: Tr,
    chrome: Chrome,
    unit: safegrid_store::Unit,
    items: Vec<ListItem>,
    errors: crate::pages::FormErrors,
    form: crate::http::extract::FormPairs,
    today: chrono::NaiveDate,
    deadline: chrono::NaiveDate,
}

impl CheckForm {
    fn v(&self, name: &str) -> String {
        self.form.get(name).unwrap_or_default()
    }
}

async fn list_of(state: &AppState, user: &PageUser, unit: i64) -> Result<Vec<ListItem>, WebError> {
    let nodes = state.store.grid_nodes(&user.actor, unit).await?;
    let checked: Vec<&safegrid_store::GridNode> = nodes
        .iter()
        .filter(|n| CHECKED_NODES.contains(&n.kind.as_str()))
        .collect();
    let chosen: Vec<&safegrid_store::GridNode> = if checked.is_empty() {
        nodes.iter().collect()
    } else {
        checked
    };
    if chosen.is_empty() {
        return Ok(DEFAULT_ITEMS
            .iter()
            .enumerate()
            .map(|(i, name)| ListItem {
                key: format!("d{i}"),
                node_id: None,
                name: (*name).to_owned(),
                person: None,
            })
            .collect());
    }
    Ok(chosen
        .into_iter()
        .map(|n| ListItem {
            key: format!("n{}", n.id),
            node_id: Some(n.id),
            name: n.name.clone(),
            person: Some(n.person.clone()).filter(|p| !p.is_empty()),
        })
        .collect())
}

async fn check_form(
    state: &AppState,
    t: Tr,
    user: &PageUser,
    unit_id: i64,
    form: crate::http::extract::FormPairs,
    errors: crate::pages::FormErrors,
) -> Result<Response, WebError> {
    let unit = state.store.unit(&user.actor, unit_id).await?.unit;
    if safegrid_domain::hazard::lifecycle::Party::of(user.actor.role)
        != safegrid_domain::hazard::lifecycle::Party::Unit
    {
        return Err(WebError::Forbidden);
    }
    let today = safegrid_domain::time::today();
    crate::pages::render_with(
        crate::pages::status_of(&errors),
        &CheckForm {
            chrome: Chrome::new(&t, user, "home"),
            items: list_of(state, user, unit_id).await?,
            unit,
            errors,
            form,
            today,
            deadline: today + chrono::Days::new(7),
            t,
        },
    )
}

pub async fn new_check(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Result<Response, WebError> {
    let id = crate::http::answer::parse_id(&id)?;
    check_form(
        &state,
        t,
        &user,
        id,
        crate::http::extract::FormPairs::default(),
        crate::pages::FormErrors::default(),
    )
    .await
}

/// The phone form as the API's check: each line `ok`, `hazard` or `na`; a line found wanting
/// becomes a finding with its description and deadline.
fn check_input(
    items: &[ListItem],
    form: &crate::http::extract::FormPairs,
) -> safegrid_domain::unit::check::CheckInput {
    use safegrid_domain::inspection::FindingInput;
    use safegrid_domain::unit::check::{CheckInput, CheckItemInput};
    let mut input = CheckInput {
        kind: form.get("kind").or(Some("daily".to_owned())),
        checked_on: form.get("checked_on"),
        checked_by: form.get("checked_by"),
        note: form.get("note"),
        ..Default::default()
    };
    for item in items {
        let result = form
            .get(&format!("result_{}", item.key))
            .unwrap_or_else(|| "ok".to_owned());
        let note = form.get(&format!("note_{}", item.key));
        if result == "hazard" {
            input.hazards.push(FindingInput {
                description: form
                    .get(&format!("finding_{}", item.key))
                    .map(|f| format!("{}：{f}", item.name)),
                level: Some("general".to_owned()),
                deadline: form.get(&format!("deadline_{}", item.key)),
                responsible_person: item.person.clone(),
                ..Default::default()
            });
        }
        input.items.push(CheckItemInput {
            item: Some(item.name.clone()),
            node_id: item.node_id,
            result: Some(result),
            note,
            photo: None,
        });
    }
    input
}

/// Takes the ticked list (multipart: the fields and a photo per line; a line found wanting
/// keeps its photo on its finding too).
pub async fn record_check(
    State(state): State<AppState>,
    t: Tr,
    axum::extract::Path(id): axum::extract::Path<String>,
    crate::http::auth::CsrfUpload { user, upload }: crate::http::auth::CsrfUpload,
) -> Result<Response, WebError> {
    let id = crate::http::answer::parse_id(&id)?;
    let form = upload.pairs();
    let items = list_of(&state, &user, id).await?;
    let input = check_input(&items, &form);
    let result = async {
        let photos = line_photos(&items, &form, &upload).await?;
        Ok::<_, WebError>(
            state
                .store
                .record_check_with_photos(&user.actor, id, input, photos)
                .await?,
        )
    }
    .await;
    crate::pages::outcome(
        t,
        result,
        async |_| crate::pages::see_other(format!("/units/{id}/checks")),
        async |errors| check_form(&state, t, &user, id, form.clone(), errors).await,
    )
    .await
}

/// Each line's photo (`photo_<key>`), for its item and, on a line found wanting, its finding.
async fn line_photos(
    items: &[ListItem],
    form: &crate::http::extract::FormPairs,
    upload: &crate::ops::upload::Upload,
) -> Result<safegrid_store::CheckPhotos, WebError> {
    let mut photos = safegrid_store::CheckPhotos::default();
    for (i, item) in items.iter().enumerate() {
        let photo = crate::ops::upload::named_photo(upload, &format!("photo_{}", item.key))
            .await
            .map_err(|e| e.naming(&format!("items[{i}].photo")))?;
        if form.get(&format!("result_{}", item.key)).as_deref() == Some("hazard") {
            photos.findings.push(photo.clone());
        }
        photos.items.push(photo);
    }
    Ok(photos)
}
