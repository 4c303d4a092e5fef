//! The runtime of 找网格员 and 代办 (src/app/grid.rs): renders the flow into `GridState`, turns touches
//! and reader events into flow events, and executes the flow's effects — the keyboard, the outbox
//! write of the `proxy_request`, the slip print. The card lives only in the flow, which the session
//! wipe drops; logs name grid numbers, never addresses or names.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Instant;

use slint::{ComponentHandle, Image, SharedString};

use super::{handler, identify, model, printing, State};
use crate::app::grid::{Context, Effect, Event, Field, GridFlow, Step, SubmitError, Submitted};
use crate::app::nav::Page;
use crate::app::receipt::proxy_slip;
use crate::devices::idcard::{FaultKind, ReaderEvent};
use crate::grid::{self, contact};
use crate::ime::Layout;
use crate::messages;
use crate::slip::{add_working_days, Slip};
use crate::store::outbox::{Applicant, Kind, NewApplication};
use crate::{AppWindow, GridChoice, GridInput, GridState, GridStep, GridWorkerView};

/// What the grid screens show: the session's grid flow (a reset is a new one).
pub type GridView = GridFlow;

/// The keyboard target of a request field.
fn target(field: Field) -> String {
    match field {
        Field::Phone => "grid:phone",
        Field::Note => "grid:note",
    }
    .to_string()
}

fn typed(s: &State, field: Field) -> String {
    s.session.typing.fields.get(&target(field)).cloned().unwrap_or_default()
}

fn field_from_ui(input: GridInput) -> Option<Field> {
    match input {
        GridInput::Phone => Some(Field::Phone),
        GridInput::Note => Some(Field::Note),
        GridInput::None => None,
    }
}

pub(super) fn wire(window: &AppWindow, state: &Rc<RefCell<State>>) {
    let g = window.global::<GridState>();
    let open_ = handler(window, state, |s, ()| open(s));
    g.on_open(move || open_(()));
    let by_list = handler(window, state, |s, ()| {
        event(s, Event::FindByList);
    });
    g.on_find_by_list(move || by_list(()));
    g.on_choose(handler(window, state, |s, key: SharedString| {
        event(s, Event::Choose(key.into()));
    }));
    let help = handler(window, state, |s, ()| {
        event(s, Event::AskHelp);
    });
    g.on_ask_help(move || help(()));
    g.on_ask_help_for(handler(window, state, |s, code: SharedString| ask_help_for(s, &code)));
    g.on_set_time(handler(window, state, |s, t: SharedString| {
        event(s, Event::SetTime(t.into()));
    }));
    g.on_focus(handler(window, state, |s, input: GridInput| {
        event(s, Event::Focus(field_from_ui(input)));
    }));
    let submit_ = handler(window, state, |s, ()| {
        let (phone, note) = (typed(s, Field::Phone), typed(s, Field::Note));
        event(s, Event::Submit { phone, note });
    });
    g.on_submit(move || submit_(()));
    let finish = handler(window, state, |s, ()| s.start_over());
    g.on_finish(move || finish(()));
}

/// The installed directory (the bundled one installed first when newer), loaded once, when the
/// grid page opens (never while rendering).
fn load_directory(s: &mut State) {
    if s.terminal.grid_directory.is_some() {
        return;
    }
    let dir = match s.terminal.store.as_mut().map(grid::store::open) {
        Some(Ok(dir)) => dir,
        Some(Err(e)) => {
            log::error!("grid directory: {e}; using the bundled one");
            grid::bundled()
        }
        None => grid::bundled(),
    };
    log::info!("grid directory v{} loaded ({} grids)", dir.version, dir.grids().count());
    s.terminal.grid_directory = Some(dir);
}

/// Forgets the grid page of this session: the flow and what was typed into its fields.
fn forget(s: &mut State, flow: GridFlow) {
    s.session.grid = flow;
    s.session.typing.fields.retain(|k, _| !k.starts_with("grid:"));
}

/// 找网格员 from the start (the home tile, 重新查找).
fn open(s: &mut State) {
    s.session.nav.open(Page::Grid);
    forget(s, GridFlow::default());
    load_directory(s);
}

/// 请网格员帮我办 from a guide: the matter is the guide; identify first.
fn ask_help_for(s: &mut State, code: &str) {
    let Some(name) = s.terminal.catalog.get(code).map(|g| g.name.clone()) else { return };
    open(s);
    forget(s, GridFlow::for_matter(code, &name));
}

/// A flow event, then the effects it asks for. False when the page was left (nothing of it stays).
fn event(s: &mut State, e: Event) -> bool {
    load_directory(s);
    let Some(directory) = s.terminal.grid_directory.as_ref() else { return true };
    let ctx = Context { directory, catalog: &s.terminal.catalog, lang: s.session.lang };
    let (before, was_choosing) = (s.session.grid.at, s.session.grid.step == Step::Choose);
    let effects = s.session.grid.update(e, &ctx);
    if let (None, Some(g)) = (before, s.session.grid.found(directory)) {
        let how = if was_choosing { "chosen from the lists" } else { "matched by the card's address" };
        log::info!("grid: grid {} {how}", g.grid.number);
    }
    let mut stays = true;
    for effect in effects {
        match effect {
            Effect::Keyboard(field) => {
                let layout = if field == Field::Phone { Layout::Numeric } else { Layout::Pinyin };
                s.session.typing.keyboard.focus(&target(field), layout);
            }
            Effect::Submit => submit(s),
            Effect::Print => print(s),
            Effect::Leave => {
                forget(s, GridFlow::default());
                stays = false;
            }
        }
    }
    stays
}

/// 返回 on the grid page: one step back; false when the page itself is left (then nothing stays).
pub(super) fn back(s: &mut State) -> bool {
    event(s, Event::Back)
}

/// A reader event while the grid page is shown: a card finds the grid, or identifies for 代办. The
/// reader's own trouble is not an event of the flow: the page shows the reader's health.
pub(super) fn on_reader_event(s: &mut State, e: ReaderEvent) {
    match e {
        ReaderEvent::CardRead(mut card) => {
            card.refresh(s.terminal.screen.now().date_naive());
            let started = Instant::now();
            let finding = s.session.grid.at.is_none() && matches!(s.session.grid.step, Step::Find | Step::Identify);
            event(s, Event::CardRead(card));
            if finding {
                match (&s.session.grid.at, &s.session.grid.notice) {
                    (Some(_), _) => log::info!("grid: card read, matched in {} ms", started.elapsed().as_millis()),
                    (None, Some(crate::app::grid::Notice::NotMatched(why))) => {
                        log::info!("grid: card address not matched ({})", why.kind())
                    }
                    _ => {}
                }
            }
        }
        ReaderEvent::ReaderFault(FaultKind::CardUnreadable) => {
            event(s, Event::CardUnreadable);
        }
        _ => {}
    }
}

/// Effect::Submit: the request and its slip in one durable transaction, then `Submitted`.
fn submit(s: &mut State) {
    let Some(dir) = s.terminal.grid_directory.as_ref() else { return };
    let (Some(card), Some(request)) = (s.session.grid.card.as_ref(), s.session.grid.request(dir)) else {
        log::error!("grid: a proxy request without card, grid or worker cannot be written");
        event(s, Event::Submitted(Err(SubmitError::NotSaved)));
        return;
    };
    let now = s.terminal.screen.now();
    let call_back_by = add_working_days(now.date_naive(), 1, &s.terminal.config.holidays);
    let new = NewApplication {
        kind: Kind::ProxyRequest,
        item_code: request.item_code.clone(),
        item_name: request.item_name.clone(),
        applicant: Applicant::from(card),
        form: request.form.clone(),
        // A call-back request promises nothing done by a date.
        promised_date: None,
        note: request.note.clone(),
    };
    let (config, lang) = (&s.terminal.config, s.session.lang);
    let written = s.terminal.store.as_mut().map(|store| {
        store.submit(&config.terminal_id, &new, now, |a| {
            proxy_slip(lang, config, a, now, call_back_by, &request.grid_name, &request.worker)
        })
    });
    if let Some(w) = &written {
        super::storage::note_write(s, w);
    }
    let result = match written {
        None => Err(SubmitError::NoStore),
        Some(Ok((a, _job))) => {
            log::info!(
                acceptance_no = a.acceptance_no.as_str();
                "proxy request {} queued for grid {}", a.acceptance_no, request.grid_number
            );
            if let Some(sync) = &s.terminal.sync {
                sync.kick();
            }
            Ok(Submitted { application_id: a.id, acceptance_no: a.acceptance_no, call_back_by })
        }
        Some(Err(e)) => {
            log::error!("outbox write of a proxy request failed: {e}");
            Err(if e.is_full() { SubmitError::NoSpace } else { SubmitError::NotSaved })
        }
    };
    event(s, Event::Submitted(result));
}

/// Effect::Print: the slip recorded with the request goes to the printer; the terminal records
/// what becomes of it whatever the session does meanwhile.
fn print(s: &mut State) {
    let job = s
        .session
        .grid
        .submitted
        .as_ref()
        .and_then(|sub| s.terminal.store.as_ref()?.print_job_of(sub.application_id).ok().flatten());
    match job {
        Some(job) => {
            printing::print(s, Slip::Pickup(job.slip), printing::Purpose::Pickup { print_job: job.id });
        }
        None => {
            let mut view = printing::PrintView::default();
            view.failed = true;
            view.message = messages::slip_unavailable(s.session.lang).into();
            s.session.print = view;
        }
    }
}

/// The QR of a contact as an image for the screen.
fn contact_qr(text: &str) -> Image {
    super::printing::qr_to_image(text, 6)
}

/// Puts the grid page on screen: reads the flow, the directory and the reader's health only.
pub(super) fn render(window: &AppWindow, s: &State) {
    let gs = window.global::<GridState>();
    let g = &s.session.grid;
    let lang = s.session.lang;
    gs.set_step(match g.step {
        Step::Find => GridStep::Find,
        Step::Choose => GridStep::Choose,
        Step::Result => GridStep::Result,
        Step::Identify => GridStep::Identify,
        Step::Matter => GridStep::Matter,
        Step::Form => GridStep::Form,
        Step::Submitting => GridStep::Submitting,
        Step::Done => GridStep::Done,
    });
    // Where a card is wanted, the reader's current health comes first (as on the application's
    // identification screen): a silent or garbled reader is said, however long ago it started.
    let trouble = matches!(g.step, Step::Find | Step::Identify).then(|| identify::reader_trouble(s)).flatten();
    let message = match (trouble, &g.notice) {
        (Some(t), _) => t.to_string(),
        (None, Some(n)) => messages::grid_notice(lang, n),
        (None, None) => String::new(),
    };
    gs.set_message(message.into());
    gs.set_demo(s.terminal.devices.demo && s.terminal.devices.reader.as_ref().is_some_and(|r| r.simulator().is_some()));
    let matter = g.matter.as_ref().map(|m| {
        if m.code == crate::app::grid::OTHER_MATTER {
            messages::grid_other_matter(lang)
        } else {
            // Shown in the session's language; stored (for the grid worker) in Chinese.
            s.terminal.catalog.get(&m.code).map_or(m.name.as_str(), |g| g.name_in(lang))
        }
    });
    gs.set_matter(matter.unwrap_or_default().into());
    gs.set_phone(typed(s, Field::Phone).into());
    gs.set_note(typed(s, Field::Note).into());
    // As the buttons say it: 上午 / Morning.
    gs.set_time(messages::call_time(lang, &g.time).into());
    gs.set_focused(match g.focused {
        Some(Field::Phone) => GridInput::Phone,
        Some(Field::Note) => GridInput::Note,
        None => GridInput::None,
    });
    gs.set_acceptance_no(g.submitted.as_ref().map(|x| x.acceptance_no.as_str()).unwrap_or_default().into());
    gs.set_call_back(
        g.submitted
            .as_ref()
            .map(|x| messages::grid_call_back(lang, x.call_back_by, &g.time))
            .unwrap_or_default()
            .into(),
    );
    let Some(directory) = s.terminal.grid_directory.as_ref() else { return };
    let ctx = Context { directory, catalog: &s.terminal.catalog, lang };
    if let Some(list) = g.list(&ctx) {
        gs.set_choose_title(list.title.into());
        gs.set_choices(model(
            list.rows.into_iter().map(|c| GridChoice { key: c.key.into(), label: c.label.into() }).collect(),
        ));
    }
    let found = g.found(directory);
    gs.set_place(found.map(|l| format!("{} {}", l.street.name, l.community.name)).unwrap_or_default().into());
    gs.set_grid_label(found.map(|l| messages::grid_label(lang, l.grid.number)).unwrap_or_default().into());
    gs.set_wechat_group(found.map(|l| l.grid.wechat_group.clone()).unwrap_or_default().into());
    let shows_workers = matches!(g.step, Step::Result | Step::Done);
    gs.set_workers(model(
        found
            .filter(|_| shows_workers)
            .map(|l| {
                l.grid
                    .workers
                    .iter()
                    .map(|w| GridWorkerView {
                        name: w.name.as_str().into(),
                        phone: w.phone.as_str().into(),
                        hours: w.hours.as_str().into(),
                        qr: if g.step == Step::Result { contact_qr(&contact::vcard(w, &l)) } else { Image::default() },
                    })
                    .collect()
            })
            .unwrap_or_default(),
    ));
    if g.step == Step::Done {
        printing::render(window, s);
    }
}
