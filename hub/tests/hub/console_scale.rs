//! The queue's response time with 100,000 applications in the store (the closing note's figure):
//! `#[ignore]`d, run by hand on either backend:
//!
//! ```text
//! cargo test -p kiosk-hub --test hub --release console_scale -- --ignored --nocapture
//! ```
//!
//! One application goes in through the API (sealed with the key file, as every row); the database then
//! copies it 99,999 times in one statement, with their own ids, numbers, tokens, pickup codes, dates,
//! terminals, statuses and suffix hashes (one row in 1,000 keeps the original's ID suffix), and
//! analyses it (PostgreSQL: `VACUUM ANALYZE`, as autovacuum would have done by then). Each page
//! is fetched over HTTP by a logged-in clerk, 20 times, and the median and worst times printed; the
//! test fails if the median of the unfiltered first page is over 500 ms.

use std::time::{Duration, Instant};

use kiosk_hub::store::console::Role;

use crate::common::{backend, senior_card_renewal, Backend, Hub};
use crate::console::Browser;

const ROWS: i64 = 100_000;

/// The copy for SQLite: `n` from 2 to ROWS.
const SQLITE_FILL: &str = "
WITH RECURSIVE seq(n) AS (SELECT 2 UNION ALL SELECT n + 1 FROM seq WHERE n < ?1)
INSERT INTO applications (idempotency_key, request_hash, terminal_id, acceptance_no, token, kind, item_code, item_name,
    applicant, form, submitted_at, promised_date, pickup_code, grid, note, status, received_at, key_id, id_suffix)
SELECT printf('00000000-0000-4000-a000-%012d', n), a.request_hash, CASE n % 3 WHEN 0 THEN 'SF-QST-02' ELSE a.terminal_id END,
    printf('SCALE-%06d', n), printf('scale%015d', n), a.kind, a.item_code, a.item_name, a.applicant, a.form,
    printf('2026-%02d-%02dT09:41:00+08:00', 1 + n % 11, 1 + n % 28), a.promised_date, printf('%06d', n % 1000000),
    a.grid, a.note,
    CASE n % 10 WHEN 0 THEN 'processing' WHEN 1 THEN 'ready' WHEN 2 THEN 'picked_up' ELSE 'accepted' END,
    a.received_at, a.key_id, CASE WHEN n % 1000 = 0 THEN a.id_suffix ELSE hex(randomblob(16)) END
FROM seq, applications a WHERE a.id = 1";

const POSTGRES_FILL: &str = "
INSERT INTO applications (idempotency_key, request_hash, terminal_id, acceptance_no, token, kind, item_code, item_name,
    applicant, form, submitted_at, promised_date, pickup_code, grid, note, status, received_at, key_id, id_suffix)
SELECT '00000000-0000-4000-a000-' || lpad(n::text, 12, '0'), a.request_hash,
    CASE n % 3 WHEN 0 THEN 'SF-QST-02' ELSE a.terminal_id END,
    'SCALE-' || lpad(n::text, 6, '0'), 'scale' || lpad(n::text, 15, '0'), a.kind, a.item_code, a.item_name,
    a.applicant, a.form,
    '2026-' || lpad((1 + n % 11)::text, 2, '0') || '-' || lpad((1 + n % 28)::text, 2, '0') || 'T09:41:00+08:00',
    a.promised_date, lpad((n % 1000000)::text, 6, '0'), a.grid, a.note,
    CASE n % 10 WHEN 0 THEN 'processing' WHEN 1 THEN 'ready' WHEN 2 THEN 'picked_up' ELSE 'accepted' END,
    a.received_at, a.key_id, CASE WHEN n % 1000 = 0 THEN a.id_suffix ELSE md5(n::text) END
FROM generate_series(2, $1::BIGINT) AS n, applications a WHERE a.id = 1";

async fn fill(hub: &Hub) {
    match backend() {
        Backend::Sqlite => {
            let kiosk_hub::config::Database::Sqlite(path) = &hub.database else { unreachable!() };
            let conn = rusqlite::Connection::open(path).unwrap();
            conn.execute(SQLITE_FILL, [ROWS]).unwrap();
            conn.execute_batch("ANALYZE").unwrap();
        }
        Backend::Postgres => {
            let kiosk_hub::config::Database::Postgres(url) = &hub.database else { unreachable!() };
            let client = crate::pg::connect(crate::pg::database_name(url)).await;
            client.execute(POSTGRES_FILL, &[&ROWS]).await.unwrap();
            client.batch_execute("VACUUM ANALYZE applications").await.unwrap();
        }
    }
}

/// (median, worst) of 20 fetches of `path`, and the page's size in bytes.
async fn time(b: &mut Browser, path: &str, rows: usize) -> (Duration, Duration, usize) {
    let mut times = Vec::new();
    let mut bytes = 0;
    for _ in 0..20 {
        let started = Instant::now();
        let page = b.get(path).await;
        times.push(started.elapsed());
        assert_eq!(page.status, 200, "{path}");
        assert_eq!(page.rows(), rows, "{path}");
        bytes = page.body.len();
    }
    times.sort();
    (times[times.len() / 2], times[times.len() - 1], bytes)
}

#[tokio::test]
#[ignore = "fills a store with 100,000 applications: run by hand (see the module's doc)"]
async fn console_scale_sqlite() {
    crate::common::BACKEND.scope(Backend::Sqlite, console_scale()).await
}

#[tokio::test]
#[ignore = "fills a PostgreSQL database with 100,000 applications: run by hand (see the module's doc)"]
async fn console_scale_postgres() {
    if crate::pg::available("console_scale_postgres") {
        crate::common::BACKEND.scope(Backend::Postgres, console_scale()).await
    }
}

async fn console_scale() {
    let hub = Hub::start().await;
    let token = hub.terminal("SF-QST-01");
    hub.terminal("SF-QST-02");
    let mut body = senior_card_renewal("SF-QST-01");
    body["pickup_code"] = "999999".into();
    assert_eq!(hub.submit(&token, &body).await.status(), 201);
    let started = Instant::now();
    fill(&hub).await;
    println!("{:?}: filled {ROWS} applications in {:.1} s", backend(), started.elapsed().as_secs_f64());
    hub.store.add_staff("wang.clerk", Role::Clerk, "correct horse battery").unwrap();
    let mut b = Browser::new(&hub);
    b.login("wang.clerk").await;
    let css = b.get("/static/console.css").await.body.len();
    let mut first = Duration::ZERO;
    for (path, rows) in [
        ("/console", 50),
        ("/console?before=50000", 50),
        ("/console?status=ready", 50),
        ("/console?terminal=SF-QST-02&status=processing&from=2026-03-01&to=2026-03-31", 50),
        ("/console?q=SCALE-077777", 1),
        ("/console?q=999999", 1),
        ("/console?q=1027&by=id_suffix", 50),
    ] {
        let (median, worst, bytes) = time(&mut b, path, rows).await;
        println!(
            "{:?}: GET {path}: median {:.1} ms, worst {:.1} ms, {bytes} bytes of HTML",
            backend(),
            median.as_secs_f64() * 1000.0,
            worst.as_secs_f64() * 1000.0
        );
        if path == "/console" {
            first = median;
        }
    }
    println!("{:?}: the queue page is 2 requests (HTML + /static/console.css, {css} bytes)", backend());
    assert!(first < Duration::from_millis(500), "the first page takes {first:?}");
}
