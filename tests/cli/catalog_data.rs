//! Checks the bundled demo catalogue (`assets/catalog/catalog.json`) against the data invariants the
//! kiosk relies on: it deserializes into the strict serde model, codes are unique and well formed, every
//! theme is real and populated, must-have service items are present, and time limits are consistent.

use std::collections::{HashMap, HashSet};

use kiosk::catalog::{CatalogFile, Handling};

fn load() -> CatalogFile {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/catalog/catalog.json");
    let text = std::fs::read_to_string(path).expect("read assets/catalog/catalog.json");
    let de = &mut serde_json::Deserializer::from_str(&text);
    serde_path_to_error::deserialize(de).unwrap_or_else(|e| panic!("catalog.json: {e}"))
}

fn is_code(code: &str) -> bool {
    let b = code.as_bytes();
    b.len() == 6 && b[..2].iter().all(u8::is_ascii_uppercase) && b[2..].iter().all(u8::is_ascii_digit)
}

#[test]
fn header_and_themes() {
    let cat = load();
    assert!(cat.version >= 1);
    let p = cat.published.as_bytes();
    assert!(p.len() == 10 && p[4] == b'-' && p[7] == b'-', "published must be YYYY-MM-DD: {}", cat.published);
    let codes: Vec<&str> = cat.themes.iter().map(|t| t.code.as_str()).collect();
    assert_eq!(
        codes,
        [
            "elderly",
            "disabled",
            "assistance",
            "social_security",
            "medical",
            "birth",
            "household",
            "housing",
            "veterans",
            "other"
        ]
    );
    assert_eq!(cat.themes[0].name, "老年人");
    assert!(cat.themes.iter().all(|t| !t.name.trim().is_empty()));
}

#[test]
fn item_codes_unique_and_well_formed() {
    let cat = load();
    assert!(cat.items.len() >= 40, "only {} items", cat.items.len());
    let mut seen = HashSet::new();
    for g in &cat.items {
        assert!(is_code(&g.code), "bad code {:?}", g.code);
        assert!(seen.insert(g.code.as_str()), "duplicate code {}", g.code);
    }
    let names: HashSet<&str> = cat.items.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(names.len(), cat.items.len(), "duplicate item names");
}

#[test]
fn every_theme_referenced_exists_and_has_three_items() {
    let cat = load();
    let known: HashSet<&str> = cat.themes.iter().map(|t| t.code.as_str()).collect();
    let mut count: HashMap<&str, usize> = HashMap::new();
    for g in &cat.items {
        assert!(!g.themes.is_empty(), "{} has no theme", g.code);
        for t in &g.themes {
            assert!(known.contains(t.as_str()), "{} refers to unknown theme {t}", g.code);
            *count.entry(t.as_str()).or_default() += 1;
        }
    }
    for t in &cat.themes {
        let n = count.get(t.code.as_str()).copied().unwrap_or(0);
        assert!(n >= 3, "theme {} has only {n} items", t.code);
    }
}

#[test]
fn must_have_items_present() {
    let cat = load();
    let must = [
        "老年人优待证",
        "临时救助",
        "残疾人证",
        "二次报销",
        "养老保险待遇领取资格认定",
        "最低生活保障",
        "失业登记",
        "生育登记",
        "居住证",
        "高龄津贴",
        "特困人员救助供养",
        "居家养老服务补贴",
        "残疾人两项补贴",
        "城乡居民医保参保登记",
        "城乡居民养老保险参保登记",
        "就业困难人员认定",
        "灵活就业人员社保补贴",
        "公租房",
        "户籍证明",
        "独生子女父母奖励扶助",
        "门诊慢特病",
        "计划生育家庭特别扶助",
        "优抚对象",
        "尊老金",
        "丧葬补贴",
    ];
    for m in must {
        assert!(cat.items.iter().any(|g| g.name.contains(m)), "no item named like {m}");
    }
}

#[test]
fn senior_card_item_is_the_fast_path() {
    let cat = load();
    let g = cat.items.iter().find(|g| g.name.contains("老年人优待证")).expect("senior card item");
    for a in ["老年证", "敬老卡", "优待证", "ldyd"] {
        assert!(g.aliases.iter().any(|x| x == a), "senior card lacks alias {a}");
    }
    assert!(g.frequent && g.terminal);
    assert!(g.themes.iter().any(|t| t == "elderly"));
}

#[test]
fn fields_are_filled_and_consistent() {
    let cat = load();
    let mut frequent = 0;
    let mut terminal = 0;
    for g in &cat.items {
        let c = &g.code;
        for (field, v) in [
            ("name", &g.name),
            ("item_type", &g.item_type),
            ("department", &g.department),
            ("service_object", &g.service_object),
            ("place", &g.place),
            ("hours", &g.hours),
            ("phone", &g.phone),
            ("complaint_phone", &g.complaint_phone),
        ] {
            assert!(!v.trim().is_empty(), "{c}: empty {field}");
        }
        assert!(!g.conditions.is_empty(), "{c}: no conditions");
        assert!(!g.materials.is_empty(), "{c}: no materials");
        assert!((3..=6).contains(&g.steps.len()), "{c}: {} steps", g.steps.len());
        for m in &g.materials {
            assert!(m.copies >= 1, "{c}: material {} has 0 copies", m.name);
            assert!(!m.source.trim().is_empty(), "{c}: material {} has no source", m.name);
        }
        if let Some(s) = g.statutory_days {
            assert!(g.promised_days <= s, "{c}: promised {} > statutory {s}", g.promised_days);
        }
        assert_eq!(
            g.handling == Handling::Immediate,
            g.promised_days == 0,
            "{c}: immediate handling iff promised_days == 0"
        );
        assert!(g.phone.starts_with("0731-"), "{c}: phone {}", g.phone);
        assert_eq!(g.complaint_phone, "12345", "{c}");
        assert!(g.online_url.ends_with(&format!("/guide/{c}")), "{c}: online_url {}", g.online_url);
        for f in &g.faq {
            assert!(!f.q.trim().is_empty() && !f.a.trim().is_empty(), "{c}: empty FAQ");
        }
        frequent += usize::from(g.frequent);
        terminal += usize::from(g.terminal);
    }
    assert!((6..=14).contains(&frequent), "{frequent} frequent items");
    assert!((8..=16).contains(&terminal), "{terminal} terminal items");
}

/// Han characters, CJK punctuation (、。「」) and full-width forms (（），：): none in English text.
fn has_chinese(s: &str) -> bool {
    s.chars().any(|c| matches!(c, '\u{3000}'..='\u{303f}' | '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{ff00}'..='\u{ffef}'))
}

/// The English interface: every bundled item and theme has an English name, and the English is English.
#[test]
fn every_item_and_theme_has_an_english_name() {
    let cat = load();
    for t in &cat.themes {
        let en = t.name_en.as_deref().unwrap_or_else(|| panic!("theme {} has no name_en", t.code));
        assert!(!en.trim().is_empty() && !has_chinese(en), "theme {}: name_en {en:?}", t.code);
    }
    let mut names = HashSet::new();
    for g in &cat.items {
        let c = &g.code;
        let en = g.name_en.as_deref().unwrap_or_else(|| panic!("{c} has no name_en"));
        assert!(!en.trim().is_empty() && !has_chinese(en), "{c}: name_en {en:?}");
        assert!(en.chars().next().is_some_and(|f| f.is_ascii_uppercase()), "{c}: name_en {en:?} starts in lower case");
        assert!(names.insert(en), "{c}: name_en {en:?} is another item's too");
        if let Some(s) = &g.summary_en {
            assert!(!s.trim().is_empty() && !has_chinese(s), "{c}: summary_en {s:?}");
            assert!(s.ends_with('.') && s.len() <= 160, "{c}: summary_en is one short sentence: {s:?}");
        }
    }
    assert!(has_chinese("（") && has_chinese("老") && !has_chinese("Senior “card” – 60+"), "the check itself");
}

#[test]
fn round_trips_through_serde() {
    let cat = load();
    let text = serde_json::to_string(&cat).unwrap();
    let back: CatalogFile = serde_json::from_str(&text).unwrap();
    assert_eq!(cat, back);
}
