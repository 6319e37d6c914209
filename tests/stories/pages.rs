//! The pages as a browser without JavaScript sees them: sign-in, the tree, a grid and its
//! forms, the ledger and its export, errors.

use crate::support::*;
use axum::http::{StatusCode, header};

story!(sign_in_and_out, |app| {
    let login = app.get("/login", None).await;
    assert_eq!(login.status, StatusCode::OK);
    let text = login.text();
    assert!(
        text.contains("chengguan") && text.contains("anjian"),
        "demo mode lists the demo accounts"
    );
    assert!(!text.contains(PASSWORD));

    assert_eq!(
        app.get("/grids", None).await.status,
        StatusCode::SEE_OTHER,
        "pages send strangers to sign in"
    );
    let browser = app.browser_login("chengguan").await;
    let home = app.page(&browser.cookie, "/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.text().contains("城关镇"));

    // Logging out needs the session's CSRF token, and ends the session.
    let forged = TestApp::submit(
        &app,
        &Browser {
            cookie: browser.cookie.clone(),
            csrf: "forged".into(),
        },
        "/logout",
        &[],
    )
    .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let out = app.submit(&browser, "/logout", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.page(&browser.cookie, "/").await.status,
        StatusCode::SEE_OTHER
    );

    let wrong = app
        .post_raw(
            "/login",
            None,
            "application/x-www-form-urlencoded",
            b"username=admin&password=x&csrf=x".to_vec(),
            None,
        )
        .await;
    assert_eq!(
        wrong.status,
        StatusCode::UNAUTHORIZED,
        "a form without its CSRF cookie is shown again, not signed in"
    );
});

/// Every form a signed-in person can post, by path: CSRF is checked by the extractor that
/// gives a changing handler its user, before the handler runs, so each answers 403 to a
/// forged token whatever the ids in its path.
const PAGE_FORMS: [&str; 32] = [
    "/logout",
    "/me/security/totp",
    "/me/security/totp/confirm",
    "/me/security/password",
    "/grids/1/posts/1/appoint",
    "/grids/1/holdings/1/replace",
    "/grids/1/holdings/1/end",
    "/plans",
    "/plans/deadline",
    "/units",
    "/units/1",
    "/units/1/grid",
    "/units/1/grid/1/retire",
    "/units/1/systems",
    "/documents/1/withdraw",
    "/hazard-sources",
    "/hazard-sources/1",
    "/hazard-sources/1/retire",
    "/settings/grade-rule",
    "/hazards/1",
    "/notifications",
    "/settings/webhook",
    "/units/1/reports",
    "/accounts",
    "/accounts/1/lock",
    "/accounts/1/password",
    "/inspections/1",
    // Multipart forms (a file and fields) are refused the same way.
    "/units/import",
    "/units/1/documents",
    "/hazards/new",
    "/hazards/1/photos",
    "/inspections/new",
];

story!(every_page_form_refuses_a_forged_csrf_token, |app| {
    let browser = app.browser_login("admin").await;
    let forged = Browser {
        cookie: browser.cookie.clone(),
        csrf: "forged".into(),
    };
    for path in PAGE_FORMS {
        let reply = app.submit(&forged, path, &[("name", "x")]).await;
        let upload = PAGE_FORMS.iter().skip(27).any(|p| p == &path);
        let expected = if upload {
            // A form body where a multipart one belongs is unreadable before anything else.
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::FORBIDDEN
        };
        assert_eq!(reply.status, expected, "{path} with a forged token");
        let boundary = "XyZ";
        let body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nforged\r\n--{boundary}--\r\n"
        );
        let multipart = app
            .post_raw_with_cookie(
                path,
                &browser.cookie,
                &format!("multipart/form-data; boundary={boundary}"),
                body.into_bytes(),
            )
            .await;
        assert_eq!(
            multipart.status,
            StatusCode::FORBIDDEN,
            "{path} multipart with a forged token"
        );
    }
});

story!(tree_town_grid_and_replacement, |app| {
    let browser = app.browser_login("admin").await;
    let regions = app.page(&browser.cookie, "/regions").await;
    assert_eq!(regions.status, StatusCode::SEE_OTHER);
    let county = app
        .page(&browser.cookie, &format!("/regions/{COUNTY}"))
        .await;
    assert_eq!(county.status, StatusCode::OK);
    assert!(county.text().contains("漩涡镇"));
    let town = app
        .page(
            &browser.cookie,
            &format!("/regions/{CHENGGUAN}?kind=town_zone"),
        )
        .await;
    assert_eq!(town.status, StatusCode::OK);
    assert!(town.text().contains("镇安全管理责任区"));

    let token = app.token("admin").await;
    let id = app.grid_id(&token, CHENGGUAN, "town", None).await;
    let grid = app
        .get(&format!("/api/v1/grids/{id}"), Some(&token))
        .await
        .json();
    let holding = grid["posts"][0]["holders"][0]["id"].as_i64().unwrap();
    let old_name = grid["posts"][0]["holders"][0]["person_name"]
        .as_str()
        .unwrap()
        .to_owned();

    let page = app.page(&browser.cookie, &format!("/grids/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains(&old_name));

    // A bad date comes back on the same page, naming the field, with nothing changed.
    let refused = app
        .submit(
            &browser,
            &format!("/grids/{id}/holdings/{holding}/replace"),
            &[("person_name", "页面新人"), ("on", "2026-13-01")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.text().contains("交接日期：日期格式应为 YYYY-MM-DD"),
        "{}",
        refused.text()
    );

    let done = app
        .submit(
            &browser,
            &format!("/grids/{id}/holdings/{holding}/replace"),
            &[
                ("person_name", "页面新人"),
                ("phone", "13900002222"),
                ("on", "2026-11-05"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text());
    let after = app
        .page(&browser.cookie, &format!("/grids/{id}?done=replaced"))
        .await
        .text();
    assert!(
        after.contains("页面新人") && after.contains(&old_name),
        "the history shows both"
    );
    assert!(after.contains("2026-11-05"));

    // Without the CSRF token the form is refused.
    let forged = app
        .submit(
            &Browser {
                cookie: browser.cookie.clone(),
                csrf: String::new(),
            },
            &format!("/grids/{id}/holdings/{holding}/end"),
            &[("ended_on", "2026-11-06")],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
});

story!(out_of_scope_pages_are_not_found, |app| {
    let token = app.token("admin").await;
    let xuanwo_grid = app.grid_id(&token, XUANWO, "town", None).await;
    let browser = app.browser_login("chengguan").await;
    let page = app
        .page(&browser.cookie, &format!("/grids/{xuanwo_grid}"))
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.text().contains("不在您的管辖范围内"));
    assert_eq!(
        app.page(&browser.cookie, &format!("/regions/{XUANWO}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.page(&browser.cookie, "/grids/not-a-number")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let list = app.page(&browser.cookie, "/grids").await.text();
    assert!(!list.contains("漩涡镇"));
});

story!(ledger_page_and_export, |app| {
    let browser = app.browser_login("chengguan").await;
    let page = app.page(&browser.cookie, "/ledger").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("监管责任台账"));
    let xlsx = app
        .page(&browser.cookie, "/ledger/export?format=xlsx")
        .await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert_eq!(
        xlsx.headers[header::CONTENT_TYPE],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert_eq!(&xlsx.bytes[..2], b"PK");
    let csv = app
        .page(&browser.cookie, "/ledger/export?format=csv&post=supervisor")
        .await;
    let text = csv.text();
    assert!(text.contains("安全监管责任人"));
    assert!(text.contains("城关镇"));
    assert!(
        !text.contains("漩涡镇"),
        "a town's export holds only its town"
    );
    assert_eq!(
        text.lines().count(),
        1 + 8,
        "a header and 2 supervisors × 4 departments"
    );
});

story!(pages_in_english, |app| {
    let browser = app.browser_login("admin").await;
    let request = axum::http::Request::builder()
        .uri("/leadership")
        .header(header::COOKIE, format!("{}; lang=en", browser.cookie))
        .body(axum::body::Body::empty())
        .unwrap();
    let page = app.send(request).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text()
            .contains("Leadership group for grid-based safety supervision")
    );
    assert!(page.text().contains("<html lang=\"en\">"));
});

story!(town_page_lists_its_zones, |app| {
    let browser = app.browser_login("xuanwo").await;
    let page = app
        .page(&browser.cookie, &format!("/regions/{XUANWO}"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let text = page.text();
    let zones = &text[text
        .find("data-testid=\"zones\"")
        .expect("a town page lists its zones")..];
    let zones = &zones[..zones.find("</table>").unwrap()];
    assert_eq!(
        zones.matches("<tr>").count(),
        1 + 3,
        "a header and one row per village"
    );
    assert_eq!(
        zones.matches("空缺").count(),
        1,
        "the zone without an inspector shows it"
    );
});

story!(town_structure_chart_and_register, |app| {
    let browser = app.browser_login("admin").await;
    let page = app
        .page(&browser.cookie, &format!("/regions/{XUANWO}/structure"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let text = page.text();
    assert!(text.contains("漩涡镇安全管理网格结构图"));
    let register = &text[text.find("data-testid=\"register\"").unwrap()..];
    let register = &register[..register.find("</table>").unwrap()];
    assert_eq!(
        register.matches("<tr>").count(),
        1 + 3,
        "a header and a line per village"
    );
    assert_eq!(
        app.page(&browser.cookie, &format!("/regions/{COUNTY}/structure"))
            .await
            .status,
        StatusCode::NOT_FOUND,
        "only towns have one"
    );
    let other = app.browser_login("chengguan").await;
    assert_eq!(
        app.page(&other.cookie, &format!("/regions/{XUANWO}/structure"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
});

/// The part of a page from a marker to the end of its element's closing tag.
fn element<'a>(text: &'a str, marker: &str, closing: &str) -> &'a str {
    let from = &text[text
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} on the page"))..];
    &from[..from.find(closing).map_or(from.len(), |i| i + closing.len())]
}

story!(lists_filter_by_town_and_village_by_name, |app| {
    let town = app.browser_login("xuanwo").await;
    for path in [
        "/hazards",
        "/units",
        "/inspections",
        "/duties",
        "/reports",
        "/grids",
        "/ledger",
    ] {
        let page = app.page(&town.cookie, path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        let text = page.text();
        let choice = element(&text, "data-testid=\"region-filter\"", "</select>");
        assert!(
            choice.contains(&format!("value=\"{XUANWO}\"")),
            "{path}: the town itself"
        );
        assert_eq!(
            choice.matches("value=\"610921106").count(),
            1 + 3,
            "{path}: the town and its three villages, by name"
        );
        assert!(!choice.contains(CHENGGUAN), "{path}: no other town");
        assert!(
            !text.contains("placeholder=\"610921100000\""),
            "{path}: no code to type"
        );
    }
    // Choosing a village narrows the list to it and keeps it chosen.
    let village = "610921106201";
    let page = app
        .page(&town.cookie, &format!("/units?region={village}"))
        .await;
    let text = page.text();
    let choice = element(&text, "data-testid=\"region-filter\"", "</select>");
    assert!(choice.contains(&format!("value=\"{village}\" selected")));

    // A new unit is placed by choosing its village, listed by town, not by typing its code.
    let admin = app.browser_login("admin").await;
    let form = app.page(&admin.cookie, "/units/new").await;
    let text = form.text();
    let villages = element(&text, "data-testid=\"unit-village\"", "</select>");
    assert!(villages.contains("<optgroup label=\"漩涡镇\">"));
    assert!(villages.contains("<optgroup label=\"城关镇\">"));
    assert!(
        !villages.contains(&format!("value=\"{XUANWO}\"")),
        "a unit sits in a village, not a town"
    );
});

story!(ledgers_print_like_the_paper_forms, |app| {
    let town = app.browser_login("chengguan").await;
    let today = safegrid_domain::time::today().to_string();
    for path in [
        "/hazards?print=1",
        "/units?print=1",
        "/inspections?print=1",
        "/enforcement?print=1",
        "/reports?print=1",
        "/duties?print=1",
        "/hazard-sources?print=1",
        "/ledger?print=1",
        "/hazards/export?print=1&state=reported",
    ] {
        let page = app.page(&town.cookie, path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        let text = page.text();
        assert!(text.contains("data-testid=\"ledger-print\""), "{path}");
        let particulars = element(&text, "data-testid=\"particulars\"", "</p>");
        for expected in [
            "填报单位（盖章）：<u>城关镇</u>",
            "制表人：<u>城关镇安监站</u>",
            "制表日期：",
        ] {
            assert!(particulars.contains(expected), "{path}: {expected}");
        }
        assert!(particulars.contains(&today), "{path}: made today");
        assert!(
            text.contains("<h1>城关镇"),
            "{path}: the title names the filing party"
        );
        assert!(
            !text.contains("class=\"sidebar\""),
            "{path}: no page chrome on paper"
        );
    }
    // The hazard ledger's print leaves off the whole timeline the workbook keeps.
    let print = app.page(&town.cookie, "/hazards?print=1").await.text();
    let header = element(&print, "<thead>", "</thead>");
    assert!(header.contains("隐患描述") || header.contains("描述"));
    assert!(
        !header.contains("处理过程"),
        "the timeline is the workbook's"
    );
    // What is printed is what the reader may see.
    let units = app.page(&town.cookie, "/units?print=1").await.text();
    assert!(
        !units.contains("漩涡镇"),
        "a town prints only its own units"
    );

    // The workbook: the form's title and particulars above the header, a named sheet, and
    // the header still found by the import (an export can be filled in and imported again).
    let xlsx = app.page(&town.cookie, "/units/export?format=xlsx").await;
    assert_eq!(xlsx.status, StatusCode::OK);
    let rows = safegrid_office::read_sheet(&xlsx.bytes, "生产经营单位基础台账")
        .expect("the sheet is named after the form");
    assert_eq!(rows[0][0], "城关镇生产经营单位基础台账");
    assert!(rows[1][0].starts_with("填报单位（盖章）：城关镇"));
    assert!(rows[1][0].contains("制表人：城关镇安监站"));
    assert_eq!(rows[2][0], "名称");
    let csv = app.page(&town.cookie, "/units/export?format=csv").await;
    assert!(
        csv.bytes.starts_with("\u{feff}名称".as_bytes()),
        "CSV stays a plain table"
    );
});
