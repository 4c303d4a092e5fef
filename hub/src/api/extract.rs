//! Request extractors that answer every rejection with the API's JSON error body: the bearer
//! terminal, a path segment, and a validated JSON body.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use kiosk_contract::Checked;
use serde::de::DeserializeOwned;

use super::error::ApiError;
use super::AppState;
use crate::model::{ApplicationRequest, EnrolmentRequest, Heartbeat, RatingRequest};
use crate::store::Auth;

/// The terminal whose bearer token came with the request (active, not revoked), within its request
/// rate. The token is always looked up: a valid one passes whatever its address did. A missing, unknown
/// or revoked one takes from its client address's failure budget and is answered 401, or 429 once that
/// budget is spent (behind a reverse proxy every kiosk shares one address: one misconfigured kiosk must
/// not lock the others out).
pub struct Terminal(pub String);

impl FromRequestParts<Arc<AppState>> for Terminal {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<AppState>) -> Result<Self, ApiError> {
        const HINT: &str = "send Authorization: Bearer <terminal token> issued by `kiosk-hub terminals add`";
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
        let now = Instant::now();
        // A failed authentication: 401 while the address has failures left, else 429.
        let failed = |e: ApiError| {
            if let Some(ip) = peer {
                if let Err(refused) = state.auth_failures.take(&ip, now) {
                    state.metrics.auth_failed("too_many_auth_failures");
                    if refused.first {
                        log::warn!("{ip} sent too many requests with a missing or wrong token: answering 429");
                    }
                    return ApiError::too_many(
                        "too_many_auth_failures",
                        "too many requests with a missing or wrong token from this address; wait before trying again",
                        refused.wait,
                    );
                }
            }
            state.metrics.auth_failed(e.code);
            e
        };
        let token = match parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            Some(token) => token.to_string(),
            None => return Err(failed(ApiError::unauthorized("unauthorized", HINT))),
        };
        let id = match state.blocking(move |store| store.authenticate(&token)).await? {
            Auth::Terminal(id) => id,
            Auth::Revoked(id) => {
                log::warn!("refused revoked terminal {id}");
                return Err(failed(ApiError::unauthorized(
                    "terminal_revoked",
                    "this terminal's token has been revoked by hub staff",
                )));
            }
            Auth::Unknown => return Err(failed(ApiError::unauthorized("unauthorized", "unknown terminal token"))),
        };
        state.metrics.terminal_seen(&id, now);
        if let Err(refused) = state.terminal_rate.take(&id, now) {
            // One line when a terminal goes over its rate, not one per refused request.
            if refused.first {
                log::warn!(terminal_id = id.as_str(); "terminal {id} is over its request rate: answering 429");
            }
            return Err(ApiError::too_many(
                "rate_limited",
                "this terminal sends more requests than the hub allows; retry after the time in Retry-After",
                refused.wait,
            ));
        }
        Ok(Terminal(id))
    }
}

/// One path segment as text.
pub struct Segment(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Segment {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match Path::<String>::from_request_parts(parts, state).await {
            Ok(Path(s)) => Ok(Segment(s)),
            Err(e) => Err(ApiError::new(StatusCode::BAD_REQUEST, "invalid_path", e.body_text())),
        }
    }
}

/// Request bodies that check the constraints of `openapi.yaml` beyond their serde shape.
pub trait Validate {
    fn validate(&self) -> Checked;
}

impl Validate for ApplicationRequest {
    fn validate(&self) -> Checked {
        ApplicationRequest::validate(self)
    }
}

impl Validate for RatingRequest {
    fn validate(&self) -> Checked {
        RatingRequest::validate(self)
    }
}

impl Validate for EnrolmentRequest {
    fn validate(&self) -> Checked {
        EnrolmentRequest::validate(self)
    }
}

/// The client's address (from the connection loop), when known.
pub struct Peer(pub Option<std::net::IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for Peer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Peer(parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip())))
    }
}

impl Validate for Heartbeat {
    fn validate(&self) -> Checked {
        Heartbeat::validate(self)
    }
}

/// A JSON body: `Content-Type: application/json`, well-formed (400 `malformed_json`), of the right
/// shape with no unknown fields and valid values (422 `invalid_body`, naming the field).
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned + Validate> FromRequest<Arc<AppState>> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &Arc<AppState>) -> Result<Self, ApiError> {
        let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
        let essence = content_type.split(';').next().unwrap_or("").trim();
        if !essence.eq_ignore_ascii_case("application/json") {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "the body must be JSON with Content-Type: application/json",
            ));
        }
        // The whole body within body_timeout: a client trickling it cannot hold the request open.
        let limit = state.limits.body_timeout;
        let bytes = tokio::time::timeout(limit, Bytes::from_request(req, state))
            .await
            .map_err(|_| ApiError::request_timeout(limit))?
            .map_err(|e| {
                if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::payload_too_large()
                } else {
                    ApiError::new(StatusCode::BAD_REQUEST, "unreadable_body", "the body could not be read")
                }
            })?;
        let mut de = serde_json::Deserializer::from_slice(&bytes);
        let value: T = match serde_path_to_error::deserialize(&mut de) {
            Ok(v) => v,
            Err(e) => {
                let path = e.path().to_string();
                let inner = e.into_inner();
                return Err(match inner.classify() {
                    serde_json::error::Category::Data => {
                        ApiError::invalid_body(format!("{path}: {}", strip_position(&inner.to_string())))
                    }
                    _ => malformed(&inner),
                });
            }
        };
        // Trailing data after the JSON value is malformed too.
        de.end().map_err(|e| malformed(&e))?;
        value.validate().map_err(|e| ApiError::invalid_body(e.to_string()))?;
        Ok(JsonBody(value))
    }
}

fn malformed(e: &serde_json::Error) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "malformed_json", format!("not valid JSON: {e}"))
}

/// serde_json appends " at line L column C"; the field path says more.
fn strip_position(message: &str) -> &str {
    message.rfind(" at line ").map_or(message, |i| &message[..i])
}
