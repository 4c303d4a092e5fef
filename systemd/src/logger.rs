//! The process's one logger. Under systemd (`INVOCATION_ID` or `JOURNAL_STREAM` set) with
//! journald's socket present, each record goes to the journal as structured fields: `MESSAGE`,
//! `PRIORITY`, `SYSLOG_IDENTIFIER`, the code location, `DEVICE` (from the module a device's driver
//! lives in, or a record's own `device`), every key-value of the record (`acceptance_no` →
//! `ACCEPTANCE_NO`, `terminal_id` → `TERMINAL_ID`) and the process-wide fields set with
//! [`set_field`]. Anywhere else records are `env_logger` lines on stderr, as before.
//!
//! The filter has `RUST_LOG`'s syntax (`info,kiosk::sync=debug`). It starts as `RUST_LOG` or
//! `info`; [`set_level`] replaces it once the config is read, unless `RUST_LOG` is set (the
//! technician's variable wins). No name or ID number is ever a field: callers log masked values
//! only, as on stderr.

use std::sync::{OnceLock, PoisonError, RwLock};

use log::{Level, LevelFilter, Log, Metadata, Record};

use crate::journal::{self, Journal};

/// Test hook, hidden: the path of a datagram socket that stands in for journald's (a test binds it).
pub const SOCKET_OVERRIDE: &str = "KIOSK_JOURNAL_SOCKET";

/// Module prefixes and the device their records are about, e.g. `("kiosk::devices::printer", "printer")`.
pub type DeviceModules = &'static [(&'static str, &'static str)];

static LOGGER: OnceLock<Logger> = OnceLock::new();

struct Logger {
    filter: RwLock<env_filter::Filter>,
    /// `RUST_LOG` was set: [`set_level`] leaves the filter alone.
    from_env: bool,
    sink: Sink,
    identifier: &'static str,
    devices: DeviceModules,
    fields: RwLock<Vec<(String, String)>>,
}

enum Sink {
    Journal(Journal),
    Stderr(env_logger::Logger),
}

/// Where records go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    Journal(std::path::PathBuf),
    Stderr,
}

/// Installs the logger (once per process; later calls change nothing). `identifier` becomes
/// `SYSLOG_IDENTIFIER`.
pub fn init(identifier: &'static str, devices: DeviceModules) -> Destination {
    let env = std::env::var("RUST_LOG").ok().filter(|s| !s.trim().is_empty());
    let filter = env_filter::Builder::new().parse(env.as_deref().unwrap_or("info")).build();
    let max = filter.filter();
    let sink = sink();
    let destination = match &sink {
        Sink::Journal(j) => Destination::Journal(j.path().to_path_buf()),
        Sink::Stderr(_) => Destination::Stderr,
    };
    let logger = Logger {
        filter: RwLock::new(filter),
        from_env: env.is_some(),
        sink,
        identifier,
        devices,
        fields: RwLock::new(Vec::new()),
    };
    if LOGGER.set(logger).is_ok() {
        if let Some(l) = LOGGER.get() {
            if log::set_logger(l).is_ok() {
                log::set_max_level(max);
            }
        }
    }
    destination
}

fn sink() -> Sink {
    let path = match std::env::var_os(SOCKET_OVERRIDE) {
        Some(p) => Some(std::path::PathBuf::from(p)),
        None => {
            let managed = std::env::var_os("INVOCATION_ID").is_some() || std::env::var_os("JOURNAL_STREAM").is_some();
            Some(std::path::PathBuf::from(journal::JOURNAL_SOCKET)).filter(|p| managed && p.exists())
        }
    };
    match path.map(|p| Journal::connect(&p).map_err(|e| (p, e))) {
        Some(Ok(j)) => Sink::Journal(j),
        Some(Err((p, e))) => {
            eprintln!("cannot log to the journal at {}: {e}; logging to stderr", p.display());
            Sink::Stderr(stderr_logger())
        }
        None => Sink::Stderr(stderr_logger()),
    }
}

fn stderr_logger() -> env_logger::Logger {
    let mut b = env_logger::Builder::new();
    b.filter_level(LevelFilter::Trace);
    if let Ok(style) = std::env::var("RUST_LOG_STYLE") {
        b.parse_write_style(&style);
    }
    b.build()
}

/// Replaces the filter with `spec` (`RUST_LOG` syntax, checked with [`check_level`] first), unless
/// `RUST_LOG` is set. Returns whether the filter changed.
pub fn set_level(spec: &str) -> bool {
    let Some(l) = LOGGER.get() else { return false };
    if l.from_env || check_level(spec).is_err() {
        return false;
    }
    let filter = env_filter::Builder::new().parse(spec).build();
    log::set_max_level(filter.filter());
    *l.filter.write().unwrap_or_else(PoisonError::into_inner) = filter;
    true
}

/// Adds (or replaces) a field sent with every journal record, e.g. `TERMINAL_ID`.
pub fn set_field(name: &str, value: &str) {
    let Some(l) = LOGGER.get() else { return };
    let name = journal::field_name(name);
    let mut fields = l.fields.write().unwrap_or_else(PoisonError::into_inner);
    fields.retain(|(n, _)| *n != name);
    fields.push((name, value.to_string()));
}

const LEVELS: [&str; 6] = ["off", "error", "warn", "info", "debug", "trace"];

/// Whether `spec` is a filter the configs accept: comma-separated directives, each a level
/// (`off`, `error`, `warn`, `info`, `debug`, `trace`) or `module::path=level`. Stricter than
/// `RUST_LOG` on purpose: a bare word that is not a level (a typo of one) is refused rather than
/// read as a module to trace. The error says what is wrong, for the config's message.
pub fn check_level(spec: &str) -> Result<(), String> {
    const EXPECTED: &str = "expected a level (off, error, warn, info, debug, trace) or module=level, comma-separated, e.g. \"info,kiosk::sync=debug\"";
    if spec.trim().is_empty() {
        return Err(format!("{EXPECTED}, found nothing"));
    }
    for directive in spec.split(',').map(str::trim) {
        let (module, level) = match directive.split_once('=') {
            Some((m, l)) => (Some(m.trim()), l.trim()),
            None => (None, directive),
        };
        let module_ok = module.is_none_or(|m| {
            !m.is_empty() && m.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':' || c == '-')
        });
        if directive.is_empty() || !module_ok || !LEVELS.contains(&level.to_ascii_lowercase().as_str()) {
            return Err(format!("{EXPECTED}, found {directive:?}"));
        }
    }
    Ok(())
}

impl Log for Logger {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        self.filter.read().unwrap_or_else(PoisonError::into_inner).enabled(metadata)
    }

    fn log(&self, record: &Record<'_>) {
        if !self.filter.read().unwrap_or_else(PoisonError::into_inner).matches(record) {
            return;
        }
        match &self.sink {
            Sink::Stderr(l) => l.log(record),
            Sink::Journal(j) => {
                if j.send(&self.message(record)).is_err() {
                    // Journald gone (restarting) or the record too large: the line is not lost.
                    eprintln!("[{} {}] {}", record.level(), record.target(), record.args());
                }
            }
        }
    }

    fn flush(&self) {
        if let Sink::Stderr(l) = &self.sink {
            l.flush();
        }
    }
}

impl Logger {
    /// One record as a journal message.
    fn message(&self, record: &Record<'_>) -> Vec<u8> {
        let mut m = Vec::with_capacity(512);
        let priority: &[u8] = match record.level() {
            Level::Error => b"3",
            Level::Warn => b"4",
            Level::Info => b"6",
            Level::Debug | Level::Trace => b"7",
        };
        journal::put(&mut m, "PRIORITY", priority);
        journal::put(&mut m, "MESSAGE", record.args().to_string().as_bytes());
        journal::put(&mut m, "SYSLOG_IDENTIFIER", self.identifier.as_bytes());
        journal::put(&mut m, "SYSLOG_PID", std::process::id().to_string().as_bytes());
        journal::put(&mut m, "TARGET", record.target().as_bytes());
        if let Some(module) = record.module_path() {
            journal::put(&mut m, "CODE_MODULE", module.as_bytes());
        }
        if let Some(file) = record.file() {
            journal::put(&mut m, "CODE_FILE", file.as_bytes());
        }
        if let Some(line) = record.line() {
            journal::put(&mut m, "CODE_LINE", line.to_string().as_bytes());
        }
        let mut kv = Fields(Vec::new());
        let _ = record.key_values().visit(&mut kv);
        if !kv.0.iter().any(|(k, _)| k == "DEVICE") {
            let module = record.module_path().unwrap_or(record.target());
            if let Some((_, device)) = self.devices.iter().find(|(prefix, _)| module.starts_with(prefix)) {
                journal::put(&mut m, "DEVICE", device.as_bytes());
            }
        }
        for (k, v) in kv.0 {
            journal::put(&mut m, &k, v.as_bytes());
        }
        for (k, v) in self.fields.read().unwrap_or_else(PoisonError::into_inner).iter() {
            journal::put(&mut m, k, v.as_bytes());
        }
        m
    }
}

/// A record's key-values as journal fields.
struct Fields(Vec<(String, String)>);

impl<'kvs> log::kv::VisitSource<'kvs> for Fields {
    fn visit_pair(&mut self, key: log::kv::Key<'kvs>, value: log::kv::Value<'kvs>) -> Result<(), log::kv::Error> {
        self.0.push((journal::field_name(key.as_str()), value.to_string()));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn logger(devices: DeviceModules) -> Logger {
        Logger {
            filter: RwLock::new(env_filter::Builder::new().parse("info").build()),
            from_env: false,
            sink: Sink::Stderr(stderr_logger()),
            identifier: "kiosk",
            devices,
            fields: RwLock::new(vec![("TERMINAL_ID".into(), "SF-QST-01".into())]),
        }
    }

    #[test]
    fn a_record_becomes_fields_with_its_key_values_and_device() {
        let l = logger(&[("kiosk::devices::printer", "printer")]);
        let kvs = [("acceptance_no", "SF2026113000012")];
        let message = l.message(
            &Record::builder()
                .level(Level::Warn)
                .target("kiosk::ui::apply")
                .module_path(Some("kiosk::devices::printer::serial"))
                .args(format_args!("application SF2026113000012 queued"))
                .key_values(&kvs)
                .build(),
        );
        let fields = journal::parse(&message).unwrap();
        let get = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| String::from_utf8_lossy(v).into_owned());
        assert_eq!(get("MESSAGE").as_deref(), Some("application SF2026113000012 queued"));
        assert_eq!(get("PRIORITY").as_deref(), Some("4"));
        assert_eq!(get("ACCEPTANCE_NO").as_deref(), Some("SF2026113000012"));
        assert_eq!(get("DEVICE").as_deref(), Some("printer"));
        assert_eq!(get("TERMINAL_ID").as_deref(), Some("SF-QST-01"));
        assert_eq!(get("SYSLOG_IDENTIFIER").as_deref(), Some("kiosk"));
    }

    #[test]
    fn config_levels_are_levels_or_module_levels() {
        for ok in ["info", "WARN", "info,kiosk::sync=debug", "kiosk_hub=trace", " debug , kiosk=off "] {
            assert_eq!(check_level(ok), Ok(()), "{ok}");
        }
        for (bad, found) in [
            ("", "nothing"),
            ("inf", "\"inf\""),
            ("info,kiosk::sync=loud", "\"kiosk::sync=loud\""),
            ("=info", "\"=info\""),
            ("info,", "\"\""),
            ("kiosk/x=info", "\"kiosk/x=info\""),
        ] {
            let e = check_level(bad).unwrap_err();
            assert!(e.starts_with("expected a level") && e.ends_with(&format!("found {found}")), "{bad}: {e}");
        }
    }
}
