//! Enforcement documents issued from an inspection: numbered per county, kind and year; a
//! rectification order's deadline on the duty calendar until its review; the register in
//! scope, as a list and a file; bad documents named by field and nothing half written.

use crate::inspections::{chengguan_unit_of_anjian, in_days, inspection, today};
use crate::support::*;
use axum::http::StatusCode;
use serde_json::{Value, json};

fn year() -> String {
    today()[..4].to_owned()
}

/// anjian inspects a unit of 城关镇 it supervises; answers (unit id, inspection id).
async fn anjian_inspection(app: &TestApp, anjian: &str) -> (i64, i64) {
    let unit_id = chengguan_unit_of_anjian(app, anjian).await["id"]
        .as_i64()
        .unwrap();
    let made = app
        .post_json(
            "/api/v1/inspections",
            Some(anjian),
            &inspection(unit_id, true),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
    (unit_id, made.json()["id"].as_i64().unwrap())
}

fn order(deadline_days: u64) -> Value {
    json!({"kind": "rectification_order", "issued_on": today(), "deadline": in_days(deadline_days),
           "content": "疏散通道堆放纸箱，责令于期限内清理完毕。", "legal_basis": "《安全生产法》第四十一条"})
}

async fn issue(app: &TestApp, token: &str, inspection: i64, body: &Value) -> Reply {
    app.post_json(
        &format!("/api/v1/inspections/{inspection}/documents"),
        Some(token),
        body,
    )
    .await
}

async fn review_duties(app: &TestApp, token: &str, unit: i64) -> Vec<Value> {
    let r = app
        .get(
            &format!(
                "/api/v1/duties?kind=rectification_review&unit={unit}&period={}",
                year()
            ),
            Some(token),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    r.json()["items"].as_array().unwrap().clone()
}

story!(
    orders_are_numbered_in_turn_and_their_review_is_a_duty_until_done,
    |app| {
        let anjian = app.token("anjian").await;
        let anjian_id = app.department_id(&anjian, "县安监局").await;
        let (unit, inspection) = anjian_inspection(&app, &anjian).await;

        let first = issue(&app, &anjian, inspection, &order(10)).await;
        assert_eq!(first.status, StatusCode::CREATED, "{}", first.text());
        let first = first.json();
        let number = first["number"].as_str().unwrap();
        let prefix = format!("汉阴应急责改〔{}〕", year());
        assert!(
            number.starts_with(&prefix) && number.ends_with('号'),
            "{number}"
        );
        let sequence: i64 = number[prefix.len()..number.len() - '号'.len_utf8()]
            .parse()
            .unwrap();
        assert_eq!(first["unit_id"], unit);
        assert_eq!(first["department_id"], anjian_id);
        assert!(first["reviewed_by"].is_null());

        let second = issue(&app, &anjian, inspection, &order(20)).await.json();
        assert_eq!(
            second["number"],
            format!("{prefix}{}号", sequence + 1),
            "the next order of the year takes the next number"
        );

        // Each order's deadline is a review the department owes, due until reviewed.
        let duties = review_duties(&app, &anjian, unit).await;
        assert!(
            duties.iter().any(|d| d["due_on"] == in_days(10).as_str()),
            "{duties:?}"
        );
        assert!(duties.iter().all(|d| d["state"] == "due"
            && d["party"] == "department"
            && d["department_id"] == anjian_id));
        assert_eq!(duties[0]["period"], duties[0]["due_on"]);

        // A review opinion without an order reviews the unit's latest unreviewed one.
        let review = issue(
            &app,
            &anjian,
            inspection,
            &json!({"kind": "review_opinion", "issued_on": today(), "content": "经复查，已整改完毕。"}),
        )
        .await;
        assert_eq!(review.status, StatusCode::CREATED, "{}", review.text());
        let review = review.json();
        assert_eq!(review["order_id"], second["id"]);
        assert!(
            review["number"]
                .as_str()
                .unwrap()
                .starts_with(&format!("汉阴应急复查〔{}〕", year()))
        );
        let duties = review_duties(&app, &anjian, unit).await;
        let of = |deadline: String| {
            duties
                .iter()
                .find(|d| d["due_on"] == deadline.as_str())
                .cloned()
                .unwrap()
        };
        assert_eq!(of(in_days(20))["state"], "done");
        assert_eq!(of(in_days(20))["record_id"], review["id"]);
        assert_eq!(of(in_days(10))["state"], "due");

        // The first is reviewed by name; then none is left to review.
        let named = issue(
            &app,
            &anjian,
            inspection,
            &json!({"kind": "review_opinion", "issued_on": today(), "content": "已整改。", "order_id": first["id"]}),
        )
        .await;
        assert_eq!(named.status, StatusCode::CREATED, "{}", named.text());
        let again = issue(
            &app,
            &anjian,
            inspection,
            &json!({"kind": "review_opinion", "issued_on": today(), "content": "已整改。", "order_id": first["id"]}),
        )
        .await;
        assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(again.first_error().0, "order_id");
        assert!(
            review_duties(&app, &anjian, unit)
                .await
                .iter()
                .all(|d| d["state"] == "done")
        );

        // The inspection lists its documents; the register lists and exports them.
        let detail = app
            .get(&format!("/api/v1/inspections/{inspection}"), Some(&anjian))
            .await
            .json();
        assert_eq!(detail["document_ids"].as_array().unwrap().len(), 4);
        assert_eq!(detail["documents"], 4);
        let listed = app
            .get(
                &format!("/api/v1/inspections/{inspection}/documents"),
                Some(&anjian),
            )
            .await
            .json();
        assert_eq!(listed.as_array().unwrap().len(), 4);
        let orders = app
            .get(
                &format!("/api/v1/enforcement?kind=rectification_order&unit={unit}"),
                Some(&anjian),
            )
            .await
            .json();
        assert_eq!(orders["total"], 2);
        assert!(
            orders["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|d| !d["reviewed_by"].is_null())
        );
        let csv = app
            .get(
                &format!("/api/v1/enforcement?unit={unit}&format=csv"),
                Some(&anjian),
            )
            .await;
        assert_eq!(csv.status, StatusCode::OK);
        let text = csv.text();
        assert!(
            text.contains(number) && text.contains("整改复查意见书"),
            "{text}"
        );
        assert_eq!(text.lines().count(), 5, "a header and four documents");
        let xlsx = app
            .get("/api/v1/enforcement/export?format=xlsx", Some(&anjian))
            .await;
        assert_eq!(xlsx.status, StatusCode::OK);
        assert!(xlsx.bytes.starts_with(b"PK"));
        let ledger = app
            .get(
                &format!("/api/v1/inspections/export?format=csv&unit={unit}"),
                Some(&anjian),
            )
            .await;
        assert_eq!(ledger.status, StatusCode::OK);
        assert!(
            ledger.text().contains("汉阴县恒达化工有限公司"),
            "{}",
            ledger.text()
        );
    }
);

story!(
    an_inspection_issues_its_documents_with_it_or_writes_nothing,
    |app| {
        let anjian = app.token("anjian").await;
        let unit = chengguan_unit_of_anjian(&app, &anjian).await["id"]
            .as_i64()
            .unwrap();
        let mut body = inspection(unit, true);
        body["enforcement"] = json!(true);
        body["documents"] = json!([order(15), {"kind": "penalty_decision", "issued_on": today(),
            "content": "未按规定组织隐患排查治理。", "fine_yuan": 20000, "legal_basis": "《安全生产法》第一百零二条"}]);
        let made = app
            .post_json("/api/v1/inspections", Some(&anjian), &body)
            .await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
        let made = made.json();
        let ids = made["document_ids"].as_array().unwrap();
        assert_eq!(ids.len(), 2);
        let penalty = app
            .get(&format!("/api/v1/enforcement/{}", ids[1]), Some(&anjian))
            .await
            .json();
        assert_eq!(penalty["kind"], "penalty_decision");
        assert_eq!(penalty["fine_yuan"], 20000.0);
        assert!(
            penalty["number"]
                .as_str()
                .unwrap()
                .starts_with(&format!("汉阴应急罚〔{}〕", year()))
        );

        // A bad document refuses the whole inspection: no inspection, hazard or document.
        let before = app.get("/api/v1/inspections", Some(&anjian)).await.json()["total"].clone();
        let hazards_before =
            app.get("/api/v1/hazards", Some(&anjian)).await.json()["total"].clone();
        let documents_before =
            app.get("/api/v1/enforcement", Some(&anjian)).await.json()["total"].clone();
        body["documents"] = json!([order(15), {"kind": "penalty_decision", "issued_on": today(), "content": "罚款。"}]);
        let refused = app
            .post_json("/api/v1/inspections", Some(&anjian), &body)
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        let fields: Vec<String> = refused.json()["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(
            fields,
            ["documents[1].fine_yuan", "documents[1].legal_basis"]
        );
        assert_eq!(
            app.get("/api/v1/inspections", Some(&anjian)).await.json()["total"],
            before
        );
        assert_eq!(
            app.get("/api/v1/hazards", Some(&anjian)).await.json()["total"],
            hazards_before
        );
        assert_eq!(
            app.get("/api/v1/enforcement", Some(&anjian)).await.json()["total"],
            documents_before
        );
    }
);

story!(bad_documents_are_named_by_field, |app| {
    let anjian = app.token("anjian").await;
    let (_, inspection) = anjian_inspection(&app, &anjian).await;
    let cases: Vec<(Value, &str)> = vec![
        (
            json!({"kind": "warning", "issued_on": today(), "content": "x"}),
            "kind",
        ),
        (
            json!({"kind": "rectification_order", "issued_on": today(), "content": "x"}),
            "deadline",
        ),
        (
            json!({"kind": "rectification_order", "issued_on": today(), "deadline": today(), "content": "x"}),
            "deadline",
        ),
        (
            json!({"kind": "rectification_order", "issued_on": in_days(1), "deadline": in_days(9), "content": "x"}),
            "issued_on",
        ),
        (
            json!({"kind": "rectification_order", "issued_on": "2000-01-01", "deadline": in_days(9), "content": "x"}),
            "issued_on",
        ),
        (
            json!({"kind": "rectification_order", "issued_on": today(), "deadline": "9999-01-01", "content": "x"}),
            "deadline",
        ),
        (
            json!({"kind": "on_site_decision", "issued_on": today(), "content": ""}),
            "content",
        ),
        (
            json!({"kind": "on_site_decision", "issued_on": today(), "content": "字".repeat(5001)}),
            "content",
        ),
        (
            json!({"kind": "on_site_decision", "issued_on": today(), "content": "x", "fine_yuan": 10}),
            "fine_yuan",
        ),
        (
            json!({"kind": "penalty_decision", "issued_on": today(), "content": "x", "fine_yuan": -5, "legal_basis": "第一百零二条"}),
            "fine_yuan",
        ),
        (
            json!({"kind": "penalty_decision", "issued_on": today(), "content": "x", "fine_yuan": "二万", "legal_basis": "x"}),
            "fine_yuan",
        ),
        (
            json!({"kind": "review_opinion", "issued_on": today(), "content": "x"}),
            "order_id",
        ),
        (
            json!({"kind": "on_site_decision", "issued_on": today(), "content": "停止\u{0}作业"}),
            "content",
        ),
    ];
    for (body, field) in cases {
        let r = issue(&app, &anjian, inspection, &body).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {}",
            r.text()
        );
        let fields: Vec<String> = r.json()["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap_or_default().to_owned())
            .collect();
        assert!(fields.iter().any(|f| f == field), "{body}: {fields:?}");
        assert!(
            r.json()["errors"][0]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
    }
    for path in [
        "/api/v1/inspections/abc/documents",
        "/api/v1/inspections/999999999/documents",
    ] {
        let r = app.post_json(path, Some(&anjian), &order(5)).await;
        assert!(
            matches!(
                r.status,
                StatusCode::NOT_FOUND | StatusCode::UNPROCESSABLE_ENTITY
            ),
            "{path}: {}",
            r.status
        );
    }
    let r = app
        .get(
            "/api/v1/enforcement?kind=nonsense&from=2026-02-30",
            Some(&anjian),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .get("/api/v1/enforcement?format=pdf", Some(&anjian))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.first_error().0, "format");
    assert_eq!(
        app.get("/api/v1/enforcement", Some(&anjian)).await.json()["total"],
        0
    );
});

story!(documents_are_issued_and_seen_only_in_scope, |app| {
    let anjian = app.token("anjian").await;
    let chengguan = app.token("chengguan").await;
    let xuanwo = app.token("xuanwo").await;
    let cunwang = app.token("cunwang").await;
    let qiye = app.token("qiye").await;
    let (_, inspection) = anjian_inspection(&app, &anjian).await;
    let made = issue(&app, &anjian, inspection, &order(10)).await.json();
    let id = made["id"].as_i64().unwrap();

    // Another town neither sees nor counts nor issues it.
    let r = app
        .get(&format!("/api/v1/enforcement/{id}"), Some(&xuanwo))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.get("/api/v1/enforcement", Some(&xuanwo)).await.json()["total"],
        0
    );
    let csv = app
        .get("/api/v1/enforcement?format=csv", Some(&xuanwo))
        .await
        .text();
    assert_eq!(csv.lines().count(), 1, "only the header: {csv}");
    let r = issue(&app, &xuanwo, inspection, &order(10)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = app
        .get(
            &format!("/api/v1/inspections/{inspection}/documents"),
            Some(&xuanwo),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // The unit's town sees the department's document but does not issue from its inspection;
    // a village and the unit do not issue at all.
    let r = app
        .get(&format!("/api/v1/enforcement/{id}"), Some(&chengguan))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    for token in [&chengguan, &cunwang, &qiye] {
        let r = issue(&app, token, inspection, &order(10)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    }
    // The unit sees the documents issued to it, and no one else's.
    let own = app.get("/api/v1/enforcement", Some(&qiye)).await.json();
    assert_eq!(own["total"], 0);

    // The town issues from its own inspection, numbered in the county's one sequence.
    let unit = made["unit_id"].as_i64().unwrap();
    let town = app
        .post_json(
            "/api/v1/inspections",
            Some(&chengguan),
            &inspection_of(unit),
        )
        .await
        .json();
    let theirs = issue(&app, &chengguan, town["id"].as_i64().unwrap(), &order(12)).await;
    assert_eq!(theirs.status, StatusCode::CREATED, "{}", theirs.text());
    assert_ne!(theirs.json()["number"], made["number"]);
});

fn inspection_of(unit: i64) -> Value {
    inspection(unit, false)
}

story!(
    the_pages_show_inspections_documents_and_duties_in_scope,
    |app| {
        let anjian = app.token("anjian").await;
        let (unit, inspection) = anjian_inspection(&app, &anjian).await;
        let document = issue(&app, &anjian, inspection, &order(10)).await.json();
        let number = document["number"].as_str().unwrap().to_owned();
        let chengguan = app.browser_login("chengguan").await;
        for (path, expect) in [
            ("/inspections".to_owned(), "汉阴县恒达化工有限公司"),
            (format!("/inspections/{inspection}"), number.as_str()),
            ("/enforcement".to_owned(), number.as_str()),
            (
                format!("/enforcement/{}", document["id"]),
                "责令限期整改指令书",
            ),
            ("/duties".to_owned(), "汉阴县恒达化工有限公司"),
            (
                format!("/duties?unit={unit}&kind=rectification_review"),
                "整改复查",
            ),
            (format!("/inspections/new?unit={unit}"), "安全出口"),
            (
                "/inspections/new?q=恒达".to_owned(),
                "汉阴县恒达化工有限公司",
            ),
            ("/".to_owned(), "本月监管检查"),
            ("/duties/plan".to_owned(), "汉阴县恒达化工有限公司"),
            (format!("/duties?region={CHENGGUAN}"), "打印下月检查计划"),
        ] {
            let page = app.page(&chengguan.cookie, &path).await;
            assert_eq!(page.status, StatusCode::OK, "{path}");
            assert!(page.text().contains(expect), "{path} shows {expect}");
        }
        for path in [
            "/inspections/export?format=xlsx",
            "/enforcement/export?format=xlsx",
            "/duties/export?format=xlsx",
        ] {
            let file = app.page(&chengguan.cookie, path).await;
            assert_eq!(file.status, StatusCode::OK, "{path}");
            assert!(file.bytes.starts_with(b"PK"), "{path} is a workbook");
        }

        // The town issues from its own inspection only; a refused document names its field.
        let refused = app
            .submit(
                &chengguan,
                &format!("/inspections/{inspection}"),
                &[
                    ("kind", "rectification_order"),
                    ("issued_on", &today()),
                    ("content", "x"),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        let county = app.browser_login("admin").await;
        let refused = app
            .submit(
                &county,
                &format!("/inspections/{inspection}"),
                &[
                    ("kind", "rectification_order"),
                    ("issued_on", &today()),
                    ("content", "x"),
                    ("fine_yuan", "many"),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            refused.text().contains("data-field=\"fine_yuan\""),
            "{}",
            refused.text()
        );
        let issued = app
            .submit(
                &county,
                &format!("/inspections/{inspection}"),
                &[
                    ("kind", "on_site_decision"),
                    ("issued_on", &today()),
                    ("content", "责令暂停作业"),
                ],
            )
            .await;
        assert_eq!(issued.status, StatusCode::SEE_OTHER);

        // Another town sees none of it; a village and a unit do not record inspections.
        let xuanwo = app.browser_login("xuanwo").await;
        for path in [
            format!("/inspections/{inspection}"),
            format!("/enforcement/{}", document["id"]),
        ] {
            assert_eq!(
                app.page(&xuanwo.cookie, &path).await.status,
                StatusCode::NOT_FOUND,
                "{path}"
            );
        }
        assert!(
            !app.page(&xuanwo.cookie, "/enforcement")
                .await
                .text()
                .contains(&number)
        );
        assert!(
            !app.page(&xuanwo.cookie, "/duties")
                .await
                .text()
                .contains("汉阴县恒达化工有限公司")
        );
        for who in ["cunwang", "qiye"] {
            let b = app.browser_login(who).await;
            let page = app
                .page(&b.cookie, &format!("/inspections/new?unit={unit}"))
                .await;
            assert_eq!(page.status, StatusCode::FORBIDDEN, "{who}");
        }
    }
);

/// A form's text fields and its photo fields.
type Fields = Vec<(&'static str, String)>;
type Files = Vec<(&'static str, Vec<u8>)>;

story!(
    the_phone_inspection_form_names_each_bad_field_and_writes_nothing,
    |app| {
        let anjian = app.token("anjian").await;
        let unit = chengguan_unit_of_anjian(&app, &anjian).await["id"]
            .as_i64()
            .unwrap()
            .to_string();
        let town = app.browser_login("chengguan").await;
        let chengguan = app.token("chengguan").await;
        let before = app
            .get("/api/v1/inspections", Some(&chengguan))
            .await
            .json()["total"]
            .clone();
        let boundary = "----inspection-form";
        let post = |fields: Vec<(&'static str, String)>, files: Vec<(&'static str, Vec<u8>)>| {
            let (app, town) = (&app, &town);
            async move {
                let mut all: Vec<(&str, &str)> = vec![("csrf", town.csrf.as_str())];
                all.extend(fields.iter().map(|(k, v)| (*k, v.as_str())));
                let files: Vec<(&str, &str, &[u8])> = files
                    .iter()
                    .map(|(k, b)| (*k, "photo.jpg", b.as_slice()))
                    .collect();
                app.post_raw_with_cookie(
                    "/inspections/new",
                    &town.cookie,
                    &format!("multipart/form-data; boundary={boundary}"),
                    multipart_form(boundary, &all, &files),
                )
                .await
            }
        };
        let base = |result: &str| {
            vec![
                ("unit_id", unit.clone()),
                ("inspected_on", today()),
                ("inspectors", "王伟 李娜".to_owned()),
                ("item_0", "安全出口、疏散通道畅通".to_owned()),
                ("result_0", result.to_owned()),
            ]
        };
        let cases: Vec<(Fields, Files, &str)> = vec![
            (base("maybe"), vec![], "items[0].result"),
            (
                [base("ok"), vec![("inspected_on", in_days(3))]].concat(),
                vec![],
                "inspected_on",
            ),
            (
                [base("ok"), vec![("inspected_on", "1999-12-31".to_owned())]].concat(),
                vec![],
                "inspected_on",
            ),
            (
                [base("ok"), vec![("inspectors", " ".to_owned())]].concat(),
                vec![],
                "inspectors",
            ),
            (
                [
                    base("hazard"),
                    vec![("deadline_0", "2020-01-01".to_owned())],
                ]
                .concat(),
                vec![],
                "items[0].deadline",
            ),
            (
                [base("hazard"), vec![("deadline_0", in_days(7))]].concat(),
                vec![("photo_0", b"not a picture at all".to_vec())],
                "items[0].photo",
            ),
            (
                [base("ok"), vec![("unit_id", "abc".to_owned())]].concat(),
                vec![],
                "unit_id",
            ),
        ];
        for (fields, files, field) in cases {
            let r = post(fields, files).await;
            assert_eq!(
                r.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{field}: {}",
                r.text()
            );
            assert!(
                r.text().contains(&format!("data-field=\"{field}\"")),
                "{field}: {}",
                r.text()
            );
        }
        // A NUL byte in any field is refused before anything is read.
        let r = post(
            [base("ok"), vec![("summary", "检查\u{0}结束".to_owned())]].concat(),
            vec![],
        )
        .await;
        assert!(r.status.is_client_error(), "{}", r.status);
        // A body over the form's bound is refused as too large, not read into memory.
        let huge = vec![b'x'; 49 * 1024 * 1024];
        let r = post(base("hazard"), vec![("photo_0", huge)]).await;
        assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(
            app.get("/api/v1/inspections", Some(&chengguan))
                .await
                .json()["total"],
            before,
            "nothing was written"
        );
        // The same form, put right, is kept.
        let r = post(
            [base("hazard"), vec![("deadline_0", in_days(7))]].concat(),
            vec![],
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    }
);
