//! `[speech]` in the kiosk config.

use std::path::PathBuf;

use crate::config::{Problem, Unit};
use serde::{Deserialize, Serialize};

/// `[speech]`: how prompts are spoken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SpeechConfig {
    /// Speak at all (the 朗读 button says speech is not available when off).
    pub enabled: bool,
    /// `espeak-ng` or `none`.
    pub engine: Engine,
    /// Words per minute, 80 to 450 (espeak-ng's range).
    pub rate: u32,
    /// 0 to 200; 100 is the voice's normal amplitude.
    pub volume: u32,
    /// ALSA device for playback (e.g. `plughw:0,0` for the headphone jack); the default device if unset.
    pub device: Option<String>,
    /// Speak each screen's prompt when it opens.
    pub auto: bool,
    /// Write every utterance there too, as `NNNNNN.wav` and its text as `NNNNNN.txt` (diagnostics, tests).
    pub capture_dir: Option<PathBuf>,
}

/// The speech engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Engine {
    /// espeak-ng, run as a separate process (`espeak-ng` on `PATH`).
    EspeakNg,
    /// No speech.
    None,
}

/// Slowest and fastest rates espeak-ng accepts, in words per minute.
pub const MIN_RATE: u32 = 80;
pub const MAX_RATE: u32 = 450;
/// The loudest volume (espeak-ng's amplitude scale).
pub const MAX_VOLUME: u32 = 200;

impl Default for SpeechConfig {
    fn default() -> Self {
        SpeechConfig {
            enabled: true,
            engine: Engine::EspeakNg,
            rate: 150,
            volume: 100,
            device: None,
            auto: true,
            capture_dir: None,
        }
    }
}

impl SpeechConfig {
    /// Values types alone cannot check, as (key, problem), for `Config::problems`.
    pub fn problems(&self, out: &mut Vec<(String, Problem)>) {
        if !(MIN_RATE..=MAX_RATE).contains(&self.rate) {
            let (min, max, found) = (MIN_RATE.into(), MAX_RATE.into(), self.rate.into());
            out.push(("speech.rate".into(), Problem::Between { min, max, found, unit: Unit::WordsPerMinute }));
        }
        if self.volume > MAX_VOLUME {
            let (max, found) = (MAX_VOLUME.into(), self.volume.into());
            out.push(("speech.volume".into(), Problem::Between { min: 0, max, found, unit: Unit::Percent }));
        }
        if let Some(d) = &self.device {
            if d.trim().is_empty() || d.chars().any(|c| c.is_whitespace() || c.is_control()) {
                out.push(("speech.device".into(), Problem::AlsaDevice(d.clone())));
            }
        }
        if self.capture_dir.as_ref().is_some_and(|p| p.as_os_str().is_empty()) {
            out.push(("speech.capture_dir".into(), Problem::Empty { example: Some("/var/lib/kiosk/speech") }));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_fill_missing_keys_and_unknown_keys_are_refused() {
        let c: SpeechConfig = toml::from_str("volume = 150").unwrap();
        assert_eq!(c, SpeechConfig { volume: 150, ..SpeechConfig::default() });
        assert!(c.enabled && c.auto && c.engine == Engine::EspeakNg && c.rate == 150);
        let c: SpeechConfig = toml::from_str("engine = \"none\"\ncapture_dir = \"/tmp/x\"").unwrap();
        assert_eq!(c.engine, Engine::None);
        assert!(toml::from_str::<SpeechConfig>("voice = \"cmn\"").is_err());
        assert!(toml::from_str::<SpeechConfig>("engine = \"festival\"").is_err());
    }

    #[test]
    fn out_of_range_values_are_named() {
        let c = SpeechConfig { rate: 20, volume: 250, device: Some("hw 0".into()), ..SpeechConfig::default() };
        let mut out = Vec::new();
        c.problems(&mut out);
        let keys: Vec<&str> = out.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["speech.rate", "speech.volume", "speech.device"]);
        let mut out = Vec::new();
        SpeechConfig::default().problems(&mut out);
        assert!(out.is_empty());
    }
}
