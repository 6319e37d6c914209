//! The county's annual assessment on a 390×844 phone: the safety committee office opens the
//! year's table, changes the scheme (the weights must add up to 100, a fault named in the
//! form), sees the scores follow it, and opens a town's figures and what it missed.
//! Screenshots in `target/tmp/assessment*.png`.

use crate::browser::{
    assert_fits_the_screen, browser, chromedriver, click, fill, save_screenshot, serve, sign_in,
    start_driver,
};
use crate::support::*;
use fantoccini::Locator;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_county_reads_and_tunes_its_assessment_on_a_phone() {
    let Some(path) = chromedriver() else { return };
    let app = TestApp::start(Backend::Sqlite).await;
    let base = serve(&app).await;
    let driver = start_driver(&path).await;
    let c = browser(&driver, 390, 844).await;
    sign_in(&c, &base, "admin").await;
    c.goto(&format!("{base}/assessment")).await.unwrap();
    let rows = c
        .find_all(Locator::Css("[data-testid=party-town]"))
        .await
        .unwrap();
    assert!(rows.len() >= 3, "the county's towns are ranked");
    assert_fits_the_screen(&c, "the assessment on a phone").await;
    save_screenshot(&c, "assessment-phone").await;
    // Weights that do not add up are refused, naming the field.
    click(&c, "#scheme summary").await;
    let duties = "[data-testid=scheme-form] input[name=duties]";
    fill(&c, duties, "45").await;
    click(&c, "[data-testid=save-scheme]").await;
    c.wait()
        .for_element(Locator::Css(
            "[data-testid=form-errors] li[data-field=duties]",
        ))
        .await
        .unwrap();
    assert_fits_the_screen(&c, "the scheme's fault on a phone").await;
    // Five points from rectification to duties: saved, and the table scores by it.
    let rectification = "[data-testid=scheme-form] input[name=rectification]";
    fill(&c, rectification, "20").await;
    click(&c, "[data-testid=save-scheme]").await;
    c.wait()
        .for_element(Locator::Css("[data-testid=scheme-saved]"))
        .await
        .unwrap();
    let admin = app.token("admin").await;
    let scheme = app
        .get("/api/v1/settings/assessment-scheme", Some(&admin))
        .await
        .json();
    assert_eq!(scheme["duties"], 45);
    assert_eq!(scheme["rectification"], 20);
    // A town's figures and what it missed.
    click(&c, "[data-testid=party-town] a").await;
    c.wait()
        .for_element(Locator::Css("[data-testid=indicators]"))
        .await
        .unwrap();
    let duties = c
        .find(Locator::Css("[data-testid=indicator-duties]"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        duties.contains("/ 45"),
        "scored by the new scheme: {duties}"
    );
    assert_fits_the_screen(&c, "a town's assessment on a phone").await;
    save_screenshot(&c, "assessment-town-phone").await;
    c.close().await.unwrap();
}
