//! Headless UI tests: the kiosk on Slint's testing backend, driven by accessible labels. One process
//! for all of them; each `#[test]` runs on its own thread with its own testing backend
//! (`init_no_event_loop`) and its own kiosk, devices and database.

#[path = "../common/mod.rs"]
mod common;
#[path = "../speech_support/mod.rs"]
mod speech_support;
#[path = "../sync_support/mod.rs"]
mod sync_support;

mod applications;
mod clock_jumps;
mod core_defects;
mod full_disk;
mod grid;
mod guides;
mod identify;
mod idle;
mod idle_devices;
mod keyboard;
mod language;
mod print_checklist;
mod print_progress;
mod screen_power;
mod speech;
mod staff;
mod sync;
mod theme;
mod translations;
