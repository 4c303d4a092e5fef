//! `kiosk device printer-status|print-slip|print-checklist` and `kiosk sim printer`.
//! The flags, JSON keys and exit codes are an interface checked from outside.

use clap::builder::TypedValueParser as _;
use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use super::render::{render, RenderedJob};
use super::serial::{PrintError, Printer};
pub use super::sim::SimMode;
use super::sim::{write_png, SimPrinter};
use super::QrMode;
use crate::slip::{ChecklistSlip, Paper, PickupSlip, Slip};

/// `kiosk device printer-status --port PATH [--json]`
#[derive(Debug, clap::Args)]
pub struct PrinterStatusArgs {
    #[arg(long)]
    pub port: String,
    #[arg(long, default_value_t = 9_600)]
    pub baud: u32,
    #[arg(long)]
    pub json: bool,
    /// How long to wait for each status byte.
    #[arg(long, default_value_t = 500)]
    pub timeout_ms: u64,
}

/// `kiosk device print-slip --port PATH --sample [--qr native|raster] [--paper 58|80]`
#[derive(Debug, clap::Args)]
pub struct PrintSlipArgs {
    #[arg(long)]
    pub port: String,
    #[arg(long, default_value_t = 9_600)]
    pub baud: u32,
    /// Print the built-in sample pickup slip.
    #[arg(long)]
    pub sample: bool,
    #[arg(long, value_enum, default_value_t = QrMode::Native)]
    pub qr: QrMode,
    #[arg(long, default_value_t = 80, value_parser = clap::builder::PossibleValuesParser::new(["58", "80"]).map(|s| s.parse::<u32>().unwrap()))]
    pub paper: u32,
    #[arg(long, default_value_t = 500)]
    pub timeout_ms: u64,
    /// Base URL of the QR text (`<base>/p/<token>`).
    #[arg(long, default_value = SAMPLE_QR_BASE)]
    pub qr_base: String,
}

/// `kiosk device print-checklist --port PATH --item CODE`
#[derive(Debug, clap::Args)]
pub struct PrintChecklistArgs {
    #[arg(long)]
    pub port: String,
    #[arg(long, default_value_t = 9_600)]
    pub baud: u32,
    /// The service item's code (事项编码).
    #[arg(long)]
    pub item: String,
    #[arg(long, value_enum, default_value_t = QrMode::Native)]
    pub qr: QrMode,
    #[arg(long, default_value_t = 80)]
    pub paper: u32,
    #[arg(long, default_value_t = 500)]
    pub timeout_ms: u64,
}

/// `kiosk sim printer [--mode normal|paper-out|cover-open|near-end|silent] [--paper 58|80] [--out-dir DIR]`
#[derive(Debug, clap::Args)]
pub struct SimPrinterArgs {
    #[arg(long, value_enum, default_value_t = SimMode::Normal)]
    pub mode: SimMode,
    #[arg(long, default_value_t = 80, value_parser = clap::builder::PossibleValuesParser::new(["58", "80"]).map(|s| s.parse::<u32>().unwrap()))]
    pub paper: u32,
    /// Where each printed job's PNG goes (default: a new directory under the system temp dir).
    #[arg(long)]
    pub out_dir: Option<PathBuf>,
}

/// Exit code: the printer answered and is ready (or the job printed).
pub const EXIT_OK: i32 = 0;
/// Exit code: bad arguments or a slip that cannot be rendered.
pub const EXIT_USAGE: i32 = 2;
/// Exit code: the printer did not answer (or the port could not be used).
pub const EXIT_NO_ANSWER: i32 = 3;
/// Exit code: the printer answered but cannot print (paper out, cover open, error, offline).
pub const EXIT_NOT_READY: i32 = 4;

/// Default QR base URL of the sample slip (the kiosk passes the hub's configured base).
pub const SAMPLE_QR_BASE: &str = "https://kiosk.example.cn";

fn open(port: &str, baud: u32, timeout_ms: u64) -> Result<Printer, i32> {
    Printer::open_port(port, baud, Duration::from_millis(timeout_ms)).map_err(|e| {
        eprintln!("{e}");
        EXIT_NO_ANSWER
    })
}

fn paper(mm: u32) -> Result<Paper, i32> {
    Paper::from_mm(mm).ok_or_else(|| {
        eprintln!("--paper {mm}: expected 58 or 80");
        EXIT_USAGE
    })
}

fn exit_code(e: &PrintError) -> i32 {
    match e {
        PrintError::NotReady { .. } | PrintError::Interrupted { .. } => EXIT_NOT_READY,
        PrintError::Render(_) | PrintError::Config(_) => EXIT_USAGE,
        PrintError::NoAnswer { .. } | PrintError::Open { .. } | PrintError::Io { .. } => EXIT_NO_ANSWER,
    }
}

/// `kiosk device printer-status`: exit 0 ready, 4 not ready, 3 no answer.
pub fn run_printer_status(args: &PrinterStatusArgs) -> i32 {
    let mut printer = match open(&args.port, args.baud, args.timeout_ms) {
        Ok(p) => p,
        Err(code) => return code,
    };
    match printer.status() {
        Ok(status) => {
            if args.json {
                println!("{}", status.to_json());
            } else {
                println!(
                    "online: {}  paper: {}  cover open: {}  error: {}  (bytes {:02X?})",
                    status.online,
                    status.paper.as_str(),
                    status.cover_open,
                    status.error,
                    status.raw
                );
            }
            if status.is_ready() {
                EXIT_OK
            } else {
                EXIT_NOT_READY
            }
        }
        Err(e) => {
            if args.json && matches!(e, PrintError::NoAnswer { .. }) {
                println!(r#"{{"online":false,"paper":"ok","cover_open":false,"error":false}}"#);
            }
            eprintln!("{e}");
            exit_code(&e)
        }
    }
}

fn print(port: &str, baud: u32, timeout_ms: u64, job: &RenderedJob) -> i32 {
    let mut printer = match open(port, baud, timeout_ms) {
        Ok(p) => p,
        Err(code) => return code,
    };
    match printer.print_job(job) {
        Ok(report) => {
            if report.near_end {
                eprintln!("printed {} bytes; paper near end: replace the roll soon", report.bytes);
            } else {
                eprintln!("printed {} bytes", report.bytes);
            }
            EXIT_OK
        }
        Err(e) => {
            eprintln!("{e}");
            exit_code(&e)
        }
    }
}

/// `kiosk device print-slip --sample`: prints the sample pickup slip; on success stdout has
/// `{"token":…,"pickup_code":…,"qr_text":…}`. Refuses (exit 4, nothing sent but status requests)
/// when the printer is not ready; 3 when it does not answer.
pub fn run_print_slip(args: &PrintSlipArgs) -> i32 {
    if !args.sample {
        eprintln!("print-slip needs --sample (only the built-in sample slip can be printed from the CLI)");
        return EXIT_USAGE;
    }
    let slip = PickupSlip::sample(&args.qr_base);
    let code =
        render_and_print(&Slip::Pickup(slip.clone()), args.paper, args.qr, &args.port, args.baud, args.timeout_ms);
    if code == EXIT_OK {
        let out = serde_json::json!({
            "token": slip.token,
            "pickup_code": slip.pickup_code,
            "qr_text": slip.qr_text,
        });
        println!("{out}");
    }
    code
}

/// `kiosk device print-checklist --item CODE`: the caller looks the guide up and passes its slip.
/// On success stdout has `{"item":…,"qr_text":…}`; exit codes as for print-slip.
pub fn run_print_checklist(args: &PrintChecklistArgs, slip: &ChecklistSlip) -> i32 {
    let code =
        render_and_print(&Slip::Checklist(slip.clone()), args.paper, args.qr, &args.port, args.baud, args.timeout_ms);
    if code == EXIT_OK {
        println!("{}", serde_json::json!({ "item": args.item, "qr_text": slip.qr_text }));
    }
    code
}

/// Lays `slip` out for `paper_mm` and prints it; the exit code of print-slip / print-checklist.
fn render_and_print(slip: &Slip, paper_mm: u32, qr: QrMode, port: &str, baud: u32, timeout_ms: u64) -> i32 {
    let paper = match paper(paper_mm) {
        Ok(p) => p,
        Err(code) => return code,
    };
    match render(slip, paper, qr) {
        Ok(job) => print(port, baud, timeout_ms, &job),
        Err(e) => {
            eprintln!("{e}");
            EXIT_USAGE
        }
    }
}

/// `kiosk sim printer`: prints the device path alone on the first stdout line, says on stderr where
/// job images go, and serves until killed.
pub fn run_sim(args: &SimPrinterArgs) -> i32 {
    let paper = match paper(args.paper) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let dir = args
        .out_dir
        .clone()
        .unwrap_or_else(|| std::env::temp_dir().join(format!("kiosk-sim-printer-{}", std::process::id())));
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("cannot create {}: {e}", dir.display());
        return EXIT_USAGE;
    }
    let sim = match SimPrinter::start(paper, args.mode) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("cannot start the simulated printer: {e}");
            return 1;
        }
    };
    println!("{}", sim.path());
    let _ = std::io::stdout().flush();
    eprintln!("printed jobs are written to {}", dir.display());
    let mut written = 0;
    loop {
        let jobs = sim.wait_for_jobs(written + 1, Duration::from_secs(1));
        for job in jobs.iter().skip(written) {
            written += 1;
            let path = dir.join(format!("job-{written:04}.png"));
            match write_png(&job.image, &path) {
                Ok(()) => eprintln!("job {written}: {}", path.display()),
                Err(e) => eprintln!("job {written}: cannot write {}: {e}", path.display()),
            }
        }
    }
}
