//! `kiosk run` (the default): the kiosk itself, full screen on the terminal.

use std::path::Path;
use std::time::Instant;

use anyhow::Context;

use crate::config::Config;

/// Opens the store, starts the devices and the sync worker, and runs the UI until it closes.
pub fn run(config_path: Option<&Path>) -> anyhow::Result<i32> {
    let mut phases = Phases::start();
    let config = Config::resolve(config_path)?;
    let config = &config;
    crate::service::apply_config(config);
    phases.mark("config");
    crate::fonts::ensure_fontconfig(&config.data_dir).context("preparing fonts")?;
    skip_compose_table(&config.data_dir);
    super::display::prepare(&config.screen)?;
    phases.mark("fonts");
    // The file's quick_check runs meanwhile (src/store/recover.rs); nothing uses the store before
    // `finish_store_check` (a damaged file is moved aside and recovered there).
    let (store, catalog, check) = super::open_store_for_start(config)?;
    phases.mark("store");
    log::info!(
        "starting terminal {} (catalogue v{}, {} items)",
        config.terminal_id,
        catalog.version(),
        catalog.items().len()
    );
    let devices = crate::ui::Devices::start(config);
    phases.mark("devices");
    let ui = crate::ui::KioskUi::new(config, catalog, devices)?;
    phases.mark("ui");
    match store {
        Some(store) => {
            let mut store = super::finish_store_check(store, check)?;
            phases.mark("check");
            // A purge that cannot be written now (e.g. the disk is full: `StoreError::Full`) does not keep
            // the terminal down: guides and progress queries need no room, and the next start purges.
            match store.purge_personal(config.applications.retention_days, chrono::Local::now()) {
                Ok(0) => {}
                Ok(purged) => log::info!("purged personal fields of {purged} synced applications"),
                Err(e) => log::error!("cannot purge personal fields now, tried again at the next start: {e}"),
            }
            // Damaged files set aside at an earlier start hold names and ID numbers: deleted once
            // recovered and older than the same retention.
            let days = config.applications.retention_days;
            match store.remove_recovered_asides(&config.database_path(), days, chrono::Local::now()) {
                Ok(0) => {}
                Ok(n) => log::info!("deleted {n} damaged database files recovered more than {days} days ago"),
                Err(e) => log::error!("cannot delete recovered damaged database files now: {e}"),
            }
            phases.mark("purge");
            ui.attach_store(store);
        }
        // A full disk does not keep the terminal down: the header says so, and the store is opened
        // once there is room (src/ui/storage.rs).
        None => ui.attach_store_when_room(config.database_path()),
    }
    // Offline-first: with no [hub] url the worker only keeps the outbox; the kiosk never waits for it.
    ui.attach_sync(crate::sync::SyncWorker::start(config, &config.database_path(), ui.health()));
    phases.mark("sync");
    if let Some(path) = super::config_file(config_path) {
        for w in config.port_warnings(&path) {
            log::warn!("{w}");
        }
        ui.set_config_path(path);
    }
    let (w, h) = config.screen.orientation.size();
    let window = slint::ComponentHandle::window(ui.window());
    window.set_size(slint::LogicalSize::new(w as f32, h as f32));
    if config.screen.fullscreen {
        window.set_fullscreen(true);
    }
    window.show()?;
    let _service = crate::service::start(window);
    phases.mark("window");
    log::info!("shown after {}", phases);
    slint::ComponentHandle::run(ui.window())?;
    Ok(0)
}

/// Residents type on the on-screen keyboard, never with dead keys: a compose table with no sequences
/// (`<data_dir>/Compose`, one comment line) spares libX11's input method and xkbcommon from parsing
/// the locale's Compose file (some 6,000 lines) when the window opens, 20-30 ms of start-up on this
/// machine (`cargo bench --bench startup`). Not `/dev/null`: xkbcommon maps the file and logs an
/// error for one it cannot map. A technician's `XCOMPOSEFILE` is kept; if the file cannot be
/// written, the locale's table is parsed as before. Call before other threads exist (it sets a
/// variable).
fn skip_compose_table(data_dir: &Path) {
    const EMPTY: &str = "# No compose sequences: residents type on the on-screen keyboard (src/cli/run.rs).\n";
    if std::env::var_os("XCOMPOSEFILE").is_some() {
        return;
    }
    let file = data_dir.join("Compose");
    if std::fs::read_to_string(&file).ok().as_deref() != Some(EMPTY) {
        if let Err(e) = std::fs::write(&file, EMPTY) {
            log::warn!("cannot write {}: {e}; the locale's compose table is read instead", file.display());
            return;
        }
    }
    // libX11 and xkbcommon take the path as it is: make it absolute.
    match std::fs::canonicalize(&file) {
        Ok(path) => std::env::set_var("XCOMPOSEFILE", path),
        Err(e) => log::warn!("cannot resolve {}: {e}; the locale's compose table is read instead", file.display()),
    }
}

/// How long each step of start-up took, for the log (`cargo bench --bench startup` times it
/// from outside).
struct Phases {
    last: Instant,
    done: Vec<(&'static str, u128)>,
}

impl Phases {
    fn start() -> Self {
        Self { last: Instant::now(), done: Vec::new() }
    }

    fn mark(&mut self, what: &'static str) {
        let now = Instant::now();
        self.done.push((what, now.duration_since(self.last).as_micros()));
        self.last = now;
    }
}

impl std::fmt::Display for Phases {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let total: u128 = self.done.iter().map(|(_, us)| us).sum();
        write!(f, "{:.1} ms:", total as f64 / 1e3)?;
        for (what, us) in &self.done {
            write!(f, " {what} {:.1}", *us as f64 / 1e3)?;
        }
        Ok(())
    }
}
