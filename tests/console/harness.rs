//! The harness itself: a browser reaches a hub on 127.0.0.1 and reads what it serves.

use crate::browser::Browser;
use crate::sync_support::TestHub;

#[tokio::test(flavor = "multi_thread")]
async fn a_headless_chromium_reads_the_hub_it_was_pointed_at() {
    let Some(browser) = Browser::start("a_headless_chromium_reads_the_hub_it_was_pointed_at").await else {
        return;
    };
    let hub = TestHub::start();
    browser.goto(&format!("{}/healthz", hub.url())).await;
    assert_eq!(browser.text().await.trim(), "ok", "chromedriver's log: {}", browser.log());
    assert!(browser.url().await.starts_with(hub.url()));
    // An unknown route answers the API's JSON error; the browser shows it as text.
    browser.goto(&format!("{}/no-such-page", hub.url())).await;
    assert!(browser.text().await.contains("not_found"), "{}", browser.source().await);
    browser.close().await;
}
