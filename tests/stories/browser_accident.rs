//! A village grid member's quick accident report on a 390×844 phone: the village's unit is
//! picked, the kind chosen, one seriously injured typed, a photo of the scene taken, and the
//! report sent; the accident's page shows its level and the chain it travels with each step's
//! time, and the town's station finds it in its ledger. Screenshots in
//! `target/tmp/accident-*.png`.

use crate::browser::{
    assert_fits_the_screen, browser, chromedriver, click, fill, save_screenshot, serve, sign_in,
    start_driver,
};
use crate::support::*;
use fantoccini::Locator;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_village_member_reports_an_accident_on_a_phone() {
    let Some(path) = chromedriver() else { return };
    let app = TestApp::start(Backend::Sqlite).await;
    let qiye = app.token("qiye").await;
    let unit = app.get("/api/v1/units", Some(&qiye)).await.json()["items"][0]["id"]
        .as_i64()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let photo = dir.path().join("scene.png");
    std::fs::write(&photo, crate::hazards::png(640, 480)).unwrap();
    let photo = photo.to_str().unwrap().to_owned();
    let base = serve(&app).await;
    let driver = start_driver(&path).await;
    let c = browser(&driver, 390, 844).await;
    sign_in(&c, &base, "cunwang").await;
    c.goto(&format!("{base}/accidents")).await.unwrap();
    click(&c, "[data-testid=report-accident]").await;
    c.wait()
        .for_element(Locator::Css("[data-testid=accident-form]"))
        .await
        .unwrap();
    assert_fits_the_screen(&c, "the quick report on a phone").await;
    c.find(Locator::Css(
        "[data-testid=accident-form] select[name=unit_id]",
    ))
    .await
    .unwrap()
    .select_by_value(&unit.to_string())
    .await
    .unwrap();
    c.find(Locator::Css(
        "[data-testid=accident-form] select[name=kind]",
    ))
    .await
    .unwrap()
    .select_by_value("lifting")
    .await
    .unwrap();
    fill(
        &c,
        "[data-testid=accident-form] input[name=serious_injuries]",
        "1",
    )
    .await;
    fill(
        &c,
        "[data-testid=accident-form] textarea[name=description]",
        "卸货时吊钩脱落砸伤一人，已送县医院",
    )
    .await;
    c.find(Locator::Css("[data-testid=accident-form] input[type=file]"))
        .await
        .unwrap()
        .send_keys(&photo)
        .await
        .unwrap();
    save_screenshot(&c, "accident-report-phone").await;
    click(&c, "[data-testid=send-accident]").await;
    c.wait()
        .for_element(Locator::Css("[data-testid=chain]"))
        .await
        .unwrap();
    let level = c
        .find(Locator::Css("[data-testid=accident-level]"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(level, "一般事故");
    let steps = c
        .find_all(Locator::Css("[data-testid=chain] li"))
        .await
        .unwrap();
    assert!(steps.len() >= 3, "unit, town and county at least");
    c.wait()
        .for_element(Locator::Css("[data-testid=accident-photo]"))
        .await
        .unwrap();
    assert_fits_the_screen(&c, "the accident on a phone").await;
    save_screenshot(&c, "accident-phone").await;
    c.execute("document.getElementById('chain').scrollIntoView()", vec![])
        .await
        .unwrap();
    save_screenshot(&c, "accident-chain-phone").await;
    // The town's station has it in its ledger.
    let chengguan = app.token("chengguan").await;
    let ledger = app.get("/api/v1/accidents", Some(&chengguan)).await.json();
    assert_eq!(ledger["total"], 1);
    assert_eq!(ledger["items"][0]["kind"], "lifting");
    assert_eq!(ledger["items"][0]["serious_injuries"], 1);
    c.close().await.unwrap();
}
