//! `kiosk sim …`: a simulated device on a pseudo-terminal, for demos and for testing the kiosk
//! without hardware. Each prints its device path alone on its first stdout line. The flags are an
//! interface checked from outside.

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser as _};

use crate::devices::idcard::{card, Card, SimReader};
use crate::devices::printer::{write_png, SimMode, SimPrinter};
use crate::devices::scanner::SimScanner;

use super::device::{paper, EXIT_USAGE};

// ---- ID-card reader ----

/// `kiosk sim id-reader --card FILE.json`
#[derive(Debug, clap::Args)]
pub struct SimIdReaderArgs {
    /// A card to place on the virtual reader (JSON, same keys as `read-card --json`).
    #[arg(long)]
    pub card: Option<PathBuf>,
}

/// How long after a read the command-line simulator puts the card back.
pub const SIM_REPLACE_AFTER: Duration = Duration::from_secs(2);

/// Runs the simulator until killed; prints the device path on its first line.
///
/// With `--card`, the card lies on the reader; after each read it counts as lifted (find fails, as on
/// a real reader) and is placed again [`SIM_REPLACE_AFTER`] later.
pub fn run_id_reader(args: &SimIdReaderArgs) -> anyhow::Result<()> {
    let card = match &args.card {
        Some(path) => {
            let json = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
            let card: Card = serde_json::from_str(&json).with_context(|| format!("parsing {}", path.display()))?;
            card::encode_text(&card).with_context(|| format!("{} does not fit on a card", path.display()))?;
            Some(card)
        }
        None => None,
    };
    let sim = SimReader::start().context("starting the simulated reader")?;
    if let Some(card) = &card {
        sim.place(card)?;
    }
    {
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "{}", sim.path())?;
        stdout.flush()?;
    }
    let mut served = 0;
    loop {
        if sim.wait_for_reads(served + 1, Duration::from_secs(3600)) {
            served = sim.reads_served();
            std::thread::sleep(SIM_REPLACE_AFTER);
            if let Some(card) = &card {
                sim.place(card)?;
            }
        }
    }
}

// ---- Receipt printer ----

/// `kiosk sim printer [--mode normal|paper-out|cover-open|near-end|silent] [--paper 58|80] [--out-dir DIR]`
#[derive(Debug, clap::Args)]
pub struct SimPrinterArgs {
    #[arg(long, default_value = "normal", value_parser = sim_mode())]
    pub mode: SimMode,
    #[arg(long, default_value_t = 80, value_parser = clap::builder::PossibleValuesParser::new(["58", "80"]).map(|s| s.parse::<u32>().unwrap()))]
    pub paper: u32,
    /// Where each printed job's PNG goes (default: a new directory under the system temp dir).
    #[arg(long)]
    pub out_dir: Option<PathBuf>,
}

/// `--mode normal|paper-out|cover-open|near-end|silent`.
fn sim_mode() -> impl clap::builder::TypedValueParser<Value = SimMode> {
    PossibleValuesParser::new([
        PossibleValue::new("normal").help("Ready; prints"),
        PossibleValue::new("paper-out").help("Reports paper out; prints nothing"),
        PossibleValue::new("cover-open").help("Reports the cover open; prints nothing"),
        PossibleValue::new("near-end").help("Reports paper near end; prints"),
        PossibleValue::new("silent").help("Answers nothing and prints nothing (switched off, cable pulled)"),
    ])
    .map(|s| match s.as_str() {
        "paper-out" => SimMode::PaperOut,
        "cover-open" => SimMode::CoverOpen,
        "near-end" => SimMode::NearEnd,
        "silent" => SimMode::Silent,
        _ => SimMode::Normal,
    })
}

/// `kiosk sim printer`: prints the device path alone on the first stdout line, says on stderr where
/// job images go, and serves until killed.
pub fn run_printer(args: &SimPrinterArgs) -> i32 {
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
        for (no, job) in sim.jobs_after(written, Duration::from_secs(1)) {
            written = no;
            let path = dir.join(format!("job-{no:04}.png"));
            match write_png(&job.image, &path) {
                Ok(()) => eprintln!("job {no}: {}", path.display()),
                Err(e) => eprintln!("job {no}: cannot write {}: {e}", path.display()),
            }
        }
    }
}

// ---- Barcode/QR scanner ----

/// How long `kiosk sim scanner` waits, after its stdin closed, for the driver to read what was sent.
pub const SIM_DRAIN: Duration = Duration::from_secs(2);

/// `kiosk sim scanner [--dribble]`
#[derive(Debug, clap::Args)]
pub struct SimScannerArgs {
    /// Send each scan a few bytes at a time, as a slow UART would.
    #[arg(long)]
    pub dribble: bool,
}

/// Runs `sim scanner` on the process's stdin and stdout.
pub fn run_scanner(args: &SimScannerArgs) -> i32 {
    run_scanner_with(args, std::io::stdin().lock(), &mut std::io::stdout(), &mut std::io::stderr())
}

/// Starts a simulated scanner, prints its device path alone on the first line of `out`, then scans each
/// line of `input` (its LF or CR LF replaced by CR LF; blank lines skipped) until `input` ends. Waits up
/// to [`SIM_DRAIN`] for the driver to read the last scans, then returns 0 (1 if it could not start).
pub fn run_scanner_with(
    args: &SimScannerArgs,
    mut input: impl BufRead,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let sim = match SimScanner::start() {
        Ok(sim) => sim,
        Err(e) => {
            let _ = writeln!(err, "cannot start the simulated scanner: {e}");
            return 1;
        }
    };
    sim.set_dribble(args.dribble);
    if writeln!(out, "{}", sim.path()).and_then(|()| out.flush()).is_err() {
        return 1;
    }
    let mut line = Vec::new();
    loop {
        line.clear();
        match input.read_until(b'\n', &mut line) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => {
                let _ = writeln!(err, "sim scanner: reading stdin: {e}");
                break;
            }
        }
        while line.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
            line.pop();
        }
        if line.is_empty() {
            continue;
        }
        // Raw bytes, so a tester can send non-UTF-8 or over-long lines too.
        line.extend_from_slice(b"\r\n");
        match sim.send_raw(&line) {
            Ok(()) => {
                let _ = writeln!(err, "sim scanner: scanned {} bytes", line.len() - 2);
            }
            Err(e) => {
                let _ = writeln!(err, "sim scanner: cannot send the scan: {e}");
            }
        }
    }
    if !sim.wait_drained(SIM_DRAIN) {
        let _ = writeln!(err, "sim scanner: nobody read the last scans");
    }
    0
}
