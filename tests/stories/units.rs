//! The unit ledger: units placed in a village and their departments' grids, graded by the
//! county's rule, found by name, initials or code, and seen only within scope.

use crate::support::*;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::{Value, json};

/// A valid code: 17 characters and the check character GB 32100 gives them.
fn uscc(body: &str) -> String {
    let first17 = format!("91610921{body}");
    let check = safegrid_domain::unit::uscc::check_character(first17.as_bytes()).unwrap();
    format!("{first17}{check}")
}

async fn patch(app: &TestApp, path: &str, token: &str, body: &Value) -> Reply {
    let request = Request::builder()
        .method(Method::PATCH)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(axum::body::Body::from(body.to_string()))
        .unwrap();
    app.send(request).await
}

async fn first_village(app: &TestApp, token: &str, town: &str) -> String {
    let villages = app
        .get(&format!("/api/v1/regions?parent={town}"), Some(token))
        .await
        .json();
    villages["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["kind"] == "village")
        .unwrap()["code"]
        .as_str()
        .unwrap()
        .to_owned()
}

story!(units_are_registered_graded_and_found, |app| {
    let admin = app.token("admin").await;
    let chengguan = app.token("chengguan").await;
    let anjian_id = app.department_id(&admin, "县安监局").await;
    let village = first_village(&app, &chengguan, CHENGGUAN).await;
    let code = uscc("MA6X12345");
    let made = app
        .post_json(
            "/api/v1/units",
            Some(&chengguan),
            &json!({"name": "汉阴县恒达化工有限公司", "uscc": code.to_lowercase(), "region": village, "address": "城关镇工业路8号",
                    "sector": "hazardous_chemicals", "industry": "C2614", "employees": 45, "supervising_department_ids": [anjian_id]}),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
    let unit = made.json();
    let id = unit["id"].as_i64().unwrap();
    assert_eq!(unit["uscc"], code, "the code is kept in its normal form");
    assert_eq!(unit["region"], village);
    assert_eq!(
        unit["supervision_grade"], "A",
        "hazardous chemicals are high-risk"
    );
    assert_eq!(
        unit["grade_reasons"][0]["key"],
        "grade.reason.high_risk_sector"
    );
    assert_eq!(unit["supervising_departments"][0]["id"], anjian_id);

    // Found by part of the name, by the initials of the name, by the code.
    for q in ["恒达", "hyxhd", &code, "工业路"] {
        let found = app
            .get(&format!("/api/v1/units?q={}", urlencode(q)), Some(&admin))
            .await
            .json();
        assert_eq!(found["total"], 1, "q={q}");
        assert_eq!(found["items"][0]["id"], id);
    }
    let graded = app
        .get(
            "/api/v1/units?grade=A&sector=hazardous_chemicals",
            Some(&admin),
        )
        .await
        .json();
    assert_eq!(graded["total"], 1);

    // Scope: the town and the supervising department see it; another town and department do not.
    let anjian = app.token("anjian").await;
    assert_eq!(
        app.get(&format!("/api/v1/units/{id}"), Some(&anjian))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        app.get("/api/v1/units", Some(&anjian)).await.json()["total"],
        1
    );
    for other in ["xuanwo", "zhujian", "sysadmin"] {
        let token = app.token(other).await;
        assert_eq!(
            app.get(&format!("/api/v1/units/{id}"), Some(&token))
                .await
                .status,
            StatusCode::NOT_FOUND,
            "{other}"
        );
        assert_eq!(
            app.get("/api/v1/units?q=恒达", Some(&token)).await.json()["total"],
            0,
            "{other}"
        );
    }

    // Changes keep their history with reasons.
    let no_reason = patch(
        &app,
        &format!("/api/v1/units/{id}"),
        &chengguan,
        &json!({"status": "suspended"}),
    )
    .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(no_reason.first_error().0, "status_reason");
    let suspended = patch(
        &app,
        &format!("/api/v1/units/{id}"),
        &chengguan,
        &json!({"status": "suspended", "status_reason": "停产整顿"}),
    )
    .await;
    assert_eq!(suspended.status, StatusCode::OK, "{}", suspended.text());
    let regraded = patch(
        &app,
        &format!("/api/v1/units/{id}"),
        &admin,
        &json!({"supervision_grade": "B", "grade_reason": "已完成自动化改造"}),
    )
    .await;
    let detail = regraded.json();
    assert_eq!(detail["supervision_grade"], "B");
    assert_eq!(
        detail["suggested_grade"], "A",
        "the rule's suggestion stays visible"
    );
    let history = detail["history"].as_array().unwrap();
    assert!(
        history.iter().any(|h| h["field"] == "status"
            && h["value"] == "suspended"
            && h["reason"] == "停产整顿")
    );
    assert!(
        history
            .iter()
            .any(|h| h["field"] == "grade" && h["value"] == "B")
    );
    assert!(
        history
            .iter()
            .any(|h| h["field"] == "status" && h["value"] == "operating"),
        "the first status stays"
    );
    let xuanwo = app.token("xuanwo").await;
    assert_eq!(
        patch(
            &app,
            &format!("/api/v1/units/{id}"),
            &xuanwo,
            &json!({"phone": "13900000000"})
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
});

story!(unit_input_is_checked_field_by_field, |app| {
    let chengguan = app.token("chengguan").await;
    let village = first_village(&app, &chengguan, CHENGGUAN).await;
    let good = uscc("MA6X56789");
    let first = app
        .post_json(
            "/api/v1/units",
            Some(&chengguan),
            &json!({"name": "甲厂", "uscc": good, "region": village, "address": "一号"}),
        )
        .await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text());
    let wrong_check = format!(
        "{}{}",
        &good[..17],
        if good.ends_with('0') { '1' } else { '0' }
    );
    for (body, field) in [
        (
            json!({"name": "乙厂", "uscc": wrong_check, "region": village}),
            "uscc",
        ),
        (
            json!({"name": "乙厂", "uscc": "91610921MA6X567", "region": village}),
            "uscc",
        ),
        (json!({"name": "乙厂", "region": village}), "no_uscc_reason"),
        (
            json!({"name": "乙厂", "uscc": good, "region": village}),
            "uscc",
        ),
        (
            json!({"name": "甲厂", "no_uscc_reason": "个体工商户", "region": village, "address": "一号"}),
            "name",
        ),
        (
            json!({"name": "", "no_uscc_reason": "个体", "region": village}),
            "name",
        ),
        (
            json!({"name": "乙厂", "no_uscc_reason": "个体", "region": CHENGGUAN}),
            "region",
        ),
        (json!({"name": "乙厂", "no_uscc_reason": "个体"}), "region"),
        (
            json!({"name": "乙厂", "no_uscc_reason": "个体", "region": "610921106201"}),
            "region",
        ),
        (
            json!({"name": "乙厂", "no_uscc_reason": "个体", "region": village, "industry": "99"}),
            "industry",
        ),
        (
            json!({"name": "乙厂", "no_uscc_reason": "个体", "region": village, "sector": "moon_mining"}),
            "sector",
        ),
        (
            json!({"name": "乙厂", "no_uscc_reason": "个体", "region": village, "employees": -3}),
            "employees",
        ),
        (
            json!({"name": "乙厂", "no_uscc_reason": "个体", "region": village, "is_key": true}),
            "key_reason",
        ),
        (
            json!({"name": "乙厂", "no_uscc_reason": "个体", "region": village, "supervision_grade": "A"}),
            "grade_reason",
        ),
        (
            json!({"name": "乙厂", "no_uscc_reason": "个体", "region": village, "longitude": 200.0}),
            "longitude",
        ),
    ] {
        let reply = app
            .post_json("/api/v1/units", Some(&chengguan), &body)
            .await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {}",
            reply.text()
        );
        assert_eq!(reply.first_error().0, field, "{body}");
    }
    let individual = app
        .post_json(
            "/api/v1/units",
            Some(&chengguan),
            &json!({"name": "王记小卖部", "no_uscc_reason": "个体工商户", "region": village}),
        )
        .await;
    assert_eq!(individual.status, StatusCode::CREATED);
    assert_eq!(individual.json()["supervision_grade"], "C");
    let leader = app.token("lingdao").await;
    let refused = app
        .post_json(
            "/api/v1/units",
            Some(&leader),
            &json!({"name": "丙厂", "no_uscc_reason": "个体", "region": village}),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
});

fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
