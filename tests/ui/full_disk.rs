//! A full data disk (issue 18, item 3). The disk is filled with SQLite's own size cap on the kiosk's
//! store connection (`Store::cap_size_for_tests`: `PRAGMA max_page_count` at the file's current
//! size), so a write that needs one more page fails with `SQLITE_FULL` on SQLite's real write path,
//! exactly as when the disk under the data folder has no block left. The printer is the simulator on
//! a pseudo-terminal; what reaches it is counted in bytes.

use std::path::Path;
use std::time::Duration;

use crate::common::tmpfs::Tmpfs;
use crate::common::*;
use kiosk::store::Store;
use kiosk::ui::KioskUi;
use kiosk::{AppState, ApplyState, ApplyStep};
use slint::ComponentHandle;

const LIMIT: Duration = Duration::from_secs(10);

/// What the resident reads when the disk is full: one sentence that sends them to staff.
const NO_SPACE: &str = "本机存储空间已满，申请未能提交，请联系工作人员。";

/// (applications, print jobs) in the file, counted on a connection of the test's own.
fn rows(db: &Path) -> (i64, i64) {
    let conn = rusqlite::Connection::open(db).unwrap();
    let count = |table: &str| conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0)).unwrap();
    (count("application"), count("print_job"))
}

fn printed_bytes(ui: &KioskUi) -> usize {
    ui.devices().printer.as_ref().unwrap().simulator().unwrap().received_print_bytes()
}

fn header_line(ui: &KioskUi) -> String {
    ui.window().global::<AppState>().get_storage_status().to_string()
}

#[test]
fn a_full_disk_fails_the_submission_before_printing_sends_the_resident_to_staff_and_recovers_by_itself() {
    let dir = tempfile::tempdir().unwrap().keep();
    let db = dir.join("kiosk.sqlite3");
    let ui = kiosk_with_devices(&demo_config());
    ui.attach_store(Store::open(&db).unwrap());
    // The file may not grow past its size now: the disk is full for it.
    let fill = |ui: &KioskUi| ui.store().as_ref().unwrap().cap_size_for_tests(true).unwrap();
    let free = |ui: &KioskUi| ui.store().as_ref().unwrap().cap_size_for_tests(false).unwrap();
    fails_before_printing_and_recovers(&ui, &db, fill, free);
}

/// The same on a really full disk: the data folder on a 4 MiB tmpfs filled with a file until the
/// kernel says ENOSPC, while the kiosk runs. Root only (it mounts): `.ci/run` runs it as root with
/// `cargo test --test ui full_disk -- --ignored`.
#[test]
#[ignore = "mounts a tmpfs: root only; cargo test --test ui full_disk -- --ignored"]
fn a_really_full_disk_fails_the_submission_before_printing_and_recovers_by_itself() {
    let fs = Tmpfs::mount("4m");
    let db = fs.dir.join("kiosk.sqlite3");
    let ui = kiosk_with_devices(&demo_config());
    ui.attach_store(Store::open(&db).unwrap());
    let filler = std::cell::RefCell::new(None);
    fails_before_printing_and_recovers(
        &ui,
        &db,
        |_| *filler.borrow_mut() = Some(fs.fill()),
        |_| std::fs::remove_file(filler.borrow_mut().take().unwrap()).unwrap(),
    );
}

/// `fill` leaves no room for the database, `free` gives it back.
fn fails_before_printing_and_recovers(ui: &KioskUi, db: &Path, fill: impl Fn(&KioskUi), free: impl Fn(&KioskUi)) {
    assert_eq!(header_line(ui), "", "no storage line while there is room");
    // The disk fills: residents keep submitting until one application no longer fits.
    fill(ui);
    let mut accepted = Vec::new();
    let (before, bytes_before) = loop {
        assert!(accepted.len() < 30, "30 applications fitted on a full disk");
        to_senior_card_confirmation(ui);
        let (rows_before, bytes_before) = (rows(db), printed_bytes(ui));
        tap(ui, "同意并提交");
        if apply_step(ui) != ApplyStep::Done {
            break (rows_before, bytes_before);
        }
        accepted.push(ui.window().global::<ApplyState>().get_acceptance_no().to_string());
        assert!(wait_until(ui, LIMIT, |ui| !ui.window().global::<ApplyState>().get_printing()), "printed");
        tap(ui, "首页");
    };
    println!("{} application(s) fitted before one did not", accepted.len());
    // The submission failed before anything was printed, and the resident is sent to staff.
    assert_eq!(apply_step(ui), ApplyStep::Review, "back on the confirmation, nothing submitted");
    let message = ui.window().global::<ApplyState>().get_message().to_string();
    assert_eq!(message, NO_SPACE);
    assert!(message.contains('请') && message.contains("工作人员"), "{message}");
    assert!(shows(ui, NO_SPACE), "the sentence is on screen (in the accessibility tree)");
    // Give a print that should not exist the time to reach the printer.
    let quiet = wait_until(ui, Duration::from_secs(1), |ui| printed_bytes(ui) != bytes_before);
    assert!(!quiet, "slip bytes reached the printer for an application that was not written");
    assert_eq!(printed_bytes(ui), bytes_before);
    // Nothing half-written: not the application, not its print job; the file is sound.
    assert_eq!(rows(db), before, "the failed write left rows behind");
    assert_eq!(ui.store().as_ref().unwrap().applications().unwrap().len(), accepted.len());
    assert!(ui.store().as_ref().unwrap().integrity_ok().unwrap());

    // Staff see it in the header (and the status line), as long as the disk stays full.
    let line = header_line(ui);
    assert!(line.contains("存储空间已满") && line.contains("工作人员"), "{line}");
    assert!(shows(ui, &line), "the header line is in the accessibility tree");
    wait_secs(3);
    assert_eq!(header_line(ui), line, "the line stays while there is no room");
    tap(ui, "同意并提交");
    assert_eq!(ui.window().global::<ApplyState>().get_message(), NO_SPACE, "a second try fails alike");
    assert_eq!((rows(db), printed_bytes(ui)), (before, bytes_before));

    // Space returns (staff free some): the header clears by itself, no restart, no tap.
    free(ui);
    wait_secs(2);
    assert_eq!(header_line(ui), "", "the line clears once there is room");
    assert!(!shows(ui, &line), "and leaves the accessibility tree");

    // The same resident's next tap submits, prints, and the day's numbers go on without a gap.
    tap(ui, "同意并提交");
    assert_eq!(apply_step(ui), ApplyStep::Done, "submitted once there is room");
    assert!(wait_until(ui, LIMIT, |ui| shows(ui, "回执已打印，请从出纸口取走。")), "the slip was printed");
    assert!(printed_bytes(ui) > bytes_before);
    let (apps, jobs) = rows(db);
    assert_eq!((apps, jobs), (before.0 + 1, before.1 + 1));
    let no = ui.window().global::<ApplyState>().get_acceptance_no().to_string();
    let seq = |no: &str| no.rsplit('-').next().unwrap().parse::<u32>().unwrap();
    assert_eq!(seq(&no), accepted.len() as u32 + 1, "{no} after {accepted:?}");
}
