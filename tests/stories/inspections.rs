//! Inspections and the duty calendar: a town and a supervising department each inspect a unit
//! on their cadence; the finding enters the hazard ledger; each side's duty shows done, due or
//! overdue, listed and summarised only in scope.

use crate::support::*;
use axum::http::StatusCode;
use serde_json::{Value, json};

pub(crate) fn today() -> String {
    safegrid_domain::time::today().to_string()
}

pub(crate) fn in_days(days: u64) -> String {
    (safegrid_domain::time::today() + chrono::Days::new(days)).to_string()
}

fn this_month() -> String {
    safegrid_domain::time::today().format("%Y-%m").to_string()
}

/// A key unit of 城关镇 that 县安监局 (anjian) supervises, registered by the town.
pub(crate) async fn chengguan_unit_of_anjian(app: &TestApp, anjian: &str) -> Value {
    let chengguan = app.token("chengguan").await;
    let anjian_id = app.department_id(anjian, "县安监局").await;
    let village =
        app.get("/api/v1/units", Some(&chengguan)).await.json()["items"][0]["region"].clone();
    let made = app
        .post_json(
            "/api/v1/units",
            Some(&chengguan),
            &json!({"name": "汉阴县恒达化工有限公司", "no_uscc_reason": "待核实", "region": village,
                    "address": "城关镇工业路8号", "sector": "hazardous_chemicals", "is_key": true,
                    "key_reason": "危险化学品经营", "supervising_department_ids": [anjian_id]}),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
    made.json()
}

pub(crate) fn inspection(unit: i64, finding: bool) -> Value {
    let mut body = json!({
        "unit_id": unit,
        "inspected_on": today(),
        "inspectors": ["王伟", "李娜"],
        "items": [
            {"item": "安全出口、疏散通道畅通", "result": if finding { "hazard" } else { "ok" }, "note": "通道堆放纸箱"},
            {"item": "特种设备定期检验", "result": "na"}
        ]
    });
    if finding {
        body["hazards"] = json!([{"description": "疏散通道堆放纸箱", "level": "general", "deadline": in_days(7)}]);
    }
    body
}

async fn duties_of(app: &TestApp, token: &str, unit: i64) -> Vec<Value> {
    let r = app
        .get(
            &format!(
                "/api/v1/duties?kind=inspection&unit={unit}&period={}",
                this_month()
            ),
            Some(token),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    r.json()["items"].as_array().unwrap().clone()
}

story!(
    the_town_and_the_department_each_discharge_their_own_inspection_duty,
    |app| {
        let chengguan = app.token("chengguan").await;
        let anjian = app.token("anjian").await;
        let unit = chengguan_unit_of_anjian(&app, &anjian).await;
        let unit_id = unit["id"].as_i64().unwrap();
        let anjian_id = app.department_id(&anjian, "县安监局").await;

        // Before: the town and each supervising department owe one inspection this period.
        let before = duties_of(&app, &chengguan, unit_id).await;
        assert!(before.len() >= 2, "{before:?}");
        assert!(
            before
                .iter()
                .all(|d| d["state"] == "due" && d["record_id"].is_null())
        );
        assert!(
            before
                .iter()
                .any(|d| d["party"] == "town" && d["town_code"] == "610921100000")
        );
        assert!(
            before
                .iter()
                .any(|d| d["party"] == "department" && d["department_id"] == anjian_id)
        );
        let period = before[0]["period"].as_str().unwrap().to_owned();
        let expected_period = if unit["is_key"] == true {
            this_month()
        } else {
            period.clone()
        };
        assert_eq!(period, expected_period, "a key unit's duty is monthly");

        // The town inspects, with a finding.
        let made = app
            .post_json(
                "/api/v1/inspections",
                Some(&chengguan),
                &inspection(unit_id, true),
            )
            .await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
        let made = made.json();
        let id = made["id"].as_i64().unwrap();
        assert_eq!(made["party"], "town");
        assert_eq!(made["items"].as_array().unwrap().len(), 2);
        let hazard_id = made["hazard_ids"][0].as_i64().unwrap();
        let hazard = app
            .get(&format!("/api/v1/hazards/{hazard_id}"), Some(&chengguan))
            .await
            .json();
        assert_eq!(hazard["source"], "inspection");
        assert_eq!(hazard["unit_id"], unit_id);
        assert_eq!(hazard["found_by"], "王伟、李娜");

        // The town's duty is done by it; the department's is still due.
        let after = duties_of(&app, &chengguan, unit_id).await;
        let town = after.iter().find(|d| d["party"] == "town").unwrap();
        assert_eq!(
            (town["state"].as_str(), town["record_id"].as_i64()),
            (Some("done"), Some(id))
        );
        let dept = after
            .iter()
            .find(|d| d["department_id"] == anjian_id)
            .unwrap();
        assert_eq!(dept["state"], "due");

        // A second town inspection in the period is kept but counts once.
        let again = app
            .post_json(
                "/api/v1/inspections",
                Some(&chengguan),
                &inspection(unit_id, false),
            )
            .await;
        assert_eq!(again.status, StatusCode::CREATED, "{}", again.text());
        let listed = app
            .get(
                &format!("/api/v1/inspections?unit={unit_id}"),
                Some(&chengguan),
            )
            .await
            .json();
        assert_eq!(listed["total"], 2);
        let town = duties_of(&app, &chengguan, unit_id)
            .await
            .into_iter()
            .find(|d| d["party"] == "town")
            .unwrap();
        assert_eq!(
            town["record_id"].as_i64(),
            Some(id),
            "the first inspection discharges it"
        );

        // The department inspects: its own duty is done.
        let own = app
            .post_json(
                "/api/v1/inspections",
                Some(&anjian),
                &inspection(unit_id, false),
            )
            .await;
        assert_eq!(own.status, StatusCode::CREATED, "{}", own.text());
        assert_eq!(own.json()["party"], "department");
        assert_eq!(own.json()["department_id"], anjian_id);
        let dept = duties_of(&app, &anjian, unit_id)
            .await
            .into_iter()
            .find(|d| d["department_id"] == anjian_id)
            .unwrap();
        assert_eq!(dept["state"], "done");

        // The summaries: by department counts what each department owes; by town all duties
        // on the town's units; totals agree with the list.
        let month = this_month();
        let by_dept = app
            .get(
                &format!("/api/v1/duties/summary?kind=inspection&period={month}&group=department"),
                Some(&anjian),
            )
            .await;
        assert_eq!(by_dept.status, StatusCode::OK, "{}", by_dept.text());
        let rows = by_dept.json()["items"].as_array().unwrap().clone();
        assert_eq!(
            rows.len(),
            1,
            "a department sees its own row only: {rows:?}"
        );
        assert_eq!(rows[0]["key"], anjian_id.to_string());
        assert_eq!(rows[0]["label"], "县安全生产监督管理局");
        assert!(rows[0]["done"].as_u64().unwrap() >= 1);
        let listed = app
            .get(&format!("/api/v1/duties?kind=inspection&period={month}&department={anjian_id}&per_page=1"), Some(&anjian))
            .await
            .json();
        let r = &rows[0];
        assert_eq!(
            listed["total"].as_u64().unwrap(),
            r["due"].as_u64().unwrap()
                + r["done"].as_u64().unwrap()
                + r["overdue"].as_u64().unwrap()
        );
        let by_town = app
            .get(
                &format!("/api/v1/duties/summary?period={month}&group=town"),
                Some(&chengguan),
            )
            .await
            .json();
        let towns = by_town["items"].as_array().unwrap();
        assert_eq!(towns.len(), 1, "{towns:?}");
        assert_eq!(towns[0]["key"], "610921100000");
        assert_eq!(towns[0]["label"], "城关镇");
        let by_grid = app
            .get(
                &format!("/api/v1/duties/summary?period={month}&group=grid"),
                Some(&chengguan),
            )
            .await
            .json();
        assert!(!by_grid["items"].as_array().unwrap().is_empty());
        let done = app
            .get(
                &format!("/api/v1/duties?period={month}&state=done"),
                Some(&chengguan),
            )
            .await
            .json();
        assert!(
            done["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|d| d["state"] == "done")
        );
        assert!(done["total"].as_u64().unwrap() >= 2);
    }
);

story!(
    inspections_and_duties_are_seen_and_recorded_only_in_scope,
    |app| {
        let chengguan = app.token("chengguan").await;
        let xuanwo = app.token("xuanwo").await;
        let anjian = app.token("anjian").await;
        let cunwang = app.token("cunwang").await;
        let qiye = app.token("qiye").await;
        let unit_id = chengguan_unit_of_anjian(&app, &anjian).await["id"]
            .as_i64()
            .unwrap();
        let made = app
            .post_json(
                "/api/v1/inspections",
                Some(&chengguan),
                &inspection(unit_id, false),
            )
            .await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
        let id = made.json()["id"].as_i64().unwrap();

        // Another town neither sees it nor counts it, nor records for the unit.
        let other = app
            .get(&format!("/api/v1/inspections/{id}"), Some(&xuanwo))
            .await;
        assert_eq!(other.status, StatusCode::NOT_FOUND);
        let theirs = app.get("/api/v1/inspections", Some(&xuanwo)).await.json();
        assert_eq!(theirs["total"], 0);
        let recorded = app
            .post_json(
                "/api/v1/inspections",
                Some(&xuanwo),
                &inspection(unit_id, false),
            )
            .await;
        assert_eq!(recorded.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(recorded.first_error().0, "unit_id");
        let theirs = app
            .get(&format!("/api/v1/duties?unit={unit_id}"), Some(&xuanwo))
            .await
            .json();
        assert_eq!(theirs["total"], 0);
        let summary = app
            .get("/api/v1/duties/summary?group=town", Some(&xuanwo))
            .await
            .json();
        assert!(
            summary["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|r| r["key"] != "610921100000")
        );

        // The supervising department sees it; a village member and the unit read but do not
        // record inspections.
        assert_eq!(
            app.get(&format!("/api/v1/inspections/{id}"), Some(&anjian))
                .await
                .status,
            StatusCode::OK
        );
        for token in [&cunwang, &qiye] {
            let r = app
                .post_json(
                    "/api/v1/inspections",
                    Some(token),
                    &inspection(unit_id, false),
                )
                .await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
        }
        let own_unit = app.get("/api/v1/units", Some(&qiye)).await.json()["items"][0]["id"]
            .as_i64()
            .unwrap();
        let own = app
            .get(&format!("/api/v1/duties?unit={own_unit}"), Some(&qiye))
            .await;
        assert_eq!(own.status, StatusCode::OK);
        assert!(
            own.json()["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|d| d["unit_id"] == own_unit)
        );

        // A town account cannot record for a department; a department not for another.
        let mut for_dept = inspection(unit_id, false);
        for_dept["department_id"] = json!(app.department_id(&anjian, "县安监局").await);
        let r = app
            .post_json("/api/v1/inspections", Some(&chengguan), &for_dept)
            .await;
        assert_eq!(r.first_error().0, "department_id");
        for_dept["department_id"] = json!(999_999);
        let r = app
            .post_json("/api/v1/inspections", Some(&anjian), &for_dept)
            .await;
        assert_eq!(r.first_error().0, "department_id");

        // The three administrators see no duties at all.
        let sysadmin = app.token("sysadmin").await;
        assert_eq!(
            app.get("/api/v1/duties", Some(&sysadmin)).await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            app.get("/api/v1/inspections", Some(&sysadmin)).await.status,
            StatusCode::FORBIDDEN
        );
    }
);

story!(
    bad_inspections_and_duty_filters_are_refused_naming_the_field_and_nothing_is_half_written,
    |app| {
        let chengguan = app.token("chengguan").await;
        let anjian = app.token("anjian").await;
        let unit_id = chengguan_unit_of_anjian(&app, &anjian).await["id"]
            .as_i64()
            .unwrap();
        let cases: Vec<(Value, &str)> = vec![
            (json!({"unit_id": 99_999_999}), "unit_id"),
            (json!({"unit_id": "abc"}), "unit_id"),
            (json!({"inspected_on": in_days(1)}), "inspected_on"),
            (json!({"inspected_on": "1999-12-31"}), "inspected_on"),
            (json!({"inspected_on": "2026-02-30"}), "inspected_on"),
            (json!({"inspectors": []}), "inspectors"),
            (json!({"inspectors": "王伟"}), "inspectors"),
            (json!({"inspectors": ["王\u{0}伟"]}), "inspectors[0]"),
            (
                json!({"enforcement": true, "inspectors": ["王伟"]}),
                "inspectors",
            ),
            (
                json!({"items": [{"item": "消防", "result": "maybe"}]}),
                "items[0].result",
            ),
            (
                json!({"items": [{"item": "", "result": "ok"}]}),
                "items[0].item",
            ),
            (
                json!({"hazards": [{"description": "x", "level": "severe", "deadline": in_days(3)}]}),
                "hazards[0].level",
            ),
            (
                json!({"hazards": [{"description": "x", "level": "general", "deadline": "2020-01-01"}]}),
                "hazards[0].deadline",
            ),
            (json!({"summary": "长".repeat(2001)}), "summary"),
        ];
        for (change, field) in cases {
            let mut body = inspection(unit_id, true);
            for (k, v) in change.as_object().unwrap() {
                body[k] = v.clone();
            }
            let r = app
                .post_json("/api/v1/inspections", Some(&chengguan), &body)
                .await;
            assert_eq!(
                r.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{field}: {}",
                r.text()
            );
            assert_eq!(r.first_error().0, field, "{}", r.text());
        }
        // Nothing of the refused inspections was kept: no inspection, no hazard.
        let listed = app
            .get(
                &format!("/api/v1/inspections?unit={unit_id}"),
                Some(&chengguan),
            )
            .await
            .json();
        assert_eq!(listed["total"], 0);
        let hazards = app
            .get(
                &format!("/api/v1/hazards?unit={unit_id}&source=inspection"),
                Some(&chengguan),
            )
            .await
            .json();
        assert_eq!(hazards["total"], 0);

        // A huge inspection is refused whole.
        let mut huge = inspection(unit_id, false);
        huge["items"] = json!(vec![json!({"item": "消防", "result": "ok"}); 501]);
        let r = app
            .post_json("/api/v1/inspections", Some(&chengguan), &huge)
            .await;
        assert_eq!(r.first_error().0, "items");

        for (query, field) in [
            ("period=2026-13", "period"),
            ("period=1999", "period"),
            ("period=2026-Q5", "period"),
            ("state=late", "state"),
            ("kind=fishing", "kind"),
            ("region=abc", "region"),
            ("unit=abc", "unit"),
        ] {
            let r = app
                .get(&format!("/api/v1/duties?{query}"), Some(&chengguan))
                .await;
            assert_eq!(
                r.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{query}: {}",
                r.text()
            );
            assert_eq!(r.first_error().0, field, "{query}");
        }
        let r = app
            .get("/api/v1/duties/summary?group=planet", Some(&chengguan))
            .await;
        assert_eq!(r.first_error().0, "group");
        let r = app
            .get("/api/v1/inspections?from=yesterday", Some(&chengguan))
            .await;
        assert_eq!(r.first_error().0, "from");
    }
);

story!(
    the_county_sets_its_inspection_cadence_and_its_checklists,
    |app| {
        let admin = app.token("admin").await;
        let chengguan = app.token("chengguan").await;
        let anjian = app.token("anjian").await;
        let unit = chengguan_unit_of_anjian(&app, &anjian).await;
        let unit_id = unit["id"].as_i64().unwrap();

        // The plan's cadence until the county sets its own.
        let cadence = app
            .get("/api/v1/settings/inspection-cadence", Some(&chengguan))
            .await
            .json();
        assert_eq!(
            cadence,
            json!({"key_units": "monthly", "grade_a": "quarterly", "grade_b": "quarterly", "grade_c": "quarterly"})
        );
        let month = this_month();
        let before = duties_of(&app, &chengguan, unit_id).await;
        assert_eq!(
            before[0]["period"], month,
            "a key unit is inspected monthly"
        );

        // Only the county sets it; a daily cadence is refused naming the grade.
        let half_yearly = json!({"key_units": "half_yearly", "grade_a": "half_yearly", "grade_b": "yearly", "grade_c": "yearly"});
        let r = app
            .send(put_json(
                "/api/v1/settings/inspection-cadence",
                &chengguan,
                &half_yearly,
            ))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let daily = json!({"key_units": "monthly", "grade_a": "daily", "grade_b": "quarterly", "grade_c": "quarterly"});
        let r = app
            .send(put_json(
                "/api/v1/settings/inspection-cadence",
                &admin,
                &daily,
            ))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.first_error().0, "grade_a");
        let r = app
            .send(put_json(
                "/api/v1/settings/inspection-cadence",
                &admin,
                &half_yearly,
            ))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let after = duties_of(&app, &chengguan, unit_id).await;
        let half = if month.as_str()[5..] <= *"06" {
            "H1"
        } else {
            "H2"
        };
        assert_eq!(after[0]["period"], format!("{}-{half}", &month[..4]));

        // Checklists: the default until the county keeps its own.
        let general = app
            .get("/api/v1/checklists/general", Some(&chengguan))
            .await
            .json();
        assert_eq!(general["customised"], false);
        assert!(general["items"].as_array().unwrap().len() >= 10);
        let chemicals = app
            .get("/api/v1/checklists/hazardous_chemicals", Some(&chengguan))
            .await
            .json();
        assert!(chemicals["items"][0]["basis"].is_string());
        assert_eq!(
            app.get("/api/v1/checklists/nonsense", Some(&chengguan))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        let own =
            json!({"items": [{"item": "液化气瓶存放", "basis": "GB 50028"}, {"item": "灭火器"}]});
        let r = app
            .send(put_json("/api/v1/checklists/town_gas", &chengguan, &own))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = app
            .send(put_json("/api/v1/checklists/town_gas", &admin, &own))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let kept = app
            .get("/api/v1/checklists/town_gas", Some(&chengguan))
            .await
            .json();
        assert_eq!(kept["customised"], true);
        assert_eq!(kept["items"][1]["item"], "灭火器");
        for (body, field) in [
            (json!({"items": []}), "items"),
            (
                json!({"items": [{"item": "灭火器"}, {"item": "灭火器"}]}),
                "items[1].item",
            ),
            (
                json!({"items": [{"item": "长".repeat(201)}]}),
                "items[0].item",
            ),
        ] {
            let r = app
                .send(put_json("/api/v1/checklists/town_gas", &admin, &body))
                .await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
            assert_eq!(r.first_error().0, field);
        }
    }
);

fn put_json(path: &str, token: &str, body: &Value) -> axum::http::Request<axum::body::Body> {
    axum::http::Request::put(path)
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json")
        .body(axum::body::Body::from(body.to_string()))
        .unwrap()
}

story!(
    a_unit_owes_its_statistics_reports_and_a_submitted_one_discharges_it,
    |app| {
        let qiye = app.token("qiye").await;
        let chengguan = app.token("chengguan").await;
        let unit = app.get("/api/v1/units", Some(&qiye)).await.json()["items"][0]["id"]
            .as_i64()
            .unwrap();
        let (quarter, _) =
            safegrid_domain::hazard::report::Period::latest(safegrid_domain::time::today());
        let (year, q) = match quarter {
            safegrid_domain::hazard::report::Period::Quarter { year, quarter } => (year, quarter),
            safegrid_domain::hazard::report::Period::Year { .. } => unreachable!(),
        };
        let duties = |token: String| {
            let app = &app;
            async move {
                let r = app
                    .get(
                        &format!(
                            "/api/v1/duties?kind=statistics_report&unit={unit}&period={year}-Q{q}"
                        ),
                        Some(&token),
                    )
                    .await;
                assert_eq!(r.status, StatusCode::OK, "{}", r.text());
                r.json()["items"].as_array().unwrap().clone()
            }
        };
        let before = duties(chengguan.clone()).await;
        let quarterly = before
            .iter()
            .find(|d| d["period"] == format!("{year}-Q{q}"))
            .unwrap()
            .clone();
        assert_eq!(quarterly["party"], "unit");
        assert!(quarterly["record_id"].is_null());
        assert!(
            before
                .iter()
                .any(|d| d["period"].as_str() == Some(year.to_string().as_str())),
            "and the year's report"
        );
        let sent = app
            .post_json(
                &format!("/api/v1/units/{unit}/hazard-reports"),
                Some(&qiye),
                &json!({"period": quarter.code(), "principal": "何晓燕"}),
            )
            .await;
        assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.text());
        let after = duties(qiye.clone()).await;
        let quarterly = after
            .iter()
            .find(|d| d["period"] == format!("{year}-Q{q}"))
            .unwrap();
        assert_eq!(quarterly["state"], "done");
        assert!(quarterly["record_id"].is_i64());
        // The kinds summary counts both kinds of duty in scope.
        let kinds = app
            .get(
                &format!("/api/v1/duties/summary?group=kind&period={year}"),
                Some(&chengguan),
            )
            .await
            .json();
        let keys: Vec<&str> = kinds["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["key"].as_str().unwrap())
            .collect();
        assert!(keys.contains(&"statistics_report"), "{keys:?}");
    }
);

story!(
    a_major_hazard_source_owes_its_filing_within_fifteen_days,
    |app| {
        let chengguan = app.token("chengguan").await;
        let anjian = app.token("anjian").await;
        let unit = chengguan_unit_of_anjian(&app, &anjian).await["id"]
            .as_i64()
            .unwrap();
        let identified = safegrid_domain::time::today() - chrono::Days::new(20);
        let made = app
            .post_json(
                "/api/v1/hazard-sources",
                Some(&chengguan),
                &json!({"unit_id": unit, "name": "液氨储罐区", "people_within_500m": 120, "identified_on": identified.to_string(),
                        "substances": [{"name": "氨", "cas": "7664-41-7", "q": 30.0, "critical_q": 10.0, "beta": 2.0}]}),
            )
            .await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
        let due = identified + chrono::Days::new(15);
        let r = app
            .get(
                &format!("/api/v1/duties?kind=hazard_source_filing&unit={unit}&period={due}"),
                Some(&chengguan),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let items = r.json()["items"].as_array().unwrap().clone();
        assert_eq!(items.len(), 1, "{items:?}");
        assert_eq!(items[0]["due_on"], due.to_string());
        assert_eq!(items[0]["state"], "overdue", "not filed within 15 days");
        assert_eq!(items[0]["party"], "unit");
        // The re-identification falls three years on.
        let review_year = (identified + chrono::Months::new(36))
            .format("%Y")
            .to_string();
        let r = app
            .get(
                &format!(
                    "/api/v1/duties?kind=hazard_source_review&unit={unit}&period={review_year}"
                ),
                Some(&chengguan),
            )
            .await
            .json();
        assert_eq!(r["total"], 1, "{r}");
    }
);
