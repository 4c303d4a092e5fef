//! The terminals board (`/console/terminals`): every terminal with its centre, its last heartbeat and
//! what is wrong with it (paper out, cover open, printer offline, reader silent, outbox backlog,
//! offline since …), the worst first. Admins revoke a terminal's token and create one-time enrolment
//! codes here (the code is shown once, in the answer to the form, never in a URL or the log).

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use maud::{html, Markup};
use serde::Deserialize;

use super::auth::{check_csrf, percent_encode, Admin, Clerk};
use super::layout::{csrf_input, flash, html_response, page_at};
use super::{run, run_raw, see_other, WebError, WebForm, WebQuery};
use crate::api::AppState;
use crate::store::console::StaffSession;
use crate::store::{BoardEntry, EnrolmentCode, StoreError, OFFLINE_AFTER};

type Shared = State<Arc<AppState>>;

/// The board's path.
pub const PATH: &str = "/console/terminals";

/// A problem label of the board in words (the heartbeat's `outbox_backlog` with its depth).
pub fn problem_text(problem: &str, entry: &BoardEntry) -> String {
    let beat = entry.terminal.last_heartbeat.as_ref().map(|b| &b.heartbeat);
    match problem {
        "offline" => match &entry.offline_since {
            Some(since) => format!("离线（{} 起无心跳）", local_time(since)),
            None => "离线".into(),
        },
        "never_seen" => "从未上线（尚无心跳）".into(),
        "paper_out" => "打印机缺纸".into(),
        "paper_near_end" => "打印纸将用完".into(),
        "cover_open" => "打印机盖未关".into(),
        "printer_offline" => "打印机离线".into(),
        "printer_error" => "打印机故障".into(),
        "reader_no_answer" => "读卡器无响应".into(),
        "reader_port_missing" => "读卡器未连接".into(),
        "outbox_backlog" => format!("待上传 {} 件", beat.map_or(0, |b| b.outbox_depth)),
        other => other.to_string(),
    }
}

/// An RFC 3339 time as the hub's local `YYYY-MM-DD HH:MM:SS` (the text itself if it is not one).
pub fn local_time(rfc3339: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(rfc3339).map_or_else(
        |_| rfc3339.to_string(),
        |t| t.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M:%S").to_string(),
    )
}

/// What the board's query string may carry after a form: `done=revoked&id=…`, `error=…`.
#[derive(Debug, Default, Deserialize)]
pub struct BoardQuery {
    done: Option<String>,
    error: Option<String>,
    id: Option<String>,
}

fn notice(q: &BoardQuery) -> Option<(bool, String)> {
    let id = q.id.as_deref().unwrap_or("");
    match (q.done.as_deref(), q.error.as_deref()) {
        (Some("revoked"), _) => Some((false, format!("终端 {id} 的令牌已撤销，它不能再提交或同步。"))),
        (_, Some("not_found")) => Some((true, format!("没有终端 {id}。"))),
        (_, Some("terminal_id")) => Some((true, "终端编号格式不对（如 SF-QST-01）。".into())),
        (_, Some("revoked")) => Some((true, format!("终端 {id} 已撤销，不能再为它生成配置码。"))),
        (_, Some("expires_in")) => Some((true, "有效期格式不对：如 30m、24h、7d，最长 30d。".into())),
        _ => None,
    }
}

/// `GET /console/terminals`: the board, for every logged-in staff member (the forms for admins).
pub async fn board_page(
    State(state): Shared,
    Clerk(staff): Clerk,
    WebQuery(q): WebQuery<BoardQuery>,
) -> Result<Response, WebError> {
    let board = run(&state, |s| s.terminal_board(chrono::Utc::now(), OFFLINE_AFTER)).await?;
    Ok(render(&staff, &board, notice(&q), None))
}

fn render(
    staff: &StaffSession,
    board: &[BoardEntry],
    notice: Option<(bool, String)>,
    code: Option<&EnrolmentCode>,
) -> Response {
    let body = board_body(staff, board, notice, code);
    html_response(StatusCode::OK, page_at("终端状态", Some(staff), PATH, body))
}

/// The board's content: a summary line, the table (worst first) and, for admins, the forms.
pub fn board_body(
    staff: &StaffSession,
    board: &[BoardEntry],
    notice: Option<(bool, String)>,
    code: Option<&EnrolmentCode>,
) -> Markup {
    let active: Vec<&BoardEntry> = board.iter().filter(|e| e.terminal.revoked_at.is_none()).collect();
    let troubled = active.iter().filter(|e| !e.problems.is_empty()).count();
    let offline = active.iter().filter(|e| e.problems.contains(&"offline")).count();
    html! {
        @if let Some((error, text)) = &notice {
            (flash(*error, text))
        }
        @if let Some(code) = code {
            div.flash.ok role="status" {
                p { "终端 " (code.terminal_id) " 的一次性配置码（只显示这一次）：" }
                p { strong.code { (code.code) } }
                p { "有效期至 " (local_time(&code.expires_at)) "。在终端的「重新配置终端」中输入，或运行 "
                    code { "kiosk enrol --hub <枢纽地址> --code <配置码>" } "。" }
            }
        }
        p.summary {
            "共 " (active.len()) " 台终端在用，" (troubled) " 台有问题，其中 " (offline) " 台离线。"
            span.muted { "超过 " (OFFLINE_AFTER.num_minutes()) " 分钟没有心跳即视为离线。" }
        }
        table {
            caption.muted { "问题最严重的排在最前。" }
            thead {
                tr {
                    th scope="col" { "终端" }
                    th scope="col" { "名称（服务中心）" }
                    th scope="col" { "最后心跳" }
                    th scope="col" { "问题" }
                    th scope="col" { "版本" }
                    @if staff.is_admin() { th scope="col" { "操作" } }
                }
            }
            tbody {
                @for entry in board {
                    @let t = &entry.terminal;
                    tr.revoked[t.revoked_at.is_some()] .trouble[!entry.problems.is_empty()] {
                        td { (t.id) }
                        td { (t.name.as_deref().unwrap_or("—")) }
                        td { @match &t.last_heartbeat {
                            Some(beat) => (local_time(&beat.received_at)),
                            None => "—",
                        } }
                        td {
                            @if let Some(at) = &t.revoked_at {
                                span.status.rejected { "已撤销（" (local_time(at)) "）" }
                            } @else if entry.problems.is_empty() {
                                span.status.ready { "正常" }
                            } @else {
                                ul.problems {
                                    @for p in &entry.problems {
                                        li { (problem_text(p, entry)) }
                                    }
                                }
                            }
                        }
                        td { @match &t.last_heartbeat {
                            Some(beat) => (beat.heartbeat.app_version),
                            None => "—",
                        } }
                        @if staff.is_admin() {
                            td {
                                @if t.revoked_at.is_none() {
                                    a href=(format!("{REVOKE_PATH}?id={}", percent_encode(&t.id)))
                                        aria-label=(format!("撤销终端 {}", t.id)) { "撤销" }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if board.is_empty() {
            p.muted { "还没有终端。用下面的配置码让新终端接入，或运行 kiosk-hub terminals add。" }
        }
        @if staff.is_admin() {
            h2 { "生成一次性配置码" }
            p.muted { "新终端或更换的终端用配置码接入本枢纽，无需 U 盘。已登记的终端会得到新令牌，旧令牌随即失效。" }
            form.stack method="post" action="/console/terminals/enrolment" {
                (csrf_input(staff))
                div {
                    label for="enrol-terminal" { "终端编号" }
                    input #enrol-terminal name="terminal_id" required autocomplete="off" placeholder="SF-QST-01";
                }
                div {
                    label for="enrol-expires" { "有效期" }
                    input #enrol-expires name="expires_in" value="24h" required autocomplete="off";
                }
                div { button type="submit" { "生成配置码" } }
            }
        }
    }
}

/// The revoke confirmation's path (GET: the question; POST: the revocation).
pub const REVOKE_PATH: &str = "/console/terminals/revoke";

#[derive(Debug, Deserialize)]
pub struct RevokeQuery {
    id: String,
}

/// `GET /console/terminals/revoke?id=…` (admins): asks before revoking (no script to confirm with).
pub async fn revoke_page(
    State(state): Shared,
    Admin(staff): Admin,
    WebQuery(q): WebQuery<RevokeQuery>,
) -> Result<Response, WebError> {
    let id = q.id.trim().to_string();
    let board = run(&state, |s| s.terminal_board(chrono::Utc::now(), OFFLINE_AFTER)).await?;
    let Some(entry) = board.into_iter().find(|e| e.terminal.id == id && e.terminal.revoked_at.is_none()) else {
        return Ok(see_other(&format!("{PATH}?error=not_found&id={}", percent_encode(&id))));
    };
    let body = revoke_body(&staff, &entry);
    Ok(html_response(StatusCode::OK, page_at("撤销终端", Some(&staff), PATH, body)))
}

/// The question before a revocation, with the terminal's name.
pub fn revoke_body(staff: &StaffSession, entry: &BoardEntry) -> Markup {
    let t = &entry.terminal;
    html! {
        p { "撤销终端 " strong { (t.id) } "（" (t.name.as_deref().unwrap_or("未命名")) "）的令牌？" }
        p.muted { "撤销后它不能再提交申请、同步或发送心跳；要让它重新接入，请为它生成配置码。" }
        form method="post" action=(REVOKE_PATH) {
            (csrf_input(staff))
            input type="hidden" name="terminal_id" value=(t.id);
            button.danger type="submit" { "确认撤销" }
            " "
            a href=(PATH) { "取消" }
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct TerminalForm {
    #[serde(default)]
    csrf: String,
    terminal_id: String,
}

/// `POST /console/terminals/revoke` (admins): revokes the terminal's token.
pub async fn revoke(
    State(state): Shared,
    Admin(staff): Admin,
    WebForm(form): WebForm<TerminalForm>,
) -> Result<Response, WebError> {
    check_csrf(&staff, &form.csrf)?;
    let id = form.terminal_id.trim().to_string();
    let query_id = percent_encode(&id);
    let target = id.clone();
    match run_raw(&state, move |s| s.revoke_terminal(&target)).await? {
        Ok(()) => {
            log::info!("staff {} revoked terminal {id}", staff.username);
            Ok(see_other(&format!("{PATH}?done=revoked&id={query_id}")))
        }
        Err(StoreError::NotFound(_)) => Ok(see_other(&format!("{PATH}?error=not_found&id={query_id}"))),
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Deserialize)]
pub struct EnrolmentForm {
    #[serde(default)]
    csrf: String,
    terminal_id: String,
    #[serde(default)]
    expires_in: String,
}

/// `POST /console/terminals/enrolment` (admins): creates a one-time enrolment code and shows it once
/// on the board (the answer to this form: never in a URL, never logged).
pub async fn create_enrolment(
    State(state): Shared,
    Admin(staff): Admin,
    WebForm(form): WebForm<EnrolmentForm>,
) -> Result<Response, WebError> {
    check_csrf(&staff, &form.csrf)?;
    let id = form.terminal_id.trim().to_string();
    let query_id = percent_encode(&id);
    let expires_in = if form.expires_in.trim().is_empty() { "24h" } else { form.expires_in.trim() };
    let Some(valid_for) = crate::cli::parse_validity(expires_in) else {
        return Ok(see_other(&format!("{PATH}?error=expires_in&id={query_id}")));
    };
    let (target, by) = (id.clone(), staff.username.clone());
    let code = match run_raw(&state, move |s| s.create_enrolment(&target, valid_for, Some(&by))).await? {
        Ok(code) => code,
        Err(StoreError::InvalidTerminalId(_)) => return Ok(see_other(&format!("{PATH}?error=terminal_id"))),
        Err(StoreError::TerminalRevoked(_)) => return Ok(see_other(&format!("{PATH}?error=revoked&id={query_id}"))),
        Err(e) => return Err(e.into()),
    };
    log::info!("staff {} created an enrolment code for terminal {id}", staff.username);
    let board = run(&state, |s| s.terminal_board(chrono::Utc::now(), OFFLINE_AFTER)).await?;
    let mut response = render(&staff, &board, None, Some(&code));
    // The code is in this page only: not kept by the browser's cache.
    response.headers_mut().insert(axum::http::header::CACHE_CONTROL, axum::http::HeaderValue::from_static("no-store"));
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::console::Role;
    use crate::store::{HeartbeatRecord, TerminalRecord};
    use kiosk_contract::{Heartbeat, Paper, PrinterHealth, ReaderHealth};

    fn staff(role: Role) -> StaffSession {
        StaffSession { staff_id: 1, username: "li".into(), role, csrf: "c".repeat(64) }
    }

    fn entry(
        id: &str,
        paper: Paper,
        depth: i64,
        problems: Vec<&'static str>,
        offline_since: Option<&str>,
    ) -> BoardEntry {
        let heartbeat = Heartbeat {
            app_version: "0.1.0".into(),
            catalog_version: None,
            outbox_depth: depth,
            reader: ReaderHealth::Ok,
            printer: PrinterHealth { online: true, paper, cover_open: false, error: false },
            last_error: None,
        };
        let problems_now = heartbeat.problems();
        BoardEntry {
            terminal: TerminalRecord {
                id: id.into(),
                name: Some("七星社区服务中心 1号机".into()),
                created_at: "2026-11-20T01:00:00.000Z".into(),
                revoked_at: None,
                last_heartbeat: Some(HeartbeatRecord {
                    received_at: "2026-11-22T01:41:00.000Z".into(),
                    heartbeat,
                    problems: problems_now,
                }),
            },
            severity: problems.iter().map(|p| crate::store::problem_weight(p)).sum(),
            problems,
            offline_since: offline_since.map(str::to_string),
        }
    }

    #[test]
    fn problems_are_named_in_chinese_with_the_backlog_and_since_when() {
        let e = entry(
            "SF-1",
            Paper::Out,
            3,
            vec!["offline", "paper_out", "outbox_backlog"],
            Some("2026-11-22T01:41:00.000Z"),
        );
        let html = board_body(&staff(Role::Clerk), &[e], None, None).into_string();
        assert!(html.contains("打印机缺纸") && html.contains("待上传 3 件"), "{html}");
        assert!(html.contains(&format!("离线（{} 起无心跳）", local_time("2026-11-22T01:41:00.000Z"))), "{html}");
        assert!(html.contains("共 1 台终端在用，1 台有问题，其中 1 台离线。"), "{html}");
    }

    #[test]
    fn clerks_see_the_board_without_the_admin_forms() {
        let e = entry("SF-1", Paper::Ok, 0, vec![], None);
        let clerk = board_body(&staff(Role::Clerk), std::slice::from_ref(&e), None, None).into_string();
        assert!(
            clerk.contains("正常") && !clerk.contains("/console/terminals/revoke") && !clerk.contains("生成配置码")
        );
        let admin = board_body(&staff(Role::Admin), &[e], None, None).into_string();
        assert!(admin.contains("/console/terminals/revoke") && admin.contains("生成配置码"));
        assert!(
            admin.contains(r#"<label for="enrol-terminal">终端编号</label>"#),
            "every input has its label: {admin}"
        );
        assert!(admin.contains(&format!(r#"name="csrf" value="{}""#, "c".repeat(64))), "forms carry the CSRF token");
    }
}
