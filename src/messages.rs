//! Every sentence a resident reads (and, next, hears) comes from here: drivers and stores return
//! typed errors and outcomes, this module words them. Staff-facing text (logs, diagnostics, the
//! command line) is worded where it is produced.

use crate::app::forms::{FieldProblem, Ineligible};
use crate::catalog::{FormField, Guide, Handling};
use crate::devices::idcard::CardType;
use crate::devices::idcard::FaultKind as ReaderFault;
use crate::devices::printer::{NotReady, PrintError};
use crate::devices::scanner::FaultKind as ScannerFault;
use crate::store::outbox::{OutboxState, Stored};

#[path = "messages_spoken.rs"]
mod spoken;
pub use spoken::{already_submitted, choices, grid_worker, numbers, prompt, sentences, Prompt};

/// The reader's trouble, for the identification screens.
pub fn reader_fault(kind: ReaderFault) -> &'static str {
    match kind {
        ReaderFault::CardUnreadable => "未能读取身份证，请将证件放稳后重试。",
        ReaderFault::PortMissing | ReaderFault::NoAnswer | ReaderFault::Garbled | ReaderFault::Device(_) => {
            READER_BROKEN
        }
    }
}

/// The reader is missing, silent or garbled: identification cannot work.
pub const READER_BROKEN: &str = "读卡器故障，请联系工作人员。";

/// The scanner's trouble, for the progress page.
pub fn scanner_fault(kind: ScannerFault) -> &'static str {
    match kind {
        ScannerFault::PortMissing => "扫码器故障，请联系工作人员。",
        ScannerFault::LineTooLong | ScannerFault::NotText => NOT_A_SLIP,
    }
}

/// A scanned code that is not one of our slips.
pub const NOT_A_SLIP: &str = "无法识别该二维码，请扫描回执上的二维码。";

/// A slip scanned here that this terminal has no record of.
pub const SLIP_NOT_FOUND: &str = "没有找到这张回执的记录。如是在其他终端或窗口办理的，请到服务窗口查询。";

/// Why a slip did not print. `application_saved` adds that the application is kept (pickup slips);
/// checklists leave it out.
pub fn print_failed(error: &PrintError, application_saved: bool) -> String {
    let cause = match error {
        PrintError::NotReady { reason: NotReady::PaperOut, .. } => "打印机缺纸，请联系工作人员。",
        PrintError::NotReady { reason: NotReady::CoverOpen, .. } => "打印机盖未关好，请联系工作人员。",
        PrintError::Interrupted { .. } => "打印可能不完整，请联系工作人员补打。",
        _ => "打印机暂时无法打印，请联系工作人员。",
    };
    format!("{cause}{}可用手机拍下屏幕上的二维码。", saved(application_saved))
}

/// The job was sent but the printer did not confirm it afterwards: the slip has most likely come
/// out, so nothing invites a second copy.
pub fn print_unconfirmed(application_saved: bool) -> String {
    format!(
        "回执应已打印，请查看出纸口。如没有出纸，请联系工作人员补打。{}也可用手机拍下屏幕上的二维码。",
        saved(application_saved)
    )
}

/// The slip came out.
pub fn printed(near_end: bool) -> &'static str {
    if near_end {
        "已打印，请从出纸口取走。打印纸快用完了，已提醒工作人员。"
    } else {
        "已打印，请从出纸口取走。"
    }
}

/// A pickup slip of a submitted application came out.
pub fn slip_printed(near_end: bool) -> &'static str {
    if near_end {
        "回执已打印，请从出纸口取走。打印纸快用完了，已提醒工作人员。"
    } else {
        "回执已打印，请从出纸口取走。"
    }
}

/// No printer at all on this terminal.
pub fn no_printer(application_saved: bool) -> String {
    format!("打印机暂时无法打印，请联系工作人员。{}可用手机拍下屏幕上的二维码。", saved(application_saved))
}

/// The stored slip of an application could not be found to print.
pub const SLIP_UNAVAILABLE: &str = "回执暂时无法打印，请到服务窗口补打。";

/// What to fix in a form field.
pub fn field_problem(field: &FormField, problem: &FieldProblem) -> String {
    let label = &field.label;
    let unit = field.unit.as_deref().unwrap_or("");
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
pub fn ineligible(item: &str, why: &Ineligible) -> String {
    match why {
        Ineligible::TooYoung { min, age } => format!(
            "“{item}”需年满{min}周岁才能申请。根据您的身份证，您今年{age}周岁，暂不符合条件。如有疑问，请到服务窗口咨询。"
        ),
        Ineligible::TooOld { max, age } => {
            format!("“{item}”限{max}周岁及以下的居民申请，您今年{age}周岁。请到服务窗口咨询其他办法。")
        }
        Ineligible::CardType => format!("“{item}”在本机只能用居民身份证办理，请带上您的证件到服务窗口办理。"),
    }
}

/// The card has expired.
pub const CARD_EXPIRED: &str = "您的证件已过期，无法办理。请使用有效期内的证件，或到服务窗口咨询。";
/// The card's ID number fails its check digit.
pub const CARD_INVALID: &str = "证件信息校验未通过，请到服务窗口办理。";

/// The header when the hub refuses this terminal.
pub const TERMINAL_REVOKED: &str = "本终端已停用，申请暂存本机，请联系工作人员";
/// The header when the hub cannot be reached.
pub const NETWORK_DOWN: &str = "网络未连接，申请会在恢复后自动上传";

/// What the search screen says about a query and its hits.
pub fn search(query: &str, hits: usize) -> String {
    match (query.is_empty(), hits) {
        (true, _) => "请用下方键盘输入拼音或首字母，例如“老年人优待证”输入 lnrydz 或 ldyd。".to_string(),
        (false, 0) => format!("没有找到与“{query}”有关的事项。请换个拼音再试，或到服务窗口咨询。"),
        (false, n) => format!("找到 {n} 项，点击事项查看办事指南。"),
    }
}

/// The outbox cannot be written at all.
pub const STORE_UNAVAILABLE: &str = "本机数据存储不可用，请到服务窗口办理。";
/// Writing the application failed: nothing was kept.
pub const SUBMIT_FAILED: &str = "提交没有成功，您的信息未保存。请再点一次提交，或到服务窗口办理。";
/// The application breaks the wire contract (e.g. a card field the department cannot take): kept out
/// of the outbox, so a retry cannot help.
pub const SUBMIT_REFUSED: &str =
    "本机无法提交这份申请（证件或填写的信息不符合上报要求），您的信息未保存。请到服务窗口办理。";
/// An immediate item (即办件).
pub const ON_THE_SPOT: &str = "当场办结";

/// Every problem of a form, in one sentence at the top.
pub fn form_problems(problems: &[&str]) -> String {
    format!("请修改以下{}处：{}", problems.len(), problems.join(""))
}

/// "2026年12月4日前".
pub fn promised_by(d: chrono::NaiveDate) -> String {
    format!("{}年{}月{}日前", d.format("%Y"), d.format("%-m"), d.format("%-d"))
}

/// The kind of card, as the resident calls it.
pub fn card_type(t: CardType) -> &'static str {
    match t {
        CardType::Resident => "居民身份证",
        CardType::HkMoTw => "港澳台居民居住证",
        CardType::Foreign => "外国人永久居留身份证",
    }
}

/// Demo: no slip on this terminal yet to scan.
pub const NO_SLIP_TO_SCAN: &str = "本机还没有回执可以模拟扫码。";
/// Demo: no scanner.
pub const NO_SCANNER: &str = "扫码器未连接。";

/// What a progress query by card found.
pub fn records_found(n: usize) -> String {
    if n == 0 {
        "本机没有您的办理记录。在窗口或其他终端办理的事项，请到服务窗口查询。".into()
    } else {
        format!("找到 {n} 条办理记录。")
    }
}

/// "民政局 · 承诺件 10个工作日" / "民政局 · 即办件 当场办结".
pub fn guide_summary(g: &Guide) -> String {
    match g.handling {
        Handling::Immediate => format!("{} · 即办件 当场办结", g.department),
        Handling::Promised => format!("{} · 承诺件 {}个工作日", g.department, g.promised_days),
    }
}

/// Every guide field as titled sections, in the order a resident needs them.
pub fn guide_sections(g: &Guide) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    let numbered = |items: &[String]| -> Vec<String> {
        items.iter().enumerate().map(|(i, s)| format!("{}. {}", i + 1, s)).collect()
    };
    out.push(("受理条件".into(), numbered(&g.conditions)));
    out.push((
        "申请材料".into(),
        g.materials
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let mut line = format!(
                    "{}. {}：{} {}份{}",
                    i + 1,
                    m.name,
                    m.form.label(),
                    m.copies,
                    if m.required { "（必需）" } else { "（如有）" }
                );
                if let Some(n) = &m.notes {
                    line.push_str(&format!("。{n}"));
                }
                line
            })
            .collect(),
    ));
    out.push(("办理流程".into(), g.steps.iter().enumerate().map(|(i, s)| format!("第{}步：{}", i + 1, s)).collect()));
    let limit = match (g.handling, g.statutory_days) {
        (Handling::Immediate, _) => "即办件：材料齐全的，当场办结。".to_string(),
        (Handling::Promised, Some(law)) => {
            format!("承诺件：受理后 {} 个工作日内办结（法定时限 {} 个工作日）。", g.promised_days, law)
        }
        (Handling::Promised, None) => format!("承诺件：受理后 {} 个工作日内办结。", g.promised_days),
    };
    out.push(("办理时限".into(), vec![limit]));
    out.push((
        "到现场次数".into(),
        vec![if g.visits == 0 { "不用到现场".to_string() } else { format!("最多跑 {} 次", g.visits) }],
    ));
    out.push(("收费标准".into(), vec![g.fee.clone().unwrap_or_else(|| "不收费".into())]));
    out.push(("办理地点".into(), vec![g.place.clone()]));
    out.push(("办理时间".into(), vec![g.hours.clone()]));
    out.push(("咨询电话".into(), vec![g.phone.clone()]));
    out.push(("监督投诉电话".into(), vec![g.complaint_phone.clone()]));
    out.push((
        "本机办理".into(),
        vec![if g.terminal {
            "支持在本机刷身份证办理".into()
        } else {
            "本机可查看指南，办理请到窗口".into()
        }],
    ));
    out.push(("服务对象".into(), vec![format!("{}（{}）", g.service_object, g.item_type)]));
    if let Some(basis) = &g.legal_basis {
        out.push(("设定依据".into(), vec![basis.clone()]));
    }
    if !g.faq.is_empty() {
        out.push((
            "常见问题".into(),
            g.faq.iter().flat_map(|f| [format!("问：{}", f.q), format!("答：{}", f.a)]).collect(),
        ));
    }
    out
}

/// The state in plain words: (status, explanation).
pub fn progress(app: &Stored) -> (String, String) {
    match (app.state, app.hub_status.as_deref()) {
        (OutboxState::Queued, _) => (
            "已受理，等待上传".into(),
            "您的申请已保存在本机，会自动上传给主管部门；网络不通时恢复后自动上传，不用重新办理。".into(),
        ),
        (_, Some("processing")) => ("办理中".into(), "主管部门正在审核办理，请耐心等待。".into()),
        (_, Some("ready")) => ("已办结，可领取".into(), "请带身份证和回执，到回执上写的地点领取。".into()),
        (_, Some("picked_up")) => ("已领取".into(), "本事项已办理完毕。".into()),
        (_, Some("rejected")) => (
            "未通过".into(),
            format!(
                "{}如有疑问，请拨打回执上的咨询电话。",
                app.hub_note.as_deref().map(|n| format!("原因：{n}。")).unwrap_or_default()
            ),
        ),
        _ => ("主管部门已收到".into(), "主管部门已收到您的申请，正在审核。".into()),
    }
}

/// "11月22日 星期日 10:35".
pub fn clock(now: &chrono::DateTime<chrono::Local>) -> String {
    use chrono::Datelike;
    const DAYS: [&str; 7] = ["一", "二", "三", "四", "五", "六", "日"];
    format!(
        "{}月{}日 星期{} {}",
        now.month(),
        now.day(),
        DAYS[now.weekday().num_days_from_monday() as usize],
        now.format("%H:%M")
    )
}

fn saved(application_saved: bool) -> &'static str {
    if application_saved {
        "您的申请已保存，"
    } else {
        ""
    }
}

// ---- 找网格员 and 代办 (src/app/grid.rs, src/ui/grid.rs) ----

/// The title of the first address list.
pub const GRID_CHOOSE_COMMUNITY: &str = "请选择您所在的社区";
/// The title of the list of compounds and roads.
pub const GRID_CHOOSE_PLACE: &str = "请选择您住的小区或道路";
/// The title of the list of house numbers and buildings.
pub const GRID_CHOOSE_NUMBER: &str = "请选择门牌号或楼栋";
/// The title of the list of matters a grid worker can handle.
pub const GRID_CHOOSE_MATTER: &str = "请选择要网格员帮您办的事项";
/// The matter that is none of the listed items.
pub const GRID_OTHER_MATTER: &str = "其他事项";

/// What the grid page tells the resident.
pub fn grid_notice(notice: &crate::app::grid::Notice) -> String {
    use crate::app::grid::{Notice, Problem, SubmitError};
    match notice {
        Notice::NotMatched(why) => format!("没有自动找到您的网格：{}请按地址选择。", why.reason()),
        Notice::CardExpired => "您的证件已过期，请使用有效期内的身份证，或到服务窗口办理。".into(),
        Notice::CardUnreadable => reader_fault(ReaderFault::CardUnreadable).into(),
        Notice::Form(problems) => {
            let each: Vec<String> = problems
                .iter()
                .map(|p| match p {
                    Problem::Phone => "请输入11位手机号码，或带区号的固定电话。".to_string(),
                    Problem::Time => "请选择希望网格员联系您的时间。".to_string(),
                    Problem::NoteTooLong => format!("留言请不超过{}个字。", crate::app::grid::NOTE_MAX_CHARS),
                })
                .collect();
            format!("请修改以下{}处：{}", each.len(), each.concat())
        }
        Notice::SubmitFailed(SubmitError::NoStore) => "本机数据存储不可用，请直接拨打网格员电话。".into(),
        Notice::SubmitFailed(SubmitError::NotSaved) => {
            "提交没有成功，您的信息未保存。请再点一次提交，或直接拨打网格员电话。".into()
        }
    }
}

/// When the grid worker calls back about a submitted 代办 request (`time`: 上午 / 下午 / 晚上).
pub fn grid_call_back(by: chrono::NaiveDate, time: &str) -> String {
    format!(
        "网格员会在{}月{}日前、您选的时间（{time}）打电话与您联系，请保持电话畅通。",
        chrono::Datelike::month(&by),
        chrono::Datelike::day(&by)
    )
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
            assert!(reader_fault(kind).ends_with('。'), "{kind:?}");
        }
    }

    #[test]
    fn an_unconfirmed_print_does_not_ask_for_a_retry() {
        let m = print_unconfirmed(true);
        assert!(m.contains("出纸口") && m.contains("申请已保存"));
        assert!(!m.contains("再试"));
    }

    #[test]
    fn the_grid_form_lists_every_problem() {
        use crate::app::grid::{Notice, Problem};
        let m = grid_notice(&Notice::Form(vec![Problem::Phone, Problem::Time]));
        assert_eq!(m, "请修改以下2处：请输入11位手机号码，或带区号的固定电话。请选择希望网格员联系您的时间。");
        let by = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert_eq!(
            grid_call_back(by, "下午"),
            "网格员会在11月23日前、您选的时间（下午）打电话与您联系，请保持电话畅通。"
        );
    }
}
