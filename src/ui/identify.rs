//! The identification screen: events from the ID-card reader become the masked identity on screen,
//! or a sentence saying what to do. Card data exists only while this page is open and in the
//! session it starts; nothing of it is logged.

use std::cell::RefCell;
use std::rc::Rc;

use slint::{ComponentHandle, SharedString};

use super::{handler, model, State};
use crate::app::nav::Page;
use crate::devices::idcard::{sample_cards, Card, CardType, ReaderEvent};
use crate::{AppWindow, IdentifyState, SampleCard};

/// Where identification stands.
#[derive(Debug, Default)]
pub enum IdentifyStatus {
    /// "请将身份证放在感应区".
    #[default]
    Waiting,
    /// What went wrong and what to do, in a sentence for the resident.
    Problem(String),
    /// The card that identified the resident (kept for the flow that follows; wiped with the session).
    Done(Card),
}

#[derive(Debug, Default)]
pub struct Identify {
    /// What the resident is identifying for, e.g. "老年优待证".
    pub purpose: String,
    pub status: IdentifyStatus,
}

impl Identify {
    pub fn new(purpose: &str) -> Identify {
        Identify { purpose: purpose.to_string(), status: IdentifyStatus::Waiting }
    }
}

pub(super) fn wire(window: &AppWindow, state: &Rc<RefCell<State>>) {
    let ids = window.global::<IdentifyState>();
    ids.on_place_sample(handler(window, state, |s, key: SharedString| {
        let Some(sim) = s.devices.reader.as_ref().and_then(|r| r.simulator()) else { return };
        if let Some((_, _, card)) = sample_cards().into_iter().find(|(k, _, _)| *k == key.as_str()) {
            if let Err(e) = sim.place(&card) {
                log::warn!("simulated reader: cannot place the sample card: {e}");
            }
        }
    }));
    let proceed = handler(window, state, |s, ()| {
        let next = format!("{}办理", s.identify.purpose);
        s.nav.open(Page::ComingSoon(next));
    });
    ids.on_proceed(move || proceed(()));
    ids.set_samples(model(
        sample_cards().into_iter().map(|(key, label, _)| SampleCard { key: key.into(), label: label.into() }).collect(),
    ));
}

/// A reader event: only the identification page listens; elsewhere a card is ignored and dropped.
pub(super) fn on_reader_event(s: &mut State, event: ReaderEvent) {
    if !matches!(s.nav.current(), Page::Identify) || matches!(s.identify.status, IdentifyStatus::Done(_)) {
        return;
    }
    s.identify.status = match event {
        ReaderEvent::CardRead(mut card) => {
            card.refresh(chrono::Local::now().date_naive());
            if card.expired {
                log::info!("identification: card expired");
                IdentifyStatus::Problem("证件已过期，无法办理。请使用有效期内的证件，或到服务窗口咨询。".into())
            } else if !card.id_number_valid {
                log::info!("identification: ID number check failed");
                IdentifyStatus::Problem("证件信息校验未通过，请到服务窗口办理。".into())
            } else {
                log::info!("identification: card read");
                IdentifyStatus::Done(card)
            }
        }
        ReaderEvent::ReaderFault(kind) => IdentifyStatus::Problem(kind.resident_message().into()),
        ReaderEvent::ReaderRecovered => IdentifyStatus::Waiting,
        ReaderEvent::CardRemoved => return,
    };
}

pub(super) fn render(window: &AppWindow, s: &State) {
    let ids = window.global::<IdentifyState>();
    ids.set_purpose(s.identify.purpose.as_str().into());
    ids.set_demo(s.devices.demo && s.devices.reader.as_ref().is_some_and(|r| r.simulator().is_some()));
    let problem = match &s.identify.status {
        IdentifyStatus::Problem(p) => p.clone(),
        _ if s.devices.reader.is_none() => "读卡器故障，请联系工作人员。".to_string(),
        _ => String::new(),
    };
    ids.set_problem(problem.into());
    match &s.identify.status {
        IdentifyStatus::Done(card) => {
            ids.set_done(true);
            ids.set_masked_name(card.masked_name().into());
            ids.set_masked_id(card.masked_id_number().into());
            ids.set_card_type(card_type_label(card.card_type).into());
        }
        _ => {
            ids.set_done(false);
            ids.set_masked_name(SharedString::new());
            ids.set_masked_id(SharedString::new());
            ids.set_card_type(SharedString::new());
        }
    }
}

fn card_type_label(t: CardType) -> &'static str {
    match t {
        CardType::Resident => "居民身份证",
        CardType::HkMoTw => "港澳台居民居住证",
        CardType::Foreign => "外国人永久居留身份证",
    }
}
