//! Speech: every prompt can be heard (and repeated, interrupted, made louder and slower).
//!
//! - [`normalise`]: text made for the ear (codes spelled, dates as 年月日, amounts, phones, never an
//!   ID number); pure.
//! - [`holder`]: the salutation from a card (surname + 先生/女士) and the card's name and numbers
//!   kept out of what is spoken; pure.
//! - [`Speech`]: the engine as the UI sees it. [`EspeakNg`] runs `espeak-ng` and `aplay` as
//!   separate processes on a worker thread; [`Silent`] says nothing. [`start`] picks one from
//!   `[speech]`.
//! - [`say`]: what `kiosk say` does.
//! - [`wav`]: reading what the synthesiser wrote (duration, loudness), for tests and diagnostics.

mod cache;
mod capture;
pub mod config;
pub mod espeak;
pub mod holder;
pub mod normalise;
pub mod numerals;
pub mod wav;

use std::path::{Path, PathBuf};
use std::time::Duration;

pub use capture::next_number as next_capture_number;
pub use config::{Engine, SpeechConfig};
pub use espeak::{EspeakNg, EspeakOptions, SpeechError};
pub use holder::{hide_holder, polite_name, salutation};
pub use normalise::{for_the_ear, Spoken};

use crate::devices::idcard::Card;
pub use crate::lang::Lang;

/// How loud and how fast: from the config, changed by the resident for one session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Voice {
    /// Words per minute ([`config::MIN_RATE`]..=[`config::MAX_RATE`]).
    pub rate: u32,
    /// 0..=[`config::MAX_VOLUME`]; 100 is normal.
    pub volume: u32,
}

/// One press of 大声 / 小声.
pub const VOLUME_STEP: u32 = 25;
/// 小声 stops here: the quietest a resident can make it is still audible.
pub const MIN_SESSION_VOLUME: u32 = 25;

impl Voice {
    /// The configured voice: what every session starts with.
    pub fn from_config(config: &SpeechConfig) -> Voice {
        Voice {
            rate: config.rate.clamp(config::MIN_RATE, config::MAX_RATE),
            volume: config.volume.min(config::MAX_VOLUME),
        }
    }

    /// One step louder, up to the maximum.
    pub fn louder(self) -> Voice {
        Voice { volume: (self.volume + VOLUME_STEP).min(config::MAX_VOLUME), ..self }
    }

    /// One step quieter, never below [`MIN_SESSION_VOLUME`] (nor louder than it was).
    pub fn quieter(self) -> Voice {
        Voice { volume: self.volume.saturating_sub(VOLUME_STEP).max(MIN_SESSION_VOLUME.min(self.volume)), ..self }
    }

    /// Three quarters of the rate (慢速), down to the slowest espeak-ng speaks; 正常 is the
    /// configured voice again.
    pub fn slower(self) -> Voice {
        Voice { rate: (self.rate * 3 / 4).max(config::MIN_RATE), ..self }
    }
}

impl Default for Voice {
    fn default() -> Self {
        Voice::from_config(&SpeechConfig::default())
    }
}

/// Something to say: the text for the ear (already normalised) and the voice to say it with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Utterance {
    spoken: Spoken,
    pub voice: Voice,
}

impl Utterance {
    /// `text` as a screen shows it, made for the ear in `lang` ([`for_the_ear`]).
    pub fn new(text: &str, lang: Lang, voice: Voice) -> Utterance {
        Utterance { spoken: for_the_ear(text, lang), voice }
    }

    /// Like [`Utterance::new`] for text about `card`'s holder: the card's full name becomes the
    /// polite name (张女士) and its numbers are hidden even where `text` has them in full.
    pub fn for_holder(text: &str, lang: Lang, voice: Voice, card: &Card) -> Utterance {
        Utterance::new(&hide_holder(text, card, lang), lang, voice)
    }

    /// The text as spoken (what a capture's `.txt` holds).
    pub fn text(&self) -> String {
        self.spoken.text()
    }

    pub fn lang(&self) -> Lang {
        self.spoken.lang()
    }

    pub fn spoken(&self) -> &Spoken {
        &self.spoken
    }
}

/// Numbers the utterances of one engine, from 1.
pub type UtteranceId = u64;

/// The files of one captured utterance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capture {
    pub number: u32,
    pub wav: PathBuf,
    pub txt: PathBuf,
}

/// What happened to an utterance (delivered on the speech thread).
#[derive(Debug, Clone, PartialEq)]
pub enum SpeechEvent {
    /// Synthesised (in `synthesis`, or from the cache) and captured; playback starts.
    Started { id: UtteranceId, text: String, synthesis: Duration, capture: Option<Capture> },
    /// Done; `played` is false when there was nothing to play on (no sound card) or nothing to say.
    Finished { id: UtteranceId, played: bool },
    /// Stopped, or replaced by a newer utterance, before it finished (possibly before it started).
    Interrupted { id: UtteranceId },
    /// The synthesiser failed (staff-facing reason; logged).
    Failed { id: UtteranceId, reason: String },
}

/// A speech engine as the UI sees it. Nothing here blocks: synthesis and playback run elsewhere,
/// and no failure is returned to the caller (the resident never sees a speech error).
pub trait Speech: Send {
    /// Says `utterance`, stopping whatever is being said (the newest utterance wins).
    fn speak(&self, utterance: Utterance) -> UtteranceId;
    /// Stops speaking at once (screen change, idle reset).
    fn stop(&self);
    /// Whether anything can be spoken at all (the 朗读 button says so when not).
    fn is_available(&self) -> bool;
    /// Staff-facing: why speech is not available, e.g. "espeak-ng not found on PATH".
    fn unavailable_reason(&self) -> Option<String>;
    /// Staff-facing: the latest playback failure (no sound card, wrong device), if the last
    /// playback failed.
    fn playback_problem(&self) -> Option<String>;
}

/// Says nothing: `[speech] enabled = false`, `engine = "none"`.
pub struct Silent {
    reason: String,
}

impl Silent {
    pub fn new(reason: impl Into<String>) -> Silent {
        Silent { reason: reason.into() }
    }
}

impl Speech for Silent {
    fn speak(&self, _: Utterance) -> UtteranceId {
        0
    }

    fn stop(&self) {}

    fn is_available(&self) -> bool {
        false
    }

    fn unavailable_reason(&self) -> Option<String> {
        Some(self.reason.clone())
    }

    fn playback_problem(&self) -> Option<String> {
        None
    }
}

/// The engine `[speech]` asks for; `sink` gets every [`SpeechEvent`] on the speech thread (pass
/// `|_| {}` if nothing listens). Never fails: an unusable engine is [`Speech::is_available`] false.
pub fn start(config: &SpeechConfig, sink: impl Fn(SpeechEvent) + Send + 'static) -> Box<dyn Speech> {
    if !config.enabled {
        return Box::new(Silent::new("speech is turned off ([speech] enabled = false)"));
    }
    match config.engine {
        Engine::None => Box::new(Silent::new("no speech engine ([speech] engine = \"none\")")),
        Engine::EspeakNg => Box::new(EspeakNg::start(EspeakOptions::from_config(config), sink)),
    }
}

/// What `kiosk say` does with its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SayMode<'a> {
    /// `--print`: nothing is synthesised.
    Print,
    /// `--out FILE.wav`: synthesise into the file, do not play.
    Write(&'a Path),
    /// Synthesise and play on `[speech] device`, waiting until done.
    Play,
}

/// Why `kiosk say` failed (staff-facing).
#[derive(Debug, thiserror::Error)]
pub enum SayError {
    /// espeak-ng missing or without the Mandarin voice.
    #[error("speech not available: {0}")]
    Unavailable(String),
    #[error("synthesis failed: {0}")]
    Synthesis(#[from] SpeechError),
    #[error("{0}")]
    Playback(String),
}

/// `kiosk say TEXT [--lang zh|en] [--out FILE.wav] [--print]`: returns the text as spoken (after
/// normalisation), having synthesised and written or played it unless `mode` is [`SayMode::Print`].
/// Uses `[speech]` rate, volume and device; works whatever `enabled` and `engine` say (it is how
/// staff check the voice).
pub fn say(config: &SpeechConfig, text: &str, lang: Lang, mode: SayMode<'_>) -> Result<String, SayError> {
    let utterance = Utterance::new(text, lang, Voice::from_config(config));
    let spoken = utterance.text();
    if mode == SayMode::Print {
        return Ok(spoken);
    }
    let options = EspeakOptions::from_config(config);
    espeak::probe(&options.program).map_err(SayError::Unavailable)?;
    match mode {
        SayMode::Print => {}
        SayMode::Write(out) => espeak::synthesise(&options.program, &utterance, out)?,
        SayMode::Play => {
            let dir = tempfile_dir()?;
            let wav = dir.join("say.wav");
            let result =
                espeak::synthesise(&options.program, &utterance, &wav).map_err(SayError::from).and_then(|()| {
                    let player = options.player.as_deref().unwrap_or(Path::new(espeak::APLAY));
                    espeak::play(player, options.device.as_deref(), &wav).map_err(SayError::Playback)
                });
            let _ = std::fs::remove_dir_all(&dir);
            result?;
        }
    }
    Ok(spoken)
}

/// A fresh private folder under the system's temporary directory.
fn tempfile_dir() -> Result<PathBuf, SayError> {
    static N: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("kiosk-say-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| SayError::Synthesis(SpeechError::Io(e)))?;
    Ok(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_controls_stay_in_range() {
        let v = Voice { rate: 150, volume: 100 };
        assert_eq!(v.louder().volume, 125);
        assert_eq!(v.louder().louder().louder().louder().louder().volume, 200);
        assert_eq!(v.quieter().quieter().quieter().quieter().volume, 25);
        assert_eq!(Voice { rate: 150, volume: 10 }.quieter().volume, 10);
        assert_eq!(v.slower().rate, 112);
        assert_eq!(v.slower().slower().slower().rate, 80);
        assert_eq!(
            Voice::from_config(&SpeechConfig { rate: 1000, volume: 999, ..Default::default() }),
            Voice { rate: 450, volume: 200 }
        );
    }

    #[test]
    fn silent_engines_say_why() {
        let s = start(&SpeechConfig { enabled: false, ..Default::default() }, |_| {});
        assert!(!s.is_available());
        assert!(s.unavailable_reason().unwrap().contains("enabled = false"));
        let s = start(&SpeechConfig { engine: Engine::None, ..Default::default() }, |_| {});
        assert!(s.unavailable_reason().unwrap().contains("engine"));
        s.stop();
        s.speak(Utterance::new("你好", Lang::Zh, Voice::default()));
    }

    #[test]
    fn say_print_normalises_and_synthesises_nothing() {
        let config = SpeechConfig::default();
        let spoken = say(&config, "受理编号 SF-QST-01-20261130-0001", Lang::Zh, SayMode::Print).unwrap();
        assert_eq!(spoken, "受理编号 S F，Q S T，零 幺，二 零 二 六 幺 幺 三 零，零 零 零 幺");
    }

    #[test]
    fn lang_parses_its_codes() {
        assert_eq!("en".parse::<Lang>(), Ok(Lang::En));
        assert_eq!("zh".parse::<Lang>().map(Lang::voice), Ok("cmn-latn-pinyin"));
        assert!("fr".parse::<Lang>().is_err());
    }
}
