//! The `kiosk` command line as technicians and scripts use it (each test runs the real binary), the
//! crash test that kills a submitting process, the power-loss tests that kill it at every write, and
//! the bundled catalogue's data invariants.

#[path = "../speech_support/mod.rs"]
mod speech_support;
#[path = "../sync_support/mod.rs"]
mod sync_support;
#[path = "../common/tmpfs.rs"]
mod tmpfs;

use std::path::Path;
use std::process::{Command, Output};

/// Runs the real `kiosk` binary with `--config config` and `args`, to its end.
fn kiosk(config: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kiosk")).arg("--config").arg(config).args(args).output().unwrap()
}

/// What a run printed on stderr.
fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

mod catalog_data;
mod device;
mod full_disk;
mod grid;
mod guides;
mod outbox;
mod outbox_crash;
mod power_loss;
mod provision;
mod say;
mod systemd;
