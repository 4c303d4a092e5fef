//! The `kiosk` command line as technicians and outside checks use it.

use std::process::Command;

fn kiosk(args: &[&str]) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("kiosk.toml");
    std::fs::write(&config, "terminal_id = \"T-01\"\ncentre_name = \"测试中心\"\ndata_dir = \"data\"\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_kiosk")).arg("--config").arg(&config).args(args).output().unwrap();
    drop(dir);
    out
}

fn search(query: &str) -> Vec<serde_json::Value> {
    let out = kiosk(&["guides", "search", query, "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn searching_by_initials_pinyin_or_chinese_finds_the_senior_card_first() {
    for q in ["ldyd", "laonian", "优待"] {
        let hits = search(q);
        let first = hits.first().unwrap_or_else(|| panic!("{q}: no hits"));
        assert!(first["name"].as_str().unwrap().contains("老年人优待证"), "{q}: first is {first}");
        for key in ["code", "name", "department"] {
            assert!(first[key].is_string(), "{q}: key {key} missing in {first}");
        }
    }
    assert!(search("qqqq").is_empty());
}

#[test]
fn config_check_accepts_the_shipped_files_and_names_what_is_wrong() {
    let root = env!("CARGO_MANIFEST_DIR");
    for file in ["kiosk-config/demo.toml", "kiosk-config/example.toml"] {
        let out = kiosk(&["config", "check", &format!("{root}/{file}")]);
        assert!(out.status.success(), "{file}: {}", String::from_utf8_lossy(&out.stderr));
    }
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        "terminal_id = \"T-01\"\ncentre_name = \"c\"\ndata_dir = \"d\"\n[printer]\npaper = \"wide\"\n",
    )
    .unwrap();
    let out = kiosk(&["config", "check", bad.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.toml") && err.contains("printer.paper"), "{err}");
}

#[test]
fn screenshot_writes_a_png_of_the_requested_size() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("home.png");
    let out = kiosk(&["screenshot", "--screen", "home", "--out", png.to_str().unwrap(), "--size", "540x960"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&png).unwrap()));
    let reader = decoder.read_info().unwrap();
    assert_eq!((reader.info().width, reader.info().height), (540, 960));
    let out = kiosk(&["screenshot", "--screen", "guide:XX9999", "--out", png.to_str().unwrap()]);
    assert!(!out.status.success(), "an unknown item is an error");
}
