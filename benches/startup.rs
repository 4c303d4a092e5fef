//! Start-up time measured from outside: from `exec` of the kiosk to its home screen drawn in an X
//! window (the window mapped and its pixels no longer blank), under Xvfb, alternating with Chromium in
//! kiosk mode showing an equivalent static page when Chromium is installed. Also the kiosk's memory
//! on the home screen (PSS and peak RSS, from /proc).
//!
//! Run: `cargo bench --bench startup` (needs Debian's `xvfb`; `chromium` for the comparison).
//! Options after `--`: a number of runs per program (default 15), `--no-chromium`.
//! Nothing is asserted: machines are noisy; the figures are printed.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use x11rb::connection::Connection;
use x11rb::protocol::xproto::{ConnectionExt, ImageFormat, MapState, Window};

const WIDTH: u16 = 1080;
const HEIGHT: u16 = 1920;

/// A private X server for the runs; killed on drop.
struct Xvfb {
    child: Child,
    display: String,
}

impl Xvfb {
    fn start() -> Result<Self, String> {
        for n in 150..200 {
            if Path::new(&format!("/tmp/.X11-unix/X{n}")).exists() {
                continue;
            }
            let display = format!(":{n}");
            let child = Command::new("Xvfb")
                .args([display.as_str(), "-screen", "0", &format!("{WIDTH}x{HEIGHT}x24"), "-br", "-nolisten", "tcp"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .map_err(|e| format!("cannot start Xvfb ({e}): install Debian's xvfb to run this benchmark"))?;
            let started = Instant::now();
            while started.elapsed() < Duration::from_secs(10) {
                if Path::new(&format!("/tmp/.X11-unix/X{n}")).exists() {
                    return Ok(Self { child, display });
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            return Err("Xvfb did not come up within 10 s".into());
        }
        Err("no free X display between :150 and :199".into())
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Viewable windows on the screen, top-level and one level down (window managers and browsers
/// may nest them).
fn viewable(conn: &impl Connection, root: Window) -> Vec<Window> {
    let mut out = Vec::new();
    let Ok(Ok(tree)) = conn.query_tree(root).map(|c| c.reply()) else {
        return out;
    };
    for w in tree.children {
        let Ok(attrs) = conn.get_window_attributes(w).map(|c| c.reply()) else { continue };
        if attrs.is_ok_and(|a| a.map_state == MapState::VIEWABLE) {
            out.push(w);
        }
    }
    out
}

/// Whether the screen shows something drawn: rows across its height hold several colours.
fn drawn(conn: &impl Connection, root: Window) -> bool {
    let mut colours = std::collections::HashSet::new();
    for k in 1..8 {
        let y = (HEIGHT as i16 / 8) * k;
        let Ok(Ok(img)) = conn.get_image(ImageFormat::Z_PIXMAP, root, 0, y, WIDTH, 1, !0).map(|c| c.reply()) else {
            return false;
        };
        colours.extend(img.data.chunks_exact(4).map(|p| [p[0], p[1], p[2]]));
    }
    colours.len() >= 3
}

/// Spawns `cmd` and waits until a window is mapped and drawn; returns (mapped, drawn) after exec.
fn time_to_screen(display: &str, mut cmd: Command) -> Result<(Duration, Duration, Child), String> {
    let (conn, screen) = x11rb::connect(Some(display)).map_err(|e| format!("cannot connect to {display}: {e}"))?;
    let root = conn.setup().roots[screen].root;
    if !viewable(&conn, root).is_empty() || drawn(&conn, root) {
        return Err("the screen is not empty before the run".into());
    }
    let t0 = Instant::now();
    let mut child = cmd.env("DISPLAY", display).spawn().map_err(|e| format!("cannot start {cmd:?}: {e}"))?;
    let mut mapped = None;
    while t0.elapsed() < Duration::from_secs(30) {
        if mapped.is_none() && !viewable(&conn, root).is_empty() {
            mapped = Some(t0.elapsed());
        }
        if let Some(mapped) = mapped.filter(|_| drawn(&conn, root)) {
            return Ok((mapped, t0.elapsed(), child));
        }
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!("{cmd:?} exited ({status}) before drawing"));
        }
        std::thread::sleep(Duration::from_micros(500));
    }
    let _ = child.kill();
    Err("nothing drawn within 30 s".into())
}

/// Proportional set size and peak resident set of a process, in MB.
fn memory(pid: u32) -> (f64, f64) {
    let field = |file: &str, key: &str| -> f64 {
        std::fs::read_to_string(format!("/proc/{pid}/{file}"))
            .ok()
            .and_then(|s| {
                s.lines().find(|l| l.starts_with(key)).and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
            })
            .map_or(f64::NAN, |kb| kb / 1024.0)
    };
    (field("smaps_rollup", "Pss:"), field("status", "VmHWM:"))
}

fn stop(mut child: Child) {
    let _ = child.kill();
    let _ = child.wait();
}

/// Writes the kiosk's config (simulated devices, data in `dir`, no speech); its path.
fn kiosk_config(dir: &Path) -> PathBuf {
    let config = dir.join("kiosk.toml");
    std::fs::write(
        &config,
        format!(
            "terminal_id = \"BENCH-01\"\ncentre_name = \"石峰区清水塘街道便民服务中心\"\ndata_dir = \"{}\"\ndemo = true\n\
             [screen]\norientation = \"portrait\"\nfullscreen = false\n\
             [id_reader]\nkind = \"simulated\"\n[printer]\nkind = \"simulated\"\n[scanner]\nkind = \"simulated\"\n\
             [speech]\nenabled = false\n",
            dir.join("data").display()
        ),
    )
    .expect("write the bench config");
    config
}

fn kiosk_command(config: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kiosk"));
    cmd.arg("--config").arg(config).env("RUST_LOG", "warn").stdout(Stdio::null()).stderr(Stdio::null());
    cmd
}

/// Chromium's command name, when it is installed.
fn chromium_exe() -> Option<&'static str> {
    ["chromium", "chromium-browser"].into_iter().find(|c| {
        Command::new("sh")
            .args(["-c", &format!("command -v {c}")])
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    })
}

/// Writes a static page like the kiosk's home screen (header, greeting, six large buttons, footer)
/// into `dir`; its path.
fn home_page(dir: &Path) -> PathBuf {
    let page = dir.join("home.html");
    let buttons: String = ["办事指南", "身份证办理", "进度查询", "我的网格员", "评价服务", "常办事项"]
        .iter()
        .map(|b| format!("<button>{b}</button>"))
        .collect();
    std::fs::write(
        &page,
        format!(
            "<!doctype html><meta charset=utf-8><style>body{{margin:0;font:32px sans-serif;background:#f4f1ea}}\
             header{{background:#b71c1c;color:#fff;padding:24px;font-size:40px}}main{{display:grid;\
             grid-template-columns:1fr 1fr;gap:24px;padding:24px}}button{{font-size:40px;height:220px;\
             border-radius:16px;border:0;background:#fff}}footer{{position:fixed;bottom:0;padding:24px}}</style>\
             <header>石峰区清水塘街道便民服务中心</header><h1>您好，请选择要办理的事项</h1><main>{buttons}</main>\
             <footer>终端 BENCH-01</footer>"
        ),
    )
    .expect("write the page");
    page
}

fn chromium_command(exe: &str, dir: &Path, page: &Path) -> Command {
    let mut cmd = Command::new(exe);
    cmd.args(["--kiosk", "--no-first-run", "--no-default-browser-check", "--disable-gpu", "--no-sandbox"])
        .arg(format!("--user-data-dir={}", dir.join("chromium").display()))
        .arg(format!("--window-size={WIDTH},{HEIGHT}"))
        .arg(format!("file://{}", page.display()))
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

fn summary(label: &str, times: &mut [Duration]) -> f64 {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let median = ms(times[times.len() / 2]);
    println!(
        "  {label:<28} min {:6.1} ms  median {:6.1} ms  max {:6.1} ms  ({} runs)",
        ms(times[0]),
        median,
        ms(times[times.len() - 1]),
        times.len()
    );
    median
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runs: usize = args.iter().find_map(|a| a.parse().ok()).unwrap_or(15);
    let with_chromium = !args.iter().any(|a| a == "--no-chromium");
    let xvfb = match Xvfb::start() {
        Ok(x) => x,
        Err(e) => {
            eprintln!("startup benchmark: {e}");
            std::process::exit(2);
        }
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let root: PathBuf = dir.path().to_path_buf();
    let config = kiosk_config(&root);
    let chromium = if with_chromium { chromium_exe().map(|exe| (exe, home_page(&root))) } else { None };
    if with_chromium && chromium.is_none() {
        println!("chromium is not installed (apt-get install chromium): the kiosk is measured alone");
    }

    let (mut k_map, mut k_drawn, mut c_map, mut c_drawn) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut mem = Vec::new();
    let mut first = None;
    // Run 0 creates the data folder (first boot); it is reported apart and not in the figures.
    for run in 0..=runs {
        match time_to_screen(&xvfb.display, kiosk_command(&config)) {
            Ok((mapped, drawn, child)) => {
                if run == 0 {
                    first = Some(drawn);
                } else {
                    k_map.push(mapped);
                    k_drawn.push(drawn);
                }
                std::thread::sleep(Duration::from_millis(1500));
                if run > 0 {
                    mem.push(memory(child.id()));
                }
                stop(child);
            }
            Err(e) => {
                eprintln!("kiosk: {e}");
                std::process::exit(1);
            }
        }
        std::thread::sleep(Duration::from_millis(200));
        if let Some((exe, page)) = &chromium {
            match time_to_screen(&xvfb.display, chromium_command(exe, &root, page)) {
                Ok((mapped, drawn, child)) => {
                    if run > 0 {
                        c_map.push(mapped);
                        c_drawn.push(drawn);
                    }
                    stop(child);
                    // Chromium's helpers leave with the browser; give them a moment.
                    std::thread::sleep(Duration::from_millis(500));
                }
                Err(e) => println!("chromium: {e}"),
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }
    let build = if cfg!(debug_assertions) { "debug" } else { "release" };
    println!("start-up from exec, Xvfb {WIDTH}×{HEIGHT}, {build} build, alternating runs:");
    if let Some(d) = first {
        println!("  kiosk, first boot (new data folder): {:.1} ms", d.as_secs_f64() * 1e3);
    }
    summary("kiosk: window mapped", &mut k_map);
    let kiosk = summary("kiosk: home screen drawn", &mut k_drawn);
    if !c_drawn.is_empty() {
        summary("chromium: window mapped", &mut c_map);
        let chrome = summary("chromium: page drawn", &mut c_drawn);
        println!("  chromium / kiosk (medians): {:.1}×", chrome / kiosk);
    }
    mem.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (pss, hwm) = mem[mem.len() / 2];
    println!("  kiosk on the home screen: PSS {pss:.1} MB, peak RSS {hwm:.1} MB (median run)");
}
