//! The user guide (`docs/使用指南.md`) as a page at `/help`, with its screenshots, embedded
//! in the binary like the styles: the pages' help link works on a closed network.

use crate::http::auth::PageUser;
use crate::http::error::WebError;
use crate::http::i18n::Tr;
use crate::pages::{Chrome, render};
use askama::Template;
use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

const GUIDE: &str = include_str!("../../../../docs/使用指南.md");

/// The guide's screenshots, by the name the guide gives them (`guide/<name>`).
const SCREENSHOTS: &[(&str, &[u8])] = &[
    (
        "county-home.png",
        include_bytes!("../../../../docs/guide/county-home.png"),
    ),
    (
        "dashboard.png",
        include_bytes!("../../../../docs/guide/dashboard.png"),
    ),
    (
        "town-home-phone.png",
        include_bytes!("../../../../docs/guide/town-home-phone.png"),
    ),
    (
        "report-phone.png",
        include_bytes!("../../../../docs/guide/report-phone.png"),
    ),
    (
        "village-home-phone.png",
        include_bytes!("../../../../docs/guide/village-home-phone.png"),
    ),
    (
        "unit-home-phone.png",
        include_bytes!("../../../../docs/guide/unit-home-phone.png"),
    ),
    (
        "duties.png",
        include_bytes!("../../../../docs/guide/duties.png"),
    ),
    (
        "accounts.png",
        include_bytes!("../../../../docs/guide/accounts.png"),
    ),
];

pub fn router() -> Router<crate::http::state::AppState> {
    Router::new()
        .route("/help", get(guide))
        .route("/help/guide/{name}", get(screenshot))
}

#[derive(Template)]
#[template(path = "help.html")]
struct HelpPage {
    t: Tr,
    chrome: Chrome,
    /// The guide as HTML, from the project's own Markdown file.
    html: String,
}

/// The guide in HTML, its pictures served from `/help/guide/` and each heading given the id
/// its table of contents links to (as GitHub makes them: the words without punctuation).
fn guide_html() -> String {
    use pulldown_cmark::{Event, Options, Parser, Tag};
    let mut events: Vec<Event> = Parser::new_ext(GUIDE, Options::ENABLE_TABLES).collect();
    for i in 0..events.len() {
        match &events[i] {
            Event::Start(Tag::Heading {
                level,
                id: None,
                classes,
                attrs,
            }) => {
                let text: String = events[i + 1..]
                    .iter()
                    .take_while(|e| !matches!(e, Event::End(_)))
                    .filter_map(|e| match e {
                        Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                        _ => None,
                    })
                    .collect();
                let anchor: String = text
                    .chars()
                    .filter(|c| c.is_alphanumeric() || *c == '-' || *c == ' ')
                    .map(|c| if c == ' ' { '-' } else { c })
                    .collect::<String>()
                    .to_lowercase();
                events[i] = Event::Start(Tag::Heading {
                    level: *level,
                    id: Some(anchor.into()),
                    classes: classes.clone(),
                    attrs: attrs.clone(),
                });
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                events[i] = Event::Start(Tag::Image {
                    link_type: *link_type,
                    dest_url: format!("/help/{dest_url}").into(),
                    title: title.clone(),
                    id: id.clone(),
                });
            }
            _ => {}
        }
    }
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    html
}

async fn guide(t: Tr, user: PageUser) -> Result<Response, WebError> {
    render(&HelpPage {
        chrome: Chrome::new(&t, &user, "help"),
        t,
        html: guide_html(),
    })
}

async fn screenshot(_user: PageUser, Path(name): Path<String>) -> Response {
    match SCREENSHOTS.iter().find(|(n, _)| *n == name) {
        Some((_, png)) => {
            let mut response = png.into_response();
            let h = response.headers_mut();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/png"));
            h.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, max-age=3600"),
            );
            response
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
