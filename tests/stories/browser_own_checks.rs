//! A unit's daily check on a 390×844 phone: its own grid's lines come up marked OK, one is
//! marked as a hazard with what is wrong, the check is saved, today turns green on the month's
//! strip and the finding is in the hazard ledger. Screenshots in `target/tmp/own-check-*.png`.

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
