//! Provisioning bundles: a TOML file that moves a terminal to another centre or changes its devices.
//!
//! ```toml
//! terminal_id = "SF-HTL-03"
//! centre_name = "荷塘区月塘街道便民服务中心"
//! holidays = ["2026-10-01"]
//! [hub]
//! url = "https://hub.example.gov.cn"
//! enrolment_code = "493027"      # exchanged for the terminal's token; never written to the config
//! [id_reader]                     # as in the config: kind, port, baud, …
//! [printer]                       # kind, port, paper (58/80), qr_mode (native/raster), …
//! [scanner]
//! [idle]                          # timeout_secs, warning_secs
//! [staff]
//! pin_hash = "$argon2id$v=19$…"
//! ```
//!
//! [`validate`] merges a bundle into the terminal's current config text and checks the result in
//! full: every problem is named with the bundle's file, the key and the expected form, and nothing
//! is written unless there are none.

use std::path::Path;

use crate::config::{Config, ConfigError, ConfigWarning, Problem, UrlFault};

/// Top-level keys a bundle may set; everything else (data folder, screen, …) stays the terminal's own.
const SECTIONS: [&str; 9] =
    ["terminal_id", "centre_name", "holidays", "hub", "id_reader", "printer", "scanner", "idle", "staff"];

/// A bundle that passed validation, ready to be written.
#[derive(Debug, Clone)]
pub struct Validated {
    /// The new config (data folder as written in the file, not yet resolved).
    pub config: Config,
    /// The new config file's text.
    pub text: String,
    /// What changes, one line per key, for the audit log and the screen (no secrets).
    pub changes: Vec<String>,
    /// Things staff should know (e.g. a hub section this build cannot store yet).
    pub notes: Vec<String>,
    /// Serial devices of the new config that are not there now (they may be plugged in later).
    pub warnings: Vec<ConfigWarning>,
    /// The hub address and enrolment code, for the hub enrolment (not part of the config).
    pub hub_url: Option<String>,
    pub enrolment_code: Option<String>,
}

/// Reads `bundle` and merges it into `current` (the text of the terminal's config file).
pub fn validate_file(bundle: &Path, current: &str) -> Result<Validated, Vec<ConfigError>> {
    let text = std::fs::read_to_string(bundle)
        .map_err(|e| vec![ConfigError::new(bundle, "", Problem::Unreadable(e.to_string()))])?;
    validate(&text, bundle, current)
}

/// Validates bundle text against the current config text; `file` names the bundle in messages.
pub fn validate(text: &str, file: &Path, current: &str) -> Result<Validated, Vec<ConfigError>> {
    let err = |key: &str, problem: Problem| ConfigError::new(file, key, problem);
    let mut bundle: toml::Table = text
        .parse()
        .map_err(|e: toml::de::Error| vec![err("", Problem::BundleNotToml(e.message().trim().to_string()))])?;
    let base: toml::Table =
        current.parse().map_err(|e: toml::de::Error| vec![err("", Problem::CurrentNotToml(e.to_string()))])?;
    let mut errors = Vec::new();
    for key in bundle.keys().filter(|k| !SECTIONS.iter().any(|s| s == k)) {
        errors.push(err(key, Problem::NotBundleKey { allowed: SECTIONS.join(", ") }));
    }
    bundle.retain(|k, _| SECTIONS.contains(&k));

    // [hub]: checked here, because the config may not know it (the enrolment code never goes there).
    let (mut hub_url, mut enrolment_code) = (None, None);
    if let Some(hub) = bundle.get("hub") {
        match hub.as_table() {
            None => errors.push(err("hub", Problem::HubNotTable)),
            Some(t) => {
                for key in t.keys().filter(|k| !["url", "enrolment_code"].contains(&k.as_str())) {
                    errors.push(err(&format!("hub.{key}"), Problem::NotHubKey));
                }
                match t.get("url").map(|v| v.as_str()) {
                    None => errors.push(err("hub.url", Problem::UrlRequired)),
                    Some(None) => errors.push(err("hub.url", Problem::UrlNotText)),
                    Some(Some(u)) => match url_problem(u) {
                        Some(p) => errors.push(err("hub.url", p)),
                        None => hub_url = Some(u.to_string()),
                    },
                }
                match t.get("enrolment_code").map(|v| v.as_str()) {
                    None => {}
                    Some(Some(c)) if (4..=16).contains(&c.len()) && c.bytes().all(|b| b.is_ascii_digit()) => {
                        enrolment_code = Some(c.to_string())
                    }
                    Some(_) => errors.push(err("hub.enrolment_code", Problem::EnrolmentCode)),
                }
            }
        }
    }
    if let Some(staff) = bundle.get("staff").and_then(|v| v.as_table()) {
        for key in staff.keys().filter(|k| k.as_str() != "pin_hash") {
            errors.push(err(&format!("staff.{key}"), Problem::BundleStaffKey));
        }
    }

    // Merge section by section: a bundle's [printer] changes the keys it names, not the others.
    let mut merged = base.clone();
    for (key, value) in &bundle {
        if key == "hub" || key == "staff" && !value.is_table() {
            continue;
        }
        match (merged.get_mut(key), value) {
            (Some(toml::Value::Table(into)), toml::Value::Table(from)) => {
                for (k, v) in from {
                    if key == "staff" && k != "pin_hash" {
                        continue;
                    }
                    into.insert(k.clone(), v.clone());
                }
            }
            _ => {
                merged.insert(key.clone(), value.clone());
            }
        }
    }
    let mut notes = Vec::new();
    // The hub's address goes into the config when this build's config has a [hub] section.
    if let (Some(url), Some(hub)) = (&hub_url, bundle.get("hub")) {
        let mut with_hub = merged.clone();
        let mut t = toml::Table::new();
        t.insert("url".into(), toml::Value::String(url.clone()));
        match with_hub.get_mut("hub") {
            Some(toml::Value::Table(existing)) => {
                existing.insert("url".into(), toml::Value::String(url.clone()));
            }
            _ => {
                with_hub.insert("hub".into(), toml::Value::Table(t));
            }
        }
        let hub_errors: Vec<ConfigError> =
            match Config::check_text(&toml::to_string(&with_hub).unwrap_or_default(), file) {
                Ok(_) => Vec::new(),
                Err(es) => es.into_iter().filter(|e| e.key == "hub" || e.key.starts_with("hub.")).collect(),
            };
        let _ = hub;
        if hub_errors.is_empty() {
            merged = with_hub;
        } else if hub_errors.iter().all(|e| e.key == "hub.terminal_token") {
            // The token comes from enrolling with the hub, which the hub cannot do yet.
            notes.push(format!(
                "中心平台地址 {url} 已校验，但本终端还没有中心平台令牌（hub.terminal_token），地址未写入；请在中心平台登记后填写。"
            ));
        } else {
            notes.push(format!("中心平台地址 {url} 已校验，但本版本的配置不接受它，未写入。"));
        }
    }
    let new_text = match toml::to_string(&merged) {
        Ok(t) => t,
        Err(e) => {
            errors.push(err("", Problem::CannotMerge(e.to_string())));
            return Err(errors);
        }
    };
    let config = match Config::check_text(&new_text, file) {
        Ok(c) => Some(c),
        Err(es) => {
            for e in es {
                if !errors.iter().any(|x| x.key == e.key) {
                    // The merged text has other line numbers than the bundle: drop them.
                    errors.push(ConfigError { line: None, ..e });
                }
            }
            None
        }
    };
    match config {
        Some(config) if errors.is_empty() => {
            let mut changes = changes(&base, &merged);
            if enrolment_code.is_some() {
                changes.push("hub.enrolment_code given (not stored)".into());
            }
            let warnings = config.port_warnings(file);
            Ok(Validated { config, text: new_text, changes, notes, warnings, hub_url, enrolment_code })
        }
        _ => Err(errors),
    }
}

/// Why `u` is not a usable hub address, if it is not.
pub fn url_problem(u: &str) -> Option<Problem> {
    let fault = match url::Url::parse(u) {
        Err(e) => UrlFault::Unparsable(e.to_string()),
        Ok(p) if !["http", "https"].contains(&p.scheme()) => UrlFault::Scheme(p.scheme().to_string()),
        Ok(p) if p.host_str().is_none_or(str::is_empty) => UrlFault::NoHost,
        Ok(_) => return None,
    };
    Some(Problem::BadUrl { url: u.to_string(), fault })
}

/// Keys whose values are never shown (the audit log says only that they changed).
fn secret(key: &str) -> bool {
    key.contains("pin_hash") || key.contains("token") || key.contains("enrolment")
}

/// "key: old → new" for every changed key.
fn changes(old: &toml::Table, new: &toml::Table) -> Vec<String> {
    let (mut a, mut b) = (Vec::new(), Vec::new());
    flatten("", old, &mut a);
    flatten("", new, &mut b);
    let mut out = Vec::new();
    for (key, value) in &b {
        let before = a.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
        if before == Some(value.as_str()) {
            continue;
        }
        out.push(if secret(key) {
            format!("{key} changed")
        } else {
            format!("{key}: {} → {value}", before.unwrap_or("(unset)"))
        });
    }
    out
}

fn flatten(prefix: &str, t: &toml::Table, out: &mut Vec<(String, String)>) {
    for (k, v) in t {
        let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
        match v {
            toml::Value::Table(inner) => flatten(&key, inner, out),
            other => out.push((key, other.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CURRENT: &str = "terminal_id = \"SF-QST-01\"\ncentre_name = \"清水塘\"\ndata_dir = \"../data\"\n\
                           [printer]\nkind = \"simulated\"\npaper = 80\n";

    fn check(bundle: &str) -> Result<Validated, Vec<ConfigError>> {
        validate(bundle, Path::new("/media/usb/move.toml"), CURRENT)
    }

    #[test]
    fn a_good_bundle_changes_only_what_it_names() {
        let v = check(
            "terminal_id = \"SF-HTL-03\"\ncentre_name = \"月塘\"\n[printer]\npaper = 58\nqr_mode = \"raster\"\n\
             [hub]\nurl = \"https://hub.example.gov.cn/\"\nenrolment_code = \"493027\"\n",
        )
        .unwrap();
        assert_eq!(v.config.terminal_id, "SF-HTL-03");
        assert_eq!(v.config.printer.paper, 58);
        assert_eq!(v.config.data_dir, Path::new("../data"), "the terminal keeps its data folder");
        assert!(v.changes.iter().any(|c| c == "terminal_id: \"SF-QST-01\" → \"SF-HTL-03\""), "{:?}", v.changes);
        assert_eq!(v.enrolment_code.as_deref(), Some("493027"));
        assert!(!v.text.contains("493027"), "the enrolment code is never written to the config");
        assert!(v.changes.iter().all(|c| !c.contains("493027")));
    }

    #[test]
    fn a_bad_port_and_a_malformed_url_are_both_named() {
        let errors = check(
            "centre_name = \"月塘\"\n[printer]\nkind = \"serial\"\nport = \"COM3\"\n[hub]\nurl = \"htp:/hub example\"\n",
        )
        .unwrap_err();
        let keys: Vec<&str> = errors.iter().map(|e| e.key.as_str()).collect();
        assert!(keys.contains(&"printer.port") && keys.contains(&"hub.url"), "{errors:#?}");
        for e in &errors {
            assert!(e.to_string().starts_with("/media/usb/move.toml: key `"), "{e}");
        }
        let port = errors.iter().find(|e| e.key == "printer.port").unwrap();
        assert!(port.problem.to_string().contains("/dev/ttyUSB0"), "{port}");
    }

    #[test]
    fn unknown_keys_wrong_types_and_bad_values_are_all_reported() {
        let errors = check(
            "data_dir = \"/tmp/x\"\nterminal_id = \"\"\n[idle]\ntimeout_secs = \"long\"\n[printer]\npaper = 57\n\
             [staff]\npin_hash = \"246810\"\nbundle_dir = \"/\"\n",
        )
        .unwrap_err();
        let keys: Vec<&str> = errors.iter().map(|e| e.key.as_str()).collect();
        for key in
            ["data_dir", "terminal_id", "idle.timeout_secs", "printer.paper", "staff.pin_hash", "staff.bundle_dir"]
        {
            assert!(keys.contains(&key), "{key} not in {errors:#?}");
        }
        assert!(
            errors.iter().all(|e| !e.to_string().contains("246810") && !e.zh().contains("246810")),
            "never echo a PIN-like value"
        );
    }

    #[test]
    fn the_hub_url_is_written_when_the_terminal_has_a_token() {
        let bundle = "[hub]\nurl = \"https://hub2.example.gov.cn\"\n";
        let v = check(bundle).unwrap();
        assert!(v.config.hub.url.is_none() && v.notes[0].contains("terminal_token"), "{:?}", v.notes);
        let with_token =
            format!("{CURRENT}[hub]\nurl = \"https://hub.example.gov.cn\"\nterminal_token = \"{}\"\n", "0".repeat(64));
        let v = validate(bundle, Path::new("b.toml"), &with_token).unwrap();
        assert_eq!(v.config.hub.url.as_deref(), Some("https://hub2.example.gov.cn"));
        assert!(v.changes.iter().any(|c| c.starts_with("hub.url:")), "{:?}", v.changes);
        assert!(v.changes.iter().all(|c| !c.contains("000000")), "{:?}", v.changes);
    }

    #[test]
    fn bundle_problems_read_in_chinese_with_their_file_and_keys() {
        let errors = check(
            "colour = \"red\"\n[printer]\nkind = \"serial\"\nport = \"COM3\"\n\
             [hub]\nurl = \"ftp://hub\"\nenrolment_code = \"12ab\"\n",
        )
        .unwrap_err();
        let zh: Vec<String> = errors.iter().map(ConfigError::zh).collect();
        let has = |s: &str| zh.iter().any(|z| z == s);
        assert!(
            has("/media/usb/move.toml：[printer] port：应为设备路径，例如 \"/dev/ttyUSB0\"，实际为 \"COM3\""),
            "{zh:#?}"
        );
        assert!(has("/media/usb/move.toml：[hub] enrolment_code：应为 4 到 16 位数字，写成文字（加引号）"), "{zh:#?}");
        assert!(zh.iter().any(|z| z.starts_with("/media/usb/move.toml：colour：配置包不能设置此项")), "{zh:#?}");
        assert!(zh.iter().any(
            |z| z.starts_with("/media/usb/move.toml：[hub] url：应为 http 或 https 地址") && z.contains("\"ftp\"")
        ));
        assert_eq!(zh.len(), errors.len());
    }

    #[test]
    fn a_valid_bundle_with_a_missing_serial_port_carries_a_warning() {
        let v = check("[printer]\nkind = \"serial\"\nport = \"/dev/ttyUSB9-kiosk-test\"\n").unwrap();
        assert_eq!(v.warnings.len(), 1, "{:?}", v.warnings);
        assert_eq!(v.warnings[0].key, "printer.port");
        assert!(v.warnings[0].to_string().starts_with("/media/usb/move.toml: [printer] port = "), "{}", v.warnings[0]);
        assert!(check("[printer]\nkind = \"simulated\"\n").unwrap().warnings.is_empty());
    }

    #[test]
    fn urls_need_a_scheme_and_a_host() {
        assert!(url_problem("https://hub.example.gov.cn:8443/kiosk").is_none());
        assert!(url_problem("http://10.0.0.5").is_none());
        assert!(url_problem("hub.example.gov.cn").is_some());
        assert!(url_problem("ftp://hub").is_some());
        assert!(url_problem("https://").is_some());
    }
}
