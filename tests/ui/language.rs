//! The English interface in a running kiosk: the home screen's English button switches the screen
//! (Slint's translation and the Rust-side sentences), 中文 switches back, 首页 keeps the language for
//! the person still there, and the idle reset returns to the configured language.

use crate::common::*;
use kiosk::{Lang, SpeechState};
use slint::ComponentHandle;

#[test]
fn the_english_button_switches_a_running_kiosk_and_the_idle_reset_switches_back() {
    let ui = kiosk();
    assert!(shows(&ui, "朗读") && shows(&ui, "English"));
    tap(&ui, "English");
    settle();
    assert!(ui.window().global::<SpeechState>().get_english());
    assert!(shows(&ui, "Read aloud"), "the speech button in English: {:?}", button_labels(&ui));
    assert!(shows(&ui, "中文"), "the way back is in Chinese: {:?}", button_labels(&ui));
    assert!(!shows(&ui, "朗读"));
    let han = |l: &str| l.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    let chinese: Vec<String> = button_labels(&ui).into_iter().filter(|l| han(l) && l != "中文").collect();
    assert!(chinese.is_empty(), "buttons still in Chinese: {chinese:?}");

    // 首页 after a task keeps English for the person still here; nothing of their task stays.
    tap(&ui, "Service guides");
    assert!(shows(&ui, "Back"), "{:?}", button_labels(&ui));
    tap(&ui, "Home");
    settle();
    assert!(shows(&ui, "Read aloud") && shows(&ui, "中文"), "Home keeps the language: {:?}", button_labels(&ui));

    // Walking away: the idle reset brings the configured language back.
    let idle = demo_config().idle;
    wait_secs(idle.timeout_secs + idle.warning_secs + 2);
    settle();
    assert!(!ui.window().global::<SpeechState>().get_english());
    assert!(shows(&ui, "朗读") && shows(&ui, "English"), "{:?}", button_labels(&ui));
}

#[test]
fn a_terminal_configured_in_english_starts_in_english_and_chinese_is_one_tap_away() {
    let mut config = demo_config();
    config.ui.language = Lang::En;
    let ui = kiosk_with(&config, kiosk::ui::Devices::none());
    settle();
    assert!(shows(&ui, "Read aloud"), "{:?}", button_labels(&ui));
    tap(&ui, "中文");
    settle();
    assert!(shows(&ui, "朗读"), "{:?}", button_labels(&ui));
}
