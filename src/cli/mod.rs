//! The `kiosk` command line: the clap tree and the dispatch to one module per command group.
//! Subcommands, flags, exit codes and JSON keys are interfaces used by technicians and checked from
//! outside: change them only together with the issue that names them.
//!
//! Drivers and stores return values; the modules here print them and choose the exit code.

pub mod config;
pub mod device;
pub mod display;
pub mod grid;
pub mod guides;
pub mod outbox;
pub mod run;
pub mod say;
pub mod screenshot;
pub mod sim;
pub mod staff;

use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};

use crate::catalog::{self, Catalog};
use crate::config::Config;
use crate::store::recover::PendingCheck;
use crate::store::Store;

#[derive(Debug, Parser)]
#[command(name = "kiosk", version, about = "社区自助服务终端 — community self-service kiosk")]
pub struct Cli {
    /// The terminal's config file (default: /etc/community-kiosk/kiosk.toml when installed as
    /// /usr/bin/kiosk; otherwise kiosk-config/demo.toml, demo mode).
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
    Screenshot(screenshot::ScreenshotArgs),
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
    /// With `--rollback` instead: put `<config>.bak` back (the current file becomes the backup), as
    /// the staff screen's 撤销上次配置 does. Exit 0 done, 2 invalid backup, 1 no backup or other errors.
    Provision {
        /// The provisioning bundle (TOML).
        #[arg(long, value_name = "PATH", required_unless_present = "rollback", conflicts_with = "rollback")]
        bundle: Option<PathBuf>,
        /// Roll back to the previous config (`<config>.bak`) instead.
        #[arg(long)]
        rollback: bool,
    },
    /// Enrol this terminal with the district hub by a one-time code (`kiosk-hub enrolment create`): the
    /// hub answers with the terminal's id, token and bundle; the config is switched as `provision`
    /// does (validated in full, `<config>.bak` kept, atomic, audited), with `[hub] url`,
    /// `terminal_token` and `[applications] qr_base` set to the hub. Exit 0 done, 2 the code was
    /// refused or the answer is not a valid config (nothing changed), 1 the hub cannot be reached or
    /// other errors.
    Enrol {
        /// The hub's address, e.g. https://hub.example.gov.cn
        #[arg(long, value_name = "URL")]
        hub: String,
        /// The 12-digit code (spaces or - between groups are fine).
        #[arg(long)]
        code: String,
    },
    /// Staff mode helpers.
    #[command(subcommand)]
    Staff(StaffCmd),
    /// The grid directory (找网格员): find an address's grid worker, list the grids.
    #[command(subcommand)]
    Grid(GridCmd),
    /// Say a text with the kiosk's voice ([speech] rate, volume, device): play it, write it to a WAV
    /// file, or only print it as it would be spoken. Exit 0 done, 3 speech not available, 1 failed.
    Say(say::SayArgs),
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
    Check {
        /// The file (default: `--config`, else the default config file).
        path: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum DeviceCmd {
    /// One find/select/read on an ID-card reader; prints the card.
    ReadCard(device::ReadCardArgs),
    /// Ask a receipt printer for its status (DLE EOT).
    PrinterStatus(device::PrinterStatusArgs),
    /// Print a sample pickup slip; prints its token, pickup code and QR text as JSON.
    PrintSlip(device::PrintSlipArgs),
    /// Print a service item's materials checklist.
    PrintChecklist(device::PrintChecklistArgs),
    /// Wait for one scan on a barcode/QR scanner; prints its text.
    Scan(device::ScanOnceArgs),
}

#[derive(Debug, Subcommand)]
pub enum SimCmd {
    /// A virtual GA 467 ID-card reader; prints its device path on the first line.
    IdReader(sim::SimIdReaderArgs),
    /// A virtual ESC/POS receipt printer; prints its device path on the first line.
    Printer(sim::SimPrinterArgs),
    /// A virtual barcode/QR scanner; prints its device path on the first line, then scans each stdin line.
    Scanner(sim::SimScannerArgs),
}

/// `kiosk grid find|list`: the JSON keys and exit codes are an interface (issue 9).
#[derive(Debug, Subcommand)]
pub enum GridCmd {
    /// Find the grid and grid workers of an address; exit 0 when matched, 2 when not.
    Find {
        /// The address as written on an ID card, e.g. 湖南省株洲市石峰区清水塘街道华垅社区演示路8号3栋201室.
        #[arg(long)]
        address: String,
        /// Print {"matched", "grid", "workers", "reason"} as JSON.
        #[arg(long)]
        json: bool,
    },
    /// List every grid with the addresses it covers.
    List {
        #[arg(long)]
        json: bool,
    },
}

/// Runs a parsed command line; returns the process exit code. An `Err` is a failure the command
/// could not word itself (the caller prints it and exits 1).
pub fn dispatch(cli: Cli) -> anyhow::Result<i32> {
    let config_path = cli.config.as_deref();
    let stdout = &mut std::io::stdout();
    match cli.command.unwrap_or(Command::Run) {
        Command::Run => run::run(config_path),
        Command::Guides(GuidesCmd::Search { query, json, limit }) => {
            guides::search(&Config::resolve(config_path)?, &query, json, limit, stdout)
        }
        Command::Config(ConfigCmd::Check { path }) => match path.or_else(|| config_file(config_path)) {
            Some(path) => Ok(config::check(&path, stdout, &mut std::io::stderr())),
            None => Ok(config::no_file(&mut std::io::stderr())),
        },
        Command::Screenshot(args) => screenshot::run(&Config::resolve(config_path)?, &args),
        Command::Say(args) => say::run(&Config::resolve(config_path)?, &args, stdout),
        Command::Provision { bundle: Some(bundle), .. } => Ok(staff::provision(config_path, &bundle)),
        Command::Provision { bundle: None, .. } => Ok(staff::rollback(config_path)),
        Command::Enrol { hub, code } => Ok(staff::enrol(config_path, &hub, &code)),
        Command::Staff(StaffCmd::HashPin) => staff::hash_pin(&mut std::io::stdin().lock(), stdout),
        Command::Device(DeviceCmd::ReadCard(args)) => Ok(device::run_read_card(&args)),
        Command::Device(DeviceCmd::PrinterStatus(args)) => Ok(device::run_printer_status(&args)),
        Command::Device(DeviceCmd::PrintSlip(args)) => Ok(device::run_print_slip(&args)),
        Command::Device(DeviceCmd::PrintChecklist(args)) => {
            let catalog = open_catalog(&Config::resolve(config_path)?)?;
            let Some(guide) = catalog.get(&args.item) else {
                eprintln!("no service item with code `{}` in the catalogue (try `kiosk guides search`)", args.item);
                return Ok(2);
            };
            let slip = crate::slip::ChecklistSlip::from_guide(guide);
            Ok(device::run_print_checklist(&args, &slip))
        }
        Command::Device(DeviceCmd::Scan(args)) => Ok(device::run_scan_once(&args)),
        Command::Outbox(cmd) => {
            let config = Config::resolve(config_path)?;
            let (mut store, catalog) = open_store(&config)?;
            match cmd {
                OutboxCmd::List { json } => outbox::list(&store, json, stdout),
                OutboxCmd::Show { acceptance_no, json } => outbox::show(&store, &acceptance_no, json, stdout),
                OutboxCmd::Reprint { acceptance_no, port } => {
                    outbox::reprint(&mut store, &config, &acceptance_no, port.as_deref())
                }
                OutboxCmd::Stress { count } => outbox::stress(&mut store, &config, &catalog, count),
            }
        }
        Command::Grid(cmd) => {
            let config = Config::resolve(config_path)?;
            let mut store = Store::open_checked(&config.database_path())?;
            grid::run(&mut store, &cmd, stdout)
        }
        Command::Sim(SimCmd::IdReader(args)) => sim::run_id_reader(&args).map(|()| 0),
        Command::Sim(SimCmd::Printer(args)) => Ok(sim::run_printer(&args)),
        Command::Sim(SimCmd::Scanner(args)) => Ok(sim::run_scanner(&args)),
    }
}

/// Opens the terminal's database, installing the bundled catalogue when it is newer.
fn open_catalog(config: &Config) -> anyhow::Result<Catalog> {
    Ok(open_store(config)?.1)
}

/// Commands other than `kiosk run` refuse a damaged database file, naming it (in Chinese and English),
/// and leave it in place: the kiosk may be running on it; its next start recovers it.
fn open_store(config: &Config) -> anyhow::Result<(Store, Catalog)> {
    let (store, file) = Store::open_checked_with_catalog(&config.database_path(), &catalog::bundled())?;
    Ok((store, Catalog::new(file)))
}

/// The kiosk's start: a damaged database file is moved aside and what it holds recovered
/// (src/store/recover.rs); it never keeps the kiosk from starting. The file's check runs while the
/// start goes on: [`finish_store_check`] takes its answer before the store is used.
/// The kiosk's store, catalogue and pending check; `None` for the store when the disk holding it is
/// full ([`crate::store::StoreError::is_full`]): the kiosk starts anyway with the bundled catalogue, says the disk is
/// full, and opens the store once there is room (src/ui/storage.rs). Other errors stop the start.
fn open_store_for_start(config: &Config) -> anyhow::Result<(Option<Store>, Catalog, Option<PendingCheck>)> {
    match Store::open_for_start(&config.database_path(), &catalog::bundled()) {
        Ok((store, file, check)) => {
            tell_recovery(&store);
            Ok((Some(store), Catalog::new(file), check))
        }
        Err(e) if e.is_full() => {
            log::error!("cannot open the database now, starting without it until there is room: {e}");
            Ok((None, Catalog::new(catalog::bundled()), None))
        }
        Err(e) => Err(e.into()),
    }
}

fn finish_store_check(store: Store, check: Option<PendingCheck>) -> anyhow::Result<Store> {
    let Some(check) = check else { return Ok(store) };
    let store = check.finish(store, &catalog::bundled())?;
    tell_recovery(&store);
    Ok(store)
}

fn tell_recovery(store: &Store) {
    if let Some(r) = store.recovery() {
        eprintln!("kiosk: {}", r.message);
    }
}

/// The config file in use: `--config`, else the default file (`/etc/community-kiosk/kiosk.toml` when
/// installed, `kiosk-config/demo.toml` when present in development; none for the built-in demo config).
fn config_file(config_path: Option<&Path>) -> Option<PathBuf> {
    match config_path {
        Some(p) => Some(p.to_path_buf()),
        None => crate::config::default_config_file(),
    }
}
