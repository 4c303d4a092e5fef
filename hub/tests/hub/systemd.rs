//! `kiosk-hub serve` under systemd, as a real process: `READY=1` (with its status) once it listens,
//! watchdog pings at half of `WATCHDOG_USEC` from its runtime, and structured records on a socket
//! standing in for journald's (`KIOSK_JOURNAL_SOCKET`): an accepted application's record carries
//! `ACCEPTANCE_NO` and `TERMINAL_ID`, and nothing sent to the journal holds a name or an ID number.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::net::UnixDatagram;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use kiosk_hub::store::Store;

use crate::common::{senior_card_renewal, ID_NUMBER};

struct Hub(Child);

impl Drop for Hub {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn recv(socket: &UnixDatagram, timeout: Duration) -> Option<(Instant, Vec<u8>)> {
    socket.set_read_timeout(Some(timeout.max(Duration::from_millis(1)))).unwrap();
    let mut buf = vec![0u8; 64 * 1024];
    socket.recv(&mut buf).ok().map(|n| (Instant::now(), buf[..n].to_vec()))
}

/// One HTTP/1.1 request; the response's status code.
fn post(addr: &str, path: &str, token: &str, key: &str, body: &str) -> u16 {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nIdempotency-Key: {key}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    let _ = s.read_to_string(&mut response);
    response.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0)
}

#[test]
fn the_hub_is_ready_when_it_listens_and_logs_structured_records_to_the_journal() {
    let dir = tempfile::tempdir().unwrap();
    let addr = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().to_string();
    let config = dir.path().join("hub.toml");
    std::fs::write(
        &config,
        format!("listen = \"{addr}\"\ndatabase = \"hub.sqlite3\"\nlog_level = \"warn,kiosk_hub::api=info\"\n"),
    )
    .unwrap();
    let token =
        kiosk_hub::cli::terminals_add(&Store::open(&dir.path().join("hub.sqlite3")).unwrap(), "T-SD-01", None).unwrap();
    let notify = UnixDatagram::bind(dir.path().join("notify")).unwrap();
    let journal = UnixDatagram::bind(dir.path().join("journal")).unwrap();
    let stderr = dir.path().join("hub.stderr");
    let _hub = Hub(Command::new(env!("CARGO_BIN_EXE_kiosk-hub"))
        .arg("--config")
        .arg(&config)
        .arg("serve")
        .env_remove("RUST_LOG")
        .env_remove("WATCHDOG_PID")
        .env("NOTIFY_SOCKET", dir.path().join("notify"))
        .env("WATCHDOG_USEC", "400000")
        .env("KIOSK_JOURNAL_SOCKET", dir.path().join("journal"))
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&stderr).unwrap())
        .spawn()
        .unwrap());
    let stderr = || std::fs::read_to_string(&stderr).unwrap_or_default();

    let (_, ready) = recv(&notify, Duration::from_secs(30)).unwrap_or_else(|| panic!("no READY=1; {}", stderr()));
    assert_eq!(String::from_utf8_lossy(&ready), format!("READY=1\nSTATUS=serving on http://{addr}"));
    TcpStream::connect(&addr).expect("the hub listens once it says it is ready");

    let mut pings = Vec::new();
    let started = Instant::now();
    while started.elapsed() < Duration::from_millis(1500) {
        let (at, msg) = recv(&notify, Duration::from_secs(2)).expect("watchdog pings keep coming");
        assert_eq!(msg, b"WATCHDOG=1");
        pings.push(at);
    }
    assert!((5..=10).contains(&pings.len()), "a ping every 200 ms for 1.5 s: {}", pings.len());

    let body = senior_card_renewal("T-SD-01");
    let acceptance_no = body["acceptance_no"].as_str().unwrap().to_string();
    let key = body["idempotency_key"].as_str().unwrap();
    assert_eq!(post(&addr, "/api/v1/applications", &token, key, &body.to_string()), 201, "{}", stderr());

    let deadline = Instant::now() + Duration::from_secs(10);
    let mut messages = Vec::new();
    let fields = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let (_, msg) = recv(&journal, left).unwrap_or_else(|| panic!("no record of {acceptance_no}: {messages:#?}"));
        let raw = String::from_utf8_lossy(&msg).into_owned();
        assert!(!raw.contains(ID_NUMBER) && !raw.contains("王秀兰"), "no ID number or name: {raw}");
        messages.push(raw);
        let fields = kiosk_systemd::journal::parse(&msg).expect("well-formed journal messages");
        if fields.iter().any(|(k, v)| k == "ACCEPTANCE_NO" && v == acceptance_no.as_bytes()) {
            break fields;
        }
    };
    let field = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| String::from_utf8_lossy(v).into_owned());
    assert_eq!(field("TERMINAL_ID").as_deref(), Some("T-SD-01"));
    assert_eq!(field("SYSLOG_IDENTIFIER").as_deref(), Some("kiosk-hub"));
    assert_eq!(field("PRIORITY").as_deref(), Some("6"));
    assert!(field("MESSAGE").unwrap().contains("accepted from terminal T-SD-01"), "{fields:?}");
    // log_level = "warn,kiosk_hub::api=info": the start-up line of main (info) is not there.
    assert!(messages.iter().all(|m| !m.contains("kiosk-hub listening on")), "{messages:#?}");
}
