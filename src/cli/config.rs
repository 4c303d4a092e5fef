//! `kiosk config check [PATH]`: validates a config file for a technician, in English. Without PATH it
//! checks `--config`, else the default file (`/etc/community-kiosk/kiosk.toml` when installed).

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

/// Without PATH, `--config` or a default file there is nothing to check: says so and exits 2.
pub fn no_file(err: &mut dyn Write) -> i32 {
    let _ = writeln!(
        err,
        "no config file to check: give PATH or --config (this kiosk is not the installed /usr/bin/kiosk \
         and there is no {} here: it runs the built-in demo config)",
        crate::config::DEFAULT_CONFIG_PATH
    );
    2
}
