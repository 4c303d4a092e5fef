//! A crash loses nothing: a process submitting applications is killed with SIGKILL at random points;
//! after each restart every application it had confirmed is in the outbox exactly once, with its print
//! job, and the database is intact.

use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use kiosk::store::Store;

#[test]
fn killing_the_kiosk_at_random_points_loses_no_confirmed_application() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("kiosk.toml");
    std::fs::write(&config, "terminal_id = \"T-CRASH\"\ncentre_name = \"测试中心\"\ndata_dir = \"data\"\n").unwrap();
    let db = dir.path().join("data/kiosk.sqlite3");
    let mut rng = 0x9e37_79b9_7f4a_7c15_u64;
    let mut confirmed_all: Vec<String> = Vec::new();
    let rounds = 12;
    for round in 0..rounds {
        let mut child = Command::new(env!("CARGO_BIN_EXE_kiosk"))
            .args(["--config", config.to_str().unwrap(), "outbox", "stress", "--count", "100000"])
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        let after = 1 + (rng % 40) as usize;
        let mut confirmed = Vec::new();
        let mut lines = BufReader::new(stdout).lines();
        let deadline = Instant::now() + Duration::from_secs(60);
        while confirmed.len() < after && Instant::now() < deadline {
            match lines.next() {
                Some(Ok(line)) => confirmed.extend(line.strip_prefix("confirmed ").map(str::to_string)),
                _ => break,
            }
        }
        // Somewhere inside the next transactions: a few hundred microseconds of jitter.
        std::thread::sleep(Duration::from_micros(rng % 3000));
        child.kill().unwrap(); // SIGKILL
                               // Anything confirmed before the kill landed counts too.
        for line in lines.map_while(Result::ok) {
            confirmed.extend(line.strip_prefix("confirmed ").map(str::to_string));
        }
        child.wait().unwrap();
        assert!(!confirmed.is_empty(), "round {round}: the child confirmed nothing");
        confirmed_all.extend(confirmed);

        let store = Store::open(&db).unwrap();
        let apps = store.applications().unwrap();
        let numbers: Vec<&str> = apps.iter().map(|a| a.acceptance_no.as_str()).collect();
        let unique: HashSet<&str> = numbers.iter().copied().collect();
        assert_eq!(unique.len(), numbers.len(), "round {round}: an acceptance number appears twice");
        for no in &confirmed_all {
            let app = store.application_by_acceptance_no(no).unwrap();
            let app = app.unwrap_or_else(|| panic!("round {round}: confirmed {no} is missing"));
            assert!(store.print_job_of(app.id).unwrap().is_some(), "round {round}: {no} has no print job");
        }
        assert!(store.integrity_ok().unwrap(), "round {round}: database damaged");
    }
    assert!(confirmed_all.len() >= rounds, "{}", confirmed_all.len());
}
