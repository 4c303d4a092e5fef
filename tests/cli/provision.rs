//! `kiosk provision --bundle` and `kiosk config check` as an installer's script uses them.

use std::path::{Path, PathBuf};

use crate::{kiosk, stderr};

const CONFIG: &str = "terminal_id = \"T-OLD\"\ncentre_name = \"旧中心\"\ndata_dir = \"data\"\n";

fn terminal() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("kiosk.toml");
    std::fs::write(&config, CONFIG).unwrap();
    (dir, config)
}

#[test]
fn a_valid_bundle_switches_the_config_keeps_a_backup_and_leaves_queued_applications_alone() {
    let (dir, config) = terminal();
    // An application queued under the old terminal id before the move.
    let out = kiosk(&config, &["outbox", "stress", "--count", "1"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let bundle = dir.path().join("move.toml");
    std::fs::write(
        &bundle,
        "terminal_id = \"T-NEW\"\ncentre_name = \"新中心\"\n[printer]\npaper = 58\nqr_mode = \"raster\"\n\
         [idle]\ntimeout_secs = 120\n[staff]\npin_hash = \"$argon2id$v=19$m=19456,t=2,p=1$iiHvfuvDqaB2YTTTaj9MEQ$TWSXRyIIPETqTNvmOHVQHMP75O7fFb4PAnKOPFgzJAE\"\n",
    )
    .unwrap();
    let out = kiosk(&config, &["provision", "--bundle", bundle.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("T-NEW") && stdout.contains("staff.pin_hash changed"), "{stdout}");
    assert!(!stdout.contains("$argon2id"), "no hash on screen: {stdout}");
    assert_eq!(std::fs::read_to_string(dir.path().join("kiosk.toml.bak")).unwrap(), CONFIG);
    let out = kiosk(&config, &["config", "check", config.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "the new config is valid: {}", stderr(&out));

    let out = kiosk(&config, &["outbox", "list", "--json"]);
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["terminal_id"], "T-OLD", "the queued application keeps its terminal id");
    assert_eq!(rows[0]["state"], "queued");

    let db = kiosk::store::Store::open(&dir.path().join("data/kiosk.sqlite3")).unwrap();
    let audit = db.audit_entries(5).unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].1, "staff");
    assert!(audit[0].2.contains("terminal_id: \"T-OLD\" → \"T-NEW\""), "{audit:?}");
    assert!(!audit[0].2.contains("$argon2"), "{audit:?}");
}

#[test]
fn an_invalid_bundle_exits_2_naming_every_problem_and_changes_nothing() {
    let (dir, config) = terminal();
    let bundle = dir.path().join("bad.toml");
    std::fs::write(
        &bundle,
        "centre_name = \"新中心\"\ncolour = \"red\"\n[printer]\nkind = \"serial\"\nport = \"COM3\"\npaper = 57\n\
         [hub]\nurl = \"hub.example.gov.cn\"\nenrolment_code = \"12ab\"\n",
    )
    .unwrap();
    let out = kiosk(&config, &["provision", "--bundle", bundle.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    for key in ["colour", "printer.port", "printer.paper", "hub.url", "hub.enrolment_code"] {
        assert!(err.contains(&format!("key `{key}`")), "{key} not named in: {err}");
    }
    assert!(err.lines().filter(|l| l.contains("key `")).all(|l| l.contains("bad.toml")), "{err}");
    assert!(err.contains("nothing changed"), "{err}");
    assert_eq!(std::fs::read_to_string(&config).unwrap(), CONFIG);
    assert!(!dir.path().join("kiosk.toml.bak").exists());
}

#[test]
fn a_missing_bundle_file_or_config_is_exit_2_or_1() {
    let (dir, config) = terminal();
    let out = kiosk(&config, &["provision", "--bundle", dir.path().join("none.toml").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("cannot read the file"));
    let out = kiosk(&dir.path().join("missing.toml"), &["provision", "--bundle", "x.toml"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
}

#[test]
fn config_check_names_every_problem() {
    let (dir, _) = terminal();
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        "terminal_id = \"T 1\"\ndata_dir = \"d\"\n[idle]\ntimeout_secs = \"ninety\"\n[printer]\nkind = \"serial\"\nport = \"lp0\"\n",
    )
    .unwrap();
    let out = kiosk(&bad, &["config", "check", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    for key in ["centre_name", "idle.timeout_secs", "terminal_id", "printer.port"] {
        assert!(err.contains(&format!("key `{key}`")), "{key} not named in: {err}");
    }
    assert!(err.contains("line 4"), "{err}");
}

#[test]
fn config_check_warns_of_a_serial_port_that_does_not_exist_but_accepts_the_file() {
    let (dir, _) = terminal();
    let file = dir.path().join("kiosk.toml");
    std::fs::write(
        &file,
        format!(
            "{CONFIG}[printer]\nkind = \"serial\"\nport = \"/dev/ttyUSB9-kiosk-test\"\n\
             [id_reader]\nkind = \"serial\"\nport = \"/dev/null\"\n\
             [scanner]\nkind = \"simulated\"\nport = \"/dev/ttyACM9-kiosk-test\"\n"
        ),
    )
    .unwrap();
    let out = kiosk(&file, &["config", "check", file.to_str().unwrap()]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "a missing device is a warning, not an error: {err}");
    assert!(String::from_utf8_lossy(&out.stdout).contains(": ok"));
    let warnings: Vec<&str> = err.lines().filter(|l| l.starts_with("warning: ")).collect();
    assert_eq!(warnings.len(), 1, "only the serial printer's port is missing: {err}");
    assert!(
        warnings[0].contains("kiosk.toml")
            && warnings[0].contains("[printer] port = \"/dev/ttyUSB9-kiosk-test\"")
            && warnings[0].contains("no such device"),
        "{err}"
    );

    // With a real problem too, both are shown and the exit code is the problem's.
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        format!("{CONFIG}[printer]\nkind = \"serial\"\nport = \"/dev/ttyUSB9-kiosk-test\"\npaper = 57\n"),
    )
    .unwrap();
    let out = kiosk(&bad, &["config", "check", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("key `printer.paper`") && err.contains("warning: "), "{err}");
}

#[test]
fn the_demo_config_has_no_device_warnings() {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("kiosk-config/demo.toml");
    let out = kiosk(&demo, &["config", "check", demo.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stderr(&out).contains("warning"), "simulated devices never warn: {}", stderr(&out));
}

#[test]
fn provisioning_a_bundle_with_a_missing_serial_port_warns_and_still_applies_it() {
    let (dir, config) = terminal();
    let bundle = dir.path().join("usb-printer.toml");
    std::fs::write(&bundle, "[printer]\nkind = \"serial\"\nport = \"/dev/ttyUSB9-kiosk-test\"\n").unwrap();
    let out = kiosk(&config, &["provision", "--bundle", bundle.to_str().unwrap()]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.lines().any(|l| l.starts_with("warning: ")
            && l.contains("usb-printer.toml")
            && l.contains("[printer] port = \"/dev/ttyUSB9-kiosk-test\"")),
        "{err}"
    );
    assert!(std::fs::read_to_string(&config).unwrap().contains("/dev/ttyUSB9-kiosk-test"));
}

#[test]
fn rollback_puts_the_backup_back_audited_and_a_second_rollback_undoes_it() {
    let (dir, config) = terminal();
    let out = kiosk(&config, &["provision", "--rollback"]);
    assert_eq!(out.status.code(), Some(1), "no backup yet: {}", stderr(&out));
    assert!(stderr(&out).contains("no backup"), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&config).unwrap(), CONFIG);

    let bundle = dir.path().join("move.toml");
    std::fs::write(&bundle, "terminal_id = \"T-NEW\"\n").unwrap();
    let out = kiosk(&config, &["provision", "--bundle", bundle.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let provisioned = std::fs::read_to_string(&config).unwrap();

    let out = kiosk(&config, &["provision", "--rollback"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("rolled back to T-OLD"));
    assert_eq!(std::fs::read_to_string(&config).unwrap(), CONFIG);
    assert_eq!(std::fs::read_to_string(dir.path().join("kiosk.toml.bak")).unwrap(), provisioned);
    assert!(!dir.path().join("kiosk.toml.new").exists() && !dir.path().join("kiosk.toml.bak.new").exists());
    let db = kiosk::store::Store::open(&dir.path().join("data/kiosk.sqlite3")).unwrap();
    assert!(db.audit_entries(1).unwrap()[0].2.starts_with("rolled back to the previous config (T-OLD)"));
    drop(db);

    let out = kiosk(&config, &["provision", "--rollback"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&config).unwrap(), provisioned, "a second rollback undoes the first");

    // An invalid backup changes nothing; --bundle and --rollback together are a usage error.
    std::fs::write(dir.path().join("kiosk.toml.bak"), "colour = \"red\"\n").unwrap();
    let out = kiosk(&config, &["provision", "--rollback"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("key `colour`"), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&config).unwrap(), provisioned);
    let out = kiosk(&config, &["provision", "--rollback", "--bundle", bundle.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let out = kiosk(&config, &["provision"]);
    assert_eq!(out.status.code(), Some(2), "one of the two is required");
}
