//! Printing from the UI: a slip goes to the printing worker; while it prints the kiosk is busy (no idle
//! reset); when the printer cannot print, the same slip is shown on screen, QR included.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use slint::{ComponentHandle, Image, Rgb8Pixel, SharedPixelBuffer, SharedString};

use super::{handler, model, State};
use crate::app::nav::Page;
use crate::devices::printer::service::StatusOutcome;
use crate::devices::printer::{qr_image, PrintError, PrintOutcome, PrinterStatus, Progress, RenderedJob};
use crate::messages;
use crate::slip::{Align, ChecklistSlip, Line, Paper, Slip};
use crate::{AppWindow, GuideState, PrintState, SlipLine, SlipLineKind};

/// What a job in flight prints. The terminal keeps it with the job, so the job's outcome reaches the
/// store and the busy state whatever the session did meanwhile (首页, idle reset, another resident).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// The pickup slip of a stored application: its outbox print job.
    Pickup { print_job: i64 },
    /// A guide's materials checklist.
    Checklist,
    /// Staff's test page.
    TestPage,
}

/// Print jobs sent to the printing worker and not finished yet (the terminal's).
#[derive(Debug, Default)]
pub struct Jobs {
    in_flight: BTreeMap<u64, Purpose>,
}

impl Jobs {
    pub fn is_empty(&self) -> bool {
        self.in_flight.is_empty()
    }
}

/// The idle status poll of the printer (`[printer] poll_secs`), the terminal's: while nobody uses the
/// kiosk and no job is on the port, the printer is asked its status (DLE EOT) now and then, so the
/// hub's heartbeat and the residents' notice before an application know it cannot print before a
/// slip fails.
#[derive(Debug)]
pub struct Poll {
    /// Seconds since the poll last asked; `u64::MAX` before the first, so the first idle second asks.
    since: u64,
    /// The check asked and not answered yet (one at a time).
    pending: Option<u64>,
}

impl Default for Poll {
    fn default() -> Self {
        Poll { since: u64::MAX, pending: None }
    }
}

/// Once a second: asks the printer's status when the poll is due and the kiosk is idle: the home
/// screen as a new resident finds it, no job in flight, not held busy. A check queued now goes to the
/// port before any job queued after it (the worker takes requests in order), so it never interleaves
/// with a job's bytes.
pub(super) fn poll_when_idle(s: &mut State) {
    let every = s.terminal.config.printer.poll_secs;
    let poll = &mut s.terminal.printer_poll;
    poll.since = poll.since.saturating_add(1);
    if every == 0 || poll.pending.is_some() || poll.since < every {
        return;
    }
    let idle = s.at_rest() && !s.terminal.busy();
    let Some(printer) = s.terminal.devices.printer.as_mut().filter(|_| idle) else { return };
    let poll = &mut s.terminal.printer_poll;
    poll.pending = Some(printer.request_status());
    poll.since = 0;
}

/// A status answer of the printing worker (the idle poll's or staff's check): what the printer said
/// becomes its health (heartbeat, the residents' notice). True when it answered the idle poll, which
/// nobody else waits for.
pub(super) fn on_status(s: &mut State, answer: &StatusOutcome) -> bool {
    record_status(s, &answer.result);
    let poll = &mut s.terminal.printer_poll;
    if poll.pending == Some(answer.id) {
        poll.pending = None;
        return true;
    }
    false
}

fn record_status(s: &State, result: &Result<PrinterStatus, PrintError>) {
    use crate::sync::PrinterHealth;
    let mut h = s.terminal.health.lock().unwrap_or_else(|e| e.into_inner());
    let now = match result {
        Ok(status) => PrinterHealth::from(*status),
        Err(e) => {
            h.device_error = Some(e.to_string());
            PrinterHealth::OFFLINE
        }
    };
    if h.printer != now {
        match result {
            Ok(status) => log::info!("printer status: {:?} (status bytes {:02X?})", status.not_ready(), status.raw),
            Err(e) => log::warn!("printer status: {e}"),
        }
        h.printer = now;
    }
}

/// Whether the printer, as it last said, can print a slip (paper near end can).
pub(super) fn printer_ready(s: &State) -> bool {
    crate::sync::HealthReport::snapshot(&s.terminal.health).printer.is_ready()
}

/// What became of a job, as the screens need to know it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Printed {
    Ok {
        near_end: bool,
    },
    /// The printer said it cannot print, or could not be reached: the sentence for the resident.
    Failed(String),
    /// Sent, but not confirmed afterwards: most likely printed; no second copy offered.
    Unconfirmed(String),
}

/// The slip on the slip screen and what became of it (the session's).
#[derive(Debug, Default)]
pub struct PrintView {
    pub slip: Option<Slip>,
    pub lines: Vec<Line>,
    pub paper: Option<Paper>,
    /// The job being printed for this session.
    pub pending: Option<u64>,
    /// How far that job has got on the line, while it is being sent.
    pub progress: Option<Progress>,
    /// A sentence for the resident once the job is done (or could not start).
    pub message: String,
    pub failed: bool,
    /// What the job was for (kept to print it again).
    purpose: Option<Purpose>,
}

pub(super) fn wire(window: &AppWindow, state: &Rc<RefCell<State>>) {
    window.global::<GuideState>().on_print_checklist(handler(window, state, |s, code: SharedString| {
        let Some(guide) = s.terminal.catalog.get(&code) else { return };
        let slip = Slip::from(ChecklistSlip::from_guide(guide).in_lang(s.session.lang));
        print(s, slip, Purpose::Checklist);
        s.session.nav.open(Page::Slip);
    }));
    let again = handler(window, state, |s, ()| {
        if s.session.print.pending.is_some() {
            return;
        }
        if let (Some(slip), Some(purpose)) = (s.session.print.slip.take(), s.session.print.purpose) {
            print(s, slip, purpose);
        }
    });
    window.global::<PrintState>().on_print_again(move || again(()));
}

/// Sends `slip` to the printer, or — without one — shows it on screen straight away. Returns what
/// became of it at once when it could not even be sent.
pub(super) fn print(s: &mut State, slip: Slip, purpose: Purpose) -> Option<Printed> {
    let saved = matches!(purpose, Purpose::Pickup { .. });
    let printer = s.terminal.devices.printer.as_mut();
    let paper = printer.as_ref().map(|p| p.paper()).unwrap_or(Paper::Mm80);
    let job: Option<RenderedJob> = printer.as_ref().and_then(|p| match p.render(&slip) {
        Ok(job) => Some(job),
        Err(e) => {
            log::error!("cannot render slip: {e}");
            None
        }
    });
    s.session.print =
        PrintView { lines: slip.layout(paper), paper: Some(paper), purpose: Some(purpose), ..PrintView::default() };
    let now = match (job, printer) {
        (Some(job), Some(printer)) => {
            let id = printer.submit(job);
            s.terminal.jobs.in_flight.insert(id, purpose);
            s.session.print.pending = Some(id);
            None
        }
        _ => {
            let message = messages::no_printer(s.session.lang, saved);
            s.session.print.failed = true;
            s.session.print.message = message.clone();
            Some(Printed::Failed(message))
        }
    };
    s.session.print.slip = Some(slip);
    now
}

/// A finished job. The terminal records it (store, device health) whoever started it; the session
/// hears of it only when the job is the one on its screen: then the outcome is returned.
pub(super) fn on_outcome(s: &mut State, outcome: PrintOutcome) -> Option<(Purpose, Printed)> {
    let Some(purpose) = s.terminal.jobs.in_flight.remove(&outcome.id) else {
        log::warn!("print job {} finished but was not in flight", outcome.id);
        return None;
    };
    record_health(s, &outcome);
    let saved = matches!(purpose, Purpose::Pickup { .. });
    let lang = s.session.lang;
    let printed = match &outcome.result {
        Ok(report) => Printed::Ok { near_end: report.near_end },
        Err(e @ PrintError::Unconfirmed { .. }) => {
            log::warn!("print job {}: {e}", outcome.id);
            Printed::Unconfirmed(messages::print_unconfirmed(lang, saved))
        }
        Err(e) => Printed::Failed(messages::print_failed(lang, e, saved)),
    };
    if let (Purpose::Pickup { print_job }, Some(store)) = (purpose, s.terminal.store.as_mut()) {
        let recorded = match &outcome.result {
            Ok(_) => store.record_print(print_job, Ok(())),
            Err(e @ PrintError::Unconfirmed { .. }) => store.record_print_unconfirmed(print_job, &e.to_string()),
            Err(e) => store.record_print(print_job, Err(&e.to_string())),
        };
        if let Err(e) = recorded {
            log::error!("cannot record print job {print_job}: {e}");
        }
    }
    if s.session.print.pending != Some(outcome.id) {
        log::info!("print job {} finished after its session ended", outcome.id);
        return None;
    }
    let view = &mut s.session.print;
    view.pending = None;
    view.progress = None;
    (view.failed, view.message) = match &printed {
        Printed::Ok { near_end } => (false, messages::printed(lang, *near_end).to_string()),
        Printed::Failed(m) => (true, m.clone()),
        Printed::Unconfirmed(m) => (false, m.clone()),
    };
    Some((purpose, printed))
}

/// What the printer said, for the hub's heartbeat and staff.
fn record_health(s: &State, outcome: &PrintOutcome) {
    use crate::sync::PrinterHealth;
    let mut h = s.terminal.health.lock().unwrap_or_else(|e| e.into_inner());
    match &outcome.result {
        Ok(report) => h.printer = report.status.into(),
        Err(e @ (PrintError::NotReady { status, .. } | PrintError::Interrupted { status, .. })) => {
            h.printer = (*status).into();
            h.device_error = Some(e.to_string());
        }
        // Took the job: no news of the printer's state either way.
        Err(PrintError::Unconfirmed { .. }) => {}
        Err(e) => {
            h.printer = PrinterHealth::OFFLINE;
            h.device_error = Some(e.to_string());
        }
    }
}

/// Ten times a second while a job is sent: how far the session's job has got. True when what the
/// screen shows of it changed (a percent or a second).
pub(super) fn poll_progress(s: &mut State) -> bool {
    let Some(id) = s.session.print.pending else { return false };
    let now = s.terminal.devices.printer.as_ref().and_then(|p| p.progress()).filter(|p| p.id == id).map(|p| p.progress);
    let shown = |p: Option<Progress>| p.map(|p| (p.percent(), p.seconds_left()));
    let changed = shown(now) != shown(s.session.print.progress);
    if now.is_some() {
        s.session.print.progress = now;
    }
    changed
}

/// The progress bar of a slow job (one the line takes more than 2 s to carry, from the configured
/// baud rate): shown from its first byte, so it never flashes up for a short one. Shared by the
/// slip screen and the application's last step.
pub(super) fn render_progress(window: &AppWindow, s: &State) {
    let ps = window.global::<PrintState>();
    let progress = s.session.print.progress.filter(|p| s.session.print.pending.is_some() && p.is_slow());
    ps.set_progress_shown(progress.is_some());
    if let Some(p) = progress {
        ps.set_progress_percent(i32::from(p.percent()));
        ps.set_progress_seconds_left(p.seconds_left() as i32);
    }
}

pub(super) fn render(window: &AppWindow, s: &State) {
    let ps = window.global::<PrintState>();
    ps.set_printing(s.session.print.pending.is_some());
    ps.set_failed(s.session.print.failed);
    ps.set_message(s.session.print.message.as_str().into());
    ps.set_columns(s.session.print.paper.unwrap_or(Paper::Mm80).columns() as i32);
    let mut qr = None;
    let lines = s
        .session
        .print
        .lines
        .iter()
        .map(|line| {
            let mut l = SlipLine {
                kind: SlipLineKind::Text,
                text: SharedString::new(),
                key: SharedString::new(),
                center: false,
                bold: false,
            };
            match line {
                Line::Heading(t) => {
                    l.kind = SlipLineKind::Heading;
                    l.text = t.as_str().into();
                }
                Line::Text { text, align, bold } => {
                    l.text = text.as_str().into();
                    l.center = *align == Align::Center;
                    l.bold = *bold;
                }
                Line::KeyValue { key, value } => {
                    l.kind = SlipLineKind::KeyValue;
                    l.key = key.as_str().into();
                    l.text = value.as_str().into();
                }
                Line::Rule => l.kind = SlipLineKind::Rule,
                Line::Qr(text) => {
                    l.kind = SlipLineKind::Qr;
                    l.text = text.as_str().into();
                    qr = Some(text.clone());
                }
                Line::Feed(_) => l.kind = SlipLineKind::Feed,
            }
            l
        })
        .collect();
    ps.set_lines(model(lines));
    ps.set_qr(qr.map(|t| qr_to_image(&t, 8)).unwrap_or_default());
}

/// A QR as an image for the screen (the same symbol the printer prints), `module_px` per module.
pub(super) fn qr_to_image(text: &str, module_px: u32) -> Image {
    match qr_image(text, module_px) {
        Ok(img) => {
            let mut buf = SharedPixelBuffer::<Rgb8Pixel>::new(img.width, img.height);
            for (px, &v) in buf.make_mut_slice().iter_mut().zip(&img.pixels) {
                *px = Rgb8Pixel { r: v, g: v, b: v };
            }
            Image::from_rgb8(buf)
        }
        Err(e) => {
            log::error!("cannot draw QR: {e}");
            Image::default()
        }
    }
}
