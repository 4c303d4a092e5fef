//! `kiosk say TEXT [--lang zh|en] [--out FILE.wav] [--print]`: how staff check the voice, and how
//! anyone sees what the kiosk would say for a text (numbers spelled, names and ID numbers hidden).

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use crate::config::Config;
use crate::speech::{self, SayError, SayMode};
use crate::Lang;

#[derive(Debug, Args)]
pub struct SayArgs {
    /// The text, as a screen would show it.
    pub text: String,
    /// The voice: Mandarin (zh, the default) or English (en).
    #[arg(long, default_value = "zh", value_parser = parse_lang)]
    pub lang: Lang,
    /// Write the speech to this WAV file instead of playing it.
    #[arg(long, value_name = "FILE.wav", conflicts_with = "print")]
    pub out: Option<PathBuf>,
    /// Print the text as it will be spoken (after normalisation); synthesise nothing.
    #[arg(long)]
    pub print: bool,
}

fn parse_lang(s: &str) -> Result<Lang, String> {
    s.parse()
}

/// Exit 0 said (or printed), 3 speech not available here (espeak-ng missing), 1 synthesis or
/// playback failed.
pub fn run(config: &Config, args: &SayArgs, out: &mut dyn Write) -> anyhow::Result<i32> {
    let mode = match (&args.out, args.print) {
        (_, true) => SayMode::Print,
        (Some(path), false) => SayMode::Write(path),
        (None, false) => SayMode::Play,
    };
    match speech::say(&config.speech, &args.text, args.lang, mode) {
        Ok(spoken) => {
            if args.print {
                writeln!(out, "{spoken}")?;
            } else if let Some(path) = &args.out {
                writeln!(out, "{}: {spoken}", path.display())?;
            }
            Ok(0)
        }
        Err(SayError::Unavailable(why)) => {
            eprintln!("speech is not available on this machine: {why}");
            Ok(3)
        }
        Err(e) => {
            eprintln!("{e}");
            Ok(1)
        }
    }
}
