//! What a unit keeps of its own duties besides the tick: the photo of a checked item, the
//! signed attendance sheet of a training, the certificates of its three posts — recorded on a
//! phone or over the API, read again by the unit and its supervisors, by nobody else.

use crate::hazards::png;
use crate::support::*;
use axum::http::StatusCode;
use base64::Engine;
use serde_json::json;

fn today() -> String {
    safegrid_domain::time::today().to_string()
}

fn days_ago(days: u64) -> String {
    (safegrid_domain::time::today() - chrono::Days::new(days)).to_string()
}

fn in_days(days: u64) -> String {
    (safegrid_domain::time::today() + chrono::Days::new(days)).to_string()
}

fn base64_png() -> String {
    base64::engine::general_purpose::STANDARD.encode(png(64, 48))
}

async fn own_unit(app: &TestApp, qiye: &str) -> i64 {
    app.get("/api/v1/units", Some(qiye)).await.json()["items"][0]["id"]
        .as_i64()
        .unwrap()
}

story!(
    a_checked_item_keeps_its_photo_for_the_unit_and_its_town_only,
    |app| {
        let qiye = app.token("qiye").await;
        let unit = own_unit(&app, &qiye).await;
        let photo = base64_png();
        let check = json!({
            "kind": "daily",
            "checked_on": today(),
            "items": [
                {"item": "配电箱", "result": "ok", "photo": format!("data:image/png;base64,{photo}")},
                {"item": "消防通道", "result": "hazard", "note": "堆放纸箱", "photo": photo},
                {"item": "燃气管道", "result": "na"}
            ],
            "hazards": [{"description": "消防通道堆放纸箱", "level": "general", "deadline": today()}]
        });
        let path = format!("/api/v1/units/{unit}/checks");
        // A photo that is not a picture is refused by its item, and nothing is written.
        let mut bad = check.clone();
        bad["items"][1]["photo"] = json!("bm90IGEgcGljdHVyZQ==");
        let r = app.post_json(&path, Some(&qiye), &bad).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.first_error().0, "items[1].photo");
        bad["items"][1]["photo"] = json!("%%% not base64 %%%");
        let r = app.post_json(&path, Some(&qiye), &bad).await;
        assert_eq!(r.first_error().0, "items[1].photo");
        assert_eq!(app.get(&path, Some(&qiye)).await.json()["total"], 0);

        let made = app.post_json(&path, Some(&qiye), &check).await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
        let id = made.json()["id"].as_i64().unwrap();
        let listed = app.get(&path, Some(&qiye)).await.json();
        assert_eq!(listed["items"][0]["photos"], 2);
        let detail = app.get(&format!("{path}/{id}"), Some(&qiye)).await.json();
        assert_eq!(detail["item_rows"].as_array().unwrap().len(), 3);
        assert_eq!(detail["item_rows"][1]["result"], "hazard");
        let photos = detail["item_photos"].as_array().unwrap();
        let positions: Vec<i64> = photos
            .iter()
            .map(|p| p["item_position"].as_i64().unwrap())
            .collect();
        assert_eq!(positions, [0, 1]);
        assert_eq!(detail["hazard_ids"].as_array().unwrap().len(), 1);
        let photo_id = photos[0]["id"].as_i64().unwrap();
        let served = app
            .get(&format!("/api/v1/unit-photos/{photo_id}"), Some(&qiye))
            .await;
        assert_eq!(served.status, StatusCode::OK);
        assert_eq!(served.headers["content-type"], "image/jpeg");
        assert_eq!(&served.bytes[..2], &[0xff, 0xd8], "re-encoded as JPEG");

        // The town sees the check with its photos, on the API and on its page.
        let chengguan = app.token("chengguan").await;
        assert_eq!(
            app.get(&format!("{path}/{id}"), Some(&chengguan))
                .await
                .status,
            StatusCode::OK
        );
        let town = app.browser_login("chengguan").await;
        let page = app
            .page(&town.cookie, &format!("/units/{unit}/checks/{id}"))
            .await;
        assert_eq!(page.status, StatusCode::OK);
        assert_eq!(page.text().matches("data-testid=\"item-photo\"").count(), 2);
        assert_eq!(
            app.page(&town.cookie, &format!("/unit-photos/{photo_id}?thumb=1"))
                .await
                .status,
            StatusCode::OK
        );
        // Another town finds neither the check nor its photo; a check under another
        // unit's address is not found either.
        let xuanwo = app.token("xuanwo").await;
        for p in [
            format!("{path}/{id}"),
            format!("/api/v1/unit-photos/{photo_id}"),
        ] {
            assert_eq!(
                app.get(&p, Some(&xuanwo)).await.status,
                StatusCode::NOT_FOUND,
                "{p}"
            );
        }
        let other = app.browser_login("xuanwo").await;
        assert_eq!(
            app.page(&other.cookie, &format!("/unit-photos/{photo_id}"))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        let admin = app.token("admin").await;
        let elsewhere = app
            .post_json("/api/v1/units", Some(&admin), &json!({"name": "汉阴县城关镇某小作坊", "no_uscc_reason": "个体工商户", "region": "610921100001"}))
            .await
            .json()["id"]
            .as_i64()
            .expect("another unit");
        let county = admin;
        assert_eq!(
            app.get(
                &format!("/api/v1/units/{elsewhere}/checks/{id}"),
                Some(&county)
            )
            .await
            .status,
            StatusCode::NOT_FOUND
        );
    }
);

story!(
    the_phone_check_keeps_a_lines_photo_on_its_finding_too,
    |app| {
        let qiye = app.token("qiye").await;
        let unit = own_unit(&app, &qiye).await;
        let own = app.browser_login("qiye").await;
        let form = app
            .page(&own.cookie, &format!("/units/{unit}/checks/new"))
            .await;
        assert!(form.text().contains("enctype=\"multipart/form-data\""));
        let text = form.text();
        let at = text.find("name=\"result_").expect("a line") + "name=\"result_".len();
        let key = text[at..at + text[at..].find('"').unwrap()].to_owned();
        let (result, finding, deadline, photo) = (
            format!("result_{key}"),
            format!("finding_{key}"),
            format!("deadline_{key}"),
            format!("photo_{key}"),
        );
        let picture = png(80, 60);
        // A file that is not a picture is named by its line.
        let r = app
            .submit_multipart(
                &own,
                &format!("/units/{unit}/checks"),
                &[("checked_on", &today())],
                &[(photo.as_str(), b"%PDF-1.4 not a photo".as_slice())],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("data-field=\"items[0].photo\""));
        let saved = app
            .submit_multipart(
                &own,
                &format!("/units/{unit}/checks"),
                &[
                    ("checked_on", &today()),
                    (result.as_str(), "hazard"),
                    (finding.as_str(), "灭火器压力不足"),
                    (deadline.as_str(), &in_days(7)),
                ],
                &[(photo.as_str(), picture.as_slice())],
            )
            .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
        let checks = app
            .get(&format!("/api/v1/units/{unit}/checks"), Some(&qiye))
            .await
            .json();
        assert_eq!(checks["total"], 1, "the refused form wrote nothing");
        let id = checks["items"][0]["id"].as_i64().unwrap();
        let detail = app
            .get(&format!("/api/v1/units/{unit}/checks/{id}"), Some(&qiye))
            .await
            .json();
        assert_eq!(detail["item_photos"][0]["item_position"], 0);
        let hazard = detail["hazard_ids"][0].as_i64().unwrap();
        let h = app
            .get(&format!("/api/v1/hazards/{hazard}"), Some(&qiye))
            .await
            .json();
        assert_eq!(h["photos"].as_array().unwrap().len(), 1, "{h}");
        assert_eq!(h["photos"][0]["stage"], "before");
    }
);

story!(
    a_training_keeps_its_signed_sheet_and_refuses_bad_numbers,
    |app| {
        let qiye = app.token("qiye").await;
        let unit = own_unit(&app, &qiye).await;
        let path = format!("/api/v1/units/{unit}/trainings");
        let training = json!({
            "kind": "monthly_exam", "held_on": today(), "topic": "危化品储存规范",
            "hours": 1.5, "attendees": ["张三", "李四"], "scores": [92, 78],
            "sign_in_sheet": base64_png()
        });
        let mut bad = training.clone();
        bad["sign_in_sheet"] = json!("bm90IGEgcGljdHVyZQ==");
        let r = app.post_json(&path, Some(&qiye), &bad).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.first_error().0, "sign_in_sheet");
        let made = app.post_json(&path, Some(&qiye), &training).await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
        let sheet = made.json()["sign_in_sheet_photo"]
            .as_i64()
            .expect("a sheet");
        let chengguan = app.token("chengguan").await;
        assert_eq!(
            app.get(&format!("/api/v1/unit-photos/{sheet}"), Some(&chengguan))
                .await
                .status,
            StatusCode::OK
        );
        let xuanwo = app.token("xuanwo").await;
        assert_eq!(
            app.get(&format!("/api/v1/unit-photos/{sheet}"), Some(&xuanwo))
                .await
                .status,
            StatusCode::NOT_FOUND
        );

        // On the phone: the form's faults name their fields and write nothing.
        let own = app.browser_login("qiye").await;
        let page_path = format!("/units/{unit}/trainings");
        let page = app.page(&own.cookie, &page_path).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.text().contains("data-testid=\"training-form\""));
        let good: Vec<(&str, String)> = vec![
            ("kind", "pre_shift".into()),
            ("held_on", today()),
            ("topic", "当班安全提示".into()),
            ("hours", "0.25".into()),
            ("attendee_count", "8".into()),
        ];
        let cases: Vec<(&str, &str, &str)> = vec![
            ("hours", "abc", "hours"),
            ("hours", "-1", "hours"),
            ("hours", "25", "hours"),
            ("held_on", "2999-01-01", "held_on"),
            ("held_on", "1999-12-31", "held_on"),
            ("kind", "weekly", "kind"),
            ("scores", "90, 八十", "scores"),
            ("attendee_count", "-3", "attendee_count"),
            ("topic", "主题\u{0}", "topic"),
        ];
        for (name, value, field) in cases {
            let fields: Vec<(&str, &str)> = good
                .iter()
                .map(|(k, v)| (*k, if *k == name { value } else { v.as_str() }))
                .chain((!good.iter().any(|(k, _)| *k == name)).then_some((name, value)))
                .collect();
            let r = app.submit_multipart(&own, &page_path, &fields, &[]).await;
            assert!(
                r.status == StatusCode::UNPROCESSABLE_ENTITY
                    || (r.status == StatusCode::BAD_REQUEST && value.contains('\u{0}')),
                "{name}={value}: {}",
                r.status
            );
            // A NUL is refused before the form is read, on the error page.
            if !value.contains('\u{0}') {
                assert!(
                    r.text().contains(&format!("data-field=\"{field}\"")),
                    "{name}={value} names {field}"
                );
            }
        }
        assert_eq!(
            app.get(&path, Some(&qiye)).await.json()["total"],
            1,
            "nothing written by the refused forms"
        );
        let fields: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let picture = png(120, 90);
        let saved = app
            .submit_multipart(&own, &page_path, &fields, &[("file", picture.as_slice())])
            .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
        let list = app.page(&own.cookie, &page_path).await.text();
        assert_eq!(list.matches("data-testid=\"sheet-photo\"").count(), 2);
        // The town reads the unit's trainings; another town does not find them.
        let town = app.browser_login("chengguan").await;
        assert_eq!(
            app.page(&town.cookie, &page_path).await.status,
            StatusCode::OK
        );
        let other = app.browser_login("xuanwo").await;
        assert_eq!(
            app.page(&other.cookie, &page_path).await.status,
            StatusCode::NOT_FOUND
        );
    }
);

story!(
    the_certificate_register_lists_prints_and_takes_a_units_certificate,
    |app| {
        let qiye = app.token("qiye").await;
        let unit = own_unit(&app, &qiye).await;
        let own = app.browser_login("qiye").await;
        let unit_page = format!("/certificates?unit={unit}");
        let page = app.page(&own.cookie, &unit_page).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.text().contains("data-testid=\"certificate-form\""));
        let post = format!("/units/{unit}/certificates");
        let refused = app
            .submit(
                &own,
                &post,
                &[
                    ("holder", "王强"),
                    ("kind", "special_operation"),
                    ("category", "electrician"),
                    ("number", "T3204-2025-118"),
                    ("issued_on", &days_ago(30)),
                    ("expires_on", &days_ago(60)),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.text().contains("data-field=\"expires_on\""));
        let issued = days_ago(3 * 365 - 20);
        let saved = app
            .submit(
                &own,
                &post,
                &[
                    ("holder", "王强"),
                    ("kind", "special_operation"),
                    ("category", "electrician"),
                    ("number", "T3204-2023-118"),
                    ("issued_on", &issued),
                    ("expires_on", &in_days(2000)),
                ],
            )
            .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
        // Due within 30 days (the three-year review): on the town's register, its print
        // view and its export; not on another town's.
        let town = app.browser_login("chengguan").await;
        let register = app
            .page(&town.cookie, "/certificates?due_within_days=30")
            .await;
        assert_eq!(register.status, StatusCode::OK);
        assert!(register.text().contains("T3204-2023-118"));
        assert!(register.text().contains("tag-warn"), "marked as due soon");
        let printed = app
            .page(&town.cookie, "/certificates?due_within_days=30&print=1")
            .await;
        assert_eq!(printed.status, StatusCode::OK);
        assert!(printed.text().contains("T3204-2023-118"));
        assert!(
            printed.text().contains("data-testid=\"ledger-print\""),
            "the paper form"
        );
        let xlsx = app
            .page(&town.cookie, "/certificates/export?format=xlsx")
            .await;
        assert_eq!(xlsx.status, StatusCode::OK);
        assert_eq!(&xlsx.bytes[..2], b"PK");
        assert_eq!(
            app.page(&town.cookie, "/certificates?due_within_days=99999")
                .await
                .status,
            StatusCode::UNPROCESSABLE_ENTITY
        );
        let other = app.browser_login("xuanwo").await;
        let theirs = app.page(&other.cookie, "/certificates").await;
        assert_eq!(theirs.status, StatusCode::OK);
        assert!(!theirs.text().contains("T3204-2023-118"));
        assert_eq!(
            app.page(&other.cookie, &unit_page).await.status,
            StatusCode::NOT_FOUND
        );
        // Another town cannot record for the unit either.
        let r = app
            .submit(
                &other,
                &post,
                &[("holder", "某人"), ("kind", "principal"), ("number", "X")],
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    }
);
