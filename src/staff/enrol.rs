//! Enrolment with the district hub: a one-time code (from `kiosk-hub enrolment create` or the hub's
//! terminals board) is exchanged once for this terminal's token and its provisioning bundle
//! (`POST /api/v1/enrolment`). The bundle is checked like a USB bundle ([`super::bundle::validate`]),
//! then the hub's address, the token and `applications.qr_base` (the hub's phone page, `/p/{token}`)
//! are set, and the config is switched atomically with its backup ([`super::provision`]).
//!
//! The code is never written anywhere nor logged; the token only into the config file.

use std::path::Path;
use std::time::Duration;

use kiosk_contract::{normalise_enrolment_code, Enrolment};

use super::bundle;
use super::provision::{self, ProvisionError};
use crate::config::{Config, ConfigError};
use crate::sync::client::{Failure, HubClient};

/// How long the hub has to answer.
const TIMEOUT: Duration = Duration::from_secs(20);

#[derive(Debug, thiserror::Error)]
pub enum EnrolError {
    /// The code is not of the issued form (nothing was sent).
    #[error("the enrolment code is 12 digits (spaces or - between groups are fine)")]
    CodeForm,
    /// The hub address is not an http(s) URL (nothing was sent).
    #[error("{0}")]
    HubUrl(String),
    /// The hub refused the code: unknown, used, expired, the terminal revoked, or too many wrong codes.
    #[error("the hub refused the code: {message} ({code})")]
    Refused { status: u16, code: String, message: String },
    /// The hub could not be reached or answered something else.
    #[error("{0}")]
    Hub(String),
    /// The hub's bundle or the resulting config has problems; nothing changed.
    #[error("{} problem(s) in the hub's bundle; nothing changed", .0.len())]
    Invalid(Vec<ConfigError>),
    #[error("{0}")]
    Io(String),
}

impl EnrolError {
    /// The sentence staff read on the terminal's screen.
    pub fn zh(&self) -> String {
        match self {
            EnrolError::CodeForm => "登记码应为 12 位数字，请核对后重新输入。".into(),
            EnrolError::HubUrl(_) => "中心平台地址不正确，应为 http 或 https 地址。".into(),
            EnrolError::Refused { code, .. } => match code.as_str() {
                "enrolment_code_used" => {
                    "该登记码已经使用过，每个登记码只能用一次。请向中心平台索取新的登记码。".into()
                }
                "enrolment_code_expired" => "该登记码已过期，请向中心平台索取新的登记码。".into(),
                "enrolment_code_unknown" => "登记码不正确，请核对后重新输入。".into(),
                "terminal_revoked" => "该终端编号已被中心平台停用，请联系中心平台管理员。".into(),
                "too_many_auth_failures" => "输错次数过多，请稍后再试。".into(),
                _ => "中心平台拒绝了登记，请联系中心平台管理员。".into(),
            },
            // The cause (refused, timed out, an unexpected answer) is in the log, in English.
            EnrolError::Hub(_) => "无法完成与中心平台的登记：请检查网络和中心平台地址后重试。".into(),
            EnrolError::Invalid(errors) => {
                let mut s = "中心平台发来的配置有问题，未作任何修改：".to_string();
                for e in errors {
                    s.push('\n');
                    s.push_str(&e.zh());
                }
                s
            }
            EnrolError::Io(e) => format!("配置文件写入失败，未作修改：{e}"),
        }
    }
}

/// What an enrolment did.
#[derive(Debug, Clone)]
pub struct Enrolled {
    /// The new config as loaded from its file.
    pub config: Config,
    /// What changed, one line per key, for the audit log and the screen (no secrets).
    pub changes: Vec<String>,
}

/// Exchanges `code` at the hub `hub_url` and switches the config at `config_path` to the result
/// (keeping `<config>.bak`). Blocking: runs its own small runtime for the one request.
pub fn enrol(config_path: &Path, hub_url: &str, code: &str) -> Result<Enrolled, EnrolError> {
    let hub_url = hub_url.trim().trim_end_matches('/').to_string();
    if let Some(problem) = bundle::url_problem(&hub_url) {
        return Err(EnrolError::HubUrl(problem.to_string()));
    }
    let code = normalise_enrolment_code(code).ok_or(EnrolError::CodeForm)?;
    let current = std::fs::read_to_string(config_path)
        .map_err(|e| EnrolError::Io(format!("cannot read the config {}: {e}", config_path.display())))?;
    let enrolment = exchange(&hub_url, &code)?;
    let source = format!("{hub_url}/api/v1/enrolment");
    let validated = bundle::validate(&enrolment.bundle, Path::new(&source), &current).map_err(EnrolError::Invalid)?;
    if validated.config.terminal_id != enrolment.terminal_id {
        return Err(EnrolError::Hub("the hub's bundle names another terminal than its answer".into()));
    }
    let text = with_hub(&validated.text, &hub_url, &enrolment.terminal_token)
        .map_err(|e| EnrolError::Io(format!("cannot merge the hub's answer: {e}")))?;
    Config::check_text(&text, config_path).map_err(EnrolError::Invalid)?;
    let written_by = format!("enrolment with {hub_url}");
    let config = provision::switch_to(config_path, &current, &text, &written_by).map_err(|e| match e {
        ProvisionError::Invalid(errors) => EnrolError::Invalid(errors),
        ProvisionError::Io(e) => EnrolError::Io(e),
    })?;
    let mut changes = validated.changes;
    changes.push(format!("hub.url: {hub_url}"));
    changes.push("hub.terminal_token changed".into());
    changes.push(format!("applications.qr_base: {hub_url}"));
    Ok(Enrolled { config, changes })
}

/// `POST /api/v1/enrolment` with the code.
fn exchange(hub_url: &str, code: &str) -> Result<Enrolment, EnrolError> {
    let client = HubClient::new(hub_url, "", TIMEOUT).map_err(EnrolError::Hub)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| EnrolError::Hub(format!("cannot start the HTTP runtime: {e}")))?;
    runtime.block_on(client.enrol(code)).map_err(|f| match f {
        Failure::Transient(e) => EnrolError::Hub(e),
        Failure::Unauthorized { status, code } => {
            EnrolError::Refused { status, message: "this terminal is revoked at the hub".into(), code }
        }
        Failure::Refused { status, code, message } => EnrolError::Refused { status, code, message },
    })
}

/// The config text with `[hub] url` and `terminal_token` and `[applications] qr_base` set.
fn with_hub(text: &str, hub_url: &str, token: &str) -> Result<String, String> {
    let mut table: toml::Table = text.parse().map_err(|e: toml::de::Error| e.to_string())?;
    let mut set = |section: &str, key: &str, value: &str| {
        let entry = table.entry(section.to_string()).or_insert_with(|| toml::Value::Table(toml::Table::new()));
        if let toml::Value::Table(t) = entry {
            t.insert(key.to_string(), toml::Value::String(value.to_string()));
        }
    };
    set("hub", "url", hub_url);
    set("hub", "terminal_token", token);
    set("applications", "qr_base", hub_url);
    toml::to_string(&table).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hub_and_its_token_are_set_and_the_rest_kept() {
        let text =
            "terminal_id = \"SF-QST-09\"\ncentre_name = \"月塘\"\ndata_dir = \"data\"\n[hub]\nheartbeat_secs = 5\n";
        let out = with_hub(text, "http://127.0.0.1:8700", &"a".repeat(64)).unwrap();
        let config = Config::check_text(&out, Path::new("kiosk.toml")).unwrap();
        assert_eq!(config.hub.url.as_deref(), Some("http://127.0.0.1:8700"));
        assert_eq!(config.hub.terminal_token.as_deref(), Some("a".repeat(64).as_str()));
        assert_eq!(config.hub.heartbeat_secs, 5);
        assert_eq!(config.applications.qr_base, "http://127.0.0.1:8700");
    }

    #[test]
    fn a_malformed_code_or_address_is_refused_before_anything_is_sent() {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("kiosk.toml");
        std::fs::write(&config, "terminal_id = \"X-1\"\ncentre_name = \"c\"\ndata_dir = \"data\"\n").unwrap();
        assert!(matches!(enrol(&config, "http://127.0.0.1:9", "12ab"), Err(EnrolError::CodeForm)));
        assert!(matches!(enrol(&config, "hub.example", "493027185521"), Err(EnrolError::HubUrl(_))));
    }
}
