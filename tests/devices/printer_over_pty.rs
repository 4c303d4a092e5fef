//! The printer driver against the simulated printer over a real pseudo-terminal: status bytes,
//! refusal to print, and what comes out on the (simulated) paper.

use std::time::{Duration, Instant};

use kiosk::cli::device::{
    run_print_checklist, run_print_slip, run_printer_status, PrintChecklistArgs, PrintSlipArgs, PrinterStatusArgs,
};
use kiosk::devices::printer::{
    render, write_png, NotReady, PaperImage, PaperState, PrintError, Printer, Progress, QrMode, SimMode, SimPrinter,
    CHUNK,
};
use kiosk::slip::{ChecklistSlip, Paper, PickupSlip, Slip};

const TIMEOUT: Duration = Duration::from_millis(500);
const JOB_WAIT: Duration = Duration::from_secs(10);

fn decode_qr(img: &PaperImage) -> Vec<String> {
    let mut p = rqrr::PreparedImage::prepare_from_greyscale(img.width as usize, img.height as usize, |x, y| {
        img.pixels[y * img.width as usize + x]
    });
    p.detect_grids().iter().filter_map(|g| g.decode().ok().map(|(_, s)| s)).collect()
}

fn printer_for(sim: &SimPrinter, qr: QrMode) -> Printer {
    let mut p = Printer::open_port(sim.path(), 9_600, TIMEOUT).expect("open the PTY");
    p.set_format(sim.paper(), qr);
    p
}

#[test]
fn ready_printer_prints_a_pickup_slip_whose_qr_reads_back_as_the_token_url() {
    for (paper, qr) in [(Paper::Mm80, QrMode::Native), (Paper::Mm58, QrMode::Raster)] {
        let sim = SimPrinter::start(paper, SimMode::Normal).unwrap();
        let mut printer = printer_for(&sim, qr);
        let slip = PickupSlip::sample("https://hub.example.cn");
        let report = printer.print_slip(&Slip::Pickup(slip.clone())).expect("printed");
        assert!(!report.near_end);
        assert_eq!(report.status.paper, PaperState::Ok);
        assert_eq!(report.bytes, sim.received_print_bytes(), "every byte arrived");
        let jobs = sim.wait_for_jobs(1, JOB_WAIT);
        assert_eq!(jobs.len(), 1, "{paper:?} {qr:?}");
        assert_eq!(decode_qr(&jobs[0].image), vec![format!("https://hub.example.cn/p/{}", slip.token)]);
        assert!(jobs[0].text_lines.iter().any(|l| l.contains(&slip.pickup_code)), "{:?}", jobs[0].text_lines);
        assert!(jobs[0].text_lines.iter().any(|l| l.contains("4302**********1027")));
    }
}

#[test]
fn paper_out_is_refused_before_any_slip_byte_is_sent() {
    let sim = SimPrinter::start(Paper::Mm80, SimMode::PaperOut).unwrap();
    let mut printer = printer_for(&sim, QrMode::Native);
    let err = printer.print_slip(&PickupSlip::sample("https://h.cn").into()).unwrap_err();
    match &err {
        PrintError::NotReady { reason, status, .. } => {
            assert_eq!(*reason, NotReady::PaperOut);
            assert_eq!(status.paper, PaperState::Out);
        }
        other => panic!("expected NotReady, got {other:?}"),
    }
    assert!(kiosk::messages::print_failed(kiosk::Lang::Zh, &err, true)
        .starts_with("打印机缺纸，请联系工作人员。您的申请已保存"));
    assert_eq!(sim.status_requests(), 3);
    assert_eq!(sim.received_print_bytes(), 0, "no slip bytes sent");
    assert!(sim.jobs().is_empty());
}

#[test]
fn cover_open_is_refused_with_its_own_reason() {
    let sim = SimPrinter::start(Paper::Mm58, SimMode::CoverOpen).unwrap();
    let mut printer = printer_for(&sim, QrMode::Raster);
    let err = printer.print_slip(&ChecklistSlip::sample().into()).unwrap_err();
    assert!(matches!(err, PrintError::NotReady { reason: NotReady::CoverOpen, .. }), "{err:?}");
    assert!(kiosk::messages::print_failed(kiosk::Lang::Zh, &err, false).starts_with("打印机盖未关好"));
    assert!(!kiosk::messages::print_failed(kiosk::Lang::Zh, &err, false).contains("申请"));
    assert_eq!(sim.received_print_bytes(), 0);
}

#[test]
fn silent_printer_is_reported_offline_within_a_bounded_time() {
    let sim = SimPrinter::start(Paper::Mm80, SimMode::Silent).unwrap();
    let mut printer = printer_for(&sim, QrMode::Native);
    let started = Instant::now();
    let err = printer.status().unwrap_err();
    let took = started.elapsed();
    assert!(matches!(err, PrintError::NoAnswer { n: 1, timeout_ms: 500, .. }), "{err:?}");
    assert!(took >= TIMEOUT && took < TIMEOUT * 3, "took {took:?}");
    let err = printer.print_slip(&PickupSlip::sample("https://h.cn").into()).unwrap_err();
    assert!(matches!(err, PrintError::NoAnswer { .. }));
    assert!(kiosk::messages::print_failed(kiosk::Lang::Zh, &err, true).starts_with("打印机暂时无法打印"));
    assert_eq!(sim.received_print_bytes(), 0);
}

#[test]
fn paper_near_end_prints_and_flags_it() {
    let sim = SimPrinter::start(Paper::Mm80, SimMode::NearEnd).unwrap();
    let mut printer = printer_for(&sim, QrMode::Native);
    let report = printer.print_slip(&PickupSlip::sample("https://h.cn").into()).expect("printed");
    assert!(report.near_end);
    assert_eq!(report.status.paper, PaperState::NearEnd);
    assert_eq!(sim.wait_for_jobs(1, JOB_WAIT).len(), 1);
}

#[test]
fn mode_changes_at_run_time_are_seen_by_the_next_job() {
    let sim = SimPrinter::start(Paper::Mm80, SimMode::Normal).unwrap();
    let mut printer = printer_for(&sim, QrMode::Native);
    let slip: Slip = ChecklistSlip::sample().into();
    printer.print_slip(&slip).expect("first job");
    sim.set_mode(SimMode::PaperOut);
    let sent = sim.received_print_bytes();
    assert!(matches!(printer.print_slip(&slip), Err(PrintError::NotReady { reason: NotReady::PaperOut, .. })));
    assert_eq!(sim.received_print_bytes(), sent, "nothing sent while out of paper");
    sim.set_mode(SimMode::Normal);
    printer.print_slip(&slip).expect("after the roll was replaced");
    let jobs = sim.wait_for_jobs(2, JOB_WAIT);
    assert_eq!(jobs.len(), 2);
    assert_eq!(decode_qr(&jobs[1].image), vec![ChecklistSlip::sample().qr_text]);
}

#[test]
fn printer_can_be_reopened_by_successive_clients() {
    let sim = SimPrinter::start(Paper::Mm80, SimMode::Normal).unwrap();
    for _ in 0..3 {
        let mut printer = printer_for(&sim, QrMode::Native);
        assert!(printer.status().expect("answers").is_ready());
    }
}

#[test]
fn cli_exit_codes_follow_the_printer_state() {
    let sim = SimPrinter::start(Paper::Mm80, SimMode::Normal).unwrap();
    let status = |json| PrinterStatusArgs { port: sim.path().into(), baud: 9_600, json, timeout_ms: 300 };
    let slip_args = |qr, paper| PrintSlipArgs {
        port: sim.path().into(),
        baud: 9_600,
        sample: true,
        qr,
        paper,
        timeout_ms: 300,
        qr_base: "https://hub.example.cn".into(),
    };
    assert_eq!(run_printer_status(&status(true)), 0);
    assert_eq!(run_print_slip(&slip_args(QrMode::Native, 80)), 0);
    let jobs = sim.wait_for_jobs(1, JOB_WAIT);
    assert!(decode_qr(&jobs[0].image)[0].starts_with("https://hub.example.cn/p/"));

    for (mode, code) in [(SimMode::PaperOut, 4), (SimMode::CoverOpen, 4), (SimMode::Silent, 3)] {
        sim.set_mode(mode);
        let before = sim.received_print_bytes();
        assert_eq!(run_printer_status(&status(false)), code, "{mode:?}");
        assert_eq!(run_print_slip(&slip_args(QrMode::Raster, 58)), code, "{mode:?}");
        assert_eq!(sim.received_print_bytes(), before, "{mode:?}: no slip bytes sent");
    }
    sim.set_mode(SimMode::NearEnd);
    assert_eq!(run_printer_status(&status(true)), 0, "near end is still ready");
    let checklist_args = PrintChecklistArgs {
        port: sim.path().into(),
        baud: 9_600,
        item: "430202-0001".into(),
        qr: QrMode::Native,
        paper: 58,
        timeout_ms: 300,
    };
    assert_eq!(run_print_checklist(&checklist_args, &ChecklistSlip::sample()), 0);
    assert_eq!(sim.wait_for_jobs(2, JOB_WAIT).len(), 2);
    assert_eq!(run_printer_status(&PrinterStatusArgs { port: "/dev/nonexistent-printer".into(), ..status(true) }), 3);
}

/// Prints the sample slip on the simulator and writes the paper image as PNG; with
/// `KIOSK_WRITE_SAMPLE_SLIPS=1` also into docs/ (the committed figures).
#[test]
fn sample_slip_printout_png_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    for paper in [Paper::Mm58, Paper::Mm80] {
        let sim = SimPrinter::start(paper, SimMode::Normal).unwrap();
        let mut printer = printer_for(&sim, QrMode::Native);
        let slip = PickupSlip::sample("https://hub.example.cn");
        printer.print_slip(&Slip::Pickup(slip.clone())).unwrap();
        let job = sim.wait_for_jobs(1, JOB_WAIT).remove(0);
        let path = dir.path().join("slip.png");
        write_png(&job.image, &path).unwrap();
        let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&path).unwrap()));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buf).unwrap();
        assert_eq!((info.width, info.height), (job.image.width, job.image.height));
        let back = PaperImage { width: info.width, height: info.height, pixels: buf[..info.buffer_size()].to_vec() };
        assert_eq!(decode_qr(&back), vec![slip.qr_text.clone()]);
        if std::env::var_os("KIOSK_WRITE_SAMPLE_SLIPS").is_some() {
            let out = format!("{}/docs/sample-slip-{}mm.png", env!("CARGO_MANIFEST_DIR"), paper.mm());
            std::fs::create_dir_all(format!("{}/docs", env!("CARGO_MANIFEST_DIR"))).unwrap();
            write_png(&job.image, std::path::Path::new(&out)).unwrap();
        }
    }
}

/// Issue 17: a printer without native QR on a 9600-baud line (the simulator takes 960 bytes a second).
/// The raster pickup slip is at most 6 KB, so it leaves the line in about 3 s instead of 25; its QR
/// still reads back from the printed paper; and the driver reports its progress as the line carries
/// it, piece by piece, not all at once.
#[test]
fn raster_slip_on_a_9600_baud_line_is_under_6_kb_and_reports_its_progress() {
    let sim = SimPrinter::start(Paper::Mm80, SimMode::Normal).unwrap();
    sim.set_pace(Some(960));
    let mut printer = printer_for(&sim, QrMode::Raster);
    let slip = PickupSlip::sample("https://zwfw.example.gov.cn");
    let job = render(&Slip::Pickup(slip.clone()), Paper::Mm80, QrMode::Raster).unwrap();
    let total = job.bytes.len();
    eprintln!("raster pickup slip, 80 mm: {total} bytes, {:?} at 9600 baud", printer.line_time(total));
    assert!(total <= 6 * 1024, "{total} bytes");

    let started = Instant::now();
    let mut seen: Vec<(Duration, Progress)> = Vec::new();
    let report = printer.print_job_with(&job, &mut |p| seen.push((started.elapsed(), p))).expect("printed");
    let took = started.elapsed();
    assert_eq!(report.bytes, total);
    assert_eq!(sim.received_print_bytes(), total, "every byte arrived");
    let expected = printer.line_time(total);
    assert!(took >= expected.mul_f32(0.9), "the line carried {total} bytes in {took:?}, expected {expected:?}");

    // From 0 to the whole job, a piece at a time, as the line carries it.
    assert_eq!(seen.first().map(|s| s.1.sent), Some(0));
    assert_eq!(seen.last().map(|s| s.1.sent), Some(total));
    assert!(seen.iter().all(|(_, p)| p.total == total && p.baud == 9_600 && p.is_slow()));
    assert!(seen.windows(2).all(|w| w[1].1.sent > w[0].1.sent && w[1].1.sent - w[0].1.sent <= CHUNK));
    let half = seen.iter().find(|(_, p)| p.sent >= total / 2).unwrap();
    assert!(
        half.0 >= expected.mul_f32(0.35),
        "half the job was reported sent after {:?}, the line needs {:?} for it",
        half.0,
        expected / 2
    );
    assert!((1..=4).contains(&seen[0].1.seconds_left()), "{} s left at the start", seen[0].1.seconds_left());

    let jobs = sim.wait_for_jobs(1, JOB_WAIT);
    assert_eq!(jobs.len(), 1);
    assert_eq!(decode_qr(&jobs[0].image), vec![slip.qr_text.clone()], "the QR reads back from the paper");
    assert!(jobs[0].text_lines.iter().any(|l| l.contains(&slip.pickup_code)));
}

#[test]
fn an_unplugged_printer_fails_the_job_clearly_and_prints_again_once_plugged_back_in_without_a_restart() {
    use kiosk::devices::printer::{DeviceKind, PrintService, PrinterConfig};
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("kiosk-printer");
    let config = PrinterConfig {
        kind: DeviceKind::Serial,
        port: Some(link.to_str().unwrap().to_string()),
        ..PrinterConfig::default()
    };
    let mut service = PrintService::start(&config).unwrap();
    let slip = Slip::Pickup(PickupSlip::sample("https://hub.example.cn"));
    let print = |service: &mut PrintService| {
        let id = service.submit(service.render(&slip).unwrap());
        let outcome = service.wait_outcome(JOB_WAIT).expect("the worker answers");
        assert_eq!(outcome.id, id);
        outcome.result
    };

    // Plugged in: the link points at the device and a slip prints.
    let sim = SimPrinter::start(Paper::Mm80, SimMode::Normal).unwrap();
    super::repoint(&link, sim.path());
    print(&mut service).expect("printed while plugged in");
    assert_eq!(sim.wait_for_jobs(1, JOB_WAIT).len(), 1);

    // Unplugged: the PTY closes, the link dangles; the job fails with an open error naming the port.
    drop(sim);
    match print(&mut service) {
        Err(e @ PrintError::Open { .. }) => assert!(e.to_string().contains("kiosk-printer"), "{e}"),
        other => panic!("an unplugged printer must fail to open, got {other:?}"),
    }

    // Plugged back in as a new device at the same name: the same service prints again.
    let sim = SimPrinter::start(Paper::Mm80, SimMode::Normal).unwrap();
    super::repoint(&link, sim.path());
    print(&mut service).expect("printed after the replug, no restart");
    let jobs = sim.wait_for_jobs(1, JOB_WAIT);
    assert_eq!(jobs.len(), 1);
    assert!(jobs[0].text_lines.iter().any(|l| l.contains("4302**********1027")));
}
