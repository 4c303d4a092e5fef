//! The device drivers against their simulators over real pseudo-terminals: ID-card reader, printer,
//! scanner. Nothing here starts a child process (one would inherit the pseudo-terminals' descriptors
//! and keep an unplugged simulator's port alive).

#[path = "../common/mod.rs"]
mod common;

mod idcard_reader;
mod printer_over_pty;
mod scanner_over_pty;

/// Atomically points `link` at `target`, as udev re-points `/dev/kiosk-printer` or `/dev/kiosk-scanner`
/// when a device is plugged in again.
fn repoint(link: &std::path::Path, target: &str) {
    let tmp = link.with_extension("tmp");
    let _ = std::fs::remove_file(&tmp);
    std::os::unix::fs::symlink(target, &tmp).unwrap();
    std::fs::rename(&tmp, link).unwrap();
}
