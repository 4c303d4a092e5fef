//! Serial transport for a GA 467 reader: one-shot reads and a polling loop on a background thread.
//!
//! Everything protocol-shaped lives in [`super::protocol`] and [`super::card`]; this file only moves
//! bytes, keeps time and turns outcomes into events. Logs carry commands, status codes and timings,
//! never card data.

use crate::devices::stop::StopSignal;
use std::io::{self, Read, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use serialport::{ClearBuffer, DataBits, FlowControl, Parity, SerialPort, StopBits, TTYPort};

use super::card::{decode_text, Card, TextError};
use super::protocol::{parse_read_data, Command, Decoder, Frame, FrameError, PayloadError, Sw3, TEXT_LEN};
use super::IdReaderConfig;

pub const DEFAULT_BAUD: u32 = 115_200;
/// Timeout of the find and select steps (and of the SAM commands).
pub const STEP_TIMEOUT: Duration = Duration::from_millis(200);
/// Default timeout of the read step.
pub const READ_TIMEOUT: Duration = Duration::from_secs(2);
/// Longest a single blocking read waits before checking for cancellation.
const READ_SLICE: Duration = Duration::from_millis(50);

/// Why a read did not produce a card.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("no card on the reader (find: SW3 80)")]
    NoCard,
    /// No complete response: silence for `after`, or a response that stopped arriving part-way.
    #[error("{}: no response within {} ms", step.name(), after.as_millis())]
    Timeout { step: Command, after: Duration },
    #[error("{}: reader answered {sw3}", step.name())]
    Status { step: Command, sw3: Sw3 },
    #[error("{}: response checksum error (frame says {expected:02X}, bytes give {actual:02X})", step.name())]
    Checksum { step: Command, expected: u8, actual: u8 },
    #[error("{}: malformed response: {error}", step.name())]
    Frame { step: Command, error: FrameError },
    #[error("{}: malformed read data: {error}", step.name())]
    Payload { step: Command, error: PayloadError },
    #[error("decode: {0}")]
    Decode(#[from] TextError),
    #[error("port {path} does not exist")]
    PortMissing { path: String },
    #[error("port {path}: cannot open: {detail}")]
    Open { path: String, detail: String },
    #[error("{}: I/O error: {source}", step.name())]
    Io { step: Command, source: io::Error },
    #[error("cancelled")]
    Cancelled,
}

impl ReadError {
    /// The command during which the error happened, if any.
    pub fn step(&self) -> Option<Command> {
        match self {
            ReadError::NoCard => Some(Command::FindCard),
            ReadError::Timeout { step, .. }
            | ReadError::Status { step, .. }
            | ReadError::Checksum { step, .. }
            | ReadError::Frame { step, .. }
            | ReadError::Payload { step, .. }
            | ReadError::Io { step, .. } => Some(*step),
            ReadError::Decode(_) => Some(Command::ReadText),
            ReadError::PortMissing { .. } | ReadError::Open { .. } | ReadError::Cancelled => None,
        }
    }
}

/// An open reader. Not thread-safe by design: one owner issues one command at a time.
pub struct Reader {
    port: TTYPort,
    decoder: Decoder,
    cancel: Option<Arc<AtomicBool>>,
}

impl Reader {
    /// Opens `path` at `baud`, 8N1, no flow control.
    pub fn open(path: &str, baud: u32) -> Result<Reader, ReadError> {
        if !Path::new(path).exists() {
            return Err(ReadError::PortMissing { path: path.to_string() });
        }
        let port = serialport::new(path, baud)
            .data_bits(DataBits::Eight)
            .parity(Parity::None)
            .stop_bits(StopBits::One)
            .flow_control(FlowControl::None)
            .timeout(READ_SLICE)
            .open_native()
            .map_err(|e| {
                if Path::new(path).exists() {
                    ReadError::Open { path: path.to_string(), detail: e.to_string() }
                } else {
                    ReadError::PortMissing { path: path.to_string() }
                }
            })?;
        Ok(Reader { port, decoder: Decoder::new(), cancel: None })
    }

    /// Makes every command return [`ReadError::Cancelled`] soon after `flag` becomes true.
    pub fn set_cancel_flag(&mut self, flag: Arc<AtomicBool>) {
        self.cancel = Some(flag);
    }

    fn cancelled(&self) -> bool {
        self.cancel.as_ref().is_some_and(|c| c.load(Ordering::Relaxed))
    }

    /// Sends `command` and waits up to `timeout` for one well-formed response frame.
    pub fn transact(&mut self, command: Command, timeout: Duration) -> Result<Frame, ReadError> {
        let io_err = |source| ReadError::Io { step: command, source };
        let started = Instant::now();
        // Stale bytes (a late answer to an earlier command) must not pass for this answer.
        self.port.clear(ClearBuffer::Input).map_err(|e| io_err(e.into()))?;
        self.decoder.clear();
        self.port.set_timeout(STEP_TIMEOUT).map_err(|e| io_err(e.into()))?;
        self.port.write_all(&command.encode()).map_err(io_err)?;
        // The step's timeout runs from the command. While a response is still arriving in pieces it
        // is extended to one gap of STEP_TIMEOUT after the last byte, up to a hard cap, so a slowly
        // dribbling reader is read and a silent one is detected in `timeout`. Only bytes the decoder
        // keeps for a frame extend it: line noise does not, so a babbling reader is given up on in
        // `timeout`, not at the cap.
        let mut deadline = started + timeout;
        let cap = started + timeout + READ_TIMEOUT;
        let mut received = 0usize;
        let mut buf = [0u8; 2048];
        let mut bad_frame = None;
        let noise_before = self.decoder.skipped();
        let result = loop {
            if self.cancelled() {
                break Err(ReadError::Cancelled);
            }
            let now = Instant::now();
            if now >= deadline {
                let noise = self.decoder.skipped() - noise_before;
                break Err(match bad_frame {
                    Some(error) => ReadError::Frame { step: command, error },
                    // Talking, but not the protocol: garbled, not silent.
                    None if noise > 0 => ReadError::Frame { step: command, error: FrameError::Noise { bytes: noise } },
                    None => ReadError::Timeout {
                        step: command,
                        after: if received == 0 { timeout } else { started.elapsed() },
                    },
                });
            }
            self.port.set_timeout((deadline - now).min(READ_SLICE)).map_err(|e| io_err(e.into()))?;
            match self.port.read(&mut buf) {
                Ok(0) => break Err(io_err(io::ErrorKind::UnexpectedEof.into())),
                Ok(n) => {
                    received += n;
                    let skipped_before = self.decoder.skipped();
                    let items = self.decoder.push(&buf[..n]);
                    if self.decoder.skipped() - skipped_before < n as u64 {
                        deadline = deadline.max((Instant::now() + STEP_TIMEOUT).min(cap));
                    }
                    let mut found = None;
                    for item in items {
                        match item {
                            Ok(frame) if found.is_none() => found = Some(Ok(frame)),
                            Ok(mut extra) => extra.wipe(),
                            Err(FrameError::Checksum { expected, actual }) if found.is_none() => {
                                found = Some(Err(ReadError::Checksum { step: command, expected, actual }))
                            }
                            Err(error) => bad_frame = Some(error),
                        }
                    }
                    if let Some(found) = found {
                        break found;
                    }
                }
                Err(e) if matches!(e.kind(), io::ErrorKind::TimedOut | io::ErrorKind::Interrupted) => {}
                Err(e) => break Err(io_err(e)),
            }
        };
        buf.fill(0);
        std::hint::black_box(&buf);
        log::debug!(
            "id reader: {} -> {} in {} us",
            command.name(),
            match &result {
                Ok(f) => f.response().map(|r| r.sw3.to_string()).unwrap_or_else(|e| e.to_string()),
                Err(e) => e.to_string(),
            },
            started.elapsed().as_micros()
        );
        result
    }

    /// Sends `command` and returns the SW3 of the answer (e.g. for reset / SAM status).
    pub fn status(&mut self, command: Command, timeout: Duration) -> Result<Sw3, ReadError> {
        let frame = self.transact(command, timeout)?;
        let sw3 = frame.response().map_err(|error| ReadError::Frame { step: command, error })?.sw3;
        Ok(sw3)
    }

    /// 寻卡: `Ok` when a card is on the reader (9F), [`ReadError::NoCard`] on 80.
    pub fn find(&mut self, timeout: Duration) -> Result<(), ReadError> {
        match self.status(Command::FindCard, timeout)? {
            Sw3::FindOk | Sw3::Ok => Ok(()),
            Sw3::FindFailed => Err(ReadError::NoCard),
            sw3 => Err(ReadError::Status { step: Command::FindCard, sw3 }),
        }
    }

    /// 选卡.
    pub fn select(&mut self, timeout: Duration) -> Result<(), ReadError> {
        match self.status(Command::SelectCard, timeout)? {
            Sw3::Ok | Sw3::FindOk => Ok(()),
            sw3 => Err(ReadError::Status { step: Command::SelectCard, sw3 }),
        }
    }

    /// Reads text and photo (`30 01`) and returns the text block; the photo is wiped at once.
    pub fn read_text(&mut self, timeout: Duration) -> Result<[u8; TEXT_LEN], ReadError> {
        let step = Command::ReadText;
        let mut frame = self.transact(step, timeout)?;
        let parsed = match frame.response() {
            Err(error) => Err(ReadError::Frame { step, error }),
            Ok(r) if r.sw3 != Sw3::Ok => Err(ReadError::Status { step, sw3: r.sw3 }),
            Ok(r) => parse_read_data(r.data, false).map(|p| p.text).map_err(|error| ReadError::Payload { step, error }),
        };
        frame.wipe();
        parsed
    }

    /// find → select → read → decode, with the step timeouts given.
    pub fn read_card(
        &mut self,
        step_timeout: Duration,
        read_timeout: Duration,
        today: NaiveDate,
    ) -> Result<Card, ReadError> {
        self.find(step_timeout)?;
        self.select_read_decode(step_timeout, read_timeout, today)
    }

    fn select_read_decode(
        &mut self,
        step_timeout: Duration,
        read_timeout: Duration,
        today: NaiveDate,
    ) -> Result<Card, ReadError> {
        self.select(step_timeout)?;
        let mut text = self.read_text(read_timeout)?;
        let card = decode_text(&text, today);
        text.fill(0);
        std::hint::black_box(&text);
        Ok(card?)
    }
}

impl Drop for Reader {
    fn drop(&mut self) {
        // TIOCEXCL outlives the fd on a pseudo-terminal whose master stays open: release it so the
        // next open (ours, or a technician's tool) is not refused with EBUSY.
        let _ = self.port.set_exclusive(false);
    }
}

/// One find → select → read on `port_path`, with find/select at [`STEP_TIMEOUT`] and the read step at
/// `read_timeout`. `expired` is computed against the local date.
pub fn read_card_once(port_path: &str, baud: u32, read_timeout: Duration) -> Result<Card, ReadError> {
    let today = chrono::Local::now().date_naive();
    read_card_once_on(port_path, baud, read_timeout, today)
}

/// [`read_card_once`] with an explicit "today".
pub fn read_card_once_on(
    port_path: &str,
    baud: u32,
    read_timeout: Duration,
    today: NaiveDate,
) -> Result<Card, ReadError> {
    let mut reader = Reader::open(port_path, baud)?;
    reader.read_card(STEP_TIMEOUT, read_timeout, today)
}

/// Reader health, readable at any time for diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Health {
    /// The reader answers well-formed frames.
    Ok,
    /// The port is open but the reader is silent or answers garbage.
    NoAnswer,
    /// The port does not exist or cannot be opened.
    PortMissing,
}

impl Health {
    fn to_u8(self) -> u8 {
        match self {
            Health::Ok => 0,
            Health::NoAnswer => 1,
            Health::PortMissing => 2,
        }
    }

    fn from_u8(v: u8) -> Health {
        match v {
            0 => Health::Ok,
            2 => Health::PortMissing,
            _ => Health::NoAnswer,
        }
    }
}

/// Why the polling loop reports trouble.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FaultKind {
    /// The serial port is gone (USB-serial unplugged) or cannot be opened.
    PortMissing,
    /// The reader does not answer within the step timeout.
    NoAnswer,
    /// The reader answers with bad checksums or malformed frames.
    Garbled,
    /// The reader reports a failure status (SAM trouble, not "no card").
    Device(Sw3),
    /// A card is on the reader but could not be read (moved, damaged, undecodable). Reported once
    /// per placement; the loop keeps retrying.
    CardUnreadable,
}

/// What the polling loop tells the app.
// Events are rare (one per placement); boxing the card would only complicate matching.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReaderEvent {
    /// A card was placed and read. Emitted once per placement.
    CardRead(Card),
    /// The card that was read is no longer found. A GA 467 reader stops finding a card right after
    /// reading it, so this follows every `CardRead` within one poll even if the card lies still; it
    /// means "the next placement will be read", not "the resident left".
    CardRemoved,
    /// The reader is in trouble; emitted when the trouble starts or changes kind.
    ReaderFault(FaultKind),
    /// The reader answers again after a `ReaderFault` (other than `CardUnreadable`).
    ReaderRecovered,
}

/// Settings of the polling loop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PollerOptions {
    pub port: String,
    pub baud: u32,
    pub poll_interval: Duration,
    pub step_timeout: Duration,
    pub read_timeout: Duration,
}

impl PollerOptions {
    pub fn new(port: impl Into<String>) -> Self {
        Self {
            port: port.into(),
            baud: DEFAULT_BAUD,
            poll_interval: Duration::from_millis(500),
            step_timeout: STEP_TIMEOUT,
            read_timeout: READ_TIMEOUT,
        }
    }

    /// Options from the `[id_reader]` config, for the reader on `port`.
    pub fn from_config(config: &IdReaderConfig, port: impl Into<String>) -> Self {
        Self {
            baud: config.baud,
            poll_interval: Duration::from_millis(config.poll_interval_ms.max(20)),
            read_timeout: Duration::from_millis(config.read_timeout_ms.max(100)),
            ..Self::new(port)
        }
    }
}

struct PollShared {
    health: AtomicU8,
    stop: StopSignal,
}

/// The background polling loop. Dropping it (or [`CardPoller::stop`]) stops and joins the thread.
pub struct CardPoller {
    shared: Arc<PollShared>,
    thread: Option<JoinHandle<()>>,
}

impl CardPoller {
    /// Starts polling; `sink` receives every event on the poller's thread.
    pub fn spawn(options: PollerOptions, sink: impl Fn(ReaderEvent) + Send + 'static) -> CardPoller {
        let shared = Arc::new(PollShared { health: AtomicU8::new(Health::NoAnswer.to_u8()), stop: StopSignal::new() });
        let thread_shared = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name("id-reader".into())
            .spawn(move || PollLoop::new(options, thread_shared, Box::new(sink)).run())
            .expect("spawning the id-reader thread");
        CardPoller { shared, thread: Some(thread) }
    }

    /// Starts polling and returns the events on a channel.
    pub fn spawn_channel(options: PollerOptions) -> (CardPoller, Receiver<ReaderEvent>) {
        let (tx, rx) = mpsc::channel();
        let poller = CardPoller::spawn(options, move |event| {
            let _ = tx.send(event);
        });
        (poller, rx)
    }

    pub fn health(&self) -> Health {
        Health::from_u8(self.shared.health.load(Ordering::Relaxed))
    }

    /// Stops the loop and waits for its thread (within about 100 ms).
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        self.shared.stop.request();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for CardPoller {
    fn drop(&mut self) {
        self.shutdown();
    }
}

struct PollLoop {
    options: PollerOptions,
    shared: Arc<PollShared>,
    sink: Box<dyn Fn(ReaderEvent) + Send>,
    reader: Option<Reader>,
    /// A card was read and has not been lifted since.
    card_present: bool,
    /// A `CardUnreadable` was reported for the current placement.
    unreadable_reported: bool,
    /// The fault last reported, cleared by recovery.
    fault: Option<FaultKind>,
}

impl PollLoop {
    fn new(options: PollerOptions, shared: Arc<PollShared>, sink: Box<dyn Fn(ReaderEvent) + Send>) -> Self {
        Self { options, shared, sink, reader: None, card_present: false, unreadable_reported: false, fault: None }
    }

    fn stopped(&self) -> bool {
        self.shared.stop.is_set()
    }

    fn run(mut self) {
        log::info!("id reader: polling every {} ms", self.options.poll_interval.as_millis());
        while !self.stopped() {
            self.poll_once();
            if self.shared.stop.pause(self.options.poll_interval) {
                break;
            }
        }
        log::info!("id reader: polling stopped");
    }

    fn set_health(&self, health: Health) {
        self.shared.health.store(health.to_u8(), Ordering::Relaxed);
    }

    fn healthy(&mut self) {
        self.set_health(Health::Ok);
        if self.fault.take().is_some() {
            log::info!("id reader: answering again");
            (self.sink)(ReaderEvent::ReaderRecovered);
        }
    }

    fn faulty(&mut self, kind: FaultKind) {
        self.set_health(match kind {
            FaultKind::PortMissing => Health::PortMissing,
            _ => Health::NoAnswer,
        });
        if self.fault != Some(kind) {
            log::warn!("id reader: fault {kind:?}");
            self.fault = Some(kind);
            (self.sink)(ReaderEvent::ReaderFault(kind));
        }
    }

    /// Loses the port: a card that was read counts as removed (we cannot know).
    fn disconnect(&mut self, kind: FaultKind) {
        self.reader = None;
        if self.card_present {
            self.card_present = false;
            (self.sink)(ReaderEvent::CardRemoved);
        }
        self.unreadable_reported = false;
        self.faulty(kind);
    }

    fn port_gone_kind(&self) -> FaultKind {
        if Path::new(&self.options.port).exists() {
            FaultKind::NoAnswer
        } else {
            FaultKind::PortMissing
        }
    }

    /// Handles an error that is not about the card itself. Returns true if it was one.
    fn link_error(&mut self, error: &ReadError) -> bool {
        match error {
            ReadError::Timeout { .. } => self.disconnect(FaultKind::NoAnswer),
            ReadError::Io { .. } => {
                let kind = self.port_gone_kind();
                self.disconnect(kind);
            }
            _ => return false,
        }
        true
    }

    fn poll_once(&mut self) {
        if self.reader.is_none() {
            match Reader::open(&self.options.port, self.options.baud) {
                Ok(mut reader) => {
                    reader.set_cancel_flag(self.shared.stop.flag());
                    log::info!("id reader: port opened at {} baud", self.options.baud);
                    self.reader = Some(reader);
                }
                Err(e) => {
                    log::debug!("id reader: {e}");
                    self.faulty(FaultKind::PortMissing);
                    return;
                }
            }
        }
        let Some(reader) = self.reader.as_mut() else {
            return;
        };
        let step_timeout = self.options.step_timeout;
        match reader.find(step_timeout) {
            Ok(()) => {
                self.healthy();
                if !self.card_present {
                    self.read_placed_card();
                }
            }
            Err(ReadError::NoCard) => {
                self.healthy();
                if self.card_present {
                    self.card_present = false;
                    (self.sink)(ReaderEvent::CardRemoved);
                }
                self.unreadable_reported = false;
            }
            Err(ReadError::Cancelled) => {}
            Err(e) if self.link_error(&e) => {}
            Err(ReadError::Status { sw3, .. }) => self.faulty(FaultKind::Device(sw3)),
            Err(_) => self.faulty(FaultKind::Garbled),
        }
    }

    fn read_placed_card(&mut self) {
        let Some(reader) = self.reader.as_mut() else {
            return;
        };
        let started = Instant::now();
        let today = chrono::Local::now().date_naive();
        match reader.select_read_decode(self.options.step_timeout, self.options.read_timeout, today) {
            Ok(card) => {
                log::info!("id reader: card read in {} ms", started.elapsed().as_millis());
                self.card_present = true;
                self.unreadable_reported = false;
                (self.sink)(ReaderEvent::CardRead(card));
            }
            Err(ReadError::Cancelled) => {}
            Err(e) if self.link_error(&e) => {}
            Err(e) => {
                log::warn!("id reader: card unreadable: {e}");
                if !self.unreadable_reported {
                    self.unreadable_reported = true;
                    (self.sink)(ReaderEvent::ReaderFault(FaultKind::CardUnreadable));
                }
            }
        }
    }
}
