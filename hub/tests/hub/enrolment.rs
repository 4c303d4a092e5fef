//! Enrolment: a one-time code (`kiosk-hub enrolment create`, `Store::create_enrolment`) exchanged once
//! at `POST /api/v1/enrolment` for the terminal's token and bundle; used, expired, wrong and revoked
//! codes refused with their own codes; wrong codes limited per address.

use std::process::Command;

use crate::common::{error_code, heartbeat, kiosk_hub, stderr, Hub};
use kiosk_hub::config::Limits;
use kiosk_hub::store::StoreError;
use serde_json::{json, Value};

async fn enrol(hub: &Hub, code: &str) -> reqwest::Response {
    hub.client.post(hub.url("/api/v1/enrolment")).json(&json!({ "code": code })).send().await.unwrap()
}

/// The token works: a heartbeat as the terminal is stored.
async fn token_works(hub: &Hub, terminal: &str, token: &str) -> bool {
    hub.post(&format!("/api/v1/terminals/{terminal}/heartbeat"), token, &heartbeat()).await.status() == 204
}

hub_test! {
    async fn a_code_enrols_a_new_terminal_once() {
        let hub = Hub::start().await;
        let code = hub.store.create_enrolment("SF-HTL-03", chrono::Duration::hours(24), Some("admin")).unwrap();
        assert_eq!(code.code.len(), 12);
        assert!(code.code.bytes().all(|b| b.is_ascii_digit()));
        // Typed in groups as staff read it out.
        let typed = format!("{}-{} {}", &code.code[..4], &code.code[4..8], &code.code[8..]);
        let response = enrol(&hub, &typed).await;
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["terminal_id"], "SF-HTL-03");
        assert_eq!(body["bundle"], "terminal_id = \"SF-HTL-03\"\n", "no name known: no centre_name");
        let token = body["terminal_token"].as_str().unwrap();
        assert!(token_works(&hub, "SF-HTL-03", token).await);
        assert!(hub.store.list_terminals().unwrap().iter().any(|t| t.id == "SF-HTL-03"), "registered");

        let (status, code_name) = error_code(enrol(&hub, &code.code).await).await;
        assert_eq!((status, code_name.as_str()), (409, "enrolment_code_used"));
        assert!(token_works(&hub, "SF-HTL-03", token).await, "a second try changes nothing");
    }
}

hub_test! {
    async fn a_code_raced_by_several_kiosks_enrols_exactly_one() {
        let hub = Hub::start().await;
        let code = hub.store.create_enrolment("SF-HTL-04", chrono::Duration::hours(1), None).unwrap().code;
        let mut set = tokio::task::JoinSet::new();
        for _ in 0..8 {
            let (client, url, body) = (hub.client.clone(), hub.url("/api/v1/enrolment"), json!({ "code": code }));
            set.spawn(async move { client.post(url).json(&body).send().await.unwrap().status().as_u16() });
        }
        let mut statuses = Vec::new();
        while let Some(status) = set.join_next().await {
            statuses.push(status.unwrap());
        }
        statuses.sort_unstable();
        assert_eq!(statuses, [200, 409, 409, 409, 409, 409, 409, 409], "one token, the others refused as used");
    }
}

hub_test! {
    async fn a_registered_terminal_gets_a_new_token_and_its_name_as_centre() {
        let hub = Hub::start().await;
        let old = hub.terminal("SF-QST-01");
        let code = hub.store.create_enrolment("SF-QST-01", chrono::Duration::minutes(30), None).unwrap();
        let body: Value = enrol(&hub, &code.code).await.json().await.unwrap();
        assert_eq!(body["bundle"], "centre_name = \"七星社区服务中心 1号机\"\nterminal_id = \"SF-QST-01\"\n");
        let new = body["terminal_token"].as_str().unwrap();
        assert_ne!(new, old);
        assert!(token_works(&hub, "SF-QST-01", new).await);
        assert!(!token_works(&hub, "SF-QST-01", &old).await, "the old token stops working");
    }
}

hub_test! {
    async fn expired_wrong_and_revoked_codes_are_refused_with_their_reason() {
        let hub = Hub::start().await;
        let expired = hub.store.create_enrolment("SF-QST-05", chrono::Duration::seconds(-1), None).unwrap();
        let (status, code) = error_code(enrol(&hub, &expired.code).await).await;
        assert_eq!((status, code.as_str()), (410, "enrolment_code_expired"));
        for wrong in ["000000000000", "12ab", ""] {
            let (status, code) = error_code(enrol(&hub, wrong).await).await;
            assert_eq!((status, code.as_str()), (404, "enrolment_code_unknown"), "{wrong:?}");
        }
        let (status, code) = error_code(enrol(&hub, &"1".repeat(33)).await).await;
        assert_eq!((status, code.as_str()), (422, "invalid_body"));

        hub.terminal("SF-QST-06");
        let code = hub.store.create_enrolment("SF-QST-06", chrono::Duration::hours(1), None).unwrap();
        hub.store.revoke_terminal("SF-QST-06").unwrap();
        let (status, name) = error_code(enrol(&hub, &code.code).await).await;
        assert_eq!((status, name.as_str()), (403, "terminal_revoked"));
        assert!(matches!(
            hub.store.create_enrolment("SF-QST-06", chrono::Duration::hours(1), None),
            Err(StoreError::TerminalRevoked(_))
        ));
        assert!(matches!(
            hub.store.create_enrolment("not an id", chrono::Duration::hours(1), None),
            Err(StoreError::InvalidTerminalId(_))
        ));
    }
}

#[tokio::test]
async fn wrong_codes_are_limited_per_address_and_then_no_code_is_looked_up() {
    let hub = Hub::start_with(Limits { auth_failures_per_minute: 3, ..Limits::default() }, false).await;
    let good = hub.store.create_enrolment("SF-QST-07", chrono::Duration::hours(1), None).unwrap();
    for _ in 0..3 {
        assert_eq!(error_code(enrol(&hub, "111111111111").await).await.0, 404);
    }
    let response = enrol(&hub, &good.code).await;
    assert_eq!(response.status(), 429, "a right code is not tried while the budget is spent");
    assert!(response.headers().contains_key("retry-after"));
    assert_eq!(error_code(response).await.1, "too_many_auth_failures");
    assert!(!hub.store.list_terminals().unwrap().iter().any(|t| t.id == "SF-QST-07"), "the code was not used");
}

#[test]
fn enrolment_create_prints_the_code_first_and_refuses_bad_arguments() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("hub.toml");
    std::fs::write(&config, "listen = \"127.0.0.1:0\"\ndatabase = \"hub.sqlite3\"\n").unwrap();
    let run = |args: &[&str]| -> std::process::Output {
        let mut c: Command = kiosk_hub(&config);
        c.arg("enrolment").arg("create").args(args).output().unwrap()
    };
    let ok = run(&["--terminal-id", "SF-QST-08", "--expires-in", "2h"]);
    assert!(ok.status.success(), "{}", stderr(&ok));
    let out = String::from_utf8(ok.stdout).unwrap();
    let first = out.lines().next().unwrap();
    assert!(first.len() == 12 && first.bytes().all(|b| b.is_ascii_digit()), "{out}");
    assert!(out.contains("SF-QST-08"), "{out}");
    for (args, says) in [
        (&["--terminal-id", "SF QST"][..], "terminal id"),
        (&["--terminal-id", "SF-QST-08", "--expires-in", "forever"][..], "--expires-in"),
        (&["--terminal-id", "SF-QST-08", "--expires-in", "31d"][..], "--expires-in"),
    ] {
        let o = run(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).contains(says), "{args:?}: {}", stderr(&o));
        assert!(o.stdout.is_empty());
    }
    // The code is stored hashed: the file does not hold it.
    for file in ["hub.sqlite3", "hub.sqlite3-wal"] {
        let bytes = std::fs::read(dir.path().join(file)).unwrap_or_default();
        assert!(!bytes.windows(12).any(|w| w == first.as_bytes()), "{file} holds the code as it is");
    }
}
