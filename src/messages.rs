//! Every sentence a resident reads (and hears) comes from here, in the session's language: drivers
//! and stores return typed errors and outcomes, this module words them. Every function takes the
//! [`Lang`] first; the Chinese wording is the source (tests from outside match it byte for byte), the
//! English is short, plain kiosk English. Official names (service items, departments, places, form
//! labels from the catalogue) stay in Chinese inside English sentences: they are what a resident
//! shows at the window.
//!
//! Staff-facing text (logs, staff screens, diagnostics, the command line) is not here: staff work in
//! Chinese, and it is worded where it is produced. So is what is stored for staff or departments
//! (an application's item name, the 代办 form's call-back time, rating reasons): always Chinese.

use chrono::{Datelike, NaiveDate};

use crate::app::forms::{FieldProblem, Ineligible};
use crate::catalog::{FormField, Guide, Handling, MaterialForm};
use crate::devices::idcard::CardType;
use crate::devices::idcard::FaultKind as ReaderFault;
use crate::devices::printer::{NotReady, PrintError};
use crate::devices::scanner::FaultKind as ScannerFault;
use crate::grid::NoMatch;
use crate::store::outbox::{OutboxState, Stored};
use crate::Lang;

#[path = "messages_spoken.rs"]
mod spoken;
pub use spoken::{already_submitted, choices, grid_worker, numbers, prompt, sentences, Prompt};

/// The reader's trouble, for the identification screens.
pub fn reader_fault(lang: Lang, kind: ReaderFault) -> &'static str {
    match kind {
        ReaderFault::CardUnreadable => match lang {
            Lang::Zh => "未能读取身份证，请将证件放稳后重试。",
            Lang::En => "Your ID card could not be read. Please hold it still on the reader and try again.",
        },
        ReaderFault::PortMissing | ReaderFault::NoAnswer | ReaderFault::Garbled | ReaderFault::Device(_) => {
            reader_broken(lang)
        }
    }
}

/// The reader is missing, silent or garbled: identification cannot work.
pub fn reader_broken(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "读卡器故障，请联系工作人员。",
        Lang::En => "The card reader is not working. Please ask a member of staff for help.",
    }
}

/// The scanner's trouble, for the progress page.
pub fn scanner_fault(lang: Lang, kind: ScannerFault) -> &'static str {
    match kind {
        ScannerFault::PortMissing => match lang {
            Lang::Zh => "扫码器故障，请联系工作人员。",
            Lang::En => "The code scanner is not working. Please ask a member of staff for help.",
        },
        ScannerFault::LineTooLong | ScannerFault::NotText => not_a_slip(lang),
    }
}

/// A scanned code that is not one of our slips.
pub fn not_a_slip(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "无法识别该二维码，请扫描回执上的二维码。",
        Lang::En => "This code is not recognised. Please scan the QR code on your receipt.",
    }
}

/// A slip scanned here that this terminal has no record of.
pub fn slip_not_found(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "没有找到这张回执的记录。如是在其他终端或窗口办理的，请到服务窗口查询。",
        Lang::En => {
            "No record of this receipt was found here. If you applied at another kiosk or at a service window, \
             please ask at the service window."
        }
    }
}

/// Why a slip did not print. `application_saved` adds that the application is kept (pickup slips);
/// checklists leave it out.
pub fn print_failed(lang: Lang, error: &PrintError, application_saved: bool) -> String {
    let cause = match (lang, error) {
        (Lang::Zh, PrintError::NotReady { reason: NotReady::PaperOut, .. }) => "打印机缺纸，请联系工作人员。",
        (Lang::Zh, PrintError::NotReady { reason: NotReady::CoverOpen, .. }) => "打印机盖未关好，请联系工作人员。",
        (Lang::Zh, PrintError::Interrupted { .. }) => "打印可能不完整，请联系工作人员补打。",
        (Lang::Zh, _) => "打印机暂时无法打印，请联系工作人员。",
        (Lang::En, PrintError::NotReady { reason: NotReady::PaperOut, .. }) => {
            "The printer is out of paper. Please ask a member of staff for help."
        }
        (Lang::En, PrintError::NotReady { reason: NotReady::CoverOpen, .. }) => {
            "The printer cover is open. Please ask a member of staff for help."
        }
        (Lang::En, PrintError::Interrupted { .. }) => {
            "The receipt may not have printed completely. Please ask a member of staff to print it again."
        }
        (Lang::En, _) => "The printer cannot print at the moment. Please ask a member of staff for help.",
    };
    match lang {
        Lang::Zh => format!("{cause}{}可用手机拍下屏幕上的二维码。", saved(lang, application_saved)),
        Lang::En => format!(
            "{cause} {}You can take a photo of the QR code on the screen with your phone.",
            saved(lang, application_saved)
        ),
    }
}

/// The job was sent but the printer did not confirm it afterwards: the slip has most likely come
/// out, so nothing invites a second copy.
pub fn print_unconfirmed(lang: Lang, application_saved: bool) -> String {
    match lang {
        Lang::Zh => format!(
            "回执应已打印，请查看出纸口。如没有出纸，请联系工作人员补打。{}也可用手机拍下屏幕上的二维码。",
            saved(lang, application_saved)
        ),
        Lang::En => format!(
            "Your receipt should have printed: please check the paper slot. If nothing came out, please ask a \
             member of staff to print it again. {}You can also take a photo of the QR code on the screen.",
            saved(lang, application_saved)
        ),
    }
}

/// The slip came out.
pub fn printed(lang: Lang, near_end: bool) -> &'static str {
    match (lang, near_end) {
        (Lang::Zh, true) => "已打印，请从出纸口取走。打印纸快用完了，已提醒工作人员。",
        (Lang::Zh, false) => "已打印，请从出纸口取走。",
        (Lang::En, true) => {
            "Printed. Please take it from the paper slot. The paper is running low; staff have been told."
        }
        (Lang::En, false) => "Printed. Please take it from the paper slot.",
    }
}

/// A pickup slip of a submitted application came out.
pub fn slip_printed(lang: Lang, near_end: bool) -> &'static str {
    match (lang, near_end) {
        (Lang::Zh, true) => "回执已打印，请从出纸口取走。打印纸快用完了，已提醒工作人员。",
        (Lang::Zh, false) => "回执已打印，请从出纸口取走。",
        (Lang::En, true) => {
            "Your receipt has been printed. Please take it from the paper slot. The paper is running low; staff \
             have been told."
        }
        (Lang::En, false) => "Your receipt has been printed. Please take it from the paper slot.",
    }
}

/// No printer at all on this terminal.
pub fn no_printer(lang: Lang, application_saved: bool) -> String {
    match lang {
        Lang::Zh => {
            format!(
                "打印机暂时无法打印，请联系工作人员。{}可用手机拍下屏幕上的二维码。",
                saved(lang, application_saved)
            )
        }
        Lang::En => format!(
            "The printer cannot print at the moment. Please ask a member of staff for help. {}You can take a \
             photo of the QR code on the screen with your phone.",
            saved(lang, application_saved)
        ),
    }
}

/// Before an application starts (the item list, consent, the card), when the printer last said it cannot
/// print (the idle poll or the last job): the slip will be shown on screen instead.
pub fn printer_not_ready_notice(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "打印机暂时无法打印：您仍可办理，提交后回执将显示在屏幕上，可用手机拍下屏幕上的二维码。",
        Lang::En => {
            "The printer cannot print at the moment. You can still apply: after you submit, your receipt will be \
             shown on the screen, and you can take a photo of its QR code with your phone."
        }
    }
}

/// The stored slip of an application could not be found to print.
pub fn slip_unavailable(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "回执暂时无法打印，请到服务窗口补打。",
        Lang::En => "Your receipt cannot be printed right now. Please ask for a copy at the service window.",
    }
}

/// A form field's unit in English words (" yuan"), or the catalogue's own when it has no English.
fn unit_en(unit: &str) -> String {
    match unit {
        "" => String::new(),
        "元" => " yuan".into(),
        "人" => " people".into(),
        other => format!(" {other}"),
    }
}

/// What to fix in a form field.
pub fn field_problem(lang: Lang, field: &FormField, problem: &FieldProblem) -> String {
    let label = &field.label;
    let unit = field.unit.as_deref().unwrap_or("");
    if lang == Lang::En {
        let unit = unit_en(unit);
        return match problem {
            FieldProblem::Missing => format!("Please fill in “{label}”."),
            FieldProblem::NotAnOption => format!("Please choose one of the options for “{label}”."),
            FieldProblem::NotYesNo => format!("Please choose Yes or No for “{label}”."),
            FieldProblem::BadPhone => format!(
                "“{label}” is not a valid number: a mobile number has 11 digits starting with 1; for a landline, \
                 include the area code (e.g. 07312826xxxx)."
            ),
            FieldProblem::NotANumber => format!("“{label}”: please enter digits only."),
            FieldProblem::TooSmall { min } => format!("“{label}” cannot be less than {min}{unit}."),
            FieldProblem::TooLarge { max } => format!("“{label}” cannot be more than {max}{unit}. Please check."),
            FieldProblem::BadDate => {
                format!("“{label}”: please enter the date as 8 digits, year, month, day, e.g. 20270315.")
            }
            FieldProblem::TooLong { max } => {
                format!("“{label}” can be at most {max} characters. Please shorten it.")
            }
        };
    }
    match problem {
        FieldProblem::Missing => format!("请填写{label}。"),
        FieldProblem::NotAnOption => format!("请在“{label}”的选项中点选一项。"),
        FieldProblem::NotYesNo => format!("请为“{label}”点选“是”或“否”。"),
        FieldProblem::BadPhone => {
            format!("{label}不正确：手机号是以1开头的11位数字，座机请带区号（如07312826xxxx）。")
        }
        FieldProblem::NotANumber => format!("{label}请只填数字。"),
        FieldProblem::TooSmall { min } => format!("{label}不能少于{min}{unit}。"),
        FieldProblem::TooLarge { max } => format!("{label}不能超过{max}{unit}，请核对。"),
        FieldProblem::BadDate => format!("{label}请按8位数字填写年月日，例如20270315。"),
        FieldProblem::TooLong { max } => format!("{label}最多{max}个字，请删减一些。"),
    }
}

/// Why the card's holder may not apply for `item` here.
pub fn ineligible(lang: Lang, item: &str, why: &Ineligible) -> String {
    match (lang, why) {
        (Lang::Zh, Ineligible::TooYoung { min, age }) => format!(
            "“{item}”需年满{min}周岁才能申请。根据您的身份证，您今年{age}周岁，暂不符合条件。如有疑问，请到服务窗口咨询。"
        ),
        (Lang::Zh, Ineligible::TooOld { max, age }) => {
            format!("“{item}”限{max}周岁及以下的居民申请，您今年{age}周岁。请到服务窗口咨询其他办法。")
        }
        (Lang::Zh, Ineligible::CardType) => {
            format!("“{item}”在本机只能用居民身份证办理，请带上您的证件到服务窗口办理。")
        }
        (Lang::En, Ineligible::TooYoung { min, age }) => format!(
            "You must be {min} or older to apply for “{item}”. Your ID card shows you are {age}, so you cannot \
             apply yet. If you have questions, please ask at the service window."
        ),
        (Lang::En, Ineligible::TooOld { max, age }) => format!(
            "“{item}” is for residents aged {max} or under, and you are {age}. Please ask at the service window \
             about other options."
        ),
        (Lang::En, Ineligible::CardType) => format!(
            "At this kiosk, “{item}” can only be applied for with a Resident Identity Card. Please bring your \
             documents to the service window."
        ),
    }
}

/// The card has expired.
pub fn card_expired(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "您的证件已过期，无法办理。请使用有效期内的证件，或到服务窗口咨询。",
        Lang::En => "Your ID card has expired, so you cannot apply with it. Please use a valid card, or ask at the service window.",
    }
}

/// The card's ID number fails its check digit.
pub fn card_invalid(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "证件信息校验未通过，请到服务窗口办理。",
        Lang::En => "Your card details could not be verified. Please apply at the service window.",
    }
}

/// The header when the hub refuses this terminal.
pub fn terminal_revoked(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "本终端已停用，申请暂存本机，请联系工作人员",
        Lang::En => "This kiosk is out of service. Applications are kept here. Please ask staff",
    }
}

/// The header when the hub cannot be reached.
pub fn network_down(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "网络未连接，申请会在恢复后自动上传",
        Lang::En => "Offline: applications upload automatically when the network is back",
    }
}

/// The home screen outside `[screen] hours`, for 朗读: the hours (`08:30-12:00`) and that no
/// application is taken now.
pub fn service_hours(lang: Lang, spans: &[String]) -> String {
    match lang {
        Lang::Zh => format!(
            "本机服务时间：{}。现在不在服务时间，本机暂不受理申请。请在以上时间再来，或到服务窗口咨询。",
            spans.join("，")
        ),
        Lang::En => format!(
            "Service hours of this terminal: {}. It takes no applications now. Please come back during these hours, or ask at a service window.",
            spans.join(", ")
        ),
    }
}

/// What the search screen says about a query and its hits.
pub fn search(lang: Lang, query: &str, hits: usize) -> String {
    match (lang, query.is_empty(), hits) {
        (Lang::Zh, true, _) => "请用下方键盘输入拼音或首字母，例如“老年人优待证”输入 lnrydz 或 ldyd。".to_string(),
        (Lang::Zh, false, 0) => format!("没有找到与“{query}”有关的事项。请换个拼音再试，或到服务窗口咨询。"),
        (Lang::Zh, false, n) => format!("找到 {n} 项，点击事项查看办事指南。"),
        (Lang::En, true, _) => {
            "Type the pinyin or its first letters on the keyboard below, e.g. lnrydz or ldyd for the Senior \
             Citizen Card."
                .to_string()
        }
        (Lang::En, false, 0) => {
            format!("Nothing found for “{query}”. Please try other pinyin, or ask at the service window.")
        }
        (Lang::En, false, 1) => "1 item found. Tap it to see its guide.".to_string(),
        (Lang::En, false, n) => format!("{n} items found. Tap an item to see its guide."),
    }
}

/// The outbox cannot be written at all.
pub fn store_unavailable(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "本机数据存储不可用，请到服务窗口办理。",
        Lang::En => "This kiosk cannot store applications right now. Please apply at the service window.",
    }
}

/// Writing the application failed: nothing was kept.
pub fn submit_failed(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "提交没有成功，您的信息未保存。请再点一次提交，或到服务窗口办理。",
        Lang::En => {
            "Your application was not submitted and your details were not saved. Please tap Submit again, or \
             apply at the service window."
        }
    }
}

/// Writing the application failed for want of disk space: nothing was kept, and staff must free space.
pub fn submit_no_space(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "本机存储空间已满，申请未能提交，请联系工作人员。",
        Lang::En => {
            "This kiosk's storage is full, so your application was not submitted. Please ask a member of staff."
        }
    }
}

/// The header while the data folder's disk is full (for staff: nothing can be submitted until space
/// is freed).
pub fn storage_full(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "存储空间已满，暂不能提交申请，请工作人员清理",
        Lang::En => "Storage full: applications cannot be submitted. Staff: please free disk space",
    }
}

/// The application breaks the wire contract (e.g. a card field the department cannot take): kept out
/// of the outbox, so a retry cannot help.
pub fn submit_refused(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "本机无法提交这份申请（证件或填写的信息不符合上报要求），您的信息未保存。请到服务窗口办理。",
        Lang::En => {
            "This kiosk cannot submit this application (the card or the details entered do not meet the \
             department's requirements). Your details were not saved. Please apply at the service window."
        }
    }
}

/// An immediate item (即办件).
pub fn on_the_spot(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "当场办结",
        Lang::En => "Done on the spot",
    }
}

/// Every problem of a form, in one sentence at the top.
pub fn form_problems(lang: Lang, problems: &[&str]) -> String {
    match (lang, problems.len()) {
        (Lang::Zh, n) => format!("请修改以下{n}处：{}", problems.join("")),
        (Lang::En, 1) => format!("Please correct 1 item: {}", problems.join(" ")),
        (Lang::En, n) => format!("Please correct {n} items: {}", problems.join(" ")),
    }
}

/// "30 November 2026".
fn date_en(d: NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

/// "2026年12月4日前" / "by 4 December 2026".
pub fn promised_by(lang: Lang, d: NaiveDate) -> String {
    match lang {
        Lang::Zh => format!("{}年{}月{}日前", d.format("%Y"), d.format("%-m"), d.format("%-d")),
        Lang::En => format!("by {}", date_en(d)),
    }
}

/// The kind of card, as the resident calls it.
pub fn card_type(lang: Lang, t: CardType) -> &'static str {
    match (lang, t) {
        (Lang::Zh, CardType::Resident) => "居民身份证",
        (Lang::Zh, CardType::HkMoTw) => "港澳台居民居住证",
        (Lang::Zh, CardType::Foreign) => "外国人永久居留身份证",
        (Lang::En, CardType::Resident) => "Resident Identity Card",
        (Lang::En, CardType::HkMoTw) => "Residence Permit for Hong Kong, Macao and Taiwan Residents",
        (Lang::En, CardType::Foreign) => "Foreign Permanent Resident ID Card",
    }
}

/// A row of what the card says, on the confirmation screens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardRow {
    Name,
    IdNumber,
    Age,
    CardType,
}

/// The label of a card row.
pub fn card_row(lang: Lang, row: CardRow) -> &'static str {
    match (lang, row) {
        (Lang::Zh, CardRow::Name) => "姓名",
        (Lang::Zh, CardRow::IdNumber) => "证件号码",
        (Lang::Zh, CardRow::Age) => "年龄",
        (Lang::Zh, CardRow::CardType) => "证件类型",
        (Lang::En, CardRow::Name) => "Name",
        (Lang::En, CardRow::IdNumber) => "ID number",
        (Lang::En, CardRow::Age) => "Age",
        (Lang::En, CardRow::CardType) => "Card type",
    }
}

/// "72周岁" / "72 years".
pub fn age(lang: Lang, years: u32) -> String {
    match lang {
        Lang::Zh => format!("{years}周岁"),
        Lang::En => format!("{years} years"),
    }
}

/// A 是 / 否 answer as shown (the stored value is always 是 or 否).
pub fn yes_no(lang: Lang, value: &str) -> String {
    match (lang, value) {
        (Lang::En, "是") => "Yes".into(),
        (Lang::En, "否") => "No".into(),
        _ => value.into(),
    }
}

/// The stored 是 / 否 of an answer tapped in either language ("Yes" → 是); anything else unchanged.
pub fn yes_no_value(shown: &str) -> String {
    match shown.trim().to_ascii_lowercase().as_str() {
        "yes" => "是".into(),
        "no" => "否".into(),
        _ => shown.into(),
    }
}

/// Demo: no slip on this terminal yet to scan.
pub fn no_slip_to_scan(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "本机还没有回执可以模拟扫码。",
        Lang::En => "There is no receipt on this kiosk yet to scan as a demonstration.",
    }
}

/// Demo: no scanner.
pub fn no_scanner(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "扫码器未连接。",
        Lang::En => "The code scanner is not connected.",
    }
}

/// What a progress query by card found.
pub fn records_found(lang: Lang, n: usize) -> String {
    match (lang, n) {
        (Lang::Zh, 0) => "本机没有您的办理记录。在窗口或其他终端办理的事项，请到服务窗口查询。".into(),
        (Lang::Zh, n) => format!("找到 {n} 条办理记录。"),
        (Lang::En, 0) => {
            "This kiosk has no applications of yours. For applications made at a service window or another \
             kiosk, please ask at the service window."
                .into()
        }
        (Lang::En, 1) => "1 application found.".into(),
        (Lang::En, n) => format!("{n} applications found."),
    }
}

/// A 即办件's or 承诺件's time limit in short: "当场办结" / "10个工作日" (the guide lists).
fn handling_short(lang: Lang, g: &Guide) -> String {
    match (lang, g.handling) {
        (Lang::Zh, Handling::Immediate) => "即办件 当场办结".into(),
        (Lang::Zh, Handling::Promised) => format!("承诺件 {}个工作日", g.promised_days),
        (Lang::En, Handling::Immediate) => on_the_spot(lang).into(),
        (Lang::En, Handling::Promised) if g.promised_days == 1 => "1 working day".into(),
        (Lang::En, Handling::Promised) => format!("{} working days", g.promised_days),
    }
}

/// "民政局 · 承诺件 10个工作日" / "民政局 · 即办件 当场办结" (the department stays as named).
pub fn guide_summary(lang: Lang, g: &Guide) -> String {
    match (lang, g.summary_in(lang)) {
        (Lang::En, Some(summary)) => format!("{summary} · {}", handling_short(lang, g)),
        _ => format!("{} · {}", g.department, handling_short(lang, g)),
    }
}

/// A material's form: 原件, 复印件, 原件及复印件.
pub fn material_form(lang: Lang, form: MaterialForm) -> &'static str {
    match (lang, form) {
        (Lang::Zh, form) => form.label(),
        (Lang::En, MaterialForm::Original) => "original",
        (Lang::En, MaterialForm::Copy) => "copy",
        (Lang::En, MaterialForm::OriginalAndCopy) => "original and copy",
    }
}

/// The titled sections of a guide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Conditions,
    Materials,
    Steps,
    TimeLimit,
    Visits,
    Fee,
    Place,
    Hours,
    Phone,
    Complaints,
    Terminal,
    ServiceObject,
    LegalBasis,
    Faq,
}

fn section_title(lang: Lang, s: Section) -> &'static str {
    use Section::*;
    match (lang, s) {
        (Lang::Zh, Conditions) => "受理条件",
        (Lang::Zh, Materials) => "申请材料",
        (Lang::Zh, Steps) => "办理流程",
        (Lang::Zh, TimeLimit) => "办理时限",
        (Lang::Zh, Visits) => "到现场次数",
        (Lang::Zh, Fee) => "收费标准",
        (Lang::Zh, Place) => "办理地点",
        (Lang::Zh, Hours) => "办理时间",
        (Lang::Zh, Phone) => "咨询电话",
        (Lang::Zh, Complaints) => "监督投诉电话",
        (Lang::Zh, Terminal) => "本机办理",
        (Lang::Zh, ServiceObject) => "服务对象",
        (Lang::Zh, LegalBasis) => "设定依据",
        (Lang::Zh, Faq) => "常见问题",
        (Lang::En, Conditions) => "Who can apply",
        (Lang::En, Materials) => "What to bring",
        (Lang::En, Steps) => "Steps",
        (Lang::En, TimeLimit) => "Time limit",
        (Lang::En, Visits) => "Visits needed",
        (Lang::En, Fee) => "Fee",
        (Lang::En, Place) => "Where",
        (Lang::En, Hours) => "Opening hours",
        (Lang::En, Phone) => "Enquiries",
        (Lang::En, Complaints) => "Complaints",
        (Lang::En, Terminal) => "At this kiosk",
        (Lang::En, ServiceObject) => "Who it is for",
        (Lang::En, LegalBasis) => "Legal basis",
        (Lang::En, Faq) => "Questions and answers",
    }
}

/// The one line before an English guide whose content the catalogue has in Chinese only.
pub fn chinese_only_note(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "",
        Lang::En => "This guide is available in Chinese only. Staff at the service window can help.",
    }
}

/// Every guide field as titled sections, in the order a resident needs them. The catalogue's content
/// (conditions, materials, steps, places) is Chinese: in English it comes after a one-line note.
pub fn guide_sections(lang: Lang, g: &Guide) -> Vec<(String, Vec<String>)> {
    let en = lang == Lang::En;
    let title = |s| section_title(lang, s).to_string();
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    if en {
        out.push(("Note".into(), vec![chinese_only_note(lang).into()]));
    }
    let numbered = |items: &[String]| -> Vec<String> {
        items.iter().enumerate().map(|(i, s)| format!("{}. {}", i + 1, s)).collect()
    };
    out.push((title(Section::Conditions), numbered(&g.conditions)));
    out.push((
        title(Section::Materials),
        g.materials
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let form = material_form(lang, m.form);
                let mut line = match (en, m.required) {
                    (false, required) => format!(
                        "{}. {}：{} {}份{}",
                        i + 1,
                        m.name,
                        form,
                        m.copies,
                        if required { "（必需）" } else { "（如有）" }
                    ),
                    (true, true) => format!("{}. {}: {form} x{} (required)", i + 1, m.name, m.copies),
                    (true, false) => format!("{}. {}: {form} x{} (if you have it)", i + 1, m.name, m.copies),
                };
                if let Some(n) = &m.notes {
                    line.push_str(&if en { format!(". {n}") } else { format!("。{n}") });
                }
                line
            })
            .collect(),
    ));
    out.push((
        title(Section::Steps),
        g.steps
            .iter()
            .enumerate()
            .map(|(i, s)| if en { format!("Step {}: {}", i + 1, s) } else { format!("第{}步：{}", i + 1, s) })
            .collect(),
    ));
    let limit = match (lang, g.handling, g.statutory_days) {
        (Lang::Zh, Handling::Immediate, _) => "即办件：材料齐全的，当场办结。".to_string(),
        (Lang::Zh, Handling::Promised, Some(law)) => {
            format!("承诺件：受理后 {} 个工作日内办结（法定时限 {} 个工作日）。", g.promised_days, law)
        }
        (Lang::Zh, Handling::Promised, None) => format!("承诺件：受理后 {} 个工作日内办结。", g.promised_days),
        (Lang::En, Handling::Immediate, _) => "Done on the spot when all materials are complete.".to_string(),
        (Lang::En, Handling::Promised, Some(law)) => {
            format!("Done within {} working days of acceptance (legal limit: {} working days).", g.promised_days, law)
        }
        (Lang::En, Handling::Promised, None) => {
            format!("Done within {} working days of acceptance.", g.promised_days)
        }
    };
    out.push((title(Section::TimeLimit), vec![limit]));
    let visits = match (lang, g.visits) {
        (Lang::Zh, 0) => "不用到现场".to_string(),
        (Lang::Zh, n) => format!("最多跑 {n} 次"),
        (Lang::En, 0) => "No visit needed".to_string(),
        (Lang::En, 1) => "At most 1 visit".to_string(),
        (Lang::En, n) => format!("At most {n} visits"),
    };
    out.push((title(Section::Visits), vec![visits]));
    let free = if en { "Free" } else { "不收费" };
    out.push((title(Section::Fee), vec![g.fee.clone().unwrap_or_else(|| free.into())]));
    out.push((title(Section::Place), vec![g.place.clone()]));
    out.push((title(Section::Hours), vec![g.hours.clone()]));
    out.push((title(Section::Phone), vec![g.phone.clone()]));
    out.push((title(Section::Complaints), vec![g.complaint_phone.clone()]));
    let terminal = match (lang, g.terminal) {
        (Lang::Zh, true) => "支持在本机刷身份证办理",
        (Lang::Zh, false) => "本机可查看指南，办理请到窗口",
        (Lang::En, true) => "You can apply here with your ID card",
        (Lang::En, false) => "Guide only: please apply at the service window",
    };
    out.push((title(Section::Terminal), vec![terminal.into()]));
    let object = if en {
        format!("{} ({})", g.service_object, g.item_type)
    } else {
        format!("{}（{}）", g.service_object, g.item_type)
    };
    out.push((title(Section::ServiceObject), vec![object]));
    if let Some(basis) = &g.legal_basis {
        out.push((title(Section::LegalBasis), vec![basis.clone()]));
    }
    if !g.faq.is_empty() {
        let (q, a) = if en { ("Q: ", "A: ") } else { ("问：", "答：") };
        out.push((
            title(Section::Faq),
            g.faq.iter().flat_map(|f| [format!("{q}{}", f.q), format!("{a}{}", f.a)]).collect(),
        ));
    }
    out
}

/// The state in plain words: (status, explanation).
pub fn progress(lang: Lang, app: &Stored) -> (String, String) {
    match (lang, app.state) {
        (Lang::Zh, OutboxState::Queued) => (
            "已受理，等待上传".into(),
            "您的申请已保存在本机，会自动上传给主管部门；网络不通时恢复后自动上传，不用重新办理。".into(),
        ),
        (Lang::En, OutboxState::Queued) => (
            "Received, waiting to upload".into(),
            "Your application is saved on this kiosk and will be sent to the department automatically. If the \
             network is down, it is sent when the network is back: you do not need to apply again."
                .into(),
        ),
        // The hub's phone page says the same (the words live in the contract).
        _ => kiosk_contract::wording::progress(lang == Lang::En, app.hub_status.as_deref(), app.hub_note.as_deref()),
    }
}

/// "11月22日 星期日 10:35" / "Sun 22 Nov 10:35".
pub fn clock(lang: Lang, now: &chrono::DateTime<chrono::Local>) -> String {
    match lang {
        Lang::Zh => {
            const DAYS: [&str; 7] = ["一", "二", "三", "四", "五", "六", "日"];
            format!(
                "{}月{}日 星期{} {}",
                now.month(),
                now.day(),
                DAYS[now.weekday().num_days_from_monday() as usize],
                now.format("%H:%M")
            )
        }
        Lang::En => now.format("%a %-d %b %H:%M").to_string(),
    }
}

fn saved(lang: Lang, application_saved: bool) -> &'static str {
    match (lang, application_saved) {
        (Lang::Zh, true) => "您的申请已保存，",
        (Lang::En, true) => "Your application has been saved. ",
        (_, false) => "",
    }
}

/// A reason for a low rating, as shown; the stored reason is always the Chinese one of
/// `crate::app::flow::RATING_REASONS`.
pub fn rating_reason(lang: Lang, reason: &str) -> String {
    let en = match reason {
        "等待时间长" => "Long wait",
        "操作不方便" => "Hard to use",
        "字太小看不清" => "Text too small",
        "材料要求说不清" => "Unclear requirements",
        "结果不满意" => "Unhappy with the result",
        "其他" => "Other",
        other => other,
    };
    match lang {
        Lang::Zh => reason.into(),
        Lang::En => en.into(),
    }
}

// ---- Slips (src/slip.rs): the resident-facing lines; what the slip carries stays as stored ----

/// A fixed line or key of a slip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlipText {
    /// The pickup slip's heading.
    PickupTitle,
    Item,
    AcceptanceNo,
    Applicant,
    IdNumber,
    SubmittedAt,
    PromisedBy,
    CallBackBy,
    PickupPlace,
    PickupHours,
    GridWorker,
    /// Under the pickup slip's QR.
    ScanForProgress,
    Hotline,
    /// The materials checklist's heading.
    ChecklistTitle,
    GuidePlace,
    GuideHours,
    /// Under the checklist's QR.
    ScanForGuide,
}

impl SlipText {
    pub const ALL: [SlipText; 17] = {
        use SlipText::*;
        [
            PickupTitle,
            Item,
            AcceptanceNo,
            Applicant,
            IdNumber,
            SubmittedAt,
            PromisedBy,
            CallBackBy,
            PickupPlace,
            PickupHours,
            GridWorker,
            ScanForProgress,
            Hotline,
            ChecklistTitle,
            GuidePlace,
            GuideHours,
            ScanForGuide,
        ]
    };

    /// A key before a value (not a heading or a line under a QR).
    pub fn is_key(self) -> bool {
        !matches!(
            self,
            SlipText::PickupTitle | SlipText::ScanForProgress | SlipText::ChecklistTitle | SlipText::ScanForGuide
        )
    }
}

/// A fixed line or key of a slip. Keys fit [`crate::slip::Line::KEY_COLUMNS`] (10 columns), so a
/// value has the same room in either language and codes stay whole.
pub fn slip_text(lang: Lang, t: SlipText) -> &'static str {
    use SlipText::*;
    match (lang, t) {
        (Lang::Zh, PickupTitle) => "受理回执",
        (Lang::Zh, Item) => "办理事项：",
        (Lang::Zh, AcceptanceNo) => "受理编号：",
        (Lang::Zh, Applicant) => "申 请 人：",
        (Lang::Zh, IdNumber) => "证件号码：",
        (Lang::Zh, SubmittedAt) => "提交时间：",
        (Lang::Zh, PromisedBy) => "承诺办结：",
        (Lang::Zh, CallBackBy) => "回电日期：",
        (Lang::Zh, PickupPlace) => "领取地点：",
        (Lang::Zh, PickupHours) => "领取时间：",
        (Lang::Zh, GridWorker) => "网 格 员：",
        (Lang::Zh, ScanForProgress) => "扫码查看办理进度",
        (Lang::Zh, Hotline) => "咨询电话：",
        (Lang::Zh, ChecklistTitle) => "材料清单",
        (Lang::Zh, GuidePlace) => "办理地点：",
        (Lang::Zh, GuideHours) => "办理时间：",
        (Lang::Zh, ScanForGuide) => "扫码查看办事指南",
        (Lang::En, PickupTitle) => "Receipt",
        (Lang::En, Item) => "Item:",
        (Lang::En, AcceptanceNo) => "Ref. no.:",
        (Lang::En, Applicant) => "Applicant:",
        (Lang::En, IdNumber) => "ID no.:",
        (Lang::En, SubmittedAt) => "Submitted:",
        (Lang::En, PromisedBy) => "Ready by:",
        (Lang::En, CallBackBy) => "Call-back:",
        (Lang::En, PickupPlace) => "Collect:",
        (Lang::En, PickupHours) => "Hours:",
        (Lang::En, GridWorker) => "Worker:",
        (Lang::En, ScanForProgress) => "Scan to check progress",
        (Lang::En, Hotline) => "Helpline:",
        (Lang::En, ChecklistTitle) => "What to bring",
        (Lang::En, GuidePlace) => "Where:",
        (Lang::En, GuideHours) => "Hours:",
        (Lang::En, ScanForGuide) => "Scan for the full guide",
    }
}

/// The call-back date's value on a slip: "2025-03-17前" / "by 2025-03-17" (slips keep numeric dates:
/// short, and the same on 58 mm paper in either language).
pub fn slip_call_back(lang: Lang, d: NaiveDate) -> String {
    match lang {
        Lang::Zh => format!("{}前", d.format("%Y-%m-%d")),
        Lang::En => format!("by {}", d.format("%Y-%m-%d")),
    }
}

/// The pickup code heading: "取件码 K7M2Q9".
pub fn slip_pickup_code(lang: Lang, code: &str) -> String {
    match lang {
        Lang::Zh => format!("取件码 {code}"),
        Lang::En => format!("Pickup code {code}"),
    }
}

/// One material of a checklist slip, without its number: "居民身份证（原件及复印件 1份，必需）".
pub fn slip_material(lang: Lang, name: &str, form: MaterialForm, copies: u32, required: bool) -> String {
    let form = material_form(lang, form);
    match (lang, required) {
        (Lang::Zh, required) => format!("{name}（{form} {copies}份，{}）", if required { "必需" } else { "如有" }),
        (Lang::En, true) => format!("{name} ({form} x{copies}, required)"),
        (Lang::En, false) => format!("{name} ({form} x{copies}, if you have it)"),
    }
}

/// The 好差评 invitation at the foot of a pickup slip.
pub const fn rating_invite(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "请为本次服务评价：在终端点“好差评”或扫码",
        Lang::En => "Please rate our service at the kiosk or by scanning the code",
    }
}

/// The item line of a 代办 request's slip: "网格员代办：老年人优待证办理（年审）".
pub fn proxy_item(lang: Lang, item: &str) -> String {
    match lang {
        Lang::Zh => format!("网格员代办：{item}"),
        Lang::En => format!("By your grid worker: {item}"),
    }
}

/// Where a 代办 request is handled: "华垅社区第2网格网格员上门服务".
pub fn proxy_place(lang: Lang, grid: &str) -> String {
    match lang {
        Lang::Zh => format!("{grid}网格员上门服务"),
        Lang::En => format!("Home visit by the grid worker of {grid}"),
    }
}

// ---- 找网格员 and 代办 (src/app/grid.rs, src/ui/grid.rs) ----

/// The title of the first address list.
pub fn grid_choose_community(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "请选择您所在的社区",
        Lang::En => "Please choose your community",
    }
}

/// The title of the list of compounds and roads.
pub fn grid_choose_place(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "请选择您住的小区或道路",
        Lang::En => "Please choose your housing estate or road",
    }
}

/// The title of the list of house numbers and buildings.
pub fn grid_choose_number(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "请选择门牌号或楼栋",
        Lang::En => "Please choose your house number or building",
    }
}

/// The title of the list of matters a grid worker can handle.
pub fn grid_choose_matter(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "请选择要网格员帮您办的事项",
        Lang::En => "Please choose what the grid worker should help you with",
    }
}

/// The matter that is none of the listed items (stored in Chinese, as the grid worker reads it).
pub fn grid_other_matter(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "其他事项",
        Lang::En => "Something else",
    }
}

/// A grid's name within its community: "第2网格" / "Grid 2".
pub fn grid_label(lang: Lang, number: u32) -> String {
    match lang {
        Lang::Zh => crate::grid::model::grid_label(number),
        Lang::En => format!("Grid {number}"),
    }
}

/// Why a card's address found no grid (also the command line's `reason`, in Chinese).
pub fn no_match(lang: Lang, why: &NoMatch) -> String {
    match (lang, why) {
        (Lang::Zh, NoMatch::Empty) => "证件上没有住址，无法自动查找网格。".into(),
        (Lang::Zh, NoMatch::OutsideArea) => "该地址不在本终端所在区的网格名录范围内。".into(),
        (Lang::Zh, NoMatch::UnknownStreet(s)) => format!("网格名录中没有“{s}”。"),
        (Lang::Zh, NoMatch::UnknownCommunity(c)) => format!("网格名录中没有“{c}”。"),
        (Lang::Zh, NoMatch::NeedsBuilding) => "该门牌号按楼栋分属不同网格，地址中没有楼栋号，无法确定网格。".into(),
        (Lang::Zh, NoMatch::Ambiguous) => "该地址对应不止一个网格，无法自动确定。".into(),
        (Lang::Zh, NoMatch::NotCovered) => "网格名录中没有找到覆盖该地址的网格。".into(),
        (Lang::En, NoMatch::Empty) => "your card shows no address.".into(),
        (Lang::En, NoMatch::OutsideArea) => "the address is outside the area this kiosk serves.".into(),
        (Lang::En, NoMatch::UnknownStreet(s)) => format!("“{s}” is not in the grid directory."),
        (Lang::En, NoMatch::UnknownCommunity(c)) => format!("“{c}” is not in the grid directory."),
        (Lang::En, NoMatch::NeedsBuilding) => {
            "this house number is split between grids by building, and the address has no building number.".into()
        }
        (Lang::En, NoMatch::Ambiguous) => "the address belongs to more than one grid.".into(),
        (Lang::En, NoMatch::NotCovered) => "no grid in the directory covers this address.".into(),
    }
}

/// The call-back times a resident chooses from, as stored (the grid worker reads them).
pub const CALL_TIMES: [&str; 3] = ["上午", "下午", "晚上"];

/// A call-back time as shown: 上午 → "Morning".
pub fn call_time(lang: Lang, time: &str) -> String {
    match (lang, time) {
        (Lang::En, "上午") => "Morning".into(),
        (Lang::En, "下午") => "Afternoon".into(),
        (Lang::En, "晚上") => "Evening".into(),
        _ => time.into(),
    }
}

/// The stored call-back time of a button tapped in either language ("Morning" → 上午); anything
/// else unchanged.
pub fn call_time_value(shown: &str) -> String {
    let t = shown.trim();
    CALL_TIMES
        .iter()
        .find(|zh| **zh == t || call_time(Lang::En, zh).eq_ignore_ascii_case(t))
        .map_or_else(|| shown.to_string(), |zh| zh.to_string())
}

/// What the grid page tells the resident.
pub fn grid_notice(lang: Lang, notice: &crate::app::grid::Notice) -> String {
    use crate::app::grid::{Notice, Problem, SubmitError};
    let en = lang == Lang::En;
    match notice {
        Notice::NotMatched(why) if en => {
            format!("Your grid could not be found automatically: {} Please choose by address.", no_match(lang, why))
        }
        Notice::NotMatched(why) => format!("没有自动找到您的网格：{}请按地址选择。", no_match(lang, why)),
        Notice::CardExpired if en => {
            "Your ID card has expired. Please use a valid ID card, or go to the service window.".into()
        }
        Notice::CardExpired => "您的证件已过期，请使用有效期内的身份证，或到服务窗口办理。".into(),
        Notice::CardUnreadable => reader_fault(lang, ReaderFault::CardUnreadable).into(),
        Notice::Form(problems) => {
            let n = crate::app::grid::NOTE_MAX_CHARS;
            let each: Vec<String> = problems
                .iter()
                .map(|p| match (en, p) {
                    (false, Problem::Phone) => "请输入11位手机号码，或带区号的固定电话。".to_string(),
                    (false, Problem::Time) => "请选择希望网格员联系您的时间。".to_string(),
                    (false, Problem::NoteTooLong) => format!("留言请不超过{n}个字。"),
                    (true, Problem::Phone) => {
                        "Please enter an 11-digit mobile number, or a landline with its area code.".to_string()
                    }
                    (true, Problem::Time) => "Please choose when the grid worker should call you.".to_string(),
                    (true, Problem::NoteTooLong) => format!("Please keep your message to {n} characters or fewer."),
                })
                .collect();
            let refs: Vec<&str> = each.iter().map(String::as_str).collect();
            form_problems(lang, &refs)
        }
        Notice::SubmitFailed(SubmitError::NoStore) if en => {
            "This kiosk cannot store requests right now. Please call the grid worker directly.".into()
        }
        Notice::SubmitFailed(SubmitError::NoStore) => "本机数据存储不可用，请直接拨打网格员电话。".into(),
        Notice::SubmitFailed(SubmitError::NotSaved) if en => {
            "Your request was not submitted and your details were not saved. Please tap Submit again, or call \
             the grid worker directly."
                .into()
        }
        Notice::SubmitFailed(SubmitError::NotSaved) => {
            "提交没有成功，您的信息未保存。请再点一次提交，或直接拨打网格员电话。".into()
        }
        Notice::SubmitFailed(SubmitError::NoSpace) if en => {
            "This kiosk's storage is full, so your request was not submitted. Please ask a member of staff, or \
             call the grid worker directly."
                .into()
        }
        Notice::SubmitFailed(SubmitError::NoSpace) => {
            "本机存储空间已满，请求未能提交，请联系工作人员，或直接拨打网格员电话。".into()
        }
    }
}

/// When the grid worker calls back about a submitted 代办 request (`time`: 上午 / 下午 / 晚上, as stored).
pub fn grid_call_back(lang: Lang, by: NaiveDate, time: &str) -> String {
    match lang {
        Lang::Zh => {
            format!("网格员会在{}月{}日前、您选的时间（{time}）打电话与您联系，请保持电话畅通。", by.month(), by.day())
        }
        Lang::En => format!(
            "The grid worker will call you by {} {}, in the time you chose ({}). Please keep your phone on.",
            by.day(),
            by.format("%B"),
            call_time(lang, time).to_lowercase()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reader_fault_tells_the_resident_something() {
        use crate::devices::idcard::protocol::Sw3;
        for kind in [
            ReaderFault::PortMissing,
            ReaderFault::NoAnswer,
            ReaderFault::Garbled,
            ReaderFault::Device(Sw3::SamSelfTestFailed),
            ReaderFault::CardUnreadable,
        ] {
            assert!(reader_fault(Lang::Zh, kind).ends_with('。'), "{kind:?}");
            assert!(reader_fault(Lang::En, kind).ends_with('.'), "{kind:?}");
        }
    }

    #[test]
    fn an_unconfirmed_print_does_not_ask_for_a_retry() {
        let m = print_unconfirmed(Lang::Zh, true);
        assert!(m.contains("出纸口") && m.contains("申请已保存"));
        assert!(!m.contains("再试"));
        let m = print_unconfirmed(Lang::En, true);
        assert!(m.contains("paper slot") && m.contains("application has been saved"));
        assert!(!m.contains("try again"));
    }

    #[test]
    fn the_grid_form_lists_every_problem() {
        use crate::app::grid::{Notice, Problem};
        let m = grid_notice(Lang::Zh, &Notice::Form(vec![Problem::Phone, Problem::Time]));
        assert_eq!(m, "请修改以下2处：请输入11位手机号码，或带区号的固定电话。请选择希望网格员联系您的时间。");
        let by = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert_eq!(
            grid_call_back(Lang::Zh, by, "下午"),
            "网格员会在11月23日前、您选的时间（下午）打电话与您联系，请保持电话畅通。"
        );
        let m = grid_notice(Lang::En, &Notice::Form(vec![Problem::Phone, Problem::Time]));
        assert!(m.starts_with("Please correct 2 items: Please enter an 11-digit"), "{m}");
        assert_eq!(
            grid_call_back(Lang::En, by, "下午"),
            "The grid worker will call you by 23 November, in the time you chose (afternoon). Please keep your \
             phone on."
        );
    }

    #[test]
    fn english_dates_name_the_month() {
        let d = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        assert_eq!(promised_by(Lang::En, d), "by 30 November 2026");
        assert_eq!(promised_by(Lang::Zh, d), "2026年11月30日前");
    }

    #[test]
    fn answers_tapped_in_english_are_stored_in_chinese() {
        assert_eq!(yes_no_value("Yes"), "是");
        assert_eq!(yes_no_value("no"), "否");
        assert_eq!(yes_no_value("是"), "是");
        assert_eq!(yes_no_value("二孩"), "二孩");
        for zh in CALL_TIMES {
            assert_eq!(call_time_value(&call_time(Lang::En, zh)), zh);
            assert_eq!(call_time_value(zh), zh);
        }
        assert_eq!(call_time_value("MORNING"), "上午");
        assert_eq!(call_time_value("noon"), "noon");
    }

    #[test]
    fn slip_text_all_lists_every_variant_once_in_order() {
        assert!(SlipText::ALL.iter().enumerate().all(|(i, t)| *t as usize == i));
        assert_eq!(SlipText::ALL.len(), SlipText::ScanForGuide as usize + 1, "ScanForGuide is the last variant");
    }

    #[test]
    fn english_slip_keys_leave_the_value_column_as_wide_as_chinese_ones() {
        use crate::slip::{display_width, Line};
        for key in SlipText::ALL.into_iter().filter(|t| t.is_key()) {
            for lang in [Lang::Zh, Lang::En] {
                let w = display_width(slip_text(lang, key));
                assert!(w <= Line::KEY_COLUMNS, "{lang:?} {key:?} is {w} columns");
            }
        }
    }

    /// CJK ideographs and full-width punctuation: what an English sentence must not hold of its own.
    fn cjk(c: char) -> bool {
        matches!(c, '\u{3000}'..='\u{303f}' | '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{f900}'..='\u{faff}' | '\u{ff00}'..='\u{ffef}')
    }

    /// The public functions of this module, as written in its source.
    fn declared() -> std::collections::BTreeSet<String> {
        include_str!("messages.rs")
            .lines()
            .filter_map(|l| l.strip_prefix("pub fn ").or_else(|| l.strip_prefix("pub const fn ")))
            .map(|rest| rest.split(['(', '<']).next().unwrap_or_default().to_string())
            .collect()
    }

    /// Every English message: no Chinese of its own, only what came in with the arguments.
    #[derive(Default)]
    struct English {
        called: std::collections::BTreeSet<String>,
    }

    impl English {
        fn check(&mut self, name: &str, text: impl AsRef<str>, args: &[&str]) {
            let text = text.as_ref();
            assert!(!text.trim().is_empty(), "{name}: empty in English");
            let mut rest = text.to_string();
            let mut args: Vec<&str> = args.iter().copied().filter(|a| !a.is_empty()).collect();
            args.sort_by_key(|a| std::cmp::Reverse(a.len()));
            for a in args {
                rest = rest.replace(a, "");
            }
            let own: String = rest.chars().filter(|c| cjk(*c)).collect();
            assert!(own.is_empty(), "{name} has Chinese of its own in English ({own}): {text}");
            self.called.insert(name.to_string());
        }
    }

    /// The Chinese a guide brings to its English sections (its content is Chinese-only data).
    fn guide_data(g: &Guide) -> Vec<&str> {
        let mut v: Vec<&str> = [&g.name, &g.department, &g.place, &g.hours, &g.phone, &g.complaint_phone]
            .into_iter()
            .chain([&g.service_object, &g.item_type])
            .map(String::as_str)
            .collect();
        v.extend(g.conditions.iter().map(String::as_str));
        v.extend(g.steps.iter().map(String::as_str));
        v.extend(g.materials.iter().map(|m| m.name.as_str()));
        v.extend(g.materials.iter().filter_map(|m| m.notes.as_deref()));
        v.extend(g.fee.as_deref());
        v.extend(g.legal_basis.as_deref());
        v.extend(g.faq.iter().flat_map(|f| [f.q.as_str(), f.a.as_str()]));
        v
    }

    fn stored(state: OutboxState, hub_status: Option<&str>, hub_note: Option<&str>) -> Stored {
        Stored {
            id: 1,
            idempotency_key: "k".into(),
            acceptance_no: "SF-QST-01-20261130-0001".into(),
            terminal_id: "SF-QST-01".into(),
            kind: crate::store::outbox::Kind::Application,
            item_code: "LL0001".into(),
            item_name: "老年人优待证办理（年审）".into(),
            masked_name: "张*英".into(),
            masked_id: "4302**********1027".into(),
            created_at: chrono::Local::now(),
            promised_date: None,
            pickup_code: "K7M2Q9".into(),
            token: "abcdefghijklmnop2345".into(),
            state,
            hub_status: hub_status.map(Into::into),
            hub_note: hub_note.map(Into::into),
            slip_printed: true,
            purged: false,
        }
    }

    /// Fails when a message has no English: every public function of this module is called with
    /// `Lang::En` below, and a function added without being added here fails the last assertion.
    #[test]
    fn every_message_has_an_english_translation() {
        use crate::app::grid::{Notice, Problem, SubmitError};
        use crate::devices::printer::{PaperState, PrinterStatus};
        const EN: Lang = Lang::En;
        let mut e = English::default();

        for kind in [ReaderFault::PortMissing, ReaderFault::NoAnswer, ReaderFault::Garbled, ReaderFault::CardUnreadable]
        {
            e.check("reader_fault", reader_fault(EN, kind), &[]);
        }
        e.check("reader_broken", reader_broken(EN), &[]);
        for kind in [ScannerFault::PortMissing, ScannerFault::LineTooLong, ScannerFault::NotText] {
            e.check("scanner_fault", scanner_fault(EN, kind), &[]);
        }
        e.check("not_a_slip", not_a_slip(EN), &[]);
        e.check("slip_not_found", slip_not_found(EN), &[]);
        let status =
            PrinterStatus { online: true, paper: PaperState::Out, cover_open: false, error: false, raw: [0; 3] };
        let port = || "/dev/ttyS0".to_string();
        let errors = [
            PrintError::NotReady { port: port(), reason: NotReady::PaperOut, status },
            PrintError::NotReady { port: port(), reason: NotReady::CoverOpen, status },
            PrintError::NotReady { port: port(), reason: NotReady::Offline, status },
            PrintError::Interrupted { port: port(), reason: NotReady::PaperOut, status },
            PrintError::NoAnswer { port: port(), n: 1, timeout_ms: 500 },
            PrintError::Config("x".into()),
        ];
        for err in &errors {
            for saved in [true, false] {
                e.check("print_failed", print_failed(EN, err, saved), &[]);
            }
        }
        for b in [true, false] {
            e.check("print_unconfirmed", print_unconfirmed(EN, b), &[]);
            e.check("printed", printed(EN, b), &[]);
            e.check("slip_printed", slip_printed(EN, b), &[]);
            e.check("no_printer", no_printer(EN, b), &[]);
        }
        e.check("slip_unavailable", slip_unavailable(EN), &[]);
        e.check("printer_not_ready_notice", printer_not_ready_notice(EN), &[]);

        let catalog = crate::catalog::bundled();
        for g in &catalog.items {
            for field in &g.form {
                for p in [
                    FieldProblem::Missing,
                    FieldProblem::NotAnOption,
                    FieldProblem::NotYesNo,
                    FieldProblem::BadPhone,
                    FieldProblem::NotANumber,
                    FieldProblem::TooSmall { min: 1 },
                    FieldProblem::TooLarge { max: 20 },
                    FieldProblem::BadDate,
                    FieldProblem::TooLong { max: 60 },
                ] {
                    let text = field_problem(EN, field, &p);
                    // The catalogue's units have English words: only the label stays Chinese.
                    e.check("field_problem", &text, &[field.label.as_str()]);
                }
            }
            for why in [
                Ineligible::TooYoung { min: 60, age: 45 },
                Ineligible::TooOld { max: 35, age: 45 },
                Ineligible::CardType,
            ] {
                e.check("ineligible", ineligible(EN, &g.name, &why), &[&g.name]);
            }
            e.check("guide_summary", guide_summary(EN, g), &[&g.department]);
            let data = guide_data(g);
            for (title, lines) in guide_sections(EN, g) {
                e.check("guide_sections", &title, &[]);
                for line in lines {
                    e.check("guide_sections", &line, &data);
                }
            }
            for m in &g.materials {
                e.check("material_form", material_form(EN, m.form), &[]);
                e.check("slip_material", slip_material(EN, &m.name, m.form, m.copies, m.required), &[&m.name]);
            }
        }
        e.check("card_expired", card_expired(EN), &[]);
        e.check("card_invalid", card_invalid(EN), &[]);
        e.check("terminal_revoked", terminal_revoked(EN), &[]);
        e.check("network_down", network_down(EN), &[]);
        for (q, n) in [("", 0), ("ldyd", 0), ("ldyd", 1), ("老年", 3)] {
            e.check("search", search(EN, q, n), &[q]);
        }
        e.check("store_unavailable", store_unavailable(EN), &[]);
        e.check("submit_failed", submit_failed(EN), &[]);
        e.check("submit_refused", submit_refused(EN), &[]);
        e.check("submit_no_space", submit_no_space(EN), &[]);
        e.check("storage_full", storage_full(EN), &[]);
        e.check("on_the_spot", on_the_spot(EN), &[]);
        let problems = ["Please fill in “联系电话”.", "Please choose Yes or No for “是否独居”."];
        e.check("form_problems", form_problems(EN, &problems), &["联系电话", "是否独居"]);
        e.check("form_problems", form_problems(EN, &problems[..1]), &["联系电话"]);
        e.check("promised_by", promised_by(EN, NaiveDate::from_ymd_opt(2026, 12, 4).unwrap()), &[]);
        for t in [CardType::Resident, CardType::HkMoTw, CardType::Foreign] {
            e.check("card_type", card_type(EN, t), &[]);
        }
        for row in [CardRow::Name, CardRow::IdNumber, CardRow::Age, CardRow::CardType] {
            e.check("card_row", card_row(EN, row), &[]);
        }
        e.check("age", age(EN, 72), &[]);
        for v in ["是", "否"] {
            e.check("yes_no", yes_no(EN, v), &[]);
            assert_eq!(yes_no_value(&yes_no(EN, v)), v, "an English answer is stored as {v}");
        }
        e.called.insert("yes_no_value".into());
        e.check("no_slip_to_scan", no_slip_to_scan(EN), &[]);
        e.check("no_scanner", no_scanner(EN), &[]);
        for n in [0, 1, 3] {
            e.check("records_found", records_found(EN, n), &[]);
        }
        e.check("chinese_only_note", chinese_only_note(EN), &[]);
        for (state, status, note) in [
            (OutboxState::Queued, None, None),
            (OutboxState::Synced, Some("accepted"), None),
            (OutboxState::Synced, Some("processing"), None),
            (OutboxState::Synced, Some("ready"), None),
            (OutboxState::Synced, Some("picked_up"), None),
            (OutboxState::Synced, Some("rejected"), Some("材料不全")),
            (OutboxState::Synced, Some("rejected"), None),
        ] {
            let (s, x) = progress(EN, &stored(state, status, note));
            e.check("progress", s, &[]);
            e.check("progress", x, &[note.unwrap_or_default()]);
        }
        e.check("clock", clock(EN, &chrono::Local::now()), &[]);
        e.check("service_hours", service_hours(EN, &["08:30-12:00".into(), "14:00-17:30".into()]), &[]);
        for r in crate::app::flow::RATING_REASONS {
            e.check("rating_reason", rating_reason(EN, r), &[]);
        }
        for t in SlipText::ALL {
            e.check("slip_text", slip_text(EN, t), &[]);
        }
        e.check("slip_call_back", slip_call_back(EN, NaiveDate::from_ymd_opt(2026, 12, 4).unwrap()), &[]);
        e.check("slip_pickup_code", slip_pickup_code(EN, "K7M2Q9"), &[]);
        e.check("rating_invite", rating_invite(EN), &[]);
        e.check("proxy_item", proxy_item(EN, "老年人优待证办理（年审）"), &["老年人优待证办理（年审）"]);
        e.check("proxy_place", proxy_place(EN, "华垅社区第2网格"), &["华垅社区第2网格"]);
        e.check("grid_choose_community", grid_choose_community(EN), &[]);
        e.check("grid_choose_place", grid_choose_place(EN), &[]);
        e.check("grid_choose_number", grid_choose_number(EN), &[]);
        e.check("grid_choose_matter", grid_choose_matter(EN), &[]);
        e.check("grid_other_matter", grid_other_matter(EN), &[]);
        e.check("grid_label", grid_label(EN, 2), &[]);
        let no_matches = [
            NoMatch::Empty,
            NoMatch::OutsideArea,
            NoMatch::UnknownStreet("某某街道".into()),
            NoMatch::UnknownCommunity("某某社区".into()),
            NoMatch::NeedsBuilding,
            NoMatch::Ambiguous,
            NoMatch::NotCovered,
        ];
        for why in &no_matches {
            e.check("no_match", no_match(EN, why), &["某某街道", "某某社区"]);
        }
        for zh in CALL_TIMES {
            e.check("call_time", call_time(EN, zh), &[]);
            e.check("grid_call_back", grid_call_back(EN, NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(), zh), &[]);
        }
        e.called.insert("call_time_value".into());
        let mut notices: Vec<Notice> = no_matches.iter().cloned().map(Notice::NotMatched).collect();
        notices.extend([
            Notice::CardExpired,
            Notice::CardUnreadable,
            Notice::Form(vec![Problem::Phone, Problem::Time, Problem::NoteTooLong]),
            Notice::Form(vec![Problem::Time]),
            Notice::SubmitFailed(SubmitError::NoStore),
            Notice::SubmitFailed(SubmitError::NotSaved),
            Notice::SubmitFailed(SubmitError::NoSpace),
        ]);
        for n in &notices {
            e.check("grid_notice", grid_notice(EN, n), &["某某街道", "某某社区"]);
        }

        let declared = declared();
        assert!(declared.len() > 40, "the parser finds this module's functions: {declared:?}");
        let missing: Vec<&String> = declared.iter().filter(|n| !e.called.contains(*n)).collect();
        assert!(missing.is_empty(), "public messages not checked in English (add them to this test): {missing:?}");
        let stray: Vec<&String> = e.called.iter().filter(|n| !declared.contains(*n)).collect();
        assert!(stray.is_empty(), "checked names that are not public functions here: {stray:?}");
    }

    /// The Chinese wording is the source: a few sentences byte for byte, as tests from outside match them.
    #[test]
    fn chinese_stays_as_it_was() {
        assert_eq!(reader_broken(Lang::Zh), "读卡器故障，请联系工作人员。");
        assert_eq!(not_a_slip(Lang::Zh), "无法识别该二维码，请扫描回执上的二维码。");
        assert_eq!(card_expired(Lang::Zh), "您的证件已过期，无法办理。请使用有效期内的证件，或到服务窗口咨询。");
        assert_eq!(form_problems(Lang::Zh, &["请填写联系电话。", "a"]), "请修改以下2处：请填写联系电话。a");
        assert_eq!(rating_invite(Lang::Zh), "请为本次服务评价：在终端点“好差评”或扫码");
        assert_eq!(grid_label(Lang::Zh, 2), "第2网格");
        assert_eq!(records_found(Lang::Zh, 3), "找到 3 条办理记录。");
    }
}
