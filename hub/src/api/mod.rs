//! The HTTP API (contract: `hub/openapi.yaml`). Routes, shared state, request logging and the
//! JSON shape of framework-level errors (unknown route, wrong method), the connection loop with its
//! timeouts, and the separate `/metrics` listener.
//!
//! Logging: method, route template (never the raw path: it may hold a slip token), status, time.
//! Handlers add terminal ids and record ids. Names, ID numbers and tokens are never logged.

mod error;
mod extract;
mod handlers;
pub mod limit;
pub mod metrics;

use std::convert::Infallible;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tower::ServiceExt;

pub use error::ApiError;

use crate::config::Limits;
use crate::store::{Store, StoreError};
use limit::RateLimiter;
use metrics::Metrics;

pub struct AppState {
    pub store: Arc<Store>,
    /// The served OpenAPI document (with `servers` pointing at `public_base_url` when configured).
    pub openapi: String,
    pub limits: Limits,
    /// Requests per terminal.
    pub terminal_rate: RateLimiter<String>,
    /// Failed authentications per client address.
    pub auth_failures: RateLimiter<IpAddr>,
    pub metrics: Metrics,
    /// The staff console's sessions (`[console]`, https or not).
    pub console: crate::web::ConsoleSettings,
}

impl AppState {
    /// The state with the default [`Limits`].
    pub fn new(store: Arc<Store>, public_base_url: Option<&str>) -> AppState {
        AppState::with_limits(store, public_base_url, Limits::default())
    }

    pub fn with_limits(store: Arc<Store>, public_base_url: Option<&str>, limits: Limits) -> AppState {
        let openapi = match public_base_url {
            Some(url) => crate::OPENAPI_YAML.replacen(DOC_SERVER, &format!("  - url: {url}"), 1),
            None => crate::OPENAPI_YAML.to_string(),
        };
        AppState {
            store,
            openapi,
            terminal_rate: RateLimiter::new(limits.terminal_requests_per_minute, limits.terminal_burst),
            auth_failures: RateLimiter::new(limits.auth_failures_per_minute, limits.auth_failures_per_minute),
            limits,
            metrics: Metrics::default(),
            console: crate::web::ConsoleSettings::new(
                public_base_url,
                crate::config::ConsoleConfig::default().session_idle_minutes,
            ),
        }
    }

    /// Runs a store call off the async runtime's worker threads.
    pub async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Store) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let store = self.store.clone();
        let result = match tokio::task::spawn_blocking(move || f(&store)).await {
            Ok(result) => result.map_err(ApiError::from),
            Err(e) => {
                log::error!("store task failed: {e}");
                Err(ApiError::internal())
            }
        };
        if result.as_ref().is_err_and(|e| e.status.is_server_error()) {
            self.metrics.store_error();
        }
        result
    }
}

/// The `servers` line of `openapi.yaml` replaced by `public_base_url`.
const DOC_SERVER: &str = "  - url: http://127.0.0.1:8700";

pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/healthz", get(handlers::healthz))
        .route("/openapi.yaml", get(handlers::openapi))
        .route("/api/v1/catalog", get(handlers::catalog))
        .route("/api/v1/grid", get(handlers::grid))
        .route("/api/v1/applications", post(handlers::create_application))
        .route("/api/v1/applications/{token}", get(handlers::application_progress))
        .route("/api/v1/ratings", post(handlers::create_rating))
        .route("/api/v1/terminals/{id}/heartbeat", post(handlers::heartbeat))
        .route("/api/v1/enrolment", post(handlers::enrol))
        // The staff console, the phone page and the other HTML pages (`web`).
        .merge(crate::web::router(state.clone()))
        .fallback(handlers::no_route)
        .layer(DefaultBodyLimit::max(kiosk_contract::limits::MAX_BODY_BYTES))
        .layer(middleware::from_fn_with_state(state.clone(), log_and_shape))
        .with_state(state)
}

/// The router of `metrics_listen`: `GET /metrics` and nothing else.
pub fn metrics_router(state: Arc<AppState>) -> Router {
    Router::new().route("/metrics", get(handlers::metrics)).fallback(handlers::no_route).with_state(state)
}

/// Serves the API until `shutdown` resolves, then finishes the requests in flight.
pub async fn serve(
    listener: TcpListener,
    state: Arc<AppState>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_router(listener, router(state.clone()), state, shutdown).await
}

/// Serves `/metrics` (on `metrics_listen`) until `shutdown` resolves.
pub async fn serve_metrics(
    listener: TcpListener,
    state: Arc<AppState>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_router(listener, metrics_router(state.clone()), state, shutdown).await
}

/// The connection loop (HTTP/1.1): each connection in its own task, the request line and headers
/// within `header_timeout` (also the longest a kept-alive connection may stay idle) or the connection is
/// closed; the peer address is given to handlers as [`ConnectInfo`]. On `shutdown` it stops accepting
/// and waits for the requests in flight.
async fn serve_router(
    listener: TcpListener,
    app: Router,
    state: Arc<AppState>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(state.limits.header_timeout);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors and the like: wait instead of spinning.
                    log::warn!("accept: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let service = hyper::service::service_fn(move |mut request: Request<hyper::body::Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            let app = app.clone();
            async move { Ok::<_, Infallible>(app.oneshot(request.map(axum::body::Body::new)).await.into_response()) }
        });
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        let state = state.clone();
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                if e.is_timeout() {
                    state.metrics.header_timeout();
                }
                log::debug!("connection from {peer}: {e}");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// Refuses a declared body over the limit before anything reads it, logs the request, shapes
/// framework errors as the API's and records the metrics.
async fn log_and_shape(State(state): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let route = req.extensions().get::<MatchedPath>().map_or("(no route)", |m| m.as_str()).to_string();
    let declared = req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).map(str::trim);
    let too_large =
        declared.is_some_and(|v| v.parse::<u64>().map_or(true, |n| n > kiosk_contract::limits::MAX_BODY_BYTES as u64));
    let mut response = if too_large { ApiError::payload_too_large().into_response() } else { next.run(req).await };
    // axum answers a wrong method with an empty 405; give it the API's error body (keeping `Allow`).
    if response.status() == StatusCode::METHOD_NOT_ALLOWED && !response.headers().contains_key(header::CONTENT_TYPE) {
        let allow = response.headers().get(header::ALLOW).cloned();
        response = ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            format!("{method} is not allowed here"),
        )
        .into_response();
        if let Some(allow) = allow {
            response.headers_mut().insert(header::ALLOW, allow);
        }
    }
    response.headers_mut().entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static("no-store"));
    if let Some(error::ErrorCode(code)) = response.extensions().get::<error::ErrorCode>() {
        state.metrics.refused(code, response.status().as_u16());
    }
    let elapsed = started.elapsed();
    state.metrics.observe(&method, &route, elapsed);
    log::info!("{method} {route} {} {:.1}ms", response.status().as_u16(), elapsed.as_secs_f64() * 1000.0);
    response
}
