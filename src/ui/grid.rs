//! 找网格员 and 代办 on the kiosk: the card's address (or the resident's choice from lists) finds the
//! grid and its workers, shown with a contact QR; a 代办 request to the grid worker goes through the
//! outbox as `proxy_request` and prints a slip with the worker's contact. The card lives only in
//! `GridView`, which the session wipe drops; logs name grid numbers, never addresses or names.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use std::time::Instant;

use chrono::Local;
use slint::{ComponentHandle, Image, SharedString};

use super::{handler, model, printing, State};
use crate::app::nav::Page;
use crate::app::receipt::proxy_slip;
use crate::devices::idcard::{Card, ReaderEvent};
use crate::grid::{self, contact, Directory, GridRef};
use crate::ime::Layout;
use crate::slip::{add_working_days, Slip};
use crate::store::outbox::{Applicant, Kind, NewApplication};
use crate::{AppWindow, GridChoice, GridState, GridWorkerView};

/// The item code of a 代办 request for a matter outside the catalogue.
pub const OTHER_MATTER: &str = "OTHER";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Step {
    /// Place the card, or choose from lists.
    #[default]
    Find,
    /// Community → compound or road → building.
    Choose,
    /// The grid and its workers.
    Result,
    /// 代办: identify with the card.
    Identify,
    /// 代办: which matter.
    Matter,
    /// 代办: phone, time, note.
    Form,
    /// 代办: submitted; the slip prints.
    Done,
}

/// Where the resident is in the lists.
#[derive(Debug, Clone, Default)]
struct ListPath {
    community: Option<(usize, usize)>,
    place: Option<String>,
}

/// What the grid screens show. Personal (the card): dropped with the session.
#[derive(Debug, Default)]
pub struct GridView {
    step: Step,
    message: String,
    card: Option<Card>,
    at: Option<GridRef>,
    path: ListPath,
    /// A 代办 request is under way (after finding the grid, identify and fill the form).
    wants_help: bool,
    /// Started from a guide's 请网格员帮我办: the matter is that guide.
    from_guide: bool,
    /// (item code, name).
    matter: Option<(String, String)>,
    time: String,
    focused: Option<String>,
    acceptance_no: String,
}

impl GridView {
    /// Forgets the resident (card, choices, request).
    pub fn reset(&mut self) {
        *self = GridView::default();
    }
}

/// The keyboard target of a request field.
fn target(key: &str) -> String {
    format!("grid:{key}")
}

fn typed(s: &State, key: &str) -> String {
    s.session.typing.fields.get(&target(key)).cloned().unwrap_or_default()
}

pub(super) fn wire(window: &AppWindow, state: &Rc<RefCell<State>>) {
    let g = window.global::<GridState>();
    let open_ = handler(window, state, |s, ()| open(s));
    g.on_open(move || open_(()));
    let by_list = handler(window, state, |s, ()| {
        s.session.grid.message.clear();
        start_choose(s);
    });
    g.on_find_by_list(move || by_list(()));
    g.on_choose(handler(window, state, |s, key: SharedString| choose(s, &key)));
    let help = handler(window, state, |s, ()| {
        s.session.grid.wants_help = true;
        advance(s);
    });
    g.on_ask_help(move || help(()));
    g.on_ask_help_for(handler(window, state, |s, code: SharedString| ask_help_for(s, &code)));
    g.on_set_time(handler(window, state, |s, t: SharedString| {
        s.session.grid.time = t.to_string();
        s.session.grid.message.clear();
    }));
    g.on_focus(handler(window, state, |s, key: SharedString| focus(s, &key)));
    let submit_ = handler(window, state, |s, ()| submit(s));
    g.on_submit(move || submit_(()));
    let finish = handler(window, state, |s, ()| s.wipe_session());
    g.on_finish(move || finish(()));
}

/// The installed directory (the bundled one installed first when newer), loaded once.
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

/// 找网格员 from the start.
fn open(s: &mut State) {
    s.session.nav.open(Page::Grid);
    s.session.grid.reset();
    s.session.typing.fields.retain(|k, _| !k.starts_with("grid:"));
    load_directory(s);
}

/// 请网格员帮我办 from a guide: the matter is the guide; identify first.
fn ask_help_for(s: &mut State, code: &str) {
    let Some(name) = s.terminal.catalog.get(code).map(|g| g.name.clone()) else { return };
    open(s);
    s.session.grid.wants_help = true;
    s.session.grid.from_guide = true;
    s.session.grid.matter = Some((code.to_string(), name));
    s.session.grid.step = Step::Identify;
}

fn start_choose(s: &mut State) {
    s.session.grid.step = Step::Choose;
    s.session.grid.path = ListPath::default();
}

/// The next step once something was found, chosen or read.
fn advance(s: &mut State) {
    let g = &mut s.session.grid;
    g.message.clear();
    g.step = if g.at.is_none() {
        g.path = ListPath::default();
        Step::Choose
    } else if !g.wants_help {
        Step::Result
    } else if g.card.is_none() {
        Step::Identify
    } else if g.matter.is_none() {
        Step::Matter
    } else {
        Step::Form
    };
}

/// 返回 on the grid page: one step back; false when the page itself is left (then nothing stays).
pub(super) fn back(s: &mut State) -> bool {
    let g = &mut s.session.grid;
    let stays = match g.step {
        Step::Choose if g.path.place.is_some() => {
            g.path.place = None;
            true
        }
        Step::Choose if g.path.community.is_some() => {
            g.path.community = None;
            true
        }
        Step::Choose => {
            g.step = if g.wants_help { Step::Identify } else { Step::Find };
            g.card = None;
            !g.from_guide || g.step == Step::Identify
        }
        Step::Result => {
            g.step = Step::Find;
            g.at = None;
            g.card = None;
            true
        }
        Step::Identify | Step::Matter if !g.from_guide => {
            g.wants_help = false;
            g.step = Step::Result;
            true
        }
        Step::Form if g.focused.is_some() => {
            g.focused = None;
            true
        }
        Step::Form if !g.from_guide => {
            g.step = Step::Matter;
            g.matter = None;
            true
        }
        _ => false,
    };
    g.message.clear();
    if !stays {
        s.session.grid.reset();
        s.session.typing.fields.retain(|k, _| !k.starts_with("grid:"));
    }
    stays
}

/// A reader event while the grid page is shown: a card finds the grid, or identifies for 代办.
pub(super) fn on_reader_event(s: &mut State, event: ReaderEvent) {
    if !matches!(s.session.grid.step, Step::Find | Step::Identify) {
        return;
    }
    match event {
        ReaderEvent::CardRead(mut card) => {
            card.refresh(Local::now().date_naive());
            if s.session.grid.step == Step::Identify && card.expired {
                s.session.grid.message = "您的证件已过期，请使用有效期内的身份证，或到服务窗口办理。".into();
                return;
            }
            if s.session.grid.at.is_none() {
                let started = Instant::now();
                let Some(dir) = s.terminal.grid_directory.as_ref() else { return };
                match grid::find(dir, &card.address) {
                    Ok(at) => {
                        let number = dir.get(at).map_or(0, |g| g.grid.number);
                        log::info!("grid: card matched grid {number} in {} ms", started.elapsed().as_millis());
                        s.session.grid.at = Some(at);
                    }
                    Err(why) => {
                        log::info!("grid: card address not matched ({})", why.kind());
                        s.session.grid.card = Some(card);
                        start_choose(s);
                        s.session.grid.message = format!("没有自动找到您的网格：{}请按地址选择。", why.reason());
                        return;
                    }
                }
            }
            s.session.grid.card = Some(card);
            advance(s);
        }
        ReaderEvent::ReaderFault(kind) => s.session.grid.message = crate::messages::reader_fault(kind).into(),
        _ => {}
    }
}

/// A tap on a list row: a community, a compound or road, a building range, or a matter.
fn choose(s: &mut State, key: &str) {
    if s.session.grid.step == Step::Matter {
        let name = if key == OTHER_MATTER {
            Some("其他事项".to_string())
        } else {
            s.terminal.catalog.get(key).map(|g| g.name.clone())
        };
        if let Some(name) = name {
            s.session.grid.matter = Some((key.to_string(), name));
            advance(s);
        }
        return;
    }
    let Some(dir) = s.terminal.grid_directory.as_ref() else { return };
    let path = &mut s.session.grid.path;
    if let Some(rest) = key.strip_prefix("c:") {
        let mut it = rest.split(':').filter_map(|n| n.parse::<usize>().ok());
        if let (Some(si), Some(ci)) = (it.next(), it.next()) {
            path.community = Some((si, ci));
            path.place = None;
        }
    } else if let Some(name) = key.strip_prefix("p:") {
        path.place = Some(name.to_string());
        // One grid for the whole place: no building list to choose from.
        let grids: Vec<usize> = options(dir, path).into_iter().map(|(gi, _)| gi).collect();
        if let (Some(&first), Some((si, ci))) = (grids.first(), path.community) {
            if grids.iter().all(|&g| g == first) {
                pick(s, GridRef { street: si, community: ci, grid: first });
            }
        }
    } else if let (Some(gi), Some((si, ci))) = (key.strip_prefix("g:").and_then(|n| n.parse().ok()), path.community) {
        pick(s, GridRef { street: si, community: ci, grid: gi });
    }
}

fn pick(s: &mut State, at: GridRef) {
    if let Some(g) = s.terminal.grid_directory.as_ref().and_then(|d| d.get(at)) {
        log::info!("grid: grid {} chosen from the lists", g.grid.number);
        s.session.grid.at = Some(at);
        advance(s);
    }
}

/// The compounds and roads of a community, in the directory's order (names are the keys).
fn places(dir: &Directory, (si, ci): (usize, usize)) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let Some(c) = dir.streets.get(si).and_then(|s| s.communities.get(ci)) else { return out };
    for p in c.grids.iter().flat_map(|g| &g.covers) {
        let (key, label) = match (&p.road, &p.compound) {
            (Some(road), _) => (road.clone(), road.clone()),
            (None, Some(name)) if p.aliases.is_empty() => (name.clone(), name.clone()),
            (None, Some(name)) => (name.clone(), format!("{name}（{}）", p.aliases.join("、"))),
            (None, None) => continue,
        };
        if !out.iter().any(|(k, _)| *k == key) {
            out.push((key, label));
        }
    }
    out
}

/// The number or building ranges of the chosen place: (grid index, description).
fn options(dir: &Directory, path: &ListPath) -> Vec<(usize, String)> {
    let (Some((si, ci)), Some(place)) = (path.community, path.place.as_deref()) else { return Vec::new() };
    let Some(c) = dir.streets.get(si).and_then(|s| s.communities.get(ci)) else { return Vec::new() };
    let mut out = Vec::new();
    for (gi, g) in c.grids.iter().enumerate() {
        for p in &g.covers {
            if p.road.as_deref() == Some(place) || p.compound.as_deref() == Some(place) {
                out.push((gi, p.describe()));
            }
        }
    }
    out
}

fn focus(s: &mut State, key: &str) {
    if key.is_empty() {
        s.session.grid.focused = None;
        return;
    }
    let layout = if key == "phone" { Layout::Numeric } else { Layout::Pinyin };
    s.session.grid.focused = Some(key.to_string());
    s.session.typing.keyboard.focus(&target(key), layout);
}

/// A callback phone: an 11-digit mobile number, or a landline with its area code.
pub fn phone_ok(phone: &str) -> bool {
    let digits = phone.chars().all(|c| c.is_ascii_digit());
    digits
        && ((phone.len() == 11 && phone.starts_with('1'))
            || ((10..=12).contains(&phone.len()) && phone.starts_with('0')))
}

/// 提交代办请求: checks the form, writes the request and its slip in one transaction, prints the slip.
fn submit(s: &mut State) {
    s.session.grid.focused = None;
    let phone = typed(s, "phone").trim().to_string();
    let note = typed(s, "note").trim().to_string();
    let mut problems = Vec::new();
    if !phone_ok(&phone) {
        problems.push("请输入11位手机号码，或带区号的固定电话。");
    }
    if s.session.grid.time.is_empty() {
        problems.push("请选择希望网格员联系您的时间。");
    }
    if note.chars().count() > 100 {
        problems.push("留言请不超过100个字。");
    }
    if !problems.is_empty() {
        s.session.grid.message = format!("请修改以下{}处：{}", problems.len(), problems.concat());
        return;
    }
    let (Some(card), Some(at), Some((code, name))) = (&s.session.grid.card, s.session.grid.at, &s.session.grid.matter)
    else {
        return;
    };
    let Some(g) = s.terminal.grid_directory.as_ref().and_then(|d| d.get(at)) else { return };
    let Some(worker) = g.grid.workers.first().cloned() else { return };
    let now = Local::now();
    let contact_by = add_working_days(now.date_naive(), 1, &s.terminal.config.holidays);
    let grid_name = format!("{}{}", g.community.name, g.label());
    let mut form = BTreeMap::from([
        ("matter".to_string(), code.clone()),
        ("phone".to_string(), phone),
        ("time".to_string(), s.session.grid.time.clone()),
        ("grid_street".to_string(), g.street.name.clone()),
        ("grid_community".to_string(), g.community.name.clone()),
        ("grid_number".to_string(), g.label()),
        ("worker_name".to_string(), worker.name.clone()),
        ("worker_phone".to_string(), worker.phone.clone()),
    ]);
    if !note.is_empty() {
        form.insert("note".into(), note.clone());
    }
    let number = g.grid.number;
    let new = NewApplication {
        kind: Kind::ProxyRequest,
        item_code: code.clone(),
        item_name: name.clone(),
        applicant: Applicant::from(card),
        form,
        promised_date: Some(contact_by),
        note: (!note.is_empty()).then_some(note),
    };
    let config = &s.terminal.config;
    let result = match s.terminal.store.as_mut() {
        None => Err("本机数据存储不可用，请直接拨打网格员电话。".to_string()),
        Some(store) => store
            .submit(&config.terminal_id, &new, now, |a| proxy_slip(config, a, now, contact_by, &grid_name, &worker))
            .map_err(|e| {
                log::error!("outbox write of a proxy request failed: {e}");
                "提交没有成功，您的信息未保存。请再点一次提交，或直接拨打网格员电话。".to_string()
            }),
    };
    match result {
        Ok((a, job)) => {
            log::info!("proxy request {} queued for grid {number}", a.acceptance_no);
            s.session.grid.acceptance_no = a.acceptance_no;
            s.session.grid.step = Step::Done;
            s.session.grid.message.clear();
            printing::print(s, Slip::Pickup(job.slip), printing::Purpose::Pickup { print_job: job.id });
        }
        Err(m) => s.session.grid.message = m,
    }
}

/// The QR of a contact as an image for the screen.
fn contact_qr(text: &str) -> Image {
    super::printing::qr_to_image(text, 6)
}

fn choice(key: impl Into<SharedString>, label: impl Into<SharedString>) -> GridChoice {
    GridChoice { key: key.into(), label: label.into() }
}

/// The title and rows of the list the resident chooses from.
fn list(s: &State, dir: &Directory) -> (&'static str, Vec<GridChoice>) {
    let g = &s.session.grid;
    if g.step == Step::Matter {
        let mut rows: Vec<GridChoice> = s
            .terminal
            .catalog
            .frequent()
            .into_iter()
            .map(|guide| choice(guide.code.as_str(), guide.name.as_str()))
            .collect();
        rows.push(choice(OTHER_MATTER, "其他事项"));
        return ("请选择要网格员帮您办的事项", rows);
    }
    match (g.path.community, &g.path.place) {
        (None, _) => (
            "请选择您所在的社区",
            dir.grids()
                // One row per community: its first grid stands for it.
                .filter(|l| l.at.grid == 0)
                .map(|l| {
                    choice(
                        format!("c:{}:{}", l.at.street, l.at.community),
                        format!("{} {}", l.street.name, l.community.name),
                    )
                })
                .collect(),
        ),
        (Some(c), None) => (
            "请选择您住的小区或道路",
            places(dir, c).into_iter().map(|(key, label)| choice(format!("p:{key}"), label)).collect(),
        ),
        (Some(_), Some(_)) => (
            "请选择门牌号或楼栋",
            options(dir, &g.path).into_iter().map(|(gi, label)| choice(format!("g:{gi}"), label)).collect(),
        ),
    }
}

pub(super) fn render(window: &AppWindow, s: &State) {
    let gs = window.global::<GridState>();
    let g = &s.session.grid;
    gs.set_step(
        match g.step {
            Step::Find => "find",
            Step::Choose => "choose",
            Step::Result => "result",
            Step::Identify => "identify",
            Step::Matter => "matter",
            Step::Form => "form",
            Step::Done => "done",
        }
        .into(),
    );
    gs.set_message(g.message.as_str().into());
    gs.set_demo(s.terminal.devices.demo && s.terminal.devices.reader.as_ref().is_some_and(|r| r.simulator().is_some()));
    let Some(dir) = s.terminal.grid_directory.as_ref() else { return };
    if matches!(g.step, Step::Choose | Step::Matter) {
        let (title, rows) = list(s, dir);
        gs.set_choose_title(title.into());
        gs.set_choices(model(rows));
    }
    let found = g.at.and_then(|at| dir.get(at));
    gs.set_place(found.map(|l| format!("{} {}", l.street.name, l.community.name)).unwrap_or_default().into());
    gs.set_grid_label(found.map(|l| l.label()).unwrap_or_default().into());
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
    gs.set_matter(g.matter.as_ref().map(|(_, n)| n.as_str()).unwrap_or_default().into());
    gs.set_phone(typed(s, "phone").into());
    gs.set_note(typed(s, "note").into());
    gs.set_time(g.time.as_str().into());
    gs.set_focused(g.focused.clone().unwrap_or_default().into());
    gs.set_acceptance_no(g.acceptance_no.as_str().into());
    if g.step == Step::Done {
        printing::render(window, s);
    }
}

#[cfg(test)]
mod tests {
    use super::phone_ok;

    #[test]
    fn callback_phones() {
        assert!(phone_ok("13807331234"));
        assert!(phone_ok("073128881234"));
        assert!(!phone_ok("1380733123"));
        assert!(!phone_ok("23807331234"));
        assert!(!phone_ok("1380733123a"));
        assert!(!phone_ok(""));
    }
}
