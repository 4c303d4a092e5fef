//! Staff login and sessions.
//!
//! - The session cookie `kiosk_hub_session` holds a random 32-byte id (hex); the store keeps only its
//!   SHA-256, with the staff member, the session's CSRF token and when it was last used. HttpOnly,
//!   SameSite=Strict, Path=/, Secure when `public_base_url` is https; no Max-Age: the session ends
//!   when unused for `[console] session_idle_minutes`, at logout, or when the account is disabled.
//! - Every form of a logged-in page carries the session's CSRF token (hidden input `csrf`,
//!   [`super::layout::csrf_input`]); handlers check it with [`check_csrf`]: missing or wrong → 403.
//!   The login form has its own token, a double-submit cookie (`kiosk_hub_login`).
//! - Lockout: after 5 failed logins for a username within 15 minutes (20 for a client address) the
//!   login is refused, without checking the password, until the window has passed.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::html;
use rand::Rng;
use serde::Deserialize;

use super::layout::{flash, html_response, page};
use super::{run, see_other, WebError, WebForm, WebQuery};
use crate::api::AppState;
use crate::store::console::{constant_time_eq, is_username, Login, StaffSession};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "kiosk_hub_session";
/// The login form's double-submit CSRF cookie.
pub const LOGIN_COOKIE: &str = "kiosk_hub_login";

/// The value of cookie `name` in the request's `Cookie` headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Strict, `path`, Secure when served over https;
/// `max_age` 0 deletes it, `None` makes it last as long as the browser session.
fn set_cookie(name: &str, value: &str, path: &str, secure: bool, max_age: Option<u32>) -> HeaderValue {
    let mut c = format!("{name}={value}; HttpOnly; SameSite=Strict; Path={path}");
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        c.push_str("; Secure");
    }
    HeaderValue::from_str(&c).unwrap_or(HeaderValue::from_static(""))
}

/// A logged-in staff member, clerk or admin. Without a valid session: GET requests are sent to the
/// login page (and back afterwards), others are refused (403).
pub struct Clerk(pub StaffSession);

/// A logged-in admin; a clerk gets the 403 page.
pub struct Admin(pub StaffSession);

async fn session_of(parts: &Parts, state: &Arc<AppState>) -> Result<StaffSession, WebError> {
    let cookie = cookie(&parts.headers, SESSION_COOKIE).map(str::to_string);
    let idle = state.console.session_idle_minutes;
    let session = match cookie {
        Some(c) if c.len() == 64 && c.bytes().all(|b| b.is_ascii_hexdigit()) => {
            run(state, move |s| s.session(&c, idle)).await?
        }
        _ => None,
    };
    session.ok_or_else(|| {
        if parts.method == axum::http::Method::GET {
            let next = parts.uri.path_and_query().map_or("/console", |p| p.as_str());
            WebError::Redirect(format!("/console/login?next={}", percent_encode(next)))
        } else {
            WebError::forbidden("登录已过期或尚未登录，请重新登录后再提交。")
        }
    })
}

impl FromRequestParts<Arc<AppState>> for Clerk {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<AppState>) -> Result<Self, WebError> {
        session_of(parts, state).await.map(Clerk)
    }
}

impl FromRequestParts<Arc<AppState>> for Admin {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<AppState>) -> Result<Self, WebError> {
        let staff = session_of(parts, state).await?;
        if !staff.is_admin() {
            return Err(WebError::forbidden("此页面仅限管理员使用。"));
        }
        Ok(Admin(staff))
    }
}

/// Refuses a form whose `csrf` is not the session's token (403).
pub fn check_csrf(staff: &StaffSession, csrf: &str) -> Result<(), WebError> {
    match !csrf.is_empty() && constant_time_eq(csrf, &staff.csrf) {
        true => Ok(()),
        false => Err(csrf_refused()),
    }
}

fn csrf_refused() -> WebError {
    WebError::forbidden("表单已失效（缺少或不符的安全令牌），请刷新页面后重新提交。")
}

/// Only paths of this hub as the place to go after login (no `//host`, no scheme).
fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(n) if n.starts_with("/console") && !n.starts_with("//") && !n.contains('\\') => n,
        _ => "/console",
    }
}

/// Percent-encodes everything but unreserved characters and `/` (a path in a query parameter).
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[derive(Debug, Default, Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
}

fn login_form(csrf: &str, next: &str, username: &str, message: Option<&str>) -> maud::Markup {
    html! {
        div.login {
            @if let Some(m) = message { (flash(true, m)) }
            form.stack method="post" action="/console/login" {
                input type="hidden" name="csrf" value=(csrf);
                input type="hidden" name="next" value=(next);
                div {
                    label for="username" { "用户名" }
                    input #username name="username" type="text" autocomplete="username" required
                        autofocus value=(username);
                }
                div {
                    label for="password" { "密码" }
                    input #password name="password" type="password" autocomplete="current-password" required;
                }
                div { button type="submit" { "登录" } }
            }
        }
    }
}

/// The login page with a fresh login token (cookie and hidden input alike).
fn login_response(state: &AppState, status: StatusCode, next: &str, username: &str, message: Option<&str>) -> Response {
    let mut bytes = [0u8; 16];
    rand::rng().fill(&mut bytes);
    let token = hex::encode(bytes);
    let mut response = html_response(status, page("工作人员登录", None, login_form(&token, next, username, message)));
    let cookie = set_cookie(LOGIN_COOKIE, &token, "/console/login", state.console.secure_cookies, None);
    response.headers_mut().append(header::SET_COOKIE, cookie);
    response
}

/// `GET /console/login`.
pub async fn login_page(State(state): State<Arc<AppState>>, WebQuery(q): WebQuery<LoginQuery>) -> Response {
    login_response(&state, StatusCode::OK, safe_next(q.next.as_deref()), "", None)
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    next: Option<String>,
    username: String,
    password: String,
}

/// `POST /console/login`.
pub async fn login(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    WebForm(form): WebForm<LoginForm>,
) -> Result<Response, WebError> {
    let expected = cookie(&headers, LOGIN_COOKIE).unwrap_or("");
    if expected.is_empty() || !constant_time_eq(expected, &form.csrf) {
        return Err(csrf_refused());
    }
    let next = safe_next(form.next.as_deref()).to_string();
    let username = form.username.trim().to_string();
    if !is_username(&username) || form.password.is_empty() {
        let m = "用户名或密码错误。";
        return Ok(login_response(&state, StatusCode::UNAUTHORIZED, &next, "", Some(m)));
    }
    let idle = state.console.session_idle_minutes;
    let (user, address) = (username.clone(), peer.ip().to_string());
    let outcome = run(&state, move |s| s.login(&user, &form.password, &address, idle)).await?;
    let refused = |status, message: &str| Ok(login_response(&state, status, &next, &username, Some(message)));
    match outcome {
        Login::Ok { cookie, session } => {
            log::info!("staff {} logged in to the console", session.username);
            let mut response = see_other(&next);
            let c = set_cookie(SESSION_COOKIE, &cookie, "/", state.console.secure_cookies, None);
            response.headers_mut().append(header::SET_COOKIE, c);
            let gone = set_cookie(LOGIN_COOKIE, "", "/console/login", state.console.secure_cookies, Some(0));
            response.headers_mut().append(header::SET_COOKIE, gone);
            Ok(response)
        }
        Login::Wrong => refused(StatusCode::UNAUTHORIZED, "用户名或密码错误。"),
        Login::Disabled => {
            log::warn!("disabled staff account {username} tried to log in");
            refused(StatusCode::FORBIDDEN, "此账号已停用，无法登录。如有疑问请联系管理员。")
        }
        Login::Locked { minutes } => {
            log::warn!("console login refused: too many failures for this username or address");
            let m = format!("登录失败次数过多，已暂时锁定，请 {minutes} 分钟后再试。");
            let mut response = login_response(&state, StatusCode::TOO_MANY_REQUESTS, &next, &username, Some(&m));
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(minutes as u64 * 60));
            Ok(response)
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

/// `POST /console/logout`: ends the session in the store and deletes the cookie.
pub async fn logout(
    State(state): State<Arc<AppState>>,
    Clerk(staff): Clerk,
    headers: HeaderMap,
    WebForm(form): WebForm<CsrfOnly>,
) -> Result<Response, WebError> {
    check_csrf(&staff, &form.csrf)?;
    if let Some(c) = cookie(&headers, SESSION_COOKIE).map(str::to_string) {
        run(&state, move |s| s.end_session(&c)).await?;
    }
    log::info!("staff {} logged out of the console", staff.username);
    let mut response = see_other("/console/login");
    let gone = set_cookie(SESSION_COOKIE, "", "/", state.console.secure_cookies, Some(0));
    response.headers_mut().append(header::SET_COOKIE, gone);
    Ok(response.into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found_by_name_among_others() {
        let mut h = HeaderMap::new();
        h.append(header::COOKIE, HeaderValue::from_static("a=1; kiosk_hub_session=abc ; b=2"));
        assert_eq!(cookie(&h, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie(&h, "kiosk_hub"), None);
        assert_eq!(cookie(&h, "b"), Some("2"));
    }

    #[test]
    fn the_session_cookie_is_http_only_strict_and_secure_over_https() {
        let c = set_cookie(SESSION_COOKIE, "x", "/", true, None);
        assert_eq!(c.to_str().unwrap(), "kiosk_hub_session=x; HttpOnly; SameSite=Strict; Path=/; Secure");
        let c = set_cookie(SESSION_COOKIE, "", "/", false, Some(0));
        assert_eq!(c.to_str().unwrap(), "kiosk_hub_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0");
    }

    #[test]
    fn after_login_only_console_paths_of_this_hub() {
        assert_eq!(safe_next(Some("/console/applications/3")), "/console/applications/3");
        for bad in ["https://evil.example/", "//evil.example/console", "/other", "/console\\..", ""] {
            assert_eq!(safe_next(Some(bad)), "/console", "{bad}");
        }
        assert_eq!(percent_encode("/console?status=ready&q=a b"), "/console%3Fstatus%3Dready%26q%3Da%20b");
    }
}
