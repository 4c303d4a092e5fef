//! For the tests that need espeak-ng (Debian package `espeak-ng`): they fail without it, unless
//! `KIOSK_SKIP_SPEECH_TESTS=1` says to skip them knowingly.

use std::path::Path;

use kiosk::speech::espeak;

/// True when espeak-ng is here; panics with how to fix it unless the tests are to be skipped.
pub fn espeak_here(test: &str) -> bool {
    match espeak::probe(Path::new(espeak::ESPEAK_NG)) {
        Ok(_) => true,
        Err(reason) if std::env::var("KIOSK_SKIP_SPEECH_TESTS").as_deref() == Ok("1") => {
            eprintln!("SKIPPED {test}: {reason} (KIOSK_SKIP_SPEECH_TESTS=1)");
            false
        }
        Err(reason) => panic!(
            "the speech tests need espeak-ng: {reason}. Install it (apt-get install espeak-ng alsa-utils) \
             or set KIOSK_SKIP_SPEECH_TESTS=1 to skip them knowingly."
        ),
    }
}
