//! Staff commands. Each returns the text for stdout so tests can call them without a process;
//! `main.rs` only parses arguments, opens the store and maps [`CliError`] to exit codes.

use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};
use kiosk_contract::grid::Directory;
use kiosk_contract::{validate, CatalogHead};

use crate::model::{Kind, Status};
use crate::store::{Store, StoreError};

#[derive(Debug, Parser)]
#[command(name = "kiosk-hub", version, about = "District hub server for community self-service kiosks")]
pub struct Cli {
    /// Config file (default: /etc/community-kiosk/hub.toml when installed as /usr/bin/kiosk-hub;
    /// otherwise hub.toml in the current folder, if present; built-in defaults otherwise).
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP API until Ctrl-C or SIGTERM.
    Serve,
    /// Register, list and revoke kiosk terminals.
    #[command(subcommand)]
    Terminals(TerminalsCommand),
    /// Publish service catalogues to the kiosks.
    #[command(subcommand)]
    Catalog(CatalogCommand),
    /// Publish grid directories (网格名录) to the kiosks.
    #[command(subcommand)]
    Grid(GridCommand),
    /// List applications and move them through their statuses.
    #[command(subcommand)]
    Applications(ApplicationsCommand),
    /// The key file that seals personal fields at rest (`key_file` in hub.toml).
    #[command(subcommand)]
    Keys(KeysCommand),
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Create the key file named by key_file (mode 0600); refuses to replace one. Applications stored
    /// before it are sealed when the hub next starts (or by `keys rotate`).
    Init,
    /// Add a new key and make it current, then seal every stored application again with it (older keys
    /// stay in the file; a running hub reads the new key by itself).
    Rotate,
}

#[derive(Debug, Subcommand)]
pub enum TerminalsCommand {
    /// Register a terminal and print its new bearer token (the only line on stdout; shown once).
    Add {
        #[arg(long)]
        id: String,
        #[arg(long)]
        name: Option<String>,
    },
    /// Terminals with their last heartbeat.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Revoke a terminal's token: its requests are refused from now on.
    Revoke { id: String },
}

#[derive(Debug, Subcommand)]
pub enum CatalogCommand {
    /// Check a catalogue JSON file and store it as the new version (must be higher than the current).
    Publish { file: PathBuf },
}

#[derive(Debug, Subcommand)]
pub enum GridCommand {
    /// Check a grid directory JSON file (the kiosk's format, checked as the kiosk checks it) and store
    /// it as the new version (must be higher than the current); kiosks pull it with the catalogue.
    Publish { file: PathBuf },
}

#[derive(Debug, Subcommand)]
pub enum ApplicationsCommand {
    /// Applications received (names masked, no ID numbers).
    List {
        #[arg(long)]
        json: bool,
        /// application | proxy_request
        #[arg(long)]
        kind: Option<String>,
        /// accepted | processing | ready | picked_up | rejected
        #[arg(long)]
        status: Option<String>,
        /// Only applications whose ID number ends in these 4 characters (尾号).
        #[arg(long, value_name = "LAST4")]
        id_suffix: Option<String>,
    },
    /// Move an application to a new status: accepted → processing → ready → picked_up, or rejected
    /// (from accepted or processing, with --note giving the reason).
    SetStatus {
        /// Numeric id or acceptance number (受理编号).
        id_or_acceptance_no: String,
        status: String,
        #[arg(long)]
        note: Option<String>,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Bad arguments (exit 2).
    #[error("{0}")]
    Usage(String),
    /// The thing named does not exist (exit 2).
    #[error("{0}")]
    NotFound(String),
    /// Anything else (exit 1).
    #[error("{0}")]
    Other(String),
}

impl CliError {
    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::Usage(_) | CliError::NotFound(_) => 2,
            CliError::Other(_) => 1,
        }
    }
}

impl From<StoreError> for CliError {
    fn from(e: StoreError) -> CliError {
        match e {
            StoreError::NotFound(_) => CliError::NotFound(e.to_string()),
            StoreError::InvalidIdSuffix(suffix) => CliError::Usage(format!(
                "--id-suffix `{suffix}`: expected the last 4 characters of an ID number (digits, or X last)"
            )),
            _ => CliError::Other(e.to_string()),
        }
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, CliError> {
    serde_json::to_string_pretty(value).map_err(|e| CliError::Other(e.to_string()))
}

pub fn terminals_add(store: &Store, id: &str, name: Option<&str>) -> Result<String, CliError> {
    if !validate::is_terminal_id(id) {
        return Err(CliError::Usage(format!(
            "terminal id `{id}`: expected 1–64 letters, digits, `.`, `_` or `-`, starting with a letter or digit"
        )));
    }
    Ok(store.add_terminal(id, name)?)
}

pub fn terminals_list(store: &Store, json: bool) -> Result<String, CliError> {
    let terminals = store.list_terminals()?;
    if json {
        return to_json(&terminals);
    }
    let mut out = String::from("ID\tNAME\tCREATED\tREVOKED\tLAST HEARTBEAT");
    for t in &terminals {
        let heartbeat = match &t.last_heartbeat {
            None => "never".to_string(),
            Some(h) => {
                let hb = &h.heartbeat;
                let catalog = hb.catalog_version.map_or("none".to_string(), |v| v.to_string());
                let problems = if h.problems.is_empty() { "all ok".to_string() } else { h.problems.join(", ") };
                format!(
                    "{} app {} catalogue {} outbox {}: {}",
                    h.received_at, hb.app_version, catalog, hb.outbox_depth, problems
                )
            }
        };
        out.push_str(&format!(
            "\n{}\t{}\t{}\t{}\t{}",
            t.id,
            t.name.as_deref().unwrap_or("-"),
            t.created_at,
            t.revoked_at.as_deref().unwrap_or("-"),
            heartbeat
        ));
    }
    Ok(out)
}

pub fn terminals_revoke(store: &Store, id: &str) -> Result<String, CliError> {
    store.revoke_terminal(id)?;
    Ok(format!("revoked terminal {id}"))
}

/// Loose check of a catalogue: a JSON object with `version` (a positive integer) and `items` (objects
/// each with non-empty string `code` and `name`, codes unique), as the contract's [`CatalogHead`] says.
/// Returns the version and item count.
pub fn check_catalog(text: &str) -> Result<(i64, usize), String> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?;
    if !value.is_object() {
        return Err("expected a JSON object at the top level".into());
    }
    let head: CatalogHead = serde_path_to_error::deserialize(&value).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if path == "." {
            inner.to_string()
        } else {
            format!("`{path}`: {inner}")
        }
    })?;
    head.validate().map_err(|e| format!("`{}`: expected {}", e.field, e.expected))?;
    Ok((head.version, head.items.len()))
}

pub fn catalog_publish(store: &Store, file: &Path) -> Result<String, CliError> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| CliError::NotFound(format!("{}: cannot read: {e}", file.display())))?;
    let (version, items) = check_catalog(&text).map_err(|e| CliError::Other(format!("{}: {e}", file.display())))?;
    store.publish_catalog(version, &text)?;
    Ok(format!("published catalogue version {version} ({items} items)"))
}

/// Checks a grid directory file as the kiosk reads it: JSON of its format (unknown keys refused, the
/// key named), `Directory::validate` (the grid named), a version from 1 to the contract's limit.
/// Returns the version and the number of grids.
pub fn check_grid(text: &str) -> Result<(i64, usize), String> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?;
    if !value.is_object() {
        return Err("expected a JSON object at the top level".into());
    }
    let dir: Directory = serde_path_to_error::deserialize(&value).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if path == "." {
            inner.to_string()
        } else {
            format!("`{path}`: {inner}")
        }
    })?;
    let version = i64::try_from(dir.version).unwrap_or(i64::MAX);
    validate::range("version", version, 1, kiosk_contract::limits::MAX_VERSION)
        .map_err(|e| format!("`{}`: expected {}", e.field, e.expected))?;
    dir.validate().map_err(|e| e.to_string())?;
    Ok((version, dir.grids().count()))
}

pub fn grid_publish(store: &Store, file: &Path) -> Result<String, CliError> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| CliError::NotFound(format!("{}: cannot read: {e}", file.display())))?;
    let (version, grids) = check_grid(&text).map_err(|e| CliError::Other(format!("{}: {e}", file.display())))?;
    store.publish_grid(version, &text)?;
    Ok(format!("published grid directory version {version} ({grids} grids)"))
}

fn parse_kind(s: &str) -> Result<Kind, CliError> {
    Kind::parse(s).ok_or_else(|| CliError::Usage(format!("kind `{s}`: expected application or proxy_request")))
}

fn parse_status(s: &str) -> Result<Status, CliError> {
    Status::parse(s).ok_or_else(|| {
        CliError::Usage(format!("status `{s}`: expected accepted, processing, ready, picked_up or rejected"))
    })
}

pub fn applications_list(
    store: &Store,
    json: bool,
    kind: Option<&str>,
    status: Option<&str>,
) -> Result<String, CliError> {
    applications_find(store, json, kind, status, None)
}

/// `applications list`, with `--id-suffix` when `id_suffix` is given.
pub fn applications_find(
    store: &Store,
    json: bool,
    kind: Option<&str>,
    status: Option<&str>,
    id_suffix: Option<&str>,
) -> Result<String, CliError> {
    let kind = kind.map(parse_kind).transpose()?;
    let status = status.map(parse_status).transpose()?;
    let apps = match id_suffix {
        None => store.list_applications(kind, status)?,
        Some(suffix) => store.find_by_id_suffix(suffix, kind, status)?,
    };
    if json {
        return to_json(&apps);
    }
    let mut out = String::from("ID\tACCEPTANCE NO\tKIND\tSTATUS\tTERMINAL\tITEM\tAPPLICANT\tSUBMITTED\tPROMISED");
    for a in &apps {
        out.push_str(&format!(
            "\n{}\t{}\t{}\t{}\t{}\t{} {}\t{}\t{}\t{}",
            a.id,
            a.acceptance_no,
            a.kind.as_str(),
            a.status.as_str(),
            a.terminal_id,
            a.item_code,
            a.item_name,
            a.applicant_name,
            a.submitted_at,
            a.promised_date.as_deref().unwrap_or("-")
        ));
    }
    Ok(out)
}

pub fn applications_set_status(
    store: &Store,
    id_or_no: &str,
    status: &str,
    note: Option<&str>,
) -> Result<String, CliError> {
    let status = parse_status(status)?;
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    if status == Status::Rejected && note.is_none() {
        return Err(CliError::Usage("rejected needs --note with the reason the resident will see".into()));
    }
    store.set_status(id_or_no, status, note)?;
    Ok(format!("application {id_or_no} is now {}", status.as_str()))
}

fn key_file(config: Option<&Path>) -> Result<&Path, CliError> {
    config.ok_or_else(|| CliError::Usage("no key_file in hub.toml: add key_file = \"hub.key\" first".into()))
}

/// `kiosk-hub keys init`.
pub fn keys_init(key_file_path: Option<&Path>) -> Result<String, CliError> {
    let path = key_file(key_file_path)?;
    crate::store::crypto::init_key_file(path)?;
    Ok(format!("created key file {} (mode 0600): keep a copy with the database backups", path.display()))
}

/// `kiosk-hub keys rotate`: a new current key, then every stored application sealed again with it.
pub fn keys_rotate(store: &Store, key_file_path: Option<&Path>) -> Result<String, CliError> {
    let path = key_file(key_file_path)?;
    let id = crate::store::crypto::rotate_key_file(path)?;
    let n = store.reseal_all()?;
    Ok(format!("key {id} is now current; {n} applications sealed again with it"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_check_is_loose_but_catches_the_essentials() {
        assert_eq!(
            check_catalog(r#"{"version":3,"items":[{"code":"LL0001","name":"老年人优待证","x":1}],"y":2}"#),
            Ok((3, 1))
        );
        assert!(check_catalog(r#"{"version":0,"items":[]}"#).unwrap_err().contains("version"));
        assert!(check_catalog(r#"{"version":"3","items":[]}"#).unwrap_err().contains("version"));
        assert!(check_catalog(r#"{"version":1,"items":{}}"#).unwrap_err().contains("items"));
        assert!(check_catalog(r#"{"version":1,"items":[{"code":"A"}]}"#).unwrap_err().contains("items[0].name"));
        assert!(check_catalog(r#"{"version":1,"items":[{"code":"A","name":"甲"},{"code":"A","name":"乙"}]}"#)
            .unwrap_err()
            .contains("twice"));
        assert!(check_catalog("[]").is_err() && check_catalog("{").is_err());
    }
}
