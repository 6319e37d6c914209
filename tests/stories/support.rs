//! A fresh database with the small demo county for each story, and helpers to talk to the
//! application in process (API and pages) or over a real socket (browser).

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use safegrid::demo::{DemoSize, seed};
use safegrid_store::Store;
use safegrid_web::{AppState, WebConfig, app};
use serde_json::Value;
use std::sync::OnceLock;
use tower::ServiceExt;

pub const PASSWORD: &str = "Demo-Pass-2026-stories";

/// One Argon2 hash shared by every story (hashing is slow on purpose).
fn password_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| safegrid_web::auth::hash_password(PASSWORD).unwrap())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs a story on SQLite, or on PostgreSQL if configured. A PostgreSQL story without
/// `SAFEGRID_TEST_DATABASE_URL` returns at once, saying so; with it, a database that cannot be
/// reached fails the story.
macro_rules! story {
    ($name:ident, |$app:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn run($app: $crate::support::TestApp) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let app = $crate::support::TestApp::start($crate::support::Backend::Sqlite).await;
                run(app).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if !$crate::support::postgres_configured() {
                    eprintln!("SAFEGRID_TEST_DATABASE_URL not set: PostgreSQL story skipped");
                    return;
                }
                let app = $crate::support::TestApp::start($crate::support::Backend::Postgres).await;
                run(app).await;
            }
        }
    };
}
pub(crate) use story;

/// The settings stories run with: demo mode, 30 idle minutes, public webhooks only.
pub fn test_config() -> WebConfig {
    WebConfig {
        demo: true,
        secure_cookies: false,
        session_hours: 12,
        session_idle_minutes: 30,
        webhook_private_networks: false,
        require_second_factor: false,
    }
}

pub fn postgres_configured() -> bool {
    std::env::var("SAFEGRID_TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty())
}

pub struct TestApp {
    pub store: Store,
    pub router: axum::Router,
    pub backend: Backend,
    /// Keeps the SQLite file alive for the story.
    _dir: Option<tempfile::TempDir>,
    /// Keeps the uploaded files alive for the story.
    _files: tempfile::TempDir,
    pub sqlite_path: Option<std::path::PathBuf>,
    /// The database URL the story's store uses.
    pub url: String,
}

/// A unique schema name per PostgreSQL story.
fn schema_name() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!(
        "story_{}_{}_{}",
        std::process::id(),
        nanos,
        N.fetch_add(1, Ordering::SeqCst)
    )
}

impl TestApp {
    pub async fn start(backend: Backend) -> TestApp {
        let (url, dir, sqlite_path) = match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().unwrap();
                let path = dir.path().join("story.db");
                (
                    format!("sqlite://{}", path.display()),
                    Some(dir),
                    Some(path),
                )
            }
            Backend::Postgres => {
                let base = std::env::var("SAFEGRID_TEST_DATABASE_URL").unwrap();
                let schema = schema_name();
                let admin = sqlx::PgPool::connect(&base)
                    .await
                    .expect("PostgreSQL must be reachable at SAFEGRID_TEST_DATABASE_URL");
                sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
                    .execute(&admin)
                    .await
                    .unwrap();
                admin.close().await;
                let sep = if base.contains('?') { '&' } else { '?' };
                (
                    format!("{base}{sep}options[search_path]={schema}"),
                    None,
                    None,
                )
            }
        };
        let files = tempfile::tempdir().unwrap();
        let store = Store::connect(&url, safegrid_store::FileStore::new(files.path()))
            .await
            .unwrap();
        store.migrate().await.unwrap();
        store.ensure_reference_data().await.unwrap();
        seed(&store, DemoSize::SMALL, password_hash())
            .await
            .unwrap();
        let config = test_config();
        let router = app(AppState::new(store.clone(), config));
        TestApp {
            store,
            router,
            backend,
            _dir: dir,
            _files: files,
            sqlite_path,
            url,
        }
    }

    /// Serves the same database with other settings from now on.
    pub fn reconfigure(&mut self, change: impl FnOnce(&mut WebConfig)) {
        let mut config = test_config();
        change(&mut config);
        self.router = app(AppState::new(self.store.clone(), config));
    }

    /// Runs SQL behind the system's back (tampering, ageing), on either backend.
    pub async fn sql(&self, sql: &str) {
        if let Err(e) = self.try_sql(sql).await {
            panic!("{sql}: {e}");
        }
    }

    /// Runs SQL behind the system's back, answering the database's refusal if it refuses.
    pub async fn try_sql(&self, sql: &str) -> Result<(), String> {
        let done = match self.backend {
            Backend::Sqlite => {
                let pool = sqlx::SqlitePool::connect(&self.url).await.unwrap();
                let done = sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
                    .execute(&pool)
                    .await;
                pool.close().await;
                done.map(|_| ())
            }
            Backend::Postgres => {
                let pool = sqlx::PgPool::connect(&self.url).await.unwrap();
                let done = sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
                    .execute(&pool)
                    .await;
                pool.close().await;
                done.map(|_| ())
            }
        };
        // What was changed behind the store's back shows at once, as if the few seconds the
        // process keeps a session had passed.
        self.store.forget_kept_sessions();
        done.map_err(|e| e.to_string())
    }

    /// Sends a request through the whole application.
    pub async fn send(&self, request: Request<Body>) -> Reply {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec();
        Reply {
            status,
            headers,
            bytes,
        }
    }

    /// Signs in through the API and answers the bearer token.
    pub async fn token(&self, username: &str) -> String {
        let reply = self
            .post_json(
                "/api/v1/auth/login",
                None,
                &serde_json::json!({"username": username, "password": PASSWORD}),
            )
            .await;
        assert_eq!(
            reply.status,
            StatusCode::OK,
            "login {username}: {}",
            reply.text()
        );
        reply.json()["token"].as_str().unwrap().to_owned()
    }

    /// Adds an account (as `sysadmin`) with the demo password and answers its bearer token.
    /// `fields` are those of `POST /api/v1/accounts` besides the username and password.
    pub async fn new_account(&self, username: &str, mut fields: Value) -> String {
        fields["username"] = username.into();
        fields["password"] = PASSWORD.into();
        let sysadmin = self.token("sysadmin").await;
        let made = self
            .post_json("/api/v1/accounts", Some(&sysadmin), &fields)
            .await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
        self.token(username).await
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Reply {
        let mut b = Request::builder().method(Method::GET).uri(path);
        if let Some(t) = token {
            b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        self.send(b.body(Body::empty()).unwrap()).await
    }

    pub async fn post_json(&self, path: &str, token: Option<&str>, body: &Value) -> Reply {
        self.post_raw(
            path,
            token,
            "application/json",
            body.to_string().into_bytes(),
            None,
        )
        .await
    }

    pub async fn put_json(&self, path: &str, token: Option<&str>, body: &Value) -> Reply {
        let mut b = Request::builder()
            .method(Method::PUT)
            .uri(path)
            .header(header::CONTENT_TYPE, "application/json");
        if let Some(t) = token {
            b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        self.send(b.body(Body::from(body.to_string())).unwrap())
            .await
    }

    pub async fn post_raw(
        &self,
        path: &str,
        token: Option<&str>,
        content_type: &str,
        body: Vec<u8>,
        lang: Option<&str>,
    ) -> Reply {
        let mut b = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(header::CONTENT_TYPE, content_type);
        if let Some(t) = token {
            b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        if let Some(l) = lang {
            b = b.header(header::ACCEPT_LANGUAGE, l);
        }
        self.send(b.body(Body::from(body)).unwrap()).await
    }

    /// Posts the login form like a browser (its CSRF cookie and field first read from the
    /// login page) with these fields besides the CSRF token.
    pub async fn login_form(&self, fields: &[(&str, &str)]) -> Reply {
        let page = self.get("/login", None).await;
        assert_eq!(page.status, StatusCode::OK);
        let login_cookie = page
            .cookie("sg_login")
            .expect("login page sets its CSRF cookie");
        let csrf = page
            .hidden_input("csrf")
            .expect("login form carries a CSRF token");
        let mut pairs: Vec<(&str, &str)> = vec![("csrf", &csrf)];
        pairs.extend_from_slice(fields);
        let request = Request::builder()
            .method(Method::POST)
            .uri("/login")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, format!("sg_login={login_cookie}"))
            .body(Body::from(form_encode(&pairs)))
            .unwrap();
        self.send(request).await
    }

    /// Signs in through the login form like a browser; answers the session's cookie header and
    /// its CSRF token.
    pub async fn browser_login(&self, username: &str) -> Browser {
        let reply = self
            .login_form(&[
                ("username", username),
                ("password", PASSWORD),
                ("next", "/"),
            ])
            .await;
        assert_eq!(
            reply.status,
            StatusCode::SEE_OTHER,
            "form login {username}: {}",
            reply.text()
        );
        let session = reply.cookie("sg_session").expect("session cookie");
        let cookie = format!("sg_session={session}");
        // The start page, following where it sends administrators, carries the CSRF token.
        let mut home = self.page(&cookie, "/").await;
        for _ in 0..3 {
            let Some(next) = home
                .headers
                .get(header::LOCATION)
                .and_then(|l| l.to_str().ok())
                .map(str::to_owned)
            else {
                break;
            };
            home = self.page(&cookie, &next).await;
        }
        let csrf = home
            .hidden_input("csrf")
            .expect("signed-in pages carry the CSRF token");
        Browser { cookie, csrf }
    }

    pub async fn page(&self, cookie: &str, path: &str) -> Reply {
        let request = Request::builder()
            .uri(path)
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .unwrap();
        self.send(request).await
    }

    /// A raw POST from a browser session (for bodies `submit` cannot build).
    pub async fn post_raw_with_cookie(
        &self,
        path: &str,
        cookie: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> Reply {
        let request = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(header::CONTENT_TYPE, content_type)
            .header(header::COOKIE, cookie)
            .body(Body::from(body))
            .unwrap();
        self.send(request).await
    }

    pub async fn submit(&self, browser: &Browser, path: &str, fields: &[(&str, &str)]) -> Reply {
        let mut pairs: Vec<(&str, &str)> = vec![("csrf", &browser.csrf)];
        pairs.extend_from_slice(fields);
        let body: String = form_encode(&pairs);
        let request = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, &browser.cookie)
            .body(Body::from(body))
            .unwrap();
        self.send(request).await
    }

    /// Posts a page's multipart form (text fields and files as (field, bytes)) as a
    /// signed-in browser does, with its CSRF token.
    pub async fn submit_multipart(
        &self,
        browser: &Browser,
        path: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &[u8])],
    ) -> Reply {
        const BOUNDARY: &str = "----safegrid-page-form";
        let mut all: Vec<(&str, &str)> = vec![("csrf", &browser.csrf)];
        all.extend_from_slice(fields);
        let files: Vec<(&str, &str, &[u8])> =
            files.iter().map(|(k, b)| (*k, "photo.jpg", *b)).collect();
        self.post_raw_with_cookie(
            path,
            &browser.cookie,
            &format!("multipart/form-data; boundary={BOUNDARY}"),
            multipart_form(BOUNDARY, &all, &files),
        )
        .await
    }

    /// The id of the first grid of a kind in a division (and department), via the API.
    pub async fn grid_id(
        &self,
        token: &str,
        region: &str,
        kind: &str,
        department: Option<i64>,
    ) -> i64 {
        let mut path = format!("/api/v1/grids?region={region}&kind={kind}");
        if let Some(d) = department {
            path.push_str(&format!("&department={d}"));
        }
        let reply = self.get(&path, Some(token)).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
        reply.json()["items"][0]["id"]
            .as_i64()
            .unwrap_or_else(|| panic!("no {kind} grid in {region}"))
    }

    pub async fn department_id(&self, token: &str, short_name: &str) -> i64 {
        let reply = self.get("/api/v1/departments", Some(token)).await;
        reply.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["short_name"] == short_name)
            .and_then(|d| d["id"].as_i64())
            .unwrap_or_else(|| panic!("no department {short_name}"))
    }
}

/// The post of a kind in a grid's `posts` (or a date's `items`), as JSON.
pub fn post_of(posts: &Value, kind: &str) -> Value {
    posts
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} post"))
        .clone()
}

pub fn form_encode(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                k,
                form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>()
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

pub struct Browser {
    pub cookie: String,
    pub csrf: String,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub bytes: Vec<u8>,
}

impl Reply {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|v| {
                v.strip_prefix(&format!("{name}="))
                    .map(|rest| rest.split(';').next().unwrap_or("").to_owned())
            })
    }

    pub fn hidden_input(&self, name: &str) -> Option<String> {
        let text = self.text();
        let marker = format!("name=\"{name}\" value=\"");
        let start = text.find(&marker)? + marker.len();
        Some(text[start..].split('"').next()?.to_owned())
    }

    /// The first field error of a JSON error answer: (field, message).
    pub fn first_error(&self) -> (String, String) {
        let json = self.json();
        let e = &json["errors"][0];
        (
            e["field"].as_str().unwrap_or("").to_owned(),
            e["message"].as_str().unwrap_or("").to_owned(),
        )
    }
}

/// The demo's codes used across stories.
pub const COUNTY: &str = "610921000000";
pub const CHENGGUAN: &str = "610921100000";
pub const XUANWO: &str = "610921106000";
pub const SHUANGHEKOU: &str = "610921108000";

/// A multipart form body: text fields, then files as (field, file name, bytes).
pub fn multipart_form(
    boundary: &str,
    fields: &[(&str, &str)],
    files: &[(&str, &str, &[u8])],
) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    for (field, file_name, bytes) in files {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    body
}
