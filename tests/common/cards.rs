//! The bundled fictional sample cards (`assets/cards/`) by name, as the simulated reader and the demo
//! panel (模拟刷卡) use them; `expired` and `id_number_valid` are computed for today.

use kiosk::devices::idcard::{sample_cards, Card};

/// 张演英, resident card, over 70: the senior-card fast path.
pub fn elderly() -> Card {
    by_stem("elderly")
}

/// 李演明, resident card, in their thirties: not yet eligible for the senior card.
pub fn younger() -> Card {
    by_stem("younger")
}

/// 港澳台居民居住证.
pub fn hk_mo_tw() -> Card {
    by_stem("hk_mo_tw")
}

/// 外国人永久居留身份证, with an English name.
pub fn foreign() -> Card {
    by_stem("foreign")
}

/// A resident card past its validity.
pub fn expired() -> Card {
    by_stem("expired")
}

/// Every sample card: (file stem, label on the demo panel, card).
pub fn all() -> Vec<(&'static str, &'static str, Card)> {
    sample_cards()
}

/// The sample card `assets/cards/{stem}.json`.
pub fn by_stem(stem: &str) -> Card {
    all()
        .into_iter()
        .find(|(s, _, _)| *s == stem)
        .map(|(_, _, card)| card)
        .unwrap_or_else(|| panic!("no sample card {stem}"))
}

/// The demo panel's button that places the sample card `stem`: `模拟刷卡：老年居民`.
pub fn demo_button(stem: &str) -> String {
    let (_, label, _) =
        all().into_iter().find(|(s, _, _)| *s == stem).unwrap_or_else(|| panic!("no sample card {stem}"));
    format!("模拟刷卡：{label}")
}
