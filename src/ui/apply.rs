//! The runtime of the application flow (src/app/flow.rs): renders the flow into `ApplyState`, turns
//! touches and reader events into flow events, and executes the flow's effects — the outbox write,
//! the slip print and the rating — against the store and the printer.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use chrono::Local;
use slint::{ComponentHandle, SharedString};

use super::{handler, model, printing, rows, State};
use crate::app::flow::{Effect, Event, Flow, PrintStatus, Step, Submitted, RATING_REASONS};
use crate::app::nav::Page;
use crate::app::receipt::pickup_slip;
use crate::catalog::FieldKind;
use crate::devices::idcard::{Card, CardType};
use crate::slip::{add_working_days, Slip};
use crate::store::outbox::{Applicant, Kind, NewApplication, Rating};
use crate::{AppWindow, ApplyState, Chip, FieldView, InfoRow, KeyboardLayout};

/// The keyboard target of a form field.
fn target(key: &str) -> String {
    format!("form:{key}")
}

/// Starts a flow for `code` and shows its identification screen.
pub(super) fn start(s: &mut State, code: &str) {
    let Some(guide) = s.catalog.get(code).cloned() else {
        log::warn!("apply: item {code} is not in the catalogue");
        return;
    };
    let fast = guide.code == s.config.senior_card.item;
    s.typing.reset();
    s.flow = Some(Flow::start(guide, fast));
    s.nav.open(Page::Identify);
}

pub(super) fn wire(window: &AppWindow, state: &Rc<RefCell<State>>) {
    let a = window.global::<ApplyState>();
    a.on_choose_item(handler(window, state, |s, code: SharedString| start(s, &code)));
    let set = handler(window, state, |s, (key, value): (SharedString, SharedString)| {
        s.typing.fields.insert(target(&key), value.to_string());
        event(s, Event::Set(key.into(), value.into()));
    });
    a.on_set(move |k, v| set((k, v)));
    a.on_focus(handler(window, state, move |s, key: SharedString| {
        let Some(flow) = &s.flow else { return };
        let layout = match flow.guide.form.iter().find(|f| f.key == key.as_str()).map(|f| f.kind) {
            Some(FieldKind::Text) => KeyboardLayout::Pinyin,
            Some(_) => KeyboardLayout::Numeric,
            None => {
                // Closing the keyboard: what was typed becomes the field's value.
                let old = s.focused.take();
                if let Some(k) = old {
                    let v = s.typing.fields.get(&target(&k)).cloned().unwrap_or_default();
                    event(s, Event::Set(k, v));
                }
                return;
            }
        };
        if let Some(k) = s.focused.replace(key.to_string()) {
            let v = s.typing.fields.get(&target(&k)).cloned().unwrap_or_default();
            event(s, Event::Set(k, v));
        }
        s.typing.keyboard.focus(&target(&key), super::layout_from_ui(layout));
    }));
    let next = handler(window, state, |s, ()| {
        sync_typed(s);
        event(s, Event::Next)
    });
    a.on_next(move || next(()));
    let agree = handler(window, state, |s, ()| event(s, Event::Agree));
    a.on_agree(move || agree(()));
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
    let finish = handler(window, state, |s, ()| s.wipe_session());
    a.on_finish(move || finish(()));
    a.set_items(rows(s_items(&state.borrow())));
}

fn s_items(s: &State) -> Vec<&crate::catalog::Guide> {
    s.catalog.items().iter().filter(|g| g.terminal).collect()
}

/// Typed values (keyboard fields) into the flow before it validates.
fn sync_typed(s: &mut State) {
    let Some(flow) = &s.flow else { return };
    let typed: Vec<(String, String)> = flow
        .guide
        .form
        .iter()
        .filter(|f| !matches!(f.kind, FieldKind::Choice | FieldKind::YesNo))
        .map(|f| (f.key.clone(), s.typing.fields.get(&target(&f.key)).cloned().unwrap_or_default()))
        .collect();
    s.focused = None;
    for (k, v) in typed {
        event(s, Event::Set(k, v));
    }
}

/// A flow event, then the effects it asks for.
pub(super) fn event(s: &mut State, e: Event) {
    let Some(flow) = s.flow.as_mut() else { return };
    let effects = flow.update(e, Local::now().date_naive());
    for effect in effects {
        match effect {
            Effect::Submit => submit(s),
            Effect::Print => print(s),
            Effect::SaveRating => save_rating(s),
            Effect::Exit => {
                s.flow = None;
                s.nav.back();
            }
        }
    }
    // Leaving identification once the card is accepted (or refused for eligibility).
    if let Some(flow) = &s.flow {
        let identifying = matches!(flow.step, Step::Identify | Step::CardProblem(_));
        if !identifying && *s.nav.current() == Page::Identify {
            s.nav.back();
            s.nav.open(Page::Apply);
        }
    }
}

/// 返回 inside the flow: one step back (identification again, with the card forgotten, if needed).
pub(super) fn back(s: &mut State) {
    sync_typed(s);
    event(s, Event::Back);
    if s.flow.as_ref().is_some_and(|f| matches!(f.step, Step::Identify)) && *s.nav.current() == Page::Apply {
        s.nav.back();
        s.nav.open(Page::Identify);
    }
}

/// A reader event while the flow identifies.
pub(super) fn on_card(s: &mut State, card: Card) {
    event(s, Event::CardRead(card));
}

/// Effect::Submit: one durable transaction, then 已提交.
fn submit(s: &mut State) {
    let Some(flow) = s.flow.as_ref() else { return };
    let Some(card) = flow.card.as_ref() else { return };
    let now = Local::now();
    let promised = add_working_days(now.date_naive(), flow.guide.promised_days, &s.config.holidays);
    let new = NewApplication {
        kind: Kind::Application,
        item_code: flow.guide.code.clone(),
        item_name: flow.guide.name.clone(),
        applicant: Applicant::from(card),
        form: flow.form_values(),
        promised_date: Some(promised),
        note: None,
    };
    let (config, guide) = (&s.config, &flow.guide);
    let result = match s.store.as_mut() {
        None => Err("本机数据存储不可用，请到服务窗口办理。".to_string()),
        Some(store) => store
            .submit(&config.terminal_id, &new, now, |a| pickup_slip(config, guide, a, now, promised))
            .map(|(a, job)| {
                log::info!("application {} queued ({})", a.acceptance_no, a.item_code);
                if let Some(sync) = &s.sync {
                    sync.kick();
                }
                Submitted { application_id: a.id, acceptance_no: a.acceptance_no, print_job_id: job.id }
            })
            .map_err(|e| {
                log::error!("outbox write failed: {e}");
                "提交没有成功，您的信息未保存。请再点一次提交，或到服务窗口办理。".to_string()
            }),
    };
    event(s, Event::Submitted(result));
}

/// Effect::Print: the slip recorded with the application goes to the printer.
fn print(s: &mut State) {
    let job = s
        .flow
        .as_ref()
        .and_then(|f| f.submitted.as_ref())
        .and_then(|sub| s.store.as_ref()?.print_job_of(sub.application_id).ok().flatten());
    match job {
        Some(job) => {
            s.app_print_job = Some(job.id);
            printing::print(s, Slip::Pickup(job.slip));
        }
        None => event(s, Event::Printed(Err("回执暂时无法打印，请到服务窗口补打。".into()))),
    }
}

/// A finished slip job (from the printing worker).
pub(super) fn on_printed(s: &mut State, result: Result<bool, String>) {
    let Some(job_id) = s.app_print_job.take() else { return };
    if let Some(store) = s.store.as_mut() {
        let r = result.as_ref().map(|_| ()).map_err(String::as_str);
        if let Err(e) = store.record_print(job_id, r) {
            log::error!("cannot record print job {job_id}: {e}");
        }
    }
    event(s, Event::Printed(result));
}

fn save_rating(s: &mut State) {
    let Some(flow) = &s.flow else { return };
    let (Some(sub), Some(score)) = (&flow.submitted, flow.score) else { return };
    let rating = Rating { score, reasons: flow.reasons.clone() };
    let id = sub.application_id;
    let terminal = s.config.terminal_id.clone();
    if let Some(store) = s.store.as_mut() {
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
    let Some(flow) = &s.flow else {
        a.set_step("choose".into());
        a.set_items(rows(s_items(s)));
        return;
    };
    a.set_item_name(flow.guide.name.as_str().into());
    a.set_fast(flow.fast);
    let step = match &flow.step {
        Step::Identify | Step::CardProblem(_) => "identify",
        Step::NotEligible(_) => "not-eligible",
        Step::Form => "form",
        Step::Consent => "consent",
        Step::Review => "review",
        Step::Submitting => "submitting",
        Step::Done => "done",
        Step::Thanks => "thanks",
    };
    a.set_step(step.into());
    let today = Local::now().date_naive();
    let mut identity = Vec::new();
    let mut tier = String::new();
    if let Some(card) = &flow.card {
        identity.push(info("姓名", card.masked_name()));
        identity.push(info("证件号码", card.masked_id_number()));
        identity.push(info("年龄", format!("{}周岁", card.age_on(today))));
        let kind = match card.card_type {
            CardType::Resident => "居民身份证",
            CardType::HkMoTw => "港澳台居民居住证",
            CardType::Foreign => "外国人永久居留身份证",
        };
        identity.push(info("证件类型", kind));
        if flow.fast {
            let age = card.age_on(today);
            let tiers: Vec<&str> =
                s.config.senior_card.tiers.iter().filter(|t| age >= t.min_age).map(|t| t.label.as_str()).collect();
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
                format!("请修改以下{}处：{}", problems.len(), problems.join(""))
            }
            _ => flow.submit_error.clone().unwrap_or_default(),
        }
        .into(),
    );
    let typed = |key: &str| s.typing.fields.get(&target(key)).cloned();
    a.set_fields(model(
        flow.guide
            .form
            .iter()
            .map(|f| FieldView {
                key: f.key.as_str().into(),
                label: f.label.as_str().into(),
                kind: match f.kind {
                    FieldKind::Choice => "choice",
                    FieldKind::YesNo => "yes_no",
                    FieldKind::Phone => "phone",
                    FieldKind::Number => "number",
                    FieldKind::Date => "date",
                    FieldKind::Text => "text",
                }
                .into(),
                value: typed(&f.key).or_else(|| flow.values.get(&f.key).cloned()).unwrap_or_default().into(),
                error: flow.errors.get(&f.key).cloned().unwrap_or_default().into(),
                help: f.help.clone().unwrap_or_default().into(),
                unit: f.unit.clone().unwrap_or_default().into(),
                options: model(f.options.iter().map(|o| SharedString::from(o.as_str())).collect()),
                required: f.required,
            })
            .collect(),
    ));
    a.set_focused(s.focused.clone().unwrap_or_default().into());
    let values: BTreeMap<String, String> = flow.form_values();
    a.set_review(model(
        flow.guide
            .form
            .iter()
            .filter_map(|f| {
                values.get(&f.key).map(|v| {
                    let unit = f.unit.as_deref().filter(|_| f.kind == FieldKind::Number).unwrap_or("");
                    info(&f.label, format!("{v}{unit}"))
                })
            })
            .collect(),
    ));
    if let Some(sub) = &flow.submitted {
        a.set_acceptance_no(sub.acceptance_no.as_str().into());
        let stored = s.store.as_ref().and_then(|st| st.application_by_acceptance_no(&sub.acceptance_no).ok().flatten());
        if let Some(app) = stored {
            a.set_pickup_code(app.pickup_code.as_str().into());
            let promised = match app.promised_date {
                Some(d) if d > today => format!("{}年{}月{}日前", d.format("%Y"), d.format("%-m"), d.format("%-d")),
                _ => "当场办结".to_string(),
            };
            a.set_promised(promised.into());
        }
    }
    let (printing, failed, message) = match &flow.print {
        Some(PrintStatus::Printing) => (true, false, String::new()),
        Some(PrintStatus::Printed { near_end: false }) => (false, false, "回执已打印，请从出纸口取走。".to_string()),
        Some(PrintStatus::Printed { near_end: true }) => {
            (false, false, "回执已打印，请从出纸口取走。打印纸快用完了，已提醒工作人员。".to_string())
        }
        Some(PrintStatus::Failed(m)) => (false, true, m.clone()),
        None => (false, false, String::new()),
    };
    a.set_printing(printing);
    a.set_print_failed(failed);
    a.set_print_message(message.into());
    a.set_score(flow.score.map(i32::from).unwrap_or(0));
    a.set_reasons(model(
        RATING_REASONS
            .iter()
            .map(|r| Chip { text: (*r).into(), selected: flow.reasons.iter().any(|x| x == r) })
            .collect(),
    ));
    printing::render(window, s);
}
