//! Text made for the ear: what a screen says → what the voice is given. Pure; no I/O.
//!
//! A resident must be able to write down what they hear, and nobody standing nearby may overhear an
//! ID number. So, in Mandarin:
//! - acceptance numbers and pickup codes are spelled one character at a time (`SF-QST-01-…` →
//!   `S F，Q S T，零 幺，…`; 1 is 幺 when dictated), groups separated by a pause;
//! - dates are 年月日 with the year digit by digit (`2026-12-04` → `二零二六年十二月四日`: the packaged
//!   voice reads `2026年` as 两千二十六年 and drops 零);
//! - amounts and decimals keep their 点 (`3.5` → `三点五`; the voice says 三五), `%` is 百分之;
//! - phone numbers are read digit by digit in groups (`13812345678` → `幺三八，幺二三四，五六七八`);
//! - ID numbers, masked or not, are never spoken (`4302**********1027` → 证件号码已隐藏); a masked
//!   name `张*英` becomes `张某`;
//! - every number is written out in words, so what is spoken does not depend on the voice's own
//!   number reading, and no Latin word is left for the voice to switch to English for (`(en)` in
//!   `espeak-ng -x`).
//!
//! In English the same codes, phones and ID numbers are handled; Chinese runs (official item
//! names) become Mandarin pieces, spoken with the Mandarin voice.

use super::numerals;
use super::Lang;

/// What a hidden ID number is replaced by.
pub const HIDDEN_ID_ZH: &str = "证件号码已隐藏";
/// What a hidden ID number is replaced by, in English.
pub const HIDDEN_ID_EN: &str = "ID number hidden";

/// A stretch of spoken text in one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    pub lang: Lang,
    /// Latin letters to be spelled one by one (English pieces only; Mandarin spells single
    /// letters by itself).
    pub spell: bool,
    pub text: String,
}

/// An utterance's text for the ear: pieces in the utterance's language, and Mandarin pieces inside
/// English text (item names).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spoken {
    lang: Lang,
    pieces: Vec<Piece>,
}

impl Spoken {
    /// `text` exactly as given, in one piece: no normalisation (for text already made for the ear,
    /// and to compare with).
    pub fn verbatim(text: &str, lang: Lang) -> Spoken {
        Spoken { lang, pieces: vec![Piece { lang, spell: false, text: text.to_string() }] }
    }

    /// The language (and so the voice) of the utterance as a whole.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    pub fn pieces(&self) -> &[Piece] {
        &self.pieces
    }

    /// The text as it will be spoken, plain (what `kiosk say --print` prints and `NNNNNN.txt` holds).
    pub fn text(&self) -> String {
        self.pieces.iter().map(|p| p.text.as_str()).collect::<String>().trim().to_string()
    }

    /// Nothing to say.
    pub fn is_empty(&self) -> bool {
        self.pieces.iter().all(|p| p.text.trim().is_empty())
    }

    /// The input for `espeak-ng -m` (SSML): Mandarin pieces of English text switch voice, English
    /// letters are spelled with `say-as`.
    pub fn ssml(&self) -> String {
        let mut out = String::new();
        for piece in &self.pieces {
            let mut body = xml_escape(&piece.text);
            if piece.spell {
                body = format!("<say-as interpret-as=\"characters\">{body}</say-as>");
            }
            if piece.lang != self.lang {
                body = format!("<voice name=\"{}\">{body}</voice>", piece.lang.voice());
            }
            out.push_str(&body);
        }
        out
    }
}

fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
    out
}

/// `text` as a screen shows it → the text for the ear in `lang`.
pub fn for_the_ear(text: &str, lang: Lang) -> Spoken {
    let chars: Vec<char> = text.chars().map(halfwidth).collect();
    let mut b = Builder { lang, pieces: Vec::new() };
    let n = chars.len();
    let mut i = 0;
    while i < n {
        let c = chars[i];
        // A masked name: 张*英, 欧**娜, 张*.
        if is_han(c) && chars.get(i + 1) == Some(&'*') {
            let mut j = i + 1;
            while j < n && chars[j] == '*' {
                j += 1;
            }
            if !chars.get(j).is_some_and(|d| d.is_ascii_alphanumeric()) {
                if chars.get(j).is_some_and(|d| is_han(*d)) {
                    j += 1;
                }
                b.masked_name(c);
                i = j;
                continue;
            }
        }
        // ¥5000 → 五千元.
        if matches!(c, '¥' | '￥') && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit()) {
            let j = token_end(&chars, i + 1);
            let tok: String = chars[i + 1..j].iter().filter(|c| **c != ',').collect();
            if is_decimal(&tok) {
                b.amount(&tok);
                i = j;
                continue;
            }
        }
        if is_token_char(c) {
            let j = token_end(&chars, i);
            let extra = b.token(&chars, i, j);
            i = j + extra;
            continue;
        }
        b.other(&chars, i);
        i += 1;
    }
    Spoken { lang, pieces: b.pieces }
}

/// Full-width digits, letters and a few signs as their ASCII forms (not the CJK punctuation).
fn halfwidth(c: char) -> char {
    match c {
        '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' | '％' | '－' | '＊' => {
            char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
        }
        _ => c,
    }
}

/// A CJK ideograph (or 〇).
pub fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{2FFFF}' | '〇')
}

/// CJK punctuation (、。，：“” and the full-width forms).
fn is_cjk_punct(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{303F}' | '\u{FF00}'..='\u{FFEF}' | '…' | '—')
}

fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '*'
}

/// The end of the token starting at `i`: letters, digits and `*`, joined by `-./:~` and by `,`
/// as a thousands separator.
fn token_end(chars: &[char], i: usize) -> usize {
    let n = chars.len();
    let mut j = i;
    while j < n {
        let c = chars[j];
        if is_token_char(c) {
            j += 1;
            continue;
        }
        let next_joins = chars.get(j + 1).is_some_and(|d| is_token_char(*d));
        if matches!(c, '-' | '.' | ':' | '/' | '~') && j > i && next_joins {
            j += 1;
            continue;
        }
        if c == ','
            && j > i
            && chars[j - 1].is_ascii_digit()
            && chars.len() >= j + 4
            && chars[j + 1..j + 4].iter().all(|d| d.is_ascii_digit())
            && !chars.get(j + 4).is_some_and(|d| d.is_ascii_digit())
        {
            j += 1;
            continue;
        }
        break;
    }
    j
}

/// Digits with at most one `.` between digits.
fn is_decimal(s: &str) -> bool {
    let mut parts = s.split('.');
    let int = parts.next().unwrap_or("");
    let ok = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    match (parts.next(), parts.next()) {
        (None, _) => ok(int),
        (Some(frac), None) => ok(int) && ok(frac),
        _ => false,
    }
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// A number that identifies a person: an ID number (a run of 15 or more digits, with or without
/// its check character), a foreign permanent-residence number (`CAN430285061201`), a Hong Kong or
/// Macao pass number (`H99000001`).
pub fn is_private_number(tok: &str) -> bool {
    let mut run = 0;
    for b in tok.bytes() {
        run = if b.is_ascii_digit() { run + 1 } else { 0 };
        if run >= 15 {
            return true;
        }
    }
    let b = tok.as_bytes();
    let foreign = b.len() == 15 && b[..3].iter().all(u8::is_ascii_uppercase) && all_digits(&tok[3..]);
    let pass = matches!(b.first(), Some(b'H' | b'M' | b'h' | b'm'))
        && (b.len() == 9 || b.len() == 11)
        && all_digits(&tok[1..]);
    foreign || pass
}

/// `2026-12-04`, `2026/12/4`, `2026.12.04` → (year, month, day).
fn parse_date(tok: &str) -> Option<(u32, u32, u32)> {
    let sep = ['-', '/', '.'].into_iter().find(|s| tok.contains(*s))?;
    let parts: Vec<&str> = tok.split(sep).collect();
    if parts.len() != 3 || parts[0].len() != 4 || !parts.iter().all(|p| all_digits(p) && p.len() <= 4) {
        return None;
    }
    let (y, m, d) = (parts[0].parse().ok()?, parts[1].parse().ok()?, parts[2].parse().ok()?);
    chrono::NaiveDate::from_ymd_opt(y as i32, m, d).map(|_| (y, m, d))
}

/// `9:30` → (9, 30).
fn parse_time(tok: &str) -> Option<(u32, u32)> {
    let (h, m) = tok.split_once(':')?;
    if !all_digits(h) || h.len() > 2 || m.len() != 2 || !all_digits(m) {
        return None;
    }
    let (h, m) = (h.parse().ok()?, m.parse().ok()?);
    (h <= 24 && m < 60).then_some((h, m))
}

/// Tone-numbered pinyin (`shan4`, `yu4chi2`), which the Mandarin voice reads as Mandarin.
fn is_tone_pinyin(tok: &str) -> bool {
    let mut syllables = 0;
    let mut letters = 0;
    let mut vowel = false;
    for c in tok.chars() {
        match c {
            'a' | 'e' | 'i' | 'o' | 'u' | 'v' => {
                vowel = true;
                letters += 1;
            }
            'a'..='z' => letters += 1,
            '1'..='5' if letters > 0 && letters <= 6 && vowel => {
                syllables += 1;
                letters = 0;
                vowel = false;
            }
            _ => return false,
        }
    }
    syllables > 0 && letters == 0
}

/// Words that say the digits after them are a phone number.
const PHONE_WORDS_ZH: [&str; 8] = ["电话", "热线", "拨打", "致电", "手机", "号码", "联系方式", "传真"];
const PHONE_WORDS_EN: [&str; 5] = ["phone", "call", "tel", "hotline", "fax"];

/// Mandarin units after which a long run of digits is an amount or a count, not a number to dictate.
const COUNT_UNITS: &str = "元万亿人次个户名件份%";

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

struct Builder {
    lang: Lang,
    pieces: Vec<Piece>,
}

impl Builder {
    fn push(&mut self, lang: Lang, spell: bool, text: &str) {
        if text.is_empty() {
            return;
        }
        match self.pieces.last_mut() {
            Some(last) if last.lang == lang && last.spell == spell => last.text.push_str(text),
            _ => self.pieces.push(Piece { lang, spell, text: text.to_string() }),
        }
    }

    /// Text in the utterance's language.
    fn say(&mut self, text: &str) {
        self.push(self.lang, false, text);
    }

    fn zh(&self) -> bool {
        self.lang == Lang::Zh
    }

    fn hidden(&mut self) {
        let word = if self.zh() { HIDDEN_ID_ZH } else { HIDDEN_ID_EN };
        self.say(word);
    }

    fn masked_name(&mut self, surname: char) {
        if self.zh() {
            self.say(&format!("{surname}某"));
        } else {
            let s = super::holder::surname_in_pinyin(&surname.to_string());
            self.say(&s);
        }
    }

    fn amount(&mut self, number: &str) {
        if self.zh() {
            self.say(&format!("{}元", numerals::number(number)));
        } else {
            self.say(&format!("{number} yuan"));
        }
    }

    /// Any other character: Han and CJK punctuation, ASCII punctuation, spaces.
    fn other(&mut self, chars: &[char], i: usize) {
        let c = chars[i];
        if is_han(c) || (is_cjk_punct(c) && self.pieces.last().is_some_and(|p| p.lang == Lang::Zh)) {
            return self.push(Lang::Zh, false, &c.to_string());
        }
        let prev_is_stop = |b: &Builder| {
            b.pieces
                .last()
                .and_then(|p| p.text.trim_end().chars().last())
                .is_none_or(|c| "。！？；，、：.!?;,:".contains(c))
        };
        if c == '\n' {
            let stop = if prev_is_stop(self) {
                " "
            } else if self.zh() {
                "。"
            } else {
                ". "
            };
            return self.say(stop);
        }
        if !self.zh() {
            let s = match c {
                '·' | '•' | '|' => ",".to_string(),
                _ => c.to_string(),
            };
            return self.say(&s);
        }
        let between_han = i > 0 && is_han(chars[i - 1]) && chars.get(i + 1).is_some_and(|d| is_han(*d));
        let word: String = match c {
            '/' if between_han => "或".into(),
            '/' | '·' | '•' | '|' | '-' | '–' | '—' => "，".into(),
            '&' => "和".into(),
            '+' => "加".into(),
            '=' => "等于".into(),
            '~' | '～' => "至".into(),
            '#' | '@' | '*' | '\\' | '^' | '$' | '_' | '%' | '"' | '\'' | '`' => " ".into(),
            '(' => "（".into(),
            ')' => "）".into(),
            ':' => "：".into(),
            ';' => "；".into(),
            '?' => "？".into(),
            '!' => "！".into(),
            '㎡' => "平方米".into(),
            '℃' => "摄氏度".into(),
            '×' => "乘".into(),
            '\u{2460}'..='\u{2473}' => format!("{}、", numerals::integer(c as u64 - 0x2460 + 1)),
            _ => c.to_string(),
        };
        self.say(&word)
    }

    /// A token of letters, digits and joiners at `chars[start..end]`; returns how many characters
    /// after it were used too (a `%` or a `元`).
    fn token(&mut self, chars: &[char], start: usize, end: usize) -> usize {
        let tok: String = chars[start..end].iter().collect();
        let before: String = chars[start.saturating_sub(8)..start].iter().collect::<String>().to_lowercase();
        let after = &chars[end..];
        let next = after.first().copied();
        let zh = self.zh();

        if is_private_number(&tok) || (tok.contains('*') && tok.bytes().any(|b| b.is_ascii_digit())) {
            self.hidden();
            return 0;
        }
        if tok.contains('*') {
            // A masked Latin name: nothing to say.
            return 0;
        }
        if let Some((y, m, d)) = parse_date(&tok) {
            self.date(y, m, d);
            return 0;
        }
        let phone_context = if zh {
            PHONE_WORDS_ZH.iter().any(|w| before.contains(w))
        } else {
            PHONE_WORDS_EN.iter().any(|w| before.contains(w))
        };
        let parts: Vec<&str> = tok.split(['-', '~']).collect();
        if parts.len() > 1 {
            if parts.iter().all(|p| parse_time(p).is_some()) {
                let times: Vec<String> =
                    parts.iter().filter_map(|p| parse_time(p)).map(|(h, m)| self.time(h, m)).collect();
                self.say(&times.join(if zh { "至" } else { " to " }));
                return 0;
            }
            let numeric = parts.iter().all(|p| all_digits(p));
            if numeric && (parts[0].starts_with('0') || phone_context) {
                self.phone(&parts);
                return 0;
            }
            if numeric && parts.len() == 2 && parts.iter().all(|p| p.len() <= 3) {
                let (a, b): (u64, u64) = (parts[0].parse().unwrap_or(0), parts[1].parse().unwrap_or(0));
                if a < b {
                    let (a, b) = (self.count(parts[0]), self.count(parts[1]));
                    self.say(&if zh { format!("{a}至{b}") } else { format!("{a} to {b}") });
                    return 0;
                }
            }
            self.code(&tok);
            return 0;
        }
        if let Some((h, m)) = parse_time(&tok) {
            let t = self.time(h, m);
            self.say(&t);
            return 0;
        }
        let has_letter = tok.bytes().any(|b| b.is_ascii_alphabetic());
        let has_digit = tok.bytes().any(|b| b.is_ascii_digit());
        if has_letter {
            if zh && is_tone_pinyin(&tok) {
                self.say(&tok);
            } else if zh || has_digit || (tok.len() >= 2 && tok.bytes().all(|b| b.is_ascii_uppercase())) {
                self.code(&tok);
            } else {
                self.say(&tok);
            }
            return 0;
        }
        let plain: String = tok.chars().filter(|c| *c != ',').collect();
        if !is_decimal(&plain) {
            // `1/2`, `3.4.5`: say it character by character.
            self.code(&tok);
            return 0;
        }
        // A number.
        let len = plain.len();
        let unit_after = next.is_some_and(|c| COUNT_UNITS.contains(c));
        if next == Some('%') {
            let words = if zh { format!("百分之{}", numerals::number(&plain)) } else { format!("{plain}%") };
            self.say(&words);
            return 1;
        }
        if next == Some('元') {
            self.amount(&plain);
            return 1;
        }
        if plain.contains('.') {
            let words = if zh { numerals::number(&plain) } else { plain };
            self.say(&words);
            return 0;
        }
        if zh && len == 4 && next == Some('年') {
            self.say(&numerals::digits(&plain, false));
            return 0;
        }
        let mobile = len == 11 && plain.starts_with('1') && !plain.starts_with("10") && !plain.starts_with("11");
        let hotline = len == 5 && (plain.starts_with("123") || plain.starts_with("95") || plain.starts_with("96"));
        let room = zh && len >= 3 && next.is_some_and(|c| "室号房".contains(c));
        let dictated = mobile
            || hotline
            || room
            || (len >= 2 && plain.starts_with('0'))
            || (len >= 3 && phone_context)
            || (len >= 7 && !unit_after);
        if dictated {
            self.phone(&[plain.as_str()]);
            return 0;
        }
        let words = self.count(&plain);
        self.say(&words);
        0
    }

    /// A whole number in the utterance's language.
    fn count(&self, digits: &str) -> String {
        if self.zh() {
            numerals::number(digits)
        } else {
            digits.to_string()
        }
    }

    fn date(&mut self, y: u32, m: u32, d: u32) {
        let words = if self.zh() {
            format!(
                "{}年{}月{}日",
                numerals::digits(&y.to_string(), false),
                numerals::integer(m.into()),
                numerals::integer(d.into())
            )
        } else {
            format!("{d} {} {y}", MONTHS_EN[(m - 1) as usize])
        };
        self.say(&words);
    }

    fn time(&self, h: u32, m: u32) -> String {
        if self.zh() {
            match m {
                0 => format!("{}点", numerals::integer(h.into())),
                1..=9 => format!("{}点零{}分", numerals::integer(h.into()), numerals::integer(m.into())),
                _ => format!("{}点{}分", numerals::integer(h.into()), numerals::integer(m.into())),
            }
        } else {
            let half = if h < 12 || h == 24 { "a.m." } else { "p.m." };
            let h12 = match h % 12 {
                0 => 12,
                h => h,
            };
            if m == 0 {
                format!("{h12} {half}")
            } else {
                format!("{h12}:{m:02} {half}")
            }
        }
    }

    /// Digits dictated in groups: the written groups, and long groups cut the way they are said
    /// (3-4-4 for a mobile, 4-4 for eight digits).
    fn phone(&mut self, groups: &[&str]) {
        let mut chunks: Vec<&str> = Vec::new();
        for g in groups {
            let cuts: &[usize] = match g.len() {
                6 => &[3],
                7 => &[3],
                8 => &[4],
                11 => &[3, 7],
                n if n > 8 => &[4, 8, 12, 16],
                _ => &[],
            };
            let mut from = 0;
            for &cut in cuts.iter().filter(|c| **c < g.len()) {
                chunks.push(&g[from..cut]);
                from = cut;
            }
            chunks.push(&g[from..]);
        }
        let words: Vec<String> = if self.zh() {
            chunks.iter().map(|c| numerals::digits(c, true)).collect()
        } else {
            chunks.iter().map(|c| spaced(c)).collect()
        };
        self.say(&words.join(if self.zh() { "，" } else { ", " }));
    }

    /// Letters and digits spelled one at a time, groups (between `-`, `/`, `.`, `:`) apart.
    fn code(&mut self, tok: &str) {
        let groups: Vec<&str> = tok.split(['-', '/', '.', ':', '~', ',']).filter(|g| !g.is_empty()).collect();
        for (gi, group) in groups.iter().enumerate() {
            if gi > 0 {
                self.say(if self.zh() { "，" } else { ", " });
            }
            if self.zh() {
                let spelled: Vec<String> = group
                    .chars()
                    .map(|c| match c.to_digit(10) {
                        Some(d) => numerals::digit(d, true).to_string(),
                        None => c.to_ascii_uppercase().to_string(),
                    })
                    .collect();
                self.say(&spelled.join(" "));
                continue;
            }
            // English: runs of letters spelled (say-as), digits one by one.
            let chars: Vec<char> = group.chars().collect();
            let mut k = 0;
            while k < chars.len() {
                let letters = chars[k].is_ascii_alphabetic();
                let mut e = k;
                while e < chars.len() && chars[e].is_ascii_alphabetic() == letters {
                    e += 1;
                }
                if k > 0 {
                    self.say(" ");
                }
                let run: String = chars[k..e].iter().collect();
                if letters {
                    self.push(Lang::En, true, &spaced(&run.to_ascii_uppercase()));
                } else {
                    self.say(&spaced(&run));
                }
                k = e;
            }
        }
    }
}

/// `K7M` → `K 7 M`.
fn spaced(s: &str) -> String {
    let chars: Vec<String> = s.chars().map(String::from).collect();
    chars.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zh(s: &str) -> String {
        for_the_ear(s, Lang::Zh).text()
    }

    fn en(s: &str) -> String {
        for_the_ear(s, Lang::En).text()
    }

    #[test]
    fn acceptance_numbers_are_spelled_group_by_group() {
        assert_eq!(
            zh("受理编号 SF-QST-01-20261130-0001"),
            "受理编号 S F，Q S T，零 幺，二 零 二 六 幺 幺 三 零，零 零 零 幺"
        );
        assert_eq!(en("Number SF-QST-01-20261130-0001"), "Number S F, Q S T, 0 1, 2 0 2 6 1 1 3 0, 0 0 0 1");
    }

    #[test]
    fn pickup_codes_are_spelled_even_when_all_letters() {
        assert_eq!(zh("取件码 K7M2Q9"), "取件码 K 七 M 二 Q 九");
        assert_eq!(zh("取件码KMQTXA。"), "取件码K M Q T X A。");
        assert_eq!(en("Pickup code K7M2Q9."), "Pickup code K 7 M 2 Q 9.");
        assert_eq!(en("Pickup code KMQTXA."), "Pickup code K M Q T X A.");
        let pieces = for_the_ear("code KMQTXA", Lang::En);
        assert!(pieces.pieces().iter().any(|p| p.spell && p.text == "K M Q T X A"));
        assert!(pieces.ssml().contains("<say-as interpret-as=\"characters\">K M Q T X A</say-as>"));
    }

    #[test]
    fn latin_words_in_mandarin_are_spelled_so_the_voice_does_not_switch_to_english() {
        assert_eq!(zh("输入 lnrydz 或 ldyd"), "输入 L N R Y D Z 或 L D Y D");
        // Tone-numbered pinyin is Mandarin for the voice (used for surnames it misreads).
        assert_eq!(zh("shan4女士"), "shan4女士");
        assert_eq!(zh("yu4chi2先生"), "yu4chi2先生");
    }

    #[test]
    fn dates_are_year_month_day_with_the_year_digit_by_digit() {
        assert_eq!(zh("2026-12-04"), "二零二六年十二月四日");
        assert_eq!(zh("2026年12月4日前"), "二零二六年十二月四日前");
        assert_eq!(zh("出生日期：1953/8/16"), "出生日期：一九五三年八月十六日");
        assert_eq!(zh("有效期至2030.01.31。"), "有效期至二零三零年一月三十一日。");
        assert_eq!(en("by 2026-12-04."), "by 4 December 2026.");
        // Not a date: month 13.
        assert_eq!(zh("2026-13-04"), "二 零 二 六，幺 三，零 四");
    }

    #[test]
    fn amounts_and_decimals_keep_their_point() {
        assert_eq!(zh("补助5000元"), "补助五千元");
        assert_eq!(zh("¥1,234.5"), "一千二百三十四点五元");
        assert_eq!(zh("3.5"), "三点五");
        assert_eq!(zh("2.5万元"), "二点五万元");
        assert_eq!(zh("报销50%"), "报销百分之五十");
        assert_eq!(en("a grant of 5000元"), "a grant of 5000 yuan");
        assert_eq!(en("¥1,234.5"), "1234.5 yuan");
    }

    #[test]
    fn counts_and_ordinals_are_numbers() {
        assert_eq!(zh("找到 12 项"), "找到 十二 项");
        assert_eq!(zh("第1步：取号"), "第一步：取号");
        assert_eq!(zh("10个工作日"), "十个工作日");
        assert_eq!(zh("3-5个工作日"), "三至五个工作日");
        assert_eq!(zh("1. 身份证：原件 1份"), "一. 身份证：原件 一份");
        assert_eq!(en("Found 12 items"), "Found 12 items");
        assert_eq!(en("3-5 working days"), "3 to 5 working days");
    }

    #[test]
    fn phone_numbers_are_dictated_in_groups() {
        assert_eq!(zh("手机13812345678"), "手机幺三八，幺二三四，五六七八");
        assert_eq!(zh("咨询电话：0731-28261234"), "咨询电话：零七三幺，二八二六，幺二三四");
        assert_eq!(zh("请拨打12345"), "请拨打幺二三四五");
        assert_eq!(zh("监督投诉 12345"), "监督投诉 幺二三四五");
        assert_eq!(zh("急救请拨打120"), "急救请拨打幺二零");
        assert_eq!(zh("例如20270315"), "例如二零二七，零三幺五");
        assert_eq!(zh("3栋201室"), "三栋二零幺室");
        assert_eq!(en("Call 0731-28261234."), "Call 0 7 3 1, 2 8 2 6, 1 2 3 4.");
        assert_eq!(en("Phone: 13812345678"), "Phone: 1 3 8, 1 2 3 4, 5 6 7 8");
    }

    #[test]
    fn times_are_said_as_times() {
        assert_eq!(zh("9:00-17:30"), "九点至十七点三十分");
        assert_eq!(zh("10:05"), "十点零五分");
        assert_eq!(en("Open 9:00-17:30"), "Open 9 a.m. to 5:30 p.m.");
    }

    #[test]
    fn id_numbers_are_never_spoken() {
        for id in ["43020419530816102X", "430204196203040058", "43020419530816102x", "430204530816102"] {
            let said = zh(&format!("身份证号{id}已核验"));
            assert_eq!(said, format!("身份证号{HIDDEN_ID_ZH}已核验"));
            assert!(!en(&format!("ID {id}")).contains(&id[..8]));
        }
        assert_eq!(zh("证件号码 4302**********1027"), format!("证件号码 {HIDDEN_ID_ZH}"));
        assert_eq!(zh("永居证 CAN430285061201"), format!("永居证 {HIDDEN_ID_ZH}"));
        assert_eq!(zh("通行证 H99000001"), format!("通行证 {HIDDEN_ID_ZH}"));
        assert_eq!(en("Card 4302**********1027."), format!("Card {HIDDEN_ID_EN}."));
    }

    #[test]
    fn masked_names_become_surname_and_mou() {
        assert_eq!(zh("申请人：张*英，"), "申请人：张某，");
        assert_eq!(zh("申请人：欧**娜"), "申请人：欧某");
        assert_eq!(zh("申请人：张*，"), "申请人：张某，");
        assert_eq!(en("Applicant: 张*英."), "Applicant: Zhang.");
        assert_eq!(en("Applicant: D**************E."), "Applicant: .");
    }

    #[test]
    fn english_text_keeps_chinese_item_names_for_the_mandarin_voice() {
        let s = for_the_ear("Apply for 老年人优待证 here.", Lang::En);
        assert_eq!(s.text(), "Apply for 老年人优待证 here.");
        assert_eq!(s.ssml(), "Apply for <voice name=\"cmn-latn-pinyin\">老年人优待证</voice> here.");
        assert_eq!(for_the_ear("甲<乙>&丙", Lang::Zh).ssml(), "甲&lt;乙&gt;和丙");
    }

    #[test]
    fn symbols_the_voice_would_read_in_english_become_words() {
        assert_eq!(zh("身份证/户口本"), "身份证或户口本");
        assert_eq!(zh("民政局 · 承诺件"), "民政局 ， 承诺件");
        assert_eq!(zh("①身份证②户口本"), "一、身份证二、户口本");
        assert_eq!(zh("受理条件\n年满60周岁"), "受理条件。年满六十周岁");
    }

    #[test]
    fn full_width_digits_are_digits() {
        assert_eq!(zh("１２３４５"), "幺二三四五");
    }

    #[test]
    fn never_panics_and_never_leaves_long_digit_runs() {
        let samples = [
            "",
            "-",
            "*",
            "**",
            "张*",
            "¥",
            "¥.",
            "1.",
            ".5",
            "a-",
            "-1-",
            "1,2",
            "12,345,678元",
            "9:7",
            "2026--1",
            "\n\n",
        ];
        for s in samples {
            let _ = zh(s);
            let _ = en(s);
        }
        let said = zh("编号 1234567890123 与 98765");
        assert!(!said.chars().any(|c| c.is_ascii_digit()), "{said}");
    }
}
