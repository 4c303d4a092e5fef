//! A virtual GA 467 reader on a pseudo-terminal, speaking the real protocol.
//!
//! The simulator keeps the PTY master and (to keep the slave node alive between opens) one slave
//! handle; the driver opens the slave path like any serial device. It models placement the way a
//! real SAM does: after a successful read, find fails until the card is lifted and placed again.
//! Faults can be injected for tests, and [`SimReader::unplug`] / [`SimReader::replug`] model a USB
//! adapter being pulled and plugged back (behind an optional stable symlink, like
//! `/dev/serial/by-id/…`).

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{RngCore, SeedableRng};
use serialport::{SerialPort, TTYPort};

use super::card::{encode_text, Card, EncodeError};
use super::protocol::{encode_read_data, encode_response, Command, Decoder, FrameError, Sw3, TEXT_LEN};

/// Misbehaviour to inject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Fault {
    /// Answer nothing at all.
    Silent,
    /// Answer with a corrupted checksum.
    BadChecksum,
    /// Send answers a few bytes at a time with 1 ms pauses.
    Dribble,
    /// Send answers in six pieces 60 ms apart (a find answer takes 300 ms, more than the step
    /// timeout of 200 ms, though its first byte comes at once).
    SlowDribble,
    /// Send line noise (including a partial preamble) before every answer.
    NoiseBeforeFrames,
    /// Answer every read with SW3 41.
    ReadFailed,
    /// A dying reader: answer nothing, but stream random bytes without pause (about 12 KB/s, a
    /// 115200-baud line kept busy), whatever the host sends.
    Babble,
}

/// Bytes streamed per pass of the simulator's loop under [`Fault::Babble`] (one pass per 20 ms
/// read timeout at most).
const BABBLE_CHUNK: usize = 256;

/// Noise sent before frames under [`Fault::NoiseBeforeFrames`]: garbage, a broken preamble and a
/// preamble prefix.
pub const NOISE: [u8; 12] = [0x00, 0xFF, 0x13, 0xAA, 0xAA, 0x96, 0x00, 0x69, 0x55, 0xAA, 0xAA, 0xAA];

/// A fixed SAM ID answered to `12 FF`.
const SAM_ID: [u8; 16] = [0x05, 0x00, 0x01, 0x00, 0x20, 0x26, 0x11, 0x22, 0x00, 0x00, 0x00, 0x01, 0, 0, 0, 1];

#[derive(Default)]
struct SimState {
    text: Option<[u8; TEXT_LEN]>,
    /// The placed card has been read; find fails until it is placed again.
    consumed: bool,
    /// Keep finding a card after it was read (some readers do); tests the driver's own rule.
    sticky: bool,
    /// A card was swapped for another without a poll in between: the next find answers "no card"
    /// once, as a reader does while a hand lifts one card and places the next.
    swapping: bool,
    fault: Option<Fault>,
    reads: u64,
    commands: u64,
    /// Random bytes sent under [`Fault::Babble`].
    babbled: u64,
}

struct Shared {
    state: Mutex<SimState>,
    changed: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, SimState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

struct Plug {
    stop: Arc<AtomicBool>,
    thread: JoinHandle<()>,
    tty_path: String,
}

/// A running simulated reader.
pub struct SimReader {
    shared: Arc<Shared>,
    plug: Option<Plug>,
    link: Option<PathBuf>,
}

impl SimReader {
    /// Starts a reader on a new PTY; [`SimReader::path`] is the slave device to open.
    pub fn start() -> io::Result<SimReader> {
        Self::start_inner(None)
    }

    /// Starts a reader whose device is reached through the symlink `link` (re-pointed on replug).
    pub fn start_linked(link: impl Into<PathBuf>) -> io::Result<SimReader> {
        Self::start_inner(Some(link.into()))
    }

    fn start_inner(link: Option<PathBuf>) -> io::Result<SimReader> {
        let shared = Arc::new(Shared { state: Mutex::new(SimState::default()), changed: Condvar::new() });
        let mut sim = SimReader { shared, plug: None, link };
        sim.replug()?;
        Ok(sim)
    }

    /// The path a driver should open: the symlink if there is one, else the PTY slave.
    pub fn path(&self) -> String {
        match &self.link {
            Some(link) => link.to_string_lossy().into_owned(),
            None => self.tty_path().unwrap_or_default(),
        }
    }

    /// The current PTY slave device, `None` while unplugged.
    pub fn tty_path(&self) -> Option<String> {
        self.plug.as_ref().map(|p| p.tty_path.clone())
    }

    /// Places `card` on the reader (replacing any card there).
    pub fn place(&self, card: &Card) -> Result<(), EncodeError> {
        let text = encode_text(card)?;
        let mut state = self.shared.lock();
        state.swapping = state.text.is_some() && state.consumed;
        state.text = Some(text);
        state.consumed = false;
        self.shared.changed.notify_all();
        Ok(())
    }

    /// Lifts the card off the reader.
    pub fn lift(&self) {
        let mut state = self.shared.lock();
        if let Some(text) = state.text.as_mut() {
            text.fill(0);
        }
        state.text = None;
        state.consumed = false;
        self.shared.changed.notify_all();
    }

    pub fn set_fault(&self, fault: Fault) {
        self.shared.lock().fault = Some(fault);
    }

    pub fn clear_fault(&self) {
        self.shared.lock().fault = None;
    }

    /// When true, find keeps succeeding after a read (the card is not "consumed").
    pub fn set_sticky(&self, sticky: bool) {
        self.shared.lock().sticky = sticky;
    }

    /// Successful card reads served so far.
    pub fn reads_served(&self) -> u64 {
        self.shared.lock().reads
    }

    /// Frames received so far.
    pub fn commands_received(&self) -> u64 {
        self.shared.lock().commands
    }

    /// Random bytes sent so far under [`Fault::Babble`].
    pub fn bytes_babbled(&self) -> u64 {
        self.shared.lock().babbled
    }

    /// Waits until at least `count` reads were served; false on timeout.
    pub fn wait_for_reads(&self, count: u64, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let mut state = self.shared.lock();
        while state.reads < count {
            let now = Instant::now();
            if now >= deadline {
                return false;
            }
            state = match self.shared.changed.wait_timeout(state, deadline - now) {
                Ok((guard, _)) => guard,
                Err(e) => e.into_inner().0,
            };
        }
        true
    }

    /// Pulls the plug: closes the PTY (its device node vanishes) and removes the symlink.
    pub fn unplug(&mut self) {
        if let Some(plug) = self.plug.take() {
            plug.stop.store(true, Ordering::Relaxed);
            let _ = plug.thread.join();
        }
        if let Some(link) = &self.link {
            let _ = std::fs::remove_file(link);
        }
    }

    /// Plugs back in: a new PTY (with a new device path), the symlink re-pointed at it. A card lying on
    /// the reader is found again, as after a real power cycle.
    pub fn replug(&mut self) -> io::Result<()> {
        self.unplug();
        let (mut master, slave) = TTYPort::pair().map_err(io::Error::from)?;
        let tty_path = slave.name().ok_or_else(|| io::Error::other("PTY without a name"))?;
        master.set_timeout(Duration::from_millis(20)).map_err(io::Error::from)?;
        if let Some(link) = &self.link {
            repoint_symlink(link, Path::new(&tty_path))?;
        }
        self.shared.lock().consumed = false;
        let stop = Arc::new(AtomicBool::new(false));
        let thread_stop = Arc::clone(&stop);
        let shared = Arc::clone(&self.shared);
        let thread = std::thread::Builder::new()
            .name("id-reader-sim".into())
            .spawn(move || serve(master, slave, shared, thread_stop))?;
        log::info!("id reader simulator on {tty_path}");
        self.plug = Some(Plug { stop, thread, tty_path });
        Ok(())
    }
}

impl Drop for SimReader {
    fn drop(&mut self) {
        self.unplug();
    }
}

/// Atomically points `link` at `target` (create a temporary link, rename over).
fn repoint_symlink(link: &Path, target: &Path) -> io::Result<()> {
    let tmp = link.with_extension("tmp-link");
    let _ = std::fs::remove_file(&tmp);
    std::os::unix::fs::symlink(target, &tmp)?;
    std::fs::rename(&tmp, link)
}

fn serve(mut master: TTYPort, slave: TTYPort, shared: Arc<Shared>, stop: Arc<AtomicBool>) {
    let mut decoder = Decoder::new();
    let mut buf = [0u8; 512];
    // Seeded: a failing run of a babbling reader can be replayed byte for byte.
    let mut noise = StdRng::seed_from_u64(467);
    let mut chunk = [0u8; BABBLE_CHUNK];
    while !stop.load(Ordering::Relaxed) {
        if shared.lock().fault == Some(Fault::Babble) {
            noise.fill_bytes(&mut chunk);
            // A full line (the host not reading) only times out; the babble goes on.
            let sent = babble(&mut master, &chunk);
            shared.lock().babbled += sent as u64;
        }
        let n = match master.read(&mut buf) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::TimedOut => continue,
            Err(_) => {
                std::thread::sleep(Duration::from_millis(10));
                continue;
            }
        };
        for item in decoder.push(&buf[..n]) {
            let (reply, fault) = {
                let mut state = shared.lock();
                state.commands += 1;
                let reply = match item {
                    Ok(frame) => answer(&mut state, frame.command()),
                    Err(FrameError::Checksum { .. }) => encode_response(Sw3::HostChecksum, &[]),
                    Err(_) => encode_response(Sw3::HostLength, &[]),
                };
                shared.changed.notify_all();
                (reply, state.fault)
            };
            if send(&mut master, reply, fault, &stop).is_err() {
                log::debug!("id reader simulator: write failed");
            }
        }
    }
    drop(slave);
}

/// Writes as much of `chunk` as the line takes now; returns how much that was.
fn babble(master: &mut TTYPort, chunk: &[u8]) -> usize {
    let mut sent = 0;
    while sent < chunk.len() {
        match master.write(&chunk[sent..]) {
            Ok(0) | Err(_) => break,
            Ok(n) => sent += n,
        }
    }
    sent
}

fn answer(state: &mut SimState, command: Option<Command>) -> Vec<u8> {
    if command == Some(Command::FindCard) && std::mem::take(&mut state.swapping) {
        return encode_response(Sw3::FindFailed, &[]);
    }
    let card_ready = state.text.is_some() && (!state.consumed || state.sticky);
    match command {
        Some(Command::ResetSam) | Some(Command::SamStatus) => encode_response(Sw3::Ok, &[]),
        Some(Command::ReadSamId) => encode_response(Sw3::Ok, &SAM_ID),
        Some(Command::FindCard) if card_ready => encode_response(Sw3::FindOk, &[0; 4]),
        Some(Command::FindCard) => encode_response(Sw3::FindFailed, &[]),
        Some(Command::SelectCard) if card_ready => encode_response(Sw3::Ok, &[0; 8]),
        Some(Command::SelectCard) => encode_response(Sw3::SelectFailed, &[]),
        Some(cmd @ (Command::ReadText | Command::ReadTextFingerprint)) => match state.text {
            Some(text) if card_ready && state.fault != Some(Fault::ReadFailed) => {
                state.consumed = true;
                state.reads += 1;
                let photo: Vec<u8> = (0..1024u32).map(|i| (i * 31 % 251) as u8).collect();
                let data = encode_read_data(&text, &photo, cmd == Command::ReadTextFingerprint);
                encode_response(Sw3::Ok, &data)
            }
            _ => encode_response(Sw3::ReadFailed, &[]),
        },
        Some(Command::ReadAppendedAddress) if card_ready => encode_response(Sw3::ItemEmpty, &[]),
        Some(Command::ReadAppendedAddress) => encode_response(Sw3::ReadFailed, &[]),
        None => encode_response(Sw3::CommandError, &[]),
    }
}

fn send(master: &mut TTYPort, mut reply: Vec<u8>, fault: Option<Fault>, stop: &AtomicBool) -> io::Result<()> {
    match fault {
        Some(Fault::Silent) | Some(Fault::Babble) => Ok(()),
        Some(Fault::BadChecksum) => {
            if let Some(last) = reply.last_mut() {
                *last ^= 0x5A;
            }
            master.write_all(&reply)
        }
        Some(Fault::NoiseBeforeFrames) => {
            master.write_all(&NOISE)?;
            master.write_all(&reply)
        }
        Some(Fault::Dribble) => {
            // First the 7-byte header alone, then ragged pieces.
            let sizes = [7usize, 1, 3, 2, 13, 5, 64, 1, 31, 2];
            let mut rest = reply.as_slice();
            let mut i = 0;
            while !rest.is_empty() && !stop.load(Ordering::Relaxed) {
                let n = sizes[i % sizes.len()].min(rest.len());
                master.write_all(&rest[..n])?;
                rest = &rest[n..];
                i += 1;
                std::thread::sleep(Duration::from_millis(1));
            }
            Ok(())
        }
        Some(Fault::SlowDribble) => {
            let (head, rest) = reply.split_at(reply.len().min(7));
            master.write_all(head)?;
            for piece in rest.chunks(rest.len().div_ceil(5).max(1)) {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                std::thread::sleep(Duration::from_millis(60));
                master.write_all(piece)?;
            }
            Ok(())
        }
        Some(Fault::ReadFailed) | None => master.write_all(&reply),
    }
}
