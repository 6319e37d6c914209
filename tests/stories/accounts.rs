//! Accounts and the three separated administrators (三员): the system administrator creates
//! accounts and resets passwords, the security administrator disables and enables them, the
//! audit administrator only reads the log; none of them makes another administrator.

use crate::support::*;
use axum::http::StatusCode;
use serde_json::json;

story!(system_administrator_creates_accounts, |app| {
    let sysadmin = app.token("sysadmin").await;
    let made = app
        .post_json(
            "/api/v1/accounts",
            Some(&sysadmin),
            &json!({"username": "jianchi", "display_name": "何芳", "password": "Long-Passw0rd-x", "role": "town_staff", "scope_region_code": "610921101000"}),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
    assert!(
        made.json().get("password_hash").is_none(),
        "the hash never leaves the server"
    );
    let jianchi = app
        .post_json(
            "/api/v1/auth/login",
            None,
            &json!({"username": "jianchi", "password": "Long-Passw0rd-x"}),
        )
        .await;
    assert_eq!(jianchi.status, StatusCode::OK);
    let token = jianchi.json()["token"].as_str().unwrap().to_owned();
    let grids = app
        .get("/api/v1/grids?per_page=200", Some(&token))
        .await
        .json();
    assert!(
        grids["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|g| g["region_code"].as_str().unwrap().starts_with("610921101"))
    );

    let department = app
        .department_id(&app.token("admin").await, "县住建局")
        .await;
    let staff = app
        .post_json(
            "/api/v1/accounts",
            Some(&sysadmin),
            &json!({"username": "zhujian2", "display_name": "钱明", "password": "Long-Passw0rd-x", "role": "department_staff", "scope_department_id": department}),
        )
        .await;
    assert_eq!(staff.status, StatusCode::CREATED, "{}", staff.text());
    assert_eq!(staff.json()["county_code"], COUNTY);

    for (body, field) in [
        (
            json!({"username": "x1", "display_name": "x", "password": "short", "role": "leader", "scope_region_code": COUNTY}),
            "password",
        ),
        (
            json!({"username": "admin", "display_name": "x", "password": "Long-Passw0rd-x", "role": "leader", "scope_region_code": COUNTY}),
            "username",
        ),
        (
            json!({"username": "bad name", "display_name": "x", "password": "Long-Passw0rd-x", "role": "leader", "scope_region_code": COUNTY}),
            "username",
        ),
        (
            json!({"username": "x2", "display_name": "x", "password": "Long-Passw0rd-x", "role": "leader"}),
            "scope_region_code",
        ),
        (
            json!({"username": "x3", "display_name": "x", "password": "Long-Passw0rd-x", "role": "leader", "scope_region_code": "610921999999"}),
            "scope_region_code",
        ),
        (
            json!({"username": "x4", "display_name": "x", "password": "Long-Passw0rd-x", "role": "audit_admin"}),
            "role",
        ),
        (
            json!({"username": "x5", "display_name": "x", "password": "Long-Passw0rd-x", "role": "overlord", "scope_region_code": COUNTY}),
            "role",
        ),
    ] {
        let refused = app
            .post_json("/api/v1/accounts", Some(&sysadmin), &body)
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(refused.first_error().0, field, "{body}");
    }
    for other in ["admin", "secadmin", "auditor", "chengguan"] {
        let token = app.token(other).await;
        let refused = app
            .post_json("/api/v1/accounts", Some(&token), &json!({"username": "x9", "display_name": "x", "password": "Long-Passw0rd-x", "role": "leader", "scope_region_code": COUNTY}))
            .await;
        assert_eq!(
            refused.status,
            StatusCode::FORBIDDEN,
            "{other} cannot create accounts"
        );
    }
    assert_eq!(
        app.get("/api/v1/accounts", Some(&app.token("admin").await))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get("/api/v1/accounts", Some(&app.token("auditor").await))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
});

story!(security_administrator_disables_accounts, |app| {
    let secadmin = app.token("secadmin").await;
    let list = app.get("/api/v1/accounts", Some(&secadmin)).await.json();
    let xuanwo = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["username"] == "xuanwo")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let own = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["username"] == "secadmin")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let session = app.token("xuanwo").await;
    // In use just before, so the server keeps it: disabling must still end it at once.
    assert_eq!(
        app.get("/api/v1/me", Some(&session)).await.status,
        StatusCode::OK
    );

    let disabled = app
        .post_json(
            &format!("/api/v1/accounts/{xuanwo}/disable"),
            Some(&secadmin),
            &json!({}),
        )
        .await;
    assert_eq!(disabled.status, StatusCode::OK);
    assert_eq!(disabled.json()["disabled"], true);
    assert_eq!(
        app.get("/api/v1/me", Some(&session)).await.status,
        StatusCode::UNAUTHORIZED,
        "its sessions end at once"
    );
    let login = app
        .post_json(
            "/api/v1/auth/login",
            None,
            &json!({"username": "xuanwo", "password": PASSWORD}),
        )
        .await;
    assert_eq!(login.status, StatusCode::UNAUTHORIZED);

    let enabled = app
        .post_json(
            &format!("/api/v1/accounts/{xuanwo}/enable"),
            Some(&secadmin),
            &json!({}),
        )
        .await;
    assert_eq!(enabled.json()["disabled"], false);
    app.token("xuanwo").await;

    let itself = app
        .post_json(
            &format!("/api/v1/accounts/{own}/disable"),
            Some(&secadmin),
            &json!({}),
        )
        .await;
    assert_eq!(itself.status, StatusCode::UNPROCESSABLE_ENTITY);
    let sysadmin = app.token("sysadmin").await;
    assert_eq!(
        app.post_json(
            &format!("/api/v1/accounts/{xuanwo}/disable"),
            Some(&sysadmin),
            &json!({})
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.post_json(
            "/api/v1/accounts/987654/disable",
            Some(&secadmin),
            &json!({})
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
});

story!(passwords_are_reset_by_the_system_administrator, |app| {
    let sysadmin = app.token("sysadmin").await;
    let list = app.get("/api/v1/accounts", Some(&sysadmin)).await.json();
    let id = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["username"] == "chengguan")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let session = app.token("chengguan").await;
    let weak = app
        .post_json(
            &format!("/api/v1/accounts/{id}/password"),
            Some(&sysadmin),
            &json!({"password": "1111111111"}),
        )
        .await;
    assert_eq!(weak.first_error().0, "password");
    let reset = app
        .post_json(
            &format!("/api/v1/accounts/{id}/password"),
            Some(&sysadmin),
            &json!({"password": "Another-L0ng-one"}),
        )
        .await;
    assert_eq!(reset.status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.get("/api/v1/me", Some(&session)).await.status,
        StatusCode::UNAUTHORIZED
    );
    let old = app
        .post_json(
            "/api/v1/auth/login",
            None,
            &json!({"username": "chengguan", "password": PASSWORD}),
        )
        .await;
    assert_eq!(old.status, StatusCode::UNAUTHORIZED);
    let new = app
        .post_json(
            "/api/v1/auth/login",
            None,
            &json!({"username": "chengguan", "password": "Another-L0ng-one"}),
        )
        .await;
    assert_eq!(new.status, StatusCode::OK);
    let secadmin = app.token("secadmin").await;
    assert_eq!(
        app.post_json(
            &format!("/api/v1/accounts/{id}/password"),
            Some(&secadmin),
            &json!({"password": "Another-L0ng-two"})
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
});

story!(no_person_holds_two_administrator_roles, |app| {
    use safegrid_domain::access::Actor;
    use safegrid_domain::access::input::AccountInput;
    use safegrid_domain::org::input::NewPerson;
    use safegrid_domain::region::RegionCode;
    let system = Actor::system();
    let person = app
        .store
        .create_person(
            &system,
            NewPerson {
                name: "兼职者".into(),
                region: Some(RegionCode::parse("region", COUNTY).unwrap()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let account = |username: &str, role: &str| AccountInput {
        username: username.into(),
        display_name: "兼职者".into(),
        role: role.into(),
        person_id: Some(person.id),
        ..Default::default()
    };
    app.store
        .create_account(
            &system,
            account("sys2", "system_admin").parse(false).unwrap(),
            "x",
        )
        .await
        .unwrap();
    let second = app
        .store
        .create_account(
            &system,
            account("audit2", "audit_admin").parse(false).unwrap(),
            "x",
        )
        .await;
    match second {
        Err(safegrid_store::StoreError::Invalid(i)) => assert_eq!(i.0[0].field, "role"),
        other => panic!("a second administrator role for one person must be refused: {other:?}"),
    }
    // The same role twice is allowed (two system accounts for one person), and any business role.
    app.store
        .create_account(
            &system,
            AccountInput {
                scope_region_code: Some(COUNTY.into()),
                ..account("lead2", "leader")
            }
            .parse(false)
            .unwrap(),
            "x",
        )
        .await
        .unwrap();
});

story!(accounts_page, |app| {
    let browser = app.browser_login("sysadmin").await;
    let page = app.page(&browser.cookie, "/accounts").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("data-testid=\"account-form\""));
    let refused = app
        .submit(
            &browser,
            "/accounts",
            &[
                ("username", "p1"),
                ("display_name", "某"),
                ("password", "short"),
                ("role", "leader"),
                ("scope_region_code", COUNTY),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text().contains("密码：至少 10 个字符"));
    let made = app
        .submit(
            &browser,
            "/accounts",
            &[
                ("username", "p1"),
                ("display_name", "某"),
                ("password", "long-enough-1"),
                ("role", "leader"),
                ("scope_region_code", COUNTY),
            ],
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.text());
    assert!(
        app.page(&browser.cookie, "/accounts")
            .await
            .text()
            .contains("data-username=\"p1\"")
    );
    let admin = app.browser_login("admin").await;
    assert_eq!(
        app.page(&admin.cookie, "/accounts").await.status,
        StatusCode::FORBIDDEN
    );
});

/// An account's id from the administrators' list.
async fn account_id(app: &TestApp, token: &str, username: &str) -> i64 {
    app.get("/api/v1/accounts?per_page=200", Some(token))
        .await
        .json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["username"] == username)
        .unwrap_or_else(|| panic!("no account {username}"))["id"]
        .as_i64()
        .unwrap()
}

story!(the_three_administrators_are_kept_apart, |app| {
    let sysadmin = app.token("sysadmin").await;
    let secadmin = app.token("secadmin").await;
    // The system administrator cannot reset or lock the other administrators, nor itself.
    for target in ["secadmin", "auditor", "sysadmin"] {
        let id = account_id(&app, &sysadmin, target).await;
        let reset = app
            .post_json(
                &format!("/api/v1/accounts/{id}/password"),
                Some(&sysadmin),
                &json!({"password": "Takeover-2026-x"}),
            )
            .await;
        let expected = if target == "sysadmin" {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::FORBIDDEN
        };
        assert_eq!(reset.status, expected, "reset {target}: {}", reset.text());
    }
    // The security administrator locks ordinary accounts only.
    for target in ["sysadmin", "auditor"] {
        let id = account_id(&app, &secadmin, target).await;
        let locked = app
            .post_json(
                &format!("/api/v1/accounts/{id}/disable"),
                Some(&secadmin),
                &json!({}),
            )
            .await;
        assert_eq!(locked.status, StatusCode::FORBIDDEN, "lock {target}");
    }
    app.token("sysadmin").await;
    app.token("auditor").await;
});

story!(passwords_follow_the_rules_everywhere, |app| {
    let sysadmin = app.token("sysadmin").await;
    let id = account_id(&app, &sysadmin, "chengguan").await;
    for (password, why) in [
        ("Sh0rt-pw", "under 10 characters"),
        ("alllowercaseletters", "one kind of character"),
        ("lowercase-and-symbols", "two kinds"),
        ("xx-Chengguan2-26", "holds the account name"),
        ("Charlie123", "a common password"),
    ] {
        let created = app
            .post_json(
                "/api/v1/accounts",
                Some(&sysadmin),
                &json!({"username": "chengguan2", "display_name": "x", "password": password, "role": "leader", "scope_region_code": COUNTY}),
            )
            .await;
        assert_eq!(
            created.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "create: {why}"
        );
        assert_eq!(created.first_error().0, "password", "create: {why}");
        let reset = app
            .post_json(
                &format!("/api/v1/accounts/{id}/password"),
                Some(&sysadmin),
                &json!({"password": password}),
            )
            .await;
        assert_eq!(
            reset.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "reset: {why}"
        );
        assert_eq!(reset.first_error().0, "password", "reset: {why}");
    }

    // One's own password is changed with the old one, by the same rules.
    let chengguan = app.token("chengguan").await;
    let elsewhere = app.token("chengguan").await;
    let wrong = app
        .post_json(
            "/api/v1/me/password",
            Some(&chengguan),
            &json!({"current_password": "not-it", "new_password": "Xuanwo-River-88"}),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(wrong.first_error().0, "current_password");
    let weak = app
        .post_json(
            "/api/v1/me/password",
            Some(&chengguan),
            &json!({"current_password": PASSWORD, "new_password": "password1"}),
        )
        .await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(weak.first_error().0, "new_password");
    let changed = app
        .post_json(
            "/api/v1/me/password",
            Some(&chengguan),
            &json!({"current_password": PASSWORD, "new_password": "Xuanwo-River-88"}),
        )
        .await;
    assert_eq!(changed.status, StatusCode::NO_CONTENT, "{}", changed.text());
    assert_eq!(
        app.get("/api/v1/me", Some(&chengguan)).await.status,
        StatusCode::OK
    );
    assert_eq!(
        app.get("/api/v1/me", Some(&elsewhere)).await.status,
        StatusCode::UNAUTHORIZED,
        "other sessions end"
    );
    let login = app
        .post_json(
            "/api/v1/auth/login",
            None,
            &json!({"username": "chengguan", "password": "Xuanwo-River-88"}),
        )
        .await;
    assert_eq!(login.status, StatusCode::OK);
});

story!(
    a_unit_manager_account_is_made_from_the_page_by_finding_the_unit,
    |app| {
        let browser = app.browser_login("sysadmin").await;
        // The scope is chosen by name: the county, towns and villages listed, units found by a
        // search; the list shows each account's scope by its name.
        let page = app.page(&browser.cookie, "/accounts").await.text();
        assert!(page.contains("城关镇") && page.contains("data-testid=\"scope-region\""));
        assert!(
            !page.contains("部门 #") && !page.contains("单位 #"),
            "scopes by name"
        );
        let found = app
            .page(&browser.cookie, "/accounts?unit_q=%E6%83%A0%E6%B0%91")
            .await
            .text();
        let marker = "data-testid=\"scope-unit\">";
        let choice = &found[found.find(marker).unwrap()..];
        let choice = &choice[..choice.find("</select>").unwrap()];
        assert!(choice.contains("惠民超市"), "{choice}");
        let unit = choice
            .split("<option value=\"")
            .nth(2)
            .and_then(|o| o.split('"').next())
            .unwrap()
            .to_owned();
        let made = app
            .submit(
                &browser,
                "/accounts",
                &[
                    ("username", "huimin"),
                    ("display_name", "惠民超市安全员"),
                    ("password", PASSWORD),
                    ("role", "unit_manager"),
                    ("scope_unit_id", &unit),
                ],
            )
            .await;
        assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.text());
        let listed = app.page(&browser.cookie, "/accounts").await.text();
        let row = &listed[listed.find("data-username=\"huimin\"").unwrap()..];
        let row = &row[..row.find("</tr>").unwrap()];
        assert!(row.contains("惠民超市"), "{row}");
        // The new manager sees that unit, and only it.
        let token = app.token("huimin").await;
        let units = app.get("/api/v1/units", Some(&token)).await.json();
        assert_eq!(units["total"], 1);
        assert_eq!(units["items"][0]["id"].to_string(), unit);
        // Without a unit, or with one that does not exist, the form says which field.
        for (given, field) in [("", "scope_unit_id"), ("999999", "scope_unit_id")] {
            let refused = app
                .submit(
                    &browser,
                    "/accounts",
                    &[
                        ("username", "huimin2"),
                        ("display_name", "某"),
                        ("password", "Long-enough-2026"),
                        ("role", "unit_manager"),
                        ("scope_unit_id", given),
                    ],
                )
                .await;
            assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(
                refused.text().contains(&format!("data-field=\"{field}\"")),
                "{}",
                refused.text()
            );
        }
        // The API takes the same: scope_unit_id, its county from the unit.
        let sysadmin = app.token("sysadmin").await;
        let by_api = app
            .post_json(
                "/api/v1/accounts",
                Some(&sysadmin),
                &json!({"username": "huimin3", "display_name": "某", "password": "Long-enough-2026",
                    "role": "unit_manager", "scope_unit_id": unit.parse::<i64>().unwrap()}),
            )
            .await;
        assert_eq!(by_api.status, StatusCode::CREATED, "{}", by_api.text());
        assert_eq!(by_api.json()["county_code"], COUNTY);
        // A search is not a way to read the units for anyone else.
        let admin = app.browser_login("admin").await;
        assert_eq!(
            app.page(&admin.cookie, "/accounts?unit_q=%E6%83%A0")
                .await
                .status,
            StatusCode::FORBIDDEN
        );
    }
);
