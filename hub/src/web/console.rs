//! The console's pages for clerks: the application queue (`/console`) and an application's detail
//! (`/console/applications/{id}`, every view written to the access log) with its status change and
//! 取件 (hand-over) forms; for admins: staff accounts (`/console/staff`) and the access log
//! (`/console/access-log`). Handlers read the store, then hand plain data to render functions.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use kiosk_contract::CatalogHead;
use maud::{html, Markup};
use serde::Deserialize;

use super::auth::{check_csrf, percent_encode, Admin, Clerk};
use super::layout::{csrf_input, flash, html_response, page_at};
use super::{non_empty, run, run_raw, see_other, WebError, WebForm, WebQuery};
use crate::api::AppState;
use crate::model::{CardType, Grid, Kind, Status};
use crate::store::console::{
    is_username, kind_label, status_label, AccessEntry, AccessFilter, ApplicationDetail, QueueFilter, QueuePage, Role,
    Search, StaffAccount, StaffSession, MIN_PASSWORD_CHARS, PAGE_SIZE,
};
use crate::store::{StoreError, TerminalRecord};

type Shared = State<Arc<AppState>>;

// --- the queue -----------------------------------------------------------------------------------

/// The queue's query string; blank fields are no filter.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct QueueQuery {
    status: Option<String>,
    kind: Option<String>,
    item: Option<String>,
    terminal: Option<String>,
    grid: Option<String>,
    from: Option<String>,
    to: Option<String>,
    /// A value to find: acceptance number, pickup code or ID number suffix…
    q: Option<String>,
    /// …as which (`acceptance_no`, `pickup_code`, `id_suffix`; blank: guessed from its form).
    by: Option<String>,
    before: Option<i64>,
    after: Option<i64>,
}

impl QueueQuery {
    /// The filter, or why the query is not one (shown instead of the table, so that a typo never
    /// looks like "nothing found").
    fn filter(&self) -> Result<QueueFilter, String> {
        let date = |s: &Option<String>, what: &str| {
            non_empty(s)
                .map(|d| {
                    chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
                        .map_err(|_| format!("{what}「{d}」不是日期（应为 年-月-日，如 2026-11-22）。"))
                })
                .transpose()
        };
        let search = match non_empty(&self.q) {
            None => None,
            Some(q) => Some(match non_empty(&self.by) {
                None => Search::guess(q),
                Some("acceptance_no") => Search::AcceptanceNo(q.to_string()),
                Some("pickup_code") => Search::PickupCode(q.to_string()),
                Some("id_suffix") => {
                    if crate::store::crypto::parse_id_suffix(q).is_none() || q.chars().count() != 4 {
                        return Err(format!("「{q}」不是身份证号的后四位（数字，最后一位可以是 X）。"));
                    }
                    Search::IdSuffix(q.to_string())
                }
                Some(_) => return Err("查找方式不对。".into()),
            }),
        };
        Ok(QueueFilter {
            status: non_empty(&self.status).map(|s| Status::parse(s).ok_or("状态不对。")).transpose()?,
            kind: non_empty(&self.kind).map(|k| Kind::parse(k).ok_or("类型不对。")).transpose()?,
            item_code: non_empty(&self.item).map(str::to_string),
            terminal_id: non_empty(&self.terminal).map(str::to_string),
            grid: non_empty(&self.grid)
                .map(|g| serde_json::from_str::<Grid>(g).map_err(|_| "网格不对。".to_string()))
                .transpose()?,
            from: date(&self.from, "起始日期")?,
            to: date(&self.to, "截止日期")?,
            search,
            before: self.before,
            after: self.after,
        })
    }

    /// The query string of these filters with another page (`before`/`after`), for the pager's links.
    fn with_page(&self, before: Option<i64>, after: Option<i64>) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        for (name, value) in [
            ("status", &self.status),
            ("kind", &self.kind),
            ("item", &self.item),
            ("terminal", &self.terminal),
            ("grid", &self.grid),
            ("from", &self.from),
            ("to", &self.to),
            ("q", &self.q),
            ("by", &self.by),
        ] {
            if let Some(v) = non_empty(value) {
                pairs.push((name, v.to_string()));
            }
        }
        pairs.extend(before.map(|b| ("before", b.to_string())));
        pairs.extend(after.map(|a| ("after", a.to_string())));
        let query: Vec<String> = pairs.iter().map(|(n, v)| format!("{n}={}", percent_encode(v))).collect();
        format!("/console?{}", query.join("&"))
    }
}

/// What the queue's filter form offers.
struct Choices {
    items: Vec<(String, String)>,
    terminals: Vec<(String, Option<String>)>,
    grids: Vec<Grid>,
}

fn grid_label(g: &Grid) -> String {
    format!("{} {} {}", g.street, g.community, g.number)
}

fn selected(current: &Option<String>, value: &str) -> bool {
    non_empty(current) == Some(value)
}

fn filter_form(q: &QueueQuery, choices: &Choices) -> Markup {
    html! {
        form.filters method="get" action="/console" role="search" aria-label="筛选与查找" {
            div {
                label for="q" { "查找（受理编号、取件码或身份证后四位）" }
                input #q name="q" type="search" value=(q.q.as_deref().unwrap_or("")) autocomplete="off";
            }
            div {
                label for="by" { "查找方式" }
                select #by name="by" {
                    option value="" selected[non_empty(&q.by).is_none()] { "自动判断" }
                    option value="acceptance_no" selected[selected(&q.by, "acceptance_no")] { "受理编号" }
                    option value="pickup_code" selected[selected(&q.by, "pickup_code")] { "取件码" }
                    option value="id_suffix" selected[selected(&q.by, "id_suffix")] { "身份证后四位" }
                }
            }
            div {
                label for="status" { "状态" }
                select #status name="status" {
                    option value="" { "全部" }
                    @for s in Status::ALL {
                        option value=(s.as_str()) selected[selected(&q.status, s.as_str())] { (status_label(s)) }
                    }
                }
            }
            div {
                label for="kind" { "类型" }
                select #kind name="kind" {
                    option value="" { "全部" }
                    @for k in [Kind::Application, Kind::ProxyRequest] {
                        option value=(k.as_str()) selected[selected(&q.kind, k.as_str())] { (kind_label(k)) }
                    }
                }
            }
            div {
                label for="item" { "事项" }
                select #item name="item" {
                    option value="" { "全部" }
                    @for (code, name) in &choices.items {
                        option value=(code) selected[selected(&q.item, code)] { (name) "（" (code) "）" }
                    }
                }
            }
            div {
                label for="terminal" { "终端" }
                select #terminal name="terminal" {
                    option value="" { "全部" }
                    @for (id, name) in &choices.terminals {
                        option value=(id) selected[selected(&q.terminal, id)] {
                            (id) @if let Some(n) = name { " " (n) }
                        }
                    }
                }
            }
            @if !choices.grids.is_empty() {
                div {
                    label for="grid" { "网格（代办）" }
                    select #grid name="grid" {
                        option value="" { "全部" }
                        @for g in &choices.grids {
                            @let value = serde_json::to_string(g).unwrap_or_default();
                            option value=(value) selected[selected(&q.grid, &value)] { (grid_label(g)) }
                        }
                    }
                }
            }
            div {
                label for="from" { "提交日期 自" }
                input #from name="from" type="date" value=(q.from.as_deref().unwrap_or(""));
            }
            div {
                label for="to" { "至" }
                input #to name="to" type="date" value=(q.to.as_deref().unwrap_or(""));
            }
            div { button type="submit" { "筛选" } }
            div { a href="/console" { "清除条件" } }
        }
    }
}

fn status_badge(status: Status) -> Markup {
    html! { span class={ "status " (status.as_str()) } { (status_label(status)) } }
}

fn queue_table(q: &QueueQuery, result: &QueuePage) -> Markup {
    html! {
        p { "共 " strong { (result.total) } " 件" @if result.total > PAGE_SIZE as u64 { "，每页 " (PAGE_SIZE) " 件" } "。" }
        @if result.rows.is_empty() {
            p.muted { "没有符合条件的申请。" }
        } @else {
            table {
                caption.muted { "按受理时间从新到旧" }
                thead { tr {
                    th scope="col" { "受理编号" } th scope="col" { "类型" } th scope="col" { "事项" }
                    th scope="col" { "申请人" } th scope="col" { "终端" } th scope="col" { "提交时间" }
                    th scope="col" { "承诺日期" } th scope="col" { "状态" }
                } }
                tbody {
                    @for a in &result.rows {
                        tr {
                            td { a href={ "/console/applications/" (a.id) } { (a.acceptance_no) } }
                            td { (kind_label(a.kind)) }
                            td { (a.item_name) }
                            td { (a.applicant_name) }
                            td { (a.terminal_id) }
                            td { (short_time(&a.submitted_at)) }
                            td { (a.promised_date.as_deref().unwrap_or("—")) }
                            td { (status_badge(a.status)) }
                        }
                    }
                }
            }
        }
        nav.pager aria-label="翻页" {
            @if result.newer {
                a href=(q.with_page(None, result.rows.first().map(|a| a.id))) { "← 较新的" }
                a href=(q.with_page(None, None)) { "最新一页" }
            }
            @if result.older {
                a href=(q.with_page(result.rows.last().map(|a| a.id), None)) { "较早的 →" }
            }
        }
    }
}

/// `2026-11-22T09:41:00+08:00` → `2026-11-22 09:41`.
fn short_time(t: &str) -> String {
    match (t.get(..10), t.get(11..16)) {
        (Some(d), Some(hm)) => format!("{d} {hm}"),
        _ => t.to_string(),
    }
}

/// `GET /console`: the queue.
pub async fn queue(
    State(state): Shared,
    Clerk(staff): Clerk,
    WebQuery(q): WebQuery<QueueQuery>,
) -> Result<Response, WebError> {
    let filter = q.filter();
    let (result, choices) = run(&state, move |s| {
        // The page, or why the query is not one (shown instead of the table).
        let result = match filter {
            Ok(f) => match s.queue(&f) {
                Ok(page) => Ok(page),
                Err(StoreError::InvalidIdSuffix(_)) => Err("身份证后四位应为 4 位数字，最后一位可以是 X。".to_string()),
                Err(e) => return Err(e),
            },
            Err(problem) => Err(problem),
        };
        let items = s
            .latest_catalog()?
            .and_then(|(_, body)| serde_json::from_str::<CatalogHead>(&body).ok())
            .map(|c| c.items.into_iter().map(|i| (i.code, i.name)).collect())
            .unwrap_or_default();
        let terminals = s.list_terminals()?.into_iter().map(|t: TerminalRecord| (t.id, t.name)).collect();
        Ok((result, Choices { items, terminals, grids: s.grids()? }))
    })
    .await?;
    let body = html! {
        (filter_form(&q, &choices))
        @match &result {
            Ok(page) => (queue_table(&q, page)),
            Err(problem) => (flash(true, problem)),
        }
    };
    Ok(html_response(StatusCode::OK, page_at("申请队列", Some(&staff), "/console", body)))
}

// --- one application -----------------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
pub struct DetailQuery {
    /// What the last form did (a fixed code: no text from the request is shown).
    done: Option<String>,
    error: Option<String>,
}

fn done_message(code: &str) -> Option<&'static str> {
    Some(match code {
        "processing" => "已改为：办理中。",
        "ready" => "已改为：可取件。",
        "rejected" => "已改为：未通过。",
        "picked_up" => "已取件，交付人已记录。",
        _ => return None,
    })
}

fn error_message(code: &str) -> Option<&'static str> {
    Some(match code {
        "wrong_code" => "取件码不对，未交付。请核对居民出示的回执或短信上的取件码。",
        "no_code" => "请输入或扫描取件码。",
        "not_ready" => "这件申请还不能取件（只有“可取件”的申请可以交付）。",
        "transition" => "不能改为这个状态（状态只能按 已受理 → 办理中 → 可取件 → 已取件 的顺序改，或改为未通过）。",
        "reason" => "改为“未通过”必须填写原因（居民会看到）。",
        "conflict" => "这件申请刚被别人改过，未作修改：请看当前状态后再试。",
        _ => return None,
    })
}

fn card_label(c: CardType) -> &'static str {
    match c {
        CardType::Resident => "居民身份证",
        CardType::Foreign => "外国人永久居留身份证",
        CardType::HkMoTw => "港澳台居民居住证",
    }
}

/// The kiosk's form keys in the console's words (others are shown as they are).
fn form_label(key: &str) -> &str {
    match key {
        "phone" => "联系电话",
        "time" => "方便联系的时间",
        "matter" => "代办事项",
        "grid_street" => "街道",
        "grid_community" => "社区",
        "grid_number" => "网格",
        "worker_name" => "网格员",
        "worker_phone" => "网格员电话",
        "note" => "备注",
        other => other,
    }
}

fn actor_label(actor: &Option<String>) -> &str {
    actor.as_deref().unwrap_or("终端或命令行")
}

fn detail_page(d: &ApplicationDetail, staff: &StaffSession, notice: Markup) -> Markup {
    let a = &d.summary;
    let next: Vec<Status> =
        Status::ALL.into_iter().filter(|n| a.status.can_become(*n) && *n != Status::PickedUp).collect();
    html! {
        (notice)
        p {
            a href="/console" { "← 返回申请队列" }
            @if staff.is_admin() { " · " a href={ "/console/access-log?application=" (a.id) } { "此申请的访问记录" } }
        }
        div.columns {
            section aria-labelledby="h-app" {
                h2 #h-app { "申请" }
                dl.facts {
                    dt { "受理编号" } dd { (a.acceptance_no) }
                    dt { "状态" } dd { (status_badge(a.status)) }
                    dt { "类型" } dd { (kind_label(a.kind)) }
                    dt { "事项" } dd { (a.item_name) "（" (a.item_code) "）" }
                    dt { "终端" } dd { (a.terminal_id) }
                    dt { "提交时间" } dd { (short_time(&a.submitted_at)) }
                    dt { "承诺日期" } dd { (a.promised_date.as_deref().unwrap_or("—")) }
                    @if let Some(g) = &d.grid {
                        dt { "网格" } dd { (grid_label(g)) }
                    }
                    @if let Some(worker) = d.form.get("worker_name") {
                        dt { "网格员" }
                        dd { (worker) @if let Some(phone) = d.form.get("worker_phone") { " · 电话 " (phone) } }
                    }
                    @if let Some(n) = &d.note {
                        dt { "备注" } dd { (n) }
                    }
                    @if let Some(by) = &d.handed_over_by {
                        dt { "交付人" } dd { (by) " · " (short_time(d.handed_over_at.as_deref().unwrap_or(""))) }
                    }
                }
            }
            section aria-labelledby="h-applicant" {
                h2 #h-applicant { "申请人" }
                @match &d.applicant {
                    Some(p) => {
                        p.muted { "您的查看已记入访问记录。" }
                        dl.facts {
                            dt { "姓名" } dd { (p.name) }
                            dt { "证件" } dd { (p.card_type.known().map_or("证件", card_label)) }
                            dt { "证件号码" } dd { (p.id_number) }
                            dt { "性别" } dd { (p.gender) }
                            dt { "出生日期" } dd { (p.birth_date) }
                            dt { "住址" } dd { (if p.address.is_empty() { "—" } else { &p.address }) }
                        }
                    }
                    None => { p.muted { "个人信息已按保存期限清除。" } }
                }
            }
        }
        @if !d.form.is_empty() {
            h2 { "表单" }
            table { tbody {
                @for (k, v) in &d.form { tr { th scope="row" { (form_label(k)) } td { (v) } } }
            } }
        }
        h2 { "办理经过" }
        table {
            thead { tr { th scope="col" { "时间" } th scope="col" { "状态" } th scope="col" { "经办人" } th scope="col" { "说明" } } }
            tbody {
                @for e in &d.timeline {
                    tr {
                        td { (short_time(&e.at)) }
                        td { (status_label(e.status)) }
                        td { (actor_label(&e.actor)) }
                        td { (e.note.as_deref().unwrap_or("")) }
                    }
                }
            }
        }
        h2 { "评价" }
        @match &d.rating {
            Some(r) => p { (r.score) " / 5 分" @if !r.reasons.is_empty() { "：" (r.reasons.join("、")) } " · " (short_time(&r.rated_at)) },
            None => p.muted { "尚未评价。" },
        }
        @if !next.is_empty() {
            h2 { "更改状态" }
            form.stack method="post" action={ "/console/applications/" (a.id) "/status" } {
                (csrf_input(staff))
                div {
                    label for="status" { "改为" }
                    select #status name="status" required {
                        @for n in &next { option value=(n.as_str()) { (status_label(*n)) } }
                    }
                }
                div {
                    label for="note" { "说明（改为“未通过”时必填，居民会看到）" }
                    textarea #note name="note" rows="2" maxlength="500" {}
                }
                div { button type="submit" { "确认更改" } }
            }
        }
        @if a.status == Status::Ready {
            h2 { "取件" }
            form.stack method="post" action={ "/console/applications/" (a.id) "/handover" } {
                (csrf_input(staff))
                div {
                    label for="pickup_code" { "取件码（输入或扫描回执上的取件码）" }
                    input #pickup_code name="pickup_code" type="text" inputmode="numeric" autocomplete="off"
                        required maxlength="32";
                }
                div { button type="submit" { "核对并交付" } }
            }
        }
    }
}

/// `GET /console/applications/{id}`: the application in full; the view is written to the access log.
pub async fn detail(
    State(state): Shared,
    Clerk(staff): Clerk,
    Path(id): Path<String>,
    WebQuery(q): WebQuery<DetailQuery>,
) -> Result<Response, WebError> {
    let id: i64 = id.parse().map_err(|_| WebError::not_found())?;
    let viewer = staff.clone();
    let Some(d) = run(&state, move |s| s.view_application(id, &viewer)).await? else {
        return Err(WebError::not_found());
    };
    log::info!("staff {} viewed application {id}", staff.username);
    let notice = html! {
        @if let Some(m) = q.done.as_deref().and_then(done_message) { (flash(false, m)) }
        @if let Some(m) = q.error.as_deref().and_then(error_message) { (flash(true, m)) }
    };
    let title = format!("申请 {}", d.summary.acceptance_no);
    Ok(html_response(StatusCode::OK, page_at(&title, Some(&staff), "", detail_page(&d, &staff, notice))))
}

#[derive(Debug, Deserialize)]
pub struct StatusForm {
    #[serde(default)]
    csrf: String,
    status: String,
    #[serde(default)]
    note: Option<String>,
}

fn back(id: i64, outcome: &str) -> Response {
    see_other(&format!("/console/applications/{id}?{outcome}"))
}

/// `POST /console/applications/{id}/status`.
pub async fn change_status(
    State(state): Shared,
    Clerk(staff): Clerk,
    Path(id): Path<i64>,
    WebForm(form): WebForm<StatusForm>,
) -> Result<Response, WebError> {
    check_csrf(&staff, &form.csrf)?;
    let Some(next) = Status::parse(&form.status).filter(|s| *s != Status::PickedUp) else {
        return Ok(back(id, "error=transition"));
    };
    let note = non_empty(&form.note).map(str::to_string);
    if next == Status::Rejected && note.is_none() {
        return Ok(back(id, "error=reason"));
    }
    let actor = staff.username.clone();
    match run_raw(&state, move |s| s.set_status_as(id, next, note.as_deref(), &actor)).await? {
        Ok(_) => {
            log::info!("staff {} set application {id} to {}", staff.username, next.as_str());
            Ok(back(id, &format!("done={}", next.as_str())))
        }
        Err(StoreError::BadTransition { .. }) => Ok(back(id, "error=transition")),
        Err(StoreError::StatusConflict { .. }) => Ok(back(id, "error=conflict")),
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Deserialize)]
pub struct HandOverForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    pickup_code: String,
}

/// `POST /console/applications/{id}/handover`: 取件 by the pickup code.
pub async fn hand_over(
    State(state): Shared,
    Clerk(staff): Clerk,
    Path(id): Path<i64>,
    WebForm(form): WebForm<HandOverForm>,
) -> Result<Response, WebError> {
    check_csrf(&staff, &form.csrf)?;
    let code = form.pickup_code.trim().to_string();
    if code.is_empty() {
        return Ok(back(id, "error=no_code"));
    }
    let actor = staff.username.clone();
    match run_raw(&state, move |s| s.hand_over(id, &code, &actor)).await? {
        Ok(_) => {
            log::info!("staff {} handed over application {id}", staff.username);
            Ok(back(id, "done=picked_up"))
        }
        Err(StoreError::WrongPickupCode) => {
            log::warn!("staff {}: wrong pickup code for application {id}", staff.username);
            Ok(back(id, "error=wrong_code"))
        }
        Err(StoreError::BadTransition { .. }) => Ok(back(id, "error=not_ready")),
        Err(StoreError::StatusConflict { .. }) => Ok(back(id, "error=conflict")),
        Err(e) => Err(e.into()),
    }
}

// --- admin: staff accounts -----------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
pub struct StaffQuery {
    done: Option<String>,
    error: Option<String>,
}

fn staff_message(code: &str) -> Option<(bool, String)> {
    let (error, text) = match code {
        "added" => (false, "已添加账号。"),
        "disabled" => (false, "已停用账号，其登录已全部失效。"),
        "password_set" => (false, "已设置新密码，该账号的登录已全部失效。"),
        "exists" => (true, "这个用户名已经有了。"),
        "username" => (true, "用户名应为 1–32 个字母、数字、点、下划线或连字符。"),
        "password" => return Some((true, format!("密码至少 {MIN_PASSWORD_CHARS} 个字符，两次输入须一致。"))),
        "role" => (true, "角色不对。"),
        "self" => (true, "不能停用自己正在使用的账号。"),
        "unknown" => (true, "没有这个账号。"),
        _ => return None,
    };
    Some((error, text.to_string()))
}

fn staff_page_body(staff: &StaffSession, accounts: &[StaffAccount], notice: Option<(bool, &str)>) -> Markup {
    html! {
        @if let Some((error, m)) = notice { (flash(error, m)) }
        table {
            thead { tr {
                th scope="col" { "用户名" } th scope="col" { "角色" } th scope="col" { "创建时间" }
                th scope="col" { "状态" } th scope="col" { "操作" }
            } }
            tbody {
                @for a in accounts {
                    tr {
                        td { (a.username) }
                        td { (a.role.label()) }
                        td { (short_time(&a.created_at)) }
                        td { @match &a.disabled_at { Some(t) => { "已停用 " (short_time(t)) }, None => "在用" } }
                        td {
                            @if a.disabled_at.is_none() && a.username != staff.username {
                                form method="post" action="/console/staff/disable" {
                                    (csrf_input(staff))
                                    input type="hidden" name="username" value=(a.username);
                                    button.danger type="submit" aria-label={ "停用 " (a.username) } { "停用" }
                                }
                            }
                        }
                    }
                }
            }
        }
        h2 { "重设密码" }
        form.stack method="post" action="/console/staff/password" {
            (csrf_input(staff))
            div {
                label for="reset-username" { "账号" }
                select #reset-username name="username" {
                    @for a in accounts { option value=(a.username) { (a.username) } }
                }
            }
            div {
                label for="reset-password" { "新密码（至少 " (MIN_PASSWORD_CHARS) " 个字符）" }
                input #reset-password name="password" type="password" required autocomplete="new-password";
            }
            div {
                label for="reset-password2" { "再输入一次" }
                input #reset-password2 name="password2" type="password" required autocomplete="new-password";
            }
            div { button type="submit" { "设置新密码" } }
        }
        h2 { "添加账号" }
        form.stack method="post" action="/console/staff" {
            (csrf_input(staff))
            div {
                label for="new-username" { "用户名" }
                input #new-username name="username" type="text" required maxlength="32" autocomplete="off";
            }
            div {
                label for="new-role" { "角色" }
                select #new-role name="role" {
                    option value="clerk" { (Role::Clerk.label()) }
                    option value="admin" { (Role::Admin.label()) }
                }
            }
            div {
                label for="new-password" { "初始密码（至少 " (MIN_PASSWORD_CHARS) " 个字符）" }
                input #new-password name="password" type="password" required autocomplete="new-password";
            }
            div {
                label for="new-password2" { "再输入一次" }
                input #new-password2 name="password2" type="password" required autocomplete="new-password";
            }
            div { button type="submit" { "添加" } }
        }
    }
}

/// `GET /console/staff` (admins).
pub async fn staff_page(
    State(state): Shared,
    Admin(staff): Admin,
    WebQuery(q): WebQuery<StaffQuery>,
) -> Result<Response, WebError> {
    let accounts = run(&state, |s| s.list_staff()).await?;
    let notice = q.done.as_deref().or(q.error.as_deref()).and_then(staff_message);
    let body = staff_page_body(&staff, &accounts, notice.as_ref().map(|(e, m)| (*e, m.as_str())));
    Ok(html_response(StatusCode::OK, page_at("工作人员", Some(&staff), "/console/staff", body)))
}

#[derive(Debug, Deserialize)]
pub struct AddStaffForm {
    #[serde(default)]
    csrf: String,
    username: String,
    role: String,
    password: String,
    password2: String,
}

/// `POST /console/staff` (admins): adds an account.
pub async fn add_staff(
    State(state): Shared,
    Admin(staff): Admin,
    WebForm(form): WebForm<AddStaffForm>,
) -> Result<Response, WebError> {
    check_csrf(&staff, &form.csrf)?;
    let username = form.username.trim().to_string();
    if !is_username(&username) {
        return Ok(see_other("/console/staff?error=username"));
    }
    let Some(role) = Role::parse(&form.role) else { return Ok(see_other("/console/staff?error=role")) };
    if form.password != form.password2 {
        return Ok(see_other("/console/staff?error=password"));
    }
    let name = username.clone();
    match run_raw(&state, move |s| s.add_staff(&name, role, &form.password)).await? {
        Ok(_) => {
            log::info!("staff {} added staff account {username} ({})", staff.username, role.as_str());
            Ok(see_other("/console/staff?done=added"))
        }
        Err(StoreError::StaffExists(_)) => Ok(see_other("/console/staff?error=exists")),
        Err(StoreError::PasswordTooShort { .. }) => Ok(see_other("/console/staff?error=password")),
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Deserialize)]
pub struct DisableStaffForm {
    #[serde(default)]
    csrf: String,
    username: String,
}

/// `POST /console/staff/disable` (admins): disables an account and ends its sessions.
pub async fn disable_staff(
    State(state): Shared,
    Admin(staff): Admin,
    WebForm(form): WebForm<DisableStaffForm>,
) -> Result<Response, WebError> {
    check_csrf(&staff, &form.csrf)?;
    if form.username == staff.username {
        return Ok(see_other("/console/staff?error=self"));
    }
    let name = form.username.clone();
    match run_raw(&state, move |s| s.disable_staff(&name)).await? {
        Ok(()) => {
            log::info!("staff {} disabled staff account {}", staff.username, form.username);
            Ok(see_other("/console/staff?done=disabled"))
        }
        Err(StoreError::NotFound(_)) => Ok(see_other("/console/staff?error=unknown")),
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    csrf: String,
    username: String,
    password: String,
    password2: String,
}

/// `POST /console/staff/password` (admins): a new password for an account; its sessions end.
pub async fn set_password(
    State(state): Shared,
    Admin(staff): Admin,
    WebForm(form): WebForm<PasswordForm>,
) -> Result<Response, WebError> {
    check_csrf(&staff, &form.csrf)?;
    if form.password != form.password2 {
        return Ok(see_other("/console/staff?error=password"));
    }
    let name = form.username.clone();
    match run_raw(&state, move |s| s.set_password(&name, &form.password)).await? {
        Ok(()) => {
            log::info!("staff {} set a new password for staff account {}", staff.username, form.username);
            // Their own sessions end too: an admin who resets their own password logs in again.
            Ok(see_other("/console/staff?done=password_set"))
        }
        Err(StoreError::NotFound(_)) => Ok(see_other("/console/staff?error=unknown")),
        Err(StoreError::PasswordTooShort { .. }) => Ok(see_other("/console/staff?error=password")),
        Err(e) => Err(e.into()),
    }
}

// --- admin: the access log -----------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
pub struct AccessQuery {
    before: Option<i64>,
    application: Option<i64>,
    staff: Option<String>,
}

/// The access log's next page with the same filters.
fn access_page(q: &AccessQuery, before: i64) -> String {
    let mut link = format!("/console/access-log?before={before}");
    if let Some(a) = q.application {
        link.push_str(&format!("&application={a}"));
    }
    if let Some(s) = non_empty(&q.staff) {
        link.push_str(&format!("&staff={}", percent_encode(s)));
    }
    link
}

fn access_body(q: &AccessQuery, entries: &[AccessEntry], full_page: bool) -> Markup {
    html! {
        p.muted { "每次工作人员打开申请详情（可见申请人姓名、证件号码和住址）都记录在此，从新到旧。" }
        form.filters method="get" action="/console/access-log" {
            div {
                label for="staff" { "工作人员（用户名）" }
                input #staff name="staff" type="text" value=(q.staff.as_deref().unwrap_or(""));
            }
            div {
                label for="application" { "申请（编号）" }
                input #application name="application" type="number" min="1"
                    value=(q.application.map(|a| a.to_string()).unwrap_or_default());
            }
            div { button type="submit" { "筛选" } }
            div { a href="/console/access-log" { "清除条件" } }
        }
        @if entries.is_empty() {
            p.muted { "暂无记录。" }
        } @else {
            table {
                thead { tr { th scope="col" { "时间" } th scope="col" { "工作人员" } th scope="col" { "申请" } } }
                tbody {
                    @for e in entries {
                        tr {
                            td { (short_time(&e.at)) }
                            td { a href={ "/console/access-log?staff=" (percent_encode(&e.username)) } { (e.username) } }
                            td { a href={ "/console/applications/" (e.application_id) } { (e.acceptance_no) } }
                        }
                    }
                }
            }
        }
        @if full_page {
            @if let Some(last) = entries.last() {
                nav.pager aria-label="翻页" { a href=(access_page(q, last.id)) { "较早的 →" } }
            }
        }
    }
}

/// `GET /console/access-log` (admins).
pub async fn access_log(
    State(state): Shared,
    Admin(staff): Admin,
    WebQuery(q): WebQuery<AccessQuery>,
) -> Result<Response, WebError> {
    let filter = AccessFilter {
        before: q.before,
        application_id: q.application,
        username: non_empty(&q.staff).map(str::to_string),
    };
    let entries = run(&state, move |s| s.access_log(&filter)).await?;
    let full = entries.len() == crate::store::console::ACCESS_PAGE_SIZE;
    let body = access_body(&q, &entries, full);
    Ok(html_response(StatusCode::OK, page_at("访问记录", Some(&staff), "/console/access-log", body)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Applicant;
    use crate::store::console::ConsoleEvent;
    use crate::store::ApplicationSummary;

    /// Every visible input, select and textarea of `html` has an id that a `<label for>` names.
    fn every_field_is_labelled(html: &str) {
        let mut fields = 0;
        for tag in ["<input", "<select", "<textarea"] {
            for (at, _) in html.match_indices(tag) {
                let end = html[at..].find('>').unwrap() + at;
                let element = &html[at..end];
                if element.contains("type=\"hidden\"") {
                    continue;
                }
                let id = element.split("id=\"").nth(1).and_then(|r| r.split('"').next());
                let id = id.unwrap_or_else(|| panic!("no id: {element}"));
                assert!(html.contains(&format!("<label for=\"{id}\">")), "no label for {id}");
                fields += 1;
            }
        }
        assert!(fields > 0);
    }

    fn staff() -> StaffSession {
        StaffSession { staff_id: 1, username: "wang.clerk".into(), role: Role::Admin, csrf: "c".repeat(64) }
    }

    #[test]
    fn every_form_field_has_a_label() {
        let choices = Choices {
            items: vec![("LL0001".into(), "老年人优待证".into())],
            terminals: vec![("SF-QST-01".into(), None)],
            grids: vec![Grid {
                street: "七星街道".into(), community: "七星社区".into(), number: "第3网格".into()
            }],
        };
        every_field_is_labelled(&filter_form(&QueueQuery::default(), &choices).into_string());
        every_field_is_labelled(&staff_page_body(&staff(), &[], None).into_string());
        let applicant: Applicant = serde_json::from_value(serde_json::json!({
            "name": "王秀兰", "id_number": "430102195303151027", "card_type": "resident", "gender": "女",
            "birth_date": "1953-03-15", "address": "幸福路8号"
        }))
        .unwrap();
        let summary = ApplicationSummary {
            id: 7,
            acceptance_no: "SF-QST-01-20261122-0007".into(),
            kind: Kind::Application,
            status: Status::Ready,
            terminal_id: "SF-QST-01".into(),
            idempotency_key: String::new(),
            item_code: "LL0001".into(),
            item_name: "老年人优待证".into(),
            applicant_name: "王秀兰".into(),
            submitted_at: "2026-11-22T09:41:00+08:00".into(),
            received_at: "2026-11-22T01:41:00.000Z".into(),
            promised_date: None,
        };
        let mut d = ApplicationDetail {
            summary,
            applicant: Some(applicant),
            form: Default::default(),
            grid: None,
            note: None,
            token: "t".into(),
            handed_over_by: None,
            handed_over_at: None,
            timeline: vec![ConsoleEvent {
                status: Status::Accepted,
                at: "2026-11-22T01:41:00.000Z".into(),
                note: None,
                actor: None,
            }],
            rating: None,
        };
        let html = detail_page(&d, &staff(), html! {}).into_string();
        every_field_is_labelled(&html);
        assert!(html.contains("取件码") && !html.contains("name=\"status\""), "ready: hand-over only");
        d.summary.status = Status::Processing;
        let html = detail_page(&d, &staff(), html! {}).into_string();
        every_field_is_labelled(&html);
        assert!(
            html.contains("<option value=\"ready\">可取件</option><option value=\"rejected\">未通过</option>"),
            "{html}"
        );
    }
}
