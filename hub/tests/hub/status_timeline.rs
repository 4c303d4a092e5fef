//! Staff move applications through their statuses; residents see it by token.

use crate::common::{senior_card_renewal, Hub};
use kiosk_hub::cli::{applications_set_status, CliError};
use serde_json::Value;

hub_test! {
    async fn statuses_set_by_staff_show_in_the_progress_query() {
        let hub = Hub::start().await;
        let token = hub.terminal("SF-QST-01");
        let body = senior_card_renewal("SF-QST-01");
        let receipt: Value = hub.submit(&token, &body).await.json().await.unwrap();
        let slip = body["token"].as_str().unwrap();
        let id = receipt["id"].to_string();
        let no = body["acceptance_no"].as_str().unwrap();

        applications_set_status(&hub.store, &id, "processing", Some("材料已转区民政局审核")).unwrap();
        applications_set_status(&hub.store, no, "ready", None).unwrap();

        let response = hub.get(&format!("/api/v1/applications/{slip}"), &token).await;
        assert_eq!(response.status(), 200);
        let text = response.text().await.unwrap();
        assert!(
            !text.contains("王秀兰") && !text.contains("430102") && !text.contains("482913"),
            "no personal fields: {text}"
        );
        let progress: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(progress["status"], "ready");
        assert_eq!(progress["acceptance_no"], no);
        assert_eq!(progress["item_name"], "老年人优待证办理（年审）");
        let steps: Vec<(&str, Option<&str>)> = progress["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| (e["status"].as_str().unwrap(), e["note"].as_str()))
            .collect();
        assert_eq!(steps, [("accepted", None), ("processing", Some("材料已转区民政局审核")), ("ready", None)]);

        applications_set_status(&hub.store, no, "picked_up", None).unwrap();
        let progress: Value = hub.get(&format!("/api/v1/applications/{slip}"), &token).await.json().await.unwrap();
        assert_eq!(progress["status"], "picked_up");
    }
}

hub_test! {
    async fn only_allowed_transitions_and_rejection_needs_a_reason() {
        let hub = Hub::start().await;
        let token = hub.terminal("SF-QST-01");
        let body = senior_card_renewal("SF-QST-01");
        hub.submit(&token, &body).await;
        let no = body["acceptance_no"].as_str().unwrap();

        let err = applications_set_status(&hub.store, no, "ready", None).unwrap_err();
        assert!(matches!(err, CliError::Other(_)) && err.to_string().contains("accepted to ready"), "{err}");
        let err = applications_set_status(&hub.store, no, "rejected", None).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        let err = applications_set_status(&hub.store, no, "lost", None).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        let err = applications_set_status(&hub.store, "SF-QST-01-19990101-0001", "processing", None).unwrap_err();
        assert!(matches!(err, CliError::NotFound(_)));

        applications_set_status(&hub.store, no, "rejected", Some("户籍不在本辖区，请到户籍所在地办理")).unwrap();
        let progress: Value = hub
            .get(&format!("/api/v1/applications/{}", body["token"].as_str().unwrap()), &token)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(progress["status"], "rejected");
        assert_eq!(progress["timeline"][1]["note"], "户籍不在本辖区，请到户籍所在地办理");
        assert!(applications_set_status(&hub.store, no, "processing", None).is_err());
    }
}

hub_test! {
    async fn an_unknown_token_is_not_found() {
        let hub = Hub::start().await;
        let token = hub.terminal("SF-QST-01");
        let response = hub.get("/api/v1/applications/aaaaaaaaaaaaaaaaaaaa", &token).await;
        assert_eq!(crate::common::error_code(response).await, (404, "application_not_found".into()));
        let response = hub.get("/api/v1/applications/short", &token).await;
        assert_eq!(crate::common::error_code(response).await, (404, "application_not_found".into()));
    }
}
