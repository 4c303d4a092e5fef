//! 打印材料清单: the checklist comes out of the (simulated) printer; when it cannot print, the same
//! slip with its QR is on screen, and printing can be tried again.

use std::time::Duration;

use crate::common::*;
use kiosk::devices::printer::{PaperImage, SimMode};
use kiosk::{AppState, GuideState, PrintState, Screen};
use slint::ComponentHandle;

const LIMIT: Duration = Duration::from_secs(10);

fn decode_qr(image: &PaperImage) -> Vec<String> {
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(image.width as usize, image.height as usize, |x, y| {
        image.pixels[y * image.width as usize + x]
    });
    img.detect_grids().into_iter().filter_map(|g| g.decode().ok().map(|(_, text)| text)).collect()
}

fn open_senior_card_guide(ui: &kiosk::ui::KioskUi) {
    tap(ui, "办事指南");
    tap(ui, "老年人");
    tap(ui, "老年人优待证办理（年审）");
    assert_eq!(ui.window().global::<AppState>().get_screen(), Screen::Detail);
}

#[test]
fn the_checklist_is_printed_with_the_guides_address_as_qr() {
    let ui = kiosk_with_devices(&demo_config());
    open_senior_card_guide(&ui);
    let url = "https://zwfw.example.gov.cn/guide/LL0001";
    tap(&ui, "打印材料清单");
    assert_eq!(ui.window().global::<AppState>().get_screen(), Screen::Slip);
    assert!(wait_until(&ui, LIMIT, |ui| !ui.window().global::<PrintState>().get_printing()), "printing finished");
    assert!(shows(&ui, "已打印，请从出纸口取走。"), "{}", ui.window().global::<PrintState>().get_message());
    let jobs = ui.devices().printer.as_ref().unwrap().simulator().unwrap().jobs();
    assert_eq!(jobs.len(), 1);
    assert_eq!(decode_qr(&jobs[0].image), vec![url.to_string()], "the printed QR carries the guide's address");
    assert!(shows(&ui, "二维码"), "the slip with its QR is also on screen");
}

#[test]
fn paper_out_shows_the_slip_on_screen_and_printing_again_works() {
    let ui = kiosk_with_devices(&demo_config());
    ui.devices().printer.as_ref().unwrap().simulator().unwrap().set_mode(SimMode::PaperOut);
    open_senior_card_guide(&ui);
    tap(&ui, "打印材料清单");
    assert!(wait_until(&ui, LIMIT, |ui| ui.window().global::<PrintState>().get_failed()), "the job failed");
    let message = ui.window().global::<PrintState>().get_message();
    assert!(message.contains("缺纸") && message.contains("二维码"), "{message}");
    assert!(shows(&ui, &message), "the message is in the accessibility tree");
    assert!(shows(&ui, "二维码"), "the QR is on screen to photograph");
    assert!(label_containing(&ui, "居民身份证").is_some(), "the materials are on screen");
    let sim_jobs = ui.devices().printer.as_ref().unwrap().simulator().unwrap().jobs().len();
    assert_eq!(sim_jobs, 0, "nothing was printed");

    ui.devices().printer.as_ref().unwrap().simulator().unwrap().set_mode(SimMode::Normal);
    tap(&ui, "再试一次打印");
    assert!(wait_until(&ui, LIMIT, |ui| shows(ui, "已打印，请从出纸口取走。")), "printed on the second try");
    assert_eq!(ui.devices().printer.as_ref().unwrap().simulator().unwrap().jobs().len(), 1);
    assert_eq!(ui.window().global::<GuideState>().get_detail().code, "LL0001");
}
