//! `kiosk-hub staff add|list|disable`: the password read from stdin when it is not a terminal (never
//! from an argument), stored as argon2id; exit codes as the other commands.

use std::io::Write;
use std::process::{Output, Stdio};

use crate::common::{kiosk_hub, stderr};

fn config(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("hub.toml");
    std::fs::write(&path, "listen = \"127.0.0.1:0\"\ndatabase = \"hub.sqlite3\"\n").unwrap();
    path
}

fn run(config: &std::path::Path, args: &[&str], stdin: &str) -> Output {
    let mut child = kiosk_hub(config)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

#[test]
fn staff_accounts_are_added_listed_and_disabled_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path());
    let out = run(&config, &["staff", "add", "--username", "li.admin", "--role", "admin"], "correct horse battery\n");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "added admin account li.admin\n");

    let store = kiosk_hub::store::Store::open(&dir.path().join("hub.sqlite3")).unwrap();
    let login = store.login("li.admin", "correct horse battery", "127.0.0.1", 30).unwrap();
    assert!(matches!(login, kiosk_hub::store::console::Login::Ok { .. }), "the password from stdin: {login:?}");
    drop(store);

    let again = run(&config, &["staff", "add", "--username", "li.admin", "--role", "clerk"], "another password\n");
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("already exists"), "{}", stderr(&again));
    let short = run(&config, &["staff", "add", "--username", "wang", "--role", "clerk"], "short\n");
    assert_eq!(short.status.code(), Some(2));
    assert!(stderr(&short).contains("at least 10 characters"), "{}", stderr(&short));
    let role = run(&config, &["staff", "add", "--username", "wang", "--role", "boss"], "");
    assert_eq!(role.status.code(), Some(2));
    assert!(stderr(&role).contains("expected clerk or admin"), "{}", stderr(&role));

    let list = run(&config, &["staff", "list"], "");
    assert!(list.status.success());
    let text = stdout(&list);
    assert!(text.starts_with("USERNAME\tROLE\tCREATED\tDISABLED\nli.admin\tadmin\t"), "{text}");
    assert!(!text.contains("argon2"), "never the hash");

    let passwd = run(&config, &["staff", "passwd", "--username", "li.admin"], "a brand new password\n");
    assert!(passwd.status.success(), "{}", stderr(&passwd));
    let store = kiosk_hub::store::Store::open(&dir.path().join("hub.sqlite3")).unwrap();
    let login = store.login("li.admin", "a brand new password", "127.0.0.1", 30).unwrap();
    assert!(matches!(login, kiosk_hub::store::console::Login::Ok { .. }), "the new password: {login:?}");
    drop(store);
    let nobody = run(&config, &["staff", "passwd", "--username", "nobody"], "a brand new password\n");
    assert_eq!(nobody.status.code(), Some(2), "not found");

    let off = run(&config, &["staff", "disable", "--username", "li.admin"], "");
    assert!(off.status.success(), "{}", stderr(&off));
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&run(&config, &["staff", "list", "--json"], ""))).unwrap();
    assert!(json[0]["disabled_at"].is_string(), "{json}");
    assert_eq!(json[0]["role"], "admin");
    let unknown = run(&config, &["staff", "disable", "--username", "nobody"], "");
    assert_eq!(unknown.status.code(), Some(2), "not found");
}

/// On a terminal (a pseudo-terminal made by util-linux's `script`, Debian's essential bsdutils) the
/// password is asked for twice and never echoed.
#[test]
fn on_a_terminal_the_password_is_asked_twice_and_not_shown() {
    assert!(
        std::process::Command::new("script").arg("--version").output().is_ok_and(|o| o.status.success()),
        "this test needs util-linux's `script` (Debian: apt-get install bsdutils)"
    );
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path());
    let command = format!(
        "{} --config {} staff add --username tty.admin --role admin",
        env!("CARGO_BIN_EXE_kiosk-hub"),
        config.display()
    );
    let mut child = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout_pipe = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel::<Vec<u8>>();
    std::thread::spawn(move || {
        let mut chunk = [0u8; 1024];
        while let Ok(n @ 1..) = std::io::Read::read(&mut stdout_pipe, &mut chunk) {
            let _ = tx.send(chunk[..n].to_vec());
        }
    });
    let mut seen = Vec::new();
    let mut wait_for = |prompt: &str| {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while !String::from_utf8_lossy(&seen).contains(prompt) {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            let chunk =
                rx.recv_timeout(left).unwrap_or_else(|_| panic!("no `{prompt}`: {}", String::from_utf8_lossy(&seen)));
            seen.extend(chunk);
        }
    };
    // Typed as a person types: each line after its prompt (with echo off by then).
    wait_for("Password (not shown): ");
    stdin.write_all(b"tty secret password\n").unwrap();
    wait_for("Again: ");
    stdin.write_all(b"tty secret password\n").unwrap();
    wait_for("added admin account");
    drop(stdin);
    let status = child.wait().unwrap();
    while let Ok(chunk) = rx.recv_timeout(std::time::Duration::from_millis(200)) {
        seen.extend(chunk);
    }
    assert!(status.success(), "{}", String::from_utf8_lossy(&seen));
    let text = String::from_utf8_lossy(&seen).into_owned();
    assert!(text.contains("Password (not shown): ") && text.contains("Again: "), "{text}");
    assert!(text.contains("added admin account tty.admin"), "{text}");
    assert!(!text.contains("tty secret password"), "the password was echoed: {text}");
    let store = kiosk_hub::store::Store::open(&dir.path().join("hub.sqlite3")).unwrap();
    let login = store.login("tty.admin", "tty secret password", "127.0.0.1", 30).unwrap();
    assert!(matches!(login, kiosk_hub::store::console::Login::Ok { .. }), "{login:?}");
}
