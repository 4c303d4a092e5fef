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
    /// One-time codes with which a kiosk enrols (`kiosk enrol --hub URL --code CODE`).
    #[command(subcommand)]
    Enrolment(EnrolmentCommand),
    /// Staff accounts of the web console (/console).
    #[command(subcommand)]
    Staff(StaffCommand),
}

#[derive(Debug, Subcommand)]
pub enum StaffCommand {
    /// Add an account. The password is asked for on the terminal (not shown), or read from the first
    /// line of stdin when stdin is not a terminal.
    Add {
        #[arg(long)]
        username: String,
        /// clerk (processes applications) | admin (also manages staff, terminals, catalogues, grids)
        #[arg(long)]
        role: String,
    },
    /// Accounts with their role and whether they are disabled.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Disable an account: it can no longer log in, and its open sessions end now.
    Disable {
        #[arg(long)]
        username: String,
    },
    /// Set a new password (asked for like `add`); the account's open sessions end and its lockout is lifted.
    Passwd {
        #[arg(long)]
        username: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum EnrolmentCommand {
    /// Create a one-time enrolment code for a terminal id and print it (the code alone on the first
    /// line; shown once, only its hash is kept). The kiosk exchanges it once for its token and bundle;
    /// an unregistered id is registered then, a registered one gets a new token.
    Create {
        #[arg(long)]
        terminal_id: String,
        /// How long the code stays valid: minutes, hours or days, e.g. 30m, 24h, 7d (at most 30d).
        #[arg(long, default_value = "24h", value_name = "DURATION")]
        expires_in: String,
    },
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
            StoreError::InvalidTerminalId(_) | StoreError::TerminalRevoked(_) | StoreError::PasswordTooShort { .. } => {
                CliError::Usage(e.to_string())
            }
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

/// `30m`, `24h`, `7d`: a validity between one minute and 30 days.
pub fn parse_validity(text: &str) -> Option<chrono::Duration> {
    let text = text.trim();
    let unit = text.chars().last()?;
    let n: i64 = text[..text.len() - unit.len_utf8()].parse().ok().filter(|n| *n > 0)?;
    let d = match unit {
        'm' => chrono::Duration::minutes(n),
        'h' => chrono::Duration::hours(n),
        'd' => chrono::Duration::days(n),
        _ => return None,
    };
    (d <= chrono::Duration::days(30)).then_some(d)
}

/// `kiosk-hub enrolment create`: the code on the first line, then when it expires.
pub fn enrolment_create(store: &Store, terminal_id: &str, expires_in: &str) -> Result<String, CliError> {
    if !validate::is_terminal_id(terminal_id) {
        return Err(CliError::Usage(format!(
            "terminal id `{terminal_id}`: expected 1–64 letters, digits, `.`, `_` or `-`, starting with a letter or digit"
        )));
    }
    let valid_for = parse_validity(expires_in).ok_or_else(|| {
        CliError::Usage(format!("--expires-in `{expires_in}`: expected minutes, hours or days up to 30d, e.g. 24h"))
    })?;
    let code = store.create_enrolment(terminal_id, valid_for, None)?;
    Ok(format!(
        "{}\none-time enrolment code for terminal {} until {} (kiosk enrol --hub URL --code CODE)",
        code.code, code.terminal_id, code.expires_at
    ))
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

/// A published file's JSON object read as `T`; a problem names its key path (`items[0].name`).
fn parse_object<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, String> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?;
    if !value.is_object() {
        return Err("expected a JSON object at the top level".into());
    }
    serde_path_to_error::deserialize(&value).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if path == "." {
            inner.to_string()
        } else {
            format!("`{path}`: {inner}")
        }
    })
}

/// Loose check of a catalogue: a JSON object with `version` (a positive integer) and `items` (objects
/// each with non-empty string `code` and `name`, codes unique), as the contract's [`CatalogHead`] says.
/// Returns the version and item count.
pub fn check_catalog(text: &str) -> Result<(i64, usize), String> {
    let head: CatalogHead = parse_object(text)?;
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
    let dir: Directory = parse_object(text)?;
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

/// `kiosk-hub staff add` with the password already read.
pub fn staff_add(store: &Store, username: &str, role: &str, password: &str) -> Result<String, CliError> {
    let role = staff_args(username, role)?;
    store.add_staff(username, role, password)?;
    Ok(format!("added {} account {username}", role.as_str()))
}

/// Checks `staff add`'s username and role (before the password is asked for).
pub fn staff_args(username: &str, role: &str) -> Result<crate::store::console::Role, CliError> {
    use crate::store::console::{is_username, Role};
    if !is_username(username) {
        return Err(CliError::Usage(format!("username `{username}`: expected 1–32 letters, digits, `.`, `_` or `-`")));
    }
    Role::parse(role).ok_or_else(|| CliError::Usage(format!("role `{role}`: expected clerk or admin")))
}

pub fn staff_list(store: &Store, json: bool) -> Result<String, CliError> {
    let accounts = store.list_staff()?;
    if json {
        return to_json(&accounts);
    }
    let mut out = String::from("USERNAME\tROLE\tCREATED\tDISABLED");
    for a in &accounts {
        out.push_str(&format!(
            "\n{}\t{}\t{}\t{}",
            a.username,
            a.role.as_str(),
            a.created_at,
            a.disabled_at.as_deref().unwrap_or("-")
        ));
    }
    Ok(out)
}

/// `kiosk-hub staff passwd` with the password already read.
pub fn staff_passwd(store: &Store, username: &str, password: &str) -> Result<String, CliError> {
    store.set_password(username, password)?;
    Ok(format!("set a new password for {username}; its sessions have ended"))
}

pub fn staff_disable(store: &Store, username: &str) -> Result<String, CliError> {
    store.disable_staff(username)?;
    Ok(format!("disabled staff account {username}; its sessions have ended"))
}

/// Reads a password: from the terminal without echo (asked twice) when stdin is one, else the first
/// line of stdin.
pub fn read_password() -> Result<String, CliError> {
    use std::io::{BufRead, IsTerminal, Write};
    let stdin = std::io::stdin();
    let io = |e: std::io::Error| CliError::Other(format!("reading the password: {e}"));
    let line = |input: &mut dyn BufRead| -> Result<String, CliError> {
        let mut s = String::new();
        input.read_line(&mut s).map_err(io)?;
        Ok(s.trim_end_matches(['\r', '\n']).to_string())
    };
    if !stdin.is_terminal() {
        return line(&mut stdin.lock());
    }
    let ask = |prompt: &str| -> Result<String, CliError> {
        // Echo off before the prompt shows (the terminal echoes the newline only, ECHONL).
        let _quiet = NoEcho::new();
        eprint!("{prompt}");
        let _ = std::io::stderr().flush();
        line(&mut stdin.lock())
    };
    let first = ask("Password (not shown): ")?;
    let second = ask("Again: ")?;
    if first != second {
        return Err(CliError::Usage("the two passwords differ".into()));
    }
    Ok(first)
}

/// Terminal echo off on stdin while it lives.
struct NoEcho(Option<rustix::termios::Termios>);

impl NoEcho {
    fn new() -> NoEcho {
        use rustix::termios::{tcgetattr, tcsetattr, LocalModes, OptionalActions};
        let stdin = std::io::stdin();
        let Ok(before) = tcgetattr(&stdin) else { return NoEcho(None) };
        let mut quiet = before.clone();
        quiet.local_modes.remove(LocalModes::ECHO);
        quiet.local_modes.insert(LocalModes::ECHONL);
        match tcsetattr(&stdin, OptionalActions::Now, &quiet) {
            Ok(()) => NoEcho(Some(before)),
            Err(_) => NoEcho(None),
        }
    }
}

impl Drop for NoEcho {
    fn drop(&mut self) {
        if let Some(before) = &self.0 {
            let _ = rustix::termios::tcsetattr(std::io::stdin(), rustix::termios::OptionalActions::Now, before);
        }
    }
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
