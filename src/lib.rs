//! The community self-service kiosk (社区自助服务终端). See ARCHITECTURE.md for the map.

pub mod app;
pub mod catalog;
#[cfg(feature = "ui")]
pub mod cli;
pub mod clock;
pub mod config;
pub mod devices;
pub mod fonts;
pub mod grid;
pub mod ime;
pub mod killpoint;
pub mod lang;
pub mod messages;
pub mod privacy;
#[cfg(feature = "ui")]
pub mod screenshot;
#[cfg(feature = "ui")]
pub mod service;
pub mod slip;
pub mod speech;
pub mod staff;
pub mod store;
pub mod sync;
#[cfg(feature = "ui")]
pub mod ui;

pub use lang::Lang;

/// The screens (ui/*.slint, compiled in the kiosk-ui crate).
#[cfg(feature = "ui")]
pub use kiosk_ui::*;
