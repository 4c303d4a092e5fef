//! The staff console (`/console`) over real HTTP, as a browser without JavaScript uses it: cookies
//! kept by hand, forms posted urlencoded, redirects not followed (their `Location` is checked).
//! On both backends (`hub_test!`).

use std::collections::BTreeMap;

use kiosk_hub::store::console::Role;
use serde_json::Value;

use crate::common::{senior_card_renewal, Hub, ID_NUMBER};

const PASSWORD: &str = "correct horse battery";

/// A browser of one staff member: its cookies, no redirects followed.
pub struct Browser {
    base: String,
    client: reqwest::Client,
    cookies: BTreeMap<String, String>,
}

/// A response read whole.
pub struct Page {
    pub status: u16,
    pub location: Option<String>,
    pub set_cookies: Vec<String>,
    pub body: String,
}

impl Page {
    /// The value of the first hidden `csrf` input.
    pub fn csrf(&self) -> String {
        let at = self.body.find("name=\"csrf\" value=\"").unwrap_or_else(|| panic!("no csrf input in {}", self.body));
        let rest = &self.body[at + "name=\"csrf\" value=\"".len()..];
        rest[..rest.find('"').unwrap()].to_string()
    }

    /// How many application links the page has (queue rows).
    pub fn rows(&self) -> usize {
        self.body.matches("<td><a href=\"/console/applications/").count()
    }
}

/// `application/x-www-form-urlencoded` of `pairs`.
fn urlencode(pairs: &[(&str, &str)]) -> String {
    let enc = |s: &str| {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
                b' ' => "+".to_string(),
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    pairs.iter().map(|(k, v)| format!("{}={}", enc(k), enc(v))).collect::<Vec<_>>().join("&")
}

impl Browser {
    pub fn new(hub: &Hub) -> Browser {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(20))
            .build()
            .unwrap();
        Browser { base: hub.base.clone(), client, cookies: BTreeMap::new() }
    }

    async fn read(&mut self, response: reqwest::Response) -> Page {
        let status = response.status().as_u16();
        let location = response.headers().get("location").map(|v| v.to_str().unwrap().to_string());
        let set_cookies: Vec<String> =
            response.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_string()).collect();
        for c in &set_cookies {
            let pair = c.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            if value.is_empty() || c.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_string(), value.to_string());
            }
        }
        Page { status, location, set_cookies, body: response.text().await.unwrap() }
    }

    fn cookie_header(&self) -> String {
        self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
    }

    pub async fn get(&mut self, path: &str) -> Page {
        let r = self.client.get(format!("{}{path}", self.base)).header("cookie", self.cookie_header()).send().await;
        self.read(r.unwrap()).await
    }

    pub async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        let r = self
            .client
            .post(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(urlencode(form))
            .send()
            .await;
        self.read(r.unwrap()).await
    }

    /// Posts `multipart/form-data`: (name, file name if a file, content) per part.
    pub async fn post_multipart(&mut self, path: &str, parts: &[(&str, Option<&str>, &str)]) -> Page {
        let boundary = "----kiosk-hub-test-boundary";
        let mut body = String::new();
        for (name, file, content) in parts {
            body.push_str(&format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\""));
            if let Some(file) = file {
                body.push_str(&format!("; filename=\"{file}\"\r\nContent-Type: application/json"));
            }
            body.push_str(&format!("\r\n\r\n{content}\r\n"));
        }
        body.push_str(&format!("--{boundary}--\r\n"));
        let r = self
            .client
            .post(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .header("content-type", format!("multipart/form-data; boundary={boundary}"))
            .body(body)
            .send()
            .await;
        self.read(r.unwrap()).await
    }

    /// Opens the login page and posts `username` and `password` with its token.
    pub async fn try_login(&mut self, username: &str, password: &str) -> Page {
        let form = self.get("/console/login").await;
        assert_eq!(form.status, 200);
        let csrf = form.csrf();
        self.post("/console/login", &[("csrf", &csrf), ("username", username), ("password", password)]).await
    }

    pub async fn login(&mut self, username: &str) {
        let page = self.try_login(username, PASSWORD).await;
        assert_eq!(page.status, 303, "{}", page.body);
        assert_eq!(page.location.as_deref(), Some("/console"));
    }

    /// The CSRF token of the session (from the queue page's logout form).
    pub async fn csrf(&mut self) -> String {
        let page = self.get("/console").await;
        assert_eq!(page.status, 200, "{}", page.body);
        page.csrf()
    }
}

fn add(hub: &Hub, username: &str, role: Role) {
    hub.store.add_staff(username, role, PASSWORD).unwrap();
}

/// An application submitted by a kiosk over HTTP: (id, acceptance number, slip token).
async fn submitted(hub: &Hub, token: &str) -> (i64, String, String) {
    let body = senior_card_renewal("SF-QST-01");
    let r = hub.submit(token, &body).await;
    assert_eq!(r.status(), 201);
    let receipt: Value = r.json().await.unwrap();
    (
        receipt["id"].as_i64().unwrap(),
        body["acceptance_no"].as_str().unwrap().into(),
        body["token"].as_str().unwrap().into(),
    )
}

async fn kiosk_status(hub: &Hub, token: &str, slip: &str) -> String {
    let r = hub.get(&format!("/api/v1/applications/{slip}"), token).await;
    let progress: Value = r.json().await.unwrap();
    progress["status"].as_str().unwrap().to_string()
}

hub_test! {
    async fn login_sets_a_strict_http_only_session_and_logout_ends_it() {
        let hub = Hub::start().await;
        add(&hub, "li.admin", Role::Admin);
        let mut b = Browser::new(&hub);
        let page = b.get("/console?status=ready").await;
        assert_eq!(page.status, 303, "not logged in: to the login page");
        assert_eq!(page.location.as_deref(), Some("/console/login?next=/console%3Fstatus%3Dready"));

        let login = b.get("/console/login").await;
        assert!(login.body.contains("<html lang=\"zh-CN\">") && login.body.contains("<label for=\"password\">"));
        let wrong = b.post("/console/login", &[("csrf", &login.csrf()), ("username", "li.admin"), ("password", "nope")]).await;
        assert_eq!(wrong.status, 401);
        assert!(wrong.body.contains("用户名或密码错误"), "{}", wrong.body);
        assert!(!b.cookies.contains_key("kiosk_hub_session"));

        let page = b.try_login("li.admin", PASSWORD).await;
        assert_eq!(page.status, 303);
        let session = page.set_cookies.iter().find(|c| c.starts_with("kiosk_hub_session=")).expect("a session cookie");
        assert!(session.ends_with("; HttpOnly; SameSite=Strict; Path=/"), "{session}");
        let value = b.cookies["kiosk_hub_session"].clone();
        assert_eq!(value.len(), 64);

        let queue = b.get("/console").await;
        assert_eq!(queue.status, 200);
        assert!(queue.body.contains("申请队列") && queue.body.contains("li.admin"));
        assert!(queue.body.contains("href=\"/console/staff\""), "admins see the admin links");

        let csrf = queue.csrf();
        let refused = b.post("/console/logout", &[]).await;
        assert_eq!(refused.status, 403, "logout without the CSRF token");
        let out = b.post("/console/logout", &[("csrf", &csrf)]).await;
        assert_eq!((out.status, out.location.as_deref()), (303, Some("/console/login")));
        assert!(!b.cookies.contains_key("kiosk_hub_session"), "the cookie is deleted");
        // The old cookie no longer opens anything: the session is gone from the store.
        b.cookies.insert("kiosk_hub_session".into(), value);
        assert_eq!(b.get("/console").await.status, 303);
    }
}

hub_test! {
    async fn a_form_without_its_csrf_token_is_refused() {
        let hub = Hub::start().await;
        let token = hub.terminal("SF-QST-01");
        add(&hub, "wang.clerk", Role::Clerk);
        let (id, _, slip) = submitted(&hub, &token).await;
        let mut b = Browser::new(&hub);
        b.login("wang.clerk").await;
        let path = format!("/console/applications/{id}/status");
        let none = b.post(&path, &[("status", "processing")]).await;
        assert_eq!(none.status, 403);
        assert!(none.body.contains("安全令牌"), "{}", none.body);
        let wrong = b.post(&path, &[("csrf", &"0".repeat(64)), ("status", "processing")]).await;
        assert_eq!(wrong.status, 403);
        assert_eq!(kiosk_status(&hub, &token, &slip).await, "accepted", "nothing changed");

        // The login form's own token: a post without the login cookie's value is refused.
        let mut other = Browser::new(&hub);
        let page = other.post("/console/login", &[("csrf", "x"), ("username", "wang.clerk"), ("password", PASSWORD)]).await;
        assert_eq!(page.status, 403);
        assert!(!other.cookies.contains_key("kiosk_hub_session"));
    }
}

hub_test! {
    async fn five_failures_lock_the_username_for_fifteen_minutes() {
        let hub = Hub::start().await;
        add(&hub, "zhao.clerk", Role::Clerk);
        add(&hub, "qian.clerk", Role::Clerk);
        let mut b = Browser::new(&hub);
        for _ in 0..5 {
            assert_eq!(b.try_login("zhao.clerk", "wrong password").await.status, 401);
        }
        let locked = b.try_login("zhao.clerk", PASSWORD).await;
        assert_eq!(locked.status, 429, "locked: even the right password is refused");
        assert!(locked.body.contains("登录失败次数过多") && locked.body.contains("15 分钟"), "{}", locked.body);
        assert!(!b.cookies.contains_key("kiosk_hub_session"));
        // Another account is not locked by these failures.
        Browser::new(&hub).login("qian.clerk").await;
    }
}

hub_test! {
    async fn a_disabled_account_cannot_log_in_and_its_sessions_end() {
        let hub = Hub::start().await;
        add(&hub, "sun.clerk", Role::Clerk);
        let mut b = Browser::new(&hub);
        b.login("sun.clerk").await;
        assert_eq!(b.get("/console").await.status, 200);
        hub.store.disable_staff("sun.clerk").unwrap();
        assert_eq!(b.get("/console").await.status, 303, "the open session ended");
        let page = b.try_login("sun.clerk", PASSWORD).await;
        assert_eq!(page.status, 403);
        assert!(page.body.contains("此账号已停用"), "{}", page.body);
    }
}

hub_test! {
    async fn a_clerk_cannot_reach_admin_pages() {
        let hub = Hub::start().await;
        add(&hub, "zhou.clerk", Role::Clerk);
        let mut b = Browser::new(&hub);
        b.login("zhou.clerk").await;
        let csrf = b.csrf().await;
        assert!(!b.get("/console").await.body.contains("href=\"/console/staff\""), "no admin links for clerks");
        for path in ["/console/staff", "/console/access-log"] {
            let page = b.get(path).await;
            assert_eq!(page.status, 403, "{path}");
            assert!(page.body.contains("仅限管理员"), "{path}: {}", page.body);
        }
        let add = b
            .post(
                "/console/staff",
                &[("csrf", &csrf), ("username", "x"), ("role", "admin"), ("password", PASSWORD), ("password2", PASSWORD)],
            )
            .await;
        assert_eq!(add.status, 403);
        assert!(hub.store.list_staff().unwrap().iter().all(|a| a.username != "x"));
    }
}

hub_test! {
    async fn an_admin_adds_and_disables_staff_on_the_staff_page() {
        let hub = Hub::start().await;
        add(&hub, "li.admin", Role::Admin);
        let mut b = Browser::new(&hub);
        b.login("li.admin").await;
        let csrf = b.csrf().await;
        let added = b
            .post(
                "/console/staff",
                &[("csrf", &csrf), ("username", "wu.clerk"), ("role", "clerk"), ("password", PASSWORD), ("password2", PASSWORD)],
            )
            .await;
        assert_eq!(added.location.as_deref(), Some("/console/staff?done=added"));
        Browser::new(&hub).login("wu.clerk").await;
        let page = b.get("/console/staff?done=added").await;
        assert!(page.body.contains("wu.clerk") && page.body.contains("已添加账号"));
        let gone = b.post("/console/staff/disable", &[("csrf", &csrf), ("username", "wu.clerk")]).await;
        assert_eq!(gone.location.as_deref(), Some("/console/staff?done=disabled"));
        assert_eq!(Browser::new(&hub).try_login("wu.clerk", PASSWORD).await.status, 403);
        let me = b.post("/console/staff/disable", &[("csrf", &csrf), ("username", "li.admin")]).await;
        assert_eq!(me.location.as_deref(), Some("/console/staff?error=self"), "not oneself");

        // A new password for a clerk: their open session ends, the new password logs in.
        add(&hub, "zheng.clerk", Role::Clerk);
        let mut clerk = Browser::new(&hub);
        clerk.login("zheng.clerk").await;
        let new = "a brand new password";
        let short = b
            .post("/console/staff/password", &[("csrf", &csrf), ("username", "zheng.clerk"), ("password", "x"), ("password2", "x")])
            .await;
        assert_eq!(short.location.as_deref(), Some("/console/staff?error=password"));
        let set = b
            .post("/console/staff/password", &[("csrf", &csrf), ("username", "zheng.clerk"), ("password", new), ("password2", new)])
            .await;
        assert_eq!(set.location.as_deref(), Some("/console/staff?done=password_set"));
        assert_eq!(clerk.get("/console").await.status, 303, "the clerk's session ended");
        assert_eq!(clerk.try_login("zheng.clerk", PASSWORD).await.status, 401, "the old password no longer works");
        assert_eq!(clerk.try_login("zheng.clerk", new).await.status, 303);
    }
}

hub_test! {
    async fn a_clerk_opens_processes_and_hands_over_an_application() {
        let hub = Hub::start().await;
        let token = hub.terminal("SF-QST-01");
        add(&hub, "wang.clerk", Role::Clerk);
        add(&hub, "li.admin", Role::Admin);
        let (id, acceptance_no, slip) = submitted(&hub, &token).await;
        let mut b = Browser::new(&hub);
        b.login("wang.clerk").await;
        let csrf = b.csrf().await;

        // Found by its acceptance number; the queue shows the masked name only.
        let found = b.get(&format!("/console?q={acceptance_no}")).await;
        assert_eq!(found.rows(), 1, "{}", found.body);
        assert!(found.body.contains("王*兰") && !found.body.contains("王秀兰") && !found.body.contains(ID_NUMBER));

        // The detail shows the applicant in full, and the view is in the access log.
        assert!(hub.store.access_log(&Default::default()).unwrap().is_empty());
        let detail = b.get(&format!("/console/applications/{id}")).await;
        assert_eq!(detail.status, 200);
        for shown in ["王秀兰", ID_NUMBER, "幸福路8号", "七星街道 七星社区 第3网格", "13800000000"] {
            assert!(detail.body.contains(shown), "{shown} on the detail page");
        }
        let log = hub.store.access_log(&Default::default()).unwrap();
        assert_eq!(log.len(), 1);
        assert_eq!((log[0].username.as_str(), log[0].application_id), ("wang.clerk", id));
        let mut admin = Browser::new(&hub);
        admin.login("li.admin").await;
        let page = admin.get("/console/access-log").await;
        assert!(page.body.contains("wang.clerk") && page.body.contains(&acceptance_no), "{}", page.body);
        let of_it = admin.get(&format!("/console/access-log?application={id}&staff=wang.clerk")).await;
        assert!(of_it.body.contains(&acceptance_no), "{}", of_it.body);
        let of_other = admin.get(&format!("/console/access-log?application={}", id + 1)).await;
        assert!(of_other.body.contains("暂无记录"), "{}", of_other.body);
        assert!(admin.get("/console/access-log?staff=li.admin").await.body.contains("暂无记录"));

        // Reject needs a reason; processing then ready, which the kiosk's progress query sees.
        let status = format!("/console/applications/{id}/status");
        let r = b.post(&status, &[("csrf", &csrf), ("status", "rejected"), ("note", " ")]).await;
        assert_eq!(r.location, Some(format!("/console/applications/{id}?error=reason")));
        let r = b.post(&status, &[("csrf", &csrf), ("status", "ready")]).await;
        assert_eq!(r.location, Some(format!("/console/applications/{id}?error=transition")), "not skipping processing");
        let r = b.post(&status, &[("csrf", &csrf), ("status", "processing"), ("note", "材料齐全")]).await;
        assert_eq!(r.location, Some(format!("/console/applications/{id}?done=processing")));
        b.post(&status, &[("csrf", &csrf), ("status", "ready")]).await;
        assert_eq!(kiosk_status(&hub, &token, &slip).await, "ready");

        // 取件: a wrong code is refused and changes nothing; the right one hands over, naming the clerk.
        let handover = format!("/console/applications/{id}/handover");
        let r = b.post(&handover, &[("csrf", &csrf), ("pickup_code", "000000")]).await;
        assert_eq!(r.location, Some(format!("/console/applications/{id}?error=wrong_code")));
        let page = b.get(r.location.as_deref().unwrap()).await;
        assert!(page.body.contains("取件码不对"), "{}", page.body);
        assert_eq!(kiosk_status(&hub, &token, &slip).await, "ready");
        let r = b.post(&handover, &[("csrf", &csrf), ("pickup_code", " 482913 ")]).await;
        assert_eq!(r.location, Some(format!("/console/applications/{id}?done=picked_up")));
        assert_eq!(kiosk_status(&hub, &token, &slip).await, "picked_up");
        let page = b.get(&format!("/console/applications/{id}")).await;
        assert!(page.body.contains("交付人</dt><dd>wang.clerk"), "{}", page.body);
        assert_eq!(page.body.matches("<td>wang.clerk</td>").count(), 3, "the timeline names who did each step");
        let again = b.post(&handover, &[("csrf", &csrf), ("pickup_code", "482913")]).await;
        assert_eq!(again.location, Some(format!("/console/applications/{id}?error=not_ready")), "only once");
        assert_eq!(hub.store.access_log(&Default::default()).unwrap().len(), 3, "each view is logged");
    }
}

hub_test! {
    async fn the_queue_filters_finds_and_pages() {
        let hub = Hub::start().await;
        let token = hub.terminal("SF-QST-01");
        let other = hub.terminal("SF-QST-02");
        add(&hub, "wang.clerk", Role::Clerk);
        let mut ids = Vec::new();
        for i in 0..60 {
            let mut body = senior_card_renewal(if i % 3 == 0 { "SF-QST-02" } else { "SF-QST-01" });
            body["pickup_code"] = format!("{:06}", 100000 + i).into();
            body["submitted_at"] = format!("2026-11-{:02}T09:41:00+08:00", 1 + i % 20).into();
            if i == 7 {
                body["applicant"]["id_number"] = "11010519491231002X".into();
            }
            if i % 4 == 0 {
                body["kind"] = "proxy_request".into();
            }
            let t = if i % 3 == 0 { &other } else { &token };
            let r = hub.submit(t, &body).await;
            assert_eq!(r.status(), 201);
            ids.push(r.json::<Value>().await.unwrap()["id"].as_i64().unwrap());
        }
        hub.store.set_status(&ids[5].to_string(), kiosk_hub::model::Status::Processing, None).unwrap();
        let mut b = Browser::new(&hub);
        b.login("wang.clerk").await;

        let first = b.get("/console").await;
        assert_eq!(first.rows(), 50);
        assert!(first.body.contains("共 <strong>60</strong> 件"), "{}", first.body);
        let newest = first.body.find(&format!("/console/applications/{}\"", ids[59])).unwrap();
        let older = first.body.find(&format!("/console/applications/{}\"", ids[10])).unwrap();
        assert!(newest < older, "newest first");
        let next = format!("/console?before={}", ids[10]);
        assert!(first.body.contains(&format!("href=\"{next}\"")), "a link to the older page");
        let second = b.get(&next).await;
        assert_eq!(second.rows(), 10);
        assert!(second.body.contains(&format!("href=\"/console?after={}\"", ids[9])), "and back");
        assert_eq!(b.get(&format!("/console?after={}", ids[9])).await.rows(), 50);

        assert_eq!(b.get("/console?status=processing").await.rows(), 1);
        assert_eq!(b.get("/console?terminal=SF-QST-02").await.rows(), 20);
        assert_eq!(b.get("/console?terminal=SF-QST-02&status=processing").await.rows(), 0);
        assert_eq!(b.get("/console?from=2026-11-01&to=2026-11-02").await.rows(), 6, "both days included");
        assert_eq!(b.get("/console?q=100042").await.rows(), 1, "by pickup code");
        assert_eq!(b.get("/console?q=002X").await.rows(), 1, "by ID number suffix");
        assert_eq!(b.get("/console?q=1027&by=id_suffix").await.rows(), 50, "a page of the other 59");
        let bad = b.get("/console?from=2026-13-01").await;
        assert!(bad.body.contains("不是日期") && bad.rows() == 0, "{}", bad.body);
        let bad = b.get("/console?q=12&by=id_suffix").await;
        assert!(bad.body.contains("不是身份证号的后四位"), "{}", bad.body);
        let grid = serde_json::json!({"street": "七星街道", "community": "七星社区", "number": "第3网格"}).to_string();
        let page = b.get(&format!("/console?grid={}", &urlencode(&[("", &grid)])[1..])).await;
        assert_eq!(page.rows(), 15, "the 代办 requests under this grid");
        assert_eq!(b.get("/console?kind=proxy_request").await.rows(), 15);
        assert!(first.body.contains("七星街道 七星社区 第3网格"), "the grid is offered as a filter");
    }
}

hub_test! {
    async fn a_proxy_request_shows_its_grid_and_grid_worker() {
        let hub = Hub::start().await;
        let token = hub.terminal("SF-QST-01");
        add(&hub, "wang.clerk", Role::Clerk);
        let mut body = senior_card_renewal("SF-QST-01");
        body["kind"] = "proxy_request".into();
        body["promised_date"] = Value::Null;
        body["form"] = serde_json::json!({
            "phone": "13800000000", "time": "工作日上午", "matter": "LL0001", "grid_street": "七星街道",
            "grid_community": "七星社区", "grid_number": "第3网格", "worker_name": "李网格", "worker_phone": "13900000003"
        });
        let r = hub.submit(&token, &body).await;
        assert_eq!(r.status(), 201);
        let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
        let mut b = Browser::new(&hub);
        b.login("wang.clerk").await;
        let grid = serde_json::json!({"street": "七星街道", "community": "七星社区", "number": "第3网格"}).to_string();
        let under = b.get(&format!("/console?grid={}", &urlencode(&[("", &grid)])[1..])).await;
        assert_eq!(under.rows(), 1, "under its grid");
        assert!(under.body.contains("代办"));
        let page = b.get(&format!("/console/applications/{id}")).await;
        assert!(page.body.contains("<dt>网格员</dt><dd>李网格 · 电话 13900000003</dd>"), "{}", page.body);
        assert!(page.body.contains("<th scope=\"row\">方便联系的时间</th><td>工作日上午</td>"), "{}", page.body);
    }
}

hub_test! {
    async fn an_idle_session_ends_and_an_address_with_many_failures_is_locked() {
        let hub = Hub::start().await;
        add(&hub, "wang.clerk", Role::Clerk);
        let store = hub.store.clone();
        tokio::task::spawn_blocking(move || {
            use kiosk_hub::store::console::Login;
            let Login::Ok { cookie, session } = store.login("wang.clerk", PASSWORD, "10.0.0.1", 30).unwrap() else {
                panic!("the right password logs in")
            };
            assert_eq!(store.session(&cookie, 30).unwrap(), Some(session), "used within 30 minutes");
            std::thread::sleep(std::time::Duration::from_millis(20));
            assert_eq!(store.session(&cookie, 0).unwrap(), None, "unused for longer than the idle time: ended");
            assert_eq!(store.session(&"0".repeat(64), 30).unwrap(), None);

            // 20 failures from one address, each for another username, lock that address only.
            for i in 0..20 {
                assert_eq!(store.login(&format!("guess{i}"), "x", "10.0.0.9", 30).unwrap(), Login::Wrong);
            }
            assert!(matches!(store.login("wang.clerk", PASSWORD, "10.0.0.9", 30).unwrap(), Login::Locked { .. }));
            assert!(matches!(store.login("wang.clerk", PASSWORD, "10.0.0.2", 30).unwrap(), Login::Ok { .. }));
        })
        .await
        .unwrap();
    }
}

hub_test! {
    async fn an_admin_publishes_a_catalogue_by_uploading_its_file() {
        let hub = Hub::start().await;
        add(&hub, "li.admin", Role::Admin);
        add(&hub, "wang.clerk", Role::Clerk);
        let v3 = r#"{"version": 3, "items": [{"code": "LL0001", "name": "老年人优待证办理（年审）"}]}"#;
        let mut b = Browser::new(&hub);
        b.login("li.admin").await;
        let csrf = b.csrf().await;
        let page = b.get("/console/catalog").await;
        assert!(page.body.contains("尚未发布服务目录") && page.body.contains("<label for=\"catalog-file\">"));
        let none = b.post_multipart("/console/catalog", &[("file", Some("catalog.json"), v3)]).await;
        assert_eq!(none.status, 403, "no CSRF token");
        let done = b.post_multipart("/console/catalog", &[("csrf", None, &csrf), ("file", Some("catalog.json"), v3)]).await;
        assert_eq!(done.location.as_deref(), Some("/console/catalog?done=3"), "{}", done.body);
        assert_eq!(hub.store.latest_catalog().unwrap().map(|(v, _)| v), Some(3));
        let page = b.get("/console/catalog?done=3").await;
        assert!(page.body.contains("已发布版本 3") && page.body.contains("<td>LL0001</td>"), "{}", page.body);

        let again = b.post_multipart("/console/catalog", &[("csrf", None, &csrf), ("file", Some("c.json"), v3)]).await;
        assert_eq!(again.status, 422);
        assert!(again.body.contains("不高于当前版本 3"), "{}", again.body);
        let broken = r#"{"version": 4, "items": [{"code": "LL0001"}]}"#;
        let bad = b.post_multipart("/console/catalog", &[("csrf", None, &csrf), ("file", Some("c.json"), broken)]).await;
        assert_eq!(bad.status, 422);
        assert!(bad.body.contains("items[0].name"), "names the problem: {}", bad.body);
        assert_eq!(hub.store.latest_catalog().unwrap().map(|(v, _)| v), Some(3), "nothing else published");

        let mut clerk = Browser::new(&hub);
        clerk.login("wang.clerk").await;
        assert_eq!(clerk.get("/console/catalog").await.status, 403);
    }
}

hub_test! {
    async fn an_admin_publishes_a_grid_directory_by_uploading_its_file() {
        let hub = Hub::start().await;
        add(&hub, "li.admin", Role::Admin);
        add(&hub, "wang.clerk", Role::Clerk);
        let mut dir: serde_json::Value =
            serde_json::from_str(include_str!("../../../assets/grid/directory.json")).unwrap();
        dir["version"] = 5.into();
        let v5 = dir.to_string();
        let mut b = Browser::new(&hub);
        b.login("li.admin").await;
        let csrf = b.csrf().await;
        let page = b.get("/console/grid").await;
        assert!(page.body.contains("尚未发布网格名录") && page.body.contains("<label for=\"grid-file\">"));
        let none = b.post_multipart("/console/grid", &[("file", Some("grid.json"), &v5)]).await;
        assert_eq!(none.status, 403, "no CSRF token");
        let done = b.post_multipart("/console/grid", &[("csrf", None, &csrf), ("file", Some("grid.json"), &v5)]).await;
        assert_eq!(done.location.as_deref(), Some("/console/grid?done=5"), "{}", done.body);
        assert_eq!(hub.store.latest_grid().unwrap().map(|(v, _)| v), Some(5));
        let page = b.get("/console/grid?done=5").await;
        let first = &dir["streets"][0];
        let grid = format!("{} {} 第{}网格", first["name"].as_str().unwrap(), first["communities"][0]["name"].as_str().unwrap(), first["communities"][0]["grids"][0]["number"]);
        assert!(page.body.contains("已发布版本 5") && page.body.contains(&grid), "{}", page.body);

        let again = b.post_multipart("/console/grid", &[("csrf", None, &csrf), ("file", Some("g.json"), &v5)]).await;
        assert_eq!(again.status, 422);
        assert!(again.body.contains("不高于当前版本 5"), "{}", again.body);
        dir["version"] = 6.into();
        // Two grids numbered alike in one community: refused as `kiosk-hub grid publish` refuses it.
        dir["streets"][0]["communities"][0]["grids"][1]["number"] = dir["streets"][0]["communities"][0]["grids"][0]["number"].clone();
        let bad = b.post_multipart("/console/grid", &[("csrf", None, &csrf), ("file", Some("g.json"), &dir.to_string())]).await;
        assert_eq!(bad.status, 422);
        assert!(bad.body.contains("文件有误，未发布"), "names the problem: {}", bad.body);
        assert_eq!(hub.store.latest_grid().unwrap().map(|(v, _)| v), Some(5), "nothing else published");

        let mut clerk = Browser::new(&hub);
        clerk.login("wang.clerk").await;
        assert_eq!(clerk.get("/console/grid").await.status, 403);
    }
}

hub_test! {
    /// Without a key file the database holds no suffix hash: the store compares the ID numbers itself
    /// and pages the matches the same way.
    async fn the_id_suffix_search_pages_without_a_key_file_too() {
        use kiosk_hub::store::console::{QueueFilter, Search, PAGE_SIZE};
        let dir = tempfile::tempdir().unwrap();
        let database = crate::common::new_database(dir.path()).await;
        tokio::task::spawn_blocking(move || {
            let store = kiosk_hub::store::Store::connect(&database, None, None).unwrap();
            store.add_terminal("SF-QST-01", None).unwrap();
            for i in 0..(PAGE_SIZE + 7) {
                let mut body = senior_card_renewal("SF-QST-01");
                if i % 2 == 1 {
                    body["applicant"]["id_number"] = "11010519491231002X".into();
                }
                let req: kiosk_hub::model::ApplicationRequest = serde_json::from_value(body).unwrap();
                store.create_application(&req).unwrap();
            }
            let search = |before, after| QueueFilter {
                search: Some(Search::IdSuffix("1027".into())),
                before,
                after,
                ..QueueFilter::default()
            };
            let first = store.queue(&search(None, None)).unwrap();
            assert_eq!((first.rows.len(), first.total, first.older, first.newer), (29, 29, false, false));
            let x = store
                .queue(&QueueFilter { search: Some(Search::IdSuffix("002x".into())), ..QueueFilter::default() })
                .unwrap();
            assert_eq!(x.total, 28, "X in either case");
            let all = store.queue(&QueueFilter::default()).unwrap();
            assert_eq!((all.rows.len(), all.total, all.older), (PAGE_SIZE, 57, true));
            let last = all.rows.last().unwrap().id;
            let older = store.queue(&QueueFilter { before: Some(last), ..QueueFilter::default() }).unwrap();
            assert_eq!((older.rows.len(), older.newer, older.older), (7, true, false));
            assert!(first.rows.windows(2).all(|w| w[0].id > w[1].id), "newest first");
            let two = store.queue(&search(Some(first.rows[9].id), None)).unwrap();
            assert_eq!((two.rows.len(), two.older, two.newer), (19, false, true));
            let back = store.queue(&search(None, Some(two.rows[0].id))).unwrap();
            assert_eq!(back.rows.iter().map(|r| r.id).collect::<Vec<_>>(), first.rows[..10].iter().map(|r| r.id).collect::<Vec<_>>());
            assert_eq!((back.older, back.newer), (true, false));
        })
        .await
        .unwrap();
    }
}

hub_test! {
    async fn a_nul_character_in_a_query_or_a_form_gets_the_400_page_not_a_database_error() {
        let hub = Hub::start().await;
        let token = hub.terminal("SF-QST-01");
        add(&hub, "li.admin", Role::Admin);
        let (id, _, slip) = submitted(&hub, &token).await;
        let mut b = Browser::new(&hub);
        b.login("li.admin").await;
        let csrf = b.csrf().await;
        // PostgreSQL cannot compare or store U+0000 in a text column: these were 500s on it.
        for path in [
            "/console?q=SF%00QST",
            "/console?item=LL%000001",
            "/console?terminal=SF-QST-01%00",
            "/console/access-log?staff=li%00.admin",
        ] {
            let page = b.get(path).await;
            assert_eq!(page.status, 400, "{path}: {}", page.body);
            assert!(page.body.contains("内容中含有无法保存的控制字符"), "{path}: {}", page.body);
        }
        let status = format!("/console/applications/{id}/status");
        let page = b.post(&status, &[("csrf", &csrf), ("status", "processing"), ("note", "材料\0齐全")]).await;
        assert_eq!(page.status, 400, "{}", page.body);
        assert!(page.body.contains("内容中含有无法保存的控制字符"), "{}", page.body);
        assert_eq!(kiosk_status(&hub, &token, &slip).await, "accepted", "nothing changed");
        // A query that does not fit its fields gets the console's page too (was axum's plain text).
        let page = b.get("/console?before=abc").await;
        assert_eq!(page.status, 400);
        assert!(page.body.contains("网址中的查询条件有误"), "{}", page.body);
        // The same form without the NUL goes through.
        let page = b.post(&status, &[("csrf", &csrf), ("status", "processing"), ("note", "材料齐全")]).await;
        assert_eq!(page.location, Some(format!("/console/applications/{id}?done=processing")));
        assert_eq!(kiosk_status(&hub, &token, &slip).await, "processing");
    }
}
