//! The 256-byte text block of a second-generation ID card (UCS-2 LE, space-padded) and the [`Card`]
//! it describes: resident cards, 港澳台居民居住证 ('J') and 外国人永久居留身份证 ('I').
//!
//! Pure functions: "today" is passed in, nothing here reads the clock.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::protocol::TEXT_LEN;
use crate::privacy::{mask_id_number, mask_name};

/// Which kind of card the text block describes (byte 248).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CardType {
    /// 居民身份证
    Resident,
    /// 港澳台居民居住证, byte 248 = 'J'
    HkMoTw,
    /// 外国人永久居留身份证, byte 248 = 'I'
    Foreign,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    Male,
    Female,
    /// '0' unknown, '9' unstated, or anything else.
    Unknown,
}

/// End of validity: a date, or 长期 (long-term, never expires).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValidTo {
    Date(NaiveDate),
    LongTerm,
}

/// How 长期 is written on the card and in JSON.
pub const LONG_TERM: &str = "长期";

impl fmt::Display for ValidTo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValidTo::Date(d) => write!(f, "{}", d.format("%Y-%m-%d")),
            ValidTo::LongTerm => f.write_str(LONG_TERM),
        }
    }
}

impl Serialize for ValidTo {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ValidTo {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        if s == LONG_TERM {
            return Ok(ValidTo::LongTerm);
        }
        NaiveDate::parse_from_str(&s, "%Y-%m-%d")
            .map(ValidTo::Date)
            .map_err(|_| serde::de::Error::custom(format!("expected YYYY-MM-DD or {LONG_TERM}")))
    }
}

/// What a card says, as printed by `kiosk device read-card --json` (the JSON keys are an interface).
///
/// `Debug` masks the name and the ID number; nothing else of a card should reach a log.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Card {
    pub card_type: CardType,
    /// Chinese name (for a foreign card the Chinese name if it has one, else the English name).
    pub name: String,
    pub gender: Gender,
    /// 民族 in Chinese, resident cards only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nation: Option<String>,
    pub birth_date: NaiveDate,
    /// Empty on foreign cards (they carry no address).
    #[serde(default)]
    pub address: String,
    /// 公民身份号码; the permit number on a foreign card.
    pub id_number: String,
    /// 签发机关; the authority code on a foreign card.
    #[serde(default)]
    pub issuer: String,
    pub valid_from: NaiveDate,
    pub valid_to: ValidTo,
    /// GB 11643 check digit (18-character numbers) or permit format (15-character foreign numbers).
    #[serde(default)]
    pub id_number_valid: bool,
    /// `valid_to` is before the day the card was read.
    #[serde(default)]
    pub expired: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub english_name: Option<String>,
    /// ISO 3166 alpha-3 nationality, foreign cards.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// 通行证号码, 'J' cards.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pass_number: Option<String>,
}

impl fmt::Debug for Card {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Card")
            .field("card_type", &self.card_type)
            .field("name", &self.masked_name())
            .field("id_number", &self.masked_id_number())
            .field("id_number_valid", &self.id_number_valid)
            .field("expired", &self.expired)
            .finish_non_exhaustive()
    }
}

impl Card {
    /// `张*英`
    pub fn masked_name(&self) -> String {
        mask_name(&self.name)
    }

    /// `4302**********102X`
    pub fn masked_id_number(&self) -> String {
        mask_id_number(&self.id_number)
    }

    /// Whether the card has expired on `today` (the last valid day is `valid_to` itself).
    pub fn is_expired_on(&self, today: NaiveDate) -> bool {
        match self.valid_to {
            ValidTo::Date(d) => d < today,
            ValidTo::LongTerm => false,
        }
    }

    /// Recomputes `id_number_valid` and `expired` (e.g. after loading a card from JSON).
    pub fn refresh(&mut self, today: NaiveDate) {
        self.id_number_valid = id_number_is_valid(self.card_type, &self.id_number);
        self.expired = self.is_expired_on(today);
    }

    /// Age in whole years on `today`.
    pub fn age_on(&self, today: NaiveDate) -> u32 {
        today.years_since(self.birth_date).unwrap_or(0)
    }
}

/// Why a text block could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("field {field}: not a valid date")]
    InvalidDate { field: &'static str },
    #[error("field {field}: not valid UCS-2")]
    InvalidText { field: &'static str },
}

/// Why a card could not be written into a text block.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EncodeError {
    #[error("field {field}: {chars} characters, at most {max} fit")]
    TooLong { field: &'static str, chars: usize, max: usize },
    #[error("field {field}: a character outside the Basic Multilingual Plane cannot be stored in UCS-2")]
    NotUcs2 { field: &'static str },
    #[error("nation {0:?} is not in the GB 3304 table")]
    UnknownNation(String),
}

/// GB 3304 nationality codes 01..=56, then 97 and 98.
pub const NATIONS: [(u8, &str); 58] = [
    (1, "汉"),
    (2, "蒙古"),
    (3, "回"),
    (4, "藏"),
    (5, "维吾尔"),
    (6, "苗"),
    (7, "彝"),
    (8, "壮"),
    (9, "布依"),
    (10, "朝鲜"),
    (11, "满"),
    (12, "侗"),
    (13, "瑶"),
    (14, "白"),
    (15, "土家"),
    (16, "哈尼"),
    (17, "哈萨克"),
    (18, "傣"),
    (19, "黎"),
    (20, "傈僳"),
    (21, "佤"),
    (22, "畲"),
    (23, "高山"),
    (24, "拉祜"),
    (25, "水"),
    (26, "东乡"),
    (27, "纳西"),
    (28, "景颇"),
    (29, "柯尔克孜"),
    (30, "土"),
    (31, "达斡尔"),
    (32, "仫佬"),
    (33, "羌"),
    (34, "布朗"),
    (35, "撒拉"),
    (36, "毛南"),
    (37, "仡佬"),
    (38, "锡伯"),
    (39, "阿昌"),
    (40, "普米"),
    (41, "塔吉克"),
    (42, "怒"),
    (43, "乌孜别克"),
    (44, "俄罗斯"),
    (45, "鄂温克"),
    (46, "德昂"),
    (47, "保安"),
    (48, "裕固"),
    (49, "京"),
    (50, "塔塔尔"),
    (51, "独龙"),
    (52, "鄂伦春"),
    (53, "赫哲"),
    (54, "门巴"),
    (55, "珞巴"),
    (56, "基诺"),
    (97, "其他"),
    (98, "外国血统"),
];

/// The Chinese name of a GB 3304 code.
pub fn nation_name(code: u8) -> Option<&'static str> {
    NATIONS.iter().find(|(c, _)| *c == code).map(|(_, n)| *n)
}

/// The GB 3304 code of a Chinese nation name (with or without a trailing 族).
pub fn nation_code(name: &str) -> Option<u8> {
    let name = name.trim();
    let short = if name.chars().count() > 1 { name.strip_suffix('族').unwrap_or(name) } else { name };
    NATIONS.iter().find(|(_, n)| *n == short).map(|(c, _)| *c)
}

/// The GB 11643 check, shared with the hub (which refuses an application whose number fails it).
pub use kiosk_contract::validate::gb11643_check_char;

/// ID number validation by card type: GB 11643 for 18-character numbers (all resident and 'J' cards,
/// 2023-format foreign cards); for 15-character foreign permits (three capital letters, twelve
/// digits) only the format is checked. The contract's rule, which the hub applies to intake too.
pub fn id_number_is_valid(card_type: CardType, id: &str) -> bool {
    use kiosk_contract::CardType as Wire;
    let wire = match card_type {
        CardType::Resident => Wire::Resident,
        CardType::HkMoTw => Wire::HkMoTw,
        CardType::Foreign => Wire::Foreign,
    };
    kiosk_contract::validate::id_number_is_valid(wire, id)
}

/// Offset and length in bytes of one field of the text block.
#[derive(Debug, Clone, Copy)]
struct Field {
    name: &'static str,
    offset: usize,
    len: usize,
}

const fn field(name: &'static str, offset: usize, len: usize) -> Field {
    Field { name, offset, len }
}

// Resident and 'J' layouts (they share everything up to offset 220).
const NAME: Field = field("name", 0, 30);
const GENDER: Field = field("gender", 30, 2);
const NATION: Field = field("nation", 32, 4);
const BIRTH: Field = field("birth_date", 36, 16);
const ADDRESS: Field = field("address", 52, 70);
const ID_NUMBER: Field = field("id_number", 122, 36);
const ISSUER: Field = field("issuer", 158, 30);
const VALID_FROM: Field = field("valid_from", 188, 16);
const VALID_TO: Field = field("valid_to", 204, 16);
const J_PASS: Field = field("pass_number", 220, 18);
const J_ISSUE_COUNT: Field = field("issue_count", 238, 4);
// Foreign ('I') layout.
const I_ENGLISH_NAME: Field = field("english_name", 0, 120);
const I_GENDER: Field = field("gender", 120, 2);
const I_PERMIT: Field = field("id_number", 122, 30);
const I_COUNTRY: Field = field("country", 152, 6);
const I_NAME: Field = field("name", 158, 30);
const I_VALID_FROM: Field = field("valid_from", 188, 16);
const I_VALID_TO: Field = field("valid_to", 204, 16);
const I_BIRTH: Field = field("birth_date", 220, 16);
const I_VERSION: Field = field("card_version", 236, 4);
const I_AUTHORITY: Field = field("issuer", 240, 8);
const TYPE_OFFSET: usize = 248;

fn read_field(text: &[u8; TEXT_LEN], f: Field) -> Result<String, TextError> {
    let units = text[f.offset..f.offset + f.len].chunks_exact(2).map(|p| u16::from_le_bytes([p[0], p[1]]));
    let s: String =
        char::decode_utf16(units).collect::<Result<_, _>>().map_err(|_| TextError::InvalidText { field: f.name })?;
    Ok(s.trim_end_matches([' ', '\0']).trim_start().to_string())
}

fn read_date(text: &[u8; TEXT_LEN], f: Field) -> Result<NaiveDate, TextError> {
    let s = read_field(text, f)?;
    parse_yyyymmdd(&s).ok_or(TextError::InvalidDate { field: f.name })
}

fn parse_yyyymmdd(s: &str) -> Option<NaiveDate> {
    if s.len() != 8 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y%m%d").ok()
}

fn read_valid_to(text: &[u8; TEXT_LEN], f: Field) -> Result<ValidTo, TextError> {
    let s = read_field(text, f)?;
    if s == LONG_TERM {
        return Ok(ValidTo::LongTerm);
    }
    parse_yyyymmdd(&s).map(ValidTo::Date).ok_or(TextError::InvalidDate { field: f.name })
}

fn gender_from(s: &str) -> Gender {
    match s {
        "1" => Gender::Male,
        "2" => Gender::Female,
        _ => Gender::Unknown,
    }
}

fn non_empty(s: String) -> Option<String> {
    if s.is_empty() {
        None
    } else {
        Some(s)
    }
}

/// Which card type byte 248 announces.
pub fn card_type_of(text: &[u8; TEXT_LEN]) -> CardType {
    match text[TYPE_OFFSET] {
        b'J' => CardType::HkMoTw,
        b'I' => CardType::Foreign,
        _ => CardType::Resident,
    }
}

/// Decodes a text block; `today` decides `expired`.
pub fn decode_text(text: &[u8; TEXT_LEN], today: NaiveDate) -> Result<Card, TextError> {
    let card_type = card_type_of(text);
    let mut card = match card_type {
        CardType::Resident | CardType::HkMoTw => {
            let nation = if card_type == CardType::Resident {
                let code = read_field(text, NATION)?;
                Some(match code.parse::<u8>().ok().and_then(nation_name) {
                    Some(name) => name.to_string(),
                    None => code,
                })
            } else {
                None
            };
            let pass_number = if card_type == CardType::HkMoTw { non_empty(read_field(text, J_PASS)?) } else { None };
            Card {
                card_type,
                name: read_field(text, NAME)?,
                gender: gender_from(&read_field(text, GENDER)?),
                nation,
                birth_date: read_date(text, BIRTH)?,
                address: read_field(text, ADDRESS)?,
                id_number: read_field(text, ID_NUMBER)?,
                issuer: read_field(text, ISSUER)?,
                valid_from: read_date(text, VALID_FROM)?,
                valid_to: read_valid_to(text, VALID_TO)?,
                id_number_valid: false,
                expired: false,
                english_name: None,
                country: None,
                pass_number,
            }
        }
        CardType::Foreign => {
            let english_name = read_field(text, I_ENGLISH_NAME)?;
            let chinese_name = read_field(text, I_NAME)?;
            Card {
                card_type,
                name: if chinese_name.is_empty() { english_name.clone() } else { chinese_name },
                gender: gender_from(&read_field(text, I_GENDER)?),
                nation: None,
                birth_date: read_date(text, I_BIRTH)?,
                address: String::new(),
                id_number: read_field(text, I_PERMIT)?,
                issuer: read_field(text, I_AUTHORITY)?,
                valid_from: read_date(text, I_VALID_FROM)?,
                valid_to: read_valid_to(text, I_VALID_TO)?,
                id_number_valid: false,
                expired: false,
                english_name: non_empty(english_name),
                country: non_empty(read_field(text, I_COUNTRY)?),
                pass_number: None,
            }
        }
    };
    card.refresh(today);
    Ok(card)
}

fn write_field(text: &mut [u8; TEXT_LEN], f: Field, value: &str) -> Result<(), EncodeError> {
    let max = f.len / 2;
    let chars = value.chars().count();
    if chars > max {
        return Err(EncodeError::TooLong { field: f.name, chars, max });
    }
    let slot = &mut text[f.offset..f.offset + f.len];
    for pair in slot.chunks_exact_mut(2) {
        pair.copy_from_slice(&[0x20, 0x00]);
    }
    for (pair, c) in slot.chunks_exact_mut(2).zip(value.chars()) {
        let unit = u16::try_from(u32::from(c)).map_err(|_| EncodeError::NotUcs2 { field: f.name })?;
        pair.copy_from_slice(&unit.to_le_bytes());
    }
    Ok(())
}

fn gender_code(g: Gender) -> &'static str {
    match g {
        Gender::Male => "1",
        Gender::Female => "2",
        Gender::Unknown => "0",
    }
}

fn yyyymmdd(d: NaiveDate) -> String {
    d.format("%Y%m%d").to_string()
}

fn valid_to_text(v: ValidTo) -> String {
    match v {
        ValidTo::Date(d) => yyyymmdd(d),
        ValidTo::LongTerm => LONG_TERM.to_string(),
    }
}

/// Writes a card into a text block (what the simulator sends). `decode_text(encode_text(c))` gives
/// back `c` with `id_number_valid` and `expired` recomputed.
pub fn encode_text(card: &Card) -> Result<[u8; TEXT_LEN], EncodeError> {
    let mut text = [0u8; TEXT_LEN];
    for pair in text.chunks_exact_mut(2) {
        pair.copy_from_slice(&[0x20, 0x00]);
    }
    match card.card_type {
        CardType::Resident | CardType::HkMoTw => {
            write_field(&mut text, NAME, &card.name)?;
            write_field(&mut text, GENDER, gender_code(card.gender))?;
            if card.card_type == CardType::Resident {
                let nation = card.nation.as_deref().unwrap_or("");
                let code = match nation_code(nation) {
                    Some(code) => code,
                    None if nation.len() == 2 && nation.bytes().all(|b| b.is_ascii_digit()) => {
                        nation.parse().unwrap_or(0)
                    }
                    None => return Err(EncodeError::UnknownNation(nation.to_string())),
                };
                write_field(&mut text, NATION, &format!("{code:02}"))?;
            }
            write_field(&mut text, BIRTH, &yyyymmdd(card.birth_date))?;
            write_field(&mut text, ADDRESS, &card.address)?;
            write_field(&mut text, ID_NUMBER, &card.id_number)?;
            write_field(&mut text, ISSUER, &card.issuer)?;
            write_field(&mut text, VALID_FROM, &yyyymmdd(card.valid_from))?;
            write_field(&mut text, VALID_TO, &valid_to_text(card.valid_to))?;
            if card.card_type == CardType::HkMoTw {
                write_field(&mut text, J_PASS, card.pass_number.as_deref().unwrap_or(""))?;
                write_field(&mut text, J_ISSUE_COUNT, "01")?;
                text[TYPE_OFFSET] = b'J';
            }
        }
        CardType::Foreign => {
            // The inverse of decode_text: `english_name` is the English field (none: empty), and
            // `name` the Chinese field unless it is the English name (a card without a Chinese name).
            let english = card.english_name.as_deref().unwrap_or("");
            write_field(&mut text, I_ENGLISH_NAME, english)?;
            write_field(&mut text, I_GENDER, gender_code(card.gender))?;
            write_field(&mut text, I_PERMIT, &card.id_number)?;
            write_field(&mut text, I_COUNTRY, card.country.as_deref().unwrap_or(""))?;
            let chinese = if card.english_name.is_some() && card.name == english { "" } else { card.name.as_str() };
            write_field(&mut text, I_NAME, chinese)?;
            write_field(&mut text, I_VALID_FROM, &yyyymmdd(card.valid_from))?;
            write_field(&mut text, I_VALID_TO, &valid_to_text(card.valid_to))?;
            write_field(&mut text, I_BIRTH, &yyyymmdd(card.birth_date))?;
            write_field(&mut text, I_VERSION, "01")?;
            write_field(&mut text, I_AUTHORITY, &card.issuer)?;
            text[TYPE_OFFSET] = b'I';
        }
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn today() -> NaiveDate {
        date(2026, 11, 22)
    }

    /// Builds a text block by hand, independently of `encode_text`.
    fn block(fields: &[(usize, &str)], type_byte: u8) -> [u8; TEXT_LEN] {
        let mut text = [0u8; TEXT_LEN];
        for pair in text.chunks_exact_mut(2) {
            pair.copy_from_slice(&[0x20, 0x00]);
        }
        for (offset, value) in fields {
            for (i, unit) in value.encode_utf16().enumerate() {
                text[offset + 2 * i..offset + 2 * i + 2].copy_from_slice(&unit.to_le_bytes());
            }
        }
        if type_byte != b' ' {
            text[248] = type_byte;
        }
        text
    }

    #[test]
    fn resident_card_decodes_every_field() {
        let text = block(
            &[
                (0, "张演英"),
                (30, "2"),
                (32, "01"),
                (36, "19530816"),
                (52, "湖南省株洲市石峰区清水塘街道华垅社区"),
                (122, "43020419530816102X"),
                (158, "株洲市公安局石峰分局"),
                (188, "20120508"),
                (204, "长期"),
            ],
            b' ',
        );
        // The name field starts with the UCS-2 LE bytes of 张 (U+5F20).
        assert_eq!(&text[..2], &[0x20, 0x5F]);
        let card = decode_text(&text, today()).unwrap();
        assert_eq!(card.card_type, CardType::Resident);
        assert_eq!(card.name, "张演英");
        assert_eq!(card.gender, Gender::Female);
        assert_eq!(card.nation.as_deref(), Some("汉"));
        assert_eq!(card.birth_date, date(1953, 8, 16));
        assert_eq!(card.address, "湖南省株洲市石峰区清水塘街道华垅社区");
        assert_eq!(card.id_number, "43020419530816102X");
        assert_eq!(card.issuer, "株洲市公安局石峰分局");
        assert_eq!(card.valid_from, date(2012, 5, 8));
        assert_eq!(card.valid_to, ValidTo::LongTerm);
        assert!(card.id_number_valid);
        assert!(!card.expired);
        assert_eq!(card.english_name, None);
        assert_eq!(card.pass_number, None);
        assert_eq!(card.age_on(today()), 73);
        assert_eq!(encode_text(&card).unwrap(), text);
    }

    #[test]
    fn resident_json_has_exactly_the_contract_keys() {
        let text = block(
            &[
                (0, "李演明"),
                (30, "1"),
                (32, "03"),
                (36, "19900612"),
                (122, "430204199006120036"),
                (188, "20160720"),
                (204, "20360720"),
            ],
            b' ',
        );
        let card = decode_text(&text, today()).unwrap();
        let json = serde_json::to_value(&card).unwrap();
        let keys: Vec<&str> = json.as_object().unwrap().keys().map(String::as_str).collect();
        let mut expected = vec![
            "card_type",
            "name",
            "gender",
            "nation",
            "birth_date",
            "address",
            "id_number",
            "issuer",
            "valid_from",
            "valid_to",
            "id_number_valid",
            "expired",
        ];
        expected.sort_unstable();
        let mut keys_sorted = keys.clone();
        keys_sorted.sort_unstable();
        assert_eq!(keys_sorted, expected);
        assert_eq!(json["card_type"], "resident");
        assert_eq!(json["gender"], "male");
        assert_eq!(json["nation"], "回");
        assert_eq!(json["birth_date"], "1990-06-12");
        assert_eq!(json["valid_to"], "2036-07-20");
        assert_eq!(json["id_number_valid"], true);
        assert_eq!(json["expired"], false);
        let back: Card = serde_json::from_value(json).unwrap();
        assert_eq!(back, card);
    }

    #[test]
    fn hk_mo_tw_card_decodes_pass_number_and_no_nation() {
        let text = block(
            &[
                (0, "陈演华"),
                (30, "2"),
                (36, "19910715"),
                (52, "湖南省株洲市石峰区响石岭街道演示路2号"),
                (122, "810000199107150028"),
                (158, "株洲市公安局石峰分局"),
                (188, "20200101"),
                (204, "20250101"),
                (220, "H99000001"),
                (238, "01"),
            ],
            b'J',
        );
        let card = decode_text(&text, today()).unwrap();
        assert_eq!(card.card_type, CardType::HkMoTw);
        assert_eq!(card.nation, None);
        assert_eq!(card.pass_number.as_deref(), Some("H99000001"));
        assert!(card.id_number_valid);
        assert!(card.expired, "valid to 2025-01-01, read on 2026-11-22");
        let json = serde_json::to_value(&card).unwrap();
        assert_eq!(json["card_type"], "hk_mo_tw");
        assert_eq!(json["pass_number"], "H99000001");
        assert!(json.get("nation").is_none() && json.get("english_name").is_none());
        assert_eq!(encode_text(&card).unwrap(), text);
    }

    #[test]
    fn foreign_card_uses_its_own_layout() {
        let text = block(
            &[
                (0, "DEMO, ANNE MARIE"),
                (120, "2"),
                (122, "CAN430285061201"),
                (152, "CAN"),
                (158, "安演妮"),
                (188, "20210301"),
                (204, "20310301"),
                (220, "19850612"),
                (236, "01"),
                (240, "1500"),
            ],
            b'I',
        );
        let card = decode_text(&text, today()).unwrap();
        assert_eq!(card.card_type, CardType::Foreign);
        assert_eq!(card.name, "安演妮");
        assert_eq!(card.english_name.as_deref(), Some("DEMO, ANNE MARIE"));
        assert_eq!(card.gender, Gender::Female);
        assert_eq!(card.id_number, "CAN430285061201");
        assert_eq!(card.country.as_deref(), Some("CAN"));
        assert_eq!(card.birth_date, date(1985, 6, 12));
        assert_eq!(card.valid_to, ValidTo::Date(date(2031, 3, 1)));
        assert_eq!(card.issuer, "1500");
        assert_eq!(card.address, "");
        assert!(card.id_number_valid);
        assert!(!card.expired);
        assert_eq!(serde_json::to_value(&card).unwrap()["card_type"], "foreign");
        assert_eq!(encode_text(&card).unwrap(), text);
    }

    #[test]
    fn foreign_card_without_chinese_name_is_named_in_english() {
        let text = block(
            &[
                (0, "DEMO, JOHN"),
                (120, "1"),
                (122, "USA110085010112"),
                (152, "USA"),
                (188, "20210301"),
                (204, "20310301"),
                (220, "19850101"),
            ],
            b'I',
        );
        let card = decode_text(&text, today()).unwrap();
        assert_eq!(card.name, "DEMO, JOHN");
        assert_eq!(decode_text(&encode_text(&card).unwrap(), today()).unwrap(), card);
    }

    /// Found by fuzz/ (idcard_text): a foreign card with an empty English field decodes with
    /// `english_name: None`, and `encode_text` wrote its Chinese name into the English field, so the
    /// simulator's card came back with `english_name: Some(<the Chinese name>)`.
    #[test]
    fn foreign_card_without_english_name_round_trips() {
        let text = block(
            &[
                (0, "\u{2000}\u{2000}"),
                (120, "1"),
                (122, "CAN430285061201"),
                (152, "CAN"),
                (158, "安演妮"),
                (188, "20210301"),
                (204, "20310301"),
                (220, "19850612"),
                (236, "01"),
                (240, "1500"),
            ],
            b'I',
        );
        let card = decode_text(&text, today()).unwrap();
        assert_eq!((card.name.as_str(), card.english_name.as_deref()), ("安演妮", None));
        assert_eq!(decode_text(&encode_text(&card).unwrap(), today()).unwrap(), card);
    }

    #[test]
    fn bad_dates_are_decode_errors() {
        let text = block(&[(36, "19531332"), (188, "20120508"), (204, "长期")], b' ');
        assert_eq!(decode_text(&text, today()), Err(TextError::InvalidDate { field: "birth_date" }));
        let text = block(&[(36, "19530230"), (188, "20120508"), (204, "长期")], b' ');
        assert_eq!(decode_text(&text, today()), Err(TextError::InvalidDate { field: "birth_date" }));
        let text = block(&[(36, "19530816"), (188, "20120508"), (204, "短期")], b' ');
        assert_eq!(decode_text(&text, today()), Err(TextError::InvalidDate { field: "valid_to" }));
    }

    #[test]
    fn unpaired_surrogates_are_decode_errors_not_panics() {
        let mut text = block(&[(36, "19530816"), (188, "20120508"), (204, "长期")], b' ');
        text[0] = 0x00;
        text[1] = 0xD8;
        assert_eq!(decode_text(&text, today()), Err(TextError::InvalidText { field: "name" }));
    }

    #[test]
    fn expiry_is_relative_to_the_given_day() {
        let text = block(&[(36, "19620304"), (188, "20040115"), (204, "20240115")], b' ');
        assert!(!decode_text(&text, date(2024, 1, 15)).unwrap().expired, "last valid day");
        assert!(decode_text(&text, date(2024, 1, 16)).unwrap().expired);
    }

    /// The GB 11643 rule itself is kiosk_contract::validate's (tested there); this is the mapping of
    /// the card's type onto the contract's.
    #[test]
    fn id_numbers_are_checked_by_the_cards_type() {
        assert!(id_number_is_valid(CardType::Resident, "43020419530816102X"));
        assert!(id_number_is_valid(CardType::Foreign, "CAN430285061201"));
        assert!(!id_number_is_valid(CardType::Resident, "CAN430285061201"));
        assert!(!id_number_is_valid(CardType::Foreign, "can430285061201"));
        assert!(id_number_is_valid(CardType::HkMoTw, "810000199107150028"));
    }

    #[test]
    fn nation_table_is_complete() {
        assert_eq!(NATIONS.len(), 58);
        for code in 1..=56u8 {
            let name = nation_name(code).unwrap_or_else(|| panic!("code {code}"));
            assert_eq!(nation_code(name), Some(code));
        }
        assert_eq!(nation_name(1), Some("汉"));
        assert_eq!(nation_name(56), Some("基诺"));
        assert_eq!(nation_name(97), Some("其他"));
        assert_eq!(nation_name(98), Some("外国血统"));
        assert_eq!(nation_name(57), None);
        assert_eq!(nation_code("汉族"), Some(1));
        assert_eq!(nation_code("维吾尔族"), Some(5));
    }

    #[test]
    fn unknown_nation_code_is_kept_as_digits() {
        let text = block(&[(30, "0"), (32, "77"), (36, "19530816"), (188, "20120508"), (204, "长期")], b' ');
        let card = decode_text(&text, today()).unwrap();
        assert_eq!(card.nation.as_deref(), Some("77"));
        assert_eq!(encode_text(&card).unwrap(), text);
    }

    #[test]
    fn encoding_rejects_what_does_not_fit() {
        let text = block(&[(0, "张演英"), (36, "19530816"), (188, "20120508"), (204, "长期")], b' ');
        let mut card = decode_text(&text, today()).unwrap();
        card.nation = Some("汉".into());
        card.name = "一二三四五六七八九十一二三四五六".into();
        assert_eq!(encode_text(&card), Err(EncodeError::TooLong { field: "name", chars: 16, max: 15 }));
        card.name = "𠀀".into();
        assert_eq!(encode_text(&card), Err(EncodeError::NotUcs2 { field: "name" }));
        card.name = "张演英".into();
        card.nation = Some("火星".into());
        assert_eq!(encode_text(&card), Err(EncodeError::UnknownNation("火星".into())));
    }

    #[test]
    fn debug_masks_name_and_id_number() {
        let text = block(
            &[(0, "张演英"), (36, "19530816"), (122, "43020419530816102X"), (188, "20120508"), (204, "长期")],
            b' ',
        );
        let card = decode_text(&text, today()).unwrap();
        let debug = format!("{card:?}");
        assert!(debug.contains("张*英") && debug.contains("4302**********102X"), "{debug}");
        assert!(!debug.contains("张演英") && !debug.contains("19530816102X"), "{debug}");
        assert_eq!(card.masked_name(), "张*英");
        assert_eq!(card.masked_id_number(), "4302**********102X");
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn decoding_any_block_never_panics(bytes in prop::collection::vec(any::<u8>(), TEXT_LEN)) {
                let mut text = [0u8; TEXT_LEN];
                text.copy_from_slice(&bytes);
                let _ = decode_text(&text, today());
            }

            #[test]
            fn resident_cards_round_trip(
                name in "[\u{4e00}-\u{9fa5}]{1,15}",
                address in "[\u{4e00}-\u{9fa5}0-9]{0,35}",
                nation in 0usize..58,
                days in 0i64..40_000,
                long_term in any::<bool>(),
            ) {
                let birth = date(1920, 1, 1) + chrono::Duration::days(days);
                let first17 = format!("430204{}123", birth.format("%Y%m%d"));
                let id = format!("{first17}{}", gb11643_check_char(&first17).unwrap());
                let card = Card {
                    card_type: CardType::Resident,
                    name,
                    gender: Gender::Male,
                    nation: Some(NATIONS[nation].1.to_string()),
                    birth_date: birth,
                    address,
                    id_number: id,
                    issuer: "株洲市公安局石峰分局".into(),
                    valid_from: date(2020, 2, 29),
                    valid_to: if long_term { ValidTo::LongTerm } else { ValidTo::Date(date(2040, 2, 29)) },
                    id_number_valid: true,
                    expired: false,
                    english_name: None,
                    country: None,
                    pass_number: None,
                };
                let back = decode_text(&encode_text(&card).unwrap(), today()).unwrap();
                prop_assert_eq!(back, card);
            }
        }
    }
}
