//! The console's terminals board (`/console/terminals`) and statistics (`/console/stats`) over real
//! HTTP with a real staff session (logged in through `/console/login`), on both backends: the board
//! worst first, revoke and enrolment codes for admins only and with the CSRF token; the charts, the
//! table and the CSV export.

use kiosk_hub::store::console::Role;
use kiosk_hub::store::Auth;
use serde_json::{json, Value};

use crate::common::{heartbeat, senior_card_renewal, Hub};

const PASSWORD: &str = "correct horse battery staple";

/// A staff member's session: the cookie header and the session's CSRF token.
struct Session {
    cookie: String,
    csrf: String,
}

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// `name=value` of the `Set-Cookie` named `name`.
fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(|v| v.split(';').next().unwrap().to_string())
}

fn form_body(fields: &[(&str, &str)]) -> String {
    let enc = |s: &str| {
        s.bytes()
            .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") })
            .collect::<String>()
    };
    fields.iter().map(|(k, v)| format!("{}={}", enc(k), enc(v))).collect::<Vec<_>>().join("&")
}

/// The first hidden `csrf` input's value in a page.
fn csrf_of(html: &str) -> String {
    let start =
        html.find(r#"name="csrf" value=""#).expect("a form with the CSRF token") + r#"name="csrf" value=""#.len();
    html[start..start + html[start..].find('"').unwrap()].to_string()
}

/// Adds a staff account and logs it in through the login page.
async fn login(hub: &Hub, username: &str, role: Role) -> Session {
    hub.store.add_staff(username, role, PASSWORD).unwrap();
    let client = no_redirects();
    let page = client.get(hub.url("/console/login")).send().await.unwrap();
    let login_cookie = set_cookie(&page, "kiosk_hub_login").expect("the login page sets its token");
    let token = csrf_of(&page.text().await.unwrap());
    let response = client
        .post(hub.url("/console/login"))
        .header("cookie", &login_cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form_body(&[("csrf", &token), ("username", username), ("password", PASSWORD)]))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303, "logged in");
    let cookie = set_cookie(&response, "kiosk_hub_session").expect("a session cookie");
    let page = client.get(hub.url("/console/terminals")).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(page.status(), 200);
    Session { csrf: csrf_of(&page.text().await.unwrap()), cookie }
}

async fn get(hub: &Hub, session: &Session, path: &str) -> reqwest::Response {
    no_redirects().get(hub.url(path)).header("cookie", &session.cookie).send().await.unwrap()
}

async fn post_form(hub: &Hub, session: &Session, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    no_redirects()
        .post(hub.url(path))
        .header("cookie", &session.cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form_body(fields))
        .send()
        .await
        .unwrap()
}

async fn beat(hub: &Hub, id: &str, token: &str, body: &Value) {
    let response = hub.post(&format!("/api/v1/terminals/{id}/heartbeat"), token, body).await;
    assert!(response.status().is_success());
}

hub_test! {
    async fn the_board_shows_problems_worst_first_and_only_admins_revoke_with_the_csrf_token() {
        let hub = Hub::start().await;
        let ok = kiosk_hub::cli::terminals_add(&hub.store, "SF-OK-01", Some("甲社区服务中心 1号机")).unwrap();
        let bad = kiosk_hub::cli::terminals_add(&hub.store, "SF-BAD-01", Some("乙社区服务中心 1号机")).unwrap();
        beat(&hub, "SF-OK-01", &ok, &heartbeat()).await;
        let mut paper_out = heartbeat();
        paper_out["printer"]["paper"] = json!("out");
        paper_out["printer"]["cover_open"] = json!(true);
        paper_out["outbox_depth"] = json!(4);
        beat(&hub, "SF-BAD-01", &bad, &paper_out).await;

        // Without a session: to the login page.
        let response = no_redirects().get(hub.url("/console/terminals")).send().await.unwrap();
        assert_eq!(response.status(), 303);
        assert!(response.headers()["location"].to_str().unwrap().starts_with("/console/login"));

        let clerk = login(&hub, "clerk1", Role::Clerk).await;
        let html = get(&hub, &clerk, "/console/terminals").await.text().await.unwrap();
        let (bad_at, ok_at) = (html.find("SF-BAD-01").unwrap(), html.find("SF-OK-01").unwrap());
        assert!(bad_at < ok_at, "the worst first");
        for text in ["打印机缺纸", "打印机盖未关", "待上传 4 件", "乙社区服务中心 1号机", "正常", "共 2 台终端在用，1 台有问题"] {
            assert!(html.contains(text), "{text} on the board");
        }
        assert!(!html.contains("/console/terminals/revoke"), "a clerk gets no revoke link");
        let response = get(&hub, &clerk, "/console/terminals/revoke?id=SF-OK-01").await;
        assert_eq!(response.status(), 403, "nor its confirmation page");
        let response =
            post_form(&hub, &clerk, "/console/terminals/revoke", &[("csrf", &clerk.csrf), ("terminal_id", "SF-OK-01")]).await;
        assert_eq!(response.status(), 403, "a clerk cannot revoke");
        assert_eq!(hub.store.authenticate(&ok).unwrap(), Auth::Terminal("SF-OK-01".into()));

        let admin = login(&hub, "admin1", Role::Admin).await;
        let html = get(&hub, &admin, "/console/terminals").await.text().await.unwrap();
        assert!(html.contains(r#"href="/console/terminals/revoke?id=SF-OK-01""#), "an admin gets the revoke link");
        let confirm = get(&hub, &admin, "/console/terminals/revoke?id=SF-OK-01").await.text().await.unwrap();
        assert!(confirm.contains("确认撤销") && confirm.contains("甲社区服务中心 1号机"), "{confirm}");
        assert_eq!(hub.store.authenticate(&ok).unwrap(), Auth::Terminal("SF-OK-01".into()), "asking revokes nothing");
        let response = post_form(&hub, &admin, "/console/terminals/revoke", &[("terminal_id", "SF-OK-01")]).await;
        assert_eq!(response.status(), 403, "no CSRF token, no revoke");
        let response =
            post_form(&hub, &admin, "/console/terminals/revoke", &[("csrf", &clerk.csrf), ("terminal_id", "SF-OK-01")]).await;
        assert_eq!(response.status(), 403, "another session's token, no revoke");
        assert_eq!(hub.store.authenticate(&ok).unwrap(), Auth::Terminal("SF-OK-01".into()));
        let response =
            post_form(&hub, &admin, "/console/terminals/revoke", &[("csrf", &admin.csrf), ("terminal_id", "SF-OK-01")]).await;
        assert_eq!(response.status(), 303);
        let location = response.headers()["location"].to_str().unwrap().to_string();
        assert_eq!(hub.store.authenticate(&ok).unwrap(), Auth::Revoked("SF-OK-01".into()));
        let html = get(&hub, &admin, &location).await.text().await.unwrap();
        assert!(html.contains("终端 SF-OK-01 的令牌已撤销"), "{html}");
        assert!(html.contains("已撤销（"), "shown as revoked");
        let response =
            post_form(&hub, &admin, "/console/terminals/revoke", &[("csrf", &admin.csrf), ("terminal_id", "SF-NONE-9")]).await;
        let html = get(&hub, &admin, response.headers()["location"].to_str().unwrap()).await.text().await.unwrap();
        assert!(html.contains("没有终端 SF-NONE-9"));
    }
}

hub_test! {
    async fn an_admin_creates_an_enrolment_code_on_the_board_and_a_kiosk_exchanges_it_once() {
        let hub = Hub::start().await;
        let admin = login(&hub, "admin1", Role::Admin).await;
        let fields = [("csrf", admin.csrf.as_str()), ("terminal_id", "SF-NEW-01"), ("expires_in", "2h")];
        let response = post_form(&hub, &admin, "/console/terminals/enrolment", &fields).await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["cache-control"], "no-store");
        let html = response.text().await.unwrap();
        let start = html.find(r#"<strong class="code">"#).expect("the code is shown") + r#"<strong class="code">"#.len();
        let code = &html[start..start + 12];
        assert!(code.bytes().all(|b| b.is_ascii_digit()), "{code}");
        assert!(html.contains("终端 SF-NEW-01 的一次性配置码"));

        let enrol = || hub.client.post(hub.url("/api/v1/enrolment")).json(&json!({ "code": code })).send();
        let response = enrol().await.unwrap();
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["terminal_id"], "SF-NEW-01");
        assert_eq!(enrol().await.unwrap().status(), 409, "once only");

        let response = post_form(&hub, &admin, "/console/terminals/enrolment", &[("terminal_id", "SF-NEW-02")]).await;
        assert_eq!(response.status(), 403, "no CSRF token, no code");
        let fields = [("csrf", admin.csrf.as_str()), ("terminal_id", "not an id"), ("expires_in", "24h")];
        let response = post_form(&hub, &admin, "/console/terminals/enrolment", &fields).await;
        assert_eq!(response.headers()["location"], "/console/terminals?error=terminal_id");
        let fields = [("csrf", admin.csrf.as_str()), ("terminal_id", "SF-NEW-03"), ("expires_in", "1y")];
        let response = post_form(&hub, &admin, "/console/terminals/enrolment", &fields).await;
        assert!(response.headers()["location"].to_str().unwrap().contains("error=expires_in"));

        let clerk = login(&hub, "clerk1", Role::Clerk).await;
        let fields = [("csrf", clerk.csrf.as_str()), ("terminal_id", "SF-NEW-04"), ("expires_in", "24h")];
        assert_eq!(post_form(&hub, &clerk, "/console/terminals/enrolment", &fields).await.status(), 403);
    }
}

hub_test! {
    async fn the_statistics_page_charts_and_tabulates_ratings_and_daily_volume_and_exports_csv() {
        let hub = Hub::start().await;
        let token = hub.terminal("SF-QST-01");
        let mut tokens = Vec::new();
        for (submitted_at, score) in
            [("2026-11-22T09:41:00+08:00", Some(5)), ("2026-11-22T10:00:00+08:00", Some(4)), ("2026-11-20T10:00:00+08:00", None)]
        {
            let mut body = senior_card_renewal("SF-QST-01");
            body["submitted_at"] = json!(submitted_at);
            assert_eq!(hub.submit(&token, &body).await.status(), 201);
            tokens.push((body["token"].clone(), score));
        }
        for (slip, score) in &tokens {
            if let Some(score) = score {
                let rating = json!({"token": slip, "terminal_id": "SF-QST-01", "score": score, "reasons": [],
                    "rated_at": "2026-11-22T11:00:00+08:00"});
                assert_eq!(hub.post("/api/v1/ratings", &token, &rating).await.status(), 201);
            }
        }
        let clerk = login(&hub, "clerk1", Role::Clerk).await;

        let response = get(&hub, &clerk, "/console/stats?by=item&to=2026-11-22").await;
        assert_eq!(response.status(), 200);
        let html = response.text().await.unwrap();
        assert!(html.contains("<svg") && html.contains("role=\"img\""), "charts");
        assert!(html.contains("<td>老年人优待证办理（年审）</td>"), "the item in the table");
        // 1分…5分, ratings, mean, applications.
        let row = r#"<td class="num">0</td><td class="num">0</td><td class="num">0</td><td class="num">1</td><td class="num">1</td><td class="num">2</td><td class="num">4.5</td><td class="num">3</td>"#;
        assert!(html.contains(row), "the numbers beside the charts: {html}");
        assert!(html.contains("2026-10-24 至 2026-11-22"));

        let by_terminal = get(&hub, &clerk, "/console/stats?by=terminal&to=2026-11-22").await.text().await.unwrap();
        assert!(by_terminal.contains("<td>七星社区服务中心 1号机</td>"));

        let response = get(&hub, &clerk, "/console/stats?by=item&to=2026-11-22&format=csv").await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "text/csv; charset=utf-8");
        assert!(response.headers()["content-disposition"].to_str().unwrap().contains("stats-item-2026-11-22.csv"));
        let csv = response.text().await.unwrap();
        assert!(csv.starts_with('\u{feff}'), "a BOM for Excel");
        let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').split("\r\n").collect();
        assert!(lines[0].starts_with("代码,事项,1分,2分,3分,4分,5分,评价数,平均分,申请数,2026-10-24,"));
        assert!(lines[0].ends_with(",2026-11-22"));
        let mut expected = "LL0001,老年人优待证办理（年审）,0,0,0,1,1,2,4.50,3".to_string();
        expected.push_str(&",0".repeat(27));
        expected.push_str(",1,0,2");
        assert_eq!(lines[1], expected);

        assert_eq!(get(&hub, &clerk, "/console/stats?by=nothing").await.status(), 400);
        assert_eq!(get(&hub, &clerk, "/console/stats?to=22.11.2026").await.status(), 400);
        let response = no_redirects().get(hub.url("/console/stats?format=csv")).send().await.unwrap();
        assert_eq!(response.status(), 303, "no export without a session");
    }
}

/// The statistics page and the board with 100,000 applications (60 days, 20 terminals, 8 items, a
/// rating for every second one) in the SQLite store, timed over HTTP (median of 5). A measurement,
/// not a check on every run: `cargo test -p kiosk-hub --test hub -- --ignored --nocapture
/// statistics_with_100000`.
#[tokio::test]
#[ignore]
async fn statistics_with_100000_applications_time_the_pages() {
    let hub = Hub::start().await;
    let kiosk_hub::config::Database::Sqlite(path) = &hub.database else { unreachable!() };
    for t in 0..20 {
        kiosk_hub::cli::terminals_add(&hub.store, &format!("SF-T{t:02}-01"), Some(&format!("第{t}社区服务中心 1号机")))
            .unwrap();
    }
    {
        let mut conn = rusqlite::Connection::open(path).unwrap();
        let tx = conn.transaction().unwrap();
        for i in 0..100_000i64 {
            let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap() - chrono::Days::new((i % 60) as u64);
            let at = format!("{day}T{:02}:{:02}:00+08:00", 8 + i % 9, i % 60);
            tx.execute(
                "INSERT INTO applications (idempotency_key, request_hash, terminal_id, acceptance_no, token, kind,
                     item_code, item_name, applicant, form, submitted_at, promised_date, pickup_code, grid, note,
                     status, received_at)
                 VALUES (?1, 'h', ?2, ?3, ?4, 'application', ?5, ?6, '', '{}', ?7, NULL, '123456', NULL, NULL,
                     'accepted', ?7)",
                rusqlite::params![
                    format!("key-{i}"),
                    format!("SF-T{:02}-01", i % 20),
                    format!("NO-{i}"),
                    format!("token{i:015}"),
                    format!("IT{:04}", i % 8),
                    format!("事项{}", i % 8),
                    at
                ],
            )
            .unwrap();
            if i % 2 == 0 {
                tx.execute(
                    "INSERT INTO ratings (application_id, terminal_id, score, reasons, rated_at, received_at)
                     VALUES (last_insert_rowid(), ?1, ?2, '[]', ?3, ?3)",
                    rusqlite::params![format!("SF-T{:02}-01", i % 20), 1 + i % 5, at],
                )
                .unwrap();
            }
        }
        tx.commit().unwrap();
    }
    let clerk = login(&hub, "clerk1", Role::Clerk).await;
    for path in
        ["/console/stats?by=item&to=2026-11-22", "/console/stats?by=terminal&to=2026-11-22", "/console/terminals"]
    {
        let mut times = Vec::new();
        let mut bytes = 0;
        for _ in 0..5 {
            let started = std::time::Instant::now();
            let response = get(&hub, &clerk, path).await;
            assert_eq!(response.status(), 200);
            bytes = response.bytes().await.unwrap().len();
            times.push(started.elapsed());
        }
        times.sort();
        println!("{path}: median {:.1} ms, {bytes} bytes", times[2].as_secs_f64() * 1000.0);
    }
}
