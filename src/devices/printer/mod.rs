//! Receipt printer (ESC/POS over serial).
//!
//! `render` (slip → bytes) and `status` (DLE EOT) are pure; `serial` is the thin transport;
//! `sim` is a virtual printer on a pseudo-terminal speaking the same protocol. The command line
//! (`kiosk device printer-status|print-slip|print-checklist`, `kiosk sim printer`) is in `src/cli/`.

pub mod render;
pub mod serial;
pub mod service;
pub mod sim;
pub mod status;

use serde::{Deserialize, Serialize};

pub use super::idcard::DeviceKind;
pub use render::{qr_image, render, RenderError, RenderedJob};
pub use serial::{PrintError, PrintReport, Printer, Progress, CHUNK};
pub use service::{JobProgress, PrintOutcome, PrintService};
pub use sim::{write_png, PaperImage, PrintedJob, SimMode, SimPrinter};
pub use status::{NotReady, PaperState, PrinterStatus};

/// `[printer]` in the kiosk config.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PrinterConfig {
    pub kind: DeviceKind,
    /// Serial device path; required when `kind = "serial"`.
    pub port: Option<String>,
    /// The serial line's baud rate (8N1), one of `config::STANDARD_BAUDS`: the port is opened at it,
    /// and a job's expected time on the line (bytes × 10 / baud) decides whether the screen shows
    /// its progress.
    pub baud: u32,
    /// Paper width in millimetres: 58 or 80.
    pub paper: u32,
    pub qr_mode: QrMode,
    pub status_timeout_ms: u64,
    /// While the kiosk is idle (no resident's session, no job on the port), its status (DLE EOT) is
    /// asked every this many seconds, so the hub's heartbeat and the residents' notice know the paper
    /// ran out before a slip fails. 0 = never (only before and after jobs).
    pub poll_secs: u64,
}

impl Default for PrinterConfig {
    fn default() -> Self {
        Self {
            kind: DeviceKind::Simulated,
            port: None,
            baud: 9_600,
            paper: 80,
            qr_mode: QrMode::Native,
            status_timeout_ms: 500,
            poll_secs: 60,
        }
    }
}

/// How a QR code is sent to the printer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QrMode {
    /// `GS ( k` model 2: the printer draws the symbol.
    Native,
    /// `GS v 0` raster image built on the kiosk, for printers without `GS ( k`.
    Raster,
}
