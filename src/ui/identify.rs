//! The identification screen of a flow: reader events become flow events (the flow decides what a
//! card means); the screen shows where to place the card, or what went wrong and what to do. Card data
//! lives only in the flow, which the session wipe drops; nothing of it is logged.

use std::cell::RefCell;
use std::rc::Rc;

use slint::{ComponentHandle, SharedString};

use super::{apply, grid, handler, model, progress, State};
use crate::app::flow::{Event, Step};
use crate::app::nav::Page;
use crate::devices::idcard::{sample_cards, ReaderEvent};
use crate::{AppWindow, IdentifyState, SampleCard};

pub(super) fn wire(window: &AppWindow, state: &Rc<RefCell<State>>) {
    let ids = window.global::<IdentifyState>();
    ids.on_place_sample(handler(window, state, |s, key: SharedString| s.devices.place_sample(&key)));
    ids.set_samples(model(
        sample_cards().into_iter().map(|(key, label, _)| SampleCard { key: key.into(), label: label.into() }).collect(),
    ));
}

/// A reader event: only identification and progress pages listen; elsewhere a card is dropped.
pub(super) fn on_reader_event(s: &mut State, event: ReaderEvent) {
    match (s.nav.current().clone(), event) {
        (Page::Identify, ReaderEvent::CardRead(mut card)) => {
            card.refresh(chrono::Local::now().date_naive());
            log::info!("identification: card read (expired={}, valid={})", card.expired, card.id_number_valid);
            apply::on_card(s, card);
        }
        (Page::Identify, ReaderEvent::ReaderFault(kind)) => {
            apply::event(s, Event::CardProblem(kind.resident_message().into()));
        }
        (Page::Progress, ReaderEvent::CardRead(card)) => progress::on_card(s, &card),
        (Page::Grid, event) => grid::on_reader_event(s, event),
        _ => {}
    }
}

pub(super) fn render(window: &AppWindow, s: &State) {
    let ids = window.global::<IdentifyState>();
    let purpose = s.flow.as_ref().map(|f| f.guide.name.clone()).unwrap_or_default();
    ids.set_purpose(purpose.into());
    ids.set_demo(s.devices.demo && s.devices.reader.as_ref().is_some_and(|r| r.simulator().is_some()));
    let problem = match s.flow.as_ref().map(|f| &f.step) {
        Some(Step::CardProblem(p)) => p.clone(),
        _ if s.devices.reader.is_none() => "读卡器故障，请联系工作人员。".to_string(),
        _ => String::new(),
    };
    ids.set_problem(problem.into());
}
