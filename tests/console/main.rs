//! The district console in a real browser: a headless Chromium driven over WebDriver (`browser.rs`)
//! against a real `kiosk-hub` served on 127.0.0.1 by the test (`sync_support`), with kiosks syncing
//! to it through the real sync worker.

#[path = "../sync_support/mod.rs"]
mod sync_support;

mod browser;

mod board;
mod harness;
mod walk;
