//! The interface languages: Simplified Chinese (the source text everywhere) and English.

use serde::{Deserialize, Serialize};

/// The language of a session: what the screen shows (Slint bundled translations, the message
/// module) and which voice speaks it. `zh` is the source language; `en` the English interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    /// The espeak-ng voice: `cmn-latn-pinyin` (the plain `cmn` voice reads tone-numbered pinyin as
    /// English) or `en`.
    pub fn voice(self) -> &'static str {
        match self {
            Lang::Zh => "cmn-latn-pinyin",
            Lang::En => "en",
        }
    }

    /// `zh` / `en`, as on the command line and in the config.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }
}

impl std::str::FromStr for Lang {
    type Err = String;

    fn from_str(s: &str) -> Result<Lang, String> {
        match s {
            "zh" => Ok(Lang::Zh),
            "en" => Ok(Lang::En),
            _ => Err(format!("expected zh or en, found {s:?}")),
        }
    }
}

impl Lang {
    /// The name of the bundled Slint translation (`ui/translations/<name>/LC_MESSAGES/kiosk-ui.po`);
    /// the empty name is the source text, Chinese.
    pub fn bundle(self) -> &'static str {
        match self {
            Lang::Zh => "",
            Lang::En => "en",
        }
    }

    /// The other language: what the 中文 / English button switches to.
    pub fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }
}
