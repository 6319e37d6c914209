//! Every change leaves an audit record, chained so that tampering shows.

use crate::support::*;
use axum::http::StatusCode;
use serde_json::json;

story!(changes_are_audited_and_chained, |app| {
    let chengguan = app.token("chengguan").await;
    let id = app.grid_id(&chengguan, CHENGGUAN, "town", None).await;
    let grid = app
        .get(&format!("/api/v1/grids/{id}"), Some(&chengguan))
        .await
        .json();
    let holding = grid["posts"][1]["holders"][0]["id"].as_i64().unwrap();
    let replaced = app
        .post_json(
            &format!("/api/v1/holdings/{holding}/replace"),
            Some(&chengguan),
            &json!({"person": {"name": "审计测"}, "on": "2026-11-03"}),
        )
        .await;
    assert_eq!(replaced.status, StatusCode::CREATED);
    let _ = app
        .post_json(
            "/api/v1/auth/login",
            None,
            &json!({"username": "chengguan", "password": "wrong"}),
        )
        .await;

    let auditor = app.token("auditor").await;
    let log = app
        .get("/api/v1/audit?per_page=10", Some(&auditor))
        .await
        .json();
    let entries = log["items"].as_array().unwrap();
    let replace = entries
        .iter()
        .find(|e| e["action"] == "post.replace")
        .expect("the replacement is audited");
    assert_eq!(replace["username"], "chengguan");
    assert_eq!(replace["outcome"], "ok");
    assert!(
        entries
            .iter()
            .any(|e| e["action"] == "person.create" && e["username"] == "chengguan"),
        "the new person too"
    );
    assert!(
        entries
            .iter()
            .any(|e| e["action"] == "auth.login" && e["outcome"] == "denied"),
        "refused sign-ins too"
    );

    let (checked, broken) = app.store.verify_audit().await.unwrap();
    assert!(checked > 100);
    assert!(broken.is_empty(), "{broken:?}");

    // Editing a record behind the system's back breaks its chain at that record.
    let replace_id = replace["id"].as_i64().unwrap();
    let sql = format!("UPDATE audit_log SET detail = '{{}}' WHERE id = {replace_id}");
    match app.backend {
        Backend::Sqlite => {
            let path = app.sqlite_path.clone().unwrap();
            let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display()))
                .await
                .unwrap();
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .execute(&pool)
                .await
                .unwrap();
            pool.close().await;
        }
        Backend::Postgres => return, // the same chain code; tampering is shown once, on SQLite
    }
    let (_, broken) = app.store.verify_audit().await.unwrap();
    assert_eq!(broken.len(), 1);
    assert_eq!(broken[0].id, replace_id);
});

story!(removing_the_newest_records_is_found, |app| {
    let chengguan = app.token("chengguan").await;
    let _ = app.get("/api/v1/me", Some(&chengguan)).await;
    let (_, broken) = app.store.verify_audit().await.unwrap();
    assert!(broken.is_empty(), "{broken:?}");

    // The newest record of the county's chain (chengguan's sign-in) goes; every link left
    // still holds, but the chain no longer ends where its head says.
    app.sql(&format!(
        "DELETE FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log WHERE chain = '{COUNTY}')"
    ))
    .await;
    let (_, broken) = app.store.verify_audit().await.unwrap();
    assert_eq!(broken.len(), 1, "{broken:?}");
    assert_eq!(broken[0].chain, COUNTY);
});

story!(the_database_refuses_a_record_off_its_chains_head, |app| {
    app.token("chengguan").await;
    // A record appended by hand on any hash but the head's would fork the chain: the
    // database itself refuses it, whoever writes.
    let forged = app
        .try_sql(&format!(
            "INSERT INTO audit_log (chain, at, action, object_type, outcome, prev_hash, hash) \
             VALUES ('{COUNTY}', '2026-01-01T00:00:00+00:00', 'forged', 'test', 'ok', 'not-the-head', 'x')"
        ))
        .await
        .unwrap_err();
    assert!(forged.contains("audit_chain_moved"), "{forged}");
    let (_, broken) = app.store.verify_audit().await.unwrap();
    assert!(broken.is_empty(), "{broken:?}");
    // The system's own writes go on appending.
    app.token("chengguan").await;
    let (_, broken) = app.store.verify_audit().await.unwrap();
    assert!(broken.is_empty(), "{broken:?}");
});

story!(the_audit_log_is_filtered_and_exported, |app| {
    app.token("chengguan").await;
    app.token("chengguan").await;
    let _ = app
        .post_json(
            "/api/v1/auth/login",
            None,
            &json!({"username": "chengguan", "password": "wrong"}),
        )
        .await;
    let auditor = app.token("auditor").await;
    let today = safegrid_domain::time::today().to_string();
    let path =
        format!("/api/v1/audit?username=chengguan&action=auth.login&from={today}&to={today}");
    let log = app.get(&path, Some(&auditor)).await;
    assert_eq!(log.status, StatusCode::OK, "{}", log.text());
    let log = log.json();
    assert_eq!(log["total"], 3, "{log}");
    assert!(
        log["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["username"] == "chengguan" && e["action"] == "auth.login")
    );
    let yesterday = (safegrid_domain::time::today() - chrono::Days::new(1)).to_string();
    let none = app
        .get(
            &format!("/api/v1/audit?username=chengguan&to={yesterday}"),
            Some(&auditor),
        )
        .await
        .json();
    assert_eq!(none["total"], 0);
    let bad = app
        .get("/api/v1/audit?from=2026-13-01", Some(&auditor))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.first_error().0, "from");

    let export = app
        .get(
            "/api/v1/audit/export?username=chengguan&action=auth.login&format=csv",
            Some(&auditor),
        )
        .await;
    assert_eq!(export.status, StatusCode::OK);
    assert_eq!(
        export.text().lines().count(),
        4,
        "a header and three records"
    );
    let xlsx = app.get("/api/v1/audit/export", Some(&auditor)).await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert_eq!(&xlsx.bytes[..2], b"PK");
    // Only the audit administrator reads or exports it.
    for other in ["admin", "sysadmin", "chengguan"] {
        let token = app.token(other).await;
        assert_eq!(
            app.get("/api/v1/audit/export?format=csv", Some(&token))
                .await
                .status,
            StatusCode::FORBIDDEN,
            "{other}"
        );
    }
    let browser = app.browser_login("auditor").await;
    let page = app.page(&browser.cookie, "/audit?username=chengguan").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("data-testid=\"audit-export\""));
});
