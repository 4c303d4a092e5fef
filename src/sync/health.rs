//! Device health for heartbeats. The sync worker owns no device: the UI side (which does) writes what it
//! learns into a shared [`HealthReport`], and each heartbeat sends a copy.

use std::sync::{Arc, Mutex};

use serde::Serialize;

use crate::devices::idcard::Health;
use crate::devices::printer::{PaperState, PrinterStatus};

/// The ID-card reader as the hub's heartbeat names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReaderHealth {
    Ok,
    NoAnswer,
    PortMissing,
    /// The built-in simulator (demo terminals).
    Simulated,
}

impl From<Health> for ReaderHealth {
    fn from(h: Health) -> Self {
        match h {
            Health::Ok => ReaderHealth::Ok,
            Health::NoAnswer => ReaderHealth::NoAnswer,
            Health::PortMissing => ReaderHealth::PortMissing,
        }
    }
}

/// The receipt printer as the hub's heartbeat names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PrinterHealth {
    pub online: bool,
    pub paper: PaperState,
    pub cover_open: bool,
    pub error: bool,
}

impl PrinterHealth {
    pub const OK: PrinterHealth =
        PrinterHealth { online: true, paper: PaperState::Ok, cover_open: false, error: false };
    /// A printer that did not answer its status request.
    pub const OFFLINE: PrinterHealth =
        PrinterHealth { online: false, paper: PaperState::Ok, cover_open: false, error: false };
}

impl From<PrinterStatus> for PrinterHealth {
    fn from(s: PrinterStatus) -> Self {
        PrinterHealth { online: s.online, paper: s.paper, cover_open: s.cover_open, error: s.error }
    }
}

/// What the devices last said. Until the UI side reports anything, everything counts as healthy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HealthReport {
    pub reader: ReaderHealth,
    pub printer: PrinterHealth,
    /// The latest device problem for staff (device, port, what failed; never personal data).
    pub device_error: Option<String>,
}

impl Default for HealthReport {
    fn default() -> Self {
        HealthReport { reader: ReaderHealth::Ok, printer: PrinterHealth::OK, device_error: None }
    }
}

/// The report shared between the UI side (writer) and the sync worker (reader).
pub type SharedHealth = Arc<Mutex<HealthReport>>;

impl HealthReport {
    /// A fresh shared report (healthy until told otherwise).
    pub fn shared() -> SharedHealth {
        Arc::new(Mutex::new(HealthReport::default()))
    }

    /// A copy of the shared report; a poisoned lock still gives the last value written.
    pub fn snapshot(shared: &SharedHealth) -> HealthReport {
        shared.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}
