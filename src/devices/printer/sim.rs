//! A simulated receipt printer on a pseudo-terminal: answers DLE EOT 1/2/4 according to its mode
//! and interprets the received ESC/POS into a 1-bit paper image per job (cut to cut).
//!
//! Text is drawn as a layout preview (a CJK character is a hollow 24×24 box, digits and Latin letters
//! a tiny built-in 3×5 font, `-` a rule); QR codes (native `GS ( k`, rebuilt with the `qrcode` crate from the
//! stored data, module size and error level) and raster images (`GS v 0`) are pixel-exact.

use std::collections::VecDeque;
use std::io::{Read, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use qrcode::{Color, EcLevel, QrCode};
use serialport::{SerialPort, TTYPort};

use super::status::{status_answers, PaperState};
use crate::slip::Paper;

/// How the simulated printer behaves; changeable at run time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SimMode {
    /// Ready; prints.
    Normal,
    /// Reports paper out; prints nothing.
    PaperOut,
    /// Reports the cover open; prints nothing.
    CoverOpen,
    /// Reports paper near end; prints.
    NearEnd,
    /// Answers nothing and prints nothing (switched off, cable pulled).
    Silent,
}

impl SimMode {
    fn answers(self) -> Option<[u8; 3]> {
        match self {
            SimMode::Normal => Some(status_answers(PaperState::Ok, false, false)),
            SimMode::NearEnd => Some(status_answers(PaperState::NearEnd, false, false)),
            SimMode::PaperOut => Some(status_answers(PaperState::Out, false, false)),
            SimMode::CoverOpen => Some(status_answers(PaperState::Ok, true, false)),
            SimMode::Silent => None,
        }
    }

    fn prints(self) -> bool {
        matches!(self, SimMode::Normal | SimMode::NearEnd)
    }
}

/// A greyscale image, 0 = black, 255 = white, row-major.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaperImage {
    pub width: u32,
    pub height: u32,
    pub pixels: Vec<u8>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CutKind {
    Full,
    Partial,
}

/// One job as it came out of the simulated printer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrintedJob {
    /// The decoded text, one entry per printed line that had text.
    pub text_lines: Vec<String>,
    pub image: PaperImage,
    pub cut: CutKind,
}

/// Writes a job image as an 8-bit greyscale PNG.
pub fn write_png(image: &PaperImage, path: &Path) -> std::io::Result<()> {
    let file = std::io::BufWriter::new(std::fs::File::create(path)?);
    let mut enc = png::Encoder::new(file, image.width, image.height);
    enc.set_color(png::ColorType::Grayscale);
    enc.set_depth(png::BitDepth::Eight);
    let mut w = enc.write_header().map_err(std::io::Error::other)?;
    w.write_image_data(&image.pixels).map_err(std::io::Error::other)?;
    w.finish().map_err(std::io::Error::other)
}

/// What the interpreter saw in the bytes pushed into it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SimEvent {
    /// `DLE EOT n`: answer it.
    StatusRequest(u8),
    /// A cut ended a job.
    Job(PrintedJob),
}

const LINE_SPACING: u32 = 30;
const MAX_PAGE_DOTS: u32 = 20_000;

/// Sans-IO ESC/POS interpreter: push received bytes, get events. Never panics on any input.
#[derive(Debug)]
pub struct Interpreter {
    width: u32,
    pending: Vec<u8>,
    /// 1 = black, one byte per dot.
    page: Vec<u8>,
    y: u32,
    line: Vec<(char, u8, u8, bool)>,
    text_lines: Vec<String>,
    align: u8,
    size: (u8, u8),
    bold: bool,
    chinese: bool,
    line_spacing: u32,
    qr_module: u8,
    qr_ec: EcLevel,
    qr_data: Vec<u8>,
    /// Bytes received that were not status requests.
    pub print_bytes: usize,
    /// A job has begun (bytes other than status requests arrived) and no cut has ended it yet.
    job_open: bool,
    /// Status requests that arrived inside a job (between its first byte and its cut): a host that
    /// asks only before and after its jobs sends none.
    pub status_mid_job: usize,
}

impl Interpreter {
    pub fn new(paper: Paper) -> Self {
        Interpreter {
            width: paper.dots(),
            pending: Vec::new(),
            page: Vec::new(),
            y: 0,
            line: Vec::new(),
            text_lines: Vec::new(),
            align: 0,
            size: (1, 1),
            bold: false,
            chinese: false,
            line_spacing: LINE_SPACING,
            qr_module: 3,
            qr_ec: EcLevel::L,
            qr_data: Vec::new(),
            print_bytes: 0,
            job_open: false,
            status_mid_job: 0,
        }
    }

    fn reset_style(&mut self) {
        self.align = 0;
        self.size = (1, 1);
        self.bold = false;
        self.chinese = false;
        self.line_spacing = LINE_SPACING;
    }

    /// Feeds received bytes; returns status requests and finished jobs in order.
    pub fn push(&mut self, bytes: &[u8]) -> Vec<SimEvent> {
        self.pending.extend_from_slice(bytes);
        let mut events = Vec::new();
        let mut i = 0;
        while i < self.pending.len() {
            match self.step(i, &mut events) {
                Some(used) => i += used,
                None => break, // incomplete command: wait for more bytes
            }
        }
        self.pending.drain(..i);
        events
    }

    fn byte(&self, i: usize) -> Option<u8> {
        self.pending.get(i).copied()
    }

    /// Interprets the command at `i`; returns how many bytes it used, or `None` if incomplete.
    fn step(&mut self, i: usize, events: &mut Vec<SimEvent>) -> Option<usize> {
        let b = self.byte(i)?;
        if b == 0x10 {
            let (b1, n) = (self.byte(i + 1)?, self.byte(i + 2)?);
            if b1 == 0x04 {
                if self.job_open {
                    self.status_mid_job += 1;
                }
                events.push(SimEvent::StatusRequest(n));
                return Some(3);
            }
            self.print_bytes += 1;
            self.job_open = true;
            return Some(1);
        }
        let jobs_before = events.len();
        let used = match b {
            0x0A => {
                self.print_line(1);
                1
            }
            0x1B => self.esc(i)?,
            0x1C => self.fs(i)?,
            0x1D => self.gs(i, events)?,
            0x20..=0x7E => {
                self.line.push((b as char, self.size.0, self.size.1, self.bold));
                1
            }
            0x81..=0xFE if self.chinese => {
                let t = self.byte(i + 1)?;
                let pair = [b, t];
                let (s, _, _) = encoding_rs::GBK.decode(&pair);
                let c = s.chars().next().unwrap_or('?');
                if c == '\u{FFFD}' {
                    self.line.push(('?', self.size.0, self.size.1, self.bold));
                    1
                } else {
                    self.line.push((c, self.size.0, self.size.1, self.bold));
                    2
                }
            }
            0x80..=0xFF => {
                self.line.push(('?', self.size.0, self.size.1, self.bold));
                1
            }
            _ => 1, // CR, HT and other control bytes: nothing to draw
        };
        self.print_bytes += used;
        // A cut (the only command that adds an event here) ends the job; any other byte is in one.
        self.job_open = events.len() == jobs_before;
        Some(used)
    }

    fn esc(&mut self, i: usize) -> Option<usize> {
        let cmd = self.byte(i + 1)?;
        Some(match cmd {
            b'@' => {
                self.reset_style();
                2
            }
            b'2' => {
                self.line_spacing = LINE_SPACING;
                2
            }
            b'a' | b'E' | b'd' | b'J' | b'!' | b'3' | b't' | b'M' | b'-' | b'G' | b'R' | b'{' | b'V' => {
                let n = self.byte(i + 2)?;
                match cmd {
                    b'a' => self.align = if n >= b'0' { n - b'0' } else { n }.min(2),
                    b'E' => self.bold = n & 1 == 1,
                    b'd' => self.print_line(u32::from(n)),
                    b'J' => {
                        self.print_line(0);
                        self.advance(u32::from(n));
                    }
                    b'!' => {
                        self.bold = n & 0x08 != 0;
                        self.size = (1 + u8::from(n & 0x20 != 0), 1 + u8::from(n & 0x10 != 0));
                    }
                    b'3' => self.line_spacing = u32::from(n),
                    _ => {}
                }
                3
            }
            _ => {
                log::debug!("sim printer: ignored ESC {cmd:#04x}");
                2
            }
        })
    }

    fn fs(&mut self, i: usize) -> Option<usize> {
        let cmd = self.byte(i + 1)?;
        Some(match cmd {
            b'&' => {
                self.chinese = true;
                2
            }
            b'.' => {
                self.chinese = false;
                2
            }
            b'!' | b'-' | b'W' => {
                self.byte(i + 2)?;
                3
            }
            _ => 2,
        })
    }

    fn gs(&mut self, i: usize, events: &mut Vec<SimEvent>) -> Option<usize> {
        let cmd = self.byte(i + 1)?;
        Some(match cmd {
            b'!' => {
                let n = self.byte(i + 2)?;
                self.size = ((n >> 4).min(7) + 1, (n & 0x0F).min(7) + 1);
                3
            }
            b'B' | b'H' | b'h' | b'w' | b'f' => {
                self.byte(i + 2)?;
                3
            }
            b'L' | b'W' => {
                self.byte(i + 3)?;
                4
            }
            b'V' => {
                let m = self.byte(i + 2)?;
                let used = if matches!(m, 65 | 66 | 97..=99 | 103 | 104) {
                    self.byte(i + 3)?;
                    4
                } else {
                    3
                };
                let cut = if matches!(m, 1 | 49 | 66) { CutKind::Partial } else { CutKind::Full };
                self.print_line(0);
                events.push(SimEvent::Job(self.finish_job(cut)));
                used
            }
            b'(' => {
                let (k, pl, ph) = (self.byte(i + 2)?, self.byte(i + 3)?, self.byte(i + 4)?);
                let len = usize::from(pl) + 256 * usize::from(ph);
                if i + 5 + len > self.pending.len() {
                    return None;
                }
                if k == b'k' {
                    let params = self.pending[i + 5..i + 5 + len].to_vec();
                    self.qr_command(&params);
                }
                5 + len
            }
            b'v' => {
                if self.byte(i + 2)? != b'0' {
                    return Some(3);
                }
                let m = self.byte(i + 3)?;
                let xb = usize::from(self.byte(i + 4)?) + 256 * usize::from(self.byte(i + 5)?);
                let h = usize::from(self.byte(i + 6)?) + 256 * usize::from(self.byte(i + 7)?);
                let end = i + 8 + xb * h;
                if end > self.pending.len() {
                    return None;
                }
                let data = self.pending[i + 8..end].to_vec();
                self.raster(m, xb, h, &data);
                8 + xb * h
            }
            _ => {
                log::debug!("sim printer: ignored GS {cmd:#04x}");
                2
            }
        })
    }

    /// `GS ( k` parameters after pL pH: `cn fn ...`.
    fn qr_command(&mut self, p: &[u8]) {
        let (Some(&cn), Some(&f)) = (p.first(), p.get(1)) else {
            return;
        };
        if cn != 49 {
            return;
        }
        match f {
            67 => self.qr_module = p.get(2).copied().unwrap_or(3).clamp(1, 16),
            69 => {
                self.qr_ec = match p.get(2) {
                    Some(48) => EcLevel::L,
                    Some(49) => EcLevel::M,
                    Some(50) => EcLevel::Q,
                    _ => EcLevel::H,
                }
            }
            80 => self.qr_data = p.get(3..).unwrap_or_default().to_vec(),
            81 => self.print_qr(),
            _ => {}
        }
    }

    fn print_qr(&mut self) {
        self.print_line(0);
        let Ok(code) = QrCode::with_error_correction_level(&self.qr_data, self.qr_ec) else {
            log::warn!("sim printer: QR data of {} bytes does not fit a symbol", self.qr_data.len());
            return;
        };
        let modules = code.width() as u32;
        let colors = code.to_colors();
        let n = u32::from(self.qr_module);
        let side = modules * n;
        let x0 = self.aligned_x(side);
        let y0 = self.y;
        self.advance(side);
        for my in 0..modules {
            for mx in 0..modules {
                if colors.get((my * modules + mx) as usize) == Some(&Color::Dark) {
                    self.fill(x0 + mx * n, y0 + my * n, n, n);
                }
            }
        }
    }

    fn raster(&mut self, m: u8, xb: usize, h: usize, data: &[u8]) {
        self.print_line(0);
        let (sx, sy) = (1 + u32::from(m & 1), 1 + u32::from(m & 2 != 0));
        let w = xb as u32 * 8 * sx;
        let x0 = self.aligned_x(w);
        let y0 = self.y;
        self.advance(h as u32 * sy);
        for row in 0..h {
            for x in 0..xb * 8 {
                if data.get(row * xb + x / 8).is_some_and(|b| b & (0x80 >> (x % 8)) != 0) {
                    self.fill(x0 + x as u32 * sx, y0 + row as u32 * sy, sx, sy);
                }
            }
        }
    }

    fn aligned_x(&self, w: u32) -> u32 {
        match self.align {
            1 => self.width.saturating_sub(w) / 2,
            2 => self.width.saturating_sub(w),
            _ => 0,
        }
    }

    /// Grows the page by `dots` rows (up to a bound) and moves the print position down.
    fn advance(&mut self, dots: u32) {
        self.y = (self.y + dots).min(MAX_PAGE_DOTS);
        let need = (self.y * self.width) as usize;
        if self.page.len() < need {
            self.page.resize(need, 0);
        }
    }

    fn fill(&mut self, x: u32, y: u32, w: u32, h: u32) {
        for yy in y..(y + h).min(self.y) {
            for xx in x..(x + w).min(self.width) {
                if let Some(p) = self.page.get_mut((yy * self.width + xx) as usize) {
                    *p = 1;
                }
            }
        }
    }

    /// Prints the pending line (if any) and feeds `lines` lines (a non-empty line with `lines = 0`
    /// still takes its own height).
    fn print_line(&mut self, lines: u32) {
        let line = std::mem::take(&mut self.line);
        let text: String = line.iter().map(|g| g.0).collect();
        if !text.trim().is_empty() {
            self.text_lines.push(text.trim_end().to_string());
        }
        if line.is_empty() {
            self.advance(lines * self.line_spacing);
            return;
        }
        let cell = |c: char, w: u8| -> u32 {
            let cols = unicode_width::UnicodeWidthChar::width(c).unwrap_or(1) as u32;
            cols * 12 * u32::from(w)
        };
        let total: u32 = line.iter().map(|&(c, w, _, _)| cell(c, w)).sum();
        let tallest = line.iter().map(|g| 24 * u32::from(g.2)).max().unwrap_or(24);
        let height = tallest.max(self.line_spacing.saturating_sub(6)) + 6;
        let y0 = self.y;
        self.advance(height.max(lines * self.line_spacing));
        let base = y0 + tallest; // glyph bottoms sit on the baseline
        let mut x = self.aligned_x(total);
        for (c, w, h, bold) in line {
            let cw = cell(c, w);
            let (sw, sh) = (u32::from(w), u32::from(h));
            let stroke = if bold { 2 * sw } else { sw };
            if c == '-' {
                self.fill(x, base - 12 * sh, cw, sh);
            } else if cw >= 24 * sw && c != '　' {
                // CJK: a hollow box
                let (bx, by, bw, bh) = (x + 2 * sw, base - 22 * sh, cw - 4 * sw, 20 * sh);
                self.fill(bx, by, bw, stroke);
                self.fill(bx, by + bh - stroke, bw, stroke);
                self.fill(bx, by, stroke, bh);
                self.fill(bx + bw - stroke, by, stroke, bh);
            } else if let Some(rows) = glyph_3x5(c) {
                // 3×5 dots scaled to 9×20 within the 12×24 cell.
                for (r, bits) in rows.iter().enumerate() {
                    for col in 0..3u32 {
                        if bits & (4 >> col) != 0 {
                            let gx = x + (2 + 3 * col) * sw;
                            let gy = base - (22 - 4 * r as u32) * sh;
                            self.fill(gx, gy, 3 * sw, 4 * sh);
                        }
                    }
                }
            } else if c.is_ascii_graphic() {
                self.fill(x + 2 * sw, base - 18 * sh, 8 * sw, 16 * sh);
            }
            x += cw;
        }
    }

    fn finish_job(&mut self, cut: CutKind) -> PrintedJob {
        let page = std::mem::take(&mut self.page);
        let height = self.y.max(1);
        let mut pixels: Vec<u8> = page.iter().map(|&p| if p == 1 { 0 } else { 255 }).collect();
        pixels.resize((height * self.width) as usize, 255);
        self.y = 0;
        PrintedJob {
            text_lines: std::mem::take(&mut self.text_lines),
            image: PaperImage { width: self.width, height, pixels },
            cut,
        }
    }
}

/// A 3×5 dot font for digits, capitals (lower case drawn as capitals) and a little punctuation;
/// each row is 3 bits, MSB = left.
fn glyph_3x5(c: char) -> Option<[u8; 5]> {
    Some(match c.to_ascii_uppercase() {
        '0' => [7, 5, 5, 5, 7],
        '1' => [2, 6, 2, 2, 7],
        '2' => [7, 1, 7, 4, 7],
        '3' => [7, 1, 7, 1, 7],
        '4' => [5, 5, 7, 1, 1],
        '5' => [7, 4, 7, 1, 7],
        '6' => [7, 4, 7, 5, 7],
        '7' => [7, 1, 1, 2, 2],
        '8' => [7, 5, 7, 5, 7],
        '9' => [7, 5, 7, 1, 7],
        'A' => [2, 5, 7, 5, 5],
        'B' => [6, 5, 6, 5, 6],
        'C' => [7, 4, 4, 4, 7],
        'D' => [6, 5, 5, 5, 6],
        'E' => [7, 4, 6, 4, 7],
        'F' => [7, 4, 6, 4, 4],
        'G' => [7, 4, 5, 5, 7],
        'H' => [5, 5, 7, 5, 5],
        'I' => [7, 2, 2, 2, 7],
        'J' => [1, 1, 1, 5, 7],
        'K' => [5, 5, 6, 5, 5],
        'L' => [4, 4, 4, 4, 7],
        'M' => [5, 7, 7, 5, 5],
        'N' => [6, 5, 5, 5, 5],
        'O' => [2, 5, 5, 5, 2],
        'P' => [6, 5, 6, 4, 4],
        'Q' => [2, 5, 5, 6, 3],
        'R' => [6, 5, 6, 5, 5],
        'S' => [7, 4, 7, 1, 7],
        'T' => [7, 2, 2, 2, 2],
        'U' => [5, 5, 5, 5, 7],
        'V' => [5, 5, 5, 5, 2],
        'W' => [5, 5, 7, 7, 5],
        'X' => [5, 5, 2, 5, 5],
        'Y' => [5, 5, 2, 2, 2],
        'Z' => [7, 1, 2, 4, 7],
        ':' => [0, 2, 0, 2, 0],
        '.' => [0, 0, 0, 0, 2],
        ',' => [0, 0, 0, 2, 4],
        '/' => [1, 1, 2, 4, 4],
        '*' => [0, 5, 2, 5, 0],
        '(' => [1, 2, 2, 2, 1],
        ')' => [4, 2, 2, 2, 4],
        '?' => [7, 1, 3, 0, 2],
        _ => return None,
    })
}

/// How many printed jobs a simulator keeps (the newest): a job's paper image is about half a megabyte,
/// and a demo kiosk prints slips for months (the soak run saw 0.55 MB more RSS per session).
pub const KEPT_JOBS: usize = 16;

/// The newest jobs and how many were printed in all.
#[derive(Debug, Default)]
struct Jobs {
    kept: VecDeque<PrintedJob>,
    printed: usize,
}

impl Jobs {
    fn push(&mut self, job: PrintedJob) {
        if self.kept.len() == KEPT_JOBS {
            self.kept.pop_front();
        }
        self.kept.push_back(job);
        self.printed += 1;
    }

    /// The kept jobs with their numbers (the first job printed is 1).
    fn numbered(&self) -> impl Iterator<Item = (usize, &PrintedJob)> {
        let first = self.printed - self.kept.len() + 1;
        self.kept.iter().enumerate().map(move |(i, job)| (first + i, job))
    }
}

#[derive(Debug)]
struct Shared {
    mode: Mutex<SimMode>,
    jobs: Mutex<Jobs>,
    job_added: Condvar,
    print_bytes: AtomicUsize,
    status_mid_job: AtomicUsize,
    status_requests: AtomicUsize,
    /// Bytes a second the simulated line carries (e.g. 960 for 9600 baud); 0 for as fast as it comes.
    pace: AtomicUsize,
    stop: AtomicBool,
}

/// A running simulated printer. Dropping it stops it.
#[derive(Debug)]
pub struct SimPrinter {
    path: String,
    paper: Paper,
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

impl SimPrinter {
    /// Opens a PTY pair and serves on its master; clients open [`SimPrinter::path`].
    pub fn start(paper: Paper, mode: SimMode) -> std::io::Result<SimPrinter> {
        let (mut master, slave) = TTYPort::pair().map_err(std::io::Error::other)?;
        let path = slave.name().ok_or_else(|| std::io::Error::other("PTY without a name"))?;
        // The slave is not kept open here: an exclusive open by a client must be the only one.
        drop(slave);
        master.set_timeout(Duration::from_millis(50)).map_err(std::io::Error::other)?;
        let shared = Arc::new(Shared {
            mode: Mutex::new(mode),
            jobs: Mutex::new(Jobs::default()),
            job_added: Condvar::new(),
            print_bytes: AtomicUsize::new(0),
            status_mid_job: AtomicUsize::new(0),
            status_requests: AtomicUsize::new(0),
            pace: AtomicUsize::new(0),
            stop: AtomicBool::new(false),
        });
        let s = Arc::clone(&shared);
        let thread = std::thread::Builder::new().name("sim-printer".into()).spawn(move || serve(master, paper, &s))?;
        Ok(SimPrinter { path, paper, shared, thread: Some(thread) })
    }

    /// The device path clients open.
    pub fn path(&self) -> &str {
        &self.path
    }

    pub fn paper(&self) -> Paper {
        self.paper
    }

    pub fn mode(&self) -> SimMode {
        *self.shared.mode.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn set_mode(&self, mode: SimMode) {
        *self.shared.mode.lock().unwrap_or_else(|e| e.into_inner()) = mode;
    }

    /// Takes in at most `bytes_per_sec` (e.g. 960 for a 9600-baud line), the way a slow serial line
    /// and a busy printer do: the host's writes wait, and a status request waits behind what was sent
    /// before it. `None`: as fast as the bytes come.
    pub fn set_pace(&self, bytes_per_sec: Option<usize>) {
        self.shared.pace.store(bytes_per_sec.unwrap_or(0), Ordering::SeqCst);
    }

    /// The jobs printed so far, the newest [`KEPT_JOBS`] of them.
    pub fn jobs(&self) -> Vec<PrintedJob> {
        self.shared.jobs.lock().unwrap_or_else(|e| e.into_inner()).kept.iter().cloned().collect()
    }

    /// Waits until at least `n` jobs were printed or `timeout` passes; returns the jobs so far (the
    /// newest [`KEPT_JOBS`]).
    pub fn wait_for_jobs(&self, n: usize, timeout: Duration) -> Vec<PrintedJob> {
        let jobs = self.wait_printed(n, timeout);
        jobs.kept.iter().cloned().collect()
    }

    /// Waits until more than `seen` jobs were printed or `timeout` passes; returns the kept jobs after
    /// the first `seen`, each with its number (the first job printed is 1).
    pub fn jobs_after(&self, seen: usize, timeout: Duration) -> Vec<(usize, PrintedJob)> {
        let jobs = self.wait_printed(seen + 1, timeout);
        jobs.numbered().filter(|(no, _)| *no > seen).map(|(no, job)| (no, job.clone())).collect()
    }

    fn wait_printed(&self, n: usize, timeout: Duration) -> std::sync::MutexGuard<'_, Jobs> {
        let deadline = Instant::now() + timeout;
        let mut jobs = self.shared.jobs.lock().unwrap_or_else(|e| e.into_inner());
        while jobs.printed < n {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            jobs = match self.shared.job_added.wait_timeout(jobs, left) {
                Ok((g, _)) => g,
                Err(e) => e.into_inner().0,
            };
        }
        jobs
    }

    /// Bytes received that were not status requests (in any mode, printed or not).
    pub fn received_print_bytes(&self) -> usize {
        self.shared.print_bytes.load(Ordering::SeqCst)
    }

    /// Status requests received (answered or not).
    pub fn status_requests(&self) -> usize {
        self.shared.status_requests.load(Ordering::SeqCst)
    }

    /// Status requests that arrived inside a job, between its first byte and its cut.
    pub fn status_requests_mid_job(&self) -> usize {
        self.shared.status_mid_job.load(Ordering::SeqCst)
    }
}

impl Drop for SimPrinter {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn serve(mut master: TTYPort, paper: Paper, shared: &Shared) {
    let mut interp = Interpreter::new(paper);
    let mut buf = [0u8; 4096];
    while !shared.stop.load(Ordering::SeqCst) {
        // Paced: a tenth of a second's worth of bytes, then a tenth of a second.
        let pace = shared.pace.load(Ordering::SeqCst);
        let limit = if pace == 0 { buf.len() } else { (pace / 10).clamp(1, buf.len()) };
        if pace != 0 {
            std::thread::sleep(Duration::from_millis(100));
        }
        let n = match master.read(&mut buf[..limit]) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => continue,
            Err(_) => {
                // No client has the slave open (EIO/hang-up): wait for one.
                std::thread::sleep(Duration::from_millis(10));
                continue;
            }
        };
        let mode = *shared.mode.lock().unwrap_or_else(|e| e.into_inner());
        let before = interp.print_bytes;
        let events = interp.push(&buf[..n]);
        shared.print_bytes.fetch_add(interp.print_bytes - before, Ordering::SeqCst);
        shared.status_mid_job.store(interp.status_mid_job, Ordering::SeqCst);
        for ev in events {
            match ev {
                SimEvent::StatusRequest(q) => {
                    shared.status_requests.fetch_add(1, Ordering::SeqCst);
                    let answer = mode.answers().and_then(|a| match q {
                        1 => Some(a[0]),
                        2 => Some(a[1]),
                        4 => Some(a[2]),
                        3 => Some(0x12),
                        _ => None,
                    });
                    if let Some(byte) = answer {
                        let _ = master.write_all(&[byte]);
                        let _ = master.flush();
                    }
                }
                SimEvent::Job(job) if mode.prints() => {
                    log::info!("sim printer: job of {} lines, {} dots long", job.text_lines.len(), job.image.height);
                    shared.jobs.lock().unwrap_or_else(|e| e.into_inner()).push(job);
                    shared.job_added.notify_all();
                }
                SimEvent::Job(_) => log::info!("sim printer: discarded a job ({mode:?})"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::devices::printer::render::render;
    use crate::devices::printer::QrMode;
    use crate::slip::{PickupSlip, Slip};

    fn decode(img: &PaperImage) -> Vec<String> {
        let mut p = rqrr::PreparedImage::prepare_from_greyscale(img.width as usize, img.height as usize, |x, y| {
            img.pixels[y * img.width as usize + x]
        });
        p.detect_grids().iter().filter_map(|g| g.decode().ok().map(|(_, s)| s)).collect()
    }

    #[test]
    fn status_requests_inside_a_job_are_counted_and_those_around_it_are_not() {
        let job =
            render(&Slip::from(PickupSlip::sample("https://hub.example.cn")), Paper::Mm80, QrMode::Native).unwrap();
        let status = [0x10, 0x04, 0x01];
        let mut interp = Interpreter::new(Paper::Mm80);
        interp.push(&status);
        interp.push(&job.bytes);
        interp.push(&status);
        assert_eq!(interp.status_mid_job, 0, "before and after the job");
        // After ESC @, the job's first command.
        assert_eq!(&job.bytes[..2], &[0x1B, 0x40]);
        let (head, tail) = job.bytes.split_at(2);
        interp.push(head);
        let events = interp.push(&status);
        assert_eq!(events, vec![SimEvent::StatusRequest(1)]);
        interp.push(tail);
        interp.push(&status);
        assert_eq!(interp.status_mid_job, 1, "the one in the middle of the second job");
    }

    #[test]
    fn interprets_a_rendered_slip_in_both_qr_modes_and_paper_widths() {
        let slip = Slip::from(PickupSlip::sample("https://hub.example.cn"));
        for paper in [Paper::Mm58, Paper::Mm80] {
            for mode in [QrMode::Native, QrMode::Raster] {
                let job = render(&slip, paper, mode).unwrap();
                let mut interp = Interpreter::new(paper);
                // Split the bytes at odd places, as a serial line does.
                let mut events = Vec::new();
                for chunk in job.bytes.chunks(7) {
                    events.extend(interp.push(chunk));
                }
                assert_eq!(events.len(), 1, "{paper:?} {mode:?}");
                let SimEvent::Job(printed) = &events[0] else { panic!("not a job") };
                assert_eq!(printed.cut, CutKind::Partial);
                assert_eq!(printed.image.width, paper.dots());
                assert!(printed.text_lines.iter().any(|l| l.contains("受理回执")), "{:?}", printed.text_lines);
                assert!(printed.text_lines.iter().any(|l| l.contains("张*英")));
                assert_eq!(decode(&printed.image), vec![slip.qr_text().to_string()], "{paper:?} {mode:?}");
            }
        }
    }

    /// `ESC a` places a `GS v 0` image as it places text (what common printers do): the raster QR
    /// is sent at its own width and the printer centres it.
    #[test]
    fn raster_images_follow_the_justification() {
        let image = [0x1D, 0x76, 0x30, 0x00, 1, 0, 1, 0, 0xFF]; // 8 black dots, one row
        for (align, x0) in [(0u8, 0u32), (1, (576 - 8) / 2), (2, 576 - 8)] {
            let mut interp = Interpreter::new(Paper::Mm80);
            let mut bytes = vec![0x1B, b'a', align];
            bytes.extend(image);
            bytes.extend([0x1D, 0x56, 0x42, 0x00]);
            let Some(SimEvent::Job(job)) = interp.push(&bytes).pop() else { panic!("no job") };
            let row = &job.image.pixels[..576];
            let black: Vec<u32> = (0..576).filter(|&x| row[x as usize] == 0).collect();
            assert_eq!(black, (x0..x0 + 8).collect::<Vec<_>>(), "ESC a {align}");
        }
    }

    #[test]
    fn status_requests_between_commands_are_events() {
        let mut interp = Interpreter::new(Paper::Mm58);
        let ev = interp.push(&[0x10, 0x04, 0x01, 0x1B, 0x40, 0x10, 0x04]);
        assert_eq!(ev, vec![SimEvent::StatusRequest(1)]);
        assert_eq!(interp.push(&[0x04]), vec![SimEvent::StatusRequest(4)]);
        assert_eq!(interp.print_bytes, 2);
    }

    #[test]
    fn only_the_newest_jobs_are_kept_and_numbering_goes_on() {
        let job = |i: usize| PrintedJob {
            text_lines: vec![i.to_string()],
            image: PaperImage { width: 8, height: 1, pixels: vec![0; 8] },
            cut: CutKind::Partial,
        };
        let mut jobs = Jobs::default();
        for i in 1..=KEPT_JOBS + 3 {
            jobs.push(job(i));
        }
        assert_eq!(jobs.printed, KEPT_JOBS + 3);
        assert_eq!(jobs.kept.len(), KEPT_JOBS, "memory stays bounded");
        let numbered: Vec<(usize, String)> = jobs.numbered().map(|(n, j)| (n, j.text_lines[0].clone())).collect();
        assert_eq!(numbered.first(), Some(&(4, "4".to_string())), "the oldest three are gone");
        assert_eq!(numbered.last(), Some(&(KEPT_JOBS + 3, (KEPT_JOBS + 3).to_string())));
    }

    #[test]
    fn garbage_never_panics() {
        let mut interp = Interpreter::new(Paper::Mm80);
        let mut x: u32 = 12345;
        for _ in 0..20_000 {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            let b = (x >> 16) as u8;
            interp.push(&[b]);
        }
        interp.push(&[0x1D, 0x56, 0x00]);
    }
}
