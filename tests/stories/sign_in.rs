//! Signing in as 等保 level 3 asks (GB/T 22239-2019 8.1.4.1): guessing is locked per name and
//! throttled per address, sessions end when left idle, `next` never leaves the site, and what
//! is shown signed in is never cached. Also the input rules that hold for every request: a NUL
//! anywhere is refused naming its field, and exports survive compression.

use crate::support::*;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::json;
use std::io::Read;
use std::net::SocketAddr;

/// A sign-in through the API from a given client address.
async fn login_from(app: &TestApp, address: &str, username: &str, password: &str) -> Reply {
    let mut request = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/auth/login")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            json!({"username": username, "password": password}).to_string(),
        ))
        .unwrap();
    let socket: SocketAddr = format!("{address}:40000").parse().unwrap();
    request.extensions_mut().insert(ConnectInfo(socket));
    app.send(request).await
}

story!(guessing_locks_the_name_however_it_is_written, |app| {
    // Written with spaces around it, the name is still the one that is locked.
    for name in [" admin", "admin ", "\tadmin", "admin", " admin "] {
        let refused = app
            .post_json(
                "/api/v1/auth/login",
                None,
                &json!({"username": name, "password": "not-the-password"}),
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNAUTHORIZED, "{name:?}");
    }
    let locked = app
        .post_json(
            "/api/v1/auth/login",
            None,
            &json!({"username": "admin", "password": PASSWORD}),
        )
        .await;
    assert_eq!(
        locked.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        locked.text()
    );
    assert_eq!(locked.first_error().0, "username");

    // The login page answers the same lock with its form and 429.
    let form = app
        .login_form(&[("username", " admin"), ("password", PASSWORD)])
        .await;
    assert_eq!(form.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        form.text().contains("15"),
        "says for how long: {}",
        form.text()
    );

    // Other accounts are not affected.
    app.token("chengguan").await;
});

story!(one_address_cannot_guess_across_accounts, |app| {
    // Different names, each under its own lock, from one address: the address runs out.
    for i in 0..30 {
        let refused = login_from(&app, "203.0.113.7", &format!("guess{i}"), "x").await;
        assert_eq!(refused.status, StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    let throttled = login_from(&app, "203.0.113.7", "chengguan", PASSWORD).await;
    assert_eq!(throttled.status, StatusCode::TOO_MANY_REQUESTS);
    // The account itself is not locked: from elsewhere it signs in.
    let elsewhere = login_from(&app, "198.51.100.9", "chengguan", PASSWORD).await;
    assert_eq!(elsewhere.status, StatusCode::OK, "{}", elsewhere.text());
});

story!(sessions_end_when_left_idle, |app| {
    let token = app.token("chengguan").await;
    let browser = app.browser_login("chengguan").await;
    assert_eq!(
        app.get("/api/v1/me", Some(&token)).await.status,
        StatusCode::OK
    );
    assert_eq!(
        app.page(&browser.cookie, "/hazards").await.status,
        StatusCode::OK
    );

    // Unused for longer than the idle time (30 minutes here), though far from their end.
    app.sql("UPDATE sessions SET last_seen_at = '2000-01-01T00:00:00+00:00'")
        .await;
    assert_eq!(
        app.get("/api/v1/me", Some(&token)).await.status,
        StatusCode::UNAUTHORIZED
    );
    let page = app.page(&browser.cookie, "/hazards").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let location = page.headers[header::LOCATION].to_str().unwrap();
    assert!(location.starts_with("/login"), "{location}");

    // A session in use stays alive.
    let fresh = app.token("chengguan").await;
    for _ in 0..3 {
        assert_eq!(
            app.get("/api/v1/me", Some(&fresh)).await.status,
            StatusCode::OK
        );
    }
});

story!(
    next_never_leaves_the_site_and_nothing_signed_in_is_cached,
    |app| {
        let page = app.get("/login", None).await;
        assert_eq!(page.headers[header::CACHE_CONTROL], "no-store");
        for next in [
            "/\t/evil.example",
            "//evil.example",
            "/\\evil.example",
            "https://evil.example",
        ] {
            let signed_in = app
                .login_form(&[
                    ("username", "chengguan"),
                    ("password", PASSWORD),
                    ("next", next),
                ])
                .await;
            assert_eq!(signed_in.status, StatusCode::SEE_OTHER);
            assert_eq!(signed_in.headers[header::LOCATION], "/", "{next:?}");
        }
        let token = app.token("chengguan").await;
        for path in [
            "/api/v1/me",
            "/api/v1/hazards",
            "/api/v1/units/export?format=csv",
        ] {
            let reply = app.get(path, Some(&token)).await;
            assert_eq!(reply.status, StatusCode::OK, "{path}");
            assert_eq!(reply.headers[header::CACHE_CONTROL], "no-store", "{path}");
        }
        let browser = app.browser_login("chengguan").await;
        let page = app.page(&browser.cookie, "/units").await;
        assert_eq!(page.headers[header::CACHE_CONTROL], "no-store");
    }
);

story!(a_nul_anywhere_is_refused_naming_its_field, |app| {
    let admin = app.token("admin").await;
    let json_body = app
        .post_raw(
            "/api/v1/people",
            Some(&admin),
            "application/json",
            br#"{"name": "\u0000x", "phone": "13800000000"}"#.to_vec(),
            None,
        )
        .await;
    assert_eq!(
        json_body.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        json_body.text()
    );
    assert_eq!(json_body.first_error().0, "name");

    let query = app.get("/api/v1/units?q=%00", Some(&admin)).await;
    assert_eq!(
        query.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        query.text()
    );
    assert_eq!(query.first_error().0, "q");

    let login = app
        .post_json(
            "/api/v1/auth/login",
            None,
            &json!({"username": "ad\u{0}min", "password": "x"}),
        )
        .await;
    assert_eq!(login.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(login.first_error().0, "username");

    let browser = app.browser_login("admin").await;
    let form = app
        .submit(
            &browser,
            "/units",
            &[("name", "新\u{0}厂"), ("address", "城关镇")],
        )
        .await;
    assert_eq!(
        form.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        form.text()
    );
});

story!(csv_exports_survive_compression, |app| {
    let admin = app.token("admin").await;
    for (list, export) in [
        (
            "/api/v1/units?per_page=1",
            "/api/v1/units/export?format=csv",
        ),
        (
            "/api/v1/hazards?per_page=1",
            "/api/v1/hazards/export?format=csv",
        ),
    ] {
        let total = app.get(list, Some(&admin)).await.json()["total"]
            .as_i64()
            .unwrap();
        let request = Request::builder()
            .uri(export)
            .header(header::AUTHORIZATION, format!("Bearer {admin}"))
            .header(header::ACCEPT_ENCODING, "gzip")
            .body(Body::empty())
            .unwrap();
        let reply = app.send(request).await;
        assert_eq!(reply.status, StatusCode::OK, "{export}");
        assert_eq!(reply.headers[header::CONTENT_ENCODING], "gzip", "{export}");
        let mut csv = String::new();
        flate2::read::GzDecoder::new(reply.bytes.as_slice())
            .read_to_string(&mut csv)
            .unwrap();
        // Every row, the header apart (no field of the demo spans lines).
        assert_eq!(csv.lines().count() as i64 - 1, total, "{export}");
    }
});

story!(a_second_factor_is_enrolled_and_asked_for, |app| {
    use safegrid_web::second_factor::{code_at, now_seconds};
    let token = app.token("chengguan").await;
    let begun = app
        .post_json("/api/v1/me/totp", Some(&token), &json!({}))
        .await;
    assert_eq!(begun.status, StatusCode::OK, "{}", begun.text());
    let secret = begun.json()["secret"].as_str().unwrap().to_owned();
    let uri = begun.json()["otpauth_uri"].as_str().unwrap().to_owned();
    assert!(
        uri.starts_with("otpauth://totp/safegrid:chengguan?"),
        "{uri}"
    );
    let wrong = app
        .post_json(
            "/api/v1/me/totp/confirm",
            Some(&token),
            &json!({"code": "000000"}),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(wrong.first_error().0, "code");
    let now = now_seconds();
    let code = code_at(&secret, "chengguan", now).unwrap();
    let on = app
        .post_json(
            "/api/v1/me/totp/confirm",
            Some(&token),
            &json!({"code": code}),
        )
        .await;
    assert_eq!(on.status, StatusCode::NO_CONTENT, "{}", on.text());
    assert_eq!(
        app.get("/api/v1/me", Some(&token)).await.json()["totp_enabled"],
        true
    );

    // From now on the password alone is not enough, and a code signs in once.
    let app = &app;
    let login = |totp: Option<String>| {
        let mut body = json!({"username": "chengguan", "password": PASSWORD});
        if let Some(t) = totp {
            body["totp"] = t.into();
        }
        async move { app.post_json("/api/v1/auth/login", None, &body).await }
    };
    let without = login(None).await;
    assert_eq!(without.status, StatusCode::UNAUTHORIZED);
    assert_eq!(without.first_error().0, "totp");
    let used = login(Some(code.clone())).await;
    assert_eq!(
        used.status,
        StatusCode::UNAUTHORIZED,
        "the code that turned it on is spent"
    );
    assert_eq!(used.first_error().0, "totp");
    let next = code_at(&secret, "chengguan", now + 30).unwrap();
    assert_eq!(login(Some(next.clone())).await.status, StatusCode::OK);
    assert_eq!(
        login(Some(next)).await.status,
        StatusCode::UNAUTHORIZED,
        "not twice"
    );
    // Wrong codes count like wrong passwords: the name locks.
    for _ in 0..3 {
        login(Some("123456".into())).await;
    }
    assert_eq!(
        login(Some(code_at(&secret, "chengguan", now + 60).unwrap()))
            .await
            .status,
        StatusCode::TOO_MANY_REQUESTS
    );

    // The login page asks for it too.
    let page = app
        .login_form(&[("username", "xuanwo"), ("password", PASSWORD), ("totp", "")])
        .await;
    assert_eq!(
        page.status,
        StatusCode::SEE_OTHER,
        "an account without one signs in"
    );
    let login_page = app.get("/login", None).await;
    assert!(login_page.text().contains("name=\"totp\""));
});

story!(administrators_must_enrol_before_anything_else, |app| {
    use safegrid_web::second_factor::{code_at, now_seconds};
    let mut app = app;
    app.reconfigure(|c| c.require_second_factor = true);
    let admin = app.token("admin").await;
    let me = app.get("/api/v1/me", Some(&admin)).await.json();
    assert_eq!(me["totp_enrolment_required"], true);
    let refused = app.get("/api/v1/units", Some(&admin)).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let browser = app.browser_login("sysadmin").await;
    let page = app.page(&browser.cookie, "/accounts").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.headers[header::LOCATION], "/me/security");
    let security = app.page(&browser.cookie, "/me/security").await;
    assert_eq!(security.status, StatusCode::OK);
    // Enrolled from the page: the QR code and key, then a code from the app.
    let begun = app.submit(&browser, "/me/security/totp", &[]).await;
    assert_eq!(begun.status, StatusCode::OK);
    let text = begun.text();
    assert!(text.contains("data-testid=\"totp-qr\"") && text.contains("<svg"));
    let marker = "data-testid=\"totp-secret\">";
    let at = text.find(marker).unwrap() + marker.len();
    let secret = text[at..].split('<').next().unwrap().to_owned();
    let code = code_at(&secret, "sysadmin", now_seconds()).unwrap();
    let confirmed = app
        .submit(&browser, "/me/security/totp/confirm", &[("code", &code)])
        .await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.text());
    assert!(confirmed.text().contains("data-testid=\"totp-on\""));
    assert_eq!(
        app.page(&browser.cookie, "/accounts").await.status,
        StatusCode::OK
    );
    // A town's staff is not asked to.
    let chengguan = app.token("chengguan").await;
    assert_eq!(
        app.get("/api/v1/units", Some(&chengguan)).await.status,
        StatusCode::OK
    );
    // Nor the admin once enrolled through the API.
    let begun = app
        .post_json("/api/v1/me/totp", Some(&admin), &json!({}))
        .await
        .json();
    let secret = begun["secret"].as_str().unwrap();
    let code = code_at(secret, "admin", now_seconds()).unwrap();
    app.post_json(
        "/api/v1/me/totp/confirm",
        Some(&admin),
        &json!({"code": code}),
    )
    .await;
    assert_eq!(
        app.get("/api/v1/units", Some(&admin)).await.status,
        StatusCode::OK
    );
});

story!(slow_and_idle_connections_are_closed, |app| {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(safegrid::serve::serve_with(
        listener,
        app.router.clone(),
        async {
            let _ = stopped.await;
        },
        std::time::Duration::from_millis(300),
    ));
    // Waits for the server to close the connection; a server that never does fails here.
    async fn closed(stream: &mut tokio::net::TcpStream) -> Vec<u8> {
        let mut seen = Vec::new();
        let read = tokio::time::timeout(std::time::Duration::from_secs(20), async {
            let mut buf = [0u8; 4096];
            loop {
                match stream.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => seen.extend_from_slice(&buf[..n]),
                }
            }
        })
        .await;
        assert!(read.is_ok(), "the server kept the connection open");
        seen
    }
    // Half a request's headers, then silence.
    let mut slow = tokio::net::TcpStream::connect(address).await.unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    assert!(closed(&mut slow).await.is_empty());
    // One answered request, then an idle kept-alive connection.
    let mut idle = tokio::net::TcpStream::connect(address).await.unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let answered = closed(&mut idle).await;
    assert!(
        answered.starts_with(b"HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&answered)
    );
    let _ = stop.send(());
    server.await.unwrap();
});
