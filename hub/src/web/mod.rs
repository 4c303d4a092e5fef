//! The hub's human faces: server-rendered HTML (maud), one stylesheet, forms without JavaScript.
//!
//! - [`layout`]: the page frame ([`layout::page`]), the CSRF hidden input, the HTML response headers.
//! - [`auth`]: staff login, logout, the session cookie, the [`auth::Clerk`] and [`auth::Admin`]
//!   extractors, [`auth::check_csrf`].
//! - [`console`]: the application queue, an application's detail (access-logged), status changes,
//!   取件 (hand-over); the admin pages for staff accounts and the access log.
//! - [`phone`]: the resident's phone page behind the slip's QR (`/p/{token}`), no login.
//! - [`board`]: the terminals board (problems worst first, revoke, enrolment codes).
//! - [`stats`]: 满意度与办件量, ratings and applications per day as SVG charts, a table and CSV.
//! - [`catalog`]: the admin pages that show and publish the service catalogue and the grid directory.
//!
//! Nothing here logs names, ID numbers, pickup codes, passwords or session ids.

pub mod auth;
pub mod board;
pub mod catalog;
pub mod console;
pub mod layout;
pub mod phone;
pub mod stats;

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::rejection::FormRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use maud::html;
use serde::de::DeserializeOwned;

use crate::api::AppState;
use crate::store::{Store, StoreError};

/// The console's settings (from `[console]` and `public_base_url`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConsoleSettings {
    /// A session unused this long ends.
    pub session_idle_minutes: i64,
    /// Cookies are marked `Secure` (the hub is served over https).
    pub secure_cookies: bool,
}

impl ConsoleSettings {
    pub fn new(public_base_url: Option<&str>, session_idle_minutes: u32) -> ConsoleSettings {
        ConsoleSettings {
            session_idle_minutes: i64::from(session_idle_minutes),
            secure_cookies: public_base_url.is_some_and(|u| u.starts_with("https://")),
        }
    }
}

/// The routes of the pages, merged into the API's router.
pub fn router(state: Arc<AppState>) -> Router<Arc<AppState>> {
    Router::new()
        .merge(phone::router(state))
        // The terminals board and the statistics (board.rs, stats.rs).
        .route("/console/terminals", get(board::board_page))
        .route("/console/terminals/revoke", get(board::revoke_page).post(board::revoke))
        .route("/console/terminals/enrolment", post(board::create_enrolment))
        .route("/console/stats", get(stats::stats_page))
        .route(layout::CSS_PATH, get(layout::stylesheet))
        .route("/console/login", get(auth::login_page).post(auth::login))
        .route("/console/logout", post(auth::logout))
        .route("/console", get(console::queue))
        .route("/console/applications/{id}", get(console::detail))
        .route("/console/applications/{id}/status", post(console::change_status))
        .route("/console/applications/{id}/handover", post(console::hand_over))
        .route("/console/staff", get(console::staff_page).post(console::add_staff))
        .route("/console/staff/disable", post(console::disable_staff))
        .route("/console/staff/password", post(console::set_password))
        .route("/console/access-log", get(console::access_log))
        .route("/console/catalog", get(catalog::catalog_page).post(catalog::publish))
        .route("/console/grid", get(catalog::grid_page).post(catalog::publish_grid))
}

/// A page that says what went wrong (the status's page, in Chinese), or a redirect.
#[derive(Debug)]
pub enum WebError {
    Page {
        status: StatusCode,
        title: &'static str,
        message: String,
    },
    /// 303 to this path (e.g. the login page).
    Redirect(String),
}

impl WebError {
    pub fn page(status: StatusCode, title: &'static str, message: impl Into<String>) -> WebError {
        WebError::Page { status, title, message: message.into() }
    }

    pub fn not_found() -> WebError {
        WebError::page(StatusCode::NOT_FOUND, "未找到", "没有这个页面或这件申请。")
    }

    pub fn forbidden(message: &str) -> WebError {
        WebError::page(StatusCode::FORBIDDEN, "无权访问", message)
    }

    pub fn internal() -> WebError {
        WebError::page(StatusCode::INTERNAL_SERVER_ERROR, "出错了", "服务器内部错误，请稍后再试；详情见枢纽日志。")
    }

    pub fn bad_request(message: impl Into<String>) -> WebError {
        WebError::page(StatusCode::BAD_REQUEST, "请求有误", message)
    }
}

impl From<StoreError> for WebError {
    fn from(e: StoreError) -> WebError {
        match e {
            StoreError::NotFound(_) => WebError::not_found(),
            e => {
                log::error!("console: store: {e}");
                WebError::internal()
            }
        }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        match self {
            WebError::Page { status, title, message } => {
                let body = html! {
                    p.flash.error role="alert" { (message) }
                    p { a href="/console" { "返回申请队列" } }
                };
                layout::html_response(status, layout::page(title, None, body))
            }
            WebError::Redirect(to) => see_other(&to),
        }
    }
}

/// 303 See Other to `to` (after a form, or to the login page).
pub fn see_other(to: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = axum::http::HeaderValue::from_str(to) {
        response.headers_mut().insert(axum::http::header::LOCATION, value);
    }
    response
}

/// Runs a store call off the async runtime's workers; a store error is the answer (its page).
pub async fn run<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&Store) -> Result<T, StoreError> + Send + 'static,
) -> Result<T, WebError> {
    Ok(run_raw(state, f).await??)
}

/// [`run`], handing the store's error to the caller (who answers some of them itself).
pub async fn run_raw<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&Store) -> Result<T, StoreError> + Send + 'static,
) -> Result<Result<T, StoreError>, WebError> {
    let store = state.store.clone();
    tokio::task::spawn_blocking(move || f(&store)).await.map_err(|e| {
        log::error!("console: store task failed: {e}");
        WebError::internal()
    })
}

/// The console's answer to a form or query holding a NUL character (`%00`): no one types one, and
/// PostgreSQL cannot store or compare one in a text column (it answered an error, the page a 500).
const NUL_REFUSED: &str = "内容中含有无法保存的控制字符，请返回重新填写。";

/// A field of a form or query (`application/x-www-form-urlencoded`) holds a NUL once decoded.
fn has_nul(urlencoded: &[u8]) -> bool {
    form_urlencoded::parse(urlencoded).any(|(k, v)| k.contains('\0') || v.contains('\0'))
}

/// A posted form (`application/x-www-form-urlencoded`), refused with the console's 400 page when it
/// does not fit `T` or holds a NUL character.
pub struct WebForm<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for WebForm<T> {
    type Rejection = WebError;

    async fn from_request(req: Request, state: &S) -> Result<Self, WebError> {
        let (parts, body) = req.into_parts();
        let bytes = Bytes::from_request(Request::from_parts(parts.clone(), body), state)
            .await
            .map_err(|e| WebError::bad_request(format!("表单无法读取：{}", e.body_text())))?;
        if has_nul(&bytes) {
            return Err(WebError::bad_request(NUL_REFUSED));
        }
        match axum::Form::<T>::from_request(Request::from_parts(parts, Body::from(bytes)), state).await {
            Ok(axum::Form(value)) => Ok(WebForm(value)),
            Err(FormRejection::FailedToDeserializeForm(_) | FormRejection::FailedToDeserializeFormBody(_)) => {
                Err(WebError::bad_request("表单内容不完整或格式不对，请返回重新填写。"))
            }
            Err(e) => Err(WebError::bad_request(format!("表单无法读取：{}", e.body_text()))),
        }
    }
}

/// A page's query string, refused with the console's 400 page when it does not fit `T` or holds a
/// NUL character.
pub struct WebQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for WebQuery<T> {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, WebError> {
        if has_nul(parts.uri.query().unwrap_or_default().as_bytes()) {
            return Err(WebError::bad_request(NUL_REFUSED));
        }
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(WebQuery(value)),
            Err(_) => Err(WebError::bad_request("网址中的查询条件有误，请回到申请队列重新筛选。")),
        }
    }
}

/// An empty string as `None` (a form's or query's blank field).
pub fn non_empty(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_secure_when_the_hub_is_served_over_https() {
        assert!(ConsoleSettings::new(Some("https://hub.example.gov.cn"), 30).secure_cookies);
        assert!(!ConsoleSettings::new(Some("http://10.0.0.5:8700"), 30).secure_cookies);
        assert!(!ConsoleSettings::new(None, 30).secure_cookies);
        assert_eq!(ConsoleSettings::new(None, 45).session_idle_minutes, 45);
    }
}
