//! The service-guide data model (办事指南), after the GB/T 39554-2020 guide fields (实施清单).
//!
//! The bundled catalogue (`assets/catalog/catalog.json`) and, later, catalogues published by the hub
//! deserialize into these types. Unknown keys are errors so that a typo in a catalogue never silently
//! drops a field a resident needs.

use serde::{Deserialize, Serialize};

use crate::Lang;

/// A whole catalogue: a version, the theme categories in display order, and the service items.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogFile {
    /// Monotonic catalogue version; a higher version replaces a lower one.
    pub version: u64,
    /// Human-readable publication date, `YYYY-MM-DD`.
    pub published: String,
    /// Theme categories (主题分类) in the order the kiosk shows them.
    pub themes: Vec<ThemeCategory>,
    pub items: Vec<Guide>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThemeCategory {
    /// Stable code, e.g. `elderly`.
    pub code: String,
    /// Display name, e.g. `老年人`.
    pub name: String,
    /// English display name, e.g. `Senior Citizens` (the English interface; optional: an older
    /// catalogue without it shows the Chinese name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
}

impl ThemeCategory {
    /// The name in `lang`: the English name when there is one, else the Chinese.
    pub fn name_in(&self, lang: Lang) -> &str {
        english(lang, self.name_en.as_deref()).unwrap_or(&self.name)
    }
}

/// One service item's guide (办事指南).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Guide {
    /// 事项编码: two capital letters for the department family and four digits, e.g. `LL0001`.
    pub code: String,
    /// 事项名称, e.g. `老年人优待证办理（年审）`: the official name, always shown on slips.
    pub name: String,
    /// The English name, e.g. `Senior Citizen Card (annual review)` (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
    /// One English sentence on what the item is and who it is for (optional): the English
    /// interface shows it where the guide's content is only in Chinese.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary_en: Option<String>,
    /// Other names residents and staff use (俗称, 助记码), searched like the name.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// 事项类型, e.g. `行政给付`, `公共服务`, `行政确认`.
    pub item_type: String,
    /// 实施主体 (the department that decides).
    pub department: String,
    /// 服务对象, e.g. `自然人`.
    pub service_object: String,
    /// Theme category codes this item belongs to.
    pub themes: Vec<String>,
    /// Shown in the 常办事项 list.
    #[serde(default)]
    pub frequent: bool,
    /// 受理条件: who can apply.
    pub conditions: Vec<String>,
    /// 申请材料.
    pub materials: Vec<Material>,
    /// 办理流程, one step each.
    pub steps: Vec<String>,
    /// 法定办结时限 in working days (`None` where the law sets none).
    pub statutory_days: Option<u32>,
    /// 承诺办结时限 in working days (0 for 即办件).
    pub promised_days: u32,
    /// 办件类型.
    pub handling: Handling,
    /// 到现场次数 (0 when it can be done entirely at the terminal or online).
    pub visits: u32,
    /// 收费标准; `None` means 不收费.
    pub fee: Option<String>,
    /// 办理地点.
    pub place: String,
    /// 办理时间.
    pub hours: String,
    /// 咨询电话.
    pub phone: String,
    /// 监督投诉电话.
    pub complaint_phone: String,
    /// 是否支持终端办理.
    pub terminal: bool,
    /// The guide's online address (printed as a QR on the checklist slip).
    pub online_url: String,
    /// 设定依据 (legal basis), short.
    #[serde(default)]
    pub legal_basis: Option<String>,
    /// 常见问题.
    #[serde(default)]
    pub faq: Vec<Faq>,
    /// What a resident fills in at the terminal beyond what the ID card tells (terminal items only).
    #[serde(default)]
    pub form: Vec<FormField>,
    /// Who may apply at the terminal, decided from the ID card.
    #[serde(default)]
    pub eligibility: Eligibility,
}

impl Guide {
    /// The item's name in `lang`: the English name when there is one, else the official Chinese.
    pub fn name_in(&self, lang: Lang) -> &str {
        english(lang, self.name_en.as_deref()).unwrap_or(&self.name)
    }

    /// The English summary in the English interface (`None` in Chinese, or when the item has none).
    pub fn summary_in(&self, lang: Lang) -> Option<&str> {
        english(lang, self.summary_en.as_deref())
    }
}

/// `text` when `lang` is English and it is there and not blank.
fn english(lang: Lang, text: Option<&str>) -> Option<&str> {
    match lang {
        Lang::En => text.filter(|t| !t.trim().is_empty()),
        Lang::Zh => None,
    }
}

/// One field of a terminal application form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormField {
    /// Stable key, e.g. `phone`; the value is sent under it.
    pub key: String,
    /// What the resident reads, e.g. `联系电话`.
    pub label: String,
    pub kind: FieldKind,
    #[serde(default)]
    pub required: bool,
    /// The choices of a `choice` field.
    #[serde(default)]
    pub options: Vec<String>,
    /// One sentence of help shown under the field.
    #[serde(default)]
    pub help: Option<String>,
    /// Bounds of a `number` field.
    #[serde(default)]
    pub min: Option<i64>,
    #[serde(default)]
    pub max: Option<i64>,
    /// The unit shown after a number, e.g. `元`, `人`.
    #[serde(default)]
    pub unit: Option<String>,
    /// Longest `text` in characters.
    #[serde(default)]
    pub max_len: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    /// One of `options`, as large buttons.
    Choice,
    /// 是 / 否.
    YesNo,
    /// An 11-digit mobile or a landline, on the numeric keypad.
    Phone,
    /// A whole number on the numeric keypad, within `min`..=`max`.
    Number,
    /// A date typed as 8 digits (YYYYMMDD) on the numeric keypad.
    Date,
    /// Short text on the pinyin keyboard.
    Text,
}

/// Who may apply at the terminal; decided from the card, explained when not met.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Eligibility {
    /// Age in whole years on the day of application, at least.
    #[serde(default)]
    pub min_age: Option<u32>,
    /// Age at most.
    #[serde(default)]
    pub max_age: Option<u32>,
    /// Card types accepted (`resident`, `hk_mo_tw`, `foreign`); empty means any.
    #[serde(default)]
    pub card_types: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Handling {
    /// 即办件: decided on the spot.
    Immediate,
    /// 承诺件: decided within the promised time limit.
    Promised,
}

impl Handling {
    pub fn label(self) -> &'static str {
        match self {
            Handling::Immediate => "即办件",
            Handling::Promised => "承诺件",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Material {
    /// 材料名称.
    pub name: String,
    /// 原件 / 复印件 / 原件及复印件.
    pub form: MaterialForm,
    /// 份数.
    pub copies: u32,
    /// 是否必需.
    pub required: bool,
    /// 来源渠道, e.g. `申请人自备`, `公安机关`.
    pub source: String,
    /// 备注 (e.g. `需本人签字`).
    #[serde(default)]
    pub notes: Option<String>,
    /// A blank form or sample is available at the centre (空白表格/示例样表).
    #[serde(default)]
    pub blank_form: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MaterialForm {
    Original,
    Copy,
    OriginalAndCopy,
}

impl MaterialForm {
    pub fn label(self) -> &'static str {
        match self {
            MaterialForm::Original => "原件",
            MaterialForm::Copy => "复印件",
            MaterialForm::OriginalAndCopy => "原件及复印件",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Faq {
    pub q: String,
    pub a: String,
}
