//! The kiosk's configuration file (`kiosk-config/*.toml`).
//!
//! Every key is known: an unknown key or a wrong type is an error that names the file, the key and the
//! expected form, so a technician can fix a config without reading code.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::devices::idcard::IdReaderConfig;
use crate::devices::printer::PrinterConfig;

/// The whole configuration of one terminal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The terminal's number, printed on slips and shown in the header, e.g. `SF-QST-01`.
    pub terminal_id: String,
    /// The service centre's name shown in the header.
    pub centre_name: String,
    /// Where the SQLite database lives; relative paths are relative to the config file.
    pub data_dir: PathBuf,
    /// Demo mode: simulated devices with a panel to place sample cards.
    #[serde(default)]
    pub demo: bool,
    #[serde(default)]
    pub screen: ScreenConfig,
    #[serde(default)]
    pub idle: IdleConfig,
    /// Public holidays (`YYYY-MM-DD`) skipped when promising a completion date.
    #[serde(default)]
    pub holidays: Vec<chrono::NaiveDate>,
    /// The district hub this terminal syncs with; without `url` the terminal works offline only.
    #[serde(default)]
    pub hub: HubConfig,
    #[serde(default)]
    pub id_reader: IdReaderConfig,
    #[serde(default)]
    pub applications: ApplicationsConfig,
    #[serde(default)]
    pub senior_card: SeniorCardConfig,
    #[serde(default)]
    pub printer: PrinterConfig,
    #[serde(default)]
    pub scanner: crate::devices::scanner::ScannerConfig,
    #[serde(default)]
    pub keyboard: KeyboardConfig,
    #[serde(default)]
    pub staff: StaffConfig,
}

/// `[staff]`: maintenance mode on the terminal (see `src/staff`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StaffConfig {
    /// The staff PIN as an argon2id PHC string (`kiosk staff hash-pin` makes one); without it staff
    /// mode cannot be entered.
    pub pin_hash: Option<String>,
    /// Where provisioning bundles (`*.toml`) are looked for, e.g. a USB stick's mount point.
    pub bundle_dir: PathBuf,
    /// The service windows an out-of-service message can send residents to.
    pub windows: Vec<String>,
}

impl Default for StaffConfig {
    fn default() -> Self {
        Self {
            pin_hash: None,
            bundle_dir: PathBuf::from("/media"),
            windows: ["1号", "2号", "3号", "综合"].map(String::from).to_vec(),
        }
    }
}

/// `[applications]`: the outbox and the slips.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ApplicationsConfig {
    /// The slip's QR is `<qr_base>/p/<token>`: where residents check progress with a phone.
    pub qr_base: String,
    /// Days after the hub has an application before its personal fields are purged from the terminal.
    pub retention_days: u32,
}

impl Default for ApplicationsConfig {
    fn default() -> Self {
        Self { qr_base: "https://zwfw.example.gov.cn".into(), retention_days: 30 }
    }
}

/// `[hub]`: the district hub (kiosk-hub) and how the sync worker talks to it.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HubConfig {
    /// The hub's base URL, e.g. `https://hub.example.gov.cn`; absent (or empty) = offline only.
    pub url: Option<String>,
    /// This terminal's bearer token from `kiosk-hub terminals add`. Secret: never logged or serialized.
    #[serde(skip_serializing)]
    pub terminal_token: Option<String>,
    /// Seconds between heartbeats (and catalogue and status checks).
    pub heartbeat_secs: u32,
    /// Timeout of one request to the hub, in milliseconds.
    pub timeout_ms: u64,
    /// First retry delay after a failed request; doubles on each failure up to `backoff_max_ms`.
    pub backoff_base_ms: u64,
    pub backoff_max_ms: u64,
}

impl Default for HubConfig {
    fn default() -> Self {
        Self {
            url: None,
            terminal_token: None,
            heartbeat_secs: 60,
            timeout_ms: 10_000,
            backoff_base_ms: 1_000,
            backoff_max_ms: 300_000,
        }
    }
}

impl HubConfig {
    /// The hub URL without a trailing `/`, when one is configured.
    pub fn base_url(&self) -> Option<&str> {
        self.url.as_deref().map(|u| u.trim().trim_end_matches('/')).filter(|u| !u.is_empty())
    }

    fn problems(&self, out: &mut Vec<(String, String)>) {
        if let Some(url) = self.base_url() {
            if !(url.starts_with("http://") || url.starts_with("https://")) || url.contains(char::is_whitespace) {
                out.push(("hub.url".into(), format!("expected an http:// or https:// address, found {url:?}")));
            }
            if self.terminal_token.as_deref().unwrap_or("").trim().is_empty() {
                out.push((
                    "hub.terminal_token".into(),
                    "required when hub.url is set (the token `kiosk-hub terminals add` printed)".into(),
                ));
            }
        }
        if self.heartbeat_secs == 0 {
            out.push(("hub.heartbeat_secs".into(), "expected a whole number of seconds, at least 1".into()));
        }
        if self.timeout_ms < 100 {
            out.push(("hub.timeout_ms".into(), "expected a whole number of milliseconds, at least 100".into()));
        }
        if self.backoff_base_ms == 0 {
            out.push(("hub.backoff_base_ms".into(), "expected a whole number of milliseconds, at least 1".into()));
        }
        if self.backoff_max_ms < self.backoff_base_ms {
            out.push(("hub.backoff_max_ms".into(), "expected at least hub.backoff_base_ms".into()));
        }
    }
}

/// Hides the token: configs end up in logs and panic messages.
impl fmt::Debug for HubConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HubConfig")
            .field("url", &self.url)
            .field("terminal_token", &self.terminal_token.as_ref().map(|_| "(hidden)"))
            .field("heartbeat_secs", &self.heartbeat_secs)
            .field("timeout_ms", &self.timeout_ms)
            .field("backoff_base_ms", &self.backoff_base_ms)
            .field("backoff_max_ms", &self.backoff_max_ms)
            .finish()
    }
}

/// `[senior_card]`: the 老年优待证 fast path.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SeniorCardConfig {
    /// The catalogue item the home tile applies for.
    pub item: String,
    /// Benefit tiers by age; the confirmation screen shows every tier the applicant's age reaches.
    pub tiers: Vec<SeniorTier>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeniorTier {
    pub min_age: u32,
    pub label: String,
}

impl Default for SeniorCardConfig {
    fn default() -> Self {
        let tier = |min_age, label: &str| SeniorTier { min_age, label: label.into() };
        Self {
            item: "LL0001".into(),
            tiers: vec![
                tier(60, "60周岁以上：凭证享受公园、景点门票减免和就医优先等本市老年人优待。"),
                tier(65, "65周岁以上：另可免费乘坐市内公交车。"),
                tier(80, "80周岁以上：另可申领高龄津贴（可在本机“我要办理”中申请）。"),
            ],
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ScreenConfig {
    pub orientation: Orientation,
    /// Full screen without window decorations (production); a window otherwise (development).
    pub fullscreen: bool,
}

impl Default for ScreenConfig {
    fn default() -> Self {
        Self { orientation: Orientation::Portrait, fullscreen: true }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Orientation {
    /// 1080×1920.
    Portrait,
    /// 1920×1080.
    Landscape,
}

impl Orientation {
    /// The logical window size in pixels (width, height).
    pub fn size(self) -> (u32, u32) {
        match self {
            Orientation::Portrait => (1080, 1920),
            Orientation::Landscape => (1920, 1080),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct IdleConfig {
    /// Seconds without a touch before the "继续办理" warning appears.
    pub timeout_secs: u32,
    /// Seconds the warning counts down before the session is wiped (at least 20).
    pub warning_secs: u32,
}

impl Default for IdleConfig {
    fn default() -> Self {
        Self { timeout_secs: 90, warning_secs: 20 }
    }
}

/// The on-screen keyboard's pinyin input.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct KeyboardConfig {
    /// Every fuzzy syllable pair at once (z/zh, c/ch, s/sh, n/l, en/eng, in/ing), for regional accents.
    pub fuzzy: bool,
    /// Single pairs, on top of `fuzzy`.
    pub fuzzy_z_zh: bool,
    pub fuzzy_c_ch: bool,
    pub fuzzy_s_sh: bool,
    pub fuzzy_n_l: bool,
    pub fuzzy_en_eng: bool,
    pub fuzzy_in_ing: bool,
}

impl KeyboardConfig {
    /// The fuzzy pairs switched on.
    pub fn fuzzy_pairs(&self) -> crate::ime::Fuzzy {
        let all = self.fuzzy;
        crate::ime::Fuzzy {
            z_zh: all || self.fuzzy_z_zh,
            c_ch: all || self.fuzzy_c_ch,
            s_sh: all || self.fuzzy_s_sh,
            n_l: all || self.fuzzy_n_l,
            en_eng: all || self.fuzzy_en_eng,
            in_ing: all || self.fuzzy_in_ing,
        }
    }
}

/// A configuration problem, worded for the technician who has to fix it.
#[derive(Debug)]
pub struct ConfigError {
    pub file: PathBuf,
    /// Dotted key path (`printer.paper`), empty when the problem is the file itself.
    pub key: String,
    pub problem: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.key.is_empty() {
            write!(f, "{}: {}", self.file.display(), self.problem)
        } else {
            write!(f, "{}: key `{}`: {}", self.file.display(), self.key, self.problem)
        }
    }
}

impl std::error::Error for ConfigError {}

/// The default configuration, used when no `--config` is given.
pub const DEFAULT_CONFIG_PATH: &str = "kiosk-config/demo.toml";

impl Config {
    /// Reads and validates a config file. Relative `data_dir` is resolved against the file's folder.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
            file: path.to_path_buf(),
            key: String::new(),
            problem: format!("cannot read the file: {e}"),
        })?;
        let mut config = Self::parse(&text, path)?;
        if config.data_dir.is_relative() {
            let base = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
            config.data_dir = base.join(&config.data_dir);
        }
        Ok(config)
    }

    /// Parses and validates config text; `file` is only used in messages.
    pub fn parse(text: &str, file: &Path) -> Result<Config, ConfigError> {
        let err = |key: String, problem: String| ConfigError { file: file.to_path_buf(), key, problem };
        let de = toml::Deserializer::parse(text).map_err(|e| err(String::new(), toml_message(&e, text)))?;
        let config: Config = serde_path_to_error::deserialize(de).map_err(|e| {
            let key = e.path().to_string();
            let key = if key == "." { String::new() } else { key };
            err(key, toml_message(e.inner(), text))
        })?;
        let problems = config.problems();
        match problems.into_iter().next() {
            Some((key, problem)) => Err(err(key, problem)),
            None => Ok(config),
        }
    }

    /// Checks the values that types alone cannot: returns (key, problem) for each.
    pub fn problems(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        if self.terminal_id.trim().is_empty() {
            out.push(("terminal_id".into(), "must not be empty (e.g. \"SF-QST-01\")".into()));
        } else if !self.terminal_id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            out.push(("terminal_id".into(), "expected letters, digits and '-' only (e.g. \"SF-QST-01\")".into()));
        }
        if self.centre_name.trim().is_empty() {
            out.push(("centre_name".into(), "must not be empty".into()));
        }
        if self.idle.timeout_secs < 10 {
            out.push(("idle.timeout_secs".into(), "expected a whole number of seconds, at least 10".into()));
        }
        if self.idle.warning_secs < 20 {
            out.push((
                "idle.warning_secs".into(),
                "expected at least 20 seconds, so a resident has time to answer".into(),
            ));
        }
        self.hub.problems(&mut out);
        if self.printer.paper != 58 && self.printer.paper != 80 {
            out.push((
                "printer.paper".into(),
                format!("expected 58 or 80 (millimetres), found {}", self.printer.paper),
            ));
        }
        use crate::devices::idcard::DeviceKind;
        if self.id_reader.kind == DeviceKind::Serial && self.id_reader.port.as_deref().unwrap_or("").is_empty() {
            out.push(("id_reader.port".into(), "required when kind = \"serial\" (e.g. \"/dev/ttyUSB0\")".into()));
        }
        if self.scanner.kind == DeviceKind::Serial && self.scanner.port.as_deref().unwrap_or("").is_empty() {
            out.push(("scanner.port".into(), "required when kind = \"serial\" (e.g. \"/dev/ttyACM0\")".into()));
        }
        if self.printer.kind == DeviceKind::Serial && self.printer.port.as_deref().unwrap_or("").is_empty() {
            out.push(("printer.port".into(), "required when kind = \"serial\" (e.g. \"/dev/ttyS1\")".into()));
        }
        for (key, port) in [
            ("id_reader.port", &self.id_reader.port),
            ("printer.port", &self.printer.port),
            ("scanner.port", &self.scanner.port),
        ] {
            if let Some(p) = port.as_deref().filter(|p| !p.is_empty() && !port_path_ok(p)) {
                out.push((key.into(), format!("expected a device path such as \"/dev/ttyUSB0\", found {p:?}")));
            }
        }
        if let Some(h) = self.staff.pin_hash.as_deref().filter(|h| !crate::staff::pin::hash_is_valid(h)) {
            let shown = if h.starts_with('$') { "a malformed hash" } else { "something that is not a hash" };
            out.push((
                "staff.pin_hash".into(),
                format!(
                    "expected an argon2id PHC string from `kiosk staff hash-pin` ($argon2id$v=19$…), found {shown}"
                ),
            ));
        }
        out
    }

    /// The path of the terminal's SQLite database.
    pub fn database_path(&self) -> PathBuf {
        self.data_dir.join("kiosk.sqlite3")
    }
}

/// A serial device path: absolute, under `/dev/`, without spaces.
pub fn port_path_ok(p: &str) -> bool {
    p.len() > "/dev/".len() && p.starts_with("/dev/") && !p.chars().any(|c| c.is_whitespace() || c.is_control())
}

impl Config {
    /// Every problem of a config file, not only the first: unreadable file, TOML syntax, unknown
    /// keys, wrong types, missing keys and values out of range. Empty when the file is valid.
    pub fn check(path: &Path) -> Vec<ConfigError> {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::check_text(&text, path).err().unwrap_or_default(),
            Err(e) => vec![ConfigError {
                file: path.to_path_buf(),
                key: String::new(),
                problem: format!("cannot read the file: {e}"),
            }],
        }
    }

    /// Parses config text, collecting every problem: each key that fails to deserialize is named and
    /// set aside so that the rest of the file is still checked.
    pub fn check_text(text: &str, file: &Path) -> Result<Config, Vec<ConfigError>> {
        let err = |key: String, problem: String| ConfigError { file: file.to_path_buf(), key, problem };
        let mut table: toml::Table = match text.parse() {
            Ok(t) => t,
            Err(e) => return Err(vec![err(String::new(), toml_message(&e, text))]),
        };
        let mut errors = Vec::new();
        // Keys that were missing and got a placeholder, so that their value is not judged too.
        let mut placeholders: Vec<String> = Vec::new();
        for _ in 0..64 {
            let value = toml::Value::Table(table.clone());
            let result: Result<Config, _> = serde_path_to_error::deserialize(value);
            let e = match result {
                Ok(config) => {
                    errors.extend(
                        config
                            .problems()
                            .into_iter()
                            .filter(|(key, _)| !placeholders.contains(key))
                            .map(|(key, problem)| err(key, problem)),
                    );
                    return if errors.is_empty() { Ok(config) } else { Err(errors) };
                }
                Err(e) => e,
            };
            let path: Vec<String> = e.path().iter().map(|s| s.to_string()).collect();
            let message = toml_message(e.inner(), "");
            let dotted = path.join(".");
            let dotted = if dotted == "." { String::new() } else { dotted };
            let missing = quoted_after(&message, "missing field `");
            let unknown = quoted_after(&message, "unknown field `");
            let (key, removed) = if let Some(field) = &unknown {
                let mut at = path.clone();
                if at.last() != Some(field) {
                    at.push(field.clone());
                }
                (at.join("."), remove_at(&mut table, &at))
            } else if let Some(field) = &missing {
                let mut at = path.clone();
                at.retain(|s| s != ".");
                at.push(field.clone());
                let key = at.join(".");
                let inserted = !placeholders.contains(&key) && insert_placeholder(&mut table, &at);
                placeholders.push(key.clone());
                (key, inserted)
            } else {
                (dotted.clone(), remove_at(&mut table, &path))
            };
            let line = line_of(text, &key).map(|l| format!(" (line {l})")).unwrap_or_default();
            errors.push(err(key, format!("{message}{line}")));
            if !removed {
                break;
            }
        }
        Err(errors)
    }
}

fn quoted_after(message: &str, prefix: &str) -> Option<String> {
    let rest = &message[message.find(prefix)? + prefix.len()..];
    Some(rest[..rest.find('`')?].to_string())
}

/// Removes the value at a dotted path (array indices as numbers); whether there was one.
fn remove_at(table: &mut toml::Table, path: &[String]) -> bool {
    let Some((last, parents)) = path.split_last() else { return false };
    let mut here = table;
    for p in parents {
        match here.get_mut(p) {
            Some(toml::Value::Table(t)) => here = t,
            _ => return false,
        }
    }
    here.remove(last).is_some()
}

/// Puts a placeholder string where a required key is missing (every required key is text).
fn insert_placeholder(table: &mut toml::Table, path: &[String]) -> bool {
    let Some((last, parents)) = path.split_last() else { return false };
    let mut here = table;
    for p in parents {
        match here.get_mut(p) {
            Some(toml::Value::Table(t)) => here = t,
            _ => return false,
        }
    }
    here.insert(last.clone(), toml::Value::String("placeholder".into())).is_none()
}

/// The line where a dotted key is set (`[section]` then `key =`), for messages.
fn line_of(text: &str, key: &str) -> Option<usize> {
    let (section, name) = match key.rsplit_once('.') {
        Some((s, n)) => (Some(s), n),
        None => (None, key),
    };
    let mut current: Option<String> = None;
    for (i, line) in text.lines().enumerate() {
        let l = line.trim();
        if let Some(h) = l.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
            current = Some(h.trim().to_string());
            continue;
        }
        let Some((k, _)) = l.split_once('=') else { continue };
        if k.trim() == name && current.as_deref() == section {
            return Some(i + 1);
        }
    }
    None
}

/// toml's messages carry a span; turn it into "line N" and keep the first line of the message.
fn toml_message(e: &toml::de::Error, text: &str) -> String {
    let mut msg = e.message().trim().to_string();
    // serde names Rust types; a technician wants the TOML form.
    for (rust, toml) in [("u64", "a whole number"), ("u32", "a whole number"), ("usize", "a whole number")] {
        msg = msg.replace(&format!("expected {rust}"), &format!("expected {toml}"));
    }
    match e.span() {
        Some(span) if !text.is_empty() => {
            let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
            format!("{msg} (line {line})")
        }
        _ => msg,
    }
}

/// The demo config, built in for when the binary runs away from the repository.
const BUILT_IN_DEMO: &str = include_str!("../kiosk-config/demo.toml");

impl Config {
    /// The config named by `--config`, else `kiosk-config/demo.toml` in the current folder, else the
    /// built-in demo config with its data in the system's temporary folder.
    pub fn resolve(path: Option<&Path>) -> Result<Config, ConfigError> {
        if let Some(p) = path {
            return Config::load(p);
        }
        let default = Path::new(DEFAULT_CONFIG_PATH);
        if default.exists() {
            return Config::load(default);
        }
        let mut config = Config::parse(BUILT_IN_DEMO, Path::new("(built-in demo config)"))?;
        config.data_dir = std::env::temp_dir().join("kiosk-demo");
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = "terminal_id = \"T-01\"\ncentre_name = \"测试中心\"\ndata_dir = \"data\"\n";

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(text, Path::new("kiosk-config/test.toml"))
    }

    #[test]
    fn a_minimal_config_gets_elder_friendly_defaults() {
        let c = parse(MINIMAL).unwrap();
        assert_eq!(c.idle.timeout_secs, 90);
        assert_eq!(c.idle.warning_secs, 20);
        assert_eq!(c.screen.orientation, Orientation::Portrait);
    }

    #[test]
    fn an_unknown_key_names_file_and_key() {
        let e = parse(&format!("{MINIMAL}[screen]\norientaton = \"portrait\"\n")).unwrap_err();
        let text = e.to_string();
        assert!(text.contains("kiosk-config/test.toml"), "{text}");
        assert!(text.contains("orientaton"), "{text}");
        assert!(text.contains("line 5"), "{text}");
    }

    #[test]
    fn a_wrong_type_names_the_key_and_expected_form() {
        let e = parse(&format!("{MINIMAL}[idle]\ntimeout_secs = \"ninety\"\n")).unwrap_err();
        assert_eq!(e.key, "idle.timeout_secs");
        assert!(e.problem.contains("expected a whole number"), "{}", e.problem);
    }

    #[test]
    fn values_out_of_range_are_refused() {
        let e = parse(&format!("{MINIMAL}[printer]\npaper = 57\n")).unwrap_err();
        assert_eq!(e.key, "printer.paper");
        let e = parse(&format!("{MINIMAL}[idle]\nwarning_secs = 5\n")).unwrap_err();
        assert_eq!(e.key, "idle.warning_secs");
    }

    #[test]
    fn a_missing_required_key_is_named() {
        let e = parse("terminal_id = \"T-01\"\n").unwrap_err();
        assert!(e.to_string().contains("centre_name"), "{e}");
    }

    #[test]
    fn fuzzy_pinyin_is_off_unless_switched_on() {
        assert_eq!(parse(MINIMAL).unwrap().keyboard.fuzzy_pairs(), crate::ime::Fuzzy::default());
        let all = parse(&format!("{MINIMAL}[keyboard]\nfuzzy = true\n")).unwrap();
        assert_eq!(all.keyboard.fuzzy_pairs(), crate::ime::Fuzzy::ALL);
        let one = parse(&format!("{MINIMAL}[keyboard]\nfuzzy_n_l = true\n")).unwrap();
        assert_eq!(one.keyboard.fuzzy_pairs(), crate::ime::Fuzzy { n_l: true, ..Default::default() });
        let e = parse(&format!("{MINIMAL}[keyboard]\nfuzzy_l_r = true\n")).unwrap_err();
        assert!(e.to_string().contains("fuzzy_l_r"), "{e}");
    }

    #[test]
    fn check_names_every_problem_not_only_the_first() {
        let text = "terminal_id = \"T 01\"\ndata_dir = \"data\"\nfoo = 1\n[idle]\ntimeout_secs = \"ninety\"\n\
                    [printer]\nkind = \"serial\"\nport = \"COM3\"\npaper = 57\n[staff]\npin_hash = \"246810\"\n";
        let errors = Config::check_text(text, Path::new("kiosk-config/test.toml")).unwrap_err();
        let keys: Vec<&str> = errors.iter().map(|e| e.key.as_str()).collect();
        for key in [
            "foo",
            "centre_name",
            "idle.timeout_secs",
            "terminal_id",
            "printer.paper",
            "printer.port",
            "staff.pin_hash",
        ] {
            assert!(keys.contains(&key), "{key} missing from {errors:#?}");
        }
        assert!(errors.iter().all(|e| e.to_string().starts_with("kiosk-config/test.toml")));
        let timeout = errors.iter().find(|e| e.key == "idle.timeout_secs").unwrap();
        assert!(timeout.problem.contains("expected a whole number") && timeout.problem.contains("line 5"), "{timeout}");
        assert!(Config::check_text(MINIMAL, Path::new("t.toml")).is_ok());
    }

    #[test]
    fn the_hub_is_optional_and_its_token_never_shows_in_debug() {
        let offline = parse(MINIMAL).unwrap();
        assert_eq!(offline.hub.base_url(), None);
        assert_eq!(offline.hub.heartbeat_secs, 60);
        let text = format!("{MINIMAL}[hub]\nurl = \"http://10.1.2.3:8700/\"\nterminal_token = \"s3cr3t-t0ken\"\n");
        let online = parse(&text).unwrap();
        assert_eq!(online.hub.base_url(), Some("http://10.1.2.3:8700"));
        let shown = format!("{online:?}");
        assert!(!shown.contains("s3cr3t-t0ken") && shown.contains("(hidden)"), "{shown}");
        let e = parse(&format!("{MINIMAL}[hub]\nurl = \"http://10.1.2.3:8700\"\n")).unwrap_err();
        assert_eq!(e.key, "hub.terminal_token");
        let e = parse(&format!("{MINIMAL}[hub]\nurl = \"10.1.2.3\"\nterminal_token = \"t\"\n")).unwrap_err();
        assert_eq!(e.key, "hub.url");
        let e = parse(&format!("{MINIMAL}[hub]\nbackoff_base_ms = 500\nbackoff_max_ms = 100\n")).unwrap_err();
        assert_eq!(e.key, "hub.backoff_max_ms");
    }

    #[test]
    fn the_shipped_configs_are_valid() {
        for file in ["kiosk-config/demo.toml", "kiosk-config/example.toml"] {
            let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
            Config::load(&path).unwrap_or_else(|e| panic!("{e}"));
        }
    }
}
