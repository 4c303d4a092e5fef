//! Life under systemd, for the kiosk and its hub alike (std only, no libsystemd):
//!
//! - [`installed`]: the config file an installed executable reads by default.
//! - [`notify`]: the service manager's notification socket (`READY=1`, `WATCHDOG=1`, `STATUS=…`),
//!   abstract (`@…`) or path sockets; nothing is sent, and nothing fails, without `NOTIFY_SOCKET`.
//! - [`journal`]: journald's native protocol, sans-IO encoding plus a datagram socket.
//! - [`logger`]: the process's one logger: structured records to journald when the process runs
//!   under systemd and the journal's socket exists, lines on stderr otherwise; its level filter
//!   (`RUST_LOG` syntax) can be set again once the config is read.

pub mod installed;
pub mod journal;
pub mod logger;
pub mod notify;

pub use notify::{notify, watchdog_interval, StatusLine};
