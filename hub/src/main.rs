//! `kiosk-hub`: argument parsing, config, exit codes (0 ok, 2 usage or not found, 1 other errors,
//! with a one-line reason on stderr).

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;
use kiosk_hub::cli::{
    self, ApplicationsCommand, CatalogCommand, Cli, CliError, Command, EnrolmentCommand, GridCommand, KeysCommand,
    StaffCommand, TerminalsCommand,
};
use kiosk_hub::config::{default_config_file, Config};
use kiosk_hub::store::Store;

fn main() -> ExitCode {
    // The journal under systemd, stderr otherwise; the config's log_level applies once it is read.
    kiosk_systemd::logger::init("kiosk-hub", &[]);
    let cli = Cli::parse();
    match run(cli) {
        Ok(out) => {
            if !out.is_empty() {
                println!("{out}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("kiosk-hub: {e}");
            ExitCode::from(e.exit_code() as u8)
        }
    }
}

fn load_config(path: Option<&Path>) -> Result<Config, CliError> {
    let other = |e: kiosk_hub::config::ConfigError| CliError::Other(e.to_string());
    match path {
        Some(path) => Config::load(path).map_err(other),
        None => match default_config_file() {
            Some(path) => Config::load(&path).map_err(other),
            None => Ok(Config::defaults(Path::new(""))),
        },
    }
}

fn run(cli: Cli) -> Result<String, CliError> {
    let config = load_config(cli.config.as_deref())?;
    kiosk_systemd::logger::set_level(&config.log_level);
    if matches!(cli.command, Command::Keys(KeysCommand::Init)) {
        return cli::keys_init(config.key_file.as_deref());
    }
    let database = config.database.display();
    let damaged = |problem: &dyn std::fmt::Display| {
        CliError::Other(format!(
            "database {database} is damaged or not a database (数据库文件已损坏): {problem}; the hub does not start on \
             it: restore the file from a backup"
        ))
    };
    // One `serve` per SQLite file (held until the process ends); PostgreSQL takes any number.
    let _serving = match cli.command {
        Command::Serve => Store::lock_for_serving(&config.database).map_err(|e| CliError::Other(e.to_string()))?,
        _ => None,
    };
    let store = Store::connect(&config.database, config.key_file.as_deref(), config.database_ca_file.as_deref())
        .map_err(|e| match e.is_corruption() {
            true => damaged(&e),
            false => CliError::Other(format!("{database}: {e}")),
        })?;
    // The hub refuses to serve from a damaged file (issue 18); the check reads every page once.
    if matches!(cli.command, Command::Serve) {
        match store.quick_check() {
            Ok(None) => {}
            Ok(Some(problem)) => return Err(damaged(&problem)),
            Err(e) if e.is_corruption() => return Err(damaged(&e)),
            Err(e) => return Err(CliError::Other(format!("{database}: {e}"))),
        }
    }
    match cli.command {
        Command::Serve => serve(config, store).map(|()| String::new()),
        Command::Terminals(TerminalsCommand::Add { id, name }) => cli::terminals_add(&store, &id, name.as_deref()),
        Command::Terminals(TerminalsCommand::List { json }) => cli::terminals_list(&store, json),
        Command::Terminals(TerminalsCommand::Revoke { id }) => cli::terminals_revoke(&store, &id),
        Command::Catalog(CatalogCommand::Publish { file }) => cli::catalog_publish(&store, &file),
        Command::Grid(GridCommand::Publish { file }) => cli::grid_publish(&store, &file),
        Command::Applications(ApplicationsCommand::List { json, kind, status, id_suffix }) => {
            cli::applications_find(&store, json, kind.as_deref(), status.as_deref(), id_suffix.as_deref())
        }
        Command::Applications(ApplicationsCommand::SetStatus { id_or_acceptance_no, status, note }) => {
            cli::applications_set_status(&store, &id_or_acceptance_no, &status, note.as_deref())
        }
        Command::Staff(StaffCommand::Add { username, role }) => {
            cli::staff_args(&username, &role)?;
            let password = cli::read_password()?;
            cli::staff_add(&store, &username, &role, &password)
        }
        Command::Staff(StaffCommand::List { json }) => cli::staff_list(&store, json),
        Command::Staff(StaffCommand::Disable { username }) => cli::staff_disable(&store, &username),
        Command::Staff(StaffCommand::Passwd { username }) => {
            let password = cli::read_password()?;
            cli::staff_passwd(&store, &username, &password)
        }
        Command::Enrolment(EnrolmentCommand::Create { terminal_id, expires_in }) => {
            cli::enrolment_create(&store, &terminal_id, &expires_in)
        }
        Command::Keys(KeysCommand::Rotate) => cli::keys_rotate(&store, config.key_file.as_deref()),
        Command::Keys(KeysCommand::Init) => unreachable!("handled before the store is opened"),
    }
}

/// How often `serve` purges expired personal fields and seals rows with the current key (also once at
/// start).
const MAINTENANCE_EVERY: std::time::Duration = std::time::Duration::from_secs(3600);

/// One maintenance pass: `retention_days`, then rows not sealed with the current key (a database from
/// before the key file, or a key rotated by `kiosk-hub keys rotate` elsewhere).
fn maintain(store: &Store, retention_days: Option<u32>) {
    if let Some(days) = retention_days {
        match store.purge_expired(days) {
            Ok(0) => {}
            Ok(n) => log::info!("purged the personal fields of {n} applications closed over {days} days ago"),
            Err(e) => log::error!("retention purge failed: {e}"),
        }
    }
    if store.crypto().is_some() {
        match store.reseal_all() {
            Ok(0) => {}
            Ok(n) => log::info!("sealed the personal fields of {n} applications with the current key"),
            Err(e) => log::error!("sealing personal fields failed: {e}"),
        }
    }
}

fn serve(config: Config, store: Store) -> Result<(), CliError> {
    let runtime = tokio::runtime::Runtime::new().map_err(|e| CliError::Other(format!("tokio runtime: {e}")))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .map_err(|e| CliError::Other(format!("cannot listen on {}: {e}", config.listen)))?;
        let store = Arc::new(store);
        let mut state =
            kiosk_hub::api::AppState::with_limits(store.clone(), config.public_base_url.as_deref(), config.limits);
        state.console = kiosk_hub::web::ConsoleSettings::new(
            config.public_base_url.as_deref(),
            config.console.session_idle_minutes,
        );
        let state = Arc::new(state);
        if let Some(address) = config.metrics_listen {
            let metrics = tokio::net::TcpListener::bind(address)
                .await
                .map_err(|e| CliError::Other(format!("cannot listen on {address} (metrics_listen): {e}")))?;
            log::info!("kiosk-hub metrics on http://{address}/metrics");
            // Ends with the runtime, after the API has stopped.
            tokio::spawn(kiosk_hub::api::serve_metrics(metrics, state.clone(), std::future::pending()));
        }
        if config.key_file.is_none() {
            log::warn!("no key_file in the config: ID numbers and addresses are stored unencrypted");
        }
        let retention_days = config.retention_days;
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(MAINTENANCE_EVERY);
            loop {
                ticks.tick().await;
                let store = store.clone();
                let _ = tokio::task::spawn_blocking(move || maintain(&store, retention_days)).await;
            }
        });
        log::info!("kiosk-hub listening on http://{} (database {})", config.listen, config.database.display());
        // Type=notify: systemd counts the hub started once it listens; the watchdog pings come from
        // the runtime that serves requests, so a wedged runtime stops them.
        kiosk_systemd::notify::notify_logged(&format!("READY=1\nSTATUS=serving on http://{}", config.listen));
        if let Some(every) = kiosk_systemd::watchdog_interval() {
            tokio::spawn(async move {
                let mut ticks = tokio::time::interval(every);
                loop {
                    ticks.tick().await;
                    kiosk_systemd::notify::notify_logged("WATCHDOG=1");
                }
            });
        }
        kiosk_hub::api::serve(listener, state, shutdown_signal()).await.map_err(|e| CliError::Other(e.to_string()))?;
        kiosk_systemd::notify::notify_logged("STOPPING=1");
        log::info!("kiosk-hub stopped");
        Ok(())
    })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
