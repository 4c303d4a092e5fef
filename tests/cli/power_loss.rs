//! Power loss at every write (issue 18): the real `kiosk` binary, on a real SQLite file in a temporary
//! data folder, is killed with SIGKILL at many points while it
//! (a) re-provisions from a bundle, (b) installs a newer catalogue, (c) installs a newer grid directory,
//! (d) rolls back its config, (e) prints an application's slip and records the print; and (f) submits
//! an application (with its slip's print job), as the existing crash test (outbox_crash.rs) does.
//!
//! After every kill: the config is the old or the new file byte for byte (never torn, never missing)
//! and its backup is never lost; the database passes `PRAGMA integrity_check`; the catalogue and the
//! grid directory are one whole version (old or new, never a mix); every application is there exactly
//! once (by idempotency key and acceptance number) with its one print job; and the kiosk, started
//! again, does the same work to the end.
//!
//! Where the kills land: first at every durable step the operation takes, one after the other (the
//! test-only hook `KIOSK_TEST_KILL_AT_STEP=N`, src/killpoint.rs: the kiosk sends itself SIGKILL right
//! after its Nth write, fsync, rename, row, commit or piece of a slip); then SIGKILL from this test at
//! seeded-random delays, most of them timed from the moment the operation's first step is seen and
//! spread over its span, so that kills also land inside SQLite's and the file system's own writes
//! (the commit, the rename), a quarter timed from the spawn over the start-up. For these the hook
//! only counts (`KIOSK_TEST_KILL_AT_STEP=0`): the steps the kiosk names on stderr say where each kill
//! landed. Each scenario prints its counts and where its kills landed.
//!
//! CI runs the short versions (20 kills per scenario, about 20 s for the six together on two busy
//! cores). The long versions (200 kills per scenario, 17 to 65 s each, under 4 minutes for the six):
//!
//! ```sh
//! cargo test --test cli power_loss -- --ignored --nocapture --test-threads 1
//! ```

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Output, Stdio};
use std::time::{Duration, Instant};

use kiosk::catalog::CatalogFile;
use kiosk::devices::printer::{SimMode, SimPrinter};
use kiosk::grid::Directory;
use kiosk::slip::Paper;
use kiosk::store::Store;

const SHORT: usize = 20;
const LONG: usize = 200;
const SIGKILL: i32 = 9;

#[test]
fn power_loss_while_re_provisioning_from_a_bundle() {
    run(&mut Provision::new(), SHORT);
}

#[test]
fn power_loss_while_installing_a_newer_catalogue() {
    run(&mut CatalogueInstall::new(), SHORT);
}

#[test]
fn power_loss_while_installing_a_newer_grid_directory() {
    run(&mut GridInstall::new(), SHORT);
}

#[test]
fn power_loss_while_rolling_back_the_config() {
    run(&mut Rollback::new(), SHORT);
}

#[test]
fn power_loss_while_printing_a_slip_and_recording_it() {
    run(&mut PrintRecord::new(), SHORT);
}

#[test]
fn power_loss_while_submitting_an_application() {
    run(&mut Submit::new(), SHORT);
}

#[test]
#[ignore = "long: cargo test --test cli power_loss -- --ignored --nocapture --test-threads 1"]
fn power_loss_while_submitting_an_application_long() {
    run(&mut Submit::new(), LONG);
}

#[test]
#[ignore = "long: cargo test --test cli power_loss -- --ignored --nocapture --test-threads 1"]
fn power_loss_while_re_provisioning_from_a_bundle_long() {
    run(&mut Provision::new(), LONG);
}

#[test]
#[ignore = "long: cargo test --test cli power_loss -- --ignored --nocapture --test-threads 1"]
fn power_loss_while_installing_a_newer_catalogue_long() {
    run(&mut CatalogueInstall::new(), LONG);
}

#[test]
#[ignore = "long: cargo test --test cli power_loss -- --ignored --nocapture --test-threads 1"]
fn power_loss_while_installing_a_newer_grid_directory_long() {
    run(&mut GridInstall::new(), LONG);
}

#[test]
#[ignore = "long: cargo test --test cli power_loss -- --ignored --nocapture --test-threads 1"]
fn power_loss_while_rolling_back_the_config_long() {
    run(&mut Rollback::new(), LONG);
}

#[test]
#[ignore = "long: cargo test --test cli power_loss -- --ignored --nocapture --test-threads 1"]
fn power_loss_while_printing_a_slip_and_recording_it_long() {
    run(&mut PrintRecord::new(), LONG);
}

// ---------------------------------------------------------------------------------------------------
// The runner.

/// Where a killed operation left the terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Landed {
    /// As before the operation.
    Old,
    /// As after it, whole.
    New,
}

/// One operation to kill, on its own terminal.
trait Scenario {
    fn name(&self) -> &'static str;
    fn terminal(&self) -> &Terminal;
    /// Puts the state before the operation in place (files, database).
    fn reset(&mut self);
    /// The command line of the operation (after `--config`).
    fn args(&self) -> Vec<String>;
    /// Called once after a whole run (calibration): learns what "new" looks like.
    fn learn_new(&mut self) {}
    /// Where the operation was left; panics, saying what, on anything torn, mixed or lost.
    fn landed(&self) -> Landed;
    /// The kiosk started again does its work; afterwards the state is the new one.
    fn works_again(&self);
    /// The database is intact with every application once (more where the operation adds one).
    fn check_database(&self) {
        self.terminal().check_database();
    }
}

/// A kiosk's folder: config, data folder with its database, and the applications it holds.
struct Terminal {
    dir: tempfile::TempDir,
    config: PathBuf,
    db: PathBuf,
    /// The pristine database to reset to (old catalogue, old grid directory, three applications).
    pristine: PathBuf,
    /// (acceptance number, idempotency key) of every application, sorted.
    applications: Vec<(String, String)>,
}

const OLD_CONFIG: &str = "terminal_id = \"T-OLD\"\ncentre_name = \"旧中心\"\ndata_dir = \"data\"\n";
/// The config before the old one (the backup before the operation in the provisioning scenario).
const EARLIER_CONFIG: &str = "terminal_id = \"T-EARLIER\"\ncentre_name = \"更早的中心\"\ndata_dir = \"data\"\n";

impl Terminal {
    /// A terminal with three queued applications, the bundled catalogue and grid directory replaced
    /// by older versions (so that any command installs the bundled ones as newer).
    fn new() -> Terminal {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("kiosk.toml");
        std::fs::write(&config, OLD_CONFIG).unwrap();
        let db = dir.path().join("data/kiosk.sqlite3");
        let out = kiosk(&config, &["outbox", "stress", "--count", "3"]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        {
            let conn = rusqlite::Connection::open(&db).unwrap();
            conn.execute_batch("DELETE FROM guide; DELETE FROM catalog; DELETE FROM grid; DELETE FROM grid_directory;")
                .unwrap();
        }
        let mut store = Store::open(&db).unwrap();
        assert!(store.install_catalog_if_newer(&old_catalogue()).unwrap());
        assert!(kiosk::grid::store::install_if_newer(&mut store, &old_grid_directory()).unwrap());
        let mut applications: Vec<(String, String)> =
            store.applications().unwrap().into_iter().map(|a| (a.acceptance_no, a.idempotency_key)).collect();
        applications.sort();
        assert_eq!(applications.len(), 3);
        drop(store);
        let pristine = dir.path().join("pristine.sqlite3");
        std::fs::copy(&db, &pristine).unwrap();
        Terminal { dir, config, db, pristine, applications }
    }

    /// The same terminal with the bundled catalogue and grid directory already installed, for the
    /// operations that do not install them.
    fn with_current_data(self) -> Terminal {
        let (mut store, _) = Store::open_with_catalog(&self.pristine, &kiosk::catalog::bundled()).unwrap();
        kiosk::grid::store::open(&mut store).unwrap();
        drop(store);
        assert!(!Path::new(&format!("{}-wal", self.pristine.display())).exists());
        self
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn reset_database(&self) {
        for suffix in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.db.display()));
        }
        std::fs::copy(&self.pristine, &self.db).unwrap();
    }

    /// The database is intact and holds every application exactly once, each with its one print job.
    fn check_database(&self) {
        let extra = self.check_database_with_new();
        assert!(extra.is_empty(), "applications that were never submitted: {extra:?}");
    }

    /// As [`Terminal::check_database`], allowing applications beyond the terminal's own (returned,
    /// as acceptance numbers), each also once with its one print job.
    fn check_database_with_new(&self) -> Vec<String> {
        let store = Store::open(&self.db).unwrap();
        assert!(store.integrity_ok().unwrap(), "the database fails PRAGMA integrity_check");
        drop(store);
        let conn = rusqlite::Connection::open(&self.db).unwrap();
        let mut stmt =
            conn.prepare("SELECT acceptance_no, idempotency_key FROM application ORDER BY acceptance_no").unwrap();
        let apps: Vec<(String, String)> =
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect();
        let mut extra = Vec::new();
        for (no, key) in &apps {
            let same = |(n, k): &&(String, String)| n == no || k == key;
            assert_eq!(apps.iter().filter(same).count(), 1, "{no} is there more than once");
            if !self.applications.iter().any(|(n, k)| n == no && k == key) {
                extra.push(no.clone());
            }
        }
        for original in &self.applications {
            assert!(apps.contains(original), "application {} is missing", original.0);
        }
        let jobs: i64 = conn
            .query_row("SELECT count(*) FROM print_job j JOIN application a ON a.id = j.application_id", [], |r| {
                r.get(0)
            })
            .unwrap();
        let with_job: i64 =
            conn.query_row("SELECT count(DISTINCT application_id) FROM print_job", [], |r| r.get(0)).unwrap();
        assert_eq!((jobs, with_job), (apps.len() as i64, apps.len() as i64), "one print job per application");
        extra
    }

    /// `kiosk outbox list --json` starts on this terminal and lists every application.
    fn outbox_lists_every_application(&self) {
        let out = kiosk(&self.config, &["outbox", "list", "--json"]);
        assert_eq!(out.status.code(), Some(0), "outbox list: {}", String::from_utf8_lossy(&out.stderr));
        let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(rows.len(), self.applications.len());
    }
}

fn kiosk(config: &Path, args: &[&str]) -> Output {
    kiosk_command(config, args).output().unwrap()
}

fn kiosk_command<S: AsRef<std::ffi::OsStr>>(config: &Path, args: &[S]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_kiosk"));
    c.arg("--config").arg(config).args(args).env("RUST_LOG", "warn").env_remove(kiosk::killpoint::ENV);
    c
}

/// What one scenario's kills did, for the lines it prints.
#[derive(Default)]
struct Tally {
    old: usize,
    new: usize,
    step_kills: usize,
    /// Step name → (kills, how many of them left the new state).
    by_step: BTreeMap<String, (usize, usize)>,
    /// The first step after which the new state was found.
    first_new_step: Option<(usize, String)>,
    timed_kills: usize,
    /// Timed kills by how many steps the operation had taken when the kill came (its stderr says).
    after_steps: BTreeMap<usize, usize>,
    /// Timed kills during start-up (timed from the spawn) and during the operation (timed from its
    /// first step).
    start_up_kills: usize,
    operation_kills: usize,
    /// The window of the kills timed from the first step.
    window: Duration,
    /// Timed kills that came after the process had already finished (not counted as kills).
    missed: usize,
}

impl Tally {
    fn count(&mut self, landed: Landed) {
        match landed {
            Landed::Old => self.old += 1,
            Landed::New => self.new += 1,
        }
    }
}

/// The calibration: a whole run with the hook counting, timed from the spawn.
struct Calibration {
    steps: Vec<String>,
    first_step: Duration,
    last_step: Duration,
    total: Duration,
}

fn calibrate(s: &mut dyn Scenario) -> Calibration {
    // Three whole runs (the first one is often slow: a cold page cache); each step's time is the median.
    let runs: Vec<(Vec<String>, Vec<Duration>, Duration)> = (0..3).map(|_| calibration_run(s)).collect();
    let steps = runs[0].0.clone();
    assert!(!steps.is_empty(), "{}: the operation took no durable step", s.name());
    assert!(runs.iter().all(|r| r.0 == steps), "{}: the runs took different steps", s.name());
    let median = |mut v: Vec<Duration>| {
        v.sort();
        v[v.len() / 2]
    };
    let at: Vec<Duration> = (0..steps.len()).map(|i| median(runs.iter().map(|r| r.1[i]).collect())).collect();
    let total = median(runs.iter().map(|r| r.2).collect());
    s.learn_new();
    assert_eq!(s.landed(), Landed::New, "{}: a whole run leaves the new state", s.name());
    s.check_database();
    Calibration { first_step: at[0], last_step: *at.last().unwrap(), steps, total }
}

/// One whole run with the hook counting: the steps, when each was seen, and when the run ended.
fn calibration_run(s: &mut dyn Scenario) -> (Vec<String>, Vec<Duration>, Duration) {
    s.reset();
    let started = Instant::now();
    let mut child = kiosk_command(&s.terminal().config, &s.args())
        .env(kiosk::killpoint::ENV, "0")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (mut steps, mut at) = (Vec::new(), Vec::new());
    for line in BufReader::new(child.stderr.take().unwrap()).lines().map_while(Result::ok) {
        if let Some(rest) = line.strip_prefix("kill-step ") {
            let (n, what) = rest.split_once(' ').unwrap();
            assert_eq!(n.parse::<usize>().unwrap(), steps.len() + 1, "steps are numbered in order");
            steps.push(what.to_string());
            at.push(started.elapsed());
        }
    }
    let status = child.wait().unwrap();
    assert!(status.success(), "{}: the calibration run failed: {status}", s.name());
    (steps, at, started.elapsed())
}

/// Kills the scenario's operation `kills` times; panics on the first kill that leaves anything torn,
/// mixed or lost, or after which the kiosk does not work; prints the counts.
fn run(s: &mut dyn Scenario, kills: usize) {
    let began = Instant::now();
    let cal = calibrate(s);
    let n_steps = cal.steps.len();
    // Every step when there are kills enough (half of them at most), else steps spread evenly.
    let step_kills = n_steps.min(kills / 2).max(1);
    let chosen: Vec<usize> = if step_kills == n_steps {
        (1..=n_steps).collect()
    } else {
        (0..step_kills).map(|k| 1 + k * (n_steps - 1) / (step_kills - 1).max(1)).collect()
    };
    let mut tally = Tally::default();
    for &n in &chosen {
        s.reset();
        let status = kiosk_command(&s.terminal().config, &s.args())
            .env(kiosk::killpoint::ENV, n.to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap();
        let what = &cal.steps[n - 1];
        assert_eq!(status.signal(), Some(SIGKILL), "{}: step {n} ({what}) was not reached: {status}", s.name());
        let landed = check_after_kill(s, &format!("killed at step {n}/{n_steps} ({what})"));
        tally.count(landed);
        tally.step_kills += 1;
        let e = tally.by_step.entry(what.clone()).or_default();
        e.0 += 1;
        if landed == Landed::New {
            e.1 += 1;
            tally.first_new_step.get_or_insert((n, what.clone()));
        }
    }
    // Timed kills, SIGKILL from here. The kiosk runs with the hook only counting
    // (`KIOSK_TEST_KILL_AT_STEP=0`): its stderr says how many steps it had taken when the kill came.
    // One in four is timed from the spawn, uniformly over the start-up (open the database, migrate,
    // read the config) up to the first step of the calibration; the others from the moment the
    // operation's first step is seen, uniformly over 1.3 × the span from the first to the last step
    // (at least 1 ms): start-up on a busy machine varies by tens of milliseconds, the operation's
    // own span much less, so these land inside it, on its commit or rename too.
    let span = (cal.last_step - cal.first_step).mul_f64(1.3).max(Duration::from_millis(1));
    tally.window = span;
    let mut rng = 0x2545_f491_4f6c_dd1d_u64 ^ (s.name().len() as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    let timed_wanted = kills - tally.step_kills;
    let mut attempts = 0;
    while tally.timed_kills < timed_wanted {
        attempts += 1;
        assert!(attempts <= timed_wanted * 3 + 50, "{}: too many kills came after the end", s.name());
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        let unit = (rng % 10_000) as f64 / 10_000.0;
        let start_up = tally.timed_kills % 4 == 3;
        s.reset();
        let mut child = kiosk_command(&s.terminal().config, &s.args())
            .env(kiosk::killpoint::ENV, "0")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let started = Instant::now();
        // Each step as it is seen (the thread ends when the kiosk's stderr closes).
        let stderr = BufReader::new(child.stderr.take().unwrap());
        let (tx, rx) = std::sync::mpsc::channel();
        let seen = std::thread::spawn(move || {
            let mut seen = 0;
            for _ in stderr.lines().map_while(Result::ok).filter(|l| l.starts_with("kill-step ")) {
                seen += 1;
                let _ = tx.send(());
            }
            seen
        });
        if start_up {
            std::thread::sleep(cal.first_step.mul_f64(unit));
        } else if rx.recv_timeout(Duration::from_secs(30)).is_ok() {
            std::thread::sleep(span.mul_f64(unit));
        }
        let at = started.elapsed();
        let _ = child.kill(); // SIGKILL
        let status: ExitStatus = child.wait().unwrap();
        let taken: usize = seen.join().unwrap();
        if status.signal() != Some(SIGKILL) {
            assert!(status.success(), "{}: the operation failed by itself: {status}", s.name());
            assert_eq!(taken, n_steps, "{}: a whole run took other steps", s.name());
            tally.missed += 1;
            continue;
        }
        let how = format!("killed {:.2} ms after the start, after step {taken}/{n_steps}", at.as_secs_f64() * 1000.0);
        let landed = check_after_kill(s, &how);
        tally.count(landed);
        tally.timed_kills += 1;
        *tally.after_steps.entry(taken).or_default() += 1;
        if start_up {
            tally.start_up_kills += 1;
        } else {
            tally.operation_kills += 1;
        }
    }
    report(s.name(), &cal, &tally, began.elapsed());
}

/// The checks after one kill; `how` says where it landed, for the failure message.
fn check_after_kill(s: &dyn Scenario, how: &str) -> Landed {
    let landed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let landed = s.landed();
        s.check_database();
        s.works_again();
        landed
    }));
    match landed {
        Ok(l) => l,
        Err(e) => {
            let msg = e
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|m| m.to_string()))
                .unwrap_or_default();
            panic!("power loss, {}: {how}: {msg}", s.name());
        }
    }
}

fn report(name: &str, cal: &Calibration, t: &Tally, took: Duration) {
    let ms = |d: Duration| format!("{:.1}", d.as_secs_f64() * 1000.0);
    let n_steps = cal.steps.len();
    println!(
        "power loss, {name}: {} kills, {} before the change, {} after, 0 torn ({:.1} s)",
        t.step_kills + t.timed_kills,
        t.old,
        t.new,
        took.as_secs_f64()
    );
    println!(
        "  {} at durable steps (of {n_steps} the operation takes; calibrated run {} ms, steps from {} to {} ms)",
        t.step_kills,
        ms(cal.total),
        ms(cal.first_step),
        ms(cal.last_step)
    );
    for (what, (kills, new)) in &t.by_step {
        println!("    {what}: {kills} kill(s), {new} found the new state");
    }
    if let Some((n, what)) = &t.first_new_step {
        println!("    the new state appears from step {n} ({what}) on");
    }
    let count = |range: std::ops::RangeInclusive<usize>| -> usize {
        t.after_steps.iter().filter(|(k, _)| range.contains(k)).map(|(_, n)| n).sum()
    };
    let before = count(0..=0);
    let after = count(n_steps..=usize::MAX);
    let inside = t.timed_kills - before - after;
    println!(
        "  {} at random moments: {before} before the first step, {inside} between the first and the last \
         (after step 1–{}), {after} after the last step",
        t.timed_kills,
        n_steps.saturating_sub(1)
    );
    if let Some((n, what)) = t.first_new_step.as_ref().filter(|(n, _)| *n >= 2) {
        let during = count(n - 1..=n - 1);
        println!("    {during} of them while step {n} ({what}) was under way");
    }
    println!(
        "    {} timed from the spawn over the start-up (0–{} ms), {} from the operation's first step over \
         0–{} ms",
        t.start_up_kills,
        ms(cal.first_step),
        t.operation_kills,
        ms(t.window)
    );
    if t.missed > 0 {
        println!("    ({} more timed kills came after the operation had finished and are not counted)", t.missed);
    }
    assert_eq!(t.old + t.new, t.step_kills + t.timed_kills);
}

// ---------------------------------------------------------------------------------------------------
// The scenarios.

/// (a) `kiosk provision --bundle`: the config becomes the bundle's, the old one its backup.
struct Provision {
    t: Terminal,
    bundle: PathBuf,
    /// The new config after its first line (which says when it was written).
    new_body: String,
}

impl Provision {
    fn new() -> Provision {
        let t = Terminal::new().with_current_data();
        let bundle = t.path("move.toml");
        std::fs::write(&bundle, "terminal_id = \"T-NEW\"\ncentre_name = \"新中心\"\n[idle]\ntimeout_secs = 120\n")
            .unwrap();
        Provision { t, bundle, new_body: String::new() }
    }

    fn header_prefix(&self) -> String {
        format!("# Written by `kiosk provision` from {} on ", self.bundle.display())
    }
}

impl Scenario for Provision {
    fn name(&self) -> &'static str {
        "re-provisioning from a bundle"
    }
    fn terminal(&self) -> &Terminal {
        &self.t
    }
    fn reset(&mut self) {
        std::fs::write(&self.t.config, OLD_CONFIG).unwrap();
        std::fs::write(self.t.path("kiosk.toml.bak"), EARLIER_CONFIG).unwrap();
        self.t.reset_database();
    }
    fn args(&self) -> Vec<String> {
        vec!["provision".into(), "--bundle".into(), self.bundle.display().to_string()]
    }
    fn learn_new(&mut self) {
        let text = std::fs::read_to_string(&self.t.config).unwrap();
        let (head, body) = text.split_once('\n').unwrap();
        assert!(head.starts_with(&self.header_prefix()), "{head}");
        assert!(body.contains("T-NEW"), "{body}");
        self.new_body = body.to_string();
    }
    fn landed(&self) -> Landed {
        let config = std::fs::read(&self.t.config).expect("the config file is missing");
        let backup = std::fs::read(self.t.path("kiosk.toml.bak")).expect("the backup is missing");
        if config == OLD_CONFIG.as_bytes() {
            // Not switched: the backup is the earlier one still, or already the current one.
            assert!(
                backup == EARLIER_CONFIG.as_bytes() || backup == OLD_CONFIG.as_bytes(),
                "torn backup: {:?}",
                String::from_utf8_lossy(&backup)
            );
            return Landed::Old;
        }
        let text = String::from_utf8(config).expect("the config is not text (torn)");
        let whole = text
            .split_once('\n')
            .is_some_and(|(head, body)| head.starts_with(&self.header_prefix()) && body == self.new_body);
        assert!(whole, "the config is neither the old nor the new file: {text:?}");
        assert_eq!(String::from_utf8_lossy(&backup), OLD_CONFIG, "switched, and the backup must be the old config");
        Landed::New
    }
    fn works_again(&self) {
        // It starts on the config it finds (`outbox list` loads it strictly) and sees every application.
        self.t.outbox_lists_every_application();
        if self.landed() == Landed::Old {
            let out = kiosk(&self.t.config, &["provision", "--bundle", self.bundle.to_str().unwrap()]);
            assert_eq!(out.status.code(), Some(0), "provision again: {}", String::from_utf8_lossy(&out.stderr));
            assert_eq!(self.landed(), Landed::New);
        }
    }
}

/// (d) `kiosk provision --rollback`: the config and its backup change places.
struct Rollback {
    t: Terminal,
}

const NEW_CONFIG: &str =
    "terminal_id = \"T-NEW\"\ncentre_name = \"新中心\"\ndata_dir = \"data\"\n[idle]\ntimeout_secs = 120\n";

impl Rollback {
    fn new() -> Rollback {
        Rollback { t: Terminal::new().with_current_data() }
    }
    fn files(&self) -> (Vec<u8>, Vec<u8>) {
        let config = std::fs::read(&self.t.config).expect("the config file is missing");
        let backup = std::fs::read(self.t.path("kiosk.toml.bak")).expect("the backup is missing");
        (config, backup)
    }
}

impl Scenario for Rollback {
    fn name(&self) -> &'static str {
        "config rollback"
    }
    fn terminal(&self) -> &Terminal {
        &self.t
    }
    fn reset(&mut self) {
        std::fs::write(&self.t.config, NEW_CONFIG).unwrap();
        std::fs::write(self.t.path("kiosk.toml.bak"), OLD_CONFIG).unwrap();
        self.t.reset_database();
    }
    fn args(&self) -> Vec<String> {
        vec!["provision".into(), "--rollback".into()]
    }
    fn landed(&self) -> Landed {
        let (config, backup) = self.files();
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        match (config.as_slice(), backup.as_slice()) {
            (c, b) if c == NEW_CONFIG.as_bytes() && b == OLD_CONFIG.as_bytes() => Landed::Old,
            (c, b) if c == OLD_CONFIG.as_bytes() && b == NEW_CONFIG.as_bytes() => Landed::New,
            (c, b) => panic!(
                "the config and its backup must be the two configs, swapped or not: config {:?}, backup {:?}",
                text(c),
                text(b)
            ),
        }
    }
    fn works_again(&self) {
        let before = self.landed();
        // It starts on the config it finds (`outbox list` loads it strictly) and sees every application.
        self.t.outbox_lists_every_application();
        if before == Landed::Old {
            let out = kiosk(&self.t.config, &["provision", "--rollback"]);
            assert_eq!(out.status.code(), Some(0), "rollback again: {}", String::from_utf8_lossy(&out.stderr));
        }
        assert_eq!(self.landed(), Landed::New);
    }
}

/// The bundled catalogue one version older, with fewer items in another order.
fn old_catalogue() -> CatalogFile {
    let mut old = kiosk::catalog::bundled();
    old.version -= 1;
    old.published = "2020-01-01".into();
    old.items.reverse();
    old.items.truncate(old.items.len() * 2 / 3);
    old
}

/// (b) Any command opening the store installs the bundled catalogue when it is newer (one transaction).
struct CatalogueInstall {
    t: Terminal,
}

impl CatalogueInstall {
    fn new() -> CatalogueInstall {
        CatalogueInstall { t: Terminal::new() }
    }
}

impl Scenario for CatalogueInstall {
    fn name(&self) -> &'static str {
        "catalogue install"
    }
    fn terminal(&self) -> &Terminal {
        &self.t
    }
    fn reset(&mut self) {
        self.t.reset_database();
    }
    fn args(&self) -> Vec<String> {
        vec!["guides".into(), "search".into(), "laonian".into(), "--json".into()]
    }
    fn landed(&self) -> Landed {
        let installed = Store::open(&self.t.db).unwrap().load_catalog().unwrap().expect("no catalogue installed");
        if installed == old_catalogue() {
            Landed::Old
        } else if installed == kiosk::catalog::bundled() {
            Landed::New
        } else {
            panic!(
                "the catalogue is neither version: version {} with {} items",
                installed.version,
                installed.items.len()
            )
        }
    }
    fn works_again(&self) {
        let out = kiosk(&self.t.config, &["guides", "search", "laonian", "--json"]);
        assert_eq!(out.status.code(), Some(0), "guides search: {}", String::from_utf8_lossy(&out.stderr));
        let found: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
        assert!(!found.is_empty(), "the search finds 老年 items");
        assert_eq!(self.landed(), Landed::New);
    }
}

/// The bundled grid directory one version older, without its last grid.
fn old_grid_directory() -> Directory {
    let mut old = kiosk::grid::bundled();
    old.version -= 1;
    old.published = "2020-01-01".into();
    let street = old.streets.last_mut().unwrap();
    street.communities.last_mut().unwrap().grids.pop();
    old
}

/// (c) `kiosk grid list` installs the bundled grid directory when it is newer (one transaction).
struct GridInstall {
    t: Terminal,
}

impl GridInstall {
    fn new() -> GridInstall {
        GridInstall { t: Terminal::new() }
    }
}

impl Scenario for GridInstall {
    fn name(&self) -> &'static str {
        "grid directory install"
    }
    fn terminal(&self) -> &Terminal {
        &self.t
    }
    fn reset(&mut self) {
        self.t.reset_database();
    }
    fn args(&self) -> Vec<String> {
        vec!["grid".into(), "list".into(), "--json".into()]
    }
    fn landed(&self) -> Landed {
        let store = Store::open(&self.t.db).unwrap();
        let installed = kiosk::grid::store::load(&store).unwrap().expect("no grid directory installed");
        if installed == old_grid_directory() {
            Landed::Old
        } else if installed == kiosk::grid::bundled() {
            Landed::New
        } else {
            panic!("the grid directory is neither version: version {}", installed.version)
        }
    }
    fn works_again(&self) {
        let out = kiosk(&self.t.config, &["grid", "list", "--json"]);
        assert_eq!(out.status.code(), Some(0), "grid list: {}", String::from_utf8_lossy(&out.stderr));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["version"], kiosk::grid::bundled().version);
        assert_eq!(self.landed(), Landed::New);
    }
}

/// (e) `kiosk outbox reprint NO --port PTY`: the slip goes to a printer on a pseudo-terminal, then
/// the print is recorded on the application's print job.
struct PrintRecord {
    t: Terminal,
    acceptance_no: String,
    /// A fresh printer for every run: a job cut off half-way leaves a real printer mid-command too.
    printer: std::cell::RefCell<SimPrinter>,
}

impl PrintRecord {
    fn new() -> PrintRecord {
        let t = Terminal::new().with_current_data();
        // The printer is a thread of this test: on a busy machine it may answer later than 500 ms.
        std::fs::write(&t.config, format!("{OLD_CONFIG}[printer]\nstatus_timeout_ms = 5000\n")).unwrap();
        let acceptance_no = t.applications[1].0.clone();
        PrintRecord { t, acceptance_no, printer: std::cell::RefCell::new(new_printer()) }
    }
    fn job(&self) -> kiosk::store::outbox::PrintJobRecord {
        let store = Store::open(&self.t.db).unwrap();
        let app = store.application_by_acceptance_no(&self.acceptance_no).unwrap().expect("the application is missing");
        store.print_job_of(app.id).unwrap().expect("its print job is missing")
    }
}

fn new_printer() -> SimPrinter {
    SimPrinter::start(Paper::Mm80, SimMode::Normal).unwrap()
}

impl Scenario for PrintRecord {
    fn name(&self) -> &'static str {
        "recording a printed slip"
    }
    fn terminal(&self) -> &Terminal {
        &self.t
    }
    fn reset(&mut self) {
        self.t.reset_database();
        *self.printer.borrow_mut() = new_printer();
    }
    fn args(&self) -> Vec<String> {
        let port = self.printer.borrow().path().to_string();
        vec!["outbox".into(), "reprint".into(), self.acceptance_no.clone(), "--port".into(), port]
    }
    fn landed(&self) -> Landed {
        let job = self.job();
        match (job.printed, job.attempts, &job.last_error) {
            (false, 0, None) => Landed::Old,
            (true, 1, None) => Landed::New,
            _ => panic!("the print job is neither pending nor printed once: {:?}", (job.printed, job.attempts)),
        }
    }
    fn works_again(&self) {
        let printer = new_printer();
        let args = ["outbox", "reprint", &self.acceptance_no, "--port", printer.path()];
        let out = kiosk(&self.t.config, &args);
        assert_eq!(out.status.code(), Some(0), "reprint: {}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(printer.wait_for_jobs(1, Duration::from_secs(20)).len(), 1, "the slip came out");
        let job = self.job();
        assert!(job.printed && job.attempts >= 1, "{:?}", (job.printed, job.attempts));
    }
}

/// (f) `kiosk outbox stress --count 1`: one application and its slip's print job, in one transaction
/// (the same `Store::submit` the screen uses before it says 已提交).
struct Submit {
    t: Terminal,
}

impl Submit {
    fn new() -> Submit {
        Submit { t: Terminal::new().with_current_data() }
    }
}

impl Scenario for Submit {
    fn name(&self) -> &'static str {
        "submitting an application"
    }
    fn terminal(&self) -> &Terminal {
        &self.t
    }
    fn reset(&mut self) {
        self.t.reset_database();
    }
    fn args(&self) -> Vec<String> {
        vec!["outbox".into(), "stress".into(), "--count".into(), "1".into()]
    }
    fn check_database(&self) {
        self.t.check_database_with_new();
    }
    fn landed(&self) -> Landed {
        match self.t.check_database_with_new().len() {
            0 => Landed::Old,
            1 => Landed::New,
            n => panic!("{n} new applications from one submission"),
        }
    }
    fn works_again(&self) {
        let before = self.t.check_database_with_new().len();
        let out = kiosk(&self.t.config, &self.args().iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(out.status.code(), Some(0), "submit: {}", String::from_utf8_lossy(&out.stderr));
        let confirmed = String::from_utf8_lossy(&out.stdout);
        let no = confirmed.trim().strip_prefix("confirmed ").expect("confirmed <acceptance number>");
        let new = self.t.check_database_with_new();
        assert_eq!(new.len(), before + 1);
        assert!(new.iter().any(|n| n == no), "{no} confirmed and stored");
    }
}
