//! `/console/catalog` (admins): the published catalogue's version and items, and publishing a new
//! one by uploading its JSON file — what `kiosk-hub catalog publish FILE` does, with the same check
//! ([`crate::cli::check_catalog`]) and the same rule (the version must be higher than the current).

use std::sync::Arc;

use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use kiosk_contract::CatalogHead;
use maud::{html, Markup};
use serde::Deserialize;

use super::auth::{check_csrf, Admin};
use super::layout::{csrf_input, flash, html_response, page_at};
use super::{run, run_raw, see_other, WebError};
use crate::api::AppState;
use crate::store::console::StaffSession;
use crate::store::StoreError;

/// The published catalogue as the page shows it: version and (code, name) of each item.
type Published = Option<(i64, Vec<(String, String)>)>;

fn body(staff: &StaffSession, published: &Published, notice: Option<(bool, &str)>) -> Markup {
    html! {
        @if let Some((error, m)) = notice { (flash(error, m)) }
        @match published {
            Some((version, items)) => {
                p { "当前版本 " strong { (version) } "，共 " (items.len()) " 个事项。终端会在下次同步时取得新版本。" }
            }
            None => p.muted { "尚未发布服务目录。" },
        }
        h2 { "发布新版本" }
        form.stack method="post" action="/console/catalog" enctype="multipart/form-data" {
            (csrf_input(staff))
            div {
                label for="catalog-file" { "服务目录文件（JSON，版本号须高于当前版本）" }
                input #catalog-file name="file" type="file" accept=".json,application/json" required;
            }
            div { button type="submit" { "检查并发布" } }
        }
        @if let Some((_, items)) = published {
            @if !items.is_empty() {
                h2 { "当前事项" }
                table {
                    thead { tr { th scope="col" { "编码" } th scope="col" { "名称" } } }
                    tbody { @for (code, name) in items { tr { td { (code) } td { (name) } } } }
                }
            }
        }
    }
}

fn published(store: &crate::store::Store) -> Result<Published, StoreError> {
    Ok(store.latest_catalog()?.map(|(version, text)| {
        let items = serde_json::from_str::<CatalogHead>(&text)
            .map(|c| c.items.into_iter().map(|i| (i.code, i.name)).collect())
            .unwrap_or_default();
        (version, items)
    }))
}

#[derive(Debug, Default, Deserialize)]
pub struct CatalogQuery {
    done: Option<i64>,
}

/// `GET /console/catalog`.
pub async fn catalog_page(
    State(state): State<Arc<AppState>>,
    Admin(staff): Admin,
    Query(q): Query<CatalogQuery>,
) -> Result<Response, WebError> {
    let current = run(&state, published).await?;
    let done = q.done.map(|v| format!("已发布版本 {v}。"));
    let page = body(&staff, &current, done.as_deref().map(|m| (false, m)));
    Ok(html_response(StatusCode::OK, page_at("服务目录", Some(&staff), "/console/catalog", page)))
}

/// The page again with why the upload was not published (422).
async fn refuse(state: &AppState, staff: &StaffSession, problem: String) -> Result<Response, WebError> {
    let current = run(state, published).await?;
    let page = body(staff, &current, Some((true, &problem)));
    Ok(html_response(StatusCode::UNPROCESSABLE_ENTITY, page_at("服务目录", Some(staff), "/console/catalog", page)))
}

/// `POST /console/catalog` (multipart: `csrf`, `file`).
pub async fn publish(
    State(state): State<Arc<AppState>>,
    Admin(staff): Admin,
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
    check_csrf(&staff, &csrf)?;
    let Some(text) = file.filter(|f| !f.is_empty()).map(|f| String::from_utf8(f.to_vec())) else {
        return refuse(&state, &staff, "请选择服务目录文件。".into()).await;
    };
    let Ok(text) = text else {
        return refuse(&state, &staff, "文件不是 UTF-8 文本（应为 JSON 文件）。".into()).await;
    };
    let version = match crate::cli::check_catalog(&text) {
        Ok((version, _)) => version,
        Err(problem) => return refuse(&state, &staff, format!("文件有误，未发布：{problem}")).await,
    };
    match run_raw(&state, move |s| s.publish_catalog(version, &text)).await? {
        Ok(()) => {
            log::info!("staff {} published catalogue version {version}", staff.username);
            Ok(see_other(&format!("/console/catalog?done={version}")))
        }
        Err(StoreError::VersionNotHigher { new, current }) => {
            refuse(&state, &staff, format!("版本号 {new} 不高于当前版本 {current}，未发布：请在文件中提高 version。"))
                .await
        }
        Err(e) => Err(e.into()),
    }
}
