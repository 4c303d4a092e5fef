//! What a slip says, laid out for 58 or 80 mm paper (pure; no I/O).
//!
//! A [`PickupSlip`] (受理回执) or [`ChecklistSlip`] (材料清单) is plain data. [`Slip::layout`] turns it
//! into abstract [`Line`]s, each one physical printed line, already wrapped by display width (a CJK or
//! full-width character takes two columns). The ESC/POS renderer (`devices::printer::render`) and the
//! on-screen slip both draw these lines, so paper and screen always say the same thing.
//!
//! A slip is laid out in its language (the resident's session's): the fixed lines and keys come from
//! `crate::messages`; what the slip carries (the official item name, places, the masked applicant)
//! stays as stored, in Chinese.

use chrono::{Datelike, NaiveDate, NaiveDateTime, Weekday};
use rand::Rng;
use unicode_width::UnicodeWidthChar;

use crate::messages::{self, slip_text, SlipText};
use crate::privacy::{mask_id_number, mask_name};
use crate::Lang;

/// Paper width.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Paper {
    /// 58 mm roll: 32 columns of 12-dot characters, 384 dots.
    Mm58,
    /// 80 mm roll: 48 columns, 576 dots.
    Mm80,
}

impl Paper {
    /// `58` or `80`; anything else is `None`.
    pub fn from_mm(mm: u32) -> Option<Self> {
        match mm {
            58 => Some(Self::Mm58),
            80 => Some(Self::Mm80),
            _ => None,
        }
    }

    pub fn mm(self) -> u32 {
        match self {
            Self::Mm58 => 58,
            Self::Mm80 => 80,
        }
    }

    /// Text columns in the normal font (an ASCII character is one column, a CJK character two).
    pub fn columns(self) -> usize {
        match self {
            Self::Mm58 => 32,
            Self::Mm80 => 48,
        }
    }

    /// Printable width in dots (8 dots/mm).
    pub fn dots(self) -> u32 {
        match self {
            Self::Mm58 => 384,
            Self::Mm80 => 576,
        }
    }
}

/// Horizontal alignment of a text line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
}

/// One physical line of a laid-out slip.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    /// Centred, bold, double width and height; at most `columns / 2` columns wide.
    Heading(String),
    /// Plain text that fits in one line.
    Text { text: String, align: Align, bold: bool },
    /// `key` then `value` on one line. Continuation lines of a long value have an empty key and are
    /// indented by [`Line::KEY_COLUMNS`] when printed.
    KeyValue { key: String, value: String },
    /// A horizontal rule across the paper.
    Rule,
    /// A QR code carrying this text, centred.
    Qr(String),
    /// Blank lines.
    Feed(u8),
}

impl Line {
    /// Indentation of key-value continuation lines, in columns.
    pub const KEY_COLUMNS: usize = 10;

    fn text(text: impl Into<String>) -> Self {
        Line::Text { text: text.into(), align: Align::Left, bold: false }
    }

    fn centred(text: impl Into<String>, bold: bool) -> Self {
        Line::Text { text: text.into(), align: Align::Center, bold }
    }
}

/// Display width in columns: CJK and full-width characters count 2, control characters 0.
pub fn display_width(s: &str) -> usize {
    s.chars().map(|c| c.width().unwrap_or(0)).sum()
}

/// Splits `text` into pieces of at most `width` columns, never splitting a character. Existing
/// newlines start a new piece, and a space where a line breaks is dropped. A `width` under 2 is
/// treated as 2.
///
/// A run of Latin letters, digits and ASCII punctuation (a time like `9:00-12:00`, a code like
/// `SF-QST-01-20261130-0001`, a phone number like `0731-88886666`) is kept whole: when it does not
/// fit on the current line the line breaks before it. Only a run longer than a whole line is split,
/// after its last punctuation mark that fits when there is one.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(2);
    let mut out = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        let mut used = 0;
        for token in tokens(para) {
            let w = display_width(token);
            if used + w > width && !line.is_empty() {
                line.truncate(line.trim_end_matches(' ').len());
                out.push(std::mem::take(&mut line));
                used = 0;
                if token == " " {
                    continue;
                }
            }
            if w <= width {
                line.push_str(token);
                used += w;
                continue;
            }
            // A run longer than a line: whole lines of it, then the rest starts the next line.
            let mut rest = token;
            while display_width(rest) > width {
                let (head, tail) = split_run(rest, width);
                out.push(head.to_string());
                rest = tail;
            }
            line.push_str(rest);
            used = display_width(rest);
        }
        out.push(line);
    }
    out
}

/// Whether `c` belongs to a run kept whole when wrapping: ASCII letters, digits and punctuation.
fn run_char(c: char) -> bool {
    c.is_ascii_graphic()
}

/// `text` as wrapping units: each maximal run of [`run_char`]s, and every other character alone.
fn tokens(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        let first = rest.chars().next()?;
        let len =
            if run_char(first) { rest.find(|c: char| !run_char(c)).unwrap_or(rest.len()) } else { first.len_utf8() };
        let (token, tail) = rest.split_at(len);
        rest = tail;
        Some(token)
    })
}

/// Splits an ASCII run wider than `width` into a head that fits (ending after its last punctuation
/// mark when there is one) and the rest.
fn split_run(run: &str, width: usize) -> (&str, &str) {
    let fits = &run[..width.min(run.len())];
    let at = match fits.rfind(|c: char| c.is_ascii_punctuation()) {
        Some(i) if i > 0 => i + 1,
        _ => fits.len(),
    };
    run.split_at(at)
}

/// A slip of either kind.
// One slip exists at a time; boxing the larger variant would only complicate the API.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Slip {
    Pickup(PickupSlip),
    Checklist(ChecklistSlip),
}

impl Slip {
    /// Lays the slip out for `paper`.
    pub fn layout(&self, paper: Paper) -> Vec<Line> {
        match self {
            Slip::Pickup(s) => s.layout(paper),
            Slip::Checklist(s) => s.layout(paper),
        }
    }

    /// The text of the slip's QR code.
    pub fn qr_text(&self) -> &str {
        match self {
            Slip::Pickup(s) => &s.qr_text,
            Slip::Checklist(s) => &s.qr_text,
        }
    }
}

impl From<PickupSlip> for Slip {
    fn from(s: PickupSlip) -> Self {
        Slip::Pickup(s)
    }
}

impl From<ChecklistSlip> for Slip {
    fn from(s: ChecklistSlip) -> Self {
        Slip::Checklist(s)
    }
}

/// The grid worker (网格员) responsible for the applicant's address.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct GridWorker {
    pub name: String,
    pub phone: String,
}

/// A pickup slip (受理回执). Personal fields are stored already masked.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PickupSlip {
    pub centre: String,
    pub item: String,
    pub acceptance_no: String,
    /// Masked, e.g. `张*英`.
    pub applicant_masked: String,
    /// Masked, e.g. `4302**********1027`.
    pub id_masked: String,
    pub submitted_at: NaiveDateTime,
    /// When the matter is promised done (承诺办结). None for a 代办 request: nothing is promised
    /// done by a date, the grid worker calls back (`call_back_by`).
    #[serde(default)]
    pub promised_date: Option<NaiveDate>,
    /// A 代办 request: the working day by which the grid worker calls back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_back_by: Option<NaiveDate>,
    pub pickup_place: String,
    pub pickup_hours: String,
    pub grid_worker: Option<GridWorker>,
    pub pickup_code: String,
    /// Opaque; never personal data.
    pub token: String,
    /// `<base>/p/<token>`.
    pub qr_text: String,
    pub hotline: String,
    /// The 好差评 invitation line.
    pub rating_invite: String,
    /// The language of the slip's own lines (slips stored before there was a choice are Chinese).
    #[serde(default, skip_serializing_if = "is_zh")]
    pub lang: Lang,
}

fn is_zh(lang: &Lang) -> bool {
    *lang == Lang::Zh
}

/// Default 好差评 invitation.
pub const RATING_INVITE: &str = messages::rating_invite(Lang::Zh);

impl PickupSlip {
    /// Masks `name` and `id_number` with `crate::privacy`; the unmasked values are not kept.
    pub fn mask_applicant(name: &str, id_number: &str) -> (String, String) {
        (mask_name(name), mask_id_number(id_number))
    }

    /// Fictional data for the CLI, docs and tests: a fresh token and pickup code each call.
    pub fn sample(qr_base: &str) -> Self {
        let token = new_token();
        let submitted_at =
            NaiveDate::from_ymd_opt(2025, 3, 14).and_then(|d| d.and_hms_opt(10, 32, 0)).unwrap_or_default();
        let holidays = [NaiveDate::from_ymd_opt(2025, 4, 4).unwrap_or_default()];
        let (applicant_masked, id_masked) = Self::mask_applicant("张三英", "430202195801011027");
        PickupSlip {
            centre: "示例街道便民服务中心".into(),
            item: "老年人优待证换领".into(),
            acceptance_no: "SL20250314-0027".into(),
            applicant_masked,
            id_masked,
            submitted_at,
            promised_date: Some(add_working_days(submitted_at.date(), 5, &holidays)),
            call_back_by: None,
            pickup_place: "示例街道便民服务中心一楼3号窗口".into(),
            pickup_hours: "工作日9:00-12:00，14:00-17:30".into(),
            grid_worker: Some(GridWorker { name: "李*华".into(), phone: "13800000000".into() }),
            pickup_code: new_pickup_code(),
            qr_text: qr_text(qr_base, &token),
            token,
            hotline: "0731-12345678".into(),
            rating_invite: RATING_INVITE.into(),
            lang: Lang::Zh,
        }
    }

    /// The slip with its own lines in `lang`; the default 好差评 invitation follows (one set on
    /// purpose stays as it is).
    pub fn in_lang(mut self, lang: Lang) -> Self {
        if self.rating_invite == messages::rating_invite(self.lang) {
            self.rating_invite = messages::rating_invite(lang).into();
        }
        self.lang = lang;
        self
    }

    pub fn layout(&self, paper: Paper) -> Vec<Line> {
        let cols = paper.columns();
        let key = |t| slip_text(self.lang, t);
        let mut l = Vec::new();
        heading(&mut l, key(SlipText::PickupTitle), cols);
        for t in wrap(&self.centre, cols) {
            l.push(Line::centred(t, false));
        }
        l.push(Line::Rule);
        kv(&mut l, key(SlipText::Item), &self.item, cols);
        kv(&mut l, key(SlipText::AcceptanceNo), &self.acceptance_no, cols);
        kv(&mut l, key(SlipText::Applicant), &self.applicant_masked, cols);
        kv(&mut l, key(SlipText::IdNumber), &self.id_masked, cols);
        kv(&mut l, key(SlipText::SubmittedAt), &self.submitted_at.format("%Y-%m-%d %H:%M").to_string(), cols);
        if let Some(d) = self.promised_date {
            kv(&mut l, key(SlipText::PromisedBy), &d.format("%Y-%m-%d").to_string(), cols);
        }
        if let Some(d) = self.call_back_by {
            kv(&mut l, key(SlipText::CallBackBy), &messages::slip_call_back(self.lang, d), cols);
        }
        kv(&mut l, key(SlipText::PickupPlace), &self.pickup_place, cols);
        kv(&mut l, key(SlipText::PickupHours), &self.pickup_hours, cols);
        if let Some(w) = &self.grid_worker {
            kv(&mut l, key(SlipText::GridWorker), &format!("{} {}", w.name, w.phone), cols);
        }
        l.push(Line::Rule);
        heading(&mut l, &messages::slip_pickup_code(self.lang, &self.pickup_code), cols);
        l.push(Line::Qr(self.qr_text.clone()));
        for t in wrap(key(SlipText::ScanForProgress), cols) {
            l.push(Line::centred(t, false));
        }
        l.push(Line::Rule);
        kv(&mut l, key(SlipText::Hotline), &self.hotline, cols);
        for t in wrap(&self.rating_invite, cols) {
            l.push(Line::text(t));
        }
        l.push(Line::Feed(2));
        l
    }
}

/// Whether a material is the original, a copy, or both (the catalogue's own type).
pub use crate::catalog::MaterialForm;

/// One entry of a materials checklist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Material {
    pub name: String,
    pub form: MaterialForm,
    pub copies: u32,
    pub required: bool,
}

/// A guide's materials checklist (材料清单).
#[derive(Debug, Clone, PartialEq)]
pub struct ChecklistSlip {
    pub item: String,
    pub materials: Vec<Material>,
    pub place: String,
    pub hours: String,
    pub phone: String,
    /// The guide's online address.
    pub qr_text: String,
    /// The language of the slip's own lines.
    pub lang: Lang,
}

impl ChecklistSlip {
    /// The checklist of a catalogue guide: every material, and the guide's online address as the QR.
    pub fn from_guide(g: &crate::catalog::Guide) -> Self {
        ChecklistSlip {
            item: g.name.clone(),
            materials: g
                .materials
                .iter()
                .map(|m| Material { name: m.name.clone(), form: m.form, copies: m.copies, required: m.required })
                .collect(),
            place: g.place.clone(),
            hours: g.hours.clone(),
            phone: g.phone.clone(),
            qr_text: g.online_url.clone(),
            lang: Lang::Zh,
        }
    }

    /// The checklist with its own lines in `lang` (the materials stay as the catalogue names them).
    pub fn in_lang(self, lang: Lang) -> Self {
        ChecklistSlip { lang, ..self }
    }

    /// Fictional data for tests and docs.
    pub fn sample() -> Self {
        let m = |name: &str, form, copies, required| Material { name: name.into(), form, copies, required };
        ChecklistSlip {
            item: "老年人优待证换领".into(),
            materials: vec![
                m("居民身份证", MaterialForm::OriginalAndCopy, 1, true),
                m("近期一寸免冠彩色照片", MaterialForm::Original, 2, true),
                m("原老年人优待证", MaterialForm::Original, 1, false),
            ],
            place: "示例街道便民服务中心一楼综合窗口".into(),
            hours: "工作日9:00-12:00，14:00-17:30".into(),
            phone: "0731-12345678".into(),
            qr_text: "https://zwfw.example.gov.cn/g/430202-0001".into(),
            lang: Lang::Zh,
        }
    }

    pub fn layout(&self, paper: Paper) -> Vec<Line> {
        let cols = paper.columns();
        let key = |t| slip_text(self.lang, t);
        let mut l = Vec::new();
        heading(&mut l, key(SlipText::ChecklistTitle), cols);
        for t in wrap(&self.item, cols) {
            l.push(Line::centred(t, true));
        }
        l.push(Line::Rule);
        for (i, m) in self.materials.iter().enumerate() {
            let rest = messages::slip_material(self.lang, &m.name, m.form, m.copies, m.required);
            // Continuation lines are indented under the name.
            let prefix = format!("{}. ", i + 1);
            let indent = display_width(&prefix);
            let mut first = true;
            for t in wrap(&rest, cols.saturating_sub(indent)) {
                let lead = if first { prefix.clone() } else { " ".repeat(indent) };
                first = false;
                l.push(Line::text(format!("{lead}{t}")));
            }
        }
        l.push(Line::Rule);
        kv(&mut l, key(SlipText::GuidePlace), &self.place, cols);
        kv(&mut l, key(SlipText::GuideHours), &self.hours, cols);
        kv(&mut l, key(SlipText::Hotline), &self.phone, cols);
        l.push(Line::Qr(self.qr_text.clone()));
        for t in wrap(key(SlipText::ScanForGuide), cols) {
            l.push(Line::centred(t, false));
        }
        l.push(Line::Feed(2));
        l
    }
}

fn heading(out: &mut Vec<Line>, text: &str, cols: usize) {
    for t in wrap(text, cols / 2) {
        out.push(Line::Heading(t));
    }
}

fn kv(out: &mut Vec<Line>, key: &str, value: &str, cols: usize) {
    let key_w = display_width(key).max(Line::KEY_COLUMNS);
    let mut parts = wrap(value, cols.saturating_sub(key_w)).into_iter();
    let first = parts.next().unwrap_or_default();
    out.push(Line::KeyValue { key: key.to_string(), value: first });
    for p in parts {
        out.push(Line::KeyValue { key: String::new(), value: p });
    }
}

/// `start` plus `days` working days, skipping Saturdays, Sundays and `holidays`.
/// The day of `start` itself is not counted; `days = 0` returns `start`.
pub fn add_working_days(start: NaiveDate, days: u32, holidays: &[NaiveDate]) -> NaiveDate {
    add_working_days_with(start, days, holidays, &[])
}

/// Like [`add_working_days`], but a date in `workdays` (调休 make-up working days) counts as a
/// working day even on a weekend. A date in both lists is a holiday.
pub fn add_working_days_with(start: NaiveDate, days: u32, holidays: &[NaiveDate], workdays: &[NaiveDate]) -> NaiveDate {
    let mut d = start;
    let mut left = days;
    while left > 0 {
        let Some(next) = d.succ_opt() else { return d };
        d = next;
        let weekend = matches!(d.weekday(), Weekday::Sat | Weekday::Sun);
        let working = !holidays.contains(&d) && (!weekend || workdays.contains(&d));
        if working {
            left -= 1;
        }
    }
    d
}

/// Pickup-code alphabet: digits and capitals without look-alikes (no 0/O, 1/I/L, 2/Z, 5/S, 8/B).
pub const PICKUP_ALPHABET: &[u8] = b"34679ACDEFGHJKMNPQRTUVWXY";

/// A 6-character pickup code from [`PICKUP_ALPHABET`].
pub fn new_pickup_code() -> String {
    random_string(PICKUP_ALPHABET, 6)
}

/// Token alphabet: RFC 4648 base32, lower case.
const TOKEN_ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz234567";

/// An opaque random token: 20 base32 characters (100 bits).
pub fn new_token() -> String {
    random_string(TOKEN_ALPHABET, 20)
}

/// `<base>/p/<token>`, without a doubled slash.
pub fn qr_text(base: &str, token: &str) -> String {
    format!("{}/p/{}", base.trim_end_matches('/'), token)
}

fn random_string(alphabet: &[u8], len: usize) -> String {
    let mut rng = rand::rng();
    (0..len).map(|_| alphabet[rng.random_range(0..alphabet.len())] as char).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn display_width_counts_cjk_and_fullwidth_as_two() {
        assert_eq!(display_width("abc"), 3);
        assert_eq!(display_width("受理"), 4);
        assert_eq!(display_width("：（）"), 6);
        assert_eq!(display_width("Ａ1"), 3);
    }

    #[test]
    fn wrap_never_exceeds_width_or_splits_a_character() {
        let text = "示例街道便民服务中心一楼3号窗口abc";
        for width in [5, 8, 10, 32] {
            let parts = wrap(text, width);
            assert!(parts.iter().all(|p| display_width(p) <= width), "{width}: {parts:?}");
            assert_eq!(parts.concat(), text);
        }
        // A CJK character never straddles the edge: width 5 holds two (4 columns), not two and a half.
        assert_eq!(wrap("一二三四五", 5), vec!["一二", "三四", "五"]);
        assert_eq!(wrap("ab一", 3), vec!["ab", "一"]);
    }

    #[test]
    fn wrap_keeps_times_codes_and_phone_numbers_whole() {
        // The value column of a 58 mm slip: 32 columns less the 10 of the key.
        let value = Paper::Mm58.columns() - Line::KEY_COLUMNS;
        assert_eq!(wrap("工作日9:00-12:00，14:00-17:30", value), vec!["工作日9:00-12:00，", "14:00-17:30"]);
        assert_eq!(wrap("咨询请拨打0731-88886666转人工", value), vec!["咨询请拨打", "0731-88886666转人工"]);
        // Longer than a whole line: split after a '-' that fits, not inside a number.
        assert_eq!(wrap("SF-QST-01-20261130-0001", value), vec!["SF-QST-01-20261130-", "0001"]);
        assert_eq!(wrap("编号SF-QST-01-20261130-0001号", value), vec!["编号", "SF-QST-01-20261130-", "0001号"]);
        // Without punctuation a too-long run is cut at the edge.
        assert_eq!(wrap("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
        // A run that fits stays on the current line.
        assert_eq!(wrap("电话0731-1234", 20), vec!["电话0731-1234"]);
    }

    #[test]
    fn slips_on_58_mm_paper_keep_every_short_run_on_one_line() {
        let mut pickup = PickupSlip::sample("https://hub.example.cn");
        pickup.hotline = "0731-88886666".into();
        pickup.grid_worker = Some(GridWorker { name: "李*华".into(), phone: "0731-88886666".into() });
        let slips = [
            Slip::from(pickup.clone()),
            Slip::from(ChecklistSlip::sample()),
            Slip::from(pickup.in_lang(Lang::En)),
            Slip::from(ChecklistSlip::sample().in_lang(Lang::En)),
        ];
        for slip in slips {
            let lines = slip.layout(Paper::Mm58);
            let texts: Vec<String> = lines
                .iter()
                .filter_map(|l| match l {
                    Line::Heading(t) | Line::Text { text: t, .. } | Line::KeyValue { value: t, .. } => Some(t.clone()),
                    _ => None,
                })
                .collect();
            for run in ["9:00-12:00", "14:00-17:30", "0731-88886666", "0731-12345678"] {
                let whole = texts.iter().any(|t| t.contains(run));
                let anywhere = texts.concat().contains(run);
                assert!(whole || !anywhere, "{run} is split across lines: {texts:#?}");
            }
            assert!(texts.iter().any(|t| t.contains("14:00-17:30")), "{texts:#?}");
        }
    }

    #[test]
    fn every_laid_out_line_fits_the_paper() {
        for paper in [Paper::Mm58, Paper::Mm80] {
            let cols = paper.columns();
            let slips = [
                Slip::from(PickupSlip::sample("https://hub.example.cn")),
                Slip::from(ChecklistSlip::sample()),
                Slip::from(PickupSlip::sample("https://hub.example.cn").in_lang(Lang::En)),
                Slip::from(ChecklistSlip::sample().in_lang(Lang::En)),
            ];
            for slip in slips {
                for line in slip.layout(paper) {
                    let w = match &line {
                        Line::Heading(t) => 2 * display_width(t),
                        Line::Text { text, .. } => display_width(text),
                        Line::KeyValue { key, value } => {
                            display_width(key).max(Line::KEY_COLUMNS) + display_width(value)
                        }
                        _ => 0,
                    };
                    assert!(w <= cols, "{paper:?}: {line:?} is {w} columns");
                }
            }
        }
    }

    #[test]
    fn long_values_continue_under_the_value_column() {
        let mut slip = PickupSlip::sample("https://h");
        slip.pickup_place = "很长的地址".repeat(8);
        let lines = slip.layout(Paper::Mm58);
        let i = lines.iter().position(|l| matches!(l, Line::KeyValue { key, .. } if key == "领取地点：")).unwrap();
        assert!(matches!(&lines[i + 1], Line::KeyValue { key, value } if key.is_empty() && !value.is_empty()));
    }

    #[test]
    fn pickup_slip_shows_masked_applicant_only() {
        let slip = PickupSlip::sample("https://hub.example.cn/");
        assert_eq!(slip.applicant_masked, "张*英");
        assert_eq!(slip.id_masked, "4302**********1027");
        let all = format!("{:?}", slip.layout(Paper::Mm80));
        assert!(!all.contains("张三英") && !all.contains("195801"));
        assert!(slip.qr_text.starts_with("https://hub.example.cn/p/"));
        assert_eq!(slip.qr_text, qr_text("https://hub.example.cn", &slip.token));
    }

    #[test]
    fn working_days_skip_weekends() {
        // Friday 2025-03-14 + 1 working day = Monday 17th; + 5 = Friday 21st.
        assert_eq!(add_working_days(d(2025, 3, 14), 1, &[]), d(2025, 3, 17));
        assert_eq!(add_working_days(d(2025, 3, 14), 5, &[]), d(2025, 3, 21));
        // Starting on a Saturday: Monday is the first working day.
        assert_eq!(add_working_days(d(2025, 3, 15), 1, &[]), d(2025, 3, 17));
        assert_eq!(add_working_days(d(2025, 3, 14), 0, &[]), d(2025, 3, 14));
    }

    #[test]
    fn working_days_skip_holidays_and_count_make_up_days() {
        // 2025 National Day: 1–8 October off; Sunday 28 September and Saturday 11 October are worked.
        let holidays: Vec<_> = (1..=8).map(|x| d(2025, 10, x)).collect();
        let workdays = [d(2025, 9, 28), d(2025, 10, 11)];
        // Friday 26 September + 3: without make-up days 29, 30 Sep, then 9 Oct.
        assert_eq!(add_working_days(d(2025, 9, 26), 3, &holidays), d(2025, 10, 9));
        // With them: 28, 29, 30 September.
        assert_eq!(add_working_days_with(d(2025, 9, 26), 3, &holidays, &workdays), d(2025, 9, 30));
        // 30 September + 3 with make-up days: 9, 10, 11 (Saturday, worked).
        assert_eq!(add_working_days_with(d(2025, 9, 30), 3, &holidays, &workdays), d(2025, 10, 11));
    }

    #[test]
    fn pickup_codes_avoid_look_alikes() {
        for c in b"0O1IL2Z5S8B" {
            assert!(!PICKUP_ALPHABET.contains(c), "{}", *c as char);
        }
        for _ in 0..200 {
            let code = new_pickup_code();
            assert_eq!(code.len(), 6);
            assert!(code.bytes().all(|b| PICKUP_ALPHABET.contains(&b)), "{code}");
        }
    }

    #[test]
    fn tokens_are_long_random_and_url_safe() {
        let a = new_token();
        let b = new_token();
        assert_eq!(a.len(), 20);
        assert_ne!(a, b);
        assert!(a.bytes().all(|c| c.is_ascii_lowercase() || (b'2'..=b'7').contains(&c)));
    }

    #[test]
    fn a_call_back_slip_promises_no_completion_and_stored_slips_still_read() {
        let mut slip = PickupSlip::sample("https://h");
        slip.promised_date = None;
        slip.call_back_by = NaiveDate::from_ymd_opt(2025, 3, 17);
        let keys: Vec<String> = slip
            .layout(Paper::Mm58)
            .into_iter()
            .filter_map(|l| match l {
                Line::KeyValue { key, value } => Some(format!("{key}{value}")),
                _ => None,
            })
            .collect();
        assert!(!keys.iter().any(|k| k.starts_with("承诺办结")), "{keys:?}");
        assert!(keys.contains(&"回电日期：2025-03-17前".to_string()), "{keys:?}");

        // A print job stored before call-back dates existed still reads, with its promise.
        let mut stored = serde_json::to_value(PickupSlip::sample("https://h")).unwrap();
        stored.as_object_mut().unwrap().remove("call_back_by");
        assert_eq!(stored["promised_date"], "2025-03-21");
        let read: PickupSlip = serde_json::from_value(stored).unwrap();
        assert_eq!(read.promised_date, NaiveDate::from_ymd_opt(2025, 3, 21));
        assert_eq!(read.call_back_by, None);
    }

    fn texts(lines: &[Line]) -> Vec<String> {
        lines
            .iter()
            .filter_map(|l| match l {
                Line::Heading(t) | Line::Text { text: t, .. } => Some(t.clone()),
                Line::KeyValue { key, value } => Some(format!("{key}{value}")),
                _ => None,
            })
            .collect()
    }

    /// An English slip: its own lines in English, what it carries (the official item name, places,
    /// the masked applicant) as stored, the codes whole as on a Chinese one.
    #[test]
    fn an_english_slip_has_no_chinese_of_its_own() {
        let cjk = |c: char| matches!(c, '\u{3000}'..='\u{303f}' | '\u{3400}'..='\u{9fff}' | '\u{ff00}'..='\u{ffef}');
        let mut pickup = PickupSlip::sample("https://hub.example.cn").in_lang(Lang::En);
        pickup.call_back_by = NaiveDate::from_ymd_opt(2025, 3, 17);
        let mut checklist = ChecklistSlip::sample().in_lang(Lang::En);
        // Everything the slips carry in Latin letters but the official item name: any other Chinese
        // on them would be the slip's own.
        let mut latin = pickup.clone();
        (latin.centre, latin.pickup_place, latin.pickup_hours) =
            ("Demo Centre".into(), "Window 3".into(), "9:00-17:00".into());
        latin.applicant_masked = "Z*Y".into();
        latin.grid_worker = Some(GridWorker { name: "L*H".into(), phone: "13800000000".into() });
        (checklist.place, checklist.hours) = ("Window 1".into(), "9:00-17:00".into());
        for m in &mut checklist.materials {
            m.name = "Photo".into();
        }
        for paper in [Paper::Mm58, Paper::Mm80] {
            for slip in [Slip::from(latin.clone()), Slip::from(checklist.clone())] {
                let lines = texts(&slip.layout(paper));
                let own: String = lines.concat().replace("老年人优待证换领", "").chars().filter(|c| cjk(*c)).collect();
                assert!(own.is_empty(), "{paper:?}: Chinese of its own ({own}) in {lines:#?}");
            }
        }
        let lines = texts(&pickup.layout(Paper::Mm58));
        assert!(lines.contains(&"Receipt".to_string()), "{lines:#?}");
        assert!(lines.iter().any(|l| l == "Item:老年人优待证换领"), "the official name stays Chinese: {lines:#?}");
        assert!(lines.iter().any(|l| l.ends_with(&pickup.pickup_code)), "the pickup code whole: {lines:#?}");
        assert!(lines.contains(&"Call-back:by 2025-03-17".to_string()), "{lines:#?}");
        assert!(
            lines.contains(&"Applicant:张*英".to_string()) && lines.contains(&"ID no.:4302**********1027".to_string())
        );
        assert!(!format!("{lines:?}").contains("张三英"), "the name stays masked");
        assert!(lines.iter().any(|l| l.starts_with("Please rate our service")), "{lines:#?}");
        // The acceptance number breaks where a Chinese slip's does (the keys are as wide).
        let zh = texts(&PickupSlip::sample("https://h").layout(Paper::Mm58));
        let no = |ls: &[String]| ls.iter().filter(|l| l.contains("SL20250314")).cloned().collect::<Vec<_>>();
        assert_eq!(no(&lines), vec!["Ref. no.:SL20250314-0027".to_string()]);
        assert_eq!(no(&zh), vec!["受理编号：SL20250314-0027".to_string()]);
    }

    #[test]
    fn a_slip_keeps_its_language_in_the_outbox_and_old_slips_read_as_chinese() {
        let zh = PickupSlip::sample("https://h");
        let stored = serde_json::to_value(&zh).unwrap();
        assert!(stored.get("lang").is_none(), "a Chinese slip is stored as before: {stored}");
        let en = zh.clone().in_lang(Lang::En);
        let stored = serde_json::to_value(&en).unwrap();
        assert_eq!(stored["lang"], "en");
        assert_eq!(serde_json::from_value::<PickupSlip>(stored).unwrap(), en);
        assert_eq!(en.rating_invite, messages::rating_invite(Lang::En));
        assert_eq!(en.clone().in_lang(Lang::Zh), zh, "back to Chinese, the invitation too");
    }

    #[test]
    fn a_space_where_a_line_breaks_is_dropped() {
        assert_eq!(wrap("Pickup code K7M2Q9", 16), vec!["Pickup code", "K7M2Q9"]);
        assert_eq!(wrap("ab cd", 2), vec!["ab", "cd"]);
        assert_eq!(wrap("李*华 13800000000", 22), vec!["李*华 13800000000"]);
    }
}
