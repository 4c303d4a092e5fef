//! The hub's HTTP contract (`hub/openapi.yaml`) as the kiosk speaks it. The types are the contract's
//! (`kiosk-contract`, shared with the hub); here they are filled from the outbox and the devices'
//! health. Pure: no I/O here.

use kiosk_contract::limits::{LAST_ERROR, MAX_OUTBOX_DEPTH, MAX_VERSION};
pub use kiosk_contract::{ApplicationProgress, ApplicationReceipt, ErrorBody, Heartbeat, RatingRequest};

use super::health::HealthReport;
use crate::store::outbox::OutgoingRating;

/// `POST /api/v1/ratings` body.
pub fn rating_request(r: &OutgoingRating) -> RatingRequest {
    RatingRequest {
        token: r.token.clone(),
        terminal_id: r.terminal_id.clone(),
        score: r.rating.score.into(),
        reasons: r.rating.reasons.clone(),
        rated_at: r.rated_at.clone(),
    }
}

/// A heartbeat from the devices' report and the sync state, within the contract's bounds. The device
/// problem, when there is one, comes before the sync problem.
pub fn heartbeat(
    health: &HealthReport,
    catalog_version: Option<u64>,
    outbox_depth: usize,
    sync_error: Option<&str>,
) -> Heartbeat {
    let last_error = match (health.device_error.as_deref(), sync_error) {
        (Some(d), Some(s)) => Some(format!("{d}; {s}")),
        (Some(e), None) | (None, Some(e)) => Some(e.to_string()),
        (None, None) => None,
    }
    .map(|e| truncate(&e, LAST_ERROR.max - 1));
    Heartbeat {
        app_version: env!("CARGO_PKG_VERSION").to_string(),
        catalog_version: catalog_version.and_then(|v| i64::try_from(v).ok()).filter(|v| (1..=MAX_VERSION).contains(v)),
        outbox_depth: i64::try_from(outbox_depth).unwrap_or(i64::MAX).min(MAX_OUTBOX_DEPTH),
        reader: health.reader,
        printer: health.printer.to_wire(),
        last_error,
    }
}

/// At most `max` characters (not bytes), and `…` when cut.
pub fn truncate(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::devices::printer::PaperState;
    use crate::store::outbox::{Kind, OutboxState, Outgoing, Rating, Stored};
    use crate::sync::health::{PrinterHealth, ReaderHealth};
    use chrono::{Local, NaiveDate, TimeZone};

    fn outgoing() -> Outgoing {
        Outgoing {
            stored: Stored {
                id: 7,
                idempotency_key: "0b6f1c52-8d3e-4a47-9c1e-2f5d7a9b3c10".into(),
                acceptance_no: "SF-QST-01-20261122-0007".into(),
                terminal_id: "SF-QST-01".into(),
                kind: Kind::Application,
                item_code: "LL0001".into(),
                item_name: "老年人优待证办理（年审）".into(),
                masked_name: "王*兰".into(),
                masked_id: "4301**********1027".into(),
                created_at: Local.with_ymd_and_hms(2026, 11, 22, 9, 41, 0).unwrap(),
                promised_date: NaiveDate::from_ymd_opt(2026, 11, 29),
                pickup_code: "482913".into(),
                token: "k3vq7mzp2xw5ra4ty6nb".into(),
                state: OutboxState::Queued,
                hub_status: None,
                hub_note: None,
                slip_printed: true,
                purged: false,
            },
            applicant: crate::store::sample_applicant(),
            form: [("phone".to_string(), "13800000000".to_string())].into(),
            note: None,
        }
    }

    #[test]
    fn an_application_body_has_every_field_of_the_contract() {
        let o = outgoing();
        let request = o.request();
        request.validate().unwrap();
        let v = serde_json::to_value(&request).unwrap();
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        let mut expected = [
            "idempotency_key",
            "terminal_id",
            "acceptance_no",
            "kind",
            "item_code",
            "item_name",
            "applicant",
            "form",
            "submitted_at",
            "promised_date",
            "pickup_code",
            "token",
            "grid",
            "note",
        ];
        expected.sort();
        let mut keys = keys;
        keys.sort();
        assert_eq!(keys, expected);
        assert_eq!(v["promised_date"], "2026-11-29");
        assert!(v["grid"].is_null() && v["note"].is_null());
        assert_eq!(v["applicant"]["birth_date"], "1953-03-15");
        assert_eq!(v["applicant"]["card_type"], "resident");
        assert!(chrono::DateTime::parse_from_rfc3339(v["submitted_at"].as_str().unwrap()).is_ok());
        // A retry sends byte for byte the same body.
        assert_eq!(serde_json::to_string(&o.request()).unwrap(), serde_json::to_string(&o.request()).unwrap());
    }

    #[test]
    fn a_proxy_request_carries_its_grid_from_the_form() {
        let mut o = outgoing();
        o.stored.kind = Kind::ProxyRequest;
        o.stored.promised_date = None;
        for (k, v) in [("grid_street", "七星街道"), ("grid_community", "七星社区"), ("grid_number", "3")] {
            o.form.insert(k.into(), v.into());
        }
        let v = serde_json::to_value(o.request()).unwrap();
        assert_eq!(v["kind"], "proxy_request");
        assert_eq!(v["grid"], serde_json::json!({"street": "七星街道", "community": "七星社区", "number": "3"}));
        o.form.insert("grid_number".into(), String::new());
        assert!(o.request().grid.is_none(), "an incomplete grid is sent as null");
    }

    #[test]
    fn a_heartbeat_names_device_problems_and_keeps_within_the_contract() {
        let health = HealthReport {
            reader: ReaderHealth::NoAnswer,
            printer: PrinterHealth { paper: PaperState::NearEnd, ..PrinterHealth::OK },
            device_error: Some("printer /dev/ttyS1: paper near end".into()),
        };
        let hb = heartbeat(&health, Some(0), 3, Some(&"x".repeat(5000)));
        hb.validate().unwrap();
        let v = serde_json::to_value(&hb).unwrap();
        assert_eq!(v["reader"], "no_answer");
        assert_eq!(v["printer"]["paper"], "near_end");
        assert!(v["catalog_version"].is_null());
        assert_eq!(v["outbox_depth"], 3);
        let e = v["last_error"].as_str().unwrap();
        assert!(e.starts_with("printer /dev/ttyS1") && e.chars().count() <= 2000);
        let beyond = heartbeat(&HealthReport::default(), Some(u64::MAX), usize::MAX, None);
        beyond.validate().unwrap();
        assert_eq!(beyond.catalog_version, None);
    }

    #[test]
    fn the_current_note_is_the_one_that_set_the_status() {
        let p: ApplicationProgress = serde_json::from_str(
            r#"{"token":"k3vq7mzp2xw5ra4ty6nb","acceptance_no":"A","item_code":"LL0001","item_name":"x",
                "kind":"application","status":"rejected","promised_date":null,"timeline":[
                {"status":"accepted","at":"2026-11-22T01:41:02.318Z","note":null},
                {"status":"rejected","at":"2026-11-23T01:41:02.318Z","note":"材料不全"}]}"#,
        )
        .unwrap();
        assert_eq!(p.current_note(), Some("材料不全"));
        let r = OutgoingRating {
            id: 1,
            token: "k3vq7mzp2xw5ra4ty6nb".into(),
            acceptance_no: "A".into(),
            terminal_id: "SF-QST-01".into(),
            rating: Rating { score: 5, reasons: vec!["操作简单".into()] },
            rated_at: "2026-11-22T09:43:10+08:00".into(),
        };
        let request = rating_request(&r);
        request.validate().unwrap();
        let v = serde_json::to_value(request).unwrap();
        assert_eq!(v["score"], 5);
        assert_eq!(v["reasons"][0], "操作简单");
    }

    #[test]
    fn responses_from_a_newer_hub_still_read() {
        let receipt: ApplicationReceipt = serde_json::from_str(
            r#"{"id":1207,"acceptance_no":"A","token":"k3vq7mzp2xw5ra4ty6nb","status":"accepted",
                "promised_date":null,"received_at":"2026-11-22T01:41:02.318Z","queue_position":3}"#,
        )
        .unwrap();
        assert_eq!(receipt.status.as_str(), "accepted");
        let p: ApplicationProgress = serde_json::from_str(
            r#"{"token":"k3vq7mzp2xw5ra4ty6nb","acceptance_no":"A","item_code":"LL0001","item_name":"x",
                "kind":"application","status":"archived","promised_date":null,"office":"芙蓉区",
                "timeline":[{"status":"archived","at":"2026-11-22T01:41:02.318Z","note":"已归档","by":"x"}]}"#,
        )
        .unwrap();
        assert_eq!((p.status.as_str(), p.current_note()), ("archived", Some("已归档")));
    }
}
