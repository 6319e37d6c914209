//! Backup and restore (等保 data backup): an archive made while the system is in use fills an
//! empty data directory again with every row, every photo and an intact audit log.

use crate::hazards::{BOUNDARY, photo_form, png};
use crate::support::*;
use axum::http::StatusCode;
use serde_json::json;

story!(a_backup_restores_every_row_and_photo, |app| {
    if app.backend == Backend::Postgres {
        // PostgreSQL is backed up with pg_dump (README); the archive's round trip is SQLite's.
        return;
    }
    let qiye = app.token("qiye").await;
    let unit = app.get("/api/v1/units", Some(&qiye)).await.json()["items"][0]["id"]
        .as_i64()
        .unwrap();
    let deadline = (safegrid_domain::time::today() + chrono::Days::new(5)).to_string();
    let hazard = app
        .post_json("/api/v1/hazards", Some(&qiye),
            &json!({"unit_id": unit, "level": "general", "source": "self_check", "description": "灭火器过期", "deadline": deadline}))
        .await
        .json()["id"]
        .as_i64()
        .unwrap();
    let photo = app
        .post_raw(
            &format!("/api/v1/hazards/{hazard}/photos"),
            Some(&qiye),
            &format!("multipart/form-data; boundary={BOUNDARY}"),
            photo_form("before", "fire.png", &png(80, 60)),
            None,
        )
        .await;
    assert_eq!(photo.status, StatusCode::CREATED, "{}", photo.text());
    let photo = photo.json()["id"].as_i64().unwrap();
    let original = app
        .get(&format!("/api/v1/hazard-photos/{photo}"), Some(&qiye))
        .await
        .bytes;

    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("county.tar");
    let manifest = safegrid::backup::backup(&app.store, &archive)
        .await
        .unwrap();
    assert!(manifest.files >= 2, "the photo and its thumbnail");
    assert_eq!(manifest.tables, app.store.table_counts().await.unwrap());

    // Restored into an empty data directory, it is the same county.
    let restored_db = dir.path().join("restored").join("safegrid.db");
    let restored_files = dir.path().join("restored").join("files");
    let back = safegrid::backup::restore(&archive, &restored_db, &restored_files)
        .await
        .unwrap();
    assert_eq!(back, manifest);
    let store = safegrid_store::Store::connect(
        &format!("sqlite://{}", restored_db.display()),
        safegrid_store::FileStore::new(&restored_files),
    )
    .await
    .unwrap();
    store.migrate().await.unwrap();
    assert_eq!(store.table_counts().await.unwrap(), manifest.tables);
    let (checked, broken) = store.verify_audit().await.unwrap();
    assert!(checked > 0 && broken.is_empty(), "{broken:?}");
    let restored_app = safegrid_web::app(safegrid_web::AppState::new(store.clone(), test_config()));
    let token = {
        use tower::ServiceExt;
        let request = axum::http::Request::post("/api/v1/auth/login")
            .header("content-type", "application/json")
            .body(axum::body::Body::from(
                json!({"username": "qiye", "password": PASSWORD}).to_string(),
            ))
            .unwrap();
        let response = restored_app.clone().oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let body = http_body_util::BodyExt::collect(response.into_body())
            .await
            .unwrap()
            .to_bytes();
        serde_json::from_slice::<serde_json::Value>(&body).unwrap()["token"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let served = {
        use tower::ServiceExt;
        let request = axum::http::Request::get(format!("/api/v1/hazard-photos/{photo}"))
            .header("authorization", format!("Bearer {token}"))
            .body(axum::body::Body::empty())
            .unwrap();
        let response = restored_app.oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        http_body_util::BodyExt::collect(response.into_body())
            .await
            .unwrap()
            .to_bytes()
    };
    assert_eq!(
        served.as_ref(),
        original.as_slice(),
        "the photo is back, byte for byte"
    );
    store.close().await;

    // A restore never overwrites: the data directory it fills must be empty.
    let again = safegrid::backup::restore(&archive, &restored_db, &restored_files).await;
    assert!(again.is_err());
    // A damaged archive is refused and leaves nothing behind.
    let mut bytes = std::fs::read(&archive).unwrap();
    // A byte of the first stored file's content (its 512-byte header starts with its name).
    let header = bytes
        .windows(6)
        .position(|w| w == b"files/")
        .expect("a stored file in the archive");
    bytes[header + 512 + 20] ^= 0xff;
    let damaged = dir.path().join("damaged.tar");
    std::fs::write(&damaged, &bytes).unwrap();
    let other_db = dir.path().join("other").join("safegrid.db");
    let other_files = dir.path().join("other").join("files");
    assert!(
        safegrid::backup::restore(&damaged, &other_db, &other_files)
            .await
            .is_err()
    );
    assert!(!other_db.exists());
});
