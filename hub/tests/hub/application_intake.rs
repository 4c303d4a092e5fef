//! `POST /api/v1/applications`: stored once per idempotency key, whatever the kiosk's retries do.

use crate::common::{error_code, senior_card_renewal, Hub, ID_NUMBER};
use serde_json::Value;

hub_test! {
    async fn an_application_is_created_once_and_a_repeat_returns_the_same_record() {
        let hub = Hub::start().await;
        let token = hub.terminal("SF-QST-01");
        let body = senior_card_renewal("SF-QST-01");

        let first = hub.submit(&token, &body).await;
        assert_eq!(first.status(), 201);
        let first: Value = first.json().await.unwrap();
        assert_eq!(first["status"], "accepted");
        assert_eq!(first["acceptance_no"], body["acceptance_no"]);
        assert_eq!(first["token"], body["token"]);
        assert_eq!(first["promised_date"], "2026-11-29");
        assert!(first["id"].as_i64().unwrap() > 0);

        let again = hub.submit(&token, &body).await;
        assert_eq!(again.status(), 200);
        assert_eq!(again.json::<Value>().await.unwrap(), first);

        let listed = hub.store.list_applications(None, None).unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].idempotency_key, body["idempotency_key"].as_str().unwrap());
        assert_eq!(listed[0].applicant_name, "王*兰", "masked as the kiosk masks it");
    }
}

hub_test! {
    async fn the_same_key_with_another_body_is_a_conflict() {
        let hub = Hub::start().await;
        let token = hub.terminal("SF-QST-01");
        let body = senior_card_renewal("SF-QST-01");
        assert_eq!(hub.submit(&token, &body).await.status(), 201);

        let mut changed = body.clone();
        changed["form"]["phone"] = "13900000000".into();
        assert_eq!(error_code(hub.submit(&token, &changed).await).await, (409, "idempotency_conflict".into()));
        assert_eq!(hub.store.list_applications(None, None).unwrap().len(), 1);
    }
}

hub_test! {
    async fn a_reused_acceptance_number_or_token_under_a_new_key_is_a_conflict() {
        let hub = Hub::start().await;
        let token = hub.terminal("SF-QST-01");
        let body = senior_card_renewal("SF-QST-01");
        assert_eq!(hub.submit(&token, &body).await.status(), 201);

        let mut same_no = senior_card_renewal("SF-QST-01");
        same_no["acceptance_no"] = body["acceptance_no"].clone();
        assert_eq!(error_code(hub.submit(&token, &same_no).await).await, (409, "duplicate_acceptance_no".into()));

        let mut same_token = senior_card_renewal("SF-QST-01");
        same_token["token"] = body["token"].clone();
        assert_eq!(error_code(hub.submit(&token, &same_token).await).await, (409, "duplicate_token".into()));
    }
}

hub_test! {
    async fn invalid_bodies_are_refused_with_a_code_naming_the_problem() {
        let hub = Hub::start().await;
        let token = hub.terminal("SF-QST-01");
        let valid = senior_card_renewal("SF-QST-01");

        type Change = Box<dyn Fn(&mut Value)>;
        let cases: Vec<(&str, Change, u16, &str)> = vec![
            ("unknown field", Box::new(|b| b["extra"] = 1.into()), 422, "invalid_body"),
            ("unknown applicant field", Box::new(|b| b["applicant"]["ethnicity"] = "汉".into()), 422, "invalid_body"),
            ("missing nullable field", Box::new(|b| drop(b.as_object_mut().unwrap().remove("note"))), 422, "invalid_body"),
            ("bad birth date", Box::new(|b| b["applicant"]["birth_date"] = "1953-02-30".into()), 422, "invalid_body"),
            ("bad kind", Box::new(|b| b["kind"] = "complaint".into()), 422, "invalid_body"),
            ("empty item name", Box::new(|b| b["item_name"] = "".into()), 422, "invalid_body"),
            (
                "submitted_at without offset",
                Box::new(|b| b["submitted_at"] = "2026-11-22T09:41:00".into()),
                422,
                "invalid_body",
            ),
            ("token with a slash", Box::new(|b| b["token"] = "abcdefgh/ijklmnopq".into()), 422, "invalid_body"),
            (
                "key differs from header",
                Box::new(|b| b["idempotency_key"] = crate::common::random_uuid().into()),
                422,
                "idempotency_key_mismatch",
            ),
        ];
        let key = valid["idempotency_key"].as_str().unwrap();
        for (what, change, status, code) in cases {
            let mut body = valid.clone();
            change(&mut body);
            let response = hub
                .client
                .post(hub.url("/api/v1/applications"))
                .bearer_auth(&token)
                .header("Idempotency-Key", key)
                .json(&body)
                .send()
                .await
                .unwrap();
            assert_eq!(error_code(response).await, (status, code.to_string()), "{what}");
        }

        let post = || hub.client.post(hub.url("/api/v1/applications")).bearer_auth(&token);
        let response = post()
            .header("Idempotency-Key", key)
            .header("content-type", "application/json")
            .body("{\"idempotency_key\":")
            .send()
            .await
            .unwrap();
        assert_eq!(error_code(response).await, (400, "malformed_json".into()));
        let response = post()
            .header("Idempotency-Key", key)
            .header("content-type", "text/plain")
            .body(valid.to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(error_code(response).await, (415, "unsupported_media_type".into()));
        let response = post().json(&valid).send().await.unwrap();
        assert_eq!(error_code(response).await, (400, "missing_idempotency_key".into()));
        let response = post().header("Idempotency-Key", "not-a-uuid").json(&valid).send().await.unwrap();
        assert_eq!(error_code(response).await, (400, "invalid_idempotency_key".into()));

        assert!(hub.store.list_applications(None, None).unwrap().is_empty());
    }
}

hub_test! {
    async fn a_proxy_request_without_grid_or_promised_date_is_accepted() {
        let hub = Hub::start().await;
        let token = hub.terminal("SF-QST-01");
        let mut body = senior_card_renewal("SF-QST-01");
        body["kind"] = "proxy_request".into();
        body["promised_date"] = Value::Null;
        body["grid"] = Value::Null;
        body["note"] = "行动不便，请网格员上门".into();
        let response = hub.submit(&token, &body).await;
        assert_eq!(response.status(), 201);
        assert_eq!(response.json::<Value>().await.unwrap()["promised_date"], Value::Null);
        let json = kiosk_hub::cli::applications_list(&hub.store, true, Some("proxy_request"), None).unwrap();
        let listed: Vec<Value> = serde_json::from_str(&json).unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0]["kind"], "proxy_request");
        assert!(!json.contains(ID_NUMBER) && !json.contains("王秀兰"), "no ID numbers or full names: {json}");
    }
}

hub_test! {
    async fn a_foreign_card_without_an_address_is_accepted_and_only_it() {
        let hub = Hub::start().await;
        let token = hub.terminal("SF-QST-01");
        // A foreign permanent residence card (外国人永久居留身份证) has no address field.
        let mut foreign = senior_card_renewal("SF-QST-01");
        foreign["applicant"]["card_type"] = "foreign".into();
        foreign["applicant"]["address"] = "".into();
        assert_eq!(hub.submit(&token, &foreign).await.status(), 201);
        let mut resident = senior_card_renewal("SF-QST-01");
        resident["applicant"]["address"] = "".into();
        assert_eq!(error_code(hub.submit(&token, &resident).await).await, (422, "invalid_body".into()));
        assert_eq!(hub.store.list_applications(None, None).unwrap().len(), 1);
    }
}

hub_test! {
    async fn a_nul_character_in_any_text_is_refused_by_name_and_nothing_is_stored() {
        // PostgreSQL cannot store U+0000 in a text column: a note with one was a 500 there, which a
        // kiosk retries for ever; SQLite stored it. Both backends now refuse it as the contract says.
        let hub = Hub::start().await;
        let token = hub.terminal("SF-QST-01");
        let mut note = senior_card_renewal("SF-QST-01");
        note["note"] = "复印件\u{0}已收".into();
        let mut name = senior_card_renewal("SF-QST-01");
        name["applicant"]["name"] = "王秀\u{0}兰".into();
        let mut form = senior_card_renewal("SF-QST-01");
        form["form"]["phone"] = "138\u{0}00000000".into();
        let mut key = senior_card_renewal("SF-QST-01");
        key["form"]["ph\u{0}one"] = "13800000000".into();
        for (body, field) in [(note, "note"), (name, "applicant.name"), (form, "form.phone"), (key, "form (a key)")] {
            let response = hub.submit(&token, &body).await;
            assert_eq!(response.status(), 422, "{field}");
            let error: Value = response.json().await.unwrap();
            assert_eq!(error["code"], "invalid_body");
            assert_eq!(
                error["message"].as_str().unwrap(),
                format!("{field}: expected text without the NUL character (U+0000)")
            );
        }
        assert!(hub.store.list_applications(None, None).unwrap().is_empty());
        assert_eq!(hub.submit(&token, &senior_card_renewal("SF-QST-01")).await.status(), 201);
    }
}
