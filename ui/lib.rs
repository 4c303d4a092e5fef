//! The kiosk's screens, generated from ui/*.slint by build.rs: the window, its globals and their
//! types. Nothing else lives here; the kiosk crate re-exports it all (`kiosk::AppWindow`, …).

slint::include_modules!();
