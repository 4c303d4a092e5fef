//! The kiosk's devices as the UI sees them: the ID-card reader's events and the printing worker,
//! both drained on the UI thread by a short timer so the screen never waits on a device.

use std::sync::mpsc::{self, Receiver};

use crate::config::Config;
use crate::devices::idcard::{IdReaderService, ReaderEvent};
use crate::devices::printer::PrintService;
use crate::devices::scanner::{ScannerEvent, ScannerService};

/// The devices a kiosk window talks to. Any of them may be missing (failed to start, or a headless
/// screenshot): the screens then say so instead of waiting.
#[derive(Default)]
pub struct Devices {
    pub reader: Option<IdReaderService>,
    pub reader_events: Option<Receiver<ReaderEvent>>,
    pub printer: Option<PrintService>,
    pub scanner: Option<ScannerService>,
    pub scanner_events: Option<Receiver<ScannerEvent>>,
    /// Demo mode: show the panel that places sample cards on the simulated reader.
    pub demo: bool,
}

impl Devices {
    /// No devices at all (headless rendering).
    pub fn none() -> Devices {
        Devices::default()
    }

    /// Starts the reader and printer the config names; a device that cannot start is logged and left
    /// out, so the rest of the kiosk (guides, search) keeps working.
    pub fn start(config: &Config) -> Devices {
        let (tx, rx) = mpsc::channel();
        let reader = match IdReaderService::start(&config.id_reader, move |e| {
            let _ = tx.send(e);
        }) {
            Ok(r) => Some(r),
            Err(e) => {
                log::error!("ID-card reader not started: {e}");
                None
            }
        };
        let printer = match PrintService::start(&config.printer) {
            Ok(p) => Some(p),
            Err(e) => {
                log::error!("printer not started: {e}");
                None
            }
        };
        let (tx, scans) = mpsc::channel();
        let scanner = match ScannerService::start(&config.scanner, move |e| {
            let _ = tx.send(e);
        }) {
            Ok(s) => Some(s),
            Err(e) => {
                log::error!("scanner not started: {e}");
                None
            }
        };
        Devices { reader, reader_events: Some(rx), printer, scanner, scanner_events: Some(scans), demo: config.demo }
    }

    /// The next scanner event, if any (never blocks).
    pub fn next_scan_event(&self) -> Option<ScannerEvent> {
        self.scanner_events.as_ref().and_then(|rx| rx.try_recv().ok())
    }

    /// Demo mode: places the bundled sample card `key` on the simulated reader (nothing without one).
    pub fn place_sample(&self, key: &str) {
        let Some(sim) = self.reader.as_ref().and_then(|r| r.simulator()) else { return };
        let card = crate::devices::idcard::sample_cards().into_iter().find(|(k, _, _)| *k == key);
        if let Some((_, _, card)) = card {
            if let Err(e) = sim.place(&card) {
                log::warn!("simulated reader: cannot place the sample card: {e}");
            }
        }
    }

    /// The next reader event, if any (never blocks).
    pub fn next_reader_event(&self) -> Option<ReaderEvent> {
        self.reader_events.as_ref().and_then(|rx| rx.try_recv().ok())
    }
}
