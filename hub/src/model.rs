//! The wire types of the HTTP contract (`openapi.yaml`). They live in the `kiosk-contract` crate, which
//! the kiosk uses too, so that both sides read and write the same types and apply the same rules:
//! request types reject unknown fields (nullable fields must be present, as `null` if empty) and
//! `validate()` enforces the rest of what the document says; response types accept unknown fields.

pub use kiosk_contract::limits::{FORM_MAX_FIELDS, MAX_OUTBOX_DEPTH, MAX_VERSION};
pub use kiosk_contract::{
    Applicant, ApplicationProgress, ApplicationReceipt, ApplicationRequest, CardType, CatalogHead, CatalogItemHead,
    Enrolment, EnrolmentRequest, ErrorBody, Grid, Heartbeat, Kind, Lenient, Paper, PrinterHealth, RatingReceipt,
    RatingRequest, ReaderHealth, Status, TimelineEntry,
};
