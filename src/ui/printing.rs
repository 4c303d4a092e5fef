//! Printing from the UI: a slip goes to the printing worker; while it prints the kiosk is busy (no idle
//! reset); when the printer cannot print, the same slip is shown on screen, QR included.

use std::cell::RefCell;
use std::rc::Rc;

use slint::{ComponentHandle, Image, Rgb8Pixel, SharedPixelBuffer, SharedString};

use super::{handler, model, State};
use crate::app::nav::Page;
use crate::devices::printer::{qr_image, PrintOutcome, RenderedJob};
use crate::slip::{Align, ChecklistSlip, Line, Paper, Slip};
use crate::{AppWindow, GuideState, PrintState, SlipLine, SlipLineKind};

/// The slip on the slip screen and what became of it.
#[derive(Debug, Default)]
pub struct PrintView {
    pub slip: Option<Slip>,
    pub lines: Vec<Line>,
    pub paper: Option<Paper>,
    /// The job being printed.
    pub pending: Option<u64>,
    /// A sentence for the resident once the job is done (or could not start).
    pub message: String,
    pub failed: bool,
}

pub(super) fn wire(window: &AppWindow, state: &Rc<RefCell<State>>) {
    window.global::<GuideState>().on_print_checklist(handler(window, state, |s, code: SharedString| {
        let Some(guide) = s.catalog.get(&code) else { return };
        let slip = Slip::from(ChecklistSlip::from_guide(guide));
        print(s, slip);
        s.nav.open(Page::Slip);
    }));
    let again = handler(window, state, |s, ()| {
        if let Some(slip) = s.print.slip.take() {
            print(s, slip);
        }
    });
    window.global::<PrintState>().on_print_again(move || again(()));
}

/// Sends `slip` to the printer, or — without one — shows it on screen straight away.
pub(super) fn print(s: &mut State, slip: Slip) {
    let paper = s.devices.printer.as_ref().map(|p| p.paper()).unwrap_or(Paper::Mm80);
    let job: Option<RenderedJob> = s.devices.printer.as_ref().and_then(|p| match p.render(&slip) {
        Ok(job) => Some(job),
        Err(e) => {
            log::error!("cannot render slip: {e}");
            None
        }
    });
    s.print = PrintView { lines: slip.layout(paper), paper: Some(paper), ..PrintView::default() };
    match (job, s.devices.printer.as_mut()) {
        (Some(job), Some(printer)) => {
            s.print.pending = Some(printer.submit(job));
            s.idle.set_busy(true);
        }
        _ => {
            s.print.failed = true;
            s.print.message = "打印机暂时无法打印，请联系工作人员。可用手机拍下屏幕上的二维码。".into();
        }
    }
    let failed_at_once = s.print.failed.then(|| s.print.message.clone());
    s.print.slip = Some(slip);
    if let Some(message) = failed_at_once {
        // No printer at all: the flow hears it at once.
        super::apply::on_printed(s, Err(message));
    }
}

/// A finished job: the kiosk is no longer busy, and the screen says what happened. Returns what
/// became of it (`Ok(near_end)` or the resident's sentence) when it was the job on screen.
pub(super) fn on_outcome(s: &mut State, outcome: PrintOutcome) -> Option<Result<bool, String>> {
    if s.print.pending != Some(outcome.id) {
        return None;
    }
    s.print.pending = None;
    s.idle.set_busy(false);
    // What the printer said, for the hub's heartbeat and staff.
    {
        use crate::devices::printer::PrintError;
        use crate::sync::PrinterHealth;
        let mut h = s.health.lock().unwrap_or_else(|e| e.into_inner());
        match &outcome.result {
            Ok(report) => h.printer = report.status.into(),
            Err(PrintError::NotReady { status, .. } | PrintError::Interrupted { status, .. }) => {
                h.printer = (*status).into();
                h.device_error = Some(outcome.result.as_ref().err().map(|e| e.to_string()).unwrap_or_default());
            }
            Err(e) => {
                h.printer = PrinterHealth::OFFLINE;
                h.device_error = Some(e.to_string());
            }
        }
    }
    let saved = matches!(s.print.slip, Some(Slip::Pickup(_)));
    match outcome.result {
        Ok(report) => {
            s.print.failed = false;
            s.print.message = if report.near_end {
                "已打印，请从出纸口取走。打印纸快用完了，已提醒工作人员。".into()
            } else {
                "已打印，请从出纸口取走。".into()
            };
            Some(Ok(report.near_end))
        }
        Err(e) => {
            s.print.failed = true;
            s.print.message = e.resident_message(saved);
            Some(Err(s.print.message.clone()))
        }
    }
}

pub(super) fn render(window: &AppWindow, s: &State) {
    let ps = window.global::<PrintState>();
    ps.set_printing(s.print.pending.is_some());
    ps.set_failed(s.print.failed);
    ps.set_message(s.print.message.as_str().into());
    ps.set_columns(s.print.paper.unwrap_or(Paper::Mm80).columns() as i32);
    let mut qr = None;
    let lines = s
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
