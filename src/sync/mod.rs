//! The kiosk's offline-first sync with the district hub (`hub/`, contract `hub/openapi.yaml`).
//!
//! [`SyncWorker::start`] runs one std thread with a current-thread tokio runtime and its own SQLite
//! connection, so nothing here ever blocks the UI or a submission. Each round it:
//! 1. pushes queued applications in submission order with their idempotency key (a retry is a replay
//!    at the hub, so an application arrives exactly once however often it is sent);
//! 2. pushes ratings whose application the hub has;
//! 3. every `heartbeat_secs` (or when kicked): pulls a newer catalogue, refreshes the status of synced
//!    applications that are not final, and sends a heartbeat.
//!
//! Network errors, timeouts and 5xx end the round and back off exponentially with jitter; the same
//! application is tried again first. A 4xx that a retry cannot fix is recorded on that application
//! ([`crate::store::Store::mark_refused`]) and the rest go on. 401/403 mean the hub no longer accepts
//! this terminal: pushing stops, [`SyncStatus::revoked`] says so, and the worker asks again every
//! `backoff_max_ms`.
//!
//! Logs carry acceptance numbers, status codes and timings; never names, ID numbers or tokens.

mod backoff;
pub(crate) mod client;
mod health;
mod wire;
mod worker;

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use chrono::{DateTime, Local};
use tokio::sync::{watch, Notify};

pub use backoff::Backoff;
pub use client::Failure;
pub use health::{HealthReport, PrinterHealth, ReaderHealth, SharedHealth};

use crate::clock::WallClock;
use crate::config::Config;

/// What the UI and diagnostics show about sync.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncStatus {
    /// The hub answered the last request (false when no hub is configured).
    pub online: bool,
    /// The hub refuses this terminal (401/403): nothing is pushed until it accepts it again.
    pub revoked: bool,
    /// When a round last completed without error.
    pub last_success: Option<DateTime<Local>>,
    /// The most recent problem (kept after recovery, for diagnostics; `last_error_at` says when).
    pub last_error: Option<String>,
    pub last_error_at: Option<DateTime<Local>>,
    /// Applications not yet at the hub (including those it refused).
    pub outbox_depth: usize,
    /// The newest catalogue version installed in the terminal's database.
    pub catalog_version: Option<u64>,
    /// The grid directory version installed in the terminal's database (the bundled one counts once
    /// installed); the window swaps a newer one in between sessions.
    pub grid_version: Option<u64>,
}

/// State shared between the worker thread and its handle.
struct Shared {
    status: Mutex<SyncStatus>,
    kick: Notify,
    /// Where the worker reads wall time (when it last succeeded or failed). Its waits (timer,
    /// backoff) are tokio's monotonic timers: a clock set back by hours delays nothing.
    clock: WallClock,
}

impl Shared {
    fn update(&self, f: impl FnOnce(&mut SyncStatus)) {
        f(&mut self.status.lock().unwrap_or_else(|e| e.into_inner()));
    }
}

pub struct SyncWorker;

impl SyncWorker {
    /// Starts syncing the database at `db_path` as `config` says. Without `[hub] url` the worker only
    /// keeps [`SyncStatus::outbox_depth`] current. `health` is read for heartbeats, never written.
    pub fn start(config: &Config, db_path: &Path, health: SharedHealth) -> SyncHandle {
        SyncWorker::start_with_clock(config, db_path, health, WallClock::system())
    }

    /// Like [`SyncWorker::start`], reading wall time from `clock` (tests set it forward and back).
    pub fn start_with_clock(config: &Config, db_path: &Path, health: SharedHealth, clock: WallClock) -> SyncHandle {
        let shared = Arc::new(Shared { status: Mutex::new(SyncStatus::default()), kick: Notify::new(), clock });
        let (stop, stopped) = watch::channel(false);
        let settings = worker::Settings::from_config(config, db_path);
        let thread_shared = shared.clone();
        let thread = std::thread::Builder::new()
            .name("kiosk-sync".into())
            .spawn(move || worker::run(settings, health, thread_shared, stopped))
            .expect("cannot start the sync thread");
        SyncHandle { shared, stop, thread: Some(thread) }
    }
}

/// The running worker. Dropping it stops the worker too.
pub struct SyncHandle {
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
    thread: Option<JoinHandle<()>>,
}

impl SyncHandle {
    pub fn status(&self) -> SyncStatus {
        self.shared.status.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The newest catalogue installed in the database, for swapping between sessions.
    pub fn catalog_version(&self) -> Option<u64> {
        self.status().catalog_version
    }

    /// The grid directory version installed in the terminal's database.
    pub fn grid_version(&self) -> Option<u64> {
        self.status().grid_version
    }

    /// Sync now (e.g. right after a submission) instead of waiting for the next timer or backoff.
    /// Ignored while the hub refuses this terminal.
    pub fn kick(&self) {
        self.shared.kick.notify_one();
    }

    /// A worker for a new config (the staff screen switched it: another terminal id, hub or token),
    /// started once this one has stopped, with the same clock. What was queued meanwhile, and what
    /// the old worker set aside for want of a credential, goes with the new one.
    pub fn restart(self, config: &Config, db_path: &Path, health: SharedHealth) -> SyncHandle {
        let clock = self.shared.clock.clone();
        self.stop();
        SyncWorker::start_with_clock(config, db_path, health, clock)
    }

    /// Stops the worker, abandoning any request in flight (it is retried by the next worker), and
    /// waits for its thread.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        let _ = self.stop.send(true);
        if let Some(thread) = self.thread.take() {
            if thread.join().is_err() {
                log::error!("sync: the worker thread panicked");
            }
        }
    }
}

impl Drop for SyncHandle {
    fn drop(&mut self) {
        self.shutdown();
    }
}
