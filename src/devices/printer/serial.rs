//! Thin serial transport: ask status, send a rendered job, ask status again.

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use serialport::{ClearBuffer, SerialPort};

use super::render::{render, RenderError, RenderedJob};
use super::status::{parse_status, status_request, NotReady, PaperState, PrinterStatus, STATUS_QUERIES};
use super::{PrinterConfig, QrMode};
use crate::slip::{Paper, Slip};

/// Time allowed for writing a job (a raster QR is ~20 KB; at 9600 baud that is ~20 s).
const WRITE_TIMEOUT: Duration = Duration::from_secs(60);

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
        Duration::from_millis((bytes as u64 * 10 * 1000).div_ceil(u64::from(self.baud.max(1))))
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
        let before = self.status()?;
        if let Some(reason) = before.not_ready() {
            log::warn!("printer {}: not printing, {reason} (status {:02X?})", self.path, before.raw);
            return Err(PrintError::NotReady { port: self.path.clone(), reason, status: before });
        }
        let started = Instant::now();
        self.write_all(&job.bytes)?;
        // A printer busy with the job (its buffer full of a raster image) answers only once it has
        // taken in what is before the request: allow for the whole job on the line.
        let allowed = self.status_timeout + self.line_time(job.bytes.len());
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
