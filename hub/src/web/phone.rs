//! `/p/{token}`: the page a resident's phone opens from the QR on a pickup slip. No login: the token
//! is the only key, so the page shows what the slip already shows and no more: the item, the masked
//! name, the status in the kiosk's words ([`kiosk_contract::wording::progress`]), the promised date,
//! where to collect (from the published catalogue) and what to bring. Never an ID number, an address
//! or a full name. No JavaScript (the Content-Security-Policy forbids it), one inline style sheet,
//! large type; Chinese, English when the browser prefers English.
//!
//! Guessing: an address that asks for unknown tokens more than [`GUESSES_PER_MINUTE`] times a minute
//! gets 429 (with `Retry-After`) for every token until its budget refills, so that a hit cannot be
//! told from a miss while it guesses.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::extract::rejection::PathRejection;
use axum::extract::{ConnectInfo, Path, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use kiosk_contract::{validate, Status};
use maud::{html, Markup, PreEscaped, DOCTYPE};
use serde::Deserialize;

use crate::api::limit::{retry_after_secs, RateLimiter};
use crate::api::AppState;
use crate::store::PhoneView;

/// Unknown tokens one address may ask for per minute (in bursts of as many).
pub const GUESSES_PER_MINUTE: u32 = 10;

/// The page's state: the hub's, the guess budgets, the catalogue's places by item code.
pub struct Phone {
    app: Arc<AppState>,
    guesses: RateLimiter<IpAddr>,
    /// The latest catalogue's items, parsed once per version.
    items: Mutex<Option<(i64, Arc<ItemsByCode>)>>,
}

/// What the page needs of a catalogue item (the rest of the kiosk's format is ignored).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct Item {
    code: String,
    name_en: Option<String>,
    place: String,
    hours: String,
    phone: String,
    materials: Vec<Material>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct Material {
    name: String,
    required: bool,
}

type ItemsByCode = HashMap<String, Item>;

#[derive(Deserialize)]
struct Items {
    #[serde(default)]
    items: Vec<Item>,
}

pub fn router(state: Arc<AppState>) -> Router<Arc<AppState>> {
    let phone = Phone {
        app: state,
        guesses: RateLimiter::new(GUESSES_PER_MINUTE, GUESSES_PER_MINUTE),
        items: Mutex::new(None),
    };
    Router::new().route("/p/{token}", get(page)).with_state(Arc::new(phone))
}

/// The page's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

/// English when `Accept-Language` ranks an English tag above every Chinese one; Chinese otherwise.
pub fn language(headers: &HeaderMap) -> Lang {
    let (mut en, mut zh) = (0.0f32, 0.0f32);
    for value in headers.get_all(header::ACCEPT_LANGUAGE).iter().filter_map(|v| v.to_str().ok()) {
        for part in value.split(',') {
            let mut pieces = part.split(';');
            let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = pieces
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let primary = tag.split('-').next().unwrap_or("");
            match primary {
                "en" => en = en.max(q),
                "zh" => zh = zh.max(q),
                _ => {}
            }
        }
    }
    if en > zh && en > 0.0 {
        Lang::En
    } else {
        Lang::Zh
    }
}

async fn page(
    State(phone): State<Arc<Phone>>,
    token: Result<Path<String>, PathRejection>,
    request: Request,
) -> Response {
    let headers = request.headers();
    let lang = language(headers);
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    let now = Instant::now();
    if let Some(ip) = peer {
        if let Err(refused) = phone.guesses.check(&ip, now) {
            if refused.first {
                log::warn!("{ip} asked for too many unknown slip tokens: answering 429");
            }
            return too_many(lang, retry_after_secs(refused.wait));
        }
    }
    let miss = |phone: &Phone| {
        if let Some(ip) = peer {
            let _ = phone.guesses.take(&ip, now);
        }
        not_found(lang)
    };
    // A segment that is not even text (`%FF`) is a miss like any other.
    let Ok(Path(token)) = token else { return miss(&phone) };
    if !validate::is_slip_token(&token) {
        return miss(&phone);
    }
    let view = match phone.app.blocking(move |s| s.phone_view(&token)).await {
        Ok(Some(view)) => view,
        Ok(None) => return miss(&phone),
        Err(_) => return unavailable(lang),
    };
    let item = phone.item(&view.progress.item_code).await;
    html_response(StatusCode::OK, render(lang, &view, item.as_ref()))
}

impl Phone {
    /// The latest catalogue's entry for `code`, if there is one. The version is asked each time; the
    /// body is read and parsed again only when it changed. A catalogue that cannot be read leaves the
    /// page without place and materials.
    async fn item(&self, code: &str) -> Option<Item> {
        let version = self.app.blocking(|s| s.latest_catalog_version()).await.ok()??;
        let cached = self.items.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let items = match cached {
            Some((v, items)) if v == version => items,
            _ => {
                let (version, body) = self.app.blocking(|s| s.latest_catalog()).await.ok()??;
                let parsed: Items = serde_json::from_str(&body).ok()?;
                let items: Arc<ItemsByCode> = Arc::new(parsed.items.into_iter().map(|i| (i.code.clone(), i)).collect());
                *self.items.lock().unwrap_or_else(|e| e.into_inner()) = Some((version, items.clone()));
                items
            }
        };
        items.get(code).cloned()
    }
}

/// Every fixed text of the page, in the page's language.
fn t(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

/// The short name of a status on the timeline.
fn step(lang: Lang, status: Option<Status>) -> &'static str {
    match status {
        Some(Status::Accepted) => t(lang, "已受理", "Received"),
        Some(Status::Processing) => t(lang, "办理中", "In progress"),
        Some(Status::Ready) => t(lang, "可领取", "Ready to collect"),
        Some(Status::PickedUp) => t(lang, "已取件", "Collected"),
        Some(Status::Rejected) => t(lang, "未通过", "Not approved"),
        None => t(lang, "状态更新", "Update"),
    }
}

/// A stored RFC 3339 time as China Standard Time (UTC+8, no daylight saving), minutes only.
fn local_time(at: &str) -> String {
    let cst = chrono::FixedOffset::east_opt(8 * 3600).expect("a valid offset");
    chrono::DateTime::parse_from_rfc3339(at)
        .map(|t| t.with_timezone(&cst).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|_| at.to_string())
}

const CSS: &str = "body{margin:0;font:20px/1.5 system-ui,'Noto Sans SC','Microsoft YaHei',sans-serif;color:#111;\
background:#fff}main{max-width:34em;margin:0 auto;padding:.8em 1em 2em}h1{font-size:1.5em;margin:.3em 0}\
h2{font-size:1.2em;margin:1.2em 0 .3em}.item{font-size:1.25em;font-weight:bold;margin:.2em 0 .8em}\
.status{border:4px solid #0b4f8a;border-radius:.5em;padding:.5em .9em}.ready{border-color:#0a6b2d}\
.rejected{border-color:#a31515}.big{font-size:1.6em;font-weight:bold;margin:.1em 0}dl{margin:1em 0}\
dt{font-weight:bold;margin-top:.7em}dd{margin:0}ol,ul{padding-left:1.3em}li{margin:.3em 0}\
small,.note{color:#333;font-size:.9em}a{color:#0b4f8a}";

fn document(lang: Lang, title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(t(lang, "zh-CN", "en")) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="robots" content="noindex";
                title { (title) }
                style { (PreEscaped(CSS)) }
            }
            body { main { (body) } }
        }
    }
}

fn render(lang: Lang, view: &PhoneView, item: Option<&Item>) -> Markup {
    let p = &view.progress;
    let status = p.status.known();
    let (said, explained) =
        kiosk_contract::wording::progress(lang == Lang::En, Some(p.status.as_str()), p.current_note());
    let item_name = match (lang, item.and_then(|i| i.name_en.as_deref())) {
        (Lang::En, Some(en)) if !en.trim().is_empty() => en,
        _ => p.item_name.as_str(),
    };
    let class = match status {
        Some(Status::Ready | Status::PickedUp) => "status ready",
        Some(Status::Rejected) => "status rejected",
        _ => "status",
    };
    let materials: Vec<&str> =
        item.map(|i| i.materials.iter().filter(|m| m.required).map(|m| m.name.as_str()).collect()).unwrap_or_default();
    let body = html! {
        h1 { (t(lang, "办理进度", "Application progress")) }
        p class="item" { (item_name) }
        section class=(class) aria-live="polite" {
            p { small { (t(lang, "当前状态", "Status")) } }
            p class="big" { (said) }
            p { (explained) }
        }
        dl {
            dt { (t(lang, "申请人", "Applicant")) }
            dd { (view.masked_name) }
            dt { (t(lang, "受理编号", "Reference number")) }
            dd { (p.acceptance_no) }
            @if let Some(date) = &p.promised_date {
                dt { (t(lang, "承诺办结日期", "Promised by")) }
                dd { (date) }
            }
            @if let Some(item) = item.filter(|i| !i.place.trim().is_empty()) {
                dt { (t(lang, "领取地点", "Where to collect")) }
                dd { (item.place) }
                @if !item.hours.trim().is_empty() {
                    dt { (t(lang, "办理时间", "Opening hours")) }
                    dd { (item.hours) }
                }
            }
            dt { (t(lang, "领取时请带", "Please bring")) }
            dd { (t(lang, "本人身份证和受理回执（或回执上的取件码）", "Your ID card and the receipt (or the pickup code on it)")) }
            @if let Some(phone) = item.map(|i| i.phone.trim()).filter(|p| !p.is_empty()) {
                dt { (t(lang, "咨询电话", "Enquiries")) }
                dd { a href={ "tel:" (phone) } { (phone) } }
            }
        }
        @if !materials.is_empty() {
            h2 { (t(lang, "材料清单", "Materials")) }
            ul { @for m in &materials { li { (m) } } }
        }
        @if !p.timeline.is_empty() {
            h2 { (t(lang, "办理记录", "History")) }
            ol {
                @for e in &p.timeline {
                    li { (step(lang, e.status.known())) " · " (local_time(&e.at)) }
                }
            }
        }
        @if lang == Lang::En {
            p class="note" { "Place names and materials are given in Chinese." }
        }
        p class="note" { (t(lang, "本页不显示身份证号码和住址。", "This page never shows ID numbers or addresses.")) }
    };
    document(lang, t(lang, "办理进度", "Application progress"), body)
}

fn not_found(lang: Lang) -> Response {
    let body = html! {
        h1 { (t(lang, "没有找到办理记录", "No application found")) }
        p { (t(lang,
            "没有找到这张回执对应的办理记录。请确认扫描的是受理回执上的二维码；刚提交的申请可能还在上传，请过一会儿再看。",
            "We could not find an application for this receipt. Please check that you scanned the QR code on \
             your receipt; an application submitted just now may still be on its way, so please try again later.")) }
        p { (t(lang,
            "也可以带上回执，到社区服务中心的终端上扫码查询，或到办理窗口询问。",
            "You can also scan the receipt at the kiosk in your service centre, or ask at the service window.")) }
    };
    html_response(StatusCode::NOT_FOUND, document(lang, t(lang, "没有找到办理记录", "Not found"), body))
}

fn too_many(lang: Lang, secs: u64) -> Response {
    let body = html! {
        h1 { (t(lang, "查询太频繁", "Too many requests")) }
        p { @match lang {
            Lang::Zh => { "请 " (secs) " 秒后再试。" },
            Lang::En => { "Please try again in " (secs) " seconds." },
        } }
    };
    let mut response =
        html_response(StatusCode::TOO_MANY_REQUESTS, document(lang, t(lang, "查询太频繁", "Too many requests"), body));
    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
    response
}

fn unavailable(lang: Lang) -> Response {
    let body = html! {
        h1 { (t(lang, "暂时无法查询", "Temporarily unavailable")) }
        p { (t(lang, "系统暂时无法查询，请稍后再试。", "Progress cannot be checked right now. Please try again later.")) }
    };
    html_response(StatusCode::SERVICE_UNAVAILABLE, document(lang, t(lang, "暂时无法查询", "Unavailable"), body))
}

fn html_response(status: StatusCode, markup: Markup) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8")),
            // The token is in the URL: never sent on to another site.
            (header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")),
            (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; form-action 'none'"),
            ),
            (header::HeaderName::from_static("x-robots-tag"), HeaderValue::from_static("noindex")),
            (header::VARY, HeaderValue::from_static("accept-language")),
        ],
        markup.into_string(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT_LANGUAGE, HeaderValue::from_str(v).unwrap());
        h
    }

    #[test]
    fn english_only_when_preferred_over_chinese() {
        assert_eq!(language(&HeaderMap::new()), Lang::Zh);
        assert_eq!(language(&accept("en-US,en;q=0.9")), Lang::En);
        assert_eq!(language(&accept("zh-CN,zh;q=0.9,en;q=0.8")), Lang::Zh);
        assert_eq!(language(&accept("en;q=0.5, zh-Hans;q=0.8")), Lang::Zh);
        assert_eq!(language(&accept("fr-FR, en;q=0.3")), Lang::En);
        assert_eq!(language(&accept("fr-FR")), Lang::Zh);
        assert_eq!(language(&accept("en;q=0")), Lang::Zh);
    }

    #[test]
    fn times_are_shown_in_china_standard_time() {
        assert_eq!(local_time("2026-11-22T01:41:02.318Z"), "2026-11-22 09:41");
        assert_eq!(local_time("garbage"), "garbage");
    }
}
