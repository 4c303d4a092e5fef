//! The terminal's config file: `kiosk::config::Config::parse` (what `kiosk run` does) and
//! `Config::check_text` (what `kiosk config check` does) on the same text.
#![no_main]

use std::path::Path;

use kiosk::config::Config;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let file = Path::new("kiosk.toml");
    let parsed = Config::parse(text, file);
    let checked = Config::check_text(text, file);
    match (&parsed, &checked) {
        (Ok(config), Ok(same)) => {
            assert_eq!(config, same, "run and check read the file differently");
            // A valid config passes its own validation, and written out (as a provisioning bundle
            // writes it) it is read back the same.
            assert!(config.problems().is_empty());
            let written = kiosk_toml(config);
            let back = Config::parse(&written, file).expect("a valid config, written, parses");
            assert_eq!(&back, config);
            let _ = (config.database_path(), config.screen.service_hours(), config.keyboard.fuzzy_pairs());
            let _ = config.hub.base_url();
            let _ = format!("{:?}", config.hub);
        }
        (Err(e), Err(all)) => {
            assert!(!all.is_empty());
            let _ = (e.to_string(), e.zh());
            for e in all {
                let _ = (e.to_string(), e.zh());
            }
        }
        (Ok(_), Err(all)) => panic!("`kiosk run` accepts a file that `kiosk config check` refuses: {all:?}"),
        (Err(e), Ok(_)) => panic!("`kiosk config check` accepts a file that `kiosk run` refuses: {e:?}"),
    }
});

/// Written out with `toml`, the token put back: `[hub] terminal_token` is never serialized (a secret),
/// so a writer has to carry it over itself.
fn kiosk_toml(config: &Config) -> String {
    let mut table = toml::Table::try_from(config).expect("a valid config serializes to TOML");
    if let (Some(token), Some(toml::Value::Table(hub))) = (&config.hub.terminal_token, table.get_mut("hub")) {
        hub.insert("terminal_token".into(), toml::Value::String(token.clone()));
    }
    toml::to_string(&table).expect("a valid config serializes to TOML")
}
