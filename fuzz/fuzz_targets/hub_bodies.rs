//! The hub's JSON request bodies, through its real router (`kiosk_hub::api::router`) and so through
//! the same extraction and validation its handlers use, on an in-memory store. The first byte picks
//! the endpoint (`a` applications, `r` ratings, anything else the heartbeat); the rest is the body.
#![no_main]

use std::path::Path;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use kiosk_contract::{ApplicationRequest, ErrorBody, Heartbeat, RatingRequest};
use kiosk_hub::api::{router, AppState};
use kiosk_hub::config::Limits;
use kiosk_hub::store::Store;
use libfuzzer_sys::fuzz_target;
use tower::ServiceExt;

const TERMINAL: &str = "SF-QST-01";
const KEY: &str = "3f2c9a54-8d1e-4b7a-9c0f-2e6d5a1b7c84";

struct Hub {
    runtime: tokio::runtime::Runtime,
    app: axum::Router,
    token: String,
}

thread_local! {
    static HUB: Hub = {
        let store = Store::open(Path::new(":memory:")).expect("an in-memory hub store opens");
        let token = store.add_terminal(TERMINAL, None).expect("a terminal is added");
        // One terminal sends every input: with the default limits nearly all of them would be refused
        // with 429 before their body is read (the limits have their own tests in hub/tests).
        let unlimited = Limits {
            terminal_requests_per_minute: u32::MAX,
            terminal_burst: u32::MAX,
            auth_failures_per_minute: u32::MAX,
            ..Limits::default()
        };
        let app = router(Arc::new(AppState::with_limits(Arc::new(store), None, unlimited)));
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
        Hub { runtime, app, token }
    };
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, body)) = data.split_first() else { return };
    let (path, valid) = match which {
        b'a' => ("/api/v1/applications".to_string(), valid::<ApplicationRequest>(body, |r| r.validate().is_ok())),
        b'r' => ("/api/v1/ratings".to_string(), valid::<RatingRequest>(body, |r| r.validate().is_ok())),
        _ => (format!("/api/v1/terminals/{TERMINAL}/heartbeat"), valid::<Heartbeat>(body, |h| h.validate().is_ok())),
    };
    // The body's own key when it has one, so that valid applications get through to the store.
    let key = serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("idempotency_key").and_then(|k| k.as_str()).map(str::to_string))
        .filter(|k| k.is_ascii() && !k.contains(|c: char| c.is_ascii_control()))
        .unwrap_or_else(|| KEY.to_string());
    let (status, answer) = HUB.with(|hub| {
        let request = Request::post(&path)
            .header("authorization", format!("Bearer {}", hub.token))
            .header("content-type", "application/json")
            .header("idempotency-key", key)
            .body(Body::from(body.to_vec()))
            .expect("a request");
        hub.runtime.block_on(async {
            let response = hub.app.clone().oneshot(request).await.expect("the router answers");
            let status = response.status();
            let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.expect("a body");
            (status, bytes)
        })
    });
    assert!(!status.is_server_error(), "{status} for {path}: {}", String::from_utf8_lossy(&answer));
    if status.is_success() {
        assert!(valid, "{path} accepted a body its contract refuses");
    } else {
        let error: ErrorBody = serde_json::from_slice(&answer).expect("every refusal is an error body");
        assert!(!error.code.is_empty());
        if valid {
            assert!(
                error.code != "malformed_json" && error.code != "invalid_body",
                "{path} refused a valid body as {}: {}",
                error.code,
                error.message
            );
        }
    }
    if status == StatusCode::NO_CONTENT {
        assert!(answer.is_empty());
    }
});

/// Whether `body` is one JSON value of type T (no trailing data) that passes T's own validation.
fn valid<T: serde::de::DeserializeOwned>(body: &[u8], check: impl Fn(&T) -> bool) -> bool {
    serde_json::from_slice::<T>(body).is_ok_and(|v| check(&v))
}
