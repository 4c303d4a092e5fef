//! The frame of every console page: `<head>`, the top bar with the navigation and the logout form,
//! and the HTML response with its headers. Pages are plain HTML and one stylesheet
//! (`/static/console.css`): no scripts, forms that work without JavaScript.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup, DOCTYPE};

use crate::store::console::StaffSession;

/// The stylesheet, served at [`CSS_PATH`].
pub const CSS: &str = include_str!("console.css");
pub const CSS_PATH: &str = "/static/console.css";

/// The top bar's links: (path, label, admins only). Pages of other parts of the console add theirs here.
pub const NAV: &[(&str, &str, bool)] = &[
    ("/console", "申请队列", false),
    ("/console/terminals", "终端状态", false),
    ("/console/stats", "满意度与办件量", false),
    ("/console/staff", "工作人员", true),
    ("/console/access-log", "访问记录", true),
    ("/console/catalog", "服务目录", true),
    ("/console/grid", "网格名录", true),
];

/// The hidden input that carries the session's CSRF token: put it in every form a logged-in page
/// posts (checked by [`super::auth::check_csrf`]).
pub fn csrf_input(staff: &StaffSession) -> Markup {
    html! { input type="hidden" name="csrf" value=(staff.csrf); }
}

/// A whole page: `title` in the tab and as the `<h1>`, the navigation and logout form for a
/// logged-in `staff` member (admins see the admin links), and `body`. `current` is the path whose
/// link is marked as the current page.
pub fn page(title: &str, staff: Option<&StaffSession>, body: Markup) -> Markup {
    page_at(title, staff, "", body)
}

/// [`page`] with the navigation link of `current` marked (`aria-current="page"`).
pub fn page_at(title: &str, staff: Option<&StaffSession>, current: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="zh-CN" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · 社区自助服务 后台" }
                link rel="stylesheet" href=(CSS_PATH);
            }
            body {
                header.top {
                    a.brand href="/console" { "社区自助服务 · 区级后台" }
                    @if let Some(staff) = staff {
                        nav aria-label="主导航" {
                            @for (path, label, admin_only) in NAV {
                                @if !admin_only || staff.is_admin() {
                                    @if *path == current {
                                        a href=(path) aria-current="page" { (label) }
                                    } @else {
                                        a href=(path) { (label) }
                                    }
                                }
                            }
                        }
                        div.who {
                            span { (staff.username) "（" (staff.role.label()) "）" }
                            form method="post" action="/console/logout" {
                                (csrf_input(staff))
                                button type="submit" { "退出登录" }
                            }
                        }
                    }
                }
                main {
                    h1 { (title) }
                    (body)
                }
            }
        }
    }
}

/// A notice above a page's content: an error (red) or a confirmation (green).
pub fn flash(error: bool, text: &str) -> Markup {
    html! {
        @if error {
            p.flash.error role="alert" { (text) }
        } @else {
            p.flash.ok role="status" { (text) }
        }
    }
}

/// An HTML response: `text/html; charset=utf-8`, not to be framed, styles and forms only from this
/// hub, no scripts at all.
pub fn html_response(status: StatusCode, markup: Markup) -> Response {
    let mut response = (status, markup.into_string()).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; \
             base-uri 'none'",
        ),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    response
}

/// `GET /static/console.css`.
pub async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/css; charset=utf-8")),
            (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600")),
        ],
        CSS,
    )
        .into_response()
}
