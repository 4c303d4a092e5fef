//! Applications end to end over simulated devices on pseudo-terminals: the senior-card fast path, a
//! form with mistakes corrected, not eligible, paper out with reprint, progress query and 好差评.

use std::time::Duration;

use crate::common::*;
use kiosk::devices::printer::{PaperImage, SimMode};
use kiosk::store::outbox::OutboxState;
use kiosk::ui::KioskUi;
use kiosk::{AppState, ApplyState, ApplyStep, Screen};
use slint::ComponentHandle;

const LIMIT: Duration = Duration::from_secs(10);

fn decode_qr(image: &PaperImage) -> Vec<String> {
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(image.width as usize, image.height as usize, |x, y| {
        image.pixels[y * image.width as usize + x]
    });
    img.detect_grids().into_iter().filter_map(|g| g.decode().ok().map(|(_, text)| text)).collect()
}

/// Counts the resident's taps.
struct Taps<'a> {
    ui: &'a KioskUi,
    count: u32,
}

impl Taps<'_> {
    fn tap(&mut self, label: &str) {
        tap(self.ui, label);
        self.count += 1;
    }
}

fn place(ui: &KioskUi, card_label: &str) {
    tap(ui, &format!("模拟刷卡：{card_label}"));
}

#[test]
fn senior_card_renewal_reaches_a_printed_slip_in_at_most_three_taps_after_the_card() {
    let ui = kiosk_with_devices(&demo_config());
    tap(&ui, "老年优待证");
    place(&ui, "老年居民");
    assert!(wait_until(&ui, LIMIT, |ui| apply_step(ui) == ApplyStep::Review), "confirmation right after the card");
    assert!(label_containing(&ui, "60周岁以上").is_some(), "the tier that applies is shown");
    let mut taps = Taps { ui: &ui, count: 0 };
    taps.tap("同意并提交");
    assert_eq!(apply_step(&ui), ApplyStep::Done, "已提交 once the outbox has it");
    assert!(shows(&ui, "已提交"));
    assert!(wait_until(&ui, LIMIT, |ui| shows(ui, "回执已打印，请从出纸口取走。")), "the slip was printed");
    taps.tap("非常满意");
    assert!(taps.count <= 3, "{} taps after the card", taps.count);
    assert_eq!(apply_step(&ui), ApplyStep::Thanks);

    let store = ui.store();
    let apps = store.as_ref().unwrap().applications().unwrap();
    assert_eq!(apps.len(), 1);
    let app = &apps[0];
    assert_eq!(app.item_code, "LL0001");
    assert_eq!(app.state, OutboxState::Queued);
    assert!(app.slip_printed);
    assert!(app.acceptance_no.starts_with("SF-QST-01-"), "{}", app.acceptance_no);
    let (rating, terminal) = store.as_ref().unwrap().rating_of(app.id).unwrap().expect("rating stored");
    assert_eq!((rating.score, terminal.as_str()), (5, "SF-QST-01"));
    let jobs = ui.devices().printer.as_ref().unwrap().simulator().unwrap().jobs();
    assert_eq!(jobs.len(), 1);
    assert_eq!(decode_qr(&jobs[0].image), vec![format!("https://zwfw.example.gov.cn/p/{}", app.token)]);
    assert!(jobs[0].text_lines.iter().any(|l| l.contains(&app.acceptance_no)), "{:?}", jobs[0].text_lines);
    assert!(!jobs[0].text_lines.iter().any(|l| l.contains("张演英")), "the slip masks the name");
}

#[test]
fn a_45_year_old_is_told_the_senior_card_is_not_yet_for_them() {
    let ui = kiosk_with_devices(&demo_config());
    tap(&ui, "老年优待证");
    place(&ui, "青年居民");
    assert!(wait_until(&ui, LIMIT, |ui| apply_step(ui) == ApplyStep::NotEligible));
    let message = ui.window().global::<ApplyState>().get_message();
    assert!(message.contains("年满60周岁") && message.contains("暂不符合条件"), "{message}");
    assert!(shows(&ui, &message), "the reason is in the accessibility tree");
    assert!(ui.store().as_ref().unwrap().applications().unwrap().is_empty());
}

#[test]
fn temporary_assistance_form_with_mistakes_corrected() {
    let ui = kiosk_with_devices(&demo_config());
    tap(&ui, "我要办理");
    tap(&ui, "临时救助申请");
    assert_eq!(apply_step(&ui), ApplyStep::Consent, "consent before the card is read");
    tap(&ui, "同意");
    place(&ui, "青年居民");
    assert!(wait_until(&ui, LIMIT, |ui| apply_step(ui) == ApplyStep::Form));
    // The holder of the younger sample card is 李演明.
    assert!(shows(&ui, "李*明"), "the card's fields are shown locked, the name masked");
    assert!(label_containing(&ui, "李演明").is_none(), "never the full name");

    tap(&ui, "下一步");
    assert_eq!(apply_step(&ui), ApplyStep::Form, "an empty form does not go on");
    let summary = label_containing(&ui, "请修改以下").expect("the problems are listed at the top");
    assert!(summary.contains("请填写联系电话。"), "each error says what to fix: {summary}");

    tap(&ui, "遇到的困难：突发重大疾病");
    // The phone on the numeric keypad, first with a digit missing.
    text_field(&ui, "联系电话").invoke_accessible_default_action();
    for d in "1380733123".chars() {
        tap(&ui, &d.to_string());
    }
    tap(&ui, "完成");
    let set = |label: &str, value: &str| text_field(&ui, label).set_accessible_value(value);
    set("急需救助金额", "0");
    set("家庭共同生活人口", "3");
    tap(&ui, "下一步");
    assert_eq!(apply_step(&ui), ApplyStep::Form);
    assert!(label_containing(&ui, "11位").is_some(), "the short phone number is explained");
    assert!(label_containing(&ui, "不能少于1元").is_some(), "the zero amount is explained");

    text_field(&ui, "联系电话").invoke_accessible_default_action();
    tap(&ui, "4");
    tap(&ui, "完成");
    set("急需救助金额", "5000");
    tap(&ui, "下一步");
    assert_eq!(apply_step(&ui), ApplyStep::Review);
    assert!(shows(&ui, "13807331234"));
    assert!(shows(&ui, "5000元"));
    tap(&ui, "确认提交");
    assert_eq!(apply_step(&ui), ApplyStep::Done);
    assert!(wait_until(&ui, LIMIT, |ui| !ui.window().global::<ApplyState>().get_printing()));
    let apps = ui.store().as_ref().unwrap().outgoing(10).unwrap();
    assert_eq!(apps.len(), 1);
    assert_eq!(apps[0].form.get("phone").map(String::as_str), Some("13807331234"));
    assert_eq!(apps[0].form.get("amount").map(String::as_str), Some("5000"));
    assert_eq!(apps[0].form.get("reason").map(String::as_str), Some("突发重大疾病"));
    tap(&ui, "跳过评价");
    assert_eq!(apply_step(&ui), ApplyStep::Thanks);
}

#[test]
fn paper_out_shows_the_slip_keeps_the_application_and_reprint_works_later() {
    let ui = kiosk_with_devices(&demo_config());
    ui.devices().printer.as_ref().unwrap().simulator().unwrap().set_mode(SimMode::PaperOut);
    tap(&ui, "老年优待证");
    place(&ui, "老年居民");
    assert!(wait_until(&ui, LIMIT, |ui| apply_step(ui) == ApplyStep::Review));
    tap(&ui, "同意并提交");
    assert!(wait_until(&ui, LIMIT, |ui| ui.window().global::<ApplyState>().get_print_failed()));
    let message = ui.window().global::<ApplyState>().get_print_message();
    assert!(message.contains("缺纸") && message.contains("您的申请已保存"), "{message}");
    assert!(page_down_until(&ui, "二维码"), "the slip's QR is on screen to photograph");
    let app = ui.store().as_ref().unwrap().applications().unwrap().remove(0);
    assert_eq!(app.state, OutboxState::Queued, "the application is kept");
    assert!(!app.slip_printed);

    // Later: paper refilled; the resident (or staff) reprints from the progress query.
    ui.devices().printer.as_ref().unwrap().simulator().unwrap().set_mode(SimMode::Normal);
    tap(&ui, "首页");
    tap(&ui, "进度查询");
    tap(&ui, "模拟刷卡：老年居民");
    assert!(wait_until(&ui, LIMIT, |ui| label_containing(ui, "找到 1 条办理记录").is_some()), "found by card");
    tap(&ui, &format!("补打回执：{}", app.acceptance_no));
    assert!(wait_until(&ui, LIMIT, |ui| shows(ui, "已打印，请从出纸口取走。")), "reprinted");
    assert!(ui.store().as_ref().unwrap().applications().unwrap()[0].slip_printed);
}

#[test]
fn progress_query_by_scanned_qr_shows_the_state_in_plain_words() {
    let ui = kiosk_with_devices(&demo_config());
    tap(&ui, "老年优待证");
    place(&ui, "老年居民");
    assert!(wait_until(&ui, LIMIT, |ui| apply_step(ui) == ApplyStep::Review));
    tap(&ui, "同意并提交");
    assert!(wait_until(&ui, LIMIT, |ui| !ui.window().global::<ApplyState>().get_printing()));
    tap(&ui, "首页");
    let token = ui.store().as_ref().unwrap().applications().unwrap()[0].token.clone();
    tap(&ui, "进度查询");
    assert_eq!(ui.window().global::<AppState>().get_screen(), Screen::Progress);
    tap(&ui, "模拟扫码（最近的回执）");
    assert!(wait_until(&ui, LIMIT, |ui| shows(ui, "已受理，等待上传")), "the scan finds it; queued is explained");
    assert!(label_containing(&ui, "会自动上传").is_some());
    let acceptance_no = ui.store().as_ref().unwrap().application_by_token(&token).unwrap().unwrap().acceptance_no;
    assert!(shows(&ui, &format!("补打回执：{acceptance_no}")), "the scanned slip's application is listed");
}

/// A session in English: what the resident reads comes in English, the slip's own lines too, and what
/// is stored stays as before (the official item name). Driven through the globals and the simulated
/// reader, not by labels: the labels' language is the Slint translation's business.
#[test]
fn an_english_session_reads_english_messages_and_gets_an_english_slip() {
    let mut config = demo_config();
    config.ui.language = kiosk::Lang::En;
    let ui = kiosk_with_devices(&config);
    ui.window().global::<AppState>().invoke_open_screen(Screen::Identify);
    ui.devices().place_sample("elderly");
    assert!(wait_until(&ui, LIMIT, |ui| apply_step(ui) == ApplyStep::Review), "confirmation right after the card");
    assert!(shows(&ui, "Resident Identity Card"), "the card's rows in English");
    ui.window().global::<ApplyState>().invoke_confirm();
    assert_eq!(apply_step(&ui), ApplyStep::Done);
    let printed = "Your receipt has been printed. Please take it from the paper slot.";
    assert!(
        wait_until(&ui, LIMIT, |ui| shows(ui, printed)),
        "{}",
        ui.window().global::<ApplyState>().get_print_message()
    );

    let app = ui.store().as_ref().unwrap().applications().unwrap().remove(0);
    assert_eq!(app.item_name, "老年人优待证办理（年审）", "stored under its official name");
    let job = ui.store().as_ref().unwrap().print_job_of(app.id).unwrap().unwrap();
    assert_eq!(job.slip.lang, kiosk::Lang::En, "a reprint comes out in English too");
    let jobs = ui.devices().printer.as_ref().unwrap().simulator().unwrap().jobs();
    let lines = &jobs[0].text_lines;
    assert!(lines.iter().any(|l| l.contains("Receipt")), "{lines:?}");
    assert!(lines.iter().any(|l| l.contains("Ref. no.:") && l.contains(&app.acceptance_no)), "{lines:?}");
    assert!(lines.iter().any(|l| l.contains("老年人优待证办理")), "the official name stays Chinese: {lines:?}");
    assert!(!lines.iter().any(|l| l.contains("受理编号") || l.contains("取件码")), "{lines:?}");
    assert!(!lines.iter().any(|l| l.contains("张演英")), "the slip masks the name");
}
