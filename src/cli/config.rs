//! `kiosk config check PATH`: validates a config file for a technician, in English.

use std::io::Write;
use std::path::Path;

use crate::config::Config;

/// Prints every problem (file, key, expected form) on `err` and exits 2, or prints `PATH: ok` on
/// `out` and exits 0. Warnings (a serial device that is not there now) go to `err` and do not
/// change the exit code.
pub fn check(path: &Path, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let report = Config::check(path);
    for e in &report.errors {
        let _ = writeln!(err, "{e}");
    }
    for w in &report.warnings {
        let _ = writeln!(err, "warning: {w}");
    }
    if !report.errors.is_empty() {
        return 2;
    }
    let _ = writeln!(out, "{}: ok", path.display());
    0
}
