//! `sd_notify(3)` in a few lines: one datagram of `KEY=value` lines to `$NOTIFY_SOCKET`.

use std::ffi::OsStr;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::net::{SocketAddr, UnixDatagram};
use std::time::Duration;

/// Sends `state` (`READY=1`, `WATCHDOG=1`, `STATUS=serving`, or several such lines) to the service
/// manager. Without `NOTIFY_SOCKET` (not started by systemd with `Type=notify`) nothing is sent:
/// `Ok(false)`.
pub fn notify(state: &str) -> io::Result<bool> {
    let Some(path) = std::env::var_os("NOTIFY_SOCKET") else { return Ok(false) };
    let addr = socket_address(&path)?;
    UnixDatagram::unbound()?.send_to_addr(state.as_bytes(), &addr)?;
    Ok(true)
}

/// [`notify`], with a failure logged (once per process: a broken socket must not flood the log
/// every few seconds with watchdog pings).
pub fn notify_logged(state: &str) {
    use std::sync::atomic::{AtomicBool, Ordering};
    static WARNED: AtomicBool = AtomicBool::new(false);
    if let Err(e) = notify(state) {
        if !WARNED.swap(true, Ordering::Relaxed) {
            log::warn!("cannot notify the service manager ({}): {e}", state.lines().next().unwrap_or(""));
        }
    }
}

/// `NOTIFY_SOCKET` as an address: `@name` is an abstract socket, anything else a path.
pub fn socket_address(path: &OsStr) -> io::Result<SocketAddr> {
    match path.as_bytes().strip_prefix(b"@") {
        Some(name) => {
            use std::os::linux::net::SocketAddrExt;
            SocketAddr::from_abstract_name(name)
        }
        None => SocketAddr::from_pathname(path),
    }
}

/// How often to send `WATCHDOG=1`: half the timeout systemd gave this process (`WATCHDOG_USEC`,
/// honoured when `WATCHDOG_PID` is absent or names this process). None: no watchdog asked for.
pub fn watchdog_interval() -> Option<Duration> {
    let usec = std::env::var("WATCHDOG_USEC").ok();
    let pid = std::env::var("WATCHDOG_PID").ok();
    interval_from(usec.as_deref(), pid.as_deref(), std::process::id())
}

fn interval_from(usec: Option<&str>, pid: Option<&str>, own_pid: u32) -> Option<Duration> {
    let usec: u64 = usec?.trim().parse().ok().filter(|&u| u > 0)?;
    if let Some(pid) = pid {
        if pid.trim().parse::<u32>().ok() != Some(own_pid) {
            return None;
        }
    }
    Some(Duration::from_micros(usec / 2))
}

/// The `STATUS=` line as last sent: a new one goes out only when it differs.
#[derive(Debug, Default)]
pub struct StatusLine {
    last: Option<String>,
}

impl StatusLine {
    /// Sends `STATUS=<line>` if it is not what the service manager already shows; true if sent.
    pub fn set(&mut self, line: &str) -> bool {
        if self.last.as_deref() == Some(line) {
            return false;
        }
        log::info!("status: {line}");
        notify_logged(&format!("STATUS={line}"));
        self.last = Some(line.to_string());
        true
    }

    /// What was last sent.
    pub fn current(&self) -> Option<&str> {
        self.last.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_watchdog_interval_is_half_the_timeout_for_this_process_only() {
        assert_eq!(interval_from(Some("400000"), None, 7), Some(Duration::from_millis(200)));
        assert_eq!(interval_from(Some("30000000"), Some("7"), 7), Some(Duration::from_secs(15)));
        assert_eq!(interval_from(Some("400000"), Some("8"), 7), None, "another process's watchdog");
        assert_eq!(interval_from(None, Some("7"), 7), None);
        assert_eq!(interval_from(Some("0"), None, 7), None);
        assert_eq!(interval_from(Some("soon"), None, 7), None);
    }

    #[test]
    fn abstract_and_path_sockets_are_told_apart() {
        use std::os::linux::net::SocketAddrExt;
        let a = socket_address(OsStr::new("@/org/freedesktop/systemd1/notify")).unwrap();
        assert_eq!(a.as_abstract_name(), Some(&b"/org/freedesktop/systemd1/notify"[..]));
        let p = socket_address(OsStr::new("/run/systemd/notify")).unwrap();
        assert_eq!(p.as_pathname(), Some(std::path::Path::new("/run/systemd/notify")));
    }

    #[test]
    fn datagrams_reach_an_abstract_socket() {
        use std::os::linux::net::SocketAddrExt;
        let name = format!("kiosk-systemd-test-{}", std::process::id());
        let server = UnixDatagram::bind_addr(&SocketAddr::from_abstract_name(name.as_bytes()).unwrap()).unwrap();
        let addr = socket_address(OsStr::new(&format!("@{name}"))).unwrap();
        UnixDatagram::unbound().unwrap().send_to_addr(b"READY=1", &addr).unwrap();
        let mut buf = [0u8; 64];
        let n = server.recv(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"READY=1");
    }
}
