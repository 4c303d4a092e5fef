use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;

use kiosk::catalog::{self, Catalog};
use kiosk::cli::{Cli, Command, ConfigCmd, DeviceCmd, GuidesCmd, OutboxCmd, SimCmd, StaffCmd};
use kiosk::config::Config;
use kiosk::devices::{idcard, printer, scanner};
use kiosk::store::Store;

fn main() -> ExitCode {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("错误 error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn code(c: i32) -> ExitCode {
    ExitCode::from(c.clamp(0, 255) as u8)
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let config_path = cli.config.as_deref();
    match cli.command.unwrap_or(Command::Run) {
        Command::Run => {
            let config = Config::resolve(config_path)?;
            run_kiosk(&config, config_path)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Guides(GuidesCmd::Search { query, json, limit }) => {
            let config = Config::resolve(config_path)?;
            let catalog = open_catalog(&config)?;
            let hits = catalog.search(&query, limit);
            if json {
                let rows: Vec<_> = hits
                    .iter()
                    .map(|g| {
                        serde_json::json!({
                            "code": g.code,
                            "name": g.name,
                            "department": g.department,
                            "handling": g.handling.label(),
                            "promised_days": g.promised_days,
                            "terminal": g.terminal,
                        })
                    })
                    .collect();
                println!("{}", serde_json::to_string_pretty(&rows)?);
            } else if hits.is_empty() {
                println!("没有找到与“{query}”有关的事项。");
            } else {
                for g in hits {
                    println!("{}  {}  ({})", g.code, g.name, g.department);
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Config(ConfigCmd::Check { path }) => {
            let problems = Config::check(&path);
            if problems.is_empty() {
                println!("{}: ok", path.display());
                return Ok(ExitCode::SUCCESS);
            }
            for e in &problems {
                eprintln!("{e}");
            }
            Ok(ExitCode::from(2))
        }
        Command::Provision { bundle } => Ok(code(provision(config_path, &bundle))),
        Command::Staff(StaffCmd::HashPin) => {
            let mut pin = String::new();
            std::io::stdin().read_line(&mut pin)?;
            let pin = pin.trim();
            if !kiosk::staff::pin::pin_form_ok(pin) {
                eprintln!("a PIN is 4 to 12 digits");
                return Ok(ExitCode::from(2));
            }
            println!("{}", kiosk::staff::pin::hash_pin(pin).map_err(anyhow::Error::msg)?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Screenshot(args) => {
            let config = Config::resolve(config_path)?;
            kiosk::fonts::ensure_fontconfig(&config.data_dir).context("preparing fonts")?;
            let catalog = open_catalog(&config)?;
            let size = args.size.unwrap_or(config.screen.orientation.size());
            kiosk::screenshot::render(&config, catalog, &args.screen, size, &args.out)?;
            println!("{}", args.out.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Device(DeviceCmd::ReadCard(args)) => Ok(code(idcard::cli::run_read_card(&args))),
        Command::Device(DeviceCmd::PrinterStatus(args)) => Ok(code(printer::cli::run_printer_status(&args))),
        Command::Device(DeviceCmd::PrintSlip(args)) => Ok(code(printer::cli::run_print_slip(&args))),
        Command::Device(DeviceCmd::PrintChecklist(args)) => {
            let config = Config::resolve(config_path)?;
            let catalog = open_catalog(&config)?;
            let Some(guide) = catalog.get(&args.item) else {
                eprintln!("no service item with code `{}` in the catalogue (try `kiosk guides search`)", args.item);
                return Ok(ExitCode::from(2));
            };
            let slip = kiosk::slip::ChecklistSlip::from_guide(guide);
            Ok(code(printer::cli::run_print_checklist(&args, &slip)))
        }
        Command::Outbox(cmd) => {
            let config = Config::resolve(config_path)?;
            let (mut store, catalog) = open_store(&config)?;
            let out = &mut std::io::stdout();
            let status = match cmd {
                OutboxCmd::List { json } => kiosk::outbox_cli::list(&store, json, out)?,
                OutboxCmd::Show { acceptance_no, json } => kiosk::outbox_cli::show(&store, &acceptance_no, json, out)?,
                OutboxCmd::Reprint { acceptance_no, port } => {
                    kiosk::outbox_cli::reprint(&mut store, &config, &acceptance_no, port.as_deref())?
                }
                OutboxCmd::Stress { count } => kiosk::outbox_cli::stress(&mut store, &config, &catalog, count)?,
            };
            Ok(code(status))
        }
        Command::Sim(SimCmd::Printer(args)) => Ok(code(printer::cli::run_sim(&args))),
        Command::Device(DeviceCmd::Scan(args)) => Ok(code(scanner::cli::run_scan_once(&args))),
        Command::Sim(SimCmd::Scanner(args)) => Ok(code(scanner::cli::run_sim(&args))),
        Command::Grid(cmd) => {
            let config = Config::resolve(config_path)?;
            let mut store = Store::open(&config.database_path())?;
            Ok(code(kiosk::grid::cli::run(&mut store, &cmd, &mut std::io::stdout())?))
        }
        Command::Sim(SimCmd::IdReader(args)) => {
            idcard::cli::run_sim(&args)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Opens the terminal's database, installing the bundled catalogue when it is newer.
fn open_catalog(config: &Config) -> anyhow::Result<Catalog> {
    Ok(open_store(config)?.1)
}

fn open_store(config: &Config) -> anyhow::Result<(Store, Catalog)> {
    let (store, file) = Store::open_with_catalog(&config.database_path(), &catalog::bundled())?;
    Ok((store, Catalog::new(file)))
}

fn run_kiosk(config: &Config, config_path: Option<&std::path::Path>) -> anyhow::Result<()> {
    kiosk::fonts::ensure_fontconfig(&config.data_dir).context("preparing fonts")?;
    let (mut store, catalog) = open_store(config)?;
    let purged = store.purge_personal(config.applications.retention_days, chrono::Local::now())?;
    if purged > 0 {
        log::info!("purged personal fields of {purged} synced applications");
    }
    log::info!(
        "starting terminal {} (catalogue v{}, {} items)",
        config.terminal_id,
        catalog.version(),
        catalog.items().len()
    );
    let devices = kiosk::ui::Devices::start(config);
    let ui = kiosk::ui::KioskUi::new(config, catalog, devices)?;
    ui.attach_store(store);
    // Offline-first: with no [hub] url the worker only keeps the outbox; the kiosk never waits for it.
    ui.attach_sync(kiosk::sync::SyncWorker::start(config, &config.database_path(), ui.health()));
    if let Some(path) = config_file(config_path) {
        ui.set_config_path(path);
    }
    let (w, h) = config.screen.orientation.size();
    let window = slint::ComponentHandle::window(ui.window());
    window.set_size(slint::LogicalSize::new(w as f32, h as f32));
    if config.screen.fullscreen {
        window.set_fullscreen(true);
    }
    slint::ComponentHandle::run(ui.window())?;
    Ok(())
}

/// The config file in use: `--config`, else `kiosk-config/demo.toml` when present (none for the
/// built-in demo config).
fn config_file(config_path: Option<&std::path::Path>) -> Option<std::path::PathBuf> {
    match config_path {
        Some(p) => Some(p.to_path_buf()),
        None => {
            let default = std::path::Path::new(kiosk::config::DEFAULT_CONFIG_PATH);
            default.exists().then(|| default.to_path_buf())
        }
    }
}

/// `kiosk provision --bundle PATH`: 0 done, 2 invalid bundle, 1 other errors.
fn provision(config_path: Option<&std::path::Path>, bundle: &std::path::Path) -> i32 {
    use kiosk::staff::provision::{self, ProvisionError};
    let Some(path) = config_file(config_path) else {
        eprintln!("no config file to provision: pass --config PATH");
        return 1;
    };
    match provision::provision(&path, bundle) {
        Ok((validated, config)) => {
            let mut what = format!("provisioned from {} (command line)", bundle.display());
            for c in &validated.changes {
                what.push_str("; ");
                what.push_str(c);
            }
            match Store::open(&config.database_path()).and_then(|mut s| s.audit(kiosk::staff::AUDIT_WHO, &what)) {
                Ok(()) => {}
                Err(e) => {
                    eprintln!("config switched, but the audit log could not be written: {e}");
                    return 1;
                }
            }
            println!("{}: provisioned as {} ({})", path.display(), config.terminal_id, config.centre_name);
            for c in &validated.changes {
                println!("  {c}");
            }
            for n in &validated.notes {
                println!("  note: {n}");
            }
            println!("previous config kept as {}", provision::backup_path(&path).display());
            0
        }
        Err(ProvisionError::Invalid(errors)) => {
            for e in &errors {
                eprintln!("{e}");
            }
            eprintln!("{} problem(s); nothing changed", errors.len());
            2
        }
        Err(ProvisionError::Io(e)) => {
            eprintln!("错误 error: {e}");
            1
        }
    }
}
