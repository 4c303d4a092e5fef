//! No ID number, name or address appears in the log output of a full session: identification,
//! applications, printing, progress by card and the read-card command.

use std::time::Duration;

use crate::common::*;
use kiosk::{ApplyState, ApplyStep};
use slint::ComponentHandle;

fn secrets() -> Vec<String> {
    cards::all()
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
    let today = chrono::Local::now().date_naive();
    for stem in ["expired", "hk_mo_tw", "foreign", "younger"] {
        let card = cards::by_stem(stem);
        // What only reading this card puts on screen: its problem, or its holder's age.
        let outcome = if card.expired {
            "您的证件已过期".to_string()
        } else {
            format!("您今年{}周岁", card.age_on(today))
        };
        tap(&ui, "老年优待证");
        tap(&ui, &cards::demo_button(stem));
        assert!(wait_until(&ui, limit, |ui| label_containing(ui, &outcome).is_some()), "{stem}: no {outcome:?}");
        tap(&ui, "首页");
    }
    tap(&ui, "老年优待证");
    tap(&ui, &cards::demo_button("elderly"));
    assert!(wait_until(&ui, limit, |ui| ui.window().global::<ApplyState>().get_step() == ApplyStep::Review));
    tap(&ui, "同意并提交");
    assert!(wait_until(&ui, limit, |ui| !ui.window().global::<ApplyState>().get_printing()));
    tap(&ui, "满意");
    tap(&ui, "首页");
    let acceptance_no = ui.store().as_ref().unwrap().applications().unwrap()[0].acceptance_no.clone();
    tap(&ui, "进度查询");
    tap(&ui, &cards::demo_button("elderly"));
    let reprint = format!("补打回执：{acceptance_no}");
    assert!(wait_until(&ui, limit, |ui| shows(ui, &reprint)), "the card found the application");

    let logs = capture.lines();
    assert!(logs.len() > 10, "the session logged: {logs:?}");
    assert!(
        logs.iter().any(|l| l.contains("queued") && l.contains(&acceptance_no)),
        "the submission is logged (without the person): {logs:?}"
    );
    for secret in secrets() {
        for line in &logs {
            assert!(!line.contains(&secret), "log line reveals personal data: {line}");
        }
    }
}
