//! The kiosk's flows and session state, with no Slint types: pure state that the UI bridge renders.

pub mod flow;
pub mod forms;
pub mod grid;
pub mod idle;
pub mod nav;
pub mod receipt;
pub mod screen;
pub mod staff;
