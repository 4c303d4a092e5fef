//! A flaky TCP proxy between the sync worker and the hub. It reads each HTTP/1.1 request whole and,
//! on a seeded fraction of them (bounded in number), answers 500, drops the connection before or after
//! the hub got the request, or stalls without answering until the client gives up.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Fault {
    /// Answers `500 Internal Server Error` itself.
    Status500,
    /// Closes the connection before the hub sees the request.
    DropBeforeHub,
    /// Lets the hub handle the request, then closes without passing its answer on.
    DropAfterHub,
    /// Never answers; holds the connection until the client times out.
    Stall,
}

const FAULTS: [Fault; 4] = [Fault::Status500, Fault::DropBeforeHub, Fault::DropAfterHub, Fault::Stall];

struct Plan {
    rng: StdRng,
    rate: f64,
    faults_left: usize,
    requests: usize,
    injected: BTreeMap<Fault, usize>,
}

impl Plan {
    fn next(&mut self) -> Option<Fault> {
        self.requests += 1;
        if self.faults_left == 0 || !self.rng.random_bool(self.rate) {
            return None;
        }
        self.faults_left -= 1;
        let fault = FAULTS[self.rng.random_range(0..FAULTS.len())];
        *self.injected.entry(fault).or_insert(0) += 1;
        Some(fault)
    }
}

pub struct FlakyProxy {
    pub url: String,
    plan: Arc<Mutex<Plan>>,
    stop: Arc<AtomicBool>,
    addr: SocketAddr,
    thread: Option<JoinHandle<()>>,
}

impl FlakyProxy {
    /// Proxies to `upstream` (`http://host:port`), faulting on about `rate` of the requests, at most
    /// `max_faults` times, in an order fixed by `seed`.
    pub fn start(upstream: &str, seed: u64, rate: f64, max_faults: usize) -> FlakyProxy {
        let upstream: SocketAddr = upstream.trim_start_matches("http://").parse().unwrap();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let plan = Arc::new(Mutex::new(Plan {
            rng: StdRng::seed_from_u64(seed),
            rate,
            faults_left: max_faults,
            requests: 0,
            injected: BTreeMap::new(),
        }));
        let stop = Arc::new(AtomicBool::new(false));
        let (plan2, stop2) = (plan.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            for conn in listener.incoming() {
                if stop2.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(conn) = conn else { continue };
                let plan = plan2.clone();
                std::thread::spawn(move || serve(conn, upstream, &plan));
            }
        });
        FlakyProxy { url: format!("http://{addr}"), plan, stop, addr, thread: Some(thread) }
    }

    /// Requests seen and faults injected so far.
    pub fn report(&self) -> (usize, BTreeMap<Fault, usize>) {
        let plan = self.plan.lock().unwrap();
        (plan.requests, plan.injected.clone())
    }

    pub fn faults_left(&self) -> usize {
        self.plan.lock().unwrap().faults_left
    }
}

impl Drop for FlakyProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn serve(mut client: TcpStream, upstream: SocketAddr, plan: &Mutex<Plan>) {
    let _ = client.set_read_timeout(Some(Duration::from_secs(30)));
    while let Some(request) = read_request(&mut client) {
        let fault = plan.lock().unwrap().next();
        match fault {
            None => match forward(&request, upstream) {
                Some(answer) => {
                    if client.write_all(&answer).is_err() {
                        return;
                    }
                }
                None => return,
            },
            Some(Fault::Status500) => {
                let body = r#"{"code":"proxy_error","message":"injected by the test proxy"}"#;
                let _ = write!(
                    client,
                    "HTTP/1.1 500 Internal Server Error\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
                     connection: close\r\n\r\n{body}",
                    body.len()
                );
                return;
            }
            Some(Fault::DropBeforeHub) => return,
            Some(Fault::DropAfterHub) => {
                let _ = forward(&request, upstream);
                let _ = client.shutdown(Shutdown::Both);
                return;
            }
            Some(Fault::Stall) => {
                // Until the client gives up (EOF or reset) or 30 s pass.
                let mut sink = [0u8; 1024];
                while matches!(client.read(&mut sink), Ok(n) if n > 0) {}
                return;
            }
        }
    }
}

/// One whole request (head and `content-length` body) with `connection: close` for the hub, or
/// `None` at the end of the connection.
fn read_request(client: &mut TcpStream) -> Option<Vec<u8>> {
    let mut data = Vec::new();
    let mut buf = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = client.read(&mut buf).ok().filter(|&n| n > 0)?;
        data.extend_from_slice(&buf[..n]);
    };
    let head = String::from_utf8_lossy(&data[..head_end]).to_string();
    let length: usize = head
        .lines()
        .find_map(|l| l.split_once(':').filter(|(k, _)| k.eq_ignore_ascii_case("content-length")))
        .and_then(|(_, v)| v.trim().parse().ok())
        .unwrap_or(0);
    while data.len() < head_end + length {
        let n = client.read(&mut buf).ok().filter(|&n| n > 0)?;
        data.extend_from_slice(&buf[..n]);
    }
    let mut lines: Vec<&str> =
        head.trim_end().split("\r\n").filter(|l| !l.to_ascii_lowercase().starts_with("connection:")).collect();
    lines.push("connection: close");
    let mut request = format!("{}\r\n\r\n", lines.join("\r\n")).into_bytes();
    request.extend_from_slice(&data[head_end..head_end + length]);
    Some(request)
}

/// Sends one request to the hub and reads its whole answer (the hub closes after it).
fn forward(request: &[u8], upstream: SocketAddr) -> Option<Vec<u8>> {
    let mut hub = TcpStream::connect(upstream).ok()?;
    hub.set_read_timeout(Some(Duration::from_secs(30))).ok()?;
    hub.write_all(request).ok()?;
    let mut answer = Vec::new();
    hub.read_to_end(&mut answer).ok()?;
    Some(answer)
}
