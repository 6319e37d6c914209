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

story!(a_unit_manager_sees_only_their_unit, |app| {
    let qiye = app.token("qiye").await;
    let list = app.get("/api/v1/units", Some(&qiye)).await.json();
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["name"], "汉阴县城关镇惠民超市");
    let chengguan = app.token("chengguan").await;
    let village = first_village(&app, &chengguan, CHENGGUAN).await;
    let other = app
        .post_json(
            "/api/v1/units",
            Some(&chengguan),
            &json!({"name": "邻居商店", "no_uscc_reason": "个体", "region": village}),
        )
        .await;
    let other_id = other.json()["id"].as_i64().unwrap();
    assert_eq!(
        app.get(&format!("/api/v1/units/{other_id}"), Some(&qiye))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/api/v1/units?q=邻居", Some(&qiye)).await.json()["total"],
        0
    );
    assert_eq!(
        app.get("/api/v1/grids", Some(&qiye)).await.json()["total"],
        0
    );
    let refused = app
        .post_json(
            "/api/v1/units",
            Some(&qiye),
            &json!({"name": "自建", "no_uscc_reason": "个体", "region": village}),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
});

story!(coverage_audit_lists_blind_spots, |app| {
    let admin = app.token("admin").await;
    let made = app.post_json("/api/v1/units", Some(&admin), &json!({"name": "无着落的厂", "no_uscc_reason": "待核实", "supervising_department_ids": []})).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
    let id = made.json()["id"].as_i64().unwrap();
    let coverage = app.get("/api/v1/coverage?per_page=200", Some(&admin)).await;
    assert_eq!(coverage.status, StatusCode::OK);
    let items = coverage.json()["items"].as_array().unwrap().clone();
    let mine: Vec<&Value> = items
        .iter()
        .filter(|i| i["object"]["id"] == id && i["object"]["type"] == "unit")
        .collect();
    let kinds: Vec<&str> = mine.iter().map(|i| i["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["unit_without_village", "unit_without_department"]);
    assert_eq!(
        items
            .iter()
            .filter(|i| i["kind"] == "grid_understaffed")
            .count(),
        3,
        "the demo's three understaffed grids"
    );
    // A town sees only its own blind spots.
    let xuanwo = app.token("xuanwo").await;
    let town = app.get("/api/v1/coverage", Some(&xuanwo)).await.json();
    assert_eq!(town["total"], 1, "漩涡镇's zone without an inspector");
    let browser = app.browser_login("admin").await;
    let page = app.page(&browser.cookie, "/coverage").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("无着落的厂"));
});

story!(unit_pages, |app| {
    let browser = app.browser_login("chengguan").await;
    let chengguan = app.token("chengguan").await;
    let village = first_village(&app, &chengguan, CHENGGUAN).await;
    let form = app.page(&browser.cookie, "/units/new").await;
    assert_eq!(form.status, StatusCode::OK);
    let refused = app
        .submit(
            &browser,
            "/units",
            &[
                ("name", "页面工厂"),
                ("uscc", "91610921XXXXXXXXX0"),
                ("region", &village),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .text()
            .contains("统一社会信用代码：统一社会信用代码校验位不正确")
            || refused.text().contains("统一社会信用代码："),
        "{}",
        refused.text()
    );
    assert!(
        refused.text().contains("value=\"页面工厂\""),
        "the form comes back as typed"
    );
    let made = app
        .submit(
            &browser,
            "/units",
            &[
                ("name", "页面工厂"),
                ("no_uscc_reason", "个体"),
                ("region", &village),
                ("sector", "construction"),
                ("employees", "12"),
            ],
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.text());
    let location = made.headers[header::LOCATION].to_str().unwrap().to_owned();
    let detail = app.page(&browser.cookie, &location).await;
    assert_eq!(detail.status, StatusCode::OK);
    assert!(detail.text().contains("页面工厂"));
    assert!(
        detail.text().contains("B（中危）"),
        "construction is a key sector"
    );
    let edited = app
        .submit(
            &browser,
            &location,
            &[
                ("name", "页面工厂"),
                ("no_uscc_reason", "个体"),
                ("region", &village),
                ("status", "closed"),
                ("status_reason", "已注销"),
            ],
        )
        .await;
    assert_eq!(edited.status, StatusCode::SEE_OTHER, "{}", edited.text());
    assert!(
        app.page(&browser.cookie, &location)
            .await
            .text()
            .contains("已注销")
    );
    let list = app.page(&browser.cookie, "/units?q=ymgc").await;
    assert!(list.text().contains("页面工厂"), "found by pinyin initials");
    let leader = app.browser_login("lingdao").await;
    assert_eq!(
        app.page(&leader.cookie, "/units/new").await.status,
        StatusCode::FORBIDDEN
    );
});

story!(unit_exports_hold_only_the_scope, |app| {
    let chengguan = app.token("chengguan").await;
    let xuanwo = app.token("xuanwo").await;
    let v1 = first_village(&app, &chengguan, CHENGGUAN).await;
    let v2 = first_village(&app, &xuanwo, XUANWO).await;
    for (token, name, village) in [
        (&chengguan, "城关导出厂", &v1),
        (&xuanwo, "漩涡导出厂", &v2),
    ] {
        let made = app
            .post_json(
                "/api/v1/units",
                Some(token),
                &json!({"name": name, "no_uscc_reason": "个体", "region": village}),
            )
            .await;
        assert_eq!(made.status, StatusCode::CREATED);
    }
    let csv = app
        .get("/api/v1/units/export?format=csv", Some(&chengguan))
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(csv.headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
    let text = csv.text();
    assert!(text.starts_with('\u{feff}'));
    assert!(text.contains("城关导出厂"));
    assert!(
        !text.contains("漩涡导出厂"),
        "another town's unit is never exported"
    );
    assert_eq!(
        text.lines().count(),
        1 + 2,
        "the header, the demo's own unit and this one"
    );
    let xlsx = app.get("/api/v1/units/export", Some(&chengguan)).await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert_eq!(&xlsx.bytes[..2], b"PK");
    let own = app
        .get(
            "/api/v1/units/export?format=csv",
            Some(&app.token("qiye").await),
        )
        .await
        .text();
    assert_eq!(own.lines().count(), 2);
    let browser = app.browser_login("xuanwo").await;
    let page_export = app
        .page(&browser.cookie, "/units/export?format=csv&q=导出")
        .await
        .text();
    assert!(page_export.contains("漩涡导出厂") && !page_export.contains("城关导出厂"));
});

story!(a_uscc_is_checked_part_by_part, |app| {
    let chengguan = app.token("chengguan").await;
    let village = first_village(&app, &chengguan, CHENGGUAN).await;
    // Eighteen zeros pass the check character but name no authority, kind or division.
    let zeros = app
        .post_json(
            "/api/v1/units",
            Some(&chengguan),
            &json!({"name": "零号厂", "uscc": "000000000000000000", "region": village}),
        )
        .await;
    assert_eq!(zeros.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(zeros.first_error().0, "uscc");
    // A code registered in Beijing (110105) is taken, with a warning to look again.
    let first17 = "91110105MA01ABCDE";
    let check = safegrid_domain::unit::uscc::check_character(first17.as_bytes()).unwrap();
    let beijing = format!("{first17}{check}");
    let made = app
        .post_json(
            "/api/v1/units",
            Some(&chengguan),
            &json!({"name": "京城分公司", "uscc": beijing, "region": village, "address": "城关镇二号"}),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
    let id = made.json()["id"].as_i64().unwrap();
    let unit = app
        .get(&format!("/api/v1/units/{id}"), Some(&chengguan))
        .await
        .json();
    assert_eq!(unit["warnings"][0]["field"], "uscc", "{unit}");
    assert_eq!(unit["warnings"][0]["key"], "warning.uscc_province");
    let browser = app.browser_login("chengguan").await;
    let page = app.page(&browser.cookie, &format!("/units/{id}")).await;
    assert!(page.text().contains("data-testid=\"uscc-warning\""));
    // One of this province (61…) draws none.
    let own = uscc("MA6X5ABCD");
    let home = app
        .post_json(
            "/api/v1/units",
            Some(&chengguan),
            &json!({"name": "本地厂", "uscc": own, "region": village, "address": "城关镇三号"}),
        )
        .await;
    let id = home.json()["id"].as_i64().unwrap();
    let unit = app
        .get(&format!("/api/v1/units/{id}"), Some(&chengguan))
        .await
        .json();
    assert_eq!(unit["warnings"], json!([]));
});

story!(the_unit_list_refuses_a_bad_filter_naming_it, |app| {
    let chengguan = app.token("chengguan").await;
    for (query, field) in [
        ("region=61092110", "region"),
        ("region=abc", "region"),
        ("status=open", "status"),
        ("grade=Z", "grade"),
        ("status=operating%00", "status"),
    ] {
        for path in ["/api/v1/units", "/api/v1/units/export"] {
            let reply = app.get(&format!("{path}?{query}"), Some(&chengguan)).await;
            assert_eq!(
                reply.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{path}?{query}: {}",
                reply.text()
            );
            assert_eq!(reply.json()["errors"][0]["field"], field, "{path}?{query}");
        }
    }
    // Good values still answer, and a grade typed as people write it reads as the exact one.
    let typed = app
        .get("/api/v1/units?status=operating&grade=b", Some(&chengguan))
        .await;
    assert_eq!(typed.status, StatusCode::OK, "{}", typed.text());
    let exact = app
        .get("/api/v1/units?status=operating&grade=B", Some(&chengguan))
        .await;
    assert_eq!(typed.json()["total"], exact.json()["total"]);
});
