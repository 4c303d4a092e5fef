//! `kiosk config check PATH`: validates a config file for a technician, in English.

use std::io::Write;
use std::path::Path;

use crate::config::Config;

/// Prints every problem (file, key, expected form) on `err` and exits 2, or prints `PATH: ok` on
/// `out` and exits 0.
pub fn check(path: &Path, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let problems = Config::check(path);
    for e in &problems {
        let _ = writeln!(err, "{e}");
    }
    if !problems.is_empty() {
        return 2;
    }
    let _ = writeln!(out, "{}: ok", path.display());
    0
}
