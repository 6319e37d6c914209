//! A unit's daily check on a 390×844 phone: its own grid's lines come up marked OK, one is
//! marked as a hazard with what is wrong and photographed, the check is saved, today turns
//! green on the month's strip, the check shows its photo and the finding is in the hazard
//! ledger; then the morning's pre-shift briefing is recorded with its signed sheet.
//! Screenshots in `target/tmp/own-check*.png` and `target/tmp/own-training-phone.png`.

use crate::browser::{
    assert_fits_the_screen, browser, chromedriver, click, fill, save_screenshot, serve, sign_in,
    start_driver,
};
use crate::support::*;
use fantoccini::Locator;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_unit_checks_itself_on_a_phone() {
    let Some(path) = chromedriver() else { return };
    let app = TestApp::start(Backend::Sqlite).await;
    let qiye = app.token("qiye").await;
    let unit = app.get("/api/v1/units", Some(&qiye)).await.json()["items"][0]["id"]
        .as_i64()
        .unwrap();
    // Every day a working day, so today is owed whatever day the run falls on.
    app.put_json(
        &format!("/api/v1/units/{unit}/working-days"),
        Some(&qiye),
        &json!({"working_days": "1111111"}),
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let photo = dir.path().join("line.png");
    std::fs::write(&photo, crate::hazards::png(640, 480)).unwrap();
    let photo = photo.to_str().unwrap().to_owned();
    let base = serve(&app).await;
    let driver = start_driver(&path).await;
    let c = browser(&driver, 390, 844).await;
    sign_in(&c, &base, "qiye").await;
    c.goto(&format!("{base}/units/{unit}/checks/new"))
        .await
        .unwrap();
    let lines = c.find_all(Locator::Css(".check-item")).await.unwrap();
    assert!(
        lines.len() >= 2,
        "the unit's own grid gives the day's lines"
    );
    assert_fits_the_screen(&c, "the daily check on a phone").await;
    click(&c, ".check-item:nth-child(2) label.choice.bad").await;
    fill(
        &c,
        ".check-item:nth-child(2) input[name^=finding_]",
        "灭火器压力不足",
    )
    .await;
    c.find(Locator::Css(".check-item:nth-child(2) input[type=file]"))
        .await
        .unwrap()
        .send_keys(&photo)
        .await
        .unwrap();
    save_screenshot(&c, "own-check-phone").await;
    click(&c, "[data-testid=save-check]").await;
    c.wait()
        .for_element(Locator::Css("[data-testid=month-strip]"))
        .await
        .unwrap();
    let today = safegrid_domain::time::today().to_string();
    let class = c
        .find(Locator::Css(&format!(".month-strip li[title='{today}']")))
        .await
        .unwrap()
        .attr("class")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(class.contains("day-done"), "today is done: {class}");
    assert_fits_the_screen(&c, "the unit's checks on a phone").await;
    save_screenshot(&c, "own-checks-phone").await;
    // The check as found, with the line's photo.
    click(&c, "[data-testid=unit-checks] tbody a").await;
    c.wait()
        .for_element(Locator::Css("[data-testid=item-photo]"))
        .await
        .unwrap();
    assert_fits_the_screen(&c, "a check with its photo on a phone").await;
    save_screenshot(&c, "own-check-detail-phone").await;
    // The morning's briefing, with a photo of its signed sheet.
    c.goto(&format!("{base}/units/{unit}/trainings"))
        .await
        .unwrap();
    c.find(Locator::Css(
        "[data-testid=training-form] select[name=kind]",
    ))
    .await
    .unwrap()
    .select_by_value("pre_shift")
    .await
    .unwrap();
    fill(
        &c,
        "[data-testid=training-form] input[name=topic]",
        "当班安全提示：叉车作业区",
    )
    .await;
    fill(
        &c,
        "[data-testid=training-form] input[name=attendee_count]",
        "12",
    )
    .await;
    c.find(Locator::Css("[data-testid=training-form] input[type=file]"))
        .await
        .unwrap()
        .send_keys(&photo)
        .await
        .unwrap();
    assert_fits_the_screen(&c, "the training form on a phone").await;
    click(&c, "[data-testid=save-training]").await;
    c.wait()
        .for_element(Locator::Css("[data-testid=sheet-photo]"))
        .await
        .unwrap();
    save_screenshot(&c, "own-training-phone").await;
    let trainings = app
        .get(&format!("/api/v1/units/{unit}/trainings"), Some(&qiye))
        .await
        .json();
    assert_eq!(trainings["items"][0]["kind"], "pre_shift");
    assert_eq!(trainings["items"][0]["attendee_count"], 12);
    assert!(trainings["items"][0]["sign_in_sheet_photo"].is_i64());
    let hazards = app
        .get("/api/v1/hazards?source=self_check", Some(&qiye))
        .await
        .json();
    assert!(
        hazards["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["description"]
                .as_str()
                .unwrap_or("")
                .contains("灭火器压力不足")),
        "{hazards}"
    );
    c.close().await.unwrap();
}
