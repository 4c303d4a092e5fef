//! `kiosk-hub`: the district server the kiosks talk to.
//!
//! - [`config`]: `hub.toml`, checked key by key.
//! - [`store`]: all persistence behind one type (SQLite or PostgreSQL underneath); nothing else sees SQL.
//! - [`model`]: the wire types of the HTTP contract (`openapi.yaml`) and their validation, shared with
//!   the kiosk through the `kiosk-contract` crate.
//! - [`api`]: the axum router: auth, JSON extraction, handlers, error bodies.
//! - [`cli`]: the staff commands (`terminals`, `catalog`, `applications`, `staff`) as plain functions.
//! - [`web`]: the server-rendered pages: the staff console (login, application queue and detail) and the resident's phone page.

pub mod api;
pub mod cli;
pub mod config;
pub mod model;
pub mod store;
pub mod web;

/// The contract, served at `/openapi.yaml`.
pub const OPENAPI_YAML: &str = include_str!("../openapi.yaml");
