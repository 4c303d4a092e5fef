//! 找网格员 and 代办 as a pure state machine (STYLE.md §3), like the application flow: the card's
//! address (or the resident's choice from lists) finds the grid and its workers; a 代办 request to the
//! grid worker is identified with the card, names a matter and a call-back phone and time, and is
//! submitted once. `update` takes an event and the directory and catalogue to read, and returns the
//! effects the runtime (src/ui/grid.rs) executes: give the keyboard to a field, write the request to
//! the outbox, print its slip, leave the page. No clock, store, port or window inside.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::catalog::Catalog;
use crate::devices::idcard::Card;
use crate::grid::{self, Directory, GridRef, Located, NoMatch, Worker};
use crate::messages;
use crate::Lang;

/// The item code of a 代办 request for a matter outside the catalogue.
pub const OTHER_MATTER: &str = "OTHER";

/// The longest note a resident may leave, in characters.
pub const NOTE_MAX_CHARS: usize = 100;

/// Where the resident is on the grid page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Step {
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
    /// 代办: the request is being written (a second 提交 here does nothing).
    Submitting,
    /// 代办: submitted; the slip prints.
    Done,
}

/// A field of the 代办 form that the on-screen keyboard fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Phone,
    Note,
}

/// Something wrong on the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// Not a mobile number nor a landline with its area code.
    Phone,
    /// No call-back time chosen.
    Time,
    /// A note longer than [`NOTE_MAX_CHARS`].
    NoteTooLong,
}

/// Why the request could not be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubmitError {
    /// The terminal has no database.
    NoStore,
    /// The write failed: nothing was saved.
    NotSaved,
    /// The disk is full: nothing was saved, staff must free space.
    NoSpace,
}

/// What the resident is told on the grid page (the reader's own trouble comes from its health).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// The card's address has no grid: why; the lists follow.
    NotMatched(NoMatch),
    /// An expired card cannot identify for a 代办 request.
    CardExpired,
    /// The card could not be read: place it again.
    CardUnreadable,
    /// What to fix on the form, in the form's order.
    Form(Vec<Problem>),
    SubmitFailed(SubmitError),
}

/// Where the resident is in the lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListPath {
    /// (street, community) indexes.
    pub community: Option<(usize, usize)>,
    /// The compound or road name.
    pub place: Option<String>,
}

/// The matter of a 代办 request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matter {
    /// The catalogue's item code, or [`OTHER_MATTER`].
    pub code: String,
    pub name: String,
}

/// The request once the outbox has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submitted {
    pub application_id: i64,
    pub acceptance_no: String,
    /// The working day by which the grid worker calls back.
    pub call_back_by: NaiveDate,
}

/// A row of a list to choose from; `key` comes back with [`Event::Choose`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub key: String,
    pub label: String,
}

/// A list to choose from, with its title.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct List {
    pub title: &'static str,
    pub rows: Vec<Choice>,
}

/// What the flow reads: the installed grid directory, the catalogue (the matters), and the
/// resident's language (what the lists say; what is stored for the grid worker stays Chinese).
pub struct Context<'a> {
    pub directory: &'a Directory,
    pub catalog: &'a Catalog,
    pub lang: Lang,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// 不刷卡，按地址选择.
    FindByList,
    /// A card was read (its `expired` already computed for today).
    CardRead(Card),
    /// A card was on the reader but could not be read.
    CardUnreadable,
    /// A tap on a list row (its key).
    Choose(String),
    /// 请网格员帮我办 on the result screen.
    AskHelp,
    /// 上午 / 下午 / 晚上.
    SetTime(String),
    /// Tap on a field (the keyboard comes), or the keyboard's 完成 (`None`).
    Focus(Option<Field>),
    /// 提交代办请求, with what was typed.
    Submit {
        phone: String,
        note: String,
    },
    Submitted(Result<Submitted, SubmitError>),
    /// 返回.
    Back,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Give the on-screen keyboard to the field.
    Keyboard(Field),
    /// Write the request ([`GridFlow::request`]) and its slip to the outbox, then send `Submitted`.
    Submit,
    /// Print the slip of the submitted request.
    Print,
    /// 返回 leaves the grid page: nothing of the flow stays.
    Leave,
}

/// The request as the outbox gets it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyRequest {
    pub item_code: String,
    pub item_name: String,
    /// What the hub routes and the grid worker reads (phone, time, grid, worker, note).
    pub form: BTreeMap<String, String>,
    pub note: Option<String>,
    /// The worker who calls back (the grid's first).
    pub worker: Worker,
    /// e.g. 华垅社区第2网格.
    pub grid_name: String,
    pub grid_number: u32,
}

/// The grid page of one session. Personal (the card, the phone): dropped with the session.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GridFlow {
    pub step: Step,
    pub notice: Option<Notice>,
    pub card: Option<Card>,
    pub at: Option<GridRef>,
    pub path: ListPath,
    /// A 代办 request is under way (after finding the grid, identify and fill the form).
    pub wants_help: bool,
    /// Started from a guide's 请网格员帮我办: the matter is that guide.
    pub from_guide: bool,
    pub matter: Option<Matter>,
    /// 上午 / 下午 / 晚上, as stored (whatever language the button said it in).
    pub time: String,
    /// The checked phone and note, once 提交 was accepted.
    pub phone: String,
    pub note: String,
    pub focused: Option<Field>,
    pub submitted: Option<Submitted>,
}

impl GridFlow {
    /// 请网格员帮我办 from a guide: the matter is the guide; identify first.
    pub fn for_matter(code: &str, name: &str) -> GridFlow {
        GridFlow {
            step: Step::Identify,
            wants_help: true,
            from_guide: true,
            matter: Some(Matter { code: code.into(), name: name.into() }),
            ..GridFlow::default()
        }
    }

    pub fn update(&mut self, event: Event, ctx: &Context<'_>) -> Vec<Effect> {
        use Step::*;
        match (self.step, event) {
            (Find, Event::FindByList) => {
                self.notice = None;
                self.start_choose();
                vec![]
            }
            (Find | Identify, Event::CardRead(card)) => {
                self.card_read(card, ctx.directory);
                vec![]
            }
            (Find | Identify, Event::CardUnreadable) => {
                self.notice = Some(Notice::CardUnreadable);
                vec![]
            }
            (Matter, Event::Choose(key)) => {
                let name = if key == OTHER_MATTER {
                    // Stored as the grid worker reads it.
                    Some(messages::grid_other_matter(Lang::Zh).to_string())
                } else {
                    ctx.catalog.get(&key).map(|g| g.name.clone())
                };
                if let Some(name) = name {
                    self.matter = Some(self::Matter { code: key, name });
                    self.advance();
                }
                vec![]
            }
            (Choose, Event::Choose(key)) => {
                self.choose(&key, ctx.directory);
                vec![]
            }
            (Result, Event::AskHelp) => {
                self.wants_help = true;
                self.advance();
                vec![]
            }
            (Form, Event::SetTime(time)) => {
                self.time = messages::call_time_value(&time);
                self.notice = None;
                vec![]
            }
            (Form, Event::Focus(field)) => {
                self.focused = field;
                field.map(Effect::Keyboard).into_iter().collect()
            }
            (Form, Event::Submit { phone, note }) => {
                self.focused = None;
                let (phone, note) = (phone.trim().to_string(), note.trim().to_string());
                let mut problems = Vec::new();
                if !phone_ok(&phone) {
                    problems.push(Problem::Phone);
                }
                if self.time.is_empty() {
                    problems.push(Problem::Time);
                }
                if note.chars().count() > NOTE_MAX_CHARS {
                    problems.push(Problem::NoteTooLong);
                }
                if !problems.is_empty() {
                    self.notice = Some(Notice::Form(problems));
                    return vec![];
                }
                self.phone = phone;
                self.note = note;
                self.notice = None;
                // Before the effect runs: a second 提交 finds the flow submitting and does nothing.
                self.step = Submitting;
                vec![Effect::Submit]
            }
            (Submitting, Event::Submitted(Ok(submitted))) => {
                self.submitted = Some(submitted);
                self.step = Done;
                vec![Effect::Print]
            }
            (Submitting, Event::Submitted(Err(e))) => {
                self.notice = Some(Notice::SubmitFailed(e));
                self.step = Form;
                vec![]
            }
            (_, Event::Back) => self.back(),
            // Anything else (a card while choosing, a second 提交, a stray tap) changes nothing.
            _ => vec![],
        }
    }

    /// A card on the Find or Identify step: it finds the grid (unless known), and identifies.
    fn card_read(&mut self, card: Card, dir: &Directory) {
        if self.step == Step::Identify && card.expired {
            self.notice = Some(Notice::CardExpired);
            return;
        }
        if self.at.is_none() {
            match grid::find(dir, &card.address) {
                Ok(at) => self.at = Some(at),
                Err(why) => {
                    self.card = Some(card);
                    self.start_choose();
                    self.notice = Some(Notice::NotMatched(why));
                    return;
                }
            }
        }
        self.card = Some(card);
        self.advance();
    }

    fn start_choose(&mut self) {
        self.step = Step::Choose;
        self.path = ListPath::default();
    }

    /// The next step once something was found, chosen or read.
    fn advance(&mut self) {
        self.notice = None;
        self.step = if self.at.is_none() {
            self.path = ListPath::default();
            Step::Choose
        } else if !self.wants_help {
            Step::Result
        } else if self.card.is_none() {
            Step::Identify
        } else if self.matter.is_none() {
            Step::Matter
        } else {
            Step::Form
        };
    }

    /// A row of the address lists: a community (`c:street:community`), a compound or road
    /// (`p:name`), a building range (`g:grid`).
    fn choose(&mut self, key: &str, dir: &Directory) {
        if let Some(rest) = key.strip_prefix("c:") {
            let mut it = rest.split(':').filter_map(|n| n.parse::<usize>().ok());
            if let (Some(si), Some(ci)) = (it.next(), it.next()) {
                if dir.streets.get(si).and_then(|s| s.communities.get(ci)).is_some() {
                    self.path = ListPath { community: Some((si, ci)), place: None };
                }
            }
        } else if let Some(name) = key.strip_prefix("p:") {
            let Some((si, ci)) = self.path.community else { return };
            let path = ListPath { community: Some((si, ci)), place: Some(name.to_string()) };
            let grids: Vec<usize> = options(dir, &path).into_iter().map(|(gi, _)| gi).collect();
            let Some(&first) = grids.first() else { return };
            self.path = path;
            // One grid for the whole place: no building list to choose from.
            if grids.iter().all(|&g| g == first) {
                self.pick(GridRef { street: si, community: ci, grid: first }, dir);
            }
        } else if let (Some(gi), Some((si, ci))) =
            (key.strip_prefix("g:").and_then(|n| n.parse().ok()), self.path.community)
        {
            self.pick(GridRef { street: si, community: ci, grid: gi }, dir);
        }
    }

    fn pick(&mut self, at: GridRef, dir: &Directory) {
        if dir.get(at).is_some() {
            self.at = Some(at);
            self.advance();
        }
    }

    /// 返回: one step back, or [`Effect::Leave`] when the page itself is left.
    fn back(&mut self) -> Vec<Effect> {
        use Step::*;
        self.notice = None;
        match self.step {
            Choose if self.path.place.is_some() => self.path.place = None,
            Choose if self.path.community.is_some() => self.path.community = None,
            Choose => {
                self.step = if self.wants_help { Identify } else { Find };
                self.card = None;
            }
            Result => {
                self.step = Find;
                self.at = None;
                self.card = None;
            }
            Identify | Matter if !self.from_guide => {
                self.wants_help = false;
                self.matter = None;
                self.step = Result;
            }
            Form if self.focused.is_some() => self.focused = None,
            Form if !self.from_guide => {
                self.step = Matter;
                self.matter = None;
            }
            // Writing the request: it is not abandoned half-way.
            Submitting => {}
            Find | Identify | Matter | Form | Done => return vec![Effect::Leave],
        }
        vec![]
    }

    /// The list of the Choose or Matter step.
    pub fn list(&self, ctx: &Context<'_>) -> Option<List> {
        let dir = ctx.directory;
        let choice = |key: String, label: String| Choice { key, label };
        match self.step {
            Step::Matter => {
                let mut rows: Vec<Choice> =
                    ctx.catalog.frequent().into_iter().map(|g| choice(g.code.clone(), g.name.clone())).collect();
                rows.push(choice(OTHER_MATTER.into(), messages::grid_other_matter(ctx.lang).into()));
                Some(List { title: messages::grid_choose_matter(ctx.lang), rows })
            }
            Step::Choose => Some(match (self.path.community, &self.path.place) {
                (None, _) => List {
                    title: messages::grid_choose_community(ctx.lang),
                    rows: dir
                        .grids()
                        // One row per community: its first grid stands for it.
                        .filter(|l| l.at.grid == 0)
                        .map(|l| {
                            choice(
                                format!("c:{}:{}", l.at.street, l.at.community),
                                format!("{} {}", l.street.name, l.community.name),
                            )
                        })
                        .collect(),
                },
                (Some(c), None) => List {
                    title: messages::grid_choose_place(ctx.lang),
                    rows: places(dir, c).into_iter().map(|(key, label)| choice(format!("p:{key}"), label)).collect(),
                },
                (Some(_), Some(_)) => List {
                    title: messages::grid_choose_number(ctx.lang),
                    rows: options(dir, &self.path)
                        .into_iter()
                        .map(|(gi, label)| choice(format!("g:{gi}"), label))
                        .collect(),
                },
            }),
            _ => None,
        }
    }

    /// The grid found, if any.
    pub fn found<'d>(&self, dir: &'d Directory) -> Option<Located<'d>> {
        self.at.and_then(|at| dir.get(at))
    }

    /// The request to write, once 提交 was accepted (the flow is submitting).
    pub fn request(&self, dir: &Directory) -> Option<ProxyRequest> {
        if self.step != Step::Submitting {
            return None;
        }
        let (Some(matter), Some(g)) = (&self.matter, self.found(dir)) else { return None };
        let worker = g.grid.workers.first()?.clone();
        let mut form = BTreeMap::from([
            ("matter".to_string(), matter.code.clone()),
            ("phone".to_string(), self.phone.clone()),
            ("time".to_string(), self.time.clone()),
            ("grid_street".to_string(), g.street.name.clone()),
            ("grid_community".to_string(), g.community.name.clone()),
            ("grid_number".to_string(), g.label()),
            ("worker_name".to_string(), worker.name.clone()),
            ("worker_phone".to_string(), worker.phone.clone()),
        ]);
        let note = (!self.note.is_empty()).then(|| self.note.clone());
        if let Some(n) = &note {
            form.insert("note".into(), n.clone());
        }
        Some(ProxyRequest {
            item_code: matter.code.clone(),
            item_name: matter.name.clone(),
            form,
            note,
            worker,
            grid_name: format!("{}{}", g.community.name, g.label()),
            grid_number: g.grid.number,
        })
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

/// A callback phone: an 11-digit mobile number, or a landline with its area code.
pub fn phone_ok(phone: &str) -> bool {
    let digits = phone.chars().all(|c| c.is_ascii_digit());
    digits
        && ((phone.len() == 11 && phone.starts_with('1'))
            || ((10..=12).contains(&phone.len()) && phone.starts_with('0')))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog;
    use crate::devices::idcard::sample_cards_on;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
    }

    fn card(key: &str) -> Card {
        sample_cards_on(today()).into_iter().find(|(k, _, _)| *k == key).unwrap().2
    }

    struct World {
        directory: Directory,
        catalog: Catalog,
    }

    impl World {
        fn new() -> World {
            World { directory: grid::bundled(), catalog: Catalog::new(catalog::bundled()) }
        }

        fn ctx(&self) -> Context<'_> {
            Context { directory: &self.directory, catalog: &self.catalog, lang: Lang::Zh }
        }

        /// The grid found, as the result screen names it: 华垅社区 第2网格.
        fn found(&self, f: &GridFlow) -> String {
            f.found(&self.directory).map(|l| format!("{} {}", l.community.name, l.label())).unwrap_or_default()
        }
    }

    fn labels(list: &List) -> Vec<&str> {
        list.rows.iter().map(|r| r.label.as_str()).collect()
    }

    fn key_of(list: &List, label: &str) -> String {
        list.rows
            .iter()
            .find(|r| r.label == label)
            .unwrap_or_else(|| panic!("{label} in {:?}", labels(list)))
            .key
            .clone()
    }

    /// Taps the row labelled `label` of the list on screen.
    fn tap_row(f: &mut GridFlow, w: &World, label: &str) -> Vec<Effect> {
        let key = key_of(&f.list(&w.ctx()).expect("a list is shown"), label);
        f.update(Event::Choose(key), &w.ctx())
    }

    fn submit(phone: &str, note: &str) -> Event {
        Event::Submit { phone: phone.into(), note: note.into() }
    }

    fn submitted() -> Submitted {
        Submitted {
            application_id: 7,
            acceptance_no: "SF-QST-01-20261122-0001".into(),
            call_back_by: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
        }
    }

    /// A flow on the form: found by the elderly card, 请网格员帮我办, 其他事项.
    fn on_the_form(w: &World) -> GridFlow {
        let mut f = GridFlow::default();
        f.update(Event::CardRead(card("elderly")), &w.ctx());
        f.update(Event::AskHelp, &w.ctx());
        tap_row(&mut f, w, "其他事项");
        assert_eq!(f.step, Step::Form);
        f
    }

    #[test]
    fn a_card_finds_the_grid_and_its_workers() {
        let w = World::new();
        let mut f = GridFlow::default();
        assert!(f.update(Event::CardRead(card("elderly")), &w.ctx()).is_empty());
        assert_eq!(f.step, Step::Result);
        assert_eq!(w.found(&f), "华垅社区 第2网格");
        assert!(f.card.is_some(), "kept for a 代办 request");
    }

    #[test]
    fn an_expired_card_finds_the_grid_but_does_not_identify() {
        let w = World::new();
        let mut f = GridFlow::default();
        f.update(Event::CardRead(card("expired")), &w.ctx());
        assert_eq!(f.step, Step::Result, "the address is still the resident's");

        let mut g = GridFlow::for_matter("LL0001", "老年人优待证办理（年审）");
        g.update(Event::CardRead(card("expired")), &w.ctx());
        assert_eq!(g.step, Step::Identify);
        assert_eq!(g.notice, Some(Notice::CardExpired));
        assert!(g.card.is_none());
    }

    #[test]
    fn an_unreadable_card_says_so_and_the_next_card_clears_it() {
        let w = World::new();
        let mut f = GridFlow::default();
        f.update(Event::CardUnreadable, &w.ctx());
        assert_eq!((f.step, f.notice.clone()), (Step::Find, Some(Notice::CardUnreadable)));
        f.update(Event::CardRead(card("elderly")), &w.ctx());
        assert_eq!((f.step, f.notice.clone()), (Step::Result, None));
    }

    #[test]
    fn a_card_without_a_matching_address_leads_to_the_lists_with_the_reason() {
        let w = World::new();
        let mut f = GridFlow::default();
        f.update(Event::CardRead(card("foreign")), &w.ctx());
        assert_eq!(f.step, Step::Choose);
        assert_eq!(f.notice, Some(Notice::NotMatched(NoMatch::Empty)));
        let list = f.list(&w.ctx()).unwrap();
        assert_eq!(list.title, messages::grid_choose_community(Lang::Zh));
        assert!(labels(&list).contains(&"清水塘街道 华垅社区"), "{:?}", labels(&list));
        tap_row(&mut f, &w, "清水塘街道 华垅社区");
        assert_eq!(f.notice, Some(Notice::NotMatched(NoMatch::Empty)), "the reason stays while choosing");
        tap_row(&mut f, &w, "华垅新村（华垅小区）");
        assert_eq!(f.list(&w.ctx()).unwrap().title, messages::grid_choose_number(Lang::Zh));
        tap_row(&mut f, &w, "华垅新村（华垅小区） 9-16栋");
        assert_eq!(f.step, Step::Result);
        assert_eq!(f.notice, None);
        // 返回 from the result goes back to the start and forgets the card.
        assert!(f.update(Event::Back, &w.ctx()).is_empty());
        assert_eq!(f.step, Step::Find);
        assert!(f.card.is_none() && f.at.is_none());
    }

    #[test]
    fn the_lists_go_community_place_number_and_back_one_level_at_a_time() {
        let w = World::new();
        let mut f = GridFlow::default();
        f.update(Event::FindByList, &w.ctx());
        assert_eq!(f.step, Step::Choose);
        tap_row(&mut f, &w, "响石岭街道 新建村社区");
        assert_eq!(f.list(&w.ctx()).unwrap().title, messages::grid_choose_place(Lang::Zh));
        tap_row(&mut f, &w, "演示路");
        assert_eq!(f.list(&w.ctx()).unwrap().title, messages::grid_choose_number(Lang::Zh));
        f.update(Event::Back, &w.ctx());
        assert_eq!(f.list(&w.ctx()).unwrap().title, messages::grid_choose_place(Lang::Zh), "back: the places again");
        f.update(Event::Back, &w.ctx());
        assert_eq!(f.list(&w.ctx()).unwrap().title, messages::grid_choose_community(Lang::Zh));
        assert!(f.update(Event::Back, &w.ctx()).is_empty());
        assert_eq!(f.step, Step::Find, "back from the first list: the start");
        assert_eq!(f.update(Event::Back, &w.ctx()), vec![Effect::Leave], "back from the start leaves");

        f = GridFlow::default();
        f.update(Event::FindByList, &w.ctx());
        tap_row(&mut f, &w, "响石岭街道 新建村社区");
        tap_row(&mut f, &w, "演示路");
        tap_row(&mut f, &w, "演示路2-40号（双号）");
        assert_eq!(f.step, Step::Result);
        assert_eq!(w.found(&f), "新建村社区 第2网格");
    }

    #[test]
    fn a_place_with_one_grid_goes_straight_to_it() {
        let w = World::new();
        let mut f = GridFlow::default();
        f.update(Event::FindByList, &w.ctx());
        tap_row(&mut f, &w, "清水塘街道 华垅社区");
        tap_row(&mut f, &w, "华垅花园");
        assert_eq!(f.step, Step::Result);
    }

    #[test]
    fn keys_that_name_nothing_change_nothing() {
        let w = World::new();
        let mut f = GridFlow::default();
        f.update(Event::FindByList, &w.ctx());
        for key in ["c:99:0", "c:x", "p:无此路", "g:0", "whatever"] {
            let before = f.clone();
            assert!(f.update(Event::Choose(key.into()), &w.ctx()).is_empty());
            assert_eq!(f, before, "{key}");
        }
        tap_row(&mut f, &w, "清水塘街道 华垅社区");
        let before = f.clone();
        f.update(Event::Choose("p:无此路".into()), &w.ctx());
        f.update(Event::Choose("g:99".into()), &w.ctx());
        assert_eq!(f, before);
    }

    #[test]
    fn asking_for_help_after_a_card_goes_to_the_matter_and_back_returns_to_the_result() {
        let w = World::new();
        let mut f = GridFlow::default();
        f.update(Event::CardRead(card("elderly")), &w.ctx());
        f.update(Event::AskHelp, &w.ctx());
        assert_eq!(f.step, Step::Matter, "the card already identified her");
        let list = f.list(&w.ctx()).unwrap();
        assert_eq!(list.title, messages::grid_choose_matter(Lang::Zh));
        assert_eq!(list.rows.last().map(|r| r.key.as_str()), Some(OTHER_MATTER));
        f.update(Event::Choose("NO-SUCH-ITEM".into()), &w.ctx());
        assert_eq!(f.step, Step::Matter, "an unknown item is no matter");
        f.update(Event::Choose("LL0001".into()), &w.ctx());
        assert_eq!(f.step, Step::Form);
        assert_eq!(f.matter.as_ref().map(|m| m.name.as_str()), Some("老年人优待证办理（年审）"));
        f.update(Event::Back, &w.ctx());
        assert_eq!((f.step, f.matter.clone()), (Step::Matter, None), "back: choose the matter again");
        f.update(Event::Back, &w.ctx());
        assert_eq!(f.step, Step::Result);
        assert!(!f.wants_help);
    }

    #[test]
    fn asking_for_help_after_the_lists_asks_for_the_card() {
        let w = World::new();
        let mut f = GridFlow::default();
        f.update(Event::FindByList, &w.ctx());
        tap_row(&mut f, &w, "清水塘街道 华垅社区");
        tap_row(&mut f, &w, "华垅花园");
        f.update(Event::AskHelp, &w.ctx());
        assert_eq!(f.step, Step::Identify);
        f.update(Event::CardRead(card("younger")), &w.ctx());
        assert_eq!(f.step, Step::Matter);
        assert_eq!(w.found(&f), "华垅社区 第5网格", "the grid chosen stays: the card identifies only");
    }

    #[test]
    fn from_a_guide_the_card_identifies_and_finds_the_grid_and_back_leaves() {
        let w = World::new();
        let mut f = GridFlow::for_matter("LL0001", "老年人优待证办理（年审）");
        assert_eq!(f.step, Step::Identify);
        f.update(Event::CardRead(card("younger")), &w.ctx());
        assert_eq!(f.step, Step::Form, "identified, grid found, matter known: the form");
        assert_eq!(w.found(&f), "新建村社区 第2网格");
        assert_eq!(f.update(Event::Back, &w.ctx()), vec![Effect::Leave], "the form was the first step of it");

        let mut g = GridFlow::for_matter("LL0001", "老年人优待证办理（年审）");
        assert_eq!(g.update(Event::Back, &w.ctx()), vec![Effect::Leave]);

        // A card whose address has no grid: the lists, and back returns to the card.
        let mut h = GridFlow::for_matter("LL0001", "老年人优待证办理（年审）");
        h.update(Event::CardRead(card("foreign")), &w.ctx());
        assert_eq!(h.step, Step::Choose);
        assert!(h.update(Event::Back, &w.ctx()).is_empty());
        assert_eq!(h.step, Step::Identify);
        assert!(h.card.is_none());
    }

    #[test]
    fn fields_get_the_keyboard_and_back_closes_it_first() {
        let w = World::new();
        let mut f = on_the_form(&w);
        assert_eq!(f.update(Event::Focus(Some(Field::Phone)), &w.ctx()), vec![Effect::Keyboard(Field::Phone)]);
        assert_eq!(f.focused, Some(Field::Phone));
        assert!(f.update(Event::Back, &w.ctx()).is_empty());
        assert_eq!((f.step, f.focused), (Step::Form, None), "back closes the keyboard");
        f.update(Event::Focus(Some(Field::Note)), &w.ctx());
        assert!(f.update(Event::Focus(None), &w.ctx()).is_empty());
        assert_eq!(f.focused, None);
    }

    #[test]
    fn the_form_says_what_to_fix() {
        let w = World::new();
        let mut f = on_the_form(&w);
        assert!(f.update(submit("1380733", ""), &w.ctx()).is_empty());
        assert_eq!(f.step, Step::Form);
        assert_eq!(f.notice, Some(Notice::Form(vec![Problem::Phone, Problem::Time])));
        f.update(Event::SetTime("下午".into()), &w.ctx());
        assert_eq!(f.notice, None, "a choice clears the list");
        let long = "长".repeat(NOTE_MAX_CHARS + 1);
        f.update(submit("13807331234", &long), &w.ctx());
        assert_eq!(f.notice, Some(Notice::Form(vec![Problem::NoteTooLong])));
        assert_eq!(f.update(submit(" 13807331234 ", &"长".repeat(NOTE_MAX_CHARS)), &w.ctx()), vec![Effect::Submit]);
        assert_eq!(f.phone, "13807331234", "trimmed");
    }

    #[test]
    fn submitting_is_once_per_request_and_prints_once() {
        let w = World::new();
        let mut f = on_the_form(&w);
        f.update(Event::SetTime("上午".into()), &w.ctx());
        f.update(Event::Focus(Some(Field::Note)), &w.ctx());
        assert_eq!(f.update(submit("13807331234", "腿脚不便"), &w.ctx()), vec![Effect::Submit]);
        assert_eq!(f.step, Step::Submitting, "submitting before the write runs");
        assert_eq!(f.focused, None, "the keyboard closes");
        assert!(f.update(submit("13807331234", "腿脚不便"), &w.ctx()).is_empty(), "a double tap submits once");
        assert!(f.update(Event::Back, &w.ctx()).is_empty(), "not abandoned half-way");
        assert_eq!(f.step, Step::Submitting);
        assert_eq!(f.update(Event::Submitted(Ok(submitted())), &w.ctx()), vec![Effect::Print]);
        assert_eq!(f.step, Step::Done);
        assert!(f.update(submit("13807331234", "腿脚不便"), &w.ctx()).is_empty(), "nor once it is done");
        assert!(f.update(Event::Submitted(Ok(submitted())), &w.ctx()).is_empty(), "and it prints once");
        assert_eq!(f.update(Event::Back, &w.ctx()), vec![Effect::Leave]);
    }

    #[test]
    fn a_failed_write_returns_to_the_form_with_the_reason() {
        let w = World::new();
        let mut f = on_the_form(&w);
        f.update(Event::SetTime("晚上".into()), &w.ctx());
        f.update(submit("073128881234", ""), &w.ctx());
        assert!(f.update(Event::Submitted(Err(SubmitError::NotSaved)), &w.ctx()).is_empty());
        assert_eq!(f.step, Step::Form);
        assert_eq!(f.notice, Some(Notice::SubmitFailed(SubmitError::NotSaved)));
        assert_eq!(f.update(submit("073128881234", ""), &w.ctx()), vec![Effect::Submit], "and may try again");
    }

    #[test]
    fn the_request_names_the_grid_the_worker_and_what_the_resident_asked() {
        let w = World::new();
        let mut f = on_the_form(&w);
        assert!(f.request(&w.directory).is_none(), "nothing to write before 提交");
        f.update(Event::SetTime("下午".into()), &w.ctx());
        f.update(submit("13807331234", ""), &w.ctx());
        let r = f.request(&w.directory).unwrap();
        assert_eq!((r.item_code.as_str(), r.item_name.as_str()), (OTHER_MATTER, "其他事项"));
        assert_eq!(r.worker.phone, "13807310102");
        assert_eq!(r.grid_name, "华垅社区第2网格");
        assert_eq!(r.grid_number, 2);
        assert_eq!(r.note, None);
        let keys: Vec<&str> = r.form.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            ["grid_community", "grid_number", "grid_street", "matter", "phone", "time", "worker_name", "worker_phone"]
        );
        assert_eq!(r.form["grid_street"], "清水塘街道");
        assert_eq!(r.form["time"], "下午");

        let mut g = on_the_form(&w);
        g.update(Event::SetTime("下午".into()), &w.ctx());
        g.update(submit("13807331234", "  请上门收材料 "), &w.ctx());
        let r = g.request(&w.directory).unwrap();
        assert_eq!(r.note.as_deref(), Some("请上门收材料"));
        assert_eq!(r.form["note"], "请上门收材料");
    }

    #[test]
    fn an_english_session_reads_english_lists_and_stores_what_the_grid_worker_reads() {
        let w = World::new();
        let en = Context { directory: &w.directory, catalog: &w.catalog, lang: Lang::En };
        let mut f = GridFlow::default();
        f.update(Event::FindByList, &en);
        assert_eq!(f.list(&en).unwrap().title, "Please choose your community");
        let mut f = GridFlow::default();
        f.update(Event::CardRead(card("elderly")), &en);
        f.update(Event::AskHelp, &en);
        let list = f.list(&en).unwrap();
        assert_eq!(list.title, "Please choose what the grid worker should help you with");
        let other = list.rows.last().unwrap();
        assert_eq!((other.key.as_str(), other.label.as_str()), (OTHER_MATTER, "Something else"));
        f.update(Event::Choose(OTHER_MATTER.into()), &en);
        f.update(Event::SetTime("Afternoon".into()), &en);
        assert_eq!(f.time, "下午", "stored as the grid worker reads it");
        f.update(submit("13807331234", ""), &en);
        let r = f.request(&w.directory).unwrap();
        assert_eq!((r.item_name.as_str(), r.form["time"].as_str()), ("其他事项", "下午"));
    }

    #[test]
    fn stray_events_change_nothing() {
        let w = World::new();
        let mut f = GridFlow::default();
        for e in [
            Event::AskHelp,
            Event::Choose("c:0:0".into()),
            Event::SetTime("上午".into()),
            Event::Focus(Some(Field::Phone)),
            submit("13807331234", ""),
            Event::Submitted(Ok(submitted())),
        ] {
            assert!(f.update(e.clone(), &w.ctx()).is_empty(), "{e:?}");
            assert_eq!(f, GridFlow::default(), "{e:?}");
        }
        f.update(Event::CardRead(card("elderly")), &w.ctx());
        let before = f.clone();
        f.update(Event::CardRead(card("younger")), &w.ctx());
        f.update(Event::FindByList, &w.ctx());
        assert_eq!(f, before, "a card or the lists on the result screen change nothing");
    }

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
