//! Who sees and touches a hazard and its photos, account by account: one table of the demo's
//! accounts against every way in (detail, list, counts, export, photo, thumbnail, adding a
//! photo, acting on it). Out of scope reads like a missing object, and lists, counts and exports
//! leave it out; a referral to another department brings that department in.

use crate::hazards::{BOUNDARY, photo_form, png};
use crate::support::*;
use axum::http::StatusCode;
use serde_json::json;

/// What an account can do with the hazard: `Sees` it and may add photos, `Reads` it only, is
/// `Outside` its scope, or holds an `Admin` role that sees no supervision data at all (to whom
/// it is as missing as to an outsider, and who may add nothing anywhere).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Reach {
    Sees,
    Reads,
    Outside,
    Admin,
}

/// The hazard is reported by `cunwang` at the `qiye` supermarket, in the first village of
/// 城关镇 and supervised by 县市场监管局 only (whose staff the story adds and checks too).
const MATRIX: &[(&str, Reach)] = &[
    ("admin", Reach::Sees),
    ("anweiban", Reach::Sees),
    ("chengguan", Reach::Sees),
    ("cunwang", Reach::Sees),
    ("qiye", Reach::Sees),
    ("lingdao", Reach::Reads),
    ("xuanwo", Reach::Outside),
    ("anjian", Reach::Outside),
    ("zhujian", Reach::Outside),
    ("sysadmin", Reach::Admin),
    ("secadmin", Reach::Admin),
    ("auditor", Reach::Admin),
];

const DESCRIPTION: &str = "超市后门消防通道堆放纸箱";

/// Checks every way in for one account; `photo` is a photo already on the hazard.
async fn check(app: &TestApp, who: &str, token: &str, reach: Reach, id: i64, photo: i64) {
    let visible = matches!(reach, Reach::Sees | Reach::Reads);
    let read = if visible {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    };
    let status = |path: String| async move { app.get(&path, Some(token)).await.status };

    assert_eq!(
        status(format!("/api/v1/hazards/{id}")).await,
        read,
        "{who}: detail"
    );
    assert_eq!(
        status(format!("/api/v1/hazard-photos/{photo}")).await,
        read,
        "{who}: photo"
    );
    assert_eq!(
        status(format!("/api/v1/hazard-photos/{photo}?thumb=1")).await,
        read,
        "{who}: thumbnail"
    );

    let list = app.get("/api/v1/hazards", Some(token)).await;
    let counts = app.get("/api/v1/hazards/counts", Some(token)).await;
    let export = app
        .get("/api/v1/hazards/export?format=csv", Some(token))
        .await;
    for (what, reply) in [("list", &list), ("counts", &counts), ("export", &export)] {
        assert_eq!(reply.status, StatusCode::OK, "{who}: {what}");
    }
    assert!(
        export.text().starts_with("\u{feff}"),
        "{who}: an export with its header"
    );
    let listed = list.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|h| h["id"] == id);
    assert_eq!(listed, visible, "{who}: listed");
    assert_eq!(
        counts.json()["by_state"]
            .as_object()
            .unwrap_or_else(|| panic!("{who}: counts by state"))
            .get("reported")
            .map_or(0, |n| n.as_i64().unwrap()),
        i64::from(visible),
        "{who}: counted"
    );
    assert_eq!(
        export.text().contains(DESCRIPTION),
        visible,
        "{who}: exported"
    );

    // Adding a photo: those who may act on it, not readers, not outsiders.
    let added = app
        .post_raw(
            &format!("/api/v1/hazards/{id}/photos"),
            Some(token),
            &format!("multipart/form-data; boundary={BOUNDARY}"),
            photo_form("before", "site.png", &png(16, 12)),
            None,
        )
        .await;
    let expected = match reach {
        Reach::Sees => StatusCode::CREATED,
        Reach::Reads | Reach::Admin => StatusCode::FORBIDDEN,
        Reach::Outside => StatusCode::NOT_FOUND,
    };
    assert_eq!(added.status, expected, "{who}: add photo: {}", added.text());

    // Verifying a hazard that is only reported is refused to everyone who can see it (the state,
    // or a reader's role, says why); outsiders learn nothing.
    let acted = app
        .post_json(
            &format!("/api/v1/hazards/{id}/transitions"),
            Some(token),
            &json!({"action": "verify"}),
        )
        .await;
    let expected = match reach {
        Reach::Sees | Reach::Reads => StatusCode::CONFLICT,
        Reach::Outside | Reach::Admin => StatusCode::NOT_FOUND,
    };
    assert_eq!(acted.status, expected, "{who}: act: {}", acted.text());
}

story!(every_account_reaches_a_hazard_as_its_scope_allows, |app| {
    let cunwang = app.token("cunwang").await;
    let qiye = app.token("qiye").await;
    let unit = app.get("/api/v1/units", Some(&qiye)).await.json()["items"][0]["id"]
        .as_i64()
        .unwrap();
    let made = app
        .post_json(
            "/api/v1/hazards",
            Some(&cunwang),
            &json!({"unit_id": unit, "level": "general", "source": "village_report",
                    "description": DESCRIPTION}),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
    let id = made.json()["id"].as_i64().unwrap();
    let photo = app
        .post_raw(
            &format!("/api/v1/hazards/{id}/photos"),
            Some(&cunwang),
            &format!("multipart/form-data; boundary={BOUNDARY}"),
            photo_form("before", "door.png", &png(32, 24)),
            None,
        )
        .await
        .json()["id"]
        .as_i64()
        .unwrap();

    for (who, reach) in MATRIX {
        let token = app.token(who).await;
        check(&app, who, &token, *reach, id, photo).await;
    }
    // Staff of the department that supervises the unit see it too.
    let admin = app.token("admin").await;
    let market = app.department_id(&admin, "县市场监管局").await;
    let shichang = app
        .new_account(
            "shichang",
            json!({"display_name": "县市场监管局", "role": "department_staff", "scope_department_id": market}),
        )
        .await;
    check(&app, "shichang", &shichang, Reach::Sees, id, photo).await;

    // Referred to 县安监局, the hazard comes into that department's sight (and stays in the
    // town's, where it was found); 县住建局 still does not see it.
    let anjian = app.token("anjian").await;
    let department = app.department_id(&anjian, "县安监局").await;
    let chengguan = app.token("chengguan").await;
    let referred = app
        .post_json(
            &format!("/api/v1/hazards/{id}/transitions"),
            Some(&chengguan),
            &json!({"action": "refer", "department_id": department, "comment": "涉及危化品储存"}),
        )
        .await;
    assert_eq!(referred.status, StatusCode::OK, "{}", referred.text());
    for (who, reach) in [
        ("anjian", Reach::Sees),
        ("chengguan", Reach::Sees),
        ("zhujian", Reach::Outside),
    ] {
        let token = app.token(who).await;
        check(&app, who, &token, reach, id, photo).await;
    }
    let accepted = app
        .post_json(
            &format!("/api/v1/hazards/{id}/transitions"),
            Some(&anjian),
            &json!({"action": "accept", "deadline": (safegrid_domain::time::today() + chrono::Days::new(10)).to_string()}),
        )
        .await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.text());
    assert_eq!(accepted.json()["state"], "rectifying");
});
