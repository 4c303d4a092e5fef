//! The identification screen of a flow: reader events become flow events (the flow decides what a
//! card means); the screen shows where to place the card, or what went wrong and what to do. Card data
//! lives only in the flow, which the session wipe drops; nothing of it is logged.

use std::cell::RefCell;
use std::rc::Rc;

use slint::{ComponentHandle, SharedString};

use super::{apply, grid, handler, model, progress, State};
use crate::app::flow::{Event, Step};
use crate::app::nav::Page;
use crate::devices::idcard::{sample_cards, FaultKind, ReaderEvent};
use crate::messages;
use crate::{AppWindow, IdentifyState, SampleCard};

pub(super) fn wire(window: &AppWindow, state: &Rc<RefCell<State>>) {
    let ids = window.global::<IdentifyState>();
    ids.on_place_sample(handler(window, state, |s, key: SharedString| s.terminal.devices.place_sample(&key)));
    ids.set_samples(model(
        sample_cards().into_iter().map(|(key, label, _)| SampleCard { key: key.into(), label: label.into() }).collect(),
    ));
}

/// The reader's health as its events tell it, kept by the terminal whatever page is open.
pub(super) fn note_reader_health(s: &mut State, event: &ReaderEvent) {
    match event {
        ReaderEvent::ReaderFault(FaultKind::CardUnreadable) => {}
        ReaderEvent::ReaderFault(kind) => s.terminal.reader_fault = Some(*kind),
        ReaderEvent::ReaderRecovered => s.terminal.reader_fault = None,
        ReaderEvent::CardRead(_) => s.terminal.reader_fault = None,
        ReaderEvent::CardRemoved => {}
    }
}

/// The sentence for a reader that cannot identify anyone now (missing, silent, garbled), if so.
pub(super) fn reader_trouble(s: &State) -> Option<&'static str> {
    match (&s.terminal.devices.reader, s.terminal.reader_fault) {
        (None, _) => Some(messages::reader_broken(s.session.lang)),
        (Some(_), Some(kind)) => Some(messages::reader_fault(s.session.lang, kind)),
        (Some(_), None) => None,
    }
}

/// A reader event: only identification and progress pages listen; elsewhere a card is dropped.
pub(super) fn on_reader_event(s: &mut State, event: ReaderEvent) {
    match (s.session.nav.current().clone(), event) {
        (Page::Identify, ReaderEvent::CardRead(mut card)) => {
            card.refresh(s.terminal.screen.now().date_naive());
            log::info!("identification: card read (expired={}, valid={})", card.expired, card.id_number_valid);
            apply::on_card(s, card);
        }
        // A card that could not be read is the resident's to retry; the reader's own trouble shows
        // from its health (below) for as long as it lasts.
        (Page::Identify, ReaderEvent::ReaderFault(FaultKind::CardUnreadable)) => {
            let problem = messages::reader_fault(s.session.lang, FaultKind::CardUnreadable);
            apply::event(s, Event::CardProblem(problem.into()));
        }
        (Page::Progress, ReaderEvent::CardRead(card)) => progress::on_card(s, &card),
        (Page::Grid, event) => grid::on_reader_event(s, event),
        _ => {}
    }
}

pub(super) fn render(window: &AppWindow, s: &State) {
    let ids = window.global::<IdentifyState>();
    let purpose = s.session.flow.as_ref().map(|f| f.guide.name_in(s.session.lang).to_string()).unwrap_or_default();
    ids.set_purpose(purpose.into());
    ids.set_demo(
        s.terminal.devices.demo && s.terminal.devices.reader.as_ref().is_some_and(|r| r.simulator().is_some()),
    );
    let problem = match (reader_trouble(s), s.session.flow.as_ref().map(|f| &f.step)) {
        (Some(trouble), _) => trouble.to_string(),
        (None, Some(Step::CardProblem(p))) => p.clone(),
        (None, _) => String::new(),
    };
    ids.set_problem(problem.into());
}
