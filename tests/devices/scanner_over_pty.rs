//! The scanner driver against the simulated scanner over a real pseudo-terminal pair: scans as events
//! with every suffix and dribbled, bad lines, a port that is missing, appears, vanishes and comes back
//! behind a stable symlink, `device scan`'s exit codes and `sim scanner` fed from a reader.

use std::path::Path;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use kiosk::cli::device::{self as cli, ScanOnceArgs};
use kiosk::cli::sim::{self as sim_cli, SimScannerArgs};
use kiosk::devices::scanner::reader::{ScannerPort, LINE_GAP};
use kiosk::devices::scanner::{
    scan_once, DeviceKind, FaultKind, Health, ScanError, ScanReader, ScannerConfig, ScannerEvent, ScannerService,
    SimScanner, Suffix, MAX_LINE,
};

const BAUD: u32 = 9_600;
const WAIT: Duration = Duration::from_secs(3);
/// A pickup slip's QR text (fictional).
const SLIP: &str = "https://kiosk.example/q?t=Q1-20261122-0007.Zx8pT3vLqR";

/// The next event, or a failure naming what was expected.
fn next(rx: &Receiver<ScannerEvent>, what: &str) -> ScannerEvent {
    rx.recv_timeout(WAIT).unwrap_or_else(|e| panic!("no event within {WAIT:?} (expected {what}): {e}"))
}

fn scanned(text: &str) -> ScannerEvent {
    ScannerEvent::Scanned(text.to_string())
}

/// Asserts that nothing arrives during `window` (a bounded wait for something that must not happen).
fn assert_quiet(rx: &Receiver<ScannerEvent>, window: Duration) {
    if let Ok(event) = rx.recv_timeout(window) {
        panic!("unexpected event {event:?}");
    }
}

fn simulated() -> (ScannerService, Receiver<ScannerEvent>) {
    let (tx, rx) = std::sync::mpsc::channel();
    let service = ScannerService::start(&ScannerConfig::default(), move |e| {
        let _ = tx.send(e);
    })
    .expect("simulated scanner starts");
    (service, rx)
}

#[test]
fn scans_arrive_as_events_with_every_suffix() {
    let (service, rx) = simulated();
    assert_eq!(service.health(), Health::Ok, "the simulator's port is open on return");
    let sim = service.simulator().expect("simulated mode has a simulator");
    for (i, suffix) in Suffix::ALL.into_iter().enumerate() {
        let text = format!("{SLIP}-{i}");
        sim.scan_with(&text, suffix).unwrap();
        assert_eq!(next(&rx, "a scan"), scanned(&text), "{suffix:?}");
    }
    sim.scan("进度查询-中文").unwrap();
    assert_eq!(next(&rx, "a UTF-8 scan"), scanned("进度查询-中文"));
    // Blank lines between scans are not scans.
    sim.send_raw(b"\r\n\n\rA1\r\n\r\nB2\n").unwrap();
    assert_eq!(next(&rx, "A1"), scanned("A1"));
    assert_eq!(next(&rx, "B2"), scanned("B2"));
    assert_quiet(&rx, Duration::from_millis(200));
    service.stop();
}

#[test]
fn dribbled_scans_are_reassembled() {
    let (service, rx) = simulated();
    let sim = service.simulator().unwrap();
    sim.set_dribble(true);
    for suffix in Suffix::ALL {
        sim.scan_with(SLIP, suffix).unwrap();
        assert_eq!(next(&rx, "a dribbled scan"), scanned(SLIP), "{suffix:?}");
    }
    sim.scan("第二张回执").unwrap();
    assert_eq!(next(&rx, "a dribbled multibyte scan"), scanned("第二张回执"));
    assert_quiet(&rx, Duration::from_millis(100));
}

#[test]
fn an_over_long_line_is_reported_and_the_next_scan_still_works() {
    let (service, rx) = simulated();
    let sim = service.simulator().unwrap();
    let mut noise = vec![b'Z'; MAX_LINE * 3];
    noise.extend_from_slice(b"\r\n");
    sim.send_raw(&noise).unwrap();
    assert_eq!(next(&rx, "a too-long fault"), ScannerEvent::Fault(FaultKind::LineTooLong));
    sim.scan(SLIP).unwrap();
    assert_eq!(next(&rx, "the scan after"), scanned(SLIP));
    // Bytes that are not text: a fault for that line only.
    sim.send_raw(b"\xFF\xFEabc\r\n").unwrap();
    assert_eq!(next(&rx, "a not-text fault"), ScannerEvent::Fault(FaultKind::NotText));
    sim.scan("OK").unwrap();
    assert_eq!(next(&rx, "OK"), scanned("OK"));
    assert_eq!(service.health(), Health::Ok, "bad lines are not a port fault");
    assert_eq!(
        kiosk::messages::scanner_fault(kiosk::Lang::Zh, FaultKind::LineTooLong),
        "无法识别该二维码，请扫描回执上的二维码。"
    );
}

#[test]
fn an_unterminated_fragment_is_dropped_after_a_silence() {
    let (service, rx) = simulated();
    let sim = service.simulator().unwrap();
    sim.send_raw(b"stale-fragment").unwrap();
    // Once the fragment was read, wait out the gap (plus a read slice) before the real scan.
    assert!(sim.wait_drained(WAIT));
    assert_quiet(&rx, LINE_GAP + Duration::from_millis(250));
    sim.scan(SLIP).unwrap();
    assert_eq!(next(&rx, "the scan alone"), scanned(SLIP));
}

#[test]
fn a_port_missing_at_start_is_a_fault_then_recovers_and_survives_a_replug() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("usb-Scanner-if00");
    let config = ScannerConfig {
        kind: DeviceKind::Serial,
        port: Some(link.to_str().unwrap().to_string()),
        ..ScannerConfig::default()
    };
    let (tx, rx) = std::sync::mpsc::channel();
    let service = ScannerService::start(&config, move |e| {
        let _ = tx.send(e);
    })
    .unwrap();
    assert!(service.simulator().is_none());
    assert_eq!(service.health(), Health::PortMissing);
    assert_eq!(next(&rx, "the missing-port fault"), ScannerEvent::Fault(FaultKind::PortMissing));
    assert_quiet(&rx, Duration::from_millis(500)); // reported once, not on every retry

    // Plugged in: the link appears.
    let sim = SimScanner::start().unwrap();
    super::repoint(&link, &sim.path());
    assert_eq!(next(&rx, "recovery"), ScannerEvent::Recovered);
    assert_eq!(service.health(), Health::Ok);
    sim.scan(SLIP).unwrap();
    assert_eq!(next(&rx, "a scan"), scanned(SLIP));

    // Unplugged: the PTY closes and the link dangles.
    drop(sim);
    assert_eq!(next(&rx, "the unplug fault"), ScannerEvent::Fault(FaultKind::PortMissing));
    assert_eq!(service.health(), Health::PortMissing);

    // Plugged back in as a new device; the link follows it.
    let sim = SimScanner::start().unwrap();
    super::repoint(&link, &sim.path());
    assert_eq!(next(&rx, "recovery after replug"), ScannerEvent::Recovered);
    sim.set_dribble(true);
    sim.scan("AFTER-REPLUG").unwrap();
    assert_eq!(next(&rx, "a scan after replug"), scanned("AFTER-REPLUG"));
    service.stop();
}

#[test]
fn stop_joins_within_a_bounded_time() {
    let (service, rx) = simulated();
    let sim_path = service.simulator().unwrap().path();
    assert!(Path::new(&sim_path).exists());
    let started = Instant::now();
    service.stop();
    assert!(started.elapsed() < Duration::from_secs(1), "{:?}", started.elapsed());
    assert!(rx.recv_timeout(Duration::from_millis(100)).is_err(), "no events after stop");

    // Also while waiting to reopen a missing port, and on drop.
    let dir = tempfile::tempdir().unwrap();
    let (reader, rx) = ScanReader::spawn_channel(dir.path().join("gone").to_str().unwrap(), BAUD).unwrap();
    assert_eq!(next(&rx, "fault"), ScannerEvent::Fault(FaultKind::PortMissing));
    let started = Instant::now();
    drop(reader);
    assert!(started.elapsed() < Duration::from_secs(1), "{:?}", started.elapsed());
}

#[test]
fn event_debug_names_the_length_not_the_text() {
    assert_eq!(format!("{:?}", scanned("TOKEN-abcdef")), "Scanned(<12 bytes>)");
}

// ---- one-shot and the command line ----------------------------------------------------------------

fn scan_args(port: &str, timeout_ms: u64) -> ScanOnceArgs {
    ScanOnceArgs { port: port.to_string(), baud: BAUD, timeout_ms }
}

#[test]
fn scan_once_returns_the_first_scan() {
    let sim = SimScanner::start().unwrap();
    let path = sim.path();
    let waiter = std::thread::spawn(move || scan_once(&path, BAUD, WAIT));
    // Whether the scan comes before or after the open, it waits in the PTY's queue and is returned.
    sim.scan(SLIP).unwrap();
    assert_eq!(waiter.join().unwrap().unwrap(), SLIP);
}

#[test]
fn device_scan_exit_codes() {
    let sim = SimScanner::start().unwrap();
    // Nothing scanned: 2, quickly.
    let started = Instant::now();
    assert_eq!(cli::run_scan_once(&scan_args(&sim.path(), 200)), cli::EXIT_NOTHING);
    assert!(started.elapsed() < Duration::from_secs(1), "{:?}", started.elapsed());
    let mut err = Vec::new();
    let code =
        cli::scan_outcome(Err(ScanError::Timeout { after: Duration::from_millis(200) }), &mut Vec::new(), &mut err);
    assert_eq!(code, 2);
    assert_eq!(String::from_utf8(err).unwrap(), "scan: no scan within 200 ms\n");

    // A scan: printed alone, 0.
    let path = sim.path();
    let waiter = std::thread::spawn(move || {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = cli::scan_outcome(scan_once(&path, BAUD, WAIT), &mut out, &mut err);
        (code, out, err)
    });
    sim.scan(SLIP).unwrap();
    let (code, out, err) = waiter.join().unwrap();
    assert_eq!(code, cli::EXIT_SCANNED, "{}", String::from_utf8_lossy(&err));
    assert_eq!(String::from_utf8(out).unwrap(), format!("{SLIP}\n"));

    // Missing port: 3 with the reason.
    let dir = tempfile::tempdir().unwrap();
    let gone = dir.path().join("ttyACM9");
    assert_eq!(cli::run_scan_once(&scan_args(gone.to_str().unwrap(), 200)), cli::EXIT_FAULT);
    let mut err = Vec::new();
    assert_eq!(cli::scan_outcome(scan_once(gone.to_str().unwrap(), BAUD, WAIT), &mut Vec::new(), &mut err), 3);
    let err = String::from_utf8(err).unwrap();
    assert!(err.starts_with("scan: port ") && err.ends_with("does not exist\n"), "{err}");
}

#[test]
fn a_bad_line_in_a_one_shot_scan_is_a_fault() {
    let sim = SimScanner::start().unwrap();
    let mut port = ScannerPort::open(&sim.path(), BAUD).unwrap();
    sim.send_raw(b"\xC3\x28\r").unwrap();
    let deadline = Instant::now() + WAIT;
    let lines = loop {
        let lines = port.read_lines(Duration::from_millis(100)).unwrap();
        if !lines.is_empty() || Instant::now() > deadline {
            break lines;
        }
    };
    assert_eq!(lines.len(), 1);
    let error = ScanError::from(lines.into_iter().next().unwrap().unwrap_err());
    let mut err = Vec::new();
    assert_eq!(cli::scan_outcome(Err(error), &mut Vec::new(), &mut err), 3);
    assert!(String::from_utf8(err).unwrap().contains("not UTF-8"));
}

#[test]
fn sim_scanner_prints_its_path_then_scans_each_input_line() {
    // The simulator runs on this thread with a byte slice as stdin; a listener thread learns the path
    // from the first line of its stdout (passed on at the flush) and reads the scans.
    let (path_tx, path_rx) = std::sync::mpsc::channel::<String>();
    struct FirstLine(Vec<u8>, Option<std::sync::mpsc::Sender<String>>);
    impl std::io::Write for FirstLine {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            if let (Some(tx), Some(end)) = (self.1.as_ref(), self.0.iter().position(|b| *b == b'\n')) {
                let _ = tx.send(String::from_utf8_lossy(&self.0[..end]).into_owned());
                self.1 = None;
            }
            Ok(())
        }
    }
    let listener = std::thread::spawn(move || {
        let path = path_rx.recv_timeout(WAIT).expect("the path on the first line");
        let (reader, rx) = ScanReader::spawn_channel(path, BAUD).unwrap();
        let got: Vec<ScannerEvent> = (0..3).map_while(|_| rx.recv_timeout(WAIT).ok()).collect();
        reader.stop();
        got
    });
    // Scans sent before the listener opens the port wait in the PTY's queue, as on a real UART
    // driver; the simulator waits for them to be read before it closes.
    let input = &b"FIRST\n\nSECOND\r\n\xFF\xFE\n"[..];
    let mut out = FirstLine(Vec::new(), Some(path_tx));
    let mut err = Vec::new();
    let code = sim_cli::run_scanner_with(&SimScannerArgs { dribble: false }, input, &mut out, &mut err);
    assert_eq!(code, 0, "{}", String::from_utf8_lossy(&err));
    assert_eq!(out.0.iter().filter(|b| **b == b'\n').count(), 1, "only the path on stdout");
    let got = listener.join().unwrap();
    assert_eq!(got, vec![scanned("FIRST"), scanned("SECOND"), ScannerEvent::Fault(FaultKind::NotText)]);
}
