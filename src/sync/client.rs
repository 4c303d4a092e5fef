//! One call per hub route, each answer sorted into what the worker does next. Errors never carry a
//! URL (the progress route's path holds a slip token) nor the terminal token.

use std::time::Duration;

use reqwest::header::{AUTHORIZATION, ETAG, IF_NONE_MATCH};
use reqwest::{RequestBuilder, Response, StatusCode};

use super::wire::{rating_request, truncate, ApplicationProgress, ApplicationReceipt, ErrorBody, Heartbeat};
use crate::store::outbox::{Outgoing, OutgoingRating};

/// Why a call did not succeed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// Network error, timeout, 408, 429 or 5xx: worth retrying later, in order.
    Transient(String),
    /// 401 or 403: the hub does not accept this terminal (revoked, unknown, or another terminal's id).
    Unauthorized { status: u16, code: String },
    /// Any other 4xx: this request as it is will never succeed.
    Refused { status: u16, code: String, message: String },
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Transient(e) => write!(f, "hub unavailable: {e}"),
            Failure::Unauthorized { status, code } => write!(f, "hub refused this terminal: {status} {code}"),
            Failure::Refused { status, code, message } => write!(f, "hub refused: {status} {code}: {message}"),
        }
    }
}

/// What the catalogue route answered.
pub enum CatalogReply {
    NotModified,
    /// Nothing published yet (no catalogue, or no grid directory).
    NoCatalog,
    New {
        etag: Option<String>,
        body: Vec<u8>,
    },
}

pub struct HubClient {
    http: reqwest::Client,
    base: String,
    bearer: String,
}

impl HubClient {
    pub fn new(base: &str, token: &str, timeout: Duration) -> Result<HubClient, String> {
        // reqwest is built without a TLS crypto provider (`rustls-no-provider`): ring is this process's.
        // Err means one is installed already.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(5)))
            .user_agent(concat!("kiosk/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("cannot set up the HTTP client: {e}"))?;
        Ok(HubClient { http, base: base.trim_end_matches('/').to_string(), bearer: format!("Bearer {token}") })
    }

    fn get(&self, path: &str) -> RequestBuilder {
        self.http.get(format!("{}{path}", self.base)).header(AUTHORIZATION, &self.bearer)
    }

    fn post(&self, path: &str) -> RequestBuilder {
        self.http.post(format!("{}{path}", self.base)).header(AUTHORIZATION, &self.bearer)
    }

    /// `POST /api/v1/applications` (201 new, 200 replay); the hub's status for it. A 2xx whose body
    /// does not read as a receipt still means the hub has the application (status `accepted`).
    pub async fn push_application(&self, o: &Outgoing) -> Result<String, Failure> {
        let response = send(
            self.post("/api/v1/applications").header("Idempotency-Key", &o.stored.idempotency_key).json(&o.request()),
        )
        .await?;
        match json::<ApplicationReceipt>(response).await {
            Ok(receipt) => Ok(receipt.status.as_str().to_string()),
            Err(Failure::Transient(e)) if !e.starts_with("broken answer") => {
                log::warn!(
                    acceptance_no = o.stored.acceptance_no.as_str();
                    "sync: {} stored by the hub, but its receipt is unreadable: {e}", o.stored.acceptance_no
                );
                Ok("accepted".to_string())
            }
            Err(e) => Err(e),
        }
    }

    /// `GET /api/v1/catalog` with the versions the kiosk does not want again.
    pub async fn catalog(&self, if_none_match: &[String]) -> Result<CatalogReply, Failure> {
        self.published("/api/v1/catalog", "no_catalog", if_none_match).await
    }

    /// `GET /api/v1/grid` with `If-None-Match` (the grid directory, revalidated like the catalogue).
    pub async fn grid(&self, if_none_match: &[String]) -> Result<CatalogReply, Failure> {
        self.published("/api/v1/grid", "no_grid", if_none_match).await
    }

    /// A published, versioned file: 304 while `if_none_match` names it, 404 `none_code` before any.
    async fn published(&self, path: &str, none_code: &str, if_none_match: &[String]) -> Result<CatalogReply, Failure> {
        let mut request = self.get(path);
        if !if_none_match.is_empty() {
            request = request.header(IF_NONE_MATCH, if_none_match.join(", "));
        }
        match send(request).await {
            Ok(r) if r.status() == StatusCode::NOT_MODIFIED => Ok(CatalogReply::NotModified),
            Ok(r) => {
                let etag = r.headers().get(ETAG).and_then(|v| v.to_str().ok()).map(str::to_string);
                let body = r.bytes().await.map_err(transport)?.to_vec();
                Ok(CatalogReply::New { etag, body })
            }
            Err(Failure::Refused { status: 404, code, .. }) if code == none_code => Ok(CatalogReply::NoCatalog),
            Err(e) => Err(e),
        }
    }

    /// `GET /api/v1/applications/{token}`; `None` when the hub has no application with this token.
    pub async fn progress(&self, token: &str) -> Result<Option<ApplicationProgress>, Failure> {
        match send(self.get(&format!("/api/v1/applications/{token}"))).await {
            Ok(r) => json(r).await.map(Some),
            Err(Failure::Refused { status: 404, .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// `POST /api/v1/ratings`. A rating the hub already has (409 `already_rated`) counts as sent.
    pub async fn push_rating(&self, r: &OutgoingRating) -> Result<(), Failure> {
        match send(self.post("/api/v1/ratings").json(&rating_request(r))).await {
            Ok(_) => Ok(()),
            Err(Failure::Refused { status: 409, code, .. }) if code == "already_rated" => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// `POST /api/v1/enrolment` (no token: the terminal has none yet). Every 4xx, 429 included, is
    /// `Refused` with the hub's code and message (staff read why and try again or ask for a new code).
    pub async fn enrol(&self, code: &str) -> Result<kiosk_contract::Enrolment, Failure> {
        let request = kiosk_contract::EnrolmentRequest { code: code.to_string() };
        let response =
            self.http.post(format!("{}/api/v1/enrolment", self.base)).json(&request).send().await.map_err(transport)?;
        let status = response.status();
        if status.is_success() {
            return json(response).await;
        }
        let body: ErrorBody = response.json().await.unwrap_or_default();
        if status.is_client_error() {
            return Err(Failure::Refused {
                status: status.as_u16(),
                code: body.code,
                message: truncate(&body.message, 300),
            });
        }
        Err(Failure::Transient(format!("{} {}", status.as_u16(), body.code).trim_end().to_string()))
    }

    /// `POST /api/v1/terminals/{id}/heartbeat` (204).
    pub async fn heartbeat(&self, terminal_id: &str, body: &Heartbeat) -> Result<(), Failure> {
        send(self.post(&format!("/api/v1/terminals/{terminal_id}/heartbeat")).json(body)).await.map(drop)
    }
}

fn transport(e: reqwest::Error) -> Failure {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "cannot connect"
    } else if e.is_body() || e.is_decode() {
        "broken answer"
    } else {
        "request failed"
    };
    // Only the root cause, never `e` itself: its text holds the URL, and a progress URL holds a slip token.
    let mut root: Option<&dyn std::error::Error> = std::error::Error::source(&e);
    while let Some(next) = root.and_then(|r| r.source()) {
        root = Some(next);
    }
    let detail = root.map(|r| format!(": {r}")).unwrap_or_default();
    Failure::Transient(truncate(&format!("{kind}{detail}"), 300))
}

/// Sends and sorts the answer: 2xx and 304 are `Ok`, the rest a [`Failure`].
async fn send(request: RequestBuilder) -> Result<Response, Failure> {
    let response = request.send().await.map_err(transport)?;
    let status = response.status();
    if status.is_success() || status == StatusCode::NOT_MODIFIED {
        return Ok(response);
    }
    let code = status.as_u16();
    let body: ErrorBody = response.json().await.unwrap_or_default();
    let message = truncate(&body.message, 300);
    Err(match code {
        401 | 403 => Failure::Unauthorized { status: code, code: body.code },
        408 | 429 | 500..=599 => Failure::Transient(format!("{code} {}", body.code).trim_end().to_string()),
        _ => Failure::Refused { status: code, code: body.code, message },
    })
}

async fn json<T: serde::de::DeserializeOwned>(response: Response) -> Result<T, Failure> {
    let bytes = response.bytes().await.map_err(transport)?;
    serde_json::from_slice(&bytes).map_err(|e| Failure::Transient(format!("unexpected answer from the hub: {e}")))
}
