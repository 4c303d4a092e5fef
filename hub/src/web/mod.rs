//! The hub's pages: server-rendered HTML (maud), no JavaScript, Chinese first.
//!
//! - [`phone`]: the resident's phone page behind the slip's QR (`/p/{token}`), no login.

pub mod phone;

use std::sync::Arc;

use axum::Router;

use crate::api::AppState;

/// The pages' routes, merged into [`crate::api::router`] (its logging and error shaping apply).
pub fn router(state: Arc<AppState>) -> Router<Arc<AppState>> {
    Router::new().merge(phone::router(state))
}
