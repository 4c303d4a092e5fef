//! `hub.toml`: every key is known; an error names the file, the key and the expected form.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The file looked for in the current folder when `--config` is not given (development).
pub const DEFAULT_CONFIG: &str = "hub.toml";

/// The config of an installed hub (the package's conffile, `packaging/hub.toml`).
pub const INSTALLED_CONFIG: &str = "/etc/community-kiosk/hub.toml";

/// The config file used when no `--config` is given: [`INSTALLED_CONFIG`] for the packaged executable
/// (`/usr/bin/kiosk-hub`), whether it exists or not (an installed hub never serves a database in
/// whatever folder it was started from); otherwise [`DEFAULT_CONFIG`] in the current folder when it
/// exists; otherwise none (built-in defaults).
pub fn default_config_file() -> Option<PathBuf> {
    kiosk_systemd::installed::default_config_file(INSTALLED_CONFIG, DEFAULT_CONFIG)
}

#[cfg(test)]
fn default_config_file_for(exe: Option<&Path>, dev_default_exists: bool) -> Option<PathBuf> {
    kiosk_systemd::installed::default_config_file_for(exe, INSTALLED_CONFIG, DEFAULT_CONFIG, dev_default_exists)
}

/// Where the hub keeps its data: the `database` key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Database {
    /// An SQLite file (the default; one `kiosk-hub serve` per file).
    Sqlite(PathBuf),
    /// A PostgreSQL URL, `postgres://user[:password]@host[:port]/dbname` (several instances may share it).
    Postgres(String),
}

impl Database {
    /// For messages: the file, or the URL without its password.
    pub fn display(&self) -> String {
        match self {
            Database::Sqlite(path) => path.display().to_string(),
            Database::Postgres(url) => redact_password(url),
        }
    }
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`, and a `password=` query
/// parameter → `password=***`.
fn redact_password(url: &str) -> String {
    let url = redact_user_password(url);
    match url.split_once('?') {
        Some((base, query)) => {
            let query: Vec<String> = query
                .split('&')
                .map(|pair| match pair.split_once('=') {
                    Some((key, _)) if key.eq_ignore_ascii_case("password") => format!("{key}=***"),
                    _ => pair.to_string(),
                })
                .collect();
            format!("{base}?{}", query.join("&"))
        }
        None => url,
    }
}

fn redact_user_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_string() };
    let (authority, tail) = rest.split_once('/').map_or((rest, None), |(a, t)| (a, Some(t)));
    let authority = match authority.rsplit_once('@') {
        Some((user, host)) => match user.split_once(':') {
            Some((name, _)) => format!("{name}:***@{host}"),
            None => authority.to_string(),
        },
        None => authority.to_string(),
    };
    match tail {
        Some(t) => format!("{scheme}://{authority}/{t}"),
        None => format!("{scheme}://{authority}"),
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Address the HTTP server binds to.
    pub listen: SocketAddr,
    /// SQLite database file (a relative path in the file is taken relative to the config file's
    /// folder) or a PostgreSQL URL.
    pub database: Database,
    /// Public address of this hub as kiosks reach it (e.g. behind a reverse proxy); shown in the served
    /// OpenAPI document's `servers`.
    pub public_base_url: Option<String>,
    /// The log filter in `RUST_LOG`'s syntax (`info`, `info,kiosk_hub::api=debug`); `RUST_LOG`
    /// wins when set.
    pub log_level: String,
    /// Where `/metrics` (Prometheus text format) is served; `None` (the default): not at all. A separate
    /// address from `listen`, so that it is never public by accident.
    pub metrics_listen: Option<SocketAddr>,
    /// Limits of the HTTP API: request rates, timeouts.
    pub limits: Limits,
    /// CA certificates (PEM) that a PostgreSQL server's certificate is verified against when the URL
    /// has `sslmode=require`; relative to the config file's folder. None: the system's roots.
    pub database_ca_file: Option<PathBuf>,
    /// The key file that seals ID numbers, addresses and the rest of the applicant at rest
    /// (`kiosk-hub keys init` creates it); relative to the config file's folder. None: stored unsealed.
    pub key_file: Option<PathBuf>,
    /// Personal fields of applications picked up or rejected more than this many days ago are purged
    /// (at start and hourly). None: kept.
    pub retention_days: Option<u32>,
    /// The staff console (`[console]`).
    pub console: ConsoleConfig,
}

/// `[console]`: the staff console's sessions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConsoleConfig {
    /// A session unused this long ends (`session_idle_minutes`, 1 to 1440; default 30).
    pub session_idle_minutes: u32,
}

impl Default for ConsoleConfig {
    fn default() -> ConsoleConfig {
        ConsoleConfig { session_idle_minutes: 30 }
    }
}

/// The API's protections against a misbehaving or hostile client (issue 15, item 5). Per hub process:
/// with several instances behind a load balancer each counts what it sees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// Requests per minute one terminal may make (429 `rate_limited` with `Retry-After` above it)…
    pub terminal_requests_per_minute: u32,
    /// …after a burst of this many (a kiosk emptying its outbox after an outage).
    pub terminal_burst: u32,
    /// Failed authentications (no, unknown or revoked token) per minute from one client address, in
    /// bursts of as many; above it the address's failed authentications are answered 429
    /// `too_many_auth_failures` instead of 401. A valid token always passes.
    pub auth_failures_per_minute: u32,
    /// The request line and headers must arrive within this time (also the most a kept-alive connection
    /// may stay idle): otherwise the connection is closed.
    pub header_timeout: Duration,
    /// The body must arrive within this time after the headers (408 `request_timeout`).
    pub body_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            terminal_requests_per_minute: 600,
            terminal_burst: 200,
            auth_failures_per_minute: 30,
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
        }
    }
}

/// Every key of `hub.toml`, as named in errors.
pub const KEYS: &str = "listen, database, public_base_url, log_level, database_ca_file, key_file, \
                        retention_days, metrics_listen, terminal_requests_per_minute, terminal_burst, \
                        auth_failures_per_minute, header_timeout_secs, body_timeout_secs, \
                        [console] session_idle_minutes";

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{file}: cannot read: {source}")]
    Read { file: String, source: std::io::Error },
    #[error("{file}: not valid TOML: {message}")]
    Syntax { file: String, message: String },
    #[error("{file}: key `{key}`: expected {expected}")]
    Key { file: String, key: String, expected: &'static str },
    #[error("{file}: unknown key `{key}` (known keys: {keys})", keys = KEYS)]
    Unknown { file: String, key: String },
}

impl Config {
    /// Defaults used when no file is given and `hub.toml` does not exist: paths relative to `base`.
    pub fn defaults(base: &Path) -> Config {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8700)),
            database: Database::Sqlite(base.join("hub.sqlite3")),
            public_base_url: None,
            log_level: "info".into(),
            metrics_listen: None,
            limits: Limits::default(),
            database_ca_file: None,
            key_file: None,
            retention_days: None,
            console: ConsoleConfig::default(),
        }
    }

    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read { file: file.clone(), source })?;
        let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        Config::parse(&text, &file, &base)
    }

    /// Parses the text of a config file named `file`, resolving relative paths against `base`.
    pub fn parse(text: &str, file: &str, base: &Path) -> Result<Config, ConfigError> {
        let table: toml::Table = text
            .parse()
            .map_err(|e: toml::de::Error| ConfigError::Syntax { file: file.into(), message: e.to_string() })?;
        let mut config = Config::defaults(base);
        let key_err = |key: &str, expected| ConfigError::Key { file: file.into(), key: key.into(), expected };
        for (key, value) in &table {
            match key.as_str() {
                "listen" => {
                    const FORM: &str = "a socket address string like \"127.0.0.1:8700\"";
                    let s = value.as_str().ok_or_else(|| key_err(key, FORM))?;
                    config.listen = s.parse().map_err(|_| key_err(key, FORM))?;
                }
                "database" => {
                    const FORM: &str = "a non-empty file path string like \"hub.sqlite3\" or a PostgreSQL URL \
                                        like \"postgres://kiosk_hub@db.example/kiosk_hub\"";
                    let s = value.as_str().filter(|s| !s.trim().is_empty()).ok_or_else(|| key_err(key, FORM))?;
                    config.database = if s.starts_with("postgres://") || s.starts_with("postgresql://") {
                        s.parse::<tokio_postgres::Config>().map_err(|_| key_err(key, FORM))?;
                        Database::Postgres(s.to_string())
                    } else {
                        Database::Sqlite(base.join(s))
                    };
                }
                "database_ca_file" => {
                    const FORM: &str = "a non-empty file path string like \"db-ca.pem\" (PEM certificates)";
                    let s = value.as_str().filter(|s| !s.trim().is_empty()).ok_or_else(|| key_err(key, FORM))?;
                    config.database_ca_file = Some(base.join(s));
                }
                "key_file" => {
                    const FORM: &str = "a non-empty file path string like \"hub.key\" (made by `kiosk-hub keys init`)";
                    let s = value.as_str().filter(|s| !s.trim().is_empty()).ok_or_else(|| key_err(key, FORM))?;
                    config.key_file = Some(base.join(s));
                }
                "retention_days" => {
                    const FORM: &str = "a whole number of days from 1 to 36500, like 180";
                    let n = value.as_integer().filter(|n| (1..=36500).contains(n)).ok_or_else(|| key_err(key, FORM))?;
                    config.retention_days = Some(n as u32);
                }
                "public_base_url" => {
                    const FORM: &str = "an http(s) URL string like \"https://hub.example.gov.cn\"";
                    let s = value.as_str().ok_or_else(|| key_err(key, FORM))?;
                    let rest = s.strip_prefix("https://").or_else(|| s.strip_prefix("http://"));
                    if rest.is_none_or(|r| r.is_empty() || r.chars().any(char::is_whitespace)) {
                        return Err(key_err(key, FORM));
                    }
                    config.public_base_url = Some(s.trim_end_matches('/').to_string());
                }
                "log_level" => {
                    const FORM: &str = "a log filter string like \"info\" or \"info,kiosk_hub::api=debug\" \
                                        (levels: off, error, warn, info, debug, trace)";
                    let s = value.as_str().ok_or_else(|| key_err(key, FORM))?;
                    kiosk_systemd::logger::check_level(s).map_err(|_| key_err(key, FORM))?;
                    config.log_level = s.trim().to_string();
                }
                "metrics_listen" => {
                    const FORM: &str = "a socket address string like \"127.0.0.1:9700\" (not the `listen` address)";
                    let s = value.as_str().ok_or_else(|| key_err(key, FORM))?;
                    config.metrics_listen = Some(s.parse().map_err(|_| key_err(key, FORM))?);
                }
                "terminal_requests_per_minute" => {
                    config.limits.terminal_requests_per_minute = positive(value).ok_or_else(|| key_err(key, COUNT))?
                }
                "terminal_burst" => {
                    config.limits.terminal_burst = positive(value).ok_or_else(|| key_err(key, COUNT))?
                }
                "auth_failures_per_minute" => {
                    config.limits.auth_failures_per_minute = positive(value).ok_or_else(|| key_err(key, COUNT))?
                }
                "header_timeout_secs" => {
                    let secs = positive(value).filter(|s| *s <= 3600).ok_or_else(|| key_err(key, SECONDS))?;
                    config.limits.header_timeout = Duration::from_secs(secs.into());
                }
                "body_timeout_secs" => {
                    let secs = positive(value).filter(|s| *s <= 3600).ok_or_else(|| key_err(key, SECONDS))?;
                    config.limits.body_timeout = Duration::from_secs(secs.into());
                }
                "console" => {
                    let table = value.as_table().ok_or_else(|| key_err(key, "a table: [console]"))?;
                    for (sub, value) in table {
                        let name = format!("console.{sub}");
                        match sub.as_str() {
                            "session_idle_minutes" => {
                                const FORM: &str = "a whole number of minutes from 1 to 1440, like 30";
                                let n = positive(value).filter(|n| *n <= 1440).ok_or_else(|| key_err(&name, FORM))?;
                                config.console.session_idle_minutes = n;
                            }
                            _ => return Err(ConfigError::Unknown { file: file.into(), key: name }),
                        }
                    }
                }
                _ => return Err(ConfigError::Unknown { file: file.into(), key: key.clone() }),
            }
        }
        if config.metrics_listen == Some(config.listen) {
            return Err(key_err(
                "metrics_listen",
                "an address other than `listen` (metrics are never served on the API's address)",
            ));
        }
        Ok(config)
    }
}

const COUNT: &str = "a whole number from 1 to 4294967295";
const SECONDS: &str = "a whole number of seconds from 1 to 3600";

fn positive(value: &toml::Value) -> Option<u32> {
    value.as_integer().and_then(|n| u32::try_from(n).ok()).filter(|n| *n >= 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_example_parses() {
        let text = include_str!("../hub-config/example.toml");
        let c = Config::parse(text, "example.toml", Path::new("/srv/hub")).unwrap();
        assert_eq!(c.listen.to_string(), "127.0.0.1:8700");
        assert_eq!(c.database, Database::Sqlite("/srv/hub/hub.sqlite3".into()));
    }

    #[test]
    fn packaged_config_parses_and_keeps_the_database_in_the_state_folder() {
        let text = include_str!("../../packaging/hub.toml");
        let c = Config::parse(text, INSTALLED_CONFIG, Path::new("/etc/community-kiosk")).unwrap();
        assert_eq!(c.database, Database::Sqlite("/var/lib/community-kiosk-hub/hub.sqlite3".into()));
        assert_eq!(c.listen.to_string(), "127.0.0.1:8700");
    }

    #[test]
    fn the_installed_executable_reads_the_etc_config() {
        let installed = Some(Path::new("/usr/bin/kiosk-hub"));
        assert_eq!(default_config_file_for(installed, false), Some(PathBuf::from(INSTALLED_CONFIG)));
        assert_eq!(default_config_file_for(installed, true), Some(PathBuf::from(INSTALLED_CONFIG)));
        let dev = Some(Path::new("/home/dev/kiosk/target/debug/kiosk-hub"));
        assert_eq!(default_config_file_for(dev, true), Some(PathBuf::from(DEFAULT_CONFIG)));
        assert_eq!(default_config_file_for(dev, false), None);
    }

    #[test]
    fn errors_name_file_key_and_form() {
        let e = Config::parse("listen = 8700", "hub.toml", Path::new(".")).unwrap_err().to_string();
        assert!(e.starts_with("hub.toml: key `listen`: expected a socket address"), "{e}");
        let e = Config::parse("databse = \"x\"", "hub.toml", Path::new(".")).unwrap_err().to_string();
        assert!(e.contains("unknown key `databse`"), "{e}");
        let e = Config::parse("public_base_url = \"ftp://x\"", "a.toml", Path::new(".")).unwrap_err().to_string();
        assert!(e.contains("a.toml: key `public_base_url`"), "{e}");
        let e = Config::parse("retention_days = 0", "hub.toml", Path::new(".")).unwrap_err().to_string();
        assert!(e.starts_with("hub.toml: key `retention_days`: expected a whole number"), "{e}");
        let e = Config::parse("database = \"postgres://h:notaport/db\"", "hub.toml", Path::new(".")).unwrap_err();
        assert!(e.to_string().contains("key `database`"), "{e}");
        let e = Config::parse("log_level = \"verbose\"", "hub.toml", Path::new(".")).unwrap_err().to_string();
        assert!(e.starts_with("hub.toml: key `log_level`: expected a log filter string"), "{e}");
        let c = Config::parse("log_level = \"warn,kiosk_hub::api=debug\"", "hub.toml", Path::new(".")).unwrap();
        assert_eq!(c.log_level, "warn,kiosk_hub::api=debug");
    }

    #[test]
    fn limits_and_metrics_have_defaults_and_named_errors() {
        let c = Config::parse("", "hub.toml", Path::new(".")).unwrap();
        assert_eq!((c.metrics_listen, c.limits), (None, Limits::default()));
        let c = Config::parse(
            "metrics_listen = \"127.0.0.1:9700\"\nterminal_requests_per_minute = 60\nterminal_burst = 5\n\
             auth_failures_per_minute = 3\nheader_timeout_secs = 2\nbody_timeout_secs = 4",
            "hub.toml",
            Path::new("."),
        )
        .unwrap();
        assert_eq!(c.metrics_listen, Some(SocketAddr::from(([127, 0, 0, 1], 9700))));
        let expected = Limits {
            terminal_requests_per_minute: 60,
            terminal_burst: 5,
            auth_failures_per_minute: 3,
            header_timeout: Duration::from_secs(2),
            body_timeout: Duration::from_secs(4),
        };
        assert_eq!(c.limits, expected);
        for (text, key) in [
            ("terminal_burst = 0", "terminal_burst"),
            ("terminal_requests_per_minute = -1", "terminal_requests_per_minute"),
            ("auth_failures_per_minute = \"30\"", "auth_failures_per_minute"),
            ("header_timeout_secs = 0", "header_timeout_secs"),
            ("body_timeout_secs = 3601", "body_timeout_secs"),
            ("metrics_listen = \"localhost\"", "metrics_listen"),
            ("metrics_listen = \"127.0.0.1:8700\"", "metrics_listen"),
        ] {
            let e = Config::parse(text, "hub.toml", Path::new(".")).unwrap_err().to_string();
            assert!(e.starts_with(&format!("hub.toml: key `{key}`: expected")), "{text}: {e}");
        }
        let c = Config::parse("[console]\nsession_idle_minutes = 5", "hub.toml", Path::new(".")).unwrap();
        assert_eq!(c.console.session_idle_minutes, 5);
        assert_eq!(Config::parse("", "hub.toml", Path::new(".")).unwrap().console.session_idle_minutes, 30);
        for text in ["[console]\nsession_idle_minutes = 0", "[console]\nsession_idle_minutes = 1441", "console = 3"] {
            let e = Config::parse(text, "hub.toml", Path::new(".")).unwrap_err().to_string();
            assert!(e.contains("key `console"), "{text}: {e}");
        }
        let e = Config::parse("[console]\nidle = 5", "hub.toml", Path::new(".")).unwrap_err().to_string();
        assert!(e.contains("unknown key `console.idle`"), "{e}");
        let e = Config::parse("metrics = 1", "hub.toml", Path::new(".")).unwrap_err().to_string();
        assert!(e.contains("metrics_listen") && e.contains("body_timeout_secs"), "{e}");
    }

    #[test]
    fn database_is_a_file_or_a_postgres_url_and_the_key_file_is_relative_to_the_config() {
        let text =
            "database = \"postgres://hub:s3cret@db.example:5433/kiosk\"\nkey_file = \"hub.key\"\nretention_days = 180\n\
             database_ca_file = \"db-ca.pem\"";
        let c = Config::parse(text, "hub.toml", Path::new("/etc/kiosk")).unwrap();
        assert_eq!(c.database, Database::Postgres("postgres://hub:s3cret@db.example:5433/kiosk".into()));
        assert_eq!(c.database.display(), "postgres://hub:***@db.example:5433/kiosk", "no password in messages");
        assert_eq!(c.key_file.as_deref(), Some(Path::new("/etc/kiosk/hub.key")));
        assert_eq!(c.retention_days, Some(180));
        assert_eq!(c.database_ca_file.as_deref(), Some(Path::new("/etc/kiosk/db-ca.pem")));
        let c = Config::parse("database = \"data/hub.sqlite3\"", "hub.toml", Path::new("/srv")).unwrap();
        assert_eq!(c.database, Database::Sqlite("/srv/data/hub.sqlite3".into()));
        let c = Config::parse(
            "database = \"postgres://hub@db.example/kiosk?sslmode=require&password=s3cret&application_name=hub\"",
            "hub.toml",
            Path::new("/etc/kiosk"),
        )
        .unwrap();
        assert_eq!(
            c.database.display(),
            "postgres://hub@db.example/kiosk?sslmode=require&password=***&application_name=hub",
            "nor as a query parameter"
        );
        let both = Database::Postgres("postgresql://hub:a@db/k?password=b".into()).display();
        assert_eq!(both, "postgresql://hub:***@db/k?password=***");
    }
}
