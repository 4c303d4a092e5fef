//! Test-only: power loss at a chosen durable step (tests/cli/power_loss.rs).
//!
//! With `KIOSK_TEST_KILL_AT_STEP=N` in the environment, every durable step the kiosk takes while it
//! changes its config file or its database (a file written, a file or folder fsynced, a rename, a row
//! written inside a transaction, a commit; and each piece of a slip sent to the printer, which cannot
//! be taken back either) is counted and named on stderr as `kill-step <n> <what>`,
//! and at step N the process sends itself SIGKILL: nothing after it runs, as when the plug is pulled.
//! `N = 0` only counts. Without the variable [`step`] reads one cached flag and does nothing.
//! The names say what kind of step it is, never what was written.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

/// The environment variable that arms the hook.
pub const ENV: &str = "KIOSK_TEST_KILL_AT_STEP";

static KILL_AT: OnceLock<Option<u64>> = OnceLock::new();
static STEPS: AtomicU64 = AtomicU64::new(0);

/// Marks one durable step just taken; see the module documentation.
pub fn step(what: &str) {
    let Some(at) = *KILL_AT.get_or_init(|| std::env::var(ENV).ok().and_then(|v| v.trim().parse().ok())) else {
        return;
    };
    let n = STEPS.fetch_add(1, Ordering::SeqCst) + 1;
    eprintln!("kill-step {n} {what}");
    if n == at {
        use rustix::process::{getpid, kill_process, Signal};
        let _ = kill_process(getpid(), Signal::KILL);
        // SIGKILL cannot be caught; should it somehow not be delivered, still stop here.
        std::process::abort();
    }
}
