//! Units' own duties: the unit checks its own grid each working day and patrols each month,
//! on its own account; its findings enter the hazard ledger as its own; its supervisors see
//! the days done, due and overdue on the duty calendar; nobody else records or reads them.

use crate::support::*;
use axum::http::StatusCode;
use serde_json::{Value, json};

fn in_days(days: u64) -> String {
    (safegrid_domain::time::today() + chrono::Days::new(days)).to_string()
}

fn today() -> String {
    safegrid_domain::time::today().to_string()
}

/// The `qiye` unit and a node of its own grid.
async fn own_unit_and_node(app: &TestApp, qiye: &str) -> (i64, i64) {
    let unit = app.get("/api/v1/units", Some(qiye)).await.json()["items"][0]["id"]
        .as_i64()
        .unwrap();
    let grid = app
        .get(&format!("/api/v1/units/{unit}/grid"), Some(qiye))
        .await
        .json();
    let node = grid[0]["id"]
        .as_i64()
        .expect("the demo unit has its own grid");
    (unit, node)
}

fn daily(node: i64) -> Value {
    json!({
        "kind": "daily",
        "checked_on": today(),
        "checked_by": "何晓燕",
        "items": [
            {"item": "配电箱", "node_id": node, "result": "ok"},
            {"item": "消防通道", "result": "hazard", "note": "堆放纸箱"},
            {"item": "燃气管道", "result": "na"}
        ],
        "hazards": [{"description": "消防通道堆放纸箱", "level": "general", "deadline": in_days(2)}]
    })
}

/// The unit's duties of a kind this month, as `account` sees them.
async fn duties(app: &TestApp, token: &str, kind: &str, unit: i64) -> Value {
    let month = &today()[..7];
    let r = app
        .get(
            &format!("/api/v1/duties?kind={kind}&unit={unit}&period={month}&per_page=100"),
            Some(token),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    r.json()
}

story!(
    a_unit_checks_itself_each_working_day_and_its_town_sees_it,
    |app| {
        let qiye = app.token("qiye").await;
        let (unit, node) = own_unit_and_node(&app, &qiye).await;
        // Every day of the week a working day, so today is owed whatever day it is.
        let set = app
            .put_json(
                &format!("/api/v1/units/{unit}/working-days"),
                Some(&qiye),
                &json!({"working_days": "1111111"}),
            )
            .await;
        assert_eq!(set.status, StatusCode::OK, "{}", set.text());
        let before = duties(&app, &qiye, "daily_check", unit).await;
        let today_duty = |d: &Value| {
            d["items"]
                .as_array()
                .unwrap()
                .iter()
                .find(|x| x["period"] == today())
                .cloned()
                .unwrap_or(Value::Null)
        };
        assert_eq!(today_duty(&before)["state"], "due", "{before}");

        let made = app
            .post_json(
                &format!("/api/v1/units/{unit}/checks"),
                Some(&qiye),
                &daily(node),
            )
            .await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
        let hazard = made.json()["hazard_ids"][0].as_i64().unwrap();
        let h = app
            .get(&format!("/api/v1/hazards/{hazard}"), Some(&qiye))
            .await
            .json();
        assert_eq!(h["source"], "self_check");
        assert_eq!(h["unit_id"], unit);
        assert_eq!(h["found_by"], "何晓燕");

        // Done on the unit's calendar, and on its town's.
        let chengguan = app.token("chengguan").await;
        for token in [&qiye, &chengguan] {
            let after = duties(&app, token, "daily_check", unit).await;
            assert_eq!(today_duty(&after)["state"], "done", "{after}");
            assert_eq!(today_duty(&after)["party"], "unit");
        }
        // A second check the same day is kept and counted once.
        let again = app
            .post_json(
                &format!("/api/v1/units/{unit}/checks"),
                Some(&qiye),
                &json!({"kind": "daily", "checked_on": today()}),
            )
            .await;
        assert_eq!(again.status, StatusCode::CREATED);
        let after = duties(&app, &qiye, "daily_check", unit).await;
        let todays = after["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|x| x["period"] == today())
            .count();
        assert_eq!(todays, 1);

        // The month's patrol.
        let patrol = duties(&app, &qiye, "monthly_patrol", unit).await;
        assert_eq!(patrol["items"][0]["state"], "due", "{patrol}");
        let walked = app
        .post_json(&format!("/api/v1/units/{unit}/checks"), Some(&qiye),
            &json!({"kind": "monthly_patrol", "checked_on": today(), "checked_by": "何晓燕", "note": "全面巡查"}))
        .await;
        assert_eq!(walked.status, StatusCode::CREATED, "{}", walked.text());
        let patrol = duties(&app, &chengguan, "monthly_patrol", unit).await;
        assert_eq!(patrol["items"][0]["state"], "done");
        assert_eq!(patrol["items"][0]["record_id"], walked.json()["id"]);

        // The list: newest first, with items and findings counted.
        let list = app
            .get(&format!("/api/v1/units/{unit}/checks"), Some(&chengguan))
            .await
            .json();
        assert_eq!(list["total"], 3);
        let first_daily = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["findings"] == 1)
            .unwrap()
            .clone();
        assert_eq!(first_daily["items"], 3);
    }
);

story!(
    only_the_unit_records_its_checks_and_another_town_sees_none,
    |app| {
        let qiye = app.token("qiye").await;
        let (unit, node) = own_unit_and_node(&app, &qiye).await;
        let chengguan = app.token("chengguan").await;
        let by_town = app
            .post_json(
                &format!("/api/v1/units/{unit}/checks"),
                Some(&chengguan),
                &daily(node),
            )
            .await;
        assert_eq!(
            by_town.status,
            StatusCode::FORBIDDEN,
            "a check is the unit's own word"
        );
        let xuanwo = app.token("xuanwo").await;
        for (method, path) in [
            ("GET", format!("/api/v1/units/{unit}/checks")),
            ("POST", format!("/api/v1/units/{unit}/checks")),
        ] {
            let r = if method == "GET" {
                app.get(&path, Some(&xuanwo)).await
            } else {
                app.post_json(&path, Some(&xuanwo), &daily(node)).await
            };
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{method} {path}");
        }
        assert_eq!(
            app.put_json(
                &format!("/api/v1/units/{unit}/working-days"),
                Some(&xuanwo),
                &json!({"working_days": "1111111"})
            )
            .await
            .status,
            StatusCode::NOT_FOUND
        );
        // Another unit's manager neither records nor reads them.
        let admin = app.token("admin").await;
        let other = app
        .post_json("/api/v1/units", Some(&admin), &json!({"name": "汉阴县城关镇某小作坊", "no_uscc_reason": "个体工商户", "region": "610921100001"}))
        .await;
        assert_eq!(other.status, StatusCode::CREATED, "{}", other.text());
        let other = other.json()["id"].as_i64().unwrap();
        let neighbour = app
            .new_account(
                "qiye2",
                json!({"display_name": "小作坊", "role": "unit_manager", "scope_unit_id": other}),
            )
            .await;
        assert_eq!(
            app.post_json(
                &format!("/api/v1/units/{unit}/checks"),
                Some(&neighbour),
                &daily(node)
            )
            .await
            .status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            app.get(&format!("/api/v1/units/{unit}/checks"), Some(&neighbour))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        // Its own check cannot name a node of the other unit's grid.
        let foreign = app
            .post_json(
                &format!("/api/v1/units/{other}/checks"),
                Some(&neighbour),
                &daily(node),
            )
            .await;
        assert_eq!(
            foreign.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            foreign.text()
        );
        assert_eq!(foreign.first_error().0, "items[0].node_id");
        assert_eq!(
            app.get(&format!("/api/v1/units/{unit}/checks"), Some(&qiye))
                .await
                .json()["total"],
            0,
            "nothing written"
        );
    }
);

story!(
    bad_checks_are_refused_naming_the_field_and_nothing_is_half_written,
    |app| {
        let qiye = app.token("qiye").await;
        let (unit, node) = own_unit_and_node(&app, &qiye).await;
        let long_ago = (safegrid_domain::time::today() - chrono::Days::new(800)).to_string();
        let cases: Vec<(Value, &str)> = vec![
            (json!({"kind": "weekly"}), "kind"),
            (json!({"kind": 5}), "kind"),
            (json!({"checked_on": in_days(1)}), "checked_on"),
            (json!({"checked_on": long_ago}), "checked_on"),
            (json!({"checked_on": "2026-02-30"}), "checked_on"),
            (json!({"checked_on": null}), "checked_on"),
            (json!({"checked_by": "何\u{0}晓燕"}), "checked_by"),
            (
                json!({"items": [{"item": "配电箱", "result": "maybe"}]}),
                "items[0].result",
            ),
            (
                json!({"items": [{"item": "", "result": "ok"}]}),
                "items[0].item",
            ),
            (
                json!({"items": [{"item": "配电箱", "node_id": 99_999_999, "result": "ok"}]}),
                "items[0].node_id",
            ),
            (json!({"items": "配电箱"}), "items"),
            (
                json!({"hazards": [{"description": "x", "level": "general", "deadline": "2020-01-01"}]}),
                "hazards[0].deadline",
            ),
            (
                json!({"hazards": [{"level": "general", "deadline": in_days(3)}]}),
                "hazards[0].description",
            ),
            (json!({"note": "长".repeat(2001)}), "note"),
        ];
        for (change, field) in cases {
            let mut body = daily(node);
            for (k, v) in change.as_object().unwrap() {
                body[k] = v.clone();
            }
            let r = app
                .post_json(&format!("/api/v1/units/{unit}/checks"), Some(&qiye), &body)
                .await;
            assert_eq!(
                r.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{field}: {}",
                r.text()
            );
            assert_eq!(r.first_error().0, field, "{}", r.text());
        }
        // Too many items, and a body past the API's bound.
        let mut many = daily(node);
        many["items"] = json!(vec![json!({"item": "x", "result": "ok"}); 201]);
        let r = app
            .post_json(&format!("/api/v1/units/{unit}/checks"), Some(&qiye), &many)
            .await;
        assert_eq!(r.first_error().0, "items");
        let mut huge = daily(node);
        huge["note"] = json!("长".repeat(12_000_000));
        let r = app
            .post_json(&format!("/api/v1/units/{unit}/checks"), Some(&qiye), &huge)
            .await;
        assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
        // Working days: seven flags.
        for bad in ["11", "0000000", "1111x00"] {
            let r = app
                .put_json(
                    &format!("/api/v1/units/{unit}/working-days"),
                    Some(&qiye),
                    &json!({"working_days": bad}),
                )
                .await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
            assert_eq!(r.first_error().0, "working_days");
        }
        assert_eq!(
            app.get(&format!("/api/v1/units/{unit}/checks"), Some(&qiye))
                .await
                .json()["total"],
            0,
            "nothing written"
        );
        let hazards = app
            .get("/api/v1/hazards?source=self_check", Some(&qiye))
            .await
            .json();
        assert_eq!(
            hazards["total"], 0,
            "no finding written without its check: {hazards}"
        );
    }
);

story!(
    each_role_reads_and_records_a_units_checks_as_its_scope_allows,
    |app| {
        let qiye = app.token("qiye").await;
        let (unit, node) = own_unit_and_node(&app, &qiye).await;
        let mut first = daily(node);
        first["items"][0]["photo"] = json!(base64::Engine::encode(
            &base64::engine::general_purpose::STANDARD,
            crate::hazards::png(32, 24)
        ));
        let made = app
            .post_json(&format!("/api/v1/units/{unit}/checks"), Some(&qiye), &first)
            .await;
        assert_eq!(made.status, StatusCode::CREATED);
        let check = made.json()["id"].as_i64().unwrap();
        let detail = app
            .get(&format!("/api/v1/units/{unit}/checks/{check}"), Some(&qiye))
            .await
            .json();
        let photo = detail["item_photos"][0]["id"].as_i64().unwrap();
        // Who reads the supermarket's checks: the county, its town, its village, itself; not
        // another town, a department that does not supervise it, or the administrators.
        let matrix = [
            ("admin", StatusCode::OK, StatusCode::FORBIDDEN),
            ("anweiban", StatusCode::OK, StatusCode::FORBIDDEN),
            ("lingdao", StatusCode::OK, StatusCode::FORBIDDEN),
            ("chengguan", StatusCode::OK, StatusCode::FORBIDDEN),
            ("cunwang", StatusCode::OK, StatusCode::FORBIDDEN),
            ("xuanwo", StatusCode::NOT_FOUND, StatusCode::NOT_FOUND),
            ("anjian", StatusCode::NOT_FOUND, StatusCode::NOT_FOUND),
            ("sysadmin", StatusCode::NOT_FOUND, StatusCode::NOT_FOUND),
            ("secadmin", StatusCode::NOT_FOUND, StatusCode::NOT_FOUND),
            ("auditor", StatusCode::NOT_FOUND, StatusCode::NOT_FOUND),
        ];
        for (who, read, record) in matrix {
            let token = app.token(who).await;
            let list = app
                .get(&format!("/api/v1/units/{unit}/checks"), Some(&token))
                .await;
            assert_eq!(list.status, read, "{who} reads");
            if read == StatusCode::OK {
                assert_eq!(list.json()["total"], 1, "{who}");
            }
            // The check's items, its photo, the unit's trainings and certificates: read by
            // the same people, not found by the others.
            for path in [
                format!("/api/v1/units/{unit}/checks/{check}"),
                format!("/api/v1/unit-photos/{photo}"),
                format!("/api/v1/units/{unit}/trainings"),
                format!("/api/v1/units/{unit}/certificates"),
            ] {
                assert_eq!(
                    app.get(&path, Some(&token)).await.status,
                    read,
                    "{who} reads {path}"
                );
            }
            let r = app
                .post_json(
                    &format!("/api/v1/units/{unit}/checks"),
                    Some(&token),
                    &daily(node),
                )
                .await;
            assert_eq!(r.status, record, "{who} records: {}", r.text());
        }
        assert_eq!(
            app.get(&format!("/api/v1/units/{unit}/checks"), None)
                .await
                .status,
            StatusCode::UNAUTHORIZED
        );
    }
);

story!(
    the_town_sees_which_units_check_daily_and_which_stopped,
    |app| {
        let qiye = app.token("qiye").await;
        let (unit, node) = own_unit_and_node(&app, &qiye).await;
        let chengguan = app.token("chengguan").await;
        let row = |rates: &Value| {
            rates["items"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["unit_id"] == unit)
                .cloned()
                .expect("the town's unit is listed")
        };
        let before = row(&app
            .get("/api/v1/checks/rates", Some(&chengguan))
            .await
            .json());
        assert_eq!(before["checked"], 0);
        assert_eq!(
            before["stopped"], true,
            "owes checks and made none: {before}"
        );
        let made = app
            .post_json(
                &format!("/api/v1/units/{unit}/checks"),
                Some(&qiye),
                &daily(node),
            )
            .await;
        assert_eq!(made.status, StatusCode::CREATED);
        let after = row(&app
            .get(
                &format!("/api/v1/checks/rates?region={CHENGGUAN}"),
                Some(&chengguan),
            )
            .await
            .json());
        assert_eq!(after["last_checked_on"], today());
        assert_eq!(after["stopped"], false);
        // Today counts only on a working day.
        let owed = after["owed"].as_u64().unwrap();
        assert!(
            after["checked"].as_u64().unwrap() <= 1 && owed >= 20,
            "{after}"
        );
        // Another town does not see it; a bad region is named.
        let xuanwo = app.token("xuanwo").await;
        let theirs = app.get("/api/v1/checks/rates", Some(&xuanwo)).await.json();
        assert!(
            theirs["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|r| r["unit_id"] != unit)
        );
        let bad = app
            .get("/api/v1/checks/rates?region=abc", Some(&chengguan))
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(bad.first_error().0, "region");
    }
);

story!(the_towns_page_of_units_own_checks, |app| {
    let qiye = app.token("qiye").await;
    let (unit, node) = own_unit_and_node(&app, &qiye).await;
    app.post_json(
        &format!("/api/v1/units/{unit}/checks"),
        Some(&qiye),
        &daily(node),
    )
    .await;
    let town = app.browser_login("chengguan").await;
    let page = app.page(&town.cookie, "/checks").await;
    assert_eq!(page.status, axum::http::StatusCode::OK);
    let text = page.text();
    assert!(text.contains("data-testid=\"check-rates\""));
    assert!(text.contains(&format!("href=\"/units/{unit}\"")));
    assert!(text.contains("href=\"/checks\""), "in the menu");
    let bad = app.page(&town.cookie, "/checks?region=abc").await;
    assert_eq!(bad.status, axum::http::StatusCode::UNPROCESSABLE_ENTITY);
    // Not the unit's own menu, nor another town's list.
    let own = app.browser_login("qiye").await;
    let start = app.page(&own.cookie, "/").await.text();
    assert!(
        start.contains(&format!(
            "href=\"/units/{unit}/checks/new\" data-testid=\"own-check\""
        )),
        "the unit's start page leads to today's check"
    );
    assert!(
        !app.page(&own.cookie, "/")
            .await
            .text()
            .contains("href=\"/checks\"")
    );
    let other = app.browser_login("xuanwo").await;
    assert!(
        !app.page(&other.cookie, "/checks")
            .await
            .text()
            .contains(&format!("href=\"/units/{unit}\""))
    );
});

story!(
    the_phone_form_refuses_bad_input_and_only_the_unit_opens_it,
    |app| {
        let qiye = app.token("qiye").await;
        let (unit, _) = own_unit_and_node(&app, &qiye).await;
        let own = app.browser_login("qiye").await;
        let form = app
            .page(&own.cookie, &format!("/units/{unit}/checks/new"))
            .await;
        assert_eq!(form.status, StatusCode::OK);
        let key = {
            let text = form.text();
            let at = text.find("name=\"result_").expect("a line to check") + "name=\"result_".len();
            text[at..at + text[at..].find('"').unwrap()].to_owned()
        };
        let result = format!("result_{key}");
        let finding = format!("finding_{key}");
        let cases: Vec<(Vec<(&str, String)>, &str)> = vec![
            (vec![("checked_on", in_days(1))], "checked_on"),
            (vec![("kind", "weekly".into())], "kind"),
            (vec![(result.as_str(), "maybe".into())], "items[0].result"),
            (
                vec![
                    (result.as_str(), "hazard".into()),
                    (finding.as_str(), String::new()),
                ],
                "hazards[0].description",
            ),
        ];
        for (fields, field) in cases {
            let mut all: Vec<(&str, String)> = fields;
            if !all.iter().any(|(k, _)| *k == "checked_on") {
                all.push(("checked_on", today()));
            }
            let pairs: Vec<(&str, &str)> = all.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let r = app
                .submit_multipart(&own, &format!("/units/{unit}/checks"), &pairs, &[])
                .await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
            assert!(
                r.text().contains(&format!("data-field=\"{field}\"")),
                "{field}: the message names it: {}",
                r.text()
                    .split("data-testid=\"form-errors\"")
                    .nth(1)
                    .unwrap_or_default()
                    .chars()
                    .take(300)
                    .collect::<String>()
            );
        }
        assert_eq!(
            app.get(&format!("/api/v1/units/{unit}/checks"), Some(&qiye))
                .await
                .json()["total"],
            0,
            "nothing written"
        );
        let saved = app
            .submit_multipart(
                &own,
                &format!("/units/{unit}/checks"),
                &[("checked_on", today().as_str())],
                &[],
            )
            .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER);
        // The town reads the unit's checks but does not open the unit's form.
        let town = app.browser_login("chengguan").await;
        assert_eq!(
            app.page(&town.cookie, &format!("/units/{unit}/checks/new"))
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        let list = app
            .page(&town.cookie, &format!("/units/{unit}/checks"))
            .await;
        assert_eq!(list.status, StatusCode::OK);
        assert!(list.text().contains("data-testid=\"month-strip\""));
        assert!(!list.text().contains("data-testid=\"new-check\""));
        let other = app.browser_login("xuanwo").await;
        assert_eq!(
            app.page(&other.cookie, &format!("/units/{unit}/checks"))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
    }
);

fn days_from_today(days: i64) -> String {
    (safegrid_domain::time::today() + chrono::Duration::days(days)).to_string()
}

/// The kinds of the current certificates due within `days`, as the town lists them.
async fn due_kinds(app: &TestApp, token: &str, days: u32) -> Vec<String> {
    let list = app
        .get(
            &format!("/api/v1/certificates?due_within_days={days}&region={CHENGGUAN}"),
            Some(token),
        )
        .await
        .json();
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap().to_owned())
        .collect()
}

/// The review duty of the certificate falling due in ten days.
async fn certificate_duty(app: &TestApp, token: &str, unit: i64) -> Value {
    let day = days_from_today(10);
    app.get(
        &format!(
            "/api/v1/duties?kind=certificate_review&unit={unit}&period={}",
            &day[..7]
        ),
        Some(token),
    )
    .await
    .json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["period"] == day)
        .cloned()
        .unwrap()
}

story!(three_post_certificates_fall_due_and_are_renewed, |app| {
    let qiye = app.token("qiye").await;
    let (unit, _) = own_unit_and_node(&app, &qiye).await;
    let add = |body: Value| {
        let app = &app;
        let qiye = qiye.clone();
        async move {
            app.post_json(
                &format!("/api/v1/units/{unit}/certificates"),
                Some(&qiye),
                &body,
            )
            .await
        }
    };
    let welder = add(
        json!({"holder": "王伟", "kind": "special_operation", "category": "welding",
        "number": "T610921198001011234", "issued_on": "2024-03-15", "expires_on": "2030-03-15"}),
    )
    .await;
    assert_eq!(welder.status, StatusCode::CREATED, "{}", welder.text());
    assert_eq!(
        welder.json()["review_due"],
        "2027-03-15",
        "three years from issue"
    );
    assert_eq!(
        welder.json()["next_duty"],
        json!({"kind": "certificate_review", "due_on": "2027-03-15"})
    );
    // The safety manager's yearly re-training falls due in ten days; the principal's is past.
    let manager_issued = (safegrid_domain::time::today() + chrono::Duration::days(10))
        .checked_sub_months(chrono::Months::new(12))
        .unwrap()
        .to_string();
    let manager = add(
        json!({"holder": "何晓燕", "kind": "safety_manager", "number": "A-2025-088",
        "issued_on": manager_issued, "expires_on": days_from_today(700)}),
    )
    .await;
    assert_eq!(
        manager.json()["review_due"],
        days_from_today(10),
        "{}",
        manager.text()
    );
    let principal = add(
        json!({"holder": "何晓燕", "kind": "principal", "number": "Z-2024-016",
        "issued_on": days_from_today(-800), "expires_on": days_from_today(300)}),
    )
    .await;
    assert_eq!(principal.status, StatusCode::CREATED);

    let chengguan = app.token("chengguan").await;
    assert_eq!(
        due_kinds(&app, &chengguan, 30).await,
        ["principal", "safety_manager"],
        "overdue first, then the one due soon"
    );
    assert_eq!(due_kinds(&app, &chengguan, 5).await, ["principal"]);
    // On the duty calendar, due; renewed, done by the new certificate.
    assert_eq!(
        certificate_duty(&app, &chengguan, unit).await["state"],
        "due"
    );
    let renewed = add(
        json!({"holder": "何晓燕", "kind": "safety_manager", "number": "A-2026-101",
        "issued_on": today(), "expires_on": days_from_today(1000)}),
    )
    .await;
    assert_eq!(renewed.status, StatusCode::CREATED);
    let done = certificate_duty(&app, &chengguan, unit).await;
    assert_eq!(done["state"], "done");
    assert_eq!(done["record_id"], renewed.json()["id"]);
    assert_eq!(
        due_kinds(&app, &chengguan, 30).await,
        ["principal"],
        "the renewed certificate is no longer due"
    );

    // The register as a file, in scope; another town sees none of it.
    let csv = app
        .get("/api/v1/certificates/export?format=csv", Some(&chengguan))
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.text().contains("王伟") && csv.text().contains("焊接与热切割作业"));
    let xlsx = app
        .get("/api/v1/certificates/export", Some(&chengguan))
        .await;
    let rows = safegrid_office::read_sheet(&xlsx.bytes, "三岗人员证书台账").unwrap();
    assert_eq!(rows[2][2], "持证人");
    let xuanwo = app.token("xuanwo").await;
    assert_eq!(
        app.get("/api/v1/certificates", Some(&xuanwo)).await.json()["total"],
        0
    );
    assert_eq!(
        app.get(&format!("/api/v1/units/{unit}/certificates"), Some(&xuanwo))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.post_json(
            &format!("/api/v1/units/{unit}/certificates"),
            Some(&xuanwo),
            &json!({})
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&format!("/api/v1/units/{unit}/certificates"), Some(&qiye))
            .await
            .json()["total"],
        3
    );
});

story!(bad_certificates_are_refused_naming_the_field, |app| {
    let qiye = app.token("qiye").await;
    let (unit, _) = own_unit_and_node(&app, &qiye).await;
    let good = json!({"holder": "王伟", "kind": "special_operation", "category": "electrician",
        "number": "T1", "issued_on": "2025-01-10", "expires_on": "2031-01-10"});
    let cases: Vec<(Value, &str)> = vec![
        (json!({"expires_on": "2025-01-09"}), "expires_on"),
        (json!({"expires_on": "2025-01-10"}), "expires_on"),
        (json!({"kind": "boss"}), "kind"),
        (json!({"kind": 3}), "kind"),
        (json!({"category": "diving"}), "category"),
        (json!({"category": null}), "category"),
        (json!({"kind": "principal"}), "category"),
        (json!({"issued_on": days_from_today(1)}), "issued_on"),
        (json!({"issued_on": "1970-01-01"}), "issued_on"),
        (json!({"issued_on": "2025-02-30"}), "issued_on"),
        (json!({"holder": "王\u{0}伟"}), "holder"),
        (json!({"holder": "长".repeat(41)}), "holder"),
        (json!({"number": ""}), "number"),
    ];
    for (change, field) in cases {
        let mut body = good.clone();
        for (k, v) in change.as_object().unwrap() {
            body[k] = v.clone();
        }
        let r = app
            .post_json(
                &format!("/api/v1/units/{unit}/certificates"),
                Some(&qiye),
                &body,
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {}",
            r.text()
        );
        assert_eq!(r.first_error().0, field, "{}", r.text());
    }
    for (query, field) in [
        ("due_within_days=-1", "due_within_days"),
        ("due_within_days=99999", "due_within_days"),
        ("region=abc", "region"),
    ] {
        let r = app
            .get(&format!("/api/v1/certificates?{query}"), Some(&qiye))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        assert_eq!(r.first_error().0, field);
    }
    assert_eq!(
        app.get(&format!("/api/v1/units/{unit}/certificates"), Some(&qiye))
            .await
            .json()["total"],
        0
    );
});

story!(
    a_certificates_unit_and_town_hear_thirty_then_seven_days_before_review,
    |app| {
        use safegrid_domain::time::{local_date, start_of_local_day};
        let qiye = app.token("qiye").await;
        let (unit, _) = own_unit_and_node(&app, &qiye).await;
        let review = safegrid_domain::time::today() + chrono::Duration::days(20);
        let issued = review.checked_sub_months(chrono::Months::new(12)).unwrap();
        let made = app
        .post_json(&format!("/api/v1/units/{unit}/certificates"), Some(&qiye),
            &json!({"holder": "何晓燕", "kind": "safety_manager", "number": "A-1", "issued_on": issued.to_string(), "expires_on": days_from_today(800)}))
        .await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
        let at = |day: chrono::NaiveDate| start_of_local_day(day) + chrono::Duration::hours(9);
        let today = local_date(chrono::Utc::now());
        assert_eq!(
            app.store
                .send_notices(at(today))
                .await
                .unwrap()
                .certificates,
            1,
            "30 days before"
        );
        assert_eq!(
            app.store
                .send_notices(at(today))
                .await
                .unwrap()
                .certificates,
            0,
            "once"
        );
        let week_before = review - chrono::Duration::days(6);
        assert_eq!(
            app.store
                .send_notices(at(week_before))
                .await
                .unwrap()
                .certificates,
            1,
            "7 days before"
        );
        assert_eq!(
            app.store
                .send_notices(at(week_before))
                .await
                .unwrap()
                .certificates,
            0,
            "once"
        );
        let chengguan = app.token("chengguan").await;
        for token in [&qiye, &chengguan] {
            let told = app.get("/api/v1/notifications", Some(token)).await.json();
            let kinds = told["items"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|n| n["kind"] == "certificate_due")
                .count();
            assert_eq!(kinds, 2, "{told}");
        }
        let xuanwo = app.token("xuanwo").await;
        let theirs = app.get("/api/v1/notifications", Some(&xuanwo)).await.json();
        assert!(
            theirs["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|n| n["kind"] != "certificate_due")
        );
        let browser = app.browser_login("qiye").await;
        let page = app.page(&browser.cookie, "/notifications").await.text();
        assert!(
            page.contains(&format!("何晓燕的安全生产管理人员证书 {review} 到期复审")),
            "{page}"
        );
    }
);

/// The unit's duty of a kind whose period holds today, as `token` sees it.
async fn todays_duty(app: &TestApp, token: &str, kind: &str, unit: i64) -> Value {
    // The month: its days, and the half and year that share them.
    let month = &today()[..7];
    let r = app
        .get(
            &format!("/api/v1/duties?kind={kind}&unit={unit}&period={month}&per_page=100"),
            Some(token),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let today = safegrid_domain::time::today();
    r.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| {
            let p = d["period"].as_str().unwrap();
            safegrid_domain::duty::Period::parse("p", p).is_ok_and(|p| p.contains(today))
        })
        .cloned()
        .unwrap_or(Value::Null)
}

story!(a_units_training_discharges_its_duties, |app| {
    let qiye = app.token("qiye").await;
    let (unit, _) = own_unit_and_node(&app, &qiye).await;
    app.put_json(
        &format!("/api/v1/units/{unit}/working-days"),
        Some(&qiye),
        &json!({"working_days": "1111111"}),
    )
    .await;
    app.post_json(&format!("/api/v1/units/{unit}/certificates"), Some(&qiye),
        &json!({"holder": "何晓燕", "kind": "safety_manager", "number": "A-9", "issued_on": days_from_today(-30), "expires_on": days_from_today(900)}))
        .await;
    let chengguan = app.token("chengguan").await;
    let trainings = [
        (
            "pre_shift",
            json!({"topic": "当班安全提示", "hours": 0.25, "attendee_count": 6}),
        ),
        (
            "monthly_exam",
            json!({"topic": "消防器材使用", "hours": 1, "attendees": ["王伟", "李芳"], "scores": [92, 85.5]}),
        ),
        (
            "publicity",
            json!({"topic": "安全生产月宣传", "hours": 2, "attendee_count": 30}),
        ),
        (
            "three_post",
            json!({"topic": "安全管理人员年度再培训", "hours": 16, "attendees": ["何晓燕"]}),
        ),
    ];
    for (kind, extra) in trainings {
        assert_eq!(
            todays_duty(&app, &chengguan, kind, unit).await["state"],
            "due",
            "{kind} before"
        );
        let mut body = extra.clone();
        body["kind"] = json!(kind);
        body["held_on"] = json!(today());
        let made = app
            .post_json(
                &format!("/api/v1/units/{unit}/trainings"),
                Some(&qiye),
                &body,
            )
            .await;
        assert_eq!(made.status, StatusCode::CREATED, "{kind}: {}", made.text());
        let duty = todays_duty(&app, &chengguan, kind, unit).await;
        assert_eq!(duty["state"], "done", "{kind} after: {duty}");
    }
    let listed = app
        .get(&format!("/api/v1/units/{unit}/trainings"), Some(&chengguan))
        .await
        .json();
    assert_eq!(listed["total"], 4);
    assert_eq!(
        listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["kind"] == "monthly_exam")
            .unwrap()["attendee_count"],
        2
    );
    let xuanwo = app.token("xuanwo").await;
    assert_eq!(
        app.get(&format!("/api/v1/units/{unit}/trainings"), Some(&xuanwo))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.post_json(
            &format!("/api/v1/units/{unit}/trainings"),
            Some(&xuanwo),
            &json!({})
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
});

story!(bad_trainings_are_refused_naming_the_field, |app| {
    let qiye = app.token("qiye").await;
    let (unit, _) = own_unit_and_node(&app, &qiye).await;
    let good = json!({"kind": "monthly_exam", "held_on": today(), "topic": "消防", "hours": 1, "attendees": ["王伟"], "scores": [90]});
    let long_ago = (safegrid_domain::time::today() - chrono::Days::new(800)).to_string();
    let cases: Vec<(Value, &str)> = vec![
        (json!({"hours": -1}), "hours"),
        (json!({"hours": 25}), "hours"),
        (json!({"hours": "two"}), "hours"),
        (json!({"held_on": in_days(1)}), "held_on"),
        (json!({"held_on": long_ago}), "held_on"),
        (json!({"kind": "party"}), "kind"),
        (json!({"scores": [101]}), "scores[0]"),
        (json!({"topic": "消\u{0}防"}), "topic"),
        (json!({"topic": ""}), "topic"),
        (json!({"attendees": "王伟"}), "attendees"),
        (json!({"attendees": [], "scores": []}), "attendee_count"),
        (json!({"attendee_count": -2}), "attendee_count"),
    ];
    for (change, field) in cases {
        let mut body = good.clone();
        for (k, v) in change.as_object().unwrap() {
            body[k] = v.clone();
        }
        let r = app
            .post_json(
                &format!("/api/v1/units/{unit}/trainings"),
                Some(&qiye),
                &body,
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {}",
            r.text()
        );
        assert_eq!(r.first_error().0, field, "{}", r.text());
    }
    assert_eq!(
        app.get(&format!("/api/v1/units/{unit}/trainings"), Some(&qiye))
            .await
            .json()["total"],
        0
    );
});
