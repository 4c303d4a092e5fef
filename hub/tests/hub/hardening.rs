//! The API against a misbehaving or hostile client, seen from outside over raw sockets: slow-loris
//! headers and bodies, idle connections, oversized bodies, forged and revoked tokens, unknown routes,
//! invalid ID numbers, request floods. Each gets its documented answer (or a closed connection), none
//! a 5xx, none a hang.

use std::time::{Duration, Instant};

use kiosk_hub::config::Limits;
use serde_json::Value;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

use crate::common::{closed_within, error_code, heartbeat, raw, read_response, senior_card_renewal, Hub};

/// Short timeouts so that the tests take moments.
fn short() -> Limits {
    Limits { header_timeout: Duration::from_secs(1), body_timeout: Duration::from_secs(1), ..Limits::default() }
}

fn post(path: &str, token: &str, extra_headers: &str, body: &[u8]) -> Vec<u8> {
    let mut request = format!(
        "POST {path} HTTP/1.1\r\nHost: hub\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\n\
         {extra_headers}Content-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    request.extend_from_slice(body);
    request
}

#[tokio::test]
async fn a_slow_loris_sending_its_headers_a_byte_at_a_time_is_cut_off_and_holds_nothing() {
    let hub = Hub::start_with(short(), false).await;
    let mut slow = TcpStream::connect(hub.addr).await.unwrap();
    slow.write_all(b"POST /api/v1/applications HTTP/1.1\r\nHost: hub\r\n").await.unwrap();
    let started = Instant::now();
    let (mut reader, mut writer) = slow.into_split();
    let drip = tokio::spawn(async move {
        for byte in b"X-Padding: ".iter().chain([b'a'; 100].iter()) {
            if writer.write_all(&[*byte]).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    });
    // Meanwhile the hub answers others at once.
    let response = hub.client.get(hub.url("/healthz")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let mut buf = [0u8; 256];
    let closed = tokio::time::timeout(Duration::from_secs(6), async {
        loop {
            match tokio::io::AsyncReadExt::read(&mut reader, &mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await;
    let took = started.elapsed();
    drip.abort();
    assert!(closed.is_ok(), "the connection is still open after 6 s");
    // 1 s allowed; the rest is slack for a loaded CI machine (the drip alone would last 11 s).
    assert!(took >= Duration::from_millis(900) && took < Duration::from_secs(4), "closed after {took:?}");
}

#[tokio::test]
async fn an_idle_connection_is_closed_after_the_header_timeout() {
    let hub = Hub::start_with(short(), false).await;
    let mut idle = TcpStream::connect(hub.addr).await.unwrap();
    assert!(closed_within(&mut idle, Duration::from_secs(4)).await, "a silent connection stays open");

    // So is a kept-alive one after its answer.
    let mut kept = TcpStream::connect(hub.addr).await.unwrap();
    kept.write_all(b"GET /healthz HTTP/1.1\r\nHost: hub\r\n\r\n").await.unwrap();
    assert_eq!(read_response(&mut kept).await.unwrap().status, 200);
    assert!(closed_within(&mut kept, Duration::from_secs(4)).await, "an idle kept-alive connection stays open");
}

#[tokio::test]
async fn a_body_trickled_a_byte_at_a_time_gets_408_within_the_body_timeout() {
    let hub = Hub::start_with(short(), false).await;
    let token = hub.terminal("SF-QST-01");
    let body = serde_json::to_vec(&heartbeat()).unwrap();
    let request = post("/api/v1/terminals/SF-QST-01/heartbeat", &token, "", &body);
    let head_len = request.len() - body.len();
    let mut stream = TcpStream::connect(hub.addr).await.unwrap();
    stream.write_all(&request[..head_len]).await.unwrap();
    let started = Instant::now();
    let (mut reader, mut writer) = stream.into_split();
    let drip = tokio::spawn(async move {
        for byte in &body {
            if writer.write_all(&[*byte]).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    });
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    let answered = tokio::time::timeout(Duration::from_secs(6), async {
        loop {
            match tokio::io::AsyncReadExt::read(&mut reader, &mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => head.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    drip.abort();
    assert!(answered.is_ok(), "no answer and no close after 6 s");
    let text = String::from_utf8_lossy(&head);
    assert!(text.starts_with("HTTP/1.1 408 "), "{text}");
    assert!(text.contains("\"code\":\"request_timeout\""), "{text}");
    // 1 s allowed, slack for a loaded machine; the drip alone would last some 17 s.
    assert!(started.elapsed() < Duration::from_secs(4), "{:?}", started.elapsed());
}

#[tokio::test]
async fn a_3_mb_body_is_refused_with_413_before_it_is_sent() {
    let hub = Hub::start().await;
    let token = hub.terminal("SF-QST-01");
    // Only the head: the answer comes without the hub waiting for the 3 MB.
    let head = format!(
        "POST /api/v1/applications HTTP/1.1\r\nHost: hub\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nIdempotency-Key: 0b6f1c52-8d3e-4a47-9c1e-2f5d7a9b3c10\r\n\
         Content-Length: {}\r\n\r\n",
        3 * 1024 * 1024
    );
    let response = raw(hub.addr, head.as_bytes()).await;
    assert_eq!((response.status, response.code()), (413, "payload_too_large".to_string()));
    assert_eq!(response.header("connection"), Some("close"));
    // Without a token too: the size is checked first.
    let head = format!("POST /api/v1/ratings HTTP/1.1\r\nHost: hub\r\nContent-Length: {}\r\n\r\n", 3 * 1024 * 1024);
    assert_eq!(raw(hub.addr, head.as_bytes()).await.status, 413);
    assert!(hub.store.list_applications(None, None).unwrap().is_empty());
}

#[tokio::test]
async fn a_chunked_body_is_cut_at_the_limit_with_413() {
    let hub = Hub::start().await;
    let token = hub.terminal("SF-QST-01");
    let mut stream = TcpStream::connect(hub.addr).await.unwrap();
    let head = format!(
        "POST /api/v1/terminals/SF-QST-01/heartbeat HTTP/1.1\r\nHost: hub\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    // 2 MiB + 64 KiB in 64 KiB chunks, never finished: the hub stops at the limit.
    let chunk = [b' '; 64 * 1024];
    for _ in 0..33 {
        stream.write_all(format!("{:x}\r\n", chunk.len()).as_bytes()).await.unwrap();
        stream.write_all(&chunk).await.unwrap();
        stream.write_all(b"\r\n").await.unwrap();
    }
    let response = tokio::time::timeout(Duration::from_secs(10), read_response(&mut stream)).await.unwrap().unwrap();
    assert_eq!((response.status, response.code()), (413, "payload_too_large".to_string()));
}

#[tokio::test]
async fn forged_and_revoked_tokens_unknown_routes_and_invalid_id_numbers_get_their_documented_errors() {
    let hub = Hub::start().await;
    let token = hub.terminal("SF-QST-01");
    let body = senior_card_renewal("SF-QST-01");
    let key = body["idempotency_key"].as_str().unwrap().to_string();
    let bytes = serde_json::to_vec(&body).unwrap();
    let idempotency = format!("Idempotency-Key: {key}\r\n");

    let forged = raw(hub.addr, &post("/api/v1/applications", &"f".repeat(64), &idempotency, &bytes)).await;
    assert_eq!((forged.status, forged.code()), (401, "unauthorized".to_string()));
    assert_eq!(forged.header("www-authenticate"), Some("Bearer"));

    let unknown = raw(hub.addr, b"GET /api/v2/everything HTTP/1.1\r\nHost: hub\r\n\r\n").await;
    assert_eq!((unknown.status, unknown.code()), (404, "not_found".to_string()));
    assert!(unknown.header("content-type").unwrap().starts_with("application/json"));

    let mut invalid = body.clone();
    invalid["applicant"]["id_number"] = "430102195303151020".into();
    let bytes_invalid = serde_json::to_vec(&invalid).unwrap();
    let refused = raw(hub.addr, &post("/api/v1/applications", &token, &idempotency, &bytes_invalid)).await;
    assert_eq!((refused.status, refused.code()), (422, "invalid_body".to_string()));
    let message: Value = serde_json::from_slice(&refused.body).unwrap();
    assert!(message["message"].as_str().unwrap().starts_with("applicant.id_number: "), "{message}");
    assert!(!message.to_string().contains("430102195303151020"), "the number is not echoed");
    invalid["applicant"]["id_number"] = "0".into();
    assert_eq!(error_code(hub.submit(&token, &invalid).await).await, (422, "invalid_body".into()));
    assert!(hub.store.list_applications(None, None).unwrap().is_empty());

    // The same application with a valid number is taken; the token replayed after revocation is not.
    let accepted = raw(hub.addr, &post("/api/v1/applications", &token, &idempotency, &bytes)).await;
    assert_eq!(accepted.status, 201);
    kiosk_hub::cli::terminals_revoke(&hub.store, "SF-QST-01").unwrap();
    let replayed = raw(hub.addr, &post("/api/v1/applications", &token, &idempotency, &bytes)).await;
    assert_eq!((replayed.status, replayed.code()), (401, "terminal_revoked".to_string()));
    assert_eq!(hub.store.list_applications(None, None).unwrap().len(), 1);
}

#[tokio::test]
async fn a_terminal_over_its_rate_gets_429_with_retry_after_and_others_do_not() {
    let limits = Limits { terminal_requests_per_minute: 60, terminal_burst: 3, ..Limits::default() };
    let hub = Hub::start_with(limits, false).await;
    let one = hub.terminal("SF-QST-01");
    let two = hub.terminal("SF-QST-02");
    for _ in 0..3 {
        assert_eq!(hub.post("/api/v1/terminals/SF-QST-01/heartbeat", &one, &heartbeat()).await.status(), 204);
    }
    let response = hub.post("/api/v1/terminals/SF-QST-01/heartbeat", &one, &heartbeat()).await;
    let retry: u64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=2).contains(&retry), "Retry-After: {retry}");
    assert_eq!(error_code(response).await, (429, "rate_limited".into()));
    assert_eq!(hub.post("/api/v1/terminals/SF-QST-02/heartbeat", &two, &heartbeat()).await.status(), 204);
    // A token a second: after Retry-After the terminal is served again.
    tokio::time::sleep(Duration::from_secs(retry)).await;
    assert_eq!(hub.post("/api/v1/terminals/SF-QST-01/heartbeat", &one, &heartbeat()).await.status(), 204);
}

#[tokio::test]
async fn an_address_guessing_tokens_is_refused_but_a_valid_token_from_it_still_passes() {
    let limits = Limits { auth_failures_per_minute: 3, ..Limits::default() };
    let hub = Hub::start_with(limits, false).await;
    let token = hub.terminal("SF-QST-01");
    hub.store.publish_catalog(1, r#"{"version":1,"items":[]}"#).unwrap();
    for guess in ["0123456789abcdef", "fedcba9876543210", ""] {
        let response = hub.get("/api/v1/catalog", guess).await;
        assert_eq!(error_code(response).await.0, 401, "{guess}");
    }
    // The fourth wrong try is answered 429.
    let response = hub.get("/api/v1/catalog", "00000000000000000000").await;
    assert!(response.headers()["retry-after"].to_str().unwrap().parse::<u64>().unwrap() >= 1);
    assert_eq!(error_code(response).await, (429, "too_many_auth_failures".into()));
    let response = hub.get("/api/v1/catalog", "").await;
    assert_eq!(error_code(response).await, (429, "too_many_auth_failures".into()));
    // A valid token from the same address (every kiosk behind one reverse proxy) is always served.
    for _ in 0..3 {
        assert_eq!(hub.get("/api/v1/catalog", &token).await.status(), 200);
    }
    // And does not refill the address's failure budget.
    let response = hub.get("/api/v1/catalog", "fedcba9876543210").await;
    assert_eq!(error_code(response).await, (429, "too_many_auth_failures".into()));
    // Routes without a token are not affected.
    assert_eq!(hub.client.get(hub.url("/healthz")).send().await.unwrap().status(), 200);
}

#[tokio::test]
async fn metrics_are_served_on_their_own_address_only() {
    let hub = Hub::start_with(Limits::default(), true).await;
    let metrics = hub.metrics.clone().unwrap();
    let token = hub.terminal("SF-QST-01");
    let app = senior_card_renewal("SF-QST-01");
    assert_eq!(hub.submit(&token, &app).await.status(), 201);
    assert_eq!(hub.submit(&token, &app).await.status(), 200);
    let mut conflict = app.clone();
    conflict["note"] = "另一份".into();
    assert_eq!(error_code(hub.submit(&token, &conflict).await).await.0, 409);
    let mut invalid = senior_card_renewal("SF-QST-01");
    invalid["applicant"]["id_number"] = "0".into();
    assert_eq!(error_code(hub.submit(&token, &invalid).await).await.0, 422);
    assert_eq!(error_code(hub.get("/api/v1/catalog", "forged-token-forged").await).await.0, 401);
    let progress = format!("/api/v1/applications/{}", app["token"].as_str().unwrap());
    assert_eq!(hub.get(&progress, &token).await.status(), 200);

    let response = hub.client.get(format!("{metrics}/metrics")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/plain; version=0.0.4"));
    let text = response.text().await.unwrap();
    for line in [
        "kiosk_hub_applications_received_total 1",
        "kiosk_hub_application_replays_total 1",
        "kiosk_hub_conflicts_total{code=\"idempotency_conflict\"} 1",
        "kiosk_hub_refusals_total{code=\"invalid_body\",status=\"422\"} 1",
        "kiosk_hub_refusals_total{code=\"unauthorized\",status=\"401\"} 1",
        "kiosk_hub_auth_failures_total{code=\"unauthorized\"} 1",
        "kiosk_hub_terminals_online 1",
        "kiosk_hub_store_errors_total 0",
        "kiosk_hub_request_duration_seconds_count{method=\"POST\",route=\"/api/v1/applications\"} 4",
        "kiosk_hub_request_duration_seconds_count{method=\"GET\",route=\"/api/v1/applications/{token}\"} 1",
    ] {
        assert!(text.lines().any(|l| l == line), "missing {line:?} in\n{text}");
    }
    assert!(!text.contains(app["token"].as_str().unwrap()), "no raw paths in labels");
    assert!(!text.contains("SF-QST-01"), "no terminal ids in labels");

    // Not on the API's address; nothing else on the metrics address.
    let response = hub.client.get(hub.url("/metrics")).send().await.unwrap();
    assert_eq!(error_code(response).await, (404, "not_found".into()));
    let response = hub.client.get(format!("{metrics}/api/v1/catalog")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(response.status(), 404);
}
