//! Device health for heartbeats. The sync worker owns no device: the UI side (which does) writes what it
//! learns into a shared [`HealthReport`], and each heartbeat sends a copy in the contract's own words
//! ([`kiosk_contract::ReaderHealth`], [`kiosk_contract::PrinterHealth`]): no device type goes on the wire.

use std::sync::{Arc, Mutex};

use kiosk_contract::Paper;

use crate::devices::idcard::Health;
use crate::devices::printer::{PaperState, PrinterStatus};

/// The ID-card reader as the hub's heartbeat names it (the contract's type).
pub use kiosk_contract::ReaderHealth;

impl From<Health> for ReaderHealth {
    fn from(h: Health) -> Self {
        match h {
            Health::Ok => ReaderHealth::Ok,
            Health::NoAnswer => ReaderHealth::NoAnswer,
            Health::PortMissing => ReaderHealth::PortMissing,
        }
    }
}

/// The receipt printer as the devices last reported it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

    /// Whether a slip can be printed: online, paper (near end is enough), cover closed, no error.
    pub fn is_ready(self) -> bool {
        self.online && self.paper != PaperState::Out && !self.cover_open && !self.error
    }

    /// In the heartbeat's words.
    pub fn to_wire(self) -> kiosk_contract::PrinterHealth {
        let paper = match self.paper {
            PaperState::Ok => Paper::Ok,
            PaperState::NearEnd => Paper::NearEnd,
            PaperState::Out => Paper::Out,
        };
        kiosk_contract::PrinterHealth { online: self.online, paper, cover_open: self.cover_open, error: self.error }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_states_map_to_the_same_words_as_before() {
        for (state, word) in [(PaperState::Ok, "ok"), (PaperState::NearEnd, "near_end"), (PaperState::Out, "out")] {
            let wire = PrinterHealth { paper: state, ..PrinterHealth::OK }.to_wire();
            assert_eq!(serde_json::to_value(wire).unwrap()["paper"], word);
            assert_eq!(state.as_str(), word, "the device's own name and the wire's agree");
        }
        for (h, word) in [(Health::Ok, "ok"), (Health::NoAnswer, "no_answer"), (Health::PortMissing, "port_missing")] {
            assert_eq!(serde_json::to_value(ReaderHealth::from(h)).unwrap(), word);
        }
        let offline = serde_json::to_value(PrinterHealth::OFFLINE.to_wire()).unwrap();
        assert_eq!(offline, serde_json::json!({"online": false, "paper": "ok", "cover_open": false, "error": false}));
    }
}
