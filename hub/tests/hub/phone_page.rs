//! `/p/{token}`: the page a resident's phone opens from the slip's QR. What it shows (the item, the
//! masked name, the status in the kiosk's words, the promised date, where to collect, what to bring),
//! what it never shows (ID number, address, full name), its friendly 404, the limit on guessing and
//! its English.

use crate::common::{senior_card_renewal, Hub, ID_NUMBER};
use kiosk_hub::web::phone::GUESSES_PER_MINUTE;

/// The bundled demo catalogue (its LL0001 has a place, hours, a phone and materials).
fn publish_demo_catalog(hub: &Hub) {
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../assets/catalog/catalog.json");
    kiosk_hub::cli::catalog_publish(&hub.store, &file).unwrap();
}

/// A stored application's slip token and acceptance number.
async fn submitted(hub: &Hub) -> (String, String) {
    let token = hub.terminal("SF-QST-01");
    let app = senior_card_renewal("SF-QST-01");
    assert_eq!(hub.submit(&token, &app).await.status(), 201);
    (app["token"].as_str().unwrap().to_string(), app["acceptance_no"].as_str().unwrap().to_string())
}

async fn page(hub: &Hub, path: &str, accept_language: Option<&str>) -> (u16, reqwest::header::HeaderMap, String) {
    let mut request = hub.client.get(hub.url(path));
    if let Some(lang) = accept_language {
        request = request.header("Accept-Language", lang);
    }
    let response = request.send().await.unwrap();
    let (status, headers) = (response.status().as_u16(), response.headers().clone());
    (status, headers, response.text().await.unwrap())
}

/// Nothing of the applicant but the masked name: not the name, the ID number (whole or masked), the
/// address or the phone number of the form.
fn assert_nothing_personal(html: &str) {
    for personal in [
        "王秀兰",
        ID_NUMBER,
        "4301**********1027",
        "430102",
        "19530315",
        "幸福路",
        "湖南省长沙市芙蓉区",
        "2栋301室",
        "13800000000",
        "482913",
    ] {
        assert!(!html.contains(personal), "the phone page shows `{personal}`:\n{html}");
    }
}

hub_test! {
    async fn the_phone_page_shows_the_application_in_the_kiosks_words_and_nothing_personal() {
        let hub = Hub::start().await;
        publish_demo_catalog(&hub);
        let (token, acceptance_no) = submitted(&hub).await;
        let (status, headers, html) = page(&hub, &format!("/p/{token}"), None).await;
        assert_eq!(status, 200, "{html}");
        assert_eq!(headers["content-type"], "text/html; charset=utf-8");
        let (_, _, again) = page(&hub, &format!("/p/{token}"), None).await;
        assert_eq!(again, html, "the same page from the parsed catalogue kept");
        assert_eq!(headers["referrer-policy"], "no-referrer", "the token in the URL goes nowhere else");
        assert!(headers["content-security-policy"].to_str().unwrap().starts_with("default-src 'none'"));
        for shown in [
            "<html lang=\"zh-CN\">",
            "name=\"viewport\"",
            "老年人优待证办理（年审）",
            "王*兰",
            "主管部门已收到",
            "主管部门已收到您的申请，正在审核。",
            "2026-11-29",
            "石峰区清水塘街道便民服务中心 1号窗口",
            "本人身份证和受理回执",
            "近期一寸免冠彩色照片",
            acceptance_no.as_str(),
        ] {
            assert!(html.contains(shown), "`{shown}` not on the page:\n{html}");
        }
        assert!(!html.contains("<script") && !html.contains("<link"), "no JavaScript, no other request");
        assert_nothing_personal(&html);
        println!("phone page weight: {} bytes, 1 request (inline CSS, no images, no scripts)", html.len());
        assert!(html.len() < 8 * 1024, "a light page: {} bytes", html.len());

        // Ready, then handed over: the kiosk's words, and the hand-over on the timeline.
        hub.store.set_status(&acceptance_no, kiosk_hub::model::Status::Processing, None).unwrap();
        hub.store.set_status(&acceptance_no, kiosk_hub::model::Status::Ready, None).unwrap();
        let (_, _, html) = page(&hub, &format!("/p/{token}"), None).await;
        assert!(html.contains("已办结，可领取") && html.contains("请带身份证和回执"), "{html}");
        hub.store.set_status(&acceptance_no, kiosk_hub::model::Status::PickedUp, None).unwrap();
        let (_, _, html) = page(&hub, &format!("/p/{token}"), None).await;
        assert!(html.contains("已领取") && html.contains("已取件"), "{html}");
        assert_nothing_personal(&html);
    }
}

hub_test! {
    async fn a_rejection_shows_its_reason_in_the_kiosks_words() {
        let hub = Hub::start().await;
        let (token, acceptance_no) = submitted(&hub).await;
        // Without a published catalogue: no place (what to bring still).
        let html = page(&hub, &format!("/p/{token}"), None).await.2;
        assert!(!html.contains("领取地点") && html.contains("领取时请带"), "{html}");
        // A newer catalogue moves the item's place: the page follows it.
        let place = |version: u32, place: &str| {
            let file = hub.dir.path().join(format!("c{version}.json"));
            let body = serde_json::json!({"version": version, "items": [
                {"code": "LL0001", "name": "老年人优待证办理（年审）", "place": place}
            ]});
            std::fs::write(&file, body.to_string()).unwrap();
            kiosk_hub::cli::catalog_publish(&hub.store, &file).unwrap();
        };
        place(1, "一号窗口");
        assert!(page(&hub, &format!("/p/{token}"), None).await.2.contains("一号窗口"));
        place(2, "二号窗口");
        let html = page(&hub, &format!("/p/{token}"), None).await.2;
        assert!(html.contains("二号窗口") && !html.contains("一号窗口"), "{html}");
        hub.store.set_status(&acceptance_no, kiosk_hub::model::Status::Rejected, Some("照片不合格")).unwrap();
        let (status, _, html) = page(&hub, &format!("/p/{token}"), None).await;
        assert_eq!(status, 200);
        assert!(html.contains("未通过") && html.contains("原因：照片不合格。如有疑问"), "{html}");
        assert!(html.contains("领取时请带"), "{html}");
    }
}

#[tokio::test]
async fn an_unknown_token_gets_a_friendly_not_found_page() {
    let hub = Hub::start().await;
    for path in ["/p/abcdefghijklmnopqrst", "/p/not-a-token", "/p/%E4%BD%A0", "/p/%FF%FE"] {
        let (status, headers, html) = page(&hub, path, None).await;
        assert_eq!(status, 404, "{path}");
        assert_eq!(headers["content-type"], "text/html; charset=utf-8", "{path}");
        assert!(html.contains("没有找到办理记录") && html.contains("受理回执上的二维码"), "{html}");
        assert!(html.contains("<html lang=\"zh-CN\">"));
    }
    let (_, _, html) = page(&hub, "/p/abcdefghijklmnopqrst", Some("en-GB,en;q=0.9")).await;
    assert!(html.contains("No application found") && html.contains("<html lang=\"en\">"), "{html}");
}

#[tokio::test]
async fn guessing_tokens_is_rate_limited_per_address_and_then_no_token_is_answered() {
    let hub = Hub::start().await;
    let (token, _) = submitted(&hub).await;
    // A known token does not take from the budget.
    for _ in 0..3 {
        assert_eq!(page(&hub, &format!("/p/{token}"), None).await.0, 200);
    }
    for i in 0..GUESSES_PER_MINUTE {
        let (status, _, _) = page(&hub, &format!("/p/guess{i:015}"), None).await;
        assert_eq!(status, 404, "guess {i}");
    }
    let (status, headers, html) = page(&hub, "/p/guessguessguessguess", None).await;
    assert_eq!(status, 429, "{html}");
    let retry: u64 = headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    assert!(html.contains("查询太频繁") && html.contains(&format!("请 {retry} 秒后再试")), "{html}");
    // While the budget is spent a real token is refused too: a guesser cannot tell a hit.
    let (status, _, html) = page(&hub, &format!("/p/{token}"), None).await;
    assert_eq!(status, 429);
    assert!(!html.contains("王*兰"));
}

hub_test! {
    async fn the_page_is_in_english_when_the_browser_prefers_it() {
        let hub = Hub::start().await;
        publish_demo_catalog(&hub);
        let (token, acceptance_no) = submitted(&hub).await;
        hub.store.set_status(&acceptance_no, kiosk_hub::model::Status::Processing, None).unwrap();
        let (status, headers, html) = page(&hub, &format!("/p/{token}"), Some("en-US,en;q=0.9,zh;q=0.5")).await;
        assert_eq!(status, 200);
        assert_eq!(headers["vary"], "accept-language");
        for shown in [
            "<html lang=\"en\">",
            "Senior Citizen Card (annual review)",
            "In progress",
            "The department is processing your application.",
            "Where to collect",
            "Please bring",
            "王*兰",
        ] {
            assert!(html.contains(shown), "`{shown}` not on the page:\n{html}");
        }
        assert!(!html.contains("办理进度"), "no Chinese headings in English:\n{html}");
        assert_nothing_personal(&html);
        // A browser that prefers Chinese gets Chinese.
        let (_, _, html) = page(&hub, &format!("/p/{token}"), Some("zh-CN,zh;q=0.9,en;q=0.8")).await;
        assert!(html.contains("办理中") && html.contains("<html lang=\"zh-CN\">"));
    }
}
