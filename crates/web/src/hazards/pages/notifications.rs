//! The bell's page: the account's notifications, newest first; opening one marks it read and
//! goes to its hazard (or, for a digest or reminder, to the list it counts).

use crate::http::answer::parse_id;
use crate::http::auth::CsrfForm;
use crate::http::auth::PageUser;
use crate::http::error::WebError;
use crate::http::extract::{FormPairs, QueryArgs};
use crate::http::i18n::Tr;
use crate::http::state::AppState;
use crate::pages::{Chrome, Pager, render};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use safegrid_store::{Notification, PageRequest};

#[derive(Template)]
#[template(path = "notifications.html")]
struct ListPage {
    t: Tr,
    chrome: Chrome,
    /// Each notification with what it says after its kind.
    items: Vec<(Notification, String)>,
    pager: Pager,
}

/// What a notification says after its kind: its hazard's description, or the figures of a
/// digest or reminder in the reader's language.
fn text_of(t: &Tr, n: &Notification) -> String {
    if let Some(d) = &n.description {
        return d.clone();
    }
    let Some(detail) = n
        .detail
        .as_deref()
        .and_then(|d| serde_json::from_str::<serde_json::Value>(d).ok())
    else {
        return String::new();
    };
    let number = |v: &serde_json::Value| v.as_i64().unwrap_or_default().to_string();
    let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_owned();
    match n.kind.as_str() {
        "daily_digest" => {
            let towns: Vec<String> = detail["towns"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default()
                .iter()
                .map(|town| {
                    t.f(
                        "notifications.digest_town",
                        &[
                            ("town", text(&town["name"])),
                            ("overdue", number(&town["overdue"])),
                            ("listed", number(&town["listed"])),
                        ],
                    )
                })
                .collect();
            t.f(
                "notifications.digest_text",
                &[
                    ("overdue", number(&detail["overdue"])),
                    ("listed", number(&detail["listed"])),
                    ("towns", towns.join(t.t("punct.semicolon"))),
                ],
            )
        }
        "certificate_due" => t.f(
            "notifications.certificate_due_text",
            &[
                ("unit", text(&detail["unit"])),
                ("holder", text(&detail["holder"])),
                ("kind", t.label("certificate_kind", text(&detail["kind"]))),
                ("due", text(&detail["review_due"])),
            ],
        ),
        "reports_due" => t.f(
            "notifications.reports_due_text",
            &[
                ("period", text(&detail["period"])),
                ("due", text(&detail["due"])),
                ("missing", number(&detail["missing"])),
            ],
        ),
        _ => String::new(),
    }
}

pub async fn list(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
    QueryArgs(q): QueryArgs<crate::hazards::NotificationQuery>,
) -> Result<Response, WebError> {
    let page = state
        .store
        .notifications(&user.actor, PageRequest::new(q.page, Some(50)))
        .await?;
    render(&ListPage {
        chrome: Chrome::new(&t, &user, "notifications"),
        pager: Pager::new(&page, String::new()),
        items: page
            .items
            .into_iter()
            .map(|n| {
                let text = text_of(&t, &n);
                (n, text)
            })
            .collect(),
        t,
    })
}

pub async fn read_all(
    State(state): State<AppState>,
    CsrfForm { user, form: _pairs }: CsrfForm<FormPairs>,
) -> Result<Response, WebError> {
    state
        .store
        .mark_notifications_read(&user.actor, None)
        .await?;
    Ok(Redirect::to("/notifications").into_response())
}

/// Opens a notification: marks it read and shows its hazard. A link, so it is a GET; marking
/// one's own notification read is harmless to repeat.
pub async fn open(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    state
        .store
        .mark_notifications_read(&user.actor, Some(id))
        .await?;
    let page = state
        .store
        .notifications(
            &user.actor,
            PageRequest::new(Some(1), Some(PageRequest::MAX_PER_PAGE)),
        )
        .await?;
    // A hazard's notice opens the hazard; a digest the overdue hazards; a reminder the
    // reports' standings.
    let target = match page.items.iter().find(|n| n.id == id) {
        Some(Notification {
            hazard_id: Some(h), ..
        }) => format!("/hazards/{h}"),
        Some(n) if n.kind == "daily_digest" => "/hazards?overdue=1".to_owned(),
        Some(n) if n.kind == "reports_due" => "/reports".to_owned(),
        Some(n) if n.kind == "certificate_due" => n
            .detail
            .as_deref()
            .and_then(|d| serde_json::from_str::<serde_json::Value>(d).ok())
            .and_then(|d| d["unit_id"].as_i64())
            .map_or_else(|| "/notifications".to_owned(), |u| format!("/units/{u}")),
        _ => "/notifications".to_owned(),
    };
    Ok(Redirect::to(&target).into_response())
}

#[derive(Template)]
#[template(path = "webhook.html")]
struct WebhookPage {
    t: Tr,
    chrome: Chrome,
    settings: safegrid_store::WebhookSettings,
    deliveries: Vec<safegrid_store::DeliveryRecord>,
    errors: crate::pages::FormErrors,
    saved: bool,
}

async fn webhook_page(
    state: &AppState,
    t: Tr,
    user: &PageUser,
    errors: crate::pages::FormErrors,
    saved: bool,
) -> Result<Response, WebError> {
    let settings = state.store.webhook_settings(&user.actor).await?;
    let deliveries = state.store.webhook_deliveries(&user.actor, 20).await?;
    let status = crate::pages::status_of(&errors);
    crate::pages::render_with(
        status,
        &WebhookPage {
            chrome: Chrome::new(&t, user, "webhook"),
            t,
            settings,
            deliveries,
            errors,
            saved,
        },
    )
}

pub async fn webhook(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
) -> Result<Response, WebError> {
    webhook_page(&state, t, &user, crate::pages::FormErrors::default(), false).await
}

pub async fn set_webhook(
    State(state): State<AppState>,
    t: Tr,
    CsrfForm { user, form: pairs }: CsrfForm<FormPairs>,
) -> Result<Response, WebError> {
    let input = safegrid_store::WebhookInput {
        url: pairs.get("url"),
        secret: pairs.get("secret"),
        // A box left unticked is "off", not "as it was".
        enabled: Some(pairs.get("enabled").is_some()),
        private_networks: false,
    };
    let result = crate::hazards::set_webhook(&state, &user.actor, input).await;
    crate::pages::outcome(
        t,
        result,
        async |_| webhook_page(&state, t, &user, crate::pages::FormErrors::default(), true).await,
        async |errors| webhook_page(&state, t, &user, errors, false).await,
    )
    .await
}
