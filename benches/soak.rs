//! Soak run: thousands of resident sessions through the real flows, one kiosk, one process, watching
//! for growth. Each session searches (pinyin initials on the on-screen keyboard), opens the guide it
//! found, identifies with the ID card (the simulated GA 467 reader on a pseudo-terminal), applies (the
//! senior-card fast path, or the 临时救助 form filled in with its mistakes corrected, in turn), gets its
//! pickup slip from the simulated printer on a pseudo-terminal, rates, lifts the card and walks away:
//! the idle reset wipes the session. The kiosk runs on Slint's testing backend and is driven by
//! accessible labels, as the UI tests do (tests/common/mod.rs).
//!
//! Every `--every` sessions (500) it samples the process's RSS, open file descriptors and threads, the
//! SQLite file and its WAL, and the rows of every table; the samples go to `soak.csv` and a chart to
//! `soak.png` in the output folder (default `target/soak/`). At the end it prints a verdict on the goals
//! (RSS growth ≤ 2 MB after warm-up, descriptors and threads flat, database growth only by the rows
//! written); it asserts nothing: the exit code is 0 whatever the verdict, 1 only if a flow broke.
//!
//! Run: `cargo bench --bench soak` (10,000 sessions), `cargo bench --bench soak -- --sessions 200`
//! for a short run (samples every 10 sessions then), `-- --out DIR` for another folder. Run as a
//! test (`cargo test --bench soak`) it drives 20 sessions.

#[path = "../tests/common/mod.rs"]
mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::{label_containing, shows, tap, text_field, wait_secs, wait_until};
use kiosk::catalog::{self, Catalog};
use kiosk::devices::idcard::Card;
use kiosk::ui::{Devices, KioskUi};
use kiosk::{AppState, ApplyState, ApplyStep, IdentifyState, Screen};
use plotters::prelude::*;
use slint::ComponentHandle;

/// How long a device step (card read, slip printed) may take before the flow counts as broken.
const LIMIT: Duration = Duration::from_secs(20);
/// The warm-up: growth is measured from this sample on (sample 0 is taken before the first session).
const WARM_UP_SAMPLE: usize = 2;
/// The goals.
const RSS_GROWTH_GOAL_KB: i64 = 2 * 1024;

struct Options {
    sessions: usize,
    every: usize,
    out: PathBuf,
}

fn options() -> Options {
    // `cargo bench` passes --bench; run as a test (`cargo test --benches`) it only checks the flows
    // still go through, with a few sessions.
    let mut sessions = if std::env::args().any(|a| a == "--bench") { 10_000 } else { 20 };
    let mut every = None;
    let mut out = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().unwrap_or_else(|| panic!("{name} needs a value"));
        match arg.as_str() {
            "--sessions" => sessions = value("--sessions").parse().expect("--sessions N"),
            "--every" => every = Some(value("--every").parse().expect("--every N")),
            "--out" => out = Some(PathBuf::from(value("--out"))),
            // `cargo bench` passes --bench; a filter or other harness flags mean nothing here.
            _ => {}
        }
    }
    if let Ok(n) = std::env::var("KIOSK_SOAK_SESSIONS") {
        sessions = n.parse().expect("KIOSK_SOAK_SESSIONS=N");
    }
    let every = every.unwrap_or(if sessions >= 5_000 { 500 } else { (sessions / 20).max(1) }).max(1);
    let out = out.unwrap_or_else(|| {
        // target/soak next to the bench binary's target/release/deps (CARGO_TARGET_DIR respected).
        let exe = std::env::current_exe().expect("own path");
        let target = exe.ancestors().nth(3).map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("target"));
        target.join("soak")
    });
    Options { sessions, every, out }
}

/// One row of the CSV.
#[derive(Clone, Debug)]
struct Sample {
    sessions: usize,
    elapsed_s: f64,
    rss_kb: i64,
    fds: i64,
    threads: i64,
    db_bytes: i64,
    wal_bytes: i64,
    /// The database as a reader sees it, WAL included: pages in use × page size, and its free pages.
    used_bytes: i64,
    free_pages: i64,
    /// Rows per table.
    rows: BTreeMap<String, i64>,
}

impl Sample {
    fn total_rows(&self) -> i64 {
        self.rows.values().sum()
    }
    /// The process and the database at this sample, on one line.
    fn line(&self) -> String {
        format!(
            "RSS {:>6} kB  fds {:>3}  threads {:>3}  db {:>9} B  wal {:>8} B  in use {:>9} B",
            self.rss_kb, self.fds, self.threads, self.db_bytes, self.wal_bytes, self.used_bytes
        )
    }
    fn row(&self, table: &str) -> i64 {
        self.rows.get(table).copied().unwrap_or(0)
    }
}

fn status_field(name: &str) -> i64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|l| l.strip_prefix(name).and_then(|r| r.strip_prefix(':')))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no {name} in /proc/self/status"))
}

fn file_size(path: &Path) -> i64 {
    std::fs::metadata(path).map(|m| m.len() as i64).unwrap_or(0)
}

/// Takes a sample; `conn` is the soak's own read-only connection with a tiny page cache, open all along
/// (a connection opened and closed per sample would leave SQLite holding its descriptor for reuse
/// while the kiosk's connection has the file locked: a step in the descriptor count that is not the
/// kiosk's).
fn sample(sessions: usize, started: Instant, db: &Path, conn: &rusqlite::Connection) -> Sample {
    let rss_kb = status_field("VmRSS");
    let threads = status_field("Threads");
    let fds = std::fs::read_dir("/proc/self/fd").expect("/proc/self/fd").count() as i64 - 1; // less read_dir's own
    let wal = PathBuf::from(format!("{}-wal", db.display()));
    let (db_bytes, wal_bytes) = (file_size(db), file_size(&wal));
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .expect("tables");
    let rows = tables
        .into_iter()
        .map(|t| {
            let n: i64 = conn.query_row(&format!("SELECT COUNT(*) FROM \"{t}\""), [], |r| r.get(0)).expect("count");
            (t, n)
        })
        .collect();
    let pragma = |name: &str| -> i64 { conn.pragma_query_value(None, name, |r| r.get(0)).expect(name) };
    let (pages, page_size, free_pages) = (pragma("page_count"), pragma("page_size"), pragma("freelist_count"));
    let used_bytes = (pages - free_pages) * page_size;
    Sample {
        sessions,
        elapsed_s: started.elapsed().as_secs_f64(),
        rss_kb,
        fds,
        threads,
        db_bytes,
        wal_bytes,
        used_bytes,
        free_pages,
        rows,
    }
}

fn step(ui: &KioskUi) -> ApplyStep {
    ui.window().global::<ApplyState>().get_step()
}

fn screen(ui: &KioskUi) -> Screen {
    ui.window().global::<AppState>().get_screen()
}

/// A flow that broke: the session and what went wrong (the run stops, its samples are kept).
type Broken = String;

fn check(ok: bool, session: usize, what: &str) -> Result<(), Broken> {
    if ok {
        Ok(())
    } else {
        Err(format!("session {session}: {what}"))
    }
}

/// The searches residents type (initials) and a word of the guide the first result must be.
const SEARCHES: [(&str, &str); 3] = [("LDYD", "老年人优待证"), ("LSJZ", "临时救助"), ("GLJT", "高龄")];

/// The `n`th resident: the sample card's holder born `n / 500` days earlier, with the sequence number
/// `n % 500` (of the holder's gender) and the check digit that goes with them. Each session is someone
/// else: the same card twice on one day would be asked whether to apply again (重复申请).
fn resident(sample: &Card, n: usize) -> Card {
    let mut card = sample.clone();
    card.birth_date -= chrono::TimeDelta::days((n / 500) as i64);
    let male = matches!(card.gender, kiosk::devices::idcard::Gender::Male);
    let sequence = (n % 500) * 2 + usize::from(male);
    let first17 = format!("{}{}{sequence:03}", &sample.id_number[..6], card.birth_date.format("%Y%m%d"));
    let check = kiosk::devices::idcard::card::gb11643_check_char(&first17).expect("17 digits");
    card.id_number = format!("{first17}{check}");
    card.refresh(chrono::Local::now().date_naive());
    assert!(card.id_number_valid, "a valid ID number");
    card
}

/// Places the card on the simulated reader: the kiosk's reader thread reads it over the
/// pseudo-terminal (GA 467 frames), as the demo panel's 模拟刷卡 buttons do with the sample cards.
fn place(ui: &KioskUi, card: &Card) {
    let devices = ui.devices();
    let sim = devices.reader.as_ref().and_then(|r| r.simulator()).expect("the simulated reader");
    sim.place(card).expect("an encodable card");
}

/// Places the card and waits for `next`. A read that failed (a reader step timed out on a loaded
/// machine: the screen asks to place the card again) is met as a resident meets it: lift the card and
/// place it again, counted in `phases.replaced`. The first wait is short of the 90 s idle time in
/// mock time (100 ms of it for each 10 ms waited).
fn identify(ui: &KioskUi, n: usize, card: &Card, next: ApplyStep, phases: &mut Phases) -> Result<(), Broken> {
    place(ui, card);
    for _ in 0..3 {
        if wait_until(ui, Duration::from_secs(5), |ui| step(ui) == next) {
            return Ok(());
        }
        if step(ui) != ApplyStep::Identify {
            break;
        }
        let problem = ui.window().global::<IdentifyState>().get_problem();
        eprintln!("soak: session {n}: card placed again after: {problem:?}");
        phases.replaced += 1;
        if let Some(reader) = ui.devices().reader.as_ref().and_then(|r| r.simulator()) {
            reader.lift();
        }
        wait_until(ui, Duration::from_millis(300), |_| false);
        place(ui, card);
    }
    let (message, problem) =
        (ui.window().global::<ApplyState>().get_message(), ui.window().global::<IdentifyState>().get_problem());
    check(false, n, &format!("{next:?} not reached after the card: at {:?}, {message:?} {problem:?}", step(ui)))
}

/// One resident, from the home screen back to the home screen.
fn session(ui: &KioskUi, n: usize, (elderly, younger): &(Card, Card), phases: &mut Phases) -> Result<(), Broken> {
    check(screen(ui) == Screen::Home, n, "does not start on the home screen")?;
    phases.start();
    // Search, and open the first result.
    let (keys, word) = SEARCHES[n % SEARCHES.len()];
    tap(ui, "办事指南");
    tap(ui, "搜索事项");
    for key in keys.chars() {
        tap(ui, &key.to_string());
    }
    let first = common::button_labels(ui).into_iter().find(|l| l.contains(word));
    let Some(first) = first else {
        return check(false, n, &format!("no result for {keys}"));
    };
    phases.lap("search");
    tap(ui, &first);
    check(screen(ui) == Screen::Detail && shows(ui, "申请材料"), n, "the guide did not open")?;
    tap(ui, "首页");
    phases.lap("guide");

    if n.is_multiple_of(2) {
        // The senior-card fast path: the card, then one tap.
        tap(ui, "老年优待证");
        identify(ui, n, &resident(elderly, n), ApplyStep::Review, phases)?;
        phases.lap("identify");
        tap(ui, "同意并提交");
    } else {
        // A form: consent, the card, the form with two mistakes corrected.
        tap(ui, "我要办理");
        tap(ui, "临时救助申请");
        tap(ui, "同意");
        identify(ui, n, &resident(younger, n), ApplyStep::Form, phases)?;
        phases.lap("identify");
        tap(ui, "遇到的困难：突发重大疾病");
        text_field(ui, "联系电话").invoke_accessible_default_action();
        for d in "1380733123".chars() {
            tap(ui, &d.to_string());
        }
        tap(ui, "完成");
        text_field(ui, "急需救助金额").set_accessible_value("0");
        text_field(ui, "家庭共同生活人口").set_accessible_value("3");
        tap(ui, "下一步");
        check(label_containing(ui, "11位").is_some(), n, "the short phone number was not explained")?;
        text_field(ui, "联系电话").invoke_accessible_default_action();
        tap(ui, "4");
        tap(ui, "完成");
        text_field(ui, "急需救助金额").set_accessible_value("5000");
        tap(ui, "下一步");
        check(step(ui) == ApplyStep::Review, n, "the corrected form was not accepted")?;
        tap(ui, "确认提交");
    }
    check(step(ui) == ApplyStep::Done, n, "not submitted")?;
    phases.lap("apply");
    let printed = wait_until(ui, LIMIT, |ui| !ui.window().global::<ApplyState>().get_printing());
    check(printed, n, "the slip never finished printing")?;
    if !shows(ui, "回执已打印，请从出纸口取走。") {
        // The application is saved and its slip is on screen to photograph; the resident goes on.
        let message = ui.window().global::<ApplyState>().get_print_message();
        eprintln!("soak: session {n}: slip not printed: {message}");
        phases.unprinted += 1;
    }
    phases.lap("print");
    tap(ui, ["非常满意", "满意", "基本满意"][n % 3]);
    check(step(ui) == ApplyStep::Thanks, n, "the rating was not taken")?;
    phases.lap("rate");
    // The resident takes the card and the slip and walks away.
    if let Some(reader) = ui.devices().reader.as_ref().and_then(|r| r.simulator()) {
        reader.lift();
    }
    wait_secs(111);
    check(screen(ui) == Screen::Home, n, "the idle reset did not go home")?;
    phases.lap("idle reset");
    Ok(())
}

/// Where the sessions' time goes, phase by phase (wall clock).
#[derive(Default)]
struct Phases {
    since: Option<Instant>,
    total: Vec<(&'static str, Duration)>,
    /// Cards placed a second time because a read failed.
    replaced: usize,
    /// Slips the printer did not print (the application saved, the slip shown on screen).
    unprinted: usize,
}

impl Phases {
    fn start(&mut self) {
        self.since = Some(Instant::now());
    }

    fn lap(&mut self, name: &'static str) {
        let now = Instant::now();
        let took = now - self.since.unwrap_or(now);
        self.since = Some(now);
        match self.total.iter_mut().find(|(n, _)| *n == name) {
            Some((_, t)) => *t += took,
            None => self.total.push((name, took)),
        }
    }

    fn print(&self, sessions: usize) {
        let each: Vec<String> = self
            .total
            .iter()
            .map(|(n, t)| format!("{n} {:.1}", t.as_secs_f64() * 1000.0 / sessions.max(1) as f64))
            .collect();
        println!("ms a session by phase: {}", each.join(", "));
        println!("cards placed again after a failed read: {}; slips not printed: {}", self.replaced, self.unprinted);
    }
}

/// The kiosk as the demo config starts it (simulated reader, printer and scanner on pseudo-terminals),
/// its database at `db`.
fn kiosk(db: &Path) -> KioskUi {
    let mut config = common::demo_config();
    // The card is looked for every 50 ms instead of 500: a session would otherwise wait a quarter of a
    // second on average for the reader to notice the card (the soak is about growth, not waiting).
    config.id_reader.poll_interval_ms = 50;
    kiosk::fonts::ensure_fontconfig(&std::env::temp_dir().join("kiosk-soak-fonts")).expect("fontconfig");
    i_slint_backend_testing::init_no_event_loop();
    let ui = KioskUi::new(&config, Catalog::new(catalog::bundled()), Devices::start(&config)).expect("kiosk");
    ui.attach_store(kiosk::store::Store::open(db).expect("database"));
    ui.window().window().set_size(slint::LogicalSize::new(1080.0, 1920.0));
    ui.window().show().expect("window");
    ui
}

const TABLES: [&str; 3] = ["application", "print_job", "rating"];

fn write_csv(path: &Path, samples: &[Sample]) -> std::io::Result<()> {
    let mut csv = String::from("sessions,elapsed_s,rss_kb,fds,threads,db_bytes,wal_bytes,used_bytes,free_pages");
    for t in TABLES {
        csv.push_str(&format!(",{t}_rows"));
    }
    csv.push_str(",all_rows\n");
    for s in samples {
        csv.push_str(&format!(
            "{},{:.1},{},{},{},{},{},{},{}",
            s.sessions, s.elapsed_s, s.rss_kb, s.fds, s.threads, s.db_bytes, s.wal_bytes, s.used_bytes, s.free_pages
        ));
        for t in TABLES {
            csv.push_str(&format!(",{}", s.row(t)));
        }
        csv.push_str(&format!(",{}\n", s.total_rows()));
    }
    std::fs::write(path, csv)
}

/// The bundled font for the chart's text (ab_glyph: no system fonts, no fontconfig).
static FONT: &[u8] = include_bytes!("../assets/fonts/NotoSansSC-Regular.otf");

/// One panel of the chart: a line per named series over the sessions; `points` are (sessions, one
/// value per series).
fn panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    title: &str,
    series: &[(&str, RGBColor)],
    points: &[(f64, Vec<f64>)],
) -> Result<(), Box<dyn std::error::Error>>
where
    DB::ErrorType: 'static,
{
    let x_max = points.iter().map(|(x, _)| *x).fold(1.0, f64::max);
    let values = || points.iter().flat_map(|(_, v)| v.iter().copied());
    let (lo, hi) = (values().fold(f64::MAX, f64::min), values().fold(f64::MIN, f64::max));
    let (lo, hi) = if lo > hi { (0.0, 1.0) } else { (lo, hi) };
    // Room above and below, and never a zero-height axis: flat lines show as flat.
    let pad = ((hi - lo) * 0.15).max(hi.abs() * 0.05).max(1.0);
    let y_lo = if lo >= 0.0 { (lo - pad).max(0.0) } else { lo - pad };
    let y_hi = hi + pad;
    let mut chart = ChartBuilder::on(area)
        .caption(title, ("sans-serif", 22))
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(64)
        .build_cartesian_2d(0.0..x_max, y_lo..y_hi)?;
    chart
        .configure_mesh()
        .x_desc("sessions")
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&|y| if y_hi - y_lo < 10.0 { format!("{y:.1}") } else { format!("{y:.0}") })
        .label_style(("sans-serif", 14))
        .draw()?;
    for (i, (name, colour)) in series.iter().enumerate() {
        let colour = *colour;
        chart
            .draw_series(LineSeries::new(points.iter().map(|(x, v)| (*x, v[i])), colour.stroke_width(2)))?
            .label(*name)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], colour.stroke_width(2)));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .label_font(("sans-serif", 14))
        .draw()?;
    Ok(())
}

fn draw_chart(path: &Path, samples: &[Sample]) -> Result<(), Box<dyn std::error::Error>> {
    plotters::style::register_font("sans-serif", FontStyle::Normal, FONT).map_err(|_| "the bundled font")?;
    let (w, h) = (1400u32, 1000u32);
    let mut rgb = vec![0u8; (w * h * 3) as usize];
    let at = |f: &dyn Fn(&Sample) -> Vec<f64>| -> Vec<(f64, Vec<f64>)> {
        samples.iter().map(|s| (s.sessions as f64, f(s))).collect()
    };
    let mib = |b: i64| b as f64 / 1_048_576.0;
    // Growth per session between samples: flat when the database grows only by what each session
    // writes (its application, print job and rating).
    let growth: Vec<(f64, Vec<f64>)> = samples
        .windows(2)
        .map(|w| {
            let n = (w[1].sessions - w[0].sessions).max(1) as f64;
            let bytes = (w[1].used_bytes - w[0].used_bytes) as f64 / n;
            let rows = (w[1].total_rows() - w[0].total_rows()) as f64 / n;
            (w[1].sessions as f64, vec![bytes / 1024.0, rows])
        })
        .collect();
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (w, h)).into_drawing_area();
        root.fill(&WHITE)?;
        let (top, body) = root.split_vertically(40);
        let last = samples.last().map_or(0, |s| s.sessions);
        let title = format!("kiosk soak: {last} sessions, a sample every {}", every_of(samples));
        top.titled(&title, ("sans-serif", 24))?;
        let panels = body.split_evenly((2, 2));
        panel(&panels[0], "RSS (MB)", &[("VmRSS", RED)], &at(&|s| vec![s.rss_kb as f64 / 1024.0]))?;
        panel(
            &panels[1],
            "open file descriptors and threads",
            &[("fds", BLUE), ("threads", GREEN)],
            &at(&|s| vec![s.fds as f64, s.threads as f64]),
        )?;
        panel(
            &panels[2],
            "SQLite (MB): file, WAL, pages in use",
            &[("kiosk.sqlite3", MAGENTA), ("-wal", CYAN), ("in use", BLACK)],
            &at(&|s| vec![mib(s.db_bytes), mib(s.wal_bytes), mib(s.used_bytes)]),
        )?;
        panel(
            &panels[3],
            "database growth per session since the previous sample",
            &[("KB in use", BLACK), ("rows", RED)],
            &growth,
        )?;
        root.present()?;
    }
    let file = std::io::BufWriter::new(std::fs::File::create(path)?);
    let mut png = png::Encoder::new(file, w, h);
    png.set_color(png::ColorType::Rgb);
    png.set_depth(png::BitDepth::Eight);
    png.write_header()?.write_image_data(&rgb)?;
    Ok(())
}

fn every_of(samples: &[Sample]) -> usize {
    samples.get(1).map_or(0, |s| s.sessions)
}

/// Prints the figures and the verdict on each goal; true if all are met.
fn verdict(samples: &[Sample]) -> bool {
    let first = &samples[0];
    let last = samples.last().expect("samples");
    let Some(base) = samples.get(WARM_UP_SAMPLE).filter(|b| b.sessions < last.sessions) else {
        println!("verdict: too few samples to judge growth after warm-up (sample {WARM_UP_SAMPLE} on)");
        return false;
    };
    let after = &samples[WARM_UP_SAMPLE..];
    let range =
        |f: fn(&Sample) -> i64| (after.iter().map(f).min().unwrap_or(0), after.iter().map(f).max().unwrap_or(0));
    let secs = last.elapsed_s - first.elapsed_s;
    println!(
        "{} sessions in {secs:.0} s: {:.1} sessions/s ({:.1} ms a session)",
        last.sessions,
        last.sessions as f64 / secs,
        1000.0 * secs / last.sessions.max(1) as f64
    );
    let show = |s: &Sample, name: &str| {
        let rows: BTreeMap<_, _> = s.rows.iter().filter(|(_, n)| **n > 0).collect();
        println!("  {name:>9} (session {:>5}): {}  rows {rows:?}", s.sessions, s.line());
    };
    show(first, "first");
    show(base, "warmed up");
    show(last, "last");

    let mut ok = true;
    let mut goal = |met: bool, text: String| {
        println!("  [{}] {text}", if met { "ok" } else { "MISSED" });
        ok &= met;
    };
    let growth = last.rss_kb - base.rss_kb;
    let (rss_lo, rss_hi) = range(|s| s.rss_kb);
    goal(
        growth <= RSS_GROWTH_GOAL_KB,
        format!(
            "RSS growth after warm-up: {growth:+} kB over {} sessions (goal ≤ {RSS_GROWTH_GOAL_KB} kB; range {rss_lo}..{rss_hi} kB)",
            last.sessions - base.sessions
        ),
    );
    let (fd_lo, fd_hi) = range(|s| s.fds);
    goal(
        last.fds <= base.fds && fd_hi - fd_lo <= 2,
        format!("open descriptors flat: {} → {} (range {fd_lo}..{fd_hi})", base.fds, last.fds),
    );
    let (th_lo, th_hi) = range(|s| s.threads);
    goal(
        last.threads <= base.threads && th_hi - th_lo <= 2,
        format!("threads flat: {} → {} (range {th_lo}..{th_hi})", base.threads, last.threads),
    );

    // Database: it grows by what the sessions write and by nothing else: only the tables a session
    // writes gain rows, one each a session; the pages in use grow by the same amount a row all along
    // (no bloat, no free pages piling up); the WAL stays bounded (checkpoints happen).
    let rows = last.total_rows() - base.total_rows();
    let sessions = (last.sessions - base.sessions) as i64;
    let per_row = |a: &Sample, b: &Sample| {
        let r = b.total_rows() - a.total_rows();
        (r > 0).then(|| (b.used_bytes - a.used_bytes) as f64 / r as f64)
    };
    let mid = &after[after.len() / 2];
    let halves = (per_row(base, mid), per_row(mid, last));
    let grew: Vec<String> = last
        .rows
        .iter()
        .filter(|(t, n)| **n != base.row(t) && !TABLES.contains(&t.as_str()))
        .map(|(t, n)| format!("{t} {} → {n}", base.row(t)))
        .collect();
    let written: Vec<String> = TABLES.iter().map(|t| format!("{t} +{}", last.row(t) - base.row(t))).collect();
    let one_each = TABLES.iter().all(|t| last.row(t) - base.row(t) == sessions);
    let wal_max = after.iter().map(|s| s.wal_bytes).max().unwrap_or(0);
    let free_max = after.iter().map(|s| s.free_pages).max().unwrap_or(0);
    // Pages come whole (4 KB, a few B-trees): in a short run the halves may differ by a few pages.
    let linear = match halves {
        (Some(a), Some(b)) => b <= a * 1.25 + 16.0 * 4096.0 / (rows.max(1) as f64 / 2.0),
        _ => true,
    };
    let fmt = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.0}"));
    let grown = last.used_bytes - base.used_bytes;
    goal(
        one_each && grew.is_empty() && linear && free_max <= 16 && wal_max <= 8 << 20,
        format!(
            "database grows only by the rows written: {grown:+} B in use for {rows} rows ({}), {:.0} B a row \
             ({} in the first half, {} in the second), {:.0} B a session; other tables {}; free pages at most \
             {free_max}; files {} B + WAL {} B (WAL at most {wal_max} B)",
            written.join(", "),
            grown as f64 / rows.max(1) as f64,
            fmt(halves.0),
            fmt(halves.1),
            grown as f64 / sessions.max(1) as f64,
            if grew.is_empty() { "unchanged".to_string() } else { grew.join(", ") },
            last.db_bytes,
            last.wal_bytes,
        ),
    );
    ok
}

fn main() {
    let options = options();
    std::fs::create_dir_all(&options.out).expect("output folder");
    let dir = tempfile::tempdir().expect("temporary folder");
    let db = dir.path().join("kiosk.sqlite3");
    println!(
        "soak: {} sessions, a sample every {}, output in {}",
        options.sessions,
        options.every,
        options.out.display()
    );
    let ui = kiosk(&db);
    let started = Instant::now();
    let cards = (common::cards::elderly(), common::cards::younger());
    let conn = rusqlite::Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).expect("db");
    // The counts read every page of the tables: with SQLite's default 2 MB page cache this connection
    // would fill it as the database grows and show as RSS growth that is not the kiosk's.
    conn.pragma_update(None, "cache_size", 16).expect("cache_size");
    let mut samples = vec![sample(0, started, &db, &conn)];
    let mut phases = Phases::default();
    let mut broken = None;
    let mut done = 0;
    for n in 0..options.sessions {
        if let Err(e) = session(&ui, n, &cards, &mut phases) {
            broken = Some(e);
            break;
        }
        done = n + 1;
        if (n + 1) % options.every == 0 || n + 1 == options.sessions {
            let s = sample(n + 1, started, &db, &conn);
            println!("  {:>6} sessions {:>7.1} s  {}  rows {}", s.sessions, s.elapsed_s, s.line(), s.total_rows());
            samples.push(s);
        }
    }
    let csv = options.out.join("soak.csv");
    let png = options.out.join("soak.png");
    write_csv(&csv, &samples).expect("CSV");
    if let Err(e) = draw_chart(&png, &samples) {
        eprintln!("soak: chart not drawn: {e}");
    }
    println!("samples: {}\nchart:   {}", csv.display(), png.display());
    phases.print(done);
    let met = verdict(&samples);
    println!("verdict: {}", if met { "all goals met" } else { "goals missed (see above)" });
    drop(ui);
    if let Some(e) = broken {
        eprintln!("soak: a flow broke, the run stopped after {done} sessions: {e}");
        std::process::exit(1);
    }
}
