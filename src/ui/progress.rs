//! 进度查询: a scanned slip QR or a placed ID card lists the resident's applications with their state
//! in plain words, and any slip can be printed again (补打回执).

use std::cell::RefCell;
use std::rc::Rc;

use slint::{ComponentHandle, SharedString};

use super::{handler, model, printing, State};
use crate::app::nav::Page;
use crate::devices::idcard::Card;
use crate::devices::scanner::ScannerEvent;
use crate::slip::Slip;
use crate::store::outbox::{OutboxState, Stored};
use crate::{AppWindow, ProgressRow, ProgressState};

/// What the progress page shows.
#[derive(Debug, Default)]
pub struct ProgressView {
    pub rows: Vec<Stored>,
    pub message: String,
}

pub(super) fn wire(window: &AppWindow, state: &Rc<RefCell<State>>) {
    let p = window.global::<ProgressState>();
    p.on_reprint(handler(window, state, |s, no: SharedString| reprint(s, &no)));
    let scan = handler(window, state, |s, ()| {
        // Demo: the newest slip on this terminal goes through the simulated scanner, like a real scan.
        let newest = s.store.as_ref().and_then(|st| st.applications().ok()).and_then(|v| v.into_iter().next());
        let sim = s.devices.scanner.as_ref().and_then(|sc| sc.simulator());
        match (newest, sim) {
            (Some(app), Some(sim)) => {
                let text = crate::slip::qr_text(&s.config.applications.qr_base, &app.token);
                if let Err(e) = sim.scan(&text) {
                    log::warn!("simulated scanner: {e}");
                }
            }
            (None, _) => s.progress.message = "本机还没有回执可以模拟扫码。".into(),
            (_, None) => s.progress.message = "扫码器未连接。".into(),
        }
    });
    p.on_scan_sample(move || scan(()));
    let place = handler(window, state, |s, ()| s.devices.place_sample("elderly"));
    p.on_place_sample(move || place(()));
}

/// The token inside a scanned slip QR (`<base>/p/<token>`), or the text itself.
pub fn token_of(scanned: &str) -> &str {
    let t = scanned.trim();
    t.rsplit_once("/p/").map(|(_, tok)| tok.trim_end_matches('/')).unwrap_or(t)
}

/// A scanner event: scans count on the progress page; faults are said there too.
pub(super) fn on_scanner_event(s: &mut State, event: ScannerEvent) {
    match event {
        ScannerEvent::Scanned(text) => on_scan(s, &text),
        ScannerEvent::Fault(kind) if *s.nav.current() == Page::Progress => {
            s.progress.message = kind.resident_message().to_string();
        }
        _ => {}
    }
}

/// A scanned code while the progress page is open.
pub(super) fn on_scan(s: &mut State, scanned: &str) {
    if *s.nav.current() != Page::Progress {
        return;
    }
    let found = s.store.as_ref().and_then(|st| st.application_by_token(token_of(scanned)).ok().flatten());
    match found {
        Some(app) => {
            s.progress.rows = vec![app];
            s.progress.message = String::new();
        }
        None => {
            s.progress.rows.clear();
            s.progress.message = "没有找到这张回执的记录。如是在其他终端或窗口办理的，请到服务窗口查询。".into();
        }
    }
}

/// A card while the progress page is open: that resident's applications on this terminal.
pub(super) fn on_card(s: &mut State, card: &Card) {
    let found = s.store.as_ref().and_then(|st| st.applications_of(&card.id_number).ok()).unwrap_or_default();
    s.progress.message = if found.is_empty() {
        "本机没有您的办理记录。在窗口或其他终端办理的事项，请到服务窗口查询。".into()
    } else {
        format!("找到 {} 条办理记录。", found.len())
    };
    s.progress.rows = found;
}

fn reprint(s: &mut State, acceptance_no: &str) {
    let job = s.store.as_ref().and_then(|st| {
        let app = st.application_by_acceptance_no(acceptance_no).ok().flatten()?;
        st.print_job_of(app.id).ok().flatten()
    });
    if let Some(job) = job {
        s.app_print_job = Some(job.id);
        printing::print(s, Slip::Pickup(job.slip));
        s.nav.open(Page::Slip);
    }
}

/// The state in plain words: (status, explanation).
pub fn explain(app: &Stored) -> (String, String) {
    match (app.state, app.hub_status.as_deref()) {
        (OutboxState::Queued, _) => (
            "已受理，等待上传".into(),
            "您的申请已保存在本机，会自动上传给主管部门；网络不通时恢复后自动上传，不用重新办理。".into(),
        ),
        (_, Some("processing")) => ("办理中".into(), "主管部门正在审核办理，请耐心等待。".into()),
        (_, Some("ready")) => ("已办结，可领取".into(), "请带身份证和回执，到回执上写的地点领取。".into()),
        (_, Some("picked_up")) => ("已领取".into(), "本事项已办理完毕。".into()),
        (_, Some("rejected")) => (
            "未通过".into(),
            format!(
                "{}如有疑问，请拨打回执上的咨询电话。",
                app.hub_note.as_deref().map(|n| format!("原因：{n}。")).unwrap_or_default()
            ),
        ),
        _ => ("主管部门已收到".into(), "主管部门已收到您的申请，正在审核。".into()),
    }
}

pub(super) fn render(window: &AppWindow, s: &State) {
    let p = window.global::<ProgressState>();
    p.set_demo(s.devices.demo);
    p.set_message(s.progress.message.as_str().into());
    p.set_rows(model(
        s.progress
            .rows
            .iter()
            .map(|a| {
                let (status, explanation) = explain(a);
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
    use super::token_of;

    #[test]
    fn tokens_come_out_of_slip_urls_or_stand_alone() {
        assert_eq!(token_of("https://zwfw.example.gov.cn/p/abc123"), "abc123");
        assert_eq!(token_of(" abc123\r"), "abc123");
        assert_eq!(token_of("https://x.example/p/abc/"), "abc");
    }
}
