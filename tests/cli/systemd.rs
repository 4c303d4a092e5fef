//! `kiosk run` under systemd, as a real process on a private X server (Debian's `xvfb`): `READY=1`
//! once the first frame is on screen, `WATCHDOG=1` from the UI thread at half of `WATCHDOG_USEC`,
//! stopping when that thread hangs (the hidden hook `KIOSK_TEST_BLOCK_UI_AFTER_MS`), the status
//! line, and structured records on a socket standing in for journald's (`KIOSK_JOURNAL_SOCKET`)
//! at the config's `log_level`. Without Xvfb these tests fail, unless `KIOSK_SKIP_DISPLAY_TESTS=1`
//! says to skip them knowingly.

use std::os::unix::net::UnixDatagram;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::sync_support::{TestHub, TestKiosk, ID_NUMBER, NAME, TERMINAL};

/// A private X server on a free display; killed on drop.
pub(crate) struct Xvfb {
    child: Child,
    pub(crate) display: String,
}

impl Xvfb {
    /// None when the tests are to be skipped knowingly; panics with how to fix it when Xvfb is missing.
    pub(crate) fn start(test: &str) -> Option<Xvfb> {
        let skip = std::env::var("KIOSK_SKIP_DISPLAY_TESTS").as_deref() == Ok("1");
        let xvfb = ["/usr/bin/Xvfb", "/usr/local/bin/Xvfb"].into_iter().find(|p| Path::new(p).exists());
        let Some(xvfb) = xvfb else {
            if skip {
                eprintln!("SKIPPED {test}: Xvfb is not installed (KIOSK_SKIP_DISPLAY_TESTS=1)");
                return None;
            }
            panic!(
                "{test} runs the kiosk on a private X server, and Xvfb is not installed. Install it \
                 (apt-get install xvfb) or set KIOSK_SKIP_DISPLAY_TESTS=1 to skip these tests knowingly."
            );
        };
        // Xvfb picks a free display itself and writes its number to stdout (-displayfd): no race
        // with other servers, nor with this binary's other tests.
        let mut child = Command::new(xvfb)
            .args(["-displayfd", "1", "-screen", "0", "1080x1920x24", "-nolisten", "tcp"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {xvfb}: {e}"));
        let mut line = String::new();
        let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
        std::io::BufRead::read_line(&mut out, &mut line).unwrap();
        let n: u32 = line.trim().parse().unwrap_or_else(|_| panic!("Xvfb named no display: {line:?}"));
        Some(Xvfb { child, display: format!(":{n}") })
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A datagram socket in a temp dir standing in for systemd's notification socket or journald's.
pub(crate) struct Socket {
    socket: UnixDatagram,
    pub(crate) path: PathBuf,
}

impl Socket {
    pub(crate) fn bind(dir: &Path, name: &str) -> Socket {
        let path = dir.join(name);
        let socket = UnixDatagram::bind(&path).unwrap();
        Socket { socket, path }
    }

    /// The next datagram within `timeout`, with when it arrived.
    pub(crate) fn next(&self, timeout: Duration) -> Option<(Instant, Vec<u8>)> {
        self.socket.set_read_timeout(Some(timeout.max(Duration::from_millis(1)))).unwrap();
        let mut buf = vec![0u8; 64 * 1024];
        match self.socket.recv(&mut buf) {
            Ok(n) => Some((Instant::now(), buf[..n].to_vec())),
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => None,
            Err(e) => panic!("receiving on {}: {e}", self.path.display()),
        }
    }
}

/// The kiosk process, killed on drop; its stderr goes to a file shown when a test fails.
pub(crate) struct Kiosk {
    child: Child,
    stderr: PathBuf,
}

impl Kiosk {
    pub(crate) fn run(config: &Path, display: &str, env: &[(&str, &str)]) -> Kiosk {
        let stderr = config.with_file_name("kiosk.stderr");
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_kiosk"));
        cmd.args(["--config", config.to_str().unwrap(), "run"])
            .env("DISPLAY", display)
            .env_remove("RUST_LOG")
            .env_remove("NOTIFY_SOCKET")
            .env_remove("WATCHDOG_USEC")
            .env_remove("WATCHDOG_PID")
            .env_remove("WAYLAND_DISPLAY")
            .env_remove("KIOSK_JOURNAL_SOCKET")
            .env_remove("KIOSK_TEST_BLOCK_UI_AFTER_MS")
            .env_remove("SLINT_BACKEND")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&stderr).unwrap());
        for (k, v) in env {
            cmd.env(k, v);
        }
        Kiosk { child: cmd.spawn().unwrap(), stderr }
    }

    pub(crate) fn alive(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    pub(crate) fn stderr(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }
}

impl Drop for Kiosk {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A demo terminal (simulated devices, bundled catalogue) in `dir`, with `extra` top-level keys.
fn demo_config(dir: &Path, extra: &str) -> PathBuf {
    let demo = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/kiosk-config/demo.toml")).unwrap();
    let text = demo.replace("data_dir = \"../data\"", &format!("data_dir = \"data\"\n{extra}"));
    assert_ne!(text, demo, "demo.toml names its data_dir as expected");
    let path = dir.join("kiosk.toml");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn the_kiosk_is_ready_after_its_first_frame_and_its_watchdog_stops_when_the_ui_hangs() {
    let Some(x) = Xvfb::start("the watchdog test") else { return };
    let dir = tempfile::tempdir().unwrap();
    let config = demo_config(dir.path(), "");
    let notify = Socket::bind(dir.path(), "notify");
    const BLOCK_AFTER: Duration = Duration::from_millis(2500);
    let mut kiosk = Kiosk::run(
        &config,
        &x.display,
        &[
            ("NOTIFY_SOCKET", notify.path.to_str().unwrap()),
            ("WATCHDOG_USEC", "400000"),
            ("KIOSK_TEST_BLOCK_UI_AFTER_MS", &BLOCK_AFTER.as_millis().to_string()),
        ],
    );

    // Ready once the window is up (a debug build under load may take a while); the status line may
    // come first, a watchdog ping may not (systemd arms the watchdog when start-up is complete).
    let mut statuses = Vec::new();
    let ready_at = loop {
        let (at, msg) = notify
            .next(Duration::from_secs(60))
            .unwrap_or_else(|| panic!("no READY=1 within 60 s; stderr:\n{}", kiosk.stderr()));
        match String::from_utf8_lossy(&msg).as_ref() {
            "READY=1" => break at,
            s if s.starts_with("STATUS=") => statuses.push(s.to_string()),
            other => panic!("{other:?} before READY=1; stderr:\n{}", kiosk.stderr()),
        }
    };
    assert!(kiosk.stderr().contains("ready: the first frame is on screen"), "{}", kiosk.stderr());

    // Pings every 200 ms (half of 400 ms) until the UI thread is put to sleep, then none.
    let mut pings = Vec::new();
    while let Some((at, msg)) = notify.next(Duration::from_secs(3)) {
        let msg = String::from_utf8_lossy(&msg).into_owned();
        match msg.as_str() {
            "WATCHDOG=1" => pings.push(at.duration_since(ready_at)),
            s if s.starts_with("STATUS=") => statuses.push(s.to_string()),
            other => panic!("unexpected notification {other:?}"),
        }
        assert!(at.duration_since(ready_at) < BLOCK_AFTER * 4, "the pings never stopped: {pings:?}");
    }
    assert!(kiosk.alive(), "the kiosk is alive, only its UI thread hangs; stderr:\n{}", kiosk.stderr());
    assert!(kiosk.stderr().contains("test hook KIOSK_TEST_BLOCK_UI_AFTER_MS"), "{}", kiosk.stderr());
    assert!(pings.len() >= 6, "pings every 200 ms for 2.5 s, got {}: {pings:?}", pings.len());
    let last = *pings.last().unwrap();
    assert!(
        last <= BLOCK_AFTER + Duration::from_millis(600),
        "the last ping came {last:?} after READY, the UI thread was blocked at {BLOCK_AFTER:?}: {pings:?}"
    );
    let gaps: Vec<Duration> = pings.windows(2).map(|w| w[1] - w[0]).collect();
    let mut sorted = gaps.clone();
    sorted.sort();
    let median = sorted[sorted.len() / 2];
    assert!(
        (Duration::from_millis(150)..=Duration::from_millis(300)).contains(&median),
        "pings at half of WATCHDOG_USEC (200 ms), median gap {median:?}: {gaps:?}"
    );
    assert!(
        gaps.iter().all(|g| *g < Duration::from_millis(400)),
        "no gap as long as the watchdog's timeout while the UI runs: {gaps:?}"
    );
    assert_eq!(statuses, ["STATUS=serving"], "a demo terminal without a hub is serving");
}

#[test]
fn the_kiosk_logs_structured_records_to_the_journal_at_its_configured_level() {
    let Some(x) = Xvfb::start("the journal test") else { return };
    // An application in the outbox (with a name and an ID number), and a hub that takes it.
    let hub = TestHub::start();
    let token = hub.add_terminal(TERMINAL);
    let mut terminal = TestKiosk::new();
    let stored = terminal.submit();
    drop(terminal.store);
    let dir = terminal.dir.path();
    let config = dir.join("kiosk.toml");
    let demo = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/kiosk-config/demo.toml")).unwrap();
    let text = demo.replace("terminal_id = \"SF-QST-01\"", &format!("terminal_id = \"{TERMINAL}\"")).replace(
        "data_dir = \"../data\"",
        "data_dir = \".\"\nlog_level = \"warn,kiosk::sync=info,kiosk::devices=info\"",
    ) + &format!("\n[hub]\nurl = \"{}\"\nterminal_token = \"{token}\"\nbackoff_base_ms = 20\n", hub.url());
    std::fs::write(&config, text).unwrap();
    let journal = Socket::bind(dir, "journal");
    let kiosk = Kiosk::run(&config, &x.display, &[("KIOSK_JOURNAL_SOCKET", journal.path.to_str().unwrap())]);

    let mut records = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    let pushed = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let Some((_, msg)) = journal.next(left) else {
            panic!(
                "no journal record of {} reaching the hub within 60 s: {records:#?}\nstderr:\n{}",
                stored.acceptance_no,
                kiosk.stderr()
            )
        };
        let fields = kiosk_systemd::journal::parse(&msg).expect("well-formed journal messages");
        let raw = String::from_utf8_lossy(&msg).into_owned();
        assert!(!raw.contains(ID_NUMBER) && !raw.contains(NAME), "no ID number or name in the journal: {raw}");
        let field = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| String::from_utf8_lossy(v).into_owned());
        let record = (field("PRIORITY"), field("TARGET"), field("MESSAGE"), field("DEVICE"));
        records.push(record.clone());
        assert_eq!(field("SYSLOG_IDENTIFIER").as_deref(), Some("kiosk"), "{raw}");
        if field("ACCEPTANCE_NO").as_deref() == Some(stored.acceptance_no.as_str()) {
            break fields;
        }
    };
    let field = |k: &str| pushed.iter().find(|(n, _)| n == k).map(|(_, v)| String::from_utf8_lossy(v).into_owned());
    assert!(field("MESSAGE").unwrap().contains("at the hub"), "{pushed:?}");
    assert_eq!(field("TERMINAL_ID").as_deref(), Some(TERMINAL));
    assert_eq!(field("PRIORITY").as_deref(), Some("6"), "info");
    assert!(field("CODE_FILE").unwrap().ends_with("worker.rs"), "{pushed:?}");

    // The config's level: info from the sync worker and the devices, nothing below warn elsewhere.
    let info_elsewhere: Vec<_> = records
        .iter()
        .filter(|(p, _, _, _)| p.as_deref() == Some("6"))
        .filter(|(_, t, _, _)| {
            !t.as_deref().is_some_and(|t| t.starts_with("kiosk::sync") || t.starts_with("kiosk::devices"))
        })
        .collect();
    assert!(info_elsewhere.is_empty(), "log_level = warn outside sync and devices: {info_elsewhere:#?}");
    // The simulated reader's records name their device.
    assert!(
        records.iter().any(|(_, t, _, d)| t.as_deref().is_some_and(|t| t.starts_with("kiosk::devices::idcard"))
            && d.as_deref() == Some("id_reader")),
        "device records carry DEVICE: {records:#?}"
    );
}

#[test]
fn the_kiosk_starts_on_a_file_that_is_not_a_database_moving_it_aside() {
    let Some(x) = Xvfb::start("the corrupt database test") else { return };
    let dir = tempfile::tempdir().unwrap();
    let config = demo_config(dir.path(), "");
    std::fs::create_dir_all(dir.path().join("data")).unwrap();
    let file = dir.path().join("data/kiosk.sqlite3");
    let junk: Vec<u8> = (0..32 * 1024u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 9) as u8).collect();
    std::fs::write(&file, &junk).unwrap();
    let notify = Socket::bind(dir.path(), "notify");
    let mut kiosk = Kiosk::run(&config, &x.display, &[("NOTIFY_SOCKET", notify.path.to_str().unwrap())]);
    loop {
        let (_, msg) = notify
            .next(Duration::from_secs(60))
            .unwrap_or_else(|| panic!("no READY=1 within 60 s; stderr:\n{}", kiosk.stderr()));
        if msg == b"READY=1" {
            break;
        }
    }
    assert!(kiosk.alive());
    let err = kiosk.stderr();
    assert!(err.contains("数据库文件已损坏，已另存为 kiosk.sqlite3.corrupt-"), "{err}");
    let asides: Vec<PathBuf> = std::fs::read_dir(dir.path().join("data"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("kiosk.sqlite3.corrupt-"))
        .collect();
    assert_eq!(asides.len(), 1, "{asides:?}");
    assert_eq!(std::fs::read(&asides[0]).unwrap(), junk);
    // The new file is a sound database with the catalogue, readable while the kiosk runs.
    let out = Command::new(env!("CARGO_BIN_EXE_kiosk"))
        .args(["--config", config.to_str().unwrap(), "guides", "search", "老年", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_ne!(String::from_utf8_lossy(&out.stdout).trim(), "[]");
}
