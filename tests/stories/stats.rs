//! The ledger in figures: `/api/v1/stats/hazards` counts what the ledger lists, in every scope,
//! grouped any way; a closing is on time by the local calendar; bad questions are refused
//! naming the field; the dashboard and the start pages show the same figures.

use crate::support::*;
use axum::http::StatusCode;
use serde_json::{Value, json};

fn in_days(days: u64) -> String {
    (safegrid_domain::time::today() + chrono::Days::new(days)).to_string()
}

async fn first_unit(app: &TestApp, token: &str) -> i64 {
    let units = app
        .get("/api/v1/units?per_page=1", Some(token))
        .await
        .json();
    units["items"][0]["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("a unit in scope: {units}"))
}

async fn report(app: &TestApp, token: &str, body: Value) -> i64 {
    let made = app.post_json("/api/v1/hazards", Some(token), &body).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
    made.json()["id"].as_i64().unwrap()
}

/// A small ledger across two towns, a village, a unit and a department: open, overdue,
/// waiting, closed and rejected hazards.
pub(crate) async fn seed_ledger(app: &TestApp) {
    let qiye = app.token("qiye").await;
    let chengguan = app.token("chengguan").await;
    let cunwang = app.token("cunwang").await;
    let anjian = app.token("anjian").await;
    let own = first_unit(app, &qiye).await;
    let admin = app.token("admin").await;
    let department = app.get("/api/v1/me", Some(&anjian)).await.json()["scope"]["department_id"]
        .as_i64()
        .unwrap();
    let made = app
        .post_json(
            "/api/v1/units",
            Some(&admin),
            &json!({"name": "涧池镇砖厂", "no_uscc_reason": "个体", "region": "610921106201",
                    "supervising_department_ids": [department]}),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
    let elsewhere = made.json()["id"].as_i64().unwrap();
    let supervised = first_unit(app, &anjian).await;
    let village = app.get("/api/v1/me", Some(&cunwang)).await.json()["scope"]["root"]
        .as_str()
        .unwrap()
        .to_owned();
    let general = |unit: i64, source: &str, text: &str| json!({"unit_id": unit, "level": "general", "source": source, "description": text, "deadline": in_days(5)});
    let a = report(app, &qiye, general(own, "self_check", "配电箱未上锁")).await;
    report(app, &qiye, general(own, "self_check", "消防通道堆放杂物")).await;
    let b = report(app, &chengguan, general(own, "inspection", "应急照明损坏")).await;
    report(
        app,
        &admin,
        general(elsewhere, "inspection", "电焊作业无监护"),
    )
    .await;
    report(
        app,
        &anjian,
        general(supervised, "inspection", "特种作业人员无证"),
    )
    .await;
    report(
        app,
        &cunwang,
        json!({"region": village, "unregistered_unit": "路边小作坊", "level": "general",
        "source": "village_report", "description": "私拉电线"}),
    )
    .await;
    let rejected = report(
        app,
        &cunwang,
        json!({"region": village, "unregistered_unit": "重复上报", "level": "general",
        "source": "village_report", "description": "重复"}),
    )
    .await;
    let act = |id: i64, token: &str, body: Value| {
        let token = token.to_owned();
        async move {
            let r = app
                .post_json(
                    &format!("/api/v1/hazards/{id}/transitions"),
                    Some(&token),
                    &body,
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        }
    };
    act(
        a,
        &qiye,
        json!({"action": "complete", "measures": "已上锁"}),
    )
    .await;
    act(a, &chengguan, json!({"action": "verify"})).await;
    act(
        rejected,
        &chengguan,
        json!({"action": "reject", "comment": "重复上报"}),
    )
    .await;
    // One open hazard past its deadline.
    app.sql(&format!(
        "UPDATE hazards SET deadline = '2026-01-05' WHERE id = {b}"
    ))
    .await;
}

const PARTITIONS: [&str; 6] = ["town", "village", "sector", "month", "state", "source"];

fn sum(rows: &Value, field: &str) -> i64 {
    rows["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r[field].as_i64().unwrap())
        .sum()
}

async fn ledger_total(app: &TestApp, token: &str, query: &str) -> i64 {
    let reply = app
        .get(&format!("/api/v1/hazards?per_page=1&{query}"), Some(token))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    reply.json()["total"].as_i64().unwrap()
}

/// Every partition adds up to the ledger, its open and overdue to the ledger's counts; each
/// department's row is the ledger filtered by that department.
async fn adds_up(app: &TestApp, who: &str) {
    let token = app.token(who).await;
    let total = ledger_total(app, &token, "").await;
    let counts = app.get("/api/v1/hazards/counts", Some(&token)).await.json();
    let in_state = |s: &str| counts["by_state"][s].as_i64().unwrap_or(0);
    let open = counts["total"].as_i64().unwrap() - in_state("closed") - in_state("rejected");
    assert!(total > 0, "{who} sees hazards");
    for group in PARTITIONS {
        let stats = app
            .get(
                &format!("/api/v1/stats/hazards?group={group}"),
                Some(&token),
            )
            .await;
        assert_eq!(
            stats.status,
            StatusCode::OK,
            "{who} {group}: {}",
            stats.text()
        );
        let stats = stats.json();
        assert_eq!(sum(&stats, "total"), total, "{who} by {group}");
        assert_eq!(sum(&stats, "open"), open, "{who} open by {group}");
        assert_eq!(
            sum(&stats, "overdue"),
            counts["overdue"].as_i64().unwrap(),
            "{who} overdue by {group}"
        );
        assert_eq!(
            sum(&stats, "closed"),
            in_state("closed"),
            "{who} closed by {group}"
        );
        for row in stats["items"].as_array().unwrap() {
            assert!(!row["label"].as_str().unwrap().is_empty(), "{row}");
            assert!(row["closed_on_time"].as_i64() <= row["closed"].as_i64());
        }
    }
    let by_department = app
        .get("/api/v1/stats/hazards?group=department", Some(&token))
        .await
        .json();
    for row in by_department["items"].as_array().unwrap() {
        let key = row["key"].as_str().unwrap();
        assert_eq!(
            row["total"].as_i64().unwrap(),
            ledger_total(app, &token, &format!("department={key}")).await,
            "{who}: department {key} ({})",
            row["label"]
        );
    }
    // A town's row is the ledger of that town.
    let by_town = app
        .get("/api/v1/stats/hazards?group=town", Some(&token))
        .await
        .json();
    for row in by_town["items"].as_array().unwrap().iter().take(3) {
        let key = row["key"].as_str().unwrap();
        if !key.is_empty() {
            assert_eq!(
                row["total"].as_i64().unwrap(),
                ledger_total(app, &token, &format!("region={key}")).await,
                "{who}: town {key}"
            );
        }
    }
}

story!(the_statistics_add_up_to_the_ledger_in_every_scope, |app| {
    seed_ledger(&app).await;
    for who in ["admin", "lingdao", "chengguan", "anjian", "cunwang", "qiye"] {
        adds_up(&app, who).await;
    }
    // Out of scope counts nothing: a town asking about another town.
    let chengguan = app.token("chengguan").await;
    let admin = app.token("admin").await;
    let towns = app
        .get("/api/v1/stats/hazards?group=town", Some(&admin))
        .await
        .json();
    let other = towns["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] != "610921100000" && r["key"] != "")
        .unwrap()["key"]
        .as_str()
        .unwrap()
        .to_owned();
    let peek = app
        .get(
            &format!("/api/v1/stats/hazards?group=village&region={other}"),
            Some(&chengguan),
        )
        .await;
    assert_eq!(peek.status, StatusCode::OK);
    assert_eq!(peek.json()["items"], serde_json::json!([]));
    // The administrators see no supervision data.
    let sysadmin = app.token("sysadmin").await;
    assert_eq!(
        app.get("/api/v1/stats/hazards?group=town", Some(&sysadmin))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get("/api/v1/stats/hazards?group=town", None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
});

story!(a_closing_is_on_time_by_the_local_calendar, |app| {
    seed_ledger(&app).await;
    seed_ledger(&app).await;
    let admin = app.token("admin").await;
    let closed = app
        .get("/api/v1/hazards?state=closed&per_page=2", Some(&admin))
        .await
        .json();
    let ids: Vec<i64> = closed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids.len(), 2);
    // Both found in June 2021, when nothing else was; both due 10 June. 23:30 in China on
    // the deadline day is 15:30 UTC: on time; 00:30 the next day is 16:30 UTC: late.
    for (id, closed_at) in [(ids[0], "15:30"), (ids[1], "16:30")] {
        app.sql(&format!(
            "UPDATE hazards SET found_at = '2021-06-01T02:00:00+00:00', deadline = '2021-06-10', \
             closed_at = '2021-06-10T{closed_at}:00+00:00' WHERE id = {id}"
        ))
        .await;
    }
    let june = app
        .get(
            "/api/v1/stats/hazards?group=month&from=2021-06-01&to=2021-06-30",
            Some(&admin),
        )
        .await;
    assert_eq!(june.status, StatusCode::OK, "{}", june.text());
    let june = june.json();
    assert_eq!(june["items"].as_array().unwrap().len(), 1, "{june}");
    let row = &june["items"][0];
    assert_eq!(row["key"], "2021-06");
    assert_eq!(
        (row["total"].as_i64(), row["closed"].as_i64()),
        (Some(2), Some(2))
    );
    assert_eq!(row["closed_on_time"], 1, "one of the two was late");
    assert_eq!(row["on_time_percent"], 50);
    // The found window counts by the local day too: 1 June 02:00 UTC is 10:00 in China.
    let may = app
        .get(
            "/api/v1/stats/hazards?group=state&from=2021-05-01&to=2021-05-31",
            Some(&admin),
        )
        .await
        .json();
    assert_eq!(sum(&may, "total"), 0);
    // The rate is rounded half up from the counts, and absent when nothing closed.
    let by_source = app
        .get("/api/v1/stats/hazards?group=source", Some(&admin))
        .await
        .json();
    for r in by_source["items"].as_array().unwrap() {
        let (closed, on_time) = (
            r["closed"].as_i64().unwrap(),
            r["closed_on_time"].as_i64().unwrap(),
        );
        match r["on_time_percent"].as_i64() {
            Some(p) => assert_eq!(p, (on_time * 200 + closed) / (closed * 2)),
            None => assert_eq!(closed, 0),
        }
    }
});

story!(statistics_refuse_a_bad_question_naming_the_field, |app| {
    seed_ledger(&app).await;
    let admin = app.token("admin").await;
    for (query, field) in [
        ("", "group"),
        ("group=county", "group"),
        ("group=town&region=61092", "region"),
        ("group=town&from=2026-13-01", "from"),
        ("group=town&from=1999-12-31", "from"),
        ("group=town&to=%2B262142-01-01", "to"),
        ("group=town&from=2026-12-01&to=2026-11-30", "to"),
        ("group=town%00", "group"),
        ("group=month&from=2026-01-01%00", "from"),
    ] {
        let reply = app
            .get(&format!("/api/v1/stats/hazards?{query}"), Some(&admin))
            .await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{query}: {}",
            reply.text()
        );
        assert_eq!(reply.first_error().0, field, "{query}: {}", reply.text());
    }
    let huge = format!("/api/v1/stats/hazards?group={}", "town".repeat(9_000));
    assert!(app.get(&huge, Some(&admin)).await.status.is_client_error());
    // A window narrows what is counted to the hazards found in it.
    let all = app
        .get("/api/v1/stats/hazards?group=state", Some(&admin))
        .await
        .json();
    let none = app
        .get(
            "/api/v1/stats/hazards?group=state&from=2030-01-01",
            Some(&admin),
        )
        .await
        .json();
    assert!(sum(&all, "total") > 0);
    assert_eq!(sum(&none, "total"), 0);
});

/// The number a page shows in the figure with this test id.
fn figure(page: &str, testid: &str) -> i64 {
    let at = page
        .find(&format!("data-testid=\"{testid}\""))
        .unwrap_or_else(|| panic!("no {testid}"));
    let rest = &page[at..];
    let num = &rest[rest.find("class=\"num\">").unwrap() + "class=\"num\">".len()..];
    num[..num.find('<').unwrap()].trim().parse().unwrap()
}

story!(
    start_pages_and_the_dashboard_show_each_person_their_work,
    |app| {
        seed_ledger(&app).await;
        let admin = app.token("admin").await;
        let counts = app.get("/api/v1/hazards/counts", Some(&admin)).await.json();
        // The county: its queue, by town and by department, inspections, reports, coverage.
        let county = app.browser_login("admin").await;
        let home = app.page(&county.cookie, "/").await.text();
        for panel in [
            "hazards",
            "by_place",
            "by_department",
            "inspections",
            "reports",
            "coverage",
        ] {
            assert!(
                home.contains(&format!("data-testid=\"home-{panel}\"")),
                "{panel}"
            );
        }
        assert_eq!(
            figure(&home, "tile-hazards-overdue"),
            counts["overdue"].as_i64().unwrap()
        );
        assert_eq!(
            figure(&home, "tile-hazards-reported"),
            counts["by_state"]["reported"].as_i64().unwrap_or(0)
        );
        assert!(home.contains("href=\"/hazards?overdue=1\""));
        assert!(
            !home.contains("data-testid=\"report-hazard\""),
            "the county reports nothing itself"
        );
        // The dashboard: the same figures, four charts with their rows.
        let board = app.page(&county.cookie, "/dashboard").await;
        assert_eq!(board.status, StatusCode::OK);
        let board = board.text();
        assert_eq!(
            figure(&board, "dash-overdue"),
            counts["overdue"].as_i64().unwrap()
        );
        for chart in ["month", "place", "sector", "rate"] {
            assert!(
                board.contains(&format!("data-testid=\"chart-{chart}\"")),
                "{chart}"
            );
        }
        assert!(board.contains("/static/echarts.min.js"));
        let script = app.page(&county.cookie, "/static/echarts.min.js").await;
        assert_eq!(script.status, StatusCode::OK);
        assert!(script.text().contains("echarts"));
        // A town's dashboard, chosen by the county or opened by the town: by village.
        let town = app
            .page(&county.cookie, "/dashboard?region=610921100000")
            .await
            .text();
        assert!(
            town.contains("城关镇") && town.contains("村（社区）"),
            "by village"
        );
        assert_eq!(
            app.page(&county.cookie, "/dashboard?region=abc")
                .await
                .status,
            StatusCode::UNPROCESSABLE_ENTITY
        );
        let wall = app.page(&county.cookie, "/dashboard?wall=1").await.text();
        assert!(wall.contains("dashboard wall") && wall.contains("http-equiv=\"refresh\""));
        // The town: a big report button and its villages.
        let chengguan = app.browser_login("chengguan").await;
        let home = app.page(&chengguan.cookie, "/").await.text();
        assert!(home.contains("data-testid=\"report-hazard\""));
        assert!(home.contains("data-testid=\"tile-hazards-village_reports\""));
        assert!(home.contains("data-testid=\"home-by_place\""));
        let board = app.page(&chengguan.cookie, "/dashboard").await.text();
        assert!(
            !board.contains("name=\"region\""),
            "a town's dashboard is its own"
        );
        // The department: its queue and its inspections.
        let anjian = app.browser_login("anjian").await;
        let home = app.page(&anjian.cookie, "/").await.text();
        assert!(home.contains("data-testid=\"home-inspections\""));
        // The village member: the button and "my reports", each with its state.
        let cunwang = app.browser_login("cunwang").await;
        let home = app.page(&cunwang.cookie, "/").await.text();
        assert!(home.contains("data-testid=\"report-hazard\""));
        assert!(
            home.contains("私拉电线") && home.contains("state-rejected"),
            "my reports"
        );
        assert!(!home.contains("/dashboard\""), "no dashboard for a village");
        // The unit: its hazards to rectify with deadlines, its reports and its systems.
        let qiye = app.browser_login("qiye").await;
        let home = app.page(&qiye.cookie, "/").await.text();
        assert!(home.contains("消防通道堆放杂物"));
        assert!(
            home.contains("data-testid=\"home-reports\"")
                && home.contains("data-testid=\"home-unit_file\"")
        );
        assert!(!home.contains("data-testid=\"report-hazard\""));
    }
);
