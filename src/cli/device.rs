//! `kiosk device …`: one command against a real device on a serial port, for technicians.
//! `read-card` (ID-card reader), `printer-status`, `print-slip`, `print-checklist` (receipt printer)
//! and `scan` (barcode/QR scanner). The flags, JSON keys and exit codes are an interface checked
//! from outside.

use std::io::Write;
use std::time::Duration;

use clap::builder::TypedValueParser as _;
use clap::builder::{PossibleValue, PossibleValuesParser};

use crate::devices::idcard::{read_card_once, Card, CardType, Gender, ReadError};
use crate::devices::printer::{render, PrintError, Printer, QrMode, RenderedJob};
use crate::devices::scanner::reader::DEFAULT_BAUD;
use crate::devices::scanner::{scan_once, ScanError};
use crate::slip::{ChecklistSlip, Paper, PickupSlip, Slip};

// ---- ID-card reader ----

/// `kiosk device read-card --port PATH [--baud N] [--timeout-ms N] [--json]`
#[derive(Debug, clap::Args)]
pub struct ReadCardArgs {
    /// Serial device of the reader, e.g. /dev/ttyUSB0.
    #[arg(long)]
    pub port: String,
    #[arg(long, default_value_t = 115_200)]
    pub baud: u32,
    /// Timeout of the read step in milliseconds (find/select use their own short timeouts).
    #[arg(long, default_value_t = 2_000)]
    pub timeout_ms: u64,
    /// Print the card as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Runs `read-card`; returns the process exit code (0 read, 2 no card, 3 device or protocol fault).
pub fn run_read_card(args: &ReadCardArgs) -> i32 {
    let timeout = Duration::from_millis(args.timeout_ms);
    let result = read_card_once(&args.port, args.baud, timeout);
    let stdout = std::io::stdout();
    read_card_outcome(result, args.json, &mut stdout.lock(), &mut std::io::stderr())
}

/// Prints the outcome of a read and returns the exit code (split out for tests).
pub fn read_card_outcome(result: Result<Card, ReadError>, json: bool, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    match result {
        Ok(card) => {
            let printed = if json {
                serde_json::to_string_pretty(&card).map_err(std::io::Error::other).and_then(|s| writeln!(out, "{s}"))
            } else {
                write!(out, "{}", card_text(&card))
            };
            match printed.and_then(|()| out.flush()) {
                Ok(()) => 0,
                Err(e) => {
                    let _ = writeln!(err, "read-card: cannot print the card: {e}");
                    3
                }
            }
        }
        Err(ReadError::NoCard) => {
            let _ = writeln!(err, "read-card: {}", ReadError::NoCard);
            2
        }
        Err(e) => {
            let _ = writeln!(err, "read-card: {e}");
            3
        }
    }
}

/// The card as readable lines (Chinese labels, as printed on the card).
pub fn card_text(card: &Card) -> String {
    let kind = match card.card_type {
        CardType::Resident => "居民身份证",
        CardType::HkMoTw => "港澳台居民居住证",
        CardType::Foreign => "外国人永久居留身份证",
    };
    let gender = match card.gender {
        Gender::Male => "男",
        Gender::Female => "女",
        Gender::Unknown => "未知",
    };
    let mut lines = vec![format!("证件类型: {kind}"), format!("姓名: {}", card.name)];
    if let Some(english) = &card.english_name {
        lines.push(format!("英文姓名: {english}"));
    }
    lines.push(format!("性别: {gender}"));
    if let Some(nation) = &card.nation {
        lines.push(format!("民族: {nation}"));
    }
    if let Some(country) = &card.country {
        lines.push(format!("国籍: {country}"));
    }
    lines.push(format!("出生: {}", card.birth_date.format("%Y-%m-%d")));
    if !card.address.is_empty() {
        lines.push(format!("住址: {}", card.address));
    }
    lines.push(format!(
        "证件号码: {} ({})",
        card.id_number,
        if card.id_number_valid { "校验通过" } else { "校验失败" }
    ));
    if let Some(pass) = &card.pass_number {
        lines.push(format!("通行证号码: {pass}"));
    }
    lines.push(format!("签发机关: {}", card.issuer));
    lines.push(format!(
        "有效期限: {} 至 {}{}",
        card.valid_from.format("%Y-%m-%d"),
        card.valid_to,
        if card.expired { " (已过期)" } else { "" }
    ));
    let mut text = lines.join("\n");
    text.push('\n');
    text
}

// ---- Receipt printer ----

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
    #[arg(long, default_value = "native", value_parser = qr_mode())]
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
    #[arg(long, default_value = "native", value_parser = qr_mode())]
    pub qr: QrMode,
    #[arg(long, default_value_t = 80)]
    pub paper: u32,
    #[arg(long, default_value_t = 500)]
    pub timeout_ms: u64,
}

/// `--qr native|raster`.
fn qr_mode() -> impl clap::builder::TypedValueParser<Value = QrMode> {
    PossibleValuesParser::new([
        PossibleValue::new("native").help("`GS ( k` model 2: the printer draws the symbol"),
        PossibleValue::new("raster").help("`GS v 0` raster image built on the kiosk, for printers without `GS ( k`"),
    ])
    .map(|s| if s == "raster" { QrMode::Raster } else { QrMode::Native })
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

/// `--paper`: 58 or 80; anything else is exit 2 with the reason on stderr.
pub(super) fn paper(mm: u32) -> Result<Paper, i32> {
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
        PrintError::Unconfirmed { .. } => EXIT_NO_ANSWER,
    }
}

/// What `printer-status --json` prints for a printer that did not answer: nothing is known of its
/// paper, so it does not say "ok".
pub const NO_ANSWER_JSON: &str = r#"{"online":false,"paper":"unknown","cover_open":false,"error":false}"#;

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
                println!("{NO_ANSWER_JSON}");
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

// ---- Barcode/QR scanner ----

/// Exit code: a code was scanned.
pub const EXIT_SCANNED: i32 = 0;
/// Exit code: nothing was scanned within the timeout.
pub const EXIT_NOTHING: i32 = 2;
/// Exit code: the port is missing or failed, or the line was unusable.
pub const EXIT_FAULT: i32 = 3;

/// `kiosk device scan --port PATH [--baud N] [--timeout-ms N]`
#[derive(Debug, clap::Args)]
pub struct ScanOnceArgs {
    /// Serial device of the scanner, e.g. /dev/ttyACM0.
    #[arg(long)]
    pub port: String,
    #[arg(long, default_value_t = DEFAULT_BAUD)]
    pub baud: u32,
    /// How long to wait for a scan, in milliseconds.
    #[arg(long, default_value_t = 10_000)]
    pub timeout_ms: u64,
}

/// Runs `device scan`: waits for one scan and prints its text. Returns the exit code (0 scanned,
/// 2 nothing within the timeout, 3 port fault or unusable line; the reason on stderr).
pub fn run_scan_once(args: &ScanOnceArgs) -> i32 {
    let result = scan_once(&args.port, args.baud, Duration::from_millis(args.timeout_ms));
    scan_outcome(result, &mut std::io::stdout().lock(), &mut std::io::stderr())
}

/// Prints the outcome of a one-shot scan and returns the exit code (split out for tests).
pub fn scan_outcome(result: Result<String, ScanError>, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    match result {
        Ok(text) => match writeln!(out, "{text}").and_then(|()| out.flush()) {
            Ok(()) => EXIT_SCANNED,
            Err(e) => {
                let _ = writeln!(err, "scan: cannot print the scan: {e}");
                EXIT_FAULT
            }
        },
        Err(e @ ScanError::Timeout { .. }) => {
            let _ = writeln!(err, "scan: {e}");
            EXIT_NOTHING
        }
        Err(e) => {
            let _ = writeln!(err, "scan: {e}");
            EXIT_FAULT
        }
    }
}
