//! Bad input answers a clear, translated, field-level error, never a 500.

use crate::support::*;
use axum::http::StatusCode;
use serde_json::json;

story!(malformed_region_codes_and_unknown_parents, |app| {
    let admin = app.token("admin").await;
    for code in ["61092110029", "6109211002990", "61092110029x", ""] {
        let reply = app
            .post_json(
                "/api/v1/regions",
                Some(&admin),
                &json!({"code": code, "parent_code": CHENGGUAN, "name": "坏", "kind": "village"}),
            )
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{code:?}");
        assert_eq!(
            reply.first_error(),
            ("code".to_owned(), "区划代码应为 12 位数字".to_owned())
        );
    }
    let unknown = app.post_json("/api/v1/regions", Some(&admin), &json!({"code": "610921199201", "parent_code": "610921199000", "name": "无", "kind": "village"})).await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(unknown.first_error().0, "parent_code");
    let outside = app.post_json("/api/v1/regions", Some(&admin), &json!({"code": "610921101299", "parent_code": CHENGGUAN, "name": "错位", "kind": "village"})).await;
    assert_eq!(outside.first_error().0, "code");
    let wrong_kind = app.post_json("/api/v1/regions", Some(&admin), &json!({"code": "610921100298", "parent_code": CHENGGUAN, "name": "错类", "kind": "town"})).await;
    assert_eq!(wrong_kind.first_error().0, "kind");
    let taken = app
        .post_json(
            "/api/v1/regions",
            Some(&admin),
            &json!({"code": CHENGGUAN, "parent_code": COUNTY, "name": "重复", "kind": "town"}),
        )
        .await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(taken.first_error().0, "code");
    let bad_query = app.get("/api/v1/regions?parent=abc", Some(&admin)).await;
    assert_eq!(bad_query.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad_query.first_error().0, "parent");
});

story!(dates_and_seats, |app| {
    let token = app.token("chengguan").await;
    let id = app.grid_id(&token, CHENGGUAN, "town", None).await;
    let grid = app
        .get(&format!("/api/v1/grids/{id}"), Some(&token))
        .await
        .json();
    let leader = post_of(&grid["posts"], "leader_in_charge");
    let post = leader["id"].as_i64().unwrap();

    let backwards = app
        .post_json(&format!("/api/v1/posts/{post}/holdings"), Some(&token), &json!({"person": {"name": "钱"}, "started_on": "2026-12-01", "ended_on": "2026-11-01"}))
        .await;
    assert_eq!(backwards.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        backwards.first_error(),
        ("ended_on".to_owned(), "离任日期不能早于任职日期".to_owned())
    );

    let full = app
        .post_json(
            &format!("/api/v1/posts/{post}/holdings"),
            Some(&token),
            &json!({"person": {"name": "第二人"}, "started_on": "2026-11-01"}),
        )
        .await;
    assert_eq!(
        full.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a single-holder post takes no second holder"
    );
    assert_eq!(full.first_error().0, "person_id");
    assert!(full.first_error().1.contains('1'));
    // A refused appointment registers nobody.
    let admin = app.token("admin").await;
    assert_eq!(
        app.get("/api/v1/people?q=第二人", Some(&admin))
            .await
            .json()["total"],
        0
    );

    let bad_date = app
        .post_json(
            &format!("/api/v1/posts/{post}/holdings"),
            Some(&token),
            &json!({"person_id": 1, "started_on": "2026-02-30"}),
        )
        .await;
    assert_eq!(bad_date.first_error().0, "started_on");
    let no_person = app
        .post_json(
            &format!("/api/v1/posts/{post}/holdings"),
            Some(&token),
            &json!({"started_on": "2026-11-01"}),
        )
        .await;
    assert_eq!(no_person.first_error().0, "person_id");
    let bad_phone = app
        .post_json(
            &format!("/api/v1/posts/{post}/holdings"),
            Some(&token),
            &json!({"person": {"name": "某", "phone": "call me"}, "started_on": "2026-11-01"}),
        )
        .await;
    assert_eq!(bad_phone.first_error().0, "phone");
    let stranger = app
        .post_json(
            &format!("/api/v1/posts/{post}/holdings"),
            Some(&token),
            &json!({"person_id": 987654, "started_on": "2026-11-01"}),
        )
        .await;
    assert_eq!(stranger.first_error().0, "person_id");
    let as_of = app
        .get(
            &format!("/api/v1/grids/{id}/posts?as_of=yesterday"),
            Some(&token),
        )
        .await;
    assert_eq!(as_of.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(as_of.first_error().0, "as_of");
});

story!(unknown_ids, |app| {
    let token = app.token("admin").await;
    for path in [
        "/api/v1/grids/987654",
        "/api/v1/grids/987654/posts",
        "/api/v1/grids/abc",
        "/api/v1/regions/610921999999",
        "/api/v1/regions/xyz",
        "/api/v1/departments/987654",
        "/api/v1/nothing-here",
    ] {
        let reply = app.get(path, Some(&token)).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{path}");
        assert!(!reply.first_error().1.is_empty(), "{path} says why");
    }
    let replace = app
        .post_json(
            "/api/v1/holdings/987654/replace",
            Some(&token),
            &json!({"person_id": 1, "on": "2026-11-01"}),
        )
        .await;
    assert_eq!(replace.status, StatusCode::NOT_FOUND);
    let appoint = app
        .post_json(
            "/api/v1/posts/987654/holdings",
            Some(&token),
            &json!({"person_id": 1, "started_on": "2026-11-01"}),
        )
        .await;
    assert_eq!(appoint.status, StatusCode::NOT_FOUND);
});

story!(malformed_and_oversized_bodies, |app| {
    let token = app.token("admin").await;
    let broken = app
        .post_raw(
            "/api/v1/regions",
            Some(&token),
            "application/json",
            b"{\"code\": ".to_vec(),
            None,
        )
        .await;
    assert_eq!(broken.status, StatusCode::BAD_REQUEST);
    assert_eq!(broken.first_error().0, "body");
    let wrong_type = app
        .post_raw(
            "/api/v1/regions",
            Some(&token),
            "application/json",
            br#"{"code": 5, "name": "x", "kind": "village"}"#.to_vec(),
            None,
        )
        .await;
    assert_eq!(wrong_type.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(wrong_type.first_error().0, "code");
    let huge = vec![b' '; safegrid_web::BODY_LIMIT + 1];
    let too_big = app
        .post_raw(
            "/api/v1/regions",
            Some(&token),
            "application/json",
            huge,
            None,
        )
        .await;
    assert_eq!(too_big.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(too_big.first_error().0, "body");
    let login_missing = app
        .post_raw(
            "/api/v1/auth/login",
            None,
            "application/json",
            br#"{"username": "admin"}"#.to_vec(),
            None,
        )
        .await;
    assert_eq!(login_missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(login_missing.first_error().0, "password");
});

story!(messages_follow_the_language, |app| {
    let token = app.token("admin").await;
    let body = json!({"code": "123", "parent_code": CHENGGUAN, "name": "x", "kind": "village"})
        .to_string()
        .into_bytes();
    let en = app
        .post_raw(
            "/api/v1/regions",
            Some(&token),
            "application/json",
            body.clone(),
            Some("en-US,en;q=0.9"),
        )
        .await;
    assert_eq!(
        en.first_error(),
        ("code".to_owned(), "must be 12 digits".to_owned())
    );
    let zh = app
        .post_raw(
            "/api/v1/regions",
            Some(&token),
            "application/json",
            body,
            Some("zh-CN"),
        )
        .await;
    assert_eq!(zh.first_error().1, "区划代码应为 12 位数字");
});
