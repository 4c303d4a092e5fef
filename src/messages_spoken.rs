//! What each residents' screen says aloud (part of the message module): the prompt spoken when a
//! screen opens, and the fixed parts of what 朗读 reads. The sentences a screen shows (errors,
//! print outcomes) are spoken as shown; these are only the ones the screen's layout says by itself.

use crate::Lang;

/// A fixed prompt of a screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prompt {
    /// The home screen's tiles, for 朗读 (never spoken by itself: nobody may be there).
    Home,
    Guides,
    Search,
    /// Waiting for the ID card.
    PlaceCard,
    ChooseItem,
    Consent,
    Form,
    Review,
    Submitting,
    Printing,
    /// After the slip: how to use it.
    KeepSlip,
    Rate,
    Thanks,
    Progress,
    GridFind,
    /// 朗读 when speech cannot be heard on this terminal (shown, not spoken).
    Unavailable,
}

impl Prompt {
    /// Every prompt (the translation test walks them all).
    pub const ALL: [Prompt; 16] = [
        Prompt::Home,
        Prompt::Guides,
        Prompt::Search,
        Prompt::PlaceCard,
        Prompt::ChooseItem,
        Prompt::Consent,
        Prompt::Form,
        Prompt::Review,
        Prompt::Submitting,
        Prompt::Printing,
        Prompt::KeepSlip,
        Prompt::Rate,
        Prompt::Thanks,
        Prompt::Progress,
        Prompt::GridFind,
        Prompt::Unavailable,
    ];
}

/// The prompt's sentence in `lang`.
pub fn prompt(lang: Lang, p: Prompt) -> &'static str {
    let (zh, en) = match p {
        Prompt::Home => (
            "您好，请选择要办理的事项：老年优待证，办事指南，我要办理，进度查询，找网格员。",
            "Hello. Please choose a service: Senior Citizen Card, service guides, apply, check progress, or find your grid worker.",
        ),
        Prompt::Guides => ("请选择事项分类，或点选常办事项。", "Please choose a topic, or one of the common services."),
        Prompt::Search => (
            "请用屏幕键盘输入事项名称的拼音或首字母。",
            "Please type the name of the service, in pinyin or its initials, on the screen keyboard.",
        ),
        Prompt::PlaceCard => ("请将身份证放在感应区。", "Please place your ID card on the reader."),
        Prompt::ChooseItem => ("请选择要办理的事项，然后刷身份证。", "Please choose a service, then place your ID card."),
        Prompt::Consent => (
            "个人信息授权：办理本事项需要读取您的身份证信息，只用于本事项。同意请点同意。",
            "Personal information: this service reads your ID card, only for this application. Tap Agree to go on.",
        ),
        Prompt::Form => ("请填写以下信息。", "Please fill in the following."),
        Prompt::Review => ("请核对您的信息，无误后点确认提交。", "Please check your details, then tap Submit."),
        Prompt::Submitting => ("正在提交，请稍候。", "Submitting, please wait."),
        Prompt::Printing => ("正在打印回执，请稍候。", "Printing your slip, please wait."),
        Prompt::KeepSlip => (
            "请保管好回执，凭受理编号或扫描回执上的二维码可查询办理进度。",
            "Please keep your slip: its number or QR code lets you check the progress.",
        ),
        Prompt::Rate => ("请为本次服务评价。", "Please rate this service."),
        Prompt::Thanks => ("谢谢您！", "Thank you!"),
        Prompt::Progress => (
            "请把回执上的二维码对准扫码口，或将身份证放在感应区。",
            "Please hold the QR code of your slip to the scanner, or place your ID card on the reader.",
        ),
        Prompt::GridFind => (
            "请将身份证放在感应区，或按地址选择，找到您的网格员。",
            "Please place your ID card on the reader, or choose your address, to find your grid worker.",
        ),
        Prompt::Unavailable => ("本机暂不支持语音朗读", "Speech is not available on this terminal"),
    };
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

/// The application screen for a second application of the same item today.
pub fn already_submitted(lang: Lang, no: &str) -> String {
    match lang {
        Lang::Zh => format!(
            "您今天已经提交过本事项的申请，受理编号 {no}，不用重复办理。可以补打那张回执；如确实需要再申请一次，请点仍要再次申请。"
        ),
        Lang::En => format!(
            "You already applied for this today, acceptance number {no}. You can print that slip again, or tap Apply again if you really need a second application."
        ),
    }
}

/// The submitted application's numbers, to write down.
pub fn numbers(lang: Lang, acceptance_no: &str, pickup_code: &str) -> String {
    match lang {
        Lang::Zh => format!("受理编号 {acceptance_no}，取件码 {pickup_code}。"),
        Lang::En => format!("Acceptance number {acceptance_no}, pickup code {pickup_code}."),
    }
}

/// A grid worker, as 朗读 reads them out (public contact data of a public role).
pub fn grid_worker(lang: Lang, name: &str, phone: &str) -> String {
    match lang {
        Lang::Zh => format!("网格员{name}，电话 {phone}。"),
        Lang::En => format!("Grid worker {name}, phone {phone}."),
    }
}

/// A list of things to choose from, as 朗读 reads it.
pub fn choices(lang: Lang, names: &[&str]) -> String {
    match lang {
        Lang::Zh => format!("可以选择：{}。", names.join("，")),
        Lang::En => format!("You can choose: {}.", names.join(", ")),
    }
}

/// Joins spoken parts into one utterance, each ending as a sentence.
pub fn sentences<'a>(lang: Lang, parts: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for part in parts.into_iter().map(str::trim).filter(|p| !p.is_empty()) {
        if !out.is_empty() && lang == Lang::En {
            out.push(' ');
        }
        out.push_str(part);
        let ends = part.ends_with(['。', '！', '？', '.', '!', '?', '：', ':']);
        if !ends {
            out.push_str(match lang {
                Lang::Zh => "。",
                Lang::En => ".",
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_prompt_has_english_without_chinese() {
        for p in Prompt::ALL {
            let en = prompt(Lang::En, p);
            assert!(!en.is_empty(), "{p:?}");
            assert!(!en.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{p:?} in English: {en}");
            assert_ne!(en, prompt(Lang::Zh, p), "{p:?}");
        }
        let han = |t: &str| t.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
        for en in [
            already_submitted(Lang::En, "SF-QST-01-20261130-0001"),
            numbers(Lang::En, "SF-QST-01-20261130-0001", "4821"),
            grid_worker(Lang::En, "Li Hua", "13800000000"),
            choices(Lang::En, &["A", "B"]),
        ] {
            assert!(!han(&en), "{en}");
        }
    }

    #[test]
    fn parts_become_sentences() {
        assert_eq!(sentences(Lang::Zh, ["办事指南", "", "请选择。"]), "办事指南。请选择。");
        assert_eq!(sentences(Lang::En, ["Service guides", "Please choose."]), "Service guides. Please choose.");
    }
}
