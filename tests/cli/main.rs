//! The `kiosk` command line as technicians and scripts use it (each test runs the real binary), the
//! crash test that kills a submitting process, and the bundled catalogue's data invariants.

#[path = "../speech_support/mod.rs"]
mod speech_support;
#[path = "../sync_support/mod.rs"]
mod sync_support;
#[path = "../common/tmpfs.rs"]
mod tmpfs;

mod catalog_data;
mod device;
mod full_disk;
mod grid;
mod guides;
mod outbox;
mod outbox_crash;
mod provision;
mod say;
mod systemd;
