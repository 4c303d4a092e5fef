//! The `kiosk` command line as technicians and outside checks use it.

use std::process::Command;

fn kiosk(args: &[&str]) -> std::process::Output {
    kiosk_env(args, &[])
}

/// `kiosk` with a throwaway config and these environment variables set.
fn kiosk_env(args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("kiosk.toml");
    std::fs::write(&config, "terminal_id = \"T-01\"\ncentre_name = \"测试中心\"\ndata_dir = \"data\"\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_kiosk"))
        .arg("--config")
        .arg(&config)
        .args(args)
        .envs(env.iter().copied())
        .output()
        .unwrap();
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
    for file in ["kiosk-config/demo.toml", "kiosk-config/example.toml", "packaging/kiosk.toml"] {
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
fn config_check_without_a_path_checks_the_default_file() {
    // A development build: kiosk-config/demo.toml in the current folder (the installed /usr/bin/kiosk
    // reads /etc/community-kiosk/kiosk.toml instead; tools/test-deb.sh checks that one).
    let run = |dir: &std::path::Path| {
        Command::new(env!("CARGO_BIN_EXE_kiosk")).args(["config", "check"]).current_dir(dir).output().unwrap()
    };
    let out = run(std::path::Path::new(env!("CARGO_MANIFEST_DIR")));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "kiosk-config/demo.toml: ok\n");
    let empty = tempfile::tempdir().unwrap();
    let out = run(empty.path());
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no config file to check: give PATH or --config"), "{err}");
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

/// The RGB rows of a PNG below its top `skip` rows (the header, whose clock changes every minute).
fn pixels_below(png: &std::path::Path, skip: usize) -> Vec<u8> {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(png).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let frame = reader.next_frame(&mut buf).unwrap();
    buf.truncate(frame.buffer_size());
    buf.split_off(skip * frame.line_size)
}

/// `--lang en` renders the English interface; `--lang zh` (the default) the Chinese one, whatever the
/// system locale says (Slint would otherwise pick the English bundle for an English locale).
#[test]
fn screenshot_renders_the_language_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let shot = |name: &str, lang: &[&str], locale: &str| {
        let png = dir.path().join(name);
        let mut args = vec!["screenshot", "--screen", "home", "--out", png.to_str().unwrap(), "--size", "540x960"];
        args.extend(lang);
        let out = kiosk_env(&args, &[("LC_ALL", locale), ("LANG", locale)]);
        assert!(out.status.success(), "{name}: {}", String::from_utf8_lossy(&out.stderr));
        pixels_below(&png, 200)
    };
    let zh = shot("zh.png", &[], "C");
    let en = shot("en.png", &["--lang", "en"], "zh_CN.UTF-8");
    let zh_in_english_locale = shot("zh-en-locale.png", &["--lang", "zh"], "en_US.UTF-8");
    assert!(zh != en, "the English home screen looks like the Chinese one");
    assert!(zh == zh_in_english_locale, "--lang zh under an English locale is not the Chinese screen");

    let png = dir.path().join("x.png");
    let out = kiosk(&["screenshot", "--screen", "home", "--out", png.to_str().unwrap(), "--lang", "fr"]);
    assert_eq!(out.status.code(), Some(2), "an unknown language is a usage error");
    assert!(String::from_utf8_lossy(&out.stderr).contains("zh or en"), "{}", String::from_utf8_lossy(&out.stderr));
}
