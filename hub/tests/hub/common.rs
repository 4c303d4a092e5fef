//! A real hub on 127.0.0.1 (random port) over a real SQLite file in a temp dir or a database of the
//! tests' own PostgreSQL ([`hub_test!`] runs a test on both), and fixtures. The hub seals personal
//! fields with a key file made by `keys init`, as a configured hub does.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;
use std::time::Duration;

use kiosk_hub::api::{self, AppState};
use kiosk_hub::config::Database;
use kiosk_hub::config::Limits;
use kiosk_hub::store::Store;
use rand::Rng;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::oneshot;

/// The sample applicant's ID number (a valid GB 11643 check digit), which must never show outside
/// the applicant's sealed fields.
pub const ID_NUMBER: &str = "430102195303151027";

/// The `kiosk-hub` binary with `--config config`, logging warnings only.
pub fn kiosk_hub(config: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_kiosk-hub"));
    c.arg("--config").arg(config).env("RUST_LOG", "warn");
    c
}

/// A finished command's stderr (UTF-8).
pub fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("stderr is UTF-8")
}

/// The database a test's hub uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

tokio::task_local! {
    /// Set by [`hub_test!`] for the test's body; SQLite when unset.
    pub static BACKEND: Backend;
}

pub fn backend() -> Backend {
    BACKEND.try_with(|b| *b).unwrap_or(Backend::Sqlite)
}

/// A database for one test on the current [`backend`]: a file in `dir`, or a new PostgreSQL database.
pub async fn new_database(dir: &std::path::Path) -> Database {
    match backend() {
        Backend::Sqlite => Database::Sqlite(dir.join("hub.sqlite3")),
        Backend::Postgres => Database::Postgres(crate::pg::new_database().await),
    }
}

/// `hub_test! { async fn name() { … } }`: the test twice, `name::sqlite` and `name::postgres` (the
/// latter needs PostgreSQL's binaries: see `pg.rs`).
macro_rules! hub_test {
    ($(#[$attr:meta])* async fn $name:ident() $body:block) => {
        $(#[$attr])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test]
            async fn sqlite() {
                crate::common::BACKEND.scope(crate::common::Backend::Sqlite, async $body).await
            }

            #[tokio::test]
            async fn postgres() {
                if !crate::pg::available(module_path!()) {
                    return;
                }
                crate::common::BACKEND.scope(crate::common::Backend::Postgres, async $body).await
            }
        }
    };
}

pub struct Hub {
    pub base: String,
    /// The API's address, for raw TCP clients.
    pub addr: SocketAddr,
    /// `http://…` of the `/metrics` listener, when started with one.
    pub metrics: Option<String>,
    pub store: Arc<Store>,
    pub database: Database,
    pub key_file: PathBuf,
    pub client: reqwest::Client,
    pub dir: tempfile::TempDir,
    stop: Option<oneshot::Sender<()>>,
}

impl Hub {
    pub async fn start() -> Hub {
        Hub::start_with(Limits::default(), false).await
    }

    /// A hub with these limits, and a `/metrics` listener of its own when `metrics`.
    pub async fn start_with(limits: Limits, metrics: bool) -> Hub {
        let dir = tempfile::tempdir().unwrap();
        let key_file = dir.path().join("hub.key");
        kiosk_hub::cli::keys_init(Some(&key_file)).unwrap();
        let database = new_database(dir.path()).await;
        let store = Arc::new(Store::connect(&database, Some(&key_file), None).unwrap());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let base = format!("http://{addr}");
        let (stop, stopped) = oneshot::channel::<()>();
        let state = Arc::new(AppState::with_limits(store.clone(), None, limits));
        let metrics = match metrics {
            true => {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                let url = format!("http://{}", listener.local_addr().unwrap());
                tokio::spawn(api::serve_metrics(listener, state.clone(), std::future::pending()));
                Some(url)
            }
            false => None,
        };
        tokio::spawn(api::serve(listener, state, async move {
            let _ = stopped.await;
        }));
        // In a workspace build reqwest has the kiosk's features: TLS without a crypto provider.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder().timeout(std::time::Duration::from_secs(10)).build().unwrap();
        Hub { base, addr, metrics, store, database, key_file, client, dir, stop: Some(stop) }
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
            "id_number": ID_NUMBER,
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

/// A response read off a raw socket.
#[derive(Debug)]
pub struct RawResponse {
    pub status: u16,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RawResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// The `code` of a JSON error body.
    pub fn code(&self) -> String {
        let body: Value = serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not a JSON body ({e}): {}", String::from_utf8_lossy(&self.body)));
        body["code"].as_str().expect("error body has a code").to_string()
    }
}

/// Reads one HTTP/1.1 response (headers and a `Content-Length` body) from `stream`; `None` when the
/// connection ends first.
pub async fn read_response(stream: &mut TcpStream) -> Option<RawResponse> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let length: usize = headers.iter().find(|(n, _)| n == "content-length").map_or(0, |(_, v)| v.parse().unwrap());
    let mut body = buf[head_end..].to_vec();
    while body.len() < length {
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => body.extend_from_slice(&chunk[..n]),
        }
    }
    body.truncate(length);
    Some(RawResponse { status, headers, body })
}

/// Sends `request` as it is on a new connection and reads the answer (at most 10 s).
pub async fn raw(addr: SocketAddr, request: &[u8]) -> RawResponse {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(request).await.unwrap();
    tokio::time::timeout(Duration::from_secs(10), read_response(&mut stream))
        .await
        .expect("an answer within 10 s")
        .expect("an answer before the connection closed")
}

/// Whether the peer closes `stream` (end of file or reset) within `limit`; reads and drops what it sends.
pub async fn closed_within(stream: &mut TcpStream, limit: Duration) -> bool {
    let mut chunk = [0u8; 1024];
    tokio::time::timeout(limit, async {
        loop {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await
    .is_ok()
}
