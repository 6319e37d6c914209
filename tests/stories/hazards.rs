//! The hidden-hazard ledger: hazards reported by units, villages and inspectors, moved from
//! report to closing by the roles the lifecycle allows, each step on the timeline, seen and
//! counted only in scope.

use crate::support::*;
use axum::http::{StatusCode, header};
use serde_json::{Value, json};

fn in_days(days: u64) -> String {
    (safegrid_domain::time::today() + chrono::Days::new(days)).to_string()
}

async fn own_unit(app: &TestApp, qiye: &str) -> i64 {
    app.get("/api/v1/units", Some(qiye)).await.json()["items"][0]["id"]
        .as_i64()
        .unwrap()
}

async fn act(app: &TestApp, token: &str, id: i64, body: Value) -> Reply {
    app.post_json(
        &format!("/api/v1/hazards/{id}/transitions"),
        Some(token),
        &body,
    )
    .await
}

pub const BOUNDARY: &str = "----safegrid-photo-boundary";

pub fn photo_form(stage: &str, name: &str, bytes: &[u8]) -> Vec<u8> {
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"stage\"\r\n\r\n{stage}\r\n--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: image/jpeg\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

pub fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::DynamicImage::new_rgb8(w, h);
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

story!(
    a_unit_rectifies_its_own_hazard_and_the_town_closes_it,
    |app| {
        let qiye = app.token("qiye").await;
        let unit = own_unit(&app, &qiye).await;
        // Where in the unit: the goods lift of its own grid.
        let grid = app
            .get(&format!("/api/v1/units/{unit}/grid"), Some(&qiye))
            .await
            .json();
        let lift = grid
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["name"] == "货梯")
            .unwrap()["id"]
            .clone();
        let made = app
        .post_json(
            "/api/v1/hazards",
            Some(&qiye),
            &json!({"unit_id": unit, "node_id": lift, "level": "general", "source": "self_check", "description": "仓库灭火器过期",
                    "deadline": in_days(7), "responsible_person": "吴刚", "made_known": true}),
        )
        .await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
        let h = made.json();
        assert_eq!(
            h["state"], "rectifying",
            "a unit's own general finding is rectified at once"
        );
        assert_eq!(h["node_name"], "货梯（吴刚）");
        let id = h["id"].as_i64().unwrap();
        assert!(
            h["actions"]
                .as_array()
                .unwrap()
                .iter()
                .any(|a| a == "complete")
        );

        // The unit may not verify its own work.
        let done = act(
            &app,
            &qiye,
            id,
            json!({"action": "complete", "measures": "已更换 6 具灭火器", "cost_yuan": 720}),
        )
        .await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.text());
        assert_eq!(done.json()["state"], "awaiting_verification");
        let own = act(&app, &qiye, id, json!({"action": "verify"})).await;
        assert_eq!(own.status, StatusCode::CONFLICT);
        assert_eq!(own.first_error().0, "action");
        assert!(
            own.first_error().1.contains("角色"),
            "{}",
            own.first_error().1
        );

        // Returned without a reason: refused; with one: back to rectifying.
        let chengguan = app.token("chengguan").await;
        let bare = act(&app, &chengguan, id, json!({"action": "return"})).await;
        assert_eq!(bare.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(bare.first_error().0, "comment");
        let back = act(
            &app,
            &chengguan,
            id,
            json!({"action": "return", "comment": "缺少更换记录"}),
        )
        .await;
        assert_eq!(back.json()["state"], "rectifying");
        act(&app, &qiye, id, json!({"action": "complete"})).await;
        let closed = act(
            &app,
            &chengguan,
            id,
            json!({"action": "verify", "comment": "现场核实"}),
        )
        .await;
        assert_eq!(closed.status, StatusCode::OK);
        let closed = closed.json();
        assert_eq!(closed["state"], "closed");
        assert!(closed["closed_at"].is_string());
        let steps: Vec<&str> = closed["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        assert_eq!(
            steps,
            ["report", "complete", "return", "complete", "verify"]
        );
        assert_eq!(closed["timeline"][2]["comment"], "缺少更换记录");
        assert_eq!(closed["timeline"][4]["actor_name"], "城关镇安监站");
        assert_eq!(closed["cost_yuan"], 720.0);
        let again = act(
            &app,
            &chengguan,
            id,
            json!({"action": "return", "comment": "x"}),
        )
        .await;
        assert_eq!(again.status, StatusCode::CONFLICT);

        // The ledger exports with each step's time and person.
        let csv = app
            .get("/api/v1/hazards/export?format=csv", Some(&chengguan))
            .await
            .text();
        assert!(
            csv.contains("仓库灭火器过期") && csv.contains("缺少更换记录"),
            "{csv}"
        );
        assert!(csv.contains("城关镇安监站 验收销号"), "{csv}");
        let xlsx = app.get("/api/v1/hazards/export", Some(&chengguan)).await;
        assert!(xlsx.bytes.starts_with(b"PK"));

        // Counted and listed in scope only.
        let counts = app
            .get("/api/v1/hazards/counts", Some(&chengguan))
            .await
            .json();
        assert_eq!(counts["by_state"]["closed"], 1);
        assert_eq!(counts["total"], 1);
        let xuanwo = app.token("xuanwo").await;
        assert_eq!(
            app.get("/api/v1/hazards/counts", Some(&xuanwo))
                .await
                .json()["total"],
            0
        );
        assert_eq!(
            app.get("/api/v1/hazards", Some(&xuanwo)).await.json()["total"],
            0
        );
        assert_eq!(
            app.get(&format!("/api/v1/hazards/{id}"), Some(&xuanwo))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            act(
                &app,
                &xuanwo,
                id,
                json!({"action": "return", "comment": "x"})
            )
            .await
            .status,
            StatusCode::NOT_FOUND
        );
        let listed = app
            .get(
                "/api/v1/hazards?state=closed&source=self_check",
                Some(&chengguan),
            )
            .await
            .json();
        assert_eq!(listed["total"], 1);
        assert_eq!(listed["items"][0]["unit_name"], "汉阴县城关镇惠民超市");
    }
);

story!(a_village_report_is_accepted_and_assigned, |app| {
    let cunwang = app.token("cunwang").await;
    let me = app.get("/api/v1/me", Some(&cunwang)).await.json();
    let village = me["scope"]["root"]
        .as_str()
        .unwrap_or_else(|| panic!("a village scope: {me}"))
        .to_owned();
    let made = app
        .post_json(
            "/api/v1/hazards",
            Some(&cunwang),
            &json!({"region": village, "unregistered_unit": "河边无名小作坊，加工竹制品", "level": "general",
                    "source": "village_report", "description": "作坊内私拉电线，堆放大量刨花", "longitude": 108.51, "latitude": 32.89}),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
    let h = made.json();
    assert_eq!(h["state"], "reported");
    assert!(
        h["actions"].as_array().unwrap().is_empty(),
        "a village member only reports"
    );
    let id = h["id"].as_i64().unwrap();

    // The village member reports only what villages report, and only in their village.
    let wrong = app
        .post_json("/api/v1/hazards", Some(&cunwang),
            &json!({"region": village, "unregistered_unit": "x", "level": "general", "source": "inspection", "description": "x"}))
        .await;
    assert_eq!(wrong.first_error().0, "source");
    let elsewhere = app
        .post_json("/api/v1/hazards", Some(&cunwang),
            &json!({"region": "610921106201", "unregistered_unit": "x", "level": "general", "source": "village_report", "description": "x"}))
        .await;
    assert_eq!(elsewhere.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(elsewhere.first_error().0, "region");

    // The town accepts it: a deadline is needed.
    let chengguan = app.token("chengguan").await;
    let undated = act(&app, &chengguan, id, json!({"action": "accept"})).await;
    assert_eq!(undated.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(undated.first_error().0, "deadline");
    let past = act(
        &app,
        &chengguan,
        id,
        json!({"action": "accept", "deadline": "2020-01-01"}),
    )
    .await;
    assert_eq!(past.first_error().0, "deadline");
    let accepted = act(
        &app,
        &chengguan,
        id,
        json!({"action": "accept", "deadline": in_days(3), "responsible_person": "李强"}),
    )
    .await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.text());
    assert_eq!(accepted.json()["state"], "rectifying");
    assert_eq!(accepted.json()["responsible_person"], "李强");

    // The reporter sees what became of it.
    let seen = app
        .get(&format!("/api/v1/hazards/{id}"), Some(&cunwang))
        .await
        .json();
    assert_eq!(seen["state"], "rectifying");
    assert_eq!(seen["timeline"][1]["action"], "accept");

    // Another town sees nothing; a leader reads but does not act.
    let xuanwo = app.token("xuanwo").await;
    assert_eq!(
        app.get(&format!("/api/v1/hazards/{id}"), Some(&xuanwo))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let lingdao = app.token("lingdao").await;
    assert_eq!(
        app.get(&format!("/api/v1/hazards/{id}"), Some(&lingdao))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        act(&app, &lingdao, id, json!({"action": "complete"}))
            .await
            .status,
        StatusCode::CONFLICT
    );
    let reported = app.post_json("/api/v1/hazards", Some(&lingdao),
        &json!({"region": village, "unregistered_unit": "x", "level": "general", "source": "public_report", "description": "x"})).await;
    assert_eq!(reported.status, StatusCode::FORBIDDEN);
});

story!(
    a_listed_major_hazard_goes_through_plan_assessment_and_resumption,
    |app| {
        let qiye = app.token("qiye").await;
        let unit = own_unit(&app, &qiye).await;
        let chengguan = app.token("chengguan").await;
        let made = app
        .post_json("/api/v1/hazards", Some(&chengguan),
            &json!({"unit_id": unit, "level": "major", "source": "inspection", "description": "液化气瓶与明火作业区未分隔", "category": "燃气"}))
        .await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
        let id = made.json()["id"].as_i64().unwrap();
        assert_eq!(made.json()["state"], "reported");

        let early = act(
            &app,
            &chengguan,
            id,
            json!({"action": "accept", "deadline": in_days(30)}),
        )
        .await;
        assert_eq!(early.status, StatusCode::CONFLICT);
        assert!(early.first_error().1.contains("治理方案"));

        let partial = act(
            &app,
            &qiye,
            id,
            json!({"action": "submit_plan", "plan": {"goals": "消除燃气隐患"}}),
        )
        .await;
        assert_eq!(partial.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(partial.first_error().0, "plan.methods");
        let plan = json!({"goals": "消除燃气隐患", "methods": "设置独立气瓶间", "funds": "2 万元", "organisation": "何晓燕负责",
                      "timeline": "30 日内", "safety_measures": "整改期间停用燃气灶具"});
        let filed = act(
            &app,
            &qiye,
            id,
            json!({"action": "submit_plan", "plan": plan}),
        )
        .await;
        assert_eq!(filed.status, StatusCode::OK, "{}", filed.text());
        assert_eq!(filed.json()["plan"]["methods"], "设置独立气瓶间");

        // Only the county lists.
        assert_eq!(
            act(&app, &chengguan, id, json!({"action": "list"}))
                .await
                .status,
            StatusCode::CONFLICT
        );
        let admin = app.token("admin").await;
        let listed = act(
            &app,
            &admin,
            id,
            json!({"action": "list", "comment": "县安委办挂牌督办"}),
        )
        .await;
        assert_eq!(listed.json()["listed"], true);
        act(
            &app,
            &chengguan,
            id,
            json!({"action": "accept", "deadline": in_days(30)}),
        )
        .await;

        let shortcut = act(&app, &qiye, id, json!({"action": "complete"})).await;
        assert_eq!(shortcut.status, StatusCode::CONFLICT);
        assert_eq!(
            act(
                &app,
                &qiye,
                id,
                json!({"action": "submit_assessment", "measures": "独立气瓶间建成"})
            )
            .await
            .json()["state"],
            "assessed"
        );
        assert_eq!(
            act(&app, &qiye, id, json!({"action": "apply_resumption"}))
                .await
                .json()["state"],
            "resumption_applied"
        );
        // Listed by the county, it is verified and delisted by the county, not the town.
        let by_town = act(&app, &chengguan, id, json!({"action": "verify"})).await;
        assert_eq!(by_town.status, StatusCode::CONFLICT, "{}", by_town.text());
        let admin = app.token("admin").await;
        let closed = act(&app, &admin, id, json!({"action": "verify"}))
            .await
            .json();
        assert_eq!(closed["state"], "closed");
        let steps: Vec<&str> = closed["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        assert_eq!(
            steps,
            [
                "report",
                "submit_plan",
                "list",
                "accept",
                "submit_assessment",
                "apply_resumption",
                "verify"
            ]
        );
        let majors = app
            .get("/api/v1/hazards?level=major", Some(&admin))
            .await
            .json();
        assert_eq!(majors["total"], 1);
    }
);

story!(hazard_input_is_checked_field_by_field, |app| {
    let qiye = app.token("qiye").await;
    let unit = own_unit(&app, &qiye).await;
    let reply = app
        .post_json("/api/v1/hazards", Some(&qiye),
            &json!({"unit_id": unit, "level": "huge", "source": "inspection", "description": "", "cost_yuan": -5}))
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<String> = reply.json()["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_owned())
        .collect();
    for f in ["level", "description", "cost_yuan", "source"] {
        assert!(fields.contains(&f.to_owned()), "{f} in {fields:?}");
    }
    let undated = app
        .post_json("/api/v1/hazards", Some(&qiye),
            &json!({"unit_id": unit, "level": "general", "source": "self_check", "description": "x"}))
        .await;
    assert_eq!(undated.first_error().0, "deadline");
    let bad_action = act(&app, &qiye, 1, json!({"action": "teleport"})).await;
    assert_eq!(bad_action.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad_action.first_error().0, "action");
    let bad_filter = app.get("/api/v1/hazards?state=lost", Some(&qiye)).await;
    assert_eq!(bad_filter.first_error().0, "state");
    // Every closed set in the filter is checked, in the list and in its counts.
    for (query, field) in [
        ("level=severe", "level"),
        ("source=rumour", "source"),
        ("grade=Z", "grade"),
        ("state=closed%00", "state"),
    ] {
        for path in ["/api/v1/hazards", "/api/v1/hazards/counts"] {
            let reply = app.get(&format!("{path}?{query}"), Some(&qiye)).await;
            assert_eq!(
                reply.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{path}?{query}"
            );
            assert_eq!(reply.first_error().0, field, "{path}?{query}");
        }
    }
});

story!(hazard_photos_are_pictures_and_stay_in_scope, |app| {
    let qiye = app.token("qiye").await;
    let unit = own_unit(&app, &qiye).await;
    let id = app
        .post_json("/api/v1/hazards", Some(&qiye),
            &json!({"unit_id": unit, "level": "general", "source": "self_check", "description": "配电箱门损坏", "deadline": in_days(5)}))
        .await
        .json()["id"]
        .as_i64()
        .unwrap();
    let path = format!("/api/v1/hazards/{id}/photos");
    let content_type = format!("multipart/form-data; boundary={BOUNDARY}");
    let stored = app
        .post_raw(
            &path,
            Some(&qiye),
            &content_type,
            photo_form("before", "../../x.png", &png(64, 48)),
            None,
        )
        .await;
    assert_eq!(stored.status, StatusCode::CREATED, "{}", stored.text());
    let photo = stored.json();
    assert_eq!(
        (photo["width"].as_i64(), photo["height"].as_i64()),
        (Some(64), Some(48))
    );
    let pid = photo["id"].as_i64().unwrap();

    let served = app
        .get(&format!("/api/v1/hazard-photos/{pid}"), Some(&qiye))
        .await;
    assert_eq!(served.status, StatusCode::OK);
    assert_eq!(served.headers[header::CONTENT_TYPE], "image/jpeg");
    assert_eq!(served.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert!(
        served.bytes.starts_with(&[0xFF, 0xD8]),
        "stored as a re-encoded JPEG"
    );
    let thumb = app
        .get(&format!("/api/v1/hazard-photos/{pid}?thumb=1"), Some(&qiye))
        .await;
    assert_eq!(thumb.status, StatusCode::OK);

    // Not pictures: HTML named .jpg, a PDF, a picture with a script glued to a PDF header.
    for (name, bytes) in [
        (
            "evil.jpg",
            b"<html><script>alert(1)</script></html>".to_vec(),
        ),
        ("doc.jpg", b"%PDF-1.4\n%%EOF".to_vec()),
        (
            "broken.jpg",
            vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F'],
        ),
    ] {
        let refused = app
            .post_raw(
                &path,
                Some(&qiye),
                &content_type,
                photo_form("before", name, &bytes),
                None,
            )
            .await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{name}: {}",
            refused.text()
        );
        assert_eq!(refused.first_error().0, "file");
    }
    let stage = app
        .post_raw(
            &path,
            Some(&qiye),
            &content_type,
            photo_form("during", "a.png", &png(8, 8)),
            None,
        )
        .await;
    assert_eq!(stage.first_error().0, "stage");
    let oversized = vec![0u8; 16 * 1024 * 1024];
    let too_big = app
        .post_raw(
            &path,
            Some(&qiye),
            &content_type,
            photo_form("before", "big.png", &oversized),
            None,
        )
        .await;
    assert_eq!(too_big.status, StatusCode::PAYLOAD_TOO_LARGE);

    // Another town can neither see nor add.
    let xuanwo = app.token("xuanwo").await;
    assert_eq!(
        app.get(&format!("/api/v1/hazard-photos/{pid}"), Some(&xuanwo))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let planted = app
        .post_raw(
            &path,
            Some(&xuanwo),
            &content_type,
            photo_form("before", "a.png", &png(8, 8)),
            None,
        )
        .await;
    assert_eq!(planted.status, StatusCode::NOT_FOUND);
    let detail = app
        .get(&format!("/api/v1/hazards/{id}"), Some(&qiye))
        .await
        .json();
    assert_eq!(detail["photos"].as_array().unwrap().len(), 1);
});

story!(deadlines_are_swept_once_and_people_are_told, |app| {
    let qiye = app.token("qiye").await;
    let unit = own_unit(&app, &qiye).await;
    let cunwang = app.token("cunwang").await;
    let chengguan = app.token("chengguan").await;
    let village = app.get("/api/v1/me", Some(&cunwang)).await.json()["scope"]["root"]
        .as_str()
        .unwrap()
        .to_owned();
    // A second grid member of the same village.
    let peer = app
        .new_account(
            "cunwang2",
            json!({"display_name": "村网格员二", "role": "village_member", "scope_region_code": village}),
        )
        .await;
    // A village report: the town station hears of it.
    let id = app
        .post_json("/api/v1/hazards", Some(&cunwang),
            &json!({"region": village, "unit_id": unit, "level": "general", "source": "village_report", "description": "超市门口堆放煤气罐"}))
        .await
        .json()["id"]
        .as_i64()
        .unwrap();
    let town = app
        .get("/api/v1/notifications", Some(&chengguan))
        .await
        .json();
    assert_eq!(town["unread"], 1);
    assert_eq!(town["items"][0]["kind"], "reported");
    let village_told = app.get("/api/v1/notifications", Some(&peer)).await.json();
    assert_eq!(
        village_told["items"][0]["kind"], "reported",
        "the village's grid hears of it"
    );
    let reporter_told = app
        .get("/api/v1/notifications", Some(&cunwang))
        .await
        .json();
    assert_eq!(reporter_told["total"], 0, "not the one who reported it");

    // Accepted with a deadline two days off: the unit must act, the reporter hears of it.
    act(
        &app,
        &chengguan,
        id,
        json!({"action": "accept", "deadline": in_days(2)}),
    )
    .await;
    let unit_told = app.get("/api/v1/notifications", Some(&qiye)).await.json();
    assert_eq!(unit_told["items"][0]["kind"], "assigned");
    let reporter = app
        .get("/api/v1/notifications", Some(&cunwang))
        .await
        .json();
    assert_eq!(reporter["items"][0]["kind"], "accept");

    // The sweep: due soon now, once; overdue when the deadline has passed, once, on the
    // timeline too.
    let now = chrono::Utc::now();
    let first = app.store.sweep_deadlines(now).await.unwrap();
    assert_eq!((first.due_soon, first.overdue), (1, 0));
    assert_eq!(
        app.store.sweep_deadlines(now).await.unwrap().due_soon,
        0,
        "said once"
    );
    let later = now + chrono::Duration::days(3);
    let swept = app.store.sweep_deadlines(later).await.unwrap();
    assert_eq!(swept.overdue, 1);
    assert_eq!(
        app.store.sweep_deadlines(later).await.unwrap().overdue,
        0,
        "said once"
    );
    let h = app
        .get(&format!("/api/v1/hazards/{id}"), Some(&qiye))
        .await
        .json();
    assert_eq!(
        h["timeline"].as_array().unwrap().last().unwrap()["action"],
        "overdue"
    );
    let kinds: Vec<String> = app.get("/api/v1/notifications", Some(&qiye)).await.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(kinds, ["overdue", "due_soon", "assigned"]);
    // The village's grid members watch their village: they hear it went overdue too.
    for member in [&peer, &cunwang] {
        let told = app.get("/api/v1/notifications", Some(member)).await.json();
        assert_eq!(told["items"][0]["kind"], "overdue", "{told}");
    }

    // Read: the bell empties; another town's station heard nothing of it.
    let read = app
        .post_json("/api/v1/notifications/read", Some(&qiye), &json!({}))
        .await;
    assert_eq!(read.status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.get("/api/v1/notifications", Some(&qiye)).await.json()["unread"],
        0
    );
    let xuanwo = app.token("xuanwo").await;
    assert_eq!(
        app.get("/api/v1/notifications", Some(&xuanwo)).await.json()["total"],
        0
    );

    // The bell on the pages.
    let browser = app.browser_login("chengguan").await;
    let page = app.page(&browser.cookie, "/hazards").await.text();
    assert!(
        page.contains(r#"data-testid="unread""#),
        "the town has unread notices"
    );
    let list = app.page(&browser.cookie, "/notifications").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.text().contains("隐患整改已逾期"));

    // The ledger page filters by deadline and sector; a mistyped date is named, not a failure.
    let listed = |path: String| {
        let cookie = browser.cookie.clone();
        let app = &app;
        async move {
            let page = app.page(&cookie, &path).await;
            assert_eq!(page.status, StatusCode::OK, "{path}");
            page.text().contains("超市门口堆放煤气罐")
        }
    };
    assert!(page.contains("隐患状态") && page.contains(r#"name="sector""#));
    assert!(listed(format!("/hazards?deadline_by={}", in_days(2))).await);
    assert!(!listed(format!("/hazards?deadline_by={}", in_days(1))).await);
    let admin = app.token("admin").await;
    let patched = app
        .send(
            axum::http::Request::builder()
                .method("PATCH")
                .uri(format!("/api/v1/units/{unit}"))
                .header(header::AUTHORIZATION, format!("Bearer {admin}"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(axum::body::Body::from(r#"{"sector": "industry_trade"}"#))
                .unwrap(),
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.text());
    assert!(listed("/hazards?sector=industry_trade".to_owned()).await);
    assert!(!listed("/hazards?sector=fireworks".to_owned()).await);
    let bad = app
        .page(&browser.cookie, "/hazards?deadline_by=2026-13-40")
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let (field, message) = app
        .get("/api/v1/hazards?deadline_by=2026-13-40", Some(&qiye))
        .await
        .first_error();
    assert_eq!(field, "deadline_by");
    assert!(
        bad.text().contains(&message),
        "the page names it too: {message}"
    );
});

story!(units_report_their_hazard_statistics_on_time, |app| {
    use safegrid_domain::hazard::report::{Period, Standing};
    let qiye = app.token("qiye").await;
    let unit = own_unit(&app, &qiye).await;
    let id = app
        .post_json("/api/v1/hazards", Some(&qiye),
            &json!({"unit_id": unit, "level": "general", "source": "self_check", "description": "消防通道堆放纸箱", "deadline": in_days(3)}))
        .await
        .json()["id"]
        .as_i64()
        .unwrap();
    // Found a hundred days ago: in a quarter that has ended, whatever today is.
    app.store
        .backdate_hazard(&safegrid_domain::access::Actor::system(), id, 100, 2)
        .await
        .unwrap();
    let today = safegrid_domain::time::today();
    let found = today - chrono::Days::new(100);
    let quarter = Period::Quarter {
        year: chrono::Datelike::year(&found),
        quarter: (chrono::Datelike::month(&found) - 1) / 3 + 1,
    };
    let code = quarter.code();
    let report = app
        .get(
            &format!("/api/v1/units/{unit}/hazard-reports/{code}"),
            Some(&qiye),
        )
        .await
        .json();
    assert_eq!(report["figures"]["found_general"], 1, "{report}");
    assert_eq!(report["submitted"], Value::Null);
    assert_eq!(report["due"], quarter.due().to_string());

    // The town sees the unit as missing once the due day has passed, not due before.
    let chengguan = app.token("chengguan").await;
    let before = app
        .get(
            &format!("/api/v1/hazard-reports?period={code}"),
            Some(&chengguan),
        )
        .await
        .json();
    let expected = Standing::of(quarter, None, today).as_str();
    let mine = before["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["unit_id"] == unit)
        .unwrap()
        .clone();
    assert_eq!(mine["standing"], expected);

    // Submitted over the principal's name, once; a period still running cannot be.
    let current = Period::Quarter {
        year: chrono::Datelike::year(&today),
        quarter: (chrono::Datelike::month(&today) - 1) / 3 + 1,
    };
    let early = app
        .post_json(
            &format!("/api/v1/units/{unit}/hazard-reports"),
            Some(&qiye),
            &json!({"period": current.code(), "principal": "何晓燕"}),
        )
        .await;
    assert_eq!(early.first_error().0, "period");
    let unsigned = app
        .post_json(
            &format!("/api/v1/units/{unit}/hazard-reports"),
            Some(&qiye),
            &json!({"period": code}),
        )
        .await;
    assert_eq!(unsigned.first_error().0, "principal");
    let sent = app
        .post_json(
            &format!("/api/v1/units/{unit}/hazard-reports"),
            Some(&qiye),
            &json!({"period": code, "principal": "何晓燕", "analysis": "本季度隐患均已整改"}),
        )
        .await;
    assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.text());
    assert_eq!(sent.json()["found_general"], 1);
    let twice = app
        .post_json(
            &format!("/api/v1/units/{unit}/hazard-reports"),
            Some(&qiye),
            &json!({"period": code, "principal": "何晓燕"}),
        )
        .await;
    assert_eq!(twice.first_error().0, "period");
    let after = app
        .get(
            &format!("/api/v1/hazard-reports?period={code}"),
            Some(&chengguan),
        )
        .await
        .json();
    let submitted_on_time = today <= quarter.due();
    assert_eq!(after["counts"]["on_time"], i64::from(submitted_on_time));
    assert_eq!(after["counts"]["late"], i64::from(!submitted_on_time));

    // Another town neither lists nor reads it.
    let xuanwo = app.token("xuanwo").await;
    let other = app
        .get(
            &format!("/api/v1/hazard-reports?period={code}"),
            Some(&xuanwo),
        )
        .await
        .json();
    assert!(
        other["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["unit_id"] != unit)
    );
    assert_eq!(
        app.get(
            &format!("/api/v1/units/{unit}/hazard-reports/{code}"),
            Some(&xuanwo)
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/api/v1/hazard-reports?period=2026Q9", Some(&xuanwo))
            .await
            .first_error()
            .0,
        "period"
    );

    // The pages, and the list as a table with the submitted figures.
    let browser = app.browser_login("chengguan").await;
    let table = app
        .page(
            &browser.cookie,
            &format!("/reports/export?period={code}&format=csv"),
        )
        .await
        .text();
    assert!(
        table.contains("汉阴县城关镇惠民超市") && table.contains("何晓燕"),
        "{table}"
    );
    assert_eq!(
        app.page(&browser.cookie, &format!("/reports?period={code}"))
            .await
            .status,
        StatusCode::OK
    );
    let tab = app
        .page(&browser.cookie, &format!("/units/{unit}/reports"))
        .await;
    assert_eq!(tab.status, StatusCode::OK);
    assert!(tab.text().contains("何晓燕"));
});

/// A local receiver for webhook posts: answers with the given status and hands each post's
/// signature headers and body to the test.
async fn receiver(
    status: StatusCode,
) -> (
    String,
    tokio::sync::mpsc::UnboundedReceiver<(axum::http::HeaderMap, String)>,
) {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: axum::http::HeaderMap, body: String| {
            let tx = tx.clone();
            async move {
                let _ = tx.send((headers, body));
                status
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (format!("http://{address}/hook"), rx)
}

story!(
    notices_are_forwarded_to_the_county_webhook_signed_and_retried,
    |app| {
        let mut app = app;
        let admin = app.token("admin").await;
        let secret = "a-shared-secret-of-the-county";
        let (url, mut posts) = receiver(StatusCode::OK).await;
        // The receiver listens on this machine: a deployment refuses such an address unless
        // its operator allows private networks, and so does its delivery.
        let private = app
            .send(
                axum::http::Request::builder()
                    .method(axum::http::Method::PUT)
                    .uri("/api/v1/settings/webhook")
                    .header(header::AUTHORIZATION, format!("Bearer {admin}"))
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(axum::body::Body::from(
                        json!({"url": url, "secret": secret}).to_string(),
                    ))
                    .unwrap(),
            )
            .await;
        assert_eq!(private.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(private.first_error().0, "url");
        let chengguan = app.token("chengguan").await;
        assert_eq!(
            app.get("/api/v1/settings/webhook", Some(&chengguan))
                .await
                .status,
            StatusCode::FORBIDDEN,
            "a town does not read the county's webhook"
        );
        app.reconfigure(|c| c.webhook_private_networks = true);
        let refused = app
            .post_json("/api/v1/settings/webhook", Some(&admin), &json!({}))
            .await;
        assert_eq!(refused.status, StatusCode::METHOD_NOT_ALLOWED);
        let put = |body: Value| {
            let request = axum::http::Request::builder()
                .method(axum::http::Method::PUT)
                .uri("/api/v1/settings/webhook")
                .header(header::AUTHORIZATION, format!("Bearer {admin}"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(axum::body::Body::from(body.to_string()))
                .unwrap();
            app.send(request)
        };
        let bad = put(json!({"url": "ftp://x", "secret": "short"})).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        let fields: Vec<String> = bad.json()["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(fields, ["url", "secret"]);
        let set = put(json!({"url": url, "secret": secret, "enabled": true})).await;
        assert_eq!(set.status, StatusCode::OK, "{}", set.text());
        assert_eq!(set.json()["has_secret"], true);
        assert!(
            set.text().find(secret).is_none(),
            "the secret is never shown"
        );

        // A unit's own hazard makes a notice: it goes out signed.
        let qiye = app.token("qiye").await;
        let unit = own_unit(&app, &qiye).await;
        let chengguan = app.token("chengguan").await;
        app.post_json("/api/v1/hazards", Some(&chengguan),
        &json!({"unit_id": unit, "level": "general", "source": "inspection", "description": "疏散指示灯不亮", "deadline": in_days(4)}))
        .await;
        let client = safegrid::webhook::client(true).unwrap();
        let now = chrono::Utc::now();
        let (delivered, failed) = safegrid::webhook::deliver_due(&app.store, &client, now)
            .await
            .unwrap();
        assert_eq!((delivered, failed), (1, 0));
        let (headers, body) = posts.recv().await.unwrap();
        let notice: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(notice["kind"], "assigned");
        assert_eq!(notice["description"], "疏散指示灯不亮");
        let timestamp: i64 = headers["x-safegrid-timestamp"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(
            headers["x-safegrid-signature"].to_str().unwrap(),
            safegrid::webhook::signature(secret, timestamp, &body)
        );
        assert_eq!(
            safegrid::webhook::deliver_due(&app.store, &client, now)
                .await
                .unwrap(),
            (0, 0),
            "sent once"
        );

        // A receiver that fails: tried again after a pause, not before.
        let (down, _posts) = receiver(StatusCode::SERVICE_UNAVAILABLE).await;
        put(json!({"url": down, "enabled": true})).await;
        app.post_json("/api/v1/hazards", Some(&chengguan),
        &json!({"unit_id": unit, "level": "general", "source": "inspection", "description": "灭火器缺失", "deadline": in_days(4)}))
        .await;
        // Read after the notice was queued: a clock read before it may fall in the second
        // before the notice's own (whole-second) time.
        let now = chrono::Utc::now();
        assert_eq!(
            safegrid::webhook::deliver_due(&app.store, &client, now)
                .await
                .unwrap(),
            (0, 1)
        );
        assert_eq!(
            safegrid::webhook::deliver_due(&app.store, &client, now)
                .await
                .unwrap(),
            (0, 0),
            "waits before trying again"
        );
        let later = now + chrono::Duration::minutes(3);
        assert_eq!(
            safegrid::webhook::deliver_due(&app.store, &client, later)
                .await
                .unwrap(),
            (0, 1)
        );
        let deliveries = app
            .get("/api/v1/settings/webhook/deliveries", Some(&admin))
            .await
            .json();
        assert_eq!(deliveries[0]["attempts"], 2);
        assert_eq!(deliveries[0]["last_error"], "HTTP 503 Service Unavailable");
        assert!(deliveries[1]["delivered_at"].is_string());

        // Only the county sets it; the page shows it.
        let refused = app
            .get("/api/v1/settings/webhook/deliveries", Some(&chengguan))
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        let browser = app.browser_login("admin").await;
        let page = app.page(&browser.cookie, "/settings/webhook").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.text().contains("HTTP 503"));

        // A worker that posts to public addresses only never reaches this machine, by name or
        // by number, and follows no redirect there.
        let (up, mut ok_posts) = receiver(StatusCode::OK).await;
        let by_name = up.replace("127.0.0.1", "localhost");
        let public_only = safegrid::webhook::client(false).unwrap();
        for address in [up.clone(), by_name] {
            put(json!({"url": address, "enabled": true})).await;
            app.post_json("/api/v1/hazards", Some(&chengguan),
            &json!({"unit_id": unit, "level": "general", "source": "inspection", "description": "安全出口堵塞", "deadline": in_days(4)}))
            .await;
            let much_later = now + chrono::Duration::hours(12);
            let (delivered, _) =
                safegrid::webhook::deliver_due(&app.store, &public_only, much_later)
                    .await
                    .unwrap();
            assert_eq!(delivered, 0, "{address}");
        }
        assert!(ok_posts.try_recv().is_err(), "nothing reached the receiver");
        let deliveries = app
            .get("/api/v1/settings/webhook/deliveries", Some(&admin))
            .await
            .json();
        assert!(
            deliveries[0]["last_error"]
                .as_str()
                .unwrap_or_default()
                .contains("public"),
            "{deliveries}"
        );
    }
);

story!(a_major_hazard_grades_its_unit_a_for_a_year, |app| {
    let qiye = app.token("qiye").await;
    let unit = own_unit(&app, &qiye).await;
    let before = app
        .get(&format!("/api/v1/units/{unit}"), Some(&qiye))
        .await
        .json();
    assert_ne!(before["supervision_grade"], "A", "{before}");
    let chengguan = app.token("chengguan").await;
    let reported = app
        .post_json("/api/v1/hazards", Some(&chengguan),
            &json!({"unit_id": unit, "level": "major", "source": "inspection", "description": "液化气储罐区无防爆电气", "deadline": in_days(30)}))
        .await;
    assert_eq!(reported.status, StatusCode::CREATED, "{}", reported.text());
    let after = app
        .get(&format!("/api/v1/units/{unit}"), Some(&qiye))
        .await
        .json();
    assert_eq!(after["supervision_grade"], "A", "{after}");
    assert!(
        after["grade_reasons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["key"] == "grade.reason.recent_major"),
        "{after}"
    );
    assert_eq!(
        after["history"][0]["value"], "A",
        "the change is in the unit's history"
    );
});

story!(the_ledger_filters_by_supervising_department, |app| {
    let admin = app.token("admin").await;
    let anjian = app.department_id(&admin, "县安监局").await;
    for path in [
        format!("/api/v1/hazards?department={anjian}"),
        format!("/api/v1/hazards/counts?department={anjian}"),
        "/api/v1/hazards?department=-9223372036854775808&overdue=true".to_owned(),
    ] {
        let reply = app.get(&path, Some(&admin)).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.text());
    }
    // Those of the department are among the county's, the department's own view agrees.
    let filtered = app
        .get(
            &format!("/api/v1/hazards?department={anjian}"),
            Some(&admin),
        )
        .await
        .json()["total"]
        .as_i64()
        .unwrap();
    let own = app
        .get("/api/v1/hazards", Some(&app.token("anjian").await))
        .await
        .json()["total"]
        .as_i64()
        .unwrap();
    assert_eq!(filtered, own);
});

story!(
    a_supervisor_records_a_units_own_steps_on_its_behalf,
    |app| {
        let qiye = app.token("qiye").await;
        let unit = own_unit(&app, &qiye).await;
        let chengguan = app.token("chengguan").await;
        let admin = app.token("admin").await;
        // The unit does not sign in: the station records its rectification for it.
        let id = app
        .post_json("/api/v1/hazards", Some(&chengguan),
            &json!({"unit_id": unit, "level": "general", "source": "inspection", "description": "配电箱门缺失", "deadline": in_days(5)}))
        .await
        .json()["id"]
        .as_i64()
        .unwrap();
        let done = act(
            &app,
            &chengguan,
            id,
            json!({"action": "complete", "measures": "已加装箱门"}),
        )
        .await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.text());
        let returned = act(
            &app,
            &chengguan,
            id,
            json!({"action": "return", "comment": "箱门未上锁"}),
        )
        .await;
        assert_eq!(returned.status, StatusCode::OK);
        let own = act(&app, &qiye, id, json!({"action": "complete"})).await;
        let steps: Vec<(String, bool)> = own.json()["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["action"].as_str().unwrap().to_owned(),
                    e["on_behalf"].as_bool().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            steps,
            [
                ("report", false),
                ("complete", true),
                ("return", false),
                ("complete", false)
            ]
            .map(|(a, b)| (a.to_owned(), b))
        );
        let browser = app.browser_login("chengguan").await;
        let page = app
            .page(&browser.cookie, &format!("/hazards/{id}"))
            .await
            .text();
        let timeline = &page[page.find("data-testid=\"timeline\"").unwrap()..];
        assert_eq!(
            timeline.matches("代单位录入").count(),
            1,
            "the step recorded for the unit says so"
        );

        // A major hazard's plan: the county files one for a unit that has none, not a second.
        let major = app
        .post_json("/api/v1/hazards", Some(&chengguan),
            &json!({"unit_id": unit, "level": "major", "source": "inspection", "description": "储罐区无泄漏报警"}))
        .await
        .json()["id"]
        .as_i64()
        .unwrap();
        let page = app
            .page(&browser.cookie, &format!("/hazards/{major}"))
            .await
            .text();
        assert!(
            page.contains("data-testid=\"on-behalf\""),
            "the plan form says it is the unit's step"
        );
        let plan = json!({"goals": "加装泄漏报警", "methods": "可燃气体报警器", "funds": "3 万元", "organisation": "何晓燕负责",
                      "timeline": "20 日内", "safety_measures": "整改期间加密巡检"});
        let filed = act(
            &app,
            &admin,
            major,
            json!({"action": "submit_plan", "plan": plan}),
        )
        .await;
        assert_eq!(filed.status, StatusCode::OK, "{}", filed.text());
        assert!(
            !filed.json()["actions"]
                .as_array()
                .unwrap()
                .contains(&json!("submit_plan"))
        );
        let again = act(
            &app,
            &admin,
            major,
            json!({"action": "submit_plan", "plan": plan}),
        )
        .await;
        assert_eq!(again.status, StatusCode::CONFLICT);
        assert!(
            again.first_error().1.contains("只有单位本身可以修订"),
            "{}",
            again.text()
        );
        let revised = act(
            &app,
            &qiye,
            major,
            json!({"action": "submit_plan", "plan": plan}),
        )
        .await;
        assert_eq!(
            revised.status,
            StatusCode::OK,
            "the unit revises its own plan"
        );

        // A statistics report: the unit's own has no recorder; one filed for it names the station.
        let last_year = chrono::Datelike::year(&safegrid_domain::time::today()) - 1;
        let for_unit = app
            .post_json(
                &format!("/api/v1/units/{unit}/hazard-reports"),
                Some(&chengguan),
                &json!({"period": last_year.to_string(), "principal": "何晓燕"}),
            )
            .await;
        assert_eq!(for_unit.status, StatusCode::CREATED, "{}", for_unit.text());
        assert_eq!(for_unit.json()["recorded_by"], "城关镇安监站");
        let by_unit = app
            .post_json(
                &format!("/api/v1/units/{unit}/hazard-reports"),
                Some(&qiye),
                &json!({"period": (last_year - 1).to_string(), "principal": "何晓燕"}),
            )
            .await;
        assert_eq!(by_unit.status, StatusCode::CREATED, "{}", by_unit.text());
        assert_eq!(by_unit.json()["recorded_by"], Value::Null);
        let tab = app
            .page(&browser.cookie, &format!("/units/{unit}/reports"))
            .await
            .text();
        assert_eq!(tab.matches("data-testid=\"recorded-by\"").count(), 1);
        assert!(tab.contains("由 城关镇安监站 代单位录入"));
    }
);

story!(
    the_county_gets_a_morning_digest_and_towns_a_reminder_of_reports,
    |app| {
        use safegrid_domain::time::{local_date, start_of_local_day};
        let qiye = app.token("qiye").await;
        let unit = own_unit(&app, &qiye).await;
        let chengguan = app.token("chengguan").await;
        let admin = app.token("admin").await;
        let anweiban = app.token("anweiban").await;
        let late = app
        .post_json("/api/v1/hazards", Some(&chengguan),
            &json!({"unit_id": unit, "level": "general", "source": "inspection", "description": "疏散指示灯不亮", "deadline": in_days(1)}))
        .await;
        assert_eq!(late.status, StatusCode::CREATED);
        let major = app
        .post_json("/api/v1/hazards", Some(&chengguan),
            &json!({"unit_id": unit, "level": "major", "source": "inspection", "description": "液氨储罐区无围堰"}))
        .await
        .json()["id"]
        .as_i64()
        .unwrap();
        let listed = act(
            &app,
            &admin,
            major,
            json!({"action": "list", "comment": "县安委办挂牌督办"}),
        )
        .await;
        assert_eq!(listed.status, StatusCode::OK, "{}", listed.text());
        // Three days on, the first is overdue; the digest goes out from 08:00 China time.
        let day = local_date(chrono::Utc::now()) + chrono::Days::new(3);
        let at = |hour: i64| start_of_local_day(day) + chrono::Duration::hours(hour);
        app.store.sweep_deadlines(at(7)).await.unwrap();
        assert_eq!(
            app.store.send_notices(at(7)).await.unwrap().digests,
            0,
            "not before the working day"
        );
        assert_eq!(app.store.send_notices(at(9)).await.unwrap().digests, 1);
        assert_eq!(
            app.store.send_notices(at(10)).await.unwrap().digests,
            0,
            "once a day"
        );
        for token in [&admin, &anweiban] {
            let told = app.get("/api/v1/notifications", Some(token)).await.json();
            let digests: Vec<&Value> = told["items"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|n| n["kind"] == "daily_digest")
                .collect();
            assert_eq!(digests.len(), 1, "{told}");
            let detail: Value =
                serde_json::from_str(digests[0]["detail"].as_str().unwrap()).unwrap();
            assert_eq!(detail["overdue"], 1);
            assert_eq!(detail["listed"], 1);
            assert_eq!(
                detail["towns"],
                json!([{"code": CHENGGUAN, "name": "城关镇", "overdue": 1, "listed": 1}])
            );
        }
        let town_told = app
            .get("/api/v1/notifications", Some(&chengguan))
            .await
            .json();
        assert!(
            town_told["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|n| n["kind"] != "daily_digest"),
            "the digest is the county's"
        );
        let browser = app.browser_login("admin").await;
        let page = app.page(&browser.cookie, "/notifications").await.text();
        assert!(
            page.contains("逾期未整改 1 条、挂牌督办 1 条——城关镇 逾期 1、挂牌 1"),
            "{page}"
        );
        let digest_id = app.get("/api/v1/notifications", Some(&admin)).await.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["kind"] == "daily_digest")
            .unwrap()["id"]
            .as_i64()
            .unwrap();
        let opened = app
            .page(&browser.cookie, &format!("/notifications/{digest_id}"))
            .await;
        assert_eq!(opened.headers[header::LOCATION], "/hazards?overdue=1");

        // A week before the last quarter's reports fall due, each town hears how many of its
        // units have not filed; once.
        let (quarter, _) =
            safegrid_domain::hazard::report::Period::latest(local_date(chrono::Utc::now()));
        let reminder_day = quarter.due() - chrono::Days::new(5);
        let at = start_of_local_day(reminder_day) + chrono::Duration::hours(9);
        let round = app.store.send_notices(at).await.unwrap();
        assert!(
            round.reminders >= 1,
            "a town has units yet to file: {round:?}"
        );
        assert_eq!(
            app.store.send_notices(at).await.unwrap().reminders,
            0,
            "once a period"
        );
        let told = app
            .get("/api/v1/notifications", Some(&chengguan))
            .await
            .json();
        let reminder = told["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["kind"] == "reports_due")
            .expect("the town is reminded")
            .clone();
        let detail: Value = serde_json::from_str(reminder["detail"].as_str().unwrap()).unwrap();
        assert_eq!(detail["period"], quarter.code());
        assert_eq!(detail["due"], quarter.due().to_string());
        assert!(detail["missing"].as_i64().unwrap() >= 1);
        let town_page = app.browser_login("chengguan").await;
        let text = app.page(&town_page.cookie, "/notifications").await.text();
        assert!(text.contains(&format!(
            "{} 报表 {} 截止，本镇尚有",
            quarter.code(),
            quarter.due()
        )));
        assert_eq!(
            detail["town"], CHENGGUAN,
            "each town hears of its own units"
        );
        let xuanwo = app.token("xuanwo").await;
        let theirs = app.get("/api/v1/notifications", Some(&xuanwo)).await.json();
        assert!(
            theirs["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|n| n["kind"] != "reports_due"
                    || n["detail"].as_str().unwrap().contains(XUANWO)),
            "no other town's reminder: {theirs}"
        );
    }
);
