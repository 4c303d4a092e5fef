//! 找网格员 and 代办 over simulated devices: a card finds the grid worker; a card without a matching
//! address (or no card) chooses from lists; the contact QR is a vCard a phone saves; a 代办 request is
//! queued in the outbox as `proxy_request` and its slip names the grid worker.

use std::time::Duration;

use crate::common::*;
use kiosk::store::outbox::{Kind, OutboxState};
use kiosk::ui::KioskUi;
use kiosk::{AppState, GridState, GridStep, Screen};
use slint::{ComponentHandle, Model};

const LIMIT: Duration = Duration::from_secs(10);

fn step(ui: &KioskUi) -> GridStep {
    ui.window().global::<GridState>().get_step()
}

fn find_by_card(ui: &KioskUi, card_label: &str) {
    tap(ui, "找网格员");
    assert_eq!(ui.window().global::<AppState>().get_screen(), Screen::Grid);
    tap(ui, &format!("模拟刷卡：{card_label}"));
}

/// The QR codes in a screen image.
fn decode(image: &slint::Image) -> Vec<String> {
    let buf = image.to_rgb8().expect("the QR is an RGB image");
    let (w, h) = (buf.width() as usize, buf.height() as usize);
    let px = buf.as_slice();
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| px[y * w + x].r);
    img.detect_grids().into_iter().filter_map(|g| g.decode().ok().map(|(_, text)| text)).collect()
}

#[test]
fn the_elderly_residents_card_shows_her_grid_worker() {
    let ui = kiosk_with_devices(&demo_config());
    find_by_card(&ui, "老年居民");
    assert!(wait_until(&ui, LIMIT, |ui| step(ui) == GridStep::Result), "the card's address found a grid");
    assert!(shows(&ui, "网格员 刘演芳"), "the worker's name is shown");
    assert!(shows(&ui, "电话 13807310102"), "the phone is shown (large)");
    assert!(label_containing(&ui, "华垅社区 第2网格").is_some());
    assert!(page_down_until(&ui, "华垅社区第2网格居民群"), "the WeChat group is shown");
    assert!(label_containing(&ui, "张演英").is_none(), "nothing of the card is on screen");
}

#[test]
fn the_contact_qr_is_a_vcard_with_the_workers_name_and_phone() {
    let ui = kiosk_with_devices(&demo_config());
    find_by_card(&ui, "港澳台居民");
    assert!(wait_until(&ui, LIMIT, |ui| step(ui) == GridStep::Result));
    let workers = ui.window().global::<GridState>().get_workers();
    assert_eq!(workers.row_count(), 2, "grid 3 has two workers, each with a QR");
    assert!(shows(&ui, "二维码：用手机扫一扫，保存网格员周演军的联系方式"));
    for (name, phone) in [("周演军", "13807310103"), ("谭演红", "13807310113")] {
        let w = workers.iter().find(|w| w.name == name).expect("worker listed");
        let texts = decode(&w.qr);
        assert_eq!(texts.len(), 1, "one QR per worker");
        let card = &texts[0];
        assert!(card.starts_with("BEGIN:VCARD\r\nVERSION:3.0\r\n"), "{card}");
        assert!(card.contains(&format!("\r\nFN:{name}\r\n")), "{card}");
        assert!(card.contains(&format!("\r\nTEL;TYPE=CELL:{phone}\r\n")), "{card}");
        assert!(card.ends_with("END:VCARD"), "{card}");
    }
}

#[test]
fn a_card_without_a_matching_address_leads_to_the_lists() {
    let ui = kiosk_with_devices(&demo_config());
    // A foreign permanent resident card has no address.
    find_by_card(&ui, "外籍永久居留");
    assert!(wait_until(&ui, LIMIT, |ui| step(ui) == GridStep::Choose), "no match offers the lists");
    let message = ui.window().global::<GridState>().get_message();
    assert!(message.contains("没有自动找到") && message.contains("请按地址选择"), "{message}");
    assert!(shows(&ui, &message), "the reason is in the accessibility tree");
    tap(&ui, "清水塘街道 华垅社区");
    tap(&ui, "华垅新村（华垅小区）");
    assert!(shows(&ui, "请选择门牌号或楼栋"));
    tap(&ui, "华垅新村（华垅小区） 9-16栋");
    assert_eq!(step(&ui), GridStep::Result);
    assert!(shows(&ui, "网格员 彭演玲"));
    // 返回 goes back to the start, not past it.
    tap(&ui, "返回");
    assert_eq!(step(&ui), GridStep::Find);
    assert_eq!(ui.window().global::<AppState>().get_screen(), Screen::Grid);
}

#[test]
fn without_a_card_the_lists_find_the_worker() {
    let ui = kiosk_with_devices(&demo_config());
    tap(&ui, "找网格员");
    tap(&ui, "不刷卡，按地址选择");
    assert!(shows(&ui, "请选择您所在的社区"));
    tap(&ui, "响石岭街道 新建村社区");
    tap(&ui, "演示路");
    tap(&ui, "演示路2-40号（双号）");
    assert_eq!(step(&ui), GridStep::Result);
    assert!(shows(&ui, "网格员 黄演洁"));
    // A place with one grid goes straight to it.
    tap(&ui, "重新查找");
    tap(&ui, "不刷卡，按地址选择");
    tap(&ui, "清水塘街道 华垅社区");
    tap(&ui, "华垅花园");
    assert_eq!(step(&ui), GridStep::Result);
    assert!(shows(&ui, "网格员 彭演玲"));
}

#[test]
fn a_proxy_request_is_queued_and_its_slip_names_the_grid_worker() {
    let ui = kiosk_with_devices(&demo_config());
    find_by_card(&ui, "老年居民");
    assert!(wait_until(&ui, LIMIT, |ui| step(ui) == GridStep::Result));
    tap(&ui, "请网格员帮我办");
    assert_eq!(step(&ui), GridStep::Matter, "the card already identified her");
    assert!(page_down_until(&ui, "其他事项"));
    tap(&ui, "其他事项");
    assert_eq!(step(&ui), GridStep::Form);

    tap(&ui, "提交代办请求");
    let message = ui.window().global::<GridState>().get_message();
    assert!(message.contains("请修改以下2处") && message.contains("11位手机号码"), "{message}");

    text_field(&ui, "回电电话").invoke_accessible_default_action();
    for d in "13807331234".chars() {
        tap(&ui, &d.to_string());
    }
    tap(&ui, "完成");
    tap(&ui, "联系时间：下午");
    tap(&ui, "提交代办请求");
    assert_eq!(step(&ui), GridStep::Done, "{}", ui.window().global::<GridState>().get_message());
    let acceptance_no = ui.window().global::<GridState>().get_acceptance_no().to_string();
    assert!(shows(&ui, &acceptance_no), "the request number is on screen");
    assert!(wait_until(&ui, LIMIT, |ui| shows(ui, "已打印，请从出纸口取走。")), "the slip was printed");

    let store = ui.store();
    let out = store.as_ref().unwrap().outgoing(10).unwrap();
    assert_eq!(out.len(), 1);
    let r = &out[0];
    assert_eq!(r.stored.kind, Kind::ProxyRequest);
    assert_eq!(r.stored.state, OutboxState::Queued);
    assert_eq!(r.stored.item_code, "OTHER");
    assert!(r.stored.slip_printed);
    assert_eq!(r.form.get("phone").map(String::as_str), Some("13807331234"));
    assert_eq!(r.form.get("time").map(String::as_str), Some("下午"));
    assert_eq!(r.form.get("grid_street").map(String::as_str), Some("清水塘街道"));
    assert_eq!(r.form.get("grid_community").map(String::as_str), Some("华垅社区"));
    assert_eq!(r.form.get("grid_number").map(String::as_str), Some("第2网格"));
    let jobs = ui.devices().printer.as_ref().unwrap().simulator().unwrap().jobs();
    assert_eq!(jobs.len(), 1);
    let text = jobs[0].text_lines.join("\n");
    assert!(text.contains("13807310102"), "the slip has the worker's phone: {text}");
    assert!(text.contains(&acceptance_no), "and the request number: {text}");
    assert!(!text.contains("张演英"), "the resident's name is masked: {text}");
    drop(store);

    tap(&ui, "完成");
    assert_eq!(ui.window().global::<AppState>().get_screen(), Screen::Home);
}

/// From the result screen: 请网格员帮我办 → 其他事项 → callback phone → time → submit.
fn ask_for_help_with_another_matter(ui: &KioskUi, phone: &str, time: &str) {
    fill_request(ui, phone, time);
    tap(ui, "提交代办请求");
    assert_eq!(step(ui), GridStep::Done, "{}", ui.window().global::<GridState>().get_message());
}

#[test]
fn a_proxy_request_reaches_the_hub_exactly_once() {
    use crate::sync_support::{config, HubSettings, TestHub, TERMINAL};
    let hub = TestHub::start();
    let token = hub.add_terminal(TERMINAL);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("kiosk.sqlite3");
    let ui = kiosk_with_devices(&demo_config());
    ui.attach_store(kiosk::store::Store::open(&db).unwrap());
    find_by_card(&ui, "老年居民");
    assert!(wait_until(&ui, LIMIT, |ui| step(ui) == GridStep::Result));
    ask_for_help_with_another_matter(&ui, "13807331234", "上午");
    let acceptance_no = ui.window().global::<GridState>().get_acceptance_no().to_string();
    assert!(wait_until(&ui, LIMIT, |ui| shows(ui, "已打印，请从出纸口取走。")));

    let cfg = config(HubSettings { url: Some(hub.url()), token: &token, ..Default::default() });
    let sync = kiosk::sync::SyncWorker::start(&cfg, &db, kiosk::sync::HealthReport::shared());
    crate::sync_support::wait_until("the request is at the hub", LIMIT, || hub.count_by_key().len() == 1);
    crate::sync_support::wait_until("the outbox is empty", LIMIT, || sync.status().outbox_depth == 0);
    sync.kick();
    crate::sync_support::wait_until("another round went by", LIMIT, || sync.status().last_success.is_some());
    let counts = hub.count_by_key();
    assert!(counts.len() == 1 && counts.values().all(|&n| n == 1), "exactly once: {counts:?}");
    sync.stop();

    // What staff see with `kiosk-hub applications list --kind proxy_request --json`.
    let listed = kiosk_hub::cli::applications_list(&hub.store, true, Some("proxy_request"), None).unwrap();
    let rows: Vec<serde_json::Value> = serde_json::from_str(&listed).unwrap();
    assert_eq!(rows.len(), 1, "{listed}");
    assert_eq!(rows[0]["acceptance_no"], acceptance_no.as_str());
    assert_eq!(rows[0]["kind"], "proxy_request");
    let text = kiosk_hub::cli::applications_list(&hub.store, false, Some("proxy_request"), None).unwrap();
    assert!(text.contains(&acceptance_no) && text.contains("proxy_request"), "{text}");
    let others = kiosk_hub::cli::applications_list(&hub.store, true, Some("application"), None).unwrap();
    assert_eq!(serde_json::from_str::<Vec<serde_json::Value>>(&others).unwrap().len(), 0);
    let stored = ui.store().as_ref().unwrap().application_by_acceptance_no(&acceptance_no).unwrap().unwrap();
    assert_eq!(stored.state, OutboxState::Synced);
    // Routed to the grid: the hub has the request's grid, not null.
    let db = rusqlite::Connection::open(hub.dir.path().join("hub.sqlite3")).unwrap();
    let grid: Option<String> =
        db.query_row("SELECT grid FROM applications WHERE acceptance_no = ?1", [&acceptance_no], |r| r.get(0)).unwrap();
    let grid: serde_json::Value = serde_json::from_str(&grid.expect("the hub has the grid")).unwrap();
    assert_eq!(grid["street"], "清水塘街道", "{grid}");
    assert!(grid["number"].as_str().is_some_and(|n| n.contains("网格")), "{grid}");
}

#[test]
fn a_guide_offers_asking_the_grid_worker_to_handle_it() {
    let ui = kiosk_with_devices(&demo_config());
    tap(&ui, "办事指南");
    tap(&ui, "老年人");
    tap(&ui, "老年人优待证办理（年审）");
    tap(&ui, "请网格员帮我办");
    assert_eq!(ui.window().global::<AppState>().get_screen(), Screen::Grid);
    assert_eq!(step(&ui), GridStep::Identify);
    assert!(label_containing(&ui, "老年人优待证办理（年审）").is_some(), "the matter is the guide's");
    tap(&ui, "模拟刷卡：青年居民");
    assert!(wait_until(&ui, LIMIT, |ui| step(ui) == GridStep::Form), "identified, grid found: the form");
    assert!(label_containing(&ui, "新建村社区 第2网格").is_some());
    text_field(&ui, "回电电话").invoke_accessible_default_action();
    for d in "13807339876".chars() {
        tap(&ui, &d.to_string());
    }
    tap(&ui, "完成");
    tap(&ui, "联系时间：晚上");
    tap(&ui, "提交代办请求");
    assert_eq!(step(&ui), GridStep::Done);
    assert!(wait_until(&ui, LIMIT, |ui| shows(ui, "已打印，请从出纸口取走。")));
    let out = ui.store().as_ref().unwrap().outgoing(10).unwrap();
    assert_eq!(out[0].stored.item_code, "LL0001");
    assert_eq!(out[0].stored.kind, Kind::ProxyRequest);
    assert_eq!(out[0].form.get("grid_number").map(String::as_str), Some("第2网格"));
    // 返回 from the end goes back to the guide; nothing of the request stays on the grid page.
    tap(&ui, "返回");
    assert_eq!(ui.window().global::<AppState>().get_screen(), Screen::Detail);
}

// ---- Defects found trying the kiosk as a new resident would (issue 12); each failed before its fix.

/// From the result screen: 请网格员帮我办 → 其他事项 → callback phone → time; the form is ready to submit.
fn fill_request(ui: &KioskUi, phone: &str, time: &str) {
    tap(ui, "请网格员帮我办");
    assert!(page_down_until(ui, "其他事项"));
    tap(ui, "其他事项");
    text_field(ui, "回电电话").invoke_accessible_default_action();
    for d in phone.chars() {
        tap(ui, &d.to_string());
    }
    tap(ui, "完成");
    tap(ui, &format!("联系时间：{time}"));
}

fn jobs_printed(ui: &KioskUi) -> Vec<kiosk::devices::printer::sim::PrintedJob> {
    ui.devices().printer.as_ref().unwrap().simulator().unwrap().jobs()
}

/// A press and release at a point of the window, as a finger does.
fn touch_at(ui: &KioskUi, position: slint::LogicalPosition) {
    use slint::platform::{PointerEventButton, WindowEvent};
    let window = ui.window().window();
    window.dispatch_event(WindowEvent::PointerMoved { position });
    window.dispatch_event(WindowEvent::PointerPressed { position, button: PointerEventButton::Left });
    i_slint_backend_testing::mock_elapsed_time(Duration::from_millis(50));
    window.dispatch_event(WindowEvent::PointerReleased { position, button: PointerEventButton::Left });
    window.dispatch_event(WindowEvent::PointerExited);
}

/// The centre of the button labelled `label`.
fn centre_of(ui: &KioskUi, label: &str) -> slint::LogicalPosition {
    let b = button(ui, label);
    let (p, s) = (b.absolute_position(), b.size());
    slint::LogicalPosition::new(p.x + s.width / 2.0, p.y + s.height / 2.0)
}

#[test]
fn a_double_tap_on_submit_sends_one_request_and_prints_one_slip() {
    let ui = kiosk_with_devices(&demo_config());
    find_by_card(&ui, "老年居民");
    assert!(wait_until(&ui, LIMIT, |ui| step(ui) == GridStep::Result));
    fill_request(&ui, "13807331234", "上午");
    let submit = button(&ui, "提交代办请求");
    submit.invoke_accessible_default_action();
    submit.invoke_accessible_default_action();
    assert_eq!(step(&ui), GridStep::Done);
    // However the taps arrive: the callback itself, once more.
    ui.window().global::<GridState>().invoke_submit();
    assert!(wait_until(&ui, LIMIT, |ui| shows(ui, "已打印，请从出纸口取走。")), "the slip was printed");
    // Time for a second slip to come out, were one on its way.
    assert!(!wait_until(&ui, Duration::from_secs(2), |ui| jobs_printed(ui).len() > 1), "one slip printed");
    assert_eq!(jobs_printed(&ui).len(), 1, "one slip printed");
    assert_eq!(ui.store().as_ref().unwrap().outgoing(10).unwrap().len(), 1, "one request in the outbox");
}

#[test]
fn a_quick_double_click_on_submit_does_not_leave_and_the_slip_is_recorded_printed() {
    let mut config = demo_config();
    // A slow line: the slip is still on its way when the resident taps 完成.
    config.printer.baud = 9_600;
    let ui = kiosk_with_devices(&config);
    ui.devices().printer.as_ref().unwrap().simulator().unwrap().set_pace(Some(960));
    find_by_card(&ui, "老年居民");
    assert!(wait_until(&ui, LIMIT, |ui| step(ui) == GridStep::Result));
    fill_request(&ui, "13807331234", "下午");

    // Two taps where 提交代办请求 is: the second must not land on a button that leaves.
    let at = centre_of(&ui, "提交代办请求");
    touch_at(&ui, at);
    layout(&ui);
    touch_at(&ui, at);
    assert_eq!(ui.window().global::<AppState>().get_screen(), Screen::Grid, "the second tap did not leave");
    assert_eq!(step(&ui), GridStep::Done);
    let acceptance_no = ui.window().global::<GridState>().get_acceptance_no().to_string();
    assert!(!acceptance_no.is_empty());
    assert!(label_containing(&ui, &acceptance_no).is_some(), "the request number is on screen");
    assert_eq!(ui.store().as_ref().unwrap().outgoing(10).unwrap().len(), 1, "one request");

    // 完成 while the slip prints: the terminal still records it printed.
    assert!(ui.window().global::<kiosk::Session>().get_busy(), "the slip is still printing");
    tap(&ui, "完成");
    assert_eq!(ui.window().global::<AppState>().get_screen(), Screen::Home);
    assert!(
        wait_until(&ui, Duration::from_secs(60), |ui| !ui.window().global::<kiosk::Session>().get_busy()),
        "the job ends"
    );
    assert_eq!(jobs_printed(&ui).len(), 1, "the slip came out");
    let app = ui.store().as_ref().unwrap().applications().unwrap().remove(0);
    assert_eq!(app.acceptance_no, acceptance_no);
    assert!(app.slip_printed, "recorded printed although the resident left before it finished");
}

#[test]
fn a_call_back_request_slip_promises_no_completion_date() {
    let ui = kiosk_with_devices(&demo_config());
    find_by_card(&ui, "老年居民");
    assert!(wait_until(&ui, LIMIT, |ui| step(ui) == GridStep::Result));
    fill_request(&ui, "13807331234", "上午");
    tap(&ui, "提交代办请求");
    assert!(wait_until(&ui, LIMIT, |ui| jobs_printed(ui).len() == 1), "the slip was printed");
    let text = jobs_printed(&ui)[0].text_lines.join("\n");
    assert!(!text.contains("承诺办结"), "a call-back request promises no completion: {text}");
    assert!(text.contains("回电日期"), "the slip says when the grid worker calls back: {text}");
    let app = ui.store().as_ref().unwrap().applications().unwrap().remove(0);
    assert_eq!(app.promised_date, None, "nothing is promised done by a date");
}

#[test]
fn the_identification_step_of_a_proxy_request_shows_the_readers_health() {
    use kiosk::devices::idcard::Fault;
    let ui = kiosk_with_devices(&demo_config());
    let message = |ui: &KioskUi| ui.window().global::<GridState>().get_message().to_string();
    let open_from_guide = |ui: &KioskUi| {
        tap(ui, "办事指南");
        tap(ui, "老年人");
        tap(ui, "老年人优待证办理（年审）");
        tap(ui, "请网格员帮我办");
        assert_eq!(step(ui), GridStep::Identify);
    };
    open_from_guide(&ui);
    assert!(wait_until(&ui, LIMIT, |ui| message(ui).is_empty()), "a working reader shows no problem");

    ui.devices().reader.as_ref().unwrap().simulator().unwrap().set_fault(Fault::Silent);
    assert!(wait_until(&ui, LIMIT, |ui| message(ui).contains("读卡器故障")), "a silent reader is reported");
    assert!(label_containing(&ui, "读卡器故障").is_some(), "on screen");
    tap(&ui, "首页");
    open_from_guide(&ui);
    assert!(message(&ui).contains("读卡器故障"), "coming back still shows the reader's trouble");
    tap(&ui, "首页");
    tap(&ui, "找网格员");
    assert!(message(&ui).contains("读卡器故障"), "and so does finding by card");

    ui.devices().reader.as_ref().unwrap().simulator().unwrap().clear_fault();
    assert!(wait_until(&ui, LIMIT, |ui| message(ui).is_empty()), "the fault goes once the reader answers");
    tap(&ui, "模拟刷卡：老年居民");
    assert!(wait_until(&ui, LIMIT, |ui| step(ui) == GridStep::Result), "and cards are read again");
}

/// Issue 16: a grid directory published at the hub (a real one on 127.0.0.1) reaches the kiosk with
/// its sync, and is swapped in between sessions: the resident on the grid page keeps the directory
/// the session started with, the next one finds the new worker.
#[test]
fn a_directory_from_the_hub_is_swapped_in_only_when_the_session_ends() {
    let hub = crate::sync_support::TestHub::start();
    let token = hub.add_terminal("SF-QST-01");
    let mut config = demo_config();
    config.hub.url = Some(hub.url().to_string());
    config.hub.terminal_token = Some(token);
    config.hub.heartbeat_secs = 1;
    let (ui, _dir) = crate::sync::kiosk_with_sync(&config);

    find_by_card(&ui, "老年居民");
    assert!(wait_until(&ui, LIMIT, |ui| step(ui) == GridStep::Result));
    assert!(shows(&ui, "网格员 刘演芳"));

    // Published meanwhile: the same directory, one version up, grid 2 with a new worker.
    let mut next = kiosk::grid::bundled();
    next.version += 1;
    let grid = next.streets[0].communities[0].grids.iter_mut().find(|g| g.number == 2).unwrap();
    grid.workers[0].name = "刘新芳".into();
    let file = hub.dir.path().join("grid.json");
    std::fs::write(&file, serde_json::to_string_pretty(&next).unwrap()).unwrap();
    kiosk_hub::cli::grid_publish(&hub.store, &file).unwrap();
    // Waited on in real time (the worker's own thread), not the window's: the session stays.
    crate::sync_support::wait_until("the kiosk installed the new directory", LIMIT, || {
        ui.sync_status().is_some_and(|s| s.grid_version == Some(next.version))
    });
    let installed = kiosk::grid::store::load(ui.store().as_ref().unwrap()).unwrap().unwrap();
    assert_eq!(installed, next, "installed in the terminal's database as published");

    // The same session, looking again: still the directory it started with.
    tap(&ui, "重新查找");
    tap(&ui, "模拟刷卡：老年居民");
    assert!(wait_until(&ui, LIMIT, |ui| step(ui) == GridStep::Result));
    assert!(shows(&ui, "网格员 刘演芳"), "never swapped under a resident");
    assert!(!shows(&ui, "网格员 刘新芳"));

    // The session ends; the next resident finds the new worker.
    tap(&ui, "首页");
    find_by_card(&ui, "老年居民");
    assert!(wait_until(&ui, LIMIT, |ui| step(ui) == GridStep::Result));
    assert!(shows(&ui, "网格员 刘新芳"), "the new directory after the session ended");
}
