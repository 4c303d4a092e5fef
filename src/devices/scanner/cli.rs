//! `kiosk device scan` and `kiosk sim scanner`. The flags and exit codes are an interface checked from
//! outside.

use std::io::{BufRead, Write};
use std::time::Duration;

use super::reader::{self, ScanError, DEFAULT_BAUD};
use super::sim::SimScanner;

/// Exit code: a code was scanned.
pub const EXIT_SCANNED: i32 = 0;
/// Exit code: nothing was scanned within the timeout.
pub const EXIT_NOTHING: i32 = 2;
/// Exit code: the port is missing or failed, or the line was unusable.
pub const EXIT_FAULT: i32 = 3;

/// How long `kiosk sim scanner` waits, after its stdin closed, for the driver to read what was sent.
pub const SIM_DRAIN: Duration = Duration::from_secs(2);

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

/// `kiosk sim scanner [--dribble]`
#[derive(Debug, clap::Args)]
pub struct SimScannerArgs {
    /// Send each scan a few bytes at a time, as a slow UART would.
    #[arg(long)]
    pub dribble: bool,
}

/// Runs `device scan`: waits for one scan and prints its text. Returns the exit code (0 scanned,
/// 2 nothing within the timeout, 3 port fault or unusable line; the reason on stderr).
pub fn run_scan_once(args: &ScanOnceArgs) -> i32 {
    let result = reader::scan_once(&args.port, args.baud, Duration::from_millis(args.timeout_ms));
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

/// Runs `sim scanner` on the process's stdin and stdout.
pub fn run_sim(args: &SimScannerArgs) -> i32 {
    run_sim_with(args, std::io::stdin().lock(), &mut std::io::stdout(), &mut std::io::stderr())
}

/// Starts a simulated scanner, prints its device path alone on the first line of `out`, then scans each
/// line of `input` (its LF or CR LF replaced by CR LF; blank lines skipped) until `input` ends. Waits up
/// to [`SIM_DRAIN`] for the driver to read the last scans, then returns 0 (1 if it could not start).
pub fn run_sim_with(args: &SimScannerArgs, mut input: impl BufRead, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
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
