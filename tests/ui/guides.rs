//! A resident finds out how to get a service item done: search, browse by theme, read the guide.

use crate::common::*;
use kiosk::{AppState, GuideState, Screen};
use slint::{ComponentHandle, Model};

#[test]
fn search_by_initials_then_open_the_first_result_shows_its_materials() {
    let ui = kiosk();
    tap(&ui, "办事指南");
    assert_eq!(ui.window().global::<AppState>().get_screen(), Screen::Guides);
    tap(&ui, "搜索事项");
    for key in ["L", "D", "Y", "D"] {
        tap(&ui, key);
    }
    assert_eq!(ui.window().global::<GuideState>().get_query(), "ldyd");
    let results: Vec<String> = button_labels(&ui).into_iter().filter(|l| l.contains("优待证")).collect();
    let first = results.first().expect("a result for ldyd");
    assert!(first.contains("老年人优待证"), "first result: {first}");
    tap(&ui, first);
    assert_eq!(ui.window().global::<AppState>().get_screen(), Screen::Detail);
    assert!(shows(&ui, "申请材料"), "the detail screen shows a 申请材料 section");
    assert!(ui.window().global::<GuideState>().get_detail().name.contains("老年人优待证"));
    let id_card = label_containing(&ui, "居民身份证").expect("the ID card is listed among the materials");
    assert!(id_card.contains("原件"), "{id_card}");
    assert!(shows(&ui, "返回") && shows(&ui, "首页"));
}

#[test]
fn the_search_updates_with_every_key_and_says_when_nothing_matches() {
    let ui = kiosk();
    tap(&ui, "办事指南");
    tap(&ui, "搜索事项");
    tap(&ui, "L");
    let after_one = ui.window().global::<GuideState>().get_results().iter().count();
    assert!(after_one > 1, "one letter already lists items");
    tap(&ui, "N");
    tap(&ui, "R");
    let after_three = ui.window().global::<GuideState>().get_results().iter().count();
    assert!(after_three >= 1 && after_three < after_one, "{after_three} < {after_one}");
    for _ in 0..3 {
        tap(&ui, "Q");
    }
    assert_eq!(ui.window().global::<GuideState>().get_results().iter().count(), 0);
    let message = ui.window().global::<GuideState>().get_search_message();
    assert!(message.contains("没有找到"), "{message}");
    assert!(shows(&ui, &message), "the message is in the accessibility tree");
    tap(&ui, "删除");
    assert_eq!(ui.window().global::<GuideState>().get_query(), "lnrqq");
    tap(&ui, "清空");
    assert_eq!(ui.window().global::<GuideState>().get_query(), "");
}

#[test]
fn browse_a_theme_category_to_an_item() {
    let ui = kiosk();
    tap(&ui, "办事指南");
    tap(&ui, "老年人");
    assert_eq!(ui.window().global::<AppState>().get_screen(), Screen::Category);
    assert_eq!(ui.window().global::<GuideState>().get_category_name(), "老年人");
    let items = ui.window().global::<GuideState>().get_category_items();
    let first = slint::Model::row_data(&items, 0).expect("the 老年人 theme lists items");
    tap(&ui, &first.name);
    assert_eq!(ui.window().global::<AppState>().get_screen(), Screen::Detail);
    assert_eq!(ui.window().global::<GuideState>().get_detail().code, first.code);
    assert!(page_down_until(&ui, "办理地点"), "paging down reaches 办理地点");
    // 返回 goes back to the category, 首页 home.
    tap(&ui, "返回");
    assert_eq!(ui.window().global::<AppState>().get_screen(), Screen::Category);
    tap(&ui, "首页");
    assert_eq!(ui.window().global::<AppState>().get_screen(), Screen::Home);
}

#[test]
fn the_grid_worker_tile_opens_find_my_grid_worker() {
    let ui = kiosk();
    tap(&ui, "找网格员");
    assert_eq!(ui.window().global::<AppState>().get_screen(), Screen::Grid);
    assert!(shows(&ui, "请将身份证放在感应区"));
    tap(&ui, "首页");
    assert_eq!(ui.window().global::<AppState>().get_screen(), Screen::Home);
}
