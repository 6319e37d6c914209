//! Accidents: a quick report from a village grid member's phone, the chain up the levels on
//! the clock, supplements that raise the level, the record as of the accident, and who sees
//! any of it.

use crate::support::*;
use axum::http::StatusCode;
use serde_json::{Value, json};

/// China time `minutes` ago, as a phone's `datetime-local` field sends it.
fn minutes_ago(minutes: i64) -> String {
    (chrono::Utc::now() - chrono::Duration::minutes(minutes))
        .with_timezone(&safegrid_domain::time::CHINA)
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

/// The supermarket of the demo (qiye's unit) and its village.
async fn supermarket(app: &TestApp) -> (i64, String) {
    let qiye = app.token("qiye").await;
    let unit = &app.get("/api/v1/units", Some(&qiye)).await.json()["items"][0];
    (
        unit["id"].as_i64().unwrap(),
        unit["region"].as_str().unwrap().to_owned(),
    )
}

async fn report(app: &TestApp, token: &str, body: &Value) -> Value {
    let r = app.post_json("/api/v1/accidents", Some(token), body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    r.json()
}

fn parties(accident: &Value) -> Vec<String> {
    accident["reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| format!("{}:{}", s["round"], s["party"].as_str().unwrap()))
        .collect()
}

fn step<'a>(accident: &'a Value, round: i64, party: &str) -> &'a Value {
    accident["reports"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["round"] == round && s["party"] == party)
        .unwrap_or_else(|| panic!("no {party} in {accident}"))
}

story!(
    a_village_member_reports_an_accident_and_the_chain_runs_on_the_clock,
    |app| {
        let (unit, village) = supermarket(&app).await;
        let cunwang = app.token("cunwang").await;
        // Two and a half hours ago: the unit's hour has long gone, nobody has passed it on
        // yet, and the county's two hours from the unit's due time have half an hour to run.
        let made = report(
            &app,
            &cunwang,
            &json!({"unit_id": unit, "occurred_at": minutes_ago(150), "kind": "fall_from_height",
                    "deaths": 1, "serious_injuries": 2, "description": "货架上高处作业，人员坠落",
                    "longitude": 108.51, "latitude": 32.89}),
        )
        .await;
        assert_eq!(made["level"], "general");
        assert_eq!(made["region_code"], village.as_str());
        let id = made["id"].as_i64().unwrap();
        let detail = app
            .get(&format!("/api/v1/accidents/{id}"), Some(&cunwang))
            .await
            .json();
        let chain = parties(&detail);
        assert_eq!(chain.first().unwrap(), "1:unit");
        assert_eq!(
            chain.last().unwrap(),
            "1:county",
            "a general accident goes to the city"
        );
        let unit_step = step(&detail, 1, "unit");
        assert_eq!(unit_step["state"], "overdue");
        assert_eq!(unit_step["reports_to"], "county");
        let due =
            chrono::DateTime::parse_from_rfc3339(unit_step["due_at"].as_str().unwrap()).unwrap();
        let occurred =
            chrono::DateTime::parse_from_rfc3339(detail["occurred_at"].as_str().unwrap()).unwrap();
        assert_eq!(due - occurred, chrono::Duration::hours(1));
        assert_eq!(detail["overdue_steps"], 1, "only the unit's hour has gone");
        // An accident in the last twelve months makes its unit A (the grading rule's clause).
        let admin = app.token("admin").await;
        let graded = app
            .get(&format!("/api/v1/units/{unit}"), Some(&admin))
            .await
            .json();
        assert_eq!(graded["suggested_grade"], "A", "{graded}");
        // The town, the county and the unit hear of it at once; another town does not.
        for who in ["chengguan", "admin", "qiye"] {
            let token = app.token(who).await;
            let told = app.get("/api/v1/notifications", Some(&token)).await.json();
            assert!(
                told["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|n| n["kind"] == "accident_reported"),
                "{who}: {told}"
            );
        }
        let xuanwo = app.token("xuanwo").await;
        let theirs = app.get("/api/v1/notifications", Some(&xuanwo)).await.json();
        assert!(
            theirs["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|n| n["kind"] != "accident_reported")
        );

        // Each level records its own step; the unit cannot record the town's.
        let qiye = app.token("qiye").await;
        let steps = format!("/api/v1/accidents/{id}/steps");
        let r = app
            .post_json(
                &steps,
                Some(&qiye),
                &json!({"party": "town", "forwarded_at": minutes_ago(5)}),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = app
            .post_json(&steps, Some(&qiye),
                &json!({"party": "unit", "received_at": minutes_ago(145), "forwarded_at": minutes_ago(80), "note": "电话报县应急局"}))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let after = r.json();
        assert_eq!(step(&after, 1, "unit")["state"], "late");
        // The county's two hours now run from when the unit passed it on.
        let county_due = chrono::DateTime::parse_from_rfc3339(
            step(&after, 1, "county")["due_at"].as_str().unwrap(),
        )
        .unwrap();
        let forwarded = chrono::DateTime::parse_from_rfc3339(
            step(&after, 1, "unit")["forwarded_at"].as_str().unwrap(),
        )
        .unwrap();
        assert_eq!(county_due - forwarded, chrono::Duration::hours(2));
        let chengguan = app.token("chengguan").await;
        let r = app
            .post_json(
                &steps,
                Some(&chengguan),
                &json!({"party": "town", "forwarded_at": minutes_ago(1)}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(step(&r.json(), 1, "town")["state"], "done");
        // Bad steps name their field: passed on before received, a level not in the chain,
        // a time before the accident or in the future.
        for (body, field) in [
            (
                json!({"party": "town", "received_at": minutes_ago(10), "forwarded_at": minutes_ago(20)}),
                "forwarded_at",
            ),
            (json!({"party": "province"}), "party"),
            (json!({"party": "village"}), "party"),
            (
                json!({"party": "town", "received_at": minutes_ago(600)}),
                "received_at",
            ),
            (
                json!({"party": "town", "forwarded_at": minutes_ago(-120)}),
                "forwarded_at",
            ),
            (json!({"party": "town", "note": "a\u{0}b"}), "note"),
        ] {
            let r = app.post_json(&steps, Some(&chengguan), &body).await;
            assert_eq!(
                r.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{body}: {}",
                r.text()
            );
            assert_eq!(r.first_error().0, field, "{body}");
        }
        // The ledger finds it among those with a level overdue, and not among the others.
        let overdue = app
            .get("/api/v1/accidents?overdue=true", Some(&chengguan))
            .await
            .json();
        assert_eq!(
            overdue["total"], 0,
            "the unit was late but has passed it on: {overdue}"
        );
        let all = app
            .get(
                "/api/v1/accidents?kind=fall_from_height&level=general",
                Some(&chengguan),
            )
            .await
            .json();
        assert_eq!(all["total"], 1);
        assert_eq!(
            app.get("/api/v1/accidents?level=enormous", Some(&chengguan))
                .await
                .first_error()
                .0,
            "level"
        );
        // An unregistered site in the village is reported too.
        let site = report(
            &app,
            &cunwang,
            &json!({"unregistered_unit": "河边无证竹器加工点", "region": village, "occurred_at": minutes_ago(10),
                    "kind": "machinery", "serious_injuries": 1, "description": "电锯伤手"}),
        )
        .await;
        assert_eq!(site["unit_name"], "河边无证竹器加工点");
        assert_eq!(parties(&site), ["1:unit", "1:town", "1:county"]);
    }
);

story!(
    a_supplement_raises_the_level_and_runs_the_chain_again,
    |app| {
        let (unit, _) = supermarket(&app).await;
        let chengguan = app.token("chengguan").await;
        let made = report(
            &app,
            &chengguan,
            &json!({"unit_id": unit, "occurred_at": minutes_ago(60 * 24 * 2), "kind": "poisoning",
                    "deaths": 2, "missing": 0, "serious_injuries": 3, "direct_loss_yuan": 800000,
                    "description": "污水井清淤，三人中毒"}),
        )
        .await;
        assert_eq!(made["level"], "general");
        let id = made["id"].as_i64().unwrap();
        let path = format!("/api/v1/accidents/{id}/supplements");
        // Lower than confirmed without a reason: refused, naming the figure.
        let r = app
            .post_json(&path, Some(&chengguan), &json!({"deaths": 1}))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.first_error().0, "deaths");
        let r = app
            .post_json(&path, Some(&chengguan), &json!({"deaths": 2}))
            .await;
        assert_eq!(r.first_error().0, "deaths", "nothing changed");
        let r = app
            .post_json(
                &path,
                Some(&chengguan),
                &json!({"deaths": 3, "at": minutes_ago(-60)}),
            )
            .await;
        assert_eq!(r.first_error().0, "at", "in the future");
        let r = app
            .post_json(&path, Some(&chengguan), &json!({"deaths": 2.5}))
            .await;
        assert_eq!(r.first_error().0, "deaths", "not a whole number");
        for (body, field) in [
            (json!({"deaths": 3, "reason": "复\u{0}核"}), "reason"),
            (json!({"deaths": 3, "reason": "长".repeat(501)}), "reason"),
            (json!({"deaths": 3, "at": "1999-01-01 08:00"}), "at"),
            (json!({"deaths": 3, "at": "2026-02-30 08:00"}), "at"),
            (json!({"deaths": 100_001}), "deaths"),
            (json!({"deaths": "three"}), "deaths"),
        ] {
            let r = app.post_json(&path, Some(&chengguan), &body).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
            assert_eq!(r.first_error().0, field, "{body}");
        }
        assert_eq!(
            app.get(&format!("/api/v1/accidents/{id}"), Some(&chengguan))
                .await
                .json()["supplements"],
            json!([]),
            "nothing refused was written"
        );
        // A third death: larger, and the county reports again, now as far as the province.
        let r = app
            .post_json(
                &path,
                Some(&chengguan),
                &json!({"deaths": 3, "at": minutes_ago(30)}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let raised = r.json();
        assert_eq!(raised["level"], "larger");
        assert_eq!(raised["deaths"], 3);
        assert!(
            parties(&raised).ends_with(&["2:county".to_owned(), "2:city".to_owned()]),
            "{:?}",
            parties(&raised)
        );
        assert_eq!(raised["supplements"][0]["level_before"], "general");
        assert_eq!(raised["supplements"][0]["level"], "larger");
        let admin = app.token("admin").await;
        let told = app.get("/api/v1/notifications", Some(&admin)).await.json();
        assert!(
            told["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|n| n["kind"] == "accident_raised")
        );
        // The figures by level, kind and month add up to the ledger, in scope.
        for group in ["town", "sector", "kind", "level", "month"] {
            let rows = app
                .get(
                    &format!("/api/v1/stats/accidents?group={group}"),
                    Some(&chengguan),
                )
                .await;
            assert_eq!(rows.status, StatusCode::OK, "{group}: {}", rows.text());
            let rows = rows.json();
            let total: i64 = rows
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["accidents"].as_i64().unwrap())
                .sum();
            let deaths: i64 = rows
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["deaths"].as_i64().unwrap())
                .sum();
            assert_eq!((total, deaths), (1, 3), "{group}: {rows}");
        }
        let by_level = app
            .get("/api/v1/stats/accidents?group=level", Some(&chengguan))
            .await
            .json();
        assert_eq!(by_level[0]["key"], "larger");
        let by_town = app
            .get("/api/v1/stats/accidents?group=town", Some(&chengguan))
            .await
            .json();
        assert_eq!(by_town[0]["key"], CHENGGUAN);
        assert!(by_town[0]["name"].is_string());
        let xuanwo = app.token("xuanwo").await;
        assert_eq!(
            app.get("/api/v1/stats/accidents?group=kind", Some(&xuanwo))
                .await
                .json(),
            json!([])
        );
        assert_eq!(
            app.get("/api/v1/stats/accidents?group=weather", Some(&chengguan))
                .await
                .first_error()
                .0,
            "group"
        );
        // A fire supplements within seven days only.
        let fire = report(
            &app,
            &chengguan,
            &json!({"unit_id": unit, "occurred_at": minutes_ago(60 * 24 * 8), "kind": "fire",
                    "serious_injuries": 1, "description": "仓库起火"}),
        )
        .await;
        let r = app
            .post_json(
                &format!("/api/v1/accidents/{}/supplements", fire["id"]),
                Some(&chengguan),
                &json!({"serious_injuries": 2}),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.first_error().0, "at");
        // The level calculator agrees with the report at each bound.
        for (figures, level) in [
            (
                json!({"deaths": 2, "serious_injuries": 9, "direct_loss_yuan": 9999999.99}),
                "general",
            ),
            (json!({"deaths": 3}), "larger"),
            (json!({"serious_injuries": 50}), "major"),
            (json!({"direct_loss_yuan": 100000000}), "especially_major"),
            (json!({"deaths": 29, "missing": 1}), "especially_major"),
        ] {
            let r = app
                .post_json("/api/v1/calc/accident-level", Some(&chengguan), &figures)
                .await;
            assert_eq!(r.status, StatusCode::OK, "{figures}");
            assert_eq!(r.json()["level"], level, "{figures}");
        }
        for (figures, field) in [
            (json!({"deaths": -1}), "deaths"),
            (json!({"deaths": 1.5}), "deaths"),
            (json!({"serious_injuries": "ten"}), "serious_injuries"),
            (json!({"direct_loss_yuan": -3}), "direct_loss_yuan"),
            (json!({"missing": 100001}), "missing"),
        ] {
            let r = app
                .post_json("/api/v1/calc/accident-level", Some(&chengguan), &figures)
                .await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{figures}");
            assert_eq!(r.first_error().0, field, "{figures}");
        }
    }
);

story!(bad_quick_reports_are_refused_naming_the_field, |app| {
    let (unit, _) = supermarket(&app).await;
    let cunwang = app.token("cunwang").await;
    let good = json!({"unit_id": unit, "occurred_at": minutes_ago(5), "kind": "electric_shock",
                      "deaths": 0, "serious_injuries": 1, "description": "配电箱触电"});
    let cases: Vec<(Value, &str)> = vec![
        (json!({"occurred_at": minutes_ago(-60)}), "occurred_at"),
        (json!({"occurred_at": "1999-12-31T08:00"}), "occurred_at"),
        (json!({"occurred_at": "2026-02-30T08:00"}), "occurred_at"),
        (json!({"occurred_at": "yesterday"}), "occurred_at"),
        (json!({"kind": "earthquake"}), "kind"),
        (json!({"kind": 7}), "kind"),
        (json!({"deaths": -2}), "deaths"),
        (json!({"deaths": 1.5}), "deaths"),
        (json!({"serious_injuries": "two"}), "serious_injuries"),
        (json!({"direct_loss_yuan": -1}), "direct_loss_yuan"),
        (json!({"description": "触\u{0}电"}), "description"),
        (json!({"description": "长".repeat(2001)}), "description"),
        (json!({"description": ""}), "description"),
        (json!({"unit_id": 999_999}), "unit_id"),
        (json!({"unit_id": null}), "unit_id"),
        (json!({"longitude": 500.0}), "longitude"),
        (json!({"photos": ["bm90IGEgcGljdHVyZQ=="]}), "photos[0]"),
        (json!({"photos": vec![""; 6]}), "photos"),
    ];
    for (change, field) in cases {
        let mut body = good.clone();
        for (k, v) in change.as_object().unwrap() {
            body[k] = v.clone();
        }
        let r = app
            .post_json("/api/v1/accidents", Some(&cunwang), &body)
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{change}: {}",
            r.text()
        );
        assert_eq!(r.first_error().0, field, "{change}");
    }
    // Another town's unit is not this village's to report (and not found for it).
    let xuanwo = app.token("xuanwo").await;
    let r = app
        .post_json("/api/v1/accidents", Some(&xuanwo), &good)
        .await;
    assert_eq!(r.first_error().0, "unit_id");
    // The leader reads, and reports nothing.
    let lingdao = app.token("lingdao").await;
    assert_eq!(
        app.post_json("/api/v1/accidents", Some(&lingdao), &good)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // Nothing was written by any of these.
    let admin = app.token("admin").await;
    assert_eq!(
        app.get("/api/v1/accidents", Some(&admin)).await.json()["total"],
        0
    );
    // A huge body is refused before it is read.
    let huge = json!({"description": "x".repeat(17 * 1024 * 1024)});
    let r = app
        .post_json("/api/v1/accidents", Some(&cunwang), &huge)
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
});

story!(
    an_accident_is_seen_where_it_happened_and_by_no_other_town,
    |app| {
        let (unit, _) = supermarket(&app).await;
        let cunwang = app.token("cunwang").await;
        let photo = base64::Engine::encode(
            &base64::engine::general_purpose::STANDARD,
            crate::hazards::png(40, 30),
        );
        let made = report(
            &app,
            &cunwang,
            &json!({"unit_id": unit, "occurred_at": minutes_ago(15), "kind": "collapse",
                    "serious_injuries": 1, "description": "货架倒塌", "photos": [photo]}),
        )
        .await;
        let id = made["id"].as_i64().unwrap();
        let photo = made["photos"][0]["id"].as_i64().unwrap();
        // Who reads it: the county, its town, its village, the unit; not another town, a
        // department that does not supervise the unit, or the administrators.
        let matrix = [
            ("admin", StatusCode::OK),
            ("anweiban", StatusCode::OK),
            ("lingdao", StatusCode::OK),
            ("chengguan", StatusCode::OK),
            ("cunwang", StatusCode::OK),
            ("qiye", StatusCode::OK),
            ("xuanwo", StatusCode::NOT_FOUND),
            ("anjian", StatusCode::NOT_FOUND),
            ("sysadmin", StatusCode::NOT_FOUND),
            ("secadmin", StatusCode::NOT_FOUND),
            ("auditor", StatusCode::NOT_FOUND),
        ];
        for (who, read) in matrix {
            let token = app.token(who).await;
            for path in [
                format!("/api/v1/accidents/{id}"),
                format!("/api/v1/accidents/{id}/accountability"),
                format!("/api/v1/accident-photos/{photo}"),
            ] {
                assert_eq!(
                    app.get(&path, Some(&token)).await.status,
                    read,
                    "{who} reads {path}"
                );
            }
            let list = app.get("/api/v1/accidents", Some(&token)).await;
            let seen = if list.status == StatusCode::OK {
                list.json()["total"].as_i64().unwrap()
            } else {
                0
            };
            assert_eq!(seen, i64::from(read == StatusCode::OK), "{who} counts");
            // Changing it is as closed as reading it.
            let r = app
                .post_json(
                    &format!("/api/v1/accidents/{id}/supplements"),
                    Some(&token),
                    &json!({"serious_injuries": 2, "reason": "复核"}),
                )
                .await;
            if read == StatusCode::NOT_FOUND {
                assert_eq!(r.status, StatusCode::NOT_FOUND, "{who} supplements");
            }
        }
        assert_eq!(
            app.get(&format!("/api/v1/accidents/{id}"), None)
                .await
                .status,
            StatusCode::UNAUTHORIZED
        );
        // The pages: the town reads the accident and its record; another town gets 404.
        let town = app.browser_login("chengguan").await;
        let page = app.page(&town.cookie, &format!("/accidents/{id}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.text().contains("货架倒塌"));
        let other = app.browser_login("xuanwo").await;
        assert_eq!(
            app.page(&other.cookie, &format!("/accidents/{id}"))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            app.page(&other.cookie, &format!("/accidents/{id}/accountability"))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            app.page(&other.cookie, &format!("/accident-photos/{photo}"))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
    }
);

story!(
    the_record_as_of_the_accident_names_that_days_holders,
    |app| {
        let (unit, village) = supermarket(&app).await;
        let admin = app.token("admin").await;
        let qiye = app.token("qiye").await;
        // A hazard on record before the accident.
        let hazard = app
            .post_json("/api/v1/hazards", Some(&qiye),
                &json!({"unit_id": unit, "source": "self_check", "level": "general", "description": "货架超载",
                        "deadline": safegrid_domain::time::today().to_string()}))
            .await;
        assert_eq!(hazard.status, StatusCode::CREATED, "{}", hazard.text());
        let made = report(
            &app,
            &qiye,
            &json!({"unit_id": unit, "occurred_at": minutes_ago(60 * 24 * 10), "kind": "object_strike",
                    "serious_injuries": 1, "description": "货架货物坠落砸伤"}),
        )
        .await;
        let id = made["id"].as_i64().unwrap();
        // The village grid's post changes hands today, after the accident.
        let grid_id = app.grid_id(&admin, &village, "village", None).await;
        let grid = app
            .get(&format!("/api/v1/grids/{grid_id}"), Some(&admin))
            .await
            .json();
        let before = grid["posts"][0]["holders"][0].clone();
        let holding = before["id"].as_i64().unwrap();
        let today = safegrid_domain::time::today().to_string();
        let r = app
            .post_json(
                &format!("/api/v1/holdings/{holding}/replace"),
                Some(&admin),
                &json!({"person": {"name": "新任网格员"}, "on": today}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let record = app
            .get(
                &format!("/api/v1/accidents/{id}/accountability"),
                Some(&admin),
            )
            .await;
        assert_eq!(record.status, StatusCode::OK, "{}", record.text());
        let record = record.json();
        let kinds: Vec<&str> = record["grids"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["grid"]["kind"].as_str().unwrap())
            .collect();
        for kind in ["county", "town", "village"] {
            assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
        }
        let village_grid = record["grids"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["grid"]["id"] == grid_id)
            .unwrap();
        let names: Vec<&str> = village_grid["posts"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|p| {
                p["holders"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|h| h["person_name"].as_str().unwrap())
            })
            .collect();
        assert!(
            names.contains(&before["person_name"].as_str().unwrap()),
            "{names:?}"
        );
        assert!(
            !names.contains(&"新任网格员"),
            "today's holder was not there that day: {names:?}"
        );
        // The hazard was found after the accident: it is not on the record of before.
        assert!(
            record["hazards"]
                .as_array()
                .unwrap()
                .iter()
                .all(|h| h["description"] != "货架超载")
        );
        // The printable page names the same people.
        let browser = app.browser_login("admin").await;
        let page = app
            .page(&browser.cookie, &format!("/accidents/{id}/accountability"))
            .await
            .text();
        assert!(page.contains(before["person_name"].as_str().unwrap()));
        assert!(!page.contains("新任网格员"));
    }
);

story!(a_quick_report_from_the_phone_form, |app| {
    let (unit, _) = supermarket(&app).await;
    let browser = app.browser_login("cunwang").await;
    let form = app.page(&browser.cookie, "/accidents/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.text().contains("data-testid=\"accident-form\""));
    let unit = unit.to_string();
    let when = minutes_ago(3);
    let fields = |deaths: &'static str| -> Vec<(&str, String)> {
        vec![
            ("unit_id", unit.clone()),
            ("occurred_at", when.clone()),
            ("kind", "vehicle".to_owned()),
            ("deaths", deaths.to_owned()),
            ("missing", "0".to_owned()),
            ("serious_injuries", "1".to_owned()),
            ("description", "叉车倒车撞人".to_owned()),
        ]
    };
    let bad = fields("-1");
    let pairs: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = app
        .submit_multipart(&browser, "/accidents/new", &pairs, &[])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text().contains("data-field=\"deaths\"") || r.text().contains("不能为负数"),
        "{}",
        r.text()
    );
    let good = fields("0");
    let pairs: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let png = crate::hazards::png(60, 40);
    let r = app
        .submit_multipart(&browser, "/accidents/new", &pairs, &[("file", &png)])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let to = r
        .headers
        .get("location")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    let page = app.page(&browser.cookie, &to).await.text();
    assert!(page.contains("叉车倒车撞人"));
    assert!(page.contains("data-testid=\"accident-photo\""));
});

/// The accident-report duties of the day `due_at` falls on (China time), of accident `id`.
async fn report_duties(app: &TestApp, token: &str, id: i64, due_at: &Value) -> Vec<Value> {
    let due = chrono::DateTime::parse_from_rfc3339(due_at.as_str().unwrap()).unwrap();
    let day = safegrid_domain::time::local_date(due.with_timezone(&chrono::Utc));
    let r = app
        .get(
            &format!("/api/v1/duties?kind=accident_report&period={day}&per_page=100"),
            Some(token),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    r.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["record_id"] == id)
        .cloned()
        .collect()
}

story!(an_accidents_steps_are_duties_of_the_grids_parties, |app| {
    let (unit, _) = supermarket(&app).await;
    let cunwang = app.token("cunwang").await;
    // Two and a half hours ago: the unit's hour has gone; the town's two hours (from the
    // report) have not.
    let made = report(
        &app,
        &cunwang,
        &json!({"unit_id": unit, "occurred_at": minutes_ago(150), "kind": "electric_shock",
                "serious_injuries": 1, "description": "配电箱检修时触电"}),
    )
    .await;
    let id = made["id"].as_i64().unwrap();
    let unit_step = step(&made, 1, "unit")["due_at"].clone();
    let town_step = step(&made, 1, "town")["due_at"].clone();

    // The unit owes its step, overdue, and it leads to the accident (the unit also sees the
    // others' steps about it, when they fall on the same day).
    let qiye = app.token("qiye").await;
    let owed: Vec<Value> = report_duties(&app, &qiye, id, &unit_step)
        .await
        .into_iter()
        .filter(|d| d["party"] == "unit")
        .collect();
    assert_eq!(owed.len(), 1, "{owed:?}");
    assert_eq!(owed[0]["party"], "unit");
    assert_eq!(owed[0]["unit_id"], unit);
    assert_eq!(owed[0]["state"], "overdue");
    // The town owes its own, still due.
    let chengguan = app.token("chengguan").await;
    let town = report_duties(&app, &chengguan, id, &town_step).await;
    let theirs: Vec<&Value> = town.iter().filter(|d| d["party"] == "town").collect();
    assert_eq!(theirs.len(), 1, "{town:?}");
    assert_eq!(theirs[0]["state"], "due");
    // The county sees the grid's parties' steps, not its own (it follows those on the
    // accident's page); another town sees nothing of it.
    let admin = app.token("admin").await;
    let mut county = report_duties(&app, &admin, id, &unit_step).await;
    if town_step != unit_step {
        county.extend(report_duties(&app, &admin, id, &town_step).await);
    }
    county.sort_by_key(ToString::to_string);
    county.dedup();
    assert!(county.iter().any(|d| d["party"] == "unit"), "{county:?}");
    assert!(county.iter().any(|d| d["party"] == "town"), "{county:?}");
    assert!(county.iter().all(|d| d["party"] != "county"));
    // The supermarket is supervised: each supervising department owes the department's step.
    assert!(parties(&made).contains(&"1:department".to_owned()));
    let department_step = step(&made, 1, "department")["due_at"].clone();
    let departments: Vec<Value> = report_duties(&app, &admin, id, &department_step)
        .await
        .into_iter()
        .filter(|d| d["party"] == "department")
        .collect();
    assert!(!departments.is_empty(), "{departments:?}");
    assert!(departments.iter().all(|d| d["department_id"].is_i64()));
    let xuanwo = app.token("xuanwo").await;
    assert!(
        report_duties(&app, &xuanwo, id, &town_step)
            .await
            .is_empty()
    );
    // Departments that do not supervise the supermarket owe nothing of it and see nothing.
    for department in ["anjian", "zhujian"] {
        let token = app.token(department).await;
        assert!(
            report_duties(&app, &token, id, &department_step)
                .await
                .is_empty(),
            "{department}"
        );
    }

    // Passed on, the town's duty is done.
    let r = app
        .post_json(
            &format!("/api/v1/accidents/{id}/steps"),
            Some(&chengguan),
            &json!({"party": "town", "forwarded_at": minutes_ago(1)}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let town = report_duties(&app, &chengguan, id, &town_step).await;
    assert!(
        town.iter()
            .filter(|d| d["party"] == "town")
            .all(|d| d["state"] == "done"),
        "{town:?}"
    );
});

story!(
    where_in_the_units_own_grid_names_its_people_in_the_record,
    |app| {
        let (unit, _) = supermarket(&app).await;
        let qiye = app.token("qiye").await;
        let grid = format!("/api/v1/units/{unit}/grid");
        // The unit's grid: the company, and under it the cold store with its own keeper.
        let top = app
        .post_json(&grid, Some(&qiye),
            &json!({"kind": "company", "name": "惠民超市", "person": "何晓燕", "phone": "13900000001", "duties": "全面负责"}))
        .await;
        assert_eq!(top.status, StatusCode::CREATED, "{}", top.text());
        let top = top.json()["id"].as_i64().unwrap();
        let cold = app
        .post_json(&grid, Some(&qiye),
            &json!({"parent_id": top, "kind": "area", "name": "冷库", "person": "刘冬", "duties": "冷库用电与制冷设备"}))
        .await;
        assert_eq!(cold.status, StatusCode::CREATED, "{}", cold.text());
        let cold = cold.json()["id"].as_i64().unwrap();

        // The unit's own form has its unit already, and offers its grid's nodes.
        let form = app
            .page(&app.browser_login("qiye").await.cookie, "/accidents/new")
            .await;
        let html = form.text();
        assert!(
            html.contains(&format!(r#"name="unit_id" value="{unit}""#)),
            "{html}"
        );
        assert!(html.contains(r#"data-testid="node-choice""#) && html.contains("冷库"));
        let made = report(
        &app,
        &qiye,
        &json!({"unit_id": unit, "node_id": cold, "occurred_at": minutes_ago(30), "kind": "electric_shock",
                "serious_injuries": 1, "description": "冷库照明检修触电"}),
    )
    .await;
        assert_eq!(made["node_id"], cold);
        let id = made["id"].as_i64().unwrap();
        let admin = app.token("admin").await;
        let record = app
            .get(
                &format!("/api/v1/accidents/{id}/accountability"),
                Some(&admin),
            )
            .await
            .json();
        let path: Vec<&str> = record["own_grid"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["person"].as_str().unwrap())
            .collect();
        assert_eq!(path, ["何晓燕", "刘冬"], "from the top down to the node");
        let sheet = app
            .page(
                &app.browser_login("admin").await.cookie,
                &format!("/accidents/{id}/accountability"),
            )
            .await;
        assert!(
            sheet.text().contains("刘冬"),
            "the printed record names the node's keeper"
        );

        // A node of the unit's grid only, and one in force: a made-up one, one retired before the
        // accident, a negative one and one without a unit are refused naming `node_id`.
        let retired = app
            .post_json(
                &grid,
                Some(&qiye),
                &json!({"parent_id": top, "kind": "equipment", "name": "旧货梯", "person": "刘冬"}),
            )
            .await
            .json()["id"]
            .as_i64()
            .unwrap();
        let r = app
            .post_json(&format!("{grid}/{retired}/retire"), Some(&qiye), &json!({}))
            .await;
        assert!(r.status.is_success(), "{}", r.text());
        let village = made["region_code"].as_str().unwrap();
        for (body, occurred) in [
            (json!({"unit_id": unit, "node_id": 999_999}), 5),
            // A minute from now (within a phone clock's slack): after the node was retired.
            (json!({"unit_id": unit, "node_id": retired}), -1),
            (json!({"unit_id": unit, "node_id": -1}), 5),
            (json!({"unit_id": unit, "node_id": "冷库"}), 5),
            (
                json!({"unregistered_unit": "路边摊", "region": village, "node_id": cold}),
                5,
            ),
        ] {
            let mut body = body;
            body["occurred_at"] = json!(minutes_ago(occurred));
            body["kind"] = json!("other_injury");
            body["description"] = json!("划伤");
            let r = app
                .post_json("/api/v1/accidents", Some(&admin), &body)
                .await;
            assert_eq!(
                r.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{body}: {}",
                r.text()
            );
            assert_eq!(r.first_error().0, "node_id", "{body}");
        }
    }
);

story!(only_the_system_reports_an_accident_as_of_the_past, |app| {
    let (unit, _) = supermarket(&app).await;
    let input = || safegrid_store::AccidentInput {
        occurred_at: Some(minutes_ago(600)),
        unit_id: Some(unit),
        kind: Some("machinery".into()),
        description: Some("机械伤害".into()),
        ..Default::default()
    };
    let earlier = chrono::Utc::now() - chrono::Duration::minutes(590);
    // An account, even the county's own administrator, reports as of now.
    let admin = safegrid_domain::access::Actor {
        account_id: Some(1),
        ..safegrid_domain::access::Actor::system()
    };
    assert!(matches!(
        app.store
            .report_past_accident(&admin, input(), earlier)
            .await,
        Err(safegrid_store::StoreError::Forbidden)
    ));
    // The system (the demo laying out its year) reports it as received then: the chain's
    // clock runs from that moment.
    let made = app
        .store
        .report_past_accident(&safegrid_domain::access::Actor::system(), input(), earlier)
        .await
        .unwrap();
    let reported = made.accident.reported_at;
    assert!((reported - earlier).num_seconds().abs() <= 1, "{reported}");
    let town = made
        .reports
        .iter()
        .find(|s| s.party.as_str() == "town")
        .unwrap();
    assert_eq!(town.due_at - reported, chrono::Duration::hours(2));
});
