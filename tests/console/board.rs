//! The terminals board and the statistics in a real browser: an admin logs in through the login
//! page, reads a terminal's problems, creates an enrolment code, revokes a terminal and opens the
//! charts. No JavaScript is needed: the pages are plain forms and inline SVG.

use fantoccini::Locator;
use kiosk_contract::{Heartbeat, Paper, PrinterHealth, ReaderHealth};
use kiosk_hub::store::console::Role;

use crate::browser::Browser;
use crate::sync_support::{TestHub, TERMINAL};

const PASSWORD: &str = "correct horse battery staple";

#[tokio::test(flavor = "multi_thread")]
async fn an_admin_reads_the_board_creates_an_enrolment_code_revokes_and_opens_the_charts() {
    let Some(browser) =
        Browser::start("an_admin_reads_the_board_creates_an_enrolment_code_revokes_and_opens_the_charts").await
    else {
        return;
    };
    let hub = TestHub::start();
    hub.add_terminal(TERMINAL);
    let beat = Heartbeat {
        app_version: "0.1.0".into(),
        catalog_version: None,
        outbox_depth: 0,
        reader: ReaderHealth::Ok,
        printer: PrinterHealth { online: true, paper: Paper::Out, cover_open: false, error: false },
        last_error: None,
    };
    hub.store.record_heartbeat(TERMINAL, &beat).unwrap();
    hub.store.add_staff("admin1", Role::Admin, PASSWORD).unwrap();

    // The board asks for a login first, and comes back to the board after it.
    browser.goto(&format!("{}/console/terminals", hub.url())).await;
    assert!(browser.url().await.contains("/console/login"), "{}", browser.url().await);
    browser.fill("用户名", "admin1").await;
    browser.fill("密码", PASSWORD).await;
    browser.press("登录").await;
    let text = browser.text().await;
    assert!(browser.url().await.ends_with("/console/terminals"), "{}", browser.url().await);
    assert!(text.contains("打印机缺纸") && text.contains(TERMINAL), "{text}");

    browser.fill("终端编号", "SF-NEW-01").await;
    browser.press("生成配置码").await;
    let text = browser.text().await;
    assert!(text.contains("终端 SF-NEW-01 的一次性配置码"), "{text}");
    let code = browser.client.find(Locator::Css("strong.code")).await.unwrap().text().await.unwrap();
    assert_eq!(code.len(), 12, "{code}");

    browser.goto(&format!("{}/console/terminals", hub.url())).await;
    browser.follow("撤销").await;
    assert!(browser.text().await.contains(&format!("撤销终端 {TERMINAL}")), "asked first");
    browser.press("确认撤销").await;
    let text = browser.text().await;
    assert!(text.contains(&format!("终端 {TERMINAL} 的令牌已撤销")), "{text}");

    browser.goto(&format!("{}/console/stats", hub.url())).await;
    let charts = browser.client.find_all(Locator::Css("svg.chart")).await.unwrap();
    assert!(charts.len() >= 2, "the district's charts: {}", browser.source().await);
    let text = browser.text().await;
    assert!(text.contains("全区每日申请量") && text.contains("全区评价分布"), "{text}");
    browser.close().await;
}
