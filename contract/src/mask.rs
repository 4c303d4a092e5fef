//! The one masking rule for personal data shown on screens, slips and staff lists (PIPL). Never log
//! what these functions take.

/// `张三英` → `张*英`, `张英` → `张*`, `欧阳娜娜` → `欧**娜`: the first and (from three characters) the
/// last character kept. Latin names keep their first and last letter the same way.
pub fn mask_name(name: &str) -> String {
    let chars: Vec<char> = name.trim().chars().collect();
    match chars.len() {
        0 => String::new(),
        1 => "*".to_string(),
        2 => format!("{}*", chars[0]),
        n => {
            let mut s = String::new();
            s.push(chars[0]);
            s.extend(std::iter::repeat_n('*', n - 2));
            s.push(chars[n - 1]);
            s
        }
    }
}

/// `430202195801011027` → `4302**********1027`: the first four and the last four characters kept;
/// eight characters or fewer are masked whole.
pub fn mask_id_number(id: &str) -> String {
    let chars: Vec<char> = id.trim().chars().collect();
    let n = chars.len();
    if n <= 8 {
        return "*".repeat(n);
    }
    let mut s: String = chars[..4].iter().collect();
    s.extend(std::iter::repeat_n('*', n - 8));
    s.extend(&chars[n - 4..]);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_keep_first_and_last_character() {
        assert_eq!(mask_name("王"), "*");
        assert_eq!(mask_name("张英"), "张*");
        assert_eq!(mask_name("张三英"), "张*英");
        assert_eq!(mask_name("王秀兰"), "王*兰");
        assert_eq!(mask_name("欧阳娜娜"), "欧**娜");
        assert_eq!(mask_name(" 李演明 "), "李*明");
        assert_eq!(mask_name("Anna"), "A**a");
        assert_eq!(mask_name(""), "");
    }

    #[test]
    fn id_numbers_keep_four_at_each_end() {
        assert_eq!(mask_id_number("430202195801011027"), "4302**********1027");
        assert_eq!(mask_id_number("43020219580101102X"), "4302**********102X");
        // A 15-character foreigner's permanent residence card number.
        assert_eq!(mask_id_number("USA650101123456"), "USA6*******3456");
        assert_eq!(mask_id_number("123456789"), "1234*6789");
        assert_eq!(mask_id_number("12345678"), "********");
        assert_eq!(mask_id_number("123"), "***");
        assert_eq!(mask_id_number(""), "");
    }
}
