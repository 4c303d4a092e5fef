//! Thin serial transport: ask status, send a rendered job, ask status again.

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use serialport::{ClearBuffer, SerialPort};

use super::render::{render, RenderError, RenderedJob};
use super::status::{parse_status, status_request, NotReady, PaperState, PrinterStatus, STATUS_QUERIES};
use super::{PrinterConfig, QrMode};
use crate::slip::{Paper, Slip};

/// Time allowed for writing one piece of a job (the port waits while the printer's buffer is full).
const WRITE_TIMEOUT: Duration = Duration::from_secs(60);

/// A job goes to the port in pieces of this many bytes, and its progress is reported after each
/// (about a quarter of a second at 9600 baud).
pub const CHUNK: usize = 256;

/// A job the line carries for longer than this shows its progress on screen, and is written no
/// faster than the line carries it (see [`Printer::print_job_with`]).
pub const SLOW_JOB: Duration = Duration::from_secs(2);

/// How long `bytes` take on a serial line at `baud` (8N1: ten bits a byte).
pub fn line_time(bytes: usize, baud: u32) -> Duration {
    Duration::from_millis((bytes as u64 * 10 * 1000).div_ceil(u64::from(baud.max(1))))
}

/// How far a job being sent has got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Bytes written to the port so far.
    pub sent: usize,
    pub total: usize,
    /// The line's baud rate (`[printer] baud`).
    pub baud: u32,
}

impl Progress {
    /// How long the whole job takes on the line.
    pub fn expected(&self) -> Duration {
        line_time(self.total, self.baud)
    }

    /// How long what is not sent yet takes on the line.
    pub fn left(&self) -> Duration {
        line_time(self.total.saturating_sub(self.sent), self.baud)
    }

    /// Whole seconds left, rounded up (0 once everything is sent).
    pub fn seconds_left(&self) -> u32 {
        self.left().as_millis().div_ceil(1000) as u32
    }

    /// Sent, in percent (0–100).
    pub fn percent(&self) -> u8 {
        if self.total == 0 {
            return 100;
        }
        (self.sent.min(self.total) * 100 / self.total) as u8
    }

    /// Whether the job is slow enough to show its progress: it takes the line more than [`SLOW_JOB`].
    pub fn is_slow(&self) -> bool {
        self.expected() > SLOW_JOB
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    #[error("printer config: {0}")]
    Config(String),
    #[error("cannot open printer port {port}: {source}")]
    Open { port: String, source: serialport::Error },
    #[error("serial I/O on printer port {port}: {source}")]
    Io { port: String, source: std::io::Error },
    #[error("printer on {port} did not answer DLE EOT {n} within {timeout_ms} ms")]
    NoAnswer { port: String, n: u8, timeout_ms: u64 },
    #[error("printer on {port} cannot print: {reason} (status bytes {:02X?})", status.raw)]
    NotReady { port: String, reason: NotReady, status: PrinterStatus },
    #[error("printer on {port} stopped during the job: {reason} (status bytes {:02X?})", status.raw)]
    Interrupted { port: String, reason: NotReady, status: PrinterStatus },
    /// The whole job was sent but the printer did not answer the status request after it, even
    /// with the time the job takes on the line allowed for: it most likely printed.
    #[error(
        "printer on {port} took the {bytes}-byte job but did not answer DLE EOT {n} within {timeout_ms} ms after it"
    )]
    Unconfirmed { port: String, bytes: usize, n: u8, timeout_ms: u64 },
    #[error(transparent)]
    Render(#[from] RenderError),
}

impl PrintError {
    /// True when the printer answered and said it cannot print (as opposed to not answering or
    /// an I/O failure).
    pub fn is_not_ready(&self) -> bool {
        matches!(self, PrintError::NotReady { .. } | PrintError::Interrupted { .. })
    }
}

/// What happened to a printed job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrintReport {
    /// Paper near end before or after the job: tell staff.
    pub near_end: bool,
    /// Bytes sent.
    pub bytes: usize,
    /// Status after the job.
    pub status: PrinterStatus,
}

/// A receipt printer on a serial port.
pub struct Printer {
    port: Box<dyn SerialPort>,
    path: String,
    baud: u32,
    status_timeout: Duration,
    paper: Paper,
    qr_mode: QrMode,
}

impl std::fmt::Debug for Printer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Printer").field("path", &self.path).field("paper", &self.paper).finish()
    }
}

impl Printer {
    /// Opens the printer named in `[printer]` (`port` must be set; for `kind = "simulated"` the
    /// caller starts the simulator and puts its path there).
    pub fn open(config: &PrinterConfig) -> Result<Self, PrintError> {
        let port = config.port.as_deref().ok_or_else(|| PrintError::Config("[printer] port is not set".into()))?;
        let paper = Paper::from_mm(config.paper)
            .ok_or_else(|| PrintError::Config(format!("[printer] paper = {}: expected 58 or 80", config.paper)))?;
        let mut p = Self::open_port(port, config.baud, Duration::from_millis(config.status_timeout_ms))?;
        p.set_format(paper, config.qr_mode);
        Ok(p)
    }

    /// Opens `path` at `baud` (8N1); the printer must answer a status request within `status_timeout`.
    /// Prints on 80 mm paper with native QR until [`Printer::set_format`] says otherwise.
    pub fn open_port(path: &str, baud: u32, status_timeout: Duration) -> Result<Self, PrintError> {
        let port = serialport::new(path, baud)
            .timeout(status_timeout)
            .open()
            .map_err(|source| PrintError::Open { port: path.to_string(), source })?;
        Ok(Printer { port, path: path.to_string(), baud, status_timeout, paper: Paper::Mm80, qr_mode: QrMode::Native })
    }

    pub fn set_format(&mut self, paper: Paper, qr_mode: QrMode) {
        self.paper = paper;
        self.qr_mode = qr_mode;
    }

    pub fn paper(&self) -> Paper {
        self.paper
    }

    pub fn qr_mode(&self) -> QrMode {
        self.qr_mode
    }

    pub fn path(&self) -> &str {
        &self.path
    }

    /// Asks DLE EOT 1, 2 and 4.
    pub fn status(&mut self) -> Result<PrinterStatus, PrintError> {
        self.status_within(self.status_timeout)
    }

    /// How long `bytes` take on this line (8N1: ten bits a byte at the configured baud rate).
    pub fn line_time(&self, bytes: usize) -> Duration {
        line_time(bytes, self.baud)
    }

    pub fn baud(&self) -> u32 {
        self.baud
    }

    /// Asks DLE EOT 1, 2 and 4, allowing `timeout` for each answer.
    fn status_within(&mut self, timeout: Duration) -> Result<PrinterStatus, PrintError> {
        let started = Instant::now();
        let _ = self.port.clear(ClearBuffer::Input);
        let mut answers = [0u8; 3];
        for (slot, n) in answers.iter_mut().zip(STATUS_QUERIES) {
            *slot = self.ask(n, timeout)?;
        }
        let status = parse_status(answers[0], answers[1], answers[2]).map_err(|e| PrintError::Io {
            port: self.path.clone(),
            source: std::io::Error::new(std::io::ErrorKind::InvalidData, e),
        })?;
        log::debug!("printer {}: status {:02X?} in {} ms", self.path, status.raw, started.elapsed().as_millis());
        Ok(status)
    }

    /// Sends `DLE EOT n` and waits for one byte matching `0xx1xx10`; other bytes are skipped.
    fn ask(&mut self, n: u8, timeout: Duration) -> Result<u8, PrintError> {
        self.write_all(&status_request(n))?;
        let deadline = Instant::now() + timeout;
        let mut byte = [0u8; 1];
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(PrintError::NoAnswer {
                    port: self.path.clone(),
                    n,
                    timeout_ms: timeout.as_millis() as u64,
                });
            }
            let _ = self.port.set_timeout(left);
            match self.port.read(&mut byte) {
                Ok(1) if super::status::is_status_byte(byte[0]) => return Ok(byte[0]),
                Ok(1) => log::warn!("printer {}: skipped byte {:#04x} while waiting for status", self.path, byte[0]),
                Ok(_) => {}
                Err(e) if matches!(e.kind(), std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock) => {}
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(source) => return Err(PrintError::Io { port: self.path.clone(), source }),
            }
        }
    }

    fn write_all(&mut self, bytes: &[u8]) -> Result<(), PrintError> {
        let _ = self.port.set_timeout(WRITE_TIMEOUT);
        let r = self.port.write_all(bytes).and_then(|_| self.port.flush());
        let _ = self.port.set_timeout(self.status_timeout);
        r.map_err(|source| PrintError::Io { port: self.path.clone(), source })
    }

    /// Renders `slip` for this printer and prints it. On error the job is not lost: call
    /// [`super::render::render`] yourself to keep the [`RenderedJob`] and [`Printer::print_job`] it later.
    pub fn print_slip(&mut self, slip: &Slip) -> Result<PrintReport, PrintError> {
        let job = render(slip, self.paper, self.qr_mode)?;
        self.print_job(&job)
    }

    /// Checks status, sends the job if the printer is ready (paper near end is ready), checks
    /// status again.
    pub fn print_job(&mut self, job: &RenderedJob) -> Result<PrintReport, PrintError> {
        self.print_job_with(job, &mut |_| {})
    }

    /// Like [`Printer::print_job`], reporting progress while the job is sent: once before the first
    /// byte and after each [`CHUNK`].
    ///
    /// A slow job (one the line carries for more than [`SLOW_JOB`]) is written no faster than the
    /// line's baud rate carries it, at most one chunk ahead: otherwise the port's buffer (a few KB in
    /// the kernel, a pseudo-terminal's far more) would take most of the slip at once and the
    /// progress would jump to the end while the slip is still on the line. On a real port at the
    /// configured rate this costs nothing: the line cannot go faster anyway. A short job is written
    /// at once; nobody sees its progress.
    pub fn print_job_with(
        &mut self,
        job: &RenderedJob,
        on_progress: &mut dyn FnMut(Progress),
    ) -> Result<PrintReport, PrintError> {
        let before = self.status()?;
        if let Some(reason) = before.not_ready() {
            log::warn!("printer {}: not printing, {reason} (status {:02X?})", self.path, before.raw);
            return Err(PrintError::NotReady { port: self.path.clone(), reason, status: before });
        }
        let started = Instant::now();
        let total = job.bytes.len();
        let mut progress = Progress { sent: 0, total, baud: self.baud };
        let paced = progress.is_slow();
        on_progress(progress);
        for chunk in job.bytes.chunks(CHUNK) {
            if paced {
                let due = self.line_time(progress.sent.saturating_sub(CHUNK));
                if let Some(wait) = due.checked_sub(started.elapsed()) {
                    std::thread::sleep(wait);
                }
            }
            self.write_all(chunk)?;
            crate::killpoint::step("printer: piece of the job sent");
            progress.sent += chunk.len();
            on_progress(progress);
        }
        // A printer busy with the job (its buffer full of a raster image) answers only once it has
        // taken in what is before the request: allow for the whole job on the line.
        let allowed = self.status_timeout + self.line_time(total);
        let after = match self.status_within(allowed) {
            Err(PrintError::NoAnswer { n, timeout_ms, .. }) => {
                let bytes = job.bytes.len();
                log::warn!("printer {}: no status after a {bytes}-byte job within {timeout_ms} ms", self.path);
                return Err(PrintError::Unconfirmed { port: self.path.clone(), bytes, n, timeout_ms });
            }
            other => other?,
        };
        log::info!(
            "printer {}: sent {} bytes in {} ms, status after {:02X?}",
            self.path,
            job.bytes.len(),
            started.elapsed().as_millis(),
            after.raw
        );
        if let Some(reason) = after.not_ready() {
            return Err(PrintError::Interrupted { port: self.path.clone(), reason, status: after });
        }
        Ok(PrintReport {
            near_end: before.paper == PaperState::NearEnd || after.paper == PaperState::NearEnd,
            bytes: job.bytes.len(),
            status: after,
        })
    }
}
