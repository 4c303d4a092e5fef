//! The card holder, for the ear: a salutation from the card (surname and 先生/女士, never the full
//! name), and the card's name and numbers kept out of whatever is spoken. Pure.

use pinyin::ToPinyin;

use super::normalise::{HIDDEN_ID_EN, HIDDEN_ID_ZH};
use super::Lang;
use crate::devices::idcard::{Card, Gender};

/// Compound surnames (复姓): the first two characters of a name of three or more.
const COMPOUND_SURNAMES: [&str; 42] = [
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "夏侯", "令狐",
    "轩辕", "端木", "西门", "南宫", "独孤", "申屠", "太史", "澹台", "公冶", "宗政", "濮阳", "淳于", "单于", "赫连",
    "钟离", "闻人", "呼延", "万俟", "百里", "东郭", "拓跋", "左丘", "司空", "鲜于", "闾丘", "第五", "公羊", "梁丘",
];

/// Surnames whose surname reading differs from the character's common reading, which the packaged
/// Mandarin voice uses (单 as dān, 曾 as céng…; checked with `espeak-ng -x -v cmn-latn-pinyin`):
/// (surname, tone-numbered pinyin the voice reads as Mandarin, pinyin for English).
const SURNAME_READINGS: [(&str, &str, &str); 40] = [
    ("单", "shan4", "Shan"),
    ("曾", "zeng1", "Zeng"),
    ("解", "xie4", "Xie"),
    ("仇", "qiu2", "Qiu"),
    ("朴", "piao2", "Piao"),
    ("区", "ou1", "Ou"),
    ("查", "zha1", "Zha"),
    ("乐", "yue4", "Yue"),
    ("翟", "zhai2", "Zhai"),
    ("盖", "ge3", "Ge"),
    ("覃", "qin2", "Qin"),
    ("种", "chong2", "Chong"),
    ("召", "shao4", "Shao"),
    ("繁", "po2", "Po"),
    ("员", "yun4", "Yun"),
    ("秘", "bi4", "Bi"),
    ("过", "guo1", "Guo"),
    ("折", "she2", "She"),
    ("任", "ren2", "Ren"),
    ("华", "hua4", "Hua"),
    ("纪", "ji3", "Ji"),
    ("贾", "jia3", "Jia"),
    ("燕", "yan1", "Yan"),
    ("宁", "ning4", "Ning"),
    ("都", "du1", "Du"),
    ("隗", "wei3", "Wei"),
    ("薄", "bo2", "Bo"),
    ("洗", "xian3", "Xian"),
    ("卜", "bu3", "Bu"),
    ("句", "gou1", "Gou"),
    ("能", "nai4", "Nai"),
    ("藏", "zang4", "Zang"),
    ("重", "chong2", "Chong"),
    ("粘", "nian2", "Nian"),
    ("角", "jue2", "Jue"),
    ("尉迟", "yu4chi2", "Yuchi"),
    ("万俟", "mo4qi2", "Moqi"),
    ("长孙", "zhang3sun1", "Zhangsun"),
    ("澹台", "tan2tai2", "Tantai"),
    ("单于", "chan2yu2", "Chanyu"),
];

/// The Chinese surname of a Chinese name (`欧阳娜娜` → `欧阳`); `None` for a Latin name.
pub fn chinese_surname(name: &str) -> Option<String> {
    let name = name.trim();
    let chars: Vec<char> = name.chars().collect();
    if chars.len() < 2 || !chars.iter().all(|c| super::normalise::is_han(*c)) {
        return None;
    }
    if chars.len() >= 3 {
        if let Some(c) = COMPOUND_SURNAMES.iter().find(|s| name.starts_with(**s)) {
            return Some(c.to_string());
        }
    }
    Some(chars[0].to_string())
}

/// A Chinese surname in pinyin for English (`张` → `Zhang`, `单` → `Shan`).
pub fn surname_in_pinyin(surname: &str) -> String {
    if let Some((_, _, en)) = SURNAME_READINGS.iter().find(|(s, _, _)| *s == surname) {
        return en.to_string();
    }
    let plain: String = surname.to_pinyin().flatten().map(|p| p.plain()).collect();
    capitalise(&plain)
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars.flat_map(char::to_lowercase)).collect(),
        None => String::new(),
    }
}

/// The surname an English sentence uses: the family name of a foreign card's English name
/// (`DEMO, ANNE MARIE` → `Demo`), else the Chinese surname in pinyin.
fn english_surname(card: &Card) -> Option<String> {
    if let Some(english) = card.english_name.as_deref().filter(|n| !n.trim().is_empty()) {
        let family = english.split(',').next().unwrap_or(english).trim();
        let family = family.split_whitespace().next().unwrap_or(family);
        return Some(capitalise(family));
    }
    chinese_surname(&card.name).map(|s| surname_in_pinyin(&s)).filter(|s| !s.is_empty())
}

/// `张女士` / `Ms Zhang`; `None` when the gender is unknown (then no name is used at all).
pub fn polite_name(card: &Card, lang: Lang) -> Option<String> {
    match lang {
        Lang::Zh => {
            let surname = chinese_surname(&card.name)?;
            match card.gender {
                Gender::Male => Some(format!("{surname}先生")),
                Gender::Female => Some(format!("{surname}女士")),
                Gender::Unknown => None,
            }
        }
        Lang::En => {
            let surname = english_surname(card)?;
            match card.gender {
                Gender::Male => Some(format!("Mr {surname}")),
                Gender::Female => Some(format!("Ms {surname}")),
                Gender::Unknown => None,
            }
        }
    }
}

/// The greeting for the card's holder: `张女士，您好` / `Hello, Ms Zhang`; without a known gender
/// only `您好` / `Hello`. Never the full name.
pub fn salutation(card: &Card, lang: Lang) -> String {
    match (polite_name(card, lang), lang) {
        (Some(name), Lang::Zh) => format!("{name}，您好"),
        (None, Lang::Zh) => "您好".into(),
        (Some(name), Lang::En) => format!("Hello, {name}"),
        (None, Lang::En) => "Hello".into(),
    }
}

/// `text` with the card's full name(s) replaced by the polite name (or 持证人 / the card holder)
/// and its numbers by a neutral word; in Mandarin, a surname the voice misreads is given to it in
/// tone-numbered pinyin (`单女士` → `shan4女士`). Run before [`super::normalise::for_the_ear`].
pub fn hide_holder(text: &str, card: &Card, lang: Lang) -> String {
    let polite = polite_name(card, lang).unwrap_or_else(|| match lang {
        Lang::Zh => "持证人".into(),
        Lang::En => "the card holder".into(),
    });
    let hidden = match lang {
        Lang::Zh => HIDDEN_ID_ZH,
        Lang::En => HIDDEN_ID_EN,
    };
    let mut out = text.to_string();
    let numbers = [Some(card.id_number.as_str()), card.pass_number.as_deref()];
    for number in numbers.into_iter().flatten().map(str::trim).filter(|n| n.len() >= 6) {
        out = replace_ignoring_case(&out, number, hidden);
    }
    let names = [Some(card.name.as_str()), card.english_name.as_deref()];
    for name in names.into_iter().flatten().map(str::trim).filter(|n| n.chars().count() >= 2) {
        out = replace_ignoring_case(&out, name, &polite);
    }
    if lang == Lang::Zh {
        if let Some(surname) = chinese_surname(&card.name) {
            if let Some((_, reading, _)) = SURNAME_READINGS.iter().find(|(s, _, _)| *s == surname) {
                for title in ["先生", "女士"] {
                    out = out.replace(&format!("{surname}{title}"), &format!("{reading}{title}"));
                }
            }
        }
    }
    out
}

/// Replaces every occurrence of `needle` in `haystack`, ASCII letters compared without case.
fn replace_ignoring_case(haystack: &str, needle: &str, with: &str) -> String {
    let lower_hay = haystack.to_ascii_lowercase();
    let lower_needle = needle.to_ascii_lowercase();
    let mut out = String::with_capacity(haystack.len());
    let mut from = 0;
    while let Some(at) = lower_hay[from..].find(&lower_needle) {
        let at = from + at;
        out.push_str(&haystack[from..at]);
        out.push_str(with);
        from = at + needle.len();
    }
    out.push_str(&haystack[from..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::devices::idcard::sample_cards;

    fn card(stem: &str) -> Card {
        sample_cards().into_iter().find(|(k, _, _)| *k == stem).unwrap().2
    }

    #[test]
    fn salutations_use_the_surname_and_the_gender_only() {
        let elderly = card("elderly");
        assert_eq!(salutation(&elderly, Lang::Zh), "张女士，您好");
        assert_eq!(salutation(&elderly, Lang::En), "Hello, Ms Zhang");
        assert_eq!(salutation(&card("younger"), Lang::Zh), "李先生，您好");
        assert_eq!(salutation(&card("foreign"), Lang::En), "Hello, Ms Demo");
        assert_eq!(salutation(&card("foreign"), Lang::Zh), "安女士，您好");
        let mut unknown = elderly.clone();
        unknown.gender = Gender::Unknown;
        assert_eq!(salutation(&unknown, Lang::Zh), "您好");
        assert_eq!(salutation(&unknown, Lang::En), "Hello");
    }

    #[test]
    fn compound_and_misread_surnames() {
        assert_eq!(chinese_surname("欧阳娜娜").as_deref(), Some("欧阳"));
        assert_eq!(chinese_surname("欧阳").as_deref(), Some("欧"));
        assert_eq!(chinese_surname("DEMO, ANNE"), None);
        assert_eq!(surname_in_pinyin("单"), "Shan");
        assert_eq!(surname_in_pinyin("欧阳"), "Ouyang");
        let mut c = card("younger");
        c.name = "单演明".into();
        assert_eq!(hide_holder(&salutation(&c, Lang::Zh), &c, Lang::Zh), "shan4先生，您好");
    }

    #[test]
    fn the_holders_name_and_numbers_are_hidden() {
        for (_, _, c) in sample_cards() {
            let text = format!(
                "申请人{}，证件号码{}，通行证{}",
                c.name,
                c.id_number,
                c.pass_number.clone().unwrap_or_default()
            );
            let hidden = hide_holder(&text, &c, Lang::Zh);
            assert!(!hidden.contains(&c.name) && !hidden.contains(&c.id_number), "{hidden}");
            if let Some(p) = &c.pass_number {
                assert!(!hidden.contains(p.as_str()));
            }
            let english = format!("Applicant {}", c.english_name.clone().unwrap_or(c.name.clone()).to_lowercase());
            let hidden = hide_holder(&english, &c, Lang::En);
            assert!(hidden.starts_with("Applicant M"), "{hidden}");
        }
    }
}
