//! A real hub on 127.0.0.1 (random port) over a real SQLite file in a temp dir, and fixtures.
#![allow(dead_code)]

use std::sync::Arc;

use kiosk_hub::api::{self, AppState};
use kiosk_hub::store::Store;
use rand::Rng;
use serde_json::{json, Value};
use tokio::sync::oneshot;

pub struct Hub {
    pub base: String,
    pub store: Arc<Store>,
    pub client: reqwest::Client,
    pub dir: tempfile::TempDir,
    stop: Option<oneshot::Sender<()>>,
}

impl Hub {
    pub async fn start() -> Hub {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(Store::open(&dir.path().join("hub.sqlite3")).unwrap());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = oneshot::channel::<()>();
        let state = Arc::new(AppState::new(store.clone(), None));
        tokio::spawn(api::serve(listener, state, async move {
            let _ = stopped.await;
        }));
        // In a workspace build reqwest has the kiosk's features: TLS without a crypto provider.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder().timeout(std::time::Duration::from_secs(10)).build().unwrap();
        Hub { base, store, client, dir, stop: Some(stop) }
    }

    /// Registers a terminal and returns its bearer token.
    pub fn terminal(&self, id: &str) -> String {
        kiosk_hub::cli::terminals_add(&self.store, id, Some("七星社区服务中心 1号机")).unwrap()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn get(&self, path: &str, token: &str) -> reqwest::Response {
        self.client.get(self.url(path)).bearer_auth(token).send().await.unwrap()
    }

    pub async fn post(&self, path: &str, token: &str, body: &Value) -> reqwest::Response {
        self.client.post(self.url(path)).bearer_auth(token).json(body).send().await.unwrap()
    }

    /// Posts an application with its own key in the Idempotency-Key header.
    pub async fn submit(&self, token: &str, body: &Value) -> reqwest::Response {
        let key = body["idempotency_key"].as_str().unwrap_or("").to_string();
        self.client
            .post(self.url("/api/v1/applications"))
            .bearer_auth(token)
            .header("Idempotency-Key", key)
            .json(body)
            .send()
            .await
            .unwrap()
    }
}

impl Drop for Hub {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

pub fn random_uuid() -> String {
    let b: [u8; 16] = rand::rng().random();
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("{}-{}-4{}-a{}-{}", &h[0..8], &h[8..12], &h[13..16], &h[17..20], &h[20..32])
}

pub fn random_token() -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz234567";
    let mut rng = rand::rng();
    (0..20).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect()
}

/// A senior-card renewal (老年人优待证年审) from `terminal`, with a fresh key, token and number.
pub fn senior_card_renewal(terminal: &str) -> Value {
    let seq: u16 = rand::rng().random_range(1..10000);
    json!({
        "idempotency_key": random_uuid(),
        "terminal_id": terminal,
        "acceptance_no": format!("{terminal}-20261122-{seq:04}-{}", &random_token()[..4]),
        "kind": "application",
        "item_code": "LL0001",
        "item_name": "老年人优待证办理（年审）",
        "applicant": {
            "name": "王秀兰",
            "id_number": "430102195303151027",
            "card_type": "resident",
            "gender": "女",
            "birth_date": "1953-03-15",
            "address": "湖南省长沙市芙蓉区七星社区幸福路8号2栋301室"
        },
        "form": {"phone": "13800000000"},
        "submitted_at": "2026-11-22T09:41:00+08:00",
        "promised_date": "2026-11-29",
        "pickup_code": "482913",
        "token": random_token(),
        "grid": {"street": "七星街道", "community": "七星社区", "number": "第3网格"},
        "note": null
    })
}

/// A healthy heartbeat; tests change what they need.
pub fn heartbeat() -> Value {
    json!({
        "app_version": "0.1.0",
        "catalog_version": null,
        "outbox_depth": 0,
        "reader": "ok",
        "printer": {"online": true, "paper": "ok", "cover_open": false, "error": false},
        "last_error": null
    })
}

pub async fn error_code(response: reqwest::Response) -> (u16, String) {
    let status = response.status().as_u16();
    let body: Value = response.json().await.expect("error bodies are JSON");
    (status, body["code"].as_str().expect("error body has a code").to_string())
}
