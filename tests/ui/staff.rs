//! Staff mode on the terminal: the hidden gesture, the PIN lockout (persisted), diagnostics with the
//! simulated devices, out of service, and re-provisioning from a bundle on a "USB stick".

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::common::*;
use kiosk::config::Config;
use kiosk::devices::printer::SimMode;
use kiosk::store::Store;
use kiosk::ui::{Devices, KioskUi};
use kiosk::{StaffState, StaffView};
use slint::ComponentHandle;

const DEMO_PIN: &str = "246810";

/// A kiosk whose database is `db` (so that a second kiosk on the same file is a restart).
fn kiosk_on(config: &Config, devices: Devices, db: &Path) -> KioskUi {
    let ui = kiosk_with(config, devices);
    ui.attach_store(Store::open(db).unwrap());
    ui
}

fn open_pin_pad(ui: &KioskUi) {
    for _ in 0..5 {
        tap(ui, "终端号 SF-QST-01");
    }
    assert!(shows(ui, "请输入维护密码"), "five taps open the PIN pad");
}

/// Runs `f` on a fresh thread, as a restarted kiosk process would (each thread has its own backend).
fn restarted(f: impl FnOnce() + Send + 'static) {
    std::thread::spawn(f).join().expect("the restarted kiosk's checks passed");
}

/// From a staff sub-screen back to the menu, then out of staff mode.
fn leave_staff(ui: &KioskUi) {
    if !shows(ui, "退出维护") {
        tap(ui, "返回");
    }
    tap(ui, "退出维护");
}

fn enter_pin(ui: &KioskUi, pin: &str) {
    for d in pin.chars() {
        tap(ui, &d.to_string());
    }
    tap(ui, "确定");
}

fn log_in(ui: &KioskUi) {
    open_pin_pad(ui);
    enter_pin(ui, DEMO_PIN);
    assert!(shows(ui, "设备诊断"), "the right PIN opens the menu");
}

/// A config file in a temporary folder (data and bundle folders inside it), as a terminal has.
fn config_file() -> (tempfile::TempDir, PathBuf, Config) {
    let dir = tempfile::tempdir().unwrap();
    let bundles = dir.path().join("usb");
    std::fs::create_dir_all(&bundles).unwrap();
    let text = include_str!("../../kiosk-config/demo.toml")
        .replace("data_dir = \"../data\"", "data_dir = \"data\"")
        .replace("bundle_dir = \"../data/bundles\"", &format!("bundle_dir = {:?}", bundles.display().to_string()));
    let path = dir.path().join("kiosk.toml");
    std::fs::write(&path, text).unwrap();
    let config = Config::load(&path).unwrap();
    (dir, path, config)
}

#[test]
fn taps_spread_over_more_than_three_seconds_do_not_open_staff_mode() {
    let ui = kiosk();
    for _ in 0..3 {
        tap(&ui, "终端号 SF-QST-01");
    }
    wait_secs(4);
    for _ in 0..2 {
        tap(&ui, "终端号 SF-QST-01");
    }
    assert!(!shows(&ui, "请输入维护密码"));
    for _ in 0..3 {
        tap(&ui, "终端号 SF-QST-01");
    }
    assert!(shows(&ui, "请输入维护密码"));
    assert!(shows(&ui, "删除") && shows(&ui, "0") && shows(&ui, "9"));
}

#[test]
fn five_wrong_pins_lock_staff_mode_even_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("kiosk.sqlite3");
    let ui = kiosk_on(&demo_config(), Devices::none(), &db);
    open_pin_pad(&ui);
    enter_pin(&ui, "111111");
    assert!(label_containing(&ui, "还可以再试 4 次").is_some());
    assert!(shows(&ui, "已输入 0 位"), "the pad is cleared after each attempt, and shows no digit");
    for _ in 0..4 {
        enter_pin(&ui, "111111");
    }
    let message = label_containing(&ui, "已锁定").expect("a lock message");
    assert!(message.contains("5 分钟后再试"), "{message}");
    enter_pin(&ui, DEMO_PIN);
    assert!(!shows(&ui, "设备诊断"), "even the right PIN is refused while locked");
    drop(ui);

    // A restart: a new kiosk on the same database file.
    let file = db.clone();
    restarted(move || {
        let ui = kiosk_on(&demo_config(), Devices::none(), &file);
        open_pin_pad(&ui);
        assert!(label_containing(&ui, "分钟后再试").is_some(), "the lock survives a restart");
        enter_pin(&ui, DEMO_PIN);
        assert!(!shows(&ui, "设备诊断"));
    });
    let store = Store::open(&db).unwrap();
    let audit = store.audit_entries(10).unwrap();
    assert!(audit.iter().any(|(_, who, what)| who == "staff" && what.contains("locked")), "{audit:?}");
    assert!(audit.iter().all(|(_, _, what)| !what.contains("111111") && !what.contains(DEMO_PIN)));
}

#[test]
fn the_right_pin_opens_the_menu_and_exit_or_idle_ends_it() {
    let ui = kiosk();
    log_in(&ui);
    tap(&ui, "退出维护");
    assert!(shows(&ui, "老年优待证"), "back on the home screen");
    log_in(&ui);
    wait_secs(121);
    assert!(!shows(&ui, "设备诊断"), "staff mode ends after 2 minutes idle");
    assert!(shows(&ui, "老年优待证"));
}

#[test]
fn diagnostics_show_a_printer_out_of_paper() {
    let ui = kiosk_with_devices(&demo_config());
    ui.devices().printer.as_ref().unwrap().simulator().unwrap().set_mode(SimMode::PaperOut);
    log_in(&ui);
    tap(&ui, "设备诊断");
    // The status comes from the printing worker, off the UI thread.
    assert!(printer_line_settles(&ui), "{:?}", label_containing(&ui, "打印机："));
    let line = label_containing(&ui, "打印机：").expect("a printer line");
    assert!(line.contains("缺纸") && line.contains("状态字节"), "{line}");
    assert!(label_containing(&ui, "读卡器：").unwrap().contains("正常"));
    assert!(label_containing(&ui, "待上传申请：0 件").is_some());
    assert!(label_containing(&ui, "软件版本：").is_some());
    ui.devices().printer.as_ref().unwrap().simulator().unwrap().set_mode(SimMode::Normal);
    tap(&ui, "刷新");
    assert!(printer_line_settles(&ui));
    assert!(label_containing(&ui, "打印机：").unwrap().contains("纸张正常"));
}

/// Waits until the printer line of the diagnostics screen no longer waits for the printer's answer.
fn printer_line_settles(ui: &KioskUi) -> bool {
    wait_until(ui, Duration::from_secs(10), |ui| {
        label_containing(ui, "打印机：").is_some_and(|l| !l.contains("正在读取状态") && !l.contains("正在打印"))
    })
}

#[test]
fn a_silent_printer_never_holds_up_the_diagnostics_screen() {
    let mut config = demo_config();
    // The old diagnostics waited this long on the UI thread for each status byte.
    config.printer.status_timeout_ms = 3_000;
    let ui = kiosk_with_devices(&config);
    ui.devices().printer.as_ref().unwrap().simulator().unwrap().set_mode(SimMode::Silent);
    log_in(&ui);
    let open = button(&ui, "设备诊断");
    let started = std::time::Instant::now();
    open.invoke_accessible_default_action();
    let took = started.elapsed();
    let line = label_containing(&ui, "打印机：").expect("a printer line");
    assert!(line.contains("正在读取状态"), "the screen shows at once and asks in the background: {line}");
    assert!(took < Duration::from_millis(1_500), "opening diagnostics took {took:?}");
    assert!(wait_until(&ui, Duration::from_secs(20), |ui| {
        label_containing(ui, "打印机：").is_some_and(|l| l.contains("无法读取状态"))
    }));
}

#[test]
fn the_printer_is_not_asked_while_a_job_prints_and_is_asked_after_it() {
    let ui = kiosk_with_devices(&demo_config());
    log_in(&ui);
    tap(&ui, "设备诊断");
    assert!(printer_line_settles(&ui));
    tap(&ui, "打印测试页");
    tap(&ui, "刷新");
    let line = label_containing(&ui, "打印机：").unwrap();
    assert!(line.contains("正在打印，稍后请点“刷新”"), "{line}");
    assert!(wait_until(&ui, Duration::from_secs(20), |ui| label_containing(ui, "测试页：已打印").is_some()));
    assert!(printer_line_settles(&ui));
    assert!(label_containing(&ui, "打印机：").unwrap().contains("纸张正常"), "asked once the job was done");
    assert_eq!(ui.devices().printer.as_ref().unwrap().simulator().unwrap().jobs().len(), 1);
}

#[test]
fn the_menu_opens_its_views_by_enum_and_only_after_the_right_pin() {
    let ui = kiosk();
    open_pin_pad(&ui);
    ui.window().global::<StaffState>().invoke_open_view(StaffView::Provision);
    layout(&ui);
    assert!(shows(&ui, "请输入维护密码") && !shows(&ui, "重新配置终端"), "no menu entry without the PIN");
    enter_pin(&ui, DEMO_PIN);
    ui.window().global::<StaffState>().invoke_open_view(StaffView::OutOfService);
    layout(&ui);
    assert!(shows(&ui, "请选择引导居民前往的窗口：") && shows(&ui, "暂停服务"), "the out-of-service screen");
    // 返回: the menu, then the end of staff mode.
    tap(&ui, "返回");
    assert!(shows(&ui, "退出维护"));
    tap(&ui, "返回");
    assert!(shows(&ui, "老年优待证"), "back on the home screen");
    let audit = ui.store().as_ref().unwrap().audit_entries(5).unwrap();
    assert!(audit.first().is_some_and(|(_, _, what)| what == "staff mode closed"), "{audit:?}");
}

#[test]
fn a_test_page_reaches_the_simulated_printer() {
    let ui = kiosk_with_devices(&demo_config());
    log_in(&ui);
    tap(&ui, "设备诊断");
    tap(&ui, "打印测试页");
    let printed = wait_until(&ui, Duration::from_secs(20), |ui| {
        ui.devices().printer.as_ref().unwrap().simulator().unwrap().jobs().len() == 1
    });
    assert!(printed, "the test page reached the simulated printer");
    assert!(wait_until(&ui, Duration::from_secs(5), |ui| label_containing(ui, "测试页：已打印").is_some()));
}

#[test]
fn a_test_read_shows_only_the_masked_name_and_card_type() {
    let ui = kiosk_with_devices(&demo_config());
    log_in(&ui);
    tap(&ui, "设备诊断");
    tap(&ui, "读卡测试");
    let card = cards::elderly();
    ui.devices().reader.as_ref().unwrap().simulator().unwrap().place(&card).unwrap();
    assert!(wait_until(&ui, Duration::from_secs(10), |ui| label_containing(ui, "读卡成功").is_some()));
    let line = label_containing(&ui, "读卡成功").unwrap();
    assert!(line.contains(&card.masked_name()) && line.contains("居民身份证"), "{line}");
    assert!(label_containing(&ui, &card.name).is_none() && label_containing(&ui, &card.id_number).is_none());
}

#[test]
fn out_of_service_hides_the_home_tiles_and_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("kiosk.sqlite3");
    let ui = kiosk_on(&demo_config(), Devices::none(), &db);
    log_in(&ui);
    tap(&ui, "暂停服务设置");
    tap(&ui, "2号窗口");
    tap(&ui, "暂停服务");
    leave_staff(&ui);
    assert!(shows(&ui, "暂停服务，请前往2号窗口办理"));
    assert!(!shows(&ui, "老年优待证"), "residents see only the message");
    drop(ui);
    restarted(move || {
        let ui = kiosk_on(&demo_config(), Devices::none(), &db);
        assert!(shows(&ui, "暂停服务，请前往2号窗口办理"), "the state survives a restart");
        log_in(&ui);
        tap(&ui, "暂停服务设置");
        tap(&ui, "恢复服务");
        leave_staff(&ui);
        assert!(shows(&ui, "老年优待证"));
    });
}

#[test]
fn re_provisioning_from_a_bundle_changes_the_centre_name_and_can_be_rolled_back() {
    let (dir, path, config) = config_file();
    let db = config.database_path();
    let ui = kiosk_on(&config, Devices::none(), &db);
    ui.set_config_path(&path);
    std::fs::write(
        dir.path().join("usb/move.toml"),
        "terminal_id = \"SF-HTL-03\"\ncentre_name = \"荷塘区月塘街道便民服务中心\"\n[printer]\npaper = 58\n",
    )
    .unwrap();
    log_in(&ui);
    tap(&ui, "重新配置终端");
    tap(&ui, "应用配置包 move.toml");
    // First what it will change; nothing is written before 确认更新.
    let change = label_containing(&ui, "terminal_id").expect("the changes are listed");
    assert!(change.contains("SF-HTL-03"), "{change}");
    assert!(label_containing(&ui, "centre_name").is_some_and(|c| c.contains("荷塘区月塘街道便民服务中心")));
    assert!(label_containing(&ui, "printer.paper").is_some_and(|c| c.contains("58")));
    assert_eq!(Config::load(&path).unwrap().terminal_id, "SF-QST-01", "not written before confirmation");
    tap(&ui, "确认更新");
    assert!(label_containing(&ui, "配置已更新").is_some(), "{:?}", label_containing(&ui, "配置"));
    leave_staff(&ui);
    assert!(shows(&ui, "荷塘区月塘街道便民服务中心"), "the header shows the new centre at once");
    assert!(shows(&ui, "终端号 SF-HTL-03"));
    assert_eq!(Config::load(&path).unwrap().printer.paper, 58);
    assert!(path.with_file_name("kiosk.toml.bak").is_file());
    let audit = Store::open(&db).unwrap().audit_entries(10).unwrap();
    assert!(audit.iter().any(|(_, _, w)| w.contains("provisioned") && w.contains("SF-HTL-03")), "{audit:?}");
    assert!(audit.iter().all(|(_, _, w)| !w.contains("$argon2")), "no hash in the audit log");

    // One-step rollback on screen.
    for _ in 0..5 {
        tap(&ui, "终端号 SF-HTL-03");
    }
    enter_pin(&ui, DEMO_PIN);
    tap(&ui, "重新配置终端");
    tap(&ui, "撤销上次配置");
    leave_staff(&ui);
    assert!(shows(&ui, "石峰区清水塘街道便民服务中心"));
    assert_eq!(Config::load(&path).unwrap().terminal_id, "SF-QST-01");
}

#[test]
fn a_bundle_with_a_bad_port_and_a_malformed_url_is_refused_and_nothing_changes() {
    let (dir, path, config) = config_file();
    let before = std::fs::read_to_string(&path).unwrap();
    let ui = kiosk_on(&config, Devices::none(), &config.database_path());
    ui.set_config_path(&path);
    std::fs::write(
        dir.path().join("usb/bad.toml"),
        "centre_name = \"错误中心\"\n[printer]\nkind = \"serial\"\nport = \"COM3\"\n[hub]\nurl = \"htp:/hub example\"\n",
    )
    .unwrap();
    log_in(&ui);
    tap(&ui, "重新配置终端");
    tap(&ui, "应用配置包 bad.toml");
    assert!(label_containing(&ui, "未做任何更改").is_some());
    let port = label_containing(&ui, "printer.port").expect("the port problem is named");
    assert!(port.contains("bad.toml") && port.contains("/dev/ttyUSB0"), "{port}");
    let url = label_containing(&ui, "hub.url").expect("the URL problem is named");
    // In Chinese, with the key names kept.
    assert!(port.contains("应为设备路径") && port.contains("\"COM3\""), "{port}");
    assert!(url.contains("应为 http 或 https 地址"), "{url}");
    for line in [&port, &url] {
        assert!(!line.contains("expected") && !line.contains("found"), "no English in {line}");
    }
    assert!(!shows(&ui, "确认更新"), "nothing to confirm in a refused bundle");
    leave_staff(&ui);
    assert!(shows(&ui, "石峰区清水塘街道便民服务中心"));
    assert!(!shows(&ui, "错误中心"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), before);
    assert!(!path.with_file_name("kiosk.toml.bak").exists());
}

#[test]
fn a_bundle_can_be_cancelled_at_its_confirmation_and_nothing_changes() {
    let (dir, path, config) = config_file();
    let before = std::fs::read_to_string(&path).unwrap();
    let ui = kiosk_on(&config, Devices::none(), &config.database_path());
    ui.set_config_path(&path);
    std::fs::write(dir.path().join("usb/move.toml"), "centre_name = \"荷塘区月塘街道便民服务中心\"\n").unwrap();
    log_in(&ui);
    tap(&ui, "重新配置终端");
    tap(&ui, "应用配置包 move.toml");
    assert!(label_containing(&ui, "确认后将做以下 1 项更改").is_some());
    assert!(shows(&ui, "确认更新") && shows(&ui, "取消"));
    tap(&ui, "取消");
    assert!(label_containing(&ui, "已取消，未做任何更改").is_some());
    assert!(!shows(&ui, "确认更新"));
    assert!(shows(&ui, "应用配置包 move.toml"), "the bundles are listed again");
    leave_staff(&ui);
    assert!(shows(&ui, "石峰区清水塘街道便民服务中心"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), before);
    assert!(!path.with_file_name("kiosk.toml.bak").exists());
}

#[test]
fn a_bundle_edited_after_it_was_checked_is_shown_again_before_anything_is_written() {
    let (dir, path, config) = config_file();
    let before = std::fs::read_to_string(&path).unwrap();
    let ui = kiosk_on(&config, Devices::none(), &config.database_path());
    ui.set_config_path(&path);
    let bundle = dir.path().join("usb/move.toml");
    std::fs::write(&bundle, "centre_name = \"荷塘区月塘街道便民服务中心\"\n").unwrap();
    log_in(&ui);
    tap(&ui, "重新配置终端");
    tap(&ui, "应用配置包 move.toml");
    std::fs::write(&bundle, "centre_name = \"别处\"\n").unwrap();
    tap(&ui, "确认更新");
    assert!(label_containing(&ui, "被改动过").is_some(), "{:?}", label_containing(&ui, "配置包"));
    assert!(label_containing(&ui, "centre_name").is_some_and(|c| c.contains("别处")));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), before, "nothing written for what was not confirmed");
    tap(&ui, "确认更新");
    leave_staff(&ui);
    assert!(shows(&ui, "别处"));
}

#[test]
fn re_configuring_with_a_hub_enrolment_code_instead_of_a_usb_stick() {
    let hub = crate::sync_support::TestHub::start();
    let old_token = hub.add_terminal("SF-QST-01");
    hub.store.add_terminal("SF-HTL-05", Some("荷塘区月塘街道便民服务中心")).unwrap();
    let code = hub.store.create_enrolment("SF-HTL-05", chrono::Duration::hours(24), None).unwrap().code;
    let (dir, path, _) = config_file();
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str(&format!("\n[hub]\nurl = \"{}\"\nterminal_token = \"{old_token}\"\n", hub.url()));
    std::fs::write(&path, text).unwrap();
    let config = Config::load(&path).unwrap();
    let db = config.database_path();
    let ui = kiosk_on(&config, Devices::none(), &db);
    ui.set_config_path(&path);
    ui.attach_sync(kiosk::sync::SyncWorker::start(&config, &db, ui.health()));
    log_in(&ui);
    tap(&ui, "重新配置终端");
    assert!(label_containing(&ui, "的登记码配置").is_some_and(|l| l.contains(hub.url())), "the hub is named");
    let type_code = |code: &str| {
        for d in code.chars() {
            tap(&ui, &format!("登记码数字 {d}"));
        }
    };
    // A digit too many is not taken; 删除 takes the last one back.
    type_code(&code);
    type_code("7");
    assert!(label_containing(&ui, "的登记码配置").is_some_and(|l| l.ends_with(&code)));
    tap(&ui, "删除登记码数字");
    tap(&ui, "用登记码配置");
    assert!(label_containing(&ui, "12 位数字，请核对").is_some(), "eleven digits are not sent");
    // The digits typed stay: the last one completes the code.
    type_code(&code[11..]);
    tap(&ui, "用登记码配置");
    // The hub is asked on a thread of its own: the screen stays live and says so meanwhile.
    assert!(
        label_containing(&ui, "正在向中心平台登记").is_some() || label_containing(&ui, "已用登记码完成配置").is_some()
    );
    let enrolled = |ui: &KioskUi| label_containing(ui, "已用登记码完成配置").is_some();
    wait_until(&ui, Duration::from_secs(10), enrolled);
    let done = label_containing(&ui, "已用登记码完成配置")
        .unwrap_or_else(|| panic!("not enrolled: {:?}", ui.window().global::<StaffState>().get_message()));
    assert!(done.contains("SF-HTL-05") && done.contains("荷塘区月塘街道便民服务中心"), "{done}");
    let written = Config::load(&path).unwrap();
    assert_eq!(written.terminal_id, "SF-HTL-05");
    let new_token = written.hub.terminal_token.clone().unwrap();
    assert_ne!(new_token, old_token);
    assert!(matches!(
        hub.store.authenticate(&new_token).unwrap(),
        kiosk_hub::store::Auth::Terminal(id) if id == "SF-HTL-05"
    ));
    assert!(dir.path().join("kiosk.toml.bak").is_file(), "the old config kept");
    let audit = Store::open(&db).unwrap().audit_entries(10).unwrap();
    assert!(audit.iter().any(|(_, _, w)| w.contains("enrolled") && w.contains("SF-HTL-05")), "{audit:?}");
    assert!(audit.iter().all(|(_, _, w)| !w.contains(&code) && !w.contains(&new_token)), "no code or token audited");
    // The sync worker works for the new terminal with its new token at once: no restart.
    let heard = |_: &KioskUi| {
        hub.store.list_terminals().unwrap().iter().any(|t| t.id == "SF-HTL-05" && t.last_heartbeat.is_some())
    };
    assert!(wait_until(&ui, Duration::from_secs(10), heard), "the hub hears SF-HTL-05 without a restart");

    // The same code again: refused, in words staff understand, and nothing changes.
    type_code(&code);
    tap(&ui, "用登记码配置");
    wait_until(&ui, Duration::from_secs(10), |ui| label_containing(ui, "只能用一次").is_some());
    assert!(label_containing(&ui, "只能用一次").is_some(), "{:?}", label_containing(&ui, "登记码"));
    assert_eq!(Config::load(&path).unwrap().hub.terminal_token.as_deref(), Some(new_token.as_str()));
    leave_staff(&ui);
    assert!(shows(&ui, "终端号 SF-HTL-05"), "the header shows the new terminal id at once");
}

#[test]
fn leaving_with_home_while_the_hub_is_asked_sends_no_second_code_and_its_answer_still_shows() {
    // A hub that takes connections and answers none until the test lets them go.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let held = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let taken = held.clone();
    std::thread::spawn(move || {
        for conn in listener.incoming().flatten() {
            taken.lock().unwrap().push(conn);
        }
    });
    let connections = || held.lock().unwrap().len();
    let (_dir, path, _) = config_file();
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str(&format!("\n[hub]\nurl = \"{url}\"\nterminal_token = \"{}\"\n", "a".repeat(64)));
    std::fs::write(&path, text).unwrap();
    let config = Config::load(&path).unwrap();
    let ui = kiosk_on(&config, Devices::none(), &config.database_path());
    ui.set_config_path(&path);
    let type_code_and_send = |ui: &KioskUi| {
        for d in "493027185521".chars() {
            tap(ui, &format!("登记码数字 {d}"));
        }
        tap(ui, "用登记码配置");
    };
    log_in(&ui);
    tap(&ui, "重新配置终端");
    type_code_and_send(&ui);
    assert!(wait_until(&ui, Duration::from_secs(10), |_| connections() == 1), "the code went to the hub");

    // 首页 ends staff mode; staff come back while the hub has not answered.
    tap(&ui, "首页");
    log_in(&ui);
    tap(&ui, "重新配置终端");
    assert!(label_containing(&ui, "正在向中心平台登记").is_some(), "the screen says the hub is still asked");
    type_code_and_send(&ui);
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(connections(), 1, "no second request with the code");
    assert!(label_containing(&ui, "正在向中心平台登记").is_some());

    // The hub hangs up: the first request's answer reaches this session's screen.
    held.lock().unwrap().clear();
    let failed = |ui: &KioskUi| label_containing(ui, "无法完成与中心平台的登记").is_some();
    assert!(wait_until(&ui, Duration::from_secs(10), failed), "{:?}", label_containing(&ui, "登记"));
    assert_eq!(Config::load(&path).unwrap().hub.url.as_deref(), Some(url.as_str()), "nothing changed");
}
