//! The espeak-ng backend: `espeak-ng` runs as a separate process (never linked) and writes a WAV,
//! `aplay` plays it. Both run from one worker thread, so [`Speech::speak`] never waits; a newer
//! utterance or [`Speech::stop`] kills whatever process is running at once.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::cache::WavCache;
use super::capture::CaptureDir;
use super::{Capture, Speech, SpeechConfig, SpeechEvent, Utterance, UtteranceId};

/// The program names looked up on `PATH`.
pub const ESPEAK_NG: &str = "espeak-ng";
pub const APLAY: &str = "aplay";

/// How often the worker looks whether its process ended while it also listens for commands.
const POLL: Duration = Duration::from_millis(2);

/// Why a synthesis did not give a WAV.
#[derive(Debug, thiserror::Error)]
pub enum SpeechError {
    #[error("{0}")]
    Unavailable(String),
    #[error("cannot run {program}: {source}")]
    Spawn { program: String, source: std::io::Error },
    #[error("{program} failed ({status}): {stderr}")]
    Failed { program: String, status: ExitStatus, stderr: String },
    #[error("{program} wrote no audio to {path}")]
    NoAudio { program: String, path: PathBuf },
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// What the backend runs, and where it writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EspeakOptions {
    /// The synthesiser, `espeak-ng` on `PATH` by default.
    pub program: PathBuf,
    /// The player, `aplay` by default; `None` synthesises (and captures) without playing.
    pub player: Option<PathBuf>,
    /// ALSA device for `aplay -D`.
    pub device: Option<String>,
    /// Keep every utterance there as `NNNNNN.wav` + `NNNNNN.txt`.
    pub capture_dir: Option<PathBuf>,
    /// Keep recent WAVs in memory, by text, voice, rate and volume, up to this many bytes (0: off).
    pub cache_bytes: usize,
}

/// Default size of the in-memory WAV cache: about twelve minutes of speech (22 050 Hz, 16 bit),
/// far more than every prompt of every screen.
pub const DEFAULT_CACHE_BYTES: usize = 32 << 20;

impl Default for EspeakOptions {
    fn default() -> Self {
        EspeakOptions {
            program: ESPEAK_NG.into(),
            player: Some(APLAY.into()),
            device: None,
            capture_dir: None,
            cache_bytes: DEFAULT_CACHE_BYTES,
        }
    }
}

impl EspeakOptions {
    pub fn from_config(config: &SpeechConfig) -> EspeakOptions {
        EspeakOptions {
            device: config.device.clone(),
            capture_dir: config.capture_dir.clone(),
            ..EspeakOptions::default()
        }
    }
}

/// Checks that `program` runs and has the Mandarin voice: its version line, or a staff-facing
/// reason why speech is not available (e.g. "espeak-ng not found on PATH").
pub fn probe(program: &Path) -> Result<String, String> {
    let shown = program.display().to_string();
    let not_found = |e: &std::io::Error| {
        if e.kind() == std::io::ErrorKind::NotFound {
            if program.components().count() == 1 {
                format!("{shown} not found on PATH (install the Debian package espeak-ng)")
            } else {
                format!("{shown} not found")
            }
        } else {
            format!("cannot run {shown}: {e}")
        }
    };
    let out = Command::new(program).arg("--version").stdin(Stdio::null()).output().map_err(|e| not_found(&e))?;
    let version = String::from_utf8_lossy(&out.stdout);
    let version = version.lines().next().unwrap_or("").split("Data at").next().unwrap_or("").trim().to_string();
    if !out.status.success() || version.is_empty() {
        return Err(format!("{shown} --version failed ({})", out.status));
    }
    let voices = Command::new(program).arg("--voices=cmn").stdin(Stdio::null()).output().map_err(|e| not_found(&e))?;
    let voices = String::from_utf8_lossy(&voices.stdout).to_lowercase();
    if !voices.contains(super::Lang::Zh.voice()) {
        return Err(format!(
            "{version} has no Mandarin voice {} (it needs espeak-ng 1.51 or later with espeak-ng-data)",
            super::Lang::Zh.voice()
        ));
    }
    Ok(version)
}

/// The arguments that make `program` write `utterance` to `out` (the SSML text comes on stdin).
fn synth_command(program: &Path, utterance: &Utterance, out: &Path) -> Command {
    let mut cmd = Command::new(program);
    cmd.arg("-m")
        .args(["-b", "1"])
        .args(["-v", utterance.lang().voice()])
        .args(["-s", &utterance.voice.rate.to_string()])
        .args(["-a", &utterance.voice.volume.to_string()])
        .arg("-w")
        .arg(out)
        .arg("--stdin")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    cmd
}

/// Starts synthesising `utterance` into `out`.
fn spawn_synth(program: &Path, utterance: &Utterance, out: &Path) -> Result<Child, SpeechError> {
    let spawn_error = |source| SpeechError::Spawn { program: program.display().to_string(), source };
    let mut child = synth_command(program, utterance, out).spawn().map_err(spawn_error)?;
    if let Some(mut stdin) = child.stdin.take() {
        // Prompts are far smaller than a pipe's buffer; espeak-ng reads stdin to the end first.
        if let Err(e) = stdin.write_all(utterance.spoken().ssml().as_bytes()) {
            let _ = child.kill();
            let _ = child.wait();
            return Err(spawn_error(e));
        }
    }
    Ok(child)
}

/// What an ended process left on stderr, shortened for a log line.
fn stderr_of(child: &mut Child) -> String {
    let mut s = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = e.read_to_string(&mut s);
    }
    let s = s.trim();
    let s: String = s.lines().last().unwrap_or("").chars().take(300).collect();
    if s.is_empty() {
        "no message".into()
    } else {
        s
    }
}

/// Synthesises `utterance` into the WAV file `out`, blocking (for the command line and tests).
pub fn synthesise(program: &Path, utterance: &Utterance, out: &Path) -> Result<(), SpeechError> {
    let mut child = spawn_synth(program, utterance, out)?;
    let status = child.wait()?;
    check_synth(program, status, &mut child, out)
}

fn check_synth(program: &Path, status: ExitStatus, child: &mut Child, out: &Path) -> Result<(), SpeechError> {
    let program = program.display().to_string();
    if !status.success() {
        return Err(SpeechError::Failed { program, status, stderr: stderr_of(child) });
    }
    match std::fs::metadata(out) {
        Ok(m) if m.len() > 44 => Ok(()),
        _ => Err(SpeechError::NoAudio { program, path: out.to_path_buf() }),
    }
}

/// Plays `wav` with `player`, blocking; the error is `player`'s own message.
pub fn play(player: &Path, device: Option<&str>, wav: &Path) -> Result<(), String> {
    let mut child =
        play_command(player, device, wav).spawn().map_err(|e| format!("cannot run {}: {e}", player.display()))?;
    let status = child.wait().map_err(|e| e.to_string())?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{} failed ({status}): {}", player.display(), stderr_of(&mut child)))
    }
}

fn play_command(player: &Path, device: Option<&str>, wav: &Path) -> Command {
    let mut cmd = Command::new(player);
    cmd.arg("-q");
    if let Some(d) = device {
        cmd.args(["-D", d]);
    }
    cmd.arg(wav).stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::piped());
    cmd
}

enum Cmd {
    Speak(UtteranceId, Box<Utterance>),
    Stop,
    Shutdown,
}

/// What the UI thread and the worker share.
#[derive(Default)]
struct Shared {
    playback_problem: Mutex<Option<String>>,
}

/// espeak-ng behind the [`Speech`] trait.
pub struct EspeakNg {
    available: Result<String, String>,
    tx: Option<Sender<Cmd>>,
    worker: Option<JoinHandle<()>>,
    next_id: AtomicU64,
    shared: Arc<Shared>,
}

impl EspeakNg {
    /// Probes the synthesiser and starts the worker; `sink` gets every [`SpeechEvent`] on the
    /// worker thread. Without a usable espeak-ng nothing is started: [`Speech::is_available`] is
    /// false, [`Speech::unavailable_reason`] says why, and `speak` does nothing.
    pub fn start(options: EspeakOptions, sink: impl Fn(SpeechEvent) + Send + 'static) -> EspeakNg {
        let available = probe(&options.program);
        let shared = Arc::new(Shared::default());
        let mut engine = EspeakNg { available, tx: None, worker: None, next_id: AtomicU64::new(1), shared };
        match &engine.available {
            Ok(version) => log::info!("speech: {version}"),
            Err(reason) => {
                log::warn!("speech not available: {reason}");
                return engine;
            }
        }
        let capture = options.capture_dir.as_deref().and_then(|dir| match CaptureDir::open(dir) {
            Ok(c) => Some(c),
            Err(e) => {
                log::warn!("speech: cannot capture utterances in {}: {e}", dir.display());
                None
            }
        });
        let scratch = match &capture {
            Some(c) => c.dir().to_path_buf(),
            None => {
                // One folder per engine: tests run several engines in one process.
                static ENGINES: AtomicU64 = AtomicU64::new(0);
                let n = ENGINES.fetch_add(1, Ordering::Relaxed);
                std::env::temp_dir().join(format!("kiosk-speech-{}-{n}", std::process::id()))
            }
        };
        let (tx, rx) = mpsc::channel();
        let worker = Worker {
            rx,
            cache: WavCache::new(options.cache_bytes),
            options,
            sink: Box::new(sink),
            shared: Arc::clone(&engine.shared),
            capture,
            scratch,
            warned_playback: false,
            warned_capture: false,
        };
        match std::thread::Builder::new().name("speech".into()).spawn(move || worker.run()) {
            Ok(handle) => {
                engine.tx = Some(tx);
                engine.worker = Some(handle);
            }
            Err(e) => engine.available = Err(format!("cannot start the speech thread: {e}")),
        }
        engine
    }

    fn send(&self, cmd: Cmd) {
        if let Some(tx) = &self.tx {
            let _ = tx.send(cmd);
        }
    }
}

impl Speech for EspeakNg {
    fn speak(&self, utterance: Utterance) -> UtteranceId {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        self.send(Cmd::Speak(id, Box::new(utterance)));
        id
    }

    fn stop(&self) {
        self.send(Cmd::Stop);
    }

    fn is_available(&self) -> bool {
        self.tx.is_some()
    }

    fn unavailable_reason(&self) -> Option<String> {
        self.available.as_ref().err().cloned()
    }

    fn playback_problem(&self) -> Option<String> {
        self.shared.playback_problem.lock().ok().and_then(|p| p.clone())
    }
}

impl Drop for EspeakNg {
    /// Stops speaking (kills the processes) and joins the worker.
    fn drop(&mut self) {
        self.send(Cmd::Shutdown);
        self.tx = None;
        if let Some(w) = self.worker.take() {
            let _ = w.join();
        }
    }
}

/// How a process ended: by itself, or killed because a command came.
enum Waited {
    Exited(ExitStatus),
    Interrupted(Cmd),
}

struct Worker {
    rx: Receiver<Cmd>,
    options: EspeakOptions,
    sink: Box<dyn Fn(SpeechEvent) + Send>,
    shared: Arc<Shared>,
    capture: Option<CaptureDir>,
    /// Where WAVs are synthesised: the capture folder (then renamed), or a private temporary one.
    scratch: PathBuf,
    cache: WavCache,
    warned_playback: bool,
    warned_capture: bool,
}

impl Worker {
    fn run(mut self) {
        let mut next: Option<Cmd> = None;
        loop {
            let cmd = match next.take() {
                Some(c) => c,
                None => match self.rx.recv() {
                    Ok(c) => c,
                    Err(_) => break,
                },
            };
            match self.newest(cmd) {
                Cmd::Shutdown => break,
                Cmd::Stop => {}
                Cmd::Speak(id, u) => next = self.speak(id, &u),
            }
        }
        if self.capture.is_none() {
            let _ = std::fs::remove_dir_all(&self.scratch);
        }
    }

    /// The newest of the queued commands: utterances queued behind a newer one are dropped.
    fn newest(&self, mut cmd: Cmd) -> Cmd {
        while let Ok(later) = self.rx.try_recv() {
            match cmd {
                Cmd::Shutdown => return cmd,
                Cmd::Speak(id, _) => (self.sink)(SpeechEvent::Interrupted { id }),
                Cmd::Stop => {}
            }
            cmd = later;
        }
        cmd
    }

    /// Waits for `child` while listening for commands; a command kills it.
    fn wait(&self, child: &mut Child) -> std::io::Result<Waited> {
        loop {
            if let Some(status) = child.try_wait()? {
                return Ok(Waited::Exited(status));
            }
            let cmd = match self.rx.recv_timeout(POLL) {
                Ok(cmd) => cmd,
                Err(RecvTimeoutError::Timeout) => continue,
                Err(RecvTimeoutError::Disconnected) => Cmd::Shutdown,
            };
            let _ = child.kill();
            let _ = child.wait();
            return Ok(Waited::Interrupted(cmd));
        }
    }

    /// Synthesises, captures and plays one utterance; returns the command that interrupted it.
    fn speak(&mut self, id: UtteranceId, u: &Utterance) -> Option<Cmd> {
        let started = Instant::now();
        let text = u.text();
        if u.spoken().is_empty() {
            (self.sink)(SpeechEvent::Finished { id, played: false });
            return None;
        }
        if let Err(e) = std::fs::create_dir_all(&self.scratch) {
            self.fail(id, format!("cannot create {}: {e}", self.scratch.display()));
            return None;
        }
        let tmp = self.scratch.join(format!(".speaking-{id}.wav"));
        let key = WavCache::key(u);
        let cached = self.cache.get(&key).map(|bytes| std::fs::write(&tmp, &bytes[..]));
        match cached {
            Some(Ok(())) => {}
            Some(Err(e)) => {
                self.fail(id, format!("cannot write {}: {e}", tmp.display()));
                return None;
            }
            None => {
                let program = self.options.program.clone();
                let mut child = match spawn_synth(&program, u, &tmp) {
                    Ok(child) => child,
                    Err(e) => {
                        self.fail(id, e.to_string());
                        return None;
                    }
                };
                match self.wait(&mut child) {
                    Ok(Waited::Exited(status)) => {
                        if let Err(e) = check_synth(&program, status, &mut child, &tmp) {
                            let _ = std::fs::remove_file(&tmp);
                            self.fail(id, e.to_string());
                            return None;
                        }
                    }
                    Ok(Waited::Interrupted(cmd)) => {
                        let _ = std::fs::remove_file(&tmp);
                        (self.sink)(SpeechEvent::Interrupted { id });
                        return Some(cmd);
                    }
                    Err(e) => {
                        self.fail(id, e.to_string());
                        return None;
                    }
                }
                if self.cache.enabled() {
                    if let Ok(bytes) = std::fs::read(&tmp) {
                        self.cache.put(key, bytes);
                    }
                }
            }
        }
        let synthesis = started.elapsed();
        let capture = self.capture(&tmp, &text);
        let wav = capture.as_ref().map(|c| c.wav.clone()).unwrap_or_else(|| tmp.clone());
        (self.sink)(SpeechEvent::Started { id, text, synthesis, capture: capture.clone() });
        let outcome = self.play(&wav);
        if capture.is_none() {
            let _ = std::fs::remove_file(&wav);
        }
        match outcome {
            Ok(played) => {
                (self.sink)(SpeechEvent::Finished { id, played });
                None
            }
            Err(cmd) => {
                (self.sink)(SpeechEvent::Interrupted { id });
                Some(cmd)
            }
        }
    }

    /// Keeps the synthesised `tmp` as the next capture; `None` when not capturing (or it failed).
    fn capture(&mut self, tmp: &Path, text: &str) -> Option<Capture> {
        let dir = self.capture.as_mut()?;
        match dir.keep(tmp, text) {
            Ok(c) => Some(c),
            Err(e) => {
                if !self.warned_capture {
                    log::warn!("speech: cannot capture in {}: {e}", dir.dir().display());
                    self.warned_capture = true;
                }
                None
            }
        }
    }

    /// Plays `wav`: `Ok(true)` played, `Ok(false)` could not play (logged once, kept for staff
    /// diagnostics), `Err(cmd)` interrupted by `cmd`.
    fn play(&mut self, wav: &Path) -> Result<bool, Cmd> {
        let Some(player) = self.options.player.clone() else {
            return Ok(false);
        };
        let device = self.options.device.clone();
        let problem = match play_command(&player, device.as_deref(), wav).spawn() {
            Err(e) => format!("cannot run {}: {e}", player.display()),
            Ok(mut child) => match self.wait(&mut child) {
                Ok(Waited::Interrupted(cmd)) => return Err(cmd),
                Ok(Waited::Exited(status)) if status.success() => {
                    if let Ok(mut p) = self.shared.playback_problem.lock() {
                        *p = None;
                    }
                    return Ok(true);
                }
                Ok(Waited::Exited(status)) => {
                    format!("{} failed ({status}): {}", player.display(), stderr_of(&mut child))
                }
                Err(e) => format!("waiting for {}: {e}", player.display()),
            },
        };
        let device = device.as_deref().unwrap_or("the default device");
        let problem = format!("playback on {device}: {problem}");
        if !self.warned_playback {
            log::warn!("speech: {problem} (further playback failures are logged at debug level)");
            self.warned_playback = true;
        } else {
            log::debug!("speech: {problem}");
        }
        if let Ok(mut p) = self.shared.playback_problem.lock() {
            *p = Some(problem);
        }
        Ok(false)
    }

    fn fail(&self, id: UtteranceId, reason: String) {
        log::warn!("speech: synthesis failed: {reason}");
        (self.sink)(SpeechEvent::Failed { id, reason });
    }
}
