//! Speech on the residents' screens (src/speech does the talking): each screen's prompt when it
//! opens (`[speech] auto`), the whole screen on 朗读 (again on every tap), louder / quieter /
//! slower for this resident only; speech stops when the screen changes and on every reset. Also
//! the session's language: the English / 中文 button and the Slint translation it selects.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;
use std::sync::{Arc, Mutex};

use slint::ComponentHandle;

use super::{handler, identify, State};
use crate::app::flow::{PrintStatus, Step};
use crate::app::grid::Step as GridStep;
use crate::app::nav::Page;
use crate::devices::idcard::Card;
use crate::messages::{self, prompt, Prompt};
use crate::speech::{SpeechEvent, Utterance, Voice};
use crate::{AppWindow, Lang, SpeechState};

/// What was last spoken by itself, so that a screen's prompt is said once when it appears (and
/// again when what it says changes: an error, the print outcome), not on every redraw.
#[derive(Debug, Default)]
pub(super) struct Heard(RefCell<Option<(Page, String)>>);

/// The latest speech events, kept for tests and diagnostics (the speech thread adds them).
#[derive(Debug, Clone, Default)]
pub(super) struct Log(Arc<Mutex<VecDeque<SpeechEvent>>>);

impl Log {
    /// How many events are kept.
    const KEPT: usize = 200;

    pub(super) fn sink(&self) -> impl Fn(SpeechEvent) + Send + 'static {
        let log = self.0.clone();
        move |event| {
            let mut log = log.lock().unwrap_or_else(|e| e.into_inner());
            if log.len() == Self::KEPT {
                log.pop_front();
            }
            log.push_back(event);
        }
    }

    pub(super) fn events(&self) -> Vec<SpeechEvent> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).iter().cloned().collect()
    }
}

/// The Slint translation on screen (a reset may change the language back).
#[derive(Debug, Default)]
pub(super) struct Shown(Cell<Option<Lang>>);

pub(super) fn wire(window: &AppWindow, state: &Rc<RefCell<State>>) {
    let sp = window.global::<SpeechState>();
    let read = handler(window, state, |s, ()| read_aloud(s));
    sp.on_read_aloud(move || read(()));
    let louder = handler(window, state, |s, ()| {
        s.session.voice = s.session.voice.louder();
        say_again(s);
    });
    sp.on_louder(move || louder(()));
    let quieter = handler(window, state, |s, ()| {
        s.session.voice = s.session.voice.quieter();
        say_again(s);
    });
    sp.on_quieter(move || quieter(()));
    let slow = handler(window, state, |s, ()| {
        let normal = Voice::from_config(&s.terminal.config.speech);
        s.session.voice =
            if slowed(s) { Voice { rate: normal.rate, ..s.session.voice } } else { s.session.voice.slower() };
        say_again(s);
    });
    sp.on_toggle_slow(move || slow(()));
    let switch = handler(window, state, |s, ()| {
        s.session.lang = s.session.lang.other();
        s.terminal.speech.stop();
        // The new language's prompt is said as if the screen had just opened.
        s.session.heard.0.replace(None);
    });
    sp.on_switch_language(move || switch(()));
}

/// The resident slowed speech down (the button offers 正常语速 then).
fn slowed(s: &State) -> bool {
    s.session.voice.rate < Voice::from_config(&s.terminal.config.speech).rate
}

/// Puts speech's part on screen, selects the session's translation, and speaks the screen's
/// prompt if it is new (stopping what was said before when the screen changed).
pub(super) fn render(window: &AppWindow, s: &State) {
    let sp = window.global::<SpeechState>();
    sp.set_available(s.terminal.speech.is_available());
    sp.set_slow(slowed(s));
    sp.set_english(s.session.lang == Lang::En);
    sp.set_notice(s.session.speech_notice.as_str().into());
    if s.terminal.shown_lang.0.get() != Some(s.session.lang) {
        match slint::select_bundled_translation(s.session.lang.bundle()) {
            Ok(()) => {}
            // Chinese is the source text: without bundled translations it is what shows anyway.
            Err(e) if s.session.lang == Lang::Zh => log::debug!("no bundled translations: {e}"),
            Err(e) => log::warn!("cannot show the {} interface: {e}", s.session.lang.code()),
        }
        s.terminal.shown_lang.0.set(Some(s.session.lang));
    }
    follow(s);
}

/// Speaks the screen's prompt once when it appears or changes; a screen without one silences the
/// one before.
fn follow(s: &State) {
    let said = screen_prompt(s);
    let page = s.session.nav.current();
    let key = said.as_ref().map(|(text, _)| (page.clone(), text.clone()));
    let mut heard = s.session.heard.0.borrow_mut();
    if *heard == key {
        return;
    }
    let page_changed = heard.as_ref().map(|(p, _)| p) != Some(page);
    *heard = key;
    match said {
        Some((text, card)) if s.terminal.config.speech.auto => speak(s, &text, card),
        // A new screen, or one that says nothing by itself now: what was being said stops.
        _ if page_changed || heard.is_none() => s.terminal.speech.stop(),
        _ => {}
    }
}

/// 朗读: the whole screen, from its start; a second tap says it again.
fn read_aloud(s: &mut State) {
    if !s.terminal.speech.is_available() {
        s.session.speech_notice = prompt(s.session.lang, Prompt::Unavailable).to_string();
        return;
    }
    s.session.speech_notice.clear();
    let (text, card) = screen_content(s);
    speak(s, &text, card);
}

/// After louder / quieter / slower: the screen's prompt again in the new voice, so the change is heard.
fn say_again(s: &State) {
    if !s.terminal.speech.is_available() {
        return;
    }
    let (text, card) = screen_prompt(s).unwrap_or_else(|| screen_content(s));
    speak(s, &text, card);
}

fn speak(s: &State, text: &str, card: Option<&Card>) {
    if text.trim().is_empty() {
        s.terminal.speech.stop();
        return;
    }
    let (lang, voice) = (s.session.lang, s.session.voice);
    let utterance = match card {
        Some(card) => Utterance::for_holder(text, lang, voice, card),
        None => Utterance::new(text, lang, voice),
    };
    s.terminal.speech.speak(utterance);
}

/// What the screen says by itself when it opens (none on home and staff screens: nobody may be
/// listening there), with the card whose holder it is about.
fn screen_prompt(s: &State) -> Option<(String, Option<&Card>)> {
    let lang = s.session.lang;
    let text = match s.session.nav.current() {
        Page::Home | Page::Staff(_) => return None,
        Page::Guides => prompt(lang, Prompt::Guides).to_string(),
        Page::Category(code) => s.terminal.catalog.theme_name_in(code, lang).unwrap_or_default().to_string(),
        Page::Search => {
            if s.session.query.is_empty() {
                prompt(lang, Prompt::Search).to_string()
            } else {
                // The result count, once the resident stops typing is not known here: say nothing new.
                return None;
            }
        }
        Page::Detail(code) => s.terminal.catalog.get(code)?.name_in(lang).to_string(),
        Page::Identify | Page::Apply => return apply_prompt(s),
        Page::Progress => match s.session.progress.message.as_str() {
            "" => prompt(lang, Prompt::Progress).to_string(),
            m => m.to_string(),
        },
        Page::Slip => match s.session.print.message.as_str() {
            "" => prompt(lang, Prompt::Printing).to_string(),
            m => m.to_string(),
        },
        Page::Grid => grid_prompt(s),
    };
    Some((text, None))
}

fn apply_prompt(s: &State) -> Option<(String, Option<&Card>)> {
    let lang = s.session.lang;
    // Before an application starts, what is on screen about a printer that cannot print is said too
    // (the prompt alone, as before, while it can).
    let ready = super::printing::printer_ready(s);
    let with_printer = |text: &str| match ready {
        true => text.to_string(),
        false => messages::sentences(lang, [text, messages::printer_not_ready_notice(lang)]),
    };
    let Some(flow) = &s.session.flow else {
        return Some((with_printer(prompt(lang, Prompt::ChooseItem)), None));
    };
    let card = flow.card.as_ref();
    let text = match &flow.step {
        Step::Consent => with_printer(prompt(lang, Prompt::Consent)),
        Step::Identify => with_printer(identify::reader_trouble(s).unwrap_or_else(|| prompt(lang, Prompt::PlaceCard))),
        Step::CardProblem(m) | Step::NotEligible(m) => m.clone(),
        Step::AlreadySubmitted(no) => messages::already_submitted(lang, no),
        Step::Form if !flow.errors.is_empty() => {
            let problems: Vec<&str> =
                flow.guide.form.iter().filter_map(|f| flow.errors.get(&f.key).map(String::as_str)).collect();
            messages::form_problems(lang, &problems)
        }
        Step::Form => prompt(lang, Prompt::Form).to_string(),
        Step::Review => {
            let hello = card.map(|c| crate::speech::salutation(c, lang)).unwrap_or_default();
            let error = flow.submit_error.as_deref().unwrap_or_default();
            let review = prompt(lang, Prompt::Review);
            with_printer(&messages::sentences(lang, [hello.as_str(), flow.guide.name_in(lang), error, review]))
        }
        Step::Submitting => prompt(lang, Prompt::Submitting).to_string(),
        Step::Done => {
            let numbers = flow
                .submitted
                .as_ref()
                .map(|sub| messages::numbers(lang, &sub.acceptance_no, &sub.pickup_code))
                .unwrap_or_default();
            let outcome = match &flow.print {
                Some(PrintStatus::Printing) | None => prompt(lang, Prompt::Printing).to_string(),
                Some(PrintStatus::Printed { near_end }) => messages::slip_printed(lang, *near_end).to_string(),
                Some(PrintStatus::Failed(m)) | Some(PrintStatus::Unconfirmed(m)) => m.clone(),
            };
            messages::sentences(lang, [outcome.as_str(), numbers.as_str()])
        }
        Step::Thanks => prompt(lang, Prompt::Thanks).to_string(),
    };
    Some((text, card))
}

fn grid_prompt(s: &State) -> String {
    let lang = s.session.lang;
    let g = &s.session.grid;
    if matches!(g.step, GridStep::Find | GridStep::Identify) {
        if let Some(t) = identify::reader_trouble(s) {
            return t.to_string();
        }
    }
    if let Some(n) = &g.notice {
        return messages::grid_notice(lang, n);
    }
    let directory = s.terminal.grid_directory.as_ref();
    match g.step {
        GridStep::Find | GridStep::Identify => prompt(lang, Prompt::GridFind).to_string(),
        GridStep::Choose | GridStep::Matter => directory
            .and_then(|d| g.list(&crate::app::grid::Context { directory: d, catalog: &s.terminal.catalog, lang }))
            .map(|l| l.title.to_string())
            .unwrap_or_default(),
        GridStep::Result => directory.and_then(|d| g.found(d)).map(|l| l.label()).unwrap_or_default(),
        GridStep::Form => prompt(lang, Prompt::Form).to_string(),
        GridStep::Submitting => prompt(lang, Prompt::Submitting).to_string(),
        GridStep::Done => {
            let no = g.submitted.as_ref().map(|x| x.acceptance_no.as_str()).unwrap_or_default();
            let back = g
                .submitted
                .as_ref()
                .map(|x| messages::grid_call_back(lang, x.call_back_by, &g.time))
                .unwrap_or_default();
            messages::sentences(lang, [back.as_str(), no])
        }
    }
}

/// Everything the screen shows that matters, for 朗读.
fn screen_content(s: &State) -> (String, Option<&Card>) {
    let lang = s.session.lang;
    let cat = &s.terminal.catalog;
    let names = |guides: Vec<&crate::catalog::Guide>| -> String {
        let names: Vec<&str> = guides.iter().map(|g| g.name_in(lang)).collect();
        if names.is_empty() {
            String::new()
        } else {
            messages::choices(lang, &names)
        }
    };
    let (prompt_text, card) = screen_prompt(s).unwrap_or_default();
    let text = match s.session.nav.current() {
        Page::Home => match s.terminal.staff.out_of_service() {
            Some(m) => m.to_string(),
            None => super::screen::closed_text(s).unwrap_or_else(|| prompt(lang, Prompt::Home).to_string()),
        },
        Page::Staff(_) => String::new(),
        Page::Guides => {
            let themes: Vec<&str> = cat.themes().iter().map(|t| t.name_in(lang)).collect();
            messages::sentences(lang, [prompt_text.as_str(), &messages::choices(lang, &themes), &names(cat.frequent())])
        }
        Page::Category(code) => messages::sentences(lang, [prompt_text.as_str(), &names(cat.in_theme(code))]),
        Page::Search => {
            let query = super::search_text(s);
            let hits = if query.is_empty() { Vec::new() } else { cat.search(&query, super::RESULT_LIMIT) };
            messages::sentences(lang, [messages::search(lang, &query, hits.len()).as_str(), &names(hits)])
        }
        Page::Detail(code) => match cat.get(code) {
            Some(g) => {
                let mut parts = vec![g.name_in(lang).to_string()];
                for (title, lines) in messages::guide_sections(lang, g) {
                    parts.push(title);
                    parts.extend(lines);
                }
                messages::sentences(lang, parts.iter().map(String::as_str))
            }
            None => String::new(),
        },
        Page::Apply | Page::Identify => match &s.session.flow {
            None => {
                let items = super::apply::offered(s);
                messages::sentences(lang, [prompt_text.as_str(), &names(items)])
            }
            Some(flow) if flow.step == Step::Done => messages::sentences(
                lang,
                [prompt_text.as_str(), prompt(lang, Prompt::KeepSlip), prompt(lang, Prompt::Rate)],
            ),
            Some(_) => prompt_text,
        },
        Page::Grid => {
            let mut parts = vec![prompt_text.clone()];
            if let Some(l) = s.terminal.grid_directory.as_ref().and_then(|d| s.session.grid.found(d)) {
                if matches!(s.session.grid.step, GridStep::Result | GridStep::Done) {
                    parts.extend(l.grid.workers.iter().map(|w| messages::grid_worker(lang, &w.name, &w.phone)));
                }
            }
            messages::sentences(lang, parts.iter().map(String::as_str))
        }
        Page::Progress | Page::Slip => prompt_text,
    };
    (text, card)
}
