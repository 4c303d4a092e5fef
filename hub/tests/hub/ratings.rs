//! 好差评: one rating per application, from the terminal itself.

use crate::common::{error_code, senior_card_renewal, Hub};
use serde_json::{json, Value};

/// A hub with terminal SF-QST-01 (its token) and an application it submitted (its body).
async fn submitted() -> (Hub, String, Value) {
    let hub = Hub::start().await;
    let token = hub.terminal("SF-QST-01");
    let body = senior_card_renewal("SF-QST-01");
    hub.submit(&token, &body).await;
    (hub, token, body)
}

/// A rating of the application whose slip token is `slip`, from `terminal`.
fn rating(slip: &Value, terminal: &str, score: i64, reasons: &[&str], rated_at: &str) -> Value {
    json!({"token": slip, "terminal_id": terminal, "score": score, "reasons": reasons, "rated_at": rated_at})
}

const RATED_AT: &str = "2026-11-22T09:43:10+08:00";

hub_test! {
    async fn an_application_is_rated_once() {
        let (hub, token, body) = submitted().await;
        let rating = rating(&body["token"], "SF-QST-01", 5, &["操作简单", "不用跑腿"], RATED_AT);

        let response = hub.post("/api/v1/ratings", &token, &rating).await;
        assert_eq!(response.status(), 201);
        let receipt: Value = response.json().await.unwrap();
        assert_eq!(receipt["token"], body["token"]);
        assert_eq!(receipt["score"], 5);

        let response = hub.post("/api/v1/ratings", &token, &rating).await;
        assert_eq!(error_code(response).await, (409, "already_rated".into()));
    }
}

hub_test! {
    async fn ratings_for_unknown_tokens_bad_scores_or_other_terminals_are_refused() {
        let (hub, token, body) = submitted().await;
        let rating = |slip: &Value, terminal: &str, score: i64| rating(slip, terminal, score, &[], RATED_AT);

        let response = hub.post("/api/v1/ratings", &token, &rating(&"aaaaaaaaaaaaaaaaaaaa".into(), "SF-QST-01", 4)).await;
        assert_eq!(error_code(response).await, (404, "application_not_found".into()));
        for score in [0, 6] {
            let response = hub.post("/api/v1/ratings", &token, &rating(&body["token"], "SF-QST-01", score)).await;
            assert_eq!(error_code(response).await, (422, "invalid_body".into()));
        }
        let response = hub.post("/api/v1/ratings", &token, &rating(&body["token"], "SF-QST-09", 1)).await;
        assert_eq!(error_code(response).await, (403, "terminal_mismatch".into()));
    }
}

hub_test! {
    async fn a_rating_time_with_a_character_across_its_tenth_byte_is_refused_not_a_crash() {
        // Found by the hub_bodies fuzz target: `rated_at` sliced inside 'Ϋ' panicked the handler.
        let (hub, token, body) = submitted().await;
        let broken = rating(&body["token"], "SF-QST-01", 5, &[], "2026-11-2Ϋ09:43:10+08:~00");
        let response = hub.post("/api/v1/ratings", &token, &broken).await;
        assert_eq!(error_code(response).await, (422, "invalid_body".into()));
        // The hub still serves: the same application can be rated properly.
        let proper = rating(&body["token"], "SF-QST-01", 5, &[], RATED_AT);
        assert_eq!(hub.post("/api/v1/ratings", &token, &proper).await.status(), 201);
    }
}
