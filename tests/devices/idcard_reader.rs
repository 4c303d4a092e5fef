//! The ID-card driver against the simulated reader over a real pseudo-terminal pair: one-shot reads,
//! the `read-card` command's exit codes, and the polling loop (placement, faults, unplug and re-plug).

use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use crate::common::cards;
use chrono::NaiveDate;
use kiosk::cli::device::{self as cli, ReadCardArgs};
use kiosk::devices::idcard::protocol::{Command, Sw3};
use kiosk::devices::idcard::reader::{read_card_once_on, Reader, STEP_TIMEOUT};
use kiosk::devices::idcard::{
    Card, CardPoller, CardType, Fault, FaultKind, Health, PollerOptions, ReadError, ReaderEvent, SimReader,
};

const BAUD: u32 = 115_200;
const READ_TIMEOUT: Duration = Duration::from_secs(2);

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

fn sim_with(stem: &str) -> SimReader {
    let sim = SimReader::start().expect("PTY pair");
    sim.place(&cards::by_stem(stem)).expect("sample card encodes");
    sim
}

fn read_once(sim: &SimReader) -> Result<Card, ReadError> {
    read_card_once_on(&sim.path(), BAUD, READ_TIMEOUT, today())
}

fn args(port: &str) -> ReadCardArgs {
    ReadCardArgs { port: port.to_string(), baud: BAUD, timeout_ms: 2_000, json: true }
}

#[test]
fn reads_every_card_type() {
    for stem in ["elderly", "younger", "hk_mo_tw", "foreign", "expired"] {
        let expected = cards::by_stem(stem);
        let sim = sim_with(stem);
        let card = read_once(&sim).unwrap_or_else(|e| panic!("{stem}: {e}"));
        assert_eq!(card, expected, "{stem}");
        assert_eq!(sim.reads_served(), 1);
    }
    let elderly = read_once(&sim_with("elderly")).unwrap();
    assert_eq!(elderly.card_type, CardType::Resident);
    assert_eq!(elderly.masked_name(), "张*英");
    assert!(elderly.id_number_valid && !elderly.expired);
    assert!(read_once(&sim_with("expired")).unwrap().expired);
    let foreign = read_once(&sim_with("foreign")).unwrap();
    assert_eq!(foreign.english_name.as_deref(), Some("DEMO, ANNE MARIE"));
}

#[test]
fn read_card_prints_contract_json_and_exits_0() {
    let sim = sim_with("hk_mo_tw");
    assert_eq!(cli::run_read_card(&args(&sim.path())), 0);
    sim.lift();
    sim.place(&cards::hk_mo_tw()).unwrap();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = cli::read_card_outcome(read_once(&sim), true, &mut out, &mut err);
    assert_eq!(code, 0, "{}", String::from_utf8_lossy(&err));
    let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(json["card_type"], "hk_mo_tw");
    assert_eq!(json["name"], "陈演华");
    assert_eq!(json["gender"], "female");
    assert_eq!(json["birth_date"], "1991-07-15");
    assert_eq!(json["id_number"], "810000199107150028");
    assert_eq!(json["valid_to"], "2027-03-01");
    assert_eq!(json["pass_number"], "H99000001");
    assert_eq!(json["id_number_valid"], true);
    assert!(json.get("nation").is_none());
    assert!(err.is_empty());
}

#[test]
fn no_card_exits_2() {
    let sim = SimReader::start().unwrap();
    assert!(matches!(read_once(&sim), Err(ReadError::NoCard)));
    assert_eq!(cli::run_read_card(&args(&sim.path())), 2);
    let mut err = Vec::new();
    assert_eq!(cli::read_card_outcome(read_once(&sim), true, &mut Vec::new(), &mut err), 2);
    assert_eq!(String::from_utf8(err).unwrap(), "read-card: no card on the reader (find: SW3 80)\n");
}

#[test]
fn bad_checksum_is_a_fault_naming_the_step() {
    let sim = sim_with("elderly");
    sim.set_fault(Fault::BadChecksum);
    let error = read_once(&sim).unwrap_err();
    assert!(matches!(error, ReadError::Checksum { step: Command::FindCard, .. }), "{error}");
    let mut err = Vec::new();
    assert_eq!(cli::read_card_outcome(Err(error), true, &mut Vec::new(), &mut err), 3);
    let line = String::from_utf8(err).unwrap();
    assert!(line.starts_with("read-card: find: response checksum error"), "{line}");
    assert_eq!(line.lines().count(), 1);
    assert_eq!(cli::run_read_card(&args(&sim.path())), 3);
}

#[test]
fn silent_reader_times_out_quickly_with_a_clear_error() {
    let sim = sim_with("elderly");
    sim.set_fault(Fault::Silent);
    let started = Instant::now();
    let error = read_once(&sim).unwrap_err();
    let elapsed = started.elapsed();
    assert!(matches!(error, ReadError::Timeout { step: Command::FindCard, .. }), "{error}");
    assert_eq!(error.to_string(), "find: no response within 200 ms");
    assert!(elapsed >= STEP_TIMEOUT && elapsed < Duration::from_millis(1_000), "{elapsed:?}");
    assert_eq!(cli::run_read_card(&args(&sim.path())), 3);
}

#[test]
fn read_failure_reports_the_status_code() {
    let sim = sim_with("younger");
    sim.set_fault(Fault::ReadFailed);
    let error = read_once(&sim).unwrap_err();
    assert!(matches!(error, ReadError::Status { step: Command::ReadText, sw3: Sw3::ReadFailed }), "{error}");
    assert_eq!(error.to_string(), "read: reader answered SW3 41 (read failed)");
}

#[test]
fn dribbled_bytes_still_make_a_card() {
    let sim = sim_with("foreign");
    sim.set_fault(Fault::Dribble);
    assert_eq!(read_once(&sim).unwrap(), cards::foreign());
}

#[test]
fn a_slowly_dribbling_reader_is_waited_for_past_the_step_timeout() {
    let sim = sim_with("younger");
    sim.set_fault(Fault::SlowDribble);
    let started = Instant::now();
    assert_eq!(read_once(&sim).unwrap(), cards::younger());
    assert!(started.elapsed() > Duration::from_millis(600), "three slow answers");
}

#[test]
fn noise_before_frames_is_skipped() {
    let sim = sim_with("elderly");
    sim.set_fault(Fault::NoiseBeforeFrames);
    assert_eq!(read_once(&sim).unwrap(), cards::elderly());
}

#[test]
fn missing_port_is_a_fault_not_a_hang() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ttyUSB-gone");
    let error = read_card_once_on(path.to_str().unwrap(), BAUD, READ_TIMEOUT, today()).unwrap_err();
    assert!(matches!(error, ReadError::PortMissing { .. }), "{error}");
    assert_eq!(cli::run_read_card(&args(path.to_str().unwrap())), 3);
}

#[test]
fn sam_commands_answer_ok() {
    let sim = SimReader::start().unwrap();
    let mut reader = Reader::open(&sim.path(), BAUD).unwrap();
    for command in [Command::ResetSam, Command::SamStatus, Command::ReadSamId] {
        assert_eq!(reader.status(command, STEP_TIMEOUT).unwrap(), Sw3::Ok, "{command:?}");
    }
    // The port can be opened again after the first owner closed it.
    drop(reader);
    sim.place(&cards::elderly()).unwrap();
    assert!(read_once(&sim).is_ok());
}

// ---- the polling loop -------------------------------------------------------------------------

fn options(path: &str) -> PollerOptions {
    PollerOptions { poll_interval: Duration::from_millis(40), ..PollerOptions::new(path) }
}

/// Waits for the first event matching `wanted`, skipping others; panics after `timeout`.
fn wait_for(rx: &Receiver<ReaderEvent>, timeout: Duration, wanted: impl Fn(&ReaderEvent) -> bool) -> ReaderEvent {
    let deadline = Instant::now() + timeout;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(event) if wanted(&event) => return event,
            Ok(_) => {}
            Err(e) => panic!("no matching event within {timeout:?}: {e}"),
        }
    }
}

fn is_card_read(e: &ReaderEvent) -> bool {
    matches!(e, ReaderEvent::CardRead(_))
}

/// Asserts that no `CardRead` arrives during `window` (a bounded wait for something that must not
/// happen).
fn assert_no_read_within(rx: &Receiver<ReaderEvent>, window: Duration) {
    let deadline = Instant::now() + window;
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match rx.recv_timeout(left) {
            Ok(event) => assert!(!is_card_read(&event), "unexpected second read: {event:?}"),
            Err(_) => return,
        }
    }
}

#[test]
fn poller_reads_a_placed_card_once_per_placement() {
    let sim = SimReader::start().unwrap();
    let (poller, rx) = CardPoller::spawn_channel(options(&sim.path()));
    sim.place(&cards::elderly()).unwrap();
    let ReaderEvent::CardRead(card) = wait_for(&rx, Duration::from_secs(3), is_card_read) else { unreachable!() };
    assert_eq!(card, cards::elderly());
    assert_eq!(poller.health(), Health::Ok);
    // The reader stops finding a card once it was read: the loop reports it gone, and reads nothing
    // more while it lies there.
    wait_for(&rx, Duration::from_secs(2), |e| *e == ReaderEvent::CardRemoved);
    assert_no_read_within(&rx, Duration::from_millis(400));
    assert_eq!(sim.reads_served(), 1);
    // Placed again: read again.
    sim.place(&cards::younger()).unwrap();
    let ReaderEvent::CardRead(card) = wait_for(&rx, Duration::from_secs(3), is_card_read) else { unreachable!() };
    assert_eq!(card.name, cards::younger().name);
    poller.stop();
}

#[test]
fn poller_waits_for_a_lift_even_if_the_reader_keeps_finding_the_card() {
    let sim = SimReader::start().unwrap();
    sim.set_sticky(true);
    sim.place(&cards::hk_mo_tw()).unwrap();
    let (poller, rx) = CardPoller::spawn_channel(options(&sim.path()));
    wait_for(&rx, Duration::from_secs(3), is_card_read);
    assert_no_read_within(&rx, Duration::from_millis(400));
    assert_eq!(sim.reads_served(), 1, "the driver itself must not read the same placement twice");
    sim.lift();
    wait_for(&rx, Duration::from_secs(2), |e| *e == ReaderEvent::CardRemoved);
    sim.place(&cards::hk_mo_tw()).unwrap();
    wait_for(&rx, Duration::from_secs(3), is_card_read);
    assert_eq!(sim.reads_served(), 2);
    drop(poller);
}

#[test]
fn poller_reports_a_card_it_cannot_read_once_and_keeps_trying() {
    let sim = SimReader::start().unwrap();
    sim.set_fault(Fault::ReadFailed);
    sim.place(&cards::younger()).unwrap();
    let (_poller, rx) = CardPoller::spawn_channel(options(&sim.path()));
    let event = wait_for(&rx, Duration::from_secs(3), |e| matches!(e, ReaderEvent::ReaderFault(_)));
    assert_eq!(event, ReaderEvent::ReaderFault(FaultKind::CardUnreadable));
    assert_eq!(
        kiosk::messages::reader_fault(kiosk::Lang::Zh, FaultKind::CardUnreadable),
        "未能读取身份证，请将证件放稳后重试。"
    );
    sim.clear_fault();
    let event = wait_for(&rx, Duration::from_secs(3), |e| !matches!(e, ReaderEvent::ReaderFault(_)));
    assert!(is_card_read(&event), "{event:?}");
}

#[test]
fn poller_recovers_when_a_silent_reader_answers_again() {
    let sim = SimReader::start().unwrap();
    sim.set_fault(Fault::Silent);
    let (poller, rx) = CardPoller::spawn_channel(options(&sim.path()));
    let event = wait_for(&rx, Duration::from_secs(3), |e| matches!(e, ReaderEvent::ReaderFault(_)));
    assert_eq!(event, ReaderEvent::ReaderFault(FaultKind::NoAnswer));
    assert_eq!(poller.health(), Health::NoAnswer);
    sim.clear_fault();
    wait_for(&rx, Duration::from_secs(3), |e| *e == ReaderEvent::ReaderRecovered);
    assert_eq!(poller.health(), Health::Ok);
    sim.place(&cards::elderly()).unwrap();
    wait_for(&rx, Duration::from_secs(3), is_card_read);
}

#[test]
fn poller_survives_unplug_and_replug_behind_a_stable_link() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("usb-GA467_reader-if00");
    let mut sim = SimReader::start_linked(&link).unwrap();
    assert_eq!(std::fs::read_link(&link).unwrap().to_str(), sim.tty_path().as_deref());
    let (poller, rx) = CardPoller::spawn_channel(options(link.to_str().unwrap()));
    sim.place(&cards::elderly()).unwrap();
    wait_for(&rx, Duration::from_secs(3), is_card_read);

    sim.unplug();
    assert!(!link.exists());
    wait_for(&rx, Duration::from_secs(3), |e| *e == ReaderEvent::ReaderFault(FaultKind::PortMissing));
    assert_eq!(poller.health(), Health::PortMissing);

    sim.replug().unwrap();
    // A new PTY (its number may or may not be reused); the link points at it.
    assert_eq!(std::fs::read_link(&link).unwrap().to_str(), sim.tty_path().as_deref());
    wait_for(&rx, Duration::from_secs(3), |e| *e == ReaderEvent::ReaderRecovered);
    assert_eq!(poller.health(), Health::Ok);
    // The card still lying on the re-plugged reader counts as a new placement.
    let ReaderEvent::CardRead(card) = wait_for(&rx, Duration::from_secs(3), is_card_read) else { unreachable!() };
    assert_eq!(card, cards::elderly());
    poller.stop();
}

#[test]
fn poller_reports_a_missing_port_from_the_start_and_stops_promptly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ttyUSB9");
    let (poller, rx) = CardPoller::spawn_channel(PollerOptions::new(path.to_str().unwrap()));
    assert_eq!(wait_for(&rx, Duration::from_secs(2), |_| true), ReaderEvent::ReaderFault(FaultKind::PortMissing));
    assert_eq!(poller.health(), Health::PortMissing);
    let started = Instant::now();
    poller.stop();
    assert!(started.elapsed() < Duration::from_secs(1));
}

#[test]
fn poller_stops_within_a_second_even_mid_read() {
    let sim = SimReader::start().unwrap();
    sim.set_fault(Fault::Silent);
    let options = PollerOptions {
        read_timeout: Duration::from_secs(10),
        step_timeout: Duration::from_secs(10),
        ..options(&sim.path())
    };
    let (poller, _rx) = CardPoller::spawn_channel(options);
    // Wait until the loop is blocked inside a (silent) find.
    let deadline = Instant::now() + Duration::from_secs(2);
    while sim.commands_received() == 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(sim.commands_received() > 0);
    let started = Instant::now();
    poller.stop();
    assert!(started.elapsed() < Duration::from_secs(1), "{:?}", started.elapsed());
}

/// Driver overhead from placement to decoded card over a PTY (no baud delay), next to the wire time
/// of the same bytes at 115200 baud. Run with
/// `cargo test --release --test devices -- --ignored --nocapture overhead`.
#[test]
#[ignore]
fn overhead_figures() {
    let sim = sim_with("elderly");
    let card = cards::elderly();
    let mut reader = Reader::open(&sim.path(), BAUD).unwrap();
    let mut samples = Vec::new();
    for _ in 0..200 {
        sim.lift();
        sim.place(&card).unwrap();
        let started = Instant::now();
        let read = reader.read_card(STEP_TIMEOUT, READ_TIMEOUT, today()).unwrap();
        samples.push(started.elapsed());
        assert_eq!(read.name, card.name);
    }
    samples.sort_unstable();
    let pct = |p: usize| samples[(samples.len() * p / 100).min(samples.len() - 1)];
    // Host → reader: three 10-byte commands; reader → host: find 15, select 19, read 1295 bytes.
    let bytes = 3 * 10 + 15 + 19 + 1295;
    let wire_ms = bytes as f64 * 10.0 / 115_200.0 * 1000.0;
    println!(
        "find+select+read over PTY, 200 reads: p50 {:?}, p99 {:?}, max {:?}; the same {bytes} bytes at 115200 8N1: {wire_ms:.1} ms",
        pct(50),
        pct(99),
        samples[samples.len() - 1]
    );
}
