//! Counters of this hub process, written in the Prometheus text format (version 0.0.4) at `/metrics` on
//! `metrics_listen` only. Written by hand: a few counters and one histogram do not need a crate.
//!
//! Labels hold route templates, error codes and statuses, never a raw path, a token or a terminal id.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::Method;

/// A terminal counts as online this long after its last authenticated request (kiosks send a
/// heartbeat every minute by default).
pub const ONLINE_WINDOW: Duration = Duration::from_secs(300);

/// Upper bounds of the latency histogram's buckets, in seconds.
const BUCKETS: [f64; 14] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];

#[derive(Default)]
pub struct Metrics {
    applications_received: AtomicU64,
    application_replays: AtomicU64,
    store_errors: AtomicU64,
    header_timeouts: AtomicU64,
    /// Error responses by (code, status).
    refusals: Mutex<BTreeMap<(&'static str, u16), u64>>,
    /// Refused authentications by code (`unauthorized`, `terminal_revoked`, `too_many_auth_failures`).
    auth_failures: Mutex<BTreeMap<&'static str, u64>>,
    /// Request latency by (method label, route template): a bounded set of keys ([`method_label`]).
    latency: Mutex<BTreeMap<(&'static str, String), Histogram>>,
    /// When each terminal last made an authenticated request.
    last_seen: Mutex<HashMap<String, Instant>>,
}

#[derive(Default, Clone)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Metrics {
    pub fn application_received(&self) {
        self.applications_received.fetch_add(1, Ordering::Relaxed);
    }

    pub fn application_replayed(&self) {
        self.application_replays.fetch_add(1, Ordering::Relaxed);
    }

    pub fn store_error(&self) {
        self.store_errors.fetch_add(1, Ordering::Relaxed);
    }

    pub fn header_timeout(&self) {
        self.header_timeouts.fetch_add(1, Ordering::Relaxed);
    }

    pub fn refused(&self, code: &'static str, status: u16) {
        *lock(&self.refusals).entry((code, status)).or_default() += 1;
    }

    pub fn auth_failed(&self, code: &'static str) {
        *lock(&self.auth_failures).entry(code).or_default() += 1;
    }

    pub fn terminal_seen(&self, terminal: &str, now: Instant) {
        let mut seen = lock(&self.last_seen);
        match seen.get_mut(terminal) {
            Some(at) => *at = now,
            None => {
                seen.insert(terminal.to_string(), now);
            }
        }
    }

    pub fn observe(&self, method: &Method, route: &str, elapsed: Duration) {
        let secs = elapsed.as_secs_f64();
        let mut latency = lock(&self.latency);
        let h = latency.entry((method_label(method), route.to_string())).or_default();
        for (count, bound) in h.counts.iter_mut().zip(BUCKETS) {
            if secs <= bound {
                *count += 1;
            }
        }
        h.count += 1;
        h.sum += secs;
    }

    /// Terminals seen within [`ONLINE_WINDOW`] before `now` (older entries are dropped).
    pub fn terminals_online(&self, now: Instant) -> usize {
        let mut seen = lock(&self.last_seen);
        seen.retain(|_, at| now.saturating_duration_since(*at) <= ONLINE_WINDOW);
        seen.len()
    }

    /// The text exposition format.
    pub fn render(&self, now: Instant) -> String {
        let mut out = String::new();
        let counter = |out: &mut String, name: &str, help: &str, value: u64| {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}");
        };
        counter(
            &mut out,
            "kiosk_hub_applications_received_total",
            "Applications stored for the first time (201).",
            self.applications_received.load(Ordering::Relaxed),
        );
        counter(
            &mut out,
            "kiosk_hub_application_replays_total",
            "Repeats of an application already stored, answered with the stored record (200).",
            self.application_replays.load(Ordering::Relaxed),
        );
        counter(
            &mut out,
            "kiosk_hub_store_errors_total",
            "Database errors answered with 500.",
            self.store_errors.load(Ordering::Relaxed),
        );
        counter(
            &mut out,
            "kiosk_hub_header_timeouts_total",
            "Connections closed because the request headers did not arrive within header_timeout_secs.",
            self.header_timeouts.load(Ordering::Relaxed),
        );

        let refusals = lock(&self.refusals).clone();
        out.push_str("# HELP kiosk_hub_conflicts_total Requests refused with 409, by error code.\n");
        out.push_str("# TYPE kiosk_hub_conflicts_total counter\n");
        for ((code, _), n) in refusals.iter().filter(|((_, status), _)| *status == 409) {
            let _ = writeln!(out, "kiosk_hub_conflicts_total{{code=\"{}\"}} {n}", escape(code));
        }
        out.push_str("# HELP kiosk_hub_refusals_total Error responses, by error code and status.\n");
        out.push_str("# TYPE kiosk_hub_refusals_total counter\n");
        for ((code, status), n) in &refusals {
            let _ = writeln!(out, "kiosk_hub_refusals_total{{code=\"{}\",status=\"{status}\"}} {n}", escape(code));
        }

        out.push_str("# HELP kiosk_hub_auth_failures_total Requests refused before or at authentication, by code.\n");
        out.push_str("# TYPE kiosk_hub_auth_failures_total counter\n");
        for (code, n) in lock(&self.auth_failures).iter() {
            let _ = writeln!(out, "kiosk_hub_auth_failures_total{{code=\"{}\"}} {n}", escape(code));
        }

        let _ = writeln!(
            out,
            "# HELP kiosk_hub_terminals_online Terminals that made an authenticated request to this process in the \
             last {} seconds.\n# TYPE kiosk_hub_terminals_online gauge\nkiosk_hub_terminals_online {}",
            ONLINE_WINDOW.as_secs(),
            self.terminals_online(now)
        );

        out.push_str("# HELP kiosk_hub_request_duration_seconds Time from request to response, by route template.\n");
        out.push_str("# TYPE kiosk_hub_request_duration_seconds histogram\n");
        for ((method, route), h) in lock(&self.latency).iter() {
            let labels = format!("method=\"{}\",route=\"{}\"", escape(method), escape(route));
            for (count, bound) in h.counts.iter().zip(BUCKETS) {
                let _ = writeln!(out, "kiosk_hub_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {count}");
            }
            let _ = writeln!(out, "kiosk_hub_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}", h.count);
            let _ = writeln!(out, "kiosk_hub_request_duration_seconds_sum{{{labels}}} {}", h.sum);
            let _ = writeln!(out, "kiosk_hub_request_duration_seconds_count{{{labels}}} {}", h.count);
        }
        out
    }
}

/// The latency histogram's method label: a standard method's name, else `OTHER` (a client may send
/// any extension method; one label each would grow the histogram without bound).
pub fn method_label(method: &Method) -> &'static str {
    match method.as_str() {
        "GET" => "GET",
        "HEAD" => "HEAD",
        "POST" => "POST",
        "PUT" => "PUT",
        "DELETE" => "DELETE",
        "CONNECT" => "CONNECT",
        "OPTIONS" => "OPTIONS",
        "TRACE" => "TRACE",
        "PATCH" => "PATCH",
        _ => "OTHER",
    }
}

/// A label value: backslash, double quote and line feed escaped.
fn escape(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_format() {
        let m = Metrics::default();
        let t0 = Instant::now();
        m.application_received();
        m.application_received();
        m.application_replayed();
        m.refused("idempotency_conflict", 409);
        m.refused("invalid_body", 422);
        m.refused("invalid_body", 422);
        m.auth_failed("unauthorized");
        m.observe(&Method::POST, "/api/v1/applications", Duration::from_millis(3));
        m.observe(&Method::POST, "/api/v1/applications", Duration::from_millis(40));
        m.terminal_seen("SF-QST-01", t0);
        m.terminal_seen("SF-QST-02", t0);
        m.terminal_seen("SF-QST-01", t0 + Duration::from_secs(200));
        let text = m.render(t0 + Duration::from_secs(400));
        for line in [
            "kiosk_hub_applications_received_total 2",
            "kiosk_hub_application_replays_total 1",
            "kiosk_hub_conflicts_total{code=\"idempotency_conflict\"} 1",
            "kiosk_hub_refusals_total{code=\"invalid_body\",status=\"422\"} 2",
            "kiosk_hub_auth_failures_total{code=\"unauthorized\"} 1",
            "kiosk_hub_terminals_online 1",
            "kiosk_hub_request_duration_seconds_bucket{method=\"POST\",route=\"/api/v1/applications\",le=\"0.005\"} 1",
            "kiosk_hub_request_duration_seconds_bucket{method=\"POST\",route=\"/api/v1/applications\",le=\"0.05\"} 2",
            "kiosk_hub_request_duration_seconds_bucket{method=\"POST\",route=\"/api/v1/applications\",le=\"+Inf\"} 2",
            "kiosk_hub_request_duration_seconds_count{method=\"POST\",route=\"/api/v1/applications\"} 2",
        ] {
            assert!(text.lines().any(|l| l == line), "missing {line:?} in\n{text}");
        }
        assert!(!text.contains("conflicts_total{code=\"invalid_body\""), "{text}");
        // Every sample line is `name{labels} value` with a number for value.
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let value = line.rsplit(' ').next().unwrap();
            assert!(value.parse::<f64>().is_ok(), "{line}");
        }
        assert_eq!(escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }

    #[test]
    fn extension_methods_share_one_latency_label() {
        let m = Metrics::default();
        for i in 0..50 {
            let method = Method::from_bytes(format!("BREW{i}").as_bytes()).unwrap();
            m.observe(&method, "(no route)", Duration::from_millis(1));
        }
        m.observe(&Method::GET, "(no route)", Duration::from_millis(1));
        m.observe(&Method::PATCH, "(no route)", Duration::from_millis(1));
        let keys: Vec<_> = lock(&m.latency).keys().cloned().collect();
        assert_eq!(
            keys,
            [("GET", "(no route)".to_string()), ("OTHER", "(no route)".into()), ("PATCH", "(no route)".into())]
        );
        let text = m.render(Instant::now());
        assert!(
            text.contains("kiosk_hub_request_duration_seconds_count{method=\"OTHER\",route=\"(no route)\"} 50"),
            "{text}"
        );
        assert!(!text.contains("BREW"), "{text}");
    }
}
