//! The HTTP API (contract: `hub/openapi.yaml`). Routes, shared state, request logging and the
//! JSON shape of framework-level errors (unknown route, wrong method).
//!
//! Logging: method, route template (never the raw path: it may hold a slip token), status, time.
//! Handlers add terminal ids and record ids. Names, ID numbers and tokens are never logged.

mod error;
mod extract;
mod handlers;

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use tokio::net::TcpListener;

pub use error::ApiError;

use crate::store::{Store, StoreError};

pub struct AppState {
    pub store: Arc<Store>,
    /// The served OpenAPI document (with `servers` pointing at `public_base_url` when configured).
    pub openapi: String,
}

impl AppState {
    pub fn new(store: Arc<Store>, public_base_url: Option<&str>) -> AppState {
        let openapi = match public_base_url {
            Some(url) => crate::OPENAPI_YAML.replacen(DOC_SERVER, &format!("  - url: {url}"), 1),
            None => crate::OPENAPI_YAML.to_string(),
        };
        AppState { store, openapi }
    }

    /// Runs a store call off the async runtime's worker threads.
    pub async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Store) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let store = self.store.clone();
        match tokio::task::spawn_blocking(move || f(&store)).await {
            Ok(result) => result.map_err(ApiError::from),
            Err(e) => {
                log::error!("store task failed: {e}");
                Err(ApiError::internal())
            }
        }
    }
}

/// The `servers` line of `openapi.yaml` replaced by `public_base_url`.
const DOC_SERVER: &str = "  - url: http://127.0.0.1:8700";

pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/healthz", get(handlers::healthz))
        .route("/openapi.yaml", get(handlers::openapi))
        .route("/api/v1/catalog", get(handlers::catalog))
        .route("/api/v1/applications", post(handlers::create_application))
        .route("/api/v1/applications/{token}", get(handlers::application_progress))
        .route("/api/v1/ratings", post(handlers::create_rating))
        .route("/api/v1/terminals/{id}/heartbeat", post(handlers::heartbeat))
        .fallback(handlers::no_route)
        .layer(DefaultBodyLimit::max(kiosk_contract::limits::MAX_BODY_BYTES))
        .layer(middleware::from_fn(log_and_shape))
        .with_state(state)
}

/// Serves until `shutdown` resolves, then finishes the requests in flight.
pub async fn serve(
    listener: TcpListener,
    state: Arc<AppState>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state)).with_graceful_shutdown(shutdown).await
}

async fn log_and_shape(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let route = req.extensions().get::<MatchedPath>().map_or("(no route)", |m| m.as_str()).to_string();
    let mut response = next.run(req).await;
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
    log::info!("{method} {route} {} {:.1}ms", response.status().as_u16(), started.elapsed().as_secs_f64() * 1000.0);
    response
}
