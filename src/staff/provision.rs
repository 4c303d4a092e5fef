//! Switching a terminal's config file to a validated bundle, atomically, with a one-step rollback.
//!
//! The new text is written to `<config>.new` and fsynced; the current file is copied to
//! `<config>.bak` (fsynced); then `<config>.new` is renamed over `<config>` and the folder fsynced.
//! A crash at any point leaves either the old or the new config in place, never half of one.
//! Rollback swaps `<config>` and `<config>.bak` in one atomic rename (`RENAME_EXCHANGE`), so a
//! second rollback undoes the first and a crash never leaves one file where there were two.
//! tests/cli/power_loss.rs kills both at every step ([`crate::killpoint`]).
//! Nothing here touches the database: queued applications keep the terminal id they were made with.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use super::bundle::{self, Validated};
use crate::config::{Config, ConfigError};

#[derive(Debug, thiserror::Error)]
pub enum ProvisionError {
    /// The bundle (or the backup) has problems; nothing changed.
    #[error("{} problem(s) found; nothing changed", .0.len())]
    Invalid(Vec<ConfigError>),
    #[error("{0}")]
    Io(String),
}

/// `<config>.bak`.
pub fn backup_path(config: &Path) -> PathBuf {
    let mut name = config.file_name().unwrap_or_default().to_os_string();
    name.push(".bak");
    config.with_file_name(name)
}

/// The `*.toml` files in `dir` (e.g. a USB stick), sorted by name; none when the folder is missing.
pub fn list_bundles(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "toml"))
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// A bundle checked against the terminal's config file as it is now: what applying it would change.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The config file's text the bundle was merged into (it becomes the backup).
    current: String,
    pub validated: Validated,
}

/// Validates `bundle` against the config at `config_path`, then switches to it. Returns what was
/// validated (the changes for the audit log) and the new config as loaded from its file.
pub fn provision(config_path: &Path, bundle_path: &Path) -> Result<(Validated, Config), ProvisionError> {
    let checked = check(config_path, bundle_path)?;
    let config = apply(config_path, bundle_path, &checked)?;
    Ok((checked.validated, config))
}

/// Validates `bundle` against the config at `config_path` without changing anything: staff see
/// `validated.changes` before they confirm.
pub fn check(config_path: &Path, bundle_path: &Path) -> Result<Checked, ProvisionError> {
    let current = fs::read_to_string(config_path)
        .map_err(|e| ProvisionError::Io(format!("cannot read the config {}: {e}", config_path.display())))?;
    let validated = bundle::validate_file(bundle_path, &current).map_err(ProvisionError::Invalid)?;
    Ok(Checked { current, validated })
}

/// Switches the config at `config_path` to a checked bundle (the old file becomes the backup) and
/// returns the new config as loaded from its file.
pub fn apply(config_path: &Path, bundle_path: &Path, checked: &Checked) -> Result<Config, ProvisionError> {
    let Checked { current, validated } = checked;
    let written_by = format!("`kiosk provision` from {}", bundle_path.display());
    switch_to(config_path, current, &validated.text, &written_by)
}

/// Switches the config at `config_path` from `current` (its text as read, which becomes the backup)
/// to `new_text`, already checked, under a first line naming `written_by`, the time and the backup;
/// returns the new config as loaded from its file (a bundle: [`apply`]; the hub: [`super::enrol`]).
pub fn switch_to(
    config_path: &Path,
    current: &str,
    new_text: &str,
    written_by: &str,
) -> Result<Config, ProvisionError> {
    keep_old_credential(config_path, current, new_text)?;
    let header = format!(
        "# Written by {written_by} on {}; the previous config is {}.\n",
        chrono::Local::now().format("%Y-%m-%d %H:%M"),
        backup_path(config_path).file_name().unwrap_or_default().to_string_lossy(),
    );
    switch(config_path, &format!("{header}{new_text}"), current.as_bytes())?;
    Config::load(config_path).map_err(|e| ProvisionError::Io(e.to_string()))
}

/// When the terminal id changes, the old id's hub token is kept in the terminal's database, so the
/// sync worker can still send what was queued under the old id — under that id.
fn keep_old_credential(config_path: &Path, current: &str, new: &str) -> Result<(), ProvisionError> {
    let (Ok(mut old), Ok(new)) = (Config::parse(current, config_path), Config::parse(new, config_path)) else {
        return Ok(());
    };
    let token = old.hub.terminal_token.clone().unwrap_or_default();
    if old.terminal_id == new.terminal_id || token.trim().is_empty() {
        return Ok(());
    }
    if old.data_dir.is_relative() {
        let base = config_path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        old.data_dir = base.join(&old.data_dir);
    }
    let mut store = crate::store::Store::open(&old.database_path())
        .map_err(|e| ProvisionError::Io(format!("cannot keep the old terminal's credential: {e}")))?;
    store
        .keep_retired_credential(&old.terminal_id, token.trim())
        .map_err(|e| ProvisionError::Io(format!("cannot keep the old terminal's credential: {e}")))?;
    log::info!("provision: terminal id {} retired; its queued applications keep it", old.terminal_id);
    Ok(())
}

/// Puts `<config>.bak` back in place (keeping the current file as the new backup).
pub fn rollback(config_path: &Path) -> Result<Config, ProvisionError> {
    let bak = backup_path(config_path);
    let old = fs::read_to_string(&bak).map_err(|e| ProvisionError::Io(format!("no backup {}: {e}", bak.display())))?;
    Config::check_text(&old, &bak).map_err(ProvisionError::Invalid)?;
    if !exchange(config_path, &bak)? {
        // No exchange on this file system: the current file is read to become the backup.
        let current =
            fs::read(config_path).map_err(|e| ProvisionError::Io(format!("{}: {e}", config_path.display())))?;
        switch(config_path, &old, &current)?;
    }
    Config::load(config_path).map_err(|e| ProvisionError::Io(e.to_string()))
}

/// Swaps `<config>` and `<config>.bak` in one rename and fsyncs the folder; `false` when the file
/// system cannot (then [`switch`] rewrites both: two renames, between which a crash would leave the
/// same text in both files).
fn exchange(config_path: &Path, bak: &Path) -> Result<bool, ProvisionError> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    use rustix::io::Errno;
    match renameat_with(CWD, bak, CWD, config_path, RenameFlags::EXCHANGE) {
        Ok(()) => {}
        Err(Errno::INVAL | Errno::NOSYS | Errno::OPNOTSUPP) => return Ok(false),
        Err(e) => {
            return Err(ProvisionError::Io(format!("cannot swap {} and {}: {e}", config_path.display(), bak.display())))
        }
    }
    crate::killpoint::step("exchange config and backup");
    sync_folder(config_path)?;
    Ok(true)
}

/// Whether a rollback is possible.
pub fn can_roll_back(config_path: &Path) -> bool {
    backup_path(config_path).is_file()
}

/// Writes `new` as the config and `old` as its backup, each through a fsynced temporary file.
fn switch(config_path: &Path, new: &str, old: &[u8]) -> Result<(), ProvisionError> {
    let io = |what: &str, p: &Path, e: std::io::Error| ProvisionError::Io(format!("{what} {}: {e}", p.display()));
    let tmp = with_suffix(config_path, ".new");
    let bak = backup_path(config_path);
    let bak_tmp = with_suffix(&bak, ".new");
    // A write that fails (e.g. the disk is full) leaves no half-written temporary file behind.
    let written = write_synced(&tmp, new.as_bytes(), "config.new")
        .map_err(|e| io("cannot write", &tmp, e))
        .and_then(|()| write_synced(&bak_tmp, old, "backup.new").map_err(|e| io("cannot write", &bak_tmp, e)));
    if let Err(e) = written {
        let _ = fs::remove_file(&tmp);
        let _ = fs::remove_file(&bak_tmp);
        return Err(e);
    }
    fs::rename(&bak_tmp, &bak).map_err(|e| io("cannot keep the backup", &bak, e))?;
    crate::killpoint::step("rename backup.new to backup");
    fs::rename(&tmp, config_path).map_err(|e| io("cannot replace", config_path, e))?;
    crate::killpoint::step("rename config.new to config");
    sync_folder(config_path)
}

/// Makes the renames in the config's folder durable.
fn sync_folder(config_path: &Path) -> Result<(), ProvisionError> {
    if let Some(dir) = config_path.parent().filter(|d| !d.as_os_str().is_empty()) {
        File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| ProvisionError::Io(format!("cannot sync the folder {}: {e}", dir.display())))?;
        crate::killpoint::step("fsync folder");
    }
    Ok(())
}

fn with_suffix(p: &Path, suffix: &str) -> PathBuf {
    let mut name = p.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    p.with_file_name(name)
}

/// Writes a file and fsyncs it; `kind` names it for [`crate::killpoint`] (the first half of the bytes,
/// then the rest, then the fsync are three steps: a kill can leave the file torn, and must not matter).
fn write_synced(path: &Path, bytes: &[u8], kind: &str) -> std::io::Result<()> {
    let mut f = File::create(path)?;
    let (first, rest) = bytes.split_at(bytes.len() / 2);
    f.write_all(first)?;
    crate::killpoint::step(&format!("write half of {kind}"));
    f.write_all(rest)?;
    crate::killpoint::step(&format!("write {kind}"));
    f.sync_all()?;
    crate::killpoint::step(&format!("fsync {kind}"));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const CURRENT: &str = "terminal_id = \"SF-QST-01\"\ncentre_name = \"清水塘\"\ndata_dir = \"data\"\n";

    #[test]
    fn provision_keeps_a_backup_and_rollback_swaps_back() {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("kiosk.toml");
        fs::write(&config, CURRENT).unwrap();
        let bundle = dir.path().join("b.toml");
        fs::write(&bundle, "centre_name = \"月塘\"\n").unwrap();
        let (v, c) = provision(&config, &bundle).unwrap();
        assert_eq!(c.centre_name, "月塘");
        assert_eq!(c.data_dir, dir.path().join("data"));
        assert_eq!(v.changes, vec!["centre_name: \"清水塘\" → \"月塘\"".to_string()]);
        assert_eq!(fs::read_to_string(backup_path(&config)).unwrap(), CURRENT);
        assert!(!dir.path().join("kiosk.toml.new").exists());
        let back = rollback(&config).unwrap();
        assert_eq!(back.centre_name, "清水塘");
        assert_eq!(rollback(&config).unwrap().centre_name, "月塘", "a second rollback undoes the first");
    }

    #[test]
    fn an_invalid_bundle_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("kiosk.toml");
        fs::write(&config, CURRENT).unwrap();
        let bundle = dir.path().join("b.toml");
        fs::write(&bundle, "[printer]\nport = \"COM1\"\n[hub]\nurl = \"nope\"\n").unwrap();
        let Err(ProvisionError::Invalid(errors)) = provision(&config, &bundle) else { panic!("accepted") };
        assert_eq!(errors.len(), 2, "{errors:#?}");
        assert_eq!(fs::read_to_string(&config).unwrap(), CURRENT);
        assert!(!backup_path(&config).exists());
        assert_eq!(list_bundles(dir.path()), vec![bundle, config.clone()]);
    }
}
