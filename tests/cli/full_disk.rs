//! A really full disk (issue 18, item 3): the data folder and the config on a 1 MiB tmpfs mounted for
//! the test, filled up with a file until the kernel says ENOSPC. The UI test (tests/ui/full_disk.rs)
//! fills the database with SQLite's own size cap; this one proves the real thing maps the same way:
//! ENOSPC under SQLite is `SQLITE_FULL`, a config write fails naming the file, nothing panics,
//! nothing is left half-written, and all works again once the filler is gone.
//!
//! Mounting needs root (CAP_SYS_ADMIN), so these are `#[ignore]`d; `.ci/run` runs them as root:
//! `cargo test --test cli full_disk -- --ignored` (as root, e.g. `sudo -E`).

use std::path::Path;

use crate::tmpfs::Tmpfs;
use crate::{kiosk, stderr};

fn queued(config: &Path) -> usize {
    let out = kiosk(config, &["outbox", "list", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_slice::<Vec<serde_json::Value>>(&out.stdout).unwrap().len()
}

const CONFIG: &str = "terminal_id = \"SF-QST-01\"\ncentre_name = \"清水塘\"\ndata_dir = \"data\"\n";

#[test]
#[ignore = "mounts a tmpfs: root only; cargo test --test cli full_disk -- --ignored"]
fn applications_on_a_full_disk_fail_with_sqlite_full_keep_nothing_and_go_in_once_there_is_room() {
    let fs = Tmpfs::mount("1m");
    let config = fs.dir.join("kiosk.toml");
    std::fs::write(&config, CONFIG).unwrap();
    let out = kiosk(&config, &["outbox", "stress", "--count", "2"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(queued(&config), 2);

    let filler = fs.fill();
    let mut refused = 0;
    for _ in 0..20 {
        let out = kiosk(&config, &["outbox", "stress", "--count", "1"]);
        let err = stderr(&out);
        assert!(!err.contains("panicked"), "{err}");
        if !out.status.success() {
            assert!(err.contains("no space left for the database"), "a clear message: {err}");
            refused += 1;
        }
    }
    assert!(refused > 0, "20 applications went into a full disk");
    // A connection opened on a full disk cannot even map SQLite's shared memory: reading says so too.
    let out = kiosk(&config, &["outbox", "list", "--json"]);
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
    if !out.status.success() {
        assert!(stderr(&out).contains("no space left for the database"), "a clear message: {}", stderr(&out));
    }

    std::fs::remove_file(filler).unwrap();
    let kept = queued(&config);
    assert_eq!(kept, 2 + 20 - refused, "every refused application left nothing behind");
    let out = kiosk(&config, &["outbox", "stress", "--count", "3"]);
    assert!(out.status.success(), "room again: {}", stderr(&out));
    assert_eq!(queued(&config), kept + 3);
    let db = kiosk::store::Store::open(&fs.dir.join("data/kiosk.sqlite3")).unwrap();
    assert!(db.integrity_ok().unwrap());
}

#[test]
#[ignore = "mounts a tmpfs: root only; cargo test --test cli full_disk -- --ignored"]
fn a_bundle_on_a_full_disk_fails_naming_the_file_and_changes_nothing() {
    let fs = Tmpfs::mount("1m");
    let config = fs.dir.join("kiosk.toml");
    std::fs::write(&config, CONFIG).unwrap();
    // The bundle comes from elsewhere (a USB stick); only the config's folder is full.
    let usb = tempfile::tempdir().unwrap();
    let bundle = usb.path().join("bundle.toml");
    std::fs::write(&bundle, format!("centre_name = \"月塘{}\"\n", "社区".repeat(2000))).unwrap();

    let filler = fs.fill();
    let out = kiosk(&config, &["provision", "--bundle", bundle.to_str().unwrap()]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.contains("kiosk.toml") && err.contains("No space left on device"), "names file and cause: {err}");
    assert_eq!(std::fs::read_to_string(&config).unwrap(), CONFIG, "the config is untouched");
    let mut left: Vec<String> =
        std::fs::read_dir(&fs.dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    left.sort();
    assert_eq!(left, ["filler", "kiosk.toml"], "nothing half-written is left");

    std::fs::remove_file(filler).unwrap();
    let out = kiosk(&config, &["provision", "--bundle", bundle.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "room again: {}", stderr(&out));
    assert!(std::fs::read_to_string(&config).unwrap().contains("月塘"));
    assert_eq!(std::fs::read_to_string(fs.dir.join("kiosk.toml.bak")).unwrap(), CONFIG);
}

/// A terminal whose data disk is full when it starts (no room for SQLite's shared memory, nor for a
/// catalogue install) still comes up: the window shows, staff see the full disk on the status line,
/// and it clears once there is room again.
#[test]
#[ignore = "mounts a tmpfs: root only; cargo test --test cli full_disk -- --ignored"]
fn the_kiosk_starts_on_a_full_disk_and_says_the_disk_is_full() {
    use crate::systemd::{Kiosk, Socket, Xvfb};
    use std::time::{Duration, Instant};

    let Some(x) = Xvfb::start("the full-disk start test") else { return };
    // Room for the fonts and the database; the config, the kiosk's stderr and the sockets elsewhere.
    let fs = Tmpfs::mount("48m");
    let home = tempfile::tempdir().unwrap();
    let demo = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/kiosk-config/demo.toml")).unwrap();
    let data = fs.dir.join("data");
    let text = demo.replace("data_dir = \"../data\"", &format!("data_dir = {:?}", data.display().to_string()));
    assert_ne!(text, demo, "demo.toml names its data_dir as expected");
    let config = home.path().join("kiosk.toml");
    std::fs::write(&config, text).unwrap();

    let statuses_until = |notify: &Socket, kiosk: &mut Kiosk, want: &dyn Fn(&str) -> bool| {
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut seen = Vec::new();
        while Instant::now() < deadline {
            // In slices, to stop waiting once the kiosk has given up (and said all it had to).
            let Some((_, msg)) = notify.next(Duration::from_secs(1)) else {
                if kiosk.alive() {
                    continue;
                }
                break;
            };
            let msg = String::from_utf8_lossy(&msg).into_owned();
            if want(&msg) {
                return;
            }
            seen.push(msg);
        }
        panic!("not seen within 60 s: {seen:?}; kiosk alive: {}; stderr:\n{}", kiosk.alive(), kiosk.stderr());
    };

    // A first start with room writes the fonts and the database; a command then closes the database
    // cleanly (no -wal, no -shm left: the next start must create them).
    {
        let notify = Socket::bind(home.path(), "notify-first");
        let mut kiosk = Kiosk::run(&config, &x.display, &[("NOTIFY_SOCKET", notify.path.to_str().unwrap())]);
        statuses_until(&notify, &mut kiosk, &|m| m == "READY=1");
    }
    let out = kiosk(&config, &["outbox", "stress", "--count", "2"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!data.join("kiosk.sqlite3-shm").exists(), "the database was closed cleanly");

    let filler = fs.fill();
    let notify = Socket::bind(home.path(), "notify");
    let mut kiosk = Kiosk::run(&config, &x.display, &[("NOTIFY_SOCKET", notify.path.to_str().unwrap())]);
    statuses_until(&notify, &mut kiosk, &|m| m == "READY=1");
    statuses_until(&notify, &mut kiosk, &|m| m.starts_with("STATUS=") && m.contains("data disk full"));
    assert!(kiosk.alive(), "{}", kiosk.stderr());
    assert!(!kiosk.stderr().contains("panicked"), "{}", kiosk.stderr());

    std::fs::remove_file(filler).unwrap();
    statuses_until(&notify, &mut kiosk, &|m| m.starts_with("STATUS=") && !m.contains("data disk full"));
    assert!(kiosk.alive(), "{}", kiosk.stderr());
}
