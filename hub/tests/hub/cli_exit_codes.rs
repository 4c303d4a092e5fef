//! The `kiosk-hub` binary as staff use it: stdout carries only the result, stderr one line of reason,
//! exit 0 ok, 2 usage or not found, 1 other errors.

use std::process::Output;

use crate::common::{kiosk_hub, stderr};

struct Staff {
    dir: tempfile::TempDir,
}

impl Staff {
    fn new() -> Staff {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("hub.toml"), "listen = \"127.0.0.1:0\"\ndatabase = \"data/hub.sqlite3\"\n")
            .unwrap();
        std::fs::create_dir(dir.path().join("data")).unwrap();
        Staff { dir }
    }

    /// The same commands on a new database of the tests' PostgreSQL.
    fn postgres() -> Staff {
        let url = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(crate::pg::new_database());
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("hub.toml"), format!("listen = \"127.0.0.1:0\"\ndatabase = \"{url}\"\n"))
            .unwrap();
        Staff { dir }
    }

    fn run(&self, args: &[&str]) -> Output {
        kiosk_hub(&self.dir.path().join("hub.toml")).args(args).output().unwrap()
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

#[test]
fn terminals_add_prints_only_the_token() {
    let staff = Staff::new();
    terminals_add_prints_only_the_token_on(&staff);
    assert!(staff.dir.path().join("data/hub.sqlite3").exists(), "database relative to the config file");
}

#[test]
fn terminals_add_prints_only_the_token_on_postgres() {
    if crate::pg::available("terminals_add_prints_only_the_token_on_postgres") {
        terminals_add_prints_only_the_token_on(&Staff::postgres());
    }
}

fn terminals_add_prints_only_the_token_on(staff: &Staff) {
    let out = staff.run(&["terminals", "add", "--id", "SF-QST-01", "--name", "七星社区 1号机"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1, "{text}");
    assert_eq!(lines[0].len(), 64);
    assert!(lines[0].bytes().all(|b| b.is_ascii_hexdigit()));

    let again = staff.run(&["terminals", "add", "--id", "SF-QST-01"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(stdout(&again).is_empty());
    assert_eq!(stderr(&again).lines().count(), 1, "{}", stderr(&again));

    let list = staff.run(&["terminals", "list", "--json"]);
    let terminals: serde_json::Value = serde_json::from_str(&stdout(&list)).unwrap();
    assert_eq!(terminals[0]["id"], "SF-QST-01");
    assert_eq!(terminals[0]["name"], "七星社区 1号机");
    assert!(!stdout(&list).contains(lines[0]), "the token is never shown again");
}

#[test]
fn usage_and_not_found_exit_2_other_errors_exit_1() {
    usage_and_not_found_exit_2_other_errors_exit_1_on(&Staff::new());
}

#[test]
fn usage_and_not_found_exit_2_other_errors_exit_1_on_postgres() {
    if crate::pg::available("usage_and_not_found_exit_2_other_errors_exit_1_on_postgres") {
        usage_and_not_found_exit_2_other_errors_exit_1_on(&Staff::postgres());
    }
}

fn usage_and_not_found_exit_2_other_errors_exit_1_on(staff: &Staff) {
    assert_eq!(staff.run(&["terminals", "frobnicate"]).status.code(), Some(2));
    assert_eq!(staff.run(&["terminals", "add", "--id", "bad id"]).status.code(), Some(2));
    assert_eq!(staff.run(&["terminals", "revoke", "SF-QST-99"]).status.code(), Some(2));
    assert_eq!(staff.run(&["applications", "set-status", "42", "processing"]).status.code(), Some(2));
    assert_eq!(staff.run(&["applications", "list", "--status", "lost"]).status.code(), Some(2));
    assert_eq!(staff.run(&["catalog", "publish", "/nonexistent/catalog.json"]).status.code(), Some(2));

    let bad = staff.dir.path().join("bad.json");
    std::fs::write(&bad, "{\"version\": 1}").unwrap();
    let out = staff.run(&["catalog", "publish", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("`items`"), "{}", stderr(&out));

    let good = staff.dir.path().join("good.json");
    std::fs::write(&good, "{\"version\": 2, \"items\": []}").unwrap();
    let out = staff.run(&["catalog", "publish", good.to_str().unwrap()]);
    assert_eq!(stdout(&out).trim(), "published catalogue version 2 (0 items)");
    assert_eq!(staff.run(&["catalog", "publish", good.to_str().unwrap()]).status.code(), Some(1));

    let out = staff.run(&["applications", "list", "--json"]);
    assert!(out.status.success());
    assert_eq!(stdout(&out).trim(), "[]");
}

#[test]
fn a_config_error_names_the_file_and_key() {
    let staff = Staff::new();
    std::fs::write(staff.dir.path().join("hub.toml"), "listen = \"nowhere\"\n").unwrap();
    let out = staff.run(&["terminals", "list"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("hub.toml: key `listen`: expected a socket address"), "{err}");
}

/// `serve`, waited for at most 20 s (killed after: it would be serving).
fn serve_briefly(staff: &Staff) -> Output {
    use std::process::Stdio;
    let mut child = kiosk_hub(&staff.dir.path().join("hub.toml"))
        .arg("serve")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            child.kill().unwrap();
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}

fn assert_refused_naming_the_file(staff: &Staff, out: &Output) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(1), "refuses to start: {err}");
    let file = staff.dir.path().join("data/hub.sqlite3");
    assert!(err.contains(&file.display().to_string()), "names the file: {err}");
    assert!(err.contains("is damaged") && err.contains("数据库文件已损坏"), "{err}");
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(stdout(out).is_empty());
}

#[test]
fn serve_refuses_a_database_that_is_not_one_naming_the_file() {
    let staff = Staff::new();
    let file = staff.dir.path().join("data/hub.sqlite3");
    let junk: Vec<u8> = (0..16 * 1024u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    std::fs::write(&file, &junk).unwrap();
    assert_refused_naming_the_file(&staff, &serve_briefly(&staff));
    assert_eq!(std::fs::read(&file).unwrap(), junk, "the file is left as it was");
}

#[test]
fn serve_refuses_a_database_with_a_damaged_page_naming_the_file() {
    let staff = Staff::new();
    assert!(staff.run(&["terminals", "add", "--id", "SF-QST-01"]).status.success());
    let file = staff.dir.path().join("data/hub.sqlite3");
    assert!(!staff.dir.path().join("data/hub.sqlite3-wal").exists(), "checkpointed on close");
    let mut bytes = std::fs::read(&file).unwrap();
    let page = 4096;
    // The page holding the terminal's row (not page 1: the file still opens as a database).
    let at = bytes[page..].windows(9).position(|w| w == b"SF-QST-01").expect("the terminal is in the file") + page;
    let start = at / page * page;
    for (i, b) in bytes[start..start + page].iter_mut().enumerate() {
        *b = (i as u32).wrapping_mul(2_654_435_761).to_be_bytes()[1] | 0x80;
    }
    std::fs::write(&file, &bytes).unwrap();
    assert_refused_naming_the_file(&staff, &serve_briefly(&staff));
}
