//! The JSON API as a client uses it: sign-in, the division tree, grids, posts and holders.

use crate::support::*;
use axum::http::StatusCode;
use serde_json::json;

story!(health_and_openapi, |app| {
    assert_eq!(app.get("/healthz", None).await.status, StatusCode::OK);
    assert_eq!(app.get("/readyz", None).await.status, StatusCode::OK);
    let doc = app.get("/api/openapi.json", None).await;
    assert_eq!(doc.status, StatusCode::OK);
    let paths = doc.json()["paths"].as_object().unwrap().clone();
    assert_eq!(paths.len(), 95, "every route is described, each once");
    // Closed sets are enums of their words, and none takes the name of another schema.
    let schemas = doc.json()["components"]["schemas"].clone();
    assert_eq!(
        schemas["HazardSource"]["type"], "object",
        "a major hazard source"
    );
    assert_eq!(
        schemas["HazardFoundBy"]["enum"],
        serde_json::json!([
            "self_check",
            "inspection",
            "village_report",
            "public_report"
        ])
    );
    assert_eq!(schemas["Role"]["enum"].as_array().map(Vec::len), Some(10));
    for path in [
        "/api/v1/auth/login",
        "/api/v1/regions",
        "/api/v1/grids",
        "/api/v1/grids/{id}",
        "/api/v1/grids/{id}/posts",
    ] {
        assert!(
            paths.contains_key(path),
            "{path} missing from the OpenAPI description"
        );
    }
    // Query parameters are declared in the query, path parameters are in the path, and the
    // error answers are documented where they occur.
    for (path, item) in &paths {
        for (method, op) in item.as_object().unwrap() {
            for p in op["parameters"].as_array().into_iter().flatten() {
                let name = p["name"].as_str().unwrap();
                match p["in"].as_str().unwrap() {
                    "path" => assert!(
                        path.contains(&format!("{{{name}}}")),
                        "{method} {path}: {name}"
                    ),
                    "query" => assert!(
                        !path.contains(&format!("{{{name}}}")),
                        "{method} {path}: {name}"
                    ),
                    other => panic!("{method} {path}: {name} in {other}"),
                }
            }
            let responses = op["responses"].as_object().unwrap();
            if op["security"].as_array().is_some_and(|s| !s.is_empty()) {
                assert!(responses.contains_key("401"), "{method} {path}: 401");
            }
            if path.contains('{') {
                assert!(responses.contains_key("404"), "{method} {path}: 404");
            }
            if op.get("requestBody").is_some() {
                assert!(responses.contains_key("422"), "{method} {path}: 422");
                assert!(responses.contains_key("413"), "{method} {path}: 413");
            }
        }
    }
    let login = &paths["/api/v1/auth/login"]["post"]["responses"];
    assert!(login.get("429").is_some());
});

story!(login_token_and_logout, |app| {
    let wrong = app
        .post_json(
            "/api/v1/auth/login",
            None,
            &json!({"username": "admin", "password": "nope"}),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(!wrong.first_error().1.is_empty());
    let unknown = app
        .post_json(
            "/api/v1/auth/login",
            None,
            &json!({"username": "nobody", "password": "nope"}),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);

    let token = app.token("admin").await;
    let me = app.get("/api/v1/me", Some(&token)).await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.json()["role"], "county_admin");

    // Every call but login needs a valid token.
    for path in [
        "/api/v1/me",
        "/api/v1/regions",
        "/api/v1/grids",
        "/api/v1/grids/1",
        "/api/v1/grids/1/posts",
        "/api/v1/departments",
        "/api/v1/people",
        "/api/v1/leadership",
        "/api/v1/ledger",
        "/api/v1/audit",
    ] {
        assert_eq!(
            app.get(path, None).await.status,
            StatusCode::UNAUTHORIZED,
            "{path} without a token"
        );
        assert_eq!(
            app.get(path, Some("forged")).await.status,
            StatusCode::UNAUTHORIZED,
            "{path} with a forged token"
        );
    }
    let out = app
        .post_json("/api/v1/auth/logout", Some(&token), &json!({}))
        .await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.get("/api/v1/me", Some(&token)).await.status,
        StatusCode::UNAUTHORIZED,
        "a logged-out token is dead"
    );
});

story!(region_tree, |app| {
    let token = app.token("admin").await;
    let top = app.get("/api/v1/regions", Some(&token)).await.json();
    assert_eq!(top["items"][0]["code"], COUNTY);
    let towns = app
        .get(&format!("/api/v1/regions?parent={COUNTY}"), Some(&token))
        .await;
    assert_eq!(towns.status, StatusCode::OK);
    let json = towns.json();
    assert_eq!(json["total"], 10);
    assert_eq!(json["page"], 1);
    let names: Vec<&str> = json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "城关镇",
            "涧池镇",
            "蒲溪镇",
            "平梁镇",
            "双乳镇",
            "铁佛寺镇",
            "漩涡镇",
            "汉阳镇",
            "双河口镇",
            "观音河镇"
        ]
    );
    let first = &json["items"][0];
    assert_eq!(first["code"], CHENGGUAN);
    assert_eq!(first["level"], 4);
    assert_eq!(first["children"], 3);
    let villages = app
        .get(&format!("/api/v1/regions?parent={CHENGGUAN}"), Some(&token))
        .await
        .json();
    assert_eq!(villages["total"], 3);
    assert!(
        villages["items"][0]["code"]
            .as_str()
            .unwrap()
            .starts_with("610921100")
    );
});

story!(grids_by_region_and_department, |app| {
    let token = app.token("admin").await;
    let town = app
        .get(
            &format!("/api/v1/grids?region={CHENGGUAN}&per_page=100"),
            Some(&token),
        )
        .await;
    assert_eq!(town.status, StatusCode::OK);
    let json = town.json();
    // The town grid, 4 department grids, and a zone and a village grid for each of 3 villages.
    assert_eq!(json["total"], 11);
    assert_eq!(json["per_page"], 100);
    assert!(
        json["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|g| g["region_code"].as_str().unwrap().starts_with("610921100"))
    );

    let anjian = app.department_id(&token, "县安监局").await;
    let dept = app
        .get(&format!("/api/v1/grids?department={anjian}"), Some(&token))
        .await
        .json();
    assert_eq!(dept["total"], 10, "one supervision grid per town");
    let paged = app
        .get(
            &format!("/api/v1/grids?department={anjian}&per_page=3&page=4"),
            Some(&token),
        )
        .await
        .json();
    assert_eq!(paged["items"].as_array().unwrap().len(), 1);
    assert_eq!(paged["page"], 4);
    assert_eq!(paged["total"], 10);
    let past = app
        .get(
            &format!("/api/v1/grids?department={anjian}&per_page=3&page=99"),
            Some(&token),
        )
        .await
        .json();
    assert!(past["items"].as_array().unwrap().is_empty());
    assert_eq!(
        past["total"], 10,
        "a page past the end still tells the total"
    );
    let absurd = app
        .get(
            "/api/v1/grids?page=18446744073709551615&per_page=1000000",
            Some(&token),
        )
        .await;
    assert_eq!(absurd.status, StatusCode::OK);
    assert_eq!(absurd.json()["per_page"], 200);
});

story!(department_grid_is_staffed_by_the_rule, |app| {
    let token = app.token("admin").await;
    let anjian = app.department_id(&token, "县安监局").await;
    let id = app
        .grid_id(&token, CHENGGUAN, "department_town", Some(anjian))
        .await;
    let grid = app.get(&format!("/api/v1/grids/{id}"), Some(&token)).await;
    assert_eq!(grid.status, StatusCode::OK);
    let json = grid.json();
    assert_eq!(json["kind"], "department_town");
    let posts = json["posts"].as_array().unwrap();
    let leader = posts
        .iter()
        .find(|p| p["kind"] == "leader_in_charge")
        .unwrap();
    let supervisors = posts.iter().find(|p| p["kind"] == "supervisor").unwrap();
    assert_eq!(leader["holders"].as_array().unwrap().len(), 1);
    assert_eq!(supervisors["holders"].as_array().unwrap().len(), 2);
    assert_eq!(supervisors["required"], 2);
    assert!(json["gaps"].as_array().unwrap().is_empty());
});

story!(deliberate_gaps_are_flagged, |app| {
    let token = app.token("admin").await;
    let transport = app.department_id(&token, "县交通局").await;
    let id = app
        .grid_id(&token, SHUANGHEKOU, "department_town", Some(transport))
        .await;
    let grid = app
        .get(&format!("/api/v1/grids/{id}"), Some(&token))
        .await
        .json();
    assert_eq!(
        grid["gaps"],
        json!([{"post": "supervisor", "required": 2, "holders": 1}])
    );

    let gaps = app
        .get("/api/v1/grids?gaps_only=true&per_page=200", Some(&token))
        .await
        .json();
    let kinds: Vec<(String, String)> = gaps["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["kind"].as_str().unwrap().to_owned(),
                g["region_code"].as_str().unwrap()[..9].to_owned(),
            )
        })
        .collect();
    assert!(
        kinds.contains(&("department_town".into(), "610921108".into())),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&("town_zone".into(), "610921106".into())),
        "漩涡镇 zone without inspector: {kinds:?}"
    );
    assert!(
        kinds.contains(&("village".into(), "610921101".into())),
        "涧池镇 village without member: {kinds:?}"
    );
    assert_eq!(gaps["total"], 3);
});

story!(who_held_a_post_on_a_date, |app| {
    let token = app.token("admin").await;
    let zones = app
        .get(
            &format!("/api/v1/grids?region={CHENGGUAN}&kind=town_zone"),
            Some(&token),
        )
        .await
        .json();
    let id = zones["items"][0]["id"].as_i64().unwrap();
    let holder_on = |json: serde_json::Value| -> String {
        let posts = json["items"].as_array().unwrap().clone();
        let chief = posts
            .into_iter()
            .find(|p| p["kind"] == "station_chief")
            .unwrap();
        let holders = chief["holders"].as_array().unwrap().clone();
        assert_eq!(holders.len(), 1);
        holders[0]["person_name"].as_str().unwrap().to_owned()
    };
    let before = app
        .get(
            &format!("/api/v1/grids/{id}/posts?as_of=2024-06-01"),
            Some(&token),
        )
        .await;
    assert_eq!(before.status, StatusCode::OK);
    assert_eq!(before.json()["as_of"], "2024-06-01");
    let after = app
        .get(
            &format!("/api/v1/grids/{id}/posts?as_of=2025-03-01"),
            Some(&token),
        )
        .await;
    let eve = app
        .get(
            &format!("/api/v1/grids/{id}/posts?as_of=2025-02-28"),
            Some(&token),
        )
        .await;
    assert_eq!(holder_on(before.json()), holder_on(eve.json()));
    assert_ne!(
        holder_on(eve.json()),
        holder_on(after.json()),
        "the hand-over day belongs to the successor"
    );
    let none_yet = app
        .get(
            &format!("/api/v1/grids/{id}/posts?as_of=2020-01-01"),
            Some(&token),
        )
        .await
        .json();
    assert!(
        none_yet["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["holders"].as_array().unwrap().is_empty())
    );
});

story!(replace_keeps_history, |app| {
    let token = app.token("chengguan").await;
    let id = app.grid_id(&token, CHENGGUAN, "town", None).await;
    let grid = app
        .get(&format!("/api/v1/grids/{id}"), Some(&token))
        .await
        .json();
    let leader = post_of(&grid["posts"], "leader_in_charge");
    let old = leader["holders"][0].clone();
    let holding = old["id"].as_i64().unwrap();

    let replaced = app
        .post_json(
            &format!("/api/v1/holdings/{holding}/replace"),
            Some(&token),
            &json!({"person": {"name": "赵新任", "phone": "13900001111", "job_title": "副镇长"}, "on": "2026-11-01"}),
        )
        .await;
    assert_eq!(replaced.status, StatusCode::CREATED, "{}", replaced.text());
    assert_eq!(replaced.json()["person_name"], "赵新任");
    assert_eq!(replaced.json()["started_on"], "2026-11-01");

    let after = app
        .get(&format!("/api/v1/grids/{id}"), Some(&token))
        .await
        .json();
    let post = post_of(&after["posts"], "leader_in_charge");
    let history = post["history"].as_array().unwrap();
    assert_eq!(history.len(), 2, "both holdings are kept");
    let ended = history.iter().find(|h| h["id"] == holding).unwrap();
    assert_eq!(ended["ended_on"], "2026-11-01");
    assert_eq!(ended["person_name"], old["person_name"]);
    let on_eve = app
        .get(
            &format!("/api/v1/grids/{id}/posts?as_of=2026-10-31"),
            Some(&token),
        )
        .await
        .json();
    let eve_post = post_of(&on_eve["items"], "leader_in_charge");
    assert_eq!(eve_post["holders"][0]["person_name"], old["person_name"]);

    // Replacing the ended holding again, or replacing on a day before it started, is refused.
    let again = app
        .post_json(
            &format!("/api/v1/holdings/{holding}/replace"),
            Some(&token),
            &json!({"person_id": old["person_id"], "on": "2026-11-20"}),
        )
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(again.first_error().0, "on");
});

story!(appoint_and_vacate, |app| {
    let token = app.token("chengguan").await;
    let villages = app
        .get(
            &format!("/api/v1/grids?region={CHENGGUAN}&kind=village"),
            Some(&token),
        )
        .await
        .json();
    let id = villages["items"][0]["id"].as_i64().unwrap();
    let grid = app
        .get(&format!("/api/v1/grids/{id}"), Some(&token))
        .await
        .json();
    let members = post_of(&grid["posts"], "grid_member");
    let post = members["id"].as_i64().unwrap();
    let before = members["holders"].as_array().unwrap().len();

    let made = app
        .post_json(
            &format!("/api/v1/posts/{post}/holdings"),
            Some(&token),
            &json!({"person": {"name": "钱网格"}, "started_on": "2026-11-02"}),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
    let holding = made.json()["id"].as_i64().unwrap();
    let grid = app
        .get(&format!("/api/v1/grids/{id}"), Some(&token))
        .await
        .json();
    let members = post_of(&grid["posts"], "grid_member");
    assert_eq!(members["holders"].as_array().unwrap().len(), before + 1);

    let ended = app
        .post_json(
            &format!("/api/v1/holdings/{holding}/end"),
            Some(&token),
            &json!({"ended_on": "2026-11-20"}),
        )
        .await;
    assert_eq!(ended.status, StatusCode::OK, "{}", ended.text());
    assert_eq!(ended.json()["ended_on"], "2026-11-20");
    let twice = app
        .post_json(
            &format!("/api/v1/holdings/{holding}/end"),
            Some(&token),
            &json!({"ended_on": "2026-11-21"}),
        )
        .await;
    assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY);
});

story!(leadership_and_departments, |app| {
    let token = app.token("lingdao").await;
    let group = app.get("/api/v1/leadership", Some(&token)).await.json();
    let members = group["members"].as_array().unwrap();
    assert_eq!(
        members
            .iter()
            .filter(|m| m["group_role"] == "leader")
            .count(),
        1
    );
    assert!(
        members
            .iter()
            .filter(|m| m["group_role"] == "deputy")
            .count()
            >= 3
    );
    assert_eq!(group["office"]["department_name"], "县安全生产监督管理局");
    assert!(
        !group["portfolios"].as_array().unwrap().is_empty(),
        "deputies carry department portfolios"
    );
    let departments = app.get("/api/v1/departments", Some(&token)).await.json();
    assert_eq!(departments["total"], 4);
    let anjian = &departments["items"][0];
    assert_eq!(anjian["is_committee_office"], true);
    assert!(
        anjian["sectors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["code"] == "hazardous_chemicals")
    );
});

story!(ledger_lists_posts_and_vacancies, |app| {
    let token = app.token("admin").await;
    let all = app
        .get(
            &format!("/api/v1/ledger?region={XUANWO}&per_page=200"),
            Some(&token),
        )
        .await;
    assert_eq!(all.status, StatusCode::OK);
    let json = all.json();
    let lines = json["items"].as_array().unwrap();
    assert!(
        lines
            .iter()
            .all(|l| l["region_code"].as_str().unwrap().starts_with("610921106"))
    );
    let vacant: Vec<_> = lines
        .iter()
        .filter(|l| l["person_name"].is_null())
        .collect();
    assert_eq!(vacant.len(), 1, "漩涡镇 has one empty post: {vacant:?}");
    assert_eq!(vacant[0]["post_kind"], "safety_inspector");
    let supervisors = app
        .get(
            &format!("/api/v1/ledger?region={XUANWO}&post=supervisor"),
            Some(&token),
        )
        .await
        .json();
    assert_eq!(supervisors["total"], 8, "2 supervisors × 4 departments");
});

story!(password_guessing_is_slowed, |app| {
    for _ in 0..safegrid_web::accounts::LOGIN_ATTEMPTS {
        let wrong = app
            .post_json(
                "/api/v1/auth/login",
                None,
                &json!({"username": "xuanwo", "password": "guess"}),
            )
            .await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    }
    let locked = app
        .post_json(
            "/api/v1/auth/login",
            None,
            &json!({"username": "xuanwo", "password": PASSWORD}),
        )
        .await;
    assert_eq!(
        locked.status,
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits"
    );
    assert_eq!(locked.first_error().0, "username");
    // Other names are not affected.
    app.token("chengguan").await;
});

story!(gb18218_calculation, |app| {
    let token = app.token("anjian").await;
    let reply = app
        .post_json("/api/v1/calc/gb18218", Some(&token), &json!({"people_within_500m": 120, "substances": [{"q": 30.0, "critical_q": 10.0, "beta": 2.0}]}))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(
        reply.json(),
        json!({"s": 3.0, "alpha": 2.0, "r": 12.0, "is_major": true, "level": 3})
    );
    let minor = app
        .post_json("/api/v1/calc/gb18218", Some(&token), &json!({"people_within_500m": 0, "substances": [{"q": 1.0, "critical_q": 10.0, "beta": 1.0}]}))
        .await;
    assert_eq!(minor.json()["level"], serde_json::Value::Null);
    assert_eq!(minor.json()["is_major"], false);
    let bad = app
        .post_json("/api/v1/calc/gb18218", Some(&token), &json!({"people_within_500m": 5, "substances": [{"q": 1.0, "critical_q": 0.0, "beta": 1.0}]}))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.first_error().0, "substances[0].critical_q");
    let negative = app
        .post_json(
            "/api/v1/calc/gb18218",
            Some(&token),
            &json!({"people_within_500m": -1, "substances": []}),
        )
        .await;
    assert_eq!(negative.first_error().0, "people_within_500m");
    assert_eq!(
        app.post_json("/api/v1/calc/gb18218", None, &json!({}))
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
});

story!(future_and_ended_holdings_do_not_staff_today, |app| {
    let token = app.token("admin").await;
    // 涧池镇's first village has no grid member: a member who starts only in 2099 does not fill it.
    let villages = app
        .get(
            "/api/v1/grids?region=610921101000&kind=village",
            Some(&token),
        )
        .await
        .json();
    let id = villages["items"][0]["id"].as_i64().unwrap();
    let grid = app
        .get(&format!("/api/v1/grids/{id}"), Some(&token))
        .await
        .json();
    let post = post_of(&grid["posts"], "grid_member")["id"]
        .as_i64()
        .unwrap();
    let later = app
        .post_json(
            &format!("/api/v1/posts/{post}/holdings"),
            Some(&token),
            &json!({"person": {"name": "未来人"}, "started_on": "2099-01-01"}),
        )
        .await;
    assert_eq!(later.status, StatusCode::CREATED, "{}", later.text());
    let gaps = app
        .get(
            "/api/v1/grids?region=610921101000&kind=village&gaps_only=true",
            Some(&token),
        )
        .await
        .json();
    assert_eq!(gaps["total"], 1, "still short today");
    assert_eq!(gaps["items"][0]["gaps"][0]["holders"], 0);
    // A member whose holding ends in the future does fill it.
    let now = app.post_json(&format!("/api/v1/posts/{post}/holdings"), Some(&token), &json!({"person": {"name": "现任人"}, "started_on": "2020-01-01", "ended_on": "2098-12-31"})).await;
    assert_eq!(now.status, StatusCode::CREATED, "{}", now.text());
    let gaps = app
        .get(
            "/api/v1/grids?region=610921101000&kind=village&gaps_only=true",
            Some(&token),
        )
        .await
        .json();
    assert_eq!(gaps["total"], 0, "staffed today");
    let later_still = app
        .get(
            &format!("/api/v1/grids/{id}/posts?as_of=2099-06-01"),
            Some(&token),
        )
        .await
        .json();
    assert_eq!(
        post_of(&later_still["items"], "grid_member")["holders"][0]["person_name"],
        "未来人"
    );
});
