//! The one error shape of the HTTP API: `{"code": "<stable_snake_case>", "message": "..."}`.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::model::ErrorBody;
use crate::store::{EnrolmentRefusal, StoreError};

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    /// `Retry-After` in seconds (429).
    pub retry_after: Option<u64>,
}

/// The code of an error response, kept in its extensions for the metrics.
#[derive(Debug, Clone, Copy)]
pub struct ErrorCode(pub &'static str);

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError { status, code, message: message.into(), retry_after: None }
    }

    pub fn unauthorized(code: &'static str, message: &str) -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, code, message)
    }

    pub fn invalid_body(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_body", message)
    }

    pub fn not_found(code: &'static str, message: &str) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, code, message)
    }

    pub fn terminal_mismatch(what: &str) -> ApiError {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "terminal_mismatch",
            format!("{what} does not match the terminal this token belongs to"),
        )
    }

    /// 413, before or while the body is read; the connection is closed after it (the rest of the body
    /// is not read).
    pub fn payload_too_large() -> ApiError {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("the body is larger than {} bytes", kiosk_contract::limits::MAX_BODY_BYTES),
        )
    }

    /// 408: the body did not arrive within `body_timeout_secs`; the connection is closed after it.
    pub fn request_timeout(limit: std::time::Duration) -> ApiError {
        ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            "request_timeout",
            format!("the body did not arrive within {} seconds", limit.as_secs_f64()),
        )
    }

    /// 429 with `Retry-After`.
    pub fn too_many(code: &'static str, message: &str, wait: std::time::Duration) -> ApiError {
        let mut e = ApiError::new(StatusCode::TOO_MANY_REQUESTS, code, message);
        e.retry_after = Some(super::limit::retry_after_secs(wait));
        e
    }

    pub fn internal() -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "internal error; the hub log has details")
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        let conflict = |code| ApiError::new(StatusCode::CONFLICT, code, e.to_string());
        match &e {
            StoreError::IdempotencyConflict => conflict("idempotency_conflict"),
            StoreError::DuplicateAcceptanceNo => conflict("duplicate_acceptance_no"),
            StoreError::DuplicateToken => conflict("duplicate_token"),
            StoreError::AlreadyRated => conflict("already_rated"),
            StoreError::NotFound(_) => ApiError::new(StatusCode::NOT_FOUND, "not_found", e.to_string()),
            StoreError::Enrolment(refusal) => match refusal {
                EnrolmentRefusal::Unknown => {
                    ApiError::new(StatusCode::NOT_FOUND, "enrolment_code_unknown", e.to_string())
                }
                EnrolmentRefusal::Used => ApiError::new(StatusCode::CONFLICT, "enrolment_code_used", e.to_string()),
                EnrolmentRefusal::Expired => ApiError::new(StatusCode::GONE, "enrolment_code_expired", e.to_string()),
            },
            StoreError::TerminalRevoked(_) => ApiError::new(StatusCode::FORBIDDEN, "terminal_revoked", e.to_string()),
            _ => {
                log::error!("store: {e}");
                ApiError::internal()
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody { code: self.code.to_string(), message: self.message };
        let mut response = (self.status, axum::Json(body)).into_response();
        let headers = response.headers_mut();
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let Some(secs) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if matches!(self.status, StatusCode::PAYLOAD_TOO_LARGE | StatusCode::REQUEST_TIMEOUT) {
            headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
        }
        response.extensions_mut().insert(ErrorCode(self.code));
        response
    }
}
