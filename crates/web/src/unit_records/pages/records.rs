//! A unit's file beyond its census row, one tab each: its own grid with the responsibility
//! letters and operating procedures (R-GRID-4, R-UNIT-2), its sixteen management systems
//! (R-UNIT-1), and its archive of documents. Also the upload, download and withdrawal of
//! documents, shared by these tabs and the hazard-source page.

use crate::http::answer::parse_id;
use crate::http::auth::PageUser;
use crate::http::auth::{CsrfForm, CsrfUpload};
use crate::http::error::WebError;
use crate::http::extract::FormPairs;
use crate::http::i18n::Tr;
use crate::http::state::AppState;
use crate::pages::{Chrome, FormErrors, outcome, render_with, see_other};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use safegrid_domain::policy::{Object, Verb, may};
use safegrid_domain::unit::own_grid::NodeKind;
use safegrid_store::{Document, GridNode, GridNodeInput, SystemEntry, SystemInput, Unit};

/// Where to go after a form: back to the page it came from, if that is one of ours.
fn back_to(raw: Option<String>, fallback: String) -> String {
    match raw {
        Some(path)
            if (path.starts_with("/units/") || path.starts_with("/hazard-sources/"))
                && !path.contains("//")
                && path
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "/-_".contains(c)) =>
        {
            path
        }
        _ => fallback,
    }
}

/// A node of the unit's grid with its depth, in tree order.
pub struct TreeRow {
    pub node: GridNode,
    pub depth: usize,
}

impl TreeRow {
    pub fn indent(&self) -> String {
        format!("padding-left:{}rem", self.depth as f32 * 1.5)
    }

    pub fn is_tier(&self) -> bool {
        NodeKind::parse("kind", &self.node.kind).is_ok_and(NodeKind::is_tier)
    }
}

/// Orders nodes parent-first, each followed by its subtree.
fn tree(nodes: Vec<GridNode>) -> Vec<TreeRow> {
    fn visit(nodes: &[GridNode], parent: Option<i64>, depth: usize, out: &mut Vec<TreeRow>) {
        for n in nodes.iter().filter(|n| n.parent_id == parent) {
            out.push(TreeRow {
                node: n.clone(),
                depth,
            });
            if depth < 8 {
                visit(nodes, Some(n.id), depth + 1, out);
            }
        }
    }
    let mut out = Vec::with_capacity(nodes.len());
    visit(&nodes, None, 0, &mut out);
    out
}

#[derive(Template)]
#[template(path = "unit_grid.html")]
struct GridTab {
    t: Tr,
    chrome: Chrome,
    unit: Unit,
    tab: &'static str,
    rows: Vec<TreeRow>,
    kinds: Vec<(&'static str, String)>,
    documents: Vec<Document>,
    can_edit: bool,
    errors: FormErrors,
    back: String,
}

async fn grid_tab(
    state: &AppState,
    t: Tr,
    user: &PageUser,
    id: i64,
    errors: FormErrors,
) -> Result<Response, WebError> {
    let status = crate::pages::status_of(&errors);
    let unit = state.store.unit(&user.actor, id).await?.unit;
    let rows = tree(state.store.grid_nodes(&user.actor, id).await?);
    let documents = state
        .store
        .documents(&user.actor, id)
        .await?
        .into_iter()
        .filter(|d| d.kind == "letter" || d.kind == "procedure")
        .collect();
    let kinds = NodeKind::ALL
        .into_iter()
        .map(|k| (k.as_str(), t.label("node_kind", k.as_str())))
        .collect();
    render_with(
        status,
        &GridTab {
            chrome: Chrome::new(&t, user, "units"),
            can_edit: may(&user.actor, Verb::Write, Object::UnitRecord),
            t,
            unit,
            tab: "grid",
            rows,
            kinds,
            documents,
            errors,
            back: format!("/units/{id}/grid"),
        },
    )
}

pub async fn grid(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    grid_tab(&state, t, &user, parse_id(&id)?, FormErrors::default()).await
}

pub async fn add_node(
    State(state): State<AppState>,
    t: Tr,
    Path(id): Path<String>,
    CsrfForm { user, form: pairs }: CsrfForm<FormPairs>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let parent_id = match pairs.get("parent_id") {
        None => None,
        Some(p) => Some(parse_id(&p).map_err(|_| {
            WebError::from(safegrid_domain::Violation::new("parent_id", "error.choice"))
        })?),
    };
    let input = GridNodeInput {
        parent_id,
        kind: pairs.get("kind"),
        name: pairs.get("name"),
        person: pairs.get("person"),
        phone: pairs.get("phone"),
        duties: pairs.get("duties"),
    };
    let result = state.store.add_grid_node(&user.actor, id, input).await;
    after(&state, t, &user, id, &format!("/units/{id}/grid"), result).await
}

pub async fn retire_node(
    State(state): State<AppState>,
    t: Tr,
    Path((id, node)): Path<(String, String)>,
    CsrfForm { user, form: _pairs }: CsrfForm<FormPairs>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let result = state
        .store
        .retire_grid_node(&user.actor, id, parse_id(&node)?)
        .await;
    after(&state, t, &user, id, &format!("/units/{id}/grid"), result).await
}

/// One system with the documents filed for it.
pub struct SystemRow {
    pub entry: SystemEntry,
    pub documents: Vec<Document>,
}

#[derive(Template)]
#[template(path = "unit_systems.html")]
struct SystemsTab {
    t: Tr,
    chrome: Chrome,
    unit: Unit,
    tab: &'static str,
    systems: Vec<SystemRow>,
    in_place: usize,
    can_edit: bool,
    errors: FormErrors,
    back: String,
}

async fn systems_tab(
    state: &AppState,
    t: Tr,
    user: &PageUser,
    id: i64,
    errors: FormErrors,
) -> Result<Response, WebError> {
    let status = crate::pages::status_of(&errors);
    let unit = state.store.unit(&user.actor, id).await?.unit;
    let entries = state.store.unit_systems(&user.actor, id).await?;
    let documents = state.store.documents(&user.actor, id).await?;
    let in_place = entries.iter().filter(|e| e.in_place).count();
    let systems = entries
        .into_iter()
        .map(|entry| SystemRow {
            documents: documents
                .iter()
                .filter(|d| d.system.as_deref() == Some(entry.system) && d.withdrawn_at.is_none())
                .cloned()
                .collect(),
            entry,
        })
        .collect();
    render_with(
        status,
        &SystemsTab {
            chrome: Chrome::new(&t, user, "units"),
            can_edit: may(&user.actor, Verb::Write, Object::UnitRecord),
            t,
            unit,
            tab: "systems",
            systems,
            in_place,
            errors,
            back: format!("/units/{id}/systems"),
        },
    )
}

pub async fn systems(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    systems_tab(&state, t, &user, parse_id(&id)?, FormErrors::default()).await
}

pub async fn set_system(
    State(state): State<AppState>,
    t: Tr,
    Path(id): Path<String>,
    CsrfForm { user, form: pairs }: CsrfForm<FormPairs>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let system = pairs.get("system");
    let input = SystemInput {
        system: system.clone(),
        in_place: Some(pairs.get("in_place").is_some()),
        adopted_on: pairs.get("adopted_on"),
        note: pairs.get("note"),
    };
    let result = state.store.set_unit_system(&user.actor, id, input).await;
    let back = format!("/units/{id}/systems#system-{}", system.unwrap_or_default());
    after(&state, t, &user, id, &back, result).await
}

#[derive(Template)]
#[template(path = "unit_archive.html")]
struct ArchiveTab {
    t: Tr,
    chrome: Chrome,
    unit: Unit,
    tab: &'static str,
    documents: Vec<Document>,
    can_edit: bool,
    errors: FormErrors,
    back: String,
}

async fn archive_tab(
    state: &AppState,
    t: Tr,
    user: &PageUser,
    id: i64,
    errors: FormErrors,
) -> Result<Response, WebError> {
    let status = crate::pages::status_of(&errors);
    let unit = state.store.unit(&user.actor, id).await?.unit;
    let documents = state.store.documents(&user.actor, id).await?;
    render_with(
        status,
        &ArchiveTab {
            chrome: Chrome::new(&t, user, "units"),
            can_edit: may(&user.actor, Verb::Write, Object::UnitRecord),
            t,
            unit,
            tab: "archive",
            documents,
            errors,
            back: format!("/units/{id}/archive"),
        },
    )
}

pub async fn archive(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    archive_tab(&state, t, &user, parse_id(&id)?, FormErrors::default()).await
}

/// Where a form's outcome leads: back to its page when done, the same page with the errors
/// when refused.
async fn after<T, E: Into<WebError>>(
    state: &AppState,
    t: Tr,
    user: &PageUser,
    unit: i64,
    back: &str,
    result: Result<T, E>,
) -> Result<Response, WebError> {
    outcome(
        t,
        result,
        async |_| see_other(back),
        async |errors| refused(state, t, user, unit, back, errors).await,
    )
    .await
}

/// Shows the refusal on the tab the form came from.
async fn refused(
    state: &AppState,
    t: Tr,
    user: &PageUser,
    unit: i64,
    back: &str,
    errors: FormErrors,
) -> Result<Response, WebError> {
    if let Some(source) = back.strip_prefix("/hazard-sources/") {
        let source = parse_id(source)?;
        super::hazard_sources::detail_page(state, t, user, source, errors).await
    } else if back.ends_with("/grid") {
        grid_tab(state, t, user, unit, errors).await
    } else if back.contains("/systems") {
        systems_tab(state, t, user, unit, errors).await
    } else {
        archive_tab(state, t, user, unit, errors).await
    }
}

pub async fn upload_document(
    State(state): State<AppState>,
    t: Tr,
    Path(id): Path<String>,
    CsrfUpload { user, upload: form }: CsrfUpload,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let back = back_to(form.field("back"), format!("/units/{id}/archive"));
    let result = match crate::unit_records::new_document(id, form) {
        Ok(new) => state
            .store
            .add_document(&user.actor, new)
            .await
            .map_err(WebError::from),
        Err(e) => Err(e),
    };
    after(&state, t, &user, id, &back, result).await
}

pub async fn download(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    crate::unit_records::serve_document(&state, &user.actor, &id).await
}

pub async fn withdraw(
    State(state): State<AppState>,
    t: Tr,
    Path(id): Path<String>,
    CsrfForm { user, form: pairs }: CsrfForm<FormPairs>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let (doc, _) = state.store.document_file(&user.actor, id).await?;
    let back = back_to(pairs.get("back"), format!("/units/{}/archive", doc.unit_id));
    let result = state
        .store
        .withdraw_document(&user.actor, id, pairs.get("reason").as_deref())
        .await;
    after(&state, t, &user, doc.unit_id, &back, result).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_our_own_pages_are_gone_back_to() {
        let f = || "/units/1/archive".to_owned();
        assert_eq!(back_to(Some("/units/7/grid".into()), f()), "/units/7/grid");
        assert_eq!(
            back_to(Some("/hazard-sources/3".into()), f()),
            "/hazard-sources/3"
        );
        assert_eq!(back_to(Some("https://evil.example/".into()), f()), f());
        assert_eq!(back_to(Some("/units//evil.example".into()), f()), f());
        assert_eq!(back_to(Some("/units/1?x=<script>".into()), f()), f());
        assert_eq!(back_to(None, f()), f());
    }
}
