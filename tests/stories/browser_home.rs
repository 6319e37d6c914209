//! Each person's start page in a real browser, on a 390×844 phone and a desktop: the county's
//! figures and tables, the town's and the village member's big report button, the unit's
//! hazards to rectify; and the dashboard's four charts drawn by ECharts under the page's
//! content security policy. Screenshots land in `target/tmp/home-*.png`.

use crate::browser::{
    assert_fits_the_screen, browser, chromedriver, save_screenshot, serve, sign_in, start_driver,
};
use crate::support::*;
use fantoccini::Locator;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_role_opens_on_its_own_work() {
    let Some(path) = chromedriver() else { return };
    let app = TestApp::start(Backend::Sqlite).await;
    crate::stats::seed_ledger(&app).await;
    let base = serve(&app).await;
    let driver = start_driver(&path).await;
    // Who, what their start page must hold, and whether it has the big report button.
    let roles = [
        ("admin", "home-by_department", false),
        ("chengguan", "home-by_place", true),
        ("anjian", "home-inspections", true),
        ("cunwang", "home-list", true),
        ("qiye", "home-unit_file", false),
    ];
    for (device, width, height) in [("phone", 390, 844), ("desktop", 1280, 900)] {
        for (who, panel, button) in roles {
            let c = browser(&driver, width, height).await;
            sign_in(&c, &base, who).await;
            c.goto(&format!("{base}/")).await.unwrap();
            c.find(Locator::Css(&format!("[data-testid={panel}]")))
                .await
                .unwrap_or_else(|_| panic!("{who}: {panel}"));
            let has_button = c
                .find(Locator::Css("[data-testid=report-hazard]"))
                .await
                .is_ok();
            assert_eq!(has_button, button, "{who}'s report button");
            assert_fits_the_screen(&c, &format!("{who}'s start page on a {device}")).await;
            save_screenshot(&c, &format!("home-{device}-{who}")).await;
            // A figure leads to the list it counts.
            if who == "admin" {
                c.find(Locator::Css("[data-testid=tile-hazards-overdue]"))
                    .await
                    .unwrap()
                    .click()
                    .await
                    .unwrap();
                // Only the ledger has its export button: the start page is gone by then.
                c.wait()
                    .for_element(Locator::Css("[data-testid=export-hazards]"))
                    .await
                    .unwrap();
                let url = c.current_url().await.unwrap();
                assert!(url.as_str().ends_with("/hazards?overdue=1"), "{url}");
                if device == "phone" {
                    // On a phone the ledger is a card per hazard, not a wide table.
                    let shown = c
                        .execute(
                            "const t = document.querySelector('table.cards');
                             return [getComputedStyle(t.querySelector('thead')).display,
                                     getComputedStyle(t.querySelector('tbody tr')).display];",
                            vec![],
                        )
                        .await
                        .unwrap();
                    assert_eq!(shown, serde_json::json!(["none", "flex"]));
                    assert_fits_the_screen(&c, "the overdue hazards on a phone").await;
                    save_screenshot(&c, "hazards-cards-phone").await;
                }
            }
            c.close().await.unwrap();
        }
    }
    // The dashboard: four charts drawn, as SVG, on a desktop and a phone.
    for (device, width, height) in [("desktop", 1280, 900), ("phone", 390, 844)] {
        let c = browser(&driver, width, height).await;
        sign_in(&c, &base, "admin").await;
        c.goto(&format!("{base}/dashboard")).await.unwrap();
        c.wait()
            .for_element(Locator::Css(".dashboard[data-drawn='4']"))
            .await
            .expect("the four charts are drawn");
        let svgs = c
            .execute(
                "return document.querySelectorAll('.echart svg').length;",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(svgs.as_i64(), Some(4), "{device}");
        save_screenshot(&c, &format!("dashboard-{device}")).await;
        c.close().await.unwrap();
    }
}
