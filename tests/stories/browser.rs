//! Browser journeys in headless Chromium through chromedriver: sign in, walk the tree to a
//! grid, replace a person, see both in the history; on a desktop and a 390×844 phone screen.

use crate::support::*;
use fantoccini::{Client, ClientBuilder, Locator};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// Whether to run: required when `SAFEGRID_BROWSER_TESTS=1`, skipped (saying so) when
/// chromedriver is absent otherwise.
pub(crate) fn chromedriver() -> Option<String> {
    let required = std::env::var("SAFEGRID_BROWSER_TESTS").is_ok_and(|v| v == "1");
    let path = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
    if std::path::Path::new(&path).exists() {
        Some(path)
    } else if required {
        panic!("SAFEGRID_BROWSER_TESTS=1 but no chromedriver at {path}");
    } else {
        eprintln!("chromedriver not found: browser journey skipped");
        None
    }
}

pub(crate) struct Driver {
    child: Child,
    port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub(crate) async fn start_driver(path: &str) -> Driver {
    let port = free_port();
    // Owned by `Driver` at once, so it is killed and reaped whatever happens next.
    let driver = Driver {
        child: Command::new(path)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts"),
        port,
    };
    // Poll until it accepts connections (bounded: 100 tries, 10 s at most).
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return driver;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not start");
}

pub(crate) async fn browser(driver: &Driver, width: u32, height: u32) -> Client {
    let mut caps = serde_json::Map::new();
    let profile = tempfile::tempdir().unwrap().keep();
    let mut options = serde_json::json!({
        "binary": std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-dev-shm-usage", "--disable-quic", "--no-first-run", "--disable-component-update",
            "--disable-sync", format!("--window-size={width},{height}"), format!("--user-data-dir={}", profile.display()),
            "--lang=zh-CN"],
        "prefs": { "intl.accept_languages": "zh-CN,zh" },
    });
    // A desktop window cannot be narrower than about 500 pixels; a phone is emulated instead,
    // with its viewport, touch and user agent.
    if width < 500 {
        options["mobileEmulation"] = serde_json::json!({
            "deviceMetrics": { "width": width, "height": height, "pixelRatio": 3.0, "touch": true, "mobile": true },
        });
    }
    caps.insert("goog:chromeOptions".into(), options);
    ClientBuilder::native()
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await
        .expect("a browser session")
}

/// Nothing is wider than the screen but the tables, which scroll inside their frame.
pub(crate) async fn assert_fits_the_screen(c: &Client, what: &str) {
    let overflow = c
        .execute(
            "return document.documentElement.scrollWidth - window.innerWidth;",
            vec![],
        )
        .await
        .unwrap();
    assert!(
        overflow.as_i64().unwrap_or(0) <= 1,
        "{what} scrolls sideways by {overflow}"
    );
}

/// Keeps what the browser shows in `target/tmp/<name>.png`, for people to look at.
pub(crate) async fn save_screenshot(c: &Client, name: &str) {
    if let Ok(png) = c.screenshot().await {
        let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));
        let _ = std::fs::write(dir.join(format!("{name}.png")), png);
    }
}

/// Serves the application on a real port for the browser.
pub(crate) async fn serve(app: &TestApp) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let router = app.router.clone();
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
        .unwrap();
    });
    format!("http://{address}")
}

/// Signs in through the login form and waits for the first signed-in page.
pub(crate) async fn sign_in(c: &Client, base: &str, username: &str) {
    c.goto(&format!("{base}/login")).await.unwrap();
    c.find(Locator::Css("input[name=username]"))
        .await
        .unwrap()
        .send_keys(username)
        .await
        .unwrap();
    c.find(Locator::Css("input[name=password]"))
        .await
        .unwrap()
        .send_keys(PASSWORD)
        .await
        .unwrap();
    c.find(Locator::Css("form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("[data-testid=current-user]"))
        .await
        .unwrap();
}

async fn journey(app: &TestApp, width: u32, height: u32, new_name: &str, shot: &str) {
    let Some(path) = chromedriver() else { return };
    let base = serve(app).await;
    let driver = start_driver(&path).await;
    let c = browser(&driver, width, height).await;

    sign_in(&c, &base, "chengguan").await;

    // The tree: the town's page, then one of its zones.
    c.goto(&format!("{base}/regions")).await.unwrap();
    let children = c
        .wait()
        .for_element(Locator::Css("[data-testid=region-children]"))
        .await
        .unwrap();
    let first_village = children.find(Locator::Css("tbody tr a")).await.unwrap();
    let village_name = first_village.text().await.unwrap();
    assert!(!village_name.is_empty());
    // A responsibility zone of the town (the town staffs those; department grids are not its to staff).
    let zone_link = c
        .find(Locator::Css("tr[data-kind=town_zone] a[href^='/grids/']"))
        .await
        .unwrap();
    zone_link.click().await.unwrap();
    let first_form = c
        .wait()
        .for_element(Locator::Css("[data-testid=holder]"))
        .await
        .unwrap();
    let old_name = first_form
        .find(Locator::Css("strong"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();

    // Replace the first holder.
    let replace = c
        .find(Locator::Css("[data-testid=holder] details.action summary"))
        .await
        .unwrap();
    replace.click().await.unwrap();
    let form = c
        .find(Locator::Css("[data-testid=replace-form]"))
        .await
        .unwrap();
    form.find(Locator::Css("input[name=person_name]"))
        .await
        .unwrap()
        .send_keys(new_name)
        .await
        .unwrap();
    form.find(Locator::Css("input[name=phone]"))
        .await
        .unwrap()
        .send_keys("13900003333")
        .await
        .unwrap();
    form.find(Locator::Css("button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css(".alert-ok"))
        .await
        .unwrap();

    let history = c
        .find(Locator::Css("[data-testid=history]"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        history.contains(new_name),
        "history shows the new holder: {history}"
    );
    assert!(
        history.contains(&old_name),
        "history keeps the old holder: {history}"
    );
    let holders = c
        .find(Locator::Css("[data-testid=holder] strong"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(holders, new_name);

    if let Ok(png) = c.screenshot().await {
        let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));
        let _ = std::fs::write(dir.join(shot), png);
    }
    c.close().await.unwrap();
}

/// Browser journeys run on SQLite only: the path through the pages is the same on both.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replace_a_person_on_a_desktop() {
    let app = TestApp::start(Backend::Sqlite).await;
    journey(&app, 1280, 900, "桌面新人", "journey-desktop.png").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replace_a_person_on_a_phone() {
    let app = TestApp::start(Backend::Sqlite).await;
    journey(&app, 390, 844, "手机新人", "journey-phone.png").await;
}

/// Every main page renders in a real browser, signed in as the county administrator, on a
/// desktop and on a phone; screenshots land in `target/tmp/tour-*.png` for people to look at.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tour_of_the_main_pages() {
    let Some(path) = chromedriver() else { return };
    let app = TestApp::start(Backend::Sqlite).await;
    let token = app.token("admin").await;
    let grid = app
        .grid_id(&token, CHENGGUAN, "department_town", None)
        .await;
    let department = app.department_id(&token, "县安监局").await;
    let base = serve(&app).await;
    let driver = start_driver(&path).await;
    let pages = [
        ("home", "/".to_owned()),
        ("county", format!("/regions/{COUNTY}")),
        ("town", format!("/regions/{CHENGGUAN}")),
        ("structure", format!("/regions/{CHENGGUAN}/structure")),
        ("plans", "/plans".to_owned()),
        ("grids", "/grids?gaps_only=1".to_owned()),
        ("grid", format!("/grids/{grid}")),
        ("departments", "/departments".to_owned()),
        ("department", format!("/departments/{department}")),
        ("leadership", "/leadership".to_owned()),
        ("ledger", "/ledger".to_owned()),
        ("units", "/units".to_owned()),
        ("unit", "/units/1".to_owned()),
        ("unit-form", "/units/1/edit".to_owned()),
        ("coverage", "/coverage".to_owned()),
        ("units-import", "/units/import".to_owned()),
        ("unit-grid", "/units/1/grid".to_owned()),
        ("unit-systems", "/units/1/systems".to_owned()),
        ("unit-archive", "/units/1/archive".to_owned()),
        ("hazard-sources", "/hazard-sources".to_owned()),
        (
            "hazard-source-form",
            "/hazard-sources/new?unit=1".to_owned(),
        ),
        ("grade-rule", "/settings/grade-rule".to_owned()),
        ("hazards", "/hazards".to_owned()),
        ("hazard-report", "/hazards/new".to_owned()),
    ];
    for (device, width, height) in [("desktop", 1280, 900), ("phone", 390, 844)] {
        let c = browser(&driver, width, height).await;
        sign_in(&c, &base, "admin").await;
        for (name, path) in &pages {
            c.goto(&format!("{base}{path}")).await.unwrap();
            let heading = c
                .find(Locator::Css("main h1"))
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            assert!(!heading.is_empty(), "{name} has a heading");
            let title = c.title().await.unwrap();
            assert!(title.contains("安全生产网格化监管"), "{name}: {title}");
            assert_fits_the_screen(&c, &format!("{name} on a {device}")).await;
            save_screenshot(&c, &format!("tour-{device}-{name}")).await;
        }
        c.close().await.unwrap();
    }
}

/// A town officer records a major hazard source at a unit: naming a listed substance fills in
/// its critical quantity and β, and the saved source shows its GB 18218 level.
async fn record_a_hazard_source(width: u32, height: u32, shot: &str) {
    let Some(path) = chromedriver() else { return };
    let app = TestApp::start(Backend::Sqlite).await;
    let base = serve(&app).await;
    let driver = start_driver(&path).await;
    let c = browser(&driver, width, height).await;
    sign_in(&c, &base, "chengguan").await;
    c.goto(&format!("{base}/units/1")).await.unwrap();
    c.find(Locator::Css("[data-testid=add-source]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let form = c
        .wait()
        .for_element(Locator::Css("[data-testid=source-form]"))
        .await
        .unwrap();
    let field = |name: &'static str| {
        let form = form.clone();
        async move {
            form.find(Locator::Css(&format!("[name={name}]")))
                .await
                .unwrap()
        }
    };
    field("name").await.send_keys("液化气瓶库").await.unwrap();
    field("people_within_500m")
        .await
        .send_keys("120")
        .await
        .unwrap();
    field("s0_name")
        .await
        .send_keys("液化石油气")
        .await
        .unwrap();
    // Leaving the field fires its change: the listed values arrive.
    field("s0_q").await.click().await.unwrap();
    let critical = field("s0_critical_q").await.prop("value").await.unwrap();
    assert_eq!(
        critical.as_deref(),
        Some("50"),
        "critical quantity filled in"
    );
    let beta = field("s0_beta").await.prop("value").await.unwrap();
    assert_eq!(beta.as_deref(), Some("1.5"), "β filled in");
    field("s0_q").await.send_keys("80").await.unwrap();
    form.find(Locator::Css("button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let level = c
        .wait()
        .for_element(Locator::Css("[data-testid=source-level]"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // S = 80/50 = 1.6; R = 2 × 1.5 × 1.6 = 4.8 → level 4.
    assert_eq!(level, "四级");
    if let Ok(png) = c.screenshot().await {
        let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));
        let _ = std::fs::write(dir.join(shot), png);
    }
    c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn record_a_hazard_source_on_a_desktop() {
    record_a_hazard_source(1280, 900, "hazard-source-desktop.png").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn record_a_hazard_source_on_a_phone() {
    record_a_hazard_source(390, 844, "hazard-source-phone.png").await;
}

/// Fills a field of the current page.
pub(crate) async fn fill(c: &Client, css: &str, text: &str) {
    let field = c.find(Locator::Css(css)).await.unwrap();
    field.clear().await.ok();
    field.send_keys(text).await.unwrap();
}

pub(crate) async fn click(c: &Client, css: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

pub(crate) async fn text_of(c: &Client, css: &str) -> String {
    c.wait()
        .for_element(Locator::Css(css))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// The way of a hazard a village member photographs on a phone: the town accepts it and gives
/// it to the unit, the unit rectifies it with an after-photo, the town verifies and closes it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_village_report_from_a_phone_is_closed() {
    let Some(path) = chromedriver() else { return };
    let app = TestApp::start(Backend::Sqlite).await;
    let base = serve(&app).await;
    let driver = start_driver(&path).await;
    let dir = tempfile::tempdir().unwrap();
    let photo = dir.path().join("hazard.png");
    let mut png = std::io::Cursor::new(Vec::new());
    image::DynamicImage::new_rgb8(800, 600)
        .write_to(&mut png, image::ImageFormat::Png)
        .unwrap();
    std::fs::write(&photo, png.into_inner()).unwrap();
    let photo = photo.to_str().unwrap().to_owned();
    let shots = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));

    // The village member, on a phone.
    let phone = browser(&driver, 390, 844).await;
    sign_in(&phone, &base, "cunwang").await;
    phone.goto(&format!("{base}/hazards/new")).await.unwrap();
    phone
        .find(Locator::Css("input[type=file][name=file]"))
        .await
        .unwrap()
        .send_keys(&photo)
        .await
        .unwrap();
    fill(&phone, "[name=unregistered_unit]", "桥头无名木材加工点").await;
    fill(
        &phone,
        "[name=description]",
        "电锯电线破损裸露，旁边堆放木屑",
    )
    .await;
    if let Ok(png) = phone.screenshot().await {
        let _ = std::fs::write(shots.join("village-report-phone.png"), png);
    }
    submit(&phone, "[data-testid=report-form] button[type=submit]").await;
    assert_eq!(
        text_of(&phone, "[data-testid=hazard-state]").await,
        "待处理"
    );
    let url = phone.current_url().await.unwrap();
    let id: i64 = url.path().rsplit('/').next().unwrap().parse().unwrap();
    assert!(
        phone
            .find(Locator::Css("[data-testid=photos] img"))
            .await
            .is_ok(),
        "the photo came with the report"
    );
    phone.close().await.unwrap();

    // The town station accepts it and gives it to the registered unit.
    let town = browser(&driver, 1280, 900).await;
    sign_in(&town, &base, "chengguan").await;
    town.goto(&format!("{base}/hazards/{id}")).await.unwrap();
    let deadline = (safegrid_domain::time::today() + chrono::Days::new(5))
        .format("%Y-%m-%d")
        .to_string();
    town.execute(
        "document.querySelector('form[data-action=accept] [name=deadline]').value = arguments[0];",
        vec![serde_json::json!(deadline)],
    )
    .await
    .unwrap();
    fill(
        &town,
        "form[data-action=accept] [name=responsible_person]",
        "何晓燕",
    )
    .await;
    // The site is matched to the registered unit from the village's units.
    let chosen = town
        .execute(
            "const s = document.querySelector('form[data-action=accept] select[name=unit_id]'); \
             s.value = '1'; return s.selectedOptions[0].textContent;",
            vec![],
        )
        .await
        .unwrap();
    assert!(chosen.as_str().unwrap().contains("惠民超市"), "{chosen}");
    submit(&town, "form[data-action=accept] button[type=submit]").await;
    assert_eq!(text_of(&town, "[data-testid=hazard-state]").await, "整改中");

    // The unit rectifies it on a phone: an after-photo, then "done".
    let unit = browser(&driver, 390, 844).await;
    sign_in(&unit, &base, "qiye").await;
    unit.goto(&format!("{base}/hazards/{id}")).await.unwrap();
    unit.find(Locator::Css("[data-testid=add-photo] input[type=file]"))
        .await
        .unwrap()
        .send_keys(&photo)
        .await
        .unwrap();
    submit(&unit, "[data-testid=add-photo] button[type=submit]").await;
    unit.wait()
        .for_element(Locator::Css("[data-testid=photos] figure:nth-of-type(2)"))
        .await
        .unwrap();
    fill(
        &unit,
        "form[data-action=complete] [name=measures]",
        "更换电线，清理木屑",
    )
    .await;
    submit(&unit, "form[data-action=complete] button[type=submit]").await;
    assert_eq!(text_of(&unit, "[data-testid=hazard-state]").await, "待验收");
    unit.close().await.unwrap();

    // The town verifies and closes it; the timeline tells the whole way.
    town.goto(&format!("{base}/hazards/{id}")).await.unwrap();
    submit(&town, "form[data-action=verify] button[type=submit]").await;
    assert_eq!(text_of(&town, "[data-testid=hazard-state]").await, "已销号");
    let timeline = text_of(&town, "[data-testid=timeline]").await;
    for step in ["上报", "受理并下达整改", "整改完成", "验收销号"] {
        assert!(timeline.contains(step), "{step} in {timeline}");
    }
    if let Ok(png) = town.screenshot().await {
        let _ = std::fs::write(shots.join("hazard-closed-desktop.png"), png);
    }
    town.goto(&format!("{base}/hazards")).await.unwrap();
    let closed = text_of(&town, "[data-testid=count-closed] strong").await;
    assert_eq!(closed, "1");
    town.close().await.unwrap();
}

/// Submits with a click and waits for the next page to replace this one (each poll is a
/// WebDriver round trip asking whether the old document is gone).
async fn submit(c: &Client, css: &str) {
    let old = c.find(Locator::Css("html")).await.unwrap();
    click(c, css).await;
    for _ in 0..2_000 {
        if old.tag_name().await.is_err() {
            return;
        }
    }
    panic!("no new page after submitting {css}");
}

/// A major hazard on a desktop: the county reports it, cannot accept it until the six-part plan
/// is filed, lists it for supervision and accepts it; the unit files the assessment and
/// applies to resume; the county verifies and closes it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_major_hazard_with_plan_and_listing() {
    let Some(path) = chromedriver() else { return };
    let app = TestApp::start(Backend::Sqlite).await;
    let base = serve(&app).await;
    let driver = start_driver(&path).await;
    let county = browser(&driver, 1280, 900).await;
    sign_in(&county, &base, "admin").await;
    county
        .goto(&format!("{base}/hazards/new?unit=1"))
        .await
        .unwrap();
    fill(&county, "[name=description]", "液化气钢瓶存放于地下室").await;
    county
        .execute(
            "document.querySelector('[name=level]').value = 'major';
             document.querySelector('[name=source]').value = 'inspection';",
            vec![],
        )
        .await
        .unwrap();
    submit(&county, "[data-testid=report-form] button[type=submit]").await;
    assert_eq!(
        text_of(&county, "[data-testid=hazard-state]").await,
        "待处理"
    );

    // Before its plan a major hazard cannot be accepted: the page does not offer it.
    assert!(
        county
            .find(Locator::Css("form[data-action=accept]"))
            .await
            .is_err(),
        "no acceptance before the plan"
    );
    let deadline = (safegrid_domain::time::today() + chrono::Days::new(30))
        .format("%Y-%m-%d")
        .to_string();
    let set_deadline =
        "document.querySelector('form[data-action=accept] [name=deadline]').value = arguments[0];";

    // The six-part plan, then listing.
    open_all(&county).await;
    for part in [
        "goals",
        "methods",
        "funds",
        "organisation",
        "timeline",
        "safety_measures",
    ] {
        fill(
            &county,
            &format!("form[data-action=submit_plan] [name={part}]"),
            "按规定落实",
        )
        .await;
    }
    submit(&county, "form[data-action=submit_plan] button[type=submit]").await;
    assert!(
        county
            .find(Locator::Css("[data-testid=plan]"))
            .await
            .is_ok()
    );
    open_all(&county).await;
    submit(&county, "form[data-action=list] button[type=submit]").await;
    let meta = text_of(&county, "p.meta").await;
    assert!(meta.contains("挂牌督办"), "{meta}");
    open_all(&county).await;
    county
        .execute(set_deadline, vec![serde_json::json!(deadline)])
        .await
        .unwrap();
    submit(&county, "form[data-action=accept] button[type=submit]").await;
    assert_eq!(
        text_of(&county, "[data-testid=hazard-state]").await,
        "整改中"
    );
    let id: i64 = county
        .current_url()
        .await
        .unwrap()
        .path()
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();

    // The unit: assessment, then the application to resume.
    let unit = browser(&driver, 1280, 900).await;
    sign_in(&unit, &base, "qiye").await;
    unit.goto(&format!("{base}/hazards/{id}")).await.unwrap();
    assert!(
        unit.find(Locator::Css("form[data-action=complete]"))
            .await
            .is_err(),
        "a listed hazard is not simply completed"
    );
    open_all(&unit).await;
    submit(
        &unit,
        "form[data-action=submit_assessment] button[type=submit]",
    )
    .await;
    assert_eq!(text_of(&unit, "[data-testid=hazard-state]").await, "已评估");
    open_all(&unit).await;
    submit(
        &unit,
        "form[data-action=apply_resumption] button[type=submit]",
    )
    .await;
    assert_eq!(
        text_of(&unit, "[data-testid=hazard-state]").await,
        "已申请复产"
    );
    unit.close().await.unwrap();

    county.goto(&format!("{base}/hazards/{id}")).await.unwrap();
    open_all(&county).await;
    submit(&county, "form[data-action=verify] button[type=submit]").await;
    assert_eq!(
        text_of(&county, "[data-testid=hazard-state]").await,
        "已销号"
    );
    if let Ok(png) = county.screenshot().await {
        let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));
        let _ = std::fs::write(dir.join("major-hazard-closed.png"), png);
    }

    // The ledger: filtering in place to general hazards empties the list and the counts above
    // it follow (the closed major hazard no longer counts).
    county.goto(&format!("{base}/hazards")).await.unwrap();
    let closed = "[data-testid=count-closed] strong";
    assert_eq!(text_of(&county, closed).await, "1");
    county
        .execute(
            "const level = document.querySelector('select[name=level]');
             level.value = 'general';
             level.dispatchEvent(new Event('change', { bubbles: true }));",
            vec![],
        )
        .await
        .unwrap();
    // Read in one script each time: the element is replaced under the reader by the swap.
    let mut followed = false;
    for _ in 0..2_000 {
        let now = county
            .execute(
                "const e = document.querySelector(arguments[0]); return e ? e.textContent : null;",
                vec![serde_json::json!(closed)],
            )
            .await
            .unwrap();
        if now == "0" {
            followed = true;
            break;
        }
    }
    assert!(followed, "the counts follow the filter");
    assert!(
        text_of(&county, "[data-testid=hazards]")
            .await
            .contains("暂无数据")
    );
    county.close().await.unwrap();
}

/// Opens every folded section of the page, as a person would to reach a form.
async fn open_all(c: &Client) {
    c.execute(
        "document.querySelectorAll('details').forEach((d) => d.open = true);",
        vec![],
    )
    .await
    .unwrap();
}

/// Waits until the walk shows a step other than `from` (each poll a WebDriver round trip).
async fn walked_on(c: &Client, from: &str) -> String {
    for _ in 0..2_000 {
        let now = text_of(c, "[data-walk-progress]").await;
        if now != from {
            return now;
        }
    }
    panic!("the walk stayed at {from}");
}

/// A town inspector on a phone finds a unit, walks its checklist one item at a time, records a
/// finding with a photo and a deadline, and sees the finding enter the hazard ledger; then
/// issues a rectification order and sees it numbered, ready to print.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_inspection_with_a_finding_on_a_phone() {
    let Some(path) = chromedriver() else { return };
    let app = TestApp::start(Backend::Sqlite).await;
    let anjian = app.token("anjian").await;
    let made_unit = crate::inspections::chengguan_unit_of_anjian(&app, &anjian).await["id"]
        .as_i64()
        .unwrap();
    let base = serve(&app).await;
    let driver = start_driver(&path).await;
    let dir = tempfile::tempdir().unwrap();
    let photo = dir.path().join("finding.png");
    let mut png = std::io::Cursor::new(Vec::new());
    image::DynamicImage::new_rgb8(640, 480)
        .write_to(&mut png, image::ImageFormat::Png)
        .unwrap();
    std::fs::write(&photo, png.into_inner()).unwrap();
    let photo = photo.to_str().unwrap().to_owned();
    let shots = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));

    let phone = browser(&driver, 390, 844).await;
    sign_in(&phone, &base, "chengguan").await;
    phone
        .goto(&format!("{base}/inspections/new"))
        .await
        .unwrap();
    fill(&phone, "[data-testid=find-unit] [name=q]", "恒达").await;
    submit(&phone, "[data-testid=find-unit] button[type=submit]").await;
    submit(&phone, "[data-testid=found-units] a").await;

    // The first step: the day and the inspectors, then the items one at a time.
    let first = text_of(&phone, "[data-walk-progress]").await;
    assert!(first.starts_with("1 / "), "{first}");
    let total: usize = first.rsplit(' ').next().unwrap().parse().unwrap();
    assert!(total > 5, "the general list and the sector's: {total}");
    click(&phone, "[data-walk-next]").await;
    let at = walked_on(&phone, &first).await;

    // The first item: a hazard, with its deadline and photo.
    let visible = ".check-item:not([hidden])";
    click(&phone, &format!("{visible} label.result-hazard")).await;
    let deadline = (safegrid_domain::time::today() + chrono::Days::new(10)).to_string();
    phone
        .execute(
            "document.querySelector('.check-item:not([hidden]) input[type=date]').value = arguments[0];",
            vec![serde_json::json!(deadline)],
        )
        .await
        .unwrap();
    fill(
        &phone,
        &format!("{visible} textarea"),
        "消防通道堆放纸箱，堵塞疏散出口",
    )
    .await;
    phone
        .find(Locator::Css(&format!("{visible} input[type=file]")))
        .await
        .unwrap()
        .send_keys(&photo)
        .await
        .unwrap();
    if let Ok(png) = phone.screenshot().await {
        let _ = std::fs::write(shots.join("inspection-finding-phone.png"), png);
    }
    click(&phone, "[data-walk-next]").await;
    let mut at = walked_on(&phone, &at).await;

    // Every other item is in order: picking it moves on by itself.
    while at != format!("{total} / {total}") {
        click(&phone, &format!("{visible} label.result-ok")).await;
        at = walked_on(&phone, &at).await;
    }
    submit(&phone, "[data-testid=save-inspection]").await;

    // The inspection, with its finding in the hazard ledger and its photo.
    let findings = text_of(&phone, "[data-testid=findings]").await;
    assert!(findings.contains("#"), "{findings}");
    let items = text_of(&phone, "[data-testid=items]").await;
    assert!(
        items.contains("存在隐患") && items.contains("符合"),
        "{items}"
    );
    if let Ok(png) = phone.screenshot().await {
        let _ = std::fs::write(shots.join("inspection-recorded-phone.png"), png);
    }
    let inspection_url = phone.current_url().await.unwrap();
    click(&phone, "[data-testid=findings] a").await;
    let state = text_of(&phone, "[data-testid=hazard-state]").await;
    assert!(!state.is_empty());
    assert!(
        phone
            .find(Locator::Css("[data-testid=photos] img"))
            .await
            .is_ok(),
        "the finding's photo is on the hazard"
    );

    // A rectification order from the inspection, numbered and printed.
    phone.goto(inspection_url.as_str()).await.unwrap();
    phone
        .execute(
            "const f = document.querySelector('[data-testid=issue-document]'); f.closest('details').open = true; f.querySelector('[name=deadline]').value = arguments[0];",
            vec![serde_json::json!(deadline)],
        )
        .await
        .unwrap();
    fill(
        &phone,
        "[data-testid=issue-document] [name=content]",
        "消防通道堆放纸箱，责令限期清理。",
    )
    .await;
    submit(&phone, "[data-testid=issue-document] button[type=submit]").await;
    let number = text_of(&phone, "[data-testid=document-number]").await;
    assert!(
        number.contains("责改〔") && number.ends_with('号'),
        "{number}"
    );
    if let Ok(png) = phone.screenshot().await {
        let _ = std::fs::write(shots.join("rectification-order-phone.png"), png);
    }

    // The town's duty calendar on the phone: a unit registered today owes nothing for the
    // months before; its month is still due (the department has not inspected), and its own
    // duties show the town's done.
    phone.goto(&format!("{base}/duties")).await.unwrap();
    let matrix = text_of(&phone, "[data-testid=duty-matrix]").await;
    let (_, row) = matrix.split_once("汉阴县恒达化工有限公司").unwrap();
    let row: String = row.lines().take(3).collect();
    assert!(
        row.contains('○') && !row.contains('✗'),
        "{row:?} in {matrix}"
    );
    if let Ok(png) = phone.screenshot().await {
        let _ = std::fs::write(shots.join("duties-phone.png"), png);
    }
    phone
        .goto(&format!("{base}/duties?unit={made_unit}"))
        .await
        .unwrap();
    let own = text_of(&phone, "[data-testid=unit-duties]").await;
    assert!(own.contains("已完成") && own.contains("待完成"), "{own}");
    phone.close().await.unwrap();
}
