//! A virtual line-mode scanner on a pseudo-terminal: [`SimScanner::scan`] writes what a real scanner
//! sends when a code is scanned. The driver opens [`SimScanner::path`] like any serial device.
//!
//! The simulator keeps the PTY master and one slave handle (so the slave node lives between opens of
//! the driver). Dropping it closes both: the device node vanishes, like an unplugged USB adapter.

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serialport::{SerialPort, TTYPort};

use super::protocol::{encode, Suffix};

/// Pause between pieces of a dribbled scan.
const DRIBBLE_PAUSE: Duration = Duration::from_millis(2);
/// Sizes of the pieces of a dribbled scan, in turn.
const DRIBBLE_SIZES: [usize; 6] = [1, 3, 2, 5, 1, 4];
/// How long the slave's input queue must stay empty to count as drained.
pub const DRAIN_SETTLE: Duration = Duration::from_millis(50);

/// A running simulated scanner.
pub struct SimScanner {
    master: Mutex<TTYPort>,
    slave: TTYPort,
    path: String,
    dribble: AtomicBool,
}

impl SimScanner {
    /// Opens a new PTY pair; [`SimScanner::path`] is the slave device to open.
    pub fn start() -> io::Result<SimScanner> {
        let (mut master, slave) = TTYPort::pair().map_err(io::Error::from)?;
        let path = slave.name().ok_or_else(|| io::Error::other("PTY without a name"))?;
        // A write blocks only while nobody reads the slave and its input queue is full.
        master.set_timeout(Duration::from_secs(1)).map_err(io::Error::from)?;
        log::info!("scanner simulator on {path}");
        Ok(SimScanner { master: Mutex::new(master), slave, path, dribble: AtomicBool::new(false) })
    }

    /// The device a driver should open.
    pub fn path(&self) -> String {
        self.path.clone()
    }

    /// When true, scans are sent a few bytes at a time with short pauses, as a slow UART would.
    pub fn set_dribble(&self, dribble: bool) {
        self.dribble.store(dribble, Ordering::Relaxed);
    }

    /// Scans `text`: sends it followed by CR LF.
    pub fn scan(&self, text: &str) -> io::Result<()> {
        self.scan_with(text, Suffix::CrLf)
    }

    /// Scans `text` as a scanner configured with `suffix` sends it.
    pub fn scan_with(&self, text: &str, suffix: Suffix) -> io::Result<()> {
        self.send_raw(&encode(text, suffix))
    }

    /// Sends `bytes` as they are (noise, over-long or non-UTF-8 lines for tests).
    pub fn send_raw(&self, bytes: &[u8]) -> io::Result<()> {
        let mut master = self.master();
        if !self.dribble.load(Ordering::Relaxed) {
            return master.write_all(bytes).and_then(|()| master.flush());
        }
        let mut rest = bytes;
        for size in DRIBBLE_SIZES.iter().cycle() {
            if rest.is_empty() {
                break;
            }
            let (piece, tail) = rest.split_at((*size).min(rest.len()));
            master.write_all(piece)?;
            master.flush()?;
            rest = tail;
            std::thread::sleep(DRIBBLE_PAUSE);
        }
        Ok(())
    }

    /// Bytes sent but not yet read by the driver.
    pub fn pending(&self) -> io::Result<u32> {
        self.slave.bytes_to_read().map_err(io::Error::from)
    }

    /// Waits until the driver has read everything sent; false if it did not within `timeout`.
    ///
    /// Bytes written to the master reach the slave's queue a moment later (the kernel moves them on a
    /// work queue), so an empty queue counts only once it stayed empty for [`DRAIN_SETTLE`].
    pub fn wait_drained(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let mut empty_since: Option<Instant> = None;
        loop {
            let now = Instant::now();
            match self.pending() {
                Ok(0) if now.duration_since(*empty_since.get_or_insert(now)) >= DRAIN_SETTLE => return true,
                Ok(0) => {}
                Ok(_) => empty_since = None,
                Err(_) => return false,
            }
            if now >= deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    fn master(&self) -> MutexGuard<'_, TTYPort> {
        self.master.lock().unwrap_or_else(|e| e.into_inner())
    }
}
