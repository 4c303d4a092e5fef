//! A resident types on the on-screen keyboard: pinyin with candidates, letters and digits, and the
//! large numeric keypad — all by tapping keys found by their accessible labels.

use crate::common::*;
use kiosk::ui::KioskUi;
use kiosk::{GuideState, KeyboardLayout, KeyboardState};
use slint::{ComponentHandle, Model};

fn search_screen() -> KioskUi {
    let ui = kiosk();
    tap(&ui, "办事指南");
    tap(&ui, "搜索事项");
    ui
}

fn type_keys(ui: &KioskUi, letters: &str) {
    for c in letters.chars() {
        tap(ui, &c.to_ascii_uppercase().to_string());
    }
}

fn query(ui: &KioskUi) -> String {
    ui.window().global::<GuideState>().get_query().into()
}

fn keyboard(ui: &KioskUi) -> KeyboardState<'_> {
    ui.window().global::<KeyboardState>()
}

fn candidates(ui: &KioskUi) -> Vec<String> {
    keyboard(ui).get_candidates().iter().map(String::from).collect()
}

#[test]
fn typing_laonianren_and_choosing_the_first_candidate_puts_it_in_the_field() {
    let ui = search_screen();
    type_keys(&ui, "laonianren");
    assert_eq!(keyboard(&ui).get_composing(), "laonianren");
    assert!(shows(&ui, "拼音：laonianren"), "the composing letters are on screen");
    let first = candidates(&ui).first().cloned().expect("candidates for laonianren");
    assert_eq!(first, "老年人");
    tap(&ui, &first);
    assert_eq!(query(&ui), "老年人");
    assert_eq!(keyboard(&ui).get_composing(), "");
    assert!(candidates(&ui).is_empty());
    let hit = label_containing(&ui, "老年人优待证").expect("the Chinese query finds 老年人优待证");
    assert!(button_labels(&ui).contains(&hit), "{hit}");
}

#[test]
fn abbreviated_pinyin_offers_phrases_and_still_searches_as_letters() {
    let ui = search_screen();
    type_keys(&ui, "ldyd");
    assert_eq!(query(&ui), "ldyd", "the letters show in the field while composing");
    let first = button_labels(&ui).into_iter().find(|l| l.contains("优待证")).expect("a result for ldyd");
    assert!(first.contains("老年人优待证"), "{first}");
    // 完成 keeps the letters as typed and makes room for the results.
    tap(&ui, "完成");
    assert_eq!(query(&ui), "ldyd");
    assert_eq!(keyboard(&ui).get_composing(), "");
    assert!(!shows(&ui, "Q"), "the keyboard is hidden after 完成");
    tap(&ui, "打开键盘");
    assert!(shows(&ui, "Q"));
    tap(&ui, "清空");
    type_keys(&ui, "lnr");
    assert!(candidates(&ui).contains(&"老年人".to_string()), "{:?}", candidates(&ui));
}

#[test]
fn choosing_a_shorter_candidate_keeps_the_rest_composing() {
    let ui = search_screen();
    type_keys(&ui, "laonian");
    let lao_nian = candidates(&ui);
    assert_eq!(lao_nian.first().map(String::as_str), Some("老年"), "{lao_nian:?}");
    // A single character for the first syllable only, then the rest.
    let lao = lao_nian.iter().find(|c| c.as_str() == "老").expect("老 on the first page").clone();
    tap(&ui, &lao);
    assert_eq!(keyboard(&ui).get_composing(), "nian");
    assert_eq!(query(&ui), "老nian");
    tap(&ui, "年");
    assert_eq!(query(&ui), "老年");
}

#[test]
fn delete_works_while_composing_and_after() {
    let ui = search_screen();
    type_keys(&ui, "lao");
    tap(&ui, &candidates(&ui)[0]);
    assert_eq!(query(&ui), "老");
    type_keys(&ui, "nian");
    tap(&ui, "删除");
    assert_eq!(keyboard(&ui).get_composing(), "nia", "删除 takes the last letter first");
    assert_eq!(query(&ui), "老nia");
    for _ in 0..3 {
        tap(&ui, "删除");
    }
    assert_eq!(keyboard(&ui).get_composing(), "");
    assert_eq!(query(&ui), "老");
    tap(&ui, "删除");
    assert_eq!(query(&ui), "", "then the field's characters");
    tap(&ui, "删除");
    assert_eq!(query(&ui), "", "删除 on an empty field does nothing");
}

#[test]
fn candidate_pages_turn_with_large_buttons() {
    let ui = search_screen();
    assert_eq!(button(&ui, "下一页候选").accessible_enabled(), Some(false));
    type_keys(&ui, "shi");
    let first = candidates(&ui);
    assert!(!first.is_empty() && first.len() <= 6, "{first:?}");
    assert_eq!(button(&ui, "上一页候选").accessible_enabled(), Some(false));
    tap(&ui, "下一页候选");
    let second = candidates(&ui);
    assert!(!second.is_empty() && second != first, "{second:?}");
    assert_eq!(button(&ui, "上一页候选").accessible_enabled(), Some(true));
    tap(&ui, "上一页候选");
    assert_eq!(candidates(&ui), first);
}

#[test]
fn the_letters_layout_types_letters_and_digits_as_they_are() {
    let ui = search_screen();
    type_keys(&ui, "ll");
    tap(&ui, "英文数字");
    assert_eq!(keyboard(&ui).get_layout(), KeyboardLayout::Letters);
    assert_eq!(query(&ui), "ll", "letters composing go into the field on switching");
    for key in ["0", "0", "0", "1"] {
        tap(&ui, key);
    }
    assert_eq!(query(&ui), "ll0001");
    assert!(candidates(&ui).is_empty());
    tap(&ui, "中文");
    assert_eq!(keyboard(&ui).get_layout(), KeyboardLayout::Pinyin);
    assert!(!shows(&ui, "0"), "no digit keys in the pinyin layout");
}

#[test]
fn the_numeric_keypad_enters_a_phone_number() {
    let ui = search_screen();
    tap(&ui, "数字键盘");
    assert_eq!(keyboard(&ui).get_layout(), KeyboardLayout::Numeric);
    assert!(!shows(&ui, "Q"), "the keypad has digits only");
    type_keys(&ui, "13800138000");
    assert_eq!(query(&ui), "13800138000");
    tap(&ui, "删除");
    assert_eq!(query(&ui), "1380013800");
    tap(&ui, "0");
    assert_eq!(query(&ui), "13800138000");
}

#[test]
fn a_numeric_field_takes_the_keypad_without_layout_keys() {
    let ui = search_screen();
    // A form's phone field asks for the keyboard (the way later forms will).
    keyboard(&ui).invoke_focus("phone".into(), KeyboardLayout::Numeric);
    assert_eq!(keyboard(&ui).get_target(), "phone");
    assert!(!shows(&ui, "中文") && !shows(&ui, "英文数字"), "a phone field cannot switch to letters");
    type_keys(&ui, "13912345678");
    assert_eq!(keyboard(&ui).get_text(), "13912345678");
    assert_eq!(query(&ui), "", "the search field is untouched");
    tap(&ui, "清空");
    assert_eq!(keyboard(&ui).get_text(), "");
}

#[test]
fn going_home_drops_what_was_composing() {
    let ui = search_screen();
    type_keys(&ui, "lao");
    tap(&ui, "首页");
    tap(&ui, "办事指南");
    tap(&ui, "搜索事项");
    assert_eq!(keyboard(&ui).get_composing(), "");
    assert_eq!(query(&ui), "");
    assert_eq!(keyboard(&ui).get_layout(), KeyboardLayout::Pinyin);
}
