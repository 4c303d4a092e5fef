//! The device drivers against their simulators over real pseudo-terminals: ID-card reader, printer,
//! scanner. Nothing here starts a child process (one would inherit the pseudo-terminals' descriptors
//! and keep an unplugged simulator's port alive).

#[path = "../common/mod.rs"]
mod common;

mod idcard_reader;
mod printer_over_pty;
mod scanner_over_pty;
