//! Grid plans (R-GRID-8): departments and towns file, the county office sets the deadline and
//! sees who is on time, late or missing.

use crate::support::*;
use axum::http::StatusCode;
use serde_json::json;

fn state_of<'a>(board: &'a serde_json::Value, name: &str) -> &'a str {
    board["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"] == name)
        .unwrap()["state"]
        .as_str()
        .unwrap()
}

/// The county office sets the plans' deadline.
async fn set_deadline(app: &TestApp, admin: &str, due_on: &str) {
    let set = app
        .send(
            axum::http::Request::builder()
                .method("PUT")
                .uri("/api/v1/plans/deadline")
                .header("authorization", format!("Bearer {admin}"))
                .header("content-type", "application/json")
                .body(axum::body::Body::from(
                    json!({ "due_on": due_on }).to_string(),
                ))
                .unwrap(),
        )
        .await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.text());
}

story!(plans_are_filed_and_tracked, |app| {
    let admin = app.token("admin").await;
    set_deadline(&app, &admin, "2026-03-31").await;

    let anjian = app.token("anjian").await;
    let filed = app
        .post_json(
            "/api/v1/plans",
            Some(&anjian),
            &json!({"title": "县安监局网格化安全管理方案", "filed_on": "2026-03-01"}),
        )
        .await;
    assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.text());
    let chengguan = app.token("chengguan").await;
    let late = app
        .post_json(
            "/api/v1/plans",
            Some(&chengguan),
            &json!({"title": "城关镇网格化安全管理方案", "filed_on": "2026-04-15"}),
        )
        .await;
    assert_eq!(late.status, StatusCode::CREATED);
    assert_eq!(
        late.json()["region_code"],
        CHENGGUAN,
        "a town files for itself"
    );

    let board = app.get("/api/v1/plans", Some(&admin)).await.json();
    assert_eq!(board["due_on"], "2026-03-31");
    assert_eq!(board["total"], 14, "4 departments and 10 towns");
    assert_eq!(state_of(&board, "县安全生产监督管理局"), "filed");
    assert_eq!(state_of(&board, "城关镇"), "filed_late");
    assert_eq!(state_of(&board, "漩涡镇"), "missing");

    // Each sees its own line only.
    let own = app.get("/api/v1/plans", Some(&anjian)).await.json();
    assert_eq!(own["total"], 1);
    let town = app
        .get("/api/v1/plans", Some(&app.token("xuanwo").await))
        .await
        .json();
    assert_eq!(town["total"], 1);
    assert_eq!(town["items"][0]["state"], "missing");
    assert_eq!(
        app.get("/api/v1/plans", Some(&app.token("cunwang").await))
            .await
            .json()["total"],
        0
    );
    assert_eq!(
        app.get("/api/v1/plans", Some(&app.token("auditor").await))
            .await
            .json()["total"],
        0
    );

    // Refusals.
    let future = app
        .post_json(
            "/api/v1/plans",
            Some(&anjian),
            &json!({"title": "x", "filed_on": "2999-01-01"}),
        )
        .await;
    assert_eq!(future.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(future.first_error().0, "filed_on");
    let untitled = app
        .post_json(
            "/api/v1/plans",
            Some(&anjian),
            &json!({"title": " ", "filed_on": "2026-03-01"}),
        )
        .await;
    assert_eq!(untitled.first_error().0, "title");
    let leader = app.token("lingdao").await;
    assert_eq!(
        app.post_json(
            "/api/v1/plans",
            Some(&leader),
            &json!({"title": "x", "filed_on": "2026-03-01"})
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    let nobody = app
        .post_json(
            "/api/v1/plans",
            Some(&admin),
            &json!({"title": "x", "filed_on": "2026-03-01"}),
        )
        .await;
    assert_eq!(
        nobody.first_error().0,
        "owner",
        "the county office names whose plan it files"
    );
    let village = app
        .post_json(
            "/api/v1/plans",
            Some(&admin),
            &json!({"title": "x", "filed_on": "2026-03-01", "region_code": "610921100001"}),
        )
        .await;
    assert_eq!(village.first_error().0, "region_code");
    let for_town = app.post_json("/api/v1/plans", Some(&admin), &json!({"title": "漩涡镇方案（代报）", "filed_on": "2026-03-20", "region_code": XUANWO})).await;
    assert_eq!(for_town.status, StatusCode::CREATED);
    let board = app.get("/api/v1/plans", Some(&admin)).await.json();
    assert_eq!(state_of(&board, "漩涡镇"), "filed");
});

story!(plans_page, |app| {
    let browser = app.browser_login("chengguan").await;
    let page = app.page(&browser.cookie, "/plans").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("data-testid=\"plan-form\""));
    let refused = app
        .submit(
            &browser,
            "/plans",
            &[("title", ""), ("filed_on", "2026-03-01")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text().contains("标题：必须填写"));
    let filed = app
        .submit(
            &browser,
            "/plans",
            &[("title", "城关镇方案"), ("filed_on", "2026-03-01")],
        )
        .await;
    assert_eq!(filed.status, StatusCode::SEE_OTHER);
    let page = app.page(&browser.cookie, "/plans").await.text();
    assert!(page.contains("城关镇方案"));
    assert!(page.contains("data-state=\"filed\""));
});

story!(grid_plans_are_duties_of_the_towns_and_departments, |app| {
    let admin = app.token("admin").await;
    set_deadline(&app, &admin, "2026-03-31").await;
    let anjian = app.token("anjian").await;
    let filed = app
        .post_json(
            "/api/v1/plans",
            Some(&anjian),
            &json!({"title": "县安监局网格化安全管理方案", "filed_on": "2026-03-01"}),
        )
        .await;
    assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.text());
    let anjian_id = app.department_id(&anjian, "县安监局").await;

    // The county sees every town's and department's plan as a duty of the deadline's day.
    let all = app
        .get(
            "/api/v1/duties?kind=grid_plan&period=2026-03&per_page=200",
            Some(&admin),
        )
        .await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.text());
    let all = all.json();
    let items = all["items"].as_array().unwrap();
    assert!(items.len() >= 2, "{all}");
    assert!(items.iter().all(|d| d["unit_id"].is_null()
        && d["due_on"] == "2026-03-31"
        && d["period"] == "2026-03-31"));
    let own = items
        .iter()
        .find(|d| d["department_id"] == anjian_id)
        .unwrap();
    assert_eq!(own["state"], "done");
    assert_eq!(own["record_id"], filed.json()["id"]);
    let town = items.iter().find(|d| d["town_code"] == CHENGGUAN).unwrap();
    assert_eq!(town["state"], "overdue", "the deadline has passed unfiled");
    assert_eq!(town["region_code"], CHENGGUAN);
    let by_kind = app
        .get(
            "/api/v1/duties/summary?group=kind&period=2026",
            Some(&admin),
        )
        .await
        .json();
    let plans = by_kind["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == "grid_plan")
        .cloned()
        .unwrap();
    assert_eq!(plans["done"], 1);

    // A town sees its own plan duty, a department its own; another month has none.
    let chengguan = app.token("chengguan").await;
    let theirs = app
        .get(
            "/api/v1/duties?kind=grid_plan&period=2026",
            Some(&chengguan),
        )
        .await
        .json();
    assert_eq!(theirs["total"], 1);
    assert_eq!(theirs["items"][0]["town_code"], CHENGGUAN);
    let mine = app
        .get("/api/v1/duties?kind=grid_plan&period=2026", Some(&anjian))
        .await
        .json();
    assert_eq!(mine["total"], 1);
    assert_eq!(mine["items"][0]["department_id"], anjian_id);
    let april = app
        .get("/api/v1/duties?kind=grid_plan&period=2026-04", Some(&admin))
        .await
        .json();
    assert_eq!(april["total"], 0);
});
