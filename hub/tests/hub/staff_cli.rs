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
