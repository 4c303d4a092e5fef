//! No ID number, name or address appears in the log output of a full session: identification,
//! applications, printing, progress by card and the read-card command.

use std::time::Duration;

use crate::common::*;
use kiosk::devices::idcard::sample_cards;
use kiosk::ApplyState;
use slint::ComponentHandle;

fn secrets() -> Vec<String> {
    sample_cards()
        .into_iter()
        .flat_map(|(_, _, c)| {
            let mut v = vec![c.name.clone(), c.id_number.clone(), c.address.clone()];
            v.extend(c.english_name.clone());
            v
        })
        .filter(|s| s.chars().count() >= 2)
        .collect()
}

#[test]
fn a_full_session_logs_nothing_personal() {
    let capture = logs::capture();
    let limit = Duration::from_secs(10);
    let ui = kiosk_with_devices(&demo_config());
    // Senior card, every sample card at the identification screen, then a submission and its slip.
    for card in ["过期证件", "港澳台居民", "外籍永久居留", "青年居民"] {
        tap(&ui, "老年优待证");
        tap(&ui, &format!("模拟刷卡：{card}"));
        assert!(wait_until(&ui, limit, |ui| {
            let step = ui.window().global::<ApplyState>().get_step();
            step == "not-eligible" || label_containing(ui, "过期").is_some()
        }));
        tap(&ui, "首页");
    }
    tap(&ui, "老年优待证");
    tap(&ui, "模拟刷卡：老年居民");
    assert!(wait_until(&ui, limit, |ui| ui.window().global::<ApplyState>().get_step() == "review"));
    tap(&ui, "同意并提交");
    assert!(wait_until(&ui, limit, |ui| !ui.window().global::<ApplyState>().get_printing()));
    tap(&ui, "满意");
    tap(&ui, "首页");
    tap(&ui, "进度查询");
    tap(&ui, "模拟刷卡：老年居民");
    assert!(wait_until(&ui, limit, |ui| label_containing(ui, "办理记录").is_some()));

    let logs = capture.lines();
    assert!(logs.len() > 10, "the session logged: {logs:?}");
    assert!(logs.iter().any(|l| l.contains("queued")), "the submission is logged (without the person)");
    for secret in secrets() {
        for line in &logs {
            assert!(!line.contains(&secret), "log line reveals personal data: {line}");
        }
    }
}
