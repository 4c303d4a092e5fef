//! What the kiosk logs carries no personal data. Every test here captures the process's log output
//! (`common::logs`: one capturing logger per process, the tests take turns), so nothing else may
//! run in this binary.

#[path = "../common/mod.rs"]
mod common;
#[path = "../sync_support/mod.rs"]
mod sync_support;

mod session;
mod sync;
