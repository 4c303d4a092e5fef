//! The elder-first theme: sizes, contrast, and labels that a screen reader can speak.

use crate::common::*;
use i_slint_backend_testing::{AccessibleRole, ElementRoot};
use kiosk::Theme;
use slint::{Color, ComponentHandle};

/// WCAG relative luminance.
fn luminance(c: Color) -> f64 {
    let ch = |v: u8| {
        let v = v as f64 / 255.0;
        if v <= 0.03928 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * ch(c.red()) + 0.7152 * ch(c.green()) + 0.0722 * ch(c.blue())
}

fn contrast(a: Color, b: Color) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

#[test]
fn every_text_colour_pair_reaches_seven_to_one() {
    let ui = kiosk();
    let t = ui.window().global::<Theme>();
    let pairs = [
        ("text on background", t.get_text(), t.get_background()),
        ("text on surface", t.get_text(), t.get_surface()),
        ("muted text on background", t.get_text_muted(), t.get_background()),
        ("muted text on surface", t.get_text_muted(), t.get_surface()),
        ("on-primary on primary", t.get_on_primary(), t.get_primary()),
        ("on-primary on pressed", t.get_on_primary(), t.get_pressed()),
        ("on-primary on senior", t.get_on_primary(), t.get_senior()),
        ("on-primary on danger", t.get_on_primary(), t.get_danger()),
        ("primary headings on background", t.get_primary(), t.get_background()),
        ("disabled text", t.get_disabled_text(), t.get_disabled_bg()),
        ("warning text", t.get_warning_text(), t.get_warning_bg()),
        ("text on a pressed row", t.get_text(), t.get_warning_bg()),
        ("the hours on the dimmed closed screen", t.get_dim_text(), t.get_dim_background()),
        ("muted text on the dimmed closed screen", t.get_dim_text_muted(), t.get_dim_background()),
    ];
    for (what, fg, bg) in pairs {
        let ratio = contrast(fg, bg);
        assert!(ratio >= 7.0, "{what}: contrast {ratio:.2}:1 is below 7:1");
    }
}

#[test]
fn elder_mode_is_the_default_with_large_type_and_targets() {
    let ui = kiosk();
    let t = ui.window().global::<Theme>();
    assert!(t.get_elder());
    assert!(t.get_font_body() >= 28.0, "body {}", t.get_font_body());
    assert!(t.get_font_small() >= 28.0, "small {}", t.get_font_small());
    assert!(t.get_font_heading() >= 48.0, "heading {}", t.get_font_heading());
    assert!(t.get_touch_min() >= 96.0);
    tap(&ui, "切换到标准版（字体较小）");
    assert!(!t.get_elder());
    assert!(t.get_font_body() < 28.0, "standard mode is smaller");
    assert!(t.get_touch_min() >= 96.0, "but targets stay large");
    tap(&ui, "切换到长辈版（大字）");
    assert!(t.get_elder());
}

/// Every button on the screens a resident reaches is labelled in Chinese (or is a key cap, or the
/// English button, which is for those who do not read Chinese) and is at least 96 px tall.
#[test]
fn every_button_is_labelled_and_large_enough() {
    let ui = kiosk();
    let visit = |where_: &str| {
        layout(&ui);
        let buttons =
            ui.window().root_element().query_descendants().match_accessible_role(AccessibleRole::Button).find_all();
        assert!(!buttons.is_empty(), "{where_}: no buttons");
        for b in buttons {
            let label = b.accessible_label().unwrap_or_default();
            let is_key = label.chars().count() == 1 && label.chars().all(|c| c.is_ascii_alphanumeric());
            assert!(
                is_key || label == "English" || label.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{where_}: button labelled {label:?} has no Chinese label"
            );
            assert!(b.size().height >= 96.0, "{where_}: button {label:?} is only {} px tall", b.size().height);
        }
    };
    visit("home");
    tap(&ui, "办事指南");
    visit("guides");
    tap(&ui, "老年人");
    visit("category");
    tap(&ui, "首页");
    tap(&ui, "办事指南");
    tap(&ui, "搜索事项");
    tap(&ui, "L");
    visit("search");
}

/// Landscape terminals (1920×1080): the search screen puts the keyboard beside the results, so
/// nothing (返回, 首页, the keys) falls off the bottom.
#[test]
fn the_search_screen_fits_a_landscape_terminal() {
    let mut config = demo_config();
    config.screen.orientation = kiosk::config::Orientation::Landscape;
    let ui = kiosk_with(&config, kiosk::ui::Devices::none());
    ui.window().window().set_size(slint::LogicalSize::new(1920.0, 1080.0));
    tap(&ui, "办事指南");
    tap(&ui, "搜索事项");
    layout(&ui);
    let buttons =
        ui.window().root_element().query_descendants().match_accessible_role(AccessibleRole::Button).find_all();
    assert!(buttons.len() > 30, "keys and navigation are on screen");
    for b in buttons {
        let bottom = b.absolute_position().y + b.size().height;
        assert!(bottom <= 1080.0, "{:?} ends at {bottom} px, below the screen", b.accessible_label());
    }
}
