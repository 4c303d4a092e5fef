//! `kiosk-contract`: the wire contract between the kiosk and its district hub (`hub/openapi.yaml` is
//! the document; this crate is the code both sides share).
//!
//! - the request and response types of every route, with `validate()` for what the document says
//!   beyond the JSON shape ([`validate`], bounds in [`limits`]);
//! - requests the hub reads reject unknown fields; responses the kiosk reads accept unknown fields, and
//!   their enumerations are [`Lenient`] (terminals in the field lag behind the hub);
//! - the catalogue's `ETag` form ([`catalog_etag`], [`parse_catalog_etag`]);
//! - the grid directory ([`grid::Directory`], its `validate()` and `ETag`), shared so the hub checks a
//!   published directory as the kiosk does;
//! - the one masking rule for names and ID numbers ([`mask_name`], [`mask_id_number`]);
//! - the words a resident reads for an application's status ([`wording::progress`]), on the kiosk and
//!   on the hub's phone page alike.
//!
//! No I/O, no device types: serde and chrono only.

mod application;
mod catalog;
mod enrolment;
pub mod grid;
mod heartbeat;
mod lenient;
pub mod limits;
mod mask;
mod rating;
pub mod validate;
pub mod wording;

use serde::{Deserialize, Deserializer, Serialize};

pub use application::{
    Applicant, ApplicationProgress, ApplicationReceipt, ApplicationRequest, CardType, Grid, Kind, Status, TimelineEntry,
};
pub use catalog::{catalog_etag, parse_catalog_etag, CatalogHead, CatalogItemHead};
pub use enrolment::{normalise_enrolment_code, Enrolment, EnrolmentRequest, ENROLMENT_CODE_DIGITS};
pub use heartbeat::{Heartbeat, Paper, PrinterHealth, ReaderHealth};
pub use lenient::{Lenient, WireName};
pub use mask::{mask_id_number, mask_name};
pub use rating::{RatingReceipt, RatingRequest};
pub use validate::{Checked, Invalid};

/// Every error body the hub sends: a stable snake_case code and a human message. A missing field
/// reads as empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub message: String,
}

/// A present value that may be `null`: unlike a plain `Option`, a missing key is an error.
fn nullable<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    Option::<T>::deserialize(d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn request() -> Value {
        json!({
            "idempotency_key": "0b6f1c52-8d3e-4a47-9c1e-2f5d7a9b3c10",
            "terminal_id": "SF-QST-01",
            "acceptance_no": "SF-QST-01-20261122-0007",
            "kind": "application",
            "item_code": "LL0001",
            "item_name": "老年人优待证办理（年审）",
            "applicant": {
                "name": "王秀兰",
                "id_number": "430102195303151027",
                "card_type": "resident",
                "gender": "女",
                "birth_date": "1953-03-15",
                "address": "湖南省长沙市芙蓉区七星社区幸福路8号2栋301室"
            },
            "form": {"phone": "13800000000"},
            "submitted_at": "2026-11-22T09:41:00+08:00",
            "promised_date": "2026-11-29",
            "pickup_code": "482913",
            "token": "k3vq7mzp2xw5ra4ty6nb",
            "grid": null,
            "note": null
        })
    }

    fn parse(v: Value) -> Result<ApplicationRequest, serde_json::Error> {
        serde_json::from_value(v)
    }

    #[test]
    fn a_request_round_trips_and_validates() {
        let r = parse(request()).unwrap();
        r.validate().unwrap();
        assert_eq!(serde_json::to_value(&r).unwrap(), request());
        assert_eq!(r.applicant.card_type, CardType::Resident);
    }

    #[test]
    fn requests_are_strict() {
        let mut extra = request();
        extra["extra"] = 1.into();
        assert!(parse(extra).is_err());
        let mut missing = request();
        missing.as_object_mut().unwrap().remove("note");
        assert!(parse(missing).is_err(), "a nullable field must still be present");
        let mut kind = request();
        kind["kind"] = "complaint".into();
        assert!(parse(kind).is_err());
    }

    #[test]
    fn validation_names_the_first_bad_field() {
        let field = |change: &dyn Fn(&mut Value)| {
            let mut v = request();
            change(&mut v);
            parse(v).unwrap().validate().unwrap_err().field
        };
        assert_eq!(field(&|v| v["applicant"]["birth_date"] = "1953-02-30".into()), "applicant.birth_date");
        assert_eq!(field(&|v| v["applicant"]["card_type"] = "passport".into()), "applicant.card_type");
        assert_eq!(field(&|v| v["applicant"]["address"] = "".into()), "applicant.address");
        assert_eq!(field(&|v| v["note"] = "字".repeat(501).into()), "note");
        assert_eq!(field(&|v| v["form"]["remark"] = "x".repeat(2001).into()), "form.remark");
        assert_eq!(field(&|v| v["grid"] = json!({"street": "", "community": "c", "number": "1"})), "grid.street");
        assert_eq!(field(&|v| v["token"] = "short".into()), "token");
        // The kiosk's checks: a GB 11643 check digit, codes of their documented form.
        assert_eq!(field(&|v| v["applicant"]["id_number"] = "0".into()), "applicant.id_number");
        assert_eq!(field(&|v| v["applicant"]["id_number"] = "430102195303151020".into()), "applicant.id_number");
        let foreign_lower_case = |v: &mut Value| {
            v["applicant"]["card_type"] = "foreign".into();
            v["applicant"]["id_number"] = "can430285061201".into();
        };
        assert_eq!(field(&foreign_lower_case), "applicant.id_number");
        assert_eq!(field(&|v| v["acceptance_no"] = "SF QST 01".into()), "acceptance_no");
        assert_eq!(field(&|v| v["item_code"] = "LL0001\n".into()), "item_code");
        assert_eq!(field(&|v| v["pickup_code"] = "48-913".into()), "pickup_code");
        assert_eq!(field(&|v| v["promised_date"] = "2026-11-31".into()), "promised_date");
        assert_eq!(field(&|v| v["submitted_at"] = "2026-11-22T25:41:00+08:00".into()), "submitted_at");
        let mut many = request();
        for i in 0..=limits::FORM_MAX_FIELDS {
            many["form"][format!("f{i}")] = "".into();
        }
        assert_eq!(parse(many).unwrap().validate().unwrap_err().field, "form");
        // A foreign permanent residence card carries no address (and has a permit number).
        let mut foreign = request();
        foreign["applicant"]["card_type"] = "foreign".into();
        foreign["applicant"]["id_number"] = "CAN430285061201".into();
        foreign["applicant"]["address"] = "".into();
        parse(foreign).unwrap().validate().unwrap();
        // At the limits exactly: fine.
        let mut full = request();
        full["note"] = "字".repeat(500).into();
        full["form"]["remark"] = "x".repeat(2000).into();
        parse(full).unwrap().validate().unwrap();
    }

    #[test]
    fn responses_accept_unknown_fields_and_values() {
        let p: ApplicationProgress = serde_json::from_value(json!({
            "token": "k3vq7mzp2xw5ra4ty6nb", "acceptance_no": "A", "item_code": "LL0001", "item_name": "x",
            "kind": "complaint", "status": "archived", "promised_date": null, "added_later": {"x": 1},
            "timeline": [
                {"status": "accepted", "at": "2026-11-22T01:41:02.318Z", "note": null, "by": "staff"},
                {"status": "archived", "at": "2026-11-23T01:41:02.318Z", "note": "已归档"}
            ]
        }))
        .unwrap();
        assert_eq!(p.status.as_str(), "archived");
        assert_eq!(p.status.known(), None);
        assert_eq!(p.kind, Lenient::Unknown("complaint".into()));
        assert_eq!(p.timeline[0].status, Status::Accepted);
        assert_eq!(p.current_note(), Some("已归档"));
        // Written back, an unknown value is the same text.
        assert_eq!(serde_json::to_value(&p.status).unwrap(), "archived");

        let r: ApplicationReceipt = serde_json::from_value(json!({
            "id": 1207, "acceptance_no": "A", "token": "k3vq7mzp2xw5ra4ty6nb", "status": "accepted",
            "promised_date": "2026-11-29", "received_at": "2026-11-22T01:41:02.318Z", "queue_position": 3
        }))
        .unwrap();
        assert_eq!(r.status, Status::Accepted);
        let r: RatingReceipt = serde_json::from_value(
            json!({"token": "k3vq7mzp2xw5ra4ty6nb", "score": 5, "received_at": "2026-11-22T01:43:11.902Z", "x": 1}),
        )
        .unwrap();
        assert_eq!(r.score, 5);
        let e: ErrorBody = serde_json::from_value(json!({"code": "invalid_body", "hint": "x"})).unwrap();
        assert_eq!((e.code.as_str(), e.message.as_str()), ("invalid_body", ""));
        let c: CatalogHead = serde_json::from_value(json!({
            "version": 4, "published": "2026-11-20", "items": [{"code": "LL0001", "name": "n", "department": "d"}]
        }))
        .unwrap();
        assert_eq!(c.version, 4);
    }

    #[test]
    fn a_heartbeat_is_strict_and_names_its_problems() {
        let beat = json!({
            "app_version": "0.1.0", "catalog_version": null, "outbox_depth": 2, "reader": "no_answer",
            "printer": {"online": true, "paper": "near_end", "cover_open": false, "error": false},
            "last_error": null
        });
        let hb: Heartbeat = serde_json::from_value(beat.clone()).unwrap();
        hb.validate().unwrap();
        assert_eq!(hb.problems(), ["reader_no_answer", "paper_near_end", "outbox_backlog"]);
        assert_eq!(serde_json::to_value(&hb).unwrap(), beat);
        let mut jammed = beat.clone();
        jammed["printer"]["jammed"] = true.into();
        assert!(serde_json::from_value::<Heartbeat>(jammed).is_err());
        let mut low = beat;
        low["printer"]["paper"] = "low".into();
        assert!(serde_json::from_value::<Heartbeat>(low).is_err());
    }

    #[test]
    fn wire_names_match_serde() {
        fn check<T: WireName + Serialize>() {
            for v in T::ALL {
                assert_eq!(serde_json::to_value(v).unwrap(), v.as_str());
                assert!(T::parse(v.as_str()) == Some(*v));
            }
        }
        check::<Kind>();
        check::<Status>();
        check::<CardType>();
        check::<ReaderHealth>();
        check::<Paper>();
        assert_eq!(CardType::listed(), "resident, hk_mo_tw or foreign");
    }

    #[test]
    fn personal_fields_never_show_in_debug_output() {
        let r = parse(request()).unwrap();
        let debug = format!("{r:?}");
        for personal in ["王秀兰", "430102195303151027", "幸福路", "13800000000", "k3vq7mzp2xw5ra4ty6nb"] {
            assert!(!debug.contains(personal), "{debug}");
        }
        assert!(debug.contains("王*兰") && debug.contains("4301**********1027"), "{debug}");
    }

    #[test]
    fn transitions() {
        use Status::*;
        assert!(Accepted.can_become(Processing) && Processing.can_become(Ready) && Ready.can_become(PickedUp));
        assert!(Accepted.can_become(Rejected) && Processing.can_become(Rejected));
        assert!(!Ready.can_become(Rejected) && !Accepted.can_become(Ready) && !PickedUp.can_become(Accepted));
        assert!(!Rejected.can_become(Processing) && !Accepted.can_become(Accepted));
        assert!(PickedUp.is_final() && Rejected.is_final() && !Ready.is_final());
    }
}
