//! Form validation and eligibility, decided without a window. Every message says what to fix.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::catalog::{Eligibility, FieldKind, FormField};
use crate::devices::idcard::{Card, CardType};
use crate::messages;
use crate::Lang;

/// What is wrong with a value (worded for the resident by `crate::messages::field_problem`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldProblem {
    Missing,
    NotAnOption,
    NotYesNo,
    BadPhone,
    NotANumber,
    TooSmall { min: i64 },
    TooLarge { max: i64 },
    BadDate,
    TooLong { max: usize },
}

/// Checks one value against its field; `Err` is a sentence telling the resident what to fix, in `lang`.
pub fn validate(lang: Lang, field: &FormField, value: &str) -> Result<(), String> {
    check(field, value).map_err(|p| messages::field_problem(lang, field, &p))
}

/// Checks one value against its field.
pub fn check(field: &FormField, value: &str) -> Result<(), FieldProblem> {
    let v = value.trim();
    if v.is_empty() {
        return if field.required { Err(FieldProblem::Missing) } else { Ok(()) };
    }
    match field.kind {
        FieldKind::Choice if field.options.iter().any(|o| o == v) => Ok(()),
        FieldKind::Choice => Err(FieldProblem::NotAnOption),
        FieldKind::YesNo => match v {
            "是" | "否" => Ok(()),
            _ => Err(FieldProblem::NotYesNo),
        },
        FieldKind::Phone => {
            let digits = v.chars().filter(|c| *c != '-').collect::<String>();
            let mobile = digits.len() == 11 && digits.starts_with('1');
            let landline = digits.starts_with('0') && (10..=12).contains(&digits.len());
            if digits.chars().all(|c| c.is_ascii_digit()) && (mobile || landline) {
                Ok(())
            } else {
                Err(FieldProblem::BadPhone)
            }
        }
        FieldKind::Number => {
            let n: i64 = v.parse().map_err(|_| FieldProblem::NotANumber)?;
            if let Some(min) = field.min.filter(|m| n < *m) {
                return Err(FieldProblem::TooSmall { min });
            }
            if let Some(max) = field.max.filter(|m| n > *m) {
                return Err(FieldProblem::TooLarge { max });
            }
            Ok(())
        }
        FieldKind::Date => parse_date(v).map(|_| ()).ok_or(FieldProblem::BadDate),
        FieldKind::Text => {
            let max = field.max_len.unwrap_or(60) as usize;
            if v.chars().count() > max {
                Err(FieldProblem::TooLong { max })
            } else {
                Ok(())
            }
        }
    }
}

/// `20270315` or `2027-03-15`.
pub fn parse_date(v: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(v, "%Y%m%d").or_else(|_| NaiveDate::parse_from_str(v, "%Y-%m-%d")).ok()
}

/// All problems of a form, by field key, in `lang`.
pub fn validate_all(lang: Lang, fields: &[FormField], values: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    fields
        .iter()
        .filter_map(|f| {
            validate(lang, f, values.get(&f.key).map(String::as_str).unwrap_or("")).err().map(|e| (f.key.clone(), e))
        })
        .collect()
}

/// Why a card's holder may not apply here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ineligible {
    TooYoung { min: u32, age: u32 },
    TooOld { max: u32, age: u32 },
    CardType,
}

/// Whether the card's holder may apply; `Err` explains why not, in plain words in `lang`.
pub fn check_eligibility(
    lang: Lang,
    rules: &Eligibility,
    card: &Card,
    today: NaiveDate,
    item: &str,
) -> Result<(), String> {
    eligibility(rules, card, today).map_err(|why| messages::ineligible(lang, item, &why))
}

/// Whether the card's holder may apply.
pub fn eligibility(rules: &Eligibility, card: &Card, today: NaiveDate) -> Result<(), Ineligible> {
    let age = card.age_on(today);
    if let Some(min) = rules.min_age.filter(|m| age < *m) {
        return Err(Ineligible::TooYoung { min, age });
    }
    if let Some(max) = rules.max_age.filter(|m| age > *m) {
        return Err(Ineligible::TooOld { max, age });
    }
    if !rules.card_types.is_empty() {
        let t = match card.card_type {
            CardType::Resident => "resident",
            CardType::HkMoTw => "hk_mo_tw",
            CardType::Foreign => "foreign",
        };
        if !rules.card_types.iter().any(|c| c == t) {
            return Err(Ineligible::CardType);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(kind: FieldKind) -> FormField {
        FormField {
            key: "k".into(),
            label: "联系电话".into(),
            kind,
            required: true,
            options: vec!["一孩".into(), "二孩".into()],
            help: None,
            min: Some(1),
            max: Some(20),
            unit: Some("人".into()),
            max_len: Some(4),
        }
    }

    #[test]
    fn phones_are_mobiles_or_landlines_with_area_code() {
        let f = field(FieldKind::Phone);
        assert!(validate(Lang::Zh, &f, "13807331234").is_ok());
        assert!(validate(Lang::Zh, &f, "0731-28261101").is_ok());
        assert!(validate(Lang::Zh, &f, "1380733123").unwrap_err().contains("11位"));
        assert!(validate(Lang::Zh, &f, "").unwrap_err().contains("请填写联系电话"));
    }

    #[test]
    fn numbers_dates_choices_and_text_say_what_to_fix() {
        assert!(validate(Lang::Zh, &field(FieldKind::Number), "21").unwrap_err().contains("不能超过20人"));
        assert!(validate(Lang::Zh, &field(FieldKind::Number), "0").unwrap_err().contains("不能少于1人"));
        assert!(validate(Lang::Zh, &field(FieldKind::Number), "3").is_ok());
        assert!(validate(Lang::Zh, &field(FieldKind::Date), "20270315").is_ok());
        assert!(validate(Lang::Zh, &field(FieldKind::Date), "20271315").unwrap_err().contains("8位数字"));
        assert!(validate(Lang::Zh, &field(FieldKind::Choice), "二孩").is_ok());
        assert!(validate(Lang::Zh, &field(FieldKind::Choice), "四孩").is_err());
        assert!(validate(Lang::Zh, &field(FieldKind::YesNo), "是").is_ok());
        assert!(validate(Lang::Zh, &field(FieldKind::Text), "一二三四五").unwrap_err().contains("最多4个字"));
        let mut optional = field(FieldKind::Text);
        optional.required = false;
        assert!(validate(Lang::Zh, &optional, " ").is_ok());
    }

    #[test]
    fn problems_are_said_in_the_residents_language() {
        let en = |kind, v| validate(Lang::En, &field(kind), v).unwrap_err();
        assert_eq!(en(FieldKind::Phone, ""), "Please fill in “联系电话”.");
        assert!(en(FieldKind::Number, "21").contains("cannot be more than 20 people"));
        assert!(en(FieldKind::Date, "20271315").contains("8 digits"));
        assert!(en(FieldKind::Text, "一二三四五").contains("at most 4 characters"));
    }
}
