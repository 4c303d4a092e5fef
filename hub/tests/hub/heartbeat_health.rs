//! Heartbeats become the terminal's last health, which staff see in `terminals list`.

use crate::common::{error_code, heartbeat, Hub};
use serde_json::Value;

hub_test! {
    async fn the_last_heartbeat_is_stored_and_listed_with_its_problems() {
        let hub = Hub::start().await;
        let token = hub.terminal("SF-QST-01");
        hub.terminal("SF-QST-02");

        let mut beat = heartbeat();
        beat["catalog_version"] = 4.into();
        beat["outbox_depth"] = 3.into();
        beat["reader"] = "no_answer".into();
        beat["printer"]["paper"] = "out".into();
        beat["printer"]["cover_open"] = true.into();
        beat["last_error"] = "打印机缺纸".into();
        let response = hub.post("/api/v1/terminals/SF-QST-01/heartbeat", &token, &beat).await;
        assert_eq!(response.status(), 204);

        let json = kiosk_hub::cli::terminals_list(&hub.store, true).unwrap();
        let terminals: Vec<Value> = serde_json::from_str(&json).unwrap();
        assert_eq!(terminals.len(), 2);
        let t = &terminals[0];
        assert_eq!(t["id"], "SF-QST-01");
        assert_eq!(t["revoked_at"], Value::Null);
        let last = &t["last_heartbeat"];
        assert!(last["received_at"].as_str().unwrap().starts_with("20"));
        assert_eq!(last["catalog_version"], 4);
        assert_eq!(last["outbox_depth"], 3);
        assert_eq!(last["printer"]["paper"], "out");
        assert_eq!(last["last_error"], "打印机缺纸");
        let problems: Vec<&str> = last["problems"].as_array().unwrap().iter().map(|p| p.as_str().unwrap()).collect();
        assert_eq!(problems, ["reader_no_answer", "paper_out", "cover_open", "outbox_backlog"]);
        assert_eq!(terminals[1]["last_heartbeat"], Value::Null);

        let text = kiosk_hub::cli::terminals_list(&hub.store, false).unwrap();
        assert!(text.contains("paper_out") && text.contains("never"), "{text}");

        // A newer heartbeat replaces the last health.
        assert_eq!(hub.post("/api/v1/terminals/SF-QST-01/heartbeat", &token, &heartbeat()).await.status(), 204);
        let terminals: Vec<Value> =
            serde_json::from_str(&kiosk_hub::cli::terminals_list(&hub.store, true).unwrap()).unwrap();
        assert_eq!(terminals[0]["last_heartbeat"]["problems"], serde_json::json!([]));
    }
}

hub_test! {
    async fn an_invalid_heartbeat_is_refused() {
        let hub = Hub::start().await;
        let token = hub.terminal("SF-QST-01");
        for change in [
            |b: &mut Value| b["printer"]["paper"] = "low".into(),
            |b: &mut Value| b["outbox_depth"] = (-1).into(),
            |b: &mut Value| drop(b.as_object_mut().unwrap().remove("last_error")),
            |b: &mut Value| b["printer"]["jammed"] = true.into(),
            // PostgreSQL cannot store U+0000 (this was a 500 there).
            |b: &mut Value| b["last_error"] = "打印机\u{0}缺纸".into(),
        ] {
            let mut beat = heartbeat();
            change(&mut beat);
            let response = hub.post("/api/v1/terminals/SF-QST-01/heartbeat", &token, &beat).await;
            assert_eq!(error_code(response).await, (422, "invalid_body".into()), "{beat}");
        }
    }
}
