//! The runtime of the application flow (src/app/flow.rs): renders the flow into `ApplyState`, turns
//! touches and reader events into flow events, and executes the flow's effects — the outbox write,
//! the slip print and the rating — against the store and the printer.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use slint::{ComponentHandle, SharedString};

use super::printing::{self, Printed, Purpose};
use super::{handler, model, rows, State};
use crate::app::flow::{Effect, Event, Flow, PrintStatus, Step, Submitted, RATING_REASONS};
use crate::app::nav::Page;
use crate::app::receipt::pickup_slip;
use crate::catalog::FieldKind;
use crate::devices::idcard::Card;
use crate::messages;
use crate::slip::{add_working_days, Slip};
use crate::store::outbox::{Applicant, Kind, NewApplication, Rating};
use crate::{AppWindow, ApplyState, ApplyStep, Chip, FieldInput, FieldView, InfoRow, KeyboardLayout};

/// The keyboard target of a form field.
fn target(key: &str) -> String {
    format!("form:{key}")
}

/// Starts a flow for `code` and shows its identification screen.
pub(super) fn start(s: &mut State, code: &str) {
    if !s.terminal.screen.open_now() {
        // Whatever button led here: home shows the service hours instead.
        log::info!("apply: outside the service hours, no application started");
        s.session.flow = None;
        s.session.nav.home();
        return;
    }
    let Some(guide) = s.terminal.catalog.get(code).cloned() else {
        log::warn!("apply: item {code} is not in the catalogue");
        return;
    };
    let fast = guide.code == s.terminal.config.senior_card.item;
    s.session.typing.reset();
    s.session.flow = Some(Flow::start(guide, fast, s.session.lang));
    follow_step(s);
}

/// The page follows the flow's step: the identification screen while a card is wanted, the
/// application screen otherwise.
fn follow_step(s: &mut State) {
    let Some(flow) = &s.session.flow else { return };
    let want = if matches!(flow.step, Step::Identify | Step::CardProblem(_)) { Page::Identify } else { Page::Apply };
    let nav = &mut s.session.nav;
    if *nav.current() == want {
        return;
    }
    if matches!(nav.current(), Page::Identify | Page::Apply) {
        nav.back();
    }
    nav.open(want);
}

pub(super) fn wire(window: &AppWindow, state: &Rc<RefCell<State>>) {
    let a = window.global::<ApplyState>();
    a.on_choose_item(handler(window, state, |s, code: SharedString| start(s, &code)));
    let set = handler(window, state, |s, (key, value): (SharedString, SharedString)| {
        s.session.typing.fields.insert(target(&key), value.to_string());
        event(s, Event::Set(key.into(), value.into()));
    });
    a.on_set(move |k, v| set((k, v)));
    a.on_focus(handler(window, state, move |s, key: SharedString| {
        let Some(flow) = &s.session.flow else { return };
        let layout = match flow.guide.form.iter().find(|f| f.key == key.as_str()).map(|f| f.kind) {
            Some(FieldKind::Text) => KeyboardLayout::Pinyin,
            Some(_) => KeyboardLayout::Numeric,
            None => {
                // Closing the keyboard: what was typed becomes the field's value.
                let old = s.session.focused.take();
                if let Some(k) = old {
                    let v = s.session.typing.fields.get(&target(&k)).cloned().unwrap_or_default();
                    event(s, Event::Set(k, v));
                }
                return;
            }
        };
        if let Some(k) = s.session.focused.replace(key.to_string()) {
            let v = s.session.typing.fields.get(&target(&k)).cloned().unwrap_or_default();
            event(s, Event::Set(k, v));
        }
        s.session.typing.keyboard.focus(&target(&key), super::layout_from_ui(layout));
    }));
    let next = handler(window, state, |s, ()| {
        sync_typed(s);
        event(s, Event::Next)
    });
    a.on_next(move || next(()));
    let agree = handler(window, state, |s, ()| event(s, Event::Agree));
    a.on_agree(move || agree(()));
    let again = handler(window, state, |s, ()| event(s, Event::ApplyAgain));
    a.on_apply_again(move || again(()));
    let earlier = handler(window, state, |s, ()| event(s, Event::ReprintEarlier));
    a.on_reprint_earlier(move || earlier(()));
    let confirm = handler(window, state, |s, ()| event(s, Event::Confirm));
    a.on_confirm(move || confirm(()));
    let reprint = handler(window, state, |s, ()| event(s, Event::Reprint));
    a.on_reprint(move || reprint(()));
    a.on_rate(handler(window, state, |s, score: i32| event(s, Event::Rate(score.clamp(0, 5) as u8))));
    a.on_toggle_reason(handler(window, state, |s, r: SharedString| event(s, Event::ToggleReason(r.into()))));
    let submit = handler(window, state, |s, ()| event(s, Event::SubmitRating));
    a.on_submit_rating(move || submit(()));
    let skip = handler(window, state, |s, ()| event(s, Event::SkipRating));
    a.on_skip_rating(move || skip(()));
    let finish = handler(window, state, |s, ()| s.start_over());
    a.on_finish(move || finish(()));
    let s = state.borrow();
    a.set_items(rows(s.session.lang, offered(&s)));
}

/// The items a resident may apply for on this terminal.
pub(super) fn offered(s: &State) -> Vec<&crate::catalog::Guide> {
    s.terminal.catalog.items().iter().filter(|g| g.terminal).collect()
}

/// Typed values (keyboard fields) into the flow before it validates.
fn sync_typed(s: &mut State) {
    let Some(flow) = &s.session.flow else { return };
    let typed: Vec<(String, String)> = flow
        .guide
        .form
        .iter()
        .filter(|f| !matches!(f.kind, FieldKind::Choice | FieldKind::YesNo))
        .map(|f| (f.key.clone(), s.session.typing.fields.get(&target(&f.key)).cloned().unwrap_or_default()))
        .collect();
    s.session.focused = None;
    for (k, v) in typed {
        event(s, Event::Set(k, v));
    }
}

/// A flow event, then the effects it asks for.
pub(super) fn event(s: &mut State, e: Event) {
    let today = s.terminal.screen.now().date_naive();
    let Some(flow) = s.session.flow.as_mut() else { return };
    // The flow words what it says in the session's language, also after English / 中文 mid-flow.
    flow.lang = s.session.lang;
    let effects = flow.update(e, today);
    for effect in effects {
        match effect {
            Effect::Submit => submit(s),
            Effect::Print => print(s),
            Effect::SaveRating => save_rating(s),
            // The earlier slip on its own page, as from 进度查询: the flow ends there (else it would
            // cover that page again, and every further tap would print once more).
            Effect::ReprintEarlier(acceptance_no) => {
                if super::progress::reprint(s, &acceptance_no) {
                    s.session.flow = None;
                }
            }
            Effect::Exit => {
                s.session.flow = None;
                s.session.nav.back();
            }
        }
    }
    follow_step(s);
}

/// 返回 inside the flow: one step back (identification again, with the card forgotten, if needed).
pub(super) fn back(s: &mut State) {
    sync_typed(s);
    event(s, Event::Back);
}

/// A reader event while the flow identifies. When the card was taken, an application of the same
/// item by the same card today is looked up: the flow asks before a second one.
pub(super) fn on_card(s: &mut State, card: Card) {
    let today = s.terminal.screen.now().date_naive();
    let earlier = match (&s.session.flow, s.terminal.store.as_ref()) {
        (Some(flow), Some(store)) => match store.applications_of(&card.id_number) {
            Ok(apps) => apps
                .into_iter()
                .find(|a| {
                    a.kind == Kind::Application && a.item_code == flow.guide.code && a.created_at.date_naive() == today
                })
                .map(|a| a.acceptance_no),
            Err(e) => {
                log::error!("cannot look up earlier applications: {e}");
                None
            }
        },
        _ => None,
    };
    event(s, Event::CardRead(card));
    if let Some(no) = earlier {
        if s.session.flow.as_ref().is_some_and(|f| f.card.is_some()) {
            log::info!("identification: {no} was submitted with this card today");
            event(s, Event::AlreadyToday(no));
        }
    }
}

/// Effect::Submit: one durable transaction, then 已提交. The clock is read once: the acceptance
/// number's date, the time on the slip and the working days it promises all come from that reading.
fn submit(s: &mut State) {
    let now = s.terminal.screen.now();
    let Some(flow) = s.session.flow.as_ref() else { return };
    let Some(card) = flow.card.as_ref() else { return };
    let promised = add_working_days(now.date_naive(), flow.guide.promised_days, &s.terminal.config.holidays);
    let new = NewApplication {
        kind: Kind::Application,
        item_code: flow.guide.code.clone(),
        item_name: flow.guide.name.clone(),
        applicant: Applicant::from(card),
        form: flow.form_values(),
        promised_date: Some(promised),
        note: None,
    };
    let (config, guide, lang) = (&s.terminal.config, &flow.guide, s.session.lang);
    let written = s.terminal.store.as_mut().map(|store| {
        store.submit(&config.terminal_id, &new, now, |a| pickup_slip(config, guide, a, now, promised).in_lang(lang))
    });
    if let Some(w) = &written {
        super::storage::note_write(s, w);
    }
    let result = match written {
        None => Err(messages::store_unavailable(lang).to_string()),
        Some(Ok((a, job))) => {
            log::info!(acceptance_no = a.acceptance_no.as_str(); "application {} queued ({})", a.acceptance_no, a.item_code);
            if let Some(sync) = &s.terminal.sync {
                sync.kick();
            }
            Ok(Submitted {
                application_id: a.id,
                acceptance_no: a.acceptance_no,
                print_job_id: job.id,
                pickup_code: a.pickup_code,
                promised_date: a.promised_date,
            })
        }
        Some(Err(e)) => {
            log::error!("outbox write failed: {e}");
            Err(match e {
                // Retrying cannot help: the hub would refuse it for good, so it never entered the outbox.
                crate::store::StoreError::Invalid(_) => messages::submit_refused(lang).to_string(),
                // Nothing was kept, and nothing is printed: staff must free space first.
                e if e.is_full() => messages::submit_no_space(lang).to_string(),
                _ => messages::submit_failed(lang).to_string(),
            })
        }
    };
    event(s, Event::Submitted(result));
}

/// Effect::Print: the slip recorded with the application goes to the printer.
fn print(s: &mut State) {
    let job = s
        .session
        .flow
        .as_ref()
        .and_then(|f| f.submitted.as_ref())
        .and_then(|sub| s.terminal.store.as_ref()?.print_job_of(sub.application_id).ok().flatten());
    match job {
        Some(job) => {
            if let Some(now) = printing::print(s, Slip::Pickup(job.slip), Purpose::Pickup { print_job: job.id }) {
                on_printed(s, now);
            }
        }
        None => {
            let message = messages::slip_unavailable(s.session.lang).into();
            event(s, Event::Printed(Err(message)))
        }
    }
}

/// What became of the session's slip (the terminal has recorded it already).
pub(super) fn on_printed(s: &mut State, printed: Printed) {
    let e = match printed {
        Printed::Ok { near_end } => Event::Printed(Ok(near_end)),
        Printed::Failed(m) => Event::Printed(Err(m)),
        Printed::Unconfirmed(m) => Event::PrintUnconfirmed(m),
    };
    event(s, e);
}

fn save_rating(s: &mut State) {
    let Some(flow) = &s.session.flow else { return };
    let (Some(sub), Some(score)) = (&flow.submitted, flow.score) else { return };
    let rating = Rating { score, reasons: flow.reasons.clone() };
    let id = sub.application_id;
    let terminal = s.terminal.config.terminal_id.clone();
    if let Some(store) = s.terminal.store.as_mut() {
        match store.rate(id, &terminal, &rating) {
            Ok(()) => log::info!("rating {score} stored"),
            Err(e) => log::error!("cannot store rating: {e}"),
        }
    }
}

fn info(label: &str, value: impl Into<SharedString>) -> InfoRow {
    InfoRow { label: label.into(), value: value.into() }
}

pub(super) fn render(window: &AppWindow, s: &State) {
    let a = window.global::<ApplyState>();
    // Until 提交: the review holds the consent of the senior card's fast path.
    let starting = s
        .session
        .flow
        .as_ref()
        .is_none_or(|f| matches!(f.step, Step::Consent | Step::Identify | Step::CardProblem(_) | Step::Review));
    let notice = if starting && !super::printing::printer_ready(s) {
        messages::printer_not_ready_notice(s.session.lang)
    } else {
        ""
    };
    a.set_printer_notice(notice.into());
    let Some(flow) = &s.session.flow else {
        a.set_step(ApplyStep::Choose);
        a.set_items(rows(s.session.lang, offered(s)));
        return;
    };
    a.set_item_name(flow.guide.name_in(s.session.lang).into());
    a.set_fast(flow.fast);
    a.set_step(match &flow.step {
        Step::Consent => ApplyStep::Consent,
        Step::Identify | Step::CardProblem(_) => ApplyStep::Identify,
        Step::NotEligible(_) => ApplyStep::NotEligible,
        Step::AlreadySubmitted(_) => ApplyStep::Already,
        Step::Form => ApplyStep::Form,
        Step::Review => ApplyStep::Review,
        Step::Submitting => ApplyStep::Submitting,
        Step::Done => ApplyStep::Done,
        Step::Thanks => ApplyStep::Thanks,
    });
    if let Step::AlreadySubmitted(no) = &flow.step {
        a.set_earlier_no(no.as_str().into());
    }
    let today = s.terminal.screen.now().date_naive();
    let lang = s.session.lang;
    let mut identity = Vec::new();
    let mut tier = String::new();
    if let Some(card) = &flow.card {
        use messages::CardRow;
        identity.push(info(messages::card_row(lang, CardRow::Name), card.masked_name()));
        identity.push(info(messages::card_row(lang, CardRow::IdNumber), card.masked_id_number()));
        identity.push(info(messages::card_row(lang, CardRow::Age), messages::age(lang, card.age_on(today))));
        let kind = messages::card_type(lang, card.card_type);
        identity.push(info(messages::card_row(lang, CardRow::CardType), kind));
        if flow.fast {
            let age = card.age_on(today);
            let tiers: Vec<&str> = s
                .terminal
                .config
                .senior_card
                .tiers
                .iter()
                .filter(|t| age >= t.min_age)
                .map(|t| t.label.as_str())
                .collect();
            tier = tiers.join("\n");
        }
    }
    a.set_identity(model(identity));
    a.set_tier(tier.into());
    a.set_message(
        match &flow.step {
            Step::NotEligible(why) => why.clone(),
            // Every problem of the form, at the top, so nothing has to be searched for.
            Step::Form if !flow.errors.is_empty() => {
                let problems: Vec<&str> =
                    flow.guide.form.iter().filter_map(|f| flow.errors.get(&f.key).map(String::as_str)).collect();
                messages::form_problems(lang, &problems)
            }
            _ => flow.submit_error.clone().unwrap_or_default(),
        }
        .into(),
    );
    let typed = |key: &str| s.session.typing.fields.get(&target(key)).cloned();
    a.set_fields(model(
        flow.guide
            .form
            .iter()
            .map(|f| FieldView {
                key: f.key.as_str().into(),
                label: f.label.as_str().into(),
                kind: match f.kind {
                    FieldKind::Choice => FieldInput::Choice,
                    FieldKind::YesNo => FieldInput::YesNo,
                    FieldKind::Phone => FieldInput::Phone,
                    FieldKind::Number => FieldInput::Number,
                    FieldKind::Date => FieldInput::Date,
                    FieldKind::Text => FieldInput::Text,
                },
                value: match f.kind {
                    // Shown as the buttons say it; stored as 是 / 否.
                    FieldKind::YesNo => flow.values.get(&f.key).map(|v| messages::yes_no(lang, v)),
                    _ => typed(&f.key).or_else(|| flow.values.get(&f.key).cloned()),
                }
                .unwrap_or_default()
                .into(),
                error: flow.errors.get(&f.key).cloned().unwrap_or_default().into(),
                help: f.help.clone().unwrap_or_default().into(),
                unit: f.unit.clone().unwrap_or_default().into(),
                options: model(f.options.iter().map(|o| SharedString::from(o.as_str())).collect()),
                required: f.required,
            })
            .collect(),
    ));
    a.set_focused(s.session.focused.clone().unwrap_or_default().into());
    let values: BTreeMap<String, String> = flow.form_values();
    a.set_review(model(
        flow.guide
            .form
            .iter()
            .filter_map(|f| {
                values.get(&f.key).map(|v| {
                    let unit = f.unit.as_deref().filter(|_| f.kind == FieldKind::Number).unwrap_or("");
                    let v = if f.kind == FieldKind::YesNo { messages::yes_no(lang, v) } else { v.clone() };
                    info(&f.label, format!("{v}{unit}"))
                })
            })
            .collect(),
    ));
    if let Some(sub) = &flow.submitted {
        a.set_acceptance_no(sub.acceptance_no.as_str().into());
        a.set_pickup_code(sub.pickup_code.as_str().into());
        // Whether the item is done on the spot is the guide's, not the clock's: the clock may have
        // been set across midnight since the slip was made.
        let promised = match sub.promised_date {
            Some(d) if flow.guide.promised_days > 0 => messages::promised_by(lang, d),
            _ => messages::on_the_spot(lang).to_string(),
        };
        a.set_promised(promised.into());
    }
    let (printing, failed, message) = match &flow.print {
        Some(PrintStatus::Printing) => (true, false, String::new()),
        Some(PrintStatus::Printed { near_end }) => (false, false, messages::slip_printed(lang, *near_end).to_string()),
        Some(PrintStatus::Failed(m)) => (false, true, m.clone()),
        Some(PrintStatus::Unconfirmed(m)) => (false, false, m.clone()),
        None => (false, false, String::new()),
    };
    a.set_printing(printing);
    a.set_print_failed(failed);
    a.set_print_message(message.into());
    a.set_score(flow.score.map(i32::from).unwrap_or(0));
    a.set_reasons(model(
        RATING_REASONS
            .iter()
            .map(|r| Chip {
                text: messages::rating_reason(lang, r).into(),
                selected: flow.reasons.iter().any(|x| x == r),
            })
            .collect(),
    ));
    printing::render(window, s);
}
