//! `kiosk say`: the text as spoken (numbers spelled one character at a time), a Mandarin WAV, and
//! exit 3 with a clear reason where espeak-ng is missing.

use std::path::Path;
use std::process::{Command, Output};

use crate::speech_support::espeak_here;
use kiosk::speech::espeak;
use kiosk::speech::wav::Wav;

fn kiosk(args: &[&str], path: Option<&str>) -> Output {
    let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("kiosk-config/demo.toml");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kiosk"));
    cmd.arg("--config").arg(&config).args(args);
    if let Some(path) = path {
        cmd.env("PATH", path);
    }
    cmd.output().unwrap()
}

#[test]
fn say_print_spells_the_acceptance_number_and_synthesises_nothing() {
    // --print needs no espeak-ng: an empty PATH proves nothing is run.
    let out = kiosk(&["say", "--print", "受理编号 SF-QST-01-20261130-0001"], Some(""));
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let spoken = String::from_utf8(out.stdout).unwrap();
    // One character at a time: no run of two digits or two letters is left for the voice to read as
    // a number or a word.
    assert!(spoken.contains("S F，Q S T"), "letters one at a time: {spoken}");
    assert!(spoken.contains("二 零 二 六 幺 幺 三 零，零 零 零 幺"), "digits one at a time: {spoken}");
    for pair in spoken.split_whitespace().filter(|w| w.chars().all(|c| c.is_ascii_alphanumeric())) {
        assert!(pair.chars().count() <= 1, "{pair:?} is not spelled: {spoken}");
    }
    assert!(spoken.starts_with("受理编号"), "{spoken}");
    assert!(!spoken.contains("20261130"), "the number is spelled, not read as one: {spoken}");
}

#[test]
fn say_out_writes_an_audible_mandarin_wav_without_an_english_switch() {
    if !espeak_here("say_out_writes_an_audible_mandarin_wav") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("x.wav");
    let out = kiosk(&["say", "--out", wav.to_str().unwrap(), "你好"], None);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let w = Wav::read(&wav).unwrap();
    assert!(w.duration_secs() > 0.2 && w.duration_secs() < 3.0, "{} s", w.duration_secs());
    assert!(w.rms() > 300.0, "silent");
    // What the Mandarin voice makes of the text as spoken: no switch to English.
    let printed = kiosk(&["say", "--print", "受理编号 SF-QST-01-20261130-0001，你好"], None);
    let spoken = String::from_utf8(printed.stdout).unwrap();
    let x =
        Command::new(espeak::ESPEAK_NG).args(["-q", "-x", "-v", "cmn-latn-pinyin", spoken.trim()]).output().unwrap();
    let phonemes = String::from_utf8_lossy(&x.stdout);
    assert!(!phonemes.contains("(en)"), "the voice switched to English: {phonemes}");
}

#[test]
fn say_without_espeak_exits_3_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let out = kiosk(&["say", "--out", dir.path().join("x.wav").to_str().unwrap(), "你好"], Some(""));
    assert_eq!(out.status.code(), Some(3), "{}", String::from_utf8_lossy(&out.stderr));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("espeak-ng"), "{err}");
    assert!(!dir.path().join("x.wav").exists());
}
