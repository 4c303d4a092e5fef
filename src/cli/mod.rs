//! The `kiosk` command line. Subcommands, flags, exit codes and JSON keys are interfaces used by
//! technicians and checked from outside: change them only together with the issue that names them.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::devices::idcard::cli as idcard;
use crate::devices::printer::cli as printer;

#[derive(Debug, Parser)]
#[command(name = "kiosk", version, about = "社区自助服务终端 — community self-service kiosk")]
pub struct Cli {
    /// The terminal's config file (default: kiosk-config/demo.toml, demo mode).
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the kiosk UI (the default).
    Run,
    /// Service guides (办事指南).
    #[command(subcommand)]
    Guides(GuidesCmd),
    /// Configuration files.
    #[command(subcommand)]
    Config(ConfigCmd),
    /// Render a screen headlessly into a PNG.
    Screenshot(ScreenshotArgs),
    /// Talk to a device directly (for technicians).
    #[command(subcommand)]
    Device(DeviceCmd),
    /// The outbox of submitted applications on this terminal.
    #[command(subcommand)]
    Outbox(OutboxCmd),
    /// Run a simulated device on a pseudo-terminal.
    #[command(subcommand)]
    Sim(SimCmd),
    /// Re-provision this terminal from a bundle (as the staff screen does): validate it in full, keep
    /// the old config as `<config>.bak`, switch atomically, write the audit log. Exit 0 done,
    /// 2 invalid bundle (every problem on stderr), 1 other errors.
    Provision {
        /// The provisioning bundle (TOML).
        #[arg(long, value_name = "PATH")]
        bundle: PathBuf,
    },
    /// Staff mode helpers.
    #[command(subcommand)]
    Staff(StaffCmd),
    /// The grid directory (找网格员): find an address's grid worker, list the grids.
    #[command(subcommand)]
    Grid(crate::grid::cli::GridCmd),
}

#[derive(Debug, Subcommand)]
pub enum GuidesCmd {
    /// Search service items by name, pinyin, initials, alias or code; best match first.
    Search {
        query: String,
        /// Print a JSON array of objects with code, name, department.
        #[arg(long)]
        json: bool,
        /// At most this many results.
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
}

#[derive(Debug, Subcommand)]
pub enum OutboxCmd {
    /// Applications on this terminal, newest first (no personal field beyond the masked name).
    List {
        #[arg(long)]
        json: bool,
    },
    /// One application, with its print job.
    Show {
        acceptance_no: String,
        #[arg(long)]
        json: bool,
    },
    /// Print an application's pickup slip again.
    Reprint {
        acceptance_no: String,
        /// Print on this serial port instead of the configured printer.
        #[arg(long)]
        port: Option<String>,
    },
    /// Submit sample applications in a loop, printing `confirmed <acceptance_no>` after each one is
    /// durable (the crash test kills this at random points).
    #[command(hide = true)]
    Stress {
        #[arg(long, default_value_t = 1000)]
        count: u32,
    },
}

#[derive(Debug, Subcommand)]
pub enum StaffCmd {
    /// Read a PIN (4–12 digits) from stdin and print its argon2id hash for `[staff] pin_hash`.
    HashPin,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCmd {
    /// Validate a config file: exit 0, or 2 naming every problem (file, key, expected form).
    Check { path: PathBuf },
}

#[derive(Debug, clap::Args)]
pub struct ScreenshotArgs {
    /// home | guides | search:<query> | theme:<code> | guide:<code> | identify | checklist:<code>
    #[arg(long)]
    pub screen: crate::screenshot::Target,
    /// The PNG file to write.
    #[arg(long)]
    pub out: PathBuf,
    /// WIDTHxHEIGHT; defaults to the configured orientation (1080x1920 portrait).
    #[arg(long, value_parser = crate::screenshot::parse_size)]
    pub size: Option<(u32, u32)>,
}

#[derive(Debug, Subcommand)]
pub enum DeviceCmd {
    /// One find/select/read on an ID-card reader; prints the card.
    ReadCard(idcard::ReadCardArgs),
    /// Ask a receipt printer for its status (DLE EOT).
    PrinterStatus(printer::PrinterStatusArgs),
    /// Print a sample pickup slip; prints its token, pickup code and QR text as JSON.
    PrintSlip(printer::PrintSlipArgs),
    /// Print a service item's materials checklist.
    PrintChecklist(printer::PrintChecklistArgs),
    /// Wait for one scan on a barcode/QR scanner; prints its text.
    Scan(crate::devices::scanner::cli::ScanOnceArgs),
}

#[derive(Debug, Subcommand)]
pub enum SimCmd {
    /// A virtual GA 467 ID-card reader; prints its device path on the first line.
    IdReader(idcard::SimIdReaderArgs),
    /// A virtual ESC/POS receipt printer; prints its device path on the first line.
    Printer(printer::SimPrinterArgs),
    /// A virtual barcode/QR scanner; prints its device path on the first line, then scans each stdin line.
    Scanner(crate::devices::scanner::cli::SimScannerArgs),
}
