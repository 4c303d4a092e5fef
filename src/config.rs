//! The kiosk's configuration file (`kiosk-config/*.toml`).
//!
//! Every key is known: an unknown key or a wrong type is an error that names the file, the key and the
//! expected form, so a technician can fix a config without reading code.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::app::screen::HoursError;
use crate::devices::idcard::{DeviceKind, IdReaderConfig};
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
    /// What `kiosk run` logs, in `RUST_LOG`'s syntax (`info,kiosk::sync=debug`); `RUST_LOG` wins.
    #[serde(default = "default_log_level")]
    pub log_level: String,
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
    #[serde(default)]
    pub ui: UiConfig,
    #[serde(default)]
    pub speech: crate::speech::SpeechConfig,
}

fn default_log_level() -> String {
    "info".into()
}

/// `[ui]`: the interface.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct UiConfig {
    /// The language every session starts in (`zh` | `en`); the home screen's English / 中文 button
    /// switches one session, the idle reset switches back.
    pub language: crate::Lang,
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

    fn problems(&self, out: &mut Vec<(String, Problem)>) {
        if let Some(url) = self.base_url() {
            if !(url.starts_with("http://") || url.starts_with("https://")) || url.contains(char::is_whitespace) {
                out.push(("hub.url".into(), Problem::HubUrl(url.to_string())));
            }
            if self.terminal_token.as_deref().unwrap_or("").trim().is_empty() {
                out.push(("hub.terminal_token".into(), Problem::TokenRequired));
            }
        }
        if self.heartbeat_secs == 0 {
            out.push(("hub.heartbeat_secs".into(), Problem::AtLeast { min: 1, unit: Unit::Seconds }));
        }
        if self.timeout_ms < 100 {
            out.push(("hub.timeout_ms".into(), Problem::AtLeast { min: 100, unit: Unit::Milliseconds }));
        }
        if self.backoff_base_ms == 0 {
            out.push(("hub.backoff_base_ms".into(), Problem::AtLeast { min: 1, unit: Unit::Milliseconds }));
        }
        if self.backoff_max_ms < self.backoff_base_ms {
            out.push(("hub.backoff_max_ms".into(), Problem::NotBelow("hub.backoff_base_ms")));
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
    /// Degrees clockwise the picture (and touch) is turned on the panel: 0, 90, 180 or 270.
    pub rotation: u32,
    /// Seconds without a touch before the home screen goes dark; none or 0: never.
    pub blank_after_secs: Option<u32>,
    /// When the terminal takes applications, e.g. `["08:30-12:00", "14:00-17:30"]`; none: always.
    pub hours: Vec<String>,
}

impl Default for ScreenConfig {
    fn default() -> Self {
        Self {
            orientation: Orientation::Portrait,
            fullscreen: true,
            rotation: 0,
            blank_after_secs: None,
            hours: Vec::new(),
        }
    }
}

impl ScreenConfig {
    /// `hours` parsed (a config that passed `problems` always parses).
    pub fn service_hours(&self) -> Result<crate::app::screen::ServiceHours, crate::app::screen::HoursError> {
        crate::app::screen::ServiceHours::parse(&self.hours)
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

/// A configuration problem, worded for the technician who has to fix it (`Display`, English) and
/// for the staff screen ([`ConfigError::zh`], Chinese). Both name the file and the key as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub file: PathBuf,
    /// Dotted key path (`printer.paper`), empty when the problem is the file itself.
    pub key: String,
    pub problem: Problem,
    /// The line of the file the problem is on, when known.
    pub line: Option<usize>,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.file.display())?;
        if !self.key.is_empty() {
            write!(f, "key `{}`: ", self.key)?;
        }
        write!(f, "{}", self.problem)?;
        match self.line {
            Some(line) => write!(f, " (line {line})"),
            None => Ok(()),
        }
    }
}

impl std::error::Error for ConfigError {}

impl ConfigError {
    pub fn new(file: &Path, key: impl Into<String>, problem: Problem) -> Self {
        ConfigError { file: file.to_path_buf(), key: key.into(), problem, line: None }
    }

    /// The problem as one Chinese sentence for the staff screen, keeping the file and the key as
    /// written in it: `/media/usb/move.toml：[printer] port：应为设备路径，例如 "/dev/ttyUSB0"，实际为 "COM3"`.
    pub fn zh(&self) -> String {
        let mut s = format!("{}：", self.file.display());
        if !self.key.is_empty() {
            s.push_str(&toml_key(&self.key));
            s.push('：');
        }
        s.push_str(&self.problem.zh());
        if let Some(line) = self.line {
            s.push_str(&format!("（第 {line} 行）"));
        }
        s
    }
}

/// A dotted key as a technician finds it in the file: `printer.port` → `[printer] port`.
pub fn toml_key(key: &str) -> String {
    match key.split_once('.') {
        Some((section, rest)) => format!("[{section}] {rest}"),
        None => key.to_string(),
    }
}

/// The unit of a number in the config.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Seconds,
    Milliseconds,
    WordsPerMinute,
    /// Of the normal loudness (100).
    Percent,
}

impl Unit {
    fn en(self) -> &'static str {
        match self {
            Unit::Seconds => "seconds",
            Unit::Milliseconds => "milliseconds",
            Unit::WordsPerMinute => "words per minute",
            Unit::Percent => "percent of normal loudness, 100 is normal",
        }
    }

    fn zh(self) -> &'static str {
        match self {
            Unit::Seconds => "秒数",
            Unit::Milliseconds => "毫秒数",
            Unit::WordsPerMinute => "每分钟字数",
            Unit::Percent => "音量百分比，100 为正常",
        }
    }
}

/// Why an http(s) address is not usable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlFault {
    /// It does not parse; the parser's reason.
    Unparsable(String),
    /// Another scheme than http or https.
    Scheme(String),
    NoHost,
}

/// What is wrong with one key (or the whole file). `Display` is the English wording of
/// `kiosk config check` and `kiosk provision`; [`Problem::zh`] the Chinese one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The file cannot be read (the system's reason).
    Unreadable(String),
    /// A TOML syntax error or a key serde refused (unknown, missing, wrong type): its message.
    Toml(String),
    /// A bundle that is not TOML at all.
    BundleNotToml(String),
    /// The terminal's current config is not TOML (so a bundle cannot be merged into it).
    CurrentNotToml(String),
    /// The merged config cannot be written as TOML.
    CannotMerge(String),
    /// Text that must not be empty; an example of the expected form.
    Empty {
        example: Option<&'static str>,
    },
    TerminalIdForm,
    /// A whole number of `unit`, at least `min`.
    AtLeast {
        min: u64,
        unit: Unit,
    },
    /// A whole number of `unit` from `min` to `max`; the value found.
    Between {
        min: u64,
        max: u64,
        found: u64,
        unit: Unit,
    },
    /// Like `Between`, but 0 is allowed too and means off (`printer.poll_secs`).
    OffOrBetween {
        min: u64,
        max: u64,
        found: u64,
        unit: Unit,
    },
    /// `speech.device` that is not an ALSA device name.
    AlsaDevice(String),
    /// `log_level` that is not a filter of levels; the value found.
    LogLevel(String),
    /// `idle.warning_secs` under 20.
    WarningTooShort,
    /// `hub.url` in the config that is not an http(s) address.
    HubUrl(String),
    /// `hub.terminal_token` missing while `hub.url` is set.
    TokenRequired,
    /// Smaller than the named key.
    NotBelow(&'static str),
    /// `printer.paper` other than 58 or 80.
    PaperWidth(u32),
    /// `screen.rotation` other than 0, 90, 180 or 270.
    Rotation(u32),
    /// A `screen.hours` entry.
    Hours(crate::app::screen::HoursError),
    /// `printer.baud` that is not one of [`STANDARD_BAUDS`].
    BaudRate(u32),
    /// A device port missing while `kind = "serial"`; an example path.
    PortRequired {
        example: &'static str,
    },
    /// A device port that is not a device path.
    PortPath(String),
    /// `staff.pin_hash` that is not an argon2 PHC string; whether it looked like a (broken) hash.
    PinHash {
        malformed: bool,
    },
    /// A bundle key a bundle may not set; the keys it may.
    NotBundleKey {
        allowed: String,
    },
    HubNotTable,
    NotHubKey,
    UrlRequired,
    UrlNotText,
    /// A bundle's `hub.url` that is not a usable address.
    BadUrl {
        url: String,
        fault: UrlFault,
    },
    EnrolmentCode,
    BundleStaffKey,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const URL_EXPECTED: &str = "expected an http(s) address such as \"https://hub.example.gov.cn\"";
        match self {
            Problem::Unreadable(e) => write!(f, "cannot read the file: {e}"),
            Problem::Toml(m) => f.write_str(m),
            Problem::BundleNotToml(m) => write!(f, "not valid TOML: {m}"),
            Problem::CurrentNotToml(m) => write!(f, "the terminal's current config is not valid TOML: {m}"),
            Problem::CannotMerge(m) => write!(f, "cannot write the merged config: {m}"),
            Problem::Empty { example: Some(e) } => write!(f, "must not be empty (e.g. {e:?})"),
            Problem::Empty { example: None } => f.write_str("must not be empty"),
            Problem::TerminalIdForm => f.write_str("expected letters, digits and '-' only (e.g. \"SF-QST-01\")"),
            Problem::AtLeast { min, unit } => {
                write!(f, "expected a whole number of {}, at least {min}", unit.en())
            }
            Problem::Between { min, max, found, unit } => {
                write!(f, "expected {min} to {max} ({}), found {found}", unit.en())
            }
            Problem::OffOrBetween { min, max, found, unit } => {
                write!(f, "expected 0 (off) or {min} to {max} ({}), found {found}", unit.en())
            }
            Problem::AlsaDevice(d) => {
                write!(f, "expected an ALSA device name such as \"plughw:0,0\" or \"default\", found {d:?}")
            }
            Problem::LogLevel(v) => write!(
                f,
                "expected a level (off, error, warn, info, debug, trace) or module=level pairs, comma-separated, \
                 e.g. \"info,kiosk::sync=debug\", found {v:?}"
            ),
            Problem::WarningTooShort => f.write_str("expected at least 20 seconds, so a resident has time to answer"),
            Problem::HubUrl(url) => write!(f, "expected an http:// or https:// address, found {url:?}"),
            Problem::TokenRequired => {
                f.write_str("required when hub.url is set (the token `kiosk-hub terminals add` printed)")
            }
            Problem::NotBelow(key) => write!(f, "expected at least {key}"),
            Problem::PaperWidth(mm) => write!(f, "expected 58 or 80 (millimetres), found {mm}"),
            Problem::Rotation(d) => write!(f, "expected 0, 90, 180 or 270 (degrees clockwise), found {d}"),
            Problem::Hours(HoursError::Form(e)) => {
                write!(f, "expected entries \"HH:MM-HH:MM\" such as \"08:30-12:00\", found {e:?}")
            }
            Problem::Hours(HoursError::Order(e)) => write!(f, "{e:?}: the start must be before the end"),
            Problem::Hours(HoursError::Overlap(a, b)) => write!(f, "{a:?} and {b:?} overlap"),
            Problem::BaudRate(b) => write!(f, "expected a standard baud rate ({}), found {b}", bauds_listed()),
            Problem::PortRequired { example } => write!(f, "required when kind = \"serial\" (e.g. {example:?})"),
            Problem::PortPath(p) => write!(f, "expected a device path such as \"/dev/ttyUSB0\", found {p:?}"),
            Problem::PinHash { malformed } => write!(
                f,
                "expected an argon2id PHC string from `kiosk staff hash-pin` ($argon2id$v=19$…), found {}",
                if *malformed { "a malformed hash" } else { "something that is not a hash" }
            ),
            Problem::NotBundleKey { allowed } => write!(f, "not a bundle key; expected one of {allowed}"),
            Problem::HubNotTable => f.write_str("expected a table: [hub] with url and enrolment_code"),
            Problem::NotHubKey => f.write_str("not a hub key; expected url or enrolment_code"),
            Problem::UrlRequired => f.write_str("required, e.g. \"https://hub.example.gov.cn\""),
            Problem::UrlNotText => f.write_str("expected text, e.g. \"https://hub.example.gov.cn\""),
            Problem::BadUrl { url, fault: UrlFault::Unparsable(e) } => write!(f, "{URL_EXPECTED}, found {url:?} ({e})"),
            Problem::BadUrl { fault: UrlFault::Scheme(s), .. } => write!(f, "{URL_EXPECTED}, found scheme {s:?}"),
            Problem::BadUrl { url, fault: UrlFault::NoHost } => write!(f, "{URL_EXPECTED}, found no host in {url:?}"),
            Problem::EnrolmentCode => f.write_str("expected 4 to 16 digits, as text"),
            Problem::BundleStaffKey => f.write_str("a bundle sets only staff.pin_hash"),
        }
    }
}

impl Problem {
    /// The problem in Chinese, for the staff screen (key names, values and examples as written).
    pub fn zh(&self) -> String {
        const URL_EXPECTED: &str = "应为 http 或 https 地址，例如 \"https://hub.example.gov.cn\"";
        match self {
            Problem::Unreadable(e) => format!("无法读取文件（{e}）"),
            Problem::Toml(m) => toml_message_zh(m),
            Problem::BundleNotToml(m) => format!("不是有效的 TOML 文件（{m}）"),
            Problem::CurrentNotToml(m) => format!("本终端当前的配置文件不是有效的 TOML（{m}）"),
            Problem::CannotMerge(m) => format!("无法生成合并后的配置（{m}）"),
            Problem::Empty { example: Some(e) } => format!("不能为空（例如 {e:?}）"),
            Problem::Empty { example: None } => "不能为空".into(),
            Problem::TerminalIdForm => "只能包含字母、数字和“-”（例如 \"SF-QST-01\"）".into(),
            Problem::AtLeast { min, unit } => format!("应为整数{}，至少 {min}", unit.zh()),
            Problem::Between { min, max, found, unit } => {
                format!("应为 {min} 到 {max}（{}），实际为 {found}", unit.zh())
            }
            Problem::OffOrBetween { min, max, found, unit } => {
                format!("应为 0（关闭）或 {min} 到 {max}（{}），实际为 {found}", unit.zh())
            }
            Problem::AlsaDevice(d) => format!("应为 ALSA 设备名，例如 \"plughw:0,0\" 或 \"default\"，实际为 {d:?}"),
            Problem::LogLevel(v) => format!(
                "应为日志级别（off、error、warn、info、debug、trace）或 模块=级别，以逗号分隔，例如 \"info,kiosk::sync=debug\"，实际为 {v:?}"
            ),
            Problem::WarningTooShort => "至少应为 20 秒，让居民有时间回应".into(),
            Problem::HubUrl(url) => format!("应为 http:// 或 https:// 开头的地址，实际为 {url:?}"),
            Problem::TokenRequired => "设置了 hub.url 时必须填写（`kiosk-hub terminals add` 输出的令牌）".into(),
            Problem::NotBelow(key) => format!("不能小于 {key}"),
            Problem::PaperWidth(mm) => format!("应为 58 或 80（毫米），实际为 {mm}"),
            Problem::Rotation(d) => format!("应为 0、90、180 或 270（顺时针角度），实际为 {d}"),
            Problem::Hours(HoursError::Form(e)) => {
                format!("每项应为 \"HH:MM-HH:MM\"，例如 \"08:30-12:00\"，实际为 {e:?}")
            }
            Problem::Hours(HoursError::Order(e)) => format!("{e:?}：开始时间应早于结束时间"),
            Problem::Hours(HoursError::Overlap(a, b)) => format!("{a:?} 与 {b:?} 时间重叠"),
            Problem::BaudRate(b) => format!("应为标准波特率（{}），实际为 {b}", bauds_listed()),
            Problem::PortRequired { example } => format!("kind = \"serial\" 时必须填写（例如 {example:?}）"),
            Problem::PortPath(p) => format!("应为设备路径，例如 \"/dev/ttyUSB0\"，实际为 {p:?}"),
            Problem::PinHash { malformed } => format!(
                "应为 `kiosk staff hash-pin` 生成的 argon2id 哈希（$argon2id$v=19$…），实际为{}",
                if *malformed { "格式有误的哈希" } else { "不是哈希的内容" }
            ),
            Problem::NotBundleKey { allowed } => format!("配置包不能设置此项；可设置的有 {allowed}"),
            Problem::HubNotTable => "应为表格 [hub]，含 url 和 enrolment_code".into(),
            Problem::NotHubKey => "不是 [hub] 的配置项；只能是 url 或 enrolment_code".into(),
            Problem::UrlRequired => "必须填写，例如 \"https://hub.example.gov.cn\"".into(),
            Problem::UrlNotText => "应为文字（加引号），例如 \"https://hub.example.gov.cn\"".into(),
            Problem::BadUrl { url, fault: UrlFault::Unparsable(e) } => format!("{URL_EXPECTED}，实际为 {url:?}（{e}）"),
            Problem::BadUrl { fault: UrlFault::Scheme(s), .. } => format!("{URL_EXPECTED}，实际协议为 {s:?}"),
            Problem::BadUrl { url, fault: UrlFault::NoHost } => format!("{URL_EXPECTED}，{url:?} 中没有主机名"),
            Problem::EnrolmentCode => "应为 4 到 16 位数字，写成文字（加引号）".into(),
            Problem::BundleStaffKey => "配置包只能设置 staff.pin_hash".into(),
        }
    }
}

/// serde's and toml's messages in Chinese: the common forms are translated, anything else is kept
/// in brackets so that nothing is lost.
fn toml_message_zh(m: &str) -> String {
    let quoted = |prefix: &str| quoted_after(m, prefix);
    if quoted("unknown field `").is_some() {
        return match m.split_once(", expected ") {
            Some((_, expected)) => format!("不是可用的配置项（可用的有：{}）", expected.trim_start_matches("one of ")),
            None => "不是可用的配置项".into(),
        };
    }
    if quoted("missing field `").is_some() {
        return "缺少此项（必须填写）".into();
    }
    if let Some(variant) = quoted("unknown variant `") {
        let expected = m.split_once(", expected ").map(|(_, e)| e.trim_start_matches("one of ")).unwrap_or("");
        return format!("取值 \"{variant}\" 无效，应为 {}", expected.replace(" or ", " 或 "));
    }
    if let Some(rest) = m.strip_prefix("invalid type: ") {
        if let Some((found, expected)) = rest.split_once(", expected ") {
            return format!("类型不对：应为{}，实际为{}", kind_zh(expected), kind_zh(found));
        }
    }
    format!("格式有误（{m}）")
}

/// "a whole number", "a string", `string "ninety"` … in Chinese.
fn kind_zh(kind: &str) -> String {
    let kind = kind.trim();
    let (what, value) = match kind.split_once(' ') {
        Some((w, v)) if ["string", "integer", "boolean", "float"].contains(&w) => (w, Some(v)),
        _ => (kind, None),
    };
    let word = match what.trim_start_matches("a ").trim_start_matches("an ") {
        "whole number" | "integer" | "u8" | "u16" | "i64" => "整数",
        "string" => "文字",
        "boolean" | "bool" => "true 或 false",
        "float" => "小数",
        "sequence" | "array" => "列表 [ … ]",
        "map" | "table" => "表格",
        _ => return kind.to_string(),
    };
    match value {
        Some(v) => format!("{word} {v}"),
        None => word.to_string(),
    }
}

/// A configured serial device that does not exist now: not an error (it may be plugged in later),
/// but worth a technician's look.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigWarning {
    pub file: PathBuf,
    /// Dotted key path, e.g. `printer.port`.
    pub key: String,
    /// The configured device path.
    pub path: String,
}

impl fmt::Display for ConfigWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} = {:?}: no such device (it may be plugged in later)",
            self.file.display(),
            toml_key(&self.key),
            self.path
        )
    }
}

impl ConfigWarning {
    /// The warning in Chinese, for the staff screen.
    pub fn zh(&self) -> String {
        format!("{}：{} = {:?}：没有这个设备（可能稍后才接上）", self.file.display(), toml_key(&self.key), self.path)
    }
}

/// What `kiosk config check` finds in a file.
#[derive(Debug, Default)]
pub struct CheckReport {
    /// Problems that make the file unusable.
    pub errors: Vec<ConfigError>,
    /// Things to look at that do not stop the kiosk.
    pub warnings: Vec<ConfigWarning>,
}

/// The default configuration of a development build, used when no `--config` is given.
pub const DEFAULT_CONFIG_PATH: &str = "kiosk-config/demo.toml";

/// The configuration of an installed terminal (the package's conffile, `packaging/kiosk.toml`).
pub const INSTALLED_CONFIG_PATH: &str = "/etc/community-kiosk/kiosk.toml";

/// The config file used when no `--config` is given: [`INSTALLED_CONFIG_PATH`] for the packaged
/// executable (`/usr/bin/kiosk`), whether it exists or not, so that a production terminal never falls
/// back to demo mode or reads a stray `kiosk-config/demo.toml`; otherwise [`DEFAULT_CONFIG_PATH`] in
/// the current folder when it exists; otherwise none (the built-in demo config).
pub fn default_config_file() -> Option<PathBuf> {
    kiosk_systemd::installed::default_config_file(INSTALLED_CONFIG_PATH, DEFAULT_CONFIG_PATH)
}

#[cfg(test)]
fn default_config_file_for(exe: Option<&Path>, dev_default_exists: bool) -> Option<PathBuf> {
    kiosk_systemd::installed::default_config_file_for(
        exe,
        INSTALLED_CONFIG_PATH,
        DEFAULT_CONFIG_PATH,
        dev_default_exists,
    )
}

impl Config {
    /// Reads and validates a config file. Relative `data_dir` is resolved against the file's folder.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| ConfigError::new(path, "", Problem::Unreadable(e.to_string())))?;
        let mut config = Self::parse(&text, path)?;
        let base = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        if config.data_dir.is_relative() {
            config.data_dir = base.join(&config.data_dir);
        }
        if let Some(dir) = config.speech.capture_dir.as_mut().filter(|d| d.is_relative()) {
            *dir = base.join(&*dir);
        }
        Ok(config)
    }

    /// Parses and validates config text; `file` is only used in messages.
    pub fn parse(text: &str, file: &Path) -> Result<Config, ConfigError> {
        let de = toml::Deserializer::parse(text).map_err(|e| toml_error(file, String::new(), &e, text))?;
        let config: Config = serde_path_to_error::deserialize(de).map_err(|e| {
            let key = e.path().to_string();
            let key = if key == "." { String::new() } else { key };
            toml_error(file, key, e.inner(), text)
        })?;
        let problems = config.problems();
        match problems.into_iter().next() {
            Some((key, problem)) => Err(ConfigError::new(file, key, problem)),
            None => Ok(config),
        }
    }

    /// Checks the values that types alone cannot: returns (key, problem) for each.
    pub fn problems(&self) -> Vec<(String, Problem)> {
        let mut out = Vec::new();
        if self.terminal_id.trim().is_empty() {
            out.push(("terminal_id".into(), Problem::Empty { example: Some("SF-QST-01") }));
        } else if !self.terminal_id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            out.push(("terminal_id".into(), Problem::TerminalIdForm));
        }
        if self.centre_name.trim().is_empty() {
            out.push(("centre_name".into(), Problem::Empty { example: None }));
        }
        if kiosk_systemd::logger::check_level(&self.log_level).is_err() {
            out.push(("log_level".into(), Problem::LogLevel(self.log_level.clone())));
        }
        if self.idle.timeout_secs < 10 {
            out.push(("idle.timeout_secs".into(), Problem::AtLeast { min: 10, unit: Unit::Seconds }));
        }
        if self.idle.warning_secs < 20 {
            out.push(("idle.warning_secs".into(), Problem::WarningTooShort));
        }
        if ![0, 90, 180, 270].contains(&self.screen.rotation) {
            out.push(("screen.rotation".into(), Problem::Rotation(self.screen.rotation)));
        }
        if let Err(e) = self.screen.service_hours() {
            out.push(("screen.hours".into(), Problem::Hours(e)));
        }
        self.hub.problems(&mut out);
        if self.printer.paper != 58 && self.printer.paper != 80 {
            out.push(("printer.paper".into(), Problem::PaperWidth(self.printer.paper)));
        }
        if !STANDARD_BAUDS.contains(&self.printer.baud) {
            out.push(("printer.baud".into(), Problem::BaudRate(self.printer.baud)));
        }
        let poll = self.printer.poll_secs;
        if poll != 0 && !(PRINTER_POLL_SECS.0..=PRINTER_POLL_SECS.1).contains(&poll) {
            let (min, max) = PRINTER_POLL_SECS;
            out.push((
                "printer.poll_secs".into(),
                Problem::OffOrBetween { min, max, found: poll, unit: Unit::Seconds },
            ));
        }
        for (key, kind, port, example) in self.ports() {
            match port.filter(|p| !p.is_empty()) {
                None if kind == DeviceKind::Serial => out.push((key.into(), Problem::PortRequired { example })),
                Some(p) if !port_path_ok(p) => out.push((key.into(), Problem::PortPath(p.to_string()))),
                _ => {}
            }
        }
        self.speech.problems(&mut out);
        if let Some(h) = self.staff.pin_hash.as_deref().filter(|h| !pin_hash_form_ok(h)) {
            out.push(("staff.pin_hash".into(), Problem::PinHash { malformed: h.starts_with('$') }));
        }
        out
    }

    /// The serial devices: (key of the port, kind, port, an example path).
    fn ports(&self) -> [(&'static str, DeviceKind, Option<&str>, &'static str); 3] {
        [
            ("id_reader.port", self.id_reader.kind, self.id_reader.port.as_deref(), "/dev/ttyUSB0"),
            ("printer.port", self.printer.kind, self.printer.port.as_deref(), "/dev/ttyS1"),
            ("scanner.port", self.scanner.kind, self.scanner.port.as_deref(), "/dev/ttyACM0"),
        ]
    }

    /// Serial devices (`kind = "serial"`) whose port does not exist now. Not errors: a USB reader
    /// may be plugged in after the config is written. Simulated devices never warn. `file` names
    /// the config (or bundle) in the warnings.
    pub fn port_warnings(&self, file: &Path) -> Vec<ConfigWarning> {
        self.ports()
            .into_iter()
            .filter_map(|(key, kind, port, _)| {
                let p = port.filter(|p| kind == DeviceKind::Serial && port_path_ok(p) && !Path::new(p).exists())?;
                Some(ConfigWarning { file: file.to_path_buf(), key: key.into(), path: p.to_string() })
            })
            .collect()
    }

    /// The path of the terminal's SQLite database.
    pub fn database_path(&self) -> PathBuf {
        self.data_dir.join("kiosk.sqlite3")
    }
}

/// `[printer] poll_secs` other than 0 (off): from every second to once an hour.
pub const PRINTER_POLL_SECS: (u64, u64) = (1, 3_600);

/// The baud rates `[printer] baud` may take: the standard ones receipt printers offer.
pub const STANDARD_BAUDS: [u32; 7] = [2_400, 4_800, 9_600, 19_200, 38_400, 57_600, 115_200];

fn bauds_listed() -> String {
    STANDARD_BAUDS.map(|b| b.to_string()).join(", ")
}

/// A serial device path: absolute, under `/dev/`, without spaces.
pub fn port_path_ok(p: &str) -> bool {
    p.len() > "/dev/".len() && p.starts_with("/dev/") && !p.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// Whether `hash` is an argon2 PHC string the staff PIN check can verify (`[staff] pin_hash`).
pub fn pin_hash_form_ok(hash: &str) -> bool {
    hash.starts_with("$argon2") && argon2::password_hash::phc::PasswordHash::new(hash).is_ok()
}

impl Config {
    /// Every problem of a config file, not only the first: unreadable file, TOML syntax, unknown
    /// keys, wrong types, missing keys and values out of range; and the warnings (serial devices
    /// that are not there now). No errors when the file is valid.
    pub fn check(path: &Path) -> CheckReport {
        match std::fs::read_to_string(path) {
            Ok(text) => {
                let (config, errors) = Self::check_all(&text, path);
                let warnings = config.map(|c| c.port_warnings(path)).unwrap_or_default();
                CheckReport { errors, warnings }
            }
            Err(e) => CheckReport {
                errors: vec![ConfigError::new(path, "", Problem::Unreadable(e.to_string()))],
                warnings: Vec::new(),
            },
        }
    }

    /// Parses config text, collecting every problem: each key that fails to deserialize is named and
    /// set aside so that the rest of the file is still checked.
    pub fn check_text(text: &str, file: &Path) -> Result<Config, Vec<ConfigError>> {
        match Self::check_all(text, file) {
            (Some(config), errors) if errors.is_empty() => Ok(config),
            (_, errors) => Err(errors),
        }
    }

    /// The config as far as it could be read (keys that failed set aside, missing ones filled with
    /// placeholders), and every problem found.
    fn check_all(text: &str, file: &Path) -> (Option<Config>, Vec<ConfigError>) {
        let mut table: toml::Table = match text.parse() {
            Ok(t) => t,
            Err(e) => return (None, vec![toml_error(file, String::new(), &e, text)]),
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
                            .map(|(key, problem)| ConfigError::new(file, key, problem)),
                    );
                    return (Some(config), errors);
                }
                Err(e) => e,
            };
            let path: Vec<String> = e.path().iter().map(|s| s.to_string()).collect();
            let message = toml_message(e.inner());
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
            let line = line_of(text, &key);
            errors.push(ConfigError { line, ..ConfigError::new(file, key, Problem::Toml(message)) });
            if !removed {
                break;
            }
        }
        (None, errors)
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

/// serde and toml name Rust types; a technician wants the TOML form. The first line of the message.
fn toml_message(e: &toml::de::Error) -> String {
    let mut msg = e.message().trim().to_string();
    for (rust, toml) in [("u64", "a whole number"), ("u32", "a whole number"), ("usize", "a whole number")] {
        msg = msg.replace(&format!("expected {rust}"), &format!("expected {toml}"));
    }
    msg
}

/// A toml error as a problem, with the line its span points at in `text`.
fn toml_error(file: &Path, key: String, e: &toml::de::Error, text: &str) -> ConfigError {
    let line = e.span().map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1);
    ConfigError { line, ..ConfigError::new(file, key, Problem::Toml(toml_message(e))) }
}

/// The demo config, built in for when the binary runs away from the repository.
const BUILT_IN_DEMO: &str = include_str!("../kiosk-config/demo.toml");

impl Config {
    /// The config named by `--config`, else the default file ([`default_config_file`]: the `/etc`
    /// file when installed, `kiosk-config/demo.toml` in the current folder in development), else the
    /// built-in demo config with its data in the system's temporary folder.
    pub fn resolve(path: Option<&Path>) -> Result<Config, ConfigError> {
        if let Some(p) = path {
            return Config::load(p);
        }
        if let Some(default) = default_config_file() {
            return Config::load(&default);
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
    fn the_installed_executable_reads_the_etc_config_and_a_development_build_the_demo() {
        let installed = Some(Path::new("/usr/bin/kiosk"));
        let etc = Some(PathBuf::from(INSTALLED_CONFIG_PATH));
        assert_eq!(default_config_file_for(installed, false), etc);
        // Installed: a demo.toml in the current folder is not picked up.
        assert_eq!(default_config_file_for(installed, true), etc);
        let dev = Some(Path::new("/home/dev/kiosk/target/debug/kiosk"));
        assert_eq!(default_config_file_for(dev, true), Some(PathBuf::from(DEFAULT_CONFIG_PATH)));
        assert_eq!(default_config_file_for(dev, false), None);
        assert_eq!(default_config_file_for(Some(Path::new("/usr/local/bin/kiosk")), false), None);
        assert_eq!(default_config_file_for(None, false), None);
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
        assert!(e.problem.to_string().contains("expected a whole number"), "{}", e.problem);
    }

    #[test]
    fn the_log_level_is_a_filter_of_levels() {
        assert_eq!(parse(MINIMAL).unwrap().log_level, "info");
        let c = parse(&format!("log_level = \"warn,kiosk::sync=debug\"\n{MINIMAL}")).unwrap();
        assert_eq!(c.log_level, "warn,kiosk::sync=debug");
        let e = parse(&format!("log_level = \"verbose\"\n{MINIMAL}")).unwrap_err();
        assert_eq!(e.key, "log_level");
        let text = e.to_string();
        assert!(text.starts_with("kiosk-config/test.toml: key `log_level`: expected a level"), "{text}");
        assert!(text.ends_with("found \"verbose\""), "{text}");
        assert_eq!(
            e.zh(),
            "kiosk-config/test.toml：log_level：应为日志级别（off、error、warn、info、debug、trace）或 模块=级别，\
             以逗号分隔，例如 \"info,kiosk::sync=debug\"，实际为 \"verbose\""
        );
    }

    #[test]
    fn values_out_of_range_are_refused() {
        let e = parse(&format!("{MINIMAL}[printer]\npaper = 57\n")).unwrap_err();
        assert_eq!(e.key, "printer.paper");
        let e = parse(&format!("{MINIMAL}[idle]\nwarning_secs = 5\n")).unwrap_err();
        assert_eq!(e.key, "idle.warning_secs");
    }

    #[test]
    fn screen_rotation_blanking_and_hours_are_checked_and_named() {
        let c = parse(MINIMAL).unwrap();
        assert_eq!((c.screen.rotation, c.screen.blank_after_secs), (0, None));
        assert!(c.screen.service_hours().unwrap().spans().is_empty(), "no hours: always open");
        let c = parse(&format!(
            "{MINIMAL}[screen]\nrotation = 270\nblank_after_secs = 120\nhours = [\"08:30-12:00\", \"14:00-17:30\"]\n"
        ))
        .unwrap();
        assert_eq!((c.screen.rotation, c.screen.blank_after_secs), (270, Some(120)));
        assert_eq!(c.screen.service_hours().unwrap().spans().len(), 2);

        let e = parse(&format!("{MINIMAL}[screen]\nrotation = 45\n")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "kiosk-config/test.toml: key `screen.rotation`: expected 0, 90, 180 or 270 (degrees clockwise), found 45"
        );
        assert_eq!(
            e.zh(),
            "kiosk-config/test.toml：[screen] rotation：应为 0、90、180 或 270（顺时针角度），实际为 45"
        );
        let e = parse(&format!("{MINIMAL}[screen]\nhours = [\"08:30-12:00\", \"8:00-9:00\"]\n")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "kiosk-config/test.toml: key `screen.hours`: expected entries \"HH:MM-HH:MM\" such as \"08:30-12:00\", \
             found \"8:00-9:00\""
        );
        let e = parse(&format!("{MINIMAL}[screen]\nhours = [\"17:30-14:00\"]\n")).unwrap_err();
        assert_eq!(e.zh(), "kiosk-config/test.toml：[screen] hours：\"17:30-14:00\"：开始时间应早于结束时间");
        let e = parse(&format!("{MINIMAL}[screen]\nhours = [\"08:30-12:00\", \"11:30-13:00\"]\n")).unwrap_err();
        assert!(e.to_string().ends_with("\"08:30-12:00\" and \"11:30-13:00\" overlap"), "{e}");
    }

    #[test]
    fn the_printer_poll_defaults_to_60_seconds_and_is_off_or_1_to_3600() {
        assert_eq!(parse(MINIMAL).unwrap().printer.poll_secs, 60);
        assert_eq!(parse(&format!("{MINIMAL}[printer]\npoll_secs = 0\n")).unwrap().printer.poll_secs, 0);
        assert_eq!(parse(&format!("{MINIMAL}[printer]\npoll_secs = 5\n")).unwrap().printer.poll_secs, 5);
        for bad in [3_601, 86_400] {
            let e = parse(&format!("{MINIMAL}[printer]\npoll_secs = {bad}\n")).unwrap_err();
            assert_eq!(e.key, "printer.poll_secs");
            assert_eq!(
                e.to_string(),
                format!("kiosk-config/test.toml: key `printer.poll_secs`: expected 0 (off) or 1 to 3600 (seconds), found {bad}")
            );
            assert_eq!(
                e.zh(),
                format!(
                    "kiosk-config/test.toml：[printer] poll_secs：应为 0（关闭）或 1 到 3600（秒数），实际为 {bad}"
                )
            );
        }
    }

    #[test]
    fn the_printer_baud_rate_defaults_to_9600_and_must_be_a_standard_rate() {
        assert_eq!(parse(MINIMAL).unwrap().printer.baud, 9_600);
        assert_eq!(parse(&format!("{MINIMAL}[printer]\nbaud = 19200\n")).unwrap().printer.baud, 19_200);
        let e = parse(&format!("{MINIMAL}[printer]\nbaud = 9601\n")).unwrap_err();
        assert_eq!(e.key, "printer.baud");
        assert_eq!(
            e.to_string(),
            "kiosk-config/test.toml: key `printer.baud`: expected a standard baud rate \
             (2400, 4800, 9600, 19200, 38400, 57600, 115200), found 9601"
        );
        assert_eq!(
            e.zh(),
            "kiosk-config/test.toml：[printer] baud：应为标准波特率（2400, 4800, 9600, 19200, 38400, 57600, 115200），实际为 9601"
        );
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
        assert!(
            timeout.problem.to_string().contains("expected a whole number") && timeout.line == Some(5),
            "{timeout}"
        );
        assert!(timeout.to_string().ends_with("(line 5)"), "{timeout}");
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
    fn a_missing_serial_port_is_a_warning_and_simulated_devices_never_warn() {
        let file = Path::new("kiosk-config/test.toml");
        let text = format!(
            "{MINIMAL}[printer]\nkind = \"serial\"\nport = \"/dev/ttyUSB9-kiosk-test\"\n\
             [id_reader]\nkind = \"serial\"\nport = \"/dev/null\"\n\
             [scanner]\nkind = \"simulated\"\nport = \"/dev/ttyACM9-kiosk-test\"\n"
        );
        let config = Config::check_text(&text, file).expect("a missing device is no error");
        let warnings = config.port_warnings(file);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert_eq!(
            warnings[0].to_string(),
            "kiosk-config/test.toml: [printer] port = \"/dev/ttyUSB9-kiosk-test\": no such device (it may be plugged in later)"
        );
        assert_eq!(
            warnings[0].zh(),
            "kiosk-config/test.toml：[printer] port = \"/dev/ttyUSB9-kiosk-test\"：没有这个设备（可能稍后才接上）"
        );
        let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("kiosk-config/demo.toml");
        assert_eq!(Config::check(&demo).warnings, vec![], "the demo's simulated devices");
    }

    #[test]
    fn every_problem_has_a_chinese_wording_that_keeps_the_file_and_the_key() {
        let text = "terminal_id = \"T 01\"\ndata_dir = \"data\"\nfoo = 1\n[idle]\ntimeout_secs = \"ninety\"\nwarning_secs = 5\n\
                    [printer]\nkind = \"serial\"\nport = \"COM3\"\npaper = 57\n[scanner]\nkind = \"usb\"\n\
                    [staff]\npin_hash = \"246810\"\n[hub]\nurl = \"hub\"\ntimeout_ms = 5\n";
        let errors = Config::check_text(text, Path::new("kiosk.toml")).unwrap_err();
        assert!(errors.len() >= 10, "{errors:#?}");
        for e in &errors {
            let zh = e.zh();
            assert!(zh.starts_with("kiosk.toml："), "{zh}");
            assert!(zh.contains(&toml_key(&e.key)), "{zh}");
            let sentence = zh.trim_start_matches("kiosk.toml：");
            assert!(sentence.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "not Chinese: {zh}");
            for english in ["expected", "must not", "required", "found", "unknown", "missing", "invalid"] {
                assert!(!sentence.contains(english), "English `{english}` left in: {zh}");
            }
        }
        let zh = |key: &str| errors.iter().find(|e| e.key == key).map(ConfigError::zh).unwrap();
        assert_eq!(
            zh("printer.port"),
            "kiosk.toml：[printer] port：应为设备路径，例如 \"/dev/ttyUSB0\"，实际为 \"COM3\""
        );
        assert_eq!(zh("printer.paper"), "kiosk.toml：[printer] paper：应为 58 或 80（毫米），实际为 57");
        assert_eq!(
            zh("idle.timeout_secs"),
            "kiosk.toml：[idle] timeout_secs：类型不对：应为整数，实际为文字 \"ninety\"（第 5 行）"
        );
        let foo = zh("foo");
        assert!(
            foo.starts_with("kiosk.toml：foo：不是可用的配置项（可用的有：`terminal_id`")
                && foo.ends_with("（第 3 行）"),
            "{foo}"
        );
        assert!(zh("centre_name").ends_with("centre_name：缺少此项（必须填写）"), "{}", zh("centre_name"));
        assert!(
            zh("scanner.kind").contains("取值 \"usb\" 无效，应为 `serial` 或 `simulated`"),
            "{}",
            zh("scanner.kind")
        );
    }

    #[test]
    fn the_shipped_configs_are_valid() {
        for file in ["kiosk-config/demo.toml", "kiosk-config/example.toml", "packaging/kiosk.toml"] {
            let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
            Config::load(&path).unwrap_or_else(|e| panic!("{e}"));
        }
    }

    #[test]
    fn the_packaged_config_uses_the_stable_device_names_and_the_state_folder() {
        let c = Config::parse(include_str!("../packaging/kiosk.toml"), Path::new(INSTALLED_CONFIG_PATH)).unwrap();
        assert_eq!(c.data_dir, Path::new("/var/lib/community-kiosk"));
        assert!(!c.demo);
        assert_eq!(c.id_reader.port.as_deref(), Some("/dev/kiosk-id-reader"));
        assert_eq!(c.printer.port.as_deref(), Some("/dev/kiosk-printer"));
        assert_eq!(c.scanner.port.as_deref(), Some("/dev/kiosk-scanner"));
        assert_eq!(c.hub.base_url(), None, "the hub is a placeholder to fill in, offline until then");
    }
}
