//! Barcode/QR scanner in serial mode (one line of text per scanned code), used to scan the QR on a
//! pickup slip for the progress query.
//!
//! - [`protocol`]: the incremental line decoder (sans-IO).
//! - [`reader`]: serial transport, [`scan_once`], the [`ScanReader`] background loop.
//! - [`sim`]: a virtual scanner on a PTY ([`SimScanner`]) for demo mode and tests.
//! - The command line (`kiosk device scan`, `kiosk sim scanner`) is in `src/cli/`.
//!
//! For the app: [`ScannerService::start`] picks the real scanner or an internal simulator from the
//! config and delivers [`ScannerEvent`]s. Scanned texts may be slip tokens: log lengths, never content.

pub mod protocol;
pub mod reader;
pub mod sim;

use serde::{Deserialize, Serialize};

pub use crate::devices::idcard::DeviceKind;
pub use protocol::{LineDecoder, LineError, Scan, Suffix, MAX_LINE};
pub use reader::{scan_once, FaultKind, Health, ScanError, ScanReader, ScannerEvent};
pub use sim::SimScanner;

/// `[scanner]` in the kiosk config.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ScannerConfig {
    /// `serial` (a real scanner on `port`) or `simulated` (the built-in simulator on a PTY).
    pub kind: DeviceKind,
    /// Serial device path, e.g. `/dev/ttyACM0`; required when `kind = "serial"`.
    pub port: Option<String>,
    pub baud: u32,
}

impl Default for ScannerConfig {
    fn default() -> Self {
        Self { kind: DeviceKind::Simulated, port: None, baud: reader::DEFAULT_BAUD }
    }
}

/// Why the scanner service could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("[scanner] kind = \"serial\" needs a port (e.g. port = \"/dev/ttyACM0\")")]
    NoPort,
    #[error("cannot start the simulated scanner: {0}")]
    Simulator(std::io::Error),
    #[error("cannot start the scanner thread: {0}")]
    Thread(std::io::Error),
}

/// The scanner as the app sees it: the reading loop, plus the simulator it reads in demo mode.
pub struct ScannerService {
    // Field order matters: the reader stops before the simulator goes away.
    reader: ScanReader,
    simulator: Option<SimScanner>,
}

impl ScannerService {
    /// Starts reading the scanner `config` describes; `sink` gets every event on the reader thread.
    /// A missing port is not an error here: it is reported as `Fault(PortMissing)` and retried.
    pub fn start(
        config: &ScannerConfig,
        sink: impl Fn(ScannerEvent) + Send + 'static,
    ) -> Result<ScannerService, StartError> {
        let (port, simulator) = match config.kind {
            DeviceKind::Serial => match config.port.as_deref() {
                Some(port) if !port.is_empty() => (port.to_string(), None),
                _ => return Err(StartError::NoPort),
            },
            DeviceKind::Simulated => {
                let sim = SimScanner::start().map_err(StartError::Simulator)?;
                (sim.path(), Some(sim))
            }
        };
        let reader = ScanReader::spawn(port, config.baud, sink).map_err(StartError::Thread)?;
        Ok(ScannerService { reader, simulator })
    }

    /// The internal simulator (demo mode only): `scan` codes on it.
    pub fn simulator(&self) -> Option<&SimScanner> {
        self.simulator.as_ref()
    }

    pub fn health(&self) -> Health {
        self.reader.health()
    }

    /// Stops reading (joins the thread) and the simulator.
    pub fn stop(self) {
        let ScannerService { reader, simulator } = self;
        reader.stop();
        drop(simulator);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_defaults_fill_missing_keys() {
        let config: ScannerConfig = toml::from_str("kind = \"serial\"\nport = \"/dev/ttyACM0\"").unwrap();
        assert_eq!(config.kind, DeviceKind::Serial);
        assert_eq!(config.port.as_deref(), Some("/dev/ttyACM0"));
        assert_eq!(config.baud, 9_600);
        assert_eq!(toml::from_str::<ScannerConfig>("").unwrap(), ScannerConfig::default());
        assert_eq!(ScannerConfig::default().kind, DeviceKind::Simulated);
    }

    #[test]
    fn config_rejects_unknown_keys() {
        let error = toml::from_str::<ScannerConfig>("kind = \"serial\"\nsuffix = \"CR\"").unwrap_err();
        assert!(error.to_string().contains("suffix"), "{error}");
    }

    #[test]
    fn serial_without_a_port_does_not_start() {
        let config = ScannerConfig { kind: DeviceKind::Serial, ..ScannerConfig::default() };
        assert!(matches!(ScannerService::start(&config, |_| {}), Err(StartError::NoPort)));
    }
}
