//! The worker thread: one loop of rounds (push, ratings, periodic catalogue/status/heartbeat) and
//! waits (timer, backoff, kick, stop). See the module docs in `mod.rs` for the policy.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use kiosk_contract::catalog_etag;
use kiosk_contract::grid::{grid_etag, Directory};
use tokio::sync::{watch, Notify};

use super::backoff::Backoff;
use super::client::{CatalogReply, Failure, HubClient};
use super::health::{HealthReport, SharedHealth};
use super::wire::{self, truncate};
use super::Shared;
use crate::catalog::CatalogFile;
use crate::config::Config;
use crate::store::{Store, StoreError};

/// Applications read from the outbox at a time.
const PUSH_BATCH: usize = 50;
/// Ratings read at a time.
const RATING_BATCH: usize = 50;
/// Applications whose status is asked for per period (least recently asked first).
const STATUS_BATCH: usize = 100;

/// What the worker needs from the config, taken once at start.
pub struct Settings {
    db_path: PathBuf,
    terminal_id: String,
    /// Base URL and bearer token; `None` = offline only.
    hub: Option<(String, String)>,
    period: Duration,
    timeout: Duration,
    backoff_base: Duration,
    backoff_max: Duration,
}

impl Settings {
    pub fn from_config(config: &Config, db_path: &Path) -> Settings {
        let h = &config.hub;
        let token = h.terminal_token.as_deref().map(str::trim).unwrap_or("");
        Settings {
            db_path: db_path.to_path_buf(),
            terminal_id: config.terminal_id.clone(),
            hub: h.base_url().filter(|_| !token.is_empty()).map(|u| (u.to_string(), token.to_string())),
            period: Duration::from_secs(h.heartbeat_secs.max(1) as u64),
            timeout: Duration::from_millis(h.timeout_ms.max(100)),
            backoff_base: Duration::from_millis(h.backoff_base_ms.max(1)),
            backoff_max: Duration::from_millis(h.backoff_max_ms.max(h.backoff_base_ms).max(1)),
        }
    }
}

/// The thread's body.
pub fn run(settings: Settings, health: SharedHealth, shared: Arc<Shared>, stopped: watch::Receiver<bool>) {
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            log::error!("sync: cannot start the async runtime: {e}");
            note_error(&shared, format!("cannot start the async runtime: {e}"));
            return;
        }
    };
    runtime.block_on(main_loop(settings, health, shared, stopped));
}

enum Wake {
    Timer,
    Kick,
    Stop,
}

async fn wait(delay: Duration, stopped: &mut watch::Receiver<bool>, kick: Option<&Notify>) -> Wake {
    let kicked = async {
        match kick {
            Some(k) => k.notified().await,
            None => std::future::pending().await,
        }
    };
    tokio::select! {
        _ = tokio::time::sleep(delay) => Wake::Timer,
        _ = kicked => Wake::Kick,
        // A dropped handle counts as a stop too.
        _ = stopped.wait_for(|s| *s) => Wake::Stop,
    }
}

/// The `If-None-Match` of a published document: the installed version's ETag and the one the hub sent
/// last (a document this kiosk could not use is not fetched again until the hub has another).
fn known_etags(installed: Option<String>, seen: Option<&String>) -> Vec<String> {
    let mut known: Vec<String> = installed.into_iter().collect();
    if let Some(seen) = seen.filter(|e| !known.contains(e)) {
        known.push(seen.clone());
    }
    known
}

fn note_error(shared: &Shared, error: String) {
    shared.update(|s| {
        s.last_error = Some(error);
        s.last_error_at = Some(shared.clock.now());
    });
}

fn db(e: StoreError) -> Failure {
    Failure::Transient(format!("database: {e}"))
}

fn grid_db(e: crate::grid::store::GridStoreError) -> Failure {
    Failure::Transient(format!("grid directory: {e}"))
}

async fn main_loop(settings: Settings, health: SharedHealth, shared: Arc<Shared>, mut stopped: watch::Receiver<bool>) {
    let mut rng = rand::rng();
    let mut backoff = Backoff::new(settings.backoff_base, settings.backoff_max);
    let client = match &settings.hub {
        None => {
            log::info!("sync: no hub configured; this terminal works offline only");
            None
        }
        Some((url, token)) => match HubClient::new(url, token, settings.timeout) {
            Ok(c) => {
                log::info!("sync: hub {url}, heartbeat every {} s", settings.period.as_secs());
                Some(c)
            }
            Err(e) => {
                log::error!("sync: {e}");
                note_error(&shared, e);
                None
            }
        },
    };
    let store = loop {
        match Store::open(&settings.db_path) {
            Ok(s) => break s,
            Err(e) => {
                log::error!("sync: {e}");
                note_error(&shared, e.to_string());
                if let Wake::Stop = wait(backoff.next_delay(&mut rng), &mut stopped, None).await {
                    return;
                }
            }
        }
    };
    backoff.reset();
    let mut worker = Worker {
        terminal_id: settings.terminal_id.clone(),
        base_url: settings.hub.as_ref().map(|(url, _)| url.clone()),
        timeout: settings.timeout,
        retired: std::collections::HashMap::new(),
        store,
        client,
        health,
        shared: shared.clone(),
        next_periodic: Instant::now(),
        seen_etag: None,
        seen_grid_etag: None,
        unreported: None,
        period: settings.period,
    };
    match worker.store.retry_refused() {
        Ok(0) => {}
        Ok(n) => log::info!("sync: {n} record(s) the hub refused before will be tried once more"),
        Err(e) => log::warn!("sync: {e}"),
    }
    worker.refresh_counts();

    let mut periodic_due = true;
    loop {
        let started = Instant::now();
        let result = tokio::select! {
            r = worker.round(periodic_due) => r,
            _ = stopped.wait_for(|s| *s) => return,
        };
        // Counts first, so that whoever sees this round's outcome also sees its counts.
        worker.refresh_counts();
        let online = worker.client.is_some();
        let (delay, revoked) = match result {
            Ok(()) => {
                backoff.reset();
                shared.update(|s| {
                    s.online = online;
                    s.revoked = false;
                    s.last_success = Some(shared.clock.now());
                });
                (worker.next_periodic.saturating_duration_since(Instant::now()), false)
            }
            Err(Failure::Unauthorized { status, code }) => {
                let e = format!("hub refused this terminal: {status} {code}");
                log::warn!("sync: {e}; pushing stops, asking again in {} s", settings.backoff_max.as_secs());
                worker.unreported = Some(e.clone());
                note_error(&shared, e);
                shared.update(|s| {
                    s.online = true;
                    s.revoked = true;
                });
                (settings.backoff_max, true)
            }
            Err(e) => {
                let delay = backoff.next_delay(&mut rng);
                let e = e.to_string();
                log::warn!(
                    "sync: {e} after {} ms; retry {} in {} ms",
                    started.elapsed().as_millis(),
                    backoff.failures(),
                    delay.as_millis()
                );
                worker.unreported = Some(e.clone());
                note_error(&shared, e);
                shared.update(|s| s.online = false);
                (delay, false)
            }
        };
        let kick = if revoked { None } else { Some(&shared.kick) };
        periodic_due = match wait(delay, &mut stopped, kick).await {
            Wake::Stop => return,
            Wake::Kick => true,
            Wake::Timer => revoked || Instant::now() >= worker.next_periodic,
        };
    }
}

struct Worker {
    terminal_id: String,
    /// Where the hub is and how long a request may take, for clients of former terminal ids.
    base_url: Option<String>,
    timeout: Duration,
    /// Clients for the terminal ids this terminal had before re-provisioning.
    retired: std::collections::HashMap<String, HubClient>,
    store: Store,
    client: Option<HubClient>,
    health: SharedHealth,
    shared: Arc<Shared>,
    /// When the catalogue, statuses and heartbeat are next due.
    next_periodic: Instant,
    /// The ETag of the last catalogue downloaded (installed, older than ours, or unreadable), so
    /// it is not downloaded again.
    seen_etag: Option<String>,
    /// The same for the grid directory.
    seen_grid_etag: Option<String>,
    /// A sync problem not yet told to the hub in a heartbeat.
    unreported: Option<String>,
    period: Duration,
}

impl Worker {
    fn refresh_counts(&self) {
        let depth = self.store.outbox_depth();
        let version = self.store.catalog_version();
        let grid = crate::grid::store::version(&self.store);
        self.shared.update(|s| {
            if let Ok(d) = depth {
                s.outbox_depth = d;
            }
            if let Ok(v) = version {
                s.catalog_version = v;
            }
            if let Ok(g) = grid {
                s.grid_version = g;
            }
        });
    }

    /// One round; `Err` ends it (transient trouble or a refused terminal). Without a hub a round only
    /// schedules the next refresh of the outbox depth.
    async fn round(&mut self, periodic_due: bool) -> Result<(), Failure> {
        let Some(client) = self.client.take() else {
            self.next_periodic = Instant::now() + self.period;
            return Ok(());
        };
        let result = self.round_with(&client, periodic_due).await;
        self.client = Some(client);
        result
    }

    async fn round_with(&mut self, client: &HubClient, periodic_due: bool) -> Result<(), Failure> {
        self.push_applications(client).await?;
        self.push_ratings(client).await?;
        if periodic_due {
            self.pull_catalog(client).await?;
            self.pull_grid(client).await?;
            self.refresh_statuses(client).await?;
            self.heartbeat(client).await?;
            self.next_periodic = Instant::now() + self.period;
        }
        Ok(())
    }

    /// Queued applications in submission order; stops at the first transient failure so that order
    /// is kept.
    async fn push_applications(&mut self, client: &HubClient) -> Result<(), Failure> {
        loop {
            let batch = self.store.sendable(PUSH_BATCH).map_err(db)?;
            if batch.is_empty() {
                return Ok(());
            }
            for o in &batch {
                let (no, key) = (&o.stored.acceptance_no, &o.stored.idempotency_key);
                let started = Instant::now();
                // Queued under a former id (before re-provisioning): sent as that terminal, never
                // re-attributed to this one.
                let own = o.stored.terminal_id == self.terminal_id;
                if !own && !self.retired.contains_key(&o.stored.terminal_id) {
                    let token = self.store.retired_credential(&o.stored.terminal_id).map_err(db)?;
                    let made = match (token, self.base_url.as_deref()) {
                        (Some(t), Some(base)) => HubClient::new(base, &t, self.timeout).ok(),
                        _ => None,
                    };
                    match made {
                        Some(c) => {
                            self.retired.insert(o.stored.terminal_id.clone(), c);
                        }
                        None => {
                            let reason = format!("no hub credential kept for former terminal {}", o.stored.terminal_id);
                            self.store.mark_refused(key, &reason).map_err(db)?;
                            log::warn!(acceptance_no = no.as_str(); "sync: {no}: {reason} (kept on the terminal, skipped)");
                            self.unreported = Some(format!("{no}: {reason}"));
                            continue;
                        }
                    }
                }
                let client = if own { client } else { &self.retired[&o.stored.terminal_id] };
                match client.push_application(o).await {
                    Ok(status) => {
                        self.store.mark_synced(key, &status).map_err(db)?;
                        log::info!(acceptance_no = no.as_str(); "sync: {no} at the hub ({status}, {} ms)", started.elapsed().as_millis());
                    }
                    // The hub holds this key with another body: a retry after an update that changed how
                    // the body is written. The application is there; its status comes with the next refresh.
                    Err(Failure::Refused { status: 409, code, .. }) if code == "idempotency_conflict" => {
                        self.store.mark_synced(key, "accepted").map_err(db)?;
                        log::warn!(acceptance_no = no.as_str(); "sync: {no} was already at the hub with a different body (409 {code})");
                    }
                    Err(Failure::Refused { status, code, message }) => {
                        let reason = format!("hub refused it: {status} {code}: {message}");
                        self.store.mark_refused(key, &reason).map_err(db)?;
                        log::warn!(acceptance_no = no.as_str(); "sync: hub refused {no}: {status} {code} (kept on the terminal, skipped)");
                        self.unreported = Some(format!("{no}: {reason}"));
                    }
                    Err(e) => return Err(e),
                }
                let depth = self.store.outbox_depth();
                self.shared.update(|s| {
                    s.online = true;
                    if let Ok(depth) = depth {
                        s.outbox_depth = depth;
                    }
                });
            }
        }
    }

    async fn push_ratings(&mut self, client: &HubClient) -> Result<(), Failure> {
        loop {
            let batch = self.store.unsynced_ratings(RATING_BATCH).map_err(db)?;
            if batch.is_empty() {
                return Ok(());
            }
            for r in &batch {
                match client.push_rating(r).await {
                    Ok(()) => {
                        self.store.mark_rating_synced(r.id).map_err(db)?;
                        log::info!(acceptance_no = r.acceptance_no.as_str(); "sync: rating of {} at the hub", r.acceptance_no);
                    }
                    Err(Failure::Refused { status, code, message }) => {
                        let reason = format!("hub refused it: {status} {code}: {message}");
                        self.store.mark_rating_refused(r.id, &reason).map_err(db)?;
                        log::warn!(acceptance_no = r.acceptance_no.as_str(); "sync: hub refused the rating of {}: {status} {code}", r.acceptance_no);
                    }
                    Err(e) => return Err(e),
                }
            }
        }
    }

    /// A document from the hub this kiosk cannot use (`e` says which and why): logged, reported to the
    /// hub with the next heartbeat and shown to staff; the installed one stays.
    fn keep_installed(&mut self, e: String) {
        log::warn!("sync: {e}; keeping the installed one");
        self.unreported = Some(e.clone());
        note_error(&self.shared, e);
    }

    /// Installs a newer catalogue; the handle's `catalog_version` then tells the UI to swap.
    async fn pull_catalog(&mut self, client: &HubClient) -> Result<(), Failure> {
        let installed = self.store.catalog_version().map_err(db)?;
        let known = known_etags(installed.map(catalog_etag), self.seen_etag.as_ref());
        let (etag, body) = match client.catalog(&known).await? {
            CatalogReply::NotModified | CatalogReply::NoCatalog => return Ok(()),
            CatalogReply::New { etag, body } => (etag, body),
        };
        self.seen_etag = etag.clone();
        let shown = etag.as_deref().unwrap_or("(no ETag)");
        match serde_json::from_slice::<CatalogFile>(&body) {
            Ok(file) => {
                let (version, items) = (file.version, file.items.len());
                if self.store.install_catalog_if_newer(&file).map_err(db)? {
                    log::info!("sync: catalogue v{version} installed ({items} items)");
                    self.shared.update(|s| s.catalog_version = Some(version));
                } else {
                    log::info!("sync: the hub's catalogue v{version} is not newer than v{}", installed.unwrap_or(0));
                }
            }
            Err(e) => self.keep_installed(format!("catalogue {shown} from the hub is unreadable: {e}")),
        }
        Ok(())
    }

    /// Installs a newer grid directory (checked as the bundled one is: `Directory::validate`); the
    /// handle's `grid_version` then tells the UI to swap it in between sessions.
    async fn pull_grid(&mut self, client: &HubClient) -> Result<(), Failure> {
        let installed = crate::grid::store::version(&self.store).map_err(grid_db)?;
        let known = known_etags(installed.map(grid_etag), self.seen_grid_etag.as_ref());
        let (etag, body) = match client.grid(&known).await? {
            CatalogReply::NotModified | CatalogReply::NoCatalog => return Ok(()),
            CatalogReply::New { etag, body } => (etag, body),
        };
        self.seen_grid_etag = etag.clone();
        let shown = etag.as_deref().unwrap_or("(no ETag)");
        let checked = serde_json::from_slice::<Directory>(&body)
            .map_err(|e| e.to_string())
            .and_then(|dir| dir.validate().map(|()| dir).map_err(|e| e.to_string()));
        match checked {
            Ok(dir) => {
                let (version, grids) = (dir.version, dir.grids().count());
                if crate::grid::store::install_if_newer(&mut self.store, &dir).map_err(grid_db)? {
                    log::info!("sync: grid directory v{version} installed ({grids} grids)");
                    self.shared.update(|s| s.grid_version = Some(version));
                } else {
                    log::info!(
                        "sync: the hub's grid directory v{version} is not newer than v{}",
                        installed.unwrap_or(0)
                    );
                }
            }
            Err(e) => self.keep_installed(format!("grid directory {shown} from the hub is unusable: {e}")),
        }
        Ok(())
    }

    /// Asks the hub for the status of synced applications that are not final.
    async fn refresh_statuses(&mut self, client: &HubClient) -> Result<(), Failure> {
        // The newest check stamp, read once per batch and carried (the stamps never go back).
        let mut newest = self.store.newest_hub_check().map_err(db)?;
        for c in self.store.awaiting_status(STATUS_BATCH).map_err(db)? {
            match client.progress(&c.token).await? {
                Some(p) => {
                    let note = p.current_note();
                    if c.hub_status.as_deref() != Some(p.status.as_str()) || c.hub_note.as_deref() != note {
                        self.store.set_hub_status(&c.token, p.status.as_str(), note).map_err(db)?;
                        log::info!(acceptance_no = c.acceptance_no.as_str(); "sync: {} is now {}", c.acceptance_no, p.status);
                    }
                }
                None => {
                    log::warn!(acceptance_no = c.acceptance_no.as_str(); "sync: the hub has no application {}", c.acceptance_no)
                }
            }
            newest = Some(self.store.mark_hub_checked(&c.token, self.shared.clock.now(), newest).map_err(db)?);
        }
        Ok(())
    }

    async fn heartbeat(&mut self, client: &HubClient) -> Result<(), Failure> {
        let health = HealthReport::snapshot(&self.health);
        let refused = self.store.refused().map_err(db)?;
        let mut problems: Vec<String> = Vec::new();
        if let Some((no, reason)) = refused.first() {
            problems.push(format!("{} application(s) refused by the hub, first {no}: {reason}", refused.len()));
        }
        problems.extend(self.unreported.clone().filter(|u| !problems.iter().any(|p| p.contains(u.as_str()))));
        let sync_error = (!problems.is_empty()).then(|| truncate(&problems.join("; "), 1500));
        let body = wire::heartbeat(
            &health,
            self.store.catalog_version().map_err(db)?,
            self.store.outbox_depth().map_err(db)?,
            sync_error.as_deref(),
        );
        client.heartbeat(&self.terminal_id, &body).await?;
        self.unreported = None;
        Ok(())
    }
}
