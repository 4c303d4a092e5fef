//! Only registered, unrevoked terminals get in, and each acts only as itself.

use crate::common::{error_code, heartbeat, senior_card_renewal, Hub};

hub_test! {
    async fn a_request_without_a_token_is_unauthorized_with_a_bearer_challenge() {
        let hub = Hub::start().await;
        let response = hub.client.get(hub.url("/api/v1/catalog")).send().await.unwrap();
        assert_eq!(response.headers()["www-authenticate"], "Bearer");
        assert_eq!(error_code(response).await, (401, "unauthorized".into()));
    }
}

hub_test! {
    async fn an_unknown_token_is_unauthorized() {
        let hub = Hub::start().await;
        hub.terminal("SF-QST-01");
        let response = hub.get("/api/v1/catalog", "0123456789abcdef").await;
        assert_eq!(error_code(response).await, (401, "unauthorized".into()));
    }
}

hub_test! {
    async fn a_revoked_terminal_is_refused_and_told_so() {
        let hub = Hub::start().await;
        let token = hub.terminal("SF-QST-01");
        let response = hub.post("/api/v1/terminals/SF-QST-01/heartbeat", &token, &heartbeat()).await;
        assert_eq!(response.status(), 204);

        kiosk_hub::cli::terminals_revoke(&hub.store, "SF-QST-01").unwrap();
        let response = hub.post("/api/v1/terminals/SF-QST-01/heartbeat", &token, &heartbeat()).await;
        assert_eq!(error_code(response).await, (401, "terminal_revoked".into()));
        let response = hub.submit(&token, &senior_card_renewal("SF-QST-01")).await;
        assert_eq!(error_code(response).await, (401, "terminal_revoked".into()));
    }
}

hub_test! {
    async fn a_terminal_cannot_act_as_another() {
        let hub = Hub::start().await;
        let token = hub.terminal("SF-QST-01");
        hub.terminal("SF-QST-02");

        let response = hub.post("/api/v1/terminals/SF-QST-02/heartbeat", &token, &heartbeat()).await;
        assert_eq!(error_code(response).await, (403, "terminal_mismatch".into()));

        let response = hub.submit(&token, &senior_card_renewal("SF-QST-02")).await;
        assert_eq!(error_code(response).await, (403, "terminal_mismatch".into()));
        assert!(hub.store.list_applications(None, None).unwrap().is_empty());
    }
}

hub_test! {
    async fn health_and_contract_need_no_token() {
        let hub = Hub::start().await;
        let response = hub.client.get(hub.url("/healthz")).send().await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.text().await.unwrap(), "ok");
        let response = hub.client.get(hub.url("/openapi.yaml")).send().await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.text().await.unwrap(), kiosk_hub::OPENAPI_YAML);
    }
}

hub_test! {
    async fn unknown_routes_and_wrong_methods_answer_json_errors() {
        let hub = Hub::start().await;
        let token = hub.terminal("SF-QST-01");
        assert_eq!(error_code(hub.get("/api/v1/nothing", &token).await).await, (404, "not_found".into()));
        let response = hub.client.delete(hub.url("/api/v1/catalog")).bearer_auth(&token).send().await.unwrap();
        assert!(response.headers().contains_key("allow"));
        assert_eq!(error_code(response).await, (405, "method_not_allowed".into()));
    }
}
