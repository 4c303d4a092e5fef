//! The hub's HTTP contract (`hub/openapi.yaml`) as the kiosk speaks it: request bodies built from the
//! outbox, and the parts of responses the kiosk reads. Pure: no I/O here.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::health::{HealthReport, PrinterHealth, ReaderHealth};
use crate::store::outbox::{Applicant, Outgoing, OutgoingRating};

/// `POST /api/v1/applications` body. Every field is sent, nullable ones as `null`.
#[derive(Debug, Serialize)]
pub struct ApplicationBody<'a> {
    pub idempotency_key: &'a str,
    pub terminal_id: &'a str,
    pub acceptance_no: &'a str,
    pub kind: &'static str,
    pub item_code: &'a str,
    pub item_name: &'a str,
    pub applicant: &'a Applicant,
    pub form: &'a BTreeMap<String, String>,
    pub submitted_at: String,
    pub promised_date: Option<String>,
    pub pickup_code: &'a str,
    pub token: &'a str,
    /// The grid a 代办 request (`proxy_request`) is routed to; `null` for applications.
    pub grid: Option<Grid>,
    pub note: Option<&'a str>,
}

#[derive(Debug, Serialize)]
pub struct Grid {
    pub street: String,
    pub community: String,
    pub number: String,
}

/// A 代办 request carries its grid in the form (`grid_street`, `grid_community`, `grid_number`).
fn grid_of(o: &Outgoing) -> Option<Grid> {
    if o.stored.kind != crate::store::outbox::Kind::ProxyRequest {
        return None;
    }
    let field = |k: &str| o.form.get(k).filter(|v| !v.is_empty()).cloned();
    Some(Grid { street: field("grid_street")?, community: field("grid_community")?, number: field("grid_number")? })
}

impl<'a> ApplicationBody<'a> {
    /// The same outbox row always gives the same body, so a retry is a replay at the hub.
    pub fn from_outgoing(o: &'a Outgoing) -> Self {
        let s = &o.stored;
        ApplicationBody {
            idempotency_key: &s.idempotency_key,
            terminal_id: &s.terminal_id,
            acceptance_no: &s.acceptance_no,
            kind: s.kind.as_str(),
            item_code: &s.item_code,
            item_name: &s.item_name,
            applicant: &o.applicant,
            form: &o.form,
            submitted_at: s.created_at.to_rfc3339(),
            promised_date: s.promised_date.map(|d| d.to_string()),
            pickup_code: &s.pickup_code,
            token: &s.token,
            grid: grid_of(o),
            note: o.note.as_deref(),
        }
    }
}

/// The hub's acceptance record (200 replay / 201 created); only what the kiosk keeps.
#[derive(Debug, Clone, Deserialize)]
pub struct ApplicationReceipt {
    pub status: String,
}

/// `GET /api/v1/applications/{token}`; only what the kiosk keeps.
#[derive(Debug, Clone, Deserialize)]
pub struct ApplicationProgress {
    pub status: String,
    pub timeline: Vec<TimelineEntry>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct TimelineEntry {
    pub status: String,
    pub note: Option<String>,
}

impl ApplicationProgress {
    /// The staff note of the entry that set the current status (the reason, when rejected).
    pub fn current_note(&self) -> Option<&str> {
        self.timeline.iter().rev().find(|e| e.status == self.status).and_then(|e| e.note.as_deref())
    }
}

/// `POST /api/v1/ratings` body.
#[derive(Debug, Serialize)]
pub struct RatingBody<'a> {
    pub token: &'a str,
    pub terminal_id: &'a str,
    pub score: u8,
    pub reasons: &'a [String],
    pub rated_at: &'a str,
}

impl<'a> RatingBody<'a> {
    pub fn from_outgoing(r: &'a OutgoingRating) -> Self {
        RatingBody {
            token: &r.token,
            terminal_id: &r.terminal_id,
            score: r.rating.score,
            reasons: &r.rating.reasons,
            rated_at: &r.rated_at,
        }
    }
}

/// `POST /api/v1/terminals/{id}/heartbeat` body.
#[derive(Debug, Serialize)]
pub struct HeartbeatBody {
    pub app_version: &'static str,
    pub catalog_version: Option<u64>,
    pub outbox_depth: u64,
    pub reader: ReaderHealth,
    pub printer: PrinterHealth,
    pub last_error: Option<String>,
}

/// The contract's bounds.
const MAX_VERSION: u64 = 2_147_483_647;
const MAX_DEPTH: u64 = 1_000_000_000;
const MAX_ERROR_CHARS: usize = 2000;

impl HeartbeatBody {
    /// A heartbeat from the devices' report and the sync state. The device problem, when there is one,
    /// comes before the sync problem.
    pub fn new(
        health: &HealthReport,
        catalog_version: Option<u64>,
        outbox_depth: usize,
        sync_error: Option<&str>,
    ) -> Self {
        let last_error = match (health.device_error.as_deref(), sync_error) {
            (Some(d), Some(s)) => Some(format!("{d}; {s}")),
            (Some(e), None) | (None, Some(e)) => Some(e.to_string()),
            (None, None) => None,
        }
        .map(|e| truncate(&e, MAX_ERROR_CHARS));
        HeartbeatBody {
            app_version: env!("CARGO_PKG_VERSION"),
            catalog_version: catalog_version.filter(|v| (1..=MAX_VERSION).contains(v)),
            outbox_depth: (outbox_depth as u64).min(MAX_DEPTH),
            reader: health.reader,
            printer: health.printer,
            last_error,
        }
    }
}

/// Every error body the hub sends: a stable code and a message.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ErrorBody {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub message: String,
}

/// At most `max` characters (not bytes).
pub fn truncate(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// The `ETag` the hub gives catalogue `version`.
pub fn catalog_etag(version: u64) -> String {
    format!("\"v{version}\"")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::devices::printer::PaperState;
    use crate::store::outbox::{Kind, OutboxState, Rating, Stored};
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
                masked_name: "王**".into(),
                masked_id: "4301**********1020".into(),
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
            applicant: Applicant {
                name: "王秀兰".into(),
                id_number: "430102195303151020".into(),
                card_type: "resident".into(),
                gender: "女".into(),
                birth_date: "1953-03-15".into(),
                address: "湖南省长沙市芙蓉区七星社区幸福路8号2栋301室".into(),
            },
            form: [("phone".to_string(), "13800000000".to_string())].into(),
            note: None,
        }
    }

    #[test]
    fn an_application_body_has_every_field_of_the_contract() {
        let o = outgoing();
        let v = serde_json::to_value(ApplicationBody::from_outgoing(&o)).unwrap();
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
        assert!(chrono::DateTime::parse_from_rfc3339(v["submitted_at"].as_str().unwrap()).is_ok());
        // A retry sends byte for byte the same body.
        assert_eq!(
            serde_json::to_string(&ApplicationBody::from_outgoing(&o)).unwrap(),
            serde_json::to_string(&ApplicationBody::from_outgoing(&o)).unwrap()
        );
    }

    #[test]
    fn a_heartbeat_names_device_problems_and_keeps_within_the_contract() {
        let health = HealthReport {
            reader: ReaderHealth::NoAnswer,
            printer: PrinterHealth { paper: PaperState::NearEnd, ..PrinterHealth::OK },
            device_error: Some("printer /dev/ttyS1: paper near end".into()),
        };
        let hb = HeartbeatBody::new(&health, Some(0), 3, Some(&"x".repeat(5000)));
        let v = serde_json::to_value(&hb).unwrap();
        assert_eq!(v["reader"], "no_answer");
        assert_eq!(v["printer"]["paper"], "near_end");
        assert!(v["catalog_version"].is_null());
        assert_eq!(v["outbox_depth"], 3);
        let e = v["last_error"].as_str().unwrap();
        assert!(e.starts_with("printer /dev/ttyS1") && e.chars().count() <= 2001);
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
        let v = serde_json::to_value(RatingBody::from_outgoing(&r)).unwrap();
        assert_eq!(v["score"], 5);
        assert_eq!(v["reasons"][0], "操作简单");
    }
}
