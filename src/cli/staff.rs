//! `kiosk staff hash-pin` and `kiosk provision --bundle|--rollback`: what an installer's script runs.

use std::io::{BufRead, Write};
use std::path::Path;

use crate::config::Config;
use crate::staff::provision::{self, ProvisionError};
use crate::store::Store;

/// Reads a PIN from `input` and prints its argon2id hash: exit 0, or 2 when it is not 4 to 12 digits.
pub fn hash_pin(input: &mut dyn BufRead, out: &mut dyn Write) -> anyhow::Result<i32> {
    let mut pin = String::new();
    input.read_line(&mut pin)?;
    let pin = pin.trim();
    if !crate::staff::pin::pin_form_ok(pin) {
        eprintln!("a PIN is 4 to 12 digits");
        return Ok(2);
    }
    writeln!(out, "{}", crate::staff::pin::hash_pin(pin).map_err(anyhow::Error::msg)?)?;
    Ok(0)
}

/// `kiosk provision --bundle PATH`: 0 done, 2 invalid bundle, 1 other errors.
pub fn provision(config_path: Option<&Path>, bundle: &Path) -> i32 {
    let Some(path) = super::config_file(config_path) else {
        eprintln!("no config file to provision: pass --config PATH");
        return 1;
    };
    match provision::provision(&path, bundle) {
        Ok((validated, config)) => {
            let what = format!("provisioned from {} (command line)", bundle.display());
            if let Err(e) = audit(&config, &what, &validated.changes) {
                eprintln!("config switched, but the audit log could not be written: {e}");
                return 1;
            }
            println!("{}: provisioned as {} ({})", path.display(), config.terminal_id, config.centre_name);
            for c in &validated.changes {
                println!("  {c}");
            }
            for n in &validated.notes {
                println!("  note: {n}");
            }
            for w in &validated.warnings {
                eprintln!("warning: {w}");
            }
            println!("previous config kept as {}", provision::backup_path(&path).display());
            0
        }
        Err(e) => report(e, ""),
    }
}

/// `kiosk enrol --hub URL --code CODE`: 0 done, 2 refused or invalid (nothing changed), 1 other errors.
pub fn enrol(config_path: Option<&Path>, hub: &str, code: &str) -> i32 {
    use crate::staff::enrol::{self, EnrolError};
    let Some(path) = super::config_file(config_path) else {
        eprintln!("no config file to enrol: pass --config PATH");
        return 1;
    };
    match enrol::enrol(&path, hub, code) {
        Ok(enrolled) => {
            let config = &enrolled.config;
            let what = format!("enrolled with the hub {hub} (command line)");
            if let Err(e) = audit(config, &what, &enrolled.changes) {
                eprintln!("enrolled, but the audit log could not be written: {e}");
                return 1;
            }
            println!("{}: enrolled as {} ({}) with {hub}", path.display(), config.terminal_id, config.centre_name);
            for c in &enrolled.changes {
                println!("  {c}");
            }
            println!("previous config kept as {}", provision::backup_path(&path).display());
            0
        }
        Err(EnrolError::Invalid(errors)) => report(ProvisionError::Invalid(errors), " in the hub's answer"),
        Err(e @ (EnrolError::CodeForm | EnrolError::HubUrl(_) | EnrolError::Refused { .. })) => {
            eprintln!("错误 error: {e}\n{}", e.zh());
            2
        }
        Err(e) => {
            eprintln!("错误 error: {e}");
            1
        }
    }
}

/// Writes the audit entry of a config switched into the new config's database.
fn audit(config: &Config, what: &str, changes: &[String]) -> Result<(), crate::store::StoreError> {
    Store::open(&config.database_path())?.audit(crate::staff::AUDIT_WHO, &crate::staff::audit_line(what, changes))
}

/// Prints a provisioning error (`found_in` after "problem(s)": where the invalid config was) and
/// returns the exit code: 2 for an invalid config (nothing changed), 1 for other errors.
fn report(error: ProvisionError, found_in: &str) -> i32 {
    match error {
        ProvisionError::Invalid(errors) => {
            for e in &errors {
                eprintln!("{e}");
            }
            eprintln!("{} problem(s){found_in}; nothing changed", errors.len());
            2
        }
        ProvisionError::Io(e) => {
            eprintln!("错误 error: {e}");
            1
        }
    }
}

/// `kiosk provision --rollback`: the previous config back, audited as the staff screen audits it.
/// 0 done, 2 the backup is not a valid config (nothing changed), 1 no backup or other errors.
pub fn rollback(config_path: Option<&Path>) -> i32 {
    let Some(path) = super::config_file(config_path) else {
        eprintln!("no config file to roll back: pass --config PATH");
        return 1;
    };
    match provision::rollback(&path) {
        Ok(config) => {
            let what = format!("rolled back to the previous config ({}) (command line)", config.terminal_id);
            if let Err(e) =
                Store::open(&config.database_path()).and_then(|mut s| s.audit(crate::staff::AUDIT_WHO, &what))
            {
                eprintln!("config rolled back, but the audit log could not be written: {e}");
                return 1;
            }
            println!("{}: rolled back to {} ({})", path.display(), config.terminal_id, config.centre_name);
            println!("the config before the rollback is kept as {}", provision::backup_path(&path).display());
            0
        }
        Err(e) => report(e, " in the backup"),
    }
}
