//! The acceptance walk in a real browser: a kiosk submits an application that reaches the
//! hub through the real sync worker; a clerk logs in, finds it by its acceptance number, opens it
//! (the access log records the view), sets it processing, then ready; the kiosk's progress query
//! then says it is ready; the clerk hands it over by its pickup code; the resident's phone page says
//! it was collected. A form posted without its CSRF token is refused, a clerk cannot reach the admin
//! pages, and a disabled account cannot log in.

use std::time::Duration;

use fantoccini::Locator;
use kiosk::lang::Lang;
use kiosk_hub::store::console::Role;

use crate::browser::Browser;
use crate::sync_support::*;

const PASSWORD: &str = "correct horse battery staple";
const WAIT: Duration = Duration::from_secs(20);

#[tokio::test(flavor = "multi_thread")]
async fn a_clerk_takes_a_kiosks_application_from_the_queue_to_the_hand_over() {
    let Some(browser) = Browser::start("a_clerk_takes_a_kiosks_application_from_the_queue_to_the_hand_over").await
    else {
        return;
    };
    let hub = TestHub::start();
    let token = hub.add_terminal(TERMINAL);
    let mut kiosk = TestKiosk::new();
    let app = kiosk.submit();
    let no = app.acceptance_no.clone();
    let sync = kiosk.sync(&config(HubSettings { url: Some(hub.url()), token: &token, ..Default::default() }));
    wait_until("the application is at the hub", WAIT, || kiosk.application(&no).hub_status.is_some());
    hub.store.add_staff("clerk1", Role::Clerk, PASSWORD).unwrap();
    hub.store.add_staff("gone1", Role::Clerk, PASSWORD).unwrap();
    hub.store.disable_staff("gone1").unwrap();

    // Log in; find the application by its acceptance number; open it.
    browser.goto(&format!("{}/console", hub.url())).await;
    browser.fill("用户名", "clerk1").await;
    browser.fill("密码", PASSWORD).await;
    browser.press("登录").await;
    browser.fill("查找（受理编号、取件码或身份证后四位）", &no).await;
    browser.press("筛选").await;
    browser.follow(&no).await;
    let text = browser.text().await;
    assert!(text.contains(NAME) && text.contains(ID_NUMBER), "a clerk sees the full applicant: {text}");
    let log = hub.store.access_log(&Default::default()).unwrap();
    assert_eq!(log.len(), 1, "the view is in the access log");
    assert_eq!((log[0].username.as_str(), log[0].acceptance_no.as_str()), ("clerk1", no.as_str()));

    // A form without its CSRF token is refused (the hidden input removed in the page itself).
    browser
        .client
        .execute("document.querySelectorAll('input[name=csrf]').forEach(e => e.remove())", vec![])
        .await
        .unwrap();
    browser.choose("改为", "办理中").await;
    browser.press("确认更改").await;
    assert!(browser.text().await.contains("表单已失效"), "{}", browser.text().await);
    assert_eq!(kiosk_hub_status(&hub, &no), "accepted", "nothing changed");

    // Processing, then ready.
    browser.client.back().await.unwrap();
    browser.client.refresh().await.unwrap();
    browser.choose("改为", "办理中").await;
    browser.press("确认更改").await;
    browser.choose("改为", "可取件").await;
    browser.press("确认更改").await;
    assert_eq!(kiosk_hub_status(&hub, &no), "ready");

    // The kiosk's progress query says so.
    sync.kick();
    wait_until("ready shows on the kiosk", WAIT, || kiosk.application(&no).hub_status.as_deref() == Some("ready"));
    let (status, _) = kiosk::messages::progress(Lang::Zh, &kiosk.application(&no));
    assert_eq!(status, "已办结，可领取");

    // Hand-over by the pickup code.
    browser.fill("取件码（输入或扫描回执上的取件码）", &app.pickup_code).await;
    browser.press("核对并交付").await;
    let text = browser.text().await;
    assert!(text.contains("已取件，交付人已记录。"), "{text}");
    assert_eq!(kiosk_hub_status(&hub, &no), "picked_up");

    // The resident's phone page for the slip's token.
    browser.goto(&format!("{}/p/{}", hub.url(), app.token)).await;
    let html = browser.source().await;
    let text = browser.text().await;
    // The status in the kiosk's words (已领取) and the timeline's step (已取件).
    assert!(text.contains("已领取") && text.contains("已取件"), "{html}");
    let address = "幸福路8号";
    assert!(
        !html.contains(ID_NUMBER) && !html.contains(NAME) && !html.contains(address),
        "no ID number, full name or address on the phone page"
    );

    // A clerk cannot reach the admin pages.
    for path in ["/console/staff", "/console/access-log"] {
        browser.goto(&format!("{}{path}", hub.url())).await;
        assert!(browser.text().await.contains("此页面仅限管理员使用"), "{path}: {}", browser.text().await);
    }

    // Log out; a disabled account cannot log in.
    browser.goto(&format!("{}/console", hub.url())).await;
    browser.press("退出登录").await;
    browser.fill("用户名", "gone1").await;
    browser.fill("密码", PASSWORD).await;
    browser.press("登录").await;
    assert!(browser.text().await.contains("此账号已停用"), "{}", browser.text().await);
    assert!(browser.client.find(Locator::Id("password")).await.is_ok(), "still on the login page");
    drop(sync);
    browser.close().await;
}

/// The application's status at the hub.
fn kiosk_hub_status(hub: &TestHub, no: &str) -> String {
    let apps = hub.store.list_applications(None, None).unwrap();
    apps.iter().find(|a| a.acceptance_no == no).expect("the application at the hub").status.as_str().to_string()
}
