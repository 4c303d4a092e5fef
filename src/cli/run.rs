//! `kiosk run` (the default): the kiosk itself, full screen on the terminal.

use std::path::Path;

use anyhow::Context;

use crate::config::Config;

/// Opens the store, starts the devices and the sync worker, and runs the UI until it closes.
pub fn run(config_path: Option<&Path>) -> anyhow::Result<i32> {
    let config = Config::resolve(config_path)?;
    let config = &config;
    crate::fonts::ensure_fontconfig(&config.data_dir).context("preparing fonts")?;
    let (mut store, catalog) = super::open_store(config)?;
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
    let devices = crate::ui::Devices::start(config);
    let ui = crate::ui::KioskUi::new(config, catalog, devices)?;
    ui.attach_store(store);
    // Offline-first: with no [hub] url the worker only keeps the outbox; the kiosk never waits for it.
    ui.attach_sync(crate::sync::SyncWorker::start(config, &config.database_path(), ui.health()));
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
    slint::ComponentHandle::run(ui.window())?;
    Ok(0)
}
