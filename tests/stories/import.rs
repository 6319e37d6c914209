//! The census in: the template, and messy spreadsheets made here — full-width characters,
//! stray spaces, a merged title row, lower-case codes, numbers as decimals, empty trailing
//! rows — imported as a dry run, all or nothing, or the good rows only.

use crate::support::*;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::Value;

fn uscc(body: &str) -> String {
    let first17 = format!("91610921{body}");
    let check = safegrid_domain::unit::uscc::check_character(first17.as_bytes()).unwrap();
    format!("{first17}{check}")
}

async fn upload(app: &TestApp, token: &str, name: &str, bytes: Vec<u8>, mode: &str) -> Reply {
    let boundary = "----safegridstory";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"mode\"\r\n\r\n{mode}\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
    );
    body.extend_from_slice(&bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let request = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/units/import")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(axum::body::Body::from(body))
        .unwrap();
    app.send(request).await
}

async fn village(app: &TestApp, token: &str, town: &str) -> String {
    let v = app
        .get(&format!("/api/v1/regions?parent={town}"), Some(token))
        .await
        .json();
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["kind"] == "village")
        .unwrap()["code"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn errors_of(reply: &Reply) -> Vec<(i64, String)> {
    reply.json()["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["row"].as_i64().unwrap(),
                e["field"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

story!(a_messy_csv_is_normalised_and_checked, |app| {
    let token = app.token("chengguan").await;
    let v = village(&app, &token, CHENGGUAN).await;
    let other = village(&app, &app.token("xuanwo").await, XUANWO).await;
    let good = uscc("MA6Y00001");
    let second = uscc("MA6Y00002");
    let bad = format!("{}X", &good[..17]);
    let csv = format!(
        "城关镇生产经营单位摸底统计表,,,,,,\n\
         单位名称 , 统一社会信用代码,无信用代码原因,所在村（社区）区划代码,重点行业,从业人员数,监管部门\n\
         \u{3000}城关甲厂 ,{lower},,{v},建筑施工,12.0,县住建局\n\
         城关乙店,,个体工商户,{fullwidth},,3,\n\
         城关丙厂,{bad},,{v},,5,\n\
         城关丁厂,,个体,{other},,5,\n\
         城关戊厂,{second},,{v},月球采矿,5,县不存在局\n\
         ,,,,,,\n,,,,,,\n",
        lower = good.to_lowercase(),
        fullwidth = v
            .chars()
            .map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap())
            .collect::<String>(),
    );
    let dry = upload(
        &app,
        &token,
        "census.csv",
        csv.clone().into_bytes(),
        "dry_run",
    )
    .await;
    assert_eq!(dry.status, StatusCode::OK, "{}", dry.text());
    assert_eq!(
        dry.json()["total_rows"],
        5,
        "the title row, the header and the empty rows are not counted"
    );
    assert_eq!(dry.json()["imported"], 0);
    let errors = errors_of(&dry);
    assert!(errors.contains(&(5, "uscc".into())), "{errors:?}");
    assert!(
        errors.contains(&(6, "region".into())),
        "another town's village: {errors:?}"
    );
    assert!(errors.contains(&(7, "sector".into())), "{errors:?}");
    assert!(
        errors.iter().all(|(row, _)| *row >= 5),
        "rows 3 and 4 are good: {errors:?}"
    );
    assert_eq!(
        app.get("/api/v1/units?q=城关甲厂", Some(&token))
            .await
            .json()["total"],
        0,
        "a dry run changes nothing"
    );

    let strict = upload(
        &app,
        &token,
        "census.csv",
        csv.clone().into_bytes(),
        "all_or_nothing",
    )
    .await;
    assert_eq!(strict.json()["imported"], 0, "one bad row stops them all");
    assert_eq!(
        app.get("/api/v1/units?q=城关甲厂", Some(&token))
            .await
            .json()["total"],
        0
    );

    let some = upload(&app, &token, "census.csv", csv.into_bytes(), "valid_rows").await;
    assert_eq!(some.json()["imported"], 2, "{}", some.text());
    let found = app
        .get("/api/v1/units?q=城关甲厂", Some(&token))
        .await
        .json();
    assert_eq!(found["total"], 1);
    let unit = &found["items"][0];
    assert_eq!(unit["uscc"], good, "upper-cased");
    assert_eq!(unit["name"], "城关甲厂", "trimmed, full-width space too");
    assert_eq!(unit["employees"], 12);
    assert_eq!(unit["sector_code"], "construction");
    let detail = app
        .get(&format!("/api/v1/units/{}", unit["id"]), Some(&token))
        .await
        .json();
    assert_eq!(
        detail["supervising_departments"][0]["short_name"],
        "县住建局"
    );
    let shop = app
        .get("/api/v1/units?q=城关乙店", Some(&token))
        .await
        .json();
    assert_eq!(
        shop["items"][0]["region"], v,
        "full-width digits read as the village code"
    );

    // Importing the same file again finds every unit already there.
    let again = upload(
        &app,
        &token,
        "again.csv",
        format!("单位名称,统一社会信用代码,所在村（社区）区划代码\n再来,{good},{v}\n").into_bytes(),
        "valid_rows",
    )
    .await;
    assert_eq!(errors_of(&again), vec![(2, "uscc".to_owned())]);
});

story!(an_xlsx_from_the_template_imports, |app| {
    let token = app.token("admin").await;
    let template = app.get("/api/v1/units/import/template", Some(&token)).await;
    assert_eq!(template.status, StatusCode::OK);
    let header_row = safegrid_office::read_table(&template.bytes).unwrap()[0].clone();
    assert_eq!(header_row[0], "名称");
    let v = village(&app, &token, XUANWO).await;
    let mut rows = Vec::new();
    for i in 0..30 {
        let mut row = vec![String::new(); header_row.len()];
        row[0] = format!("漩涡导入厂{i:02}");
        row[2] = "个体工商户".into();
        row[8] = v.clone();
        rows.push(row);
    }
    // As an export comes out: the form's title and a line of particulars above the header.
    let head = safegrid_office::Letterhead {
        title: "漩涡镇单位摸底统计表".into(),
        particulars: "填报单位（盖章）：漩涡镇　　制表人：王芳　　制表日期：2026-12-03".into(),
        sheet_name: "摸底统计".into(),
        footer: "第 &P 页，共 &N 页".into(),
    };
    let bytes = safegrid_office::table_xlsx(&head, &header_row, &rows).unwrap();
    let reply = upload(&app, &token, "census.xlsx", bytes, "all_or_nothing").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(
        reply.json(),
        serde_json::json!({"total_rows": 30, "imported": 30, "errors": [], "error_count": 0,
            "refused_rows": 0, "errors_truncated": false, "errors_download": null})
    );
    let xuanwo = app.token("xuanwo").await;
    assert_eq!(
        app.get("/api/v1/units?q=漩涡导入厂", Some(&xuanwo))
            .await
            .json()["total"],
        30
    );
    assert_eq!(
        app.get(
            "/api/v1/units?q=漩涡导入厂",
            Some(&app.token("chengguan").await)
        )
        .await
        .json()["total"],
        0
    );

    let garbage = upload(
        &app,
        &token,
        "x.xlsx",
        b"PK\x03\x04 not really".to_vec(),
        "dry_run",
    )
    .await;
    assert_eq!(garbage.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(garbage.first_error().0, "file");
    let headless = upload(
        &app,
        &token,
        "x.csv",
        "a,b\n1,2\n".as_bytes().to_vec(),
        "dry_run",
    )
    .await;
    assert_eq!(headless.first_error().0, "file");
    let mode = upload(
        &app,
        &token,
        "x.csv",
        "名称\n甲\n".as_bytes().to_vec(),
        "sometimes",
    )
    .await;
    assert_eq!(mode.first_error().0, "mode");
    let leader = app.token("lingdao").await;
    assert_eq!(
        upload(
            &app,
            &leader,
            "x.csv",
            "名称\n甲\n".as_bytes().to_vec(),
            "dry_run"
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    let _: Value = Value::Null;
});

story!(a_row_reports_every_error_at_once, |app| {
    let token = app.token("chengguan").await;
    let v = village(&app, &token, CHENGGUAN).await;
    // A sector the reader cannot read, a wrong check character, an unknown department: one
    // row, three errors, all reported together.
    let bad_uscc = format!("{}0", &uscc("MA6X5RW11")[..17]);
    let bad_uscc = if bad_uscc == uscc("MA6X5RW11") {
        format!("{}1", &bad_uscc[..17])
    } else {
        bad_uscc
    };
    let csv = format!(
        "name,uscc,region,sector,supervising_departments\n三错厂,{bad_uscc},{v},月球采矿,县月球局\n"
    );
    let reply = upload(&app, &token, "census.csv", csv.into_bytes(), "dry_run").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let mut fields: Vec<String> = errors_of(&reply).into_iter().map(|(_, f)| f).collect();
    fields.sort();
    assert_eq!(
        fields,
        ["sector", "supervising_departments", "uscc"],
        "{}",
        reply.text()
    );
});

story!(imports_are_bounded_and_their_errors_downloadable, |app| {
    let token = app.token("chengguan").await;
    // Rows past the limit are refused before the file is read further.
    let mut many = String::from("单位名称\n");
    for i in 0..100_001 {
        many.push_str(&format!("厂{i}\n"));
    }
    let reply = upload(&app, &token, "many.csv", many.into_bytes(), "dry_run").await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.first_error().0, "file");
    assert!(reply.first_error().1.contains("100000"), "{}", reply.text());

    // One cell far down or far right would make a dense sheet of billions of cells.
    for (row, column) in [(1_048_575u32, 0u16), (1, 16_383)] {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "单位名称").unwrap();
        sheet.write_string(row, column, "远").unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let reply = upload(&app, &token, "far.xlsx", bytes, "dry_run").await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{row},{column}"
        );
        assert_eq!(reply.first_error().0, "file");
    }

    // 1,500 refused rows: the answer lists the first 1,000, the download every one.
    let mut bad = String::from("name,region\n");
    for i in 0..1_500 {
        bad.push_str(&format!("坏厂{i},999999999999\n"));
    }
    let reply = upload(&app, &token, "bad.csv", bad.into_bytes(), "dry_run").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let answer = reply.json();
    assert_eq!(answer["refused_rows"], 1_500);
    assert_eq!(answer["errors_truncated"], true);
    let shown: std::collections::BTreeSet<i64> =
        errors_of(&reply).into_iter().map(|(r, _)| r).collect();
    assert_eq!(shown.len(), 1_000);
    let link = answer["errors_download"].as_str().unwrap();
    let all = app.get(&format!("{link}?format=csv"), Some(&token)).await;
    assert_eq!(all.status, StatusCode::OK);
    let lines = all.text().lines().count() as i64 - 1;
    assert_eq!(lines, answer["error_count"].as_i64().unwrap());
    // Another account has no such list.
    let other = app.token("xuanwo").await;
    assert_eq!(
        app.get(&format!("{link}?format=csv"), Some(&other))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
});

story!(
    a_towns_census_names_villages_and_departments_as_people_write_them,
    |app| {
        let token = app.token("chengguan").await;
        let admin = app.token("admin").await;
        // The village by its name, by town and name, and by code; the department by its name
        // before the 2018 reform (县应急管理局 for 县安监局) and several joined by 、; the
        // closing 合计 row skipped.
        let villages = app
            .get(&format!("/api/v1/regions?parent={CHENGGUAN}"), Some(&token))
            .await
            .json();
        let first = villages["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["kind"] == "village")
            .unwrap();
        let (code, name) = (
            first["code"].as_str().unwrap().to_owned(),
            first["name"].as_str().unwrap().to_owned(),
        );
        let csv = format!(
            "单位名称,无信用代码原因,所在村（社区）,监管部门\n\
         城关名称村厂,个体,{name},县应急管理局\n\
         城关镇名村厂,个体,城关镇{name},县住建局、县应急管理局\n\
         城关代码村厂,个体,{code},县安监局\n\
         城关无此村厂,个体,月亮村,\n\
         合计,4,,\n"
        );
        let dry = upload(
            &app,
            &token,
            "census.csv",
            csv.clone().into_bytes(),
            "dry_run",
        )
        .await;
        assert_eq!(dry.status, StatusCode::OK, "{}", dry.text());
        assert_eq!(dry.json()["total_rows"], 4, "the 合计 row is not a unit");
        assert_eq!(
            errors_of(&dry),
            vec![(5, "region".to_owned())],
            "{}",
            dry.text()
        );
        assert!(
            dry.json()["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("月亮村"),
            "{}",
            dry.text()
        );
        let done = upload(&app, &token, "census.csv", csv.into_bytes(), "valid_rows").await;
        assert_eq!(done.json()["imported"], 3, "{}", done.text());
        let anjian = app.token("anjian").await;
        let supervised = app
            .get("/api/v1/units?q=城关名称村厂", Some(&anjian))
            .await
            .json();
        assert_eq!(
            supervised["total"], 1,
            "the former name finds the department"
        );
        assert_eq!(supervised["items"][0]["region"], code.as_str());
        let both = app
            .get("/api/v1/units?q=城关镇名村厂", Some(&admin))
            .await
            .json();
        let id = both["items"][0]["id"].as_i64().unwrap();
        let both = app
            .get(&format!("/api/v1/units/{id}"), Some(&admin))
            .await
            .json();
        assert_eq!(
            both["supervising_departments"].as_array().map(Vec::len),
            Some(2),
            "{both}"
        );
        // The template lists the villages of the account's scope by town and name.
        let template = app.get("/api/v1/units/import/template", Some(&token)).await;
        assert_eq!(template.status, StatusCode::OK);
        let choices = safegrid_office::read_sheet(&template.bytes, "选项").unwrap();
        assert!(
            choices.iter().any(|row| row[0] == format!("城关镇{name}")),
            "{choices:?}"
        );
        assert!(
            choices.iter().all(|row| row[0].starts_with("城关镇")),
            "only the town's own villages"
        );
    }
);
