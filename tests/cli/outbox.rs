//! `kiosk outbox list|show|reprint` as technicians use them, on applications really submitted.

use crate::kiosk;

#[test]
fn list_show_and_reprint_an_application() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("kiosk.toml");
    std::fs::write(&config, "terminal_id = \"T-CLI\"\ncentre_name = \"测试中心\"\ndata_dir = \"data\"\n").unwrap();
    let out = kiosk(&config, &["outbox", "stress", "--count", "2"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let out = kiosk(&config, &["outbox", "list", "--json"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains("张演英") && !text.contains("43020419530816102X"), "no personal fields: {text}");
    let rows: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    assert_eq!(rows.len(), 2);
    for key in ["acceptance_no", "item_code", "item_name", "kind", "state", "created_at", "masked_name", "slip_printed"]
    {
        assert!(!rows[0][key].is_null(), "key {key} in {}", rows[0]);
    }
    assert_eq!(rows[0]["state"], "queued");
    assert_eq!(rows[0]["masked_name"], "张*英");
    assert_eq!(rows[0]["slip_printed"], false);
    let no = rows[0]["acceptance_no"].as_str().unwrap().to_string();
    assert!(no.starts_with("T-CLI-"), "{no}");

    let out = kiosk(&config, &["outbox", "show", &no, "--json"]);
    let shown: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(shown["acceptance_no"], no.as_str());

    // The configured printer is the built-in simulator: the reprint comes out as a PNG.
    let out = kiosk(&config, &["outbox", "reprint", &no]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(dir.path().join(format!("data/printouts/{no}.png")).exists());
    let out = kiosk(&config, &["outbox", "show", &no, "--json"]);
    let shown: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(shown["slip_printed"], true);

    let out = kiosk(&config, &["outbox", "show", "T-CLI-19990101-0001"]);
    assert_eq!(out.status.code(), Some(2), "unknown numbers exit 2");
    let out = kiosk(&config, &["outbox", "reprint", &no, "--port", "/dev/kiosk-no-such-printer"]);
    assert_eq!(out.status.code(), Some(3), "a missing printer exits 3");
}

#[test]
fn a_damaged_database_is_named_in_chinese_and_english_and_left_for_the_kiosk_to_recover() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("kiosk.toml");
    std::fs::write(&config, "terminal_id = \"T-CLI\"\ncentre_name = \"测试中心\"\ndata_dir = \"data\"\n").unwrap();
    let out = kiosk(&config, &["outbox", "stress", "--count", "1"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let file = dir.path().join("data/kiosk.sqlite3");
    let junk: Vec<u8> = (0..32 * 1024u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8).collect();
    std::fs::write(&file, &junk).unwrap();

    for args in [&["outbox", "list", "--json"][..], &["grid", "list"][..], &["guides", "search", "老年"][..]] {
        let out = kiosk(&config, args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?}");
        assert!(err.contains("数据库文件已损坏") && err.contains("is damaged"), "{args:?}: {err}");
        assert!(err.contains(&file.display().to_string()), "{args:?} names the file: {err}");
    }
    assert_eq!(std::fs::read(&file).unwrap(), junk, "left in place: the kiosk may be running on it");
    let names: Vec<_> = std::fs::read_dir(dir.path().join("data")).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(!names.iter().any(|n| n.to_string_lossy().contains(".corrupt-")), "{names:?}");
}
