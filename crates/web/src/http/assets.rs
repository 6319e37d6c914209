//! Static files (styles, scripts) embedded in the binary: deployments are often on closed
//! government networks, so nothing is fetched from a CDN. File names carry no version, so
//! they are revalidated by ETag rather than cached forever.

use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

struct Asset {
    path: &'static str,
    mime: &'static str,
    body: &'static [u8],
}

const ASSETS: &[Asset] = &[
    Asset {
        path: "app.css",
        mime: "text/css; charset=utf-8",
        body: include_bytes!("../../static/app.css"),
    },
    Asset {
        path: "app.js",
        mime: "text/javascript; charset=utf-8",
        body: include_bytes!("../../static/app.js"),
    },
    Asset {
        path: "dashboard.js",
        mime: "text/javascript; charset=utf-8",
        body: include_bytes!("../../static/dashboard.js"),
    },
    // Apache ECharts 5.6.0, dist/echarts.min.js from the npm package echarts (Apache-2.0).
    Asset {
        path: "echarts.min.js",
        mime: "text/javascript; charset=utf-8",
        body: include_bytes!("../../static/echarts.min.js"),
    },
    // htmx 2.0.11, from the npm package htmx.org (BSD-2-Clause).
    Asset {
        path: "htmx.min.js",
        mime: "text/javascript; charset=utf-8",
        body: include_bytes!("../../static/htmx.min.js"),
    },
];

/// A stable tag for a file's content: its length and a cheap checksum.
fn etag(body: &[u8]) -> String {
    let sum = body.iter().fold(0u64, |acc, &b| {
        acc.wrapping_mul(31).wrapping_add(u64::from(b))
    });
    format!("\"{:x}-{:x}\"", body.len(), sum)
}

pub async fn serve(Path(path): Path<String>, headers: HeaderMap) -> Response {
    let Some(asset) = ASSETS.iter().find(|a| a.path == path) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let tag = etag(asset.body);
    if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        == Some(tag.as_str())
    {
        return StatusCode::NOT_MODIFIED.into_response();
    }
    let mut response = asset.body.into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(asset.mime));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600, must-revalidate"),
    );
    if let Ok(v) = HeaderValue::from_str(&tag) {
        h.insert(header::ETAG, v);
    }
    response
}
