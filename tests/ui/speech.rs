//! Speech on the screens, with the real espeak-ng capturing every utterance (`[speech] capture_dir`):
//! each prompt of a senior-card renewal becomes an audible WAV as long as its text, and none holds the
//! holder's name or ID number; 朗读 speaks the screen again on every tap; louder and slower change the
//! next utterance; a screen change interrupts speech; without espeak-ng 朗读 says so on screen.
//!
//! They need `espeak-ng` (Debian package); without it they fail, unless `KIOSK_SKIP_SPEECH_TESTS=1`.

use std::path::PathBuf;
use std::time::Duration;

use crate::common::*;
use crate::speech_support::espeak_here;
use kiosk::speech::wav::Wav;
use kiosk::speech::{Engine, SpeechEvent};
use kiosk::ui::KioskUi;
use kiosk::{ApplyState, ApplyStep, SpeechState};
use slint::ComponentHandle;

const LIMIT: Duration = Duration::from_secs(15);

/// A demo kiosk (simulated devices) that speaks with espeak-ng and captures into a fresh folder.
fn speaking_kiosk(auto: bool) -> (KioskUi, PathBuf) {
    let dir = tempfile::tempdir().unwrap().keep();
    let mut config = demo_config();
    config.speech.engine = Engine::EspeakNg;
    config.speech.auto = auto;
    config.speech.capture_dir = Some(dir.clone());
    (kiosk_with_devices(&config), dir)
}

/// One finished capture: its number, its text and its sound.
struct Heard {
    text: String,
    wav: Wav,
}

/// Waits until the utterance whose text `pred` picks was captured; returns it.
fn wait_heard(ui: &KioskUi, what: &str, pred: impl Fn(&str) -> bool) -> Heard {
    let mut found = None;
    let ok = wait_until(ui, LIMIT, |ui| {
        found = ui.speech_events().into_iter().rev().find_map(|e| match e {
            SpeechEvent::Started { text, capture: Some(c), .. } if pred(&text) => Some((text, c.wav)),
            _ => None,
        });
        found.is_some()
    });
    assert!(ok, "no utterance {what}; heard: {:?}", started_texts(ui));
    let (text, wav) = found.unwrap();
    Heard { text, wav: Wav::read(&wav).unwrap() }
}

fn started_texts(ui: &KioskUi) -> Vec<String> {
    ui.speech_events()
        .into_iter()
        .filter_map(|e| match e {
            SpeechEvent::Started { text, .. } => Some(text),
            _ => None,
        })
        .collect()
}

fn started_count(ui: &KioskUi) -> usize {
    started_texts(ui).len()
}

/// Digits as the Mandarin voice is given them, one at a time (幺 for 1, as in phone numbers).
fn numerals(digits: &str, sep: &str) -> String {
    let names: Vec<char> = "零幺二三四五六七八九".chars().collect();
    let each: Vec<String> =
        digits.chars().filter_map(|d| d.to_digit(10)).map(|d| names[d as usize].to_string()).collect();
    each.join(sep)
}

/// Non-silent, and about as long as its text: at least 0.1 s and at most 0.6 s per syllable.
fn assert_plausible(h: &Heard) {
    let syllables = h.text.chars().filter(|c| !c.is_ascii_punctuation() && !c.is_whitespace()).count().max(1);
    let secs = h.wav.duration_secs();
    assert!(h.wav.rms() > 300.0, "silent WAV for {:?} (rms {})", h.text, h.wav.rms());
    assert!(
        secs >= 0.1 * syllables as f64 / 3.0 && secs <= 0.6 * syllables as f64 + 1.0,
        "{secs:.2} s for {syllables} characters: {:?}",
        h.text
    );
}

#[test]
fn senior_card_renewal_speaks_every_prompt_and_never_the_name_or_id_number() {
    if !espeak_here("senior_card_renewal_speaks_every_prompt") {
        return;
    }
    let (ui, dir) = speaking_kiosk(true);
    tap(&ui, "老年优待证");
    let place = wait_heard(&ui, "asking for the card", |t| t.contains("身份证"));
    assert_plausible(&place);

    tap(&ui, &cards::demo_button("elderly"));
    assert!(wait_until(&ui, LIMIT, |ui| ui.window().global::<ApplyState>().get_step() == ApplyStep::Review));
    let review = wait_heard(&ui, "with the confirmation", |t| t.contains("核对"));
    assert_plausible(&review);
    assert!(review.text.contains("女士"), "the salutation uses the surname: {}", review.text);

    tap(&ui, "同意并提交");
    let printed = wait_heard(&ui, "saying the slip is printed", |t| t.contains("回执已打印"));
    assert_plausible(&printed);
    let app = ui.store().as_ref().unwrap().applications().unwrap().remove(0);
    assert!(printed.text.contains("受理编号"), "the acceptance number is read out: {}", printed.text);
    assert!(!printed.text.contains(&app.acceptance_no), "spelled, not read as words: {}", printed.text);
    let last = app.acceptance_no.rsplit('-').next().unwrap();
    assert!(printed.text.contains(&numerals(last, " ")), "{last} one digit at a time: {}", printed.text);

    // Nothing captured names the holder in full or has the ID number, in whole or in part.
    let card = cards::elderly();
    let captured: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    assert!(captured.len() >= 3, "a capture per prompt: {captured:?}");
    for text in &captured {
        assert!(!text.contains(&card.name), "full name spoken: {text}");
        let birth = &card.id_number[6..14];
        for form in [birth.to_string(), numerals(birth, " "), numerals(birth, "")] {
            assert!(!text.replace('，', " ").contains(&form), "part of the ID number spoken ({form}): {text}");
        }
    }
}

#[test]
fn read_aloud_speaks_the_current_screen_and_again_on_every_tap() {
    if !espeak_here("read_aloud_speaks_the_current_screen") {
        return;
    }
    let (ui, _dir) = speaking_kiosk(false);
    tap(&ui, "朗读");
    let first = wait_heard(&ui, "of the home screen", |t| t.contains("老年优待证"));
    assert_plausible(&first);
    let before = started_count(&ui);
    tap(&ui, "朗读");
    assert!(wait_until(&ui, LIMIT, |ui| started_count(ui) > before), "the second tap repeats it");
    assert_eq!(started_texts(&ui).last().unwrap(), &first.text);

    tap(&ui, "办事指南");
    tap(&ui, "朗读");
    let guides = wait_heard(&ui, "of the guides screen", |t| t.contains("常办事项") || t.contains("分类"));
    assert!(guides.text.contains("老年"), "the guides screen names its items: {}", guides.text);
}

#[test]
fn louder_and_slower_change_the_next_utterance_for_this_session_only() {
    if !espeak_here("louder_and_slower_change_the_next_utterance") {
        return;
    }
    let (ui, _dir) = speaking_kiosk(true);
    tap(&ui, "办事指南");
    let normal = wait_heard(&ui, "the guides prompt", |_| true);
    let n = started_count(&ui);
    tap(&ui, "大声");
    assert!(wait_until(&ui, LIMIT, |ui| started_count(ui) > n));
    let louder = wait_heard(&ui, "the prompt again, louder", |t| t == normal.text);
    assert_eq!(louder.text, normal.text);
    assert!(louder.wav.rms() > normal.wav.rms() * 1.1, "louder: rms {} vs {}", louder.wav.rms(), normal.wav.rms());

    let n = started_count(&ui);
    tap(&ui, "慢速");
    assert!(wait_until(&ui, LIMIT, |ui| started_count(ui) > n));
    let slower = wait_heard(&ui, "the prompt again, slower", |t| t == normal.text);
    assert!(
        slower.wav.duration_secs() > normal.wav.duration_secs() * 1.2,
        "slower: {:.2} s vs {:.2} s",
        slower.wav.duration_secs(),
        normal.wav.duration_secs()
    );
    assert!(ui.window().global::<SpeechState>().get_slow(), "the button offers 正常语速 now");
    assert!(shows(&ui, "正常语速"));

    // A new session speaks with the configured voice again.
    tap(&ui, "首页");
    assert!(!ui.window().global::<SpeechState>().get_slow());
    tap(&ui, "办事指南");
    let n = started_count(&ui);
    tap(&ui, "朗读");
    assert!(wait_until(&ui, LIMIT, |ui| started_count(ui) > n));
    let again = wait_heard(&ui, "the guides screen in the next session", |t| t.contains("老年"));
    let per_char = |h: &Heard| h.wav.duration_secs() / h.text.chars().count() as f64;
    assert!(per_char(&again) < per_char(&slower) * 0.95, "the next session is not slowed");
}

#[test]
fn a_screen_change_interrupts_speech() {
    if !espeak_here("a_screen_change_interrupts_speech") {
        return;
    }
    let (ui, _dir) = speaking_kiosk(false);
    tap(&ui, "办事指南");
    tap(&ui, "老年人优待证办理（年审）");
    tap(&ui, "朗读");
    tap(&ui, "返回");
    let interrupted =
        wait_until(&ui, LIMIT, |ui| ui.speech_events().iter().any(|e| matches!(e, SpeechEvent::Interrupted { .. })));
    assert!(interrupted, "the whole guide was not interrupted: {:?}", ui.speech_events());
    assert!(
        !started_texts(&ui).iter().any(|t| t.contains("办理条件") || t.contains("申请材料")),
        "the guide was read out after the screen changed: {:?}",
        started_texts(&ui)
    );
}

#[test]
fn without_a_speech_engine_read_aloud_says_so_on_screen() {
    // Runs everywhere: no espeak-ng is needed to be silent.
    let ui = kiosk_with_devices(&demo_config());
    assert!(!ui.window().global::<SpeechState>().get_available());
    tap(&ui, "朗读");
    assert!(shows(&ui, "本机暂不支持语音朗读"), "the notice is on screen");
    assert!(ui.speech_events().is_empty());
}

/// Issue 16: when the idle poll found the printer out of paper, the card screen's spoken prompt says
/// that the slip will be shown on screen, as the screen does.
#[test]
fn the_printer_notice_before_an_application_is_spoken_too() {
    if !espeak_here("the_printer_notice_before_an_application_is_spoken_too") {
        return;
    }
    let dir = tempfile::tempdir().unwrap().keep();
    let mut config = demo_config();
    config.speech.engine = Engine::EspeakNg;
    config.speech.auto = true;
    config.speech.capture_dir = Some(dir);
    config.printer.poll_secs = 1;
    let ui = kiosk_with_devices(&config);
    ui.devices().printer.as_ref().unwrap().simulator().unwrap().set_mode(kiosk::devices::printer::SimMode::PaperOut);
    // The idle poll answers within a few of the kiosk's seconds.
    assert!(wait_until(&ui, LIMIT, |ui| {
        tap(ui, "老年优待证");
        let found = shows(ui, "打印机暂时无法打印：您仍可办理，提交后回执将显示在屏幕上，可用手机拍下屏幕上的二维码。");
        if !found {
            tap(ui, "首页");
        }
        found
    }));
    let heard = wait_heard(&ui, "with the printer notice", |t| t.contains("打印机暂时无法打印"));
    assert!(heard.text.contains("身份证"), "the card screen's own prompt first: {}", heard.text);
    assert_plausible(&heard);
}
