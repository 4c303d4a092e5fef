//! 进度查询: a scanned slip QR or a placed ID card lists the resident's applications with their state
//! in plain words, and any slip can be printed again (补打回执).

use std::cell::RefCell;
use std::rc::Rc;

use slint::{ComponentHandle, SharedString};

use super::{handler, model, printing, State};
use crate::app::nav::Page;
use crate::devices::idcard::Card;
use crate::devices::scanner::ScannerEvent;
use crate::messages;
use crate::slip::Slip;
use crate::store::outbox::Stored;
use crate::{AppWindow, ProgressRow, ProgressState};

/// What the progress page shows.
#[derive(Debug, Default)]
pub struct ProgressView {
    pub rows: Vec<Stored>,
    pub message: String,
}

pub(super) fn wire(window: &AppWindow, state: &Rc<RefCell<State>>) {
    let p = window.global::<ProgressState>();
    p.on_reprint(handler(window, state, |s, no: SharedString| {
        reprint(s, &no);
    }));
    let scan = handler(window, state, |s, ()| {
        // Demo: the newest slip on this terminal goes through the simulated scanner, like a real scan.
        let newest = s.terminal.store.as_ref().and_then(|st| st.applications().ok()).and_then(|v| v.into_iter().next());
        let sim = s.terminal.devices.scanner.as_ref().and_then(|sc| sc.simulator());
        match (newest, sim) {
            (Some(app), Some(sim)) => {
                let text = crate::slip::qr_text(&s.terminal.config.applications.qr_base, &app.token);
                if let Err(e) = sim.scan(&text) {
                    log::warn!("simulated scanner: {e}");
                }
            }
            (None, _) => s.session.progress.message = messages::no_slip_to_scan(s.session.lang).into(),
            (_, None) => s.session.progress.message = messages::no_scanner(s.session.lang).into(),
        }
    });
    p.on_scan_sample(move || scan(()));
    let place = handler(window, state, |s, ()| s.terminal.devices.place_sample("elderly"));
    p.on_place_sample(move || place(()));
}

/// The token of a scanned slip QR (`<base>/p/<token>`, or the token alone); `None` when the code is
/// not one of our slips (a shop's QR, a product barcode, a payment code).
pub fn slip_token(scanned: &str) -> Option<&str> {
    let t = scanned.trim();
    let token = t.rsplit_once("/p/").map(|(_, tok)| tok.trim_end_matches('/')).unwrap_or(t);
    let ours = token.len() == 20 && token.bytes().all(|c| c.is_ascii_lowercase() || (b'2'..=b'7').contains(&c));
    ours.then_some(token)
}

/// A scanner event: scans count on the progress page; faults are said there too.
pub(super) fn on_scanner_event(s: &mut State, event: ScannerEvent) {
    match event {
        ScannerEvent::Scanned(text) => on_scan(s, &text),
        ScannerEvent::Fault(kind) if *s.session.nav.current() == Page::Progress => {
            s.session.progress.message = messages::scanner_fault(s.session.lang, kind).to_string();
        }
        _ => {}
    }
}

/// A scanned code on the progress page, or on the home screen (whose 进度查询 tile says 扫回执二维码:
/// a slip scanned there opens its progress at once).
pub(super) fn on_scan(s: &mut State, scanned: &str) {
    let page = s.session.nav.current().clone();
    if !matches!(page, Page::Progress | Page::Home) {
        return;
    }
    let Some(token) = slip_token(scanned) else {
        log::info!("progress: a scanned code of {} characters is not a slip", scanned.chars().count());
        if page == Page::Progress {
            s.session.progress.rows.clear();
            s.session.progress.message = messages::not_a_slip(s.session.lang).into();
        }
        return;
    };
    if page == Page::Home {
        s.session.progress = ProgressView::default();
        s.session.nav.open(Page::Progress);
    }
    let found = s.terminal.store.as_ref().and_then(|st| st.application_by_token(token).ok().flatten());
    match found {
        Some(app) => {
            s.session.progress.rows = vec![app];
            s.session.progress.message = String::new();
        }
        None => {
            s.session.progress.rows.clear();
            s.session.progress.message = messages::slip_not_found(s.session.lang).into();
        }
    }
}

/// A card while the progress page is open: that resident's applications on this terminal.
pub(super) fn on_card(s: &mut State, card: &Card) {
    let found = s.terminal.store.as_ref().and_then(|st| st.applications_of(&card.id_number).ok()).unwrap_or_default();
    s.session.progress.message = messages::records_found(s.session.lang, found.len());
    s.session.progress.rows = found;
}

/// Prints an application's slip again and shows it on its own page (the printing state, or the slip on
/// screen when the printer cannot); false when the application or its slip is not found.
pub(super) fn reprint(s: &mut State, acceptance_no: &str) -> bool {
    let job = s.terminal.store.as_ref().and_then(|st| {
        let app = st.application_by_acceptance_no(acceptance_no).ok().flatten()?;
        st.print_job_of(app.id).ok().flatten()
    });
    let Some(job) = job else { return false };
    printing::print(s, Slip::Pickup(job.slip), printing::Purpose::Pickup { print_job: job.id });
    s.session.nav.open(Page::Slip);
    true
}

pub(super) fn render(window: &AppWindow, s: &State) {
    let p = window.global::<ProgressState>();
    p.set_demo(s.terminal.devices.demo);
    p.set_message(s.session.progress.message.as_str().into());
    p.set_rows(model(
        s.session
            .progress
            .rows
            .iter()
            .map(|a| {
                let (status, explanation) = messages::progress(s.session.lang, a);
                ProgressRow {
                    acceptance_no: a.acceptance_no.as_str().into(),
                    item_name: a.item_name.as_str().into(),
                    date: a.created_at.format("%Y-%m-%d %H:%M").to_string().into(),
                    status: status.into(),
                    explanation: explanation.into(),
                }
            })
            .collect(),
    ));
}

#[cfg(test)]
mod tests {
    use super::slip_token;

    const TOKEN: &str = "abcdefghijklmnop2345";

    #[test]
    fn tokens_come_out_of_slip_urls_or_stand_alone() {
        assert_eq!(slip_token(&format!("https://zwfw.example.gov.cn/p/{TOKEN}")), Some(TOKEN));
        assert_eq!(slip_token(&format!(" {TOKEN}\r")), Some(TOKEN));
        assert_eq!(slip_token(&format!("https://x.example/p/{TOKEN}/")), Some(TOKEN));
    }

    #[test]
    fn other_codes_are_not_slips() {
        for code in
            ["6901234567892", "https://shop.example/item?id=5", "wxp://f2f0abc", "abc123", "", "ABCDEFGHIJKLMNOP2345"]
        {
            assert_eq!(slip_token(code), None, "{code}");
        }
    }
}
