//! A unit's file: major hazard sources graded by GB 18218 and grading the unit, documents
//! uploaded and served only in scope, the unit's own grid, its management systems, and the
//! county's grading rule.

use crate::support::*;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::{Value, json};

/// The unit the `qiye` account manages (in 城关镇).
async fn own_unit(app: &TestApp) -> i64 {
    let qiye = app.token("qiye").await;
    let units = app.get("/api/v1/units", Some(&qiye)).await.json();
    assert_eq!(units["total"], 1, "a unit manager sees their own unit only");
    units["items"][0]["id"].as_i64().unwrap()
}

const BOUNDARY: &str = "----safegrid-test-boundary";

/// A multipart body with text fields and one file.
fn multipart(fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> Vec<u8> {
    let files: Vec<(&str, &str, &[u8])> = file.map(|(n, b)| ("file", n, b)).into_iter().collect();
    multipart_form(BOUNDARY, fields, &files)
}

async fn upload(
    app: &TestApp,
    unit: i64,
    token: &str,
    fields: &[(&str, &str)],
    file: Option<(&str, &[u8])>,
) -> Reply {
    app.post_raw(
        &format!("/api/v1/units/{unit}/documents"),
        Some(token),
        &format!("multipart/form-data; boundary={BOUNDARY}"),
        multipart(fields, file),
        None,
    )
    .await
}

async fn send(app: &TestApp, method: Method, path: &str, token: &str, body: &Value) -> Reply {
    let request = Request::builder()
        .method(method)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(axum::body::Body::from(body.to_string()))
        .unwrap();
    app.send(request).await
}

/// Posts a multipart form with a signed-in browser's cookie.
async fn post_form(app: &TestApp, cookie: &str, path: &str, body: Vec<u8>) -> Reply {
    let request = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .header(header::COOKIE, cookie)
        .body(axum::body::Body::from(body))
        .unwrap();
    app.send(request).await
}

/// A small but well-formed PDF.
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

story!(a_major_hazard_source_is_graded_and_grades_its_unit, |app| {
    let unit = own_unit(&app).await;
    let chengguan = app.token("chengguan").await;
    let before = app
        .get(&format!("/api/v1/units/{unit}"), Some(&chengguan))
        .await
        .json();
    assert_eq!(
        before["supervision_grade"], "C",
        "a six-person shop is C by the default rule"
    );

    // The issue's example: 120 people (α 2), 30 t against a critical 10 t with β 2.
    let made = app
        .post_json(
            "/api/v1/hazard-sources",
            Some(&chengguan),
            &json!({"unit_id": unit, "name": "液氨储罐区", "people_within_500m": 120, "identified_on": "2025-06-30",
                    "substances": [{"name": "氨", "cas": "7664-41-7", "q": 30.0, "critical_q": 10.0, "beta": 2.0}]}),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
    let source = made.json();
    assert_eq!(
        (
            source["s"].as_f64(),
            source["alpha"].as_f64(),
            source["r"].as_f64()
        ),
        (Some(3.0), Some(2.0), Some(12.0))
    );
    assert_eq!(source["is_major"], true);
    assert_eq!(source["level"], 3);
    assert_eq!(
        source["next_due"], "2028-06-30",
        "identified again three years on"
    );
    assert_eq!(source["substances"][0]["name"], "氨");
    let id = source["id"].as_i64().unwrap();

    // The unit is now A, and says why.
    let after = app
        .get(&format!("/api/v1/units/{unit}"), Some(&chengguan))
        .await
        .json();
    assert_eq!(after["supervision_grade"], "A");
    assert!(
        after["grade_reasons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["key"] == "grade.reason.major_hazard_source"),
        "{after}"
    );
    assert_eq!(after["history"][0]["field"], "grade");
    assert_eq!(after["history"][0]["value"], "A");

    // A new identification with less stock: below the threshold, not a major hazard source.
    let changed = send(
        &app,
        Method::PATCH,
        &format!("/api/v1/hazard-sources/{id}"),
        &chengguan,
        &json!({"substances": [{"name": "氨", "q": 9.0, "critical_q": 10.0, "beta": 2.0}]}),
    )
    .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.text());
    assert_eq!(changed.json()["is_major"], false);
    assert_eq!(changed.json()["level"], Value::Null);
    let graded = app
        .get(&format!("/api/v1/units/{unit}"), Some(&chengguan))
        .await
        .json();
    assert_eq!(
        graded["supervision_grade"], "C",
        "the grade follows the rule back down"
    );

    // The town's list holds it; another town's does not, and cannot open it.
    let town = app
        .get(
            &format!("/api/v1/hazard-sources?region={CHENGGUAN}"),
            Some(&chengguan),
        )
        .await
        .json();
    assert_eq!(town["total"], 1);
    let xuanwo = app.token("xuanwo").await;
    let other = app
        .get("/api/v1/hazard-sources", Some(&xuanwo))
        .await
        .json();
    assert_eq!(other["total"], 0, "{other}");
    assert_eq!(
        app.get(&format!("/api/v1/hazard-sources/{id}"), Some(&xuanwo))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let sneak = send(
        &app,
        Method::PATCH,
        &format!("/api/v1/hazard-sources/{id}"),
        &xuanwo,
        &json!({"name": "x"}),
    )
    .await;
    assert_eq!(sneak.status, StatusCode::NOT_FOUND);
    let planted = app
        .post_json("/api/v1/hazard-sources", Some(&xuanwo),
            &json!({"unit_id": unit, "name": "x", "people_within_500m": 1, "identified_on": "2025-01-01",
                    "substances": [{"name": "氯", "q": 1.0, "critical_q": 5.0, "beta": 4.0}]}))
        .await;
    assert_eq!(
        planted.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "another town's unit is unknown: {}",
        planted.text()
    );
    assert_eq!(planted.first_error().0, "unit_id");

    // The register exports with the list's filters, in scope only.
    let csv = app
        .get("/api/v1/hazard-sources/export?format=csv", Some(&chengguan))
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.text().contains("液氨储罐区") && csv.text().contains("氨 9 t / 10 t"));
    let other_csv = app
        .get("/api/v1/hazard-sources/export?format=csv", Some(&xuanwo))
        .await;
    assert!(!other_csv.text().contains("液氨储罐区"));
    let xlsx = app
        .get("/api/v1/hazard-sources/export", Some(&chengguan))
        .await;
    assert!(xlsx.bytes.starts_with(b"PK"));

    // Leaders read, and do not write.
    let lingdao = app.token("lingdao").await;
    assert_eq!(
        app.get(&format!("/api/v1/hazard-sources/{id}"), Some(&lingdao))
            .await
            .status,
        StatusCode::OK
    );
    let retire = app
        .post_json(
            &format!("/api/v1/hazard-sources/{id}/retire"),
            Some(&lingdao),
            &json!({"reason": "x"}),
        )
        .await;
    assert_eq!(retire.status, StatusCode::FORBIDDEN);

    // Retiring needs a reason, keeps the record and drops it from the current list.
    let no_reason = app
        .post_json(
            &format!("/api/v1/hazard-sources/{id}/retire"),
            Some(&chengguan),
            &json!({}),
        )
        .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(no_reason.first_error().0, "reason");
    let retired = app
        .post_json(
            &format!("/api/v1/hazard-sources/{id}/retire"),
            Some(&chengguan),
            &json!({"reason": "储罐已拆除"}),
        )
        .await;
    assert_eq!(retired.status, StatusCode::OK, "{}", retired.text());
    assert_eq!(
        app.get("/api/v1/hazard-sources", Some(&chengguan))
            .await
            .json()["total"],
        0
    );
    assert_eq!(
        app.get("/api/v1/hazard-sources?retired=true", Some(&chengguan))
            .await
            .json()["total"],
        1
    );
});

story!(hazard_source_input_is_checked_field_by_field, |app| {
    let unit = own_unit(&app).await;
    let admin = app.token("admin").await;
    let reply = app
        .post_json(
            "/api/v1/hazard-sources",
            Some(&admin),
            &json!({"unit_id": unit, "name": "", "identified_on": "2099-01-01",
                    "substances": [{"name": "氨", "q": -1.0, "critical_q": 0.0, "beta": 2.0}, {"name": "氯", "q": 1.0}]}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<String> = reply.json()["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_owned())
        .collect();
    for f in [
        "name",
        "people_within_500m",
        "identified_on",
        "substances[1].critical_q",
        "substances[1].beta",
    ] {
        assert!(fields.contains(&f.to_owned()), "{f} in {fields:?}");
    }
    let reply = app
        .post_json("/api/v1/hazard-sources", Some(&admin),
            &json!({"unit_id": unit, "name": "罐区", "people_within_500m": 5, "identified_on": "2025-01-01",
                    "substances": [{"name": "氨", "q": -1.0, "critical_q": 0.0, "beta": 2.0}]}))
        .await;
    let fields: Vec<String> = reply.json()["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(fields, ["substances[0].q", "substances[0].critical_q"]);
    let bad_level = app
        .get("/api/v1/hazard-sources?level=7", Some(&admin))
        .await;
    assert_eq!(bad_level.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad_level.first_error().0, "level");
});

story!(documents_are_sniffed_kept_and_served_in_scope, |app| {
    let unit = own_unit(&app).await;
    let qiye = app.token("qiye").await;

    // The unit's own manager files its fire-safety system as a PDF named as anything.
    let stored = upload(
        &app,
        unit,
        &qiye,
        &[
            ("kind", "system"),
            ("system", "fire"),
            ("title", "消防安全管理制度"),
        ],
        Some(("../../etc/制度.bin", PDF)),
    )
    .await;
    assert_eq!(stored.status, StatusCode::CREATED, "{}", stored.text());
    let doc = stored.json();
    assert_eq!(
        doc["media_type"], "application/pdf",
        "the type comes from the content"
    );
    assert_eq!(doc["file_name"], "制度.bin", "no path survives in the name");
    let id = doc["id"].as_i64().unwrap();

    let served = app
        .get(&format!("/api/v1/documents/{id}/file"), Some(&qiye))
        .await;
    assert_eq!(served.status, StatusCode::OK);
    assert_eq!(served.bytes, PDF);
    assert_eq!(served.headers[header::CONTENT_TYPE], "application/pdf");
    assert_eq!(served.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert!(
        served.headers[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .starts_with("sandbox")
    );

    // A page of HTML calling itself a PDF, an empty file, a system that does not exist, and
    // a file too large are all refused, naming the field.
    let html = upload(
        &app,
        unit,
        &qiye,
        &[("kind", "archive")],
        Some(("invoice.pdf", b"<html><script>alert(1)</script></html>")),
    )
    .await;
    assert_eq!(html.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(html.first_error().0, "file");
    let empty = upload(
        &app,
        unit,
        &qiye,
        &[("kind", "archive")],
        Some(("empty.pdf", b"")),
    )
    .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(empty.first_error().0, "file");
    let no_system = upload(
        &app,
        unit,
        &qiye,
        &[("kind", "system"), ("system", "karaoke")],
        Some(("a.pdf", PDF)),
    )
    .await;
    assert_eq!(no_system.first_error().0, "system");
    let mut big = PDF.to_vec();
    big.resize(
        safegrid_domain::unit::documents::MAX_DOCUMENT_BYTES + 1,
        b' ',
    );
    let too_big = upload(
        &app,
        unit,
        &qiye,
        &[("kind", "archive")],
        Some(("big.pdf", &big)),
    )
    .await;
    assert_eq!(
        too_big.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        too_big.text()
    );
    assert_eq!(too_big.first_error().0, "file");

    // The town sees the file; another town and another unit's manager do not.
    let chengguan = app.token("chengguan").await;
    assert_eq!(
        app.get(&format!("/api/v1/documents/{id}/file"), Some(&chengguan))
            .await
            .status,
        StatusCode::OK
    );
    let xuanwo = app.token("xuanwo").await;
    assert_eq!(
        app.get(&format!("/api/v1/documents/{id}/file"), Some(&xuanwo))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&format!("/api/v1/units/{unit}/documents"), Some(&xuanwo))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let planted = upload(
        &app,
        unit,
        &xuanwo,
        &[("kind", "archive")],
        Some(("a.pdf", PDF)),
    )
    .await;
    assert_eq!(planted.status, StatusCode::NOT_FOUND);
    let cunwang = app.token("cunwang").await;
    let read_only = upload(
        &app,
        unit,
        &cunwang,
        &[("kind", "archive")],
        Some(("a.pdf", PDF)),
    )
    .await;
    assert_eq!(
        read_only.status,
        StatusCode::FORBIDDEN,
        "village members do not keep unit files"
    );

    // Withdrawn with a reason, still listed.
    let withdrawn = app
        .post_json(
            &format!("/api/v1/documents/{id}/withdraw"),
            Some(&qiye),
            &json!({"reason": "已修订"}),
        )
        .await;
    assert_eq!(withdrawn.status, StatusCode::OK, "{}", withdrawn.text());
    let listed = app
        .get(&format!("/api/v1/units/{unit}/documents"), Some(&qiye))
        .await
        .json();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["withdrawn_reason"], "已修订");
});

story!(a_unit_keeps_its_own_grid_and_systems, |app| {
    let unit = own_unit(&app).await;
    let qiye = app.token("qiye").await;
    let path = format!("/api/v1/units/{unit}/grid");
    let existing = app.get(&path, Some(&qiye)).await.json();
    let company = existing
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["kind"] == "company")
        .unwrap()["id"]
        .as_i64()
        .unwrap();

    let workshop = app
        .post_json(
            &path,
            Some(&qiye),
            &json!({"parent_id": company, "kind": "workshop", "name": "加工间", "person": "钱进"}),
        )
        .await;
    assert_eq!(workshop.status, StatusCode::CREATED, "{}", workshop.text());
    let workshop = workshop.json()["id"].as_i64().unwrap();
    let team = app
        .post_json(
            &path,
            Some(&qiye),
            &json!({"parent_id": workshop, "kind": "team", "name": "面点班", "person": "孙红"}),
        )
        .await;
    assert_eq!(team.status, StatusCode::CREATED);
    let team = team.json()["id"].as_i64().unwrap();
    let oven = app.post_json(&path, Some(&qiye), &json!({"parent_id": team, "kind": "equipment", "name": "燃气烤箱", "person": "孙红", "phone": "13800000000"})).await;
    assert_eq!(oven.status, StatusCode::CREATED);
    let oven = oven.json()["id"].as_i64().unwrap();

    // A team straight under the company, anything under a piece of equipment, no person: refused.
    for (body, field) in [
        (
            json!({"parent_id": company, "kind": "team", "name": "x", "person": "y"}),
            "parent_id",
        ),
        (
            json!({"parent_id": oven, "kind": "process", "name": "x", "person": "y"}),
            "parent_id",
        ),
        (
            json!({"kind": "company", "name": "x", "person": ""}),
            "person",
        ),
        (json!({"kind": "floor", "name": "x", "person": "y"}), "kind"),
    ] {
        let reply = app.post_json(&path, Some(&qiye), &body).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(reply.first_error().0, field, "{body}");
    }
    // A node with something under it stays until that is gone.
    let busy = app
        .post_json(&format!("{path}/{team}/retire"), Some(&qiye), &json!({}))
        .await;
    assert_eq!(busy.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.post_json(&format!("{path}/{oven}/retire"), Some(&qiye), &json!({}))
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.post_json(&format!("{path}/{team}/retire"), Some(&qiye), &json!({}))
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    let names: Vec<String> = app
        .get(&path, Some(&qiye))
        .await
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["name"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        names.contains(&"加工间".to_owned()) && !names.contains(&"面点班".to_owned()),
        "{names:?}"
    );

    // Systems: sixteen, set one by one.
    let systems_path = format!("/api/v1/units/{unit}/systems");
    let systems = app.get(&systems_path, Some(&qiye)).await.json();
    assert_eq!(systems.as_array().unwrap().len(), 16);
    let before = systems
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["in_place"] == true)
        .count();
    let set = send(
        &app,
        Method::PUT,
        &systems_path,
        &qiye,
        &json!({"system": "three_simultaneities", "in_place": true, "adopted_on": "2025-02-01"}),
    )
    .await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.text());
    let after = app.get(&systems_path, Some(&qiye)).await.json();
    assert_eq!(
        after
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["in_place"] == true)
            .count(),
        before + 1
    );
    let bad = send(
        &app,
        Method::PUT,
        &systems_path,
        &qiye,
        &json!({"system": "karaoke", "adopted_on": "2099-01-01"}),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = bad.json()["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect::<Vec<_>>()
        .into_iter()
        .map(|s| {
            if s == "system" {
                "system"
            } else {
                "adopted_on"
            }
        })
        .collect();
    assert_eq!(fields, ["system", "adopted_on"]);

    // Another town cannot see or change any of it.
    let xuanwo = app.token("xuanwo").await;
    assert_eq!(
        app.get(&path, Some(&xuanwo)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&systems_path, Some(&xuanwo)).await.status,
        StatusCode::NOT_FOUND
    );
    let planted = app
        .post_json(
            &path,
            Some(&xuanwo),
            &json!({"kind": "company", "name": "x", "person": "y"}),
        )
        .await;
    assert_eq!(planted.status, StatusCode::NOT_FOUND);
});

story!(the_county_sets_its_grading_rule, |app| {
    let unit = own_unit(&app).await;
    let admin = app.token("admin").await;
    let rule = app
        .get("/api/v1/settings/grade-rule", Some(&admin))
        .await
        .json();
    assert_eq!(rule["employees_for_b"], 100);

    let bad = send(
        &app,
        Method::PUT,
        "/api/v1/settings/grade-rule",
        &admin,
        &json!({"high_risk_sectors": ["casinos"], "key_sectors": [], "employees_for_b": 5}),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.first_error().0, "high_risk_sectors");

    // From five employees a unit is B: the six-person shop moves up, with its history.
    let set = send(&app, Method::PUT, "/api/v1/settings/grade-rule", &admin,
        &json!({"high_risk_sectors": rule["high_risk_sectors"], "key_sectors": rule["key_sectors"], "employees_for_b": 5})).await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.text());
    assert!(set.json()["units"].as_u64().unwrap() >= 1);
    let graded = app
        .get(&format!("/api/v1/units/{unit}"), Some(&admin))
        .await
        .json();
    assert_eq!(graded["supervision_grade"], "B");
    assert_eq!(graded["suggested_grade"], "B");
    assert_eq!(graded["history"][0]["value"], "B");

    // The page shows the rule and saves it for the county.
    let browser = app.browser_login("admin").await;
    let page = app.page(&browser.cookie, "/settings/grade-rule").await;
    assert_eq!(page.status, StatusCode::OK);
    let saved = app
        .submit(
            &browser,
            "/settings/grade-rule",
            &[("high_risk", "fireworks"), ("employees_for_b", "200")],
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text());
    assert!(saved.text().contains("data-testid=\"regraded\""));
    let regraded = app
        .get(&format!("/api/v1/units/{unit}"), Some(&admin))
        .await
        .json();
    assert_eq!(
        regraded["supervision_grade"], "C",
        "six people are far from 200"
    );
    let bad = app
        .submit(
            &browser,
            "/settings/grade-rule",
            &[("employees_for_b", "many")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Only the county sets it.
    let chengguan = app.token("chengguan").await;
    let refused = send(
        &app,
        Method::PUT,
        "/api/v1/settings/grade-rule",
        &chengguan,
        &rule,
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
});

story!(unit_file_pages_show_and_take_input, |app| {
    let unit = own_unit(&app).await;
    let browser = app.browser_login("chengguan").await;
    for path in [
        format!("/units/{unit}"),
        format!("/units/{unit}/grid"),
        format!("/units/{unit}/systems"),
        format!("/units/{unit}/archive"),
        "/hazard-sources".to_owned(),
        format!("/hazard-sources/new?unit={unit}"),
    ] {
        let page = app.page(&browser.cookie, &path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
    }
    let grid = app
        .page(&browser.cookie, &format!("/units/{unit}/grid"))
        .await
        .text();
    assert!(
        grid.contains("惠民超市") && grid.contains("货梯"),
        "the demo's own grid is shown"
    );
    let systems = app
        .page(&browser.cookie, &format!("/units/{unit}/systems"))
        .await
        .text();
    assert!(
        systems.contains("10 / 16"),
        "ten of sixteen systems in the demo"
    );

    // The identification form: a bad number names its row and column; a good one saves.
    let refused = app
        .submit(
            &browser,
            "/hazard-sources",
            &[
                ("unit_id", &unit.to_string()),
                ("name", "液化气瓶库"),
                ("people_within_500m", "40"),
                ("identified_on", "2025-05-01"),
                ("s0_name", "液化石油气"),
                ("s0_q", "六十"),
                ("s0_critical_q", "50"),
                ("s0_beta", "1.5"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.text().contains(r#"data-field="substances[0].q""#),
        "the error names row and column"
    );
    assert!(
        refused.text().contains("液化气瓶库"),
        "the form comes back as typed"
    );
    let saved = app
        .submit(
            &browser,
            "/hazard-sources",
            &[
                ("unit_id", &unit.to_string()),
                ("name", "液化气瓶库"),
                ("people_within_500m", "40"),
                ("identified_on", "2025-05-01"),
                ("s0_name", "液化石油气"),
                ("s0_q", "60"),
                ("s0_critical_q", "50"),
                ("s0_beta", "1.5"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
    let location = saved.headers[header::LOCATION].to_str().unwrap().to_owned();
    let detail = app.page(&browser.cookie, &location).await.text();
    // S = 60/50 = 1.2; R = 1.2 (α for 40 people) × 1.5 × 1.2 = 2.16 → level 4.
    assert!(
        detail.contains("1.200") && detail.contains("2.16") && detail.contains("四级"),
        "{detail}"
    );

    // Upload through the archive tab with the session's CSRF token.
    let body = multipart(
        &[
            ("csrf", &browser.csrf),
            ("kind", "archive"),
            ("back", &format!("/units/{unit}/archive")),
            ("title", "营业执照"),
        ],
        Some(("licence.pdf", PDF)),
    );
    let documents = format!("/units/{unit}/documents");
    let uploaded = post_form(&app, &browser.cookie, &documents, body).await;
    assert_eq!(
        uploaded.status,
        StatusCode::SEE_OTHER,
        "{}",
        uploaded.text()
    );
    let archive = app
        .page(&browser.cookie, &format!("/units/{unit}/archive"))
        .await
        .text();
    assert!(archive.contains("营业执照"));
    // Without the token, nothing is stored.
    let forged = multipart(
        &[("csrf", "forged"), ("kind", "archive")],
        Some(("x.pdf", PDF)),
    );
    let refused = post_form(&app, &browser.cookie, &documents, forged).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
});

story!(the_census_is_imported_from_its_page, |app| {
    let browser = app.browser_login("chengguan").await;
    let form = app.page(&browser.cookie, "/units/import").await;
    assert_eq!(form.status, StatusCode::OK);
    let template = app.page(&browser.cookie, "/units/import/template").await;
    assert_eq!(template.status, StatusCode::OK);
    assert!(template.bytes.starts_with(b"PK"), "an .xlsx file");

    let village = app
        .get(
            &format!("/api/v1/regions?parent={CHENGGUAN}"),
            Some(&app.token("chengguan").await),
        )
        .await
        .json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["kind"] == "village")
        .unwrap()["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let csv = format!(
        "名称,所在村（社区）区划代码,无信用代码原因\n汉阴县城关镇便民小卖部,{village},个体工商户\n,{village},\n"
    );
    let send = |mode: &'static str| {
        let body = multipart(
            &[("csrf", &browser.csrf), ("mode", mode)],
            Some(("census.csv", csv.as_bytes())),
        );
        post_form(&app, &browser.cookie, "/units/import", body)
    };
    let checked = send("dry_run").await;
    assert_eq!(checked.status, StatusCode::OK, "{}", checked.text());
    let text = checked.text();
    assert!(
        text.contains("data-testid=\"import-errors\""),
        "the nameless row is reported"
    );
    assert!(text.contains("共 2 行，导入 0 行"), "{text}");
    let imported = send("valid_rows").await.text();
    assert!(imported.contains("导入 1 行"), "{imported}");
    let list = app
        .page(&browser.cookie, "/units?q=便民小卖部")
        .await
        .text();
    assert!(list.contains("汉阴县城关镇便民小卖部"));
});
