//! Which config file a binary reads when no `--config` is given: the package's conffile for the
//! installed executable, the development default otherwise (for the kiosk and its hub alike).

use std::path::{Path, PathBuf};

/// Where the packages install the executables: one running from here is an installed one.
pub const EXE_DIR: &str = "/usr/bin";

/// The config file used when no `--config` is given: `installed` for an executable in [`EXE_DIR`],
/// whether it exists or not (an installed terminal or hub never falls back to a development file in
/// whatever folder it was started from); otherwise `dev` when it exists; otherwise none (built-in
/// defaults).
pub fn default_config_file(installed: &str, dev: &str) -> Option<PathBuf> {
    let exe = std::env::current_exe().ok();
    default_config_file_for(exe.as_deref(), installed, dev, Path::new(dev).exists())
}

/// [`default_config_file`] for an executable path and whether the development default exists.
pub fn default_config_file_for(exe: Option<&Path>, installed: &str, dev: &str, dev_exists: bool) -> Option<PathBuf> {
    if exe.and_then(Path::parent) == Some(Path::new(EXE_DIR)) {
        return Some(PathBuf::from(installed));
    }
    dev_exists.then(|| PathBuf::from(dev))
}
