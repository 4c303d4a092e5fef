//! Provisioning bundles: `kiosk::staff::bundle::validate`, the bundle merged into a current config.
//! The input is the bundle; after a line `#==current==` it is the current config text instead of
//! kiosk-config/example.toml.
#![no_main]

use std::path::Path;

use kiosk::config::Config;
use libfuzzer_sys::fuzz_target;

const EXAMPLE: &str = include_str!("../../kiosk-config/example.toml");
const SPLIT: &str = "\n#==current==\n";

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else { return };
    let (bundle, current) = input.split_once(SPLIT).unwrap_or((input, EXAMPLE));
    let file = Path::new("bundle.toml");
    match kiosk::staff::bundle::validate(bundle, file, current) {
        Ok(v) => {
            // What would be written is a valid config file, read back as the validated config.
            let written = Config::parse(&v.text, Path::new("kiosk.toml")).expect("the written config is valid");
            assert_eq!(written, v.config);
            assert!(v.config.problems().is_empty());
            if let Some(code) = &v.enrolment_code {
                assert!((4..=16).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_digit()));
                assert!(!v.text.contains("enrolment_code"), "the enrolment code is never written");
            }
            if let Some(url) = &v.hub_url {
                assert!(kiosk::staff::bundle::url_problem(url).is_none());
            }
            for w in &v.warnings {
                let _ = (w.to_string(), w.zh());
            }
        }
        Err(errors) => {
            assert!(!errors.is_empty(), "a refused bundle names at least one problem");
            for e in &errors {
                let _ = (e.to_string(), e.zh());
            }
        }
    }
});
