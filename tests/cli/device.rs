//! `kiosk device printer-status` as a technician runs it, against the simulated printer on a real
//! pseudo-terminal.

use std::process::{Command, Output};

use kiosk::devices::printer::{SimMode, SimPrinter};
use kiosk::slip::Paper;

fn printer_status(port: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kiosk"))
        .args(["device", "printer-status", "--port", port, "--json", "--timeout-ms", "300"])
        .output()
        .unwrap()
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {:?} / {:?}", String::from_utf8_lossy(&out.stdout), out.stderr))
}

#[test]
fn printer_status_json_says_unknown_paper_for_a_printer_that_does_not_answer() {
    let sim = SimPrinter::start(Paper::Mm80, SimMode::Normal).unwrap();
    let out = printer_status(sim.path());
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let ready = json(&out);
    assert_eq!(ready["online"], true);
    assert_eq!(ready["paper"], "ok");

    sim.set_mode(SimMode::Silent);
    let out = printer_status(sim.path());
    assert_eq!(out.status.code(), Some(3), "no answer: {}", String::from_utf8_lossy(&out.stderr));
    let silent = json(&out);
    assert_eq!(silent["online"], false);
    assert_eq!(silent["paper"], "unknown", "nothing is known of the paper of a silent printer: {silent}");
    for key in ["online", "paper", "cover_open", "error"] {
        assert!(silent.get(key).is_some(), "key {key} missing: {silent}");
    }
}
