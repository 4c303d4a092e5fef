//! Serial transport for a line-mode scanner: a one-shot wait for a scan, and the reading loop on a
//! background thread that survives the port vanishing and coming back.
//!
//! Line framing lives in [`super::protocol`]; this file moves bytes, keeps time and turns outcomes into
//! events. Logs carry the port, lengths and errors, never the scanned text (it may be a slip token).

use crate::devices::stop::StopSignal;
use std::io::{self, Read};
use std::path::Path;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serialport::{DataBits, FlowControl, Parity, SerialPort, StopBits, TTYPort};

use super::protocol::{LineDecoder, LineError, Scan};

pub const DEFAULT_BAUD: u32 = 9_600;
/// Longest a single blocking read waits, so the loop notices `stop` promptly.
pub const READ_SLICE: Duration = Duration::from_millis(100);
/// Silence after which an unfinished line is dropped: at 9600 baud a whole code takes well under a
/// second and its bytes come back to back, so a pause this long means the rest is not coming (noise at
/// plug-in, or a scanner configured without a CR/LF suffix).
pub const LINE_GAP: Duration = Duration::from_millis(500);
/// How often the loop tries to reopen a missing port.
pub const REOPEN_EVERY: Duration = Duration::from_millis(200);

/// Why no scan came.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error("port {path} does not exist")]
    PortMissing { path: String },
    #[error("port {path}: cannot open: {detail}")]
    Open { path: String, detail: String },
    #[error("port {path}: I/O error: {source}")]
    Io { path: String, source: io::Error },
    #[error("no scan within {} ms", after.as_millis())]
    Timeout { after: Duration },
    #[error("unusable scan: {0}")]
    Line(#[from] LineError),
}

/// An open scanner port with its line decoder.
pub struct ScannerPort {
    port: TTYPort,
    path: String,
    decoder: LineDecoder,
    last_byte: Instant,
}

impl ScannerPort {
    /// Opens `path` at `baud`, 8N1, no flow control.
    pub fn open(path: &str, baud: u32) -> Result<ScannerPort, ScanError> {
        if !Path::new(path).exists() {
            return Err(ScanError::PortMissing { path: path.to_string() });
        }
        let port = serialport::new(path, baud)
            .data_bits(DataBits::Eight)
            .parity(Parity::None)
            .stop_bits(StopBits::One)
            .flow_control(FlowControl::None)
            .timeout(READ_SLICE)
            .open_native()
            .map_err(|e| {
                if Path::new(path).exists() {
                    ScanError::Open { path: path.to_string(), detail: e.to_string() }
                } else {
                    ScanError::PortMissing { path: path.to_string() }
                }
            })?;
        Ok(ScannerPort { port, path: path.to_string(), decoder: LineDecoder::new(), last_byte: Instant::now() })
    }

    pub fn path(&self) -> &str {
        &self.path
    }

    /// Waits up to `wait` (capped at [`READ_SLICE`]) for bytes and returns the lines they complete,
    /// possibly none. An error means the port is unusable and should be reopened.
    pub fn read_lines(&mut self, wait: Duration) -> Result<Vec<Result<Scan, LineError>>, ScanError> {
        let io_err = |path: &str, source| ScanError::Io { path: path.to_string(), source };
        self.port
            .set_timeout(wait.clamp(Duration::from_millis(1), READ_SLICE))
            .map_err(|e| io_err(&self.path, e.into()))?;
        let mut buf = [0u8; 256];
        let result = match self.port.read(&mut buf) {
            // Readable but nothing to read: the other end hung up.
            Ok(0) => Err(io_err(&self.path, io::ErrorKind::UnexpectedEof.into())),
            Ok(n) => {
                self.last_byte = Instant::now();
                Ok(self.decoder.push(&buf[..n]))
            }
            Err(e) if matches!(e.kind(), io::ErrorKind::TimedOut | io::ErrorKind::Interrupted) => {
                if self.decoder.buffered() > 0 && self.last_byte.elapsed() >= LINE_GAP {
                    let dropped = self.decoder.abandon_partial();
                    log::warn!(
                        "scanner on {}: dropped {dropped} bytes without CR/LF after {} ms of silence \
                         (is the scanner's suffix set to CR or CR LF?)",
                        self.path,
                        LINE_GAP.as_millis()
                    );
                }
                Ok(Vec::new())
            }
            Err(e) => Err(io_err(&self.path, e)),
        };
        buf.fill(0);
        std::hint::black_box(&buf);
        result
    }
}

impl Drop for ScannerPort {
    fn drop(&mut self) {
        // Release TIOCEXCL so the next open (ours after a replug, or a technician's tool) is not refused.
        let _ = self.port.set_exclusive(false);
    }
}

/// Opens `path` and waits up to `timeout` for one scan (the first line, good or bad).
pub fn scan_once(path: &str, baud: u32, timeout: Duration) -> Result<String, ScanError> {
    let mut port = ScannerPort::open(path, baud)?;
    let deadline = Instant::now() + timeout;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(ScanError::Timeout { after: timeout });
        }
        if let Some(first) = port.read_lines(left)?.into_iter().next() {
            return Ok(first?.into_string());
        }
    }
}

/// Scanner health, readable at any time for diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Health {
    /// The port is open. (A scanner is silent until something is scanned; silence is not a fault.)
    Ok,
    /// The port does not exist, cannot be opened, or failed; the loop keeps trying to reopen it.
    PortMissing,
}

/// What went wrong, as the app needs to know it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FaultKind {
    /// The port is gone (USB-serial unplugged) or cannot be opened. Followed by `Recovered` once it is
    /// open again.
    PortMissing,
    /// A scanned line was longer than [`super::protocol::MAX_LINE`]: not one of our codes, or noise.
    LineTooLong,
    /// A scanned line was not UTF-8 text.
    NotText,
}

impl From<&LineError> for FaultKind {
    fn from(error: &LineError) -> Self {
        match error {
            LineError::TooLong { .. } => FaultKind::LineTooLong,
            LineError::NotUtf8 { .. } => FaultKind::NotText,
        }
    }
}

/// What the reading loop tells the app.
#[derive(Clone, PartialEq, Eq)]
pub enum ScannerEvent {
    /// A code was scanned (its text, terminator stripped, never empty).
    Scanned(String),
    /// `PortMissing` when the port is lost (once until it recovers); a line fault for each bad scan.
    Fault(FaultKind),
    /// The port is open again after `Fault(PortMissing)`.
    Recovered,
}

/// Names the length of a scan, not its text: events end up in logs.
impl std::fmt::Debug for ScannerEvent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ScannerEvent::Scanned(text) => write!(f, "Scanned(<{} bytes>)", text.len()),
            ScannerEvent::Fault(kind) => write!(f, "Fault({kind:?})"),
            ScannerEvent::Recovered => f.write_str("Recovered"),
        }
    }
}

struct Shared {
    health: AtomicU8,
    stop: StopSignal,
}

impl Shared {
    fn health(&self) -> Health {
        match self.health.load(Ordering::Relaxed) {
            0 => Health::Ok,
            _ => Health::PortMissing,
        }
    }

    fn set_health(&self, health: Health) {
        self.health.store(if health == Health::Ok { 0 } else { 1 }, Ordering::Relaxed);
    }

    fn stopped(&self) -> bool {
        self.stop.is_set()
    }

    /// Waits `pause`, or less if stopped meanwhile.
    fn pause(&self, pause: Duration) {
        self.stop.pause(pause);
    }
}

/// The background reading loop. Dropping it (or [`ScanReader::stop`]) stops and joins its thread
/// within about [`READ_SLICE`].
pub struct ScanReader {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

impl ScanReader {
    /// Opens `port` (once, here, so [`ScanReader::health`] is right at once) and reads it on a
    /// background thread; `sink` receives every event on that thread.
    pub fn spawn(
        port: impl Into<String>,
        baud: u32,
        sink: impl Fn(ScannerEvent) + Send + 'static,
    ) -> io::Result<ScanReader> {
        let path = port.into();
        let first = ScannerPort::open(&path, baud);
        let shared = Arc::new(Shared { health: AtomicU8::new(0), stop: StopSignal::new() });
        shared.set_health(if first.is_ok() { Health::Ok } else { Health::PortMissing });
        let state = ReadLoop { path, baud, shared: Arc::clone(&shared), sink: Box::new(sink), lost: false };
        let thread = std::thread::Builder::new().name("scanner".into()).spawn(move || state.run(first))?;
        Ok(ScanReader { shared, thread: Some(thread) })
    }

    /// [`ScanReader::spawn`] with the events on a channel.
    pub fn spawn_channel(port: impl Into<String>, baud: u32) -> io::Result<(ScanReader, Receiver<ScannerEvent>)> {
        let (tx, rx) = mpsc::channel();
        let reader = ScanReader::spawn(port, baud, move |event| {
            let _ = tx.send(event);
        })?;
        Ok((reader, rx))
    }

    pub fn health(&self) -> Health {
        self.shared.health()
    }

    /// Stops the loop and joins its thread.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        self.shared.stop.request();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for ScanReader {
    fn drop(&mut self) {
        self.shutdown();
    }
}

struct ReadLoop {
    path: String,
    baud: u32,
    shared: Arc<Shared>,
    sink: Box<dyn Fn(ScannerEvent) + Send>,
    /// `Fault(PortMissing)` was reported and `Recovered` not yet.
    lost: bool,
}

impl ReadLoop {
    fn run(mut self, first: Result<ScannerPort, ScanError>) {
        let mut port = self.opened(first);
        while !self.shared.stopped() {
            let Some(open) = port.as_mut() else {
                self.shared.pause(REOPEN_EVERY);
                if !self.shared.stopped() {
                    port = self.opened(ScannerPort::open(&self.path, self.baud));
                }
                continue;
            };
            match open.read_lines(READ_SLICE) {
                Ok(lines) => lines.into_iter().for_each(|line| self.deliver(line)),
                Err(e) => {
                    port = None;
                    self.port_lost(&e);
                }
            }
        }
        log::info!("scanner on {}: reading stopped", self.path);
    }

    fn opened(&mut self, result: Result<ScannerPort, ScanError>) -> Option<ScannerPort> {
        match result {
            Ok(port) => {
                self.shared.set_health(Health::Ok);
                log::info!("scanner on {}: port open at {} baud", self.path, self.baud);
                if std::mem::take(&mut self.lost) {
                    (self.sink)(ScannerEvent::Recovered);
                }
                Some(port)
            }
            Err(e) => {
                self.port_lost(&e);
                None
            }
        }
    }

    fn port_lost(&mut self, error: &ScanError) {
        self.shared.set_health(Health::PortMissing);
        if !self.lost {
            self.lost = true;
            log::warn!("scanner: {error}");
            (self.sink)(ScannerEvent::Fault(FaultKind::PortMissing));
        } else {
            log::debug!("scanner: {error}");
        }
    }

    fn deliver(&self, line: Result<Scan, LineError>) {
        match line {
            Ok(scan) => {
                log::info!("scanner on {}: scan of {} bytes", self.path, scan.len());
                (self.sink)(ScannerEvent::Scanned(scan.into_string()));
            }
            Err(error) => {
                log::warn!("scanner on {}: {error}", self.path);
                (self.sink)(ScannerEvent::Fault(FaultKind::from(&error)));
            }
        }
    }
}
