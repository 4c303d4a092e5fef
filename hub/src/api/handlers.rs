//! One function per route of `openapi.yaml`.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use kiosk_contract::{catalog_etag, parse_catalog_etag, validate};

use super::error::ApiError;
use super::extract::{JsonBody, Peer, Segment, Terminal};
use super::AppState;
use crate::model::{ApplicationRequest, Enrolment, EnrolmentRequest, Heartbeat, RatingRequest};
use crate::store::Created;

type Shared = State<Arc<AppState>>;

pub async fn healthz() -> Response {
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], "ok").into_response()
}

pub async fn openapi(State(state): Shared) -> Response {
    ([(header::CONTENT_TYPE, "application/yaml")], state.openapi.clone()).into_response()
}

/// `GET /metrics` on `metrics_listen` (not part of the API document: never on the API's address).
pub async fn metrics(State(state): Shared) -> Response {
    let text = state.metrics.render(std::time::Instant::now());
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], text).into_response()
}

pub async fn no_route() -> ApiError {
    ApiError::not_found("not_found", "no such route; see /openapi.yaml")
}

pub async fn catalog(State(state): Shared, Terminal(_): Terminal, headers: HeaderMap) -> Result<Response, ApiError> {
    let Some((version, body)) = state.blocking(|s| s.latest_catalog()).await? else {
        return Err(ApiError::not_found("no_catalog", "no catalogue has been published yet"));
    };
    published(&headers, version, body, catalog_etag, parse_catalog_etag)
}

/// `GET /api/v1/grid`: the newest grid directory, as published, revalidated like the catalogue.
pub async fn grid(State(state): Shared, Terminal(_): Terminal, headers: HeaderMap) -> Result<Response, ApiError> {
    let Some((version, body)) = state.blocking(|s| s.latest_grid()).await? else {
        return Err(ApiError::not_found("no_grid", "no grid directory has been published yet"));
    };
    published(&headers, version, body, kiosk_contract::grid::grid_etag, kiosk_contract::grid::parse_grid_etag)
}

/// A published document (the catalogue, the grid directory) with its `ETag`, or 304 when an
/// `If-None-Match` names its version (or `*`; weak validators compare equal). Kiosks may keep it but
/// must revalidate it (`no-cache`).
fn published(
    headers: &HeaderMap,
    version: i64,
    body: String,
    etag: fn(u64) -> String,
    parse_etag: fn(&str) -> Option<u64>,
) -> Result<Response, ApiError> {
    let version = u64::try_from(version).map_err(|_| ApiError::internal())?;
    let etag_header = HeaderValue::from_str(&etag(version)).map_err(|_| ApiError::internal())?;
    let cache = (header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    let matches =
        headers.get_all(header::IF_NONE_MATCH).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).any(
            |t| {
                let t = t.trim();
                t == "*" || parse_etag(t) == Some(version)
            },
        );
    if matches {
        return Ok((StatusCode::NOT_MODIFIED, [(header::ETAG, etag_header), cache]).into_response());
    }
    Ok((
        [(header::ETAG, etag_header), (header::CONTENT_TYPE, HeaderValue::from_static("application/json")), cache],
        body,
    )
        .into_response())
}

pub async fn create_application(
    State(state): Shared,
    Terminal(terminal): Terminal,
    headers: HeaderMap,
    JsonBody(req): JsonBody<ApplicationRequest>,
) -> Result<Response, ApiError> {
    let key = match headers.get("idempotency-key") {
        None => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "missing_idempotency_key",
                "send the outbox UUID in the Idempotency-Key header",
            ))
        }
        Some(v) => v.to_str().ok().filter(|k| validate::is_uuid(k)).ok_or_else(|| {
            ApiError::new(StatusCode::BAD_REQUEST, "invalid_idempotency_key", "Idempotency-Key must be a UUID")
        })?,
    };
    if !key.eq_ignore_ascii_case(&req.idempotency_key) {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "idempotency_key_mismatch",
            "the Idempotency-Key header and the body's idempotency_key differ",
        ));
    }
    if req.terminal_id != terminal {
        return Err(ApiError::terminal_mismatch("terminal_id"));
    }
    let (created, receipt) = state.blocking(move |s| s.create_application(&req)).await?;
    let status = match created {
        Created::New => {
            state.metrics.application_received();
            log::info!(
                acceptance_no = receipt.acceptance_no.as_str(), terminal_id = terminal.as_str();
                "application {} ({}) accepted from terminal {terminal}", receipt.id, receipt.acceptance_no
            );
            StatusCode::CREATED
        }
        Created::Replayed => {
            state.metrics.application_replayed();
            log::info!(
                acceptance_no = receipt.acceptance_no.as_str(), terminal_id = terminal.as_str();
                "application {} ({}) repeated by terminal {terminal}", receipt.id, receipt.acceptance_no
            );
            StatusCode::OK
        }
    };
    Ok((status, Json(receipt)).into_response())
}

pub async fn application_progress(
    State(state): Shared,
    Terminal(_): Terminal,
    Segment(token): Segment,
) -> Result<Response, ApiError> {
    let not_found = || ApiError::not_found("application_not_found", "no application has this token");
    if !validate::is_slip_token(&token) {
        return Err(not_found());
    }
    match state.blocking(move |s| s.progress(&token)).await? {
        Some(progress) => Ok(Json(progress).into_response()),
        None => Err(not_found()),
    }
}

pub async fn create_rating(
    State(state): Shared,
    Terminal(terminal): Terminal,
    JsonBody(rating): JsonBody<RatingRequest>,
) -> Result<Response, ApiError> {
    if rating.terminal_id != terminal {
        return Err(ApiError::terminal_mismatch("terminal_id"));
    }
    let receipt = state.blocking(move |s| s.add_rating(&rating)).await.map_err(|e| {
        if e.status == StatusCode::NOT_FOUND {
            ApiError::not_found("application_not_found", "no application has this token")
        } else {
            e
        }
    })?;
    log::info!(terminal_id = terminal.as_str(); "rating {} received from terminal {terminal}", receipt.score);
    Ok((StatusCode::CREATED, Json(receipt)).into_response())
}

pub async fn heartbeat(
    State(state): Shared,
    Terminal(terminal): Terminal,
    Segment(id): Segment,
    JsonBody(heartbeat): JsonBody<Heartbeat>,
) -> Result<Response, ApiError> {
    // Not a terminal id (e.g. empty): no such route, as the document says.
    if !validate::is_terminal_id(&id) {
        return Err(no_route().await);
    }
    if id != terminal {
        return Err(ApiError::terminal_mismatch("the terminal id in the path"));
    }
    let problems = heartbeat.problems();
    if !problems.is_empty() {
        log::warn!(terminal_id = terminal.as_str(); "terminal {terminal} reports: {}", problems.join(", "));
    }
    state.blocking(move |s| s.record_heartbeat(&terminal, &heartbeat)).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `POST /api/v1/enrolment`: a one-time code for the terminal's token and provisioning bundle. No
/// token (the terminal has none yet). Every refused code takes from the client address's failure
/// budget (the one of wrong terminal tokens); once it is spent, every code is answered 429 without
/// being looked up, so guessing the 12 digits is slow.
pub async fn enrol(
    State(state): Shared,
    Peer(peer): Peer,
    JsonBody(req): JsonBody<EnrolmentRequest>,
) -> Result<Response, ApiError> {
    let now = std::time::Instant::now();
    let too_many = |wait| {
        ApiError::too_many(
            "too_many_auth_failures",
            "too many wrong enrolment codes from this address; wait before trying again",
            wait,
        )
    };
    if let Some(ip) = peer {
        if let Err(refused) = state.auth_failures.check(&ip, now) {
            state.metrics.auth_failed("too_many_auth_failures");
            if refused.first {
                log::warn!("{ip} sent too many wrong enrolment codes: answering 429");
            }
            return Err(too_many(refused.wait));
        }
    }
    let enrolled = match state.blocking(move |s| s.redeem_enrolment(&req.code)).await {
        Ok(enrolled) => enrolled,
        Err(e) => {
            if e.status.is_client_error() {
                state.metrics.auth_failed(e.code);
                if let Some(ip) = peer {
                    let _ = state.auth_failures.take(&ip, now);
                }
                log::warn!("enrolment refused: {}", e.code);
            }
            return Err(e);
        }
    };
    let mut bundle = toml::Table::new();
    bundle.insert("terminal_id".into(), toml::Value::String(enrolled.terminal_id.clone()));
    if let Some(name) = enrolled.name.filter(|n| !n.trim().is_empty()) {
        bundle.insert("centre_name".into(), toml::Value::String(name));
    }
    let bundle = toml::to_string(&bundle).map_err(|_| ApiError::internal())?;
    let terminal_id = enrolled.terminal_id;
    log::info!(terminal_id = terminal_id.as_str(); "terminal {terminal_id} enrolled with a one-time code");
    Ok(Json(Enrolment { terminal_id, terminal_token: enrolled.token, bundle }).into_response())
}
