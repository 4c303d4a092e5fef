//! Second-generation ID card reader (GA 467 SAM over serial).
//!
//! - [`protocol`]: frames, commands, status codes, the incremental decoder (sans-IO).
//! - [`card`]: the 256-byte text block ⇄ [`Card`], GB 11643 check digits, nation table.
//! - [`reader`]: serial transport, [`read_card_once`], the [`CardPoller`] background loop.
//! - [`sim`]: a virtual reader on a PTY ([`SimReader`]) for demo mode and tests.
//! - The command line (`kiosk device read-card`, `kiosk sim id-reader`) is in `src/cli/`.
//!
//! For the app: [`IdReaderService::start`] picks the real reader or an internal simulator from the
//! config and delivers [`ReaderEvent`]s; in demo mode [`IdReaderService::simulator`] and
//! [`sample_cards`] drive the "模拟刷卡" panel.

pub mod card;
pub mod protocol;
pub mod reader;
pub mod sim;

use serde::{Deserialize, Serialize};

pub use card::{Card, CardType, Gender, ValidTo};
pub use reader::{read_card_once, CardPoller, FaultKind, Health, PollerOptions, ReadError, ReaderEvent};
pub use sim::{Fault, SimReader};

/// `[id_reader]` in the kiosk config.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct IdReaderConfig {
    /// `serial` (a real reader on `port`) or `simulated` (the built-in simulator on a PTY).
    pub kind: DeviceKind,
    /// Serial device path, e.g. `/dev/ttyUSB0`; required when `kind = "serial"`.
    pub port: Option<String>,
    pub baud: u32,
    /// How often to look for a card, in milliseconds.
    pub poll_interval_ms: u64,
    /// Timeout of the read step (find and select use 200 ms), in milliseconds.
    pub read_timeout_ms: u64,
}

impl Default for IdReaderConfig {
    fn default() -> Self {
        Self { kind: DeviceKind::Simulated, port: None, baud: 115_200, poll_interval_ms: 500, read_timeout_ms: 2_000 }
    }
}

/// Whether a device is real hardware on a serial port or the built-in simulator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeviceKind {
    Serial,
    Simulated,
}

/// Why the reader service could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("[id_reader] kind = \"serial\" needs a port (e.g. port = \"/dev/ttyUSB0\")")]
    NoPort,
    #[error("cannot start the simulated ID-card reader: {0}")]
    Simulator(#[from] std::io::Error),
}

/// The reader as the app sees it: a polling loop, plus the simulator it polls in demo mode.
pub struct IdReaderService {
    // Field order matters: the poller stops before the simulator goes away.
    poller: CardPoller,
    simulator: Option<SimReader>,
}

impl IdReaderService {
    /// Starts polling the reader `config` describes; `sink` gets every event on the reader thread.
    pub fn start(
        config: &IdReaderConfig,
        sink: impl Fn(ReaderEvent) + Send + 'static,
    ) -> Result<IdReaderService, StartError> {
        let (port, simulator) = match config.kind {
            DeviceKind::Serial => (config.port.clone().ok_or(StartError::NoPort)?, None),
            DeviceKind::Simulated => {
                let sim = SimReader::start()?;
                (sim.path(), Some(sim))
            }
        };
        let poller = CardPoller::spawn(PollerOptions::from_config(config, port), sink);
        Ok(IdReaderService { poller, simulator })
    }

    /// The internal simulator (demo mode only): `place` / `lift` cards on it.
    pub fn simulator(&self) -> Option<&SimReader> {
        self.simulator.as_ref()
    }

    pub fn health(&self) -> Health {
        self.poller.health()
    }

    /// Stops polling (joins the thread) and the simulator.
    pub fn stop(self) {
        let IdReaderService { poller, simulator } = self;
        poller.stop();
        drop(simulator);
    }
}

/// (file stem, label for the demo panel, JSON) of the bundled sample cards.
const SAMPLE_CARDS: [(&str, &str, &str); 5] = [
    ("elderly", "老年居民", include_str!("../../../assets/cards/elderly.json")),
    ("younger", "青年居民", include_str!("../../../assets/cards/younger.json")),
    ("hk_mo_tw", "港澳台居民", include_str!("../../../assets/cards/hk_mo_tw.json")),
    ("foreign", "外籍永久居留", include_str!("../../../assets/cards/foreign.json")),
    ("expired", "过期证件", include_str!("../../../assets/cards/expired.json")),
];

/// The bundled fictional sample cards: (file stem, Chinese label for the demo panel, card).
/// `id_number_valid` is computed; `expired` is computed against `today`.
pub fn sample_cards_on(today: chrono::NaiveDate) -> Vec<(&'static str, &'static str, Card)> {
    SAMPLE_CARDS
        .iter()
        .filter_map(|(stem, label, json)| {
            let mut card: Card = match serde_json::from_str(json) {
                Ok(card) => card,
                Err(e) => {
                    log::error!("bundled sample card {stem}.json is invalid: {e}");
                    return None;
                }
            };
            card.refresh(today);
            Some((*stem, *label, card))
        })
        .collect()
}

/// [`sample_cards_on`] for the local date.
pub fn sample_cards() -> Vec<(&'static str, &'static str, Card)> {
    sample_cards_on(chrono::Local::now().date_naive())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_cards_are_valid_and_encodable() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let cards = sample_cards_on(today);
        assert_eq!(cards.len(), SAMPLE_CARDS.len(), "every bundled JSON parses");
        for (stem, label, card) in &cards {
            assert!(card.id_number_valid, "{stem}");
            assert_eq!(card.expired, *stem == "expired", "{stem}");
            assert!(!label.is_empty());
            let text = card::encode_text(card).unwrap_or_else(|e| panic!("{stem}: {e}"));
            assert_eq!(&card::decode_text(&text, today).unwrap(), card, "{stem}");
        }
        let types: Vec<CardType> = cards.iter().map(|(_, _, c)| c.card_type).collect();
        assert!(types.contains(&CardType::HkMoTw) && types.contains(&CardType::Foreign));
        let elderly = &cards[0].2;
        assert!(elderly.age_on(today) >= 70 && elderly.address.contains("清水塘街道"));
        assert_eq!(elderly.masked_name(), "张*英");
        let younger = &cards[1].2;
        assert!((30..=40).contains(&younger.age_on(today)));
    }

    #[test]
    fn config_defaults_fill_missing_keys() {
        let config: IdReaderConfig = toml::from_str("kind = \"serial\"\nport = \"/dev/ttyUSB0\"").unwrap();
        assert_eq!(config.kind, DeviceKind::Serial);
        assert_eq!(config.baud, 115_200);
        assert_eq!(config.read_timeout_ms, 2_000);
    }
}
