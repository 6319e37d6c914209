//! Who sees and changes what: every out-of-scope read answers 404 like a missing object, lists
//! and counts leave such rows out, and roles that may not change a grid are refused.

use crate::support::*;
use axum::http::StatusCode;
use serde_json::json;

/// Ids of every grid an account can list.
async fn visible_grids(app: &TestApp, token: &str) -> (i64, Vec<serde_json::Value>) {
    let reply = app.get("/api/v1/grids?per_page=200", Some(token)).await;
    assert_eq!(reply.status, StatusCode::OK);
    let json = reply.json();
    (
        json["total"].as_i64().unwrap(),
        json["items"].as_array().unwrap().clone(),
    )
}

story!(town_staff_see_only_their_town, |app| {
    let admin = app.token("admin").await;
    let chengguan = app.token("chengguan").await;
    let (total, items) = visible_grids(&app, &chengguan).await;
    assert_eq!(total, 11);
    assert!(
        items
            .iter()
            .all(|g| g["region_code"].as_str().unwrap().starts_with("610921100"))
    );

    let xuanwo_zone = app.grid_id(&admin, XUANWO, "town_zone", None).await;
    assert_eq!(
        app.get(&format!("/api/v1/grids/{xuanwo_zone}"), Some(&chengguan))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(
            &format!("/api/v1/grids/{xuanwo_zone}/posts"),
            Some(&chengguan)
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/api/v1/grids/99999999", Some(&chengguan))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // Asking for another town's grids by filter finds nothing rather than leaking a count.
    let other = app
        .get(&format!("/api/v1/grids?region={XUANWO}"), Some(&chengguan))
        .await
        .json();
    assert_eq!(other["total"], 0);
    assert_eq!(
        app.get(
            &format!("/api/v1/regions?parent={XUANWO}"),
            Some(&chengguan)
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&format!("/api/v1/regions/{COUNTY}"), Some(&chengguan))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let top = app.get("/api/v1/regions", Some(&chengguan)).await.json();
    assert_eq!(top["items"][0]["code"], CHENGGUAN);
    let ledger = app
        .get(&format!("/api/v1/ledger?region={XUANWO}"), Some(&chengguan))
        .await
        .json();
    assert_eq!(ledger["total"], 0);

    // Changing another town's posts is the same 404.
    let grid = app
        .get(&format!("/api/v1/grids/{xuanwo_zone}"), Some(&admin))
        .await
        .json();
    let holding = grid["posts"][0]["holders"][0]["id"].as_i64().unwrap();
    let post = grid["posts"][0]["id"].as_i64().unwrap();
    let replace = app
        .post_json(
            &format!("/api/v1/holdings/{holding}/replace"),
            Some(&chengguan),
            &json!({"person": {"name": "冒名"}, "on": "2026-11-01"}),
        )
        .await;
    assert_eq!(replace.status, StatusCode::NOT_FOUND);
    let appoint = app
        .post_json(
            &format!("/api/v1/posts/{post}/holdings"),
            Some(&chengguan),
            &json!({"person": {"name": "冒名"}, "started_on": "2026-11-01"}),
        )
        .await;
    assert_eq!(appoint.status, StatusCode::NOT_FOUND);
    // Nothing was registered along the way.
    let people = app.get("/api/v1/people?q=冒名", Some(&admin)).await.json();
    assert_eq!(people["total"], 0);
});

story!(town_staff_cannot_staff_department_grids, |app| {
    let admin = app.token("admin").await;
    let chengguan = app.token("chengguan").await;
    let anjian = app.department_id(&admin, "县安监局").await;
    let id = app
        .grid_id(&chengguan, CHENGGUAN, "department_town", Some(anjian))
        .await;
    let grid = app
        .get(&format!("/api/v1/grids/{id}"), Some(&chengguan))
        .await;
    assert_eq!(
        grid.status,
        StatusCode::OK,
        "a town sees who supervises in it"
    );
    let holding = grid.json()["posts"][0]["holders"][0]["id"]
        .as_i64()
        .unwrap();
    let refused = app
        .post_json(
            &format!("/api/v1/holdings/{holding}/replace"),
            Some(&chengguan),
            &json!({"person": {"name": "越权"}, "on": "2026-11-01"}),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
});

story!(department_staff_see_their_department_grids, |app| {
    let admin = app.token("admin").await;
    let anjian = app.token("anjian").await;
    let department = app.department_id(&admin, "县安监局").await;
    let (total, items) = visible_grids(&app, &anjian).await;
    assert_eq!(total, 10);
    assert!(items.iter().all(|g| g["department_id"] == department));
    let zone = app.grid_id(&admin, CHENGGUAN, "town_zone", None).await;
    assert_eq!(
        app.get(&format!("/api/v1/grids/{zone}"), Some(&anjian))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let zhujian = app.department_id(&admin, "县住建局").await;
    let other = app
        .grid_id(&admin, CHENGGUAN, "department_town", Some(zhujian))
        .await;
    assert_eq!(
        app.get(&format!("/api/v1/grids/{other}"), Some(&anjian))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // Their own grids they staff.
    let own = app
        .grid_id(&anjian, XUANWO, "department_town", Some(department))
        .await;
    let grid = app
        .get(&format!("/api/v1/grids/{own}"), Some(&anjian))
        .await
        .json();
    let holding = grid["posts"][1]["holders"][0]["id"].as_i64().unwrap();
    let replaced = app
        .post_json(
            &format!("/api/v1/holdings/{holding}/replace"),
            Some(&anjian),
            &json!({"person": {"name": "孙监管"}, "on": "2026-11-01"}),
        )
        .await;
    assert_eq!(replaced.status, StatusCode::CREATED, "{}", replaced.text());
    let people = app
        .get("/api/v1/people?q=孙监管", Some(&anjian))
        .await
        .json();
    assert_eq!(
        people["total"], 1,
        "the new person belongs to the department"
    );
    let seen_by_town = app
        .get("/api/v1/people?q=孙监管", Some(&app.token("xuanwo").await))
        .await
        .json();
    assert_eq!(
        seen_by_town["total"], 0,
        "and is not in the town's register"
    );
});

story!(leaders_read_but_do_not_change, |app| {
    let leader = app.token("lingdao").await;
    let (total, _) = visible_grids(&app, &leader).await;
    assert_eq!(total, 111, "the whole county");
    let zone = app.grid_id(&leader, CHENGGUAN, "town_zone", None).await;
    let grid = app
        .get(&format!("/api/v1/grids/{zone}"), Some(&leader))
        .await
        .json();
    let holding = grid["posts"][0]["holders"][0]["id"].as_i64().unwrap();
    let refused = app
        .post_json(
            &format!("/api/v1/holdings/{holding}/replace"),
            Some(&leader),
            &json!({"person_id": 1, "on": "2026-11-01"}),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let region = app.post_json("/api/v1/regions", Some(&leader), &json!({"code": "610921100299", "parent_code": CHENGGUAN, "name": "新村", "kind": "village"})).await;
    assert_eq!(region.status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.get("/api/v1/audit", Some(&leader)).await.status,
        StatusCode::FORBIDDEN
    );
});

story!(village_members_see_their_village, |app| {
    let member = app.token("cunwang").await;
    let (total, items) = visible_grids(&app, &member).await;
    assert_eq!(total, 2, "the village grid and the town's zone for it");
    let village = items[0]["region_code"].as_str().unwrap().to_owned();
    assert!(items.iter().all(|g| g["region_code"] == village.as_str()));
    let people = app.get("/api/v1/people", Some(&member)).await.json();
    assert!(
        people["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["region_code"] == village.as_str())
    );
});

story!(administrators_see_no_supervision_data, |app| {
    for name in ["sysadmin", "secadmin", "auditor"] {
        let token = app.token(name).await;
        let (total, _) = visible_grids(&app, &token).await;
        assert_eq!(total, 0, "{name} lists no grids");
        assert_eq!(
            app.get("/api/v1/grids/1", Some(&token)).await.status,
            StatusCode::NOT_FOUND,
            "{name}"
        );
        assert_eq!(
            app.get("/api/v1/regions", Some(&token)).await.json()["total"],
            0,
            "{name}"
        );
        assert_eq!(
            app.get("/api/v1/people", Some(&token)).await.json()["total"],
            0,
            "{name}"
        );
        assert_eq!(
            app.get("/api/v1/departments", Some(&token)).await.json()["total"],
            0,
            "{name}"
        );
        assert_eq!(
            app.get("/api/v1/ledger", Some(&token)).await.json()["total"],
            0,
            "{name}"
        );
        assert_eq!(
            app.get("/api/v1/stats/hazards?group=town", Some(&token))
                .await
                .status,
            StatusCode::FORBIDDEN,
            "{name} counts no hazards"
        );
        // The dashboard is not theirs either; their start page is their own work.
        let browser = app.browser_login(name).await;
        let dashboard = app.page(&browser.cookie, "/dashboard").await;
        assert!(
            matches!(
                dashboard.status,
                StatusCode::FORBIDDEN | StatusCode::SEE_OTHER
            ),
            "{name}: {}",
            dashboard.status
        );
    }
    let auditor = app.token("auditor").await;
    assert_eq!(
        app.get("/api/v1/audit", Some(&auditor)).await.status,
        StatusCode::OK
    );
    let sysadmin = app.token("sysadmin").await;
    assert_eq!(
        app.get("/api/v1/audit", Some(&sysadmin)).await.status,
        StatusCode::FORBIDDEN,
        "the system administrator does not read the audit log"
    );
});

story!(county_admin_adds_divisions_and_departments, |app| {
    let admin = app.token("admin").await;
    let made = app.post_json("/api/v1/regions", Some(&admin), &json!({"code": "610921100299", "parent_code": CHENGGUAN, "name": "新建村", "kind": "village"})).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
    let grids = app
        .get("/api/v1/grids?region=610921100299", Some(&admin))
        .await
        .json();
    assert_eq!(
        grids["total"], 2,
        "a new village gets its zone and its village grid"
    );
    assert_eq!(
        grids["items"][0]["gaps"].as_array().unwrap().len(),
        3,
        "and they start unstaffed"
    );

    let department = app.post_json("/api/v1/departments", Some(&admin), &json!({"county_code": COUNTY, "name": "县气象局", "short_name": "县气象局", "sectors": ["power"]})).await;
    assert_eq!(
        department.status,
        StatusCode::CREATED,
        "{}",
        department.text()
    );
    let id = department.json()["id"].as_i64().unwrap();
    let grids = app
        .get(&format!("/api/v1/grids?department={id}"), Some(&admin))
        .await
        .json();
    assert_eq!(
        grids["total"], 10,
        "a new department gets a grid in every town"
    );

    let chengguan = app.token("chengguan").await;
    let refused = app
        .post_json(
            "/api/v1/departments",
            Some(&chengguan),
            &json!({"county_code": COUNTY, "name": "县某局", "short_name": "县某局"}),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
});

story!(another_county_is_invisible, |app| {
    use safegrid_domain::access::Actor;
    use safegrid_domain::org::input::{DepartmentInput, NewPerson, RegionInput};
    use safegrid_domain::region::RegionCode;
    // A second county in the same database (a province deployment).
    let system = Actor::system();
    let shiquan = "610922000000";
    app.store
        .create_region(
            &system,
            RegionInput {
                code: shiquan.into(),
                parent_code: Some("610900000000".into()),
                name: "石泉县".into(),
                kind: "county".into(),
                sort_order: 1,
            }
            .parse()
            .unwrap(),
        )
        .await
        .unwrap();
    app.store
        .create_region(
            &system,
            RegionInput {
                code: "610922100000".into(),
                parent_code: Some(shiquan.into()),
                name: "城关镇".into(),
                kind: "town".into(),
                sort_order: 0,
            }
            .parse()
            .unwrap(),
        )
        .await
        .unwrap();
    let department = app
        .store
        .create_department(
            &system,
            DepartmentInput {
                county_code: shiquan.into(),
                name: "石泉县应急管理局".into(),
                short_name: "石泉应急局".into(),
                ..Default::default()
            }
            .parse()
            .unwrap(),
        )
        .await
        .unwrap();
    app.store
        .create_person(
            &system,
            NewPerson {
                name: "外县人".into(),
                region: Some(RegionCode::parse("region", shiquan).unwrap()),
                ..Default::default()
            },
        )
        .await
        .unwrap();

    let admin = app.token("admin").await;
    let departments = app.get("/api/v1/departments", Some(&admin)).await.json();
    assert_eq!(departments["total"], 4, "only Hanyin's departments");
    assert_eq!(
        app.get(
            &format!("/api/v1/departments/{}", department.id),
            Some(&admin)
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&format!("/api/v1/regions/{shiquan}"), Some(&admin))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/api/v1/people?q=外县人", Some(&admin))
            .await
            .json()["total"],
        0
    );
    let grids = app
        .get("/api/v1/grids?region=610922000000", Some(&admin))
        .await
        .json();
    assert_eq!(grids["total"], 0);
    let (total, _) = visible_grids(&app, &admin).await;
    assert_eq!(total, 111, "Hanyin's grids only, though Shiquan has 3 more");
    let ledger = app
        .get("/api/v1/ledger?per_page=1", Some(&admin))
        .await
        .json();
    let ledger_all = app
        .get(
            "/api/v1/ledger?per_page=1&region=610921000000",
            Some(&admin),
        )
        .await
        .json();
    assert_eq!(ledger["total"], ledger_all["total"]);
    let leadership = app.get("/api/v1/leadership", Some(&admin)).await.json();
    assert!(
        leadership["members"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["person_name"] != "外县人")
    );
});

story!(a_unit_manager_sees_only_its_own_unit, |app| {
    let qiye = app.token("qiye").await;
    let people = app.get("/api/v1/people?per_page=200", Some(&qiye)).await;
    assert_eq!(people.status, StatusCode::OK);
    assert_eq!(
        people.json()["total"],
        0,
        "no county staff, no phone numbers"
    );
    // Every list it can open holds its own unit or nothing of anyone else's.
    for (path, expected) in [
        ("/api/v1/grids?per_page=200", 0),
        ("/api/v1/regions", 0),
        ("/api/v1/ledger?per_page=200", 0),
        ("/api/v1/coverage", 0),
        ("/api/v1/units?per_page=200", 1),
    ] {
        let reply = app.get(path, Some(&qiye)).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.text());
        let json = reply.json();
        let n = json["total"]
            .as_i64()
            .unwrap_or_else(|| json["items"].as_array().map_or(-1, |a| a.len() as i64));
        assert_eq!(n, expected, "{path}: {json}");
    }
    let plans = app.get("/api/v1/plans", Some(&qiye)).await;
    assert_eq!(plans.status, StatusCode::OK);
    assert_eq!(plans.json()["total"], 0, "no grid plans of the county");
    let hazards = app
        .get("/api/v1/hazards?per_page=200", Some(&qiye))
        .await
        .json();
    let unit = app.get("/api/v1/units", Some(&qiye)).await.json()["items"][0]["id"].clone();
    assert!(
        hazards["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["unit_id"] == unit),
        "only its own unit's hazards"
    );
});
