//! Numbers as Mandarin words, written out so that what is spoken does not depend on how the voice
//! reads digits (the packaged `cmn-latn-pinyin` voice drops 零 in years and 点 in decimals).

const DIGITS: [char; 10] = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/// One digit as a word; `yao` reads 1 as 幺, as Mandarin does when dictating phone numbers and codes
/// (一 and 七 are easily confused over a loudspeaker).
pub fn digit(d: u32, yao: bool) -> char {
    match d {
        1 if yao => '幺',
        0..=9 => DIGITS[d as usize],
        _ => '?',
    }
}

/// Every ASCII digit of `s` as a word, one after another: `2026` → `二零二六`.
pub fn digits(s: &str, yao: bool) -> String {
    s.chars().filter_map(|c| c.to_digit(10)).map(|d| digit(d, yao)).collect()
}

/// An integer as Mandarin words: 10 → 十, 1005 → 一千零五, 20000 → 两万, 110 → 一百一十.
pub fn integer(n: u64) -> String {
    if n == 0 {
        return "零".into();
    }
    // Sections of four digits, lowest first, each with its unit.
    const UNITS: [&str; 5] = ["", "万", "亿", "万亿", "亿亿"];
    let mut sections = Vec::new();
    let mut rest = n;
    while rest > 0 {
        sections.push((rest % 10_000) as u32);
        rest /= 10_000;
    }
    let mut out = String::new();
    let mut zero_pending = false;
    for (i, &section) in sections.iter().enumerate().rev() {
        if section == 0 {
            zero_pending = !out.is_empty();
            continue;
        }
        if !out.is_empty() && (zero_pending || section < 1000) {
            out.push('零');
        }
        zero_pending = false;
        let leading = out.is_empty();
        let mut words = section_words(section, leading);
        if leading && section == 2 && i > 0 {
            words = "两".into();
        }
        out.push_str(&words);
        out.push_str(UNITS[i]);
    }
    out
}

/// 1..=9999 as words, without leading 零; `leading`: the number's first section (十五, not 一十五).
fn section_words(section: u32, leading: bool) -> String {
    let places = [(1000, '千'), (100, '百'), (10, '十'), (1, ' ')];
    let mut out = String::new();
    let mut started = false;
    let mut zero = false;
    for (value, unit) in places {
        let d = section / value % 10;
        if d == 0 {
            zero = started;
            continue;
        }
        if zero {
            out.push('零');
            zero = false;
        }
        let tens_alone = value == 10 && d == 1 && !started && leading;
        if value == 1000 && d == 2 && !started && leading {
            out.push('两');
        } else if !tens_alone {
            out.push(DIGITS[d as usize]);
        }
        if unit != ' ' {
            out.push(unit);
        }
        started = true;
    }
    out
}

/// `int_part.frac_part` as words: `3`, `5` → 三点五; `0`, `05` → 零点零五.
pub fn decimal(int_part: &str, frac_part: &str) -> String {
    let whole = int_part.parse::<u64>().map(integer).unwrap_or_else(|_| digits(int_part, false));
    if frac_part.is_empty() {
        return whole;
    }
    format!("{whole}点{}", digits(frac_part, false))
}

/// A number as written (digits, optionally one `.`) as words.
pub fn number(s: &str) -> String {
    match s.split_once('.') {
        Some((i, f)) => decimal(i, f),
        None => decimal(s, ""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_read_as_mandarin_says_them() {
        let cases = [
            (0, "零"),
            (2, "二"),
            (10, "十"),
            (15, "十五"),
            (20, "二十"),
            (110, "一百一十"),
            (200, "二百"),
            (1005, "一千零五"),
            (1010, "一千零一十"),
            (2000, "两千"),
            (5000, "五千"),
            (10010, "一万零一十"),
            (20000, "两万"),
            (22000, "两万二千"),
            (100000, "十万"),
            (101000, "十万一千"),
            (1001000, "一百万一千"),
            (100_000_000, "一亿"),
            (100_000_005, "一亿零五"),
            (120_000_000, "一亿二千万"),
        ];
        for (n, words) in cases {
            assert_eq!(integer(n), words, "{n}");
        }
    }

    #[test]
    fn decimals_keep_the_point_and_read_fractions_digit_by_digit() {
        assert_eq!(number("3.5"), "三点五");
        assert_eq!(number("0.05"), "零点零五");
        assert_eq!(number("1234.56"), "一千二百三十四点五六");
        assert_eq!(number("42"), "四十二");
    }

    #[test]
    fn digits_one_at_a_time() {
        assert_eq!(digits("2026", false), "二零二六");
        assert_eq!(digits("0001", true), "零零零幺");
    }
}
