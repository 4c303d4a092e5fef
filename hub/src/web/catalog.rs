//! What admins publish to the kiosks by uploading its JSON file: `/console/catalog` (the service
//! catalogue, as `kiosk-hub catalog publish FILE`) and `/console/grid` (the grid directory, 网格名录,
//! as `kiosk-hub grid publish FILE`). Each page shows the published version and its rows; an upload
//! gets the CLI's check ([`crate::cli::check_catalog`], [`crate::cli::check_grid`]) and its rule (the
//! version must be higher than the current).

use std::sync::Arc;

use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use kiosk_contract::grid::Directory;
use kiosk_contract::CatalogHead;
use maud::{html, Markup};
use serde::Deserialize;

use super::auth::{check_csrf, Admin};
use super::layout::{csrf_input, flash, html_response, page_at};
use super::{run, run_raw, see_other, WebError, WebQuery};
use crate::api::AppState;
use crate::store::console::StaffSession;
use crate::store::{Store, StoreError};

/// A published file as stored: its version and text.
type Stored = (i64, String);

/// One kind of published file and how its page reads and writes it.
struct Publication {
    path: &'static str,
    title: &'static str,
    /// The `id` of the file input (its label's `for`).
    input_id: &'static str,
    file_label: &'static str,
    /// What a row is, counted in the version line (个事项, 个网格).
    counted: &'static str,
    columns: [&'static str; 2],
    check: fn(&str) -> Result<(i64, usize), String>,
    latest: fn(&Store) -> Result<Option<Stored>, StoreError>,
    publish: fn(&Store, i64, &str) -> Result<(), StoreError>,
    /// The rows the page lists, from the stored text.
    rows: fn(&str) -> Vec<(String, String)>,
}

const CATALOG: Publication = Publication {
    path: "/console/catalog",
    title: "服务目录",
    input_id: "catalog-file",
    file_label: "服务目录文件（JSON，版本号须高于当前版本）",
    counted: "个事项",
    columns: ["编码", "名称"],
    check: crate::cli::check_catalog,
    latest: Store::latest_catalog,
    publish: Store::publish_catalog,
    rows: |text| {
        serde_json::from_str::<CatalogHead>(text)
            .map(|c| c.items.into_iter().map(|i| (i.code, i.name)).collect())
            .unwrap_or_default()
    },
};

const GRID: Publication = Publication {
    path: "/console/grid",
    title: "网格名录",
    input_id: "grid-file",
    file_label: "网格名录文件（JSON，版本号须高于当前版本）",
    counted: "个网格",
    columns: ["网格", "网格员（电话）"],
    check: crate::cli::check_grid,
    latest: Store::latest_grid,
    publish: Store::publish_grid,
    rows: |text| {
        let Ok(dir) = serde_json::from_str::<Directory>(text) else { return Vec::new() };
        dir.grids()
            .map(|g| {
                let workers = g.grid.workers.iter().map(|w| format!("{}（{}）", w.name, w.phone)).collect::<Vec<_>>();
                (format!("{} {} 第{}网格", g.street.name, g.community.name, g.grid.number), workers.join("、"))
            })
            .collect()
    },
};

/// The published version and its rows.
type Published = Option<(i64, Vec<(String, String)>)>;

fn published(p: &'static Publication) -> impl FnOnce(&Store) -> Result<Published, StoreError> {
    move |store| Ok((p.latest)(store)?.map(|(version, text)| (version, (p.rows)(&text))))
}

fn body(p: &Publication, staff: &StaffSession, published: &Published, notice: Option<(bool, &str)>) -> Markup {
    html! {
        @if let Some((error, m)) = notice { (flash(error, m)) }
        @match published {
            Some((version, rows)) => {
                p { "当前版本 " strong { (version) } "，共 " (rows.len()) " " (p.counted) "。终端会在下次同步时取得新版本。" }
            }
            None => p.muted { "尚未发布" (p.title) "。" },
        }
        h2 { "发布新版本" }
        form.stack method="post" action=(p.path) enctype="multipart/form-data" {
            (csrf_input(staff))
            div {
                label for=(p.input_id) { (p.file_label) }
                input id=(p.input_id) name="file" type="file" accept=".json,application/json" required;
            }
            div { button type="submit" { "检查并发布" } }
        }
        @if let Some((_, rows)) = published {
            @if !rows.is_empty() {
                h2 { "当前内容" }
                table {
                    thead { tr { th scope="col" { (p.columns[0]) } th scope="col" { (p.columns[1]) } } }
                    tbody { @for (a, b) in rows { tr { td { (a) } td { (b) } } } }
                }
            }
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct PublishedQuery {
    done: Option<i64>,
}

async fn show(
    p: &'static Publication,
    state: &AppState,
    staff: &StaffSession,
    q: PublishedQuery,
) -> Result<Response, WebError> {
    let current = run(state, published(p)).await?;
    let done = q.done.map(|v| format!("已发布版本 {v}。"));
    let page = body(p, staff, &current, done.as_deref().map(|m| (false, m)));
    Ok(html_response(StatusCode::OK, page_at(p.title, Some(staff), p.path, page)))
}

/// The page again with why the upload was not published (422).
async fn refuse(
    p: &'static Publication,
    state: &AppState,
    staff: &StaffSession,
    problem: String,
) -> Result<Response, WebError> {
    let current = run(state, published(p)).await?;
    let page = body(p, staff, &current, Some((true, &problem)));
    Ok(html_response(StatusCode::UNPROCESSABLE_ENTITY, page_at(p.title, Some(staff), p.path, page)))
}

/// An upload (multipart: `csrf`, `file`): checked, then published.
async fn upload(
    p: &'static Publication,
    state: &AppState,
    staff: &StaffSession,
    mut multipart: Multipart,
) -> Result<Response, WebError> {
    let unreadable = |_| WebError::bad_request("上传的内容无法读取，请重新选择文件后再试。");
    let (mut csrf, mut file) = (String::new(), None);
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        match field.name() {
            Some("csrf") => csrf = field.text().await.map_err(unreadable)?,
            Some("file") => file = Some(field.bytes().await.map_err(unreadable)?),
            _ => {}
        }
    }
    check_csrf(staff, &csrf)?;
    let Some(text) = file.filter(|f| !f.is_empty()).map(|f| String::from_utf8(f.to_vec())) else {
        return refuse(p, state, staff, format!("请选择{}文件。", p.title)).await;
    };
    let Ok(text) = text else {
        return refuse(p, state, staff, "文件不是 UTF-8 文本（应为 JSON 文件）。".into()).await;
    };
    let version = match (p.check)(&text) {
        Ok((version, _)) => version,
        Err(problem) => return refuse(p, state, staff, format!("文件有误，未发布：{problem}")).await,
    };
    match run_raw(state, move |s| (p.publish)(s, version, &text)).await? {
        Ok(()) => {
            log::info!("staff {} published {} version {version}", staff.username, p.path);
            Ok(see_other(&format!("{}?done={version}", p.path)))
        }
        Err(StoreError::VersionNotHigher { new, current } | StoreError::GridVersionNotHigher { new, current }) => {
            refuse(p, state, staff, format!("版本号 {new} 不高于当前版本 {current}，未发布：请在文件中提高 version。"))
                .await
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /console/catalog`.
pub async fn catalog_page(
    State(state): State<Arc<AppState>>,
    Admin(staff): Admin,
    WebQuery(q): WebQuery<PublishedQuery>,
) -> Result<Response, WebError> {
    show(&CATALOG, &state, &staff, q).await
}

/// `POST /console/catalog`.
pub async fn publish(
    State(state): State<Arc<AppState>>,
    Admin(staff): Admin,
    multipart: Multipart,
) -> Result<Response, WebError> {
    upload(&CATALOG, &state, &staff, multipart).await
}

/// `GET /console/grid`.
pub async fn grid_page(
    State(state): State<Arc<AppState>>,
    Admin(staff): Admin,
    WebQuery(q): WebQuery<PublishedQuery>,
) -> Result<Response, WebError> {
    show(&GRID, &state, &staff, q).await
}

/// `POST /console/grid`.
pub async fn publish_grid(
    State(state): State<Arc<AppState>>,
    Admin(staff): Admin,
    multipart: Multipart,
) -> Result<Response, WebError> {
    upload(&GRID, &state, &staff, multipart).await
}
