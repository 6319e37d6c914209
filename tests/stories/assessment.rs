//! The annual assessment (R-ASSESS-1): the county scores its towns and departments from the
//! records, an accident counts against the town where it happened and the unit's supervising
//! departments (one at the veto level fails the year), each party sees only its own result,
//! and the county's scheme is data it sets.

use crate::support::*;
use axum::http::StatusCode;
use serde_json::{Value, json};

/// China time `minutes` ago as the report form sends it, and its year.
fn minutes_ago(minutes: i64) -> (String, i32) {
    let at = (chrono::Utc::now() - chrono::Duration::minutes(minutes))
        .with_timezone(&safegrid_domain::time::CHINA);
    (
        at.format("%Y-%m-%dT%H:%M").to_string(),
        chrono::Datelike::year(&at),
    )
}

async fn assessment(app: &TestApp, token: &str, year: i32) -> Value {
    let r = app
        .get(&format!("/api/v1/assessment?year={year}"), Some(token))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    r.json()
}

fn town<'a>(a: &'a Value, code: &str) -> &'a Value {
    a["parties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["town_code"] == code)
        .unwrap_or_else(|| panic!("no town {code} in {a}"))
}

fn department(a: &Value, id: i64) -> &Value {
    a["parties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["department_id"] == id)
        .unwrap_or_else(|| panic!("no department {id} in {a}"))
}

fn indicator<'a>(party: &'a Value, key: &str) -> &'a Value {
    party["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["key"] == key)
        .unwrap_or_else(|| panic!("no {key} in {party}"))
}

/// The supermarket (qiye's unit, in 城关镇) and the departments that supervise it.
async fn supermarket(app: &TestApp) -> (i64, Vec<i64>) {
    let qiye = app.token("qiye").await;
    let id = app.get("/api/v1/units", Some(&qiye)).await.json()["items"][0]["id"]
        .as_i64()
        .unwrap();
    let admin = app.token("admin").await;
    let unit = app
        .get(&format!("/api/v1/units/{id}"), Some(&admin))
        .await
        .json();
    let departments = unit["supervising_departments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_i64().unwrap())
        .collect();
    (id, departments)
}

story!(
    the_county_assesses_its_towns_and_departments_and_an_accident_counts_against_them,
    |app| {
        let admin = app.token("admin").await;
        let cunwang = app.token("cunwang").await;
        let (unit, supervisors) = supermarket(&app).await;
        assert!(!supervisors.is_empty());
        let (at, year) = minutes_ago(150);
        let before = assessment(&app, &admin, year).await;
        assert_eq!(before["year"], year);
        assert_eq!(before["scheme"]["duties"], 40);
        let parties = before["parties"].as_array().unwrap();
        // Towns first, then departments, each best first with its rank.
        let kinds: Vec<&str> = parties
            .iter()
            .map(|p| p["party"].as_str().unwrap())
            .collect();
        let first_department = kinds.iter().position(|k| *k == "department").unwrap();
        assert!(kinds[..first_department].iter().all(|k| *k == "town"));
        assert!(kinds[first_department..].iter().all(|k| *k == "department"));
        assert_eq!(parties[0]["rank"], 1);
        for p in parties {
            // The total is the indicators' points, each backed by its figures.
            let sum: f64 = p["indicators"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["score"].as_f64().unwrap())
                .sum();
            assert!((sum - p["total"].as_f64().unwrap()).abs() < 0.05, "{p}");
            for i in p["indicators"].as_array().unwrap() {
                if i["key"] != "accidents" {
                    assert!(i["met"].as_u64() <= i["counted"].as_u64(), "{i}");
                }
            }
        }
        let chengguan = town(&before, CHENGGUAN);
        assert_eq!(chengguan["name"], "城关镇");
        assert_eq!(indicator(chengguan, "accidents")["counted"], 0);
        assert_eq!(indicator(chengguan, "accidents")["score"], 20.0);

        // A general accident at the supermarket: ten points off the town and each of the
        // unit's supervisors, nothing off another town.
        let r = app
            .post_json(
                "/api/v1/accidents",
                Some(&cunwang),
                &json!({"unit_id": unit, "occurred_at": at, "kind": "fall_from_height",
                        "deaths": 1, "description": "货架上高处作业，人员坠落"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let general = r.json()["id"].as_i64().unwrap();
        let after = assessment(&app, &admin, year).await;
        let chengguan = town(&after, CHENGGUAN);
        assert_eq!(indicator(chengguan, "accidents")["counted"], 1);
        assert_eq!(indicator(chengguan, "accidents")["score"], 10.0);
        assert_eq!(chengguan["vetoed"], false);
        assert_eq!(
            indicator(town(&after, XUANWO), "accidents")["counted"],
            0,
            "another town answers for none of it"
        );
        for d in &supervisors {
            assert_eq!(
                indicator(department(&after, *d), "accidents")["counted"],
                1,
                "department {d}"
            );
        }
        // The passing-on of its report is the town's duty: still due, it counts neither way.
        assert_eq!(
            indicator(chengguan, "duties")["counted"],
            indicator(town(&before, CHENGGUAN), "duties")["counted"]
        );

        // A larger accident (three dead) fails the town's year whatever its points.
        let r = app
            .post_json(
                "/api/v1/accidents",
                Some(&cunwang),
                &json!({"unit_id": unit, "occurred_at": at, "kind": "fire",
                        "deaths": 3, "description": "仓库起火"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let larger = r.json()["id"].as_i64().unwrap();
        let vetoed = assessment(&app, &admin, year).await;
        let chengguan = town(&vetoed, CHENGGUAN);
        assert_eq!(chengguan["vetoed"], true);
        assert_eq!(chengguan["grade"], "fail");
        assert_eq!(indicator(chengguan, "accidents")["score"], 0.0);
        assert_eq!(indicator(chengguan, "accidents")["counted"], 2);

        // The town's page of figures: both accidents, the indicators, what it missed.
        let detail = app
            .get(
                &format!("/api/v1/assessment/towns/{CHENGGUAN}?year={year}"),
                Some(&admin),
            )
            .await;
        assert_eq!(detail.status, StatusCode::OK, "{}", detail.text());
        let detail = detail.json();
        let mut ids: Vec<i64> = detail["accidents"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["id"].as_i64().unwrap())
            .collect();
        ids.sort_unstable();
        assert_eq!(ids, vec![general, larger]);
        assert_eq!(detail["indicators"].as_array().unwrap().len(), 4);
        assert_eq!(detail["grade"], "fail");
        assert!(detail["missed_duties"].is_array());
        assert!(detail["missed_hazards"].is_array());
        let supervisor = supervisors[0];
        let d = app
            .get(
                &format!("/api/v1/assessment/departments/{supervisor}?year={year}"),
                Some(&admin),
            )
            .await;
        assert_eq!(d.status, StatusCode::OK, "{}", d.text());
        assert_eq!(d.json()["accidents"].as_array().unwrap().len(), 2);
        for missing in [
            "/api/v1/assessment/towns/610921999000".to_owned(),
            "/api/v1/assessment/departments/999999".to_owned(),
            "/api/v1/assessment/villages/1".to_owned(),
            "/api/v1/assessment/towns/abc".to_owned(),
        ] {
            assert_eq!(
                app.get(&missing, Some(&admin)).await.status,
                StatusCode::NOT_FOUND,
                "{missing}"
            );
        }

        // The same table as a file, and as the page the county reads.
        let csv = app
            .get(
                &format!("/api/v1/assessment/export?year={year}&format=csv"),
                Some(&admin),
            )
            .await;
        assert_eq!(csv.status, StatusCode::OK);
        assert!(csv.text().contains("城关镇"), "{}", csv.text());
        let browser = app.browser_login("admin").await;
        let page = app
            .page(&browser.cookie, &format!("/assessment?year={year}"))
            .await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.text().contains("城关镇") && page.text().contains("一票否决"));
        let page = app
            .page(
                &browser.cookie,
                &format!("/assessment/towns/{CHENGGUAN}?year={year}"),
            )
            .await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.text().contains(&format!("/accidents/{larger}")));
    }
);

story!(each_party_sees_only_its_own_assessment, |app| {
    let year = chrono::Datelike::year(&safegrid_domain::time::today());
    let admin = app.token("admin").await;
    let county = assessment(&app, &admin, year).await;
    let all = county["parties"].as_array().unwrap().len();
    assert!(all > 3);
    let leader = app.token("lingdao").await;
    assert_eq!(
        assessment(&app, &leader, year).await["parties"]
            .as_array()
            .unwrap()
            .len(),
        all
    );
    let chengguan = app.token("chengguan").await;
    let own = assessment(&app, &chengguan, year).await;
    let own = own["parties"].as_array().unwrap();
    assert_eq!(own.len(), 1);
    assert_eq!(own[0]["town_code"], CHENGGUAN);
    // Its figures are the county's figures for it.
    assert_eq!(own[0]["indicators"], town(&county, CHENGGUAN)["indicators"]);
    assert_eq!(
        app.get(
            &format!("/api/v1/assessment/towns/{XUANWO}?year={year}"),
            Some(&chengguan)
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    let anjian = app.token("anjian").await;
    let theirs = assessment(&app, &anjian, year).await;
    let theirs = theirs["parties"].as_array().unwrap();
    assert_eq!(theirs.len(), 1);
    assert_eq!(theirs[0]["party"], "department");
    let id = theirs[0]["department_id"].as_i64().unwrap();
    assert_eq!(
        theirs[0]["indicators"],
        department(&county, id)["indicators"]
    );
    assert_eq!(
        app.get(
            &format!("/api/v1/assessment/towns/{CHENGGUAN}?year={year}"),
            Some(&anjian)
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    // A village, a unit and the administrators have no assessment.
    for name in ["cunwang", "qiye", "sysadmin", "auditor"] {
        let token = app.token(name).await;
        assert_eq!(
            app.get("/api/v1/assessment", Some(&token)).await.status,
            StatusCode::FORBIDDEN,
            "{name}"
        );
        let browser = app.browser_login(name).await;
        let page = app.page(&browser.cookie, "/assessment").await;
        assert!(
            matches!(
                page.status,
                StatusCode::NOT_FOUND | StatusCode::FORBIDDEN | StatusCode::SEE_OTHER
            ),
            "{name}: {}",
            page.status
        );
    }
    assert_eq!(
        app.get("/api/v1/assessment", None).await.status,
        StatusCode::UNAUTHORIZED
    );
});

story!(
    the_county_sets_its_scheme_and_bad_input_names_the_field,
    |app| {
        let admin = app.token("admin").await;
        let chengguan = app.token("chengguan").await;
        let year = chrono::Datelike::year(&safegrid_domain::time::today());
        for (query, field) in [
            ("year=1999".to_owned(), "year"),
            (format!("year={}", year + 1), "year"),
            ("year=abc".to_owned(), "year"),
            ("year=99999999999".to_owned(), "year"),
            ("year=2026%00".to_owned(), "year"),
        ] {
            let r = app
                .get(&format!("/api/v1/assessment?{query}"), Some(&admin))
                .await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
            assert_eq!(r.json()["errors"][0]["field"], field, "{query}");
        }
        let good = json!({"duties": 50, "rectification": 20, "unit_duties": 10, "accidents": 20,
                      "per_accident": 5, "veto_from": "major"});
        assert_eq!(
            app.put_json(
                "/api/v1/settings/assessment-scheme",
                Some(&chengguan),
                &good
            )
            .await
            .status,
            StatusCode::FORBIDDEN,
            "a town does not set the county's scheme"
        );
        let mut bad = good.clone();
        bad["duties"] = json!(60);
        let r = app
            .put_json("/api/v1/settings/assessment-scheme", Some(&admin), &bad)
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.json()["errors"][0]["field"], "duties");
        let mut bad = good.clone();
        bad["per_accident"] = json!(21);
        let r = app
            .put_json("/api/v1/settings/assessment-scheme", Some(&admin), &bad)
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.json()["errors"][0]["field"], "per_accident");
        for (field, value) in [
            ("duties", json!(-5)),
            ("duties", json!("forty")),
            ("duties", json!(1.5)),
            ("duties", json!(4294967296u64)),
            ("veto_from", json!("minor")),
            ("veto_from", json!("larger\u{0}")),
        ] {
            let mut bad = good.clone();
            bad[field] = value.clone();
            let r = app
                .put_json("/api/v1/settings/assessment-scheme", Some(&admin), &bad)
                .await;
            assert_eq!(
                r.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{field} {value}"
            );
            assert_eq!(
                r.json()["errors"][0]["field"],
                field,
                "{field} {value}: {}",
                r.text()
            );
        }
        // Read (and so kept) under the old scheme just before it changes: the new one
        // applies at once.
        let before = assessment(&app, &chengguan, year).await;
        assert_ne!(before["scheme"], good);
        let r = app
            .put_json("/api/v1/settings/assessment-scheme", Some(&admin), &good)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let a = assessment(&app, &admin, year).await;
        assert_eq!(a["scheme"], good);
        let chengguan_view = assessment(&app, &chengguan, year).await;
        assert_eq!(
            indicator(&chengguan_view["parties"][0], "duties")["weight"],
            50,
            "every party is scored by the county's scheme"
        );
        let scheme = app
            .get("/api/v1/settings/assessment-scheme", Some(&chengguan))
            .await;
        assert_eq!(scheme.json(), good);
        // The page's form: the same rules, a fault named.
        let browser = app.browser_login("admin").await;
        let r = app
            .submit(
                &browser,
                "/settings/assessment-scheme",
                &[
                    ("duties", "41"),
                    ("rectification", "25"),
                    ("unit_duties", "15"),
                    ("accidents", "20"),
                    ("per_accident", "10"),
                    ("veto_from", "larger"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("data-field=\"duties\""), "{}", r.text());
    }
);
